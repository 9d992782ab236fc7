#include "detect/site_config.h"

#include <algorithm>
#include <filesystem>
#include <regex>
#include <set>

#include <yaml-cpp/yaml.h>

#include "detect/hunt.h"
#include "common/ip_network.h"
#include "table/datetime.h"

namespace unmask::detect {

namespace {

constexpr const char* kTopLevelKeys[] = {"internal_networks", "allowlist", "rules", "lists"};
constexpr const char* kEntryKeys[] = {"process", "folder_path",      "domain", "cidr",   "ja3",
                                      "ja4",     "certificate_sha1", "rules",  "reason", "expires"};
constexpr const char* kEntryMatchKeys[] = {"process", "folder_path", "domain",          "cidr",
                                           "ja3",     "ja4",         "certificate_sha1"};
constexpr const char* kRuleKeys[] = {"enabled", "parameters"};

std::string ToLower(std::string_view text) {
    std::string lower(text);
    for (char& c : lower) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return lower;
}

template <size_t N>
std::string JoinKeys(const char* const (&keys)[N]) {
    std::string text;
    for (size_t i = 0; i < N; ++i) {
        text += i > 0 ? ", " : "";
        text += keys[i];
    }
    return text;
}

template <size_t N>
bool IsKnownKey(const std::string& key, const char* const (&keys)[N]) {
    return std::find_if(std::begin(keys), std::end(keys), [&](const char* known) { return key == known; }) !=
           std::end(keys);
}

/// True for text that is already a KQL string literal: "...", '...', @"..." or @'...'.
bool IsKqlStringLiteral(std::string_view text) {
    if (text.starts_with('@')) {
        text.remove_prefix(1);
    }
    return text.size() >= 2 && (text.front() == '"' || text.front() == '\'') && text.back() == text.front();
}

/// True for scalars that KQL reads as a number or a bool without quotes.
bool IsBareKqlScalar(std::string_view text) {
    static const std::regex kNumberOrBool(R"([-+]?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?|true|false)");
    return std::regex_match(text.begin(), text.end(), kNumberOrBool);
}

/// Reads one file's YAML tree into a SiteConfig; every error names file:line:column and the field.
class SiteConfigReader {
public:
    explicit SiteConfigReader(std::string path) : path_(std::move(path)) {}

    Result<SiteConfig> Read(const YAML::Node& root) {
        SiteConfig config;
        config.path = path_;
        if (root.IsNull()) {
            AddDefaultNetworks(config);
            return config;
        }
        if (!root.IsMap()) {
            return Error(root, "", "the file must be a mapping with the keys " + JoinKeys(kTopLevelKeys));
        }
        UNMASK_TRY(CheckDuplicateKeys(root, ""));
        for (const auto& item : root) {
            const std::string key = item.first.as<std::string>();
            if (!IsKnownKey(key, kTopLevelKeys)) {
                return Error(item.first, key, "unknown key; expected one of " + JoinKeys(kTopLevelKeys));
            }
        }
        if (root["internal_networks"]) {
            UNMASK_TRY(ReadNetworks(root["internal_networks"], config));
        } else {
            AddDefaultNetworks(config);
        }
        if (root["allowlist"]) {
            UNMASK_TRY(ReadAllowlist(root["allowlist"], config));
        }
        if (root["rules"]) {
            UNMASK_TRY(ReadRules(root["rules"], config));
        }
        if (root["lists"]) {
            UNMASK_ASSIGN_OR_RETURN(config.lists, ReadSiteLists(root["lists"], path_));
        }
        return config;
    }

private:
    std::string Location(const YAML::Node& node) const {
        const YAML::Mark mark = node.Mark();
        if (mark.line < 0) {
            return path_;
        }
        return path_ + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
    }

    Status Error(const YAML::Node& node, const std::string& field, const std::string& message) const {
        std::string text = Location(node) + ": ";
        if (!field.empty()) {
            text += field + ": ";
        }
        return Status(ErrorKind::kInvalidInput, text + message);
    }

    /// Rejects a key given twice in one mapping: yaml-cpp keeps both, and one would silently win.
    Status CheckDuplicateKeys(const YAML::Node& node, const std::string& field) const {
        std::set<std::string> seen;
        for (const auto& item : node) {
            const std::string key = item.first.as<std::string>();
            if (!seen.insert(key).second) {
                return Error(item.first, field.empty() ? key : field + "." + key, "given twice in the same mapping");
            }
        }
        return Status::Ok();
    }

    Result<std::string> ReadScalar(const YAML::Node& node, const std::string& field) const {
        if (!node.IsScalar()) {
            return Error(node, field, "expected a single value (a string), not a list or mapping");
        }
        return node.Scalar();
    }

