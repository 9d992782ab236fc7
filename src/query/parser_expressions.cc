// Parser methods for scalar expressions, from `or` down to names, calls, members and indexes.
#include <string>
#include <utility>
#include <vector>

#include "query/parser_internal.h"

namespace unmask::query::internal {
namespace {

// Binary comparison and string operators, all at one non-associative precedence level.
// clang-format off
const std::vector<std::string> kComparisonOperators = {
    "==", "!=", "<>", "<", ">", "<=", ">=", "=~", "!~",
    "has", "!has", "has_cs", "!has_cs",
    "hasprefix", "!hasprefix", "hasprefix_cs", "!hasprefix_cs",
    "hassuffix", "!hassuffix", "hassuffix_cs", "!hassuffix_cs",
    "contains", "!contains", "contains_cs", "!contains_cs",
    "startswith", "!startswith", "startswith_cs", "!startswith_cs",
    "endswith", "!endswith", "endswith_cs", "!endswith_cs",
};
// clang-format on

// Operators whose right side is a parenthesised list. They build kIn nodes.
const std::vector<std::string> kListOperators = {"in", "!in", "in~", "!in~", "has_any", "has_all"};

// True at a comparison, string, list or range operator, which all share one precedence level.
bool IsComparisonToken(const Token& token) {
    if (token.kind != TokenKind::kIdentifier && token.kind != TokenKind::kSymbol) {
        return false;
    }
    return IsOneOf(kComparisonOperators, token.text) || IsOneOf(kListOperators, token.text) ||
           token.text == "between" || token.text == "!between" || token.text == "matches";
}

} // namespace

// ---------------------------------------------------------------------------------------------------------
// Scalar expressions

Result<ExprPtr> Parser::ParseExpr() {
    NestingScope scope(depth_);
    if (depth_ > kMaxNestingDepth) {
        return NestingLimitError();
    }
    return ParseOr();
}

Result<ExprPtr> Parser::ParseOr() {
    const uint32_t begin = Peek().offset;
    UNMASK_ASSIGN_OR_RETURN(ExprPtr left, ParseAnd());
    while (AcceptWord("or")) {
        UNMASK_ASSIGN_OR_RETURN(ExprPtr right, ParseAnd());
        UNMASK_ASSIGN_OR_RETURN(left, MakeBinary("or", std::move(left), std::move(right), begin));
    }
    return left;
}

Result<ExprPtr> Parser::ParseAnd() {
    const uint32_t begin = Peek().offset;
    UNMASK_ASSIGN_OR_RETURN(ExprPtr left, ParseComparison());
    while (AcceptWord("and")) {
        UNMASK_ASSIGN_OR_RETURN(ExprPtr right, ParseComparison());
        UNMASK_ASSIGN_OR_RETURN(left, MakeBinary("and", std::move(left), std::move(right), begin));
    }
    return left;
}

// Parses `a OP b` for one comparison, string, list or range operator. These operators do not chain, so
// `a == b == c` is an error rather than a silent `(a == b) == c`.
Result<ExprPtr> Parser::ParseComparison() {
    const uint32_t begin = Peek().offset;
    UNMASK_ASSIGN_OR_RETURN(ExprPtr left, ParseAdditive());
    if (IsSymbol("=")) {
        return ErrorAt(Peek(), "unexpected '=' after '" + Excerpt(TextOf(left->span)) +
                                   "'; use '==' to compare values ('Name = expression' is allowed only at the start "
                                   "of a column)");
    }
    if (!IsComparisonToken(Peek())) {
        return left;
    }
    std::string op(Advance().text);
    ExprPtr result;
    if (IsOneOf(kListOperators, op)) {
        UNMASK_ASSIGN_OR_RETURN(result, ParseListOperand(std::move(op), std::move(left), begin));
    } else if (op == "between" || op == "!between") {
        UNMASK_ASSIGN_OR_RETURN(result, ParseBetweenOperand(std::move(op), std::move(left), begin));
    } else {
        if (op == "matches") {
            UNMASK_TRY(ExpectWord("regex", "after 'matches'"));
            op = "matches regex";
        }
        UNMASK_ASSIGN_OR_RETURN(ExprPtr right, ParseAdditive());
        UNMASK_ASSIGN_OR_RETURN(result, MakeBinary(std::move(op), std::move(left), std::move(right), begin));
    }
    if (IsComparisonToken(Peek())) {
        return ErrorAt(Peek(), "comparison operators do not chain: put parentheses around '" +
                                   Excerpt(TextOf(result->span)) + "' before " + Describe(Peek()));
    }
    return result;
}

// Parses the `(item, ...)` after in, !in, in~, !in~, has_any or has_all. An item may be a tabular
// subquery such as `(T | project Id)`.
Result<ExprPtr> Parser::ParseListOperand(std::string op, ExprPtr left, uint32_t begin) {
    UNMASK_TRY(ExpectSymbol("(", "after '" + op + "'"));
    if (IsSymbol(")")) {
        return ErrorAt(Peek(), "expected at least one value in the list after '" + op + "'");
    }
    ExprPtr node = NewExpr(ExprKind::kIn, {});
    node->args.push_back(std::move(left));
    while (true) {
        UNMASK_ASSIGN_OR_RETURN(ExprPtr item, ParseExprOrPipe());
        node->args.push_back(std::move(item));
        if (AcceptSymbol(",")) {
            continue;
        }
        if (AcceptSymbol(")")) {
            break;
        }
        return ErrorAt(Peek(), "expected ',' or ')' in the list after '" + op + "' but found " + Describe(Peek()));
    }
    node->op = std::move(op);
    node->span = SpanFrom(begin);
    UNMASK_TRY(Seal(*node));
    return node;
}

// Parses the `(low .. high)` after between or !between.
Result<ExprPtr> Parser::ParseBetweenOperand(std::string op, ExprPtr left, uint32_t begin) {
    UNMASK_TRY(ExpectSymbol("(", "after '" + op + "'"));
    UNMASK_ASSIGN_OR_RETURN(ExprPtr low, ParseAdditive());
    UNMASK_TRY(ExpectSymbol("..", "between the bounds of '" + op + "'"));
    UNMASK_ASSIGN_OR_RETURN(ExprPtr high, ParseAdditive());
    UNMASK_TRY(ExpectSymbol(")", "to close '" + op + " (... .. ...)'"));
    ExprPtr node = NewExpr(ExprKind::kBetween, SpanFrom(begin));
    node->op = std::move(op);
    node->args.push_back(std::move(left));
    node->args.push_back(std::move(low));
    node->args.push_back(std::move(high));
    UNMASK_TRY(Seal(*node));
    return node;
}

Result<ExprPtr> Parser::ParseAdditive() {
    const uint32_t begin = Peek().offset;
    UNMASK_ASSIGN_OR_RETURN(ExprPtr left, ParseMultiplicative());
    while (IsSymbol("+") || IsSymbol("-")) {
        std::string op(Advance().text);
        UNMASK_ASSIGN_OR_RETURN(ExprPtr right, ParseMultiplicative());
        UNMASK_ASSIGN_OR_RETURN(left, MakeBinary(std::move(op), std::move(left), std::move(right), begin));
    }
    return left;
}

Result<ExprPtr> Parser::ParseMultiplicative() {
    const uint32_t begin = Peek().offset;
    UNMASK_ASSIGN_OR_RETURN(ExprPtr left, ParseUnary());
    while (IsSymbol("*") || IsSymbol("/") || IsSymbol("%")) {
        std::string op(Advance().text);
        UNMASK_ASSIGN_OR_RETURN(ExprPtr right, ParseUnary());
        UNMASK_ASSIGN_OR_RETURN(left, MakeBinary(std::move(op), std::move(left), std::move(right), begin));
    }
    return left;
}

Result<ExprPtr> Parser::ParseUnary() {
    if (!IsSymbol("-") && !IsSymbol("+")) {
        return ParsePostfix();
    }
    NestingScope scope(depth_);
    if (depth_ > kMaxNestingDepth) {
        return NestingLimitError();
    }
    const Token& op = Advance();
    UNMASK_ASSIGN_OR_RETURN(ExprPtr operand, ParseUnary());
    ExprPtr node = NewExpr(ExprKind::kUnary, SpanFrom(op.offset));
    node->op = std::string(op.text);
    node->args.push_back(std::move(operand));
    UNMASK_TRY(Seal(*node));
    return node;
}

// Parses a primary followed by any number of `.name` and `[index]`.
Result<ExprPtr> Parser::ParsePostfix() {
    const uint32_t begin = Peek().offset;
    UNMASK_ASSIGN_OR_RETURN(ExprPtr expr, ParsePrimary());
    while (true) {
        if (AcceptSymbol(".")) {
            ExprPtr member = NewExpr(ExprKind::kMember, {});
            Span name_span;
            UNMASK_ASSIGN_OR_RETURN(member->name, ParseColumnName(name_span, "after '.'"));
            member->args.push_back(std::move(expr));
            member->span = SpanFrom(begin);
            expr = std::move(member);
        } else if (AcceptSymbol("[")) {
            ExprPtr index = NewExpr(ExprKind::kIndex, {});
            UNMASK_ASSIGN_OR_RETURN(ExprPtr key, ParseExpr());
            UNMASK_TRY(ExpectSymbol("]", "to close the index"));
            index->args.push_back(std::move(expr));
            index->args.push_back(std::move(key));
            index->span = SpanFrom(begin);
            expr = std::move(index);
        } else {
            return expr;
        }
        UNMASK_TRY(Seal(*expr));
    }
}

Result<ExprPtr> Parser::ParsePrimary() {
    const Token& token = Peek();
    const Span span{token.offset, token.length};
    switch (token.kind) {
    case TokenKind::kLong:
        Advance();
        return NewLiteral(LiteralKind::kLong, std::string(token.text), span);
    case TokenKind::kReal:
        Advance();
        return NewLiteral(LiteralKind::kReal, std::string(token.text), span);
    case TokenKind::kTimeSpan:
        Advance();
        return NewLiteral(LiteralKind::kTimeSpan, std::string(token.text), span);
    case TokenKind::kString:
        return ParseStringLiteral();
    case TokenKind::kIdentifier: {
        static const std::vector<std::string> kTrueSpellings = {"true", "True", "TRUE"};
        static const std::vector<std::string> kFalseSpellings = {"false", "False", "FALSE"};
        static const std::vector<std::string> kRawTextTypes = {"datetime", "time", "timespan", "guid"};
        static const std::vector<std::string> kTypedLiteralTypes = {"long",    "int",    "real",    "double", "bool",
                                                                    "boolean", "string", "decimal", "dynamic"};
        if (IsOneOf(kTrueSpellings, token.text) || IsOneOf(kFalseSpellings, token.text)) {
            Advance();
            return NewLiteral(LiteralKind::kBool, IsOneOf(kTrueSpellings, token.text) ? "true" : "false", span);
        }
        if (IsSymbol("(", 1)) {
            if (IsOneOf(kRawTextTypes, token.text)) {
                return ParseRawTextLiteral();
            }
            if (IsOneOf(kTypedLiteralTypes, token.text)) {
                return ParseTypedLiteral();
            }
            return ParseCall();
        }
        if (token.text == "and" || token.text == "or") {
            break;
        }
        Advance();
        ExprPtr name = NewExpr(ExprKind::kName, span);
        name->name = std::string(token.text);
        return name;
    }
    case TokenKind::kSymbol:
        if (token.text == "(") {
            return ParseParenthesized("");
        }
        if (IsQuotedNameAt(0)) {
            return ParseQuotedName();
        }
        break;
    default:
        break;
    }
    std::string message = "expected an expression";
    if (pos_ > 0) {
        message += " after '" + Excerpt(tokens_[pos_ - 1].text) + "'";
    }
    return ErrorAt(token, message + " but found " + Describe(token));
}

Result<ExprPtr> Parser::ParseCall() {
    const Token& name = Advance();
    Advance(); // '('
    ExprPtr call = NewExpr(ExprKind::kCall, {});
    call->name = std::string(name.text);
    if (!IsSymbol(")")) {
        do {
            if (IsSymbol("*") && (IsSymbol(",", 1) || IsSymbol(")", 1))) {
                call->args.push_back(NewExpr(ExprKind::kStar, {Peek().offset, Peek().length}));
                Advance();
                continue;
            }
            UNMASK_ASSIGN_OR_RETURN(ExprPtr arg, ParseExprOrPipe());
            call->args.push_back(std::move(arg));
        } while (AcceptSymbol(","));
    }
    UNMASK_TRY(ExpectSymbol(")", "to close the call to '" + call->name + "'"));
    call->span = SpanFrom(name.offset);
    UNMASK_TRY(Seal(*call));
    return call;
}

Result<ExprPtr> Parser::ParseQuotedName() {
    const uint32_t begin = Advance().offset; // '['
    std::string name = Advance().value;
    Advance(); // ']'
    ExprPtr node = NewExpr(ExprKind::kName, SpanFrom(begin));
    node->name = std::move(name);
    return node;
}

} // namespace unmask::query::internal
