// Runs the built unmask-generate and checks the exports it writes: format, determinism, planted
// beacons, the known-answer scenario and the committed sample.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

namespace {

namespace fs = std::filesystem;

using Record = std::vector<std::string>;

const std::vector<std::string> kDocumentedColumns = {"Timestamp",
                                                     "DeviceId",
                                                     "DeviceName",
                                                     "ActionType",
                                                     "RemoteIP",
                                                     "RemotePort",
                                                     "RemoteUrl",
                                                     "LocalIP",
                                                     "LocalPort",
                                                     "Protocol",
                                                     "LocalIPType",
                                                     "RemoteIPType",
                                                     "InitiatingProcessSHA1",
                                                     "InitiatingProcessSHA256",
                                                     "InitiatingProcessMD5",
                                                     "InitiatingProcessFileName",
                                                     "InitiatingProcessFileSize",
                                                     "InitiatingProcessVersionInfoCompanyName",
                                                     "InitiatingProcessVersionInfoProductName",
                                                     "InitiatingProcessVersionInfoProductVersion",
                                                     "InitiatingProcessVersionInfoInternalFileName",
                                                     "InitiatingProcessVersionInfoOriginalFileName",
                                                     "InitiatingProcessVersionInfoFileDescription",
                                                     "InitiatingProcessId",
                                                     "InitiatingProcessCommandLine",
                                                     "InitiatingProcessCreationTime",
                                                     "InitiatingProcessFolderPath",
                                                     "InitiatingProcessParentFileName",
                                                     "InitiatingProcessParentId",
                                                     "InitiatingProcessParentCreationTime",
                                                     "InitiatingProcessAccountDomain",
                                                     "InitiatingProcessAccountName",
                                                     "InitiatingProcessAccountSid",
                                                     "InitiatingProcessAccountUpn",
                                                     "InitiatingProcessAccountObjectId",
                                                     "InitiatingProcessIntegrityLevel",
                                                     "InitiatingProcessTokenElevation",
                                                     "ReportId",
                                                     "AppGuardContainerId",
                                                     "AdditionalFields",
                                                     "InitiatingProcessSessionId",
                                                     "IsInitiatingProcessRemoteSession",
                                                     "InitiatingProcessRemoteSessionDeviceName",
                                                     "InitiatingProcessRemoteSessionIP",
                                                     "InitiatingProcessUniqueId",
                                                     "LogonID"};

constexpr int64_t kTicksPerSecond = 10'000'000;
constexpr int64_t kTicksPerHour = 3600 * kTicksPerSecond;

fs::path GeneratorPath() {
    return fs::path(UNMASK_BINARY_DIR) / "bench" / "unmask-generate";
}

fs::path ScratchDirectory() {
    const fs::path directory = fs::temp_directory_path() / ("unmask-generator-test-" + std::to_string(::getpid()));
    fs::create_directories(directory);
    return directory;
}

std::string QuoteForShell(const std::string& text) {
    std::string quoted = "'";
    for (const char c : text) {
        quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    }
    return quoted + "'";
}

// Runs the generator with `arguments`, stdout to `output` and stderr to `errors`; returns the exit code.
int RunGenerator(const std::string& arguments, const fs::path& output, const fs::path& errors) {
    const std::string command = QuoteForShell(GeneratorPath().string()) + " " + arguments + " > " +
                                QuoteForShell(output.string()) + " 2> " + QuoteForShell(errors.string());
    const int status = std::system(command.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string ReadFile(const fs::path& path) {
    std::ifstream file(path, std::ios::binary);
    std::ostringstream content;
    content << file.rdbuf();
    return content.str();
}

// The result of splitting a CSV text per RFC 4180.
struct ParsedCsv {
    std::vector<Record> records;
    std::string error;     // empty when the text is well formed
    bool crlf_only = true; // every record separator is CRLF
    bool trailing_line_break = false;
};

// Splits `text` into records and fields. Quoted fields may contain commas, doubled quotes, CR and
// LF; outside quotes a record ends at CRLF (a bare LF is accepted but noted in crlf_only).
ParsedCsv ParseCsv(const std::string& text) {
    ParsedCsv parsed;
    Record record;
    std::string field;
    bool in_quotes = false;
    bool field_was_quoted = false;
    size_t i = 0;
    while (i < text.size()) {
        const char c = text[i];
        if (in_quotes) {
            if (c == '"') {
                if (i + 1 < text.size() && text[i + 1] == '"') {
                    field += '"';
                    i += 2;
                    continue;
                }
                in_quotes = false;
            } else {
                field += c;
            }
            ++i;
            continue;
        }
        if (c == '"') {
            if (!field.empty() || field_was_quoted) {
                parsed.error = "quote inside an unquoted field at byte " + std::to_string(i);
                return parsed;
            }
            in_quotes = true;
            field_was_quoted = true;
            ++i;
        } else if (c == ',') {
            record.push_back(std::move(field));
            field.clear();
            field_was_quoted = false;
            ++i;
        } else if (c == '\r' || c == '\n') {
            if (c == '\r' && (i + 1 >= text.size() || text[i + 1] != '\n')) {
                parsed.error = "bare CR at byte " + std::to_string(i);
                return parsed;
            }
            if (c == '\n') {
                parsed.crlf_only = false;
            }
            i += c == '\r' ? 2 : 1;
            record.push_back(std::move(field));
            field.clear();
            field_was_quoted = false;
            parsed.records.push_back(std::move(record));
            record.clear();
            if (i == text.size()) {
                parsed.trailing_line_break = true;
            }
        } else {
            if (field_was_quoted) {
                parsed.error = "text after a closing quote at byte " + std::to_string(i);
                return parsed;
            }
            field += c;
            ++i;
        }
    }
    if (in_quotes) {
        parsed.error = "unterminated quoted field";
        return parsed;
    }
    if (!parsed.trailing_line_break && !text.empty()) {
        record.push_back(std::move(field));
        parsed.records.push_back(std::move(record));
    }
    return parsed;
}

// Parses the export's timestamp form; nullopt when the text has another shape.
std::optional<int64_t> ParseTicks(const std::string& text) {
    static const std::regex kPattern(R"((\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d{1,7}))?Z)");
    std::smatch match;
    if (!std::regex_match(text, match, kPattern)) {
        return std::nullopt;
    }
    // Days from 1970-01-01 of a proleptic Gregorian date.
    int64_t year = std::stoll(match[1]);
    const int64_t month = std::stoll(match[2]);
    const int64_t day = std::stoll(match[3]);
    year -= month <= 2 ? 1 : 0;
    const int64_t era = (year >= 0 ? year : year - 399) / 400;
    const int64_t year_of_era = year - era * 400;
    const int64_t day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    const int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    const int64_t days = era * 146097 + day_of_era - 719468;
    int64_t fraction = 0;
    if (match[7].matched) {
        std::string digits = match[7];
        digits.resize(7, '0');
        fraction = std::stoll(digits);
    }
    const int64_t seconds = std::stoll(match[4]) * 3600 + std::stoll(match[5]) * 60 + std::stoll(match[6]);
    return days * 24 * kTicksPerHour + seconds * kTicksPerSecond + fraction;
}

class GeneratorTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(fs::exists(GeneratorPath())) << "build the unmask-generate target first: " << GeneratorPath();
        directory_ = ScratchDirectory();
    }

    void TearDown() override { fs::remove_all(directory_); }

    // Runs the generator and parses its output; fails the test on a non-zero exit or bad CSV.
    ParsedCsv Generate(const std::string& arguments, const std::string& name = "export.csv") {
        const fs::path output = directory_ / name;
        const int exit_code = RunGenerator(arguments, output, directory_ / "stderr.txt");
        EXPECT_EQ(exit_code, 0) << arguments << ": " << ReadFile(directory_ / "stderr.txt");
        ParsedCsv parsed = ParseCsv(ReadFile(output));
        EXPECT_EQ(parsed.error, "") << arguments;
        return parsed;
    }

    std::string Errors() const { return ReadFile(directory_ / "stderr.txt"); }

    size_t Column(const Record& header, const std::string& name) const {
        const auto found = std::find(header.begin(), header.end(), name);
        EXPECT_NE(found, header.end()) << name;
        return static_cast<size_t>(found - header.begin());
    }

    fs::path directory_;
};

TEST_F(GeneratorTest, HeaderHasDocumentedColumns) {
    const ParsedCsv plain = Generate("--rows 10 --seed 4");
    ASSERT_FALSE(plain.records.empty());
    EXPECT_EQ(plain.records[0], kDocumentedColumns);

    const ParsedCsv with_bytes = Generate("--rows 10 --seed 4 --byte-columns");
    ASSERT_FALSE(with_bytes.records.empty());
    std::vector<std::string> expected = kDocumentedColumns;
    expected.push_back("SentBytes");
    expected.push_back("ReceivedBytes");
    EXPECT_EQ(with_bytes.records[0], expected);
}

TEST_F(GeneratorTest, RowCountAndFieldCount) {
    const ParsedCsv parsed = Generate("--rows 3000 --devices 20 --seed 11 --byte-columns --beacons 2");
    ASSERT_EQ(parsed.records.size(), 3001u);
    for (size_t i = 1; i < parsed.records.size(); ++i) {
        ASSERT_EQ(parsed.records[i].size(), 48u) << "record " << i;
    }
}

TEST_F(GeneratorTest, RecordsEndWithCrlfAndNoFinalBreak) {
    const ParsedCsv parsed = Generate("--rows 500 --seed 2");
    EXPECT_TRUE(parsed.crlf_only);
    EXPECT_FALSE(parsed.trailing_line_break);
}

TEST_F(GeneratorTest, QuotedFieldsRoundTrip) {
    const ParsedCsv parsed = Generate("--rows 3000 --devices 20 --seed 8");
    ASSERT_GT(parsed.records.size(), 1u);
    const Record& header = parsed.records[0];
    const size_t command_line = Column(header, "InitiatingProcessCommandLine");
    const size_t additional_fields = Column(header, "AdditionalFields");
    size_t quoted_command_lines = 0;
    size_t json_objects = 0;
    for (size_t i = 1; i < parsed.records.size(); ++i) {
        const Record& record = parsed.records[i];
        if (record[command_line].find('"') != std::string::npos) {
            ++quoted_command_lines;
        }
        const std::string& json = record[additional_fields];
        if (!json.empty()) {
            ASSERT_EQ(json.front(), '{') << "record " << i;
            ASSERT_EQ(json.back(), '}') << "record " << i;
            ++json_objects;
        }
    }
    EXPECT_GT(quoted_command_lines, 100u);
    EXPECT_GT(json_objects, 100u);
}

TEST_F(GeneratorTest, SameSeedSameBytes) {
    Generate("--rows 2000 --seed 42 --beacons 1 --byte-columns", "first.csv");
    Generate("--rows 2000 --seed 42 --beacons 1 --byte-columns", "second.csv");
    Generate("--rows 2000 --seed 43 --beacons 1 --byte-columns", "other.csv");
    const std::string first = ReadFile(directory_ / "first.csv");
    EXPECT_FALSE(first.empty());
    EXPECT_EQ(first, ReadFile(directory_ / "second.csv"));
    EXPECT_NE(first, ReadFile(directory_ / "other.csv"));
}

TEST_F(GeneratorTest, ThreadCountKeepsBytes) {
    // Rows are formatted in chunks of 16384, so 40000 rows span three chunks.
    Generate("--rows 40000 --seed 7 --beacons 2 --threads 1", "one.csv");
    Generate("--rows 40000 --seed 7 --beacons 2 --threads 3", "three.csv");
    const std::string one_thread = ReadFile(directory_ / "one.csv");
    EXPECT_FALSE(one_thread.empty());
    EXPECT_TRUE(one_thread == ReadFile(directory_ / "three.csv"));
}

TEST_F(GeneratorTest, TimestampsNewestFirstWithinSpan) {
    const ParsedCsv parsed = Generate("--rows 3000 --seed 5 --end 2024-05-01T08:30:00Z --span-hours 30");
    ASSERT_GT(parsed.records.size(), 1u);
    const int64_t end = *ParseTicks("2024-05-01T08:30:00Z");
    const int64_t start = end - 30 * kTicksPerHour;
    std::set<size_t> fraction_digit_counts;
    int64_t previous = end;
    for (size_t i = 1; i < parsed.records.size(); ++i) {
        const std::string& text = parsed.records[i][0];
        const std::optional<int64_t> ticks = ParseTicks(text);
        ASSERT_TRUE(ticks.has_value()) << text;
        ASSERT_GE(*ticks, start) << text;
        ASSERT_LE(*ticks, previous) << "not newest-first at record " << i;
        previous = *ticks;
        const size_t dot = text.find('.');
        const size_t digits = dot == std::string::npos ? 0 : text.size() - dot - 2;
        if (digits > 0) {
            ASSERT_NE(text[text.size() - 2], '0') << "trailing zero kept in " << text;
        }
        fraction_digit_counts.insert(digits);
    }
    EXPECT_EQ(*ParseTicks(parsed.records[1][0]), end);
    for (const size_t digits : {0u, 3u, 6u, 7u}) {
        EXPECT_TRUE(fraction_digit_counts.count(digits)) << digits << " fraction digits never written";
    }
}

TEST_F(GeneratorTest, OldestFirstAndRandomOrders) {
    const ParsedCsv oldest = Generate("--rows 1000 --seed 6 --order oldest-first", "oldest.csv");
    ASSERT_GT(oldest.records.size(), 2u);
    for (size_t i = 2; i < oldest.records.size(); ++i) {
        ASSERT_LE(*ParseTicks(oldest.records[i - 1][0]), *ParseTicks(oldest.records[i][0])) << "record " << i;
    }
    const ParsedCsv shuffled = Generate("--rows 1000 --seed 6 --order random", "random.csv");
    ASSERT_EQ(shuffled.records.size(), oldest.records.size());
    std::multiset<std::string> oldest_times;
    std::multiset<std::string> shuffled_times;
    bool sorted = true;
    for (size_t i = 1; i < shuffled.records.size(); ++i) {
        oldest_times.insert(oldest.records[i][0]);
        shuffled_times.insert(shuffled.records[i][0]);
        if (i > 1 && *ParseTicks(shuffled.records[i - 1][0]) > *ParseTicks(shuffled.records[i][0])) {
            sorted = false;
        }
    }
    EXPECT_EQ(oldest_times, shuffled_times);
    EXPECT_FALSE(sorted);
}

TEST_F(GeneratorTest, SensorRowsHaveNoProcess) {
    const ParsedCsv parsed = Generate("--rows 3000 --seed 9");
    ASSERT_GT(parsed.records.size(), 1u);
    const Record& header = parsed.records[0];
    const size_t action = Column(header, "ActionType");
    size_t sensor_rows = 0;
    std::set<std::string> remote_ip_types;
    for (size_t i = 1; i < parsed.records.size(); ++i) {
        const Record& record = parsed.records[i];
        remote_ip_types.insert(record[Column(header, "RemoteIPType")]);
        if (!record[action].ends_with("Inspected")) {
            continue;
        }
        ++sensor_rows;
        EXPECT_EQ(record[Column(header, "InitiatingProcessId")], "0");
        EXPECT_EQ(record[Column(header, "InitiatingProcessFileName")], "");
        EXPECT_EQ(record[Column(header, "RemoteIPType")], "");
        EXPECT_EQ(record[Column(header, "InitiatingProcessTokenElevation")], "None");
    }
    EXPECT_GT(sensor_rows, 100u);
    for (const char* type : {"Public", "Private", "FourToSixMapping", "Loopback", ""}) {
        EXPECT_TRUE(remote_ip_types.count(type)) << "RemoteIPType '" << type << "' never written";
    }
}

TEST_F(GeneratorTest, PlantedBeaconsMatchStats) {
    const ParsedCsv parsed = Generate("--rows 20000 --devices 30 --seed 12 --beacons 3 --byte-columns --stats");
    ASSERT_GT(parsed.records.size(), 1u);
    const Record& header = parsed.records[0];
    std::map<std::tuple<std::string, std::string, std::string, std::string, std::string>, size_t> rows_by_key;
    for (size_t i = 1; i < parsed.records.size(); ++i) {
        const Record& record = parsed.records[i];
        ++rows_by_key[{record[Column(header, "DeviceName")], record[Column(header, "InitiatingProcessFileName")],
                       record[Column(header, "InitiatingProcessId")], record[Column(header, "RemoteIP")],
                       record[Column(header, "RemotePort")]}];
    }
    const std::regex kBeaconLine(R"(beacon device=(\S+) process=(\S+) pid=(\d+) remote=(\S+):(\d+) )"
                                 R"(period_s=(\d+) jitter_pct=(\d+) rows=(\d+) .*)");
    std::istringstream errors(Errors());
    std::string line;
    size_t beacons = 0;
    bool stats_line = false;
    while (std::getline(errors, line)) {
        std::smatch match;
        if (std::regex_match(line, match, kBeaconLine)) {
            ++beacons;
            EXPECT_TRUE(match[5] == "443" || match[5] == "8443") << line;
            const size_t rows = rows_by_key[{match[1], match[2], match[3], match[4], match[5]}];
            EXPECT_EQ(rows, std::stoul(match[8])) << line;
            EXPECT_GE(rows, 8u) << line;
        } else if (line.starts_with("stats rows=20000 ")) {
            stats_line = true;
        }
    }
    EXPECT_EQ(beacons, 3u);
    EXPECT_TRUE(stats_line) << Errors();
}

TEST_F(GeneratorTest, InvalidOptionsRejected) {
    const fs::path output = directory_ / "unused.csv";
    const fs::path errors = directory_ / "stderr.txt";
    EXPECT_EQ(RunGenerator("--rows many", output, errors), 2);
    EXPECT_NE(ReadFile(errors).find("invalid value for --rows"), std::string::npos);
    EXPECT_EQ(RunGenerator("--order sideways", output, errors), 2);
    EXPECT_EQ(RunGenerator("--end 2024-02-30T00:00:00Z", output, errors), 2);
    EXPECT_EQ(RunGenerator("--span-hours 12", output, errors), 2);
    EXPECT_EQ(RunGenerator("--scenario seed-known-answer", output, errors), 2);
    EXPECT_EQ(RunGenerator("--rows 40 --beacons 5", output, errors), 2);
}

// One output row of the seed rule: the projected columns, FirstSeen as ticks.
struct SeedRow {
    int64_t timestamp;
    std::string device_name;
    std::string file_name;
    std::string command_line;
    int64_t connection_count;
    int64_t unique_remote_ips;
    int64_t bytes_sent;
    int64_t bytes_received;
    std::string reason;

