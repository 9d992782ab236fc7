// TLS client and server fingerprints: JA3 and JA3S (salesforce/ja3 README), JA4 and JA4S
// (FoxIO-LLC/ja4, technical_details/JA4.md and JA4S.md), for TLS over TCP.
#pragma once

#include <string>
#include <string_view>

#include "dissect/tls.h"

namespace unmask::dissect {

/// JA3 input string "SSLVersion,Ciphers,Extensions,EllipticCurves,EcPointFormats": decimal
/// values joined by '-', GREASE values removed. For an SSLv2-format hello, the ciphers are all
/// 3-byte cipher specs in decimal, as Zeek's JA3 script receives them.
std::string Ja3String(const TlsClientHello& hello);

/// JA3S input string "SSLVersion,Cipher,Extensions" of a ServerHello, GREASE values removed.
std::string Ja3sString(const TlsServerHello& hello);

/// Lower-case hex MD5 of `text`, computed with OpenSSL EVP.
std::string Md5Hex(std::string_view text);

/// First 12 lower-case hex digits of the SHA-256 of `text`.
std::string Sha256Hex12(std::string_view text);

/// The two-character ALPN part of JA4 and JA4S: first and last character of the protocol name
/// when both are ASCII letters or digits, else first and last hex digit of the name's bytes;
/// "00" for an empty name.
std::string Ja4AlpnCode(std::string_view protocol);

/// JA4 of a ClientHello in its three spellings.
struct Ja4Fingerprint {
    std::string ja4;          ///< hashed: t13d1516h2_8daaf6152771_e5627efa2ab1
    std::string raw_sorted;   ///< FoxIO's JA4_r: the sorted lists that are hashed
    std::string raw_original; ///< FoxIO's JA4_ro: lists in wire order, SNI and ALPN kept
};
Ja4Fingerprint ComputeJa4(const TlsClientHello& hello);

/// JA4S of a ServerHello, hashed and raw (FoxIO's JA4S_r).
struct Ja4sFingerprint {
    std::string ja4s;
    std::string raw;
};
Ja4sFingerprint ComputeJa4s(const TlsServerHello& hello);

} // namespace unmask::dissect
