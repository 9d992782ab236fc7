#include "exec/aggregate.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <unordered_set>

#include "exec/row_key.h"
#include "table/value.h"

namespace unmask::exec {

namespace {

constexpr std::array<AggregateFunctionInfo, 25> kAggregates = {{
    {"count", 0, 1, "number of rows in the group"},
    {"countif", 1, 1, "number of rows where the predicate is true"},
    {"sum", 1, 1, "sum of the non-null values"},
    {"sumif", 2, 2, "sum of the non-null values where the predicate is true"},
    {"min", 1, 1, "smallest non-null value"},
    {"max", 1, 1, "largest non-null value"},
    {"avg", 1, 1, "mean of the non-null values"},
    {"avgif", 2, 2, "mean of the non-null values where the predicate is true"},
    {"dcount", 1, 2, "number of distinct non-null values (exact)"},
    {"dcountif", 2, 3, "number of distinct non-null values where the predicate is true (exact)"},
    {"count_distinct", 1, 1, "number of distinct non-null values"},
    {"make_set", 1, 2, "array of the distinct non-null values"},
    {"make_set_if", 2, 3, "array of the distinct non-null values where the predicate is true"},
    {"make_list", 1, 2, "array of the non-null values in input order"},
    {"make_list_if", 2, 3, "array of the non-null values where the predicate is true"},
    {"make_list_with_nulls", 1, 2, "array of all values in input order, nulls included"},
    {"stdev", 1, 1, "sample standard deviation"},
    {"stdevif", 2, 2, "sample standard deviation where the predicate is true"},
    {"variance", 1, 1, "sample variance"},
    {"percentile", 2, 2, "nearest-rank percentile"},
    {"percentiles", 2, 64, "nearest-rank percentiles, one column each"},
    {"arg_max", 1, 64, "row values where the expression is largest"},
    {"arg_min", 1, 64, "row values where the expression is smallest"},
    {"take_any", 1, 1, "any non-null value of the group"},
    {"any", 1, 1, "any non-null value of the group"},
}};

bool IsNullAt(const Column& column, size_t row) { return column.IsNull(row); }

bool PredicateTrue(const Column& column, size_t row) { return !column.IsNull(row) && column.ints[row] != 0; }

double NumberAt(const Column& column, size_t row) {
    if (column.type == Type::kReal) {
        return column.reals[row];
    }
    if (column.type == Type::kDynamic) {
        const DynamicValue* value = column.dynamics[row].get();
        if (value == nullptr) {
            return std::numeric_limits<double>::quiet_NaN();
        }
        if (value->kind() == DynamicValue::Kind::kReal) {
            return value->real();
        }
        if (value->kind() == DynamicValue::Kind::kLong) {
            return static_cast<double>(value->integer());
        }
        return std::numeric_limits<double>::quiet_NaN();
    }
    return static_cast<double>(column.ints[row]);
}

DynamicPtr CellToDynamic(const Column& column, size_t row) {
    if (column.type == Type::kDynamic) {
        return column.dynamics[row] ? column.dynamics[row] : DynamicValue::Null();
    }
    return Value::FromColumn(column, row).ToDynamic();
}

// count, countif
class CountState final : public AggregateState {
public:
    explicit CountState(bool conditional) : conditional_(conditional) {}
    void Resize(size_t groups) override { counts_.resize(groups, 0); }
    void Update(const AggregateInput& input) override {
        if (conditional_) {
            const Column& predicate = *input.args[0];
            for (size_t row = 0; row < input.rows; ++row) {
                counts_[input.group_of_row[row]] += PredicateTrue(predicate, row) ? 1 : 0;
            }
        } else {
            for (size_t row = 0; row < input.rows; ++row) {
                ++counts_[input.group_of_row[row]];
            }
        }
    }
    void Merge(AggregateState& other, const std::vector<uint32_t>& group_map) override {
        auto& source = static_cast<CountState&>(other).counts_;
        for (size_t g = 0; g < source.size(); ++g) {
            counts_[group_map[g]] += source[g];
        }
    }
    void Finalize(size_t groups, std::vector<Column*>& outputs) override {
        for (size_t g = 0; g < groups; ++g) {
            outputs[0]->AppendInt(counts_[g]);
        }
    }
    void FinalizeEmpty(std::vector<Column*>& outputs) override { outputs[0]->AppendInt(0); }

private:
    bool conditional_;
    std::vector<int64_t> counts_;
};

// sum, sumif, avg, avgif: integers summed exactly, reals as doubles.
class SumState final : public AggregateState {
public:
    SumState(Type output, bool conditional, bool average)
        : output_(output), conditional_(conditional), average_(average) {}
    void Resize(size_t groups) override {
        integer_sums_.resize(groups, 0);
        real_sums_.resize(groups, 0);
        counts_.resize(groups, 0);
    }
    void Update(const AggregateInput& input) override {
        const Column& values = *input.args[0];
        const Column* predicate = conditional_ ? input.args[1] : nullptr;
        const bool real = values.type == Type::kReal || values.type == Type::kDynamic || average_;
        for (size_t row = 0; row < input.rows; ++row) {
            if (IsNullAt(values, row) || (predicate && !PredicateTrue(*predicate, row))) {
                continue;
            }
            const uint32_t g = input.group_of_row[row];
            if (real) {
                const double number = NumberAt(values, row);
                if (values.type == Type::kDynamic && std::isnan(number)) {
                    continue;
                }
                real_sums_[g] += number;
            } else {
                integer_sums_[g] += values.ints[row];
            }
            ++counts_[g];
        }
    }
    void Merge(AggregateState& other, const std::vector<uint32_t>& group_map) override {
        auto& source = static_cast<SumState&>(other);
        for (size_t g = 0; g < source.counts_.size(); ++g) {
            integer_sums_[group_map[g]] += source.integer_sums_[g];
            real_sums_[group_map[g]] += source.real_sums_[g];
            counts_[group_map[g]] += source.counts_[g];
        }
    }
    void Finalize(size_t groups, std::vector<Column*>& outputs) override {
        for (size_t g = 0; g < groups; ++g) {
            if (counts_[g] == 0) {
                // NOTE: Kusto does not document sum() over a group whose values are all null.
                // unmask returns null there, so a missing column never reads as 0 bytes.
                outputs[0]->AppendNull();
            } else if (average_) {
                outputs[0]->AppendReal(real_sums_[g] / static_cast<double>(counts_[g]));
            } else if (output_ == Type::kReal) {
                outputs[0]->AppendReal(real_sums_[g]);
            } else {
                outputs[0]->AppendInt(integer_sums_[g]);
            }
        }
    }
    void FinalizeEmpty(std::vector<Column*>& outputs) override {
        if (average_) {
            outputs[0]->AppendReal(std::numeric_limits<double>::quiet_NaN());
        } else if (output_ == Type::kReal) {
            outputs[0]->AppendReal(0);
        } else {
            outputs[0]->AppendInt(0);
        }
    }

private:
    Type output_;
    bool conditional_;
    bool average_;
    std::vector<int64_t> integer_sums_;
    std::vector<double> real_sums_;
    std::vector<int64_t> counts_;
};

// Three-way comparison of two non-null values of the same type.
int CompareValues(const Value& a, const Value& b) {
    switch (a.type) {
        case Type::kReal: return a.real < b.real ? -1 : (a.real > b.real ? 1 : 0);
        case Type::kString: {
            const int c = a.string.compare(b.string);
            return c < 0 ? -1 : (c > 0 ? 1 : 0);
        }
        case Type::kDynamic: return CompareDynamic(a.dynamic.get(), b.dynamic.get());
        default: return a.integer < b.integer ? -1 : (a.integer > b.integer ? 1 : 0);
    }
}

// min, max, take_any: keeps one cell per group as a Value.
class ExtremeState final : public AggregateState {
public:
    // direction: -1 min, +1 max, 0 first non-null value (take_any)
    ExtremeState(Type type, int direction) : type_(type), direction_(direction) {}
    void Resize(size_t groups) override {
        best_.resize(groups, Value::Null(type_));
        has_.resize(groups, 0);
    }
    void Update(const AggregateInput& input) override {
        const Column& values = *input.args[0];
        for (size_t row = 0; row < input.rows; ++row) {
            if (IsNullAt(values, row) || (values.type == Type::kReal && std::isnan(values.reals[row]))) {
                continue;
            }
            const uint32_t g = input.group_of_row[row];
            if (has_[g] && direction_ == 0) {
                continue;
            }
            Value candidate = Value::FromColumn(values, row);
            Consider(g, std::move(candidate));
        }
    }
    void Merge(AggregateState& other, const std::vector<uint32_t>& group_map) override {
        auto& source = static_cast<ExtremeState&>(other);
        for (size_t g = 0; g < source.best_.size(); ++g) {
            if (source.has_[g]) {
                Consider(group_map[g], source.best_[g]);
            }
        }
    }
    void Finalize(size_t groups, std::vector<Column*>& outputs) override {
        StringArena& arena = outputs[0]->NewArena();
        for (size_t g = 0; g < groups; ++g) {
            best_[g].AppendTo(*outputs[0], arena);
        }
    }
    void FinalizeEmpty(std::vector<Column*>& outputs) override {
        StringArena& arena = outputs[0]->NewArena();
        Value::Null(type_).AppendTo(*outputs[0], arena);
    }

private:
    void Consider(uint32_t g, Value candidate) {
        if (!has_[g]) {
            best_[g] = std::move(candidate);
            has_[g] = 1;
            return;
        }
        if (direction_ == 0) {
            return;
        }
        const int c = CompareValues(candidate, best_[g]);
        if ((direction_ > 0 && c > 0) || (direction_ < 0 && c < 0)) {
            best_[g] = std::move(candidate);
        }
    }

