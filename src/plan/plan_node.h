// Logical plan: a tree of bound operators with their output schemas.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "exec/breaker_operators.h"
#include "exec/expression.h"
#include "exec/summarize.h"
#include "table/column.h"

namespace unmask::plan {

struct PlanNode {
    enum class Kind {
        kScan,       ///< rows of an input table
        kValues,     ///< rows known at plan time (print, datatable)
        kFilter,     ///< predicate
        kProject,    ///< exprs, one per output column
        kSummarize,  ///< exprs are the group keys; aggregates
        kSort,       ///< sort_keys; limit >= 0 for top
        kTake,       ///< limit
        kDistinct,   ///< distinct over all input columns
        kCount,
        kUnion,      ///< inputs with union_maps
    };

    Kind kind = Kind::kScan;
    Schema schema;  ///< output columns
    std::vector<std::unique_ptr<PlanNode>> inputs;

    std::string table_name;  ///< kScan
    Table values;            ///< kValues
    exec::BoundExprPtr predicate;
    std::vector<exec::BoundExprPtr> exprs;
    std::vector<exec::AggregateCall> aggregates;
    std::vector<exec::SortSpec> sort_keys;
    int64_t limit = -1;
    /// kUnion: for each input, the output position of each of its columns (-1 = dropped).
    std::vector<std::vector<int>> union_maps;
};

using PlanNodePtr = std::unique_ptr<PlanNode>;

/// Renders the plan as an indented tree, one operator per line, for `--explain` and tests.
std::string DumpPlan(const PlanNode& node);

}  // namespace unmask::plan
