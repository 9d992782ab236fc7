#include "cli/sensor_commands.h"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <thread>

#include "cli/run_summary.h"
#include "detect/query_runner.h"
#include "detect/site_config.h"
#include "dissect/tls_keylog.h"
#include "dissect/x509.h"
#include "ingest/pcap/packet_source.h"
#include "ingest/sensor/packet_rows.h"
#include "ingest/sensor/sensor_rows.h"
#include "output/result_writer.h"

namespace unmask::cli {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitError = 2;
constexpr const char* kDefaultConfigFile = "unmask.yaml";

std::atomic<bool> interrupted{false};

void OnInterrupt(int /*signal*/) { interrupted = true; }

/// Chooses CSV or JSON lines from --format or the output file's extension.
bool ChooseExportFormat(const std::string& format, const std::string& output_path, output::ResultFormat& result) {
    if (!format.empty()) {
        return output::ParseResultFormat(format, result) && result != output::ResultFormat::kTable;
    }
    if (output_path.ends_with(".jsonl") || output_path.ends_with(".json")) {
        result = output::ResultFormat::kJsonLines;
        return true;
    }
    // Standard output and .csv files are CSV; any other name needs --format.
    result = output::ResultFormat::kCsv;
    return output_path.empty() || output_path == "-" || output_path.ends_with(".csv");
}

/// Returns the error for an unusable --format or output file name.
template <typename Options>
std::string FormatChoiceError(const Options& options) {
    if (!options.format.empty()) {
        return "unmask: unknown --format '" + options.format + "'; use csv or jsonl\n";
    }
    return "unmask: cannot tell the format of '" + options.output_path +
           "' from its name; name it .csv or .jsonl, or give --format csv|jsonl\n";
}

/// Reads the internal networks of the site configuration at `path` (or ./unmask.yaml when it
/// exists); returns false after printing the error.
bool LoadInternalNetworks(const std::string& path, std::vector<IpNetwork>& networks) {
    std::string config_path = path;
    if (config_path.empty() && std::filesystem::is_regular_file(kDefaultConfigFile)) {
        config_path = kDefaultConfigFile;
    }
    if (config_path.empty()) {
        return true;
    }
    auto config = detect::LoadSiteConfig(config_path);
    if (!config.ok()) {
        std::cerr << "unmask: " << config.status().message() << "\n";
        return false;
    }
    for (const std::string& text : config->internal_networks) {
        if (std::optional<IpNetwork> network = ParseIpNetwork(text)) {
            networks.push_back(*network);
        }
    }
    return true;
}

/// Opens the output file, or returns standard output for "" and "-".
std::ostream* OpenOutput(const std::string& path, std::ofstream& file) {
    if (path.empty() || path == "-") {
        return &std::cout;
    }
    file.open(path, std::ios::binary | std::ios::trunc);
    if (!file) {
        std::cerr << "unmask: cannot write '" << path << "': " << std::strerror(errno) << "\n";
        return nullptr;
    }
    return &file;
}

}  // namespace

void AddConvertCommand(CLI::App& app, ConvertCommandOptions& options) {
    CLI::App* convert = app.add_subcommand(
        "convert", "Write Zeek logs, packet captures or exports as a Defender-shaped DeviceNetworkEvents export");
    convert->add_option("inputs", options.inputs, "Input files, directories or globs")->required();
    convert->add_option("-o,--output", options.output_path, "Output file (.csv or .jsonl); '-' for standard output")
        ->required();
    convert->add_option("--format", options.format, "csv or jsonl (default: from the output file's extension)");
    convert->add_option("--config", options.config_path,
                        "Site configuration whose internal_networks orient sensor rows (default: ./unmask.yaml)");
    convert->add_flag("--strict", options.strict, "Stop at the first malformed input record instead of skipping it");
    convert->add_flag("--quiet,-q", options.quiet, "Do not print the run summary");
    convert->add_option("--threads", options.threads, "Worker threads (default: one per core)");
    convert->add_option("--tls-keylog", options.tls_key_log,
                        "NSS key log (SSLKEYLOGFILE) of the capture: decrypt the TLS sessions it holds keys for "
                        "and read the HTTP inside");
}

