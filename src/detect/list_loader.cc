#include "detect/list_loader.h"

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>

#include <yaml-cpp/yaml.h>

namespace unmask::detect {

namespace {

namespace fs = std::filesystem;

struct FormatName {
    ListFormat format;
    const char* name;
};

constexpr FormatName kFormatNames[] = {
    {ListFormat::kAbusechJa3Csv, "abusech-ja3-csv"},
    {ListFormat::kAbusechSha1Csv, "abusech-sha1-csv"},
    {ListFormat::kFoxioJa4Csv, "foxio-ja4-csv"},
    {ListFormat::kLines, "lines"},
};

/// FoxIO columns whose values are TLS or HTTP fingerprints that rows can carry. ja4t and
/// ja4tscan are TCP fingerprints, which no row has.
constexpr const char* kFoxioFingerprintColumns[] = {"ja4", "ja4s", "ja4h", "ja4x"};

std::string ToLower(std::string_view text) {
    std::string lower(text);
    for (char& c : lower) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return lower;
}

std::string_view Trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t' || text.front() == '\r')) {
        text.remove_prefix(1);
    }
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
        text.remove_suffix(1);
    }
    return text;
}

/// Splits one CSV line (RFC 4180 quoting within the line: "a, b" and "" for a quote).
std::vector<std::string> SplitCsv(std::string_view line) {
    std::vector<std::string> fields(1);
    bool quoted = false;
    for (size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quoted) {
            if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
                fields.back() += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                fields.back() += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            fields.emplace_back();
        } else {
            fields.back() += c;
        }
    }
    for (std::string& field : fields) {
        field = std::string(Trim(field));
    }
    return fields;
}

/// Replaces control characters, which a KQL dynamic literal cannot carry unescaped, with blanks.
std::string CleanLabel(std::string_view label) {
    std::string clean(Trim(label));
    for (char& c : clean) {
        if (static_cast<unsigned char>(c) < 0x20) {
            c = ' ';
        }
    }
    return clean;
}

void AddEntry(std::map<std::string, std::string>& entries, const std::string& value, const std::string& label) {
    auto [it, inserted] = entries.emplace(value, label);
    if (inserted || label.empty() || it->second == label) {
        return;
    }
    // Keep every distinct label: one JA4 can belong to a library and to an implant built on it.
    const std::string separator = " | ";
    const std::string padded = separator + it->second + separator;
    if (padded.find(separator + label + separator) == std::string::npos) {
        it->second = it->second.empty() ? label : it->second + separator + label;
    }
}

/// Parses the lines of one list file into entries. Errors read "file:line: message".
class ListParser {
public:
    ListParser(std::string path, ListFormat format) : path_(std::move(path)), format_(format) {}

    Status ParseLine(size_t number, std::string_view line, std::map<std::string, std::string>& entries) {
        line = Trim(line);
        if (line.empty() || line.front() == '#') {
            return Status::Ok();
        }
        switch (format_) {
        case ListFormat::kAbusechJa3Csv:
            return ParseAbusech(number, line, 0, 3, kJa3Pattern, "JA3 hash", "32 hex digits", entries);
        case ListFormat::kAbusechSha1Csv:
            return ParseAbusech(number, line, 1, 2, kSha1Pattern, "certificate SHA-1", "40 hex digits", entries);
        case ListFormat::kFoxioJa4Csv:
            return ParseFoxio(number, line, entries);
        case ListFormat::kLines:
            return ParsePlainLine(number, line, entries);
        }
        return Status::Ok();
    }

    /// Fails when a FoxIO file had no header row.
    Status Finish(size_t lines) const {
        if (format_ == ListFormat::kFoxioJa4Csv && columns_.empty()) {
            return Error(lines, "no header row naming a ja4 column; expected FoxIO's ja4plus-mapping.csv layout");
        }
        return Status::Ok();
    }

    Status Error(size_t number, const std::string& message) const {
        return Status(ErrorKind::kInvalidInput, path_ + ":" + std::to_string(number) + ": " + message);
    }

private:
    static inline const std::regex kJa3Pattern{"[0-9a-f]{32}"};
    static inline const std::regex kSha1Pattern{"[0-9a-f]{40}"};

