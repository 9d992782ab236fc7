// String and regular-expression functions.
#include <gtest/gtest.h>

#include "functions_test_util.h"

namespace unmask::functions {
namespace {

using testing::ApplyFunction;
using testing::Dynamics;
using testing::Eval;
using testing::EvalError;
using testing::Integers;
using testing::Strings;
using CellList = std::vector<std::string>;

TEST(Strlen, CountsCodePoints) {
    EXPECT_EQ(Eval("strlen(\"hello\")"), "5");
    EXPECT_EQ(Eval("strlen(\"⒦⒰⒮⒯⒪\")"), "5");
    EXPECT_EQ(Eval("strlen('C\xCC\xA7"
                   "edilla')"),
              "8")
        << "a combining mark is its own code point";
    EXPECT_EQ(Eval("strlen('')"), "0");
    EXPECT_EQ(Eval("strlen(12345)"), "5");
    EXPECT_EQ(Eval("string_size('⒦')"), "3");
}

TEST(CaseMapping, AsciiAndCommonScripts) {
    EXPECT_EQ(Eval("tolower('MsMpEng.EXE')"), "msmpeng.exe");
    EXPECT_EQ(Eval("toupper('ärger ÿ σς')"), "ÄRGER Ÿ ΣΣ");
    EXPECT_EQ(Eval("tolower('ПРИВЕТ Ёж ĀĹŸ')"), "привет ёж āĺÿ");
    EXPECT_EQ(Eval("tolower('日本')"), "日本");
    EXPECT_EQ(Eval("tolower(parse_json('\"ABC\"'))"), "abc");
}

TEST(Strcat, ConvertsEveryArgument) {
    EXPECT_EQ(Eval("strcat(\"hello\", \" \", \"world\")"), "hello world");
    EXPECT_EQ(Eval("strcat('a', bool(null), 1h, parse_json('{\"k\":[1]}'), parse_json('\"s\"'))"),
              "a01:00:00{\"k\":[1]}s");
    EXPECT_EQ(Eval("strcat('x')"), "x");
    EXPECT_EQ(ApplyFunction("strcat", {Strings({"a", "b"}), Integers({1, std::nullopt})}), (CellList{"a1", "b"}));
}

TEST(Substring, DocumentedExamplesAndEdges) {
    EXPECT_EQ(Eval("substring(\"123456\", 1)"), "23456");
    EXPECT_EQ(Eval("substring(\"123456\", 2, 2)"), "34");
    EXPECT_EQ(Eval("substring(\"ABCD\", 0, 2)"), "AB");
    EXPECT_EQ(Eval("substring(\"123456\", -2, 2)"), "56");
    EXPECT_EQ(Eval("substring(\"123456\", 10)"), "");
    EXPECT_EQ(Eval("substring(\"123456\", 4, 10)"), "56");
    EXPECT_EQ(Eval("substring(\"123456\", 1, 0)"), "");
    EXPECT_EQ(Eval("substring(\"123456\", 1, -1)"), "");
    EXPECT_EQ(Eval("substring(\"héllo\", 1, 3)"), "éll");
    EXPECT_EQ(Eval("substring(\"123\", long(null))"), "");
}

TEST(IndexOf, DocumentedExamples) {
    const std::vector<std::pair<std::string, std::string>> cases{
        {"\"abcdefg\",\"cde\"", "2"},
        {"\"abcdefg\",\"cde\",1,4", "2"},
        {"\"abcdefg\",\"cde\",1,2", "-1"},
        {"\"abcdefg\",\"cde\",3,4", "-1"},
        {"\"abcdefg\",\"cde\",-5", "2"},
        {"1234567,5,1,4", "4"},
        {"\"abcdefg\",\"cde\",2,-1", "2"},
        {"\"abcdefgabcdefg\", \"cde\", 1, 10, 2", "9"},
        {"\"abcdefgabcdefg\", \"cde\", 1, -1, 3", "-1"},
        {"\"abc\",\"b\",0,-2", "null"},
        {"\"abc\",\"b\",0,-1,-1", "null"},
        {"\"héllo\",\"l\"", "2"},
        {"\"abc\",\"\"", "0"},
        {"\"abc\",\"c\",10", "-1"},
    };
    for (const auto& [arguments, expected] : cases) {
        EXPECT_EQ(Eval("indexof(" + arguments + ")"), expected) << arguments;
    }
}

TEST(CountOf, PlainOverlapsRegexDoesNot) {
    EXPECT_EQ(Eval("countof(\"aaa\", \"a\")"), "3");
    EXPECT_EQ(Eval("countof(\"aaaa\", \"aa\")"), "3");
    EXPECT_EQ(Eval("countof(\"ababa\", \"ab\", \"normal\")"), "2");
    EXPECT_EQ(Eval("countof(\"ababa\", \"aba\")"), "2");
    EXPECT_EQ(Eval("countof(\"ababa\", \"aba\", \"regex\")"), "1");
    EXPECT_EQ(Eval("countof(\"abcabc\", \"a.c\", \"regex\")"), "2");
    EXPECT_EQ(Eval("countof(\"abc\", \"\")"), "0");
    const Result<Column> per_row_kind =
        testing::CallFunction("countof", {Strings({"a1b22"}), Strings({"\\d+"}), Strings({"regex"})});
    ASSERT_FALSE(per_row_kind.ok()) << "kind must be a constant";
    EXPECT_EQ(per_row_kind.status().kind(), ErrorKind::kType);
    EXPECT_EQ(EvalError("countof('a', 'a', 'fuzzy')").kind(), ErrorKind::kType);
}

TEST(Strcmp, DocumentedExamples) {
    EXPECT_EQ(Eval("strcmp(\"ABC\", \"ABC\")"), "0");
    EXPECT_EQ(Eval("strcmp(\"abc\", \"ABC\")"), "1");
    EXPECT_EQ(Eval("strcmp(\"ABC\", \"abc\")"), "-1");
    EXPECT_EQ(Eval("strcmp(\"abcde\", \"abc\")"), "1");
    EXPECT_EQ(Eval("strcmp(\"\", \"a\")"), "-1");
}

TEST(Split, DocumentedExamples) {
    EXPECT_EQ(Eval("split(\"aa_bb\", \"_\")"), "[\"aa\",\"bb\"]");
    EXPECT_EQ(Eval("split(\"aaa_bbb_ccc\", \"_\", 1)"), "[\"bbb\"]");
    EXPECT_EQ(Eval("split(\"\", \"_\")"), "[\"\"]");
    EXPECT_EQ(Eval("split(\"a__b\", \"_\")"), "[\"a\",\"\",\"b\"]");
    EXPECT_EQ(Eval("split(\"aabbcc\", \"bb\")"), "[\"aa\",\"cc\"]");
    EXPECT_EQ(Eval("split(\"a_b\", \"_\", 5)"), "[]");
    EXPECT_EQ(Eval("split(\"a_b\", \"\")"), "[\"a_b\"]");
    EXPECT_EQ(Eval("split(\"a_b\", \"_\")[1]"), "\"b\"");
}

TEST(ReplaceString, NonOverlapping) {
    EXPECT_EQ(Eval("replace_string(\"A magic trick can turn a cat into a dog\", \"cat\", \"hamster\")"),
              "A magic trick can turn a hamster into a dog");
    EXPECT_EQ(Eval("replace_string(\"aaaa\", \"aa\", \"b\")"), "bb");
    EXPECT_EQ(Eval("replace_string(\"abc\", \"\", \"x\")"), "abc");
    EXPECT_EQ(Eval("replace_string(\"Number is 1\", \"is\", \"was\")"), "Number was 1");
}

TEST(Reverse, CodePointsAndConvertedValues) {
    EXPECT_EQ(Eval("reverse(\"ABCDEFGHIJKLMNOPQRSTUVWXYZ\")"), "ZYXWVUTSRQPONMLKJIHGFEDCBA");
    EXPECT_EQ(Eval("reverse(12345)"), "54321");
    EXPECT_EQ(Eval("reverse(123.45)"), "54.321");
    EXPECT_EQ(Eval("reverse(datetime(2017-10-15 12:00))"), "Z0000000.00:00:21T51-01-7102");
    EXPECT_EQ(Eval("reverse(3h)"), "00:00:30");
    EXPECT_EQ(Eval("reverse(\"aé€\")"), "€éa");
}

TEST(Strrep, RepeatsWithDelimiter) {
    EXPECT_EQ(Eval("strrep(\"ab\", 3)"), "ababab");
    EXPECT_EQ(Eval("strrep(123, 2, \",\")"), "123,123");
    EXPECT_EQ(Eval("strrep(\"ab\", 0)"), "");
    EXPECT_EQ(EvalError("strrep(\"ab\", 100000000000)").kind(), ErrorKind::kLimitExceeded);
}

TEST(StrcatArray, JoinsElementText) {
    EXPECT_EQ(Eval("strcat_array(dynamic([1, 2, 3]), \"->\")"), "1->2->3");
    EXPECT_EQ(Eval("strcat_array(dynamic([1, 2, 3]), '\"')"), "1\"2\"3");
    EXPECT_EQ(Eval("strcat_array(dynamic({\"a\":1}), \",\")"), "");
}

TEST(Extract, DocumentedExamples) {
    const CellList texts{"User: James, Email: James@example.com, Age: 29", "User: David, Age: 35"};
    EXPECT_EQ(Eval("extract(\"User: ([^,]+)\", 1, \"" + texts[0] + "\")"), "James");
    EXPECT_EQ(Eval("extract(@\"Email: (\\S+),\", 1, \"" + texts[0] + "\")"), "James@example.com");
    EXPECT_EQ(Eval("extract(@\"Email: (\\S+),\", 1, \"" + texts[1] + "\")"), "");
    EXPECT_EQ(Eval("extract(@\"\\d+\", 0, \"" + texts[1] + "\")"), "35");
    EXPECT_EQ(Eval("extract(@\"-(\\d{2})-\", 1, \"21-07-2023\", typeof(int))"), "7");
    EXPECT_EQ(Eval("extract(@\"-(\\d{2})-\", 1, \"2023\", typeof(int))"), "null");
    EXPECT_EQ(Eval("extract(@\"(a)|(b)\", 2, \"a\")"), "") << "a group that did not take part";
    EXPECT_EQ(Eval("extract(@\"(a)\", 5, \"a\")"), "");
    EXPECT_EQ(Eval("extract(@\"x=(\\d+)\", 1, parse_json('{\"x\":1}'))"), "") << "JSON text has x\":1, not x=1";
}

TEST(Extract, InvalidRegexAndTypeAreTypeErrors) {
    const Status status = EvalError("extract(\"(\", 1, \"a\")");
    EXPECT_EQ(status.kind(), ErrorKind::kType);
    EXPECT_NE(status.message().find("extract"), std::string::npos) << status.message();
    EXPECT_EQ(EvalError("extract(\"a\", 1, \"a\", typeof(nothing))").kind(), ErrorKind::kType);
    const Result<Column> per_row_pattern =
        testing::CallFunction("extract", {Strings({"a"}), Integers({0}), Strings({"a"})});
    ASSERT_FALSE(per_row_pattern.ok()) << "the pattern must be a constant";
    EXPECT_EQ(per_row_pattern.status().kind(), ErrorKind::kType);
}

TEST(ExtractAll, DocumentedExamples) {
    const std::string id = "\"82b8be2d-dfa7-4bd1-8f63-24ad26d31449\"";
    EXPECT_EQ(Eval("extract_all(@\"([\\da-f]{2})\", " + id + ")"),
              R"(["82","b8","be","2d","df","a7","4b","d1","8f","63","24","ad","26","d3","14","49"])");
    EXPECT_EQ(Eval("extract_all(@\"(\\w)(\\w+)(\\w)\", " + id + ")"),
              R"([["8","2b8be2","d"],["d","fa","7"],["4","bd","1"],["8","f6","3"],["2","4ad26d3144","9"]])");
    EXPECT_EQ(Eval("extract_all(@\"(\\w)(\\w+)(\\w)\", dynamic([1,3]), " + id + ")"),
              R"([["8","d"],["d","7"],["4","1"],["8","3"],["2","9"]])");
    EXPECT_EQ(Eval("extract_all(@\"(?P<first>\\w)(?P<middle>\\w+)(?P<last>\\w)\", dynamic([\"first\",2,\"last\"]), " +
                   id + ")"),
              R"([["8","2b8be2","d"],["d","fa","7"],["4","bd","1"],["8","f6","3"],["2","4ad26d3144","9"]])");
    EXPECT_EQ(Eval("extract_all(@\"(\\d+)\", \"a set of numbers: 123, 567 and 789\")"), R"(["123","567","789"])");
    EXPECT_EQ(Eval("extract_all(@\"(\\d+)\", \"none\")"), "null");
    EXPECT_EQ(EvalError("extract_all(@\"(\\d+)\", dynamic([2]), \"1\")").kind(), ErrorKind::kType);
}

TEST(ReplaceRegex, GroupReferences) {
    EXPECT_EQ(Eval("replace_regex(\"Number is 1.000000\", @\"is (\\d+)\", @\"was: \\1\")"), "Number was: 1.000000");
    EXPECT_EQ(Eval("replace_regex(\"abc\", \"x*\", \"-\")"), "-a-b-c-");
    EXPECT_EQ(Eval("replace_regex(\"a.b.c\", @\"\\.\", \"\\\\0\\\\0\")"), "a..b..c");
    EXPECT_EQ(EvalError("replace_regex(\"a\", \"(a)\", @\"\\2\")").kind(), ErrorKind::kType);
}

TEST(Trim, DocumentedExamples) {
    EXPECT_EQ(Eval("trim(\"--\", \"--https://bing.com--\")"), "https://bing.com");
    EXPECT_EQ(Eval("trim(@\"[^\\w]+\", \"-  Te st1// $\")"), "Te st1");
    EXPECT_EQ(Eval("trim(@\"\\s+\", \"    Hello, world!    \")"), "Hello, world!");
    EXPECT_EQ(Eval("trim(\"-\", \"----\")"), "");
    EXPECT_EQ(Eval("trim_start(@\"\\d\", \"12ab34\")"), "ab34");
    EXPECT_EQ(Eval("trim_end(@\"\\d\", \"12ab34\")"), "12ab");
    EXPECT_EQ(Eval("trim(\"x\", \"\")"), "");
}

TEST(StringFunctions, DynamicArgumentsUseTheirText) {
    EXPECT_EQ(ApplyFunction("strlen", {Dynamics({"\"abc\"", "[1,2]", ""})}), (CellList{"3", "5", "0"}));
}

} // namespace
} // namespace unmask::functions
