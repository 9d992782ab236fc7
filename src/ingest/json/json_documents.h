// Walking the JSON documents of a block and the rows inside each document. Shared by the
// probe (which collects column names and types) and the parsing workers.
#pragma once

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstring>
#include <string_view>

#include <simdjson.h>

#include "common/status.h"
#include "ingest/block_reader.h"
#include "ingest/json_framing.h"

namespace unmask::ingest {

inline bool IsJsonSpace(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/// Calls `visit(document, line)` for each JSON document in `text`, whose first byte is on line
/// `first_line`. kLines: every non-blank line is a document. kJsonValues: documents are the
/// top-level values, separated by whitespace or by the commas and closing `]` of an array.
/// Stops at the first error that `visit` returns.
template <typename Visit>
Status ForEachJsonDocument(std::string_view text, Framing framing, uint64_t first_line, Visit&& visit) {
    const char* data = text.data();
    const size_t size = text.size();
    uint64_t line = first_line;
    size_t position = 0;
    if (framing == Framing::kLines) {
        while (position < size) {
            const void* newline = std::memchr(data + position, '\n', size - position);
            const size_t end =
                newline != nullptr ? static_cast<size_t>(static_cast<const char*>(newline) - data) : size;
            size_t begin = position;
            size_t stop = end;
            while (begin < stop && IsJsonSpace(data[begin])) {
                ++begin;
            }
            while (stop > begin && IsJsonSpace(data[stop - 1])) {
                --stop;
            }
            if (begin < stop) {
                UNMASK_TRY(visit(std::string_view(data + begin, stop - begin), line));
            }
            ++line;
            position = end + 1;
        }
        return Status::Ok();
    }
    while (position < size) {
        const char c = data[position];
        if (IsJsonSpace(c) || c == ',' || c == ']') {
            line += c == '\n' ? 1 : 0;
            ++position;
            continue;
        }
        JsonScanState state;
        const size_t length = FindJsonValueEnd(text.substr(position), state);
        const size_t end = length == std::string_view::npos ? size : position + length;
        const std::string_view document(data + position, end - position);
        UNMASK_TRY(visit(document, line));
        for (const char byte : document) {
            line += byte == '\n' ? 1 : 0;
        }
        position = end;
    }
    return Status::Ok();
}

/// Returns the row inside a record: the `properties` object of a Defender streaming record
/// (a record with `category` and `properties`, as Event Hub and storage-account exports write
/// them), otherwise the record itself.
inline simdjson::dom::element RowOfRecord(simdjson::dom::element record) {
    simdjson::dom::object object;
    if (record.get_object().get(object) != simdjson::SUCCESS) {
        return record;
    }
    simdjson::dom::element properties;
    if (object.at_key("properties").get(properties) == simdjson::SUCCESS && properties.is_object() &&
        object.at_key("category").error() == simdjson::SUCCESS) {
        return properties;
    }
    return record;
}

/// Returns the table of a record that belongs to a table other than DeviceNetworkEvents: the
/// `category` of a streaming record (compared with AdvancedHunting-DeviceNetworkEvents), or
/// the `Type` of a Sentinel row. Returns an empty view for a DeviceNetworkEvents record and for
/// one that does not name its table. Both comparisons ignore ASCII case.
inline std::string_view OtherTableOf(simdjson::dom::element record, simdjson::dom::element row) {
    constexpr std::string_view kCategory = "AdvancedHunting-DeviceNetworkEvents";
    constexpr std::string_view kTable = "DeviceNetworkEvents";
    const auto same_name = [](std::string_view left, std::string_view right) {
        return left.size() == right.size() &&
               std::equal(left.begin(), left.end(), right.begin(), [](char a, char b) {
                   return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
               });
    };
    std::string_view name;
    simdjson::dom::element properties;
    const bool streaming_record =
        record.at_key("properties").get(properties) == simdjson::SUCCESS && properties.is_object();
    if (streaming_record && record.at_key("category").get_string().get(name) == simdjson::SUCCESS &&
        !same_name(name, kCategory)) {
        return name;
    }
    if (row.is_object() && row.at_key("Type").get_string().get(name) == simdjson::SUCCESS &&
        !same_name(name, kTable)) {
        return name;
    }
    return {};
}

/// Calls `visit(row, other_table)` for each row of a parsed document: each element of a
/// top-level `records` array (the Event Hub form), otherwise the document itself. Rows are
/// unwrapped with RowOfRecord, and `other_table` is OtherTableOf the record. A row may still
/// be a non-object, which the caller rejects.
template <typename Visit>
Status ForEachJsonRow(simdjson::dom::element document, Visit&& visit) {
    simdjson::dom::object object;
    simdjson::dom::array records;
    if (document.get_object().get(object) == simdjson::SUCCESS &&
        object.at_key("records").get_array().get(records) == simdjson::SUCCESS) {
        for (simdjson::dom::element record : records) {
            const simdjson::dom::element row = RowOfRecord(record);
            UNMASK_TRY(visit(row, OtherTableOf(record, row)));
        }
        return Status::Ok();
    }
    const simdjson::dom::element row = RowOfRecord(document);
    return visit(row, OtherTableOf(document, row));
}

}  // namespace unmask::ingest
