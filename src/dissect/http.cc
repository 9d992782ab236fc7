#include "dissect/http.h"

#include <algorithm>
#include <cstring>

#include "dissect/http_message.h"

namespace unmask::dissect {
namespace {

/// Maximum length of a chunk-size line, its extensions and CR included.
constexpr size_t kMaxChunkLineBytes = 1024;

/// Fields that requests and responses share, read from all header fields of a block.
struct FramingFields {
    std::optional<uint64_t> content_length;
    bool chunked = false;
    bool other_transfer_encoding = false;
};

/// Stores names and fields up to the limit and reads the framing fields from all of them.
FramingFields ReadFields(const http::HeaderBlock& block, size_t max_headers, std::vector<std::string>& names,
                         std::vector<std::pair<std::string, std::string>>& headers,
                         std::vector<std::string>& problems) {
    FramingFields framing;
    for (const auto& [name, value] : block.fields) {
        if (headers.size() < max_headers) {
            names.push_back(name);
            headers.emplace_back(name, value);
        } else if (std::find(problems.begin(), problems.end(), "too_many_headers") == problems.end()) {
            problems.emplace_back("too_many_headers");
        }
        if (http::EqualsIgnoreCase(name, "Content-Length")) {
            const std::optional<uint64_t> length = http::ParseContentLength(value);
            if (!length) {
                problems.emplace_back("invalid_content_length");
            } else if (framing.content_length && *framing.content_length != *length) {
                problems.emplace_back("conflicting_content_length"); // the first value is kept
            } else {
                framing.content_length = length;
            }
        } else if (http::EqualsIgnoreCase(name, "Transfer-Encoding")) {
            if (http::IsChunked(value)) {
                framing.chunked = true;
            } else {
                framing.other_transfer_encoding = true;
            }
        }
    }
    if (framing.chunked && framing.content_length) {
        problems.emplace_back("content_length_and_chunked"); // chunked takes precedence (RFC 7230 section 3.3.3)
    }
    return framing;
}

} // namespace

HttpDissector::HttpDissector(HttpLimits limits) : limits_(limits) {}

size_t HttpDissector::Feed(Direction direction, std::span<const uint8_t> bytes, int64_t timestamp) {
    if (tunnel_ || finished_) {
        return 0;
    }
    return FeedSide(direction == Direction::kToClient, bytes, timestamp);
}

size_t HttpDissector::FeedSide(bool response, std::span<const uint8_t> bytes, int64_t timestamp) {
    Side& side = sides_[response ? 1 : 0];
    if (side.state == State::kResync) {
        const bool starts_message = response ? LooksLikeHttpResponse(bytes) : LooksLikeHttpRequest(bytes);
        if (!starts_message) {
            side.skipped_bytes += bytes.size();
            return bytes.size();
        }
        EndMessage(side, response);
        side.hold_after_message = false;
        side.state = State::kHeaders;
    }
    size_t used = 0;
    while (used < bytes.size() && !tunnel_) {
        const std::span<const uint8_t> rest = bytes.subspan(used);
        switch (side.state) {
        case State::kHeaders: {
            bool complete = false;
            used += AppendHeaderBlock(side, rest, timestamp, complete);
            const std::string_view problem = CheckStartLine(side, response);
            if (!problem.empty()) {
                Resync(side, problem, -1);
                side.skipped_bytes += bytes.size() - used;
                return bytes.size();
            }
            if (complete) {
                if (!response) {
                    OnRequestBlock(side);
                } else if (OnResponseBlock(side)) {
                    return used; // the tunnel starts after this response
                }
            }
            break;
        }
        case State::kAwaitConnect: {
            const size_t room = limits_.max_header_bytes - std::min(limits_.max_header_bytes, side.buffer.size());
            const size_t kept = std::min(room, rest.size());
            if (side.buffer.empty()) {
                side.message_timestamp = timestamp;
            }
            side.buffer.append(reinterpret_cast<const char*>(rest.data()), kept);
            if (kept < rest.size()) {
                side.skipped_bytes += rest.size() - kept;
                AddProblem(-1, "tunnel_prefix_too_large");
            }
            used = bytes.size();
            break;
        }
        case State::kResync:
            side.skipped_bytes += rest.size();
            used = bytes.size();
            break;
        default:
            used += ConsumeBody(side, response, rest);
            break;
        }
    }
    return used;
}

size_t HttpDissector::AppendHeaderBlock(Side& side, std::span<const uint8_t> bytes, int64_t timestamp, bool& complete) {
    complete = false;
    size_t position = 0;
    while (position < bytes.size()) {
        const void* found = std::memchr(bytes.data() + position, '\n', bytes.size() - position);
        const size_t line_end = found != nullptr ? static_cast<const uint8_t*>(found) - bytes.data() : bytes.size();
        const size_t length = line_end - position;
        if (length > 0) {
            if (side.line_bytes == 0) {
                side.line_first = static_cast<char>(bytes[position]);
            }
            side.line_bytes += length;
            if (!side.message_started) {
                const bool only_cr = std::all_of(bytes.begin() + static_cast<std::ptrdiff_t>(position),
                                                 bytes.begin() + static_cast<std::ptrdiff_t>(line_end),
                                                 [](uint8_t byte) { return byte == '\r'; });
                if (!only_cr) {
                    side.message_started = true;
                    side.message_timestamp = timestamp;
                }
            }
            const size_t room = limits_.max_header_bytes - std::min(limits_.max_header_bytes, side.buffer.size());
            const size_t kept = std::min(room, length);
            side.buffer.append(reinterpret_cast<const char*>(bytes.data() + position), kept);
            side.overflow_bytes += length - kept;
        }
        if (found == nullptr) {
            return bytes.size();
        }
        position = line_end + 1;
        const bool empty_line = side.line_bytes == 0 || (side.line_bytes == 1 && side.line_first == '\r');
        side.line_bytes = 0;
        if (empty_line && !side.message_started) {
            side.buffer.clear(); // blank lines before a start line are ignored (RFC 7230 3.5)
            continue;
        }
        if (empty_line) {
            complete = true;
            return position;
        }
        if (side.buffer.size() < limits_.max_header_bytes) {
            side.buffer.push_back('\n');
        } else {
            ++side.overflow_bytes;
        }
    }
    return position;
}

size_t HttpDissector::AppendLine(Side& side, std::span<const uint8_t> bytes, bool& complete) {
    const void* found = std::memchr(bytes.data(), '\n', bytes.size());
    const size_t line_end = found != nullptr ? static_cast<const uint8_t*>(found) - bytes.data() : bytes.size();
    const size_t kept =
        std::min(line_end, kMaxChunkLineBytes + 1 - std::min(kMaxChunkLineBytes + 1, side.buffer.size()));
    side.buffer.append(reinterpret_cast<const char*>(bytes.data()), kept);
    complete = found != nullptr;
    return complete ? line_end + 1 : bytes.size();
}

std::string_view HttpDissector::CheckStartLine(Side& side, bool response) {
    if (side.first_line_checked || !side.message_started) {
        return {};
    }
    const std::string_view bad = response ? "malformed_status_line" : "malformed_request_line";
    std::string_view text = side.buffer;
    while (!text.empty() && text.front() == '\r') {
        text.remove_prefix(1);
    }
    const size_t newline = text.find('\n');
    if (newline != std::string_view::npos) {
        std::string_view line = text.substr(0, newline);
        if (line.ends_with('\r')) {
            line.remove_suffix(1);
        }
        const bool valid =
            response ? http::ParseStatusLine(line).has_value() : http::ParseRequestLine(line).has_value();
        side.first_line_checked = valid;
        return valid ? std::string_view() : bad;
    }
    if (side.buffer.size() >= limits_.max_header_bytes) {
        return "header_too_large";
    }
    // The line is still incomplete: reject early what can never become a start line, such as a
    // TLS record, so that binary streams are not buffered up to the limit.
    if (response) {
        constexpr std::string_view kPrefix = "HTTP/";
        const size_t compared = std::min(text.size(), kPrefix.size());
        return text.substr(0, compared) == kPrefix.substr(0, compared) ? std::string_view() : bad;
    }
    const size_t space = text.find(' ');
    const std::string_view method = text.substr(0, space);
    const bool token = std::all_of(method.begin(), method.end(),
                                   [](char c) { return http::IsTokenChar(static_cast<unsigned char>(c)); });
    const bool control = std::any_of(text.begin(), text.end(), [](char c) {
        const auto byte = static_cast<unsigned char>(c);
        return (byte < 0x20 && byte != '\t' && byte != '\r') || byte == 0x7f;
    });
    return token && !control ? std::string_view() : bad;
}

void HttpDissector::OnRequestBlock(Side& side) {
    const http::HeaderBlock block = http::SplitHeaderBlock(side.buffer);
    std::optional<http::RequestLine> line = http::ParseRequestLine(block.start_line);
    const int64_t index = NewTransaction();
    side.transaction = index;
    std::vector<std::string> problems = block.problems;
    if (side.overflow_bytes > 0) {
        problems.emplace_back("header_too_large");
    }

    HttpRequest request;
    request.timestamp = side.message_timestamp;
    if (line) {
        request.method = std::move(line->method);
        request.uri = std::move(line->uri);
        request.version = std::move(line->version);
    }
    const FramingFields framing =
        ReadFields(block, limits_.max_headers, request.header_names, request.headers, problems);
    bool upgrade = false;
    for (const auto& [name, value] : block.fields) {
        if (http::EqualsIgnoreCase(name, "Host")) {
            request.host = http::HostWithoutPort(value); // the last Host wins, as in Zeek's script
        } else if (http::EqualsIgnoreCase(name, "User-Agent")) {
            request.user_agent = value;
        } else if (http::EqualsIgnoreCase(name, "Referer")) {
            request.referer = value;
        } else if (http::EqualsIgnoreCase(name, "Cookie")) {
            http::AppendCookieNames(value, limits_.max_headers, request.cookie_names);
        } else if (http::EqualsIgnoreCase(name, "Expect")) {
            request.expect_continue = http::EqualsIgnoreCase(value, "100-continue");
        } else if (http::EqualsIgnoreCase(name, "Upgrade")) {
            upgrade = true;
        }
    }
    request.content_length = framing.content_length;
    request.chunked = framing.chunked;
    if (framing.other_transfer_encoding && !framing.chunked) {
        // RFC 7230 3.3.3: a request whose last coding is not chunked has no determinable length.
        problems.emplace_back("unsupported_transfer_encoding");
    }
    const bool connect = http::EqualsIgnoreCase(request.method, "CONNECT");
    const bool head = http::EqualsIgnoreCase(request.method, "HEAD");
    if (HttpTransaction* transaction = Transaction(index)) {
        transaction->request = std::move(request);
    }
    for (const std::string& problem : problems) {
        AddProblem(index, problem);
    }
    if (pending_.size() >= limits_.max_transactions) {
        pending_.pop_front();
        AddProblem(index, "too_many_pending_requests");
    }
    pending_.push_back(Pending{index, head, connect, upgrade});
    side.hold_after_message = connect || upgrade;
    // NOTE: when a server rejects an "Expect: 100-continue" request and the client then skips the
    // body, the client's next request is counted as that body.
    StartBody(side, framing.chunked, framing.content_length, false);
}

bool HttpDissector::OnResponseBlock(Side& side) {
    const http::HeaderBlock block = http::SplitHeaderBlock(side.buffer);
    std::optional<http::StatusLine> line = http::ParseStatusLine(block.start_line);
    if (pending_.empty()) {
        const int64_t orphan = NewTransaction();
        AddProblem(orphan, "response_without_request");
        pending_.push_front(Pending{orphan, false, false, false});
    }
    const Pending request = pending_.front();
    side.transaction = request.transaction;
    HttpTransaction* transaction = Transaction(request.transaction);
    const int code = line ? line->code : 0;
    std::vector<std::string> problems = block.problems;
    if (side.overflow_bytes > 0) {
        problems.emplace_back("header_too_large");
    }

    if (code >= 100 && code < 200 && code != 101) {
        // An interim response (100 Continue, 102 Processing, 103 Early Hints): the final one follows.
        if (transaction != nullptr) {
            transaction->info_code = code;
            transaction->info_msg = line->reason;
        }
        for (const std::string& problem : problems) {
            AddProblem(request.transaction, problem);
        }
        EndMessage(side, true);
        return false;
    }

    HttpResponse response;
    response.timestamp = side.message_timestamp;
    if (line) {
        response.version = std::move(line->version);
        response.status_code = code;
        response.status_msg = std::move(line->reason);
    }
    const FramingFields framing =
        ReadFields(block, limits_.max_headers, response.header_names, response.headers, problems);
    for (const auto& [name, value] : block.fields) {
        if (http::EqualsIgnoreCase(name, "Server")) {
            response.server = value;
        } else if (http::EqualsIgnoreCase(name, "Content-Type")) {
            response.content_type = value;
        } else if (http::EqualsIgnoreCase(name, "Location")) {
            response.location = value;
        }
    }
    response.content_length = framing.content_length;
    response.chunked = framing.chunked;
    if (transaction != nullptr) {
        transaction->response = std::move(response);
    }
    for (const std::string& problem : problems) {
        AddProblem(request.transaction, problem);
    }
    pending_.pop_front();

    Side& client = sides_[0];
    if (code == 101 || (request.connect && code >= 200 && code < 300)) {
        tunnel_ = true;
        if (client.state == State::kAwaitConnect) {
            tunnel_prefix_ = std::move(client.buffer);
            client.buffer.clear();
        }
        return true;
    }
    if (request.connect || request.upgrade) {
        // The tunnel was refused: client bytes held meanwhile are HTTP again.
        client.hold_after_message = false;
        if (client.state == State::kAwaitConnect) {
            const std::string held = std::move(client.buffer);
            const int64_t held_timestamp = client.message_timestamp;
            EndMessage(client, false);
            FeedSide(false, std::span(reinterpret_cast<const uint8_t*>(held.data()), held.size()), held_timestamp);
        }
    }
    // RFC 7230 3.3.3: no body after HEAD, nor in 1xx, 204 and 304 responses.
    const bool no_body = request.head || code == 204 || code == 304 || (code >= 100 && code < 200);
    if (no_body) {
        EndMessage(side, true);
    } else {
        StartBody(side, framing.chunked, framing.content_length, !framing.chunked && !framing.content_length);
    }
    return false;
}

void HttpDissector::StartBody(Side& side, bool chunked, std::optional<uint64_t> length, bool to_close) {
    const bool response = &side == &sides_[1];
    side.buffer.clear();
    side.overflow_bytes = 0;
    side.line_bytes = 0;
    if (chunked) {
        side.state = State::kChunkSize;
    } else if (length && *length > 0) {
        side.state = State::kBodyLength;
        side.body_remaining = *length;
    } else if (to_close) {
        side.state = State::kBodyToClose;
    } else {
        EndMessage(side, response);
    }
}

void HttpDissector::AddBodyBytes(const Side& side, bool response, uint64_t count) {
    HttpTransaction* transaction = Transaction(side.transaction);
    if (transaction == nullptr) {
        return;
    }
    if (!response) {
        transaction->request.body_bytes += count;
    } else if (transaction->response) {
        transaction->response->body_bytes += count;
    }
}

size_t HttpDissector::ConsumeBody(Side& side, bool response, std::span<const uint8_t> bytes) {
    switch (side.state) {
    case State::kBodyLength:
    case State::kChunkData: {
        const size_t count = static_cast<size_t>(std::min<uint64_t>(side.body_remaining, bytes.size()));
        side.body_remaining -= count;
        AddBodyBytes(side, response, count);
        if (side.body_remaining == 0) {
            if (side.state == State::kBodyLength) {
                EndMessage(side, response);
            } else {
                side.state = State::kChunkDataEnd;
            }
        }
        return count;
    }
    case State::kBodyToClose:
        AddBodyBytes(side, response, bytes.size());
        return bytes.size();
    case State::kChunkSize:
    case State::kChunkDataEnd: {
        bool complete = false;
        const size_t used = AppendLine(side, bytes, complete);
        if (side.buffer.size() > kMaxChunkLineBytes) {
            Resync(side, "invalid_chunk_size", side.transaction);
            return used;
        }
        if (!complete) {
            return used;
        }
        std::string_view line = side.buffer;
        if (line.ends_with('\r')) {
            line.remove_suffix(1);
        }
        if (side.state == State::kChunkDataEnd) {
            if (!line.empty()) {
                Resync(side, "missing_chunk_line_end", side.transaction);
                return used;
            }
            side.buffer.clear();
            side.state = State::kChunkSize;
            return used;
        }
        const std::optional<uint64_t> size = http::ParseChunkSize(line);
        side.buffer.clear();
        if (!size) {
            Resync(side, "invalid_chunk_size", side.transaction);
        } else if (*size == 0) {
            side.state = State::kTrailers;
            side.message_started = true; // so that the first empty line ends the trailer block
            side.line_bytes = 0;
        } else {
            side.state = State::kChunkData;
            side.body_remaining = *size;
        }
        return used;
    }
    case State::kTrailers: {
        bool complete = false;
        const size_t used = AppendHeaderBlock(side, bytes, side.message_timestamp, complete);
        if (complete) {
            EndMessage(side, response);
        }
        return used;
    }
    default:
        return bytes.size();
    }
}

void HttpDissector::EndMessage(Side& side, bool response) {
    side.buffer.clear();
    side.overflow_bytes = 0;
    side.line_bytes = 0;
    side.message_started = false;
    side.first_line_checked = false;
    side.body_remaining = 0;
    side.transaction = -1;
    side.state = !response && side.hold_after_message ? State::kAwaitConnect : State::kHeaders;
}

void HttpDissector::Resync(Side& side, std::string_view problem, int64_t transaction) {
    AddProblem(transaction, problem);
    side.skipped_bytes += side.buffer.size() + side.overflow_bytes;
    const bool response = &side == &sides_[1];
    side.hold_after_message = false;
    EndMessage(side, response);
    side.state = State::kResync;
}

void HttpDissector::Gap(Direction direction, uint64_t missing_bytes) {
    if (tunnel_ || finished_ || missing_bytes == 0) {
        return;
    }
    const bool response = direction == Direction::kToClient;
    Side& side = sides_[response ? 1 : 0];
    switch (side.state) {
    case State::kBodyLength:
    case State::kChunkData:
        if (missing_bytes > side.body_remaining) {
            Resync(side, "content_gap", side.transaction);
            return;
        }
        // The peer sent these bytes, so they count as body although they were not captured.
        AddProblem(side.transaction, "body_gap");
        side.body_remaining -= missing_bytes;
        AddBodyBytes(side, response, missing_bytes);
        if (side.body_remaining == 0) {
            if (side.state == State::kBodyLength) {
                EndMessage(side, response);
            } else {
                side.state = State::kChunkDataEnd;
            }
        }
        return;
    case State::kBodyToClose:
        AddProblem(side.transaction, "body_gap");
        AddBodyBytes(side, response, missing_bytes);
        return;
    case State::kResync:
        side.skipped_bytes += missing_bytes;
        return;
    default:
        Resync(side, "content_gap", side.transaction);
        side.skipped_bytes += missing_bytes;
        return;
    }
}

void HttpDissector::Finish() {
    if (finished_) {
        return;
    }
    for (int index = 0; index < 2; ++index) {
        Side& side = sides_[index];
        switch (side.state) {
        case State::kHeaders:
            if (side.message_started) {
                AddProblem(-1, "incomplete_headers");
            }
            break;
        case State::kBodyLength:
        case State::kChunkSize:
        case State::kChunkData:
        case State::kChunkDataEnd:
        case State::kTrailers:
            AddProblem(side.transaction, "truncated_body");
            break;
        default:
            break;
        }
    }
    finished_ = true;
}

void HttpDissector::AddProblem(int64_t transaction, std::string_view problem) {
    ++malformed_count_;
    if (HttpTransaction* stored = Transaction(transaction)) {
        if (std::find(stored->problems.begin(), stored->problems.end(), problem) == stored->problems.end()) {
            stored->problems.emplace_back(problem);
        }
    }
    if (std::find(problems_.begin(), problems_.end(), problem) == problems_.end()) {
        problems_.emplace_back(problem);
    }
}

HttpTransaction* HttpDissector::Transaction(int64_t index) {
    if (index < 0 || static_cast<size_t>(index) >= transactions_.size()) {
        return nullptr;
    }
    return &transactions_[static_cast<size_t>(index)];
}

int64_t HttpDissector::NewTransaction() {
    ++request_count_;
    if (transactions_.size() >= limits_.max_transactions) {
        ++dropped_transactions_;
        return -1;
    }
    HttpTransaction transaction;
    transaction.trans_depth = request_count_;
    transactions_.push_back(std::move(transaction));
    return static_cast<int64_t>(transactions_.size() - 1);
}

} // namespace unmask::dissect
