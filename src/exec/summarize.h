// The summarize operator: hash aggregation with per-worker partial states merged at the end.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "exec/aggregate.h"
#include "exec/operator.h"

namespace unmask::exec {

struct AggregateCall {
    AggregateSpec spec;
    std::vector<BoundExprPtr> args;  ///< the evaluated arguments, as listed in spec.evaluated_args
};

/// Groups rows by the key expressions and computes the aggregates per group. Output columns:
/// the keys, then each aggregate's outputs. Without keys, exactly one row, even for empty input.
class SummarizeOperator final : public Operator {
public:
    SummarizeOperator(const ExecContext* context, std::vector<BoundExprPtr> keys, std::vector<AggregateCall> aggregates,
                      Operator* next);
    Status Push(Chunk chunk, int worker) override;
    Status Finish() override;

private:
    struct TransparentHash {
        using is_transparent = void;
        size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
    };
    struct Partial {
        std::unordered_map<std::string, uint32_t, TransparentHash, std::equal_to<>> groups;
        std::vector<std::string> encoded_keys;  ///< per group, in first-seen order
        std::vector<Column> key_columns;        ///< key values per group
        StringArena* arena = nullptr;           ///< bytes of string keys; every key column co-owns it
        std::shared_ptr<StringArena> arena_owner;
        std::vector<std::unique_ptr<AggregateState>> states;
    };

    Partial MakePartial() const;

    const ExecContext* context_;
    std::vector<BoundExprPtr> keys_;
    std::vector<AggregateCall> aggregates_;
    std::vector<Partial> partials_;
    Operator* next_;
};

}  // namespace unmask::exec
