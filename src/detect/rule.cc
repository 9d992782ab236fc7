// Loading and validating rule files (schema in docs/rules.md), and injecting parameters.
#include "detect/rule.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "common/source_text.h"
#include "detect/rule_query_check.h"
#include "detect/rule_yaml.h"
#include "ingest/defender_schema.h"
#include "query/parser.h"
#include "table/datetime.h"
#include "table/dynamic.h"

namespace unmask::detect {

namespace {

using internal::YamlErrors;
using internal::YamlField;
using internal::YamlMapping;

const std::vector<std::string> kRuleKeys = {
    "id",
    "title",
    "description",
    "attack",
    "severity",
    "confidence",
    "enabled",
    "data_sources",
    "required_columns",
    "required_action_types",
    "false_positives",
    "triage",
    "response",
    "parameters",
    "entities",
    "explanation",
    "query",
    "tests",
};
const std::vector<std::string> kTriageKeys = {"steps", "queries"};
const std::vector<std::string> kTriageQueryKeys = {"title", "kql"};
const std::vector<std::string> kParameterKeys = {"name", "type", "default", "reason"};
const std::vector<std::string> kExampleKeys = {"name", "expect", "findings", "now", "rows"};

// The entity roles as rule files spell them, with their place in EntityColumns.
struct EntityRole {
    const char* name;
    std::string EntityColumns::*column;
};
constexpr EntityRole kEntityRoles[] = {
    {"device", &EntityColumns::device},
    {"process", &EntityColumns::process},
    {"command_line", &EntityColumns::command_line},
    {"process_id", &EntityColumns::process_id},
    {"folder_path", &EntityColumns::folder_path},
    {"remote_ip", &EntityColumns::remote_ip},
    {"remote_port", &EntityColumns::remote_port},
    {"remote_name", &EntityColumns::remote_name},
    {"first_seen", &EntityColumns::first_seen},
    {"last_seen", &EntityColumns::last_seen},
    {"count", &EntityColumns::count},
    {"bytes_sent", &EntityColumns::bytes_sent},
    {"bytes_received", &EntityColumns::bytes_received},
};

bool IsLowerAlnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}
bool IsDigit(char c) {
    return c >= '0' && c <= '9';
}
bool IsIdentifierStart(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool IsIdentifierChar(char c) {
    return IsIdentifierStart(c) || IsDigit(c);
}

bool IsRuleId(std::string_view id) {
    if (id.empty() || !IsLowerAlnum(id.front()) || !IsLowerAlnum(id.back())) {
        return false;
    }
    return std::all_of(id.begin(), id.end(), [](char c) { return IsLowerAlnum(c) || c == '-'; });
}

bool IsIdentifier(std::string_view name) {
    return !name.empty() && IsIdentifierStart(name.front()) && std::all_of(name.begin(), name.end(), IsIdentifierChar);
}

// T followed by four digits, optionally followed by a dot and three digits: T1001, T1001.003.
bool IsTechniqueId(std::string_view id) {
    if (id.size() != 5 && id.size() != 9) {
        return false;
    }
    if (id[0] != 'T' || !std::all_of(id.begin() + 1, id.begin() + 5, IsDigit)) {
        return false;
    }
    return id.size() == 5 || (id[5] == '.' && std::all_of(id.begin() + 6, id.end(), IsDigit));
}

std::vector<std::string> KnownColumnNames() {
    std::vector<std::string> names;
    for (const Field& field : ingest::DeviceNetworkEventsSchema()) {
        names.push_back(field.name);
    }
    return names;
}

// Appends "; did you mean 'A' or 'B'?" when some candidates are close to `name`.
std::string SuggestNames(std::string_view name, const std::vector<std::string>& candidates) {
    const std::vector<std::string> nearest = NearestNames(name, candidates, 3);
    if (nearest.empty()) {
        return "";
    }
    std::string hint = "; did you mean ";
    for (size_t i = 0; i < nearest.size(); ++i) {
        hint += i == 0 ? "" : (i + 1 == nearest.size() ? " or " : ", ");
        hint += "'" + nearest[i] + "'";
    }
    return hint + "?";
}

// Reports an explanation whose braces do not form {Column} placeholders.
void CheckExplanation(const YamlField& field, const std::string& text, YamlErrors& errors) {
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '}') {
            errors.AddField(field.line, field.name,
                            "'}' at character " + std::to_string(i + 1) +
                                " closes no placeholder; placeholders are {Column}");
            return;
        }
        if (text[i] != '{') {
            continue;
        }
        const size_t close = text.find('}', i);
        const std::string_view name =
            close == std::string::npos ? std::string_view() : std::string_view(text).substr(i + 1, close - i - 1);
        if (close == std::string::npos || !IsIdentifier(name)) {
            errors.AddField(field.line, field.name,
                            "'{' at character " + std::to_string(i + 1) +
                                " does not start a placeholder {Column} with a column name");
            return;
        }
        i = close;
    }
}

