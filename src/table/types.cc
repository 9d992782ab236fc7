#include "table/types.h"

#include <string>

namespace unmask {

std::string_view TypeName(Type type) {
    switch (type) {
        case Type::kBool: return "bool";
        case Type::kInt: return "int";
        case Type::kLong: return "long";
        case Type::kReal: return "real";
        case Type::kString: return "string";
        case Type::kDateTime: return "datetime";
        case Type::kTimeSpan: return "timespan";
        case Type::kDynamic: return "dynamic";
    }
    return "dynamic";
}

std::optional<Type> ParseTypeName(std::string_view name) {
    std::string lower;
    for (char c : name) {
        lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    }
    if (lower == "bool" || lower == "boolean") return Type::kBool;
    if (lower == "int" || lower == "int32") return Type::kInt;
    if (lower == "long" || lower == "int64") return Type::kLong;
    if (lower == "real" || lower == "double") return Type::kReal;
    if (lower == "string") return Type::kString;
    if (lower == "datetime" || lower == "date") return Type::kDateTime;
    if (lower == "timespan" || lower == "time") return Type::kTimeSpan;
    if (lower == "dynamic") return Type::kDynamic;
    return std::nullopt;
}

}  // namespace unmask
