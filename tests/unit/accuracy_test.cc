// Runs the accuracy benchmark (bench/accuracy/run_accuracy.py) and checks its verdicts. Every POS
// case must be found by each rule meant for it. No BEN case may get a finding of medium severity
// or above, except the known false alarms that bench/accuracy/cases.yaml lists with their reasons.
// The harness generates about a minute of Cobalt Strike-like, FakeTLS, SUNBURST-shaped and benign
// traffic in a network namespace and hunts the corpus captures and logs, so the test needs root,
// tcpdump, tshark, iproute2, curl, openssl, python3 with PyYAML and the shared corpus.
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <unistd.h>

#include "sensor_process_support.h"

namespace fs = std::filesystem;
using unmask::testing::HaveProgram;
using unmask::testing::ReadWholeFile;
using unmask::testing::RunShell;

namespace {

const fs::path kSourceDir = UNMASK_SOURCE_DIR;
const fs::path kBinaryDir = UNMASK_BINARY_DIR;
constexpr int kSkipStatus = 77;

struct Verdict {
    std::string case_id;
    std::string label;
    std::string check;
    std::string status;
    std::string detail;
};

struct HarnessRun {
    std::string skip_reason;
    int exit_status = -1;
    std::string output;
    std::vector<Verdict> verdicts;
};

std::vector<Verdict> ReadVerdicts(const fs::path& path) {
    std::vector<Verdict> verdicts;
    std::ifstream file(path);
    std::string line;
    while (std::getline(file, line)) {
        if (line.empty()) {
            continue;
        }
        std::vector<std::string> parts;
        std::stringstream stream(line);
        std::string part;
        while (std::getline(stream, part, '\t')) {
            parts.push_back(part);
        }
        parts.resize(5);
        verdicts.push_back({parts[0], parts[1], parts[2], parts[3], parts[4]});
    }
    return verdicts;
}

std::string RunHarness(HarnessRun& out) {
    const fs::path corpus = kSourceDir / ".." / "shared" / "corpus";
    if (!fs::is_directory(corpus)) {
        return "the shared corpus is not at " + corpus.string() + "; the accuracy benchmark needs it";
    }
    if (geteuid() != 0) {
        return "the accuracy benchmark needs root for its network namespace and tcpdump";
    }
    for (const char* program : {"python3", "tcpdump", "tshark", "ip", "curl", "openssl"}) {
        if (!HaveProgram(program)) {
            return std::string(program) + " is not installed (scripts/install-deps.sh installs it)";
        }
    }
    // Debian's python3-yaml serves /usr/bin/python3, which may differ from the python3 on PATH.
    const std::string python =
        RunShell("/usr/bin/python3 -c 'import yaml' >/dev/null 2>&1") == 0 ? "/usr/bin/python3" : "python3";
    if (RunShell(python + " -c 'import yaml' >/dev/null 2>&1") != 0) {
        return "python3 has no PyYAML module (apt-get install python3-yaml)";
    }

    const fs::path work_dir = kBinaryDir / "accuracy-test";
    const fs::path verdicts = kBinaryDir / "accuracy-test.verdicts.tsv";
    const fs::path output = kBinaryDir / "accuracy-test.out";
    fs::remove(verdicts);
    const std::string command = python + " " + (kSourceDir / "bench" / "accuracy" / "run_accuracy.py").string() +
                                " --unmask " + (kBinaryDir / "unmask").string() + " --rules " +
                                (kSourceDir / "rules").string() + " --corpus " + corpus.string() + " --work-dir " +
                                work_dir.string() + " --verdicts " + verdicts.string() + " >" + output.string() +
                                " 2>&1";
    // NOTE: about a minute, most of it the generated traffic; CMake labels every unit test "fast".
    out.exit_status = RunShell(command);
    out.output = ReadWholeFile(output);
    if (out.exit_status == kSkipStatus) {
        return "the accuracy benchmark skipped: " + out.output;
    }
    out.verdicts = ReadVerdicts(verdicts);
    return "";
}

// One test, because the harness owns a network namespace, fixed addresses and a work folder:
// separate test processes under `ctest -j` would run it at the same time and collide.
TEST(Accuracy, PackMeetsItsLabels) {
    HarnessRun run;
    run.skip_reason = RunHarness(run);
    if (!run.skip_reason.empty()) {
        GTEST_SKIP() << run.skip_reason;
    }
    ASSERT_TRUE(run.exit_status == 0 || run.exit_status == 1) << run.output;

    std::set<std::string> cases;
    int pos_checks = 0;
    int ben_checks = 0;
    bool any_failure = false;
    for (const Verdict& verdict : run.verdicts) {
        cases.insert(verdict.case_id);
        any_failure = any_failure || verdict.status != "ok";
        EXPECT_NE(verdict.check, "hunt") << verdict.case_id << ": " << verdict.detail;
        if (verdict.label == "POS") {
            ++pos_checks;
            EXPECT_EQ(verdict.status, "ok") << "POS not found: " << verdict.case_id << ": " << verdict.check << ": "
                                            << verdict.detail;
        } else if (verdict.label == "BEN") {
            ++ben_checks;
            EXPECT_EQ(verdict.status, "ok") << "BEN alarm at medium or above: " << verdict.case_id << ": "
                                            << verdict.check << ": " << verdict.detail;
        }
    }
    // 31 corpus cases and 14 generated scenarios in bench/accuracy/cases.yaml.
    EXPECT_EQ(cases.size(), 45u) << run.output;
    EXPECT_GT(pos_checks, 0) << run.output;
    EXPECT_GT(ben_checks, 0) << run.output;
    EXPECT_EQ(run.exit_status, any_failure ? 1 : 0) << run.output;
}

} // namespace
