// Differential test of the capture path: the rows of a capture must not depend on how TCP cut
// its byte streams into segments. tests/tools/resegment.py rewrites a capture so that each TCP
// connection carries the same bytes in each direction, in the same order relative to the other
// direction. It cuts them into pieces of 1 and of 7 bytes, joins them into segments of up to
// 64 KiB, or cuts and joins at random. unmask reads the original and every rewritten capture, and
// the rows must agree in every column and AdditionalFields key except the few that count packets
// or measure time. The captures are a fresh loopback capture (cleartext HTTP/1.1, HTTP/2 inside
// TLS 1.3 and HTTP/1.0 inside TLS 1.2, decrypted with a key log) and the captures of the shared
// corpus.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "sensor_process_support.h"
#include "sensor_test_support.h"

namespace fs = std::filesystem;
using unmask::DynamicValue;
using unmask::testing::BackgroundProcess;
using unmask::testing::CorpusCaptures;
using unmask::testing::CorpusDir;
using unmask::testing::FreePort;
using unmask::testing::HaveProgram;
using unmask::testing::MarkerFilter;
using unmask::testing::ReadSensorRows;
using unmask::testing::ReadWholeFile;
using unmask::testing::RunShell;
using unmask::testing::SensorRead;
using unmask::testing::SensorRow;
using unmask::testing::StopCaptureWhenWritten;
using unmask::testing::WaitForPort;
using unmask::testing::WaitForText;

namespace {

const fs::path kResegmentTool = fs::path(UNMASK_SOURCE_DIR) / "tests" / "tools" / "resegment.py";

/// One way to cut the streams, as resegment.py options.
struct Variant {
    const char* name;
    const char* options;
    /// Captures larger than this on disk are left out of the variant, so that the test stays
    /// short: cutting a capture into 1-byte segments multiplies its packets by the mean segment
    /// size. Of the corpus as its README lists it, 256 KiB leaves out teams.pcap, http_bro.org.pcap,
    /// mythic-athena-http.pcap, test-cc_test-cc-capture-1.pcap and sandcat.pcap.
    uintmax_t max_capture_bytes;
};

constexpr uintmax_t kAnySize = UINTMAX_MAX;

constexpr Variant kVariants[] = {
    {"split-1", "--split 1", 256 * 1024}, {"split-7", "--split 7", kAnySize},   {"merge", "--merge", kAnySize},
    {"random-1", "--random 1", kAnySize}, {"random-2", "--random 2", kAnySize},
};

// AdditionalFields keys that legitimately differ between two segmentations of the same streams.
// The Timestamp column is not compared either, because an HTTP row takes the time of the packet
// that carried the request's first byte, and joined segments take the time of the first of them.
const std::set<std::string> kSegmentationDependentFields = {
    "uid",           // a hash of the input file's path and the flow number
    "duration",      // joined segments take the time of the first of them, so the last packet may move
    "orig_pkts",     // packet count
    "resp_pkts",     // packet count
    "orig_ip_bytes", // IP and TCP headers of every packet
    "resp_ip_bytes", // IP and TCP headers of every packet
    "history",       // repeats its W (zero window) letter at 1, 10, 100... packets, as Zeek does
};

/// Returns a row as one line of text: its columns and AdditionalFields keys, without those of
/// kSegmentationDependentFields.
std::string ProjectRow(const SensorRow& row) {
    const auto optional_number = [](const std::optional<int64_t>& value) {
        return value ? std::to_string(*value) : std::string("null");
    };
    std::string text = row.action_type + " " + row.protocol + " " + row.local_ip + ":" +
                       std::to_string(row.local_port) + " -> " + row.remote_ip + ":" + std::to_string(row.remote_port) +
                       " device=" + row.device_name + " url=" + row.remote_url + " ip_types=" + row.local_ip_type +
                       "/" + row.remote_ip_type + " sent=" + optional_number(row.sent_bytes) +
                       " received=" + optional_number(row.received_bytes);
    if (!row.fields || row.fields->kind() != DynamicValue::Kind::kObject) {
        return text + " fields=" + row.additional_fields;
    }
    for (const auto& [key, value] : row.fields->object()) {
        if (kSegmentationDependentFields.count(key) == 0) {
            text += " " + key + "=" + (value ? value->ToJson() : std::string("null"));
        }
    }
    return text;
}

std::multiset<std::string> ProjectRows(const SensorRead& read) {
    std::multiset<std::string> rows;
    for (const SensorRow& row : read.rows) {
        rows.insert(ProjectRow(row));
    }
    return rows;
}

/// Returns the projected rows that only one read has, "-" for the original and "+" for the
/// rewritten capture; empty when both agree.
std::string DiffRows(const SensorRead& original, const SensorRead& rewritten) {
    const std::multiset<std::string> before = ProjectRows(original);
    const std::multiset<std::string> after = ProjectRows(rewritten);
    std::vector<std::string> lost;
    std::vector<std::string> gained;
    std::set_difference(before.begin(), before.end(), after.begin(), after.end(), std::back_inserter(lost));
    std::set_difference(after.begin(), after.end(), before.begin(), before.end(), std::back_inserter(gained));
    std::string diff;
    for (const std::string& row : lost) {
        diff += "- " + row + "\n";
    }
    for (const std::string& row : gained) {
        diff += "+ " + row + "\n";
    }
    return diff;
}

fs::path VariantPath(const fs::path& dir, size_t capture_index, const Variant& variant) {
    return dir / (std::to_string(capture_index) + "." + variant.name + ".pcap");
}

bool Covers(const Variant& variant, const fs::path& capture) {
    return fs::file_size(capture) <= variant.max_capture_bytes;
}

/// Writes each variant of every capture that it covers to VariantPath, one resegment.py run per
/// variant, all runs in parallel. Returns "" on success, else the tool's error output.
std::string Resegment(const std::vector<fs::path>& captures, const fs::path& dir) {
    std::string script;
    for (const Variant& variant : kVariants) {
        script += "python3 '" + kResegmentTool.string() + "' " + variant.options;
        for (size_t i = 0; i < captures.size(); ++i) {
            if (Covers(variant, captures[i])) {
                script += " '" + captures[i].string() + "' '" + VariantPath(dir, i, variant).string() + "'";
            }
        }
        script += " 2>'" + (dir / (std::string(variant.name) + ".err")).string() + "' &\n";
        script += "pids=\"$pids $!\"\n";
    }
    script += "status=0\nfor pid in $pids; do wait $pid || status=1; done\nexit $status\n";
    const fs::path script_path = dir / "resegment.sh";
    std::ofstream(script_path) << script;
    if (RunShell("sh '" + script_path.string() + "'") == 0) {
        return "";
    }
    std::string errors = "resegment.py failed:\n";
    for (const Variant& variant : kVariants) {
        errors += ReadWholeFile(dir / (std::string(variant.name) + ".err"));
    }
    return errors;
}

/// A temporary directory removed at the end of its scope, unless UNMASK_KEEP_TEST_FILES is set.
class TemporaryDirectory {
public:
    explicit TemporaryDirectory(const std::string& name)
        : path_(fs::temp_directory_path() / (name + "-" + std::to_string(getpid()))) {
        fs::create_directories(path_);
    }
    ~TemporaryDirectory() {
        if (std::getenv("UNMASK_KEEP_TEST_FILES") == nullptr) {
            std::error_code ignored;
            fs::remove_all(path_, ignored);
        }
    }
    TemporaryDirectory(const TemporaryDirectory&) = delete;
    TemporaryDirectory& operator=(const TemporaryDirectory&) = delete;