    bool operator==(const SeedRow&) const = default;
};

std::ostream& operator<<(std::ostream& out, const SeedRow& row) {
    return out << row.timestamp << " | " << row.device_name << " | " << row.file_name << " | " << row.command_line
               << " | " << row.connection_count << " | " << row.unique_remote_ips << " | " << row.bytes_sent << " | "
               << row.bytes_received << " | " << row.reason;
}

std::string Lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
    return text;
}

// Evaluates detections 1 and 2 of the seed rule over `parsed` the plain way, to check the
// scenario's construction independently of the engine.
std::vector<SeedRow> EvaluateSeed(const ParsedCsv& parsed, int64_t now) {
    const Record& header = parsed.records[0];
    const auto column = [&](const std::string& name) {
        return static_cast<size_t>(std::find(header.begin(), header.end(), name) - header.begin());
    };
    const std::set<std::string> browsers = {"chrome.exe", "firefox.exe", "msedge.exe",  "iexplore.exe", "teams.exe",
                                            "slack.exe",  "zoom.exe",    "outlook.exe", "onedrive.exe", "svchost.exe"};
    const std::set<std::string> suspicious = {"svchost.exe",     "lsass.exe",   "rundll32.exe", "regsvr32.exe",
                                              "mshta.exe",       "wscript.exe", "cscript.exe",  "msbuild.exe",
                                              "installutil.exe", "regasm.exe",  "regsvcs.exe"};
    struct Group {
        int64_t count = 0;
        std::set<std::string> remote_ips;
        int64_t sent = 0;
        int64_t received = 0;
        int64_t first = INT64_MAX;
    };
    std::map<std::tuple<std::string, std::string, std::string, std::string>, Group> fake_tls;
    std::map<std::tuple<std::string, std::string, std::string, std::string>, Group> http;
    for (size_t i = 1; i < parsed.records.size(); ++i) {
        const Record& record = parsed.records[i];
        const int64_t timestamp = *ParseTicks(record[column("Timestamp")]);
        if (timestamp <= now - 24 * kTicksPerHour || record[column("RemoteIPType")] != "Public") {
            continue;
        }
        const std::string& port_text = record[column("RemotePort")];
        const int64_t port = port_text.empty() ? -1 : std::stoll(port_text);
        const std::string name = Lower(record[column("InitiatingProcessFileName")]);
        const auto key =
            std::make_tuple(record[column("DeviceName")], record[column("InitiatingProcessFileName")],
                            record[column("InitiatingProcessCommandLine")], record[column("InitiatingProcessId")]);
        const auto add = [&](Group& group) {
            ++group.count;
            group.remote_ips.insert(record[column("RemoteIP")]);
            const std::string& sent = record[column("SentBytes")];
            const std::string& received = record[column("ReceivedBytes")];
            group.sent += sent.empty() ? 0 : std::stoll(sent);
            group.received += received.empty() ? 0 : std::stoll(received);
            group.first = std::min(group.first, timestamp);
        };
        const bool fake_tls_port = port == 443 || port == 8443 || port == 4443 || port == 8080 || port == 8888;
        if (fake_tls_port && !browsers.count(name)) {
            add(fake_tls[key]);
        }
        const bool http_port = port == 80 || port == 443 || port == 8080 || port == 8443;
        if (http_port && suspicious.count(name)) {
            add(http[key]);
        }
    }
    std::vector<SeedRow> rows;
    const auto emit = [&](const auto& groups, const std::string& reason, bool fake_tls_rule) {
        for (const auto& [key, group] : groups) {
            const bool passes = fake_tls_rule ? (group.count >= 3 || group.sent > 50000) : group.count >= 2;
            if (passes) {
                rows.push_back({group.first, std::get<0>(key), std::get<1>(key), std::get<2>(key), group.count,
                                static_cast<int64_t>(group.remote_ips.size()), group.sent, group.received, reason});
            }
        }
    };
    emit(fake_tls, "TLS-port-non-browser-process", true);
    emit(http, "HTTP-from-suspicious-process", false);
    std::sort(rows.begin(), rows.end(), [](const SeedRow& a, const SeedRow& b) { return a.timestamp > b.timestamp; });
    return rows;
}

