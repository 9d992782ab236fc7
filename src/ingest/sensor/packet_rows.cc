#include "ingest/sensor/packet_rows.h"

#include <algorithm>
#include <array>
#include <cinttypes>
#include <cstdio>
#include <set>
#include <unordered_map>
#include <vector>

#include "dissect/http.h"
#include "dissect/stream.h"
#include "dissect/tls.h"
#include "dissect/tls_hello.h"
#include "dissect/x509.h"
#include "ingest/pcap/pcapng_secrets.h"
#include "ingest/sensor/flow_dissection.h"
#include "table/datetime.h"

namespace unmask::ingest {
namespace {

using dissect::Direction;

/// Rows are handed on in chunks of this many rows.
constexpr size_t kRowsPerChunk = 4096;
/// Server ports whose service is TLS from the first byte.
constexpr std::array<int64_t, 12> kTlsPorts = {443, 465, 563, 636, 853, 989, 990, 992, 993, 994, 995, 8443};
/// Server ports whose service is a cleartext protocol that never starts with a TLS record.
constexpr std::array<int64_t, 6> kCleartextPorts = {21, 22, 23, 53, 80, 8080};

template <size_t N>
bool Contains(const std::array<int64_t, N>& ports, int64_t port) {
    for (int64_t candidate : ports) {
        if (candidate == port) {
            return true;
        }
    }
    return false;
}

/// True when `bytes` start with the magic of gzip, zlib, zstd, xz or bzip2 data.
bool StartsCompressed(const std::vector<uint8_t>& bytes) {
    const auto starts = [&](std::initializer_list<uint8_t> magic) {
        return bytes.size() >= magic.size() && std::equal(magic.begin(), magic.end(), bytes.begin());
    };
    // zlib: CMF 0x78 (deflate, 32 KiB window) and a FLG byte that makes CMF*256+FLG a multiple of 31.
    const bool zlib = bytes.size() >= 2 && bytes[0] == 0x78 && ((bytes[0] << 8) | bytes[1]) % 31 == 0;
    return starts({0x1f, 0x8b}) || zlib || starts({0x28, 0xb5, 0x2f, 0xfd}) ||
           starts({0xfd, '7', 'z', 'X', 'Z', 0x00}) || starts({'B', 'Z', 'h'});
}

std::string FormatSeconds(int64_t ticks) {
    char buffer[40];
    std::snprintf(buffer, sizeof(buffer), "%" PRId64 ".%06" PRId64, ticks / kTicksPerSecond,
                  (ticks % kTicksPerSecond) / kTicksPerMicrosecond);
    return buffer;
}

std::string TransportName(uint8_t ip_protocol) {
    switch (ip_protocol) {
    case 6:
        return "tcp";
    case 17:
        return "udp";
    case 1:
    case 58:
        return "icmp";
    default:
        return "unknown_transport";
    }
}

/// Makes a Zeek-style connection uid: "C" followed by base62 digits of a hash of the flow's identity.
std::string MakeUid(uint64_t seed, uint64_t flow_id) {
    static constexpr char kDigits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    uint64_t value = (seed ^ (flow_id * 0x9e3779b97f4a7c15ULL)) * 0xbf58476d1ce4e5b9ULL;
    value ^= value >> 31;
    std::string uid = "C";
    for (int i = 0; i < 17; ++i) {
        uid.push_back(kDigits[value % 62]);
        value /= 62;
        if (value == 0) {
            value = (flow_id + static_cast<uint64_t>(i) + 1) * 0x94d049bb133111ebULL;
        }
    }
    return uid;
}

/// Parsed certificates and the chain verification of recently seen certificate chains. Servers
/// present the same chain on every connection, and parsing and verifying with OpenSSL costs far
/// more than dissecting the handshake, so each distinct chain is parsed once.
class CertificateCache {
public:
    struct Entry {
        std::string chain_der;  ///< the DER certificates concatenated, to rule out hash collisions
        std::vector<dissect::Certificate> chain;
        bool all_parsed = true;
        std::optional<dissect::ChainVerification> verification;
        std::string verified_phases;  ///< ValidityPhases at the time of `verification`
    };

