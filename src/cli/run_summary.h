// The run summary printed to standard error after a query or hunt.
#pragma once

#include <string>

#include "detect/query_runner.h"

namespace unmask::cli {

/// Formats files, rows read, rejected rows by reason with examples, the time window, now(),
/// notes from binding and the elapsed time.
std::string FormatRunSummary(const detect::QueryOutcome& outcome);

}  // namespace unmask::cli
