#include "output/html_svg.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "output/html_escape.h"
#include "table/datetime.h"

namespace unmask::output {

namespace {

constexpr int kMargin = 10;
constexpr int kDeviceLabelWidth = 220;
constexpr int kDeviceRowHeight = 18;
constexpr size_t kMaxDeviceLabel = 34;

/// "2024-03-10 09:05:00Z": whole seconds, UTC.
std::string AxisTime(int64_t ticks) {
    std::string text = FormatDateTime(ticks).substr(0, 19);
    text[10] = ' ';
    return text + "Z";
}

std::string OpenSvg(int width, int height, std::string_view css_class, std::string_view title) {
    return fmt::format(R"(<svg class="plot {}" viewBox="0 0 {} {}" width="{}" height="{}" role="img" )"
                       R"(xmlns="http://www.w3.org/2000/svg"><title>{}</title>)",
                       css_class, width, height, width, height, EscapeHtml(title));
}

std::string Text(double x, double y, std::string_view anchor, std::string_view text) {
    return fmt::format(R"(<text x="{:.1f}" y="{:.1f}" text-anchor="{}">{}</text>)", x, y, anchor, EscapeHtml(text));
}

std::string CutLabel(const std::string& text) {
    if (text.size() <= kMaxDeviceLabel) {
        return text;
    }
    // Cut at a UTF-8 character boundary.
    size_t end = kMaxDeviceLabel - 1;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
        --end;
    }
    return text.substr(0, end) + "\xE2\x80\xA6";
}

} // namespace

std::string FormatSeconds(double seconds) {
    if (seconds < 120) {
        return fmt::format("{:.3g} s", seconds);
    }
    if (seconds < 7200) {
        return fmt::format("{:.3g} min", seconds / 60);
    }
    if (seconds < 2 * 86400) {
        return fmt::format("{:.3g} h", seconds / 3600);
    }
    return fmt::format("{:.3g} d", seconds / 86400);
}

std::string BeaconTimelineSvg(const std::vector<int64_t>& sorted_ticks, std::string_view label) {
    constexpr int kHeight = 64;
    const double plot_width = kPlotWidth - 2 * kMargin;
    std::string title = fmt::format("Connections of {}", label);
    if (!sorted_ticks.empty()) {
        title += fmt::format(": {} from {} to {}", sorted_ticks.size(), AxisTime(sorted_ticks.front()),
                             AxisTime(sorted_ticks.back()));
    }
    std::string svg = OpenSvg(kPlotWidth, kHeight, "timeline", title);
    svg += fmt::format(R"(<line class="axis" x1="{}" y1="42" x2="{}" y2="42"/>)", kMargin, kPlotWidth - kMargin);
    if (!sorted_ticks.empty()) {
        const double span = static_cast<double>(sorted_ticks.back() - sorted_ticks.front());
        std::set<int> columns;
        for (int64_t ticks : sorted_ticks) {
            const double fraction = span > 0 ? static_cast<double>(ticks - sorted_ticks.front()) / span : 0.5;
            columns.insert(static_cast<int>(std::lround(kMargin + fraction * plot_width)));
        }
        std::string path;
        for (int x : columns) {
            path += fmt::format("M{} 8v30", x);
        }
        svg += R"(<path class="tick" d=")" + path + R"("/>)";
        svg += Text(kMargin, 58, "start", AxisTime(sorted_ticks.front()));
        svg += Text(kPlotWidth - kMargin, 58, "end", AxisTime(sorted_ticks.back()));
        svg += Text(kPlotWidth / 2.0, 58, "middle",
                    fmt::format("{} connections over {}", sorted_ticks.size(), FormatSeconds(span / kTicksPerSecond)));
    }
    return svg + "</svg>";
}

HistogramBins BinIntervals(const std::vector<double>& intervals, std::optional<double> period_seconds) {
    HistogramBins bins;
    bins.counts.assign(kHistogramBins, 0);
    if (intervals.empty()) {
        bins.upper_seconds = period_seconds.value_or(1.0) * 2;
        return bins;
    }
    std::vector<double> sorted = intervals;
    std::sort(sorted.begin(), sorted.end());
    bins.max_seconds = sorted.back();
    const double median = sorted[(sorted.size() - 1) / 2];
    double upper = std::min(bins.max_seconds, 3 * median);
    if (period_seconds && *period_seconds > 0) {
        upper = std::max(upper, 1.5 * *period_seconds);
    }
    // A little headroom so the longest interval falls inside the last bar, not on its edge.
    upper = upper > 0 ? upper * 1.02 : 1.0;
    bins.upper_seconds = upper;
    for (double interval : intervals) {
        if (interval >= upper) {
            ++bins.overflow;
            continue;
        }
        const int bin = std::clamp(static_cast<int>(std::max(interval, 0.0) / upper * kHistogramBins), 0,
                                   kHistogramBins - 1);
        ++bins.counts[bin];
    }
    return bins;
}