    Type type_;
    int direction_;
    std::vector<Value> best_;
    std::vector<uint8_t> has_;
};

// dcount, dcountif, count_distinct: exact distinct counts.
class DistinctCountState final : public AggregateState {
public:
    explicit DistinctCountState(bool conditional) : conditional_(conditional) {}
    void Resize(size_t groups) override { sets_.resize(groups); }
    void Update(const AggregateInput& input) override {
        const Column& values = *input.args[0];
        const Column* predicate = conditional_ ? input.args[1] : nullptr;
        std::string key;
        for (size_t row = 0; row < input.rows; ++row) {
            if (IsNullAt(values, row) || (predicate && !PredicateTrue(*predicate, row))) {
                continue;
            }
            key.clear();
            AppendRowKey(key, values, row);
            sets_[input.group_of_row[row]].insert(key);
        }
    }
    void Merge(AggregateState& other, const std::vector<uint32_t>& group_map) override {
        auto& source = static_cast<DistinctCountState&>(other).sets_;
        for (size_t g = 0; g < source.size(); ++g) {
            sets_[group_map[g]].insert(source[g].begin(), source[g].end());
        }
    }
    void Finalize(size_t groups, std::vector<Column*>& outputs) override {
        for (size_t g = 0; g < groups; ++g) {
            outputs[0]->AppendInt(static_cast<int64_t>(sets_[g].size()));
        }
    }
    void FinalizeEmpty(std::vector<Column*>& outputs) override { outputs[0]->AppendInt(0); }

private:
    bool conditional_;
    std::vector<std::unordered_set<std::string>> sets_;
};

// make_list, make_list_if, make_list_with_nulls, make_set, make_set_if.
class MakeListState final : public AggregateState {
public:
    MakeListState(bool distinct, bool conditional, bool keep_nulls, size_t max_size)
        : distinct_(distinct), conditional_(conditional), keep_nulls_(keep_nulls), max_size_(max_size) {}
    void Resize(size_t groups) override {
        items_.resize(groups);
        if (distinct_) {
            seen_.resize(groups);
        }
    }
    void Update(const AggregateInput& input) override {
        const Column& values = *input.args[0];
        const Column* predicate = conditional_ ? input.args[1] : nullptr;
        std::string key;
        for (size_t row = 0; row < input.rows; ++row) {
            if (predicate && !PredicateTrue(*predicate, row)) {
                continue;
            }
            const bool is_null = IsNullAt(values, row);
            if (is_null && !keep_nulls_) {
                continue;
            }
            const uint32_t g = input.group_of_row[row];
            const uint64_t order = input.first_row + row;
            if (distinct_ && values.type == Type::kDynamic && values.dynamics[row] &&
                values.dynamics[row]->kind() == DynamicValue::Kind::kArray) {
                // make_set adds the elements of an array argument, not the array itself.
                for (const DynamicPtr& element : values.dynamics[row]->array()) {
                    AddDistinct(g, order, element ? element : DynamicValue::Null());
                }
                continue;
            }
            if (distinct_) {
                AddDistinct(g, order, CellToDynamic(values, row));
            } else if (items_[g].size() < max_size_) {
                items_[g].emplace_back(order, is_null ? DynamicValue::Null() : CellToDynamic(values, row));
            }
        }
    }
    void Merge(AggregateState& other, const std::vector<uint32_t>& group_map) override {
        auto& source = static_cast<MakeListState&>(other);
        for (size_t g = 0; g < source.items_.size(); ++g) {
            const uint32_t target = group_map[g];
            for (auto& [order, value] : source.items_[g]) {
                if (distinct_) {
                    AddDistinct(target, order, value);
                } else {
                    items_[target].emplace_back(order, value);
                }
            }
        }
    }
    void Finalize(size_t groups, std::vector<Column*>& outputs) override {
        for (size_t g = 0; g < groups; ++g) {
            auto& items = items_[g];
            // Input order: rows from several workers interleave, so restore it by order key.
            std::stable_sort(items.begin(), items.end(),
                             [](const auto& left, const auto& right) { return left.first < right.first; });
            if (items.size() > max_size_) {
                items.resize(max_size_);
            }
            DynamicValue::Array array;
            array.reserve(items.size());
            for (auto& item : items) {
                array.push_back(std::move(item.second));
            }
            outputs[0]->AppendDynamic(DynamicValue::MakeArray(std::move(array)));
        }
    }
    void FinalizeEmpty(std::vector<Column*>& outputs) override {
        outputs[0]->AppendDynamic(DynamicValue::MakeArray({}));
    }

private:
    void AddDistinct(uint32_t g, uint64_t order, DynamicPtr value) {
        if (value->is_null()) {
            return;
        }
        if (seen_[g].insert(value->ToJson()).second) {
            if (items_[g].size() < max_size_) {
                items_[g].emplace_back(order, std::move(value));
            }
        }
    }

