#include "cli/report_command.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <CLI/CLI.hpp>

#include "output/html_finding_input.h"

namespace unmask::cli {

namespace {

constexpr int kExitOk = 0;
constexpr int kExitError = 2;

// NOTE: keep equal to the version in main.cc and the top-level CMakeLists.txt.
constexpr const char* kUnmaskVersion = "0.1.0";
constexpr const char* kDefaultRulesDir = "rules";
/// Largest findings file read; the report embeds every finding, so a larger file would make a
/// page no browser opens comfortably.
constexpr uintmax_t kMaxFindingsFileBytes = 2ULL * 1024 * 1024 * 1024;

bool WriteReportFile(const std::string& path, const std::vector<detect::Finding>& findings,
                     const output::HtmlReportContext& context) {
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    if (!file) {
        std::cerr << "unmask: cannot write the HTML report '" << path << "': " << std::strerror(errno) << "\n";
        return false;
    }
    output::WriteHtmlReport(file, findings, context);
    file.flush();
    if (!file) {
        std::cerr << "unmask: writing the HTML report '" << path << "' failed: " << std::strerror(errno) << "\n";
        return false;
    }
    return true;
}

std::string ResolveRulesDir(const std::string& rules_dir) {
    if (!rules_dir.empty()) {
        return rules_dir;
    }
    if (const char* from_environment = std::getenv("UNMASK_RULES_DIR"); from_environment != nullptr) {
        return from_environment;
    }
    return kDefaultRulesDir;
}

} // namespace

std::vector<detect::Rule> LoadGuidanceRules(const std::string& rules_dir, std::string& warning) {
    if (!std::filesystem::is_directory(rules_dir)) {
        warning = "rules folder '" + rules_dir + "' not found, so the report shows no triage or response steps; "
                  "set it with --rules";
        return {};
    }
    auto rules = detect::LoadRules(rules_dir);
    if (!rules.ok()) {
        warning = "the rules in '" + rules_dir + "' did not load (" + rules.status().message() +
                  "), so the report shows no triage or response steps";
        return {};
    }
    return std::move(*rules);
}

bool WriteHuntHtmlReport(const std::string& path, const detect::HuntOutcome& outcome,
                         const std::vector<std::string>& inputs, const std::string& rules_dir,
                         const std::string& product_version) {
    output::HtmlReportContext context;
    context.product_version = product_version;
    context.source = "unmask hunt";
    context.inputs = inputs;
    context.hunt = &outcome;
    context.now_ticks = outcome.now_ticks;
    std::string warning;
    context.rules = LoadGuidanceRules(rules_dir, warning);
    if (!warning.empty()) {
        std::cerr << "unmask: warning: " << warning << "\n";
    }
    return WriteReportFile(path, outcome.findings, context);
}

void AddReportCommand(CLI::App& app, ReportCommandOptions& options) {
    CLI::App* report = app.add_subcommand("report", "Write the HTML report of findings saved as JSON lines");
    report->add_option("findings", options.inputs, "Findings JSONL files written by `unmask hunt --format jsonl`")
        ->required();
    report->add_option("-o,--output", options.output_path, "The HTML file to write")->required();
    report->add_option("--rules", options.rules_dir,
                       "Folder of rule files whose triage and response steps the report shows (default: rules/ in "
                       "the current directory)");
    report->add_option("--title", options.title, "Title of the report page")->capture_default_str();
    report->add_flag("--quiet,-q", options.quiet, "Do not print the summary line");
}

int RunReportCommand(const ReportCommandOptions& options) {
    output::FindingFileRead read;
    for (const std::string& path : options.inputs) {
        std::error_code error;
        const uintmax_t size = std::filesystem::file_size(path, error);
        if (error) {
            std::cerr << "unmask: cannot read the findings file '" << path << "': " << error.message() << "\n";
            return kExitError;
        }
        if (size > kMaxFindingsFileBytes) {
            std::cerr << "unmask: the findings file '" << path << "' has " << size << " bytes, more than the limit of "
                      << kMaxFindingsFileBytes << "; filter it first (for example with --fail-on or --rule)\n";
            return kExitError;
        }
        std::ifstream file(path, std::ios::binary);
        std::ostringstream text;
        text << file.rdbuf();
        if (!file) {
            std::cerr << "unmask: cannot read the findings file '" << path << "': " << std::strerror(errno) << "\n";
            return kExitError;
        }
        output::ParseFindingJsonLines(text.str(), path, read);
    }

    output::HtmlReportContext context;
    context.product_version = kUnmaskVersion;
    context.title = options.title;
    context.source = "unmask report";
    context.inputs = options.inputs;
    context.finding_lines_read = read.lines_read;
    context.finding_lines_rejected = read.lines_rejected;
    context.rejected_lines = read.rejected;
    std::string warning;
    context.rules = LoadGuidanceRules(ResolveRulesDir(options.rules_dir), warning);
    if (!warning.empty() && !options.quiet) {
        std::cerr << "unmask: warning: " << warning << "\n";
    }
    for (const output::RejectedLine& line : read.rejected) {
        std::cerr << "unmask: " << line.file << ":" << line.line << ": rejected: " << line.reason << "\n";
    }
    if (!WriteReportFile(options.output_path, read.findings, context)) {
        return kExitError;
    }
    if (!options.quiet) {
        std::cerr << "unmask: wrote " << read.findings.size() << " finding(s) to " << options.output_path << "; "
                  << read.lines_rejected << " line(s) rejected\n";
    }
    return kExitOk;
}

} // namespace unmask::cli
