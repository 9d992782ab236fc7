#include "dissect/x509.h"

#include <algorithm>
#include <array>
#include <ctime>
#include <memory>
#include <string>

#include <arpa/inet.h>
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "dissect/x509_internal.h"

namespace unmask::dissect {
namespace {

struct BioFree {
    void operator()(BIO* bio) const { BIO_free(bio); }
};
struct PkeyFree {
    void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct BnFree {
    void operator()(BIGNUM* number) const { BN_free(number); }
};
struct GeneralNamesFree {
    void operator()(GENERAL_NAMES* names) const { GENERAL_NAMES_free(names); }
};
struct BasicConstraintsFree {
    void operator()(BASIC_CONSTRAINTS* constraints) const { BASIC_CONSTRAINTS_free(constraints); }
};

std::string ReadBio(BIO* bio) {
    char* data = nullptr;
    const long length = BIO_get_mem_data(bio, &data);
    if (length <= 0 || data == nullptr) {
        return {};
    }
    return std::string(data, static_cast<size_t>(length));
}

std::string HexLower(const unsigned char* bytes, size_t length) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string hex;
    hex.reserve(length * 2);
    for (size_t i = 0; i < length; ++i) {
        hex.push_back(kDigits[bytes[i] >> 4]);
        hex.push_back(kDigits[bytes[i] & 0x0f]);
    }
    return hex;
}

std::string PrintName(const X509_NAME* name) {
    std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
    if (!bio || X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253) < 0) {
        return {};
    }
    return ReadBio(bio.get());
}

std::string LastCommonName(const X509_NAME* name) {
    int position = -1;
    for (;;) {
        const int next = X509_NAME_get_index_by_NID(name, NID_commonName, position);
        if (next < 0) {
            break;
        }
        position = next;
    }
    if (position < 0) {
        return {};
    }
    const ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, position));
    unsigned char* utf8 = nullptr;
    const int length = ASN1_STRING_to_UTF8(&utf8, data);
    if (length < 0 || utf8 == nullptr) {
        return {};
    }
    std::string result(reinterpret_cast<const char*>(utf8), static_cast<size_t>(length));
    OPENSSL_free(utf8);
    return result;
}

std::string ObjectLongName(const ASN1_OBJECT* object) {
    std::array<char, 256> buffer{};
    const int length = OBJ_obj2txt(buffer.data(), static_cast<int>(buffer.size()), object, 0);
    if (length <= 0) {
        return {};
    }
    return std::string(buffer.data(), std::min(static_cast<size_t>(length), buffer.size() - 1));
}

/// Converts an ASN.1 time to seconds since the epoch, or nullopt when OpenSSL rejects its format.
std::optional<int64_t> AsnTimeToUnix(const ASN1_TIME* time) {
    std::tm parts{};
    if (time == nullptr || ASN1_TIME_to_tm(time, &parts) != 1) {
        return std::nullopt;
    }
    return static_cast<int64_t>(timegm(&parts));
}

void ReadSerial(const X509* cert, Certificate& out) {
    const ASN1_INTEGER* serial = X509_get0_serialNumber(cert);
    std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
    if (bio && i2a_ASN1_INTEGER(bio.get(), serial) >= 0) {
        out.serial = ReadBio(bio.get());
    }
    std::unique_ptr<BIGNUM, BnFree> number(ASN1_INTEGER_to_BN(serial, nullptr));
    if (number) {
        char* decimal = BN_bn2dec(number.get());
        if (decimal != nullptr) {
            out.serial_decimal = decimal;
            OPENSSL_free(decimal);
        }
    }
}

unsigned BnParamBits(const EVP_PKEY* key, const char* parameter) {
    BIGNUM* value = nullptr;
    if (EVP_PKEY_get_bn_param(key, parameter, &value) != 1) {
        return 0;
    }
    std::unique_ptr<BIGNUM, BnFree> owned(value);
    return static_cast<unsigned>(BN_num_bits(owned.get()));
}

