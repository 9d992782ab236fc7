// Names of TLS protocol values as IANA and Zeek spell them.
#pragma once

#include <cstdint>
#include <string>

namespace unmask::dissect {

/// IANA name of a cipher suite ("TLS_AES_128_GCM_SHA256"), or "unknown-0xNNNN".
std::string CipherSuiteName(uint16_t cipher_suite);

/// IANA name of a named group ("x25519", "secp256r1"), or "unknown-0xNNNN".
std::string NamedGroupName(uint16_t group);

/// IANA name of an alert description ("handshake_failure"), or "unknown-0xNNNN".
std::string AlertDescriptionName(uint8_t description);

/// Zeek's spelling of a protocol version ("TLSv12", "SSLv3"), or "unknown-0xNNNN".
std::string TlsVersionName(uint16_t version);

/// True when the lookup tables are sorted by value, as the binary search requires.
bool TlsNameTablesAreSorted();

} // namespace unmask::dissect
