// `unmask report`: turns findings JSONL into the HTML report, and the HTML part of
// `unmask hunt --html`.
#pragma once

#include <string>
#include <vector>

#include "detect/finding.h"
#include "detect/hunt.h"
#include "output/html_report.h"

namespace CLI {
class App;
}

namespace unmask::cli {

struct ReportCommandOptions {
    std::vector<std::string> inputs; ///< findings JSONL files, as `unmask hunt --format jsonl` writes them
    std::string output_path;         ///< the HTML file to write
    std::string rules_dir;           ///< --rules, else $UNMASK_RULES_DIR, else rules/ when present
    std::string title = "unmask report";
    bool quiet = false;
};

/// Adds the `report` subcommand to `app`, storing parsed values in `options`, which must
/// outlive the parse. Test `app.got_subcommand("report")` after parsing.
void AddReportCommand(CLI::App& app, ReportCommandOptions& options);

/// Reads the findings files and writes the HTML report. Returns 0, or 2 when a file cannot be
/// read or the report cannot be written. Rejected lines are counted on standard error and in
/// the report, and the other lines are still reported.
int RunReportCommand(const ReportCommandOptions& options);

/// Loads the rules of `rules_dir` for the report's triage and response text. Returns no rules,
/// and sets `warning`, when the folder is missing or a rule file is invalid.
std::vector<detect::Rule> LoadGuidanceRules(const std::string& rules_dir, std::string& warning);

/// Writes the HTML report of a hunt to `path`; returns false after printing an error.
bool WriteHuntHtmlReport(const std::string& path, const detect::HuntOutcome& outcome,
                         const std::vector<std::string>& inputs, const std::string& rules_dir,
                         const std::string& product_version);

} // namespace unmask::cli
