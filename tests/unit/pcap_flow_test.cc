// FlowTable on hand-built packets: TCP reassembly (out of order, duplicates, overlaps, holes,
// sequence wrap-around, budgets), flow orientation, Zeek conn_state and history, expiry.
#include <gtest/gtest.h>

#include "ingest/pcap/flow_table.h"
#include "pcap_test_util.h"

namespace unmask::ingest::pcap {
namespace {

using testing::Bytes;
using testing::RecordingObserver;

constexpr int kToServer = 0;
constexpr int kToClient = 1;

// One TCP or UDP conversation between 10.0.0.1:40000 (client) and 192.0.2.7:443 (server),
// fed packet by packet to a FlowTable as raw IPv4 frames, one millisecond apart.
class Conversation {
public:
    explicit Conversation(FlowTableOptions options = {}, uint16_t client_port = 40000, uint16_t server_port = 443)
        : table_(std::move(options), observer), client_port_(client_port), server_port_(server_port) {}

    void Tcp(bool from_client, uint8_t flags, uint32_t seq, uint32_t ack, const std::string& payload = "",
             uint16_t window = 1024) {
        const Bytes l4 =
            from_client
                ? testing::TcpHeader(client_port_, server_port_, seq, ack, flags, testing::ToBytes(payload), window)
                : testing::TcpHeader(server_port_, client_port_, seq, ack, flags, testing::ToBytes(payload), window);
        Send(from_client, kProtocolTcp, l4);
    }

    void Udp(bool from_client, const std::string& payload) {
        const Bytes l4 = from_client ? testing::UdpHeader(client_port_, server_port_, testing::ToBytes(payload))
                                     : testing::UdpHeader(server_port_, client_port_, testing::ToBytes(payload));
        Send(from_client, kProtocolUdp, l4);
    }

    void Send(bool from_client, uint8_t protocol, const Bytes& l4, uint32_t captured = 0) {
        const Bytes frame =
            from_client ? testing::Ipv4(client_, server_, protocol, l4) : testing::Ipv4(server_, client_, protocol, l4);
        RawPacket raw = testing::Raw(frame, now);
        if (captured != 0) {
            raw.data = raw.data.first(captured);
            raw.captured_length = captured;
        }
        ASSERT_EQ(table_.AddRaw(DLT_RAW, raw), DecodeResult::kOk);
        now += kTicksPerSecond / 1000;
    }

    // Client SYN with ISN `client_isn`, server SYN-ACK with ISN `server_isn`, client ACK.
    void Handshake(uint32_t client_isn, uint32_t server_isn) {
        Tcp(true, kTcpSyn, client_isn, 0);
        Tcp(false, kTcpSyn | kTcpAck, server_isn, client_isn + 1);
        Tcp(true, kTcpAck, client_isn + 1, server_isn + 1);
    }

    FlowTable& table() { return table_; }

    // The only flow, after flushing the table.
    const RecordingObserver::Recorded& OnlyFlow() {
        table_.FlushAll();
        EXPECT_EQ(observer.flows.size(), 1u);
        return observer.flows.begin()->second;
    }

