#include "ingest/reader.h"

#include <algorithm>
#include <filesystem>
#include <set>
#include <unordered_map>

#include <glob.h>
#include <sys/stat.h>

#include "ingest/block_reader.h"
#include "ingest/csv/csv_header.h"
#include "ingest/defender_schema.h"
#include "ingest/format_detect.h"
#include "ingest/input_file.h"
#include "ingest/json/json_documents.h"
#include "ingest/json/json_values.h"
#include "ingest/sensor/sensor_read.h"
#include "ingest/sensor/sensor_rows.h"

namespace unmask::ingest {

namespace {

// The probe reads this much content per step; a CSV header normally fits in the first step.
constexpr size_t kProbeBlockBytes = 64 * 1024;
// JSON keys are collected from the rows in about this much content at the start of each file.
// NOTE: a key that first appears later in a file is not a column, so its values are not read.
constexpr size_t kProbeJsonBytes = 1024 * 1024;

bool HasGlobCharacters(const std::string& pattern) {
    return pattern.find_first_of("*?[") != std::string::npos;
}

// A path found by expanding an input pattern.
struct ExpandedPath {
    std::string path;
    bool in_directory = false;  ///< listed from a named directory rather than named or matched
};

// Names a file type that cannot be probed and then read again; nullptr for regular files and
// directories.
const char* StreamKindName(mode_t mode) {
    if (S_ISFIFO(mode)) {
        return "a pipe or FIFO";
    }
    if (S_ISCHR(mode)) {
        return "a character device";
    }
    if (S_ISBLK(mode)) {
        return "a block device";
    }
    if (S_ISSOCK(mode)) {
        return "a socket";
    }
    return nullptr;
}

Status StreamInputError(const std::string& path, const char* kind) {
    return Status(ErrorKind::kIo, "cannot read " + path + ": it is " + kind +
                                      ", not a regular file; unmask opens each input twice (to detect its format, "
                                      "then to read its rows), so save the stream to a file first, for example "
                                      "with `cat > events.csv`, and pass that file");
}

// Fails for a path that exists but is not a regular file or directory. Checked before open(2),
// which blocks on a FIFO until a writer opens it.
Status CheckInputType(const std::string& path) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) {
        return Status::Ok();  // opening the file reports the error
    }
    if (const char* kind = StreamKindName(info.st_mode)) {
        return StreamInputError(path, kind);
    }
    return Status::Ok();
}

// Appends the regular files inside `directory` and its subdirectories, sorted by path, so that
// an archive of dated folders (Zeek's logs/2026-12-04/conn.00:00:00-01:00:00.log.gz) reads in
// order. Hidden files and folders (names starting with '.') are left out. Links to folders are
// followed (zeekctl's logs/current points to the spool of the live hour), and a folder already
// walked is not walked again, so that a link loop ends.
Status AppendDirectoryFiles(const std::string& directory, std::vector<ExpandedPath>& paths) {
    std::vector<std::string> files;
    std::set<std::filesystem::path> walked;
    std::vector<std::filesystem::path> folders{directory};
    while (!folders.empty()) {
        const std::filesystem::path folder = std::move(folders.back());
        folders.pop_back();
        std::error_code error;
        const std::filesystem::path real = std::filesystem::canonical(folder, error);
        if (!error && !walked.insert(real).second) {
            continue;
        }
        for (std::filesystem::directory_iterator it(folder, error), end; !error && it != end; it.increment(error)) {
            const std::string name = it->path().filename().string();
            std::error_code type_error;
            if (name.empty() || name[0] == '.') {
                continue;
            }
            if (it->is_regular_file(type_error)) {
                files.push_back(it->path().string());
            } else if (it->is_directory(type_error)) {
                folders.push_back(it->path());
            }
        }
        if (error) {
            return Status(ErrorKind::kIo, "cannot list directory " + folder.string() + ": " + error.message() +
                                              " (make it readable, or name the files to read instead of " +
                                              directory + ")");
        }
    }
    if (files.empty()) {
        return Status(ErrorKind::kIo, "directory " + directory + " contains no files to read, in it or in its subfolders");
    }
    std::sort(files.begin(), files.end());
    // A file reached through two paths (a link to a folder inside the walked tree) is read once.
    std::set<std::filesystem::path> seen;
    for (std::string& file : files) {
        std::error_code error;
        const std::filesystem::path real = std::filesystem::canonical(file, error);
        if (!error && !seen.insert(real).second) {
            continue;
        }
        paths.push_back(ExpandedPath{std::move(file), true});
    }
    return Status::Ok();
}

