// The HTML report of a hunt: one self-contained file with no external resources, an overview
// of the run, inline SVG plots and a sortable, filterable, paged list of findings. The page
// runs under a strict Content-Security-Policy that allows only its own inline script and style,
// by SHA-256 hash. docs/report.md describes the page.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "detect/finding.h"
#include "detect/hunt.h"
#include "detect/rule.h"

namespace unmask::output {

/// A line of a findings file that could not be read.
struct RejectedLine {
    std::string file;
    size_t line = 0;
    std::string reason;
};

struct HtmlReportContext {
    std::string product_version;
    std::string title = "unmask report";
    /// The command that produced the findings, shown in the overview.
    std::string source;
    /// Input paths as given on the command line.
    std::vector<std::string> inputs;
    /// Run facts (rows read and rejected, rules, allowlist); null when the findings come from a
    /// findings JSONL file, which does not record them.
    const detect::HuntOutcome* hunt = nullptr;
    /// Rules whose triage steps, queries and response steps the findings show; may be empty.
    std::vector<detect::Rule> rules;
    /// For findings read from JSONL: lines read, lines rejected, and the first rejected lines.
    size_t finding_lines_read = 0;
    size_t finding_lines_rejected = 0;
    std::vector<RejectedLine> rejected_lines;
    /// The report's notion of now (the hunt's now()), shown in the header; 0 leaves it out.
    int64_t now_ticks = 0;
};

/// Upper bound on the beacons whose plots the page draws, so that the file stays small enough
/// to open; findings past it show their interval statistics without plots.
inline constexpr size_t kMaxPlottedBeacons = 2000;
/// Devices drawn in the per-device timeline, the ones with the most severe and most findings.
inline constexpr size_t kMaxTimelineDevices = 60;

/// Writes the report page.
void WriteHtmlReport(std::ostream& out, const std::vector<detect::Finding>& findings,
                     const HtmlReportContext& context);

/// Returns a CSP hash source for an inline script or style: 'sha256-BASE64'.
std::string CspHashSource(std::string_view content);

} // namespace unmask::output
