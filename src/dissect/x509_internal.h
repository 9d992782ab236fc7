// OpenSSL helpers shared by the certificate parser and the chain verifier.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include <openssl/x509.h>

namespace unmask::dissect {

struct X509Free {
    void operator()(X509* cert) const { X509_free(cert); }
};

/// Decodes one DER certificate from the start of `der`; null when it is none. Stores the number
/// of bytes used in `*consumed` when that is not null.
std::unique_ptr<X509, X509Free> DecodeCertificate(std::span<const uint8_t> der, size_t* consumed);

/// Returns and clears the text of the oldest error in OpenSSL's thread-local error queue, or
/// "unknown OpenSSL error" when the queue is empty.
std::string OpenSslErrorText();

} // namespace unmask::dissect
