#include "common/source_text.h"

#include <algorithm>
#include <cctype>

namespace unmask {

LineColumn LocateOffset(std::string_view text, uint32_t offset) {
    LineColumn position;
    const size_t end = std::min<size_t>(offset, text.size());
    for (size_t i = 0; i < end; ++i) {
        if (text[i] == '\n') {
            ++position.line;
            position.column = 1;
        } else {
            ++position.column;
        }
    }
    return position;
}

std::string RenderSourceError(std::string_view text, uint32_t offset, uint32_t length, std::string_view message) {
    offset = static_cast<uint32_t>(std::min<size_t>(offset, text.size()));
    const LineColumn position = LocateOffset(text, offset);
    size_t line_begin = text.rfind('\n', offset == 0 ? 0 : offset - 1);
    line_begin = (line_begin == std::string_view::npos || offset == 0) ? 0 : line_begin + 1;
    if (offset > 0 && text[offset - 1] == '\n') {
        line_begin = offset;
    }
    size_t line_end = text.find('\n', offset);
    if (line_end == std::string_view::npos) {
        line_end = text.size();
    }
    std::string_view line = text.substr(line_begin, line_end - line_begin);
    size_t caret_at = offset - line_begin;

    // Long lines are cut to a window around the fault so the caret stays on screen.
    constexpr size_t kWindow = 100;
    std::string prefix;
    if (line.size() > kWindow && caret_at > kWindow / 2) {
        const size_t cut = caret_at - kWindow / 2;
        line.remove_prefix(cut);
        caret_at -= cut;
        prefix = "...";
    }
    if (line.size() > kWindow) {
        line = line.substr(0, kWindow);
    }
    const size_t carets = std::max<size_t>(1, std::min<size_t>(length, line.size() > caret_at ? line.size() - caret_at : 1));

    std::string out;
    out += std::to_string(position.line) + ":" + std::to_string(position.column) + ": ";
    out += message;
    out += "\n    ";
    out += prefix;
    for (char c : line) {
        out += (c == '\t') ? ' ' : c;
    }
    out += "\n    ";
    out.append(prefix.size() + caret_at, ' ');
    out.append(carets, '^');
    return out;
}

namespace {

size_t EditDistance(std::string_view a, std::string_view b) {
    std::vector<size_t> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) {
        row[j] = j;
    }
    for (size_t i = 1; i <= a.size(); ++i) {
        size_t diagonal = row[0];
        row[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            const size_t above = row[j];
            const bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                              std::tolower(static_cast<unsigned char>(b[j - 1]));
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (same ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

}  // namespace

std::vector<std::string> NearestNames(std::string_view name, const std::vector<std::string>& candidates,
                                      size_t limit) {
    std::vector<std::pair<size_t, const std::string*>> scored;
    for (const std::string& candidate : candidates) {
        scored.emplace_back(EditDistance(name, candidate), &candidate);
    }
    std::stable_sort(scored.begin(), scored.end(),
                     [](const auto& left, const auto& right) { return left.first < right.first; });
    std::vector<std::string> nearest;
    const size_t max_distance = std::max<size_t>(3, name.size() / 2);
    for (const auto& [distance, candidate] : scored) {
        if (nearest.size() == limit || distance > max_distance) {
            break;
        }
        nearest.push_back(*candidate);
    }
    return nearest;
}

}  // namespace unmask
