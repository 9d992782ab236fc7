#include "cli/run_summary.h"

#include <fmt/format.h>

#include "table/datetime.h"

namespace unmask::cli {

std::string FormatRunSummary(const detect::QueryOutcome& outcome) {
    const ingest::ReadStats& stats = outcome.stats;
    std::string out = "--- run summary ---\n";
    const double megabytes = static_cast<double>(stats.bytes) / 1e6;
    out += fmt::format("inputs: {} file(s), {:.1f} MB, {} rows read, {} rows rejected\n", stats.files, megabytes,
                       stats.rows_read, stats.rejected());
    for (const ingest::SkippedFile& skipped : stats.skipped_files) {
        out += fmt::format("  skipped file {}: {}\n", skipped.path, skipped.reason);
    }
    for (const auto& [reason, count] : stats.rejected_by_reason) {
        out += fmt::format("  rejected ({}): {}\n", reason, count);
    }
    for (const ingest::RejectExample& example : stats.examples) {
        out += fmt::format("  {}:{}: {}: {}\n    hint: {}\n", example.file, example.line, example.reason, example.value,
                           example.hint);
    }
    if (stats.min_timestamp && stats.max_timestamp) {
        out += fmt::format("time window of the inputs: {} .. {}\n", FormatDateTime(*stats.min_timestamp),
                           FormatDateTime(*stats.max_timestamp));
    }
    out += fmt::format("now(): {} ({})\n", FormatDateTime(outcome.now_ticks), outcome.now_source);
    for (const std::string& note : outcome.notes) {
        out += "note: " + note + "\n";
    }
    const double rows_per_second =
        outcome.elapsed_seconds > 0 ? static_cast<double>(stats.rows_read) / outcome.elapsed_seconds : 0;
    out += fmt::format("result: {} rows; elapsed {:.2f} s ({:.0f} rows/s, {:.0f} MB/s)\n", outcome.result.rows(),
                       outcome.elapsed_seconds, rows_per_second,
                       outcome.elapsed_seconds > 0 ? megabytes / outcome.elapsed_seconds : 0);
    return out;
}

}  // namespace unmask::cli
