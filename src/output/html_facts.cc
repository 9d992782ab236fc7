#include "output/html_facts.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "detect/hunt.h"
#include "table/datetime.h"
#include "table/dynamic.h"

namespace unmask::output {

namespace {

using detect::Finding;
using detect::FindingReason;

std::string ToLower(std::string_view text) {
    std::string lower(text);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return lower;
}

const DynamicValue* FindProperty(const DynamicPtr& object, std::string_view key) {
    if (!object || object->kind() != DynamicValue::Kind::kObject) {
        return nullptr;
    }
    const DynamicPtr* value = object->Find(key);
    return value != nullptr && *value && !(*value)->is_null() ? value->get() : nullptr;
}

std::optional<double> NumberOf(const DynamicValue* value) {
    if (value == nullptr) {
        return std::nullopt;
    }
    double number = 0;
    switch (value->kind()) {
    case DynamicValue::Kind::kLong:
        number = static_cast<double>(value->integer());
        break;
    case DynamicValue::Kind::kReal:
        number = value->real();
        break;
    case DynamicValue::Kind::kString:
        try {
            number = std::stod(value->string());
        } catch (...) {
            return std::nullopt;
        }
        break;
    default:
        return std::nullopt;
    }
    return std::isfinite(number) ? std::optional<double>(number) : std::nullopt;
}

std::optional<double> EvidenceNumber(const Finding& finding, std::string_view column) {
    for (const FindingReason& reason : finding.reasons) {
        if (auto number = NumberOf(FindProperty(reason.evidence, column))) {
            return number;
        }
    }
    return std::nullopt;
}

std::optional<int64_t> TimestampTicks(const DynamicValue& value) {
    switch (value.kind()) {
    case DynamicValue::Kind::kDateTime:
        return value.integer();
    case DynamicValue::Kind::kString:
        return ParseDateTime(value.string());
    case DynamicValue::Kind::kLong:
    case DynamicValue::Kind::kReal: {
        const double number = value.kind() == DynamicValue::Kind::kLong ? static_cast<double>(value.integer())
                                                                         : value.real();
        if (!std::isfinite(number) || number < 0) {
            return std::nullopt;
        }
        if (number < 1e11) {
            return kUnixEpochTicks + static_cast<int64_t>(std::llround(number * kTicksPerSecond));
        }
        if (number < 1e14) {
            return kUnixEpochTicks + static_cast<int64_t>(std::llround(number * kTicksPerMillisecond));
        }
        if (number < 3e18) {
            return static_cast<int64_t>(number);
        }
        return std::nullopt;
    }
    default:
        return std::nullopt;
    }
}

/// The cell as display text: strings as they are, lists joined with ", ", other values as JSON.
std::string CellText(const DynamicValue& value) {
    switch (value.kind()) {
    case DynamicValue::Kind::kString:
        return value.string();
    case DynamicValue::Kind::kArray: {
        std::string text;
        for (const DynamicPtr& item : value.array()) {
            text += text.empty() ? "" : ", ";
            text += item ? CellText(*item) : "null";
        }
        return text;
    }
    case DynamicValue::Kind::kDateTime:
        return FormatDateTime(value.integer());
    default:
        return value.ToJson();
    }
}

/// AdditionalFields as an object: parsed when it is a JSON string, as is when it is an object.
DynamicPtr AdditionalFieldsObject(const DynamicPtr& evidence) {
    const DynamicValue* fields = FindProperty(evidence, "AdditionalFields");
    if (fields == nullptr) {
        return nullptr;
    }
    if (fields->kind() == DynamicValue::Kind::kObject) {
        return *evidence->Find("AdditionalFields");
    }
    if (fields->kind() == DynamicValue::Kind::kString) {
        JsonLimits limits;
        limits.max_bytes = 1024 * 1024;
        auto parsed = ParseJson(fields->string(), limits);
        if (parsed.ok() && *parsed && (*parsed)->kind() == DynamicValue::Kind::kObject) {
            return *parsed;
        }
    }
    return nullptr;
}

/// The host part of a name or URL: "https://api.telegram.org:443/x" gives "api.telegram.org".
std::string HostOf(std::string_view text) {
    if (const size_t scheme = text.find("://"); scheme != std::string_view::npos) {
        text.remove_prefix(scheme + 3);
    }
    text = text.substr(0, text.find_first_of("/?#"));
    if (!text.empty() && text.front() != '[') {
        text = text.substr(0, text.find(':'));
    }
    while (!text.empty() && text.back() == '.') {
        text.remove_suffix(1);
    }
    return ToLower(text);
}

std::string KqlDateTime(int64_t ticks) {
    return "datetime(" + FormatDateTime(ticks) + ")";
}

std::string KqlList(const std::vector<std::string>& values) {
    std::string text;
    for (const std::string& value : values) {
        text += text.empty() ? "" : ", ";
        text += detect::KqlStringLiteral(value);
    }
    return text;
}

} // namespace

std::vector<double> IntervalsSeconds(const std::vector<int64_t>& sorted_ticks) {
    std::vector<double> intervals;
    for (size_t i = 1; i < sorted_ticks.size(); ++i) {
        intervals.push_back(static_cast<double>(sorted_ticks[i] - sorted_ticks[i - 1]) / kTicksPerSecond);
    }
    return intervals;
}

std::optional<BeaconSeries> ExtractBeaconSeries(const Finding& finding) {
    BeaconSeries series;
    for (const FindingReason& reason : finding.reasons) {
        const DynamicValue* timestamps = FindProperty(reason.evidence, kBeaconTimestampsColumn);
        if (timestamps == nullptr || timestamps->kind() != DynamicValue::Kind::kArray) {
            continue;
        }
        for (const DynamicPtr& item : timestamps->array()) {
            std::optional<int64_t> ticks = item ? TimestampTicks(*item) : std::nullopt;
            if (!ticks || series.timestamps.size() >= kMaxBeaconTimestamps) {
                ++series.timestamps_dropped;
                continue;
            }
            series.timestamps.push_back(*ticks);
        }
        break;
    }
    std::sort(series.timestamps.begin(), series.timestamps.end());

    series.period_seconds = EvidenceNumber(finding, kBeaconPeriodColumn);
    series.jitter = EvidenceNumber(finding, kBeaconJitterColumn);
    if (series.jitter) {
        series.jitter = std::clamp(*series.jitter, 0.0, 1.0);
    }
    if (finding.beacon) {
        const auto finite = [](double value) { return std::isfinite(value) ? std::optional<double>(value) : std::nullopt; };
        series.mean_interval_seconds = finite(finding.beacon->mean_interval_seconds);
        series.median_interval_seconds = finite(finding.beacon->median_interval_seconds);
        series.stdev_interval_seconds = finite(finding.beacon->stdev_interval_seconds);
        series.connections = finding.beacon->connections;
    }
    if (!series.mean_interval_seconds) {
        series.mean_interval_seconds = EvidenceNumber(finding, detect::kMeanIntervalColumn);
    }
    if (!series.median_interval_seconds) {
        series.median_interval_seconds = EvidenceNumber(finding, detect::kMedianIntervalColumn);
    }
    if (!series.stdev_interval_seconds) {
        series.stdev_interval_seconds = EvidenceNumber(finding, detect::kStdevIntervalColumn);
    }
    if (!series.connections && !series.timestamps.empty()) {
        series.connections = static_cast<int64_t>(series.timestamps.size());
    }
    const bool has_statistics = series.mean_interval_seconds || series.median_interval_seconds || series.period_seconds;
    if (series.timestamps.empty() && !has_statistics) {
        return std::nullopt;
    }
    return series;
}

const std::vector<ServiceExpectation>& KnownServiceExpectations() {
    // NOTE: issuer organisations as these services' public certificates showed them in 2024.
    // CAs change; a mismatch is a lead to check against the service's current certificate.
    static const std::vector<ServiceExpectation> kServices = {
        {"Google",
         {"google.com", "googleapis.com", "gstatic.com", "googleusercontent.com", "gmail.com", "youtube.com",
          "googlevideo.com", "ggpht.com", "withgoogle.com", "google-analytics.com", "googletagmanager.com"},
         {"Google Trust Services", "Google Trust Services LLC"}},
        {"Microsoft",
         {"microsoft.com", "microsoftonline.com", "live.com", "office.com", "office.net", "office365.com",
          "outlook.com", "sharepoint.com", "onedrive.com", "windows.net", "windows.com", "windowsupdate.com",
          "azure.com", "azureedge.net", "msft.net", "msn.com", "bing.com", "skype.com", "msauth.net", "msftauth.net"},
         {"Microsoft Corporation", "DigiCert Inc"}},
        {"Amazon",
         {"amazon.com", "amazonaws.com", "cloudfront.net", "a2z.com", "amazontrust.com", "media-amazon.com"},
         {"Amazon", "DigiCert Inc"}},
        {"Apple", {"apple.com", "icloud.com", "mzstatic.com", "apple-cloudkit.com", "cdn-apple.com"},
         {"Apple Inc.", "DigiCert Inc"}},
        {"Cloudflare", {"cloudflare.com", "cloudflare-dns.com", "one.one.one.one"},
         {"Google Trust Services", "DigiCert Inc", "Cloudflare, Inc."}},
        {"GitHub", {"github.com", "githubusercontent.com", "githubassets.com"}, {"Sectigo Limited", "DigiCert Inc"}},
        {"Meta", {"facebook.com", "fbcdn.net", "instagram.com", "whatsapp.net", "whatsapp.com"}, {"DigiCert Inc"}},
        {"Dropbox", {"dropbox.com", "dropboxapi.com"}, {"DigiCert Inc"}},
    };
    return kServices;
}

const ServiceExpectation* MatchServiceExpectation(std::string_view host) {
    const std::string name = HostOf(host);
    if (name.empty()) {
        return nullptr;
    }
    for (const ServiceExpectation& service : KnownServiceExpectations()) {
        for (const std::string& suffix : service.host_suffixes) {
            if (name == suffix || (name.size() > suffix.size() && name.ends_with(suffix) &&
                                   name[name.size() - suffix.size() - 1] == '.')) {
                return &service;
            }
        }
    }
    return nullptr;
}

std::string DistinguishedNameOrganization(std::string_view distinguished_name) {
    // Attributes are separated by unescaped commas; a backslash escapes the next character.
    std::string attribute;
    auto take = [&]() -> std::optional<std::string> {
        std::string_view view(attribute);
        while (!view.empty() && view.front() == ' ') {
            view.remove_prefix(1);
        }
        if (view.size() > 2 && (view[0] == 'O' || view[0] == 'o') && view[1] == '=') {
            return std::string(view.substr(2));
        }
        return std::nullopt;
    };
    for (size_t i = 0; i < distinguished_name.size(); ++i) {
        const char c = distinguished_name[i];
        if (c == '\\' && i + 1 < distinguished_name.size()) {
            attribute += distinguished_name[++i];
        } else if (c == ',') {
            if (auto organization = take()) {
                return *organization;
            }
            attribute.clear();
        } else {
            attribute += c;
        }
    }
    return take().value_or("");
}

const std::vector<std::string>& TlsFactKeys() {
    static const std::vector<std::string> kKeys = {
        "server_name", "version",       "cipher",         "ssl_history", "ja3",        "ja3s",
        "ja4",         "subject",       "issuer",         "san_dns",     "validation_status",
        "self_signed", "sni_matches_cert", "cert_chain_fps", "established", "next_protocol"};
    return kKeys;
}

std::optional<TlsFacts> ExtractTlsFacts(const Finding& finding) {
    TlsFacts tls;
    for (const std::string& key : TlsFactKeys()) {
        for (const FindingReason& reason : finding.reasons) {
            const DynamicValue* value = FindProperty(reason.evidence, key);
            // Keeps the parsed AdditionalFields alive while `value` points into it.
            DynamicPtr fields;
            if (value == nullptr) {
                fields = AdditionalFieldsObject(reason.evidence);
                value = FindProperty(fields, key);
            }
            if (value != nullptr) {
                tls.facts.emplace_back(key, CellText(*value));
                break;
            }
        }
    }
    // "established" and "next_protocol" alone are not a handshake's identity; require one more.
    const bool identifying = std::any_of(tls.facts.begin(), tls.facts.end(), [](const auto& fact) {
        return fact.first != "established" && fact.first != "next_protocol" && fact.first != "version";
    });
    if (!identifying) {
        return std::nullopt;
    }
    std::string issuer;
    for (const auto& [key, value] : tls.facts) {
        if (key == "server_name" && tls.host.empty()) {
            tls.host = value;
        } else if (key == "issuer") {
            issuer = value;
        }
    }
    if (tls.host.empty() && !finding.remote_names.empty()) {
        tls.host = finding.remote_names.front();
    }
    tls.expectation = MatchServiceExpectation(tls.host);
    if (tls.expectation != nullptr && !issuer.empty()) {
        const std::string organization = ToLower(DistinguishedNameOrganization(issuer));
        tls.issuer_matches = std::any_of(tls.expectation->issuer_organizations.begin(),
                                         tls.expectation->issuer_organizations.end(),
                                         [&](const std::string& expected) { return ToLower(expected) == organization; });
    }
    return tls;
}

std::string EvidenceText(const Finding& finding, std::string_view column) {
    for (const FindingReason& reason : finding.reasons) {
        const DynamicValue* value = FindProperty(reason.evidence, column);
        if (value != nullptr && value->kind() == DynamicValue::Kind::kString && !value->string().empty()) {
            return value->string();
        }
    }
    return "";
}

std::string BuildPivotKql(const Finding& finding) {
    std::string kql = "DeviceNetworkEvents\n";
    if (finding.first_seen || finding.last_seen) {
        const int64_t first = finding.first_seen.value_or(*finding.last_seen);
        const int64_t last = finding.last_seen.value_or(first);
        kql += fmt::format("| where Timestamp between ({} .. {})\n", KqlDateTime(first - kTicksPerHour),
                           KqlDateTime(last + kTicksPerHour));
    } else {
        kql += "| where Timestamp > ago(30d)  // the finding has no first or last seen\n";
    }
    const std::string device_id = EvidenceText(finding, "DeviceId");
    if (!device_id.empty()) {
        kql += "| where DeviceId == " + detect::KqlStringLiteral(device_id) + "\n";
    } else if (!finding.device.empty()) {
        kql += "| where DeviceName =~ " + detect::KqlStringLiteral(finding.device) + "\n";
    } else if (const std::string local_ip = EvidenceText(finding, "LocalIP"); !local_ip.empty()) {
        kql += "| where LocalIP == " + detect::KqlStringLiteral(local_ip) + "\n";
    }
    if (!finding.process.empty()) {
        kql += "| where InitiatingProcessFileName =~ " + detect::KqlStringLiteral(finding.process) + "\n";
    }
    if (!finding.remote_ips.empty()) {
        kql += "| where RemoteIP in (" + KqlList(finding.remote_ips) + ")\n";
    } else if (!finding.remote_names.empty()) {
        std::vector<std::string> hosts;
        for (const std::string& name : finding.remote_names) {
            hosts.push_back(HostOf(name));
        }
        kql += "| where RemoteUrl has_any (" + KqlList(hosts) + ")\n";
    }
    kql += "| sort by Timestamp asc";
    return kql;
}

} // namespace unmask::output
