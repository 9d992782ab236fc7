// The HTML report in a real browser: Debian's chromium, headless, loads report files written
// by WriteHtmlReport and dumps the DOM after the page script ran. The tests check the counts,
// a filter applied from the URL fragment, one SVG figure per beacon, that script-laden input
// values create no elements and change no title, and that Chromium reports no
// Content-Security-Policy violation. A screenshot is kept under the build directory
// (html-report-test/report.png) as a CI artefact.
//
// Set UNMASK_CHROMIUM to use another browser binary; the tests are skipped when none is found.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "output/html_report.h"
#include "table/datetime.h"
#include "table/dynamic.h"

namespace {

namespace fs = std::filesystem;
using unmask::detect::Finding;
using unmask::detect::FindingReason;
using unmask::detect::Severity;

const fs::path kOutputDir = fs::path(UNMASK_BINARY_DIR) / "html-report-test";

std::string ChromiumPath() {
    if (const char* path = std::getenv("UNMASK_CHROMIUM"); path != nullptr && fs::exists(path)) {
        return path;
    }
    for (const char* path : {"/usr/bin/chromium", "/usr/bin/chromium-browser"}) {
        if (fs::exists(path)) {
            return path;
        }
    }
    return "";
}

std::string ReadText(const fs::path& path) {
    std::ifstream file(path, std::ios::binary);
    std::ostringstream text;
    text << file.rdbuf();
    return text.str();
}

size_t CountOf(const std::string& text, const std::string& needle) {
    size_t count = 0;
    for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
        ++count;
    }
    return count;
}

struct BrowserRun {
    int status = -1;
    std::string dom;
    std::string log;
};

/// Returns the current test's name, which prefixes its files because ctest runs the tests in parallel.
std::string TestName() {
    return ::testing::UnitTest::GetInstance()->current_test_info()->name();
}

/// Runs headless Chromium on a file URL with `mode` ("--dump-dom" or "--screenshot=PATH") and
/// returns its standard output (the DOM) and its log with console messages.
BrowserRun RunChromium(const fs::path& page, const std::string& fragment, const std::string& mode) {
    const fs::path profile = kOutputDir / (TestName() + "-profile-" + std::to_string(getpid()));
    const fs::path dom_path = kOutputDir / (TestName() + "-dom.html");
    const fs::path log_path = kOutputDir / (TestName() + "-chromium.log");
    const std::string command = "timeout 180 " + ChromiumPath() +
                                " --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run"
                                " --hide-scrollbars --window-size=1400,2400 --enable-logging=stderr --v=0"
                                " --user-data-dir=" + profile.string() + " " + mode + " 'file://" + page.string() +
                                fragment + "' >" + dom_path.string() + " 2>" + log_path.string();
    const int raw = std::system(command.c_str());
    BrowserRun run;
    run.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    run.dom = ReadText(dom_path);
    run.log = ReadText(log_path);
    std::error_code ignored;
    fs::remove_all(profile, ignored);
    return run;
}

int64_t Ticks(const char* text) {
    return *unmask::ParseDateTime(text);
}

FindingReason Reason(const std::string& rule_id, const std::string& evidence_json) {
    FindingReason reason;
    reason.rule_id = rule_id;
    reason.rule_title = "Title of " + rule_id;
    reason.severity = Severity::kHigh;
    reason.explanation = "explanation of " + rule_id;
    reason.evidence = unmask::ParseJson(evidence_json).value();
    return reason;
}

