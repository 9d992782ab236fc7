#include "dissect/tls_decrypt_crypto.h"

#include <algorithm>
#include <array>
#include <cstring>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>

namespace unmask::dissect {
namespace {

constexpr size_t kAeadTagLength = 16;
constexpr size_t kAeadNonceLength = 12;
constexpr size_t kGcmSaltLength = 4;
constexpr size_t kGcmExplicitNonceLength = 8;
constexpr uint16_t kTls11 = 0x0302;
constexpr uint16_t kTls12 = 0x0303;

using Kind = TlsCipherKind;

// Suites by IANA number (RFC 8446 appendix B.4, RFC 5246 appendix A.5, RFC 5288, RFC 5289,
// RFC 7905). Each key exchange (RSA, DHE_RSA, ECDHE_RSA, ECDHE_ECDSA) of a cipher shares the row
// shape, because the key log already contains the master secret.
constexpr TlsCipherSuiteInfo kSuites[] = {
    // TLS 1.3
    {0x1301, Kind::kAesGcm, "AES-128-GCM", 16, "", 0, "SHA256", true, true},
    {0x1302, Kind::kAesGcm, "AES-256-GCM", 32, "", 0, "SHA384", true, true},
    {0x1303, Kind::kChaCha20Poly1305, "ChaCha20-Poly1305", 32, "", 0, "SHA256", true, true},
    // AES-GCM: RSA, DHE_RSA, ECDHE_ECDSA, ECDHE_RSA
    {0x009C, Kind::kAesGcm, "AES-128-GCM", 16, "", 0, "SHA256", false, true},
    {0x009D, Kind::kAesGcm, "AES-256-GCM", 32, "", 0, "SHA384", false, true},
    {0x009E, Kind::kAesGcm, "AES-128-GCM", 16, "", 0, "SHA256", false, true},
    {0x009F, Kind::kAesGcm, "AES-256-GCM", 32, "", 0, "SHA384", false, true},
    {0xC02B, Kind::kAesGcm, "AES-128-GCM", 16, "", 0, "SHA256", false, true},
    {0xC02C, Kind::kAesGcm, "AES-256-GCM", 32, "", 0, "SHA384", false, true},
    {0xC02F, Kind::kAesGcm, "AES-128-GCM", 16, "", 0, "SHA256", false, true},
    {0xC030, Kind::kAesGcm, "AES-256-GCM", 32, "", 0, "SHA384", false, true},
    // ChaCha20-Poly1305: ECDHE_RSA, ECDHE_ECDSA, DHE_RSA
    {0xCCA8, Kind::kChaCha20Poly1305, "ChaCha20-Poly1305", 32, "", 0, "SHA256", false, true},
    {0xCCA9, Kind::kChaCha20Poly1305, "ChaCha20-Poly1305", 32, "", 0, "SHA256", false, true},
    {0xCCAA, Kind::kChaCha20Poly1305, "ChaCha20-Poly1305", 32, "", 0, "SHA256", false, true},
    // CBC with HMAC-SHA1: RSA, DHE_RSA, ECDHE_ECDSA, ECDHE_RSA; allowed from TLS 1.0 on
    {0x002F, Kind::kCbc, "AES-128-CBC", 16, "SHA1", 20, "SHA256", false, false},
    {0x0035, Kind::kCbc, "AES-256-CBC", 32, "SHA1", 20, "SHA256", false, false},
    {0x0033, Kind::kCbc, "AES-128-CBC", 16, "SHA1", 20, "SHA256", false, false},
    {0x0039, Kind::kCbc, "AES-256-CBC", 32, "SHA1", 20, "SHA256", false, false},
    {0xC009, Kind::kCbc, "AES-128-CBC", 16, "SHA1", 20, "SHA256", false, false},
    {0xC00A, Kind::kCbc, "AES-256-CBC", 32, "SHA1", 20, "SHA256", false, false},
    {0xC013, Kind::kCbc, "AES-128-CBC", 16, "SHA1", 20, "SHA256", false, false},
    {0xC014, Kind::kCbc, "AES-256-CBC", 32, "SHA1", 20, "SHA256", false, false},
    // NOTE: no test covers the 3DES rows, because this OpenSSL build offers no 3DES suite to Python.
    {0x000A, Kind::kCbc, "DES-EDE3-CBC", 24, "SHA1", 20, "SHA256", false, false},
    {0x0016, Kind::kCbc, "DES-EDE3-CBC", 24, "SHA1", 20, "SHA256", false, false},
    {0xC008, Kind::kCbc, "DES-EDE3-CBC", 24, "SHA1", 20, "SHA256", false, false},
    {0xC012, Kind::kCbc, "DES-EDE3-CBC", 24, "SHA1", 20, "SHA256", false, false},
    // CBC with HMAC-SHA256/384, TLS 1.2 only
    {0x003C, Kind::kCbc, "AES-128-CBC", 16, "SHA256", 32, "SHA256", false, true},
    {0x003D, Kind::kCbc, "AES-256-CBC", 32, "SHA256", 32, "SHA256", false, true},
    {0x0067, Kind::kCbc, "AES-128-CBC", 16, "SHA256", 32, "SHA256", false, true},
    {0x006B, Kind::kCbc, "AES-256-CBC", 32, "SHA256", 32, "SHA256", false, true},
    {0xC023, Kind::kCbc, "AES-128-CBC", 16, "SHA256", 32, "SHA256", false, true},
    {0xC024, Kind::kCbc, "AES-256-CBC", 32, "SHA384", 48, "SHA384", false, true},
    {0xC027, Kind::kCbc, "AES-128-CBC", 16, "SHA256", 32, "SHA256", false, true},
    {0xC028, Kind::kCbc, "AES-256-CBC", 32, "SHA384", 48, "SHA384", false, true},
};

// OpenSSL algorithm objects, fetched once per process on first use (thread-safe static init).
struct Algorithms {
    EVP_KDF* tls1_prf = EVP_KDF_fetch(nullptr, "TLS1-PRF", nullptr);
    EVP_KDF* hkdf = EVP_KDF_fetch(nullptr, "HKDF", nullptr);
    EVP_MAC* hmac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    std::array<EVP_CIPHER*, 5> ciphers = {
        EVP_CIPHER_fetch(nullptr, "AES-128-GCM", nullptr), EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr),
        EVP_CIPHER_fetch(nullptr, "ChaCha20-Poly1305", nullptr), EVP_CIPHER_fetch(nullptr, "AES-128-CBC", nullptr),
        EVP_CIPHER_fetch(nullptr, "AES-256-CBC", nullptr)};
    // Kept apart: some builds move 3DES to the legacy provider, and then it is null.
    EVP_CIPHER* des_ede3_cbc = EVP_CIPHER_fetch(nullptr, "DES-EDE3-CBC", nullptr);

