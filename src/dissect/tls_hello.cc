#include "dissect/tls_hello.h"

#include <algorithm>
#include <array>
#include <unordered_set>

namespace unmask::dissect {
namespace {

// Extension types read by the parsers (IANA TLS ExtensionType Values).
constexpr uint16_t kServerName = 0x0000;
constexpr uint16_t kStatusRequest = 0x0005;
constexpr uint16_t kSupportedGroups = 0x000a;
constexpr uint16_t kEcPointFormats = 0x000b;
constexpr uint16_t kSignatureAlgorithms = 0x000d;
constexpr uint16_t kAlpn = 0x0010;
constexpr uint16_t kSessionTicket = 0x0023;
constexpr uint16_t kPreSharedKey = 0x0029;
constexpr uint16_t kEarlyData = 0x002a;
constexpr uint16_t kSupportedVersions = 0x002b;
constexpr uint16_t kKeyShare = 0x0033;

constexpr std::array<uint8_t, 32> kHelloRetryRequestRandom = {
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c};

// Bounds-checked big-endian reader over a span. A failed read sets `failed` and returns zero or
// an empty span, so a parser can read a whole structure and check once.
class Reader {
public:
    explicit Reader(std::span<const uint8_t> bytes) : bytes_(bytes) {}

    size_t remaining() const { return bytes_.size() - position_; }
    bool failed() const { return failed_; }
    bool done() const { return remaining() == 0; }

    uint32_t ReadUint(size_t width) {
        if (failed_ || remaining() < width) {
            failed_ = true;
            return 0;
        }
        uint32_t value = 0;
        for (size_t i = 0; i < width; ++i) {
            value = (value << 8) | bytes_[position_ + i];
        }
        position_ += width;
        return value;
    }
    uint8_t Read8() { return static_cast<uint8_t>(ReadUint(1)); }
    uint16_t Read16() { return static_cast<uint16_t>(ReadUint(2)); }

