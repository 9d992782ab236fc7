// End-to-end tests of the capture path on traffic that real programs make on loopback at test
// time: curl against an HTTP server, openssl s_client against openssl s_server with a
// self-signed certificate that claims www.google.com, and a client that sends a TLS record
// header followed by random bytes. tcpdump records the traffic; unmask reads the capture.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <string>

#include "sensor_process_support.h"
#include "sensor_test_support.h"

namespace fs = std::filesystem;
using unmask::testing::BackgroundProcess;
using unmask::testing::FreePort;
using unmask::testing::HaveProgram;
using unmask::testing::MarkerFilter;
using unmask::testing::ReadSensorRows;
using unmask::testing::RunShell;
using unmask::testing::SensorRead;
using unmask::testing::SensorRow;
using unmask::testing::StopCaptureWhenWritten;
using unmask::testing::WaitForPort;
using unmask::testing::WaitForText;

namespace {

constexpr const char* kClaimedName = "www.google.com";
constexpr const char* kUserAgent = "Mozilla/4.0 (compatible; MSIE 8.0; Windows NT 10.0; unmask-test)";

// Sends a TLS handshake record header whose body is random bytes, then reads the reply.
constexpr const char* kFakeTlsClient = R"(
import os, socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(bytes([0x16, 0x03, 0x01, 0x02, 0x00]) + os.urandom(512))
try:
    s.recv(4096)
except OSError:
    pass
s.close()
)";

// Accepts connections and replies to each with random bytes, like a FakeTLS relay.
constexpr const char* kRandomServer = R"(
import os, socket, sys
l = socket.socket()
l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.bind(("127.0.0.1", int(sys.argv[1])))
l.listen(4)
while True:
    c, _ = l.accept()
    try:
        if c.recv(4096):
            c.sendall(os.urandom(256))
    except OSError:
        pass
    c.close()
)";

struct LoopbackCapture {
    std::string skip_reason;
    fs::path dir;
    fs::path pcap;
    int http_port = 0;
    int tls_port = 0;
    int fake_port = 0;
    int marker_port = 0;
    long dropped = 0; ///< packets that the kernel dropped before tcpdump read them
    SensorRead read;
};

LoopbackCapture* capture = nullptr;

