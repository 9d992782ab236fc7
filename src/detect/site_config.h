// Site configuration (unmask.yaml): internal networks, allowlists, rule switches and overrides.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "detect/finding.h"
#include "detect/list_loader.h"

namespace unmask::detect {

/// One allowlist entry. Every field that is set must match for the entry to suppress a finding;
/// `rules` limits the entry to those rule ids (empty = all rules).
struct AllowEntry {
    std::string process;          ///< file name, case-insensitive (svchost.exe)
    std::string folder_path;      ///< process folder, case-insensitive prefix (C:\Program Files\Datadog\)
    std::string domain;           ///< suffix match on remote names (example.com matches a.example.com)
    std::string cidr;             ///< remote address or network (203.0.113.0/24, 2001:db8::/32)
    std::string ja3;              ///< JA3 hash (sensor rows)
    std::string ja4;              ///< JA4 fingerprint (sensor rows)
    std::string certificate_sha1; ///< server certificate SHA-1 (sensor rows)
    std::vector<std::string> rules;
    std::string reason;                 ///< required: why this is allowed
    std::optional<int64_t> expires;     ///< datetime ticks; an expired entry no longer applies
    std::string source;                 ///< "file:line" for messages
};

struct RuleSettings {
    std::optional<bool> enabled;
    std::map<std::string, std::string> parameters;  ///< name -> KQL literal
};

struct SiteConfig {
    std::string path;
    std::vector<std::string> internal_networks;  ///< CIDRs; default RFC 1918 and special ranges
    std::vector<AllowEntry> allowlist;
    std::map<std::string, RuleSettings> rules;  ///< by rule id
    /// Lists loaded from files; each replaces the rule parameter of its name (ListLiteral).
    std::vector<SiteList> lists;
};

/// Loads and validates a site configuration; errors name the file, the field and what is expected.
Result<SiteConfig> LoadSiteConfig(const std::string& path);

/// Result of applying the allowlist: kept findings and suppression counts per entry.
struct AllowlistOutcome {
    std::vector<Finding> kept;
    std::vector<std::pair<const AllowEntry*, int64_t>> suppressed;  ///< entry, findings suppressed
    std::vector<const AllowEntry*> expired;                         ///< entries past their expiry
};

/// Applies the allowlist at time `now_ticks` (expiry is checked against it).
AllowlistOutcome ApplyAllowlist(const SiteConfig& config, std::vector<Finding> findings, int64_t now_ticks);

}  // namespace unmask::detect
