// TLS dissector: reads both byte streams of one TCP connection and records what its TLS
// handshake shows (hellos, certificates, alerts, Zeek's ssl.log facts, JA3/JA3S/JA4/JA4S) and
// facts that suggest "FakeTLS", a non-TLS protocol wearing a TLS record header.
//
// The dissector only reads the record layer and the plaintext handshake. Once a direction is
// encrypted it reads record headers only, to count records, and never buffers their bodies. All
// buffering is bounded by TlsLimits.
//
// Evidence codes (TlsFacts::evidence), each recorded at most once per connection. They are facts
// for rules to weigh, not verdicts:
//   no_handshake_after_record_header  A direction's first record has a valid TLS header but is
//                                     not a handshake record, or its first handshake message is
//                                     not a hello (ClientHello from the client, ServerHello from
//                                     the server).
//   malformed_client_hello            A ClientHello whose fields overrun the message or its
//                                     vectors have impossible lengths (odd cipher list, ...).
//   malformed_server_hello            The same for a ServerHello.
//   malformed_extension               A hello extension whose own inner lengths disagree with
//                                     the extension length (server_name, ALPN, groups, point
//                                     formats, signature algorithms, supported_versions,
//                                     status_request, key_share).
//   handshake_length_mismatch         A hello message whose 24-bit length disagrees with its
//                                     contents: bytes left over after the extensions, or an
//                                     extensions block that does not end at the message end.
//   handshake_message_truncated       A handshake message was still incomplete when a record
//                                     of another content type or the end of the flow arrived.
//   handshake_message_oversized       A handshake message declared more bytes than
//                                     TlsLimits::max_buffered_bytes; that direction's handshake
//                                     is no longer parsed.
//   duplicate_extension               A hello that carries the same extension type twice, which
//                                     RFC 8446 forbids (GREASE values excepted).
//   unexpected_handshake_message      A plaintext handshake message that this side never sends
//                                     (a ServerHello from the client, a ClientHello from the
//                                     server).
//   record_length_oversized           A record longer than 2^14 + 2048 bytes, the largest that
//                                     RFC 5246 allows for a ciphertext record.
//   invalid_record_content_type       A record header after the first one whose content type is
//                                     not 20-24; record boundaries are lost, so the direction
//                                     is no longer read.
//   invalid_record_version            A record header after the first one whose version is not
//                                     0x0300-0x0304; the direction is no longer read.
//   application_data_before_handshake An application data record from a side that has not
//                                     reached encryption: before its ServerHello (server), before
//                                     the ServerHello without having offered 0-RTT early_data
//                                     (client), or before its ChangeCipherSpec in TLS 1.2 and
//                                     earlier.
//   random_record_body                A record whose body is not a parseable handshake message
//                                     and looks random: at least 32 bytes with Shannon entropy of
//                                     at least 90 % of the maximum for its length.
//   client_hello_unanswered           (Finish) A ClientHello was seen but no ServerHello.
//   server_not_tls                    The client began with TLS but the server's first bytes
//                                     are not a TLS record header ("HTTP/1.1 400", "SSH-2.0").
//   client_not_tls                    The server began with TLS but the client's first bytes
//                                     are not TLS.
//   server_name_invalid               The SNI host name is empty or holds bytes outside
//                                     letters, digits, '-', '.' and '_'.
//   certificate_limit_reached         The Certificate message held more certificates than
//                                     TlsLimits::max_certificates; the rest were not kept.
//   malformed_certificate             A Certificate message whose list lengths disagree.
//   stream_gap                        Reassembly lost bytes (Gap); that direction is no longer
//                                     parsed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dissect/stream.h"

