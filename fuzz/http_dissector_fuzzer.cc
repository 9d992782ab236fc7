// Feeds arbitrary bytes to the HTTP/1.x dissector as the two streams of one connection: the
// bytes before the first NUL are the client stream, the rest the server stream. The first byte
// sets the segment size; when its high bit is set, a gap is reported in each stream after the
// first segment. Problems are fine; crashes, hangs and unbounded memory are not.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

#include "dissect/http.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using unmask::dissect::Direction;
    if (size == 0) {
        return 0;
    }
    const size_t segment = (data[0] & 0x3f) + 1;
    const bool with_gap = (data[0] & 0x80) != 0;
    const std::span<const uint8_t> input(data + 1, size - 1);
    const auto* separator = static_cast<const uint8_t*>(std::memchr(input.data(), 0, input.size()));
    const size_t client_size = separator != nullptr ? static_cast<size_t>(separator - input.data()) : input.size();
    const std::span<const uint8_t> client = input.subspan(0, client_size);
    const std::span<const uint8_t> server = input.subspan(std::min(input.size(), client_size + 1));

    unmask::dissect::HttpLimits limits;
    limits.max_header_bytes = 512;
    limits.max_headers = 8;
    limits.max_transactions = 16;
    unmask::dissect::HttpDissector dissector(limits);
    size_t client_at = 0;
    size_t server_at = 0;
    int64_t timestamp = 0;
    while (client_at < client.size() || server_at < server.size()) {
        if (client_at < client.size()) {
            const auto part = client.subspan(client_at, std::min(segment, client.size() - client_at));
            if (dissector.Feed(Direction::kToServer, part, ++timestamp) > part.size()) {
                __builtin_trap();
            }
            client_at += part.size();
            if (with_gap && client_at == part.size()) {
                dissector.Gap(Direction::kToServer, data[0]);
            }
        }
        if (server_at < server.size()) {
            const auto part = server.subspan(server_at, std::min(segment, server.size() - server_at));
            if (dissector.Feed(Direction::kToClient, part, ++timestamp) > part.size()) {
                __builtin_trap();
            }
            server_at += part.size();
            if (with_gap && server_at == part.size()) {
                dissector.Gap(Direction::kToClient, data[0]);
            }
        }
    }
    dissector.Finish();
    if (dissector.transactions().size() > limits.max_transactions) {
        __builtin_trap();
    }
    unmask::dissect::LooksLikeHttpRequest(input);
    unmask::dissect::LooksLikeHttpResponse(input);
    return 0;
}
