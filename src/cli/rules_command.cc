#include "cli/rules_command.h"

#include <algorithm>
#include <iostream>
#include <sstream>

#include "common/source_text.h"
#include "detect/rule.h"
#include "detect/rule_examples.h"
#include "output/result_writer.h"

namespace unmask::cli {

namespace {

constexpr int kExitOk = 0;
constexpr int kExitTestFailed = 1;
constexpr int kExitError = 2;

std::string Join(const std::vector<std::string>& items, const std::string& separator = ", ") {
    std::string joined;
    for (const std::string& item : items) {
        joined += (joined.empty() ? "" : separator) + item;
    }
    return joined;
}

// Writes every line of `text` with `indent` before it.
void WriteIndented(std::ostream& out, const std::string& text, const std::string& indent) {
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
        out << (line.empty() ? "" : indent) << line << "\n";
    }
}

// Writes rows of cells as columns separated by two spaces; the last column is not padded.
void WriteColumns(std::ostream& out, const std::vector<std::vector<std::string>>& rows) {
    std::vector<size_t> widths;
    for (const auto& row : rows) {
        widths.resize(std::max(widths.size(), row.size()), 0);
        for (size_t i = 0; i < row.size(); ++i) {
            widths[i] = std::max(widths[i], row[i].size());
        }
    }
    for (const auto& row : rows) {
        std::string line;
        for (size_t i = 0; i < row.size(); ++i) {
            line += row[i];
            if (i + 1 < row.size()) {
                line.append(widths[i] - row[i].size() + 2, ' ');
            }
        }
        out << line << "\n";
    }
}

void ListRules(const std::vector<detect::Rule>& rules, std::ostream& out) {
    std::vector<std::vector<std::string>> rows = {{"ID", "SEVERITY", "CONFIDENCE", "ENABLED", "ATT&CK", "TITLE"}};
    for (const detect::Rule& rule : rules) {
        rows.push_back({rule.id, detect::SeverityName(rule.severity), detect::ConfidenceName(rule.confidence),
                        rule.enabled ? "yes" : "no", Join(rule.attack, ","), rule.title});
    }
    WriteColumns(out, rows);
}

void WriteNumberedList(std::ostream& out, const std::string& heading, const std::vector<std::string>& items,
                       bool numbered) {
    if (items.empty()) {
        return;
    }
    out << "\n" << heading << ":\n";
    for (size_t i = 0; i < items.size(); ++i) {
        const std::string marker = numbered ? std::to_string(i + 1) + ". " : "- ";
        std::istringstream lines(items[i]);
        std::string line;
        bool first = true;
        while (std::getline(lines, line)) {
            out << "  " << (first ? marker : std::string(marker.size(), ' ')) << line << "\n";
            first = false;
        }
    }
}

void WriteExamples(const detect::Rule& rule, std::ostream& out) {
    out << "\nTests:\n";
    for (const detect::RuleExample& example : rule.examples) {
        out << "  " << example.name << " (line " << example.line << "): expect "
            << (example.expect_match ? "match" : "no_match");
        if (example.expect_findings) {
            out << ", " << *example.expect_findings << (*example.expect_findings == 1 ? " finding" : " findings");
        }
        out << ", " << example.rows_json.size() << (example.rows_json.size() == 1 ? " row" : " rows")
            << ", now() = " << (example.now.empty() ? "the latest Timestamp" : example.now) << "\n";
    }
}

int ShowRule(const detect::Rule& rule, std::ostream& out, std::ostream& err) {
    Result<std::string> query = detect::BuildRuleQuery(rule, {});
    if (!query.ok()) {
        err << "unmask: " << query.status().message() << "\n";
        return kExitError;
    }
    std::vector<std::vector<std::string>> facts = {
        {"id:", rule.id},
        {"title:", rule.title},
        {"file:", rule.path},
        {"severity:", detect::SeverityName(rule.severity)},
        {"confidence:", detect::ConfidenceName(rule.confidence)},
        {"enabled:", rule.enabled ? "yes" : "no"},
        {"ATT&CK:", Join(rule.attack)},
        {"data sources:", Join(rule.data_sources)},
        {"required columns:", Join(rule.required_columns)},
        {"required action types:", rule.required_action_types.empty() ? "any" : Join(rule.required_action_types)},
    };
    WriteColumns(out, facts);

    out << "\nDescription:\n";
    WriteIndented(out, rule.description, "  ");
    WriteNumberedList(out, "False positives", rule.false_positives, false);
    WriteNumberedList(out, "Triage steps", rule.triage_steps, true);
    if (!rule.triage_queries.empty()) {
        out << "\nTriage queries:\n";
        for (const detect::TriageQuery& triage_query : rule.triage_queries) {
            out << "  " << triage_query.title << ":\n";
            WriteIndented(out, triage_query.kql, "    ");
        }
    }
    WriteNumberedList(out, "Response", rule.response, true);
    if (!rule.parameters.empty()) {
        out << "\nParameters:\n";
        for (const detect::RuleParameter& parameter : rule.parameters) {
            out << "  " << parameter.name << " (" << TypeName(parameter.type) << ") = " << parameter.default_value
                << "\n";
            WriteIndented(out, parameter.reason, "    ");
        }
    }
    out << "\nEntities:\n";
    std::vector<std::vector<std::string>> entities;
    for (const auto& [role, column] : detect::ListEntityColumns(rule.entities)) {
        entities.push_back({"  " + role + ":", column});
    }
    WriteColumns(out, entities);
    out << "\nExplanation:\n  " << rule.explanation << "\n";
    out << "\nQuery, with the parameters injected:\n";
    WriteIndented(out, *query, "  ");
    WriteExamples(rule, out);
    return kExitOk;
}

// Runs the examples of `rules`, printing one line per example and the result rows of failures.
int TestRules(const std::vector<const detect::Rule*>& rules, std::ostream& out, std::ostream& err) {
    size_t passed = 0;
    size_t failed = 0;
    for (const detect::Rule* rule : rules) {
        Result<std::vector<detect::ExampleResult>> results = detect::RunRuleExamples(*rule);
        if (!results.ok()) {
            err << "unmask: cannot run the tests of rule '" << rule->id << "': " << results.status().message() << "\n";
            return kExitError;
        }
        out << rule->id << " (" << rule->path << ")\n";
        for (const detect::ExampleResult& result : *results) {
            if (result.passed) {
                out << "  pass  " << result.name << "\n";
                ++passed;
                continue;
            }
            ++failed;
            out << "  FAIL  " << result.name << " (" << rule->path << ":" << result.line << ")\n";
            WriteIndented(out, result.failure, "        ");
            if (result.result.rows() > 0) {
                std::ostringstream table;
                output::WriteTextTable(table, result.result);
                out << "        result:\n";
                WriteIndented(out, table.str(), "          ");
            }
        }
    }
    out << "\n"
        << (passed + failed) << " tests in " << rules.size() << (rules.size() == 1 ? " rule" : " rules") << ": "
        << passed << " passed, " << failed << " failed\n";
    return failed == 0 ? kExitOk : kExitTestFailed;
}

const detect::Rule* FindRule(const std::vector<detect::Rule>& rules, const std::string& id) {
    const auto rule = std::find_if(rules.begin(), rules.end(), [&](const detect::Rule& r) { return r.id == id; });
    return rule == rules.end() ? nullptr : &*rule;
}

void ReportUnknownRule(const std::vector<detect::Rule>& rules, const RulesCommandOptions& options, std::ostream& err) {
    std::vector<std::string> ids;
    for (const detect::Rule& rule : rules) {
        ids.push_back(rule.id);
    }
    // Ids that contain the text come first, because a prefix of a long id is far from it by
    // edit distance.
    std::vector<std::string> suggestions;
    for (const std::string& id : ids) {
        if (suggestions.size() < 3 && id.find(options.rule_id) != std::string::npos) {
            suggestions.push_back("'" + id + "'");
        }
    }
    for (const std::string& id : NearestNames(options.rule_id, ids, 3)) {
        const std::string quoted = "'" + id + "'";
        if (suggestions.size() < 3 && std::find(suggestions.begin(), suggestions.end(), quoted) == suggestions.end()) {
            suggestions.push_back(quoted);
        }
    }
    err << "unmask: no rule has the id '" << options.rule_id << "' in '" << options.rules_dir << "'";
    if (!suggestions.empty()) {
        err << "; did you mean " << Join(suggestions, " or ") << "?";
    }
    err << " ('unmask rules list' lists the ids)\n";
}

} // namespace

