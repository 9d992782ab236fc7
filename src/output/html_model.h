// The data model embedded in the HTML report as JSON: findings with their evidence, derived
// facts (beacon statistics, TLS facts, pivot query) and the rules' guidance text.
#pragma once

#include <string>
#include <vector>

#include "detect/finding.h"
#include "output/html_report.h"

namespace unmask::output {

/// Evidence arrays longer than this are cut, and the cut is stated in the array's last element.
inline constexpr size_t kMaxEvidenceArrayItems = 50;
/// Evidence strings longer than this many bytes are cut with a note of how much was left out.
inline constexpr size_t kMaxEvidenceStringBytes = 8192;

/// Returns the report data as compact JSON (not yet escaped for a script element).
/// `plotted[i]` is whether the page draws the beacon plots of findings[i]; the figure's
/// element id is "beacon-" followed by i.
std::string BuildReportJson(const std::vector<detect::Finding>& findings, const HtmlReportContext& context,
                            const std::vector<bool>& plotted);

/// Returns the destination summary shown in the findings list: the first remote name or
/// address with its port when there is one port, and how many more there are.
std::string DestinationSummary(const detect::Finding& finding);

/// Returns the distinct rule ids of a finding's reasons, in order.
std::vector<std::string> FindingRuleIds(const detect::Finding& finding);

} // namespace unmask::output
