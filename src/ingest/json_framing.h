// Finding where top-level JSON values end without parsing them, for splitting JSON text that
// is not one value per line (JSON arrays and pretty-printed documents).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace unmask::ingest {

/// Scanner state between calls: bracket depth and whether the scan is inside a string.
struct JsonScanState {
    int64_t depth = 0;
    bool in_string = false;
    bool escaped = false;  ///< the previous byte was a backslash inside a string
};

/// Scans `text` from `state` and returns the offset just after the first `}` or `]` that brings
/// the depth back to 0, or npos when the text ends first (the state then covers all of `text`).
/// A closing bracket at depth 0 (the end of an enclosing array) is skipped, so the depth never
/// goes negative.
size_t FindJsonValueEnd(std::string_view text, JsonScanState& state);

/// Returns the offset just after the last top-level value that ends in `text`, which must
/// start between values, or npos when no value ends in it.
size_t FindLastJsonValueEnd(std::string_view text);

}  // namespace unmask::ingest
