// Dynamic values: subscripts (also on strings holding JSON), parse_json, array, bag and series
// functions.
#include <gtest/gtest.h>

#include "functions_test_util.h"

namespace unmask::functions {
namespace {

using testing::ApplyFunction;
using testing::Cells;
using testing::Dynamics;
using testing::Eval;
using testing::EvalError;
using testing::EvalType;
using testing::Integers;
using testing::RunBound;
using testing::Strings;
using CellList = std::vector<std::string>;

CellList ApplyMember(const Column& base, const std::string& name) {
    Result<BoundScalar> bound = BindMember(BindArg{base.type, nullptr}, name);
    EXPECT_TRUE(bound.ok()) << bound.status().message();
    testing::Operand operand{base, std::nullopt};
    Result<Column> out = RunBound(bound.value(), {&operand});
    EXPECT_TRUE(out.ok()) << out.status().message();
    EXPECT_EQ(out->type, Type::kDynamic);
    return Cells(out.value());
}

TEST(Subscript, MemberOfStringHoldingJson) {
    // Defender exports keep AdditionalFields as a string holding JSON.
    const Column fields =
        Strings({R"({"direction":"Out","Source Mac":"aa:bb","n":5})", "{}", "not json", "", R"(["direction"])"});
    EXPECT_EQ(ApplyMember(fields, "direction"), (CellList{"\"Out\"", "null", "null", "null", "null"}));
    EXPECT_EQ(ApplyMember(fields, "Source Mac"), (CellList{"\"aa:bb\"", "null", "null", "null", "null"}));
    const Column unusual = Strings({R"({"direction":"Out",)", R"({"direction":"A","direction":"B"})",
                                    R"([{"direction":"x"}])", R"( {"direction" : {"a":[1,2.5,null]}} )"});
    EXPECT_EQ(ApplyMember(unusual, "direction"), (CellList{"null", "\"A\"", "null", "{\"a\":[1,2.5,null]}"}))
        << "truncated JSON is not JSON, the first duplicate key wins, an array has no properties";
    EXPECT_EQ(Eval("'{\"direction\":\"Out\"}'.direction == 'Out'"), "True");
    EXPECT_EQ(Eval("tostring('{\"a\":{\"b\":[10,20]}}'.a.b[1])"), "20");
}

TEST(Subscript, ArrayIndexes) {
    EXPECT_EQ(Eval("dynamic([100,101,102])[0]"), "100");
    EXPECT_EQ(Eval("dynamic([100,101,102])[-1]"), "102");
    EXPECT_EQ(Eval("dynamic([100,101,102])[-3]"), "100");
    EXPECT_EQ(Eval("dynamic([100,101,102])[3]"), "null");
    EXPECT_EQ(Eval("dynamic([100,101,102])[-4]"), "null");
    EXPECT_EQ(Eval("dynamic([100,101,102])['a']"), "null");
    EXPECT_EQ(Eval("dynamic({\"a1\":100, \"a b c\":\"2015-01-01\"})['a b c']"), "\"2015-01-01\"");
    EXPECT_EQ(Eval("dynamic({\"a\":1})[0]"), "null");
    EXPECT_EQ(Eval("dynamic(null).a"), "null");
    EXPECT_EQ(EvalType("dynamic([1])[0]"), Type::kDynamic);
}

TEST(Subscript, IndexFromColumnPerRow) {
    Result<BoundScalar> bound = BindIndex(BindArg{Type::kDynamic}, BindArg{Type::kDynamic});
    ASSERT_TRUE(bound.ok());
    const testing::Operand base{Dynamics({R"({"k":1})", "[5,6]", "[5,6]", R"({"k":1})"}), std::nullopt};
    const testing::Operand index{Dynamics({"\"k\"", "1", "\"k\"", ""}), std::nullopt};
    Result<Column> out = RunBound(bound.value(), {&base, &index});
    ASSERT_TRUE(out.ok());
    EXPECT_EQ(Cells(out.value()), (CellList{"1", "6", "null", "null"}));
}

TEST(Subscript, NonDynamicBaseIsTypeError) {
    EXPECT_EQ(EvalError("5[0]").kind(), ErrorKind::kType);
    EXPECT_EQ(EvalError("dynamic([1])[1.5]").kind(), ErrorKind::kType);
}

TEST(ParseJson, StringsDynamicsAndInvalidText) {
    EXPECT_EQ(Eval("parse_json('[43, 21, 65]')"), "[43,21,65]");
    EXPECT_EQ(Eval("parse_json('\"21\"')"), "\"21\"");
    EXPECT_EQ(Eval("gettype(parse_json('21'))"), "int");
    EXPECT_EQ(Eval("parse_json('not json')"), "\"not json\"");
    EXPECT_EQ(Eval("gettype(parse_json('not json'))"), "string");
    EXPECT_EQ(Eval("parse_json('')"), "null");
    EXPECT_EQ(Eval("parse_json(dynamic({\"a\":1}))"), "{\"a\":1}");
    EXPECT_EQ(Eval("parse_json('{\"value\":118.0}').value"), "118");
    EXPECT_EQ(Eval("todynamic('{\"a\":123, \"b\":\"{\\\\\"c\\\\\":456}\"}').b"), "\"{\\\"c\\\":456}\"");
    EXPECT_EQ(Eval("parse_json(tostring(parse_json('{\"a\":123, \"b\":\"{\\\\\"c\\\\\":456}\"}').b)).c"), "456");
}

TEST(ArrayFunctions, LengthAndSum) {
    EXPECT_EQ(ApplyFunction("array_length", {Dynamics({"[1,2,3,\"four\"]", "[]", "{}", "\"abc\"", ""})}),
              (CellList{"4", "0", "null", "null", "null"}));
    EXPECT_EQ(ApplyFunction("array_sum", {Dynamics({"[1,2,3,4]", "[1.5,2]", "[1,\"2\"]", "[1,null]", "[]", "5"})}),
              (CellList{"10", "3.5", "null", "null", "0", "null"}));
}

TEST(ArrayFunctions, Slice) {
    EXPECT_EQ(Eval("array_slice(dynamic([1,2,3]), 1, 2)"), "[2,3]");
    EXPECT_EQ(Eval("array_slice(dynamic([1,2,3,4,5]), 2, -1)"), "[3,4,5]");
    EXPECT_EQ(Eval("array_slice(dynamic([1,2,3,4,5]), -3, -2)"), "[3,4]");
    EXPECT_EQ(Eval("array_slice(dynamic([1,2,3,4,5]), 1, -1)"), "[2,3,4,5]");
    EXPECT_EQ(Eval("array_slice(dynamic([1,2,3,4,5]), 0, -2)"), "[1,2,3,4]");
    EXPECT_EQ(Eval("array_slice(dynamic([1,2,3]), 1, 10)"), "[2,3]");
    EXPECT_EQ(Eval("array_slice(dynamic([1,2,3]), -10, 0)"), "[1]");
    EXPECT_EQ(Eval("array_slice(dynamic([1,2,3]), 2, 1)"), "[]");
    EXPECT_EQ(Eval("array_slice(dynamic([1,2,3]), 5, 9)"), "[]");
    EXPECT_EQ(Eval("array_slice(dynamic([]), 0, -1)"), "[]");
    EXPECT_EQ(Eval("array_slice(dynamic({\"a\":1}), 0, 1)"), "null");
    EXPECT_EQ(Eval("array_slice(dynamic([1,2]), long(null), 1)"), "null");
}

TEST(ArrayFunctions, SortOrdersMixedTypesAndNulls) {
    EXPECT_EQ(Eval("array_sort_asc(dynamic([null,\"blue\",\"yellow\",\"green\",null]))"),
              "[\"blue\",\"green\",\"yellow\",null,null]");
    EXPECT_EQ(Eval("array_sort_asc(dynamic([null,\"blue\",\"yellow\",\"green\",null]), false)"),
              "[null,null,\"blue\",\"green\",\"yellow\"]");
    EXPECT_EQ(Eval("array_sort_asc(split(\"John,Paul,Jane,Kao\", \",\"))"), "[\"Jane\",\"John\",\"Kao\",\"Paul\"]");
    EXPECT_EQ(Eval("array_sort_asc(dynamic([true, \"b\", [1], 2.5, 1, \"a\"]))"), "[1,2.5,\"a\",\"b\",true,[1]]");
    EXPECT_EQ(Eval("array_sort_desc(dynamic([1, 3, null, 2]))"), "[3,2,1,null]");
    EXPECT_EQ(Eval("array_sort_asc(pack_array(datetime(2024-01-02), datetime(2024-01-01)))"),
              "[\"2024-01-01T00:00:00.0000000Z\",\"2024-01-02T00:00:00.0000000Z\"]");
    EXPECT_EQ(Eval("array_sort_asc(dynamic(\"x\"))"), "null");
    EXPECT_EQ(EvalError("array_sort_asc(dynamic([1]), dynamic([2]))").kind(), ErrorKind::kNotImplemented);
}

TEST(ArrayFunctions, ConcatReverseAndPack) {
    EXPECT_EQ(Eval("array_concat(pack_array(1, 2, 4), pack_array(1, 2))"), "[1,2,4,1,2]");
    EXPECT_EQ(Eval("array_concat(dynamic([1]), dynamic({\"a\":1}))"), "null");
    EXPECT_EQ(Eval("array_reverse(dynamic([1, [2, 3]]))"), "[[2,3],1]");
    EXPECT_EQ(Eval("pack_array(1, tostring(2), 2 * 1s)"), "[1,\"2\",\"00:00:02\"]");
    EXPECT_EQ(Eval("bag_pack(\"Level\", \"Information\", \"ProcessID\", 1234, \"Data\", bag_pack(\"url\", "
                   "\"www.bing.com\"))"),
              "{\"Level\":\"Information\",\"ProcessID\":1234,\"Data\":{\"url\":\"www.bing.com\"}}");
    EXPECT_EQ(Eval("pack(\"a\", 1, \"a\", long(null))"), "{\"a\":null}");
    EXPECT_EQ(EvalError("bag_pack(\"a\", 1, \"b\")").kind(), ErrorKind::kType);
    EXPECT_EQ(EvalError("bag_pack(1, 1)").kind(), ErrorKind::kType);
}

TEST(ArrayFunctions, IndexOfDocumentedExamples) {
    const std::string array = "dynamic([\"this\", \"is\", \"an\", \"example\", \"an\", \"example\"])";
    const std::vector<std::pair<std::string, std::string>> cases{
        {"\"an\"", "2"},           {"\"example\",1,3", "3"},  {"\"example\",1,2", "-1"},     {"\"is\",2,4", "-1"},
        {"\"example\",2,-1", "3"}, {"\"an\", 1, -1, 2", "4"}, {"\"an\", 1, -1, 3", "-1"},    {"\"an\", -3", "4"},
        {"\"is\", -4", "-1"},      {"\"an\", 0, -2", "null"}, {"\"an\", 0, -1, -1", "null"},
    };
    for (const auto& [arguments, expected] : cases) {
        EXPECT_EQ(Eval("array_index_of(" + array + ", " + arguments + ")"), expected) << arguments;
    }
    EXPECT_EQ(Eval("array_index_of(dynamic([1, 2.0, 3]), 2)"), "1") << "numbers compare by value";
    EXPECT_EQ(Eval("set_has_element(dynamic([\"this\", \"is\", \"an\", \"example\"]), \"example\")"), "True");
    EXPECT_EQ(Eval("set_has_element(dynamic([\"this\"]), \"This\")"), "False");
    EXPECT_EQ(Eval("set_has_element(dynamic({\"a\":1}), \"a\")"), "null");
}

TEST(BagFunctions, KeysAndHasKey) {
    EXPECT_EQ(ApplyFunction("bag_keys", {Dynamics({R"({"a":"b","c":123})", R"({"a":"b","c":[{"d":123}]})", "", "{}",
                                                   "\"a\"", "[]"})}),
              (CellList{"[\"a\",\"c\"]", "[\"a\",\"c\"]", "null", "[]", "null", "null"}));
    EXPECT_EQ(Eval("bag_has_key(dynamic({\"a\":1}), \"b\")"), "False");
    EXPECT_EQ(Eval("bag_has_key(dynamic([1]), \"a\")"), "False");
}

TEST(SeriesFunctions, ElementWiseWithDifferentLengths) {
    EXPECT_EQ(Eval("series_subtract(dynamic([1,2,4]), dynamic([4,2,1]))"), "[-3,0,3]");
    EXPECT_EQ(Eval("series_add(dynamic([1,2,4]), dynamic([4,2,1]))"), "[5,4,5]");
    EXPECT_EQ(Eval("series_subtract(dynamic([1,\"a\",null,4]), dynamic([1,1,1]))"), "[0,null,null,null]");
    EXPECT_EQ(Eval("series_subtract(10, dynamic([1, 2.5]))"), "[9,7.5]");
    EXPECT_EQ(Eval("series_subtract(dynamic([]), dynamic([]))"), "[]");
    EXPECT_EQ(Eval("series_subtract(dynamic({\"a\":1}), dynamic([1]))"), "null");
    EXPECT_EQ(EvalError("series_subtract(1, 2)").kind(), ErrorKind::kType);
}

TEST(SeriesFunctions, DateTimeElementsGiveTicks) {
    // make_list(Timestamp) contains datetimes, whose differences are numbers of 100 ns ticks.
    const std::string times = "pack_array(datetime(2024-01-01 00:00:00), datetime(2024-01-01 00:01:00), "
                              "datetime(2024-01-01 00:01:00.0000001))";
    const std::string differences =
        "series_subtract(array_slice(" + times + ", 1, -1), array_slice(" + times + ", 0, -2))";
    EXPECT_EQ(Eval("tolong(" + differences + "[0])"), "600000000");
    EXPECT_EQ(Eval("tolong(" + differences + "[1])"), "1");
    EXPECT_EQ(Eval("gettype(" + differences + "[0])"), "real");
    EXPECT_EQ(Eval("array_sum(series_subtract(dynamic([3, 7]), dynamic([1, 2])))"), "7");
}

TEST(SeriesFunctions, StatsUseSampleVariance) {
    const std::string series = "dynamic([23, 46, 23, 87, 4, 8, 3, 75, 2, 56, 13, 75, 32, 16, 29])";
    EXPECT_EQ(Eval("todouble(series_stats_dynamic(" + series + ")['stdev'])"), "28.50363385354827");
    EXPECT_EQ(Eval("todouble(series_stats_dynamic(" + series + ").variance)"), "812.4571428571429");
    EXPECT_EQ(Eval("series_stats_dynamic(dynamic([5]))"),
              "{\"min\":5,\"min_idx\":0,\"max\":5,\"max_idx\":0,\"avg\":5,\"stdev\":0,\"variance\":0,\"sum\":5,"
              "\"len\":1}");
    EXPECT_EQ(Eval("series_stats_dynamic(dynamic([1, null, 3]))"),
              "{\"min\":null,\"min_idx\":null,\"max\":null,\"max_idx\":null,\"avg\":null,\"stdev\":null,"
              "\"variance\":null,\"sum\":null,\"len\":3}");
    EXPECT_EQ(Eval("series_stats_dynamic(dynamic([1, null, 3]), true)"),
              "{\"min\":1,\"min_idx\":0,\"max\":3,\"max_idx\":2,\"avg\":2,\"stdev\":1.4142135623730951,\"variance\":2,"
              "\"sum\":4,\"len\":3}");
    EXPECT_EQ(Eval("series_stats_dynamic(dynamic([]))"),
              "{\"min\":null,\"min_idx\":null,\"max\":null,\"max_idx\":null,\"avg\":null,\"stdev\":null,"
              "\"variance\":null,\"sum\":0,\"len\":0}");
    EXPECT_EQ(Eval("series_stats_dynamic(dynamic(\"x\"))"), "null");
}

TEST(DynamicFunctions, NullArgumentsGiveNull) {
    EXPECT_EQ(ApplyFunction("array_reverse", {Dynamics({""})}), (CellList{"null"}));
    EXPECT_EQ(ApplyFunction("array_index_of", {Dynamics({"[1]"}), Integers({std::nullopt})}), (CellList{"null"}));
}

} // namespace
} // namespace unmask::functions
