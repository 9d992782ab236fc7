// Series functions over dynamic numeric arrays: series_add, series_subtract, series_multiply,
// series_divide and series_stats_dynamic.
//
// Elements may be longs, reals, datetimes or timespans. A datetime or timespan counts as its
// 100 ns ticks, so series_subtract(make_list(Timestamp), ...) yields tick differences, which
// Microsoft's series_fit_poly documentation example relies on. Results are arrays of reals. A missing element (arrays
// of different lengths) or a non-numeric one gives a null element.
#include <algorithm>
#include <cmath>
#include <limits>

#include "functions/conversions.h"
#include "functions/function_families.h"
#include "functions/kernel_support.h"

namespace unmask::functions {

namespace {

using Kind = DynamicValue::Kind;

enum class SeriesOp { kAdd, kSubtract, kMultiply, kDivide };

/// A numeric element: exact as an integer when it is a long, datetime or timespan.
struct SeriesNumber {
    bool integral = false;
    int64_t integer = 0;
    double real = 0;
};

std::optional<SeriesNumber> ElementNumber(const DynamicValue* value) {
    if (value == nullptr) {
        return std::nullopt;
    }
    switch (value->kind()) {
    case Kind::kLong:
    case Kind::kDateTime:
    case Kind::kTimeSpan:
        return SeriesNumber{true, value->integer(), static_cast<double>(value->integer())};
    case Kind::kReal:
        return SeriesNumber{false, 0, value->real()};
    default:
        return std::nullopt;
    }
}

/// Applies `op`. Two integral operands are added, subtracted or multiplied in 64-bit integers
/// before the conversion to real, so tick differences of datetimes stay exact.
// NOTE: if Kusto converts ticks to double before subtracting, it rounds differences of present-day
// datetimes to multiples of 128 ticks (12.8 us). unmask's differences are exact.
double ApplySeriesOp(SeriesOp op, const SeriesNumber& a, const SeriesNumber& b) {
    if (a.integral && b.integral && op != SeriesOp::kDivide) {
        const auto x = static_cast<uint64_t>(a.integer);
        const auto y = static_cast<uint64_t>(b.integer);
        const uint64_t result = op == SeriesOp::kAdd ? x + y : (op == SeriesOp::kSubtract ? x - y : x * y);
        return static_cast<double>(static_cast<int64_t>(result));
    }
    switch (op) {
    case SeriesOp::kAdd:
        return a.real + b.real;
    case SeriesOp::kSubtract:
        return a.real - b.real;
    case SeriesOp::kMultiply:
        return a.real * b.real;
    case SeriesOp::kDivide:
        return a.real / b.real;
    }
    return 0;
}

/// One operand of a series operation in one row: an array, or a scalar number repeated.
struct SeriesOperand {
    const DynamicValue* array = nullptr;
    std::optional<SeriesNumber> scalar;
    bool valid = false;
};

SeriesOperand ReadOperand(const Column& column, size_t row) {
    SeriesOperand operand;
    if (column.type == Type::kDynamic) {
        const DynamicValue* value = column.dynamics[row].get();
        if (value != nullptr && value->kind() == Kind::kArray) {
            operand.array = value;
            operand.valid = true;
        }
        return operand;
    }
    if (column.IsNull(row)) {
        return operand;
    }
    operand.valid = true;
    if (column.type == Type::kReal) {
        operand.scalar = SeriesNumber{false, 0, column.reals[row]};
    } else {
        operand.scalar = SeriesNumber{true, column.ints[row], static_cast<double>(column.ints[row])};
    }
    return operand;
}

DynamicPtr CombineSeries(SeriesOp op, const SeriesOperand& left, const SeriesOperand& right) {
    const size_t length =
        std::max(left.array ? left.array->array().size() : 0, right.array ? right.array->array().size() : 0);
    const auto element = [](const SeriesOperand& operand, size_t index) -> std::optional<SeriesNumber> {
        if (operand.array == nullptr) {
            return operand.scalar;
        }
        if (index >= operand.array->array().size()) {
            return std::nullopt;
        }
        return ElementNumber(operand.array->array()[index].get());
    };
    DynamicValue::Array items;
    items.reserve(length);
    for (size_t index = 0; index < length; ++index) {
        const std::optional<SeriesNumber> a = element(left, index);
        const std::optional<SeriesNumber> b = element(right, index);
        items.push_back(a && b ? DynamicValue::Real(ApplySeriesOp(op, *a, *b)) : DynamicValue::Null());
    }
    return DynamicValue::MakeArray(std::move(items));
}

ScalarBinder SeriesBinder(std::string_view function, SeriesOp op) {
    return [function, op](std::span<const BindArg> args) -> Result<BoundScalar> {
        for (size_t position = 0; position < 2; ++position) {
            if (args[position].type != Type::kDynamic && !IsNumeric(args[position].type)) {
                return ArgumentTypeError(function, position, "a dynamic array or a number", args[position].type);
            }
        }
        if (args[0].type != Type::kDynamic && args[1].type != Type::kDynamic) {
            return Status(ErrorKind::kType,
                          std::string(function) + "(): at least one argument must be a dynamic array");
        }
        return BoundScalar{Type::kDynamic, [op](const KernelArgs& kernel_args, Column& out) -> Status {
                               const Column& left = *kernel_args.columns[0];
                               const Column& right = *kernel_args.columns[1];
                               ResizeOutput(out, kernel_args.rows);
                               for (size_t row = 0; row < kernel_args.rows; ++row) {
                                   const SeriesOperand a = ReadOperand(left, row);
                                   const SeriesOperand b = ReadOperand(right, row);
                                   if (a.valid && b.valid) {
                                       out.dynamics[row] = CombineSeries(op, a, b);
                                   }
                               }
                               FinishDynamicOutput(out);
                               return Status::Ok();
                           }};
    };
}

// --- series_stats_dynamic ----------------------------------------------------------------------

/// Computes the statistics of a series: sample variance and standard deviation (n - 1
/// denominator), with a variance of 0 for a single value. An empty series gives null statistics
/// except the length. So does, unless `ignore_nonfinite`, a series containing null, NaN, an
/// infinity or a non-number.
// NOTE: Kusto does not document the empty and single-element cases nor whether `len` counts the
// ignored elements; unmask reports the array's length.
DynamicPtr SeriesStats(const DynamicValue& array, bool ignore_nonfinite) {
    double minimum = std::numeric_limits<double>::infinity();
    double maximum = -std::numeric_limits<double>::infinity();
    int64_t min_index = -1;
    int64_t max_index = -1;
    double sum = 0;
    size_t count = 0;
    bool has_nonfinite = false;
    std::vector<double> values;
    values.reserve(array.array().size());
    for (size_t index = 0; index < array.array().size(); ++index) {
        const std::optional<SeriesNumber> number = ElementNumber(array.array()[index].get());
        if (!number || !std::isfinite(number->real)) {
            has_nonfinite = true;
            continue;
        }
        const double value = number->real;
        values.push_back(value);
        if (value < minimum) {
            minimum = value;
            min_index = static_cast<int64_t>(index);
        }
        if (value > maximum) {
            maximum = value;
            max_index = static_cast<int64_t>(index);
        }
        sum += value;
        ++count;
    }

    const auto length = DynamicValue::Long(static_cast<int64_t>(array.array().size()));
    const DynamicPtr null = DynamicValue::Null();
    if (count == 0 || (has_nonfinite && !ignore_nonfinite)) {
        return DynamicValue::MakeObject({{"min", null},
                                         {"min_idx", null},
                                         {"max", null},
                                         {"max_idx", null},
                                         {"avg", null},
                                         {"stdev", null},
                                         {"variance", null},
                                         {"sum", count == 0 && !has_nonfinite ? DynamicValue::Real(0) : null},
                                         {"len", length}});
    }

    const double average = sum / static_cast<double>(count);
    double squares = 0;
    for (double value : values) {
        squares += value * value;
    }
    // (n * sum(x^2) - sum(x)^2) / (n * (n - 1)) reproduces Kusto's documented result for the
    // example series bit for bit (variance 812.4571428571429), while a two-pass formula differs in
    // the last digit. A negative result from rounding is clamped to 0.
    const auto n = static_cast<double>(count);
    const double variance = count > 1 ? std::max(0.0, (n * squares - sum * sum) / (n * (n - 1))) : 0.0;
    return DynamicValue::MakeObject({{"min", DynamicValue::Real(minimum)},
                                     {"min_idx", DynamicValue::Long(min_index)},
                                     {"max", DynamicValue::Real(maximum)},
                                     {"max_idx", DynamicValue::Long(max_index)},
                                     {"avg", DynamicValue::Real(average)},
                                     {"stdev", DynamicValue::Real(std::sqrt(variance))},
                                     {"variance", DynamicValue::Real(variance)},
                                     {"sum", DynamicValue::Real(sum)},
                                     {"len", length}});
}

Result<BoundScalar> BindSeriesStats(std::span<const BindArg> args) {
    if (args[0].type != Type::kDynamic) {
        return ArgumentTypeError("series_stats_dynamic", 0, "dynamic", args[0].type);
    }
    if (args.size() > 1 && args[1].type != Type::kBool) {
        return ArgumentTypeError("series_stats_dynamic", 1, "bool (ignore_nonfinite)", args[1].type);
    }
    return BoundScalar{Type::kDynamic, [](const KernelArgs& kernel_args, Column& out) -> Status {
                           const Column& series = *kernel_args.columns[0];
                           const Column* flags = kernel_args.columns.size() > 1 ? kernel_args.columns[1] : nullptr;
                           ResizeOutput(out, kernel_args.rows);
                           for (size_t row = 0; row < kernel_args.rows; ++row) {
                               const DynamicValue* array = series.dynamics[row].get();
                               if (array == nullptr || array->kind() != Kind::kArray) {
                                   continue;
                               }
                               const bool ignore = flags != nullptr && !flags->IsNull(row) && flags->ints[row] != 0;
                               out.dynamics[row] = SeriesStats(*array, ignore);
                           }
                           FinishDynamicOutput(out);
                           return Status::Ok();
                       }};
}

} // namespace

void AddSeriesFunctions(std::vector<ScalarFunction>& table) {
    table.push_back(DefineFunction(
        "series_subtract", 2, 2, "series_subtract(series1, series2) -> dynamic",
        "Subtracts two numeric arrays (or an array and a number) element by element into an array of reals.",
        "series_subtract(dynamic([1, 2, 4]), dynamic([4, 2]))", "[-3,0,null]",
        SeriesBinder("series_subtract", SeriesOp::kSubtract)));

    table.push_back(DefineFunction(
        "series_add", 2, 2, "series_add(series1, series2) -> dynamic",
        "Adds two numeric arrays (or an array and a number) element by element into an array of reals.",
        "series_add(dynamic([1, 2.5, \"x\"]), 10)", "[11,12.5,null]", SeriesBinder("series_add", SeriesOp::kAdd)));

    table.push_back(DefineFunction(
        "series_multiply", 2, 2, "series_multiply(series1, series2) -> dynamic",
        "Multiplies two numeric arrays (or an array and a number) element by element into an array of reals.",
        "series_multiply(dynamic([1, 2, 3]), dynamic([2, 2, 2]))", "[2,4,6]",
        SeriesBinder("series_multiply", SeriesOp::kMultiply)));

    table.push_back(DefineFunction(
        "series_divide", 2, 2, "series_divide(series1, series2) -> dynamic",
        "Divides two numeric arrays (or an array and a number) element by element into an array of reals; "
        "division by zero follows real arithmetic.",
        "series_divide(dynamic([1, 3, 0]), dynamic([2, 0, 0]))", "[0.5,\"Infinity\",\"NaN\"]",
        SeriesBinder("series_divide", SeriesOp::kDivide)));

    table.push_back(DefineFunction(
        "series_stats_dynamic", 1, 2, "series_stats_dynamic(series[, ignore_nonfinite]) -> dynamic",
        "Returns a bag with min, min_idx, max, max_idx, avg, stdev and variance (sample, n - 1), sum and len.",
        "series_stats_dynamic(dynamic([23, 46, 23, 87, 4, 8, 3, 75, 2, 56, 13, 75, 32, 16, 29]))",
        "{\"min\":2,\"min_idx\":8,\"max\":87,\"max_idx\":3,\"avg\":32.8,\"stdev\":28.50363385354827,"
        "\"variance\":812.4571428571429,\"sum\":492,\"len\":15}",
        BindSeriesStats));
}

} // namespace unmask::functions