/// Builds a beacon of `connections` check-ins every `period` seconds with up to 20 % jitter.
Finding Beacon(int number, int period, int connections) {
    Finding finding;
    finding.id = "beacon-" + std::to_string(number);
    finding.severity = Severity::kHigh;
    finding.device = "wks-" + std::to_string(number) + ".corp.example";
    finding.process = "rundll32.exe";
    finding.remote_ips = {"198.51.100." + std::to_string(number)};
    finding.remote_ports = {443};
    const int64_t start = Ticks("2024-03-10T08:00:00Z");
    std::string times = "[";
    int64_t at = start;
    for (int i = 0; i < connections; ++i) {
        times += (i ? "," : "") + std::string("\"") + unmask::FormatDateTime(at) + "\"";
        // A deterministic jitter pattern: the sleep is cut by 0 to 19 %.
        at += static_cast<int64_t>(period * (100 - (i * 7) % 20)) * unmask::kTicksPerSecond / 100;
    }
    times += "]";
    finding.first_seen = start;
    finding.last_seen = at;
    finding.explanation = "beacon " + std::to_string(number);
    finding.reasons.push_back(Reason("beaconing-interval", R"({"BeaconTimestamps":)" + times +
                                                               R"(,"BeaconPeriodSeconds":)" + std::to_string(period) +
                                                               R"(,"BeaconJitter":0.2})"));
    return finding;
}

