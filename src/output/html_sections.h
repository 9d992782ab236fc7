// Parts of the HTML report page, assembled by WriteHtmlReport (html_page.cc).
#pragma once

#include <string>
#include <vector>

#include "detect/finding.h"
#include "output/html_report.h"

namespace unmask::output {

/// The overview section: inputs, time window, rows, rules, findings by severity and by rule,
/// allowlist suppressions. Every text from the inputs is escaped.
std::string RenderOverview(const std::vector<detect::Finding>& findings, const HtmlReportContext& context);

/// The per-device timeline of findings, or an empty string when no finding has a time.
std::string RenderDeviceTimeline(const std::vector<detect::Finding>& findings);

/// The beacons section: per beacon finding with connection times, a timeline and an interval
/// histogram in a figure with id "beacon-INDEX". Sets plotted[i] for each finding drawn.
std::string RenderBeacons(const std::vector<detect::Finding>& findings, std::vector<bool>& plotted);

/// The findings list's controls and empty table; the page script fills it from the data.
std::string RenderFindingsSkeleton(const std::vector<detect::Finding>& findings);

/// The page's stylesheet and script, hashed into the Content-Security-Policy.
const std::string& ReportStyle();
const std::string& ReportScript();

} // namespace unmask::output
