// The CSV fast path. A block is classified 64 bytes at a time into bitmasks of quotes, commas
// and newlines. A prefix XOR of the quote mask marks the bytes inside quoted fields, so the
// structural commas and newlines are found without a byte-by-byte state machine.
// Only the fields of requested columns are converted, and the others are only counted. So a
// malformed value in a column that was not requested is not a reject.
#include <algorithm>
#include <bit>
#include <cstring>
#include <optional>
#include <string>

#include "ingest/block_parser.h"
#include "ingest/byte_scan.h"
#include "ingest/cell_parse.h"

namespace unmask::ingest {

namespace {

class CsvBlockParser {
public:
    CsvBlockParser(const FileLayout& file, const Block& block, WorkerState& state, Chunk& chunk)
        : file_(file),
          data_(block.data),
          size_(block.size),
          first_line_(block.first_line),
          state_(state),
          chunk_(chunk),
          buffer_(block.buffer),
          targets_(file.field_targets.data()),
          field_count_(file.field_count) {}

    Status Run();

private:
    // Parses the records from offset `start`, which must be a record start. Sets `resume` to
    // the offset to parse from next after an unclosed quote, otherwise to npos.
    Status ParseFrom(size_t start, size_t& resume);
    // Rejects the record at record_start_, whose quote stays open to the end of the block.
    Status RejectUnclosedQuote(size_t& resume);
    void ConvertField(int32_t target, size_t begin, size_t end, bool has_quote, bool ends_record);
    Status EndRecord(size_t end);
    Status RejectRecord(const char* reason, std::string_view value, std::string hint);
    void ResetRecord(size_t next_start);
    uint64_t LineAt(size_t offset);
    // The text of a field without its quotes; nullopt when the quoting is malformed.
    std::optional<std::string_view> FieldValue(size_t begin, size_t end, bool has_quote, bool ends_record);
    std::optional<std::string_view> Unescape(std::string_view inner);

    const FileLayout& file_;
    const char* data_;
    size_t size_;
    uint64_t first_line_;
    WorkerState& state_;
    Chunk& chunk_;
    std::shared_ptr<const BlockBuffer> buffer_;
    const int32_t* targets_;
    size_t field_count_;

    // The record being parsed.
    size_t record_start_ = 0;
    size_t field_start_ = 0;
    size_t field_index_ = 0;
    CellError cell_error_ = CellError::kNone;
    int32_t error_target_ = -1;
    size_t error_begin_ = 0;
    size_t error_end_ = 0;
    bool bad_quoting_ = false;
    bool has_row_time_ = false;
    int64_t row_time_ = 0;

