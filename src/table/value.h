// Scalar values outside columns: literals, aggregate results, group keys.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "table/column.h"
#include "table/dynamic.h"
#include "table/types.h"

namespace unmask {

/// One typed value. `is_null` is never true for strings (Kusto strings are never null).
struct Value {
    Type type = Type::kLong;
    bool is_null = true;
    int64_t integer = 0;  ///< bool, int, long, datetime, timespan
    double real = 0;
    std::string string;
    DynamicPtr dynamic;

    static Value Null(Type type);
    static Value Bool(bool value);
    static Value Int(int64_t value);
    static Value Long(int64_t value);
    static Value Real(double value);
    static Value String(std::string value);
    static Value DateTime(int64_t ticks);
    static Value TimeSpan(int64_t ticks);
    static Value Dynamic(DynamicPtr value);

    /// Reads row `row` of a column. String bytes are copied.
    static Value FromColumn(const Column& column, size_t row);
    /// Appends this value to a column of the same type (string bytes go to `arena`).
    void AppendTo(Column& column, StringArena& arena) const;
    /// Converts to a dynamic value (null stays a dynamic null).
    DynamicPtr ToDynamic() const;
};

/// Formats one cell the way Kusto's CSV export writes it: empty for null, datetimes as
/// ISO 8601 with 7 fraction digits, timespans as [d.]hh:mm:ss[.fffffff], reals in the
/// shortest round-trip form, dynamic as compact JSON, bools as True/False.
std::string FormatCell(const Column& column, size_t row);
void AppendCell(std::string& out, const Column& column, size_t row);

/// Formats a real as Kusto prints it: shortest round-trip digits, "NaN", "Infinity", "-Infinity".
void AppendRealText(std::string& out, double value);

}  // namespace unmask
