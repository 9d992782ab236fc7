// Beacon scoring over one group's connection times: the engine behind the KQL function
// beacon_score() (functions_beacon.cc), callable directly from C++ for tests and tools.
//
// Two independent parts:
// - ScoreBeacon() finds a check-in schedule in the intervals between connections. It tolerates
//   a sleep shortened by up to 50 % uniform random jitter (Cobalt Strike's `jitter` setting),
//   missed check-ins and a few extra connections, and works at the full 100 ns tick resolution
//   (functions_beacon_score.cc).
// - ComputeRitaScores() computes RITA v5's beacon sub-scores over the last 24 h, the way RITA
//   defines them, so that analysts can compare the two tools (functions_beacon_rita.cc).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace unmask::functions {

inline constexpr int64_t kBeaconTicksPerSecond = 10'000'000;

/// Tuning of ScoreBeacon(). The defaults suit periods from 1 s to several days.
struct BeaconOptions {
    /// Only the newest this many connections are scored, which bounds the work of one group
    /// (sorting is O(n log n), the schedule search O(n) per candidate jitter level).
    size_t max_timestamps = 100'000;
    /// Schedules whose longest beat interval is shorter than this are not considered.
    double min_period_seconds = 0.5;
    /// Schedules whose longest beat interval is longer than this are not considered; 0 means
    /// one third of the span, so that at least three beats fit.
    double max_period_seconds = 0;
    /// Window of the data set for the RITA sub-scores, in ticks: RITA scores the last 24 h up to
    /// the newest connection of the whole data set. Unset means the group's own first and last
    /// connection.
    std::optional<int64_t> window_start_ticks;
    std::optional<int64_t> window_end_ticks;
};

/// RITA v5's beacon sub-scores. Unset values are those RITA cannot compute on the input (too
/// few connections, no sizes), where RITA reports no beacon at all.
struct RitaScores {
    size_t connections = 0; ///< connections inside RITA's 24 h window
    std::optional<double> ts_skew;
    std::optional<double> ts_mad_seconds;
    std::optional<double> ts_score;
    std::optional<double> ds_skew;
    std::optional<double> ds_mad;
    std::optional<double> ds_score;
    std::optional<double> hist_score;
    std::optional<double> dur_score;
    /// The equal-weight mean of the four sub-scores, rounded to 3 decimals; unset when any of
    /// them is unset.
    std::optional<double> score;
};

/// Result of ScoreBeacon().
struct BeaconResult {
    /// 0 (no schedule) to 1 (every connection on a sharp, steady schedule).
    double score = 0;
    /// Median interval between consecutive check-ins (missed check-ins and extra connections
    /// removed), in seconds; unset when no schedule was found.
    std::optional<double> period_seconds;
    /// Longest interval of a single beat, in seconds: the configured sleep under a jitter that
    /// only shortens it.
    std::optional<double> sleep_seconds;
    /// Spread of the single-beat intervals as a fraction of the longest one: a sleep shortened by
    /// up to j uniformly gives j.
    std::optional<double> jitter;
    size_t connections = 0;         ///< timestamps scored (after the max_timestamps cap)
    size_t ignored_values = 0;      ///< array elements that were not a time, or were dropped by the cap
    double span_seconds = 0;        ///< last minus first scored connection
    size_t regular_intervals = 0;   ///< intervals of exactly one beat
    size_t missed_beats = 0;        ///< beats missing inside intervals of 2 to kMaxMissedRun + 1 beats
    size_t extra_connections = 0;   ///< connections off the schedule (strays)
    size_t burst_connections = 0;   ///< connections right after a check-in, as part of it
    size_t outages = 0;             ///< intervals longer than kMaxMissedRun + 1 beats (device asleep, offline)
    RitaScores rita;
};

/// Longest run of missed check-ins still counted as missed beats; a longer silence is an outage.
inline constexpr size_t kMaxMissedRun = 4;

/// Scores the connection times `ticks` (100 ns ticks, any order, duplicates allowed) and their
/// sizes `sizes` (same index as `ticks`, unset where unknown; may be empty).
BeaconResult ScoreBeacon(std::span<const int64_t> ticks, std::span<const std::optional<double>> sizes,
                         const BeaconOptions& options = {});

/// Computes the RITA sub-scores of sorted connections `ticks` with sizes `sizes` (same order,
/// may be empty) over [window_start, window_end] in ticks.
RitaScores ComputeRitaScores(std::span<const int64_t> ticks, std::span<const std::optional<double>> sizes,
                             int64_t window_start, int64_t window_end);

} // namespace unmask::functions
