// Scores, ids, merging and ordering of findings.
#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <unordered_map>

#include <fmt/format.h>

#include "detect/hunt.h"
#include "common/ip_network.h"

namespace unmask::detect {

namespace {

std::string ToLower(std::string_view text) {
    std::string lower(text);
    for (char& c : lower) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return lower;
}

/// 64-bit FNV-1a: a small, stable, non-cryptographic hash; ids only need to be reproducible.
class Fnv1a {
public:
    void Add(std::string_view text) {
        for (unsigned char c : text) {
            hash_ = (hash_ ^ c) * 0x100000001b3ULL;
        }
        // A separator byte that cannot occur in the fields keeps ("ab", "c") apart from ("a", "bc").
        hash_ = (hash_ ^ 0x1f) * 0x100000001b3ULL;
    }
    uint64_t value() const { return hash_; }

private:
    uint64_t hash_ = 0xcbf29ce484222325ULL;
};

/// Canonical text of an address so that 2001:DB8::1 and 2001:db8:0::1 compare equal; other
/// text is only lower-cased.
std::string AddressKey(const std::string& text) {
    std::optional<IpAddress> address = ParseIpAddress(text);
    if (!address) {
        return ToLower(text);
    }
    return std::string(reinterpret_cast<const char*>(address->bytes.data()), address->is_v4 ? 4 : 16);
}

class DisjointSets {
public:
    explicit DisjointSets(size_t size) : parent_(size) { std::iota(parent_.begin(), parent_.end(), 0); }

    size_t Find(size_t item) {
        while (parent_[item] != item) {
            parent_[item] = parent_[parent_[item]];
            item = parent_[item];
        }
        return item;
    }

