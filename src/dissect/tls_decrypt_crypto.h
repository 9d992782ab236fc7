// Cryptography of TlsDecryptor: the cipher suite table, the key schedules (TLS 1.0-1.2 PRF key
// block, TLS 1.3 HKDF-Expand-Label) and the record protection of one direction, all on OpenSSL 3
// EVP. Internal to the TLS decryptor.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace unmask::dissect {

enum class TlsCipherKind : uint8_t {
    kAesGcm,
    kChaCha20Poly1305,
    kCbc,
};

/// Row of the cipher suite table.
struct TlsCipherSuiteInfo {
    uint16_t number = 0;
    TlsCipherKind kind = TlsCipherKind::kAesGcm;
    const char* cipher = "";     ///< OpenSSL cipher name
    size_t key_length = 0;       ///< bytes
    const char* mac_digest = ""; ///< HMAC digest of a CBC suite; empty for AEAD suites
    size_t mac_length = 0;       ///< bytes of that HMAC
    const char* prf_digest = ""; ///< TLS 1.2 PRF hash, or the TLS 1.3 HKDF hash
    bool tls13 = false;          ///< a TLS 1.3 suite (0x13xx)
    bool needs_tls12 = false;    ///< AEAD and SHA-256/384 HMAC suites exist from TLS 1.2 on
};

/// Returns the row of a supported cipher suite, or null.
const TlsCipherSuiteInfo* FindTlsCipherSuite(uint16_t number);

/// Keys of one direction.
struct TlsTrafficKeys {
    std::string mac_key; ///< CBC suites only
    std::string key;
    std::string iv; ///< TLS 1.3 and ChaCha20: 12 bytes; TLS 1.2 GCM: 4-byte salt; CBC: TLS 1.0 initial IV
};

/// Both directions' keys of TLS 1.0-1.2 from the master secret: the PRF's "key expansion" block
/// (RFC 5246, section 6.3), with MD5+SHA-1 for TLS 1.0/1.1 and the suite's hash for TLS 1.2.
Status DeriveTls12Keys(const TlsCipherSuiteInfo& suite, uint16_t version, std::string_view master_secret,
                       std::span<const uint8_t> client_random, std::span<const uint8_t> server_random,
                       TlsTrafficKeys& client_keys, TlsTrafficKeys& server_keys);

/// HKDF-Expand-Label of RFC 8446, section 7.1: `label` without the "tls13 " prefix.
Result<std::string> HkdfExpandLabel(const char* digest, std::string_view secret, std::string_view label,
                                    std::string_view context, size_t length);

/// Key and IV of a TLS 1.3 traffic secret (RFC 8446, section 7.3).
Result<TlsTrafficKeys> DeriveTls13Keys(const TlsCipherSuiteInfo& suite, std::string_view traffic_secret);

enum class TlsOpenResult : uint8_t {
    kOk,
    kAuthenticationFailed, ///< tag, MAC or padding check failed
    kMalformed,            ///< body too short or not a multiple of the block size
};

/// Record protection of one direction under one key. Decrypt reuses the EVP contexts, so an
/// instance must not be shared between threads.
class TlsRecordCipher {
public:
    static Result<std::unique_ptr<TlsRecordCipher>> Create(const TlsCipherSuiteInfo& suite, uint16_t version,
                                                           bool encrypt_then_mac, const TlsTrafficKeys& keys);
    ~TlsRecordCipher();
    TlsRecordCipher(const TlsRecordCipher&) = delete;
    TlsRecordCipher& operator=(const TlsRecordCipher&) = delete;

    /// Opens one record. `header` is its 5 bytes as received and `body` the bytes after it. On
    /// kOk `plaintext` contains the content. For TLS 1.3 it still ends with the inner content type and
    /// padding.
    TlsOpenResult Open(uint64_t sequence, std::span<const uint8_t> header, std::span<const uint8_t> body,
                       std::vector<uint8_t>& plaintext);

private:
    struct Impl;
    explicit TlsRecordCipher(std::unique_ptr<Impl> impl);

    TlsOpenResult OpenAead(uint64_t sequence, std::span<const uint8_t> header, std::span<const uint8_t> body,
                           std::vector<uint8_t>& plaintext);
    TlsOpenResult OpenCbc(uint64_t sequence, std::span<const uint8_t> header, std::span<const uint8_t> body,
                          std::vector<uint8_t>& plaintext);
    bool CheckMac(uint64_t sequence, uint8_t type, uint16_t version, std::span<const uint8_t> content,
                  std::span<const uint8_t> mac);
    bool DecryptCbc(std::span<const uint8_t> iv, std::span<const uint8_t> ciphertext, std::vector<uint8_t>& out);

    std::unique_ptr<Impl> impl_;
};

} // namespace unmask::dissect
