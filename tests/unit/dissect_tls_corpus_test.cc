// The TLS dissector against real traffic from the shared corpus: published JA3 values,
// FoxIO's own JA4/JA4S output, Telegram MTProxy FakeTLS hellos, and a differential check
// against tshark's JA3/JA3S/SNI fields.
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "dissect/tls.h"
#include "dissect_tls_pcap_util.h"

namespace unmask::dissect {
namespace {

using testing::ReplayedFlow;
using testing::ReplayTcpFlows;

const std::filesystem::path kCorpus = UNMASK_SOURCE_DIR "/../shared/corpus";

#define SKIP_WITHOUT_CORPUS_FILE(relative)                                                                             \
    if (!std::filesystem::exists(kCorpus / (relative))) {                                                              \
        GTEST_SKIP() << "corpus file " << (kCorpus / (relative)) << " is absent; not checked";                         \
    }

std::vector<uint8_t> DecodeBase64(const std::string& text) {
    std::vector<uint8_t> out;
    uint32_t buffer = 0;
    int bits = 0;
    for (char c : text) {
        int value = -1;
        if (c >= 'A' && c <= 'Z')
            value = c - 'A';
        else if (c >= 'a' && c <= 'z')
            value = c - 'a' + 26;
        else if (c >= '0' && c <= '9')
            value = c - '0' + 52;
        else if (c == '+')
            value = 62;
        else if (c == '/')
            value = 63;
        if (value < 0)
            continue;
        buffer = (buffer << 6) | static_cast<uint32_t>(value);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<uint8_t>(buffer >> bits));
        }
    }
    return out;
}

// Reads the "full" field (base64 of a whole TLS record) of an mtg test-data JSON file.
std::vector<uint8_t> ReadMtgClientHello(const std::filesystem::path& path) {
    std::ifstream file(path);
    std::stringstream text;
    text << file.rdbuf();
    const std::string json = text.str();
    const std::string key = "\"full\": \"";
    const size_t start = json.find(key);
    if (start == std::string::npos) {
        return {};
    }
    const size_t end = json.find('"', start + key.size());
    return DecodeBase64(json.substr(start + key.size(), end - start - key.size()));
}

TlsFacts DissectClientBytes(const std::vector<uint8_t>& bytes) {
    TlsDissector dissector;
    dissector.Feed(Direction::kToServer, bytes);
    dissector.Finish();
    return dissector.facts();
}

TEST(TlsCorpus, MtprotoFakeTlsHelloParses) {
    SKIP_WITHOUT_CORPUS_FILE("mtg-faketls/client-hello-ok-19dfe38384b9884b.json");
    const TlsFacts facts =
        DissectClientBytes(ReadMtgClientHello(kCorpus / "mtg-faketls/client-hello-ok-19dfe38384b9884b.json"));
    ASSERT_TRUE(facts.client_hello.has_value());
    EXPECT_TRUE(facts.tls_detected);
    EXPECT_EQ(facts.client_hello->server_name, "storage.googleapis.com");
    EXPECT_EQ(facts.client_hello->record_version, 0x0301);
    EXPECT_EQ(facts.client_hello->session_id_length, 32u);
    EXPECT_EQ(facts.client_hello->alpn.front(), "h2");
    EXPECT_FALSE(facts.HasEvidence("malformed_extension"));
    EXPECT_FALSE(facts.HasEvidence("handshake_length_mismatch"));
    EXPECT_FALSE(facts.HasEvidence("malformed_client_hello"));
    // The capture holds the client side only, so the hello stays unanswered.
    EXPECT_TRUE(facts.HasEvidence("client_hello_unanswered"));
    EXPECT_EQ(facts.ssl_history, "C");
}

TEST(TlsCorpus, MtprotoCorruptedHelloFlagsStatusRequest) {
    SKIP_WITHOUT_CORPUS_FILE("mtg-faketls/client-hello-bad-fa2e46cdb33e2a1b.json");
    // The corrupted record differs from the good one in one session ID byte and in the
    // status_request extension, whose status type is 0 and whose inner length overruns it.
    const TlsFacts facts =
        DissectClientBytes(ReadMtgClientHello(kCorpus / "mtg-faketls/client-hello-bad-fa2e46cdb33e2a1b.json"));
    ASSERT_TRUE(facts.client_hello.has_value());
    EXPECT_EQ(facts.client_hello->server_name, "storage.googleapis.com");
    EXPECT_TRUE(facts.HasEvidence("malformed_extension"));
    EXPECT_FALSE(facts.HasEvidence("malformed_client_hello"));
}

// The first replayed flow with a ClientHello whose JA3 matches, or nullptr.
const ReplayedFlow* FindJa3(const std::vector<ReplayedFlow>& flows, const std::string& ja3) {
    for (const auto& flow : flows) {
        if (flow.dissector->facts().ja3 == ja3) {
            return &flow;
        }
    }
    return nullptr;
}

