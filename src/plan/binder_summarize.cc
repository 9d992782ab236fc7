// Binding of summarize: group keys, aggregate calls and expressions over aggregates.
#include <functional>

#include "common/source_text.h"
#include "exec/aggregate.h"
#include "plan/binder_internal.h"

namespace unmask::plan::internal {

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

    // An item that is a bare aggregate call maps to its output columns. An expression over
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

}  // namespace unmask::plan::internal