    /// Returns the entry of `der_chain`, parsing it on first sight.
    Entry& Lookup(const std::vector<std::string>& der_chain, CaptureStats& stats) {
        std::string key;
        for (const std::string& der : der_chain) {
            key += der;
        }
        const uint64_t hash = std::hash<std::string>{}(key);
        auto found = entries_.find(hash);
        if (found != entries_.end() && found->second.chain_der == key) {
            return found->second;
        }
        if (entries_.size() >= kMaxEntries) {
            entries_.clear();  // a simple bound; chains seen again are parsed again
        }
        Entry& entry = entries_[hash];
        entry = Entry{};
        entry.chain_der = std::move(key);
        for (const std::string& der : der_chain) {
            auto parsed = dissect::ParseCertificate(
                std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(der.data()), der.size()));
            if (!parsed.ok()) {
                ++stats.invalid_certificates;
                entry.all_parsed = false;
                break;
            }
            entry.chain.push_back(std::move(parsed).value());
        }
        return entry;
    }

    /// Returns the verification of the entry's chain at `at_seconds`, reusing an earlier result
    /// when each certificate of the chain relates to both times the same way (not yet valid,
    /// valid, expired), so that time cannot change the outcome.
    /// NOTE: the validity of the trust store's own certificates is not part of that comparison.
    const dissect::ChainVerification& Verify(Entry& entry, const std::vector<std::string>& der_chain,
                                             const dissect::TrustStore& store, int64_t at_seconds) {
        const std::string phases = ValidityPhases(entry, at_seconds);
        if (!entry.verification || phases != entry.verified_phases) {
            entry.verification = store.Verify(der_chain, at_seconds);
            entry.verified_phases = phases;
        }
        return *entry.verification;
    }

private:
    static constexpr size_t kMaxEntries = 4096;

    /// Returns one letter per certificate: 'b' before its validity, 'v' inside it, 'a' after it.
    static std::string ValidityPhases(const Entry& entry, int64_t at_seconds) {
        std::string phases;
        for (const dissect::Certificate& certificate : entry.chain) {
            phases += at_seconds < certificate.not_valid_before  ? 'b'
                      : at_seconds > certificate.not_valid_after ? 'a'
                                                                 : 'v';
        }
        return phases;
    }

    std::unordered_map<uint64_t, Entry> entries_;
};

/// Turns ended flows into sensor events.
class RowObserver : public pcap::FlowObserver {
public:
    RowObserver(const PacketOptions& options, SensorRowBuilder& builder, const std::function<Status(Chunk)>& flush,
                uint64_t uid_seed, CaptureStats& stats)
        : options_(options), builder_(builder), flush_(flush), uid_seed_(uid_seed), stats_(stats) {}

    std::unique_ptr<pcap::FlowApplication> OnFlowStart(const pcap::FlowRecord& /*flow*/) override {
        return std::make_unique<FlowDissection>(options_.key_log);
    }

    void OnFlowEnd(const pcap::FlowRecord& flow, pcap::FlowApplication* application) override {
        if (!status_.ok()) {
            return;
        }
        auto* dissection = static_cast<FlowDissection*>(application);
        if (dissection != nullptr) {
            dissection->Finish(flow.last_timestamp);
        }
        ++stats_.flows;
        const std::string uid = MakeUid(uid_seed_, flow.id);
        AddConnection(flow, dissection, uid);
        if (dissection != nullptr && dissection->http() != nullptr) {
            AddHttp(flow, dissection->http()->transactions(), uid, nullptr);
        }
        if (dissection != nullptr && dissection->tunnel_http() != nullptr) {
            AddHttp(flow, dissection->tunnel_http()->transactions(), uid, nullptr);
        }
        if (dissection != nullptr && dissection->cleartext_http2() != nullptr) {
            const dissect::Http2Dissector& http2 = *dissection->cleartext_http2();
            AddHttp(flow, http2.transactions(), uid, nullptr, http2.ClientFingerprint());
        }
        if (dissection != nullptr && dissection->tls() != nullptr) {
            AddTls(flow, *dissection, uid);
        }
        if (builder_.rows() >= kRowsPerChunk) {
            status_ = flush_(builder_.TakeChunk());
        }
    }

