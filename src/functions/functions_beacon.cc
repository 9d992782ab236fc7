// The KQL function beacon_score(timestamps, sizes [, options]): reads the dynamic arrays that
// make_list() builds, runs ScoreBeacon() (functions_beacon.h) and returns its result as a
// property bag.
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "functions/function_families.h"
#include "functions/functions_beacon.h"
#include "functions/kernel_support.h"

namespace unmask::functions {

namespace {

using Kind = DynamicValue::Kind;

constexpr std::string_view kName = "beacon_score";

/// Ticks of 1970-01-01T00:00:00Z, for numeric elements read as Unix seconds (Zeek's `ts`).
constexpr int64_t kUnixEpochTicks = 621'355'968'000'000'000;

/// Upper bound of the max_timestamps option: make_list()'s default size limit.
constexpr double kMaxTimestampsLimit = 1'048'576;

constexpr std::string_view kOptionNames =
    "window_start, window_end, min_period_seconds, max_period_seconds, max_timestamps";

std::optional<double> NumberOf(const DynamicValue* value) {
    if (value == nullptr) {
        return std::nullopt;
    }
    switch (value->kind()) {
    case Kind::kLong:
        return static_cast<double>(value->integer());
    case Kind::kReal:
        return std::isfinite(value->real()) ? std::optional<double>(value->real()) : std::nullopt;
    default:
        return std::nullopt;
    }
}

/// Reads a time element: a datetime, or a number of seconds since 1970 (Zeek's `ts`).
std::optional<int64_t> TicksOf(const DynamicValue* value) {
    if (value == nullptr) {
        return std::nullopt;
    }
    if (value->kind() == Kind::kDateTime) {
        return value->integer();
    }
    const std::optional<double> seconds = NumberOf(value);
    if (!seconds || std::abs(*seconds) > 1e11) {
        return std::nullopt;
    }
    return kUnixEpochTicks + static_cast<int64_t>(std::llround(*seconds * kBeaconTicksPerSecond));
}

Status OptionError(std::string_view key, std::string_view expected) {
    return Status(ErrorKind::kType, std::string(kName) + "(): option '" + std::string(key) + "' must be " +
                                        std::string(expected));
}

/// Reads the options bag; null or an empty bag keeps the defaults.
Result<BeaconOptions> ReadOptions(const DynamicValue* bag) {
    BeaconOptions options;
    if (bag == nullptr || bag->is_null()) {
        return options;
    }
    if (bag->kind() != Kind::kObject) {
        return Status(ErrorKind::kType, std::string(kName) + "(): the options must be a property bag such as "
                                                             "bag_pack(\"window_end\", now())");
    }
    for (const auto& [key, value] : bag->object()) {
        const DynamicValue* item = value.get();
        if (key == "window_start" || key == "window_end") {
            if (item == nullptr || item->kind() != Kind::kDateTime) {
                return OptionError(key, "a datetime");
            }
            (key == "window_start" ? options.window_start_ticks : options.window_end_ticks) = item->integer();
        } else if (key == "min_period_seconds" || key == "max_period_seconds") {
            const std::optional<double> number = NumberOf(item);
            if (!number || *number < 0) {
                return OptionError(key, "a number of seconds, 0 or more");
            }
            (key == "min_period_seconds" ? options.min_period_seconds : options.max_period_seconds) = *number;
        } else if (key == "max_timestamps") {
            const std::optional<double> number = NumberOf(item);
            if (!number || *number < 4 || *number > kMaxTimestampsLimit) {
                return OptionError(key, "a number from 4 to 1048576");
            }
            options.max_timestamps = static_cast<size_t>(*number);
        } else {
            return Status(ErrorKind::kType, std::string(kName) + "(): unknown option '" + key + "'; the options are " +
                                                std::string(kOptionNames));
        }
    }
    return options;
}

DynamicPtr OptionalReal(const std::optional<double>& value) {
    return value ? DynamicValue::Real(*value) : DynamicValue::Null();
}

DynamicPtr ResultBag(const BeaconResult& result) {
    const auto count = [](size_t value) { return DynamicValue::Long(static_cast<int64_t>(value)); };
    const RitaScores& rita = result.rita;
    return DynamicValue::MakeObject({
        {"score", DynamicValue::Real(result.score)},
        {"period_seconds", OptionalReal(result.period_seconds)},
        {"sleep_seconds", OptionalReal(result.sleep_seconds)},
        {"jitter", OptionalReal(result.jitter)},
        {"connections", count(result.connections)},
        {"span_seconds", DynamicValue::Real(result.span_seconds)},
        {"regular_intervals", count(result.regular_intervals)},
        {"missed_beats", count(result.missed_beats)},
        {"extra_connections", count(result.extra_connections)},
        {"burst_connections", count(result.burst_connections)},
        {"outages", count(result.outages)},
        {"ignored_values", count(result.ignored_values)},
        {"ts_skew", OptionalReal(rita.ts_skew)},
        {"ts_mad_seconds", OptionalReal(rita.ts_mad_seconds)},
        {"ts_score", OptionalReal(rita.ts_score)},
        {"ds_skew", OptionalReal(rita.ds_skew)},
        {"ds_mad", OptionalReal(rita.ds_mad)},
        {"ds_score", OptionalReal(rita.ds_score)},
        {"hist_score", OptionalReal(rita.hist_score)},
        {"dur_score", OptionalReal(rita.dur_score)},
        {"rita_score", OptionalReal(rita.score)},
        {"rita_connections", count(rita.connections)},
    });
}

/// Scores one row: `times` is an array; `sizes` an array or null.
DynamicPtr ScoreRow(const DynamicValue& times, const DynamicValue* sizes, const BeaconOptions& options) {
    std::vector<int64_t> ticks;
    std::vector<std::optional<double>> row_sizes;
    size_t ignored = 0;
    const bool has_sizes = sizes != nullptr && sizes->kind() == Kind::kArray && !sizes->array().empty();
    ticks.reserve(times.array().size());
    for (size_t i = 0; i < times.array().size(); ++i) {
        const std::optional<int64_t> tick = TicksOf(times.array()[i].get());
        if (!tick) {
            ++ignored;
            continue;
        }
        ticks.push_back(*tick);
        if (has_sizes) {
            row_sizes.push_back(i < sizes->array().size() ? NumberOf(sizes->array()[i].get()) : std::nullopt);
        }
    }
    BeaconResult result = ScoreBeacon(ticks, row_sizes, options);
    result.ignored_values += ignored;
    return ResultBag(result);
}

Result<BoundScalar> BindBeaconScore(std::span<const BindArg> args) {
    if (args[0].type != Type::kDynamic) {
        return ArgumentTypeError(kName, 0, "dynamic (an array of datetimes, such as make_list(Timestamp))",
                                 args[0].type);
    }
    if (args.size() > 1 && args[1].type != Type::kDynamic) {
        return ArgumentTypeError(kName, 1, "dynamic (an array of sizes, such as make_list_with_nulls(SentBytes))",
                                 args[1].type);
    }
    if (args.size() > 2 && args[2].type != Type::kDynamic) {
        return ArgumentTypeError(kName, 2, "dynamic (a property bag of options)", args[2].type);
    }
    // A constant options bag is checked once here, so that a misspelt key fails at bind time.
    if (args.size() > 2 && args[2].constant != nullptr && args[2].constant->type == Type::kDynamic) {
        UNMASK_TRY(ReadOptions(args[2].constant->dynamic.get()).status());
    }
    return BoundScalar{Type::kDynamic, [](const KernelArgs& kernel_args, Column& out) -> Status {
                           const Column& times = *kernel_args.columns[0];
                           const Column* sizes = kernel_args.columns.size() > 1 ? kernel_args.columns[1] : nullptr;
                           const Column* bags = kernel_args.columns.size() > 2 ? kernel_args.columns[2] : nullptr;
                           ResizeOutput(out, kernel_args.rows);
                           for (size_t row = 0; row < kernel_args.rows; ++row) {
                               const DynamicValue* array = times.dynamics[row].get();
                               if (array == nullptr || array->kind() != Kind::kArray) {
                                   continue;
                               }
                               Result<BeaconOptions> options =
                                   ReadOptions(bags != nullptr ? bags->dynamics[row].get() : nullptr);
                               if (!options.ok()) {
                                   return options.status();
                               }
                               const DynamicValue* row_sizes = sizes != nullptr ? sizes->dynamics[row].get() : nullptr;
                               out.dynamics[row] = ScoreRow(*array, row_sizes, options.value());
                           }
                           FinishDynamicOutput(out);
                           return Status::Ok();
                       }};
}

} // namespace

void AddBeaconFunctions(std::vector<ScalarFunction>& table) {
    table.push_back(DefineFunction(
        "beacon_score", 1, 3, "beacon_score(timestamps [, sizes [, options]]) -> dynamic",
        "Scores how regularly the connection times of one group repeat, tolerating up to 50 % jitter, missed "
        "check-ins and stray connections; returns a bag with score, period_seconds, jitter and RITA's sub-scores.",
        "toreal(beacon_score(dynamic([1704067200, 1704067260, 1704067320, 1704067380, 1704067440])).period_seconds)",
        "60", BindBeaconScore));
}

} // namespace unmask::functions
