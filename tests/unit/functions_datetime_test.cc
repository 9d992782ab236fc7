// Datetime functions: datetime_diff (calendar boundaries), bin, startof*/endof*, parts,
// datetime_add, format_datetime, now/ago and unixtime conversions.
#include <gtest/gtest.h>

#include "functions_test_util.h"

namespace unmask::functions {
namespace {

using testing::ApplyFunction;
using testing::DateTimes;
using testing::Eval;
using testing::EvalError;
using testing::EvalType;
using testing::Integers;
using testing::Reals;
using testing::Strings;
using testing::TimeSpans;
using CellList = std::vector<std::string>;

TEST(DateTimeDiff, DocumentedExamples) {
    const std::vector<std::pair<std::string, std::string>> cases{
        {"'year',datetime(2017-01-01),datetime(2000-12-31)", "17"},
        {"'quarter',datetime(2017-07-01),datetime(2017-03-30)", "2"},
        {"'month',datetime(2017-01-01),datetime(2015-12-30)", "13"},
        {"'week',datetime(2017-10-29 00:00),datetime(2017-09-30 23:59)", "5"},
        {"'day',datetime(2017-10-29 00:00),datetime(2017-09-30 23:59)", "29"},
        {"'hour',datetime(2017-10-31 01:00),datetime(2017-10-30 23:59)", "2"},
        {"'minute',datetime(2017-10-30 23:05:01),datetime(2017-10-30 23:00:59)", "5"},
        {"'second',datetime(2017-10-30 23:00:10.100),datetime(2017-10-30 23:00:00.900)", "10"},
        {"'millisecond',datetime(2017-10-30 23:00:00.200100),datetime(2017-10-30 23:00:00.100900)", "100"},
        {"'microsecond',datetime(2017-10-30 23:00:00.1009001),datetime(2017-10-30 23:00:00.1008009)", "100"},
        {"'nanosecond',datetime(2017-10-30 23:00:00.0000000),datetime(2017-10-30 23:00:00.0000007)", "-700"},
    };
    for (const auto& [arguments, expected] : cases) {
        EXPECT_EQ(Eval("datetime_diff(" + arguments + ")"), expected) << arguments;
    }
}

TEST(DateTimeDiff, CountsBoundariesNotElapsedTime) {
    EXPECT_EQ(Eval("datetime_diff('minute', datetime(2024-01-01 10:01:00.1), datetime(2024-01-01 10:00:59.9))"), "1");
    EXPECT_EQ(Eval("datetime_diff('minute', datetime(2024-01-01 10:00:59.9), datetime(2024-01-01 10:00:00))"), "0");
    EXPECT_EQ(Eval("datetime_diff('minute', datetime(2024-01-01 10:00:00), datetime(2024-01-01 10:05:01))"), "-5");
    // 2017-09-30 is a Saturday and 2017-10-01 a Sunday: weeks start on Sunday.
    EXPECT_EQ(Eval("datetime_diff('week', datetime(2017-10-01), datetime(2017-09-30))"), "1");
    EXPECT_EQ(Eval("datetime_diff('week', datetime(2017-10-07), datetime(2017-10-01))"), "0");
    EXPECT_EQ(Eval("datetime_diff('WEEK', datetime(2017-09-30), datetime(2017-10-01))"), "-1");
    EXPECT_EQ(Eval("datetime_diff('Year', datetime(2017-01-01), datetime(2016-12-31 23:59:59.9999999))"), "1");
    EXPECT_EQ(Eval("datetime_diff('day', datetime(null), datetime(2024-01-01))"), "null");
}

TEST(DateTimeDiff, UnknownPeriodIsTypeError) {
    const Status status = EvalError("datetime_diff('fortnight', datetime(2024-01-01), datetime(2024-01-01))");
    EXPECT_EQ(status.kind(), ErrorKind::kType);
    EXPECT_NE(status.message().find("fortnight"), std::string::npos) << status.message();
}

TEST(Bin, NumbersDateTimesAndTimeSpans) {
    EXPECT_EQ(Eval("bin(4.5, 1)"), "4");
    EXPECT_EQ(EvalType("bin(4.5, 1)"), Type::kReal);
    EXPECT_EQ(Eval("bin(-4.5, 1)"), "-5");
    EXPECT_EQ(Eval("bin(17, 5)"), "15");
    EXPECT_EQ(Eval("bin(-17, 5)"), "-20");
    EXPECT_EQ(EvalType("bin(17, 5)"), Type::kLong);
    EXPECT_EQ(Eval("bin(time(16d), 7d)"), "14.00:00:00");
    EXPECT_EQ(Eval("bin(datetime(1970-05-11 13:45:07), 1d)"), "1970-05-11T00:00:00.0000000Z");
    EXPECT_EQ(Eval("bin(datetime(2024-03-10 12:34:56.789), 1h)"), "2024-03-10T12:00:00.0000000Z");
    EXPECT_EQ(Eval("floor(datetime(2024-03-10 12:34:56.789), 15m)"), "2024-03-10T12:30:00.0000000Z");
}

TEST(Bin, NullZeroAndNegativeSizesGiveNull) {
    EXPECT_EQ(ApplyFunction("bin", {Integers({7, 7, 7, std::nullopt}), Integers({0, -5, std::nullopt, 5})}),
              (CellList{"null", "null", "null", "null"}));
    EXPECT_EQ(ApplyFunction("bin", {Reals({7.5, 7.5}), Reals({0, -1})}), (CellList{"null", "null"}));
    EXPECT_EQ(ApplyFunction("bin", {DateTimes({"2024-01-01T05:00:00Z", ""}), TimeSpans({"1.00:00:00", "1.00:00:00"})}),
              (CellList{"2024-01-01T00:00:00.0000000Z", "null"}));
    EXPECT_EQ(EvalError("bin('a', 1)").kind(), ErrorKind::kType);
}

TEST(PeriodBoundaries, DocumentedOffsets) {
    EXPECT_EQ(Eval("startofweek(datetime(2017-01-01 10:10:17), -1)"), "2016-12-25T00:00:00.0000000Z");
    EXPECT_EQ(Eval("startofweek(datetime(2017-01-01 10:10:17))"), "2017-01-01T00:00:00.0000000Z");
    EXPECT_EQ(Eval("startofweek(datetime(2017-01-01 10:10:17), 1)"), "2017-01-08T00:00:00.0000000Z");
    EXPECT_EQ(Eval("startofweek(datetime(2025-06-14))"), "2025-06-08T00:00:00.0000000Z");
    EXPECT_EQ(Eval("endofday(datetime(2017-01-01 10:10:17), -1)"), "2016-12-31T23:59:59.9999999Z");
    EXPECT_EQ(Eval("startofday(datetime(2017-01-01 10:10:17), 1)"), "2017-01-02T00:00:00.0000000Z");
    EXPECT_EQ(Eval("startofmonth(datetime(2017-01-31), -1)"), "2016-12-01T00:00:00.0000000Z");
    EXPECT_EQ(Eval("endofmonth(datetime(2023-02-10))"), "2023-02-28T23:59:59.9999999Z");
    EXPECT_EQ(Eval("endofyear(datetime(2017-06-15), 1)"), "2018-12-31T23:59:59.9999999Z");
    EXPECT_EQ(Eval("startofday(datetime(0001-01-01 05:00), -1)"), "null");
    EXPECT_EQ(Eval("startofday(datetime(null))"), "null");
}

TEST(DateParts, DaysHoursMonthsYearsAndWeeks) {
    EXPECT_EQ(Eval("dayofweek(datetime(1947-11-30 10:00:05))"), "00:00:00");
    EXPECT_EQ(Eval("dayofweek(datetime(1970-05-11))"), "1.00:00:00");
    EXPECT_EQ(Eval("dayofweek(datetime(2024-03-16))"), "6.00:00:00");
    EXPECT_EQ(Eval("dayofmonth(datetime(2015-12-14))"), "14");
    EXPECT_EQ(Eval("dayofyear(datetime(2015-12-14))"), "348");
    EXPECT_EQ(Eval("hourofday(datetime(2015-12-14 18:54:00))"), "18");
    EXPECT_EQ(Eval("getmonth(datetime(2015-10-12))"), "10");
    EXPECT_EQ(Eval("monthofyear(datetime(2015-10-12))"), "10");
    EXPECT_EQ(Eval("getyear(datetime(2015-10-12))"), "2015");
    EXPECT_EQ(EvalType("getyear(datetime(2015-10-12))"), Type::kInt);
    EXPECT_EQ(Eval("week_of_year(datetime(2020-12-31))"), "53");
    EXPECT_EQ(Eval("week_of_year(datetime(2020-06-15))"), "25");
    EXPECT_EQ(Eval("week_of_year(datetime(1970-01-01))"), "1");
    EXPECT_EQ(Eval("week_of_year(datetime(2000-01-01))"), "52");
    EXPECT_EQ(Eval("week_of_year(datetime(2024-12-30))"), "1");
}

TEST(DateTimePart, DocumentedExample) {
    const std::string date = "datetime(2017-10-30 01:02:03.7654321)";
    const std::vector<std::pair<std::string, std::string>> cases{
        {"year", "2017"},
        {"quarter", "4"},
        {"month", "10"},
        {"week_of_year", "44"},
        {"day", "30"},
        {"dayOfYear", "303"},
        {"hour", "1"},
        {"minute", "2"},
        {"second", "3"},
        {"millisecond", "765"},
        {"microsecond", "765432"},
        {"nanosecond", "765432100"},
    };
    for (const auto& [part, expected] : cases) {
        EXPECT_EQ(Eval("datetime_part(\"" + part + "\", " + date + ")"), expected) << part;
    }
}

TEST(DateTimeAdd, DocumentedExamples) {
    const std::string date = "datetime(2017-01-01)";
    const std::vector<std::pair<std::string, std::string>> cases{
        {"'year',1", "2018-01-01T00:00:00.0000000Z"},    {"'quarter',1", "2017-04-01T00:00:00.0000000Z"},
        {"'month',1", "2017-02-01T00:00:00.0000000Z"},   {"'week',1", "2017-01-08T00:00:00.0000000Z"},
        {"'day',1", "2017-01-02T00:00:00.0000000Z"},     {"'hour',1", "2017-01-01T01:00:00.0000000Z"},
        {"'minute',1", "2017-01-01T00:01:00.0000000Z"},  {"'second',1", "2017-01-01T00:00:01.0000000Z"},
        {"'year',-5", "2012-01-01T00:00:00.0000000Z"},   {"'quarter',12", "2020-01-01T00:00:00.0000000Z"},
        {"'month',-15", "2015-10-01T00:00:00.0000000Z"}, {"'week',100", "2018-12-02T00:00:00.0000000Z"},
    };
    for (const auto& [arguments, expected] : cases) {
        EXPECT_EQ(Eval("datetime_add(" + arguments + ", " + date + ")"), expected) << arguments;
    }
    EXPECT_EQ(Eval("datetime_add('month', 1, datetime(2023-01-31 08:00))"), "2023-02-28T08:00:00.0000000Z");
    EXPECT_EQ(Eval("datetime_add('year', 9000, datetime(2023-01-31))"), "null");
}

TEST(MakeDateTime, PartsAndInvalidDates) {
    EXPECT_EQ(Eval("make_datetime(2017, 10, 01)"), "2017-10-01T00:00:00.0000000Z");
    EXPECT_EQ(Eval("make_datetime(2017, 10, 01, 12, 10)"), "2017-10-01T12:10:00.0000000Z");
    EXPECT_EQ(Eval("make_datetime(2017, 10, 01, 12, 11, 0.1234567)"), "2017-10-01T12:11:00.1234567Z");
    EXPECT_EQ(Eval("make_datetime(2023, 2, 29)"), "null");
    EXPECT_EQ(Eval("make_datetime(2024, 13, 1)"), "null");
    EXPECT_EQ(Eval("make_datetime(2024, 1, 1, 24, 0)"), "null");
    EXPECT_EQ(Eval("make_datetime(long(null), 1, 1)"), "null");
    EXPECT_EQ(EvalError("make_datetime(2024, 1, 1, 5)").kind(), ErrorKind::kType);
}

TEST(FormatDateTime, DocumentedExamples) {
    const std::string date = "datetime(2017-01-29 09:00:05)";
    EXPECT_EQ(Eval("format_datetime(" + date + ", 'yy-MM-dd [HH:mm:ss]')"), "17-01-29 [09:00:05]");
    EXPECT_EQ(Eval("format_datetime(" + date + ", 'yyyy-M-dd [H:mm:ss]')"), "2017-1-29 [9:00:05]");
    EXPECT_EQ(Eval("format_datetime(" + date + ", 'yy-MM-dd [hh:mm:ss tt]')"), "17-01-29 [09:00:05 AM]");
    EXPECT_EQ(Eval("format_datetime(datetime(2009-06-15 13:45:30.6175425), 'h fffffff FFF ff tt')"),
              "1 6175425 617 61 PM");
    EXPECT_EQ(Eval("format_datetime(datetime(2009-06-15 13:45:30.05), 'F|ff')"), "|05");
    EXPECT_EQ(Eval("format_datetime(datetime(0900-01-01), 'y yy yyyy')"), "0 00 0900");
    EXPECT_EQ(Eval("format_datetime(datetime(null), 'yyyy')"), "");
}

TEST(NowAndAgo, UseTheQueryClock) {
    EXPECT_EQ(Eval("now()"), "2024-03-10T12:00:00.0000000Z");
    EXPECT_EQ(Eval("now(-2d)"), "2024-03-08T12:00:00.0000000Z");
    EXPECT_EQ(Eval("ago(1h)"), "2024-03-10T11:00:00.0000000Z");
    EXPECT_EQ(Eval("ago(-1h)"), "2024-03-10T13:00:00.0000000Z");
    EXPECT_EQ(Eval("ago(timespan(null))"), "null");
    EXPECT_EQ(Eval("datetime(2024-03-10 11:30) > ago(1h)"), "True");
    EXPECT_EQ(EvalError("ago(1)").kind(), ErrorKind::kType);
}

TEST(NowAndAgo, MissingContextIsInternalError) {
    const ScalarFunction* now = FindScalarFunction("now");
    ASSERT_NE(now, nullptr);
    Result<BoundScalar> bound = now->bind({});
    ASSERT_TRUE(bound.ok());
    KernelArgs args;
    args.rows = 1;
    Column out(Type::kDateTime);
    const Status status = bound->kernel(args, out);
    EXPECT_EQ(status.kind(), ErrorKind::kInternal);
}

TEST(UnixTime, SecondsMillisecondsAndReals) {
    EXPECT_EQ(Eval("unixtime_seconds_todatetime(1546300800)"), "2019-01-01T00:00:00.0000000Z");
    EXPECT_EQ(Eval("unixtime_seconds_todatetime(1546300800.25)"), "2019-01-01T00:00:00.2500000Z");
    EXPECT_EQ(Eval("unixtime_seconds_todatetime(-1)"), "1969-12-31T23:59:59.0000000Z");
    EXPECT_EQ(Eval("unixtime_milliseconds_todatetime(1546300800123)"), "2019-01-01T00:00:00.1230000Z");
    EXPECT_EQ(Eval("unixtime_seconds_todatetime(1e20)"), "null");
    EXPECT_EQ(Eval("unixtime_seconds_todatetime(real(nan))"), "null");
}

TEST(DateFunctions, StringArgumentsAreConverted) {
    EXPECT_EQ(ApplyFunction("getyear", {Strings({"2015-10-12", "not a date"})}), (CellList{"2015", "null"}));
}

} // namespace
} // namespace unmask::functions
