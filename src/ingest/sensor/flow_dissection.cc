#include "ingest/sensor/flow_dissection.h"

#include <algorithm>

namespace unmask::ingest {
namespace {

using dissect::Direction;

/// Bytes of a turn's start that the protocol tests need: the HTTP/2 preface is 24 bytes long, and
/// it covers a TLS record header, "HTTP/1.x " and the longest listed request method.
constexpr size_t kDecideBytes = 24;
/// Bytes of a turn's start that the protocol tests read at most. A request line with a method that
/// is not listed is recognised only when it ends within them.
constexpr size_t kMaxDecideBytes = 1024;
/// Client turns of an unrecognised flow searched for a TLS record that follows a cleartext
/// preamble.
constexpr int kMaxPreambleTurns = 4;
/// Server plaintext held while the client has not yet shown which protocol runs inside TLS.
constexpr size_t kMaxHeldServerPlaintext = 64 * 1024;
/// Decrypted TLS 1.3 server handshake bytes searched for the Certificate message.
constexpr size_t kMaxServerHandshakeBytes = 256 * 1024;
/// Certificates kept from a decrypted Certificate message, as TlsLimits::max_certificates.
constexpr size_t kMaxDecryptedCertificates = 10;
/// Bytes of a TLS flow held while a live key log does not yet have its session.
constexpr size_t kMaxHeldEncryptedBytes = 4 * 1024 * 1024;

constexpr uint8_t kApplicationData = 23;
constexpr uint8_t kHandshake = 22;
constexpr uint8_t kCertificateMessage = 11;

/// Creates an HTTP/2 dissector whose header limit is the HTTP/1 dissector's.
std::unique_ptr<dissect::Http2Dissector> MakeHttp2Dissector() {
    dissect::Http2Limits limits;
    limits.max_header_list_bytes = dissect::HttpLimits{}.max_header_bytes;
    return std::make_unique<dissect::Http2Dissector>(limits);
}

uint32_t Read24(std::span<const uint8_t> bytes, size_t at) {
    return (uint32_t{bytes[at]} << 16) | (uint32_t{bytes[at + 1]} << 8) | bytes[at + 2];
}

/// Reads the certificate_list of a TLS 1.3 Certificate message body (RFC 8446 §4.4.2): a
/// request context, then entries of a DER certificate and its extensions. Returns false when the
/// lengths disagree.
bool ParseTls13Certificates(std::span<const uint8_t> body, std::vector<std::string>& certificates) {
    if (body.empty() || body.size() < size_t{1} + body[0] + 3) {
        return false;
    }
    size_t at = size_t{1} + body[0];
    const size_t list_end = at + 3 + Read24(body, at);
    at += 3;
    if (list_end > body.size()) {
        return false;
    }
    while (at < list_end) {
        if (list_end - at < 3) {
            return false;
        }
        const size_t der_length = Read24(body, at);
        at += 3;
        if (list_end - at < der_length + 2) {
            return false;
        }
        if (certificates.size() < kMaxDecryptedCertificates) {
            certificates.emplace_back(reinterpret_cast<const char*>(body.data() + at), der_length);
        }
        at += der_length;
        const size_t extensions_length = (size_t{body[at]} << 8) | body[at + 1];
        at += 2 + extensions_length;
    }
    return at == list_end;
}

/// True when more bytes of the same turn cannot change what the protocol tests conclude from the
/// first kMaxDecideBytes of `head`.
bool HeadIsComplete(std::span<const uint8_t> head) {
    if (head.size() >= kMaxDecideBytes) {
        return true;
    }
    if (head.size() < kDecideBytes) {
        return false;
    }
    // Only the request line of an unlisted method can still change, and it ends at its LF.
    return dissect::LooksLikeTlsStart(head) || std::find(head.begin(), head.end(), '\n') != head.end();
}

} // namespace

void FlowDissection::OnData(Direction direction, std::span<const uint8_t> bytes, int64_t timestamp) {
    timestamp_ = timestamp;
    Sample(direction, bytes);
    if (!head_.empty() && direction != head_direction_) {
        ReleaseHead(); // the other side speaks, so the turn that the head began is over
    }
    const bool client_turn_start = direction == Direction::kToServer && !client_spoke_last_;
    client_spoke_last_ = direction == Direction::kToServer;
    if (!head_.empty() || GathersHead(direction, client_turn_start)) {
        // The protocol tests read the start of a turn, which TCP may have cut into any number of
        // segments, so the bytes are gathered until the tests can read enough of them.
        if (head_.empty()) {
            head_direction_ = direction;
            head_timestamp_ = timestamp;
        }
        head_.insert(head_.end(), bytes.begin(), bytes.end());
        if (HeadIsComplete(head_)) {
            ReleaseHead();
        }
        return;
    }
    Dispatch(direction, bytes, timestamp);
}

bool FlowDissection::GathersHead(Direction direction, bool client_turn_start) const {
    if (protocol_ == FlowProtocol::kUndecided) {
        return true;
    }
    if (direction != Direction::kToServer) {
        return false;
    }
    return tunnel_undecided_ ||
           (protocol_ == FlowProtocol::kOther && !tls_ && client_turn_start && client_turns_ < kMaxPreambleTurns);
}

void FlowDissection::ReleaseHead() {
    const std::vector<uint8_t> head = std::move(head_);
    head_.clear();
    // The tests read the same bytes however long the head grew before it was complete.
    const std::span<const uint8_t> start = std::span(head).first(std::min(head.size(), kMaxDecideBytes));
    if (protocol_ == FlowProtocol::kUndecided) {
        Decide(start);
        server_spoke_first_ = head_direction_ == Direction::kToClient;
        if (protocol_ == FlowProtocol::kOther && head_direction_ == Direction::kToServer) {
            ++client_turns_; // Decide found neither TLS nor HTTP at its start
        }
    } else if (tunnel_undecided_) {
        tunnel_undecided_ = false;
        StartTunnelProtocol(head);
        return;
    } else {
        InspectClientTurn(start);
    }
    Dispatch(head_direction_, head, head_timestamp_);
}

void FlowDissection::InspectClientTurn(std::span<const uint8_t> start) {
    ++client_turns_;
    if (client_turns_ == 1 && server_spoke_first_) {
        // The server spoke first (a banner, or an HTTP/2 server's SETTINGS), so the protocol was
        // guessed from its bytes. The client's first bytes may still show HTTP.
        // The HTTP/2 preface ("PRI * HTTP/2.0") also has the shape of an HTTP/1 request line.
        if (dissect::LooksLikeHttp2Preface(start)) {
            protocol_ = FlowProtocol::kHttp2;
            cleartext_http2_ = MakeHttp2Dissector();
            return;
        }
        if (dissect::LooksLikeHttpRequest(start)) {
            protocol_ = FlowProtocol::kHttp;
            http_ = std::make_unique<dissect::HttpDissector>();
            return;
        }
    }
    // TLS after a cleartext preamble (a SOCKS handshake, STARTTLS): a later client turn that
    // starts with a TLS record begins the session.
    if (dissect::LooksLikeTlsStart(start)) {
        StartTls();
        tls_after_preamble_ = true;
    }
}

void FlowDissection::OnGap(Direction direction, uint64_t missing_bytes) {
    if (!head_.empty()) {
        ReleaseHead(); // bytes after the gap do not continue the head
    }
    if (tls_) {
        tls_->Gap(direction, missing_bytes);
    }
    if (http_) {
        http_->Gap(direction, missing_bytes);
    }
    if (cleartext_http2_) {
        cleartext_http2_->Gap(direction, missing_bytes);
    }
    if (decryptor_) {
        decryptor_->Gap(direction, missing_bytes);
    }
}

void FlowDissection::Finish(int64_t /*timestamp*/) {
    if (!head_.empty()) {
        ReleaseHead();
    }
    if (tls_) {
        tls_->Finish();
    }
    if (waiting_for_key_) {
        key_log_->Refresh(); // a live key log has usually been written by the end of the flow
        StartSession(true);
    }
    if (http_) {
        http_->Finish();
    }
    if (tunnel_http_) {
        tunnel_http_->Finish();
    }
    if (cleartext_http2_) {
        cleartext_http2_->Finish();
    }
    if (!inner_server_held_.empty() && inner_protocol_ == InnerProtocol::kUndecided) {
        inner_protocol_ = InnerProtocol::kOther; // the client never spoke
    }
    if (inner_http_) {
        inner_http_->Finish();
    }
    if (inner_http2_) {
        inner_http2_->Finish();
    }
}

bool FlowDissection::WantsWholeStream() const {
    if ((protocol_ == FlowProtocol::kHttp && !http_->tunnel()) || tunnel_http_ != nullptr ||
        cleartext_http2_ != nullptr) {
        return true;
    }
    // Until the key log lookup, while waiting for a live key log, and while a session decrypts,
    // every byte is needed.
    return decryptor_ != nullptr && (!session_looked_up_ || key_found_ || waiting_for_key_);
}

std::string FlowDissection::decryption_outcome() const {
    if (session_looked_up_ && !key_found_ && decrypt_outcome_.empty()) {
        return "no_key";
    }
    if (decryptor_) {
        return std::string(decryptor_->stats().outcome());
    }
    return decrypt_outcome_.empty() ? "no_session" : decrypt_outcome_;
}

std::string FlowDissection::decryption_detail() const {
    if (!decryptor_ || !key_found_) {
        return "";
    }
    std::string detail;
    for (const Direction direction : {Direction::kToServer, Direction::kToClient}) {
        const dissect::TlsDecryptDirectionStats& stats = decryptor_->stats().directions[DirectionIndex(direction)];
        detail += detail.empty() ? "" : "; ";
        detail += direction == Direction::kToServer ? "client: " : "server: ";
        detail += std::to_string(stats.decrypted_records) + " decrypted, " + std::to_string(stats.failed_records) +
                  " failed";
        if (stats.skipped_records > 0) {
            detail += ", " + std::to_string(stats.skipped_records) + " skipped without handshake secrets";
        }
        if (stats.undecryptable_records > 0) {
            detail += ", " + std::to_string(stats.undecryptable_records) + " without keys";
        }
        if (!stats.stop_reason.empty()) {
            detail += ", stopped at " + stats.stop_reason;
        }
    }
    return detail;
}

void FlowDissection::Decide(std::span<const uint8_t> start) {
    if (dissect::LooksLikeTlsStart(start)) {
        protocol_ = FlowProtocol::kTls;
        StartTls();
    } else if (dissect::LooksLikeHttp2Preface(start)) {
        protocol_ = FlowProtocol::kHttp2;
        cleartext_http2_ = MakeHttp2Dissector();
    } else if (dissect::LooksLikeHttpRequest(start) || dissect::LooksLikeHttpResponse(start)) {
        protocol_ = FlowProtocol::kHttp;
        http_ = std::make_unique<dissect::HttpDissector>();
    } else {
        protocol_ = FlowProtocol::kOther;
    }
}

void FlowDissection::StartTls() {
    tls_ = std::make_unique<dissect::TlsDissector>();
    if (key_log_ != nullptr) {
        decryptor_ = std::make_unique<dissect::TlsDecryptor>(
            [this](Direction direction, uint8_t content_type, std::span<const uint8_t> plaintext) {
                OnPlaintext(direction, content_type, plaintext);
            });
    }
}

void FlowDissection::Dispatch(Direction direction, std::span<const uint8_t> bytes, int64_t timestamp) {
    if (protocol_ == FlowProtocol::kHttp && !http_->tunnel()) {
        const size_t consumed = http_->Feed(direction, bytes, timestamp);
        if (!http_->tunnel()) {
            return;
        }
        bytes = bytes.subspan(std::min(consumed, bytes.size()));
        StartTunnel();
    }
    if (tls_) {
        FeedTls(direction, bytes);
    } else if (tunnel_http_) {
        tunnel_http_->Feed(direction, bytes, timestamp);
    } else if (cleartext_http2_) {
        cleartext_http2_->Feed(direction, bytes, timestamp);
    }
}

void FlowDissection::StartTunnel() {
    // The client's bytes after a CONNECT (or Upgrade) request, kept by the HTTP dissector until
    // the proxy replied, begin the tunnel's protocol: usually TLS, sometimes cleartext HTTP.
    const std::string& prefix = http_->tunnel_prefix();
    const std::span<const uint8_t> client_bytes(reinterpret_cast<const uint8_t*>(prefix.data()), prefix.size());
    if (tls_) {
        FeedTls(Direction::kToServer, client_bytes);
    } else if (client_bytes.empty()) {
        tunnel_undecided_ = true;
    } else {
        StartTunnelProtocol(client_bytes);
    }
}

void FlowDissection::StartTunnelProtocol(std::span<const uint8_t> client_bytes) {
    const std::span<const uint8_t> start = client_bytes.first(std::min(client_bytes.size(), kMaxDecideBytes));
    if (dissect::LooksLikeTlsStart(start)) {
        StartTls();
        FeedTls(Direction::kToServer, client_bytes);
    } else if (dissect::LooksLikeHttp2Preface(start)) {
        // h2c after "Upgrade: h2c" and 101 Switching Protocols, or HTTP/2 through a tunnel. The
        // preface is tested first, because it also has the shape of an HTTP/1 request line.
        cleartext_http2_ = MakeHttp2Dissector();
        cleartext_http2_->Feed(Direction::kToServer, client_bytes, timestamp_);
    } else if (dissect::LooksLikeHttpRequest(start)) {
        tunnel_http_ = std::make_unique<dissect::HttpDissector>();
        tunnel_http_->Feed(Direction::kToServer, client_bytes, timestamp_);
    }
}

void FlowDissection::FeedTls(Direction direction, std::span<const uint8_t> bytes) {
    tls_->Feed(direction, bytes);
    if (!decryptor_) {
        return;
    }
    // The dissector parses the ServerHello before the decryptor reads the records after it.
    if (!session_looked_up_ && tls_->facts().server_hello && tls_->facts().client_hello) {
        session_looked_up_ = true;
        StartSession(false);
        if (!decryptor_) {
            return;
        }
    }
    if (!waiting_for_key_) {
        decryptor_->Feed(direction, bytes);
        return;
    }
    if (held_encrypted_[0].size() + held_encrypted_[1].size() + bytes.size() > kMaxHeldEncryptedBytes) {
        // Too much to hold, so the session stays encrypted.
        waiting_for_key_ = false;
        held_encrypted_ = {};
        decryptor_.reset();
        return;
    }
    std::vector<uint8_t>& held = held_encrypted_[DirectionIndex(direction)];
    held.insert(held.end(), bytes.begin(), bytes.end());
    StartSession(false);
}

const dissect::TlsSessionSecrets* FlowDissection::FindSecrets(const dissect::TlsSessionParameters& parameters,
                                                             bool final) {
    const dissect::TlsSessionSecrets* secrets = key_log_->Find(parameters.client_random);
    if (secrets != nullptr && !final && key_log_->MayGrow() && parameters.version == 0x0304 &&
        (secrets->client_traffic_secret_0.empty() || secrets->server_traffic_secret_0.empty())) {
        return nullptr;
    }
    return secrets;
}

void FlowDissection::StartSession(bool final) {
    const dissect::TlsFacts& facts = tls_->facts();
    auto parameters = dissect::MakeTlsSessionParameters(*facts.client_hello, *facts.server_hello);
    const dissect::TlsSessionSecrets* secrets = parameters.ok() ? FindSecrets(parameters.value(), final) : nullptr;
    if (secrets == nullptr && parameters.ok() && !final && key_log_->MayGrow()) {
        // A live key log may get the session's line a moment later, so the stream from here on
        // is held (the decryptor has read everything before) and the lookup repeated.
        waiting_for_key_ = true;
        return;
    }
    waiting_for_key_ = false;
    if (secrets == nullptr || !decryptor_->SetSession(parameters.value(), *secrets).ok()) {
        if (!parameters.ok()) {
            decrypt_outcome_ = "invalid_session";
        } else if (secrets != nullptr) {
            key_found_ = true;
            decrypt_outcome_ = std::string(decryptor_->stats().outcome());
        }
        // Without a usable key the stream is no longer kept for it.
        decryptor_.reset();
        held_encrypted_ = {};
        return;
    }
    key_found_ = true;
    const std::array<std::vector<uint8_t>, 2> held = std::move(held_encrypted_);
    held_encrypted_ = {};
    // NOTE: requests read from held bytes get the time of the packet that completed the lookup,
    // not of their own packet.
    for (const Direction direction : {Direction::kToServer, Direction::kToClient}) {
        decryptor_->Feed(direction, held[DirectionIndex(direction)]);
    }
}

void FlowDissection::OnPlaintext(Direction direction, uint8_t content_type, std::span<const uint8_t> plaintext) {
    if (content_type == kHandshake && direction == Direction::kToClient) {
        OnServerHandshake(plaintext);
        return;
    }
    if (content_type != kApplicationData || plaintext.empty()) {
        return;
    }
    if (inner_protocol_ == InnerProtocol::kUndecided) {
        const dissect::TlsFacts& facts = tls_->facts();
        const std::string alpn = facts.server_hello ? facts.server_hello->alpn : std::string();
        if (direction == Direction::kToServer) {
            if (dissect::LooksLikeHttp2Preface(plaintext)) {
                inner_protocol_ = InnerProtocol::kHttp2;
            } else if (dissect::LooksLikeHttpRequest(plaintext)) {
                inner_protocol_ = InnerProtocol::kHttp1;
            } else {
                inner_protocol_ = InnerProtocol::kOther;
            }
        } else if (alpn == "h2") {
            inner_protocol_ = InnerProtocol::kHttp2; // the server's SETTINGS may precede the preface
        } else {
            // The client has not spoken yet; hold the server's bytes until it does.
            if (inner_server_held_.size() + plaintext.size() <= kMaxHeldServerPlaintext) {
                inner_server_held_.insert(inner_server_held_.end(), plaintext.begin(), plaintext.end());
            } else {
                inner_protocol_ = InnerProtocol::kOther;
            }
            return;
        }
        if (inner_protocol_ == InnerProtocol::kHttp1) {
            inner_http_ = std::make_unique<dissect::HttpDissector>();
        } else if (inner_protocol_ == InnerProtocol::kHttp2) {
            inner_http2_ = MakeHttp2Dissector();
        }
        if (!inner_server_held_.empty() && inner_protocol_ != InnerProtocol::kOther) {
            const std::vector<uint8_t> held = std::move(inner_server_held_);
            inner_server_held_.clear();
            if (direction == Direction::kToServer) {
                FeedInner(direction, plaintext);
                FeedInner(Direction::kToClient, held);
                return;
            }
            FeedInner(Direction::kToClient, held);
        }
    }
    FeedInner(direction, plaintext);
}

void FlowDissection::FeedInner(Direction direction, std::span<const uint8_t> plaintext) {
    if (inner_http_ && !inner_http_->tunnel()) {
        inner_http_->Feed(direction, plaintext, timestamp_);
    } else if (inner_http2_) {
        inner_http2_->Feed(direction, plaintext, timestamp_);
    }
}

void FlowDissection::OnServerHandshake(std::span<const uint8_t> plaintext) {
    // TLS 1.2 and earlier send the Certificate in clear; only TLS 1.3 encrypts it.
    const dissect::TlsFacts& facts = tls_->facts();
    if (certificates_read_ || !facts.server_hello || facts.server_hello->selected_version != 0x0304) {
        return;
    }
    if (server_handshake_.size() + plaintext.size() > kMaxServerHandshakeBytes) {
        certificates_read_ = true;
        server_handshake_.clear();
        return;
    }
    server_handshake_.insert(server_handshake_.end(), plaintext.begin(), plaintext.end());
    size_t at = 0;
    while (server_handshake_.size() - at >= 4) {
        const std::span<const uint8_t> bytes(server_handshake_);
        const size_t length = Read24(bytes, at + 1);
        if (server_handshake_.size() - at - 4 < length) {
            return; // the message continues in the next record
        }
        if (bytes[at] == kCertificateMessage) {
            ParseTls13Certificates(bytes.subspan(at + 4, length), decrypted_certificates_);
            certificates_read_ = true;
            server_handshake_.clear();
            server_handshake_.shrink_to_fit();
            return;
        }
        at += 4 + length;
    }
}

void FlowDissection::Sample(Direction direction, std::span<const uint8_t> bytes) {
    std::vector<uint8_t>& sample = samples_[DirectionIndex(direction)];
    const size_t take = std::min(bytes.size(), kPayloadSampleBytes - std::min(kPayloadSampleBytes, sample.size()));
    sample.insert(sample.end(), bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(take));
}

} // namespace unmask::ingest
