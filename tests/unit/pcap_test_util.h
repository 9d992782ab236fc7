// Builders of hand-made frames and a recording flow observer, shared by the pcap_*_test.cc files.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/ip_network.h"
#include "ingest/pcap/flow_table.h"
#include "ingest/pcap/packet_decode.h"

namespace unmask::ingest::pcap::testing {

using Bytes = std::vector<uint8_t>;

inline void Put16(Bytes& out, uint16_t value) {
    out.push_back(static_cast<uint8_t>(value >> 8));
    out.push_back(static_cast<uint8_t>(value));
}

inline void Put32(Bytes& out, uint32_t value) {
    Put16(out, static_cast<uint16_t>(value >> 16));
    Put16(out, static_cast<uint16_t>(value));
}

inline void Append(Bytes& out, const Bytes& tail) {
    out.insert(out.end(), tail.begin(), tail.end());
}

inline Bytes ToBytes(const std::string& text) {
    return Bytes(text.begin(), text.end());
}

inline IpAddress Ip(const char* text) {
    return *ParseIpAddress(text);
}

inline Bytes TcpHeader(uint16_t source_port, uint16_t destination_port, uint32_t seq, uint32_t ack, uint8_t flags,
                       const Bytes& payload = {}, uint16_t window = 1024, size_t option_bytes = 0) {
    Bytes out;
    Put16(out, source_port);
    Put16(out, destination_port);
    Put32(out, seq);
    Put32(out, ack);
    out.push_back(static_cast<uint8_t>(((20 + option_bytes) / 4) << 4));
    out.push_back(flags);
    Put16(out, window);
    Put16(out, 0);                          // checksum, never verified
    Put16(out, 0);                          // urgent pointer
    out.insert(out.end(), option_bytes, 1); // NOP options
    Append(out, payload);
    return out;
}

inline Bytes UdpHeader(uint16_t source_port, uint16_t destination_port, const Bytes& payload) {
    Bytes out;
    Put16(out, source_port);
    Put16(out, destination_port);
    Put16(out, static_cast<uint16_t>(8 + payload.size()));
    Put16(out, 0);
    Append(out, payload);
    return out;
}

/// An IPv4 packet. `fragment` is the flags-and-offset field (0x2000 = more fragments).
inline Bytes Ipv4(const char* source, const char* destination, uint8_t protocol, const Bytes& l4, uint16_t fragment = 0,
                  size_t option_bytes = 0) {
    Bytes out;
    const size_t header = 20 + option_bytes;
    out.push_back(static_cast<uint8_t>(0x40 | (header / 4)));
    out.push_back(0);
    Put16(out, static_cast<uint16_t>(header + l4.size()));
    Put16(out, 0x1234);
    Put16(out, fragment);
    out.push_back(64);
    out.push_back(protocol);
    Put16(out, 0);
    const IpAddress s = Ip(source);
    const IpAddress d = Ip(destination);
    out.insert(out.end(), s.bytes.begin(), s.bytes.begin() + 4);
    out.insert(out.end(), d.bytes.begin(), d.bytes.begin() + 4);
    out.insert(out.end(), option_bytes, 1); // NOP options
    Append(out, l4);
    return out;
}

/// An IPv6 packet; `extensions` are already-encoded extension headers and `first_next_header`
/// is the Next Header of the fixed header.
inline Bytes Ipv6(const char* source, const char* destination, uint8_t first_next_header, const Bytes& extensions,
                  const Bytes& l4) {
    Bytes out;
    Put32(out, 0x60000000);
    Put16(out, static_cast<uint16_t>(extensions.size() + l4.size()));
    out.push_back(first_next_header);
    out.push_back(64);
    const IpAddress s = Ip(source);
    const IpAddress d = Ip(destination);
    out.insert(out.end(), s.bytes.begin(), s.bytes.end());
    out.insert(out.end(), d.bytes.begin(), d.bytes.end());
    Append(out, extensions);
    Append(out, l4);
    return out;
}

/// An Ethernet frame with optional VLAN tags, each given as (TPID, VLAN id).
inline Bytes Ethernet(uint16_t ether_type, const Bytes& payload,
                      const std::vector<std::pair<uint16_t, uint16_t>>& tags = {}) {
    Bytes out = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb};
    for (const auto& [tpid, id] : tags) {
        Put16(out, tpid);
        Put16(out, id);
    }
    Put16(out, ether_type);
    Append(out, payload);
    return out;
}

inline RawPacket Raw(const Bytes& frame, int64_t timestamp = 0, uint32_t original_length = 0) {
    RawPacket packet;
    packet.timestamp = timestamp;
    packet.captured_length = static_cast<uint32_t>(frame.size());
    packet.original_length = original_length != 0 ? original_length : static_cast<uint32_t>(frame.size());
    packet.data = std::span<const uint8_t>(frame.data(), frame.size());
    return packet;
}

/// Records every flow's delivered streams as text: bytes as they are, a hole as "[gap N]".
class RecordingObserver : public FlowObserver {
public:
    struct Recorded {
        FlowRecord record;
        std::string streams[2];
        int starts = 0;
    };

    class Application : public FlowApplication {
    public:
        explicit Application(std::string* streams) : streams_(streams) {}
        void OnData(Direction direction, std::span<const uint8_t> bytes, int64_t) override {
            streams_[DirectionIndex(direction)].append(bytes.begin(), bytes.end());
        }
        void OnGap(Direction direction, uint64_t missing_bytes) override {
            streams_[DirectionIndex(direction)] += "[gap " + std::to_string(missing_bytes) + "]";
        }

    private:
        std::string* streams_;
    };

    std::unique_ptr<FlowApplication> OnFlowStart(const FlowRecord& flow) override {
        Recorded& recorded = flows[flow.id];
        recorded.record = flow;
        ++recorded.starts;
        return std::make_unique<Application>(recorded.streams);
    }

    void OnFlowEnd(const FlowRecord& flow, FlowApplication*) override {
        flows[flow.id].record = flow;
        ended.push_back(flow.id);
    }

    std::map<uint64_t, Recorded> flows; ///< by flow id
    std::vector<uint64_t> ended;        ///< flow ids in the order they ended
};

} // namespace unmask::ingest::pcap::testing
