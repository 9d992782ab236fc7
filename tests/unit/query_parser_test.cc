// Tests of the KQL lexer and parser. Most cases compare the whole syntax tree, rendered by DumpScript or
// DumpExpr, with the expected dump (see src/query/ast_dump.cc for the format).
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "common/status.h"
#include "query/ast.h"
#include "query/ast_dump.h"
#include "query/lexer.h"
#include "query/parser.h"

namespace unmask::query {
namespace {

struct DumpCase {
    const char* text;
    const char* dump;
};

struct RejectCase {
    const char* text;
    ErrorKind kind;
    const char* fragment; ///< expected part of the error message
};

std::string DumpOrError(const Result<Script>& result) {
    if (!result.ok()) {
        return std::string("error: ") + result.status().message();
    }
    return DumpScript(result.value());
}

std::string DumpOrError(const Result<ExprPtr>& result) {
    if (!result.ok()) {
        return std::string("error: ") + result.status().message();
    }
    return DumpExpr(*result.value());
}

// ---------------------------------------------------------------------------------------------------------
// Scalar expressions

const DumpCase kExpressionCases[] = {
    // Literals.
    {"42", "(long 42)"},
    {"0x2A", "(long 0x2A)"},
    {"1.5", "(real 1.5)"},
    {".5", "(real .5)"},
    {"1e3", "(real 1e3)"},
    {"1.5e-3", "(real 1.5e-3)"},
    {"24h", "(timespan 24h)"},
    {"1.5d", "(timespan 1.5d)"},
    {"30m", "(timespan 30m)"},
    {"10s", "(timespan 10s)"},
    {"100ms", "(timespan 100ms)"},
    {"7d", "(timespan 7d)"},
    {"10microsecond", "(timespan 10microsecond)"},
    {"10microseconds", "(timespan 10microseconds)"},
    {"5tick", "(timespan 5tick)"},
    {"2days", "(timespan 2days)"},
    {"3hours", "(timespan 3hours)"},
    {"1minute", "(timespan 1minute)"},
    {"2seconds", "(timespan 2seconds)"},
    {"5milliseconds", "(timespan 5milliseconds)"},
    {"time(1.02:00:00)", "(timespan 1.02:00:00)"},
    {"timespan(2d)", "(timespan 2d)"},
    {"timespan(15 seconds)", "(timespan \"15 seconds\")"},
    {"timespan(null)", "(timespan null)"},
    {"datetime(2024-01-01)", "(datetime 2024-01-01)"},
    {"datetime(2024-01-01 10:00:00.123)", "(datetime \"2024-01-01 10:00:00.123\")"},
    {"datetime( 2024-01-01T10:00:00Z )", "(datetime 2024-01-01T10:00:00Z)"},
    {"datetime(null)", "(datetime null)"},
    {"true", "(bool true)"},
    {"False", "(bool false)"},
    {"long(5)", "(long 5)"},
    {"long(-5)", "(long -5)"},
    {"long(null)", "(null long)"},
    {"int(5)", "(int 5)"},
    {"int(null)", "(null int)"},
    {"real(1.5)", "(real 1.5)"},
    {"real(1)", "(real 1)"},
    {"real(nan)", "(real nan)"},
    {"real(+inf)", "(real inf)"},
    {"real(-inf)", "(real -inf)"},
    {"double(null)", "(null real)"},
    {"bool(true)", "(bool true)"},
    {"boolean(null)", "(null bool)"},
    {"string(null)", "(null string)"},
    {"string('x')", "(string \"x\")"},

    // Strings.
    {R"("Public")", R"((string "Public"))"},
    {R"('it\'s')", R"((string "it's"))"},
    {R"("say \"hi\"")", R"((string "say \"hi\""))"},
    {R"("a\\b\n\t\r")", R"((string "a\\b\n\t\r"))"},
    {R"("\u00e9")", "(string \"\xC3\xA9\")"},
    {R"("\uD83D\uDE00")", "(string \"\xF0\x9F\x98\x80\")"},
    {R"(@"C:\dir\")", R"((string "C:\\dir\\"))"},
    {R"(@"say ""hi""")", R"((string "say \"hi\""))"},
    {R"(@'it''s')", R"((string "it's"))"},
    {"```line 1\nline \"2\"```", R"((string "line 1\nline \"2\""))"},
    {R"(h"secret")", R"((string "secret"))"},
    {R"(H'secret')", R"((string "secret"))"},
    {R"(h@"C:\x")", R"((string "C:\\x"))"},
    {R"("a" 'b' @"c")", R"((string "abc"))"},
    {"\"a\" // comment\n \"b\"", R"((string "ab"))"},

    // Dynamic literals.
    {R"(dynamic([1, "a", [2]]))", R"((dynamic [(long 1) (string "a") (dynamic [(long 2)])]))"},
    {R"(dynamic({"k": 1, "n": {"x": true}}))", R"((dynamic {"k": (long 1), "n": (dynamic {"x": (bool true)})}))"},
    {"dynamic(null)", "(dynamic null)"},
    {"dynamic(5)", "(dynamic (long 5))"},
    {R"(dynamic("s"))", R"((dynamic (string "s")))"},
    {"dynamic([])", "(dynamic [])"},
    {"dynamic({})", "(dynamic {})"},
    {"dynamic([-1, +2, -1.5, null, false])", "(dynamic [(long -1) (long 2) (real -1.5) (dynamic null) (bool false)])"},
    {"dynamic([datetime(2024-01-01), 1d, long(null)])", "(dynamic [(datetime 2024-01-01) (timespan 1d) (null long)])"},

    // Names.
    {"RemoteIPType", "(name RemoteIPType)"},
    {"['Name with spaces']", R"((name "Name with spaces"))"},
    {R"(["x"])", "(name x)"},
    {"$left", "(name $left)"},
    {"count", "(name count)"},
    {"count_", "(name count_)"},
    {"type", "(name type)"},
    {"kind", "(name kind)"},
    {"time", "(name time)"},
    {"null", "(name null)"},

    // Comparison and string operators.
    {R"(RemoteIPType == "Public")", R"((== (name RemoteIPType) (string "Public")))"},
    {"a != b", "(!= (name a) (name b))"},
    {"a <> b", "(<> (name a) (name b))"},
    {"a < b", "(< (name a) (name b))"},
    {"a <= b", "(<= (name a) (name b))"},
    {"a > b", "(> (name a) (name b))"},
    {"a >= b", "(>= (name a) (name b))"},
    {"a =~ b", "(=~ (name a) (name b))"},
    {"a !~ b", "(!~ (name a) (name b))"},
    {"a has b", "(has (name a) (name b))"},
    {"a !has b", "(!has (name a) (name b))"},
    {"a has_cs b", "(has_cs (name a) (name b))"},
    {"a !has_cs b", "(!has_cs (name a) (name b))"},
    {"a hasprefix b", "(hasprefix (name a) (name b))"},
    {"a !hasprefix_cs b", "(!hasprefix_cs (name a) (name b))"},
    {"a hassuffix b", "(hassuffix (name a) (name b))"},
    {"a !hassuffix b", "(!hassuffix (name a) (name b))"},
    {"a contains b", "(contains (name a) (name b))"},
    {"a !contains b", "(!contains (name a) (name b))"},
    {"a contains_cs b", "(contains_cs (name a) (name b))"},
    {"a !contains_cs b", "(!contains_cs (name a) (name b))"},
    {"a startswith b", "(startswith (name a) (name b))"},
    {"a !startswith_cs b", "(!startswith_cs (name a) (name b))"},
    {"a endswith b", "(endswith (name a) (name b))"},
    {"a !endswith b", "(!endswith (name a) (name b))"},
    {R"(a matches regex "x+")", R"((matches regex (name a) (string "x+")))"},
    {"a in (1, 2)", "(in (name a) (long 1) (long 2))"},
    {"a !in (1)", "(!in (name a) (long 1))"},
    {R"(a in~ ("x", "y"))", R"((in~ (name a) (string "x") (string "y")))"},
    {R"(a !in~ ("x"))", R"((!in~ (name a) (string "x")))"},
    {R"(a has_any ("x", "y"))", R"((has_any (name a) (string "x") (string "y")))"},
    {R"(a has_all (dynamic(["x"])))", R"((has_all (name a) (dynamic [(string "x")])))"},
    {"a in (Ports)", "(in (name a) (name Ports))"},
    {"a in (T | project b)", "(in (name a) (pipe (name T) (project (name b))))"},
    {"a between (5 .. 200)", "(between (name a) (long 5) (long 200))"},
    {"a !between (1d .. 2d)", "(!between (name a) (timespan 1d) (timespan 2d))"},
    {"a between (x - 1 .. x + 1)", "(between (name a) (- (name x) (long 1)) (+ (name x) (long 1)))"},

    // Precedence and associativity.
    {"a or b and c", "(or (name a) (and (name b) (name c)))"},
    {"a and b or c", "(or (and (name a) (name b)) (name c))"},
    {"a or b or c", "(or (or (name a) (name b)) (name c))"},
    {"a == 1 and b > 2", "(and (== (name a) (long 1)) (> (name b) (long 2)))"},
    {"a + b * c", "(+ (name a) (* (name b) (name c)))"},
    {"a - b - c", "(- (- (name a) (name b)) (name c))"},
    {"a * b / c % d", "(% (/ (* (name a) (name b)) (name c)) (name d))"},
    {"-a * 2", "(* (- (name a)) (long 2))"},
    {"- -a", "(- (- (name a)))"},
    {"+a", "(+ (name a))"},
    {"a + b > c * 2", "(> (+ (name a) (name b)) (* (name c) (long 2)))"},
    {"(a or b) and c", "(and (or (name a) (name b)) (name c))"},
    {"x == -1.5", "(== (name x) (- (real 1.5)))"},

    // Calls, members and indexes.
    {"ago(24h)", "(call ago (timespan 24h))"},
    {"count()", "(call count)"},
    {"arg_max(Timestamp, *)", "(call arg_max (name Timestamp) *)"},
    {"not(a in~ (\"x\"))", R"((call not (in~ (name a) (string "x"))))"},
    {"bin(Timestamp, 1h)", "(call bin (name Timestamp) (timespan 1h))"},
    {"iff(a > 1, \"hi\", \"lo\")", R"((call iff (> (name a) (long 1)) (string "hi") (string "lo")))"},
    {"range(1, 5)", "(call range (long 1) (long 5))"},
    {"toscalar(T | count)", "(call toscalar (pipe (name T) (count)))"},
    {R"(series_stats_dynamic(x)["stdev"])", R"((index (call series_stats_dynamic (name x)) (string "stdev")))"},
    {"a.b.c", "(member (member (name a) b) c)"},
    {"a[0].b", "(member (index (name a) (long 0)) b)"},
    {"$left.DeviceId", "(member (name $left) DeviceId)"},
    {R"(a['key with space'])", R"((index (name a) (string "key with space")))"},
    {R"(database("db").T)", R"((member (call database (string "db")) T))"},
};

TEST(QueryParserTest, ExpressionDumps) {
    for (const DumpCase& test_case : kExpressionCases) {
        SCOPED_TRACE(test_case.text);
        const Result<ExprPtr> result = ParseExpression(test_case.text);
        EXPECT_EQ(DumpOrError(result), test_case.dump);
    }
}

// ---------------------------------------------------------------------------------------------------------
// Scripts and tabular operators

const DumpCase kScriptCases[] = {
    // Statements.
    {"T", "(query (pipe (name T)))"},
    {"T;", "(query (pipe (name T)))"},
    {"T;;", "(query (pipe (name T)))"},
    {"T | take 1; U | take 2", "(query (pipe (name T) (take (long 1)))) (query (pipe (name U) (take (long 2))))"},
    {"let x = 5; T", "(let x (long 5)) (query (pipe (name T)))"},
    {"let x = T; x", "(let x (name T)) (query (pipe (name x)))"},
    {"let ['my value'] = 1; T", R"((let "my value" (long 1)) (query (pipe (name T))))"},
    {"let x = T | where a; x", "(let x (pipe (name T) (where (name a)))) (query (pipe (name x)))"},
    {"let x = (T | where a); x", "(let x (pipe (name T) (where (name a)))) (query (pipe (name x)))"},
    {"let x = union A, B; x", "(let x (pipe (union (name A) (name B)))) (query (pipe (name x)))"},
    {"let x = print 1; x", "(let x (pipe (print (long 1)))) (query (pipe (name x)))"},
    {"let x = materialize(T | take 1) | count; x",
     "(let x (pipe (call materialize (pipe (name T) (take (long 1)))) (count))) (query (pipe (name x)))"},
    {"let x = dynamic([1]); let y = ago(1d); T",
     "(let x (dynamic [(long 1)])) (let y (call ago (timespan 1d))) (query (pipe (name T)))"},
    {"(T | take 5) | count", "(query (pipe (name T) (take (long 5)) (count)))"},
    {"(T)", "(query (pipe (name T)))"},
    {"database(\"db\").T | count", R"((query (pipe (member (call database (string "db")) T) (count))))"},
    {"\xEF\xBB\xBFT", "(query (pipe (name T)))"},
    {"// leading comment\nT // trailing comment", "(query (pipe (name T)))"},

    // where, filter, extend, project and the project-* operators.
    {R"(T | where RemoteIPType == "Public")",
     R"((query (pipe (name T) (where (== (name RemoteIPType) (string "Public"))))))"},
    {"T | filter a", "(query (pipe (name T) (where (name a))))"},
    {"T | extend a = 1, b + 1", "(query (pipe (name T) (extend (= a (long 1)) (+ (name b) (long 1)))))"},
    {"T | extend ['a b'] = 1", R"((query (pipe (name T) (extend (= "a b" (long 1))))))"},
    {"T | project a, b = c", "(query (pipe (name T) (project (name a) (= b (name c)))))"},
    {"T | project-away Initiating*, *Id, ['a b'], X",
     R"((query (pipe (name T) (project-away Initiating* *Id "a b" X))))"},
    {"T | project-keep A*B, C", "(query (pipe (name T) (project-keep A*B C)))"},
    {"T | project-rename New = Old, ['n 2'] = ['o 2']",
     R"((query (pipe (name T) (project-rename (= New (name Old)) (= "n 2" (name "o 2"))))))"},
    {"T | project-reorder B desc, A, C* asc", "(query (pipe (name T) (project-reorder B=desc C*=asc B A C*)))"},

    // summarize.
    {"T | summarize count()", "(query (pipe (name T) (summarize (call count))))"},
    {"T | summarize by A", "(query (pipe (name T) (summarize (by (name A)))))"},
    {"T | summarize Count = count(), dcount(X) by A, Hour = bin(Timestamp, 1h)",
     "(query (pipe (name T) (summarize (= Count (call count)) (call dcount (name X)) (by (name A) "
     "(= Hour (call bin (name Timestamp) (timespan 1h)))))))"},
    {"T | summarize arg_max(Timestamp, *) by DeviceId",
     "(query (pipe (name T) (summarize (call arg_max (name Timestamp) *) (by (name DeviceId)))))"},
    {"T | summarize hint.shufflekey = A count() by A",
     "(query (pipe (name T) (summarize hint.shufflekey=A (call count) (by (name A)))))"},
    {"T | summarize count() by count", "(query (pipe (name T) (summarize (call count) (by (name count)))))"},

    // sort, top, take, count, distinct.
    {"T | sort by Timestamp desc", "(query (pipe (name T) (sort (desc (name Timestamp)))))"},
    {"T | order by a asc, b, c desc nulls first, d nulls last",
     "(query (pipe (name T) (sort (asc (name a)) (desc (name b)) (desc (name c) nulls-first) "
     "(desc (name d) nulls-last))))"},
    {"T | top 10 by Timestamp", "(query (pipe (name T) (top (long 10) (desc (name Timestamp)))))"},
    {"T | top 5 by strlen(x) asc nulls last",
     "(query (pipe (name T) (top (long 5) (asc (call strlen (name x)) nulls-last))))"},
    {"T | take 10", "(query (pipe (name T) (take (long 10))))"},
    {"T | limit 10", "(query (pipe (name T) (take (long 10))))"},
    {"T | count", "(query (pipe (name T) (count)))"},
    {"T | count | where Count > 1", "(query (pipe (name T) (count) (where (> (name Count) (long 1)))))"},
    {"T | where count > 1", "(query (pipe (name T) (where (> (name count) (long 1)))))"},
    {"T | distinct A, B", "(query (pipe (name T) (distinct (name A) (name B))))"},
    {"T | distinct *", "(query (pipe (name T) (distinct *)))"},

    // union, as, join, mv-expand, print, serialize.
    {"T | union U", "(query (pipe (name T) (union (name U))))"},
    {"T | union kind=outer withsource=Src isfuzzy=true U, (V | take 1), Device*",
     "(query (pipe (name T) (union kind=outer withsource=Src isfuzzy=true (name U) (pipe (name V) (take (long 1))) "
     "(name Device*))))"},
    {"union A, B | where x", "(query (pipe (union (name A) (name B)) (where (name x))))"},
    {"union kind=inner (A | take 1), B", "(query (pipe (union kind=inner (pipe (name A) (take (long 1))) (name B))))"},
    {"T | as X | count", "(query (pipe (name T) (as X) (count)))"},
    {"T | as hint.materialized=true X", "(query (pipe (name T) (as hint.materialized=true X)))"},
    {"T | join (U) on DeviceId", "(query (pipe (name T) (join (name U) (on (name DeviceId)))))"},
    {"T | join kind=leftouter (U | where a) on DeviceId, $left.A == $right.B",
     "(query (pipe (name T) (join kind=leftouter (pipe (name U) (where (name a))) (on (name DeviceId) "
     "(== (member (name $left) A) (member (name $right) B))))))"},
    {"T | join kind=inner hint.strategy=broadcast U on $left.A == $right.B and $right.C == $left.D",
     "(query (pipe (name T) (join kind=inner hint.strategy=broadcast (name U) (on "
     "(== (member (name $left) A) (member (name $right) B)) (== (member (name $right) C) (member (name $left) D))))))"},
    {"T | mv-expand X", "(query (pipe (name T) (mv-expand (name X))))"},
    {"T | mv-expand Y = X to typeof(string), Z limit 5",
     "(query (pipe (name T) (mv-expand (= Y (name X)) (name Z) (to typeof string) (limit (long 5)))))"},
    {"T | mv-expand with_itemindex=I bagexpansion=array X",
     "(query (pipe (name T) (mv-expand with_itemindex=I bagexpansion=array (name X))))"},
    {"print 1", "(query (pipe (print (long 1))))"},
    {"print x = 1, y = \"a\" | extend z = x",
     R"((query (pipe (print (= x (long 1)) (= y (string "a"))) (extend (= z (name x))))))"},
    {"T | serialize", "(query (pipe (name T) (serialize)))"},
    {"T | serialize rn = row_number()", "(query (pipe (name T) (serialize (= rn (call row_number)))))"},

    // Columns named like keywords.
    {"T | extend type = kind, time = 1, count_ = count",
     "(query (pipe (name T) (extend (= type (name kind)) (= time (long 1)) (= count_ (name count)))))"},
    {"T | where union == 1 and print > 2",
     "(query (pipe (name T) (where (and (== (name union) (long 1)) (> (name print) (long 2))))))"},

    // datatable as a source, in let statements, union legs, join and subqueries.
    {"datatable(a: long) [1]", "(query (pipe (datatable (columns (a long)) (row (long 1)))))"},
    {R"(datatable(Name:string, Count:long) ["a", 1, "b", -2])",
     R"((query (pipe (datatable (columns (Name string) (Count long)) (row (string "a") (long 1)) )"
     R"((row (string "b") (long -2))))))"},
    {"datatable(a:long) [1, 2,]", "(query (pipe (datatable (columns (a long)) (row (long 1)) (row (long 2)))))"},
    {"datatable(a:long) []", "(query (pipe (datatable (columns (a long)))))"},
    {"datatable(a:long) [\n    1,\n    2,\n]",
     "(query (pipe (datatable (columns (a long)) (row (long 1)) (row (long 2)))))"},
    {R"(datatable(S:string, L:long, I:int, R:real, D:double, B:bool, B2:boolean, T:datetime, T2:date,)"
     R"( S2:timespan, S3:time, X:dynamic) ["x" 'y', -5, int(3), -1.5, real(nan), true, False,)"
     R"( datetime(2024-01-01 10:00), datetime(null), 1h, -30m, dynamic([1, "a"])])",
     R"((query (pipe (datatable (columns (S string) (L long) (I int) (R real) (D double) (B bool) (B2 boolean) )"
     R"((T datetime) (T2 date) (S2 timespan) (S3 time) (X dynamic)) (row (string "xy") (long -5) (int 3) )"
     R"((real -1.5) (real nan) (bool true) (bool false) (datetime "2024-01-01 10:00") (datetime null) )"
     R"((timespan 1h) (timespan -30m) (dynamic [(long 1) (string "a")]))))))"},
    {R"(datatable(a:long, b:string, c:dynamic, d:timespan) [long(null), string(null), dynamic(null), time(null)])",
     "(query (pipe (datatable (columns (a long) (b string) (c dynamic) (d timespan)) "
     "(row (null long) (null string) (dynamic null) (timespan null)))))"},
    {R"(datatable(a:long, b:real, c:timespan, d:dynamic) [+3, 1e3, time(1.02:00:00), dynamic({"k": "v"}),)"
     R"( 0x1F, -.5, -1d, dynamic(5)])",
     R"((query (pipe (datatable (columns (a long) (b real) (c timespan) (d dynamic)) (row (long 3) (real 1e3) )"
     R"((timespan 1.02:00:00) (dynamic {"k": (string "v")})) (row (long 0x1F) (real -.5) (timespan -1d) )"
     R"((dynamic (long 5)))))))"},
    {"datatable(a:Long) [1]", "(query (pipe (datatable (columns (a Long)) (row (long 1)))))"},
    {R"(datatable(['Account Name']:string, time:timespan, count:long) ["x", 1h, 2])",
     R"((query (pipe (datatable (columns ("Account Name" string) (time timespan) (count long)) )"
     R"((row (string "x") (timespan 1h) (long 2))))))"},
    {"datatable(a:long) [1, 2] | where a > 1 | count",
     "(query (pipe (datatable (columns (a long)) (row (long 1)) (row (long 2))) (where (> (name a) (long 1))) "
     "(count)))"},
    {R"(let Allowed = datatable(Name:string) ["a", "b"]; T | where Name in (Allowed))",
     R"((let Allowed (pipe (datatable (columns (Name string)) (row (string "a")) (row (string "b"))))) )"
     R"((query (pipe (name T) (where (in (name Name) (name Allowed))))))"},
    {"let X = datatable(a:long) [1] | extend b = a; X",
     "(let X (pipe (datatable (columns (a long)) (row (long 1))) (extend (= b (name a))))) (query (pipe (name X)))"},
    {"union (datatable(a:long) [1]), datatable(a:long) [2], T",
     "(query (pipe (union (pipe (datatable (columns (a long)) (row (long 1)))) "
     "(pipe (datatable (columns (a long)) (row (long 2)))) (name T))))"},
    {"T | union datatable(a:long) [1] | count",
     "(query (pipe (name T) (union (pipe (datatable (columns (a long)) (row (long 1))))) (count)))"},
    {R"(T | join kind=inner (datatable(DeviceId:string) ["d1"]) on DeviceId)",
     R"((query (pipe (name T) (join kind=inner (pipe (datatable (columns (DeviceId string)) (row (string "d1")))) )"
     R"((on (name DeviceId))))))"},
    {"T | where a in (datatable(a:long) [1])",
     "(query (pipe (name T) (where (in (name a) (pipe (datatable (columns (a long)) (row (long 1))))))))"},
    {"T | where datatable == 1", "(query (pipe (name T) (where (== (name datatable) (long 1)))))"},

    // Subqueries.
    {"T | where a in ((U | project b))",
     "(query (pipe (name T) (where (in (name a) (pipe (name U) (project (name b)))))))"},
    {"T | where a in (U | project b) | count",
     "(query (pipe (name T) (where (in (name a) (pipe (name U) (project (name b))))) (count)))"},
};

TEST(QueryParserTest, ScriptDumps) {
    for (const DumpCase& test_case : kScriptCases) {
        SCOPED_TRACE(test_case.text);
        const Result<Script> result = ParseScript(test_case.text);
        EXPECT_EQ(DumpOrError(result), test_case.dump);
    }
}

// ---------------------------------------------------------------------------------------------------------
// Rejected input

const RejectCase kRejectCases[] = {
    // Lexical errors.
    {R"(T | where a == "abc)", ErrorKind::kParse, "missing closing \" for this string"},
    {"T | where a == 'abc", ErrorKind::kParse, "missing closing ' for this string"},
    {"T | where a == \"ab\ncd\"", ErrorKind::kParse, "must end on the line where it starts"},
    {"T | where a == @\"abc", ErrorKind::kParse, "missing closing \" for this verbatim string"},
    {"print ```abc", ErrorKind::kParse, "missing closing ``` for this multi-line string"},
    {R"(T | where a == "\d")", ErrorKind::kParse, "invalid escape sequence '\\d'"},
    {R"(print "\u12")", ErrorKind::kParse, "'\\u' must be followed by 4 hexadecimal digits"},
    {R"(print "\uDC00")", ErrorKind::kParse, "low surrogate without a high surrogate"},
    {R"(print "\uD800x")", ErrorKind::kParse, "must be followed by a low surrogate"},
    {"T | where 12abc", ErrorKind::kParse, "invalid number '12abc'"},
    {"T | where a > 5w", ErrorKind::kParse, "invalid number '5w'"},
    {"print 0x1G", ErrorKind::kParse, "invalid hexadecimal number '0x1G'"},
    {"T | where a # b", ErrorKind::kParse, "unexpected character '#'"},
    {"T | where a == \x01", ErrorKind::kParse, "unexpected character byte 0x01"},
    {"T | where !a", ErrorKind::kParse, "use not(...) to negate a condition"},
    {"print datetime(2024-01-01", ErrorKind::kParse, "missing ')' to close 'datetime('"},

    // Statements.
    {"", ErrorKind::kParse, "the script has no query statement"},
    {"// only a comment", ErrorKind::kParse, "the script has no query statement"},
    {"let x = 5;", ErrorKind::kParse, "the script has no query statement"},
    {"let = 5; T", ErrorKind::kParse, "expected a name after 'let' but found '='"},
    {"let x 5; T", ErrorKind::kParse, "expected '=' after 'let x' but found '5'"},
    {"let x = 5 6; T", ErrorKind::kParse, "expected ';' after the value of 'x' but found '6'"},
    {"let x = ; T", ErrorKind::kParse, "expected an expression after '=' but found ';'"},
    {"T | take 5 T2", ErrorKind::kParse, "expected '|' or ';' after the 'take' operator but found 'T2'"},
    {"T U", ErrorKind::kParse, "expected '|' or ';' after 'T' but found 'U'"},
    {"T | where a)", ErrorKind::kParse, "expected '|' or ';' after the 'where' operator but found ')'"},
    {"5", ErrorKind::kParse, "expected a table name or a tabular expression as a query statement"},
    {"1 + 2 | count", ErrorKind::kParse, "expected a table name or a tabular expression before '|'"},
    {"let f = (x: long) { x }; f(1)", ErrorKind::kNotImplemented, "user-defined functions"},
    {"set notruncation; T", ErrorKind::kNotImplemented, "the 'set' statement is not supported"},
    {"range x from 1 to 3 step 1", ErrorKind::kNotImplemented, "the 'range' operator is not supported"},

    // Operators.
    {"T |", ErrorKind::kParse, "expected an operator name after '|' but found the end of the query"},
    {"T | 5", ErrorKind::kParse, "expected an operator name after '|' but found '5'"},
    {"T | wher x", ErrorKind::kParse, "unknown operator 'wher' after '|'; did you mean 'where'?"},
    {"T | summarise count()", ErrorKind::kParse, "did you mean 'summarize'?"},
    {"T | project-awya A", ErrorKind::kParse,
     "unknown operator 'project-awya' after '|'; did you mean 'project-away'?"},
    {"T | lookup U on x", ErrorKind::kNotImplemented, "the 'lookup' operator is not supported"},
    {"T | parse x with * \"a\" y", ErrorKind::kNotImplemented, "the 'parse' operator is not supported"},
    {"T | evaluate bag_unpack(x)", ErrorKind::kNotImplemented, "the 'evaluate' operator is not supported"},
    {"T | where", ErrorKind::kParse, "expected an expression after 'where' but found the end of the query"},
    {"T | where | count", ErrorKind::kParse, "expected an expression after 'where' but found '|'"},
    {"T | project", ErrorKind::kParse, "expected an expression after 'project' but found the end of the query"},
    {"T | project a,", ErrorKind::kParse, "expected an expression after ',' but found the end of the query"},
    {"T | project-away", ErrorKind::kParse, "expected a name of a column after 'project-away'"},
    {"T | project-rename A", ErrorKind::kParse, "expected '=' after the new name 'A' in 'project-rename'"},
    {"T | project-rename A = 1", ErrorKind::kParse, "expected a name of the column to rename"},
    {"T | summarize", ErrorKind::kParse, "expected an aggregation such as 'count()' or 'by' after 'summarize'"},
    {"T | summarize count() by", ErrorKind::kParse, "expected an expression after 'by'"},
    {"T | sort Timestamp", ErrorKind::kParse, "expected 'by' after 'sort' but found 'Timestamp'"},
    {"T | order x", ErrorKind::kParse, "expected 'by' after 'order' but found 'x'"},
    {"T | sort by a nulls middle", ErrorKind::kParse, "expected 'first' or 'last' after 'nulls' but found 'middle'"},
    {"T | top 10 Timestamp", ErrorKind::kParse, "expected 'by' after the row count of 'top'"},
    {"T | take", ErrorKind::kParse, "expected an expression after 'take'"},
    {"T | union", ErrorKind::kParse, "expected a name of a table or a '(' after 'union'"},
    {"T | union kindd=outer U", ErrorKind::kParse,
     "unknown option 'kindd' for the 'union' operator; did you mean 'kind'?"},
    {"T | union kind=full U", ErrorKind::kParse, "invalid value 'full' for 'kind'"},
    {"T | union isfuzzy=maybe U", ErrorKind::kParse, "invalid value 'maybe' for 'isfuzzy'"},
    {"T | union (1 + 2)", ErrorKind::kParse, "as a union leg"},
    {"T | as", ErrorKind::kParse, "expected a name after 'as'"},
    {"T | join U", ErrorKind::kParse, "expected 'on' after the right side of 'join' but found the end of the query"},
    {"T | join kind=lefouter U on x", ErrorKind::kParse,
     "invalid value 'lefouter' for 'kind'; did you mean 'leftouter'?"},
    {"T | join U on a == b", ErrorKind::kParse, "invalid join condition 'a == b'"},
    {"T | join U on $left.a > $right.b", ErrorKind::kParse, "invalid join condition"},
    {"T | join (U on x", ErrorKind::kParse, "expected ')' to close the '(' at line 1, column 10"},
    {"T | mv-expand X to string", ErrorKind::kParse, "expected 'typeof' after 'to' in 'mv-expand'"},
    {"T | mv-expand X to typeof(1)", ErrorKind::kParse, "expected a type name such as 'string'"},
    {"T | mv-expand A to typeof(long), B to typeof(string)", ErrorKind::kNotImplemented,
     "a different 'to typeof(...)' type for each column"},
    {"T | mv-expand bagexpansion=list X", ErrorKind::kParse, "invalid value 'list' for 'bagexpansion'"},
    {"T | extend (a, b) = f(x)", ErrorKind::kNotImplemented, "naming several columns at once"},

    // datatable.
    {R"(datatable(a:long, b:string) [1, "x", 2])", ErrorKind::kParse,
     "the datatable has 3 values for 2 columns, so its last row has only 1 of its 2 values. Give each row one "
     "value per column"},
    {"datatable(a:long, b:long, c:long) [1, 2, 3, 4, 5,]", ErrorKind::kParse,
     "the datatable has 5 values for 3 columns, so its last row has only 2 of its 3 values"},
    {"datatable(a:long)", ErrorKind::kParse,
     "expected '[' after the columns of 'datatable(...)' but found the end of the query"},
    {"datatable(a:long) | count", ErrorKind::kParse,
     "expected '[' after the columns of 'datatable(...)' but found '|'"},
    {"datatable(a long) [1]", ErrorKind::kParse, "expected ':' after the datatable column 'a' but found 'long'"},
    {"datatable(a:) [1]", ErrorKind::kParse, "expected a type such as 'string' or 'long' after 'a:' but found ')'"},
    {R"(datatable(a:strin) ["x"])", ErrorKind::kParse,
     "unknown type 'strin' for the datatable column 'a'; did you mean 'string'?"},
    {R"(datatable(a:guid) ["x"])", ErrorKind::kNotImplemented, "datatable columns of type 'guid' are not supported"},
    {"datatable(a:decimal) [1]", ErrorKind::kNotImplemented, "datatable columns of type 'decimal' are not supported"},
    {"datatable() [1]", ErrorKind::kParse, "expected a name of a datatable column but found ')'"},
    {"datatable(a:long,) [1]", ErrorKind::kParse, "expected a name of a datatable column but found ')'"},
    {R"(datatable(a:long, a:string) [1, "x"])", ErrorKind::kParse, "the datatable declares the column 'a' twice"},
    {"datatable(a:long [1]", ErrorKind::kParse, "expected ')' to close 'datatable(' but found '['"},
    {"datatable(a:long) [1 2]", ErrorKind::kParse, "expected ',' or ']' after a datatable value but found '2'"},
    {"datatable(a:long) [1", ErrorKind::kParse,
     "expected ',' or ']' after a datatable value but found the end of the query"},
    {"datatable(a:long) [1 + 2]", ErrorKind::kParse, "expected ',' or ']' after a datatable value but found '+'"},
    {"datatable(a:long) [1,,2]", ErrorKind::kParse, "as a datatable value but found ','"},
    {"datatable(a:long) [,]", ErrorKind::kParse, "as a datatable value but found ','"},
    {"datatable(a:long) [x]", ErrorKind::kParse,
     "expected a literal such as 42, -1.5, \"text\", true, 1h, datetime(...) or dynamic(...) as a datatable value "
     "but found 'x'"},
    {"datatable(a:long) [-x]", ErrorKind::kParse, "as a datatable value but found '-'"},
    {"datatable(a:datetime) [now()]", ErrorKind::kParse, "as a datatable value but found 'now'"},
    {"datatable(a:long) [(1)]", ErrorKind::kParse, "as a datatable value but found '('"},
    {"datatable(a:long) [null]", ErrorKind::kParse,
     "but found 'null'. Write a typed null such as long(null), string(null) or dynamic(null)"},
    {"datatable(a:long) [long(x)]", ErrorKind::kParse, "expected an integer or null inside 'long(...)'"},
    {"datatable(a:dynamic) [dynamic([1,])]", ErrorKind::kParse, "expected a value such as a number"},
    {"datatable(a:string) [guid(74be27de-1e4e-49d9-b579-fe0b331d3642)]", ErrorKind::kNotImplemented,
     "guid literals are not supported"},
    {"datatable(a:long) [1] T", ErrorKind::kParse, "expected '|' or ';' after 'datatable(a:long) [1]' but found 'T'"},
    {"T | union datatable(a:long)", ErrorKind::kParse, "expected '[' after the columns of 'datatable(...)'"},

    // Expressions.
    {"T | where Timestamp > ago(24h;", ErrorKind::kParse, "expected ')' to close the call to 'ago' but found ';'"},
    {"T | where f(a b)", ErrorKind::kParse, "expected ')' to close the call to 'f' but found 'b'"},
    {"T | where (a", ErrorKind::kParse, "expected ')' to close the '(' at line 1, column 11 but found the end"},
    {"T | where a == b == c", ErrorKind::kParse, "comparison operators do not chain"},
    {"T | where a has b contains c", ErrorKind::kParse, "comparison operators do not chain"},
    {"T | where a = 1", ErrorKind::kParse, "unexpected '=' after 'a'; use '==' to compare values"},
    {"T | where a and", ErrorKind::kParse, "expected an expression after 'and' but found the end of the query"},
    {"T | where a and or b", ErrorKind::kParse, "expected an expression after 'and' but found 'or'"},
    {"T | where a ==", ErrorKind::kParse, "expected an expression after '==' but found the end of the query"},
    {"T | where a has", ErrorKind::kParse, "expected an expression after 'has'"},
    {"T | where a in 1", ErrorKind::kParse, "expected '(' after 'in' but found '1'"},
    {"T | where a in ()", ErrorKind::kParse, "expected at least one value in the list after 'in'"},
    {"T | where a in (1, 2", ErrorKind::kParse, "expected ',' or ')' in the list after 'in' but found the end"},
    {"T | where a !in~ (1 2)", ErrorKind::kParse, "expected ',' or ')' in the list after '!in~' but found '2'"},
    {"T | where a between (1, 2)", ErrorKind::kParse, "expected '..' between the bounds of 'between' but found ','"},
    {"T | where a between 1 .. 2", ErrorKind::kParse, "expected '(' after 'between' but found '1'"},
    {"T | where a between (1 .. 2", ErrorKind::kParse, "expected ')' to close 'between (... .. ...)'"},
    {R"(T | where a matches "x")", ErrorKind::kParse, "expected 'regex' after 'matches'"},
    {"T | where a[0", ErrorKind::kParse, "expected ']' to close the index"},
    {"T | where a.", ErrorKind::kParse, "expected a name after '.'"},
    {"T | where [1]", ErrorKind::kParse, "expected an expression after 'where' but found '['"},
    {"print long(x)", ErrorKind::kParse, "expected an integer or null inside 'long(...)' but found 'x'; use tolong()"},
    {"print int(1.5)", ErrorKind::kParse, "expected an integer or null inside 'int(...)'"},
    {"print real(abc)", ErrorKind::kParse, "expected a number, nan, inf or null inside 'real(...)'"},
    {"print bool(1)", ErrorKind::kParse, "expected true, false or null inside 'bool(...)'"},
    {"print string(1)", ErrorKind::kParse, "expected a string or null inside 'string(...)'"},
    {"print long(1", ErrorKind::kParse, "expected ')' to close 'long('"},
    {"print datetime()", ErrorKind::kParse, "expected a value inside 'datetime()'"},
    {"print dynamic([1,])", ErrorKind::kParse, "expected a value such as a number"},
    {"print dynamic([1 2])", ErrorKind::kParse, "expected ']' to close the dynamic array but found '2'"},
    {"print dynamic({1: 2})", ErrorKind::kParse, "expected a string key in the dynamic object but found '1'"},
    {R"(print dynamic({"a" 2}))", ErrorKind::kParse, "expected ':' after the key \"a\""},
    {"print dynamic({\"a\": 1", ErrorKind::kParse, "expected '}' to close the dynamic object"},
    {"print dynamic(x)", ErrorKind::kParse, "expected a value such as a number"},
    {"print dynamic([1]", ErrorKind::kParse, "expected ')' to close 'dynamic('"},
    {"print decimal(1.5)", ErrorKind::kNotImplemented, "decimal literals are not supported"},
    {"print guid(74be27de-1e4e-49d9-b579-fe0b331d3642)", ErrorKind::kNotImplemented, "guid literals are not supported"},
};

TEST(QueryParserTest, RejectsInvalidScripts) {
    for (const RejectCase& test_case : kRejectCases) {
        SCOPED_TRACE(test_case.text);
        const Result<Script> result = ParseScript(test_case.text);
        ASSERT_FALSE(result.ok()) << "parsed as " << DumpOrError(result);
        EXPECT_EQ(ErrorKindName(result.status().kind()), std::string(ErrorKindName(test_case.kind)));
        EXPECT_NE(result.status().message().find(test_case.fragment), std::string::npos)
            << "message: " << result.status().message();
        EXPECT_TRUE(result.status().offset().has_value());
    }
}

TEST(QueryParserTest, RejectsTrailingTextInExpression) {
    const Result<ExprPtr> result = ParseExpression("a == 1 | where b");
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.status().kind(), ErrorKind::kParse);
    EXPECT_EQ(result.status().message(), "expected the end of the expression but found '|'");
    EXPECT_EQ(result.status().offset(), 7u);
}

// ---------------------------------------------------------------------------------------------------------
// Error positions and spans

struct ErrorPositionCase {
    const char* text;
    uint32_t offset;
    uint32_t length;
};

TEST(QueryParserTest, ErrorPointsAtOffendingToken) {
    const ErrorPositionCase cases[] = {
        {"T | where Timestamp > ago(24h;", 29, 1},
        {"T | wher x", 4, 4},
        {"T | where a == \"abc", 15, 4},
        {"T | where a > 12abc", 14, 5},
        {"T | take 5 T2", 11, 2},
        {"T | where", 9, 0},
        {"T | lookup U on x", 4, 6},
        {"T | project-awya A", 4, 12},
        {"T | where a == \"\\d\"", 16, 2},
        {"datatable(a:long, b:long) [1, 2, 3]", 34, 1},
        {"datatable(a:strin) [1]", 12, 5},
        {"datatable(a:long) [1, x]", 22, 1},
        {"datatable(a:long, a:long) [1, 2]", 18, 1},
    };
    for (const ErrorPositionCase& test_case : cases) {
        SCOPED_TRACE(test_case.text);
        const Result<Script> result = ParseScript(test_case.text);
        ASSERT_FALSE(result.ok());
        EXPECT_EQ(result.status().offset(), test_case.offset);
        EXPECT_EQ(result.status().length(), test_case.length);
    }
}

TEST(QueryParserTest, NodeSpansCoverTheirText) {
    const std::string text = "let Ports = dynamic([443]);\nT | where RemotePort in (Ports) and x > ago(1d)";
    const Result<Script> result = ParseScript(text);
    ASSERT_TRUE(result.ok()) << result.status().message();
    const Script& script = result.value();
    ASSERT_EQ(script.statements.size(), 2u);
    auto text_of = [&text](Span span) {
        return text.substr(span.offset, span.length);
    };

    const Statement& let = script.statements[0];
    EXPECT_EQ(text_of(let.span), "let Ports = dynamic([443])");
    EXPECT_EQ(text_of(let.name_span), "Ports");
    EXPECT_EQ(text_of(let.value->span), "dynamic([443])");

    const Statement& query = script.statements[1];
    const Expr& pipe = *query.value;
    EXPECT_EQ(text_of(query.span), "T | where RemotePort in (Ports) and x > ago(1d)");
    EXPECT_EQ(text_of(pipe.span), "T | where RemotePort in (Ports) and x > ago(1d)");
    EXPECT_EQ(text_of(pipe.source->span), "T");
    ASSERT_EQ(pipe.operators.size(), 1u);
    const Operator& where = pipe.operators[0];
    EXPECT_EQ(text_of(where.span), "where");
    const Expr& conjunction = *where.predicate;
    EXPECT_EQ(text_of(conjunction.span), "RemotePort in (Ports) and x > ago(1d)");
    EXPECT_EQ(text_of(conjunction.args[0]->span), "RemotePort in (Ports)");
    EXPECT_EQ(text_of(conjunction.args[1]->span), "x > ago(1d)");
    EXPECT_EQ(text_of(conjunction.args[1]->args[1]->span), "ago(1d)");
    EXPECT_EQ(text_of(conjunction.args[1]->args[1]->args[0]->span), "1d");
}

TEST(QueryParserTest, DatatableFieldsAndSpans) {
    const std::string text = "let Rules = datatable(Name:string, ['Max Count']:long) [\"a\", -1, 'b', long(null),];\n"
                             "Rules";
    const Result<Script> result = ParseScript(text);
    ASSERT_TRUE(result.ok()) << result.status().message();
    auto text_of = [&text](Span span) {
        return text.substr(span.offset, span.length);
    };
    const Expr& pipe = *result.value().statements[0].value;
    ASSERT_EQ(pipe.kind, ExprKind::kPipe);
    EXPECT_TRUE(pipe.operators.empty());
    ASSERT_NE(pipe.source, nullptr);

    const Expr& table = *pipe.source;
    EXPECT_EQ(table.kind, ExprKind::kCall);
    EXPECT_EQ(table.name, "datatable");
    EXPECT_EQ(table.keys, (std::vector<std::string>{"Name", "Max Count"}));
    EXPECT_EQ(table.column_types, (std::vector<std::string>{"string", "long"}));
    EXPECT_EQ(text_of(table.span), "datatable(Name:string, ['Max Count']:long) [\"a\", -1, 'b', long(null),]");
    EXPECT_EQ(text_of(pipe.span), text_of(table.span));

    ASSERT_EQ(table.args.size(), 4u);
    const Expr& negative = *table.args[1];
    EXPECT_EQ(negative.kind, ExprKind::kLiteral);
    EXPECT_EQ(negative.literal_kind, LiteralKind::kLong);
    EXPECT_EQ(negative.text, "-1");
    EXPECT_EQ(text_of(negative.span), "-1");
    const Expr& typed_null = *table.args[3];
    EXPECT_EQ(typed_null.literal_kind, LiteralKind::kNull);
    EXPECT_EQ(typed_null.text, "long");
    EXPECT_EQ(text_of(typed_null.span), "long(null)");
}

TEST(QueryParserTest, NamedColumnSpans) {
    const std::string text = "T | extend ['a b'] = 1 | project-away X*";
    const Result<Script> result = ParseScript(text);
    ASSERT_TRUE(result.ok()) << result.status().message();
    const Expr& pipe = *result.value().statements[0].value;
    const NamedExpr& column = pipe.operators[0].columns[0];
    EXPECT_EQ(text.substr(column.name_span.offset, column.name_span.length), "['a b']");
    const Span away = pipe.operators[1].name_spans[0];
    EXPECT_EQ(text.substr(away.offset, away.length), "X*");
}

// ---------------------------------------------------------------------------------------------------------
// Budgets

TEST(QueryParserTest, NestingDepthLimit) {
    const std::string deep = "T | where " + std::string(300, '(') + "x" + std::string(300, ')');
    const Result<Script> result = ParseScript(deep);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.status().kind(), ErrorKind::kLimitExceeded);
    EXPECT_NE(result.status().message().find("maximum of 256 levels"), std::string::npos) << result.status().message();

    const std::string shallow = "T | where " + std::string(200, '(') + "x" + std::string(200, ')');
    EXPECT_TRUE(ParseScript(shallow).ok());
}

TEST(QueryParserTest, NestingLimitStopsAttackerShapes) {
    // Each input would recurse once per repeated unit without the depth budget.
    const std::string inputs[] = {
        "print " + std::string(100000, '-') + "1",
        "print dynamic(" + std::string(100000, '[') + ")",
        [] {
            std::string text = "union ";
            for (int i = 0; i < 50000; ++i) {
                text += "(union ";
            }
            return text + "T";
        }(),
        [] {
            std::string text = "T | where ";
            for (int i = 0; i < 100000; ++i) {
                text += "f(";
            }
            return text;
        }(),
        [] {
            std::string text = "T | where x in (";
            for (int i = 0; i < 50000; ++i) {
                text += "T | where x in (";
            }
            return text;
        }(),
    };
    for (const std::string& input : inputs) {
        SCOPED_TRACE(input.substr(0, 30));
        const Result<Script> result = ParseScript(input);
        ASSERT_FALSE(result.ok());
        EXPECT_EQ(result.status().kind(), ErrorKind::kLimitExceeded) << result.status().message();
    }
}

TEST(QueryParserTest, TreeHeightLimit) {
    std::string long_chain = "T | where x";
    for (int i = 0; i < kMaxTreeHeight + 10; ++i) {
        long_chain += " or x";
    }
    const Result<Script> rejected = ParseScript(long_chain);
    ASSERT_FALSE(rejected.ok());
    EXPECT_EQ(rejected.status().kind(), ErrorKind::kLimitExceeded);
    EXPECT_NE(rejected.status().message().find("maximum of 2048 levels"), std::string::npos)
        << rejected.status().message();

    // A chain of 1000 conditions is deep but within the limit.
    std::string accepted_chain = "T | where x == 0";
    for (int i = 1; i < 1000; ++i) {
        accepted_chain += " or x == " + std::to_string(i);
    }
    EXPECT_TRUE(ParseScript(accepted_chain).ok());

    std::string members = "print x";
    for (int i = 0; i < 100000; ++i) {
        members += ".a";
    }
    const Result<Script> member_result = ParseScript(members);
    ASSERT_FALSE(member_result.ok());
    EXPECT_EQ(member_result.status().kind(), ErrorKind::kLimitExceeded);
}

TEST(QueryParserTest, QueryLengthLimit) {
    const std::string too_long = "T | where x == \"" + std::string(kMaxQueryBytes, 'a') + "\"";
    const Result<Script> result = ParseScript(too_long);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.status().kind(), ErrorKind::kLimitExceeded);
    EXPECT_NE(result.status().message().find("maximum of 1048576 bytes"), std::string::npos)
        << result.status().message();

    const Result<ExprPtr> expression = ParseExpression(too_long);
    ASSERT_FALSE(expression.ok());
    EXPECT_EQ(expression.status().kind(), ErrorKind::kLimitExceeded);

    const std::string within = "T | where x == \"" + std::string(kMaxQueryBytes - 100, 'a') + "\"";
    EXPECT_TRUE(ParseScript(within).ok());
}

// ---------------------------------------------------------------------------------------------------------
// Lexer

TEST(QueryLexerTest, HyphenatedOperatorsAndNegations) {
    const Result<std::vector<Token>> tokens = Tokenize("project-away a-b !has_cs !in~ in~ 5..6 x-y");
    ASSERT_TRUE(tokens.ok()) << tokens.status().message();
    std::vector<std::string> texts;
    for (const Token& token : tokens.value()) {
        texts.emplace_back(token.text);
    }
    const std::vector<std::string> expected = {"project-away", "a", "-", "b", "!has_cs", "!in~", "in~", "5",
                                               "..",           "6", "x", "-", "y",       ""};
    EXPECT_EQ(texts, expected);
    EXPECT_EQ(tokens.value().front().kind, TokenKind::kIdentifier);
    EXPECT_EQ(tokens.value().back().kind, TokenKind::kEnd);
}

TEST(QueryLexerTest, RawTextLiterals) {
    const Result<std::vector<Token>> tokens = Tokenize("datetime( 2024-01-01 10:00 ) time");
    ASSERT_TRUE(tokens.ok()) << tokens.status().message();
    ASSERT_EQ(tokens.value().size(), 6u);
    EXPECT_EQ(tokens.value()[2].kind, TokenKind::kRawText);
    EXPECT_EQ(tokens.value()[2].value, "2024-01-01 10:00");
    EXPECT_EQ(tokens.value()[4].kind, TokenKind::kIdentifier);
    EXPECT_EQ(tokens.value()[4].text, "time");
}

TEST(QueryLexerTest, TimeSpanUnits) {
    EXPECT_EQ(TimeSpanUnitTicks("d"), 864000000000);
    EXPECT_EQ(TimeSpanUnitTicks("hours"), 36000000000);
    EXPECT_EQ(TimeSpanUnitTicks("m"), 600000000);
    EXPECT_EQ(TimeSpanUnitTicks("s"), 10000000);
    EXPECT_EQ(TimeSpanUnitTicks("ms"), 10000);
    EXPECT_EQ(TimeSpanUnitTicks("microsecond"), 10);
    EXPECT_EQ(TimeSpanUnitTicks("tick"), 1);
    EXPECT_EQ(TimeSpanUnitTicks("w"), std::nullopt);
    EXPECT_EQ(TimeSpanUnitTicks("H"), std::nullopt);
}

// ---------------------------------------------------------------------------------------------------------
// Defender hunting rule for MITRE ATT&CK T1001.003, parsed as published

std::filesystem::path DefenderRulePath() {
    // The rule file is kept outside the repository, in shared/seed next to its root.
#ifdef UNMASK_SOURCE_DIR
    const std::filesystem::path repository_root = UNMASK_SOURCE_DIR;
#else
    // This file is tests/unit/query_parser_test.cc below the repository root.
    const std::filesystem::path repository_root = std::filesystem::path(__FILE__).parent_path() / "../..";
#endif
    return (repository_root / "../shared/seed/t1001.003-defender.kql").lexically_normal();
}

TEST(QueryParserTest, ParsesDefenderRuleVerbatim) {
    const std::filesystem::path path = DefenderRulePath();
    std::ifstream file(path, std::ios::binary);
    if (!file) {
        GTEST_SKIP() << "Defender rule file not found at " << path.string()
                     << "; this test needs the shared folder next to "
                     << "the repository";
    }
    std::stringstream buffer;
    buffer << file.rdbuf();
    const std::string text = buffer.str();

    const Result<Script> result = ParseScript(text);
    ASSERT_TRUE(result.ok()) << result.status().message() << " at offset " << result.status().offset().value_or(0);
    const Script& script = result.value();
    ASSERT_EQ(script.statements.size(), 7u);
    const char* const let_names[] = {"FakeTLSPorts",  "SuspiciousUserAgents", "KnownC2Headers",
                                     "FakeTLSBeacon", "AnomalousHTTP",        "BeaconingPattern"};
    for (size_t i = 0; i < 6; ++i) {
        EXPECT_EQ(script.statements[i].kind, StatementKind::kLet);
        EXPECT_EQ(script.statements[i].name, let_names[i]);
    }
    EXPECT_EQ(DumpExpr(*script.statements[0].value),
              "(dynamic [(long 443) (long 8443) (long 4443) (long 8080) (long 8888)])");
    EXPECT_EQ(script.statements[3].value->operators.size(), 8u);
    EXPECT_EQ(script.statements[5].value->operators.size(), 10u);

    const std::string dump = DumpScript(script);
    EXPECT_NE(dump.find("(where (between (name ConnectionCount) (long 5) (long 200)))"), std::string::npos);
    EXPECT_NE(dump.find("(= StdDevInterval (index (call series_stats_dynamic (name TimeDiffs)) (string \"stdev\")))"),
              std::string::npos);
    EXPECT_NE(dump.find("(call array_slice (name ConnectionTimes) (long 1) (- (long 1)))"), std::string::npos);
    EXPECT_NE(dump.find("(where (or (>= (name ConnectionCount) (long 3)) (> (name BytesSent) (long 50000))))"),
              std::string::npos);

    const Statement& query = script.statements[6];
    EXPECT_EQ(query.kind, StatementKind::kQuery);
    EXPECT_EQ(DumpExpr(*query.value),
              "(pipe (name FakeTLSBeacon) (union (name AnomalousHTTP)) (project (= Timestamp (name FirstSeen)) "
              "(name DeviceName) (name InitiatingProcessFileName) (name InitiatingProcessCommandLine) "
              "(name ConnectionCount) (name UniqueRemoteIPs) (name BytesSent) (name BytesReceived) "
              "(name SuspicionReason)) (sort (desc (name Timestamp))))");
}

} // namespace
} // namespace unmask::query
