// FlowDissection on hand-written streams: what a proxy's CONNECT tunnel carries is decided by
// the client's first bytes through it, whether they come with the request or after the reply.
#include <gtest/gtest.h>

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

} // namespace
} // namespace unmask::ingest
