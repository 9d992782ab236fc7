#include "cli/run_summary.h"

#include <fmt/format.h>

#include "table/datetime.h"

namespace unmask::cli {

std::string EscapeForTerminal(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte == 0x7f) {
            out += fmt::format("\\x{:02x}", byte);
        } else {
            out.push_back(c);
        }
    }
    return out;
}

void AppendReadStats(std::string& out, const ingest::ReadStats& stats) {
    out += fmt::format("inputs: {} file(s), {:.1f} MB, {} rows read, {} rows rejected\n", stats.files,
                       static_cast<double>(stats.bytes) / 1e6, stats.rows_read, stats.rejected());
    // A long archive contains the same few side files (stderr.log, conn-summary) in every folder, so
    // the first ones are listed with their reasons and the rest are counted.
    constexpr size_t kMaxListedSkippedFiles = 10;
    for (size_t i = 0; i < stats.skipped_files.size() && i < kMaxListedSkippedFiles; ++i) {
        const ingest::SkippedFile& skipped = stats.skipped_files[i];
        out += fmt::format("  skipped file {}: {}\n", EscapeForTerminal(skipped.path), EscapeForTerminal(skipped.reason));
    }
    if (stats.skipped_files.size() > kMaxListedSkippedFiles) {
        out += fmt::format("  skipped {} more file(s) of no known input format\n",
                           stats.skipped_files.size() - kMaxListedSkippedFiles);
    }
    for (const auto& [reason, count] : stats.rejected_by_reason) {
        out += fmt::format("  rejected ({}): {}\n", reason, count);
    }
    for (const ingest::RejectExample& example : stats.examples) {
        // Values come from the inputs, which may hold terminal escape sequences.
        out += fmt::format("  {}:{}: {}: {}\n    hint: {}\n", EscapeForTerminal(example.file), example.line,
                           example.reason, EscapeForTerminal(example.value), EscapeForTerminal(example.hint));
    }
    const ingest::CaptureStats& captures = stats.captures;
    if (captures.packets > 0) {
        out += fmt::format("captures: {} packets, {:.1f} MB, {} flows (at most {} open), {} TLS handshakes, {} HTTP "
                           "requests, {} certificates ({} unparsable)\n",
                           captures.packets, static_cast<double>(captures.bytes) / 1e6, captures.flows,
                           captures.peak_flows_in_flight, captures.tls_handshakes, captures.http_requests,
                           captures.certificates, captures.invalid_certificates);
        if (captures.key_log_sessions > 0 || captures.embedded_key_log_sessions > 0) {
            out += fmt::format("  TLS decryption: {} sessions decrypted, {} partly decrypted, {} without a key, {} "
                               "failed (see the decryption and decryption_detail keys of their rows)\n",
                               captures.tls_decrypted, captures.tls_decryption_partial, captures.tls_without_key,
                               captures.tls_decryption_failed);
            out += fmt::format("    keys: {} sessions from --tls-keylog ({} malformed lines skipped), {} from secrets "
                               "embedded in pcapng files\n",
                               captures.key_log_sessions, captures.key_log_malformed_lines,
                               captures.embedded_key_log_sessions);
        }
        for (const std::string& example : captures.key_log_examples) {
            out += fmt::format("    key log: {}\n", EscapeForTerminal(example));
        }
        if (captures.reassembly_budget_exceeded > 0) {
            out += fmt::format("  {} flows went past the reassembly budget; only their first bytes were dissected\n",
                               captures.reassembly_budget_exceeded);
        }
        for (const auto& [reason, count] : captures.skipped_packets) {
            out += fmt::format("  packets skipped ({}): {}\n", reason, count);
        }
        for (const std::string& example : captures.skipped_packet_examples) {
            out += fmt::format("    {}\n", EscapeForTerminal(example));
        }
    }
    if (stats.min_timestamp && stats.max_timestamp) {
        out += fmt::format("time window of the inputs: {} .. {}\n", FormatDateTime(*stats.min_timestamp),
                           FormatDateTime(*stats.max_timestamp));
    }
}

std::string FormatRunSummary(const detect::QueryOutcome& outcome) {
    const ingest::ReadStats& stats = outcome.stats;
    std::string out = "--- run summary ---\n";
    const double megabytes = static_cast<double>(stats.bytes) / 1e6;
    AppendReadStats(out, stats);
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
