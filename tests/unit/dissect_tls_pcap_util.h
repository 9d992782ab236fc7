// Test helper: reads the TCP connections of a capture with libpcap and replays each one's
// in-order payload into a TlsDissector, in capture order. A small stand-in for the flow tracker:
// Ethernet (with VLAN tags), Linux SLL/SLL2, BSD loopback and raw IP links, IPv4 and IPv6
// without extension headers.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include <pcap/pcap.h>

#include "dissect/tls.h"

namespace unmask::dissect::testing {

struct Endpoint {
    std::string address; // raw address bytes
    uint16_t port = 0;
    auto operator<=>(const Endpoint&) const = default;
};

struct ReplayedFlow {
    Endpoint client;
    Endpoint server;
    std::unique_ptr<TlsDissector> dissector;
};

namespace detail {

struct Direction {
    bool started = false;
    uint32_t next_sequence = 0;
    std::map<uint32_t, std::string> out_of_order; // by offset from next_sequence at arrival
};

struct Flow {
    ReplayedFlow replay;
    Direction directions[2];
};

inline uint16_t Read16(const uint8_t* p) {
    return static_cast<uint16_t>((p[0] << 8) | p[1]);
}
inline uint32_t Read32(const uint8_t* p) {
    return (static_cast<uint32_t>(p[0]) << 24) | (static_cast<uint32_t>(p[1]) << 16) |
           (static_cast<uint32_t>(p[2]) << 8) | p[3];
}

// Delivers a segment in order, holding segments that arrive ahead of a hole.
inline void Deliver(Flow& flow, int index, uint32_t sequence, bool syn, const uint8_t* data, size_t size) {
    auto& direction = flow.directions[index];
    const auto dissect_direction = static_cast<unmask::dissect::Direction>(index);
    if (!direction.started) {
        direction.started = true;
        direction.next_sequence = syn ? sequence + 1 : sequence;
    }
    if (syn) {
        sequence += 1;
    }
    if (size == 0) {
        return;
    }
    const auto offset = static_cast<int32_t>(sequence - direction.next_sequence);
    std::string payload(reinterpret_cast<const char*>(data), size);
    if (offset < 0) {
        if (static_cast<size_t>(-offset) >= size) {
            return; // retransmission
        }
        payload.erase(0, static_cast<size_t>(-offset));
    } else if (offset > 0) {
        direction.out_of_order.emplace(sequence, std::move(payload));
        return;
    }
    auto feed = [&](const std::string& bytes) {
        flow.replay.dissector->Feed(dissect_direction,
                                    std::span(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
        direction.next_sequence += static_cast<uint32_t>(bytes.size());
    };
    feed(payload);
    for (bool progress = true; progress;) {
        progress = false;
        for (auto it = direction.out_of_order.begin(); it != direction.out_of_order.end(); ++it) {
            const auto ahead = static_cast<int32_t>(it->first - direction.next_sequence);
            if (ahead > 0) {
                continue;
            }
            std::string bytes = std::move(it->second);
            direction.out_of_order.erase(it);
            if (static_cast<size_t>(-ahead) < bytes.size()) {
                feed(bytes.substr(static_cast<size_t>(-ahead)));
            }
            progress = true;
            break;
        }
    }
}

} // namespace detail

/// Replays every TCP connection of `path`. Returns an empty list when the file cannot be read.
inline std::vector<ReplayedFlow> ReplayTcpFlows(const std::string& path) {
    std::vector<ReplayedFlow> result;
    char error[PCAP_ERRBUF_SIZE] = {};
    pcap_t* handle = pcap_open_offline(path.c_str(), error);
    if (handle == nullptr) {
        return result;
    }
    const int link_type = pcap_datalink(handle);
    std::map<std::tuple<Endpoint, Endpoint>, size_t> flow_index;
    std::vector<std::unique_ptr<detail::Flow>> flows;
    pcap_pkthdr* header = nullptr;
    const u_char* packet = nullptr;
    while (pcap_next_ex(handle, &header, &packet) == 1) {
        const uint8_t* p = packet;
        size_t size = header->caplen;
        uint16_t ether_type = 0;
        if (link_type == DLT_EN10MB) {
            if (size < 14)
                continue;
            ether_type = detail::Read16(p + 12);
            p += 14;
            size -= 14;
            while ((ether_type == 0x8100 || ether_type == 0x88a8) && size >= 4) {
                ether_type = detail::Read16(p + 2);
                p += 4;
                size -= 4;
            }
        } else if (link_type == DLT_LINUX_SLL) {
            if (size < 16)
                continue;
            ether_type = detail::Read16(p + 14);
            p += 16;
            size -= 16;
        } else if (link_type == DLT_LINUX_SLL2) {
            if (size < 20)
                continue;
            ether_type = detail::Read16(p);
            p += 20;
            size -= 20;
        } else if (link_type == DLT_NULL || link_type == DLT_LOOP) {
            if (size < 4)
                continue;
            p += 4;
            size -= 4;
            ether_type = (size > 0 && (p[0] >> 4) == 6) ? 0x86dd : 0x0800;
        } else if (link_type == DLT_RAW || link_type == 12 || link_type == 14) {
            ether_type = (size > 0 && (p[0] >> 4) == 6) ? 0x86dd : 0x0800;
        } else {
            break;
        }
        Endpoint source, destination;
        if (ether_type == 0x0800) {
            if (size < 20 || p[9] != 6)
                continue;
            const size_t header_length = (p[0] & 0x0f) * 4u;
            const size_t total = std::min<size_t>(detail::Read16(p + 2), size);
            if (header_length < 20 || total < header_length)
                continue;
            source.address.assign(reinterpret_cast<const char*>(p + 12), 4);
            destination.address.assign(reinterpret_cast<const char*>(p + 16), 4);
            p += header_length;
            size = total - header_length;
        } else if (ether_type == 0x86dd) {
            if (size < 40 || p[6] != 6)
                continue;
            const size_t total = std::min<size_t>(40u + detail::Read16(p + 4), size);
            source.address.assign(reinterpret_cast<const char*>(p + 8), 16);
            destination.address.assign(reinterpret_cast<const char*>(p + 24), 16);
            p += 40;
            size = total - 40;
        } else {
            continue;
        }
        if (size < 20)
            continue;
        source.port = detail::Read16(p);
        destination.port = detail::Read16(p + 2);
        const uint32_t sequence = detail::Read32(p + 4);
        const uint8_t flags = p[13];
        const size_t tcp_length = (p[12] >> 4) * 4u;
        if (tcp_length < 20 || tcp_length > size)
            continue;
        const bool syn = (flags & 0x02) != 0;
        const bool ack = (flags & 0x10) != 0;

        auto key = std::make_tuple(source, destination);
        auto reverse = std::make_tuple(destination, source);
        int index = 0;
        size_t position = 0;
        if (auto it = flow_index.find(key); it != flow_index.end()) {
            position = it->second;
            index = flows[position]->replay.client == source ? 0 : 1;
        } else if (auto rit = flow_index.find(reverse); rit != flow_index.end()) {
            position = rit->second;
            index = flows[position]->replay.client == source ? 0 : 1;
        } else {
            auto flow = std::make_unique<detail::Flow>();
            // The SYN sender is the client; a SYN-ACK seen first names the server.
            const bool source_is_server = syn && ack;
            flow->replay.client = source_is_server ? destination : source;
            flow->replay.server = source_is_server ? source : destination;
            flow->replay.dissector = std::make_unique<TlsDissector>();
            position = flows.size();
            flows.push_back(std::move(flow));
            flow_index.emplace(key, position);
            index = source_is_server ? 1 : 0;
        }
        detail::Deliver(*flows[position], index, sequence, syn, p + tcp_length, size - tcp_length);
    }
    pcap_close(handle);
    for (auto& flow : flows) {
        for (int index = 0; index < 2; ++index) {
            if (!flow->directions[index].out_of_order.empty()) {
                flow->replay.dissector->Gap(static_cast<unmask::dissect::Direction>(index), 1);
            }
        }
        flow->replay.dissector->Finish();
        result.push_back(std::move(flow->replay));
    }
    return result;
}

} // namespace unmask::dissect::testing
