#include "output/html_model.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "output/html_facts.h"
#include "table/datetime.h"
#include "table/dynamic.h"

namespace unmask::output {

namespace {

using detect::Finding;
using detect::FindingReason;

DynamicPtr Text(const std::string& text) {
    return DynamicValue::String(text);
}

DynamicPtr TextArray(const std::vector<std::string>& values) {
    DynamicValue::Array items;
    for (const std::string& value : values) {
        items.push_back(Text(value));
    }
    return DynamicValue::MakeArray(std::move(items));
}

DynamicPtr OptionalReal(const std::optional<double>& value) {
    return value && std::isfinite(*value) ? DynamicValue::Real(*value) : DynamicValue::Null();
}

DynamicPtr OptionalLong(const std::optional<int64_t>& value) {
    return value ? DynamicValue::Long(*value) : DynamicValue::Null();
}

DynamicPtr OptionalTime(const std::optional<int64_t>& ticks) {
    return ticks ? Text(FormatDateTime(*ticks)) : DynamicValue::Null();
}

/// A copy of an evidence value with long arrays and strings cut, so that one row with a day of
/// connection times does not dominate the page's size.
DynamicPtr CapEvidence(const DynamicPtr& value) {
    if (!value) {
        return DynamicValue::Null();
    }
    switch (value->kind()) {
    case DynamicValue::Kind::kString:
        if (value->string().size() > kMaxEvidenceStringBytes) {
            // Cut at a UTF-8 character boundary.
            size_t end = kMaxEvidenceStringBytes;
            while (end > 0 && (static_cast<unsigned char>(value->string()[end]) & 0xC0) == 0x80) {
                --end;
            }
            return Text(value->string().substr(0, end) +
                        fmt::format(" [... {} more bytes in the findings JSONL]", value->string().size() - end));
        }
        return value;
    case DynamicValue::Kind::kArray: {
        DynamicValue::Array items;
        const size_t total = value->array().size();
        for (size_t i = 0; i < total && i < kMaxEvidenceArrayItems; ++i) {
            items.push_back(CapEvidence(value->array()[i]));
        }
        if (total > kMaxEvidenceArrayItems) {
            items.push_back(Text(fmt::format("[... {} more items in the findings JSONL]", total - kMaxEvidenceArrayItems)));
        }
        return DynamicValue::MakeArray(std::move(items));
    }
    case DynamicValue::Kind::kObject: {
        DynamicValue::Object properties;
        for (const auto& [key, item] : value->object()) {
            properties.emplace_back(key, CapEvidence(item));
        }
        return DynamicValue::MakeObject(std::move(properties));
    }
    default:
        return value;
    }
}

DynamicPtr ReasonJson(const FindingReason& reason) {
    return DynamicValue::MakeObject({
        {"rule_id", Text(reason.rule_id)},
        {"rule_title", Text(reason.rule_title)},
        {"severity", Text(detect::SeverityName(reason.severity))},
        {"confidence", Text(detect::ConfidenceName(reason.confidence))},
        {"explanation", Text(reason.explanation)},
        {"evidence", CapEvidence(reason.evidence)},
    });
}

DynamicPtr BeaconJson(const Finding& finding, bool plotted) {
    const std::optional<BeaconSeries> series = ExtractBeaconSeries(finding);
    if (!series) {
        return DynamicValue::Null();
    }
    return DynamicValue::MakeObject({
        {"connections", OptionalLong(series->connections)},
        {"mean", OptionalReal(series->mean_interval_seconds)},
        {"median", OptionalReal(series->median_interval_seconds)},
        {"stdev", OptionalReal(series->stdev_interval_seconds)},
        {"period", OptionalReal(series->period_seconds)},
        {"jitter", OptionalReal(series->jitter)},
        {"timestamps", DynamicValue::Long(static_cast<int64_t>(series->timestamps.size()))},
        {"plotted", DynamicValue::Bool(plotted)},
    });
}

DynamicPtr TlsJson(const Finding& finding) {
    const std::optional<TlsFacts> tls = ExtractTlsFacts(finding);
    if (!tls) {
        return DynamicValue::Null();
    }
    DynamicValue::Array facts;
    for (const auto& [key, value] : tls->facts) {
        facts.push_back(DynamicValue::MakeArray({Text(key), Text(value)}));
    }
    DynamicValue::Object tls_json = {
        {"facts", DynamicValue::MakeArray(std::move(facts))},
        {"host", Text(tls->host)},
        {"service", tls->expectation ? Text(tls->expectation->service) : DynamicValue::Null()},
        {"expected_issuers",
         tls->expectation ? TextArray(tls->expectation->issuer_organizations) : DynamicValue::MakeArray({})},
        {"issuer_matches", tls->issuer_matches ? DynamicValue::Bool(*tls->issuer_matches) : DynamicValue::Null()},
    };
    return DynamicValue::MakeObject(std::move(tls_json));
}

DynamicPtr FindingJson(const Finding& finding, bool plotted) {
    DynamicValue::Array reasons;
    for (const FindingReason& reason : finding.reasons) {
        reasons.push_back(ReasonJson(reason));
    }
    std::vector<std::string> ports;
    for (int64_t port : finding.remote_ports) {
        ports.push_back(std::to_string(port));
    }
    return DynamicValue::MakeObject({
        {"id", Text(finding.id)},
        {"severity", Text(detect::SeverityName(finding.severity))},
        {"rank", DynamicValue::Long(static_cast<int64_t>(finding.severity))},
        {"confidence", Text(detect::ConfidenceName(finding.confidence))},
        {"score", DynamicValue::Real(finding.score)},
        {"first", OptionalTime(finding.first_seen)},
        {"last", OptionalTime(finding.last_seen)},
        {"device", Text(finding.device)},
        {"process", Text(finding.process)},
        {"process_id", Text(finding.process_id)},
        {"command_line", Text(finding.command_line)},
        {"folder_path", Text(finding.folder_path)},
        {"remote_ips", TextArray(finding.remote_ips)},
        {"remote_ports", TextArray(ports)},
        {"remote_names", TextArray(finding.remote_names)},
        {"destination", Text(DestinationSummary(finding))},
        {"count", OptionalLong(finding.count)},
        {"bytes_sent", OptionalLong(finding.bytes_sent)},
        {"bytes_received", OptionalLong(finding.bytes_received)},
        {"attack", TextArray(finding.attack)},
        {"rules", TextArray(FindingRuleIds(finding))},
        {"explanation", Text(finding.explanation)},
        {"reasons", DynamicValue::MakeArray(std::move(reasons))},
        {"pivot", Text(BuildPivotKql(finding))},
        {"beacon", BeaconJson(finding, plotted)},
        {"tls", TlsJson(finding)},
    });
}

DynamicPtr RuleJson(const detect::Rule& rule) {
    DynamicValue::Array queries;
    for (const detect::TriageQuery& query : rule.triage_queries) {
        queries.push_back(DynamicValue::MakeObject({{"title", Text(query.title)}, {"kql", Text(query.kql)}}));
    }
    return DynamicValue::MakeObject({
        {"title", Text(rule.title)},
        {"severity", Text(detect::SeverityName(rule.severity))},
        {"attack", TextArray(rule.attack)},
        {"description", Text(rule.description)},
        {"triage", TextArray(rule.triage_steps)},
        {"queries", DynamicValue::MakeArray(std::move(queries))},
        {"response", TextArray(rule.response)},
        {"false_positives", TextArray(rule.false_positives)},
    });
}

} // namespace

std::vector<std::string> FindingRuleIds(const Finding& finding) {
    std::vector<std::string> ids;
    for (const FindingReason& reason : finding.reasons) {
        if (std::find(ids.begin(), ids.end(), reason.rule_id) == ids.end()) {
            ids.push_back(reason.rule_id);
        }
    }
    return ids;
}

std::string DestinationSummary(const Finding& finding) {
    const std::vector<std::string>& endpoints = finding.remote_names.empty() ? finding.remote_ips : finding.remote_names;
    if (endpoints.empty()) {
        return finding.remote_ports.size() == 1 ? "port " + std::to_string(finding.remote_ports[0]) : "";
    }
    std::string text = endpoints[0];
    if (finding.remote_ports.size() == 1) {
        const bool ipv6 = text.find(':') != std::string::npos && text.find("://") == std::string::npos;
        text = (ipv6 ? "[" + text + "]" : text) + ":" + std::to_string(finding.remote_ports[0]);
    }
    if (endpoints.size() > 1) {
        text += fmt::format(" (+{} more)", endpoints.size() - 1);
    }
    return text;
}

std::string BuildReportJson(const std::vector<Finding>& findings, const HtmlReportContext& context,
                            const std::vector<bool>& plotted) {
    DynamicValue::Object rules;
    for (const detect::Rule& rule : context.rules) {
        rules.emplace_back(rule.id, RuleJson(rule));
    }
    DynamicValue::Array severities;
    for (auto severity : {detect::Severity::kInformational, detect::Severity::kLow, detect::Severity::kMedium,
                          detect::Severity::kHigh, detect::Severity::kCritical}) {
        severities.push_back(Text(detect::SeverityName(severity)));
    }
    // Serialised finding by finding, so that no tree of all findings is held at once.
    std::string json = R"({"format":1,"severities":)";
    DynamicValue::MakeArray(std::move(severities))->AppendJson(json);
    json += R"(,"rules":)";
    DynamicValue::MakeObject(std::move(rules))->AppendJson(json);
    json += R"(,"findings":[)";
    for (size_t i = 0; i < findings.size(); ++i) {
        json += i > 0 ? "," : "";
        FindingJson(findings[i], i < plotted.size() && plotted[i])->AppendJson(json);
    }
    json += "]}";
    return json;
}

} // namespace unmask::output
