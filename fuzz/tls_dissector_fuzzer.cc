// libFuzzer target: feeds arbitrary bytes to a TlsDissector, split into both directions at
// input-chosen boundaries. Each chunk starts with a control byte: bit 7 picks the direction,
// bits 0-6 the chunk length (0 means a reassembly gap). The first byte picks small limits so
// the bounds are reached.
#include <cstddef>
#include <cstdint>
#include <span>

#include "dissect/tls.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) {
        return 0;
    }
    unmask::dissect::TlsLimits limits;
    if ((data[0] & 1) != 0) {
        limits.max_buffered_bytes = 1 + data[0] * 8u;
        limits.max_certificates = data[0] % 4u;
    }
    unmask::dissect::TlsDissector dissector(limits);
    std::span<const uint8_t> input(data + 1, size - 1);
    while (!input.empty()) {
        const uint8_t control = input[0];
        input = input.subspan(1);
        const auto direction =
            (control & 0x80) != 0 ? unmask::dissect::Direction::kToClient : unmask::dissect::Direction::kToServer;
        const size_t length = control & 0x7f;
        if (length == 0) {
            dissector.Gap(direction, 1);
            continue;
        }
        const size_t take = length == 0x7f ? input.size() : (length < input.size() ? length : input.size());
        dissector.Feed(direction, input.first(take));
        input = input.subspan(take);
    }
    dissector.Finish();
    // Zeek caps ssl_history at 100 letters; so must the dissector.
    if (dissector.facts().ssl_history.size() > 100) {
        __builtin_trap();
    }
    return 0;
}
