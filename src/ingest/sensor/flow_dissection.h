// Protocol state of one captured TCP or UDP flow: which protocol its first bytes show, and the TLS
// and HTTP dissectors fed with its reassembled streams. When a TLS key log names the session, it
// also reads the decrypted HTTP/1.x or HTTP/2 inside TLS. Internal to the sensor path.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "dissect/http.h"
#include "dissect/http2.h"
#include "dissect/stream.h"
#include "dissect/tls.h"
#include "dissect/tls_decrypt.h"
#include "dissect/tls_keylog.h"
#include "ingest/pcap/flow_table.h"
#include "ingest/sensor/key_log_source.h"

namespace unmask::ingest {

/// Protocol recognised from a flow's first payload bytes.
enum class FlowProtocol { kUndecided, kTls, kHttp, kHttp2, kOther };

/// Bytes of each direction kept to compute the first payload's entropy and printable ratio.
inline constexpr size_t kPayloadSampleBytes = 512;

class FlowDissection : public pcap::FlowApplication {
public:
    /// `key_log` (may be null) gives the secrets of TLS sessions to decrypt.
    explicit FlowDissection(TlsSecretsSource* key_log) : key_log_(key_log) {}

    void OnData(dissect::Direction direction, std::span<const uint8_t> bytes, int64_t timestamp) override;
    void OnGap(dissect::Direction direction, uint64_t missing_bytes) override;
    /// Decides the protocol of a flow that ended with too few bytes, and finishes every dissector.
    void Finish(int64_t timestamp);
    /// HTTP connections and decrypted TLS sessions carry many requests, so the whole stream is
    /// read; the dissectors buffer only headers and count bodies.
    bool WantsWholeStream() const override;

    FlowProtocol protocol() const { return protocol_; }
    bool tls_after_preamble() const { return tls_after_preamble_; }
    const dissect::TlsDissector* tls() const { return tls_.get(); }
    const dissect::HttpDissector* http() const { return http_.get(); }
    /// Cleartext HTTP sent through a proxy's CONNECT tunnel; null when the tunnel carried none.
    const dissect::HttpDissector* tunnel_http() const { return tunnel_http_.get(); }
    /// Cleartext HTTP/2 (h2c): from the first byte (prior knowledge), after an Upgrade, or through
    /// a CONNECT tunnel; null when the flow has none.
    const dissect::Http2Dissector* cleartext_http2() const { return cleartext_http2_.get(); }
    const std::vector<uint8_t>& sample(dissect::Direction direction) const {
        return samples_[DirectionIndex(direction)];
    }

