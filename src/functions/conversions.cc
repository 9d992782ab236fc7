#include "functions/conversions.h"

#include <charconv>
#include <cmath>
#include <limits>

#include "functions/kernel_support.h"
#include "table/datetime.h"

namespace unmask::functions {

namespace {

std::string_view TrimAsciiSpace(std::string_view text) {
    auto is_space = [](char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
    };
    while (!text.empty() && is_space(text.front())) {
        text.remove_prefix(1);
    }
    while (!text.empty() && is_space(text.back())) {
        text.remove_suffix(1);
    }
    return text;
}

/// Truncates toward zero; nullopt for NaN, infinities and values outside the int64 range.
std::optional<int64_t> TruncateReal(double value) {
    if (!(value >= -9223372036854775808.0 && value < 9223372036854775808.0)) {
        return std::nullopt;
    }
    return static_cast<int64_t>(value);
}

std::optional<int64_t> NarrowToInt(std::optional<int64_t> value) {
    if (!value || *value < std::numeric_limits<int32_t>::min() || *value > std::numeric_limits<int32_t>::max()) {
        return std::nullopt;
    }
    return value;
}

/// Writes `convert(row)` into an int64-stored output; nullopt becomes a null row.
template <typename Convert>
void FillInts(Column& out, size_t rows, Convert convert) {
    for (size_t row = 0; row < rows; ++row) {
        const std::optional<int64_t> value = convert(row);
        if (value) {
            out.ints[row] = *value;
        } else {
            MarkNull(out, row);
        }
    }
}

template <typename Convert>
void FillReals(Column& out, size_t rows, Convert convert) {
    for (size_t row = 0; row < rows; ++row) {
        const std::optional<double> value = convert(row);
        if (value) {
            out.reals[row] = *value;
        } else {
            MarkNull(out, row);
        }
    }
}

std::optional<int64_t> CellToLong(const Column& column, size_t row) {
    if (IsNullCell(column, row)) {
        return std::nullopt;
    }
    switch (column.type) {
    case Type::kReal:
        return TruncateReal(column.reals[row]);
    case Type::kString:
        return ParseLongText(column.strings[row]);
    case Type::kDynamic:
        return DynamicToLong(column.dynamics[row].get());
    default:
        return column.ints[row];
    }
}

std::optional<double> CellToReal(const Column& column, size_t row) {
    if (IsNullCell(column, row)) {
        return std::nullopt;
    }
    switch (column.type) {
    case Type::kReal:
        return column.reals[row];
    case Type::kString:
        return ParseRealText(column.strings[row]);
    case Type::kDynamic:
        return DynamicToReal(column.dynamics[row].get());
    default:
        return static_cast<double>(column.ints[row]);
    }
}

std::optional<int64_t> CellToBool(const Column& column, size_t row) {
    if (IsNullCell(column, row)) {
        return std::nullopt;
    }
    std::optional<bool> value;
    switch (column.type) {
    case Type::kBool:
    case Type::kInt:
    case Type::kLong:
        value = column.ints[row] != 0;
        break;
    case Type::kReal:
        if (!std::isnan(column.reals[row])) {
            value = column.reals[row] != 0;
        }
        break;
    case Type::kString:
        value = ParseBoolText(column.strings[row]);
        break;
    case Type::kDynamic:
        value = DynamicToBool(column.dynamics[row].get());
        break;
    case Type::kDateTime:
    case Type::kTimeSpan:
        break;
    }
    if (!value) {
        return std::nullopt;
    }
    return *value ? 1 : 0;
}

std::optional<int64_t> CellToDateTime(const Column& column, size_t row) {
    if (IsNullCell(column, row)) {
        return std::nullopt;
    }
    switch (column.type) {
    case Type::kDateTime:
        return column.ints[row];
    case Type::kString:
        return ParseDateTime(column.strings[row]);
    case Type::kDynamic:
        return DynamicToDateTime(column.dynamics[row].get());
    default:
        return std::nullopt;
    }
}

std::optional<int64_t> CellToTimeSpan(const Column& column, size_t row) {
    if (IsNullCell(column, row)) {
        return std::nullopt;
    }
    switch (column.type) {
    case Type::kTimeSpan:
        return column.ints[row];
    case Type::kString:
        return ParseTimeSpan(column.strings[row]);
    case Type::kDynamic:
        return DynamicToTimeSpan(column.dynamics[row].get());
    default:
        return std::nullopt;
    }
}

} // namespace

void AppendDynamicText(std::string& out, const DynamicValue* value) {
    if (value == nullptr) {
        return;
    }
    using Kind = DynamicValue::Kind;
    switch (value->kind()) {
    case Kind::kNull:
        return;
    case Kind::kBool:
        out += value->bool_value() ? "true" : "false";
        return;
    case Kind::kLong:
        out += std::to_string(value->integer());
        return;
    case Kind::kReal:
        AppendRealText(out, value->real());
        return;
    case Kind::kString:
        out += value->string();
        return;
    case Kind::kDateTime:
        out += FormatDateTime(value->integer());
        return;
    case Kind::kTimeSpan:
        out += FormatTimeSpan(value->integer());
        return;
    case Kind::kArray:
    case Kind::kObject:
        value->AppendJson(out);
        return;
    }
}

void AppendCellText(std::string& out, const Column& column, size_t row) {
    if (column.type == Type::kString) {
        out += column.strings[row];
        return;
    }
    if (IsNullCell(column, row)) {
        return;
    }
    switch (column.type) {
    case Type::kBool:
        out += column.ints[row] != 0 ? "true" : "false";
        break;
    case Type::kInt:
    case Type::kLong:
        out += std::to_string(column.ints[row]);
        break;
    case Type::kReal:
        AppendRealText(out, column.reals[row]);
        break;
    case Type::kDateTime:
        out += FormatDateTime(column.ints[row]);
        break;
    case Type::kTimeSpan:
        out += FormatTimeSpan(column.ints[row]);
        break;
    case Type::kDynamic:
        AppendDynamicText(out, column.dynamics[row].get());
        break;
    case Type::kString:
        break;
    }
}

std::string ValueText(const Value& value) {
    const Column column = ColumnFromValue(value);
    std::string text;
    AppendCellText(text, column, 0);
    return text;
}

std::optional<int64_t> ParseLongText(std::string_view text) {
    text = TrimAsciiSpace(text);
    if (!text.empty() && text.front() == '+') {
        text.remove_prefix(1);
    }
    int64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || text.empty()) {
        return std::nullopt;
    }
    return value;
}