namespace unmask::dissect {

/// Bounds on what the dissector buffers per connection.
struct TlsLimits {
    /// Bytes per direction kept for one handshake message split over records or segments.
    size_t max_buffered_bytes = 64 * 1024;
    /// Certificates kept from the server's Certificate message.
    size_t max_certificates = 10;
};

/// Fields of a ClientHello. For an SSLv2-format hello, record_version is 0x0002 and the cipher
/// specs that have a TLS equivalent (first byte 0) appear in cipher_suites.
struct TlsClientHello {
    uint16_t record_version = 0;
    uint16_t legacy_version = 0;
    bool sslv2_format = false;
    std::string random; ///< the 32 raw bytes; empty for an SSLv2-format hello
    std::vector<uint16_t> cipher_suites;
    std::vector<uint32_t> sslv2_cipher_specs; ///< all 3-byte specs of an SSLv2 hello, in order
    std::vector<uint8_t> compression_methods;
    std::vector<uint16_t> extensions; ///< in wire order, GREASE kept
    std::vector<uint16_t> supported_groups;
    std::vector<uint8_t> ec_point_formats;
    std::vector<uint16_t> signature_algorithms;
    std::vector<uint16_t> supported_versions;
    std::vector<uint16_t> key_share_groups;
    std::string server_name;      ///< first host_name entry of server_name, raw bytes
    bool has_server_name = false; ///< true when the server_name extension is present, even if empty
    std::vector<std::string> alpn;
    size_t session_id_length = 0;
    std::string session_id;              ///< raw bytes
    bool session_ticket_present = false; ///< session_ticket extension with a non-empty body
    bool pre_shared_key_offered = false;
    bool early_data_offered = false;
};

/// Fields of a ServerHello (or of a HelloRetryRequest, which has the same shape).
struct TlsServerHello {
    uint16_t record_version = 0;
    uint16_t legacy_version = 0;
    uint16_t selected_version = 0; ///< supported_versions extension, else legacy_version
    std::string random;            ///< the 32 raw bytes; empty for an SSLv2 server hello
    uint16_t cipher_suite = 0;
    uint8_t compression_method = 0;
    std::vector<uint16_t> extensions; ///< in wire order
    std::string alpn;
    std::optional<uint16_t> key_share_group;
    std::string session_id; ///< raw bytes
    bool hello_retry_request = false;
    bool pre_shared_key_selected = false;
    bool sslv2_format = false;
};

/// One alert from a plaintext Alert record.
struct TlsAlert {
    Direction direction = Direction::kToServer;
    uint8_t level = 0;
    uint8_t description = 0;
};

/// Everything the dissector learned about one connection.
struct TlsFacts {
    /// True when a direction started with a TLS record header or an SSLv2 hello.
    bool tls_detected = false;
    std::optional<TlsClientHello> client_hello;
    /// The ServerHello that answered; a HelloRetryRequest is kept in hello_retry_request.
    std::optional<TlsServerHello> server_hello;
    std::optional<TlsServerHello> hello_retry_request;
    /// DER certificates from the server, leaf first (TLS 1.2 and earlier; TLS 1.3 encrypts them).
    std::vector<std::string> server_certificates_der;
    std::vector<TlsAlert> alerts; ///< plaintext alerts, the first kMaxAlerts of them
    uint64_t alerts_not_kept = 0; ///< plaintext alerts beyond kMaxAlerts, counted only
    /// Zeek's ssl_history: one letter per message, uppercase from the client (the originator).
    /// Capped at 100 letters as in Zeek.
    std::string ssl_history;
    std::string version;       ///< "TLSv13", "TLSv12", "TLSv11", "TLSv10", "SSLv3", "SSLv2"
    std::string cipher;        ///< IANA name; "unknown-0xNNNN" for an unassigned value
    std::string curve;         ///< named group of the key exchange when visible ("x25519")
    std::string next_protocol; ///< ALPN chosen by the server
    std::string last_alert;    ///< description name of the last alert, as Zeek's last_alert
    bool established = false;
    bool resumed = false;
    std::string ja3, ja3_full, ja3s, ja3s_full;
    std::string ja4;
    /// JA4 raw, FoxIO's JA4_r: ciphers and extensions sorted, as hashed into ja4.
    std::string ja4_r;
    /// JA4 raw in original order, FoxIO's JA4_ro: wire order, SNI and ALPN kept, GREASE removed.
    std::string ja4_ro;
    std::string ja4s;
    std::string ja4s_r;
    uint64_t records[2] = {0, 0}; ///< record headers read, by DirectionIndex
    uint64_t application_data_records[2] = {0, 0};
    uint64_t bytes_seen[2] = {0, 0};
    uint64_t gap_bytes[2] = {0, 0};    ///< bytes lost to reassembly gaps
    std::vector<std::string> evidence; ///< codes listed at the top of this header
    /// Entropy (bits per byte) and printable ratio of the client's first payload sample: the body
    /// of its first record, or its first bytes when it did not start with TLS. At most
    /// kPayloadSampleBytes are measured.
    double first_payload_entropy = 0.0;
    double first_payload_printable_ratio = 0.0;
    /// The same two measures for each direction, by DirectionIndex.
    double first_payload_entropy_by_direction[2] = {0.0, 0.0};
    double first_payload_printable_ratio_by_direction[2] = {0.0, 0.0};

