// ScoreBeacon(): finds a check-in schedule in the intervals between connections.
//
// The model is a timer that sleeps S, shortened by a uniform random share of up to j (so each
// interval lies in [S(1 - j), S]), which sometimes misses check-ins (an interval of k beats lies
// in [kS(1 - j), kS]) and sometimes shares the destination with other connections (strays).
// Drift from the jitter accumulates, so there is no fixed phase to fold on and Fourier methods
// fail; the schedule shows only in the intervals themselves.
//
// 1. Band search. For each jitter level of a grid, every observed interval U is tried as the
//    sleep: the band [U(1 - j), U] is compared with guard zones of half its width on either
//    side, and the band whose count most exceeds its guards' (in standard deviations of a flat
//    background) wins. Single beats fill a band with sharp edges. Exponential (Poisson) or
//    bursty intervals spread over a band and its guards alike. The guards also reject the band
//    of a fraction of the period; FindBand() handles multiples and bursts.
// 2. Walk. The intervals are walked in time order against the band: short intervals are merged
//    into the next one (a connection within a tenth of a beat after a check-in belongs to it,
//    any other is a stray), and each merged interval is counted as one beat, k beats (k - 1
//    missed), a hole between the bands, or an outage (more than kMaxMissedRun missed).
// 3. Score = contrast x support x shape: contrast = (in band - in guards) / (in band + 2), which
//    keeps a handful of intervals from scoring high; support = share of the intervals that fit
//    the schedule, outages and burst companions aside; shape = how far the share of single-beat
//    intervals rises above what exponential intervals give.
#include <algorithm>
#include <array>
#include <cmath>

#include "functions/functions_beacon.h"

