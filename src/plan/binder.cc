#include "plan/binder.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "common/source_text.h"
#include "exec/aggregate.h"
#include "functions/registry.h"
#include "table/datetime.h"

namespace unmask::plan {

namespace {

using exec::BoundExpr;
using exec::BoundExprPtr;
using query::Expr;
using query::ExprKind;
using query::LiteralKind;
using query::OperatorKind;
using query::Span;

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

/// A `let` statement: a folded scalar or the syntax of a tabular expression bound at each use.
struct LetBinding {
    std::string name;
    bool tabular = false;
    Value value;
    const Expr* syntax = nullptr;
    size_t visible_lets = 0;  ///< lets defined before this one, visible inside it
};

class Binder {
public:
    Binder(const std::vector<CatalogTable>& catalog, const BindOptions& options)
        : catalog_(catalog), options_(options) {
        context_.now_ticks = options.now_ticks;
    }

    Result<BoundQuery> Bind(const query::Script& script);

private:
    // Scalars.
    Result<BoundExprPtr> BindScalar(const Expr& expr, const Schema* schema);
    Result<BoundExprPtr> BindName(const Expr& expr, const Schema* schema);
    Result<BoundExprPtr> BindCall(const Expr& expr, const Schema* schema);
    Result<BoundExprPtr> BindLiteral(const Expr& expr);
    Result<DynamicPtr> BindDynamicLiteral(const Expr& expr);
    Result<BoundExprPtr> MakeCall(const Expr& expr, functions::BoundScalar bound, std::vector<BoundExprPtr> args);
    Result<Value> FoldConstant(const BoundExpr& expr, const Span& span);
    static std::vector<functions::BindArg> BindArgs(const std::vector<BoundExprPtr>& args);

    // Tabular.
    Result<PlanNodePtr> BindTabular(const Expr& expr);
    Result<PlanNodePtr> BindSource(const Expr& source);
    Result<PlanNodePtr> BindOperator(const query::Operator& op, PlanNodePtr input);
    Result<PlanNodePtr> BindWhere(const query::Operator& op, PlanNodePtr input);
    Result<PlanNodePtr> BindExtend(const query::Operator& op, PlanNodePtr input);
    Result<PlanNodePtr> BindProject(const query::Operator& op, PlanNodePtr input);
    Result<PlanNodePtr> BindProjectNames(const query::Operator& op, PlanNodePtr input);
    Result<PlanNodePtr> BindProjectRename(const query::Operator& op, PlanNodePtr input);
    Result<PlanNodePtr> BindSummarize(const query::Operator& op, PlanNodePtr input);
    Result<PlanNodePtr> BindSort(const query::Operator& op, PlanNodePtr input);
    Result<PlanNodePtr> BindTake(const query::Operator& op, PlanNodePtr input);
    Result<PlanNodePtr> BindDistinct(const query::Operator& op, PlanNodePtr input);
    Result<PlanNodePtr> BindUnion(const query::Operator& op, PlanNodePtr input);
    Result<PlanNodePtr> BindPrint(const query::Operator& op);
    Result<PlanNodePtr> BindDatatable(const Expr& source);
    Result<int64_t> BindCount(const Expr& expr);
    Result<const Table*> RunSubquery(const Expr& expr);
    bool IsTabular(const Expr& expr) const;

    const LetBinding* FindLet(std::string_view name) const;
    std::vector<std::string> KnownNames(const Schema* schema) const;
    std::string DefaultName(const Expr& expr, const Schema& taken);

