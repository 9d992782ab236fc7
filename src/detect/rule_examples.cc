#include "detect/rule_examples.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <optional>
#include <utility>

#include <stdlib.h>

#include "detect/query_runner.h"

namespace unmask::detect {

namespace {

namespace fs = std::filesystem;

// A fresh folder under `base`, removed with its files when this goes out of scope.
class TempFolder {
public:
    static Result<TempFolder> Create(const std::string& base) {
        std::error_code error;
        const fs::path parent = base.empty() ? fs::temp_directory_path(error) : fs::path(base);
        if (error) {
            return Status(ErrorKind::kIo, "cannot find the temporary folder: " + error.message());
        }
        std::string pattern = (parent / "unmask-examples-XXXXXX").string();
        if (mkdtemp(pattern.data()) == nullptr) {
            return Status(ErrorKind::kIo, "cannot create a temporary folder in '" + parent.string() + "'");
        }
        return TempFolder(pattern);
    }

    TempFolder(TempFolder&& other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }
    TempFolder& operator=(TempFolder&&) = delete;
    ~TempFolder() {
        if (!path_.empty()) {
            std::error_code ignored; // a leftover temporary folder is not worth failing a run for
            fs::remove_all(path_, ignored);
        }
    }

    const fs::path& path() const { return path_; }

private:
    explicit TempFolder(fs::path path) : path_(std::move(path)) {}
    fs::path path_;
};

Status WriteRows(const fs::path& path, const RuleExample& example) {
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    for (const std::string& row : example.rows_json) {
        file << row << '\n';
    }
    file.close();
    if (!file) {
        return Status(ErrorKind::kIo, "cannot write the example rows to '" + path.string() + "'");
    }
    return Status::Ok();
}

// Leading digits of `text` from `begin` as a number, and where they end; nullopt when none.
std::optional<std::pair<int, size_t>> ReadLineNumber(const std::string& text, size_t begin) {
    size_t end = begin;
    while (end < text.size() && end - begin < 9 && std::isdigit(static_cast<unsigned char>(text[end]))) {
        ++end;
    }
    if (end == begin || end >= text.size() || text[end] != ':') {
        return std::nullopt;
    }
    return std::make_pair(std::stoi(text.substr(begin, end - begin)), end);
}

// Describes a failed run of an example. Query errors start with "line:column: ", counting lines
// of the built query text, and become "file:line: " of the rule file. Input errors start with
// "input:line: ", and the input line is the example's row of that number.
std::string DescribeRunError(const Rule& rule, const std::string& input, const Status& status) {
    const std::string& message = status.message();
    std::string described = message;
    if (message.starts_with(input + ":")) {
        if (auto row = ReadLineNumber(message, input.size() + 1)) {
            described = "row " + std::to_string(row->first) + " of the example:" + message.substr(row->second + 1);
        }
    } else if (auto line = ReadLineNumber(message, 0)) {
        const size_t column_end = message.find(": ", line->second + 1);
        if (column_end != std::string::npos) {
            described = rule.path + ":" + std::to_string(RuleFileLine(rule, line->first)) + ": " +
                        message.substr(column_end + 2);
        }
    }
    return std::string(ErrorKindName(status.kind())) + " error: " + described;
}

std::string ExpectationFailure(const RuleExample& example, size_t rows) {
    if (example.expect_findings && rows != static_cast<size_t>(*example.expect_findings)) {
        return "expected " + std::to_string(*example.expect_findings) + " result rows, found " + std::to_string(rows);
    }
    if (example.expect_match && rows == 0) {
        return "expected at least one result row, found none";
    }
    if (!example.expect_match && rows > 0) {
        return "expected no result rows, found " + std::to_string(rows);
    }
    return "";
}

// Reports entity columns and explanation placeholders that the result does not have.
std::string MissingColumns(const Rule& rule, const Schema& schema) {
    std::string failure;
    for (const auto& [role, column] : ListEntityColumns(rule.entities)) {
        if (FindField(schema, column) < 0) {
            failure += (failure.empty() ? "" : "\n") + std::string("the result has no column '") + column +
                       "', which entities." + role + " names";
        }
    }
    for (const std::string& column : ExplanationColumns(rule.explanation)) {
        if (FindField(schema, column) < 0) {
            failure += (failure.empty() ? "" : "\n") + std::string("the result has no column '") + column +
                       "', which the explanation's {" + column + "} names";
        }
    }
    return failure;
}

} // namespace

Result<std::vector<ExampleResult>> RunRuleExamples(const Rule& rule, const ExampleRunOptions& options) {
    UNMASK_ASSIGN_OR_RETURN(const std::string query_text, BuildRuleQuery(rule, {}));
    UNMASK_ASSIGN_OR_RETURN(TempFolder folder, TempFolder::Create(options.temp_dir));

    std::vector<ExampleResult> results;
    for (size_t i = 0; i < rule.examples.size(); ++i) {
        const RuleExample& example = rule.examples[i];
        ExampleResult result;
        result.name = example.name;
        result.line = example.line;

        const fs::path input = folder.path() / ("example-" + std::to_string(i + 1) + ".jsonl");
        UNMASK_TRY(WriteRows(input, example));
        QueryRequest request;
        request.text = query_text;
        request.inputs = {input.string()};
        request.now = example.now.empty() ? "latest" : example.now;
        // A row that does not convert to its column's type is a mistake in the example, so it
        // fails the example instead of being skipped.
        request.read_options.strict = true;
        request.read_options.threads = std::max(1, options.threads);

        Result<QueryOutcome> outcome = RunQuery(request);
        if (!outcome.ok()) {
            result.failure = DescribeRunError(rule, input.string(), outcome.status());
            results.push_back(std::move(result));
            continue;
        }
        result.result = std::move(outcome->result);
        const size_t rows = result.result.rows();
        result.failure = ExpectationFailure(example, rows);
        if (result.failure.empty() && rows > 0) {
            result.failure = MissingColumns(rule, result.result.schema);
        }
        result.passed = result.failure.empty();
        results.push_back(std::move(result));
    }
    return results;
}

} // namespace unmask::detect
