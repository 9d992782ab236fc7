// String operators: contains, startswith, endswith, has, hasprefix, hassuffix (each with the
// negated `!` form and the case-sensitive `_cs` form) and `matches regex`.
//
// Operands of type dynamic are compared through their tostring() text. The case-insensitive forms
// fold ASCII letters only, as Kusto does; non-ASCII text must be lowered with tolower() first.
// A constant right-hand side is prepared once at bind time: lowered for the case-insensitive
// forms, compiled for `matches regex`.
#include <optional>

#include "functions/conversions.h"
#include "functions/kernel_support.h"
#include "functions/operators_internal.h"
#include "functions/regex_support.h"
#include "functions/text_terms.h"

namespace unmask::functions {

namespace {

enum class StringOpKind { kContains, kStartsWith, kEndsWith, kHas, kHasPrefix, kHasSuffix };

struct StringOpSpec {
    StringOpKind kind = StringOpKind::kContains;
    bool negated = false;
    bool case_sensitive = false;
};

std::optional<StringOpSpec> ParseStringOp(std::string_view op) {
    StringOpSpec spec;
    if (op.starts_with('!')) {
        spec.negated = true;
        op.remove_prefix(1);
    }
    if (op.ends_with("_cs")) {
        spec.case_sensitive = true;
        op.remove_suffix(3);
    }
    if (op == "contains") {
        spec.kind = StringOpKind::kContains;
    } else if (op == "startswith") {
        spec.kind = StringOpKind::kStartsWith;
    } else if (op == "endswith") {
        spec.kind = StringOpKind::kEndsWith;
    } else if (op == "has") {
        spec.kind = StringOpKind::kHas;
    } else if (op == "hasprefix") {
        spec.kind = StringOpKind::kHasPrefix;
    } else if (op == "hassuffix") {
        spec.kind = StringOpKind::kHasSuffix;
    } else {
        return std::nullopt;
    }
    return spec;
}

/// Matches `needle` in `text`; for the case-insensitive forms `needle` is already lowered and
/// `buffer` receives the lowered text when the match needs it.
template <StringOpKind kKind, bool kCaseSensitive>
inline bool MatchText(std::string_view text, std::string_view needle, std::string& buffer) {
    if constexpr (kKind == StringOpKind::kStartsWith) {
        if (text.size() < needle.size()) {
            return false;
        }
        return kCaseSensitive ? text.starts_with(needle) : EqualsIgnoreCaseAscii(text.substr(0, needle.size()), needle);
    } else if constexpr (kKind == StringOpKind::kEndsWith) {
        if (text.size() < needle.size()) {
            return false;
        }
        const std::string_view tail = text.substr(text.size() - needle.size());
        return kCaseSensitive ? tail == needle : EqualsIgnoreCaseAscii(tail, needle);
    } else {
        const std::string_view haystack = kCaseSensitive ? text : LowerAsciiInto(text, buffer);
        if constexpr (kKind == StringOpKind::kContains) {
            return FindBytes(haystack, needle) != std::string_view::npos;
        } else if constexpr (kKind == StringOpKind::kHas) {
            return MatchesTerm(haystack, needle, TermMode::kWhole);
        } else if constexpr (kKind == StringOpKind::kHasPrefix) {
            return MatchesTerm(haystack, needle, TermMode::kPrefix);
        } else {
            return MatchesTerm(haystack, needle, TermMode::kSuffix);
        }
    }
}

/// `constant_needle` is set when the right side is a constant (already lowered for the
/// case-insensitive forms); otherwise each row's right-hand value is used.
template <StringOpKind kKind, bool kCaseSensitive>
ScalarKernel StringOpKernel(bool negated, std::optional<std::string> constant_needle) {
    return [negated, constant_needle = std::move(constant_needle)](const KernelArgs& args, Column& out) -> Status {
        const Column& left = *args.columns[0];
        const Column& right = *args.columns[1];
        ResizeOutput(out, args.rows);
        std::string buffer;
        std::string needle_buffer;
        for (size_t row = 0; row < args.rows; ++row) {
            std::string_view needle;
            if (constant_needle) {
                needle = *constant_needle;
            } else {
                needle = kCaseSensitive ? right.strings[row] : LowerAsciiInto(right.strings[row], needle_buffer);
            }
            out.ints[row] = MatchText<kKind, kCaseSensitive>(left.strings[row], needle, buffer) != negated;
        }
        return Status::Ok();
    };
}

template <StringOpKind kKind>
ScalarKernel SelectCase(const StringOpSpec& spec, std::optional<std::string> needle) {
    if (spec.case_sensitive) {
        return StringOpKernel<kKind, true>(spec.negated, std::move(needle));
    }
    return StringOpKernel<kKind, false>(spec.negated, std::move(needle));
}

ScalarKernel MakeStringOpKernel(const StringOpSpec& spec, std::optional<std::string> needle) {
    switch (spec.kind) {
    case StringOpKind::kContains:
        return SelectCase<StringOpKind::kContains>(spec, std::move(needle));
    case StringOpKind::kStartsWith:
        return SelectCase<StringOpKind::kStartsWith>(spec, std::move(needle));
    case StringOpKind::kEndsWith:
        return SelectCase<StringOpKind::kEndsWith>(spec, std::move(needle));
    case StringOpKind::kHas:
        return SelectCase<StringOpKind::kHas>(spec, std::move(needle));
    case StringOpKind::kHasPrefix:
        return SelectCase<StringOpKind::kHasPrefix>(spec, std::move(needle));
    case StringOpKind::kHasSuffix:
        return SelectCase<StringOpKind::kHasSuffix>(spec, std::move(needle));
    }
    return nullptr;
}

Result<BoundScalar> BindMatchesRegex(BindArg right) {
    if (right.constant != nullptr) {
        UNMASK_ASSIGN_OR_RETURN(std::shared_ptr<const re2::RE2> regex,
                                CompileRegex(ValueText(*right.constant), "matches regex"));
        ScalarKernel kernel = [regex](const KernelArgs& args, Column& out) -> Status {
            const Column& left = *args.columns[0];
            ResizeOutput(out, args.rows);
            for (size_t row = 0; row < args.rows; ++row) {
                const std::string_view text = left.strings[row];
                out.ints[row] = re2::RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), *regex);
            }
            return Status::Ok();
        };
        return BoundScalar{Type::kBool, WithConvertedArguments({Type::kString, Type::kString}, std::move(kernel))};
    }
    // A pattern that changes per row is compiled again whenever it differs from the previous row's.
    ScalarKernel kernel = [](const KernelArgs& args, Column& out) -> Status {
        const Column& left = *args.columns[0];
        const Column& patterns = *args.columns[1];
        ResizeOutput(out, args.rows);
        std::shared_ptr<const re2::RE2> regex;
        std::string_view previous_pattern;
        for (size_t row = 0; row < args.rows; ++row) {
            if (regex == nullptr || patterns.strings[row] != previous_pattern) {
                UNMASK_ASSIGN_OR_RETURN(regex, CompileRegex(patterns.strings[row], "matches regex"));
                previous_pattern = patterns.strings[row];
            }
            const std::string_view text = left.strings[row];
            out.ints[row] = re2::RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), *regex);
        }
        return Status::Ok();
    };
    return BoundScalar{Type::kBool, WithConvertedArguments({Type::kString, Type::kString}, std::move(kernel))};
}

} // namespace

bool IsStringOperator(std::string_view op) {
    return op == "matches regex" || ParseStringOp(op).has_value();
}

Result<BoundScalar> BindStringOperator(std::string_view op, BindArg left, BindArg right) {
    if (!IsStringLike(left.type) || !IsStringLike(right.type)) {
        return Status(ErrorKind::kType, "operator '" + std::string(op) + "' needs string operands, got " +
                                            std::string(TypeName(left.type)) + " and " +
                                            std::string(TypeName(right.type)));
    }
    if (op == "matches regex") {
        return BindMatchesRegex(right);
    }
    const std::optional<StringOpSpec> spec = ParseStringOp(op);
    if (!spec) {
        return Status(ErrorKind::kNotImplemented, "string operator '" + std::string(op) + "' is not supported");
    }
    std::optional<std::string> needle;
    if (right.constant != nullptr) {
        needle = ValueText(*right.constant);
        if (!spec->case_sensitive) {
            needle = LowerAscii(*needle);
        }
    }
    ScalarKernel kernel = MakeStringOpKernel(*spec, std::move(needle));
    return BoundScalar{Type::kBool, WithConvertedArguments({Type::kString, Type::kString}, std::move(kernel))};
}

} // namespace unmask::functions