    const EVP_CIPHER* Cipher(const char* name) const {
        if (std::strcmp(name, "DES-EDE3-CBC") == 0) {
            return des_ede3_cbc;
        }
        for (EVP_CIPHER* cipher : ciphers) {
            if (cipher != nullptr && EVP_CIPHER_is_a(cipher, name)) {
                return cipher;
            }
        }
        return nullptr;
    }
};

const Algorithms& GetAlgorithms() {
    static const Algorithms algorithms;
    return algorithms;
}

Result<std::string> RunKdf(EVP_KDF* kdf, const char* kdf_name, OSSL_PARAM* params, size_t length) {
    if (kdf == nullptr) {
        return Status(ErrorKind::kInternal, std::string("OpenSSL has no ") + kdf_name + " KDF");
    }
    EVP_KDF_CTX* context = EVP_KDF_CTX_new(kdf);
    if (context == nullptr) {
        return Status(ErrorKind::kInternal, std::string("failed to create the ") + kdf_name + " context");
    }
    std::string out(length, '\0');
    const int ok = EVP_KDF_derive(context, reinterpret_cast<unsigned char*>(out.data()), length, params);
    EVP_KDF_CTX_free(context);
    if (ok <= 0) {
        return Status(ErrorKind::kInternal, std::string(kdf_name) + " derivation failed");
    }
    return out;
}

Result<std::string> TlsPrf(const char* digest, std::string_view secret, std::string_view label_and_seed,
                           size_t length) {
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, const_cast<char*>(digest), 0),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SECRET, const_cast<char*>(secret.data()), secret.size()),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SEED, const_cast<char*>(label_and_seed.data()),
                                          label_and_seed.size()),
        OSSL_PARAM_construct_end(),
    };
    return RunKdf(GetAlgorithms().tls1_prf, "TLS1-PRF", params, length);
}