int RunConvertCommand(const ConvertCommandOptions& options) {
    output::ResultFormat format = output::ResultFormat::kCsv;
    if (!ChooseExportFormat(options.format, options.output_path, format)) {
        std::cerr << FormatChoiceError(options);
        return kExitError;
    }
    detect::QueryRequest request;
    // NOTE: the whole result is held in memory before it is written.
    request.text = "DeviceNetworkEvents";
    request.inputs = options.inputs;
    request.read_options.strict = options.strict;
    request.read_options.tls_key_log_path = options.tls_key_log;
    request.read_options.threads =
        options.threads > 0 ? options.threads : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
    if (!LoadInternalNetworks(options.config_path, request.read_options.internal_networks)) {
        return kExitError;
    }
    auto outcome = detect::RunQuery(request);
    if (!outcome.ok()) {
        std::cerr << "unmask: " << ErrorKindName(outcome.status().kind()) << " error: " << outcome.status().message()
                  << "\n";
        return kExitError;
    }
    std::ofstream file;
    std::ostream* out = OpenOutput(options.output_path, file);
    if (out == nullptr) {
        return kExitError;
    }
    if (format == output::ResultFormat::kJsonLines) {
        output::WriteJsonLines(*out, outcome->result);
    } else {
        output::WriteCsv(*out, outcome->result);
    }
    out->flush();
    if (!*out) {
        std::cerr << "unmask: writing '" << options.output_path << "' failed: " << std::strerror(errno) << "\n";
        return kExitError;
    }
    if (!options.quiet) {
        std::cerr << FormatRunSummary(*outcome);
    }
    return kExitOk;
}

void AddCaptureCommand(CLI::App& app, CaptureCommandOptions& options) {
    CLI::App* capture = app.add_subcommand(
        "capture", "Read live traffic from a network interface and write DeviceNetworkEvents rows (needs root or "
                   "CAP_NET_RAW)");
    capture->add_option("-i,--interface", options.interface, "Interface to read, such as eth0 or lo")->required();
    capture->add_option("--bpf", options.bpf_filter, "Capture filter in BPF syntax, such as 'tcp port 443'");
    capture->add_option("--duration", options.duration_seconds,
                        "Stop after this many seconds; 0 (the default) runs until Ctrl-C");
    capture->add_option("--count", options.max_packets, "Stop after this many packets");
    capture->add_option("--snaplen", options.snaplen, "Bytes kept of each packet");
    capture->add_flag("--promiscuous", options.promiscuous, "Put the interface into promiscuous mode");
    capture->add_option("-o,--output", options.output_path, "Output file (.csv or .jsonl); default standard output");
    capture->add_option("--format", options.format, "csv or jsonl (default: from the output file's extension)");
    capture->add_option("--config", options.config_path,
                        "Site configuration whose internal_networks orient the rows (default: ./unmask.yaml)");
    capture->add_flag("--quiet,-q", options.quiet, "Do not print the capture summary");
    capture->add_option("--tls-keylog", options.tls_key_log,
                        "NSS key log (SSLKEYLOGFILE) to decrypt TLS sessions with; followed while the capture "
                        "runs, and it may not exist yet at the start");
}

