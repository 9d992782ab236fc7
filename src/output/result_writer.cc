#include "output/result_writer.h"

#include <cmath>
#include <string>
#include <vector>

#include "table/value.h"

namespace unmask::output {

bool ParseResultFormat(std::string_view name, ResultFormat& format) {
    if (name == "table") {
        format = ResultFormat::kTable;
    } else if (name == "csv") {
        format = ResultFormat::kCsv;
    } else if (name == "jsonl" || name == "json") {
        format = ResultFormat::kJsonLines;
    } else {
        return false;
    }
    return true;
}

namespace {

void AppendCsvField(std::string& out, std::string_view text) {
    const bool quote = text.find_first_of(",\"\r\n") != std::string_view::npos;
    if (!quote) {
        out += text;
        return;
    }
    out += '"';
    for (char c : text) {
        if (c == '"') {
            out += '"';
        }
        out += c;
    }
    out += '"';
}

void AppendJsonString(std::string& out, std::string_view text) {
    // Reuse the dynamic serializer's escaping through a string node.
    DynamicValue::String(std::string(text))->AppendJson(out);
}

}  // namespace

void WriteCsv(std::ostream& out, const Table& table, bool header) {
    std::string line;
    if (header) {
        for (size_t c = 0; c < table.schema.size(); ++c) {
            if (c > 0) {
                line += ',';
            }
            AppendCsvField(line, table.schema[c].name);
        }
        line += '\n';
        out << line;
    }
    std::string cell;
    for (const Chunk& chunk : table.chunks) {
        for (size_t row = 0; row < chunk.rows; ++row) {
            line.clear();
            for (size_t c = 0; c < chunk.columns.size(); ++c) {
                if (c > 0) {
                    line += ',';
                }
                cell.clear();
                AppendCell(cell, chunk.columns[c], row);
                AppendCsvField(line, cell);
            }
            line += '\n';
            out << line;
        }
    }
}

void WriteJsonLines(std::ostream& out, const Table& table) {
    std::string line;
    std::string cell;
    for (const Chunk& chunk : table.chunks) {
        for (size_t row = 0; row < chunk.rows; ++row) {
            line.clear();
            line += '{';
            for (size_t c = 0; c < chunk.columns.size(); ++c) {
                if (c > 0) {
                    line += ',';
                }
                AppendJsonString(line, table.schema[c].name);
                line += ':';
                const Column& column = chunk.columns[c];
                if (column.IsNull(row)) {
                    line += "null";
                    continue;
                }
                switch (column.type) {
                    case Type::kBool: line += column.ints[row] ? "true" : "false"; break;
                    case Type::kInt:
                    case Type::kLong: line += std::to_string(column.ints[row]); break;
                    case Type::kReal:
                        if (std::isfinite(column.reals[row])) {
                            AppendRealText(line, column.reals[row]);
                        } else {
                            cell.clear();
                            AppendRealText(cell, column.reals[row]);
                            AppendJsonString(line, cell);
                        }
                        break;
                    case Type::kDynamic:
                        if (column.dynamics[row]) {
                            column.dynamics[row]->AppendJson(line);
                        } else {
                            line += "null";
                        }
                        break;
                    default:
                        cell.clear();
                        AppendCell(cell, column, row);
                        AppendJsonString(line, cell);
                        break;
                }
            }
            line += "}\n";
            out << line;
        }
    }
}

void WriteTextTable(std::ostream& out, const Table& table, size_t max_width) {
    const size_t columns = table.schema.size();
    std::vector<std::vector<std::string>> cells;
    std::vector<size_t> widths(columns, 0);
    for (size_t c = 0; c < columns; ++c) {
        widths[c] = table.schema[c].name.size();
    }
    for (const Chunk& chunk : table.chunks) {
        for (size_t row = 0; row < chunk.rows; ++row) {
            std::vector<std::string> line(columns);
            for (size_t c = 0; c < columns; ++c) {
                std::string text = FormatCell(chunk.columns[c], row);
                for (char& ch : text) {
                    if (ch == '\n' || ch == '\r' || ch == '\t') {
                        ch = ' ';
                    }
                }
                if (text.size() > max_width && max_width > 3) {
                    text.resize(max_width - 3);
                    text.append("...");
                }
                widths[c] = std::max(widths[c], text.size());
                line[c] = std::move(text);
            }
            cells.push_back(std::move(line));
        }
    }
    auto write_line = [&](const std::vector<std::string>& line) {
        std::string text;
        for (size_t c = 0; c < columns; ++c) {
            if (c > 0) {
                text += "  ";
            }
            text += line[c];
            if (c + 1 < columns) {
                text.append(widths[c] - line[c].size(), ' ');
            }
        }
        out << text << '\n';
    };
    std::vector<std::string> header;
    std::vector<std::string> rule;
    for (size_t c = 0; c < columns; ++c) {
        header.push_back(table.schema[c].name);
        rule.push_back(std::string(widths[c], '-'));
    }
    write_line(header);
    write_line(rule);
    for (const auto& line : cells) {
        write_line(line);
    }
    out << "(" << cells.size() << (cells.size() == 1 ? " row" : " rows") << ")\n";
}

}  // namespace unmask::output
