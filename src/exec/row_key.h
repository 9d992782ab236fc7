// Byte encodings of cells for hashing group keys and distinct rows.
#pragma once

#include <string>

#include "table/column.h"

namespace unmask::exec {

/// Appends an encoding of one cell to `key` such that two cells of the same type encode
/// equally exactly when Kusto treats them as the same group key (nulls group together).
void AppendRowKey(std::string& key, const Column& column, size_t row);

}  // namespace unmask::exec
