// OCSF 1.1.0 Detection Finding (class_uid 2004) output. Attribute names, enum values and the
// required attributes follow the OCSF schema repository (github.com/ocsf/ocsf-schema, tag
// v1.1.0): events/findings/detection_finding.json, finding.json, base_event.json and objects/.
#include <algorithm>
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

#include "output/finding_writer.h"
#include "table/datetime.h"
#include "table/dynamic.h"

namespace unmask::output {

namespace {

using detect::Finding;
using detect::FindingReason;

constexpr const char* kOcsfVersion = "1.1.0";
constexpr int kCategoryFindings = 2;
constexpr int kClassDetectionFinding = 2004;
constexpr int kActivityCreate = 1;
constexpr int kStatusNew = 1;
constexpr int kAnalyticTypeRule = 1;
constexpr int kFileTypeRegular = 1;
constexpr int kDeviceTypeUnknown = 0;
// Observable type ids of OCSF 1.1.0 (dictionary.json types).
constexpr int kObservableHostname = 1;
constexpr int kObservableIpAddress = 2;
constexpr int kObservableProcessName = 9;

/// ATT&CK techniques that detection rules for disguised C2 cite, with their tactic. An id not
/// listed is written with its uid only, which OCSF allows (technique: name or uid).
struct AttackName {
    const char* uid;
    const char* name;
    const char* tactic_uid;
    const char* tactic_name;
};
constexpr AttackName kAttackNames[] = {
    {"T1001", "Data Obfuscation", "TA0011", "Command and Control"},
    {"T1001.001", "Junk Data", "TA0011", "Command and Control"},
    {"T1001.002", "Steganography", "TA0011", "Command and Control"},
    {"T1001.003", "Protocol or Service Impersonation", "TA0011", "Command and Control"},
    {"T1008", "Fallback Channels", "TA0011", "Command and Control"},
    {"T1071", "Application Layer Protocol", "TA0011", "Command and Control"},
    {"T1071.001", "Web Protocols", "TA0011", "Command and Control"},
    {"T1071.004", "DNS", "TA0011", "Command and Control"},
    {"T1090", "Proxy", "TA0011", "Command and Control"},
    {"T1095", "Non-Application Layer Protocol", "TA0011", "Command and Control"},
    {"T1102", "Web Service", "TA0011", "Command and Control"},
    {"T1105", "Ingress Tool Transfer", "TA0011", "Command and Control"},
    {"T1132", "Data Encoding", "TA0011", "Command and Control"},
    {"T1568", "Dynamic Resolution", "TA0011", "Command and Control"},
    {"T1571", "Non-Standard Port", "TA0011", "Command and Control"},
    {"T1572", "Protocol Tunneling", "TA0011", "Command and Control"},
    {"T1573", "Encrypted Channel", "TA0011", "Command and Control"},
    {"T1573.001", "Symmetric Cryptography", "TA0011", "Command and Control"},
    {"T1573.002", "Asymmetric Cryptography", "TA0011", "Command and Control"},
    {"T1029", "Scheduled Transfer", "TA0010", "Exfiltration"},
    {"T1041", "Exfiltration Over C2 Channel", "TA0010", "Exfiltration"},
};

const AttackName* FindAttackName(std::string_view uid) {
    for (const AttackName& known : kAttackNames) {
        if (uid == known.uid) {
            return &known;
        }
    }
    return nullptr;
}

class JsonObject {
public:
    JsonObject& Add(std::string key, DynamicPtr value) {
        properties_.emplace_back(std::move(key), std::move(value));
        return *this;
    }
    /// Adds the key only when the text is not empty.
    JsonObject& AddText(std::string key, const std::string& text) {
        if (!text.empty()) {
            Add(std::move(key), DynamicValue::String(text));
        }
        return *this;
    }
    JsonObject& AddLong(std::string key, int64_t value) { return Add(std::move(key), DynamicValue::Long(value)); }
    bool empty() const { return properties_.empty(); }
    DynamicPtr Build() { return DynamicValue::MakeObject(std::move(properties_)); }

private:
    DynamicValue::Object properties_;
};

/// OCSF timestamp_t: milliseconds since the Unix epoch.
int64_t EpochMilliseconds(int64_t ticks) {
    return (ticks - kUnixEpochTicks) / kTicksPerMillisecond;
}

int SeverityId(detect::Severity severity) {
    switch (severity) {
    case detect::Severity::kInformational:
        return 1;
    case detect::Severity::kLow:
        return 2;
    case detect::Severity::kMedium:
        return 3;
    case detect::Severity::kHigh:
        return 4;
    case detect::Severity::kCritical:
        return 5;
    }
    return 0;
}

const char* SeverityCaption(detect::Severity severity) {
    switch (severity) {
    case detect::Severity::kInformational:
        return "Informational";
    case detect::Severity::kLow:
        return "Low";
    case detect::Severity::kMedium:
        return "Medium";
    case detect::Severity::kHigh:
        return "High";
    case detect::Severity::kCritical:
        return "Critical";
    }
    return "Unknown";
}

int ConfidenceId(detect::Confidence confidence) {
    switch (confidence) {
    case detect::Confidence::kLow:
        return 1;
    case detect::Confidence::kMedium:
        return 2;
    case detect::Confidence::kHigh:
        return 3;
    }
    return 0;
}

const char* ConfidenceCaption(detect::Confidence confidence) {
    switch (confidence) {
    case detect::Confidence::kLow:
        return "Low";
    case detect::Confidence::kMedium:
        return "Medium";
    case detect::Confidence::kHigh:
        return "High";
    }
    return "Unknown";
}

DynamicPtr Strings(const std::vector<std::string>& values) {
    DynamicValue::Array items;
    for (const std::string& value : values) {
        items.push_back(DynamicValue::String(value));
    }
    return DynamicValue::MakeArray(std::move(items));
}

/// Builds one ATT&CK entry. A sub-technique id (T1001.003) fills `sub_technique` and its parent
/// fills `technique`, because OCSF 1.1.0 separates them.
DynamicPtr AttackJson(const std::string& uid) {
    JsonObject attack;
    const AttackName* known = FindAttackName(uid);
    const size_t dot = uid.find('.');
    if (dot == std::string::npos) {
        JsonObject technique;
        technique.AddText("uid", uid).AddText("name", known != nullptr ? known->name : "");
        attack.Add("technique", technique.Build());
    } else {
        const std::string parent_uid = uid.substr(0, dot);
        const AttackName* parent = FindAttackName(parent_uid);
        JsonObject technique;
        technique.AddText("uid", parent_uid).AddText("name", parent != nullptr ? parent->name : "");
        JsonObject sub_technique;
        sub_technique.AddText("uid", uid).AddText("name", known != nullptr ? known->name : "");
        attack.Add("technique", technique.Build());
        attack.Add("sub_technique", sub_technique.Build());
    }
    if (known != nullptr) {
        attack.Add("tactic",
                   JsonObject().AddText("uid", known->tactic_uid).AddText("name", known->tactic_name).Build());
    }
    return attack.Build();
}

DynamicPtr AnalyticJson(const FindingReason& reason) {
    return JsonObject()
        .AddText("uid", reason.rule_id)
        .AddText("name", reason.rule_title)
        .AddLong("type_id", kAnalyticTypeRule)
        .AddText("type", "Rule")
        .Build();
}

DynamicPtr FindingInfoJson(const Finding& finding) {
    std::vector<std::string> rule_ids;
    DynamicValue::Array related;
    for (const FindingReason& reason : finding.reasons) {
        if (std::find(rule_ids.begin(), rule_ids.end(), reason.rule_id) != rule_ids.end()) {
            continue;
        }
        if (!rule_ids.empty()) {
            related.push_back(AnalyticJson(reason));
        }
        rule_ids.push_back(reason.rule_id);
    }
    std::string title = finding.reasons.empty() ? "unmask finding" : finding.reasons.front().rule_title;
    if (rule_ids.size() > 1) {
        title += " (+" + std::to_string(rule_ids.size() - 1) + " more rules)";
    }

    DynamicValue::Array attacks;
    for (const std::string& uid : finding.attack) {
        attacks.push_back(AttackJson(uid));
    }

    JsonObject info;
    info.AddText("uid", finding.id).AddText("title", title).AddText("desc", finding.explanation);
    info.Add("types", Strings(rule_ids));
    if (!finding.reasons.empty()) {
        info.Add("analytic", AnalyticJson(finding.reasons.front()));
    }
    if (!related.empty()) {
        info.Add("related_analytics", DynamicValue::MakeArray(std::move(related)));
    }
    if (finding.first_seen) {
        info.AddLong("first_seen_time", EpochMilliseconds(*finding.first_seen));
    }
    if (finding.last_seen) {
        info.AddLong("last_seen_time", EpochMilliseconds(*finding.last_seen));
    }
    if (!attacks.empty()) {
        info.Add("attacks", DynamicValue::MakeArray(std::move(attacks)));
    }
    info.Add("data_sources", Strings({"Microsoft Defender for Endpoint DeviceNetworkEvents"}));
    return info.Build();
}

/// Numeric process ids of the finding ("4242" or, after a merge, "4242, 5151").
std::vector<int64_t> ProcessIds(const std::string& text) {
    std::vector<int64_t> ids;
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find(',', start);
        if (end == std::string::npos) {
            end = text.size();
        }
        std::string part = text.substr(start, end - start);
        part.erase(0, part.find_first_not_of(' '));
        char* parse_end = nullptr;
        const long long value = std::strtoll(part.c_str(), &parse_end, 10);
        if (!part.empty() && parse_end != nullptr && *parse_end == '\0') {
            ids.push_back(value);
        }
        start = end + 1;
    }
    return ids;
}

/// Builds the process object, or returns null when no numeric process id is known, because OCSF
/// requires a process to have a pid or a uid.
DynamicPtr ProcessJson(const Finding& finding) {
    const std::vector<int64_t> ids = ProcessIds(finding.process_id);
    if (ids.empty()) {
        return nullptr;
    }
    JsonObject process;
    process.AddText("name", finding.process).AddLong("pid", ids.front()).AddText("cmd_line", finding.command_line);
    if (!finding.process.empty()) {
        JsonObject file;
        file.AddText("name", finding.process)
            .AddText("path", finding.folder_path)
            .AddLong("type_id", kFileTypeRegular)
            .AddText("type", "Regular File");
        process.Add("file", file.Build());
    }
    return process.Build();
}

/// Builds one evidence per remote address (or name) with the process and the local device, then
/// one per reason with the rule's result row under `data`.
DynamicPtr EvidencesJson(const Finding& finding, DynamicValue::Array& observables) {
    DynamicValue::Array evidences;
    const DynamicPtr process = ProcessJson(finding);
    auto endpoint_evidence = [&](JsonObject destination) {
        JsonObject evidence;
        if (process) {
            evidence.Add("process", process);
        }
        if (!finding.device.empty()) {
            evidence.Add("src_endpoint", JsonObject().AddText("hostname", finding.device).Build());
        }
        if (!destination.empty()) {
            if (finding.remote_ports.size() == 1) {
                destination.AddLong("port", finding.remote_ports.front());
            }
            evidence.Add("dst_endpoint", destination.Build());
        }
        if (!evidence.empty()) {
            evidences.push_back(evidence.Build());
        }
    };
    auto observe = [&](const std::string& name, int type_id, const char* type, const std::string& value) {
        observables.push_back(JsonObject()
                                  .AddText("name", name)
                                  .AddLong("type_id", type_id)
                                  .AddText("type", type)
                                  .AddText("value", value)
                                  .Build());
    };
    if (!finding.remote_ips.empty()) {
        for (const std::string& ip : finding.remote_ips) {
            observe(fmt::format("evidences[{}].dst_endpoint.ip", evidences.size()), kObservableIpAddress, "IP Address",
                    ip);
            endpoint_evidence(JsonObject().AddText("ip", ip));
        }
    } else if (!finding.remote_names.empty()) {
        for (const std::string& name : finding.remote_names) {
            observe(fmt::format("evidences[{}].dst_endpoint.hostname", evidences.size()), kObservableHostname,
                    "Hostname", name);
            endpoint_evidence(JsonObject().AddText("hostname", name));
        }
    } else {
        endpoint_evidence(JsonObject());
    }
    if (!finding.process.empty()) {
        observe(process ? "evidences[0].process.name" : "unmapped.process", kObservableProcessName, "Process Name",
                finding.process);
    }
    for (const FindingReason& reason : finding.reasons) {
        JsonObject data;
        data.AddText("rule_id", reason.rule_id).Add("row", reason.evidence ? reason.evidence : DynamicValue::Null());
        evidences.push_back(JsonObject().Add("data", data.Build()).Build());
    }
    return DynamicValue::MakeArray(std::move(evidences));
}

DynamicPtr UnmappedJson(const Finding& finding) {
    JsonObject unmapped;
    unmapped.Add("score", DynamicValue::Real(finding.score));
    unmapped.AddText("process", finding.process);
    unmapped.AddText("process_id", finding.process_id);
    if (!finding.remote_names.empty()) {
        unmapped.Add("remote_names", Strings(finding.remote_names));
    }
    if (finding.remote_ports.size() > 1) {
        DynamicValue::Array ports;
        for (int64_t port : finding.remote_ports) {
            ports.push_back(DynamicValue::Long(port));
        }
        unmapped.Add("remote_ports", DynamicValue::MakeArray(std::move(ports)));
    }

    if (finding.bytes_sent) {
        unmapped.AddLong("bytes_sent", *finding.bytes_sent);
    }
    if (finding.bytes_received) {
        unmapped.AddLong("bytes_received", *finding.bytes_received);
    }
    if (finding.beacon) {
        JsonObject beacon;
        beacon.AddLong("connections", finding.beacon->connections);
        auto add_seconds = [&](const char* key, double value) {
            if (std::isfinite(value)) {
                beacon.Add(key, DynamicValue::Real(value));
            }
        };
        add_seconds("mean_interval_seconds", finding.beacon->mean_interval_seconds);
        add_seconds("stdev_interval_seconds", finding.beacon->stdev_interval_seconds);
        add_seconds("median_interval_seconds", finding.beacon->median_interval_seconds);
        unmapped.Add("beacon", beacon.Build());
    }

    DynamicValue::Array explanations;
    for (const FindingReason& reason : finding.reasons) {
        explanations.push_back(JsonObject()
                                   .AddText("rule_id", reason.rule_id)
                                   .AddText("severity", detect::SeverityName(reason.severity))
                                   .AddText("confidence", detect::ConfidenceName(reason.confidence))
                                   .AddText("explanation", reason.explanation)
                                   .Build());
    }
    unmapped.Add("reasons", DynamicValue::MakeArray(std::move(explanations)));
    return unmapped.Build();
}

} // namespace