namespace unmask::functions {

namespace {

/// Jitter levels tried by the band search: a band is [U(1 - j), U]. The one-way levels, up to
/// 50 %, are tried first. The wider levels cover jitter that goes both ways: ±50 % of a period P
/// fills [P/2, 3P/2], a band of j = 2/3. They are tried only when the one-way levels give a low
/// score, because a band that wide also contains the intervals of missed check-ins.
constexpr std::array<double, 17> kJitterLevels = {0.01, 0.02, 0.035, 0.05, 0.075, 0.1, 0.15, 0.2, 0.25,
                                                  0.3,  0.35, 0.4,   0.45, 0.5,   0.56, 0.62, 0.68};
constexpr size_t kOneWayLevels = 14;

/// Score below which the wider jitter levels are tried as well; the beacon rule's threshold.
constexpr double kBothWaysRetryScore = 0.75;

/// Intervals a band of the wider levels must hold. A band that spans a factor of three catches
/// chance regularity in small groups: with no minimum, 14 of 900 groups of 10 to 30 random
/// connections over a week reached 0.75, against 1 with the one-way levels alone.
constexpr size_t kMinBothWaysBandIntervals = 24;

/// Intervals in band minus intervals in guards needed before a schedule is reported.
constexpr size_t kMinBandIntervals = 3;

/// Evidence shrinkage of the contrast: with c intervals in the band and none in the guards the
/// contrast is c / (c + 2), so 5 intervals give at most 0.71 and 50 give 0.96.
constexpr double kContrastPrior = 2.0;

/// The score's shape factor rises from 0 to 1 as the share of single-beat intervals rises from
/// the floor to the full value.
constexpr double kSingleShareFloor = 0.2;
constexpr double kSingleShareFull = 0.6;

/// Share of the best band's significance at which a band of a shorter period is preferred. The
/// band from P to 2P of a steady timer that misses a share m of its check-ins reaches
/// sqrt((1 - m) / (1 - m^3)) of it (0.88 at m = 0.3).
constexpr double kHarmonicPreference = 0.85;

/// A connection this share of the band's lower edge after a check-in belongs to the check-in.
constexpr double kBurstShare = 0.1;
constexpr double kBurstScale = 1 / kBurstShare;

struct Band {
    double significance = 0; ///< (count - guard) / sqrt(count + guard + 1)
    double upper = 0;  ///< U, the longest single-beat interval
    double lower = 0;  ///< U(1 - j)
    size_t first = 0;  ///< index of the first interval in the band (sorted intervals)
    size_t count = 0;  ///< intervals in the band
    size_t guard = 0;  ///< intervals in the guard zones
};

/// Searches the sorted positive intervals for the band whose count most exceeds its guards'.
std::optional<Band> FindBestBand(const std::vector<double>& sorted, double min_upper, double max_upper,
                                 std::span<const double> levels) {
    std::optional<Band> best;
    double best_significance = 0;
    const size_t n = sorted.size();
    for (double jitter : levels) {
        // Four boundaries move right as U grows, so each level is one O(n) sweep.
        size_t guard_low = 0; // first interval >= L - W/2
        size_t band_low = 0;  // first interval >= L
        size_t guard_high = 0; // first interval > U + W/2
        for (size_t i = 0; i < n; ++i) {
            // Equal intervals share one candidate: the last of them, so the band counts them all.
            if (i + 1 < n && sorted[i + 1] == sorted[i]) {
                continue;
            }
            const double upper = sorted[i];
            if (upper < min_upper) {
                continue;
            }
            if (upper > max_upper) {
                break;
            }
            const double width = jitter * upper;
            const double lower = upper - width;
            while (guard_low < n && sorted[guard_low] < lower - width / 2) {
                ++guard_low;
            }
            while (band_low < n && sorted[band_low] < lower) {
                ++band_low;
            }
            guard_high = std::max(guard_high, i + 1);
            while (guard_high < n && sorted[guard_high] <= upper + width / 2) {
                ++guard_high;
            }
            const size_t count = i + 1 - band_low;
            const size_t guard = (band_low - guard_low) + (guard_high - (i + 1));
            if (count < guard + kMinBandIntervals) {
                continue;
            }
            // The excess over the guards in standard deviations of a flat background. A raw
            // difference would let a few strays widen the band of a fixed timer, because each
            // stray splits a beat into one longer piece inside a wide band and one shorter piece,
            // which lands in the lower guard only half of the time.
            const double significance = (static_cast<double>(count) - static_cast<double>(guard)) /
                                        std::sqrt(static_cast<double>(count + guard) + 1);
            if (significance > best_significance) {
                best_significance = significance;
                best = Band{significance, upper, lower, band_low, count, guard};
            }
        }
    }
    return best;
}

/// Linear interpolation between the closest ranks of sorted values, for q in [0, 1].
double Quantile(std::span<const double> sorted, double q) {
    const double position = q * static_cast<double>(sorted.size() - 1);
    const auto below = static_cast<size_t>(position);
    const size_t above = std::min(below + 1, sorted.size() - 1);
    return sorted[below] + (position - static_cast<double>(below)) * (sorted[above] - sorted[below]);
}

/// Finds the band of the fundamental period. A band with a jitter near 50 % spans a factor of 2,
/// so the band from P to 2P holds both the single beats of a steady timer and its intervals with
/// one missed beat, and beats the band at P. When the best band is that wide, a band with an upper
/// edge of about half its own that reaches kHarmonicPreference of its significance is preferred,
/// repeatedly.
std::optional<Band> FindBand(const std::vector<double>& sorted, double min_upper, double max_upper,
                             std::span<const double> levels) {
    std::optional<Band> best = FindBestBand(sorted, min_upper, max_upper, levels);
    if (best) {
        // A check-in that opens several connections a few seconds apart fills a band of those
        // few seconds. A band at least kBurstScale times longer with half the significance is the
        // schedule, and the short intervals are its burst companions.
        const std::optional<Band> longer = FindBestBand(sorted, kBurstScale * best->upper, max_upper, levels);
        if (longer && longer->significance >= 0.5 * best->significance) {
            best = longer;
        }
    }
    while (best && best->lower <= 0.55 * best->upper) {
        const std::optional<Band> shorter =
            FindBestBand(sorted, std::max(min_upper, 0.4 * best->upper), 0.6 * best->upper, levels);
        if (!shorter || shorter->significance < kHarmonicPreference * best->significance) {
            break;
        }
        best = shorter;
    }
    return best;
}

/// Estimates the jitter from the band's sorted intervals. Their 5th to 95th percentiles span
/// 90 % of a uniform jitter's width, and leave out strays that happen to fall into the band.
double EstimateJitter(std::span<const double> in_band) {
    const double low = Quantile(in_band, 0.05);
    const double high = Quantile(in_band, 0.95);
    const double width = (high - low) / 0.9;
    const double top = high + 0.05 * width;
    return top > 0 ? std::clamp(width / top, 0.0, 1.0) : 0.0;
}

/// Counts of the walk over the intervals in time order.
struct WalkCounts {
    size_t single = 0;
    size_t multiple = 0;
    size_t missed = 0;
    size_t holes = 0;
    size_t strays = 0;
    size_t bursts = 0;
    size_t outages = 0;
};

WalkCounts WalkIntervals(const std::vector<double>& intervals, const Band& band) {
    WalkCounts counts;
    const double slack = std::max(0.25 * (band.upper - band.lower), 0.005 * band.upper);
    const double burst_limit = kBurstShare * band.lower;
    double since_beat = 0;
    bool only_bursts = true; // every connection since the last beat was a burst companion
    for (double interval : intervals) {
        since_beat += interval;
        if (since_beat < band.lower - slack) {
            if (only_bursts && since_beat <= burst_limit) {
                // The sleep starts when the check-in ends, so the next interval is measured from
                // the last connection of the burst.
                ++counts.bursts;
                since_beat = 0;
            } else {
                ++counts.strays;
                only_bursts = false;
            }
            continue;
        }
        const double beats = std::ceil((since_beat - slack) / band.upper);
        const auto k = static_cast<size_t>(std::max(1.0, beats));
        if (k > kMaxMissedRun + 1) {
            ++counts.outages;
        } else if (since_beat < static_cast<double>(k) * (band.lower - slack)) {
            ++counts.holes;
        } else if (k == 1) {
            ++counts.single;
        } else {
            ++counts.multiple;
            counts.missed += k - 1;
        }
        since_beat = 0;
        only_bursts = true;
    }
    return counts;
}

double Median(std::span<const double> sorted) {
    const size_t n = sorted.size();
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

/// Finds the schedule with the given jitter levels and fills the schedule fields of `result`.
void ScoreSchedule(const std::vector<double>& intervals, const std::vector<double>& positive, double min_period,
                   double max_period, std::span<const double> levels, size_t min_band_intervals,
                   BeaconResult& result) {
    const std::optional<Band> band = FindBand(positive, min_period, max_period, levels);
    if (!band || band->count < min_band_intervals) {
        return;
    }
    const std::span<const double> in_band(positive.data() + band->first, band->count);
    result.period_seconds = Median(in_band);
    result.sleep_seconds = band->upper;
    result.jitter = EstimateJitter(in_band);

    const WalkCounts counts = WalkIntervals(intervals, *band);
    result.regular_intervals = counts.single;
    result.missed_beats = counts.missed;
    result.extra_connections = counts.strays;
    result.burst_connections = counts.bursts;
    result.outages = counts.outages;

    const auto count = static_cast<double>(band->count);
    const double contrast = (count - static_cast<double>(band->guard)) / (count + kContrastPrior);
    const size_t fitting = counts.single + counts.multiple;
    const size_t judged = fitting + counts.holes + counts.strays;
    const double support = judged > 0 ? static_cast<double>(fitting) / static_cast<double>(judged) : 0.0;
    // With up to 50 % jitter the bands of 1 to 5 beats touch, so any interval longer than half a
    // sleep fits some number of missed beats. What sets a timer apart is that most intervals are
    // single beats: at least 1 - m of them when a share m of the check-ins is missed, against at
    // most a quarter for exponential intervals in any band of this shape.
    const size_t scheduled = intervals.size() - counts.bursts - counts.outages;
    const double single_share = scheduled > 0 ? count / static_cast<double>(scheduled) : 0.0;
    const double shape =
        std::clamp((single_share - kSingleShareFloor) / (kSingleShareFull - kSingleShareFloor), 0.0, 1.0);
    result.score = std::clamp(contrast * support * shape, 0.0, 1.0);
}

} // namespace

BeaconResult ScoreBeacon(std::span<const int64_t> ticks, std::span<const std::optional<double>> sizes,
                         const BeaconOptions& options) {
    BeaconResult result;
    // Sort the indices, so that the sizes follow their timestamps.
    std::vector<size_t> order(ticks.size());
    for (size_t i = 0; i < order.size(); ++i) {
        order[i] = i;
    }
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return ticks[a] < ticks[b]; });
    const size_t keep = std::min(order.size(), std::max<size_t>(options.max_timestamps, 1));
    result.ignored_values = order.size() - keep;
    order.erase(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(order.size() - keep));

