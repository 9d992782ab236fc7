#include "detect/hunt.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <regex>

#include <fmt/format.h>

#include "common/ip_network.h"
#include "detect/query_runner.h"
#include "table/datetime.h"

namespace unmask::detect {

namespace {

/// Counts rows per ActionType in the same pass as the rules, for `required_action_types`.
constexpr const char* kActionTypeQuery = "DeviceNetworkEvents | summarize Rows = count() by ActionType";

/// Counts the rows of the last day before now(), to tell when one stray late row set now().
constexpr const char* kRecentRowsQuery =
    "DeviceNetworkEvents | summarize Rows = count(), RecentRows = countif(Timestamp > ago(1d) and Timestamp <= now())";

/// A rule parameter that receives the site's internal networks (as dynamic(["10.0.0.0/8", ...]))
/// unless the site configuration overrides it.
constexpr const char* kInternalNetworksParameter = "InternalNetworks";

/// A timespan parameter with this name (any case) is reported as the rule's lookback window.
constexpr const char* kLookbackParameter = "lookback";

std::string Join(const std::vector<std::string>& items, const char* separator = ", ") {
    std::string text;
    for (const std::string& item : items) {
        text += text.empty() ? "" : separator;
        text += item;
    }
    return text;
}

std::string ToLower(std::string_view text) {
    std::string lower(text);
    for (char& c : lower) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return lower;
}

std::vector<std::string> RuleIds(const std::vector<Rule>& rules) {
    std::vector<std::string> ids;
    for (const Rule& rule : rules) {
        ids.push_back(rule.id);
    }
    return ids;
}

const Rule* FindRule(const std::vector<Rule>& rules, const std::string& id) {
    auto it = std::find_if(rules.begin(), rules.end(), [&](const Rule& rule) { return rule.id == id; });
    return it == rules.end() ? nullptr : &*it;
}

const RuleParameter* FindParameter(const Rule& rule, const std::string& name) {
    auto it = std::find_if(rule.parameters.begin(), rule.parameters.end(),
                           [&](const RuleParameter& parameter) { return parameter.name == name; });
    return it == rule.parameters.end() ? nullptr : &*it;
}

/// Checks that every rule id named by --rule or the site configuration exists, and that every
/// parameter override names a parameter of its rule.
Status CheckReferences(const std::vector<Rule>& rules, const SiteConfig& config,
                       const std::vector<std::string>& requested_ids) {
    const std::string known = Join(RuleIds(rules));
    for (const std::string& id : requested_ids) {
        if (FindRule(rules, id) == nullptr) {
            return Status(ErrorKind::kInvalidInput, "--rule '" + id + "' is not a rule id; the rules are " + known);
        }
    }
    for (const auto& [id, settings] : config.rules) {
        const Rule* rule = FindRule(rules, id);
        if (rule == nullptr) {
            return Status(ErrorKind::kInvalidInput,
                          config.path + ": rules." + id + ": no rule has this id; the rules are " + known);
        }
        for (const auto& [name, value] : settings.parameters) {
            if (FindParameter(*rule, name) == nullptr) {
                std::vector<std::string> names;
                for (const RuleParameter& parameter : rule->parameters) {
                    names.push_back(parameter.name);
                }
                return Status(ErrorKind::kInvalidInput, config.path + ": rules." + id + ".parameters." + name +
                                                            ": rule " + id +
                                                            " has no such parameter; its parameters are " +
                                                            (names.empty() ? std::string("(none)") : Join(names)));
            }
        }
    }
    for (const SiteList& list : config.lists) {
        const bool used = std::any_of(rules.begin(), rules.end(), [&](const Rule& rule) {
            const RuleParameter* parameter = FindParameter(rule, list.name);
            return parameter != nullptr && parameter->type == Type::kDynamic;
        });
        if (!used) {
            return Status(ErrorKind::kInvalidInput, list.source + ": lists." + list.name +
                                                        ": no rule has a dynamic parameter of this name, so the list "
                                                        "would be ignored; check the spelling");
        }
    }
    for (const AllowEntry& entry : config.allowlist) {
        for (const std::string& id : entry.rules) {
            if (FindRule(rules, id) == nullptr) {
                return Status(ErrorKind::kInvalidInput, entry.source + ": allowlist rules: '" + id +
                                                            "' is not a rule id; the rules are " + known);
            }
        }
    }
    return Status::Ok();
}

/// Parameter values for BuildRuleQuery: the site configuration's overrides, with unquoted text
/// for string parameters quoted, the lists loaded from files for parameters of their names, and
/// the internal networks for an InternalNetworks parameter.
std::map<std::string, std::string> RuleOverrides(const Rule& rule, const SiteConfig& config,
                                                 const std::string& lookback) {
    std::map<std::string, std::string> overrides;
    auto settings = config.rules.find(rule.id);
    if (settings != config.rules.end()) {
        for (const auto& [name, value] : settings->second.parameters) {
            const RuleParameter* parameter = FindParameter(rule, name);
            const bool quoted = !value.empty() && (value[0] == '"' || value[0] == '\'' || value[0] == '@');
            if (parameter != nullptr && parameter->type == Type::kString && !quoted) {
                overrides[name] = KqlStringLiteral(value);
            } else {
                overrides[name] = value;
            }
        }
    }
    // A list from a file replaces the dynamic parameter of its name, unless rules: sets it.
    for (const SiteList& list : config.lists) {
        const RuleParameter* parameter = FindParameter(rule, list.name);
        if (parameter != nullptr && parameter->type == Type::kDynamic && overrides.count(list.name) == 0) {
            overrides[list.name] = ListLiteral(list);
        }
    }
    if (!lookback.empty()) {
        for (const RuleParameter& parameter : rule.parameters) {
            if (ToLower(parameter.name) == kLookbackParameter && parameter.type == Type::kTimeSpan &&
                overrides.count(parameter.name) == 0) {
                overrides[parameter.name] = lookback;
            }
        }
    }
    const RuleParameter* networks = FindParameter(rule, kInternalNetworksParameter);
    if (networks != nullptr && networks->type == Type::kDynamic && !config.internal_networks.empty() &&
        overrides.count(kInternalNetworksParameter) == 0) {
        std::string literal = "dynamic([";
        for (size_t i = 0; i < config.internal_networks.size(); ++i) {
            literal += i > 0 ? ", " : "";
            literal += KqlStringLiteral(config.internal_networks[i]);
        }
        overrides[kInternalNetworksParameter] = literal + "])";
    }
    return overrides;
}

std::optional<int64_t> LookbackOf(const Rule& rule, const std::map<std::string, std::string>& overrides) {
    for (const RuleParameter& parameter : rule.parameters) {
        if (ToLower(parameter.name) != kLookbackParameter || parameter.type != Type::kTimeSpan) {
            continue;
        }
        auto override_value = overrides.find(parameter.name);
        return ParseTimeSpan(override_value != overrides.end() ? override_value->second : parameter.default_value);
    }
    return std::nullopt;
}

/// Returns why a rule cannot run on inputs with this schema, or "" when it can (action types
/// are checked after the read).
std::string MissingColumnsReason(const Rule& rule, const Schema& schema) {
    std::vector<std::string> missing;
    for (const std::string& column : rule.required_columns) {
        if (FindField(schema, column) < 0) {
            missing.push_back(column);
        }
    }
    if (!rule.required_action_types.empty() && FindField(schema, "ActionType") < 0) {
        missing.push_back("ActionType");
    }
    if (missing.empty()) {
        return "";
    }
    return "needs the column(s) " + Join(missing) + ", which no input has";
}

std::string MissingActionTypesReason(const Rule& rule, const std::map<std::string, int64_t>& action_types) {
    for (const std::string& action_type : rule.required_action_types) {
        if (action_types.count(action_type) > 0) {
            return "";
        }
    }
    std::vector<std::string> present;
    for (const auto& [action_type, rows] : action_types) {
        present.push_back(action_type);
    }
    return "needs rows with ActionType " + Join(rule.required_action_types, " or ") + "; the inputs have " +
           (present.empty() ? std::string("no rows") : "only " + Join(present));
}

std::map<std::string, int64_t> ReadActionTypes(const Table& table) {
    std::map<std::string, int64_t> counts;
    const int name = FindField(table.schema, "ActionType");
    const int rows = FindField(table.schema, "Rows");
    if (name < 0 || rows < 0) {
        return counts;
    }
    for (const Chunk& chunk : table.chunks) {
        for (size_t row = 0; row < chunk.rows; ++row) {
            counts[std::string(chunk.columns[name].strings[row])] += chunk.columns[rows].ints[row];
        }
    }
    return counts;
}

/// Makes ids unique within one output by suffixing repeats with -2, -3, ... in output order.
void MakeIdsUnique(std::vector<Finding>& findings) {
    std::map<std::string, int> seen;
    for (Finding& finding : findings) {
        const int count = ++seen[finding.id];
        if (count > 1) {
            finding.id += "-" + std::to_string(count);
        }
    }
}

/// Expands the inputs only to describe them in a progress message; the session expands them again.
std::string DescribeInputs(const std::vector<std::string>& inputs) {
    auto paths = ingest::ExpandInputs(inputs);
    if (!paths.ok()) {
        return fmt::format("{} input pattern(s)", inputs.size());
    }
    uint64_t bytes = 0;
    for (const std::string& path : paths.value()) {
        std::error_code error;
        const auto size = std::filesystem::file_size(path, error);
        bytes += error ? 0 : size;
    }
    return fmt::format("{} file(s), {:.1f} MB", paths->size(), static_cast<double>(bytes) / 1e6);
}

/// Points a query error at the rule file: the "line:column: " that QuerySession puts in front of
/// a bind error counts lines of the built query, so it becomes "rules/x.yaml:58:9: ".
std::string LocateInRuleFile(const Rule& rule, const std::string& message) {
    const std::regex kLocation(R"(^(\d+):(\d+): )");
    std::smatch match;
    if (!std::regex_search(message, match, kLocation)) {
        return rule.path + ": " + message;
    }
    const int line = RuleFileLine(rule, std::stoi(match[1].str()));
    return rule.path + ":" + std::to_string(line) + ":" + match[2].str() + ": " + match.suffix().str();
}

struct PendingRule {
    const Rule* rule = nullptr;
    size_t run = 0;   ///< index into HuntOutcome::rules
    size_t query = 0; ///< index in the session
};

/// Decides whether a rule runs and, when it does, adds its query to the session. Appends the
/// rule's RuleRun to the outcome, and to `pending` when the query was added. Fails only when a
/// parameter override of the site configuration is invalid.
Status PlanRule(const Rule& rule, const HuntOptions& options, const SiteConfig& config, QuerySession& session,
                HuntOutcome& outcome, std::vector<PendingRule>& pending) {
    const bool selected = options.rule_ids.empty() || std::find(options.rule_ids.begin(), options.rule_ids.end(),
                                                                rule.id) != options.rule_ids.end();
    if (!selected) {
        return Status::Ok();
    }
    RuleRun run;
    run.id = rule.id;
    run.title = rule.title;
    run.path = rule.path;
    auto settings = config.rules.find(rule.id);
    const std::optional<bool> site_enabled = settings != config.rules.end() ? settings->second.enabled : std::nullopt;
    if (options.rule_ids.empty() && !site_enabled.value_or(rule.enabled)) {
        run.status = RuleStatus::kDisabled;
        run.reason = site_enabled ? "disabled in " + config.path : "disabled in its rule file (enabled: false)";
        outcome.rules.push_back(std::move(run));
        return Status::Ok();
    }

    run.overrides = RuleOverrides(rule, config, options.lookback);
    for (const auto& [name, value] : run.overrides) {
        if (!options.lookback.empty() && ToLower(name) == kLookbackParameter && value == options.lookback) {
            run.lookback_from_option = name;
        }
    }
    run.lookback_ticks = LookbackOf(rule, run.overrides);
    run.reason = MissingColumnsReason(rule, session.schema());
    if (!run.reason.empty()) {
        run.status = RuleStatus::kNotApplicable;
        outcome.rules.push_back(std::move(run));
        return Status::Ok();
    }

    // Rule files are validated when they load, so a query that does not build has a bad override.
    auto query = BuildRuleQuery(rule, run.overrides);
    if (!query.ok()) {
        return Status(query.status().kind(), config.path + ": rules." + rule.id + ": " + query.status().message());
    }
    auto index = session.AddQuery(query.value());
    if (!index.ok()) {
        run.status = RuleStatus::kFailed;
        run.reason = LocateInRuleFile(rule, index.status().message());
        outcome.rules.push_back(std::move(run));
        return Status::Ok();
    }
    run.notes = session.notes(index.value());
    pending.push_back({&rule, outcome.rules.size(), index.value()});
    outcome.rules.push_back(std::move(run));
    return Status::Ok();
}

/// Turns the rules' results into findings, after the action-type check that needs the read.
std::vector<Finding> CollectFindings(const std::vector<PendingRule>& pending, QuerySession& session,
                                     HuntOutcome& outcome) {
    std::vector<Finding> findings;
    for (const PendingRule& item : pending) {
        RuleRun& run = outcome.rules[item.run];
        const Table& result = session.result(item.query);
        run.result_rows = result.rows();
        if (!item.rule->required_action_types.empty()) {
            run.reason = MissingActionTypesReason(*item.rule, outcome.action_types);
            if (!run.reason.empty()) {
                run.status = RuleStatus::kNotApplicable;
                continue;
            }
        }
        Status output = CheckRuleOutput(*item.rule, result.schema);
        if (!output.ok()) {
            run.status = RuleStatus::kFailed;
            run.reason = output.message();
            continue;
        }
        std::vector<Finding> rule_findings = FindingsFromResult(*item.rule, result);
        std::move(rule_findings.begin(), rule_findings.end(), std::back_inserter(findings));
    }
    return findings;
}

/// Applies the allowlist, counts the kept findings per rule, then merges (when `merge` is set),
/// sorts and numbers repeated ids.
void FilterAndMerge(const SiteConfig& config, std::vector<Finding> findings, bool merge, HuntOutcome& outcome) {
    outcome.findings_before_allowlist = findings.size();
    AllowlistOutcome allowed = ApplyAllowlist(config, std::move(findings), outcome.now_ticks);
    for (const auto& [entry, suppressed] : allowed.suppressed) {
        outcome.suppressions.push_back({*entry, suppressed});
    }
    for (const AllowEntry* entry : allowed.expired) {
        outcome.expired.push_back(*entry);
    }

    outcome.findings_before_merge = allowed.kept.size();
    for (const Finding& finding : allowed.kept) {
        for (RuleRun& run : outcome.rules) {
            if (run.id == finding.reasons.front().rule_id) {
                ++run.findings;
            }
        }
    }
    outcome.findings = merge ? MergeFindings(std::move(allowed.kept)) : std::move(allowed.kept);
    SortFindings(outcome.findings);
    MakeIdsUnique(outcome.findings);
}

} // namespace

const char* RuleStatusName(RuleStatus status) {
    switch (status) {
    case RuleStatus::kRan:
        return "ran";
    case RuleStatus::kNotApplicable:
        return "not applicable";
    case RuleStatus::kDisabled:
        return "disabled";
    case RuleStatus::kFailed:
        return "failed";
    }
    return "unknown";
}

std::string KqlStringLiteral(std::string_view text) {
    std::string literal = "\"";
    for (char c : text) {
        switch (c) {
        case '\\':
            literal += "\\\\";
            break;
        case '"':
            literal += "\\\"";
            break;
        case '\n':
            literal += "\\n";
            break;
        case '\r':
            literal += "\\r";
            break;
        case '\t':
            literal += "\\t";
            break;
        default:
            literal += c;
            break;
        }
    }
    literal += '"';
    return literal;
}

namespace {

// Lists the windows of the rules that ran but begin after `oldest`, such as "1d: 18 rules;
// 7d: beaconing-interval"; empty when every window covers the inputs.
std::string DescribeCutWindows(const std::vector<RuleRun>& rules, int64_t now_ticks, int64_t oldest) {
    std::map<int64_t, std::vector<std::string>> cut;
    for (const RuleRun& run : rules) {
        if (run.status == RuleStatus::kRan && run.lookback_ticks && now_ticks - *run.lookback_ticks > oldest) {
            cut[*run.lookback_ticks].push_back(run.id);
        }
    }
    std::string text;
    for (const auto& [lookback, ids] : cut) {
        text += text.empty() ? "" : "; ";
        text += lookback % kTicksPerDay == 0 ? std::to_string(lookback / kTicksPerDay) + "d"
                                             : FormatTimeSpan(lookback);
        text += ": ";
        if (ids.size() > 2) {
            text += std::to_string(ids.size()) + " rules";
            continue;
        }
        for (size_t i = 0; i < ids.size(); ++i) {
            text += (i > 0 ? ", " : "") + ids[i];
        }
    }
    return text;
}

} // namespace

Result<HuntOutcome> RunHunt(const HuntOptions& options) {
    const auto started = std::chrono::steady_clock::now();
    auto progress = [&](const std::string& message) {
        if (options.progress) {
            options.progress(message);
        }
    };
    if (options.inputs.empty()) {
        return Status(ErrorKind::kInvalidInput, "no input given; name one or more DeviceNetworkEvents exports, Zeek logs or packet captures");
    }

    progress("loading rules from " + options.rules_dir);
    UNMASK_ASSIGN_OR_RETURN(std::vector<Rule> rules, LoadRules(options.rules_dir));
    SiteConfig config;
    if (!options.config_path.empty()) {
        UNMASK_ASSIGN_OR_RETURN(config, LoadSiteConfig(options.config_path));
    }
    UNMASK_TRY(CheckReferences(rules, config, options.rule_ids));

    HuntOutcome outcome;
    outcome.rules_loaded = rules.size();
    outcome.config_path = options.config_path;

    progress("probing " + DescribeInputs(options.inputs));
    SessionOptions session_options;
    session_options.inputs = options.inputs;
    session_options.now = options.now;
    session_options.read_options = options.read_options;
    // The site's internal networks orient rows derived from Zeek logs and captures.
    for (const std::string& network : config.internal_networks) {
        if (std::optional<IpNetwork> parsed = ParseIpNetwork(network)) {
            session_options.read_options.internal_networks.push_back(*parsed);
        }
    }
    UNMASK_ASSIGN_OR_RETURN(QuerySession session, QuerySession::Open(session_options));
    outcome.now_ticks = session.now_ticks();
    outcome.now_source = session.now_source();

    // Every runnable query goes into the one session, so they all share one read.
    std::vector<PendingRule> pending;
    for (const Rule& rule : rules) {
        UNMASK_TRY(PlanRule(rule, options, config, session, outcome, pending));
    }
    std::optional<size_t> action_type_query;
    if (FindField(session.schema(), "ActionType") >= 0) {
        UNMASK_ASSIGN_OR_RETURN(action_type_query, session.AddQuery(kActionTypeQuery));
    }
    std::optional<size_t> recent_rows_query;
    if (options.now == "latest" && FindField(session.schema(), "Timestamp") >= 0) {
        UNMASK_ASSIGN_OR_RETURN(recent_rows_query, session.AddQuery(kRecentRowsQuery));
    }

    progress(fmt::format("reading the inputs once for {} rule query(ies)", pending.size()));
    const auto read_started = std::chrono::steady_clock::now();
    UNMASK_TRY(session.Run());
    outcome.stats = session.stats();
    const double read_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - read_started).count();
    progress(fmt::format("read {} rows in {:.1f} s ({:.0f} rows/s)", outcome.stats.rows_read, read_seconds,
                         read_seconds > 0 ? static_cast<double>(outcome.stats.rows_read) / read_seconds : 0.0));
    if (action_type_query) {
        outcome.action_types = ReadActionTypes(session.result(*action_type_query));
    }