TEST(TlsCorpus, PublishedJa3Values) {
    SKIP_WITHOUT_CORPUS_FILE("slips/test-cc_test-cc-capture-1.pcap");
    struct Case {
        const char* file;
        const char* ja3;
    };
    const Case cases[] = {
        {"slips/test-cc_test-cc-capture-1.pcap", "f436b9416f37d134cadd04886327d3e8"}, // curl
        {"ndpi/emotet.pcap", "51c64c77e60f3980eea90869b68c58a8"},
        {"suricata-verify/TLSv1-Extracted-MaliciousC2.pcap", "49ed2ef3f1321e5f044f1e71b0e6fdd5"}, // TrickBot
    };
    for (const Case& c : cases) {
        const auto flows = ReplayTcpFlows((kCorpus / c.file).string());
        ASSERT_FALSE(flows.empty()) << c.file;
        EXPECT_NE(FindJa3(flows, c.ja3), nullptr) << c.file << " has no ClientHello with JA3 " << c.ja3;
    }
    const auto trickbot = ReplayTcpFlows((kCorpus / "suricata-verify/TLSv1-Extracted-MaliciousC2.pcap").string());
    const TlsFacts& facts = trickbot.front().dissector->facts();
    EXPECT_EQ(facts.ja3_full, "769,49162-49161-49172-49171-53-47-10,5-10-11-35-23-65281,29-23-24,0");
    EXPECT_FALSE(facts.client_hello->has_server_name);
    EXPECT_EQ(facts.ja4.substr(0, 4), "t10i");
}

TEST(TlsCorpus, EmotetSelfSignedCertificateExtracted) {
    SKIP_WITHOUT_CORPUS_FILE("ndpi/emotet.pcap");
    const auto flows = ReplayTcpFlows((kCorpus / "ndpi/emotet.pcap").string());
    const ReplayedFlow* flow = FindJa3(flows, "51c64c77e60f3980eea90869b68c58a8");
    ASSERT_NE(flow, nullptr);
    const TlsFacts& facts = flow->dissector->facts();
    ASSERT_FALSE(facts.server_certificates_der.empty());
    // A DER certificate is a SEQUENCE; "example.com" is the self-signed subject CN.
    EXPECT_EQ(static_cast<uint8_t>(facts.server_certificates_der.front()[0]), 0x30);
    EXPECT_NE(facts.server_certificates_der.front().find("example.com"), std::string::npos);
    EXPECT_EQ(facts.version, "TLSv12");
    EXPECT_TRUE(facts.established);
    // Zeek's letters: the server's NewSessionTicket (t) comes before its ChangeCipherSpec.
    EXPECT_EQ(facts.ssl_history, "CsxknGIti");
}

// JA4 and JA4S of ja4/tls-handshake.pcapng as FoxIO's own tool prints them (FoxIO-LLC/ja4,
// rust/ja4/src/snapshots/ja4__insta@tls-handshake.pcapng.snap), keyed by client port.
TEST(TlsCorpus, Ja4MatchesFoxioOutput) {
    SKIP_WITHOUT_CORPUS_FILE("ja4/tls-handshake.pcapng");
    struct Expected {
        uint16_t client_port;
        const char* server_name;
        const char* ja4;
        const char* ja4s;
    };
    const Expected expected[] = {
        {50112, "clientservices.googleapis.com", "t13d1516h2_8daaf6152771_e5627efa2ab1", "t130200_1301_234ea6891581"},
        {50116, "lastpass.com", "t13d1516h2_8daaf6152771_e5627efa2ab1", "t130200_1302_a56c5b993250"},
        {50122, "lp-push-server-452.lastpass.com", "t13d1516h1_8daaf6152771_e5627efa2ab1", "t120300_c030_bec8bdbaef8a"},
        {50123, "mtalk.google.com", "t13d151400_8daaf6152771_de4a06bb82e3", "t130200_1301_234ea6891581"},
        {50153, "edge-chat.facebook.com", "t13d1517h1_8daaf6152771_6cdcb247c39b", "t130300_1301_0ee26285a86f"},
        {50157, "statics-marketingsites-eus-ms-com.akamaized.net", "t13d1516h2_8daaf6152771_e5627efa2ab1",
         "t1206h1_c02b_9bd66850b8f2"},
        {50164, "wcpstatic.microsoft.com", "t13d1516h2_8daaf6152771_e5627efa2ab1", "t1206h2_c02f_46cf7c3c6b8f"},
        {50167, "login.live.com", "t13d1516h2_8daaf6152771_e5627efa2ab1", "t120400_c030_4e8089b08790"},
        {50170, "target.microsoft.com", "t13d1516h2_8daaf6152771_e5627efa2ab1", "t1204h2_c02f_1428ce7b4018"},
    };
    const auto flows = ReplayTcpFlows((kCorpus / "ja4/tls-handshake.pcapng").string());
    std::map<uint16_t, const TlsFacts*> by_port;
    for (const auto& flow : flows) {
        by_port[flow.client.port] = &flow.dissector->facts();
    }
    for (const Expected& e : expected) {
        ASSERT_TRUE(by_port.count(e.client_port)) << "no flow from client port " << e.client_port;
        const TlsFacts& facts = *by_port[e.client_port];
        ASSERT_TRUE(facts.client_hello.has_value()) << e.client_port;
        EXPECT_EQ(facts.client_hello->server_name, e.server_name);
        EXPECT_EQ(facts.ja4, e.ja4) << e.server_name;
        EXPECT_EQ(facts.ja4s, e.ja4s) << e.server_name;
    }
    // TLS 1.2 with a certificate chain: the chain is extracted; TLS 1.3 hides it.
    EXPECT_EQ(by_port[50164]->server_certificates_der.size(), 3u);
    EXPECT_TRUE(by_port[50112]->server_certificates_der.empty());
    EXPECT_EQ(by_port[50112]->version, "TLSv13");
    EXPECT_EQ(by_port[50112]->cipher, "TLS_AES_128_GCM_SHA256");
    // The capture stops after the server's first flight, so the client never sends encrypted
    // records and the connection is not established by Zeek's rule.
    EXPECT_FALSE(by_port[50112]->established);
    EXPECT_EQ(by_port[50112]->ssl_history, "Csi");
}

