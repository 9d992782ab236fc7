// HTTP/1.0 and HTTP/1.1 dissector: turns the two reassembled byte streams of one TCP connection
// into request/response transactions with the facts of Zeek's http.log.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dissect/stream.h"

namespace unmask::dissect {

/// Memory bounds of one HttpDissector. Only header blocks are buffered, and bodies are counted.
struct HttpLimits {
    size_t max_header_bytes = 16 * 1024; ///< start line plus header lines of one message
    size_t max_headers = 100;            ///< header fields (and cookie names) stored per message
    size_t max_transactions = 1000;      ///< transactions stored per connection
};

/// One request as Zeek's http.log describes it.
struct HttpRequest {
    int64_t timestamp = 0; ///< 100 ns ticks since the Unix epoch of the packet with the first byte
    std::string method;    ///< "" when a response came without a request
    std::string uri;       ///< request target as sent, absolute form included
    std::string version;   ///< "1.1", "1.0"
    std::string host;      ///< last Host value without its ":port", as Zeek's host
    std::string user_agent;
    std::string referer;                                      ///< Zeek's referrer
    std::vector<std::string> header_names;                    ///< wire order, original case
    std::vector<std::pair<std::string, std::string>> headers; ///< wire order, folded lines joined
    std::vector<std::string> cookie_names;
    std::optional<uint64_t> content_length;
    bool chunked = false;
    bool expect_continue = false;
    uint64_t body_bytes = 0; ///< entity bytes, without chunk framing, as Zeek's request_body_len
};

/// The final (non-1xx) response to a request.
struct HttpResponse {
    int64_t timestamp = 0;
    std::string version;
    int status_code = 0;
    std::string status_msg;
    std::string server;
    std::string content_type;
    std::string location;
    std::vector<std::string> header_names;
    std::vector<std::pair<std::string, std::string>> headers;
    std::optional<uint64_t> content_length;
    bool chunked = false;
    uint64_t body_bytes = 0; ///< as Zeek's response_body_len
};

struct HttpTransaction {
    uint32_t trans_depth = 0; ///< 1-based position of the request in the connection, as Zeek
    HttpRequest request;
    std::optional<HttpResponse> response;
    std::optional<int> info_code; ///< last interim 1xx status (100 Continue...), as Zeek's info_code
    std::string info_msg;
    /// Protocol irregularities of this transaction: "malformed_header", "bare_lf_line_end",
    /// "obs_fold", "header_too_large", "too_many_headers", "invalid_content_length",
    /// "conflicting_content_length", "invalid_chunk_size", "body_gap", "truncated_body"...
    std::vector<std::string> problems;
};

/// Parses both directions of one connection. It is not thread-safe, so each flow gets its own instance.
class HttpDissector {
public:
    explicit HttpDissector(HttpLimits limits = {});

    /// Parses in-order stream bytes of one direction; `timestamp` (100 ns ticks since the Unix
    /// epoch) is the time of the packet that carried them. Returns how many bytes were consumed
    /// as HTTP. After a CONNECT answered with 2xx, or a 101 Switching Protocols, the rest of the
    /// connection is a tunnel: Feed returns less than the input size at the end of that response
    /// and 0 from then on in both directions, and tunnel() becomes true, so the caller can hand
    /// the rest to another dissector. Client bytes that arrived before the CONNECT reply are
    /// consumed and held; tunnel_prefix() returns them.
    size_t Feed(Direction direction, std::span<const uint8_t> bytes, int64_t timestamp);
    /// Notes `missing_bytes` lost from one direction. Inside a body of known length the missing
    /// bytes count as body and the transaction gets "body_gap". Elsewhere the direction
    /// resynchronizes at the next packet that starts a message.
    void Gap(Direction direction, uint64_t missing_bytes);
    /// Ends both streams: a response read to close is complete, unfinished messages are noted.
    void Finish();

