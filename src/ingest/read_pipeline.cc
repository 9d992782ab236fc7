// ReadInputs: one reader thread (the caller's) splits each file into blocks of complete
// records and a fixed pool of workers parses them into chunks. The work queue is bounded, so
// at most about 2 * threads + 2 blocks are in flight whatever the file size. Blocks that a
// sink keeps alive through string columns come on top of that.
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <limits>
#include <mutex>
#include <thread>
#include <tuple>

#include "ingest/block_parser.h"
#include "ingest/csv/csv_header.h"
#include "ingest/format_detect.h"
#include "ingest/input_file.h"
#include "ingest/reader.h"
#include "ingest/sensor/sensor_read.h"

namespace unmask::ingest {

namespace {

// Chunk order keys: block index in the high bits, so rows of a block (fewer than 2^32) follow
// each other and blocks follow input order across all files.
constexpr int kBlockIndexShift = 32;

struct WorkItem {
    std::shared_ptr<const FileLayout> file;
    Block block;
    uint64_t block_index = 0;
};

class WorkQueue {
public:
    explicit WorkQueue(size_t capacity) : capacity_(capacity) {}

    // Blocks while the queue is full. Returns false when the read was stopped.
    bool Push(WorkItem item) {
        std::unique_lock lock(mutex_);
        not_full_.wait(lock, [&] { return items_.size() < capacity_ || stopped_; });
        if (stopped_) {
            return false;
        }
        items_.push_back(std::move(item));
        not_empty_.notify_one();
        return true;
    }

    // Blocks until an item arrives; nullopt once the queue is closed and drained or stopped.
    std::optional<WorkItem> Pop() {
        std::unique_lock lock(mutex_);
        not_empty_.wait(lock, [&] { return !items_.empty() || closed_ || stopped_; });
        if (stopped_ || items_.empty()) {
            return std::nullopt;
        }
        WorkItem item = std::move(items_.front());
        items_.pop_front();
        not_full_.notify_one();
        return item;
    }

    // No more items will be pushed.
    void Close() {
        std::lock_guard lock(mutex_);
        closed_ = true;
        not_empty_.notify_all();
    }

    // Drops the queued items and wakes every waiting thread, so no further block is taken.
    void Stop() {
        std::lock_guard lock(mutex_);
        stopped_ = true;
        items_.clear();
        not_empty_.notify_all();
        not_full_.notify_all();
    }

private:
    std::mutex mutex_;
    std::condition_variable not_empty_;
    std::condition_variable not_full_;
    std::deque<WorkItem> items_;
    size_t capacity_;
    bool closed_ = false;
    bool stopped_ = false;
};

// The errors that end a read early. A strict-mode reject keeps the earliest input position,
// because workers may find errors out of order.
class ReadErrors {
public:
    void AddStrict(Status status, uint32_t file_index, uint64_t line) {
        std::lock_guard lock(mutex_);
        if (!strict_ || std::tie(file_index, line) < std::tie(strict_file_, strict_line_)) {
            strict_ = std::move(status);
            strict_file_ = file_index;
            strict_line_ = line;
        }
    }
    void AddOther(Status status) {
        std::lock_guard lock(mutex_);
        if (!other_) {
            other_ = std::move(status);
        }
    }
    Status First() const {
        std::lock_guard lock(mutex_);
        if (other_ && other_->kind() == ErrorKind::kIo) {
            return *other_;
        }
        if (strict_) {
            return *strict_;
        }
        return other_ ? *other_ : Status::Ok();
    }

private:
    mutable std::mutex mutex_;
    std::optional<Status> strict_;
    uint32_t strict_file_ = 0;
    uint64_t strict_line_ = 0;
    std::optional<Status> other_;
};

int FindName(const std::vector<std::string>& names, std::string_view name) {
    for (size_t i = 0; i < names.size(); ++i) {
        if (names[i] == name) {
            return static_cast<int>(i);
        }
    }
    return -1;
}

std::shared_ptr<FileLayout> MakeCsvLayout(const std::vector<std::string>& names, const Schema& output) {
    auto layout = std::make_shared<FileLayout>();
    layout->framing = Framing::kCsv;
    layout->field_count = names.size();
    layout->field_targets.assign(names.size() + 1, kSkipField);
    layout->output_present.assign(output.size(), 0);
    for (size_t o = 0; o < output.size(); ++o) {
        const int field = FindName(names, output[o].name);
        if (field >= 0 && layout->field_targets[static_cast<size_t>(field)] == kSkipField) {
            layout->field_targets[static_cast<size_t>(field)] = static_cast<int32_t>(o);
            layout->output_present[o] = 1;
        }
    }
    int time_field = FindName(names, "Timestamp");
    if (time_field < 0) {
        time_field = FindName(names, "TimeGenerated");
    }
    if (time_field >= 0) {
        int32_t& target = layout->field_targets[static_cast<size_t>(time_field)];
        if (target == kSkipField) {
            target = kTimeOnlyField;
        } else if (output[static_cast<size_t>(target)].type == Type::kDateTime) {
            layout->time_output = target;
        }
    }
    return layout;
}

std::shared_ptr<FileLayout> MakeJsonLayout(const InputInfo& info, const Schema& output) {
    auto layout = std::make_shared<FileLayout>();
    layout->framing = FramingOf(info);
    for (size_t o = 0; o < output.size(); ++o) {
        layout->key_targets.emplace(output[o].name, static_cast<int32_t>(o));
    }
    if (FindField(info.columns, "Timestamp") >= 0) {
        layout->time_key = "Timestamp";
    } else if (FindField(info.columns, "TimeGenerated") >= 0) {
        layout->time_key = "TimeGenerated";
    }
    if (!layout->time_key.empty()) {
        const int output_index = FindField(output, layout->time_key);
        if (output_index >= 0 && output[static_cast<size_t>(output_index)].type == Type::kDateTime) {
            layout->time_output = output_index;
        }
    }
    return layout;
}

class ReadPipeline {
public:
    ReadPipeline(const ProbeResult& probe, const Schema& output, const ReadOptions& options, ChunkSink& sink)
        : probe_(probe),
          output_(output),
          options_(options),
          sink_(sink),
          thread_count_(std::max(1, options.threads)),
          queue_(static_cast<size_t>(thread_count_) + 1),
          reader_state_(-1, options) {}

