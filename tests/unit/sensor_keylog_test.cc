// End-to-end test of TLS decryption in the capture path. Real clients write their session
// secrets to an SSLKEYLOGFILE while tcpdump records loopback: curl over HTTP/1.1 to a Python
// HTTPS server (TLS 1.3), curl over HTTP/2 to nghttpd, and openssl s_client over TLS 1.2 with an
// AES-GCM suite. Each fronts its requests: the SNI is front.example, the Host another domain.
// unmask reads the capture with the key log; tshark, given the same key log, is the reference
// for the Host of every decrypted request. A last session whose secrets are not in the log must
// stay encrypted, and its row must report that.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "sensor_process_support.h"
#include "sensor_test_support.h"

namespace fs = std::filesystem;
using unmask::testing::BackgroundProcess;
using unmask::testing::FreePort;
using unmask::testing::HaveProgram;
using unmask::testing::MarkerFilter;
using unmask::testing::PacketsDroppedByKernel;
using unmask::testing::ReadSensorRows;
using unmask::testing::ReadWholeFile;
using unmask::testing::RunShell;
using unmask::testing::SensorRead;
using unmask::testing::SensorRow;
using unmask::testing::StopCaptureWhenWritten;
using unmask::testing::WaitForPort;
using unmask::testing::WaitForText;

namespace {

constexpr const char* kChromeAgent =
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/121.0.0.0 Safari/537.36";

// An HTTPS server that replies to every GET with a short body over HTTP/1.1.
constexpr const char* kHttpsServer = R"(
import http.server, ssl, sys
class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_GET(self):
        body = b"unmask keylog test"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
server = http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(sys.argv[2], sys.argv[3])
server.socket = context.wrap_socket(server.socket, server_side=True)
server.serve_forever()
)";

struct KeylogCapture {
    std::string skip_reason;
    fs::path dir;
    fs::path pcap;
    fs::path key_log;
    int https_port = 0;
    int h2_port = 0;
    int marker_port = 0;
    /// Clients that exited with a nonzero status, with their error output. The capture lacks their traffic.
    std::string client_failures;
    SensorRead read;
};

KeylogCapture* capture = nullptr;

// Lists the request targets of a read, sorted, and the decryption outcome of each TLS session,
// for the message of a failed check.
std::string Describe(const SensorRead& read) {
    std::multiset<std::string> uris;
    for (const SensorRow* row : read.WithAction("HttpConnectionInspected")) {
        uris.insert(row->Field("uri"));
    }
    std::string text = "requests:";
    for (const std::string& uri : uris) {
        text += " " + uri;
    }
    text += "\nsessions:";
    for (const SensorRow* row : read.WithAction("SslConnectionInspected")) {
        text += "\n  " + row->Field("decryption") + " (" + row->Field("decryption_detail") + ")";
    }
    return text;
}

