// Private header of the KQL parser: the recursive-descent Parser class behind ParseScript and
// ParseExpression (query/parser.h), and the helpers that its source files share. The methods are defined
// by concept:
//   parser.cc              token access, errors, tree construction and the public entry points
//   parser_statements.cc   scripts, `let`, tabular expressions and `datatable`
//   parser_operators.cc    the `| operator` clauses, their options and column lists
//   parser_expressions.cc  scalar expressions by precedence, names and calls
//   parser_literals.cc     string, typed and dynamic literals, and the values of a datatable
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/status.h"
#include "query/ast.h"
#include "query/lexer.h"
#include "query/parser.h"

namespace unmask::query::internal {

bool IsOneOf(const std::vector<std::string>& words, std::string_view word);
std::string Excerpt(std::string_view text);
std::string Describe(const Token& token);

// Counts one level of parser recursion for the lifetime of the object.
class NestingScope {
public:
    explicit NestingScope(int& depth) : depth_(depth) { ++depth_; }
    ~NestingScope() { --depth_; }
    NestingScope(const NestingScope&) = delete;
    NestingScope& operator=(const NestingScope&) = delete;

private:
    int& depth_;
};

class Parser {
public:
    Parser(std::string_view text, std::vector<Token> tokens) : text_(text), tokens_(std::move(tokens)) {}

    Result<Script> ParseWholeScript();
    Result<ExprPtr> ParseWholeExpression();

private:
    // Token access.
    const Token& Peek(size_t ahead = 0) const { return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)]; }
    const Token& Advance();
    bool IsSymbol(std::string_view symbol, size_t ahead = 0) const;
    bool IsWord(std::string_view word, size_t ahead = 0) const;
    bool IsQuotedNameAt(size_t ahead) const;
    bool AcceptSymbol(std::string_view symbol);
    bool AcceptWord(std::string_view word);
    bool AtOperatorEnd() const;
    Status ExpectSymbol(std::string_view symbol, std::string_view purpose);
    Status ExpectWord(std::string_view word, std::string_view purpose);
    Status ErrorAt(const Token& token, std::string message, ErrorKind kind = ErrorKind::kParse) const;
    Status ErrorAt(Span span, std::string message, ErrorKind kind = ErrorKind::kParse) const;
    Status NestingLimitError() const;
    Span SpanFrom(uint32_t begin) const { return {begin, prev_end_ > begin ? prev_end_ - begin : 0}; }
    std::string_view TextOf(Span span) const { return text_.substr(span.offset, span.length); }

    // Tree construction. Every node is created by NewExpr and, once its children are attached, checked by
    // Seal, which records its height and enforces kMaxTreeHeight.
    ExprPtr NewExpr(ExprKind kind, Span span);
    ExprPtr NewLiteral(LiteralKind kind, std::string text, Span span);
    Status Seal(Expr& node);
    Result<ExprPtr> MakeBinary(std::string op, ExprPtr left, ExprPtr right, uint32_t begin);

    // Statements.
    Result<Statement> ParseStatement();
    Result<Statement> ParseLet();
    Status StatementEndError(const Statement& statement) const;

    // Tabular expressions.
    bool AtSourceOperator() const;
    Result<ExprPtr> ParseExprOrPipe();
    Result<ExprPtr> ParseParenthesized(std::string_view purpose);
    Result<ExprPtr> ParseSourceOperatorPipe();
    Result<ExprPtr> ContinuePipe(ExprPtr source);
    Result<ExprPtr> WrapInPipe(ExprPtr source);
    Status CheckTabular(const Expr& expr, std::string_view context) const;
    Status ParsePipeTail(Expr& pipe);
    Result<ExprPtr> ParseDatatable();
    Status ParseDatatableColumn(Expr& table);
    Result<Operator> ParseOperator();
    Status ParseOptions(Operator& op, std::string_view operator_name, const std::vector<std::string>& allowed,
                        bool reject_unknown);
    Status CheckOptionValue(const Token& key_token, std::string_view key, const Token& value_token,
                            std::string_view operator_name) const;
    Result<std::string> ParseColumnName(Span& span, std::string_view purpose);
    Result<std::string> ParseWildcardName(Span& span, std::string_view purpose);
    Result<NamedExpr> ParseNamedExpr();
    Result<std::vector<NamedExpr>> ParseNamedExprList();
    Result<SortKey> ParseSortKey();
    Status ParseNameList(Operator& op, std::string_view operator_name, bool allow_direction);
    Status ParseProjectRename(Operator& op);
    Status ParseSummarize(Operator& op);
    Status ParseDistinct(Operator& op);
    Status ParseUnion(Operator& op);
    Result<ExprPtr> ParseUnionLeg();
    Status ParseJoin(Operator& op);
    Status AddJoinConditions(Operator& op, ExprPtr condition);
    Status ParseMvExpand(Operator& op);

    // Scalar expressions, from the lowest precedence to the highest.
    Result<ExprPtr> ParseExpr();
    Result<ExprPtr> ParseOr();
    Result<ExprPtr> ParseAnd();
    Result<ExprPtr> ParseComparison();
    Result<ExprPtr> ParseListOperand(std::string op, ExprPtr left, uint32_t begin);
    Result<ExprPtr> ParseBetweenOperand(std::string op, ExprPtr left, uint32_t begin);
    Result<ExprPtr> ParseAdditive();
    Result<ExprPtr> ParseMultiplicative();
    Result<ExprPtr> ParseUnary();
    Result<ExprPtr> ParsePostfix();
    Result<ExprPtr> ParsePrimary();
    Result<ExprPtr> ParseCall();
    Result<ExprPtr> ParseQuotedName();

    // Literals.
    Result<ExprPtr> ParseStringLiteral();
    Result<ExprPtr> ParseRawTextLiteral();
    Result<ExprPtr> ParseTypedLiteral();
    Result<ExprPtr> ParseSignedNumber(const Token& type_token, bool allow_real);
    Result<ExprPtr> ParseDynamicLiteral(const Token& type_token);
    Result<ExprPtr> ParseDynamicValue();
    Result<ExprPtr> ParseDynamicArray();
    Result<ExprPtr> ParseDynamicObject();
    Result<ExprPtr> ParseDynamicScalar();
    bool AtConstantLiteral(bool allow_dynamic) const;
    Result<ExprPtr> ParseConstantLiteral();
    Result<ExprPtr> ParseDatatableValue();

    std::string_view text_;
    std::vector<Token> tokens_;
    size_t pos_ = 0;
    uint32_t prev_end_ = 0; // end offset of the last consumed token
    int depth_ = 0;
    std::unordered_map<const Expr*, uint32_t> heights_;
};

} // namespace unmask::query::internal