void StoreSequenceHeader(uint8_t* out, uint64_t sequence, uint8_t type, uint16_t version, size_t length) {
    for (int i = 0; i < 8; ++i) {
        out[i] = static_cast<uint8_t>(sequence >> (56 - 8 * i));
    }
    out[8] = type;
    out[9] = static_cast<uint8_t>(version >> 8);
    out[10] = static_cast<uint8_t>(version);
    out[11] = static_cast<uint8_t>(length >> 8);
    out[12] = static_cast<uint8_t>(length);
}

} // namespace

const TlsCipherSuiteInfo* FindTlsCipherSuite(uint16_t number) {
    for (const TlsCipherSuiteInfo& suite : kSuites) {
        if (suite.number == number) {
            return &suite;
        }
    }
    return nullptr;
}

Status DeriveTls12Keys(const TlsCipherSuiteInfo& suite, uint16_t version, std::string_view master_secret,
                       std::span<const uint8_t> client_random, std::span<const uint8_t> server_random,
                       TlsTrafficKeys& client_keys, TlsTrafficKeys& server_keys) {
    size_t iv_length = 0;
    switch (suite.kind) {
    case TlsCipherKind::kAesGcm:
        iv_length = kGcmSaltLength;
        break;
    case TlsCipherKind::kChaCha20Poly1305:
        iv_length = kAeadNonceLength;
        break;
    case TlsCipherKind::kCbc: {
        const EVP_CIPHER* cipher = GetAlgorithms().Cipher(suite.cipher);
        // Only TLS 1.0 uses these IVs; TLS 1.1 and later send one in each record.
        iv_length = cipher == nullptr ? 16 : static_cast<size_t>(EVP_CIPHER_get_block_size(cipher));
        break;
    }
    }
    std::string seed = "key expansion";
    seed.append(server_random.begin(), server_random.end());
    seed.append(client_random.begin(), client_random.end());
    const size_t length = 2 * (suite.mac_length + suite.key_length + iv_length);
    // TLS 1.0 and 1.1 define the PRF as P_MD5 XOR P_SHA1, which OpenSSL names "MD5-SHA1".
    const char* digest = version < kTls12 ? "MD5-SHA1" : suite.prf_digest;
    UNMASK_ASSIGN_OR_RETURN(std::string block, TlsPrf(digest, master_secret, seed, length));
    size_t offset = 0;
    const auto take = [&](size_t count) {
        std::string part = block.substr(offset, count);
        offset += count;
        return part;
    };
    client_keys.mac_key = take(suite.mac_length);
    server_keys.mac_key = take(suite.mac_length);
    client_keys.key = take(suite.key_length);
    server_keys.key = take(suite.key_length);
    client_keys.iv = take(iv_length);
    server_keys.iv = take(iv_length);
    return Status::Ok();
}

Result<std::string> HkdfExpandLabel(const char* digest, std::string_view secret, std::string_view label,
                                    std::string_view context, size_t length) {
    // struct { uint16 length; opaque label<7..255> = "tls13 " + Label; opaque context<0..255>; }
    std::string info;
    info.push_back(static_cast<char>(length >> 8));
    info.push_back(static_cast<char>(length));
    info.push_back(static_cast<char>(6 + label.size()));
    info += "tls13 ";
    info += label;
    info.push_back(static_cast<char>(context.size()));
    info += context;
    int mode = EVP_KDF_HKDF_MODE_EXPAND_ONLY;
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode),
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, const_cast<char*>(digest), 0),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, const_cast<char*>(secret.data()), secret.size()),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, info.data(), info.size()),
        OSSL_PARAM_construct_end(),
    };
    return RunKdf(GetAlgorithms().hkdf, "HKDF", params, length);
}

