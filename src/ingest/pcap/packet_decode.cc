#include "ingest/pcap/packet_decode.h"

#include <algorithm>
#include <cstring>

namespace unmask::ingest::pcap {
namespace {

constexpr uint16_t kEtherTypeIpv4 = 0x0800;
constexpr uint16_t kEtherTypeIpv6 = 0x86dd;
constexpr uint16_t kEtherTypeVlan = 0x8100;
constexpr uint16_t kEtherTypeQinQ = 0x88a8;
constexpr uint16_t kEtherTypeVlanLegacy = 0x9100;
constexpr uint16_t kEtherTypePppoeSession = 0x8864;
constexpr int kMaxVlanTags = 8;
constexpr int kMaxIpv6ExtensionHeaders = 16;

uint16_t Load16(const uint8_t* bytes) {
    return static_cast<uint16_t>((bytes[0] << 8) | bytes[1]);
}

uint32_t Load32(const uint8_t* bytes) {
    return (static_cast<uint32_t>(bytes[0]) << 24) | (static_cast<uint32_t>(bytes[1]) << 16) |
           (static_cast<uint32_t>(bytes[2]) << 8) | bytes[3];
}

// The bytes still to decode: [data, data + size).
struct Cursor {
    const uint8_t* data;
    size_t size;
};

DecodeResult DecodeTransport(Cursor l4, uint32_t wire_length, DecodedPacket& out) {
    const uint8_t* p = l4.data;
    uint32_t header_length = 0;
    switch (out.ip_protocol) {
    case kProtocolTcp: {
        if (l4.size < 20) {
            return DecodeResult::kTruncated;
        }
        header_length = static_cast<uint32_t>(p[12] >> 4) * 4;
        if (header_length < 20 || header_length > wire_length) {
            return DecodeResult::kMalformed;
        }
        if (l4.size < header_length) {
            return DecodeResult::kTruncated;
        }
        out.source_port = Load16(p);
        out.destination_port = Load16(p + 2);
        out.tcp_seq = Load32(p + 4);
        out.tcp_ack = Load32(p + 8);
        out.tcp_flags = p[13];
        out.tcp_window = Load16(p + 14);
        break;
    }
    case kProtocolUdp: {
        if (l4.size < 8) {
            return DecodeResult::kTruncated;
        }
        header_length = 8;
        if (wire_length < header_length) {
            return DecodeResult::kMalformed;
        }
        out.source_port = Load16(p);
        out.destination_port = Load16(p + 2);
        // The UDP length may be smaller than the IP payload (padding). Zero means a jumbogram.
        const uint16_t udp_length = Load16(p + 4);
        if (udp_length >= 8 && udp_length < wire_length) {
            wire_length = udp_length;
        }
        break;
    }
    case kProtocolIcmp:
    case kProtocolIcmpV6: {
        if (l4.size < 4) {
            return DecodeResult::kTruncated;
        }
        header_length = std::min<uint32_t>(8, wire_length);
        if (wire_length < 4) {
            return DecodeResult::kMalformed;
        }
        out.source_port = p[0];
        out.destination_port = p[1];
        break;
    }
    default:
        out.payload = std::span<const uint8_t>(l4.data, std::min<size_t>(l4.size, wire_length));
        out.payload_length = wire_length;
        return DecodeResult::kOk;
    }
    out.has_transport = true;
    out.payload_length = wire_length - header_length;
    const size_t captured = l4.size > header_length ? l4.size - header_length : 0;
    out.payload = std::span<const uint8_t>(p + header_length, std::min<size_t>(captured, out.payload_length));
    return DecodeResult::kOk;
}

DecodeResult DecodeIpv4(Cursor ip, DecodedPacket& out) {
    if (ip.size < 20) {
        return DecodeResult::kTruncated;
    }
    const uint8_t* p = ip.data;
    if ((p[0] >> 4) != 4) {
        return DecodeResult::kMalformed;
    }
    const uint32_t header_length = static_cast<uint32_t>(p[0] & 0x0f) * 4;
    uint32_t total_length = Load16(p + 2);
    if (header_length < 20) {
        return DecodeResult::kMalformed;
    }
    if (total_length == 0) {
        // A total length of 0 comes from captures of TCP segmentation offload, where the NIC
        // fills the length in later. The captured bytes are the best estimate then.
        total_length = static_cast<uint32_t>(std::min<size_t>(ip.size, 0xffff));
    }
    if (total_length < header_length) {
        return DecodeResult::kMalformed;
    }
    if (ip.size < header_length) {
        return DecodeResult::kTruncated;
    }

    out.ip_version = 4;
    out.ttl = p[8];
    out.ip_protocol = p[9];
    out.ip_bytes = total_length;
    out.source = IpAddress{};
    out.destination = IpAddress{};
    std::memcpy(out.source.bytes.data(), p + 12, 4);
    std::memcpy(out.destination.bytes.data(), p + 16, 4);
    const uint16_t fragment = Load16(p + 6);
    const bool more_fragments = (fragment & 0x2000) != 0;
    const uint16_t fragment_offset = fragment & 0x1fff;
    out.ip_fragment = more_fragments || fragment_offset != 0;
    out.first_fragment = out.ip_fragment && fragment_offset == 0;

    // Ethernet pads short frames to 60 bytes, so the IP total length, not the frame, ends the packet.
    const size_t available = std::min<size_t>(ip.size, total_length);
    const Cursor l4{p + header_length, available - header_length};
    const uint32_t wire_length = total_length - header_length;
    if (out.ip_fragment && !out.first_fragment) {
        out.payload = std::span<const uint8_t>(l4.data, l4.size);
        out.payload_length = wire_length;
        return DecodeResult::kOk;
    }
    return DecodeTransport(l4, wire_length, out);
}

DecodeResult DecodeIpv6(Cursor ip, DecodedPacket& out) {
    if (ip.size < 40) {
        return DecodeResult::kTruncated;
    }
    const uint8_t* p = ip.data;
    if ((p[0] >> 4) != 6) {
        return DecodeResult::kMalformed;
    }
    // NOTE: a payload length of 0 with a Jumbo Payload option (RFC 2675) is decoded as an empty packet.
    const uint32_t payload_length = Load16(p + 4);
    out.ip_version = 6;
    out.ttl = p[7];
    out.ip_bytes = 40 + payload_length;
    out.source.is_v4 = false;
    out.destination.is_v4 = false;
    std::memcpy(out.source.bytes.data(), p + 8, 16);
    std::memcpy(out.destination.bytes.data(), p + 24, 16);

    const size_t available = std::min<size_t>(ip.size, out.ip_bytes);
    uint8_t next_header = p[6];
    size_t offset = 40;
    for (int count = 0; count < kMaxIpv6ExtensionHeaders; ++count) {
        size_t length = 0;
        switch (next_header) {
        case 0:   // hop-by-hop options
        case 43:  // routing
        case 60:  // destination options
        case 135: // mobility
        case 139: // host identity protocol
        case 140: // shim6
            if (available < offset + 2) {
                return available < out.ip_bytes ? DecodeResult::kTruncated : DecodeResult::kMalformed;
            }
            length = (static_cast<size_t>(p[offset + 1]) + 1) * 8;
            break;
        case 51: // authentication header: length in 4-byte units, minus 2
            if (available < offset + 2) {
                return available < out.ip_bytes ? DecodeResult::kTruncated : DecodeResult::kMalformed;
            }
            length = (static_cast<size_t>(p[offset + 1]) + 2) * 4;
            break;
        case 44: { // fragment
            if (available < offset + 8) {
                return available < out.ip_bytes ? DecodeResult::kTruncated : DecodeResult::kMalformed;
            }
            const uint16_t fragment = Load16(p + offset + 2);
            out.ip_fragment = true;
            out.first_fragment = (fragment >> 3) == 0;
            length = 8;
            break;
        }
        default:
            length = 0;
            break;
        }
        if (length == 0) {
            break;
        }
        if (offset + length > out.ip_bytes) {
            return DecodeResult::kMalformed;
        }
        if (offset + length > available) {
            return DecodeResult::kTruncated;
        }
        next_header = p[offset];
        offset += length;
        if (out.ip_fragment && !out.first_fragment) {
            break;
        }
    }

    out.ip_protocol = next_header;
    const Cursor l4{p + offset, available - offset};
    const uint32_t wire_length = out.ip_bytes - static_cast<uint32_t>(offset);
    if (out.ip_fragment && !out.first_fragment) {
        out.payload = std::span<const uint8_t>(l4.data, l4.size);
        out.payload_length = wire_length;
        return DecodeResult::kOk;
    }
    return DecodeTransport(l4, wire_length, out);
}

DecodeResult DecodeIp(Cursor ip, DecodedPacket& out) {
    if (ip.size < 1) {
        return DecodeResult::kTruncated;
    }
    switch (ip.data[0] >> 4) {
    case 4:
        return DecodeIpv4(ip, out);
    case 6:
        return DecodeIpv6(ip, out);
    default:
        return DecodeResult::kMalformed;
    }
}

// Decodes from an EtherType onwards: VLAN tags and PPPoE sessions, then IP.
DecodeResult DecodeEtherType(uint16_t ether_type, Cursor rest, DecodedPacket& out) {
    for (int tags = 0; tags <= kMaxVlanTags; ++tags) {
        switch (ether_type) {
        case kEtherTypeIpv4:
        case kEtherTypeIpv6:
            return DecodeIp(rest, out);
        case kEtherTypeVlan:
        case kEtherTypeQinQ:
        case kEtherTypeVlanLegacy:
            if (rest.size < 4) {
                return DecodeResult::kTruncated;
            }
            ether_type = Load16(rest.data + 2);
            rest = Cursor{rest.data + 4, rest.size - 4};
            continue;
        case kEtherTypePppoeSession: {
            // 6-byte PPPoE header, then the 2-byte PPP protocol: 0x0021 IPv4, 0x0057 IPv6.
            if (rest.size < 8) {
                return DecodeResult::kTruncated;
            }
            const uint16_t ppp_protocol = Load16(rest.data + 6);
            if (ppp_protocol != 0x0021 && ppp_protocol != 0x0057) {
                return DecodeResult::kNotIp;
            }
            return DecodeIp(Cursor{rest.data + 8, rest.size - 8}, out);
        }
        default:
            return DecodeResult::kNotIp;
        }
    }
    return DecodeResult::kMalformed;
}

// BSD loopback: a 4-byte address family, in the capturing host's byte order for DLT_NULL and in
// network byte order for DLT_LOOP. Both orders are accepted for both.
DecodeResult DecodeLoopback(Cursor frame, DecodedPacket& out) {
    if (frame.size < 4) {
        return DecodeResult::kTruncated;
    }
    uint32_t family = static_cast<uint32_t>(frame.data[0]) | (static_cast<uint32_t>(frame.data[1]) << 8) |
                      (static_cast<uint32_t>(frame.data[2]) << 16) | (static_cast<uint32_t>(frame.data[3]) << 24);
    if ((family & 0xffff0000u) != 0) {
        family = Load32(frame.data);
    }
    const Cursor ip{frame.data + 4, frame.size - 4};
    switch (family) {
    case 2: // AF_INET everywhere
        return DecodeIpv4(ip, out);
    case 10: // AF_INET6 on Linux
    case 24: // NetBSD, OpenBSD
    case 28: // FreeBSD
    case 30: // macOS
        return DecodeIpv6(ip, out);
    default:
        return DecodeResult::kNotIp;
    }
}

} // namespace

const char* DecodeResultName(DecodeResult result) {
    switch (result) {
    case DecodeResult::kOk:
        return "ok";
    case DecodeResult::kNotIp:
        return "not-ip";
    case DecodeResult::kTruncated:
        return "truncated";
    case DecodeResult::kUnsupportedLinkType:
        return "unsupported-link-type";
    case DecodeResult::kMalformed:
        return "malformed";
    }
    return "unknown";
}

DecodeResult DecodePacket(int link_type, const RawPacket& packet, DecodedPacket& out) {
    out = DecodedPacket{};
    out.timestamp = packet.timestamp;
    out.frame_bytes = packet.original_length;
    const Cursor frame{packet.data.data(), packet.data.size()};
    switch (link_type) {
    case DLT_EN10MB:
        if (frame.size < 14) {
            return DecodeResult::kTruncated;
        }
        return DecodeEtherType(Load16(frame.data + 12), Cursor{frame.data + 14, frame.size - 14}, out);
    case DLT_LINUX_SLL:
        if (frame.size < 16) {
            return DecodeResult::kTruncated;
        }
        return DecodeEtherType(Load16(frame.data + 14), Cursor{frame.data + 16, frame.size - 16}, out);
    case DLT_LINUX_SLL2:
        if (frame.size < 20) {
            return DecodeResult::kTruncated;
        }
        return DecodeEtherType(Load16(frame.data), Cursor{frame.data + 20, frame.size - 20}, out);
    case DLT_NULL:
    case DLT_LOOP:
        return DecodeLoopback(frame, out);
    case DLT_RAW:
    case kLinkTypeRaw:
        return DecodeIp(frame, out);
    case kLinkTypeIpv4:
        return DecodeIpv4(frame, out);
    case kLinkTypeIpv6:
        return DecodeIpv6(frame, out);
    default:
        return DecodeResult::kUnsupportedLinkType;
    }
}

} // namespace unmask::ingest::pcap
