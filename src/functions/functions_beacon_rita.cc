// RITA v5's beacon sub-scores (activecm/rita, analysis/beacons.go, read at commit 0b6db7af),
// computed as RITA defines them so that results can be compared:
// - RITA scores the last 24 h of the data set and truncates timestamps to whole seconds.
// - TS: the sorted intervals between connections without the zero ones (at least 4
//   connections and 3 non-zero intervals), DS: the sorted sizes (at least 3). Each gets
//   round3((skew score + MAD score) / 2). The Bowley skew (Q1 + Q3 - 2 Q2) / (Q3 - Q1) uses
//   Tukey's hinges (quartiles as medians of the lower and upper halves, the median left out of
//   both when the count is odd) and is 0 when Q3 - Q1 < 10 or Q2 equals Q1 or Q3; the skew
//   score is 1 - |skew|. The MAD score is (median - MAD) / median, floored at 0; when the
//   median is below 1 it is 1 for TS and 0 for DS.
// - HIST: 24 equal bins over the window. The score is the larger of the CV score
//   (round3(1 - population stdev / mean of the bin counts), 0 when that ratio exceeds 1) and the
//   bimodal score, computed with at least 11 non-empty bins: bin heights are grouped in steps of
//   ceil(5 % of the tallest), and the two most common groups are divided by the non-empty bins
//   minus 1, rounded to 3 decimals and capped at 1.
// - DUR: with at least 6 non-empty bins, the larger of the coverage (last minus first
//   connection over the window) and the consistency (longest run of non-empty bins, wrapping
//   from the last bin to the first, over 12), each rounded up to 3 decimals and capped at 1.
// - The total is round3 of the equal-weight mean of the four (RITA's default weights).
#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <span>
#include <vector>

#include "functions/functions_beacon.h"

