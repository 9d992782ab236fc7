// Push-based physical operators.
//
// A query runs as a graph of operators fed by sources. During the scan, reader workers push
// chunks concurrently, and the `worker` argument identifies the pushing worker. Streaming
// operators (filter, project, take, union) are stateless per chunk and pass chunks on at once.
// Pipeline breakers (summarize, sort, top, distinct, count) keep per-worker state and emit their
// result downstream from Finish, which runs on one thread after every push has returned.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "common/status.h"
#include "exec/expression.h"
#include "functions/registry.h"
#include "table/column.h"

namespace unmask::exec {

/// Shared state of one execution: evaluation settings and the number of workers.
struct ExecContext {
    functions::EvalContext eval;
    int workers = 1;
};

class Operator {
public:
    virtual ~Operator() = default;
    /// Consumes a chunk. May be called concurrently with distinct `worker` values.
    virtual Status Push(Chunk chunk, int worker) = 0;
    /// Called once when every input has finished; breakers emit their output here.
    virtual Status Finish() = 0;
};

/// Copies the rows listed in `rows` (ascending indexes) of every column. Columns that were not
/// read from the input (empty while the chunk has rows) stay empty.
Chunk GatherRows(const Chunk& chunk, const std::vector<uint32_t>& rows);

/// Keeps rows whose predicate is true (null counts as false).
class FilterOperator final : public Operator {
public:
    FilterOperator(const ExecContext* context, BoundExprPtr predicate, Operator* next)
        : context_(context), predicate_(std::move(predicate)), next_(next) {}
    Status Push(Chunk chunk, int worker) override;
    Status Finish() override { return next_->Finish(); }

private:
    const ExecContext* context_;
    BoundExprPtr predicate_;
    Operator* next_;
};

/// Builds the output columns from expressions over the input: covers project, extend,
/// project-away, project-rename and project-reorder. A plain column reference moves the
/// input column without copying when it is used once.
class ProjectOperator final : public Operator {
public:
    ProjectOperator(const ExecContext* context, std::vector<BoundExprPtr> outputs, Operator* next);
    Status Push(Chunk chunk, int worker) override;
    Status Finish() override { return next_->Finish(); }

private:
    const ExecContext* context_;
    std::vector<BoundExprPtr> outputs_;
    std::vector<int> use_count_;  ///< how many outputs reference each input column directly
    Operator* next_;
};

/// Passes on the first `limit` rows that arrive (take/limit). Which rows arrive first is not
/// defined across workers, as in Kusto.
class TakeOperator final : public Operator {
public:
    TakeOperator(int64_t limit, Operator* next) : limit_(limit), next_(next) {}
    Status Push(Chunk chunk, int worker) override;
    Status Finish() override { return next_->Finish(); }

private:
    int64_t limit_;
    std::atomic<int64_t> taken_{0};
    Operator* next_;
};

/// Sends every chunk to several consumers (one scan feeding several `let` uses).
class TeeOperator final : public Operator {
public:
    void AddConsumer(Operator* consumer) { consumers_.push_back(consumer); }
    size_t consumer_count() const { return consumers_.size(); }
    Status Push(Chunk chunk, int worker) override;
    Status Finish() override;

private:
    std::vector<Operator*> consumers_;
};

/// Merges several inputs into one schema: each input has a column map from its columns to
/// output positions (-1 = not in output); output columns an input lacks are null.
class UnionOperator final : public Operator {
public:
    UnionOperator(Schema output, Operator* next);
    ~UnionOperator() override;
    /// Registers an input and returns the operator to push its chunks into.
    Operator* AddInput(std::vector<int> column_map);
    Status Finish() override;
    Status Push(Chunk chunk, int worker) override;

private:
    class Input;
    Status PushMapped(Chunk chunk, const std::vector<int>& column_map, int worker);
    Status InputFinished();

    Schema output_;
    Operator* next_;
    std::vector<std::unique_ptr<Input>> inputs_;
    std::mutex mutex_;
    size_t finished_ = 0;
};

/// Collects the final result of a query.
class TableSink final : public Operator {
public:
    explicit TableSink(Schema schema, int workers) : per_worker_(workers) { table_.schema = std::move(schema); }
    Status Push(Chunk chunk, int worker) override;
    Status Finish() override;
    Table& table() { return table_; }

private:
    std::vector<std::vector<Chunk>> per_worker_;
    Table table_;
};

}  // namespace unmask::exec