int RunCaptureCommand(const CaptureCommandOptions& options) {
    output::ResultFormat format = output::ResultFormat::kCsv;
    if (!ChooseExportFormat(options.format, options.output_path, format)) {
        std::cerr << FormatChoiceError(options);
        return kExitError;
    }
    if (options.duration_seconds < 0) {
        std::cerr << "unmask: --duration must not be negative, not " << options.duration_seconds << "\n";
        return kExitError;
    }
    if (options.snaplen < 64) {
        std::cerr << "unmask: --snaplen must be at least 64 bytes, not " << options.snaplen << "\n";
        return kExitError;
    }
    ingest::SensorSite site;
    if (!LoadInternalNetworks(options.config_path, site.internal_networks)) {
        return kExitError;
    }
    auto source =
        ingest::pcap::PacketSource::OpenLive(options.interface, options.bpf_filter, options.snaplen, options.promiscuous);
    if (!source.ok()) {
        std::cerr << "unmask: " << source.status().message() << "\n";
        return kExitError;
    }
    std::optional<dissect::TrustStore> trust_store;
    if (auto loaded = dissect::TrustStore::LoadSystem(); loaded.ok()) {
        trust_store.emplace(std::move(loaded).value());
    }
    ingest::PacketOptions packet_options;
    packet_options.trust_store = trust_store ? &*trust_store : nullptr;
    // The key log is followed while the capture runs: browsers and curl add a session's line
    // during its handshake.
    std::optional<ingest::FollowedKeyLog> key_log;
    if (!options.tls_key_log.empty()) {
        key_log.emplace(options.tls_key_log);
        packet_options.key_log = &*key_log;
    }

    std::ofstream file;
    std::ostream* out = OpenOutput(options.output_path, file);
    if (out == nullptr) {
        return kExitError;
    }
    const Schema& schema = ingest::SensorSchema();
    ingest::SensorRowBuilder builder(schema, site);
    bool header_written = false;
    ingest::ReadStats stats;
    auto flush = [&](Chunk chunk) -> Status {
        stats.rows_read += chunk.rows;
        Table table;
        table.schema = schema;
        table.chunks.push_back(std::move(chunk));
        if (format == output::ResultFormat::kJsonLines) {
            output::WriteJsonLines(*out, table);
        } else {
            output::WriteCsv(*out, table, /*header=*/!header_written);
            header_written = true;
        }
        out->flush();
        return *out ? Status::Ok() : Status(ErrorKind::kIo, "writing the rows failed: " + std::string(std::strerror(errno)));
    };
    std::signal(SIGINT, OnInterrupt);
    std::signal(SIGTERM, OnInterrupt);
    if (!options.quiet) {
        std::cerr << "unmask: capturing on " << options.interface
                  << (options.bpf_filter.empty() ? std::string() : " with filter '" + options.bpf_filter + "'")
                  << (options.duration_seconds > 0 || options.max_packets > 0 ? "" : "; stop with Ctrl-C")
                  << std::endl;
    }
    const auto started = std::chrono::steady_clock::now();
    auto should_stop = [&] {
        if (interrupted.load()) {
            return true;
        }
        if (options.max_packets > 0 && stats.captures.packets >= options.max_packets) {
            return true;
        }
        return options.duration_seconds > 0 &&
               std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count() >=
                   options.duration_seconds;
    };
    const Status status = ingest::ReadPackets(*source, "interface " + options.interface, packet_options, builder,
                                              flush, should_stop, stats, stats.captures);
    if (!status.ok()) {
        std::cerr << "unmask: " << status.message() << "\n";
        return kExitError;
    }
    if (!header_written && format == output::ResultFormat::kCsv) {
        Table empty;
        empty.schema = schema;
        output::WriteCsv(*out, empty);
    }
    if (key_log) {
        stats.captures.key_log_sessions = key_log->sessions();
        if (!key_log->last_error().empty()) {
            std::cerr << "unmask: warning: the key log could not be read at the end: " << key_log->last_error()
                      << "\n";
        }
    }
    const std::optional<uint64_t> dropped = source->dropped_packets();
    if (dropped && *dropped > 0) {
        // Always printed, because the rows miss what these packets carried.
        std::cerr << "unmask: warning: the kernel dropped " << *dropped
                  << " packet(s) that unmask could not read in time, so some connections are incomplete; narrow "
                     "--bpf, or give the capture a less busy CPU\n";
    }
    if (!options.quiet) {
        std::string summary = "--- capture summary ---\n";
        summary += "rows written: " + std::to_string(stats.rows_read) + "\n";
        summary += "packets dropped by the kernel: " + (dropped ? std::to_string(*dropped) : "unknown") + "\n";
        AppendReadStats(summary, stats);
        std::cerr << summary;
    }
    return kExitOk;
}

}  // namespace unmask::cli
