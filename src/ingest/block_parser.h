// Shared parts of the parsing workers: the per-file column mapping, the per-worker state and
// the entry points that turn one block into one chunk.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/status.h"
#include "ingest/block_reader.h"
#include "ingest/reader.h"
#include "ingest/reject_log.h"
#include "table/column.h"

namespace unmask::ingest {

/// Field targets of a CSV layout besides output column indexes.
inline constexpr int32_t kSkipField = -1;      ///< not requested: the field is never converted
inline constexpr int32_t kTimeOnlyField = -2;  ///< the time column, parsed for the statistics only

/// Hash for string keys that also takes string_views, so lookups do not allocate.
struct StringKeyHash {
    using is_transparent = void;
    size_t operator()(std::string_view key) const { return std::hash<std::string_view>()(key); }
};

/// Mapping of one file's records onto the requested output columns.
struct FileLayout {
    uint32_t file_index = 0;  ///< position among the inputs, for ordering rejects
    std::string path;
    Format format = Format::kDefenderCsv;
    Framing framing = Framing::kCsv;
    const Schema* output = nullptr;
    /// Output index of the file's time column (Timestamp, else TimeGenerated) when it is
    /// requested; -1 otherwise.
    int32_t time_output = -1;

    // CSV only.
    size_t field_count = 0;  ///< fields in the header, so in every valid record
    /// Per header field: an output column index, kSkipField or kTimeOnlyField. One extra
    /// kSkipField entry at the end serves records with too many fields.
    std::vector<int32_t> field_targets;
    /// 1 for output columns that this file has (CSV); the others are filled with nulls.
    std::vector<uint8_t> output_present;

    // JSON only.
    std::unordered_map<std::string, int32_t, StringKeyHash, std::equal_to<>> key_targets;
    std::string time_key;  ///< "Timestamp" or "TimeGenerated"; empty when the file has neither
};

struct JsonScratch;

/// State of one parsing worker: its reject log and counters, merged after the read.
class WorkerState {
public:
    WorkerState(int index, const ReadOptions& options);
    ~WorkerState();
    WorkerState(const WorkerState&) = delete;
    WorkerState& operator=(const WorkerState&) = delete;

    int index() const { return index_; }
    const ReadOptions& options() const { return options_; }

    void NoteTime(int64_t ticks) {
        min_time_ = ticks < min_time_ ? ticks : min_time_;
        max_time_ = ticks > max_time_ ? ticks : max_time_;
        has_time_ = true;
    }
    bool has_time() const { return has_time_; }
    int64_t min_time() const { return min_time_; }
    int64_t max_time() const { return max_time_; }

    /// Counts a rejected record of `file` that starts at `line`. Builds the example (calling
    /// `make_hint`) only while examples of the reason are still kept or in strict mode. In
    /// strict mode returns the kInvalidInput error and remembers its position.
    template <typename MakeHint>
    Status Reject(const FileLayout& file, uint64_t line, const char* reason, std::string_view value,
                  MakeHint&& make_hint) {
        rejects.Count(reason);
        if (!rejects.NeedsExample(reason) && !options_.strict) {
            return Status::Ok();
        }
        RejectExample example{file.path, line, reason, CutExampleValue(value), make_hint()};
        if (options_.strict) {
            error_file_index = file.file_index;
            error_line = line;
            return RejectStatus(example);
        }
        rejects.AddExample(file.file_index, std::move(example));
        return Status::Ok();
    }

    /// Counts a valid record that is not read (a row of another table) under `reason` and
    /// keeps an example like Reject, but never fails, also in strict mode.
    template <typename MakeHint>
    void Skip(const FileLayout& file, uint64_t line, const char* reason, std::string_view value,
              MakeHint&& make_hint) {
        rejects.Count(reason);
        if (rejects.NeedsExample(reason)) {
            rejects.AddExample(file.file_index,
                               RejectExample{file.path, line, reason, CutExampleValue(value), make_hint()});
        }
    }

    JsonScratch& json();

    RejectLog rejects;
    uint64_t rows_read = 0;
    /// Input position of the strict-mode error returned by Reject.
    uint32_t error_file_index = 0;
    uint64_t error_line = 0;

private:
    int index_;
    const ReadOptions& options_;
    int64_t min_time_ = std::numeric_limits<int64_t>::max();
    int64_t max_time_ = std::numeric_limits<int64_t>::min();
    bool has_time_ = false;
    std::unique_ptr<JsonScratch> json_;
};

/// Creates the output columns of a chunk, typed as `output`.
Chunk MakeChunk(const Schema& output);

/// Shrinks a column to its first `rows` rows (drops a rejected record's partial values).
void TruncateColumn(Column& column, size_t rows);

/// Appends `count` nulls ("" for strings) to a column.
void AppendNulls(Column& column, size_t count);

/// Parses the CSV records of `block` into `chunk` (created by MakeChunk). Malformed records are
/// rejected through `state`; the returned error is a strict-mode reject.
Status ParseCsvBlock(const FileLayout& file, const Block& block, WorkerState& state, Chunk& chunk);

/// Parses the JSON documents of `block` into `chunk`, like ParseCsvBlock.
Status ParseJsonBlock(const FileLayout& file, const Block& block, WorkerState& state, Chunk& chunk);

}  // namespace unmask::ingest
