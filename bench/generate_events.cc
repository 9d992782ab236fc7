// unmask-generate: writes synthetic Defender Advanced Hunting CSV exports of DeviceNetworkEvents
// for benchmarks and tests. See bench/README.md.
#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "export_format.h"
#include "known_answer_scenario.h"
#include "synthetic_export.h"

namespace {

using unmask::bench::GeneratorOptions;
using unmask::bench::kTicksPerHour;
using unmask::bench::RowOrder;

// A fixed default, so that a seed alone determines the output.
constexpr std::string_view kDefaultEnd = "2024-03-10T12:00:00Z";

constexpr std::string_view kUsage = R"(Usage: unmask-generate [OPTIONS]
       unmask-generate --scenario seed-known-answer --now TIME [-o FILE]

Writes a synthetic Microsoft Defender Advanced Hunting CSV export of DeviceNetworkEvents: the 46
documented columns, CRLF between records, RFC 4180 quoting, 0-7 fraction digits in timestamps.

Options:
  --rows N              records after the header, planted beacons included (default 100000)
  --devices D           number of devices, 1 to 1000000 (default 50)
  --seed S              random seed; the same seed and options give the same bytes (default 1)
  --end TIME            newest Timestamp, ISO 8601 UTC (default 2024-03-10T12:00:00Z)
  --span-hours H        hours from the oldest to the newest Timestamp, at least 24 (default 36)
  --beacons K           plant K beacons: a non-browser process calling one public address on
                        443 or 8443 at a fixed period with jitter (default 0)
  --order ORDER         newest-first (default, like portal exports), oldest-first or random
  --byte-columns        add the SentBytes and ReceivedBytes columns, which Defender does not
                        have but the seed rule sums
  --threads N           threads that format rows, 1 to 256; the output does not depend on it
                        (default: the number of CPUs)
  --stats               print the planted beacons, the row count and the bytes per row to stderr
  -o FILE               output file; "-" or no -o writes to stdout
  --scenario NAME       write a fixed scenario instead; the only NAME is seed-known-answer, a
                        small export whose result under the seed rule is known (bench/README.md)
  --now TIME            the query time that the scenario's timestamps are placed against
  -h, --help            print this help
)";

struct CommandLine {
    GeneratorOptions options;
    std::string output_path = "-";
    std::string scenario;
    std::optional<int64_t> now;
    bool stats = false;
};

[[noreturn]] void Fail(const std::string& message) {
    throw std::invalid_argument(message);
}

uint64_t ParseCount(std::string_view option, std::string_view text, uint64_t minimum, uint64_t maximum = UINT32_MAX) {
    uint64_t value = 0;
    const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
    if (result.ec != std::errc() || result.ptr != text.data() + text.size() || value < minimum || value > maximum) {
        Fail(fmt::format("invalid value for {}: '{}' (expected an integer from {} to {})", option, text, minimum,
                         maximum));
    }
    return value;
}

int64_t ParseTime(std::string_view option, std::string_view text) {
    const auto ticks = unmask::bench::ParseUtcTimestamp(text);
    if (!ticks) {
        Fail(fmt::format("invalid value for {}: '{}' (expected ISO 8601 UTC such as 2024-03-10T12:00:00Z)", option,
                         text));
    }
    return *ticks;
}