std::string MakeCapture(KeylogCapture& out) {
    for (const char* program : {"tcpdump", "openssl", "curl", "python3", "nghttpd"}) {
        if (!HaveProgram(program)) {
            return std::string(program) + " is not installed (scripts/install-deps.sh installs it)";
        }
    }
    out.dir = fs::temp_directory_path() / ("unmask-keylog-" + std::to_string(getpid()));
    fs::create_directories(out.dir);
    out.pcap = out.dir / "keylog.pcap";
    out.key_log = out.dir / "keys.log";
    out.https_port = FreePort();
    do {
        out.h2_port = FreePort();
        out.marker_port = FreePort();
    } while (out.h2_port == out.https_port || out.marker_port == out.https_port || out.marker_port == out.h2_port);
    const std::string dir = out.dir.string();
    std::ofstream(out.dir / "https_server.py") << kHttpsServer;
    std::ofstream(out.dir / "index.html") << "<html>unmask</html>\n";
    if (RunShell("openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj /CN=front.example -addext "
                 "subjectAltName=DNS:front.example -keyout " +
                 dir + "/key.pem -out " + dir + "/cert.pem >/dev/null 2>&1") != 0) {
        return "openssl could not make a test certificate";
    }
    BackgroundProcess https_server("python3 " + dir + "/https_server.py " + std::to_string(out.https_port) + " " +
                                   dir + "/cert.pem " + dir + "/key.pem >/dev/null 2>&1");
    BackgroundProcess h2_server("nghttpd " + std::to_string(out.h2_port) + " " + dir + "/key.pem " + dir +
                                "/cert.pem -d " + dir + " >/dev/null 2>&1");
    if (!WaitForPort(out.https_port) || !WaitForPort(out.h2_port)) {
        return "a test server did not start";
    }
    const std::string filter = "tcp port " + std::to_string(out.https_port) + " or tcp port " +
                               std::to_string(out.h2_port) + MarkerFilter(out.marker_port);
    // A busy machine can still make the kernel drop packets before tcpdump reads them. The
    // capture is then incomplete, so it is made again, up to three times.
    for (int attempt = 1; attempt <= 3; ++attempt) {
        std::error_code ignored;
        fs::remove(out.pcap, ignored);
        fs::remove(out.key_log, ignored);
        fs::remove(out.dir / "tcpdump.err", ignored);
        out.client_failures.clear();
        BackgroundProcess tcpdump(std::string(unmask::testing::kLoopbackTcpdump) + " -w " + out.pcap.string() + " '" + filter +
                                  "' 2>" + dir + "/tcpdump.err");
        if (!WaitForText(out.dir / "tcpdump.err", "listening on")) {
            return "tcpdump could not capture on lo: " + ReadWholeFile(out.dir / "tcpdump.err");
        }
        const std::string keys = "SSLKEYLOGFILE=" + out.key_log.string() + " ";
        const std::string https = std::to_string(out.https_port);
        const std::string h2 = std::to_string(out.h2_port);
        const auto run_client = [&](const std::string& name, const std::string& command) {
            const fs::path errors = out.dir / (name + ".err");
            const int status = RunShell(command + " 2>" + errors.string());
            if (status != 0) {
                out.client_failures += name + " exited with " + std::to_string(status) + ": " + ReadWholeFile(errors) + "\n";
            }
        };
        run_client("curl-http1", keys + "curl -s -S -k --http1.1 -o /dev/null -A '" + kChromeAgent +
                                      "' -H 'Host: hidden.example.net' --connect-to front.example:443:127.0.0.1:" + https +
                                      " https://front.example/poll");
        run_client("curl-http2", keys + "curl -s -S -k --http2 -o /dev/null -o /dev/null -H 'Host: hidden2.example.org' " +
                                      "--connect-to front.example:443:127.0.0.1:" + h2 +
                                      " https://front.example/index.html https://front.example/index.html?second");
        run_client("openssl-tls12", "printf 'GET /tls12 HTTP/1.1\\r\\nHost: hidden3.example.com\\r\\nConnection: close\\r\\n\\r\\n' | "
                                    "timeout 20 openssl s_client -connect 127.0.0.1:" + https +
                                    " -servername front.example -tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256 -ignore_unexpected_eof -keylogfile " +
                                    out.key_log.string() + " -quiet >/dev/null");
        // No key log for this one: it must stay encrypted.
        run_client("curl-secret", "curl -s -S -k --http1.1 -o /dev/null --connect-to front.example:443:127.0.0.1:" + https +
                                      " https://front.example/secret");
        if (!StopCaptureWhenWritten(tcpdump, out.pcap, out.marker_port)) {
            out.client_failures += "tcpdump did not write the end marker: " + ReadWholeFile(out.dir / "tcpdump.err");
        }
        const long dropped = PacketsDroppedByKernel(out.dir / "tcpdump.err");
        if (dropped == 0) {
            break;
        }
        if (attempt == 3) {
            out.client_failures += "tcpdump dropped " + std::to_string(dropped) +
                                   " packets in each of three captures; run the test on a less busy machine\n";
        }
    }
    unmask::ingest::ReadOptions options;
    options.tls_key_log_path = out.key_log.string();
    out.read = ReadSensorRows({out.pcap.string()}, options);
    return "";
}

class KeylogCaptureTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        capture = new KeylogCapture;
        capture->skip_reason = MakeCapture(*capture);
    }
    static void TearDownTestSuite() {
        if (!capture->dir.empty() && std::getenv("UNMASK_KEEP_TEST_FILES") == nullptr) {
            std::error_code ignored;
            fs::remove_all(capture->dir, ignored);
        }
        delete capture;
        capture = nullptr;
    }
    void SetUp() override {
        if (!capture->skip_reason.empty()) {
            GTEST_SKIP() << capture->skip_reason;
        }
        ASSERT_TRUE(capture->client_failures.empty()) << capture->client_failures;
        ASSERT_TRUE(capture->read.status.ok()) << capture->read.status.message();
    }

    static const SensorRow* Request(const std::string& uri) {
        for (const SensorRow* row : capture->read.WithAction("HttpConnectionInspected")) {
            if (row->Field("uri") == uri) {
                return row;
            }
        }
        return nullptr;
    }
};

TEST_F(KeylogCaptureTest, Http1InsideTls13CarriesTheSession) {
    const SensorRow* row = Request("/poll");
    ASSERT_NE(row, nullptr) << "the HTTP/1.1 request inside TLS 1.3 was not read";
    EXPECT_EQ(row->remote_url, "hidden.example.net");
    EXPECT_EQ(row->Field("host"), "hidden.example.net");
    EXPECT_EQ(row->Field("user_agent"), kChromeAgent);
    EXPECT_EQ(row->Field("status_code"), "200");
    EXPECT_EQ(row->Field("response_body_len"), "18");
    EXPECT_EQ(row->Field("tls"), "true");
    EXPECT_EQ(row->Field("tls_server_name"), "front.example");
    EXPECT_EQ(row->Field("tls_version"), "TLSv13");
    EXPECT_EQ(row->Field("tls_client_grease"), "false"); // curl's OpenSSL sends no GREASE
    // TLS 1.3 encrypts the certificate; the decrypted handshake gave it back.
    EXPECT_EQ(row->Field("tls_cert_names"), R"(["front.example"])");
    EXPECT_EQ(row->Field("tls_cert_covers_host"), "false");
    EXPECT_TRUE(row->Field("tls_ja4").starts_with("t13d"));
}

TEST_F(KeylogCaptureTest, Http2RequestsOnOneConnection) {
    const SensorRow* first = Request("/index.html");
    const SensorRow* second = Request("/index.html?second");
    ASSERT_NE(first, nullptr);
    ASSERT_NE(second, nullptr);
    for (const SensorRow* row : {first, second}) {
        EXPECT_EQ(row->Field("version"), "2");
        EXPECT_EQ(row->Field("host"), "hidden2.example.org");
        EXPECT_EQ(row->Field("tls_server_name"), "front.example");
        EXPECT_EQ(row->Field("status_code"), "200");
        EXPECT_EQ(row->Field("uid"), first->Field("uid"));
    }
    EXPECT_EQ(first->Field("trans_depth"), "1");
    EXPECT_EQ(second->Field("trans_depth"), "2");
    // curl sends :method, :path, :scheme, :authority.
    EXPECT_EQ(first->Field("h2_pseudo_header_order"), "m,p,s,a");
    EXPECT_TRUE(first->Field("h2_fingerprint").ends_with("|m,p,s,a")) << first->Field("h2_fingerprint");
}

TEST_F(KeylogCaptureTest, Tls12GcmSessionDecrypts) {
    const SensorRow* row = Request("/tls12");
    ASSERT_NE(row, nullptr) << "the TLS 1.2 AES-GCM session was not decrypted";
    EXPECT_EQ(row->Field("host"), "hidden3.example.com");
    EXPECT_EQ(row->Field("tls_version"), "TLSv12");
    EXPECT_EQ(row->Field("tls_cert_names"), R"(["front.example"])");
}