void ReadPublicKey(X509* cert, Certificate& out) {
    ASN1_OBJECT* algorithm = nullptr;
    X509_PUBKEY_get0_param(&algorithm, nullptr, nullptr, nullptr, X509_get_X509_PUBKEY(cert));
    if (algorithm != nullptr) {
        out.key_algorithm = ObjectLongName(algorithm);
    }
    // NOTE: Zeek rewrites the md5WithRSAEncryption key OID that some RDP certificates carry to
    // rsaEncryption before extracting the key. Here such a key stays unread (key_type "").
    std::unique_ptr<EVP_PKEY, PkeyFree> key(X509_get_pubkey(cert));
    if (!key) {
        out.problems.emplace_back("unreadable_public_key");
        return;
    }
    switch (EVP_PKEY_get_base_id(key.get())) {
    case EVP_PKEY_RSA: {
        out.key_type = "rsa";
        out.key_length = static_cast<int>(BnParamBits(key.get(), OSSL_PKEY_PARAM_RSA_N));
        BIGNUM* exponent = nullptr;
        if (EVP_PKEY_get_bn_param(key.get(), OSSL_PKEY_PARAM_RSA_E, &exponent) == 1) {
            std::unique_ptr<BIGNUM, BnFree> owned(exponent);
            char* decimal = BN_bn2dec(owned.get());
            if (decimal != nullptr) {
                out.exponent = decimal;
                OPENSSL_free(decimal);
            }
        }
        break;
    }
    case EVP_PKEY_DSA:
        out.key_type = "dsa";
        out.key_length = static_cast<int>(BnParamBits(key.get(), OSSL_PKEY_PARAM_FFC_P));
        break;
    case EVP_PKEY_EC: {
        out.key_type = "ecdsa";
        out.key_length = static_cast<int>(BnParamBits(key.get(), OSSL_PKEY_PARAM_EC_ORDER));
        std::array<char, 128> group{};
        if (EVP_PKEY_get_utf8_string_param(key.get(), OSSL_PKEY_PARAM_GROUP_NAME, group.data(), group.size(),
                                           nullptr) == 1) {
            out.curve = group.data();
        }
        break;
    }
    case EVP_PKEY_ED25519:
        out.key_type = "ed25519";
        out.key_length = EVP_PKEY_get_bits(key.get());
        break;
    case EVP_PKEY_ED448:
        out.key_type = "ed448";
        out.key_length = EVP_PKEY_get_bits(key.get());
        break;
    default:
        out.key_length = std::max(0, EVP_PKEY_get_bits(key.get()));
        break;
    }
    if (out.self_issued) {
        out.self_signed = X509_verify(cert, key.get()) == 1;
    }
}

std::string IpText(const ASN1_OCTET_STRING* address) {
    std::array<char, INET6_ADDRSTRLEN> text{};
    const int length = ASN1_STRING_length(address);
    const unsigned char* bytes = ASN1_STRING_get0_data(address);
    if (length == 4 && inet_ntop(AF_INET, bytes, text.data(), text.size()) != nullptr) {
        return text.data();
    }
    if (length == 16 && inet_ntop(AF_INET6, bytes, text.data(), text.size()) != nullptr) {
        return text.data();
    }
    return {};
}

void ReadSubjectAltNames(X509* cert, Certificate& out) {
    int critical = 0;
    std::unique_ptr<GENERAL_NAMES, GeneralNamesFree> names(
        static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, &critical, nullptr)));
    if (!names) {
        // -1: absent; -2: more than one; otherwise the extension did not decode.
        if (critical != -1) {
            out.problems.emplace_back("invalid_san");
        }
        return;
    }
    for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
        const GENERAL_NAME* name = sk_GENERAL_NAME_value(names.get(), i);
        if (name->type == GEN_DNS || name->type == GEN_URI || name->type == GEN_EMAIL) {
            // Zeek skips (and reports) names that are not IA5String.
            if (ASN1_STRING_type(name->d.ia5) != V_ASN1_IA5STRING) {
                out.problems.emplace_back("san_non_string");
                continue;
            }
            std::string value(reinterpret_cast<const char*>(ASN1_STRING_get0_data(name->d.ia5)),
                              static_cast<size_t>(ASN1_STRING_length(name->d.ia5)));
            if (name->type == GEN_DNS) {
                out.san_dns.push_back(std::move(value));
            } else if (name->type == GEN_URI) {
                out.san_uri.push_back(std::move(value));
            } else {
                out.san_email.push_back(std::move(value));
            }
        } else if (name->type == GEN_IPADD) {
            std::string text = IpText(name->d.ip);
            if (text.empty()) {
                out.problems.emplace_back("san_ip_length");
                continue;
            }
            out.san_ip.push_back(std::move(text));
        } else {
            out.san_other_fields = true;
        }
    }
}

