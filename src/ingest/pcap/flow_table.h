// Flow tracking over decoded packets: one flow per 5-tuple and connection, TCP reassembly of each
// direction's first bytes, Zeek's conn_state and history, and expiry by packet time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>

#include "common/ip_network.h"
#include "ingest/pcap/flow_record.h"
#include "ingest/pcap/packet_decode.h"

namespace unmask::ingest::pcap {

/// Limits and timeouts of a FlowTable. Times are 100 ns ticks of packet time.
struct FlowTableOptions {
    /// Zeek's tcp_inactivity_timeout (5 min).
    int64_t tcp_idle_timeout = 300 * kTicksPerSecond;
    /// Zeek's udp_inactivity_timeout (1 min); also used for ICMP and other IP protocols.
    int64_t udp_idle_timeout = 60 * kTicksPerSecond;
    /// How long a TCP flow stays after FIN both ways or a RST, so that late packets still count:
    /// Zeek's tcp_close_delay and tcp_reset_delay (5 s).
    int64_t tcp_close_linger = 5 * kTicksPerSecond;
    /// Bytes of each direction delivered in order to the FlowApplication. Later bytes are
    /// counted only. UDP datagrams are delivered whole while this many bytes were not reached.
    size_t reassembly_bytes_per_direction = 64 * 1024;
    /// Bytes buffered out of order per direction; past it the oldest hole is given up as a gap.
    size_t max_out_of_order_bytes_per_direction = 256 * 1024;
    /// Flows tracked at once; a new flow past it ends the least recently active flow.
    size_t max_flows = 1'000'000;
    /// Optional. Orients flows seen without a SYN when the ports do not: the internal side is the
    /// client.
    std::function<bool(const IpAddress&)> is_internal;
};

/// Counters of a FlowTable since it was created.
struct FlowTableStats {
    uint64_t packets = 0; ///< every packet given to Add or AddRaw
    uint64_t frame_bytes = 0;
    uint64_t non_ip = 0;
    uint64_t truncated = 0;
    uint64_t malformed = 0;
    uint64_t unsupported_link_type = 0;
    /// IP fragments. The first fragment of a datagram is counted in its flow, later fragments
    /// only here.
    uint64_t fragments = 0;
    uint64_t flows_started = 0;
    uint64_t flows_ended = 0;
    uint64_t peak_flows_in_flight = 0;
    /// Flow directions whose stream went past reassembly_bytes_per_direction.
    uint64_t reassembly_budget_exceeded = 0;
    /// Flow directions whose out-of-order buffer overflowed at least once.
    uint64_t out_of_order_limit_exceeded = 0;
    uint64_t flows_evicted_at_max_flows = 0;
    uint64_t gaps = 0;        ///< OnGap calls
    uint64_t port_reuses = 0; ///< flows ended by a new SYN on their closed 5-tuple
};

/// Tracks flows over packets in capture order. Not thread-safe: one table per thread, each fed
/// the packets of whole flows. Memory grows with the flows in flight, never with the capture.
class FlowTable {
public:
    FlowTable(FlowTableOptions options, FlowObserver& observer);
    ~FlowTable();
    FlowTable(const FlowTable&) = delete;
    FlowTable& operator=(const FlowTable&) = delete;

    /// Adds one decoded packet. First ends the flows that went idle by this packet's time (packet
    /// time, never the wall clock).
    void Add(const DecodedPacket& packet);

    /// Decodes `packet` and adds it. Packets that do not decode are counted in stats() by
    /// result. Returns the decoder's result.
    DecodeResult AddRaw(int link_type, const RawPacket& packet);

    /// Counts a packet that the caller decoded and that did not decode to kOk.
    void CountUndecoded(DecodeResult result, uint32_t frame_bytes);

    /// Ends every flow in flight, as at the end of the input.
    void FlushAll();

    const FlowTableStats& stats() const;
    size_t flows_in_flight() const;

private:
    class Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace unmask::ingest::pcap