    bool distinct_;
    bool conditional_;
    bool keep_nulls_;
    size_t max_size_;
    std::vector<std::vector<std::pair<uint64_t, DynamicPtr>>> items_;
    std::vector<std::unordered_set<std::string>> seen_;
};

// stdev, stdevif, variance: Welford's running mean and squared deviations, merged with
// Chan's formula so the result does not depend on how rows split across workers.
class VarianceState final : public AggregateState {
public:
    VarianceState(bool conditional, bool take_root) : conditional_(conditional), take_root_(take_root) {}
    void Resize(size_t groups) override { moments_.resize(groups); }
    void Update(const AggregateInput& input) override {
        const Column& values = *input.args[0];
        const Column* predicate = conditional_ ? input.args[1] : nullptr;
        for (size_t row = 0; row < input.rows; ++row) {
            if (IsNullAt(values, row) || (predicate && !PredicateTrue(*predicate, row))) {
                continue;
            }
            const double x = NumberAt(values, row);
            if (std::isnan(x)) {
                continue;
            }
            Moments& m = moments_[input.group_of_row[row]];
            ++m.count;
            const double delta = x - m.mean;
            m.mean += delta / static_cast<double>(m.count);
            m.m2 += delta * (x - m.mean);
        }
    }
    void Merge(AggregateState& other, const std::vector<uint32_t>& group_map) override {
        auto& source = static_cast<VarianceState&>(other).moments_;
        for (size_t g = 0; g < source.size(); ++g) {
            Moments& a = moments_[group_map[g]];
            const Moments& b = source[g];
            if (b.count == 0) {
                continue;
            }
            const int64_t count = a.count + b.count;
            const double delta = b.mean - a.mean;
            a.m2 += b.m2 + delta * delta * static_cast<double>(a.count) * static_cast<double>(b.count) /
                               static_cast<double>(count);
            a.mean += delta * static_cast<double>(b.count) / static_cast<double>(count);
            a.count = count;
        }
    }
    void Finalize(size_t groups, std::vector<Column*>& outputs) override {
        for (size_t g = 0; g < groups; ++g) {
            const Moments& m = moments_[g];
            const double variance = m.count > 1 ? m.m2 / static_cast<double>(m.count - 1) : 0.0;
            outputs[0]->AppendReal(take_root_ ? std::sqrt(variance) : variance);
        }
    }
    void FinalizeEmpty(std::vector<Column*>& outputs) override { outputs[0]->AppendReal(0); }

private:
    struct Moments {
        int64_t count = 0;
        double mean = 0;
        double m2 = 0;
    };
    bool conditional_;
    bool take_root_;
    std::vector<Moments> moments_;
};

// percentile, percentiles: exact nearest rank over all non-null values of the group.
class PercentileState final : public AggregateState {
public:
    PercentileState(Type type, std::vector<double> percents) : type_(type), percents_(std::move(percents)) {}
    void Resize(size_t groups) override { values_.resize(groups); }
    void Update(const AggregateInput& input) override {
        const Column& values = *input.args[0];
        for (size_t row = 0; row < input.rows; ++row) {
            if (IsNullAt(values, row)) {
                continue;
            }
            const double x = NumberAt(values, row);
            if (!std::isnan(x)) {
                values_[input.group_of_row[row]].push_back(x);
            }
        }
    }
    void Merge(AggregateState& other, const std::vector<uint32_t>& group_map) override {
        auto& source = static_cast<PercentileState&>(other).values_;
        for (size_t g = 0; g < source.size(); ++g) {
            auto& target = values_[group_map[g]];
            target.insert(target.end(), source[g].begin(), source[g].end());
        }
    }
    void Finalize(size_t groups, std::vector<Column*>& outputs) override {
        for (size_t g = 0; g < groups; ++g) {
            auto& values = values_[g];
            std::sort(values.begin(), values.end());
            for (size_t p = 0; p < percents_.size(); ++p) {
                if (values.empty()) {
                    outputs[p]->AppendNull();
                    continue;
                }
                // Nearest rank: the smallest value with at least p % of the values at or below it.
                const double rank = std::ceil(percents_[p] / 100.0 * static_cast<double>(values.size()));
                const size_t index = rank <= 1 ? 0 : std::min(values.size() - 1, static_cast<size_t>(rank) - 1);
                if (type_ == Type::kReal) {
                    outputs[p]->AppendReal(values[index]);
                } else {
                    outputs[p]->AppendInt(static_cast<int64_t>(values[index]));
                }
            }
        }
    }
    void FinalizeEmpty(std::vector<Column*>& outputs) override {
        for (Column* output : outputs) {
            output->AppendNull();
        }
    }

private:
    Type type_;
    std::vector<double> percents_;
    std::vector<std::vector<double>> values_;
};

// arg_max, arg_min: the compared value plus the other requested cells of the winning row.
class ArgExtremeState final : public AggregateState {
public:
    ArgExtremeState(std::vector<Type> types, bool maximum) : types_(std::move(types)), maximum_(maximum) {}
    void Resize(size_t groups) override {
        rows_.resize(groups);
        has_.resize(groups, 0);
        null_only_.resize(groups, 0);
        orders_.resize(groups, 0);
    }
    void Update(const AggregateInput& input) override {
        const Column& compared = *input.args[0];
        for (size_t row = 0; row < input.rows; ++row) {
            const uint32_t g = input.group_of_row[row];
            const uint64_t order = input.first_row + row;
            if (IsNullAt(compared, row) || (compared.type == Type::kReal && std::isnan(compared.reals[row]))) {
                // A group whose compared values are all null still returns one of its rows, as
                // Kusto does. The first such row is kept until a non-null value arrives.
                if (!has_[g] && !null_only_[g]) {
                    StoreRow(g, input, row, order);
                    null_only_[g] = 1;
                }
                continue;
            }
            if (has_[g]) {
                const int c = CompareValues(Value::FromColumn(compared, row), rows_[g][0]);
                if (maximum_ ? c <= 0 : c >= 0) {
                    continue;
                }
            }
            StoreRow(g, input, row, order);
            has_[g] = 1;
            null_only_[g] = 0;
        }
    }
    void Merge(AggregateState& other, const std::vector<uint32_t>& group_map) override {
        auto& source = static_cast<ArgExtremeState&>(other);
        for (size_t g = 0; g < source.rows_.size(); ++g) {
            const uint32_t target = group_map[g];
            if (!source.has_[g]) {
                if (source.null_only_[g] && !has_[target] &&
                    (!null_only_[target] || source.orders_[g] < orders_[target])) {
                    rows_[target] = source.rows_[g];
                    null_only_[target] = 1;
                    orders_[target] = source.orders_[g];
                }
                continue;
            }
            bool take = !has_[target];
            if (!take) {
                const int c = CompareValues(source.rows_[g][0], rows_[target][0]);
                // Ties go to the row that came first in the input.
                take = maximum_ ? c > 0 : c < 0;
                if (c == 0 && source.orders_[g] < orders_[target]) {
                    take = true;
                }
            }
            if (take) {
                rows_[target] = source.rows_[g];
                has_[target] = 1;
                null_only_[target] = 0;
                orders_[target] = source.orders_[g];
            }
        }
    }
    void Finalize(size_t groups, std::vector<Column*>& outputs) override {
        std::vector<StringArena*> arenas;
        for (Column* output : outputs) {
            arenas.push_back(&output->NewArena());
        }
        for (size_t g = 0; g < groups; ++g) {
            for (size_t c = 0; c < outputs.size(); ++c) {
                if (has_[g] || null_only_[g]) {
                    rows_[g][c].AppendTo(*outputs[c], *arenas[c]);
                } else {
                    Value::Null(types_[c]).AppendTo(*outputs[c], *arenas[c]);
                }
            }
        }
    }
    void FinalizeEmpty(std::vector<Column*>& outputs) override {
        for (size_t c = 0; c < outputs.size(); ++c) {
            StringArena arena;
            Value::Null(types_[c]).AppendTo(*outputs[c], arena);
        }
    }

private:
    void StoreRow(uint32_t g, const AggregateInput& input, size_t row, uint64_t order) {
        std::vector<Value>& cells = rows_[g];
        cells.clear();
        for (const Column* arg : input.args) {
            cells.push_back(Value::FromColumn(*arg, row));
        }
        orders_[g] = order;
    }

