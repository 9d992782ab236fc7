// Syntax tree of a KQL script, as the parser produces it and the binder consumes it.
//
// The tree keeps spellings, not meanings: an operator is its text ("==", "!has_cs", "matches regex"),
// a literal is its kind plus its text, and a name is not yet resolved to a column, a `let` or a
// table. The binder in src/plan gives them meaning. Every node carries the byte span of the query
// text it came from, so errors can point at it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace unmask::query {

/// Bytes [offset, offset + length) of the query text.
struct Span {
    uint32_t offset = 0;
    uint32_t length = 0;
};

struct Expr;
struct Operator;
using ExprPtr = std::unique_ptr<Expr>;

/// Kind of a literal. Datetime and timespan literals keep their text for the binder to parse.
enum class LiteralKind {
    kNull,      ///< a typed null such as `long(null)`; `text` holds the type name
    kBool,      ///< `true` / `false`; text is "true" or "false"
    kInt,       ///< `int(5)`; text is the number
    kLong,      ///< `42`, `long(42)`, `0x2A`; text is the number as written
    kReal,      ///< `1.5`, `1e3`, `real(1)`, `real(nan)`; text is the number as written
    kString,    ///< any string literal form; text is the unescaped value
    kDateTime,  ///< `datetime(2024-01-01 10:00)`; text is what stands inside the parentheses
    kTimeSpan,  ///< `24h`, `1.5d`, `time(1.02:00:00)`; text is the literal without `time(...)`
};

enum class ExprKind {
    kLiteral,  ///< literal_kind + text
    kName,     ///< a column, `let` variable or table name in `name`; `['quoted name']` arrives unquoted
    kUnary,    ///< op is "-" or "+"; args[0] is the operand
    kBinary,   ///< op is the spelling ("and", "==", "!contains_cs", "matches regex", "+"); args[0], args[1]
    kCall,     ///< name(args...); `count()` has no args. `*` as an argument is a kStar node
    kIndex,    ///< args[0][args[1]]
    kMember,   ///< args[0].name
    kIn,       ///< op is "in", "!in", "in~", "!in~", "has_any" or "has_all"; args[0] is the left side,
               ///< args[1..] the list items, where one item may be a kPipe (tabular subquery)
    kBetween,  ///< op is "between" or "!between"; args[0] between (args[1] .. args[2])
    kDynamic,  ///< dynamic literal: `dynamic([..])` has items in args; `dynamic({..})` has values in
               ///< args and their keys in `keys`; `dynamic(null)` has is_object false and no args
               ///< but name "null"; a scalar `dynamic(5)` has one arg and name "scalar"
    kStar,     ///< `*` inside a call such as arg_max(Timestamp, *)
    kPipe,     ///< a tabular expression: `source` then `operators`
};

struct Expr {
    ExprKind kind = ExprKind::kLiteral;
    Span span;

    LiteralKind literal_kind = LiteralKind::kNull;
    std::string text;  ///< literal payload (see LiteralKind)

    std::string name;  ///< kName, kCall, kMember; kDynamic form marker
    std::string op;    ///< kUnary, kBinary, kIn, kBetween spelling
    std::vector<ExprPtr> args;
    std::vector<std::string> keys;  ///< kDynamic object keys, parallel to args; datatable column names
    /// kCall named "datatable": the type name of each column in `keys`. `args` contains the cell
    /// literals row after row.
    std::vector<std::string> column_types;
    bool is_object = false;         ///< kDynamic: `{...}` rather than `[...]`

    /// kPipe only: the first element of a tabular expression. It is a kName (table or `let`),
    /// a kCall (`materialize(T)`, `datatable(...)`) or null when the pipe starts with an operator
    /// that produces rows by itself (`union A, B`, `print`, `range`), which is then operators[0].
    ExprPtr source;
    std::vector<Operator> operators;
};

/// An output column: `Name = Expr` or a bare `Expr` (then name is empty and the binder derives it).
struct NamedExpr {
    std::string name;
    Span name_span;
    ExprPtr expr;
};

struct SortKey {
    ExprPtr expr;
    bool descending = true;  ///< Kusto's default direction for sort and top is descending
    int nulls = 0;           ///< 0 = default for the direction, 1 = nulls first, 2 = nulls last
};

enum class OperatorKind {
    kWhere,           ///< predicate
    kExtend,          ///< columns
    kProject,         ///< columns
    kProjectAway,     ///< names (wildcards kept as written, such as "Initiating*")
    kProjectKeep,     ///< names
    kProjectRename,   ///< columns: name = new name, expr = kName of the old name
    kProjectReorder,  ///< names, each optionally followed by asc/desc in `options`
    kSummarize,       ///< columns (aggregates), by (group keys; `bin(x, 1h)` allowed)
    kSort,            ///< sort_keys (`sort by` and `order by`)
    kTop,             ///< count, sort_keys (one key)
    kTake,            ///< count (`take` and `limit`)
    kCount,           ///< no fields
    kDistinct,        ///< columns (bare names or `*` as a kStar expr)
    kUnion,           ///< legs (each a kPipe or kName), options: "kind" = "inner"|"outer",
                      ///< "withsource" = column name, "isfuzzy" = "true"|"false"
    kAs,              ///< name
    kJoin,            ///< legs[0] is the right side; options "kind"; join_on holds the conditions
    kMvExpand,        ///< columns (Name = expr or bare column), options "to typeof" in `type_name`
    kPrint,           ///< columns
    kSerialize,       ///< columns (optional extends)
    kParse,           ///< reserved for later
};

struct Operator {
    OperatorKind kind = OperatorKind::kWhere;
    Span span;  ///< the operator keyword

    ExprPtr predicate;
    std::vector<NamedExpr> columns;
    std::vector<NamedExpr> by;
    std::vector<SortKey> sort_keys;
    ExprPtr count;
    std::vector<ExprPtr> legs;
    std::vector<std::string> names;
    std::vector<Span> name_spans;
    std::vector<ExprPtr> join_on;  ///< join conditions: kName (same name both sides) or kBinary "=="
                                   ///< between `$left.X` and `$right.Y` (kMember on kName "$left")
    std::vector<std::pair<std::string, std::string>> options;  ///< name=value options in order
    std::string name;       ///< kAs target
    std::string type_name;  ///< kMvExpand `to typeof(T)`
};

enum class StatementKind {
    kLet,    ///< let name = value;
    kQuery,  ///< a tabular expression whose result is the script's output
};

struct Statement {
    StatementKind kind = StatementKind::kQuery;
    Span span;
    std::string name;  ///< kLet
    Span name_span;
    ExprPtr value;  ///< kLet: scalar expression or kPipe; kQuery: kPipe
};

struct Script {
    std::vector<Statement> statements;
};

}  // namespace unmask::query
