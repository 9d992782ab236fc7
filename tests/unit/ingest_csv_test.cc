// Tests of the CSV side of src/ingest: schema, format detection, the CSV fast path, rejects,
// gzip, block boundaries and threads. The last tests read two real Defender exports from the
// corpus folder next to the repository and skip when it is absent.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "ingest/defender_schema.h"
#include "ingest/reader.h"
#include "table/datetime.h"
#include "table/value.h"

namespace unmask::ingest {
namespace {

namespace fs = std::filesystem;

const std::string kDataDir = std::string(UNMASK_SOURCE_DIR) + "/tests/data/ingest/";
const std::string kCorpusDir = std::string(UNMASK_SOURCE_DIR) + "/../shared/corpus/";

// A fresh directory under the system temp dir, removed with its files at the end of the test.
class TempDir {
public:
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "unmask-ingest-XXXXXX").string();
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
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

std::string ReadBytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

class CollectingSink : public ChunkSink {
public:
    Status Consume(Chunk chunk, int worker) override {
        std::lock_guard lock(mutex_);
        workers.insert(worker);
        chunks.push_back(std::move(chunk));
        return Status::Ok();
    }
    std::vector<Chunk> chunks;
    std::set<int> workers;

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
    // The cell as Kusto's CSV export writes it ("" for null).
    std::string Text(size_t row, const std::string& name) const {
        return FormatCell(ColumnOf(row, name), rows[row].second);
    }
    bool IsNull(size_t row, const std::string& name) const { return ColumnOf(row, name).IsNull(rows[row].second); }
};

// Probes and reads `paths`; `columns` empty means every column of the probe schema.
ReadOutcome ReadAll(const std::vector<std::string>& paths, ReadOptions options = {},
                    const std::vector<std::string>& columns = {}) {
    ReadOutcome outcome;
    Result<ProbeResult> probe = ProbeInputs(paths, options);
    if (!probe.ok()) {
        outcome.status = probe.status();
        return outcome;
    }
    outcome.probe = std::move(probe).value();
    if (columns.empty()) {
        outcome.output = outcome.probe.schema;
    } else {
        for (const std::string& name : columns) {
            const int index = FindField(outcome.probe.schema, name);
            EXPECT_GE(index, 0) << "column " << name << " is not in the probe schema";
            if (index >= 0) {
                outcome.output.push_back(outcome.probe.schema[static_cast<size_t>(index)]);
            }
        }
    }
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

// Every cell of every row, as text, for comparing two reads.
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

int64_t Ticks(int year, int month, int day, int hour, int minute, int second, int64_t fraction = 0) {
    CivilTime civil;
    civil.year = year;
    civil.month = month;
    civil.day = day;
    civil.hour = hour;
    civil.minute = minute;
    civil.second = second;
    civil.fraction_ticks = fraction;
    return TicksFromCivil(civil);
}

const RejectExample* FindExample(const ReadStats& stats, const std::string& reason, uint64_t line) {
    for (const RejectExample& example : stats.examples) {
        if (example.reason == reason && example.line == line) {
            return &example;
        }
    }
    return nullptr;
}

// ---------------------------------------------------------------------------------------------
// Schema

TEST(IngestSchema, DeviceNetworkEventsColumns) {
    const Schema& schema = DeviceNetworkEventsSchema();
    ASSERT_EQ(schema.size(), 53u);
    EXPECT_EQ(schema[0].name, "Timestamp");
    EXPECT_EQ(schema[0].type, Type::kDateTime);
    EXPECT_EQ(schema[5].name, "RemotePort");
    EXPECT_EQ(schema[5].type, Type::kInt);
    EXPECT_EQ(schema[39].name, "AdditionalFields");
    EXPECT_EQ(schema[39].type, Type::kString);
    EXPECT_EQ(schema[45].name, "LogonID");
    EXPECT_EQ(schema[45].type, Type::kLong);
    EXPECT_EQ(schema[46].name, "TenantId");
    EXPECT_EQ(schema[47].name, "TimeGenerated");
    EXPECT_EQ(schema[47].type, Type::kDateTime);
    EXPECT_EQ(schema[50].name, "MachineGroup");
    EXPECT_EQ(schema[51].name, "SentBytes");
    EXPECT_EQ(schema[52].name, "ReceivedBytes");
    EXPECT_EQ(schema[52].type, Type::kLong);
}

TEST(IngestSchema, KnownColumnTypes) {
    EXPECT_EQ(KnownColumnType("LocalPort"), Type::kInt);
    EXPECT_EQ(KnownColumnType("InitiatingProcessId"), Type::kLong);
    EXPECT_EQ(KnownColumnType("ReportId"), Type::kLong);
    EXPECT_EQ(KnownColumnType("InitiatingProcessFileSize"), Type::kLong);
    EXPECT_EQ(KnownColumnType("InitiatingProcessParentId"), Type::kLong);
    EXPECT_EQ(KnownColumnType("InitiatingProcessSessionId"), Type::kLong);
    EXPECT_EQ(KnownColumnType("InitiatingProcessCreationTime"), Type::kDateTime);
    EXPECT_EQ(KnownColumnType("InitiatingProcessParentCreationTime"), Type::kDateTime);
    EXPECT_EQ(KnownColumnType("IsInitiatingProcessRemoteSession"), Type::kBool);
    EXPECT_EQ(KnownColumnType("DeviceName"), Type::kString);
    EXPECT_EQ(KnownColumnType("Unknown"), std::nullopt);
    EXPECT_EQ(KnownColumnType("timestamp"), std::nullopt) << "names are case-sensitive as in Kusto";
}

TEST(IngestSchema, TypeSuffixedUnionColumns) {
    EXPECT_EQ(KnownColumnType("ReportId_long"), Type::kLong);
    EXPECT_EQ(KnownColumnType("ReportId_string"), Type::kString);
    EXPECT_EQ(KnownColumnType("X_datetime"), Type::kDateTime);
    EXPECT_EQ(KnownColumnType("X_int"), Type::kInt);
    EXPECT_EQ(KnownColumnType("X_real"), Type::kReal);
    EXPECT_EQ(KnownColumnType("X_bool"), Type::kBool);
    EXPECT_EQ(KnownColumnType("X_dynamic"), Type::kDynamic);
    EXPECT_EQ(KnownColumnType("X_timespan"), Type::kTimeSpan);
    EXPECT_EQ(KnownColumnType("_long"), std::nullopt) << "a suffix alone is not a union column";
}

TEST(IngestSchema, ExtensionColumns) {
    EXPECT_TRUE(IsExtensionColumn("SentBytes"));
    EXPECT_TRUE(IsExtensionColumn("ReceivedBytes"));
    EXPECT_FALSE(IsExtensionColumn("RemotePort"));
}

// ---------------------------------------------------------------------------------------------
// Reading CSV

TEST(IngestCsv, QuotingCrlfAndBom) {
    const ReadOutcome read = ReadAll({kDataDir + "quoting_crlf.csv"});
    ASSERT_TRUE(read.status.ok()) << read.status.message();
    ASSERT_EQ(read.probe.inputs.size(), 1u);
    EXPECT_EQ(read.probe.inputs[0].format, Format::kDefenderCsv);
    EXPECT_EQ(read.probe.schema[0].name, "Timestamp") << "the BOM must not stick to the first column name";
    ASSERT_EQ(read.row_count(), 3u);
    EXPECT_EQ(read.Text(0, "RemoteUrl"), "https://a.example/x,y");
    EXPECT_EQ(read.Text(0, "InitiatingProcessCommandLine"), "\"C:\\Windows\\system32\\svchost.exe\" -k netsvcs");
    EXPECT_EQ(read.Text(0, "AdditionalFields"), "{\"host\":\"a.example\",\"uri\":\"/x\"}");
    EXPECT_EQ(read.At(0, "RemotePort").integer, 443);
    EXPECT_EQ(read.Text(1, "InitiatingProcessCommandLine"), "line one\r\nline two");
    EXPECT_EQ(read.Text(1, "AdditionalFields"), "{}");
    EXPECT_TRUE(read.IsNull(1, "RemotePort"));
    EXPECT_EQ(read.Text(2, "DeviceName"), "") << "a quoted empty string";
    EXPECT_EQ(read.Text(2, "InitiatingProcessCommandLine"), "");
    EXPECT_EQ(read.At(2, "RemotePort").integer, 80) << "the last record has no line end";
    EXPECT_EQ(read.stats.rejected(), 0u);
}

TEST(IngestCsv, LfAndCrlfGiveSameRows) {
    TempDir dir;
    const std::string lf =
        "Timestamp,DeviceName,RemotePort\n2024-01-01T00:00:00Z,a,1\n2024-01-01T00:00:01Z,\"b\nc\",2\n";
    std::string crlf;
    for (char c : lf) {
        crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
    }
    const ReadOutcome from_lf = ReadAll({dir.Write("lf.csv", lf)});
    const ReadOutcome from_crlf = ReadAll({dir.Write("crlf.csv", crlf)});
    ASSERT_EQ(from_lf.row_count(), 2u);
    ASSERT_EQ(from_crlf.row_count(), 2u);
    EXPECT_EQ(from_lf.Text(1, "DeviceName"), "b\nc");
    EXPECT_EQ(from_crlf.Text(1, "DeviceName"), "b\r\nc") << "a quoted line end is kept as it is";
    EXPECT_EQ(from_crlf.At(1, "RemotePort").integer, 2) << "the CR before LF is not part of the last field";
    EXPECT_EQ(from_crlf.Text(0, "DeviceName"), "a");
}

TEST(IngestCsv, FractionDigitsKeepTicks) {
    const ReadOutcome read = ReadAll({kDataDir + "fractions.csv"});
    ASSERT_TRUE(read.status.ok()) << read.status.message();
    const std::vector<int64_t> expected = {
        Ticks(2023, 12, 21, 19, 4, 59, 0),
        Ticks(2023, 12, 21, 19, 4, 59, 1000000),
        Ticks(2023, 12, 21, 19, 4, 59, 1200000),
        Ticks(2023, 12, 21, 19, 4, 59, 1230000),
        Ticks(2023, 12, 21, 19, 4, 59, 1234000),
        Ticks(2023, 12, 21, 19, 4, 59, 1234500),
        Ticks(2023, 12, 21, 19, 4, 59, 1234560),
        Ticks(2023, 12, 21, 19, 4, 59, 1234567),
        Ticks(2023, 12, 21, 19, 4, 59, 109752),
        Ticks(2024, 2, 29, 23, 59, 59, 9999999),
        Ticks(1, 1, 1, 0, 0, 0, 0),
        Ticks(9999, 12, 31, 23, 59, 59, 9999999),
    };
    ASSERT_EQ(read.row_count(), expected.size());
    for (size_t row = 0; row < expected.size(); ++row) {
        EXPECT_EQ(read.At(row, "Timestamp").integer, expected[row]) << "row " << row;
    }
    EXPECT_EQ(read.stats.min_timestamp, Ticks(1, 1, 1, 0, 0, 0));
    EXPECT_EQ(read.stats.max_timestamp, Ticks(9999, 12, 31, 23, 59, 59, 9999999));
}

TEST(IngestCsv, OtherDateTimeFormsUseGeneralParser) {
    TempDir dir;
    const std::vector<std::string> texts = {"2023-12-21 19:04:59", "2023-12-21T19:04:59.12345678Z",
                                            "2023-12-21T21:04:59+02:00", "2023-12-21"};
    std::string content = "Timestamp\n";
    for (const std::string& text : texts) {
        content += text + "\n";
    }
    const ReadOutcome read = ReadAll({dir.Write("forms.csv", content)});
    ASSERT_EQ(read.row_count(), texts.size());
    for (size_t row = 0; row < texts.size(); ++row) {
        EXPECT_EQ(read.At(row, "Timestamp").integer, ParseDateTime(texts[row]).value()) << texts[row];
    }
}

TEST(IngestCsv, EmptyFieldIsNullOrEmptyString) {
    TempDir dir;
    const std::string path = dir.Write(
        "empty.csv",
        "Timestamp,DeviceName,RemotePort,ReportId,IsInitiatingProcessRemoteSession,X_real,X_dynamic,X_timespan\n"
        ",,,,,,,\n"
        "\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\"\n"
        "2024-01-01T00:00:00Z,d,5,6,true,1.5,\"{\"\"a\"\":1}\",01:00:00\n");
    const ReadOutcome read = ReadAll({path});
    ASSERT_EQ(read.row_count(), 3u);
    for (size_t row = 0; row < 2; ++row) {
        EXPECT_TRUE(read.IsNull(row, "Timestamp"));
        EXPECT_FALSE(read.IsNull(row, "DeviceName")) << "strings are never null";
        EXPECT_EQ(read.Text(row, "DeviceName"), "");
        EXPECT_TRUE(read.IsNull(row, "RemotePort"));
        EXPECT_TRUE(read.IsNull(row, "ReportId"));
        EXPECT_TRUE(read.IsNull(row, "IsInitiatingProcessRemoteSession"));
        EXPECT_TRUE(read.IsNull(row, "X_real"));
        EXPECT_TRUE(read.IsNull(row, "X_dynamic"));
        EXPECT_TRUE(read.IsNull(row, "X_timespan"));
    }
    EXPECT_EQ(read.At(2, "IsInitiatingProcessRemoteSession").integer, 1);
    EXPECT_DOUBLE_EQ(read.At(2, "X_real").real, 1.5);
    EXPECT_EQ(read.Text(2, "X_dynamic"), "{\"a\":1}");
    EXPECT_EQ(read.At(2, "X_timespan").integer, kTicksPerHour);
}

TEST(IngestCsv, SuffixedAndUnknownColumns) {
    const ReadOutcome read = ReadAll({kDataDir + "union_suffixes.csv"});
    ASSERT_TRUE(read.status.ok()) << read.status.message();
    ASSERT_EQ(read.probe.schema.size(), 5u);
    EXPECT_EQ(read.probe.schema[0].type, Type::kLong);
    EXPECT_EQ(read.probe.schema[1].type, Type::kString);
    EXPECT_EQ(read.probe.schema[3].name, "ExtraColumn");
    EXPECT_EQ(read.probe.schema[3].type, Type::kString) << "unknown CSV columns are strings";
    EXPECT_EQ(read.probe.schema[4].type, Type::kString) << "RemotePort_string takes its suffix's type";
    ASSERT_EQ(read.row_count(), 2u);
    EXPECT_EQ(read.At(0, "ReportId_long").integer, 34868);
    EXPECT_TRUE(read.IsNull(1, "ReportId_long"));
    EXPECT_EQ(read.Text(1, "ReportId_string"), "abc-17");
    EXPECT_EQ(read.Text(0, "ExtraColumn"), "extra-1");
    EXPECT_EQ(read.Text(1, "RemotePort_string"), "https");
}

TEST(IngestCsv, FilesWithDifferentColumnOrder) {
    TempDir dir;
    const std::string first = dir.Write("a.csv", "Timestamp,DeviceName,RemotePort\n2024-01-01T00:00:00Z,a,1\n");
    const std::string second = dir.Write("b.csv", "RemotePort,Extra,DeviceName\n2,x,b\n3,y,c\n");
    const ReadOutcome read = ReadAll({first, second});
    ASSERT_TRUE(read.status.ok()) << read.status.message();
    ASSERT_EQ(read.probe.schema.size(), 4u);
    EXPECT_EQ(read.probe.schema[3].name, "Extra");
    ASSERT_EQ(read.row_count(), 3u);
    EXPECT_EQ(read.Text(0, "DeviceName"), "a");
    EXPECT_EQ(read.Text(1, "DeviceName"), "b");
    EXPECT_EQ(read.At(2, "RemotePort").integer, 3);
    EXPECT_TRUE(read.IsNull(1, "Timestamp")) << "a column the file lacks is null";
    EXPECT_EQ(read.Text(0, "Extra"), "") << "a missing string column is empty";
    EXPECT_EQ(read.Text(2, "Extra"), "y");
    EXPECT_EQ(read.stats.files, 2u);
}

TEST(IngestCsv, RequestedColumnsInAnyOrder) {
    TempDir dir;
    const std::string path = dir.Write("a.csv", "Timestamp,DeviceName,RemotePort\n2024-01-01T00:00:00Z,a,1\n");
    const ReadOutcome read = ReadAll({path}, {}, {"RemotePort", "DeviceName"});
    ASSERT_EQ(read.output.size(), 2u);
    ASSERT_EQ(read.chunks.size(), 1u);
    ASSERT_EQ(read.chunks[0].columns.size(), 2u);
    EXPECT_EQ(read.chunks[0].columns[0].type, Type::kInt);
    EXPECT_EQ(read.At(0, "RemotePort").integer, 1);
    EXPECT_EQ(read.Text(0, "DeviceName"), "a");
    EXPECT_EQ(read.stats.max_timestamp, Ticks(2024, 1, 1, 0, 0, 0)) << "time statistics need no requested column";
}

TEST(IngestCsv, StringsPointIntoOwnedBuffers) {
    TempDir dir;
    const std::string path = dir.Write("a.csv", "DeviceName,RemoteUrl\nhost,\"say \"\"hi\"\"\"\n");
    ReadOutcome read = ReadAll({path});
    ASSERT_EQ(read.row_count(), 1u);
    const Column& plain = read.ColumnOf(0, "DeviceName");
    const Column& unescaped = read.ColumnOf(0, "RemoteUrl");
    EXPECT_FALSE(plain.owners.empty()) << "the block buffer must own the views";
    EXPECT_GE(unescaped.owners.size(), 2u) << "unescaped text lives in an arena owned by the column";
    EXPECT_EQ(read.Text(0, "RemoteUrl"), "say \"hi\"");
}

// ---------------------------------------------------------------------------------------------
// Rejects

TEST(IngestCsvRejects, EveryReasonWithLine) {
    ReadOptions options;
    options.max_record_bytes = kMinRecordBytes;
    options.max_examples_per_reason = 5;
    const ReadOutcome read = ReadAll({kDataDir + "bad_rows.csv"}, options);
    ASSERT_TRUE(read.status.ok()) << read.status.message();
    ASSERT_EQ(read.row_count(), 3u);
    EXPECT_EQ(read.Text(0, "DeviceName"), "good1");
    EXPECT_EQ(read.Text(1, "DeviceName"), "multi\nline");
    EXPECT_EQ(read.Text(1, "AdditionalFields"), "{\"k\":\"v\"}");
    EXPECT_EQ(read.Text(2, "DeviceName"), "good2");
    EXPECT_EQ(read.stats.rows_read, 3u);

    const auto& counts = read.stats.rejected_by_reason;
    EXPECT_EQ(counts.at(kRejectWrongFieldCount), 1u);
    EXPECT_EQ(counts.at(kRejectBadQuoting), 3u);
    EXPECT_EQ(counts.at(kRejectInvalidDateTime), 1u);
    EXPECT_EQ(counts.at(kRejectInvalidNumber), 2u);
    EXPECT_EQ(counts.at(kRejectInvalidBool), 1u);
    EXPECT_EQ(counts.at(kRejectRecordTooLarge), 1u);
    EXPECT_EQ(read.stats.rejected(), 9u);

    const RejectExample* wrong_count = FindExample(read.stats, kRejectWrongFieldCount, 3);
    ASSERT_NE(wrong_count, nullptr);
    EXPECT_EQ(wrong_count->file, kDataDir + "bad_rows.csv");
    EXPECT_EQ(wrong_count->value, "2024-01-01T00:00:01Z,short,443,1,False");
    EXPECT_EQ(wrong_count->hint,
              "expected 6 fields as in the header, found 5; a field with a comma or newline must be quoted");
    EXPECT_NE(FindExample(read.stats, kRejectBadQuoting, 4), nullptr) << "a quote inside an unquoted field";
    EXPECT_NE(FindExample(read.stats, kRejectBadQuoting, 5), nullptr) << "text after a closing quote";
    const RejectExample* unterminated = FindExample(read.stats, kRejectBadQuoting, 14);
    ASSERT_NE(unterminated, nullptr) << "a quote left open at the end of the file";
    EXPECT_NE(unterminated->hint.find("not closed"), std::string::npos);
    const RejectExample* date = FindExample(read.stats, kRejectInvalidDateTime, 6);
    ASSERT_NE(date, nullptr);
    EXPECT_EQ(date->value, "2024-13-01T00:00:00Z");
    EXPECT_NE(date->hint.find("column Timestamp"), std::string::npos);
    const RejectExample* port = FindExample(read.stats, kRejectInvalidNumber, 7);
    ASSERT_NE(port, nullptr);
    EXPECT_EQ(port->value, "99999999999");
    EXPECT_EQ(port->hint, "column RemotePort expects an int (32-bit integer)");
    EXPECT_NE(FindExample(read.stats, kRejectInvalidNumber, 8), nullptr);
    EXPECT_NE(FindExample(read.stats, kRejectInvalidBool, 9), nullptr);
    const RejectExample* large = FindExample(read.stats, kRejectRecordTooLarge, 12);
    ASSERT_NE(large, nullptr);
    EXPECT_LE(large->value.size(), 203u) << "example values are cut to about 200 bytes";
    EXPECT_EQ(read.stats.max_timestamp, Ticks(2024, 1, 1, 0, 0, 9)) << "rejected rows do not count";
}

TEST(IngestCsvRejects, ExamplesKeptPerReason) {
    ReadOptions options;
    options.max_examples_per_reason = 1;
    options.max_record_bytes = kMinRecordBytes;
    const ReadOutcome read = ReadAll({kDataDir + "bad_rows.csv"}, options);
    EXPECT_EQ(read.stats.rejected_by_reason.at(kRejectBadQuoting), 3u);
    size_t bad_quoting_examples = 0;
    for (const RejectExample& example : read.stats.examples) {
        bad_quoting_examples += example.reason == kRejectBadQuoting ? 1 : 0;
    }
    EXPECT_EQ(bad_quoting_examples, 1u);
    EXPECT_NE(FindExample(read.stats, kRejectBadQuoting, 4), nullptr) << "the first example in input order is kept";
}

TEST(IngestCsvRejects, UnrequestedColumnsAreNotChecked) {
    ReadOptions options;
    options.max_record_bytes = kMinRecordBytes;
    const ReadOutcome read = ReadAll({kDataDir + "bad_rows.csv"}, options, {"RemotePort"});
    ASSERT_TRUE(read.status.ok()) << read.status.message();
    // Lines 4, 5, 6, 8 and 9 have bad values only in columns that were not requested.
    EXPECT_EQ(read.row_count(), 8u);
    EXPECT_EQ(read.stats.rejected_by_reason.at(kRejectWrongFieldCount), 1u);
    EXPECT_EQ(read.stats.rejected_by_reason.at(kRejectInvalidNumber), 1u);
    EXPECT_EQ(read.stats.rejected_by_reason.at(kRejectRecordTooLarge), 1u);
    EXPECT_EQ(read.stats.rejected_by_reason.at(kRejectBadQuoting), 1u) << "only the quote left open at the end";
    EXPECT_EQ(read.stats.rejected(), 4u);
}

TEST(IngestCsvRejects, StrictModeNamesLineValueAndHint) {
    ReadOptions options;
    options.strict = true;
    options.max_record_bytes = kMinRecordBytes;
    for (int threads : {1, 3}) {
        options.threads = threads;
        options.block_bytes = 64;
        const ReadOutcome read = ReadAll({kDataDir + "bad_rows.csv"}, options);
        ASSERT_FALSE(read.status.ok());
        EXPECT_EQ(read.status.kind(), ErrorKind::kInvalidInput);
        const std::string& message = read.status.message();
        EXPECT_NE(message.find("bad_rows.csv:3: wrong field count"), std::string::npos) << message;
        EXPECT_NE(message.find("2024-01-01T00:00:01Z,short,443,1,False"), std::string::npos) << message;
        EXPECT_NE(message.find("expected 6 fields as in the header, found 5"), std::string::npos) << message;
    }
}

TEST(IngestCsvRejects, RecordTooLargeAcrossBlocks) {
    TempDir dir;
    const std::string huge(5000, 'y');
    const std::string path =
        dir.Write("large.csv", "DeviceName,RemotePort\nbefore,1\n\"" + huge + "\n" + huge + "\",2\nafter,3\n");
    ReadOptions options;
    options.max_record_bytes = kMinRecordBytes;
    options.block_bytes = 256;
    const ReadOutcome read = ReadAll({path}, options);
    ASSERT_TRUE(read.status.ok()) << read.status.message();
    ASSERT_EQ(read.row_count(), 2u);
    EXPECT_EQ(read.Text(0, "DeviceName"), "before");
    EXPECT_EQ(read.Text(1, "DeviceName"), "after");
    EXPECT_EQ(read.stats.rejected_by_reason.at(kRejectRecordTooLarge), 1u);
    const RejectExample* example = FindExample(read.stats, kRejectRecordTooLarge, 3);
    ASSERT_NE(example, nullptr);
    EXPECT_EQ(example->value.substr(0, 4), "\"yyy");
}

TEST(IngestCsvRejects, UnclosedQuoteStopsAtLimit) {
    TempDir dir;
    std::string content = "DeviceName,RemotePort\nok,1\n\"open,2\n";
    for (int i = 0; i < 200; ++i) {
        content += "row" + std::to_string(i) + ",3\n";
    }
    ReadOptions options;
    options.max_record_bytes = kMinRecordBytes;
    options.block_bytes = 128;
    const ReadOutcome read = ReadAll({dir.Write("open.csv", content)}, options);
    ASSERT_TRUE(read.status.ok()) << read.status.message();
    EXPECT_EQ(read.row_count(), 1u);
    EXPECT_EQ(read.stats.rejected_by_reason.at(kRejectRecordTooLarge), 1u)
        << "a quote that is never closed swallows the rest of the file as one record";
    const RejectExample* example = FindExample(read.stats, kRejectRecordTooLarge, 3);
    ASSERT_NE(example, nullptr);
    EXPECT_NE(example->hint.find("the record spans 201 lines (3 to 203)"), std::string::npos) << example->hint;
}

std::string RowsAfterUnclosedQuote(int good_rows) {
    std::string content = "Timestamp,DeviceName,RemotePort\n2024-01-01T00:00:00Z,\"oops,1\n";
    for (int i = 0; i < good_rows; ++i) {
        content += "2024-01-01T00:00:01Z,host-" + std::to_string(i) + "," + std::to_string(i) + "\n";
    }
    return content;
}

TEST(IngestCsvRejects, UnclosedQuoteResyncsAtNextLine) {
    TempDir dir;
    const std::string path = dir.Write("open.csv", RowsAfterUnclosedQuote(1000));
    for (size_t block_bytes : {size_t{256}, size_t{8} << 20}) {
        ReadOptions options;
        options.block_bytes = block_bytes;
        options.threads = 2;
        const ReadOutcome read = ReadAll({path}, options);
        ASSERT_TRUE(read.status.ok()) << read.status.message();
        ASSERT_EQ(read.row_count(), 1000u) << "block_bytes " << block_bytes;
        EXPECT_EQ(read.Text(0, "DeviceName"), "host-0");
        EXPECT_EQ(read.Text(999, "DeviceName"), "host-999");
        EXPECT_EQ(read.stats.rejected(), 1u) << "block_bytes " << block_bytes;
        const RejectExample* example = FindExample(read.stats, kRejectBadQuoting, 2);
        ASSERT_NE(example, nullptr) << "block_bytes " << block_bytes;
        EXPECT_EQ(example->value, "2024-01-01T00:00:00Z,\"oops,1");
        EXPECT_NE(example->hint.find("unterminated quote from line 2 to the end of the file (1001 lines)"),
                  std::string::npos)
            << example->hint;
    }
}

TEST(IngestCsvRejects, UnclosedQuoteStrictModeNamesLine) {
    TempDir dir;
    ReadOptions options;
    options.strict = true;
    const ReadOutcome read = ReadAll({dir.Write("open.csv", RowsAfterUnclosedQuote(10))}, options);
    ASSERT_FALSE(read.status.ok());
    EXPECT_EQ(read.status.kind(), ErrorKind::kInvalidInput);
    EXPECT_NE(read.status.message().find("open.csv:2: bad quoting"), std::string::npos) << read.status.message();
}

// ---------------------------------------------------------------------------------------------
// Files: empty, missing, globs, gzip

TEST(IngestFiles, EmptyAndHeaderOnly) {
    TempDir dir;
    const std::string empty = dir.Write("empty.csv", "");
    const std::string bom_only = dir.Write("bom.csv", "\xEF\xBB\xBF");
    const std::string header_only = dir.Write("header.csv", "Timestamp,DeviceName\r\n");
    const std::string header_no_newline = dir.Write("header2.csv", "Timestamp,RemotePort");
    const ReadOutcome read = ReadAll({empty, bom_only, header_only, header_no_newline});
    ASSERT_TRUE(read.status.ok()) << read.status.message();
    EXPECT_EQ(read.row_count(), 0u);
    EXPECT_EQ(read.stats.files, 4u);
    EXPECT_EQ(read.stats.rejected(), 0u);
    EXPECT_TRUE(read.probe.inputs[0].columns.empty());
    ASSERT_EQ(read.probe.schema.size(), 3u);
    EXPECT_EQ(read.probe.schema[2].name, "RemotePort");
    EXPECT_FALSE(read.stats.max_timestamp.has_value());
}

TEST(IngestFiles, MissingFileIsIoError) {
    const std::string path = "/nonexistent-unmask-dir/DeviceNetworkEvents.csv";
    const Result<ProbeResult> probe = ProbeInputs({path}, {});
    ASSERT_FALSE(probe.ok());
    EXPECT_EQ(probe.status().kind(), ErrorKind::kIo);
    EXPECT_NE(probe.status().message().find(path), std::string::npos) << probe.status().message();

    const Result<std::vector<std::string>> expanded = ExpandInputs({path});
    ASSERT_FALSE(expanded.ok());
    EXPECT_EQ(expanded.status().kind(), ErrorKind::kIo);
    EXPECT_NE(expanded.status().message().find(path), std::string::npos);
}

TEST(IngestFiles, ExpandGlobsAndDirectories) {
    TempDir dir;
    dir.Write("b.csv", "x\n");
    dir.Write("a.csv", "x\n");
    dir.Write("c.json", "{}\n");
    dir.Write(".hidden", "x\n");
    fs::create_directory(dir.path() + "/sub");

    const Result<std::vector<std::string>> from_directory = ExpandInputs({dir.path()});
    ASSERT_TRUE(from_directory.ok()) << from_directory.status().message();
    const std::vector<std::string> all = {dir.path() + "/a.csv", dir.path() + "/b.csv", dir.path() + "/c.json"};
    EXPECT_EQ(from_directory.value(), all);

    const Result<std::vector<std::string>> from_glob = ExpandInputs({dir.path() + "/*.csv", dir.path() + "/a.csv"});
    ASSERT_TRUE(from_glob.ok()) << from_glob.status().message();
    const std::vector<std::string> csv_files = {dir.path() + "/a.csv", dir.path() + "/b.csv"};
    EXPECT_EQ(from_glob.value(), csv_files) << "a file matched twice is read once";

    const Result<std::vector<std::string>> no_match = ExpandInputs({dir.path() + "/*.parquet"});
    ASSERT_FALSE(no_match.ok());
    EXPECT_EQ(no_match.status().kind(), ErrorKind::kIo);
    EXPECT_NE(no_match.status().message().find("*.parquet"), std::string::npos);
}

// Zeek archives its logs in one folder per day, so a directory input reads every day in order.
TEST(IngestFiles, DirectoryReadsSubfoldersInOrder) {
    TempDir dir;
    fs::create_directories(dir.path() + "/2026-12-04");
    fs::create_directories(dir.path() + "/2026-12-03");
    fs::create_directories(dir.path() + "/.git/objects");
    dir.Write("2026-12-04/conn.00:00:00-01:00:00.log", "x\n");
    dir.Write("2026-12-03/conn.23:00:00-00:00:00.log", "x\n");
    dir.Write("2026-12-03/.conn.swp", "x\n");
    dir.Write(".git/objects/pack", "x\n");
    dir.Write("top.csv", "x\n");
    // A link back to the top folder must not make the walk endless.
    fs::create_directory_symlink(dir.path(), dir.path() + "/2026-12-04/loop");

    const Result<std::vector<std::string>> expanded = ExpandInputs({dir.path()});
    ASSERT_TRUE(expanded.ok()) << expanded.status().message();
    const std::vector<std::string> expected = {dir.path() + "/2026-12-03/conn.23:00:00-00:00:00.log",
                                               dir.path() + "/2026-12-04/conn.00:00:00-01:00:00.log",
                                               dir.path() + "/top.csv"};
    EXPECT_EQ(expanded.value(), expected);
}

// zeekctl links logs/current to the spool folder of the live hour; its logs are read too.
TEST(IngestFiles, DirectoryFollowsLinkedFolders) {
    TempDir dir;
    fs::create_directories(dir.path() + "/logs/2026-12-04");
    fs::create_directories(dir.path() + "/spool/zeek");
    dir.Write("logs/2026-12-04/conn.00:00:00-01:00:00.log", "x\n");
    dir.Write("spool/zeek/conn.log", "x\n");
    fs::create_directory_symlink("../spool/zeek", dir.path() + "/logs/current");
    // A second link to the same folder does not read its files twice.
    fs::create_directory_symlink("../spool/zeek", dir.path() + "/logs/live");

    const Result<std::vector<std::string>> expanded = ExpandInputs({dir.path() + "/logs"});
    ASSERT_TRUE(expanded.ok()) << expanded.status().message();
    const std::vector<std::string> expected = {dir.path() + "/logs/2026-12-04/conn.00:00:00-01:00:00.log",
                                               dir.path() + "/logs/current/conn.log"};
    EXPECT_EQ(expanded.value(), expected);
}

TEST(IngestFiles, EmptyNestedDirectoryFails) {
    TempDir dir;
    fs::create_directories(dir.path() + "/a/b");
    const Result<std::vector<std::string>> expanded = ExpandInputs({dir.path()});
    ASSERT_FALSE(expanded.ok());
    EXPECT_NE(expanded.status().message().find("contains no files"), std::string::npos)
        << expanded.status().message();
}

TEST(IngestFiles, FifoIsRejectedWithoutHanging) {
    TempDir dir;
    const std::string fifo = dir.path() + "/events.csv";
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);

    const Result<std::vector<std::string>> expanded = ExpandInputs({fifo});
    ASSERT_FALSE(expanded.ok());
    EXPECT_EQ(expanded.status().kind(), ErrorKind::kIo);
    EXPECT_NE(expanded.status().message().find(fifo), std::string::npos) << expanded.status().message();
    EXPECT_NE(expanded.status().message().find("save the stream to a file first"), std::string::npos)
        << expanded.status().message();

    // ProbeInputs checks the type before open(2), which would wait for a writer.
    const Result<ProbeResult> probe = ProbeInputs({fifo}, {});
    ASSERT_FALSE(probe.ok());
    EXPECT_EQ(probe.status().kind(), ErrorKind::kIo);
    EXPECT_NE(probe.status().message().find("pipe or FIFO"), std::string::npos) << probe.status().message();
}

TEST(IngestFiles, PipeLikeStdinIsRejected) {
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    // /dev/stdin of `cat events.csv | unmask ...` is a link to such a path.
    const std::string path = "/proc/self/fd/" + std::to_string(fds[0]);
    const Result<std::vector<std::string>> expanded = ExpandInputs({path});
    ::close(fds[0]);
    ::close(fds[1]);
    ASSERT_FALSE(expanded.ok());
    EXPECT_EQ(expanded.status().kind(), ErrorKind::kIo);
    EXPECT_NE(expanded.status().message().find(path), std::string::npos) << expanded.status().message();
    EXPECT_NE(expanded.status().message().find("save the stream to a file first"), std::string::npos)
        << expanded.status().message();
}

struct NonExportCase {
    std::string name;
    std::string content;
    std::string expected;  // part of the error message
};

std::vector<NonExportCase> NonExportCases() {
    return {
        {"notes.txt", "hello world\nsecond line\n",
         "no DeviceNetworkEvents column in the header 'hello world'; the first line of a Defender CSV export"},
        {"semicolon.csv", "Timestamp;DeviceName;RemotePort\n2024-01-01T00:00:00Z;a;1\n",
         "no DeviceNetworkEvents column in the header 'Timestamp;DeviceName;RemotePort'; is the delimiter ';'? "
         "unmask reads comma-separated exports"},
        {"tabs.tsv", "Timestamp\tDeviceName\n", "is the delimiter a tab?"},
        {"zeek-cut.log", "1717396077.880167\tCZ6ZVq8vKSYtlwQUa8\t10.10.1.15\t61405\t104.244.42.65\t443\ttcp\n",
         "Zeek log rows without the log's header lines (zeek-cut output)"},
        {"utf16le.csv", std::string("\xFF\xFET\0i\0m\0e\0", 10), "UTF-16 text: convert it to UTF-8"},
        {"utf16be.csv", std::string("\xFE\xFF\0T\0i\0m\0e", 10), "UTF-16 text: convert it to UTF-8"},
        {"nul.bin", std::string("ab\0cd\n", 6), "NUL bytes"},
        {"quote.txt", "He said \"hi\" there\n", "not a valid CSV header"},
    };
}

TEST(IngestFiles, NonExportFileIsRejected) {
    TempDir dir;
    for (const NonExportCase& test : NonExportCases()) {
        const std::string path = dir.Write(test.name, test.content);
        const Result<ProbeResult> probe = ProbeInputs({path}, {});
        ASSERT_FALSE(probe.ok()) << test.name;
        EXPECT_EQ(probe.status().kind(), ErrorKind::kInvalidInput) << test.name;
        const std::string& message = probe.status().message();
        EXPECT_NE(message.find(path + ": not a DeviceNetworkEvents export"), std::string::npos) << message;
        EXPECT_NE(message.find(test.expected), std::string::npos) << message;

        const Result<ProbeResult> named = ExpandAndProbeInputs({path}, {});
        EXPECT_FALSE(named.ok()) << test.name << ": a file named directly is not skipped";
    }
}

TEST(IngestFiles, HeaderWithTimeGeneratedOnlyIsExport) {
    TempDir dir;
    const ReadOutcome read = ReadAll({dir.Write("la.csv", "TimeGenerated,Custom\n2024-01-01T00:00:00Z,x\n")});
    ASSERT_TRUE(read.status.ok()) << read.status.message();
    EXPECT_EQ(read.row_count(), 1u);
}

TEST(IngestFiles, DirectorySkipsNonExports) {
    TempDir dir;
    const std::string events = dir.Write("events.csv", "Timestamp,DeviceName\n2024-01-01T00:00:00Z,a\n");
    std::set<std::string> non_exports;
    for (const NonExportCase& test : NonExportCases()) {
        non_exports.insert(dir.Write(test.name, test.content));
    }

    const Result<ProbeResult> probe = ExpandAndProbeInputs({dir.path()}, {});
    ASSERT_TRUE(probe.ok()) << probe.status().message();
    ASSERT_EQ(probe->inputs.size(), 1u);
    EXPECT_EQ(probe->inputs[0].path, events);
    ASSERT_EQ(probe->skipped_files.size(), non_exports.size());
    for (const SkippedFile& skipped : probe->skipped_files) {
        EXPECT_EQ(non_exports.count(skipped.path), 1u) << skipped.path;
        EXPECT_FALSE(skipped.reason.empty()) << skipped.path;
    }

    CollectingSink sink;
    ReadStats stats;
    const ProbeResult& probed = probe.value();
    ASSERT_TRUE(ReadInputs(probed, probed.schema, {}, sink, stats).ok());
    EXPECT_EQ(stats.rows_read, 1u);
    EXPECT_EQ(stats.files, 1u);
    EXPECT_EQ(stats.skipped_files.size(), non_exports.size()) << "the run summary lists the skipped files";
}

TEST(IngestFiles, DirectoryWithoutExportsFails) {
    TempDir dir;
    const std::string readme = dir.Write("readme.txt", "Exported from the portal on Monday\n");
    const Result<ProbeResult> probe = ExpandAndProbeInputs({dir.path()}, {});
    ASSERT_FALSE(probe.ok());
    EXPECT_EQ(probe.status().kind(), ErrorKind::kInvalidInput);
    EXPECT_NE(probe.status().message().find(readme), std::string::npos) << probe.status().message();
}

TEST(IngestFiles, RecordLimitBelowMinimumFails) {
    TempDir dir;
    const std::string path = dir.Write("events.csv", "Timestamp,DeviceName\n2024-01-01T00:00:00Z,a\n");
    for (size_t limit : {size_t{0}, kMinRecordBytes - 1}) {
        ReadOptions options;
        options.max_record_bytes = limit;
        const Result<ProbeResult> probe = ProbeInputs({path}, options);
        ASSERT_FALSE(probe.ok()) << limit;
        EXPECT_EQ(probe.status().kind(), ErrorKind::kInvalidInput);
        EXPECT_NE(probe.status().message().find("at least " + std::to_string(kMinRecordBytes) + " bytes"),
                  std::string::npos)
            << probe.status().message();
    }
    ReadOptions minimum;
    minimum.max_record_bytes = kMinRecordBytes;
    EXPECT_TRUE(ProbeInputs({path}, minimum).ok());
}

TEST(IngestFiles, GzipMatchesPlain) {
    TempDir dir;
    const std::string content = ReadBytes(kDataDir + "quoting_crlf.csv");
    const std::string gzip_path = dir.WriteGzip("quoting.csv.gz", content);
    const ReadOutcome plain = ReadAll({kDataDir + "quoting_crlf.csv"});
    const ReadOutcome gzip = ReadAll({gzip_path});
    ASSERT_TRUE(gzip.status.ok()) << gzip.status.message();
    EXPECT_TRUE(gzip.probe.inputs[0].gzip);
    EXPECT_EQ(gzip.probe.inputs[0].format, Format::kDefenderCsv);
    EXPECT_EQ(AllCells(gzip), AllCells(plain));
    EXPECT_EQ(gzip.stats.bytes, fs::file_size(gzip_path)) << "bytes counts compressed bytes";
}

TEST(IngestFiles, ConcatenatedGzipMembers) {
    TempDir dir;
    const std::string first = ReadBytes(dir.WriteGzip("1.gz", "DeviceName,RemotePort\na,1\n"));
    const std::string second = ReadBytes(dir.WriteGzip("2.gz", "b,2\n"));
    const ReadOutcome read = ReadAll({dir.Write("both.csv.gz", first + second)});
    ASSERT_TRUE(read.status.ok()) << read.status.message();
    ASSERT_EQ(read.row_count(), 2u);
    EXPECT_EQ(read.Text(1, "DeviceName"), "b");
    EXPECT_EQ(read.stats.rejected(), 0u);
}

std::string ManyRows(int count) {
    std::string content = "Timestamp,DeviceName,RemotePort\n";
    for (int i = 0; i < count; ++i) {
        content +=
            "2024-01-01T00:00:00Z,host-" + std::to_string(i * 7919 % 100003) + "," + std::to_string(i % 65536) + "\n";
    }
    return content;
}

TEST(IngestFiles, TruncatedGzipKeepsRowsBeforeDamage) {
    TempDir dir;
    const std::string compressed = ReadBytes(dir.WriteGzip("full.gz", ManyRows(20000)));
    const std::string path = dir.Write("cut.csv.gz", compressed.substr(0, compressed.size() / 2));
    ReadOptions options;
    options.block_bytes = 4096;
    const ReadOutcome read = ReadAll({path}, options);
    ASSERT_TRUE(read.status.ok()) << read.status.message();
    EXPECT_GT(read.row_count(), 1000u);
    EXPECT_LT(read.row_count(), 20000u);
    EXPECT_EQ(read.stats.rejected(), 1u) << "the cut record is part of the damage, not a separate reject";
    ASSERT_EQ(read.stats.rejected_by_reason.count(kRejectCorruptGzip), 1u);
    ASSERT_EQ(read.stats.examples.size(), 1u);
    EXPECT_EQ(read.stats.examples[0].line, read.row_count() + 2) << "the damage starts after the last full row";
    for (size_t row = 0; row < read.row_count(); ++row) {
        ASSERT_EQ(read.At(row, "RemotePort").integer, static_cast<int64_t>(row % 65536));
    }

    options.strict = true;
    const ReadOutcome strict = ReadAll({path}, options);
    ASSERT_FALSE(strict.status.ok());
    EXPECT_EQ(strict.status.kind(), ErrorKind::kInvalidInput);
    EXPECT_NE(strict.status.message().find("corrupt gzip"), std::string::npos) << strict.status.message();
}

TEST(IngestFiles, CorruptGzipIsReported) {
    TempDir dir;
    std::string compressed = ReadBytes(dir.WriteGzip("full.gz", ManyRows(20000)));
    for (size_t i = compressed.size() / 2; i < compressed.size() / 2 + 64; ++i) {
        compressed[i] = static_cast<char>(compressed[i] ^ 0x5A);
    }
    const ReadOutcome read = ReadAll({dir.Write("bad.csv.gz", compressed)});
    ASSERT_TRUE(read.status.ok()) << read.status.message();
    EXPECT_LT(read.row_count(), 20000u);
    EXPECT_EQ(read.stats.rejected_by_reason.count(kRejectCorruptGzip), 1u);
}

TEST(IngestFiles, GzipTrailingGarbageKeepsLastRow) {
    TempDir dir;
    // No line end after the last row, so the row ends where the gzip stream ends.
    const std::string compressed =
        ReadBytes(dir.WriteGzip("full.gz", "Timestamp,DeviceName\n2024-01-01T00:00:00Z,a\n2024-01-01T00:00:01Z,b"));
    const ReadOutcome read = ReadAll({dir.Write("garbage.csv.gz", compressed + "not gzip at all")});
    ASSERT_TRUE(read.status.ok()) << read.status.message();
    ASSERT_EQ(read.row_count(), 2u);
    EXPECT_EQ(read.Text(1, "DeviceName"), "b");
    EXPECT_EQ(read.stats.rejected_by_reason.count(kRejectCorruptGzip), 1u) << "the trailing bytes may be lost data";
}

TEST(IngestFiles, GzipZeroPaddingIsNotDamage) {
    TempDir dir;
    for (const std::string last_row : {"2024-01-01T00:00:01Z,b\n", "2024-01-01T00:00:01Z,b"}) {
        const std::string compressed =
            ReadBytes(dir.WriteGzip("full.gz", "Timestamp,DeviceName\n2024-01-01T00:00:00Z,a\n" + last_row));
        for (size_t padding : {size_t{1}, size_t{512}, size_t{3} << 20}) {
            const ReadOutcome read = ReadAll({dir.Write("padded.csv.gz", compressed + std::string(padding, '\0'))});
            ASSERT_TRUE(read.status.ok()) << read.status.message();
            ASSERT_EQ(read.row_count(), 2u) << "padding " << padding;
            EXPECT_EQ(read.Text(1, "DeviceName"), "b");
            EXPECT_EQ(read.stats.rejected(), 0u) << "padding " << padding;
        }
        const ReadOutcome nonzero = ReadAll({dir.Write("tail.csv.gz", compressed + std::string(100, '\0') + "x")});
        EXPECT_EQ(nonzero.stats.rejected_by_reason.count(kRejectCorruptGzip), 1u)
            << "a non-zero byte after zero padding is reported";
    }
}

TEST(IngestFiles, FormatFromContentNotName) {
    TempDir dir;
    const std::string csv_named_json = dir.Write("rows.json", "DeviceName\nx\n");
    const std::string json_named_csv = dir.Write("rows.csv", "{\"DeviceName\":\"y\"}\n");
    const ReadOutcome read = ReadAll({csv_named_json, json_named_csv});
    ASSERT_TRUE(read.status.ok()) << read.status.message();
    EXPECT_EQ(read.probe.inputs[0].format, Format::kDefenderCsv);
    EXPECT_EQ(read.probe.inputs[1].format, Format::kJsonLines);
    ASSERT_EQ(read.row_count(), 2u);
    EXPECT_EQ(read.Text(1, "DeviceName"), "y");
}

TEST(IngestFiles, ScanLatestTimestamp) {
    TempDir dir;
    const std::string first =
        dir.Write("a.csv", "Timestamp,DeviceName\n2024-01-01T00:00:00Z,a\n2024-03-01T00:00:00Z,b\n");
    const std::string second = dir.Write("b.csv", "DeviceName,TimeGenerated\nc,2024-05-01T12:00:00.5Z\n");
    const Result<ProbeResult> probe = ProbeInputs({first, second}, {});
    ASSERT_TRUE(probe.ok());
    const Result<std::optional<int64_t>> latest = ScanLatestTimestamp(probe.value(), {});
    ASSERT_TRUE(latest.ok()) << latest.status().message();
    EXPECT_EQ(latest.value(), Ticks(2024, 5, 1, 12, 0, 0, 5000000));

    const std::string no_time = dir.Write("c.csv", "DeviceName\nd\n");
    const Result<ProbeResult> probe_without_time = ProbeInputs({no_time}, {});
    ASSERT_TRUE(probe_without_time.ok());
    const Result<std::optional<int64_t>> none = ScanLatestTimestamp(probe_without_time.value(), {});
    ASSERT_TRUE(none.ok());
    EXPECT_FALSE(none.value().has_value());
}

// ---------------------------------------------------------------------------------------------
// Blocks and threads

TEST(IngestCsvBlocks, EveryBlockSizeGivesSameRows) {
    TempDir dir;
    const std::string content = "Timestamp,DeviceName,AdditionalFields,RemotePort\r\n"
                                "2024-01-01T00:00:00Z,a,\"{\"\"x\"\":1}\",1\r\n"
                                "2024-01-01T00:00:01.1234567Z,\"b\r\n\r\nb\",\"q\"\"\",2\r\n"
                                "2024-01-01T00:00:02Z,\"\n\",,3\n"
                                "2024-01-01T00:00:03Z,\",\",\"\",4";
    const std::string path = dir.Write("blocks.csv", content);
    const ReadOutcome reference = ReadAll({path});
    ASSERT_EQ(reference.row_count(), 4u);
    ASSERT_EQ(reference.Text(1, "DeviceName"), "b\r\n\r\nb");
    const std::vector<std::vector<std::string>> expected = AllCells(reference);
    // A quoted newline sits at every possible block edge for some block size in this range.
    for (size_t block_bytes = 1; block_bytes <= content.size() + 1; ++block_bytes) {
        ReadOptions options;
        options.block_bytes = block_bytes;
        options.threads = 2;
        const ReadOutcome read = ReadAll({path}, options);
        ASSERT_TRUE(read.status.ok()) << read.status.message();
        EXPECT_EQ(AllCells(read), expected) << "block_bytes " << block_bytes;
        EXPECT_EQ(read.stats.rejected(), 0u) << "block_bytes " << block_bytes;
    }
}

TEST(IngestCsvBlocks, TinyBlocksWithByteOrderMark) {
    const std::string path = kDataDir + "quoting_crlf.csv";
    const std::vector<std::vector<std::string>> expected = AllCells(ReadAll({path}));
    ASSERT_EQ(expected.size(), 3u);
    for (size_t block_bytes = 1; block_bytes <= 40; ++block_bytes) {
        ReadOptions options;
        options.block_bytes = block_bytes;
        const ReadOutcome read = ReadAll({path}, options);
        ASSERT_TRUE(read.status.ok()) << read.status.message();
        EXPECT_EQ(AllCells(read), expected) << "block_bytes " << block_bytes;
    }
}

TEST(IngestCsvBlocks, QuotedNewlineAtBlockEdge) {
    TempDir dir;
    const std::string header = "DeviceName,RemotePort\n";
    const std::string first_row = "\"top\nbottom\",1\n";
    const std::string path = dir.Write("edge.csv", header + first_row + "next,2\n");
    ReadOptions options;
    // The first read ends right after the quoted newline, inside the quoted field.
    options.block_bytes = header.size() + 5;
    const ReadOutcome read = ReadAll({path}, options);
    ASSERT_EQ(read.row_count(), 2u);
    EXPECT_EQ(read.Text(0, "DeviceName"), "top\nbottom");
    EXPECT_EQ(read.Text(1, "DeviceName"), "next");
}

// Random rows with every quoting case, for comparing reads with different settings.
std::string RandomCsv(int rows, unsigned seed) {
    std::mt19937 random(seed);
    auto pick = [&](int n) {
        return static_cast<int>(random() % static_cast<unsigned>(n));
    };
    std::string content = "Timestamp,DeviceName,RemotePort,InitiatingProcessCommandLine,ReportId,Unused\n";
    for (int i = 0; i < rows; ++i) {
        content += "2024-02-0" + std::to_string(1 + pick(9)) + "T1" + std::to_string(pick(10)) + ":0" +
                   std::to_string(pick(10)) + ":3" + std::to_string(pick(10));
        content += pick(2) != 0 ? "." + std::to_string(pick(10000000)) + "Z," : "Z,";
        switch (pick(4)) {
        case 0:
            content += "host" + std::to_string(i);
            break;
        case 1:
            content += "\"ho,st\"\"" + std::to_string(i) + "\"";
            break;
        case 2:
            content += "\"multi\nline " + std::to_string(i) + "\"";
            break;
        default:
            break;
        }
        // Appended piece by piece: g++ 12 gives a false -Wrestrict for "literal" + std::string here.
        content += ',';
        if (pick(5) != 0) {
            content += std::to_string(pick(65536));
        }
        content += ',';
        if (pick(3) == 0) {
            content += "\"\"\"cmd.exe\"\" /c echo, hi\"";
        } else {
            content += "cmd";
            content += std::to_string(i);
        }
        content += ',';
        content += std::to_string(static_cast<int64_t>(random()) * 1000003);
        content += ',';
        content += pick(2) != 0 ? "u" : "\"a\r\nb\"";
        content += pick(2) != 0 ? "\r\n" : "\n";
    }
    return content;
}

TEST(IngestCsvThreads, ParallelEqualsSingleThread) {
    TempDir dir;
    const std::string path = dir.Write("random.csv", RandomCsv(5000, 42));
    ReadOptions single;
    single.threads = 1;
    const ReadOutcome reference = ReadAll({path}, single);
    ASSERT_TRUE(reference.status.ok());
    ASSERT_EQ(reference.row_count(), 5000u);
    ASSERT_EQ(reference.stats.rejected(), 0u);
    ASSERT_EQ(reference.chunks.size(), 1u);
    const std::vector<std::vector<std::string>> expected = AllCells(reference);
    for (size_t block_bytes : {997u, 4096u, 65536u}) {
        ReadOptions parallel;
        parallel.threads = 4;
        parallel.block_bytes = block_bytes;
        const ReadOutcome read = ReadAll({path}, parallel);
        ASSERT_TRUE(read.status.ok()) << read.status.message();
        EXPECT_GT(read.chunks.size(), 1u);
        EXPECT_EQ(AllCells(read), expected) << "block_bytes " << block_bytes;
        EXPECT_EQ(read.stats.min_timestamp, reference.stats.min_timestamp);
        EXPECT_EQ(read.stats.max_timestamp, reference.stats.max_timestamp);
    }
}

TEST(IngestCsvThreads, ChunkOrderKeysFollowInput) {
    TempDir dir;
    const std::string path = dir.Write("many.csv", ManyRows(3000));
    ReadOptions options;
    options.threads = 3;
    options.block_bytes = 1000;
    const ReadOutcome read = ReadAll({path}, options);
    ASSERT_EQ(read.row_count(), 3000u);
    for (size_t i = 1; i < read.chunks.size(); ++i) {
        EXPECT_GE(read.chunks[i].first_row, read.chunks[i - 1].first_row + read.chunks[i - 1].rows);
    }
    for (size_t row = 0; row < read.row_count(); ++row) {
        ASSERT_EQ(read.At(row, "RemotePort").integer, static_cast<int64_t>(row % 65536)) << "row " << row;
    }
}

TEST(IngestCsvThreads, SinkErrorStopsRead) {
    class FailingSink : public ChunkSink {
    public:
        Status Consume(Chunk /*chunk*/, int /*worker*/) override {
            return Status(ErrorKind::kLimitExceeded, "memory budget exceeded");
        }
    };
    TempDir dir;
    const std::string path = dir.Write("many.csv", ManyRows(3000));
    ReadOptions options;
    options.block_bytes = 1000;
    Result<ProbeResult> probe = ProbeInputs({path}, options);
    ASSERT_TRUE(probe.ok());
    FailingSink sink;
    ReadStats stats;
    const Status status = ReadInputs(*probe, probe->schema, options, sink, stats);
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.kind(), ErrorKind::kLimitExceeded);
}

// ---------------------------------------------------------------------------------------------
// Real Defender exports, read from outside the repository because their licences differ

bool CorpusFileExists(const std::string& path) {
    return fs::exists(path);
}

TEST(IngestCorpus, PlasoAdvancedHuntingExport) {
    const std::string path = kCorpusDir + "plaso-defender/plaso_advanced_hunting_test.csv";
    if (!CorpusFileExists(path)) {
        GTEST_SKIP() << "corpus file not found: " << path << " (the shared corpus sits next to the repository)";
    }
    const ReadOutcome read = ReadAll({path});
    ASSERT_TRUE(read.status.ok()) << read.status.message();
    EXPECT_EQ(read.row_count(), 129u);
    EXPECT_EQ(read.probe.schema.size(), 96u);
    EXPECT_EQ(read.stats.rejected(), 0u) << (read.stats.examples.empty() ? "" : DescribeReject(read.stats.examples[0]));
    EXPECT_EQ(read.probe.schema[FindField(read.probe.schema, "ReportId_long")].type, Type::kLong);
    EXPECT_EQ(read.probe.schema[FindField(read.probe.schema, "ReportId_string")].type, Type::kString);
    EXPECT_EQ(read.At(0, "Timestamp").integer, Ticks(2023, 12, 21, 19, 4, 59, 109752));
    EXPECT_EQ(read.Text(0, "Timestamp"), "2023-12-21T19:04:59.0109752Z");
    EXPECT_EQ(read.At(0, "ReportId_long").integer, 34868);
    EXPECT_EQ(read.At(0, "InitiatingProcessId").integer, 772);
    EXPECT_TRUE(read.IsNull(0, "RemotePort"));
    const std::string first_fields = read.Text(0, "AdditionalFields");
    EXPECT_TRUE(
        first_fields.starts_with("{\"InitiatingProcess\":{\"TokenElevationType\":\"1\",\"IntegrityLevel\":\"16384\"},"))
        << first_fields;
    EXPECT_EQ(read.stats.min_timestamp, Ticks(2023, 11, 24, 7, 32, 8, 3094061));
    EXPECT_EQ(read.stats.max_timestamp, Ticks(2023, 12, 21, 20, 6, 4, 7266024));

    size_t ssl_rows = 0;
    for (size_t row = 0; row < read.row_count(); ++row) {
        if (read.Text(row, "ActionType") == "SslConnectionInspected" &&
            read.Text(row, "Timestamp") == "2023-12-21T19:59:50.6462766Z") {
            ++ssl_rows;
            EXPECT_EQ(read.At(row, "RemotePort").integer, 443);
            EXPECT_EQ(read.Text(row, "RemoteIP"), "18.158.234.201");
            const std::string fields = read.Text(row, "AdditionalFields");
            EXPECT_TRUE(fields.starts_with("{\"direction\":\"Out\",\"version\":\"TLSv12\",\"curve\":\"secp256r1\","))
                << fields;
            EXPECT_NE(fields.find("\"server_name\":\"match.sharethrough.com\""), std::string::npos);
        }
    }
    EXPECT_EQ(ssl_rows, 1u);
}

TEST(IngestCorpus, PlasoExportThreadsAndTinyBlocks) {
    const std::string path = kCorpusDir + "plaso-defender/plaso_advanced_hunting_test.csv";
    if (!CorpusFileExists(path)) {
        GTEST_SKIP() << "corpus file not found: " << path << " (the shared corpus sits next to the repository)";
    }
    const ReadOutcome reference = ReadAll({path});
    ReadOptions options;
    options.threads = 3;
    options.block_bytes = 777;
    const ReadOutcome read = ReadAll({path}, options);
    ASSERT_TRUE(read.status.ok());
    EXPECT_EQ(AllCells(read), AllCells(reference));
}

TEST(IngestCorpus, DafnebAdvancedHuntingExport) {
    const std::string path = kCorpusDir + "mde-defender-hunting/advanced_hunting_test.csv";
    if (!CorpusFileExists(path)) {
        GTEST_SKIP() << "corpus file not found: " << path << " (the shared corpus sits next to the repository)";
    }
    const ReadOutcome read = ReadAll({path});
    ASSERT_TRUE(read.status.ok()) << read.status.message();
    EXPECT_EQ(read.row_count(), 26u);
    EXPECT_EQ(read.probe.schema.size(), 72u);
    EXPECT_EQ(read.stats.rejected(), 0u) << (read.stats.examples.empty() ? "" : DescribeReject(read.stats.examples[0]));
    EXPECT_EQ(read.Text(0, "Timestamp"), "2023-10-18T14:37:28.2012261Z");
    EXPECT_EQ(read.At(0, "ReportId").integer, 13642);
    EXPECT_EQ(read.Text(0, "AdditionalFields"),
              "{\"Domain\":\"NT AUTHORITY\",\"ScanId\":\"{DE4E9D4E-4ED8-492F-B662-0BE4FAC69741}\","
              "\"ScanParametersIndex\":\"1\",\"ScanTypeIndex\":\"Quick\",\"User\":\"NETWORK SERVICE\"}");
    EXPECT_EQ(read.Text(0, "InitiatingProcessCommandLine"), "\"MsMpEng.exe\"");
    EXPECT_EQ(read.stats.max_timestamp, Ticks(2023, 10, 18, 15, 45, 7, 9862755));
}

}  // namespace
}  // namespace unmask::ingest
