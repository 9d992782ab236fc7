// libFuzzer target: feeds arbitrary bytes to a TlsDecryptor with a fixed session, split into both
// directions at input-chosen boundaries. The first byte picks the session (TLS 1.3 AES-GCM or
// ChaCha20, TLS 1.2 GCM or CBC with and without encrypt-then-MAC, TLS 1.0 CBC, or none) and
// whether SetSession happens before the first byte or after the first chunk. Then each chunk
// starts with a control byte: bit 7 picks the direction, bits 0-6 the chunk length (0 means a
// reassembly gap).
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "dissect/tls_decrypt.h"

namespace {

using unmask::dissect::Direction;

struct FuzzSession {
    uint16_t version;
    uint16_t cipher_suite;
    bool encrypt_then_mac;
};

constexpr FuzzSession kSessions[] = {
    {0x0304, 0x1301, false}, {0x0304, 0x1303, false}, {0x0303, 0xC02F, false}, {0x0303, 0xCCA8, false},
    {0x0303, 0xC028, true},  {0x0303, 0xC028, false}, {0x0301, 0x0035, false}, {0x0302, 0xC013, true},
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) {
        return 0;
    }
    const uint8_t selector = data[0];
    uint64_t plaintext_bytes = 0;
    unmask::dissect::TlsDecryptor decryptor(
        [&](Direction, uint8_t, std::span<const uint8_t> plaintext) { plaintext_bytes += plaintext.size(); });
    const size_t session_index = selector % (std::size(kSessions) + 1);
    const bool late_session = (selector & 0x80) != 0;
    const auto set_session = [&] {
        if (session_index == std::size(kSessions)) {
            return;
        }
        const FuzzSession& session = kSessions[session_index];
        unmask::dissect::TlsSessionParameters parameters;
        parameters.version = session.version;
        parameters.cipher_suite = session.cipher_suite;
        parameters.encrypt_then_mac = session.encrypt_then_mac;
        unmask::dissect::TlsSessionSecrets secrets;
        const size_t secret_length = session.cipher_suite == 0x1302 ? 48 : 32;
        secrets.master_secret = std::string(48, '\x42');
        // With (selector & 0x40) the handshake secrets are missing, so records take the trial path.
        if ((selector & 0x40) == 0) {
            secrets.client_handshake_traffic_secret = std::string(secret_length, '\x01');
            secrets.server_handshake_traffic_secret = std::string(secret_length, '\x02');
        }
        secrets.client_traffic_secret_0 = std::string(secret_length, '\x03');
        secrets.server_traffic_secret_0 = std::string(secret_length, '\x04');
        (void)decryptor.SetSession(parameters, secrets);
    };
    if (!late_session) {
        set_session();
    }
    std::span<const uint8_t> input(data + 1, size - 1);
    bool first_chunk = true;
    while (!input.empty()) {
        const uint8_t control = input[0];
        input = input.subspan(1);
        const auto direction = (control & 0x80) != 0 ? Direction::kToClient : Direction::kToServer;
        const size_t length = control & 0x7f;
        if (length == 0) {
            decryptor.Gap(direction, 1);
            continue;
        }
        const size_t take = length == 0x7f ? input.size() : (length < input.size() ? length : input.size());
        decryptor.Feed(direction, input.first(take));
        input = input.subspan(take);
        if (first_chunk && late_session) {
            set_session();
        }
        first_chunk = false;
    }
    (void)decryptor.stats().outcome();
    // Every plaintext byte passed to the sink is counted in the stats, and vice versa.
    const auto& stats = decryptor.stats();
    if (stats.directions[0].plaintext_bytes + stats.directions[1].plaintext_bytes != plaintext_bytes) {
        __builtin_trap();
    }
    return 0;
}