    size_t rows_ = 0;
    // Line counting for rejects resumes from the previous reject, so it is linear per block.
    size_t line_cursor_offset_ = 0;
    uint64_t line_cursor_line_ = 0;
    std::shared_ptr<StringArena> arena_;
};

uint64_t CsvBlockParser::LineAt(size_t offset) {
    if (line_cursor_line_ == 0) {
        line_cursor_line_ = first_line_;
    }
    line_cursor_line_ += CountByte(data_ + line_cursor_offset_, offset - line_cursor_offset_, '\n');
    line_cursor_offset_ = offset;
    return line_cursor_line_;
}

std::optional<std::string_view> CsvBlockParser::Unescape(std::string_view inner) {
    // `inner` is a quoted field without its outer quotes, and every quote in it must be doubled.
    std::string text;
    text.reserve(inner.size());
    for (size_t i = 0; i < inner.size(); ++i) {
        if (inner[i] == '"') {
            if (i + 1 >= inner.size() || inner[i + 1] != '"') {
                return std::nullopt;
            }
            ++i;
        }
        text += inner[i];
    }
    if (!arena_) {
        arena_ = std::make_shared<StringArena>();
    }
    return arena_->Add(text);
}

std::optional<std::string_view> CsvBlockParser::FieldValue(size_t begin, size_t end, bool has_quote, bool ends_record) {
    const char* text = data_ + begin;
    size_t length = end - begin;
    if (ends_record && length > 0 && text[length - 1] == '\r') {
        --length;
    }
    const std::string_view value(text, length);
    if (!has_quote) {
        return value;
    }
    // RFC 4180: a field with quotes is enclosed in quotes and doubles the quotes inside.
    if (length < 2 || text[0] != '"' || text[length - 1] != '"') {
        return std::nullopt;
    }
    const std::string_view inner = value.substr(1, length - 2);
    if (std::memchr(inner.data(), '"', inner.size()) == nullptr) {
        return inner;
    }
    return Unescape(inner);
}

inline void CsvBlockParser::ConvertField(int32_t target, size_t begin, size_t end, bool has_quote, bool ends_record) {
    const std::optional<std::string_view> value = FieldValue(begin, end, has_quote, ends_record);
    if (target == kTimeOnlyField) {
        // The time column is read for the statistics only, so a bad value there is no reject.
        if (value && !value->empty()) {
            if (const std::optional<int64_t> ticks = ParseCellDateTime(*value)) {
                row_time_ = *ticks;
                has_row_time_ = true;
            }
        }
        return;
    }
    if (!value) {
        bad_quoting_ = true;
        return;
    }
    Column& column = chunk_.columns[static_cast<size_t>(target)];
    if (column.type == Type::kString) {
        column.strings.push_back(*value);
        return;
    }
    if (value->empty()) {
        column.AppendNull();
        return;
    }
    const CellError error = AppendTextValue(column, *value);
    if (error != CellError::kNone && cell_error_ == CellError::kNone) {
        // The example shows the field as written, with any quotes.
        cell_error_ = error;
        error_target_ = target;
        error_begin_ = begin;
        error_end_ = end;
    }
}

void CsvBlockParser::ResetRecord(size_t next_start) {
    record_start_ = next_start;
    field_start_ = next_start;
    field_index_ = 0;
    cell_error_ = CellError::kNone;
    bad_quoting_ = false;
    has_row_time_ = false;
}

Status CsvBlockParser::RejectRecord(const char* reason, std::string_view value, std::string hint) {
    for (Column& column : chunk_.columns) {
        TruncateColumn(column, rows_);
    }
    const uint64_t line = LineAt(record_start_);
    return state_.Reject(file_, line, reason, value, [&] { return std::move(hint); });
}

Status CsvBlockParser::EndRecord(size_t end) {
    const size_t length = end - record_start_;
    std::string_view record(data_ + record_start_, length);
    if (!record.empty() && record.back() == '\r') {
        record.remove_suffix(1);
    }
    // A blank line is skipped, unless the file has a single column, where it is an empty value.
    if (field_index_ == 1 && field_count_ > 1 && record.empty()) {
        for (Column& column : chunk_.columns) {
            TruncateColumn(column, rows_);
        }
        return Status::Ok();
    }

    const size_t max_bytes = state_.options().max_record_bytes;
    if (length > max_bytes) {
        return RejectRecord(kRejectRecordTooLarge, record,
                            "the record is " + std::to_string(length) + " bytes, over the limit of " +
                                std::to_string(max_bytes) +
                                " bytes; raise the record size limit if the record is genuine");
    }
    if (field_index_ != field_count_) {
        return RejectRecord(kRejectWrongFieldCount, record,
                            "expected " + std::to_string(field_count_) + " fields as in the header, found " +
                                std::to_string(field_index_) + "; a field with a comma or newline must be quoted");
    }
    if (bad_quoting_) {
        return RejectRecord(kRejectBadQuoting, record,
                            "a field that contains a quote must be enclosed in quotes, with each quote inside it "
                            "doubled (\"\"), and the closing quote must be followed by a comma or the line end");
    }
    if (cell_error_ != CellError::kNone) {
        const Field& field = (*file_.output)[static_cast<size_t>(error_target_)];
        std::string_view value(data_ + error_begin_, error_end_ - error_begin_);
        if (!value.empty() && value.back() == '\r') {
            value.remove_suffix(1);
        }
        return RejectRecord(CellErrorReason(cell_error_), value,
                            "column " + field.name + " expects " + ExpectedValueText(field.type));
    }

    ++rows_;
    if (file_.time_output >= 0) {
        const Column& time_column = chunk_.columns[static_cast<size_t>(file_.time_output)];
        if (!time_column.IsNull(rows_ - 1)) {
            state_.NoteTime(time_column.ints[rows_ - 1]);
        }
    } else if (has_row_time_) {
        state_.NoteTime(row_time_);
    }
    return Status::Ok();
}

Status CsvBlockParser::ParseFrom(size_t start, size_t& resume) {
    resume = std::string_view::npos;
    ResetRecord(start);
    // All-ones while the previous 64-byte word ended inside a quoted field.
    uint64_t inside_carry = 0;
    // One past the offset of the last quote in the words already finished; 0 when none.
    size_t previous_quote_end = 0;
    for (size_t base = start; base < size_; base += 64) {
        CsvMasks masks = ClassifyCsvWord(data_ + base);
        if (size_ - base < 64) {
            const uint64_t in_block = (uint64_t{1} << (size_ - base)) - 1;
            masks.quotes &= in_block;
            masks.commas &= in_block;
            masks.newlines &= in_block;
        }
        const uint64_t inside = PrefixXor(masks.quotes) ^ inside_carry;
        inside_carry = static_cast<uint64_t>(static_cast<int64_t>(inside) >> 63);
        const uint64_t newlines = masks.newlines & ~inside;
        uint64_t separators = (masks.commas & ~inside) | newlines;
        while (separators != 0) {
            const int bit = std::countr_zero(separators);
            separators &= separators - 1;
            const size_t position = base + static_cast<size_t>(bit);
            const bool ends_record = ((newlines >> bit) & 1) != 0;
            const int32_t target = targets_[std::min(field_index_, field_count_)];
            ++field_index_;
            if (target != kSkipField) {
                const uint64_t quotes_before = masks.quotes & ((uint64_t{1} << bit) - 1);
                const size_t quote_end = quotes_before != 0
                                             ? base + 64 - static_cast<size_t>(std::countl_zero(quotes_before))
                                             : previous_quote_end;
                ConvertField(target, field_start_, position, quote_end > field_start_, ends_record);
            }
            field_start_ = position + 1;
            if (ends_record) {
                UNMASK_TRY(EndRecord(position));
                ResetRecord(position + 1);
            }
        }
        if (masks.quotes != 0) {
            previous_quote_end = base + 64 - static_cast<size_t>(std::countl_zero(masks.quotes));
        }
    }
    if (record_start_ < size_) {
        if (inside_carry != 0) {
            // The block ends inside quotes, which only happens at the end of a file.
            return RejectUnclosedQuote(resume);
        }
        // The last record of the file has no line end.
        const int32_t target = targets_[std::min(field_index_, field_count_)];
        ++field_index_;
        if (target != kSkipField) {
            ConvertField(target, field_start_, size_, previous_quote_end > field_start_, true);
        }
        UNMASK_TRY(EndRecord(size_));
        ResetRecord(size_);
    }
    return Status::Ok();
}

Status CsvBlockParser::RejectUnclosedQuote(size_t& resume) {
    const std::string_view rest(data_ + record_start_, size_ - record_start_);
    const size_t line_end = rest.find('\n');
    const uint64_t line = LineAt(record_start_);
    if (line_end == std::string_view::npos || line_end + 1 == rest.size()) {
        return RejectRecord(kRejectBadQuoting, rest, "a quoted field is not closed before the end of the file");
    }
    // Reading resumes at the next line. The first line of the record has an odd number of
    // quotes, because its line end is inside quotes. So the rest of the block has an even
    // number and ends outside quotes, which means a block resyncs at most once. The lines after
    // are checked as usual, so a line that continued a quoted field is rejected on its own.
    const uint64_t lines = CountByte(rest.data(), rest.size(), '\n') + (rest.back() == '\n' ? 0 : 1);
    std::string_view bad_line = rest.substr(0, line_end);
    if (!bad_line.empty() && bad_line.back() == '\r') {
        bad_line.remove_suffix(1);
    }
    resume = record_start_ + line_end + 1;
    return RejectRecord(kRejectBadQuoting, bad_line,
                        "unterminated quote from line " + std::to_string(line) +
                            " to the end of the file (" + std::to_string(lines) +
                            " lines); only this line was skipped and reading resumed at line " +
                            std::to_string(line + 1));
}

Status CsvBlockParser::Run() {
    size_t resume = 0;
    while (resume != std::string_view::npos) {
        UNMASK_TRY(ParseFrom(resume, resume));
    }
    chunk_.rows = rows_;
    for (size_t i = 0; i < chunk_.columns.size(); ++i) {
        Column& column = chunk_.columns[i];
        if (file_.output_present[i] == 0) {
            AppendNulls(column, rows_);
        } else if (column.type == Type::kString) {
            column.owners.push_back(buffer_);
            if (arena_) {
                column.owners.push_back(arena_);
            }
        }
    }
    return Status::Ok();
}

}  // namespace

Status ParseCsvBlock(const FileLayout& file, const Block& block, WorkerState& state, Chunk& chunk) {
    CsvBlockParser parser(file, block, state, chunk);
    return parser.Run();
}

}  // namespace unmask::ingest
