// Finding writers: golden outputs of the table, JSON lines, CSV and OCSF formats for hand-built
// findings, and a check of the OCSF output against the Detection Finding class.
//
// Set UNMASK_UPDATE_BASELINES=1 to rewrite the golden files from the current output.
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include <gtest/gtest.h>

#include "detect/hunt.h"
#include "output/finding_writer.h"
#include "table/datetime.h"

namespace {

namespace fs = std::filesystem;
using unmask::DynamicPtr;
using unmask::DynamicValue;
using unmask::detect::BeaconStats;
using unmask::detect::Confidence;
using unmask::detect::Finding;
using unmask::detect::FindingReason;
using unmask::detect::Severity;
using unmask::output::FindingFormat;
using unmask::output::FindingWriteOptions;

const fs::path kSourceDir(UNMASK_SOURCE_DIR);

std::string ReadText(const fs::path& path) {
    std::ifstream file(path, std::ios::binary);
    std::ostringstream text;
    text << file.rdbuf();
    return text.str();
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

int64_t Ticks(const char* text) {
    return *unmask::ParseDateTime(text);
}

FindingReason Reason(const std::string& rule_id, const std::string& title, Severity severity, Confidence confidence,
                     const std::string& explanation, const std::string& evidence_json) {
    FindingReason reason;
    reason.rule_id = rule_id;
    reason.rule_title = title;
    reason.severity = severity;
    reason.confidence = confidence;
    reason.explanation = explanation;
    reason.evidence = unmask::ParseJson(evidence_json).value();
    return reason;
}

/// Three findings that cover the writers' cases: a merged process beacon with IPv4 and IPv6
/// peers and a missing statistic, a sensor finding without a process, and a critical finding
/// whose merge listed two process ids.
std::vector<Finding> SampleFindings() {
    std::vector<Finding> findings;

    Finding beacon;
    beacon.attack = {"T1001.003", "T1571"};
    beacon.first_seen = Ticks("2024-03-09T12:00:47.4686034Z");
    beacon.last_seen = Ticks("2024-03-10T11:58:09Z");
    beacon.device = "laptop-g01oxlp.corp.contoso.com";
    beacon.process = "rundll32.exe";
    beacon.command_line = "rundll32.exe \"C:\\Users\\p\\AppData\\Local\\Temp\\49641.dll\",DllRegisterServer";
    beacon.process_id = "39708";
    beacon.folder_path = "c:\\windows\\system32\\rundll32.exe";
    beacon.remote_ips = {"91.133.204.190", "2001:db8::7"};
    beacon.remote_ports = {443};
    beacon.count = 550;
    beacon.bytes_sent = 687583;
    beacon.bytes_received = 818595;
    BeaconStats stats;
    stats.connections = 550;
    stats.mean_interval_seconds = 157.25;
    stats.stdev_interval_seconds = 27.5;
    stats.median_interval_seconds = std::numeric_limits<double>::quiet_NaN();
    beacon.beacon = stats;
    beacon.reasons.push_back(Reason("regular-beacon", "Regular-interval connections", Severity::kHigh,
                                    Confidence::kHigh, "rundll32.exe connected 550 times every 154.87 s",
                                    R"({"DeviceName":"laptop-g01oxlp.corp.contoso.com","RemoteIP":"91.133.204.190",
                                        "RemotePort":443,"MeanIntervalSeconds":157.25})"));
    beacon.reasons.push_back(Reason("tls-port-process", "Non-browser process on a TLS port", Severity::kHigh,
                                    Confidence::kMedium, "rundll32.exe made 550 TLS-port connections",
                                    R"({"DeviceName":"laptop-g01oxlp.corp.contoso.com",
                                        "RemoteIPs":["91.133.204.190","2001:db8::7"],"Ports":[443]})"));
    unmask::detect::FinalizeFinding(beacon);
    findings.push_back(beacon);

    Finding sensor;
    sensor.attack = {"T1071.001", "T9999"};
    sensor.first_seen = Ticks("2024-03-10T08:00:00Z");
    sensor.last_seen = Ticks("2024-03-10T08:05:00Z");
    sensor.device = "sensor-1";
    sensor.remote_names = {"cdn.evil.example", "evil.example"};
    sensor.remote_ports = {80, 8080};
    sensor.count = 7;
    sensor.reasons.push_back(Reason("known-c2-header-names", "Known C2 header names", Severity::kMedium,
                                    Confidence::kLow, "7 requests to cdn.evil.example with the header DSID",
                                    R"({"DeviceName":"sensor-1","Host":"cdn.evil.example","Headers":["DSID"]})"));
    unmask::detect::FinalizeFinding(sensor);
    findings.push_back(sensor);

    Finding critical;
    critical.attack = {"T1001.003"};
    critical.device = "wks-7";
    critical.process = "svchost.exe";
    critical.process_id = "10, 20";
    critical.folder_path = "c:\\users\\public\\svchost.exe";
    critical.remote_ips = {"::ffff:203.0.113.5"};
    critical.reasons.push_back(Reason("svchost-masquerade", "svchost.exe outside System32", Severity::kCritical,
                                      Confidence::kHigh, "svchost.exe ran from c:\\users\\public",
                                      R"({"DeviceName":"wks-7","Note":"line one\nline two, with \"quotes\""})"));
    unmask::detect::FinalizeFinding(critical);
    findings.push_back(critical);

    unmask::detect::SortFindings(findings);
    return findings;
}

FindingWriteOptions WriteOptions() {
    FindingWriteOptions options;
    options.product_version = "0.0.0-test";
    options.now_ticks = Ticks("2024-03-10T12:00:00Z");
    return options;
}

std::string Write(FindingFormat format) {
    std::ostringstream out;
    unmask::output::WriteFindings(out, SampleFindings(), format, WriteOptions());
    return out.str();
}

// ---------------------------------------------------------------------------------------------
// Formats

TEST(FindingWriter, ParsesFormatNames) {
    FindingFormat format = FindingFormat::kTable;
    EXPECT_TRUE(unmask::output::ParseFindingFormat("ocsf", format));
    EXPECT_EQ(format, FindingFormat::kOcsf);
    EXPECT_TRUE(unmask::output::ParseFindingFormat("json", format));
    EXPECT_EQ(format, FindingFormat::kJsonLines);
    EXPECT_TRUE(unmask::output::ParseFindingFormat("csv", format));
    EXPECT_EQ(format, FindingFormat::kCsv);
    EXPECT_TRUE(unmask::output::ParseFindingFormat("table", format));
    EXPECT_EQ(format, FindingFormat::kTable);
    EXPECT_FALSE(unmask::output::ParseFindingFormat("xml", format));
}

TEST(FindingWriter, TableGolden) {
    const std::string table = Write(FindingFormat::kTable);
    ExpectGolden("hunt-findings.table", table);
    // Sorted by severity: the critical finding comes first.
    EXPECT_EQ(table.find("critical"), table.find('\n', table.find('\n') + 1) + 1) << table;
    EXPECT_NE(table.find("(3 findings)"), std::string::npos);
}

TEST(FindingWriter, JsonLinesGolden) {
    const std::string text = Write(FindingFormat::kJsonLines);
    ExpectGolden("hunt-findings.jsonl", text);
    std::istringstream lines(text);
    std::string line;
    int count = 0;
    while (std::getline(lines, line)) {
        auto parsed = unmask::ParseJson(line);
        ASSERT_TRUE(parsed.ok()) << parsed.status().message();
        ++count;
    }
    EXPECT_EQ(count, 3);
}

TEST(FindingWriter, CsvGolden) {
    const std::string text = Write(FindingFormat::kCsv);
    ExpectGolden("hunt-findings.csv", text);
    EXPECT_EQ(text.rfind("id,severity,confidence,score,", 0), 0u);
    // The command line contains quotes and a comma, so it is quoted with doubled quotes.
    EXPECT_NE(text.find(R"("rundll32.exe ""C:\Users\p\AppData\Local\Temp\49641.dll"",DllRegisterServer")"),
              std::string::npos)
        << text;
}

TEST(FindingWriter, OcsfGolden) {
    ExpectGolden("hunt-findings.ocsf.jsonl", Write(FindingFormat::kOcsf));
}

TEST(FindingWriter, EmptyInputs) {
    std::ostringstream table;
    unmask::output::WriteFindingTable(table, {}, WriteOptions());
    EXPECT_NE(table.str().find("(0 findings)"), std::string::npos);
    std::ostringstream jsonl;
    unmask::output::WriteFindingJsonLines(jsonl, {});
    EXPECT_EQ(jsonl.str(), "");
    std::ostringstream csv;
    unmask::output::WriteFindingCsv(csv, {});
    const std::string csv_text = csv.str();
    EXPECT_EQ(std::count(csv_text.begin(), csv_text.end(), '\n'), 1);
}

// ---------------------------------------------------------------------------------------------
// OCSF Detection Finding validation
//
// Required attributes of class Detection Finding (class_uid 2004) in OCSF 1.1.0, read from the
// schema repository github.com/ocsf/ocsf-schema at tag v1.1.0:
// - events/base_event.json: metadata, severity_id (required); includes/classification.json:
//   activity_id, category_uid, class_uid, type_uid; includes/occurrence.json: time.
// - events/findings/finding.json: finding_info. events/findings/detection_finding.json adds no
//   required attribute (evidences and resources are recommended).
// - Profile attributes are required only when metadata.profiles names the profile: action_id
//   (security_control) and cloud (cloud). unmask applies neither; it names "host", whose
//   attributes (device, actor) are not required.
// Objects (objects/*.json):
// - metadata: product and version. product: vendor_name, and name or uid (as an _entity).
// - finding_info: title and uid. analytic, device, file and observable: type_id. file and
//   observable: name.
// - process: pid or uid. attack: tactic, technique or sub_technique. technique, sub_technique
//   and tactic: name or uid.
// - evidences item: one of actor, api, connection_info, data, dst_endpoint, file, process,
//   query, src_endpoint. network endpoint: one of ip, uid, name, hostname, svc_name,
//   instance_uid, interface_uid, interface_name.

const char* const kRequiredEventAttributes[] = {"activity_id", "category_uid", "class_uid", "type_uid",
                                                "time",        "severity_id",  "metadata",  "finding_info"};

const DynamicValue* Get(const DynamicValue& object, const char* key) {
    const DynamicPtr* value = object.Find(key);
    return value != nullptr && *value && !(*value)->is_null() ? value->get() : nullptr;
}

bool IsInteger(const DynamicValue* value) {
    return value != nullptr && value->kind() == DynamicValue::Kind::kLong;
}

bool IsText(const DynamicValue* value) {
    return value != nullptr && value->kind() == DynamicValue::Kind::kString && !value->string().empty();
}

class OcsfChecker {
public:
    std::vector<std::string> problems;

    void CheckEvent(const DynamicValue& event) {
        for (const char* key : kRequiredEventAttributes) {
            Require(event, key, "");
        }

        for (const char* key : {"activity_id", "category_uid", "class_uid", "type_uid", "time", "severity_id"}) {
            if (Get(event, key) != nullptr && !IsInteger(Get(event, key))) {
                problems.push_back(std::string(key) + " is not an integer");
            }
        }
        if (!IsInteger(Get(event, "class_uid")) || !IsInteger(Get(event, "category_uid")) ||
            !IsInteger(Get(event, "type_uid")) || !IsInteger(Get(event, "activity_id"))) {
            return;
        }

        ExpectValue(Get(event, "class_uid")->integer(), 2004, "class_uid");
        ExpectValue(Get(event, "category_uid")->integer(), 2, "category_uid");
        ExpectValue(Get(event, "type_uid")->integer(), 2004 * 100 + Get(event, "activity_id")->integer(), "type_uid");
        ExpectEnum(event, "activity_id", {0, 1, 2, 3, 99});
        ExpectEnum(event, "severity_id", {0, 1, 2, 3, 4, 5, 6, 99});
        ExpectEnum(event, "confidence_id", {0, 1, 2, 3, 99});
        ExpectEnum(event, "status_id", {0, 1, 2, 3, 4, 99});

        if (const DynamicValue* metadata = Get(event, "metadata")) {
            CheckMetadata(*metadata);
        }
        if (const DynamicValue* info = Get(event, "finding_info")) {
            CheckFindingInfo(*info);
        }
        if (const DynamicValue* device = Get(event, "device")) {
            Require(*device, "type_id", "device.");
            CheckEndpoint(*device, "device");
        }
        if (const DynamicValue* evidences = Get(event, "evidences")) {
            for (const DynamicPtr& evidence : evidences->array()) {
                CheckEvidence(*evidence);
            }
        }
        if (const DynamicValue* observables = Get(event, "observables")) {
            for (const DynamicPtr& observable : observables->array()) {
                Require(*observable, "name", "observables[].");
                Require(*observable, "type_id", "observables[].");
            }
        }
    }

private:
    void Require(const DynamicValue& object, const char* key, const std::string& prefix) {
        if (Get(object, key) == nullptr) {
            problems.push_back("missing required attribute " + prefix + key);
        }
    }

    void RequireOne(const DynamicValue& object, std::initializer_list<const char*> keys,
                    const std::string& object_name) {
        for (const char* key : keys) {
            if (Get(object, key) != nullptr) {
                return;
            }
        }
        problems.push_back(object_name + " has none of its at-least-one attributes");
    }

    void ExpectValue(int64_t actual, int64_t expected, const std::string& key) {
        if (actual != expected) {
            problems.push_back(key + " is " + std::to_string(actual) + ", expected " + std::to_string(expected));
        }
    }

    void ExpectEnum(const DynamicValue& object, const char* key, std::initializer_list<int64_t> allowed) {
        const DynamicValue* value = Get(object, key);
        if (value == nullptr) {
            return;
        }
        if (!IsInteger(value) || std::find(allowed.begin(), allowed.end(), value->integer()) == allowed.end()) {
            problems.push_back(std::string(key) + " is not a value of its enum");
        }
    }

    void CheckMetadata(const DynamicValue& metadata) {
        Require(metadata, "product", "metadata.");
        Require(metadata, "version", "metadata.");
        if (IsText(Get(metadata, "version")) && Get(metadata, "version")->string() != "1.1.0") {
            problems.push_back("metadata.version is not 1.1.0");
        }
        if (const DynamicValue* product = Get(metadata, "product")) {
            Require(*product, "vendor_name", "metadata.product.");
            RequireOne(*product, {"name", "uid"}, "metadata.product");
        }
    }

    void CheckFindingInfo(const DynamicValue& info) {
        Require(info, "title", "finding_info.");
        Require(info, "uid", "finding_info.");
        if (const DynamicValue* analytic = Get(info, "analytic")) {
            Require(*analytic, "type_id", "finding_info.analytic.");
        }
        for (const char* key : {"first_seen_time", "last_seen_time"}) {
            if (Get(info, key) != nullptr && !IsInteger(Get(info, key))) {
                problems.push_back(std::string("finding_info.") + key + " is not an integer");
            }
        }
        if (const DynamicValue* attacks = Get(info, "attacks")) {
            for (const DynamicPtr& attack : attacks->array()) {
                RequireOne(*attack, {"tactic", "technique", "sub_technique"}, "finding_info.attacks[]");
                for (const char* part : {"tactic", "technique", "sub_technique"}) {
                    if (const DynamicValue* entity = Get(*attack, part)) {
                        RequireOne(*entity, {"name", "uid"}, std::string("finding_info.attacks[].") + part);
                    }
                }
            }
        }
    }

    void CheckEndpoint(const DynamicValue& endpoint, const std::string& object_name) {
        RequireOne(endpoint,
                   {"ip", "uid", "name", "hostname", "svc_name", "instance_uid", "interface_uid", "interface_name"},
                   object_name);
    }

    void CheckEvidence(const DynamicValue& evidence) {
        RequireOne(
            evidence,
            {"actor", "api", "connection_info", "data", "dst_endpoint", "file", "process", "query", "src_endpoint"},
            "evidences[]");
        if (const DynamicValue* process = Get(evidence, "process")) {
            RequireOne(*process, {"pid", "uid"}, "evidences[].process");
            if (const DynamicValue* file = Get(*process, "file")) {
                Require(*file, "name", "evidences[].process.file.");
                Require(*file, "type_id", "evidences[].process.file.");
            }
        }
        for (const char* key : {"src_endpoint", "dst_endpoint"}) {
            if (const DynamicValue* endpoint = Get(evidence, key)) {
                CheckEndpoint(*endpoint, std::string("evidences[].") + key);
            }
        }
    }
};

std::vector<DynamicPtr> OcsfEvents() {
    std::vector<DynamicPtr> events;
    std::istringstream lines(Write(FindingFormat::kOcsf));
    std::string line;
    while (std::getline(lines, line)) {
        auto parsed = unmask::ParseJson(line);
        EXPECT_TRUE(parsed.ok()) << parsed.status().message();
        if (parsed.ok()) {
            events.push_back(parsed.value());
        }
    }
    return events;
}

TEST(OcsfWriter, EventsHaveTheRequiredAttributes) {
    const std::vector<DynamicPtr> events = OcsfEvents();
    ASSERT_EQ(events.size(), 3u);
    for (const DynamicPtr& event : events) {
        OcsfChecker checker;
        checker.CheckEvent(*event);
        EXPECT_TRUE(checker.problems.empty()) << ::testing::PrintToString(checker.problems) << "\n" << event->ToJson();
    }
}

TEST(OcsfWriter, CheckerReportsMissingAttributes) {
    auto event = unmask::ParseJson(R"({"class_uid":2004,"category_uid":2,"activity_id":1,"type_uid":200402,
        "severity_id":9,"metadata":{"version":"1.1.0","product":{"name":"x"}},"finding_info":{"uid":"1"},
        "evidences":[{"unmapped":1},{"process":{"name":"a.exe"}}]})");
    ASSERT_TRUE(event.ok());
    OcsfChecker checker;
    checker.CheckEvent(*event.value());
    const std::string problems = ::testing::PrintToString(checker.problems);
    for (const char* expected : {"missing required attribute time", "type_uid is 200402, expected 200401",
                                 "severity_id is not a value of its enum", "metadata.product.vendor_name",
                                 "finding_info.title", "evidences[] has none", "evidences[].process has none"}) {
        EXPECT_NE(problems.find(expected), std::string::npos) << expected << " not in " << problems;
    }
}

TEST(OcsfWriter, MapsSeverityTimeAndAttacks) {
    const std::vector<DynamicPtr> events = OcsfEvents();
    ASSERT_EQ(events.size(), 3u);
    // Sorted: critical, high (the beacon), medium (the sensor finding).
    EXPECT_EQ(Get(*events[0], "severity_id")->integer(), 5);
    EXPECT_EQ(Get(*events[1], "severity_id")->integer(), 4);
    EXPECT_EQ(Get(*events[2], "severity_id")->integer(), 3);
    EXPECT_EQ(Get(*events[1], "confidence_id")->integer(), 3);
    // time is now() of the hunt in milliseconds since the Unix epoch: 2024-03-10T12:00:00Z.
    EXPECT_EQ(Get(*events[1], "time")->integer(), 1710072000000);
    const DynamicValue& info = *Get(*events[1], "finding_info");
    EXPECT_EQ(Get(info, "first_seen_time")->integer(), 1709985647468);
    const DynamicValue& attack = *Get(info, "attacks")->array()[0];
    EXPECT_EQ(Get(*Get(attack, "technique"), "uid")->string(), "T1001");
    EXPECT_EQ(Get(*Get(attack, "technique"), "name")->string(), "Data Obfuscation");
    EXPECT_EQ(Get(*Get(attack, "sub_technique"), "uid")->string(), "T1001.003");
    EXPECT_EQ(Get(*Get(attack, "sub_technique"), "name")->string(), "Protocol or Service Impersonation");
    EXPECT_EQ(Get(*Get(attack, "tactic"), "uid")->string(), "TA0011");
    EXPECT_EQ(Get(*Get(attack, "tactic"), "name")->string(), "Command and Control");
    // An id outside the name table keeps its uid and has no tactic.
    const DynamicValue& unknown = *Get(*Get(*events[2], "finding_info"), "attacks")->array()[1];
    EXPECT_EQ(Get(*Get(unknown, "technique"), "uid")->string(), "T9999");
    EXPECT_EQ(Get(unknown, "tactic"), nullptr);
}

TEST(OcsfWriter, ProcessNeedsANumericPid) {
    const std::vector<DynamicPtr> events = OcsfEvents();
    // The merged "10, 20" keeps the first pid; the sensor finding has no process object.
    const DynamicValue& critical_evidence = *Get(*events[0], "evidences")->array()[0];
    EXPECT_EQ(Get(*Get(critical_evidence, "process"), "pid")->integer(), 10);
    for (const DynamicPtr& evidence : Get(*events[2], "evidences")->array()) {
        EXPECT_EQ(Get(*evidence, "process"), nullptr);
    }
}

} // namespace
