// Binding: resolves the names of a parsed KQL script against the input tables and `let`
// statements, checks types, folds constants and produces a logical plan.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "plan/plan_node.h"
#include "query/ast.h"

namespace unmask::plan {

/// A table the query can read.
struct CatalogTable {
    std::string name;
    Schema schema;
};

struct BindOptions {
    /// now() and ago() of the whole query, in datetime ticks.
    int64_t now_ticks = 0;
    /// Columns that are treated as null when no input has them (unmask's extension columns),
    /// each with its type. Empty in strict-schema mode, where such a name is a bind error as in Kusto.
    std::vector<Field> nullable_extensions;
    /// Extension columns rejected in strict-schema mode. Naming one gives an error that explains why.
    std::vector<std::string> strict_extensions;
    /// Runs a tabular subquery (the right side of `in`, the argument of `toscalar`) to completion
    /// and returns its rows. Without it such subqueries are a kNotImplemented error.
    std::function<Result<Table>(PlanNode& plan)> run_subquery;
};

struct BoundQuery {
    PlanNodePtr root;
    /// Facts the run summary should show, such as an extension column read as null.
    std::vector<std::string> notes;
};

/// Binds the script's last query statement. Errors carry the byte span of the query text at fault.
Result<BoundQuery> BindScript(const query::Script& script, const std::vector<CatalogTable>& catalog,
                              const BindOptions& options);

}  // namespace unmask::plan
