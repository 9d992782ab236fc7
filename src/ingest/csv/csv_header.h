// The header row of a CSV export.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace unmask::ingest {

/// Splits one RFC 4180 record (without its line end) into unquoted fields. Fails with
/// kInvalidInput when a quote is misplaced or not closed.
Result<std::vector<std::string>> SplitCsvRecord(std::string_view record);

/// Column names of a header record. An empty name becomes "Column<n>" (1-based position) and
/// a repeated name gets the lowest free numeric suffix ("Timestamp1"), as Kusto names them.
/// `path` names the file in errors.
Result<std::vector<std::string>> ParseCsvHeader(std::string_view record, const std::string& path);

}  // namespace unmask::ingest
