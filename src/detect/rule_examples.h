// Running a rule's inline examples (the `tests` of a rule file) through the query engine.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "detect/rule.h"
#include "table/column.h"

namespace unmask::detect {

/// Outcome of one example.
struct ExampleResult {
    std::string name;
    int line = 0; ///< line of the example in the rule file
    bool passed = false;
    /// Reason for the failure, in one or more lines; empty when the example passed.
    std::string failure;
    /// The query's result rows (also kept when the example passed).
    Table result;
};

struct ExampleRunOptions {
    /// Folder for the examples' input files; empty for the system temporary folder. A fresh
    /// subfolder is created in it and removed afterwards.
    std::string temp_dir;
    int threads = 1;
};

/// Runs every example of `rule`. Each example's rows go to a JSON-lines file, one Defender API
/// row object per line. The rule's query runs over it with the default parameters, and now()
/// is the example's `now`, else the newest Timestamp of the rows. The example passes with at
/// least one result row for `match`, none for `no_match`, and exactly `findings` rows when
/// given. A result with rows must also have every entity column and explanation placeholder.
/// A query or input error fails that example only. The returned Status is an error only when
/// the temporary files cannot be written.
Result<std::vector<ExampleResult>> RunRuleExamples(const Rule& rule, const ExampleRunOptions& options = {});

} // namespace unmask::detect