std::optional<double> ParseRealText(std::string_view text) {
    text = TrimAsciiSpace(text);
    if (!text.empty() && text.front() == '+') {
        text.remove_prefix(1);
    }
    if (text.empty()) {
        return std::nullopt;
    }
    double value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error == std::errc() && end == text.data() + text.size()) {
        return value;
    }
    // from_chars rejects out-of-range values; .NET's double.Parse returns an infinity for them.
    if (error == std::errc::result_out_of_range && end == text.data() + text.size()) {
        const bool negative = text.front() == '-';
        const size_t exponent = text.find_first_of("eE");
        const bool tiny = exponent != std::string_view::npos && exponent + 1 < text.size() && text[exponent + 1] == '-';
        if (tiny) {
            return negative ? -0.0 : 0.0;
        }
        return negative ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
    }
    return std::nullopt;
}

std::optional<bool> ParseBoolText(std::string_view text) {
    text = TrimAsciiSpace(text);
    if (EqualsIgnoreCaseAscii(text, "true")) {
        return true;
    }
    if (EqualsIgnoreCaseAscii(text, "false")) {
        return false;
    }
    return std::nullopt;
}

std::optional<int64_t> DynamicToLong(const DynamicValue* value) {
    if (value == nullptr) {
        return std::nullopt;
    }
    using Kind = DynamicValue::Kind;
    switch (value->kind()) {
    case Kind::kBool:
        return value->bool_value() ? 1 : 0;
    case Kind::kLong:
    case Kind::kDateTime:
    case Kind::kTimeSpan:
        return value->integer();
    case Kind::kReal:
        return TruncateReal(value->real());
    case Kind::kString:
        return ParseLongText(value->string());
    default:
        return std::nullopt;
    }
}

std::optional<double> DynamicToReal(const DynamicValue* value) {
    if (value == nullptr) {
        return std::nullopt;
    }
    using Kind = DynamicValue::Kind;
    switch (value->kind()) {
    case Kind::kBool:
        return value->bool_value() ? 1.0 : 0.0;
    case Kind::kLong:
    case Kind::kDateTime:
    case Kind::kTimeSpan:
        return static_cast<double>(value->integer());
    case Kind::kReal:
        return value->real();
    case Kind::kString:
        return ParseRealText(value->string());
    default:
        return std::nullopt;
    }
}

