// Scalar types of the KQL engine and their names as Kusto spells them.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace unmask {

/// Kusto scalar types. Storage: kBool, kInt, kLong, kDateTime and kTimeSpan are int64_t values,
/// kReal is double, kString is a string_view, kDynamic a DynamicPtr.
enum class Type : uint8_t {
    kBool,
    kInt,       ///< 32-bit in Kusto; stored widened to 64 bits
    kLong,
    kReal,
    kString,    ///< never null in Kusto: a missing string is ""
    kDateTime,  ///< 100 ns ticks since 0001-01-01T00:00:00Z
    kTimeSpan,  ///< 100 ns ticks
    kDynamic,   ///< JSON-like value: array, property bag or primitive
};

/// Returns Kusto's name of a type: "bool", "int", "long", "real", "string", "datetime",
/// "timespan", "dynamic".
std::string_view TypeName(Type type);

/// Parses a Kusto type name, including the aliases "boolean", "int32", "int64", "double",
/// "date" and "time". Case-insensitive.
std::optional<Type> ParseTypeName(std::string_view name);

/// True for int, long and real.
inline bool IsNumeric(Type type) { return type == Type::kInt || type == Type::kLong || type == Type::kReal; }

/// True for the types stored as int64_t.
inline bool IsInt64Stored(Type type) {
    return type == Type::kBool || type == Type::kInt || type == Type::kLong || type == Type::kDateTime ||
           type == Type::kTimeSpan;
}

}  // namespace unmask