    std::vector<Finding> findings = CollectFindings(pending, session, outcome);
    FilterAndMerge(config, std::move(findings), options.merge, outcome);

    if (recent_rows_query) {
        const Table& counts = session.result(*recent_rows_query);
        const int rows = FindField(counts.schema, "Rows");
        const int recent = FindField(counts.schema, "RecentRows");
        if (rows >= 0 && recent >= 0 && !counts.chunks.empty() && counts.chunks[0].rows == 1) {
            const int64_t total = counts.chunks[0].columns[rows].ints[0];
            const int64_t last_day = counts.chunks[0].columns[recent].ints[0];
            // NOTE: a heuristic: inputs whose last day has under 1 % of the rows trigger it too.
            if (total >= 100 && last_day * 100 < total) {
                outcome.notes.push_back(
                    "now() is the newest Timestamp in the inputs (" + FormatDateTime(outcome.now_ticks) +
                    "), but only " + std::to_string(last_day) + " of " + std::to_string(total) +
                    " rows fall in the day before it, so a row dated far after the rest may have set it and the "
                    "rules may judge almost nothing; find that row, or give --now the end of the data");
            }
        }
    }
    if (outcome.stats.max_timestamp && outcome.now_ticks - *outcome.stats.max_timestamp > kTicksPerDay) {
        outcome.notes.push_back("now() is more than a day after the newest input row (" +
                                FormatDateTime(*outcome.stats.max_timestamp) +
                                "), so rules that look back from now() see few or no rows; use --now latest");
    } else if (options.lookback.empty() && outcome.stats.min_timestamp) {
        const std::string windows = DescribeCutWindows(outcome.rules, outcome.now_ticks, *outcome.stats.min_timestamp);
        if (!windows.empty()) {
            outcome.notes.push_back("the inputs begin at " + FormatDateTime(*outcome.stats.min_timestamp) +
                                    ", but some rules look back from now() (" + FormatDateTime(outcome.now_ticks) +
                                    ") over a shorter window (" + windows +
                                    "), so they do not judge the older rows; widen every rule's window with "
                                    "--lookback (such as --lookback 30d) or set --now inside the inputs");
        }
    }
    outcome.elapsed_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return outcome;
}

} // namespace unmask::detect
