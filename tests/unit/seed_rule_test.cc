// The seed T1001.003 hunting query, run verbatim end to end:
// - on the generator's known-answer scenario, asserting every output row and column;
// - on random generated exports, against an independent calculation written as a plain loop.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "detect/query_runner.h"
#include "table/datetime.h"
#include "table/value.h"

namespace {

namespace fs = std::filesystem;

const fs::path kSourceDir(UNMASK_SOURCE_DIR);
const fs::path kGenerator = fs::path(UNMASK_BINARY_DIR) / "bench" / "unmask-generate";

std::string ReadText(const fs::path& path) {
    std::ifstream file(path, std::ios::binary);
    std::ostringstream text;
    text << file.rdbuf();
    return text.str();
}

fs::path TempPath(const std::string& name) {
    const fs::path dir = fs::temp_directory_path() / ("unmask-seed-test-" + std::to_string(getpid()));
    fs::create_directories(dir);
    return dir / name;
}

void Generate(const std::string& arguments, const fs::path& output) {
    const std::string command = kGenerator.string() + " " + arguments + " -o " + output.string();
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
}

unmask::Result<unmask::detect::QueryOutcome> RunSeed(const fs::path& input, const std::string& now, int threads,
                                                  bool strict_schema = false) {
    unmask::detect::QueryRequest request;
    request.text = ReadText(kSourceDir / "examples" / "seed-t1001.003.kql");
    request.inputs = {input.string()};
    request.now = now;
    request.strict_schema = strict_schema;
    request.read_options.threads = threads;
    return unmask::detect::RunQuery(request);
}

// Renders the result as lines of TAB-separated cells, null as <null>, keeping row order.
std::vector<std::string> Render(const unmask::Table& table) {
    std::vector<std::string> lines;
    for (const unmask::Chunk& chunk : table.chunks) {
        for (size_t row = 0; row < chunk.rows; ++row) {
            std::string line;
            for (size_t c = 0; c < chunk.columns.size(); ++c) {
                line += c > 0 ? "\t" : "";
                line += chunk.columns[c].IsNull(row) ? "<null>" : unmask::FormatCell(chunk.columns[c], row);
            }
            lines.push_back(line);
        }
    }
    return lines;
}

TEST(SeedRule, KnownAnswerScenario) {
    const fs::path input = TempPath("known.csv");
    Generate("--scenario seed-known-answer --now 2024-03-10T12:00:00Z", input);
    for (int threads : {1, 2}) {
        auto outcome = RunSeed(input, "2024-03-10T12:00:00Z", threads);
        ASSERT_TRUE(outcome.ok()) << outcome.status().message();
        const unmask::Table& table = outcome->result;
        std::vector<std::string> header;
        for (const unmask::Field& field : table.schema) {
            header.push_back(field.name + ":" + std::string(unmask::TypeName(field.type)));
        }
        const std::vector<std::string> expected_header = {
            "Timestamp:datetime",          "DeviceName:string",     "InitiatingProcessFileName:string",
            "InitiatingProcessCommandLine:string", "ConnectionCount:long", "UniqueRemoteIPs:long",
            "BytesSent:long",              "BytesReceived:long",    "SuspicionReason:string"};
        EXPECT_EQ(header, expected_header);
        const std::vector<std::string> expected = {
            "2024-03-10T07:00:00.9000000Z\tsrv-build-02.corp.contoso.com\tbkagent.exe\t"
            "\"C:\\Program Files\\Contoso\\Backup\\bkagent.exe\" --target \"s3,eu-west-1\"\t1\t1\t75000\t1500\t"
            "TLS-port-non-browser-process",
            "2024-03-10T04:00:00.0625000Z\tsrv-build-02.corp.contoso.com\tMsMpEng.exe\t\"MsMpEng.exe\"\t3\t2\t6000\t"
            "60000\tTLS-port-non-browser-process",
            "2024-03-09T18:00:00.2500000Z\twks-fin-007.corp.contoso.com\trundll32.exe\t"
            "rundll32.exe \"C:\\ProgramData\\Intel\\gfxsvc.dll\",DllRegisterServer\t2\t1\t750\t12000\t"
            "HTTP-from-suspicious-process",
            "2024-03-09T13:00:00.1234567Z\twks-fin-007.corp.contoso.com\tupdater.exe\t"
            "\"C:\\Users\\avance\\AppData\\Local\\Temp\\updater.exe\" --silent --channel \"stable,beta\"\t3\t2\t10200\t"
            "2700\tTLS-port-non-browser-process",
        };
        EXPECT_EQ(Render(table), expected) << "threads=" << threads;
        EXPECT_EQ(outcome->stats.rejected(), 0u);
    }
}

TEST(SeedRule, StrictSchemaRejectsByteColumns) {
    const fs::path input = TempPath("known-strict.csv");
    Generate("--scenario seed-known-answer --now 2024-03-10T12:00:00Z", input);
    // The scenario has SentBytes as a real column, so strict mode binds; a Defender-shaped
    // export without it must fail to bind as Kusto does.
    const fs::path plain = TempPath("plain.csv");
    Generate("--rows 2000 --devices 5 --seed 3 --end 2024-03-10T12:00:00Z", plain);
    auto outcome = RunSeed(plain, "latest", 2, true);
    ASSERT_FALSE(outcome.ok());
    EXPECT_NE(outcome.status().message().find("'SentBytes' does not refer to any known column"), std::string::npos)
        << outcome.status().message();
    EXPECT_NE(outcome.status().message().find("^"), std::string::npos) << "no caret: " << outcome.status().message();

    auto relaxed = RunSeed(plain, "latest", 2, false);
    ASSERT_TRUE(relaxed.ok()) << relaxed.status().message();
    bool noted = false;
    for (const std::string& note : relaxed->notes) {
        noted = noted || note.find("SentBytes") != std::string::npos;
    }
    EXPECT_TRUE(noted) << "the run summary must say that SentBytes is read as null";
}

// A plain RFC 4180 record splitter, independent of the engine's reader.
std::vector<std::vector<std::string>> ParseCsv(const std::string& text) {
    std::vector<std::vector<std::string>> records;
    std::vector<std::string> record;
    std::string field;
    bool quoted = false;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
                field += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            record.push_back(field);
            field.clear();
        } else if (c == '\n' || c == '\r') {
            if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
                ++i;
            }
            record.push_back(field);
            field.clear();
            records.push_back(record);
            record.clear();
        } else {
            field += c;
        }
    }
    if (!field.empty() || !record.empty()) {
        record.push_back(field);
        records.push_back(record);
    }
    return records;
}

