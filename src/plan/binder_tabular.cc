// Binding of tabular expressions and of every tabular operator except summarize.
#include <algorithm>

#include "common/source_text.h"
#include "plan/binder_internal.h"

namespace unmask::plan::internal {

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

PlanNodePtr MakeProject(PlanNodePtr input, Schema schema, std::vector<BoundExprPtr> exprs) {
    auto node = std::make_unique<PlanNode>();
    node->kind = PlanNode::Kind::kProject;
    node->schema = std::move(schema);
    node->exprs = std::move(exprs);
    node->inputs.push_back(std::move(input));
    return node;
}


Result<PlanNodePtr> Binder::BindExtend(const query::Operator& op, PlanNodePtr input) {
    // Each new column can read the columns added before it in the same extend.
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
    // Output columns are one per (name, type), in order of first appearance. A name that appears
    // with several types becomes name_type for each type, because Kusto renames clashing columns so.
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

}  // namespace unmask::plan::internal
