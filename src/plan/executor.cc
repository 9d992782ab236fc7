#include "plan/executor.h"

namespace unmask::plan {

using exec::BoundExprPtr;

Executor::Executor(PlanNode& root, const functions::EvalContext& eval, int workers) {
    context_.eval = eval;
    context_.workers = std::max(1, workers);
    output_schema_ = root.schema;
    auto sink = std::make_unique<exec::TableSink>(root.schema, context_.workers);
    sink_ = sink.get();
    operators_.push_back(std::move(sink));
    MarkRequired(root, std::vector<bool>(root.schema.size(), true));
    Build(root, sink_);
}

void Executor::MarkRequired(PlanNode& node, const std::vector<bool>& required_outputs) {
    auto columns_of = [](const exec::BoundExpr& expr, std::vector<bool>& required) {
        std::vector<int> columns;
        expr.CollectColumns(columns);
        for (int column : columns) {
            if (column >= 0 && static_cast<size_t>(column) < required.size()) {
                required[column] = true;
            }
        }
    };
    const size_t input_width = node.inputs.empty() ? 0 : node.inputs[0]->schema.size();
    std::vector<bool> required(input_width, false);
    switch (node.kind) {
        case PlanNode::Kind::kScan:
            if (scan_columns_.size() < node.schema.size()) {
                scan_columns_.resize(node.schema.size(), false);
            }
            for (size_t i = 0; i < required_outputs.size() && i < scan_columns_.size(); ++i) {
                scan_columns_[i] = scan_columns_[i] || required_outputs[i];
            }
            return;
        case PlanNode::Kind::kValues: return;
        case PlanNode::Kind::kFilter:
        case PlanNode::Kind::kTake:
        case PlanNode::Kind::kSort:
            required = required_outputs;
            if (node.predicate) {
                columns_of(*node.predicate, required);
            }
            for (const exec::SortSpec& key : node.sort_keys) {
                columns_of(*key.key, required);
            }
            break;
        case PlanNode::Kind::kProject:
            for (size_t i = 0; i < node.exprs.size(); ++i) {
                if (i < required_outputs.size() && required_outputs[i]) {
                    columns_of(*node.exprs[i], required);
                } else if (!node.exprs[i]->is_constant()) {
                    // Nothing downstream reads this column, so a typed null replaces its
                    // expression and the columns it would have read need not be parsed.
                    node.exprs[i] = exec::BoundExpr::MakeConstant(Value::Null(node.schema[i].type),
                                                                  node.schema[i].name);
                }
            }
            break;
        case PlanNode::Kind::kSummarize:
            for (const BoundExprPtr& key : node.exprs) {
                columns_of(*key, required);
            }
            for (const exec::AggregateCall& call : node.aggregates) {
                for (const BoundExprPtr& arg : call.args) {
                    columns_of(*arg, required);
                }
            }
            break;
        case PlanNode::Kind::kDistinct: required.assign(input_width, true); break;
        case PlanNode::Kind::kCount: break;
        case PlanNode::Kind::kUnion:
            for (size_t leg = 0; leg < node.inputs.size(); ++leg) {
                const std::vector<int>& map = node.union_maps[leg];
                std::vector<bool> leg_required(node.inputs[leg]->schema.size(), false);
                for (size_t c = 0; c < map.size(); ++c) {
                    leg_required[c] = map[c] >= 0 && required_outputs[map[c]];
                }
                MarkRequired(*node.inputs[leg], leg_required);
            }
            return;
    }
    for (auto& input : node.inputs) {
        MarkRequired(*input, required);
    }
}

exec::Operator* Executor::Build(PlanNode& node, exec::Operator* consumer) {
    std::unique_ptr<exec::Operator> op;
    switch (node.kind) {
        case PlanNode::Kind::kScan: scan_tee_.AddConsumer(consumer); return consumer;
        case PlanNode::Kind::kValues: value_sources_.emplace_back(&node.values, consumer); return consumer;
        case PlanNode::Kind::kFilter:
            op = std::make_unique<exec::FilterOperator>(&context_, std::move(node.predicate), consumer);
            break;
        case PlanNode::Kind::kProject:
            op = std::make_unique<exec::ProjectOperator>(&context_, std::move(node.exprs), consumer);
            break;
        case PlanNode::Kind::kSummarize:
            op = std::make_unique<exec::SummarizeOperator>(&context_, std::move(node.exprs), std::move(node.aggregates),
                                                           consumer);
            break;
        case PlanNode::Kind::kSort:
            op = std::make_unique<exec::SortOperator>(&context_, std::move(node.sort_keys), node.limit,
                                                      node.schema.size(), consumer);
            break;
        case PlanNode::Kind::kTake: op = std::make_unique<exec::TakeOperator>(node.limit, consumer); break;
        case PlanNode::Kind::kDistinct:
            op = std::make_unique<exec::DistinctOperator>(&context_, node.schema.size(), consumer);
            break;
        case PlanNode::Kind::kCount: op = std::make_unique<exec::CountOperator>(&context_, consumer); break;
        case PlanNode::Kind::kUnion: {
            auto union_op = std::make_unique<exec::UnionOperator>(node.schema, consumer);
            exec::UnionOperator* raw = union_op.get();
            operators_.push_back(std::move(union_op));
            for (size_t leg = 0; leg < node.inputs.size(); ++leg) {
                Build(*node.inputs[leg], raw->AddInput(node.union_maps[leg]));
            }
            return raw;
        }
    }
    exec::Operator* raw = op.get();
    operators_.push_back(std::move(op));
    for (auto& input : node.inputs) {
        Build(*input, raw);
    }
    return raw;
}

Status Executor::RunValueSources() {
    for (auto& [table, consumer] : value_sources_) {
        for (Chunk& chunk : table->chunks) {
            UNMASK_TRY(consumer->Push(std::move(chunk), 0));
        }
        UNMASK_TRY(consumer->Finish());
    }
    return Status::Ok();
}

Status Executor::Finish() {
    if (has_scan()) {
        UNMASK_TRY(scan_tee_.Finish());
    }
    if (!has_scan() && value_sources_.empty()) {
        UNMASK_TRY(sink_->Finish());
    }
    return Status::Ok();
}

}  // namespace unmask::plan
