// Splits arbitrary bytes into up to four Zeek log files and reads them as one log set with
// ReadZeekLogs, so that the TSV and JSON parsers and the ssl ↔ conn / x509 joins all see fuzzed
// input: errors and rejects are fine, crashes are not.
//
// Input layout: the first byte picks the kind of the first file. The files are separated by the
// two bytes "\n\f", and each further file takes the next kind in LogKind order.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include <unistd.h>

#include "ingest/defender_schema.h"
#include "ingest/zeek/zeek_reader.h"

namespace {

constexpr int kKindCount = 10;  // LogKind values kConn .. kOther
constexpr size_t kMaxFiles = 4;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace unmask::ingest;
    if (size == 0) {
        return 0;
    }
    const int first_kind = data[0] % kKindCount;
    const std::string_view content(reinterpret_cast<const char*>(data) + 1, size - 1);

    std::vector<zeek::ZeekLogFile> logs;
    size_t start = 0;
    while (logs.size() < kMaxFiles && start <= content.size()) {
        size_t end = content.find("\n\f", start);
        if (end == std::string_view::npos || logs.size() + 1 == kMaxFiles) {
            end = content.size();
        }
        const std::string_view part = content.substr(start, end - start);
        (void)zeek::DetectZeekLog(part, "conn.log");

        char path[] = "/tmp/unmask-zeek-fuzz-XXXXXX";
        const int fd = mkstemp(path);
        if (fd < 0) {
            break;
        }
        const bool written = write(fd, part.data(), part.size()) == static_cast<ssize_t>(part.size());
        close(fd);
        const auto kind = static_cast<zeek::LogKind>((first_kind + static_cast<int>(logs.size())) % kKindCount);
        logs.push_back(zeek::ZeekLogFile{path, kind});
        if (!written) {
            break;
        }
        start = end + 2;
    }

    ReadOptions options;
    options.max_record_bytes = 4096;
    SensorRowBuilder builder(DeviceNetworkEventsSchema(), SensorSite{});
    ReadStats stats;
    (void)zeek::ReadZeekLogs(
        logs, builder, [](unmask::Chunk) { return unmask::Status::Ok(); }, options, stats);
    for (const zeek::ZeekLogFile& log : logs) {
        std::remove(log.path.c_str());
    }
    return 0;
}
