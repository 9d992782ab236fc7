// A flow (connection) as the flow table reports it, and the interfaces through which the table
// hands flows and reassembled bytes to protocol code.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "common/ip_network.h"
#include "dissect/stream.h"

namespace unmask::ingest::pcap {

using dissect::Direction;
using dissect::DirectionIndex;

/// Evidence the flow table used to choose the client.
enum class DirectionBasis : uint8_t {
    kSyn,         ///< the client sent a SYN without ACK
    kSynAck,      ///< the server sent a SYN-ACK (the SYN was not seen)
    kPort,        ///< the server's port is in a lower class: below 1024, then below 32768
    kInternal,    ///< only the client is in an internal network (FlowTableOptions::is_internal)
    kFirstSender, ///< the client sent the first packet seen
};

/// Returns a short lower-case name of a basis ("syn", "syn-ack", "port", "internal", "first-sender").
const char* DirectionBasisName(DirectionBasis basis);

/// Reason a flow ended.
enum class FlowEndReason : uint8_t {
    kClosed,    ///< FIN both ways or RST, and no packet for the close linger after it
    kIdle,      ///< no packet for the idle timeout
    kPortReuse, ///< a new SYN arrived on the closed 5-tuple and started a new flow
    kEvicted,   ///< the table was full (FlowTableOptions::max_flows) and this flow was the oldest
    kFlush,     ///< end of input (FlowTable::FlushAll)
};

/// Returns a short lower-case name of a reason ("closed", "idle", ...).
const char* FlowEndReasonName(FlowEndReason reason);

/// One flow: a TCP connection, a UDP or ICMP exchange, or the packets of another IP protocol
/// between two hosts. Arrays of two are indexed by DirectionIndex.
struct FlowRecord {
    uint64_t id = 0; ///< 1, 2, ... in order of the flows' first packets
    IpAddress client;
    IpAddress server;
    /// TCP and UDP ports. For ICMP, the type and code of the first packet, as Zeek logs them.
    uint16_t client_port = 0;
    uint16_t server_port = 0;
    uint8_t ip_protocol = 0;

    int64_t first_timestamp = 0; ///< 100 ns ticks since the Unix epoch
    int64_t last_timestamp = 0;

    uint64_t packets[2] = {0, 0};
    uint64_t ip_bytes[2] = {0, 0};    ///< sum of IP total lengths
    uint64_t frame_bytes[2] = {0, 0}; ///< sum of frame lengths on the wire, link layer included
    /// Sum of transport payload lengths stated by the IP headers, retransmissions included.
    uint64_t payload_bytes[2] = {0, 0};
    /// TCP: bytes of sequence space from the first byte to the highest byte seen, which is what
    /// Zeek logs as orig_bytes and resp_bytes. Other protocols: equal to payload_bytes.
    uint64_t stream_bytes[2] = {0, 0};
    /// Bytes of TCP sequence space never seen, in both directions, as Zeek's missed_bytes. Includes
    /// data that the peer acknowledged but the capture lacks.
    uint64_t missed_bytes = 0;
    uint64_t gaps[2] = {0, 0}; ///< holes in the stream reported through FlowApplication::OnGap

    std::string conn_state;          ///< Zeek's conn_state; filled when the flow ends
    std::string history;             ///< Zeek's history letters, upper case for the client
    bool direction_from_syn = false; ///< true when a SYN or SYN-ACK fixed the direction
    DirectionBasis direction_basis = DirectionBasis::kFirstSender;
    /// The direction went past FlowTableOptions::reassembly_bytes_per_direction, so later bytes
    /// were counted but not delivered.
    bool reassembly_budget_exceeded[2] = {false, false};
    FlowEndReason end_reason = FlowEndReason::kFlush;

    int64_t duration() const { return last_timestamp - first_timestamp; }
};

/// Per-flow protocol state, created by FlowObserver::OnFlowStart and owned by the flow table
/// until the flow ends.
class FlowApplication {
public:
    virtual ~FlowApplication() = default;
    /// Receives the next bytes of one direction in stream order, each byte once. For TCP these
    /// are the reassembled first FlowTableOptions::reassembly_bytes_per_direction bytes. For UDP,
    /// whole datagram payloads until that many bytes were delivered.
    virtual void OnData(Direction direction, std::span<const uint8_t> bytes, int64_t timestamp) = 0;
    /// Reports that `missing_bytes` bytes of TCP stream were never captured at this point. Later
    /// OnData calls continue after the hole.
    virtual void OnGap(Direction direction, uint64_t missing_bytes) = 0;
    /// True when the application parses the whole TCP stream (HTTP with many requests on one
    /// connection), so the delivery budget does not apply to its flow. Asked on every segment,
    /// so it may change once the protocol is known.
    virtual bool WantsWholeStream() const { return false; }
};

/// Receives the start and end of every flow.
class FlowObserver {
public:
    virtual ~FlowObserver() = default;
    /// Called before the flow's first packet is counted. Returns the flow's application, or
    /// nullptr to only count the flow.
    virtual std::unique_ptr<FlowApplication> OnFlowStart(const FlowRecord& flow) = 0;
    /// Called once with the final record. `application` is the object OnFlowStart returned (may be
    /// nullptr); it is destroyed after this call returns.
    virtual void OnFlowEnd(const FlowRecord& flow, FlowApplication* application) = 0;
};

} // namespace unmask::ingest::pcap
