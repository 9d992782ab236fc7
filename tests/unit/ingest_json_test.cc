// Tests of the JSON side of src/ingest: Advanced Hunting API rows, Event Hub records, storage
// blob records, Sentinel rows, JSON arrays, rejects, blocks and threads.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <zlib.h>

#include "ingest/reader.h"
#include "table/datetime.h"
#include "table/value.h"

namespace unmask::ingest {
namespace {

namespace fs = std::filesystem;

const std::string kDataDir = std::string(UNMASK_SOURCE_DIR) + "/tests/data/ingest/";

// A fresh directory under the system temp dir, removed with its files at the end of the test.
class TempDir {
public:
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "unmask-ingest-json-XXXXXX").string();
        path_ = ::mkdtemp(pattern.data());
    }
    ~TempDir() {
        std::error_code error;
        fs::remove_all(path_, error);
    }
    std::string Write(const std::string& name, const std::string& content) const {
        const std::string path = path_ + "/" + name;
        std::ofstream(path, std::ios::binary) << content;
        return path;
    }
    std::string WriteGzip(const std::string& name, const std::string& content) const {
        const std::string path = path_ + "/" + name;
        gzFile file = gzopen(path.c_str(), "wb");
        gzwrite(file, content.data(), static_cast<unsigned>(content.size()));
        gzclose(file);
        return path;
    }

private:
    std::string path_;
};

std::string ReadBytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

class CollectingSink : public ChunkSink {
public:
    Status Consume(Chunk chunk, int /*worker*/) override {
        std::lock_guard lock(mutex_);
        chunks.push_back(std::move(chunk));
        return Status::Ok();
    }
    std::vector<Chunk> chunks;

private:
    std::mutex mutex_;
};

// The outcome of probing and reading inputs, with the rows in input order.
struct ReadOutcome {
    Status status;
    ProbeResult probe;
    Schema output;
    ReadStats stats;
    std::vector<Chunk> chunks;
    std::vector<std::pair<size_t, size_t>> rows;  // (chunk, row) in input order

    size_t row_count() const { return rows.size(); }
    const Column& ColumnOf(size_t row, const std::string& name) const {
        const int index = FindField(output, name);
        EXPECT_GE(index, 0) << "column " << name << " was not read";
        return chunks[rows[row].first].columns[static_cast<size_t>(index)];
    }
    Value At(size_t row, const std::string& name) const {
        return Value::FromColumn(ColumnOf(row, name), rows[row].second);
    }
    std::string Text(size_t row, const std::string& name) const {
        return FormatCell(ColumnOf(row, name), rows[row].second);
    }
    bool IsNull(size_t row, const std::string& name) const { return ColumnOf(row, name).IsNull(rows[row].second); }
    Type TypeOf(const std::string& name) const {
        const int index = FindField(probe.schema, name);
        EXPECT_GE(index, 0) << "column " << name << " is not in the probe schema";
        return index >= 0 ? probe.schema[static_cast<size_t>(index)].type : Type::kLong;
    }
};

ReadOutcome ReadAll(const std::vector<std::string>& paths, ReadOptions options = {}) {
    ReadOutcome outcome;
    Result<ProbeResult> probe = ProbeInputs(paths, options);
    if (!probe.ok()) {
        outcome.status = probe.status();
        return outcome;
    }
    outcome.probe = std::move(probe).value();
    outcome.output = outcome.probe.schema;
    CollectingSink sink;
    outcome.status = ReadInputs(outcome.probe, outcome.output, options, sink, outcome.stats);
    outcome.chunks = std::move(sink.chunks);
    std::sort(outcome.chunks.begin(), outcome.chunks.end(),
              [](const Chunk& left, const Chunk& right) { return left.first_row < right.first_row; });
    for (size_t c = 0; c < outcome.chunks.size(); ++c) {
        for (size_t r = 0; r < outcome.chunks[c].rows; ++r) {
            outcome.rows.emplace_back(c, r);
        }
    }
    return outcome;
}

std::vector<std::vector<std::string>> AllCells(const ReadOutcome& outcome) {
    std::vector<std::vector<std::string>> cells;
    for (size_t row = 0; row < outcome.row_count(); ++row) {
        std::vector<std::string> line;
        for (const Field& field : outcome.output) {
            line.push_back((outcome.IsNull(row, field.name) ? "<null>" : "") + outcome.Text(row, field.name));
        }
        cells.push_back(std::move(line));
    }
    return cells;
}