// Returns the line of the rule file where the query text starts. yaml-cpp marks a block scalar
// at its '|' indicator, and the text begins on the next line.
int QueryFirstLine(const YamlField& field, std::string_view file_text) {
    const YAML::Mark mark = field.value.Mark();
    const bool block = mark.pos >= 0 && static_cast<size_t>(mark.pos) < file_text.size() && file_text[mark.pos] == '|';
    return mark.line + 1 + (block ? 1 : 0);
}

bool IsFoldedScalar(const YamlField& field, std::string_view file_text) {
    const YAML::Mark mark = field.value.Mark();
    return mark.pos >= 0 && static_cast<size_t>(mark.pos) < file_text.size() && file_text[mark.pos] == '>';
}

// Reads the KQL text of a query or triage query. A folded scalar is rejected because folding
// joins the lines, so a `//` comment would hide the rest of the query.
std::optional<std::string> ReadKql(const YamlField& field, std::string_view file_text, YamlErrors& errors) {
    if (IsFoldedScalar(field, file_text)) {
        errors.AddField(field.line, field.name,
                        "expected a literal block scalar ('|'), found a folded one ('>'); folding joins the lines, "
                        "so a // comment would hide the rest of the query");
        return std::nullopt;
    }
    return internal::ReadText(field, errors, /*single_line=*/false);
}

// Reads id, title and description.
void ReadIdentity(const YamlMapping& root, Rule& rule, YamlErrors& errors) {
    if (auto field = root.Require("id")) {
        if (auto id = internal::ReadText(*field, errors)) {
            if (IsRuleId(*id)) {
                rule.id = *id;
            } else {
                errors.AddField(field->line, field->name,
                                "expected lower-case letters, digits and '-', starting and ending with a letter or "
                                "digit, found '" +
                                    *id + "'");
            }
        }
    }
    if (auto field = root.Require("title")) {
        rule.title = internal::ReadText(*field, errors).value_or("");
    }
    if (auto field = root.Require("description")) {
        rule.description = internal::ReadText(*field, errors, /*single_line=*/false).value_or("");
    }
}

void ReadAttack(const YamlMapping& root, Rule& rule, YamlErrors& errors) {
    std::optional<YamlField> field = root.Require("attack");
    if (!field) {
        return;
    }
    std::optional<std::vector<YamlField>> items = internal::ReadList(*field, errors, /*non_empty=*/true);
    std::set<std::string> seen;
    for (const YamlField& item : items.value_or(std::vector<YamlField>{})) {
        std::optional<std::string> technique = internal::ReadText(item, errors);
        if (!technique) {
            continue;
        }
        if (!IsTechniqueId(*technique)) {
            errors.AddField(item.line, item.name,
                            "expected an ATT&CK technique id such as T1001 or T1001.003, found '" + *technique + "'");
        } else if (!seen.insert(*technique).second) {
            errors.AddField(item.line, item.name, "'" + *technique + "' is listed twice");
        } else {
            rule.attack.push_back(*technique);
        }
    }
}