    const Status& status() const { return status_; }

private:
    SensorEvent BaseEvent(const pcap::FlowRecord& flow) const {
        SensorEvent event;
        event.timestamp = flow.first_timestamp;
        event.originator_ip = FormatIpAddress(flow.client);
        event.originator_port = flow.client_port;
        event.responder_ip = FormatIpAddress(flow.server);
        event.responder_port = flow.server_port;
        event.transport = TransportName(flow.ip_protocol);
        return event;
    }

    void AddConnection(const pcap::FlowRecord& flow, const FlowDissection* dissection, const std::string& uid);
    /// Adds a row per transaction; `tls` is the session of requests read from decrypted TLS, and
    /// `http2_fingerprint` the client's HTTP/2 fingerprint of an HTTP/2 connection.
    void AddHttp(const pcap::FlowRecord& flow, const std::vector<dissect::HttpTransaction>& transactions,
                 const std::string& uid, const HttpTlsContext* tls, const std::string& http2_fingerprint = "");
    /// Adds the TLS row, and the rows of HTTP read from inside the session when it was decrypted.
    void AddTls(const pcap::FlowRecord& flow, const FlowDissection& dissection, const std::string& uid);

    const PacketOptions& options_;
    SensorRowBuilder& builder_;
    const std::function<Status(Chunk)>& flush_;
    uint64_t uid_seed_;
    CaptureStats& stats_;
    CertificateCache certificates_;
    Status status_;
};

void RowObserver::AddConnection(const pcap::FlowRecord& flow, const FlowDissection* dissection,
                                const std::string& uid) {
    SensorEvent event = BaseEvent(flow);
    const bool established =
        IsEstablishedConnState(flow.conn_state, flow.stream_bytes[0] > 0 || flow.stream_bytes[1] > 0);
    // UDP has no handshake; Defender logs its sends as successes.
    event.action_type = ConnectionActionType(event, flow.ip_protocol != 6 || established, builder_.site().internal_networks);
    // Sequence-space bytes, as Zeek's orig_bytes and resp_bytes.
    event.originator_bytes = static_cast<int64_t>(flow.stream_bytes[DirectionIndex(Direction::kToServer)]);
    event.responder_bytes = static_cast<int64_t>(flow.stream_bytes[DirectionIndex(Direction::kToClient)]);

    JsonObjectBuilder fields;
    fields.AddString("uid", uid);
    fields.AddString("conn_state", flow.conn_state);
    fields.AddString("history", flow.history);
    fields.AddString("duration", FormatSeconds(flow.last_timestamp - flow.first_timestamp));
    fields.AddString("orig_pkts", std::to_string(flow.packets[0]));
    fields.AddString("resp_pkts", std::to_string(flow.packets[1]));
    fields.AddString("orig_ip_bytes", std::to_string(flow.ip_bytes[0]));
    fields.AddString("resp_ip_bytes", std::to_string(flow.ip_bytes[1]));
    fields.AddString("missed_bytes", std::to_string(flow.missed_bytes));
    const FlowProtocol protocol = dissection == nullptr ? FlowProtocol::kUndecided : dissection->protocol();
    if (protocol == FlowProtocol::kTls || (dissection != nullptr && dissection->tls_after_preamble())) {
        fields.AddString("service", "ssl");
    } else if (protocol == FlowProtocol::kHttp || protocol == FlowProtocol::kHttp2) {
        fields.AddString("service", "http");
    }
    if (!flow.direction_from_syn) {
        fields.AddBool("direction_guessed", true);
    }
    if (dissection != nullptr && protocol != FlowProtocol::kUndecided) {
        const std::vector<uint8_t>& client = dissection->sample(Direction::kToServer);
        const std::vector<uint8_t>& server = dissection->sample(Direction::kToClient);
        if (!client.empty()) {
            fields.AddReal("orig_payload_entropy", dissect::ShannonEntropy(client));
            fields.AddReal("orig_payload_printable", dissect::PrintableRatio(client));
            fields.AddNumber("orig_payload_sampled", static_cast<int64_t>(client.size()));
        }
        if (!server.empty()) {
            fields.AddReal("resp_payload_entropy", dissect::ShannonEntropy(server));
            fields.AddReal("resp_payload_printable", dissect::PrintableRatio(server));
            fields.AddNumber("resp_payload_sampled", static_cast<int64_t>(server.size()));
        }
        std::vector<std::string> payload_evidence;
        // Payload that is neither TLS nor HTTP on a TLS port: a fully encrypted tunnel or a
        // protocol that only borrows the port.
        if (protocol == FlowProtocol::kOther && flow.ip_protocol == 6 && Contains(kTlsPorts, flow.server_port)) {
            payload_evidence.emplace_back("non_tls_payload_on_tls_port");
        }
        // Compressed data is as random as ciphertext but starts with its format's magic bytes.
        if (protocol == FlowProtocol::kOther && (StartsCompressed(client) || StartsCompressed(server))) {
            payload_evidence.emplace_back("compressed_payload");
        }
        if (!payload_evidence.empty()) {
            fields.AddStringArray("payload_evidence", payload_evidence);
        }
    }
    event.additional_fields = fields.Finish();
    builder_.Add(event);
}

void RowObserver::AddHttp(const pcap::FlowRecord& flow, const std::vector<dissect::HttpTransaction>& transactions,
                          const std::string& uid, const HttpTlsContext* tls, const std::string& http2_fingerprint) {
    for (const dissect::HttpTransaction& transaction : transactions) {
        const dissect::HttpRequest& request = transaction.request;
        SensorEvent event = BaseEvent(flow);
        event.timestamp = request.timestamp != 0 ? request.timestamp : flow.first_timestamp;
        event.action_type = "HttpConnectionInspected";
        event.remote_url = request.host;
        if (event.remote_url.empty() && request.method == "CONNECT") {
            // A proxy request names its target in the URI as host:port.
            const size_t colon = request.uri.rfind(':');
            event.remote_url = request.uri.substr(0, colon == std::string::npos || request.uri.ends_with(']')
                                                         ? std::string::npos
                                                         : colon);
        }
        JsonObjectBuilder fields;
        fields.AddString("host", request.host);
        fields.AddString("method", request.method);
        fields.AddString("uri", request.uri);
        fields.AddString("user_agent", request.user_agent);
        fields.AddString("version", request.version);
        fields.AddString("referrer", request.referer);
        fields.AddString("request_body_len", std::to_string(request.body_bytes));
        if (transaction.response) {
            const dissect::HttpResponse& response = *transaction.response;
            fields.AddString("status_code", std::to_string(response.status_code));
            fields.AddString("status_msg", response.status_msg);
            fields.AddString("response_body_len", std::to_string(response.body_bytes));
            fields.AddString("server", response.server);
            fields.AddString("content_type", response.content_type);
        }
        fields.AddString("trans_depth", std::to_string(transaction.trans_depth));
        fields.AddString("uid", uid);
        fields.AddStringArray("header_names", request.header_names);
        if (!request.cookie_names.empty()) {
            fields.AddStringArray("cookie_names", request.cookie_names);
        }
        if (!transaction.problems.empty()) {
            fields.AddStringArray("http_problems", transaction.problems);
        }
        if (request.version == "2") {
            // The order of the pseudo-header fields differs between HTTP/2 implementations
            // (m,a,s,p for Chrome), as in the last part of Akamai's HTTP/2 fingerprint.
            std::string order;
            for (const std::string& name : request.header_names) {
                if (name.size() > 1 && name[0] == ':') {
                    order += order.empty() ? "" : ",";
                    order += name[1];
                }
            }
            fields.AddString("h2_pseudo_header_order", order);
            if (!http2_fingerprint.empty()) {
                fields.AddString("h2_fingerprint", http2_fingerprint);
            }
        }
        if (tls != nullptr) {
            AddHttpTlsContext(fields, *tls, request.host);
        }
        event.additional_fields = fields.Finish();
        builder_.Add(event);
        ++stats_.http_requests;
    }
}

void RowObserver::AddTls(const pcap::FlowRecord& flow, const FlowDissection& dissection, const std::string& uid) {
    const dissect::TlsFacts& facts = dissection.tls()->facts();
    if (!facts.tls_detected && !facts.client_hello) {
        return;
    }
    SensorEvent event = BaseEvent(flow);
    event.action_type = "SslConnectionInspected";
    event.originator_bytes = static_cast<int64_t>(flow.stream_bytes[0]);
    event.responder_bytes = static_cast<int64_t>(flow.stream_bytes[1]);
    const std::string server_name = facts.client_hello ? facts.client_hello->server_name : std::string();
    event.remote_url = server_name;

    JsonObjectBuilder fields;
    fields.AddString("version", facts.version);
    fields.AddString("cipher", facts.cipher);
    fields.AddString("curve", facts.curve);
    fields.AddString("server_name", server_name);
    fields.AddString("resumed", facts.resumed ? "true" : "false");
    fields.AddString("established", facts.established ? "true" : "false");
    if (!facts.next_protocol.empty()) {
        fields.AddString("next_protocol", facts.next_protocol);
    }
    fields.AddString("ssl_history", facts.ssl_history);
    fields.AddString("uid", uid);

    // TLS 1.3 encrypts the certificates; a decrypted handshake gives them back.
    const std::vector<std::string>& der_chain = facts.server_certificates_der.empty()
                                                    ? dissection.decrypted_certificates()
                                                    : facts.server_certificates_der;
    stats_.certificates += der_chain.size();
    CertificateCache::Entry* cached = der_chain.empty() ? nullptr : &certificates_.Lookup(der_chain, stats_);
    static const std::vector<dissect::Certificate> kNoChain;
    const std::vector<dissect::Certificate>& chain = cached != nullptr ? cached->chain : kNoChain;
    if (!chain.empty()) {
        const dissect::Certificate& leaf = chain.front();
        std::vector<std::string> fingerprints;
        for (const dissect::Certificate& certificate : chain) {
            fingerprints.push_back(certificate.sha256);
        }
        fields.AddString("subject", leaf.subject);
        fields.AddString("issuer", leaf.issuer);
        fields.AddStringArray("cert_chain_fps", fingerprints);
        if (!server_name.empty()) {
            fields.AddString("sni_matches_cert", dissect::CertificateMatchesName(leaf, server_name) ? "true" : "false");
        }
        if (options_.trust_store != nullptr) {
            const dissect::ChainVerification& verification = certificates_.Verify(
                *cached, der_chain, *options_.trust_store, flow.first_timestamp / kTicksPerSecond);
            fields.AddString("validation_status", verification.status);
        }
        fields.AddString("cert_sha1", leaf.sha1);
        fields.AddString("cert_serial", leaf.serial);
        fields.AddStringArray("san_dns", leaf.san_dns);
        fields.AddBool("self_signed", leaf.self_signed);
        fields.AddString("not_valid_before", FormatDateTime(leaf.not_valid_before * kTicksPerSecond + kUnixEpochTicks));
        fields.AddString("not_valid_after", FormatDateTime(leaf.not_valid_after * kTicksPerSecond + kUnixEpochTicks));
        fields.AddString("key_type", leaf.key_type);
        fields.AddNumber("key_length", leaf.key_length);
        fields.AddString("sig_alg", leaf.signature_algorithm);
    }
    if (!facts.ja3.empty()) {
        fields.AddString("ja3", facts.ja3);
    }
    if (!facts.ja3s.empty()) {
        fields.AddString("ja3s", facts.ja3s);
    }
    if (!facts.ja4.empty()) {
        fields.AddString("ja4", facts.ja4);
    }
    if (!facts.ja4s.empty()) {
        fields.AddString("ja4s", facts.ja4s);
    }
    if (facts.client_hello) {
        fields.AddStringArray("client_alpn", facts.client_hello->alpn);
    }
    std::vector<std::string> alerts;
    for (const dissect::TlsAlert& alert : facts.alerts) {
        alerts.push_back(std::string(alert.direction == Direction::kToServer ? "client:" : "server:") +
                         std::to_string(alert.level) + ":" + std::to_string(alert.description));
    }
    if (!alerts.empty()) {
        fields.AddStringArray("alerts", alerts);
    }
    std::vector<std::string> evidence = facts.evidence;
    if (!flow.direction_from_syn && !facts.client_hello) {
        // The capture began inside this connection, so its first bytes are not the start of the
        // stream: facts about how the stream began describe the capture, not the peers.
        static constexpr std::string_view kStartFacts[] = {
            "no_handshake_after_record_header", "application_data_before_handshake", "server_not_tls",
            "client_not_tls", "random_record_body", "handshake_length_mismatch", "handshake_message_truncated",
            "malformed_client_hello", "malformed_server_hello", "unexpected_handshake_message"};
        std::erase_if(evidence, [](const std::string& code) {
            return std::find(std::begin(kStartFacts), std::end(kStartFacts), code) != std::end(kStartFacts);
        });
        fields.AddBool("handshake_not_captured", true);
    }
    if (Contains(kCleartextPorts, flow.server_port)) {
        evidence.push_back("tls_on_cleartext_port");
    }
    fields.AddStringArray("tls_evidence", evidence);
    fields.AddNumber("orig_tls_records", static_cast<int64_t>(facts.records[0]));
    fields.AddNumber("resp_tls_records", static_cast<int64_t>(facts.records[1]));
    if (dissection.decryption_attempted()) {
        const std::string outcome = dissection.decryption_outcome();
        fields.AddString("decryption", outcome);
        const std::string detail = dissection.decryption_detail();
        if (!detail.empty()) {
            fields.AddString("decryption_detail", detail);
        }
        if (outcome == "decrypted") {
            ++stats_.tls_decrypted;
        } else if (outcome == "partial") {
            ++stats_.tls_decryption_partial;
        } else if (outcome == "no_key") {
            ++stats_.tls_without_key;
        } else {
            ++stats_.tls_decryption_failed;
        }
    }
    event.additional_fields = fields.Finish();
    builder_.Add(event);
    ++stats_.tls_handshakes;

    const dissect::HttpDissector* http1 = dissection.decrypted_http();
    const dissect::Http2Dissector* http2 = dissection.decrypted_http2();
    if (http1 == nullptr && http2 == nullptr) {
        return;
    }
    HttpTlsContext context;
    context.server_name = server_name;
    context.version = facts.version;
    context.ja3 = facts.ja3;
    context.ja4 = facts.ja4;
    if (facts.client_hello) {
        const dissect::TlsClientHello& hello = *facts.client_hello;
        const auto grease = [](const auto& values) {
            return std::any_of(values.begin(), values.end(), [](uint16_t v) { return dissect::IsGreaseValue(v); });
        };
        context.client_grease =
            grease(hello.cipher_suites) || grease(hello.extensions) || grease(hello.supported_groups);
    }
    if (!chain.empty()) {
        AddCertificateNames(context, chain.front().common_name, chain.front().san_dns);
    }
    if (http1 != nullptr) {
        AddHttp(flow, http1->transactions(), uid, &context);
    } else {
        AddHttp(flow, http2->transactions(), uid, &context, http2->ClientFingerprint());
    }
}

uint64_t HashPath(const std::string& path) {
    uint64_t hash = 1469598103934665603ULL;  // FNV-1a
    for (char c : path) {
        hash = (hash ^ static_cast<uint8_t>(c)) * 1099511628211ULL;
    }
    return hash;
}

}  // namespace