    std::vector<int64_t> sorted_ticks;
    std::vector<std::optional<double>> sorted_sizes;
    sorted_ticks.reserve(order.size());
    for (size_t index : order) {
        sorted_ticks.push_back(ticks[index]);
        if (!sizes.empty()) {
            sorted_sizes.push_back(index < sizes.size() ? sizes[index] : std::nullopt);
        }
    }
    result.connections = sorted_ticks.size();
    if (sorted_ticks.empty()) {
        return result;
    }

    const int64_t window_end = options.window_end_ticks.value_or(sorted_ticks.back());
    const int64_t window_start = options.window_start_ticks.value_or(sorted_ticks.front());
    result.rita = ComputeRitaScores(sorted_ticks, sorted_sizes, window_start, window_end);

    // Intervals in seconds from exact tick differences.
    std::vector<double> intervals;
    intervals.reserve(sorted_ticks.size());
    for (size_t i = 1; i < sorted_ticks.size(); ++i) {
        intervals.push_back(static_cast<double>(sorted_ticks[i] - sorted_ticks[i - 1]) /
                            static_cast<double>(kBeaconTicksPerSecond));
    }
    result.span_seconds = static_cast<double>(sorted_ticks.back() - sorted_ticks.front()) /
                          static_cast<double>(kBeaconTicksPerSecond);
    std::vector<double> positive;
    positive.reserve(intervals.size());
    for (double interval : intervals) {
        if (interval > 0) {
            positive.push_back(interval);
        }
    }
    std::sort(positive.begin(), positive.end());

    const double max_upper = options.max_period_seconds > 0 ? options.max_period_seconds : result.span_seconds / 3;
    ScoreSchedule(intervals, positive, options.min_period_seconds, max_upper,
                  std::span<const double>(kJitterLevels.data(), kOneWayLevels), 0, result);
    if (result.score < kBothWaysRetryScore) {
        BeaconResult both_ways = result;
        ScoreSchedule(intervals, positive, options.min_period_seconds, max_upper, kJitterLevels,
                      kMinBothWaysBandIntervals, both_ways);
        if (both_ways.score > result.score) {
            result = both_ways;
        }
    }
    return result;
}

} // namespace unmask::functions