// Reads severity, confidence and enabled.
void ReadRating(const YamlMapping& root, Rule& rule, YamlErrors& errors) {
    if (auto field = root.Require("severity")) {
        std::optional<std::string> name = internal::ReadText(*field, errors);
        std::optional<Severity> severity = name ? ParseSeverity(*name) : std::nullopt;
        if (name && !severity) {
            errors.AddField(field->line, field->name,
                            "expected one of informational, low, medium, high, critical, found '" + *name + "'");
        }
        rule.severity = severity.value_or(Severity::kMedium);
    }
    if (auto field = root.Require("confidence")) {
        std::optional<std::string> name = internal::ReadText(*field, errors);
        std::optional<Confidence> confidence = name ? ParseConfidence(*name) : std::nullopt;
        if (name && !confidence) {
            errors.AddField(field->line, field->name, "expected one of low, medium, high, found '" + *name + "'");
        }
        rule.confidence = confidence.value_or(Confidence::kMedium);
    }
    if (auto field = root.Find("enabled")) {
        rule.enabled = internal::ReadBool(*field, errors).value_or(true);
    }
}

void ReadRequiredColumns(const YamlField& field, Rule& rule, YamlErrors& errors) {
    std::optional<std::vector<YamlField>> items = internal::ReadList(field, errors, /*non_empty=*/true);
    std::set<std::string> seen;
    for (const YamlField& item : items.value_or(std::vector<YamlField>{})) {
        std::optional<std::string> column = internal::ReadText(item, errors);
        if (!column) {
            continue;
        }
        if (!ingest::KnownColumnType(*column)) {
            errors.AddField(item.line, item.name,
                            "'" + *column + "' is not a column of DeviceNetworkEvents" +
                                SuggestNames(*column, KnownColumnNames()));
        } else if (!seen.insert(*column).second) {
            errors.AddField(item.line, item.name, "'" + *column + "' is listed twice");
        } else {
            rule.required_columns.push_back(*column);
        }
    }
}

// Reads data_sources, required_columns and required_action_types.
void ReadDataRequirements(const YamlMapping& root, Rule& rule, YamlErrors& errors) {
    if (auto field = root.Require("data_sources")) {
        rule.data_sources = internal::ReadTextList(*field, errors, true, true).value_or(std::vector<std::string>{});
    }
    if (auto field = root.Require("required_columns")) {
        ReadRequiredColumns(*field, rule, errors);
    }
    if (auto field = root.Find("required_action_types")) {
        std::optional<std::vector<std::string>> action_types = internal::ReadTextList(*field, errors, true, true);
        for (const std::string& action_type : action_types.value_or(std::vector<std::string>{})) {
            if (!IsIdentifier(action_type)) {
                errors.AddField(field->line, field->name,
                                "expected ActionType values such as ConnectionSuccess, found '" + action_type + "'");
            }
        }
        rule.required_action_types = action_types.value_or(std::vector<std::string>{});
    }
}

// Reads false_positives and response, lists of texts that may span lines.
void ReadPlaybook(const YamlMapping& root, Rule& rule, YamlErrors& errors) {
    const std::vector<std::string> none;
    if (auto field = root.Require("false_positives")) {
        rule.false_positives = internal::ReadTextList(*field, errors, true, false, false).value_or(none);
    }
    if (auto field = root.Require("response")) {
        rule.response = internal::ReadTextList(*field, errors, true, false, false).value_or(none);
    }
}

void ReadTriage(const YamlMapping& root, std::string_view file_text, Rule& rule, YamlErrors& errors) {
    std::optional<YamlField> field = root.Require("triage");
    if (!field) {
        return;
    }
    const YamlMapping triage(*field, kTriageKeys, errors);
    if (auto steps = triage.Require("steps")) {
        rule.triage_steps =
            internal::ReadTextList(*steps, errors, true, false, false).value_or(std::vector<std::string>{});
    }
    std::optional<YamlField> queries = triage.Find("queries");
    if (!queries) {
        return;
    }
    for (const YamlField& item : internal::ReadList(*queries, errors, false).value_or(std::vector<YamlField>{})) {
        const YamlMapping query(item, kTriageQueryKeys, errors);
        TriageQuery triage_query;
        if (auto title = query.Require("title")) {
            triage_query.title = internal::ReadText(*title, errors).value_or("");
        }
        if (auto kql = query.Require("kql")) {
            triage_query.kql = ReadKql(*kql, file_text, errors).value_or("");
        }
        rule.triage_queries.push_back(std::move(triage_query));
    }
}

