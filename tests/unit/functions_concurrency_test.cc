// Bound kernels run on several threads at once (one per chunk); their captured state (compiled
// regexes, item sets, constant needles) must stay read-only.
#include <thread>

#include <gtest/gtest.h>

#include "functions_test_util.h"

namespace unmask::functions {
namespace {

using testing::Cells;
using testing::Operand;
using testing::RunBound;
using testing::Strings;

Column MakeLines(size_t rows, size_t seed) {
    std::vector<std::string> lines;
    for (size_t row = 0; row < rows; ++row) {
        const size_t kind = (row + seed) % 4;
        lines.push_back(kind == 0   ? "cmd.exe /c whoami " + std::to_string(row)
                        : kind == 1 ? "PowerShell -enc AAAA"
                        : kind == 2 ? "{\"direction\":\"Out\",\"n\":" + std::to_string(row) + "}"
                                    : "");
    }
    return Strings(lines);
}

TEST(Concurrency, SharedBoundKernelsGiveSerialResults) {
    const Value pattern = Value::String("(?i)power\\w+");
    Result<BoundScalar> regex =
        BindBinaryOperator("matches regex", BindArg{Type::kString}, BindArg{Type::kString, &pattern});
    Result<BoundScalar> has_any = BindInOperator(
        "has_any", BindArg{Type::kString}, {Value::String("whoami"), Value::String("-enc"), Value::String("cmd.exe")});
    Result<BoundScalar> member = BindMember(BindArg{Type::kString}, "direction");
    ASSERT_TRUE(regex.ok()) << regex.status().message();
    ASSERT_TRUE(has_any.ok()) << has_any.status().message();
    ASSERT_TRUE(member.ok()) << member.status().message();

    constexpr size_t kThreads = 8;
    constexpr size_t kRows = 2000;
    std::vector<Column> inputs;
    std::vector<std::vector<std::vector<std::string>>> expected(kThreads);
    for (size_t thread = 0; thread < kThreads; ++thread) {
        inputs.push_back(MakeLines(kRows, thread));
    }
    const Column needles = Strings(std::vector<std::string>(kRows, pattern.string));
    for (size_t thread = 0; thread < kThreads; ++thread) {
        const Operand text{inputs[thread], std::nullopt};
        const Operand needle{needles, pattern};
        expected[thread] = {Cells(RunBound(regex.value(), {&text, &needle}).value()),
                            Cells(RunBound(has_any.value(), {&text}).value()),
                            Cells(RunBound(member.value(), {&text}).value())};
    }

    std::vector<std::vector<std::vector<std::string>>> actual(kThreads);
    std::vector<std::thread> threads;
    for (size_t thread = 0; thread < kThreads; ++thread) {
        threads.emplace_back([&, thread] {
            const Operand text{inputs[thread], std::nullopt};
            const Operand needle{needles, pattern};
            for (int repeat = 0; repeat < 5; ++repeat) {
                actual[thread] = {Cells(RunBound(regex.value(), {&text, &needle}).value()),
                                  Cells(RunBound(has_any.value(), {&text}).value()),
                                  Cells(RunBound(member.value(), {&text}).value())};
            }
        });
    }
    for (std::thread& thread : threads) {
        thread.join();
    }
    for (size_t thread = 0; thread < kThreads; ++thread) {
        EXPECT_EQ(actual[thread], expected[thread]) << "thread " << thread;
    }
    EXPECT_EQ(expected[0][0][1], "True");
    EXPECT_EQ(expected[0][1][0], "True");
    EXPECT_EQ(expected[0][2][2], "\"Out\"");
}

} // namespace
} // namespace unmask::functions
