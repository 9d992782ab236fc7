// Canonical one-line dump of the syntax tree, for tests that compare whole trees as strings.
//
// Each node prints as a bracketed form such as `(== (name RemoteIPType) (string "Public"))` or
// `(pipe (name T) (where ...) (summarize ...))`. The format is described in ast_dump.cc.
#pragma once

#include <string>

#include "query/ast.h"

namespace unmask::query {

/// Renders every statement of the script, separated by single spaces.
std::string DumpScript(const Script& script);

/// Renders one expression, including a kPipe with its operators.
std::string DumpExpr(const Expr& expr);

} // namespace unmask::query