// Reads the parameters; `names` receives the `name` field of each one kept, for later messages.
void ReadParameters(const YamlMapping& root, Rule& rule, std::vector<YamlField>& names, YamlErrors& errors) {
    std::optional<YamlField> field = root.Find("parameters");
    if (!field) {
        return;
    }
    std::set<std::string> seen;
    for (const YamlField& item : internal::ReadList(*field, errors, false).value_or(std::vector<YamlField>{})) {
        const YamlMapping mapping(item, kParameterKeys, errors);
        if (!mapping.valid()) {
            continue;
        }
        RuleParameter parameter;
        bool valid = true;
        std::optional<YamlField> name = mapping.Require("name");
        std::optional<std::string> name_text = name ? internal::ReadText(*name, errors) : std::nullopt;
        if (!name_text) {
            valid = false;
        } else if (!IsIdentifier(*name_text)) {
            errors.AddField(name->line, name->name,
                            "expected a KQL identifier (letters, digits and '_', not starting with a digit), found '" +
                                *name_text + "'");
            valid = false;
        } else if (ingest::KnownColumnType(*name_text)) {
            errors.AddField(name->line, name->name,
                            "'" + *name_text +
                                "' is a column of DeviceNetworkEvents; choose another name so that the query's "
                                "references to it stay unambiguous");
            valid = false;
        } else if (!seen.insert(*name_text).second) {
            errors.AddField(name->line, name->name, "parameter '" + *name_text + "' is declared twice");
            valid = false;
        } else {
            parameter.name = *name_text;
        }

        std::optional<YamlField> type = mapping.Require("type");
        std::optional<std::string> type_text = type ? internal::ReadText(*type, errors) : std::nullopt;
        bool type_valid = false;
        if (type_text) {
            if (std::optional<Type> parsed_type = ParseTypeName(*type_text)) {
                parameter.type = *parsed_type;
                type_valid = true;
            } else {
                errors.AddField(type->line, type->name,
                                "expected a KQL type: bool, int, long, real, string, datetime, timespan or dynamic, "
                                "found '" +
                                    *type_text + "'");
            }
        }
        valid = valid && type_valid;

        std::optional<YamlField> default_field = mapping.Require("default");
        std::optional<std::string> default_text =
            default_field ? internal::ReadText(*default_field, errors) : std::nullopt;
        if (default_text && type_valid) {
            if (std::optional<std::string> problem = internal::CheckLiteral(*default_text, parameter.type)) {
                errors.AddField(default_field->line, default_field->name, *problem);
                valid = false;
            }
        }
        valid = valid && default_text.has_value();
        parameter.default_value = default_text.value_or("");

        std::optional<YamlField> reason = mapping.Require("reason");
        std::optional<std::string> reason_text = reason ? internal::ReadText(*reason, errors, false) : std::nullopt;
        parameter.reason = reason_text.value_or("");

        if (valid && reason_text) {
            rule.parameters.push_back(std::move(parameter));
            names.push_back(*name);
        }
    }
}

void ReadEntities(const YamlMapping& root, Rule& rule, YamlErrors& errors) {
    std::optional<YamlField> field = root.Require("entities");
    if (!field) {
        return;
    }
    std::vector<std::string> role_names;
    for (const EntityRole& role : kEntityRoles) {
        role_names.emplace_back(role.name);
    }
    const YamlMapping entities(*field, role_names, errors);
    if (entities.valid() && entities.fields().empty()) {
        errors.AddField(field->line, field->name, "expected at least one entity, such as device: DeviceName");
    }
    for (const EntityRole& role : kEntityRoles) {
        std::optional<YamlField> column_field = entities.Find(role.name);
        if (!column_field) {
            continue;
        }
        std::optional<std::string> column = internal::ReadText(*column_field, errors);
        if (column && !IsIdentifier(*column)) {
            errors.AddField(column_field->line, column_field->name,
                            "expected a result column name, found '" + *column + "'");
        } else if (column) {
            rule.entities.*role.column = *column;
        }
    }
}