Result<TlsTrafficKeys> DeriveTls13Keys(const TlsCipherSuiteInfo& suite, std::string_view traffic_secret) {
    TlsTrafficKeys keys;
    UNMASK_ASSIGN_OR_RETURN(keys.key, HkdfExpandLabel(suite.prf_digest, traffic_secret, "key", "", suite.key_length));
    UNMASK_ASSIGN_OR_RETURN(keys.iv, HkdfExpandLabel(suite.prf_digest, traffic_secret, "iv", "", kAeadNonceLength));
    return keys;
}

struct TlsRecordCipher::Impl {
    const TlsCipherSuiteInfo* suite = nullptr;
    uint16_t version = 0;
    bool encrypt_then_mac = false;
    size_t block_size = 1;
    std::string iv;
    EVP_CIPHER_CTX* cipher_context = nullptr;
    EVP_MAC_CTX* mac_context = nullptr;

    ~Impl() {
        EVP_CIPHER_CTX_free(cipher_context);
        EVP_MAC_CTX_free(mac_context);
    }
};

TlsRecordCipher::TlsRecordCipher(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TlsRecordCipher::~TlsRecordCipher() = default;

Result<std::unique_ptr<TlsRecordCipher>> TlsRecordCipher::Create(const TlsCipherSuiteInfo& suite, uint16_t version,
                                                                 bool encrypt_then_mac, const TlsTrafficKeys& keys) {
    const EVP_CIPHER* cipher = GetAlgorithms().Cipher(suite.cipher);
    if (cipher == nullptr) {
        return Status(ErrorKind::kNotImplemented,
                      std::string("OpenSSL does not provide cipher ") + suite.cipher + " in this build");
    }
    if (keys.key.size() != static_cast<size_t>(EVP_CIPHER_get_key_length(cipher))) {
        return Status(ErrorKind::kInternal, std::string("key length does not fit ") + suite.cipher);
    }
    auto impl = std::make_unique<Impl>();
    impl->suite = &suite;
    impl->version = version;
    impl->encrypt_then_mac = encrypt_then_mac;
    impl->block_size = static_cast<size_t>(EVP_CIPHER_get_block_size(cipher));
    impl->iv = keys.iv;
    impl->cipher_context = EVP_CIPHER_CTX_new();
    if (impl->cipher_context == nullptr ||
        EVP_DecryptInit_ex2(impl->cipher_context, cipher, reinterpret_cast<const unsigned char*>(keys.key.data()),
                            nullptr, nullptr) <= 0) {
        return Status(ErrorKind::kInternal, std::string("failed to set up ") + suite.cipher);
    }
    if (suite.kind == TlsCipherKind::kCbc) {
        EVP_MAC* hmac = GetAlgorithms().hmac;
        impl->mac_context = hmac == nullptr ? nullptr : EVP_MAC_CTX_new(hmac);
        OSSL_PARAM params[] = {
            OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>(suite.mac_digest), 0),
            OSSL_PARAM_construct_end(),
        };
        if (impl->mac_context == nullptr ||
            EVP_MAC_init(impl->mac_context, reinterpret_cast<const unsigned char*>(keys.mac_key.data()),
                         keys.mac_key.size(), params) <= 0) {
            return Status(ErrorKind::kInternal, std::string("failed to set up HMAC-") + suite.mac_digest);
        }
    }
    return std::unique_ptr<TlsRecordCipher>(new TlsRecordCipher(std::move(impl)));
}

TlsOpenResult TlsRecordCipher::Open(uint64_t sequence, std::span<const uint8_t> header, std::span<const uint8_t> body,
                                    std::vector<uint8_t>& plaintext) {
    plaintext.clear();
    if (impl_->suite->kind == TlsCipherKind::kCbc) {
        return OpenCbc(sequence, header, body, plaintext);
    }
    return OpenAead(sequence, header, body, plaintext);
}