    bool tunnel() const { return tunnel_; }
    /// Client bytes that followed a CONNECT before its 2xx reply, the start of the tunnel.
    const std::string& tunnel_prefix() const { return tunnel_prefix_; }
    const std::vector<HttpTransaction>& transactions() const { return transactions_; }
    /// Occurrences of every problem, including those of transactions beyond max_transactions.
    uint64_t malformed_count() const { return malformed_count_; }
    /// Distinct problem names seen on the connection, including those tied to no transaction
    /// ("malformed_request_line", "malformed_status_line", "response_without_request"...).
    const std::vector<std::string>& problems() const { return problems_; }
    /// Transactions parsed but not stored because max_transactions was reached.
    uint64_t dropped_transactions() const { return dropped_transactions_; }
    /// Bytes skipped while looking for the start of the next message after a fault or gap.
    uint64_t skipped_bytes(Direction direction) const { return sides_[DirectionIndex(direction)].skipped_bytes; }

private:
    enum class State : uint8_t {
        kHeaders,      ///< reading a start line and header block
        kBodyLength,   ///< skipping body_remaining bytes
        kChunkSize,    ///< reading a chunk-size line
        kChunkData,    ///< skipping body_remaining bytes of chunk data
        kChunkDataEnd, ///< reading the line end after chunk data
        kTrailers,     ///< reading trailer lines after the last chunk
        kBodyToClose,  ///< counting a response body delimited by the connection close
        kAwaitConnect, ///< client side: holding bytes until the CONNECT reply arrives
        kResync,       ///< skipping until a packet starts with a message
    };

    struct Side {
        State state = State::kHeaders;
        /// Current header block, chunk-size line or trailer block; on the client side in
        /// kAwaitConnect, the held bytes.
        std::string buffer;
        size_t overflow_bytes = 0;       ///< bytes seen past the size limit of `buffer`
        size_t line_bytes = 0;           ///< length of the current line so far, its LF excluded
        char line_first = 0;             ///< first byte of the current line
        bool message_started = false;    ///< a non-blank byte of the message was seen
        bool first_line_checked = false; ///< the start line passed its early validation
        bool hold_after_message = false; ///< the request asked for a tunnel (CONNECT, Upgrade)
        uint64_t body_remaining = 0;
        int64_t message_timestamp = 0;
        int64_t transaction = -1; ///< index into transactions_ of the current message, -1 when not stored
        uint64_t skipped_bytes = 0;
    };

    /// A request still waiting for its final response, kept even when the transaction is not
    /// stored so that responses stay paired.
    struct Pending {
        int64_t transaction;
        bool head;
        bool connect;
        bool upgrade;
    };

    size_t FeedSide(bool response, std::span<const uint8_t> bytes, int64_t timestamp);
    /// Consumes body and chunk framing bytes and returns how many bytes it used.
    size_t ConsumeBody(Side& side, bool response, std::span<const uint8_t> bytes);
    /// Appends header-block bytes up to the end of the block and returns the bytes used. Sets
    /// `complete` once the empty line that ends the block was read.
    size_t AppendHeaderBlock(Side& side, std::span<const uint8_t> bytes, int64_t timestamp, bool& complete);
    /// Appends bytes up to and including the next LF. The line, without its LF, stays in `buffer`.
    size_t AppendLine(Side& side, std::span<const uint8_t> bytes, bool& complete);
    /// Returns the problem name when the start line read so far cannot begin a message, else "".
    std::string_view CheckStartLine(Side& side, bool response);
    void OnRequestBlock(Side& side);
    /// Handles a complete response header block; returns true when a tunnel starts after it.
    bool OnResponseBlock(Side& side);
    void StartBody(Side& side, bool chunked, std::optional<uint64_t> length, bool to_close);
    void AddBodyBytes(const Side& side, bool response, uint64_t count);
    void EndMessage(Side& side, bool response);
    void Resync(Side& side, std::string_view problem, int64_t transaction);
    void AddProblem(int64_t transaction, std::string_view problem);
    HttpTransaction* Transaction(int64_t index);
    int64_t NewTransaction();

    HttpLimits limits_;
    Side sides_[2];
    std::deque<Pending> pending_;
    std::vector<HttpTransaction> transactions_;
    std::vector<std::string> problems_;
    std::string tunnel_prefix_;
    uint32_t request_count_ = 0;
    uint64_t malformed_count_ = 0;
    uint64_t dropped_transactions_ = 0;
    bool tunnel_ = false;
    bool finished_ = false;
};

/// True when the bytes start like a request: a known method followed by a space, or a token,
/// space, target, space and "HTTP/" on the first line.
bool LooksLikeHttpRequest(std::span<const uint8_t> first_bytes);
/// True when the bytes start with "HTTP/1." followed by a digit and a space.
bool LooksLikeHttpResponse(std::span<const uint8_t> first_bytes);

} // namespace unmask::dissect