// Reads one example row: a mapping of DeviceNetworkEvents columns to values, as a JSON object.
std::optional<std::string> ReadExampleRow(const YamlField& field, YamlErrors& errors) {
    const YamlMapping row(field, {}, errors);
    if (!row.valid()) {
        return std::nullopt;
    }
    if (row.fields().empty()) {
        errors.AddField(field.line, field.name, "expected at least one column, found an empty mapping");
        return std::nullopt;
    }
    std::string json = "{";
    bool valid = true;
    for (const YamlField& cell : row.fields()) {
        const std::string column = cell.name.substr(field.name.size() + 1);
        if (!ingest::KnownColumnType(column)) {
            errors.AddField(cell.line, cell.name,
                            "'" + column + "' is not a column of DeviceNetworkEvents" +
                                SuggestNames(column, KnownColumnNames()));
            valid = false;
            continue;
        }
        std::optional<std::string> value = internal::YamlToJson(cell.value);
        if (!value) {
            errors.AddField(cell.line, cell.name,
                            "the value nests lists and mappings more than " +
                                std::to_string(internal::kMaxRowValueDepth) + " levels deep");
            valid = false;
            continue;
        }
        json += json.size() > 1 ? "," : "";
        json += DynamicValue::String(column)->ToJson() + ":" + *value;
    }
    if (!valid) {
        return std::nullopt;
    }
    return json + "}";
}

void ReadExample(const YamlField& item, std::set<std::string>& names, Rule& rule, YamlErrors& errors) {
    const YamlMapping mapping(item, kExampleKeys, errors);
    if (!mapping.valid()) {
        return;
    }
    RuleExample example;
    example.line = item.line;
    if (auto name = mapping.Require("name")) {
        example.name = internal::ReadText(*name, errors).value_or("");
        if (!example.name.empty() && !names.insert(example.name).second) {
            errors.AddField(name->line, name->name,
                            "another test of this rule is already named '" + example.name + "'");
        }
    }
    bool expect_valid = false;
    if (auto expect = mapping.Require("expect")) {
        std::optional<std::string> text = internal::ReadText(*expect, errors);
        expect_valid = text == "match" || text == "no_match";
        if (text && !expect_valid) {
            errors.AddField(expect->line, expect->name, "expected match or no_match, found '" + *text + "'");
        }
        example.expect_match = text != "no_match";
    }
    if (auto findings = mapping.Find("findings")) {
        std::optional<int> count = internal::ReadCount(*findings, errors);
        if (count && expect_valid && example.expect_match && *count == 0) {
            errors.AddField(findings->line, findings->name, "expected 1 or more with expect: match, found 0");
        } else if (count && expect_valid && !example.expect_match && *count != 0) {
            errors.AddField(findings->line, findings->name,
                            "expected 0 or no findings field with expect: no_match, found " + std::to_string(*count));
        }
        example.expect_findings = count;
    }
    if (auto now = mapping.Find("now")) {
        std::optional<std::string> text = internal::ReadText(*now, errors);
        if (text && *text != "latest" && !ParseDateTime(*text)) {
            errors.AddField(now->line, now->name,
                            "expected a datetime such as 2024-01-31T12:00:00Z or 'latest', found '" + *text + "'");
        }
        example.now = text.value_or("");
    }
    if (auto rows = mapping.Require("rows")) {
        for (const YamlField& row : internal::ReadList(*rows, errors, true).value_or(std::vector<YamlField>{})) {
            if (std::optional<std::string> json = ReadExampleRow(row, errors)) {
                example.rows_json.push_back(std::move(*json));
            }
        }
    }
    rule.examples.push_back(std::move(example));
}

void ReadExamples(const YamlMapping& root, Rule& rule, YamlErrors& errors) {
    std::optional<YamlField> field = root.Require("tests");
    if (!field) {
        return;
    }
    std::set<std::string> names;
    for (const YamlField& item : internal::ReadList(*field, errors, true).value_or(std::vector<YamlField>{})) {
        ReadExample(item, names, rule, errors);
    }
}

const char* ErrorKindTitle(ErrorKind kind) {
    switch (kind) {
    case ErrorKind::kParse:
        return "syntax error";
    case ErrorKind::kNotImplemented:
        return "not supported by unmask";
    case ErrorKind::kLimitExceeded:
        return "limit exceeded";
    default:
        return ErrorKindName(kind);
    }
}

