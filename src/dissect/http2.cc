// HTTP/2 framing: the connection preface, frame headers, padding, SETTINGS and the control frames. Header
// blocks and their mapping onto transactions are in http2_headers.cc.
#include "dissect/http2.h"

#include <algorithm>
#include <cstring>

#include <nghttp2/nghttp2.h>

namespace unmask::dissect {
namespace {

constexpr std::string_view kPreface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

constexpr uint8_t kData = 0x0;
constexpr uint8_t kHeaders = 0x1;
constexpr uint8_t kPriority = 0x2;
constexpr uint8_t kRstStream = 0x3;
constexpr uint8_t kSettings = 0x4;
constexpr uint8_t kPushPromise = 0x5;
constexpr uint8_t kPing = 0x6;
constexpr uint8_t kGoaway = 0x7;
constexpr uint8_t kWindowUpdate = 0x8;
constexpr uint8_t kContinuation = 0x9;

constexpr uint8_t kFlagAck = 0x1;
constexpr uint8_t kFlagEndHeaders = 0x4;
constexpr uint8_t kFlagPadded = 0x8;
constexpr uint8_t kFlagPriority = 0x20;

constexpr uint16_t kSettingsHeaderTableSize = 0x1;
constexpr uint16_t kSettingsMaxFrameSize = 0x5;

constexpr uint32_t kNoError = 0x0;

uint32_t ReadUint32(const uint8_t* bytes) {
    return (static_cast<uint32_t>(bytes[0]) << 24) | (static_cast<uint32_t>(bytes[1]) << 16) |
           (static_cast<uint32_t>(bytes[2]) << 8) | bytes[3];
}

bool CarriesHeaderBlock(uint8_t type) {
    return type == kHeaders || type == kPushPromise || type == kContinuation;
}

/// Payload length that a frame type requires, or -1 when any length is allowed.
int64_t FixedLength(uint8_t type) {
    switch (type) {
    case kPriority:
        return 5;
    case kRstStream:
    case kWindowUpdate:
        return 4;
    case kPing:
        return 8;
    default:
        return -1;
    }
}

} // namespace

void Http2Dissector::InflaterDeleter::operator()(nghttp2_hd_inflater* inflater) const {
    nghttp2_hd_inflate_del(inflater);
}

Http2Dissector::Http2Dissector(Http2Limits limits) : limits_(limits) {
    sides_[0].state = State::kPreface;
    for (Side& side : sides_) {
        nghttp2_hd_inflater* inflater = nullptr;
        if (nghttp2_hd_inflate_new(&inflater) != 0) {
            side.state = State::kStopped;
            AddProblem("out_of_memory");
            continue;
        }
        side.inflater.reset(inflater);
    }
}

Http2Dissector::~Http2Dissector() = default;
Http2Dissector::Http2Dissector(Http2Dissector&&) noexcept = default;
Http2Dissector& Http2Dissector::operator=(Http2Dissector&&) noexcept = default;

void Http2Dissector::Feed(Direction direction, std::span<const uint8_t> bytes, int64_t timestamp) {
    if (finished_) {
        return;
    }
    FeedSide(direction == Direction::kToClient, bytes, timestamp);
}

void Http2Dissector::FeedSide(bool from_server, std::span<const uint8_t> bytes, int64_t timestamp) {
    Side& side = sides_[from_server ? 1 : 0];
    size_t used = 0;
    while (side.state != State::kStopped) {
        const std::span<const uint8_t> rest = bytes.subspan(used);
        switch (side.state) {
        case State::kPreface: {
            if (rest.empty()) {
                return;
            }
            const size_t count = std::min(rest.size(), kPreface.size() - side.preface_matched);
            if (std::memcmp(rest.data(), kPreface.data() + side.preface_matched, count) != 0) {
                Stop(from_server, "missing_preface");
                break;
            }
            used += count;
            side.preface_matched += count;
            if (side.preface_matched == kPreface.size()) {
                side.state = State::kFrameHeader;
            }
            break;
        }
        case State::kFrameHeader: {
            if (rest.empty()) {
                return;
            }
            if (side.frame_header_filled == 0) {
                side.frame_timestamp = timestamp;
            }
            const size_t count = std::min(rest.size(), sizeof(side.frame_header) - side.frame_header_filled);
            std::memcpy(side.frame_header + side.frame_header_filled, rest.data(), count);
            side.frame_header_filled += count;
            used += count;
            if (side.frame_header_filled == sizeof(side.frame_header)) {
                side.frame_header_filled = 0;
                OnFrameHeader(from_server);
            }
            break;
        }
        case State::kPrefix: {
            if (side.prefix_filled < side.prefix_needed) {
                if (rest.empty()) {
                    return;
                }
                const size_t count = std::min(rest.size(), side.prefix_needed - side.prefix_filled);
                std::memcpy(side.prefix + side.prefix_filled, rest.data(), count);
                side.prefix_filled += count;
                used += count;
            }
            if (side.prefix_filled == side.prefix_needed) {
                OnPrefix(from_server);
            }
            break;
        }
        case State::kBody: {
            if (side.body_remaining > 0) {
                if (rest.empty()) {
                    return;
                }
                const size_t count = static_cast<size_t>(std::min<uint64_t>(rest.size(), side.body_remaining));
                side.body_remaining -= count;
                used += count;
                OnBody(from_server, rest.first(count));
            }
            if (side.state == State::kBody && side.body_remaining == 0) {
                OnBodyEnd(from_server);
            }
            break;
        }
        case State::kPadding: {
            if (side.padding_remaining > 0) {
                if (rest.empty()) {
                    return;
                }
                const size_t count = static_cast<size_t>(std::min<uint64_t>(rest.size(), side.padding_remaining));
                side.padding_remaining -= count;
                used += count;
            }
            if (side.padding_remaining == 0) {
                side.state = State::kFrameHeader;
            }
            break;
        }
        case State::kStopped:
            break;
        }
    }
    side.skipped_bytes += bytes.size() - used;
}

void Http2Dissector::OnFrameHeader(bool from_server) {
    Side& side = sides_[from_server ? 1 : 0];
    const uint8_t* header = side.frame_header;
    side.length = (static_cast<uint32_t>(header[0]) << 16) | (static_cast<uint32_t>(header[1]) << 8) | header[2];
    side.type = header[3];
    side.flags = header[4];
    side.stream_id = ReadUint32(header + 5) & 0x7fffffffU;

    if (!side.first_frame_seen) {
        side.first_frame_seen = true;
        if (side.type != kSettings || (side.flags & kFlagAck) != 0) {
            AddProblem("missing_settings"); // RFC 9113 3.4: both prefaces start with a SETTINGS frame
        }
    }
    if (side.block.open && (side.type != kContinuation || side.stream_id != side.block.stream_id)) {
        Stop(from_server, "continuation_expected");
        return;
    }
    if (!side.block.open && side.type == kContinuation) {
        Stop(from_server, "unexpected_continuation"); // its header block context is unknown
        return;
    }
    // The receiver's SETTINGS_MAX_FRAME_SIZE bounds what this side sends. side.max_frame_size is the largest
    // value the peer announced, because a new value applies only once this side has read it.
    if (side.length > std::min(side.max_frame_size, limits_.max_frame_bytes)) {
        Stop(from_server, "frame_too_large");
        return;
    }
    const bool on_stream = side.type == kData || side.type == kHeaders || side.type == kPriority ||
                           side.type == kRstStream || side.type == kPushPromise || side.type == kContinuation;
    const bool on_connection = side.type == kSettings || side.type == kPing || side.type == kGoaway;
    if ((on_stream && side.stream_id == 0) || (on_connection && side.stream_id != 0)) {
        AddProblem("invalid_stream_id");
    }
    const int64_t fixed_length = FixedLength(side.type);
    if ((fixed_length >= 0 && side.length != fixed_length) || (side.type == kSettings && side.length % 6 != 0) ||
        (side.type == kSettings && (side.flags & kFlagAck) != 0 && side.length != 0) ||
        (side.type == kGoaway && side.length < 8)) {
        AddProblem("invalid_frame_length");
        side.prefix_needed = 0;
        side.prefix_filled = 0;
        side.body_remaining = side.length;
        side.padding_remaining = 0;
        side.type = 0xff; // skip the payload as an unknown frame type
        side.state = State::kBody;
        return;
    }

    size_t prefix = 0;
    const bool padded = (side.flags & kFlagPadded) != 0;
    switch (side.type) {
    case kData:
        prefix = padded ? 1 : 0;
        break;
    case kHeaders:
        prefix = (padded ? 1 : 0) + ((side.flags & kFlagPriority) != 0 ? 5 : 0);
        break;
    case kPushPromise:
        prefix = (padded ? 1 : 0) + 4;
        break;
    case kPriority:
        prefix = 5;
        break;
    case kRstStream:
    case kWindowUpdate:
        prefix = 4;
        break;
    case kGoaway:
        prefix = 8;
        break;
    default:
        break;
    }
    if (prefix > side.length) {
        if (CarriesHeaderBlock(side.type)) {
            Stop(from_server, "invalid_frame_length");
            return;
        }
        AddProblem("invalid_frame_length");
        prefix = 0;
        side.type = 0xff;
    }
    side.prefix_needed = prefix;
    side.prefix_filled = 0;
    side.settings_filled = 0;
    side.state = State::kPrefix;
}

void Http2Dissector::OnPrefix(bool from_server) {
    Side& side = sides_[from_server ? 1 : 0];
    const bool padded =
        (side.flags & kFlagPadded) != 0 && (side.type == kData || side.type == kHeaders || side.type == kPushPromise);
    const uint32_t pad_length = padded ? side.prefix[0] : 0;
    if (side.prefix_needed + pad_length > side.length) {
        if (CarriesHeaderBlock(side.type)) {
            Stop(from_server, "invalid_padding");
            return;
        }
        AddProblem("invalid_padding");
        side.type = 0xff;
        side.body_remaining = side.length - side.prefix_needed;
        side.padding_remaining = 0;
        side.state = State::kBody;
        return;
    }
    side.body_remaining = side.length - side.prefix_needed - pad_length;
    side.padding_remaining = pad_length;
    side.state = State::kBody;

    const uint8_t* fields = side.prefix + (padded ? 1 : 0);
    switch (side.type) {
    case kHeaders:
        if (!from_server) {
            client_headers_seen_ = true;
        }
        if ((side.flags & kFlagPriority) != 0 && ReadUint32(fields) == side.stream_id) {
            AddProblem("self_dependency");
        }
        StartHeaderBlock(from_server, false);
        break;
    case kPushPromise:
        if (!from_server) {
            AddProblem("push_promise_from_client"); // decoded anyway, the client's encoder state depends on it
        }
        StartHeaderBlock(from_server, true);
        break;
    case kPriority:
        if (!from_server && !client_headers_seen_) {
            const uint32_t dependency = ReadUint32(side.prefix);
            if (!client_priorities_.empty()) {
                client_priorities_ += ',';
            }
            client_priorities_ += std::to_string(side.stream_id) + ':' + std::to_string(dependency >> 31) + ':' +
                                  std::to_string(dependency & 0x7fffffffU) + ':' +
                                  std::to_string(static_cast<unsigned>(side.prefix[4]) + 1);
        }
        break;
    case kRstStream:
        OnResetStream(side.stream_id, ReadUint32(side.prefix));
        break;
    case kGoaway:
        if (ReadUint32(side.prefix + 4) != kNoError) {
            AddProblem("goaway_error");
        }
        break;
    case kWindowUpdate:
        if (!from_server && !client_headers_seen_ && side.stream_id == 0 && client_window_update_.empty()) {
            client_window_update_ = std::to_string(ReadUint32(side.prefix) & 0x7fffffffU);
        }
        break;
    case kSettings:
        if (!from_server && (side.flags & kFlagAck) == 0) {
            ++client_settings_frames_;
        }
        break;
    default:
        break;
    }
}

void Http2Dissector::OnBody(bool from_server, std::span<const uint8_t> bytes) {
    Side& side = sides_[from_server ? 1 : 0];
    switch (side.type) {
    case kData:
        OnData(from_server, side.stream_id, bytes.size(), false);
        break;
    case kHeaders:
    case kPushPromise:
    case kContinuation:
        Inflate(from_server, bytes, false);
        break;
    case kSettings:
        for (uint8_t byte : bytes) {
            side.settings_entry[side.settings_filled++] = byte;
            if (side.settings_filled == sizeof(side.settings_entry)) {
                side.settings_filled = 0;
                const auto id = static_cast<uint16_t>((side.settings_entry[0] << 8) | side.settings_entry[1]);
                OnSettingsEntry(from_server, id, ReadUint32(side.settings_entry + 2));
            }
        }
        break;
    default:
        break;
    }
}

void Http2Dissector::OnBodyEnd(bool from_server) {
    Side& side = sides_[from_server ? 1 : 0];
    side.state = State::kPadding;
    if (CarriesHeaderBlock(side.type) && (side.flags & kFlagEndHeaders) != 0) {
        if (Inflate(from_server, {}, true)) {
            EndHeaderBlock(from_server);
        }
    }
}

void Http2Dissector::OnSettingsEntry(bool from_server, uint16_t id, uint32_t value) {
    Side& peer = sides_[from_server ? 0 : 1];
    if (!from_server && client_settings_frames_ == 1 && client_settings_.size() < 256) {
        if (!client_settings_.empty()) {
            client_settings_ += ';';
        }
        client_settings_ += std::to_string(id) + ':' + std::to_string(value);
    }
    if (id == kSettingsMaxFrameSize) {
        if (value < 16384 || value > (1U << 24) - 1) {
            AddProblem("invalid_setting");
        }
        peer.max_frame_size = std::max(peer.max_frame_size, std::min(value, limits_.max_frame_bytes));
    } else if (id == kSettingsHeaderTableSize) {
        // Only increases are applied: an encoder that shrinks its table announces it with a dynamic table size
        // update, which the inflater accepts under any larger limit.
        const size_t limit = std::min<size_t>(value, limits_.max_dynamic_table_bytes);
        if (limit > peer.dynamic_table_limit && limit > peer.pending_table_limit) {
            peer.pending_table_limit = limit;
        }
        if (peer.pending_table_limit > peer.dynamic_table_limit && !peer.block.open && peer.inflater) {
            nghttp2_hd_inflate_change_table_size(peer.inflater.get(), peer.pending_table_limit);
            peer.dynamic_table_limit = peer.pending_table_limit;
        }
    }
}

void Http2Dissector::Gap(Direction direction, uint64_t missing_bytes) {
    const bool from_server = direction == Direction::kToClient;
    Side& side = sides_[from_server ? 1 : 0];
    if (finished_ || side.state == State::kStopped || missing_bytes == 0) {
        return;
    }
    if (side.state == State::kBody && side.type == kData && missing_bytes <= side.body_remaining) {
        side.body_remaining -= missing_bytes;
        OnData(from_server, side.stream_id, missing_bytes, true);
        return;
    }
    Stop(from_server, "stream_gap");
}

void Http2Dissector::Stop(bool from_server, std::string_view problem) {
    Side& side = sides_[from_server ? 1 : 0];
    AddProblem(problem);
    if (side.block.open && !side.block.push_promise) {
        const auto found = streams_.find(side.block.stream_id);
        if (found != streams_.end()) {
            AddTransactionProblem(found->second.transaction, problem);
        }
    }
    side.block.open = false;
    side.state = State::kStopped;
}

void Http2Dissector::Finish() {
    if (finished_) {
        return;
    }
    for (const bool from_server : {false, true}) {
        Side& side = sides_[from_server ? 1 : 0];
        if (side.state == State::kPreface && side.preface_matched > 0) {
            AddProblem("missing_preface");
        }
        if (side.block.open) {
            Stop(from_server, "truncated_header_block");
        }
    }
    for (const auto& [stream_id, stream] : streams_) {
        if (!stream.request_seen) {
            AddTransactionProblem(stream.transaction, "missing_request");
        }
    }
    finished_ = true;
}

void Http2Dissector::AddProblem(std::string_view problem) {
    ++malformed_count_;
    if (std::find(problems_.begin(), problems_.end(), problem) == problems_.end()) {
        problems_.emplace_back(problem);
    }
}

void Http2Dissector::AddTransactionProblem(size_t transaction, std::string_view problem) {
    std::vector<std::string>& problems = transactions_[transaction].problems;
    if (std::find(problems.begin(), problems.end(), problem) == problems.end()) {
        problems.emplace_back(problem);
        AddProblem(problem); // counted once per transaction, because DATA chunks would repeat it
    }
}

std::string Http2Dissector::ClientFingerprint() const {
    if (!client_request_decoded_) {
        return {};
    }
    return client_settings_ + '|' + (client_window_update_.empty() ? "00" : client_window_update_) + '|' +
           (client_priorities_.empty() ? "0" : client_priorities_) + '|' + client_pseudo_order_;
}

bool LooksLikeHttp2Preface(std::span<const uint8_t> first_bytes) {
    const size_t count = std::min(first_bytes.size(), kPreface.size());
    return count >= 4 && std::memcmp(first_bytes.data(), kPreface.data(), count) == 0;
}

} // namespace unmask::dissect
