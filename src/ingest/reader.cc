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

bool IsDirectory(const std::string& path) {
    struct stat info {};
    return ::stat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode);
}

// Appends the regular files directly inside `directory`, sorted by name; hidden files
// (names starting with '.') are left out.
Status AppendDirectoryFiles(const std::string& directory, std::vector<std::string>& paths) {
    std::error_code error;
    std::vector<std::string> files;
    for (std::filesystem::directory_iterator it(directory, error), end; !error && it != end; it.increment(error)) {
        const std::string name = it->path().filename().string();
        std::error_code type_error;
        if (!name.empty() && name[0] != '.' && it->is_regular_file(type_error)) {
            files.push_back(it->path().string());
        }
    }
    if (error) {
        return Status(ErrorKind::kIo, "cannot list directory " + directory + ": " + error.message());
    }
    if (files.empty()) {
        return Status(ErrorKind::kIo, "directory " + directory + " contains no files to read");
    }
    std::sort(files.begin(), files.end());
    paths.insert(paths.end(), files.begin(), files.end());
    return Status::Ok();
}

Status AppendPath(const std::string& path, std::vector<std::string>& paths) {
    if (IsDirectory(path)) {
        return AppendDirectoryFiles(path, paths);
    }
    paths.push_back(path);
    return Status::Ok();
}

Status ExpandPattern(const std::string& pattern, std::vector<std::string>& paths) {
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
                return ForEachJsonRow(root, [&](simdjson::dom::element row) {
                    simdjson::dom::object object;
                    if (row.get_object().get(object) == simdjson::SUCCESS) {
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

Result<InputInfo> ProbeFile(const std::string& path, const ReadOptions& options) {
    UNMASK_ASSIGN_OR_RETURN(std::unique_ptr<InputFile> file, InputFile::Open(path));
    BlockReader reader(*file, Framing::kCsv, kProbeBlockBytes, options.max_record_bytes);
    UNMASK_ASSIGN_OR_RETURN(std::string_view head, reader.Start());
    InputInfo info;
    info.path = path;
    info.format = DetectFormat(head);
    info.gzip = file->gzip();
    if (info.format == Format::kDefenderCsv) {
        UNMASK_ASSIGN_OR_RETURN(std::optional<std::string> header, reader.ReadFirstRecord());
        if (header) {
            UNMASK_ASSIGN_OR_RETURN(std::vector<std::string> names, ParseCsvHeader(*header, path));
            for (std::string& name : names) {
                const Type type = KnownColumnType(name).value_or(Type::kString);
                info.columns.push_back(Field{std::move(name), type});
            }
        }
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
    }
    return "unknown";
}

uint64_t ReadStats::rejected() const {
    uint64_t total = 0;
    for (const auto& [reason, count] : rejected_by_reason) {
        total += count;
    }
    return total;
}

Result<std::vector<std::string>> ExpandInputs(const std::vector<std::string>& patterns) {
    std::vector<std::string> expanded;
    for (const std::string& pattern : patterns) {
        UNMASK_TRY(ExpandPattern(pattern, expanded));
    }
    // A file named twice (by two overlapping globs, say) is read once.
    std::vector<std::string> paths;
    std::set<std::string> seen;
    for (std::string& path : expanded) {
        if (seen.insert(path).second) {
            paths.push_back(std::move(path));
        }
    }
    return paths;
}

Result<ProbeResult> ProbeInputs(const std::vector<std::string>& paths, const ReadOptions& options) {
    ProbeResult result;
    for (const std::string& path : paths) {
        UNMASK_ASSIGN_OR_RETURN(InputInfo info, ProbeFile(path, options));
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
    return result;
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