Status AppendPath(const std::string& path, std::vector<ExpandedPath>& paths) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) {
        return Status(ErrorKind::kIo, "input file not found: " + path);
    }
    if (S_ISDIR(info.st_mode)) {
        return AppendDirectoryFiles(path, paths);
    }
    if (const char* kind = StreamKindName(info.st_mode)) {
        return StreamInputError(path, kind);
    }
    paths.push_back(ExpandedPath{path, false});
    return Status::Ok();
}

Status ExpandPattern(const std::string& pattern, std::vector<ExpandedPath>& paths) {
    struct stat info {};
    if (::stat(pattern.c_str(), &info) == 0) {
        // An existing name is taken as it is, even when it contains glob characters.
        return AppendPath(pattern, paths);
    }
    if (!HasGlobCharacters(pattern)) {
        return Status(ErrorKind::kIo, "input file not found: " + pattern);
    }
    glob_t matches{};
    const int code = ::glob(pattern.c_str(), 0, nullptr, &matches);
    if (code == GLOB_NOMATCH) {
        ::globfree(&matches);
        return Status(ErrorKind::kIo, "no file matches the input pattern " + pattern);
    }
    if (code != 0) {
        ::globfree(&matches);
        return Status(ErrorKind::kIo, "cannot expand the input pattern " + pattern +
                                          (code == GLOB_NOSPACE ? ": out of memory" : ": a directory cannot be read"));
    }
    Status status;
    for (size_t i = 0; i < matches.gl_pathc && status.ok(); ++i) {
        status = AppendPath(matches.gl_pathv[i], paths);
    }
    ::globfree(&matches);
    return status;
}

Result<std::vector<ExpandedPath>> ExpandPatterns(const std::vector<std::string>& patterns) {
    std::vector<ExpandedPath> expanded;
    for (const std::string& pattern : patterns) {
        UNMASK_TRY(ExpandPattern(pattern, expanded));
    }
    // A file named twice (by two overlapping globs, say) is read once.
    std::vector<ExpandedPath> paths;
    std::set<std::string> seen;
    for (ExpandedPath& path : expanded) {
        if (seen.insert(path.path).second) {
            paths.push_back(std::move(path));
        }
    }
    return paths;
}

// Columns of a JSON file in first-seen order, typed by the known schema or by the first
// non-null value.
class JsonColumnCollector {
public:
    void Add(simdjson::dom::object row) {
        for (const simdjson::dom::key_value_pair field : row) {
            auto found = index_.find(std::string(field.key));
            size_t position = 0;
            if (found == index_.end()) {
                position = columns_.size();
                index_.emplace(std::string(field.key), position);
                const std::optional<Type> known = KnownColumnType(field.key);
                columns_.push_back(Field{std::string(field.key), known.value_or(Type::kString)});
                typed_.push_back(known.has_value());
            } else {
                position = found->second;
            }
            if (!typed_[position]) {
                if (const std::optional<Type> type = TypeOfJsonValue(field.value)) {
                    columns_[position].type = *type;
                    typed_[position] = true;
                }
            }
        }
    }
    // Keys that held only nulls stay strings.
    Schema Take() { return std::move(columns_); }

private:
    Schema columns_;
    std::vector<bool> typed_;
    std::unordered_map<std::string, size_t> index_;
};