int64_t Ticks(std::string_view text) {
    return ParseDateTime(text).value();
}

const RejectExample* FindExample(const ReadStats& stats, const std::string& reason, uint64_t line) {
    for (const RejectExample& example : stats.examples) {
        if (example.reason == reason && example.line == line) {
            return &example;
        }
    }
    return nullptr;
}

TEST(IngestJson, ApiRows) {
    const ReadOutcome read = ReadAll({kDataDir + "api_rows.jsonl"});
    ASSERT_TRUE(read.status.ok()) << read.status.message();
    EXPECT_EQ(read.probe.inputs[0].format, Format::kJsonLines);
    ASSERT_EQ(read.row_count(), 2u);
    EXPECT_EQ(read.TypeOf("RemotePort"), Type::kInt);
    EXPECT_EQ(read.TypeOf("AdditionalFields"), Type::kString);
    EXPECT_EQ(read.TypeOf("CustomCount"), Type::kLong) << "unknown column typed by its first value";
    EXPECT_EQ(read.TypeOf("CustomBag"), Type::kDynamic);
    EXPECT_EQ(read.TypeOf("CustomLater"), Type::kString) << "typed by the first non-null value";

    EXPECT_EQ(read.At(0, "Timestamp").integer, Ticks("2024-03-01T10:00:00.1234567Z"));
    EXPECT_EQ(read.At(0, "RemotePort").integer, 443);
    EXPECT_EQ(read.At(0, "InitiatingProcessId").integer, 4242);
    EXPECT_EQ(read.Text(0, "AdditionalFields"), "{\"direction\":\"Out\"}");
    EXPECT_EQ(read.At(0, "IsInitiatingProcessRemoteSession").integer, 0);
    EXPECT_EQ(read.At(0, "CustomCount").integer, 5);
    EXPECT_EQ(read.Text(0, "CustomBag"), "{\"a\":[1,2]}");
    EXPECT_EQ(read.Text(0, "CustomLater"), "");

    EXPECT_TRUE(read.IsNull(1, "RemotePort")) << "JSON null in an int column";
    EXPECT_EQ(read.Text(1, "RemoteUrl"), "") << "JSON null in a string column";
    EXPECT_EQ(read.Text(1, "AdditionalFields"), "");
    EXPECT_TRUE(read.IsNull(1, "CustomBag"));
    EXPECT_EQ(read.Text(1, "CustomLater"), "late");
    EXPECT_EQ(read.stats.rejected(), 0u);
    EXPECT_EQ(read.stats.max_timestamp, Ticks("2024-03-01T10:00:01Z"));
}

TEST(IngestJson, EventHubRecords) {
    const ReadOutcome read = ReadAll({kDataDir + "eventhub_records.json"});
    ASSERT_TRUE(read.status.ok()) << read.status.message();
    EXPECT_EQ(read.probe.inputs[0].format, Format::kJsonRecords);
    EXPECT_EQ(FindField(read.probe.schema, "category"), -1) << "envelope fields are not columns";
    EXPECT_EQ(FindField(read.probe.schema, "properties"), -1);
    ASSERT_EQ(read.row_count(), 3u);
    EXPECT_EQ(read.Text(0, "ActionType"), "HttpConnectionInspected");
    EXPECT_EQ(read.Text(0, "AdditionalFields"), "{\"host\":\"example.com\",\"method\":\"GET\"}")
        << "a JSON string holding JSON is kept as it is";
    EXPECT_EQ(read.Text(1, "AdditionalFields"), "{\"server_name\":\"example.org\",\"established\":\"true\"}")
        << "an object becomes its compact JSON text";
    EXPECT_EQ(read.At(1, "Timestamp").integer, Ticks("2024-03-01T10:01:01.5Z"));
    EXPECT_EQ(read.Text(1, "MachineGroup"), "Servers");
    EXPECT_EQ(read.Text(2, "DeviceName"), "host3");
    EXPECT_EQ(read.At(2, "RemotePort").integer, 8443);
    EXPECT_EQ(read.Text(2, "AdditionalFields"), "");
    EXPECT_EQ(read.stats.rejected(), 0u);
}

