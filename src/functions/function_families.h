// Registration of the scalar functions, one call per family. registry.cc calls each of them once
// to build the table that FindScalarFunction searches. Internal to the functions layer.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "functions/registry.h"

namespace unmask::functions {

/// Builds a table entry whose binder checks the argument count before calling `bind`.
ScalarFunction DefineFunction(std::string name, size_t min_args, size_t max_args, std::string signature,
                              std::string description, std::string example, std::string example_result,
                              ScalarBinder bind);

/// Appends a copy of the entry named `existing` under the name `alias`. The copy's signature and
/// example call the alias, and its description names the function it stands for.
void AddAlias(std::vector<ScalarFunction>& table, std::string_view existing, std::string alias);

/// Binds countof(text, search, "regex") (functions_regex.cc); countof() itself is defined with the
/// string functions.
Result<BoundScalar> BindCountOfRegex(std::span<const BindArg> args);

void AddConversionFunctions(std::vector<ScalarFunction>& table); // functions_convert.cc
void AddStringFunctions(std::vector<ScalarFunction>& table);     // functions_string.cc
void AddRegexFunctions(std::vector<ScalarFunction>& table);      // functions_regex.cc
void AddDateTimeFunctions(std::vector<ScalarFunction>& table);   // functions_datetime.cc
void AddDynamicFunctions(std::vector<ScalarFunction>& table);    // functions_dynamic.cc
void AddSeriesFunctions(std::vector<ScalarFunction>& table);     // functions_series.cc
void AddMathFunctions(std::vector<ScalarFunction>& table);       // functions_math.cc
void AddLogicFunctions(std::vector<ScalarFunction>& table);      // functions_logic.cc
void AddNetworkFunctions(std::vector<ScalarFunction>& table);    // functions_network.cc
void AddBeaconFunctions(std::vector<ScalarFunction>& table);     // functions_beacon.cc

} // namespace unmask::functions