TEST_F(KeylogCaptureTest, SessionWithoutKeyStaysEncrypted) {
    EXPECT_EQ(Request("/secret"), nullptr);
    std::map<std::string, int> outcomes;
    for (const SensorRow* row : capture->read.WithAction("SslConnectionInspected")) {
        ++outcomes[row->Field("decryption")];
    }
    EXPECT_EQ(outcomes["decrypted"], 3);
    EXPECT_EQ(outcomes["no_key"], 1);
    EXPECT_EQ(capture->read.stats.captures.tls_decrypted, 3u);
    EXPECT_EQ(capture->read.stats.captures.tls_without_key, 1u);
    EXPECT_EQ(capture->read.stats.captures.key_log_sessions, 3u);
}

// A key log with one wrong secret decrypts the other direction only. The row must report
// "partial" rather than "decrypted", because requests are missing.
TEST_F(KeylogCaptureTest, WrongClientSecretIsPartial) {
    std::istringstream lines(ReadWholeFile(capture->key_log));
    std::string edited;
    bool changed = false;
    for (std::string line; std::getline(lines, line);) {
        if (!changed && line.starts_with("CLIENT_TRAFFIC_SECRET_0 ")) {
            char& last = line.back();
            last = last == '0' ? '1' : '0';
            changed = true;
        }
        edited += line + "\n";
    }
    ASSERT_TRUE(changed) << "the key log has no TLS 1.3 client traffic secret";
    const fs::path wrong = capture->dir / "wrong.keys";
    std::ofstream(wrong) << edited;
    unmask::ingest::ReadOptions options;
    options.tls_key_log_path = wrong.string();
    const SensorRead read = ReadSensorRows({capture->pcap.string()}, options);
    ASSERT_TRUE(read.status.ok()) << read.status.message();
    std::map<std::string, int> outcomes;
    for (const SensorRow* row : read.WithAction("SslConnectionInspected")) {
        ++outcomes[row->Field("decryption")];
        if (row->Field("decryption") == "partial") {
            // The client Finished uses the handshake secret; its application records fail.
            EXPECT_NE(row->Field("decryption_detail").find("client: 1 decrypted, 2 failed"), std::string::npos)
                << row->Field("decryption_detail");
        }
    }
    EXPECT_EQ(outcomes["partial"], 1);
    EXPECT_EQ(outcomes["decrypted"], 2);
    EXPECT_EQ(read.stats.captures.tls_decryption_partial, 1u);
}

// Wireshark's editcap embeds a key log into a pcapng file (Decryption Secrets Block); such a file
// decrypts without --tls-keylog.
TEST_F(KeylogCaptureTest, SecretsEmbeddedInPcapngDecrypt) {
    if (!HaveProgram("editcap")) {
        GTEST_SKIP() << "editcap is not installed (the tshark package has it)";
    }
    const fs::path embedded = capture->dir / "embedded.pcapng";
    ASSERT_EQ(RunShell("editcap --inject-secrets tls," + capture->key_log.string() + " " + capture->pcap.string() +
                       " " + embedded.string() + " 2>/dev/null"),
              0);
    const SensorRead read = ReadSensorRows({embedded.string()});
    ASSERT_TRUE(read.status.ok()) << read.status.message();
    EXPECT_EQ(read.stats.captures.embedded_key_log_sessions, 3u);
    EXPECT_EQ(read.stats.captures.tls_decrypted, 3u);
    EXPECT_EQ(read.WithAction("HttpConnectionInspected").size(), 4u) << Describe(read);
    // The embedded secrets decrypt exactly what the same key log given as a file decrypts.
    EXPECT_EQ(Describe(read), Describe(capture->read));
}

