#include "common/ip_network.h"

#include <charconv>
#include <cstdio>
#include <vector>

namespace unmask {

namespace {

/// Parses a.b.c.d into 4 bytes. Multi-digit parts with a leading zero are rejected, because
/// some parsers read them as octal.
bool ParseIpv4Bytes(std::string_view text, uint8_t* out) {
    size_t start = 0;
    for (int part = 0; part < 4; ++part) {
        size_t end = text.find('.', start);
        if (end == std::string_view::npos) {
            end = text.size();
        }
        if ((part < 3) != (end < text.size())) {
            return false; // fewer or more than 4 parts
        }
        const std::string_view digits = text.substr(start, end - start);
        if (digits.empty() || digits.size() > 3 || (digits.size() > 1 && digits[0] == '0')) {
            return false;
        }
        int value = 0;
        for (char c : digits) {
            if (c < '0' || c > '9') {
                return false;
            }
            value = value * 10 + (c - '0');
        }
        if (value > 255) {
            return false;
        }
        out[part] = static_cast<uint8_t>(value);
        start = end + 1;
    }
    return true;
}

/// Parses colon-separated groups (one side of "::") into 16-bit values. An IPv4 tail is allowed
/// only on the last group of the address and counts as two groups.
bool ParseGroups(std::string_view text, bool allow_ipv4_tail, std::vector<uint16_t>& groups) {
    if (text.empty()) {
        return true;
    }
    size_t start = 0;
    while (true) {
        size_t end = text.find(':', start);
        const bool last = end == std::string_view::npos;
        if (last) {
            end = text.size();
        }
        const std::string_view group = text.substr(start, end - start);
        if (last && allow_ipv4_tail && group.find('.') != std::string_view::npos) {
            uint8_t ipv4[4];
            if (!ParseIpv4Bytes(group, ipv4)) {
                return false;
            }
            groups.push_back(static_cast<uint16_t>(ipv4[0] << 8 | ipv4[1]));
            groups.push_back(static_cast<uint16_t>(ipv4[2] << 8 | ipv4[3]));
            return true;
        }
        if (group.empty() || group.size() > 4) {
            return false;
        }
        unsigned value = 0;
        const auto [ptr, ec] = std::from_chars(group.data(), group.data() + group.size(), value, 16);
        if (ec != std::errc() || ptr != group.data() + group.size()) {
            return false;
        }
        groups.push_back(static_cast<uint16_t>(value));
        if (last) {
            return true;
        }
        start = end + 1;
    }
}

std::optional<IpAddress> ParseIpv6(std::string_view text) {
    std::vector<uint16_t> head;
    std::vector<uint16_t> tail;
    const size_t gap = text.find("::");
    if (gap == std::string_view::npos) {
        if (!ParseGroups(text, true, head) || head.size() != 8) {
            return std::nullopt;
        }
    } else {
        const std::string_view left = text.substr(0, gap);
        const std::string_view right = text.substr(gap + 2);
        if (right.find("::") != std::string_view::npos) {
            return std::nullopt;
        }
        if (!ParseGroups(left, false, head) || !ParseGroups(right, true, tail) || head.size() + tail.size() > 7) {
            return std::nullopt;
        }
    }
    IpAddress address;
    address.is_v4 = false;
    for (size_t i = 0; i < head.size(); ++i) {
        address.bytes[2 * i] = static_cast<uint8_t>(head[i] >> 8);
        address.bytes[2 * i + 1] = static_cast<uint8_t>(head[i] & 0xff);
    }
    const size_t tail_start = 8 - tail.size();
    for (size_t i = 0; i < tail.size(); ++i) {
        address.bytes[2 * (tail_start + i)] = static_cast<uint8_t>(tail[i] >> 8);
        address.bytes[2 * (tail_start + i) + 1] = static_cast<uint8_t>(tail[i] & 0xff);
    }
    return address;
}

/// True for ::ffff:0:0/96, the range of IPv4-mapped IPv6 addresses.
bool IsMappedIpv4(const IpAddress& address) {
    if (address.is_v4) {
        return false;
    }
    for (int i = 0; i < 10; ++i) {
        if (address.bytes[i] != 0) {
            return false;
        }
    }
    return address.bytes[10] == 0xff && address.bytes[11] == 0xff;
}

IpAddress MappedToIpv4(const IpAddress& address) {
    IpAddress ipv4;
    for (int i = 0; i < 4; ++i) {
        ipv4.bytes[i] = address.bytes[12 + i];
    }
    return ipv4;
}

/// True when bits [prefix_length, BitCount()) of `address` are zero.
bool HostBitsZero(const IpAddress& address, int prefix_length) {
    for (int bit = prefix_length; bit < address.BitCount(); ++bit) {
        if (address.bytes[bit / 8] & (0x80 >> (bit % 8))) {
            return false;
        }
    }
    return true;
}

} // namespace

std::optional<IpAddress> ParseIpAddress(std::string_view text) {
    if (text.find(':') == std::string_view::npos) {
        IpAddress address;
        if (!ParseIpv4Bytes(text, address.bytes.data())) {
            return std::nullopt;
        }
        return address;
    }
    std::optional<IpAddress> address = ParseIpv6(text);
    if (address && IsMappedIpv4(*address)) {
        return MappedToIpv4(*address);
    }
    return address;
}

std::optional<IpNetwork> ParseIpNetwork(std::string_view text, std::string* error) {
    auto fail = [&](std::string message) -> std::optional<IpNetwork> {
        if (error != nullptr) {
            *error = std::move(message);
        }
        return std::nullopt;
    };

    const size_t slash = text.find('/');
    const std::string_view address_text = text.substr(0, slash);
    // Parse without the mapped-address folding first, so that the prefix of ::ffff:0:0/96-style
    // networks can be shifted to IPv4.
    std::optional<IpAddress> address;
    if (address_text.find(':') != std::string_view::npos) {
        address = ParseIpv6(address_text);
    } else {
        address = ParseIpAddress(address_text);
    }
    if (!address) {
        return fail("'" + std::string(address_text) + "' is not an IPv4 or IPv6 address");
    }

    int prefix_length = address->BitCount();
    if (slash != std::string_view::npos) {
        const std::string_view digits = text.substr(slash + 1);
        const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix_length);
        if (digits.empty() || ec != std::errc() || ptr != digits.data() + digits.size() || prefix_length < 0 ||
            prefix_length > address->BitCount()) {
            return fail("invalid prefix length '" + std::string(digits) + "'; expected 0 to " +
                        std::to_string(address->BitCount()));
        }
    }

