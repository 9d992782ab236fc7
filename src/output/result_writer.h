// Writers for query results: an aligned text table, CSV and JSON lines.
#pragma once

#include <ostream>
#include <string_view>

#include "table/column.h"

namespace unmask::output {

enum class ResultFormat { kTable, kCsv, kJsonLines };

/// Parses "table", "csv" or "jsonl" (also "json"); false when unknown.
bool ParseResultFormat(std::string_view name, ResultFormat& format);

/// Writes a header row and one line per row, RFC 4180 quoting, LF line ends, empty cells for nulls.
/// With `header` false the header row is left out, to append rows to a file already begun.
void WriteCsv(std::ostream& out, const Table& table, bool header = true);

/// Writes one JSON object per row with the columns in schema order. Null cells are JSON null,
/// dynamic cells are embedded JSON, and datetimes and timespans are strings.
void WriteJsonLines(std::ostream& out, const Table& table);

/// Writes an aligned text table for a terminal; cells longer than `max_width` are cut with "...".
void WriteTextTable(std::ostream& out, const Table& table, size_t max_width = 60);

}  // namespace unmask::output
