// Checks the scalar function table: every entry is documented, and its example expression,
// evaluated through bind + kernel, gives exactly its example_result.
#include <set>

#include <gtest/gtest.h>

#include "functions_test_util.h"

namespace unmask::functions {
namespace {

using testing::EvaluateExample;

TEST(FunctionRegistry, EveryExampleGivesItsResult) {
    for (const ScalarFunction& function : AllScalarFunctions()) {
        SCOPED_TRACE(function.name + ": " + function.example);
        Result<std::string> result = EvaluateExample(function.example);
        ASSERT_TRUE(result.ok()) << result.status().message();
        EXPECT_EQ(result.value(), function.example_result);
    }
}

TEST(FunctionRegistry, EntriesAreDocumented) {
    for (const ScalarFunction& function : AllScalarFunctions()) {
        SCOPED_TRACE(function.name);
        EXPECT_FALSE(function.signature.empty());
        EXPECT_TRUE(function.signature.starts_with(function.name + "("));
        EXPECT_FALSE(function.description.empty());
        EXPECT_TRUE(function.example.find(function.name + "(") != std::string::npos)
            << "the example does not call the function";
        EXPECT_LE(function.min_args, function.max_args);
        EXPECT_TRUE(function.bind != nullptr);
    }
}

TEST(FunctionRegistry, NamesAreUniqueAndFound) {
    std::set<std::string> seen;
    for (const std::string& name : ScalarFunctionNames()) {
        EXPECT_TRUE(seen.insert(name).second) << "duplicate function " << name;
        const ScalarFunction* function = FindScalarFunction(name);
        ASSERT_NE(function, nullptr) << name;
        EXPECT_EQ(function->name, name);
    }
    EXPECT_EQ(FindScalarFunction("no_such_function"), nullptr);
    EXPECT_EQ(FindScalarFunction("ToString"), nullptr) << "function names are case-sensitive";
}

TEST(FunctionRegistry, RequiredFunctionsExist) {
    for (const char* name : {"ago",
                             "now",
                             "datetime_diff",
                             "bin",
                             "floor",
                             "todouble",
                             "toreal",
                             "tolong",
                             "toint",
                             "tostring",
                             "todatetime",
                             "totimespan",
                             "tobool",
                             "toboolean",
                             "tolower",
                             "toupper",
                             "strcat",
                             "strlen",
                             "substring",
                             "trim",
                             "isempty",
                             "isnotempty",
                             "isnull",
                             "isnotnull",
                             "iff",
                             "iif",
                             "case",
                             "not",
                             "coalesce",
                             "parse_json",
                             "todynamic",
                             "array_length",
                             "array_slice",
                             "array_sum",
                             "array_sort_asc",
                             "array_sort_desc",
                             "array_concat",
                             "array_index_of",
                             "set_has_element",
                             "pack_array",
                             "pack",
                             "bag_pack",
                             "bag_keys",
                             "series_subtract",
                             "series_add",
                             "series_stats_dynamic",
                             "extract",
                             "extract_all",
                             "split",
                             "replace_string",
                             "replace_regex",
                             "indexof",
                             "countof",
                             "reverse",
                             "url_decode",
                             "parse_url",
                             "ipv4_is_private",
                             "ipv4_is_in_range",
                             "format_datetime",
                             "startofday",
                             "startofweek",
                             "endofday",
                             "dayofweek",
                             "hourofday",
                             "getmonth",
                             "getyear",
                             "abs",
                             "round",
                             "sqrt",
                             "log",
                             "exp",
                             "pow",
                             "min_of",
                             "max_of",
                             "gettype"}) {
        EXPECT_NE(FindScalarFunction(name), nullptr) << name;
    }
}

TEST(FunctionRegistry, WrongArgumentCountIsTypeError) {
    const ScalarFunction* strlen_function = FindScalarFunction("strlen");
    ASSERT_NE(strlen_function, nullptr);
    const std::vector<BindArg> none;
    Result<BoundScalar> bound = strlen_function->bind(none);
    ASSERT_FALSE(bound.ok());
    EXPECT_EQ(bound.status().kind(), ErrorKind::kType);
    EXPECT_NE(bound.status().message().find("strlen"), std::string::npos) << bound.status().message();
}

} // namespace
} // namespace unmask::functions