    if (!HostBitsZero(*address, prefix_length)) {
        return fail("'" + std::string(text) + "' has host bits set below the /" + std::to_string(prefix_length) +
                    " prefix; write the network address");
    }
    if (IsMappedIpv4(*address) && prefix_length >= 96) {
        return IpNetwork{MappedToIpv4(*address), prefix_length - 96};
    }
    return IpNetwork{*address, prefix_length};
}

bool NetworkContains(const IpNetwork& network, const IpAddress& address) {
    if (network.base.is_v4 != address.is_v4) {
        return false;
    }
    const int full_bytes = network.prefix_length / 8;
    for (int i = 0; i < full_bytes; ++i) {
        if (network.base.bytes[i] != address.bytes[i]) {
            return false;
        }
    }
    const int rest = network.prefix_length % 8;
    if (rest == 0) {
        return true;
    }
    const uint8_t mask = static_cast<uint8_t>(0xff << (8 - rest));
    return (network.base.bytes[full_bytes] & mask) == (address.bytes[full_bytes] & mask);
}

std::string FormatIpAddress(const IpAddress& address) {
    char buffer[48];
    if (address.is_v4) {
        std::snprintf(buffer, sizeof(buffer), "%u.%u.%u.%u", address.bytes[0], address.bytes[1], address.bytes[2],
                      address.bytes[3]);
        return buffer;
    }
    uint16_t groups[8];
    for (int i = 0; i < 8; ++i) {
        groups[i] = static_cast<uint16_t>((address.bytes[2 * i] << 8) | address.bytes[2 * i + 1]);
    }
    int best_start = -1;
    int best_length = 1;  // RFC 5952: a single zero group is not shortened
    for (int i = 0; i < 8;) {
        if (groups[i] != 0) {
            ++i;
            continue;
        }
        int j = i;
        while (j < 8 && groups[j] == 0) {
            ++j;
        }
        if (j - i > best_length) {
            best_start = i;
            best_length = j - i;
        }
        i = j;
    }
    std::string text;
    for (int i = 0; i < 8; ++i) {
        if (i == best_start) {
            text += "::";
            i += best_length - 1;
            continue;
        }
        if (!text.empty() && text.back() != ':') {
            text.push_back(':');
        }
        std::snprintf(buffer, sizeof(buffer), "%x", groups[i]);
        text += buffer;
    }
    return text;
}

}  // namespace unmask
