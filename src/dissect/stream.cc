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
    static constexpr std::array<uint8_t, 256> kPrintable = [] {
        std::array<uint8_t, 256> table{};
        for (int byte = 0x20; byte <= 0x7e; ++byte) {
            table[static_cast<size_t>(byte)] = 1;
        }
        table['\t'] = table['\r'] = table['\n'] = 1;
        return table;
    }();
    size_t printable = 0;
    for (uint8_t byte : bytes) {
        printable += kPrintable[byte];
    }
    return static_cast<double>(printable) / static_cast<double>(bytes.size());
}

}  // namespace unmask::dissect
