// TLS key logs embedded in pcapng files: Decryption Secrets Blocks, which Wireshark's
// `editcap --inject-secrets tls,KEYS.log` writes so that a capture carries its own keys.
#pragma once

#include <istream>
#include <string>

#include "common/status.h"

namespace unmask::ingest::pcap {

/// Largest total of embedded secrets read from one file, as the limit on key log files.
inline constexpr size_t kMaxEmbeddedSecretsBytes = 256 * 1024 * 1024;

/// Returns the NSS key log text of every TLS Decryption Secrets Block of a pcapng file, joined
/// in file order, or "" when the file is not an uncompressed pcapng or has none. Broken block
/// framing ends the scan without an error, because the packet reader reports the damage.
/// NOTE: gzip-compressed pcapng files are not scanned.
Result<std::string> ReadPcapngTlsSecrets(const std::string& path);
/// The same for an open stream; `name` is the file named in errors.
Result<std::string> ReadPcapngTlsSecrets(std::istream& file, const std::string& name);

} // namespace unmask::ingest::pcap
