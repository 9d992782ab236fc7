// Rendering of query errors: line:column, the source line and a caret under the fault.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace unmask {

/// 1-based line and column of a byte offset in a text. Columns count bytes.
struct LineColumn {
    uint32_t line = 1;
    uint32_t column = 1;
};

LineColumn LocateOffset(std::string_view text, uint32_t offset);

/// Renders "line:column: message", the source line (cut around the spot when long) and a
/// line of spaces with carets under bytes [offset, offset + length).
std::string RenderSourceError(std::string_view text, uint32_t offset, uint32_t length, std::string_view message);

/// Returns the candidates closest to `name` by edit distance (case-insensitive), best first,
/// at most `limit` of them, for "did you mean" hints.
std::vector<std::string> NearestNames(std::string_view name, const std::vector<std::string>& candidates,
                                      size_t limit = 3);

}  // namespace unmask
