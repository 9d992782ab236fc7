// Detection rules: metadata, tunable parameters, the KQL query and inline examples.
//
// A rule is data: one YAML file under rules/ (docs/rules.md gives the schema). The loader
// validates every field and reports errors naming the file, the field and what is expected.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "table/types.h"

namespace unmask::detect {

enum class Severity { kInformational, kLow, kMedium, kHigh, kCritical };
enum class Confidence { kLow, kMedium, kHigh };

const char* SeverityName(Severity severity);
std::optional<Severity> ParseSeverity(std::string_view name);
const char* ConfidenceName(Confidence confidence);
std::optional<Confidence> ParseConfidence(std::string_view name);

/// A tunable value, injected into the query as `let Name = value;`.
struct RuleParameter {
    std::string name;
    Type type = Type::kLong;
    std::string default_value;  ///< as written in KQL: 24h, 3, "text", dynamic([...]), true
    std::string reason;         ///< why this default
};

struct TriageQuery {
    std::string title;
    std::string kql;
};

/// Result columns that name the entities of a finding. Empty means the rule has no such column.
struct EntityColumns {
    std::string device;        ///< e.g. DeviceName
    std::string process;       ///< e.g. InitiatingProcessFileName
    std::string command_line;  ///< e.g. InitiatingProcessCommandLine
    std::string process_id;    ///< e.g. InitiatingProcessId
    std::string folder_path;   ///< e.g. InitiatingProcessFolderPath
    std::string remote_ip;     ///< a string or a dynamic array of addresses
    std::string remote_port;
    std::string remote_name;   ///< RemoteUrl, server_name or host
    std::string first_seen;
    std::string last_seen;
    std::string count;
    std::string bytes_sent;
    std::string bytes_received;
};

/// One inline example: rows of DeviceNetworkEvents and whether the rule must find something.
struct RuleExample {
    std::string name;
    bool expect_match = true;
    std::optional<int> expect_findings;  ///< exact number of result rows when given
    std::string now;                     ///< now() for the example; default: latest Timestamp
    /// Rows as JSON objects of column name to value (text as Defender's API writes it).
    std::vector<std::string> rows_json;
    int line = 0;  ///< 1-based line of the example in the rule file
};

struct Rule {
    std::string path;  ///< file the rule was loaded from
    std::string id;    ///< stable identifier, such as "non-browser-tls-port"
    std::string title;
    std::string description;
    std::vector<std::string> attack;  ///< ATT&CK technique ids, such as T1001.003
    Severity severity = Severity::kMedium;
    Confidence confidence = Confidence::kMedium;
    bool enabled = true;  ///< whether `hunt` runs it unless the site configuration says otherwise
    std::vector<std::string> data_sources;
    std::vector<std::string> required_columns;
    std::vector<std::string> required_action_types;
    std::vector<std::string> false_positives;
    std::vector<std::string> triage_steps;
    std::vector<TriageQuery> triage_queries;
    std::vector<std::string> response;
    std::vector<RuleParameter> parameters;
    EntityColumns entities;
    /// One-line explanation with {Column} placeholders filled from the result row.
    std::string explanation;
    std::string query;
    /// 1-based line of the query's first line in the rule file, for error locations.
    int query_line = 0;
    std::vector<RuleExample> examples;
};

/// The entity roles that have a result column, in the order of EntityColumns, as pairs of
/// the role's name in rule files ("device", "remote_ip") and the column name.
std::vector<std::pair<std::string, std::string>> ListEntityColumns(const EntityColumns& entities);

/// Returns the column names of an explanation's {Column} placeholders, in order of appearance.
std::vector<std::string> ExplanationColumns(std::string_view explanation);

/// Loads one rule file, validating every field.
Result<Rule> LoadRuleFile(const std::string& path);

/// Loads every *.yaml / *.yml file of a folder, sorted by file name; ids must be unique.
Result<std::vector<Rule>> LoadRules(const std::string& folder);

/// Maps a 1-based line of BuildRuleQuery's text to the line of the rule file with the same text.
/// The injected `let` lines, one per parameter, map to the query's first line.
int RuleFileLine(const Rule& rule, int built_line);

/// Returns the rule's query with its parameters injected as `let` statements before it, one
/// per line. `overrides` replaces defaults by parameter name. Its values are KQL literals,
/// checked against the parameter's type, and an override of an unknown parameter is an error.
Result<std::string> BuildRuleQuery(const Rule& rule, const std::map<std::string, std::string>& overrides);

}  // namespace unmask::detect
