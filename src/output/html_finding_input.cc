#include "output/html_finding_input.h"

#include <limits>

#include <fmt/format.h>

#include "table/datetime.h"

namespace unmask::output {

namespace {

using detect::Finding;
using detect::FindingReason;

Status FieldError(std::string_view field, std::string_view expected) {
    return Status(ErrorKind::kInvalidInput, fmt::format("field '{}' is not {}", field, expected));
}

const DynamicValue* Field(const DynamicValue& object, std::string_view key) {
    const DynamicPtr* value = object.Find(key);
    return value != nullptr && *value && !(*value)->is_null() ? value->get() : nullptr;
}

Status ReadText(const DynamicValue& object, std::string_view key, std::string& out) {
    const DynamicValue* value = Field(object, key);
    if (value == nullptr) {
        return Status::Ok();
    }
    if (value->kind() != DynamicValue::Kind::kString) {
        return FieldError(key, "a string");
    }
    out = value->string();
    return Status::Ok();
}

Status ReadLong(const DynamicValue& object, std::string_view key, std::optional<int64_t>& out) {
    const DynamicValue* value = Field(object, key);
    if (value == nullptr) {
        return Status::Ok();
    }
    if (value->kind() != DynamicValue::Kind::kLong) {
        return FieldError(key, "an integer");
    }
    out = value->integer();
    return Status::Ok();
}

Status ReadReal(const DynamicValue& object, std::string_view key, double& out) {
    const DynamicValue* value = Field(object, key);
    if (value == nullptr) {
        return Status::Ok();
    }
    if (value->kind() == DynamicValue::Kind::kLong) {
        out = static_cast<double>(value->integer());
    } else if (value->kind() == DynamicValue::Kind::kReal) {
        out = value->real();
    } else {
        return FieldError(key, "a number");
    }
    return Status::Ok();
}

Status ReadTime(const DynamicValue& object, std::string_view key, std::optional<int64_t>& out) {
    const DynamicValue* value = Field(object, key);
    if (value == nullptr) {
        return Status::Ok();
    }
    std::optional<int64_t> ticks;
    if (value->kind() == DynamicValue::Kind::kString) {
        ticks = ParseDateTime(value->string());
    } else if (value->kind() == DynamicValue::Kind::kDateTime) {
        ticks = value->integer();
    }
    if (!ticks) {
        return FieldError(key, "an ISO 8601 datetime");
    }
    out = ticks;
    return Status::Ok();
}

Status ReadTextArray(const DynamicValue& object, std::string_view key, std::vector<std::string>& out) {
    const DynamicValue* value = Field(object, key);
    if (value == nullptr) {
        return Status::Ok();
    }
    if (value->kind() != DynamicValue::Kind::kArray) {
        return FieldError(key, "an array of strings");
    }
    for (const DynamicPtr& item : value->array()) {
        if (!item || item->kind() != DynamicValue::Kind::kString) {
            return FieldError(key, "an array of strings");
        }
        out.push_back(item->string());
    }
    return Status::Ok();
}

Status ReadLongArray(const DynamicValue& object, std::string_view key, std::vector<int64_t>& out) {
    const DynamicValue* value = Field(object, key);
    if (value == nullptr) {
        return Status::Ok();
    }
    if (value->kind() != DynamicValue::Kind::kArray) {
        return FieldError(key, "an array of integers");
    }
    for (const DynamicPtr& item : value->array()) {
        if (!item || item->kind() != DynamicValue::Kind::kLong) {
            return FieldError(key, "an array of integers");
        }
        out.push_back(item->integer());
    }
    return Status::Ok();
}

Status ReadSeverity(const DynamicValue& object, std::string_view key, detect::Severity& out) {
    std::string name;
    UNMASK_TRY(ReadText(object, key, name));
    if (name.empty()) {
        return Status::Ok();
    }
    const std::optional<detect::Severity> severity = detect::ParseSeverity(name);
    if (!severity) {
        return FieldError(key, "informational, low, medium, high or critical");
    }
    out = *severity;
    return Status::Ok();
}

Status ReadConfidence(const DynamicValue& object, std::string_view key, detect::Confidence& out) {
    std::string name;
    UNMASK_TRY(ReadText(object, key, name));
    if (name.empty()) {
        return Status::Ok();
    }
    const std::optional<detect::Confidence> confidence = detect::ParseConfidence(name);
    if (!confidence) {
        return FieldError(key, "low, medium or high");
    }
    out = *confidence;
    return Status::Ok();
}

Status ReadBeacon(const DynamicValue& object, Finding& finding) {
    const DynamicValue* beacon = Field(object, "beacon");
    if (beacon == nullptr) {
        return Status::Ok();
    }
    if (beacon->kind() != DynamicValue::Kind::kObject) {
        return FieldError("beacon", "an object");
    }
    detect::BeaconStats stats;
    stats.mean_interval_seconds = std::numeric_limits<double>::quiet_NaN();
    stats.stdev_interval_seconds = std::numeric_limits<double>::quiet_NaN();
    stats.median_interval_seconds = std::numeric_limits<double>::quiet_NaN();
    std::optional<int64_t> connections;
    UNMASK_TRY(ReadLong(*beacon, "connections", connections));
    stats.connections = connections.value_or(0);
    UNMASK_TRY(ReadReal(*beacon, "mean_interval_seconds", stats.mean_interval_seconds));
    UNMASK_TRY(ReadReal(*beacon, "stdev_interval_seconds", stats.stdev_interval_seconds));
    UNMASK_TRY(ReadReal(*beacon, "median_interval_seconds", stats.median_interval_seconds));
    finding.beacon = stats;
    return Status::Ok();
}

Status ReadReasons(const DynamicValue& object, Finding& finding) {
    const DynamicValue* reasons = Field(object, "reasons");
    if (reasons == nullptr) {
        return Status::Ok();
    }
    if (reasons->kind() != DynamicValue::Kind::kArray) {
        return FieldError("reasons", "an array");
    }
    for (const DynamicPtr& item : reasons->array()) {
        if (!item || item->kind() != DynamicValue::Kind::kObject) {
            return FieldError("reasons", "an array of objects");
        }
        FindingReason reason;
        UNMASK_TRY(ReadText(*item, "rule_id", reason.rule_id));
        UNMASK_TRY(ReadText(*item, "rule_title", reason.rule_title));
        UNMASK_TRY(ReadSeverity(*item, "severity", reason.severity));
        UNMASK_TRY(ReadConfidence(*item, "confidence", reason.confidence));
        UNMASK_TRY(ReadText(*item, "explanation", reason.explanation));
        if (const DynamicPtr* evidence = item->Find("evidence"); evidence != nullptr && *evidence &&
                                                                   (*evidence)->kind() == DynamicValue::Kind::kObject) {
            reason.evidence = *evidence;
        }
        finding.reasons.push_back(std::move(reason));
    }
    return Status::Ok();
}

} // namespace

Result<Finding> FindingFromJson(const DynamicValue& object) {
    if (object.kind() != DynamicValue::Kind::kObject) {
        return Status(ErrorKind::kInvalidInput, "the line is not a JSON object");
    }
    Finding finding;
    UNMASK_TRY(ReadText(object, "id", finding.id));
    UNMASK_TRY(ReadSeverity(object, "severity", finding.severity));
    UNMASK_TRY(ReadConfidence(object, "confidence", finding.confidence));
    UNMASK_TRY(ReadReal(object, "score", finding.score));
    UNMASK_TRY(ReadTime(object, "first_seen", finding.first_seen));
    UNMASK_TRY(ReadTime(object, "last_seen", finding.last_seen));
    UNMASK_TRY(ReadText(object, "device", finding.device));
    UNMASK_TRY(ReadText(object, "process", finding.process));
    UNMASK_TRY(ReadText(object, "process_id", finding.process_id));
    UNMASK_TRY(ReadText(object, "command_line", finding.command_line));
    UNMASK_TRY(ReadText(object, "folder_path", finding.folder_path));
    UNMASK_TRY(ReadTextArray(object, "remote_ips", finding.remote_ips));
    UNMASK_TRY(ReadLongArray(object, "remote_ports", finding.remote_ports));
    UNMASK_TRY(ReadTextArray(object, "remote_names", finding.remote_names));
    UNMASK_TRY(ReadLong(object, "count", finding.count));
    UNMASK_TRY(ReadLong(object, "bytes_sent", finding.bytes_sent));
    UNMASK_TRY(ReadLong(object, "bytes_received", finding.bytes_received));
    UNMASK_TRY(ReadBeacon(object, finding));
    UNMASK_TRY(ReadTextArray(object, "attack", finding.attack));
    UNMASK_TRY(ReadText(object, "explanation", finding.explanation));
    UNMASK_TRY(ReadReasons(object, finding));
    return finding;
}

void ParseFindingJsonLines(std::string_view text, std::string_view file_name, FindingFileRead& read) {
    size_t line_number = 0;
    size_t position = 0;
    JsonLimits limits;
    limits.max_bytes = kMaxFindingLineBytes;
    while (position < text.size()) {
        size_t end = text.find('\n', position);
        if (end == std::string_view::npos) {
            end = text.size();
        }
        std::string_view line = text.substr(position, end - position);
        position = end + 1;
        ++line_number;
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        if (line.find_first_not_of(" \t") == std::string_view::npos) {
            continue;
        }
        ++read.lines_read;
        std::string reason;
        if (line.size() > kMaxFindingLineBytes) {
            reason = fmt::format("line of {} bytes is longer than the limit of {}", line.size(), kMaxFindingLineBytes);
        } else if (auto parsed = ParseJson(line, limits); !parsed.ok()) {
            reason = "invalid JSON: " + parsed.status().message();
        } else if (!*parsed) {
            reason = "the line is JSON null, not a finding object";
        } else if (auto finding = FindingFromJson(**parsed); !finding.ok()) {
            reason = finding.status().message();
        } else {
            read.findings.push_back(std::move(*finding));
            continue;
        }
        ++read.lines_rejected;
        if (read.rejected.size() < kMaxRejectedLinesListed) {
            read.rejected.push_back({std::string(file_name), line_number, reason});
        }
    }
}

} // namespace unmask::output
