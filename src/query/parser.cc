#include "query/parser.h"

#include <algorithm>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "query/lexer.h"
#include "query/parser_internal.h"

namespace unmask::query {
namespace internal {

bool IsOneOf(const std::vector<std::string>& words, std::string_view word) {
    return std::find(words.begin(), words.end(), word) != words.end();
}

// Shortens `text` for an error message and puts line breaks on one line.
std::string Excerpt(std::string_view text) {
    constexpr size_t kMaxExcerpt = 40;
    std::string out(text.substr(0, kMaxExcerpt));
    std::replace_if(
        out.begin(), out.end(), [](char c) { return c == '\n' || c == '\r' || c == '\t'; }, ' ');
    if (text.size() > kMaxExcerpt) {
        out += "...";
    }
    return out;
}

std::string Describe(const Token& token) {
    switch (token.kind) {
    case TokenKind::kEnd:
        return "the end of the query";
    case TokenKind::kString:
        return "the string " + Excerpt(token.text);
    default:
        return "'" + Excerpt(token.text) + "'";
    }
}

namespace {

// Calls `visit` on each direct child expression of `node`, including those inside pipe operators.
template <typename Visit>
void ForEachChild(const Expr& node, Visit visit) {
    for (const ExprPtr& arg : node.args) {
        if (arg) {
            visit(*arg);
        }
    }
    if (node.source) {
        visit(*node.source);
    }
    auto visit_named = [&visit](const std::vector<NamedExpr>& items) {
        for (const NamedExpr& item : items) {
            if (item.expr) {
                visit(*item.expr);
            }
        }
    };
    for (const Operator& op : node.operators) {
        if (op.predicate) {
            visit(*op.predicate);
        }
        if (op.count) {
            visit(*op.count);
        }
        visit_named(op.columns);
        visit_named(op.by);
        for (const SortKey& key : op.sort_keys) {
            if (key.expr) {
                visit(*key.expr);
            }
        }
        for (const ExprPtr& leg : op.legs) {
            if (leg) {
                visit(*leg);
            }
        }
        for (const ExprPtr& condition : op.join_on) {
            if (condition) {
                visit(*condition);
            }
        }
    }
}

} // namespace

// ---------------------------------------------------------------------------------------------------------
// Token access and errors

const Token& Parser::Advance() {
    const Token& token = tokens_[pos_];
    if (token.kind != TokenKind::kEnd) {
        ++pos_;
        prev_end_ = token.end();
    }
    return token;
}

bool Parser::IsSymbol(std::string_view symbol, size_t ahead) const {
    const Token& token = Peek(ahead);
    return token.kind == TokenKind::kSymbol && token.text == symbol;
}

bool Parser::IsWord(std::string_view word, size_t ahead) const {
    const Token& token = Peek(ahead);
    return token.kind == TokenKind::kIdentifier && token.text == word;
}

// True at `['name']` or `["name"]`.
bool Parser::IsQuotedNameAt(size_t ahead) const {
    return IsSymbol("[", ahead) && Peek(ahead + 1).kind == TokenKind::kString && IsSymbol("]", ahead + 2);
}

bool Parser::AcceptSymbol(std::string_view symbol) {
    if (!IsSymbol(symbol)) {
        return false;
    }
    Advance();
    return true;
}

bool Parser::AcceptWord(std::string_view word) {
    if (!IsWord(word)) {
        return false;
    }
    Advance();
    return true;
}

bool Parser::AtOperatorEnd() const {
    return Peek().kind == TokenKind::kEnd || IsSymbol("|") || IsSymbol(";") || IsSymbol(")");
}

Status Parser::ExpectSymbol(std::string_view symbol, std::string_view purpose) {
    if (AcceptSymbol(symbol)) {
        return Status::Ok();
    }
    return ErrorAt(Peek(),
                   "expected '" + std::string(symbol) + "' " + std::string(purpose) + " but found " + Describe(Peek()));
}

Status Parser::ExpectWord(std::string_view word, std::string_view purpose) {
    if (AcceptWord(word)) {
        return Status::Ok();
    }
    return ErrorAt(Peek(),
                   "expected '" + std::string(word) + "' " + std::string(purpose) + " but found " + Describe(Peek()));
}

Status Parser::ErrorAt(const Token& token, std::string message, ErrorKind kind) const {
    return Status::At(kind, std::move(message), token.offset, token.length);
}

Status Parser::ErrorAt(Span span, std::string message, ErrorKind kind) const {
    return Status::At(kind, std::move(message), span.offset, span.length);
}

Status Parser::NestingLimitError() const {
    return ErrorAt(Peek(),
                   "the query nests deeper than the maximum of " + std::to_string(kMaxNestingDepth) +
                       " levels of parentheses, brackets, calls, unary operators, dynamic values or subqueries",
                   ErrorKind::kLimitExceeded);
}

// ---------------------------------------------------------------------------------------------------------
// Tree construction

ExprPtr Parser::NewExpr(ExprKind kind, Span span) {
    auto node = std::make_unique<Expr>();
    node->kind = kind;
    node->span = span;
    // Overwrites any entry left by a freed node at the same address.
    heights_[node.get()] = 1;
    return node;
}

ExprPtr Parser::NewLiteral(LiteralKind kind, std::string text, Span span) {
    ExprPtr node = NewExpr(ExprKind::kLiteral, span);
    node->literal_kind = kind;
    node->text = std::move(text);
    return node;
}

Status Parser::Seal(Expr& node) {
    uint32_t max_child_height = 0;
    ForEachChild(node, [this, &max_child_height](const Expr& child) {
        const auto found = heights_.find(&child);
        max_child_height = std::max(max_child_height, found == heights_.end() ? 1u : found->second);
    });
    const uint32_t height = max_child_height + 1;
    heights_[&node] = height;
    if (height > static_cast<uint32_t>(kMaxTreeHeight)) {
        // Points at the last token read, where the chain crossed the limit.
        return ErrorAt(tokens_[pos_ > 0 ? pos_ - 1 : 0],
                       "the expression is nested deeper than the maximum of " + std::to_string(kMaxTreeHeight) +
                           " levels; each operator in a chain such as 'a or b or c' adds one level",
                       ErrorKind::kLimitExceeded);
    }
    return Status::Ok();
}

Result<ExprPtr> Parser::MakeBinary(std::string op, ExprPtr left, ExprPtr right, uint32_t begin) {
    ExprPtr node = NewExpr(ExprKind::kBinary, SpanFrom(begin));
    node->op = std::move(op);
    node->args.push_back(std::move(left));
    node->args.push_back(std::move(right));
    UNMASK_TRY(Seal(*node));
    return node;
}

} // namespace internal

Result<Script> ParseScript(std::string_view text) {
    if (text.size() > kMaxQueryBytes) {
        return Status(ErrorKind::kLimitExceeded, "the query is " + std::to_string(text.size()) +
                                                     " bytes long, over the maximum of " +
                                                     std::to_string(kMaxQueryBytes) + " bytes");
    }
    UNMASK_ASSIGN_OR_RETURN(std::vector<Token> tokens, Tokenize(text));
    return internal::Parser(text, std::move(tokens)).ParseWholeScript();
}

Result<ExprPtr> ParseExpression(std::string_view text) {
    if (text.size() > kMaxQueryBytes) {
        return Status(ErrorKind::kLimitExceeded, "the expression is " + std::to_string(text.size()) +
                                                     " bytes long, over the maximum of " +
                                                     std::to_string(kMaxQueryBytes) + " bytes");
    }
    UNMASK_ASSIGN_OR_RETURN(std::vector<Token> tokens, Tokenize(text));
    return internal::Parser(text, std::move(tokens)).ParseWholeExpression();
}

} // namespace unmask::query
