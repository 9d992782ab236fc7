// IPv4 and IPv6 addresses and networks (CIDR blocks) for allowlists and internal networks.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace unmask::detect {

/// An IPv4 or IPv6 address. IPv4 addresses fill the first 4 bytes. An IPv4-mapped IPv6 address
/// (::ffff:a.b.c.d, which Defender types FourToSixMapping) is stored as the IPv4 address, so it
/// matches IPv4 networks.
struct IpAddress {
    std::array<uint8_t, 16> bytes{};
    bool is_v4 = true;

    int BitCount() const { return is_v4 ? 32 : 128; }
};

/// Parses dotted-quad IPv4 or colon-hex IPv6 text (with `::` and an embedded IPv4 tail). Returns
/// nullopt for anything else, including zone ids (fe80::1%eth0) and brackets.
std::optional<IpAddress> ParseIpAddress(std::string_view text);

/// A network: an address whose host bits are zero, and a prefix length.
struct IpNetwork {
    IpAddress base;
    int prefix_length = 0;
};

/// Parses "address/prefix" or a single address (a /32 or /128 network). An IPv4-mapped IPv6
/// network with a prefix of at least 96 becomes the IPv4 network it covers. Host bits set below
/// the prefix (10.1.2.3/8) are an error, because they usually mean a mistyped prefix.
std::optional<IpNetwork> ParseIpNetwork(std::string_view text, std::string* error = nullptr);

/// True when `address` is inside `network`; IPv4 never matches an IPv6 network or the reverse.
bool NetworkContains(const IpNetwork& network, const IpAddress& address);

} // namespace unmask::detect
