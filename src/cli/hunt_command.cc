#include "cli/hunt_command.h"
#include "cli/run_summary.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <thread>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <unistd.h>

#include "cli/report_command.h"
#include "output/finding_writer.h"
#include "table/datetime.h"

namespace unmask::cli {

namespace {

constexpr int kExitOk = 0;
constexpr int kExitFindings = 1;
constexpr int kExitError = 2;

// NOTE: keep equal to the version in main.cc and the top-level CMakeLists.txt.
constexpr const char* kUnmaskVersion = "0.1.0";
constexpr const char* kDefaultRulesDir = "rules";
constexpr const char* kDefaultConfigFile = "unmask.yaml";

void PrintError(const Status& status) {
    std::cerr << "unmask: " << ErrorKindName(status.kind()) << " error: " << status.message() << "\n";
}

/// Chooses the output format: --format, else a table on a terminal, else CSV for a .csv output
/// file, else JSON lines.
bool ChooseFormat(const HuntCommandOptions& options, output::FindingFormat& format) {
    if (!options.format.empty()) {
        return output::ParseFindingFormat(options.format, format);
    }
    if (options.output_path.empty() && isatty(STDOUT_FILENO)) {
        format = output::FindingFormat::kTable;
    } else if (options.output_path.ends_with(".csv")) {
        format = output::FindingFormat::kCsv;
    } else {
        format = output::FindingFormat::kJsonLines;
    }
    return true;
}

std::string DescribeTimeSpan(int64_t ticks) {
    if (ticks % kTicksPerDay == 0 && ticks >= 2 * kTicksPerDay) {
        return std::to_string(ticks / kTicksPerDay) + "d";
    }
    if (ticks % kTicksPerHour == 0) {
        return std::to_string(ticks / kTicksPerHour) + "h";
    }
    if (ticks % kTicksPerMinute == 0) {
        return std::to_string(ticks / kTicksPerMinute) + "m";
    }
    return FormatTimeSpan(ticks);
}

void AppendInputs(std::string& out, const detect::HuntOutcome& outcome) {
    AppendReadStats(out, outcome.stats);
    out += fmt::format("now(): {} ({})\n", FormatDateTime(outcome.now_ticks), outcome.now_source);
}

void AppendRules(std::string& out, const detect::HuntOutcome& outcome) {
    std::map<detect::RuleStatus, int> by_status;
    for (const detect::RuleRun& run : outcome.rules) {
        ++by_status[run.status];
    }
    out += fmt::format("rules: {} loaded, {} ran, {} not applicable, {} disabled, {} failed\n", outcome.rules_loaded,
                       by_status[detect::RuleStatus::kRan], by_status[detect::RuleStatus::kNotApplicable],
                       by_status[detect::RuleStatus::kDisabled], by_status[detect::RuleStatus::kFailed]);
    if (outcome.rules.size() < outcome.rules_loaded) {
        out += fmt::format("  --rule selected {} of them\n", outcome.rules.size());
    }
    for (const detect::RuleRun& run : outcome.rules) {
        std::string line = fmt::format("  {}: {}", run.id, detect::RuleStatusName(run.status));
        if (run.status == detect::RuleStatus::kRan) {
            line += fmt::format(", {} result row(s), {} finding(s) after the allowlist", run.result_rows, run.findings);
            if (run.lookback_ticks) {
                line += fmt::format(", window {} .. now() (lookback {})",
                                    FormatDateTime(outcome.now_ticks - *run.lookback_ticks),
                                    DescribeTimeSpan(*run.lookback_ticks));
            }
        } else if (!run.reason.empty()) {
            line += ": " + run.reason;
        }
        out += line + "\n";
        for (const auto& [name, value] : run.overrides) {
            out += fmt::format("    parameter {} = {} ({})\n", name, value,
                               name == run.lookback_from_option ? "--lookback" : "site configuration");
        }
        for (const std::string& note : run.notes) {
            out += "    note: " + note + "\n";
        }
    }
}

void AppendFindings(std::string& out, const detect::HuntOutcome& outcome) {
    std::map<detect::Severity, int> by_severity;
    for (const detect::Finding& finding : outcome.findings) {
        ++by_severity[finding.severity];
    }
    std::string severities;
    for (auto it = by_severity.rbegin(); it != by_severity.rend(); ++it) {
        severities +=
            fmt::format("{}{} {}", severities.empty() ? "" : ", ", it->second, detect::SeverityName(it->first));
    }
    out += fmt::format("findings: {}{}; {} before merging, {} before the allowlist\n", outcome.findings.size(),
                       severities.empty() ? "" : " (" + severities + ")", outcome.findings_before_merge,
                       outcome.findings_before_allowlist);
}

void AppendAllowlist(std::string& out, const detect::HuntOutcome& outcome) {
    out += "site configuration: " +
           (outcome.config_path.empty() ? std::string("none (every rule as shipped, no allowlist)")
                                        : outcome.config_path) +
           "\n";
    int64_t total = 0;
    for (const detect::AllowlistCount& count : outcome.suppressions) {
        total += count.suppressed;
    }
    if (!outcome.suppressions.empty() || !outcome.expired.empty()) {
        out += fmt::format("allowlist: {} finding(s) suppressed by {} active entries, {} expired entries\n", total,
                           outcome.suppressions.size(), outcome.expired.size());
    }
    for (const detect::AllowlistCount& count : outcome.suppressions) {
        out += fmt::format("  {}: {} suppressed ({})\n", count.entry.source, count.suppressed, count.entry.reason);
    }
    for (const detect::AllowEntry& entry : outcome.expired) {
        out += fmt::format("  {}: expired {}, no longer applied; renew or remove it ({})\n", entry.source,
                           FormatDateTime(*entry.expires).substr(0, 10), entry.reason);
    }
}

bool ReachesSeverity(const std::vector<detect::Finding>& findings, detect::Severity threshold) {
    return std::any_of(findings.begin(), findings.end(),
                       [&](const detect::Finding& finding) { return finding.severity >= threshold; });
}

} // namespace

void AddHuntCommand(CLI::App& app, HuntCommandOptions& options) {
    CLI::App* hunt = app.add_subcommand(
        "hunt", "Run the detection rules over Defender DeviceNetworkEvents exports and report findings");
    hunt->add_option("inputs", options.inputs, "Input files, folders or globs")->required();

    hunt->add_option("--rules", options.rules_dir, "Folder of rule files (default: rules/ in the current directory)")
        ->envname("UNMASK_RULES_DIR");
    hunt->add_option("--config", options.config_path,
                     "Site configuration file (default: unmask.yaml in the current directory, when present)");
    hunt->add_option("--now", options.now,
                     "Value of now() for the rules: 'latest' (the newest Timestamp in the inputs) or a datetime "
                     "such as 2024-03-10T12:00:00Z")
        ->capture_default_str();
    hunt->add_option("--lookback", options.lookback,
                     "Window of every rule that has a Lookback parameter, such as 7d or 90d (default: each rule's "
                     "own: 24h for most of the pack, 7d for beaconing-interval); unmask.yaml's per-rule setting wins");

    hunt->add_option("--format", options.format,
                     "Output format: table, jsonl, csv or ocsf (default: table on a terminal, else csv for a .csv "
                     "output file, else jsonl)")
        ->check(CLI::IsMember({"table", "jsonl", "json", "csv", "ocsf"}));
    hunt->add_option("-o,--output", options.output_path, "Write the findings to this file instead of standard output");
    hunt->add_option("--html", options.html_path, "Also write a self-contained HTML report to this file");

    hunt->add_flag("--no-merge", options.no_merge,
                   "Report each rule's findings separately instead of merging by entity");
    hunt->add_option("--fail-on", options.fail_on,
                     "Exit with status 1 when a finding has this severity or higher: informational, low, medium, "
                     "high or critical")
        ->check(CLI::IsMember({"informational", "low", "medium", "high", "critical"}));
    // One id per --rule, so that `--rule a input.csv` leaves input.csv to the inputs.
    hunt->add_option("--rule", options.rule_ids, "Run only this rule, even when disabled (repeatable)")
        ->expected(1)
        ->allow_extra_args(false)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);

