// `unmask hunt`: result rows to findings, explanations, scores, merging, and end-to-end hunts
// over a generated export with the small rule folder tests/data/hunt/rules (not the real pack).
//
// Set UNMASK_UPDATE_BASELINES=1 to rewrite the golden files from the current output.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include <gtest/gtest.h>
#include <unistd.h>

#include "cli/hunt_command.h"
#include "detect/hunt.h"
#include "output/finding_writer.h"
#include "table/datetime.h"

namespace {

namespace fs = std::filesystem;
using unmask::Chunk;
using unmask::Column;
using unmask::Field;
using unmask::Table;
using unmask::Type;
using unmask::detect::Confidence;
using unmask::detect::Finding;
using unmask::detect::FindingReason;
using unmask::detect::HuntOptions;
using unmask::detect::HuntOutcome;
using unmask::detect::Rule;
using unmask::detect::RuleRun;
using unmask::detect::RuleStatus;
using unmask::detect::Severity;

const fs::path kSourceDir(UNMASK_SOURCE_DIR);
const fs::path kGenerator = fs::path(UNMASK_BINARY_DIR) / "bench" / "unmask-generate";
const fs::path kRulesDir = kSourceDir / "tests" / "data" / "hunt" / "rules";

std::string ReadText(const fs::path& path) {
    std::ifstream file(path, std::ios::binary);
    std::ostringstream text;
    text << file.rdbuf();
    return text.str();
}

fs::path TempDir() {
    const fs::path dir = fs::temp_directory_path() / ("unmask-hunt-test-" + std::to_string(getpid()));
    fs::create_directories(dir);
    return dir;
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

// ---------------------------------------------------------------------------------------------
// Hand-built result tables

Column StringColumn(const std::vector<std::string>& values) {
    Column column(Type::kString);
    unmask::StringArena& arena = column.NewArena();
    for (const std::string& value : values) {
        column.AppendString(arena.Add(value));
    }
    return column;
}

Column LongColumn(const std::vector<std::optional<int64_t>>& values) {
    Column column(Type::kLong);
    for (const auto& value : values) {
        value ? column.AppendInt(*value) : column.AppendNull();
    }
    return column;
}

Column RealColumn(const std::vector<std::optional<double>>& values) {
    Column column(Type::kReal);
    for (const auto& value : values) {
        value ? column.AppendReal(*value) : column.AppendNull();
    }
    return column;
}

Column DateTimeColumn(const std::vector<std::string>& values) {
    Column column(Type::kDateTime);
    for (const std::string& value : values) {
        column.AppendInt(*unmask::ParseDateTime(value));
    }
    return column;
}

Column DynamicColumn(const std::vector<std::string>& json) {
    Column column(Type::kDynamic);
    for (const std::string& value : json) {
        column.AppendDynamic(unmask::ParseJson(value).value());
    }
    return column;
}

/// Builds a table of one chunk from (name, column) pairs of equal length.
Table MakeTable(std::vector<std::pair<std::string, Column>> columns) {
    Table table;
    Chunk chunk;
    for (auto& [name, column] : columns) {
        table.schema.push_back(Field{name, column.type});
        chunk.rows = column.size();
        chunk.columns.push_back(std::move(column));
    }
    table.chunks.push_back(std::move(chunk));
    return table;
}

Rule BeaconRule() {
    Rule rule;
    rule.path = "rules/beacon.yaml";
    rule.id = "beacon";
    rule.title = "Beacon";
    rule.attack = {"T1001.003"};
    rule.severity = Severity::kHigh;
    rule.confidence = Confidence::kHigh;
    rule.entities.device = "DeviceName";
    rule.entities.process = "InitiatingProcessFileName";
    rule.entities.process_id = "InitiatingProcessId";
    rule.entities.remote_ip = "RemoteIPs";
    rule.entities.remote_port = "Ports";
    rule.entities.first_seen = "FirstSeen";
    rule.entities.last_seen = "LastSeen";
    rule.entities.count = "ConnectionCount";
    rule.entities.bytes_sent = "BytesSent";
    rule.explanation =
        "{InitiatingProcessFileName} called {RemoteIPs} every {MedianIntervalSeconds} s, sent {BytesSent}";
    return rule;
}

Table BeaconResult() {
    return MakeTable({
        {"DeviceName", StringColumn({"wks-1", "wks-2"})},
        {"InitiatingProcessFileName", StringColumn({"rundll32.exe", "agent.exe"})},
        {"InitiatingProcessId", LongColumn({4242, std::nullopt})},
        {"RemoteIPs", DynamicColumn({R"(["203.0.113.7","203.0.113.8"])", R"("198.51.100.1")"})},
        {"Ports", DynamicColumn({"[443,8443]", "[443]"})},
        {"FirstSeen", DateTimeColumn({"2024-03-10T09:00:00Z", "2024-03-10T08:00:00Z"})},
        {"LastSeen", DateTimeColumn({"2024-03-10T11:00:00Z", "2024-03-10T10:00:00Z"})},
        {"ConnectionCount", LongColumn({25, 7})},
        {"BytesSent", LongColumn({1000, std::nullopt})},
        {"MeanIntervalSeconds", RealColumn({300.25, std::nullopt})},
        {"StdevIntervalSeconds", RealColumn({12.5, std::nullopt})},
        {"MedianIntervalSeconds", RealColumn({299.987, std::nullopt})},
    });
}

FindingReason Reason(const std::string& rule_id, Severity severity, Confidence confidence) {
    FindingReason reason;
    reason.rule_id = rule_id;
    reason.rule_title = rule_id;
    reason.severity = severity;
    reason.confidence = confidence;
    reason.explanation = rule_id + " fired";
    return reason;
}

Finding MakeFinding(const std::string& device, const std::string& process, std::vector<std::string> ips,
                    FindingReason reason) {
    Finding finding;
    finding.device = device;
    finding.process = process;
    finding.remote_ips = std::move(ips);
    finding.reasons.push_back(std::move(reason));
    unmask::detect::FinalizeFinding(finding);
    return finding;
}

// ---------------------------------------------------------------------------------------------
// Rows to findings

TEST(HuntFindings, EntitiesFromResultRow) {
    const Rule rule = BeaconRule();
    const Table result = BeaconResult();
    ASSERT_TRUE(unmask::detect::CheckRuleOutput(rule, result.schema).ok());
    std::vector<Finding> findings = unmask::detect::FindingsFromResult(rule, result);
    ASSERT_EQ(findings.size(), 2u);
    const Finding& first = findings[0];
    EXPECT_EQ(first.device, "wks-1");
    EXPECT_EQ(first.process, "rundll32.exe");
    EXPECT_EQ(first.process_id, "4242");
    EXPECT_EQ(first.remote_ips, (std::vector<std::string>{"203.0.113.7", "203.0.113.8"}));
    EXPECT_EQ(first.remote_ports, (std::vector<int64_t>{443, 8443}));
    EXPECT_EQ(first.first_seen, unmask::ParseDateTime("2024-03-10T09:00:00Z"));
    EXPECT_EQ(first.last_seen, unmask::ParseDateTime("2024-03-10T11:00:00Z"));
    EXPECT_EQ(first.count, 25);
    EXPECT_EQ(first.bytes_sent, 1000);
    EXPECT_FALSE(first.bytes_received.has_value());
    EXPECT_EQ(first.severity, Severity::kHigh);
    EXPECT_EQ(first.attack, (std::vector<std::string>{"T1001.003"}));
    ASSERT_EQ(first.reasons.size(), 1u);
    EXPECT_EQ(first.reasons[0].rule_id, "beacon");
    EXPECT_EQ(first.id.size(), 16u);
    EXPECT_DOUBLE_EQ(first.score, 70.0);
}

TEST(HuntFindings, SingleValueCellsAndNulls) {
    std::vector<Finding> findings = unmask::detect::FindingsFromResult(BeaconRule(), BeaconResult());
    ASSERT_EQ(findings.size(), 2u);
    const Finding& second = findings[1];
    EXPECT_EQ(second.remote_ips, (std::vector<std::string>{"198.51.100.1"}));
    EXPECT_EQ(second.process_id, "");
    EXPECT_FALSE(second.bytes_sent.has_value());
    EXPECT_FALSE(second.beacon.has_value());
}

TEST(HuntFindings, BeaconStatistics) {
    std::vector<Finding> findings = unmask::detect::FindingsFromResult(BeaconRule(), BeaconResult());
    ASSERT_TRUE(findings[0].beacon.has_value());
    EXPECT_DOUBLE_EQ(findings[0].beacon->mean_interval_seconds, 300.25);
    EXPECT_DOUBLE_EQ(findings[0].beacon->stdev_interval_seconds, 12.5);
    EXPECT_DOUBLE_EQ(findings[0].beacon->median_interval_seconds, 299.987);
    EXPECT_EQ(findings[0].beacon->connections, 25);
}

TEST(HuntFindings, ExplanationFilledFromRow) {
    std::vector<Finding> findings = unmask::detect::FindingsFromResult(BeaconRule(), BeaconResult());
    EXPECT_EQ(findings[0].explanation, "rundll32.exe called 203.0.113.7, 203.0.113.8 every 299.99 s, sent 1000");
    EXPECT_EQ(findings[1].explanation, "agent.exe called 198.51.100.1 every n/a s, sent n/a");
}

TEST(HuntFindings, ExplanationFormatsCells) {
    const Table table = MakeTable({
        {"Small", RealColumn({0.012345})},
        {"Whole", RealColumn({12.0})},
        {"When", DateTimeColumn({"2024-03-10T09:00:00Z"})},
        {"Bag", DynamicColumn({R"({"a":1})"})},
    });
    EXPECT_EQ(
        unmask::detect::FillExplanation("{Small} {Whole} {When} {Bag} {Missing}", table.schema, table.chunks[0], 0),
        "0.0123 12 2024-03-10T09:00:00.0000000Z {\"a\":1} {Missing}");
}

// A Strength column scales each row's weight: high severity and high confidence weigh 0.7, so a
// strength of 0.5 scores 35 and a value outside 0 to 1 is clamped.
TEST(HuntFindings, StrengthColumnScalesTheScore) {
    Table result = MakeTable({
        {"DeviceName", StringColumn({"wks-1", "wks-2", "wks-3"})},
        {"InitiatingProcessFileName", StringColumn({"a.exe", "b.exe", "c.exe"})},
        {"Strength", RealColumn({0.5, 7.0, std::nullopt})},
    });
    std::vector<Finding> findings = unmask::detect::FindingsFromResult(BeaconRule(), result);
    ASSERT_EQ(findings.size(), 3u);
    EXPECT_DOUBLE_EQ(findings[0].score, 35.0);
    EXPECT_DOUBLE_EQ(findings[1].score, 70.0);
    EXPECT_DOUBLE_EQ(findings[2].score, 70.0) << "a null strength leaves the weight as it is";
}

// An empty value leaves one space between its neighbours, and none at the end.
TEST(HuntFindings, ExplanationSkipsEmptyValues) {
    const Table table = MakeTable({
        {"Device", StringColumn({"wks-1"})},
        {"LocalIP", StringColumn({""})},
        {"Names", StringColumn({""})},
        {"Reason", StringColumn({""})},
    });
    EXPECT_EQ(unmask::detect::FillExplanation("Host on {Device} {LocalIP} contacted {Names} 45.77.1.2. {Reason}",
                                              table.schema, table.chunks[0], 0),
              "Host on wks-1 contacted 45.77.1.2.");
}

TEST(HuntFindings, EvidenceIsTheRowAsJson) {
    std::vector<Finding> findings = unmask::detect::FindingsFromResult(BeaconRule(), BeaconResult());
    ASSERT_TRUE(findings[0].reasons[0].evidence);
    const std::string json = findings[0].reasons[0].evidence->ToJson();
    EXPECT_EQ(json.rfind("{\"DeviceName\":\"wks-1\",\"InitiatingProcessFileName\":\"rundll32.exe\"", 0), 0u) << json;
    EXPECT_NE(json.find("\"FirstSeen\":\"2024-03-10T09:00:00.0000000Z\""), std::string::npos) << json;
    EXPECT_NE(json.find("\"BytesSent\":1000"), std::string::npos) << json;
}

TEST(HuntFindings, CheckRuleOutputNamesMissingColumns) {
    Rule rule = BeaconRule();
    rule.entities.folder_path = "InitiatingProcessFolderPath";
    auto status = unmask::detect::CheckRuleOutput(rule, BeaconResult().schema);
    ASSERT_FALSE(status.ok());
    EXPECT_NE(status.message().find("rules/beacon.yaml: entities.folder_path names the column "
                                    "'InitiatingProcessFolderPath'"),
              std::string::npos)
        << status.message();
    rule = BeaconRule();
    rule.explanation = "{Nope} happened";
    status = unmask::detect::CheckRuleOutput(rule, BeaconResult().schema);
    ASSERT_FALSE(status.ok());
    EXPECT_NE(status.message().find("explanation uses {Nope}"), std::string::npos) << status.message();
}

// ---------------------------------------------------------------------------------------------
// Scores and merging

TEST(HuntScore, WeightsAndCombination) {
    using unmask::detect::CombinedScore;
    using unmask::detect::ReasonWeight;
    EXPECT_DOUBLE_EQ(ReasonWeight(Severity::kHigh, Confidence::kMedium), 0.7 * 0.75);
    EXPECT_DOUBLE_EQ(ReasonWeight(Severity::kCritical, Confidence::kHigh), 0.9);
    EXPECT_DOUBLE_EQ(ReasonWeight(Severity::kInformational, Confidence::kLow), 0.05);
    // One high/medium reason: 100 * 0.525.
    EXPECT_DOUBLE_EQ(CombinedScore({Reason("a", Severity::kHigh, Confidence::kMedium)}), 52.5);
    // Two independent rules: 100 * (1 - (1 - 0.525) * (1 - 0.7)) = 85.75, rounded to 85.8.
    EXPECT_DOUBLE_EQ(CombinedScore({Reason("a", Severity::kHigh, Confidence::kMedium),
                                    Reason("b", Severity::kHigh, Confidence::kHigh)}),
                     85.8);
    // Two rows of one rule count once, with the larger weight.
    EXPECT_DOUBLE_EQ(CombinedScore({Reason("a", Severity::kHigh, Confidence::kMedium),
                                    Reason("a", Severity::kHigh, Confidence::kHigh)}),
                     70.0);
    EXPECT_DOUBLE_EQ(CombinedScore({}), 0.0);
}

TEST(HuntMerge, SameProcessOverlappingAddressesMerge) {
    std::vector<Finding> findings = {
        MakeFinding("WKS-1", "Rundll32.exe", {"203.0.113.7"}, Reason("beacon", Severity::kHigh, Confidence::kHigh)),
        MakeFinding("wks-1", "rundll32.exe", {"203.0.113.7", "203.0.113.9"},
                    Reason("tls-port", Severity::kMedium, Confidence::kMedium)),
    };
    findings[0].first_seen = 200;
    findings[0].last_seen = 300;
    findings[1].first_seen = 100;
    findings[1].last_seen = 250;
    findings[1].bytes_sent = 5000;
    std::vector<Finding> merged = unmask::detect::MergeFindings(findings);
    ASSERT_EQ(merged.size(), 1u);
    const Finding& finding = merged[0];
    ASSERT_EQ(finding.reasons.size(), 2u);
    EXPECT_EQ(finding.reasons[0].rule_id, "beacon"); // strongest first
    EXPECT_EQ(finding.reasons[1].rule_id, "tls-port");
    EXPECT_EQ(finding.severity, Severity::kHigh);
    EXPECT_EQ(finding.confidence, Confidence::kHigh);
    EXPECT_EQ(finding.first_seen, 100);
    EXPECT_EQ(finding.last_seen, 300);
    EXPECT_EQ(finding.bytes_sent, 5000);
    EXPECT_EQ(finding.remote_ips, (std::vector<std::string>{"203.0.113.7", "203.0.113.9"}));
    // 100 * (1 - (1 - 0.7) * (1 - 0.375)) = 81.25, rounded to 81.3.
    EXPECT_DOUBLE_EQ(finding.score, 81.3);
    EXPECT_EQ(finding.explanation, "beacon: beacon fired. tls-port: tls-port fired.");
}

TEST(HuntMerge, DisjointAddressesStayApart) {
    std::vector<Finding> merged = unmask::detect::MergeFindings({
        MakeFinding("wks-1", "rundll32.exe", {"203.0.113.7"}, Reason("beacon", Severity::kHigh, Confidence::kHigh)),
        MakeFinding("wks-1", "rundll32.exe", {"198.51.100.1"}, Reason("beacon", Severity::kHigh, Confidence::kHigh)),
    });
    EXPECT_EQ(merged.size(), 2u);
}

TEST(HuntMerge, FindingWithoutAddressJoinsTheProcess) {
    std::vector<Finding> merged = unmask::detect::MergeFindings({
        MakeFinding("wks-1", "rundll32.exe", {"203.0.113.7"}, Reason("beacon", Severity::kHigh, Confidence::kHigh)),
        MakeFinding("wks-1", "rundll32.exe", {"198.51.100.1"}, Reason("beacon", Severity::kHigh, Confidence::kHigh)),
        MakeFinding("wks-1", "rundll32.exe", {}, Reason("lolbin", Severity::kMedium, Confidence::kMedium)),
    });
    ASSERT_EQ(merged.size(), 1u);
    EXPECT_EQ(merged[0].reasons.size(), 3u);
    // The beacon rule counts once: 100 * (1 - (1 - 0.7) * (1 - 0.375)).
    EXPECT_DOUBLE_EQ(merged[0].score, 81.3);
}

TEST(HuntMerge, EquivalentIpv6SpellingsMerge) {
    std::vector<Finding> merged = unmask::detect::MergeFindings({
        MakeFinding("wks-1", "a.exe", {"2001:DB8::1"}, Reason("x", Severity::kLow, Confidence::kLow)),
        MakeFinding("wks-1", "a.exe", {"2001:db8:0::1"}, Reason("y", Severity::kLow, Confidence::kLow)),
    });
    EXPECT_EQ(merged.size(), 1u);
}

TEST(HuntMerge, OtherDeviceOrProcessStaysApart) {
    std::vector<Finding> merged = unmask::detect::MergeFindings({
        MakeFinding("wks-1", "a.exe", {}, Reason("x", Severity::kLow, Confidence::kLow)),
        MakeFinding("wks-2", "a.exe", {}, Reason("x", Severity::kLow, Confidence::kLow)),
        MakeFinding("wks-1", "b.exe", {}, Reason("x", Severity::kLow, Confidence::kLow)),
    });
    EXPECT_EQ(merged.size(), 3u);
}

TEST(HuntMerge, ProcessIdsAreListed) {
    Finding first = MakeFinding("wks-1", "a.exe", {}, Reason("x", Severity::kLow, Confidence::kLow));
    first.process_id = "10";
    Finding second = MakeFinding("wks-1", "a.exe", {}, Reason("y", Severity::kLow, Confidence::kLow));
    second.process_id = "20";
    Finding third = MakeFinding("wks-1", "a.exe", {}, Reason("z", Severity::kLow, Confidence::kLow));
    third.process_id = "10";
    std::vector<Finding> merged = unmask::detect::MergeFindings({first, second, third});
    ASSERT_EQ(merged.size(), 1u);
    EXPECT_EQ(merged[0].process_id, "10, 20");
}

TEST(HuntMerge, IdIsStableAndNamesTheRules) {
    const Finding a = MakeFinding("wks-1", "a.exe", {"203.0.113.7"}, Reason("x", Severity::kLow, Confidence::kLow));
    const Finding b = MakeFinding("WKS-1", "A.EXE", {"203.0.113.7"}, Reason("x", Severity::kHigh, Confidence::kLow));
    const Finding c = MakeFinding("wks-1", "a.exe", {"203.0.113.7"}, Reason("y", Severity::kLow, Confidence::kLow));
    EXPECT_EQ(a.id, b.id);
    EXPECT_NE(a.id, c.id);
    EXPECT_EQ(a.id, unmask::detect::FindingId(a));
}

TEST(HuntMerge, SortBySeverityThenTime) {
    std::vector<Finding> findings = {
        MakeFinding("wks-1", "a.exe", {}, Reason("x", Severity::kLow, Confidence::kLow)),
        MakeFinding("wks-2", "b.exe", {}, Reason("x", Severity::kCritical, Confidence::kLow)),
        MakeFinding("wks-3", "c.exe", {}, Reason("x", Severity::kCritical, Confidence::kLow)),
        MakeFinding("wks-4", "d.exe", {}, Reason("x", Severity::kCritical, Confidence::kLow)),
    };
    findings[1].first_seen = 500;
    findings[2].first_seen = 100;
    unmask::detect::SortFindings(findings);
    EXPECT_EQ(findings[0].device, "wks-3");
    EXPECT_EQ(findings[1].device, "wks-2");
    EXPECT_EQ(findings[2].device, "wks-4"); // unknown time after known times
    EXPECT_EQ(findings[3].device, "wks-1");
}

// ---------------------------------------------------------------------------------------------
// End to end over a generated export

class HuntEndToEnd : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        input_ = new fs::path(TempDir() / "hunt-export.csv");
        const std::string command = kGenerator.string() + " --rows 5000 --beacons 2 --byte-columns --seed 5 -o " +
                                    input_->string() + " >/dev/null";
        generated_ = std::system(command.c_str()) == 0;
    }
    static void TearDownTestSuite() {
        fs::remove_all(TempDir());
        delete input_;
        input_ = nullptr;
    }
    void SetUp() override { ASSERT_TRUE(generated_) << "cannot run " << kGenerator; }