    static void AddDefaultNetworks(SiteConfig& config) {
        for (std::string_view network : kDefaultInternalNetworkTexts) {
            config.internal_networks.emplace_back(network);
        }
    }

    Status ReadNetworks(const YAML::Node& node, SiteConfig& config) const {
        if (!node.IsSequence()) {
            return Error(node, "internal_networks", "expected a list of CIDR blocks such as [10.0.0.0/8, fc00::/7]");
        }
        for (size_t i = 0; i < node.size(); ++i) {
            const std::string field = "internal_networks[" + std::to_string(i) + "]";
            UNMASK_ASSIGN_OR_RETURN(std::string text, ReadScalar(node[i], field));
            std::string error;
            if (!ParseIpNetwork(text, &error)) {
                return Error(node[i], field, "invalid CIDR block: " + error);
            }
            config.internal_networks.push_back(text);
        }
        return Status::Ok();
    }

    Status ReadAllowlist(const YAML::Node& node, SiteConfig& config) const {
        if (!node.IsSequence()) {
            return Error(node, "allowlist", "expected a list of entries, each with a 'reason'");
        }
        for (size_t i = 0; i < node.size(); ++i) {
            UNMASK_ASSIGN_OR_RETURN(AllowEntry entry, ReadEntry(node[i], "allowlist[" + std::to_string(i) + "]"));
            config.allowlist.push_back(std::move(entry));
        }
        return Status::Ok();
    }

    Result<AllowEntry> ReadEntry(const YAML::Node& node, const std::string& field) const {
        if (!node.IsMap()) {
            return Error(node, field,
                         "expected a mapping with a 'reason' and at least one of " + JoinKeys(kEntryMatchKeys));
        }
        UNMASK_TRY(CheckDuplicateKeys(node, field));
        AllowEntry entry;
        const YAML::Mark mark = node.Mark();
        entry.source = path_ + ":" + std::to_string(mark.line + 1);
        bool has_matcher = false;
        for (const auto& item : node) {
            const std::string key = item.first.as<std::string>();
            const std::string key_field = field + "." + key;
            if (!IsKnownKey(key, kEntryKeys)) {
                return Error(item.first, key_field, "unknown key; expected one of " + JoinKeys(kEntryKeys));
            }
            has_matcher = has_matcher || IsKnownKey(key, kEntryMatchKeys);
            if (key == "rules") {
                UNMASK_TRY(ReadRuleIds(item.second, key_field, entry.rules));
                continue;
            }
            UNMASK_ASSIGN_OR_RETURN(std::string value, ReadScalar(item.second, key_field));
            if (value.empty()) {
                return Error(item.second, key_field, "must not be empty");
            }
            UNMASK_TRY(SetEntryField(entry, key, value, item.second, key_field));
        }
        if (entry.reason.empty()) {
            return Error(node, field + ".reason",
                         "missing; every allowlist entry needs a reason saying why the traffic is benign");
        }
        if (!has_matcher) {
            return Error(node, field, "the entry matches nothing; give at least one of " + JoinKeys(kEntryMatchKeys));
        }
        return entry;
    }

    Status SetEntryField(AllowEntry& entry, const std::string& key, const std::string& value, const YAML::Node& node,
                         const std::string& field) const {
        if (key == "process") {
            if (value.find_first_of("\\/") != std::string::npos) {
                return Error(node, field, "expected a file name such as dd-agent.exe; put the folder in folder_path");
            }
            entry.process = value;
        } else if (key == "folder_path") {
            entry.folder_path = value;
        } else if (key == "domain") {
            std::string domain = ToLower(value);
            if (domain.starts_with("*.")) {
                domain.erase(0, 2);
            } else if (domain.starts_with(".")) {
                domain.erase(0, 1);
            }
            if (domain.empty() || domain.find_first_of(" /:*") != std::string::npos) {
                return Error(node, field, "invalid domain '" + value + "'; expected a name such as example.com");
            }
            entry.domain = domain;
        } else if (key == "cidr") {
            std::string error;
            if (!ParseIpNetwork(value, &error)) {
                return Error(node, field, "invalid address or CIDR block: " + error);
            }
            entry.cidr = value;
        } else if (key == "ja3") {
            static const std::regex kJa3("[0-9a-f]{32}");
            const std::string hash = ToLower(value);
            if (!std::regex_match(hash, kJa3)) {
                return Error(node, field, "invalid JA3 hash '" + value + "'; expected 32 hex digits (an MD5)");
            }
            entry.ja3 = hash;
        } else if (key == "ja4") {
            static const std::regex kJa4("[tqd][0-9a-z]{2}[di][0-9]{4}[0-9a-z]{2}_[0-9a-f]{12}_[0-9a-f]{12}");
            const std::string fingerprint = ToLower(value);
            if (!std::regex_match(fingerprint, kJa4)) {
                return Error(node, field,
                             "invalid JA4 fingerprint '" + value +
                                 "'; expected the hashed form such as "
                                 "t13d1516h2_8daaf6152771_b186095e22b6");
            }
            entry.ja4 = fingerprint;
        } else if (key == "certificate_sha1") {
            std::string hash = ToLower(value);
            std::erase(hash, ':');
            static const std::regex kSha1("[0-9a-f]{40}");
            if (!std::regex_match(hash, kSha1)) {
                return Error(node, field,
                             "invalid certificate SHA-1 '" + value + "'; expected 40 hex digits, colons allowed");
            }
            entry.certificate_sha1 = hash;
        } else if (key == "reason") {
            entry.reason = value;
        } else if (key == "expires") {
            std::optional<int64_t> ticks = ParseDateTime(value);
            if (!ticks) {
                return Error(node, field,
                             "invalid date '" + value + "'; expected a date such as 2025-06-30 or a UTC datetime");
            }
            entry.expires = *ticks;
        }
        return Status::Ok();
    }