    const fs::path& path() const { return path_; }

private:
    fs::path path_;
};

// A loopback capture with cleartext HTTP/1.1 to python3 -m http.server, HTTP/2 over TLS 1.3 to
// nghttpd and HTTP/1.0 over TLS 1.2 to openssl s_server, with the TLS secrets in a key log.
struct LoopbackCapture {
    std::string skip_reason;
    std::unique_ptr<TemporaryDirectory> dir;
    fs::path pcap;
    fs::path key_log;
    /// Clients that exited with a nonzero status, with their error output.
    std::string client_failures;
};

LoopbackCapture* capture = nullptr;

std::string MakeCapture(LoopbackCapture& out) {
    for (const char* program : {"tcpdump", "openssl", "curl", "python3", "nghttpd"}) {
        if (!HaveProgram(program)) {
            return std::string(program) + " is not installed (scripts/install-deps.sh installs it)";
        }
    }
    out.dir = std::make_unique<TemporaryDirectory>("unmask-resegment-loopback");
    const fs::path& dir_path = out.dir->path();
    const std::string dir = dir_path.string();
    out.pcap = dir_path / "loopback.pcap";
    out.key_log = dir_path / "keys.log";

    std::vector<int> ports;
    while (ports.size() < 4) {
        const int port = FreePort();
        if (std::find(ports.begin(), ports.end(), port) == ports.end()) {
            ports.push_back(port);
        }
    }
    const int http_port = ports[0];
    const int h2_port = ports[1];
    const int tls12_port = ports[2];
    const int marker_port = ports[3];

    std::ofstream(dir_path / "index.html") << "<html>unmask resegment test</html>\n";
    {
        // A body of many segments, so that the joined variant really joins some.
        std::ofstream big(dir_path / "big.txt");
        for (int line = 0; line < 2000; ++line) {
            big << "line " << line << " of a body that spans many TCP segments\n";
        }
    }
    if (RunShell("openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj /CN=front.example -addext "
                 "subjectAltName=DNS:front.example -keyout " +
                 dir + "/key.pem -out " + dir + "/cert.pem >/dev/null 2>&1") != 0) {
        return "openssl could not make a test certificate";
    }

    BackgroundProcess http_server("cd " + dir + " && python3 -m http.server " + std::to_string(http_port) +
                                  " --bind 127.0.0.1 >/dev/null 2>&1");
    BackgroundProcess h2_server("nghttpd " + std::to_string(h2_port) + " " + dir + "/key.pem " + dir +
                                "/cert.pem -d " + dir + " >/dev/null 2>&1");
    BackgroundProcess tls12_server("openssl s_server -accept 127.0.0.1:" + std::to_string(tls12_port) + " -cert " +
                                   dir + "/cert.pem -key " + dir + "/key.pem -www >/dev/null 2>&1");
    if (!WaitForPort(http_port) || !WaitForPort(h2_port) || !WaitForPort(tls12_port)) {
        return "a test server did not start";
    }

    const std::string filter = "tcp port " + std::to_string(http_port) + " or tcp port " + std::to_string(h2_port) +
                               " or tcp port " + std::to_string(tls12_port) + MarkerFilter(marker_port);
    BackgroundProcess tcpdump(std::string(unmask::testing::kLoopbackTcpdump) + " -w " + out.pcap.string() + " '" + filter +
                              "' 2>" + dir + "/tcpdump.err");
    if (!WaitForText(dir_path / "tcpdump.err", "listening on")) {
        return "tcpdump could not capture on lo: " + ReadWholeFile(dir_path / "tcpdump.err");
    }

    const auto run_client = [&](const std::string& name, const std::string& command) {
        const fs::path errors = dir_path / (name + ".err");
        const int status = RunShell(command + " 2>" + errors.string());
        if (status != 0) {
            out.client_failures +=
                name + " exited with " + std::to_string(status) + ": " + ReadWholeFile(errors) + "\n";
        }
    };
    const std::string http = "http://127.0.0.1:" + std::to_string(http_port);
    run_client("curl-index", "curl -s -S --http1.1 -o /dev/null -A 'resegment-test/1.0' " + http + "/index.html?q=1");
    run_client("curl-big", "curl -s -S --http1.1 -o /dev/null -H 'X-Test: 1' " + http + "/big.txt");
    run_client("curl-missing", "curl -s -S --http1.1 -o /dev/null " + http + "/missing");
    run_client("curl-http2", "SSLKEYLOGFILE=" + out.key_log.string() +
                                 " curl -s -S -k --http2 -o /dev/null -o /dev/null --connect-to front.example:443:"
                                 "127.0.0.1:" + std::to_string(h2_port) +
                                 " https://front.example/index.html https://front.example/big.txt");
    run_client("openssl-tls12", "printf 'GET / HTTP/1.0\\r\\nHost: tls12.example\\r\\n\\r\\n' | timeout 20 "
                                "openssl s_client -connect 127.0.0.1:" + std::to_string(tls12_port) +
                                    " -servername front.example -tls1_2 -keylogfile " + out.key_log.string() +
                                    " -quiet >/dev/null");

    if (!StopCaptureWhenWritten(tcpdump, out.pcap, marker_port)) {
        out.client_failures += "tcpdump did not write the end marker: " + ReadWholeFile(dir_path / "tcpdump.err");
    }
    if (const long dropped = unmask::testing::PacketsDroppedByKernel(dir_path / "tcpdump.err"); dropped > 0) {
        out.client_failures += "tcpdump dropped " + std::to_string(dropped) + " packets, so the capture is incomplete\n";
    }
    return "";
}

class ResegmentLoopbackTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        capture = new LoopbackCapture;
        capture->skip_reason = MakeCapture(*capture);
    }
    static void TearDownTestSuite() {
        delete capture;
        capture = nullptr;
    }
    void SetUp() override {
        if (!capture->skip_reason.empty()) {
            GTEST_SKIP() << capture->skip_reason;
        }
        ASSERT_TRUE(capture->client_failures.empty()) << capture->client_failures;
    }
};