Status ReadPackets(pcap::PacketSource& source, const std::string& source_name, const PacketOptions& options,
                   SensorRowBuilder& builder, const std::function<Status(Chunk)>& flush,
                   const std::function<bool()>& should_stop, ReadStats& stats, CaptureStats& packet_stats) {
    RowObserver observer(options, builder, flush, HashPath(source_name), packet_stats);
    pcap::FlowTable flows(options.flows, observer);
    pcap::RawPacket raw;
    uint64_t packet_number = 0;
    std::set<pcap::DecodeResult> first_skipped;
    while (!should_stop || !should_stop()) {
        const pcap::ReadOutcome outcome = source.Next(raw);
        if (outcome == pcap::ReadOutcome::kEnd) {
            break;
        }
        if (outcome == pcap::ReadOutcome::kTimeout) {
            continue;  // live capture: no packet within the read timeout
        }
        if (outcome == pcap::ReadOutcome::kDamaged) {
            const pcap::Damage damage = source.damage().value_or(pcap::Damage{});
            ++stats.rejected_by_reason[kRejectDamagedCapture];
            RejectExample example;
            example.file = source_name;
            example.line = damage.packet_number;
            example.reason = kRejectDamagedCapture;
            example.value = damage.ToString();
            example.hint = "the packets before the damage were read; repair the file (for example with pcapfix) "
                           "or capture again to read the rest";
            stats.examples.push_back(std::move(example));
            break;
        }
        packet_stats.bytes += raw.captured_length;
        ++packet_number;
        const pcap::DecodeResult decoded = flows.AddRaw(source.link_type(), raw);
        if (decoded != pcap::DecodeResult::kOk && first_skipped.insert(decoded).second) {
            packet_stats.skipped_packet_examples.push_back(source_name + ": packet " + std::to_string(packet_number) +
                                                           ": " + pcap::DecodeResultName(decoded));
            const bool damaged = decoded == pcap::DecodeResult::kTruncated || decoded == pcap::DecodeResult::kMalformed;
            if (options.strict && damaged) {
                return Status(ErrorKind::kInvalidInput,
                              packet_stats.skipped_packet_examples.back() +
                                  "; the packet is cut inside its headers or malformed (run without --strict to "
                                  "skip and count such packets)");
            }
        }
        if (!observer.status().ok()) {
            return observer.status();
        }
        ++packet_stats.packets;
    }
    flows.FlushAll();
    UNMASK_TRY(observer.status());
    packet_stats.peak_flows_in_flight =
        std::max<uint64_t>(packet_stats.peak_flows_in_flight, flows.stats().peak_flows_in_flight);
    const pcap::FlowTableStats& flow_stats = flows.stats();
    packet_stats.reassembly_budget_exceeded += flow_stats.reassembly_budget_exceeded;
    const std::pair<const char*, uint64_t> skipped[] = {
        {"not IP", flow_stats.non_ip},
        {"truncated", flow_stats.truncated},
        {"malformed", flow_stats.malformed},
        {"unsupported link type", flow_stats.unsupported_link_type},
        {"IP fragment (not reassembled)", flow_stats.fragments},
    };
    for (const auto& [reason, count] : skipped) {
        if (count > 0) {
            packet_stats.skipped_packets[reason] += count;
        }
    }
    stats.bytes += source.bytes_read();
    if (builder.rows() > 0) {
        UNMASK_TRY(flush(builder.TakeChunk()));
    }
    return Status::Ok();
}

