// Recursive-descent parser from KQL text to the syntax tree of query/ast.h.
//
// Errors are Status values of kind kParse (the text does not follow the grammar), kNotImplemented (valid
// KQL that unmask does not support, such as the `lookup` operator) or kLimitExceeded (one of the budgets
// below). Each error carries the byte span of the token at fault.
#pragma once

#include <cstddef>
#include <string_view>

#include "common/status.h"
#include "query/ast.h"

namespace unmask::query {

/// Maximum size of a query text in bytes (1 MiB).
inline constexpr size_t kMaxQueryBytes = size_t{1} << 20;

/// Maximum nesting of parentheses, brackets, calls, unary operators, dynamic values and subqueries. The
/// parser recurses once per level, so this bounds its stack use.
inline constexpr int kMaxNestingDepth = 256;

/// Maximum height of an expression tree. A chain `a or b or c ...` is one level deeper per operator, so
/// this limit is higher than kMaxNestingDepth. Code that walks the tree recursively can rely on it.
inline constexpr int kMaxTreeHeight = 2048;

/// Parses a whole KQL script: `let` statements and one or more query statements separated by `;`.
Result<Script> ParseScript(std::string_view text);

/// Parses one scalar expression (used by tests and rule parameters).
Result<ExprPtr> ParseExpression(std::string_view text);

} // namespace unmask::query
