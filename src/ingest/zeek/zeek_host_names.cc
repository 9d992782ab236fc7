// Host names for DeviceName from dhcp.log and from dns.log PTR answers.
#include <arpa/inet.h>

#include "ingest/zeek/zeek_rows.h"

namespace unmask::ingest::zeek {

namespace {

// Formats a packed IPv6 or IPv4 address as inet_ntop does, which is how Zeek writes addresses.
std::optional<std::string> FormatAddress(int family, const unsigned char* bytes) {
    char text[INET6_ADDRSTRLEN] = {};
    if (inet_ntop(family, bytes, text, sizeof(text)) == nullptr) {
        return std::nullopt;
    }
    return std::string(text);
}

// Returns the address a reverse-lookup name stands for: 4.3.2.1.in-addr.arpa is 1.2.3.4, and
// the 32 nibbles of an ip6.arpa name spell the IPv6 address backwards.
std::optional<std::string> AddressOfReverseName(std::string_view name) {
    while (!name.empty() && name.back() == '.') {
        name.remove_suffix(1);
    }
    constexpr std::string_view kV4 = ".in-addr.arpa";
    constexpr std::string_view kV6 = ".ip6.arpa";
    std::vector<std::string_view> labels;
    const auto split = [&](std::string_view text) {
        size_t start = 0;
        while (true) {
            const size_t dot = text.find('.', start);
            labels.push_back(text.substr(start, dot == std::string_view::npos ? dot : dot - start));
            if (dot == std::string_view::npos) {
                return;
            }
            start = dot + 1;
        }
    };
    if (name.size() > kV4.size() && name.ends_with(kV4)) {
        split(name.substr(0, name.size() - kV4.size()));
        if (labels.size() != 4) {
            return std::nullopt;
        }
        unsigned char bytes[4];
        for (size_t i = 0; i < 4; ++i) {
            const std::optional<int64_t> octet = labels[3 - i].size() <= 3 ? ParseZeekPort(labels[3 - i]) : std::nullopt;
            if (!octet || *octet > 255) {
                return std::nullopt;
            }
            bytes[i] = static_cast<unsigned char>(*octet);
        }
        return FormatAddress(AF_INET, bytes);
    }
    if (name.size() > kV6.size() && name.ends_with(kV6)) {
        split(name.substr(0, name.size() - kV6.size()));
        if (labels.size() != 32) {
            return std::nullopt;
        }
        unsigned char bytes[16] = {};
        for (size_t i = 0; i < 32; ++i) {
            const std::string_view nibble = labels[31 - i];
            const char c = nibble.size() == 1 ? nibble[0] : 'x';
            const int value = c >= '0' && c <= '9' ? c - '0' : (c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1);
            if (value < 0) {
                return std::nullopt;
            }
            bytes[i / 2] = static_cast<unsigned char>(bytes[i / 2] | (i % 2 == 0 ? value << 4 : value));
        }
        return FormatAddress(AF_INET6, bytes);
    }
    return std::nullopt;
}

}  // namespace

std::optional<std::pair<std::string, std::string>> DhcpHostName(const ZeekRecord& record) {
    const std::optional<std::string_view> host = record.Text("host_name");
    if (!host || host->empty()) {
        return std::nullopt;
    }
    std::optional<std::string_view> address = record.Text("assigned_addr");
    if (!address) {
        address = record.Text("client_addr");
    }
    if (!address) {
        address = record.Text("assigned_ip");
    }
    if (!address || !ParseIpAddress(*address)) {
        return std::nullopt;
    }
    std::string name(*host);
    const std::optional<std::string_view> domain = record.Text("domain");
    if (domain && !domain->empty() && name.find('.') == std::string::npos) {
        name += "." + std::string(*domain);
    }
    return std::make_pair(std::string(*address), std::move(name));
}

std::optional<std::pair<std::string, std::string>> PtrHostName(const ZeekRecord& record,
                                                               const std::vector<IpNetwork>& internal) {
    const std::optional<std::string_view> qtype_name = record.Text("qtype_name");
    const std::optional<std::string_view> qtype = record.Text("qtype");
    const std::optional<std::string_view> query = record.Text("query");
    const ZeekValue* answers = record.Find("answers");
    if (!query || answers == nullptr || !((qtype_name && *qtype_name == "PTR") || (qtype && *qtype == "12"))) {
        return std::nullopt;
    }
    const std::optional<std::string> address = AddressOfReverseName(*query);
    if (!address || !IsInternal(*address, internal)) {
        return std::nullopt;
    }
    for (std::string name : ListOf(*answers)) {
        while (!name.empty() && name.back() == '.') {
            name.pop_back();
        }
        if (!name.empty() && !ParseIpAddress(name)) {
            return std::make_pair(*address, std::move(name));
        }
    }
    return std::nullopt;
}

}  // namespace unmask::ingest::zeek
