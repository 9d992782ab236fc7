#include "ingest/pcap/pcapng_secrets.h"

#include <array>
#include <cstdint>
#include <fstream>
#include <vector>

namespace unmask::ingest::pcap {
namespace {

constexpr uint32_t kSectionHeaderBlock = 0x0A0D0D0A;
constexpr uint32_t kByteOrderMagic = 0x1A2B3C4D;
constexpr uint32_t kDecryptionSecretsBlock = 0x0000000A;
constexpr uint32_t kTlsKeyLogSecrets = 0x544C534B; // "TLSK"
/// Smallest block: type, length, trailing length.
constexpr uint32_t kMinBlockLength = 12;
constexpr size_t kScanBufferBytes = 1 << 20;

uint32_t Read32(const uint8_t* bytes, bool big_endian) {
    return big_endian ? (uint32_t{bytes[0]} << 24) | (uint32_t{bytes[1]} << 16) | (uint32_t{bytes[2]} << 8) | bytes[3]
                      : (uint32_t{bytes[3]} << 24) | (uint32_t{bytes[2]} << 16) | (uint32_t{bytes[1]} << 8) | bytes[0];
}

} // namespace

Result<std::string> ReadPcapngTlsSecrets(const std::string& path) {
    // The scan skips every block by reading through it, and a large buffer keeps that to few reads.
    std::vector<char> buffer(kScanBufferBytes);
    std::ifstream file;
    file.rdbuf()->pubsetbuf(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    file.open(path, std::ios::binary);
    if (!file) {
        return Status(ErrorKind::kIo, "cannot open capture " + path);
    }
    return ReadPcapngTlsSecrets(file, path);
}

Result<std::string> ReadPcapngTlsSecrets(std::istream& file, const std::string& name) {
    std::string secrets;
    bool big_endian = false;
    std::array<uint8_t, 12> header{};
    bool first = true;
    // Blocks are skipped with ignore(), which reads on through the stream buffer; seekg() would
    // drop the buffer and read it again for every block.
    while (file.read(reinterpret_cast<char*>(header.data()), 8)) {
        uint32_t consumed = 8; // bytes of the current block read so far
        const uint32_t raw_type = Read32(header.data(), false);
        if (raw_type == kSectionHeaderBlock) {
            // The byte-order magic after the length decides how this section's numbers read.
            if (!file.read(reinterpret_cast<char*>(header.data() + 8), 4)) {
                break;
            }
            consumed += 4;
            big_endian = Read32(header.data() + 8, false) != kByteOrderMagic;
            if (Read32(header.data() + 8, big_endian) != kByteOrderMagic) {
                break;
            }
        } else if (first) {
            return std::string(); // not pcapng
        }
        first = false;
        const uint32_t type = Read32(header.data(), big_endian);
        const uint32_t length = Read32(header.data() + 4, big_endian);
        if (length < kMinBlockLength || length % 4 != 0) {
            break;
        }
        const uint32_t body_length = length - kMinBlockLength;
        if (type == kDecryptionSecretsBlock && body_length >= 8) {
            std::array<uint8_t, 8> secrets_header{};
            if (!file.read(reinterpret_cast<char*>(secrets_header.data()), 8)) {
                break;
            }
            consumed += 8;
            const uint32_t secrets_type = Read32(secrets_header.data(), big_endian);
            const uint32_t secrets_length = Read32(secrets_header.data() + 4, big_endian);
            if (secrets_length > body_length - 8) {
                break;
            }
            if (secrets_type == kTlsKeyLogSecrets) {
                if (secrets.size() + secrets_length > kMaxEmbeddedSecretsBytes) {
                    return Status(ErrorKind::kLimitExceeded,
                                  name + ": the embedded TLS secrets exceed " +
                                      std::to_string(kMaxEmbeddedSecretsBytes >> 20) + " MiB");
                }
                const size_t start = secrets.size();
                secrets.resize(start + secrets_length);
                if (!file.read(secrets.data() + start, secrets_length)) {
                    secrets.resize(start);
                    break;
                }
                consumed += secrets_length;
                if (!secrets.empty() && secrets.back() != '\n') {
                    secrets.push_back('\n');
                }
            }
        }
        file.ignore(static_cast<std::streamsize>(length - consumed));
    }
    return secrets;
}

} // namespace unmask::ingest::pcap