TlsOpenResult TlsRecordCipher::OpenAead(uint64_t sequence, std::span<const uint8_t> header,
                                        std::span<const uint8_t> body, std::vector<uint8_t>& plaintext) {
    const TlsCipherSuiteInfo& suite = *impl_->suite;
    std::array<uint8_t, kAeadNonceLength> nonce{};
    std::array<uint8_t, 13> aad{};
    std::span<const uint8_t> additional_data;
    std::span<const uint8_t> ciphertext;
    if (suite.kind == TlsCipherKind::kAesGcm && !suite.tls13) {
        // RFC 5288: nonce = 4-byte salt from the key block | 8-byte explicit nonce from the record.
        if (body.size() < kGcmExplicitNonceLength + kAeadTagLength) {
            return TlsOpenResult::kMalformed;
        }
        std::memcpy(nonce.data(), impl_->iv.data(), kGcmSaltLength);
        std::memcpy(nonce.data() + kGcmSaltLength, body.data(), kGcmExplicitNonceLength);
        ciphertext = body.subspan(kGcmExplicitNonceLength, body.size() - kGcmExplicitNonceLength - kAeadTagLength);
    } else {
        // RFC 8446 section 5.3 and RFC 7905: nonce = IV XOR the sequence number, left-padded.
        if (body.size() < kAeadTagLength) {
            return TlsOpenResult::kMalformed;
        }
        std::memcpy(nonce.data(), impl_->iv.data(), kAeadNonceLength);
        for (int i = 0; i < 8; ++i) {
            nonce[kAeadNonceLength - 1 - i] ^= static_cast<uint8_t>(sequence >> (8 * i));
        }
        ciphertext = body.first(body.size() - kAeadTagLength);
    }
    if (suite.tls13) {
        additional_data = header; // TLS 1.3 authenticates the record header as received
    } else {
        StoreSequenceHeader(aad.data(), sequence, header[0], static_cast<uint16_t>((header[1] << 8) | header[2]),
                            ciphertext.size());
        additional_data = aad;
    }
    EVP_CIPHER_CTX* context = impl_->cipher_context;
    auto* tag = const_cast<uint8_t*>(body.data() + body.size() - kAeadTagLength);
    int length = 0;
    if (EVP_DecryptInit_ex2(context, nullptr, nullptr, nonce.data(), nullptr) <= 0 ||
        EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_AEAD_SET_TAG, static_cast<int>(kAeadTagLength), tag) <= 0 ||
        EVP_DecryptUpdate(context, nullptr, &length, additional_data.data(),
                          static_cast<int>(additional_data.size())) <= 0) {
        return TlsOpenResult::kAuthenticationFailed;
    }
    plaintext.resize(ciphertext.size() + 16);
    int written = 0;
    if (!ciphertext.empty() && EVP_DecryptUpdate(context, plaintext.data(), &written, ciphertext.data(),
                                                 static_cast<int>(ciphertext.size())) <= 0) {
        return TlsOpenResult::kAuthenticationFailed;
    }
    int final_length = 0;
    if (EVP_DecryptFinal_ex(context, plaintext.data() + written, &final_length) <= 0) {
        plaintext.clear();
        return TlsOpenResult::kAuthenticationFailed;
    }
    plaintext.resize(static_cast<size_t>(written + final_length));
    return TlsOpenResult::kOk;
}

bool TlsRecordCipher::CheckMac(uint64_t sequence, uint8_t type, uint16_t version, std::span<const uint8_t> content,
                               std::span<const uint8_t> mac) {
    std::array<uint8_t, 13> prefix{};
    StoreSequenceHeader(prefix.data(), sequence, type, version, content.size());
    std::array<uint8_t, EVP_MAX_MD_SIZE> computed{};
    size_t computed_length = 0;
    // A null key re-initialises HMAC with the key given at creation.
    if (EVP_MAC_init(impl_->mac_context, nullptr, 0, nullptr) <= 0 ||
        EVP_MAC_update(impl_->mac_context, prefix.data(), prefix.size()) <= 0 ||
        EVP_MAC_update(impl_->mac_context, content.data(), content.size()) <= 0 ||
        EVP_MAC_final(impl_->mac_context, computed.data(), &computed_length, computed.size()) <= 0) {
        return false;
    }
    return computed_length == mac.size() && CRYPTO_memcmp(computed.data(), mac.data(), mac.size()) == 0;
}

