// HTTP/2 dissector (RFC 9113): turns the two plaintext byte streams of one connection, as they come out of TLS
// decryption or from a prior-knowledge cleartext connection, into the same request/response transactions as the
// HTTP/1.x dissector. Header blocks are decoded with libnghttp2's HPACK inflater (RFC 7541).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "dissect/http.h"
#include "dissect/stream.h"

struct nghttp2_hd_inflater;

namespace unmask::dissect {

/// Memory bounds of one Http2Dissector. Frame payloads are never buffered: DATA is counted and header block
/// fragments go to the HPACK inflater as they arrive, so only the decoded fields that are kept use memory.
struct Http2Limits {
    /// Decoded fields kept per message, counted as RFC 9113's SETTINGS_MAX_HEADER_LIST_SIZE counts them (name
    /// and value bytes plus 32 per field). Fields past it are still decoded, so the HPACK state stays right, but
    /// they are not stored or interpreted.
    size_t max_header_list_bytes = 64 * 1024;
    size_t max_headers = 100;       ///< header fields (and cookie names) stored per message
    size_t max_transactions = 1000; ///< transactions stored per connection
    /// Frame payload cap applied on top of the peer's SETTINGS_MAX_FRAME_SIZE; 2^24-1 is the protocol maximum.
    uint32_t max_frame_bytes = (1U << 24) - 1;
    /// Cap on the HPACK dynamic table size a peer's SETTINGS_HEADER_TABLE_SIZE may grant the other side.
    size_t max_dynamic_table_bytes = 64 * 1024;
};

/// Parses both directions of one HTTP/2 connection. It is not thread-safe, so each flow gets its own instance.
///
/// Transactions are client-initiated streams, one per odd stream id, in the order their first HEADERS frame
/// was decoded. Server-pushed streams (PUSH_PROMISE) are HPACK-decoded, so the decoder state stays right, and
/// counted in pushed_streams(), but not stored as transactions.
///
/// SETTINGS change how the other direction is parsed (frame size, HPACK table size), so the caller should feed
/// the two directions in capture order. A SETTINGS value that arrives late only matters when the other side
/// uses more than the protocol defaults, and then it shows as "frame_too_large" or "hpack_error".
class Http2Dissector {
public:
    explicit Http2Dissector(Http2Limits limits = {});
    ~Http2Dissector();
    Http2Dissector(Http2Dissector&&) noexcept;
    Http2Dissector& operator=(Http2Dissector&&) noexcept;
    Http2Dissector(const Http2Dissector&) = delete;
    Http2Dissector& operator=(const Http2Dissector&) = delete;

    /// Parses in-order plaintext bytes of one direction, split anywhere. `timestamp` (100 ns ticks since the Unix
    /// epoch) is the time of the packet that carried them. The client direction must start with the connection
    /// preface "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n". Without it the problem "missing_preface" is noted, and that
    /// direction is not parsed further, as after every fatal problem.
    void Feed(Direction direction, std::span<const uint8_t> bytes, int64_t timestamp);
    /// Notes `missing_bytes` lost from one direction. A gap that falls inside one DATA payload counts as body
    /// bytes and gives the transaction "body_gap". Any other gap loses the frame boundaries and possibly HPACK
    /// state, so the direction stops with "stream_gap".
    void Gap(Direction direction, uint64_t missing_bytes);
    /// Ends both directions and notes what was left unfinished ("truncated_header_block", "missing_request").
    void Finish();

    const std::vector<HttpTransaction>& transactions() const { return transactions_; }
    /// Distinct problem names seen on the connection, those of transactions included.
    const std::vector<std::string>& problems() const { return problems_; }
    /// Occurrences of connection problems, plus each distinct problem of each transaction once.
    uint64_t malformed_count() const { return malformed_count_; }
    /// Client-initiated streams seen but not stored because max_transactions was reached.
    uint64_t dropped_transactions() const { return dropped_transactions_; }
    /// PUSH_PROMISE frames decoded from the server.
    uint64_t pushed_streams() const { return pushed_streams_; }
    /// True once a fatal problem or a gap stopped the parsing of that direction.
    bool stopped(Direction direction) const { return sides_[DirectionIndex(direction)].state == State::kStopped; }
    /// Bytes of a direction that were not parsed because it had stopped.
    uint64_t skipped_bytes(Direction direction) const { return sides_[DirectionIndex(direction)].skipped_bytes; }
    /// Returns the client's HTTP/2 fingerprint in the format of Akamai's Black Hat EU 2017 research:
    /// "SETTINGS|WINDOW_UPDATE|PRIORITY|PSEUDO_HEADER_ORDER", such as "1:65536;2:0;4:6291456|15663105|0|m,a,s,p".
    /// SETTINGS lists id:value of the first client SETTINGS frame in wire order. WINDOW_UPDATE is the connection
    /// window increment sent before the first HEADERS, "00" when there is none. PRIORITY lists the PRIORITY
    /// frames sent before the first HEADERS as stream:exclusive:dependency:weight (weight 1-256), "0" when there
    /// is none. The last part is the pseudo-header order of the first request (m, a, s, p). The result is empty
    /// until the client's first request was decoded.
    /// NOTE: "00" for a missing WINDOW_UPDATE follows other tools' output and was not checked against Akamai's paper.
    std::string ClientFingerprint() const;

private:
    enum class State : uint8_t {
        kPreface,     ///< client side: matching the 24-byte connection preface
        kFrameHeader, ///< reading the 9-byte frame header
        kPrefix,      ///< reading the fixed fields at the start of a payload (pad length, priority, ids, codes)
        kBody,        ///< streaming the rest of the payload, without its padding
        kPadding,     ///< skipping padding
        kStopped,     ///< not parsed any further
    };

