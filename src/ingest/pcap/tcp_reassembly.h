// In-order reassembly of one direction of a TCP connection, bounded in bytes delivered and in
// bytes buffered out of order.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "ingest/pcap/flow_record.h"

namespace unmask::ingest::pcap {

/// Budgets of one direction; see FlowTableOptions.
struct ReassemblyLimits {
    uint64_t deliver_bytes = 64 * 1024;
    uint64_t max_out_of_order_bytes = 256 * 1024;
    /// Bounds the out-of-order list also past the delivery budget, where only ranges are kept.
    uint32_t max_out_of_order_segments = 256;
};

/// Destination of reassembled bytes and holes, and the counters they update.
struct ReassemblyOutput {
    FlowApplication* application = nullptr; ///< may be nullptr
    Direction direction = Direction::kToServer;
    uint64_t* missed_bytes = nullptr; ///< the flow's missed-bytes counter
    uint64_t* gaps = nullptr;         ///< the direction's gap counter
};

/// Contribution of one segment to the stream.
enum class SegmentOutcome : uint8_t {
    kNew,           ///< only bytes not seen before
    kRetransmitted, ///< some or all bytes were already seen (delivered once)
    kEmpty,         ///< no payload
};

/// Reassembles one direction. Stream positions are 64-bit offsets from the first byte after the
/// SYN (or from the first segment seen, for a connection picked up mid-stream), so 32-bit
/// sequence numbers wrap around freely. Bytes below ReassemblyLimits::deliver_bytes go to the
/// application in order and once each. Later bytes are only tracked as ranges, to count holes.
class TcpStreamReassembler {
public:
    /// Sets the sequence number of stream position 0.
    void Start(uint32_t first_byte_seq);
    bool started() const { return started_; }

    /// Adds a segment whose first byte has sequence number `seq`. `captured` holds the bytes the
    /// capture kept and `wire_length` the segment length stated by the IP header; bytes between
    /// the two are never delivered and end up as a gap.
    SegmentOutcome AddSegment(uint32_t seq, std::span<const uint8_t> captured, uint32_t wire_length, int64_t timestamp,
                              const ReassemblyLimits& limits, const ReassemblyOutput& output);

    /// Records a FIN whose sequence number is `seq` (the position after the last data byte).
    void AddFin(uint32_t seq);

    /// Records an acknowledgment number sent by the peer, which proves the data before it existed.
    void AddAck(uint32_t ack);

    /// Ends the stream: buffered segments are delivered, every remaining hole up to the highest
    /// byte seen or acknowledged becomes a gap. Call once, when the flow ends.
    void Finish(int64_t timestamp, const ReassemblyLimits& limits, const ReassemblyOutput& output);

    /// Highest stream position seen in a segment or FIN (Zeek's orig_bytes / resp_bytes).
    uint64_t highest_position() const { return highest_end_; }
    /// True once delivery reached ReassemblyLimits::deliver_bytes.
    bool budget_exceeded() const { return budget_exceeded_; }
    /// True once the out-of-order buffer overflowed and holes were given up early.
    bool out_of_order_overflowed() const { return out_of_order_overflowed_; }
    /// Bytes buffered out of order right now.
    uint64_t buffered_bytes() const { return buffered_bytes_; }

private:
    struct PendingSegment {
        uint64_t start = 0;
        uint64_t end = 0;
        /// [captured_end, end) was on the wire but cut by the capture's snapshot length.
        uint64_t captured_end = 0;
        /// Bytes of [start, min(captured_end, deliver_bytes)); empty past the delivery budget.
        std::vector<uint8_t> bytes;
    };

    /// Maps a sequence number to a stream position near next_, which may be negative.
    int64_t Position(uint32_t seq) const;
    void Deliver(uint64_t start, uint64_t end, const uint8_t* bytes, int64_t timestamp, const ReassemblyLimits& limits,
                 const ReassemblyOutput& output);
    void Gap(uint64_t end, const ReassemblyLimits& limits, const ReassemblyOutput& output);
    /// Buffers the parts of [start, end) that no pending segment covers yet. Returns true when some
    /// part was already covered.
    bool Insert(uint64_t start, uint64_t captured_end, uint64_t end, const uint8_t* bytes,
                const ReassemblyLimits& limits);
    void InsertPiece(uint64_t start, uint64_t captured_end, uint64_t end, const uint8_t* bytes,
                     const ReassemblyLimits& limits);
    void Drain(int64_t timestamp, const ReassemblyLimits& limits, const ReassemblyOutput& output);
    void GiveUpFirstHole(int64_t timestamp, const ReassemblyLimits& limits, const ReassemblyOutput& output);

    uint32_t base_seq_ = 0;
    bool started_ = false;
    bool budget_exceeded_ = false;
    bool out_of_order_overflowed_ = false;
    bool fin_seen_ = false;
    uint64_t next_ = 0; ///< every position before it was delivered or reported as a gap
    uint64_t highest_end_ = 0;
    uint64_t highest_ack_ = 0;
    uint64_t fin_position_ = 0;
    uint64_t buffered_bytes_ = 0;
    std::vector<PendingSegment> pending_; ///< sorted by start, never overlapping, all after next_
    struct Piece {
        uint64_t start;
        uint64_t captured_end;
        uint64_t end;
    };
    std::vector<Piece> pieces_; ///< scratch space of Insert, kept to avoid allocations
};

} // namespace unmask::ingest::pcap
