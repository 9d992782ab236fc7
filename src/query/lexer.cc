#include "query/lexer.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <utility>

namespace unmask::query {
namespace {

constexpr int64_t kTicksPerMicrosecond = 10;
constexpr int64_t kTicksPerMillisecond = 1000 * kTicksPerMicrosecond;
constexpr int64_t kTicksPerSecond = 1000 * kTicksPerMillisecond;
constexpr int64_t kTicksPerMinute = 60 * kTicksPerSecond;
constexpr int64_t kTicksPerHour = 60 * kTicksPerMinute;
constexpr int64_t kTicksPerDay = 24 * kTicksPerHour;

// Operator names that contain a hyphen and therefore lex as one identifier. The list includes operators
// that the parser rejects as unsupported, so that their error names the whole operator.
constexpr std::array<std::string_view, 14> kHyphenatedWords = {
    "project-away", "project-keep", "project-rename", "project-reorder", "project-smart", "mv-expand",  "mv-apply",
    "make-series",  "parse-where",  "parse-kv",       "top-nested",      "top-hitters",   "granny-asc", "granny-desc",
};

// String operators that have a negated form written with a leading `!`, such as `!has_cs`.
constexpr std::array<std::string_view, 15> kNegatableWords = {
    "has",        "has_cs",        "hasprefix", "hasprefix_cs", "hassuffix", "hassuffix_cs", "contains", "contains_cs",
    "startswith", "startswith_cs", "endswith",  "endswith_cs",  "in",        "in~",          "between",
};

// Literal types whose parenthesised content is taken as raw text.
constexpr std::array<std::string_view, 4> kRawTextLiterals = {"datetime", "time", "timespan", "guid"};

bool IsDigit(char c) {
    return c >= '0' && c <= '9';
}
bool IsHexDigit(char c) {
    return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
bool IsLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool IsIdentifierStart(char c) {
    return IsLetter(c) || c == '_';
}
bool IsIdentifierChar(char c) {
    return IsIdentifierStart(c) || IsDigit(c);
}
bool IsSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

template <size_t N>
bool Contains(const std::array<std::string_view, N>& words, std::string_view word) {
    return std::find(words.begin(), words.end(), word) != words.end();
}

// Describes one byte of the text for an error message: 'c' when printable, or its hex value.
std::string DescribeByte(char c) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte < 0x7f) {
        return std::string("'") + c + "'";
    }
    char buffer[16];
    std::snprintf(buffer, sizeof(buffer), "byte 0x%02X", byte);
    return buffer;
}

void AppendUtf8(std::string& out, uint32_t code_point) {
    if (code_point < 0x80) {
        out += static_cast<char>(code_point);
    } else if (code_point < 0x800) {
        out += static_cast<char>(0xC0 | (code_point >> 6));
        out += static_cast<char>(0x80 | (code_point & 0x3F));
    } else if (code_point < 0x10000) {
        out += static_cast<char>(0xE0 | (code_point >> 12));
        out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (code_point & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (code_point >> 18));
        out += static_cast<char>(0x80 | ((code_point >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (code_point & 0x3F));
    }
}

class Lexer {
public:
    explicit Lexer(std::string_view text) : text_(text) {}

    Result<std::vector<Token>> Run();

private:
    char At(size_t index) const { return index < text_.size() ? text_[index] : '\0'; }
    bool StartsWith(size_t index, std::string_view prefix) const {
        return text_.substr(std::min(index, text_.size())).starts_with(prefix);
    }

    Status Error(std::string message, size_t offset, size_t length) const {
        return Status::At(ErrorKind::kParse, std::move(message), static_cast<uint32_t>(offset),
                          static_cast<uint32_t>(length));
    }

    void Push(TokenKind kind, size_t begin, size_t end, std::string value = {});
    void SkipSpaceAndComments();

    Status LexIdentifier();
    Status LexRawTextLiteral(size_t open_paren);
    Status LexNumber();
    Status LexQuotedString(size_t begin);
    Status LexVerbatimString(size_t begin);
    Status LexMultiLineString();
    Status LexEscape(std::string& value);
    Status LexBang();
    Status LexSymbol();

    std::string_view text_;
    size_t pos_ = 0;
    std::vector<Token> tokens_;
};

void Lexer::Push(TokenKind kind, size_t begin, size_t end, std::string value) {
    Token token;
    token.kind = kind;
    token.text = text_.substr(begin, end - begin);
    token.value = std::move(value);
    token.offset = static_cast<uint32_t>(begin);
    token.length = static_cast<uint32_t>(end - begin);
    tokens_.push_back(std::move(token));
}

void Lexer::SkipSpaceAndComments() {
    while (pos_ < text_.size()) {
        if (IsSpace(text_[pos_])) {
            ++pos_;
        } else if (StartsWith(pos_, "//")) {
            const size_t line_end = text_.find('\n', pos_);
            pos_ = line_end == std::string_view::npos ? text_.size() : line_end + 1;
        } else {
            return;
        }
    }
}

Result<std::vector<Token>> Lexer::Run() {
    if (StartsWith(0, "\xEF\xBB\xBF")) {
        pos_ = 3;
    }
    while (true) {
        SkipSpaceAndComments();
        if (pos_ >= text_.size()) {
            Push(TokenKind::kEnd, text_.size(), text_.size());
            return std::move(tokens_);
        }
        const char c = text_[pos_];
        const char next = At(pos_ + 1);
        Status status;
        if ((c == 'h' || c == 'H') &&
            (next == '"' || next == '\'' || (next == '@' && (At(pos_ + 2) == '"' || At(pos_ + 2) == '\'')))) {
            // An obfuscated string h"..." is an ordinary string whose value Kusto hides from its logs.
            const size_t begin = pos_++;
            status = next == '@' ? LexVerbatimString(begin) : LexQuotedString(begin);
        } else if (IsIdentifierStart(c) || (c == '$' && IsIdentifierStart(next))) {
            status = LexIdentifier();
        } else if (IsDigit(c) || (c == '.' && IsDigit(next))) {
            status = LexNumber();
        } else if (c == '"' || c == '\'') {
            status = LexQuotedString(pos_);
        } else if (c == '@' && (next == '"' || next == '\'')) {
            status = LexVerbatimString(pos_);
        } else if (StartsWith(pos_, "```")) {
            status = LexMultiLineString();
        } else if (c == '!') {
            status = LexBang();
        } else {
            status = LexSymbol();
        }
        if (!status.ok()) {
            return status;
        }
    }
}

Status Lexer::LexIdentifier() {
    const size_t begin = pos_;
    ++pos_;
    while (IsIdentifierChar(At(pos_))) {
        ++pos_;
    }
    if (At(pos_) == '-' && IsIdentifierStart(At(pos_ + 1))) {
        size_t word_end = pos_ + 1;
        while (IsIdentifierChar(At(word_end))) {
            ++word_end;
        }
        if (Contains(kHyphenatedWords, text_.substr(begin, word_end - begin))) {
            pos_ = word_end;
        }
    }
    const std::string_view word = text_.substr(begin, pos_ - begin);
    if (word == "in" && At(pos_) == '~') {
        ++pos_;
        Push(TokenKind::kSymbol, begin, pos_);
        return Status::Ok();
    }
    Push(TokenKind::kIdentifier, begin, pos_);

    if (Contains(kRawTextLiterals, word)) {
        size_t look = pos_;
        while (IsSpace(At(look))) {
            ++look;
        }
        if (At(look) == '(') {
            return LexRawTextLiteral(look);
        }
    }
    return Status::Ok();
}

// Emits '(', the trimmed text up to the next ')' as kRawText, and ')'.
Status Lexer::LexRawTextLiteral(size_t open_paren) {
    const std::string_view literal_name = tokens_.back().text;
    const size_t close_paren = text_.find(')', open_paren + 1);
    if (close_paren == std::string_view::npos) {
        return Error("missing ')' to close '" + std::string(literal_name) + "('", open_paren, 1);
    }
    Push(TokenKind::kSymbol, open_paren, open_paren + 1);
    size_t inner_begin = open_paren + 1;
    size_t inner_end = close_paren;
    while (inner_begin < inner_end && IsSpace(text_[inner_begin])) {
        ++inner_begin;
    }
    while (inner_end > inner_begin && IsSpace(text_[inner_end - 1])) {
        --inner_end;
    }
    Push(TokenKind::kRawText, inner_begin, inner_end, std::string(text_.substr(inner_begin, inner_end - inner_begin)));
    Push(TokenKind::kSymbol, close_paren, close_paren + 1);
    pos_ = close_paren + 1;
    return Status::Ok();
}

Status Lexer::LexNumber() {
    const size_t begin = pos_;
    TokenKind kind = TokenKind::kLong;
    if (At(pos_) == '0' && (At(pos_ + 1) == 'x' || At(pos_ + 1) == 'X') && IsHexDigit(At(pos_ + 2))) {
        pos_ += 2;
        while (IsHexDigit(At(pos_))) {
            ++pos_;
        }
        if (IsIdentifierChar(At(pos_))) {
            size_t end = pos_;
            while (IsIdentifierChar(At(end))) {
                ++end;
            }
            return Error("invalid hexadecimal number '" + std::string(text_.substr(begin, end - begin)) + "'", begin,
                         end - begin);
        }
        Push(kind, begin, pos_);
        return Status::Ok();
    }

    while (IsDigit(At(pos_))) {
        ++pos_;
    }
    // A '.' belongs to the number only when a digit follows, so that `5..200` lexes as 5, '..', 200.
    if (At(pos_) == '.' && IsDigit(At(pos_ + 1))) {
        kind = TokenKind::kReal;
        ++pos_;
        while (IsDigit(At(pos_))) {
            ++pos_;
        }
    }
    const char after_e = At(pos_ + 1);
    if ((At(pos_) == 'e' || At(pos_) == 'E') &&
        (IsDigit(after_e) || ((after_e == '+' || after_e == '-') && IsDigit(At(pos_ + 2))))) {
        kind = TokenKind::kReal;
        pos_ += 2;
        while (IsDigit(At(pos_))) {
            ++pos_;
        }
    }

    if (IsIdentifierChar(At(pos_))) {
        const size_t unit_begin = pos_;
        size_t end = pos_;
        while (IsIdentifierChar(At(end))) {
            ++end;
        }
        if (!TimeSpanUnitTicks(text_.substr(unit_begin, end - unit_begin)).has_value()) {
            return Error("invalid number '" + std::string(text_.substr(begin, end - begin)) +
                             "'; a number can only be followed by a timespan unit such as d, h, m, s, ms, "
                             "microsecond or tick",
                         begin, end - begin);
        }
        pos_ = end;
        kind = TokenKind::kTimeSpan;
    }
    Push(kind, begin, pos_);
    return Status::Ok();
}

// Lexes "..." or '...' with backslash escapes. The token starts at `begin`, which is the 'h' of h"...".
Status Lexer::LexQuotedString(size_t begin) {
    const char quote = text_[pos_];
    ++pos_;
    std::string value;
    while (true) {
        const char c = At(pos_);
        if (pos_ >= text_.size() || c == '\n' || c == '\r') {
            return Error(std::string("missing closing ") + quote +
                             " for this string; a string literal must end on the line where it starts (use "
                             "```...``` for text across lines)",
                         begin, pos_ - begin);
        }
        if (c == quote) {
            ++pos_;
            break;
        }
        if (c == '\\') {
            UNMASK_TRY(LexEscape(value));
            continue;
        }
        value += c;
        ++pos_;
    }
    Push(TokenKind::kString, begin, pos_, std::move(value));
    return Status::Ok();
}

// Lexes one backslash escape at pos_ and appends its value.
Status Lexer::LexEscape(std::string& value) {
    const size_t begin = pos_;
    const char c = At(pos_ + 1);
    pos_ += 2;
    switch (c) {
    case '\\':
        value += '\\';
        return Status::Ok();
    case '"':
        value += '"';
        return Status::Ok();
    case '\'':
        value += '\'';
        return Status::Ok();
    case 'n':
        value += '\n';
        return Status::Ok();
    case 't':
        value += '\t';
        return Status::Ok();
    case 'r':
        value += '\r';
        return Status::Ok();
    case 'u':
        break;
    default: {
        std::string escape_text = c == '\0' || c == '\n' ? std::string("\\") : "\\" + std::string(1, c);
        return Error("invalid escape sequence '" + escape_text +
                         "' in a string; the escapes are \\\\, \\\", \\', \\n, \\t, \\r and \\uXXXX. Use a "
                         "verbatim string such as @\"C:\\dir\" to keep backslashes as written",
                     begin, std::min<size_t>(2, text_.size() - begin));
    }
    }

    auto read_hex4 = [this](size_t at, uint32_t& out) {
        out = 0;
        for (size_t i = 0; i < 4; ++i) {
            const char h = At(at + i);
            if (!IsHexDigit(h)) {
                return false;
            }
            out = out * 16 + static_cast<uint32_t>(IsDigit(h) ? h - '0' : (h | 0x20) - 'a' + 10);
        }
        return true;
    };
    uint32_t code_point = 0;
    if (!read_hex4(pos_, code_point)) {
        return Error("invalid escape sequence: '\\u' must be followed by 4 hexadecimal digits", begin, 2);
    }
    pos_ += 4;
    if (code_point >= 0xD800 && code_point <= 0xDBFF) {
        // A UTF-16 high surrogate must be followed by an escaped low surrogate, and the pair encodes one code point.
        uint32_t low = 0;
        if (!StartsWith(pos_, "\\u") || !read_hex4(pos_ + 2, low) || low < 0xDC00 || low > 0xDFFF) {
            return Error("invalid escape sequence: the UTF-16 high surrogate '\\u" +
                             std::string(text_.substr(begin + 2, 4)) + "' must be followed by a low surrogate",
                         begin, 6);
        }
        pos_ += 6;
        code_point = 0x10000 + ((code_point - 0xD800) << 10) + (low - 0xDC00);
    } else if (code_point >= 0xDC00 && code_point <= 0xDFFF) {
        return Error("invalid escape sequence: '\\u" + std::string(text_.substr(begin + 2, 4)) +
                         "' is a UTF-16 low surrogate without a high surrogate before it",
                     begin, 6);
    }
    AppendUtf8(value, code_point);
    return Status::Ok();
}

// Lexes @"..." or @'...', where a doubled quote is one quote and backslashes are literal.
Status Lexer::LexVerbatimString(size_t begin) {
    ++pos_; // '@'
    const char quote = text_[pos_];
    ++pos_;
    std::string value;
    while (true) {
        const char c = At(pos_);
        if (pos_ >= text_.size() || c == '\n' || c == '\r') {
            return Error(std::string("missing closing ") + quote +
                             " for this verbatim string; a string literal must end on the line where it starts "
                             "(use ```...``` for text across lines)",
                         begin, pos_ - begin);
        }
        if (c == quote) {
            if (At(pos_ + 1) == quote) {
                value += quote;
                pos_ += 2;
                continue;
            }
            ++pos_;
            break;
        }
        value += c;
        ++pos_;
    }
    Push(TokenKind::kString, begin, pos_, std::move(value));
    return Status::Ok();
}

// Lexes ```...```: the text between the fences, line breaks included, with no escapes.
Status Lexer::LexMultiLineString() {
    const size_t begin = pos_;
    const size_t close = text_.find("```", begin + 3);
    if (close == std::string_view::npos) {
        return Error("missing closing ``` for this multi-line string", begin, 3);
    }
    pos_ = close + 3;
    Push(TokenKind::kString, begin, pos_, std::string(text_.substr(begin + 3, close - begin - 3)));
    return Status::Ok();
}

Status Lexer::LexBang() {
    const size_t begin = pos_;
    const char next = At(pos_ + 1);
    if (next == '=' || next == '~') {
        pos_ += 2;
        Push(TokenKind::kSymbol, begin, pos_);
        return Status::Ok();
    }
    size_t end = pos_ + 1;
    while (IsIdentifierChar(At(end))) {
        ++end;
    }
    if (At(end) == '~' && text_.substr(begin + 1, end - begin - 1) == "in") {
        ++end;
    }
    if (end > pos_ + 1 && Contains(kNegatableWords, text_.substr(begin + 1, end - begin - 1))) {
        pos_ = end;
        Push(TokenKind::kSymbol, begin, pos_);
        return Status::Ok();
    }
    return Error("unexpected '" + std::string(text_.substr(begin, std::max<size_t>(end - begin, 1))) +
                     "': '!' must start '!=', '!~' or a negated string operator such as '!has' or '!contains'; "
                     "use not(...) to negate a condition",
                 begin, std::max<size_t>(end - begin, 1));
}

Status Lexer::LexSymbol() {
    static constexpr std::array<std::string_view, 7> kTwoCharSymbols = {"==", "<>", "<=", ">=", "=~", "..", "=>"};
    static constexpr std::string_view kOneCharSymbols = "|()[]{},;.=<>+-*/%:";
    const size_t begin = pos_;
    const std::string_view two = text_.substr(pos_, 2);
    if (two.size() == 2 && Contains(kTwoCharSymbols, two)) {
        pos_ += 2;
        Push(TokenKind::kSymbol, begin, pos_);
        return Status::Ok();
    }
    if (kOneCharSymbols.find(text_[pos_]) != std::string_view::npos) {
        ++pos_;
        Push(TokenKind::kSymbol, begin, pos_);
        return Status::Ok();
    }
    return Error("unexpected character " + DescribeByte(text_[pos_]) + " in the query", begin, 1);
}

} // namespace

Result<std::vector<Token>> Tokenize(std::string_view text) {
    return Lexer(text).Run();
}

std::optional<int64_t> TimeSpanUnitTicks(std::string_view unit) {
    static constexpr std::array<std::pair<std::string_view, int64_t>, 19> kUnits = {{
        {"d", kTicksPerDay},
        {"day", kTicksPerDay},
        {"days", kTicksPerDay},
        {"h", kTicksPerHour},
        {"hour", kTicksPerHour},
        {"hours", kTicksPerHour},
        {"m", kTicksPerMinute},
        {"minute", kTicksPerMinute},
        {"minutes", kTicksPerMinute},
        {"s", kTicksPerSecond},
        {"second", kTicksPerSecond},
        {"seconds", kTicksPerSecond},
        {"ms", kTicksPerMillisecond},
        {"millisecond", kTicksPerMillisecond},
        {"milliseconds", kTicksPerMillisecond},
        {"microsecond", kTicksPerMicrosecond},
        {"microseconds", kTicksPerMicrosecond},
        {"tick", 1},
        {"ticks", 1},
    }};
    for (const auto& [name, ticks] : kUnits) {
        if (name == unit) {
            return ticks;
        }
    }
    return std::nullopt;
}

} // namespace unmask::query
