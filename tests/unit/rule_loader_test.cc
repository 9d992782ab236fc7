// Tests of the rule loader, BuildRuleQuery, the test runner and `unmask rules`.
//
// Most validation cases edit one spot of tests/data/rules/valid/repeated-https.yaml, load the
// edited text and expect one exact error line: "path:line: message". The line is found by
// searching the edited text for an anchor, so the cases survive edits to the base file.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <gtest/gtest.h>
#include <unistd.h>

#include "cli/rules_command.h"
#include "detect/rule.h"
#include "detect/rule_examples.h"
#include "detect/rule_query_check.h"
#include "output/result_writer.h"

namespace unmask::detect {
namespace {

namespace fs = std::filesystem;

const fs::path kSourceDir(UNMASK_SOURCE_DIR);
const fs::path kRulesData = kSourceDir / "tests" / "data" / "rules";
const fs::path kValidRule = kRulesData / "valid" / "repeated-https.yaml";

std::string ReadText(const fs::path& path) {
    std::ifstream file(path, std::ios::binary);
    std::ostringstream text;
    text << file.rdbuf();
    return text.str();
}

// Returns a fresh, empty folder of this test process.
fs::path TestFolder(const std::string& name) {
    const fs::path folder = fs::temp_directory_path() / ("unmask-rule-test-" + std::to_string(getpid())) / name;
    fs::remove_all(folder);
    fs::create_directories(folder);
    return folder;
}

fs::path WriteFile(const fs::path& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
    return path;
}

// 1-based line of the first occurrence of `anchor` in `text`, or 0 when absent.
int LineOf(const std::string& text, const std::string& anchor) {
    const size_t at = text.find(anchor);
    if (at == std::string::npos) {
        return 0;
    }
    return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
}

std::vector<std::string> Lines(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream stream(text);
    std::string line;
    while (std::getline(stream, line)) {
        lines.push_back(line);
    }
    return lines;
}

bool HasLine(const std::string& text, const std::string& line) {
    const std::vector<std::string> lines = Lines(text);
    return std::find(lines.begin(), lines.end(), line) != lines.end();
}

// ---------------------------------------------------------------------------------------------
// Loading a valid rule

TEST(RuleLoader, ValidRuleRoundTrip) {
    Result<Rule> loaded = LoadRuleFile(kValidRule.string());
    ASSERT_TRUE(loaded.ok()) << loaded.status().message();
    const Rule& rule = *loaded;
    const std::string text = ReadText(kValidRule);

    EXPECT_EQ(rule.path, kValidRule.string());
    EXPECT_EQ(rule.id, "repeated-https-non-browser");
    EXPECT_EQ(rule.title, "Non-browser process connecting repeatedly to one public HTTPS server");
    EXPECT_EQ(rule.description,
              "A process that is not a web browser opens several successful connections to the same public\n"
              "address on port 443 within the window. Implants that beacon over HTTPS look like this.");
    EXPECT_EQ(rule.attack, (std::vector<std::string>{"T1001.003", "T1071.001"}));
    EXPECT_EQ(rule.severity, Severity::kMedium);
    EXPECT_EQ(rule.confidence, Confidence::kLow);
    EXPECT_TRUE(rule.enabled);
    EXPECT_EQ(rule.data_sources, (std::vector<std::string>{"Microsoft Defender for Endpoint DeviceNetworkEvents"}));
    EXPECT_EQ(rule.required_columns,
              (std::vector<std::string>{"Timestamp", "DeviceName", "ActionType", "RemoteIP", "RemotePort",
                                        "RemoteIPType", "InitiatingProcessFileName"}));
    EXPECT_EQ(rule.required_action_types, (std::vector<std::string>{"ConnectionSuccess"}));
    EXPECT_EQ(rule.false_positives,
              (std::vector<std::string>{"Update agents and telemetry clients that poll one vendor endpoint."}));
    EXPECT_EQ(rule.triage_steps,
              (std::vector<std::string>{"Check that the process is signed and expected on the device.",
                                        "Look up the remote address and the domain it served."}));
    ASSERT_EQ(rule.triage_queries.size(), 1u);
    EXPECT_EQ(rule.triage_queries[0].title, "Every connection of the process on the device");
    EXPECT_EQ(
        rule.triage_queries[0].kql,
        "DeviceNetworkEvents\n"
        "| where DeviceName == \"{DeviceName}\" and InitiatingProcessFileName =~ \"{InitiatingProcessFileName}\"\n"
        "| sort by Timestamp asc");
    EXPECT_EQ(rule.response, (std::vector<std::string>{"Isolate the device when the process is unknown.",
                                                       "Block the remote address at the proxy."}));

    ASSERT_EQ(rule.parameters.size(), 3u);
    EXPECT_EQ(rule.parameters[0].name, "MinConnections");
    EXPECT_EQ(rule.parameters[0].type, Type::kLong);
    EXPECT_EQ(rule.parameters[0].default_value, "3");
    EXPECT_EQ(rule.parameters[0].reason, "Fewer connections are normal for a single page load.");
    EXPECT_EQ(rule.parameters[1].name, "Browsers");
    EXPECT_EQ(rule.parameters[1].type, Type::kDynamic);
    EXPECT_EQ(rule.parameters[1].default_value, "dynamic([\"chrome.exe\", \"msedge.exe\", \"firefox.exe\"])");
    EXPECT_EQ(rule.parameters[2].name, "Window");
    EXPECT_EQ(rule.parameters[2].type, Type::kTimeSpan);
    EXPECT_EQ(rule.parameters[2].default_value, "1d");

    EXPECT_EQ(rule.entities.device, "DeviceName");
    EXPECT_EQ(rule.entities.process, "InitiatingProcessFileName");
    EXPECT_EQ(rule.entities.remote_ip, "RemoteIP");
    EXPECT_EQ(rule.entities.first_seen, "FirstSeen");
    EXPECT_EQ(rule.entities.last_seen, "LastSeen");
    EXPECT_EQ(rule.entities.count, "Connections");
    EXPECT_EQ(rule.entities.remote_port, "");
    EXPECT_EQ(rule.entities.command_line, "");
    EXPECT_EQ(ListEntityColumns(rule.entities),
              (std::vector<std::pair<std::string, std::string>>{{"device", "DeviceName"},
                                                                {"process", "InitiatingProcessFileName"},
                                                                {"remote_ip", "RemoteIP"},
                                                                {"first_seen", "FirstSeen"},
                                                                {"last_seen", "LastSeen"},
                                                                {"count", "Connections"}}));
    EXPECT_EQ(rule.explanation,
              "{InitiatingProcessFileName} on {DeviceName} connected {Connections} times to {RemoteIP} on port 443");
    EXPECT_EQ(ExplanationColumns(rule.explanation),
              (std::vector<std::string>{"InitiatingProcessFileName", "DeviceName", "Connections", "RemoteIP"}));

    EXPECT_TRUE(rule.query.starts_with("DeviceNetworkEvents\n| where Timestamp > ago(Window)\n"));
    EXPECT_TRUE(rule.query.ends_with("| where Connections >= MinConnections"));
    EXPECT_EQ(rule.query_line, LineOf(text, "query: |") + 1);

    ASSERT_EQ(rule.examples.size(), 3u);
    EXPECT_EQ(rule.examples[0].name, "updater polling one server");
    EXPECT_TRUE(rule.examples[0].expect_match);
    EXPECT_EQ(rule.examples[0].expect_findings, 1);
    EXPECT_EQ(rule.examples[0].now, "");
    EXPECT_EQ(rule.examples[0].line, LineOf(text, "- name: updater polling one server"));
    ASSERT_EQ(rule.examples[0].rows_json.size(), 3u);
    EXPECT_EQ(rule.examples[0].rows_json[0],
              R"({"Timestamp":"2024-05-01T10:00:00Z","DeviceName":"ws1","ActionType":"ConnectionSuccess",)"
              R"("RemoteIP":"203.0.113.7","RemotePort":443,"RemoteIPType":"Public",)"
              R"("InitiatingProcessFileName":"updater.exe"})");
    EXPECT_EQ(rule.examples[1].name, "browser traffic");
    EXPECT_FALSE(rule.examples[1].expect_match);
    EXPECT_FALSE(rule.examples[1].expect_findings.has_value());
    EXPECT_EQ(rule.examples[2].now, "2024-05-03T00:00:00Z");
}

TEST(RuleLoader, EnabledDefaultsToTrueAndReadsFalse) {
    const std::string text = ReadText(kValidRule);
    const fs::path folder = TestFolder("enabled");
    std::string disabled = text;
    disabled.replace(disabled.find("confidence: low\n"), 16, "confidence: low\nenabled: false\n");
    Result<Rule> rule = LoadRuleFile(WriteFile(folder / "disabled.yaml", disabled).string());
    ASSERT_TRUE(rule.ok()) << rule.status().message();
    EXPECT_FALSE(rule->enabled);
}

TEST(RuleLoader, RowValuesBecomeJson) {
    const fs::path folder = TestFolder("row-values");
    std::string text = ReadText(kValidRule);
    const std::string first_row =
        "      - {Timestamp: 2024-05-01T10:00:00Z, DeviceName: ws1, ActionType: ConnectionSuccess, RemoteIP: "
        "203.0.113.7, RemotePort: 443, RemoteIPType: Public, InitiatingProcessFileName: updater.exe}\n";
    const std::string replacement = "      - Timestamp: 2024-05-01T10:00:00Z\n"
                                    "        DeviceName: '042'\n"
                                    "        RemotePort: 443\n"
                                    "        LocalPort: \"8080\"\n"
                                    "        InitiatingProcessId: null\n"
                                    "        RemoteUrl: example.com\n"
                                    "        AdditionalFields: {direction: outbound, sizes: [1, 2.5], tls: true}\n";
    ASSERT_NE(text.find(first_row), std::string::npos);
    text.replace(text.find(first_row), first_row.size(), replacement);
    Result<Rule> rule = LoadRuleFile(WriteFile(folder / "rule.yaml", text).string());
    ASSERT_TRUE(rule.ok()) << rule.status().message();
    EXPECT_EQ(rule->examples[0].rows_json[0],
              R"({"Timestamp":"2024-05-01T10:00:00Z","DeviceName":"042","RemotePort":443,"LocalPort":"8080",)"
              R"("InitiatingProcessId":null,"RemoteUrl":"example.com",)"
              R"("AdditionalFields":{"direction":"outbound","sizes":[1,2.5],"tls":true}})");
}

TEST(RuleLoader, ByteOrderMarkKeepsQueryLine) {
    const std::string text = ReadText(kValidRule);
    const fs::path path = WriteFile(TestFolder("bom") / "rule.yaml", "\xEF\xBB\xBF" + text);
    Result<Rule> rule = LoadRuleFile(path.string());
    ASSERT_TRUE(rule.ok()) << rule.status().message();
    EXPECT_EQ(rule->query_line, LineOf(text, "query: |") + 1);
}

TEST(RuleLoader, RejectsCyclicRowValue) {
    std::string text = ReadText(kValidRule);
    const std::string from = "RemoteIPType: Public, InitiatingProcessFileName: updater.exe}";
    text.replace(text.find(from), from.size(), "RemoteIPType: Public, AdditionalFields: &loop [*loop]}");
    const fs::path path = WriteFile(TestFolder("cycle") / "rule.yaml", text);
    Result<Rule> rule = LoadRuleFile(path.string());
    ASSERT_FALSE(rule.ok());
    EXPECT_EQ(rule.status().message(),
              path.string() + ":" + std::to_string(LineOf(text, "&loop")) +
                  ": field 'tests[0].rows[0].AdditionalFields': the value nests lists and mappings more than 64 "
                  "levels deep");
}

// ---------------------------------------------------------------------------------------------
// Validation errors

struct EditCase {
    const char* name;
    const char* from;    ///< text of the valid rule to replace (first occurrence)
    const char* to;      ///< replacement
    const char* anchor;  ///< text of the edited file on the line that the error names
    const char* message; ///< the error after "path:line: "
};

const EditCase kEditCases[] = {
    {"severity misspelt", "severity: medium", "severity: hgih", "severity: hgih",
     "field 'severity': expected one of informational, low, medium, high, critical, found 'hgih'"},
    {"confidence unknown", "confidence: low", "confidence: certain", "confidence: certain",
     "field 'confidence': expected one of low, medium, high, found 'certain'"},
    {"unknown key", "confidence: low", "confidnce: low", "confidnce",
     "unknown field 'confidnce'; did you mean 'confidence'?"},
    {"missing required field", "confidence: low", "confidnce: low", "id: repeated",
     "missing required field 'confidence'"},
    {"missing title", "title: Non-browser process connecting repeatedly to one public HTTPS server\n", "",
     "id: repeated", "missing required field 'title'"},
    {"title on two lines", "title: Non-browser process connecting repeatedly to one public HTTPS server",
     "title: |\n  two\n  lines", "title: |", "field 'title': expected a single line, found 2 lines"},
    {"id with capitals", "id: repeated-https-non-browser", "id: Repeated_HTTPS", "id: Repeated_HTTPS",
     "field 'id': expected lower-case letters, digits and '-', starting and ending with a letter or digit, "
     "found 'Repeated_HTTPS'"},
    {"attack not a list", "attack:\n  - T1001.003\n  - T1071.001", "attack: T1001.003", "attack: T1001.003",
     "field 'attack': expected a list, found 'T1001.003'"},
    {"attack empty", "attack:\n  - T1001.003\n  - T1071.001", "attack: []", "attack: []",
     "field 'attack': expected at least one item, found an empty list"},
    {"technique id malformed", "  - T1071.001", "  - T1071.1", "T1071.1",
     "field 'attack[1]': expected an ATT&CK technique id such as T1001 or T1001.003, found 'T1071.1'"},
    {"technique listed twice", "  - T1071.001", "  - T1001.003", "  - T1001.003\nseverity",
     "field 'attack[1]': 'T1001.003' is listed twice"},
    {"enabled not a bool", "confidence: low\n", "confidence: low\nenabled: yes\n", "enabled: yes",
     "field 'enabled': expected true or false, found 'yes'"},
    {"required column unknown", "RemotePort, RemoteIPType,", "RemotePrt, RemoteIPType,", "RemotePrt",
     "field 'required_columns[4]': 'RemotePrt' is not a column of DeviceNetworkEvents; did you mean "
     "'RemotePort', 'RemoteUrl' or 'RemoteIP'?"},
    {"action type malformed", "[ConnectionSuccess]", "[Connection Success]", "Connection Success",
     "field 'required_action_types': expected ActionType values such as ConnectionSuccess, found "
     "'Connection Success'"},
    {"false positives missing",
     "false_positives:\n  - Update agents and telemetry clients that poll one vendor endpoint.\n", "", "id: repeated",
     "missing required field 'false_positives'"},
    {"triage steps missing", "  steps:\n", "  stepz:\n",
     "  stepz:", "unknown field 'triage.stepz'; did you mean 'steps'?"},
    {"parameter name not an identifier", "name: MinConnections", "name: Min-Connections", "Min-Connections",
     "field 'parameters[0].name': expected a KQL identifier (letters, digits and '_', not starting with a digit), "
     "found 'Min-Connections'"},
    {"parameter name is a column", "name: MinConnections", "name: RemotePort", "name: RemotePort",
     "field 'parameters[0].name': 'RemotePort' is a column of DeviceNetworkEvents; choose another name so that "
     "the query's references to it stay unambiguous"},
    {"parameter declared twice", "name: Window", "name: Browsers", "name: Browsers\n    type: timespan",
     "field 'parameters[2].name': parameter 'Browsers' is declared twice"},
    {"parameter type unknown", "type: timespan", "type: duration", "type: duration",
     "field 'parameters[2].type': expected a KQL type: bool, int, long, real, string, datetime, timespan or "
     "dynamic, found 'duration'"},
    {"timespan default without unit", "default: 1d", "default: 24", "default: 24",
     "field 'parameters[2].default': expected a timespan literal such as 24h or time(1.02:00:00), found '24'"},
    {"long default with fraction", "default: 3\n", "default: 3.5\n", "default: 3.5",
     "field 'parameters[0].default': expected a long literal such as 5, found '3.5'"},
    {"int default without int()", "type: long\n    default: 3", "type: int\n    default: 3", "default: 3",
     "field 'parameters[0].default': expected an int literal such as int(5), found '3'"},
    {"default is an expression", "default: 1d", "default: ago(1d)", "default: ago(1d)",
     "field 'parameters[2].default': expected a timespan literal such as 24h or time(1.02:00:00), found 'ago(1d)'"},
    {"default is a YAML list", R"(default: 'dynamic(["chrome.exe", "msedge.exe", "firefox.exe"])')",
     "default: [chrome.exe]", "default: [chrome.exe]", "field 'parameters[1].default': expected text, found a list"},
    {"parameter reason missing", "    reason: One day of events matches a daily hunt.\n", "", "  - name: Window",
     "missing required field 'parameters[2].reason'"},
    {"parameter never used", "    reason: One day of events matches a daily hunt.\n",
     "    reason: One day of events matches a daily hunt.\n  - name: Unused\n    type: long\n    default: 1\n"
     "    reason: Not referenced.\n",
     "  - name: Unused",
     "field 'parameters[3].name': parameter 'Unused' is never used by the query; remove it or refer to it in the "
     "query"},
    {"let replaces a parameter", "query: |\n  DeviceNetworkEvents",
     "query: |\n  let Window = 2d;\n  DeviceNetworkEvents", "  let Window",
     "field 'query': 'let Window' replaces the parameter of that name; remove the let and tune the value through "
     "the parameter's default"},
    {"entity role unknown", "  count: Connections", "  counts: Connections", "counts: Connections",
     "unknown field 'entities.counts'; did you mean 'count'?"},
    {"entity column not a name", "  device: DeviceName", "  device: Device Name", "device: Device Name",
     "field 'entities.device': expected a result column name, found 'Device Name'"},
    {"explanation placeholder unclosed", "{Connections} times", "{Connections times", "explanation:",
     "field 'explanation': '{' at character 55 does not start a placeholder {Column} with a column name"},
    {"explanation stray brace", "on port 443\"", "on port 443}\"",
     "explanation:", "field 'explanation': '}' at character 100 closes no placeholder; placeholders are {Column}"},
    {"query folded", "query: |", "query: >", "query: >",
     "field 'query': expected a literal block scalar ('|'), found a folded one ('>'); folding joins the lines, so "
     "a // comment would hide the rest of the query"},
    {"query syntax error", "| where Connections >= MinConnections", "| where Connections >= = MinConnections",
     "| where Connections >= =", "field 'query': syntax error: expected an expression after '>=' but found '='"},
    {"query operator not supported", "| where Connections >= MinConnections",
     "| where Connections >= MinConnections\n  | lookup (DeviceNetworkEvents) on DeviceName", "| lookup",
     "field 'query': not supported by unmask: the 'lookup' operator is not supported"},
    {"test expect unknown", "expect: no_match", "expect: nomatch", "expect: nomatch",
     "field 'tests[1].expect': expected match or no_match, found 'nomatch'"},
    {"findings with no_match", "    expect: no_match\n", "    expect: no_match\n    findings: 2\n", "findings: 2",
     "field 'tests[1].findings': expected 0 or no findings field with expect: no_match, found 2"},
    {"findings zero with match", "findings: 1", "findings: 0", "findings: 0",
     "field 'tests[0].findings': expected 1 or more with expect: match, found 0"},
    {"findings negative", "findings: 1", "findings: -1", "findings: -1",
     "field 'tests[0].findings': expected a whole number of 0 or more, found '-1'"},
    {"now not a date", "now: 2024-05-03T00:00:00Z", "now: 2024-02-30", "now: 2024-02-30",
     "field 'tests[2].now': expected a datetime such as 2024-01-31T12:00:00Z or 'latest', found '2024-02-30'"},
    {"row column unknown", "RemotePort: 443,", "RemotPort: 443,", "RemotPort",
     "field 'tests[0].rows[0].RemotPort': 'RemotPort' is not a column of DeviceNetworkEvents; did you mean "
     "'RemotePort', 'RemoteUrl' or 'RemoteIP'?"},
    {"test name repeated", "name: browser traffic", "name: updater polling one server",
     "name: updater polling one server\n    expect: no_match",
     "field 'tests[1].name': another test of this rule is already named 'updater polling one server'"},
    {"test key unknown", "    findings: 1\n", "    finding: 1\n", "finding: 1",
     "unknown field 'tests[0].finding'; did you mean 'findings'?"},
    {"row not a mapping",
     "    rows:\n      - {Timestamp: 2024-05-01T10:00:00Z, DeviceName: ws1, ActionType: "
     "ConnectionSuccess, RemoteIP: 203.0.113.7, RemotePort: 443, RemoteIPType: Public, "
     "InitiatingProcessFileName: updater.exe}\n",
     "    rows:\n      - just text\n", "just text",
     "field 'tests[0].rows[0]': expected a mapping of keys to values, found 'just text'"},
};

TEST(RuleLoader, ReportsEachValidationErrorWithItsLine) {
    const std::string base = ReadText(kValidRule);
    const fs::path folder = TestFolder("edits");
    int index = 0;
    for (const EditCase& edit : kEditCases) {
        SCOPED_TRACE(edit.name);
        std::string text = base;
        const size_t at = text.find(edit.from);
        if (at == std::string::npos) {
            ADD_FAILURE() << "the base rule no longer contains: " << edit.from;
            continue;
        }
        text.replace(at, std::string(edit.from).size(), edit.to);
        const int line = LineOf(text, edit.anchor);
        if (line == 0) {
            ADD_FAILURE() << "the edited rule does not contain the anchor: " << edit.anchor;
            continue;
        }
        const fs::path path = WriteFile(folder / ("edit-" + std::to_string(index++) + ".yaml"), text);

        Result<Rule> rule = LoadRuleFile(path.string());
        if (rule.ok()) {
            ADD_FAILURE() << "the edited rule loaded without an error";
            continue;
        }
        EXPECT_EQ(rule.status().kind(), ErrorKind::kInvalidInput);
        const std::string expected = path.string() + ":" + std::to_string(line) + ": " + edit.message;
        EXPECT_TRUE(HasLine(rule.status().message(), expected)) << "expected the line:\n"
                                                                << expected << "\nin:\n"
                                                                << rule.status().message();
    }
}

TEST(RuleLoader, ReportsEveryErrorOfAFileSortedByLine) {
    std::string text = ReadText(kValidRule);
    text.replace(text.find("severity: medium"), 16, "severity: hgih");
    text.replace(text.find("  count: Connections"), 20, "  counts: Connections");
    text.replace(text.find("confidence: low"), 15, "confidence: sure");
    const fs::path path = WriteFile(TestFolder("several") / "rule.yaml", text);
    Result<Rule> rule = LoadRuleFile(path.string());
    ASSERT_FALSE(rule.ok());
    const std::vector<std::string> lines = Lines(rule.status().message());
    ASSERT_EQ(lines.size(), 3u) << rule.status().message();
    EXPECT_TRUE(lines[0].starts_with(path.string() + ":" + std::to_string(LineOf(text, "severity:")) + ": "));
    EXPECT_TRUE(lines[1].starts_with(path.string() + ":" + std::to_string(LineOf(text, "confidence:")) + ": "));
    EXPECT_TRUE(lines[2].starts_with(path.string() + ":" + std::to_string(LineOf(text, "counts:")) + ": "));
}

TEST(RuleLoader, KeyGivenTwiceNamesBothLines) {
    std::string text = ReadText(kValidRule);
    text.replace(text.find("confidence: low\n"), 16, "confidence: low\nseverity: high\n");
    const fs::path path = WriteFile(TestFolder("twice") / "rule.yaml", text);
    Result<Rule> rule = LoadRuleFile(path.string());
    ASSERT_FALSE(rule.ok());
    EXPECT_EQ(rule.status().message(), path.string() + ":" + std::to_string(LineOf(text, "severity: high")) +
                                           ": field 'severity': given twice; the first is on line " +
                                           std::to_string(LineOf(text, "severity: medium")));
}

TEST(RuleLoader, SyntaxErrorShowsTheQueryLine) {
    std::string text = ReadText(kValidRule);
    const std::string from = "| where Connections >= MinConnections";
    text.replace(text.find(from), from.size(), "| where Connections >= = MinConnections");
    const fs::path path = WriteFile(TestFolder("syntax") / "rule.yaml", text);
    Result<Rule> rule = LoadRuleFile(path.string());
    ASSERT_FALSE(rule.ok());
    EXPECT_EQ(rule.status().message(),
              path.string() + ":" + std::to_string(LineOf(text, ">= =")) +
                  ": field 'query': syntax error: expected an expression after '>=' but found '='\n"
                  "    | where Connections >= = MinConnections\n"
                  "                           ^");
}

TEST(RuleLoader, RejectsMalformedYaml) {
    const fs::path folder = TestFolder("yaml");
    struct Case {
        const char* name;
        const char* text;
        const char* message; ///< after "path"
    };
    const Case cases[] = {
        {"unclosed flow list", "id: x\nattack: [T1001\nseverity: high\n",
         ":3: invalid YAML: end of sequence flow not found"},
        {"empty file", "", ":1: the file is empty; expected one rule"},
        {"two documents", "id: a\n---\nid: b\n", ": the file contains 2 YAML documents; expected one rule per file"},
        {"list document", "- id: a\n", ":1: expected a mapping of rule fields (id: ..., title: ...), found a list"},
    };
    for (const Case& test_case : cases) {
        SCOPED_TRACE(test_case.name);
        const fs::path path = WriteFile(folder / "rule.yaml", test_case.text);
        Result<Rule> rule = LoadRuleFile(path.string());
        ASSERT_FALSE(rule.ok());
        EXPECT_EQ(rule.status().kind(), ErrorKind::kInvalidInput);
        EXPECT_EQ(rule.status().message(), path.string() + test_case.message);
    }
}

TEST(RuleLoader, MissingFileIsAnIoError) {
    Result<Rule> rule = LoadRuleFile((kRulesData / "no-such-rule.yaml").string());
    ASSERT_FALSE(rule.ok());
    EXPECT_EQ(rule.status().kind(), ErrorKind::kIo);
    EXPECT_EQ(rule.status().message(), "cannot open rule file '" + (kRulesData / "no-such-rule.yaml").string() + "'");
}

// ---------------------------------------------------------------------------------------------
// Parameter literals

TEST(RuleLiteral, AcceptsLiteralsOfTheDeclaredType) {
    const std::pair<const char*, Type> accepted[] = {
        {"true", Type::kBool},
        {"bool(null)", Type::kBool},
        {"int(5)", Type::kInt},
        {"int(-2147483648)", Type::kInt},
        {"5", Type::kLong},
        {"-5", Type::kLong},
        {"0x1F", Type::kLong},
        {"long(null)", Type::kLong},
        {"0.5", Type::kReal},
        {"1e3", Type::kReal},
        {"real(2)", Type::kReal},
        {"real(nan)", Type::kReal},
        {"\"text\"", Type::kString},
        {"'text'", Type::kString},
        {"@\"C:\\Windows\"", Type::kString},
        {"datetime(2024-01-31T00:00:00Z)", Type::kDateTime},
        {"datetime(2024-01-31)", Type::kDateTime},
        {"datetime(null)", Type::kDateTime},
        {"24h", Type::kTimeSpan},
        {"1.5d", Type::kTimeSpan},
        {"-1h", Type::kTimeSpan},
        {"time(1.02:00:00)", Type::kTimeSpan},
        {"dynamic([\"a\", \"b\"])", Type::kDynamic},
        {"dynamic([443, 8443])", Type::kDynamic},
        {"dynamic({\"k\": 1})", Type::kDynamic},
        {"dynamic(null)", Type::kDynamic},
    };
    for (const auto& [text, type] : accepted) {
        EXPECT_EQ(internal::CheckLiteral(text, type), std::nullopt) << text << " as " << TypeName(type);
    }
}

TEST(RuleLiteral, RejectsOtherTypesAndExpressions) {
    const std::pair<const char*, Type> rejected[] = {
        {"1", Type::kBool},
        {"5", Type::kInt},
        {"int(2147483648)", Type::kInt},
        {"5.0", Type::kLong},
        {"\"5\"", Type::kLong},
        {"2", Type::kReal},
        {"text", Type::kString},
        {"-\"text\"", Type::kString},
        {"datetime(2024-02-30)", Type::kDateTime},
        {"\"2024-01-31\"", Type::kDateTime},
        {"24", Type::kTimeSpan},
        {"ago(1d)", Type::kTimeSpan},
        {"[1, 2]", Type::kDynamic},
        {"pack_array(1, 2)", Type::kDynamic},
        {"2 * 3", Type::kLong},
        {"5; DeviceNetworkEvents", Type::kLong},
        {"", Type::kLong},
        {"long(null)", Type::kReal},
    };
    for (const auto& [text, type] : rejected) {
        EXPECT_NE(internal::CheckLiteral(text, type), std::nullopt) << text << " as " << TypeName(type);
    }
}

// ---------------------------------------------------------------------------------------------
// BuildRuleQuery

TEST(BuildRuleQuery, InjectsDefaultsAsLetLines) {
    Result<Rule> rule = LoadRuleFile(kValidRule.string());
    ASSERT_TRUE(rule.ok()) << rule.status().message();
    Result<std::string> query = BuildRuleQuery(*rule, {});
    ASSERT_TRUE(query.ok()) << query.status().message();
    EXPECT_EQ(*query, "let MinConnections = 3;\n"
                      "let Browsers = dynamic([\"chrome.exe\", \"msedge.exe\", \"firefox.exe\"]);\n"
                      "let Window = 1d;\n" +
                          rule->query);
}

TEST(BuildRuleQuery, OverridesReplaceDefaults) {
    Result<Rule> rule = LoadRuleFile(kValidRule.string());
    ASSERT_TRUE(rule.ok()) << rule.status().message();
    Result<std::string> query = BuildRuleQuery(*rule, {{"Window", "7d"}, {"MinConnections", "10"}});
    ASSERT_TRUE(query.ok()) << query.status().message();
    EXPECT_TRUE(query->starts_with("let MinConnections = 10;\n"
                                   "let Browsers = dynamic([\"chrome.exe\", \"msedge.exe\", \"firefox.exe\"]);\n"
                                   "let Window = 7d;\n"
                                   "DeviceNetworkEvents\n"))
        << *query;
}

TEST(BuildRuleQuery, RejectsBadOverrides) {
    Result<Rule> rule = LoadRuleFile(kValidRule.string());
    ASSERT_TRUE(rule.ok()) << rule.status().message();

    Result<std::string> unknown = BuildRuleQuery(*rule, {{"Windw", "7d"}});
    ASSERT_FALSE(unknown.ok());
    EXPECT_EQ(unknown.status().kind(), ErrorKind::kInvalidInput);
    EXPECT_EQ(unknown.status().message(),
              "rule 'repeated-https-non-browser' has no parameter 'Windw'; its parameters are MinConnections, "
              "Browsers, Window");

    Result<std::string> wrong_type = BuildRuleQuery(*rule, {{"Window", "7"}});
    ASSERT_FALSE(wrong_type.ok());
    EXPECT_EQ(wrong_type.status().message(),
              "rule 'repeated-https-non-browser', parameter 'Window': expected a timespan literal such as 24h or "
              "time(1.02:00:00), found '7'");

    Result<std::string> injection = BuildRuleQuery(*rule, {{"MinConnections", "3;\nDeviceNetworkEvents"}});
    ASSERT_FALSE(injection.ok());

    Rule without_parameters = *rule;
    without_parameters.parameters.clear();
    Result<std::string> none = BuildRuleQuery(without_parameters, {{"Window", "7d"}});
    ASSERT_FALSE(none.ok());
    EXPECT_EQ(none.status().message(),
              "rule 'repeated-https-non-browser' has no parameter 'Window'; it has no parameters");
}

TEST(BuildRuleQuery, LinesMapBackToTheRuleFile) {
    Result<Rule> rule = LoadRuleFile(kValidRule.string());
    ASSERT_TRUE(rule.ok()) << rule.status().message();
    // Three parameter lines come first, so line 4 of the built text is the query's first line.
    EXPECT_EQ(RuleFileLine(*rule, 1), rule->query_line);
    EXPECT_EQ(RuleFileLine(*rule, 4), rule->query_line);
    EXPECT_EQ(RuleFileLine(*rule, 6), rule->query_line + 2);
}

// ---------------------------------------------------------------------------------------------
// LoadRules

TEST(LoadRules, LoadsFolderSortedByFileName) {
    const fs::path folder = TestFolder("folder");
    const std::string text = ReadText(kValidRule);
    std::string second = text;
    second.replace(second.find("id: repeated-https-non-browser"), 30, "id: a-second-rule");
    WriteFile(folder / "b.yaml", text);
    WriteFile(folder / "a.yml", second);
    WriteFile(folder / "notes.txt", "not a rule");
    WriteFile(folder / ".hidden.yaml", "not: a rule");
    fs::create_directories(folder / "sub");
    WriteFile(folder / "sub" / "c.yaml", "not: a rule");

    Result<std::vector<Rule>> rules = LoadRules(folder.string());
    ASSERT_TRUE(rules.ok()) << rules.status().message();
    ASSERT_EQ(rules->size(), 2u);
    EXPECT_EQ((*rules)[0].id, "a-second-rule");
    EXPECT_EQ((*rules)[1].id, "repeated-https-non-browser");
}

TEST(LoadRules, RejectsDuplicateIds) {
    const fs::path folder = TestFolder("duplicates");
    const std::string text = ReadText(kValidRule);
    WriteFile(folder / "a.yaml", text);
    WriteFile(folder / "b.yaml", text);
    Result<std::vector<Rule>> rules = LoadRules(folder.string());
    ASSERT_FALSE(rules.ok());
    EXPECT_EQ(rules.status().kind(), ErrorKind::kInvalidInput);
    EXPECT_EQ(rules.status().message(), (folder / "b.yaml").string() + ":" + std::to_string(LineOf(text, "id: ")) +
                                            ": field 'id': 'repeated-https-non-browser' is already the id of " +
                                            (folder / "a.yaml").string());
}

TEST(LoadRules, ReportsErrorsOfEveryFile) {
    const fs::path folder = TestFolder("broken");
    std::string text = ReadText(kValidRule);
    text.replace(text.find("severity: medium"), 16, "severity: hgih");
    WriteFile(folder / "a.yaml", text);
    WriteFile(folder / "b.yaml", text);
    Result<std::vector<Rule>> rules = LoadRules(folder.string());
    ASSERT_FALSE(rules.ok());
    const std::vector<std::string> lines = Lines(rules.status().message());
    ASSERT_EQ(lines.size(), 2u) << rules.status().message();
    EXPECT_TRUE(lines[0].starts_with((folder / "a.yaml").string() + ":"));
    EXPECT_TRUE(lines[1].starts_with((folder / "b.yaml").string() + ":"));
}

TEST(LoadRules, MissingOrEmptyFolderIsAnIoError) {
    Result<std::vector<Rule>> missing = LoadRules((kRulesData / "no-such-folder").string());
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.status().kind(), ErrorKind::kIo);
    EXPECT_EQ(missing.status().message(),
              "rules folder '" + (kRulesData / "no-such-folder").string() + "' does not exist");

