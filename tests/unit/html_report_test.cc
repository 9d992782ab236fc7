// The HTML report without a browser: escaping, the CSP hashes, the data model (beacon series,
// TLS facts, pivot query), the SVG plots, reading findings JSONL back, and the CLI commands
// `unmask hunt --html` and `unmask report`. html_browser_test.cc loads the page in Chromium.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "detect/hunt.h"
#include "output/finding_writer.h"
#include "output/html_escape.h"
#include "output/html_facts.h"
#include "output/html_finding_input.h"
#include "output/html_model.h"
#include "output/html_report.h"
#include "output/html_svg.h"
#include "table/datetime.h"

namespace {

namespace fs = std::filesystem;
using unmask::DynamicValue;
using unmask::detect::Finding;
using unmask::detect::FindingReason;
using unmask::detect::Severity;
namespace output = unmask::output;

const fs::path kSourceDir(UNMASK_SOURCE_DIR);
const fs::path kBinaryDir(UNMASK_BINARY_DIR);

int64_t Ticks(const char* text) {
    return *unmask::ParseDateTime(text);
}

FindingReason Reason(const std::string& rule_id, const std::string& evidence_json) {
    FindingReason reason;
    reason.rule_id = rule_id;
    reason.rule_title = "Title of " + rule_id;
    reason.severity = Severity::kHigh;
    reason.explanation = "explanation of " + rule_id;
    auto evidence = unmask::ParseJson(evidence_json);
    EXPECT_TRUE(evidence.ok()) << evidence_json;
    reason.evidence = evidence.ok() ? *evidence : nullptr;
    return reason;
}

Finding BeaconFinding() {
    Finding finding;
    finding.id = "b000000000000001";
    finding.severity = Severity::kHigh;
    finding.device = "wks-it-018.corp.contoso.com";
    finding.process = "rundll32.exe";
    finding.remote_ips = {"45.65.176.21"};
    finding.remote_ports = {8443};
    finding.first_seen = Ticks("2024-03-10T09:00:00Z");
    finding.last_seen = Ticks("2024-03-10T09:45:00Z");
    finding.explanation = "rundll32.exe beacons every 300 s";
    // Ten connections 300 s apart, listed newest first, one as a number of Unix seconds.
    std::string times = "[";
    for (int i = 9; i >= 0; --i) {
        times += i == 9 ? "" : ",";
        if (i == 4) {
            times += std::to_string((Ticks("2024-03-10T09:00:00Z") - unmask::kUnixEpochTicks) / unmask::kTicksPerSecond +
                                    i * 300);
        } else {
            times += "\"" + unmask::FormatDateTime(Ticks("2024-03-10T09:00:00Z") + i * 300 * unmask::kTicksPerSecond) + "\"";
        }
    }
    times += "]";
    finding.reasons.push_back(Reason("beaconing-interval",
                                     R"({"DeviceId":"7e01dfd0d0ad825175a3044735ce6f805583081f","BeaconTimestamps":)" +
                                         times + R"(,"BeaconPeriodSeconds":300.0,"BeaconJitter":0.2})"));
    return finding;
}

Finding HostileFinding() {
    Finding finding;
    finding.id = "h000000000000001";
    finding.severity = Severity::kCritical;
    finding.device = "<img src=x onerror=alert(1)>";
    finding.first_seen = Ticks("2024-03-10T08:00:00Z");
    finding.last_seen = Ticks("2024-03-10T08:30:00Z");
    finding.process = "</script><script>document.title='pwned'</script>";
    finding.remote_names = {"evil\xE2\x80\xA8host\" onmouseover=\"alert(2)"};
    finding.explanation = "<b>bold</b> & \"quoted\" \xFF invalid";
    finding.reasons.push_back(Reason("suspicious-user-agent",
                                     R"({"user_agent":"<svg onload=alert(3)>","uri":"/\u003c/script\u003e?a=1&b=2"})"));
    return finding;
}

std::string RenderPage(const std::vector<Finding>& findings) {
    output::HtmlReportContext context;
    context.product_version = "test";
    context.inputs = {"input-<x>.csv"};
    std::ostringstream out;
    output::WriteHtmlReport(out, findings, context);
    return out.str();
}

size_t CountOf(const std::string& text, const std::string& needle) {
    size_t count = 0;
    for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
        ++count;
    }
    return count;
}