    hunt->add_option("--threads", options.threads, "Worker threads (default: one per core)");
    hunt->add_flag("--strict", options.strict, "Stop at the first malformed input record instead of skipping it");
    hunt->add_flag("--quiet,-q", options.quiet, "Do not print progress or the run summary");
    hunt->add_option("--max-record-bytes", options.max_record_bytes, "Longest accepted input record in bytes");
    hunt->add_option("--tls-keylog", options.tls_key_log,
                     "NSS key log (SSLKEYLOGFILE) of the captures: decrypt the TLS sessions it holds keys for "
                     "and read the HTTP inside");
}

std::string FormatHuntSummary(const detect::HuntOutcome& outcome) {
    std::string out = "--- hunt summary ---\n";
    AppendInputs(out, outcome);
    AppendRules(out, outcome);
    AppendFindings(out, outcome);
    AppendAllowlist(out, outcome);
    for (const std::string& note : outcome.notes) {
        out += "note: " + note + "\n";
    }
    const double seconds = outcome.elapsed_seconds;
    out += fmt::format("elapsed {:.2f} s ({:.0f} rows/s, {:.0f} MB/s)\n", seconds,
                       seconds > 0 ? static_cast<double>(outcome.stats.rows_read) / seconds : 0.0,
                       seconds > 0 ? static_cast<double>(outcome.stats.bytes) / 1e6 / seconds : 0.0);
    return out;
}

