// `unmask rules list|show ID|test [ID]`: inspect the detection rules and run their examples.
#pragma once

#include <ostream>
#include <string>

#include <CLI/CLI.hpp>

namespace unmask::cli {

enum class RulesAction { kNone, kList, kShow, kTest };

struct RulesCommandOptions {
    /// Folder of rule files: --rules, else the UNMASK_RULES_DIR environment variable, else
    /// "rules" relative to the current directory.
    std::string rules_dir = "rules";
    /// The subcommand given; kNone when `rules` was not on the command line.
    RulesAction action = RulesAction::kNone;
    /// Rule id for `show` (required) and `test` (optional: all rules when empty).
    std::string rule_id;
};

/// Adds the `rules` subcommand and its `list`, `show` and `test` subcommands to `app`.
/// Parsing fills `options`; call RunRulesCommand when options.action is not kNone.
void AddRulesCommand(CLI::App& app, RulesCommandOptions& options);

/// Runs the parsed subcommand, printing to standard output and errors to standard error.
/// Returns the exit status: 0 on success, 1 when `test` has a failing example, 2 on an error
/// (a rule file that does not load, an unknown rule id).
int RunRulesCommand(const RulesCommandOptions& options);

/// As above, writing to `out` and `err`.
int RunRulesCommand(const RulesCommandOptions& options, std::ostream& out, std::ostream& err);

} // namespace unmask::cli
