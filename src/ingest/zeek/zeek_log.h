// Record-level reading of one Zeek log file, TSV or JSON lines, plain or gzip.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "common/status.h"
#include "ingest/input_file.h"
#include "ingest/reject_log.h"

namespace unmask::ingest::zeek {

/// A field value after unescaping: scalar text, or the elements of a set or vector.
struct ZeekValue {
    bool is_list = false;
    std::string text;
    std::vector<std::string> items;
};

/// One log record as field name → value. Unset fields (`-` in TSV, null or absent in JSON) are
/// not stored. JSON booleans are stored as "true"/"false" and numbers as their exact text, so
/// `ts` keeps all its digits.
class ZeekRecord {
public:
    void Clear();
    /// Adds a field and returns its value for the caller to fill.
    ZeekValue& Add(std::string_view name);
    /// Returns the value of `name`, or nullptr when the field is absent or unset.
    const ZeekValue* Find(std::string_view name) const;
    /// Returns the scalar text of `name`; nullopt when absent, unset or a list.
    std::optional<std::string_view> Text(std::string_view name) const;
    size_t size() const { return size_; }
    std::string_view name(size_t index) const { return names_[index]; }
    const ZeekValue& value(size_t index) const { return values_[index]; }

    uint64_t line = 0;  ///< 1-based line of the record in its file
    std::string path;  ///< the log's `#path` (TSV) or `_path` (JSON); empty when not stated
    std::string raw;   ///< the record's line, cut to about 200 bytes, for reject examples

private:
    std::vector<std::string> names_;
    std::vector<ZeekValue> values_;
    size_t size_ = 0;
};

/// Replaces Zeek's TSV escapes: `\xNN` by the byte and `\\` by one backslash. Any other
/// backslash stays as it is.
std::string UnescapeZeekText(std::string_view text);

/// Reader of the records of one Zeek log. A line starting with `{` is a JSON record. A line
/// starting with `#` (after optional whitespace) is a TSV directive or comment. Any other
/// non-blank line is a TSV record of the current `#fields` header, so concatenated logs with
/// several header blocks read as one. Malformed lines are counted in `rejects` and skipped.
class ZeekLogReader {
public:
    /// `rejects` may be null for a pass that only collects join keys and must not count twice.
    static Result<std::unique_ptr<ZeekLogReader>> Open(const std::string& path, uint32_t file_index,
                                                       size_t max_record_bytes, bool strict, RejectLog* rejects);

    /// Reads the next record into `record`; returns false at the end of the file. In strict mode
    /// the first malformed line is a kInvalidInput error.
    Result<bool> Next(ZeekRecord& record);

    /// Counts a record that the caller found invalid (an address or port out of range). Returns
    /// the strict-mode error, else Ok.
    Status Reject(const char* reason, const ZeekRecord& record, std::string_view value, std::string_view hint);

    const std::string& file_path() const { return file_->path(); }
    uint64_t bytes_read() const { return file_->bytes_read(); }

private:
    struct TsvHeader {
        std::string separator = "\t";
        std::string set_separator = ",";
        std::string empty_field = "(empty)";
        std::string unset_field = "-";
        std::string path;
        std::vector<std::string> fields;
        std::vector<bool> is_list;
        bool has_fields = false;
    };

    ZeekLogReader(std::unique_ptr<InputFile> file, uint32_t file_index, size_t max_record_bytes, bool strict,
                  RejectLog* rejects);

    // Returns the next line without its newline, or nullopt at the end of the content.
    Result<std::optional<std::string_view>> NextLine();
    void ParseDirective(std::string_view line);
    // Each parser returns the reject reason, or nullptr when the record is good.
    const char* ParseTsvRecord(std::string_view line, ZeekRecord& record, std::string& detail);
    const char* ParseJsonRecord(std::string_view line, ZeekRecord& record, std::string& detail);
    Status RejectLine(const char* reason, uint64_t line, std::string_view value, std::string_view hint);

    std::unique_ptr<InputFile> file_;
    uint32_t file_index_;
    size_t max_record_bytes_;
    bool strict_;
    RejectLog* rejects_;
    TsvHeader header_;

    std::vector<char> buffer_;
    size_t begin_ = 0;
    size_t end_ = 0;
    size_t scan_ = 0;  // bytes of [begin_, end_) already searched for a newline
    bool eof_ = false;
    bool gzip_reported_ = false;
    bool last_line_cut_ = false;  // the line just returned ended at the end of content, without '\n'
    uint64_t line_number_ = 0;

    std::vector<std::string_view> parts_;
    std::string json_buffer_;
    simdjson::ondemand::parser json_parser_;
};

}  // namespace unmask::ingest::zeek
