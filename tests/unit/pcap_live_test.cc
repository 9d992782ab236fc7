// PacketSource::OpenLive on the loopback interface: the test makes one TCP connection to itself on
// 127.0.0.1 and expects exactly that flow, with the bytes it sent. Needs root or CAP_NET_RAW;
// skips otherwise.
#include <string>

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ingest/pcap/flow_table.h"
#include "pcap_test_util.h"

namespace unmask::ingest::pcap {
namespace {

class Socket {
public:
    explicit Socket(int fd) : fd_(fd) {}
    ~Socket() { Close(); }
    Socket(const Socket&) = delete;
    Socket& operator=(const Socket&) = delete;
    int fd() const { return fd_; }
    void Close() {
        if (fd_ >= 0) {
            close(fd_);
            fd_ = -1;
        }
    }

private:
    int fd_;
};

bool SendAll(int fd, const std::string& text) {
    return send(fd, text.data(), text.size(), 0) == static_cast<ssize_t>(text.size());
}

std::string ReceiveExactly(int fd, size_t size) {
    std::string text(size, '\0');
    size_t received = 0;
    while (received < size) {
        const ssize_t count = recv(fd, text.data() + received, size - received, 0);
        if (count <= 0) {
            break;
        }
        received += static_cast<size_t>(count);
    }
    text.resize(received);
    return text;
}

TEST(PcapLive, LoopbackConnectionBecomesOneFlow) {
    Socket listener(socket(AF_INET, SOCK_STREAM, 0));
    ASSERT_GE(listener.fd(), 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    ASSERT_EQ(bind(listener.fd(), reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
    ASSERT_EQ(listen(listener.fd(), 1), 0);
    socklen_t length = sizeof(address);
    ASSERT_EQ(getsockname(listener.fd(), reinterpret_cast<sockaddr*>(&address), &length), 0);
    const uint16_t port = ntohs(address.sin_port);

    auto source = PacketSource::OpenLive("lo", "tcp port " + std::to_string(port), 65535, false, 100);
    if (!source.ok()) {
        const std::string& message = source.status().message();
        if (message.find("ermission") != std::string::npos || message.find("not permitted") != std::string::npos) {
            GTEST_SKIP() << "capturing on lo needs root or CAP_NET_RAW: " << message;
        }
        FAIL() << message;
    }
    EXPECT_TRUE(source->is_live());
    EXPECT_EQ(source->link_type(), DLT_EN10MB);

    const std::string request = "request from the client";
    const std::string response = "response";
    uint16_t client_port = 0;
    {
        Socket client(socket(AF_INET, SOCK_STREAM, 0));
        ASSERT_EQ(connect(client.fd(), reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
        sockaddr_in local{};
        socklen_t local_length = sizeof(local);
        ASSERT_EQ(getsockname(client.fd(), reinterpret_cast<sockaddr*>(&local), &local_length), 0);
        client_port = ntohs(local.sin_port);
        Socket server(accept(listener.fd(), nullptr, nullptr));
        ASSERT_GE(server.fd(), 0);
        ASSERT_TRUE(SendAll(client.fd(), request));
        ASSERT_EQ(ReceiveExactly(server.fd(), request.size()), request);
        ASSERT_TRUE(SendAll(server.fd(), response));
        ASSERT_EQ(ReceiveExactly(client.fd(), response.size()), response);
        client.Close();
        ASSERT_EQ(ReceiveExactly(server.fd(), 1), ""); // the client's FIN
        server.Close();
    }

    testing::RecordingObserver observer;
    FlowTable table(FlowTableOptions{}, observer);
    // Read until both FINs were captured and the interface is quiet for one read timeout. The
    // bound on timeouts only keeps a broken capture from hanging the test.
    RawPacket packet;
    int fins = 0;
    int timeouts = 0;
    while (timeouts < 100) {
        const ReadOutcome outcome = source->Next(packet);
        if (outcome == ReadOutcome::kTimeout) {
            ++timeouts;
            if (fins >= 2) {
                break;
            }
            continue;
        }
        ASSERT_EQ(outcome, ReadOutcome::kPacket);
        DecodedPacket decoded;
        ASSERT_EQ(DecodePacket(source->link_type(), packet, decoded), DecodeResult::kOk);
        fins += (decoded.tcp_flags & kTcpFin) != 0 ? 1 : 0;
        table.Add(decoded);
    }
    table.FlushAll();

    ASSERT_EQ(observer.flows.size(), 1u);
    const auto& flow = observer.flows.begin()->second;
    EXPECT_EQ(flow.streams[0], request);
    EXPECT_EQ(flow.streams[1], response);
    EXPECT_EQ(flow.record.client_port, client_port);
    EXPECT_EQ(flow.record.server_port, port);
    EXPECT_TRUE(flow.record.direction_from_syn);
    EXPECT_EQ(flow.record.conn_state, "SF");
    EXPECT_EQ(flow.record.stream_bytes[0], request.size());
    EXPECT_EQ(flow.record.stream_bytes[1], response.size());
    EXPECT_EQ(flow.record.missed_bytes, 0u);
    EXPECT_EQ(flow.record.client.bytes, testing::Ip("127.0.0.1").bytes);
}

TEST(PcapLive, InvalidFilterIsRejected) {
    auto source = PacketSource::OpenLive("lo", "tcp port not-a-port", 65535, false, 100);
    ASSERT_FALSE(source.ok());
    const std::string& message = source.status().message();
    if (message.find("ermission") != std::string::npos || message.find("not permitted") != std::string::npos) {
        GTEST_SKIP() << "capturing on lo needs root or CAP_NET_RAW: " << message;
    }
    EXPECT_EQ(source.status().kind(), ErrorKind::kInvalidInput) << message;
    EXPECT_NE(message.find("not-a-port"), std::string::npos) << message;
}

} // namespace
} // namespace unmask::ingest::pcap