    static HuntOptions Options() {
        HuntOptions options;
        options.inputs = {input_->string()};
        options.rules_dir = kRulesDir.string();
        options.read_options.threads = 2;
        return options;
    }

    static fs::path WriteConfig(const std::string& text) {
        const fs::path path = TempDir() / "unmask.yaml";
        std::ofstream(path, std::ios::binary) << text;
        return path;
    }

    static const RuleRun* FindRun(const HuntOutcome& outcome, const std::string& id) {
        for (const RuleRun& run : outcome.rules) {
            if (run.id == id) {
                return &run;
            }
        }
        return nullptr;
    }

    static const Finding* FindProcess(const HuntOutcome& outcome, const std::string& process) {
        for (const Finding& finding : outcome.findings) {
            if (finding.process == process) {
                return &finding;
            }
        }
        return nullptr;
    }

    static fs::path* input_;
    static bool generated_;
};

fs::path* HuntEndToEnd::input_ = nullptr;
bool HuntEndToEnd::generated_ = false;

// The site configuration of the allowlist tests: the msupdate.exe beacon is allowlisted by
// process and folder, an expired entry would hide rundll32.exe, and MinConnections is raised.
const char* kSiteConfig = R"(allowlist:
  - process: MSUPDATE.exe
    folder_path: 'C:\Users\aholloway\AppData\Roaming\Microsoft\Network'
    reason: test entry for the msupdate.exe beacon
  - process: rundll32.exe
    expires: 2024-03-01
    reason: expired test entry
  - cidr: 198.51.100.0/24
    reason: test entry that matches nothing
