#include "ingest/format_detect.h"

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

bool DetectJsonMultiline(std::string_view head) {
    const size_t start = SkipSpace(head, 0);
    const size_t newline = head.find('\n', start);
    if (newline == std::string_view::npos) {
        return false;
    }
    JsonScanState state;
    // The document is on one line when it closes before the first line end.
    return FindJsonValueEnd(head.substr(start, newline - start), state) == std::string_view::npos;
}

}  // namespace unmask::ingest