    Status ReadRuleIds(const YAML::Node& node, const std::string& field, std::vector<std::string>& ids) const {
        if (!node.IsSequence() || node.size() == 0) {
            return Error(node, field, "expected a non-empty list of rule ids");
        }
        for (size_t i = 0; i < node.size(); ++i) {
            UNMASK_ASSIGN_OR_RETURN(std::string id, ReadScalar(node[i], field + "[" + std::to_string(i) + "]"));
            ids.push_back(id);
        }
        return Status::Ok();
    }

    Status ReadRules(const YAML::Node& node, SiteConfig& config) const {
        if (!node.IsMap()) {
            return Error(node, "rules", "expected a mapping of rule id to {enabled, parameters}");
        }
        UNMASK_TRY(CheckDuplicateKeys(node, "rules"));
        for (const auto& item : node) {
            const std::string id = item.first.as<std::string>();
            const std::string field = "rules." + id;
            const YAML::Node& body = item.second;
            if (!body.IsMap()) {
                return Error(body, field, "expected a mapping with 'enabled' and/or 'parameters'");
            }
            UNMASK_TRY(CheckDuplicateKeys(body, field));
            RuleSettings settings;
            for (const auto& setting : body) {
                const std::string key = setting.first.as<std::string>();
                if (!IsKnownKey(key, kRuleKeys)) {
                    return Error(setting.first, field + "." + key,
                                 "unknown key; expected one of " + JoinKeys(kRuleKeys));
                }
            }
            if (body["enabled"]) {
                UNMASK_ASSIGN_OR_RETURN(std::string text, ReadScalar(body["enabled"], field + ".enabled"));
                const std::string lower = ToLower(text);
                if (lower != "true" && lower != "false") {
                    return Error(body["enabled"], field + ".enabled", "expected true or false, not '" + text + "'");
                }
                settings.enabled = lower == "true";
            }
            if (body["parameters"]) {
                UNMASK_TRY(ReadParameters(body["parameters"], field + ".parameters", settings));
            }
            config.rules[id] = std::move(settings);
        }
        return Status::Ok();
    }

    /// Converts parameter values to KQL literals. A plain YAML scalar is used as written (5, 24h,
    /// true, dynamic([...])). A quoted scalar becomes a KQL string unless it already is one
    /// ('"text"', the form rule files use). A list becomes dynamic([...]) with numbers and bools
    /// bare and everything else quoted.
    Status ReadParameters(const YAML::Node& node, const std::string& field, RuleSettings& settings) const {
        if (!node.IsMap()) {
            return Error(node, field, "expected a mapping of parameter name to value");
        }
        UNMASK_TRY(CheckDuplicateKeys(node, field));
        for (const auto& item : node) {
            const std::string name = item.first.as<std::string>();
            const std::string name_field = field + "." + name;
            const YAML::Node& value = item.second;
            if (value.IsScalar()) {
                const bool quoted = value.Tag() == "!";
                if (!quoted && value.Scalar().empty()) {
                    return Error(value, name_field, "missing value");
                }
                const std::string& text = value.Scalar();
                settings.parameters[name] = quoted && !IsKqlStringLiteral(text) ? KqlStringLiteral(text) : text;
            } else if (value.IsSequence()) {
                std::string literal = "dynamic([";
                for (size_t i = 0; i < value.size(); ++i) {
                    if (!value[i].IsScalar()) {
                        return Error(value[i], name_field + "[" + std::to_string(i) + "]",
                                     "list items must be single values");
                    }
                    const std::string& text = value[i].Scalar();
                    const bool bare = value[i].Tag() != "!" && IsBareKqlScalar(text);
                    literal += i > 0 ? ", " : "";
                    literal += bare ? text : KqlStringLiteral(text);
                }
                literal += "])";
                settings.parameters[name] = literal;
            } else {
                return Error(value, name_field, "expected a value or a list of values");
            }
        }
        return Status::Ok();
    }

