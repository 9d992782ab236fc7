// Aggregate functions of `summarize`: per-group states that update over whole chunks,
// merge across workers and finalize into output columns.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "table/column.h"

namespace unmask::exec {

/// Arguments of one aggregate for one chunk: evaluated argument columns plus the order key of
/// every row (for order-sensitive aggregates such as make_list).
struct AggregateInput {
    std::vector<const Column*> args;
    const uint32_t* group_of_row = nullptr;
    size_t rows = 0;
    uint64_t first_row = 0;
};

/// State of one aggregate over all groups of one worker.
class AggregateState {
public:
    virtual ~AggregateState() = default;
    /// Makes room for groups [0, groups).
    virtual void Resize(size_t groups) = 0;
    virtual void Update(const AggregateInput& input) = 0;
    /// Folds `other` (same aggregate, another worker) into this state; other's group g becomes
    /// group group_map[g] here.
    virtual void Merge(AggregateState& other, const std::vector<uint32_t>& group_map) = 0;
    /// Appends one value per group to each output column (`outputs` has output_types().size()).
    virtual void Finalize(size_t groups, std::vector<Column*>& outputs) = 0;
    /// Value for summarize without `by` over empty input.
    virtual void FinalizeEmpty(std::vector<Column*>& outputs) = 0;
};

/// A bound aggregate call: which function, argument types and constant parameters.
struct AggregateSpec {
    std::string function;           ///< canonical name, such as "count", "make_list", "arg_max"
    std::vector<Type> arg_types;    ///< types of the evaluated arguments
    std::vector<Type> output_types;
    double parameter = 0;           ///< max size for make_list/make_set
    std::vector<double> percents;   ///< percentile/percentiles: one output column per value
    bool has_parameter = false;
    size_t extra_columns = 0;       ///< arg_max/arg_min: columns carried besides the compared value
    std::vector<size_t> evaluated_args;  ///< indexes of the call's arguments evaluated per chunk
};

/// Describes an aggregate function for the binder.
struct AggregateFunctionInfo {
    std::string_view name;
    size_t min_args;
    size_t max_args;
    std::string_view description;
};

/// Looks up an aggregate by name and returns nullptr when it is unknown. AggregateNames() lists
/// the supported names.
const AggregateFunctionInfo* FindAggregate(std::string_view name);
std::vector<std::string> AggregateNames();

/// Argument of an aggregate call at bind time: its type, and its number when it is a numeric
/// constant.
struct AggregateArg {
    Type type = Type::kLong;
    bool is_constant = false;
    double number = 0;
};

/// Computes output types for an aggregate over the given arguments, or a kType error naming
/// the function and the argument. Constant parameters (percentile's p, make_list's max size,
/// dcount's accuracy) are taken out; `evaluated_args` lists the arguments to evaluate per chunk.
Result<AggregateSpec> BindAggregate(std::string_view name, const std::vector<AggregateArg>& args);

std::unique_ptr<AggregateState> MakeAggregateState(const AggregateSpec& spec);

}  // namespace unmask::exec