    /// Joins two sets; the smaller index stays the root, so components keep input order.
    void Union(size_t a, size_t b) {
        a = Find(a);
        b = Find(b);
        if (a != b) {
            parent_[std::max(a, b)] = std::min(a, b);
        }
    }

private:
    std::vector<size_t> parent_;
};

template <typename T>
void AppendUnique(std::vector<T>& values, const std::vector<T>& more) {
    for (const T& value : more) {
        if (std::find(values.begin(), values.end(), value) == values.end()) {
            values.push_back(value);
        }
    }
}

void KeepMax(std::optional<int64_t>& value, const std::optional<int64_t>& other) {
    if (other && (!value || *other > *value)) {
        value = other;
    }
}

/// Folds `other` into `target`; `process_ids` collects the distinct process ids of both.
void Absorb(Finding& target, Finding&& other, std::vector<std::string>& process_ids) {
    for (FindingReason& reason : other.reasons) {
        target.reasons.push_back(std::move(reason));
    }
    if (other.first_seen && (!target.first_seen || *other.first_seen < *target.first_seen)) {
        target.first_seen = other.first_seen;
    }
    KeepMax(target.last_seen, other.last_seen);
    if (target.command_line.empty()) {
        target.command_line = std::move(other.command_line);
    }
    if (target.folder_path.empty()) {
        target.folder_path = std::move(other.folder_path);
    }
    if (!other.process_id.empty()) {
        AppendUnique(process_ids, {other.process_id});
    }
    AppendUnique(target.remote_ips, other.remote_ips);
    AppendUnique(target.remote_ports, other.remote_ports);
    AppendUnique(target.remote_names, other.remote_names);
    AppendUnique(target.attack, other.attack);
    // Rules count the same connections in different ways, so totals are not added up.
    KeepMax(target.count, other.count);
    KeepMax(target.bytes_sent, other.bytes_sent);
    KeepMax(target.bytes_received, other.bytes_received);
    if (!target.beacon) {
        target.beacon = other.beacon;
    }
}

} // namespace

double ReasonWeight(Severity severity, Confidence confidence) {
    double severity_factor = 0.5;
    switch (severity) {
    case Severity::kInformational:
        severity_factor = 0.1;
        break;
    case Severity::kLow:
        severity_factor = 0.3;
        break;
    case Severity::kMedium:
        severity_factor = 0.5;
        break;
    case Severity::kHigh:
        severity_factor = 0.7;
        break;
    case Severity::kCritical:
        severity_factor = 0.9;
        break;
    }
    double confidence_factor = 0.75;
    switch (confidence) {
    case Confidence::kLow:
        confidence_factor = 0.5;
        break;
    case Confidence::kMedium:
        confidence_factor = 0.75;
        break;
    case Confidence::kHigh:
        confidence_factor = 1.0;
        break;
    }
    return severity_factor * confidence_factor;
}

double CombinedScore(const std::vector<FindingReason>& reasons) {
    std::map<std::string, double> weight_by_rule;
    for (const FindingReason& reason : reasons) {
        double& weight = weight_by_rule[reason.rule_id];
        weight = std::max(weight, ReasonWeight(reason.severity, reason.confidence) * reason.strength);
    }
    double miss = 1.0;
    for (const auto& [rule_id, weight] : weight_by_rule) {
        miss *= 1.0 - weight;
    }
    // The small offset rounds halves up even when the product lands a rounding error below
    // them (0.8575 is 0.85749999... in binary).
    return std::round((1.0 - miss) * 1000.0 + 1e-9) / 10.0;
}

std::string FindingId(const Finding& finding) {
    Fnv1a hash;
    hash.Add(ToLower(finding.device));
    hash.Add(ToLower(finding.process));
    hash.Add(finding.process_id);
    hash.Add(finding.command_line);
    std::vector<std::string> addresses = finding.remote_ips;
    std::sort(addresses.begin(), addresses.end());
    for (const std::string& address : addresses) {
        hash.Add(address);
    }
    std::vector<std::string> rule_ids;
    for (const FindingReason& reason : finding.reasons) {
        rule_ids.push_back(reason.rule_id);
    }
    std::sort(rule_ids.begin(), rule_ids.end());
    rule_ids.erase(std::unique(rule_ids.begin(), rule_ids.end()), rule_ids.end());
    for (const std::string& rule_id : rule_ids) {
        hash.Add(rule_id);
    }
    return fmt::format("{:016x}", hash.value());
}

void FinalizeFinding(Finding& finding) {
    std::stable_sort(finding.reasons.begin(), finding.reasons.end(),
                     [](const FindingReason& a, const FindingReason& b) {
                         if (a.severity != b.severity) {
                             return a.severity > b.severity;
                         }
                         if (a.confidence != b.confidence) {
                             return a.confidence > b.confidence;
                         }
                         return a.rule_id < b.rule_id;
                     });
    if (!finding.reasons.empty()) {
        finding.severity = finding.reasons.front().severity;
        finding.confidence = finding.reasons.front().confidence;
        for (const FindingReason& reason : finding.reasons) {
            finding.confidence = std::max(finding.confidence, reason.confidence);
        }
    }
    finding.explanation.clear();
    if (finding.reasons.size() == 1) {
        finding.explanation = finding.reasons.front().explanation;
    } else {
        // One sentence per rule: "rule-a: fact. rule-b: fact."
        for (const FindingReason& reason : finding.reasons) {
            std::string_view text = reason.explanation;
            while (!text.empty() && (text.back() == '.' || text.back() == ' ')) {
                text.remove_suffix(1);
            }
            finding.explanation += finding.explanation.empty() ? "" : " ";
            finding.explanation += reason.rule_id + ": " + std::string(text) + ".";
        }
    }
    finding.score = CombinedScore(finding.reasons);
    finding.id = FindingId(finding);
}

namespace {

/// Joins the findings that describe the same entity (see MergeFindings) into one set each.
void LinkSameEntities(const std::vector<Finding>& findings, DisjointSets& sets) {
    std::map<std::string, std::vector<size_t>> groups;
    for (size_t i = 0; i < findings.size(); ++i) {
        groups[ToLower(findings[i].device) + '\x1f' + ToLower(findings[i].process)].push_back(i);
    }
    for (const auto& [key, members] : groups) {
        std::optional<size_t> without_address;
        std::unordered_map<std::string, size_t> owner_by_address;
        for (size_t i : members) {
            if (findings[i].remote_ips.empty()) {
                without_address = without_address.value_or(i);
                continue;
            }
            for (const std::string& address : findings[i].remote_ips) {
                auto [owner, inserted] = owner_by_address.emplace(AddressKey(address), i);
                if (!inserted) {
                    sets.Union(i, owner->second);
                }
            }
        }
        // A finding without remote addresses is about the whole process, so it joins every
        // finding of that process.
        if (without_address) {
            for (size_t i : members) {
                sets.Union(i, *without_address);
            }
        }
    }
}

} // namespace

std::vector<Finding> MergeFindings(std::vector<Finding> findings) {
    // The strongest finding of a set comes first and gives the merged finding its command line
    // and folder.
    SortFindings(findings);
    DisjointSets sets(findings.size());
    LinkSameEntities(findings, sets);

    std::vector<Finding> merged;
    std::vector<std::vector<std::string>> process_ids;
    std::unordered_map<size_t, size_t> merged_index_by_root;
    for (size_t i = 0; i < findings.size(); ++i) {
        const size_t root = sets.Find(i);
        auto [slot, inserted] = merged_index_by_root.emplace(root, merged.size());
        if (inserted) {
            process_ids.emplace_back();
            if (!findings[i].process_id.empty()) {
                process_ids.back().push_back(findings[i].process_id);
            }
            merged.push_back(std::move(findings[i]));
            continue;
        }
        Absorb(merged[slot->second], std::move(findings[i]), process_ids[slot->second]);
    }

    for (size_t m = 0; m < merged.size(); ++m) {
        std::string joined;
        for (const std::string& process_id : process_ids[m]) {
            joined += joined.empty() ? "" : ", ";
            joined += process_id;
        }
        merged[m].process_id = joined;
        FinalizeFinding(merged[m]);
    }
    SortFindings(merged);
    return merged;
}

void SortFindings(std::vector<Finding>& findings) {
    std::stable_sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) {
        if (a.severity != b.severity) {
            return a.severity > b.severity;
        }
        if (a.first_seen != b.first_seen) {
            if (!a.first_seen || !b.first_seen) {
                return a.first_seen.has_value();
            }
            return *a.first_seen < *b.first_seen;
        }
        if (a.score != b.score) {
            return a.score > b.score;
        }
        if (a.id != b.id) {
            return a.id < b.id;
        }
        // Rows that differ only outside the entity columns: their evidence decides, so the order
        // does not depend on the order in which worker threads produced the rows.
        const std::string a_evidence =
            a.reasons.empty() || !a.reasons[0].evidence ? "" : a.reasons[0].evidence->ToJson();
        const std::string b_evidence =
            b.reasons.empty() || !b.reasons[0].evidence ? "" : b.reasons[0].evidence->ToJson();
        return a_evidence < b_evidence;
    });
}

} // namespace unmask::detect