    Status ParseAbusech(size_t number, std::string_view line, size_t value_field, size_t label_field,
                        const std::regex& pattern, const char* what, const char* expected,
                        std::map<std::string, std::string>& entries) const {
        const std::vector<std::string> fields = SplitCsv(line);
        const std::string value = value_field < fields.size() ? ToLower(fields[value_field]) : std::string();
        if (!std::regex_match(value, pattern)) {
            return Error(number, "invalid " + std::string(what) + " '" +
                                     (value_field < fields.size() ? fields[value_field] : std::string()) +
                                     "' in field " + std::to_string(value_field + 1) + "; expected " + expected +
                                     " (is the format right?)");
        }
        AddEntry(entries, value, label_field < fields.size() ? CleanLabel(fields[label_field]) : std::string());
        return Status::Ok();
    }

    Status ParseFoxio(size_t number, std::string_view line, std::map<std::string, std::string>& entries) {
        const std::vector<std::string> fields = SplitCsv(line);
        if (columns_.empty()) {
            for (size_t i = 0; i < fields.size(); ++i) {
                columns_[ToLower(fields[i])] = i;
            }
            if (columns_.count("ja4") == 0) {
                columns_.clear();
                return Error(number, "the header row has no 'ja4' column; expected FoxIO's ja4plus-mapping.csv layout");
            }
            return Status::Ok();
        }
        auto field = [&](const char* column) {
            auto it = columns_.find(column);
            return it != columns_.end() && it->second < fields.size() ? fields[it->second] : std::string();
        };
        std::string label = field("application");
        const std::string library = field("library");
        if (label.empty()) {
            label = !library.empty() ? library : !field("device").empty() ? field("device") : field("os");
        } else if (!library.empty()) {
            label += " (" + library + ")";
        }
        static const std::regex kFingerprint("[0-9a-z]+(_[0-9a-z]+)+");
        for (const char* column : kFoxioFingerprintColumns) {
            const std::string value = ToLower(field(column));
            if (value.empty()) {
                continue;
            }
            if (!std::regex_match(value, kFingerprint)) {
                return Error(number, "invalid " + std::string(column) + " fingerprint '" + field(column) +
                                         "'; expected letters and digits in '_'-separated parts");
            }
            AddEntry(entries, value, CleanLabel(label));
        }
        return Status::Ok();
    }

    Status ParsePlainLine(size_t number, std::string_view line, std::map<std::string, std::string>& entries) const {
        const size_t end = line.find_first_of(", \t");
        const std::string value = ToLower(line.substr(0, end));
        const std::string_view label = end == std::string_view::npos ? std::string_view() : line.substr(end + 1);
        if (value.find('"') != std::string::npos || value.find('\\') != std::string::npos) {
            return Error(number, "invalid value '" + value + "'; quotes and backslashes are not allowed");
        }
        AddEntry(entries, value, CleanLabel(label));
        return Status::Ok();
    }

    std::string path_;
    ListFormat format_;
    std::map<std::string, size_t> columns_; ///< FoxIO header: lower-case column name -> index
};

/// Appends `text` as a JSON string; CleanLabel and the value checks keep out control characters.
void AppendJsonString(std::string& out, std::string_view text) {
    out += '"';
    for (char c : text) {
        if (c == '"' || c == '\\') {
            out += '\\';
        }
        out += c;
    }
    out += '"';
}

std::string FormatNames() {
    std::string names;
    for (const FormatName& entry : kFormatNames) {
        names += names.empty() ? "" : ", ";
        names += entry.name;
    }
    return names;
}

std::string Location(const std::string& config_path, const YAML::Node& node) {
    const YAML::Mark mark = node.Mark();
    if (mark.line < 0) {
        return config_path;
    }
    return config_path + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

} // namespace

Result<ListFormat> ParseListFormat(std::string_view name) {
    for (const FormatName& entry : kFormatNames) {
        if (name == entry.name) {
            return entry.format;
        }
    }
    return Status(ErrorKind::kInvalidInput,
                  "unknown list format '" + std::string(name) + "'; expected one of " + FormatNames());
}

const char* ListFormatName(ListFormat format) {
    for (const FormatName& entry : kFormatNames) {
        if (entry.format == format) {
            return entry.name;
        }
    }
    return "unknown";
}

