// BindBinaryOperator: maps an operator spelling to the binder of its family.
#include "functions/operators_internal.h"
#include "functions/registry.h"

namespace unmask::functions {

Result<BoundScalar> BindBinaryOperator(std::string_view op, BindArg left, BindArg right) {
    if (op == "+") {
        return BindArithmetic(ArithmeticOp::kAdd, op, left, right);
    }
    if (op == "-") {
        return BindArithmetic(ArithmeticOp::kSubtract, op, left, right);
    }
    if (op == "*") {
        return BindArithmetic(ArithmeticOp::kMultiply, op, left, right);
    }
    if (op == "/") {
        return BindArithmetic(ArithmeticOp::kDivide, op, left, right);
    }
    if (op == "%") {
        return BindArithmetic(ArithmeticOp::kModulo, op, left, right);
    }

    if (op == "==") {
        return BindComparison(CompareOp::kEqual, op, left, right);
    }
    if (op == "!=" || op == "<>") {
        return BindComparison(CompareOp::kNotEqual, op, left, right);
    }
    if (op == "<") {
        return BindComparison(CompareOp::kLess, op, left, right);
    }
    if (op == "<=") {
        return BindComparison(CompareOp::kLessOrEqual, op, left, right);
    }
    if (op == ">") {
        return BindComparison(CompareOp::kGreater, op, left, right);
    }
    if (op == ">=") {
        return BindComparison(CompareOp::kGreaterOrEqual, op, left, right);
    }

    if (op == "=~" || op == "!~") {
        return BindCaseInsensitiveEquality(op == "!~", left, right);
    }
    if (op == "and" || op == "or") {
        return BindLogical(op == "and", left, right);
    }
    if (IsStringOperator(op)) {
        return BindStringOperator(op, left, right);
    }
    return Status(ErrorKind::kNotImplemented, "binary operator '" + std::string(op) + "' is not supported");
}

} // namespace unmask::functions
