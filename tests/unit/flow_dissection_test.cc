// FlowDissection on hand-written streams. What a proxy's CONNECT tunnel carries is decided by
// the client's first bytes through it, whether they come with the request or after the reply.
// Cleartext HTTP/2 (h2c) is read from the first byte, and a client's HTTP request still counts
// after a server that spoke first. Each protocol decision is the same however TCP cut the bytes.
#include <gtest/gtest.h>

#include <algorithm>
#include <span>
#include <string>
#include <vector>

#include "ingest/sensor/flow_dissection.h"

namespace unmask::ingest {
namespace {

using dissect::Direction;

std::vector<uint8_t> Bytes(const std::string& text) { return {text.begin(), text.end()}; }

/// Returns a minimal TLS 1.2 ClientHello record: one cipher suite, no extensions.
std::vector<uint8_t> ClientHelloRecord() {
    std::vector<uint8_t> body = {0x03, 0x03};
    body.insert(body.end(), 32, 0x5a); // random
    const std::vector<uint8_t> rest = {0x00, 0x00, 0x02, 0x13, 0x01, 0x01, 0x00, 0x00, 0x00};
    body.insert(body.end(), rest.begin(), rest.end());
    std::vector<uint8_t> record = {0x16, 0x03, 0x01, 0x00, static_cast<uint8_t>(body.size() + 4), 0x01, 0x00, 0x00,
                                   static_cast<uint8_t>(body.size())};
    record.reserve(record.size() + body.size()); // spares GCC 12 a false -Warray-bounds in insert
    record.insert(record.end(), body.begin(), body.end());
    return record;
}

const std::string kConnect = "CONNECT origin.example:80 HTTP/1.1\r\nHost: origin.example:80\r\n\r\n";
const std::string kEstablished = "HTTP/1.1 200 Connection established\r\n\r\n";

TEST(FlowDissectionTunnel, CleartextHttpAfterTheReply) {
    FlowDissection flow(nullptr);
    flow.OnData(Direction::kToServer, Bytes(kConnect), 1);
    flow.OnData(Direction::kToClient, Bytes(kEstablished), 2);
    flow.OnData(Direction::kToServer, Bytes("GET /inside HTTP/1.1\r\nHost: origin.example\r\nUser-Agent: t/1\r\n\r\n"), 3);
    flow.OnData(Direction::kToClient, Bytes("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"), 4);
    flow.Finish(5);
    ASSERT_NE(flow.http(), nullptr);
    ASSERT_EQ(flow.http()->transactions().size(), 1u);
    EXPECT_EQ(flow.http()->transactions()[0].request.method, "CONNECT");
    EXPECT_EQ(flow.tls(), nullptr);
    ASSERT_NE(flow.tunnel_http(), nullptr);
    ASSERT_EQ(flow.tunnel_http()->transactions().size(), 1u);
    const dissect::HttpTransaction& inside = flow.tunnel_http()->transactions()[0];
    EXPECT_EQ(inside.request.uri, "/inside");
    EXPECT_EQ(inside.request.host, "origin.example");
    EXPECT_EQ(inside.request.user_agent, "t/1");
    EXPECT_EQ(inside.request.timestamp, 3);
    ASSERT_TRUE(inside.response.has_value());
    EXPECT_EQ(inside.response->status_code, 200);
    EXPECT_TRUE(flow.WantsWholeStream());
}

TEST(FlowDissectionTunnel, CleartextHttpSentWithTheRequest) {
    FlowDissection flow(nullptr);
    flow.OnData(Direction::kToServer, Bytes(kConnect + "GET /early HTTP/1.1\r\nHost: origin.example\r\n\r\n"), 1);
    flow.OnData(Direction::kToClient, Bytes(kEstablished + "HTTP/1.1 204 No Content\r\n\r\n"), 2);
    flow.Finish(3);
    ASSERT_NE(flow.tunnel_http(), nullptr);
    ASSERT_EQ(flow.tunnel_http()->transactions().size(), 1u);
    EXPECT_EQ(flow.tunnel_http()->transactions()[0].request.uri, "/early");
}

TEST(FlowDissectionTunnel, TlsAfterTheReply) {
    FlowDissection flow(nullptr);
    flow.OnData(Direction::kToServer, Bytes(kConnect), 1);
    flow.OnData(Direction::kToClient, Bytes(kEstablished), 2);
    flow.OnData(Direction::kToServer, ClientHelloRecord(), 3);
    flow.Finish(4);
    EXPECT_EQ(flow.tunnel_http(), nullptr);
    ASSERT_NE(flow.tls(), nullptr);
    ASSERT_TRUE(flow.tls()->facts().client_hello.has_value());
    EXPECT_EQ(flow.tls()->facts().client_hello->cipher_suites, std::vector<uint16_t>{0x1301});
}

TEST(FlowDissectionTunnel, OtherProtocolIsLeftAlone) {
    FlowDissection flow(nullptr);
    flow.OnData(Direction::kToServer, Bytes(kConnect), 1);
    flow.OnData(Direction::kToClient, Bytes(kEstablished), 2);
    flow.OnData(Direction::kToServer, Bytes("SSH-2.0-OpenSSH_9.2\r\n"), 3);
    flow.Finish(4);
    EXPECT_EQ(flow.tunnel_http(), nullptr);
    EXPECT_EQ(flow.tls(), nullptr);
}

/// Returns an HTTP/2 frame: 24-bit length, type, flags, stream id, payload.
std::vector<uint8_t> Frame(uint8_t type, uint8_t flags, uint32_t stream, const std::vector<uint8_t>& payload) {
    std::vector<uint8_t> frame = {static_cast<uint8_t>(payload.size() >> 16), static_cast<uint8_t>(payload.size() >> 8),
                                  static_cast<uint8_t>(payload.size()), type, flags,
                                  static_cast<uint8_t>(stream >> 24), static_cast<uint8_t>(stream >> 16),
                                  static_cast<uint8_t>(stream >> 8), static_cast<uint8_t>(stream)};
    frame.insert(frame.end(), payload.begin(), payload.end());
    return frame;
}

/// Returns an HPACK block of literal fields without indexing and without Huffman coding.
std::vector<uint8_t> Literals(const std::vector<std::pair<std::string, std::string>>& fields) {
    std::vector<uint8_t> block;
    for (const auto& [name, value] : fields) {
        block.push_back(0x00);
        block.push_back(static_cast<uint8_t>(name.size()));
        block.insert(block.end(), name.begin(), name.end());
        block.push_back(static_cast<uint8_t>(value.size()));
        block.insert(block.end(), value.begin(), value.end());
    }
    return block;
}

TEST(FlowDissectionHttp2, PriorKnowledgeCleartext) {
    constexpr uint8_t kHeaders = 0x1;
    constexpr uint8_t kSettings = 0x4;
    constexpr uint8_t kEndStreamAndHeaders = 0x5;
    std::vector<uint8_t> client = Bytes("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
    const std::vector<uint8_t> settings = Frame(kSettings, 0, 0, {});
    client.insert(client.end(), settings.begin(), settings.end());
    const std::vector<uint8_t> request =
        Frame(kHeaders, kEndStreamAndHeaders, 1,
              Literals({{":method", "GET"}, {":authority", "h2c.example"}, {":scheme", "http"}, {":path", "/rpc"}}));
    client.insert(client.end(), request.begin(), request.end());
    std::vector<uint8_t> server = Frame(kSettings, 0, 0, {});
    const std::vector<uint8_t> response = Frame(kHeaders, kEndStreamAndHeaders, 1, Literals({{":status", "200"}}));
    server.insert(server.end(), response.begin(), response.end());

    FlowDissection flow(nullptr);
    flow.OnData(Direction::kToServer, client, 1);
    flow.OnData(Direction::kToClient, server, 2);
    flow.Finish(3);
    EXPECT_EQ(flow.protocol(), FlowProtocol::kHttp2);
    ASSERT_NE(flow.cleartext_http2(), nullptr);
    ASSERT_EQ(flow.cleartext_http2()->transactions().size(), 1u);
    const dissect::HttpTransaction& transaction = flow.cleartext_http2()->transactions()[0];
    EXPECT_EQ(transaction.request.host, "h2c.example");
    EXPECT_EQ(transaction.request.uri, "/rpc");
    ASSERT_TRUE(transaction.response.has_value());
    EXPECT_EQ(transaction.response->status_code, 200);
}

TEST(FlowDissectionServerFirst, ClientHttpRequestStillCounts) {
    FlowDissection flow(nullptr);
    flow.OnData(Direction::kToClient, Frame(0x4, 0, 0, {0x00, 0x03, 0x00, 0x00, 0x00, 0x64}), 1);
    flow.OnData(Direction::kToServer, Bytes("GET /upgrade HTTP/1.1\r\nHost: h2c.example\r\nUpgrade: h2c\r\n\r\n"), 2);
    flow.Finish(3);
    EXPECT_EQ(flow.protocol(), FlowProtocol::kHttp);
    ASSERT_NE(flow.http(), nullptr);
    ASSERT_EQ(flow.http()->transactions().size(), 1u);
    EXPECT_EQ(flow.http()->transactions()[0].request.uri, "/upgrade");
}

TEST(FlowDissectionServerFirst, ClientPrefaceIsHttp2) {
    FlowDissection flow(nullptr);
    flow.OnData(Direction::kToClient, Frame(0x4, 0, 0, {0x00, 0x03, 0x00, 0x00, 0x00, 0x64}), 1);
    flow.OnData(Direction::kToServer, Bytes("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), 2);
    flow.Finish(3);
    EXPECT_EQ(flow.protocol(), FlowProtocol::kHttp2);
    EXPECT_NE(flow.cleartext_http2(), nullptr);
    EXPECT_EQ(flow.http(), nullptr);
}

/// One delivery of stream bytes in one direction.
struct Step {
    Direction direction;
    std::vector<uint8_t> bytes;
};

/// Feeds the steps to `flow` in pieces of at most `piece` bytes, as TCP segments of that size
/// would deliver them, and finishes the flow.
void FeedInPieces(FlowDissection& flow, const std::vector<Step>& steps, size_t piece) {
    int64_t timestamp = 1;
    for (const Step& step : steps) {
        for (size_t at = 0; at < step.bytes.size(); at += piece) {
            const size_t length = std::min(piece, step.bytes.size() - at);
            flow.OnData(step.direction, std::span<const uint8_t>(step.bytes).subspan(at, length), timestamp++);
        }
    }
    flow.Finish(timestamp);
}

constexpr size_t kPieceSizes[] = {1, 2, 7, 4096};

// A capture that begins inside a connection may show a response first. "HTTP/1.1 " takes 9
// bytes, more than the first small segments carry.
TEST(FlowDissectionSegmentation, ResponseFirstIsHttp) {
    const std::vector<Step> steps = {
        {Direction::kToClient, Bytes("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")},
    };
    for (const size_t piece : kPieceSizes) {
        SCOPED_TRACE(piece);
        FlowDissection flow(nullptr);
        FeedInPieces(flow, steps, piece);
        EXPECT_EQ(flow.protocol(), FlowProtocol::kHttp);
        ASSERT_NE(flow.http(), nullptr);
        ASSERT_EQ(flow.http()->transactions().size(), 1u);
        ASSERT_TRUE(flow.http()->transactions()[0].response.has_value());
        EXPECT_EQ(flow.http()->transactions()[0].response->status_code, 200);
    }
}

// TLS after a SOCKS5 handshake begins at the start of a client turn, however TCP cut that turn.
TEST(FlowDissectionSegmentation, TlsAfterSocksPreamble) {
    std::vector<Step> steps = {
        {Direction::kToServer, {0x05, 0x01, 0x00}},
        {Direction::kToClient, {0x05, 0x00}},
        {Direction::kToServer, {0x05, 0x01, 0x00, 0x01, 127, 0, 0, 1, 0x01, 0xbb}},
        {Direction::kToClient, {0x05, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0x00, 0x00}},
    };
    steps.push_back({Direction::kToServer, ClientHelloRecord()});
    for (const size_t piece : kPieceSizes) {
        SCOPED_TRACE(piece);
        FlowDissection flow(nullptr);
        FeedInPieces(flow, steps, piece);
        EXPECT_EQ(flow.protocol(), FlowProtocol::kOther);
        EXPECT_TRUE(flow.tls_after_preamble());
        ASSERT_NE(flow.tls(), nullptr);
        ASSERT_TRUE(flow.tls()->facts().client_hello.has_value());
        EXPECT_EQ(flow.tls()->facts().client_hello->cipher_suites, std::vector<uint16_t>{0x1301});
    }
}

TEST(FlowDissectionSegmentation, TlsThroughTunnel) {
    std::vector<Step> steps = {
        {Direction::kToServer, Bytes(kConnect)},
        {Direction::kToClient, Bytes(kEstablished)},
    };
    steps.push_back({Direction::kToServer, ClientHelloRecord()});
    for (const size_t piece : kPieceSizes) {
        SCOPED_TRACE(piece);
        FlowDissection flow(nullptr);
        FeedInPieces(flow, steps, piece);
        ASSERT_NE(flow.tls(), nullptr);
        EXPECT_TRUE(flow.tls()->facts().client_hello.has_value());
    }
}

TEST(FlowDissectionSegmentation, ClientRequestAfterServerFirst) {
    const std::vector<Step> steps = {
        {Direction::kToClient, Frame(0x4, 0, 0, {0x00, 0x03, 0x00, 0x00, 0x00, 0x64})},
        {Direction::kToServer, Bytes("GET /upgrade HTTP/1.1\r\nHost: h2c.example\r\nUpgrade: h2c\r\n\r\n")},
    };
    for (const size_t piece : kPieceSizes) {
        SCOPED_TRACE(piece);
        FlowDissection flow(nullptr);
        FeedInPieces(flow, steps, piece);
        EXPECT_EQ(flow.protocol(), FlowProtocol::kHttp);
        ASSERT_NE(flow.http(), nullptr);
        ASSERT_EQ(flow.http()->transactions().size(), 1u);
        EXPECT_EQ(flow.http()->transactions()[0].request.uri, "/upgrade");
    }
}

} // namespace
} // namespace unmask::ingest