rules:
  tls-port-process:
    parameters:
      MinConnections: 10
)";

TEST_F(HuntEndToEnd, RuleStatusesAndReasons) {
    auto outcome = unmask::detect::RunHunt(Options());
    ASSERT_TRUE(outcome.ok()) << outcome.status().message();
    EXPECT_EQ(outcome->rules_loaded, 5u);
    ASSERT_EQ(outcome->rules.size(), 5u);
    EXPECT_EQ(FindRun(*outcome, "regular-beacon")->status, RuleStatus::kRan);
    EXPECT_EQ(FindRun(*outcome, "tls-port-process")->status, RuleStatus::kRan);
    const RuleRun* signature = FindRun(*outcome, "network-signature");
    EXPECT_EQ(signature->status, RuleStatus::kNotApplicable);
    EXPECT_NE(signature->reason.find("needs rows with ActionType NetworkSignatureInspected"), std::string::npos)
        << signature->reason;
    EXPECT_NE(signature->reason.find("ConnectionSuccess"), std::string::npos) << signature->reason;
    const RuleRun* sentinel = FindRun(*outcome, "sentinel-columns");
    EXPECT_EQ(sentinel->status, RuleStatus::kNotApplicable);
    EXPECT_EQ(sentinel->reason, "needs the column(s) TimeGenerated, which no input has");
    const RuleRun* disabled = FindRun(*outcome, "switched-off");
    EXPECT_EQ(disabled->status, RuleStatus::kDisabled);
    EXPECT_EQ(disabled->reason, "disabled in its rule file (enabled: false)");
    EXPECT_EQ(outcome->stats.rows_read, 5000u);
    EXPECT_EQ(outcome->now_source, "latest Timestamp in the inputs");
    EXPECT_EQ(outcome->now_ticks, *outcome->stats.max_timestamp);
    EXPECT_GT(outcome->action_types.at("ConnectionSuccess"), 0);
    const RuleRun* beacon = FindRun(*outcome, "regular-beacon");
    ASSERT_TRUE(beacon->lookback_ticks);
    EXPECT_EQ(*beacon->lookback_ticks, 24 * unmask::kTicksPerHour);
}

