// Datetime functions: now, ago, datetime_diff, datetime_add, datetime_part, startof*/endof*,
// dayofweek, dayofmonth, dayofyear, hourofday, getmonth, getyear, week_of_year,
// unixtime_*_todatetime and format_datetime.
//
// Datetimes are 100 ns ticks since 0001-01-01 UTC; weeks start on Sunday (startofweek) except for
// the ISO 8601 week numbers of week_of_year. A result outside 0001-01-01 .. 9999-12-31 is null.
#include <array>
#include <cmath>

#include "functions/conversions.h"
#include "functions/function_families.h"
#include "functions/kernel_support.h"
#include "table/datetime.h"

namespace unmask::functions {

namespace {

/// Ticks of 10000-01-01, the first instant after the datetime range.
const int64_t kEndOfTimeTicks = DaysFromCivil(10000, 1, 1) * kTicksPerDay;

bool InRange(int64_t ticks) {
    return ticks >= 0 && ticks < kEndOfTimeTicks;
}

int64_t FloorDiv(int64_t value, int64_t divisor) {
    int64_t quotient = value / divisor;
    if ((value % divisor != 0) && ((value < 0) != (divisor < 0))) {
        --quotient;
    }
    return quotient;
}

bool IsLeapYear(int64_t year) {
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int DaysInMonth(int64_t year, int month) {
    static constexpr std::array<int, 12> kDays{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month == 2 && IsLeapYear(year) ? 29 : kDays[static_cast<size_t>(month - 1)];
}

/// Day of the week with Sunday = 0. 0001-01-01 was a Monday.
int64_t DayOfWeek(int64_t ticks) {
    return (FloorDiv(ticks, kTicksPerDay) + 1) % 7;
}

int64_t StartOfDay(int64_t ticks) {
    return FloorDiv(ticks, kTicksPerDay) * kTicksPerDay;
}

int64_t StartOfWeek(int64_t ticks) {
    return StartOfDay(ticks) - DayOfWeek(ticks) * kTicksPerDay;
}

/// Adds calendar months, clamping the day to the length of the target month (Jan 31 + 1 month =
/// Feb 28 or 29) and keeping the time of day.
std::optional<int64_t> AddMonths(int64_t ticks, int64_t months) {
    CivilTime civil = CivilFromTicks(ticks);
    const int64_t total = civil.year * 12 + (civil.month - 1) + months;
    const int64_t year = FloorDiv(total, 12);
    if (year < 1 || year > 9999) {
        return std::nullopt;
    }
    civil.year = year;
    civil.month = static_cast<int>(total - year * 12) + 1;
    civil.day = std::min(civil.day, DaysInMonth(civil.year, civil.month));
    return TicksFromCivil(civil);
}

int64_t StartOfMonth(int64_t ticks) {
    const CivilTime civil = CivilFromTicks(ticks);
    return DaysFromCivil(civil.year, civil.month, 1) * kTicksPerDay;
}

int64_t StartOfYear(int64_t ticks) {
    return DaysFromCivil(CivilFromTicks(ticks).year, 1, 1) * kTicksPerDay;
}

int64_t DayOfYear(int64_t ticks) {
    const CivilTime civil = CivilFromTicks(ticks);
    return DaysFromCivil(civil.year, civil.month, civil.day) - DaysFromCivil(civil.year, 1, 1) + 1;
}

/// ISO 8601 week number: weeks start on Monday and week 1 contains the year's first Thursday.
int64_t IsoWeekOfYear(int64_t ticks) {
    const int64_t year = CivilFromTicks(ticks).year;
    const int64_t iso_weekday = (DayOfWeek(ticks) + 6) % 7 + 1; // Monday = 1 .. Sunday = 7
    const int64_t week = (DayOfYear(ticks) - iso_weekday + 10) / 7;
    const auto weeks_in_year = [](int64_t y) {
        const int64_t jan1 = (DaysFromCivil(y, 1, 1) + 1) % 7; // Sunday = 0
        return (jan1 == 4 || (IsLeapYear(y) && jan1 == 3)) ? 53 : 52;
    };
    if (week < 1) {
        return weeks_in_year(year - 1);
    }
    if (week > weeks_in_year(year)) {
        return 1;
    }
    return week;
}

// --- period names ------------------------------------------------------------------------------

enum class Period {
    kYear,
    kQuarter,
    kMonth,
    kWeek,
    kDay,
    kHour,
    kMinute,
    kSecond,
    kMillisecond,
    kMicrosecond,
    kNanosecond,
    kDayOfYear,
    kWeekOfYear
};

std::optional<Period> ParsePeriod(std::string_view name) {
    const std::string lowered = LowerAscii(name);
    static const std::array<std::pair<std::string_view, Period>, 13> kNames{{
        {"year", Period::kYear},
        {"quarter", Period::kQuarter},
        {"month", Period::kMonth},
        {"week", Period::kWeek},
        {"day", Period::kDay},
        {"hour", Period::kHour},
        {"minute", Period::kMinute},
        {"second", Period::kSecond},
        {"millisecond", Period::kMillisecond},
        {"microsecond", Period::kMicrosecond},
        {"nanosecond", Period::kNanosecond},
        {"dayofyear", Period::kDayOfYear},
        {"week_of_year", Period::kWeekOfYear},
    }};
    for (const auto& [spelling, period] : kNames) {
        if (lowered == spelling) {
            return period;
        }
    }
    return std::nullopt;
}

/// Ticks of the fixed-length periods (day and shorter); 0 for calendar periods.
int64_t PeriodTicks(Period period) {
    switch (period) {
    case Period::kWeek:
        return 7 * kTicksPerDay;
    case Period::kDay:
        return kTicksPerDay;
    case Period::kHour:
        return kTicksPerHour;
    case Period::kMinute:
        return kTicksPerMinute;
    case Period::kSecond:
        return kTicksPerSecond;
    case Period::kMillisecond:
        return kTicksPerMillisecond;
    case Period::kMicrosecond:
        return kTicksPerMicrosecond;
    default:
        return 0;
    }
}

Result<Period> ConstantPeriod(std::string_view function, std::span<const BindArg> args, size_t position,
                              std::initializer_list<Period> allowed) {
    UNMASK_TRY(RequireConstant(function, args, position, "period"));
    const std::string name = ValueText(*args[position].constant);
    const std::optional<Period> period = ParsePeriod(name);
    if (!period || std::find(allowed.begin(), allowed.end(), *period) == allowed.end()) {
        return Status(ErrorKind::kType, std::string(function) + "(): unknown period '" + name + "'");
    }
    return *period;
}

constexpr std::initializer_list<Period> kDiffPeriods{
    Period::kYear,   Period::kQuarter, Period::kMonth,       Period::kWeek,        Period::kDay,       Period::kHour,
    Period::kMinute, Period::kSecond,  Period::kMillisecond, Period::kMicrosecond, Period::kNanosecond};

/// Number of `period` boundaries crossed from `earlier` to `later` (negative when `later` is
/// earlier): both instants are truncated to the period, then subtracted.
int64_t DateTimeDiff(Period period, int64_t later, int64_t earlier) {
    switch (period) {
    case Period::kYear:
        return CivilFromTicks(later).year - CivilFromTicks(earlier).year;
    case Period::kQuarter:
    case Period::kMonth: {
        const CivilTime a = CivilFromTicks(later);
        const CivilTime b = CivilFromTicks(earlier);
        if (period == Period::kQuarter) {
            return (a.year * 4 + (a.month - 1) / 3) - (b.year * 4 + (b.month - 1) / 3);
        }
        return (a.year * 12 + a.month) - (b.year * 12 + b.month);
    }
    case Period::kWeek:
        return FloorDiv(StartOfWeek(later) - StartOfWeek(earlier), 7 * kTicksPerDay);
    case Period::kNanosecond:
        return (later - earlier) * 100;
    default: {
        const int64_t unit = PeriodTicks(period);
        return FloorDiv(later, unit) - FloorDiv(earlier, unit);
    }
    }
}

std::optional<int64_t> DateTimeAdd(Period period, int64_t amount, int64_t ticks) {
    std::optional<int64_t> result;
    switch (period) {
    case Period::kYear:
        result = AddMonths(ticks, amount * 12);
        break;
    case Period::kQuarter:
        result = AddMonths(ticks, amount * 3);
        break;
    case Period::kMonth:
        result = AddMonths(ticks, amount);
        break;
    case Period::kNanosecond:
        result = ticks + amount / 100;
        break;
    default:
        result = ticks + amount * PeriodTicks(period);
        break;
    }
    if (result && !InRange(*result)) {
        return std::nullopt;
    }
    return result;
}

int64_t DateTimePart(Period period, int64_t ticks) {
    const CivilTime civil = CivilFromTicks(ticks);
    switch (period) {
    case Period::kYear:
        return civil.year;
    case Period::kQuarter:
        return (civil.month - 1) / 3 + 1;
    case Period::kMonth:
        return civil.month;
    case Period::kWeekOfYear:
        return IsoWeekOfYear(ticks);
    case Period::kDay:
        return civil.day;
    case Period::kDayOfYear:
        return DayOfYear(ticks);
    case Period::kHour:
        return civil.hour;
    case Period::kMinute:
        return civil.minute;
    case Period::kSecond:
        return civil.second;
    case Period::kMillisecond:
        return civil.fraction_ticks / kTicksPerMillisecond;
    case Period::kMicrosecond:
        return civil.fraction_ticks / kTicksPerMicrosecond;
    case Period::kNanosecond:
        return civil.fraction_ticks * 100;
    default:
        return 0;
    }
}

// --- kernels -----------------------------------------------------------------------------------

/// Applies `compute(ticks) -> optional<int64_t>` to every non-null row of a datetime column.
template <typename Compute>
ScalarKernel DateKernel(Compute compute) {
    return [compute](const KernelArgs& args, Column& out) -> Status {
        const Column& dates = *args.columns[0];
        ResizeOutput(out, args.rows);
        MergeNulls(out, dates);
        for (size_t row = 0; row < args.rows; ++row) {
            if (dates.IsNull(row)) {
                continue;
            }
            const std::optional<int64_t> value = compute(dates.ints[row]);
            if (value) {
                out.ints[row] = *value;
            } else {
                MarkNull(out, row);
            }
        }
        return Status::Ok();
    };
}

/// Binder for f(date) with a datetime argument (dynamic and string arguments are converted).
template <typename Compute>
ScalarBinder DateBinder(std::string_view function, Type result, Compute compute) {
    return [function, result, compute](std::span<const BindArg> args) -> Result<BoundScalar> {
        if (args[0].type != Type::kDateTime && !IsStringLike(args[0].type)) {
            return ArgumentTypeError(function, 0, "datetime", args[0].type);
        }
        return BoundScalar{result, WithConvertedArguments({Type::kDateTime}, DateKernel(compute))};
    };
}

/// startof*/endof*(date[, offset]): `start(ticks, offset)` returns the start of the period that
/// lies `offset` periods after the one containing `ticks`. The end is the next start minus one tick.
template <typename Start>
ScalarBinder PeriodBoundaryBinder(std::string_view function, bool end, Start start) {
    return [function, end, start](std::span<const BindArg> args) -> Result<BoundScalar> {
        if (args[0].type != Type::kDateTime && !IsStringLike(args[0].type)) {
            return ArgumentTypeError(function, 0, "datetime", args[0].type);
        }
        if (args.size() > 1 && !IsIntegerType(args[1].type)) {
            return ArgumentTypeError(function, 1, "int or long (the offset)", args[1].type);
        }
        ScalarKernel kernel = [end, start](const KernelArgs& kernel_args, Column& out) -> Status {
            const Column& dates = *kernel_args.columns[0];
            const Column* offsets = kernel_args.columns.size() > 1 ? kernel_args.columns[1] : nullptr;
            ResizeOutput(out, kernel_args.rows);
            MergeNulls(out, dates);
            if (offsets != nullptr) {
                MergeNulls(out, *offsets);
            }
            for (size_t row = 0; row < kernel_args.rows; ++row) {
                if (out.IsNull(row)) {
                    continue;
                }
                const int64_t offset = offsets == nullptr ? 0 : offsets->ints[row];
                const std::optional<int64_t> boundary = start(dates.ints[row], end ? offset + 1 : offset);
                if (boundary && InRange(*boundary - (end ? 1 : 0))) {
                    out.ints[row] = *boundary - (end ? 1 : 0);
                } else {
                    MarkNull(out, row);
                }
            }
            return Status::Ok();
        };
        std::vector<Type> targets{Type::kDateTime};
        if (args.size() > 1) {
            targets.push_back(args[1].type);
        }
        return BoundScalar{Type::kDateTime, WithConvertedArguments(std::move(targets), std::move(kernel))};
    };
}

Status NowKernel(const KernelArgs& args, Column& out, bool subtract) {
    if (args.context == nullptr) {
        return Status(ErrorKind::kInternal, "now()/ago() evaluated without an evaluation context");
    }
    ResizeOutput(out, args.rows);
    const int64_t now = args.context->now_ticks;
    if (args.columns.empty()) {
        std::fill(out.ints.begin(), out.ints.end(), now);
        return Status::Ok();
    }
    const Column& spans = *args.columns[0];
    MergeNulls(out, spans);
    for (size_t row = 0; row < args.rows; ++row) {
        out.ints[row] = subtract ? now - spans.ints[row] : now + spans.ints[row];
    }
    return Status::Ok();
}

Result<BoundScalar> BindNowOrAgo(std::string_view function, bool subtract, std::span<const BindArg> args) {
    if (!args.empty() && args[0].type != Type::kTimeSpan && !IsStringLike(args[0].type)) {
        return ArgumentTypeError(function, 0, "timespan", args[0].type);
    }
    ScalarKernel kernel = [subtract](const KernelArgs& kernel_args, Column& out) {
        return NowKernel(kernel_args, out, subtract);
    };
    return BoundScalar{Type::kDateTime, WithConvertedArguments({Type::kTimeSpan}, std::move(kernel))};
}

Result<BoundScalar> BindDateTimeDiff(std::span<const BindArg> args) {
    UNMASK_ASSIGN_OR_RETURN(const Period period, ConstantPeriod("datetime_diff", args, 0, kDiffPeriods));
    for (size_t position = 1; position <= 2; ++position) {
        if (args[position].type != Type::kDateTime && !IsStringLike(args[position].type)) {
            return ArgumentTypeError("datetime_diff", position, "datetime", args[position].type);
        }
    }
    ScalarKernel kernel = [period](const KernelArgs& kernel_args, Column& out) -> Status {
        const Column& later = *kernel_args.columns[1];
        const Column& earlier = *kernel_args.columns[2];
        ResizeOutput(out, kernel_args.rows);
        MergeNulls(out, later);
        MergeNulls(out, earlier);
        for (size_t row = 0; row < kernel_args.rows; ++row) {
            if (!out.IsNull(row)) {
                out.ints[row] = DateTimeDiff(period, later.ints[row], earlier.ints[row]);
            }
        }
        return Status::Ok();
    };
    return BoundScalar{Type::kLong,
                       WithConvertedArguments({args[0].type, Type::kDateTime, Type::kDateTime}, std::move(kernel))};
}

Result<BoundScalar> BindDateTimeAdd(std::span<const BindArg> args) {
    UNMASK_ASSIGN_OR_RETURN(const Period period, ConstantPeriod("datetime_add", args, 0, kDiffPeriods));
    if (!IsIntegerType(args[1].type)) {
        return ArgumentTypeError("datetime_add", 1, "int or long (the amount)", args[1].type);
    }
    if (args[2].type != Type::kDateTime && !IsStringLike(args[2].type)) {
        return ArgumentTypeError("datetime_add", 2, "datetime", args[2].type);
    }
    ScalarKernel kernel = [period](const KernelArgs& kernel_args, Column& out) -> Status {
        const Column& amounts = *kernel_args.columns[1];
        const Column& dates = *kernel_args.columns[2];
        ResizeOutput(out, kernel_args.rows);
        MergeNulls(out, amounts);
        MergeNulls(out, dates);
        for (size_t row = 0; row < kernel_args.rows; ++row) {
            if (out.IsNull(row)) {
                continue;
            }
            const std::optional<int64_t> value = DateTimeAdd(period, amounts.ints[row], dates.ints[row]);
            if (value) {
                out.ints[row] = *value;
            } else {
                MarkNull(out, row);
            }
        }
        return Status::Ok();
    };
    return BoundScalar{Type::kDateTime,
                       WithConvertedArguments({args[0].type, args[1].type, Type::kDateTime}, std::move(kernel))};
}

Result<BoundScalar> BindDateTimePart(std::span<const BindArg> args) {
    UNMASK_ASSIGN_OR_RETURN(
        const Period period,
        ConstantPeriod("datetime_part", args, 0,
                       {Period::kYear, Period::kQuarter, Period::kMonth, Period::kWeekOfYear, Period::kDay,
                        Period::kDayOfYear, Period::kHour, Period::kMinute, Period::kSecond, Period::kMillisecond,
                        Period::kMicrosecond, Period::kNanosecond}));
    if (args[1].type != Type::kDateTime && !IsStringLike(args[1].type)) {
        return ArgumentTypeError("datetime_part", 1, "datetime", args[1].type);
    }
    ScalarKernel kernel = [period](const KernelArgs& kernel_args, Column& out) -> Status {
        const KernelArgs shifted{kernel_args.columns.subspan(1), kernel_args.constants.subspan(1), kernel_args.rows,
                                 kernel_args.context};
        return DateKernel([period](int64_t ticks) -> std::optional<int64_t> { return DateTimePart(period, ticks); })(
            shifted, out);
    };
    return BoundScalar{Type::kInt, WithConvertedArguments({args[0].type, Type::kDateTime}, std::move(kernel))};
}

/// unixtime_*_todatetime(number): `ticks_per_unit` ticks per input unit (0 for nanoseconds, which
/// divide by 100).
ScalarBinder UnixTimeBinder(std::string_view function, double ticks_per_unit) {
    return [function, ticks_per_unit](std::span<const BindArg> args) -> Result<BoundScalar> {
        if (!IsNumeric(args[0].type) && args[0].type != Type::kDynamic) {
            return ArgumentTypeError(function, 0, "a number", args[0].type);
        }
        ScalarKernel kernel = [ticks_per_unit](const KernelArgs& kernel_args, Column& out) -> Status {
            const Column& numbers = *kernel_args.columns[0];
            ResizeOutput(out, kernel_args.rows);
            MergeNulls(out, numbers);
            for (size_t row = 0; row < kernel_args.rows; ++row) {
                if (numbers.IsNull(row)) {
                    continue;
                }
                int64_t ticks = 0;
                if (numbers.type == Type::kReal) {
                    const double scaled = numbers.reals[row] * ticks_per_unit;
                    if (!std::isfinite(scaled) || std::fabs(scaled) > 9.2e18) {
                        MarkNull(out, row);
                        continue;
                    }
                    // Nanoseconds are truncated to the tick, like the integer path. Coarser units round,
                    // so that binary rounding cannot cut 0.1234567 seconds to 1234566 ticks.
                    ticks = ticks_per_unit < 1 ? static_cast<int64_t>(scaled) : std::llround(scaled);
                } else {
                    ticks = ticks_per_unit >= 1 ? numbers.ints[row] * static_cast<int64_t>(ticks_per_unit)
                                                : numbers.ints[row] / 100;
                }
                const int64_t result = kUnixEpochTicks + ticks;
                if (InRange(result)) {
                    out.ints[row] = result;
                } else {
                    MarkNull(out, row);
                }
            }
            return Status::Ok();
        };
        const Type input = args[0].type == Type::kDynamic ? Type::kReal : args[0].type;
        return BoundScalar{Type::kDateTime, WithConvertedArguments({input}, std::move(kernel))};
    };
}

// --- format_datetime ---------------------------------------------------------------------------

/// One element of a format_datetime() format: a specifier letter repeated `count` times, or
/// literal text when `letter` is 0.
struct FormatElement {
    char letter = 0;
    int count = 0;
    std::string literal;
};

std::vector<FormatElement> ParseDateFormat(std::string_view format) {
    std::vector<FormatElement> elements;
    size_t position = 0;
    while (position < format.size()) {
        const char c = format[position];
        if (std::string_view("dfFhHmMsyt").find(c) != std::string_view::npos) {
            size_t end = position;
            while (end < format.size() && format[end] == c) {
                ++end;
            }
            elements.push_back(FormatElement{c, static_cast<int>(end - position), {}});
            position = end;
        } else {
            if (elements.empty() || elements.back().letter != 0) {
                elements.push_back(FormatElement{});
            }
            elements.back().literal += c;
            ++position;
        }
    }
    return elements;
}

void AppendPadded(std::string& out, int64_t value, int width) {
    std::string digits = std::to_string(value);
    if (static_cast<int>(digits.size()) < width) {
        out.append(static_cast<size_t>(width) - digits.size(), '0');
    }
    out += digits;
}

void AppendFormatted(std::string& out, int64_t ticks, const std::vector<FormatElement>& elements) {
    const CivilTime civil = CivilFromTicks(ticks);
    for (const FormatElement& element : elements) {
        const int width = std::min(element.count, 2);
        switch (element.letter) {
        case 0:
            out += element.literal;
            break;
        case 'd':
            AppendPadded(out, civil.day, width);
            break;
        case 'h':
            AppendPadded(out, civil.hour % 12 == 0 ? 12 : civil.hour % 12, width);
            break;
        case 'H':
            AppendPadded(out, civil.hour, width);
            break;
        case 'm':
            AppendPadded(out, civil.minute, width);
            break;
        case 'M':
            AppendPadded(out, civil.month, width);
            break;
        case 's':
            AppendPadded(out, civil.second, width);
            break;
        case 'y':
            if (element.count <= 2) {
                AppendPadded(out, civil.year % 100, element.count);
            } else {
                AppendPadded(out, civil.year, element.count);
            }
            break;
        case 't':
            out += civil.hour < 12 ? 'A' : 'P';
            if (element.count > 1) {
                out += 'M';
            }
            break;
        case 'f':
        case 'F': {
            const int digits = std::min(element.count, 7);
            int64_t fraction = civil.fraction_ticks;
            for (int i = digits; i < 7; ++i) {
                fraction /= 10;
            }
            std::string text;
            AppendPadded(text, fraction, digits);
            if (element.letter == 'F') {
                while (!text.empty() && text.back() == '0') {
                    text.pop_back();
                }
            }
            out += text;
            break;
        }
        default:
            break;
        }
    }
}

Result<BoundScalar> BindFormatDateTime(std::span<const BindArg> args) {
    if (args[0].type != Type::kDateTime && !IsStringLike(args[0].type)) {
        return ArgumentTypeError("format_datetime", 0, "datetime", args[0].type);
    }
    ScalarKernel kernel = [](const KernelArgs& kernel_args, Column& out) -> Status {
        const Column& dates = *kernel_args.columns[0];
        const Column& formats = *kernel_args.columns[1];
        ResizeOutput(out, kernel_args.rows);
        StringArena& arena = out.NewArena();
        std::vector<FormatElement> elements;
        std::string_view parsed_format;
        std::string buffer;
        for (size_t row = 0; row < kernel_args.rows; ++row) {
            if (dates.IsNull(row)) {
                continue;
            }
            if (row == 0 || formats.strings[row] != parsed_format) {
                parsed_format = formats.strings[row];
                elements = ParseDateFormat(parsed_format);
            }
            buffer.clear();
            AppendFormatted(buffer, dates.ints[row], elements);
            out.strings[row] = arena.Add(buffer);
        }
        return Status::Ok();
    };
    return BoundScalar{Type::kString, WithConvertedArguments({Type::kDateTime, Type::kString}, std::move(kernel))};
}

std::optional<int64_t> Some(int64_t value) {
    return value;
}

/// make_datetime(year, month, day[, hour, minute[, second]]): null when a part is null or out of
/// range. The day must exist in the month, and a fraction of the second is kept to the tick.
Result<BoundScalar> BindMakeDateTime(std::span<const BindArg> args) {
    if (args.size() == 4) {
        return Status(ErrorKind::kType,
                      "make_datetime() takes 3, 5 or 6 arguments: year, month, day[, hour, minute[, second]]");
    }
    std::vector<Type> targets(args.size(), Type::kLong);
    for (size_t position = 0; position < args.size(); ++position) {
        if (!IsNumeric(args[position].type) && args[position].type != Type::kDynamic) {
            return ArgumentTypeError("make_datetime", position, "a number", args[position].type);
        }
        if (args[position].type == Type::kInt) {
            targets[position] = Type::kInt;
        }
    }
    if (args.size() == 6) {
        targets[5] = Type::kReal;
    }
    ScalarKernel kernel = [](const KernelArgs& kernel_args, Column& out) -> Status {
        ResizeOutput(out, kernel_args.rows);
        for (const Column* column : kernel_args.columns) {
            MergeNulls(out, *column);
        }
        for (size_t row = 0; row < kernel_args.rows; ++row) {
            if (out.IsNull(row)) {
                continue;
            }
            const auto part = [&](size_t position) {
                return kernel_args.columns[position]->ints[row];
            };
            const int64_t year = part(0);
            const int64_t month = part(1);
            const int64_t day = part(2);
            const int64_t hour = kernel_args.columns.size() > 3 ? part(3) : 0;
            const int64_t minute = kernel_args.columns.size() > 3 ? part(4) : 0;
            const double second = kernel_args.columns.size() > 5 ? kernel_args.columns[5]->reals[row] : 0.0;
            const bool valid = year >= 1 && year <= 9999 && month >= 1 && month <= 12 && day >= 1 &&
                               day <= DaysInMonth(year, static_cast<int>(month)) && hour >= 0 && hour <= 23 &&
                               minute >= 0 && minute <= 59 && second >= 0 && second < 60;
            if (!valid) {
                MarkNull(out, row);
                continue;
            }
            const int64_t days = DaysFromCivil(year, static_cast<int>(month), static_cast<int>(day));
            const int64_t second_ticks = std::llround(second * static_cast<double>(kTicksPerSecond));
            out.ints[row] = days * kTicksPerDay + hour * kTicksPerHour + minute * kTicksPerMinute + second_ticks;
        }
        return Status::Ok();
    };
    return BoundScalar{Type::kDateTime, WithConvertedArguments(std::move(targets), std::move(kernel))};
}

} // namespace

void AddDateTimeFunctions(std::vector<ScalarFunction>& table) {
    table.push_back(DefineFunction(
        "now", 0, 1, "now([offset]) -> datetime",
        "Returns the query's fixed current time (the same in every call of one query), plus an optional timespan.",
        "datetime_diff('second', now(2s), now())", "2",
        [](std::span<const BindArg> args) { return BindNowOrAgo("now", false, args); }));

    table.push_back(DefineFunction("ago", 1, 1, "ago(timespan) -> datetime", "Returns now() minus a timespan.",
                                   "datetime_diff('hour', now(), ago(1d))", "24",
                                   [](std::span<const BindArg> args) { return BindNowOrAgo("ago", true, args); }));

    table.push_back(DefineFunction(
        "datetime_diff", 3, 3, "datetime_diff(period, datetime1, datetime2) -> long",
        "Counts the period boundaries (year .. nanosecond; weeks start on Sunday) crossed from datetime2 to "
        "datetime1.",
        "datetime_diff('minute', datetime(2017-10-30 23:05:01), datetime(2017-10-30 23:00:59))", "5",
        BindDateTimeDiff));

    table.push_back(DefineFunction(
        "make_datetime", 3, 6, "make_datetime(year, month, day[, hour, minute[, second]]) -> datetime",
        "Builds a datetime from its parts; null when a part is out of range.",
        "make_datetime(2017, 10, 1, 12, 11, 0.1234567)", "2017-10-01T12:11:00.1234567Z", BindMakeDateTime));

    table.push_back(DefineFunction("datetime_add", 3, 3, "datetime_add(period, amount, datetime) -> datetime",
                                   "Adds amount periods (year .. nanosecond) to a datetime; months keep the day "
                                   "where it exists and clamp it to the month's last day otherwise.",
                                   "datetime_add('month', 1, datetime(2024-01-31))", "2024-02-29T00:00:00.0000000Z",
                                   BindDateTimeAdd));

    table.push_back(DefineFunction("datetime_part", 2, 2, "datetime_part(part, datetime) -> int",
                                   "Extracts a part (year, quarter, month, week_of_year, day, dayofyear, hour, "
                                   "minute, second, millisecond, microsecond, nanosecond) of a datetime.",
                                   "datetime_part(\"dayofyear\", datetime(2017-10-30 01:02:03.7654321))", "303",
                                   BindDateTimePart));
    AddAlias(table, "datetime_part", "datepart");

    table.push_back(DefineFunction("startofday", 1, 2, "startofday(date[, offset]) -> datetime",
                                   "Returns the start of the day, offset by days.",
                                   "startofday(datetime(2017-01-01 10:10:17), -1)", "2016-12-31T00:00:00.0000000Z",
                                   PeriodBoundaryBinder("startofday", false, [](int64_t ticks, int64_t offset) {
                                       return Some(StartOfDay(ticks) + offset * kTicksPerDay);
                                   })));

    table.push_back(DefineFunction("endofday", 1, 2, "endofday(date[, offset]) -> datetime",
                                   "Returns the last tick of the day, offset by days.",
                                   "endofday(datetime(2017-01-01 10:10:17), 1)", "2017-01-02T23:59:59.9999999Z",
                                   PeriodBoundaryBinder("endofday", true, [](int64_t ticks, int64_t offset) {
                                       return Some(StartOfDay(ticks) + offset * kTicksPerDay);
                                   })));

    table.push_back(DefineFunction("startofweek", 1, 2, "startofweek(date[, offset]) -> datetime",
                                   "Returns the start of the week (Sunday), offset by weeks.",
                                   "startofweek(datetime(2017-01-01 10:10:17), 1)", "2017-01-08T00:00:00.0000000Z",
                                   PeriodBoundaryBinder("startofweek", false, [](int64_t ticks, int64_t offset) {
                                       return Some(StartOfWeek(ticks) + offset * 7 * kTicksPerDay);
                                   })));

    table.push_back(DefineFunction("endofweek", 1, 2, "endofweek(date[, offset]) -> datetime",
                                   "Returns the last tick of the week (Saturday), offset by weeks.",
                                   "endofweek(datetime(2017-01-01 10:10:17))", "2017-01-07T23:59:59.9999999Z",
                                   PeriodBoundaryBinder("endofweek", true, [](int64_t ticks, int64_t offset) {
                                       return Some(StartOfWeek(ticks) + offset * 7 * kTicksPerDay);
                                   })));

    table.push_back(DefineFunction("startofmonth", 1, 2, "startofmonth(date[, offset]) -> datetime",
                                   "Returns the start of the month, offset by months.",
                                   "startofmonth(datetime(2017-01-31 10:10:17), 1)", "2017-02-01T00:00:00.0000000Z",
                                   PeriodBoundaryBinder("startofmonth", false, [](int64_t ticks, int64_t offset) {
                                       return AddMonths(StartOfMonth(ticks), offset);
                                   })));

    table.push_back(DefineFunction("endofmonth", 1, 2, "endofmonth(date[, offset]) -> datetime",
                                   "Returns the last tick of the month, offset by months.",
                                   "endofmonth(datetime(2024-02-10))", "2024-02-29T23:59:59.9999999Z",
                                   PeriodBoundaryBinder("endofmonth", true, [](int64_t ticks, int64_t offset) {
                                       return AddMonths(StartOfMonth(ticks), offset);
                                   })));

    table.push_back(DefineFunction("startofyear", 1, 2, "startofyear(date[, offset]) -> datetime",
                                   "Returns the start of the year, offset by years.",
                                   "startofyear(datetime(2017-06-15), -1)", "2016-01-01T00:00:00.0000000Z",
                                   PeriodBoundaryBinder("startofyear", false, [](int64_t ticks, int64_t offset) {
                                       return AddMonths(StartOfYear(ticks), offset * 12);
                                   })));

    table.push_back(DefineFunction("endofyear", 1, 2, "endofyear(date[, offset]) -> datetime",
                                   "Returns the last tick of the year, offset by years.",
                                   "endofyear(datetime(2017-06-15))", "2017-12-31T23:59:59.9999999Z",
                                   PeriodBoundaryBinder("endofyear", true, [](int64_t ticks, int64_t offset) {
                                       return AddMonths(StartOfYear(ticks), offset * 12);
                                   })));

    table.push_back(DefineFunction(
        "dayofweek", 1, 1, "dayofweek(date) -> timespan", "Returns the days since the preceding Sunday as a timespan.",
        "dayofweek(datetime(2024-03-13))", "3.00:00:00",
        DateBinder("dayofweek", Type::kTimeSpan, [](int64_t ticks) { return Some(DayOfWeek(ticks) * kTicksPerDay); })));

    table.push_back(DefineFunction(
        "dayofmonth", 1, 1, "dayofmonth(date) -> int", "Returns the day of the month.",
        "dayofmonth(datetime(2015-12-14))", "14",
        DateBinder("dayofmonth", Type::kInt, [](int64_t ticks) { return Some(CivilFromTicks(ticks).day); })));

    table.push_back(
        DefineFunction("dayofyear", 1, 1, "dayofyear(date) -> int", "Returns the day of the year, 1 for January 1.",
                       "dayofyear(datetime(2024-12-31))", "366",
                       DateBinder("dayofyear", Type::kInt, [](int64_t ticks) { return Some(DayOfYear(ticks)); })));

    table.push_back(DefineFunction(
        "hourofday", 1, 1, "hourofday(date) -> int", "Returns the hour, 0 to 23.",
        "hourofday(datetime(2015-12-14 18:54))", "18",
        DateBinder("hourofday", Type::kInt, [](int64_t ticks) { return Some(CivilFromTicks(ticks).hour); })));

    table.push_back(DefineFunction(
        "getmonth", 1, 1, "getmonth(date) -> int", "Returns the month, 1 to 12.", "getmonth(datetime(2015-10-12))",
        "10", DateBinder("getmonth", Type::kInt, [](int64_t ticks) { return Some(CivilFromTicks(ticks).month); })));
    AddAlias(table, "getmonth", "monthofyear");

    table.push_back(DefineFunction(
        "getyear", 1, 1, "getyear(date) -> int", "Returns the year.", "getyear(datetime(2015-10-12))", "2015",
        DateBinder("getyear", Type::kInt, [](int64_t ticks) { return Some(CivilFromTicks(ticks).year); })));

    table.push_back(DefineFunction(
        "week_of_year", 1, 1, "week_of_year(date) -> int",
        "Returns the ISO 8601 week number (week 1 holds the year's first Thursday).",
        "week_of_year(datetime(2000-01-01))", "52",
        DateBinder("week_of_year", Type::kInt, [](int64_t ticks) { return Some(IsoWeekOfYear(ticks)); })));

    table.push_back(DefineFunction(
        "unixtime_seconds_todatetime", 1, 1, "unixtime_seconds_todatetime(seconds) -> datetime",
        "Converts seconds since 1970-01-01 UTC to a datetime.", "unixtime_seconds_todatetime(1546300800)",
        "2019-01-01T00:00:00.0000000Z", UnixTimeBinder("unixtime_seconds_todatetime", kTicksPerSecond)));

    table.push_back(DefineFunction(
        "unixtime_milliseconds_todatetime", 1, 1, "unixtime_milliseconds_todatetime(milliseconds) -> datetime",
        "Converts milliseconds since 1970-01-01 UTC to a datetime.", "unixtime_milliseconds_todatetime(1546300800123)",
        "2019-01-01T00:00:00.1230000Z", UnixTimeBinder("unixtime_milliseconds_todatetime", kTicksPerMillisecond)));

    table.push_back(DefineFunction("unixtime_microseconds_todatetime", 1, 1,
                                   "unixtime_microseconds_todatetime(microseconds) -> datetime",
                                   "Converts microseconds since 1970-01-01 UTC to a datetime.",
                                   "unixtime_microseconds_todatetime(1546300800123456)", "2019-01-01T00:00:00.1234560Z",
                                   UnixTimeBinder("unixtime_microseconds_todatetime", kTicksPerMicrosecond)));

    table.push_back(DefineFunction(
        "unixtime_nanoseconds_todatetime", 1, 1, "unixtime_nanoseconds_todatetime(nanoseconds) -> datetime",
        "Converts nanoseconds since 1970-01-01 UTC to a datetime, truncated to 100 ns.",
        "unixtime_nanoseconds_todatetime(1546300800123456789)", "2019-01-01T00:00:00.1234567Z",
        UnixTimeBinder("unixtime_nanoseconds_todatetime", 0.01)));

    table.push_back(DefineFunction("format_datetime", 2, 2, "format_datetime(date, format) -> string",
                                   "Formats a datetime with the specifiers d, dd, f..fffffff, F..FFFFFFF, h, hh, H, "
                                   "HH, m, mm, M, MM, s, ss, y, yy, yyyy and tt; other characters are copied.",
                                   "format_datetime(datetime(2017-01-29 09:00:05), 'yy-MM-dd [hh:mm:ss tt]')",
                                   "17-01-29 [09:00:05 AM]", BindFormatDateTime));
}

} // namespace unmask::functions
