// HTTP/2 header blocks: HPACK decoding through libnghttp2's inflater and the mapping of decoded fields onto
// requests, responses and streams.
#include <algorithm>
#include <cctype>

#include <nghttp2/nghttp2.h>

#include "dissect/http2.h"
#include "dissect/http_message.h"

namespace unmask::dissect {
namespace {

constexpr uint8_t kFlagEndStream = 0x1;

bool HasUppercase(std::string_view name) {
    return std::any_of(name.begin(), name.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

/// Fields that RFC 9113 section 8.2.2 forbids because they are specific to an HTTP/1.1 connection.
bool IsConnectionSpecific(std::string_view name) {
    return name == "connection" || name == "keep-alive" || name == "proxy-connection" || name == "transfer-encoding" ||
           name == "upgrade";
}

/// Parses a 3-digit :status value; returns 0 when it is not one.
int ParseStatus(std::string_view value) {
    if (value.size() != 3 || !std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return 0;
    }
    return (value[0] - '0') * 100 + (value[1] - '0') * 10 + (value[2] - '0');
}

} // namespace

void Http2Dissector::StartHeaderBlock(bool from_server, bool push_promise) {
    Side& side = sides_[from_server ? 1 : 0];
    HeaderBlock& block = side.block;
    block.open = true;
    block.push_promise = push_promise;
    block.end_stream = !push_promise && (side.flags & kFlagEndStream) != 0;
    block.stream_id = side.stream_id;
    block.timestamp = side.frame_timestamp;
    block.fields.clear();
    block.list_bytes = 0;
    block.list_too_large = false;
    block.too_many_fields = false;
}

bool Http2Dissector::Inflate(bool from_server, std::span<const uint8_t> fragment, bool final) {
    Side& side = sides_[from_server ? 1 : 0];
    if (!side.block.open) {
        return false;
    }
    const uint8_t* input = fragment.data();
    size_t left = fragment.size();
    while (true) {
        nghttp2_nv field{};
        int flags = 0;
        const ssize_t used = nghttp2_hd_inflate_hd2(side.inflater.get(), &field, &flags, input, left, final ? 1 : 0);
        if (used < 0) {
            Stop(from_server, "hpack_error");
            return false;
        }
        input += used;
        left -= static_cast<size_t>(used);
        if ((flags & NGHTTP2_HD_INFLATE_EMIT) != 0) {
            AddField(side.block, std::string_view(reinterpret_cast<const char*>(field.name), field.namelen),
                     std::string_view(reinterpret_cast<const char*>(field.value), field.valuelen));
        }
        if ((flags & NGHTTP2_HD_INFLATE_FINAL) != 0) {
            nghttp2_hd_inflate_end_headers(side.inflater.get());
            return true;
        }
        if ((flags & NGHTTP2_HD_INFLATE_EMIT) == 0 && left == 0) {
            if (final) {
                Stop(from_server, "hpack_error"); // the block ended inside a field
                return false;
            }
            return true;
        }
    }
}

void Http2Dissector::AddField(HeaderBlock& block, std::string_view name, std::string_view value) {
    block.list_bytes += name.size() + value.size() + 32;
    if (block.push_promise || block.list_too_large || block.too_many_fields) {
        return;
    }
    if (block.list_bytes > limits_.max_header_list_bytes) {
        block.list_too_large = true;
        return;
    }
    if (block.fields.size() >= limits_.max_headers) {
        block.too_many_fields = true;
        return;
    }
    block.fields.emplace_back(name, value);
}

void Http2Dissector::EndHeaderBlock(bool from_server) {
    Side& side = sides_[from_server ? 1 : 0];
    side.block.open = false;
    if (side.pending_table_limit > side.dynamic_table_limit) {
        nghttp2_hd_inflate_change_table_size(side.inflater.get(), side.pending_table_limit);
        side.dynamic_table_limit = side.pending_table_limit;
    }
    const HeaderBlock& block = side.block;
    if (block.push_promise) {
        if (from_server) {
            ++pushed_streams_;
        }
        return;
    }
    if (block.stream_id == 0) {
        return; // noted as "invalid_stream_id" at the frame header
    }
    if (block.stream_id % 2 == 0) {
        if (!from_server) {
            AddProblem("invalid_stream_id"); // clients open odd streams only
        }
        return; // a response on a server-pushed stream
    }
    if (from_server) {
        OnResponseBlock(block);
    } else {
        OnRequestBlock(block);
    }
}

Http2Dissector::StreamState* Http2Dissector::FindOrCreateStream(uint32_t stream_id, bool create) {
    const auto found = streams_.find(stream_id);
    if (found != streams_.end()) {
        return &found->second;
    }
    // Clients open streams in increasing id order, so an unknown id below the highest one is a stream that was
    // not stored, or a reused id.
    if (!create || stream_id <= highest_stream_id_) {
        return nullptr;
    }
    highest_stream_id_ = stream_id;
    if (transactions_.size() >= limits_.max_transactions) {
        ++dropped_transactions_;
        AddProblem("stream_limit");
        return nullptr;
    }
    transactions_.emplace_back();
    transactions_.back().trans_depth = static_cast<uint32_t>(transactions_.size());
    StreamState& stream = streams_[stream_id];
    stream.transaction = transactions_.size() - 1;
    return &stream;
}

void Http2Dissector::OnRequestBlock(const HeaderBlock& block) {
    const bool first_request = !client_request_decoded_;
    client_request_decoded_ = true;
    StreamState* stream = FindOrCreateStream(block.stream_id, true);
    if (stream == nullptr) {
        return;
    }
    const size_t index = stream->transaction;
    if (stream->request_seen) {
        // Trailers. Their fields are decoded but, as with HTTP/1.1 chunked trailers, not stored.
        if (!block.end_stream) {
            AddTransactionProblem(index, "trailers_without_end_stream");
        }
        return;
    }
    stream->request_seen = true;

    HttpRequest& request = transactions_[index].request;
    request.timestamp = block.timestamp;
    request.version = "2";
    std::string authority;
    std::string path;
    std::string host_field;
    bool regular_seen = false;
    bool scheme_seen = false;

    for (const auto& [name, value] : block.fields) {
        request.header_names.push_back(name);
        request.headers.emplace_back(name, value);
        if (name.starts_with(':')) {
            if (regular_seen) {
                AddTransactionProblem(index, "pseudo_header_after_field");
            }
            if (name == ":method") {
                request.method = value;
            } else if (name == ":path") {
                path = value;
            } else if (name == ":authority") {
                authority = value;
            } else if (name == ":scheme") {
                scheme_seen = true;
            } else if (name != ":protocol") { // :protocol is extended CONNECT (RFC 8441)
                AddTransactionProblem(index, "invalid_pseudo_header");
            }
            if (first_request && client_pseudo_order_.size() < 64) {
                if (!client_pseudo_order_.empty()) {
                    client_pseudo_order_ += ',';
                }
                client_pseudo_order_ += name.size() > 1 ? name[1] : '?';
            }
            continue;
        }
        regular_seen = true;
        if (HasUppercase(name)) {
            AddTransactionProblem(index, "uppercase_header_name");
        }
        if (IsConnectionSpecific(name)) {
            AddTransactionProblem(index, "connection_specific_header");
        }
        if (name == "host") {
            host_field = value;
        } else if (name == "user-agent") {
            request.user_agent = value;
        } else if (name == "referer") {
            request.referer = value;
        } else if (name == "cookie") {
            http::AppendCookieNames(value, limits_.max_headers, request.cookie_names);
        } else if (name == "content-length") {
            request.content_length = http::ParseContentLength(value);
            if (!request.content_length) {
                AddTransactionProblem(index, "invalid_content_length");
            }
        }
    }

    const bool connect = request.method == "CONNECT";
    request.uri = connect ? authority : path;
    request.host = http::HostWithoutPort(authority.empty() ? host_field : authority);
    const bool truncated = block.list_too_large || block.too_many_fields;
    if (!truncated && (request.method.empty() || (!connect && (path.empty() || !scheme_seen)))) {
        AddTransactionProblem(index, "missing_pseudo_header");
    }
    if (block.list_too_large) {
        AddTransactionProblem(index, "header_block_too_large");
    }
    if (block.too_many_fields) {
        AddTransactionProblem(index, "too_many_headers");
    }
}

void Http2Dissector::OnResponseBlock(const HeaderBlock& block) {
    StreamState* stream = FindOrCreateStream(block.stream_id, true);
    if (stream == nullptr) {
        return;
    }
    const size_t index = stream->transaction;
    HttpTransaction& transaction = transactions_[index];
    if (stream->final_response_seen) {
        if (!block.end_stream) {
            AddTransactionProblem(index, "trailers_without_end_stream");
        }
        return; // trailers, decoded but not stored
    }
    int status = 0;
    for (const auto& [name, value] : block.fields) {
        if (name == ":status") {
            status = ParseStatus(value);
            break;
        }
    }
    if (status == 0) {
        AddTransactionProblem(index, "invalid_status");
    } else if (status < 200) {
        if (status == 101) {
            AddTransactionProblem(index, "invalid_status"); // RFC 9113 8.6: no 101 in HTTP/2
        }
        transaction.info_code = status;
        return;
    }
    stream->final_response_seen = true;

    HttpResponse& response = transaction.response.emplace();
    response.timestamp = block.timestamp;
    response.version = "2";
    response.status_code = status;
    bool regular_seen = false;

    for (const auto& [name, value] : block.fields) {
        response.header_names.push_back(name);
        response.headers.emplace_back(name, value);
        if (name.starts_with(':')) {
            if (regular_seen) {
                AddTransactionProblem(index, "pseudo_header_after_field");
            }
            if (name != ":status") {
                AddTransactionProblem(index, "invalid_pseudo_header");
            }
            continue;
        }
        regular_seen = true;
        if (HasUppercase(name)) {
            AddTransactionProblem(index, "uppercase_header_name");
        }
        if (IsConnectionSpecific(name)) {
            AddTransactionProblem(index, "connection_specific_header");
        }
        if (name == "server") {
            response.server = value;
        } else if (name == "content-type") {
            response.content_type = value;
        } else if (name == "location") {
            response.location = value;
        } else if (name == "content-length") {
            response.content_length = http::ParseContentLength(value);
            if (!response.content_length) {
                AddTransactionProblem(index, "invalid_content_length");
            }
        }
    }

    if (block.list_too_large) {
        AddTransactionProblem(index, "header_block_too_large");
    }
    if (block.too_many_fields) {
        AddTransactionProblem(index, "too_many_headers");
    }
}

void Http2Dissector::OnData(bool from_server, uint32_t stream_id, uint64_t bytes, bool gap) {
    const auto found = streams_.find(stream_id);
    if (found == streams_.end()) {
        return;
    }
    const size_t index = found->second.transaction;
    HttpTransaction& transaction = transactions_[index];
    if (gap) {
        AddTransactionProblem(index, "body_gap");
    }
    if (!from_server) {
        transaction.request.body_bytes += bytes;
    } else if (transaction.response) {
        transaction.response->body_bytes += bytes;
    } else {
        AddTransactionProblem(index, "data_before_headers");
    }
}

void Http2Dissector::OnResetStream(uint32_t stream_id, uint32_t error_code) {
    // NO_ERROR and CANCEL end a stream without a fault, such as a browser dropping a request it no longer needs.
    if (error_code == 0x0 || error_code == 0x8) {
        return;
    }
    const auto found = streams_.find(stream_id);
    if (found != streams_.end()) {
        AddTransactionProblem(found->second.transaction, "stream_reset");
    } else {
        AddProblem("stream_reset");
    }
}

} // namespace unmask::dissect
