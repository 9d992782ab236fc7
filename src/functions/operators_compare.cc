// Comparison (== != < <= > >=), case-insensitive equality (=~ !~) and logical (and, or) operators.
//
// Null rules (Kusto null-values page): == gives false when exactly one side is null and null when
// both are; != gives true and null respectively; the ordering operators give null when either side
// is null. Strings are never null. A dynamic operand compared with a typed one is first converted to
// that type with the to*() rules, so parse_json(x).direction == "Out" compares text and
// dyn > 1 compares numbers.
#include <cmath>

#include "functions/conversions.h"
#include "functions/kernel_support.h"
#include "functions/operators_internal.h"

namespace unmask::functions {

namespace {

template <CompareOp kOp, typename T>
inline bool Compare(const T& a, const T& b) {
    if constexpr (kOp == CompareOp::kEqual) {
        return a == b;
    } else if constexpr (kOp == CompareOp::kNotEqual) {
        return a != b;
    } else if constexpr (kOp == CompareOp::kLess) {
        return a < b;
    } else if constexpr (kOp == CompareOp::kLessOrEqual) {
        return a <= b;
    } else if constexpr (kOp == CompareOp::kGreater) {
        return a > b;
    } else {
        return a >= b;
    }
}

bool HasNulls(const Column& column) {
    if (column.type == Type::kDynamic) {
        for (const DynamicPtr& value : column.dynamics) {
            if (IsNullDynamic(value)) {
                return true;
            }
        }
        return false;
    }
    for (uint8_t flag : column.valid) {
        if (flag == 0) {
            return true;
        }
    }
    return false;
}

/// Applies the null rules after the values were compared row by row.
void ApplyCompareNulls(CompareOp op, const Column& left, const Column& right, Column& out) {
    if (!HasNulls(left) && !HasNulls(right)) {
        return;
    }
    for (size_t row = 0; row < out.ints.size(); ++row) {
        const bool left_null = IsNullCell(left, row);
        const bool right_null = IsNullCell(right, row);
        if (!left_null && !right_null) {
            continue;
        }
        if ((left_null && right_null) || (op != CompareOp::kEqual && op != CompareOp::kNotEqual)) {
            MarkNull(out, row);
        } else {
            out.ints[row] = op == CompareOp::kNotEqual ? 1 : 0;
        }
    }
}

enum class Domain { kInteger, kReal, kString };

template <CompareOp kOp>
ScalarKernel CompareKernel(Domain domain) {
    return [domain](const KernelArgs& args, Column& out) -> Status {
        const Column& left = *args.columns[0];
        const Column& right = *args.columns[1];
        ResizeOutput(out, args.rows);
        int64_t* result = out.ints.data();
        switch (domain) {
        case Domain::kInteger: {
            const int64_t* a = left.ints.data();
            const int64_t* b = right.ints.data();
            for (size_t row = 0; row < args.rows; ++row) {
                result[row] = Compare<kOp>(a[row], b[row]);
            }
            break;
        }
        case Domain::kReal: {
            std::vector<double> left_scratch;
            std::vector<double> right_scratch;
            const double* a = RealData(left, left_scratch);
            const double* b = RealData(right, right_scratch);
            for (size_t row = 0; row < args.rows; ++row) {
                result[row] = Compare<kOp>(a[row], b[row]);
            }
            break;
        }
        case Domain::kString: {
            const std::string_view* a = left.strings.data();
            const std::string_view* b = right.strings.data();
            for (size_t row = 0; row < args.rows; ++row) {
                result[row] = Compare<kOp>(a[row], b[row]);
            }
            break;
        }
        }
        ApplyCompareNulls(kOp, left, right, out);
        return Status::Ok();
    };
}

ScalarKernel MakeCompareKernel(CompareOp op, Domain domain) {
    switch (op) {
    case CompareOp::kEqual:
        return CompareKernel<CompareOp::kEqual>(domain);
    case CompareOp::kNotEqual:
        return CompareKernel<CompareOp::kNotEqual>(domain);
    case CompareOp::kLess:
        return CompareKernel<CompareOp::kLess>(domain);
    case CompareOp::kLessOrEqual:
        return CompareKernel<CompareOp::kLessOrEqual>(domain);
    case CompareOp::kGreater:
        return CompareKernel<CompareOp::kGreater>(domain);
    case CompareOp::kGreaterOrEqual:
        return CompareKernel<CompareOp::kGreaterOrEqual>(domain);
    }
    return nullptr;
}

/// Orders two dynamic values of compatible kinds: numbers by value, strings ordinally, bools,
/// datetimes and timespans by their payload. Returns nullopt for other pairs.
std::optional<int> OrderDynamic(const DynamicValue& left, const DynamicValue& right) {
    using Kind = DynamicValue::Kind;
    const auto is_number = [](Kind kind) {
        return kind == Kind::kLong || kind == Kind::kReal;
    };
    if (is_number(left.kind()) && is_number(right.kind())) {
        if (left.kind() == Kind::kLong && right.kind() == Kind::kLong) {
            return left.integer() < right.integer() ? -1 : (left.integer() > right.integer() ? 1 : 0);
        }
        const double a = left.kind() == Kind::kLong ? static_cast<double>(left.integer()) : left.real();
        const double b = right.kind() == Kind::kLong ? static_cast<double>(right.integer()) : right.real();
        if (std::isnan(a) || std::isnan(b)) {
            return std::nullopt;
        }
        return a < b ? -1 : (a > b ? 1 : 0);
    }
    if (left.kind() != right.kind()) {
        return std::nullopt;
    }
    switch (left.kind()) {
    case Kind::kString: {
        const int c = left.string().compare(right.string());
        return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
    case Kind::kBool:
    case Kind::kDateTime:
    case Kind::kTimeSpan:
        return left.integer() < right.integer() ? -1 : (left.integer() > right.integer() ? 1 : 0);
    default:
        return std::nullopt;
    }
}

ScalarKernel DynamicCompareKernel(CompareOp op) {
    return [op](const KernelArgs& args, Column& out) -> Status {
        const Column& left = *args.columns[0];
        const Column& right = *args.columns[1];
        ResizeOutput(out, args.rows);
        for (size_t row = 0; row < args.rows; ++row) {
            const DynamicValue* a = left.dynamics[row].get();
            const DynamicValue* b = right.dynamics[row].get();
            if (op == CompareOp::kEqual || op == CompareOp::kNotEqual) {
                out.ints[row] = EqualDynamic(a, b) == (op == CompareOp::kEqual);
                continue;
            }
            if (a == nullptr || b == nullptr) {
                continue; // the null rules below mark the row
            }
            const std::optional<int> order = OrderDynamic(*a, *b);
            if (!order) {
                MarkNull(out, row);
                continue;
            }
            switch (op) {
            case CompareOp::kLess:
                out.ints[row] = *order < 0;
                break;
            case CompareOp::kLessOrEqual:
                out.ints[row] = *order <= 0;
                break;
            case CompareOp::kGreater:
                out.ints[row] = *order > 0;
                break;
            case CompareOp::kGreaterOrEqual:
                out.ints[row] = *order >= 0;
                break;
            default:
                break;
            }
        }
        ApplyCompareNulls(op, left, right, out);
        return Status::Ok();
    };
}

std::string_view CompareSpelling(CompareOp op) {
    switch (op) {
    case CompareOp::kEqual:
        return "==";
    case CompareOp::kNotEqual:
        return "!=";
    case CompareOp::kLess:
        return "<";
    case CompareOp::kLessOrEqual:
        return "<=";
    case CompareOp::kGreater:
        return ">";
    case CompareOp::kGreaterOrEqual:
        return ">=";
    }
    return "?";
}

Status CompareTypeError(CompareOp op, Type left, Type right) {
    return Status(ErrorKind::kType, "cannot compare " + std::string(TypeName(left)) + " and " +
                                        std::string(TypeName(right)) + " with '" + std::string(CompareSpelling(op)) +
                                        "'; convert one side explicitly, for example with todouble() or todatetime(), "
                                        "or compare strings with strcmp()");
}

Result<BoundScalar> BindTypedComparison(CompareOp op, Type left, Type right) {
    const bool equality = op == CompareOp::kEqual || op == CompareOp::kNotEqual;
    const auto numeric_or_bool = [](Type type) {
        return IsNumeric(type) || type == Type::kBool;
    };
    if (numeric_or_bool(left) && numeric_or_bool(right)) {
        const bool both_bool = left == Type::kBool && right == Type::kBool;
        if (both_bool && !equality) {
            return CompareTypeError(op, left, right);
        }
        const bool integral = left != Type::kReal && right != Type::kReal;
        return BoundScalar{Type::kBool, MakeCompareKernel(op, integral ? Domain::kInteger : Domain::kReal)};
    }
    if (left == right) {
        switch (left) {
        case Type::kString:
            // Kusto has no ordering operators on strings (strcmp() compares them), only == and !=.
            if (!equality) {
                return CompareTypeError(op, left, right);
            }
            return BoundScalar{Type::kBool, MakeCompareKernel(op, Domain::kString)};
        case Type::kDateTime:
        case Type::kTimeSpan:
            return BoundScalar{Type::kBool, MakeCompareKernel(op, Domain::kInteger)};
        default:
            break;
        }
    }
    return CompareTypeError(op, left, right);
}

// --- logical ----------------------------------------------------------------------------------

ScalarKernel LogicalKernel(bool is_and) {
    return [is_and](const KernelArgs& args, Column& out) -> Status {
        const Column& left = *args.columns[0];
        const Column& right = *args.columns[1];
        ResizeOutput(out, args.rows);
        const int64_t* a = left.ints.data();
        const int64_t* b = right.ints.data();
        if (left.valid.empty() && right.valid.empty()) {
            for (size_t row = 0; row < args.rows; ++row) {
                out.ints[row] = is_and ? (a[row] != 0 && b[row] != 0) : (a[row] != 0 || b[row] != 0);
            }
            return Status::Ok();
        }
        // The deciding value (false for `and`, true for `or`) wins over null.
        const bool deciding = !is_and;
        for (size_t row = 0; row < args.rows; ++row) {
            const bool left_null = left.IsNull(row);
            const bool right_null = right.IsNull(row);
            const bool x = a[row] != 0;
            const bool y = b[row] != 0;
            if (!left_null && !right_null) {
                out.ints[row] = is_and ? (x && y) : (x || y);
            } else if ((!left_null && x == deciding) || (!right_null && y == deciding)) {
                out.ints[row] = deciding;
            } else {
                MarkNull(out, row);
            }
        }
        return Status::Ok();
    };
}

} // namespace

Result<BoundScalar> BindComparison(CompareOp op, std::string_view /*spelling*/, BindArg left, BindArg right) {
    if (left.type == Type::kDynamic && right.type == Type::kDynamic) {
        return BoundScalar{Type::kBool, DynamicCompareKernel(op)};
    }
    if (left.type == Type::kDynamic || right.type == Type::kDynamic) {
        // NOTE: Kusto does not document how a dynamic operand compares with a typed one. unmask
        // converts the dynamic side with the to*() rules, so a dynamic "200" equals the long 200.
        const bool dynamic_left = left.type == Type::kDynamic;
        Type target = dynamic_left ? right.type : left.type;
        // Kusto orders a dynamic value only against a number or another dynamic value.
        const bool equality = op == CompareOp::kEqual || op == CompareOp::kNotEqual;
        if (!equality && !IsNumeric(target)) {
            return CompareTypeError(op, left.type, right.type);
        }
        if (target == Type::kInt) {
            target = Type::kLong;
        }
        const Type left_type = dynamic_left ? target : left.type;
        const Type right_type = dynamic_left ? right.type : target;
        UNMASK_ASSIGN_OR_RETURN(BoundScalar bound, BindTypedComparison(op, left_type, right_type));
        bound.kernel = WithConvertedArguments({left_type, right_type}, std::move(bound.kernel));
        return bound;
    }
    return BindTypedComparison(op, left.type, right.type);
}

Result<BoundScalar> BindCaseInsensitiveEquality(bool negated, BindArg left, BindArg right) {
    if (!IsStringLike(left.type) || !IsStringLike(right.type)) {
        return Status(ErrorKind::kType, std::string("operator '") + (negated ? "!~" : "=~") +
                                            "' needs string operands, got " + std::string(TypeName(left.type)) +
                                            " and " + std::string(TypeName(right.type)));
    }
    ScalarKernel kernel = [negated](const KernelArgs& args, Column& out) -> Status {
        const Column& left_column = *args.columns[0];
        const Column& right_column = *args.columns[1];
        ResizeOutput(out, args.rows);
        for (size_t row = 0; row < args.rows; ++row) {
            out.ints[row] = EqualsIgnoreCaseAscii(left_column.strings[row], right_column.strings[row]) != negated;
        }
        return Status::Ok();
    };
    return BoundScalar{Type::kBool, WithConvertedArguments({Type::kString, Type::kString}, std::move(kernel))};
}

Result<BoundScalar> BindLogical(bool is_and, BindArg left, BindArg right) {
    const auto boolean_like = [](Type type) {
        return type == Type::kBool || type == Type::kDynamic;
    };
    if (!boolean_like(left.type) || !boolean_like(right.type)) {
        return Status(ErrorKind::kType, std::string("operator '") + (is_and ? "and" : "or") +
                                            "' needs bool operands, got " + std::string(TypeName(left.type)) + " and " +
                                            std::string(TypeName(right.type)));
    }
    return BoundScalar{Type::kBool, WithConvertedArguments({Type::kBool, Type::kBool}, LogicalKernel(is_and))};
}

} // namespace unmask::functions
