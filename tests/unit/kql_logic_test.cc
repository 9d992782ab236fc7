// Runs the sqllogictest-style files under tests/kql/ through the same path as `unmask query`.
//
// File format (one directive or block after another, blocks end at a blank line):
//   # comment lines, including the "# name:", "# description:" and "# group:" header
//   input PATH            input file for the following blocks, relative to the repository root
//                         (repeat for several files; "input none" clears the list)
//   now DATETIME          value of now() for the following blocks (default 2024-01-02T00:00:00Z)
//   strict-schema on|off  reject the extension columns as Kusto does
//   query [rowsort]       KQL lines, then "----", then the header "Name:type<TAB>..." and one line
//                         per row with TAB-separated cells; null prints as <null>; rowsort
//                         compares rows after sorting them as text
//   statement error       KQL lines, then "----", then a substring the error message must contain
//   statement ok          KQL lines that must run without error
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "detect/query_runner.h"
#include "table/value.h"

namespace {

namespace fs = std::filesystem;

std::string RenderResult(const unmask::Table& table, bool sort_rows) {
    std::string header;
    for (size_t c = 0; c < table.schema.size(); ++c) {
        header += (c > 0 ? "\t" : "") + table.schema[c].name + ":" + std::string(unmask::TypeName(table.schema[c].type));
    }
    std::vector<std::string> rows;
    for (const unmask::Chunk& chunk : table.chunks) {
        for (size_t row = 0; row < chunk.rows; ++row) {
            std::string line;
            for (size_t c = 0; c < chunk.columns.size(); ++c) {
                if (c > 0) {
                    line += '\t';
                }
                const unmask::Column& column = chunk.columns[c];
                line += column.IsNull(row) ? "<null>" : unmask::FormatCell(column, row);
            }
            rows.push_back(std::move(line));
        }
    }
    if (sort_rows) {
        std::sort(rows.begin(), rows.end());
    }
    std::string out = header + "\n";
    for (const std::string& row : rows) {
        out += row + "\n";
    }
    return out;
}

struct Block {
    int line = 0;
    std::string kind;  // "query", "query rowsort", "statement error", "statement ok"
    std::string text;
    std::vector<std::string> expected;
};

class KqlLogicTest : public testing::TestWithParam<std::string> {};

TEST_P(KqlLogicTest, Passes) {
    const fs::path source_dir(UNMASK_SOURCE_DIR);
    const fs::path path = source_dir / "tests" / "kql" / GetParam();
    std::ifstream file(path);
    ASSERT_TRUE(file) << "cannot open " << path;
    std::vector<std::string> lines;
    for (std::string line; std::getline(file, line);) {
        if (!line.empty() && line.back() == '\r') {
            line.pop_back();
        }
        lines.push_back(line);
    }

    std::vector<std::string> inputs;
    std::string now = "2024-01-02T00:00:00Z";
    bool strict_schema = false;
    int blocks_run = 0;
    for (size_t i = 0; i < lines.size();) {
        const std::string& line = lines[i];
        if (line.empty() || line[0] == '#') {
            ++i;
            continue;
        }
        if (line.rfind("input ", 0) == 0) {
            const std::string value = line.substr(6);
            if (value == "none") {
                inputs.clear();
            } else {
                inputs.push_back((source_dir / value).string());
            }
            ++i;
            continue;
        }
        if (line.rfind("now ", 0) == 0) {
            now = line.substr(4);
            ++i;
            continue;
        }
        if (line.rfind("strict-schema ", 0) == 0) {
            strict_schema = line.substr(14) == "on";
            ++i;
            continue;
        }
        ASSERT_TRUE(line.rfind("query", 0) == 0 || line.rfind("statement", 0) == 0)
            << path << ":" << i + 1 << ": unknown directive '" << line << "'";
        Block block;
        block.line = static_cast<int>(i + 1);
        block.kind = line;
        ++i;
        while (i < lines.size() && lines[i] != "----" && !lines[i].empty()) {
            block.text += lines[i] + "\n";
            ++i;
        }
        if (i < lines.size() && lines[i] == "----") {
            ++i;
            while (i < lines.size() && !lines[i].empty()) {
                block.expected.push_back(lines[i]);
                ++i;
            }
        }

        unmask::detect::QueryRequest request;
        request.text = block.text;
        request.inputs = inputs;
        request.now = now;
        request.strict_schema = strict_schema;
        request.read_options.threads = 2;
        auto outcome = unmask::detect::RunQuery(request);
        const std::string where = path.string() + ":" + std::to_string(block.line);
        ++blocks_run;
        if (block.kind == "statement error") {
            EXPECT_FALSE(outcome.ok()) << where << ": expected an error, but the query ran";
            EXPECT_FALSE(block.expected.empty()) << where << ": statement error needs an expected message";
            if (outcome.ok() || block.expected.empty()) {
                continue;
            }
            // Only the message line counts: the rendered error also echoes the query line,
            // which would match any word of the query.
            const std::string& message = outcome.status().message();
            const std::string first_line = message.substr(0, message.find('\n'));
            EXPECT_NE(first_line.find(block.expected[0]), std::string::npos)
                << where << ": error message\n" << message << "\ndoes not contain\n" << block.expected[0];
            continue;
        }
        EXPECT_TRUE(outcome.ok()) << where << ": " << outcome.status().message();
        if (!outcome.ok()) {
            continue;
        }
        if (block.kind == "statement ok") {
            continue;
        }
        const bool rowsort = block.kind == "query rowsort";
        std::string expected;
        if (!block.expected.empty()) {
            expected = block.expected[0] + "\n";
            std::vector<std::string> rows(block.expected.begin() + 1, block.expected.end());
            if (rowsort) {
                std::sort(rows.begin(), rows.end());
            }
            for (const std::string& row : rows) {
                expected += row + "\n";
            }
        }
        EXPECT_EQ(RenderResult(outcome->result, rowsort), expected) << where;
    }
    EXPECT_GT(blocks_run, 0) << path << " has no query or statement";
}

std::vector<std::string> FindTestFiles() {
    std::vector<std::string> files;
    const fs::path root = fs::path(UNMASK_SOURCE_DIR) / "tests" / "kql";
    if (!fs::exists(root)) {
        return files;
    }
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
        if (entry.is_regular_file() && entry.path().extension() == ".test") {
            files.push_back(fs::relative(entry.path(), root).string());
        }
    }
    std::sort(files.begin(), files.end());
    return files;
}

std::string TestName(const testing::TestParamInfo<std::string>& info) {
    std::string name = info.param;
    for (char& c : name) {
        if (!std::isalnum(static_cast<unsigned char>(c))) {
            c = '_';
        }
    }
    return name;
}

INSTANTIATE_TEST_SUITE_P(Files, KqlLogicTest, testing::ValuesIn(FindTestFiles()), TestName);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(KqlLogicTest);

}  // namespace
