#include "ingest/csv/csv_header.h"

#include <algorithm>

namespace unmask::ingest {

Result<std::vector<std::string>> SplitCsvRecord(std::string_view record) {
    std::vector<std::string> fields;
    std::string field;
    size_t i = 0;
    while (true) {
        field.clear();
        if (i < record.size() && record[i] == '"') {
            ++i;
            while (true) {
                if (i >= record.size()) {
                    return Status(ErrorKind::kInvalidInput, "a quoted field is not closed");
                }
                if (record[i] == '"') {
                    if (i + 1 < record.size() && record[i + 1] == '"') {
                        field += '"';
                        i += 2;
                        continue;
                    }
                    ++i;
                    break;
                }
                field += record[i++];
            }
            if (i < record.size() && record[i] != ',') {
                return Status(ErrorKind::kInvalidInput, "a closing quote is followed by text instead of a comma");
            }
        } else {
            const size_t end = std::min(record.find(',', i), record.size());
            field.assign(record.substr(i, end - i));
            if (field.find('"') != std::string::npos) {
                return Status(ErrorKind::kInvalidInput, "a quote appears inside an unquoted field");
            }
            i = end;
        }
        fields.push_back(field);
        if (i >= record.size()) {
            break;
        }
        ++i;  // the comma
    }
    return fields;
}

Result<std::vector<std::string>> ParseCsvHeader(std::string_view record, const std::string& path) {
    Result<std::vector<std::string>> split = SplitCsvRecord(record);
    if (!split.ok()) {
        return Status(ErrorKind::kInvalidInput, path + ":1: invalid CSV header: " + split.status().message() +
                                                    "; the first line must be the column names, separated by commas");
    }
    std::vector<std::string> names = std::move(split).value();
    for (size_t i = 0; i < names.size(); ++i) {
        if (names[i].empty()) {
            names[i] = "Column" + std::to_string(i + 1);
        }
    }
    for (size_t i = 1; i < names.size(); ++i) {
        const auto earlier_end = names.begin() + static_cast<std::ptrdiff_t>(i);
        if (std::find(names.begin(), earlier_end, names[i]) == earlier_end) {
            continue;
        }
        for (int suffix = 1;; ++suffix) {
            std::string candidate = names[i] + std::to_string(suffix);
            if (std::find(names.begin(), names.end(), candidate) == names.end()) {
                names[i] = std::move(candidate);
                break;
            }
        }
    }
    return names;
}

}  // namespace unmask::ingest