    std::string path_;
};

// ---------------------------------------------------------------------------------------------
// Allowlist matching

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
    return a.size() == b.size() && ToLower(a) == ToLower(b);
}

/// Folds case and makes '/' and '\' the same separator, so Windows and POSIX paths compare alike.
std::string NormalizePath(std::string_view path) {
    std::string normalized = ToLower(path);
    std::replace(normalized.begin(), normalized.end(), '/', '\\');
    while (normalized.size() > 1 && normalized.back() == '\\') {
        normalized.pop_back();
    }
    return normalized;
}

/// True when `path` is `folder` or lies below it: the prefix must end at a path separator, so
/// C:\Program Files\Datadog does not match C:\Program Files\DatadogUpdater.
bool IsUnderFolder(std::string_view path, std::string_view folder) {
    const std::string normalized_path = NormalizePath(path);
    const std::string normalized_folder = NormalizePath(folder);
    if (normalized_folder.empty() || !normalized_path.starts_with(normalized_folder)) {
        return false;
    }
    return normalized_path.size() == normalized_folder.size() || normalized_path[normalized_folder.size()] == '\\';
}

/// Extracts the host name from a remote name that may be a URL (https://host:port/path).
std::string HostOf(std::string_view name) {
    const size_t scheme = name.find("://");
    if (scheme != std::string_view::npos) {
        name.remove_prefix(scheme + 3);
    }
    const size_t end = name.find_first_of("/?#");
    if (end != std::string_view::npos) {
        name = name.substr(0, end);
    }
    // A port follows the last ':' unless the host is a bracketed IPv6 literal.
    const size_t colon = name.rfind(':');
    if (colon != std::string_view::npos && name.find(':') == colon) {
        name = name.substr(0, colon);
    }
    std::string host = ToLower(name);
    while (!host.empty() && host.back() == '.') {
        host.pop_back();
    }
    return host;
}

bool HasDomainSuffix(std::string_view name, std::string_view domain) {
    const std::string host = HostOf(name);
    if (host == domain) {
        return true;
    }
    return host.size() > domain.size() && host.ends_with(domain) && host[host.size() - domain.size() - 1] == '.';
}

/// Collects the string values of a property of an evidence row, also inside AdditionalFields.
/// Names compare without case and underscores, so `names` contains lower-case names without
/// underscores: "certificatesha1" matches CertificateSha1 and certificate_sha1.
void CollectEvidenceStrings(const DynamicValue& object, const std::vector<std::string>& names,
                            std::vector<std::string>& values) {
    if (object.kind() != DynamicValue::Kind::kObject) {
        return;
    }
    for (const auto& [key, value] : object.object()) {
        std::string folded = ToLower(key);
        std::erase(folded, '_');
        if (folded == "additionalfields" && value) {
            CollectEvidenceStrings(*value, names, values);
            continue;
        }
        if (std::find(names.begin(), names.end(), folded) == names.end() || !value) {
            continue;
        }
        if (value->kind() == DynamicValue::Kind::kString) {
            values.push_back(value->string());
        } else if (value->kind() == DynamicValue::Kind::kArray) {
            for (const DynamicPtr& item : value->array()) {
                if (item && item->kind() == DynamicValue::Kind::kString) {
                    values.push_back(item->string());
                }
            }
        }
    }
}

/// True when the finding's evidence carries the property and every value of it equals
/// `expected` (case-insensitive, colons ignored for certificate hashes).
bool EvidenceAllEqual(const Finding& finding, const std::vector<std::string>& names, const std::string& expected) {
    std::vector<std::string> values;
    for (const FindingReason& reason : finding.reasons) {
        if (reason.evidence) {
            CollectEvidenceStrings(*reason.evidence, names, values);
        }
    }
    if (values.empty()) {
        return false;
    }
    return std::all_of(values.begin(), values.end(), [&](const std::string& value) {
        std::string normalized = ToLower(value);
        std::erase(normalized, ':');
        return normalized == expected;
    });
}

/// An allowlist entry with its network parsed once per ApplyAllowlist call.
struct PreparedEntry {
    const AllowEntry* entry = nullptr;
    std::optional<IpNetwork> network;
    bool invalid_network = false; ///< the entry's cidr does not parse, so the entry matches nothing
    int64_t suppressed = 0;
};

bool EntryMatches(const PreparedEntry& prepared, const Finding& finding) {
    const AllowEntry& entry = *prepared.entry;
    if (prepared.invalid_network) {
        return false;
    }
    if (!entry.rules.empty()) {
        for (const FindingReason& reason : finding.reasons) {
            if (std::find(entry.rules.begin(), entry.rules.end(), reason.rule_id) == entry.rules.end()) {
                return false;
            }
        }
    }
    if (!entry.process.empty() && !EqualsIgnoreCase(entry.process, finding.process)) {
        return false;
    }
    if (!entry.folder_path.empty() && !IsUnderFolder(finding.folder_path, entry.folder_path)) {
        return false;
    }
    if (!entry.domain.empty()) {
        if (finding.remote_names.empty()) {
            return false;
        }
        for (const std::string& name : finding.remote_names) {
            if (!HasDomainSuffix(name, entry.domain)) {
                return false;
            }
        }
    }
    if (prepared.network) {
        if (finding.remote_ips.empty()) {
            return false;
        }
        for (const std::string& ip : finding.remote_ips) {
            std::optional<IpAddress> address = ParseIpAddress(ip);
            if (!address || !NetworkContains(*prepared.network, *address)) {
                return false;
            }
        }
    }
    if (!entry.ja3.empty() && !EvidenceAllEqual(finding, {"ja3"}, entry.ja3)) {
        return false;
    }
    if (!entry.ja4.empty() && !EvidenceAllEqual(finding, {"ja4"}, entry.ja4)) {
        return false;
    }
    if (!entry.certificate_sha1.empty() &&
        !EvidenceAllEqual(finding, {"certificatesha1", "certsha1"}, entry.certificate_sha1)) {
        return false;
    }
    return true;
}

} // namespace

