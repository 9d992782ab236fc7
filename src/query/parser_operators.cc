// Parser methods for the `| operator` clauses: their options, column lists, sort keys, union legs and join
// conditions.
#include <string>
#include <utility>
#include <vector>

#include "common/source_text.h"
#include "query/parser_internal.h"

namespace unmask::query::internal {
namespace {

// Pipe operators that the parser supports.
const std::vector<std::string> kSupportedOperators = {
    "where",           "filter",    "extend", "project", "project-away", "project-keep", "project-rename",
    "project-reorder", "summarize", "sort",   "order",   "top",          "take",         "limit",
    "count",           "distinct",  "union",  "as",      "join",         "mv-expand",    "serialize",
};

// Pipe operators of KQL that unmask does not support. Using one is a kNotImplemented error.
const std::vector<std::string> kUnsupportedOperators = {
    "parse",  "parse-where",     "parse-kv",   "mv-apply",    "make-series", "evaluate",      "lookup", "invoke",
    "sample", "sample-distinct", "top-nested", "top-hitters", "getschema",   "render",        "search", "find",
    "fork",   "facet",           "partition",  "scan",        "reduce",      "project-smart",
};

const std::vector<std::string> kJoinKinds = {
    "inner", "innerunique",  "leftouter", "rightouter",    "fullouter", "leftanti",
    "anti",  "leftantisemi", "rightanti", "rightantisemi", "leftsemi",  "rightsemi",
};
const std::vector<std::string> kUnionKinds = {"inner", "outer"};

} // namespace

Result<Operator> Parser::ParseOperator() {
    const Token& keyword = Peek();
    if (keyword.kind != TokenKind::kIdentifier) {
        return ErrorAt(keyword, "expected an operator name after '|' but found " + Describe(keyword));
    }
    std::string name(keyword.text);
    Operator op;
    op.span = {keyword.offset, keyword.length};

    // A misspelled hyphenated name such as `project-awya` lexes as three tokens, so join them for the error.
    const bool misspelled_hyphenated = IsSymbol("-", 1) && Peek(1).offset == keyword.end() &&
                                       Peek(2).kind == TokenKind::kIdentifier && Peek(2).offset == Peek(1).end();
    if (misspelled_hyphenated) {
        name += "-" + std::string(Peek(2).text);
        op.span.length = Peek(2).end() - keyword.offset;
    }
    if (!IsOneOf(kSupportedOperators, name)) {
        if (IsOneOf(kUnsupportedOperators, name)) {
            return ErrorAt(op.span, "the '" + name + "' operator is not supported", ErrorKind::kNotImplemented);
        }
        std::vector<std::string> candidates = kSupportedOperators;
        candidates.insert(candidates.end(), kUnsupportedOperators.begin(), kUnsupportedOperators.end());
        const std::vector<std::string> nearest = NearestNames(name, candidates, 1);
        std::string message = "unknown operator '" + name + "' after '|'";
        message += nearest.empty() ? "; expected an operator such as 'where', 'extend', 'project' or 'summarize'"
                                   : "; did you mean '" + nearest.front() + "'?";
        return ErrorAt(op.span, message);
    }
    Advance();

    if (name == "where" || name == "filter") {
        op.kind = OperatorKind::kWhere;
        UNMASK_ASSIGN_OR_RETURN(op.predicate, ParseExpr());
    } else if (name == "extend" || name == "project") {
        op.kind = name == "extend" ? OperatorKind::kExtend : OperatorKind::kProject;
        UNMASK_ASSIGN_OR_RETURN(op.columns, ParseNamedExprList());
    } else if (name == "project-away" || name == "project-keep") {
        op.kind = name == "project-away" ? OperatorKind::kProjectAway : OperatorKind::kProjectKeep;
        UNMASK_TRY(ParseNameList(op, name, false));
    } else if (name == "project-reorder") {
        op.kind = OperatorKind::kProjectReorder;
        UNMASK_TRY(ParseNameList(op, name, true));
    } else if (name == "project-rename") {
        op.kind = OperatorKind::kProjectRename;
        UNMASK_TRY(ParseProjectRename(op));
    } else if (name == "summarize") {
        op.kind = OperatorKind::kSummarize;
        UNMASK_TRY(ParseSummarize(op));
    } else if (name == "sort" || name == "order") {
        op.kind = OperatorKind::kSort;
        UNMASK_TRY(ExpectWord("by", "after '" + name + "'"));
        do {
            UNMASK_ASSIGN_OR_RETURN(SortKey key, ParseSortKey());
            op.sort_keys.push_back(std::move(key));
        } while (AcceptSymbol(","));
    } else if (name == "top") {
        op.kind = OperatorKind::kTop;
        UNMASK_ASSIGN_OR_RETURN(op.count, ParseExpr());
        UNMASK_TRY(ExpectWord("by", "after the row count of 'top'"));
        UNMASK_ASSIGN_OR_RETURN(SortKey key, ParseSortKey());
        op.sort_keys.push_back(std::move(key));
    } else if (name == "take" || name == "limit") {
        op.kind = OperatorKind::kTake;
        UNMASK_ASSIGN_OR_RETURN(op.count, ParseExpr());
    } else if (name == "count") {
        op.kind = OperatorKind::kCount;
    } else if (name == "distinct") {
        op.kind = OperatorKind::kDistinct;
        UNMASK_TRY(ParseDistinct(op));
    } else if (name == "union") {
        op.kind = OperatorKind::kUnion;
        UNMASK_TRY(ParseUnion(op));
    } else if (name == "as") {
        op.kind = OperatorKind::kAs;
        UNMASK_TRY(ParseOptions(op, name, {}, true));
        Span span;
        UNMASK_ASSIGN_OR_RETURN(op.name, ParseColumnName(span, "after 'as'"));
    } else if (name == "join") {
        op.kind = OperatorKind::kJoin;
        UNMASK_TRY(ParseJoin(op));
    } else if (name == "mv-expand") {
        op.kind = OperatorKind::kMvExpand;
        UNMASK_TRY(ParseMvExpand(op));
    } else if (name == "serialize") {
        op.kind = OperatorKind::kSerialize;
        if (!AtOperatorEnd()) {
            UNMASK_ASSIGN_OR_RETURN(op.columns, ParseNamedExprList());
        }
    }
    return op;
}

// Parses `key=value` options such as `kind=inner` and `hint.strategy=shuffle` in front of an operator's
// arguments. Options not in `allowed` (other than hint.*) end the list, or are an error when
// `reject_unknown` is set, for operators whose arguments can never look like `name=value`.
Status Parser::ParseOptions(Operator& op, std::string_view operator_name, const std::vector<std::string>& allowed,
                            bool reject_unknown) {
    while (Peek().kind == TokenKind::kIdentifier) {
        const Token& key_token = Peek();
        std::string key(key_token.text);
        size_t value_ahead = 2;
        const bool is_hint = key == "hint" && IsSymbol(".", 1) && Peek(2).kind == TokenKind::kIdentifier;
        if (is_hint) {
            key += "." + std::string(Peek(2).text);
            value_ahead = 4;
        }
        if (!IsSymbol("=", value_ahead - 1)) {
            return Status::Ok();
        }
        if (!is_hint && !IsOneOf(allowed, key)) {
            if (!reject_unknown) {
                return Status::Ok();
            }
            std::string message = "unknown option '" + key + "' for the '" + std::string(operator_name) + "' operator";
            const std::vector<std::string> nearest = NearestNames(key, allowed, 1);
            if (!nearest.empty()) {
                message += "; did you mean '" + nearest.front() + "'?";
            }
            return ErrorAt(key_token, message);
        }
        const Token& value_token = Peek(value_ahead);
        UNMASK_TRY(CheckOptionValue(key_token, key, value_token, operator_name));
        std::string value(value_token.kind == TokenKind::kString ? value_token.value : std::string(value_token.text));
        op.options.emplace_back(std::move(key), std::move(value));
        for (size_t i = 0; i <= value_ahead; ++i) {
            Advance();
        }
    }
    return Status::Ok();
}

Status Parser::CheckOptionValue(const Token& key_token, std::string_view key, const Token& value_token,
                                std::string_view operator_name) const {
    const bool is_word = value_token.kind == TokenKind::kIdentifier;
    const bool is_scalar = is_word || value_token.kind == TokenKind::kLong || value_token.kind == TokenKind::kString;
    if (!is_scalar) {
        return ErrorAt(value_token,
                       "expected a value after '" + std::string(key) + "=' but found " + Describe(value_token));
    }
    const std::vector<std::string>* choices = nullptr;
    static const std::vector<std::string> kBooleans = {"true", "false"};
    static const std::vector<std::string> kBagExpansions = {"bag", "array"};
    if (key == "kind") {
        choices = operator_name == "join" ? &kJoinKinds : &kUnionKinds;
    } else if (key == "isfuzzy") {
        choices = &kBooleans;
    } else if (key == "bagexpansion") {
        choices = &kBagExpansions;
    } else if ((key == "withsource" || key == "with_itemindex") && !is_word) {
        return ErrorAt(value_token,
                       "expected a column name after '" + std::string(key) + "=' but found " + Describe(value_token));
    }
    if (choices == nullptr || (is_word && IsOneOf(*choices, value_token.text))) {
        return Status::Ok();
    }
    std::string message = "invalid value " + Describe(value_token) + " for '" + std::string(key_token.text) + "'";
    const std::vector<std::string> nearest = NearestNames(value_token.text, *choices, 1);
    if (!nearest.empty()) {
        message += "; did you mean '" + nearest.front() + "'?";
    }
    return ErrorAt(value_token, message);
}

// Parses a plain or quoted (`['Name with spaces']`) column name.
Result<std::string> Parser::ParseColumnName(Span& span, std::string_view purpose) {
    const Token& token = Peek();
    if (token.kind == TokenKind::kIdentifier) {
        Advance();
        span = {token.offset, token.length};
        return std::string(token.text);
    }
    if (IsQuotedNameAt(0)) {
        Advance();
        std::string name = Advance().value;
        Advance();
        span = SpanFrom(token.offset);
        return name;
    }
    return ErrorAt(token, "expected a name " + std::string(purpose) + " but found " + Describe(token));
}

// Parses a column or table name that may contain `*` wildcards, such as `Initiating*` or `Device*Events`.
// The parts must touch: `A *` is the name A followed by a separate '*'.
Result<std::string> Parser::ParseWildcardName(Span& span, std::string_view purpose) {
    if (IsQuotedNameAt(0)) {
        return ParseColumnName(span, purpose);
    }
    const Token& first = Peek();
    if (first.kind != TokenKind::kIdentifier && !IsSymbol("*")) {
        return ErrorAt(first, "expected a name " + std::string(purpose) + " but found " + Describe(first));
    }
    Advance();
    std::string name(first.text);
    while (Peek().offset == prev_end_ &&
           (Peek().kind == TokenKind::kIdentifier || Peek().kind == TokenKind::kLong || IsSymbol("*"))) {
        name += Advance().text;
    }
    span = SpanFrom(first.offset);
    return name;
}

// Parses `Name = expr` or `expr`.
Result<NamedExpr> Parser::ParseNamedExpr() {
    NamedExpr item;
    if ((Peek().kind == TokenKind::kIdentifier && IsSymbol("=", 1)) || (IsQuotedNameAt(0) && IsSymbol("=", 3))) {
        UNMASK_ASSIGN_OR_RETURN(item.name, ParseColumnName(item.name_span, "before '='"));
        Advance(); // '='
    } else if (IsSymbol("(")) {
        // `(A, B) = expr` names several columns at once.
        size_t ahead = 1;
        while (Peek(ahead).kind == TokenKind::kIdentifier && IsSymbol(",", ahead + 1)) {
            ahead += 2;
        }
        if (ahead > 1 && Peek(ahead).kind == TokenKind::kIdentifier && IsSymbol(")", ahead + 1) &&
            IsSymbol("=", ahead + 2)) {
            return ErrorAt(Peek(), "naming several columns at once with '(A, B) = ...' is not supported",
                           ErrorKind::kNotImplemented);
        }
    }
    UNMASK_ASSIGN_OR_RETURN(item.expr, ParseExpr());
    return item;
}

Result<std::vector<NamedExpr>> Parser::ParseNamedExprList() {
    std::vector<NamedExpr> items;
    do {
        UNMASK_ASSIGN_OR_RETURN(NamedExpr item, ParseNamedExpr());
        items.push_back(std::move(item));
    } while (AcceptSymbol(","));
    return items;
}

// Parses `expr [asc|desc] [nulls first|last]`.
Result<SortKey> Parser::ParseSortKey() {
    SortKey key;
    UNMASK_ASSIGN_OR_RETURN(key.expr, ParseExpr());
    if (AcceptWord("asc")) {
        key.descending = false;
    } else if (AcceptWord("desc")) {
        key.descending = true;
    }
    if (AcceptWord("nulls")) {
        if (AcceptWord("first")) {
            key.nulls = 1;
        } else if (AcceptWord("last")) {
            key.nulls = 2;
        } else {
            return ErrorAt(Peek(), "expected 'first' or 'last' after 'nulls' but found " + Describe(Peek()));
        }
    }
    return key;
}

// Parses the names of project-away, project-keep and project-reorder. With `allow_direction`, each name may
// be followed by asc, desc, granny-asc or granny-desc, recorded in `options` as (name, direction).
Status Parser::ParseNameList(Operator& op, std::string_view operator_name, bool allow_direction) {
    do {
        Span span;
        UNMASK_ASSIGN_OR_RETURN(std::string name,
                                ParseWildcardName(span, "of a column after '" + std::string(operator_name) + "'"));
        if (allow_direction) {
            for (const char* direction : {"asc", "desc", "granny-asc", "granny-desc"}) {
                if (AcceptWord(direction)) {
                    op.options.emplace_back(name, direction);
                    break;
                }
            }
        }
        op.names.push_back(std::move(name));
        op.name_spans.push_back(span);
    } while (AcceptSymbol(","));
    return Status::Ok();
}

Status Parser::ParseProjectRename(Operator& op) {
    do {
        NamedExpr item;
        UNMASK_ASSIGN_OR_RETURN(item.name, ParseColumnName(item.name_span, "for the new column of 'project-rename'"));
        UNMASK_TRY(ExpectSymbol("=", "after the new name '" + item.name + "' in 'project-rename'"));
        Span old_span;
        UNMASK_ASSIGN_OR_RETURN(std::string old_name,
                                ParseColumnName(old_span, "of the column to rename after '" + item.name + " ='"));
        item.expr = NewExpr(ExprKind::kName, old_span);
        item.expr->name = std::move(old_name);
        op.columns.push_back(std::move(item));
    } while (AcceptSymbol(","));
    return Status::Ok();
}

Status Parser::ParseSummarize(Operator& op) {
    UNMASK_TRY(ParseOptions(op, "summarize", {}, false));
    if (AtOperatorEnd()) {
        return ErrorAt(Peek(), "expected an aggregation such as 'count()' or 'by' after 'summarize' but found " +
                                   Describe(Peek()));
    }
    const bool group_only = IsWord("by") && !IsSymbol("=", 1);
    if (!group_only) {
        UNMASK_ASSIGN_OR_RETURN(op.columns, ParseNamedExprList());
    }
    if (AcceptWord("by")) {
        UNMASK_ASSIGN_OR_RETURN(op.by, ParseNamedExprList());
    }
    return Status::Ok();
}

Status Parser::ParseDistinct(Operator& op) {
    do {
        NamedExpr item;
        if (IsSymbol("*")) {
            item.expr = NewExpr(ExprKind::kStar, {Peek().offset, Peek().length});
            Advance();
        } else {
            UNMASK_ASSIGN_OR_RETURN(item.expr, ParseExpr());
        }
        op.columns.push_back(std::move(item));
    } while (AcceptSymbol(","));
    return Status::Ok();
}

Status Parser::ParseUnion(Operator& op) {
    UNMASK_TRY(ParseOptions(op, "union", {"kind", "withsource", "isfuzzy"}, true));
    do {
        UNMASK_ASSIGN_OR_RETURN(ExprPtr leg, ParseUnionLeg());
        op.legs.push_back(std::move(leg));
    } while (AcceptSymbol(","));
    return Status::Ok();
}

// Parses one union leg: a table name (wildcards allowed), a parenthesised tabular expression or a datatable.
Result<ExprPtr> Parser::ParseUnionLeg() {
    if (IsWord("datatable") && IsSymbol("(", 1)) {
        UNMASK_ASSIGN_OR_RETURN(ExprPtr table, ParseDatatable());
        return WrapInPipe(std::move(table));
    }
    if (IsSymbol("(")) {
        UNMASK_ASSIGN_OR_RETURN(ExprPtr leg, ParseParenthesized("to open a union leg"));
        UNMASK_TRY(CheckTabular(*leg, "as a union leg"));
        return leg;
    }
    Span span;
    UNMASK_ASSIGN_OR_RETURN(std::string name, ParseWildcardName(span, "of a table or a '(' after 'union'"));
    ExprPtr leg = NewExpr(ExprKind::kName, span);
    leg->name = std::move(name);
    return leg;
}

Status Parser::ParseJoin(Operator& op) {
    UNMASK_TRY(ParseOptions(op, "join", {"kind"}, true));
    ExprPtr right;
    if (IsSymbol("(")) {
        UNMASK_ASSIGN_OR_RETURN(right, ParseParenthesized("to open the right side of 'join'"));
        UNMASK_TRY(CheckTabular(*right, "as the right side of 'join'"));
    } else {
        Span span;
        UNMASK_ASSIGN_OR_RETURN(std::string name, ParseColumnName(span, "of a table or a '(' after 'join'"));
        right = NewExpr(ExprKind::kName, span);
        right->name = std::move(name);
    }
    op.legs.push_back(std::move(right));
    UNMASK_TRY(ExpectWord("on", "after the right side of 'join'"));
    do {
        UNMASK_ASSIGN_OR_RETURN(ExprPtr condition, ParseExpr());
        UNMASK_TRY(AddJoinConditions(op, std::move(condition)));
    } while (AcceptSymbol(","));
    return Status::Ok();
}

// Appends a join condition to op.join_on, splitting `c1 and c2` into two conditions. Each condition must
// be a column name or `$left.A == $right.B`.
Status Parser::AddJoinConditions(Operator& op, ExprPtr condition) {
    if (condition->kind == ExprKind::kBinary && condition->op == "and") {
        UNMASK_TRY(AddJoinConditions(op, std::move(condition->args[0])));
        return AddJoinConditions(op, std::move(condition->args[1]));
    }
    auto is_side_column = [](const Expr& expr) {
        return expr.kind == ExprKind::kMember && expr.args[0]->kind == ExprKind::kName &&
               (expr.args[0]->name == "$left" || expr.args[0]->name == "$right");
    };
    const bool valid = condition->kind == ExprKind::kName ||
                       (condition->kind == ExprKind::kBinary && condition->op == "==" &&
                        is_side_column(*condition->args[0]) && is_side_column(*condition->args[1]));
    if (!valid) {
        return ErrorAt(condition->span, "invalid join condition '" + Excerpt(TextOf(condition->span)) +
                                            "'; expected a column name or '$left.Column == $right.Column'");
    }
    op.join_on.push_back(std::move(condition));
    return Status::Ok();
}

// Parses `mv-expand [options] [Name =] expr [to typeof(T)], ... [limit N]`.
Status Parser::ParseMvExpand(Operator& op) {
    UNMASK_TRY(ParseOptions(op, "mv-expand", {"bagexpansion", "with_itemindex"}, false));
    do {
        UNMASK_ASSIGN_OR_RETURN(NamedExpr item, ParseNamedExpr());
        if (AcceptWord("to")) {
            UNMASK_TRY(ExpectWord("typeof", "after 'to' in 'mv-expand'"));
            UNMASK_TRY(ExpectSymbol("(", "after 'typeof'"));
            const Token& type = Peek();
            if (type.kind != TokenKind::kIdentifier) {
                return ErrorAt(type, "expected a type name such as 'string' inside 'typeof(...)' but found " +
                                         Describe(type));
            }
            Advance();
            if (!op.type_name.empty() && op.type_name != type.text) {
                return ErrorAt(type,
                               "'mv-expand' with a different 'to typeof(...)' type for each column is not "
                               "supported",
                               ErrorKind::kNotImplemented);
            }
            op.type_name = std::string(type.text);
            UNMASK_TRY(ExpectSymbol(")", "to close 'typeof('"));
        }
        op.columns.push_back(std::move(item));
    } while (AcceptSymbol(","));
    if (AcceptWord("limit")) {
        UNMASK_ASSIGN_OR_RETURN(op.count, ParseExpr());
    }
    return Status::Ok();
}

} // namespace unmask::query::internal