std::string Lower(std::string text) {
    for (char& c : text) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return text;
}

struct Group {
    int64_t count = 0;
    std::optional<int64_t> sent;
    std::optional<int64_t> received;
    std::set<std::string> remote_ips;
    int64_t first = INT64_MAX;
    int64_t last = INT64_MIN;
};

// Detections 1 and 2 of the seed rule computed row by row, without the engine.
std::vector<std::string> ReferenceSeed(const fs::path& input, int64_t now) {
    const auto records = ParseCsv(ReadText(input));
    if (records.empty()) {
        ADD_FAILURE() << input << " is empty";
        return {};
    }
    std::map<std::string, size_t> column;
    for (size_t i = 0; i < records[0].size(); ++i) {
        column[records[0][i]] = i;
    }
    const std::set<std::string> browsers = {"chrome.exe", "firefox.exe", "msedge.exe", "iexplore.exe", "teams.exe",
                                            "slack.exe",  "zoom.exe",    "outlook.exe", "onedrive.exe", "svchost.exe"};
    const std::set<std::string> lolbins = {"svchost.exe", "lsass.exe",  "rundll32.exe",   "regsvr32.exe",
                                           "mshta.exe",   "wscript.exe", "cscript.exe",   "msbuild.exe",
                                           "installutil.exe", "regasm.exe", "regsvcs.exe"};
    const std::set<int64_t> tls_ports = {443, 8443, 4443, 8080, 8888};
    const std::set<int64_t> http_ports = {80, 443, 8080, 8443};
    using Key = std::tuple<std::string, std::string, std::string, std::string>;
    std::map<Key, Group> detection1;
    std::map<Key, Group> detection2;
    for (size_t r = 1; r < records.size(); ++r) {
        const auto& f = records[r];
        const int64_t ts = unmask::ParseDateTime(f[column.at("Timestamp")]).value();
        if (ts <= now - 24 * unmask::kTicksPerHour || f[column.at("RemoteIPType")] != "Public") {
            continue;
        }
        const std::string& port_text = f[column.at("RemotePort")];
        if (port_text.empty()) {
            continue;
        }
        const int64_t port = std::stoll(port_text);
        const std::string name = f[column.at("InitiatingProcessFileName")];
        const Key key{f[column.at("DeviceName")], name, f[column.at("InitiatingProcessCommandLine")],
                      f[column.at("InitiatingProcessId")]};
        auto add = [&](Group& group) {
            ++group.count;
            const std::string& sent = f[column.at("SentBytes")];
            const std::string& received = f[column.at("ReceivedBytes")];
            if (!sent.empty()) {
                group.sent = group.sent.value_or(0) + std::stoll(sent);
            }
            if (!received.empty()) {
                group.received = group.received.value_or(0) + std::stoll(received);
            }
            group.remote_ips.insert(f[column.at("RemoteIP")]);
            group.first = std::min(group.first, ts);
            group.last = std::max(group.last, ts);
        };
        if (tls_ports.count(port) && !browsers.count(Lower(name))) {
            add(detection1[key]);
        }
        if (http_ports.count(port) && lolbins.count(Lower(name))) {
            add(detection2[key]);
        }
    }
    std::vector<std::string> rows;
    auto emit = [&](const Key& key, const Group& group, const std::string& reason) {
        auto number = [](const std::optional<int64_t>& value) {
            return value ? std::to_string(*value) : std::string("<null>");
        };
        rows.push_back(unmask::FormatDateTime(group.first) + "\t" + std::get<0>(key) + "\t" + std::get<1>(key) + "\t" +
                       std::get<2>(key) + "\t" + std::to_string(group.count) + "\t" +
                       std::to_string(group.remote_ips.size()) + "\t" + number(group.sent) + "\t" +
                       number(group.received) + "\t" + reason);
    };
    for (const auto& [key, group] : detection1) {
        if (group.count >= 3 || (group.sent && *group.sent > 50000)) {
            emit(key, group, "TLS-port-non-browser-process");
        }
    }
    for (const auto& [key, group] : detection2) {
        if (group.count >= 2) {
            emit(key, group, "HTTP-from-suspicious-process");
        }
    }
    return rows;
}