// Parses the query with its parameters injected, and checks that every parameter is used and
// that the query does not declare a `let` with a parameter's name.
void CheckQuery(const Rule& rule, int query_field_line, const std::vector<YamlField>& parameter_names,
                YamlErrors& errors) {
    Result<std::string> built = BuildRuleQuery(rule, {});
    if (!built.ok()) {
        errors.AddField(query_field_line, "query", built.status().message());
        return;
    }
    Result<query::Script> script = query::ParseScript(*built);
    if (!script.ok()) {
        const Status& status = script.status();
        if (!status.offset()) {
            errors.AddField(query_field_line, "query",
                            std::string(ErrorKindTitle(status.kind())) + ": " + status.message());
            return;
        }
        const LineColumn position = LocateOffset(*built, *status.offset());
        // The rendering starts with "line:column: " relative to the built text; keep only the
        // source line and the carets below it.
        const std::string rendered = RenderSourceError(*built, *status.offset(), status.length(), "");
        const size_t snippet = rendered.find('\n');
        errors.AddField(RuleFileLine(rule, static_cast<int>(position.line)), "query",
                        std::string(ErrorKindTitle(status.kind())) + ": " + status.message() +
                            (snippet == std::string::npos ? "" : rendered.substr(snippet)));
        return;
    }

    bool has_query_statement = false;
    for (size_t i = rule.parameters.size(); i < script->statements.size(); ++i) {
        const query::Statement& statement = script->statements[i];
        has_query_statement = has_query_statement || statement.kind == query::StatementKind::kQuery;
        if (statement.kind != query::StatementKind::kLet) {
            continue;
        }
        for (const RuleParameter& parameter : rule.parameters) {
            if (parameter.name == statement.name) {
                errors.AddField(
                    RuleFileLine(rule, static_cast<int>(LocateOffset(*built, statement.name_span.offset).line)),
                    "query",
                    "'let " + statement.name +
                        "' replaces the parameter of that name; remove the "
                        "let and tune the value through the parameter's default");
            }
        }
    }
    if (!has_query_statement) {
        errors.AddField(query_field_line, "query", "expected a tabular expression after the let statements");
    }
    const std::set<std::string> used = internal::ReferencedNames(*script);
    for (size_t i = 0; i < rule.parameters.size(); ++i) {
        if (used.count(rule.parameters[i].name) == 0) {
            errors.AddField(parameter_names[i].line, parameter_names[i].name,
                            "parameter '" + rule.parameters[i].name +
                                "' is never used by the query; remove it or refer to it in the query");
        }
    }
}

Result<std::string> ReadWholeFile(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    if (!file) {
        return Status(ErrorKind::kIo, "cannot open rule file '" + path + "'");
    }
    std::ostringstream text;
    text << file.rdbuf();
    if (file.bad()) {
        return Status(ErrorKind::kIo, "cannot read rule file '" + path + "'");
    }
    return text.str();
}

// Parses the YAML text; yaml-cpp reports syntax errors by throwing.
Result<YAML::Node> ParseYaml(const std::string& path, const std::string& text) {
    std::vector<YAML::Node> documents;
    try {
        documents = YAML::LoadAll(text);
    } catch (const YAML::Exception& error) {
        return Status(ErrorKind::kInvalidInput,
                      path + ":" + std::to_string(error.mark.line + 1) + ": invalid YAML: " + error.msg);
    }
    if (documents.empty()) {
        return Status(ErrorKind::kInvalidInput, path + ":1: the file is empty; expected one rule");
    }
    if (documents.size() > 1) {
        return Status(ErrorKind::kInvalidInput, path + ": the file contains " + std::to_string(documents.size()) +
                                                    " YAML documents; expected one rule per file");
    }
    return documents.front();
}