int RunHuntCommand(const HuntCommandOptions& options) {
    detect::HuntOptions hunt;
    hunt.inputs = options.inputs;
    hunt.rules_dir = options.rules_dir.empty() ? kDefaultRulesDir : options.rules_dir;
    hunt.config_path = options.config_path;
    if (hunt.config_path.empty() && std::filesystem::is_regular_file(kDefaultConfigFile)) {
        hunt.config_path = kDefaultConfigFile;
    }
    hunt.now = options.now;
    if (!options.lookback.empty()) {
        const std::optional<int64_t> lookback = ParseTimeSpan(options.lookback);
        // A bare number has no unit, so it is no timespan literal in a rule's query.
        const bool bare_number = options.lookback.find_first_not_of("0123456789.") == std::string::npos;
        if (!lookback || bare_number || *lookback <= 0) {
            std::cerr << "unmask: --lookback must be a positive KQL timespan with its unit, such as 7d, 36h or 90m, "
                         "not '"
                      << options.lookback << "'\n";
            return kExitError;
        }
        hunt.lookback = options.lookback;
    }
    hunt.merge = !options.no_merge;
    hunt.rule_ids = options.rule_ids;
    hunt.read_options.strict = options.strict;
    hunt.read_options.threads =
        options.threads > 0 ? options.threads : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
    hunt.read_options.max_record_bytes = options.max_record_bytes;
    hunt.read_options.tls_key_log_path = options.tls_key_log;
    if (!options.quiet && isatty(STDERR_FILENO)) {
        hunt.progress = [](const std::string& message) {
            std::cerr << "\33[2K\runmask: " << message << "\n";
        };
        // A live line while reading, redrawn at most twice a second and only after the first
        // two seconds, so short runs print phases only.
        const auto started = std::chrono::steady_clock::now();
        auto last = std::make_shared<std::chrono::steady_clock::time_point>(started);
        hunt.read_options.on_progress = [started, last](const ingest::ReadProgress& progress) {
            const auto now = std::chrono::steady_clock::now();
            if (now - started < std::chrono::seconds(2) || now - *last < std::chrono::milliseconds(500)) {
                return;
            }
            *last = now;
            const double seconds = std::chrono::duration<double>(now - started).count();
            std::cerr << fmt::format("\33[2K\runmask: reading file {} of {}, {:.0f} MB, {} rows ({:.0f} rows/s)",
                                     std::min(progress.files_done + 1, progress.files_total), progress.files_total,
                                     static_cast<double>(progress.bytes_read) / 1e6, progress.rows_parsed,
                                     static_cast<double>(progress.rows_parsed) / seconds)
                      << std::flush;
        };
    }

    output::FindingFormat format = output::FindingFormat::kJsonLines;
    if (!ChooseFormat(options, format)) {
        std::cerr << "unmask: unknown --format '" << options.format << "'; use table, jsonl, csv or ocsf\n";
        return kExitError;
    }
    std::optional<detect::Severity> fail_on;
    if (!options.fail_on.empty()) {
        fail_on = detect::ParseSeverity(options.fail_on);
        if (!fail_on) {
            std::cerr << "unmask: unknown --fail-on '" << options.fail_on
                      << "'; use informational, low, medium, high or critical\n";
            return kExitError;
        }
    }

    auto outcome = detect::RunHunt(hunt);
    if (!outcome.ok()) {
        PrintError(outcome.status());
        return kExitError;
    }

    std::ofstream file;
    std::ostream* out = &std::cout;
    if (!options.output_path.empty() && options.output_path != "-") {
        file.open(options.output_path, std::ios::binary | std::ios::trunc);
        if (!file) {
            std::cerr << "unmask: cannot write '" << options.output_path << "'\n";
            return kExitError;
        }
        out = &file;
    }
    output::FindingWriteOptions write_options;
    write_options.product_version = kUnmaskVersion;
    write_options.now_ticks = outcome->now_ticks;
    output::WriteFindings(*out, outcome->findings, format, write_options);
    out->flush();
    if (!*out) {
        std::cerr << "unmask: writing the findings failed\n";
        return kExitError;
    }
    if (!options.html_path.empty() &&
        !WriteHuntHtmlReport(options.html_path, *outcome, options.inputs, hunt.rules_dir, kUnmaskVersion)) {
        return kExitError;
    }
    if (!options.quiet) {
        std::cerr << FormatHuntSummary(*outcome);
    }

    bool failed = false;
    for (const detect::RuleRun& run : outcome->rules) {
        if (run.status == detect::RuleStatus::kFailed) {
            std::cerr << "unmask: rule " << run.id << " failed: " << run.reason << "\n";
            failed = true;
        }
    }
    if (failed) {
        return kExitError;
    }
    if (fail_on && ReachesSeverity(outcome->findings, *fail_on)) {
        return kExitFindings;
    }
    return kExitOk;
}

} // namespace unmask::cli
