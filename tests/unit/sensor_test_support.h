// Helpers for tests of sensor inputs: read captures or Zeek logs through the real ingest path
// into plain rows, and look up AdditionalFields keys.
#pragma once

#include <algorithm>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "ingest/reader.h"
#include "ingest/sensor/sensor_rows.h"
#include "table/dynamic.h"

namespace unmask::testing {

/// One DeviceNetworkEvents row derived from a sensor, with AdditionalFields parsed.
struct SensorRow {
    int64_t timestamp = 0;
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
    std::optional<int64_t> sent_bytes;
    std::optional<int64_t> received_bytes;
    std::string additional_fields;
    DynamicPtr fields;

    /// Returns the AdditionalFields value at `key` as text: strings as they are, other values as
    /// JSON; "" when the key is absent.
    std::string Field(const std::string& key) const {
        if (!fields) {
            return "";
        }
        const DynamicPtr* value = fields->Find(key);
        if (value == nullptr || !*value) {
            return "";
        }
        return (*value)->kind() == DynamicValue::Kind::kString ? (*value)->string() : (*value)->ToJson();
    }

    /// Returns the strings of the array at `key`; empty when absent or not an array.
    std::vector<std::string> Strings(const std::string& key) const {
        std::vector<std::string> out;
        const DynamicPtr* value = fields ? fields->Find(key) : nullptr;
        if (value == nullptr || !*value || (*value)->kind() != DynamicValue::Kind::kArray) {
            return out;
        }
        for (const DynamicPtr& item : (*value)->array()) {
            out.push_back(item && item->kind() == DynamicValue::Kind::kString ? item->string() : "");
        }
        return out;
    }
};

/// Result of reading sensor inputs.
struct SensorRead {
    Status status;
    std::vector<SensorRow> rows;
    ingest::ReadStats stats;

    std::vector<const SensorRow*> WithAction(const std::string& action_type) const {
        std::vector<const SensorRow*> out;
        for (const SensorRow& row : rows) {
            if (row.action_type == action_type) {
                out.push_back(&row);
            }
        }
        return out;
    }
};

class CollectingSink : public ingest::ChunkSink {
public:
    explicit CollectingSink(std::vector<Chunk>& chunks) : chunks_(chunks) {}
    Status Consume(Chunk chunk, int /*worker*/) override {
        std::lock_guard<std::mutex> lock(mutex_);
        chunks_.push_back(std::move(chunk));
        return Status::Ok();
    }

private:
    std::mutex mutex_;
    std::vector<Chunk>& chunks_;
};

/// Reads `paths` with the real probe and read path, in the sensor schema's columns.
inline SensorRead ReadSensorRows(const std::vector<std::string>& paths, ingest::ReadOptions options = {}) {
    SensorRead read;
    auto probe = ingest::ExpandAndProbeInputs(paths, options);
    if (!probe.ok()) {
        read.status = probe.status();
        return read;
    }
    const Schema& schema = ingest::SensorSchema();
    std::vector<Chunk> chunks;
    CollectingSink sink(chunks);
    read.status = ingest::ReadInputs(*probe, schema, options, sink, read.stats);
    std::sort(chunks.begin(), chunks.end(), [](const Chunk& a, const Chunk& b) { return a.first_row < b.first_row; });
    auto column = [&](const Chunk& chunk, const char* name) -> const Column& {
        return chunk.columns[static_cast<size_t>(FindField(schema, name))];
    };
    for (const Chunk& chunk : chunks) {
        for (size_t i = 0; i < chunk.rows; ++i) {
            SensorRow row;
            row.timestamp = column(chunk, "Timestamp").ints[i];
            row.device_name = std::string(column(chunk, "DeviceName").strings[i]);
            row.action_type = std::string(column(chunk, "ActionType").strings[i]);
            row.local_ip = std::string(column(chunk, "LocalIP").strings[i]);
            row.local_port = column(chunk, "LocalPort").ints[i];
            row.remote_ip = std::string(column(chunk, "RemoteIP").strings[i]);
            row.remote_port = column(chunk, "RemotePort").ints[i];
            row.remote_url = std::string(column(chunk, "RemoteUrl").strings[i]);
            row.protocol = std::string(column(chunk, "Protocol").strings[i]);
            row.local_ip_type = std::string(column(chunk, "LocalIPType").strings[i]);
            row.remote_ip_type = std::string(column(chunk, "RemoteIPType").strings[i]);
            const Column& sent = column(chunk, "SentBytes");
            const Column& received = column(chunk, "ReceivedBytes");
            if (!sent.IsNull(i)) {
                row.sent_bytes = sent.ints[i];
            }
            if (!received.IsNull(i)) {
                row.received_bytes = received.ints[i];
            }
            row.additional_fields = std::string(column(chunk, "AdditionalFields").strings[i]);
            auto parsed = ParseJson(row.additional_fields);
            if (parsed.ok()) {
                row.fields = *parsed;
            }
            read.rows.push_back(std::move(row));
        }
    }
    return read;
}

/// The shared corpus next to the repository, or nullopt when it is absent.
inline std::optional<std::filesystem::path> CorpusDir() {
    const std::filesystem::path dir = std::filesystem::path(UNMASK_SOURCE_DIR) / ".." / "shared" / "corpus";
    if (std::filesystem::is_directory(dir)) {
        return dir;
    }
    return std::nullopt;
}

/// Lists every capture file below the corpus, compressed ones included.
inline std::vector<std::filesystem::path> CorpusCaptures(const std::filesystem::path& corpus) {
    std::vector<std::filesystem::path> captures;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(corpus)) {
        const std::string name = entry.path().filename().string();
        if (entry.is_regular_file() &&
            (name.ends_with(".pcap") || name.ends_with(".pcapng") || name.ends_with(".pcap.gz"))) {
            captures.push_back(entry.path());
        }
    }
    std::sort(captures.begin(), captures.end());
    return captures;
}

}  // namespace unmask::testing
