#include "output/finding_writer.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "table/datetime.h"
#include "table/dynamic.h"

namespace unmask::output {

namespace {

using detect::Finding;
using detect::FindingReason;

/// Builds a JSON object in insertion order; DynamicValue does the escaping.
class JsonObject {
public:
    JsonObject& Add(std::string key, DynamicPtr value) {
        properties_.emplace_back(std::move(key), std::move(value));
        return *this;
    }
    DynamicPtr Build() { return DynamicValue::MakeObject(std::move(properties_)); }

private:
    DynamicValue::Object properties_;
};

DynamicPtr Text(std::string text) {
    return DynamicValue::String(std::move(text));
}

DynamicPtr OptionalLong(const std::optional<int64_t>& value) {
    return value ? DynamicValue::Long(*value) : DynamicValue::Null();
}

DynamicPtr OptionalTime(const std::optional<int64_t>& ticks) {
    return ticks ? DynamicValue::DateTime(*ticks) : DynamicValue::Null();
}

/// A real, or null when it is NaN (an interval statistic the rule did not return).
DynamicPtr RealOrNull(double value) {
    return std::isfinite(value) ? DynamicValue::Real(value) : DynamicValue::Null();
}

DynamicPtr TextArray(const std::vector<std::string>& values) {
    DynamicValue::Array items;
    for (const std::string& value : values) {
        items.push_back(Text(value));
    }
    return DynamicValue::MakeArray(std::move(items));
}

DynamicPtr LongArray(const std::vector<int64_t>& values) {
    DynamicValue::Array items;
    for (int64_t value : values) {
        items.push_back(DynamicValue::Long(value));
    }
    return DynamicValue::MakeArray(std::move(items));
}

DynamicPtr BeaconJson(const std::optional<detect::BeaconStats>& beacon) {
    if (!beacon) {
        return DynamicValue::Null();
    }
    return JsonObject()
        .Add("connections", DynamicValue::Long(beacon->connections))
        .Add("mean_interval_seconds", RealOrNull(beacon->mean_interval_seconds))
        .Add("stdev_interval_seconds", RealOrNull(beacon->stdev_interval_seconds))
        .Add("median_interval_seconds", RealOrNull(beacon->median_interval_seconds))
        .Build();
}

std::vector<std::string> RuleIds(const Finding& finding) {
    std::vector<std::string> ids;
    for (const FindingReason& reason : finding.reasons) {
        if (std::find(ids.begin(), ids.end(), reason.rule_id) == ids.end()) {
            ids.push_back(reason.rule_id);
        }
    }
    return ids;
}

std::string Join(const std::vector<std::string>& values, const char* separator) {
    std::string text;
    for (const std::string& value : values) {
        text += text.empty() ? "" : separator;
        text += value;
    }
    return text;
}

std::string JoinNumbers(const std::vector<int64_t>& values, const char* separator) {
    std::string text;
    for (int64_t value : values) {
        text += text.empty() ? "" : separator;
        text += std::to_string(value);
    }
    return text;
}

std::string ScoreText(double score) {
    return fmt::format("{:.1f}", score);
}

void AppendCsvField(std::string& line, std::string_view text) {
    if (text.find_first_of(",\"\r\n") == std::string_view::npos) {
        line += text;
        return;
    }
    line += '"';
    for (char c : text) {
        if (c == '"') {
            line += '"';
        }
        line += c;
    }
    line += '"';
}

std::string OptionalText(const std::optional<int64_t>& value) {
    return value ? std::to_string(*value) : "";
}

std::string OptionalRealText(const std::optional<detect::BeaconStats>& beacon, double detect::BeaconStats::*field) {
    if (!beacon || !std::isfinite((*beacon).*field)) {
        return "";
    }
    return fmt::format("{}", (*beacon).*field);
}

/// "2024-03-09 06:13:53": the table shows whole seconds, UTC.
std::string ShortTime(const std::optional<int64_t>& ticks) {
    if (!ticks) {
        return "";
    }
    std::string text = FormatDateTime(*ticks);
    text = text.substr(0, 19);
    text[10] = ' ';
    return text;
}

/// Formats the first remote endpoint, with its port when there is one port, and how many more there are.
std::string RemoteSummary(const Finding& finding) {
    const std::vector<std::string>& endpoints = finding.remote_ips.empty() ? finding.remote_names : finding.remote_ips;
    if (endpoints.empty()) {
        return finding.remote_ports.size() == 1 ? "port " + std::to_string(finding.remote_ports[0]) : "";
    }
    std::string text = endpoints[0];
    if (finding.remote_ports.size() == 1) {
        const bool ipv6 = text.find(':') != std::string::npos;
        text = (ipv6 ? "[" + text + "]" : text) + ":" + std::to_string(finding.remote_ports[0]);
    }
    if (endpoints.size() > 1) {
        text += fmt::format(" (+{} more)", endpoints.size() - 1);
    }
    return text;
}

std::string CutCell(std::string text, size_t max_width) {
    for (char& c : text) {
        if (c == '\n' || c == '\r' || c == '\t') {
            c = ' ';
        }
    }
    if (text.size() > max_width && max_width > 3) {
        text.resize(max_width - 3);
        text += "...";
    }
    return text;
}

} // namespace

bool ParseFindingFormat(std::string_view name, FindingFormat& format) {
    if (name == "table") {
        format = FindingFormat::kTable;
    } else if (name == "jsonl" || name == "json") {
        format = FindingFormat::kJsonLines;
    } else if (name == "csv") {
        format = FindingFormat::kCsv;
    } else if (name == "ocsf") {
        format = FindingFormat::kOcsf;
    } else {
        return false;
    }
    return true;
}

void WriteFindings(std::ostream& out, const std::vector<Finding>& findings, FindingFormat format,
                   const FindingWriteOptions& options) {
    switch (format) {
    case FindingFormat::kTable:
        WriteFindingTable(out, findings, options);
        break;
    case FindingFormat::kJsonLines:
        WriteFindingJsonLines(out, findings);
        break;
    case FindingFormat::kCsv:
        WriteFindingCsv(out, findings);
        break;
    case FindingFormat::kOcsf:
        WriteOcsfJsonLines(out, findings, options);
        break;
    }
}

std::string FindingToJson(const Finding& finding) {
    DynamicValue::Array reasons;
    for (const FindingReason& reason : finding.reasons) {
        reasons.push_back(JsonObject()
                              .Add("rule_id", Text(reason.rule_id))
                              .Add("rule_title", Text(reason.rule_title))
                              .Add("severity", Text(detect::SeverityName(reason.severity)))
                              .Add("confidence", Text(detect::ConfidenceName(reason.confidence)))
                              .Add("explanation", Text(reason.explanation))
                              .Add("evidence", reason.evidence ? reason.evidence : DynamicValue::Null())
                              .Build());
    }
    return JsonObject()
        .Add("id", Text(finding.id))
        .Add("severity", Text(detect::SeverityName(finding.severity)))
        .Add("confidence", Text(detect::ConfidenceName(finding.confidence)))
        .Add("score", DynamicValue::Real(finding.score))
        .Add("first_seen", OptionalTime(finding.first_seen))
        .Add("last_seen", OptionalTime(finding.last_seen))
        .Add("device", Text(finding.device))
        .Add("process", Text(finding.process))
        .Add("process_id", Text(finding.process_id))
        .Add("command_line", Text(finding.command_line))
        .Add("folder_path", Text(finding.folder_path))
        .Add("remote_ips", TextArray(finding.remote_ips))
        .Add("remote_ports", LongArray(finding.remote_ports))
        .Add("remote_names", TextArray(finding.remote_names))
        .Add("count", OptionalLong(finding.count))
        .Add("bytes_sent", OptionalLong(finding.bytes_sent))
        .Add("bytes_received", OptionalLong(finding.bytes_received))
        .Add("beacon", BeaconJson(finding.beacon))
        .Add("attack", TextArray(finding.attack))
        .Add("rules", TextArray(RuleIds(finding)))
        .Add("explanation", Text(finding.explanation))
        .Add("reasons", DynamicValue::MakeArray(std::move(reasons)))
        .Build()
        ->ToJson();
}

void WriteFindingJsonLines(std::ostream& out, const std::vector<Finding>& findings) {
    for (const Finding& finding : findings) {
        out << FindingToJson(finding) << '\n';
    }
}

void WriteFindingCsv(std::ostream& out, const std::vector<Finding>& findings) {
    out << "id,severity,confidence,score,first_seen,last_seen,device,process,process_id,command_line,folder_path,"
           "remote_ips,remote_ports,remote_names,count,bytes_sent,bytes_received,mean_interval_seconds,"
           "stdev_interval_seconds,median_interval_seconds,connections,rules,attack,explanation\n";
    for (const Finding& finding : findings) {
        const std::vector<std::string> fields = {
            finding.id,
            detect::SeverityName(finding.severity),
            detect::ConfidenceName(finding.confidence),
            ScoreText(finding.score),
            finding.first_seen ? FormatDateTime(*finding.first_seen) : "",
            finding.last_seen ? FormatDateTime(*finding.last_seen) : "",
            finding.device,
            finding.process,
            finding.process_id,
            finding.command_line,
            finding.folder_path,
            Join(finding.remote_ips, ";"),
            JoinNumbers(finding.remote_ports, ";"),
            Join(finding.remote_names, ";"),
            OptionalText(finding.count),
            OptionalText(finding.bytes_sent),
            OptionalText(finding.bytes_received),
            OptionalRealText(finding.beacon, &detect::BeaconStats::mean_interval_seconds),
            OptionalRealText(finding.beacon, &detect::BeaconStats::stdev_interval_seconds),
            OptionalRealText(finding.beacon, &detect::BeaconStats::median_interval_seconds),
            finding.beacon ? std::to_string(finding.beacon->connections) : "",
            Join(RuleIds(finding), ";"),
            Join(finding.attack, ";"),
            finding.explanation,
        };
        std::string line;
        for (size_t i = 0; i < fields.size(); ++i) {
            line += i > 0 ? "," : "";
            AppendCsvField(line, fields[i]);
        }
        out << line << '\n';
    }
}

void WriteFindingTable(std::ostream& out, const std::vector<Finding>& findings, const FindingWriteOptions& options) {
    const std::vector<std::string> header = {"SEVERITY", "SCORE",  "FIRST SEEN", "LAST SEEN",  "DEVICE",
                                             "PROCESS",  "REMOTE", "RULES",      "EXPLANATION"};
    std::vector<std::vector<std::string>> rows;
    for (const Finding& finding : findings) {
        rows.push_back({
            detect::SeverityName(finding.severity),
            ScoreText(finding.score),
            ShortTime(finding.first_seen),
            ShortTime(finding.last_seen),
            CutCell(finding.device, options.max_cell_width),
            CutCell(finding.process, options.max_cell_width),
            CutCell(RemoteSummary(finding), options.max_cell_width),
            CutCell(Join(RuleIds(finding), ","), options.max_cell_width),
            CutCell(finding.explanation, std::string::npos),
        });
    }

    std::vector<size_t> widths;
    for (const std::string& name : header) {
        widths.push_back(name.size());
    }
    for (const auto& row : rows) {
        for (size_t c = 0; c < row.size(); ++c) {
            widths[c] = std::max(widths[c], row[c].size());
        }
    }

    auto write_line = [&](const std::vector<std::string>& cells) {
        std::string line;
        for (size_t c = 0; c < cells.size(); ++c) {
            line += c > 0 ? "  " : "";
            line += cells[c];
            // The last column is not padded, so lines carry no trailing blanks.
            if (c + 1 < cells.size()) {
                line.append(widths[c] - cells[c].size(), ' ');
            }
        }
        out << line << '\n';
    };

    write_line(header);
    std::vector<std::string> rule;
    for (size_t width : widths) {
        rule.push_back(std::string(width, '-'));
    }
    write_line(rule);
    for (const auto& row : rows) {
        write_line(row);
    }
    out << "(" << findings.size() << (findings.size() == 1 ? " finding" : " findings") << ")\n";
}

} // namespace unmask::output
