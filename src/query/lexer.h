// Tokenizer for KQL query text.
//
// The lexer is context-free except for two rules that the grammar needs. Hyphenated operator names such as
// `project-away` and `mv-expand` become one identifier token. The text inside `datetime(...)`, `time(...)`,
// `timespan(...)` and `guid(...)` becomes one kRawText token, because `2024-01-01T10:00:00Z` is not a
// sequence of KQL tokens.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace unmask::query {

enum class TokenKind {
    kEnd,        ///< end of the text, at offset text.size()
    kIdentifier, ///< names and keywords, including `$left`, `project-away` and `mv-expand`
    kLong,       ///< decimal or `0x` hexadecimal integer
    kReal,       ///< number with a fraction or an exponent, such as `1.5`, `.5` or `1e3`
    kTimeSpan,   ///< number directly followed by a time unit, such as `24h` or `1.5d`
    kString,     ///< any string literal form, with the unescaped text in `value`
    kRawText,    ///< the inside of `datetime(...)` and similar literals, trimmed, in `value`
    kSymbol,     ///< punctuation and operators, including `!has`, `in~`, `!in~` and `!between`
};

struct Token {
    TokenKind kind = TokenKind::kEnd;
    std::string_view text; ///< spelling in the query text
    std::string value;     ///< unescaped value of a kString, trimmed inner text of a kRawText
    uint32_t offset = 0;
    uint32_t length = 0;

    uint32_t end() const { return offset + length; }
};

/// Splits `text` into tokens and appends one kEnd token. Whitespace, `//` comments and a leading UTF-8
/// byte order mark are skipped. Fails with ErrorKind::kParse on a malformed literal or a character that
/// KQL does not use. The tokens point into `text`, which must outlive them.
Result<std::vector<Token>> Tokenize(std::string_view text);

/// Returns the length of one timespan unit (`d`, `h`, `m`, `s`, `ms`, `microsecond`, `tick` and the long
/// names `days`, `hours`, ...) in ticks of 100 nanoseconds, or nullopt when `unit` is not a unit.
std::optional<int64_t> TimeSpanUnitTicks(std::string_view unit);

} // namespace unmask::query
