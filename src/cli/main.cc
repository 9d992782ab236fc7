// unmask: hunts command-and-control traffic disguised as legitimate protocols and services.
// This file parses the command line; it is the only place that prints or exits.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "detect/query_runner.h"
#include "cli/hunt_command.h"
#include "cli/report_command.h"
#include "cli/rules_command.h"
#include "cli/run_summary.h"
#include "cli/sensor_commands.h"
#include "output/result_writer.h"

namespace {

constexpr int kExitOk = 0;
constexpr int kExitError = 2;
/// More worker threads than this only add contention; the limit also catches typos.
constexpr int kMaxThreads = 256;

std::string ReadFile(const std::string& path, std::string& error) {
    std::ifstream file(path, std::ios::binary);
    if (!file) {
        error = "cannot open query file '" + path + "'";
        return {};
    }
    std::ostringstream text;
    text << file.rdbuf();
    return text.str();
}

int RunQueryCommand(const std::string& query_text, const std::string& query_file, const std::string& now,
                    const std::string& format_name, const std::string& output_path,
                    const std::vector<std::string>& inputs, bool strict, bool strict_schema, bool explain, int threads,
                    size_t max_record_bytes, const std::string& tls_key_log, bool quiet) {
    unmask::detect::QueryRequest request;
    if (!query_file.empty()) {
        std::string error;
        request.text = ReadFile(query_file, error);
        if (!error.empty()) {
            std::cerr << "unmask: " << error << "\n";
            return kExitError;
        }
    } else {
        request.text = query_text;
    }
    request.inputs = inputs;
    request.now = now;
    request.strict_schema = strict_schema;
    request.explain = explain;
    request.read_options.strict = strict;
    if (threads < 0 || threads > kMaxThreads) {
        std::cerr << "unmask: --threads must be between 1 and " << kMaxThreads << ", not " << threads << "\n";
        return kExitError;
    }
    request.read_options.threads =
        threads > 0 ? threads : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
    request.read_options.max_record_bytes = max_record_bytes;
    request.read_options.tls_key_log_path = tls_key_log;

    unmask::output::ResultFormat format = unmask::output::ResultFormat::kCsv;
    if (!format_name.empty()) {
        if (!unmask::output::ParseResultFormat(format_name, format)) {
            std::cerr << "unmask: unknown --format '" << format_name << "'; use table, csv or jsonl\n";
            return kExitError;
        }
    } else if (output_path.empty() && isatty(STDOUT_FILENO)) {
        format = unmask::output::ResultFormat::kTable;
    } else if (output_path.size() > 6 && output_path.ends_with(".jsonl")) {
        format = unmask::output::ResultFormat::kJsonLines;
    }

    auto outcome = unmask::detect::RunQuery(request);
    if (!outcome.ok()) {
        std::cerr << "unmask: " << unmask::ErrorKindName(outcome.status().kind())
                  << " error: " << outcome.status().message() << "\n";
        return kExitError;
    }
    if (explain) {
        std::cerr << "plan:\n" << outcome->plan;
    }

    std::ofstream file;
    std::ostream* out = &std::cout;
    if (!output_path.empty() && output_path != "-") {
        file.open(output_path, std::ios::binary | std::ios::trunc);
        if (!file) {
            std::cerr << "unmask: cannot write '" << output_path << "': " << std::strerror(errno) << "\n";
            return kExitError;
        }
        out = &file;
    }
    switch (format) {
        case unmask::output::ResultFormat::kTable: unmask::output::WriteTextTable(*out, outcome->result); break;
        case unmask::output::ResultFormat::kCsv: unmask::output::WriteCsv(*out, outcome->result); break;
        case unmask::output::ResultFormat::kJsonLines: unmask::output::WriteJsonLines(*out, outcome->result); break;
    }
    out->flush();
    if (!*out) {
        std::cerr << "unmask: writing the result to '" << (output_path.empty() ? "standard output" : output_path)
                  << "' failed: " << std::strerror(errno) << "\n";
        return kExitError;
    }
    if (!quiet) {
        std::cerr << unmask::cli::FormatRunSummary(*outcome);
    }
    return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"unmask: hunt command-and-control traffic that impersonates legitimate protocols and services"};
    app.require_subcommand(1);
    app.set_version_flag("--version", "unmask 0.1.0");

