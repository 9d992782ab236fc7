// PacketSource, DecodePacket and FlowTable on the real captures of the shared corpus:
// - TCP and UDP conversations and their per-direction frame and byte counts against tshark's
//   `-z conv,tcp` and `-z conv,udp` (skipped when /usr/bin/tshark is absent);
// - the robustness captures (empty, truncated, odd link types, pcapng, gzip, corrupt) are read
//   to the end or to the reported damage, never crashing.
#include <array>
#include <cstdio>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <tuple>

#include <gtest/gtest.h>

#include "ingest/pcap/flow_table.h"
#include "ingest/pcap/packet_source.h"

namespace unmask::ingest::pcap {
namespace {

namespace fs = std::filesystem;

const fs::path kCorpus = fs::path(UNMASK_SOURCE_DIR) / ".." / "shared" / "corpus";
const char* const kTshark = "/usr/bin/tshark";

#define SKIP_WITHOUT_CORPUS()                                                                                          \
    if (!fs::exists(kCorpus / "README.md")) {                                                                          \
        GTEST_SKIP() << "the shared corpus is not at " << kCorpus << " (it sits beside the repository)";               \
    }

// One endpoint: address and port.
using Endpoint = std::pair<std::array<uint8_t, 17>, uint16_t>;

Endpoint MakeEndpoint(const IpAddress& address, uint16_t port) {
    std::array<uint8_t, 17> bytes{};
    std::copy(address.bytes.begin(), address.bytes.end(), bytes.begin());
    bytes[16] = address.is_v4 ? 1 : 0;
    return {bytes, port};
}

// Counts of one conversation, in the direction from the lower endpoint `a` to the higher `b`.
struct Conversation {
    uint64_t frames_ab = 0;
    uint64_t bytes_ab = 0;
    uint64_t frames_ba = 0;
    uint64_t bytes_ba = 0;
    // tshark prints large byte counts rounded to kB or MB; this is the unit it used (1 when exact).
    uint64_t unit_ab = 1;
    uint64_t unit_ba = 1;
};

using ConversationKey = std::tuple<uint8_t, Endpoint, Endpoint>; // protocol, lower endpoint, higher
using Conversations = std::map<ConversationKey, Conversation>;

// Adds counts measured from `first` to `second` under the ordered key.
void AddCounts(Conversations& conversations, uint8_t protocol, const Endpoint& first, const Endpoint& second,
               uint64_t frames_forward, uint64_t bytes_forward, uint64_t frames_back, uint64_t bytes_back,
               uint64_t unit_forward = 1, uint64_t unit_back = 1) {
    const bool ordered = first <= second;
    Conversation& c = conversations[{protocol, ordered ? first : second, ordered ? second : first}];
    c.frames_ab += ordered ? frames_forward : frames_back;
    c.bytes_ab += ordered ? bytes_forward : bytes_back;
    c.frames_ba += ordered ? frames_back : frames_forward;
    c.bytes_ba += ordered ? bytes_back : bytes_forward;
    c.unit_ab = std::max(c.unit_ab, ordered ? unit_forward : unit_back);
    c.unit_ba = std::max(c.unit_ba, ordered ? unit_back : unit_forward);
}

std::string RunCommand(const std::string& command) {
    std::string output;
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr) {
        return output;
    }
    std::array<char, 4096> buffer{};
    size_t count = 0;
    while ((count = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) {
        output.append(buffer.data(), count);
    }
    pclose(pipe);
    return output;
}

// Parses "address:port"; IPv6 addresses contain colons too, so the port follows the last one.
bool ParseEndpoint(const std::string& text, Endpoint& endpoint) {
    const size_t colon = text.rfind(':');
    if (colon == std::string::npos) {
        return false;
    }
    const auto address = ParseIpAddress(text.substr(0, colon));
    if (!address) {
        return false;
    }
    endpoint = MakeEndpoint(*address, static_cast<uint16_t>(std::stoul(text.substr(colon + 1))));
    return true;
}

uint64_t UnitOf(const std::string& unit) {
    if (unit == "kB") {
        return 1000;
    }
    if (unit == "MB") {
        return 1000 * 1000;
    }
    return 1;
}

// Parses the conversation tables of `tshark -q -z conv,tcp -z conv,udp`. A row reads
// "A:port <-> B:port  frames bytes unit  frames bytes unit  ...", where the first pair counts
// frames from B to A ("<-") and the second from A to B ("->").
Conversations TsharkConversations(const fs::path& capture) {
    const std::string output =
        RunCommand(std::string(kTshark) + " -n -r '" + capture.string() + "' -q -z conv,tcp -z conv,udp 2>/dev/null");
    Conversations conversations;
    uint8_t protocol = 0;
    std::istringstream lines(output);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.find("TCP Conversations") != std::string::npos) {
            protocol = kProtocolTcp;
            continue;
        }
        if (line.find("UDP Conversations") != std::string::npos) {
            protocol = kProtocolUdp;
            continue;
        }
        std::istringstream fields(line);
        std::string a_text, arrow, b_text, back_unit, forward_unit;
        uint64_t back_frames = 0, back_bytes = 0, forward_frames = 0, forward_bytes = 0;
        if (!(fields >> a_text >> arrow >> b_text >> back_frames >> back_bytes >> back_unit >> forward_frames >>
              forward_bytes >> forward_unit) ||
            arrow != "<->") {
            continue;
        }
        Endpoint a, b;
        if (protocol == 0 || !ParseEndpoint(a_text, a) || !ParseEndpoint(b_text, b)) {
            continue;
        }
        const uint64_t unit_forward = UnitOf(forward_unit);
        const uint64_t unit_back = UnitOf(back_unit);
        AddCounts(conversations, protocol, a, b, forward_frames, forward_bytes * unit_forward, back_frames,
                  back_bytes * unit_back, unit_forward, unit_back);
    }
    return conversations;
}

