#include "functions/text_terms.h"

namespace unmask::functions {

bool MatchesTerm(std::string_view text, std::string_view needle, TermMode mode) {
    if (needle.empty()) {
        return true;
    }
    const bool check_before =
        mode != TermMode::kSuffix && IsAsciiAlphanumeric(static_cast<unsigned char>(needle.front()));
    const bool check_after =
        mode != TermMode::kPrefix && IsAsciiAlphanumeric(static_cast<unsigned char>(needle.back()));
    size_t position = FindBytes(text, needle, 0);
    while (position != std::string_view::npos) {
        const size_t end = position + needle.size();
        const bool before_ok =
            !check_before || position == 0 || !IsAsciiAlphanumeric(static_cast<unsigned char>(text[position - 1]));
        const bool after_ok =
            !check_after || end == text.size() || !IsAsciiAlphanumeric(static_cast<unsigned char>(text[end]));
        if (before_ok && after_ok) {
            return true;
        }
        position = FindBytes(text, needle, position + 1);
    }
    return false;
}

bool IsSingleTerm(std::string_view needle) {
    if (needle.empty()) {
        return false;
    }
    for (unsigned char c : needle) {
        if (!IsAsciiAlphanumeric(c)) {
            return false;
        }
    }
    return true;
}

} // namespace unmask::functions