std::optional<bool> DynamicToBool(const DynamicValue* value) {
    if (value == nullptr) {
        return std::nullopt;
    }
    using Kind = DynamicValue::Kind;
    switch (value->kind()) {
    case Kind::kBool:
        return value->bool_value();
    case Kind::kLong:
        return value->integer() != 0;
    case Kind::kReal:
        if (std::isnan(value->real())) {
            return std::nullopt;
        }
        return value->real() != 0;
    case Kind::kString:
        return ParseBoolText(value->string());
    default:
        return std::nullopt;
    }
}

std::optional<int64_t> DynamicToDateTime(const DynamicValue* value) {
    if (value == nullptr) {
        return std::nullopt;
    }
    if (value->kind() == DynamicValue::Kind::kDateTime) {
        return value->integer();
    }
    if (value->kind() == DynamicValue::Kind::kString) {
        return ParseDateTime(value->string());
    }
    return std::nullopt;
}

std::optional<int64_t> DynamicToTimeSpan(const DynamicValue* value) {
    if (value == nullptr) {
        return std::nullopt;
    }
    if (value->kind() == DynamicValue::Kind::kTimeSpan) {
        return value->integer();
    }
    if (value->kind() == DynamicValue::Kind::kString) {
        return ParseTimeSpan(value->string());
    }
    return std::nullopt;
}

DynamicPtr CellToDynamic(const Column& column, size_t row) {
    if (column.type == Type::kString) {
        return DynamicValue::String(std::string(column.strings[row]));
    }
    if (IsNullCell(column, row)) {
        return nullptr;
    }
    switch (column.type) {
    case Type::kBool:
        return DynamicValue::Bool(column.ints[row] != 0);
    case Type::kInt:
    case Type::kLong:
        return DynamicValue::Long(column.ints[row]);
    case Type::kReal:
        return DynamicValue::Real(column.reals[row]);
    case Type::kDateTime:
        return DynamicValue::DateTime(column.ints[row]);
    case Type::kTimeSpan:
        return DynamicValue::TimeSpan(column.ints[row]);
    case Type::kDynamic:
        return column.dynamics[row];
    case Type::kString:
        break;
    }
    return nullptr;
}

Column ConvertColumn(const Column& column, Type target) {
    const size_t rows = column.size();
    Column out(target);
    if (column.type == target) {
        out = column;
        return out;
    }
    ResizeOutput(out, rows);
    switch (target) {
    case Type::kBool:
        FillInts(out, rows, [&](size_t row) { return CellToBool(column, row); });
        break;
    case Type::kInt:
        FillInts(out, rows, [&](size_t row) { return NarrowToInt(CellToLong(column, row)); });
        break;
    case Type::kLong:
        if (column.type == Type::kInt || column.type == Type::kBool) {
            out.ints = column.ints;
            out.valid = column.valid;
            break;
        }
        FillInts(out, rows, [&](size_t row) { return CellToLong(column, row); });
        break;
    case Type::kReal:
        FillReals(out, rows, [&](size_t row) { return CellToReal(column, row); });
        break;
    case Type::kDateTime:
        FillInts(out, rows, [&](size_t row) { return CellToDateTime(column, row); });
        break;
    case Type::kTimeSpan:
        FillInts(out, rows, [&](size_t row) { return CellToTimeSpan(column, row); });
        break;
    case Type::kString: {
        StringArena& arena = out.NewArena();
        std::string text;
        for (size_t row = 0; row < rows; ++row) {
            text.clear();
            AppendCellText(text, column, row);
            out.strings[row] = arena.Add(text);
        }
        break;
    }
    case Type::kDynamic:
        for (size_t row = 0; row < rows; ++row) {
            out.dynamics[row] = CellToDynamic(column, row);
        }
        FinishDynamicOutput(out);
        break;
    }
    return out;
}

const Column& ColumnAs(const Column& column, Type target, Column& storage) {
    if (column.type == target) {
        return column;
    }
    storage = ConvertColumn(column, target);
    return storage;
}

Column ColumnFromValue(const Value& value) {
    Column column(value.type);
    StringArena& arena = column.NewArena();
    value.AppendTo(column, arena);
    return column;
}

Value ConvertValue(const Value& value, Type target) {
    const Column converted = ConvertColumn(ColumnFromValue(value), target);
    return Value::FromColumn(converted, 0);
}

} // namespace unmask::functions
