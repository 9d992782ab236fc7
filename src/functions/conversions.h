// Conversions between Kusto scalar types with the rules of tostring(), tolong(), toint(),
// todouble(), tobool(), todatetime(), totimespan() and of the `dynamic` wrapping used by
// pack_array(). Operators reuse them to compare a dynamic operand with a typed one.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "table/column.h"
#include "table/dynamic.h"
#include "table/types.h"
#include "table/value.h"

namespace unmask::functions {

/// Appends the tostring() text of one cell: "" for null, "true"/"false" for bools, ISO 8601 with
/// 7 fraction digits for datetimes, [d.]hh:mm:ss[.fffffff] for timespans, the string itself for a
/// dynamic string and compact JSON for dynamic arrays and property bags.
void AppendCellText(std::string& out, const Column& column, size_t row);

/// Appends the tostring() text of a dynamic value (nullptr and JSON null give "").
void AppendDynamicText(std::string& out, const DynamicValue* value);

/// Returns the tostring() text of a value.
std::string ValueText(const Value& value);

/// Parses a whole string (surrounding ASCII white space allowed) as a decimal integer.
std::optional<int64_t> ParseLongText(std::string_view text);
/// Parses a whole string as a real: decimal or exponent notation, "NaN", "Infinity", "-Infinity".
std::optional<double> ParseRealText(std::string_view text);
/// Parses "true" or "false" in any letter case.
std::optional<bool> ParseBoolText(std::string_view text);

std::optional<int64_t> DynamicToLong(const DynamicValue* value);
std::optional<double> DynamicToReal(const DynamicValue* value);
std::optional<bool> DynamicToBool(const DynamicValue* value);
std::optional<int64_t> DynamicToDateTime(const DynamicValue* value);
std::optional<int64_t> DynamicToTimeSpan(const DynamicValue* value);

/// Wraps one cell as a dynamic value (nullptr for null). A string becomes a dynamic string; it is
/// not parsed as JSON.
DynamicPtr CellToDynamic(const Column& column, size_t row);

/// Converts every row of `column` to `target` with the rules of the to*() functions. A cell that
/// does not convert becomes null (for strings: empty).
Column ConvertColumn(const Column& column, Type target);

/// Returns `column` when it already has type `target`, else its conversion stored in `storage`.
const Column& ColumnAs(const Column& column, Type target, Column& storage);

/// Converts one value with ConvertColumn's rules.
Value ConvertValue(const Value& value, Type target);

/// Builds a one-row column holding `value`.
Column ColumnFromValue(const Value& value);

} // namespace unmask::functions