bool TlsRecordCipher::DecryptCbc(std::span<const uint8_t> iv, std::span<const uint8_t> ciphertext,
                                 std::vector<uint8_t>& out) {
    EVP_CIPHER_CTX* context = impl_->cipher_context;
    out.resize(ciphertext.size() + impl_->block_size);
    int written = 0;
    int final_length = 0;
    if (EVP_DecryptInit_ex2(context, nullptr, nullptr, iv.data(), nullptr) <= 0 ||
        EVP_CIPHER_CTX_set_padding(context, 0) <= 0 ||
        EVP_DecryptUpdate(context, out.data(), &written, ciphertext.data(), static_cast<int>(ciphertext.size())) <= 0 ||
        EVP_DecryptFinal_ex(context, out.data() + written, &final_length) <= 0) {
        out.clear();
        return false;
    }
    out.resize(static_cast<size_t>(written + final_length));
    return true;
}

TlsOpenResult TlsRecordCipher::OpenCbc(uint64_t sequence, std::span<const uint8_t> header,
                                       std::span<const uint8_t> body, std::vector<uint8_t>& plaintext) {
    const size_t block_size = impl_->block_size;
    const size_t mac_length = impl_->suite->mac_length;
    const uint8_t type = header[0];
    const uint16_t version = static_cast<uint16_t>((header[1] << 8) | header[2]);
    const bool explicit_iv = impl_->version >= kTls11;

    // With encrypt-then-MAC (RFC 7366) the MAC covers the IV and ciphertext and sits after them.
    std::span<const uint8_t> encrypted = body;
    std::span<const uint8_t> trailing_mac;
    if (impl_->encrypt_then_mac) {
        if (body.size() < mac_length) {
            return TlsOpenResult::kMalformed;
        }
        encrypted = body.first(body.size() - mac_length);
        trailing_mac = body.last(mac_length);
    }
    std::span<const uint8_t> iv;
    std::span<const uint8_t> ciphertext = encrypted;
    std::vector<uint8_t> chained_iv(impl_->iv.begin(), impl_->iv.end());
    if (explicit_iv) {
        if (encrypted.size() < block_size) {
            return TlsOpenResult::kMalformed;
        }
        iv = encrypted.first(block_size);
        ciphertext = encrypted.subspan(block_size);
    } else {
        iv = chained_iv;
    }
    if (ciphertext.empty() || ciphertext.size() % block_size != 0 ||
        (!impl_->encrypt_then_mac && ciphertext.size() < mac_length + 1)) {
        return TlsOpenResult::kMalformed;
    }
    if (!explicit_iv) {
        // TLS 1.0 chains records: the last ciphertext block is the next record's IV.
        impl_->iv.assign(reinterpret_cast<const char*>(ciphertext.data() + ciphertext.size() - block_size), block_size);
    }
    if (impl_->encrypt_then_mac && !CheckMac(sequence, type, version, encrypted, trailing_mac)) {
        return TlsOpenResult::kAuthenticationFailed;
    }
    std::vector<uint8_t> decrypted;
    if (!DecryptCbc(iv, ciphertext, decrypted)) {
        return TlsOpenResult::kAuthenticationFailed;
    }
    const size_t padding = decrypted.back();
    if (padding + 1 > decrypted.size()) {
        return TlsOpenResult::kAuthenticationFailed;
    }
    const auto padding_begin = decrypted.end() - static_cast<ptrdiff_t>(padding + 1);
    if (!std::all_of(padding_begin, decrypted.end(), [&](uint8_t byte) { return byte == padding; })) {
        return TlsOpenResult::kAuthenticationFailed;
    }
    decrypted.resize(decrypted.size() - padding - 1);
    if (!impl_->encrypt_then_mac) {
        if (decrypted.size() < mac_length) {
            return TlsOpenResult::kAuthenticationFailed;
        }
        const size_t content_length = decrypted.size() - mac_length;
        const std::span<const uint8_t> content(decrypted.data(), content_length);
        if (!CheckMac(sequence, type, version, content, std::span(decrypted).subspan(content_length))) {
            return TlsOpenResult::kAuthenticationFailed;
        }
        decrypted.resize(content_length);
    }
    plaintext = std::move(decrypted);
    return TlsOpenResult::kOk;
}

} // namespace unmask::dissect