    const std::vector<CatalogTable>& catalog_;
    const BindOptions& options_;
    functions::EvalContext context_;
    std::vector<LetBinding> lets_;
    size_t visible_lets_ = 0;
    std::vector<std::string> notes_;
    std::set<std::string> noted_extensions_;
    /// Results of subqueries already run, by syntax node, so a let bound twice runs once.
    std::map<const Expr*, Table> subquery_results_;
};

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
                // is an error too; the plan built here is only for that check.
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
            auto args = BindArgs({});
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

Result<PlanNodePtr> Binder::BindTabular(const Expr& expr) {
    if (expr.kind != ExprKind::kPipe) {
        return BindSource(expr);
    }
    PlanNodePtr node;
    size_t first_operator = 0;
    if (expr.source) {
        UNMASK_ASSIGN_OR_RETURN(node, BindSource(*expr.source));
    } else if (!expr.operators.empty()) {
        const query::Operator& op = expr.operators[0];
        if (op.kind == OperatorKind::kUnion) {
            UNMASK_ASSIGN_OR_RETURN(node, BindUnion(op, nullptr));
        } else if (op.kind == OperatorKind::kPrint) {
            UNMASK_ASSIGN_OR_RETURN(node, BindPrint(op));
        } else {
            return ErrorAt(ErrorKind::kParse, op.span, "a query cannot start with this operator");
        }
        first_operator = 1;
    } else {
        return ErrorAt(ErrorKind::kParse, expr.span, "empty tabular expression");
    }
    for (size_t i = first_operator; i < expr.operators.size(); ++i) {
        UNMASK_ASSIGN_OR_RETURN(node, BindOperator(expr.operators[i], std::move(node)));
    }
    return node;
}

Result<PlanNodePtr> Binder::BindSource(const Expr& source) {
    if (source.kind == ExprKind::kPipe) {
        return BindTabular(source);
    }
    if (source.kind == ExprKind::kCall && source.name == "datatable") {
        return BindDatatable(source);
    }
    if (source.kind == ExprKind::kCall && source.name == "materialize" && source.args.size() == 1) {
        return BindTabular(*source.args[0]);
    }
    if (source.kind == ExprKind::kName) {
        if (const LetBinding* let = FindLet(source.name)) {
            if (!let->tabular) {
                return ErrorAt(ErrorKind::kType, source.span,
                               "'" + source.name + "' is a scalar value, not a table");
            }
            const size_t saved = visible_lets_;
            visible_lets_ = let->visible_lets;
            auto bound = BindTabular(*let->syntax);
            visible_lets_ = saved;
            return bound;
        }
        for (const CatalogTable& table : catalog_) {
            if (table.name == source.name) {
                auto node = std::make_unique<PlanNode>();
                node->kind = PlanNode::Kind::kScan;
                node->table_name = table.name;
                node->schema = table.schema;
                return node;
            }
        }
        std::vector<std::string> candidates;
        for (const CatalogTable& table : catalog_) {
            candidates.push_back(table.name);
        }
        for (size_t i = 0; i < visible_lets_; ++i) {
            if (lets_[i].tabular) {
                candidates.push_back(lets_[i].name);
            }
        }
        std::string message = "unknown table '" + source.name + "'";
        const std::vector<std::string> nearest = NearestNames(source.name, candidates);
        if (!nearest.empty()) {
            message += "; did you mean " + JoinNames(nearest) + "?";
        } else if (!candidates.empty()) {
            message += "; the inputs form the table " + JoinNames(candidates);
        }
        return ErrorAt(ErrorKind::kBind, source.span, message);
    }
    return ErrorAt(ErrorKind::kType, source.span, "expected a table name or a tabular expression");
}

Result<PlanNodePtr> Binder::BindOperator(const query::Operator& op, PlanNodePtr input) {
    switch (op.kind) {
        case OperatorKind::kWhere: return BindWhere(op, std::move(input));
        case OperatorKind::kExtend: return BindExtend(op, std::move(input));
        case OperatorKind::kProject: return BindProject(op, std::move(input));
        case OperatorKind::kProjectAway:
        case OperatorKind::kProjectKeep:
        case OperatorKind::kProjectReorder: return BindProjectNames(op, std::move(input));
        case OperatorKind::kProjectRename: return BindProjectRename(op, std::move(input));
        case OperatorKind::kSummarize: return BindSummarize(op, std::move(input));
        case OperatorKind::kSort:
        case OperatorKind::kTop: return BindSort(op, std::move(input));
        case OperatorKind::kTake: return BindTake(op, std::move(input));
        case OperatorKind::kDistinct: return BindDistinct(op, std::move(input));
        case OperatorKind::kCount: {
            auto node = std::make_unique<PlanNode>();
            node->kind = PlanNode::Kind::kCount;
            node->schema = {{"Count", Type::kLong}};
            node->inputs.push_back(std::move(input));
            return node;
        }
        case OperatorKind::kUnion: return BindUnion(op, std::move(input));
        case OperatorKind::kAs:
        case OperatorKind::kSerialize: return input;
        case OperatorKind::kJoin:
        case OperatorKind::kMvExpand:
        case OperatorKind::kPrint:
        case OperatorKind::kParse: break;
    }
    // TODO: join, mv-expand and parse are parsed but not executed yet.
    const std::string_view name = op.kind == OperatorKind::kJoin       ? "join"
                                  : op.kind == OperatorKind::kMvExpand ? "mv-expand"
                                  : op.kind == OperatorKind::kParse    ? "parse"
                                                                       : "print";
    return ErrorAt(ErrorKind::kNotImplemented, op.span,
                   "the operator '" + std::string(name) + "' is not supported yet (docs/kql.md lists what is)");
}

Result<PlanNodePtr> Binder::BindWhere(const query::Operator& op, PlanNodePtr input) {
    // Top-level `and` terms become successive filters: a row fails when any term is false or
    // null, so filtering term by term gives the same rows and evaluates later terms on fewer rows.
    std::vector<const Expr*> terms;
    std::vector<const Expr*> pending = {op.predicate.get()};
    while (!pending.empty()) {
        const Expr* term = pending.back();
        pending.pop_back();
        if (term->kind == ExprKind::kBinary && term->op == "and") {
            pending.push_back(term->args[1].get());
            pending.push_back(term->args[0].get());
        } else {
            terms.push_back(term);
        }
    }
    for (const Expr* term : terms) {
        UNMASK_ASSIGN_OR_RETURN(BoundExprPtr predicate, BindScalar(*term, &input->schema));
        if (predicate->type != Type::kBool) {
            return ErrorAt(ErrorKind::kType, term->span,
                           "a where predicate must be bool, but this expression is of type " +
                               std::string(TypeName(predicate->type)));
        }
        if (predicate->is_constant() && !predicate->constant.is_null && predicate->constant.integer != 0) {
            continue;
        }
        auto node = std::make_unique<PlanNode>();
        node->kind = PlanNode::Kind::kFilter;
        node->schema = input->schema;
        node->predicate = std::move(predicate);
        node->inputs.push_back(std::move(input));
        input = std::move(node);
    }
    return input;
}

namespace {

PlanNodePtr MakeProject(PlanNodePtr input, Schema schema, std::vector<BoundExprPtr> exprs) {
    auto node = std::make_unique<PlanNode>();
    node->kind = PlanNode::Kind::kProject;
    node->schema = std::move(schema);
    node->exprs = std::move(exprs);
    node->inputs.push_back(std::move(input));
    return node;
}

}  // namespace

Result<PlanNodePtr> Binder::BindExtend(const query::Operator& op, PlanNodePtr input) {
    // Each new column sees the columns added before it in the same extend.
    Schema schema = input->schema;
    std::vector<BoundExprPtr> exprs;
    for (size_t i = 0; i < schema.size(); ++i) {
        exprs.push_back(BoundExpr::MakeColumn(static_cast<int>(i), schema[i].type, schema[i].name));
    }
    // Binding happens against `schema`, whose extra columns are produced by `exprs` itself,
    // so later expressions reference earlier ones by inlining their bound trees.
    for (const query::NamedExpr& item : op.columns) {
        UNMASK_ASSIGN_OR_RETURN(BoundExprPtr bound, BindScalar(*item.expr, &schema));
        // Replace references to columns computed earlier in this extend by their expressions.
        std::vector<BoundExpr*> stack = {bound.get()};
        if (bound->kind == BoundExpr::Kind::kColumn) {
            bound = exprs[bound->column]->Clone();
        } else {
            while (!stack.empty()) {
                BoundExpr* current = stack.back();
                stack.pop_back();
                for (auto& arg : current->args) {
                    if (arg->kind == BoundExpr::Kind::kColumn) {
                        arg = exprs[arg->column]->Clone();
                    } else {
                        stack.push_back(arg.get());
                    }
                }
            }
        }
        const std::string name = item.name.empty() ? DefaultName(*item.expr, schema) : item.name;
        const int existing = FindField(schema, name);
        Field field{name, bound->type};
        if (existing >= 0) {
            // An existing name is replaced and the column moves to the end, as Kusto does.
            schema.erase(schema.begin() + existing);
            exprs.erase(exprs.begin() + existing);
        }
        schema.push_back(field);
        exprs.push_back(std::move(bound));
    }
    return MakeProject(std::move(input), std::move(schema), std::move(exprs));
}

Result<PlanNodePtr> Binder::BindProject(const query::Operator& op, PlanNodePtr input) {
    Schema schema;
    std::vector<BoundExprPtr> exprs;
    for (const query::NamedExpr& item : op.columns) {
        if (item.name.empty() && item.expr->kind == ExprKind::kName && item.expr->name.find('*') != std::string::npos) {
            for (size_t i = 0; i < input->schema.size(); ++i) {
                if (WildcardMatch(item.expr->name, input->schema[i].name) && FindField(schema, input->schema[i].name) < 0) {
                    schema.push_back(input->schema[i]);
                    exprs.push_back(BoundExpr::MakeColumn(static_cast<int>(i), input->schema[i].type,
                                                          input->schema[i].name));
                }
            }
            continue;
        }
        UNMASK_ASSIGN_OR_RETURN(BoundExprPtr bound, BindScalar(*item.expr, &input->schema));
        const std::string name = item.name.empty() ? DefaultName(*item.expr, schema) : item.name;
        if (FindField(schema, name) >= 0) {
            return ErrorAt(ErrorKind::kBind, item.name.empty() ? item.expr->span : item.name_span,
                           "project names the column '" + name + "' twice");
        }
        schema.push_back({name, bound->type});
        exprs.push_back(std::move(bound));
    }
    return MakeProject(std::move(input), std::move(schema), std::move(exprs));
}

Result<PlanNodePtr> Binder::BindProjectNames(const query::Operator& op, PlanNodePtr input) {
    const Schema& in = input->schema;
    std::vector<bool> matched(in.size(), false);
    std::vector<size_t> order;
    for (size_t n = 0; n < op.names.size(); ++n) {
        const std::string& pattern = op.names[n];
        bool any = false;
        for (size_t i = 0; i < in.size(); ++i) {
            if (WildcardMatch(pattern, in[i].name)) {
                any = true;
                if (!matched[i]) {
                    matched[i] = true;
                    order.push_back(i);
                }
            }
        }
        if (!any && pattern.find('*') == std::string::npos) {
            std::vector<std::string> names;
            for (const Field& field : in) {
                names.push_back(field.name);
            }
            std::string message = "the column '" + pattern + "' does not exist";
            const auto nearest = NearestNames(pattern, names);
            if (!nearest.empty()) {
                message += "; did you mean " + JoinNames(nearest) + "?";
            }
            const Span span = n < op.name_spans.size() ? op.name_spans[n] : op.span;
            return ErrorAt(ErrorKind::kBind, span, message);
        }
    }
    std::vector<size_t> keep;
    if (op.kind == OperatorKind::kProjectAway) {
        for (size_t i = 0; i < in.size(); ++i) {
            if (!matched[i]) {
                keep.push_back(i);
            }
        }
    } else if (op.kind == OperatorKind::kProjectKeep) {
        for (size_t i = 0; i < in.size(); ++i) {
            if (matched[i]) {
                keep.push_back(i);
            }
        }
    } else {
        keep = order;
        for (size_t i = 0; i < in.size(); ++i) {
            if (!matched[i]) {
                keep.push_back(i);
            }
        }
    }
    Schema schema;
    std::vector<BoundExprPtr> exprs;
    for (size_t i : keep) {
        schema.push_back(in[i]);
        exprs.push_back(BoundExpr::MakeColumn(static_cast<int>(i), in[i].type, in[i].name));
    }
    return MakeProject(std::move(input), std::move(schema), std::move(exprs));
}

Result<PlanNodePtr> Binder::BindProjectRename(const query::Operator& op, PlanNodePtr input) {
    Schema schema = input->schema;
    for (const query::NamedExpr& item : op.columns) {
        if (item.expr->kind != ExprKind::kName) {
            return ErrorAt(ErrorKind::kParse, item.expr->span, "project-rename takes NewName = ExistingName");
        }
        const int index = FindField(input->schema, item.expr->name);
        if (index < 0) {
            UNMASK_ASSIGN_OR_RETURN(BoundExprPtr unused, BindName(*item.expr, &input->schema));
            (void)unused;
            return ErrorAt(ErrorKind::kBind, item.expr->span, "the column '" + item.expr->name + "' does not exist");
        }
        if (schema[index].name != item.expr->name) {
            return ErrorAt(ErrorKind::kBind, item.expr->span,
                           "project-rename renames the column '" + item.expr->name + "' twice");
        }
        const int clash = FindField(schema, item.name);
        if (clash >= 0 && clash != index) {
            return ErrorAt(ErrorKind::kBind, item.name_span,
                           "project-rename cannot name a column '" + item.name +
                               "': a column of that name already exists; rename or drop it first");
        }
        schema[index].name = item.name;
    }
    std::vector<BoundExprPtr> exprs;
    for (size_t i = 0; i < schema.size(); ++i) {
        exprs.push_back(BoundExpr::MakeColumn(static_cast<int>(i), schema[i].type, schema[i].name));
    }
    return MakeProject(std::move(input), std::move(schema), std::move(exprs));
}

Result<int64_t> Binder::BindCount(const Expr& expr) {
    UNMASK_ASSIGN_OR_RETURN(BoundExprPtr bound, BindScalar(expr, nullptr));
    UNMASK_ASSIGN_OR_RETURN(Value value, FoldConstant(*bound, expr.span));
    if (value.is_null || (value.type != Type::kLong && value.type != Type::kInt) || value.integer < 0) {
        return ErrorAt(ErrorKind::kType, expr.span, "expected a non-negative integer row count");
    }
    return value.integer;
}

Result<PlanNodePtr> Binder::BindSort(const query::Operator& op, PlanNodePtr input) {
    auto node = std::make_unique<PlanNode>();
    node->kind = PlanNode::Kind::kSort;
    node->schema = input->schema;
    for (const query::SortKey& key : op.sort_keys) {
        exec::SortSpec spec;
        UNMASK_ASSIGN_OR_RETURN(spec.key, BindScalar(*key.expr, &input->schema));
        spec.descending = key.descending;
        // Kusto's default: nulls first when ascending, last when descending.
        spec.nulls_first = key.nulls == 0 ? !key.descending : key.nulls == 1;
        node->sort_keys.push_back(std::move(spec));
    }
    if (op.kind == OperatorKind::kTop) {
        UNMASK_ASSIGN_OR_RETURN(node->limit, BindCount(*op.count));
    }
    node->inputs.push_back(std::move(input));
    return node;
}

Result<PlanNodePtr> Binder::BindTake(const query::Operator& op, PlanNodePtr input) {
    if (input->kind == PlanNode::Kind::kSort) {
        // sort | take N is top N: the sort then keeps only N rows while it reads.
        UNMASK_ASSIGN_OR_RETURN(int64_t limit, BindCount(*op.count));
        input->limit = input->limit < 0 ? limit : std::min(input->limit, limit);
        return input;
    }
    auto node = std::make_unique<PlanNode>();
    node->kind = PlanNode::Kind::kTake;
    node->schema = input->schema;
    UNMASK_ASSIGN_OR_RETURN(node->limit, BindCount(*op.count));
    node->inputs.push_back(std::move(input));
    return node;
}

Result<PlanNodePtr> Binder::BindDistinct(const query::Operator& op, PlanNodePtr input) {
    const bool all = op.columns.empty() || (op.columns.size() == 1 && op.columns[0].expr &&
                                            op.columns[0].expr->kind == ExprKind::kStar);
    if (!all) {
        query::Operator project;
        project.kind = OperatorKind::kProject;
        project.span = op.span;
        for (const query::NamedExpr& item : op.columns) {
            query::NamedExpr copy;
            copy.name = item.name;
            copy.name_span = item.name_span;
            // The syntax tree is borrowed for binding only; the plan keeps no pointer into it.
            copy.expr.reset(const_cast<Expr*>(item.expr.get()));
            project.columns.push_back(std::move(copy));
        }
        auto projected = BindProject(project, std::move(input));
        for (query::NamedExpr& item : project.columns) {
            (void)item.expr.release();
        }
        if (!projected.ok()) {
            return projected.status();
        }
        input = std::move(projected).value();
    }
    auto node = std::make_unique<PlanNode>();
    node->kind = PlanNode::Kind::kDistinct;
    node->schema = input->schema;
    node->inputs.push_back(std::move(input));
    return node;
}

Result<PlanNodePtr> Binder::BindPrint(const query::Operator& op) {
    auto node = std::make_unique<PlanNode>();
    node->kind = PlanNode::Kind::kValues;
    Chunk chunk;
    chunk.rows = 1;
    for (const query::NamedExpr& item : op.columns) {
        UNMASK_ASSIGN_OR_RETURN(BoundExprPtr bound, BindScalar(*item.expr, nullptr));
        UNMASK_ASSIGN_OR_RETURN(Value value, FoldConstant(*bound, item.expr->span));
        const std::string name = item.name.empty()
                                     ? (item.expr->kind == ExprKind::kName ? item.expr->name
                                                                           : "print_" + std::to_string(node->schema.size()))
                                     : item.name;
        node->schema.push_back({name, value.type});
        chunk.columns.push_back(exec::ExpandConstant(value, 1));
    }
    node->values.schema = node->schema;
    node->values.chunks.push_back(std::move(chunk));
    return node;
}

namespace {

// Converts a datatable cell to the column's declared type where Kusto accepts the literal.
bool ConvertCell(Value& value, Type type) {
    if (value.type == type) {
        return true;
    }
    if (value.is_null && value.type != Type::kString) {
        value = Value::Null(type);
        return true;
    }
    const bool integer = value.type == Type::kLong || value.type == Type::kInt;
    if (integer && (type == Type::kLong || type == Type::kInt)) {
        value.type = type;
        return true;
    }
    if (integer && type == Type::kReal) {
        value = Value::Real(static_cast<double>(value.integer));
        return true;
    }
    if (type == Type::kDynamic) {
        value = Value::Dynamic(value.ToDynamic());
        return true;
    }
    return false;
}

}  // namespace

Result<PlanNodePtr> Binder::BindDatatable(const Expr& source) {
    auto node = std::make_unique<PlanNode>();
    node->kind = PlanNode::Kind::kValues;
    for (size_t c = 0; c < source.keys.size(); ++c) {
        const std::string type_name = c < source.column_types.size() ? source.column_types[c] : "";
        std::optional<Type> type = ParseTypeName(type_name);
        if (!type) {
            return ErrorAt(ErrorKind::kType, source.span,
                           "datatable column '" + source.keys[c] + "' has the unknown type '" + type_name + "'");
        }
        node->schema.push_back({source.keys[c], *type});
    }
    const size_t width = node->schema.size();
    if (width == 0 || source.args.size() % width != 0) {
        return ErrorAt(ErrorKind::kParse, source.span, "datatable needs a whole number of rows of " +
                                                           std::to_string(width) + " values");
    }
    Chunk chunk;
    chunk.rows = source.args.size() / width;
    for (const Field& field : node->schema) {
        chunk.columns.emplace_back(field.type);
    }
    std::vector<StringArena*> arenas;
    for (Column& column : chunk.columns) {
        arenas.push_back(&column.NewArena());
    }
    for (size_t i = 0; i < source.args.size(); ++i) {
        const Expr& cell = *source.args[i];
        const size_t c = i % width;
        UNMASK_ASSIGN_OR_RETURN(BoundExprPtr bound, BindScalar(cell, nullptr));
        UNMASK_ASSIGN_OR_RETURN(Value value, FoldConstant(*bound, cell.span));
        if (!ConvertCell(value, node->schema[c].type)) {
            return ErrorAt(ErrorKind::kType, cell.span,
                           "a " + std::string(TypeName(value.type)) + " value cannot go into the " +
                               std::string(TypeName(node->schema[c].type)) + " column '" + node->schema[c].name + "'");
        }
        value.AppendTo(chunk.columns[c], *arenas[c]);
    }
    node->values.schema = node->schema;
    if (chunk.rows > 0) {
        node->values.chunks.push_back(std::move(chunk));
    }
    return node;
}

Result<PlanNodePtr> Binder::BindUnion(const query::Operator& op, PlanNodePtr input) {
    std::vector<PlanNodePtr> legs;
    if (input) {
        legs.push_back(std::move(input));
    }
    for (const auto& leg : op.legs) {
        UNMASK_ASSIGN_OR_RETURN(PlanNodePtr bound, BindSource(*leg));
        legs.push_back(std::move(bound));
    }
    std::string kind = "outer";
    for (const auto& [name, value] : op.options) {
        if (name == "kind") {
            kind = value;
        }
    }
    // Output columns: one per (name, type) in order of first appearance; a name that appears
    // with several types becomes name_type for each type, as Kusto renames clashing columns.
    std::map<std::string, std::set<Type>> types_of;
    for (const PlanNodePtr& leg : legs) {
        for (const Field& field : leg->schema) {
            types_of[field.name].insert(field.type);
        }
    }
    auto output_name = [&](const Field& field) {
        return types_of[field.name].size() > 1 ? field.name + "_" + std::string(TypeName(field.type)) : field.name;
    };
    Schema schema;
    for (const PlanNodePtr& leg : legs) {
        for (const Field& field : leg->schema) {
            const std::string name = output_name(field);
            if (FindField(schema, name) < 0) {
                schema.push_back({name, field.type});
            }
        }
    }
    if (kind == "inner") {
        Schema common;
        for (const Field& field : schema) {
            const bool everywhere = std::all_of(legs.begin(), legs.end(), [&](const PlanNodePtr& leg) {
                return std::any_of(leg->schema.begin(), leg->schema.end(),
                                   [&](const Field& f) { return output_name(f) == field.name; });
            });
            if (everywhere) {
                common.push_back(field);
            }
        }
        schema = std::move(common);
    }
    auto node = std::make_unique<PlanNode>();
    node->kind = PlanNode::Kind::kUnion;
    node->schema = schema;
    for (PlanNodePtr& leg : legs) {
        std::vector<int> map;
        for (const Field& field : leg->schema) {
            map.push_back(FindField(schema, output_name(field)));
        }
        node->union_maps.push_back(std::move(map));
        node->inputs.push_back(std::move(leg));
    }
    return node;
}

namespace {

// Collects aggregate calls inside an expression of a summarize item.
void FindAggregateCalls(const Expr& expr, std::vector<const Expr*>& calls) {
    if (expr.kind == ExprKind::kCall && exec::FindAggregate(expr.name) != nullptr &&
        functions::FindScalarFunction(expr.name) == nullptr) {
        calls.push_back(&expr);
        return;
    }
    for (const auto& arg : expr.args) {
        FindAggregateCalls(*arg, calls);
    }
}

std::string AggregateDefaultName(const Expr& call) {
    std::string prefix = call.name;
    if (prefix == "make_set" || prefix == "make_set_if") {
        prefix = "set";
    } else if (prefix == "make_list" || prefix == "make_list_if" || prefix == "make_list_with_nulls") {
        prefix = "list";
    }
    if (call.name == "countif" || (call.name == "count" && call.args.empty())) {
        return call.name + "_";
    }
    std::string name = prefix;
    if (!call.args.empty() && call.args[0]->kind == ExprKind::kName) {
        name += "_" + call.args[0]->name;
    } else {
        name += "_";
    }
    if (call.name == "percentile" && call.args.size() > 1 && call.args[1]->kind == ExprKind::kLiteral) {
        name += "_" + call.args[1]->text;
    }
    return name;
}

}  // namespace

Result<PlanNodePtr> Binder::BindSummarize(const query::Operator& op, PlanNodePtr input) {
    const Schema& in = input->schema;
    auto node = std::make_unique<PlanNode>();
    node->kind = PlanNode::Kind::kSummarize;
    for (const query::NamedExpr& key : op.by) {
        UNMASK_ASSIGN_OR_RETURN(BoundExprPtr bound, BindScalar(*key.expr, &in));
        std::string name = key.name;
        if (name.empty()) {
            const Expr* base = key.expr.get();
            // bin(Timestamp, 1h) keeps the name of the column it rounds.
            if (base->kind == ExprKind::kCall && (base->name == "bin" || base->name == "floor") && !base->args.empty()) {
                base = base->args[0].get();
            }
            name = DefaultName(*base, node->schema);
        }
        if (FindField(node->schema, name) >= 0) {
            return ErrorAt(ErrorKind::kBind, key.expr->span, "summarize names the column '" + name + "' twice");
        }
        node->schema.push_back({name, bound->type});
        node->exprs.push_back(std::move(bound));
    }
    const size_t key_count = node->schema.size();

    // Items that are a bare aggregate call map to its output columns; an expression over
    // aggregates (sum(x) / count()) computes hidden aggregates first and a projection after.
    struct Item {
        std::string name;
        const Expr* expr = nullptr;
        bool direct = false;
    };
    std::vector<Item> items;
    bool needs_projection = false;
    Schema aggregate_schema = node->schema;
    std::map<const Expr*, int> hidden_column;
    for (const query::NamedExpr& item : op.columns) {
        std::vector<const Expr*> calls;
        FindAggregateCalls(*item.expr, calls);
        if (calls.empty()) {
            const Expr& e = *item.expr;
            if (e.kind == ExprKind::kCall && functions::FindScalarFunction(e.name) == nullptr) {
                std::string message = "unknown aggregate function '" + e.name + "'";
                const auto nearest = NearestNames(e.name, exec::AggregateNames());
                if (!nearest.empty()) {
                    message += "; did you mean " + JoinNames(nearest) + "?";
                }
                return ErrorAt(ErrorKind::kBind, e.span, message);
            }
            return ErrorAt(ErrorKind::kBind, item.expr->span,
                           "summarize takes aggregate functions such as count() or sum(x); this expression has none");
        }
        const bool direct = calls.size() == 1 && calls[0] == item.expr.get();
        needs_projection = needs_projection || !direct;
        for (const Expr* call : calls) {
            std::vector<exec::AggregateArg> args;
            std::vector<BoundExprPtr> bound_args;
            bool star = false;
            for (size_t a = 0; a < call->args.size(); ++a) {
                const Expr& arg = *call->args[a];
                if (arg.kind == ExprKind::kStar) {
                    if (call->name != "arg_max" && call->name != "arg_min") {
                        return ErrorAt(ErrorKind::kType, arg.span, "'*' is allowed only in arg_max() and arg_min()");
                    }
                    star = true;
                    continue;
                }
                UNMASK_ASSIGN_OR_RETURN(BoundExprPtr bound, BindScalar(arg, &in));
                exec::AggregateArg aggregate_arg;
                aggregate_arg.type = bound->type;
                aggregate_arg.is_constant = bound->is_constant();
                if (bound->is_constant() && !bound->constant.is_null) {
                    aggregate_arg.number = bound->constant.type == Type::kReal
                                               ? bound->constant.real
                                               : static_cast<double>(bound->constant.integer);
                }
                args.push_back(aggregate_arg);
                bound_args.push_back(std::move(bound));
            }
            std::vector<std::string> star_names;
            if (star) {
                // arg_max(x, *) carries every input column except the group keys and x itself.
                for (size_t i = 0; i < in.size(); ++i) {
                    const bool is_key = FindField(node->schema, in[i].name) >= 0 &&
                                        static_cast<size_t>(FindField(node->schema, in[i].name)) < key_count;
                    const bool is_compared = !call->args.empty() && call->args[0]->kind == ExprKind::kName &&
                                             call->args[0]->name == in[i].name;
                    if (is_key || is_compared) {
                        continue;
                    }
                    args.push_back({in[i].type, false, 0});
                    bound_args.push_back(BoundExpr::MakeColumn(static_cast<int>(i), in[i].type, in[i].name));
                    star_names.push_back(in[i].name);
                }
            }
            auto spec = exec::BindAggregate(call->name, args);
            if (!spec.ok()) {
                return ErrorAt(spec.status().kind(), call->span, spec.status().message());
            }
            exec::AggregateCall aggregate;
            aggregate.spec = std::move(spec).value();
            for (size_t index : aggregate.spec.evaluated_args) {
                aggregate.args.push_back(std::move(bound_args[index]));
            }
            // Output names.
            std::vector<std::string> names;
            if (aggregate.spec.function == "arg_max" || aggregate.spec.function == "arg_min") {
                const Expr& compared = *call->args[0];
                names.push_back(direct && !item.name.empty()
                                    ? item.name
                                    : (compared.kind == ExprKind::kName ? compared.name
                                                                        : aggregate.spec.function.substr(4) + "_"));
                for (size_t a = 1; a < call->args.size(); ++a) {
                    if (call->args[a]->kind == ExprKind::kStar) {
                        continue;
                    }
                    names.push_back(DefaultName(*call->args[a], aggregate_schema));
                }
                names.insert(names.end(), star_names.begin(), star_names.end());
            } else if (aggregate.spec.function == "percentiles") {
                // percentiles(x, 50, 95) gives percentile_x_50 and percentile_x_95.
                const std::string base =
                    call->args[0]->kind == ExprKind::kName ? "percentile_" + call->args[0]->name : "percentile_";
                for (size_t a = 1; a < call->args.size(); ++a) {
                    names.push_back(base + "_" + call->args[a]->text);
                }
            } else {
                names.push_back(direct && !item.name.empty() ? item.name : AggregateDefaultName(*call));
            }
            if (!direct) {
                for (std::string& name : names) {
                    name = "__aggregate" + std::to_string(hidden_column.size()) + "_" + name;
                }
                hidden_column[call] = static_cast<int>(aggregate_schema.size());
            }
            if (direct && !item.name.empty() && FindField(aggregate_schema, item.name) >= 0) {
                return ErrorAt(ErrorKind::kBind, item.name_span,
                               "summarize names the column '" + item.name + "' twice");
            }
            for (size_t o = 0; o < names.size(); ++o) {
                std::string name = names[o];
                // Clashing names get a numeric suffix, as Kusto does (Timestamp1).
                for (int n = 1; FindField(aggregate_schema, name) >= 0; ++n) {
                    name = names[o] + std::to_string(n);
                }
                aggregate_schema.push_back({name, aggregate.spec.output_types[o]});
            }
            node->aggregates.push_back(std::move(aggregate));
        }
        items.push_back({item.name, item.expr.get(), direct});
    }
    node->schema = aggregate_schema;
    node->inputs.push_back(std::move(input));
    if (!needs_projection) {
        return node;
    }

    // Post-projection: keys and direct aggregates pass through; expressions over aggregates are
    // bound against the aggregate schema with each aggregate call replaced by its hidden column.
    Schema schema;
    std::vector<BoundExprPtr> exprs;
    for (size_t i = 0; i < key_count; ++i) {
        schema.push_back(aggregate_schema[i]);
        exprs.push_back(BoundExpr::MakeColumn(static_cast<int>(i), aggregate_schema[i].type, aggregate_schema[i].name));
    }
    for (size_t i = key_count; i < aggregate_schema.size(); ++i) {
        if (aggregate_schema[i].name.rfind("__aggregate", 0) != 0) {
            schema.push_back(aggregate_schema[i]);
            exprs.push_back(
                BoundExpr::MakeColumn(static_cast<int>(i), aggregate_schema[i].type, aggregate_schema[i].name));
        }
    }
    for (const Item& item : items) {
        if (item.direct) {
            continue;
        }
        // Rewrite a copy of the expression: aggregate calls become names of hidden columns.
        std::function<query::ExprPtr(const Expr&)> rewrite = [&](const Expr& e) -> query::ExprPtr {
            auto copy = std::make_unique<Expr>();
            copy->kind = e.kind;
            copy->span = e.span;
            copy->literal_kind = e.literal_kind;
            copy->text = e.text;
            copy->name = e.name;
            copy->op = e.op;
            copy->keys = e.keys;
            copy->is_object = e.is_object;
            auto found = hidden_column.find(&e);
            if (found != hidden_column.end()) {
                copy->kind = ExprKind::kName;
                copy->name = aggregate_schema[found->second].name;
                return copy;
            }
            for (const auto& arg : e.args) {
                copy->args.push_back(rewrite(*arg));
            }
            return copy;
        };
        query::ExprPtr rewritten = rewrite(*item.expr);
        UNMASK_ASSIGN_OR_RETURN(BoundExprPtr bound, BindScalar(*rewritten, &aggregate_schema));
        const std::string name = item.name.empty() ? DefaultName(*item.expr, schema) : item.name;
        schema.push_back({name, bound->type});
        exprs.push_back(std::move(bound));
    }
    return MakeProject(std::move(node), std::move(schema), std::move(exprs));
}

}  // namespace

Result<BoundQuery> BindScript(const query::Script& script, const std::vector<CatalogTable>& catalog,
                              const BindOptions& options) {
    Binder binder(catalog, options);
    return binder.Bind(script);
}

}  // namespace unmask::plan
