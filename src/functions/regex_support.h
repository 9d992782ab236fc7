// Compilation of the regular expressions of `matches regex`, extract(), replace_regex() and
// friends. Kusto's regular expressions use RE2 syntax, so patterns go to RE2 unchanged.
#pragma once

#include <memory>
#include <string_view>

#include <re2/re2.h>

#include "common/status.h"

namespace unmask::functions {

/// Compiles `pattern` with RE2's defaults (case-sensitive, `.` does not match a newline) and
/// without RE2's logging. An invalid pattern gives a kType error that names `context` (the
/// operator or function) and quotes the pattern and RE2's reason.
Result<std::shared_ptr<const re2::RE2>> CompileRegex(std::string_view pattern, std::string_view context);

} // namespace unmask::functions
