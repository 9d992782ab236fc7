#include "exec/expression.h"

namespace unmask::exec {

std::unique_ptr<BoundExpr> BoundExpr::MakeColumn(int index, Type column_type, std::string name) {
    auto expr = std::make_unique<BoundExpr>();
    expr->kind = Kind::kColumn;
    expr->type = column_type;
    expr->column = index;
    expr->text = std::move(name);
    return expr;
}

std::unique_ptr<BoundExpr> BoundExpr::MakeConstant(Value value, std::string source_text) {
    auto expr = std::make_unique<BoundExpr>();
    expr->kind = Kind::kConstant;
    expr->type = value.type;
    expr->constant = std::move(value);
    expr->text = std::move(source_text);
    return expr;
}

std::unique_ptr<BoundExpr> BoundExpr::Clone() const {
    auto copy = std::make_unique<BoundExpr>();
    copy->kind = kind;
    copy->type = type;
    copy->column = column;
    copy->constant = constant;
    copy->kernel = kernel;
    copy->text = text;
    for (const auto& arg : args) {
        copy->args.push_back(arg->Clone());
    }
    return copy;
}

void BoundExpr::CollectColumns(std::vector<int>& columns) const {
    if (kind == Kind::kColumn) {
        columns.push_back(column);
    }
    for (const auto& arg : args) {
        arg->CollectColumns(columns);
    }
}

Column ColumnRef::Take() {
    if (owned_) {
        Column result = std::move(*owned_);
        owned_.reset();
        column_ = nullptr;
        return result;
    }
    return *column_;
}

Column ExpandConstant(const Value& value, size_t rows) {
    Column column(value.type);
    if (value.type == Type::kString) {
        std::string_view text;
        if (!value.string.empty()) {
            text = column.NewArena().Add(value.string);
        }
        column.strings.assign(rows, text);
        return column;
    }
    if (value.is_null) {
        switch (value.type) {
            case Type::kReal: column.reals.assign(rows, 0); break;
            case Type::kDynamic: column.dynamics.assign(rows, nullptr); break;
            default: column.ints.assign(rows, 0); break;
        }
        column.valid.assign(rows, 0);
        return column;
    }
    switch (value.type) {
        case Type::kReal: column.reals.assign(rows, value.real); break;
        case Type::kDynamic: column.dynamics.assign(rows, value.dynamic); break;
        default: column.ints.assign(rows, value.integer); break;
    }
    return column;
}

Result<ColumnRef> Evaluate(const BoundExpr& expr, const Chunk& chunk, const functions::EvalContext& context) {
    switch (expr.kind) {
        case BoundExpr::Kind::kColumn: {
            if (expr.column < 0 || static_cast<size_t>(expr.column) >= chunk.columns.size()) {
                return Status(ErrorKind::kInternal, "column index out of range for '" + expr.text + "'");
            }
            const Column& column = chunk.columns[expr.column];
            if (column.size() != chunk.rows) {
                return Status(ErrorKind::kInternal, "column '" + expr.text + "' was not read from the input");
            }
            return ColumnRef(&column);
        }
        case BoundExpr::Kind::kConstant: return ColumnRef(ExpandConstant(expr.constant, chunk.rows));
        case BoundExpr::Kind::kCall: break;
    }
    std::vector<ColumnRef> arg_columns;
    arg_columns.reserve(expr.args.size());
    std::vector<const Column*> column_pointers;
    std::vector<const Value*> constants;
    for (const auto& arg : expr.args) {
        UNMASK_ASSIGN_OR_RETURN(ColumnRef column, Evaluate(*arg, chunk, context));
        arg_columns.push_back(std::move(column));
        column_pointers.push_back(arg_columns.back().get());
        constants.push_back(arg->is_constant() ? &arg->constant : nullptr);
    }
    functions::KernelArgs kernel_args;
    kernel_args.columns = column_pointers;
    kernel_args.constants = constants;
    kernel_args.rows = chunk.rows;
    kernel_args.context = &context;
    Column out(expr.type);
    out.Reserve(chunk.rows);
    UNMASK_TRY(expr.kernel(kernel_args, out));
    if (out.size() != chunk.rows) {
        return Status(ErrorKind::kInternal, "function '" + expr.text + "' returned " + std::to_string(out.size()) +
                                                " values for " + std::to_string(chunk.rows) + " rows");
    }
    return ColumnRef(std::move(out));
}

Result<Value> EvaluateConstant(const BoundExpr& expr, const functions::EvalContext& context) {
    if (expr.kind == BoundExpr::Kind::kConstant) {
        return expr.constant;
    }
    Chunk one_row;
    one_row.rows = 1;
    UNMASK_ASSIGN_OR_RETURN(ColumnRef column, Evaluate(expr, one_row, context));
    return Value::FromColumn(*column, 0);
}

}  // namespace unmask::exec