Status ProbeJsonColumns(BlockReader& reader, Framing framing, InputInfo& info) {
    simdjson::dom::parser parser;
    JsonColumnCollector collector;
    std::vector<OversizedRecord> oversized;
    size_t probed = 0;
    while (probed < kProbeJsonBytes) {
        UNMASK_ASSIGN_OR_RETURN(std::optional<Block> block, reader.Next(oversized));
        if (!block) {
            break;
        }
        probed += block->size;
        const Status walked = ForEachJsonDocument(
            std::string_view(block->data, block->size), framing, block->first_line,
            [&](std::string_view document, uint64_t /*line*/) {
                simdjson::dom::element root;
                if (parser.parse(reinterpret_cast<const uint8_t*>(document.data()), document.size(), false).get(root) !=
                    simdjson::SUCCESS) {
                    return Status::Ok();  // the read rejects it with its line
                }
                return ForEachJsonRow(root, [&](simdjson::dom::element row, std::string_view other_table) {
                    simdjson::dom::object object;
                    // Rows of other tables are skipped by the read, so their keys are no columns.
                    if (other_table.empty() && row.get_object().get(object) == simdjson::SUCCESS) {
                        collector.Add(object);
                    }
                    return Status::Ok();
                });
            });
        UNMASK_TRY(walked);
    }
    info.columns = collector.Take();
    return Status::Ok();
}

// Returns why content that DetectFormat took for CSV cannot be a Defender export, judged from
// its first bytes; nullopt when it may be one.
std::optional<std::string> CheckCsvHead(std::string_view head) {
    if (head.size() >= 2 && ((head[0] == '\xFF' && head[1] == '\xFE') || (head[0] == '\xFE' && head[1] == '\xFF'))) {
        return std::string("UTF-16 text: convert it to UTF-8, for example with `iconv -f UTF-16 -t UTF-8`");
    }
    if (head.starts_with("#separator")) {
        return std::string("starts like a Zeek log, but its header has no #fields line in the first 64 KiB");
    }
    const std::string_view first_line = head.substr(0, head.find('\n'));
    if (first_line.find('\0') != std::string_view::npos) {
        return std::string(
            "the first line contains NUL bytes, so the file is binary or UTF-16 text without a byte order mark; "
            "unmask reads CSV and JSON exports, Zeek logs and pcap/pcapng captures, optionally gzip-compressed");
    }
    return std::nullopt;
}

// Describes a parsed CSV header that names no DeviceNetworkEvents column, with a guess at the
// delimiter when the header contains another common one.
std::string DescribeHeaderWithoutKnownColumn(std::string_view header) {
    constexpr size_t kMaxShownBytes = 120;
    std::string shown(header.substr(0, kMaxShownBytes));
    if (header.size() > kMaxShownBytes) {
        shown += "...";
    }
    std::string message = "no DeviceNetworkEvents column in the header '" + shown + "'";
    const size_t commas = static_cast<size_t>(std::count(header.begin(), header.end(), ','));
    char delimiter = 0;
    size_t delimiter_count = commas;
    for (const char candidate : {';', '\t', '|'}) {
        const size_t count = static_cast<size_t>(std::count(header.begin(), header.end(), candidate));
        if (count > delimiter_count) {
            delimiter = candidate;
            delimiter_count = count;
        }
    }
    if (delimiter == '\t') {
        // zeek-cut prints a log's rows without its header lines; the first field is then `ts`.
        const std::string_view first = header.substr(0, header.find('\t'));
        const bool epoch_seconds = first.size() >= 12 && first.size() <= 20 && first[10] == '.' &&
                                   first.find_first_not_of("0123456789.") == std::string_view::npos;
        if (epoch_seconds) {
            return message + "; it looks like Zeek log rows without the log's header lines (zeek-cut output); "
                             "read the original log, or keep its header with zeek-cut -c";
        }
        return message + "; is the delimiter a tab? unmask reads comma-separated exports";
    }
    if (delimiter != 0) {
        return message + "; is the delimiter '" + std::string(1, delimiter) +
               "'? unmask reads comma-separated exports";
    }
    return message + "; the first line of a Defender CSV export names its columns, such as Timestamp, DeviceName "
                     "and RemoteIP";
}

