// Helpers shared by the binders and kernels of src/functions: argument checks, null tests,
// output preparation and ASCII/UTF-8 string utilities. Internal to the functions layer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "functions/registry.h"
#include "table/column.h"
#include "table/dynamic.h"
#include "table/types.h"

namespace unmask::functions {

// ---------------------------------------------------------------------------------------------
// Binding errors

/// Returns a kType error such as "strlen(): argument 1 must be string or dynamic, got long".
Status ArgumentTypeError(std::string_view function, size_t position, std::string_view expected, Type actual);

/// Returns a kType error naming the function and the accepted argument counts.
Status ArgumentCountError(std::string_view function, size_t count, size_t min_count, size_t max_count);

/// Checks that `count` lies in [min_count, max_count].
Status CheckArgumentCount(std::string_view function, size_t count, size_t min_count, size_t max_count);

/// Returns a kType error when argument `position` (0-based) is not a constant.
Status RequireConstant(std::string_view function, std::span<const BindArg> args, size_t position,
                       std::string_view what);

inline bool IsStringLike(Type type) {
    return type == Type::kString || type == Type::kDynamic;
}
inline bool IsIntegerType(Type type) {
    return type == Type::kInt || type == Type::kLong;
}

// ---------------------------------------------------------------------------------------------
// Null tests

inline bool IsNullDynamic(const DynamicPtr& value) {
    return value == nullptr || value->is_null();
}

/// True when row `row` is null. Strings are never null, and a dynamic cell is null when it is
/// absent or is JSON null.
inline bool IsNullCell(const Column& column, size_t row) {
    if (column.type == Type::kDynamic) {
        return IsNullDynamic(column.dynamics[row]);
    }
    return column.IsNull(row);
}

// ---------------------------------------------------------------------------------------------
// Output preparation. Kernels size the output once, write values by index, then mark nulls.

/// Resizes the storage of `out` (already typed) to `rows` values and clears its validity.
void ResizeOutput(Column& out, size_t rows);

/// Marks row `row` of `out` null, creating the validity vector on first use.
inline void MarkNull(Column& out, size_t row) {
    if (out.valid.empty()) {
        out.valid.assign(out.size(), 1);
    }
    out.valid[row] = 0;
}

/// Copies the nulls of `input` into `out`, so that a row is null in `out` when it is null in
/// any input merged so far.
void MergeNulls(Column& out, const Column& input);

/// Derives the validity of a dynamic output column from its pointers: a nullptr or a JSON-null
/// value becomes a null row stored as nullptr.
void FinishDynamicOutput(Column& out);

/// Drops the validity vector when every row is valid.
void CompactValidity(Column& out);

/// Returns the values of a numeric, datetime or timespan column as doubles: the column's own
/// storage for real columns, else a converted copy in `scratch`. Null rows hold arbitrary values.
const double* RealData(const Column& column, std::vector<double>& scratch);

/// Wraps `inner` so that every argument i whose type differs from `targets[i]` is first converted
/// to that type with the rules of the to*() functions (see conversions.h). Constants of converted
/// arguments are passed to `inner` as nullptr.
ScalarKernel WithConvertedArguments(std::vector<Type> targets, ScalarKernel inner);

// ---------------------------------------------------------------------------------------------
// Strings

inline bool IsAsciiAlphanumeric(unsigned char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

inline char LowerAscii(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c;
}
inline char UpperAscii(char c) {
    return (c >= 'a' && c <= 'z') ? static_cast<char>(c - ('a' - 'A')) : c;
}

/// Replaces the contents of `buffer` with `text` lowered in ASCII and returns a view of it.
std::string_view LowerAsciiInto(std::string_view text, std::string& buffer);
std::string LowerAscii(std::string_view text);

bool EqualsIgnoreCaseAscii(std::string_view left, std::string_view right);

/// Number of Unicode code points in UTF-8 text (bytes that do not continue a sequence).
size_t CountCodePoints(std::string_view text);

/// True when every byte is below 0x80.
bool IsAscii(std::string_view text);

/// Byte offset of code point `index` in `text`, or text.size() when index is past the end.
size_t CodePointOffset(std::string_view text, size_t index);

/// Finds `needle` in `haystack` from byte `from`; returns npos when absent. An empty needle
/// matches at `from`.
size_t FindBytes(std::string_view haystack, std::string_view needle, size_t from = 0);

} // namespace unmask::functions
