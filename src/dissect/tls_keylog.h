// NSS key log (the SSLKEYLOGFILE format that curl, Firefox, Chrome, Python's
// ssl.SSLContext.keylog_filename and `openssl s_client -keylogfile` write): per-session TLS secrets
// keyed by the 32-byte ClientHello.random, for TlsDecryptor.
//
// Each line is `LABEL <client random, 64 hex digits> <secret in hex>`. Labels read:
//   CLIENT_RANDOM                    TLS 1.0-1.2 master secret (48 bytes)
//   CLIENT_HANDSHAKE_TRAFFIC_SECRET  TLS 1.3 secrets, 32 or 48 bytes (the hash length of the suite)
//   SERVER_HANDSHAKE_TRAFFIC_SECRET
//   CLIENT_TRAFFIC_SECRET_0
//   SERVER_TRAFFIC_SECRET_0
// Other labels (EXPORTER_SECRET, CLIENT_EARLY_TRAFFIC_SECRET, RSA, ...) are counted as ignored.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/status.h"

namespace unmask::dissect {

/// Secrets of one session, raw bytes (hex-decoded). A member is empty when the key log lacks it.
struct TlsSessionSecrets {
    std::string master_secret; ///< CLIENT_RANDOM (TLS 1.0-1.2), 48 bytes
    std::string client_handshake_traffic_secret;
    std::string server_handshake_traffic_secret;
    std::string client_traffic_secret_0;
    std::string server_traffic_secret_0;
};

/// Largest key log file that TlsKeyLog::Load reads.
inline constexpr uint64_t kMaxKeyLogBytes = 256ull * 1024 * 1024;

/// Malformed lines whose "FILE:LINE: reason" TlsKeyLog keeps; later ones are only counted.
inline constexpr size_t kMaxKeyLogExamples = 5;

/// Parsed NSS key log: secrets by client random.
class TlsKeyLog {
public:
    /// Parses NSS key log text; `source` names the file in messages. Blank lines and lines starting
    /// with '#' are skipped. A line with an unknown label is counted in ignored_lines(). A line
    /// with too few fields, bad hex or a wrong length is counted in malformed_lines(), and the
    /// first kMaxKeyLogExamples keep "FILE:LINE: reason". When a client random appears twice for
    /// the same label, the later line wins. Fails with kInvalidInput when no line was usable.
    static Result<TlsKeyLog> Parse(std::string_view text, std::string_view source);
    /// Reads and parses a file of at most kMaxKeyLogBytes.
    static Result<TlsKeyLog> Load(const std::string& path);

    /// Returns the secrets for a 32-byte client random, or null when the log has none.
    const TlsSessionSecrets* Find(std::span<const uint8_t> client_random) const;

    size_t sessions() const { return sessions_.size(); }
    uint64_t malformed_lines() const { return malformed_lines_; }
    uint64_t ignored_lines() const { return ignored_lines_; }
    const std::vector<std::string>& malformed_examples() const { return malformed_examples_; }

private:
    std::unordered_map<std::string, TlsSessionSecrets> sessions_; // key: 32 raw bytes
    uint64_t malformed_lines_ = 0;
    uint64_t ignored_lines_ = 0;
    std::vector<std::string> malformed_examples_;
};

} // namespace unmask::dissect