CommandLine ParseCommandLine(const std::vector<std::string_view>& arguments) {
    CommandLine command;
    command.options.end = *unmask::bench::ParseUtcTimestamp(kDefaultEnd);
    command.options.threads = std::max(1u, std::thread::hardware_concurrency());
    for (size_t i = 0; i < arguments.size(); ++i) {
        const std::string_view option = arguments[i];
        const auto value = [&]() -> std::string_view {
            if (i + 1 >= arguments.size()) {
                Fail(fmt::format("missing value for {}", option));
            }
            return arguments[++i];
        };
        if (option == "-h" || option == "--help") {
            std::fputs(kUsage.data(), stdout);
            std::exit(0);
        } else if (option == "--rows") {
            command.options.rows = ParseCount(option, value(), 1, UINT64_MAX);
        } else if (option == "--devices") {
            command.options.devices = static_cast<uint32_t>(ParseCount(option, value(), 1, 1'000'000));
        } else if (option == "--seed") {
            command.options.seed = ParseCount(option, value(), 0, UINT64_MAX);
        } else if (option == "--end") {
            command.options.end = ParseTime(option, value());
        } else if (option == "--span-hours") {
            command.options.span = static_cast<int64_t>(ParseCount(option, value(), 24, 24 * 365)) * kTicksPerHour;
        } else if (option == "--beacons") {
            command.options.beacons = static_cast<uint32_t>(ParseCount(option, value(), 0, 100'000));
        } else if (option == "--order") {
            const std::string_view order = value();
            if (order == "newest-first") {
                command.options.order = RowOrder::kNewestFirst;
            } else if (order == "oldest-first") {
                command.options.order = RowOrder::kOldestFirst;
            } else if (order == "random") {
                command.options.order = RowOrder::kRandom;
            } else {
                Fail(fmt::format("invalid value for --order: '{}' (expected newest-first, oldest-first or random)",
                                 order));
            }
        } else if (option == "--threads") {
            command.options.threads = static_cast<unsigned>(ParseCount(option, value(), 1, 256));
        } else if (option == "--byte-columns") {
            command.options.byte_columns = true;
        } else if (option == "--stats") {
            command.stats = true;
        } else if (option == "-o" || option == "--output") {
            command.output_path = std::string(value());
        } else if (option == "--scenario") {
            command.scenario = std::string(value());
            if (command.scenario != "seed-known-answer") {
                Fail(fmt::format("unknown scenario '{}' (the only scenario is seed-known-answer)", command.scenario));
            }
        } else if (option == "--now") {
            command.now = ParseTime(option, value());
        } else {
            Fail(fmt::format("unknown option '{}' (see --help)", option));
        }
    }
    if (!command.scenario.empty() && !command.now) {
        Fail("--scenario seed-known-answer needs --now TIME");
    }
    return command;
}

} // namespace

int main(int argc, char** argv) {
    try {
        const CommandLine command = ParseCommandLine(std::vector<std::string_view>(argv + 1, argv + argc));
        std::FILE* file = stdout;
        if (command.output_path != "-") {
            file = std::fopen(command.output_path.c_str(), "wb");
            if (file == nullptr) {
                std::fprintf(stderr, "unmask-generate: cannot open '%s' for writing\n", command.output_path.c_str());
                return 1;
            }
        }
        const auto started = std::chrono::steady_clock::now();
        unmask::bench::CsvOutput output(file);
        std::vector<unmask::bench::PlantedBeacon> beacons;
        if (command.scenario.empty()) {
            beacons = unmask::bench::WriteSyntheticExport(command.options, output);
        } else {
            unmask::bench::WriteSeedKnownAnswerScenario(*command.now, output);
        }
        const bool written = output.Finish();
        const bool closed = file == stdout || std::fclose(file) == 0;
        if (!written || !closed) {
            std::fprintf(stderr, "unmask-generate: writing '%s' failed\n", command.output_path.c_str());
            return 1;
        }
        if (command.stats && command.scenario.empty()) {
            const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
            for (const auto& beacon : beacons) {
                fmt::print(stderr,
                           "beacon device={} process={} pid={} remote={}:{} period_s={} jitter_pct={} rows={} "
                           "first={} last={}\n",
                           beacon.device_name, beacon.file_name, beacon.process_id, beacon.remote_ip,
                           beacon.remote_port, beacon.period_seconds, beacon.jitter_percent, beacon.rows,
                           unmask::bench::FormatUtcTimestamp(beacon.first),
                           unmask::bench::FormatUtcTimestamp(beacon.last));
            }
            const uint64_t rows = output.records() - 1;
            fmt::print(stderr, "stats rows={} bytes={} avg_bytes_per_row={:.1f} seconds={:.2f} mb_per_s={:.0f}\n", rows,
                       output.bytes(), static_cast<double>(output.bytes()) / static_cast<double>(rows), seconds,
                       static_cast<double>(output.bytes()) / 1e6 / seconds);
        }
        return 0;
    } catch (const std::invalid_argument& error) {
        std::fprintf(stderr, "unmask-generate: %s\n", error.what());
        return 2;
    }
}
