// Binders of the operator families, called by BindBinaryOperator (binary_operator.cc).
// Internal to the functions layer.
#pragma once

#include <string_view>

#include "functions/registry.h"

namespace unmask::functions {

enum class ArithmeticOp { kAdd, kSubtract, kMultiply, kDivide, kModulo };
enum class CompareOp { kEqual, kNotEqual, kLess, kLessOrEqual, kGreater, kGreaterOrEqual };

/// + - * / % over numbers, datetimes, timespans and dynamic values.
Result<BoundScalar> BindArithmetic(ArithmeticOp op, std::string_view spelling, BindArg left, BindArg right);

/// == != < <= > >= with Kusto's null rules.
Result<BoundScalar> BindComparison(CompareOp op, std::string_view spelling, BindArg left, BindArg right);

/// =~ and !~ (ASCII case-insensitive string equality).
Result<BoundScalar> BindCaseInsensitiveEquality(bool negated, BindArg left, BindArg right);

/// `and` / `or` with three-valued logic.
Result<BoundScalar> BindLogical(bool is_and, BindArg left, BindArg right);

/// True when `op` is one of the string operators handled by BindStringOperator.
bool IsStringOperator(std::string_view op);

/// has, contains, startswith, endswith, hasprefix, hassuffix (each with `!` and `_cs` forms)
/// and "matches regex".
Result<BoundScalar> BindStringOperator(std::string_view op, BindArg left, BindArg right);

} // namespace unmask::functions
