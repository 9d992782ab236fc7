// DecodePacket on hand-built frames: every supported link type, VLAN tags, IPv4 options, IPv6
// extension headers, fragments, and frames cut inside each header.
#include <gtest/gtest.h>

#include "ingest/pcap/packet_decode.h"
#include "pcap_test_util.h"

namespace unmask::ingest::pcap {
namespace {

using testing::Bytes;
using testing::Ip;
using testing::Raw;

const Bytes kPayload = testing::ToBytes("GET / HTTP/1.1\r\n");

Bytes TcpV4() {
    return testing::Ipv4("10.0.0.1", "192.0.2.7", kProtocolTcp,
                         testing::TcpHeader(51000, 443, 1000, 2000, kTcpAck | kTcpPsh, kPayload, 512));
}

Bytes TcpV6() {
    return testing::Ipv6("2001:db8::1", "2001:db8::2", kProtocolTcp, {},
                         testing::TcpHeader(51000, 443, 1000, 2000, kTcpAck, kPayload));
}

void ExpectTcpV4(const DecodedPacket& packet) {
    EXPECT_EQ(packet.ip_version, 4);
    EXPECT_EQ(packet.source.bytes, Ip("10.0.0.1").bytes);
    EXPECT_EQ(packet.destination.bytes, Ip("192.0.2.7").bytes);
    EXPECT_TRUE(packet.source.is_v4);
    EXPECT_EQ(packet.source_port, 51000);
    EXPECT_EQ(packet.destination_port, 443);
    EXPECT_EQ(packet.ip_protocol, kProtocolTcp);
    EXPECT_EQ(packet.tcp_flags, kTcpAck | kTcpPsh);
    EXPECT_EQ(packet.tcp_seq, 1000u);
    EXPECT_EQ(packet.tcp_ack, 2000u);
    EXPECT_EQ(packet.tcp_window, 512);
    EXPECT_EQ(packet.ip_bytes, 20u + 20u + kPayload.size());
    EXPECT_EQ(packet.payload_length, kPayload.size());
    EXPECT_EQ(Bytes(packet.payload.begin(), packet.payload.end()), kPayload);
    EXPECT_TRUE(packet.has_transport);
    EXPECT_FALSE(packet.ip_fragment);
}

TEST(PcapDecode, EthernetIpv4Tcp) {
    const Bytes frame = testing::Ethernet(0x0800, TcpV4());
    DecodedPacket packet;
    ASSERT_EQ(DecodePacket(DLT_EN10MB, Raw(frame, 77), packet), DecodeResult::kOk);
    ExpectTcpV4(packet);
    EXPECT_EQ(packet.timestamp, 77);
    EXPECT_EQ(packet.frame_bytes, frame.size());
}

TEST(PcapDecode, EthernetPaddingIsNotPayload) {
    // A bare SYN is 54 bytes; Ethernet pads it to 60, and the padding must not become payload.
    Bytes frame = testing::Ethernet(
        0x0800, testing::Ipv4("10.0.0.1", "10.0.0.2", kProtocolTcp, testing::TcpHeader(40000, 80, 5, 0, kTcpSyn)));
    frame.resize(60, 0);
    DecodedPacket packet;
    ASSERT_EQ(DecodePacket(DLT_EN10MB, Raw(frame), packet), DecodeResult::kOk);
    EXPECT_EQ(packet.payload_length, 0u);
    EXPECT_TRUE(packet.payload.empty());
    EXPECT_EQ(packet.ip_bytes, 40u);
}

TEST(PcapDecode, VlanAndQinQ) {
    DecodedPacket packet;
    const Bytes single = testing::Ethernet(0x0800, TcpV4(), {{0x8100, 10}});
    ASSERT_EQ(DecodePacket(DLT_EN10MB, Raw(single), packet), DecodeResult::kOk);
    ExpectTcpV4(packet);
    const Bytes qinq = testing::Ethernet(0x0800, TcpV4(), {{0x88a8, 100}, {0x8100, 10}});
    ASSERT_EQ(DecodePacket(DLT_EN10MB, Raw(qinq), packet), DecodeResult::kOk);
    ExpectTcpV4(packet);
    const Bytes legacy = testing::Ethernet(0x86dd, TcpV6(), {{0x9100, 7}});
    ASSERT_EQ(DecodePacket(DLT_EN10MB, Raw(legacy), packet), DecodeResult::kOk);
    EXPECT_EQ(packet.ip_version, 6);
    const Bytes cut = testing::Ethernet(0x8100, {0x00});
    EXPECT_EQ(DecodePacket(DLT_EN10MB, Raw(cut), packet), DecodeResult::kTruncated);
}

TEST(PcapDecode, PppoeSession) {
    Bytes pppoe = {0x11, 0x00, 0x00, 0x01};
    testing::Put16(pppoe, static_cast<uint16_t>(2 + TcpV4().size()));
    testing::Put16(pppoe, 0x0021);
    testing::Append(pppoe, TcpV4());
    // The frame outlives the decoded packet, whose payload points into it.
    const Bytes frame = testing::Ethernet(0x8864, pppoe);
    DecodedPacket packet;
    ASSERT_EQ(DecodePacket(DLT_EN10MB, Raw(frame), packet), DecodeResult::kOk);
    ExpectTcpV4(packet);
}

TEST(PcapDecode, LinuxCookedV1AndV2) {
    Bytes sll = {0x00, 0x00, 0x00, 0x01, 0x00, 0x06, 1, 2, 3, 4, 5, 6, 0, 0, 0x08, 0x00};
    testing::Append(sll, TcpV4());
    DecodedPacket packet;
    ASSERT_EQ(DecodePacket(DLT_LINUX_SLL, Raw(sll), packet), DecodeResult::kOk);
    ExpectTcpV4(packet);

    Bytes sll2 = {0x86, 0xdd, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01, 0x04, 0x06, 1, 2, 3, 4, 5, 6, 0, 0};
    testing::Append(sll2, TcpV6());
    ASSERT_EQ(DecodePacket(DLT_LINUX_SLL2, Raw(sll2), packet), DecodeResult::kOk);
    EXPECT_EQ(packet.ip_version, 6);
    EXPECT_EQ(packet.source.bytes, Ip("2001:db8::1").bytes);
    EXPECT_FALSE(packet.source.is_v4);
    EXPECT_EQ(packet.destination_port, 443);

    EXPECT_EQ(DecodePacket(DLT_LINUX_SLL2, Raw(Bytes(sll2.begin(), sll2.begin() + 19)), packet),
              DecodeResult::kTruncated);
    EXPECT_EQ(DecodePacket(DLT_LINUX_SLL, Raw(Bytes(sll.begin(), sll.begin() + 15)), packet), DecodeResult::kTruncated);
}

TEST(PcapDecode, BsdLoopbackBothByteOrders) {
    DecodedPacket packet;
    Bytes little = {2, 0, 0, 0};
    testing::Append(little, TcpV4());
    ASSERT_EQ(DecodePacket(DLT_NULL, Raw(little), packet), DecodeResult::kOk);
    ExpectTcpV4(packet);
    Bytes big = {0, 0, 0, 2};
    testing::Append(big, TcpV4());
    ASSERT_EQ(DecodePacket(DLT_NULL, Raw(big), packet), DecodeResult::kOk);
    ExpectTcpV4(packet);
    ASSERT_EQ(DecodePacket(DLT_LOOP, Raw(big), packet), DecodeResult::kOk);
    ExpectTcpV4(packet);
    for (const uint8_t family : {10, 24, 28, 30}) {
        Bytes v6 = {0, 0, 0, family};
        testing::Append(v6, TcpV6());
        ASSERT_EQ(DecodePacket(DLT_LOOP, Raw(v6), packet), DecodeResult::kOk) << int{family};
        EXPECT_EQ(packet.ip_version, 6);
    }
    Bytes other = {7, 0, 0, 0, 1, 2, 3};
    EXPECT_EQ(DecodePacket(DLT_NULL, Raw(other), packet), DecodeResult::kNotIp);
    EXPECT_EQ(DecodePacket(DLT_NULL, Raw(Bytes{2, 0}), packet), DecodeResult::kTruncated);
}

TEST(PcapDecode, RawIpLinkTypes) {
    DecodedPacket packet;
    const Bytes v4 = TcpV4();
    const Bytes v6 = TcpV6();
    for (const int link_type : {DLT_RAW, kLinkTypeRaw, kLinkTypeIpv4}) {
        ASSERT_EQ(DecodePacket(link_type, Raw(v4), packet), DecodeResult::kOk) << link_type;
        ExpectTcpV4(packet);
    }
    for (const int link_type : {DLT_RAW, kLinkTypeIpv6}) {
        ASSERT_EQ(DecodePacket(link_type, Raw(v6), packet), DecodeResult::kOk) << link_type;
        EXPECT_EQ(packet.ip_version, 6);
    }
    EXPECT_EQ(DecodePacket(kLinkTypeIpv4, Raw(TcpV6()), packet), DecodeResult::kMalformed);
    EXPECT_EQ(DecodePacket(DLT_RAW, Raw(Bytes{0x50, 0, 0}), packet), DecodeResult::kMalformed);
}

TEST(PcapDecode, UnsupportedLinkTypeAndNonIp) {
    DecodedPacket packet;
    EXPECT_EQ(DecodePacket(DLT_IEEE802_11, Raw(TcpV4()), packet), DecodeResult::kUnsupportedLinkType);
    const Bytes arp = testing::Ethernet(0x0806, Bytes(28, 0));
    EXPECT_EQ(DecodePacket(DLT_EN10MB, Raw(arp), packet), DecodeResult::kNotIp);
}

TEST(PcapDecode, Ipv4OptionsAreSkipped) {
    const Bytes ip = testing::Ipv4("10.0.0.1", "192.0.2.7", kProtocolTcp,
                                   testing::TcpHeader(51000, 443, 1000, 2000, kTcpAck | kTcpPsh, kPayload, 512), 0, 8);
    DecodedPacket packet;
    ASSERT_EQ(DecodePacket(DLT_RAW, Raw(ip), packet), DecodeResult::kOk);
    EXPECT_EQ(packet.source_port, 51000);
    EXPECT_EQ(packet.ip_bytes, 28u + 20u + kPayload.size());
    EXPECT_EQ(Bytes(packet.payload.begin(), packet.payload.end()), kPayload);
}

TEST(PcapDecode, TcpOptionsAreSkipped) {
    const Bytes ip =
        testing::Ipv4("10.0.0.1", "192.0.2.7", kProtocolTcp, testing::TcpHeader(1, 2, 3, 4, kTcpAck, kPayload, 9, 12));
    DecodedPacket packet;
    ASSERT_EQ(DecodePacket(DLT_RAW, Raw(ip), packet), DecodeResult::kOk);
    EXPECT_EQ(Bytes(packet.payload.begin(), packet.payload.end()), kPayload);
}

TEST(PcapDecode, Ipv6ExtensionHeaders) {
    // Hop-by-hop (8 bytes), destination options (16 bytes), fragment header (first fragment).
    Bytes extensions = {60, 0, 1, 4, 0, 0, 0, 0};
    testing::Append(extensions, Bytes{44, 1, 1, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
    testing::Append(extensions, Bytes{kProtocolUdp, 0, 0x00, 0x01, 0xde, 0xad, 0xbe, 0xef});
    const Bytes ip = testing::Ipv6("2001:db8::1", "2001:db8::2", 0, extensions,
                                   testing::UdpHeader(5353, 53, testing::ToBytes("query")));
    DecodedPacket packet;
    ASSERT_EQ(DecodePacket(kLinkTypeIpv6, Raw(ip), packet), DecodeResult::kOk);
    EXPECT_EQ(packet.ip_protocol, kProtocolUdp);
    EXPECT_EQ(packet.source_port, 5353);
    EXPECT_EQ(packet.destination_port, 53);
    EXPECT_TRUE(packet.ip_fragment);
    EXPECT_TRUE(packet.first_fragment);
    EXPECT_EQ(std::string(packet.payload.begin(), packet.payload.end()), "query");
    EXPECT_EQ(packet.ip_bytes, 40u + 32u + 13u);

    // A later fragment (offset 8) carries no transport header.
    const Bytes later = testing::Ipv6("2001:db8::1", "2001:db8::2", 44,
                                      Bytes{kProtocolUdp, 0, 0x00, 0x08, 0xde, 0xad, 0xbe, 0xef}, Bytes(16, 0xab));
    ASSERT_EQ(DecodePacket(kLinkTypeIpv6, Raw(later), packet), DecodeResult::kOk);
    EXPECT_TRUE(packet.ip_fragment);
    EXPECT_FALSE(packet.first_fragment);
    EXPECT_FALSE(packet.has_transport);
    EXPECT_EQ(packet.payload.size(), 16u);

    // An extension header that claims more bytes than the packet has.
    const Bytes overlong = testing::Ipv6("2001:db8::1", "2001:db8::2", 0, Bytes{6, 9, 0, 0, 0, 0, 0, 0}, {});
    EXPECT_EQ(DecodePacket(kLinkTypeIpv6, Raw(overlong), packet), DecodeResult::kMalformed);
}

TEST(PcapDecode, Ipv4Fragments) {
    DecodedPacket packet;
    const Bytes first =
        testing::Ipv4("10.0.0.1", "10.0.0.2", kProtocolUdp, testing::UdpHeader(1000, 2000, Bytes(24, 1)), 0x2000);
    ASSERT_EQ(DecodePacket(DLT_RAW, Raw(first), packet), DecodeResult::kOk);
    EXPECT_TRUE(packet.ip_fragment);
    EXPECT_TRUE(packet.first_fragment);
    EXPECT_EQ(packet.destination_port, 2000);
    const Bytes later = testing::Ipv4("10.0.0.1", "10.0.0.2", kProtocolUdp, Bytes(24, 2), 4);
    ASSERT_EQ(DecodePacket(DLT_RAW, Raw(later), packet), DecodeResult::kOk);
    EXPECT_TRUE(packet.ip_fragment);
    EXPECT_FALSE(packet.first_fragment);
    EXPECT_FALSE(packet.has_transport);
    EXPECT_EQ(packet.payload.size(), 24u);
}

TEST(PcapDecode, IcmpTypeAndCodeAsPorts) {
    DecodedPacket packet;
    const Bytes echo = testing::Ipv4("10.0.0.1", "10.0.0.2", kProtocolIcmp, Bytes{8, 0, 0, 0, 0, 1, 0, 1, 'x'});
    ASSERT_EQ(DecodePacket(DLT_RAW, Raw(echo), packet), DecodeResult::kOk);
    EXPECT_EQ(packet.source_port, 8);
    EXPECT_EQ(packet.destination_port, 0);
    EXPECT_EQ(packet.payload_length, 1u);
    const Bytes unreachable =
        testing::Ipv6("2001:db8::1", "2001:db8::2", kProtocolIcmpV6, {}, Bytes{1, 4, 0, 0, 0, 0, 0, 0});
    ASSERT_EQ(DecodePacket(DLT_RAW, Raw(unreachable), packet), DecodeResult::kOk);
    EXPECT_EQ(packet.ip_protocol, kProtocolIcmpV6);
    EXPECT_EQ(packet.source_port, 1);
    EXPECT_EQ(packet.destination_port, 4);
}

TEST(PcapDecode, OtherProtocolHasNoPorts) {
    DecodedPacket packet;
    const Bytes gre = testing::Ipv4("10.0.0.1", "10.0.0.2", 47, Bytes(12, 0));
    ASSERT_EQ(DecodePacket(DLT_RAW, Raw(gre), packet), DecodeResult::kOk);
    EXPECT_EQ(packet.ip_protocol, 47);
    EXPECT_FALSE(packet.has_transport);
    EXPECT_EQ(packet.payload.size(), 12u);
}

TEST(PcapDecode, TruncatedInEachHeader) {
    const Bytes frame = testing::Ethernet(0x0800, TcpV4());
    DecodedPacket packet;
    // Cut inside Ethernet, the IPv4 header, the TCP header.
    for (const size_t length : {size_t{10}, size_t{14 + 15}, size_t{14 + 20 + 12}}) {
        const Bytes cut(frame.begin(), frame.begin() + static_cast<std::ptrdiff_t>(length));
        EXPECT_EQ(DecodePacket(DLT_EN10MB, Raw(cut, 0, static_cast<uint32_t>(frame.size())), packet),
                  DecodeResult::kTruncated)
            << length;
    }
    const Bytes v6 = testing::Ethernet(0x86dd, TcpV6());
    EXPECT_EQ(DecodePacket(DLT_EN10MB, Raw(Bytes(v6.begin(), v6.begin() + 14 + 39)), packet), DecodeResult::kTruncated);
    const Bytes udp = testing::Ipv4("10.0.0.1", "10.0.0.2", kProtocolUdp, testing::UdpHeader(1, 2, {}));
    EXPECT_EQ(DecodePacket(DLT_RAW, Raw(Bytes(udp.begin(), udp.begin() + 25)), packet), DecodeResult::kTruncated);
}

TEST(PcapDecode, SnapshotCutPayloadKeepsWireLength) {
    const Bytes frame = testing::Ethernet(0x0800, TcpV4());
    const Bytes cut(frame.begin(), frame.begin() + 14 + 20 + 20 + 4);
    DecodedPacket packet;
    ASSERT_EQ(DecodePacket(DLT_EN10MB, Raw(cut, 0, static_cast<uint32_t>(frame.size())), packet), DecodeResult::kOk);
    EXPECT_EQ(packet.payload.size(), 4u);
    EXPECT_EQ(packet.payload_length, kPayload.size());
    EXPECT_EQ(packet.frame_bytes, frame.size());
}

TEST(PcapDecode, MalformedHeaders) {
    DecodedPacket packet;
    Bytes short_ihl = TcpV4();
    short_ihl[0] = 0x44;
    EXPECT_EQ(DecodePacket(DLT_RAW, Raw(short_ihl), packet), DecodeResult::kMalformed);
    Bytes short_total = TcpV4();
    short_total[2] = 0;
    short_total[3] = 10;
    EXPECT_EQ(DecodePacket(DLT_RAW, Raw(short_total), packet), DecodeResult::kMalformed);
    Bytes short_offset = TcpV4();
    short_offset[20 + 12] = 0x40;
    EXPECT_EQ(DecodePacket(DLT_RAW, Raw(short_offset), packet), DecodeResult::kMalformed);
    Bytes v6_in_v4_link = TcpV4();
    v6_in_v4_link[0] = 0x65;
    EXPECT_EQ(DecodePacket(kLinkTypeIpv4, Raw(v6_in_v4_link), packet), DecodeResult::kMalformed);
}

TEST(PcapDecode, ZeroTotalLengthFromSegmentationOffload) {
    Bytes ip = TcpV4();
    ip[2] = 0;
    ip[3] = 0;
    DecodedPacket packet;
    ASSERT_EQ(DecodePacket(DLT_RAW, Raw(ip), packet), DecodeResult::kOk);
    EXPECT_EQ(packet.ip_bytes, ip.size());
    EXPECT_EQ(packet.payload_length, kPayload.size());
}

} // namespace
} // namespace unmask::ingest::pcap