TEST_F(HuntEndToEnd, PlantedBeaconsAreMergedAcrossRules) {
    auto outcome = unmask::detect::RunHunt(Options());
    ASSERT_TRUE(outcome.ok()) << outcome.status().message();
    for (const char* process : {"rundll32.exe", "msupdate.exe"}) {
        const Finding* finding = FindProcess(*outcome, process);
        ASSERT_NE(finding, nullptr) << process;
        ASSERT_EQ(finding->reasons.size(), 2u) << process;
        EXPECT_EQ(finding->reasons[0].rule_id, "regular-beacon");
        EXPECT_EQ(finding->reasons[1].rule_id, "tls-port-process");
        EXPECT_EQ(finding->severity, Severity::kHigh);
        EXPECT_DOUBLE_EQ(finding->score, 85.8); // 1 - (1 - 0.7) * (1 - 0.525)
        ASSERT_TRUE(finding->beacon) << process;
        ASSERT_EQ(finding->remote_ips.size(), 1u);
        EXPECT_EQ(finding->remote_ports, (std::vector<int64_t>{443}));
        EXPECT_TRUE(finding->bytes_sent.has_value());
    }
    // Periods planted by the generator (seed 5): 172 s with up to 20 % jitter, 900 s with up to 10 %.
    const Finding* rundll32 = FindProcess(*outcome, "rundll32.exe");
    EXPECT_EQ(rundll32->remote_ips[0], "91.133.204.190");
    EXPECT_GT(rundll32->beacon->median_interval_seconds, 172 * 0.8);
    EXPECT_LE(rundll32->beacon->median_interval_seconds, 172);
    const Finding* msupdate = FindProcess(*outcome, "msupdate.exe");
    EXPECT_EQ(msupdate->remote_ips[0], "193.71.203.159");
    EXPECT_GT(msupdate->beacon->median_interval_seconds, 900 * 0.9);
    EXPECT_LE(msupdate->beacon->median_interval_seconds, 900);
    EXPECT_EQ(outcome->findings_before_merge, outcome->findings.size() + 2);
}