// Sums the frames and frame bytes of every ended flow per 5-tuple, as tshark's tables do.
class ConversationObserver : public FlowObserver {
public:
    std::unique_ptr<FlowApplication> OnFlowStart(const FlowRecord&) override { return nullptr; }
    void OnFlowEnd(const FlowRecord& flow, FlowApplication*) override {
        if (flow.ip_protocol != kProtocolTcp && flow.ip_protocol != kProtocolUdp) {
            return;
        }
        AddCounts(conversations, flow.ip_protocol, MakeEndpoint(flow.client, flow.client_port),
                  MakeEndpoint(flow.server, flow.server_port), flow.packets[0], flow.frame_bytes[0], flow.packets[1],
                  flow.frame_bytes[1]);
    }
    Conversations conversations;
};

struct ReadSummary {
    ReadOutcome outcome = ReadOutcome::kEnd;
    uint64_t packets = 0;
    std::string damage;
    FlowTableStats stats;
};

// Reads a whole capture through the flow table.
ReadSummary ReadCapture(const fs::path& capture, FlowObserver& observer) {
    ReadSummary summary;
    auto source = PacketSource::OpenFile(capture.string());
    EXPECT_TRUE(source.ok()) << source.status().message();
    if (!source.ok()) {
        return summary;
    }
    FlowTable table(FlowTableOptions{}, observer);
    RawPacket packet;
    while ((summary.outcome = source->Next(packet)) == ReadOutcome::kPacket) {
        table.AddRaw(source->link_type(), packet);
    }
    table.FlushAll();
    summary.packets = source->packets_read();
    if (source->damage()) {
        summary.damage = source->damage()->ToString();
    }
    summary.stats = table.stats();
    EXPECT_EQ(table.stats().flows_started, table.stats().flows_ended);
    return summary;
}

std::string Describe(const ConversationKey& key) {
    const auto& [protocol, a, b] = key;
    std::ostringstream text;
    text << (protocol == kProtocolTcp ? "tcp " : "udp ");
    for (const Endpoint* endpoint : {&a, &b}) {
        const auto& bytes = endpoint->first;
        if (bytes[16] == 1) {
            text << int{bytes[0]} << '.' << int{bytes[1]} << '.' << int{bytes[2]} << '.' << int{bytes[3]};
        } else {
            text << "ipv6";
            for (int i = 0; i < 16; ++i) {
                text << (i % 2 == 0 ? ":" : "") << std::hex << int{bytes[static_cast<size_t>(i)]} << std::dec;
            }
        }
        text << ':' << endpoint->second << (endpoint == &a ? " <-> " : "");
    }
    return text.str();
}

bool BytesMatch(uint64_t ours, uint64_t theirs, uint64_t unit) {
    // Rounded output: accept any value that prints as the same number of units.
    return unit == 1 ? ours == theirs : (ours + unit > theirs && ours < theirs + unit);
}

class PcapTsharkDifferential : public ::testing::TestWithParam<const char*> {};