namespace unmask::functions {

namespace {

constexpr int64_t kRitaWindowSeconds = 24 * 3600;
constexpr int kHistogramBins = 24;
constexpr double kModeSensitivity = 0.05;
constexpr int kBimodalOutlierRemoval = 1;
constexpr int kBimodalMinBins = 11;
constexpr int kDurationMinBins = 6;
constexpr double kDurationIdealRun = 12;

double Round3(double value) {
    return std::round(value * 1000) / 1000;
}

double Ceil3(double value) {
    return std::ceil(value * 1000) / 1000;
}

/// Median of sorted values: the mean of the two middle ones for an even count.
double SortedMedian(std::span<const double> sorted) {
    const size_t n = sorted.size();
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

struct StatisticalScore {
    double score = 0;
    double skew = 0;
    double mad = 0;
};

/// Bowley skew and MAD scores of sorted values (at least 3).
StatisticalScore ScoreDistribution(std::span<const double> sorted, double default_mad_score) {
    const size_t n = sorted.size();
    const size_t lower_end = n / 2;                       // lower half: [0, n / 2)
    const size_t upper_begin = n % 2 == 0 ? n / 2 : n / 2 + 1; // upper half: [upper_begin, n)
    const double q1 = SortedMedian(sorted.subspan(0, lower_end));
    const double q2 = SortedMedian(sorted);
    const double q3 = SortedMedian(sorted.subspan(upper_begin));
    StatisticalScore result;
    const double spread = q3 - q1;
    if (spread >= 10 && q2 != q1 && q2 != q3) {
        result.skew = (q1 + q3 - 2 * q2) / spread;
    }
    const double skew_score = 1 - std::abs(result.skew);

    std::vector<double> deviations;
    deviations.reserve(n);
    for (double value : sorted) {
        deviations.push_back(std::abs(value - q2));
    }
    std::sort(deviations.begin(), deviations.end());
    result.mad = SortedMedian(deviations);
    double mad_score = default_mad_score;
    if (q2 >= 1) {
        mad_score = (q2 - result.mad) / q2;
    }
    if (mad_score < 0 || std::isnan(mad_score)) {
        mad_score = 0;
    }
    result.score = Round3((skew_score + mad_score) / 2);
    return result;
}

double FloorSeconds(int64_t ticks) {
    const int64_t seconds = ticks / kBeaconTicksPerSecond - (ticks % kBeaconTicksPerSecond < 0 ? 1 : 0);
    return static_cast<double>(seconds);
}

/// Connection counts of the 24 bins over [start, end]; a connection on an inner edge belongs to
/// the bin above it, and one at `end` to the last bin.
std::vector<int> BuildHistogram(std::span<const double> seconds, double start, double end) {
    const double step = (end - start) / kHistogramBins;
    std::vector<double> inner_edges;
    for (int i = 1; i < kHistogramBins; ++i) {
        inner_edges.push_back(start + i * step);
    }
    std::vector<int> bins(kHistogramBins, 0);
    for (double second : seconds) {
        const auto bin = std::upper_bound(inner_edges.begin(), inner_edges.end(), second) - inner_edges.begin();
        ++bins[static_cast<size_t>(bin)];
    }
    return bins;
}

double HistogramScore(const std::vector<int>& bins, int non_empty) {
    const double total = std::accumulate(bins.begin(), bins.end(), 0.0);
    const double mean = total / kHistogramBins;
    double squares = 0;
    for (int count : bins) {
        squares += (count - mean) * (count - mean);
    }
    const double cv = std::sqrt(squares / kHistogramBins) / mean;
    const double cv_score = cv > 1 ? 0.0 : std::min(1.0, Round3(1 - cv));

    double bimodal = 0;
    if (non_empty >= kBimodalMinBins) {
        const int tallest = *std::max_element(bins.begin(), bins.end());
        const double group_size = std::ceil(tallest * kModeSensitivity);
        std::map<int, int> groups;
        for (int count : bins) {
            if (count > 0) {
                ++groups[static_cast<int>(std::floor(count / group_size) * group_size)];
            }
        }
        int largest = 0;
        int second = 0;
        for (const auto& [height, members] : groups) {
            if (members > largest) {
                second = largest;
                largest = members;
            } else if (members > second) {
                second = members;
            }
        }
        const double denominator = std::max(static_cast<double>(non_empty - kBimodalOutlierRemoval), 1.0);
        bimodal = std::min(1.0, Round3((largest + second) / denominator));
    }
    return std::max(cv_score, bimodal);
}

/// Longest run of non-empty bins, wrapping from the last bin to the first, at most 24.
int LongestRun(const std::vector<int>& bins) {
    int longest = 0;
    int run = 0;
    for (size_t i = 0; i < 2 * bins.size(); ++i) {
        if (bins[i % bins.size()] > 0) {
            ++run;
            longest = std::max(longest, run);
        } else {
            run = 0;
        }
    }
    return std::min(longest, static_cast<int>(bins.size()));
}

} // namespace

RitaScores ComputeRitaScores(std::span<const int64_t> ticks, std::span<const std::optional<double>> sizes,
                             int64_t window_start, int64_t window_end) {
    RitaScores rita;
    const double end = FloorSeconds(window_end);
    const double start = std::max(FloorSeconds(window_start), end - kRitaWindowSeconds);
    std::vector<double> seconds;
    std::vector<double> sizes_in_window;
    for (size_t i = 0; i < ticks.size(); ++i) {
        const double second = FloorSeconds(ticks[i]);
        if (second < start || second > end) {
            continue;
        }
        seconds.push_back(second);
        if (i < sizes.size() && sizes[i] && std::isfinite(*sizes[i])) {
            sizes_in_window.push_back(*sizes[i]);
        }
    }
    std::sort(seconds.begin(), seconds.end());
    rita.connections = seconds.size();

    std::vector<double> intervals;
    for (size_t i = 1; i < seconds.size(); ++i) {
        if (seconds[i] > seconds[i - 1]) {
            intervals.push_back(seconds[i] - seconds[i - 1]);
        }
    }
    if (seconds.size() >= 4 && intervals.size() >= 3) {
        std::sort(intervals.begin(), intervals.end());
        const StatisticalScore ts = ScoreDistribution(intervals, 1.0);
        rita.ts_skew = ts.skew;
        rita.ts_mad_seconds = ts.mad;
        rita.ts_score = ts.score;
    }
    if (sizes_in_window.size() >= 3) {
        std::sort(sizes_in_window.begin(), sizes_in_window.end());
        const StatisticalScore ds = ScoreDistribution(sizes_in_window, 0.0);
        rita.ds_skew = ds.skew;
        rita.ds_mad = ds.mad;
        rita.ds_score = ds.score;
    }
    if (!seconds.empty() && end > start) {
        const std::vector<int> bins = BuildHistogram(seconds, start, end);
        const int non_empty = static_cast<int>(std::count_if(bins.begin(), bins.end(), [](int c) { return c > 0; }));
        rita.hist_score = HistogramScore(bins, non_empty);
        if (seconds.back() > seconds.front()) {
            double duration = 0;
            if (non_empty >= kDurationMinBins) {
                const double coverage = std::min(1.0, Ceil3((seconds.back() - seconds.front()) / (end - start)));
                const double consistency = std::min(1.0, Ceil3(LongestRun(bins) / kDurationIdealRun));
                duration = std::max(coverage, consistency);
            }
            rita.dur_score = duration;
        }
    }
    if (rita.ts_score && rita.ds_score && rita.hist_score && rita.dur_score) {
        rita.score = Round3(0.25 * *rita.ts_score + 0.25 * *rita.ds_score + 0.25 * *rita.dur_score +
                            0.25 * *rita.hist_score);
    }
    return rita;
}

} // namespace unmask::functions