TEST_F(HuntEndToEnd, NoMergeKeepsOneFindingPerRow) {
    HuntOptions options = Options();
    options.merge = false;
    auto outcome = unmask::detect::RunHunt(options);
    ASSERT_TRUE(outcome.ok()) << outcome.status().message();
    EXPECT_EQ(outcome->findings.size(), outcome->findings_before_merge);
    for (const Finding& finding : outcome->findings) {
        EXPECT_EQ(finding.reasons.size(), 1u);
    }
}

TEST_F(HuntEndToEnd, AllowlistSuppressesAndReportsExpiry) {
    HuntOptions options = Options();
    options.config_path = WriteConfig(kSiteConfig).string();
    auto outcome = unmask::detect::RunHunt(options);
    ASSERT_TRUE(outcome.ok()) << outcome.status().message();
    EXPECT_EQ(FindProcess(*outcome, "msupdate.exe"), nullptr);
    EXPECT_NE(FindProcess(*outcome, "rundll32.exe"), nullptr);
    ASSERT_EQ(outcome->suppressions.size(), 2u);
    EXPECT_EQ(outcome->suppressions[0].entry.reason, "test entry for the msupdate.exe beacon");
    EXPECT_EQ(outcome->suppressions[0].suppressed, 2); // one per rule, before merging
    EXPECT_EQ(outcome->suppressions[1].suppressed, 0);
    ASSERT_EQ(outcome->expired.size(), 1u);
    EXPECT_EQ(outcome->expired[0].reason, "expired test entry");
    const RuleRun* tls = FindRun(*outcome, "tls-port-process");
    EXPECT_EQ(tls->overrides.at("MinConnections"), "10");
    // MinConnections 10 leaves only the two beacons; the msupdate.exe one is suppressed.
    EXPECT_EQ(tls->findings, 1u);
}

