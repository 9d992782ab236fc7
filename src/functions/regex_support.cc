#include "functions/regex_support.h"

#include <string>

namespace unmask::functions {

Result<std::shared_ptr<const re2::RE2>> CompileRegex(std::string_view pattern, std::string_view context) {
    re2::RE2::Options options;
    options.set_log_errors(false);
    auto regex = std::make_shared<const re2::RE2>(re2::StringPiece(pattern.data(), pattern.size()), options);
    if (!regex->ok()) {
        return Status(ErrorKind::kType, std::string(context) + ": invalid regular expression '" + std::string(pattern) +
                                            "': " + regex->error());
    }
    return regex;
}

} // namespace unmask::functions
