// Findings: what the hunt reports, one per entity, merged across rules.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "detect/rule.h"
#include "table/dynamic.h"

namespace unmask::detect {

/// Interval statistics of a beacon, in seconds.
struct BeaconStats {
    int64_t connections = 0;
    double mean_interval_seconds = 0;
    double stdev_interval_seconds = 0;
    double median_interval_seconds = 0;
};

/// One rule's contribution to a finding.
struct FindingReason {
    std::string rule_id;
    std::string rule_title;
    Severity severity = Severity::kMedium;
    Confidence confidence = Confidence::kMedium;
    std::string explanation;  ///< the rule's explanation filled from its result row
    DynamicPtr evidence;      ///< the result row as a JSON object
    /// 0 to 1: how clearly the row shows the rule's pattern (a result column `Strength`, such as
    /// a beacon's score), which scales the reason's weight in the finding's score.
    double strength = 1.0;
};

struct Finding {
    std::string id;  ///< stable hash of the entity key and rule ids
    std::vector<std::string> attack;
    Severity severity = Severity::kMedium;  ///< the highest of the reasons
    Confidence confidence = Confidence::kMedium;
    double score = 0;  ///< combined score in [0, 100]; see MergeFindings
    std::optional<int64_t> first_seen;  ///< datetime ticks
    std::optional<int64_t> last_seen;
    std::string device;
    std::string process;
    std::string command_line;
    std::string process_id;
    std::string folder_path;
    std::vector<std::string> remote_ips;
    std::vector<int64_t> remote_ports;
    std::vector<std::string> remote_names;
    std::optional<int64_t> count;
    std::optional<int64_t> bytes_sent;
    std::optional<int64_t> bytes_received;
    std::optional<BeaconStats> beacon;
    std::vector<FindingReason> reasons;
    /// One line in plain words: the reasons' explanations joined.
    std::string explanation;
};

}  // namespace unmask::detect
