// Packet captures of the shared corpus through the capture path: the facts the corpus README
// states for each capture, a differential check against tshark on every capture, and every
// damaged capture read without a crash with its damage counted.
#include <gtest/gtest.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <tuple>

#include "sensor_process_support.h"
#include "sensor_test_support.h"

namespace fs = std::filesystem;
using unmask::testing::CorpusCaptures;
using unmask::testing::CorpusDir;
using unmask::testing::HaveProgram;
using unmask::testing::ReadSensorRows;
using unmask::testing::SensorRead;
using unmask::testing::SensorRow;

namespace {

/// Reads a corpus capture, or skips the test when the corpus is absent.
#define READ_CORPUS(read, relative)                                                                  \
    const std::optional<fs::path> corpus_dir = CorpusDir();                                          \
    if (!corpus_dir) {                                                                               \
        GTEST_SKIP() << "shared corpus not found next to the repository (../shared/corpus)";         \
    }                                                                                                \
    const SensorRead read = ReadSensorRows({(*corpus_dir / (relative)).string()});                   \
    ASSERT_TRUE(read.status.ok()) << read.status.message()

size_t CountIf(const std::vector<const SensorRow*>& rows, const std::function<bool(const SensorRow&)>& predicate) {
    return static_cast<size_t>(std::count_if(rows.begin(), rows.end(), [&](const SensorRow* row) { return predicate(*row); }));
}

TEST(SensorCorpus, CurlBeaconJa3) {
    READ_CORPUS(read, "slips/test-cc_test-cc-capture-1.pcap");
    const auto tls = read.WithAction("SslConnectionInspected");
    EXPECT_EQ(CountIf(tls, [](const SensorRow& r) { return r.remote_ip == "141.193.213.21"; }), 297u);
    EXPECT_EQ(CountIf(tls, [](const SensorRow& r) { return r.Field("ja3") == "f436b9416f37d134cadd04886327d3e8"; }),
              tls.size());
    EXPECT_EQ(CountIf(tls, [](const SensorRow& r) { return r.Field("server_name") == "testing.com"; }), tls.size());
}

TEST(SensorCorpus, MythicHttpAgent) {
    READ_CORPUS(read, "usenix-woot/mythic-athena-http.pcap");
    const auto http = read.WithAction("HttpConnectionInspected");
    EXPECT_EQ(CountIf(http, [](const SensorRow& r) {
                  return r.Field("method") == "GET" && r.Field("uri").starts_with("/index?q=");
              }),
              320u);
    EXPECT_EQ(CountIf(http, [](const SensorRow& r) { return r.Field("method") == "POST" && r.Field("uri") == "/data"; }),
              7u);
    EXPECT_EQ(CountIf(http, [](const SensorRow& r) { return r.Field("user_agent").find("Trident/7.0") != std::string::npos; }),
              327u);
}

TEST(SensorCorpus, SandcatBeacon) {
    READ_CORPUS(read, "caldera/sandcat.pcap");
    const auto http = read.WithAction("HttpConnectionInspected");
    EXPECT_EQ(CountIf(http, [](const SensorRow& r) {
                  return r.Field("method") == "POST" && r.Field("uri") == "/beacon" &&
                         r.Field("user_agent") == "Go-http-client/1.1" && r.remote_port == 8888;
              }),
              58u);
}

TEST(SensorCorpus, EmotetCertificateAndJa3) {
    READ_CORPUS(read, "ndpi/emotet.pcap");
    const auto tls = read.WithAction("SslConnectionInspected");
    const auto to_c2 = std::find_if(tls.begin(), tls.end(), [](const SensorRow* r) {
        return r->remote_ip == "138.197.147.101" && !r->Field("subject").empty();
    });
    ASSERT_NE(to_c2, tls.end());
    EXPECT_EQ((*to_c2)->Field("server_name"), "");
    EXPECT_EQ((*to_c2)->Field("ja3"), "51c64c77e60f3980eea90869b68c58a8");
    EXPECT_NE((*to_c2)->Field("subject").find("CN=example.com"), std::string::npos);
    EXPECT_EQ((*to_c2)->Field("self_signed"), "true");
}

TEST(SensorCorpus, FoudreStaleFirefox) {
    READ_CORPUS(read, "pcap-attack/C2_Foudre_Backdoor_DGA.pcapng");
    const auto http = read.WithAction("HttpConnectionInspected");
    ASSERT_FALSE(http.empty());
    EXPECT_GT(CountIf(http, [](const SensorRow& r) { return r.Field("user_agent").find("Firefox/40") != std::string::npos; }),
              0u);
}

TEST(SensorCorpus, TrickbotLoneHello) {
    READ_CORPUS(read, "suricata-verify/TLSv1-Extracted-MaliciousC2.pcap");
    const auto tls = read.WithAction("SslConnectionInspected");
    ASSERT_EQ(tls.size(), 1u);
    EXPECT_EQ(tls.front()->Field("ja3"), "49ed2ef3f1321e5f044f1e71b0e6fdd5");
    EXPECT_EQ(tls.front()->Field("server_name"), "");
}

TEST(SensorCorpus, CertificateWithoutCommonName) {
    READ_CORPUS(read, "zeek/tls_cert-no-cn.pcap");
    const auto tls = read.WithAction("SslConnectionInspected");
    ASSERT_FALSE(tls.empty());
    EXPECT_EQ(tls.front()->remote_port, 8888);
    EXPECT_NE(tls.front()->Field("subject").find("O=TestCorp"), std::string::npos) << tls.front()->Field("subject");
    EXPECT_EQ(tls.front()->Field("subject").find("CN="), std::string::npos);
    EXPECT_EQ(tls.front()->Field("self_signed"), "true");
}

TEST(SensorCorpus, SelfSignedLocalhost) {
    READ_CORPUS(read, "ndpi/selfsigned.pcap");
    const auto tls = read.WithAction("SslConnectionInspected");
    EXPECT_GT(CountIf(tls, [](const SensorRow& r) { return r.Field("self_signed") == "true"; }), 0u);
}

TEST(SensorCorpus, SniNotCoveredByCertificate) {
    READ_CORPUS(read, "ndpi/ssl-cert-name-mismatch.pcap");
    const auto tls = read.WithAction("SslConnectionInspected");
    EXPECT_GT(CountIf(tls, [](const SensorRow& r) { return r.Field("sni_matches_cert") == "false"; }), 0u);
}

TEST(SensorCorpus, TlsOnPort80) {
    READ_CORPUS(read, "ndpi/tls_port_80.pcapng");
    const auto tls = read.WithAction("SslConnectionInspected");
    ASSERT_FALSE(tls.empty());
    const std::vector<std::string> evidence = tls.front()->Strings("tls_evidence");
    EXPECT_NE(std::find(evidence.begin(), evidence.end(), "tls_on_cleartext_port"), evidence.end());
}

TEST(SensorCorpus, ProxyConnectTunnel) {
    READ_CORPUS(read, "ja4/https-connect.pcap");
    const auto http = read.WithAction("HttpConnectionInspected");
    ASSERT_FALSE(http.empty());
    EXPECT_EQ(http.front()->Field("method"), "CONNECT");
    EXPECT_EQ(http.front()->Field("uri"), "ts01-b.cloudsink.net:443");
    EXPECT_EQ(http.front()->remote_url, "ts01-b.cloudsink.net");
    const auto tls = read.WithAction("SslConnectionInspected");
    ASSERT_EQ(tls.size(), 1u);
    EXPECT_EQ(tls.front()->Field("established"), "true");
    EXPECT_NE(tls.front()->Field("subject").find("CN=lfoup01-b.cloudsink.net"), std::string::npos);
}

TEST(SensorCorpus, EveryCaptureReadWithoutCrash) {
    const std::optional<fs::path> corpus = CorpusDir();
    if (!corpus) {
        GTEST_SKIP() << "shared corpus not found next to the repository (../shared/corpus)";
    }
    // Captures with a packet cut inside its headers, or a record past the end of the file.
    const std::set<std::string> damaged = {"trunc_ip4-trunc.pcap", "trunc_trunc-hdr.pcap",
                                           "tls_DER-incomplete-header.pcap"};
    size_t read_count = 0;
    for (const fs::path& path : CorpusCaptures(*corpus)) {
        SCOPED_TRACE(path.string());
        const SensorRead read = ReadSensorRows({path.string()});
        ASSERT_TRUE(read.status.ok()) << read.status.message();
        if (damaged.count(path.filename().string()) != 0) {
            EXPECT_GT(read.stats.rejected() + read.stats.captures.skipped_packets.size(), 0u);
        }
        ++read_count;
    }
    EXPECT_GT(read_count, 50u);
}

/// Runs tshark over `path` and returns its tab-separated field lines.
std::vector<std::vector<std::string>> TsharkFields(const fs::path& path, const std::string& filter,
                                                   const std::vector<std::string>& fields) {
    std::string command = "tshark -r '" + path.string() + "' -o tcp.desegment_tcp_streams:TRUE -Y '" + filter +
                          "' -T fields -E occurrence=f -E separator=/t";
    for (const std::string& field : fields) {
        command += " -e " + field;
    }
    command += " 2>/dev/null";
    std::vector<std::vector<std::string>> lines;
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr) {
        return lines;
    }
    std::string text;
    char buffer[4096];
    size_t got = 0;
    while ((got = fread(buffer, 1, sizeof(buffer), pipe)) > 0) {
        text.append(buffer, got);
    }
    pclose(pipe);
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string::npos) {
            end = text.size();
        }
        std::vector<std::string> values;
        size_t field_start = start;
        while (true) {
            const size_t tab = text.find('\t', field_start);
            if (tab == std::string::npos || tab > end) {
                values.push_back(text.substr(field_start, end - field_start));
                break;
            }
            values.push_back(text.substr(field_start, tab - field_start));
            field_start = tab + 1;
        }
        lines.push_back(std::move(values));
        start = end + 1;
    }
    return lines;
}

