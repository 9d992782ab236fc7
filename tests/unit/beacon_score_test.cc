// Known answers for ScoreBeacon() (functions_beacon.h) on generated series with fixed seeds:
// beacons with Cobalt Strike-style jitter (each sleep shortened by a uniform share of up to j),
// missed check-ins and stray connections must be found with their period; Poisson arrivals,
// bursty sessions and interleaved schedules must score low. The RITA sub-scores are checked
// against a plain second implementation of RITA v5's formulas written below.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>

#include "functions/functions_beacon.h"

namespace {

using unmask::functions::BeaconOptions;
using unmask::functions::BeaconResult;
using unmask::functions::ComputeRitaScores;
using unmask::functions::RitaScores;
using unmask::functions::ScoreBeacon;

constexpr int64_t kTicks = 10'000'000; // per second
constexpr int64_t kHour = 3600 * kTicks;
// 2024-03-01T00:00:00Z in 100 ns ticks since 0001-01-01.
constexpr int64_t kStart = 638448768000000000;

struct BeaconSpec {
    double period_seconds = 60;
    double jitter = 0;        ///< each sleep is shortened by U(0, jitter) of the period
    double missed = 0;        ///< share of check-ins that make no connection
    double strays = 0;        ///< extra connections at random times, as a share of the check-ins
    double window_hours = 48;
    bool both_ways = false; ///< each sleep is period x (1 + U(-jitter, jitter))
};

/// Connection times of a beacon: starts at a random phase, sleeps period x (1 - U(0, jitter)), or
/// period x (1 + U(-jitter, jitter)) when the jitter goes both ways. Stores the number of
/// check-ins left out in `missed_out` when given.
std::vector<int64_t> MakeBeacon(const BeaconSpec& spec, uint64_t seed, size_t* missed_out = nullptr) {
    std::mt19937_64 random(seed);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    const auto period = static_cast<int64_t>(spec.period_seconds * kTicks);
    const int64_t end = kStart + static_cast<int64_t>(spec.window_hours * kHour);
    std::vector<int64_t> ticks;
    size_t beats = 0;
    for (int64_t t = kStart + static_cast<int64_t>(unit(random) * period); t <= end;) {
        ++beats;
        if (unit(random) >= spec.missed) {
            ticks.push_back(t);
        } else if (missed_out != nullptr) {
            ++*missed_out;
        }
        const double share = spec.both_ways ? (2 * unit(random) - 1) * spec.jitter : -unit(random) * spec.jitter;
        t += period + static_cast<int64_t>(share * static_cast<double>(period));
    }
    const auto strays = static_cast<size_t>(std::lround(spec.strays * static_cast<double>(beats)));
    for (size_t i = 0; i < strays; ++i) {
        ticks.push_back(kStart + static_cast<int64_t>(unit(random) * static_cast<double>(end - kStart)));
    }
    std::shuffle(ticks.begin(), ticks.end(), random); // the function must sort
    return ticks;
}

/// Poisson arrivals: exponential intervals with the given mean.
std::vector<int64_t> MakePoisson(double mean_seconds, double window_hours, uint64_t seed) {
    std::mt19937_64 random(seed);
    std::exponential_distribution<double> gap(1.0 / mean_seconds);
    std::vector<int64_t> ticks;
    const int64_t end = kStart + static_cast<int64_t>(window_hours * kHour);
    for (int64_t t = kStart + static_cast<int64_t>(gap(random) * kTicks); t <= end;
         t += static_cast<int64_t>(gap(random) * kTicks)) {
        ticks.push_back(t);
    }
    return ticks;
}

/// Generates a person's browsing: sessions start at random (mean 2 h apart), last 5 to 60 minutes, and
/// hold requests with exponential intervals of mean 20 s.
std::vector<int64_t> MakeBurstySessions(double window_hours, uint64_t seed) {
    std::mt19937_64 random(seed);
    std::exponential_distribution<double> session_gap(1.0 / 7200);
    std::uniform_real_distribution<double> session_length(300, 3600);
    std::exponential_distribution<double> request_gap(1.0 / 20);
    std::vector<int64_t> ticks;
    const int64_t end = kStart + static_cast<int64_t>(window_hours * kHour);
    for (int64_t session = kStart; session <= end; session += static_cast<int64_t>(session_gap(random) * kTicks)) {
        const int64_t session_end = session + static_cast<int64_t>(session_length(random) * kTicks);
        for (int64_t t = session; t <= std::min(session_end, end); t += static_cast<int64_t>(request_gap(random) * kTicks)) {
            ticks.push_back(t);
        }
    }
    return ticks;
}

std::vector<std::optional<double>> NoSizes() {
    return {};
}

// --- known answers: beacons ---------------------------------------------------------------------

struct BeaconCase {
    double period_seconds;
    double jitter;
    double missed;
    double window_hours;
};

class BeaconDetection : public ::testing::TestWithParam<BeaconCase> {};

TEST_P(BeaconDetection, FindsPeriodAndJitter) {
    const BeaconCase& c = GetParam();
    for (uint64_t seed = 1; seed <= 5; ++seed) {
        SCOPED_TRACE("seed " + std::to_string(seed));
        BeaconSpec spec{c.period_seconds, c.jitter, c.missed, 0.02, c.window_hours};
        size_t missed = 0;
        const std::vector<int64_t> ticks =
            MakeBeacon(spec, seed * 7919 + static_cast<uint64_t>(c.period_seconds), &missed);
        const BeaconResult result = ScoreBeacon(ticks, NoSizes());
        EXPECT_GE(result.score, 0.75);
        ASSERT_TRUE(result.period_seconds.has_value());
        // The mean single-beat interval is P (1 - j / 2); the median of a sample is within 10 %.
        const double expected = c.period_seconds * (1 - c.jitter / 2);
        EXPECT_NEAR(*result.period_seconds, expected, 0.1 * expected);
        ASSERT_TRUE(result.jitter.has_value());
        EXPECT_NEAR(*result.jitter, c.jitter, 0.1);
        // A missed check-in next to a stray, or at the window's ends, can go uncounted, and with
        // 50 % jitter an interval of two short sleeps can pass for one long one. A 1 s beacon
        // over 48 h exceeds the cap of 100,000 timestamps, so only the newest part is scored.
        const double scored = static_cast<double>(result.connections) / static_cast<double>(ticks.size());
        const double planted = static_cast<double>(missed) * scored;
        EXPECT_NEAR(static_cast<double>(result.missed_beats), planted,
                    0.25 * planted + 3 + 0.001 * static_cast<double>(result.connections));
    }
}

INSTANTIATE_TEST_SUITE_P(Schedules, BeaconDetection,
                         ::testing::Values(BeaconCase{1, 0, 0, 48}, BeaconCase{1, 0.2, 0.1, 48},
                                           BeaconCase{1, 0.5, 0.3, 48}, BeaconCase{60, 0, 0, 48},
                                           BeaconCase{60, 0.2, 0.2, 48}, BeaconCase{60, 0.5, 0.3, 48},
                                           BeaconCase{60, 0.5, 0.3, 168}, BeaconCase{300, 0, 0.1, 48},
                                           BeaconCase{300, 0.5, 0.2, 48}, BeaconCase{300, 0.5, 0.3, 168},
                                           BeaconCase{3600, 0, 0, 48}, BeaconCase{3600, 0.2, 0.1, 168},
                                           BeaconCase{3600, 0.5, 0.3, 168}, BeaconCase{28800, 0, 0, 168},
                                           BeaconCase{28800, 0.2, 0, 168}, BeaconCase{28800, 0.5, 0.1, 168}));

// Jitter that lengthens sleeps as often as it shortens them: each interval lies in
// [P(1 - j), P(1 + j)]. Up to ±50 % this is a band as wide as a one-way jitter of up to 67 %.
class BothWaysJitter : public ::testing::TestWithParam<BeaconCase> {};

TEST_P(BothWaysJitter, FindsMeanPeriod) {
    const BeaconCase& c = GetParam();
    for (uint64_t seed = 1; seed <= 5; ++seed) {
        SCOPED_TRACE("seed " + std::to_string(seed));
        BeaconSpec spec{c.period_seconds, c.jitter, c.missed, 0.02, c.window_hours, true};
        size_t missed = 0;
        const std::vector<int64_t> ticks =
            MakeBeacon(spec, seed * 104729 + static_cast<uint64_t>(c.period_seconds), &missed);
        const BeaconResult result = ScoreBeacon(ticks, NoSizes());
        EXPECT_GE(result.score, 0.75);
        ASSERT_TRUE(result.period_seconds.has_value());
        // Intervals spread over a whole period, so the median of 40 of them (a 4 h beacon over
        // a week) varies by about 6 %, and missed check-ins inside the band pull it up.
        EXPECT_NEAR(*result.period_seconds, c.period_seconds, 0.15 * c.period_seconds);
        ASSERT_TRUE(result.jitter.has_value());
        // The reported jitter is the band's width over its upper edge: 2j / (1 + j).
        EXPECT_NEAR(*result.jitter, 2 * c.jitter / (1 + c.jitter), 0.1);
    }
}

INSTANTIATE_TEST_SUITE_P(Schedules, BothWaysJitter,
                         ::testing::Values(BeaconCase{10, 0.5, 0, 48}, BeaconCase{60, 0.3, 0.1, 48},
                                           BeaconCase{60, 0.5, 0.1, 48}, BeaconCase{300, 0.5, 0.2, 48},
                                           BeaconCase{3600, 0.5, 0.1, 168}, BeaconCase{3600, 0.4, 0.2, 168},
                                           BeaconCase{14400, 0.5, 0, 168}));

// --- known answers: traffic without a schedule --------------------------------------------------

TEST(BeaconNegatives, PoissonArrivalsScoreLow) {
    for (double mean : {5.0, 60.0, 600.0, 3600.0}) {
        for (uint64_t seed = 1; seed <= 5; ++seed) {
            const BeaconResult result = ScoreBeacon(MakePoisson(mean, 48, seed), NoSizes());
            EXPECT_LT(result.score, 0.3) << "mean " << mean << " seed " << seed;
        }
    }
}

TEST(BeaconNegatives, BurstySessionsScoreLow) {
    for (uint64_t seed = 1; seed <= 10; ++seed) {
        const BeaconResult result = ScoreBeacon(MakeBurstySessions(48, seed), NoSizes());
        EXPECT_LT(result.score, 0.3) << "seed " << seed;
    }
}

// Few connections leave room for chance: of 200 Poisson groups of about 12 connections in 48 h,
// at most 3 % may reach the detection threshold 0.75 that the beacon rule uses. A beacon with
// 50 % jitter and 12 connections scores about 0.87.
TEST(BeaconNegatives, SmallPoissonGroupsRarelyScoreHigh) {
    int high = 0;
    for (uint64_t seed = 1; seed <= 200; ++seed) {
        const BeaconResult result = ScoreBeacon(MakePoisson(4 * 3600, 48, seed), NoSizes());
        high += result.score >= 0.75 ? 1 : 0;
    }
    EXPECT_LE(high, 6);
}

// Two timers of 60 s and 97 s with 30 % jitter on one destination interleave into intervals
// that fit neither. Their mixture resembles one timer with wide jitter in both directions, so it
// scores up to about 0.55, below the rule's 0.75. NOTE: such a pair is scored as one poor
// schedule, not resolved into two.
TEST(BeaconNegatives, InterleavedSchedulesScoreBelowOneBeacon) {
    for (uint64_t seed = 1; seed <= 5; ++seed) {
        std::vector<int64_t> ticks = MakeBeacon({60, 0.3, 0, 0, 48}, seed);
        const std::vector<int64_t> other = MakeBeacon({97, 0.3, 0, 0, 48}, seed + 100);
        ticks.insert(ticks.end(), other.begin(), other.end());
        const BeaconResult result = ScoreBeacon(ticks, NoSizes());
        EXPECT_LT(result.score, 0.6) << "seed " << seed;
    }
}

// --- edge cases ---------------------------------------------------------------------------------

TEST(BeaconEdges, EmptyAndTinyInputs) {
    const BeaconResult empty = ScoreBeacon({}, NoSizes());
    EXPECT_EQ(empty.connections, 0u);
    EXPECT_EQ(empty.score, 0);
    EXPECT_FALSE(empty.period_seconds.has_value());
    const std::vector<int64_t> three = {kStart, kStart + 60 * kTicks, kStart + 120 * kTicks};
    const BeaconResult small = ScoreBeacon(three, NoSizes());
    EXPECT_EQ(small.connections, 3u);
    EXPECT_EQ(small.score, 0);
    EXPECT_FALSE(small.rita.ts_score.has_value());
}

TEST(BeaconEdges, DuplicatesAreBurstCompanions) {
    std::vector<int64_t> ticks;
    for (int64_t i = 0; i < 100; ++i) {
        ticks.push_back(kStart + i * 300 * kTicks);
        ticks.push_back(kStart + i * 300 * kTicks); // same tick
        ticks.push_back(kStart + i * 300 * kTicks + 2 * kTicks); // 2 s later
    }
    const BeaconResult result = ScoreBeacon(ticks, NoSizes());
    ASSERT_TRUE(result.period_seconds.has_value());
    EXPECT_NEAR(*result.period_seconds, 298, 1e-9);
    EXPECT_EQ(result.burst_connections, 200u);
    EXPECT_GE(result.score, 0.75);
}

TEST(BeaconEdges, SubSecondResolutionIsKept) {
    // A 1.5 s timer: rounding to whole seconds would alternate 1 s and 2 s intervals.
    std::vector<int64_t> ticks;
    for (int64_t i = 0; i < 1000; ++i) {
        ticks.push_back(kStart + i * 15'000'000);
    }
    const BeaconResult result = ScoreBeacon(ticks, NoSizes());
    ASSERT_TRUE(result.period_seconds.has_value());
    EXPECT_DOUBLE_EQ(*result.period_seconds, 1.5);
    EXPECT_LT(*result.jitter, 0.001);
}

TEST(BeaconEdges, CapKeepsNewestTimestamps) {
    std::vector<int64_t> ticks;
    for (int64_t i = 0; i < 500; ++i) {
        ticks.push_back(kStart + i * 60 * kTicks);
    }
    BeaconOptions options;
    options.max_timestamps = 100;
    const BeaconResult result = ScoreBeacon(ticks, NoSizes(), options);
    EXPECT_EQ(result.connections, 100u);
    EXPECT_EQ(result.ignored_values, 400u);
    EXPECT_DOUBLE_EQ(result.span_seconds, 99 * 60);
}

// --- RITA sub-scores: differential check against a plain reference ------------------------------

// The reference follows RITA v5's description step by step (activecm/rita analysis/beacons.go):
// quartiles as medians of explicit half lists, the histogram by walking the bin edges.
namespace reference {

double Median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    const size_t n = values.size();
    if (n % 2 == 1) {
        return values[n / 2];
    }
    return (values[n / 2 - 1] + values[n / 2]) / 2;
}

double RoundTo3(double value) {
    return std::round(value * 1000) / 1000;
}

struct Stat {
    double score;
    double skew;
    double mad;
};

Stat Statistical(std::vector<double> values, double default_mad_score) {
    std::sort(values.begin(), values.end());
    std::vector<double> lower;
    std::vector<double> upper;
    const size_t n = values.size();
    for (size_t i = 0; i < n; ++i) {
        if (i < n / 2) {
            lower.push_back(values[i]);
        }
        if ((n % 2 == 0 && i >= n / 2) || (n % 2 == 1 && i > n / 2)) {
            upper.push_back(values[i]);
        }
    }
    const double q1 = Median(lower);
    const double q2 = Median(values);
    const double q3 = Median(upper);
    double skew = 0;
    if (q3 - q1 >= 10 && q2 != q1 && q2 != q3) {
        skew = (q1 + q3 - 2 * q2) / (q3 - q1);
    }
    std::vector<double> deviations;
    for (double value : values) {
        deviations.push_back(std::fabs(value - q2));
    }
    const double mad = Median(deviations);
    double mad_score = default_mad_score;
    if (q2 >= 1) {
        mad_score = (q2 - mad) / q2;
    }
    if (mad_score < 0) {
        mad_score = 0;
    }
    return {RoundTo3(((1 - std::fabs(skew)) + mad_score) / 2), skew, mad};
}

RitaScores Compute(const std::vector<int64_t>& ticks, const std::vector<std::optional<double>>& sizes,
                   int64_t window_start, int64_t window_end) {
    RitaScores out;
    // Whole seconds; the data set window is the last 24 h.
    auto seconds_of = [](int64_t t) { return static_cast<double>(t / kTicks); };
    const double max_ts = seconds_of(window_end);
    const double min_ts = std::max(seconds_of(window_start), max_ts - 86400);
    std::vector<double> ts;
    std::vector<double> bytes;
    for (size_t i = 0; i < ticks.size(); ++i) {
        const double second = seconds_of(ticks[i]);
        if (second >= min_ts && second <= max_ts) {
            ts.push_back(second);
            if (i < sizes.size() && sizes[i]) {
                bytes.push_back(*sizes[i]);
            }
        }
    }
    std::sort(ts.begin(), ts.end());
    out.connections = ts.size();
    if (ts.size() >= 4) {
        std::vector<double> deltas;
        for (size_t i = 0; i + 1 < ts.size(); ++i) {
            if (ts[i + 1] - ts[i] > 0) {
                deltas.push_back(ts[i + 1] - ts[i]);
            }
        }
        if (deltas.size() >= 3) {
            const Stat stat = Statistical(deltas, 1);
            out.ts_score = stat.score;
            out.ts_skew = stat.skew;
            out.ts_mad_seconds = stat.mad;
        }
    }
    if (bytes.size() >= 3) {
        const Stat stat = Statistical(bytes, 0);
        out.ds_score = stat.score;
        out.ds_skew = stat.skew;
        out.ds_mad = stat.mad;
    }
    if (ts.empty()) {
        return out;
    }
    // 25 edges; walk the sorted timestamps through them.
    std::vector<double> edges(25);
    const double step = (max_ts - min_ts) / 24;
    edges[0] = min_ts;
    for (int i = 1; i < 24; ++i) {
        edges[i] = min_ts + i * step;
    }
    edges[24] = max_ts;
    std::vector<int> histogram(24, 0);
    size_t current = 0;
    double next_edge = edges[1];
    for (double t : ts) {
        if (t < next_edge) {
            ++histogram[current];
            continue;
        }
        for (size_t j = current + 1; j < 24; ++j) {
            current = j;
            next_edge = edges[j + 1];
            if (t < edges[j + 1]) {
                break;
            }
        }
        ++histogram[current];
    }
    int total_bars = 0;
    int largest = 0;
    for (int bar : histogram) {
        total_bars += bar > 0 ? 1 : 0;
        largest = std::max(largest, bar);
    }
    const double bin_size = std::ceil(largest * 0.05);
    std::map<int, int> frequency;
    int longest_run = 0;
    int run = 0;
    for (int i = 0; i < 48; ++i) {
        const int bar = histogram[static_cast<size_t>(i % 24)];
        if (bar > 0) {
            ++run;
        } else {
            longest_run = std::max(longest_run, run);
            run = 0;
        }
        if (i < 24 && bar > 0) {
            ++frequency[static_cast<int>(std::floor(bar / bin_size) * bin_size)];
        }
    }
    longest_run = std::min(std::max(longest_run, run), 24);

    double mean = 0;
    for (int bar : histogram) {
        mean += bar;
    }
    mean /= 24;
    double variance = 0;
    for (int bar : histogram) {
        variance += (bar - mean) * (bar - mean);
    }
    const double cv = std::sqrt(variance / 24) / mean;
    const double cv_score = cv > 1 ? 0 : RoundTo3(1 - cv);
    double bimodal = 0;
    if (total_bars >= 11) {
        std::vector<int> counts;
        for (const auto& entry : frequency) {
            counts.push_back(entry.second);
        }
        std::sort(counts.rbegin(), counts.rend());
        const int top_two = counts[0] + (counts.size() > 1 ? counts[1] : 0);
        bimodal = std::min(1.0, RoundTo3(top_two / std::max(total_bars - 1.0, 1.0)));
    }
    out.hist_score = std::max(cv_score, bimodal);
    if (ts.back() > ts.front()) {
        double duration = 0;
        if (total_bars >= 6) {
            const double coverage = std::min(1.0, std::ceil((ts.back() - ts.front()) / (max_ts - min_ts) * 1000) / 1000);
            const double consistency = std::min(1.0, std::ceil(longest_run / 12.0 * 1000) / 1000);
            duration = std::max(coverage, consistency);
        }
        out.dur_score = duration;
    }
    if (out.ts_score && out.ds_score) {
        // RITA's weighted sum in its order (TS, DS, DUR, HIST); 0.25 * (sum) rounds differently
        // at x.xxx5 boundaries.
        out.score = RoundTo3(*out.ts_score * 0.25 + *out.ds_score * 0.25 + *out.dur_score * 0.25 +
                             *out.hist_score * 0.25);
    }
    return out;
}

} // namespace reference

