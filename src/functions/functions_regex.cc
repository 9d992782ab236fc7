// Functions built on regular expressions (RE2 syntax, as in Kusto): extract, extract_all,
// replace_regex, trim, trim_start, trim_end and countof(..., "regex").
//
// Patterns must be constants, so each compiles once at bind time; an invalid pattern is a kType
// error. Compiled RE2 objects are safe to share between threads.
#include <map>

#include "functions/conversions.h"
#include "functions/function_families.h"
#include "functions/kernel_support.h"
#include "functions/regex_support.h"

namespace unmask::functions {

namespace {

using RegexPtr = std::shared_ptr<const re2::RE2>;

re2::StringPiece Piece(std::string_view text) {
    return re2::StringPiece(text.data(), text.size());
}
std::string_view View(const re2::StringPiece& piece) {
    return std::string_view(piece.data(), piece.size());
}

Result<RegexPtr> ConstantRegex(std::string_view function, std::span<const BindArg> args, size_t position) {
    UNMASK_TRY(RequireConstant(function, args, position, "regular expression"));
    return CompileRegex(ValueText(*args[position].constant), std::string(function) + "()");
}

// --- extract -----------------------------------------------------------------------------------

ScalarKernel ExtractKernel(RegexPtr regex, Type result_type) {
    return [regex = std::move(regex), result_type](const KernelArgs& args, Column& out) -> Status {
        const Column& groups = *args.columns[1];
        const Column& text = *args.columns[2];
        Column matches(Type::kString);
        ResizeOutput(matches, args.rows);
        matches.ShareOwners(text);
        std::vector<bool> matched(args.rows, false);
        const int group_count = regex->NumberOfCapturingGroups();
        std::vector<re2::StringPiece> submatches(static_cast<size_t>(group_count) + 1);
        for (size_t row = 0; row < args.rows; ++row) {
            if (groups.IsNull(row) || groups.ints[row] < 0 || groups.ints[row] > group_count) {
                continue;
            }
            const auto group = static_cast<size_t>(groups.ints[row]);
            const re2::StringPiece source = Piece(text.strings[row]);
            if (regex->Match(source, 0, source.size(), re2::RE2::UNANCHORED, submatches.data(),
                             static_cast<int>(group) + 1) &&
                submatches[group].data() != nullptr) {
                matches.strings[row] = View(submatches[group]);
                matched[row] = true;
            }
        }
        if (result_type == Type::kString) {
            out = std::move(matches);
            return Status::Ok();
        }
        out = ConvertColumn(matches, result_type);
        for (size_t row = 0; row < args.rows; ++row) {
            if (!matched[row]) {
                MarkNull(out, row);
            }
        }
        return Status::Ok();
    };
}

Result<BoundScalar> BindExtract(std::span<const BindArg> args) {
    UNMASK_ASSIGN_OR_RETURN(RegexPtr regex, ConstantRegex("extract", args, 0));
    if (!IsIntegerType(args[1].type)) {
        return ArgumentTypeError("extract", 1, "int or long (the capture group)", args[1].type);
    }
    Type result_type = Type::kString;
    if (args.size() == 4) {
        // The binder passes typeof(T) as a constant string naming T.
        UNMASK_TRY(RequireConstant("extract", args, 3, "typeof(T)"));
        const std::string name = ValueText(*args[3].constant);
        const std::optional<Type> parsed = ParseTypeName(name);
        if (!parsed) {
            return Status(ErrorKind::kType, "extract(): unknown type '" + name + "' in argument 4");
        }
        result_type = *parsed;
    }
    return BoundScalar{result_type, WithConvertedArguments({Type::kString, args[1].type, Type::kString},
                                                           ExtractKernel(std::move(regex), result_type))};
}

// --- extract_all -------------------------------------------------------------------------------

ScalarKernel ExtractAllKernel(RegexPtr regex, std::vector<int> groups) {
    return [regex = std::move(regex), groups = std::move(groups)](const KernelArgs& args, Column& out) -> Status {
        const Column& text = *args.columns[args.columns.size() - 1];
        ResizeOutput(out, args.rows);
        const int group_count = regex->NumberOfCapturingGroups();
        std::vector<re2::StringPiece> submatches(static_cast<size_t>(group_count) + 1);
        for (size_t row = 0; row < args.rows; ++row) {
            const re2::StringPiece source = Piece(text.strings[row]);
            DynamicValue::Array matches;
            size_t position = 0;
            while (position <= source.size() && regex->Match(source, position, source.size(), re2::RE2::UNANCHORED,
                                                             submatches.data(), group_count + 1)) {
                const auto group_text = [&](int group) {
                    const re2::StringPiece& piece = submatches[static_cast<size_t>(group)];
                    return DynamicValue::String(piece.data() == nullptr ? std::string() : std::string(View(piece)));
                };
                if (groups.size() == 1) {
                    matches.push_back(group_text(groups[0]));
                } else {
                    DynamicValue::Array tuple;
                    for (int group : groups) {
                        tuple.push_back(group_text(group));
                    }
                    matches.push_back(DynamicValue::MakeArray(std::move(tuple)));
                }
                const size_t match_end =
                    static_cast<size_t>(submatches[0].data() - source.data()) + submatches[0].size();
                position = submatches[0].empty() ? match_end + 1 : match_end;
            }
            if (!matches.empty()) {
                out.dynamics[row] = DynamicValue::MakeArray(std::move(matches));
            }
        }
        FinishDynamicOutput(out);
        return Status::Ok();
    };
}

Result<BoundScalar> BindExtractAll(std::span<const BindArg> args) {
    UNMASK_ASSIGN_OR_RETURN(RegexPtr regex, ConstantRegex("extract_all", args, 0));
    const int group_count = regex->NumberOfCapturingGroups();
    std::vector<int> groups;
    if (args.size() == 3) {
        UNMASK_TRY(RequireConstant("extract_all", args, 1, "capture groups"));
        const DynamicPtr& list = args[1].constant->dynamic;
        if (args[1].type != Type::kDynamic || list == nullptr || list->kind() != DynamicValue::Kind::kArray) {
            return ArgumentTypeError("extract_all", 1, "a dynamic array of capture group numbers or names",
                                     args[1].type);
        }
        const std::map<std::string, int>& names = regex->NamedCapturingGroups();
        for (const DynamicPtr& item : list->array()) {
            int group = -1;
            if (item != nullptr && item->kind() == DynamicValue::Kind::kLong) {
                group = static_cast<int>(item->integer());
            } else if (item != nullptr && item->kind() == DynamicValue::Kind::kString) {
                const auto found = names.find(item->string());
                group = found == names.end() ? -1 : found->second;
            }
            if (group < 1 || group > group_count) {
                return Status(ErrorKind::kType, "extract_all(): capture group " + (item ? item->ToJson() : "null") +
                                                    " does not exist in the regular expression");
            }
            groups.push_back(group);
        }
    } else if (group_count == 0) {
        groups.push_back(0); // a pattern without groups yields its whole matches
    } else {
        for (int group = 1; group <= group_count; ++group) {
            groups.push_back(group);
        }
    }
    if (groups.empty()) {
        return Status(ErrorKind::kType, "extract_all(): the list of capture groups is empty");
    }
    std::vector<Type> targets(args.size(), Type::kString);
    targets[0] = args[0].type;
    if (args.size() == 3) {
        targets[1] = args[1].type;
    }
    return BoundScalar{Type::kDynamic, WithConvertedArguments(std::move(targets),
                                                              ExtractAllKernel(std::move(regex), std::move(groups)))};
}

// --- replace_regex -----------------------------------------------------------------------------

Result<BoundScalar> BindReplaceRegex(std::span<const BindArg> args) {
    UNMASK_ASSIGN_OR_RETURN(RegexPtr regex, ConstantRegex("replace_regex", args, 1));
    UNMASK_TRY(RequireConstant("replace_regex", args, 2, "rewrite pattern"));
    auto rewrite = std::make_shared<const std::string>(ValueText(*args[2].constant));
    std::string error;
    if (!regex->CheckRewriteString(Piece(*rewrite), &error)) {
        return Status(ErrorKind::kType, "replace_regex(): invalid rewrite pattern '" + *rewrite + "': " + error);
    }
    ScalarKernel kernel = [regex = std::move(regex), rewrite = std::move(rewrite)](const KernelArgs& kernel_args,
                                                                                   Column& out) -> Status {
        const Column& text = *kernel_args.columns[0];
        ResizeOutput(out, kernel_args.rows);
        StringArena& arena = out.NewArena();
        std::string buffer;
        for (size_t row = 0; row < kernel_args.rows; ++row) {
            buffer.assign(text.strings[row]);
            re2::RE2::GlobalReplace(&buffer, *regex, Piece(*rewrite));
            out.strings[row] = arena.Add(buffer);
        }
        return Status::Ok();
    };
    return BoundScalar{Type::kString, WithConvertedArguments({Type::kString}, std::move(kernel))};
}

// --- trim --------------------------------------------------------------------------------------

/// trim(regex, text): removes the longest run of matches at the start and/or at the end.
Result<BoundScalar> BindTrim(std::string_view function, bool leading, bool trailing, std::span<const BindArg> args) {
    UNMASK_TRY(RequireConstant(function, args, 0, "regular expression"));
    const std::string pattern = ValueText(*args[0].constant);
    RegexPtr leading_regex;
    RegexPtr trailing_regex;
    if (leading) {
        UNMASK_ASSIGN_OR_RETURN(leading_regex, CompileRegex("(?:" + pattern + ")+", std::string(function) + "()"));
    }
    if (trailing) {
        UNMASK_ASSIGN_OR_RETURN(trailing_regex, CompileRegex("(?:" + pattern + ")+\\z", std::string(function) + "()"));
    }
    ScalarKernel kernel = [leading_regex, trailing_regex](const KernelArgs& kernel_args, Column& out) -> Status {
        const Column& text = *kernel_args.columns[1];
        ResizeOutput(out, kernel_args.rows);
        out.ShareOwners(text);
        re2::StringPiece match;
        for (size_t row = 0; row < kernel_args.rows; ++row) {
            std::string_view value = text.strings[row];
            if (leading_regex != nullptr &&
                leading_regex->Match(Piece(value), 0, value.size(), re2::RE2::ANCHOR_START, &match, 1)) {
                value.remove_prefix(match.size());
            }
            if (trailing_regex != nullptr &&
                trailing_regex->Match(Piece(value), 0, value.size(), re2::RE2::UNANCHORED, &match, 1)) {
                value = value.substr(0, static_cast<size_t>(match.data() - value.data()));
            }
            out.strings[row] = value;
        }
        return Status::Ok();
    };
    return BoundScalar{Type::kString, WithConvertedArguments({args[0].type, Type::kString}, std::move(kernel))};
}

int64_t CountRegex(const re2::RE2& regex, std::string_view text) {
    const re2::StringPiece source = Piece(text);
    re2::StringPiece match;
    int64_t count = 0;
    size_t position = 0;
    while (position <= source.size() && regex.Match(source, position, source.size(), re2::RE2::UNANCHORED, &match, 1)) {
        ++count;
        const size_t match_end = static_cast<size_t>(match.data() - source.data()) + match.size();
        position = match.empty() ? match_end + 1 : match_end;
    }
    return count;
}

} // namespace

Result<BoundScalar> BindCountOfRegex(std::span<const BindArg> args) {
    if (args[1].constant != nullptr) {
        UNMASK_ASSIGN_OR_RETURN(RegexPtr regex, CompileRegex(ValueText(*args[1].constant), "countof()"));
        ScalarKernel kernel = [regex = std::move(regex)](const KernelArgs& kernel_args, Column& out) -> Status {
            const Column& text = *kernel_args.columns[0];
            ResizeOutput(out, kernel_args.rows);
            for (size_t row = 0; row < kernel_args.rows; ++row) {
                out.ints[row] = CountRegex(*regex, text.strings[row]);
            }
            return Status::Ok();
        };
        return BoundScalar{Type::kLong, WithConvertedArguments({Type::kString, Type::kString}, std::move(kernel))};
    }
    // A pattern that changes per row is compiled again whenever it differs from the previous row's.
    ScalarKernel kernel = [](const KernelArgs& kernel_args, Column& out) -> Status {
        const Column& text = *kernel_args.columns[0];
        const Column& patterns = *kernel_args.columns[1];
        ResizeOutput(out, kernel_args.rows);
        RegexPtr regex;
        std::string_view previous_pattern;
        for (size_t row = 0; row < kernel_args.rows; ++row) {
            if (regex == nullptr || patterns.strings[row] != previous_pattern) {
                UNMASK_ASSIGN_OR_RETURN(regex, CompileRegex(patterns.strings[row], "countof()"));
                previous_pattern = patterns.strings[row];
            }
            out.ints[row] = CountRegex(*regex, text.strings[row]);
        }
        return Status::Ok();
    };
    return BoundScalar{Type::kLong, WithConvertedArguments({Type::kString, Type::kString}, std::move(kernel))};
}

void AddRegexFunctions(std::vector<ScalarFunction>& table) {
    table.push_back(DefineFunction(
        "extract", 3, 4, "extract(regex, captureGroup, text[, typeof(T)]) -> string or T",
        "Returns the capture group (0 = whole match) of the first match of regex in text, converted to T when "
        "given; \"\" (or null for T) when nothing matches.",
        "extract(@\"-(\\d{2})-\", 1, \"15-12-2024\", typeof(int))", "12", BindExtract));

    table.push_back(DefineFunction(
        "extract_all", 2, 3, "extract_all(regex, [captureGroups,] text) -> dynamic",
        "Returns all matches of regex in text: an array of the single group's values, or of arrays of the "
        "selected groups; null when nothing matches.",
        "extract_all(@\"(\\w)(\\w+)(\\w)\", dynamic([1,3]), \"82b8be2d-dfa7\")", "[[\"8\",\"d\"],[\"d\",\"7\"]]",
        BindExtractAll));

    table.push_back(DefineFunction(
        "replace_regex", 3, 3, "replace_regex(text, regex, rewrite) -> string",
        "Replaces every non-overlapping match of regex; rewrite may refer to groups as \\0 (whole match) to \\9.",
        "replace_regex(\"Number is 1\", @\"is (\\d+)\", @\"was: \\1\")", "Number was: 1", BindReplaceRegex));

    table.push_back(DefineFunction("trim", 2, 2, "trim(regex, text) -> string",
                                   "Removes the matches of regex at the start and at the end of text.",
                                   "trim(@\"[^\\w]+\", \"-  Te st1// $\")", "Te st1",
                                   [](std::span<const BindArg> args) { return BindTrim("trim", true, true, args); }));

    table.push_back(
        DefineFunction("trim_start", 2, 2, "trim_start(regex, text) -> string",
                       "Removes the matches of regex at the start of text.", "trim_start(\"-\", \"--a--\")", "a--",
                       [](std::span<const BindArg> args) { return BindTrim("trim_start", true, false, args); }));

    table.push_back(
        DefineFunction("trim_end", 2, 2, "trim_end(regex, text) -> string",
                       "Removes the matches of regex at the end of text.", "trim_end(\"-\", \"--a--\")", "--a",
                       [](std::span<const BindArg> args) { return BindTrim("trim_end", false, true, args); }));
}

} // namespace unmask::functions
