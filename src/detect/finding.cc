// Conversion of rule result rows into findings: entities, explanation, evidence and beacon statistics.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "detect/hunt.h"
#include "table/datetime.h"
#include "table/value.h"

namespace unmask::detect {

namespace {

/// Entity fields of EntityColumns with their names for error messages.
std::vector<std::pair<const char*, const std::string*>> EntityFields(const EntityColumns& entities) {
    return {
        {"device", &entities.device},
        {"process", &entities.process},
        {"command_line", &entities.command_line},
        {"process_id", &entities.process_id},
        {"folder_path", &entities.folder_path},
        {"remote_ip", &entities.remote_ip},
        {"remote_port", &entities.remote_port},
        {"remote_name", &entities.remote_name},
        {"first_seen", &entities.first_seen},
        {"last_seen", &entities.last_seen},
        {"count", &entities.count},
        {"bytes_sent", &entities.bytes_sent},
        {"bytes_received", &entities.bytes_received},
    };
}

/// Calls `on_placeholder(name)` for every {Name} of an explanation and `on_text(text)` for the
/// text around them. Returns false on a '{' without a closing '}'.
template <typename OnText, typename OnPlaceholder>
bool ScanTemplate(std::string_view text, OnText on_text, OnPlaceholder on_placeholder) {
    size_t i = 0;
    while (i < text.size()) {
        const size_t open = text.find('{', i);
        if (open == std::string_view::npos) {
            on_text(text.substr(i));
            return true;
        }
        const size_t close = text.find('}', open + 1);
        if (close == std::string_view::npos) {
            return false;
        }
        on_text(text.substr(i, open - i));
        on_placeholder(text.substr(open + 1, close - open - 1));
        i = close + 1;
    }
    return true;
}

std::string ColumnList(const Schema& schema) {
    std::string names;
    for (size_t i = 0; i < schema.size(); ++i) {
        names += i > 0 ? ", " : "";
        names += schema[i].name;
    }
    return names;
}

/// Text of a cell for explanations: reals rounded to two decimals (three significant digits
/// below 1), strings unquoted, lists joined with ", ", other dynamic values as compact JSON.
std::string ReadableCell(const Column& column, size_t row) {
    if (column.IsNull(row) ||
        (column.type == Type::kDynamic && (!column.dynamics[row] || column.dynamics[row]->is_null()))) {
        return "n/a";
    }
    if (column.type == Type::kReal) {
        const double value = column.reals[row];
        if (!std::isfinite(value)) {
            return FormatCell(column, row);
        }
        std::string text = std::fabs(value) >= 1 ? fmt::format("{:.2f}", value) : fmt::format("{:.3g}", value);
        if (text.find('.') != std::string::npos && text.find('e') == std::string::npos) {
            while (text.back() == '0') {
                text.pop_back();
            }
            if (text.back() == '.') {
                text.pop_back();
            }
        }
        return text;
    }
    if (column.type == Type::kDynamic && column.dynamics[row]->kind() == DynamicValue::Kind::kString) {
        return column.dynamics[row]->string();
    }
    // A list such as make_set(RemoteIP) reads as "a, b, c".
    if (column.type == Type::kDynamic && column.dynamics[row]->kind() == DynamicValue::Kind::kArray) {
        std::string text;
        for (const DynamicPtr& item : column.dynamics[row]->array()) {
            text += text.empty() ? "" : ", ";
            if (!item || item->is_null()) {
                text += "n/a";
            } else {
                text += item->kind() == DynamicValue::Kind::kString ? item->string() : item->ToJson();
            }
        }
        return text;
    }
    return FormatCell(column, row);
}

/// A located cell: the column of a named entity in one row.
struct Cell {
    const Column* column = nullptr;
    size_t row = 0;

