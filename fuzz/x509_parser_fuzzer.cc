// Parses arbitrary bytes as a DER certificate and, when that succeeds, matches it against a few
// names. Errors are fine; crashes and leaks are not.
#include <cstddef>
#include <cstdint>
#include <span>

#include "dissect/x509.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    unmask::Result<unmask::dissect::Certificate> certificate = unmask::dissect::ParseCertificate(std::span(data, size));
    if (certificate.ok()) {
        unmask::dissect::CertificateMatchesName(*certificate, "www.example.com");
        unmask::dissect::CertificateMatchesName(*certificate, "192.0.2.1");
        unmask::dissect::CertificateMatchesName(*certificate, "2001:db8::1");
    }
    return 0;
}