Finding Hostile() {
    Finding finding;
    finding.id = "hostile";
    finding.severity = Severity::kCritical;
    finding.device = "<img src=x onerror=\"document.title='pwned-img'\">";
    finding.process = "</script><script>document.title='pwned'</script>";
    finding.remote_names = {"<svg onload=\"document.title='pwned-svg'\">.example"};
    finding.first_seen = Ticks("2024-03-10T09:00:00Z");
    finding.explanation = "<b id=\"injected-bold\">bold</b> \xE2\x80\xA8 & \"quotes\"";
    finding.reasons.push_back(Reason(
        "suspicious-user-agent",
        R"({"user_agent":"<iframe srcdoc='<script>parent.document.title=1</script>'>","uri":"/</script><script>document.title='pwned-uri'</script>",)"
        R"("AdditionalFields":"{\"server_name\":\"<img src=y onerror=alert(1)>.google.com\",\"issuer\":\"O=<script>x</script>\",\"ja3\":\"abc\"}"})"));
    return finding;
}

Finding Tls() {
    Finding finding;
    finding.id = "tls";
    finding.severity = Severity::kMedium;
    finding.device = "wks-fin-007.corp.example";
    finding.process = "python.exe";
    finding.remote_names = {"drive.google.com"};
    finding.first_seen = Ticks("2024-03-10T10:00:00Z");
    finding.explanation = "TLS to drive.google.com with a Let's Encrypt certificate";
    finding.reasons.push_back(Reason("web-service-mimicry",
                                     R"({"server_name":"drive.google.com","issuer":"CN=R3,O=Let's Encrypt,C=US",)"
                                     R"("subject":"CN=drive.google.com","ja3":"72a589da586844d7f0818ce684948eea",)"
                                     R"("ssl_history":"CsiI","san_dns":["drive.google.com"]})"));
    return finding;
}

fs::path WriteReport(const std::string& name, const std::vector<Finding>& findings) {
    fs::create_directories(kOutputDir);
    const fs::path path = kOutputDir / (TestName() + "-" + name);
    unmask::output::HtmlReportContext context;
    context.product_version = "test";
    context.source = "html_browser_test";
    context.inputs = {"generated"};
    std::ofstream file(path, std::ios::binary);
    unmask::output::WriteHtmlReport(file, findings, context);
    return path;
}

/// The findings of the main test page: three plotted beacons, a beacon with statistics only,
/// the hostile finding, a TLS finding and two low findings.
std::vector<Finding> MixedFindings() {
    std::vector<Finding> findings = {Hostile(), Beacon(1, 300, 40), Beacon(2, 60, 200), Beacon(3, 3600, 12), Tls()};
    Finding stats_only;
    stats_only.id = "stats";
    stats_only.severity = Severity::kHigh;
    stats_only.device = "wks-9.corp.example";
    stats_only.reasons.push_back(Reason("beaconing-interval", R"({"MeanIntervalSeconds":61.2,"MedianIntervalSeconds":60})"));
    findings.push_back(stats_only);
    for (int i = 0; i < 2; ++i) {
        Finding low;
        low.id = "low-" + std::to_string(i);
        low.severity = Severity::kLow;
        low.device = "srv-" + std::to_string(i);
        findings.push_back(low);
    }
    return findings;
}

std::string ElementText(const std::string& dom, const std::string& id) {
    std::smatch match;
    if (!std::regex_search(dom, match, std::regex("id=\"" + id + "\"[^>]*>([^<]*)<"))) {
        return "(no element " + id + ")";
    }
    return match[1];
}

bool HasCspViolation(const std::string& log) {
    return log.find("Content Security Policy") != std::string::npos;
}

class HtmlBrowser : public ::testing::Test {
protected:
    void SetUp() override {
        if (ChromiumPath().empty()) {
            GTEST_SKIP() << "chromium is not installed (.ci/run installs it); set UNMASK_CHROMIUM to a browser binary";
        }
    }
};

TEST_F(HtmlBrowser, CspControlPageLogsViolation) {
    // The negative control: a script whose hash is not in the policy must be blocked and logged,
    // or the absence of violations in the other tests would prove nothing.
    fs::create_directories(kOutputDir);
    const fs::path page = kOutputDir / (TestName() + "-csp-control.html");
    std::ofstream(page) << "<!DOCTYPE html><html><head><meta http-equiv=\"Content-Security-Policy\" content=\""
                           "default-src 'none'; script-src 'sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='\">"
                           "<title>control</title></head><body><script>document.title='ran'</script></body></html>";
    const BrowserRun run = RunChromium(page, "", "--dump-dom");
    ASSERT_EQ(run.status, 0) << run.log;
    EXPECT_NE(run.dom.find("<title>control</title>"), std::string::npos) << run.dom;
    EXPECT_TRUE(HasCspViolation(run.log)) << run.log;
}

TEST_F(HtmlBrowser, FilterFromFragmentAndBeaconFigures) {
    const std::vector<Finding> findings = MixedFindings();
    const fs::path page = WriteReport("mixed.html", findings);
    const BrowserRun run = RunChromium(page, "#severity=high", "--dump-dom");
    ASSERT_EQ(run.status, 0) << run.log;
    EXPECT_NE(run.dom.find("data-rendered=\"true\""), std::string::npos) << "the page script did not finish";
    EXPECT_FALSE(HasCspViolation(run.log)) << run.log;

    EXPECT_EQ(ElementText(run.dom, "count-total"), std::to_string(findings.size()));
    EXPECT_EQ(ElementText(run.dom, "count-filtered"), "4");  // three beacons and the statistics-only one
    EXPECT_EQ(ElementText(run.dom, "count-shown"), "4");
    EXPECT_EQ(CountOf(run.dom, "class=\"finding-row"), 4u);
    EXPECT_EQ(CountOf(run.dom, "class=\"finding-row sev-row-high\""), 4u);
    // The select shows the filter read from the fragment.
    EXPECT_NE(run.dom.find("<option value=\"high\" selected"), std::string::npos)
        << "the filter control does not show the fragment's value";

    // One figure with a timeline and a histogram per beacon with connection times.
    EXPECT_EQ(ElementText(run.dom, "beacon-count"), "3");
    EXPECT_EQ(CountOf(run.dom, "<figure class=\"beacon\""), 3u);
    EXPECT_EQ(CountOf(run.dom, "<svg class=\"plot timeline\""), 3u);
    EXPECT_EQ(CountOf(run.dom, "<svg class=\"plot histogram\""), 3u);
    EXPECT_EQ(CountOf(run.dom, "class=\"period\""), 3u);
    EXPECT_EQ(CountOf(run.dom, "<svg class=\"plot devices\""), 1u);
}

TEST_F(HtmlBrowser, ExpandedBeaconShowsItsPlotsAndPivot) {
    const std::vector<Finding> findings = MixedFindings();
    const fs::path page = WriteReport("mixed.html", findings);
    const BrowserRun run = RunChromium(page, "#open=1", "--dump-dom");
    ASSERT_EQ(run.status, 0) << run.log;
    EXPECT_FALSE(HasCspViolation(run.log)) << run.log;
    EXPECT_NE(run.dom.find("id=\"finding-details-1\""), std::string::npos);
    // The expanded finding carries a copy of its figure.
    EXPECT_EQ(CountOf(run.dom, "<svg class=\"plot histogram\""), 4u);
    EXPECT_NE(run.dom.find("| where RemoteIP in (\"198.51.100.1\")"), std::string::npos);
    EXPECT_NE(run.dom.find("aria-expanded=\"true\""), std::string::npos);
}

TEST_F(HtmlBrowser, HostileValuesDoNotExecute) {
    const std::vector<Finding> findings = MixedFindings();
    const fs::path page = WriteReport("mixed.html", findings);
    // Finding 0 is the hostile one. Opening it renders its evidence, TLS facts and pivot query.
    const BrowserRun run = RunChromium(page, "#open=0", "--dump-dom");
    ASSERT_EQ(run.status, 0) << run.log;
    EXPECT_NE(run.dom.find("data-rendered=\"true\""), std::string::npos);
    EXPECT_NE(run.dom.find("id=\"finding-details-0\""), std::string::npos);
    EXPECT_NE(run.dom.find("<title>unmask report</title>"), std::string::npos) << "the title changed";
    EXPECT_EQ(run.dom.find("pwned</title>"), std::string::npos);
    EXPECT_EQ(run.dom.find("<img"), std::string::npos);
    EXPECT_EQ(run.dom.find("<iframe"), std::string::npos);
    EXPECT_EQ(run.dom.find("<svg onload"), std::string::npos);
    EXPECT_EQ(run.dom.find("<b id="), std::string::npos);
    EXPECT_EQ(CountOf(run.dom, "<script"), 2u);
    // The values are shown, as text.
    EXPECT_NE(run.dom.find("&lt;img src=x onerror=\"document.title='pwned-img'\"&gt;"), std::string::npos);
    EXPECT_NE(run.dom.find("&lt;/script&gt;&lt;script&gt;document.title='pwned'&lt;/script&gt;"), std::string::npos);
    EXPECT_FALSE(HasCspViolation(run.log)) << run.log;
}

TEST_F(HtmlBrowser, TenThousandFindingsRenderOnePage) {
    std::vector<Finding> findings;
    for (int i = 0; i < 10'000; ++i) {
        Finding finding = i % 100 == 0 ? Beacon(i / 100 % 250, 300, 30) : Tls();
        finding.id = "f" + std::to_string(i);
        finding.device = "wks-" + std::to_string(i % 800) + ".corp.example";
        findings.push_back(std::move(finding));
    }
    const fs::path page = WriteReport("ten-thousand.html", findings);
    const BrowserRun run = RunChromium(page, "#page=3", "--dump-dom");
    ASSERT_EQ(run.status, 0) << run.log;
    EXPECT_NE(run.dom.find("data-rendered=\"true\""), std::string::npos);
    EXPECT_EQ(ElementText(run.dom, "count-total"), "10000");
    EXPECT_EQ(ElementText(run.dom, "count-filtered"), "10000");
    EXPECT_EQ(ElementText(run.dom, "count-shown"), "100");
    EXPECT_EQ(CountOf(run.dom, "class=\"finding-row"), 100u);
    EXPECT_EQ(ElementText(run.dom, "page-info"), "Page 3 of 100");
    EXPECT_EQ(CountOf(run.dom, "<figure class=\"beacon\""), 100u);
    EXPECT_FALSE(HasCspViolation(run.log)) << run.log;
}

TEST_F(HtmlBrowser, ScreenshotIsKept) {
    const std::vector<Finding> findings = MixedFindings();
    const fs::path page = WriteReport("mixed.html", findings);
    const fs::path screenshot = kOutputDir / "report.png";
    fs::remove(screenshot);
    const BrowserRun run = RunChromium(page, "#open=1", "--screenshot=" + screenshot.string());
    ASSERT_EQ(run.status, 0) << run.log;
    ASSERT_TRUE(fs::exists(screenshot)) << run.log;
    const std::string png = ReadText(screenshot);
    EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
    EXPECT_GT(png.size(), 20'000u) << "the screenshot is suspiciously small for a rendered report";
}

} // namespace