    Status Run(ReadStats& stats);

private:
    void Work(int index);
    Status ReadFile(uint32_t file_index, const InputInfo& info, ReadStats& stats);
    // Counts a reject found by the reader thread. In strict mode it records the error and stops
    // reading, but lets the workers finish the queued blocks: they hold earlier records, and an
    // error in them comes first.
    void RejectInReader(const FileLayout& layout, uint64_t line, const char* reason, std::string_view value,
                        const std::string& hint);
    // Stops reading and parsing after a sink or I/O error.
    void Stop() {
        stop_.store(true);
        stop_reading_.store(true);
        queue_.Stop();
    }
    // Stops after a strict-mode error in block `block_index`. The queued blocks all come after
    // it and are dropped, but blocks that other workers already took may come before it and
    // are still parsed, because an error in them is the first one.
    void StopAfterBlock(uint64_t block_index) {
        uint64_t current = error_block_.load();
        while (block_index < current && !error_block_.compare_exchange_weak(current, block_index)) {
        }
        stop_reading_.store(true);
        queue_.Stop();
    }

    const ProbeResult& probe_;
    const Schema& output_;
    const ReadOptions& options_;
    ChunkSink& sink_;
    int thread_count_;
    WorkQueue queue_;
    ReadErrors errors_;
    std::atomic<bool> stop_{false};
    std::atomic<bool> stop_reading_{false};
    std::atomic<uint64_t> rows_parsed_{0};  ///< across workers, for progress reports only
    std::atomic<uint64_t> error_block_{std::numeric_limits<uint64_t>::max()};
    std::vector<std::unique_ptr<WorkerState>> workers_;
    WorkerState reader_state_;
    uint64_t next_block_index_ = 0;
};

void ReadPipeline::Work(int index) {
    WorkerState& state = *workers_[static_cast<size_t>(index)];
    while (std::optional<WorkItem> item = queue_.Pop()) {
        if (stop_.load() || item->block_index > error_block_.load()) {
            continue;
        }
        const FileLayout& layout = *item->file;
        Chunk chunk = MakeChunk(output_);
        const Status status = layout.format == Format::kDefenderCsv ? ParseCsvBlock(layout, item->block, state, chunk)
                                                                    : ParseJsonBlock(layout, item->block, state, chunk);
        if (!status.ok()) {
            errors_.AddStrict(status, state.error_file_index, state.error_line);
            StopAfterBlock(item->block_index);
            continue;
        }
        if (chunk.rows == 0) {
            continue;
        }
        state.rows_read += chunk.rows;
        rows_parsed_.fetch_add(chunk.rows, std::memory_order_relaxed);
        chunk.first_row = item->block_index << kBlockIndexShift;
        const Status consumed = sink_.Consume(std::move(chunk), index);
        if (!consumed.ok()) {
            errors_.AddOther(consumed);
            Stop();
        }
    }
}

void ReadPipeline::RejectInReader(const FileLayout& layout, uint64_t line, const char* reason, std::string_view value,
                                  const std::string& hint) {
    const Status status = reader_state_.Reject(layout, line, reason, value, [&] { return hint; });
    if (!status.ok()) {
        errors_.AddStrict(status, layout.file_index, line);
        stop_reading_.store(true);
    }
}

Status ReadPipeline::ReadFile(uint32_t file_index, const InputInfo& info, ReadStats& stats) {
    UNMASK_ASSIGN_OR_RETURN(std::unique_ptr<InputFile> file, InputFile::Open(info.path));
    ++stats.files;
    BlockReader reader(*file, FramingOf(info), options_.block_bytes, options_.max_record_bytes);
    UNMASK_TRY(reader.Start().status());
    std::shared_ptr<FileLayout> layout;
    if (info.format == Format::kDefenderCsv) {
        UNMASK_ASSIGN_OR_RETURN(std::optional<std::string> header, reader.ReadFirstRecord());
        if (!header) {
            stats.bytes += file->bytes_read();
            return Status::Ok();  // an empty file has no columns and no rows
        }
        UNMASK_ASSIGN_OR_RETURN(std::vector<std::string> names, ParseCsvHeader(*header, info.path));
        layout = MakeCsvLayout(names, output_);
    } else {
        if (info.format == Format::kJsonArray) {
            UNMASK_TRY(reader.SkipArrayOpen());
        }
        layout = MakeJsonLayout(info, output_);
    }
    layout->file_index = file_index;
    layout->path = info.path;
    layout->format = info.format;
    layout->output = &output_;

    std::vector<OversizedRecord> oversized;
    while (!stop_reading_.load()) {
        Result<std::optional<Block>> next = reader.Next(oversized);
        for (const OversizedRecord& record : oversized) {
            if (stop_reading_.load()) {
                break;
            }
            RejectInReader(*layout, record.line, kRejectRecordTooLarge, record.head,
                           "the record spans " + std::to_string(record.lines) + " lines (" +
                               std::to_string(record.line) + " to " +
                               std::to_string(record.line + std::max<uint64_t>(record.lines, 1) - 1) + ") and " +
                               std::to_string(record.bytes) + " bytes, over the limit of " +
                               std::to_string(options_.max_record_bytes) +
                               " bytes; a quote or bracket that is never closed makes the rest of the file one "
                               "record, otherwise raise the record size limit");
        }
        oversized.clear();
        if (!next.ok()) {
            stats.bytes += file->bytes_read();
            return next.status();
        }
        if (!next->has_value() || stop_reading_.load()) {
            break;
        }
        if (!queue_.Push(WorkItem{layout, std::move(**next), next_block_index_++})) {
            break;
        }
        if (options_.on_progress) {
            ReadProgress progress;
            progress.files_done = file_index;
            progress.files_total = probe_.inputs.size();
            progress.bytes_read = stats.bytes + file->bytes_read();
            progress.rows_parsed = rows_parsed_.load(std::memory_order_relaxed);
            options_.on_progress(progress);
        }
    }
    stats.bytes += file->bytes_read();
    if (!file->damage().empty() && !stop_reading_.load()) {
        RejectInReader(*layout, reader.line(), kRejectCorruptGzip, file->damage(),
                       "the compressed file is damaged from this line on; rows before it were read, the rest is "
                       "lost unless a complete copy of the file is available");
    }
    return Status::Ok();
}

Status ReadPipeline::Run(ReadStats& stats) {
    for (int i = 0; i < thread_count_; ++i) {
        workers_.push_back(std::make_unique<WorkerState>(i, options_));
    }
    std::vector<std::thread> threads;
    threads.reserve(static_cast<size_t>(thread_count_));
    for (int i = 0; i < thread_count_; ++i) {
        threads.emplace_back([this, i] { Work(i); });
    }
    for (size_t i = 0; i < probe_.inputs.size() && !stop_reading_.load(); ++i) {
        const Format format = probe_.inputs[i].format;
        if (format == Format::kZeekLog || format == Format::kPacketCapture) {
            continue;  // read by ReadSensorInputs
        }
        const Status status = ReadFile(static_cast<uint32_t>(i), probe_.inputs[i], stats);
        if (!status.ok()) {
            errors_.AddOther(status);
            Stop();
        }
    }
    queue_.Close();
    for (std::thread& thread : threads) {
        thread.join();
    }

    std::vector<const RejectLog*> logs{&reader_state_.rejects};
    for (const auto& worker : workers_) {
        logs.push_back(&worker->rejects);
        stats.rows_read += worker->rows_read;
        if (worker->has_time()) {
            stats.min_timestamp = std::min(stats.min_timestamp.value_or(worker->min_time()), worker->min_time());
            stats.max_timestamp = std::max(stats.max_timestamp.value_or(worker->max_time()), worker->max_time());
        }
    }
    MergeRejectLogs(logs, options_.max_examples_per_reason, stats);
    return errors_.First();
}

}  // namespace

Status ReadInputs(const ProbeResult& probe, const Schema& output, const ReadOptions& options, ChunkSink& sink,
                  ReadStats& stats) {
    stats.skipped_files = probe.skipped_files;
    ReadPipeline pipeline(probe, output, options, sink);
    UNMASK_TRY(pipeline.Run(stats));
    return ReadSensorInputs(probe.inputs, output, options, sink, stats);
}

}  // namespace unmask::ingest