    bool HasEvidence(std::string_view code) const;
};

/// Alerts kept in TlsFacts::alerts.
inline constexpr size_t kMaxAlerts = 64;

/// Bytes of a direction's first payload that the entropy sample covers.
inline constexpr size_t kPayloadSampleBytes = 1024;

class TlsDirectionParser;

/// Incremental TLS dissector for one TCP connection.
class TlsDissector {
public:
    explicit TlsDissector(TlsLimits limits = {});
    ~TlsDissector();
    TlsDissector(const TlsDissector&) = delete;
    TlsDissector& operator=(const TlsDissector&) = delete;

    /// Consumes in-order stream bytes of one direction; may be called many times with any split.
    void Feed(Direction direction, std::span<const uint8_t> bytes);
    /// Records that reassembly lost bytes; parsing of that direction stops.
    void Gap(Direction direction, uint64_t missing_bytes);
    /// Ends the connection: completes entropy samples and derives end-of-flow evidence and the
    /// fingerprints. Feed after Finish is ignored.
    void Finish();
    const TlsFacts& facts() const { return facts_; }

private:
    friend class TlsDirectionParser;
    void AddEvidence(std::string_view code);
    void AddHistory(Direction direction, char letter);
    void OnClientHello(TlsClientHello hello);
    void OnServerHello(TlsServerHello hello);
    void OnChangeCipherSpec(Direction direction);
    void OnApplicationData(Direction direction);
    void OnAlert(Direction direction, uint8_t level, uint8_t description);
    void OnFirstHandshakeType(Direction direction, uint8_t type);
    bool OnHandshakeMessage(Direction direction, uint8_t type, std::span<const uint8_t> body, uint16_t record_version);
    void OnCertificate(std::span<const uint8_t> body);
    void OnFirstBytes(Direction direction, bool looks_like_tls);
    void UpdateEstablished();
    bool EncryptedAfterChangeCipherSpec() const;

    TlsLimits limits_;
    TlsFacts facts_;
    std::unique_ptr<TlsDirectionParser> parsers_[2];
    bool first_bytes_seen_[2] = {false, false};
    bool first_bytes_tls_[2] = {false, false};
    bool change_cipher_spec_seen_[2] = {false, false};
    bool application_data_after_server_hello_[2] = {false, false};
    bool client_key_exchange_seen_ = false;
    bool finished_ = false;
};

/// True when the first bytes of a direction look like a TLS record header (content type 20-24,
/// major version 3, minor 0-4) or an SSLv2-format ClientHello.
bool LooksLikeTlsStart(std::span<const uint8_t> first_bytes);

} // namespace unmask::dissect
