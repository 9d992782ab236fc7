// `unmask hunt`: runs the detection pack over the inputs with one shared read, turns result rows
// into findings, applies the site allowlist and merges findings about the same entity.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "detect/finding.h"
#include "detect/rule.h"
#include "detect/site_config.h"
#include "ingest/reader.h"
#include "table/column.h"

namespace unmask::detect {

struct HuntOptions {
    std::vector<std::string> inputs; ///< files, directories or globs
    std::string rules_dir;           ///< folder of rule files
    std::string config_path;         ///< site configuration; empty runs every rule as shipped, no allowlist
    /// now() of the rules: "latest" (the newest Timestamp in the inputs, for replayed exports), a
    /// datetime, or empty for the wall clock.
    std::string now = "latest";
    /// A timespan ("30d") that replaces the Lookback parameter of every rule that has one, unless
    /// the site configuration sets it for that rule. Empty keeps each rule's own.
    std::string lookback;
    bool merge = true;                 ///< merge findings about the same entity (MergeFindings)
    std::vector<std::string> rule_ids; ///< run only these rules, even when disabled; empty = all enabled
    ingest::ReadOptions read_options;
    /// Called from the calling thread with a one-line message as each phase starts (loading
    /// rules, probing the inputs, reading them) and when the read ends.
    std::function<void(const std::string& message)> progress;
};

enum class RuleStatus {
    kRan,           ///< the query ran and its rows became findings
    kNotApplicable, ///< the inputs lack a required column or action type; `reason` says which
    kDisabled,      ///< switched off in the rule file or the site configuration
    kFailed,        ///< the query did not bind or its result lacks an entity column; `reason` has the error
};

const char* RuleStatusName(RuleStatus status);

/// Outcome of one rule in a hunt.
struct RuleRun {
    std::string id;
    std::string title;
    std::string path;
    RuleStatus status = RuleStatus::kRan;
    std::string reason;                           ///< why not applicable, disabled or failed
    std::map<std::string, std::string> overrides; ///< parameters set by the site configuration
    std::string lookback_from_option; ///< the parameter that HuntOptions::lookback set, "" when none
    std::vector<std::string> notes;               ///< binder notes (extension columns used, ...)
    size_t result_rows = 0;
    size_t findings = 0; ///< findings from this rule that survived the allowlist
    /// Value of the rule's `Lookback` timespan parameter, when it has one: its window is
    /// (now() - lookback, now()].
    std::optional<int64_t> lookback_ticks;
};

struct AllowlistCount {
    AllowEntry entry;
    int64_t suppressed = 0;
};

struct HuntOutcome {
    std::vector<Finding> findings; ///< sorted by SortFindings
    std::vector<RuleRun> rules;    ///< in rule-file order; rules left out by `rule_ids` are not listed
    size_t rules_loaded = 0;
    size_t findings_before_allowlist = 0;
    size_t findings_before_merge = 0;         ///< after the allowlist
    std::vector<AllowlistCount> suppressions; ///< every active allowlist entry, in file order
    std::vector<AllowEntry> expired;          ///< entries whose `expires` is at or before now()
    std::string config_path;                  ///< the site configuration used, or empty
    ingest::ReadStats stats;
    int64_t now_ticks = 0;
    std::string now_source;                      ///< as QueryOutcome::now_source
    std::map<std::string, int64_t> action_types; ///< rows per ActionType in the inputs
    std::vector<std::string> notes;
    double elapsed_seconds = 0;
};

/// Loads the rules and the site configuration, runs every applicable rule with one read of the
/// inputs, and returns the findings with a report of every rule. Fails on invalid rules or
/// configuration, unreadable inputs and execution errors. A rule that does not bind is reported
/// as kFailed, and the others still run.
Result<HuntOutcome> RunHunt(const HuntOptions& options);

// ---------------------------------------------------------------------------------------------
// Building blocks, exposed for tests (finding.cc, merge.cc).

/// Names of the result columns that carry beacon interval statistics, in seconds. A row with a
/// non-null MeanIntervalSeconds becomes a finding with BeaconStats; the other two are optional.
inline constexpr const char* kMeanIntervalColumn = "MeanIntervalSeconds";
inline constexpr const char* kStdevIntervalColumn = "StdevIntervalSeconds";
inline constexpr const char* kMedianIntervalColumn = "MedianIntervalSeconds";

/// Checks that every entity column and every {Column} placeholder of the explanation names a
/// column of the rule's result.
Status CheckRuleOutput(const Rule& rule, const Schema& result_schema);

/// Converts each row of a rule's result into a finding with one reason; call CheckRuleOutput
/// first. Ids and scores are set as for a finding of one reason.
std::vector<Finding> FindingsFromResult(const Rule& rule, const Table& result);

/// Replaces {Column} placeholders with the row's cell text. Nulls read "n/a", reals are rounded
/// to two decimals (three significant digits below 1), lists read "a, b", datetimes are ISO 8601.
std::string FillExplanation(std::string_view text, const Schema& schema, const Chunk& chunk, size_t row);

/// Weight of one reason: severity factor (informational 0.1, low 0.3, medium 0.5, high 0.7,
/// critical 0.9) times confidence factor (low 0.5, medium 0.75, high 1.0).
double ReasonWeight(Severity severity, Confidence confidence);

/// Combined score in [0, 100]: 100 * (1 - prod(1 - w_r)) over the distinct rules r of the
/// reasons, w_r the largest ReasonWeight among rule r's reasons, rounded half up to one decimal.
/// Several rows of one rule count once, so only independent rules raise the score.
double CombinedScore(const std::vector<FindingReason>& reasons);

/// Returns a stable 16-hex-digit id from the entity (device, process, process id, command line,
/// remote addresses) and the rule ids.
std::string FindingId(const Finding& finding);

/// Merges findings about the same entity. Two findings are about the same entity when their
/// device and process names are equal (ignoring case) and their remote addresses overlap or one
/// of them has none. The relation is applied transitively. The merged finding lists every
/// reason and takes the highest severity and confidence, the earliest first_seen and latest
/// last_seen, the union of remote endpoints, the largest count and byte totals, and the
/// CombinedScore of its reasons.
std::vector<Finding> MergeFindings(std::vector<Finding> findings);

/// Sets the explanation, score and id of a finding from its reasons.
void FinalizeFinding(Finding& finding);

/// Sorts by severity (highest first), then first_seen (earliest first, unknown last), then
/// score (highest first), then id, then the evidence of the first reason.
void SortFindings(std::vector<Finding>& findings);

/// Quotes text as a KQL string literal ("..." with backslash escapes).
std::string KqlStringLiteral(std::string_view text);

} // namespace unmask::detect