TEST(HtmlEscape, EscapesMarkupCharacters) {
    EXPECT_EQ(output::EscapeHtml("<a href=\"x\">'&'</a>"), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
}

TEST(HtmlEscape, ReplacesInvalidUtf8AndControls) {
    EXPECT_EQ(output::EscapeHtml("a\xFF" "b\x01" "c"), "a\xEF\xBF\xBD" "b\xEF\xBF\xBD" "c");
    EXPECT_EQ(output::EscapeHtml("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong '/'
    EXPECT_EQ(output::EscapeHtml("caf\xC3\xA9"), "caf\xC3\xA9");
}

TEST(HtmlEscape, JsonForScriptKeepsTheValue) {
    const std::string json =
        DynamicValue::String("</script><!-- & \xE2\x80\xA8 \xE2\x80\xA9 -->")->ToJson();
    const std::string escaped = output::EscapeJsonForScript(json);
    EXPECT_EQ(escaped.find('<'), std::string::npos) << escaped;
    EXPECT_EQ(escaped.find('>'), std::string::npos) << escaped;
    EXPECT_EQ(escaped.find('&'), std::string::npos) << escaped;
    EXPECT_EQ(escaped.find("\xE2\x80\xA8"), std::string::npos) << escaped;
    auto parsed = unmask::ParseJson(escaped);
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ((*parsed)->string(), "</script><!-- & \xE2\x80\xA8 \xE2\x80\xA9 -->");
}

TEST(HtmlEscape, FragmentValueIsPercentEncoded) {
    EXPECT_EQ(output::EncodeFragmentValue("a b&c=\"d\"#"), "a%20b%26c%3D%22d%22%23");
}

TEST(HtmlPage, CspHashOfKnownInput) {
    // SHA-256 of the empty string, base64 (FIPS 180-4 test vector).
    EXPECT_EQ(output::CspHashSource(""), "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='");
}

TEST(HtmlPage, CspHashesMatchTheInlineScriptAndStyle) {
    const std::string page = RenderPage({BeaconFinding()});
    std::smatch match;
    ASSERT_TRUE(std::regex_search(page, match, std::regex("script-src ('sha256-[^']+')")));
    const std::string script_hash = match[1];
    ASSERT_TRUE(std::regex_search(page, match, std::regex("style-src ('sha256-[^']+')")));
    const std::string style_hash = match[1];
    EXPECT_NE(page.find("default-src 'none'"), std::string::npos);

    const size_t style_start = page.find("<style>") + 7;
    const std::string style = page.substr(style_start, page.find("</style>") - style_start);
    EXPECT_EQ(output::CspHashSource(style), style_hash);
    const size_t script_start = page.rfind("<script>") + 8;
    const std::string script = page.substr(script_start, page.rfind("</script>") - script_start);
    EXPECT_EQ(output::CspHashSource(script), script_hash);
    // No external resource of any kind.
    EXPECT_EQ(page.find("src=\"http"), std::string::npos);
    EXPECT_EQ(page.find("<link"), std::string::npos);
    EXPECT_EQ(page.find("@import"), std::string::npos);
    EXPECT_EQ(page.find("url("), std::string::npos);
}

TEST(HtmlPage, HostileTextIsEscapedEverywhere) {
    const std::string page = RenderPage({HostileFinding(), BeaconFinding()});
    // Two script elements: the JSON data and the page script. Nothing from the inputs adds one.
    EXPECT_EQ(CountOf(page, "<script"), 2u);
    EXPECT_EQ(CountOf(page, "</script>"), 2u);
    EXPECT_EQ(page.find("<img"), std::string::npos);
    EXPECT_EQ(page.find("<svg onload"), std::string::npos);
    EXPECT_EQ(page.find("<b>bold"), std::string::npos);
    EXPECT_EQ(page.find("\xE2\x80\xA8"), std::string::npos);
    EXPECT_EQ(page.find("\xFF"), std::string::npos);
    EXPECT_EQ(page.find("onmouseover=\""), std::string::npos);
    // The device label of the timeline is escaped text.
    EXPECT_NE(page.find("&lt;img src=x onerror=alert(1)&gt;"), std::string::npos);
    EXPECT_NE(page.find("input-&lt;x&gt;.csv"), std::string::npos);
}

TEST(HtmlPage, DataElementParsesToTheFindings) {
    const std::string page = RenderPage({HostileFinding(), BeaconFinding()});
    const std::string open = "<script type=\"application/json\" id=\"unmask-data\">";
    const size_t start = page.find(open) + open.size();
    auto data = unmask::ParseJson(page.substr(start, page.find("</script>", start) - start));
    ASSERT_TRUE(data.ok()) << data.status().message();
    const auto& findings = (*(*data)->Find("findings"))->array();
    ASSERT_EQ(findings.size(), 2u);
    EXPECT_EQ((*findings[0]->Find("device"))->string(), "<img src=x onerror=alert(1)>");
    EXPECT_EQ((*findings[0]->Find("process"))->string(), "</script><script>document.title='pwned'</script>");
    const auto& beacon = *findings[1]->Find("beacon");
    EXPECT_TRUE((*beacon->Find("plotted"))->bool_value());
    EXPECT_EQ((*beacon->Find("timestamps"))->integer(), 10);
}

TEST(HtmlFacts, BeaconSeriesFromEvidence) {
    const auto series = output::ExtractBeaconSeries(BeaconFinding());
    ASSERT_TRUE(series.has_value());
    ASSERT_EQ(series->timestamps.size(), 10u);
    EXPECT_EQ(series->timestamps_dropped, 0u);
    EXPECT_TRUE(std::is_sorted(series->timestamps.begin(), series->timestamps.end()));
    EXPECT_EQ(series->timestamps.front(), Ticks("2024-03-10T09:00:00Z"));
    EXPECT_EQ(series->timestamps[4], Ticks("2024-03-10T09:20:00Z"));  // the Unix-seconds entry
    ASSERT_TRUE(series->period_seconds.has_value());
    EXPECT_DOUBLE_EQ(*series->period_seconds, 300.0);
    ASSERT_TRUE(series->jitter.has_value());
    EXPECT_DOUBLE_EQ(*series->jitter, 0.2);
    for (double interval : output::IntervalsSeconds(series->timestamps)) {
        EXPECT_DOUBLE_EQ(interval, 300.0);
    }
}

TEST(HtmlFacts, BeaconStatisticsWithoutTimestamps) {
    Finding finding;
    finding.reasons.push_back(Reason("beaconing-interval", R"({"MeanIntervalSeconds":61.5,"MedianIntervalSeconds":60})"));
    const auto series = output::ExtractBeaconSeries(finding);
    ASSERT_TRUE(series.has_value());
    EXPECT_TRUE(series->timestamps.empty());
    EXPECT_DOUBLE_EQ(series->mean_interval_seconds.value_or(0), 61.5);
    EXPECT_DOUBLE_EQ(series->median_interval_seconds.value_or(0), 60.0);

    const std::string page = RenderPage({finding});
    EXPECT_EQ(page.find("<figure class=\"beacon\""), std::string::npos);
    EXPECT_NE(page.find("\"median\":60"), std::string::npos);
}

TEST(HtmlFacts, NoBeaconWithoutBeaconColumns) {
    Finding finding;
    finding.reasons.push_back(Reason("lolbin-web-traffic", R"({"ConnectionCount":3})"));
    EXPECT_FALSE(output::ExtractBeaconSeries(finding).has_value());
}

TEST(HtmlFacts, UnreadableTimestampsAreCounted) {
    Finding finding;
    finding.reasons.push_back(Reason("b", R"({"BeaconTimestamps":["2024-03-10T09:00:00Z","not a time",true,null,-5]})"));
    const auto series = output::ExtractBeaconSeries(finding);
    ASSERT_TRUE(series.has_value());
    EXPECT_EQ(series->timestamps.size(), 1u);
    EXPECT_EQ(series->timestamps_dropped, 4u);
}

TEST(HtmlFacts, TlsImpersonationOfGoogle) {
    Finding finding;
    finding.reasons.push_back(Reason(
        "tls-impersonation",
        R"({"AdditionalFields":"{\"server_name\":\"drive.google.com\",\"issuer\":\"CN=R3,O=Let's Encrypt,C=US\",)"
        R"(\"subject\":\"CN=drive.google.com\",\"ja3\":\"72a589da586844d7f0818ce684948eea\",\"san_dns\":[\"drive.google.com\"]}"})"));
    const auto tls = output::ExtractTlsFacts(finding);
    ASSERT_TRUE(tls.has_value());
    EXPECT_EQ(tls->host, "drive.google.com");
    ASSERT_NE(tls->expectation, nullptr);
    EXPECT_EQ(tls->expectation->service, "Google");
    ASSERT_TRUE(tls->issuer_matches.has_value());
    EXPECT_FALSE(*tls->issuer_matches);
    ASSERT_EQ(tls->facts.size(), 5u);
    EXPECT_EQ(tls->facts[0].first, "server_name");
    EXPECT_EQ(tls->facts[2].first, "subject");
    EXPECT_EQ(tls->facts[2].second, "CN=drive.google.com");
    EXPECT_EQ(tls->facts[3].second, "CN=R3,O=Let's Encrypt,C=US");
    EXPECT_EQ(tls->facts[4].second, "drive.google.com");  // san_dns list joined
}

TEST(HtmlFacts, TlsGenuineGoogleIssuerMatches) {
    Finding finding;
    finding.reasons.push_back(
        Reason("tls", R"({"server_name":"www.google.com","issuer":"CN=WR2,O=Google Trust Services,C=US"})"));
    const auto tls = output::ExtractTlsFacts(finding);
    ASSERT_TRUE(tls.has_value());
    ASSERT_TRUE(tls->issuer_matches.has_value());
    EXPECT_TRUE(*tls->issuer_matches);
}

TEST(HtmlFacts, ServiceMatchIsBySuffixOnALabelBoundary) {
    ASSERT_NE(output::MatchServiceExpectation("login.microsoftonline.com"), nullptr);
    EXPECT_EQ(output::MatchServiceExpectation("https://api.github.com:443/x")->service, "GitHub");
    EXPECT_EQ(output::MatchServiceExpectation("notgoogle.com"), nullptr);
    EXPECT_EQ(output::MatchServiceExpectation("google.com.evil.example"), nullptr);
    EXPECT_EQ(output::MatchServiceExpectation("GOOGLE.COM.")->service, "Google");
}

TEST(HtmlFacts, DistinguishedNameOrganization) {
    EXPECT_EQ(output::DistinguishedNameOrganization("CN=R3,O=Let's Encrypt,C=US"), "Let's Encrypt");
    EXPECT_EQ(output::DistinguishedNameOrganization("CN=x, O=Cloudflare\\, Inc., C=US"), "Cloudflare, Inc.");
    EXPECT_EQ(output::DistinguishedNameOrganization("CN=only"), "");
    EXPECT_EQ(output::DistinguishedNameOrganization("OU=unit,CN=x"), "");
}

TEST(HtmlFacts, PivotQueryEscapesValuesAndWidensTheWindow) {
    Finding finding = BeaconFinding();
    finding.process = "a\"b\\c.exe";
    const std::string kql = output::BuildPivotKql(finding);
    EXPECT_EQ(kql,
              "DeviceNetworkEvents\n"
              "| where Timestamp between (datetime(2024-03-10T08:00:00.0000000Z) .. "
              "datetime(2024-03-10T10:45:00.0000000Z))\n"
              "| where DeviceId == \"7e01dfd0d0ad825175a3044735ce6f805583081f\"\n"
              "| where InitiatingProcessFileName =~ \"a\\\"b\\\\c.exe\"\n"
              "| where RemoteIP in (\"45.65.176.21\")\n"
              "| sort by Timestamp asc");
}

TEST(HtmlFacts, PivotQueryByNameWithoutDeviceId) {
    Finding finding;
    finding.device = "wks-1";
    finding.remote_names = {"https://cdn.example.net/path"};
    const std::string kql = output::BuildPivotKql(finding);
    EXPECT_NE(kql.find("| where DeviceName =~ \"wks-1\"\n"), std::string::npos) << kql;
    EXPECT_NE(kql.find("| where RemoteUrl has_any (\"cdn.example.net\")\n"), std::string::npos) << kql;
    EXPECT_NE(kql.find("ago(30d)"), std::string::npos) << kql;
}

TEST(HtmlSvg, HistogramBinsAndOverflow) {
    std::vector<double> intervals(20, 300.0);
    intervals.push_back(50'000.0);  // a night asleep
    const output::HistogramBins bins = output::BinIntervals(intervals, 300.0);
    EXPECT_EQ(bins.overflow, 1);
    EXPECT_DOUBLE_EQ(bins.max_seconds, 50'000.0);
    EXPECT_NEAR(bins.upper_seconds, 900.0 * 1.02, 1e-9);
    int64_t total = 0;
    for (int64_t count : bins.counts) {
        total += count;
    }
    EXPECT_EQ(total, 20);
    EXPECT_EQ(bins.counts[static_cast<size_t>(300.0 / bins.upper_seconds * output::kHistogramBins)], 20);
}

TEST(HtmlSvg, HistogramMarksPeriodAndJitter) {
    const std::vector<double> intervals(10, 300.0);
    const std::string svg = output::IntervalHistogramSvg(intervals, 300.0, 0.2, "x");
    EXPECT_EQ(CountOf(svg, "class=\"period\""), 1u);
    EXPECT_EQ(CountOf(svg, "class=\"jitter-band\""), 1u);
    EXPECT_EQ(CountOf(svg, "class=\"bar\""), 1u);
    EXPECT_NE(svg.find(">period 5 min, jitter 20 %<"), std::string::npos) << svg;
    // The axis ends at 1.5 periods plus 2 % (459 s) and spans 580 units from x = 10; the band
    // covers 240 s .. 300 s.
    std::smatch match;
    ASSERT_TRUE(std::regex_search(svg, match, std::regex("class=\"jitter-band\" x=\"([0-9.]+)\" y=\"[0-9]+\" width=\"([0-9.]+)\"")));
    EXPECT_NEAR(std::stod(match[1]), 10 + 240.0 / 459.0 * 580, 0.1);
    EXPECT_NEAR(std::stod(match[2]), 60.0 / 459.0 * 580, 0.2);
}

TEST(HtmlSvg, TimelineIsBoundedByTheWidth) {
    std::vector<int64_t> ticks;
    for (int i = 0; i < 20'000; ++i) {
        ticks.push_back(Ticks("2024-03-10T00:00:00Z") + static_cast<int64_t>(i) * 5 * unmask::kTicksPerSecond);
    }
    const std::string svg = output::BeaconTimelineSvg(ticks, "x");
    EXPECT_LE(CountOf(svg, "M"), static_cast<size_t>(output::kPlotWidth));
    EXPECT_GE(CountOf(svg, "v30"), 500u);
    EXPECT_NE(svg.find("20000 connections"), std::string::npos);
}

TEST(HtmlSvg, DeviceTimelineEscapesAndLinks) {
    output::DeviceTimelineRow row;
    row.device = "<wks&1>";
    row.spans = {{Ticks("2024-03-10T00:00:00Z"), Ticks("2024-03-10T01:00:00Z"), Severity::kCritical}};
    const std::string svg =
        output::DeviceTimelineSvg({row}, Ticks("2024-03-10T00:00:00Z"), Ticks("2024-03-10T02:00:00Z"));
    EXPECT_NE(svg.find("href=\"#device=%3Cwks%261%3E\""), std::string::npos) << svg;
    EXPECT_NE(svg.find("&lt;wks&amp;1&gt;"), std::string::npos) << svg;
    EXPECT_EQ(CountOf(svg, "class=\"span sev-critical\""), 1u);
}

TEST(HtmlFindingInput, RoundTripThroughJsonLines) {
    Finding finding = BeaconFinding();
    finding.attack = {"T1071.001"};
    finding.count = 10;
    finding.beacon = unmask::detect::BeaconStats{10, 300.0, 1.5, 300.0};
    const std::string line = output::FindingToJson(finding);
    output::FindingFileRead read;
    output::ParseFindingJsonLines(line + "\n\n" + line + "\r\n", "f.jsonl", read);
    ASSERT_EQ(read.findings.size(), 2u);
    EXPECT_EQ(read.lines_read, 2u);
    EXPECT_EQ(read.lines_rejected, 0u);
    EXPECT_EQ(output::FindingToJson(read.findings[0]), line);
    EXPECT_EQ(output::FindingToJson(read.findings[1]), line);
}

TEST(HtmlFindingInput, BadLinesAreCountedWithReasons) {
    const std::string text = "{\"severity\":\"high\"}\n"
                             "not json\n"
                             "[1,2]\n"
                             "{\"severity\":\"severe\"}\n"
                             "{\"remote_ports\":[\"443\"]}\n"
                             "{\"first_seen\":\"yesterday\"}\n"
                             "null\n";
    output::FindingFileRead read;
    output::ParseFindingJsonLines(text, "f.jsonl", read);
    EXPECT_EQ(read.findings.size(), 1u);
    EXPECT_EQ(read.lines_read, 7u);
    EXPECT_EQ(read.lines_rejected, 6u);
    ASSERT_EQ(read.rejected.size(), 6u);
    EXPECT_EQ(read.rejected[0].line, 2u);
    EXPECT_NE(read.rejected[0].reason.find("invalid JSON"), std::string::npos);
    EXPECT_NE(read.rejected[1].reason.find("not a JSON object"), std::string::npos);
    EXPECT_NE(read.rejected[2].reason.find("'severity'"), std::string::npos);
    EXPECT_NE(read.rejected[3].reason.find("'remote_ports'"), std::string::npos);
    EXPECT_NE(read.rejected[4].reason.find("'first_seen'"), std::string::npos);
    EXPECT_EQ(read.rejected[5].line, 7u);
}

TEST(HtmlModel, LongEvidenceArraysAreCut) {
    Finding finding;
    std::string items = "[";
    for (int i = 0; i < 120; ++i) {
        items += (i ? "," : "") + std::to_string(i);
    }
    finding.reasons.push_back(Reason("r", R"({"Times":)" + items + "]}"));
    const std::string json = output::BuildReportJson({finding}, {}, {});
    EXPECT_NE(json.find("[... 70 more items in the findings JSONL]"), std::string::npos);
    EXPECT_EQ(json.find(",50,"), std::string::npos);
}

TEST(HtmlModel, TenThousandFindingsStayCompact) {
    std::vector<Finding> findings;
    for (int i = 0; i < 10'000; ++i) {
        Finding finding = i % 50 == 0 ? BeaconFinding() : HostileFinding();
        finding.device = "wks-" + std::to_string(i % 700);
        findings.push_back(std::move(finding));
    }
    const std::string page = RenderPage(findings);
    EXPECT_EQ(CountOf(page, "<figure class=\"beacon\""), 200u);
    EXPECT_LT(page.size(), 20u * 1024 * 1024);
    EXPECT_EQ(CountOf(page, "<script"), 2u);
}

// ---------------------------------------------------------------------------------------------
// The commands, run as the binary.

struct CommandRun {
    int status = -1;
    std::string err;
};

CommandRun RunUnmask(const std::string& arguments) {
    const fs::path err_path = fs::temp_directory_path() / ("unmask-html-test-" + std::to_string(getpid()) + ".err");
    const std::string command = "cd " + kSourceDir.string() + " && TZ=UTC " + (kBinaryDir / "unmask").string() + " " +
                                arguments + " >/dev/null 2>" + err_path.string();
    const int raw = std::system(command.c_str());
    CommandRun run;
    run.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    std::ifstream file(err_path);
    std::ostringstream text;
    text << file.rdbuf();
    run.err = text.str();
    fs::remove(err_path);
    return run;
}

std::string ReadText(const fs::path& path) {
    std::ifstream file(path, std::ios::binary);
    std::ostringstream text;
    text << file.rdbuf();
    return text.str();
}

TEST(HtmlCommands, HuntHtmlAndReportFromJsonLines) {
    const fs::path dir = kBinaryDir / "html-report-test";
    fs::create_directories(dir);
    const fs::path jsonl = dir / "sample-findings.jsonl";
    const fs::path hunt_html = dir / "sample-hunt.html";
    const fs::path report_html = dir / "sample-report.html";
    const CommandRun hunt = RunUnmask("hunt tests/data/sample/defender-sample.csv --rules rules --format jsonl -o " +
                               jsonl.string() + " --html " + hunt_html.string() + " -q");
    ASSERT_EQ(hunt.status, 0) << hunt.err;
    const std::string hunt_page = ReadText(hunt_html);
    EXPECT_NE(hunt_page.find("id=\"rows-read\""), std::string::npos);
    EXPECT_NE(hunt_page.find("id=\"rules-ran\""), std::string::npos);
    EXPECT_NE(hunt_page.find("Content-Security-Policy"), std::string::npos);

    // Append a damaged line: it is counted and the other findings are still reported.
    std::ofstream(jsonl, std::ios::app) << "{\"severity\":\"unknown\"}\n";
    const CommandRun report = RunUnmask("report " + jsonl.string() + " -o " + report_html.string() + " --rules rules");
    ASSERT_EQ(report.status, 0) << report.err;
    EXPECT_NE(report.err.find("1 line(s) rejected"), std::string::npos) << report.err;
    const std::string report_page = ReadText(report_html);
    EXPECT_NE(report_page.find("<strong id=\"rows-rejected\">1</strong>"), std::string::npos);

    // Both pages embed the same findings.
    const std::string jsonl_text = ReadText(jsonl);
    const auto jsonl_lines = static_cast<size_t>(std::count(jsonl_text.begin(), jsonl_text.end(), '\n'));
    std::smatch match;
    ASSERT_TRUE(std::regex_search(report_page, match, std::regex("id=\"card-findings\"><span class=\"value\">([0-9]+)")));
    EXPECT_EQ(std::stoul(match[1]), jsonl_lines - 1);
    ASSERT_TRUE(std::regex_search(hunt_page, match, std::regex("id=\"card-findings\"><span class=\"value\">([0-9]+)")));
    EXPECT_EQ(std::stoul(match[1]), jsonl_lines - 1);
}

TEST(HtmlCommands, ReportOfMissingFileFails) {
    const CommandRun run = RunUnmask("report /nonexistent/findings.jsonl -o /tmp/unmask-never.html");
    EXPECT_EQ(run.status, 2);
    EXPECT_NE(run.err.find("cannot read the findings file '/nonexistent/findings.jsonl'"), std::string::npos) << run.err;
}

} // namespace