TEST(IngestJson, PrettyPrintedEventHubDocument) {
    TempDir dir;
    const std::string document = "{\n  \"records\": [\n    {\n      \"time\": \"2024-03-01T10:05:00Z\",\n"
                                 "      \"category\": \"AdvancedHunting-DeviceNetworkEvents\",\n"
                                 "      \"properties\": {\"Timestamp\": \"2024-03-01T10:01:00Z\", \"RemotePort\": 1}\n"
                                 "    }\n  ]\n}\n";
    const ReadOutcome read = ReadAll({dir.Write("pretty.json", document + document)});
    ASSERT_TRUE(read.status.ok()) << read.status.message();
    EXPECT_EQ(read.probe.inputs[0].format, Format::kJsonRecords);
    EXPECT_TRUE(read.probe.inputs[0].json_multiline);
    ASSERT_EQ(read.row_count(), 2u);
    EXPECT_EQ(read.At(1, "RemotePort").integer, 1);
    EXPECT_EQ(read.stats.rejected(), 0u);
}

TEST(IngestJson, StorageBlobLinesWithCrlf) {
    const ReadOutcome read = ReadAll({kDataDir + "storage_blob_crlf.json"});
    ASSERT_TRUE(read.status.ok()) << read.status.message();
    EXPECT_EQ(read.probe.inputs[0].format, Format::kJsonLines);
    ASSERT_EQ(read.row_count(), 2u);
    EXPECT_EQ(read.Text(0, "DeviceName"), "blob1");
    EXPECT_EQ(read.At(0, "RemotePort").integer, 53);
    EXPECT_EQ(read.Text(0, "AdditionalFields"), "{\"query\":\"a.example\"}");
    EXPECT_EQ(read.At(1, "RemotePort").integer, 443) << "a number written as a JSON string";
    EXPECT_EQ(FindField(read.probe.schema, "tenantId"), -1);
    EXPECT_EQ(read.stats.rejected(), 0u);
}

TEST(IngestJson, SentinelRows) {
    const ReadOutcome read = ReadAll({kDataDir + "sentinel_rows.jsonl"});
    ASSERT_TRUE(read.status.ok()) << read.status.message();
    ASSERT_EQ(read.row_count(), 2u);
    EXPECT_EQ(read.TypeOf("TimeGenerated"), Type::kDateTime);
    EXPECT_EQ(read.TypeOf("TenantId"), Type::kString);
    EXPECT_EQ(read.At(0, "TimeGenerated").integer, Ticks("2024-03-03T08:00:05.123Z"));
    EXPECT_EQ(read.Text(0, "Type"), "DeviceNetworkEvents");
    EXPECT_EQ(read.Text(0, "TenantId"), "tenant-1");
    EXPECT_EQ(read.Text(0, "AdditionalFields"), "{\"server_name\":\"contoso.com\",\"ja3\":\"abc\"}");
    EXPECT_EQ(read.Text(1, "AdditionalFields"), "{\"direction\":\"Out\"}");
    // Timestamp wins over TimeGenerated for the statistics when both exist.
    EXPECT_EQ(read.stats.max_timestamp, Ticks("2024-03-03T08:01:00Z"));
}

TEST(IngestJson, PrettyArrayUsesTimeGenerated) {
    const ReadOutcome read = ReadAll({kDataDir + "rows_array.json"});
    ASSERT_TRUE(read.status.ok()) << read.status.message();
    EXPECT_EQ(read.probe.inputs[0].format, Format::kJsonArray);
    ASSERT_EQ(read.row_count(), 2u);
    EXPECT_EQ(read.Text(0, "DeviceName"), "arr1");
    EXPECT_EQ(read.At(1, "RemotePort").integer, 23);
    EXPECT_EQ(read.Text(0, "AdditionalFields"), "") << "missing key";
    EXPECT_EQ(read.Text(1, "AdditionalFields"), "{\"nested\":{\"deep\":[1,\"two\",null]}}");
    EXPECT_EQ(read.stats.min_timestamp, Ticks("2024-03-04T00:00:00Z"));
    EXPECT_EQ(read.stats.max_timestamp, Ticks("2024-03-04T00:00:01Z"));
    EXPECT_EQ(read.stats.rejected(), 0u);
}

