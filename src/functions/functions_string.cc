// String functions without regular expressions: strlen, string_size, tolower, toupper, strcat,
// strcat_array, substring, indexof, countof (plain form), split, replace_string, reverse, strrep.
//
// Arguments that are not strings are converted with tostring() first, as Kusto does. Positions and
// lengths count Unicode code points (Kusto's strlen() counts code points).
#include <algorithm>
#include <limits>

#include "functions/conversions.h"
#include "functions/function_families.h"
#include "functions/kernel_support.h"

namespace unmask::functions {

namespace {

// --- UTF-8 and case mapping --------------------------------------------------------------------

/// Decodes the code point at `offset` and advances it; invalid bytes decode as themselves.
char32_t DecodeUtf8(std::string_view text, size_t& offset) {
    const auto lead = static_cast<unsigned char>(text[offset]);
    size_t length = 1;
    char32_t code = lead;
    if (lead >= 0xF0 && lead < 0xF8) {
        length = 4;
        code = lead & 0x07;
    } else if (lead >= 0xE0) {
        length = 3;
        code = lead & 0x0F;
    } else if (lead >= 0xC0) {
        length = 2;
        code = lead & 0x1F;
    }
    if (length == 1 || offset + length > text.size()) {
        ++offset;
        return lead;
    }
    for (size_t i = 1; i < length; ++i) {
        const auto next = static_cast<unsigned char>(text[offset + i]);
        if ((next & 0xC0) != 0x80) {
            ++offset;
            return lead;
        }
        code = (code << 6) | (next & 0x3F);
    }
    offset += length;
    return code;
}

void AppendUtf8(std::string& out, char32_t code) {
    if (code < 0x80) {
        out += static_cast<char>(code);
    } else if (code < 0x800) {
        out += static_cast<char>(0xC0 | (code >> 6));
        out += static_cast<char>(0x80 | (code & 0x3F));
    } else if (code < 0x10000) {
        out += static_cast<char>(0xE0 | (code >> 12));
        out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (code & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (code >> 18));
        out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (code & 0x3F));
    }
}

/// Latin Extended-A pairs an upper-case letter with the next code point, starting at an even
/// code point in 0x100-0x137 and 0x14A-0x177 and at an odd one in 0x139-0x148 and 0x179-0x17E.
bool IsLatinExtendedUpper(char32_t code) {
    if ((code >= 0x100 && code <= 0x12F) || (code >= 0x132 && code <= 0x137) || (code >= 0x14A && code <= 0x177)) {
        return code % 2 == 0;
    }
    if ((code >= 0x139 && code <= 0x148) || (code >= 0x179 && code <= 0x17E)) {
        return code % 2 == 1;
    }
    return false;
}

// NOTE: case mapping covers ASCII, Latin-1, Latin Extended-A, Greek and Cyrillic; other scripts keep
// their letters unchanged, whereas Kusto (.NET ToLowerInvariant) maps all of Unicode.
char32_t LowerCodePoint(char32_t code) {
    if ((code >= 'A' && code <= 'Z') || (code >= 0xC0 && code <= 0xDE && code != 0xD7) ||
        (code >= 0x391 && code <= 0x3AB && code != 0x3A2) || (code >= 0x410 && code <= 0x42F)) {
        return code + 0x20;
    }
    if (code >= 0x400 && code <= 0x40F) {
        return code + 0x50;
    }
    if (IsLatinExtendedUpper(code)) {
        return code + 1;
    }
    if (code == 0x178) {
        return 0xFF;
    }
    return code;
}

char32_t UpperCodePoint(char32_t code) {
    if ((code >= 'a' && code <= 'z') || (code >= 0xE0 && code <= 0xFE && code != 0xF7) ||
        (code >= 0x3B1 && code <= 0x3CB && code != 0x3C2) || (code >= 0x430 && code <= 0x44F)) {
        return code - 0x20;
    }
    if (code == 0x3C2) {
        return 0x3A3; // final sigma
    }
    if (code >= 0x450 && code <= 0x45F) {
        return code - 0x50;
    }
    if (code > 0x100 && IsLatinExtendedUpper(code - 1)) {
        return code - 1;
    }
    if (code == 0xFF) {
        return 0x178;
    }
    return code;
}

void AppendCaseMapped(std::string& out, std::string_view text, bool upper) {
    if (IsAscii(text)) {
        for (char c : text) {
            out += upper ? UpperAscii(c) : LowerAscii(c);
        }
        return;
    }
    size_t offset = 0;
    while (offset < text.size()) {
        const char32_t code = DecodeUtf8(text, offset);
        AppendUtf8(out, upper ? UpperCodePoint(code) : LowerCodePoint(code));
    }
}

// --- kernel helpers ----------------------------------------------------------------------------

/// Runs `produce(row, text_buffer)` for every row and stores the text it leaves in the buffer.
template <typename Produce>
void FillStrings(Column& out, size_t rows, Produce produce) {
    ResizeOutput(out, rows);
    StringArena& arena = out.NewArena();
    std::string buffer;
    for (size_t row = 0; row < rows; ++row) {
        buffer.clear();
        produce(row, buffer);
        out.strings[row] = arena.Add(buffer);
    }
}

/// Binder for functions whose arguments are all converted to the listed types before the kernel runs.
ScalarBinder ConvertingBinder(Type result, std::vector<Type> argument_types, ScalarKernel kernel) {
    return [result, argument_types = std::move(argument_types),
            kernel = std::move(kernel)](std::span<const BindArg>) -> Result<BoundScalar> {
        return BoundScalar{result, WithConvertedArguments(argument_types, kernel)};
    };
}

Status CheckIntegerArgument(std::string_view function, std::span<const BindArg> args, size_t position) {
    if (position < args.size() && !IsIntegerType(args[position].type) && args[position].type != Type::kDynamic) {
        return ArgumentTypeError(function, position, "int or long", args[position].type);
    }
    return Status::Ok();
}

/// Reads an optional integer argument of a row: `fallback` when absent, nullopt when null.
std::optional<int64_t> OptionalInteger(const KernelArgs& args, size_t position, size_t row, int64_t fallback) {
    if (position >= args.columns.size()) {
        return fallback;
    }
    const Column& column = *args.columns[position];
    if (column.IsNull(row)) {
        return std::nullopt;
    }
    return column.ints[row];
}

// --- substring ---------------------------------------------------------------------------------

std::string_view Substring(std::string_view text, int64_t start, std::optional<int64_t> length) {
    const bool ascii = IsAscii(text);
    const auto count = static_cast<int64_t>(ascii ? text.size() : CountCodePoints(text));
    if (start < 0) {
        start = std::max<int64_t>(0, count + start);
    }
    if (start >= count || (length && *length <= 0)) {
        return {};
    }
    const int64_t end = length ? std::min(count, start + std::min(*length, count)) : count;
    if (ascii) {
        return text.substr(static_cast<size_t>(start), static_cast<size_t>(end - start));
    }
    const size_t begin_byte = CodePointOffset(text, static_cast<size_t>(start));
    const size_t end_byte = CodePointOffset(text, static_cast<size_t>(end));
    return text.substr(begin_byte, end_byte - begin_byte);
}

Status SubstringKernel(const KernelArgs& args, Column& out) {
    const Column& text = *args.columns[0];
    ResizeOutput(out, args.rows);
    out.ShareOwners(text);
    for (size_t row = 0; row < args.rows; ++row) {
        const std::optional<int64_t> start = OptionalInteger(args, 1, row, 0);
        if (!start) {
            continue;
        }
        std::optional<int64_t> length;
        if (args.columns.size() > 2) {
            length = OptionalInteger(args, 2, row, 0);
            if (!length) {
                continue;
            }
        }
        out.strings[row] = Substring(text.strings[row], *start, length);
    }
    return Status::Ok();
}

// --- indexof -----------------------------------------------------------------------------------

/// Returns the code point index of the `occurrence`-th match of `match` in `text`, -1 when there is
/// none, and nullopt for invalid arguments (length < -1, occurrence < 1). Each search examines
/// `length` code points (-1 = to the end) and a match must lie inside them; the search for the
/// next occurrence starts one code point after the previous match with a window of the same
/// length, which reproduces Kusto's documented indexof("abcdefgabcdefg", "cde", 1, 10, 2) == 9.
std::optional<int64_t> IndexOf(std::string_view text, std::string_view match, int64_t start, int64_t length,
                               int64_t occurrence) {
    if (length < -1 || occurrence < 1) {
        return std::nullopt;
    }
    const bool ascii = IsAscii(text);
    const auto count = static_cast<int64_t>(ascii ? text.size() : CountCodePoints(text));
    if (start < 0) {
        start = std::max<int64_t>(0, count + start);
    }
    if (start > count) {
        return -1;
    }
    const auto byte_offset = [&](int64_t index) {
        return ascii ? static_cast<size_t>(index) : CodePointOffset(text, static_cast<size_t>(index));
    };
    int64_t window_start = start;
    for (int64_t seen = 0;;) {
        const int64_t window_end = length == -1 ? count : std::min(count, window_start + length);
        const size_t position = FindBytes(text, match, byte_offset(window_start));
        if (position == std::string_view::npos || position + match.size() > byte_offset(window_end)) {
            return -1;
        }
        const auto index = static_cast<int64_t>(ascii ? position : CountCodePoints(text.substr(0, position)));
        if (++seen == occurrence) {
            return index;
        }
        window_start = index + 1;
    }
}

Status IndexOfKernel(const KernelArgs& args, Column& out) {
    const Column& text = *args.columns[0];
    const Column& match = *args.columns[1];
    ResizeOutput(out, args.rows);
    for (size_t row = 0; row < args.rows; ++row) {
        const std::optional<int64_t> start = OptionalInteger(args, 2, row, 0);
        const std::optional<int64_t> length = OptionalInteger(args, 3, row, -1);
        const std::optional<int64_t> occurrence = OptionalInteger(args, 4, row, 1);
        std::optional<int64_t> index;
        if (start && length && occurrence) {
            index = IndexOf(text.strings[row], match.strings[row], *start, *length, *occurrence);
        }
        if (index) {
            out.ints[row] = *index;
        } else {
            MarkNull(out, row);
        }
    }
    return Status::Ok();
}

/// Counts possibly overlapping occurrences; an empty search string counts 0.
int64_t CountPlain(std::string_view text, std::string_view search) {
    if (search.empty()) {
        return 0;
    }
    int64_t count = 0;
    for (size_t position = FindBytes(text, search, 0); position != std::string_view::npos;
         position = FindBytes(text, search, position + 1)) {
        ++count;
    }
    return count;
}

// --- split -------------------------------------------------------------------------------------

Status SplitKernel(const KernelArgs& args, Column& out) {
    const Column& text = *args.columns[0];
    const Column& delimiter = *args.columns[1];
    ResizeOutput(out, args.rows);
    for (size_t row = 0; row < args.rows; ++row) {
        const std::string_view source = text.strings[row];
        const std::string_view separator = delimiter.strings[row];
        DynamicValue::Array parts;
        if (separator.empty()) {
            parts.push_back(DynamicValue::String(std::string(source)));
        } else {
            size_t begin = 0;
            while (true) {
                const size_t found = FindBytes(source, separator, begin);
                const size_t end = found == std::string_view::npos ? source.size() : found;
                parts.push_back(DynamicValue::String(std::string(source.substr(begin, end - begin))));
                if (found == std::string_view::npos) {
                    break;
                }
                begin = found + separator.size();
            }
        }
        if (args.columns.size() > 2) {
            const std::optional<int64_t> index = OptionalInteger(args, 2, row, 0);
            if (!index) {
                continue;
            }
            DynamicValue::Array selected;
            if (*index >= 0 && *index < static_cast<int64_t>(parts.size())) {
                selected.push_back(parts[static_cast<size_t>(*index)]);
            }
            parts = std::move(selected);
        }
        out.dynamics[row] = DynamicValue::MakeArray(std::move(parts));
    }
    FinishDynamicOutput(out);
    return Status::Ok();
}

// --- strcat ------------------------------------------------------------------------------------

Status StrcatKernel(const KernelArgs& args, Column& out) {
    FillStrings(out, args.rows, [&](size_t row, std::string& buffer) {
        for (const Column* column : args.columns) {
            AppendCellText(buffer, *column, row);
        }
    });
    return Status::Ok();
}

Status StrcatArrayKernel(const KernelArgs& args, Column& out) {
    const Column& arrays = *args.columns[0];
    const Column& delimiter = *args.columns[1];
    FillStrings(out, args.rows, [&](size_t row, std::string& buffer) {
        const DynamicValue* value = arrays.dynamics[row].get();
        if (value == nullptr || value->kind() != DynamicValue::Kind::kArray) {
            return;
        }
        bool first = true;
        for (const DynamicPtr& item : value->array()) {
            if (!first) {
                buffer += delimiter.strings[row];
            }
            first = false;
            AppendDynamicText(buffer, item.get());
        }
    });
    return Status::Ok();
}

// --- replace_string, reverse, strrep -----------------------------------------------------------

Status ReplaceStringKernel(const KernelArgs& args, Column& out) {
    const Column& text = *args.columns[0];
    const Column& lookup = *args.columns[1];
    const Column& rewrite = *args.columns[2];
    FillStrings(out, args.rows, [&](size_t row, std::string& buffer) {
        const std::string_view source = text.strings[row];
        const std::string_view search = lookup.strings[row];
        if (search.empty()) {
            buffer += source;
            return;
        }
        size_t begin = 0;
        for (size_t found = FindBytes(source, search, 0); found != std::string_view::npos;
             found = FindBytes(source, search, begin)) {
            buffer += source.substr(begin, found - begin);
            buffer += rewrite.strings[row];
            begin = found + search.size();
        }
        buffer += source.substr(begin);
    });
    return Status::Ok();
}

Status ReverseKernel(const KernelArgs& args, Column& out) {
    const Column& text = *args.columns[0];
    FillStrings(out, args.rows, [&](size_t row, std::string& buffer) {
        const std::string_view source = text.strings[row];
        size_t end = source.size();
        while (end > 0) {
            size_t begin = end - 1;
            while (begin > 0 && (static_cast<unsigned char>(source[begin]) & 0xC0) == 0x80) {
                --begin;
            }
            buffer += source.substr(begin, end - begin);
            end = begin;
        }
    });
    return Status::Ok();
}

/// Upper bound on strrep() output, so that a huge multiplier fails instead of exhausting memory.
constexpr size_t kMaxRepeatBytes = 64 * 1024 * 1024;

Status StrrepKernel(const KernelArgs& args, Column& out) {
    const Column& text = *args.columns[0];
    const Column& multiplier = *args.columns[1];
    Status status;
    FillStrings(out, args.rows, [&](size_t row, std::string& buffer) {
        if (multiplier.IsNull(row) || multiplier.ints[row] <= 0) {
            return;
        }
        const std::string_view source = text.strings[row];
        const std::string_view delimiter = args.columns.size() > 2 ? args.columns[2]->strings[row] : std::string_view();
        const auto times = static_cast<size_t>(multiplier.ints[row]);
        if ((source.size() + delimiter.size()) * std::min<size_t>(times, kMaxRepeatBytes) > kMaxRepeatBytes) {
            status = Status(ErrorKind::kLimitExceeded,
                            "strrep(): the result would exceed " + std::to_string(kMaxRepeatBytes) + " bytes");
            return;
        }
        for (size_t i = 0; i < times; ++i) {
            if (i > 0) {
                buffer += delimiter;
            }
            buffer += source;
        }
    });
    return status;
}

} // namespace

