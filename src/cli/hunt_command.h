// `unmask hunt`: the command-line options, the run summary and the exit status.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "detect/hunt.h"

namespace CLI {
class App;
}

namespace unmask::cli {

struct HuntCommandOptions {
    std::vector<std::string> inputs;
    std::string rules_dir;   ///< --rules, else $UNMASK_RULES_DIR, else rules/ in the current directory
    std::string config_path; ///< --config, else unmask.yaml in the current directory when present
    std::string now = "latest";
    std::string lookback;
    std::string format; ///< empty: table when standard output is a terminal, else by the -o extension
    std::string output_path;
    std::string html_path; ///< --html: also write the HTML report here
    bool no_merge = false;
    std::string fail_on; ///< exit 1 when a finding has at least this severity
    std::vector<std::string> rule_ids;
    int threads = 0; ///< 0: one per core
    bool strict = false;
    bool quiet = false;
    size_t max_record_bytes = 16 * 1024 * 1024;
    std::string tls_key_log;
};

/// Adds the `hunt` subcommand to `app`, storing parsed values in `options`, which must outlive
/// the parse. Test `app.got_subcommand("hunt")` after parsing.
void AddHuntCommand(CLI::App& app, HuntCommandOptions& options);

/// Runs a hunt, writes the findings and prints the run summary to standard error. Returns 0, or
/// 1 when --fail-on is set and a finding reaches that severity, or 2 on errors. A rule that
/// failed is an error too, but the other rules' findings are still written.
int RunHuntCommand(const HuntCommandOptions& options);

/// Formats the run summary: inputs, rejected rows, the time window and now(), each rule's
/// status, findings by severity and by rule, allowlist suppressions and expired entries.
std::string FormatHuntSummary(const detect::HuntOutcome& outcome);

} // namespace unmask::cli