std::string Sha1Hex(const std::string& hex_der) {
    std::string der;
    for (size_t i = 0; i + 1 < hex_der.size(); i += 2) {
        der.push_back(static_cast<char>(std::stoi(hex_der.substr(i, 2), nullptr, 16)));
    }
    unsigned char digest[SHA_DIGEST_LENGTH];
    SHA1(reinterpret_cast<const unsigned char*>(der.data()), der.size(), digest);
    char out[2 * SHA_DIGEST_LENGTH + 1];
    for (int i = 0; i < SHA_DIGEST_LENGTH; ++i) {
        std::snprintf(out + 2 * i, 3, "%02x", digest[i]);
    }
    return out;
}

// Everything tshark 4.0 decodes (ClientHellos with SNI and JA3, HTTP requests with Host and user
// agent, leaf certificates) is found by unmask on the same client port.
TEST(SensorCorpus, AgreesWithTshark) {
    const std::optional<fs::path> corpus = CorpusDir();
    if (!corpus) {
        GTEST_SKIP() << "shared corpus not found next to the repository (../shared/corpus)";
    }
    if (!HaveProgram("tshark")) {
        GTEST_SKIP() << "tshark is not installed (scripts/install-deps.sh installs it)";
    }
    size_t compared_hellos = 0;
    size_t compared_requests = 0;
    size_t compared_certificates = 0;
    for (const fs::path& path : CorpusCaptures(*corpus)) {
        SCOPED_TRACE(path.string());
        const SensorRead read = ReadSensorRows({path.string()});
        if (!read.status.ok()) {
            continue;  // damaged beyond reading; covered by EveryCaptureReadWithoutCrash
        }
        // Keys: (client port, value).
        std::set<std::pair<int64_t, std::string>> ours_ja3;
        std::set<std::pair<int64_t, std::string>> ours_sni;
        std::set<std::pair<int64_t, std::string>> ours_http;
        std::set<std::pair<int64_t, std::string>> ours_sha1;
        // Handshakes that unmask reports as malformed carry no fingerprint or certificate, while
        // tshark still prints what it could read. They are left out of the comparison.
        std::set<int64_t> malformed_ports;
        for (const SensorRow& row : read.rows) {
            const int64_t client_port = row.Field("direction") == "In" ? row.remote_port : row.local_port;
            if (row.action_type == "SslConnectionInspected") {
                for (const std::string& code : row.Strings("tls_evidence")) {
                    if (code.starts_with("malformed_") || code.ends_with("_oversized") ||
                        code == "handshake_message_truncated") {
                        malformed_ports.insert(client_port);
                    }
                }
                ours_ja3.insert({client_port, row.Field("ja3")});
                ours_sni.insert({client_port, row.Field("server_name")});
                ours_sha1.insert({client_port, row.Field("cert_sha1")});
            } else if (row.action_type == "HttpConnectionInspected") {
                ours_http.insert({client_port, row.Field("host") + "\t" + row.Field("user_agent")});
            }
        }
        // NOTE: only a connection's first ClientHello is fingerprinted, so the second one after a
        // HelloRetryRequest is left out of the comparison.
        std::set<int64_t> hello_ports;
        for (const auto& line : TsharkFields(path, "tls.handshake.type == 1 && !quic",
                                             {"tcp.srcport", "tls.handshake.ja3", "tls.handshake.extensions_server_name"})) {
            if (line.size() < 3 || line[0].empty() || line[1].empty()) {
                continue;
            }
            const int64_t port = std::stoll(line[0]);
            if (!hello_ports.insert(port).second || malformed_ports.count(port) != 0) {
                continue;
            }
            EXPECT_EQ(ours_ja3.count({port, line[1]}), 1u) << "JA3 " << line[1] << " from port " << port;
            EXPECT_EQ(ours_sni.count({port, line[2]}), 1u) << "SNI '" << line[2] << "' from port " << port;
            ++compared_hellos;
        }
        for (const auto& line : TsharkFields(path, "http.request", {"tcp.srcport", "http.host", "http.user_agent"})) {
            if (line.size() < 3 || line[0].empty()) {
                continue;
            }
            const int64_t port = std::stoll(line[0]);
            // tshark keeps the Host header's ":port"; unmask, like Zeek, drops it.
            std::string host = line[1];
            if (const size_t colon = host.rfind(':'); colon != std::string::npos && host.find(']') == std::string::npos &&
                                                      host.find(':') == colon) {
                host.resize(colon);
            }
            EXPECT_EQ(ours_http.count({port, host + "\t" + line[2]}), 1u)
                << "HTTP host '" << line[1] << "' user agent '" << line[2] << "' from port " << port;
            ++compared_requests;
        }
        std::set<int64_t> client_ports;
        for (const auto& [port, value] : ours_ja3) {
            client_ports.insert(port);
        }
        for (const auto& line :
             TsharkFields(path, "tls.handshake.type == 11", {"tcp.dstport", "tls.handshake.certificate"})) {
            if (line.size() < 2 || line[0].empty() || line[1].empty()) {
                continue;
            }
            const int64_t port = std::stoll(line[0]);
            if (client_ports.count(port) == 0) {
                continue;  // a client certificate, sent to the server's port; rows keep the server's
            }
            if (malformed_ports.count(port) != 0) {
                continue;
            }
            std::string hex = line[1];
            hex.erase(std::remove(hex.begin(), hex.end(), ':'), hex.end());
            EXPECT_EQ(ours_sha1.count({port, Sha1Hex(hex)}), 1u) << "leaf certificate to port " << port;
            ++compared_certificates;
        }
    }
    EXPECT_GT(compared_hellos, 400u);
    EXPECT_GT(compared_requests, 300u);
    EXPECT_GT(compared_certificates, 10u);
}

}  // namespace