TEST(IngestJson, MixedFormatsFormOneTable) {
    const ReadOutcome read =
        ReadAll({kDataDir + "api_rows.jsonl", kDataDir + "eventhub_records.json", kDataDir + "sentinel_rows.jsonl",
                 kDataDir + "rows_array.json", kDataDir + "quoting_crlf.csv"});
    ASSERT_TRUE(read.status.ok()) << read.status.message();
    EXPECT_EQ(read.row_count(), 2u + 3u + 2u + 2u + 3u);
    EXPECT_EQ(read.stats.files, 5u);
    EXPECT_EQ(read.Text(0, "DeviceName"), "host1.contoso.com");
    EXPECT_EQ(read.Text(11, "RemoteUrl"), "plain") << "the CSV rows come last, in input order";
    EXPECT_TRUE(read.IsNull(11, "TimeGenerated"));
}

TEST(IngestJson, RejectsWithLines) {
    ReadOptions options;
    options.max_examples_per_reason = 5;
    const ReadOutcome read = ReadAll({kDataDir + "bad_rows.jsonl"}, options);
    ASSERT_TRUE(read.status.ok()) << read.status.message();
    ASSERT_EQ(read.row_count(), 3u);
    EXPECT_EQ(read.Text(0, "DeviceName"), "ok1");
    EXPECT_EQ(read.Text(1, "DeviceName"), "ok2");
    EXPECT_EQ(read.At(1, "RemotePort").integer, 3) << "3.0 is an integer";
    EXPECT_EQ(read.At(1, "IsInitiatingProcessRemoteSession").integer, 1);
    EXPECT_EQ(read.Text(2, "DeviceName"), "ok3") << "a repeated key keeps its first value";
    EXPECT_EQ(read.At(2, "RemotePort").integer, 4);

    const auto& counts = read.stats.rejected_by_reason;
    EXPECT_EQ(counts.at(kRejectInvalidJson), 2u);
    EXPECT_EQ(counts.at(kRejectInvalidDateTime), 1u);
    EXPECT_EQ(counts.at(kRejectInvalidNumber), 2u);
    EXPECT_EQ(counts.at(kRejectInvalidBool), 1u);
    EXPECT_EQ(read.stats.rejected(), 6u);

    const RejectExample* broken = FindExample(read.stats, kRejectInvalidJson, 2);
    ASSERT_NE(broken, nullptr);
    EXPECT_EQ(broken->value, "{\"Timestamp\":\"2024-03-05T00:00:01Z\",\"DeviceName\":\"broken\",");
    EXPECT_NE(FindExample(read.stats, kRejectInvalidJson, 6), nullptr) << "an array is not a row";
    const RejectExample* date = FindExample(read.stats, kRejectInvalidDateTime, 3);
    ASSERT_NE(date, nullptr);
    EXPECT_EQ(date->value, "not a time");
    const RejectExample* port = FindExample(read.stats, kRejectInvalidNumber, 4);
    ASSERT_NE(port, nullptr);
    EXPECT_EQ(port->value, "https");
    EXPECT_EQ(port->hint, "column RemotePort expects an int (32-bit integer)");
    EXPECT_NE(FindExample(read.stats, kRejectInvalidNumber, 5), nullptr) << "4294967296 does not fit an int";
    EXPECT_NE(FindExample(read.stats, kRejectInvalidBool, 8), nullptr);
}

TEST(IngestJson, TruncatedFirstLineKeepsLineFraming) {
    TempDir dir;
    const std::string good = "{\"Timestamp\":\"2024-01-01T00:00:01Z\",\"DeviceName\":\"ok\",\"RemotePort\":1}\n";
    // The first line ends inside a string in one case and between values in the other.
    for (const std::string first : {"{\"Timestamp\":\"2024-01-01T00:00:00Z\",\"DeviceName\":\"oops}",
                                    "{\"Timestamp\":\"2024-01-01T00:00:00Z\",\"DeviceName\":"}) {
        const ReadOutcome read = ReadAll({dir.Write("cut.jsonl", first + "\n" + good + good + good)});
        ASSERT_TRUE(read.status.ok()) << read.status.message();
        EXPECT_FALSE(read.probe.inputs[0].json_multiline) << first;
        ASSERT_EQ(read.row_count(), 3u) << first;
        EXPECT_EQ(read.Text(2, "DeviceName"), "ok");
        EXPECT_EQ(read.stats.rejected(), 1u) << first;
        EXPECT_NE(FindExample(read.stats, kRejectInvalidJson, 1), nullptr) << first;
    }
}