Status ReadPacketFile(const std::string& path, const PacketOptions& options, SensorRowBuilder& builder,
                      const std::function<Status(Chunk)>& flush, const ReadOptions& read_options, ReadStats& stats,
                      CaptureStats& packet_stats) {
    UNMASK_ASSIGN_OR_RETURN(pcap::PacketSource source, pcap::PacketSource::OpenFile(path));
    PacketOptions file_options = options;
    file_options.strict = read_options.strict;
    // A pcapng file may carry its own key log (editcap --inject-secrets); it is asked before
    // --tls-keylog.
    UNMASK_ASSIGN_OR_RETURN(const std::string embedded_secrets, pcap::ReadPcapngTlsSecrets(path));
    std::optional<CombinedKeyLog> combined;
    if (!embedded_secrets.empty()) {
        auto embedded = dissect::TlsKeyLog::Parse(embedded_secrets, path + " (decryption secrets block)");
        if (embedded.ok()) {
            packet_stats.embedded_key_log_sessions += embedded->sessions();
            combined.emplace(std::move(embedded).value(), options.key_log);
            file_options.key_log = &*combined;
        } else {
            packet_stats.key_log_examples.push_back(embedded.status().message());
        }
    }
    const auto damaged = [&] {
        const auto found = stats.rejected_by_reason.find(kRejectDamagedCapture);
        return found == stats.rejected_by_reason.end() ? uint64_t{0} : found->second;
    };
    const uint64_t damaged_before = damaged();
    UNMASK_TRY(ReadPackets(source, path, file_options, builder, flush, nullptr, stats, packet_stats));
    if (read_options.strict && damaged() > damaged_before) {
        return Status(ErrorKind::kInvalidInput, DescribeReject(stats.examples.back()));
    }
    return Status::Ok();
}

}  // namespace unmask::ingest
