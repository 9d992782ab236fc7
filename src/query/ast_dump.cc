// Dump format, one form per node:
//   literals     (long 42) (real 1.5) (int 5) (bool true) (null long) (string "a\"b")
//                (datetime 2024-01-01) (datetime "2024-01-01 10:00") (timespan 24h)
//   names        (name RemoteIPType) (name "Name with spaces")
//   operators    (- (long 1)) (== a b) (matches regex a b) (in~ a x y) (between a low high)
//   postfix      (call ago (timespan 24h)) (index a b) (member a Name)
//   dynamic      (dynamic [(long 1) (dynamic [])]) (dynamic {"k": (long 1)}) (dynamic null) (dynamic (long 5))
//   datatable    (datatable (columns (Name string) (Count long)) (row (string "a") (long 1)) (row ...)), with
//                no (row ...) when there are no values and a short last row when the value count is not a
//                multiple of the column count
//   star         *
//   pipe         (pipe SOURCE OPERATOR...), or (pipe OPERATOR...) when the pipe has no source
//   operators    (KIND key=value... NAME... PREDICATE COUNT COLUMN... (by COLUMN...) SORTKEY... LEG...
//                 (on CONDITION...) (to typeof T) (limit N)), each part only when present; a column is
//                 EXPR or (= Name EXPR), a sort key is (asc EXPR) or (desc EXPR) with nulls-first or
//                 nulls-last before the ')'
//   statements   (let Name VALUE) (query PIPE)
// Words print bare when they contain only letters, digits and _ $ . * : + - ~ !, and quoted otherwise.
// Strings always print quoted, so (string "5") and (long 5) differ.
#include "query/ast_dump.h"

#include <cstdio>
#include <string_view>

namespace unmask::query {
namespace {

void AppendQuoted(std::string& out, std::string_view text) {
    out += '"';
    for (const char c : text) {
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
                char buffer[8];
                std::snprintf(buffer, sizeof(buffer), "\\x%02X", static_cast<unsigned char>(c));
                out += buffer;
            } else {
                out += c;
            }
        }
    }
    out += '"';
}

bool IsBareWordChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("_$.*:+-~!").find(c) != std::string_view::npos;
}

// Appends `text` bare when it is one plain word, and quoted otherwise.
void AppendWord(std::string& out, std::string_view text) {
    bool bare = !text.empty();
    for (const char c : text) {
        bare = bare && IsBareWordChar(c);
    }
    if (bare) {
        out += text;
    } else {
        AppendQuoted(out, text);
    }
}

const char* LiteralKindName(LiteralKind kind) {
    switch (kind) {
    case LiteralKind::kNull:
        return "null";
    case LiteralKind::kBool:
        return "bool";
    case LiteralKind::kInt:
        return "int";
    case LiteralKind::kLong:
        return "long";
    case LiteralKind::kReal:
        return "real";
    case LiteralKind::kString:
        return "string";
    case LiteralKind::kDateTime:
        return "datetime";
    case LiteralKind::kTimeSpan:
        return "timespan";
    }
    return "unknown";
}

const char* OperatorKindName(OperatorKind kind) {
    switch (kind) {
    case OperatorKind::kWhere:
        return "where";
    case OperatorKind::kExtend:
        return "extend";
    case OperatorKind::kProject:
        return "project";
    case OperatorKind::kProjectAway:
        return "project-away";
    case OperatorKind::kProjectKeep:
        return "project-keep";
    case OperatorKind::kProjectRename:
        return "project-rename";
    case OperatorKind::kProjectReorder:
        return "project-reorder";
    case OperatorKind::kSummarize:
        return "summarize";
    case OperatorKind::kSort:
        return "sort";
    case OperatorKind::kTop:
        return "top";
    case OperatorKind::kTake:
        return "take";
    case OperatorKind::kCount:
        return "count";
    case OperatorKind::kDistinct:
        return "distinct";
    case OperatorKind::kUnion:
        return "union";
    case OperatorKind::kAs:
        return "as";
    case OperatorKind::kJoin:
        return "join";
    case OperatorKind::kMvExpand:
        return "mv-expand";
    case OperatorKind::kPrint:
        return "print";
    case OperatorKind::kSerialize:
        return "serialize";
    case OperatorKind::kParse:
        return "parse";
    }
    return "unknown";
}

void AppendExpr(std::string& out, const Expr& expr);

// Appends " EXPR", or " <null>" for a missing child so that a malformed tree still dumps.
void AppendChild(std::string& out, const ExprPtr& child) {
    out += ' ';
    if (child) {
        AppendExpr(out, *child);
    } else {
        out += "<null>";
    }
}

void AppendDynamic(std::string& out, const Expr& expr) {
    out += "(dynamic ";
    if (expr.name == "null") {
        out += "null)";
        return;
    }
    if (expr.name == "scalar") {
        if (!expr.args.empty() && expr.args[0]) {
            AppendExpr(out, *expr.args[0]);
        }
        out += ')';
        return;
    }
    out += expr.is_object ? '{' : '[';
    for (size_t i = 0; i < expr.args.size(); ++i) {
        if (i > 0) {
            out += expr.is_object ? ", " : " ";
        }
        if (expr.is_object) {
            AppendQuoted(out, i < expr.keys.size() ? std::string_view(expr.keys[i]) : std::string_view());
            out += ": ";
        }
        if (expr.args[i]) {
            AppendExpr(out, *expr.args[i]);
        } else {
            out += "<null>";
        }
    }
    out += expr.is_object ? "})" : "])";
}

