#include "detect/rule_query_check.h"

#include <charconv>
#include <cstdint>
#include <limits>

#include "query/parser.h"
#include "table/datetime.h"

namespace unmask::detect::internal {

namespace {

const char* LiteralExample(Type type) {
    switch (type) {
    case Type::kBool:
        return "true";
    case Type::kInt:
        return "int(5)";
    case Type::kLong:
        return "5";
    case Type::kReal:
        return "0.5 or real(2)";
    case Type::kString:
        return "\"text\"";
    case Type::kDateTime:
        return "datetime(2024-01-31T00:00:00Z)";
    case Type::kTimeSpan:
        return "24h or time(1.02:00:00)";
    case Type::kDynamic:
        return "dynamic([\"a\", \"b\"])";
    }
    return "";
}

std::string Expected(Type type, std::string_view text) {
    const char* article = type == Type::kInt ? "an " : "a ";
    return "expected " + std::string(article) + std::string(TypeName(type)) + " literal such as " +
           LiteralExample(type) + ", found '" + std::string(text) + "'";
}

bool FitsInt32(const std::string& text) {
    int64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size()) {
        return true; // hexadecimal and other spellings are left to the binder
    }
    return value >= std::numeric_limits<int32_t>::min() && value <= std::numeric_limits<int32_t>::max();
}

bool LiteralHasType(const query::Expr& literal, Type type) {
    using query::LiteralKind;
    if (literal.literal_kind == LiteralKind::kNull) {
        return literal.text == TypeName(type);
    }
    switch (type) {
    case Type::kBool:
        return literal.literal_kind == LiteralKind::kBool;
    case Type::kInt:
        return literal.literal_kind == LiteralKind::kInt && FitsInt32(literal.text);
    case Type::kLong:
        return literal.literal_kind == LiteralKind::kLong;
    case Type::kReal:
        return literal.literal_kind == LiteralKind::kReal;
    case Type::kString:
        return literal.literal_kind == LiteralKind::kString;
    // datetime(null) and time(null) arrive as datetime and timespan literals whose text is "null".
    case Type::kDateTime:
        return literal.literal_kind == LiteralKind::kDateTime &&
               (literal.text == "null" || ParseDateTime(literal.text).has_value());
    case Type::kTimeSpan:
        return literal.literal_kind == LiteralKind::kTimeSpan &&
               (literal.text == "null" || ParseTimeSpan(literal.text).has_value());
    case Type::kDynamic:
        return false;
    }
    return false;
}

void CollectNames(const query::Expr& expr, std::set<std::string>& names);

void CollectNames(const query::Operator& op, std::set<std::string>& names) {
    if (op.predicate) {
        CollectNames(*op.predicate, names);
    }
    if (op.count) {
        CollectNames(*op.count, names);
    }
    for (const auto* list : {&op.columns, &op.by}) {
        for (const query::NamedExpr& column : *list) {
            if (column.expr) {
                CollectNames(*column.expr, names);
            }
        }
    }
    for (const query::SortKey& key : op.sort_keys) {
        if (key.expr) {
            CollectNames(*key.expr, names);
        }
    }
    for (const auto* list : {&op.legs, &op.join_on}) {
        for (const query::ExprPtr& expr : *list) {
            if (expr) {
                CollectNames(*expr, names);
            }
        }
    }
}

void CollectNames(const query::Expr& expr, std::set<std::string>& names) {
    if (expr.kind == query::ExprKind::kName) {
        names.insert(expr.name);
    }
    for (const query::ExprPtr& arg : expr.args) {
        if (arg) {
            CollectNames(*arg, names);
        }
    }
    if (expr.source) {
        CollectNames(*expr.source, names);
    }
    for (const query::Operator& op : expr.operators) {
        CollectNames(op, names);
    }
}

} // namespace

std::optional<std::string> CheckLiteral(std::string_view text, Type type) {
    Result<query::ExprPtr> parsed = query::ParseExpression(text);
    if (!parsed.ok()) {
        return Expected(type, text) + " (" + parsed.status().message() + ")";
    }
    const query::Expr* node = parsed->get();
    bool signed_value = false;
    while (node->kind == query::ExprKind::kUnary && node->args.size() == 1 && node->args[0]) {
        signed_value = true;
        node = node->args[0].get();
    }
    if (type == Type::kDynamic) {
        if (node->kind == query::ExprKind::kDynamic && !signed_value) {
            return std::nullopt;
        }
        if (node->kind == query::ExprKind::kLiteral && node->literal_kind == query::LiteralKind::kNull &&
            node->text == "dynamic" && !signed_value) {
            return std::nullopt;
        }
        return Expected(type, text);
    }
    const bool signable = type == Type::kInt || type == Type::kLong || type == Type::kReal || type == Type::kTimeSpan;
    if (node->kind != query::ExprKind::kLiteral || (signed_value && !signable) || !LiteralHasType(*node, type)) {
        return Expected(type, text);
    }
    return std::nullopt;
}

std::set<std::string> ReferencedNames(const query::Script& script) {
    std::set<std::string> names;
    for (const query::Statement& statement : script.statements) {
        if (statement.value) {
            CollectNames(*statement.value, names);
        }
    }
    return names;
}

} // namespace unmask::detect::internal
