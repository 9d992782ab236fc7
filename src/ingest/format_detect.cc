#include "ingest/format_detect.h"

#include <vector>

#include "ingest/json_framing.h"

namespace unmask::ingest {

namespace {

bool IsSpace(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

size_t SkipSpace(std::string_view text, size_t position) {
    while (position < text.size() && IsSpace(text[position])) {
        ++position;
    }
    return position;
}

}  // namespace

Framing FramingOf(const InputInfo& info) {
    if (info.format == Format::kDefenderCsv) {
        return Framing::kCsv;
    }
    if (info.format == Format::kJsonArray || info.json_multiline) {
        return Framing::kJsonValues;
    }
    return Framing::kLines;
}

Format DetectFormat(std::string_view head) {
    size_t position = SkipSpace(head, 0);
    if (position == head.size()) {
        return Format::kDefenderCsv;
    }
    if (head[position] == '[') {
        return Format::kJsonArray;
    }
    if (head[position] != '{') {
        return Format::kDefenderCsv;
    }
    position = SkipSpace(head, position + 1);
    constexpr std::string_view kRecordsKey = "\"records\"";
    if (head.substr(position, kRecordsKey.size()) == kRecordsKey) {
        position = SkipSpace(head, position + kRecordsKey.size());
        if (position < head.size() && head[position] == ':') {
            return Format::kJsonRecords;
        }
    }
    return Format::kJsonLines;
}

namespace {

// Lines after the first that DetectJsonMultiline looks at.
constexpr int kFramingProbeLines = 8;

// True when `line` is one complete JSON object that starts at column 0 and ends the line.
bool IsOneLineObject(std::string_view line) {
    if (line.empty() || line[0] != '{') {
        return false;
    }
    JsonScanState state;
    const size_t end = FindJsonValueEnd(line, state);
    return end != std::string_view::npos && SkipSpace(line, end) == line.size();
}

}  // namespace

bool DetectJsonMultiline(std::string_view head) {
    const size_t start = SkipSpace(head, 0);
    size_t newline = head.find('\n', start);
    if (newline == std::string_view::npos) {
        return false;
    }
    JsonScanState state;
    // The document is on one line when it closes before the first line end.
    if (FindJsonValueEnd(head.substr(start, newline - start), state) != std::string_view::npos) {
        return false;
    }
    // JSON strings cannot contain a raw newline, so a first line that ends inside a string is
    // cut short rather than pretty-printed.
    if (state.in_string) {
        return false;
    }
    // A first line cut outside a string looks like the start of a pretty-printed document. One
    // line per document shows in a later line that is a whole object followed by another line
    // that opens one. Inside a pretty-printed document, a whole object on its own line is an
    // array element, followed by `]` or by a line starting with whitespace.
    std::vector<std::string_view> lines;
    size_t position = newline + 1;
    while (static_cast<int>(lines.size()) <= kFramingProbeLines) {
        newline = head.find('\n', position);
        if (newline == std::string_view::npos) {
            if (position < head.size()) {
                lines.push_back(head.substr(position));  // may be cut by the end of `head`
            }
            break;
        }
        lines.push_back(head.substr(position, newline - position));
        position = newline + 1;
    }
    for (size_t i = 0; i < lines.size(); ++i) {
        const bool last_complete_line = i + 1 == lines.size() && position >= head.size();
        if (!IsOneLineObject(lines[i])) {
            continue;
        }
        if (last_complete_line || (i + 1 < lines.size() && !lines[i + 1].empty() && lines[i + 1][0] == '{')) {
            return false;
        }
    }
    return true;
}

}  // namespace unmask::ingest
