// Shared vocabulary of the protocol dissectors: the direction of a byte stream inside a flow and
// byte statistics used as evidence.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace unmask::dissect {

/// Direction of bytes inside a connection. The client is the side that opened the flow (sent the
/// SYN, or the first packet of a UDP flow).
enum class Direction : uint8_t {
    kToServer = 0,
    kToClient = 1,
};

inline int DirectionIndex(Direction direction) { return static_cast<int>(direction); }

/// Shannon entropy of the bytes in bits per byte, from 0 (one repeated value) to 8 (uniform).
/// Returns 0 for an empty span.
double ShannonEntropy(std::span<const uint8_t> bytes);

/// Fraction of bytes that are printable ASCII (0x20-0x7e) or tab, CR and LF. Returns 0 for an
/// empty span.
double PrintableRatio(std::span<const uint8_t> bytes);

}  // namespace unmask::dissect
