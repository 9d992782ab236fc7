// Numeric functions: bin/floor, round, abs, ceiling, sign, sqrt, log, log10, log2, exp, exp2,
// exp10, pow, isnan, isinf, isfinite.
#include <cmath>
#include <limits>

#include "functions/conversions.h"
#include "functions/function_families.h"
#include "functions/kernel_support.h"

namespace unmask::functions {

namespace {

int64_t FloorDiv(int64_t value, int64_t divisor) {
    int64_t quotient = value / divisor;
    if ((value % divisor != 0) && ((value < 0) != (divisor < 0))) {
        --quotient;
    }
    return quotient;
}

// --- bin ---------------------------------------------------------------------------------------

/// bin over int64 storage (integers, timespans, datetimes): the largest multiple of the size that
/// is not above the value. A size that is null, zero or negative gives null.
Status IntegerBinKernel(const KernelArgs& args, Column& out) {
    const Column& values = *args.columns[0];
    const Column& sizes = *args.columns[1];
    ResizeOutput(out, args.rows);
    MergeNulls(out, values);
    MergeNulls(out, sizes);
    for (size_t row = 0; row < args.rows; ++row) {
        if (out.IsNull(row)) {
            continue;
        }
        const int64_t size = sizes.ints[row];
        if (size <= 0) {
            MarkNull(out, row);
            continue;
        }
        out.ints[row] = FloorDiv(values.ints[row], size) * size;
    }
    return Status::Ok();
}

Status RealBinKernel(const KernelArgs& args, Column& out) {
    const Column& values = *args.columns[0];
    const Column& sizes = *args.columns[1];
    ResizeOutput(out, args.rows);
    MergeNulls(out, values);
    MergeNulls(out, sizes);
    std::vector<double> value_scratch;
    std::vector<double> size_scratch;
    const double* value_data = RealData(values, value_scratch);
    const double* size_data = RealData(sizes, size_scratch);
    for (size_t row = 0; row < args.rows; ++row) {
        if (out.IsNull(row)) {
            continue;
        }
        if (!(size_data[row] > 0)) {
            MarkNull(out, row);
            continue;
        }
        out.reals[row] = std::floor(value_data[row] / size_data[row]) * size_data[row];
    }
    return Status::Ok();
}

Result<BoundScalar> BindBin(std::string_view function, std::span<const BindArg> args) {
    const Type value = args[0].type;
    const Type size = args[1].type;
    if (IsNumeric(value) && IsNumeric(size)) {
        if (IsIntegerType(value) && IsIntegerType(size)) {
            const Type result = value == Type::kInt && size == Type::kInt ? Type::kInt : Type::kLong;
            return BoundScalar{result, IntegerBinKernel};
        }
        return BoundScalar{Type::kReal, RealBinKernel};
    }
    if ((value == Type::kTimeSpan || value == Type::kDateTime) && size == Type::kTimeSpan) {
        return BoundScalar{value, IntegerBinKernel};
    }
    if (value == Type::kDynamic && (IsNumeric(size) || size == Type::kTimeSpan)) {
        const Type target = size == Type::kTimeSpan ? Type::kTimeSpan : Type::kReal;
        return BoundScalar{target, WithConvertedArguments({target, size}, target == Type::kReal
                                                                              ? ScalarKernel(RealBinKernel)
                                                                              : ScalarKernel(IntegerBinKernel))};
    }
    return Status(ErrorKind::kType, std::string(function) + "() cannot bin " + std::string(TypeName(value)) + " by " +
                                        std::string(TypeName(size)) +
                                        "; use numbers, or a datetime or timespan with a timespan size");
}

// --- round -------------------------------------------------------------------------------------

/// Rounds half away from zero to `digits` decimal places (negative digits round to tens, hundreds...).
double RoundReal(double value, int64_t digits) {
    if (!std::isfinite(value)) {
        return value;
    }
    digits = std::clamp<int64_t>(digits, -308, 308);
    if (digits >= 0) {
        const double scale = std::pow(10.0, static_cast<double>(digits));
        const double scaled = value * scale;
        return std::isfinite(scaled) ? std::round(scaled) / scale : value;
    }
    const double scale = std::pow(10.0, static_cast<double>(-digits));
    return std::round(value / scale) * scale;
}

int64_t RoundInteger(int64_t value, int64_t digits) {
    if (digits >= 0) {
        return value;
    }
    if (digits < -18) {
        return 0;
    }
    int64_t scale = 1;
    for (int64_t i = 0; i < -digits; ++i) {
        scale *= 10;
    }
    const int64_t remainder = value % scale;
    int64_t base = value - remainder;
    if (remainder * 2 >= scale) {
        base += scale;
    } else if (remainder * 2 <= -scale) {
        base -= scale;
    }
    return base;
}

Result<BoundScalar> BindRound(std::span<const BindArg> args) {
    const Type value = args[0].type == Type::kDynamic ? Type::kReal : args[0].type;
    if (!IsNumeric(value)) {
        return ArgumentTypeError("round", 0, "a number", args[0].type);
    }
    if (args.size() > 1 && !IsIntegerType(args[1].type)) {
        return ArgumentTypeError("round", 1, "int or long (the precision)", args[1].type);
    }
    const Type result = value == Type::kInt ? Type::kLong : value;
    ScalarKernel kernel = [](const KernelArgs& kernel_args, Column& out) -> Status {
        const Column& values = *kernel_args.columns[0];
        const Column* digits = kernel_args.columns.size() > 1 ? kernel_args.columns[1] : nullptr;
        ResizeOutput(out, kernel_args.rows);
        MergeNulls(out, values);
        if (digits != nullptr) {
            MergeNulls(out, *digits);
        }
        for (size_t row = 0; row < kernel_args.rows; ++row) {
            const int64_t precision = digits == nullptr ? 0 : digits->ints[row];
            if (values.type == Type::kReal) {
                out.reals[row] = RoundReal(values.reals[row], precision);
            } else {
                out.ints[row] = RoundInteger(values.ints[row], precision);
            }
        }
        return Status::Ok();
    };
    std::vector<Type> targets{value};
    if (args.size() > 1) {
        targets.push_back(args[1].type);
    }
    return BoundScalar{result, WithConvertedArguments(std::move(targets), std::move(kernel))};
}

// --- one-argument real functions -----------------------------------------------------------------

/// Binder of f(number) -> real; `compute` returns nullopt for a null result.
template <typename Compute>
ScalarBinder RealFunctionBinder(std::string_view function, Compute compute) {
    return [function, compute](std::span<const BindArg> args) -> Result<BoundScalar> {
        if (!IsNumeric(args[0].type) && args[0].type != Type::kDynamic) {
            return ArgumentTypeError(function, 0, "a number", args[0].type);
        }
        ScalarKernel kernel = [compute](const KernelArgs& kernel_args, Column& out) -> Status {
            const Column& values = *kernel_args.columns[0];
            ResizeOutput(out, kernel_args.rows);
            MergeNulls(out, values);
            for (size_t row = 0; row < kernel_args.rows; ++row) {
                const std::optional<double> result = compute(values.reals[row]);
                if (result) {
                    out.reals[row] = *result;
                } else {
                    MarkNull(out, row);
                }
            }
            return Status::Ok();
        };
        return BoundScalar{Type::kReal, WithConvertedArguments({Type::kReal}, std::move(kernel))};
    };
}

/// Binder of f(real) -> bool (isnan, isinf, isfinite).
template <typename Test>
ScalarBinder RealTestBinder(std::string_view function, Test test) {
    return [function, test](std::span<const BindArg> args) -> Result<BoundScalar> {
        if (!IsNumeric(args[0].type) && args[0].type != Type::kDynamic) {
            return ArgumentTypeError(function, 0, "a number", args[0].type);
        }
        ScalarKernel kernel = [test](const KernelArgs& kernel_args, Column& out) -> Status {
            const Column& values = *kernel_args.columns[0];
            ResizeOutput(out, kernel_args.rows);
            MergeNulls(out, values);
            for (size_t row = 0; row < kernel_args.rows; ++row) {
                out.ints[row] = test(values.reals[row]);
            }
            return Status::Ok();
        };
        return BoundScalar{Type::kBool, WithConvertedArguments({Type::kReal}, std::move(kernel))};
    };
}

Result<BoundScalar> BindAbs(std::span<const BindArg> args) {
    const Type type = args[0].type == Type::kDynamic ? Type::kReal : args[0].type;
    if (type == Type::kReal) {
        return RealFunctionBinder("abs", [](double x) -> std::optional<double> { return std::fabs(x); })(args);
    }
    if (!IsIntegerType(type) && type != Type::kTimeSpan) {
        return ArgumentTypeError("abs", 0, "a number or a timespan", args[0].type);
    }
    return BoundScalar{type == Type::kTimeSpan ? Type::kTimeSpan : Type::kLong,
                       [](const KernelArgs& kernel_args, Column& out) -> Status {
                           const Column& values = *kernel_args.columns[0];
                           ResizeOutput(out, kernel_args.rows);
                           MergeNulls(out, values);
                           for (size_t row = 0; row < kernel_args.rows; ++row) {
                               const auto value = static_cast<uint64_t>(values.ints[row]);
                               out.ints[row] = static_cast<int64_t>(values.ints[row] < 0 ? 0 - value : value);
                           }
                           return Status::Ok();
                       }};
}

Result<BoundScalar> BindPow(std::span<const BindArg> args) {
    for (size_t position = 0; position < 2; ++position) {
        if (!IsNumeric(args[position].type) && args[position].type != Type::kDynamic) {
            return ArgumentTypeError("pow", position, "a number", args[position].type);
        }
    }
    ScalarKernel kernel = [](const KernelArgs& kernel_args, Column& out) -> Status {
        const Column& bases = *kernel_args.columns[0];
        const Column& exponents = *kernel_args.columns[1];
        ResizeOutput(out, kernel_args.rows);
        MergeNulls(out, bases);
        MergeNulls(out, exponents);
        for (size_t row = 0; row < kernel_args.rows; ++row) {
            out.reals[row] = std::pow(bases.reals[row], exponents.reals[row]);
        }
        return Status::Ok();
    };
    return BoundScalar{Type::kReal, WithConvertedArguments({Type::kReal, Type::kReal}, std::move(kernel))};
}

std::optional<double> NonNegative(double x, double result) {
    if (x < 0) {
        return std::nullopt;
    }
    return result;
}

} // namespace

void AddMathFunctions(std::vector<ScalarFunction>& table) {
    table.push_back(DefineFunction("bin", 2, 2, "bin(value, roundTo) -> type of value",
                                   "Rounds a number, datetime or timespan down to a multiple of roundTo; a null, "
                                   "zero or negative roundTo gives null.",
                                   "bin(datetime(1970-05-11 13:45:07), 1d)", "1970-05-11T00:00:00.0000000Z",
                                   [](std::span<const BindArg> args) { return BindBin("bin", args); }));
    AddAlias(table, "bin", "floor");

    table.push_back(DefineFunction("round", 1, 2, "round(number[, precision]) -> type of number",
                                   "Rounds half away from zero to precision decimal places (negative precision "
                                   "rounds to tens, hundreds, ...).",
                                   "round(-50.55, -2)", "-100", BindRound));

    table.push_back(DefineFunction("abs", 1, 1, "abs(x) -> long, real or timespan",
                                   "Returns the absolute value of a number or timespan.", "abs(-5)", "5", BindAbs));

    table.push_back(DefineFunction(
        "ceiling", 1, 1, "ceiling(x) -> real", "Returns the smallest integer not below x.", "ceiling(-1.1)", "-1",
        RealFunctionBinder("ceiling", [](double x) -> std::optional<double> { return std::ceil(x); })));

    table.push_back(DefineFunction("sign", 1, 1, "sign(x) -> real", "Returns -1, 0 or +1 by the sign of x.",
                                   "sign(-42)", "-1", RealFunctionBinder("sign", [](double x) -> std::optional<double> {
                                       return x > 0 ? 1.0 : (x < 0 ? -1.0 : (std::isnan(x) ? x : 0.0));
                                   })));

    table.push_back(DefineFunction("sqrt", 1, 1, "sqrt(x) -> real",
                                   "Returns the square root; null for a negative argument.", "sqrt(2.25)", "1.5",
                                   RealFunctionBinder("sqrt", [](double x) { return NonNegative(x, std::sqrt(x)); })));

    table.push_back(DefineFunction("log", 1, 1, "log(x) -> real",
                                   "Returns the natural logarithm; null for a negative argument.", "log(1)", "0",
                                   RealFunctionBinder("log", [](double x) { return NonNegative(x, std::log(x)); })));

    table.push_back(DefineFunction(
        "log10", 1, 1, "log10(x) -> real", "Returns the base-10 logarithm; null for a negative argument.",
        "log10(1000)", "3", RealFunctionBinder("log10", [](double x) { return NonNegative(x, std::log10(x)); })));

    table.push_back(DefineFunction("log2", 1, 1, "log2(x) -> real",
                                   "Returns the base-2 logarithm; null for a negative argument.", "log2(8)", "3",
                                   RealFunctionBinder("log2", [](double x) { return NonNegative(x, std::log2(x)); })));

    table.push_back(
        DefineFunction("exp", 1, 1, "exp(x) -> real", "Returns e raised to x.", "exp(0)", "1",
                       RealFunctionBinder("exp", [](double x) -> std::optional<double> { return std::exp(x); })));

    table.push_back(
        DefineFunction("exp2", 1, 1, "exp2(x) -> real", "Returns 2 raised to x.", "exp2(10)", "1024",
                       RealFunctionBinder("exp2", [](double x) -> std::optional<double> { return std::exp2(x); })));

    table.push_back(DefineFunction(
        "exp10", 1, 1, "exp10(x) -> real", "Returns 10 raised to x.", "exp10(3)", "1000",
        RealFunctionBinder("exp10", [](double x) -> std::optional<double> { return std::pow(10.0, x); })));

    table.push_back(DefineFunction("pow", 2, 2, "pow(base, exponent) -> real", "Returns base raised to exponent.",
                                   "pow(2, 10)", "1024", BindPow));

    table.push_back(DefineFunction("isnan", 1, 1, "isnan(x) -> bool", "Returns whether a real is NaN.",
                                   "isnan(real(nan))", "True",
                                   RealTestBinder("isnan", [](double x) { return std::isnan(x); })));

    table.push_back(DefineFunction("isinf", 1, 1, "isinf(x) -> bool",
                                   "Returns whether a real is positive or negative infinity.", "isinf(real(-inf))",
                                   "True", RealTestBinder("isinf", [](double x) { return std::isinf(x); })));

    table.push_back(DefineFunction("isfinite", 1, 1, "isfinite(x) -> bool",
                                   "Returns whether a real is neither infinite nor NaN.", "isfinite(1.5)", "True",
                                   RealTestBinder("isfinite", [](double x) { return std::isfinite(x); })));
}

} // namespace unmask::functions
