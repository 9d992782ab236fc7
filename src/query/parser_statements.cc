// Parser methods for scripts, `let` statements, tabular expressions and the `datatable` source.
#include <string>
#include <utility>
#include <vector>

#include "common/source_text.h"
#include "query/parser_internal.h"

namespace unmask::query::internal {
namespace {

// Operators that start a tabular expression without an input table. Of these only `union` and `print`
// are supported. `datatable` is not among them because it parses as the source of a pipe.
const std::vector<std::string> kSourceOperators = {"union",    "print", "range", "externaldata",
                                                   "evaluate", "find",  "search"};

// Column types of a datatable, with the aliases double, boolean, date and time. Kusto's scalar data types
// also include decimal and guid (aliases uuid and uniqueid), which unmask does not support.
const std::vector<std::string> kDatatableColumnTypes = {"string",  "long",     "int",  "real",     "double", "bool",
                                                        "boolean", "datetime", "date", "timespan", "time",   "dynamic"};
const std::vector<std::string> kUnsupportedColumnTypes = {"decimal", "guid", "uuid", "uniqueid"};

std::string ToLower(std::string_view text) {
    std::string lower(text);
    for (char& c : lower) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return lower;
}

// Returns "1 value", "3 values" and so on.
std::string CountOf(size_t count, std::string_view noun) {
    return std::to_string(count) + " " + std::string(noun) + (count == 1 ? "" : "s");
}

} // namespace

// ---------------------------------------------------------------------------------------------------------
// Statements

Result<Script> Parser::ParseWholeScript() {
    Script script;
    bool has_query = false;
    while (true) {
        while (AcceptSymbol(";")) {
        }
        if (Peek().kind == TokenKind::kEnd) {
            break;
        }
        UNMASK_ASSIGN_OR_RETURN(Statement statement, ParseStatement());
        if (!AcceptSymbol(";") && Peek().kind != TokenKind::kEnd) {
            return StatementEndError(statement);
        }
        has_query = has_query || statement.kind == StatementKind::kQuery;
        script.statements.push_back(std::move(statement));
    }
    if (!has_query) {
        return ErrorAt(Peek(), "the script has no query statement; it must contain a tabular expression such as "
                               "'DeviceNetworkEvents | take 10' after its let statements");
    }
    return script;
}

Result<ExprPtr> Parser::ParseWholeExpression() {
    UNMASK_ASSIGN_OR_RETURN(ExprPtr expr, ParseExpr());
    if (Peek().kind != TokenKind::kEnd) {
        return ErrorAt(Peek(), "expected the end of the expression but found " + Describe(Peek()));
    }
    return expr;
}

Result<Statement> Parser::ParseStatement() {
    if (IsWord("let")) {
        return ParseLet();
    }
    static const std::vector<std::string> kUnsupportedStatements = {"set", "declare", "alias", "pattern", "restrict"};
    const Token& first = Peek();
    if (first.kind == TokenKind::kIdentifier && IsOneOf(kUnsupportedStatements, first.text) &&
        Peek(1).kind == TokenKind::kIdentifier) {
        return ErrorAt(first, "the '" + std::string(first.text) + "' statement is not supported",
                       ErrorKind::kNotImplemented);
    }
    Statement statement;
    statement.kind = StatementKind::kQuery;
    UNMASK_ASSIGN_OR_RETURN(ExprPtr value, ParseExprOrPipe());
    if (value->kind != ExprKind::kPipe) {
        UNMASK_TRY(CheckTabular(*value, "as a query statement"));
        UNMASK_ASSIGN_OR_RETURN(value, WrapInPipe(std::move(value)));
    }
    statement.span = SpanFrom(first.offset);
    statement.value = std::move(value);
    return statement;
}

Result<Statement> Parser::ParseLet() {
    const uint32_t begin = Advance().offset;
    Statement statement;
    statement.kind = StatementKind::kLet;
    UNMASK_ASSIGN_OR_RETURN(statement.name, ParseColumnName(statement.name_span, "after 'let'"));
    UNMASK_TRY(ExpectSymbol("=", "after 'let " + statement.name + "'"));

    const bool function_definition = IsSymbol("(") && ((IsSymbol(")", 1) && IsSymbol("{", 2)) ||
                                                       (Peek(1).kind == TokenKind::kIdentifier && IsSymbol(":", 2)));
    if (function_definition || (IsWord("view") && IsSymbol("(", 1))) {
        return ErrorAt(Peek(), "user-defined functions such as 'let f = (x: long) { ... }' are not supported",
                       ErrorKind::kNotImplemented);
    }
    UNMASK_ASSIGN_OR_RETURN(statement.value, ParseExprOrPipe());
    statement.span = SpanFrom(begin);
    return statement;
}

Status Parser::StatementEndError(const Statement& statement) const {
    const Expr& value = *statement.value;
    const std::string found = Describe(Peek());
    if (value.kind == ExprKind::kPipe && !value.operators.empty()) {
        const std::string_view last_operator = TextOf(value.operators.back().span);
        return ErrorAt(Peek(), "expected '|' or ';' after the '" + std::string(last_operator) +
                                   "' operator but found " + found);
    }
    if (statement.kind == StatementKind::kLet) {
        return ErrorAt(Peek(), "expected ';' after the value of '" + statement.name + "' but found " + found);
    }
    return ErrorAt(Peek(), "expected '|' or ';' after '" + Excerpt(TextOf(value.span)) + "' but found " + found);
}

// ---------------------------------------------------------------------------------------------------------
// Tabular expressions

// True at an operator that starts a tabular expression by itself, such as `union A, B` or `print 1`. The
// check on the next token keeps `range(1, 5)` a call and lets columns named `union` or `print` be names.
bool Parser::AtSourceOperator() const {
    const Token& word = Peek();
    if (word.kind != TokenKind::kIdentifier || !IsOneOf(kSourceOperators, word.text)) {
        return false;
    }
    const Token& next = Peek(1);
    const bool next_is_word = next.kind == TokenKind::kIdentifier;
    const bool next_is_literal = next.kind == TokenKind::kLong || next.kind == TokenKind::kReal ||
                                 next.kind == TokenKind::kTimeSpan || next.kind == TokenKind::kString;
    if (word.text == "union") {
        return next_is_word || IsSymbol("(", 1) || IsSymbol("*", 1);
    }
    if (word.text == "print") {
        return next_is_word || next_is_literal || IsSymbol("(", 1) || IsSymbol("[", 1) || IsSymbol("-", 1) ||
               IsSymbol("+", 1);
    }
    if (word.text == "range") {
        return next_is_word;
    }
    if (word.text == "externaldata") {
        return IsSymbol("(", 1);
    }
    return next_is_word || next_is_literal || IsSymbol("(", 1);
}

// Parses an expression that may turn out to be tabular: `T | where x`, `union A, B`, or a scalar. A
// datatable always becomes the source of a pipe, even with no operators after it.
Result<ExprPtr> Parser::ParseExprOrPipe() {
    if (AtSourceOperator()) {
        return ParseSourceOperatorPipe();
    }
    if (IsWord("datatable") && IsSymbol("(", 1)) {
        UNMASK_ASSIGN_OR_RETURN(ExprPtr table, ParseDatatable());
        return ContinuePipe(std::move(table));
    }
    UNMASK_ASSIGN_OR_RETURN(ExprPtr expr, ParseExpr());
    if (IsSymbol("|")) {
        return ContinuePipe(std::move(expr));
    }
    return expr;
}

Result<ExprPtr> Parser::ParseParenthesized(std::string_view purpose) {
    const Token& open = Peek();
    UNMASK_TRY(ExpectSymbol("(", purpose));
    UNMASK_ASSIGN_OR_RETURN(ExprPtr inner, ParseExprOrPipe());
    if (!IsSymbol(")")) {
        const LineColumn opened_at = LocateOffset(text_, open.offset);
        return ErrorAt(Peek(), "expected ')' to close the '(' at line " + std::to_string(opened_at.line) + ", column " +
                                   std::to_string(opened_at.column) + " but found " + Describe(Peek()));
    }
    Advance();
    return inner;
}

Result<ExprPtr> Parser::ParseSourceOperatorPipe() {
    NestingScope scope(depth_);
    if (depth_ > kMaxNestingDepth) {
        return NestingLimitError();
    }
    const Token& keyword = Advance();
    if (keyword.text != "union" && keyword.text != "print") {
        return ErrorAt(keyword, "the '" + std::string(keyword.text) + "' operator is not supported",
                       ErrorKind::kNotImplemented);
    }
    Operator op;
    op.span = {keyword.offset, keyword.length};
    if (keyword.text == "union") {
        op.kind = OperatorKind::kUnion;
        UNMASK_TRY(ParseUnion(op));
    } else {
        op.kind = OperatorKind::kPrint;
        UNMASK_ASSIGN_OR_RETURN(op.columns, ParseNamedExprList());
    }
    ExprPtr pipe = NewExpr(ExprKind::kPipe, SpanFrom(keyword.offset));
    pipe->operators.push_back(std::move(op));
    UNMASK_TRY(ParsePipeTail(*pipe));
    return pipe;
}

// Builds the pipe `source | ...` from the current '|'. A parenthesised pipe as the source is extended
// instead of nested, because `(T | take 5) | count` means the same as `T | take 5 | count`.
Result<ExprPtr> Parser::ContinuePipe(ExprPtr source) {
    ExprPtr pipe;
    if (source->kind == ExprKind::kPipe) {
        pipe = std::move(source);
    } else {
        UNMASK_TRY(CheckTabular(*source, "before '|'"));
        UNMASK_ASSIGN_OR_RETURN(pipe, WrapInPipe(std::move(source)));
    }
    UNMASK_TRY(ParsePipeTail(*pipe));
    return pipe;
}

Result<ExprPtr> Parser::WrapInPipe(ExprPtr source) {
    ExprPtr pipe = NewExpr(ExprKind::kPipe, source->span);
    pipe->source = std::move(source);
    UNMASK_TRY(Seal(*pipe));
    return pipe;
}

// Rejects expressions that can never produce rows, such as literals and arithmetic. Names and calls pass:
// whether `X` is a table or a scalar `let` is for the binder to decide.
Status Parser::CheckTabular(const Expr& expr, std::string_view context) const {
    switch (expr.kind) {
    case ExprKind::kName:
    case ExprKind::kCall:
    case ExprKind::kMember:
    case ExprKind::kPipe:
        return Status::Ok();
    default:
        break;
    }
    return ErrorAt(expr.span, "expected a table name or a tabular expression " + std::string(context) +
                                  " but found the scalar expression '" + Excerpt(TextOf(expr.span)) + "'");
}

Status Parser::ParsePipeTail(Expr& pipe) {
    while (AcceptSymbol("|")) {
        UNMASK_ASSIGN_OR_RETURN(Operator op, ParseOperator());
        pipe.operators.push_back(std::move(op));
    }
    pipe.span = SpanFrom(pipe.span.offset);
    return Seal(pipe);
}

// ---------------------------------------------------------------------------------------------------------
// datatable

// Parses `datatable(Name:type, ...) [value, ...]` into a kCall named "datatable" whose `keys` are the
// column names, `column_types` their types as written and `args` the values row after row. The values may
// end with a comma, and their number must be a multiple of the number of columns.
Result<ExprPtr> Parser::ParseDatatable() {
    const Token& keyword = Advance();
    Advance(); // '('
    ExprPtr table = NewExpr(ExprKind::kCall, {});
    table->name = "datatable";
    do {
        UNMASK_TRY(ParseDatatableColumn(*table));
    } while (AcceptSymbol(","));
    UNMASK_TRY(ExpectSymbol(")", "to close 'datatable('"));
    UNMASK_TRY(ExpectSymbol("[", "after the columns of 'datatable(...)'"));

    while (!IsSymbol("]")) {
        UNMASK_ASSIGN_OR_RETURN(ExprPtr value, ParseDatatableValue());
        table->args.push_back(std::move(value));
        if (!AcceptSymbol(",") && !IsSymbol("]")) {
            return ErrorAt(Peek(), "expected ',' or ']' after a datatable value but found " + Describe(Peek()));
        }
    }
    const size_t column_count = table->keys.size();
    const size_t value_count = table->args.size();
    if (value_count % column_count != 0) {
        // Points at the ']' because that is where the last row ends too early.
        return ErrorAt(Peek(), "the datatable has " + CountOf(value_count, "value") + " for " +
                                   CountOf(column_count, "column") + ", so its last row has only " +
                                   std::to_string(value_count % column_count) + " of its " +
                                   std::to_string(column_count) + " values. Give each row one value per column");
    }
    Advance(); // ']'
    table->span = SpanFrom(keyword.offset);
    UNMASK_TRY(Seal(*table));
    return table;
}

// Parses one `Name:type` and appends it to table.keys and table.column_types. Type names match
// case-insensitively, as in the binder, and are kept as written.
Status Parser::ParseDatatableColumn(Expr& table) {
    Span name_span;
    UNMASK_ASSIGN_OR_RETURN(std::string name, ParseColumnName(name_span, "of a datatable column"));
    if (IsOneOf(table.keys, name)) {
        return ErrorAt(name_span, "the datatable declares the column '" + name + "' twice");
    }
    UNMASK_TRY(ExpectSymbol(":", "after the datatable column '" + name + "'"));

    const Token& type = Peek();
    if (type.kind != TokenKind::kIdentifier) {
        return ErrorAt(type,
                       "expected a type such as 'string' or 'long' after '" + name + ":' but found " + Describe(type));
    }
    const std::string type_name(type.text);
    if (IsOneOf(kUnsupportedColumnTypes, ToLower(type_name))) {
        return ErrorAt(type, "datatable columns of type '" + type_name + "' are not supported",
                       ErrorKind::kNotImplemented);
    }
    if (!IsOneOf(kDatatableColumnTypes, ToLower(type_name))) {
        std::string message = "unknown type '" + type_name + "' for the datatable column '" + name + "'";
        const std::vector<std::string> nearest = NearestNames(type_name, kDatatableColumnTypes, 1);
        message += nearest.empty() ? "; expected string, long, int, real, bool, datetime, timespan or dynamic"
                                   : "; did you mean '" + nearest.front() + "'?";
        return ErrorAt(type, message);
    }
    Advance();
    table.keys.push_back(std::move(name));
    table.column_types.push_back(type_name);
    return Status::Ok();
}

} // namespace unmask::query::internal