    std::vector<Type> types_;
    bool maximum_;
    std::vector<std::vector<Value>> rows_;
    std::vector<uint8_t> has_;
    std::vector<uint8_t> null_only_;
    std::vector<uint64_t> orders_;
};

Status TypeError(std::string_view name, size_t position, std::string_view expected, Type actual) {
    return Status(ErrorKind::kType, "argument " + std::to_string(position + 1) + " of " + std::string(name) +
                                        "() must be " + std::string(expected) + ", but it is of type " +
                                        std::string(TypeName(actual)));
}


}  // namespace

const AggregateFunctionInfo* FindAggregate(std::string_view name) {
    for (const AggregateFunctionInfo& info : kAggregates) {
        if (info.name == name) {
            return &info;
        }
    }
    return nullptr;
}

std::vector<std::string> AggregateNames() {
    std::vector<std::string> names;
    for (const AggregateFunctionInfo& info : kAggregates) {
        names.emplace_back(info.name);
    }
    return names;
}

Result<AggregateSpec> BindAggregate(std::string_view name, const std::vector<AggregateArg>& args) {
    const AggregateFunctionInfo* info = FindAggregate(name);
    if (info == nullptr) {
        return Status(ErrorKind::kBind, "unknown aggregate function '" + std::string(name) + "'");
    }
    if (args.size() < info->min_args || args.size() > info->max_args) {
        return Status(ErrorKind::kType, std::string(name) + "() takes " + std::to_string(info->min_args) +
                                            (info->min_args == info->max_args
                                                 ? ""
                                                 : " to " + std::to_string(info->max_args)) +
                                            " arguments, but " + std::to_string(args.size()) + " were given");
    }
    AggregateSpec spec;
    spec.function = name == "any" ? "take_any" : (name == "count_distinct" ? "dcount" : std::string(name));
    auto require_bool = [&](size_t index) -> Status {
        if (args[index].type != Type::kBool) {
            return TypeError(name, index, "a bool predicate", args[index].type);
        }
        return Status::Ok();
    };
    auto require_number = [&](size_t index) -> Status {
        const Type type = args[index].type;
        if (!IsNumeric(type) && type != Type::kTimeSpan && type != Type::kDynamic) {
            return TypeError(name, index, "a number or timespan", type);
        }
        return Status::Ok();
    };
    const std::string& f = spec.function;
    if (f == "count") {
        spec.output_types = {Type::kLong};
        // count(x) counts rows, nulls included, so x is never evaluated.
    } else if (f == "countif") {
        UNMASK_TRY(require_bool(0));
        spec.evaluated_args = {0};
        spec.output_types = {Type::kLong};
    } else if (f == "sum" || f == "sumif" || f == "avg" || f == "avgif") {
        UNMASK_TRY(require_number(0));
        const bool conditional = f == "sumif" || f == "avgif";
        if (conditional) {
            UNMASK_TRY(require_bool(1));
        }
        spec.evaluated_args = conditional ? std::vector<size_t>{0, 1} : std::vector<size_t>{0};
        const Type input = args[0].type;
        if (f == "avg" || f == "avgif") {
            spec.output_types = {Type::kReal};
        } else if (input == Type::kReal || input == Type::kDynamic) {
            spec.output_types = {Type::kReal};
        } else if (input == Type::kTimeSpan) {
            spec.output_types = {Type::kTimeSpan};
        } else {
            spec.output_types = {Type::kLong};
        }
    } else if (f == "min" || f == "max" || f == "take_any") {
        spec.evaluated_args = {0};
        spec.output_types = {args[0].type};
    } else if (f == "dcount" || f == "dcountif") {
        spec.evaluated_args = {0};
        if (f == "dcountif") {
            UNMASK_TRY(require_bool(1));
            spec.evaluated_args.push_back(1);
        }
        spec.output_types = {Type::kLong};
    } else if (f == "make_set" || f == "make_list" || f == "make_list_with_nulls" || f == "make_set_if" ||
               f == "make_list_if") {
        const bool conditional = f == "make_set_if" || f == "make_list_if";
        spec.evaluated_args = {0};
        size_t size_position = 1;
        if (conditional) {
            UNMASK_TRY(require_bool(1));
            spec.evaluated_args.push_back(1);
            size_position = 2;
        }
        spec.parameter = 1'048'576;
        if (args.size() > size_position) {
            if (!args[size_position].is_constant || !IsNumeric(args[size_position].type)) {
                return TypeError(name, size_position, "a constant maximum size", args[size_position].type);
            }
            spec.parameter = args[size_position].number;
        }
        spec.has_parameter = true;
        spec.output_types = {Type::kDynamic};
    } else if (f == "stdev" || f == "stdevif" || f == "variance") {
        UNMASK_TRY(require_number(0));
        spec.evaluated_args = {0};
        if (f == "stdevif") {
            UNMASK_TRY(require_bool(1));
            spec.evaluated_args.push_back(1);
        }
        spec.output_types = {Type::kReal};
    } else if (f == "percentile" || f == "percentiles") {
        UNMASK_TRY(require_number(0));
        const Type input = args[0].type;
        const Type output = input == Type::kDynamic ? Type::kReal : (input == Type::kInt ? Type::kLong : input);
        for (size_t i = 1; i < args.size(); ++i) {
            if (!args[i].is_constant || !IsNumeric(args[i].type)) {
                return TypeError(name, i, "a constant percentage", args[i].type);
            }
            if (args[i].number < 0 || args[i].number > 100) {
                return Status(ErrorKind::kType, std::string(name) + "() takes percentages between 0 and 100, not " +
                                                    std::to_string(args[i].number));
            }
            spec.percents.push_back(args[i].number);
            spec.output_types.push_back(output);
        }
        spec.evaluated_args = {0};
    } else if (f == "arg_max" || f == "arg_min") {
        for (size_t i = 0; i < args.size(); ++i) {
            spec.evaluated_args.push_back(i);
            spec.output_types.push_back(args[i].type);
        }
        spec.extra_columns = args.size() - 1;
    }
    for (size_t index : spec.evaluated_args) {
        spec.arg_types.push_back(args[index].type);
    }
    return spec;
}

std::unique_ptr<AggregateState> MakeAggregateState(const AggregateSpec& spec) {
    const std::string& f = spec.function;
    if (f == "count") return std::make_unique<CountState>(false);
    if (f == "countif") return std::make_unique<CountState>(true);
    if (f == "sum") return std::make_unique<SumState>(spec.output_types[0], false, false);
    if (f == "sumif") return std::make_unique<SumState>(spec.output_types[0], true, false);
    if (f == "avg") return std::make_unique<SumState>(Type::kReal, false, true);
    if (f == "avgif") return std::make_unique<SumState>(Type::kReal, true, true);
    if (f == "min") return std::make_unique<ExtremeState>(spec.output_types[0], -1);
    if (f == "max") return std::make_unique<ExtremeState>(spec.output_types[0], 1);
    if (f == "take_any") return std::make_unique<ExtremeState>(spec.output_types[0], 0);
    if (f == "dcount") return std::make_unique<DistinctCountState>(false);
    if (f == "dcountif") return std::make_unique<DistinctCountState>(true);
    const size_t max_size = static_cast<size_t>(std::max(0.0, spec.parameter));
    if (f == "make_set") return std::make_unique<MakeListState>(true, false, false, max_size);
    if (f == "make_set_if") return std::make_unique<MakeListState>(true, true, false, max_size);
    if (f == "make_list") return std::make_unique<MakeListState>(false, false, false, max_size);
    if (f == "make_list_if") return std::make_unique<MakeListState>(false, true, false, max_size);
    if (f == "make_list_with_nulls") return std::make_unique<MakeListState>(false, false, true, max_size);
    if (f == "stdev") return std::make_unique<VarianceState>(false, true);
    if (f == "stdevif") return std::make_unique<VarianceState>(true, true);
    if (f == "variance") return std::make_unique<VarianceState>(false, false);
    if (f == "percentile" || f == "percentiles") {
        return std::make_unique<PercentileState>(spec.output_types[0], spec.percents);
    }
    if (f == "arg_max") return std::make_unique<ArgExtremeState>(spec.output_types, true);
    if (f == "arg_min") return std::make_unique<ArgExtremeState>(spec.output_types, false);
    return nullptr;
}

}  // namespace unmask::exec
