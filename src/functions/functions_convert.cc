// Conversion functions: tostring, todouble/toreal, tolong, toint, tobool/toboolean, todatetime,
// totimespan/totime and parse_json/todynamic. The per-type rules live in conversions.cc.
#include "functions/conversions.h"
#include "functions/function_families.h"
#include "functions/kernel_support.h"

namespace unmask::functions {

namespace {

/// Binder of a one-argument conversion to `target`: any scalar type is accepted.
ScalarBinder ConversionBinder(Type target) {
    return [target](std::span<const BindArg>) -> Result<BoundScalar> {
        return BoundScalar{target, [target](const KernelArgs& args, Column& out) -> Status {
                               out = ConvertColumn(*args.columns[0], target);
                               return Status::Ok();
                           }};
    };
}

/// parse_json(): a string is parsed as JSON; text that is not JSON becomes a dynamic string and the
/// empty string becomes null. A dynamic value passes through; other scalars are wrapped.
Status ParseJsonKernel(const KernelArgs& args, Column& out) {
    const Column& input = *args.columns[0];
    if (input.type == Type::kDynamic) {
        out = input;
        return Status::Ok();
    }
    ResizeOutput(out, args.rows);
    for (size_t row = 0; row < args.rows; ++row) {
        if (input.type != Type::kString) {
            out.dynamics[row] = CellToDynamic(input, row);
            continue;
        }
        const std::string_view text = input.strings[row];
        if (text.empty()) {
            continue;
        }
        Result<DynamicPtr> parsed = ParseJson(text);
        if (parsed.ok()) {
            out.dynamics[row] = std::move(parsed).value();
        } else if (parsed.status().kind() == ErrorKind::kLimitExceeded) {
            return parsed.status();
        } else {
            out.dynamics[row] = DynamicValue::String(std::string(text));
        }
    }
    FinishDynamicOutput(out);
    return Status::Ok();
}

} // namespace

void AddConversionFunctions(std::vector<ScalarFunction>& table) {
    table.push_back(DefineFunction(
        "tostring", 1, 1, "tostring(value) -> string",
        "Converts a value to its text; null gives the empty string and a dynamic string gives the string itself.",
        "tostring(datetime(2024-01-02 03:04:05))", "2024-01-02T03:04:05.0000000Z", ConversionBinder(Type::kString)));

    table.push_back(DefineFunction("todouble", 1, 1, "todouble(value) -> real",
                                   "Converts a value to real; null when the value does not convert.",
                                   "todouble(\"1.5e3\")", "1500", ConversionBinder(Type::kReal)));
    AddAlias(table, "todouble", "toreal");

    table.push_back(DefineFunction("tolong", 1, 1, "tolong(value) -> long",
                                   "Converts a value to long; reals are truncated toward zero, datetimes and "
                                   "timespans give their 100 ns ticks, text that is not an integer gives null.",
                                   "tolong(\"-42\")", "-42", ConversionBinder(Type::kLong)));

    table.push_back(DefineFunction("toint", 1, 1, "toint(value) -> int",
                                   "Converts a value to a 32-bit int; reals are truncated toward zero, values "
                                   "outside the int range give null.",
                                   "toint(2.7)", "2", ConversionBinder(Type::kInt)));

    table.push_back(DefineFunction("tobool", 1, 1, "tobool(value) -> bool",
                                   "Converts \"true\"/\"false\" (any case) or a number (non-zero is true) to bool.",
                                   "tobool(\"TRUE\")", "True", ConversionBinder(Type::kBool)));
    AddAlias(table, "tobool", "toboolean");

    table.push_back(DefineFunction("todatetime", 1, 1, "todatetime(value) -> datetime",
                                   "Parses text as a datetime (ISO 8601, RFC 822 and similar forms); null when it "
                                   "is not one.",
                                   "todatetime(\"2015-12-31 23:59:59.9\")", "2015-12-31T23:59:59.9000000Z",
                                   ConversionBinder(Type::kDateTime)));

    table.push_back(DefineFunction("totimespan", 1, 1, "totimespan(value) -> timespan",
                                   "Parses text such as \"0.00:03:00\" or \"1.5h\" as a timespan; null when it is "
                                   "not one.",
                                   "totimespan(\"0.00:03:00\")", "00:03:00", ConversionBinder(Type::kTimeSpan)));
    AddAlias(table, "totimespan", "totime");

    table.push_back(DefineFunction(
        "parse_json", 1, 1, "parse_json(text) -> dynamic",
        "Parses JSON text into a dynamic value; text that is not JSON becomes a dynamic string, \"\" becomes null.",
        "parse_json('{\"a\":[1,2.5,\"x\"]}')", "{\"a\":[1,2.5,\"x\"]}",
        [](std::span<const BindArg>) -> Result<BoundScalar> {
            return BoundScalar{Type::kDynamic, ParseJsonKernel};
        }));
    AddAlias(table, "parse_json", "todynamic");
    AddAlias(table, "parse_json", "parsejson");
}

} // namespace unmask::functions
