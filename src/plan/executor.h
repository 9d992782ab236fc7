// Turns a logical plan into connected physical operators and drives them.
//
// The caller feeds the input table: scan_columns() lists which input columns the plan reads,
// scan_input() receives the chunks from the reader's workers, and Finish runs once the input
// is exhausted. Queries without a scan (print) need no input at all.
#pragma once

#include <memory>
#include <vector>

#include "exec/operator.h"
#include "plan/plan_node.h"

namespace unmask::plan {

class Executor {
public:
    /// Builds operators for `root`. `workers` is the number of threads that will push input chunks.
    Executor(PlanNode& root, const functions::EvalContext& eval, int workers);

    /// True when the plan reads the input table.
    bool has_scan() const { return scan_tee_.consumer_count() > 0; }
    /// Input column indexes that some operator reads; the others may be left empty in chunks.
    const std::vector<bool>& scan_columns() const { return scan_columns_; }
    /// Entry point for the input chunks that the reader pushes.
    exec::Operator* scan_input() { return &scan_tee_; }

    /// Pushes the plan-time sources (print, datatable); call before reading the input.
    Status RunValueSources();
    /// Signals the end of the input and runs every pipeline breaker.
    Status Finish();

    const Schema& output_schema() const { return output_schema_; }
    Table TakeResult() { return std::move(sink_->table()); }

private:
    exec::Operator* Build(PlanNode& node, exec::Operator* consumer);
    void MarkRequired(PlanNode& node, const std::vector<bool>& required_outputs);

    exec::ExecContext context_;
    std::vector<std::unique_ptr<exec::Operator>> operators_;
    exec::TeeOperator scan_tee_;
    std::vector<std::pair<Table*, exec::Operator*>> value_sources_;
    std::vector<bool> scan_columns_;
    Schema output_schema_;
    exec::TableSink* sink_ = nullptr;
};

}  // namespace unmask::plan