TEST_F(ResegmentLoopbackTest, RowsDoNotDependOnSegmentation) {
    unmask::ingest::ReadOptions options;
    options.tls_key_log_path = capture->key_log.string();
    const SensorRead original = ReadSensorRows({capture->pcap.string()}, options);
    ASSERT_TRUE(original.status.ok()) << original.status.message();
    // The capture has the rows that the comparison is meant to cover.
    EXPECT_EQ(original.WithAction("HttpConnectionInspected").size(), 6u);
    EXPECT_EQ(original.stats.captures.tls_decrypted, 2u);

    const fs::path& dir = capture->dir->path();
    const std::string error = Resegment({capture->pcap}, dir);
    ASSERT_TRUE(error.empty()) << error;
    for (const Variant& variant : kVariants) {
        SCOPED_TRACE(variant.name);
        const SensorRead rewritten = ReadSensorRows({VariantPath(dir, 0, variant).string()}, options);
        ASSERT_TRUE(rewritten.status.ok()) << rewritten.status.message();
        EXPECT_EQ(DiffRows(original, rewritten), "");
        // Whether loopback segments can be joined depends on when the peer acknowledged them, so
        // only the cut into 1-byte pieces has a packet count to check.
        if (std::string(variant.name) == "split-1") {
            EXPECT_GT(rewritten.stats.captures.packets, 10 * original.stats.captures.packets)
                << ReadWholeFile(dir / "split-1.err");
        }
    }
}

