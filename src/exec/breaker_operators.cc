#include "exec/breaker_operators.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <unordered_set>

#include "exec/row_key.h"

namespace unmask::exec {

Chunk ConcatenateChunks(std::vector<Chunk> chunks, size_t column_count) {
    if (chunks.size() == 1) {
        return std::move(chunks[0]);
    }
    Chunk out;
    out.columns.resize(column_count);
    size_t total = 0;
    for (const Chunk& chunk : chunks) {
        total += chunk.rows;
    }
    bool typed = false;
    for (Chunk& chunk : chunks) {
        if (!typed) {
            for (size_t c = 0; c < column_count; ++c) {
                out.columns[c].type = chunk.columns[c].type;
                out.columns[c].Reserve(total);
            }
            out.first_row = chunk.first_row;
            typed = true;
        }
        for (size_t c = 0; c < column_count; ++c) {
            if (chunk.columns[c].size() == chunk.rows) {
                out.columns[c].AppendRange(chunk.columns[c], 0, chunk.rows);
            }
        }
        out.rows += chunk.rows;
    }
    return out;
}

void CompactStrings(Chunk& chunk) {
    for (Column& column : chunk.columns) {
        if (column.type != Type::kString || column.owners.empty()) {
            continue;
        }
        auto arena = std::make_shared<StringArena>();
        for (std::string_view& text : column.strings) {
            text = arena->Add(text);
        }
        column.owners.clear();
        column.owners.push_back(std::move(arena));
    }
}

int CompareCells(const Column& column, size_t left, size_t right) {
    const bool left_null = column.IsNull(left);
    const bool right_null = column.IsNull(right);
    if (left_null || right_null) {
        return left_null == right_null ? 0 : (left_null ? -1 : 1);
    }
    switch (column.type) {
        case Type::kReal: {
            const double a = column.reals[left];
            const double b = column.reals[right];
            // NaN sorts with null.
            if (std::isnan(a) || std::isnan(b)) {
                return std::isnan(a) == std::isnan(b) ? 0 : (std::isnan(a) ? -1 : 1);
            }
            return a < b ? -1 : (a > b ? 1 : 0);
        }
        case Type::kString: {
            const int c = column.strings[left].compare(column.strings[right]);
            return c < 0 ? -1 : (c > 0 ? 1 : 0);
        }
        case Type::kDynamic: return CompareDynamic(column.dynamics[left].get(), column.dynamics[right].get());
        default: {
            const int64_t a = column.ints[left];
            const int64_t b = column.ints[right];
            return a < b ? -1 : (a > b ? 1 : 0);
        }
    }
}

SortOperator::SortOperator(const ExecContext* context, std::vector<SortSpec> keys, int64_t limit, size_t column_count,
                           Operator* next)
    : context_(context),
      keys_(std::move(keys)),
      limit_(limit),
      column_count_(column_count),
      per_worker_(context->workers),
      rows_per_worker_(context->workers, 0),
      next_(next) {}

Status SortOperator::Push(Chunk chunk, int worker) {
    if (chunk.rows == 0) {
        return Status::Ok();
    }
    CompactStrings(chunk);
    rows_per_worker_[worker] += chunk.rows;
    per_worker_[worker].push_back(std::move(chunk));
    // With a limit (top N), rows beyond the best N can never be output: fold them away once
    // enough accumulate, so memory stays bounded by N rather than by the input.
    const size_t threshold = std::max<size_t>(65536, 4 * static_cast<size_t>(std::max<int64_t>(limit_, 0)));
    if (limit_ >= 0 && rows_per_worker_[worker] > threshold) {
        std::vector<Chunk>& chunks = per_worker_[worker];
        const uint64_t first_row = chunks.front().first_row;
        UNMASK_ASSIGN_OR_RETURN(Chunk kept, SortChunk(ConcatenateChunks(std::move(chunks), column_count_)));
        kept.first_row = first_row;
        CompactStrings(kept);
        chunks.clear();
        rows_per_worker_[worker] = kept.rows;
        chunks.push_back(std::move(kept));
    }
    return Status::Ok();
}

Result<Chunk> SortOperator::SortChunk(Chunk data) {
    std::vector<ColumnRef> key_columns;
    for (const SortSpec& spec : keys_) {
        UNMASK_ASSIGN_OR_RETURN(ColumnRef column, Evaluate(*spec.key, data, context_->eval));
        key_columns.push_back(std::move(column));
    }
    std::vector<uint32_t> order(data.rows);
    std::iota(order.begin(), order.end(), 0);
    // Null goes first or last as requested; NaN ranks as the smallest value above null, which
    // gives Kusto's descending order +inf, 5, 0, -5, NaN, null. Equal keys keep input order.
    auto less = [&](uint32_t a, uint32_t b) {
        for (size_t k = 0; k < keys_.size(); ++k) {
            const Column& column = *key_columns[k];
            const bool a_null = column.IsNull(a);
            const bool b_null = column.IsNull(b);
            if (a_null || b_null) {
                if (a_null == b_null) {
                    continue;
                }
                return keys_[k].nulls_first ? a_null : b_null;
            }
            const int c = CompareCells(column, a, b);
            if (c != 0) {
                return keys_[k].descending ? c > 0 : c < 0;
            }
        }
        return a < b;
    };
    if (limit_ >= 0 && static_cast<size_t>(limit_) < order.size()) {
        std::partial_sort(order.begin(), order.begin() + limit_, order.end(), less);
        order.resize(static_cast<size_t>(limit_));
    } else {
        std::sort(order.begin(), order.end(), less);
    }
    return GatherRows(data, order);
}

Status SortOperator::Finish() {
    std::vector<Chunk> all;
    for (auto& chunks : per_worker_) {
        for (Chunk& chunk : chunks) {
            all.push_back(std::move(chunk));
        }
        chunks.clear();
    }
    if (all.empty()) {
        return next_->Finish();
    }
    // Input order first, so that ties keep a deterministic order.
    std::stable_sort(all.begin(), all.end(), [](const Chunk& a, const Chunk& b) { return a.first_row < b.first_row; });
    UNMASK_ASSIGN_OR_RETURN(Chunk sorted, SortChunk(ConcatenateChunks(std::move(all), column_count_)));
    sorted.first_row = 0;
    UNMASK_TRY(next_->Push(std::move(sorted), 0));
    return next_->Finish();
}

DistinctOperator::DistinctOperator(const ExecContext* context, size_t column_count, Operator* next)
    : context_(context), column_count_(column_count), per_worker_(context->workers), next_(next) {}

Status DistinctOperator::Push(Chunk chunk, int worker) {
    if (chunk.rows > 0) {
        CompactStrings(chunk);
        per_worker_[worker].push_back(std::move(chunk));
    }
    return Status::Ok();
}

Status DistinctOperator::Finish() {
    std::vector<Chunk> all;
    for (auto& chunks : per_worker_) {
        for (Chunk& chunk : chunks) {
            all.push_back(std::move(chunk));
        }
        chunks.clear();
    }
    if (all.empty()) {
        return next_->Finish();
    }
    std::sort(all.begin(), all.end(), [](const Chunk& a, const Chunk& b) { return a.first_row < b.first_row; });
    Chunk data = ConcatenateChunks(std::move(all), column_count_);
    std::unordered_set<std::string> seen;
    std::vector<uint32_t> keep;
    std::string key;
    for (size_t row = 0; row < data.rows; ++row) {
        key.clear();
        for (const Column& column : data.columns) {
            AppendRowKey(key, column, row);
        }
        if (seen.insert(key).second) {
            keep.push_back(static_cast<uint32_t>(row));
        }
    }
    Chunk out = GatherRows(data, keep);
    out.first_row = 0;
    UNMASK_TRY(next_->Push(std::move(out), 0));
    return next_->Finish();
}

CountOperator::CountOperator(const ExecContext* context, Operator* next)
    : per_worker_(context->workers, 0), next_(next) {}

Status CountOperator::Push(Chunk chunk, int worker) {
    per_worker_[worker] += static_cast<int64_t>(chunk.rows);
    return Status::Ok();
}

Status CountOperator::Finish() {
    Chunk out;
    out.rows = 1;
    Column count(Type::kLong);
    count.AppendInt(std::accumulate(per_worker_.begin(), per_worker_.end(), int64_t{0}));
    out.columns.push_back(std::move(count));
    UNMASK_TRY(next_->Push(std::move(out), 0));
    return next_->Finish();
}

}  // namespace unmask::exec