// Loads and validates one rule; `id_line` receives the line of its id for duplicate-id messages.
Result<Rule> LoadRule(const std::string& path, int& id_line) {
    UNMASK_ASSIGN_OR_RETURN(std::string text, ReadWholeFile(path));
    // yaml-cpp skips a UTF-8 byte order mark and counts positions after it, so drop it here too
    // for the positions to match the text.
    if (text.starts_with("\xEF\xBB\xBF")) {
        text.erase(0, 3);
    }
    UNMASK_ASSIGN_OR_RETURN(const YAML::Node document, ParseYaml(path, text));

    Rule rule;
    rule.path = path;
    YamlErrors errors(path);
    const YamlMapping root(YamlField{"", document, document.IsNull() ? 1 : internal::NodeLine(document)}, kRuleKeys,
                           errors);
    if (!root.valid()) {
        return errors.ToStatus();
    }
    ReadIdentity(root, rule, errors);
    ReadAttack(root, rule, errors);
    ReadRating(root, rule, errors);
    ReadDataRequirements(root, rule, errors);
    ReadPlaybook(root, rule, errors);
    ReadTriage(root, text, rule, errors);
    std::vector<YamlField> parameter_names;
    const size_t errors_before_parameters = errors.count();
    ReadParameters(root, rule, parameter_names, errors);
    const bool parameters_valid = errors.count() == errors_before_parameters;
    ReadEntities(root, rule, errors);
    if (auto field = root.Require("explanation")) {
        if (std::optional<std::string> explanation = internal::ReadText(*field, errors)) {
            CheckExplanation(*field, *explanation, errors);
            rule.explanation = *explanation;
        }
    }
    ReadExamples(root, rule, errors);

    std::optional<YamlField> query_field = root.Require("query");
    std::optional<std::string> query = query_field ? ReadKql(*query_field, text, errors) : std::nullopt;
    if (query) {
        rule.query = *query;
        rule.query_line = QueryFirstLine(*query_field, text);
        // Parameters that failed validation are left out of the rule. The parse and the
        // unused-parameter check would then report follow-on errors, so they need valid parameters.
        if (parameters_valid) {
            CheckQuery(rule, query_field->line, parameter_names, errors);
        }
    }
    id_line = root.Find("id") ? root.Find("id")->line : 1;
    if (!errors.empty()) {
        return errors.ToStatus();
    }
    return rule;
}

} // namespace

const char* SeverityName(Severity severity) {
    switch (severity) {
    case Severity::kInformational:
        return "informational";
    case Severity::kLow:
        return "low";
    case Severity::kMedium:
        return "medium";
    case Severity::kHigh:
        return "high";
    case Severity::kCritical:
        return "critical";
    }
    return "medium";
}

std::optional<Severity> ParseSeverity(std::string_view name) {
    for (Severity severity :
         {Severity::kInformational, Severity::kLow, Severity::kMedium, Severity::kHigh, Severity::kCritical}) {
        if (name == SeverityName(severity)) {
            return severity;
        }
    }
    return std::nullopt;
}

const char* ConfidenceName(Confidence confidence) {
    switch (confidence) {
    case Confidence::kLow:
        return "low";
    case Confidence::kMedium:
        return "medium";
    case Confidence::kHigh:
        return "high";
    }
    return "medium";
}

std::optional<Confidence> ParseConfidence(std::string_view name) {
    for (Confidence confidence : {Confidence::kLow, Confidence::kMedium, Confidence::kHigh}) {
        if (name == ConfidenceName(confidence)) {
            return confidence;
        }
    }
    return std::nullopt;
}

std::vector<std::pair<std::string, std::string>> ListEntityColumns(const EntityColumns& entities) {
    std::vector<std::pair<std::string, std::string>> columns;
    for (const EntityRole& role : kEntityRoles) {
        if (!(entities.*role.column).empty()) {
            columns.emplace_back(role.name, entities.*role.column);
        }
    }
    return columns;
}

std::vector<std::string> ExplanationColumns(std::string_view explanation) {
    std::vector<std::string> columns;
    size_t open = explanation.find('{');
    while (open != std::string_view::npos) {
        const size_t close = explanation.find('}', open);
        if (close == std::string_view::npos) {
            break;
        }
        columns.emplace_back(explanation.substr(open + 1, close - open - 1));
        open = explanation.find('{', close);
    }
    return columns;
}