Result<SiteConfig> LoadSiteConfig(const std::string& path) {
    if (!std::filesystem::is_regular_file(path)) {
        return Status(ErrorKind::kIo, "site configuration '" + path + "' not found or not a regular file");
    }
    YAML::Node root;
    try {
        root = YAML::LoadFile(path);
    } catch (const YAML::ParserException& error) {
        return Status(ErrorKind::kInvalidInput, path + ":" + std::to_string(error.mark.line + 1) + ":" +
                                                    std::to_string(error.mark.column + 1) +
                                                    ": invalid YAML: " + error.msg);
    } catch (const YAML::Exception& error) {
        return Status(ErrorKind::kIo, "cannot read site configuration '" + path + "': " + error.what());
    }
    try {
        return SiteConfigReader(path).Read(root);
    } catch (const YAML::Exception& error) {
        // Conversions of keys that are not scalars (a list used as a key) end up here.
        return Status(ErrorKind::kInvalidInput, path + ":" + std::to_string(error.mark.line + 1) + ":" +
                                                    std::to_string(error.mark.column + 1) +
                                                    ": expected a plain name as key (" + error.msg + ")");
    }
}

AllowlistOutcome ApplyAllowlist(const SiteConfig& config, std::vector<Finding> findings, int64_t now_ticks) {
    AllowlistOutcome outcome;
    std::vector<PreparedEntry> active;
    for (const AllowEntry& entry : config.allowlist) {
        if (entry.expires && *entry.expires <= now_ticks) {
            outcome.expired.push_back(&entry);
            continue;
        }
        PreparedEntry prepared;
        prepared.entry = &entry;
        if (!entry.cidr.empty()) {
            // LoadSiteConfig rejects an invalid cidr, but an entry built in code may still have one.
            prepared.network = ParseIpNetwork(entry.cidr);
            prepared.invalid_network = !prepared.network;
        }
        active.push_back(prepared);
    }
    for (Finding& finding : findings) {
        auto match = std::find_if(active.begin(), active.end(),
                                  [&](const PreparedEntry& prepared) { return EntryMatches(prepared, finding); });
        if (match != active.end()) {
            ++match->suppressed;
        } else {
            outcome.kept.push_back(std::move(finding));
        }
    }
    for (const PreparedEntry& prepared : active) {
        outcome.suppressed.emplace_back(prepared.entry, prepared.suppressed);
    }
    return outcome;
}

} // namespace unmask::detect
