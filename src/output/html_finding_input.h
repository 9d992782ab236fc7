// Reads findings back from the JSON lines that WriteFindingJsonLines writes, for
// `unmask report`. The file may have been edited or truncated, so every line is validated and
// a bad line is counted and described, never dropped silently.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "detect/finding.h"
#include "output/html_report.h"
#include "table/dynamic.h"

namespace unmask::output {

/// Longest accepted line of a findings file.
inline constexpr size_t kMaxFindingLineBytes = 64 * 1024 * 1024;
/// Rejected lines described individually; further ones are only counted.
inline constexpr size_t kMaxRejectedLinesListed = 100;

struct FindingFileRead {
    std::vector<detect::Finding> findings;
    size_t lines_read = 0; ///< non-blank lines
    size_t lines_rejected = 0;
    std::vector<RejectedLine> rejected; ///< the first kMaxRejectedLinesListed rejected lines
};

/// Parses findings JSONL text and appends to `read`. Blank lines are skipped.
void ParseFindingJsonLines(std::string_view text, std::string_view file_name, FindingFileRead& read);

/// Converts one JSON object of WriteFindingJsonLines back into a finding. Fails with
/// kInvalidInput naming the field when a field has the wrong type or an unknown severity.
Result<detect::Finding> FindingFromJson(const DynamicValue& object);

} // namespace unmask::output
