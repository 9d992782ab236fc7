// Writes arbitrary bytes to a temporary file and reads it as a Defender export (CSV or JSON,
// detected from content) with every column requested: errors are fine, crashes are not.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include "ingest/reader.h"

namespace {

class DiscardSink final : public unmask::ingest::ChunkSink {
public:
    unmask::Status Consume(unmask::Chunk, int) override { return unmask::Status::Ok(); }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    char path[] = "/tmp/unmask-fuzz-XXXXXX";
    const int fd = mkstemp(path);
    if (fd < 0) {
        return 0;
    }
    const bool written = write(fd, data, size) == static_cast<ssize_t>(size);
    close(fd);
    if (written) {
        unmask::ingest::ReadOptions options;
        options.threads = 1;
        options.max_record_bytes = 64 * 1024;
        auto probe = unmask::ingest::ProbeInputs({path}, options);
        if (probe.ok()) {
            DiscardSink sink;
            unmask::ingest::ReadStats stats;
            (void)unmask::ingest::ReadInputs(probe.value(), probe.value().schema, options, sink, stats);
        }
    }
    std::remove(path);
    return 0;
}