// Reads the CSV header into info.columns. Sets `not_export` instead when the content cannot
// be a Defender CSV export.
Status ProbeCsvHeader(BlockReader& reader, std::string_view head, const std::string& path, InputInfo& info,
                      std::string& not_export) {
    if (std::optional<std::string> reason = CheckCsvHead(head)) {
        not_export = std::move(*reason);
        return Status::Ok();
    }
    UNMASK_ASSIGN_OR_RETURN(std::optional<std::string> header, reader.ReadFirstRecord());
    if (!header) {
        return Status::Ok();  // an empty file has no columns and no rows
    }
    const Result<std::vector<std::string>> split = SplitCsvRecord(*header);
    if (!split.ok()) {
        not_export = "the first line is not a valid CSV header (" + split.status().message() +
                     "); the first line must be the column names, separated by commas";
        return Status::Ok();
    }
    UNMASK_ASSIGN_OR_RETURN(std::vector<std::string> names, ParseCsvHeader(*header, path));
    const bool has_known_column = std::any_of(names.begin(), names.end(), [](const std::string& name) {
        return KnownColumnType(name).has_value();
    });
    if (!has_known_column) {
        not_export = DescribeHeaderWithoutKnownColumn(*header);
        return Status::Ok();
    }
    for (std::string& name : names) {
        const Type type = KnownColumnType(name).value_or(Type::kString);
        info.columns.push_back(Field{std::move(name), type});
    }
    return Status::Ok();
}

// Probes one file. Sets `not_export` to the reason, and returns an InputInfo that must not be
// used, when the content is not a Defender export.
Result<InputInfo> ProbeFile(const std::string& path, const ReadOptions& options, std::string& not_export) {
    UNMASK_TRY(CheckInputType(path));
    UNMASK_ASSIGN_OR_RETURN(std::optional<Format> sensor_format, DetectSensorFormat(path));
    if (sensor_format) {
        InputInfo info;
        info.path = path;
        info.format = *sensor_format;
        info.columns = SensorSchema();
        return info;
    }
    UNMASK_ASSIGN_OR_RETURN(std::unique_ptr<InputFile> file, InputFile::Open(path));
    BlockReader reader(*file, Framing::kCsv, kProbeBlockBytes, options.max_record_bytes);
    UNMASK_ASSIGN_OR_RETURN(std::string_view head, reader.Start());
    InputInfo info;
    info.path = path;
    info.format = DetectFormat(head);
    info.gzip = file->gzip();
    if (info.format == Format::kDefenderCsv) {
        UNMASK_TRY(ProbeCsvHeader(reader, head, path, info, not_export));
        return info;
    }
    info.json_multiline = info.format != Format::kJsonArray && DetectJsonMultiline(head);
    const Framing framing = FramingOf(info);
    reader.set_framing(framing);
    if (info.format == Format::kJsonArray) {
        UNMASK_TRY(reader.SkipArrayOpen());
    }
    UNMASK_TRY(ProbeJsonColumns(reader, framing, info));
    return info;
}

// Type of an unknown column that two files type differently: numbers widen, anything else
// becomes a string.
Type WidenType(Type left, Type right) {
    if (left == right) {
        return left;
    }
    const bool left_integer = left == Type::kInt || left == Type::kLong;
    const bool right_integer = right == Type::kInt || right == Type::kLong;
    if (left_integer && right_integer) {
        return Type::kLong;
    }
    if ((left_integer || left == Type::kReal) && (right_integer || right == Type::kReal)) {
        return Type::kReal;
    }
    return Type::kString;
}

}  // namespace

const char* FormatName(Format format) {
    switch (format) {
    case Format::kDefenderCsv:
        return "Defender CSV";
    case Format::kJsonLines:
        return "JSON Lines";
    case Format::kJsonRecords:
        return "Event Hub JSON records";
    case Format::kJsonArray:
        return "JSON array";
    case Format::kZeekLog:
        return "Zeek log";
    case Format::kPacketCapture:
        return "packet capture";
    }
    return "unknown";
}

void CaptureStats::Add(const CaptureStats& other) {
    packets += other.packets;
    bytes += other.bytes;
    flows += other.flows;
    peak_flows_in_flight = std::max(peak_flows_in_flight, other.peak_flows_in_flight);
    tls_handshakes += other.tls_handshakes;
    tls_decrypted += other.tls_decrypted;
    tls_without_key += other.tls_without_key;
    tls_decryption_partial += other.tls_decryption_partial;
    tls_decryption_failed += other.tls_decryption_failed;
    key_log_sessions = std::max(key_log_sessions, other.key_log_sessions);
    key_log_malformed_lines = std::max(key_log_malformed_lines, other.key_log_malformed_lines);
    embedded_key_log_sessions += other.embedded_key_log_sessions;
    key_log_examples.insert(key_log_examples.end(), other.key_log_examples.begin(), other.key_log_examples.end());
    http_requests += other.http_requests;
    certificates += other.certificates;
    invalid_certificates += other.invalid_certificates;
    reassembly_budget_exceeded += other.reassembly_budget_exceeded;
    for (const auto& [reason, count] : other.skipped_packets) {
        skipped_packets[reason] += count;
    }
    skipped_packet_examples.insert(skipped_packet_examples.end(), other.skipped_packet_examples.begin(),
                                   other.skipped_packet_examples.end());
}