    const fs::path empty = TestFolder("empty");
    Result<std::vector<Rule>> none = LoadRules(empty.string());
    ASSERT_FALSE(none.ok());
    EXPECT_EQ(none.status().kind(), ErrorKind::kIo);
    EXPECT_EQ(none.status().message(), "rules folder '" + empty.string() + "' has no .yaml or .yml files");
}

// ---------------------------------------------------------------------------------------------
// RunRuleExamples

// The failure and the result rows of an example, for assertion messages.
std::string DescribeFailure(const ExampleResult& result) {
    std::ostringstream text;
    text << result.name << ": " << result.failure << "\n";
    output::WriteTextTable(text, result.result);
    return text.str();
}

TEST(RuleExamples, ValidRulePasses) {
    Result<Rule> rule = LoadRuleFile(kValidRule.string());
    ASSERT_TRUE(rule.ok()) << rule.status().message();
    Result<std::vector<ExampleResult>> results = RunRuleExamples(*rule);
    ASSERT_TRUE(results.ok()) << results.status().message();
    ASSERT_EQ(results->size(), 3u);
    for (const ExampleResult& result : *results) {
        EXPECT_TRUE(result.passed) << DescribeFailure(result);
        EXPECT_EQ(result.failure, "");
    }
    EXPECT_EQ((*results)[0].name, "updater polling one server");
    EXPECT_EQ((*results)[0].result.rows(), 1u);
    EXPECT_EQ((*results)[1].result.rows(), 0u);
}

TEST(RuleExamples, ReportsWhyEachExampleFails) {
    const fs::path path = kRulesData / "failing" / "wrong-expectations.yaml";
    Result<Rule> rule = LoadRuleFile(path.string());
    ASSERT_TRUE(rule.ok()) << rule.status().message();
    Result<std::vector<ExampleResult>> results = RunRuleExamples(*rule);
    ASSERT_TRUE(results.ok()) << results.status().message();
    ASSERT_EQ(results->size(), 5u);

    EXPECT_TRUE((*results)[0].passed) << (*results)[0].failure;

    EXPECT_FALSE((*results)[1].passed);
    EXPECT_EQ((*results)[1].failure, "expected at least one result row, found none");

    EXPECT_FALSE((*results)[2].passed);
    EXPECT_EQ((*results)[2].failure, "expected no result rows, found 1");
    EXPECT_EQ((*results)[2].result.rows(), 1u);

    EXPECT_FALSE((*results)[3].passed);
    EXPECT_EQ((*results)[3].failure, "expected 2 result rows, found 1");

    EXPECT_FALSE((*results)[4].passed);
    EXPECT_EQ((*results)[4].failure,
              "invalid input error: row 2 of the example: invalid number: value \"four\"; column RemotePort expects "
              "an int (32-bit integer)");
    EXPECT_EQ((*results)[4].line, LineOf(ReadText(path), "- name: row value of the wrong type"));
}

TEST(RuleExamples, ResultMustHaveEntityAndExplanationColumns) {
    Result<Rule> rule = LoadRuleFile((kRulesData / "failing" / "missing-entity-column.yaml").string());
    ASSERT_TRUE(rule.ok()) << rule.status().message();
    Result<std::vector<ExampleResult>> results = RunRuleExamples(*rule);
    ASSERT_TRUE(results.ok()) << results.status().message();
    ASSERT_EQ(results->size(), 1u);
    EXPECT_FALSE((*results)[0].passed);
    EXPECT_EQ((*results)[0].failure,
              "the result has no column 'RemoteIP', which entities.remote_ip names\n"
              "the result has no column 'RemotePort', which the explanation's {RemotePort} names");
}

TEST(RuleExamples, BindErrorNamesTheRuleFileLine) {
    const fs::path path = kRulesData / "failing" / "bind-error.yaml";
    Result<Rule> rule = LoadRuleFile(path.string());
    ASSERT_TRUE(rule.ok()) << rule.status().message();
    Result<std::vector<ExampleResult>> results = RunRuleExamples(*rule);
    ASSERT_TRUE(results.ok()) << results.status().message();
    ASSERT_EQ(results->size(), 1u);
    EXPECT_FALSE((*results)[0].passed);
    const std::vector<std::string> lines = Lines((*results)[0].failure);
    ASSERT_EQ(lines.size(), 3u) << (*results)[0].failure;
    EXPECT_EQ(lines[0], "bind error: " + path.string() + ":" + std::to_string(LineOf(ReadText(path), "RemotPort ==")) +
                            ": the name 'RemotPort' does not refer to any known column, table, variable or function; "
                            "did you mean 'RemotePort'?");
    EXPECT_EQ(lines[1], "    | where RemotPort == ListenerPort");
    EXPECT_EQ(lines[2], "            ^^^^^^^^^");
}

TEST(RuleExamples, RemovesItsTemporaryFiles) {
    Result<Rule> rule = LoadRuleFile(kValidRule.string());
    ASSERT_TRUE(rule.ok()) << rule.status().message();
    const fs::path folder = TestFolder("temporary");
    ExampleRunOptions options;
    options.temp_dir = folder.string();
    Result<std::vector<ExampleResult>> results = RunRuleExamples(*rule, options);
    ASSERT_TRUE(results.ok()) << results.status().message();
    EXPECT_TRUE(fs::is_empty(folder));

    options.temp_dir = (folder / "missing").string();
    Result<std::vector<ExampleResult>> unwritable = RunRuleExamples(*rule, options);
    ASSERT_FALSE(unwritable.ok());
    EXPECT_EQ(unwritable.status().kind(), ErrorKind::kIo);
}

// ---------------------------------------------------------------------------------------------
// `unmask rules`

struct CommandOutput {
    int status = -1;
    std::string out;
    std::string err;
};

CommandOutput RunRules(const std::vector<std::string>& arguments) {
    CLI::App app{"test"};
    cli::RulesCommandOptions options;
    cli::AddRulesCommand(app, options);
    std::vector<std::string> reversed(arguments.rbegin(), arguments.rend());
    app.parse(reversed);
    std::ostringstream out;
    std::ostringstream err;
    CommandOutput result;
    result.status = cli::RunRulesCommand(options, out, err);
    result.out = out.str();
    result.err = err.str();
    return result;
}

TEST(RulesCommand, ListPrintsOneRowPerRule) {
    const CommandOutput run = RunRules({"rules", "list", "--rules", (kRulesData / "valid").string()});
    EXPECT_EQ(run.status, 0) << run.err;
    EXPECT_EQ(run.out,
              "ID                          SEVERITY  CONFIDENCE  ENABLED  ATT&CK               TITLE\n"
              "repeated-https-non-browser  medium    low         yes      T1001.003,T1071.001  Non-browser process "
              "connecting repeatedly to one public HTTPS server\n");
}

TEST(RulesCommand, ShowPrintsFieldsAndInjectedQuery) {
    const CommandOutput run =
        RunRules({"rules", "--rules", (kRulesData / "valid").string(), "show", "repeated-https-non-browser"});
    EXPECT_EQ(run.status, 0) << run.err;
    for (const char* line :
         {"severity:               medium", "  1. Check that the process is signed and expected on the device.",
          "  MinConnections (long) = 3", "  count:       Connections", "  let Window = 1d;",
          "  | where Connections >= MinConnections",
          "  browser traffic (line 68): expect no_match, 3 rows, now() = the latest Timestamp"}) {
        EXPECT_TRUE(HasLine(run.out, line)) << "missing line: " << line << "\nin:\n" << run.out;
    }
}

TEST(RulesCommand, TestExitStatusFollowsResults) {
    const CommandOutput passing = RunRules({"rules", "test", "--rules", (kRulesData / "valid").string()});
    EXPECT_EQ(passing.status, 0) << passing.out << passing.err;
    EXPECT_TRUE(HasLine(passing.out, "  pass  updater polling one server")) << passing.out;
    EXPECT_TRUE(HasLine(passing.out, "3 tests in 1 rule: 3 passed, 0 failed")) << passing.out;

    const std::string failing_dir = (kRulesData / "failing").string();
    const CommandOutput failing = RunRules({"rules", "test", "port-4444-wrong-expectations", "--rules", failing_dir});
    EXPECT_EQ(failing.status, 1) << failing.out << failing.err;
    EXPECT_TRUE(HasLine(failing.out,
                        "  FAIL  match expected but nothing found (" + failing_dir + "/wrong-expectations.yaml:33)"))
        << failing.out;
    EXPECT_TRUE(HasLine(failing.out, "        expected at least one result row, found none")) << failing.out;
    EXPECT_TRUE(HasLine(failing.out, "5 tests in 1 rule: 1 passed, 4 failed")) << failing.out;
}

TEST(RulesCommand, UnknownIdSuggestsNearIds) {
    const CommandOutput run = RunRules({"rules", "show", "repeated-https", "--rules", (kRulesData / "valid").string()});
    EXPECT_EQ(run.status, 2);
    EXPECT_EQ(run.out, "");
    EXPECT_EQ(run.err, "unmask: no rule has the id 'repeated-https' in '" + (kRulesData / "valid").string() +
                           "'; did you mean 'repeated-https-non-browser'? ('unmask rules list' lists the ids)\n");
}

TEST(RulesCommand, LoadErrorExitsWithTwo) {
    const fs::path folder = TestFolder("command-broken");
    std::string text = ReadText(kValidRule);
    text.replace(text.find("severity: medium"), 16, "severity: hgih");
    WriteFile(folder / "rule.yaml", text);
    const CommandOutput run = RunRules({"rules", "test", "--rules", folder.string()});
    EXPECT_EQ(run.status, 2);
    EXPECT_TRUE(run.err.starts_with("unmask: " + (folder / "rule.yaml").string() + ":")) << run.err;

    const CommandOutput missing = RunRules({"rules", "list", "--rules", (folder / "missing").string()});
    EXPECT_EQ(missing.status, 2);
    EXPECT_TRUE(HasLine(missing.err,
                        "unmask: give the rules folder with --rules DIR or the UNMASK_RULES_DIR environment variable"))
        << missing.err;
}

TEST(RulesCommand, FolderFromOptionEnvironmentOrDefault) {
    const std::string valid = (kRulesData / "valid").string();
    const std::string failing = (kRulesData / "failing").string();
    auto parse = [](const std::vector<std::string>& arguments) {
        CLI::App app{"test"};
        cli::RulesCommandOptions options;
        cli::AddRulesCommand(app, options);
        std::vector<std::string> reversed(arguments.rbegin(), arguments.rend());
        app.parse(reversed);
        return options;
    };

    unsetenv("UNMASK_RULES_DIR");
    EXPECT_EQ(parse({"rules", "list"}).rules_dir, "rules");
    EXPECT_EQ(parse({"rules", "list"}).action, cli::RulesAction::kList);
    setenv("UNMASK_RULES_DIR", valid.c_str(), 1);
    EXPECT_EQ(parse({"rules", "list"}).rules_dir, valid);
    EXPECT_EQ(parse({"rules", "test", "--rules", failing}).rules_dir, failing);
    unsetenv("UNMASK_RULES_DIR");

    const cli::RulesCommandOptions show = parse({"rules", "show", "some-id"});
    EXPECT_EQ(show.action, cli::RulesAction::kShow);
    EXPECT_EQ(show.rule_id, "some-id");
    EXPECT_THROW(parse({"rules", "show"}), CLI::ParseError);
    EXPECT_THROW(parse({"rules"}), CLI::ParseError);
}

// ---------------------------------------------------------------------------------------------
// The detection pack: every rule under rules/ loads and passes its own tests.

TEST(RulePack, EveryRuleLoadsAndPasses) {
    const fs::path pack = kSourceDir / "rules";
    Result<std::vector<Rule>> rules = LoadRules(pack.string());
    ASSERT_TRUE(rules.ok()) << rules.status().message();
    EXPECT_FALSE(rules->empty());
    for (const Rule& rule : *rules) {
        SCOPED_TRACE(rule.path);
        Result<std::vector<ExampleResult>> results = RunRuleExamples(rule);
        ASSERT_TRUE(results.ok()) << results.status().message();
        EXPECT_FALSE(results->empty());
        for (const ExampleResult& result : *results) {
            EXPECT_TRUE(result.passed) << rule.path << ":" << result.line << ": test '" << result.name
                                       << "' failed: " << result.failure << "\n"
                                       << DescribeFailure(result);
        }
    }
}

} // namespace
} // namespace unmask::detect
