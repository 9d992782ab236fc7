// Feeds arbitrary bytes to the HTTP/2 dissector as the two directions of one connection. The client
// direction is the preface followed by the input bytes before the first "\xff\xfe" pair, the server
// direction the rest. The first byte sets the segment size; when its high bit is set, a gap is reported in
// each direction after the first segment. Problems are fine; crashes, hangs and unbounded memory are not.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "dissect/http2.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using unmask::dissect::Direction;
    if (size == 0) {
        return 0;
    }
    const size_t segment = (data[0] & 0x3f) + 1;
    const bool with_gap = (data[0] & 0x80) != 0;
    const std::span<const uint8_t> input(data + 1, size - 1);
    size_t client_size = input.size();
    for (size_t i = 0; i + 1 < input.size(); ++i) {
        if (input[i] == 0xff && input[i + 1] == 0xfe) {
            client_size = i;
            break;
        }
    }
    constexpr std::string_view kPreface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
    std::vector<uint8_t> client(kPreface.begin(), kPreface.end());
    client.insert(client.end(), input.begin(), input.begin() + static_cast<std::ptrdiff_t>(client_size));
    const std::span<const uint8_t> server = input.subspan(std::min(input.size(), client_size + 2));

    unmask::dissect::Http2Limits limits;
    limits.max_header_list_bytes = 1024;
    limits.max_headers = 8;
    limits.max_transactions = 16;
    unmask::dissect::Http2Dissector dissector(limits);
    size_t client_at = 0;
    size_t server_at = 0;
    int64_t timestamp = 0;
    while (client_at < client.size() || server_at < server.size()) {
        if (client_at < client.size()) {
            const size_t count = std::min(segment, client.size() - client_at);
            dissector.Feed(Direction::kToServer, std::span(client).subspan(client_at, count), ++timestamp);
            client_at += count;
            if (with_gap && client_at == count) {
                dissector.Gap(Direction::kToServer, data[0]);
            }
        }
        if (server_at < server.size()) {
            const size_t count = std::min(segment, server.size() - server_at);
            dissector.Feed(Direction::kToClient, server.subspan(server_at, count), ++timestamp);
            server_at += count;
            if (with_gap && server_at == count) {
                dissector.Gap(Direction::kToClient, data[0]);
            }
        }
    }
    dissector.Finish();
    if (dissector.transactions().size() > limits.max_transactions) {
        __builtin_trap();
    }
    for (const auto& transaction : dissector.transactions()) {
        if (transaction.request.headers.size() > limits.max_headers) {
            __builtin_trap();
        }
    }
    dissector.ClientFingerprint();
    unmask::dissect::LooksLikeHttp2Preface(input);
    return 0;
}