void ExpectSameOptional(const std::optional<double>& actual, const std::optional<double>& expected, const char* name) {
    ASSERT_EQ(actual.has_value(), expected.has_value()) << name;
    if (expected) {
        EXPECT_NEAR(*actual, *expected, 1e-9) << name;
    }
}

void ExpectSameRita(const RitaScores& actual, const RitaScores& expected) {
    EXPECT_EQ(actual.connections, expected.connections);
    ExpectSameOptional(actual.ts_skew, expected.ts_skew, "ts_skew");
    ExpectSameOptional(actual.ts_mad_seconds, expected.ts_mad_seconds, "ts_mad_seconds");
    ExpectSameOptional(actual.ts_score, expected.ts_score, "ts_score");
    ExpectSameOptional(actual.ds_skew, expected.ds_skew, "ds_skew");
    ExpectSameOptional(actual.ds_mad, expected.ds_mad, "ds_mad");
    ExpectSameOptional(actual.ds_score, expected.ds_score, "ds_score");
    ExpectSameOptional(actual.hist_score, expected.hist_score, "hist_score");
    ExpectSameOptional(actual.dur_score, expected.dur_score, "dur_score");
    ExpectSameOptional(actual.score, expected.score, "score");
}

TEST(RitaScores, MatchReferenceOnGeneratedSeries) {
    std::mt19937_64 random(20240301);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    int compared = 0;
    for (int round = 0; round < 300; ++round) {
        std::vector<int64_t> ticks;
        switch (round % 4) {
        case 0:
            ticks = MakeBeacon({30 + 3000 * unit(random), unit(random) * 0.5, unit(random) * 0.3, 0.05, 36}, random());
            break;
        case 1:
            ticks = MakePoisson(60 + 1800 * unit(random), 30, random());
            break;
        case 2:
            ticks = MakeBurstySessions(26, random());
            break;
        default:
            // Few connections, whole seconds and duplicates.
            for (int i = 0, n = static_cast<int>(unit(random) * 12); i < n; ++i) {
                ticks.push_back(kStart + static_cast<int64_t>(unit(random) * 20) * 600 * kTicks);
            }
            break;
        }
        std::vector<std::optional<double>> sizes;
        for (size_t i = 0; i < ticks.size(); ++i) {
            const double draw = unit(random);
            sizes.push_back(draw < 0.1 ? std::nullopt : std::optional<double>(std::floor(200 + 400 * draw)));
        }
        if (round % 8 == 3) {
            sizes.clear(); // no sizes at all
        }
        std::vector<size_t> order(ticks.size());
        for (size_t i = 0; i < order.size(); ++i) {
            order[i] = i;
        }
        std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return ticks[a] < ticks[b]; });
        std::vector<int64_t> sorted_ticks;
        std::vector<std::optional<double>> sorted_sizes;
        for (size_t index : order) {
            sorted_ticks.push_back(ticks[index]);
            if (!sizes.empty()) {
                sorted_sizes.push_back(sizes[index]);
            }
        }
        if (sorted_ticks.empty()) {
            continue;
        }
        const int64_t window_end = sorted_ticks.back() + static_cast<int64_t>(unit(random) * 3600) * kTicks;
        const int64_t window_start = sorted_ticks.front();
        SCOPED_TRACE("round " + std::to_string(round));
        ExpectSameRita(ComputeRitaScores(sorted_ticks, sorted_sizes, window_start, window_end),
                       reference::Compute(sorted_ticks, sorted_sizes, window_start, window_end));
        // ScoreBeacon() passes the sizes along with their timestamps in any input order.
        BeaconOptions options;
        options.window_start_ticks = window_start;
        options.window_end_ticks = window_end;
        ExpectSameRita(ScoreBeacon(ticks, sizes, options).rita,
                       reference::Compute(sorted_ticks, sorted_sizes, window_start, window_end));
        ++compared;
    }
    EXPECT_GT(compared, 250);
}

