// Functions over dynamic arrays and property bags: array_length, array_slice, array_sum,
// array_sort_asc/desc, array_concat, array_reverse, array_index_of, set_has_element, pack_array,
// bag_pack/pack, bag_keys, bag_has_key.
//
// An argument that should be an array (or a bag) but is not one gives null, as Kusto's
// array_length() documents.
#include <algorithm>
#include <cmath>

#include "functions/conversions.h"
#include "functions/function_families.h"
#include "functions/kernel_support.h"

namespace unmask::functions {

namespace {

using Kind = DynamicValue::Kind;

const DynamicValue* AsArray(const Column& column, size_t row) {
    const DynamicValue* value = column.dynamics[row].get();
    return value != nullptr && value->kind() == Kind::kArray ? value : nullptr;
}

Status RequireDynamic(std::string_view function, std::span<const BindArg> args, size_t position) {
    if (args[position].type != Type::kDynamic) {
        return ArgumentTypeError(function, position, "dynamic", args[position].type);
    }
    return Status::Ok();
}

Status RequireInteger(std::string_view function, std::span<const BindArg> args, size_t position) {
    if (position < args.size() && !IsIntegerType(args[position].type) && args[position].type != Type::kDynamic) {
        return ArgumentTypeError(function, position, "int or long", args[position].type);
    }
    return Status::Ok();
}

/// Kernel over one dynamic column producing a dynamic column: `map(value)` for every array row.
template <typename Map>
ScalarKernel ArrayToDynamic(Map map) {
    return [map](const KernelArgs& args, Column& out) -> Status {
        const Column& arrays = *args.columns[0];
        ResizeOutput(out, args.rows);
        for (size_t row = 0; row < args.rows; ++row) {
            if (const DynamicValue* array = AsArray(arrays, row)) {
                out.dynamics[row] = map(*array, args, row);
            }
        }
        FinishDynamicOutput(out);
        return Status::Ok();
    };
}

// --- array_slice -------------------------------------------------------------------------------

DynamicPtr Slice(const DynamicValue& array, int64_t start, int64_t end) {
    const auto size = static_cast<int64_t>(array.array().size());
    if (start < 0) {
        start += size;
    }
    if (end < 0) {
        end += size;
    }
    start = std::max<int64_t>(start, 0);
    end = std::min<int64_t>(end, size - 1);
    DynamicValue::Array items;
    for (int64_t index = start; index <= end; ++index) {
        items.push_back(array.array()[static_cast<size_t>(index)]);
    }
    return DynamicValue::MakeArray(std::move(items));
}

// --- array_sum ---------------------------------------------------------------------------------

/// Sum of the elements as a real; nullopt when an element is not a number.
std::optional<double> SumArray(const DynamicValue& array) {
    double sum = 0;
    for (const DynamicPtr& item : array.array()) {
        if (item == nullptr) {
            return std::nullopt;
        }
        if (item->kind() == Kind::kLong) {
            sum += static_cast<double>(item->integer());
        } else if (item->kind() == Kind::kReal) {
            sum += item->real();
        } else {
            return std::nullopt;
        }
    }
    return sum;
}

// --- array_sort --------------------------------------------------------------------------------

/// Sort group of an element: numbers, datetimes and timespans first, then strings, then the rest.
int SortGroup(const DynamicValue& value) {
    switch (value.kind()) {
    case Kind::kLong:
    case Kind::kReal:
    case Kind::kDateTime:
    case Kind::kTimeSpan:
        return 0;
    case Kind::kString:
        return 1;
    default:
        return 2;
    }
}

double SortNumber(const DynamicValue& value) {
    return value.kind() == Kind::kReal ? value.real() : static_cast<double>(value.integer());
}

/// Ascending order of two non-null elements. NaN sorts before every other number, as .NET does.
bool SortLess(const DynamicValue& a, const DynamicValue& b) {
    const int group_a = SortGroup(a);
    const int group_b = SortGroup(b);
    if (group_a != group_b) {
        return group_a < group_b;
    }
    if (group_a == 0) {
        if (a.kind() != Kind::kReal && b.kind() != Kind::kReal) {
            return a.integer() < b.integer();
        }
        const double x = SortNumber(a);
        const double y = SortNumber(b);
        if (std::isnan(x) || std::isnan(y)) {
            return std::isnan(x) && !std::isnan(y);
        }
        return x < y;
    }
    if (group_a == 1) {
        return a.string() < b.string();
    }
    return CompareDynamic(&a, &b) < 0;
}

DynamicPtr SortArray(const DynamicValue& array, bool ascending, bool nulls_last) {
    DynamicValue::Array values;
    DynamicValue::Array nulls;
    for (const DynamicPtr& item : array.array()) {
        (IsNullDynamic(item) ? nulls : values).push_back(item);
    }
    std::stable_sort(values.begin(), values.end(), [ascending](const DynamicPtr& a, const DynamicPtr& b) {
        return ascending ? SortLess(*a, *b) : SortLess(*b, *a);
    });
    for (DynamicPtr& null_item : nulls) {
        null_item = DynamicValue::Null();
    }
    if (nulls_last) {
        values.insert(values.end(), nulls.begin(), nulls.end());
    } else {
        values.insert(values.begin(), nulls.begin(), nulls.end());
    }
    return DynamicValue::MakeArray(std::move(values));
}

Result<BoundScalar> BindArraySort(std::string_view function, bool ascending, std::span<const BindArg> args) {
    UNMASK_TRY(RequireDynamic(function, args, 0));
    if (args.size() > 2 || (args.size() == 2 && args[1].type == Type::kDynamic)) {
        return Status(ErrorKind::kNotImplemented,
                      std::string(function) + "() with several arrays returns several columns; unmask supports one "
                                              "array and the optional nulls_last flag");
    }
    if (args.size() == 2 && args[1].type != Type::kBool) {
        return ArgumentTypeError(function, 1, "bool (nulls_last)", args[1].type);
    }
    ScalarKernel kernel =
        ArrayToDynamic([ascending](const DynamicValue& array, const KernelArgs& kernel_args, size_t row) {
            bool nulls_last = true;
            if (kernel_args.columns.size() > 1 && !kernel_args.columns[1]->IsNull(row)) {
                nulls_last = kernel_args.columns[1]->ints[row] != 0;
            }
            return SortArray(array, ascending, nulls_last);
        });
    return BoundScalar{Type::kDynamic, std::move(kernel)};
}

// --- array_index_of ----------------------------------------------------------------------------

/// Index of the `occurrence`-th element equal to `value` inside [start, start + length), -1 when
/// absent, nullopt for invalid arguments (length < -1, occurrence < 1).
std::optional<int64_t> ArrayIndexOf(const DynamicValue& array, const DynamicValue* value, int64_t start, int64_t length,
                                    int64_t occurrence) {
    if (length < -1 || occurrence < 1) {
        return std::nullopt;
    }
    const auto size = static_cast<int64_t>(array.array().size());
    if (start < 0) {
        start = std::max<int64_t>(0, size + start);
    }
    const int64_t end = length == -1 ? size : std::min(size, start + length);
    int64_t seen = 0;
    for (int64_t index = start; index < end; ++index) {
        const DynamicValue* item = array.array()[static_cast<size_t>(index)].get();
        if (!IsNullDynamic(array.array()[static_cast<size_t>(index)]) && EqualDynamic(item, value) &&
            ++seen == occurrence) {
            return index;
        }
    }
    return -1;
}

std::optional<int64_t> OptionalInteger(const KernelArgs& args, size_t position, size_t row, int64_t fallback) {
    if (position >= args.columns.size()) {
        return fallback;
    }
    if (args.columns[position]->IsNull(row)) {
        return std::nullopt;
    }
    return args.columns[position]->ints[row];
}

Status ArrayIndexOfKernel(const KernelArgs& args, Column& out) {
    const Column& arrays = *args.columns[0];
    const Column& values = *args.columns[1];
    ResizeOutput(out, args.rows);
    for (size_t row = 0; row < args.rows; ++row) {
        const DynamicValue* array = AsArray(arrays, row);
        const DynamicPtr value = CellToDynamic(values, row);
        const std::optional<int64_t> start = OptionalInteger(args, 2, row, 0);
        const std::optional<int64_t> length = OptionalInteger(args, 3, row, -1);
        const std::optional<int64_t> occurrence = OptionalInteger(args, 4, row, 1);
        std::optional<int64_t> index;
        if (array != nullptr && !IsNullDynamic(value) && start && length && occurrence) {
            index = ArrayIndexOf(*array, value.get(), *start, *length, *occurrence);
        }
        if (index) {
            out.ints[row] = *index;
        } else {
            MarkNull(out, row);
        }
    }
    return Status::Ok();
}

// --- pack_array, bag_pack ----------------------------------------------------------------------

Status PackArrayKernel(const KernelArgs& args, Column& out) {
    ResizeOutput(out, args.rows);
    for (size_t row = 0; row < args.rows; ++row) {
        DynamicValue::Array items;
        items.reserve(args.columns.size());
        for (const Column* column : args.columns) {
            DynamicPtr item = CellToDynamic(*column, row);
            items.push_back(item == nullptr ? DynamicValue::Null() : std::move(item));
        }
        out.dynamics[row] = DynamicValue::MakeArray(std::move(items));
    }
    return Status::Ok();
}

Status BagPackKernel(const KernelArgs& args, Column& out) {
    ResizeOutput(out, args.rows);
    std::string key;
    for (size_t row = 0; row < args.rows; ++row) {
        DynamicValue::Object properties;
        for (size_t pair = 0; pair + 1 < args.columns.size(); pair += 2) {
            key.clear();
            AppendCellText(key, *args.columns[pair], row);
            DynamicPtr value = CellToDynamic(*args.columns[pair + 1], row);
            if (value == nullptr) {
                value = DynamicValue::Null();
            }
            const auto existing = std::find_if(properties.begin(), properties.end(),
                                               [&](const auto& property) { return property.first == key; });
            if (existing != properties.end()) {
                existing->second = std::move(value);
            } else {
                properties.emplace_back(key, std::move(value));
            }
        }
        out.dynamics[row] = DynamicValue::MakeObject(std::move(properties));
    }
    return Status::Ok();
}

Result<BoundScalar> BindBagPack(std::string_view function, std::span<const BindArg> args) {
    if (args.size() % 2 != 0) {
        return Status(ErrorKind::kType, std::string(function) + "() expects pairs of key and value, got " +
                                            std::to_string(args.size()) + " arguments");
    }
    for (size_t position = 0; position < args.size(); position += 2) {
        if (!IsStringLike(args[position].type)) {
            return ArgumentTypeError(function, position, "string (a key)", args[position].type);
        }
    }
    return BoundScalar{Type::kDynamic, BagPackKernel};
}

} // namespace

void AddDynamicFunctions(std::vector<ScalarFunction>& table) {
    table.push_back(DefineFunction(
        "array_length", 1, 1, "array_length(array) -> long",
        "Returns the number of elements of a dynamic array, or null when the value is not an array.",
        "array_length(dynamic([1, 2, 3, \"four\"]))", "4", [](std::span<const BindArg> args) -> Result<BoundScalar> {
            UNMASK_TRY(RequireDynamic("array_length", args, 0));
            return BoundScalar{Type::kLong, [](const KernelArgs& kernel_args, Column& out) -> Status {
                                   const Column& arrays = *kernel_args.columns[0];
                                   ResizeOutput(out, kernel_args.rows);
                                   for (size_t row = 0; row < kernel_args.rows; ++row) {
                                       if (const DynamicValue* array = AsArray(arrays, row)) {
                                           out.ints[row] = static_cast<int64_t>(array->array().size());
                                       } else {
                                           MarkNull(out, row);
                                       }
                                   }
                                   return Status::Ok();
                               }};
        }));
    AddAlias(table, "array_length", "arraylength");

    table.push_back(DefineFunction(
        "array_slice", 3, 3, "array_slice(array, start, end) -> dynamic",
        "Returns the elements from start to end, both inclusive; negative indexes count from the end and indexes "
        "out of range are clipped.",
        "array_slice(dynamic([1,2,3,4,5]), -3, -2)", "[3,4]", [](std::span<const BindArg> args) -> Result<BoundScalar> {
            UNMASK_TRY(RequireDynamic("array_slice", args, 0));
            UNMASK_TRY(RequireInteger("array_slice", args, 1));
            UNMASK_TRY(RequireInteger("array_slice", args, 2));
            ScalarKernel kernel =
                ArrayToDynamic([](const DynamicValue& array, const KernelArgs& kernel_args, size_t row) {
                    const Column& starts = *kernel_args.columns[1];
                    const Column& ends = *kernel_args.columns[2];
                    if (starts.IsNull(row) || ends.IsNull(row)) {
                        return DynamicPtr();
                    }
                    return Slice(array, starts.ints[row], ends.ints[row]);
                });
            return BoundScalar{Type::kDynamic,
                               WithConvertedArguments({Type::kDynamic, Type::kLong, Type::kLong}, std::move(kernel))};
        }));

    table.push_back(DefineFunction(
        "array_sum", 1, 1, "array_sum(array) -> real",
        "Returns the sum of a numeric array as a real; null when an element is not a number.",
        "array_sum(dynamic([1, 2, 3.5]))", "6.5", [](std::span<const BindArg> args) -> Result<BoundScalar> {
            UNMASK_TRY(RequireDynamic("array_sum", args, 0));
            return BoundScalar{Type::kReal, [](const KernelArgs& kernel_args, Column& out) -> Status {
                                   const Column& arrays = *kernel_args.columns[0];
                                   ResizeOutput(out, kernel_args.rows);
                                   for (size_t row = 0; row < kernel_args.rows; ++row) {
                                       const DynamicValue* array = AsArray(arrays, row);
                                       const std::optional<double> sum =
                                           array == nullptr ? std::nullopt : SumArray(*array);
                                       if (sum) {
                                           out.reals[row] = *sum;
                                       } else {
                                           MarkNull(out, row);
                                       }
                                   }
                                   return Status::Ok();
                               }};
        }));

    table.push_back(DefineFunction(
        "array_sort_asc", 1, 2, "array_sort_asc(array[, nulls_last]) -> dynamic",
        "Sorts an array ascending: numbers, datetimes and timespans, then strings, then other values; nulls last "
        "unless nulls_last is false.",
        "array_sort_asc(dynamic([null, \"b\", 3, \"a\", 1.5]))", "[1.5,3,\"a\",\"b\",null]",
        [](std::span<const BindArg> args) { return BindArraySort("array_sort_asc", true, args); }));

    table.push_back(DefineFunction(
        "array_sort_desc", 1, 2, "array_sort_desc(array[, nulls_last]) -> dynamic",
        "Sorts an array descending (the reverse of array_sort_asc's order); nulls last unless nulls_last is false.",
        "array_sort_desc(dynamic([2, null, 10, 1]), false)", "[null,10,2,1]",
        [](std::span<const BindArg> args) { return BindArraySort("array_sort_desc", false, args); }));

    table.push_back(DefineFunction(
        "array_concat", 1, 64, "array_concat(array1, array2, ...) -> dynamic",
        "Concatenates dynamic arrays; null when an argument is not an array.",
        "array_concat(dynamic([1, 2]), dynamic([\"a\"]))", "[1,2,\"a\"]",
        [](std::span<const BindArg> args) -> Result<BoundScalar> {
            for (size_t position = 0; position < args.size(); ++position) {
                UNMASK_TRY(RequireDynamic("array_concat", args, position));
            }
            return BoundScalar{Type::kDynamic, [](const KernelArgs& kernel_args, Column& out) -> Status {
                                   ResizeOutput(out, kernel_args.rows);
                                   for (size_t row = 0; row < kernel_args.rows; ++row) {
                                       DynamicValue::Array items;
                                       bool all_arrays = true;
                                       for (const Column* column : kernel_args.columns) {
                                           const DynamicValue* array = AsArray(*column, row);
                                           if (array == nullptr) {
                                               all_arrays = false;
                                               break;
                                           }
                                           items.insert(items.end(), array->array().begin(), array->array().end());
                                       }
                                       if (all_arrays) {
                                           out.dynamics[row] = DynamicValue::MakeArray(std::move(items));
                                       }
                                   }
                                   FinishDynamicOutput(out);
                                   return Status::Ok();
                               }};
        }));

    table.push_back(DefineFunction(
        "array_reverse", 1, 1, "array_reverse(array) -> dynamic", "Reverses the order of an array's elements.",
        "array_reverse(dynamic([1, \"b\", null]))", "[null,\"b\",1]",
        [](std::span<const BindArg> args) -> Result<BoundScalar> {
            UNMASK_TRY(RequireDynamic("array_reverse", args, 0));
            return BoundScalar{Type::kDynamic, ArrayToDynamic([](const DynamicValue& array, const KernelArgs&, size_t) {
                                   DynamicValue::Array items(array.array().rbegin(), array.array().rend());
                                   return DynamicValue::MakeArray(std::move(items));
                               })};
        }));

    table.push_back(DefineFunction(
        "array_index_of", 2, 5, "array_index_of(array, value[, start[, length[, occurrence]]]) -> long",
        "Returns the index of the occurrence-th element equal to value within [start, start + length), or -1.",
        "array_index_of(dynamic([\"this\", \"is\", \"an\", \"example\", \"an\"]), \"an\", 1, -1, 2)", "4",
        [](std::span<const BindArg> args) -> Result<BoundScalar> {
            UNMASK_TRY(RequireDynamic("array_index_of", args, 0));
            for (size_t position = 2; position < args.size(); ++position) {
                UNMASK_TRY(RequireInteger("array_index_of", args, position));
            }
            return BoundScalar{Type::kLong, WithConvertedArguments(
                                                {Type::kDynamic, args[1].type, Type::kLong, Type::kLong, Type::kLong},
                                                ArrayIndexOfKernel)};
        }));

    table.push_back(DefineFunction(
        "set_has_element", 2, 2, "set_has_element(array, value) -> bool",
        "Returns whether an array holds an element equal to value (numbers compare by value).",
        "set_has_element(dynamic([1, 2.5, \"x\"]), 2.5)", "True",
        [](std::span<const BindArg> args) -> Result<BoundScalar> {
            UNMASK_TRY(RequireDynamic("set_has_element", args, 0));
            return BoundScalar{Type::kBool, [](const KernelArgs& kernel_args, Column& out) -> Status {
                                   const Column& arrays = *kernel_args.columns[0];
                                   const Column& values = *kernel_args.columns[1];
                                   ResizeOutput(out, kernel_args.rows);
                                   for (size_t row = 0; row < kernel_args.rows; ++row) {
                                       const DynamicValue* array = AsArray(arrays, row);
                                       const DynamicPtr value = CellToDynamic(values, row);
                                       if (array == nullptr || IsNullDynamic(value)) {
                                           MarkNull(out, row);
                                           continue;
                                       }
                                       out.ints[row] = ArrayIndexOf(*array, value.get(), 0, -1, 1).value_or(-1) >= 0;
                                   }
                                   return Status::Ok();
                               }};
        }));

    table.push_back(DefineFunction("pack_array", 1, 64, "pack_array(value1, value2, ...) -> dynamic",
                                   "Packs values into a dynamic array; a null value becomes a JSON null element.",
                                   "pack_array(1, \"2\", 3s, real(null))", "[1,\"2\",\"00:00:03\",null]",
                                   [](std::span<const BindArg>) -> Result<BoundScalar> {
                                       return BoundScalar{Type::kDynamic, PackArrayKernel};
                                   }));

    table.push_back(DefineFunction("bag_pack", 2, 128, "bag_pack(key1, value1, key2, value2, ...) -> dynamic",
                                   "Builds a property bag from alternating keys and values; a repeated key keeps "
                                   "its last value.",
                                   "bag_pack(\"Level\", \"Info\", \"ProcessID\", 1234)",
                                   "{\"Level\":\"Info\",\"ProcessID\":1234}",
                                   [](std::span<const BindArg> args) { return BindBagPack("bag_pack", args); }));
    AddAlias(table, "bag_pack", "pack");
    AddAlias(table, "bag_pack", "pack_dictionary");

    table.push_back(
        DefineFunction("bag_keys", 1, 1, "bag_keys(bag) -> dynamic",
                       "Returns the keys of a property bag as an array of strings; null when the value is not a bag.",
                       "bag_keys(dynamic({\"a\": \"b\", \"c\": {\"d\": 1}}))", "[\"a\",\"c\"]",
                       [](std::span<const BindArg> args) -> Result<BoundScalar> {
                           UNMASK_TRY(RequireDynamic("bag_keys", args, 0));
                           return BoundScalar{Type::kDynamic, [](const KernelArgs& kernel_args, Column& out) -> Status {
                                                  const Column& bags = *kernel_args.columns[0];
                                                  ResizeOutput(out, kernel_args.rows);
                                                  for (size_t row = 0; row < kernel_args.rows; ++row) {
                                                      const DynamicValue* bag = bags.dynamics[row].get();
                                                      if (bag == nullptr || bag->kind() != Kind::kObject) {
                                                          continue;
                                                      }
                                                      DynamicValue::Array keys;
                                                      for (const auto& property : bag->object()) {
                                                          keys.push_back(DynamicValue::String(property.first));
                                                      }
                                                      out.dynamics[row] = DynamicValue::MakeArray(std::move(keys));
                                                  }
                                                  FinishDynamicOutput(out);
                                                  return Status::Ok();
                                              }};
                       }));

    table.push_back(DefineFunction(
        "bag_has_key", 2, 2, "bag_has_key(bag, key) -> bool",
        "Returns whether a property bag has the key; false when the value is not a bag.",
        "bag_has_key(dynamic({\"a\": null}), \"a\")", "True", [](std::span<const BindArg> args) -> Result<BoundScalar> {
            UNMASK_TRY(RequireDynamic("bag_has_key", args, 0));
            ScalarKernel kernel = [](const KernelArgs& kernel_args, Column& out) -> Status {
                const Column& bags = *kernel_args.columns[0];
                const Column& keys = *kernel_args.columns[1];
                ResizeOutput(out, kernel_args.rows);
                for (size_t row = 0; row < kernel_args.rows; ++row) {
                    const DynamicValue* bag = bags.dynamics[row].get();
                    out.ints[row] = bag != nullptr && bag->Find(keys.strings[row]) != nullptr;
                }
                return Status::Ok();
            };
            return BoundScalar{Type::kBool, WithConvertedArguments({Type::kDynamic, Type::kString}, std::move(kernel))};
        }));
}

} // namespace unmask::functions
