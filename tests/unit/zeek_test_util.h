// Helpers shared by the Zeek reader tests: writing small logs, reading them into plain rows and
// looking up AdditionalFields keys.
#pragma once

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include <simdjson.h>
#include <unistd.h>

#include "ingest/defender_schema.h"
#include "ingest/zeek/zeek_reader.h"

namespace unmask::ingest::zeek::testing {

namespace fs = std::filesystem;

/// The corpus of third-party logs next to the repository; tests skip when it is absent.
inline const fs::path kCorpus = fs::path(UNMASK_SOURCE_DIR) / ".." / "shared" / "corpus";

/// Creates an empty directory under the system temp directory, unique per process and name.
inline fs::path MakeTempDir(const std::string& name) {
    const fs::path dir = fs::temp_directory_path() / ("unmask-zeek-" + name + "-" + std::to_string(getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

inline fs::path WriteFile(const fs::path& path, const std::string& content) {
    std::ofstream out(path, std::ios::binary);
    out << content;
    return path;
}

/// One output row with the columns the tests look at.
struct Row {
    int64_t timestamp = 0;  ///< Kusto ticks (since 0001-01-01)
    std::string device_name;
    std::string action_type;
    std::string local_ip;
    int64_t local_port = 0;
    std::string remote_ip;
    int64_t remote_port = 0;
    std::string remote_url;
    std::string protocol;
    std::string local_ip_type;
    std::string remote_ip_type;
    std::string additional_fields;
    std::optional<int64_t> sent_bytes;
    std::optional<int64_t> received_bytes;
};

struct ReadOutcome {
    Status status;
    std::vector<Row> rows;
    size_t chunks = 0;
    ReadStats stats;
    ZeekReadStats zeek;
};

inline Schema TestSchema() {
    Schema schema;
    for (const char* name :
         {"Timestamp", "DeviceName", "ActionType", "LocalIP", "LocalPort", "RemoteIP", "RemotePort", "RemoteUrl",
          "Protocol", "LocalIPType", "RemoteIPType", "AdditionalFields", "SentBytes", "ReceivedBytes"}) {
        schema.push_back(Field{name, *KnownColumnType(name)});
    }
    return schema;
}

/// Reads `paths` as one set of Zeek logs into rows.
inline ReadOutcome ReadLogs(const std::vector<std::string>& paths, ReadOptions options = {}, SensorSite site = {}) {
    ReadOutcome outcome;
    const Schema schema = TestSchema();
    SensorRowBuilder builder(schema, site);
    auto flush = [&](Chunk chunk) -> Status {
        ++outcome.chunks;
        for (size_t r = 0; r < chunk.rows; ++r) {
            Row row;
            const auto text = [&](int column) {
                return std::string(chunk.columns[column].strings[r]);
            };
            const auto number = [&](int column) {
                return chunk.columns[column].ints[r];
            };
            const auto optional_number = [&](int column) {
                return chunk.columns[column].IsNull(r) ? std::nullopt : std::optional<int64_t>(number(column));
            };
            row.timestamp = number(0);
            row.device_name = text(1);
            row.action_type = text(2);
            row.local_ip = text(3);
            row.local_port = number(4);
            row.remote_ip = text(5);
            row.remote_port = number(6);
            row.remote_url = text(7);
            row.protocol = text(8);
            row.local_ip_type = text(9);
            row.remote_ip_type = text(10);
            row.additional_fields = text(11);
            row.sent_bytes = optional_number(12);
            row.received_bytes = optional_number(13);
            outcome.rows.push_back(std::move(row));
        }
        return Status::Ok();
    };
    outcome.status = ReadZeekLogs(paths, builder, flush, options, outcome.stats, &outcome.zeek);
    return outcome;
}

/// Returns an AdditionalFields key: a string value as it is, any other value as compact JSON;
/// nullopt when the key is absent or the text is not a JSON object.
inline std::optional<std::string> Key(const Row& row, const std::string& key) {
    simdjson::dom::parser parser;
    simdjson::dom::object object;
    if (parser.parse(row.additional_fields).get_object().get(object) != simdjson::SUCCESS) {
        return std::nullopt;
    }
    simdjson::dom::element value;
    if (object.at_key(key).get(value) != simdjson::SUCCESS) {
        return std::nullopt;
    }
    std::string_view text;
    if (value.get_string().get(text) == simdjson::SUCCESS) {
        return std::string(text);
    }
    return simdjson::minify(value);
}

inline uint64_t Rejected(const ReadOutcome& outcome, const std::string& reason) {
    const auto found = outcome.stats.rejected_by_reason.find(reason);
    return found == outcome.stats.rejected_by_reason.end() ? 0 : found->second;
}

}  // namespace unmask::ingest::zeek::testing
