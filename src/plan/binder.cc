#include "plan/binder.h"

#include <algorithm>
#include <cmath>

#include "common/source_text.h"
#include "exec/aggregate.h"
#include "plan/binder_internal.h"
#include "table/datetime.h"

namespace unmask::plan {

namespace internal {

Status ErrorAt(ErrorKind kind, const Span& span, std::string message) {
    return Status::At(kind, std::move(message), span.offset, std::max<uint32_t>(1, span.length));
}

std::string JoinNames(const std::vector<std::string>& names) {
    std::string out;
    for (size_t i = 0; i < names.size(); ++i) {
        if (i > 0) {
            out += ", ";
        }
        out += "'" + names[i] + "'";
    }
    return out;
}

bool WildcardMatch(std::string_view pattern, std::string_view text) {
    if (pattern.empty()) {
        return text.empty();
    }
    if (pattern[0] == '*') {
        for (size_t skip = 0; skip <= text.size(); ++skip) {
            if (WildcardMatch(pattern.substr(1), text.substr(skip))) {
                return true;
            }
        }
        return false;
    }
    return !text.empty() && pattern[0] == text[0] && WildcardMatch(pattern.substr(1), text.substr(1));
}

bool Binder::IsTabular(const Expr& expr) const {
    if (expr.kind == ExprKind::kPipe) {
        return true;
    }
    if (expr.kind == ExprKind::kCall && (expr.name == "datatable" || expr.name == "materialize")) {
        return true;
    }
    if (expr.kind == ExprKind::kName) {
        if (const LetBinding* let = FindLet(expr.name)) {
            return let->tabular;
        }
        return std::any_of(catalog_.begin(), catalog_.end(), [&](const CatalogTable& t) { return t.name == expr.name; });
    }
    return false;
}

Result<const Table*> Binder::RunSubquery(const Expr& expr) {
    const Expr* key = &expr;
    if (expr.kind == ExprKind::kName) {
        if (const LetBinding* let = FindLet(expr.name)) {
            key = let->syntax;
        }
    }
    auto cached = subquery_results_.find(key);
    if (cached != subquery_results_.end()) {
        return &cached->second;
    }
    if (!options_.run_subquery) {
        return ErrorAt(ErrorKind::kNotImplemented, expr.span, "tabular subqueries are not available here");
    }
    UNMASK_ASSIGN_OR_RETURN(PlanNodePtr plan, BindSource(expr));
    auto table = options_.run_subquery(*plan);
    if (!table.ok()) {
        return ErrorAt(table.status().kind(), expr.span, "subquery failed: " + table.status().message());
    }
    auto inserted = subquery_results_.emplace(key, std::move(table).value());
    return &inserted.first->second;
}

const LetBinding* Binder::FindLet(std::string_view name) const {
    for (size_t i = visible_lets_; i > 0; --i) {
        if (lets_[i - 1].name == name) {
            return &lets_[i - 1];
        }
    }
    return nullptr;
}

std::vector<std::string> Binder::KnownNames(const Schema* schema) const {
    std::vector<std::string> names;
    if (schema != nullptr) {
        for (const Field& field : *schema) {
            names.push_back(field.name);
        }
    }
    for (size_t i = 0; i < visible_lets_; ++i) {
        names.push_back(lets_[i].name);
    }
    return names;
}

Result<BoundQuery> Binder::Bind(const query::Script& script) {
    const query::Statement* last_query = nullptr;
    for (const query::Statement& statement : script.statements) {
        if (statement.kind == query::StatementKind::kLet) {
            LetBinding let;
            let.name = statement.name;
            let.visible_lets = lets_.size();
            visible_lets_ = lets_.size();
            const Expr& value = *statement.value;
            bool tabular = value.kind == ExprKind::kPipe;
            if (!tabular && value.kind == ExprKind::kName) {
                // A bare name is tabular when it names a table or a tabular let.
                const LetBinding* other = FindLet(value.name);
                tabular = other != nullptr ? other->tabular
                                           : std::any_of(catalog_.begin(), catalog_.end(),
                                                         [&](const CatalogTable& t) { return t.name == value.name; });
            }
            if (!tabular && value.kind == ExprKind::kCall && (value.name == "materialize" || value.name == "datatable")) {
                tabular = true;
            }
            if (tabular) {
                let.tabular = true;
                let.syntax = &value;
                // Kusto binds every statement, used or not, so an unused let with a wrong name
                // is an error too. The plan built here serves only that check.
                auto checked = BindTabular(value);
                if (!checked.ok()) {
                    return checked.status();
                }
            } else {
                UNMASK_ASSIGN_OR_RETURN(BoundExprPtr bound, BindScalar(value, nullptr));
                UNMASK_ASSIGN_OR_RETURN(let.value, FoldConstant(*bound, value.span));
            }
            lets_.push_back(std::move(let));
        } else {
            last_query = &statement;
        }
    }
    if (last_query == nullptr) {
        return Status(ErrorKind::kParse, "the query has no tabular statement after its let statements");
    }
    visible_lets_ = lets_.size();
    BoundQuery result;
    UNMASK_ASSIGN_OR_RETURN(result.root, BindTabular(*last_query->value));
    result.notes = std::move(notes_);
    return result;
}

std::vector<functions::BindArg> Binder::BindArgs(const std::vector<BoundExprPtr>& args) {
    std::vector<functions::BindArg> bind_args;
    for (const auto& arg : args) {
        functions::BindArg bind_arg;
        bind_arg.type = arg->type;
        bind_arg.constant = arg->is_constant() ? &arg->constant : nullptr;
        bind_args.push_back(bind_arg);
    }
    return bind_args;
}

Result<Value> Binder::FoldConstant(const BoundExpr& expr, const Span& span) {
    auto value = exec::EvaluateConstant(expr, context_);
    if (!value.ok()) {
        if (value.status().kind() == ErrorKind::kInternal) {
            return ErrorAt(ErrorKind::kBind, span, "this expression must be a constant, but it reads a column");
        }
        return ErrorAt(value.status().kind(), span, value.status().message());
    }
    return value.value();
}

Result<BoundExprPtr> Binder::MakeCall(const Expr& expr, functions::BoundScalar bound, std::vector<BoundExprPtr> args) {
    auto call = std::make_unique<BoundExpr>();
    call->kind = BoundExpr::Kind::kCall;
    call->type = bound.result_type;
    call->kernel = std::move(bound.kernel);
    call->text = expr.name.empty() ? expr.op : expr.name;
    const bool all_constant =
        std::all_of(args.begin(), args.end(), [](const BoundExprPtr& arg) { return arg->is_constant(); });
    call->args = std::move(args);
    // now() is constant within a query, so folding it is safe; no function here has side effects.
    if (all_constant) {
        UNMASK_ASSIGN_OR_RETURN(Value value, FoldConstant(*call, expr.span));
        value.type = call->type;
        return BoundExpr::MakeConstant(std::move(value), call->text);
    }
    return call;
}

Result<BoundExprPtr> Binder::BindLiteral(const Expr& expr) {
    const std::string& text = expr.text;
    switch (expr.literal_kind) {
        case LiteralKind::kNull: {
            std::optional<Type> type = ParseTypeName(text);
            if (!type) {
                return ErrorAt(ErrorKind::kType, expr.span, "unknown type '" + text + "' in a typed null");
            }
            return BoundExpr::MakeConstant(Value::Null(*type), text + "(null)");
        }
        case LiteralKind::kBool: return BoundExpr::MakeConstant(Value::Bool(text == "true"), text);
        case LiteralKind::kInt:
        case LiteralKind::kLong: {
            int64_t number = 0;
            try {
                size_t used = 0;
                number = static_cast<int64_t>(std::stoll(text, &used, 0));
                if (used != text.size()) {
                    throw std::invalid_argument(text);
                }
            } catch (const std::exception&) {
                return ErrorAt(ErrorKind::kParse, expr.span, "invalid integer literal '" + text + "'");
            }
            return BoundExpr::MakeConstant(
                expr.literal_kind == LiteralKind::kInt ? Value::Int(number) : Value::Long(number), text);
        }
        case LiteralKind::kReal: {
            std::string lower;
            for (char c : text) {
                lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            }
            double number = 0;
            if (lower == "nan") {
                number = std::nan("");
            } else if (lower == "inf" || lower == "+inf") {
                number = INFINITY;
            } else if (lower == "-inf") {
                number = -INFINITY;
            } else {
                char* end = nullptr;
                number = std::strtod(text.c_str(), &end);
                if (end != text.c_str() + text.size()) {
                    return ErrorAt(ErrorKind::kParse, expr.span, "invalid real literal '" + text + "'");
                }
            }
            return BoundExpr::MakeConstant(Value::Real(number), text);
        }
        case LiteralKind::kString: return BoundExpr::MakeConstant(Value::String(text), "\"" + text + "\"");
        case LiteralKind::kDateTime: {
            if (text == "null") {
                return BoundExpr::MakeConstant(Value::Null(Type::kDateTime), "datetime(null)");
            }
            std::optional<int64_t> ticks = ParseDateTime(text);
            if (!ticks) {
                return ErrorAt(ErrorKind::kParse, expr.span,
                               "invalid datetime literal '" + text + "'; expected a form such as 2024-01-31 or "
                                                                     "2024-01-31T10:00:00Z");
            }
            return BoundExpr::MakeConstant(Value::DateTime(*ticks), "datetime(" + text + ")");
        }
        case LiteralKind::kTimeSpan: {
            if (text == "null") {
                return BoundExpr::MakeConstant(Value::Null(Type::kTimeSpan), "timespan(null)");
            }
            std::optional<int64_t> ticks = ParseTimeSpan(text);
            if (!ticks) {
                return ErrorAt(ErrorKind::kParse, expr.span,
                               "invalid timespan literal '" + text + "'; expected a form such as 24h, 30m or 1.02:00:00");
            }
            return BoundExpr::MakeConstant(Value::TimeSpan(*ticks), text);
        }
    }
    return ErrorAt(ErrorKind::kInternal, expr.span, "unknown literal kind");
}

Result<DynamicPtr> Binder::BindDynamicLiteral(const Expr& expr) {
    if (expr.kind == ExprKind::kDynamic) {
        if (expr.name == "null") {
            return DynamicValue::Null();
        }
        if (expr.name == "scalar" && expr.args.size() == 1) {
            return BindDynamicLiteral(*expr.args[0]);
        }
        if (expr.is_object) {
            DynamicValue::Object properties;
            for (size_t i = 0; i < expr.args.size(); ++i) {
                UNMASK_ASSIGN_OR_RETURN(DynamicPtr value, BindDynamicLiteral(*expr.args[i]));
                properties.emplace_back(i < expr.keys.size() ? expr.keys[i] : std::string(), std::move(value));
            }
            return DynamicValue::MakeObject(std::move(properties));
        }
        DynamicValue::Array items;
        for (const auto& item : expr.args) {
            UNMASK_ASSIGN_OR_RETURN(DynamicPtr value, BindDynamicLiteral(*item));
            items.push_back(std::move(value));
        }
        return DynamicValue::MakeArray(std::move(items));
    }
    UNMASK_ASSIGN_OR_RETURN(BoundExprPtr bound, BindScalar(expr, nullptr));
    UNMASK_ASSIGN_OR_RETURN(Value value, FoldConstant(*bound, expr.span));
    return value.ToDynamic();
}

Result<BoundExprPtr> Binder::BindName(const Expr& expr, const Schema* schema) {
    if (schema != nullptr) {
        const int index = FindField(*schema, expr.name);
        if (index >= 0) {
            return BoundExpr::MakeColumn(index, (*schema)[index].type, expr.name);
        }
    }
    if (const LetBinding* let = FindLet(expr.name)) {
        if (let->tabular) {
            return ErrorAt(ErrorKind::kType, expr.span,
                           "'" + expr.name + "' is a tabular expression and cannot be used as a scalar value");
        }
        return BoundExpr::MakeConstant(let->value, expr.name);
    }
    if (schema != nullptr) {
        for (const Field& extension : options_.nullable_extensions) {
            if (extension.name == expr.name) {
                if (noted_extensions_.insert(expr.name).second) {
                    notes_.push_back("column '" + expr.name +
                                     "' is in no input; it is read as null (an unmask extension column that "
                                     "Defender does not have; --strict-schema rejects it as Kusto does)");
                }
                return BoundExpr::MakeConstant(Value::Null(extension.type), expr.name);
            }
        }
    }
    std::string message = "the name '" + expr.name + "' does not refer to any known column, table, variable or function";
    if (std::find(options_.strict_extensions.begin(), options_.strict_extensions.end(), expr.name) !=
        options_.strict_extensions.end()) {
        message += "; it is an unmask extension column that Defender's DeviceNetworkEvents does not have, so "
                   "--strict-schema rejects it as Kusto does (drop --strict-schema to read it, or use "
                   "column_ifexists())";
        return ErrorAt(ErrorKind::kBind, expr.span, message);
    }
    const std::vector<std::string> nearest = NearestNames(expr.name, KnownNames(schema));
    if (!nearest.empty()) {
        message += "; did you mean " + JoinNames(nearest) + "?";
    }
    return ErrorAt(ErrorKind::kBind, expr.span, message);
}

Result<BoundExprPtr> Binder::BindCall(const Expr& expr, const Schema* schema) {
    const std::string& name = expr.name;
    if (name == "column_ifexists") {
        if (expr.args.size() != 2 || expr.args[0]->kind != ExprKind::kLiteral ||
            expr.args[0]->literal_kind != LiteralKind::kString) {
            return ErrorAt(ErrorKind::kType, expr.span,
                           "column_ifexists() takes a column name as a string literal and a default value");
        }
        const std::string& column = expr.args[0]->text;
        if (schema != nullptr) {
            const int index = FindField(*schema, column);
            if (index >= 0) {
                return BoundExpr::MakeColumn(index, (*schema)[index].type, column);
            }
        }
        return BindScalar(*expr.args[1], schema);
    }
    if (name == "typeof" && expr.args.size() == 1 && expr.args[0]->kind == ExprKind::kName &&
        ParseTypeName(expr.args[0]->name)) {
        // typeof(int) names a type for functions such as extract(); it binds to the type's name.
        return BoundExpr::MakeConstant(Value::String(std::string(TypeName(*ParseTypeName(expr.args[0]->name)))),
                                       "typeof(" + expr.args[0]->name + ")");
    }
    if (name == "toscalar") {
        if (expr.args.size() != 1) {
            return ErrorAt(ErrorKind::kType, expr.span, "toscalar() takes one tabular expression");
        }
        UNMASK_ASSIGN_OR_RETURN(const Table* table, RunSubquery(*expr.args[0]));
        if (table->schema.empty()) {
            return ErrorAt(ErrorKind::kType, expr.span, "the subquery of toscalar() returns no column");
        }
        const Type type = table->schema[0].type;
        for (const Chunk& chunk : table->chunks) {
            if (chunk.rows > 0) {
                return BoundExpr::MakeConstant(Value::FromColumn(chunk.columns[0], 0), "toscalar(...)");
            }
        }
        return BoundExpr::MakeConstant(Value::Null(type), "toscalar(...)");
    }
    if (exec::FindAggregate(name) != nullptr && functions::FindScalarFunction(name) == nullptr) {
        return ErrorAt(ErrorKind::kBind, expr.span,
                       "the aggregate function '" + name + "()' can only be used in summarize");
    }
    const functions::ScalarFunction* function = functions::FindScalarFunction(name);
    if (function == nullptr) {
        std::string message = "unknown function '" + name + "'";
        const std::vector<std::string> nearest = NearestNames(name, functions::ScalarFunctionNames());
        if (!nearest.empty()) {
            message += "; did you mean " + JoinNames(nearest) + "?";
        }
        return ErrorAt(ErrorKind::kBind, expr.span, message);
    }
    if (expr.args.size() < function->min_args || expr.args.size() > function->max_args) {
        return ErrorAt(ErrorKind::kType, expr.span,
                       name + "() takes " +
                           (function->min_args == function->max_args
                                ? std::to_string(function->min_args)
                                : std::to_string(function->min_args) + " to " + std::to_string(function->max_args)) +
                           " arguments, but " + std::to_string(expr.args.size()) + " were given: " +
                           function->signature);
    }
    std::vector<BoundExprPtr> args;
    for (const auto& arg : expr.args) {
        UNMASK_ASSIGN_OR_RETURN(BoundExprPtr bound, BindScalar(*arg, schema));
        args.push_back(std::move(bound));
    }
    auto bound = function->bind(BindArgs(args));
    if (!bound.ok()) {
        return ErrorAt(bound.status().kind(), expr.span, bound.status().message());
    }
    return MakeCall(expr, std::move(bound).value(), std::move(args));
}

Result<BoundExprPtr> Binder::BindScalar(const Expr& expr, const Schema* schema) {
    switch (expr.kind) {
        case ExprKind::kLiteral: return BindLiteral(expr);
        case ExprKind::kName: return BindName(expr, schema);
        case ExprKind::kCall: return BindCall(expr, schema);
        case ExprKind::kDynamic: {
            UNMASK_ASSIGN_OR_RETURN(DynamicPtr value, BindDynamicLiteral(expr));
            if (value == nullptr || value->is_null()) {
                return BoundExpr::MakeConstant(Value::Null(Type::kDynamic), "dynamic(null)");
            }
            return BoundExpr::MakeConstant(Value::Dynamic(std::move(value)), "dynamic(...)");
        }
        case ExprKind::kUnary: {
            UNMASK_ASSIGN_OR_RETURN(BoundExprPtr operand, BindScalar(*expr.args[0], schema));
            functions::BindArg arg{operand->type, operand->is_constant() ? &operand->constant : nullptr};
            auto bound = functions::BindUnaryOperator(expr.op, arg);
            if (!bound.ok()) {
                return ErrorAt(bound.status().kind(), expr.span, bound.status().message());
            }
            std::vector<BoundExprPtr> operands;
            operands.push_back(std::move(operand));
            return MakeCall(expr, std::move(bound).value(), std::move(operands));
        }
        case ExprKind::kBinary: {
            UNMASK_ASSIGN_OR_RETURN(BoundExprPtr left, BindScalar(*expr.args[0], schema));
            UNMASK_ASSIGN_OR_RETURN(BoundExprPtr right, BindScalar(*expr.args[1], schema));
            functions::BindArg left_arg{left->type, left->is_constant() ? &left->constant : nullptr};
            functions::BindArg right_arg{right->type, right->is_constant() ? &right->constant : nullptr};
            auto bound = functions::BindBinaryOperator(expr.op, left_arg, right_arg);
            if (!bound.ok()) {
                return ErrorAt(bound.status().kind(), expr.span, bound.status().message());
            }
            std::vector<BoundExprPtr> operands;
            operands.push_back(std::move(left));
            operands.push_back(std::move(right));
            return MakeCall(expr, std::move(bound).value(), std::move(operands));
        }
        case ExprKind::kIn: {
            UNMASK_ASSIGN_OR_RETURN(BoundExprPtr left, BindScalar(*expr.args[0], schema));
            std::vector<Value> items;
            for (size_t i = 1; i < expr.args.size(); ++i) {
                const Expr& item = *expr.args[i];
                if (IsTabular(item)) {
                    // The subquery runs first (its own pass over the input, as Kusto evaluates
                    // it separately); the values of its first column become the list.
                    UNMASK_ASSIGN_OR_RETURN(const Table* table, RunSubquery(item));
                    if (table->schema.empty()) {
                        return ErrorAt(ErrorKind::kType, item.span, "the subquery returns no column");
                    }
                    for (const Chunk& chunk : table->chunks) {
                        for (size_t row = 0; row < chunk.rows; ++row) {
                            items.push_back(Value::FromColumn(chunk.columns[0], row));
                        }
                    }
                    continue;
                }
                UNMASK_ASSIGN_OR_RETURN(BoundExprPtr bound_item, BindScalar(item, schema));
                UNMASK_ASSIGN_OR_RETURN(Value value, FoldConstant(*bound_item, item.span));
                items.push_back(std::move(value));
            }
            functions::BindArg left_arg{left->type, left->is_constant() ? &left->constant : nullptr};
            auto bound = functions::BindInOperator(expr.op, left_arg, items);
            if (!bound.ok()) {
                return ErrorAt(bound.status().kind(), expr.span, bound.status().message());
            }
            std::vector<BoundExprPtr> operands;
            operands.push_back(std::move(left));
            return MakeCall(expr, std::move(bound).value(), std::move(operands));
        }
        case ExprKind::kBetween: {
            std::vector<BoundExprPtr> operands;
            for (const auto& arg : expr.args) {
                UNMASK_ASSIGN_OR_RETURN(BoundExprPtr bound, BindScalar(*arg, schema));
                operands.push_back(std::move(bound));
            }
            auto args = BindArgs(operands);
            auto bound = functions::BindBetween(expr.op == "!between", args[0], args[1], args[2]);
            if (!bound.ok()) {
                return ErrorAt(bound.status().kind(), expr.span, bound.status().message());
            }
            return MakeCall(expr, std::move(bound).value(), std::move(operands));
        }
        case ExprKind::kIndex: {
            UNMASK_ASSIGN_OR_RETURN(BoundExprPtr base, BindScalar(*expr.args[0], schema));
            UNMASK_ASSIGN_OR_RETURN(BoundExprPtr index, BindScalar(*expr.args[1], schema));
            std::vector<BoundExprPtr> operands;
            operands.push_back(std::move(base));
            operands.push_back(std::move(index));
            auto args = BindArgs(operands);
            auto bound = functions::BindIndex(args[0], args[1]);
            if (!bound.ok()) {
                return ErrorAt(bound.status().kind(), expr.span, bound.status().message());
            }
            return MakeCall(expr, std::move(bound).value(), std::move(operands));
        }
        case ExprKind::kMember: {
            UNMASK_ASSIGN_OR_RETURN(BoundExprPtr base, BindScalar(*expr.args[0], schema));
            std::vector<BoundExprPtr> operands;
            operands.push_back(std::move(base));
            auto args = BindArgs(operands);
            auto bound = functions::BindMember(args[0], expr.name);
            if (!bound.ok()) {
                return ErrorAt(bound.status().kind(), expr.span, bound.status().message());
            }
            return MakeCall(expr, std::move(bound).value(), std::move(operands));
        }
        case ExprKind::kStar:
            return ErrorAt(ErrorKind::kParse, expr.span, "'*' is allowed only in arg_max(), arg_min() and distinct");
        case ExprKind::kPipe:
            return ErrorAt(ErrorKind::kType, expr.span, "a tabular expression cannot be used as a scalar value");
    }
    return ErrorAt(ErrorKind::kInternal, expr.span, "unknown expression kind");
}

std::string Binder::DefaultName(const Expr& expr, const Schema& taken) {
    if (expr.kind == ExprKind::kName) {
        return expr.name;
    }
    if (expr.kind == ExprKind::kMember && !expr.args.empty()) {
        return DefaultName(*expr.args[0], {}) + "_" + expr.name;
    }
    if (expr.kind == ExprKind::kIndex && expr.args.size() == 2 && expr.args[1]->kind == ExprKind::kLiteral) {
        return DefaultName(*expr.args[0], {}) + "_" + expr.args[1]->text;
    }
    for (int n = 1;; ++n) {
        std::string name = "Column" + std::to_string(n);
        if (FindField(taken, name) < 0) {
            return name;
        }
    }
}

}  // namespace internal

Result<BoundQuery> BindScript(const query::Script& script, const std::vector<CatalogTable>& catalog,
                              const BindOptions& options) {
    internal::Binder binder(catalog, options);
    return binder.Bind(script);
}

}  // namespace unmask::plan