    bool missing() const {
        return column == nullptr || column->IsNull(row) ||
               (column->type == Type::kDynamic && (!column->dynamics[row] || column->dynamics[row]->is_null()));
    }
};

std::string TextOf(const Cell& cell) {
    if (cell.missing()) {
        return "";
    }
    const Column& column = *cell.column;
    if (column.type == Type::kString) {
        return std::string(column.strings[cell.row]);
    }
    if (column.type == Type::kDynamic && column.dynamics[cell.row]->kind() == DynamicValue::Kind::kString) {
        return column.dynamics[cell.row]->string();
    }
    return FormatCell(column, cell.row);
}

void AppendUnique(std::vector<std::string>& values, std::string value) {
    if (!value.empty() && std::find(values.begin(), values.end(), value) == values.end()) {
        values.push_back(std::move(value));
    }
}

/// Texts of a cell that contains one value or a dynamic array of values (make_set(RemoteIP)).
std::vector<std::string> TextsOf(const Cell& cell) {
    std::vector<std::string> values;
    if (cell.missing()) {
        return values;
    }
    const Column& column = *cell.column;
    if (column.type == Type::kDynamic && column.dynamics[cell.row]->kind() == DynamicValue::Kind::kArray) {
        for (const DynamicPtr& item : column.dynamics[cell.row]->array()) {
            if (!item || item->is_null()) {
                continue;
            }
            AppendUnique(values, item->kind() == DynamicValue::Kind::kString ? item->string() : item->ToJson());
        }
        return values;
    }
    AppendUnique(values, TextOf(cell));
    return values;
}

std::optional<int64_t> ParseInteger(std::string_view text) {
    int64_t parsed = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), parsed);
    if (ec == std::errc() && ptr == text.data() + text.size()) {
        return parsed;
    }
    return std::nullopt;
}

std::optional<int64_t> RoundReal(double value) {
    if (!std::isfinite(value) || std::fabs(value) > 9.2e18) {
        return std::nullopt;
    }
    return std::llround(value);
}

std::optional<int64_t> IntegerOfDynamic(const DynamicValue& value) {
    switch (value.kind()) {
    case DynamicValue::Kind::kLong:
        return value.integer();
    case DynamicValue::Kind::kReal:
        return RoundReal(value.real());
    case DynamicValue::Kind::kString:
        return ParseInteger(value.string());
    default:
        return std::nullopt;
    }
}

std::optional<int64_t> IntegerOf(const Cell& cell) {
    if (cell.missing()) {
        return std::nullopt;
    }
    const Column& column = *cell.column;
    switch (column.type) {
    case Type::kInt:
    case Type::kLong:
        return column.ints[cell.row];
    case Type::kReal:
        return RoundReal(column.reals[cell.row]);
    case Type::kString:
        return ParseInteger(column.strings[cell.row]);
    case Type::kDynamic:
        return IntegerOfDynamic(*column.dynamics[cell.row]);
    default:
        return std::nullopt;
    }
}

std::vector<int64_t> IntegersOf(const Cell& cell) {
    std::vector<int64_t> values;
    auto add = [&](std::optional<int64_t> value) {
        if (value && std::find(values.begin(), values.end(), *value) == values.end()) {
            values.push_back(*value);
        }
    };
    if (cell.missing()) {
        return values;
    }
    const Column& column = *cell.column;
    if (column.type == Type::kDynamic && column.dynamics[cell.row]->kind() == DynamicValue::Kind::kArray) {
        for (const DynamicPtr& item : column.dynamics[cell.row]->array()) {
            if (item) {
                add(IntegerOfDynamic(*item));
            }
        }
        return values;
    }
    add(IntegerOf(cell));
    return values;
}

std::optional<int64_t> TicksOf(const Cell& cell) {
    if (cell.missing()) {
        return std::nullopt;
    }
    const Column& column = *cell.column;
    if (column.type == Type::kDateTime) {
        return column.ints[cell.row];
    }
    if (column.type == Type::kDynamic && column.dynamics[cell.row]->kind() == DynamicValue::Kind::kDateTime) {
        return column.dynamics[cell.row]->integer();
    }
    return ParseDateTime(TextOf(cell));
}

std::optional<double> SecondsOf(const Cell& cell) {
    if (cell.missing()) {
        return std::nullopt;
    }
    const Column& column = *cell.column;
    switch (column.type) {
    case Type::kReal:
        return column.reals[cell.row];
    case Type::kInt:
    case Type::kLong:
        return static_cast<double>(column.ints[cell.row]);
    case Type::kTimeSpan:
        return static_cast<double>(column.ints[cell.row]) / kTicksPerSecond;
    case Type::kDynamic: {
        const DynamicValue& value = *column.dynamics[cell.row];
        if (value.kind() == DynamicValue::Kind::kReal) {
            return value.real();
        }
        if (value.kind() == DynamicValue::Kind::kLong) {
            return static_cast<double>(value.integer());
        }
        return std::nullopt;
    }
    default:
        return std::nullopt;
    }
}

