// String operators: has family (term matching), contains, startswith, endswith, matches regex.
#include <gtest/gtest.h>

#include "functions/text_terms.h"
#include "functions_test_util.h"

namespace unmask::functions {
namespace {

using testing::ApplyOperator;
using testing::CallOperator;
using testing::Dynamics;
using testing::Eval;
using testing::EvalError;
using testing::Strings;
using Cells = std::vector<std::string>;

// Every example of Kusto's string operator table yields true.
TEST(StringOperators, DocumentedExamplesAreTrue) {
    for (const char* expression : {
             "\"FabriKam\" contains \"BRik\"",
             "\"Fabrikam\" !contains \"xyz\"",
             "\"FabriKam\" contains_cs \"Kam\"",
             "\"Fabrikam\" !contains_cs \"Kam\"",
             "\"Fabrikam\" endswith \"Kam\"",
             "\"Fabrikam\" !endswith \"brik\"",
             "\"Fabrikam\" endswith_cs \"kam\"",
             "\"Fabrikam\" !endswith_cs \"brik\"",
             "\"North America\" has \"america\"",
             "\"North America\" !has \"amer\"",
             "\"North America\" has_cs \"America\"",
             "\"North America\" !has_cs \"amer\"",
             "\"North America\" hasprefix \"ame\"",
             "\"North America\" !hasprefix \"mer\"",
             "\"North America\" hasprefix_cs \"Ame\"",
             "\"North America\" !hasprefix_cs \"CA\"",
             "\"North America\" hassuffix \"ica\"",
             "\"North America\" !hassuffix \"americ\"",
             "\"North America\" hassuffix_cs \"ica\"",
             "\"North America\" !hassuffix_cs \"icA\"",
             "\"Fabrikam\" matches regex \"b.*k\"",
             "\"Fabrikam\" startswith \"fab\"",
             "\"Fabrikam\" !startswith \"kam\"",
             "\"Fabrikam\" startswith_cs \"Fab\"",
             "\"Fabrikam\" !startswith_cs \"fab\"",
             "\"KustoExplorerQueryRun\" contains \"Explorer\"",
             "\"KustoExplorerQueryRun\" !has \"Explorer\"",
         }) {
        EXPECT_EQ(Eval(expression), "True") << expression;
    }
}

TEST(Has, TermsAreMaximalAlphanumericRuns) {
    const std::string text = "'Kusto: ad67d136-c1db-4f9f-88ef-d94f3b6b0b5a;KustoExplorerQueryRun'";
    for (const char* term : {"Kusto", "ad67d136", "c1db", "4f9f", "88ef", "d94f3b6b0b5a", "KustoExplorerQueryRun"}) {
        EXPECT_EQ(Eval(text + " has '" + term + "'"), "True") << term;
    }
    for (const char* part : {"Kust", "67d136", "c1d", "Explorer", "QueryRun"}) {
        EXPECT_EQ(Eval(text + " has '" + part + "'"), "False") << part;
    }
}

TEST(Has, NeedleWithSeparatorsMatchesTermSequence) {
    const std::string path = "@'C:\\Windows\\System32\\cmd.exe /c whoami'";
    EXPECT_EQ(Eval(path + " has @'system32\\cmd.exe'"), "True");
    EXPECT_EQ(Eval(path + " has 'cmd.exe'"), "True");
    EXPECT_EQ(Eval(path + " has '.exe'"), "True");
    EXPECT_EQ(Eval(path + " has '/c'"), "True");
    EXPECT_EQ(Eval(path + " has 'md.exe'"), "False");
    EXPECT_EQ(Eval(path + " has 'cmd.ex'"), "False");
    EXPECT_EQ(Eval(path + " hasprefix 'cmd.ex'"), "True");
    EXPECT_EQ(Eval(path + " hassuffix 'md.exe'"), "True");
    EXPECT_EQ(Eval("'a_b' has 'a'"), "True") << "underscore separates terms";
    EXPECT_EQ(Eval("'foo foo.bar' has 'foo.bar'"), "True") << "a later occurrence can match";
}

TEST(Has, NonAsciiBytesSeparateTerms) {
    EXPECT_EQ(Eval("'Straße 5' has 'Straße'"), "True");
    EXPECT_EQ(Eval("'Straße 5' has 'STRAßE'"), "True") << "ASCII letters fold, ß is compared as bytes";
    EXPECT_EQ(Eval("'Ärger' has 'ärger'"), "False");
    EXPECT_EQ(Eval("'Ärger' has_cs 'Ärger'"), "True");
}

TEST(Has, EmptyNeedleAndEmptyText) {
    EXPECT_EQ(Eval("'' has 'a'"), "False");
    EXPECT_EQ(Eval("'' !has 'a'"), "True");
    EXPECT_EQ(Eval("'abc' has ''"), "True");
    EXPECT_TRUE(MatchesTerm("", "", TermMode::kWhole));
}

TEST(Has, NonConstantNeedlePerRow) {
    const Column text = Strings({"North America", "North America", "x.exe", ""});
    const Column needles = Strings({"AMERICA", "Amer", ".EXE", ""});
    EXPECT_EQ(ApplyOperator("has", text, needles), (Cells{"True", "False", "True", "True"}));
    EXPECT_EQ(ApplyOperator("has_cs", text, needles), (Cells{"False", "False", "False", "True"}));
    EXPECT_EQ(ApplyOperator("!has", text, needles), (Cells{"False", "True", "False", "False"}));
}

TEST(Has, ConstantNeedleOverColumn) {
    const Column text =
        Strings({"powershell.exe -enc AAA", "POWERSHELL.EXE", "mypowershell.exe", "powershell_ise.exe"});
    EXPECT_EQ(ApplyOperator("has", text, Strings({"PowerShell", "PowerShell", "PowerShell", "PowerShell"}), true),
              (Cells{"True", "True", "False", "True"}));
    EXPECT_EQ(ApplyOperator("hasprefix", text, Strings({"power", "power", "power", "power"}), true),
              (Cells{"True", "True", "False", "True"}));
}

TEST(Contains, LongTexts) {
    // Texts over 1 KiB take the memmem() search path.
    EXPECT_EQ(Eval("strcat(strrep('ab', 1000), ' C:\\\\Tools\\\\cmd.exe') has 'cmd.exe'"), "True");
    EXPECT_EQ(Eval("strcat(strrep('ab', 1000), 'cmd.exe') has 'cmd.exe'"), "False");
    EXPECT_EQ(Eval("strcat(strrep('ab', 1000), 'cmd.exe') contains_cs 'bcmd.e'"), "True");
    EXPECT_EQ(Eval("strrep('ab', 1000) contains 'BA'"), "True");
    EXPECT_EQ(Eval("strrep('ab', 1000) contains_cs 'bb'"), "False");
}

TEST(Contains, CaseFoldingIsAsciiOnly) {
    EXPECT_EQ(Eval("'ÄBC' contains 'äbc'"), "False");
    EXPECT_EQ(Eval("'xÄBC' contains 'Äbc'"), "True");
    EXPECT_EQ(Eval("'abc' contains ''"), "True");
    EXPECT_EQ(Eval("'' contains ''"), "True");
    EXPECT_EQ(Eval("'' contains 'a'"), "False");
    EXPECT_EQ(Eval("'ab' startswith 'abc'"), "False");
    EXPECT_EQ(Eval("'ab' endswith 'xab'"), "False");
    EXPECT_EQ(Eval("'abc' startswith ''"), "True");
    EXPECT_EQ(Eval("'abc' endswith ''"), "True");
    EXPECT_EQ(Eval("'Été' startswith 'été'"), "False");
    EXPECT_EQ(Eval("'Été' endswith 'TÉ'"), "False");
    EXPECT_EQ(Eval("'Été' endswith 'té'"), "True");
}

TEST(StringOperators, DynamicOperandsUseTheirText) {
    const Column fields = Dynamics({"\"Hello World\"", "{\"a\":\"World\"}", "42", ""});
    const Column needle = Strings({"world", "world", "world", "world"});
    EXPECT_EQ(ApplyOperator("has", fields, needle, true), (Cells{"True", "True", "False", "False"}));
    EXPECT_EQ(ApplyOperator("!contains", fields, needle, true), (Cells{"False", "False", "True", "True"}));
    EXPECT_EQ(Eval("parse_json('{\"user_agent\":\"curl/8.0\"}').user_agent startswith 'curl/'"), "True");
}

TEST(StringOperators, NonStringOperandIsTypeError) {
    const Status status = EvalError("1 has '1'");
    EXPECT_EQ(status.kind(), ErrorKind::kType);
    EXPECT_NE(status.message().find("has"), std::string::npos) << status.message();
}

TEST(MatchesRegex, ConstantAndPerRowPatterns) {
    EXPECT_EQ(Eval("'Fabrikam' matches regex 'B.*K'"), "False") << "case-sensitive by default";
    EXPECT_EQ(Eval("'Fabrikam' matches regex '(?i)B.*K'"), "True");
    EXPECT_EQ(Eval("'abc' matches regex '^b'"), "False");
    EXPECT_EQ(Eval("'a\\nb' matches regex 'a.b'"), "False") << ". does not match a newline";
    const Column text = Strings({"10.0.0.1", "host.example", "ab"});
    const Column patterns = Strings({"^\\d+(\\.\\d+){3}$", "^\\d+(\\.\\d+){3}$", "^a"});
    EXPECT_EQ(ApplyOperator("matches regex", text, patterns), (Cells{"True", "False", "True"}));
}

TEST(MatchesRegex, InvalidPatternIsTypeErrorNamingIt) {
    const Column text = Strings({"x"});
    Result<Column> result = CallOperator("matches regex", text, Strings({"a(b"}), true);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.status().kind(), ErrorKind::kType);
    EXPECT_NE(result.status().message().find("a(b"), std::string::npos) << result.status().message();
    Result<Column> per_row = CallOperator("matches regex", text, Strings({"a(b"}), false);
    ASSERT_FALSE(per_row.ok());
    EXPECT_EQ(per_row.status().kind(), ErrorKind::kType);
}

} // namespace
} // namespace unmask::functions
