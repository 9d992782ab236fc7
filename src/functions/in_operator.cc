// Set membership and range operators: in, !in, in~, !in~, has_any, has_all, between, !between.
//
// The right-hand items are constants, so they are flattened (dynamic arrays, nested ones too) and
// hashed once at bind time. `in` behaves as an OR of == and `!in` as an AND of !=, so a null left
// value is in no list and !in every list. Numbers compare by value across int, long and real.
// `in~` folds ASCII letters only. has_any / has_all look for whole terms, like `has`.
#include <cmath>
#include <unordered_map>
#include <unordered_set>

#include "functions/conversions.h"
#include "functions/kernel_support.h"
#include "functions/text_terms.h"

namespace unmask::functions {

namespace {

struct TextHash {
    using is_transparent = void;
    size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
};

using TextSet = std::unordered_set<std::string, TextHash, std::equal_to<>>;

/// The flattened right-hand items, grouped by the kind of left value that can equal them.
struct InSets {
    TextSet texts;                        ///< tostring() text of every scalar item
    TextSet lowered_texts;                ///< the same, lowered in ASCII, for in~
    std::unordered_set<int64_t> integers; ///< long items and reals with an integral value
    std::unordered_set<double> reals;     ///< long and real items as doubles
    std::unordered_set<int64_t> datetimes;
    std::unordered_set<int64_t> timespans;
    std::unordered_set<int64_t> bools;
};

void Flatten(const DynamicPtr& value, std::vector<DynamicPtr>& out) {
    if (IsNullDynamic(value)) {
        return; // a null item never equals anything
    }
    if (value->kind() == DynamicValue::Kind::kArray) {
        for (const DynamicPtr& item : value->array()) {
            Flatten(item, out);
        }
        return;
    }
    out.push_back(value);
}

std::vector<DynamicPtr> FlattenItems(const std::vector<Value>& items) {
    std::vector<DynamicPtr> flat;
    for (const Value& item : items) {
        Flatten(item.ToDynamic(), flat);
    }
    return flat;
}

std::shared_ptr<const InSets> BuildInSets(const std::vector<DynamicPtr>& items) {
    auto sets = std::make_shared<InSets>();
    std::string text;
    for (const DynamicPtr& item : items) {
        using Kind = DynamicValue::Kind;
        if (item->kind() != Kind::kObject) {
            text.clear();
            AppendDynamicText(text, item.get());
            sets->lowered_texts.insert(LowerAscii(text));
            sets->texts.insert(std::move(text));
            text = std::string();
        }
        switch (item->kind()) {
        case Kind::kLong:
            sets->integers.insert(item->integer());
            sets->reals.insert(static_cast<double>(item->integer()));
            break;
        case Kind::kReal: {
            const double value = item->real();
            sets->reals.insert(value);
            if (std::isfinite(value) && value == std::trunc(value) && std::fabs(value) < 9.2e18) {
                sets->integers.insert(static_cast<int64_t>(value));
            }
            break;
        }
        case Kind::kDateTime:
            sets->datetimes.insert(item->integer());
            break;
        case Kind::kTimeSpan:
            sets->timespans.insert(item->integer());
            break;
        case Kind::kBool:
            sets->bools.insert(item->bool_value() ? 1 : 0);
            break;
        default:
            break;
        }
    }
    return sets;
}

bool ContainsText(const InSets& sets, std::string_view text, bool case_insensitive, std::string& buffer) {
    if (case_insensitive) {
        return sets.lowered_texts.find(LowerAsciiInto(text, buffer)) != sets.lowered_texts.end();
    }
    return sets.texts.find(text) != sets.texts.end();
}

/// Membership of one dynamic value: compared with the items of its own kind.
bool ContainsDynamic(const InSets& sets, const DynamicValue& value, bool case_insensitive, std::string& buffer) {
    using Kind = DynamicValue::Kind;
    switch (value.kind()) {
    case Kind::kString:
        return ContainsText(sets, value.string(), case_insensitive, buffer);
    case Kind::kLong:
        return sets.integers.contains(value.integer());
    case Kind::kReal:
        return sets.reals.contains(value.real());
    case Kind::kDateTime:
        return sets.datetimes.contains(value.integer());
    case Kind::kTimeSpan:
        return sets.timespans.contains(value.integer());
    case Kind::kBool:
        return sets.bools.contains(value.bool_value() ? 1 : 0);
    case Kind::kArray: {
        buffer.clear();
        value.AppendJson(buffer);
        std::string json = buffer;
        return ContainsText(sets, json, case_insensitive, buffer);
    }
    default:
        return false;
    }
}

ScalarKernel InKernel(std::shared_ptr<const InSets> sets, bool negated, bool case_insensitive) {
    return [sets = std::move(sets), negated, case_insensitive](const KernelArgs& args, Column& out) -> Status {
        const Column& left = *args.columns[0];
        ResizeOutput(out, args.rows);
        std::string buffer;
        for (size_t row = 0; row < args.rows; ++row) {
            bool found = false;
            if (!IsNullCell(left, row)) {
                switch (left.type) {
                case Type::kString:
                    found = ContainsText(*sets, left.strings[row], case_insensitive, buffer);
                    break;
                case Type::kInt:
                case Type::kLong:
                    found = sets->integers.contains(left.ints[row]);
                    break;
                case Type::kReal:
                    found = sets->reals.contains(left.reals[row]);
                    break;
                case Type::kDateTime:
                    found = sets->datetimes.contains(left.ints[row]);
                    break;
                case Type::kTimeSpan:
                    found = sets->timespans.contains(left.ints[row]);
                    break;
                case Type::kBool:
                    found = sets->bools.contains(left.ints[row] != 0 ? 1 : 0);
                    break;
                case Type::kDynamic:
                    found = ContainsDynamic(*sets, *left.dynamics[row], case_insensitive, buffer);
                    break;
                }
            }
            out.ints[row] = found != negated;
        }
        return Status::Ok();
    };
}

/// Needles of has_any / has_all, lowered and without duplicates. Single-term needles are found by
/// splitting the text into terms once; the others are searched one by one.
struct TermNeedles {
    std::vector<std::string> needles;
    std::unordered_map<std::string, size_t, TextHash, std::equal_to<>> single_terms; ///< term -> needle index
    std::vector<size_t> multi_term;
};

std::shared_ptr<const TermNeedles> BuildTermNeedles(const std::vector<DynamicPtr>& items) {
    auto needles = std::make_shared<TermNeedles>();
    TextSet seen;
    std::string text;
    for (const DynamicPtr& item : items) {
        text.clear();
        AppendDynamicText(text, item.get());
        std::string lowered = LowerAscii(text);
        if (!seen.insert(lowered).second) {
            continue;
        }
        const size_t index = needles->needles.size();
        if (IsSingleTerm(lowered)) {
            needles->single_terms.emplace(lowered, index);
        } else {
            needles->multi_term.push_back(index);
        }
        needles->needles.push_back(std::move(lowered));
    }
    return needles;
}

ScalarKernel HasAnyAllKernel(std::shared_ptr<const TermNeedles> needles, bool require_all) {
    return [needles = std::move(needles), require_all](const KernelArgs& args, Column& out) -> Status {
        const Column& left = *args.columns[0];
        ResizeOutput(out, args.rows);
        std::string buffer;
        std::vector<uint8_t> matched(needles->needles.size());
        for (size_t row = 0; row < args.rows; ++row) {
            const std::string_view text = LowerAsciiInto(left.strings[row], buffer);
            size_t matched_count = 0;
            std::fill(matched.begin(), matched.end(), 0);
            if (!needles->single_terms.empty()) {
                ForEachTerm(text, [&](std::string_view term) {
                    const auto found = needles->single_terms.find(term);
                    if (found != needles->single_terms.end() && matched[found->second] == 0) {
                        matched[found->second] = 1;
                        ++matched_count;
                        return require_all; // has_any stops at the first match
                    }
                    return true;
                });
            }
            const bool done = require_all ? matched_count == needles->needles.size() : matched_count > 0;
            if (!done) {
                for (size_t index : needles->multi_term) {
                    if (MatchesTerm(text, needles->needles[index], TermMode::kWhole)) {
                        ++matched_count;
                        if (!require_all) {
                            break;
                        }
                    }
                }
            }
            out.ints[row] = require_all ? matched_count == needles->needles.size() : matched_count > 0;
        }
        return Status::Ok();
    };
}

} // namespace

Result<BoundScalar> BindInOperator(std::string_view op, BindArg left, const std::vector<Value>& items) {
    const std::vector<DynamicPtr> flat = FlattenItems(items);
    if (op == "has_any" || op == "has_all") {
        if (!IsStringLike(left.type)) {
            return Status(ErrorKind::kType, "operator '" + std::string(op) +
                                                "' needs a string or dynamic left side, got " +
                                                std::string(TypeName(left.type)));
        }
        ScalarKernel kernel = HasAnyAllKernel(BuildTermNeedles(flat), op == "has_all");
        return BoundScalar{Type::kBool, WithConvertedArguments({Type::kString}, std::move(kernel))};
    }
    const bool negated = op.starts_with('!');
    const bool case_insensitive = op.ends_with('~');
    const std::string_view base = op.substr(negated ? 1 : 0);
    if (base != "in" && base != "in~") {
        return Status(ErrorKind::kNotImplemented, "operator '" + std::string(op) + "' is not supported");
    }
    if (case_insensitive && !IsStringLike(left.type)) {
        return Status(ErrorKind::kType, "operator '" + std::string(op) + "' needs a string or dynamic left side, got " +
                                            std::string(TypeName(left.type)));
    }
    return BoundScalar{Type::kBool, InKernel(BuildInSets(flat), negated, case_insensitive)};
}

namespace {

Status BetweenTypeError(Type value, Type low, Type high) {
    return Status(ErrorKind::kType, "between cannot compare " + std::string(TypeName(value)) + " with the range (" +
                                        std::string(TypeName(low)) + " .. " + std::string(TypeName(high)) +
                                        "); use numbers, datetimes or timespans");
}

/// `span_high`: the upper bound is low + high (datetime between (datetime .. timespan)).
ScalarKernel BetweenKernel(bool negated, bool real_domain, bool span_high) {
    return [negated, real_domain, span_high](const KernelArgs& args, Column& out) -> Status {
        const Column& value = *args.columns[0];
        const Column& low = *args.columns[1];
        const Column& high = *args.columns[2];
        ResizeOutput(out, args.rows);
        MergeNulls(out, value);
        MergeNulls(out, low);
        MergeNulls(out, high);
        if (real_domain) {
            std::vector<double> value_scratch;
            std::vector<double> low_scratch;
            std::vector<double> high_scratch;
            const double* v = RealData(value, value_scratch);
            const double* lo = RealData(low, low_scratch);
            const double* hi = RealData(high, high_scratch);
            for (size_t row = 0; row < args.rows; ++row) {
                out.ints[row] = (v[row] >= lo[row] && v[row] <= hi[row]) != negated;
            }
            return Status::Ok();
        }
        for (size_t row = 0; row < args.rows; ++row) {
            const int64_t v = value.ints[row];
            const int64_t lo = low.ints[row];
            const int64_t hi = span_high ? lo + high.ints[row] : high.ints[row];
            out.ints[row] = (v >= lo && v <= hi) != negated;
        }
        return Status::Ok();
    };
}

} // namespace

Result<BoundScalar> BindBetween(bool negated, BindArg value, BindArg low, BindArg high) {
    Type value_type = value.type == Type::kInt ? Type::kLong : value.type;
    Type low_type = low.type == Type::kInt ? Type::kLong : low.type;
    Type high_type = high.type == Type::kInt ? Type::kLong : high.type;
    // A dynamic operand takes the type of the others (a number range makes it real unless every
    // known side is an integer).
    if (value_type == Type::kDynamic) {
        value_type = low_type != Type::kDynamic ? low_type : high_type;
        if (value_type == Type::kDynamic) {
            value_type = Type::kReal;
        }
    }
    if (low_type == Type::kDynamic) {
        low_type = value_type;
    }
    if (high_type == Type::kDynamic) {
        high_type = value_type;
    }

    // Int columns are stored as int64 already, so they need no conversion to long.
    const auto target = [](Type original, Type computed) {
        return original == Type::kInt ? original : computed;
    };
    const std::vector<Type> targets{target(value.type, value_type), target(low.type, low_type),
                                    target(high.type, high_type)};

    if (IsNumeric(value_type) && IsNumeric(low_type) && IsNumeric(high_type)) {
        const bool real_domain = value_type == Type::kReal || low_type == Type::kReal || high_type == Type::kReal;
        return BoundScalar{Type::kBool, WithConvertedArguments(targets, BetweenKernel(negated, real_domain, false))};
    }
    if (value_type == Type::kDateTime && low_type == Type::kDateTime &&
        (high_type == Type::kDateTime || high_type == Type::kTimeSpan)) {
        const bool span_high = high_type == Type::kTimeSpan;
        return BoundScalar{Type::kBool, WithConvertedArguments(targets, BetweenKernel(negated, false, span_high))};
    }
    if (value_type == Type::kTimeSpan && low_type == Type::kTimeSpan && high_type == Type::kTimeSpan) {
        return BoundScalar{Type::kBool, WithConvertedArguments(targets, BetweenKernel(negated, false, false))};
    }
    return BetweenTypeError(value.type, low.type, high.type);
}

} // namespace unmask::functions
