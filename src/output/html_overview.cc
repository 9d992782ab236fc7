// The server-rendered sections of the HTML report: overview, device timeline, beacon plots and
// the findings list's controls. They read without JavaScript and print as they are.
#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "output/html_escape.h"
#include "output/html_facts.h"
#include "output/html_model.h"
#include "output/html_sections.h"
#include "output/html_svg.h"
#include "table/datetime.h"

namespace unmask::output {

namespace {

using detect::Finding;

constexpr detect::Severity kSeveritiesHighFirst[] = {detect::Severity::kCritical, detect::Severity::kHigh,
                                                     detect::Severity::kMedium, detect::Severity::kLow,
                                                     detect::Severity::kInformational};

std::string E(std::string_view text) {
    return EscapeHtml(text);
}

std::string Time(int64_t ticks) {
    return E(FormatDateTime(ticks));
}

std::string Card(std::string_view label, std::string_view value, std::string_view id = "") {
    return fmt::format(R"(<div class="card"{}><span class="value">{}</span><span class="label">{}</span></div>)",
                       id.empty() ? "" : fmt::format(R"( id="{}")", id), E(value), E(label));
}

std::string FilterLink(std::string_view key, std::string_view value, std::string_view text) {
    return fmt::format(R"(<a href="#{}={}">{}</a>)", key, E(EncodeFragmentValue(value)), E(text));
}

void AppendInputs(std::string& html, const HtmlReportContext& context) {
    html += "<h3>Inputs</h3><ul class=\"inputs\">";
    for (const std::string& input : context.inputs) {
        html += "<li><code>" + E(input) + "</code></li>";
    }
    html += "</ul>";
    if (context.hunt != nullptr) {
        const ingest::ReadStats& stats = context.hunt->stats;
        html += fmt::format("<p>{} file(s), {:.1f} MB, <strong id=\"rows-read\">{}</strong> rows read, "
                            "<strong id=\"rows-rejected\">{}</strong> rows rejected.</p>",
                            stats.files, static_cast<double>(stats.bytes) / 1e6, stats.rows_read, stats.rejected());
        if (!stats.rejected_by_reason.empty()) {
            html += "<table class=\"compact\"><thead><tr><th scope=\"col\">Rejected because</th>"
                    "<th scope=\"col\">Rows</th></tr></thead><tbody>";
            for (const auto& [reason, count] : stats.rejected_by_reason) {
                html += fmt::format("<tr><td>{}</td><td class=\"num\">{}</td></tr>", E(reason), count);
            }
            html += "</tbody></table>";
        }
        for (const ingest::RejectExample& example : stats.examples) {
            html += fmt::format("<p class=\"example\"><code>{}:{}</code>: {}: <code>{}</code>. {}</p>", E(example.file),
                                example.line, E(example.reason), E(example.value), E(example.hint));
        }
        return;
    }
    html += fmt::format("<p>Findings read from JSONL: <strong id=\"rows-read\">{}</strong> line(s) read, "
                        "<strong id=\"rows-rejected\">{}</strong> rejected. Rows read from the hunt's inputs, the "
                        "rules run and allowlist counts are not recorded in findings JSONL; "
                        "<code>unmask hunt --html</code> shows them.</p>",
                        context.finding_lines_read, context.finding_lines_rejected);
    if (!context.rejected_lines.empty()) {
        html += "<ul class=\"rejected\">";
        for (const RejectedLine& line : context.rejected_lines) {
            html += fmt::format("<li><code>{}:{}</code>: {}</li>", E(line.file), line.line, E(line.reason));
        }
        html += "</ul>";
    }
}

void AppendTimeWindow(std::string& html, const std::vector<Finding>& findings, const HtmlReportContext& context) {
    html += "<h3>Time window</h3><ul>";
    if (context.hunt != nullptr && context.hunt->stats.min_timestamp && context.hunt->stats.max_timestamp) {
        html += fmt::format("<li>Inputs: {} .. {}</li>", Time(*context.hunt->stats.min_timestamp),
                            Time(*context.hunt->stats.max_timestamp));
    }
    if (context.hunt != nullptr) {
        html += fmt::format("<li>now() of the rules: {} ({})</li>", Time(context.hunt->now_ticks),
                            E(context.hunt->now_source));
    }
    std::optional<int64_t> first;
    std::optional<int64_t> last;
    for (const Finding& finding : findings) {
        for (const auto& ticks : {finding.first_seen, finding.last_seen}) {
            if (ticks) {
                first = first ? std::min(*first, *ticks) : *ticks;
                last = last ? std::max(*last, *ticks) : *ticks;
            }
        }
    }
    if (first) {
        html += fmt::format("<li>Findings: first seen {}, last seen {}</li>", Time(*first), Time(*last));
    }
    html += "</ul>";
}

void AppendRules(std::string& html, const std::vector<Finding>& findings, const HtmlReportContext& context) {
    std::map<std::string, size_t> by_rule;
    for (const Finding& finding : findings) {
        for (const std::string& id : FindingRuleIds(finding)) {
            ++by_rule[id];
        }
    }
    if (context.hunt != nullptr) {
        std::map<detect::RuleStatus, int> by_status;
        for (const detect::RuleRun& run : context.hunt->rules) {
            ++by_status[run.status];
        }
        html += fmt::format(
            "<h3>Rules</h3><p>{} loaded, <strong id=\"rules-ran\">{}</strong> ran, <strong id=\"rules-not-applicable\">"
            "{}</strong> not applicable, {} disabled, {} failed.</p>",
            context.hunt->rules_loaded, by_status[detect::RuleStatus::kRan],
            by_status[detect::RuleStatus::kNotApplicable], by_status[detect::RuleStatus::kDisabled],
            by_status[detect::RuleStatus::kFailed]);
        html += "<table><thead><tr><th scope=\"col\">Rule</th><th scope=\"col\">Status</th><th scope=\"col\">Result "
                "rows</th><th scope=\"col\">Findings</th><th scope=\"col\">Note</th></tr></thead><tbody>";
        for (const detect::RuleRun& run : context.hunt->rules) {
            std::string note = run.reason;
            for (const std::string& binder_note : run.notes) {
                note += (note.empty() ? "" : "; ") + binder_note;
            }
            html += fmt::format("<tr><td>{}<br><small>{}</small></td><td class=\"status-{}\">{}</td><td class=\"num\">{}"
                                "</td><td class=\"num\">{}</td><td>{}</td></tr>",
                                FilterLink("rule", run.id, run.id), E(run.title), E(detect::RuleStatusName(run.status)),
                                E(detect::RuleStatusName(run.status)), run.result_rows, run.findings, E(note));
        }
        html += "</tbody></table>";
    }
    html += "<h3>Findings by rule</h3><table class=\"compact\"><thead><tr><th scope=\"col\">Rule</th>"
            "<th scope=\"col\">Findings</th></tr></thead><tbody>";
    for (const auto& [id, count] : by_rule) {
        html += fmt::format("<tr><td>{}</td><td class=\"num\">{}</td></tr>", FilterLink("rule", id, id), count);
    }
    html += "</tbody></table>";
}

void AppendSeverities(std::string& html, const std::vector<Finding>& findings) {
    std::map<detect::Severity, size_t> by_severity;
    for (const Finding& finding : findings) {
        ++by_severity[finding.severity];
    }
    html += "<h3>Findings by severity</h3><table class=\"compact\"><thead><tr><th scope=\"col\">Severity</th>"
            "<th scope=\"col\">Findings</th></tr></thead><tbody>";
    for (detect::Severity severity : kSeveritiesHighFirst) {
        const std::string name = detect::SeverityName(severity);
        html += fmt::format(R"(<tr><td><span class="badge sev-{}">{}</span> {}</td><td class="num" id="severity-count-{}">{}</td></tr>)",
                            name, E(name), FilterLink("severity", name, "show"), name, by_severity[severity]);
    }
    html += "</tbody></table>";
}

void AppendAllowlist(std::string& html, const HtmlReportContext& context) {
    if (context.hunt == nullptr) {
        return;
    }
    const detect::HuntOutcome& hunt = *context.hunt;
    html += "<h3>Allowlist</h3>";
    html += "<p>Site configuration: " +
            (hunt.config_path.empty() ? std::string("none (every rule as shipped, no allowlist)")
                                      : "<code>" + E(hunt.config_path) + "</code>") +
            fmt::format(". {} finding(s) before the allowlist, {} after it, {} after merging.</p>",
                        hunt.findings_before_allowlist, hunt.findings_before_merge, hunt.findings.size());
    if (hunt.suppressions.empty() && hunt.expired.empty()) {
        return;
    }
    html += "<table><thead><tr><th scope=\"col\">Entry</th><th scope=\"col\">Reason</th>"
            "<th scope=\"col\">Suppressed</th></tr></thead><tbody>";
    for (const detect::AllowlistCount& count : hunt.suppressions) {
        html += fmt::format("<tr><td><code>{}</code></td><td>{}</td><td class=\"num\">{}</td></tr>", E(count.entry.source),
                            E(count.entry.reason), count.suppressed);
    }
    for (const detect::AllowEntry& entry : hunt.expired) {
        html += fmt::format("<tr><td><code>{}</code></td><td>{} (expired {}, no longer applied)</td><td>-</td></tr>",
                            E(entry.source), E(entry.reason), entry.expires ? Time(*entry.expires) : "");
    }
    html += "</tbody></table>";
}

} // namespace

std::string RenderOverview(const std::vector<Finding>& findings, const HtmlReportContext& context) {
    std::set<std::string> devices;
    size_t high_or_above = 0;
    for (const Finding& finding : findings) {
        devices.insert(finding.device);
        high_or_above += finding.severity >= detect::Severity::kHigh ? 1 : 0;
    }
    std::string html = "<section id=\"overview\" aria-labelledby=\"overview-title\"><h2 id=\"overview-title\">Overview"
                       "</h2><div class=\"cards\">";
    html += Card("findings", std::to_string(findings.size()), "card-findings");
    html += Card("high or critical", std::to_string(high_or_above));
    html += Card("devices", std::to_string(devices.size()));
    if (context.hunt != nullptr) {
        html += Card("rows read", std::to_string(context.hunt->stats.rows_read));
        html += Card("rows rejected", std::to_string(context.hunt->stats.rejected()));
    }
    html += "</div><div class=\"columns\"><div>";
    AppendInputs(html, context);
    AppendTimeWindow(html, findings, context);
    AppendSeverities(html, findings);
    html += "</div><div>";
    AppendRules(html, findings, context);
    AppendAllowlist(html, context);
    if (context.hunt != nullptr && !context.hunt->notes.empty()) {
        html += "<h3>Notes</h3><ul>";
        for (const std::string& note : context.hunt->notes) {
            html += "<li>" + E(note) + "</li>";
        }
        html += "</ul>";
    }
    html += "</div></div></section>";
    return html;
}

std::string RenderDeviceTimeline(const std::vector<Finding>& findings) {
    std::map<std::string, DeviceTimelineRow> rows;
    std::optional<int64_t> start;
    std::optional<int64_t> end;
    for (const Finding& finding : findings) {
        if (!finding.first_seen && !finding.last_seen) {
            continue;
        }
        const int64_t first = finding.first_seen.value_or(*finding.last_seen);
        const int64_t last = std::max(first, finding.last_seen.value_or(first));
        start = start ? std::min(*start, first) : first;
        end = end ? std::max(*end, last) : last;
        DeviceTimelineRow& row = rows[finding.device];
        row.device = finding.device.empty() ? "(no device)" : finding.device;
        row.spans.push_back({first, last, finding.severity});
    }
    if (rows.empty()) {
        return "";
    }
    std::vector<DeviceTimelineRow> ordered;
    for (auto& [device, row] : rows) {
        ordered.push_back(std::move(row));
    }
    const auto worst = [](const DeviceTimelineRow& row) {
        detect::Severity severity = detect::Severity::kInformational;
        for (const FindingSpan& span : row.spans) {
            severity = std::max(severity, span.severity);
        }
        return severity;
    };
    std::stable_sort(ordered.begin(), ordered.end(), [&](const DeviceTimelineRow& a, const DeviceTimelineRow& b) {
        if (worst(a) != worst(b)) {
            return worst(a) > worst(b);
        }
        return a.spans.size() > b.spans.size();
    });
    const size_t total = ordered.size();
    if (ordered.size() > kMaxTimelineDevices) {
        ordered.resize(kMaxTimelineDevices);
    }
    std::string html = "<section id=\"devices\" aria-labelledby=\"devices-title\"><h2 id=\"devices-title\">Findings per "
                       "device</h2><p>One bar per finding from first to last seen, coloured by severity. Select a "
                       "device name to filter the list.";
    if (total > ordered.size()) {
        html += fmt::format(" The {} devices with the most severe and most findings of {} are shown.", ordered.size(), total);
    }
    html += "</p><div class=\"plot-frame\">" + DeviceTimelineSvg(ordered, *start, *end) + "</div></section>";
    return html;
}

std::string RenderBeacons(const std::vector<Finding>& findings, std::vector<bool>& plotted) {
    plotted.assign(findings.size(), false);
    std::string figures;
    size_t drawn = 0;
    size_t beacons = 0;
    for (size_t i = 0; i < findings.size(); ++i) {
        const std::optional<BeaconSeries> series = ExtractBeaconSeries(findings[i]);
        if (!series || series->timestamps.size() < 2) {
            continue;
        }
        ++beacons;
        if (drawn >= kMaxPlottedBeacons) {
            continue;
        }
        ++drawn;
        plotted[i] = true;
        const Finding& finding = findings[i];
        const std::string label = fmt::format("{} on {} to {}", finding.process.empty() ? "(no process)" : finding.process,
                                              finding.device, DestinationSummary(finding));
        std::optional<double> period = series->period_seconds;
        if (!period) {
            period = series->median_interval_seconds;
        }
        figures += fmt::format(R"(<figure class="beacon" id="beacon-{}"><figcaption><span class="badge sev-{}">{}</span> )"
                               R"(<a href="#open={}">{}</a></figcaption>)",
                               i, detect::SeverityName(finding.severity), detect::SeverityName(finding.severity), i,
                               E(label));
        figures += BeaconTimelineSvg(series->timestamps, label);
        figures += IntervalHistogramSvg(IntervalsSeconds(series->timestamps), period, series->jitter, label);
        if (series->timestamps_dropped > 0) {
            figures += fmt::format("<p class=\"note\">{} connection time(s) were not plotted (unreadable or over {}).</p>",
                                   series->timestamps_dropped, kMaxBeaconTimestamps);
        }
        figures += "</figure>";
    }
    if (beacons == 0) {
        return "";
    }
    std::string html = fmt::format("<section id=\"beacons\" aria-labelledby=\"beacons-title\"><h2 id=\"beacons-title\">"
                                   "Beacons</h2><p>Per beacon: its connections over time, and the histogram of the gaps "
                                   "between them with the detected period (line) and jitter (band). <span id=\"beacon-count\">"
                                   "{}</span> beacon(s) plotted.",
                                   drawn);
    if (beacons > drawn) {
        html += fmt::format(" {} more are not plotted, to keep the page small; their statistics are in the list.",
                            beacons - drawn);
    }
    return html + "</p><div class=\"beacon-grid\">" + figures + "</div></section>";
}

std::string RenderFindingsSkeleton(const std::vector<Finding>& findings) {
    std::set<std::string> rule_ids;
    for (const Finding& finding : findings) {
        for (const std::string& id : FindingRuleIds(finding)) {
            rule_ids.insert(id);
        }
    }
    std::string html = R"(<section id="findings-section" aria-labelledby="findings-title"><h2 id="findings-title">)"
                       R"(Findings</h2><noscript><p>The findings list needs JavaScript. The overview and plots above )"
                       R"(do not, and the findings JSONL output has every field.</p></noscript>)"
                       R"(<form id="filters" class="controls" role="search"><label>Severity <select id="f-severity">)"
                       R"(<option value="">any</option>)";
    for (detect::Severity severity : kSeveritiesHighFirst) {
        html += fmt::format(R"(<option value="{0}">{0}</option>)", detect::SeverityName(severity));
    }
    html += R"(</select></label><label>Rule <select id="f-rule"><option value="">any</option>)";
    for (const std::string& id : rule_ids) {
        html += fmt::format(R"(<option value="{0}">{0}</option>)", E(id));
    }
    html += R"(</select></label><label>Device <input id="f-device" type="search" autocomplete="off"></label>)"
            R"(<label>Process <input id="f-process" type="search" autocomplete="off"></label>)"
            R"(<label>Destination <input id="f-dest" type="search" autocomplete="off"></label>)"
            R"(<button type="button" id="f-clear">Clear filters</button></form>)"
            R"(<p id="list-status" aria-live="polite">Showing <span id="count-shown">0</span> of )"
            R"(<span id="count-filtered">0</span> matching findings (<span id="count-total">0</span> in total).</p>)"
            R"(<table id="findings"><thead><tr><th scope="col"><span class="visually-hidden">Details</span></th>)"
            R"(<th scope="col" data-key="rank"><button type="button" data-sort="rank">Severity</button></th>)"
            R"(<th scope="col" data-key="score"><button type="button" data-sort="score">Score</button></th>)"
            R"(<th scope="col" data-key="first"><button type="button" data-sort="first">First seen</button></th>)"
            R"(<th scope="col" data-key="device"><button type="button" data-sort="device">Device</button></th>)"
            R"(<th scope="col" data-key="process"><button type="button" data-sort="process">Process</button></th>)"
            R"(<th scope="col" data-key="destination"><button type="button" data-sort="destination">Destination)"
            R"(</button></th><th scope="col" data-key="rules"><button type="button" data-sort="rules">Rules</button></th>)"
            R"(<th scope="col">Explanation</th></tr></thead><tbody id="findings-body"></tbody></table>)"
            R"(<nav class="pager" aria-label="Pages of findings"><button type="button" id="page-prev">Previous page)"
            R"(</button> <span id="page-info"></span> <button type="button" id="page-next">Next page</button></nav>)"
            R"(</section>)";
    return html;
}

} // namespace unmask::output