TEST_F(GeneratorTest, KnownAnswerScenarioRows) {
    const std::string now_text = "2024-03-10T12:00:00Z";
    const ParsedCsv parsed = Generate("--scenario seed-known-answer --now " + now_text);
    ASSERT_GT(parsed.records.size(), 1u);
    for (const Record& record : parsed.records) {
        ASSERT_EQ(record.size(), 48u);
    }
    const int64_t now = *ParseTicks(now_text);
    // The rows documented in bench/README.md.
    const std::vector<SeedRow> expected = {
        {*ParseTicks("2024-03-10T07:00:00.9Z"), "srv-build-02.corp.contoso.com", "bkagent.exe",
         R"("C:\Program Files\Contoso\Backup\bkagent.exe" --target "s3,eu-west-1")", 1, 1, 75000, 1500,
         "TLS-port-non-browser-process"},
        {*ParseTicks("2024-03-10T04:00:00.0625Z"), "srv-build-02.corp.contoso.com", "MsMpEng.exe", R"("MsMpEng.exe")",
         3, 2, 6000, 60000, "TLS-port-non-browser-process"},
        {*ParseTicks("2024-03-09T18:00:00.25Z"), "wks-fin-007.corp.contoso.com", "rundll32.exe",
         R"(rundll32.exe "C:\ProgramData\Intel\gfxsvc.dll",DllRegisterServer)", 2, 1, 750, 12000,
         "HTTP-from-suspicious-process"},
        {*ParseTicks("2024-03-09T13:00:00.1234567Z"), "wks-fin-007.corp.contoso.com", "updater.exe",
         R"("C:\Users\avance\AppData\Local\Temp\updater.exe" --silent --channel "stable,beta")", 3, 2, 10200, 2700,
         "TLS-port-non-browser-process"},
    };
    const std::vector<SeedRow> actual = EvaluateSeed(parsed, now);
    ASSERT_EQ(actual.size(), expected.size());
    for (size_t i = 0; i < expected.size(); ++i) {
        EXPECT_EQ(actual[i], expected[i]) << "row " << i;
    }
}