std::string MakeCapture(LoopbackCapture& out) {
    for (const char* program : {"tcpdump", "openssl", "curl", "python3"}) {
        if (!HaveProgram(program)) {
            return std::string(program) + " is not installed (scripts/install-deps.sh installs it)";
        }
    }
    out.dir = fs::temp_directory_path() / ("unmask-loopback-" + std::to_string(getpid()));
    fs::create_directories(out.dir);
    out.pcap = out.dir / "loopback.pcap";
    out.http_port = FreePort();
    out.tls_port = FreePort();
    out.fake_port = FreePort();
    do {
        out.marker_port = FreePort();
    } while (out.marker_port == out.http_port || out.marker_port == out.tls_port || out.marker_port == out.fake_port);
    const std::string dir = out.dir.string();
    std::ofstream(out.dir / "fake_client.py") << kFakeTlsClient;
    std::ofstream(out.dir / "random_server.py") << kRandomServer;
    std::ofstream(out.dir / "index.html") << "<html>unmask</html>\n";

    const std::string certificate_command =
        "openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj '/CN=" + std::string(kClaimedName) +
        "/O=Google LLC' -addext 'subjectAltName=DNS:" + kClaimedName + "' -keyout " + dir + "/key.pem -out " + dir +
        "/cert.pem >/dev/null 2>&1";
    if (RunShell(certificate_command) != 0) {
        return "openssl could not make a test certificate";
    }
    // Servers first, so that the readiness probes stay out of the capture.
    BackgroundProcess http_server("cd " + dir + " && python3 -m http.server " + std::to_string(out.http_port) +
                                  " --bind 127.0.0.1 >/dev/null 2>&1");
    BackgroundProcess tls_server("openssl s_server -accept 127.0.0.1:" + std::to_string(out.tls_port) + " -cert " +
                                 dir + "/cert.pem -key " + dir + "/key.pem -www >/dev/null 2>&1");
    BackgroundProcess random_server("python3 " + dir + "/random_server.py " + std::to_string(out.fake_port) +
                                    " >/dev/null 2>&1");
    if (!WaitForPort(out.http_port) || !WaitForPort(out.tls_port) || !WaitForPort(out.fake_port)) {
        return "a test server did not start";
    }
    const std::string filter = "tcp port " + std::to_string(out.http_port) + " or tcp port " +
                               std::to_string(out.tls_port) + " or tcp port " + std::to_string(out.fake_port) + MarkerFilter(out.marker_port);
    BackgroundProcess tcpdump(std::string(unmask::testing::kLoopbackTcpdump) + " -w " + out.pcap.string() + " '" + filter + "' 2>" + dir +
                              "/tcpdump.err");
    if (!WaitForText(out.dir / "tcpdump.err", "listening on")) {
        return "tcpdump could not capture on lo: " + unmask::testing::ReadWholeFile(out.dir / "tcpdump.err");
    }
    const std::string http_url = "http://127.0.0.1:" + std::to_string(out.http_port) + "/index.html?q=YWJjZGVm";
    for (int i = 0; i < 3; ++i) {
        RunShell("curl -s -o /dev/null -A '" + std::string(kUserAgent) +
                 "' -H 'X-Beacon-Id: 42' -H 'Cookie: SESSIONID=QUJDREVGR0hJSktMTU5PUA==; theme=dark' " + http_url);
    }
    // TLS 1.2, so that the certificate travels in clear text.
    RunShell("printf 'GET / HTTP/1.0\\r\\n\\r\\n' | timeout 20 openssl s_client -connect 127.0.0.1:" +
             std::to_string(out.tls_port) + " -servername " + kClaimedName + " -tls1_2 -quiet >/dev/null 2>&1");
    RunShell("curl -s -k -o /dev/null --resolve " + std::string(kClaimedName) + ":" + std::to_string(out.tls_port) +
             ":127.0.0.1 https://" + kClaimedName + ":" + std::to_string(out.tls_port) + "/");
    RunShell("python3 " + dir + "/fake_client.py " + std::to_string(out.fake_port));
    if (!StopCaptureWhenWritten(tcpdump, out.pcap, out.marker_port)) {
        return "tcpdump did not write the end marker: " + unmask::testing::ReadWholeFile(out.dir / "tcpdump.err");
    }
    out.dropped = unmask::testing::PacketsDroppedByKernel(out.dir / "tcpdump.err");
    out.read = ReadSensorRows({out.pcap.string()});
    return "";
}

class LoopbackCaptureTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        capture = new LoopbackCapture;
        capture->skip_reason = MakeCapture(*capture);
    }
    static void TearDownTestSuite() {
        if (!capture->dir.empty()) {
            std::error_code ignored;
            if (std::getenv("UNMASK_KEEP_TEST_FILES") == nullptr) {
                fs::remove_all(capture->dir, ignored);
            }
        }
        delete capture;
        capture = nullptr;
    }
    void SetUp() override {
        if (!capture->skip_reason.empty()) {
            GTEST_SKIP() << capture->skip_reason;
        }
        ASSERT_EQ(capture->dropped, 0) << "tcpdump dropped packets, so the capture is incomplete";
        ASSERT_TRUE(capture->read.status.ok()) << capture->read.status.message();
    }

    static std::vector<const SensorRow*> RowsOnPort(const std::string& action_type, int port) {
        std::vector<const SensorRow*> out;
        for (const SensorRow* row : capture->read.WithAction(action_type)) {
            if (row->remote_port == port) {
                out.push_back(row);
            }
        }
        return out;
    }
};

