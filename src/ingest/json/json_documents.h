// Walking the JSON documents of a block and the rows inside each document. Shared by the
// probe (which collects column names and types) and the parsing workers.
#pragma once

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

/// Calls `visit(row)` for each row of a parsed document: each element of a top-level
/// `records` array (the Event Hub form), otherwise the document itself. Rows are unwrapped
/// with RowOfRecord; a row may still be a non-object, which the caller rejects.
template <typename Visit>
Status ForEachJsonRow(simdjson::dom::element document, Visit&& visit) {
    simdjson::dom::object object;
    simdjson::dom::array records;
    if (document.get_object().get(object) == simdjson::SUCCESS &&
        object.at_key("records").get_array().get(records) == simdjson::SUCCESS) {
        for (simdjson::dom::element record : records) {
            UNMASK_TRY(visit(RowOfRecord(record)));
        }
        return Status::Ok();
    }
    return visit(RowOfRecord(document));
}

}  // namespace unmask::ingest