// Appends a kCall named "datatable": its columns, then its values grouped into rows of one value per column.
void AppendDatatable(std::string& out, const Expr& expr) {
    out += "(datatable (columns";
    for (size_t c = 0; c < expr.keys.size(); ++c) {
        out += " (";
        AppendWord(out, expr.keys[c]);
        out += ' ';
        if (c < expr.column_types.size()) {
            AppendWord(out, expr.column_types[c]);
        } else {
            out += "<null>";
        }
        out += ')';
    }
    out += ')';
    const size_t width = expr.keys.size();
    for (size_t i = 0; i < expr.args.size(); ++i) {
        if (i % width == 0) {
            out += i == 0 ? " (row" : ") (row";
        }
        AppendChild(out, expr.args[i]);
    }
    out += expr.args.empty() ? ")" : "))";
}

void AppendColumn(std::string& out, const NamedExpr& column) {
    out += ' ';
    if (column.name.empty()) {
        if (column.expr) {
            AppendExpr(out, *column.expr);
        }
        return;
    }
    out += "(= ";
    AppendWord(out, column.name);
    AppendChild(out, column.expr);
    out += ')';
}

void AppendSortKey(std::string& out, const SortKey& key) {
    out += key.descending ? " (desc" : " (asc";
    AppendChild(out, key.expr);
    if (key.nulls == 1) {
        out += " nulls-first";
    } else if (key.nulls == 2) {
        out += " nulls-last";
    }
    out += ')';
}

// Appends the fields of an operator in the order listed at the top of this file.
void AppendOperator(std::string& out, const Operator& op) {
    out += '(';
    out += OperatorKindName(op.kind);
    for (const auto& [key, value] : op.options) {
        out += ' ';
        AppendWord(out, key);
        out += '=';
        AppendWord(out, value);
    }
    if (!op.name.empty()) {
        out += ' ';
        AppendWord(out, op.name);
    }
    for (const std::string& name : op.names) {
        out += ' ';
        AppendWord(out, name);
    }

    if (op.predicate) {
        AppendChild(out, op.predicate);
    }
    if (op.count && op.kind != OperatorKind::kMvExpand) {
        AppendChild(out, op.count);
    }
    for (const NamedExpr& column : op.columns) {
        AppendColumn(out, column);
    }
    if (!op.by.empty()) {
        out += " (by";
        for (const NamedExpr& column : op.by) {
            AppendColumn(out, column);
        }
        out += ')';
    }
    for (const SortKey& key : op.sort_keys) {
        AppendSortKey(out, key);
    }

    for (const ExprPtr& leg : op.legs) {
        AppendChild(out, leg);
    }
    if (!op.join_on.empty()) {
        out += " (on";
        for (const ExprPtr& condition : op.join_on) {
            AppendChild(out, condition);
        }
        out += ')';
    }
    if (!op.type_name.empty()) {
        out += " (to typeof ";
        AppendWord(out, op.type_name);
        out += ')';
    }
    if (op.count && op.kind == OperatorKind::kMvExpand) {
        out += " (limit";
        AppendChild(out, op.count);
        out += ')';
    }
    out += ')';
}

void AppendExpr(std::string& out, const Expr& expr) {
    switch (expr.kind) {
    case ExprKind::kLiteral:
        out += '(';
        out += LiteralKindName(expr.literal_kind);
        out += ' ';
        if (expr.literal_kind == LiteralKind::kString) {
            AppendQuoted(out, expr.text);
        } else {
            AppendWord(out, expr.text);
        }
        out += ')';
        return;
    case ExprKind::kName:
        out += "(name ";
        AppendWord(out, expr.name);
        out += ')';
        return;
    case ExprKind::kUnary:
    case ExprKind::kBinary:
    case ExprKind::kIn:
    case ExprKind::kBetween:
        out += '(';
        out += expr.op;
        for (const ExprPtr& arg : expr.args) {
            AppendChild(out, arg);
        }
        out += ')';
        return;
    case ExprKind::kCall:
        if (expr.name == "datatable" && !expr.keys.empty()) {
            AppendDatatable(out, expr);
            return;
        }
        out += "(call ";
        AppendWord(out, expr.name);
        for (const ExprPtr& arg : expr.args) {
            AppendChild(out, arg);
        }
        out += ')';
        return;
    case ExprKind::kIndex:
        out += "(index";
        for (const ExprPtr& arg : expr.args) {
            AppendChild(out, arg);
        }
        out += ')';
        return;
    case ExprKind::kMember:
        out += "(member";
        for (const ExprPtr& arg : expr.args) {
            AppendChild(out, arg);
        }
        out += ' ';
        AppendWord(out, expr.name);
        out += ')';
        return;
    case ExprKind::kDynamic:
        AppendDynamic(out, expr);
        return;
    case ExprKind::kStar:
        out += '*';
        return;
    case ExprKind::kPipe:
        out += "(pipe";
        if (expr.source) {
            AppendChild(out, expr.source);
        }
        for (const Operator& op : expr.operators) {
            out += ' ';
            AppendOperator(out, op);
        }
        out += ')';
        return;
    }
    out += "(unknown)";
}

} // namespace

std::string DumpExpr(const Expr& expr) {
    std::string out;
    AppendExpr(out, expr);
    return out;
}

std::string DumpScript(const Script& script) {
    std::string out;
    for (const Statement& statement : script.statements) {
        if (!out.empty()) {
            out += ' ';
        }
        if (statement.kind == StatementKind::kLet) {
            out += "(let ";
            AppendWord(out, statement.name);
        } else {
            out += "(query";
        }
        AppendChild(out, statement.value);
        out += ')';
    }
    return out;
}

} // namespace unmask::query