TEST_P(PcapTsharkDifferential, ConversationsMatch) {
    SKIP_WITHOUT_CORPUS();
    if (!fs::exists(kTshark)) {
        GTEST_SKIP() << kTshark << " is not installed (Debian package tshark)";
    }
    const fs::path capture = kCorpus / GetParam();
    ASSERT_TRUE(fs::exists(capture)) << capture;
    const Conversations expected = TsharkConversations(capture);
    ASSERT_FALSE(expected.empty()) << "tshark listed no conversation in " << capture;
    ConversationObserver observer;
    const ReadSummary summary = ReadCapture(capture, observer);
    EXPECT_EQ(summary.outcome, ReadOutcome::kEnd) << summary.damage;
    EXPECT_EQ(observer.conversations.size(), expected.size());
    for (const auto& [key, theirs] : expected) {
        auto found = observer.conversations.find(key);
        if (found == observer.conversations.end()) {
            ADD_FAILURE() << "tshark has a conversation unmask lacks: " << Describe(key);
            continue;
        }
        const Conversation& ours = found->second;
        EXPECT_EQ(ours.frames_ab, theirs.frames_ab) << Describe(key);
        EXPECT_EQ(ours.frames_ba, theirs.frames_ba) << Describe(key);
        EXPECT_TRUE(BytesMatch(ours.bytes_ab, theirs.bytes_ab, theirs.unit_ab))
            << Describe(key) << ": unmask " << ours.bytes_ab << ", tshark " << theirs.bytes_ab;
        EXPECT_TRUE(BytesMatch(ours.bytes_ba, theirs.bytes_ba, theirs.unit_ba))
            << Describe(key) << ": unmask " << ours.bytes_ba << ", tshark " << theirs.bytes_ba;
    }
    for (const auto& [key, ours] : observer.conversations) {
        EXPECT_TRUE(expected.count(key) == 1) << "unmask has a conversation tshark lacks: " << Describe(key);
    }
}

INSTANTIATE_TEST_SUITE_P(Corpus, PcapTsharkDifferential,
                         ::testing::Values("slips/test-cc_test-cc-capture-1.pcap", "caldera/sandcat.pcap",
                                           "usenix-woot/mythic-athena-http.pcap", "ndpi/emotet.pcap", "ndpi/teams.pcap",
                                           "ndpi/malware.pcap", "ndpi/google_ssl.pcap", "ndpi/tls_with_huge_ch.pcapng",
                                           "ja4/tls-handshake.pcapng", "ja4/browsers-x509.pcapng",
                                           "ja4/http-empty-useragent.pcap", "ja4/https-connect.pcap",
                                           "zeek/http_bro.org.pcap", "zeek/websocket_wstunnel-https.pcap",
                                           "zeek/quic_merlinc2_Zeek_example.pcapng",
                                           "zeek/tls_tls-fragmented-handshake.pcap.gz",
                                           "pcap-attack/cmds_over_dns_txt.pcap"));

// Every robustness capture: the expected outcome, and a packet count that tshark agrees with.
struct RobustnessCase {
    const char* file;
    ReadOutcome outcome;
    uint64_t packets;
    const char* damage_text; // part of the damage message, or "" when none is expected
};

class PcapRobustness : public ::testing::TestWithParam<RobustnessCase> {};

TEST_P(PcapRobustness, ReadsToEndOrReportsDamage) {
    SKIP_WITHOUT_CORPUS();
    const RobustnessCase& test_case = GetParam();
    ConversationObserver observer;
    const ReadSummary summary = ReadCapture(kCorpus / test_case.file, observer);
    EXPECT_EQ(summary.outcome, test_case.outcome) << summary.damage;
    EXPECT_EQ(summary.packets, test_case.packets);
    EXPECT_EQ(summary.stats.packets, test_case.packets);
    if (*test_case.damage_text != '\0') {
        EXPECT_NE(summary.damage.find(test_case.damage_text), std::string::npos) << summary.damage;
        EXPECT_NE(summary.damage.find(test_case.file), std::string::npos) << summary.damage;
    } else {
        EXPECT_EQ(summary.damage, "");
    }
}