    RecordingObserver observer;
    int64_t now = 1'700'000'000 * kTicksPerSecond;

private:
    FlowTable table_;
    const char* client_ = "10.0.0.1";
    const char* server_ = "192.0.2.7";
    uint16_t client_port_;
    uint16_t server_port_;
};

TEST(PcapFlow, InOrderConnection) {
    Conversation c;
    c.Handshake(100, 5000);
    c.Tcp(true, kTcpAck | kTcpPsh, 101, 5001, "hello");
    c.Tcp(false, kTcpAck, 5001, 106);
    c.Tcp(false, kTcpAck | kTcpPsh, 5001, 106, "world!");
    c.Tcp(true, kTcpFin | kTcpAck, 106, 5007);
    c.Tcp(false, kTcpFin | kTcpAck, 5007, 107);
    c.Tcp(true, kTcpAck, 107, 5008);
    const auto& flow = c.OnlyFlow();
    EXPECT_EQ(flow.streams[kToServer], "hello");
    EXPECT_EQ(flow.streams[kToClient], "world!");
    const FlowRecord& r = flow.record;
    EXPECT_EQ(r.conn_state, "SF");
    EXPECT_EQ(r.history, "ShADadFf");
    EXPECT_EQ(r.client_port, 40000);
    EXPECT_EQ(r.server_port, 443);
    EXPECT_TRUE(r.direction_from_syn);
    EXPECT_EQ(r.direction_basis, DirectionBasis::kSyn);
    EXPECT_EQ(r.packets[kToServer], 5u);
    EXPECT_EQ(r.packets[kToClient], 4u);
    EXPECT_EQ(r.ip_bytes[kToServer], 5u * 40u + 5u);
    EXPECT_EQ(r.ip_bytes[kToClient], 4u * 40u + 6u);
    EXPECT_EQ(r.payload_bytes[kToServer], 5u);
    EXPECT_EQ(r.stream_bytes[kToServer], 5u);
    EXPECT_EQ(r.stream_bytes[kToClient], 6u);
    EXPECT_EQ(r.missed_bytes, 0u);
    EXPECT_EQ(r.duration(), 8 * kTicksPerSecond / 1000);
    EXPECT_EQ(r.end_reason, FlowEndReason::kClosed);
}

TEST(PcapFlow, OutOfOrderSegmentsDeliveredInOrder) {
    Conversation c;
    c.Handshake(100, 5000);
    c.Tcp(true, kTcpAck, 107, 5001, "ghi");
    c.Tcp(true, kTcpAck, 104, 5001, "def");
    c.Tcp(true, kTcpAck, 101, 5001, "abc");
    c.Tcp(true, kTcpAck, 110, 5001, "jk");
    const auto& flow = c.OnlyFlow();
    EXPECT_EQ(flow.streams[kToServer], "abcdefghijk");
    EXPECT_EQ(flow.record.missed_bytes, 0u);
    EXPECT_EQ(flow.record.conn_state, "S1");
}

TEST(PcapFlow, DuplicatesDeliveredOnce) {
    Conversation c;
    c.Handshake(100, 5000);
    c.Tcp(true, kTcpAck, 101, 5001, "abc");
    c.Tcp(true, kTcpAck, 101, 5001, "abc");
    c.Tcp(true, kTcpAck, 107, 5001, "ghi");
    c.Tcp(true, kTcpAck, 107, 5001, "ghi");
    c.Tcp(true, kTcpAck, 104, 5001, "def");
    const auto& flow = c.OnlyFlow();
    EXPECT_EQ(flow.streams[kToServer], "abcdefghi");
    EXPECT_EQ(flow.record.history, "ShADT");
    EXPECT_EQ(flow.record.payload_bytes[kToServer], 15u);
    EXPECT_EQ(flow.record.stream_bytes[kToServer], 9u);
}

TEST(PcapFlow, OverlapsKeepFirstCopy) {
    Conversation c;
    c.Handshake(100, 5000);
    c.Tcp(true, kTcpAck, 101, 5001, "abcdef");
    c.Tcp(true, kTcpAck, 105, 5001, "XXghij"); // "ef" again, differently
    // Out of order: 121-124 buffered, then 116-123 overlaps it, then 111-117 fills the hole.
    c.Tcp(true, kTcpAck, 121, 5001, "uvwx");
    c.Tcp(true, kTcpAck, 116, 5001, "pqrsYYYY");
    c.Tcp(true, kTcpAck, 111, 5001, "klmnoZZ");
    const auto& flow = c.OnlyFlow();
    EXPECT_EQ(flow.streams[kToServer], "abcdefghijklmnopqrsYuvwx");
    EXPECT_EQ(flow.record.missed_bytes, 0u);
}

TEST(PcapFlow, MissingSegmentBecomesGap) {
    Conversation c;
    c.Handshake(100, 5000);
    c.Tcp(true, kTcpAck, 101, 5001, "abc");
    c.Tcp(true, kTcpAck, 107, 5001, "ghi");
    c.Tcp(false, kTcpAck, 5001, 110);
    c.Tcp(true, kTcpFin | kTcpAck, 110, 5001);
    c.Tcp(false, kTcpFin | kTcpAck, 5001, 111);
    const auto& flow = c.OnlyFlow();
    EXPECT_EQ(flow.streams[kToServer], "abc[gap 3]ghi");
    EXPECT_EQ(flow.record.missed_bytes, 3u);
    EXPECT_EQ(flow.record.gaps[kToServer], 1u);
    EXPECT_EQ(flow.record.conn_state, "SF");
    EXPECT_EQ(c.table().stats().gaps, 1u);
    EXPECT_NE(flow.record.history.find('G'), std::string::npos) << flow.record.history;
}

TEST(PcapFlow, AcknowledgedButUncapturedDataIsMissed) {
    Conversation c;
    c.Handshake(100, 5000);
    c.Tcp(true, kTcpAck, 101, 5001, "abc");
    c.Tcp(false, kTcpAck, 5001, 1104); // the server saw 1000 more bytes than the capture
    const auto& flow = c.OnlyFlow();
    EXPECT_EQ(flow.streams[kToServer], "abc[gap 1000]");
    EXPECT_EQ(flow.record.missed_bytes, 1000u);
}

TEST(PcapFlow, SequenceWrapAround) {
    Conversation c;
    const uint32_t isn = 0xfffffff5u; // data starts at 0xfffffff6 and crosses 2^32 after 10 bytes
    c.Handshake(isn, 7);
    c.Tcp(true, kTcpAck, isn + 9, 8, "ijklmnop"); // wraps inside the segment
    c.Tcp(true, kTcpAck, isn + 17, 8, "qrst");    // after the wrap
    c.Tcp(true, kTcpAck, isn + 1, 8, "abcdefgh"); // before the wrap, arriving last
    c.Tcp(true, kTcpFin | kTcpAck, isn + 21, 8);
    c.Tcp(false, kTcpFin | kTcpAck, 8, isn + 22);
    const auto& flow = c.OnlyFlow();
    EXPECT_EQ(flow.streams[kToServer], "abcdefghijklmnopqrst");
    EXPECT_EQ(flow.record.stream_bytes[kToServer], 20u);
    EXPECT_EQ(flow.record.missed_bytes, 0u);
    EXPECT_EQ(flow.record.conn_state, "SF");
}

TEST(PcapFlow, DeliveryStopsAtBudget) {
    FlowTableOptions options;
    options.reassembly_bytes_per_direction = 10;
    Conversation c(options);
    c.Handshake(100, 5000);
    c.Tcp(true, kTcpAck, 101, 5001, "abcdefgh");
    c.Tcp(true, kTcpAck, 109, 5001, "ijklmnop");
    c.Tcp(true, kTcpAck, 125, 5001, "yz"); // hole past the budget: counted, not reported
    c.Tcp(true, kTcpAck, 117, 5001, "qrstuvwx");
    const auto& flow = c.OnlyFlow();
    EXPECT_EQ(flow.streams[kToServer], "abcdefghij");
    EXPECT_TRUE(flow.record.reassembly_budget_exceeded[kToServer]);
    EXPECT_FALSE(flow.record.reassembly_budget_exceeded[kToClient]);
    EXPECT_EQ(flow.record.stream_bytes[kToServer], 26u);
    EXPECT_EQ(flow.record.missed_bytes, 0u);
    EXPECT_EQ(c.table().stats().reassembly_budget_exceeded, 1u);
}

TEST(PcapFlow, GapPastBudgetCountsAsMissedOnly) {
    FlowTableOptions options;
    options.reassembly_bytes_per_direction = 4;
    Conversation c(options);
    c.Handshake(100, 5000);
    c.Tcp(true, kTcpAck, 101, 5001, "abcdef");
    c.Tcp(true, kTcpAck, 111, 5001, "klm");
    const auto& flow = c.OnlyFlow();
    EXPECT_EQ(flow.streams[kToServer], "abcd");
    EXPECT_EQ(flow.record.missed_bytes, 4u);
    EXPECT_EQ(flow.record.gaps[kToServer], 0u);
}

TEST(PcapFlow, OutOfOrderLimitGivesUpHole) {
    FlowTableOptions options;
    options.max_out_of_order_bytes_per_direction = 8;
    Conversation c(options);
    c.Handshake(100, 5000);
    c.Tcp(true, kTcpAck, 101, 5001, "ab");
    c.Tcp(true, kTcpAck, 105, 5001, "efgh");
    c.Tcp(true, kTcpAck, 109, 5001, "ijkl");
    c.Tcp(true, kTcpAck, 113, 5001, "mnop"); // 12 bytes buffered: the hole at 103 is given up
    c.Tcp(true, kTcpAck, 103, 5001, "cd");   // too late
    const auto& flow = c.OnlyFlow();
    EXPECT_EQ(flow.streams[kToServer], "ab[gap 2]efghijklmnop");
    EXPECT_EQ(flow.record.missed_bytes, 2u);
    EXPECT_EQ(c.table().stats().out_of_order_limit_exceeded, 1u);
}

TEST(PcapFlow, SnapshotCutSegmentLeavesGap) {
    Conversation c;
    c.Handshake(100, 5000);
    const Bytes segment = testing::TcpHeader(40000, 443, 101, 5001, kTcpAck, testing::ToBytes("0123456789"));
    c.Send(true, kProtocolTcp, segment, 20 + 20 + 3);
    c.Tcp(true, kTcpAck, 111, 5001, "abc");
    const auto& flow = c.OnlyFlow();
    EXPECT_EQ(flow.streams[kToServer], "012[gap 7]abc");
    EXPECT_EQ(flow.record.missed_bytes, 7u);
    EXPECT_EQ(flow.record.payload_bytes[kToServer], 13u);
}

TEST(PcapFlow, PortReuseStartsNewFlow) {
    Conversation c;
    c.Handshake(100, 5000);
    c.Tcp(true, kTcpAck | kTcpPsh, 101, 5001, "one");
    c.Tcp(true, kTcpFin | kTcpAck, 104, 5001);
    c.Tcp(false, kTcpFin | kTcpAck, 5001, 105);
    c.Tcp(true, kTcpAck, 105, 5002);
    c.Handshake(90000, 70000);
    c.Tcp(true, kTcpAck | kTcpPsh, 90001, 70001, "two");
    c.table().FlushAll();
    ASSERT_EQ(c.observer.flows.size(), 2u);
    const auto& first = c.observer.flows.at(1);
    const auto& second = c.observer.flows.at(2);
    EXPECT_EQ(first.streams[kToServer], "one");
    EXPECT_EQ(first.record.end_reason, FlowEndReason::kPortReuse);
    EXPECT_EQ(first.record.conn_state, "SF");
    EXPECT_EQ(first.record.packets[kToServer], 5u);
    EXPECT_EQ(second.streams[kToServer], "two");
    EXPECT_EQ(second.record.conn_state, "S1");
    EXPECT_EQ(c.table().stats().port_reuses, 1u);
}

TEST(PcapFlow, RetransmittedSynKeepsFlow) {
    Conversation c;
    c.Tcp(true, kTcpSyn, 100, 0);
    c.Tcp(true, kTcpSyn, 100, 0);
    const auto& flow = c.OnlyFlow();
    EXPECT_EQ(flow.record.packets[kToServer], 2u);
    EXPECT_EQ(flow.record.conn_state, "S0");
    EXPECT_EQ(flow.record.history, "S");
}

TEST(PcapFlow, MidStreamOrientedByPort) {
    Conversation c;
    c.Tcp(false, kTcpAck | kTcpPsh, 5001, 101, "response");
    c.Tcp(true, kTcpAck, 101, 5009);
    const auto& flow = c.OnlyFlow();
    EXPECT_EQ(flow.record.client_port, 40000);
    EXPECT_EQ(flow.record.server_port, 443);
    EXPECT_FALSE(flow.record.direction_from_syn);
    EXPECT_EQ(flow.record.direction_basis, DirectionBasis::kPort);
    EXPECT_EQ(flow.record.history, "^dA");
    EXPECT_EQ(flow.record.conn_state, "OTH");
    EXPECT_EQ(flow.streams[kToClient], "response");
}

TEST(PcapFlow, SynAckFixesDirection) {
    Conversation c(FlowTableOptions{}, 50000, 50001);
    c.Tcp(false, kTcpSyn | kTcpAck, 5000, 101);
    c.Tcp(true, kTcpAck, 101, 5001);
    const auto& flow = c.OnlyFlow();
    EXPECT_EQ(flow.record.client_port, 50000);
    EXPECT_TRUE(flow.record.direction_from_syn);
    EXPECT_EQ(flow.record.direction_basis, DirectionBasis::kSynAck);
    EXPECT_EQ(flow.record.history, "^hA");
}

TEST(PcapFlow, MidStreamOrientedByInternalNetwork) {
    FlowTableOptions options;
    options.is_internal = [](const IpAddress& address) {
        return address.bytes[0] == 10;
    };
    Conversation c(options, 40000, 40001);
    c.Tcp(false, kTcpAck, 5001, 101, "x");
    const auto& flow = c.OnlyFlow();
    EXPECT_EQ(flow.record.client.bytes, testing::Ip("10.0.0.1").bytes);
    EXPECT_EQ(flow.record.direction_basis, DirectionBasis::kInternal);
}

TEST(PcapFlow, MidStreamWithoutHintsUsesFirstSender) {
    Conversation c(FlowTableOptions{}, 40000, 40001);
    c.Tcp(false, kTcpAck, 5001, 101, "x");
    const auto& flow = c.OnlyFlow();
    EXPECT_EQ(flow.record.client.bytes, testing::Ip("192.0.2.7").bytes);
    EXPECT_EQ(flow.record.client_port, 40001);
    EXPECT_EQ(flow.record.direction_basis, DirectionBasis::kFirstSender);
}

TEST(PcapFlow, UdpResponseFirstOrientedByPort) {
    Conversation c(FlowTableOptions{}, 53000, 53);
    c.Udp(false, "answer");
    c.Udp(true, "query");
    const auto& flow = c.OnlyFlow();
    EXPECT_EQ(flow.record.client_port, 53000);
    EXPECT_EQ(flow.record.server_port, 53);
    EXPECT_EQ(flow.streams[kToServer], "query");
    EXPECT_EQ(flow.streams[kToClient], "answer");
    EXPECT_EQ(flow.record.conn_state, "SF");
    EXPECT_EQ(flow.record.history, "^dD");
    EXPECT_EQ(flow.record.ip_bytes[kToClient], 20u + 8u + 6u);
}

TEST(PcapFlow, UdpIdleTimeoutSplitsFlows) {
    Conversation c(FlowTableOptions{}, 53000, 53);
    c.Udp(true, "first");
    c.now += 61 * kTicksPerSecond;
    c.Udp(true, "second");
    ASSERT_EQ(c.observer.ended.size(), 1u);
    EXPECT_EQ(c.observer.flows.at(1).record.end_reason, FlowEndReason::kIdle);
    EXPECT_EQ(c.observer.flows.at(1).record.conn_state, "S0");
    c.table().FlushAll();
    ASSERT_EQ(c.observer.flows.size(), 2u);
    EXPECT_EQ(c.observer.flows.at(2).streams[kToServer], "second");
    EXPECT_EQ(c.observer.flows.at(2).record.end_reason, FlowEndReason::kFlush);
}

TEST(PcapFlow, ClosedFlowEndsAfterLinger) {
    Conversation c;
    c.Handshake(100, 5000);
    c.Tcp(true, kTcpRst, 101, 0);
    EXPECT_TRUE(c.observer.ended.empty());
    c.Tcp(false, kTcpAck, 5001, 101); // a late packet within the linger still counts
    c.now += 6 * kTicksPerSecond;
    c.Udp(true, "unrelated"); // any later packet moves packet time forward
    ASSERT_EQ(c.observer.ended.size(), 1u);
    const FlowRecord& r = c.observer.flows.at(1).record;
    EXPECT_EQ(r.conn_state, "RSTO");
    EXPECT_EQ(r.end_reason, FlowEndReason::kClosed);
    EXPECT_EQ(r.packets[kToClient], 2u);
}

TEST(PcapFlow, MaxFlowsEvictsOldest) {
    FlowTableOptions options;
    options.max_flows = 2;
    RecordingObserver observer;
    FlowTable table(options, observer);
    for (uint16_t port = 1; port <= 3; ++port) {
        const Bytes frame =
            testing::Ipv4("10.0.0.1", "10.0.0.2", kProtocolUdp, testing::UdpHeader(port, 53, testing::ToBytes("q")));
        ASSERT_EQ(table.AddRaw(DLT_RAW, testing::Raw(frame, port)), DecodeResult::kOk);
    }
    EXPECT_EQ(table.flows_in_flight(), 2u);
    EXPECT_EQ(table.stats().flows_evicted_at_max_flows, 1u);
    ASSERT_EQ(observer.ended.size(), 1u);
    EXPECT_EQ(observer.flows.at(observer.ended[0]).record.client_port, 1);
    EXPECT_EQ(observer.flows.at(observer.ended[0]).record.end_reason, FlowEndReason::kEvicted);
    EXPECT_EQ(table.stats().peak_flows_in_flight, 2u);
}

TEST(PcapFlow, DecodeFailuresCounted) {
    RecordingObserver observer;
    FlowTable table(FlowTableOptions{}, observer);
    const Bytes arp = testing::Ethernet(0x0806, Bytes(28, 0));
    EXPECT_EQ(table.AddRaw(DLT_EN10MB, testing::Raw(arp)), DecodeResult::kNotIp);
    EXPECT_EQ(table.AddRaw(DLT_EN10MB, testing::Raw(Bytes(5, 0))), DecodeResult::kTruncated);
    EXPECT_EQ(table.AddRaw(DLT_RAW, testing::Raw(Bytes{0x41, 0, 0, 0})), DecodeResult::kTruncated);
    EXPECT_EQ(table.AddRaw(999, testing::Raw(arp)), DecodeResult::kUnsupportedLinkType);
    const FlowTableStats& stats = table.stats();
    EXPECT_EQ(stats.packets, 4u);
    EXPECT_EQ(stats.non_ip, 1u);
    EXPECT_EQ(stats.truncated, 2u);
    EXPECT_EQ(stats.unsupported_link_type, 1u);
    EXPECT_EQ(stats.flows_started, 0u);
}

TEST(PcapFlow, LaterFragmentsCountedOutsideFlows) {
    RecordingObserver observer;
    FlowTable table(FlowTableOptions{}, observer);
    const Bytes first =
        testing::Ipv4("10.0.0.1", "10.0.0.2", kProtocolUdp, testing::UdpHeader(40000, 2000, Bytes(24, 1)), 0x2000);
    const Bytes later = testing::Ipv4("10.0.0.1", "10.0.0.2", kProtocolUdp, Bytes(24, 2), 4);
    ASSERT_EQ(table.AddRaw(DLT_RAW, testing::Raw(first)), DecodeResult::kOk);
    ASSERT_EQ(table.AddRaw(DLT_RAW, testing::Raw(later)), DecodeResult::kOk);
    table.FlushAll();
    EXPECT_EQ(table.stats().fragments, 2u);
    ASSERT_EQ(observer.flows.size(), 1u);
    EXPECT_EQ(observer.flows.begin()->second.record.packets[kToServer], 1u);
}

// Zeek's conn_state codes for short TCP exchanges; "c" is the client, "s" the server.
TEST(PcapFlow, ConnStateCodes) {
    struct Case {
        const char* name;
        std::vector<std::pair<bool, uint8_t>> packets; // (from client, flags)
        const char* conn_state;
    };
    const std::vector<Case> cases = {
        {"syn only", {{true, kTcpSyn}}, "S0"},
        {"rejected", {{true, kTcpSyn}, {false, kTcpRst | kTcpAck}}, "REJ"},
        {"established", {{true, kTcpSyn}, {false, kTcpSyn | kTcpAck}, {true, kTcpAck}}, "S1"},
        {"client closes",
         {{true, kTcpSyn}, {false, kTcpSyn | kTcpAck}, {true, kTcpAck}, {true, kTcpFin | kTcpAck}},
         "S2"},
        {"server closes",
         {{true, kTcpSyn}, {false, kTcpSyn | kTcpAck}, {true, kTcpAck}, {false, kTcpFin | kTcpAck}},
         "S3"},
        {"client resets", {{true, kTcpSyn}, {false, kTcpSyn | kTcpAck}, {true, kTcpAck}, {true, kTcpRst}}, "RSTO"},
        {"server resets", {{true, kTcpSyn}, {false, kTcpSyn | kTcpAck}, {true, kTcpAck}, {false, kTcpRst}}, "RSTR"},
        {"syn then reset", {{true, kTcpSyn}, {true, kTcpRst}}, "RSTOS0"},
        {"syn-ack then reset", {{false, kTcpSyn | kTcpAck}, {false, kTcpRst}}, "RSTRH"},
        {"syn then fin", {{true, kTcpSyn}, {true, kTcpFin}}, "SH"},
        {"syn-ack then fin", {{false, kTcpSyn | kTcpAck}, {false, kTcpFin | kTcpAck}}, "SHR"},
        {"midstream", {{true, kTcpAck}, {false, kTcpAck}}, "OTH"},
    };
    for (const Case& test_case : cases) {
        Conversation c;
        for (const auto& [from_client, flags] : test_case.packets) {
            c.Tcp(from_client, flags, from_client ? 100 : 5000, (flags & kTcpAck) != 0 ? 1 : 0);
        }
        EXPECT_EQ(c.OnlyFlow().record.conn_state, test_case.conn_state) << test_case.name;
    }
}

TEST(PcapFlow, FlowsWithoutApplicationStillCounted) {
    class CountingObserver : public FlowObserver {
    public:
        std::unique_ptr<FlowApplication> OnFlowStart(const FlowRecord&) override { return nullptr; }
        void OnFlowEnd(const FlowRecord& flow, FlowApplication* application) override {
            EXPECT_EQ(application, nullptr);
            bytes += flow.stream_bytes[0];
        }
        uint64_t bytes = 0;
    };
    CountingObserver observer;
    FlowTable table(FlowTableOptions{}, observer);
    const Bytes frame = testing::Ipv4("10.0.0.1", "10.0.0.2", kProtocolTcp,
                                      testing::TcpHeader(40000, 80, 7, 0, kTcpAck, testing::ToBytes("abcd")));
    ASSERT_EQ(table.AddRaw(DLT_RAW, testing::Raw(frame)), DecodeResult::kOk);
    table.FlushAll();
    EXPECT_EQ(observer.bytes, 4u);
    EXPECT_EQ(table.flows_in_flight(), 0u);
}

} // namespace
} // namespace unmask::ingest::pcap
