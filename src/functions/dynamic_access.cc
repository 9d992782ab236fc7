// Subscripts of dynamic values: x["key"], x.key, x[0], x[-1], and a column used as the subscript.
//
// A string base is parsed as JSON first, because Defender exports store AdditionalFields as a
// string holding JSON.
// NOTE: this deviates from Kusto, which rejects a subscript on a string and needs
// parse_json(AdditionalFields).key; unmask accepts both spellings and gives the same result.
// Text that is not JSON subscripts to null. Every result is dynamic; a missing key or an index
// out of range gives null.
#include <simdjson.h>

#include "functions/conversions.h"
#include "functions/kernel_support.h"

namespace unmask::functions {

namespace {

/// Nesting limit of a converted property value, the same as ParseJson()'s default.
constexpr size_t kMaxPropertyDepth = JsonLimits{}.max_depth;

/// Converts one parsed JSON element with ParseJson()'s type rules: integers that fit int64 become
/// longs, other numbers reals. Returns nullptr when the element nests deeper than the limit.
DynamicPtr ConvertJsonElement(simdjson::dom::element element, size_t depth) {
    if (depth > kMaxPropertyDepth) {
        return nullptr;
    }
    switch (element.type()) {
    case simdjson::dom::element_type::ARRAY: {
        DynamicValue::Array items;
        for (simdjson::dom::element child : element.get_array()) {
            DynamicPtr item = ConvertJsonElement(child, depth + 1);
            if (item == nullptr) {
                return nullptr;
            }
            items.push_back(std::move(item));
        }
        return DynamicValue::MakeArray(std::move(items));
    }
    case simdjson::dom::element_type::OBJECT: {
        DynamicValue::Object properties;
        for (simdjson::dom::key_value_pair field : element.get_object()) {
            DynamicPtr value = ConvertJsonElement(field.value, depth + 1);
            if (value == nullptr) {
                return nullptr;
            }
            properties.emplace_back(std::string(field.key), std::move(value));
        }
        return DynamicValue::MakeObject(std::move(properties));
    }
    case simdjson::dom::element_type::INT64:
        return DynamicValue::Long(element.get_int64().value());
    case simdjson::dom::element_type::UINT64:
        return DynamicValue::Real(static_cast<double>(element.get_uint64().value()));
    case simdjson::dom::element_type::DOUBLE:
        return DynamicValue::Real(element.get_double().value());
    case simdjson::dom::element_type::STRING:
        return DynamicValue::String(std::string(element.get_string().value()));
    case simdjson::dom::element_type::BOOL:
        return DynamicValue::Bool(element.get_bool().value());
    case simdjson::dom::element_type::NULL_VALUE:
        return DynamicValue::Null();
    }
    return nullptr;
}

/// Returns property `key` of the JSON object in `text`, converting only that property instead of
/// the whole document. Text that is not valid JSON, or not an object, or lacks the key gives null,
/// exactly as parsing it with parse_json() and then subscripting would.
DynamicPtr JsonTextProperty(std::string_view text, std::string_view key) {
    if (text.empty() || text.size() > JsonLimits{}.max_bytes) {
        return nullptr;
    }
    thread_local simdjson::dom::parser parser;
    thread_local std::string buffer; // reused so that a row costs no allocation once it is large enough
    buffer.assign(text);
    buffer.resize(text.size() + simdjson::SIMDJSON_PADDING);
    simdjson::dom::element root;
    if (parser.parse(buffer.data(), text.size(), false).get(root) != simdjson::SUCCESS) {
        return nullptr;
    }
    simdjson::dom::object object;
    if (root.get_object().get(object) != simdjson::SUCCESS) {
        return nullptr;
    }
    // The first field with the key wins, as DynamicValue::Find() does for a parsed object.
    for (simdjson::dom::key_value_pair field : object) {
        if (field.key == key) {
            return ConvertJsonElement(field.value, 1);
        }
    }
    return nullptr;
}

/// Returns the base value of a row: the dynamic cell itself, or the string cell parsed as JSON.
DynamicPtr BaseValue(const Column& base, size_t row) {
    if (base.type == Type::kDynamic) {
        return base.dynamics[row];
    }
    const std::string_view text = base.strings[row];
    if (text.empty()) {
        return nullptr;
    }
    Result<DynamicPtr> parsed = ParseJson(text);
    return parsed.ok() ? parsed.value() : nullptr;
}

DynamicPtr ElementAt(const DynamicValue& value, int64_t index) {
    if (value.kind() != DynamicValue::Kind::kArray) {
        return nullptr;
    }
    const auto size = static_cast<int64_t>(value.array().size());
    if (index < 0) {
        index += size;
    }
    if (index < 0 || index >= size) {
        return nullptr;
    }
    return value.array()[static_cast<size_t>(index)];
}

DynamicPtr PropertyOf(const DynamicValue& value, std::string_view key) {
    const DynamicPtr* found = value.Find(key);
    return found == nullptr ? nullptr : *found;
}

/// Subscript with a per-row index value of any supported type.
DynamicPtr Subscript(const DynamicValue& value, const Column& index, size_t row) {
    if (IsNullCell(index, row)) {
        return nullptr;
    }
    switch (index.type) {
    case Type::kString:
        return PropertyOf(value, index.strings[row]);
    case Type::kBool:
    case Type::kInt:
    case Type::kLong:
        return ElementAt(value, index.ints[row]);
    case Type::kDynamic: {
        const DynamicValue& key = *index.dynamics[row];
        if (key.kind() == DynamicValue::Kind::kString) {
            return PropertyOf(value, key.string());
        }
        if (key.kind() == DynamicValue::Kind::kLong || key.kind() == DynamicValue::Kind::kBool) {
            return ElementAt(value, key.integer());
        }
        return nullptr;
    }
    default:
        return nullptr;
    }
}

ScalarKernel ConstantKeyKernel(std::string key) {
    return [key = std::move(key)](const KernelArgs& args, Column& out) -> Status {
        const Column& base = *args.columns[0];
        ResizeOutput(out, args.rows);
        for (size_t row = 0; row < args.rows; ++row) {
            if (base.type == Type::kString) {
                out.dynamics[row] = JsonTextProperty(base.strings[row], key);
                continue;
            }
            const DynamicValue* value = base.dynamics[row].get();
            if (value != nullptr) {
                out.dynamics[row] = PropertyOf(*value, key);
            }
        }
        FinishDynamicOutput(out);
        return Status::Ok();
    };
}

ScalarKernel ColumnIndexKernel() {
    return [](const KernelArgs& args, Column& out) -> Status {
        const Column& base = *args.columns[0];
        const Column& index = *args.columns[1];
        ResizeOutput(out, args.rows);
        for (size_t row = 0; row < args.rows; ++row) {
            const DynamicPtr value = BaseValue(base, row);
            if (value != nullptr) {
                out.dynamics[row] = Subscript(*value, index, row);
            }
        }
        FinishDynamicOutput(out);
        return Status::Ok();
    };
}

Status CheckBase(Type type) {
    if (!IsStringLike(type)) {
        return Status(ErrorKind::kType, "a subscript needs a dynamic value (or a string holding JSON), got " +
                                            std::string(TypeName(type)));
    }
    return Status::Ok();
}

} // namespace

Result<BoundScalar> BindIndex(BindArg base, BindArg index) {
    UNMASK_TRY(CheckBase(base.type));
    switch (index.type) {
    case Type::kString:
        if (index.constant != nullptr) {
            return BoundScalar{Type::kDynamic, ConstantKeyKernel(index.constant->string)};
        }
        return BoundScalar{Type::kDynamic, ColumnIndexKernel()};
    case Type::kBool:
    case Type::kInt:
    case Type::kLong:
    case Type::kDynamic:
        return BoundScalar{Type::kDynamic, ColumnIndexKernel()};
    default:
        return Status(ErrorKind::kType,
                      "a subscript must be a string key or an integer index, got " + std::string(TypeName(index.type)));
    }
}

Result<BoundScalar> BindMember(BindArg base, const std::string& name) {
    UNMASK_TRY(CheckBase(base.type));
    return BoundScalar{Type::kDynamic, ConstantKeyKernel(name)};
}

} // namespace unmask::functions