    CLI::App* query = app.add_subcommand("query", "Run a KQL query over DeviceNetworkEvents exports, Zeek logs and packet captures");
    std::string query_text;
    std::string query_file;
    std::string now;
    std::string format;
    std::string output_path;
    std::vector<std::string> positional;
    bool strict = false;
    bool strict_schema = false;
    bool explain = false;
    bool quiet = false;
    int threads = 0;
    size_t max_record_bytes = 16 * 1024 * 1024;
    std::string tls_key_log;
    query->add_option("--file,-f", query_file, "Read the KQL query from this file");
    query->add_option("--now", now,
                      "Value of now() and the base of ago(): 'latest' (the newest Timestamp in the inputs) or a "
                      "datetime; default: the wall clock, as in Kusto");
    query->add_option("--format", format, "Output format: table, csv or jsonl (default: table on a terminal, else csv)");
    query->add_option("-o,--output", output_path, "Write the result to this file instead of standard output");
    query->add_flag("--strict", strict, "Stop at the first malformed input record instead of skipping it");
    query->add_flag("--strict-schema", strict_schema,
                    "Reject the extension columns SentBytes and ReceivedBytes as Kusto does (bind error)");
    query->add_flag("--explain", explain, "Print the query plan to standard error");
    query->add_flag("--quiet,-q", quiet, "Do not print the run summary");
    query->add_option("--threads", threads, "Worker threads (default: one per core)");
    query->add_option("--max-record-bytes", max_record_bytes, "Longest accepted input record in bytes");
    query->add_option("--tls-keylog", tls_key_log,
                      "NSS key log (SSLKEYLOGFILE) of the captures: decrypt the TLS sessions it holds keys for "
                      "and read the HTTP inside");
    query->add_option("args", positional, "'KQL TEXT' followed by input files, or only input files with --file");

    unmask::cli::RulesCommandOptions rules_options;
    unmask::cli::AddRulesCommand(app, rules_options);
    unmask::cli::HuntCommandOptions hunt_options;
    unmask::cli::AddHuntCommand(app, hunt_options);
    unmask::cli::ReportCommandOptions report_options;
    unmask::cli::AddReportCommand(app, report_options);
    unmask::cli::ConvertCommandOptions convert_options;
    unmask::cli::AddConvertCommand(app, convert_options);
    unmask::cli::CaptureCommandOptions capture_options;
    unmask::cli::AddCaptureCommand(app, capture_options);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        // --help and --version end here with status 0; every usage error is status 2.
        const int status = app.exit(error);
        return status == 0 ? kExitOk : kExitError;
    }

    if (app.got_subcommand("hunt")) {
        return unmask::cli::RunHuntCommand(hunt_options);
    }
    if (app.got_subcommand("report")) {
        return unmask::cli::RunReportCommand(report_options);
    }
    if (app.got_subcommand("convert")) {
        return unmask::cli::RunConvertCommand(convert_options);
    }
    if (app.got_subcommand("capture")) {
        return unmask::cli::RunCaptureCommand(capture_options);
    }
    if (rules_options.action != unmask::cli::RulesAction::kNone) {
        return unmask::cli::RunRulesCommand(rules_options);
    }
    if (query->parsed()) {
        std::vector<std::string> inputs = positional;
        if (query_file.empty()) {
            if (inputs.empty()) {
                std::cerr << "unmask: give the query as the first argument or with --file\n";
                return kExitError;
            }
            query_text = inputs.front();
            inputs.erase(inputs.begin());
        }
        return RunQueryCommand(query_text, query_file, now, format, output_path, inputs, strict, strict_schema,
                               explain, threads, max_record_bytes, tls_key_log, quiet);
    }
    return kExitError;
}