void ReadBasicConstraints(X509* cert, Certificate& out) {
    int critical = 0;
    std::unique_ptr<BASIC_CONSTRAINTS, BasicConstraintsFree> constraints(
        static_cast<BASIC_CONSTRAINTS*>(X509_get_ext_d2i(cert, NID_basic_constraints, &critical, nullptr)));
    if (!constraints) {
        if (critical != -1) {
            out.problems.emplace_back("invalid_basic_constraints");
        }
        return;
    }
    out.has_basic_constraints = true;
    out.is_ca = constraints->ca != 0;
    if (constraints->pathlen != nullptr) {
        int64_t path_length = 0;
        if (ASN1_INTEGER_get_int64(&path_length, constraints->pathlen) == 1) {
            out.path_length = path_length;
        }
    }
}

} // namespace

std::unique_ptr<X509, X509Free> DecodeCertificate(std::span<const uint8_t> der, size_t* consumed) {
    const unsigned char* cursor = der.data();
    std::unique_ptr<X509, X509Free> cert(d2i_X509(nullptr, &cursor, static_cast<long>(der.size())));
    if (consumed != nullptr) {
        *consumed = cert ? static_cast<size_t>(cursor - der.data()) : 0;
    }
    return cert;
}

Result<Certificate> ParseCertificate(std::span<const uint8_t> der) {
    if (der.size() > kMaxCertificateBytes) {
        return Status(ErrorKind::kLimitExceeded, "certificate of " + std::to_string(der.size()) +
                                                     " bytes exceeds the limit of " +
                                                     std::to_string(kMaxCertificateBytes) + " bytes");
    }
    if (der.empty()) {
        return Status(ErrorKind::kInvalidInput, "certificate is empty");
    }
    size_t consumed = 0;
    std::unique_ptr<X509, X509Free> cert = DecodeCertificate(der, &consumed);
    if (!cert) {
        return Status(ErrorKind::kInvalidInput, "invalid DER certificate: " + OpenSslErrorText());
    }

    Certificate out;
    if (consumed != der.size()) {
        out.problems.emplace_back("trailing_bytes");
    }
    out.version = static_cast<int>(X509_get_version(cert.get())) + 1;
    ReadSerial(cert.get(), out);
    const X509_NAME* subject = X509_get_subject_name(cert.get());
    const X509_NAME* issuer = X509_get_issuer_name(cert.get());
    out.subject = PrintName(subject);
    out.issuer = PrintName(issuer);
    out.common_name = LastCommonName(subject);
    out.self_issued = X509_NAME_cmp(subject, issuer) == 0;

    const std::optional<int64_t> not_before = AsnTimeToUnix(X509_get0_notBefore(cert.get()));
    const std::optional<int64_t> not_after = AsnTimeToUnix(X509_get0_notAfter(cert.get()));
    if (!not_before) {
        out.problems.emplace_back("invalid_not_before");
    }
    if (!not_after) {
        out.problems.emplace_back("invalid_not_after");
    }
    out.not_valid_before = not_before.value_or(0);
    out.not_valid_after = not_after.value_or(0);

    const int signature_nid = X509_get_signature_nid(cert.get());
    if (signature_nid != NID_undef) {
        out.signature_algorithm = OBJ_nid2ln(signature_nid);
    } else {
        const X509_ALGOR* algorithm = nullptr;
        X509_get0_signature(nullptr, &algorithm, cert.get());
        const ASN1_OBJECT* object = nullptr;
        X509_ALGOR_get0(&object, nullptr, nullptr, algorithm);
        out.signature_algorithm = object != nullptr ? ObjectLongName(object) : "";
    }

    ReadPublicKey(cert.get(), out);
    ReadSubjectAltNames(cert.get(), out);
    ReadBasicConstraints(cert.get(), out);

    std::array<unsigned char, SHA_DIGEST_LENGTH> sha1{};
    SHA1(der.data(), der.size(), sha1.data());
    out.sha1 = HexLower(sha1.data(), sha1.size());
    std::array<unsigned char, SHA256_DIGEST_LENGTH> sha256{};
    SHA256(der.data(), der.size(), sha256.data());
    out.sha256 = HexLower(sha256.data(), sha256.size());
    ERR_clear_error();
    return out;
}

} // namespace unmask::dissect
