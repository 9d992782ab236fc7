#include "dissect/stream.h"

#include <array>
#include <cmath>

namespace unmask::dissect {

double ShannonEntropy(std::span<const uint8_t> bytes) {
    if (bytes.empty()) {
        return 0.0;
    }
    std::array<size_t, 256> counts{};
    for (uint8_t byte : bytes) {
        ++counts[byte];
    }
    const double total = static_cast<double>(bytes.size());
    double entropy = 0.0;
    for (size_t count : counts) {
        if (count != 0) {
            const double p = static_cast<double>(count) / total;
            entropy -= p * std::log2(p);
        }
    }
    return entropy;
}

double PrintableRatio(std::span<const uint8_t> bytes) {
    if (bytes.empty()) {
        return 0.0;
    }
    size_t printable = 0;
    for (uint8_t byte : bytes) {
        if ((byte >= 0x20 && byte <= 0x7e) || byte == '\t' || byte == '\r' || byte == '\n') {
            ++printable;
        }
    }
    return static_cast<double>(printable) / static_cast<double>(bytes.size());
}

}  // namespace unmask::dissect