TEST_F(LoopbackCaptureTest, HttpRequestsCarryHeaders) {
    const auto rows = RowsOnPort("HttpConnectionInspected", capture->http_port);
    ASSERT_EQ(rows.size(), 3u);
    for (const SensorRow* row : rows) {
        EXPECT_EQ(row->Field("method"), "GET");
        EXPECT_EQ(row->Field("uri"), "/index.html?q=YWJjZGVm");
        EXPECT_EQ(row->Field("user_agent"), kUserAgent);
        EXPECT_EQ(row->Field("host"), "127.0.0.1");
        EXPECT_EQ(row->Field("status_code"), "200");
        const std::vector<std::string> names = row->Strings("header_names");
        EXPECT_NE(std::find(names.begin(), names.end(), "X-Beacon-Id"), names.end());
        const std::vector<std::string> cookies = row->Strings("cookie_names");
        EXPECT_EQ(cookies, (std::vector<std::string>{"SESSIONID", "theme"}));
        EXPECT_EQ(row->local_ip_type, "Loopback");
        EXPECT_EQ(row->device_name, "127.0.0.1");
    }
}

TEST_F(LoopbackCaptureTest, ConnectionRowsCountBytes) {
    const auto rows = RowsOnPort("ConnectionSuccess", capture->http_port);
    ASSERT_EQ(rows.size(), 3u);
    for (const SensorRow* row : rows) {
        ASSERT_TRUE(row->sent_bytes.has_value());
        ASSERT_TRUE(row->received_bytes.has_value());
        EXPECT_GT(*row->sent_bytes, 100);
        EXPECT_GT(*row->received_bytes, 100);
        EXPECT_EQ(row->Field("conn_state"), "SF");
        EXPECT_EQ(row->Field("service"), "http");
        EXPECT_EQ(row->protocol, "Tcp");
    }
}

TEST_F(LoopbackCaptureTest, SelfSignedCertificateClaimsGoogle) {
    const auto rows = RowsOnPort("SslConnectionInspected", capture->tls_port);
    ASSERT_EQ(rows.size(), 2u);
    const SensorRow* tls12 = nullptr;
    for (const SensorRow* row : rows) {
        EXPECT_EQ(row->Field("server_name"), kClaimedName);
        EXPECT_EQ(row->remote_url, kClaimedName);
        EXPECT_EQ(row->Field("established"), "true");
        EXPECT_FALSE(row->Field("ja3").empty());
        EXPECT_FALSE(row->Field("ja4").empty());
        EXPECT_FALSE(row->Field("ssl_history").empty());
        if (row->Field("version") == "TLSv12") {
            tls12 = row;
        }
    }
    ASSERT_NE(tls12, nullptr) << "no TLS 1.2 handshake among the rows";
    EXPECT_NE(tls12->Field("subject").find("CN=www.google.com"), std::string::npos) << tls12->Field("subject");
    EXPECT_EQ(tls12->Field("self_signed"), "true");
    EXPECT_EQ(tls12->Field("sni_matches_cert"), "true");
    EXPECT_EQ(tls12->Strings("san_dns"), (std::vector<std::string>{kClaimedName}));
    EXPECT_NE(tls12->Field("validation_status"), "ok");
    EXPECT_EQ(tls12->Field("cert_sha1").size(), 40u);
}

TEST_F(LoopbackCaptureTest, RandomBytesBehindRecordHeader) {
    const auto rows = RowsOnPort("SslConnectionInspected", capture->fake_port);
    ASSERT_EQ(rows.size(), 1u);
    const SensorRow& row = *rows.front();
    EXPECT_EQ(row.Field("established"), "false");
    EXPECT_FALSE(row.Strings("tls_evidence").empty()) << row.additional_fields;
    const auto connections = RowsOnPort("ConnectionSuccess", capture->fake_port);
    ASSERT_EQ(connections.size(), 1u);
    EXPECT_GT(std::stod(connections.front()->Field("orig_payload_entropy")), 6.0);
}

