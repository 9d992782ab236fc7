// Conditional, null-testing, numeric and network functions.
#include <gtest/gtest.h>

#include "functions_test_util.h"

namespace unmask::functions {
namespace {

using testing::ApplyFunction;
using testing::Bools;
using testing::Dynamics;
using testing::Eval;
using testing::EvalError;
using testing::EvalType;
using testing::Integers;
using testing::Reals;
using testing::Strings;
using CellList = std::vector<std::string>;

TEST(Iff, NullConditionTakesElseBranch) {
    EXPECT_EQ(
        ApplyFunction("iff", {Bools({true, false, std::nullopt}), Strings({"a", "a", "a"}), Strings({"b", "b", "b"})}),
        (CellList{"a", "b", "b"}));
    EXPECT_EQ(Eval("iif(1 > 2, 'x', 'y')"), "y");
    EXPECT_EQ(EvalType("iff(true, int(1), 2)"), Type::kLong);
    EXPECT_EQ(EvalType("iff(true, 1, 2.5)"), Type::kReal);
    EXPECT_EQ(Eval("iff(true, long(null), 2)"), "null");
    EXPECT_EQ(Eval("iff(true, parse_json('{\"a\":\"x\"}').a, 'y')"), "x");
    EXPECT_EQ(EvalType("iff(true, parse_json('1'), 'y')"), Type::kString);
    EXPECT_EQ(EvalType("iff(true, parse_json('1'), parse_json('2'))"), Type::kDynamic);
}

TEST(Iff, MismatchedBranchesAreTypeErrors) {
    const Status status = EvalError("iff(true, 'a', 1)");
    EXPECT_EQ(status.kind(), ErrorKind::kType);
    EXPECT_NE(status.message().find("iff"), std::string::npos) << status.message();
    EXPECT_EQ(EvalError("iff(1, 'a', 'b')").kind(), ErrorKind::kType);
}

TEST(Case, FirstTruePredicateWins) {
    const Column sizes = Integers({1, 3, 5, 11, std::nullopt});
    Result<Column> small = testing::CallOperator("<=", sizes, Integers({3, 3, 3, 3, 3}));
    Result<Column> medium = testing::CallOperator("<=", sizes, Integers({10, 10, 10, 10, 10}));
    ASSERT_TRUE(small.ok()) << small.status().message();
    ASSERT_TRUE(medium.ok()) << medium.status().message();
    const auto repeat = [](const std::string& text) {
        return Strings(CellList(5, text));
    };
    EXPECT_EQ(
        ApplyFunction("case", {small.value(), repeat("Small"), medium.value(), repeat("Medium"), repeat("Large")}),
        (CellList{"Small", "Small", "Medium", "Large", "Large"}));
    EXPECT_EQ(EvalError("case(true, 1)").kind(), ErrorKind::kType);
    EXPECT_EQ(EvalError("case(true, 1, 2, 3)").kind(), ErrorKind::kType);
}

TEST(Coalesce, FirstNonNullOrNonEmpty) {
    EXPECT_EQ(Eval("coalesce(tolong(\"not a number\"), tolong(\"42\"), 33)"), "42");
    EXPECT_EQ(Eval("coalesce('', 'b', 'c')"), "b");
    EXPECT_EQ(Eval("coalesce('', '')"), "");
    EXPECT_EQ(Eval("coalesce(long(null), long(null))"), "null");
    EXPECT_EQ(Eval("coalesce(parse_json(''), parse_json('[1]'))"), "[1]");
    EXPECT_EQ(Eval("coalesce(real(null), int(7))"), "7");
}

TEST(Not, ReversesAndKeepsNull) {
    EXPECT_EQ(ApplyFunction("not", {Bools({true, false, std::nullopt})}), (CellList{"False", "True", "null"}));
    EXPECT_EQ(Eval("not('' in~ ('a.exe'))"), "True");
    EXPECT_EQ(EvalError("not(1)").kind(), ErrorKind::kType);
}

TEST(NullTests, DocumentedTables) {
    EXPECT_EQ(Eval("isnull('')"), "False");
    EXPECT_EQ(Eval("isnull('x')"), "False");
    EXPECT_EQ(Eval("isnull(parse_json(''))"), "True");
    EXPECT_EQ(Eval("isnull(parse_json('[]'))"), "False");
    EXPECT_EQ(Eval("isnull(parse_json('{}'))"), "False");
    EXPECT_EQ(Eval("isempty('')"), "True");
    EXPECT_EQ(Eval("isempty('x')"), "False");
    EXPECT_EQ(Eval("isempty(parsejson(''))"), "True");
    EXPECT_EQ(Eval("isempty(parsejson('[]'))"), "False");
    EXPECT_EQ(Eval("isempty(parsejson('{}'))"), "False");
    EXPECT_EQ(Eval("isempty(parse_json('\"\"'))"), "True");
    EXPECT_EQ(ApplyFunction("isnull", {Integers({5, std::nullopt})}), (CellList{"False", "True"}));
    EXPECT_EQ(ApplyFunction("isnotnull", {Reals({std::nullopt, 0})}), (CellList{"False", "True"}));
    EXPECT_EQ(ApplyFunction("isnotempty", {Dynamics({"", "{}", "\"\""})}), (CellList{"False", "True", "False"}));
    EXPECT_EQ(ApplyFunction("isempty", {Integers({std::nullopt, 0})}), (CellList{"True", "False"}));
}

TEST(MinOfMaxOf, NonNullValuesTakePrecedence) {
    EXPECT_EQ(Eval("min_of(10, 1, -3, 17)"), "-3");
    const Column a = Integers({5, 10, std::nullopt, 1, std::nullopt}, Type::kInt);
    const Column b = Integers({2, 1, 3, std::nullopt, std::nullopt}, Type::kInt);
    EXPECT_EQ(ApplyFunction("min_of", {a, b}), (CellList{"2", "1", "3", "1", "null"}));
    EXPECT_EQ(ApplyFunction("max_of", {a, b}), (CellList{"5", "10", "3", "1", "null"}));
    EXPECT_EQ(Eval("max_of(1, 2.5)"), "2.5");
    EXPECT_EQ(Eval("min_of('b', 'a', 'c')"), "a");
    EXPECT_EQ(Eval("max_of(1h, 2m)"), "01:00:00");
    EXPECT_EQ(Eval("min_of(real(nan), 2.0)"), "2");
    EXPECT_EQ(EvalError("min_of(1, 'a')").kind(), ErrorKind::kType);
}

TEST(GetType, ScalarAndDynamicValues) {
    EXPECT_EQ(Eval("gettype(\"a\")"), "string");
    EXPECT_EQ(Eval("gettype(111)"), "long");
    EXPECT_EQ(Eval("gettype(1==1)"), "bool");
    EXPECT_EQ(Eval("gettype(now())"), "datetime");
    EXPECT_EQ(Eval("gettype(1s)"), "timespan");
    EXPECT_EQ(Eval("gettype(parse_json('1'))"), "int");
    EXPECT_EQ(Eval("gettype(parse_json('10000000000'))"), "long");
    EXPECT_EQ(Eval("gettype(parse_json(' \"abc\" '))"), "string");
    EXPECT_EQ(Eval("gettype(parse_json(' {\"abc\":1} '))"), "dictionary");
    EXPECT_EQ(Eval("gettype(parse_json(' [1, 2, 3] '))"), "array");
    EXPECT_EQ(Eval("gettype(123.45)"), "real");
    EXPECT_EQ(Eval("gettype(parse_json(''))"), "null");
}

TEST(Math, RoundingAndFunctions) {
    EXPECT_EQ(Eval("round(2.98765, 3)"), "2.988");
    EXPECT_EQ(Eval("round(2.15, 1)"), "2.2");
    EXPECT_EQ(Eval("round(2.15)"), "2");
    EXPECT_EQ(Eval("round(-50.55, -2)"), "-100");
    EXPECT_EQ(Eval("round(21.5, -1)"), "20");
    EXPECT_EQ(Eval("round(-2.5)"), "-3");
    EXPECT_EQ(Eval("round(1250, -2)"), "1300");
    EXPECT_EQ(Eval("round(-1250, -2)"), "-1300");
    EXPECT_EQ(Eval("round(1249, -2)"), "1200");
    EXPECT_EQ(EvalType("round(1249, -2)"), Type::kLong);
    EXPECT_EQ(Eval("abs(-5)"), "5");
    EXPECT_EQ(Eval("abs(-2.5)"), "2.5");
    EXPECT_EQ(Eval("abs(-1h)"), "01:00:00");
    EXPECT_EQ(Eval("sqrt(-1)"), "null");
    EXPECT_EQ(Eval("log(5)"), "1.6094379124341003");
    EXPECT_EQ(Eval("log(-1)"), "null");
    EXPECT_EQ(Eval("log(0)"), "-Infinity");
    EXPECT_EQ(Eval("exp(2)"), "7.38905609893065");
    EXPECT_EQ(Eval("pow(2, 0.5)"), "1.4142135623730951");
    EXPECT_EQ(Eval("ceiling(1.1)"), "2");
    EXPECT_EQ(Eval("sign(0)"), "0");
    EXPECT_EQ(Eval("isnan(1.0 / 0)"), "False");
    EXPECT_EQ(Eval("isinf(1.0 / 0)"), "True");
    EXPECT_EQ(Eval("isfinite(real(null))"), "null");
}

TEST(Ipv4, PrivateRangesAndPrefixes) {
    EXPECT_EQ(Eval("ipv4_is_private('192.168.1.1/24')"), "True");
    EXPECT_EQ(Eval("ipv4_is_private('10.1.2.3/24')"), "True");
    EXPECT_EQ(Eval("ipv4_is_private('202.1.2.3')"), "False");
    EXPECT_EQ(Eval("ipv4_is_private('127.0.0.1')"), "False");
    EXPECT_EQ(Eval("ipv4_is_private('172.32.0.1')"), "False");
    EXPECT_EQ(Eval("ipv4_is_private('172.16.0.1')"), "True");
    EXPECT_EQ(Eval("ipv4_is_private('::ffff:10.0.0.1')"), "null");
    EXPECT_EQ(Eval("ipv4_is_private('256.1.1.1')"), "null");
    EXPECT_EQ(Eval("ipv4_is_private('')"), "null");
    EXPECT_EQ(Eval("ipv4_is_private('10.1.2.3/33')"), "null");
}

TEST(Ipv4, RangesAndMatches) {
    EXPECT_EQ(Eval("ipv4_is_in_range('192.168.1.1', '192.168.1.1')"), "True");
    EXPECT_EQ(Eval("ipv4_is_in_range('192.168.1.1', '192.168.1.255/24')"), "True");
    EXPECT_EQ(Eval("ipv4_is_in_range('192.168.2.1', '192.168.1.255/24')"), "False");
    EXPECT_EQ(Eval("ipv4_is_in_range('192.168.2.1', '0.0.0.0/0')"), "True");
    EXPECT_EQ(Eval("ipv4_is_in_range('x', '10.0.0.0/8')"), "null");
    EXPECT_EQ(Eval("ipv4_is_in_any_range('192.168.1.6', '192.168.1.1/24', '10.0.0.1/8', '127.1.0.1/16')"), "True");
    EXPECT_EQ(Eval("ipv4_is_in_any_range(\"127.0.0.1\", dynamic([\"127.0.0.1\", \"192.168.1.1\"]))"), "True");
    EXPECT_EQ(ApplyFunction("ipv4_is_in_any_range", {Strings({"10.1.2.3", "192.168.1.5", "123.1.11.21", "1.1.1.1"}),
                                                     Dynamics({R"(["192.168.1.1/16","127.0.0.1/8","10.0.0.1/8"])",
                                                               R"(["192.168.1.1/16","127.0.0.1/8","10.0.0.1/8"])",
                                                               R"(["192.168.1.1/16","127.0.0.1/8","10.0.0.1/8"])",
                                                               R"(["192.168.1.1/16","127.0.0.1/8","10.0.0.1/8"])"})}),
              (CellList{"True", "True", "False", "False"}));
    EXPECT_EQ(Eval("ipv4_is_match('192.168.1.1/24', '192.168.1.255')"), "True");
    EXPECT_EQ(Eval("ipv4_is_match('192.168.1.1/30', '192.168.1.255/24')"), "True");
    EXPECT_EQ(Eval("ipv4_is_match('192.168.1.1', '192.168.1.0', 31)"), "True");
    EXPECT_EQ(Eval("ipv4_is_match('192.168.1.1', '192.168.1.255')"), "False");
    EXPECT_EQ(Eval("parse_ipv4('192.168.1.1')"), "3232235777");
    EXPECT_EQ(Eval("parse_ipv4('255.255.255.255/31')"), "4294967294");
}

TEST(Urls, DecodeAndParse) {
    EXPECT_EQ(Eval("url_decode('https%3a%2f%2fwww.bing.com%2f')"), "https://www.bing.com/");
    EXPECT_EQ(Eval("url_decode('100%25 %zz a+b %4')"), "100% %zz a+b %4");
    EXPECT_EQ(Eval("parse_url('scheme://username:password@host:1234/this/is/a/path?k1=v1&k2=v2#fragment')"),
              "{\"Scheme\":\"scheme\",\"Host\":\"host\",\"Port\":\"1234\",\"Path\":\"/this/is/a/path\","
              "\"Username\":\"username\",\"Password\":\"password\",\"Query Parameters\":{\"k1\":\"v1\",\"k2\":\"v2\"},"
              "\"Fragment\":\"fragment\"}");
    EXPECT_EQ(Eval("tostring(parse_url('http://[::1]:8080/x').Host)"), "[::1]");
    EXPECT_EQ(Eval("tostring(parse_url('www.example.com/a').Host)"), "");
}

} // namespace
} // namespace unmask::functions