// tshark decrypts the same capture with the same key log. Every request it finds must be a row
// with the same Host, and no row may be extra.
TEST_F(KeylogCaptureTest, HostsAgreeWithTshark) {
    if (!HaveProgram("tshark")) {
        GTEST_SKIP() << "tshark is not installed (scripts/install-deps.sh installs it)";
    }
    const fs::path out = capture->dir / "tshark.txt";
    ASSERT_EQ(RunShell("tshark -n -r " + capture->pcap.string() + " -o tls.keylog_file:" + capture->key_log.string() +
                       " -Y 'http.request or http2.headers.method' -T fields -E separator=/t -e http.host "
                       "-e http2.headers.authority > " + out.string() + " 2>/dev/null"),
              0);
    std::multiset<std::string> expected;
    std::istringstream lines(ReadWholeFile(out));
    for (std::string line; std::getline(lines, line);) {
        std::string host = line.substr(0, line.find('\t'));
        if (host.empty()) {
            host = line.substr(line.find('\t') + 1);
        }
        expected.insert(host);
    }
    std::multiset<std::string> actual;
    for (const SensorRow* row : capture->read.WithAction("HttpConnectionInspected")) {
        actual.insert(row->Field("host"));
    }
    EXPECT_EQ(actual.size(), 4u) << Describe(capture->read);
    EXPECT_EQ(actual, expected);
}

// The two rules that need a request's TLS session fire on this capture through `unmask hunt`.
TEST_F(KeylogCaptureTest, HuntReportsFrontingAndTheFalseBrowser) {
    const fs::path binary = fs::path(UNMASK_BINARY_DIR) / "unmask";
    const fs::path findings = capture->dir / "findings.jsonl";
    const int status = RunShell("cd " + std::string(UNMASK_SOURCE_DIR) + " && " + binary.string() +
                                " hunt -q --format jsonl -o " + findings.string() + " --tls-keylog " +
                                capture->key_log.string() + " --rule http-domain-fronting --rule "
                                "user-agent-tls-mismatch --no-merge " + capture->pcap.string());
    ASSERT_EQ(status, 0) << ReadWholeFile(findings);
    const std::string text = ReadWholeFile(findings);
    for (const char* host : {"hidden.example.net", "hidden2.example.org", "hidden3.example.com"}) {
        EXPECT_NE(text.find(std::string("\"rule_id\":\"http-domain-fronting\"")), std::string::npos);
        EXPECT_NE(text.find(std::string("Host ") + host), std::string::npos) << host << " not in\n" << text;
    }
    EXPECT_NE(text.find("\"rule_id\":\"user-agent-tls-mismatch\""), std::string::npos) << text;
    EXPECT_NE(text.find("no GREASE values"), std::string::npos) << text;
}

} // namespace

namespace {

// `unmask capture --tls-keylog` follows a key log that curl creates and writes while the capture
// runs, so a live session decrypts although its secrets did not exist when the capture began.
TEST(LiveKeylogCapture, FollowsAGrowingKeyLog) {
    for (const char* program : {"curl", "python3", "openssl"}) {
        if (!HaveProgram(program)) {
            GTEST_SKIP() << program << " is not installed (scripts/install-deps.sh installs it)";
        }
    }
    const fs::path dir = fs::temp_directory_path() / ("unmask-live-keylog-" + std::to_string(getpid()));
    fs::create_directories(dir);
    const std::string d = dir.string();
    std::ofstream(dir / "https_server.py") << kHttpsServer;
    ASSERT_EQ(RunShell("openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj /CN=live.example -keyout " + d +
                       "/key.pem -out " + d + "/cert.pem >/dev/null 2>&1"),
              0);
    const int port = FreePort();
    BackgroundProcess server("python3 " + d + "/https_server.py " + std::to_string(port) + " " + d + "/cert.pem " + d +
                             "/key.pem >/dev/null 2>&1");
    ASSERT_TRUE(WaitForPort(port)) << "the test HTTPS server did not start";
    const fs::path binary = fs::path(UNMASK_BINARY_DIR) / "unmask";
    const fs::path rows = dir / "capture.jsonl";
    const fs::path keys = dir / "live.keys"; // does not exist yet
    BackgroundProcess capture_process(binary.string() + " capture -i lo --bpf 'tcp port " + std::to_string(port) +
                                      "' --duration 4 --tls-keylog " + keys.string() + " -o " + rows.string() +
                                      " 2>" + (dir / "capture.err").string());
    if (!WaitForText(dir / "capture.err", "capturing on lo")) {
        GTEST_SKIP() << "unmask capture could not open lo: " << ReadWholeFile(dir / "capture.err");
    }
    RunShell("SSLKEYLOGFILE=" + keys.string() + " curl -s -k --http1.1 -o /dev/null https://127.0.0.1:" +
             std::to_string(port) + "/live-request");
    EXPECT_EQ(capture_process.Wait(), 0) << ReadWholeFile(dir / "capture.err");
    const SensorRead read = ReadSensorRows({rows.string()});
    ASSERT_TRUE(read.status.ok()) << read.status.message();
    const auto tls = read.WithAction("SslConnectionInspected");
    ASSERT_EQ(tls.size(), 1u) << ReadWholeFile(rows);
    EXPECT_EQ(tls.front()->Field("decryption"), "decrypted") << ReadWholeFile(dir / "capture.err");
    const auto http = read.WithAction("HttpConnectionInspected");
    ASSERT_EQ(http.size(), 1u) << ReadWholeFile(rows);
    EXPECT_EQ(http.front()->Field("uri"), "/live-request");
    EXPECT_NE(ReadWholeFile(dir / "capture.err").find("keys: 1 sessions from --tls-keylog"), std::string::npos)
        << ReadWholeFile(dir / "capture.err");
    std::error_code ignored;
    fs::remove_all(dir, ignored);
}

} // namespace