INSTANTIATE_TEST_SUITE_P(
    Corpus, PcapRobustness,
    ::testing::Values(RobustnessCase{"zeek/empty.pcap", ReadOutcome::kEnd, 0, ""},
                      RobustnessCase{"zeek/trunc_trunc-hdr.pcap", ReadOutcome::kEnd, 1, ""},
                      RobustnessCase{"zeek/trunc_ip4-trunc.pcap", ReadOutcome::kEnd, 1, ""},
                      RobustnessCase{"zeek/linux_dlt_sll2.pcap", ReadOutcome::kEnd, 6, ""},
                      RobustnessCase{"zeek/pcapng-multi-interface.pcapng", ReadOutcome::kEnd, 6, ""},
                      RobustnessCase{"suricata-verify/tls_DER-incomplete-header.pcap", ReadOutcome::kDamaged, 6,
                                     "packet 7 at byte offset"},
                      RobustnessCase{"zeek/tls_tls-fragmented-handshake.pcap.gz", ReadOutcome::kEnd, 416, ""},
                      RobustnessCase{"ndpi/malware.pcap", ReadOutcome::kEnd, 100, ""},
                      RobustnessCase{"ndpi/tls_invalid_reads.pcap", ReadOutcome::kEnd, 12, ""},
                      RobustnessCase{"ndpi/tls_unidirectional.pcap", ReadOutcome::kEnd, 8, ""},
                      RobustnessCase{"ndpi/http-manipulated.pcap", ReadOutcome::kEnd, 40, ""}));

// Every capture in the corpus, whatever its content, is read without a crash and each packet is
// either in a flow or counted as undecodable.
TEST(PcapCorpus, EveryCaptureReads) {
    SKIP_WITHOUT_CORPUS();
    int captures = 0;
    for (const auto& entry : fs::recursive_directory_iterator(kCorpus)) {
        const std::string name = entry.path().filename().string();
        if (name.find(".pcap") == std::string::npos || name.find(".ndpi.out") != std::string::npos) {
            continue;
        }
        ++captures;
        ConversationObserver observer;
        const ReadSummary summary = ReadCapture(entry.path(), observer);
        EXPECT_EQ(summary.stats.packets, summary.packets) << entry.path();
    }
    EXPECT_GT(captures, 40);
}

TEST(PcapCorpus, TruncatedFramesCounted) {
    SKIP_WITHOUT_CORPUS();
    for (const char* file : {"zeek/trunc_trunc-hdr.pcap", "zeek/trunc_ip4-trunc.pcap"}) {
        ConversationObserver observer;
        const ReadSummary summary = ReadCapture(kCorpus / file, observer);
        EXPECT_EQ(summary.stats.truncated, 1u) << file;
        EXPECT_EQ(summary.stats.flows_started, 0u) << file;
    }
}

// The SLL2 capture contains an ICMP and an ICMPv6 echo exchange (one flow each) and ARP and RARP.
TEST(PcapCorpus, LinuxCookedV2Flows) {
    SKIP_WITHOUT_CORPUS();
    class Collector : public FlowObserver {
    public:
        std::unique_ptr<FlowApplication> OnFlowStart(const FlowRecord&) override { return nullptr; }
        void OnFlowEnd(const FlowRecord& flow, FlowApplication*) override { flows.push_back(flow); }
        std::vector<FlowRecord> flows;
    };
    Collector collector;
    const ReadSummary summary = ReadCapture(kCorpus / "zeek/linux_dlt_sll2.pcap", collector);
    EXPECT_EQ(summary.stats.non_ip, 2u);
    ASSERT_EQ(collector.flows.size(), 2u);
    EXPECT_EQ(collector.flows[0].ip_protocol, kProtocolIcmp);
    EXPECT_EQ(collector.flows[0].client_port, 8); // echo request type
    EXPECT_EQ(collector.flows[0].packets[0] + collector.flows[0].packets[1], 2u);
    EXPECT_EQ(collector.flows[1].ip_protocol, kProtocolIcmpV6);
    EXPECT_FALSE(collector.flows[1].client.is_v4);
}

TEST(PcapSource, MissingFileIsAnError) {
    const auto source = PacketSource::OpenFile("/nonexistent/capture.pcap");
    ASSERT_FALSE(source.ok());
    EXPECT_EQ(source.status().kind(), ErrorKind::kIo);
    EXPECT_NE(source.status().message().find("/nonexistent/capture.pcap"), std::string::npos);
}

TEST(PcapSource, NonCaptureIsInvalidInput) {
    SKIP_WITHOUT_CORPUS();
    const auto source = PacketSource::OpenFile((kCorpus / "README.md").string());
    ASSERT_FALSE(source.ok());
    EXPECT_EQ(source.status().kind(), ErrorKind::kInvalidInput);
}

} // namespace
} // namespace unmask::ingest::pcap