uint64_t ReadStats::rejected() const {
    uint64_t total = 0;
    for (const auto& [reason, count] : rejected_by_reason) {
        total += count;
    }
    return total;
}

Result<std::vector<std::string>> ExpandInputs(const std::vector<std::string>& patterns) {
    UNMASK_ASSIGN_OR_RETURN(std::vector<ExpandedPath> expanded, ExpandPatterns(patterns));
    std::vector<std::string> paths;
    paths.reserve(expanded.size());
    for (ExpandedPath& path : expanded) {
        paths.push_back(std::move(path.path));
    }
    return paths;
}

namespace {

Result<ProbeResult> ProbePaths(const std::vector<ExpandedPath>& paths, const ReadOptions& options) {
    if (options.max_record_bytes < kMinRecordBytes) {
        return Status(ErrorKind::kInvalidInput, "the record size limit of " + std::to_string(options.max_record_bytes) +
                                                    " bytes is too small; it must be at least " +
                                                    std::to_string(kMinRecordBytes) +
                                                    " bytes, and the default of 16 MiB suits Defender exports");
    }
    ProbeResult result;
    for (const ExpandedPath& path : paths) {
        std::string not_export;
        UNMASK_ASSIGN_OR_RETURN(InputInfo info, ProbeFile(path.path, options, not_export));
        if (!not_export.empty()) {
            if (!path.in_directory) {
                return Status(ErrorKind::kInvalidInput,
                              path.path + ": not a DeviceNetworkEvents export: " + not_export);
            }
            result.skipped_files.push_back(SkippedFile{path.path, std::move(not_export)});
            continue;
        }
        for (const Field& field : info.columns) {
            const int existing = FindField(result.schema, field.name);
            if (existing < 0) {
                result.schema.push_back(field);
            } else if (!KnownColumnType(field.name)) {
                Field& merged = result.schema[static_cast<size_t>(existing)];
                merged.type = WidenType(merged.type, field.type);
            }
        }
        result.inputs.push_back(std::move(info));
    }
    if (result.inputs.empty() && !result.skipped_files.empty()) {
        const SkippedFile& first = result.skipped_files.front();
        return Status(ErrorKind::kInvalidInput,
                      "no DeviceNetworkEvents export among the " + std::to_string(result.skipped_files.size()) +
                          " file(s) of the input directories; for example " + first.path + ": " + first.reason);
    }
    return result;
}

}  // namespace

Result<ProbeResult> ProbeInputs(const std::vector<std::string>& paths, const ReadOptions& options) {
    std::vector<ExpandedPath> named;
    named.reserve(paths.size());
    for (const std::string& path : paths) {
        named.push_back(ExpandedPath{path, false});
    }
    return ProbePaths(named, options);
}

Result<ProbeResult> ExpandAndProbeInputs(const std::vector<std::string>& patterns, const ReadOptions& options) {
    UNMASK_ASSIGN_OR_RETURN(std::vector<ExpandedPath> paths, ExpandPatterns(patterns));
    return ProbePaths(paths, options);
}

namespace {

class DiscardSink : public ChunkSink {
public:
    Status Consume(Chunk /*chunk*/, int /*worker*/) override { return Status::Ok(); }
};

}  // namespace

Result<std::optional<int64_t>> ScanLatestTimestamp(const ProbeResult& probe, const ReadOptions& options) {
    // With no output columns the parsers convert only each file's time column, which they
    // always do for the statistics.
    DiscardSink sink;
    ReadStats stats;
    UNMASK_TRY(ReadInputs(probe, Schema{}, options, sink, stats));
    return stats.max_timestamp;
}

}  // namespace unmask::ingest
