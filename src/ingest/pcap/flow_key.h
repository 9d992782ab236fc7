// The hash key of a flow: both directions of a 5-tuple map to the same key.
#pragma once

#include <cstdint>
#include <cstring>

#include "ingest/pcap/packet_decode.h"

namespace unmask::ingest::pcap {

/// The 5-tuple with the endpoints in a fixed order (the lower address and port first), packed into
/// 40 bytes so that equality is one memcmp and the hash reads five words.
struct FlowKey {
    uint8_t low_address[16];
    uint8_t high_address[16];
    uint16_t low_port;
    uint16_t high_port;
    uint8_t protocol;
    uint8_t is_v4;
    uint8_t padding[2];

    /// Builds the key of a packet. ICMP and protocols other than TCP and UDP get ports 0, so all
    /// their packets between two hosts form one flow.
    static FlowKey FromPacket(const DecodedPacket& packet) {
        FlowKey key;
        std::memset(&key, 0, sizeof(key));
        const bool has_ports = packet.ip_protocol == kProtocolTcp || packet.ip_protocol == kProtocolUdp;
        const uint16_t source_port = has_ports ? packet.source_port : 0;
        const uint16_t destination_port = has_ports ? packet.destination_port : 0;
        const int order = std::memcmp(packet.source.bytes.data(), packet.destination.bytes.data(), 16);
        const bool source_low = order < 0 || (order == 0 && source_port <= destination_port);
        const IpAddress& low = source_low ? packet.source : packet.destination;
        const IpAddress& high = source_low ? packet.destination : packet.source;
        std::memcpy(key.low_address, low.bytes.data(), 16);
        std::memcpy(key.high_address, high.bytes.data(), 16);
        key.low_port = source_low ? source_port : destination_port;
        key.high_port = source_low ? destination_port : source_port;
        key.protocol = packet.ip_protocol;
        key.is_v4 = packet.source.is_v4 ? 1 : 0;
        return key;
    }

    bool operator==(const FlowKey& other) const { return std::memcmp(this, &other, sizeof(FlowKey)) == 0; }
};

static_assert(sizeof(FlowKey) == 40, "FlowKey must have no implicit padding");

/// Mixes the key's five 64-bit words with multiply-xorshift steps (the finalizer of SplitMix64).
struct FlowKeyHash {
    size_t operator()(const FlowKey& key) const {
        uint64_t words[5];
        std::memcpy(words, &key, sizeof(words));
        uint64_t hash = 0x9e3779b97f4a7c15ULL;
        for (const uint64_t word : words) {
            hash = (hash ^ word) * 0xbf58476d1ce4e5b9ULL;
            hash ^= hash >> 31;
        }
        hash *= 0x94d049bb133111ebULL;
        return static_cast<size_t>(hash ^ (hash >> 29));
    }
};

} // namespace unmask::ingest::pcap