TEST(SeedRule, MatchesPlainLoopReference) {
    struct Case {
        std::string arguments;
    };
    const std::vector<Case> cases = {
        {"--rows 40000 --devices 30 --beacons 4 --seed 11 --byte-columns --order newest-first"},
        {"--rows 25000 --devices 8 --beacons 2 --seed 12 --byte-columns --order random"},
        {"--rows 30000 --devices 60 --beacons 6 --seed 13 --byte-columns --order oldest-first"},
    };
    const std::string now_text = "2024-03-10T12:00:00Z";
    const int64_t now = unmask::ParseDateTime(now_text).value();
    for (const Case& test_case : cases) {
        const fs::path input = TempPath("random.csv");
        Generate(test_case.arguments + " --end " + now_text, input);
        std::vector<std::string> expected = ReferenceSeed(input, now);
        std::sort(expected.begin(), expected.end());
        ASSERT_FALSE(expected.empty()) << "the generated export should contain detections: " << test_case.arguments;
        for (int threads : {1, 2}) {
            auto outcome = RunSeed(input, now_text, threads);
            ASSERT_TRUE(outcome.ok()) << outcome.status().message();
            std::vector<std::string> actual = Render(outcome->result);
            // The engine sorts by Timestamp descending; ties may come in any order.
            std::vector<std::string> sorted = actual;
            std::sort(sorted.begin(), sorted.end());
            EXPECT_EQ(sorted, expected) << test_case.arguments << " threads=" << threads;
            for (size_t i = 1; i < actual.size(); ++i) {
                EXPECT_GE(actual[i - 1].substr(0, 28), actual[i].substr(0, 28)) << "not sorted by Timestamp desc";
            }
        }
    }
}

}  // namespace

namespace {

TEST(QuerySession, SharedScanMatchesSeparateRuns) {
    const fs::path input = TempPath("shared.csv");
    Generate("--rows 20000 --devices 12 --beacons 2 --seed 21 --byte-columns --end 2024-03-10T12:00:00Z", input);
    const std::vector<std::string> queries = {
        ReadText(kSourceDir / "examples" / "seed-t1001.003.kql"),
        "DeviceNetworkEvents | summarize n = count(), devices = dcount(DeviceName) by ActionType | sort by ActionType asc",
        "DeviceNetworkEvents | where RemotePort == 443 | summarize max(Timestamp)",
        "print x = 1",
    };
    unmask::detect::SessionOptions options;
    options.inputs = {input.string()};
    options.now = "2024-03-10T12:00:00Z";
    options.read_options.threads = 2;
    auto session = unmask::detect::QuerySession::Open(options);
    ASSERT_TRUE(session.ok()) << session.status().message();
    std::vector<size_t> indexes;
    for (const std::string& text : queries) {
        auto index = session->AddQuery(text);
        ASSERT_TRUE(index.ok()) << index.status().message();
        indexes.push_back(index.value());
    }
    ASSERT_TRUE(session->Run().ok());
    EXPECT_EQ(session->stats().rows_read, 20000u) << "one read of the input for every query";
    for (size_t i = 0; i < queries.size(); ++i) {
        unmask::detect::QueryRequest request;
        request.text = queries[i];
        request.inputs = {input.string()};
        request.now = options.now;
        request.read_options.threads = 2;
        auto alone = unmask::detect::RunQuery(request);
        ASSERT_TRUE(alone.ok()) << alone.status().message();
        std::vector<std::string> shared_rows = Render(session->result(indexes[i]));
        std::vector<std::string> alone_rows = Render(alone->result);
        std::sort(shared_rows.begin(), shared_rows.end());
        std::sort(alone_rows.begin(), alone_rows.end());
        EXPECT_EQ(shared_rows, alone_rows) << queries[i];
    }
}

}  // namespace