/// Column positions of the entities and beacon statistics in a result schema (-1 when absent).
struct ResultColumns {
    int device = -1, process = -1, command_line = -1, process_id = -1, folder_path = -1;
    int remote_ip = -1, remote_port = -1, remote_name = -1, first_seen = -1, last_seen = -1;
    int count = -1, bytes_sent = -1, bytes_received = -1;
    int mean_interval = -1, stdev_interval = -1, median_interval = -1, connection_count = -1;
    int severity = -1;  ///< a result column `Severity` that sets one finding's severity
    int strength = -1;  ///< a result column `Strength` (0 to 1) that scales one finding's score

    ResultColumns(const EntityColumns& entities, const Schema& schema) {
        auto find = [&](const std::string& name) {
            return name.empty() ? -1 : FindField(schema, name);
        };
        device = find(entities.device);
        process = find(entities.process);
        command_line = find(entities.command_line);
        process_id = find(entities.process_id);
        folder_path = find(entities.folder_path);
        remote_ip = find(entities.remote_ip);
        remote_port = find(entities.remote_port);
        remote_name = find(entities.remote_name);
        // Without first/last seen columns, a Timestamp column dates the finding.
        first_seen = entities.first_seen.empty() ? FindField(schema, "Timestamp") : find(entities.first_seen);
        last_seen = entities.last_seen.empty() ? first_seen : find(entities.last_seen);
        count = find(entities.count);
        bytes_sent = find(entities.bytes_sent);
        bytes_received = find(entities.bytes_received);
        mean_interval = FindField(schema, kMeanIntervalColumn);
        stdev_interval = FindField(schema, kStdevIntervalColumn);
        median_interval = FindField(schema, kMedianIntervalColumn);
        severity = FindField(schema, "Severity");
        strength = FindField(schema, "Strength");
        connection_count = count >= 0 ? count : FindField(schema, "ConnectionCount");
    }
};

Cell At(const Chunk& chunk, int column, size_t row) {
    return column < 0 ? Cell{} : Cell{&chunk.columns[column], row};
}

std::optional<BeaconStats> BeaconOf(const ResultColumns& columns, const Chunk& chunk, size_t row) {
    std::optional<double> mean = SecondsOf(At(chunk, columns.mean_interval, row));
    if (!mean) {
        return std::nullopt;
    }
    constexpr double kAbsent = std::numeric_limits<double>::quiet_NaN();
    BeaconStats beacon;
    beacon.mean_interval_seconds = *mean;
    beacon.stdev_interval_seconds = SecondsOf(At(chunk, columns.stdev_interval, row)).value_or(kAbsent);
    beacon.median_interval_seconds = SecondsOf(At(chunk, columns.median_interval, row)).value_or(kAbsent);
    beacon.connections = IntegerOf(At(chunk, columns.connection_count, row)).value_or(0);
    return beacon;
}

DynamicPtr EvidenceOf(const Schema& schema, const Chunk& chunk, size_t row) {
    DynamicValue::Object properties;
    properties.reserve(schema.size());
    for (size_t c = 0; c < schema.size(); ++c) {
        properties.emplace_back(schema[c].name, Value::FromColumn(chunk.columns[c], row).ToDynamic());
    }
    return DynamicValue::MakeObject(std::move(properties));
}

