// Reads arbitrary bytes as findings JSONL and renders the HTML report of what was accepted.
// Checks that no input crashes the reader or the page writer, and that no input text escapes
// into markup: the page contains exactly its two script elements whatever the findings contain.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>
#include <string_view>

#include "output/html_finding_input.h"
#include "output/html_report.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    unmask::output::FindingFileRead read;
    unmask::output::ParseFindingJsonLines(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.jsonl",
                                          read);
    unmask::output::HtmlReportContext context;
    context.rejected_lines = read.rejected;
    std::ostringstream out;
    unmask::output::WriteHtmlReport(out, read.findings, context);
    const std::string page = out.str();
    size_t scripts = 0;
    for (size_t at = page.find("<script"); at != std::string::npos; at = page.find("<script", at + 1)) {
        ++scripts;
    }
    if (scripts != 2) {
        std::abort();
    }
    return 0;
}