TEST(IngestJson, PrettyRecordsWithOneLineElements) {
    TempDir dir;
    // Whole objects on their own lines inside a document are array elements, not documents.
    const std::string document = "{\"records\": [\n{\"category\": \"AdvancedHunting-DeviceNetworkEvents\", "
                                 "\"properties\": {\"RemotePort\": 1}},\n"
                                 "{\"category\": \"AdvancedHunting-DeviceNetworkEvents\", "
                                 "\"properties\": {\"RemotePort\": 2}}\n]}\n";
    const ReadOutcome read = ReadAll({dir.Write("records.json", document)});
    ASSERT_TRUE(read.status.ok()) << read.status.message();
    EXPECT_TRUE(read.probe.inputs[0].json_multiline);
    ASSERT_EQ(read.row_count(), 2u);
    EXPECT_EQ(read.At(1, "RemotePort").integer, 2);
    EXPECT_EQ(read.stats.rejected(), 0u);
}

TEST(IngestJson, OtherTablesAreSkippedAndCounted) {
    TempDir dir;
    const std::string event_hub =
        "{\"records\":["
        "{\"category\":\"AdvancedHunting-DeviceNetworkEvents\",\"properties\":{\"DeviceName\":\"net\",\"RemotePort\":1}},"
        "{\"category\":\"AdvancedHunting-DeviceProcessEvents\",\"properties\":{\"DeviceName\":\"proc\","
        "\"ProcessId\":7}}]}\n";
    const std::string sentinel = "{\"Type\":\"DeviceNetworkEvents\",\"DeviceName\":\"net2\",\"RemotePort\":2}\n"
                                 "{\"Type\":\"DeviceFileEvents\",\"DeviceName\":\"file\",\"FileName\":\"a.exe\"}\n";
    for (bool strict : {false, true}) {
        ReadOptions options;
        options.strict = strict;
        const ReadOutcome read =
            ReadAll({dir.Write("hub.json", event_hub), dir.Write("sentinel.jsonl", sentinel)}, options);
        ASSERT_TRUE(read.status.ok()) << "a row of another table is no error, also in strict mode";
        ASSERT_EQ(read.row_count(), 2u);
        EXPECT_EQ(read.Text(0, "DeviceName"), "net");
        EXPECT_EQ(read.Text(1, "DeviceName"), "net2");
        EXPECT_EQ(FindField(read.probe.schema, "ProcessId"), -1) << "keys of other tables are no columns";
        EXPECT_EQ(FindField(read.probe.schema, "FileName"), -1);
        EXPECT_EQ(read.stats.rejected_by_reason.at(kRejectOtherTable), 2u);
        const RejectExample* process = FindExample(read.stats, kRejectOtherTable, 1);
        ASSERT_NE(process, nullptr);
        EXPECT_EQ(process->value, "AdvancedHunting-DeviceProcessEvents");
        const RejectExample* file = FindExample(read.stats, kRejectOtherTable, 2);
        ASSERT_NE(file, nullptr);
        EXPECT_EQ(file->value, "DeviceFileEvents");
        EXPECT_NE(file->hint.find("DeviceFileEvents table"), std::string::npos) << file->hint;
    }
}

TEST(IngestJson, StrictModeMessage) {
    ReadOptions options;
    options.strict = true;
    const ReadOutcome read = ReadAll({kDataDir + "bad_rows.jsonl"}, options);
    ASSERT_FALSE(read.status.ok());
    EXPECT_EQ(read.status.kind(), ErrorKind::kInvalidInput);
    EXPECT_NE(read.status.message().find("bad_rows.jsonl:2: invalid JSON"), std::string::npos) << read.status.message();
}