std::string IntervalHistogramSvg(const std::vector<double>& intervals, std::optional<double> period_seconds,
                                 std::optional<double> jitter, std::string_view label) {
    constexpr int kHeight = 150;
    constexpr int kTop = 18;
    constexpr int kBottom = 118;
    const HistogramBins bins = BinIntervals(intervals, period_seconds);
    const double plot_width = kPlotWidth - 2 * kMargin;
    const auto x_of = [&](double seconds) { return kMargin + seconds / bins.upper_seconds * plot_width; };

    std::string title = fmt::format("Intervals between connections of {}: {} gaps", label, intervals.size());
    if (period_seconds) {
        title += ", period " + FormatSeconds(*period_seconds);
    }
    if (jitter) {
        title += fmt::format(", jitter {:.0f} %", *jitter * 100);
    }
    std::string svg = OpenSvg(kPlotWidth, kHeight, "histogram", title);

    if (period_seconds && jitter && *period_seconds > 0) {
        const double low = x_of(*period_seconds * (1 - *jitter));
        const double high = x_of(std::min(*period_seconds, bins.upper_seconds));
        svg += fmt::format(R"(<rect class="jitter-band" x="{:.1f}" y="{}" width="{:.1f}" height="{}"/>)", low, kTop,
                           std::max(high - low, 1.0), kBottom - kTop);
    }
    const int64_t tallest = std::max<int64_t>(1, *std::max_element(bins.counts.begin(), bins.counts.end()));
    const double bar_width = plot_width / kHistogramBins;
    for (int i = 0; i < kHistogramBins; ++i) {
        if (bins.counts[i] == 0) {
            continue;
        }
        const double height = static_cast<double>(bins.counts[i]) / static_cast<double>(tallest) * (kBottom - kTop);
        svg += fmt::format(R"(<rect class="bar" x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}"><title>{} gaps )"
                           R"(of {} to {}</title></rect>)",
                           kMargin + i * bar_width + 0.5, kBottom - height, bar_width - 1, height, bins.counts[i],
                           EscapeHtml(FormatSeconds(bins.upper_seconds * i / kHistogramBins)),
                           EscapeHtml(FormatSeconds(bins.upper_seconds * (i + 1) / kHistogramBins)));
    }
    svg += fmt::format(R"(<line class="axis" x1="{}" y1="{}" x2="{}" y2="{}"/>)", kMargin, kBottom,
                       kPlotWidth - kMargin, kBottom);
    if (period_seconds && *period_seconds > 0 && *period_seconds < bins.upper_seconds) {
        const double x = x_of(*period_seconds);
        svg += fmt::format(R"(<line class="period" x1="{:.1f}" y1="{}" x2="{:.1f}" y2="{}"/>)", x, kTop - 6, x, kBottom);
        std::string marker = "period " + FormatSeconds(*period_seconds);
        if (jitter) {
            marker += fmt::format(", jitter {:.0f} %", *jitter * 100);
        }
        svg += Text(x, kTop - 8 + 0.0, x > kPlotWidth * 0.7 ? "end" : "start", marker);
    }
    svg += Text(kMargin, kBottom + 14, "start", "0 s");
    svg += Text(kPlotWidth - kMargin, kBottom + 14, "end", FormatSeconds(bins.upper_seconds));
    std::string caption = fmt::format("{} gaps", intervals.size());
    if (bins.overflow > 0) {
        caption += fmt::format(", {} longer gap(s) not drawn, up to {}", bins.overflow, FormatSeconds(bins.max_seconds));
    }
    svg += Text(kPlotWidth / 2.0, kBottom + 28, "middle", caption);
    return svg + "</svg>";
}

std::string DeviceTimelineSvg(const std::vector<DeviceTimelineRow>& rows, int64_t window_start, int64_t window_end) {
    const int height = static_cast<int>(rows.size()) * kDeviceRowHeight + 34;
    constexpr int kWidth = 820;
    const double plot_left = kDeviceLabelWidth;
    const double plot_width = kWidth - kDeviceLabelWidth - kMargin;
    const double span = static_cast<double>(std::max<int64_t>(window_end - window_start, 1));
    const auto x_of = [&](int64_t ticks) {
        return plot_left + std::clamp(static_cast<double>(ticks - window_start) / span, 0.0, 1.0) * plot_width;
    };

    std::string svg = OpenSvg(kWidth, height, "devices",
                              fmt::format("Findings per device from {} to {}", AxisTime(window_start), AxisTime(window_end)));
    for (size_t r = 0; r < rows.size(); ++r) {
        const DeviceTimelineRow& row = rows[r];
        const double y = static_cast<double>(r) * kDeviceRowHeight + 4;
        svg += fmt::format(R"(<a href="#device={}"><text class="label" x="{}" y="{:.1f}">{}<title>{}</title></text></a>)",
                           EscapeHtml(EncodeFragmentValue(row.device)), kMargin, y + 12, EscapeHtml(CutLabel(row.device)),
                           EscapeHtml(row.device));
        svg += fmt::format(R"(<line class="grid" x1="{:.1f}" y1="{:.1f}" x2="{:.1f}" y2="{:.1f}"/>)", plot_left, y + 8,
                           plot_left + plot_width, y + 8);
        std::set<std::tuple<int, int, int>> drawn;
        for (const FindingSpan& finding_span : row.spans) {
            const int x0 = static_cast<int>(std::floor(x_of(finding_span.first)));
            const int x1 = std::max(x0 + 3, static_cast<int>(std::ceil(x_of(finding_span.last))));
            if (!drawn.insert({static_cast<int>(finding_span.severity), x0, x1}).second) {
                continue;
            }
            svg += fmt::format(R"(<rect class="span sev-{}" x="{}" y="{:.1f}" width="{}" height="10"/>)",
                               detect::SeverityName(finding_span.severity), x0, y + 3, x1 - x0);
        }
    }
    const double axis_y = static_cast<double>(rows.size()) * kDeviceRowHeight + 8;
    svg += fmt::format(R"(<line class="axis" x1="{}" y1="{:.1f}" x2="{}" y2="{:.1f}"/>)", plot_left, axis_y,
                       plot_left + plot_width, axis_y);
    svg += Text(plot_left, axis_y + 16, "start", AxisTime(window_start));
    svg += Text(plot_left + plot_width, axis_y + 16, "end", AxisTime(window_end));
    return svg + "</svg>";
}

} // namespace unmask::output
