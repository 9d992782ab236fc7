// End-to-end tests of the `unmask` binary: exit statuses, error messages, the run summary and
// golden outputs of each result format under tests/golden/.
//
// Set UNMASK_UPDATE_BASELINES=1 to rewrite the golden files from the current output.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace {

namespace fs = std::filesystem;

const fs::path kSourceDir(UNMASK_SOURCE_DIR);
const fs::path kBinary = fs::path(UNMASK_BINARY_DIR) / "unmask";

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

// Runs the binary with `arguments` (a shell word list) from the repository root.
ProcessResult RunUnmask(const std::string& arguments) {
    const fs::path err_path = fs::temp_directory_path() / ("unmask-cli-test-" + std::to_string(getpid()) + ".err");
    const std::string command =
        "cd " + kSourceDir.string() + " && TZ=UTC " + kBinary.string() + " " + arguments + " 2>" + err_path.string();
    ProcessResult run;
    FILE* pipe = popen(command.c_str(), "r");
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
    fs::remove(err_path);
    return run;
}

void ExpectGolden(const std::string& name, const std::string& actual) {
    const fs::path path = kSourceDir / "tests" / "golden" / name;
    if (std::getenv("UNMASK_UPDATE_BASELINES") != nullptr) {
        std::ofstream(path, std::ios::binary) << actual;
        return;
    }
    ASSERT_TRUE(fs::exists(path)) << path << " is missing; run with UNMASK_UPDATE_BASELINES=1 to create it";
    EXPECT_EQ(actual, ReadText(path)) << "output differs from " << path
                                      << "; if the change is intended, rerun with UNMASK_UPDATE_BASELINES=1";
}

const std::string kSample = "tests/data/sample/defender-sample.csv";
const std::string kSeed = "examples/seed-t1001.003.kql";

TEST(Cli, SeedOnSampleCsvGolden) {
    const ProcessResult run = RunUnmask("query --file " + kSeed + " --now latest --format csv " + kSample);
    ASSERT_EQ(run.status, 0) << run.err;
    ExpectGolden("seed-sample.csv", run.out);
    EXPECT_NE(run.err.find("--- run summary ---"), std::string::npos) << run.err;
    EXPECT_NE(run.err.find("rows read"), std::string::npos) << run.err;
    EXPECT_NE(run.err.find("latest Timestamp in the inputs"), std::string::npos) << run.err;
}

TEST(Cli, SeedOnSampleJsonLinesGolden) {
    const ProcessResult run = RunUnmask("query --file " + kSeed + " --now latest --format jsonl " + kSample);
    ASSERT_EQ(run.status, 0) << run.err;
    ExpectGolden("seed-sample.jsonl", run.out);
}

TEST(Cli, SeedOnSampleTableGolden) {
    const ProcessResult run = RunUnmask("query --file " + kSeed + " --now latest --format table " + kSample);
    ASSERT_EQ(run.status, 0) << run.err;
    ExpectGolden("seed-sample.table", run.out);
}

TEST(Cli, InlineQueryAndOutputFile) {
    const fs::path output = fs::temp_directory_path() / ("unmask-cli-out-" + std::to_string(getpid()) + ".jsonl");
    const ProcessResult run = RunUnmask("query 'DeviceNetworkEvents | summarize n = count() by ActionType | sort by ActionType "
                              "asc | take 3' -o " +
                              output.string() + " " + kSample);
    ASSERT_EQ(run.status, 0) << run.err;
    EXPECT_TRUE(run.out.empty());
    const std::string text = ReadText(output);
    fs::remove(output);
    EXPECT_EQ(text.rfind("{\"ActionType\":", 0), 0u) << text;
    EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 3) << text;
}

TEST(Cli, QueryErrorPointsAtTheName) {
    const ProcessResult run = RunUnmask("query 'DeviceNetworkEvents\n| where RemotePrt == 443' " + kSample);
    EXPECT_EQ(run.status, 2);
    EXPECT_NE(run.err.find("2:9:"), std::string::npos) << run.err;
    EXPECT_NE(run.err.find("'RemotePrt'"), std::string::npos) << run.err;
    EXPECT_NE(run.err.find("did you mean 'RemotePort'"), std::string::npos) << run.err;
    EXPECT_NE(run.err.find("        ^^^^^^^^^"), std::string::npos) << run.err;
}

TEST(Cli, MissingInputFileIsAnError) {
    const ProcessResult run = RunUnmask("query 'DeviceNetworkEvents | count' tests/data/no-such-file.csv");
    EXPECT_EQ(run.status, 2);
    EXPECT_NE(run.err.find("no-such-file.csv"), std::string::npos) << run.err;
}

TEST(Cli, UsageErrorsExitWithTwo) {
    EXPECT_EQ(RunUnmask("query --no-such-option x").status, 2);
    EXPECT_EQ(RunUnmask("").status, 2);
    EXPECT_EQ(RunUnmask("query --format xml 'print 1'").status, 2);
    EXPECT_EQ(RunUnmask("--help").status, 0);
}

TEST(Cli, InvalidNowIsAnError) {
    const ProcessResult run = RunUnmask("query --now yesterday 'print 1'");
    EXPECT_EQ(run.status, 2);
    EXPECT_NE(run.err.find("yesterday"), std::string::npos) << run.err;
}

TEST(Cli, StrictSchemaReproducesKustosBindError) {
    const ProcessResult run = RunUnmask("query --strict-schema --file " + kSeed + " --now latest " + kSample);
    EXPECT_EQ(run.status, 2);
    EXPECT_NE(run.err.find("'SentBytes' does not refer to any known column"), std::string::npos) << run.err;
}

TEST(Cli, MalformedRowsAreCountedAndShown) {
    const fs::path input = fs::temp_directory_path() / ("unmask-cli-bad-" + std::to_string(getpid()) + ".csv");
    std::ofstream(input, std::ios::binary) << "Timestamp,DeviceName,RemotePort\n"
                                              "2024-01-01T00:00:00Z,host-a,443\n"
                                              "2024-01-01T00:00:01Z,host-b\n"
                                              "not-a-time,host-c,443\n"
                                              "2024-01-01T00:00:02Z,host-d,443\n";
    const ProcessResult run = RunUnmask("query 'DeviceNetworkEvents | project DeviceName, RemotePort, Timestamp' --format csv " +
                              input.string());
    EXPECT_EQ(run.status, 0) << run.err;
    EXPECT_EQ(std::count(run.out.begin(), run.out.end(), '\n'), 3) << run.out;
    EXPECT_NE(run.err.find("2 rows rejected"), std::string::npos) << run.err;
    EXPECT_NE(run.err.find(input.string() + ":3"), std::string::npos) << run.err;
    EXPECT_NE(run.err.find(input.string() + ":4"), std::string::npos) << run.err;

    const ProcessResult strict = RunUnmask("query --strict 'DeviceNetworkEvents | count' " + input.string());
    EXPECT_EQ(strict.status, 2);
    EXPECT_NE(strict.err.find(input.string() + ":3"), std::string::npos) << strict.err;
    fs::remove(input);
}

}  // namespace
