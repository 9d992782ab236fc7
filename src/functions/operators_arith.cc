// Arithmetic operators: + - * / % and unary minus/plus.
//
// Type rules (Kusto numerical-operators and datetime-timespan-arithmetic pages):
//   int/long op int/long -> long (integer division truncates toward zero)
//   any real operand      -> real (IEEE: x / 0.0 is an infinity or NaN)
//   timespan +- timespan -> timespan, datetime +- timespan -> datetime, datetime - datetime -> timespan
//   timespan * number, number * timespan, timespan / number -> timespan; timespan / timespan -> real
//   timespan % timespan  -> timespan
// The modulo of numbers is never negative: 0 <= N % D < abs(D), so -14 % 12 == 10.
#include <cmath>
#include <limits>
#include <optional>

#include "functions/conversions.h"
#include "functions/kernel_support.h"
#include "functions/operators_internal.h"

namespace unmask::functions {

namespace {

std::string_view OpSpelling(ArithmeticOp op) {
    switch (op) {
    case ArithmeticOp::kAdd:
        return "+";
    case ArithmeticOp::kSubtract:
        return "-";
    case ArithmeticOp::kMultiply:
        return "*";
    case ArithmeticOp::kDivide:
        return "/";
    case ArithmeticOp::kModulo:
        return "%";
    }
    return "?";
}

Status OperandTypeError(ArithmeticOp op, Type left, Type right) {
    return Status(ErrorKind::kType, "operator '" + std::string(OpSpelling(op)) + "' cannot be applied to " +
                                        std::string(TypeName(left)) + " and " + std::string(TypeName(right)));
}

/// Integer arithmetic with two's-complement wrap-around. Returns false (null result) for
/// division or modulo by zero and for the overflowing INT64_MIN / -1.
// NOTE: Kusto does not document integer division by zero; unmask returns null instead of failing the query.
template <ArithmeticOp kOp>
inline bool IntegerOp(int64_t a, int64_t b, int64_t& out) {
    const auto ua = static_cast<uint64_t>(a);
    const auto ub = static_cast<uint64_t>(b);
    if constexpr (kOp == ArithmeticOp::kAdd) {
        out = static_cast<int64_t>(ua + ub);
    } else if constexpr (kOp == ArithmeticOp::kSubtract) {
        out = static_cast<int64_t>(ua - ub);
    } else if constexpr (kOp == ArithmeticOp::kMultiply) {
        out = static_cast<int64_t>(ua * ub);
    } else if constexpr (kOp == ArithmeticOp::kDivide) {
        if (b == 0 || (b == -1 && a == std::numeric_limits<int64_t>::min())) {
            return false;
        }
        out = a / b;
    } else {
        if (b == 0) {
            return false;
        }
        if (b == -1) {
            out = 0;
            return true;
        }
        int64_t remainder = a % b;
        if (remainder < 0) {
            const uint64_t magnitude = b < 0 ? 0 - ub : ub;
            remainder = static_cast<int64_t>(static_cast<uint64_t>(remainder) + magnitude);
        }
        out = remainder;
    }
    return true;
}

template <ArithmeticOp kOp>
inline double RealOp(double a, double b) {
    if constexpr (kOp == ArithmeticOp::kAdd) {
        return a + b;
    } else if constexpr (kOp == ArithmeticOp::kSubtract) {
        return a - b;
    } else if constexpr (kOp == ArithmeticOp::kMultiply) {
        return a * b;
    } else if constexpr (kOp == ArithmeticOp::kDivide) {
        return a / b;
    } else {
        double remainder = std::fmod(a, b);
        if (remainder < 0) {
            remainder += std::fabs(b);
        }
        return remainder;
    }
}

/// Rounds a tick count computed in floating point; false when it does not fit a timespan.
inline bool RoundTicks(double ticks, int64_t& out) {
    if (!(ticks >= -9.2e18 && ticks <= 9.2e18)) {
        return false;
    }
    out = std::llround(ticks);
    return true;
}

/// Both operands stored as int64 (int, long, datetime, timespan); result stored as int64.
template <ArithmeticOp kOp>
ScalarKernel IntegerKernel() {
    return [](const KernelArgs& args, Column& out) -> Status {
        const Column& left = *args.columns[0];
        const Column& right = *args.columns[1];
        ResizeOutput(out, args.rows);
        MergeNulls(out, left);
        MergeNulls(out, right);
        const int64_t* a = left.ints.data();
        const int64_t* b = right.ints.data();
        int64_t* result = out.ints.data();
        for (size_t row = 0; row < args.rows; ++row) {
            if (!IntegerOp<kOp>(a[row], b[row], result[row])) {
                MarkNull(out, row);
            }
        }
        return Status::Ok();
    };
}

template <ArithmeticOp kOp>
ScalarKernel RealKernel() {
    return [](const KernelArgs& args, Column& out) -> Status {
        const Column& left = *args.columns[0];
        const Column& right = *args.columns[1];
        ResizeOutput(out, args.rows);
        MergeNulls(out, left);
        MergeNulls(out, right);
        std::vector<double> left_scratch;
        std::vector<double> right_scratch;
        const double* a = RealData(left, left_scratch);
        const double* b = RealData(right, right_scratch);
        double* result = out.reals.data();
        for (size_t row = 0; row < args.rows; ++row) {
            result[row] = RealOp<kOp>(a[row], b[row]);
        }
        return Status::Ok();
    };
}

/// timespan * real, real * timespan and timespan / real: the tick count is scaled in floating
/// point and rounded to the nearest tick.
ScalarKernel ScaledTicksKernel(bool ticks_on_left, bool divide) {
    return [ticks_on_left, divide](const KernelArgs& args, Column& out) -> Status {
        const Column& ticks_column = *args.columns[ticks_on_left ? 0 : 1];
        const Column& factor_column = *args.columns[ticks_on_left ? 1 : 0];
        ResizeOutput(out, args.rows);
        MergeNulls(out, ticks_column);
        MergeNulls(out, factor_column);
        std::vector<double> scratch;
        const double* factors = RealData(factor_column, scratch);
        for (size_t row = 0; row < args.rows; ++row) {
            const double ticks = static_cast<double>(ticks_column.ints[row]);
            const double scaled = divide ? ticks / factors[row] : ticks * factors[row];
            if (!RoundTicks(scaled, out.ints[row])) {
                MarkNull(out, row);
            }
        }
        return Status::Ok();
    };
}

template <typename Make>
ScalarKernel SelectOp(ArithmeticOp op, Make make) {
    switch (op) {
    case ArithmeticOp::kAdd:
        return make.template operator()<ArithmeticOp::kAdd>();
    case ArithmeticOp::kSubtract:
        return make.template operator()<ArithmeticOp::kSubtract>();
    case ArithmeticOp::kMultiply:
        return make.template operator()<ArithmeticOp::kMultiply>();
    case ArithmeticOp::kDivide:
        return make.template operator()<ArithmeticOp::kDivide>();
    case ArithmeticOp::kModulo:
        return make.template operator()<ArithmeticOp::kModulo>();
    }
    return nullptr;
}

ScalarKernel MakeIntegerKernel(ArithmeticOp op) {
    return SelectOp(op, []<ArithmeticOp kOp>() { return IntegerKernel<kOp>(); });
}

ScalarKernel MakeRealKernel(ArithmeticOp op) {
    return SelectOp(op, []<ArithmeticOp kOp>() { return RealKernel<kOp>(); });
}

/// Applies `op` to two dynamic numbers: long op long stays long, anything with a real is real,
/// and any other pair (strings, arrays, null) gives null.
DynamicPtr DynamicArithmetic(ArithmeticOp op, const DynamicValue* left, const DynamicValue* right) {
    using Kind = DynamicValue::Kind;
    if (left == nullptr || right == nullptr) {
        return nullptr;
    }
    const bool left_long = left->kind() == Kind::kLong;
    const bool right_long = right->kind() == Kind::kLong;
    const bool left_number = left_long || left->kind() == Kind::kReal;
    const bool right_number = right_long || right->kind() == Kind::kReal;
    if (!left_number || !right_number) {
        return nullptr;
    }

    if (left_long && right_long) {
        int64_t result = 0;
        bool ok = false;
        switch (op) {
        case ArithmeticOp::kAdd:
            ok = IntegerOp<ArithmeticOp::kAdd>(left->integer(), right->integer(), result);
            break;
        case ArithmeticOp::kSubtract:
            ok = IntegerOp<ArithmeticOp::kSubtract>(left->integer(), right->integer(), result);
            break;
        case ArithmeticOp::kMultiply:
            ok = IntegerOp<ArithmeticOp::kMultiply>(left->integer(), right->integer(), result);
            break;
        case ArithmeticOp::kDivide:
            ok = IntegerOp<ArithmeticOp::kDivide>(left->integer(), right->integer(), result);
            break;
        case ArithmeticOp::kModulo:
            ok = IntegerOp<ArithmeticOp::kModulo>(left->integer(), right->integer(), result);
            break;
        }
        return ok ? DynamicValue::Long(result) : nullptr;
    }

    const double a = left_long ? static_cast<double>(left->integer()) : left->real();
    const double b = right_long ? static_cast<double>(right->integer()) : right->real();
    switch (op) {
    case ArithmeticOp::kAdd:
        return DynamicValue::Real(RealOp<ArithmeticOp::kAdd>(a, b));
    case ArithmeticOp::kSubtract:
        return DynamicValue::Real(RealOp<ArithmeticOp::kSubtract>(a, b));
    case ArithmeticOp::kMultiply:
        return DynamicValue::Real(RealOp<ArithmeticOp::kMultiply>(a, b));
    case ArithmeticOp::kDivide:
        return DynamicValue::Real(RealOp<ArithmeticOp::kDivide>(a, b));
    case ArithmeticOp::kModulo:
        return DynamicValue::Real(RealOp<ArithmeticOp::kModulo>(a, b));
    }
    return nullptr;
}

ScalarKernel DynamicKernel(ArithmeticOp op) {
    return [op](const KernelArgs& args, Column& out) -> Status {
        const Column& left = *args.columns[0];
        const Column& right = *args.columns[1];
        ResizeOutput(out, args.rows);
        for (size_t row = 0; row < args.rows; ++row) {
            out.dynamics[row] = DynamicArithmetic(op, left.dynamics[row].get(), right.dynamics[row].get());
        }
        FinishDynamicOutput(out);
        return Status::Ok();
    };
}

Result<BoundScalar> BindTyped(ArithmeticOp op, Type left, Type right) {
    if (IsNumeric(left) && IsNumeric(right)) {
        if (IsIntegerType(left) && IsIntegerType(right)) {
            // NOTE: Kusto's docs give long for int op int; Kusto.Language types it int. unmask follows the docs.
            return BoundScalar{Type::kLong, MakeIntegerKernel(op)};
        }
        return BoundScalar{Type::kReal, MakeRealKernel(op)};
    }
    const bool left_span = left == Type::kTimeSpan;
    const bool right_span = right == Type::kTimeSpan;
    const bool left_time = left == Type::kDateTime;
    const bool right_time = right == Type::kDateTime;
    switch (op) {
    case ArithmeticOp::kAdd:
        if (left_span && right_span) {
            return BoundScalar{Type::kTimeSpan, MakeIntegerKernel(op)};
        }
        if ((left_time && right_span) || (left_span && right_time)) {
            return BoundScalar{Type::kDateTime, MakeIntegerKernel(op)};
        }
        break;
    case ArithmeticOp::kSubtract:
        if ((left_span && right_span) || (left_time && right_time)) {
            return BoundScalar{Type::kTimeSpan, MakeIntegerKernel(op)};
        }
        if (left_time && right_span) {
            return BoundScalar{Type::kDateTime, MakeIntegerKernel(op)};
        }
        break;
    case ArithmeticOp::kMultiply:
        if ((left_span && IsIntegerType(right)) || (IsIntegerType(left) && right_span)) {
            return BoundScalar{Type::kTimeSpan, MakeIntegerKernel(op)};
        }
        if (left_span && right == Type::kReal) {
            return BoundScalar{Type::kTimeSpan, ScaledTicksKernel(true, false)};
        }
        if (left == Type::kReal && right_span) {
            return BoundScalar{Type::kTimeSpan, ScaledTicksKernel(false, false)};
        }
        break;
    case ArithmeticOp::kDivide:
        if (left_span && right_span) {
            return BoundScalar{Type::kReal, MakeRealKernel(op)};
        }
        if (left_span && IsIntegerType(right)) {
            return BoundScalar{Type::kTimeSpan, MakeIntegerKernel(op)};
        }
        if (left_span && right == Type::kReal) {
            return BoundScalar{Type::kTimeSpan, ScaledTicksKernel(true, true)};
        }
        break;
    case ArithmeticOp::kModulo:
        if (left_span && right_span) {
            return BoundScalar{Type::kTimeSpan, MakeIntegerKernel(op)};
        }
        break;
    }
    return OperandTypeError(op, left, right);
}

/// Binds an operator with exactly one dynamic operand: the dynamic value is converted to the other
/// operand's type (int widens to long), or to timespan next to a datetime.
Result<BoundScalar> BindWithOneDynamic(ArithmeticOp op, Type left, Type right) {
    const bool dynamic_left = left == Type::kDynamic;
    const Type other = dynamic_left ? right : left;
    std::vector<Type> candidates{other == Type::kInt ? Type::kLong : other};
    if (other == Type::kDateTime) {
        candidates.push_back(Type::kTimeSpan);
    }
    for (Type target : candidates) {
        Result<BoundScalar> bound = dynamic_left ? BindTyped(op, target, right) : BindTyped(op, left, target);
        if (bound.ok()) {
            std::vector<Type> targets =
                dynamic_left ? std::vector<Type>{target, right} : std::vector<Type>{left, target};
            bound->kernel = WithConvertedArguments(std::move(targets), std::move(bound->kernel));
            return bound;
        }
    }
    return OperandTypeError(op, left, right);
}

} // namespace

Result<BoundScalar> BindArithmetic(ArithmeticOp op, std::string_view /*spelling*/, BindArg left, BindArg right) {
    if (left.type == Type::kDynamic && right.type == Type::kDynamic) {
        return BoundScalar{Type::kDynamic, DynamicKernel(op)};
    }
    if (left.type == Type::kDynamic || right.type == Type::kDynamic) {
        return BindWithOneDynamic(op, left.type, right.type);
    }
    return BindTyped(op, left.type, right.type);
}

Result<BoundScalar> BindUnaryOperator(std::string_view op, BindArg operand) {
    if (op != "-" && op != "+") {
        return Status(ErrorKind::kNotImplemented, "unary operator '" + std::string(op) + "' is not supported");
    }
    const bool negate = op == "-";
    switch (operand.type) {
    case Type::kInt:
    case Type::kLong:
    case Type::kTimeSpan: {
        const Type result = operand.type == Type::kInt ? Type::kLong : operand.type;
        return BoundScalar{result, [negate](const KernelArgs& args, Column& out) -> Status {
                               const Column& input = *args.columns[0];
                               ResizeOutput(out, args.rows);
                               MergeNulls(out, input);
                               for (size_t row = 0; row < args.rows; ++row) {
                                   const auto value = static_cast<uint64_t>(input.ints[row]);
                                   out.ints[row] = static_cast<int64_t>(negate ? 0 - value : value);
                               }
                               return Status::Ok();
                           }};
    }
    case Type::kReal:
        return BoundScalar{Type::kReal, [negate](const KernelArgs& args, Column& out) -> Status {
                               const Column& input = *args.columns[0];
                               ResizeOutput(out, args.rows);
                               MergeNulls(out, input);
                               for (size_t row = 0; row < args.rows; ++row) {
                                   out.reals[row] = negate ? -input.reals[row] : input.reals[row];
                               }
                               return Status::Ok();
                           }};
    case Type::kDynamic:
        return BoundScalar{Type::kDynamic, [negate](const KernelArgs& args, Column& out) -> Status {
                               const Column& input = *args.columns[0];
                               ResizeOutput(out, args.rows);
                               const DynamicPtr zero = DynamicValue::Long(0);
                               for (size_t row = 0; row < args.rows; ++row) {
                                   const DynamicValue* value = input.dynamics[row].get();
                                   out.dynamics[row] =
                                       negate ? DynamicArithmetic(ArithmeticOp::kSubtract, zero.get(), value)
                                              : DynamicArithmetic(ArithmeticOp::kAdd, zero.get(), value);
                               }
                               FinishDynamicOutput(out);
                               return Status::Ok();
                           }};
    default:
        return Status(ErrorKind::kType, "unary operator '" + std::string(op) + "' cannot be applied to " +
                                            std::string(TypeName(operand.type)));
    }
}

} // namespace unmask::functions