TEST_F(HuntEndToEnd, RuleSelectionRunsDisabledRules) {
    HuntOptions options = Options();
    options.rule_ids = {"switched-off"};
    auto outcome = unmask::detect::RunHunt(options);
    ASSERT_TRUE(outcome.ok()) << outcome.status().message();
    ASSERT_EQ(outcome->rules.size(), 1u);
    EXPECT_EQ(outcome->rules[0].status, RuleStatus::kRan);
    EXPECT_GT(outcome->findings.size(), 10u);
    EXPECT_EQ(outcome->findings[0].severity, Severity::kInformational);
}

TEST_F(HuntEndToEnd, SiteConfigEnablesRule) {
    HuntOptions options = Options();
    options.config_path = WriteConfig("rules:\n  switched-off:\n    enabled: true\n").string();
    auto outcome = unmask::detect::RunHunt(options);
    ASSERT_TRUE(outcome.ok()) << outcome.status().message();
    EXPECT_EQ(FindRun(*outcome, "switched-off")->status, RuleStatus::kRan);
    options.config_path = WriteConfig("rules:\n  regular-beacon:\n    enabled: false\n").string();
    outcome = unmask::detect::RunHunt(options);
    ASSERT_TRUE(outcome.ok()) << outcome.status().message();
    EXPECT_EQ(FindRun(*outcome, "regular-beacon")->status, RuleStatus::kDisabled);
    EXPECT_EQ(FindRun(*outcome, "regular-beacon")->reason, "disabled in " + options.config_path);
}

TEST_F(HuntEndToEnd, UnknownReferencesAreErrors) {
    HuntOptions options = Options();
    options.rule_ids = {"no-such-rule"};
    auto outcome = unmask::detect::RunHunt(options);
    ASSERT_FALSE(outcome.ok());
    EXPECT_NE(outcome.status().message().find("--rule 'no-such-rule' is not a rule id; the rules are"),
              std::string::npos)
        << outcome.status().message();

    options = Options();
    options.config_path = WriteConfig("rules:\n  regular-becon:\n    enabled: false\n").string();
    outcome = unmask::detect::RunHunt(options);
    ASSERT_FALSE(outcome.ok());
    EXPECT_NE(outcome.status().message().find("rules.regular-becon: no rule has this id"), std::string::npos)
        << outcome.status().message();

    options.config_path = WriteConfig("rules:\n  regular-beacon:\n    parameters:\n      MinConnection: 3\n").string();
    outcome = unmask::detect::RunHunt(options);
    ASSERT_FALSE(outcome.ok());
    EXPECT_NE(outcome.status().message().find("rules.regular-beacon.parameters.MinConnection: rule regular-beacon "
                                              "has no such parameter; its parameters are Lookback, MinConnections"),
              std::string::npos)
        << outcome.status().message();

    options.config_path =
        WriteConfig("rules:\n  regular-beacon:\n    parameters:\n      MinConnections: 2h\n").string();
    outcome = unmask::detect::RunHunt(options);
    ASSERT_FALSE(outcome.ok());
    EXPECT_NE(outcome.status().message().find("parameter 'MinConnections'"), std::string::npos)
        << outcome.status().message();

    options.config_path = WriteConfig("allowlist:\n  - process: a.exe\n    rules: [nope]\n    reason: x\n").string();
    outcome = unmask::detect::RunHunt(options);
    ASSERT_FALSE(outcome.ok());
    EXPECT_NE(outcome.status().message().find("allowlist rules: 'nope' is not a rule id"), std::string::npos)
        << outcome.status().message();
}

TEST_F(HuntEndToEnd, NowFarAfterTheInputsIsNoted) {
    HuntOptions options = Options();
    options.now = "2024-04-01T00:00:00Z";
    auto outcome = unmask::detect::RunHunt(options);
    ASSERT_TRUE(outcome.ok()) << outcome.status().message();
    EXPECT_TRUE(outcome->findings.empty());
    EXPECT_EQ(outcome->now_source, "--now");
    ASSERT_EQ(outcome->notes.size(), 1u);
    EXPECT_NE(outcome->notes[0].find("more than a day after the newest input row"), std::string::npos);
}

