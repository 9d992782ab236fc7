// The table of scalar functions and its lookups.
#include "functions/registry.h"

#include <algorithm>

#include "functions/function_families.h"
#include "functions/kernel_support.h"

namespace unmask::functions {

namespace {

std::string ReplaceCallName(const std::string& text, const std::string& from, const std::string& to) {
    const std::string call = from + "(";
    if (text.starts_with(call)) {
        return to + "(" + text.substr(call.size());
    }
    return text;
}

std::vector<ScalarFunction> BuildTable() {
    std::vector<ScalarFunction> table;
    AddConversionFunctions(table);
    AddStringFunctions(table);
    AddRegexFunctions(table);
    AddDateTimeFunctions(table);
    AddDynamicFunctions(table);
    AddSeriesFunctions(table);
    AddMathFunctions(table);
    AddLogicFunctions(table);
    AddNetworkFunctions(table);
    AddBeaconFunctions(table);
    std::sort(table.begin(), table.end(),
              [](const ScalarFunction& a, const ScalarFunction& b) { return a.name < b.name; });
    return table;
}

} // namespace

ScalarFunction DefineFunction(std::string name, size_t min_args, size_t max_args, std::string signature,
                              std::string description, std::string example, std::string example_result,
                              ScalarBinder bind) {
    ScalarFunction function;
    function.name = std::move(name);
    function.min_args = min_args;
    function.max_args = max_args;
    function.signature = std::move(signature);
    function.description = std::move(description);
    function.example = std::move(example);
    function.example_result = std::move(example_result);
    function.bind = [name = function.name, min_args, max_args,
                     bind = std::move(bind)](std::span<const BindArg> args) -> Result<BoundScalar> {
        UNMASK_TRY(CheckArgumentCount(name, args.size(), min_args, max_args));
        return bind(args);
    };
    return function;
}

void AddAlias(std::vector<ScalarFunction>& table, std::string_view existing, std::string alias) {
    for (const ScalarFunction& function : table) {
        if (function.name != existing) {
            continue;
        }
        ScalarFunction copy = function;
        copy.signature = ReplaceCallName(function.signature, function.name, alias);
        copy.example = ReplaceCallName(function.example, function.name, alias);
        copy.description = "Same as " + function.name + "(): " + function.description;
        copy.name = std::move(alias);
        table.push_back(std::move(copy));
        return;
    }
}

const std::vector<ScalarFunction>& AllScalarFunctions() {
    static const std::vector<ScalarFunction> kTable = BuildTable();
    return kTable;
}

const ScalarFunction* FindScalarFunction(std::string_view name) {
    const std::vector<ScalarFunction>& table = AllScalarFunctions();
    const auto found =
        std::lower_bound(table.begin(), table.end(), name,
                         [](const ScalarFunction& function, std::string_view key) { return function.name < key; });
    if (found == table.end() || found->name != name) {
        return nullptr;
    }
    return &*found;
}

std::vector<std::string> ScalarFunctionNames() {
    std::vector<std::string> names;
    for (const ScalarFunction& function : AllScalarFunctions()) {
        names.push_back(function.name);
    }
    return names;
}

} // namespace unmask::functions
