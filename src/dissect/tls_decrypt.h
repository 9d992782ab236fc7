// TLS record decryption of one connection with secrets from an NSS key log, as Wireshark does with
// tls.keylog_file, so that the HTTP inside TLS can be dissected.
//
// Supported: TLS 1.3 with TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384 and
// TLS_CHACHA20_POLY1305_SHA256, including KeyUpdate. TLS 1.2 with AES-GCM and ChaCha20-Poly1305,
// and TLS 1.0-1.2 with AES-128/256-CBC and 3DES-CBC under HMAC-SHA1 (plus HMAC-SHA256/384 in
// TLS 1.2), MAC-then-encrypt or encrypt-then-MAC, for the RSA, DHE_RSA, ECDHE_RSA and ECDHE_ECDSA
// key exchanges. The table is in tls_decrypt_crypto.cc.
//
// NOTE: not supported: SSL 3.0, TLS 1.3 CCM suites, TLS 1.2 renegotiation (records after a second
// ChangeCipherSpec fail to authenticate), compressed TLS 1.2 sessions, and 0-RTT early data, whose
// records fail under the handshake key and are counted in failed_records.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "dissect/stream.h"
#include "dissect/tls.h"
#include "dissect/tls_keylog.h"

namespace unmask::dissect {

/// Parameters known once the ServerHello is parsed.
struct TlsSessionParameters {
    uint16_t version = 0; ///< negotiated: 0x0301..0x0304
    uint16_t cipher_suite = 0;
    bool encrypt_then_mac = false;  ///< the server echoed extension 22 (RFC 7366); matters for CBC suites
    uint8_t compression_method = 0; ///< only 0 (null) is supported
    std::array<uint8_t, 32> client_random{};
    std::array<uint8_t, 32> server_random{};
};

/// Builds the session parameters from the hellos that TlsDissector parsed. Fails for SSLv2-format
/// hellos, which carry no 32-byte random.
Result<TlsSessionParameters> MakeTlsSessionParameters(const TlsClientHello& client_hello,
                                                      const TlsServerHello& server_hello);

struct TlsDecryptLimits {
    /// Largest record body read: 2^14 bytes of plaintext plus 2048 of expansion (RFC 5246). A
    /// longer record stops decryption of that direction.
    size_t max_record_length = 16384 + 2048;
};

/// Counters of one direction.
struct TlsDecryptDirectionStats {
    uint64_t decrypted_records = 0; ///< records that authenticated
    /// Records that failed authentication (tag, MAC or padding) under the key that should fit.
    uint64_t failed_records = 0;
    /// TLS 1.3 records that fail under the application key while the key log lacks the handshake
    /// secrets, so they were most likely handshake records.
    uint64_t skipped_records = 0;
    /// Encrypted records that arrived while there were no keys: before SetSession, after an
    /// unsupported SetSession, or in TLS 1.3 after the handshake when the traffic secret is missing.
    uint64_t undecryptable_records = 0;
    uint64_t plaintext_bytes = 0; ///< plaintext passed to the sink, all content types
    uint64_t key_updates = 0;     ///< TLS 1.3 KeyUpdate messages applied
    uint64_t gap_bytes = 0;
    /// Why the direction stopped: "gap", "record_length_oversized", "invalid_record_header";
    /// empty while it runs.
    std::string stop_reason;
};

/// Outcome and counters of a TlsDecryptor.
struct TlsDecryptStats {
    TlsDecryptDirectionStats directions[2]; ///< by DirectionIndex
    /// Empty before SetSession; "ok" after a successful one, else "unsupported_cipher",
    /// "unsupported_version", "missing_secrets" or "invalid_session".
    std::string session_status;
    std::string session_message; ///< the error message of a failed SetSession