    /// One header field as decoded, before it is mapped onto a request or response.
    using Field = std::pair<std::string, std::string>;

    /// A header block being decoded: HEADERS or PUSH_PROMISE plus its CONTINUATION frames.
    struct HeaderBlock {
        bool open = false;
        bool push_promise = false;
        bool end_stream = false;
        uint32_t stream_id = 0;
        int64_t timestamp = 0;
        std::vector<Field> fields;
        size_t list_bytes = 0; ///< SETTINGS_MAX_HEADER_LIST_SIZE accounting of every decoded field
        bool list_too_large = false;
        bool too_many_fields = false;
    };

    struct InflaterDeleter {
        void operator()(nghttp2_hd_inflater* inflater) const;
    };

    struct Side {
        State state = State::kFrameHeader;
        size_t preface_matched = 0;
        bool first_frame_seen = false;
        uint8_t frame_header[9] = {};
        size_t frame_header_filled = 0;
        int64_t frame_timestamp = 0;
        uint8_t type = 0;
        uint8_t flags = 0;
        uint32_t stream_id = 0;
        uint32_t length = 0;
        uint8_t prefix[8] = {};
        size_t prefix_needed = 0;
        size_t prefix_filled = 0;
        uint64_t body_remaining = 0;
        uint64_t padding_remaining = 0;
        uint8_t settings_entry[6] = {};
        size_t settings_filled = 0;
        uint32_t max_frame_size = 16384;   ///< the largest SETTINGS_MAX_FRAME_SIZE the peer announced
        size_t dynamic_table_limit = 4096; ///< SETTINGS_HEADER_TABLE_SIZE given to this side's inflater
        size_t pending_table_limit = 0;    ///< a larger limit to apply when the open header block ends
        std::unique_ptr<nghttp2_hd_inflater, InflaterDeleter> inflater;
        HeaderBlock block;
        uint64_t skipped_bytes = 0;
    };

    /// Per-stream state of a stored transaction.
    struct StreamState {
        size_t transaction = 0;
        bool request_seen = false;
        bool final_response_seen = false;
    };

    // Framing (http2.cc).
    void FeedSide(bool from_server, std::span<const uint8_t> bytes, int64_t timestamp);
    void OnFrameHeader(bool from_server);
    void OnPrefix(bool from_server);
    void OnBody(bool from_server, std::span<const uint8_t> bytes);
    void OnBodyEnd(bool from_server);
    void OnSettingsEntry(bool from_server, uint16_t id, uint32_t value);
    void Stop(bool from_server, std::string_view problem);

    // Header blocks (http2_headers.cc).
    void StartHeaderBlock(bool from_server, bool push_promise);
    /// Feeds a header block fragment to the inflater; returns false after an HPACK error, which stops the side.
    bool Inflate(bool from_server, std::span<const uint8_t> fragment, bool final);
    void AddField(HeaderBlock& block, std::string_view name, std::string_view value);
    void EndHeaderBlock(bool from_server);
    void OnRequestBlock(const HeaderBlock& block);
    void OnResponseBlock(const HeaderBlock& block);
    void OnData(bool from_server, uint32_t stream_id, uint64_t bytes, bool gap);
    void OnResetStream(uint32_t stream_id, uint32_t error_code);
    /// Returns the stored stream, creating its transaction when the id is new; nullptr for streams not stored.
    StreamState* FindOrCreateStream(uint32_t stream_id, bool create);

    void AddProblem(std::string_view problem);
    void AddTransactionProblem(size_t transaction, std::string_view problem);

    Http2Limits limits_;
    Side sides_[2];
    std::unordered_map<uint32_t, StreamState> streams_;
    uint32_t highest_stream_id_ = 0; ///< largest odd stream id seen in either direction
    std::vector<HttpTransaction> transactions_;
    std::vector<std::string> problems_;
    uint64_t malformed_count_ = 0;
    uint64_t dropped_transactions_ = 0;
    uint64_t pushed_streams_ = 0;
    bool finished_ = false;

    // Client fingerprint facts, collected until the client's first HEADERS frame.
    bool client_headers_seen_ = false;    ///< a HEADERS frame header from the client was read
    bool client_request_decoded_ = false; ///< the client's first header block was decoded
    uint32_t client_settings_frames_ = 0; ///< non-ACK SETTINGS frames from the client
    std::string client_settings_;
    std::string client_window_update_;
    std::string client_priorities_;
    std::string client_pseudo_order_;
};

/// True when the bytes start with at least 4 bytes of the HTTP/2 client connection preface, or all of it.
bool LooksLikeHttp2Preface(std::span<const uint8_t> first_bytes);

} // namespace unmask::dissect