    std::span<const uint8_t> ReadBytes(size_t count) {
        if (failed_ || remaining() < count) {
            failed_ = true;
            return {};
        }
        auto result = bytes_.subspan(position_, count);
        position_ += count;
        return result;
    }
    /// Reads a vector prefixed by a `width`-byte length.
    std::span<const uint8_t> ReadVector(size_t width) { return ReadBytes(ReadUint(width)); }

private:
    std::span<const uint8_t> bytes_;
    size_t position_ = 0;
    bool failed_ = false;
};

std::string ToString(std::span<const uint8_t> bytes) {
    return std::string(bytes.begin(), bytes.end());
}

// Reads a vector of 16-bit values; false when its byte length is odd or it overruns.
bool ReadUint16List(Reader& reader, size_t length_width, std::vector<uint16_t>& out) {
    auto bytes = reader.ReadVector(length_width);
    if (reader.failed() || bytes.size() % 2 != 0) {
        return false;
    }
    for (size_t i = 0; i < bytes.size(); i += 2) {
        out.push_back(static_cast<uint16_t>((bytes[i] << 8) | bytes[i + 1]));
    }
    return true;
}

bool IsHostNameByte(uint8_t byte) {
    return (byte >= 'a' && byte <= 'z') || (byte >= 'A' && byte <= 'Z') || (byte >= '0' && byte <= '9') ||
           byte == '-' || byte == '.' || byte == '_';
}

bool ParseServerName(std::span<const uint8_t> data, TlsClientHello& hello, HelloIssues& issues) {
    Reader reader(data);
    Reader list(reader.ReadVector(2));
    if (reader.failed() || !reader.done()) {
        return false;
    }
    bool have_host_name = false;
    while (!list.done()) {
        const uint8_t name_type = list.Read8();
        auto name = list.ReadVector(2);
        if (list.failed()) {
            return false;
        }
        if (name_type == 0 && !have_host_name) {
            have_host_name = true;
            hello.server_name = ToString(name);
            if (name.empty() || !std::all_of(name.begin(), name.end(), IsHostNameByte)) {
                issues.invalid_server_name = true;
            }
        }
    }
    return true;
}

bool ParseAlpnList(std::span<const uint8_t> data, std::vector<std::string>& protocols) {
    Reader reader(data);
    Reader list(reader.ReadVector(2));
    if (reader.failed() || !reader.done()) {
        return false;
    }
    while (!list.done()) {
        auto protocol = list.ReadVector(1);
        if (list.failed()) {
            return false;
        }
        protocols.push_back(ToString(protocol));
    }
    return true;
}

// Checks a status_request body: status type ocsp(1), then two length-prefixed lists that end
// exactly at the extension end (RFC 6066, section 8).
bool ValidStatusRequest(std::span<const uint8_t> data) {
    Reader reader(data);
    const uint8_t status_type = reader.Read8();
    reader.ReadVector(2);
    reader.ReadVector(2);
    return status_type == 1 && !reader.failed() && reader.done();
}

bool ParseClientExtension(uint16_t type, std::span<const uint8_t> data, TlsClientHello& hello, HelloIssues& issues) {
    Reader reader(data);
    switch (type) {
    case kServerName:
        hello.has_server_name = true;
        return data.empty() || ParseServerName(data, hello, issues);
    case kStatusRequest:
        return ValidStatusRequest(data);
    case kSupportedGroups:
        return ReadUint16List(reader, 2, hello.supported_groups) && reader.done();
    case kEcPointFormats: {
        auto formats = reader.ReadVector(1);
        hello.ec_point_formats.assign(formats.begin(), formats.end());
        return !reader.failed() && reader.done();
    }
    case kSignatureAlgorithms:
        return ReadUint16List(reader, 2, hello.signature_algorithms) && reader.done();
    case kAlpn:
        return ParseAlpnList(data, hello.alpn);
    case kSessionTicket:
        hello.session_ticket_present = !data.empty();
        return true;
    case kPreSharedKey:
        hello.pre_shared_key_offered = true;
        return true;
    case kEarlyData:
        hello.early_data_offered = true;
        return true;
    case kSupportedVersions:
        return ReadUint16List(reader, 1, hello.supported_versions) && reader.done();
    case kKeyShare: {
        Reader shares(reader.ReadVector(2));
        if (reader.failed() || !reader.done()) {
            return false;
        }
        while (!shares.done()) {
            const uint16_t group = shares.Read16();
            shares.ReadVector(2);
            if (shares.failed()) {
                return false;
            }
            hello.key_share_groups.push_back(group);
        }
        return true;
    }
    default:
        return true;
    }
}

bool ParseServerExtension(uint16_t type, std::span<const uint8_t> data, TlsServerHello& hello) {
    Reader reader(data);
    switch (type) {
    case kSupportedVersions:
        hello.selected_version = reader.Read16();
        return !reader.failed() && reader.done();
    case kAlpn: {
        std::vector<std::string> protocols;
        if (!ParseAlpnList(data, protocols) || protocols.size() != 1) {
            return false;
        }
        hello.alpn = protocols.front();
        return true;
    }
    case kKeyShare:
        // A HelloRetryRequest names only the group; a ServerHello adds the key exchange.
        hello.key_share_group = reader.Read16();
        if (!hello.hello_retry_request) {
            reader.ReadVector(2);
        }
        return !reader.failed() && reader.done();
    case kPreSharedKey:
        hello.pre_shared_key_selected = true;
        reader.Read16();
        return !reader.failed() && reader.done();
    default:
        return true;
    }
}

// Walks an extensions block, recording each type and calling `parse_one` on its body.
template <typename ParseOne>
void ReadExtensions(Reader& reader, std::vector<uint16_t>& types, HelloIssues& issues, ParseOne parse_one) {
    if (reader.done()) {
        return; // Hellos before TLS 1.0 may end without an extensions block.
    }
    const uint16_t block_length = reader.Read16();
    if (reader.failed() || block_length != reader.remaining()) {
        issues.length_mismatch = true;
    }
    Reader block(reader.ReadBytes(std::min<size_t>(block_length, reader.remaining())));
    std::unordered_set<uint16_t> seen;
    while (!block.done()) {
        const uint16_t type = block.Read16();
        auto data = block.ReadVector(2);
        if (block.failed()) {
            issues.malformed = true;
            return;
        }
        types.push_back(type);
        if (!seen.insert(type).second && !IsGreaseValue(type)) {
            issues.duplicate_extension = true;
        }
        if (!parse_one(type, data)) {
            issues.malformed_extension = true;
        }
    }
}

} // namespace

bool IsGreaseValue(uint16_t value) {
    return (value & 0x0f0f) == 0x0a0a && (value >> 8) == (value & 0xff);
}

bool IsHelloRetryRequestRandom(std::span<const uint8_t> random) {
    return random.size() == kHelloRetryRequestRandom.size() &&
           std::equal(random.begin(), random.end(), kHelloRetryRequestRandom.begin());
}

bool ParseClientHello(std::span<const uint8_t> body, TlsClientHello& hello, HelloIssues& issues) {
    Reader reader(body);
    hello.legacy_version = reader.Read16();
    hello.random = ToString(reader.ReadBytes(32));
    auto session_id = reader.ReadVector(1);
    hello.session_id = ToString(session_id);
    hello.session_id_length = session_id.size();
    const bool ciphers_ok = ReadUint16List(reader, 2, hello.cipher_suites);
    auto compression = reader.ReadVector(1);
    hello.compression_methods.assign(compression.begin(), compression.end());
    if (reader.failed() || !ciphers_ok || session_id.size() > 32 || compression.empty()) {
        issues.malformed = true;
        return false;
    }
    ReadExtensions(reader, hello.extensions, issues, [&](uint16_t type, std::span<const uint8_t> data) {
        return ParseClientExtension(type, data, hello, issues);
    });
    return true;
}

bool ParseServerHello(std::span<const uint8_t> body, TlsServerHello& hello, HelloIssues& issues) {
    Reader reader(body);
    hello.legacy_version = reader.Read16();
    const auto random = reader.ReadBytes(32);
    hello.random = ToString(random);
    hello.hello_retry_request = IsHelloRetryRequestRandom(random);
    auto session_id = reader.ReadVector(1);
    hello.session_id = ToString(session_id);
    hello.cipher_suite = reader.Read16();
    hello.compression_method = reader.Read8();
    if (reader.failed() || session_id.size() > 32) {
        issues.malformed = true;
        return false;
    }
    ReadExtensions(reader, hello.extensions, issues, [&](uint16_t type, std::span<const uint8_t> data) {
        return ParseServerExtension(type, data, hello);
    });
    if (hello.selected_version == 0) {
        hello.selected_version = hello.legacy_version;
    }
    return true;
}

bool ParseSslv2ClientHello(std::span<const uint8_t> message, TlsClientHello& hello) {
    Reader reader(message);
    const uint8_t message_type = reader.Read8();
    hello.sslv2_format = true;
    hello.record_version = 0x0002;
    hello.legacy_version = reader.Read16();
    const uint16_t cipher_specs_length = reader.Read16();
    const uint16_t session_id_length = reader.Read16();
    const uint16_t challenge_length = reader.Read16();
    Reader specs(reader.ReadBytes(cipher_specs_length));
    auto session_id = reader.ReadBytes(session_id_length);
    reader.ReadBytes(challenge_length);
    if (reader.failed() || message_type != 1 || cipher_specs_length % 3 != 0) {
        return false;
    }
    hello.session_id = ToString(session_id);
    hello.session_id_length = session_id.size();
    while (!specs.done()) {
        const uint32_t spec = specs.ReadUint(3);
        hello.sslv2_cipher_specs.push_back(spec);
        if ((spec >> 16) == 0) {
            hello.cipher_suites.push_back(static_cast<uint16_t>(spec));
        }
    }
    return true;
}

bool ParseSslv2ServerHello(std::span<const uint8_t> message, TlsServerHello& hello, std::string& certificate_der) {
    Reader reader(message);
    const uint8_t message_type = reader.Read8();
    reader.Read8(); // session_id_hit
    reader.Read8(); // certificate_type
    hello.sslv2_format = true;
    hello.record_version = 0x0002;
    hello.legacy_version = reader.Read16();
    hello.selected_version = hello.legacy_version;
    const uint16_t certificate_length = reader.Read16();
    const uint16_t cipher_specs_length = reader.Read16();
    const uint16_t connection_id_length = reader.Read16();
    auto certificate = reader.ReadBytes(certificate_length);
    reader.ReadBytes(cipher_specs_length);
    reader.ReadBytes(connection_id_length);
    if (reader.failed() || message_type != 4) {
        return false;
    }
    certificate_der = ToString(certificate);
    return true;
}

CertificateList ParseCertificateMessage(std::span<const uint8_t> body, size_t max_certificates) {
    CertificateList result;
    Reader reader(body);
    Reader list(reader.ReadVector(3));
    if (reader.failed() || !reader.done()) {
        result.malformed = true;
        return result;
    }
    while (!list.done()) {
        auto certificate = list.ReadVector(3);
        if (list.failed()) {
            result.malformed = true;
            return result;
        }
        if (result.certificates_der.size() == max_certificates) {
            result.limit_reached = true;
            continue;
        }
        result.certificates_der.push_back(ToString(certificate));
    }
    return result;
}

std::optional<uint16_t> ParseServerKeyExchangeCurve(std::span<const uint8_t> body) {
    Reader reader(body);
    const uint8_t curve_type = reader.Read8();
    const uint16_t curve = reader.Read16();
    if (reader.failed() || curve_type != 3) {
        return std::nullopt;
    }
    return curve;
}

} // namespace unmask::dissect