// One row dated years after the rest sets now() under --now latest, and every window then misses
// the data. The summary notes it.
TEST(HuntLookback, StrayLateRowIsNoted) {
    const fs::path dir = TempDir() / "stray-late-row";
    fs::create_directories(dir);
    const fs::path input = dir / "export.csv";
    {
        std::ofstream out(input, std::ios::binary);
        out << "Timestamp,DeviceName,ActionType,RemoteIP,RemoteIPType,RemotePort,InitiatingProcessFileName\n";
        for (int minute = 0; minute < 150; ++minute) {
            const int hour = 10 + minute / 60;
            const std::string two_digits = (minute % 60 < 10 ? "0" : "") + std::to_string(minute % 60);
            out << "2024-03-01T" << hour << ":" << two_digits
                << ":00Z,wks-1,ConnectionSuccess,45.65.176.21,Public,443,a.exe\n";
        }
        out << "2030-01-01T00:00:00Z,wks-1,ConnectionSuccess,45.65.176.21,Public,443,a.exe\n";
    }
    HuntOptions options;
    options.inputs = {input.string()};
    options.rules_dir = kRulesDir.string();
    options.rule_ids = {"tls-port-process"};
    const auto outcome = unmask::detect::RunHunt(options);
    ASSERT_TRUE(outcome.ok()) << outcome.status().message();
    ASSERT_FALSE(outcome->notes.empty());
    EXPECT_NE(outcome->notes[0].find("only 1 of 151 rows fall in the day before it"), std::string::npos)
        << outcome->notes[0];
}

// Rows older than a rule's 24 h window are not judged, and the summary notes it. --lookback widens
// every rule's window.
TEST(HuntLookback, OlderRowsNotedAndWidened) {
    const fs::path dir = TempDir() / "lookback";
    fs::create_directories(dir);
    const fs::path input = dir / "export.csv";
    {
        std::ofstream out(input, std::ios::binary);
        out << "Timestamp,DeviceName,ActionType,RemoteIP,RemoteIPType,RemotePort,InitiatingProcessFileName,"
               "InitiatingProcessFolderPath,InitiatingProcessCommandLine,InitiatingProcessId\n";
        for (const char* time : {"2024-03-01T09:00:00Z", "2024-03-01T10:00:00Z", "2024-03-01T11:00:00Z"}) {
            out << time << ",wks-1,ConnectionSuccess,45.65.176.21,Public,443,rundll32.exe,c:\\windows\\system32,"
                << "rundll32.exe x,4242\n";
        }
        out << "2024-03-04T09:00:00Z,wks-1,ConnectionSuccess,45.65.176.21,Public,443,rundll32.exe,"
               "c:\\windows\\system32,rundll32.exe x,4242\n";
    }
    HuntOptions options;
    options.inputs = {input.string()};
    options.rules_dir = kRulesDir.string();
    options.rule_ids = {"tls-port-process"};
    auto outcome = unmask::detect::RunHunt(options);
    ASSERT_TRUE(outcome.ok()) << outcome.status().message();
    EXPECT_TRUE(outcome->findings.empty());
    ASSERT_EQ(outcome->notes.size(), 1u);
    EXPECT_NE(outcome->notes[0].find("over a shorter window (1d: tls-port-process)"), std::string::npos) << outcome->notes[0];
    EXPECT_NE(outcome->notes[0].find("--lookback"), std::string::npos);

    options.lookback = "7d";
    outcome = unmask::detect::RunHunt(options);
    ASSERT_TRUE(outcome.ok()) << outcome.status().message();
    ASSERT_EQ(outcome->findings.size(), 1u);
    EXPECT_EQ(outcome->findings[0].count, 4);
    EXPECT_TRUE(outcome->notes.empty());
    ASSERT_EQ(outcome->rules.size(), 1u);
    EXPECT_EQ(outcome->rules[0].lookback_from_option, "Lookback");
    EXPECT_EQ(outcome->rules[0].lookback_ticks, 7 * unmask::kTicksPerDay);
    fs::remove_all(dir);
}

TEST_F(HuntEndToEnd, ResultDoesNotDependOnThreads) {
    HuntOptions options = Options();
    options.read_options.threads = 1;
    auto single_thread = unmask::detect::RunHunt(options);
    options.read_options.threads = 4;
    options.read_options.block_bytes = 64 * 1024;
    auto four_threads = unmask::detect::RunHunt(options);
    ASSERT_TRUE(single_thread.ok()) << single_thread.status().message();
    ASSERT_TRUE(four_threads.ok()) << four_threads.status().message();
    std::ostringstream single_text;
    std::ostringstream four_text;
    unmask::output::WriteFindingJsonLines(single_text, single_thread->findings);
    unmask::output::WriteFindingJsonLines(four_text, four_threads->findings);
    EXPECT_EQ(single_text.str(), four_text.str());
}

// A copy of the test rules plus one rule that names a column no input has and one whose
// entities name a column its query does not return.
fs::path RulesWithBrokenOnes() {
    const fs::path dir = TempDir() / "broken-rules";
    fs::create_directories(dir);
    fs::copy_file(kRulesDir / "regular-beacon.yaml", dir / "regular-beacon.yaml", fs::copy_options::overwrite_existing);
    std::string text = ReadText(kRulesDir / "switched-off.yaml");
    text.replace(text.find("id: switched-off"), 16, "id: misspelt-column");
    text.replace(text.find("enabled: false"), 14, "enabled: true");
    text.replace(text.find("where ActionType =="), 19, "where ActionTyp ==");
    std::ofstream(dir / "misspelt-column.yaml", std::ios::binary) << text;
    text = ReadText(kRulesDir / "switched-off.yaml");
    text.replace(text.find("id: switched-off"), 16, "id: wrong-entity");
    text.replace(text.find("enabled: false"), 14, "enabled: true");
    text.replace(text.find("count: Connections"), 18, "count: Connection");
    std::ofstream(dir / "wrong-entity.yaml", std::ios::binary) << text;
    return dir;
}

