// `unmask convert` (inputs to a Defender-shaped export) and `unmask capture` (live traffic to rows).
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace unmask::cli {

struct ConvertCommandOptions {
    std::vector<std::string> inputs;
    std::string output_path;
    std::string format;  ///< csv or jsonl; default from the output file's extension
    std::string config_path;
    bool strict = false;
    bool quiet = false;
    int threads = 0;
    std::string tls_key_log;
};

struct CaptureCommandOptions {
    std::string interface;
    std::string bpf_filter;
    double duration_seconds = 0;  ///< 0: until interrupted
    uint64_t max_packets = 0;     ///< 0: no limit
    int snaplen = 65535;
    bool promiscuous = false;
    std::string output_path;  ///< empty or "-": standard output
    std::string format;
    std::string config_path;
    bool quiet = false;
    std::string tls_key_log;
};

void AddConvertCommand(CLI::App& app, ConvertCommandOptions& options);
void AddCaptureCommand(CLI::App& app, CaptureCommandOptions& options);
int RunConvertCommand(const ConvertCommandOptions& options);
int RunCaptureCommand(const CaptureCommandOptions& options);

}  // namespace unmask::cli
