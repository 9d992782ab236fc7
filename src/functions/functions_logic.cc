// Conditional and null-testing functions: iff/iif, case, coalesce, not, isnull, isnotnull,
// isempty, isnotempty, min_of, max_of, gettype.
#include <algorithm>
#include <cmath>

#include "functions/conversions.h"
#include "functions/function_families.h"
#include "functions/kernel_support.h"

namespace unmask::functions {

namespace {

/// Returns the common type of the value arguments at `positions`: their type when all agree, long
/// or real for a mix of numbers, and T when the others are dynamic (their values convert to T).
Result<Type> CommonType(std::string_view function, std::span<const BindArg> args,
                        const std::vector<size_t>& positions) {
    std::optional<Type> common;
    for (size_t position : positions) {
        const Type type = args[position].type;
        if (type == Type::kDynamic) {
            continue;
        }
        if (!common || *common == type) {
            common = type;
        } else if (IsNumeric(*common) && IsNumeric(type)) {
            common = (*common == Type::kReal || type == Type::kReal) ? Type::kReal : Type::kLong;
        } else {
            return Status(ErrorKind::kType, std::string(function) + "(): argument " + std::to_string(position + 1) +
                                                " has type " + std::string(TypeName(type)) +
                                                " but an earlier value has " + std::string(TypeName(*common)) +
                                                "; all values must have one type");
        }
    }
    return common.value_or(Type::kDynamic);
}

/// Copies row `row` of `source` (of out's type) to row `row` of `out`.
inline void CopyCell(Column& out, size_t row, const Column& source) {
    switch (out.type) {
    case Type::kReal:
        out.reals[row] = source.reals[row];
        break;
    case Type::kString:
        out.strings[row] = source.strings[row];
        return;
    case Type::kDynamic:
        out.dynamics[row] = source.dynamics[row];
        return;
    default:
        out.ints[row] = source.ints[row];
        break;
    }
    if (source.IsNull(row)) {
        MarkNull(out, row);
    }
}

void ShareAllOwners(Column& out, const KernelArgs& args, const std::vector<size_t>& positions) {
    if (out.type != Type::kString) {
        return;
    }
    for (size_t position : positions) {
        out.ShareOwners(*args.columns[position]);
    }
}

/// True when the bool column is true at `row` (null counts as false).
inline bool IsTrue(const Column& column, size_t row) {
    return !column.IsNull(row) && column.ints[row] != 0;
}

Status CheckBool(std::string_view function, std::span<const BindArg> args, size_t position) {
    if (args[position].type != Type::kBool && args[position].type != Type::kDynamic) {
        return ArgumentTypeError(function, position, "bool", args[position].type);
    }
    return Status::Ok();
}

/// case(predicate1, value1, ..., else) and iff(predicate, then, else): the value of the first
/// true predicate, else the last argument. A null predicate counts as false.
Result<BoundScalar> BindCase(std::string_view function, std::span<const BindArg> args) {
    if (args.size() < 3 || args.size() % 2 == 0) {
        return Status(ErrorKind::kType, std::string(function) +
                                            "() expects predicate/value pairs followed by an else value, got " +
                                            std::to_string(args.size()) + " arguments");
    }
    std::vector<size_t> value_positions;
    for (size_t position = 0; position + 1 < args.size(); position += 2) {
        UNMASK_TRY(CheckBool(function, args, position));
        value_positions.push_back(position + 1);
    }
    value_positions.push_back(args.size() - 1);
    UNMASK_ASSIGN_OR_RETURN(const Type common, CommonType(function, args, value_positions));
    std::vector<Type> targets(args.size(), Type::kBool);
    for (size_t position : value_positions) {
        targets[position] = args[position].type == Type::kInt && common == Type::kLong ? Type::kInt : common;
    }
    ScalarKernel kernel = [value_positions](const KernelArgs& kernel_args, Column& out) -> Status {
        ResizeOutput(out, kernel_args.rows);
        ShareAllOwners(out, kernel_args, value_positions);
        const size_t else_position = kernel_args.columns.size() - 1;
        for (size_t row = 0; row < kernel_args.rows; ++row) {
            size_t chosen = else_position;
            for (size_t position = 0; position < else_position; position += 2) {
                if (IsTrue(*kernel_args.columns[position], row)) {
                    chosen = position + 1;
                    break;
                }
            }
            CopyCell(out, row, *kernel_args.columns[chosen]);
        }
        if (out.type == Type::kDynamic) {
            FinishDynamicOutput(out);
        }
        return Status::Ok();
    };
    return BoundScalar{common, WithConvertedArguments(std::move(targets), std::move(kernel))};
}

Result<BoundScalar> BindCoalesce(std::span<const BindArg> args) {
    std::vector<size_t> positions(args.size());
    for (size_t i = 0; i < positions.size(); ++i) {
        positions[i] = i;
    }
    UNMASK_ASSIGN_OR_RETURN(const Type common, CommonType("coalesce", args, positions));
    std::vector<Type> targets;
    for (const BindArg& arg : args) {
        targets.push_back(arg.type == Type::kInt && common == Type::kLong ? Type::kInt : common);
    }
    ScalarKernel kernel = [positions](const KernelArgs& kernel_args, Column& out) -> Status {
        ResizeOutput(out, kernel_args.rows);
        ShareAllOwners(out, kernel_args, positions);
        for (size_t row = 0; row < kernel_args.rows; ++row) {
            const Column* chosen = kernel_args.columns.back();
            for (const Column* column : kernel_args.columns) {
                const bool present =
                    column->type == Type::kString ? !column->strings[row].empty() : !IsNullCell(*column, row);
                if (present) {
                    chosen = column;
                    break;
                }
            }
            CopyCell(out, row, *chosen);
        }
        if (out.type == Type::kDynamic) {
            FinishDynamicOutput(out);
        }
        return Status::Ok();
    };
    return BoundScalar{common, WithConvertedArguments(std::move(targets), std::move(kernel))};
}

/// min_of / max_of: the extreme non-null argument; null when every argument is null.
Result<BoundScalar> BindExtremeOf(std::string_view function, bool maximum, std::span<const BindArg> args) {
    std::vector<size_t> positions(args.size());
    for (size_t i = 0; i < positions.size(); ++i) {
        positions[i] = i;
    }
    UNMASK_ASSIGN_OR_RETURN(Type common, CommonType(function, args, positions));
    if (common == Type::kDynamic) {
        common = Type::kReal;
    }
    if (common == Type::kInt) {
        common = Type::kLong;
    }
    ScalarKernel kernel = [maximum](const KernelArgs& kernel_args, Column& out) -> Status {
        ResizeOutput(out, kernel_args.rows);
        for (const Column* column : kernel_args.columns) {
            out.ShareOwners(*column);
        }
        for (size_t row = 0; row < kernel_args.rows; ++row) {
            const Column* best = nullptr;
            for (const Column* column : kernel_args.columns) {
                if (IsNullCell(*column, row) || (column->type == Type::kReal && std::isnan(column->reals[row]))) {
                    continue;
                }
                if (best == nullptr) {
                    best = column;
                    continue;
                }
                bool better = false;
                switch (out.type) {
                case Type::kReal:
                    better = maximum ? column->reals[row] > best->reals[row] : column->reals[row] < best->reals[row];
                    break;
                case Type::kString:
                    better =
                        maximum ? column->strings[row] > best->strings[row] : column->strings[row] < best->strings[row];
                    break;
                default:
                    better = maximum ? column->ints[row] > best->ints[row] : column->ints[row] < best->ints[row];
                    break;
                }
                if (better) {
                    best = column;
                }
            }
            if (best == nullptr) {
                MarkNull(out, row);
            } else {
                CopyCell(out, row, *best);
            }
        }
        return Status::Ok();
    };
    if (common == Type::kDynamic || common == Type::kBool) {
        return ArgumentTypeError(function, 0, "numbers, strings, datetimes or timespans", common);
    }
    return BoundScalar{common, WithConvertedArguments(std::vector<Type>(args.size(), common), std::move(kernel))};
}

/// isempty(): true for "", null, and a dynamic value that is null or the empty string.
bool IsEmptyCell(const Column& column, size_t row) {
    if (column.type == Type::kString) {
        return column.strings[row].empty();
    }
    if (IsNullCell(column, row)) {
        return true;
    }
    if (column.type == Type::kDynamic) {
        const DynamicValue& value = *column.dynamics[row];
        return value.kind() == DynamicValue::Kind::kString && value.string().empty();
    }
    return false;
}

ScalarBinder PredicateBinder(bool negated, bool (*test)(const Column&, size_t)) {
    return [negated, test](std::span<const BindArg>) -> Result<BoundScalar> {
        return BoundScalar{Type::kBool, [negated, test](const KernelArgs& args, Column& out) -> Status {
                               const Column& values = *args.columns[0];
                               ResizeOutput(out, args.rows);
                               for (size_t row = 0; row < args.rows; ++row) {
                                   out.ints[row] = test(values, row) != negated;
                               }
                               return Status::Ok();
                           }};
    };
}

bool IsNullValue(const Column& column, size_t row) {
    return column.type != Type::kString && IsNullCell(column, row);
}

std::string_view DynamicTypeName(const DynamicValue* value) {
    if (value == nullptr) {
        return "null";
    }
    using Kind = DynamicValue::Kind;
    switch (value->kind()) {
    case Kind::kNull:
        return "null";
    case Kind::kBool:
        return "bool";
    case Kind::kLong:
        // Kusto reports small JSON integers as int (gettype(parse_json('1')) is "int").
        return value->integer() >= INT32_MIN && value->integer() <= INT32_MAX ? "int" : "long";
    case Kind::kReal:
        return "real";
    case Kind::kString:
        return "string";
    case Kind::kDateTime:
        return "datetime";
    case Kind::kTimeSpan:
        return "timespan";
    case Kind::kArray:
        return "array";
    case Kind::kObject:
        return "dictionary";
    }
    return "null";
}

} // namespace

void AddLogicFunctions(std::vector<ScalarFunction>& table) {
    table.push_back(DefineFunction("iff", 3, 3, "iff(predicate, then, else) -> common type of then and else",
                                   "Returns then when the predicate is true, else otherwise (also when it is null).",
                                   "iff(isempty(\"\"), 1, 2.5)", "1",
                                   [](std::span<const BindArg> args) { return BindCase("iff", args); }));
    AddAlias(table, "iff", "iif");

    table.push_back(DefineFunction("case", 3, 129,
                                   "case(predicate1, value1, [predicate2, value2, ...,] else) -> "
                                   "common type of the values",
                                   "Returns the value of the first true predicate, or else.",
                                   "case(false, \"a\", bool(null), \"b\", true, \"c\", \"d\")", "c",
                                   [](std::span<const BindArg> args) { return BindCase("case", args); }));

    table.push_back(DefineFunction("coalesce", 2, 64, "coalesce(arg1, arg2, ...) -> common type",
                                   "Returns the first argument that is not null (for strings: not empty).",
                                   "coalesce(tolong(\"not a number\"), tolong(\"42\"), 33)", "42", BindCoalesce));

    table.push_back(
        DefineFunction("not", 1, 1, "not(predicate) -> bool", "Reverses a bool; null stays null.", "not(bool(null))",
                       "", [](std::span<const BindArg> args) -> Result<BoundScalar> {
                           UNMASK_TRY(CheckBool("not", args, 0));
                           ScalarKernel kernel = [](const KernelArgs& kernel_args, Column& out) -> Status {
                               const Column& values = *kernel_args.columns[0];
                               ResizeOutput(out, kernel_args.rows);
                               MergeNulls(out, values);
                               for (size_t row = 0; row < kernel_args.rows; ++row) {
                                   out.ints[row] = values.ints[row] == 0;
                               }
                               return Status::Ok();
                           };
                           return BoundScalar{Type::kBool, WithConvertedArguments({Type::kBool}, std::move(kernel))};
                       }));

    table.push_back(DefineFunction("isnull", 1, 1, "isnull(value) -> bool",
                                   "Returns whether a value is null; always false for strings, and false for empty "
                                   "arrays and bags.",
                                   "isnull(parse_json(\"\"))", "True", PredicateBinder(false, IsNullValue)));

    table.push_back(DefineFunction("isnotnull", 1, 1, "isnotnull(value) -> bool",
                                   "Returns whether a value is not null; always true for strings.",
                                   "isnotnull(long(null))", "False", PredicateBinder(true, IsNullValue)));

    table.push_back(DefineFunction("isempty", 1, 1, "isempty(value) -> bool",
                                   "Returns whether a value is null or the empty string.",
                                   "isempty(parse_json(\"[]\"))", "False", PredicateBinder(false, IsEmptyCell)));

    table.push_back(DefineFunction("isnotempty", 1, 1, "isnotempty(value) -> bool",
                                   "Returns whether a value is neither null nor the empty string.", "isnotempty(\" \")",
                                   "True", PredicateBinder(true, IsEmptyCell)));
    AddAlias(table, "isnotempty", "notempty");
    AddAlias(table, "isnotnull", "notnull");

    table.push_back(DefineFunction("min_of", 2, 64, "min_of(arg1, arg2, ...) -> common type",
                                   "Returns the smallest non-null argument; null when all are null.",
                                   "min_of(10, long(null), -3, 17)", "-3",
                                   [](std::span<const BindArg> args) { return BindExtremeOf("min_of", false, args); }));

    table.push_back(DefineFunction("max_of", 2, 64, "max_of(arg1, arg2, ...) -> common type",
                                   "Returns the largest non-null argument; null when all are null.",
                                   "max_of(datetime(2024-01-01), datetime(2023-05-01))", "2024-01-01T00:00:00.0000000Z",
                                   [](std::span<const BindArg> args) { return BindExtremeOf("max_of", true, args); }));

    table.push_back(DefineFunction(
        "gettype", 1, 1, "gettype(value) -> string",
        "Returns the runtime type name of a value; for dynamic values the stored kind (int, long, real, string, "
        "array, dictionary, null, ...).",
        "gettype(parse_json('{\"a\":1}'))", "dictionary", [](std::span<const BindArg>) -> Result<BoundScalar> {
            return BoundScalar{Type::kString, [](const KernelArgs& args, Column& out) -> Status {
                                   const Column& values = *args.columns[0];
                                   ResizeOutput(out, args.rows);
                                   for (size_t row = 0; row < args.rows; ++row) {
                                       out.strings[row] = values.type == Type::kDynamic
                                                              ? DynamicTypeName(values.dynamics[row].get())
                                                              : TypeName(values.type);
                                   }
                                   return Status::Ok();
                               }};
        }));
}

} // namespace unmask::functions
