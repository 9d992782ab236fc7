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
// A line of this shape with another label of A-Z, 0-9 and '_' (EXPORTER_SECRET,
// CLIENT_EARLY_TRAFFIC_SECRET, ...) is counted as ignored. So is an RSA line, whose second field
// is the first 8 bytes (16 hex digits) of the encrypted pre-master secret instead of a client
// random. Every other line is malformed.
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

/// Largest key log that TlsKeyLog::Load reads, from a regular file or from a pipe.
inline constexpr uint64_t kMaxKeyLogBytes = 256ull * 1024 * 1024;

/// Malformed lines whose "FILE:LINE: reason" TlsKeyLog keeps; later ones are only counted.
inline constexpr size_t kMaxKeyLogExamples = 5;

/// Parsed NSS key log: secrets by client random.
class TlsKeyLog {
public:
    /// Parses NSS key log text; `source` names the file in messages. A leading UTF-8 byte order mark,
    /// blank lines and lines starting with '#' are skipped. A line of the NSS shape whose label
    /// TlsKeyLog does not use is counted in ignored_lines(). Every other line that yields no secret
    /// is counted in malformed_lines(), and the first kMaxKeyLogExamples keep "FILE:LINE: reason".
    /// When a client random appears twice for the same label, the later line wins. Fails with
    /// kInvalidInput when the text starts with the magic bytes of gzip, bzip2, xz or zstd or with a
    /// UTF-16 byte order mark, or when no line was usable.
    static Result<TlsKeyLog> Parse(std::string_view text, std::string_view source);
    /// Reads and parses a key log of at most `max_bytes`. A regular file is checked by its size
    /// before reading. A FIFO or a /dev/fd path from process substitution is read as a stream until
    /// its end or until it passes `max_bytes`. Fails with kIo for a missing file, a directory or a
    /// read error, with kLimitExceeded for a larger key log, and otherwise as Parse does.
    static Result<TlsKeyLog> Load(const std::string& path, uint64_t max_bytes = kMaxKeyLogBytes);

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