void AddStringFunctions(std::vector<ScalarFunction>& table) {
    table.push_back(DefineFunction(
        "strlen", 1, 1, "strlen(text) -> long", "Returns the number of Unicode code points of a string.",
        "strlen(\"héllo\")", "5",
        ConvertingBinder(Type::kLong, {Type::kString}, [](const KernelArgs& args, Column& out) -> Status {
            const Column& text = *args.columns[0];
            ResizeOutput(out, args.rows);
            for (size_t row = 0; row < args.rows; ++row) {
                out.ints[row] = static_cast<int64_t>(CountCodePoints(text.strings[row]));
            }
            return Status::Ok();
        })));

    table.push_back(DefineFunction(
        "string_size", 1, 1, "string_size(text) -> long", "Returns the size of a string in UTF-8 bytes.",
        "string_size(\"héllo\")", "6",
        ConvertingBinder(Type::kLong, {Type::kString}, [](const KernelArgs& args, Column& out) -> Status {
            const Column& text = *args.columns[0];
            ResizeOutput(out, args.rows);
            for (size_t row = 0; row < args.rows; ++row) {
                out.ints[row] = static_cast<int64_t>(text.strings[row].size());
            }
            return Status::Ok();
        })));

    for (const bool upper : {false, true}) {
        table.push_back(DefineFunction(
            upper ? "toupper" : "tolower", 1, 1, upper ? "toupper(text) -> string" : "tolower(text) -> string",
            upper ? "Converts a string to upper case." : "Converts a string to lower case.",
            upper ? "toupper(\"Straße été\")" : "tolower(\"ÀBC-Déf\")", upper ? "STRAßE ÉTÉ" : "àbc-déf",
            ConvertingBinder(Type::kString, {Type::kString}, [upper](const KernelArgs& args, Column& out) -> Status {
                const Column& text = *args.columns[0];
                FillStrings(out, args.rows, [&](size_t row, std::string& buffer) {
                    AppendCaseMapped(buffer, text.strings[row], upper);
                });
                return Status::Ok();
            })));
    }
    table.push_back(DefineFunction("strcat", 1, 64, "strcat(arg1, arg2, ...) -> string",
                                   "Concatenates 1 to 64 values, each converted with tostring().",
                                   "strcat(\"a\", 1, true, 2.5, long(null), datetime(2024-01-01))",
                                   "a1true2.52024-01-01T00:00:00.0000000Z",
                                   [](std::span<const BindArg>) -> Result<BoundScalar> {
                                       return BoundScalar{Type::kString, StrcatKernel};
                                   }));

    table.push_back(DefineFunction(
        "strcat_array", 2, 2, "strcat_array(array, delimiter) -> string",
        "Joins the elements of a dynamic array with a delimiter; a value that is not an array gives \"\".",
        "strcat_array(dynamic([1, \"b\", null]), \"->\")", "1->b->",
        [](std::span<const BindArg> args) -> Result<BoundScalar> {
            if (args[0].type != Type::kDynamic) {
                return ArgumentTypeError("strcat_array", 0, "dynamic", args[0].type);
            }
            return BoundScalar{Type::kString,
                               WithConvertedArguments({Type::kDynamic, Type::kString}, StrcatArrayKernel)};
        }));

    table.push_back(DefineFunction(
        "substring", 2, 3, "substring(text, start[, length]) -> string",
        "Returns the code points from start (negative counts from the end) up to length of them.",
        "substring(\"123456\", -2, 2)", "56", [](std::span<const BindArg> args) -> Result<BoundScalar> {
            UNMASK_TRY(CheckIntegerArgument("substring", args, 1));
            UNMASK_TRY(CheckIntegerArgument("substring", args, 2));
            return BoundScalar{Type::kString,
                               WithConvertedArguments({Type::kString, Type::kLong, Type::kLong}, SubstringKernel)};
        }));

    table.push_back(DefineFunction(
        "indexof", 2, 5, "indexof(text, match[, start[, length[, occurrence]]]) -> long",
        "Returns the 0-based code point index of the occurrence-th match within [start, start + length), or -1.",
        "indexof(\"abcdefgabcdefg\", \"cde\", 1, 10, 2)", "9",
        [](std::span<const BindArg> args) -> Result<BoundScalar> {
            for (size_t position = 2; position < args.size(); ++position) {
                UNMASK_TRY(CheckIntegerArgument("indexof", args, position));
            }
            return BoundScalar{
                Type::kLong, WithConvertedArguments(
                                 {Type::kString, Type::kString, Type::kLong, Type::kLong, Type::kLong}, IndexOfKernel)};
        }));

    table.push_back(DefineFunction(
        "split", 2, 3, "split(text, delimiter[, index]) -> dynamic",
        "Splits a string at each delimiter into a dynamic array of strings, or the one-element array at index.",
        "split(\"a__b\", \"_\")", "[\"a\",\"\",\"b\"]", [](std::span<const BindArg> args) -> Result<BoundScalar> {
            UNMASK_TRY(CheckIntegerArgument("split", args, 2));
            return BoundScalar{Type::kDynamic,
                               WithConvertedArguments({Type::kString, Type::kString, Type::kLong}, SplitKernel)};
        }));

    table.push_back(DefineFunction(
        "replace_string", 3, 3, "replace_string(text, lookup, rewrite) -> string",
        "Replaces every non-overlapping occurrence of lookup with rewrite.",
        "replace_string(\"A magic cat\", \"cat\", \"hamster\")", "A magic hamster",
        ConvertingBinder(Type::kString, {Type::kString, Type::kString, Type::kString}, ReplaceStringKernel)));

    table.push_back(DefineFunction("reverse", 1, 1, "reverse(value) -> string",
                                   "Reverses the code points of a value's tostring() text.", "reverse(\"abc€\")",
                                   "€cba", ConvertingBinder(Type::kString, {Type::kString}, ReverseKernel)));

    table.push_back(DefineFunction(
        "strrep", 2, 3, "strrep(value, multiplier[, delimiter]) -> string",
        "Repeats a value's text multiplier times, joined by delimiter.", "strrep(\"ab\", 3, \"-\")", "ab-ab-ab",
        [](std::span<const BindArg> args) -> Result<BoundScalar> {
            UNMASK_TRY(CheckIntegerArgument("strrep", args, 1));
            return BoundScalar{Type::kString,
                               WithConvertedArguments({Type::kString, Type::kLong, Type::kString}, StrrepKernel)};
        }));

    table.push_back(DefineFunction(
        "strcmp", 2, 2, "strcmp(string1, string2) -> int",
        "Compares two strings ordinally (by UTF-8 bytes): -1 when string1 sorts first, 0 when equal, 1 otherwise.",
        "strcmp(\"abc\", \"ABC\")", "1",
        ConvertingBinder(Type::kInt, {Type::kString, Type::kString}, [](const KernelArgs& args, Column& out) -> Status {
            const Column& left = *args.columns[0];
            const Column& right = *args.columns[1];
            ResizeOutput(out, args.rows);
            for (size_t row = 0; row < args.rows; ++row) {
                const int order = left.strings[row].compare(right.strings[row]);
                out.ints[row] = order < 0 ? -1 : (order > 0 ? 1 : 0);
            }
            return Status::Ok();
        })));

    table.push_back(DefineFunction(
        "countof", 2, 3, "countof(text, search[, kind]) -> long",
        "Counts occurrences of search in text: overlapping plain matches, or non-overlapping regex matches "
        "when kind is \"regex\".",
        "countof(\"aaaa\", \"aa\")", "3", [](std::span<const BindArg> args) -> Result<BoundScalar> {
            if (args.size() == 3) {
                UNMASK_TRY(RequireConstant("countof", args, 2, "kind"));
                const std::string kind = ValueText(*args[2].constant);
                if (kind == "regex") {
                    return BindCountOfRegex(args);
                }
                if (kind != "normal") {
                    return Status(ErrorKind::kType,
                                  "countof(): kind must be \"normal\" or \"regex\", got \"" + kind + "\"");
                }
            }
            ScalarKernel kernel = [](const KernelArgs& kernel_args, Column& out) -> Status {
                const Column& text = *kernel_args.columns[0];
                const Column& search = *kernel_args.columns[1];
                ResizeOutput(out, kernel_args.rows);
                for (size_t row = 0; row < kernel_args.rows; ++row) {
                    out.ints[row] = CountPlain(text.strings[row], search.strings[row]);
                }
                return Status::Ok();
            };
            return BoundScalar{Type::kLong, WithConvertedArguments({Type::kString, Type::kString}, std::move(kernel))};
        }));
}

} // namespace unmask::functions