std::string FindingToOcsfJson(const Finding& finding, const FindingWriteOptions& options) {
    DynamicValue::Array observables;
    const DynamicPtr evidences = EvidencesJson(finding, observables);
    if (!finding.device.empty()) {
        observables.push_back(JsonObject()
                                  .AddText("name", "device.hostname")
                                  .AddLong("type_id", kObservableHostname)
                                  .AddText("type", "Hostname")
                                  .AddText("value", finding.device)
                                  .Build());
    }
    JsonObject product;
    product.AddText("name", "unmask").AddText("vendor_name", "unmask").AddText("version", options.product_version);
    JsonObject metadata;
    metadata.AddText("version", kOcsfVersion).Add("product", product.Build()).Add("profiles", Strings({"host"}));

    JsonObject event;
    event.AddLong("activity_id", kActivityCreate)
        .AddText("activity_name", "Create")
        .AddLong("category_uid", kCategoryFindings)
        .AddText("category_name", "Findings")
        .AddLong("class_uid", kClassDetectionFinding)
        .AddText("class_name", "Detection Finding")
        .AddLong("type_uid", kClassDetectionFinding * 100 + kActivityCreate)
        .AddText("type_name", "Detection Finding: Create")
        .AddLong("severity_id", SeverityId(finding.severity))
        .AddText("severity", SeverityCaption(finding.severity))
        .AddLong("confidence_id", ConfidenceId(finding.confidence))
        .AddText("confidence", ConfidenceCaption(finding.confidence))
        .AddLong("risk_score", std::lround(finding.score))
        .AddLong("status_id", kStatusNew)
        .AddText("status", "New")
        .AddLong("time", EpochMilliseconds(options.now_ticks));
    if (finding.first_seen) {
        event.AddLong("start_time", EpochMilliseconds(*finding.first_seen));
    }
    if (finding.last_seen) {
        event.AddLong("end_time", EpochMilliseconds(*finding.last_seen));
    }
    if (finding.count) {
        event.AddLong("count", *finding.count);
    }
    event.AddText("message", finding.explanation)
        .Add("metadata", metadata.Build())
        .Add("finding_info", FindingInfoJson(finding));
    if (!finding.device.empty()) {
        event.Add("device", JsonObject()
                                .AddText("hostname", finding.device)
                                .AddText("name", finding.device)
                                .AddLong("type_id", kDeviceTypeUnknown)
                                .AddText("type", "Unknown")
                                .Build());
    }
    event.Add("evidences", evidences)
        .Add("observables", DynamicValue::MakeArray(std::move(observables)))
        .Add("unmapped", UnmappedJson(finding));
    return event.Build()->ToJson();
}

void WriteOcsfJsonLines(std::ostream& out, const std::vector<Finding>& findings, const FindingWriteOptions& options) {
    for (const Finding& finding : findings) {
        out << FindingToOcsfJson(finding, options) << '\n';
    }
}

} // namespace unmask::output