    /// One word for rows, the first that applies:
    ///   decrypted                  records authenticated, and none failed, was skipped or came
    ///                              without keys, and no direction stopped
    ///   partial                    records authenticated, but others did not, or a direction
    ///                              stopped (a gap, a wrong secret of one direction)
    ///   unsupported_cipher, unsupported_version, missing_secrets, invalid_session
    ///                              SetSession failed (session_status)
    ///   authentication_failed      records failed under the keys, most likely the wrong keys
    ///   handshake_secrets_missing  only TLS 1.3 records skipped for lack of handshake secrets
    ///   gap                        a direction stopped at a reassembly gap
    ///   invalid_record             a direction stopped at an oversized or invalid record header
    ///   no_session                 SetSession was never called
    ///   no_encrypted_records       a session was set but no encrypted record followed
    std::string_view outcome() const;
};

/// Decrypts one connection's records. Fed the raw stream bytes of each direction from the start
/// of the connection, in any split, it frames records itself. Plaintext records (hellos, TLS 1.3
/// compatibility ChangeCipherSpec) are read but not passed to the sink. Records are decrypted once
/// keys are set: in TLS 1.2 and earlier after that direction's ChangeCipherSpec, in TLS 1.3 every
/// application_data record.
///
/// The caller calls SetSession() as soon as the ServerHello is known, before feeding the first
/// encrypted record. Encrypted records fed before it are counted as undecryptable, and decryption
/// then resumes at the sequence number that follows them.
///
/// TLS 1.3 keys: each direction starts with its handshake traffic secret and moves to
/// traffic_secret_0 after it decrypted its own Finished, or when a record fails under the
/// handshake key but authenticates under the application key at sequence 0. Without handshake
/// secrets each record is tried under the application key, and failures are counted in
/// skipped_records until one authenticates. A KeyUpdate moves to the next secret ("traffic upd").
///
/// At most one record per direction is buffered.
class TlsDecryptor {
public:
    /// Receives each decrypted record: its (TLS 1.3: inner) content type and the plaintext.
    /// 23 = application data, 22 = handshake, 21 = alert.
    using Sink = std::function<void(Direction direction, uint8_t content_type, std::span<const uint8_t> plaintext)>;

    explicit TlsDecryptor(Sink sink, TlsDecryptLimits limits = {});
    ~TlsDecryptor();
    TlsDecryptor(const TlsDecryptor&) = delete;
    TlsDecryptor& operator=(const TlsDecryptor&) = delete;

    /// Derives the keys. Fails when the version or suite is unsupported, the secrets lack what
    /// the version needs, or a session is already set. The decryptor then stays passive, and
    /// stats().session_status gives the reason.
    Status SetSession(const TlsSessionParameters& parameters, const TlsSessionSecrets& secrets);
    /// Consumes in-order stream bytes of one direction.
    void Feed(Direction direction, std::span<const uint8_t> bytes);
    /// Records that reassembly lost bytes; that direction stops decrypting.
    void Gap(Direction direction, uint64_t missing_bytes);
    const TlsDecryptStats& stats() const { return stats_; }

private:
    struct DirectionState;
    struct Session;

    Status InstallSession(const TlsSessionParameters& parameters, const TlsSessionSecrets& secrets);
    void Stop(Direction direction, std::string_view reason);
    void OnRecord(Direction direction, std::span<const uint8_t> header, std::span<const uint8_t> body);
    void OnTls12Record(Direction direction, std::span<const uint8_t> header, std::span<const uint8_t> body);
    void OnTls13Record(Direction direction, std::span<const uint8_t> header, std::span<const uint8_t> body);
    void DeliverTls13(Direction direction, std::vector<uint8_t>& plaintext);
    void TrackHandshakeMessages(Direction direction, std::span<const uint8_t> plaintext);
    void ApplyKeyChange(Direction direction);
    void Deliver(Direction direction, uint8_t content_type, std::span<const uint8_t> plaintext);

    Sink sink_;
    TlsDecryptLimits limits_;
    TlsDecryptStats stats_;
    std::unique_ptr<Session> session_;
    std::unique_ptr<DirectionState> directions_[2];
};

} // namespace unmask::dissect
