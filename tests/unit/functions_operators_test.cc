// Arithmetic, comparison, logical and unary operators: Kusto's type rules and null rules.
#include <gtest/gtest.h>

#include "functions_test_util.h"

namespace unmask::functions {
namespace {

using testing::ApplyOperator;
using testing::Bools;
using testing::DateTimes;
using testing::Dynamics;
using testing::Eval;
using testing::EvalError;
using testing::EvalType;
using testing::Integers;
using testing::Reals;
using testing::Strings;
using testing::TimeSpans;
using Cells = std::vector<std::string>;

TEST(Arithmetic, IntegerResultTypes) {
    EXPECT_EQ(EvalType("1 + 2"), Type::kLong);
    EXPECT_EQ(EvalType("int(1) + int(2)"), Type::kLong);
    EXPECT_EQ(EvalType("int(1) * 2.0"), Type::kReal);
    EXPECT_EQ(EvalType("1 / 2.0"), Type::kReal);
    EXPECT_EQ(Eval("1 / 2"), "0");
    EXPECT_EQ(Eval("1.0 / 2"), "0.5");
    EXPECT_EQ(Eval("real(1) / 2"), "0.5");
}

TEST(Arithmetic, IntegerDivisionTruncatesTowardZero) {
    EXPECT_EQ(Eval("7 / 2"), "3");
    EXPECT_EQ(Eval("-7 / 2"), "-3");
    EXPECT_EQ(Eval("7 / -2"), "-3");
}

TEST(Arithmetic, DivisionByZero) {
    EXPECT_EQ(Eval("1 / 0"), "null");
    EXPECT_EQ(Eval("1 % 0"), "null");
    EXPECT_EQ(Eval("1.0 / 0"), "Infinity");
    EXPECT_EQ(Eval("-1.0 / 0"), "-Infinity");
    EXPECT_EQ(Eval("0.0 / 0.0"), "NaN");
    EXPECT_EQ(Eval("long(-9223372036854775808) / -1"), "null");
}

TEST(Arithmetic, ModuloIsNeverNegative) {
    EXPECT_EQ(Eval("14 % 12"), "2");
    EXPECT_EQ(Eval("-14 % 12"), "10");
    EXPECT_EQ(Eval("14 % -12"), "2");
    EXPECT_EQ(Eval("-14 % -12"), "10");
    EXPECT_EQ(Eval("-14.5 % 12"), "9.5");
    EXPECT_EQ(Eval("long(-9223372036854775808) % -1"), "0");
}

TEST(Arithmetic, OverflowWraps) {
    EXPECT_EQ(Eval("9223372036854775807 + 1"), "-9223372036854775808");
}

TEST(Arithmetic, NullPropagates) {
    const Column left = Integers({1, std::nullopt, 3});
    const Column right = Integers({10, 20, std::nullopt});
    EXPECT_EQ(ApplyOperator("+", left, right), (Cells{"11", "null", "null"}));
    EXPECT_EQ(ApplyOperator("*", left, Reals({2.5, 1, 1})), (Cells{"2.5", "null", "3"}));
}

TEST(Arithmetic, DateTimeAndTimeSpan) {
    EXPECT_EQ(Eval("datetime(1997-06-25) - datetime(1910-06-11)"), "31791.00:00:00");
    EXPECT_EQ(EvalType("datetime(2024-01-01) - datetime(2023-01-01)"), Type::kTimeSpan);
    EXPECT_EQ(Eval("datetime(1910-06-11) + 1d"), "1910-06-12T00:00:00.0000000Z");
    EXPECT_EQ(Eval("1d + datetime(1910-06-11)"), "1910-06-12T00:00:00.0000000Z");
    EXPECT_EQ(Eval("datetime(2024-01-01) - 1h"), "2023-12-31T23:00:00.0000000Z");
    EXPECT_EQ(Eval("1d + 2d"), "3.00:00:00");
    EXPECT_EQ(Eval("1d - 2d"), "-1.00:00:00");
    EXPECT_EQ(Eval("1.5 * 1h"), "01:30:00");
    EXPECT_EQ(Eval("1h * 2"), "02:00:00");
    EXPECT_EQ(Eval("2 * 1h"), "02:00:00");
    EXPECT_EQ(Eval("1h / 2"), "00:30:00");
    EXPECT_EQ(Eval("1h / 0.5"), "02:00:00");
    EXPECT_EQ(Eval("1d / 5h"), "4.8");
    EXPECT_EQ(Eval("1h / 1s"), "3600");
    EXPECT_EQ(EvalType("1h / 1s"), Type::kReal);
    EXPECT_EQ(Eval("(datetime(2019-01-07 21:45:31) - datetime(1970-01-01)) / 1s"), "1546897531");
    EXPECT_EQ(Eval("datetime(1970-01-01) + 1546897531 * 1s"), "2019-01-07T21:45:31.0000000Z");
    EXPECT_EQ(Eval("25h % 1d"), "01:00:00");
}

TEST(Arithmetic, InvalidOperandsAreTypeErrors) {
    const Status added = EvalError("datetime(2024-01-01) + datetime(2024-01-01)");
    EXPECT_EQ(added.kind(), ErrorKind::kType);
    EXPECT_NE(added.message().find("datetime"), std::string::npos) << added.message();
    EXPECT_EQ(EvalError("\"a\" + 1").kind(), ErrorKind::kType);
    EXPECT_EQ(EvalError("true + 1").kind(), ErrorKind::kType);
}

TEST(Arithmetic, DynamicOperands) {
    EXPECT_EQ(Eval("parse_json('5') + 1"), "6");
    EXPECT_EQ(EvalType("parse_json('5') + 1"), Type::kLong);
    EXPECT_EQ(Eval("parse_json('2.5') * 2.0"), "5");
    EXPECT_EQ(Eval("parse_json('\"2024-01-02\"') - datetime(2024-01-01)"), "1.00:00:00");
    EXPECT_EQ(Eval("datetime(2024-01-01) + parse_json('\"1.00:00:00\"')"), "2024-01-02T00:00:00.0000000Z");
    EXPECT_EQ(Eval("parse_json('[1, 2.5]')[0] + parse_json('[1, 2.5]')[1]"), "3.5");
    EXPECT_EQ(EvalType("parse_json('1') + parse_json('2')"), Type::kDynamic);
    EXPECT_EQ(Eval("parse_json('1') + parse_json('\"x\"')"), "null");
}

TEST(Arithmetic, UnaryMinus) {
    EXPECT_EQ(Eval("-(2 + 3)"), "-5");
    EXPECT_EQ(Eval("-(1.5 * 1)"), "-1.5");
    EXPECT_EQ(Eval("-(1h + 1s)"), "-01:00:01");
    EXPECT_EQ(Eval("-parse_json('4')"), "-4");
    EXPECT_EQ(Eval("-long(null)"), "null");
    EXPECT_EQ(EvalError("-\"a\"").kind(), ErrorKind::kType);
}

TEST(Comparison, EqualityNullRules) {
    const Column left = Integers({5, std::nullopt, std::nullopt, 5});
    const Column right = Integers({5, 3, std::nullopt, 4});
    EXPECT_EQ(ApplyOperator("==", left, right), (Cells{"True", "False", "null", "False"}));
    EXPECT_EQ(ApplyOperator("!=", left, right), (Cells{"False", "True", "null", "True"}));
    EXPECT_EQ(ApplyOperator(">", left, right), (Cells{"False", "null", "null", "True"}));
    EXPECT_EQ(ApplyOperator("<=", left, right), (Cells{"True", "null", "null", "False"}));
}

TEST(Comparison, NumbersAcrossTypes) {
    EXPECT_EQ(Eval("int(1) == 1"), "True");
    EXPECT_EQ(Eval("1 == 1.0"), "True");
    EXPECT_EQ(Eval("1 < 1.5"), "True");
    EXPECT_EQ(Eval("2.5 >= int(3)"), "False");
    EXPECT_EQ(Eval("real(nan) == real(nan)"), "False");
    EXPECT_EQ(Eval("real(nan) != 1.0"), "True");
    const Column ports = Integers({443, 80, std::nullopt}, Type::kInt);
    EXPECT_EQ(ApplyOperator("==", ports, Integers({443, 443, 443}), true), (Cells{"True", "False", "False"}));
}

TEST(Comparison, StringsAreOrdinal) {
    EXPECT_EQ(Eval("\"aBc\" == \"aBc\""), "True");
    EXPECT_EQ(Eval("\"abc\" != \"ABC\""), "True");
    EXPECT_EQ(Eval("\"B\" == \"b\""), "False");
    EXPECT_EQ(Eval("\"é\" != \"e\""), "True");
    const Column names = Strings({"", "Public", "public"});
    EXPECT_EQ(ApplyOperator("==", names, Strings({"Public", "Public", "Public"}), true),
              (Cells{"False", "True", "False"}));
}

TEST(Comparison, DateTimesTimeSpansAndBools) {
    EXPECT_EQ(Eval("datetime(2024-01-01) < datetime(2024-01-02)"), "True");
    EXPECT_EQ(Eval("10s < 1h"), "True");
    EXPECT_EQ(Eval("true == true"), "True");
    EXPECT_EQ(Eval("true != false"), "True");
    const Column times = DateTimes({"2024-03-10T11:00:00Z", "2024-03-09T11:00:00Z", ""});
    EXPECT_EQ(
        ApplyOperator(">", times, DateTimes({"2024-03-09T12:00:00Z", "2024-03-09T12:00:00Z", "2024-03-09T12:00:00Z"})),
        (Cells{"True", "False", "null"}));
}

TEST(Comparison, MismatchedTypesAreTypeErrors) {
    const Status status = EvalError("\"5\" == 5");
    EXPECT_EQ(status.kind(), ErrorKind::kType);
    EXPECT_NE(status.message().find("string"), std::string::npos) << status.message();
    EXPECT_EQ(EvalError("datetime(2024-01-01) > 1h").kind(), ErrorKind::kType);
    EXPECT_EQ(EvalError("true < false").kind(), ErrorKind::kType);
    const Status ordered_strings = EvalError("\"a\" < \"b\"");
    EXPECT_EQ(ordered_strings.kind(), ErrorKind::kType) << "Kusto orders strings only with strcmp()";
    EXPECT_NE(ordered_strings.message().find("strcmp"), std::string::npos) << ordered_strings.message();
    EXPECT_EQ(EvalError("parse_json('\"a\"') < \"b\"").kind(), ErrorKind::kType);
}

TEST(Comparison, DynamicWithTypedOperand) {
    EXPECT_EQ(Eval("parse_json('{\"direction\":\"Out\"}').direction == \"Out\""), "True");
    EXPECT_EQ(Eval("parse_json('{\"direction\":\"Out\"}').direction == \"out\""), "False");
    EXPECT_EQ(Eval("parse_json('{\"n\":443}').n == 443"), "True");
    EXPECT_EQ(Eval("parse_json('{\"n\":\"443\"}').n == 443"), "True");
    EXPECT_EQ(Eval("parse_json('{\"n\":2.5}').n > 1"), "True");
    EXPECT_EQ(Eval("todouble(parse_json('{\"n\":2.5}').n) > 1"), "True");
    EXPECT_EQ(Eval("parse_json('{\"n\":2.5}').missing > 1"), "null");
    EXPECT_EQ(Eval("parse_json('{\"n\":2.5}').missing == 1"), "False");
    EXPECT_EQ(Eval("parse_json('{\"t\":\"2024-01-01T00:00:00Z\"}').t == datetime(2024-01-01)"), "True");
    EXPECT_EQ(EvalError("parse_json('{\"t\":1}').t < datetime(2024-06-01)").kind(), ErrorKind::kType);
}

TEST(Comparison, DynamicWithDynamic) {
    const Column left = Dynamics({"1", "\"a\"", "[1,2]", "", "1", "\"a\""});
    const Column right = Dynamics({"1.0", "\"a\"", "[1,2]", "", "", "1"});
    EXPECT_EQ(ApplyOperator("==", left, right), (Cells{"True", "True", "True", "null", "False", "False"}));
    EXPECT_EQ(ApplyOperator("<", left, right), (Cells{"False", "False", "null", "null", "null", "null"}));
    EXPECT_EQ(ApplyOperator(">=", Dynamics({"2", "\"b\""}), Dynamics({"1.5", "\"a\""})), (Cells{"True", "True"}));
}

TEST(CaseInsensitiveEquality, AsciiOnly) {
    EXPECT_EQ(Eval("\"abc\" =~ \"ABC\""), "True");
    EXPECT_EQ(Eval("\"aBc\" !~ \"xyz\""), "True");
    EXPECT_EQ(Eval("\"MsMpEng.exe\" =~ \"msmpeng.EXE\""), "True");
    EXPECT_EQ(Eval("\"Ärger\" =~ \"ärger\""), "False") << "Kusto folds ASCII letters only";
    EXPECT_EQ(Eval("parse_json('{\"a\":\"X\"}').a =~ \"x\""), "True");
    EXPECT_EQ(EvalError("1 =~ 1").kind(), ErrorKind::kType);
}

TEST(Logical, ThreeValuedTruthTables) {
    const Column left = Bools({true, true, true, false, false, false, std::nullopt, std::nullopt, std::nullopt});
    const Column right = Bools({true, false, std::nullopt, true, false, std::nullopt, true, false, std::nullopt});
    EXPECT_EQ(ApplyOperator("and", left, right),
              (Cells{"True", "False", "null", "False", "False", "False", "null", "False", "null"}));
    EXPECT_EQ(ApplyOperator("or", left, right),
              (Cells{"True", "True", "True", "True", "False", "null", "True", "null", "null"}));
}

TEST(Logical, NullComparisonInsideOr) {
    // where ConnectionCount >= 3 or BytesSent > 50000, with BytesSent null
    EXPECT_EQ(Eval("5 >= 3 or long(null) > 50000"), "True");
    EXPECT_EQ(Eval("1 >= 3 or long(null) > 50000"), "null");
    EXPECT_EQ(Eval("1 >= 3 and long(null) > 50000"), "False");
    EXPECT_EQ(EvalError("1 and true").kind(), ErrorKind::kType);
}

TEST(BinaryOperator, UnknownOperatorIsNotImplemented) {
    Result<BoundScalar> bound = BindBinaryOperator("like", BindArg{Type::kString}, BindArg{Type::kString});
    ASSERT_FALSE(bound.ok());
    EXPECT_EQ(bound.status().kind(), ErrorKind::kNotImplemented);
    EXPECT_NE(bound.status().message().find("like"), std::string::npos);
}

TEST(Arithmetic, TimeSpanColumnsWithNulls) {
    const Column spans = TimeSpans({"01:00:00", "", "1.00:00:00"});
    EXPECT_EQ(ApplyOperator("/", spans, TimeSpans({"00:30:00", "00:30:00", "00:00:00"})),
              (Cells{"2", "null", "Infinity"}));
}

} // namespace
} // namespace unmask::functions
