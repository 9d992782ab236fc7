#include "dissect/ja_fingerprints.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <vector>

#include <openssl/evp.h>

#include "dissect/tls_hello.h"

namespace unmask::dissect {
namespace {

constexpr uint16_t kServerNameExtension = 0x0000;
constexpr uint16_t kAlpnExtension = 0x0010;

// Hex digest of `text` with an OpenSSL EVP message digest; empty when OpenSSL fails.
std::string DigestHex(const EVP_MD* algorithm, std::string_view text) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int digest_length = 0;
    if (EVP_Digest(text.data(), text.size(), digest.data(), &digest_length, algorithm, nullptr) != 1) {
        return {};
    }
    static constexpr char kHexDigits[] = "0123456789abcdef";
    std::string hex;
    hex.reserve(digest_length * 2);
    for (unsigned int i = 0; i < digest_length; ++i) {
        hex += kHexDigits[digest[i] >> 4];
        hex += kHexDigits[digest[i] & 0x0f];
    }
    return hex;
}

template <typename T>
std::string JoinDecimal(const std::vector<T>& values, bool drop_grease) {
    std::string text;
    for (T value : values) {
        if (drop_grease && IsGreaseValue(static_cast<uint16_t>(value))) {
            continue;
        }
        if (!text.empty()) {
            text += '-';
        }
        text += std::to_string(value);
    }
    return text;
}

std::string Hex4(uint16_t value) {
    std::array<char, 8> text{};
    std::snprintf(text.data(), text.size(), "%04x", value);
    return text.data();
}

std::string JoinHex(const std::vector<uint16_t>& values) {
    std::string text;
    for (uint16_t value : values) {
        if (!text.empty()) {
            text += ',';
        }
        text += Hex4(value);
    }
    return text;
}

std::vector<uint16_t> WithoutGrease(const std::vector<uint16_t>& values) {
    std::vector<uint16_t> kept;
    std::copy_if(values.begin(), values.end(), std::back_inserter(kept), [](uint16_t v) { return !IsGreaseValue(v); });
    return kept;
}

std::string TwoDigitCount(size_t count) {
    std::array<char, 4> text{};
    std::snprintf(text.data(), text.size(), "%02zu", std::min<size_t>(count, 99));
    return text.data();
}

// JA4's two-character version code.
std::string Ja4VersionCode(uint16_t version) {
    switch (version) {
    case 0x0304:
        return "13";
    case 0x0303:
        return "12";
    case 0x0302:
        return "11";
    case 0x0301:
        return "10";
    case 0x0300:
        return "s3";
    case 0x0002:
        return "s2";
    case 0xfeff:
        return "d1";
    case 0xfefd:
        return "d2";
    case 0xfefc:
        return "d3";
    default:
        return "00";
    }
}

bool IsAsciiAlphanumeric(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Hashed part of JA4: "000000000000" for an empty list instead of the hash of nothing.
std::string HashOrZeros(std::string_view text) {
    return text.empty() ? "000000000000" : Sha256Hex12(text);
}

/// Returns the digest implementation `name`, fetched once. OpenSSL 3 looks up EVP_md5() and
/// EVP_sha256() in its provider store, under a lock, on every EVP_Digest call; a fetched
/// EVP_MD skips that lookup. The objects live until exit.
const EVP_MD* FetchedDigest(const char* name) {
    EVP_MD* fetched = EVP_MD_fetch(nullptr, name, nullptr);
    return fetched;
}

} // namespace

std::string Md5Hex(std::string_view text) {
    static const EVP_MD* const md5 = FetchedDigest("MD5");
    return DigestHex(md5 != nullptr ? md5 : EVP_md5(), text);
}

std::string Sha256Hex12(std::string_view text) {
    static const EVP_MD* const sha256 = FetchedDigest("SHA256");
    return DigestHex(sha256 != nullptr ? sha256 : EVP_sha256(), text).substr(0, 12);
}

std::string Ja3String(const TlsClientHello& hello) {
    std::string text = std::to_string(hello.legacy_version);
    text += ',';
    text += hello.sslv2_format ? JoinDecimal(hello.sslv2_cipher_specs, true) : JoinDecimal(hello.cipher_suites, true);
    text += ',';
    text += JoinDecimal(hello.extensions, true);
    text += ',';
    text += JoinDecimal(hello.supported_groups, true);
    text += ',';
    text += JoinDecimal(hello.ec_point_formats, false);
    return text;
}

std::string Ja3sString(const TlsServerHello& hello) {
    std::string text = std::to_string(hello.legacy_version);
    text += ',';
    text += std::to_string(hello.cipher_suite);
    text += ',';
    text += JoinDecimal(hello.extensions, true);
    return text;
}

std::string Ja4AlpnCode(std::string_view protocol) {
    if (protocol.empty()) {
        return "00";
    }
    const char first = protocol.front();
    const char last = protocol.back();
    if (IsAsciiAlphanumeric(first) && IsAsciiAlphanumeric(last)) {
        return std::string{first, last};
    }
    static constexpr char kHexDigits[] = "0123456789abcdef";
    const auto first_byte = static_cast<uint8_t>(first);
    const auto last_byte = static_cast<uint8_t>(last);
    return std::string{kHexDigits[first_byte >> 4], kHexDigits[last_byte & 0x0f]};
}

Ja4Fingerprint ComputeJa4(const TlsClientHello& hello) {
    const std::vector<uint16_t> versions = WithoutGrease(hello.supported_versions);
    const uint16_t version =
        versions.empty() ? hello.legacy_version : *std::max_element(versions.begin(), versions.end());
    const std::vector<uint16_t> ciphers = WithoutGrease(hello.cipher_suites);
    const std::vector<uint16_t> extensions = WithoutGrease(hello.extensions);
    const std::vector<uint16_t> signature_algorithms = WithoutGrease(hello.signature_algorithms);
    const bool has_sni = std::find(extensions.begin(), extensions.end(), kServerNameExtension) != extensions.end();

    std::string prefix = "t";
    prefix += Ja4VersionCode(version);
    prefix += has_sni ? 'd' : 'i';
    prefix += TwoDigitCount(ciphers.size());
    prefix += TwoDigitCount(extensions.size());
    prefix += Ja4AlpnCode(hello.alpn.empty() ? std::string_view{} : std::string_view{hello.alpn.front()});

    std::vector<uint16_t> sorted_ciphers = ciphers;
    std::sort(sorted_ciphers.begin(), sorted_ciphers.end());
    std::vector<uint16_t> sorted_extensions;
    std::copy_if(extensions.begin(), extensions.end(), std::back_inserter(sorted_extensions),
                 [](uint16_t type) { return type != kServerNameExtension && type != kAlpnExtension; });
    std::sort(sorted_extensions.begin(), sorted_extensions.end());

    const std::string cipher_text = JoinHex(sorted_ciphers);
    std::string extension_text = JoinHex(sorted_extensions);
    const std::string signature_text = JoinHex(signature_algorithms);
    const std::string signature_suffix = signature_text.empty() ? "" : "_" + signature_text;

    Ja4Fingerprint result;
    const std::string extension_hash =
        sorted_extensions.empty() ? "000000000000" : Sha256Hex12(extension_text + signature_suffix);
    result.ja4 = prefix + "_" + HashOrZeros(cipher_text) + "_" + extension_hash;
    result.raw_sorted = prefix + "_" + cipher_text + "_" + extension_text + signature_suffix;
    result.raw_original = prefix + "_" + JoinHex(ciphers) + "_" + JoinHex(extensions) + signature_suffix;
    return result;
}

Ja4sFingerprint ComputeJa4s(const TlsServerHello& hello) {
    const std::vector<uint16_t> extensions = WithoutGrease(hello.extensions);
    std::string prefix = "t";
    prefix += Ja4VersionCode(hello.selected_version);
    prefix += TwoDigitCount(extensions.size());
    prefix += Ja4AlpnCode(hello.alpn);
    const std::string extension_text = JoinHex(extensions);

    Ja4sFingerprint result;
    result.ja4s = prefix + "_" + Hex4(hello.cipher_suite) + "_" + HashOrZeros(extension_text);
    result.raw = prefix + "_" + Hex4(hello.cipher_suite) + "_" + extension_text;
    return result;
}

} // namespace unmask::dissect