TEST_F(HuntEndToEnd, BrokenRulesFailAloneOthersRun) {
    HuntOptions options = Options();
    options.rules_dir = RulesWithBrokenOnes().string();
    auto outcome = unmask::detect::RunHunt(options);
    ASSERT_TRUE(outcome.ok()) << outcome.status().message();
    const RuleRun* misspelt = FindRun(*outcome, "misspelt-column");
    EXPECT_EQ(misspelt->status, RuleStatus::kFailed);
    // The where clause is on line 27 of the rule file.
    EXPECT_NE(misspelt->reason.find("misspelt-column.yaml:27:9: the name 'ActionTyp'"), std::string::npos)
        << misspelt->reason;
    const RuleRun* wrong_entity = FindRun(*outcome, "wrong-entity");
    EXPECT_EQ(wrong_entity->status, RuleStatus::kFailed);
    EXPECT_NE(wrong_entity->reason.find("entities.count names the column 'Connection'"), std::string::npos)
        << wrong_entity->reason;
    EXPECT_EQ(FindRun(*outcome, "regular-beacon")->status, RuleStatus::kRan);
    EXPECT_NE(FindProcess(*outcome, "rundll32.exe"), nullptr);
}

TEST_F(HuntEndToEnd, ExtensionColumnsOnlyFromInputs) {
    // A rule that requires SentBytes runs on the export with byte columns and is not applicable
    // to one without them, although the binder accepts SentBytes as a nullable extension column.
    const fs::path dir = TempDir() / "byte-rules";
    fs::create_directories(dir);
    std::string text = ReadText(kRulesDir / "switched-off.yaml");
    text.replace(text.find("id: switched-off"), 16, "id: needs-bytes");
    text.replace(text.find("enabled: false"), 14, "enabled: true");
    text.replace(text.find("required_columns: [Timestamp,"), 29, "required_columns: [SentBytes, Timestamp,");
    std::ofstream(dir / "needs-bytes.yaml", std::ios::binary) << text;
    const fs::path without_bytes = TempDir() / "no-byte-columns.csv";
    const std::string command =
        kGenerator.string() + " --rows 500 --seed 5 -o " + without_bytes.string() + " >/dev/null";
    ASSERT_EQ(std::system(command.c_str()), 0) << command;

    HuntOptions options = Options();
    options.rules_dir = dir.string();
    auto with = unmask::detect::RunHunt(options);
    ASSERT_TRUE(with.ok()) << with.status().message();
    EXPECT_EQ(FindRun(*with, "needs-bytes")->status, RuleStatus::kRan);

    options.inputs = {without_bytes.string()};
    auto without = unmask::detect::RunHunt(options);
    ASSERT_TRUE(without.ok()) << without.status().message();
    EXPECT_EQ(FindRun(*without, "needs-bytes")->status, RuleStatus::kNotApplicable);
    EXPECT_EQ(FindRun(*without, "needs-bytes")->reason, "needs the column(s) SentBytes, which no input has");
}

// RunHuntCommand's exit statuses: 0, 1 for --fail-on, 2 for errors and failed rules.
TEST_F(HuntEndToEnd, CommandExitStatuses) {
    unmask::cli::HuntCommandOptions options;
    options.inputs = {input_->string()};
    options.rules_dir = kRulesDir.string();
    options.config_path = WriteConfig("").string();
    options.output_path = (TempDir() / "findings.jsonl").string();
    options.quiet = true;
    options.threads = 2;
    EXPECT_EQ(unmask::cli::RunHuntCommand(options), 0);
    const std::string written = ReadText(options.output_path);
    EXPECT_NE(written.find("\"process\":\"rundll32.exe\""), std::string::npos);

    options.fail_on = "high";
    EXPECT_EQ(unmask::cli::RunHuntCommand(options), 1);
    options.fail_on = "critical";
    EXPECT_EQ(unmask::cli::RunHuntCommand(options), 0);

    options.rules_dir = RulesWithBrokenOnes().string();
    EXPECT_EQ(unmask::cli::RunHuntCommand(options), 2);
    EXPECT_NE(ReadText(options.output_path).find("rundll32.exe"), std::string::npos);

    options.rules_dir = (TempDir() / "no-such-folder").string();
    EXPECT_EQ(unmask::cli::RunHuntCommand(options), 2);

    options.rules_dir = kRulesDir.string();
    options.fail_on.clear();
    options.format = "ocsf";
    EXPECT_EQ(unmask::cli::RunHuntCommand(options), 0);
    EXPECT_NE(ReadText(options.output_path).find("\"class_uid\":2004"), std::string::npos);
}

TEST_F(HuntEndToEnd, GoldenFindingsAndSummary) {
    HuntOptions options = Options();
    options.config_path = WriteConfig(kSiteConfig).string();
    auto outcome = unmask::detect::RunHunt(options);
    ASSERT_TRUE(outcome.ok()) << outcome.status().message();
    std::ostringstream findings;
    unmask::output::WriteFindingJsonLines(findings, outcome->findings);
    ExpectGolden("hunt-e2e.jsonl", findings.str());

    // The summary with its volatile parts masked: the temporary folder and the elapsed time.
    std::string summary = unmask::cli::FormatHuntSummary(*outcome);
    const std::string temp_dir = TempDir().string();
    for (size_t at = summary.find(temp_dir); at != std::string::npos; at = summary.find(temp_dir, at)) {
        summary.replace(at, temp_dir.size(), "<tmp>");
    }
    summary = std::regex_replace(summary, std::regex("elapsed .*"), "elapsed <masked>");
    ExpectGolden("hunt-e2e.summary", summary);
}

} // namespace
