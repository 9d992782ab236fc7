// Set and range operators: in, !in, in~, !in~, has_any, has_all, between, !between.
#include <gtest/gtest.h>

#include "functions_test_util.h"

namespace unmask::functions {
namespace {

using testing::Cells;
using testing::DateTimes;
using testing::Dynamics;
using testing::Eval;
using testing::EvalError;
using testing::Integers;
using testing::Reals;
using testing::RunBound;
using testing::Strings;
using CellList = std::vector<std::string>;

/// Binds `op` with constant items and runs it over `left`.
CellList ApplyIn(std::string_view op, const Column& left, const std::vector<Value>& items) {
    Result<BoundScalar> bound = BindInOperator(op, BindArg{left.type, nullptr}, items);
    EXPECT_TRUE(bound.ok()) << bound.status().message();
    if (!bound.ok()) {
        return {};
    }
    EXPECT_EQ(bound->result_type, Type::kBool);
    testing::Operand operand{left, std::nullopt};
    Result<Column> out = RunBound(bound.value(), {&operand});
    EXPECT_TRUE(out.ok()) << out.status().message();
    return out.ok() ? Cells(out.value()) : CellList{};
}

DynamicPtr Json(std::string_view text) {
    return ParseJson(text).value();
}

TEST(InOperator, DocumentedExamples) {
    EXPECT_EQ(Eval("\"abc\" in (\"123\", \"345\", \"abc\")"), "True");
    EXPECT_EQ(Eval("\"bca\" !in (\"123\", \"345\", \"abc\")"), "True");
    EXPECT_EQ(Eval("\"Abc\" in~ (\"123\", \"345\", \"abc\")"), "True");
    EXPECT_EQ(Eval("\"bCa\" !in~ (\"123\", \"345\", \"ABC\")"), "True");
    EXPECT_EQ(Eval("\"Abc\" in (\"123\", \"345\", \"abc\")"), "False");
}

TEST(InOperator, StringsWithDynamicArrayItems) {
    const Column names = Strings({"MsMpEng.exe", "chrome.exe", "", "CHROME.EXE"});
    const std::vector<Value> items{Value::Dynamic(Json(R"(["msmpeng.exe", ["chrome.exe"]])"))};
    EXPECT_EQ(ApplyIn("in", names, items), (CellList{"False", "True", "False", "False"}));
    EXPECT_EQ(ApplyIn("in~", names, items), (CellList{"True", "True", "False", "True"}));
    EXPECT_EQ(ApplyIn("!in~", names, items), (CellList{"False", "False", "True", "False"}));
    EXPECT_EQ(ApplyIn("!in", names, items), (CellList{"True", "False", "True", "True"}));
}

TEST(InOperator, NumbersAndNullLeftValues) {
    const Column ports = Integers({443, 8080, 22, std::nullopt}, Type::kInt);
    const std::vector<Value> items{Value::Dynamic(Json("[443, 80]")), Value::Real(8080.0), Value::Long(9999)};
    EXPECT_EQ(ApplyIn("in", ports, items), (CellList{"True", "True", "False", "False"}));
    EXPECT_EQ(ApplyIn("!in", ports, items), (CellList{"False", "False", "True", "True"}));
    const Column reals = Reals({443.0, 443.5, std::nullopt});
    EXPECT_EQ(ApplyIn("in", reals, items), (CellList{"True", "False", "False"}));
    EXPECT_EQ(ApplyIn("in", Integers({1, 2}), {Value::Real(1.5), Value::Null(Type::kLong)}),
              (CellList{"False", "False"}));
}

TEST(InOperator, DateTimesAndDynamicLeft) {
    const Column times = DateTimes({"2024-01-01", "2024-01-02"});
    EXPECT_EQ(ApplyIn("in", times, {Value::DateTime(ParseDateTime("2024-01-02").value())}),
              (CellList{"False", "True"}));
    const Column fields = Dynamics({"\"Out\"", "443", "\"out\"", "", "2.5"});
    const std::vector<Value> items{Value::String("Out"), Value::Long(443), Value::Real(2.5)};
    EXPECT_EQ(ApplyIn("in", fields, items), (CellList{"True", "True", "False", "False", "True"}));
    EXPECT_EQ(ApplyIn("in~", fields, items), (CellList{"True", "True", "True", "False", "True"}));
    EXPECT_EQ(ApplyIn("!in", fields, items), (CellList{"False", "False", "True", "True", "False"}));
}

TEST(InOperator, CaseInsensitiveNeedsString) {
    Result<BoundScalar> bound = BindInOperator("in~", BindArg{Type::kLong}, {Value::Long(1)});
    ASSERT_FALSE(bound.ok());
    EXPECT_EQ(bound.status().kind(), ErrorKind::kType);
}

TEST(HasAny, DocumentedExamples) {
    EXPECT_EQ(Eval("\"North America\" has_any (\"south\", \"north\")"), "True");
    EXPECT_EQ(Eval("\"North and South America\" has_all (\"south\", \"north\")"), "True");
    EXPECT_EQ(Eval("\"North America\" has_all (\"south\", \"north\")"), "False");
    EXPECT_EQ(Eval("\"NORTH CAROLINA\" has_any (dynamic([\"south\", \"north\"]))"), "True");
    EXPECT_EQ(Eval("\"NORTHERN\" has_any (\"north\")"), "False");
}

TEST(HasAny, MultiTermNeedlesAndColumns) {
    const Column lines = Strings({"cmd.exe /c whoami", "powershell -enc", "mycmd.exe", "", "Invoke-WebRequest x"});
    const std::vector<Value> items{Value::Dynamic(Json(R"(["cmd.exe", "-enc", "invoke-webrequest", "CMD.EXE"])"))};
    EXPECT_EQ(ApplyIn("has_any", lines, items), (CellList{"True", "True", "False", "False", "True"}));
    EXPECT_EQ(ApplyIn("has_all", Strings({"a b c", "a c", "c-b-a"}), {Value::String("b"), Value::String("a")}),
              (CellList{"True", "False", "True"}));
    EXPECT_EQ(ApplyIn("has_all", Strings({"cmd.exe /c", "cmd.exe"}),
                      {Value::String("cmd.exe"), Value::String("/c"), Value::String("CMD")}),
              (CellList{"True", "False"}));
}

TEST(HasAny, DynamicLeftUsesItsText) {
    EXPECT_EQ(ApplyIn("has_any", Dynamics({R"(["alpha","beta"])", "", "\"gamma\""}),
                      {Value::String("beta"), Value::String("gamma")}),
              (CellList{"True", "False", "True"}));
}

TEST(Between, InclusiveNumbers) {
    EXPECT_EQ(Eval("50 between (50 .. 55)"), "True");
    EXPECT_EQ(Eval("55 between (50 .. 55)"), "True");
    EXPECT_EQ(Eval("56 between (50 .. 55)"), "False");
    EXPECT_EQ(Eval("56 !between (50 .. 55)"), "True");
    EXPECT_EQ(Eval("int(5) between (4.5 .. 5)"), "True");
    EXPECT_EQ(Eval("long(null) between (1 .. 5)"), "null");
    EXPECT_EQ(Eval("long(null) !between (1 .. 5)"), "null");
}

TEST(Between, DateTimesWithTimeSpanUpperBound) {
    EXPECT_EQ(Eval("datetime(2007-07-29) between (datetime(2007-07-27) .. 3d)"), "True");
    EXPECT_EQ(Eval("datetime(2007-07-30) between (datetime(2007-07-27) .. 3d)"), "True");
    EXPECT_EQ(Eval("datetime(2007-07-30 00:00:00.0000001) between (datetime(2007-07-27) .. 3d)"), "False");
    EXPECT_EQ(Eval("datetime(2007-07-28) between (datetime(2007-07-27) .. datetime(2007-07-30))"), "True");
    EXPECT_EQ(Eval("2h between (1h .. 3h)"), "True");
    EXPECT_EQ(Eval("parse_json('7') between (1 .. 10)"), "True");
}

TEST(Between, MismatchedTypesAreTypeErrors) {
    EXPECT_EQ(EvalError("'a' between (1 .. 2)").kind(), ErrorKind::kType);
    EXPECT_EQ(EvalError("1h between (datetime(2024-01-01) .. 1d)").kind(), ErrorKind::kType);
}

} // namespace
} // namespace unmask::functions
