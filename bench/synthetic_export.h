// A synthetic Advanced Hunting export of DeviceNetworkEvents: devices, their processes and
// connections, sensor rows, and optionally planted beacons.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "export_format.h"

namespace unmask::bench {

enum class RowOrder { kNewestFirst, kOldestFirst, kRandom };

struct GeneratorOptions {
    uint64_t rows = 100'000; ///< records after the header, planted beacons included
    uint32_t devices = 50;
    uint64_t seed = 1;
    int64_t end = 0;                   ///< newest Timestamp, in ticks since the Unix epoch
    int64_t span = 36 * kTicksPerHour; ///< the oldest Timestamp is `end - span`
    uint32_t beacons = 0;
    RowOrder order = RowOrder::kNewestFirst;
    bool byte_columns = false; ///< add the SentBytes and ReceivedBytes extension columns
    unsigned threads = 1;      ///< threads that format rows; the output is the same for any count
};

/// A planted beacon's parameters and row count, for checking a run against it.
struct PlantedBeacon {
    std::string device_name;
    std::string file_name;
    std::string command_line;
    int64_t process_id = 0;
    std::string remote_ip;
    int32_t remote_port = 0;
    int64_t period_seconds = 0;
    int jitter_percent = 0; ///< each sleep is shortened by a uniform 0..jitter_percent % of the period
    uint64_t rows = 0;
    int64_t first = 0; ///< ticks of the first connection
    int64_t last = 0;
};

/// Writes the header and `options.rows` records. Throws std::invalid_argument when the options
/// cannot be met (for example fewer rows than the planted beacons need).
std::vector<PlantedBeacon> WriteSyntheticExport(const GeneratorOptions& options, CsvOutput& output);

} // namespace unmask::bench
