#include "exec/summarize.h"

#include "exec/row_key.h"

namespace unmask::exec {

SummarizeOperator::SummarizeOperator(const ExecContext* context, std::vector<BoundExprPtr> keys,
                                     std::vector<AggregateCall> aggregates, Operator* next)
    : context_(context), keys_(std::move(keys)), aggregates_(std::move(aggregates)), next_(next) {
    for (int worker = 0; worker < context_->workers; ++worker) {
        partials_.push_back(MakePartial());
    }
}

SummarizeOperator::Partial SummarizeOperator::MakePartial() const {
    Partial partial;
    for (const auto& key : keys_) {
        partial.key_columns.emplace_back(key->type);
    }
    auto arena = std::make_shared<StringArena>();
    partial.arena = arena.get();
    partial.arena_owner = arena;
    for (Column& key_column : partial.key_columns) {
        key_column.owners.push_back(arena);
    }
    for (const AggregateCall& call : aggregates_) {
        partial.states.push_back(MakeAggregateState(call.spec));
    }
    return partial;
}

Status SummarizeOperator::Push(Chunk chunk, int worker) {
    if (chunk.rows == 0) {
        return Status::Ok();
    }
    Partial& partial = partials_[worker];
    std::vector<ColumnRef> key_values;
    for (const auto& key : keys_) {
        UNMASK_ASSIGN_OR_RETURN(ColumnRef column, Evaluate(*key, chunk, context_->eval));
        key_values.push_back(std::move(column));
    }
    std::vector<uint32_t> group_of_row(chunk.rows, 0);
    if (keys_.empty()) {
        if (partial.encoded_keys.empty()) {
            partial.encoded_keys.emplace_back();
        }
    } else {
        std::string key;
        for (size_t row = 0; row < chunk.rows; ++row) {
            key.clear();
            for (const ColumnRef& column : key_values) {
                AppendRowKey(key, *column, row);
            }
            auto found = partial.groups.find(std::string_view(key));
            if (found != partial.groups.end()) {
                group_of_row[row] = found->second;
                continue;
            }
            const uint32_t group = static_cast<uint32_t>(partial.encoded_keys.size());
            partial.groups.emplace(key, group);
            partial.encoded_keys.push_back(key);
            for (size_t k = 0; k < key_values.size(); ++k) {
                Value::FromColumn(*key_values[k], row).AppendTo(partial.key_columns[k], *partial.arena);
            }
            group_of_row[row] = group;
        }
    }
    const size_t groups = partial.encoded_keys.size();
    for (size_t a = 0; a < aggregates_.size(); ++a) {
        std::vector<ColumnRef> arg_values;
        AggregateInput input;
        for (const auto& arg : aggregates_[a].args) {
            UNMASK_ASSIGN_OR_RETURN(ColumnRef column, Evaluate(*arg, chunk, context_->eval));
            arg_values.push_back(std::move(column));
            input.args.push_back(arg_values.back().get());
        }
        input.group_of_row = group_of_row.data();
        input.rows = chunk.rows;
        input.first_row = chunk.first_row;
        partial.states[a]->Resize(groups);
        partial.states[a]->Update(input);
    }
    return Status::Ok();
}

Status SummarizeOperator::Finish() {
    Partial& merged = partials_[0];
    for (size_t w = 1; w < partials_.size(); ++w) {
        Partial& other = partials_[w];
        std::vector<uint32_t> group_map(other.encoded_keys.size());
        for (size_t g = 0; g < other.encoded_keys.size(); ++g) {
            const std::string& key = other.encoded_keys[g];
            auto found = merged.groups.find(std::string_view(key));
            if (found == merged.groups.end() && !(keys_.empty() && !merged.encoded_keys.empty())) {
                const uint32_t group = static_cast<uint32_t>(merged.encoded_keys.size());
                merged.groups.emplace(key, group);
                merged.encoded_keys.push_back(key);
                for (size_t k = 0; k < keys_.size(); ++k) {
                    Value::FromColumn(other.key_columns[k], g).AppendTo(merged.key_columns[k], *merged.arena);
                }
                group_map[g] = group;
            } else {
                group_map[g] = keys_.empty() ? 0 : found->second;
            }
        }
        for (size_t a = 0; a < aggregates_.size(); ++a) {
            merged.states[a]->Resize(merged.encoded_keys.size());
            other.states[a]->Resize(other.encoded_keys.size());
            merged.states[a]->Merge(*other.states[a], group_map);
        }
    }

    Chunk out;
    const size_t groups = merged.encoded_keys.size();
    for (Column& key_column : merged.key_columns) {
        out.columns.push_back(std::move(key_column));
    }
    for (size_t a = 0; a < aggregates_.size(); ++a) {
        const size_t first = out.columns.size();
        for (Type type : aggregates_[a].spec.output_types) {
            out.columns.emplace_back(type);
        }
        std::vector<Column*> outputs;
        for (size_t c = first; c < out.columns.size(); ++c) {
            outputs.push_back(&out.columns[c]);
        }
        if (groups == 0 && keys_.empty()) {
            merged.states[a]->FinalizeEmpty(outputs);
        } else {
            merged.states[a]->Resize(groups);
            merged.states[a]->Finalize(groups, outputs);
        }
    }
    out.rows = (groups == 0 && keys_.empty()) ? 1 : groups;
    partials_.clear();
    if (out.rows > 0) {
        UNMASK_TRY(next_->Push(std::move(out), 0));
    }
    return next_->Finish();
}

}  // namespace unmask::exec