void AddRulesCommand(CLI::App& app, RulesCommandOptions& options) {
    CLI::App* rules = app.add_subcommand("rules", "List the detection rules, show one, or run their tests");
    rules->require_subcommand(1);
    rules
        ->add_option("--rules", options.rules_dir,
                     "Folder of rule files (*.yaml); default: the UNMASK_RULES_DIR environment variable, else "
                     "'rules' in the current directory")
        ->type_name("DIR")
        ->envname("UNMASK_RULES_DIR")
        ->capture_default_str();

    CLI::App* list = rules->add_subcommand("list", "List the rules: id, severity, confidence, enabled, ATT&CK, title");
    list->fallthrough();
    list->callback([&options] { options.action = RulesAction::kList; });

    CLI::App* show = rules->add_subcommand("show", "Print every field of one rule, with its parameters injected");
    show->fallthrough();
    show->add_option("id", options.rule_id, "Rule id")->required();
    show->callback([&options] { options.action = RulesAction::kShow; });

    CLI::App* test = rules->add_subcommand("test", "Run the tests of one rule, or of every rule without an id");
    test->fallthrough();
    test->add_option("id", options.rule_id, "Rule id; default: every rule");
    test->callback([&options] { options.action = RulesAction::kTest; });
}

int RunRulesCommand(const RulesCommandOptions& options) {
    return RunRulesCommand(options, std::cout, std::cerr);
}

int RunRulesCommand(const RulesCommandOptions& options, std::ostream& out, std::ostream& err) {
    Result<std::vector<detect::Rule>> rules = detect::LoadRules(options.rules_dir);
    if (!rules.ok()) {
        err << "unmask: " << rules.status().message() << "\n";
        if (rules.status().kind() == ErrorKind::kIo) {
            err << "unmask: give the rules folder with --rules DIR or the UNMASK_RULES_DIR environment variable\n";
        }
        return kExitError;
    }
    const detect::Rule* selected = nullptr;
    if (!options.rule_id.empty()) {
        selected = FindRule(*rules, options.rule_id);
        if (selected == nullptr) {
            ReportUnknownRule(*rules, options, err);
            return kExitError;
        }
    }
    switch (options.action) {
    case RulesAction::kList:
        ListRules(*rules, out);
        return kExitOk;
    case RulesAction::kShow:
        if (selected == nullptr) {
            err << "unmask: 'rules show' needs a rule id\n";
            return kExitError;
        }
        return ShowRule(*selected, out, err);
    case RulesAction::kTest: {
        std::vector<const detect::Rule*> tested;
        for (const detect::Rule& rule : *rules) {
            if (selected == nullptr || &rule == selected) {
                tested.push_back(&rule);
            }
        }
        return TestRules(tested, out, err);
    }
    case RulesAction::kNone:
        break;
    }
    err << "unmask: 'rules' needs a subcommand: list, show ID or test [ID]\n";
    return kExitError;
}

} // namespace unmask::cli