bool IsPcapng(const fs::path& path) {
    char magic[4] = {};
    std::ifstream(path, std::ios::binary).read(magic, sizeof(magic));
    return std::string(magic, sizeof(magic)) == std::string("\x0a\x0d\x0d\x0a", 4);
}

TEST(ResegmentCorpus, RowsDoNotDependOnSegmentation) {
    const std::optional<fs::path> corpus = CorpusDir();
    if (!corpus) {
        GTEST_SKIP() << "shared corpus not found next to the repository (../shared/corpus)";
    }
    if (!HaveProgram("python3")) {
        GTEST_SKIP() << "python3 is not installed (scripts/install-deps.sh installs it)";
    }
    // resegment.py reads classic pcap only, so pcapng files (some named .pcap) go through editcap.
    TemporaryDirectory dir("unmask-resegment-corpus");
    std::vector<fs::path> sources;
    std::vector<fs::path> captures;
    for (const fs::path& path : CorpusCaptures(*corpus)) {
        fs::path capture = path;
        if (IsPcapng(path)) {
            if (!HaveProgram("editcap")) {
                std::printf("left out %s: editcap is not installed (the tshark package has it)\n", path.c_str());
                continue;
            }
            capture = dir.path() / (std::to_string(captures.size()) + ".converted.pcap");
            if (RunShell("editcap -F pcap '" + path.string() + "' '" + capture.string() + "' >/dev/null 2>&1") != 0) {
                std::printf("left out %s: editcap could not convert it to pcap\n", path.c_str());
                continue;
            }
        }
        sources.push_back(path);
        captures.push_back(capture);
    }
    ASSERT_GT(captures.size(), 30u);
    for (const Variant& variant : kVariants) {
        std::string left_out;
        for (size_t i = 0; i < captures.size(); ++i) {
            left_out += Covers(variant, captures[i]) ? "" : " " + sources[i].filename().string();
        }
        if (!left_out.empty()) {
            std::printf("%s leaves out the captures above %ju bytes:%s\n", variant.name, variant.max_capture_bytes,
                        left_out.c_str());
        }
    }
    const std::string error = Resegment(captures, dir.path());
    ASSERT_TRUE(error.empty()) << error;

    // Every read loads the system trust store for chain verification, which costs more than reading
    // a small capture. The chains themselves are still compared, as cert_chain_fps.
    unmask::ingest::ReadOptions options;
    options.verify_certificates = false;
    uint64_t original_packets = 0;
    uint64_t split_packets = 0;
    uint64_t unjoined_packets = 0;
    uint64_t joined_packets = 0;
    for (size_t i = 0; i < captures.size(); ++i) {
        SCOPED_TRACE(sources[i].string());
        const SensorRead original = ReadSensorRows({captures[i].string()}, options);
        ASSERT_TRUE(original.status.ok()) << original.status.message();
        for (const Variant& variant : kVariants) {
            if (!Covers(variant, captures[i])) {
                continue;
            }
            SCOPED_TRACE(variant.name);
            const SensorRead rewritten = ReadSensorRows({VariantPath(dir.path(), i, variant).string()}, options);
            ASSERT_TRUE(rewritten.status.ok()) << rewritten.status.message();
            EXPECT_EQ(DiffRows(original, rewritten), "");
            if (std::string(variant.name) == "split-1") {
                original_packets += original.stats.captures.packets;
                split_packets += rewritten.stats.captures.packets;
            }
            if (std::string(variant.name) == "merge") {
                unjoined_packets += original.stats.captures.packets;
                joined_packets += rewritten.stats.captures.packets;
            }
        }
    }
    // The comparison proves something only when most corpus connections were really cut and joined.
    EXPECT_GT(split_packets, 10 * original_packets) << ReadWholeFile(dir.path() / "split-1.err");
    EXPECT_LT(joined_packets, unjoined_packets * 9 / 10) << ReadWholeFile(dir.path() / "merge.err");
}

} // namespace