Finding FindingFromRow(const Rule& rule, const ResultColumns& columns, const Schema& schema, const Chunk& chunk,
                       size_t row) {
    Finding finding;
    finding.attack = rule.attack;
    // A rule may grade its rows: a valid `Severity` value replaces the rule's severity.
    const Severity severity =
        ParseSeverity(TextOf(At(chunk, columns.severity, row))).value_or(rule.severity);
    finding.severity = severity;
    finding.confidence = rule.confidence;
    finding.device = TextOf(At(chunk, columns.device, row));
    finding.process = TextOf(At(chunk, columns.process, row));
    finding.command_line = TextOf(At(chunk, columns.command_line, row));
    finding.process_id = TextOf(At(chunk, columns.process_id, row));
    finding.folder_path = TextOf(At(chunk, columns.folder_path, row));
    finding.remote_ips = TextsOf(At(chunk, columns.remote_ip, row));
    finding.remote_ports = IntegersOf(At(chunk, columns.remote_port, row));
    finding.remote_names = TextsOf(At(chunk, columns.remote_name, row));
    finding.first_seen = TicksOf(At(chunk, columns.first_seen, row));
    finding.last_seen = TicksOf(At(chunk, columns.last_seen, row));
    finding.count = IntegerOf(At(chunk, columns.count, row));
    finding.bytes_sent = IntegerOf(At(chunk, columns.bytes_sent, row));
    finding.bytes_received = IntegerOf(At(chunk, columns.bytes_received, row));
    finding.beacon = BeaconOf(columns, chunk, row);

    FindingReason reason;
    reason.rule_id = rule.id;
    reason.rule_title = rule.title;
    reason.severity = severity;
    reason.confidence = rule.confidence;
    reason.explanation = rule.explanation.empty() ? rule.title : FillExplanation(rule.explanation, schema, chunk, row);
    reason.evidence = EvidenceOf(schema, chunk, row);
    if (const std::optional<double> strength = SecondsOf(At(chunk, columns.strength, row));
        strength && std::isfinite(*strength)) {
        reason.strength = std::clamp(*strength, 0.0, 1.0);
    }
    finding.reasons.push_back(std::move(reason));
    FinalizeFinding(finding);
    return finding;
}

} // namespace

Status CheckRuleOutput(const Rule& rule, const Schema& result_schema) {
    for (const auto& [field, column] : EntityFields(rule.entities)) {
        if (!column->empty() && FindField(result_schema, *column) < 0) {
            return Status(ErrorKind::kInvalidInput, rule.path + ": entities." + field + " names the column '" +
                                                        *column +
                                                        "', which the rule's query does not return; its columns are " +
                                                        ColumnList(result_schema));
        }
    }
    std::string missing;
    const bool closed = ScanTemplate(
        rule.explanation, [](std::string_view) {},
        [&](std::string_view name) {
            if (missing.empty() && FindField(result_schema, name) < 0) {
                missing = std::string(name);
            }
        });
    if (!closed) {
        return Status(ErrorKind::kInvalidInput, rule.path + ": explanation has a '{' without a closing '}'");
    }
    if (!missing.empty()) {
        return Status(ErrorKind::kInvalidInput, rule.path + ": explanation uses {" + missing +
                                                    "}, which is not a column of the rule's result; its columns are " +
                                                    ColumnList(result_schema));
    }
    return Status::Ok();
}

std::string FillExplanation(std::string_view text, const Schema& schema, const Chunk& chunk, size_t row) {
    std::string filled;
    bool after_empty_value = false;
    ScanTemplate(
        text,
        [&](std::string_view literal) {
            // An empty value between two spaces ("on {DeviceName} {LocalIP} contacted") leaves one.
            if (after_empty_value && literal.starts_with(' ') && (filled.empty() || filled.back() == ' ')) {
                literal.remove_prefix(1);
            }
            filled += literal;
            after_empty_value = false;
        },
        [&](std::string_view name) {
            const int column = FindField(schema, name);
            const std::string value =
                column < 0 ? "{" + std::string(name) + "}" : ReadableCell(chunk.columns[column], row);
            after_empty_value = value.empty();
            filled += value;
        });
    while (!filled.empty() && filled.back() == ' ') {
        filled.pop_back();
    }
    return filled;
}

std::vector<Finding> FindingsFromResult(const Rule& rule, const Table& result) {
    std::vector<Finding> findings;
    const ResultColumns columns(rule.entities, result.schema);
    for (const Chunk& chunk : result.chunks) {
        for (size_t row = 0; row < chunk.rows; ++row) {
            findings.push_back(FindingFromRow(rule, columns, result.schema, chunk, row));
        }
    }
    return findings;
}

} // namespace unmask::detect
