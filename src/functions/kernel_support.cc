#include "functions/kernel_support.h"

#include <cstring>

#include "functions/conversions.h"

namespace unmask::functions {

Status ArgumentTypeError(std::string_view function, size_t position, std::string_view expected, Type actual) {
    std::string message(function);
    message += "(): argument ";
    message += std::to_string(position + 1);
    message += " must be ";
    message += expected;
    message += ", got ";
    message += TypeName(actual);
    return Status(ErrorKind::kType, std::move(message));
}

Status ArgumentCountError(std::string_view function, size_t count, size_t min_count, size_t max_count) {
    std::string message(function);
    message += "() expects ";
    if (min_count == max_count) {
        message += std::to_string(min_count);
    } else if (max_count == SIZE_MAX) {
        message += "at least " + std::to_string(min_count);
    } else {
        message += std::to_string(min_count) + " to " + std::to_string(max_count);
    }
    message += min_count == 1 && max_count == 1 ? " argument" : " arguments";
    message += ", got " + std::to_string(count);
    return Status(ErrorKind::kType, std::move(message));
}

Status CheckArgumentCount(std::string_view function, size_t count, size_t min_count, size_t max_count) {
    if (count < min_count || count > max_count) {
        return ArgumentCountError(function, count, min_count, max_count);
    }
    return Status::Ok();
}

Status RequireConstant(std::string_view function, std::span<const BindArg> args, size_t position,
                       std::string_view what) {
    if (args[position].constant == nullptr) {
        return Status(ErrorKind::kType, std::string(function) + "(): argument " + std::to_string(position + 1) + " (" +
                                            std::string(what) + ") must be a constant");
    }
    return Status::Ok();
}

void ResizeOutput(Column& out, size_t rows) {
    out.valid.clear();
    switch (out.type) {
    case Type::kReal:
        out.reals.assign(rows, 0.0);
        break;
    case Type::kString:
        out.strings.assign(rows, std::string_view());
        break;
    case Type::kDynamic:
        out.dynamics.assign(rows, nullptr);
        break;
    default:
        out.ints.assign(rows, 0);
        break;
    }
}

void MergeNulls(Column& out, const Column& input) {
    const size_t rows = out.size();
    if (input.type == Type::kDynamic) {
        for (size_t row = 0; row < rows; ++row) {
            if (IsNullDynamic(input.dynamics[row])) {
                MarkNull(out, row);
            }
        }
        return;
    }
    if (input.valid.empty()) {
        return;
    }
    if (out.valid.empty()) {
        out.valid = input.valid;
        out.valid.resize(rows, 1);
        return;
    }
    for (size_t row = 0; row < rows; ++row) {
        out.valid[row] &= input.valid[row];
    }
}

void FinishDynamicOutput(Column& out) {
    out.valid.clear();
    const size_t rows = out.dynamics.size();
    for (size_t row = 0; row < rows; ++row) {
        if (IsNullDynamic(out.dynamics[row])) {
            out.dynamics[row] = nullptr;
            MarkNull(out, row);
        }
    }
}

void CompactValidity(Column& out) {
    if (out.valid.empty()) {
        return;
    }
    for (uint8_t flag : out.valid) {
        if (flag == 0) {
            return;
        }
    }
    out.valid.clear();
}

const double* RealData(const Column& column, std::vector<double>& scratch) {
    if (column.type == Type::kReal) {
        return column.reals.data();
    }
    scratch.resize(column.ints.size());
    for (size_t row = 0; row < column.ints.size(); ++row) {
        scratch[row] = static_cast<double>(column.ints[row]);
    }
    return scratch.data();
}

ScalarKernel WithConvertedArguments(std::vector<Type> targets, ScalarKernel inner) {
    return [targets = std::move(targets), inner = std::move(inner)](const KernelArgs& args, Column& out) -> Status {
        std::vector<Column> converted(args.columns.size());
        std::vector<const Column*> columns(args.columns.begin(), args.columns.end());
        std::vector<const Value*> constants(args.constants.begin(), args.constants.end());
        constants.resize(columns.size(), nullptr);
        for (size_t i = 0; i < columns.size() && i < targets.size(); ++i) {
            if (columns[i]->type != targets[i]) {
                converted[i] = ConvertColumn(*columns[i], targets[i]);
                columns[i] = &converted[i];
                constants[i] = nullptr;
            }
        }
        KernelArgs adapted = args;
        adapted.columns = columns;
        adapted.constants = constants;
        return inner(adapted, out);
    };
}

std::string_view LowerAsciiInto(std::string_view text, std::string& buffer) {
    buffer.resize(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
        buffer[i] = LowerAscii(text[i]);
    }
    return buffer;
}

std::string LowerAscii(std::string_view text) {
    std::string lowered;
    LowerAsciiInto(text, lowered);
    return lowered;
}

bool EqualsIgnoreCaseAscii(std::string_view left, std::string_view right) {
    if (left.size() != right.size()) {
        return false;
    }
    for (size_t i = 0; i < left.size(); ++i) {
        if (LowerAscii(left[i]) != LowerAscii(right[i])) {
            return false;
        }
    }
    return true;
}

size_t CountCodePoints(std::string_view text) {
    size_t count = 0;
    for (unsigned char c : text) {
        count += (c & 0xC0) != 0x80;
    }
    return count;
}

bool IsAscii(std::string_view text) {
    for (unsigned char c : text) {
        if (c >= 0x80) {
            return false;
        }
    }
    return true;
}

size_t CodePointOffset(std::string_view text, size_t index) {
    size_t seen = 0;
    for (size_t offset = 0; offset < text.size(); ++offset) {
        if ((static_cast<unsigned char>(text[offset]) & 0xC0) != 0x80) {
            if (seen == index) {
                return offset;
            }
            ++seen;
        }
    }
    return text.size();
}

size_t FindBytes(std::string_view haystack, std::string_view needle, size_t from) {
    if (from > haystack.size()) {
        return std::string_view::npos;
    }
    // string_view::find() scans for the first byte with memchr and then compares, which beats
    // memmem()'s per-call setup on short texts but can degrade to O(text * needle) on long
    // repetitive ones, where memmem()'s two-way search stays linear.
    constexpr size_t kLongText = 1024;
    if (haystack.size() - from < kLongText || needle.empty()) {
        return haystack.find(needle, from);
    }
    const void* found = memmem(haystack.data() + from, haystack.size() - from, needle.data(), needle.size());
    if (found == nullptr) {
        return std::string_view::npos;
    }
    return static_cast<size_t>(static_cast<const char*>(found) - haystack.data());
}

} // namespace unmask::functions
