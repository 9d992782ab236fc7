// Pipeline breakers other than summarize: sort, top, distinct and count.
#pragma once

#include <vector>

#include "exec/operator.h"

namespace unmask::exec {

/// Concatenates chunks of one schema into a single chunk.
Chunk ConcatenateChunks(std::vector<Chunk> chunks, size_t column_count);

/// Copies the bytes of every string column into one arena owned by the chunk, so the chunk no
/// longer keeps the reader's input blocks alive. Operators that hold rows until the end of the
/// input call it, which bounds their memory by the rows kept, not by the input read.
void CompactStrings(Chunk& chunk);

/// Three-way comparison of two cells of the same column. Nulls (and NaN for reals) compare
/// below every value; `nulls_first` decides where they go independent of direction.
int CompareCells(const Column& column, size_t left, size_t right);

struct SortSpec {
    BoundExprPtr key;
    bool descending = true;
    bool nulls_first = false;
};

/// Sorts all rows (sort by / order by). With a limit it keeps only the first `limit` rows (top).
class SortOperator final : public Operator {
public:
    SortOperator(const ExecContext* context, std::vector<SortSpec> keys, int64_t limit, size_t column_count,
                 Operator* next);
    Status Push(Chunk chunk, int worker) override;
    Status Finish() override;

private:
    /// Sorts `data` and keeps its first `limit_` rows (all rows without a limit).
    Result<Chunk> SortChunk(Chunk data);

    const ExecContext* context_;
    std::vector<SortSpec> keys_;
    int64_t limit_;  ///< -1 for no limit
    size_t column_count_;
    std::vector<std::vector<Chunk>> per_worker_;
    std::vector<size_t> rows_per_worker_;
    Operator* next_;
};

/// Keeps the first row of each distinct combination of the listed columns.
class DistinctOperator final : public Operator {
public:
    DistinctOperator(const ExecContext* context, size_t column_count, Operator* next);
    Status Push(Chunk chunk, int worker) override;
    Status Finish() override;

private:
    const ExecContext* context_;
    size_t column_count_;
    std::vector<std::vector<Chunk>> per_worker_;
    Operator* next_;
};

/// Emits one row with the column `Count` (long).
class CountOperator final : public Operator {
public:
    CountOperator(const ExecContext* context, Operator* next);
    Status Push(Chunk chunk, int worker) override;
    Status Finish() override;

private:
    std::vector<int64_t> per_worker_;
    Operator* next_;
};

}  // namespace unmask::exec
