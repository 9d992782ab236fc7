// Bound scalar expressions and their vectorized evaluation over a chunk.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "functions/registry.h"
#include "table/column.h"
#include "table/value.h"

namespace unmask::exec {

/// A scalar expression after binding: every name resolved to a column index of the input
/// schema or to a constant, every call to a kernel. Immutable once built, so one tree serves all
/// worker threads.
struct BoundExpr {
    enum class Kind { kColumn, kConstant, kCall };

    Kind kind = Kind::kConstant;
    Type type = Type::kLong;
    int column = -1;  ///< kColumn
    Value constant;   ///< kConstant
    functions::ScalarKernel kernel;  ///< kCall
    std::vector<std::unique_ptr<BoundExpr>> args;
    std::string text;  ///< source text or name, for plan dumps and default column names

    bool is_constant() const { return kind == Kind::kConstant; }

    static std::unique_ptr<BoundExpr> MakeColumn(int index, Type type, std::string name);
    static std::unique_ptr<BoundExpr> MakeConstant(Value value, std::string text = {});
    std::unique_ptr<BoundExpr> Clone() const;

    /// Adds the input column indices this expression reads to `columns`.
    void CollectColumns(std::vector<int>& columns) const;
};

using BoundExprPtr = std::unique_ptr<BoundExpr>;

/// Result of evaluating an expression: a column of the chunk (borrowed) or a new one (owned).
class ColumnRef {
public:
    ColumnRef() = default;
    explicit ColumnRef(const Column* borrowed) : column_(borrowed) {}
    explicit ColumnRef(Column owned) : owned_(std::make_unique<Column>(std::move(owned))), column_(owned_.get()) {}

    const Column& operator*() const { return *column_; }
    const Column* operator->() const { return column_; }
    const Column* get() const { return column_; }
    /// Moves the column out, copying when it is borrowed.
    Column Take();

private:
    std::unique_ptr<Column> owned_;
    const Column* column_ = nullptr;
};

/// Makes a column of `rows` copies of a constant.
Column ExpandConstant(const Value& value, size_t rows);

/// Evaluates `expr` over every row of `chunk`.
Result<ColumnRef> Evaluate(const BoundExpr& expr, const Chunk& chunk, const functions::EvalContext& context);

/// Evaluates a bound expression that reads no column (a `let` value, a literal list item).
Result<Value> EvaluateConstant(const BoundExpr& expr, const functions::EvalContext& context);

}  // namespace unmask::exec