TEST_F(LoopbackCaptureTest, NothingRejected) {
    EXPECT_EQ(capture->read.stats.rejected(), 0u);
    EXPECT_GT(capture->read.stats.captures.packets, 0u);
    EXPECT_EQ(capture->read.stats.captures.tls_handshakes, 3u);
    EXPECT_EQ(capture->read.stats.captures.http_requests, 3u);
}

TEST_F(LoopbackCaptureTest, ConvertRoundTrip) {
    const fs::path binary = fs::path(UNMASK_BINARY_DIR) / "unmask";
    const fs::path csv = capture->dir / "converted.csv";
    const fs::path jsonl = capture->dir / "converted.jsonl";
    ASSERT_EQ(RunShell(binary.string() + " convert -q " + capture->pcap.string() + " -o " + csv.string()), 0);
    ASSERT_EQ(RunShell(binary.string() + " convert -q " + capture->pcap.string() + " -o " + jsonl.string()), 0);
    for (const fs::path& path : {csv, jsonl}) {
        SCOPED_TRACE(path.string());
        const SensorRead reread = ReadSensorRows({path.string()});
        ASSERT_TRUE(reread.status.ok()) << reread.status.message();
        ASSERT_EQ(reread.rows.size(), capture->read.rows.size());
        std::multiset<std::string> original;
        std::multiset<std::string> converted;
        for (const SensorRow& row : capture->read.rows) {
            original.insert(row.action_type + " " + row.remote_url + " " + row.additional_fields);
        }
        for (const SensorRow& row : reread.rows) {
            converted.insert(row.action_type + " " + row.remote_url + " " + row.additional_fields);
        }
        EXPECT_EQ(converted, original);
    }
}

// `unmask capture` reads the live interface itself.
TEST(LiveCapture, CaptureCommandWritesRows) {
    for (const char* program : {"curl", "python3"}) {
        if (!HaveProgram(program)) {
            GTEST_SKIP() << program << " is not installed";
        }
    }
    const fs::path dir = fs::temp_directory_path() / ("unmask-capture-" + std::to_string(getpid()));
    fs::create_directories(dir);
    const int port = FreePort();
    BackgroundProcess server("cd " + dir.string() + " && python3 -m http.server " + std::to_string(port) +
                             " --bind 127.0.0.1 >/dev/null 2>&1");
    ASSERT_TRUE(WaitForPort(port)) << "the test HTTP server did not start";
    const fs::path binary = fs::path(UNMASK_BINARY_DIR) / "unmask";
    const fs::path rows = dir / "capture.jsonl";
    BackgroundProcess capture_process(binary.string() + " capture -i lo --bpf 'tcp port " + std::to_string(port) +
                                      "' --duration 4 -o " + rows.string() + " 2>" + (dir / "capture.err").string());
    if (!WaitForText(dir / "capture.err", "capturing on lo")) {
        GTEST_SKIP() << "unmask capture could not open lo: " << unmask::testing::ReadWholeFile(dir / "capture.err");
    }
    RunShell("curl -s -o /dev/null -A 'unmask-live-test/1.0' http://127.0.0.1:" + std::to_string(port) + "/");
    EXPECT_EQ(capture_process.Wait(), 0) << unmask::testing::ReadWholeFile(dir / "capture.err");
    const SensorRead read = ReadSensorRows({rows.string()});
    ASSERT_TRUE(read.status.ok()) << read.status.message();
    const auto http = read.WithAction("HttpConnectionInspected");
    ASSERT_EQ(http.size(), 1u) << unmask::testing::ReadWholeFile(rows);
    EXPECT_EQ(http.front()->Field("user_agent"), "unmask-live-test/1.0");
    EXPECT_EQ(http.front()->remote_port, port);
    // The summary reports libpcap's drop counter; a few requests fit the 64 MiB buffer.
    EXPECT_NE(unmask::testing::ReadWholeFile(dir / "capture.err").find("packets dropped by the kernel: 0\n"),
              std::string::npos)
        << unmask::testing::ReadWholeFile(dir / "capture.err");
    std::error_code ignored;
    fs::remove_all(dir, ignored);
}

}  // namespace