// Runs tshark on `pcap` and returns one line per TLS hello: stream, type, JA3 full, JA3, JA3S,
// server name, client port.
std::vector<std::vector<std::string>> TsharkHellos(const std::filesystem::path& pcap) {
    const std::string command = "tshark -n -r '" + pcap.string() +
                                "' -Y 'tls.handshake.type == 1 || tls.handshake.type == 2' -T fields -E separator=/t "
                                "-e tcp.srcport -e tcp.dstport -e tls.handshake.type -e tls.handshake.ja3_full "
                                "-e tls.handshake.ja3 -e tls.handshake.ja3s -e tls.handshake.extensions_server_name "
                                "2>/dev/null";
    std::vector<std::vector<std::string>> rows;
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr) {
        return rows;
    }
    std::array<char, 65536> line{};
    while (fgets(line.data(), static_cast<int>(line.size()), pipe) != nullptr) {
        std::string text(line.data());
        if (!text.empty() && text.back() == '\n') {
            text.pop_back();
        }
        std::vector<std::string> fields;
        std::stringstream stream(text);
        std::string field;
        while (std::getline(stream, field, '\t')) {
            fields.push_back(field);
        }
        fields.resize(7);
        rows.push_back(fields);
    }
    pclose(pipe);
    return rows;
}

TEST(TlsCorpus, MatchesTsharkJa3AndServerName) {
    if (!std::filesystem::exists("/usr/bin/tshark")) {
        GTEST_SKIP() << "tshark is not installed at /usr/bin/tshark; the differential check is skipped";
    }
    SKIP_WITHOUT_CORPUS_FILE("ja4/tls-handshake.pcapng");
    const char* files[] = {
        "ja4/tls-handshake.pcapng",
        "ja4/browsers-x509.pcapng",
        "ja4/tls12.pcap",
        "ja4/badcurveball.pcap",
        "ndpi/emotet.pcap",
        "ndpi/google_ssl.pcap",
        "ndpi/teams.pcap",
        "ndpi/selfsigned.pcap",
        "zeek/tls_chrome-34-google.pcap",
        "zeek/tls_tls13-ech.pcap",
        "zeek/tls_missing-intermediate.pcap",
        "suricata-verify/tls-extra-alert.pcap",
        "slips/test-cc_test-cc-capture-1.pcap",
    };
    size_t compared_client = 0;
    size_t compared_server = 0;
    for (const char* file : files) {
        const auto path = kCorpus / file;
        if (!std::filesystem::exists(path)) {
            continue;
        }
        const auto flows = ReplayTcpFlows(path.string());
        std::map<std::pair<uint16_t, uint16_t>, const TlsFacts*> by_ports;
        for (const auto& flow : flows) {
            by_ports[{flow.client.port, flow.server.port}] = &flow.dissector->facts();
        }
        std::map<std::pair<uint16_t, uint16_t>, int> seen_client_hellos;
        for (const auto& row : TsharkHellos(path)) {
            if (row[0].empty() || row[1].empty()) {
                continue; // a QUIC hello, not carried in TCP
            }
            const auto source_port = static_cast<uint16_t>(std::stoi(row[0]));
            const auto destination_port = static_cast<uint16_t>(std::stoi(row[1]));
            const bool client_hello = row[2].rfind("1", 0) == 0;
            const std::pair<uint16_t, uint16_t> key =
                client_hello ? std::pair{source_port, destination_port} : std::pair{destination_port, source_port};
            auto it = by_ports.find(key);
            ASSERT_NE(it, by_ports.end()) << file << " port " << key.first;
            const TlsFacts& facts = *it->second;
            if (client_hello) {
                // Only the first ClientHello of a connection is fingerprinted.
                if (seen_client_hellos[key]++ > 0) {
                    continue;
                }
                ASSERT_TRUE(facts.client_hello.has_value()) << file << " port " << key.first;
                if (facts.client_hello->sslv2_format) {
                    EXPECT_EQ(row[4], "") << "tshark 4.0 computes no JA3 for an SSLv2-format hello";
                    continue;
                }
                EXPECT_EQ(facts.ja3_full, row[3]) << file << " port " << key.first;
                EXPECT_EQ(facts.ja3, row[4]) << file << " port " << key.first;
                EXPECT_EQ(facts.client_hello->server_name, row[6]) << file << " port " << key.first;
                ++compared_client;
            } else if (row[2].rfind("2", 0) == 0 && !row[5].empty() && facts.server_hello &&
                       !facts.server_hello->hello_retry_request) {
                EXPECT_EQ(facts.ja3s, row[5]) << file << " port " << key.first;
                ++compared_server;
            }
        }
    }
    std::printf("compared %zu ClientHellos and %zu ServerHellos with tshark\n", compared_client, compared_server);
    EXPECT_GT(compared_client, 50u);
    EXPECT_GT(compared_server, 30u);
}

