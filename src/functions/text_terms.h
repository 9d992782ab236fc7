// Term matching for the `has` family of string operators.
//
// Kusto splits text into terms: maximal runs of alphanumeric characters. `has` is true when the
// needle occurs in the text with term boundaries on both sides, `hasprefix` when it starts at a
// term boundary and `hassuffix` when it ends at one. A boundary is only required next to an
// alphanumeric end of the needle, so a needle such as "foo.bar" matches the two-term sequence
// "foo.bar" inside "x foo.bar y", and ".exe" matches the end of "cmd.exe".
//
// NOTE: only ASCII letters and digits count as alphanumeric here. The bytes of non-ASCII UTF-8
// characters are separators, so a term that Kusto keeps whole (such as "Müller") may split.
#pragma once

#include <string_view>

#include "functions/kernel_support.h"

namespace unmask::functions {

enum class TermMode {
    kWhole,  ///< has: boundaries before and after the needle
    kPrefix, ///< hasprefix: a boundary before the needle
    kSuffix, ///< hassuffix: a boundary after the needle
};

/// Searches `text` for `needle` with the term boundaries of `mode`. Both arguments must already
/// have the same letter case for a case-insensitive search. An empty needle matches.
bool MatchesTerm(std::string_view text, std::string_view needle, TermMode mode);

/// True when `needle` is non-empty and made only of ASCII letters and digits, so that it can
/// match at most one whole term.
bool IsSingleTerm(std::string_view needle);

/// Calls `visit(term)` for every term of `text` in order; stops early when `visit` returns false.
template <typename Visit>
void ForEachTerm(std::string_view text, Visit visit) {
    size_t position = 0;
    while (position < text.size()) {
        while (position < text.size() && !IsAsciiAlphanumeric(static_cast<unsigned char>(text[position]))) {
            ++position;
        }
        const size_t start = position;
        while (position < text.size() && IsAsciiAlphanumeric(static_cast<unsigned char>(text[position]))) {
            ++position;
        }
        if (position > start && !visit(text.substr(start, position - start))) {
            return;
        }
    }
}

} // namespace unmask::functions
