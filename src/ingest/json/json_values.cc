#include "ingest/json/json_values.h"

#include <cmath>
#include <limits>
#include <string>

namespace unmask::ingest {

namespace {

using simdjson::dom::element_type;

// Accepts a double as an integer when it has no fraction and fits the column (JSON writers
// sometimes print 443 as 443.0).
bool IntegralDouble(double value, Type type, int64_t& result) {
    if (!std::isfinite(value) || std::trunc(value) != value) {
        return false;
    }
    const double low = type == Type::kInt ? std::numeric_limits<int32_t>::min() : -9223372036854775808.0;
    const double high = type == Type::kInt ? std::numeric_limits<int32_t>::max() : 9223372036854775807.0;
    if (value < low || value >= high + (type == Type::kInt ? 1.0 : 0.0)) {
        return false;
    }
    result = static_cast<int64_t>(value);
    return true;
}

CellError AppendJsonInteger(Column& column, simdjson::dom::element value) {
    int64_t integer = 0;
    switch (value.type()) {
    case element_type::INT64:
        integer = value.get_int64().value();
        break;
    case element_type::DOUBLE:
        if (!IntegralDouble(value.get_double().value(), column.type, integer)) {
            return CellError::kInvalidNumber;
        }
        break;
    default:
        return CellError::kInvalidNumber;
    }
    if (column.type == Type::kInt &&
        (integer < std::numeric_limits<int32_t>::min() || integer > std::numeric_limits<int32_t>::max())) {
        return CellError::kInvalidNumber;
    }
    column.AppendInt(integer);
    return CellError::kNone;
}

void AppendJsonText(Column& column, simdjson::dom::element value, StringArena& arena) {
    switch (value.type()) {
    case element_type::STRING:
        column.AppendString(arena.Add(value.get_string().value()));
        return;
    case element_type::NULL_VALUE:
        column.AppendString({});
        return;
    case element_type::BOOL:
        column.AppendString(value.get_bool().value() ? "true" : "false");
        return;
    case element_type::INT64:
        column.AppendString(arena.Add(std::to_string(value.get_int64().value())));
        return;
    case element_type::UINT64:
        column.AppendString(arena.Add(std::to_string(value.get_uint64().value())));
        return;
    default:
        column.AppendString(arena.Add(simdjson::to_string(value)));
        return;
    }
}

}  // namespace

CellError AppendJsonValue(Column& column, simdjson::dom::element value, StringArena& arena) {
    const element_type kind = value.type();
    if (column.type == Type::kString) {
        AppendJsonText(column, value, arena);
        return CellError::kNone;
    }
    if (kind == element_type::NULL_VALUE) {
        column.AppendNull();
        return CellError::kNone;
    }
    if (column.type == Type::kDynamic) {
        column.AppendDynamic(JsonToDynamic(value));
        return CellError::kNone;
    }
    if (kind == element_type::STRING) {
        const std::string_view text = value.get_string().value();
        if (text.empty()) {
            column.AppendNull();
            return CellError::kNone;
        }
        return AppendTextValue(column, text);
    }
    switch (column.type) {
    case Type::kInt:
    case Type::kLong:
        return AppendJsonInteger(column, value);
    case Type::kReal:
        switch (kind) {
        case element_type::INT64:
            column.AppendReal(static_cast<double>(value.get_int64().value()));
            break;
        case element_type::UINT64:
            column.AppendReal(static_cast<double>(value.get_uint64().value()));
            break;
        case element_type::DOUBLE:
            column.AppendReal(value.get_double().value());
            break;
        default:
            return CellError::kInvalidNumber;
        }
        return CellError::kNone;
    case Type::kBool:
        if (kind == element_type::BOOL) {
            column.AppendInt(value.get_bool().value() ? 1 : 0);
            return CellError::kNone;
        }
        if (kind == element_type::INT64 && (value.get_int64().value() == 0 || value.get_int64().value() == 1)) {
            column.AppendInt(value.get_int64().value());
            return CellError::kNone;
        }
        return CellError::kInvalidBool;
    case Type::kDateTime:
        return CellError::kInvalidDateTime;
    case Type::kTimeSpan:
        return CellError::kInvalidTimeSpan;
    default:
        return CellError::kInvalidNumber;
    }
}

DynamicPtr JsonToDynamic(simdjson::dom::element value) {
    switch (value.type()) {
    case element_type::ARRAY: {
        DynamicValue::Array items;
        for (simdjson::dom::element child : value.get_array()) {
            items.push_back(JsonToDynamic(child));
        }
        return DynamicValue::MakeArray(std::move(items));
    }
    case element_type::OBJECT: {
        DynamicValue::Object properties;
        for (simdjson::dom::key_value_pair field : value.get_object()) {
            properties.emplace_back(std::string(field.key), JsonToDynamic(field.value));
        }
        return DynamicValue::MakeObject(std::move(properties));
    }
    case element_type::INT64:
        return DynamicValue::Long(value.get_int64().value());
    case element_type::UINT64:
        return DynamicValue::Real(static_cast<double>(value.get_uint64().value()));
    case element_type::DOUBLE:
        return DynamicValue::Real(value.get_double().value());
    case element_type::STRING:
        return DynamicValue::String(std::string(value.get_string().value()));
    case element_type::BOOL:
        return DynamicValue::Bool(value.get_bool().value());
    case element_type::NULL_VALUE:
        return DynamicValue::Null();
    }
    return DynamicValue::Null();
}

std::optional<Type> TypeOfJsonValue(simdjson::dom::element value) {
    switch (value.type()) {
    case element_type::STRING:
        return Type::kString;
    case element_type::INT64:
        return Type::kLong;
    case element_type::UINT64:
    case element_type::DOUBLE:
        return Type::kReal;
    case element_type::BOOL:
        return Type::kBool;
    case element_type::ARRAY:
    case element_type::OBJECT:
        return Type::kDynamic;
    case element_type::NULL_VALUE:
        return std::nullopt;
    }
    return std::nullopt;
}

}  // namespace unmask::ingest
