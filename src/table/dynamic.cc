#include "table/dynamic.h"

#include <simdjson.h>

#include <charconv>
#include <cmath>
#include <cstdio>

#include "table/datetime.h"

namespace unmask {

DynamicPtr DynamicValue::Null() {
    static const DynamicPtr kNull = std::make_shared<DynamicValue>();
    return kNull;
}

DynamicPtr DynamicValue::Bool(bool value) {
    auto node = std::make_shared<DynamicValue>();
    node->kind_ = Kind::kBool;
    node->integer_ = value ? 1 : 0;
    return node;
}

DynamicPtr DynamicValue::Long(int64_t value) {
    auto node = std::make_shared<DynamicValue>();
    node->kind_ = Kind::kLong;
    node->integer_ = value;
    return node;
}

DynamicPtr DynamicValue::Real(double value) {
    auto node = std::make_shared<DynamicValue>();
    node->kind_ = Kind::kReal;
    node->real_ = value;
    return node;
}

DynamicPtr DynamicValue::String(std::string value) {
    auto node = std::make_shared<DynamicValue>();
    node->kind_ = Kind::kString;
    node->string_ = std::move(value);
    return node;
}

DynamicPtr DynamicValue::DateTime(int64_t ticks) {
    auto node = std::make_shared<DynamicValue>();
    node->kind_ = Kind::kDateTime;
    node->integer_ = ticks;
    return node;
}

DynamicPtr DynamicValue::TimeSpan(int64_t ticks) {
    auto node = std::make_shared<DynamicValue>();
    node->kind_ = Kind::kTimeSpan;
    node->integer_ = ticks;
    return node;
}

DynamicPtr DynamicValue::MakeArray(Array items) {
    auto node = std::make_shared<DynamicValue>();
    node->kind_ = Kind::kArray;
    node->array_ = std::move(items);
    return node;
}

DynamicPtr DynamicValue::MakeObject(Object properties) {
    auto node = std::make_shared<DynamicValue>();
    node->kind_ = Kind::kObject;
    node->object_ = std::move(properties);
    return node;
}

const DynamicPtr* DynamicValue::Find(std::string_view key) const {
    if (kind_ != Kind::kObject) {
        return nullptr;
    }
    for (const auto& [name, value] : object_) {
        if (name == key) {
            return &value;
        }
    }
    return nullptr;
}

namespace {

void AppendJsonString(std::string& out, std::string_view text) {
    out += '"';
    for (unsigned char c : text) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            case '\b': out += "\\b"; break;
            case '\f': out += "\\f"; break;
            default:
                if (c < 0x20) {
                    char buffer[8];
                    std::snprintf(buffer, sizeof(buffer), "\\u%04x", c);
                    out += buffer;
                } else {
                    out += static_cast<char>(c);
                }
        }
    }
    out += '"';
}

}  // namespace

void AppendReal(std::string& out, double value);

void DynamicValue::AppendJson(std::string& out) const {
    switch (kind_) {
        case Kind::kNull: out += "null"; break;
        case Kind::kBool: out += integer_ ? "true" : "false"; break;
        case Kind::kLong: out += std::to_string(integer_); break;
        case Kind::kReal:
            if (std::isfinite(real_)) {
                AppendReal(out, real_);
            } else {
                AppendJsonString(out, std::isnan(real_) ? "NaN" : (real_ > 0 ? "Infinity" : "-Infinity"));
            }
            break;
        case Kind::kString: AppendJsonString(out, string_); break;
        case Kind::kDateTime: AppendJsonString(out, FormatDateTime(integer_)); break;
        case Kind::kTimeSpan: AppendJsonString(out, FormatTimeSpan(integer_)); break;
        case Kind::kArray: {
            out += '[';
            bool first = true;
            for (const DynamicPtr& item : array_) {
                if (!first) {
                    out += ',';
                }
                first = false;
                if (item) {
                    item->AppendJson(out);
                } else {
                    out += "null";
                }
            }
            out += ']';
            break;
        }
        case Kind::kObject: {
            out += '{';
            bool first = true;
            for (const auto& [name, value] : object_) {
                if (!first) {
                    out += ',';
                }
                first = false;
                AppendJsonString(out, name);
                out += ':';
                if (value) {
                    value->AppendJson(out);
                } else {
                    out += "null";
                }
            }
            out += '}';
            break;
        }
    }
}

std::string DynamicValue::ToJson() const {
    std::string out;
    AppendJson(out);
    return out;
}

void AppendReal(std::string& out, double value) {
    // Whole numbers print without an exponent (600000000, not 6e+08), as Kusto writes them.
    if (value == std::trunc(value) && std::fabs(value) < 1e17) {
        out += std::to_string(static_cast<int64_t>(value));
        return;
    }
    char buffer[64];
    auto [end, error] = std::to_chars(buffer, buffer + sizeof(buffer), value);
    if (error != std::errc()) {
        out += "0";
        return;
    }
    out.append(buffer, end);
}

