// The run summary printed to standard error after a query or hunt.
#pragma once

#include <string>
#include <string_view>

#include "detect/query_runner.h"

namespace unmask::cli {

/// Returns `text` with control bytes (escape sequences among them) written as \xNN, so that
/// text from hostile inputs cannot drive the terminal.
std::string EscapeForTerminal(std::string_view text);

/// Appends the read counters: files, rows read and rejected by reason with examples, skipped
/// files, packet capture counters and the time window of the inputs.
void AppendReadStats(std::string& out, const ingest::ReadStats& stats);

/// Formats files, rows read, rejected rows by reason with examples, the time window, now(),
/// notes from binding and the elapsed time.
std::string FormatRunSummary(const detect::QueryOutcome& outcome);

}  // namespace unmask::cli