namespace {

// Cleartext HTTP/2 (h2c), as gRPC and some C2 frameworks use it: curl with prior knowledge
// against nghttpd, recorded by tcpdump.
TEST(CleartextHttp2Capture, PriorKnowledgeRequestsBecomeRows) {
    for (const char* program : {"tcpdump", "curl", "nghttpd"}) {
        if (!HaveProgram(program)) {
            GTEST_SKIP() << program << " is not installed (scripts/install-deps.sh installs it)";
        }
    }
    const fs::path dir = fs::temp_directory_path() / ("unmask-h2c-" + std::to_string(getpid()));
    fs::create_directories(dir);
    std::ofstream(dir / "index.html") << "<html>h2c</html>\n";
    const int port = FreePort();
    int marker_port = FreePort();
    while (marker_port == port) {
        marker_port = FreePort();
    }
    BackgroundProcess server("nghttpd --no-tls " + std::to_string(port) + " -d " + dir.string() + " >/dev/null 2>&1");
    ASSERT_TRUE(WaitForPort(port)) << "nghttpd did not start";
    const fs::path pcap = dir / "h2c.pcap";
    BackgroundProcess tcpdump(std::string(unmask::testing::kLoopbackTcpdump) + " -w " + pcap.string() + " 'tcp port " +
                              std::to_string(port) + MarkerFilter(marker_port) + "' 2>" + (dir / "tcpdump.err").string());
    if (!WaitForText(dir / "tcpdump.err", "listening on")) {
        GTEST_SKIP() << "tcpdump could not capture on lo: " << ReadWholeFile(dir / "tcpdump.err");
    }
    RunShell("curl -s --http2-prior-knowledge -o /dev/null -H 'Host: grpc.example' -A 'grpc-test/1.0' http://127.0.0.1:" +
             std::to_string(port) + "/index.html");
    ASSERT_TRUE(StopCaptureWhenWritten(tcpdump, pcap, marker_port)) << ReadWholeFile(dir / "tcpdump.err");
    ASSERT_EQ(PacketsDroppedByKernel(dir / "tcpdump.err"), 0) << "the capture is incomplete";
    const SensorRead read = ReadSensorRows({pcap.string()});
    ASSERT_TRUE(read.status.ok()) << read.status.message();
    const auto http = read.WithAction("HttpConnectionInspected");
    ASSERT_EQ(http.size(), 1u);
    EXPECT_EQ(http.front()->Field("version"), "2");
    EXPECT_EQ(http.front()->Field("host"), "grpc.example");
    EXPECT_EQ(http.front()->Field("user_agent"), "grpc-test/1.0");
    EXPECT_EQ(http.front()->Field("status_code"), "200");
    EXPECT_EQ(http.front()->Field("tls"), "");
    std::error_code ignored;
    fs::remove_all(dir, ignored);
}

} // namespace
