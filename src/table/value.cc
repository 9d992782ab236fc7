#include "table/value.h"

#include <charconv>
#include <cmath>

#include "table/datetime.h"

namespace unmask {

Value Value::Null(Type type) {
    Value value;
    value.type = type;
    value.is_null = type != Type::kString;
    return value;
}

Value Value::Bool(bool v) {
    Value value;
    value.type = Type::kBool;
    value.is_null = false;
    value.integer = v ? 1 : 0;
    return value;
}

Value Value::Int(int64_t v) {
    Value value;
    value.type = Type::kInt;
    value.is_null = false;
    value.integer = v;
    return value;
}

Value Value::Long(int64_t v) {
    Value value;
    value.type = Type::kLong;
    value.is_null = false;
    value.integer = v;
    return value;
}

Value Value::Real(double v) {
    Value value;
    value.type = Type::kReal;
    value.is_null = false;
    value.real = v;
    return value;
}

Value Value::String(std::string v) {
    Value value;
    value.type = Type::kString;
    value.is_null = false;
    value.string = std::move(v);
    return value;
}

Value Value::DateTime(int64_t ticks) {
    Value value;
    value.type = Type::kDateTime;
    value.is_null = false;
    value.integer = ticks;
    return value;
}

Value Value::TimeSpan(int64_t ticks) {
    Value value;
    value.type = Type::kTimeSpan;
    value.is_null = false;
    value.integer = ticks;
    return value;
}

Value Value::Dynamic(DynamicPtr v) {
    Value value;
    value.type = Type::kDynamic;
    value.is_null = v == nullptr;
    value.dynamic = std::move(v);
    return value;
}

Value Value::FromColumn(const Column& column, size_t row) {
    if (column.IsNull(row)) {
        return Null(column.type);
    }
    Value value;
    value.type = column.type;
    value.is_null = false;
    switch (column.type) {
        case Type::kReal: value.real = column.reals[row]; break;
        case Type::kString: value.string = std::string(column.strings[row]); break;
        case Type::kDynamic:
            value.dynamic = column.dynamics[row];
            value.is_null = value.dynamic == nullptr;
            break;
        default: value.integer = column.ints[row]; break;
    }
    return value;
}

void Value::AppendTo(Column& column, StringArena& arena) const {
    if (type == Type::kString) {
        column.AppendString(arena.Add(string));
        return;
    }
    if (is_null) {
        column.AppendNull();
        return;
    }
    switch (type) {
        case Type::kReal: column.AppendReal(real); break;
        case Type::kDynamic: column.AppendDynamic(dynamic); break;
        default: column.AppendInt(integer); break;
    }
}

DynamicPtr Value::ToDynamic() const {
    if (is_null) {
        return DynamicValue::Null();
    }
    switch (type) {
        case Type::kBool: return DynamicValue::Bool(integer != 0);
        case Type::kInt:
        case Type::kLong: return DynamicValue::Long(integer);
        case Type::kReal: return DynamicValue::Real(real);
        case Type::kString: return DynamicValue::String(string);
        case Type::kDateTime: return DynamicValue::DateTime(integer);
        case Type::kTimeSpan: return DynamicValue::TimeSpan(integer);
        case Type::kDynamic: return dynamic ? dynamic : DynamicValue::Null();
    }
    return DynamicValue::Null();
}

void AppendRealText(std::string& out, double value) {
    if (std::isnan(value)) {
        out += "NaN";
        return;
    }
    if (std::isinf(value)) {
        out += value > 0 ? "Infinity" : "-Infinity";
        return;
    }
    // Whole numbers print without an exponent (600000000, not 6e+08) as Kusto shows them.
    if (value == std::trunc(value) && std::fabs(value) < 1e17) {
        out += std::to_string(static_cast<int64_t>(value));
        return;
    }
    char buffer[64];
    auto [end, error] = std::to_chars(buffer, buffer + sizeof(buffer), value);
    if (error == std::errc()) {
        out.append(buffer, end);
    }
}

void AppendCell(std::string& out, const Column& column, size_t row) {
    if (column.IsNull(row)) {
        return;
    }
    switch (column.type) {
        case Type::kBool: out += column.ints[row] ? "True" : "False"; break;
        case Type::kInt:
        case Type::kLong: out += std::to_string(column.ints[row]); break;
        case Type::kReal: AppendRealText(out, column.reals[row]); break;
        case Type::kString: out += column.strings[row]; break;
        case Type::kDateTime: out += FormatDateTime(column.ints[row]); break;
        case Type::kTimeSpan: out += FormatTimeSpan(column.ints[row]); break;
        case Type::kDynamic:
            if (column.dynamics[row]) {
                column.dynamics[row]->AppendJson(out);
            }
            break;
    }
}

std::string FormatCell(const Column& column, size_t row) {
    std::string out;
    AppendCell(out, column, row);
    return out;
}

}  // namespace unmask
