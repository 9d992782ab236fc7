// Registry of KQL scalar functions and operators: binding by argument types, then vectorized kernels.
//
// Binding happens once per call site at plan time: the binder passes the argument types and,
// for arguments that are constants, their values (so a regex compiles once, a list becomes a
// hash set). Binding returns the result type and a kernel. The kernel runs per chunk over
// whole columns and may be called from several threads at once, so it must not mutate
// captured state.
#pragma once

#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "table/column.h"
#include "table/value.h"

namespace unmask::functions {

/// Per-query evaluation settings.
struct EvalContext {
    /// now() for the whole query, in datetime ticks. Every now()/ago() of a query uses this instant.
    int64_t now_ticks = 0;
};

/// Inputs of one kernel call. Every argument is a full column of `rows` values, including
/// constant arguments, whose Value is also given (constants[i] is nullptr when argument i is
/// not constant).
struct KernelArgs {
    std::span<const Column* const> columns;
    std::span<const Value* const> constants;
    size_t rows = 0;
    const EvalContext* context = nullptr;
};

/// Fills `out` (already typed with the bound result type, empty) with `args.rows` values.
using ScalarKernel = std::function<Status(const KernelArgs& args, Column& out)>;

struct BoundScalar {
    Type result_type = Type::kLong;
    ScalarKernel kernel;
};

/// Argument description for binding: the type, and the value when the argument is a constant.
struct BindArg {
    Type type = Type::kLong;
    const Value* constant = nullptr;
};

/// Chooses an overload for the given arguments or explains why none fits (kType error whose
/// message names the function, the argument position and the expected types).
using ScalarBinder = std::function<Result<BoundScalar>(std::span<const BindArg> args)>;

struct ScalarFunction {
    std::string name;
    size_t min_args = 0;
    size_t max_args = 0;
    std::string signature;    ///< such as "strcat(arg1, arg2, ...) -> string"
    std::string description;  ///< one line
    std::string example;      ///< a KQL expression whose result is `example_result`
    std::string example_result;
    ScalarBinder bind;
};

/// Looks up a scalar function by name (exact, as Kusto function names are case-sensitive).
const ScalarFunction* FindScalarFunction(std::string_view name);
/// Names of all scalar functions, for "did you mean" hints and the reference doc.
std::vector<std::string> ScalarFunctionNames();
const std::vector<ScalarFunction>& AllScalarFunctions();

/// Binds a binary operator by its spelling: arithmetic (+ - * / %), comparison (== != < <= > >=),
/// case-insensitive equality (=~ !~), logical (and or), the string operators (has, !has, has_cs,
/// contains, startswith, endswith, hasprefix, hassuffix, each with `!` and `_cs` forms) and
/// "matches regex". Null rules follow Kusto: comparisons with one null operand give false for
/// ==, true for !=, null otherwise; `and` is false if either side is false; `or` true if either
/// side is true.
Result<BoundScalar> BindBinaryOperator(std::string_view op, BindArg left, BindArg right);

/// Binds unary minus or plus.
Result<BoundScalar> BindUnaryOperator(std::string_view op, BindArg operand);

/// Binds `left op (items...)` for op in "in", "!in", "in~", "!in~", "has_any", "has_all".
/// The items are constants: scalars, or dynamic arrays that are flattened (nested arrays too),
/// or the values of a tabular subquery's first column.
Result<BoundScalar> BindInOperator(std::string_view op, BindArg left, const std::vector<Value>& items);

/// Binds `x between (low .. high)` and `!between`. `high` may be a timespan when `x` is a datetime.
Result<BoundScalar> BindBetween(bool negated, BindArg value, BindArg low, BindArg high);

/// Binds `base[index]` on dynamic (or string holding JSON) values: a string index reads a
/// property, an integer index an array element (negative counts from the end).
Result<BoundScalar> BindIndex(BindArg base, BindArg index);

/// Binds `base.name` (property access) on dynamic values.
Result<BoundScalar> BindMember(BindArg base, const std::string& name);

}  // namespace unmask::functions
