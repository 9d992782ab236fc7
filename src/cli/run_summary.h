// The run summary printed to standard error after a query or hunt.
#pragma once

#include <string>

#include "detect/query_runner.h"

namespace unmask::cli {

/// Appends the read counters: files, rows read and rejected by reason with examples, skipped
/// files, packet capture counters and the time window of the inputs.
void AppendReadStats(std::string& out, const ingest::ReadStats& stats);

/// Formats files, rows read, rejected rows by reason with examples, the time window, now(),
/// notes from binding and the elapsed time.
std::string FormatRunSummary(const detect::QueryOutcome& outcome);

}  // namespace unmask::cli
