// IPv4 and IPv6 addresses and networks (CIDR blocks) for allowlists and internal networks.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace unmask {

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

/// Formats an address as dotted-quad IPv4 or RFC 5952 IPv6 (lower case, the longest run of two
/// or more zero groups shortened to `::`).
std::string FormatIpAddress(const IpAddress& address);

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

/// Special-purpose ranges treated as internal when a site names none: RFC 1918 private networks,
/// loopback, link-local, the shared address space 100.64.0.0/10, "this network", multicast, the
/// limited broadcast address, and their IPv6 counterparts (unique local fc00::/7, link-local,
/// multicast, loopback, unspecified).
inline constexpr std::string_view kDefaultInternalNetworkTexts[] = {
    "10.0.0.0/8",    "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8",        "169.254.0.0/16",
    "100.64.0.0/10", "0.0.0.0/8",     "224.0.0.0/4",    "255.255.255.255/32", "::1/128",
    "::/128",        "fc00::/7",      "fe80::/10",      "ff00::/8",
};

}  // namespace unmask