Result<std::map<std::string, std::string>> LoadListFile(const std::string& path, ListFormat format,
                                                        const ListLimits& limits) {
    std::error_code error;
    if (!fs::is_regular_file(path, error)) {
        return Status(ErrorKind::kIo, "list file '" + path + "' not found or not a regular file");
    }
    const uintmax_t size = fs::file_size(path, error);
    if (error || size > limits.max_file_bytes) {
        return Status(ErrorKind::kInvalidInput, "list file '" + path + "' is larger than " +
                                                    std::to_string(limits.max_file_bytes) +
                                                    " bytes; is it the right file?");
    }
    std::ifstream file(path, std::ios::binary);
    if (!file) {
        return Status(ErrorKind::kIo, "cannot open list file '" + path + "'");
    }
    ListParser parser(path, format);
    std::map<std::string, std::string> entries;
    size_t number = 0;
    for (std::string line; std::getline(file, line);) {
        ++number;
        if (line.size() > limits.max_line_bytes) {
            return parser.Error(number, "line longer than " + std::to_string(limits.max_line_bytes) + " bytes");
        }
        if (number == 1 && line.starts_with("\xEF\xBB\xBF")) {
            line.erase(0, 3); // UTF-8 byte order mark
        }
        UNMASK_TRY(parser.ParseLine(number, line, entries));
        if (entries.size() > limits.max_entries) {
            return parser.Error(number, "more than " + std::to_string(limits.max_entries) + " entries");
        }
    }
    UNMASK_TRY(parser.Finish(number));
    return entries;
}

std::string ListLiteral(const SiteList& list) {
    std::string literal = "dynamic({";
    bool first = true;
    for (const auto& [value, label] : list.entries) {
        literal += first ? "" : ", ";
        first = false;
        AppendJsonString(literal, value);
        literal += ": ";
        AppendJsonString(literal, label.empty() ? list.name : label);
    }
    return literal + "})";
}

Result<std::vector<SiteList>> ReadSiteLists(const YAML::Node& node, const std::string& config_path) {
    auto error = [&](const YAML::Node& at, const std::string& field, const std::string& message) {
        return Status(ErrorKind::kInvalidInput, Location(config_path, at) + ": " + field + ": " + message);
    };
    if (!node.IsMap()) {
        return error(node, "lists", "expected a mapping of parameter name to {file, format}");
    }
    static const std::regex kIdentifier("[A-Za-z_][A-Za-z0-9_]*");
    const fs::path base = fs::path(config_path).parent_path();
    std::vector<SiteList> lists;
    std::set<std::string> seen;
    for (const auto& item : node) {
        const std::string name = item.first.as<std::string>();
        const std::string field = "lists." + name;
        if (!std::regex_match(name, kIdentifier)) {
            return error(item.first, field, "expected a rule parameter name (letters, digits and '_')");
        }
        if (!seen.insert(name).second) {
            return error(item.first, field, "given twice in the same mapping");
        }
        const YAML::Node& body = item.second;
        if (!body.IsMap()) {
            return error(body, field, "expected a mapping with 'file' and 'format'");
        }
        for (const auto& key : body) {
            const std::string key_name = key.first.as<std::string>();
            if (key_name != "file" && key_name != "format") {
                return error(key.first, field + "." + key_name, "unknown key; expected one of file, format");
            }
        }
        if (!body["file"] || !body["file"].IsScalar() || body["file"].Scalar().empty()) {
            return error(body, field + ".file", "missing; give the path of the list file");
        }
        if (!body["format"] || !body["format"].IsScalar()) {
            return error(body, field + ".format", "missing; expected one of " + FormatNames());
        }
        auto format = ParseListFormat(body["format"].Scalar());
        if (!format.ok()) {
            return error(body["format"], field + ".format", format.status().message());
        }
        SiteList list;
        list.name = name;
        list.format = format.value();
        const fs::path file(body["file"].Scalar());
        list.file = (file.is_absolute() || base.empty() ? file : base / file).string();
        list.source = config_path + ":" + std::to_string(item.first.Mark().line + 1);
        auto entries = LoadListFile(list.file, list.format);
        if (!entries.ok()) {
            return error(body["file"], field + ".file", entries.status().message());
        }
        list.entries = std::move(entries).value();
        lists.push_back(std::move(list));
    }
    return lists;
}

} // namespace unmask::detect
