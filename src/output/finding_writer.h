// Writers for hunt findings: an aligned table, JSON lines, CSV and OCSF Detection Finding.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "detect/finding.h"

namespace unmask::output {

enum class FindingFormat { kTable, kJsonLines, kCsv, kOcsf };

/// Parses "table", "jsonl" (also "json"), "csv" or "ocsf"; false when unknown.
bool ParseFindingFormat(std::string_view name, FindingFormat& format);

struct FindingWriteOptions {
    /// unmask's version, written to OCSF metadata.product.version.
    std::string product_version;
    /// OCSF `time` (the finding's creation time): the hunt's now(), so that replaying the same
    /// export gives the same output.
    int64_t now_ticks = 0;
    /// Table cells longer than this are cut with "...".
    size_t max_cell_width = 48;
};

/// Writes the findings in the given order (RunHunt sorts them by severity, then time).
void WriteFindings(std::ostream& out, const std::vector<detect::Finding>& findings, FindingFormat format,
                   const FindingWriteOptions& options);

/// Writes an aligned table: severity, score, first and last seen, device, process, remote
/// endpoint, rules and explanation (not cut), and a count line.
void WriteFindingTable(std::ostream& out, const std::vector<detect::Finding>& findings,
                       const FindingWriteOptions& options);

/// Writes one JSON object per finding with every field, reasons and their evidence rows.
/// Datetimes are ISO 8601 strings, absent values are null.
void WriteFindingJsonLines(std::ostream& out, const std::vector<detect::Finding>& findings);

/// Writes a header and one row per finding. Fields with commas, quotes or line breaks are quoted
/// with quotes doubled, and lists are joined with ';'. Evidence rows are left out, because jsonl
/// and ocsf carry them.
void WriteFindingCsv(std::ostream& out, const std::vector<detect::Finding>& findings);

/// Writes one OCSF 1.1.0 Detection Finding (class_uid 2004) per line.
void WriteOcsfJsonLines(std::ostream& out, const std::vector<detect::Finding>& findings,
                        const FindingWriteOptions& options);

/// Returns the OCSF 1.1.0 Detection Finding of one finding as compact JSON.
std::string FindingToOcsfJson(const detect::Finding& finding, const FindingWriteOptions& options);

/// Returns one finding as the compact JSON object of WriteFindingJsonLines.
std::string FindingToJson(const detect::Finding& finding);

} // namespace unmask::output
