// X.509 certificate facts as Zeek's x509.log prints them, chain verification against a trust
// store, and RFC 6125 host name matching. Everything is computed with OpenSSL.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <openssl/types.h>

#include "common/status.h"

namespace unmask::dissect {

/// Largest DER certificate ParseCertificate accepts. Real certificates are a few KiB; the TLS
/// record layer limits one handshake message to 16 MiB, so this bound is ours.
inline constexpr size_t kMaxCertificateBytes = 64 * 1024;

/// Facts of one certificate. The string fields follow Zeek's x509.log (Zeek 6, OpenSSL 3).
struct Certificate {
    int version = 0; ///< 1, 2 or 3, as certificate.version
    /// Serial number as OpenSSL's i2a_ASN1_INTEGER prints it, which is what Zeek's
    /// certificate.serial holds: uppercase hex, two digits per content byte (so "0AF0..." keeps
    /// its leading zero digit), without the 00 byte DER adds before a high bit, "-" when negative.
    std::string serial;
    std::string serial_decimal;
    /// Distinguished names as X509_NAME_print_ex(XN_FLAG_RFC2253) prints them: most specific
    /// first, comma separated, short attribute names ("CN=example.com,O=Example,C=US"),
    /// RFC 2253 escapes and non-ASCII bytes as \XX.
    std::string subject;
    std::string issuer;
    /// The last (most specific) commonName of the subject in UTF-8, "" when there is none.
    std::string common_name;
    std::vector<std::string> san_dns;
    std::vector<std::string> san_uri;
    std::vector<std::string> san_email;
    std::vector<std::string> san_ip; ///< dotted IPv4 or RFC 5952 IPv6 text
    bool san_other_fields = false;   ///< the SAN had names of other types (otherName, dirName...)
    int64_t not_valid_before = 0;    ///< seconds since the Unix epoch; 0 when the time is invalid
    int64_t not_valid_after = 0;
    std::string key_algorithm;       ///< long name of the key OID, as certificate.key_alg ("rsaEncryption")
    std::string signature_algorithm; ///< long name, as certificate.sig_alg ("sha256WithRSAEncryption")
    /// "rsa", "dsa", "ecdsa" as Zeek's certificate.key_type; beyond Zeek, "ed25519", "ed448", or
    /// "" for other key types.
    std::string key_type;
    int key_length = 0;                 ///< RSA modulus, DSA p, EC group order bits; OpenSSL's key bits otherwise
    std::string exponent;               ///< RSA public exponent in decimal, "" for other keys
    std::string curve;                  ///< EC group name ("prime256v1"), "" for other keys
    bool is_ca = false;                 ///< basicConstraints cA
    std::optional<int64_t> path_length; ///< basicConstraints pathLenConstraint
    bool has_basic_constraints = false;
    std::string sha1;         ///< lowercase hex SHA-1 of the DER
    std::string sha256;       ///< lowercase hex SHA-256 of the DER, Zeek's x509.log fingerprint
    bool self_issued = false; ///< subject and issuer are equal names
    /// Self-issued and the signature verifies with the certificate's own public key.
    bool self_signed = false;
    /// Irregularities that did not stop parsing, such as "trailing_bytes", "invalid_not_before",
    /// "invalid_san".
    std::vector<std::string> problems;
};

/// Parses one DER certificate. Fails with kInvalidInput naming the fault when the bytes are no
/// certificate, and with kLimitExceeded above kMaxCertificateBytes.
Result<Certificate> ParseCertificate(std::span<const uint8_t> der);

/// Outcome of a chain verification.
struct ChainVerification {
    bool valid = false;
    /// "ok" or OpenSSL's X509_verify_cert_error_string text, as Zeek's ssl.log validation_status
    /// ("unable to get local issuer certificate", "certificate has expired", ...).
    std::string status;
};

/// A set of trusted root certificates. Copies share one OpenSSL store, which OpenSSL locks for
/// concurrent verifications.
class TrustStore {
public:
    /// Loads the system roots: the file and directory OpenSSL was built with (Debian's
    /// /etc/ssl/certs from ca-certificates), or those named by SSL_CERT_FILE and SSL_CERT_DIR.
    /// Fails when the file yields no certificate.
    static Result<TrustStore> LoadSystem();
    /// Loads every certificate of a PEM file. Fails when the file cannot be read or contains none.
    static Result<TrustStore> LoadFile(const std::string& pem_path);

    /// Verifies a leaf-first chain of DER certificates as of `at_unix_seconds` (the time of the
    /// connection, not now). Certificates after the leaf serve as untrusted intermediates. The
    /// host name is not checked here; see CertificateMatchesName.
    ChainVerification Verify(const std::vector<std::string>& der_chain, int64_t at_unix_seconds) const;

    /// Number of certificates loaded from files (certificates found later in a hashed directory
    /// are not counted).
    size_t certificate_count() const { return certificate_count_; }

private:
    TrustStore(std::shared_ptr<X509_STORE> store, size_t certificate_count)
        : store_(std::move(store)), certificate_count_(certificate_count) {}

    std::shared_ptr<X509_STORE> store_;
    size_t certificate_count_ = 0;
};

/// Matches an SNI or Host value against the certificate as RFC 6125 describes: an IP address
/// against the IP SANs only, a DNS name against the DNS SANs, or against the subject CN when the
/// certificate has no DNS SAN. A left-most "*" label matches exactly one label. Comparison
/// ignores ASCII case and one trailing dot.
bool CertificateMatchesName(const Certificate& certificate, std::string_view name);

/// True when the DNS name `name` matches one certificate name `pattern` (a SAN or CN) by the
/// rules of CertificateMatchesName.
bool DnsNameMatches(std::string_view pattern, std::string_view name);

} // namespace unmask::dissect
