#include "ingest/zeek/zeek_log.h"

#include <algorithm>
#include <cstring>

#include "ingest/reader.h"
#include "ingest/zeek/zeek_reader.h"

namespace unmask::ingest::zeek {

namespace {

// Content bytes read from the file per step.
constexpr size_t kReadBytes = 1 << 20;
constexpr size_t kFirstReadBytes = 64 * 1024;
// JSON objects nested deeper than this are rejected. Zeek itself writes flat objects.
constexpr int kMaxJsonDepth = 8;

bool IsBlank(std::string_view line) {
    return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

std::string_view TrimLeft(std::string_view text) {
    const size_t start = text.find_first_not_of(" \t");
    return start == std::string_view::npos ? std::string_view() : text.substr(start);
}

int HexDigit(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

// Splits `text` at every occurrence of `separator` (not empty) into `parts`.
void Split(std::string_view text, std::string_view separator, std::vector<std::string_view>& parts) {
    parts.clear();
    size_t start = 0;
    while (true) {
        const size_t found = text.find(separator, start);
        if (found == std::string_view::npos) {
            parts.push_back(text.substr(start));
            return;
        }
        parts.push_back(text.substr(start, found - start));
        start = found + separator.size();
    }
}

// Parses the value of `#separator`. Zeek writes it escaped (`\x09`), and `\t` is also seen in the wild.
std::string ParseSeparator(std::string_view text) {
    if (text == "\\t") {
        return "\t";
    }
    std::string separator = UnescapeZeekText(text);
    return separator.empty() ? std::string("\t") : separator;
}

std::string_view TrimJsonToken(std::string_view token) {
    while (!token.empty() &&
           (token.back() == ' ' || token.back() == '\t' || token.back() == '\r' || token.back() == '\n')) {
        token.remove_suffix(1);
    }
    return token;
}

// Stores a JSON scalar as text. Returns false for a value that is not valid JSON, and sets
// `is_null` for null.
bool JsonScalarText(simdjson::ondemand::value& value, simdjson::ondemand::json_type type, std::string& text,
                    bool& is_null) {
    using simdjson::ondemand::json_type;
    is_null = false;
    switch (type) {
    case json_type::string: {
        // NOTE: Zeek's JSON writer spells bytes that are not UTF-8 as the text \xNN. That text is
        // kept as it is, because a literal "\x07" in the traffic is written the same way.
        std::string_view view;
        if (value.get_string().get(view) != simdjson::SUCCESS) {
            return false;
        }
        text.assign(view);
        return true;
    }
    case json_type::number: {
        double number = 0;
        std::string_view token;
        token = value.raw_json_token();
        if (value.get_double().get(number) != simdjson::SUCCESS) {
            return false;
        }
        text.assign(TrimJsonToken(token));
        return true;
    }
    case json_type::boolean: {
        bool flag = false;
        if (value.get_bool().get(flag) != simdjson::SUCCESS) {
            return false;
        }
        text = flag ? "true" : "false";
        return true;
    }
    case json_type::null:
        is_null = value.is_null();
        return is_null;
    default:
        return false;
    }
}

// Adds the fields of a JSON object to `record`, nested objects as dotted names ({"id":{"orig_h":
// ...}} as id.orig_h). Returns false when the JSON is invalid or too deep.
bool AddJsonObject(simdjson::ondemand::object object, const std::string& prefix, int depth, ZeekRecord& record) {
    using simdjson::ondemand::json_type;
    if (depth > kMaxJsonDepth) {
        return false;
    }
    for (auto field_result : object) {
        simdjson::ondemand::field field;
        std::string_view key;
        if (std::move(field_result).get(field) != simdjson::SUCCESS ||
            field.unescaped_key().get(key) != simdjson::SUCCESS) {
            return false;
        }
        const std::string name = prefix.empty() ? std::string(key) : prefix + "." + std::string(key);
        simdjson::ondemand::value value = field.value();
        json_type type;
        if (value.type().get(type) != simdjson::SUCCESS) {
            return false;
        }
        if (type == json_type::object) {
            simdjson::ondemand::object inner;
            if (value.get_object().get(inner) != simdjson::SUCCESS || !AddJsonObject(inner, name, depth + 1, record)) {
                return false;
            }
            continue;
        }
        if (type == json_type::array) {
            simdjson::ondemand::array array;
            if (value.get_array().get(array) != simdjson::SUCCESS) {
                return false;
            }
            ZeekValue& list = record.Add(name);
            list.is_list = true;
            for (auto element_result : array) {
                simdjson::ondemand::value element;
                json_type element_type;
                if (std::move(element_result).get(element) != simdjson::SUCCESS ||
                    element.type().get(element_type) != simdjson::SUCCESS) {
                    return false;
                }
                std::string text;
                bool is_null = false;
                if (element_type == json_type::array || element_type == json_type::object) {
                    std::string_view json;
                    if (simdjson::to_json_string(element).get(json) != simdjson::SUCCESS) {
                        return false;
                    }
                    text.assign(json);
                } else if (!JsonScalarText(element, element_type, text, is_null)) {
                    return false;
                }
                if (!is_null) {
                    list.items.push_back(std::move(text));
                }
            }
            continue;
        }
        std::string text;
        bool is_null = false;
        if (!JsonScalarText(value, type, text, is_null)) {
            return false;
        }
        if (!is_null) {
            record.Add(name).text = std::move(text);
        }
    }
    return true;
}

}  // namespace

void ZeekRecord::Clear() {
    size_ = 0;
    line = 0;
    path.clear();
    raw.clear();
}

ZeekValue& ZeekRecord::Add(std::string_view name) {
    if (size_ == names_.size()) {
        names_.emplace_back();
        values_.emplace_back();
    }
    names_[size_].assign(name);
    ZeekValue& value = values_[size_];
    value.is_list = false;
    value.text.clear();
    value.items.clear();
    ++size_;
    return value;
}

const ZeekValue* ZeekRecord::Find(std::string_view name) const {
    for (size_t i = 0; i < size_; ++i) {
        if (names_[i] == name) {
            return &values_[i];
        }
    }
    return nullptr;
}

std::optional<std::string_view> ZeekRecord::Text(std::string_view name) const {
    const ZeekValue* value = Find(name);
    if (value == nullptr || value->is_list) {
        return std::nullopt;
    }
    return std::string_view(value->text);
}

std::string UnescapeZeekText(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '\\' && i + 3 < text.size() && text[i + 1] == 'x' && HexDigit(text[i + 2]) >= 0 &&
            HexDigit(text[i + 3]) >= 0) {
            out.push_back(static_cast<char>(HexDigit(text[i + 2]) * 16 + HexDigit(text[i + 3])));
            i += 3;
        } else if (c == '\\' && i + 1 < text.size() && text[i + 1] == '\\') {
            out.push_back('\\');
            ++i;
        } else {
            out.push_back(c);
        }
    }
    return out;
}

ZeekLogReader::ZeekLogReader(std::unique_ptr<InputFile> file, uint32_t file_index, size_t max_record_bytes, bool strict,
                             RejectLog* rejects)
    : file_(std::move(file)),
      file_index_(file_index),
      max_record_bytes_(std::max<size_t>(max_record_bytes, 1024)),
      strict_(strict),
      rejects_(rejects) {}

Result<std::unique_ptr<ZeekLogReader>> ZeekLogReader::Open(const std::string& path, uint32_t file_index,
                                                           size_t max_record_bytes, bool strict, RejectLog* rejects) {
    auto file = InputFile::Open(path);
    if (!file.ok()) {
        return file.status();
    }
    return std::unique_ptr<ZeekLogReader>(
        new ZeekLogReader(std::move(file).value(), file_index, max_record_bytes, strict, rejects));
}

Status ZeekLogReader::RejectLine(const char* reason, uint64_t line, std::string_view value, std::string_view hint) {
    if (rejects_ == nullptr) {
        return Status::Ok();
    }
    rejects_->Count(reason);
    RejectExample example{file_->path(), line, reason, CutExampleValue(value), std::string(hint)};
    if (strict_) {
        return RejectStatus(example);
    }
    if (rejects_->NeedsExample(reason)) {
        rejects_->AddExample(file_index_, std::move(example));
    }
    return Status::Ok();
}

Status ZeekLogReader::Reject(const char* reason, const ZeekRecord& record, std::string_view value,
                             std::string_view hint) {
    return RejectLine(reason, record.line, value, hint);
}

Result<std::optional<std::string_view>> ZeekLogReader::NextLine() {
    bool skipping = false;  // inside a line longer than max_record_bytes_
    uint64_t skipped_line = 0;
    while (true) {
        const char* data = buffer_.data();
        const void* newline =
            end_ > begin_ + scan_ ? std::memchr(data + begin_ + scan_, '\n', end_ - begin_ - scan_) : nullptr;
        if (newline != nullptr) {
            const size_t stop = static_cast<const char*>(newline) - data;
            std::string_view line(data + begin_, stop - begin_);
            begin_ = stop + 1;
            scan_ = 0;
            if (skipping) {
                skipping = false;
                continue;
            }
            ++line_number_;
            last_line_cut_ = false;
            if (line.size() > max_record_bytes_) {
                UNMASK_TRY(RejectLine(kRejectRecordTooLarge, line_number_, line.substr(0, 200),
                                      "raise --max-record-bytes if such long lines are expected"));
                continue;
            }
            if (!line.empty() && line.back() == '\r') {
                line.remove_suffix(1);
            }
            return std::optional<std::string_view>(line);
        }
        scan_ = end_ - begin_;
        if (!skipping && scan_ > max_record_bytes_) {
            ++line_number_;
            skipped_line = line_number_;
            UNMASK_TRY(RejectLine(kRejectRecordTooLarge, skipped_line,
                                  std::string_view(data + begin_, std::min<size_t>(scan_, 200)),
                                  "raise --max-record-bytes if such long lines are expected"));
            skipping = true;
        }
        if (skipping) {
            begin_ = end_;
            scan_ = 0;
        }
        if (eof_) {
            if (skipping || begin_ == end_) {
                return std::optional<std::string_view>();
            }
            std::string_view line(data + begin_, end_ - begin_);
            begin_ = end_;
            scan_ = 0;
            ++line_number_;
            last_line_cut_ = true;
            return std::optional<std::string_view>(line);
        }
        // Move the unfinished line to the front and read more after it.
        if (begin_ > 0) {
            std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
            end_ -= begin_;
            begin_ = 0;
        }
        // Small files get a small buffer; the read step grows with the buffer up to kReadBytes.
        const size_t step = std::clamp(buffer_.size(), kFirstReadBytes, kReadBytes);
        if (buffer_.size() < end_ + step) {
            buffer_.resize(end_ + step);
        }
        auto read = file_->Read(buffer_.data() + end_, step);
        if (!read.ok()) {
            return read.status();
        }
        if (read.value() == 0) {
            eof_ = true;
            if (!file_->damage().empty() && !gzip_reported_) {
                gzip_reported_ = true;
                UNMASK_TRY(RejectLine(kRejectCorruptGzip, line_number_ + 1, file_->damage(),
                                      "the rows before the damage were read; recompress or re-export the log"));
            }
        }
        end_ += read.value();
    }
}

void ZeekLogReader::ParseDirective(std::string_view line) {
    line = TrimLeft(line);
    constexpr std::string_view kSeparator = "#separator";
    if (line.substr(0, kSeparator.size()) == kSeparator) {
        // A new header block starts: the settings of the previous one no longer apply.
        header_ = TsvHeader();
        header_.separator = ParseSeparator(TrimLeft(line.substr(kSeparator.size())));
        return;
    }
    size_t name_end = line.find(header_.separator);
    if (name_end == std::string_view::npos) {
        name_end = line.find(' ');
    }
    if (name_end == std::string_view::npos) {
        return;
    }
    const std::string_view name = line.substr(0, name_end);
    const std::string_view value = line.substr(
        name_end +
        (line.compare(name_end, header_.separator.size(), header_.separator) == 0 ? header_.separator.size() : 1));
    if (name == "#set_separator") {
        header_.set_separator = UnescapeZeekText(value);
        if (header_.set_separator.empty()) {
            header_.set_separator = ",";
        }
    } else if (name == "#empty_field") {
        header_.empty_field = UnescapeZeekText(value);
    } else if (name == "#unset_field") {
        header_.unset_field = UnescapeZeekText(value);
    } else if (name == "#path") {
        header_.path = UnescapeZeekText(value);
    } else if (name == "#fields") {
        Split(value, header_.separator, parts_);
        while (!parts_.empty() && parts_.back().empty()) {
            parts_.pop_back();
        }
        header_.fields.assign(parts_.begin(), parts_.end());
        header_.is_list.assign(header_.fields.size(), false);
        header_.has_fields = true;
    } else if (name == "#types") {
        Split(value, header_.separator, parts_);
        for (size_t i = 0; i < parts_.size() && i < header_.is_list.size(); ++i) {
            header_.is_list[i] = parts_[i].starts_with("set[") || parts_[i].starts_with("vector[");
        }
    }
    // #open, #close and comments such as "### BTest baseline" carry nothing a row needs.
}

const char* ZeekLogReader::ParseTsvRecord(std::string_view line, ZeekRecord& record, std::string& detail) {
    if (!header_.has_fields) {
        detail = "a data line comes before any #fields header; add the log's header lines";
        return kRejectMissingHeader;
    }
    Split(line, header_.separator, parts_);
    // Some tools append a separator to every line, which reads as one extra empty field.
    if (parts_.size() == header_.fields.size() + 1 && parts_.back().empty()) {
        parts_.pop_back();
    }
    if (parts_.size() != header_.fields.size()) {
        detail = "the line has " + std::to_string(parts_.size()) + " fields where #fields names " +
                 std::to_string(header_.fields.size()) + "; look for a cut or merged line";
        return kRejectWrongFieldCount;
    }
    record.path = header_.path;
    for (size_t i = 0; i < parts_.size(); ++i) {
        const std::string_view raw = parts_[i];
        if (raw == header_.unset_field) {
            continue;
        }
        ZeekValue& value = record.Add(header_.fields[i]);
        if (raw == header_.empty_field) {
            value.is_list = header_.is_list[i];
            continue;
        }
        if (!header_.is_list[i]) {
            value.text = UnescapeZeekText(raw);
            continue;
        }
        value.is_list = true;
        size_t start = 0;
        while (true) {
            const size_t found = raw.find(header_.set_separator, start);
            const std::string_view item = raw.substr(start, found == std::string_view::npos ? found : found - start);
            value.items.push_back(UnescapeZeekText(item));
            if (found == std::string_view::npos) {
                break;
            }
            start = found + header_.set_separator.size();
        }
    }
    return nullptr;
}

const char* ZeekLogReader::ParseJsonRecord(std::string_view line, ZeekRecord& record, std::string& detail) {
    json_buffer_.assign(line);
    json_buffer_.resize(line.size() + simdjson::SIMDJSON_PADDING, ' ');
    simdjson::ondemand::document document;
    simdjson::ondemand::object object;
    const auto invalid = [&detail]() {
        detail = "the line is not one complete JSON object";
        return kRejectInvalidJson;
    };
    if (json_parser_.iterate(json_buffer_.data(), line.size(), json_buffer_.size()).get(document) !=
            simdjson::SUCCESS ||
        document.get_object().get(object) != simdjson::SUCCESS) {
        return invalid();
    }
    if (!AddJsonObject(object, std::string(), 0, record)) {
        return invalid();
    }
    // After the object only the end of the input may follow.
    const char* trailing = nullptr;
    if (document.current_location().get(trailing) == simdjson::SUCCESS) {
        return invalid();
    }
    if (const auto path = record.Text("_path")) {
        record.path.assign(*path);
    }
    return nullptr;
}

Result<bool> ZeekLogReader::Next(ZeekRecord& record) {
    while (true) {
        auto line_result = NextLine();
        if (!line_result.ok()) {
            return line_result.status();
        }
        const std::optional<std::string_view> line = line_result.value();
        if (!line) {
            return false;
        }
        if (IsBlank(*line)) {
            continue;
        }
        const std::string_view trimmed = TrimLeft(*line);
        if (trimmed.front() == '#') {
            ParseDirective(trimmed);
            continue;
        }
        record.Clear();
        record.line = line_number_;
        record.raw = CutExampleValue(*line);
        std::string detail;
        const char* reason =
            trimmed.front() == '{' ? ParseJsonRecord(trimmed, record, detail) : ParseTsvRecord(*line, record, detail);
        if (reason == nullptr) {
            return true;
        }
        if (last_line_cut_) {
            reason = kRejectTruncatedRecord;
            detail = "the file ends inside this record; the writer was probably stopped while writing";
        }
        UNMASK_TRY(RejectLine(reason, line_number_, *line, detail));
    }
}

}  // namespace unmask::ingest::zeek
