// The shipped detection pack (rules/) end to end through `unmask hunt`:
// - every rule's inline examples as input files, expecting findings or none;
// - a generated export with planted beacons, which must all be found, and no browser reported;
// - the real Defender exports of the shared corpus, which must run to the end.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <ctime>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "detect/rule.h"

namespace {

namespace fs = std::filesystem;

const fs::path kSourceDir(UNMASK_SOURCE_DIR);
const fs::path kBinary = fs::path(UNMASK_BINARY_DIR) / "unmask";
const fs::path kGenerator = fs::path(UNMASK_BINARY_DIR) / "bench" / "unmask-generate";

struct ProcessResult {
    int status = -1;
    std::string out;
    std::string err;
};

std::string ReadText(const fs::path& path) {
    std::ifstream file(path, std::ios::binary);
    std::ostringstream text;
    text << file.rdbuf();
    return text.str();
}

fs::path TempDir() {
    const fs::path dir = fs::temp_directory_path() / ("unmask-pack-test-" + std::to_string(getpid()));
    fs::create_directories(dir);
    return dir;
}

ProcessResult RunCommand(const std::string& command) {
    const fs::path err_path = TempDir() / "stderr.txt";
    ProcessResult run;
    FILE* pipe = popen(("cd " + kSourceDir.string() + " && " + command + " 2>" + err_path.string()).c_str(), "r");
    if (pipe == nullptr) {
        return run;
    }
    std::array<char, 4096> buffer;
    size_t read = 0;
    while ((read = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) {
        run.out.append(buffer.data(), read);
    }
    const int raw = pclose(pipe);
    run.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    run.err = ReadText(err_path);
    return run;
}

std::vector<std::string> Lines(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream stream(text);
    for (std::string line; std::getline(stream, line);) {
        if (!line.empty()) {
            lines.push_back(line);
        }
    }
    return lines;
}

TEST(PackHunt, InlineExamplesThroughHunt) {
    auto rules = unmask::detect::LoadRules((kSourceDir / "rules").string());
    ASSERT_TRUE(rules.ok()) << rules.status().message();
    ASSERT_FALSE(rules->empty());
    int examples_run = 0;
    for (const unmask::detect::Rule& rule : rules.value()) {
        for (const unmask::detect::RuleExample& example : rule.examples) {
            const fs::path input = TempDir() / (rule.id + ".jsonl");
            {
                std::ofstream file(input, std::ios::binary);
                for (const std::string& row : example.rows_json) {
                    file << row << "\n";
                }
            }
            const std::string now = example.now.empty() ? "latest" : example.now;
            const ProcessResult run =
                RunCommand(kBinary.string() + " hunt -q --rules rules --rule " + rule.id + " --no-merge --now '" + now +
                           "' --format jsonl " + input.string());
            const std::string where = rule.id + " / " + example.name;
            ASSERT_EQ(run.status, 0) << where << "\n" << run.err;
            const size_t findings = Lines(run.out).size();
            if (example.expect_match) {
                EXPECT_GT(findings, 0u) << where << ": expected a finding";
            } else {
                EXPECT_EQ(findings, 0u) << where << ": expected no finding\n" << run.out;
            }
            if (example.expect_findings) {
                EXPECT_EQ(findings, static_cast<size_t>(*example.expect_findings)) << where;
            }
            ++examples_run;
        }
    }
    EXPECT_GT(examples_run, 20);
}

TEST(PackHunt, FindsPlantedBeaconsAndNoBrowsers) {
    const fs::path input = TempDir() / "planted.csv";
    const fs::path stats = TempDir() / "planted.stats";
    const std::string generate = kGenerator.string() +
                                 " --rows 60000 --devices 25 --beacons 5 --seed 31 --byte-columns"
                                 " --end 2024-03-10T12:00:00Z --stats -o " +
                                 input.string() + " 2>" + stats.string();
    ASSERT_EQ(std::system(generate.c_str()), 0);
    const ProcessResult run =
        RunCommand(kBinary.string() + " hunt -q --rules rules --no-merge --format jsonl " + input.string());
    ASSERT_EQ(run.status, 0) << run.err;
    const std::vector<std::string> findings = Lines(run.out);

    // Planted beacons, as the generator lists them.
    const std::regex beacon_line(R"(beacon device=(\S+) process=(\S+) pid=\d+ remote=([0-9.]+):(\d+))");
    int planted = 0;
    for (const std::string& line : Lines(ReadText(stats))) {
        std::smatch match;
        if (!std::regex_search(line, match, beacon_line)) {
            continue;
        }
        ++planted;
        bool found = false;
        for (const std::string& finding : findings) {
            found = found || (finding.find("\"beaconing-interval\"") != std::string::npos &&
                              finding.find("\"device\":\"" + match[1].str() + "\"") != std::string::npos &&
                              finding.find("\"process\":\"" + match[2].str() + "\"") != std::string::npos &&
                              finding.find("\"" + match[3].str() + "\"") != std::string::npos);
        }
        EXPECT_TRUE(found) << "planted beacon not reported: " << line;
    }
    EXPECT_EQ(planted, 5);
    for (const std::string& finding : findings) {
        for (const char* browser : {"\"process\":\"chrome.exe\"", "\"process\":\"msedge.exe\"",
                                    "\"process\":\"firefox.exe\""}) {
            EXPECT_EQ(finding.find(browser), std::string::npos) << "a browser was reported: " << finding;
        }
    }
}

// A beacon that the generator cannot plant: Cobalt Strike-style 50 % jitter (each 300 s sleep
// shortened by up to half) with a quarter of the check-ins missed, added as a second input next
// to generated background traffic.
TEST(PackHunt, FindsHalfJitterBeaconWithMissedCheckIns) {
    const fs::path background = TempDir() / "background.csv";
    const std::string generate = kGenerator.string() +
                                 " --rows 20000 --devices 10 --seed 37 --byte-columns"
                                 " --end 2024-03-10T12:00:00Z -o " +
                                 background.string();
    ASSERT_EQ(std::system(generate.c_str()), 0);

    const fs::path beacon = TempDir() / "jittered-beacon.jsonl";
    {
        std::ofstream file(beacon, std::ios::binary);
        uint64_t state = 0x9e3779b97f4a7c15ULL;
        const auto unit = [&state] {
            state = state * 6364136223846793005ULL + 1442695040888963407ULL;
            return static_cast<double>(state >> 11) / 9007199254740992.0;
        };
        // 2024-03-09T13:00:00Z as Unix seconds; check-ins until 11:55 the next day.
        double t = 1709989200.0;
        int written = 0;
        for (int port = 50000; t < 1710071700.0; ++port) {
            if (unit() >= 0.25) {
                const auto seconds = static_cast<time_t>(t);
                std::tm utc{};
                gmtime_r(&seconds, &utc);
                char stamp[32];
                std::strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &utc);
                const int millis = static_cast<int>((t - static_cast<double>(seconds)) * 1000);
                char line[1024];
                std::snprintf(line, sizeof(line),
                              R"({"Timestamp":"%s.%03dZ","DeviceId":"jitterdevice0001","DeviceName":"wks-jitter-01.corp.contoso.com",)"
                              R"("ActionType":"ConnectionSuccess","RemoteIP":"185.225.17.94","RemotePort":443,)"
                              R"("RemoteUrl":"assets-sync-cdn.net","LocalIP":"10.44.1.20","LocalPort":%d,"Protocol":"Tcp",)"
                              R"("LocalIPType":"Private","RemoteIPType":"Public","InitiatingProcessFileName":"wmisvc32.exe",)"
                              R"("InitiatingProcessFolderPath":"c:\\users\\public\\libraries\\wmisvc32.exe",)"
                              R"("InitiatingProcessCommandLine":"wmisvc32.exe -k","InitiatingProcessId":9120,)"
                              R"("InitiatingProcessParentFileName":"explorer.exe"})",
                              stamp, millis, port);
                file << line << "\n";
                ++written;
            }
            t += 300 * (1 - 0.5 * unit());
        }
        ASSERT_GT(written, 200);
    }
    const ProcessResult run = RunCommand(kBinary.string() + " hunt -q --rules rules --no-merge --format jsonl " +
                                         background.string() + " " + beacon.string());
    ASSERT_EQ(run.status, 0) << run.err;
    bool found = false;
    for (const std::string& finding : Lines(run.out)) {
        found = found || (finding.find("\"beaconing-interval\"") != std::string::npos &&
                          finding.find("\"process\":\"wmisvc32.exe\"") != std::string::npos &&
                          finding.find("\"DowngradeReason\":\"\"") != std::string::npos);
    }
    EXPECT_TRUE(found) << "the 50 % jitter beacon was not reported, or was downgraded\n" << run.out.substr(0, 4000);
}

TEST(PackHunt, RunsOnCorpusExports) {
    const fs::path corpus = kSourceDir / ".." / "shared" / "corpus";
    const std::vector<fs::path> exports = {corpus / "plaso-defender" / "plaso_advanced_hunting_test.csv",
                                           corpus / "mde-defender-hunting" / "advanced_hunting_test.csv"};
    if (!fs::exists(exports[0]) || !fs::exists(exports[1])) {
        GTEST_SKIP() << "the shared corpus is not at " << corpus << "; these real exports are not checked";
    }
    for (const fs::path& path : exports) {
        const ProcessResult run = RunCommand(kBinary.string() + " hunt --rules rules --format jsonl " + path.string());
        EXPECT_EQ(run.status, 0) << path << "\n" << run.err;
        EXPECT_NE(run.err.find("rows read"), std::string::npos) << run.err;
        EXPECT_NE(run.err.find("rules:"), std::string::npos) << run.err;
        // These exports hold ordinary traffic of Microsoft's own agents and browsers.
        for (const std::string& finding : Lines(run.out)) {
            EXPECT_EQ(finding.find("\"process\":\"chrome.exe\""), std::string::npos) << finding;
        }
    }
}

}  // namespace