TEST_F(GeneratorTest, KnownAnswerScenarioPlantedCounts) {
    const ParsedCsv parsed = Generate("--scenario seed-known-answer --now 2024-03-10T12:00:00Z");
    ASSERT_GT(parsed.records.size(), 1u);
    const Record& header = parsed.records[0];
    const int64_t window_start = *ParseTicks("2024-03-09T12:00:00Z");
    std::map<std::string, size_t> all_rows;
    std::map<std::string, size_t> recent_public_rows;
    for (size_t i = 1; i < parsed.records.size(); ++i) {
        const Record& record = parsed.records[i];
        const std::string key =
            record[Column(header, "InitiatingProcessFileName")] + "/" + record[Column(header, "InitiatingProcessId")];
        ++all_rows[key];
        if (*ParseTicks(record[0]) > window_start && record[Column(header, "RemoteIPType")] == "Public") {
            ++recent_public_rows[key];
        }
    }
    // updater.exe: 3 counted, plus 3 old, 1 private, 1 IPv4-mapped and 1 listening row.
    EXPECT_EQ(all_rows["updater.exe/6144"], 9u);
    EXPECT_EQ(recent_public_rows["updater.exe/6144"], 3u);
    EXPECT_EQ(recent_public_rows["updater.exe/7032"], 1u);
    EXPECT_EQ(all_rows["rundll32.exe/4312"], 4u);
    EXPECT_EQ(recent_public_rows["rundll32.exe/4312"], 2u);
    EXPECT_EQ(recent_public_rows["syncagent.exe/2020"], 2u);
    EXPECT_EQ(recent_public_rows["chrome.exe/15428"], 8u);
    EXPECT_EQ(recent_public_rows["msedge.exe/8812"], 6u);
    EXPECT_EQ(recent_public_rows["OneDrive.exe/9100"], 4u);
    EXPECT_EQ(recent_public_rows["telemetry.exe/2900"], 6u);
    EXPECT_EQ(recent_public_rows["/0"], 0u);
    EXPECT_EQ(all_rows["/0"], 3u);
}

TEST_F(GeneratorTest, CommittedSampleIsReproducible) {
    // The command recorded in tests/data/sample/README.md.
    Generate("--rows 1200 --devices 12 --seed 20240310 --beacons 2 --byte-columns --end 2024-03-10T12:00:00Z",
             "sample.csv");
    const fs::path committed = fs::path(UNMASK_SOURCE_DIR) / "tests" / "data" / "sample" / "defender-sample.csv";
    ASSERT_TRUE(fs::exists(committed)) << committed;
    const std::string expected = ReadFile(committed);
    EXPECT_LT(expected.size(), 1'000'000u);
    EXPECT_TRUE(ReadFile(directory_ / "sample.csv") == expected)
        << "the generator output changed; regenerate " << committed << " with the command in its README.md";
}

} // namespace
