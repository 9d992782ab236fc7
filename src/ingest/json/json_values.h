// Conversion of simdjson DOM values to column values.
#pragma once

#include <optional>

#include <simdjson.h>

#include "ingest/cell_parse.h"
#include "table/column.h"
#include "table/dynamic.h"

namespace unmask::ingest {

/// Appends a JSON value to a column. Numbers go to int/long/real columns, which also accept a
/// string of digits, and `null` appends a null ("" for strings). A string column takes strings
/// as they are and any other value as its compact JSON text, so an object in AdditionalFields
/// keeps its JSON. New string bytes are copied into `arena`. On failure nothing is appended.
CellError AppendJsonValue(Column& column, simdjson::dom::element value, StringArena& arena);

/// Converts a JSON value to a dynamic value (integers that fit int64 become longs).
DynamicPtr JsonToDynamic(simdjson::dom::element value);

/// Column type for an unknown column whose first non-null value is `value`: string, long, real
/// or bool, dynamic for objects and arrays; nullopt for null.
std::optional<Type> TypeOfJsonValue(simdjson::dom::element value);

}  // namespace unmask::ingest