TEST(TlsCorpus, TlsToHttpServerIsServerNotTls) {
    SKIP_WITHOUT_CORPUS_FILE("zeek/tls_ssl-to-http-server.pcap");
    const auto flows = ReplayTcpFlows((kCorpus / "zeek/tls_ssl-to-http-server.pcap").string());
    bool found = false;
    for (const auto& flow : flows) {
        const TlsFacts& facts = flow.dissector->facts();
        if (facts.client_hello && facts.bytes_seen[1] > 0) {
            found = true;
            EXPECT_TRUE(facts.HasEvidence("server_not_tls"));
            EXPECT_TRUE(facts.HasEvidence("client_hello_unanswered"));
            EXPECT_GT(facts.first_payload_printable_ratio_by_direction[1], 0.9);
        }
    }
    EXPECT_TRUE(found);
}

TEST(TlsCorpus, Sslv2HelloAnsweredBySslv2) {
    SKIP_WITHOUT_CORPUS_FILE("zeek/tls_ssl-v2.pcap");
    const auto flows = ReplayTcpFlows((kCorpus / "zeek/tls_ssl-v2.pcap").string());
    ASSERT_FALSE(flows.empty());
    const TlsFacts& facts = flows.front().dissector->facts();
    ASSERT_TRUE(facts.client_hello.has_value());
    EXPECT_TRUE(facts.client_hello->sslv2_format);
    EXPECT_EQ(facts.version, "SSLv2");
    EXPECT_EQ(facts.ssl_history, "Cs");
    ASSERT_EQ(facts.server_certificates_der.size(), 1u);
    EXPECT_NE(facts.server_certificates_der.front().find("Plesk"), std::string::npos);
}

TEST(TlsCorpus, Sslv2HelloAnsweredByTls) {
    SKIP_WITHOUT_CORPUS_FILE("suricata-verify/tls-glupteba.pcap");
    const auto flows = ReplayTcpFlows((kCorpus / "suricata-verify/tls-glupteba.pcap").string());
    ASSERT_FALSE(flows.empty());
    const TlsFacts& facts = flows.front().dissector->facts();
    ASSERT_TRUE(facts.client_hello.has_value());
    EXPECT_TRUE(facts.client_hello->sslv2_format);
    EXPECT_EQ(facts.version, "TLSv10");
    EXPECT_EQ(facts.ja3s, "e1691a31bfe345d2692da75636ddfb00"); // tshark 4.0.17
    EXPECT_FALSE(facts.HasEvidence("no_handshake_after_record_header"));
}

TEST(TlsCorpus, OversizedRecordReported) {
    SKIP_WITHOUT_CORPUS_FILE("suricata-verify/tls_DER-incomplete-header.pcap");
    const auto flows = ReplayTcpFlows((kCorpus / "suricata-verify/tls_DER-incomplete-header.pcap").string());
    bool oversized = false;
    for (const auto& flow : flows) {
        oversized = oversized || flow.dissector->facts().HasEvidence("handshake_message_oversized") ||
                    flow.dissector->facts().HasEvidence("record_length_oversized");
    }
    EXPECT_TRUE(oversized);
}

} // namespace
} // namespace unmask::dissect
