// Conversion of cell text (CSV fields, JSON strings) to typed column values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "table/column.h"

namespace unmask::ingest {

/// Parses an optionally signed decimal integer that fits int64_t. No spaces, no fraction.
bool ParseInt64(std::string_view text, int64_t& value);

/// Parses a decimal or exponent real, or NaN / Infinity / -Infinity as Kusto writes them.
bool ParseReal(std::string_view text, double& value);

/// Parses true/false in any letter case (Kusto exports write True/False) and 1/0.
bool ParseBoolText(std::string_view text, int64_t& value);

/// Parses a datetime to 100 ns ticks. The export form YYYY-MM-DDTHH:MM:SS[.f{1,7}]Z takes a
/// dedicated fast path; every other form goes to ParseDateTime.
std::optional<int64_t> ParseCellDateTime(std::string_view text);

/// Conversion failure of a cell. CellErrorReason maps it to a reject reason of reader.h.
enum class CellError : uint8_t { kNone, kInvalidNumber, kInvalidDateTime, kInvalidBool, kInvalidTimeSpan };

const char* CellErrorReason(CellError error);

/// Describes what a column of `type` accepts, for reject hints ("an int (32-bit integer)").
std::string ExpectedValueText(Type type);

/// Appends the value of non-empty `text` to a column of any type except string. Text that is
/// not valid JSON goes into a dynamic column as a dynamic string. On failure nothing is appended.
CellError AppendTextValue(Column& column, std::string_view text);

}  // namespace unmask::ingest
