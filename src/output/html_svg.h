// Inline SVG plots of the HTML report, drawn from numbers with no plotting library. Colours
// come from the page's stylesheet through class names, so the plots follow light and dark
// mode and need no style attributes under the report's Content-Security-Policy.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "detect/rule.h"

namespace unmask::output {

/// Plot width in SVG user units; the stylesheet scales plots to their container.
inline constexpr int kPlotWidth = 600;
/// Bars of the interval histogram, not counting the overflow bar.
inline constexpr int kHistogramBins = 40;

/// Draws one tick per connection on a time axis from the first to the last timestamp. Ticks
/// that fall on the same pixel column are drawn once, so the size is bounded by the width.
/// `label` names the beacon in the plot's accessible title.
std::string BeaconTimelineSvg(const std::vector<int64_t>& sorted_ticks, std::string_view label);

struct HistogramBins {
    double upper_seconds = 0;   ///< right edge of the last regular bin
    std::vector<int64_t> counts; ///< kHistogramBins equal bins over [0, upper_seconds)
    int64_t overflow = 0;        ///< intervals at or above upper_seconds
    double max_seconds = 0;      ///< the longest interval
};

/// Bins intervals over [0, upper), where upper is the longest interval, limited to three times
/// the median (and at least 1.5 times the period when given) so that one overnight gap does not
/// squash the plot; longer intervals are counted in `overflow`.
HistogramBins BinIntervals(const std::vector<double>& intervals, std::optional<double> period_seconds);

/// Draws the histogram of intervals with the detected period as a line and the jitter as a band
/// from period * (1 - jitter) to the period, the range a sleep shortened by up to that fraction
/// falls in.
std::string IntervalHistogramSvg(const std::vector<double>& intervals, std::optional<double> period_seconds,
                                 std::optional<double> jitter, std::string_view label);

struct FindingSpan {
    int64_t first = 0; ///< datetime ticks
    int64_t last = 0;
    detect::Severity severity = detect::Severity::kMedium;
};

struct DeviceTimelineRow {
    std::string device;
    std::vector<FindingSpan> spans;
};

/// Draws one row per device with a bar from first to last seen per finding, coloured by
/// severity, over [window_start, window_end]. Device labels link to the list filtered on the device.
std::string DeviceTimelineSvg(const std::vector<DeviceTimelineRow>& rows, int64_t window_start, int64_t window_end);

/// Formats seconds for axis labels: "42 s", "5.2 min", "3.1 h", "2.5 d".
std::string FormatSeconds(double seconds);

} // namespace unmask::output
