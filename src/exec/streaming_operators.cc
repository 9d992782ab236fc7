#include "exec/operator.h"

#include "exec/breaker_operators.h"

#include <algorithm>

namespace unmask::exec {

Chunk GatherRows(const Chunk& chunk, const std::vector<uint32_t>& rows) {
    Chunk out;
    out.rows = rows.size();
    out.first_row = chunk.first_row;
    out.columns.reserve(chunk.columns.size());
    for (const Column& column : chunk.columns) {
        Column gathered(column.type);
        if (column.size() == chunk.rows && chunk.rows > 0) {
            gathered.Reserve(rows.size());
            gathered.AppendRows(column, rows.data(), rows.size());
        } else if (chunk.rows == 0) {
            gathered.ShareOwners(column);
        }
        out.columns.push_back(std::move(gathered));
    }
    return out;
}

Status FilterOperator::Push(Chunk chunk, int worker) {
    UNMASK_ASSIGN_OR_RETURN(ColumnRef mask, Evaluate(*predicate_, chunk, context_->eval));
    std::vector<uint32_t> selected;
    selected.reserve(chunk.rows);
    const std::vector<int64_t>& values = mask->ints;
    const bool has_nulls = !mask->valid.empty();
    for (size_t row = 0; row < chunk.rows; ++row) {
        if (values[row] != 0 && (!has_nulls || mask->valid[row] != 0)) {
            selected.push_back(static_cast<uint32_t>(row));
        }
    }
    if (selected.empty()) {
        return Status::Ok();
    }
    if (selected.size() == chunk.rows) {
        return next_->Push(std::move(chunk), worker);
    }
    return next_->Push(GatherRows(chunk, selected), worker);
}

ProjectOperator::ProjectOperator(const ExecContext* context, std::vector<BoundExprPtr> outputs, Operator* next)
    : context_(context), outputs_(std::move(outputs)), next_(next) {
    int max_column = -1;
    for (const auto& output : outputs_) {
        if (output->kind == BoundExpr::Kind::kColumn) {
            max_column = std::max(max_column, output->column);
        }
    }
    use_count_.assign(max_column + 1, 0);
    for (const auto& output : outputs_) {
        if (output->kind == BoundExpr::Kind::kColumn) {
            ++use_count_[output->column];
        }
    }
}

Status ProjectOperator::Push(Chunk chunk, int worker) {
    Chunk out;
    out.rows = chunk.rows;
    out.first_row = chunk.first_row;
    out.columns.resize(outputs_.size());
    // Computed columns first, while every input column is still in place.
    for (size_t i = 0; i < outputs_.size(); ++i) {
        if (outputs_[i]->kind != BoundExpr::Kind::kColumn) {
            UNMASK_ASSIGN_OR_RETURN(ColumnRef column, Evaluate(*outputs_[i], chunk, context_->eval));
            out.columns[i] = column.Take();
        }
    }
    std::vector<int> remaining = use_count_;
    for (size_t i = 0; i < outputs_.size(); ++i) {
        if (outputs_[i]->kind == BoundExpr::Kind::kColumn) {
            const int source = outputs_[i]->column;
            if (--remaining[source] == 0) {
                out.columns[i] = std::move(chunk.columns[source]);
            } else {
                out.columns[i] = chunk.columns[source];
            }
        }
    }
    return next_->Push(std::move(out), worker);
}

Status TakeOperator::Push(Chunk chunk, int worker) {
    const int64_t rows = static_cast<int64_t>(chunk.rows);
    const int64_t before = taken_.fetch_add(rows);
    if (before >= limit_) {
        return Status::Ok();
    }
    const int64_t keep = std::min(rows, limit_ - before);
    if (keep == rows) {
        return next_->Push(std::move(chunk), worker);
    }
    std::vector<uint32_t> selected(static_cast<size_t>(keep));
    for (int64_t i = 0; i < keep; ++i) {
        selected[i] = static_cast<uint32_t>(i);
    }
    return next_->Push(GatherRows(chunk, selected), worker);
}

Status TeeOperator::Push(Chunk chunk, int worker) {
    for (size_t i = 0; i < consumers_.size(); ++i) {
        if (i + 1 == consumers_.size()) {
            UNMASK_TRY(consumers_[i]->Push(std::move(chunk), worker));
        } else {
            UNMASK_TRY(consumers_[i]->Push(chunk, worker));
        }
    }
    return Status::Ok();
}

Status TeeOperator::Finish() {
    for (Operator* consumer : consumers_) {
        UNMASK_TRY(consumer->Finish());
    }
    return Status::Ok();
}

class UnionOperator::Input final : public Operator {
public:
    Input(UnionOperator* owner, std::vector<int> column_map) : owner_(owner), column_map_(std::move(column_map)) {}
    Status Push(Chunk chunk, int worker) override { return owner_->PushMapped(std::move(chunk), column_map_, worker); }
    Status Finish() override { return owner_->InputFinished(); }

private:
    UnionOperator* owner_;
    std::vector<int> column_map_;
};

UnionOperator::UnionOperator(Schema output, Operator* next) : output_(std::move(output)), next_(next) {}

UnionOperator::~UnionOperator() = default;

Operator* UnionOperator::AddInput(std::vector<int> column_map) {
    inputs_.push_back(std::make_unique<Input>(this, std::move(column_map)));
    return inputs_.back().get();
}

Status UnionOperator::Push(Chunk chunk, int worker) {
    std::vector<int> identity(chunk.columns.size());
    for (size_t i = 0; i < identity.size(); ++i) {
        identity[i] = static_cast<int>(i);
    }
    return PushMapped(std::move(chunk), identity, worker);
}

Status UnionOperator::PushMapped(Chunk chunk, const std::vector<int>& column_map, int worker) {
    Chunk out;
    out.rows = chunk.rows;
    out.first_row = chunk.first_row;
    out.columns.resize(output_.size());
    std::vector<bool> filled(output_.size(), false);
    for (size_t i = 0; i < column_map.size() && i < chunk.columns.size(); ++i) {
        if (column_map[i] >= 0) {
            out.columns[column_map[i]] = std::move(chunk.columns[i]);
            filled[column_map[i]] = true;
        }
    }
    for (size_t i = 0; i < output_.size(); ++i) {
        if (!filled[i]) {
            out.columns[i] = ExpandConstant(Value::Null(output_[i].type), chunk.rows);
        }
    }
    return next_->Push(std::move(out), worker);
}

Status UnionOperator::Finish() { return next_->Finish(); }

Status UnionOperator::InputFinished() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        ++finished_;
        if (finished_ < inputs_.size()) {
            return Status::Ok();
        }
    }
    return next_->Finish();
}

Status TableSink::Push(Chunk chunk, int worker) {
    if (chunk.rows > 0) {
        // Result rows must not keep whole input blocks alive until the output is written.
        CompactStrings(chunk);
        per_worker_[worker].push_back(std::move(chunk));
    }
    return Status::Ok();
}

Status TableSink::Finish() {
    std::vector<Chunk> all;
    for (auto& chunks : per_worker_) {
        for (Chunk& chunk : chunks) {
            all.push_back(std::move(chunk));
        }
        chunks.clear();
    }
    // Restore input order where it is defined (a scan straight into the sink).
    std::stable_sort(all.begin(), all.end(),
                     [](const Chunk& left, const Chunk& right) { return left.first_row < right.first_row; });
    for (Chunk& chunk : all) {
        table_.chunks.push_back(std::move(chunk));
    }
    return Status::Ok();
}

}  // namespace unmask::exec
