#include "ingest/pcap/tcp_reassembly.h"

#include <algorithm>

namespace unmask::ingest::pcap {

void TcpStreamReassembler::Start(uint32_t first_byte_seq) {
    base_seq_ = first_byte_seq;
    started_ = true;
}

int64_t TcpStreamReassembler::Position(uint32_t seq) const {
    // The signed 32-bit distance from the expected sequence number handles wrap-around, as long as
    // segments arrive within 2 GiB of the stream position, which TCP's window guarantees.
    const uint32_t expected = base_seq_ + static_cast<uint32_t>(next_);
    const int32_t distance = static_cast<int32_t>(seq - expected);
    return static_cast<int64_t>(next_) + distance;
}

SegmentOutcome TcpStreamReassembler::AddSegment(uint32_t seq, std::span<const uint8_t> captured, uint32_t wire_length,
                                                int64_t timestamp, const ReassemblyLimits& limits,
                                                const ReassemblyOutput& output) {
    if (wire_length == 0) {
        return SegmentOutcome::kEmpty;
    }
    int64_t start = Position(seq);
    const int64_t end = start + wire_length;
    int64_t captured_end = start + static_cast<int64_t>(std::min<size_t>(captured.size(), wire_length));
    const uint8_t* bytes = captured.data();
    highest_end_ = std::max<uint64_t>(highest_end_, static_cast<uint64_t>(std::max<int64_t>(end, 0)));

    const auto next = static_cast<int64_t>(next_);
    if (end <= next) {
        return SegmentOutcome::kRetransmitted;
    }
    bool overlapped = false;
    if (start < next) {
        // The head was delivered (or given up) before: skip it.
        const int64_t skip = next - start;
        bytes += std::min(skip, captured_end - start);
        captured_end = std::max(captured_end, next);
        start = next;
        overlapped = true;
    }
    if (start == next && (pending_.empty() || pending_.front().start >= static_cast<uint64_t>(end))) {
        // The common case: the next bytes in order, overlapping nothing that is buffered.
        Deliver(static_cast<uint64_t>(start), static_cast<uint64_t>(captured_end), bytes, timestamp, limits, output);
        if (end > captured_end) {
            // Cut by the snapshot length: these bytes will never be captured.
            Gap(static_cast<uint64_t>(end), limits, output);
        }
        Drain(timestamp, limits, output);
        return overlapped ? SegmentOutcome::kRetransmitted : SegmentOutcome::kNew;
    }
    overlapped = Insert(static_cast<uint64_t>(start), static_cast<uint64_t>(captured_end), static_cast<uint64_t>(end),
                        bytes, limits) ||
                 overlapped;
    Drain(timestamp, limits, output);
    while (buffered_bytes_ > limits.max_out_of_order_bytes || pending_.size() > limits.max_out_of_order_segments) {
        out_of_order_overflowed_ = true;
        GiveUpFirstHole(timestamp, limits, output);
    }
    return overlapped ? SegmentOutcome::kRetransmitted : SegmentOutcome::kNew;
}

void TcpStreamReassembler::AddFin(uint32_t seq) {
    const int64_t position = Position(seq);
    if (position < 0) {
        return;
    }
    if (!fin_seen_ || static_cast<uint64_t>(position) > fin_position_) {
        fin_position_ = static_cast<uint64_t>(position);
    }
    fin_seen_ = true;
    highest_end_ = std::max(highest_end_, fin_position_);
}

void TcpStreamReassembler::AddAck(uint32_t ack) {
    if (!started_) {
        return;
    }
    const int64_t position = Position(ack);
    if (position > 0) {
        highest_ack_ = std::max(highest_ack_, static_cast<uint64_t>(position));
    }
}

void TcpStreamReassembler::Finish(int64_t timestamp, const ReassemblyLimits& limits, const ReassemblyOutput& output) {
    while (!pending_.empty()) {
        GiveUpFirstHole(timestamp, limits, output);
    }
    uint64_t end = std::max(highest_end_, highest_ack_);
    if (fin_seen_) {
        // An acknowledgment of the FIN is one past the last data byte.
        end = std::min(end, std::max(fin_position_, highest_end_));
    }
    if (end > next_) {
        Gap(end, limits, output);
    }
}

void TcpStreamReassembler::Deliver(uint64_t start, uint64_t end, const uint8_t* bytes, int64_t timestamp,
                                   const ReassemblyLimits& limits, const ReassemblyOutput& output) {
    if (start < limits.deliver_bytes && end > start && bytes != nullptr && output.application != nullptr) {
        const uint64_t stop = std::min(end, limits.deliver_bytes);
        output.application->OnData(output.direction, std::span<const uint8_t>(bytes, stop - start), timestamp);
    }
    next_ = std::max(next_, end);
    if (next_ > limits.deliver_bytes) {
        budget_exceeded_ = true;
    }
}

void TcpStreamReassembler::Gap(uint64_t end, const ReassemblyLimits& limits, const ReassemblyOutput& output) {
    if (end <= next_) {
        return;
    }
    if (output.missed_bytes != nullptr) {
        *output.missed_bytes += end - next_;
    }
    if (next_ < limits.deliver_bytes) {
        if (output.application != nullptr) {
            output.application->OnGap(output.direction, std::min(end, limits.deliver_bytes) - next_);
        }
        if (output.gaps != nullptr) {
            ++*output.gaps;
        }
    }
    next_ = end;
    if (next_ > limits.deliver_bytes) {
        budget_exceeded_ = true;
    }
}

bool TcpStreamReassembler::Insert(uint64_t start, uint64_t captured_end, uint64_t end, const uint8_t* bytes,
                                  const ReassemblyLimits& limits) {
    // Split [start, end) into the pieces that no buffered segment covers: the first copy of each
    // byte wins, so a later overlapping copy cannot change bytes already buffered.
    pieces_.clear();
    bool overlapped = false;
    auto it =
        std::lower_bound(pending_.begin(), pending_.end(), start,
                         [](const PendingSegment& segment, uint64_t position) { return segment.end <= position; });
    uint64_t cursor = start;
    for (; it != pending_.end() && it->start < end; ++it) {
        overlapped = true;
        if (it->start > cursor) {
            pieces_.push_back(Piece{cursor, std::clamp(captured_end, cursor, it->start), it->start});
        }
        cursor = std::max(cursor, it->end);
    }
    if (cursor < end) {
        pieces_.push_back(Piece{cursor, std::clamp(captured_end, cursor, end), end});
    }
    for (const Piece& piece : pieces_) {
        const uint8_t* piece_bytes = piece.start < captured_end ? bytes + (piece.start - start) : nullptr;
        InsertPiece(piece.start, piece.captured_end, piece.end, piece_bytes, limits);
    }
    return overlapped;
}

void TcpStreamReassembler::InsertPiece(uint64_t start, uint64_t captured_end, uint64_t end, const uint8_t* bytes,
                                       const ReassemblyLimits& limits) {
    auto it =
        std::lower_bound(pending_.begin(), pending_.end(), start,
                         [](const PendingSegment& segment, uint64_t position) { return segment.start < position; });
    const bool range_only = start >= limits.deliver_bytes && captured_end == end;
    if (range_only && it != pending_.begin()) {
        // Past the budget only ranges matter, so a piece that continues the previous range extends it.
        PendingSegment& previous = *(it - 1);
        if (previous.end == start && previous.captured_end == previous.end && previous.bytes.empty()) {
            previous.end = end;
            previous.captured_end = end;
            return;
        }
    }
    PendingSegment segment;
    segment.start = start;
    segment.end = end;
    segment.captured_end = captured_end;
    if (start < limits.deliver_bytes && captured_end > start) {
        const uint64_t stop = std::min(captured_end, limits.deliver_bytes);
        segment.bytes.assign(bytes, bytes + (stop - start));
        buffered_bytes_ += segment.bytes.size();
    }
    pending_.insert(it, std::move(segment));
}

void TcpStreamReassembler::Drain(int64_t timestamp, const ReassemblyLimits& limits, const ReassemblyOutput& output) {
    size_t consumed = 0;
    for (; consumed < pending_.size() && pending_[consumed].start <= next_; ++consumed) {
        const PendingSegment& segment = pending_[consumed];
        if (segment.captured_end > next_) {
            const uint64_t offset = next_ - segment.start;
            const uint8_t* bytes = offset < segment.bytes.size() ? segment.bytes.data() + offset : nullptr;
            Deliver(next_, segment.captured_end, bytes, timestamp, limits, output);
        }
        if (segment.end > next_) {
            Gap(segment.end, limits, output);
        }
        buffered_bytes_ -= segment.bytes.size();
    }
    if (consumed > 0) {
        pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(consumed));
    }
}

void TcpStreamReassembler::GiveUpFirstHole(int64_t timestamp, const ReassemblyLimits& limits,
                                           const ReassemblyOutput& output) {
    if (pending_.empty()) {
        return;
    }
    Gap(pending_.front().start, limits, output);
    Drain(timestamp, limits, output);
}

} // namespace unmask::ingest::pcap
