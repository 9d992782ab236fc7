#include <array>
#include <cstdlib>
#include <fstream>

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include "dissect/x509.h"
#include "dissect/x509_internal.h"

namespace unmask::dissect {
namespace {

struct X509StoreFree {
    void operator()(X509_STORE* store) const { X509_STORE_free(store); }
};
struct X509StoreCtxFree {
    void operator()(X509_STORE_CTX* context) const { X509_STORE_CTX_free(context); }
};
struct X509StackFree {
    void operator()(STACK_OF(X509) * stack) const { sk_X509_pop_free(stack, X509_free); }
};

size_t CountCertificates(X509_STORE* store) {
    size_t count = 0;
    STACK_OF(X509_OBJECT)* objects = X509_STORE_get0_objects(store);
    for (int i = 0; i < sk_X509_OBJECT_num(objects); ++i) {
        if (X509_OBJECT_get_type(sk_X509_OBJECT_value(objects, i)) == X509_LU_X509) {
            ++count;
        }
    }
    return count;
}

std::string LowerWithoutTrailingDot(std::string_view text) {
    if (!text.empty() && text.back() == '.') {
        text.remove_suffix(1);
    }
    std::string lower(text);
    for (char& c : lower) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return lower;
}

/// Parses an IPv4 or IPv6 address into its network-order bytes; empty when `text` is neither.
std::string AddressBytes(const std::string& text) {
    std::array<unsigned char, 16> bytes{};
    if (inet_pton(AF_INET, text.c_str(), bytes.data()) == 1) {
        return std::string(reinterpret_cast<const char*>(bytes.data()), 4);
    }
    std::string unbracketed = text;
    if (unbracketed.size() > 2 && unbracketed.front() == '[' && unbracketed.back() == ']') {
        unbracketed = unbracketed.substr(1, unbracketed.size() - 2);
    }
    if (inet_pton(AF_INET6, unbracketed.c_str(), bytes.data()) == 1) {
        return std::string(reinterpret_cast<const char*>(bytes.data()), 16);
    }
    return {};
}

/// Matches a lowercase host name against one certificate name. Only a complete left-most "*"
/// label is a wildcard, it matches one non-empty label, and at least two labels must follow it.
bool MatchesPattern(const std::string& host, std::string_view pattern_text) {
    const std::string pattern = LowerWithoutTrailingDot(pattern_text);
    if (pattern.empty() || host.empty()) {
        return false;
    }
    if (!pattern.starts_with("*.")) {
        return pattern == host;
    }
    const std::string_view suffix = std::string_view(pattern).substr(1); // ".example.com"
    if (suffix.find('.', 1) == std::string_view::npos || suffix.find('*') != std::string_view::npos) {
        return false;
    }
    const size_t first_dot = host.find('.');
    if (first_dot == std::string::npos || first_dot == 0) {
        return false;
    }
    return std::string_view(host).substr(first_dot) == suffix;
}

} // namespace

std::string OpenSslErrorText() {
    const unsigned long code = ERR_get_error();
    ERR_clear_error();
    if (code == 0) {
        return "unknown OpenSSL error";
    }
    std::array<char, 256> text{};
    ERR_error_string_n(code, text.data(), text.size());
    return text.data();
}

Result<TrustStore> TrustStore::LoadSystem() {
    std::shared_ptr<X509_STORE> store(X509_STORE_new(), X509StoreFree{});
    if (!store) {
        return Status(ErrorKind::kInternal, "X509_STORE_new failed: " + OpenSslErrorText());
    }
    const char* file = std::getenv(X509_get_default_cert_file_env());
    if (file == nullptr) {
        file = X509_get_default_cert_file();
    }
    const char* directory = std::getenv(X509_get_default_cert_dir_env());
    if (directory == nullptr) {
        directory = X509_get_default_cert_dir();
    }
    X509_STORE_load_file(store.get(), file);
    X509_STORE_load_path(store.get(), directory);
    ERR_clear_error();
    const size_t count = CountCertificates(store.get());
    if (count == 0) {
        return Status(ErrorKind::kIo, std::string("no trusted certificate found in ") + file +
                                          "; install ca-certificates or set SSL_CERT_FILE");
    }
    return TrustStore(std::move(store), count);
}

Result<TrustStore> TrustStore::LoadFile(const std::string& pem_path) {
    if (!std::ifstream(pem_path).good()) {
        return Status(ErrorKind::kIo, "cannot open trust store file " + pem_path);
    }
    std::shared_ptr<X509_STORE> store(X509_STORE_new(), X509StoreFree{});
    if (!store) {
        return Status(ErrorKind::kInternal, "X509_STORE_new failed: " + OpenSslErrorText());
    }
    if (X509_STORE_load_file(store.get(), pem_path.c_str()) != 1) {
        return Status(ErrorKind::kInvalidInput,
                      "no PEM certificate could be read from " + pem_path + ": " + OpenSslErrorText());
    }
    const size_t count = CountCertificates(store.get());
    if (count == 0) {
        return Status(ErrorKind::kInvalidInput, "no PEM certificate found in " + pem_path);
    }
    return TrustStore(std::move(store), count);
}

ChainVerification TrustStore::Verify(const std::vector<std::string>& der_chain, int64_t at_unix_seconds) const {
    if (der_chain.empty()) {
        return {false, "no certificate in chain"};
    }
    auto as_bytes = [](const std::string& der) {
        return std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(der.data()), der.size());
    };
    std::unique_ptr<X509, X509Free> leaf = DecodeCertificate(as_bytes(der_chain[0]), nullptr);
    if (!leaf) {
        ERR_clear_error();
        return {false, "invalid DER certificate at chain position 0"};
    }
    std::unique_ptr<STACK_OF(X509), X509StackFree> untrusted(sk_X509_new_null());
    for (size_t i = 1; i < der_chain.size(); ++i) {
        std::unique_ptr<X509, X509Free> intermediate = DecodeCertificate(as_bytes(der_chain[i]), nullptr);
        if (!intermediate) {
            ERR_clear_error();
            return {false, "invalid DER certificate at chain position " + std::to_string(i)};
        }
        if (sk_X509_push(untrusted.get(), intermediate.get()) > 0) {
            intermediate.release(); // the stack owns it now
        }
    }
    std::unique_ptr<X509_STORE_CTX, X509StoreCtxFree> context(X509_STORE_CTX_new());
    if (!context || X509_STORE_CTX_init(context.get(), store_.get(), leaf.get(), untrusted.get()) != 1) {
        return {false, "verification setup failed: " + OpenSslErrorText()};
    }
    X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(context.get()), static_cast<time_t>(at_unix_seconds));
    const int verified = X509_verify_cert(context.get());
    const int error = X509_STORE_CTX_get_error(context.get());
    ERR_clear_error();
    if (verified == 1) {
        return {true, X509_verify_cert_error_string(X509_V_OK)};
    }
    return {false, X509_verify_cert_error_string(error)};
}

bool CertificateMatchesName(const Certificate& certificate, std::string_view name) {
    const std::string host = LowerWithoutTrailingDot(name);
    if (host.empty()) {
        return false;
    }
    const std::string address = AddressBytes(host);
    if (!address.empty()) {
        for (const std::string& san_ip : certificate.san_ip) {
            if (AddressBytes(san_ip) == address) {
                return true;
            }
        }
        return false;
    }
    if (!certificate.san_dns.empty()) {
        for (const std::string& san_dns : certificate.san_dns) {
            if (MatchesPattern(host, san_dns)) {
                return true;
            }
        }
        return false;
    }
    return MatchesPattern(host, certificate.common_name);
}

bool DnsNameMatches(std::string_view pattern, std::string_view name) {
    const std::string host = LowerWithoutTrailingDot(name);
    return !host.empty() && MatchesPattern(host, pattern);
}

} // namespace unmask::dissect
