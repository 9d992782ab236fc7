// Parsers of TLS hello messages: the ClientHello and ServerHello handshake bodies, the
// SSLv2-format hellos and the Certificate message. Internal to the TLS dissector; every parser
// reads only inside the span it is given.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "dissect/tls.h"

namespace unmask::dissect {

/// Problems found while parsing one message, mapped to evidence codes by the dissector.
struct HelloIssues {
    bool malformed = false;       ///< fields overrun the message or have impossible lengths
    bool length_mismatch = false; ///< the extensions block does not end at the message end
    bool malformed_extension = false;
    bool duplicate_extension = false;
    bool invalid_server_name = false;
};

/// True for the 16 GREASE values of RFC 8701 (0x0a0a, 0x1a1a, ..., 0xfafa).
bool IsGreaseValue(uint16_t value);

/// The fixed ServerHello.random that marks a HelloRetryRequest (RFC 8446, section 4.1.3).
bool IsHelloRetryRequestRandom(std::span<const uint8_t> random);

/// Parses a ClientHello body (after the 4-byte handshake header). Returns false when the fixed
/// fields before the extensions cannot be read; extension problems only set `issues`.
bool ParseClientHello(std::span<const uint8_t> body, TlsClientHello& hello, HelloIssues& issues);

/// Parses a ServerHello or HelloRetryRequest body (after the 4-byte handshake header).
bool ParseServerHello(std::span<const uint8_t> body, TlsServerHello& hello, HelloIssues& issues);

/// Parses an SSLv2-format ClientHello: `message` starts at the message type byte (after the
/// 2-byte record header).
bool ParseSslv2ClientHello(std::span<const uint8_t> message, TlsClientHello& hello);

/// Parses an SSLv2 ServerHello (message type 4), keeping its certificate, if any.
bool ParseSslv2ServerHello(std::span<const uint8_t> message, TlsServerHello& hello, std::string& certificate_der);

/// Result of reading a TLS 1.2-and-earlier Certificate message.
struct CertificateList {
    std::vector<std::string> certificates_der;
    bool malformed = false;
    bool limit_reached = false;
};

/// Reads the DER certificates of a Certificate message body, keeping at most `max_certificates`.
CertificateList ParseCertificateMessage(std::span<const uint8_t> body, size_t max_certificates);

/// Named curve of an ECDHE ServerKeyExchange body (curve type 3, named_curve), if it has one.
std::optional<uint16_t> ParseServerKeyExchangeCurve(std::span<const uint8_t> body);

} // namespace unmask::dissect
