// Conversion functions: tostring, todouble/toreal, tolong, toint, tobool, todatetime, totimespan.
#include <gtest/gtest.h>

#include "functions_test_util.h"

namespace unmask::functions {
namespace {

using testing::ApplyFunction;
using testing::Bools;
using testing::DateTimes;
using testing::Dynamics;
using testing::Eval;
using testing::EvalType;
using testing::Integers;
using testing::Reals;
using testing::Strings;
using testing::TimeSpans;
using CellList = std::vector<std::string>;

TEST(ToString, EveryType) {
    EXPECT_EQ(Eval("tostring(123)"), "123");
    EXPECT_EQ(Eval("tostring(1.0)"), "1");
    EXPECT_EQ(Eval("tostring(0.1)"), "0.1");
    EXPECT_EQ(Eval("tostring(true)"), "true");
    EXPECT_EQ(Eval("tostring(datetime(2015-12-31 23:59:59.9))"), "2015-12-31T23:59:59.9000000Z");
    EXPECT_EQ(Eval("tostring(1.5h)"), "01:30:00");
    EXPECT_EQ(Eval("tostring(-1d)"), "-1.00:00:00");
    EXPECT_EQ(Eval("tostring(parse_json('\"plain\"'))"), "plain") << "a dynamic string loses its quotes";
    EXPECT_EQ(Eval("tostring(parse_json('{\"a\": [1, \"x\", null]}'))"), "{\"a\":[1,\"x\",null]}");
    EXPECT_EQ(Eval("tostring(parse_json('true'))"), "true");
    EXPECT_EQ(Eval("tostring(long(null))"), "");
    EXPECT_EQ(Eval("tostring(dynamic(null))"), "");
    EXPECT_EQ(Eval("tostring(real(nan))"), "NaN");
    EXPECT_EQ(EvalType("tostring(1)"), Type::kString);
    EXPECT_EQ(ApplyFunction("tostring", {Bools({true, std::nullopt})}), (CellList{"true", ""}));
}

TEST(ToDouble, NumbersTextAndDynamics) {
    EXPECT_EQ(Eval("toreal(\"123.4\") == 123.4"), "True");
    EXPECT_EQ(Eval("todouble(\" 1e3 \")"), "1000");
    EXPECT_EQ(Eval("todouble(\"+2.5\")"), "2.5");
    EXPECT_EQ(Eval("todouble(\"NaN\")"), "NaN");
    EXPECT_EQ(Eval("todouble(\"-Infinity\")"), "-Infinity");
    EXPECT_EQ(Eval("todouble(\"1e999\")"), "Infinity");
    EXPECT_EQ(Eval("todouble(\"abc\")"), "null");
    EXPECT_EQ(Eval("todouble(\"\")"), "null");
    EXPECT_EQ(Eval("todouble(\"0x10\")"), "null");
    EXPECT_EQ(Eval("todouble(int(3))"), "3");
    EXPECT_EQ(Eval("todouble(true)"), "1");
    EXPECT_EQ(Eval("todouble(parse_json('{\"n\":2.5}').n)"), "2.5");
    EXPECT_EQ(Eval("todouble(parse_json('{\"n\":\"2.5\"}').n)"), "2.5");
    EXPECT_EQ(Eval("todouble(parse_json('[1]'))"), "null");
    // Timespans and datetimes convert to their 100 ns ticks.
    EXPECT_EQ(Eval("todouble(1ms)"), "10000");
}

TEST(ToLong, TruncatesAndRejectsFractionText) {
    EXPECT_EQ(Eval("tolong(\"123\") == 123"), "True");
    EXPECT_EQ(Eval("tolong(2.9)"), "2");
    EXPECT_EQ(Eval("tolong(-2.9)"), "-2");
    EXPECT_EQ(Eval("tolong(\"1.5\")"), "null");
    EXPECT_EQ(Eval("tolong(\"9223372036854775808\")"), "null");
    EXPECT_EQ(Eval("tolong(1e30)"), "null");
    EXPECT_EQ(Eval("tolong(real(nan))"), "null");
    EXPECT_EQ(Eval("tolong(1s)"), "10000000");
    EXPECT_EQ(Eval("tolong(datetime(0001-01-01 00:00:01))"), "10000000");
    EXPECT_EQ(Eval("tolong(parse_json('42'))"), "42");
    EXPECT_EQ(Eval("tolong(parse_json('\"42\"'))"), "42");
    EXPECT_EQ(Eval("tolong(parse_json('4.7'))"), "4");
    EXPECT_EQ(ApplyFunction("tolong", {Strings({"7", " 8 ", "x", ""})}), (CellList{"7", "8", "null", "null"}));
}

TEST(ToInt, RangeOf32Bits) {
    EXPECT_EQ(Eval("toint(\"123\") == 123"), "True");
    EXPECT_EQ(Eval("toint(2.3)"), "2");
    EXPECT_EQ(EvalType("toint(2.3)"), Type::kInt);
    EXPECT_EQ(Eval("toint(2147483647)"), "2147483647");
    EXPECT_EQ(Eval("toint(2147483648)"), "null");
    EXPECT_EQ(Eval("toint(-2147483649)"), "null");
}

TEST(ToBool, TextAndNumbers) {
    EXPECT_EQ(Eval("tobool(\"true\") == true"), "True");
    EXPECT_EQ(Eval("tobool(\"false\") == false"), "True");
    EXPECT_EQ(Eval("tobool(1) == true"), "True");
    EXPECT_EQ(Eval("tobool(123) == true"), "True");
    EXPECT_EQ(Eval("tobool(0)"), "False");
    EXPECT_EQ(Eval("toboolean(\"False\")"), "False");
    EXPECT_EQ(Eval("tobool(\"yes\")"), "null");
    EXPECT_EQ(Eval("tobool(parse_json('{\"established\":\"true\"}').established)"), "True");
    EXPECT_EQ(Eval("tobool(datetime(2024-01-01))"), "null");
}

TEST(ToDateTime, TextFormsAndFailures) {
    EXPECT_EQ(Eval("todatetime(\"2015-12-31 23:59:59.9\")"), "2015-12-31T23:59:59.9000000Z");
    EXPECT_EQ(Eval("todatetime(\"2023-12-21T19:04:59.0109752Z\")"), "2023-12-21T19:04:59.0109752Z");
    EXPECT_EQ(Eval("todatetime(\"Sat, 8 Nov 2014 15:05:02 GMT\")"), "2014-11-08T15:05:02.0000000Z");
    EXPECT_EQ(Eval("todatetime(\"2015-02-30\")"), "null");
    EXPECT_EQ(Eval("todatetime(\"soon\")"), "null");
    EXPECT_EQ(Eval("todatetime(5)"), "null");
    EXPECT_EQ(Eval("todatetime(parse_json('{\"a b c\":\"2015-01-01\"}')['a b c'])"), "2015-01-01T00:00:00.0000000Z");
    EXPECT_EQ(ApplyFunction("todatetime", {DateTimes({"2024-01-01", ""})}),
              (CellList{"2024-01-01T00:00:00.0000000Z", "null"}));
}

TEST(ToTimeSpan, TextAndTimeSpans) {
    EXPECT_EQ(Eval("totimespan(\"0.00:03:00\")"), "00:03:00");
    EXPECT_EQ(Eval("totimespan(4d)"), "4.00:00:00");
    EXPECT_EQ(Eval("totimespan(5 * 1h)"), "05:00:00");
    EXPECT_EQ(Eval("totimespan(\"1.5h\")"), "01:30:00");
    EXPECT_EQ(Eval("totime(\"00:00:20\")"), "00:00:20");
    EXPECT_EQ(Eval("totimespan(\"later\")"), "null");
    EXPECT_EQ(ApplyFunction("totimespan", {TimeSpans({"", "00:01:00"})}), (CellList{"null", "00:01:00"}));
}

TEST(Conversions, NullsStayNull) {
    EXPECT_EQ(ApplyFunction("todouble", {Integers({std::nullopt, 2})}), (CellList{"null", "2"}));
    EXPECT_EQ(ApplyFunction("tolong", {Reals({std::nullopt})}), (CellList{"null"}));
    EXPECT_EQ(ApplyFunction("tobool", {Dynamics({""})}), (CellList{"null"}));
}

} // namespace
} // namespace unmask::functions