namespace {

Result<DynamicPtr> ConvertElement(simdjson::dom::element element, size_t depth, size_t max_depth) {
    if (depth > max_depth) {
        return Status(ErrorKind::kLimitExceeded,
                      "JSON nesting deeper than " + std::to_string(max_depth) + " levels");
    }
    switch (element.type()) {
        case simdjson::dom::element_type::ARRAY: {
            DynamicValue::Array items;
            for (simdjson::dom::element child : element.get_array()) {
                UNMASK_ASSIGN_OR_RETURN(DynamicPtr item, ConvertElement(child, depth + 1, max_depth));
                items.push_back(std::move(item));
            }
            return DynamicValue::MakeArray(std::move(items));
        }
        case simdjson::dom::element_type::OBJECT: {
            DynamicValue::Object properties;
            for (simdjson::dom::key_value_pair field : element.get_object()) {
                UNMASK_ASSIGN_OR_RETURN(DynamicPtr value, ConvertElement(field.value, depth + 1, max_depth));
                properties.emplace_back(std::string(field.key), std::move(value));
            }
            return DynamicValue::MakeObject(std::move(properties));
        }
        case simdjson::dom::element_type::INT64: return DynamicValue::Long(element.get_int64().value());
        case simdjson::dom::element_type::UINT64: return DynamicValue::Real(static_cast<double>(element.get_uint64().value()));
        case simdjson::dom::element_type::DOUBLE: return DynamicValue::Real(element.get_double().value());
        case simdjson::dom::element_type::STRING: return DynamicValue::String(std::string(element.get_string().value()));
        case simdjson::dom::element_type::BOOL: return DynamicValue::Bool(element.get_bool().value());
        case simdjson::dom::element_type::NULL_VALUE: return DynamicValue::Null();
    }
    return DynamicValue::Null();
}

}  // namespace

Result<DynamicPtr> ParseJson(std::string_view text, const JsonLimits& limits) {
    if (text.size() > limits.max_bytes) {
        return Status(ErrorKind::kLimitExceeded, "JSON value of " + std::to_string(text.size()) +
                                                     " bytes exceeds the limit of " + std::to_string(limits.max_bytes));
    }
    thread_local simdjson::dom::parser parser;
    simdjson::padded_string padded(text);
    simdjson::dom::element root;
    const simdjson::error_code error = parser.parse(padded).get(root);
    if (error) {
        return Status(ErrorKind::kInvalidInput, std::string("invalid JSON: ") + simdjson::error_message(error));
    }
    return ConvertElement(root, 0, limits.max_depth);
}

namespace {

int KindRank(DynamicValue::Kind kind) {
    switch (kind) {
        case DynamicValue::Kind::kNull: return 0;
        case DynamicValue::Kind::kBool: return 1;
        case DynamicValue::Kind::kLong:
        case DynamicValue::Kind::kReal: return 2;
        case DynamicValue::Kind::kDateTime: return 3;
        case DynamicValue::Kind::kTimeSpan: return 4;
        case DynamicValue::Kind::kString: return 5;
        case DynamicValue::Kind::kArray: return 6;
        case DynamicValue::Kind::kObject: return 7;
    }
    return 0;
}

}  // namespace

int CompareDynamic(const DynamicValue* left, const DynamicValue* right) {
    const bool left_null = left == nullptr || left->is_null();
    const bool right_null = right == nullptr || right->is_null();
    if (left_null || right_null) {
        return static_cast<int>(right_null) - static_cast<int>(left_null) == 0 ? 0 : (left_null ? -1 : 1);
    }
    const int left_rank = KindRank(left->kind());
    const int right_rank = KindRank(right->kind());
    if (left_rank != right_rank) {
        return left_rank < right_rank ? -1 : 1;
    }
    using Kind = DynamicValue::Kind;
    switch (left->kind()) {
        case Kind::kLong:
        case Kind::kReal: {
            if (left->kind() == Kind::kLong && right->kind() == Kind::kLong) {
                return left->integer() < right->integer() ? -1 : (left->integer() > right->integer() ? 1 : 0);
            }
            const double a = left->kind() == Kind::kLong ? static_cast<double>(left->integer()) : left->real();
            const double b = right->kind() == Kind::kLong ? static_cast<double>(right->integer()) : right->real();
            return a < b ? -1 : (a > b ? 1 : 0);
        }
        case Kind::kBool:
        case Kind::kDateTime:
        case Kind::kTimeSpan:
            return left->integer() < right->integer() ? -1 : (left->integer() > right->integer() ? 1 : 0);
        case Kind::kString: {
            const int c = left->string().compare(right->string());
            return c < 0 ? -1 : (c > 0 ? 1 : 0);
        }
        default: {
            const int c = left->ToJson().compare(right->ToJson());
            return c < 0 ? -1 : (c > 0 ? 1 : 0);
        }
    }
}

bool EqualDynamic(const DynamicValue* left, const DynamicValue* right) { return CompareDynamic(left, right) == 0; }

}  // namespace unmask