    /// True when a key log was given and the flow has TLS, so the TLS row reports decryption.
    bool decryption_attempted() const { return key_log_ != nullptr && tls_ != nullptr; }
    /// One word for the TLS row: "decrypted", "no_key" (the key log lacks the client random), or
    /// TlsDecryptStats::outcome() ("authentication_failed", "unsupported_cipher", ...).
    std::string decryption_outcome() const;
    /// Record counts per direction behind the outcome, such as "client: 12 decrypted, 0 failed;
    /// server: 3 decrypted, 2 failed, stopped at gap"; empty when no session was set.
    std::string decryption_detail() const;
    /// HTTP read from inside the decrypted session; null when none was found.
    const dissect::HttpDissector* decrypted_http() const { return inner_http_.get(); }
    const dissect::Http2Dissector* decrypted_http2() const { return inner_http2_.get(); }
    /// The server's certificates from a decrypted TLS 1.3 handshake, leaf first; TLS 1.2 and
    /// earlier send them in clear, in TlsFacts::server_certificates_der.
    const std::vector<std::string>& decrypted_certificates() const { return decrypted_certificates_; }

private:
    /// True when the bytes that arrive in `direction` start a head: the flow's first turn while
    /// its protocol is undecided, a client turn that may begin TLS after a cleartext preamble, and
    /// the client's first bytes through a tunnel.
    bool GathersHead(dissect::Direction direction, bool client_turn_start) const;
    /// Runs the protocol tests on the gathered head and dispatches its bytes.
    void ReleaseHead();
    /// Looks for HTTP after a server that spoke first, and for TLS after a cleartext preamble, at
    /// the start of a client turn.
    void InspectClientTurn(std::span<const uint8_t> start);
    void Decide(std::span<const uint8_t> start);
    void Dispatch(dissect::Direction direction, std::span<const uint8_t> bytes, int64_t timestamp);
    void StartTls();
    void StartTunnel();
    void StartTunnelProtocol(std::span<const uint8_t> client_bytes);
    void FeedTls(dissect::Direction direction, std::span<const uint8_t> bytes);
    /// Looks the session up in the key log and sets the decryptor's keys, then decrypts the bytes
    /// held while a growing key log lacked them, client side first. A miss in a growing key log
    /// holds the stream, unless `final`, which also accepts a TLS 1.3 session without its traffic
    /// secrets. Any other miss or failure releases the decryptor.
    void StartSession(bool final);
    /// Returns the secrets of this session, or null while a growing key log lacks them: for TLS
    /// 1.3 the client writes the traffic secrets after the handshake secrets, so a read between
    /// the two would decrypt the handshake only.
    const dissect::TlsSessionSecrets* FindSecrets(const dissect::TlsSessionParameters& parameters, bool final);
    void OnPlaintext(dissect::Direction direction, uint8_t content_type, std::span<const uint8_t> plaintext);
    void FeedInner(dissect::Direction direction, std::span<const uint8_t> plaintext);
    void OnServerHandshake(std::span<const uint8_t> plaintext);
    void Sample(dissect::Direction direction, std::span<const uint8_t> bytes);

    TlsSecretsSource* key_log_;
    FlowProtocol protocol_ = FlowProtocol::kUndecided;
    /// Client turns of an undecided or unrecognised flow that the protocol tests have read. A turn
    /// is the data that one side sends before the other side sends data.
    int client_turns_ = 0;
    bool client_spoke_last_ = false;
    bool server_spoke_first_ = false;
    bool tls_after_preamble_ = false;
    /// The start of a turn, gathered across segments until the protocol tests can read it.
    std::vector<uint8_t> head_;
    dissect::Direction head_direction_ = dissect::Direction::kToServer;
    int64_t head_timestamp_ = 0; ///< time of the packet with the head's first byte
    std::array<std::vector<uint8_t>, 2> samples_;
    std::unique_ptr<dissect::TlsDissector> tls_;
    std::unique_ptr<dissect::HttpDissector> http_;
    /// A tunnel opened before the client sent anything through it; its first client bytes decide.
    bool tunnel_undecided_ = false;
    std::unique_ptr<dissect::HttpDissector> tunnel_http_;
    std::unique_ptr<dissect::Http2Dissector> cleartext_http2_;

    // Decryption state.
    std::unique_ptr<dissect::TlsDecryptor> decryptor_;
    bool session_looked_up_ = false;
    bool key_found_ = false;
    /// Stream bytes from the TLS start kept while a growing key log lacks the session, by
    /// DirectionIndex; bounded by kMaxHeldEncryptedBytes.
    std::array<std::vector<uint8_t>, 2> held_encrypted_;
    bool waiting_for_key_ = false;
    std::string decrypt_outcome_; ///< kept when decryptor_ is released
    int64_t timestamp_ = 0;       ///< time of the packet being fed, for the inner dissectors
    enum class InnerProtocol { kUndecided, kHttp1, kHttp2, kOther };
    InnerProtocol inner_protocol_ = InnerProtocol::kUndecided;
    std::vector<uint8_t> inner_server_held_; ///< server plaintext that arrived before the client's
    std::unique_ptr<dissect::HttpDissector> inner_http_;
    std::unique_ptr<dissect::Http2Dissector> inner_http2_;
    std::vector<uint8_t> server_handshake_; ///< decrypted TLS 1.3 server handshake bytes, bounded
    bool certificates_read_ = false;
    std::vector<std::string> decrypted_certificates_;
};

} // namespace unmask::ingest