TEST(IngestJson, RecordTooLarge) {
    TempDir dir;
    const std::string big = "{\"DeviceName\":\"" + std::string(3000, 'z') + "\"}\n";
    const std::string path = dir.Write("big.jsonl", "{\"DeviceName\":\"a\"}\n" + big + "{\"DeviceName\":\"b\"}\n");
    for (size_t block_bytes : {size_t{64}, size_t{1} << 20}) {
        ReadOptions options;
        options.max_record_bytes = kMinRecordBytes;
        options.block_bytes = block_bytes;
        const ReadOutcome read = ReadAll({path}, options);
        ASSERT_TRUE(read.status.ok()) << read.status.message();
        ASSERT_EQ(read.row_count(), 2u) << "block_bytes " << block_bytes;
        EXPECT_EQ(read.Text(1, "DeviceName"), "b");
        EXPECT_NE(FindExample(read.stats, kRejectRecordTooLarge, 2), nullptr) << "block_bytes " << block_bytes;
    }
}

TEST(IngestJson, GzipAndBom) {
    TempDir dir;
    const std::string content = "\xEF\xBB\xBF" + ReadBytes(kDataDir + "api_rows.jsonl");
    const ReadOutcome plain = ReadAll({kDataDir + "api_rows.jsonl"});
    const ReadOutcome gzip = ReadAll({dir.WriteGzip("rows.json.gz", content)});
    ASSERT_TRUE(gzip.status.ok()) << gzip.status.message();
    EXPECT_TRUE(gzip.probe.inputs[0].gzip);
    EXPECT_EQ(gzip.probe.inputs[0].format, Format::kJsonLines);
    EXPECT_EQ(AllCells(gzip), AllCells(plain));
}

std::string ManyJsonRows(int count, bool as_array) {
    // The array form starts with a byte order mark and whitespace before its `[`.
    std::string content = as_array ? "\xEF\xBB\xBF \r\n [\n" : "";
    for (int i = 0; i < count; ++i) {
        content += "{\"Timestamp\":\"2024-01-01T00:00:" + std::to_string(10 + i % 50) + "Z\",\"DeviceName\":\"h\\\"" +
                   std::to_string(i) + "\",\"RemotePort\":" + std::to_string(i % 65536) +
                   ",\"AdditionalFields\":{\"i\":" + std::to_string(i) + ",\"s\":\"}]\"}}";
        if (!as_array) {
            content += "\n";
        } else if (i + 1 < count) {
            content += ",\n";
        } else {
            content += "\n]\n";
        }
    }
    return content;
}

TEST(IngestJsonBlocks, EveryBlockSizeGivesSameRows) {
    TempDir dir;
    for (bool as_array : {false, true}) {
        const std::string content = ManyJsonRows(6, as_array);
        const std::string path = dir.Write(as_array ? "rows.json" : "rows.jsonl", content);
        const ReadOutcome reference = ReadAll({path});
        ASSERT_EQ(reference.row_count(), 6u);
        EXPECT_EQ(reference.Text(5, "AdditionalFields"), "{\"i\":5,\"s\":\"}]\"}");
        const std::vector<std::vector<std::string>> expected = AllCells(reference);
        for (size_t block_bytes = 1; block_bytes <= content.size() + 1; block_bytes += 3) {
            ReadOptions options;
            options.block_bytes = block_bytes;
            options.threads = 2;
            const ReadOutcome read = ReadAll({path}, options);
            ASSERT_TRUE(read.status.ok()) << read.status.message();
            EXPECT_EQ(AllCells(read), expected) << "array " << as_array << " block_bytes " << block_bytes;
            EXPECT_EQ(read.stats.rejected(), 0u) << "array " << as_array << " block_bytes " << block_bytes;
        }
    }
}

TEST(IngestJsonThreads, ParallelEqualsSingleThread) {
    TempDir dir;
    for (bool as_array : {false, true}) {
        const std::string path = dir.Write(as_array ? "many.json" : "many.jsonl", ManyJsonRows(4000, as_array));
        ReadOptions single;
        single.threads = 1;
        const ReadOutcome reference = ReadAll({path}, single);
        ASSERT_EQ(reference.row_count(), 4000u);
        ReadOptions parallel;
        parallel.threads = 4;
        parallel.block_bytes = 1500;
        const ReadOutcome read = ReadAll({path}, parallel);
        ASSERT_TRUE(read.status.ok()) << read.status.message();
        EXPECT_GT(read.chunks.size(), 1u);
        EXPECT_EQ(AllCells(read), AllCells(reference)) << "array " << as_array;
    }
}

}  // namespace
}  // namespace unmask::ingest