int RuleFileLine(const Rule& rule, int built_line) {
    const int query_line = built_line - static_cast<int>(rule.parameters.size());
    return query_line >= 1 ? rule.query_line + query_line - 1 : rule.query_line;
}

Result<Rule> LoadRuleFile(const std::string& path) {
    int id_line = 0;
    return LoadRule(path, id_line);
}

Result<std::vector<Rule>> LoadRules(const std::string& folder) {
    namespace fs = std::filesystem;
    std::error_code error;
    if (!fs::is_directory(folder, error)) {
        return Status(ErrorKind::kIo, "rules folder '" + folder + "' " +
                                          (fs::exists(folder, error) ? "is not a folder" : "does not exist"));
    }
    std::vector<std::string> paths;
    for (fs::directory_iterator it(folder, error), end; !error && it != end; it.increment(error)) {
        const fs::path& path = it->path();
        const std::string name = path.filename().string();
        const std::string extension = path.extension().string();
        if (name.starts_with(".") || (extension != ".yaml" && extension != ".yml") || !it->is_regular_file(error)) {
            continue;
        }
        paths.push_back(path.string());
    }
    if (error) {
        return Status(ErrorKind::kIo, "cannot list rules folder '" + folder + "': " + error.message());
    }
    if (paths.empty()) {
        return Status(ErrorKind::kIo, "rules folder '" + folder + "' has no .yaml or .yml files");
    }
    std::sort(paths.begin(), paths.end());

    std::vector<Rule> rules;
    std::string messages; // every file's errors, so one run shows all of them
    std::map<std::string, std::string> path_by_id;
    for (const std::string& path : paths) {
        int id_line = 0;
        Result<Rule> rule = LoadRule(path, id_line);
        if (!rule.ok()) {
            messages += (messages.empty() ? "" : "\n") + rule.status().message();
            continue;
        }
        const auto [known, inserted] = path_by_id.emplace(rule->id, path);
        if (!inserted) {
            messages += (messages.empty() ? "" : "\n") + path + ":" + std::to_string(id_line) + ": field 'id': '" +
                        rule->id + "' is already the id of " + known->second;
            continue;
        }
        rules.push_back(std::move(rule).value());
    }
    if (!messages.empty()) {
        return Status(ErrorKind::kInvalidInput, messages);
    }
    return rules;
}

Result<std::string> BuildRuleQuery(const Rule& rule, const std::map<std::string, std::string>& overrides) {
    for (const auto& [override_name, value] : overrides) {
        // A named copy, because clang 14 cannot capture a structured binding in a lambda.
        const std::string& name = override_name;
        const auto parameter = std::find_if(rule.parameters.begin(), rule.parameters.end(),
                                            [&](const RuleParameter& known) { return known.name == name; });
        if (parameter == rule.parameters.end()) {
            std::vector<std::string> names;
            for (const RuleParameter& known : rule.parameters) {
                names.push_back(known.name);
            }
            std::string known_names;
            for (const std::string& known : names) {
                known_names += (known_names.empty() ? "" : ", ") + known;
            }
            return Status(ErrorKind::kInvalidInput,
                          "rule '" + rule.id + "' has no parameter '" + name + "'" +
                              (names.empty() ? "; it has no parameters" : "; its parameters are " + known_names));
        }
        if (std::optional<std::string> problem = internal::CheckLiteral(value, parameter->type)) {
            return Status(ErrorKind::kInvalidInput, "rule '" + rule.id + "', parameter '" + name + "': " + *problem);
        }
    }
    std::string text;
    for (const RuleParameter& parameter : rule.parameters) {
        const auto override_value = overrides.find(parameter.name);
        const std::string& value = override_value != overrides.end() ? override_value->second : parameter.default_value;
        // One parameter per line: error locations map back to the rule file by subtracting
        // the parameter count (see RuleFileLine).
        if (value.find('\n') != std::string::npos) {
            return Status(ErrorKind::kInvalidInput,
                          "rule '" + rule.id + "', parameter '" + parameter.name + "': the value must be on one line");
        }
        text += "let " + parameter.name + " = " + value + ";\n";
    }
    return text + rule.query;
}

} // namespace unmask::detect
