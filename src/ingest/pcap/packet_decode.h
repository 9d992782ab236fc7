// Decoding of captured frames down to the transport header: link layer, IPv4/IPv6, TCP, UDP and
// ICMP. Nothing is copied: the payload is a view into the captured frame.
#pragma once

#include <cstdint>
#include <span>

#include "common/ip_network.h"
#include "ingest/pcap/packet_source.h"

namespace unmask::ingest::pcap {

/// IANA protocol numbers used by the decoder and the flow table.
inline constexpr uint8_t kProtocolIcmp = 1;
inline constexpr uint8_t kProtocolTcp = 6;
inline constexpr uint8_t kProtocolUdp = 17;
inline constexpr uint8_t kProtocolIcmpV6 = 58;

/// TCP header flag bits.
inline constexpr uint8_t kTcpFin = 0x01;
inline constexpr uint8_t kTcpSyn = 0x02;
inline constexpr uint8_t kTcpRst = 0x04;
inline constexpr uint8_t kTcpPsh = 0x08;
inline constexpr uint8_t kTcpAck = 0x10;

/// Link types that DecodePacket accepts besides libpcap's DLT_ constants: the LINKTYPE_ values
/// that a file may carry when libpcap does not map them.
inline constexpr int kLinkTypeRaw = 101;
inline constexpr int kLinkTypeIpv4 = 228;
inline constexpr int kLinkTypeIpv6 = 229;

/// A frame decoded down to its transport payload.
struct DecodedPacket {
    int64_t timestamp = 0; ///< 100 ns ticks since the Unix epoch
    IpAddress source;
    IpAddress destination;
    /// TCP and UDP ports. For ICMP and ICMPv6, the message type and code, as Zeek does.
    uint16_t source_port = 0;
    uint16_t destination_port = 0;
    uint8_t ip_protocol = 0; ///< transport protocol after IPv6 extension headers
    uint8_t ip_version = 0;  ///< 4 or 6
    uint8_t ttl = 0;         ///< IPv4 TTL or IPv6 hop limit
    uint8_t tcp_flags = 0;
    uint32_t tcp_seq = 0;
    uint32_t tcp_ack = 0;
    uint16_t tcp_window = 0;
    /// Transport payload as captured: shorter than payload_length when the snapshot length cut
    /// the frame.
    std::span<const uint8_t> payload;
    uint32_t payload_length = 0; ///< transport payload length stated by the IP header
    uint32_t ip_bytes = 0;       ///< IPv4 total length, or 40 + IPv6 payload length
    uint32_t frame_bytes = 0;    ///< length of the whole frame on the wire
    /// An IPv4 or IPv6 fragment. Only the first fragment (offset 0) carries the transport header,
    /// so later fragments have no ports and an empty payload.
    bool ip_fragment = false;
    bool first_fragment = false; ///< ip_fragment with fragment offset 0
    bool has_transport = false;  ///< ports (and TCP fields) were decoded
};

enum class DecodeResult {
    kOk,
    kNotIp,               ///< a valid frame that carries no IPv4/IPv6 (ARP, LLDP, STP, ...)
    kTruncated,           ///< the frame ends inside a header
    kUnsupportedLinkType, ///< the link type is none of the ones listed at DecodePacket
    kMalformed,           ///< a header contradicts itself (IHL < 5, bad version, lengths)
};

/// Returns a short lower-case name for a result ("ok", "not-ip", ...).
const char* DecodeResultName(DecodeResult result);

/// Decodes `packet` captured on link type `link_type` (a DLT_ value as returned by
/// pcap_datalink). Supported: Ethernet with 802.1Q, 802.1ad (QinQ) and 0x9100 VLAN tags, Linux SLL
/// and SLL2, BSD loopback (DLT_NULL and DLT_LOOP, address family in either byte order) and raw
/// IP (DLT_RAW, LINKTYPE_IPV4, LINKTYPE_IPV6). IPv4 options and IPv6 extension headers are
/// skipped. IP fragments are marked, not reassembled.
DecodeResult DecodePacket(int link_type, const RawPacket& packet, DecodedPacket& out);

} // namespace unmask::ingest::pcap
