// Checks on a rule's KQL done at load time: parameter literals against their declared type,
// and the names that a parsed query refers to.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "query/ast.h"
#include "table/types.h"

namespace unmask::detect::internal {

/// Checks that `text` is one KQL literal of `type`: `true`, `int(5)`, `5`, `0.5`, `"text"`,
/// `datetime(2024-01-31)`, `24h`, `dynamic([...])`, an optionally signed number or timespan,
/// or a typed null such as `long(null)`. Returns what was expected when it is not.
std::optional<std::string> CheckLiteral(std::string_view text, Type type);

/// Names used in a script: columns, `let` variables and tables, at any depth.
std::set<std::string> ReferencedNames(const query::Script& script);

} // namespace unmask::detect::internal