// Hand-computed: a steady 60 s timer sending 512 bytes each time over the last 24 h.
TEST(RitaScores, SteadyTimerKnownAnswer) {
    std::vector<int64_t> ticks;
    std::vector<std::optional<double>> sizes;
    for (int64_t i = 0; i <= 1440; ++i) {
        ticks.push_back(kStart + i * 60 * kTicks);
        sizes.push_back(512.0);
    }
    const RitaScores rita = ComputeRitaScores(ticks, sizes, ticks.front(), ticks.back());
    EXPECT_EQ(rita.connections, 1441u);
    EXPECT_EQ(*rita.ts_skew, 0);        // Q3 - Q1 = 0 < 10
    EXPECT_EQ(*rita.ts_mad_seconds, 0);
    EXPECT_EQ(*rita.ts_score, 1);
    EXPECT_EQ(*rita.ds_score, 1);       // (512 - 0) / 512 and no skew
    // 60 connections in each hourly bin and 61 in the last. The CV score is 0.997, but the heights
    // are grouped in steps of ceil(0.05 x 61) = 4, so all 24 bars share one group and the bimodal
    // score is min(1, 24 / 23) = 1.
    EXPECT_EQ(*rita.hist_score, 1);
    EXPECT_EQ(*rita.dur_score, 1);
    EXPECT_EQ(*rita.score, 1);
}

} // namespace
