#include "ingest/block_reader.h"

#include <algorithm>
#include <cstring>

#include "ingest/byte_scan.h"
#include "ingest/json_framing.h"

namespace unmask::ingest {

namespace {

constexpr size_t kOversizedHeadBytes = 256;

// Offset just after the first newline outside quotes, continuing the quote state `in_quote`;
// npos when the text ends first.
size_t FindFirstCsvBoundary(std::string_view text, bool& in_quote) {
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '"') {
            in_quote = !in_quote;
        } else if (c == '\n' && !in_quote) {
            return i + 1;
        }
    }
    return std::string_view::npos;
}

}  // namespace

BlockBuffer::BlockBuffer(size_t capacity) : bytes_(new char[capacity + kBlockPadding]), capacity_(capacity) {}

BlockReader::BlockReader(InputFile& file, Framing framing, size_t block_bytes, size_t max_record_bytes)
    : file_(file),
      framing_(framing),
      block_bytes_(std::max<size_t>(block_bytes, 1)),
      max_record_bytes_(max_record_bytes) {}

Status BlockReader::ReadMore() {
    const size_t pending = end_ - begin_;
    const size_t capacity = std::max(block_bytes_, pending * 2);
    auto fresh = std::make_shared<BlockBuffer>(capacity);
    if (pending > 0) {
        std::memcpy(fresh->data(), buffer_->data() + begin_, pending);
    }
    UNMASK_ASSIGN_OR_RETURN(size_t count, file_.ReadFull(fresh->data() + pending, capacity - pending));
    if (count < capacity - pending) {
        eof_ = true;
    }
    buffer_ = std::move(fresh);
    begin_ = 0;
    end_ = pending + count;
    // Defined bytes after the content, so that word loads past the last record read zeros.
    std::memset(buffer_->data() + end_, 0, std::min<size_t>(kBlockPadding, capacity + kBlockPadding - end_));
    return Status::Ok();
}

Result<std::string_view> BlockReader::Start() {
    UNMASK_TRY(ReadMore());
    // A tiny block size (in tests) may leave a byte order mark split across reads.
    while (end_ < 3 && !eof_) {
        UNMASK_TRY(ReadMore());
    }
    const char* data = buffer_->data();
    if (end_ >= 3 && static_cast<unsigned char>(data[0]) == 0xEF && static_cast<unsigned char>(data[1]) == 0xBB &&
        static_cast<unsigned char>(data[2]) == 0xBF) {
        begin_ = 3;
    }
    return std::string_view(data + begin_, end_ - begin_);
}

Status BlockReader::SkipArrayOpen() {
    while (true) {
        const char* data = buffer_->data();
        while (begin_ < end_ &&
               (data[begin_] == ' ' || data[begin_] == '\t' || data[begin_] == '\r' || data[begin_] == '\n')) {
            line_ += data[begin_] == '\n' ? 1 : 0;
            ++begin_;
        }
        if (begin_ < end_) {
            if (data[begin_] == '[') {
                ++begin_;
            }
            return Status::Ok();
        }
        if (eof_) {
            return Status::Ok();
        }
        UNMASK_TRY(ReadMore());
    }
}

Result<std::optional<std::string>> BlockReader::ReadFirstRecord() {
    while (true) {
        if (begin_ == end_ && eof_) {
            return std::optional<std::string>();
        }
        const std::string_view pending(buffer_->data() + begin_, end_ - begin_);
        bool in_quote = false;
        size_t boundary = FindFirstCsvBoundary(pending, in_quote);
        if (boundary == std::string_view::npos && eof_) {
            boundary = pending.size();
        }
        if (boundary != std::string_view::npos) {
            std::string record(pending.substr(0, boundary));
            line_ += CountByte(record.data(), record.size(), '\n');
            begin_ += boundary;
            while (!record.empty() && (record.back() == '\n' || record.back() == '\r')) {
                record.pop_back();
            }
            return std::optional<std::string>(std::move(record));
        }
        if (pending.size() > max_record_bytes_) {
            return Status(ErrorKind::kInvalidInput,
                          file_.path() + ":1: the header row is longer than the record size limit of " +
                              std::to_string(max_record_bytes_) +
                              " bytes; check for an unclosed quote in the header or raise the limit");
        }
        UNMASK_TRY(ReadMore());
    }
}

size_t BlockReader::FindLastBoundary(size_t& newlines) const {
    const char* data = buffer_->data() + begin_;
    const size_t size = end_ - begin_;
    switch (framing_) {
    case Framing::kCsv: {
        // The region starts outside quotes, so a newline is a record boundary exactly when
        // an even number of quotes precedes it. Walk back from the end, which normally
        // stops within the last record.
        size_t quotes = 0;
        size_t total_newlines = 0;
        CountQuotesAndNewlines(data, size, quotes, total_newlines);
        size_t tail_quotes = 0;
        size_t tail_newlines = 0;
        for (size_t i = size; i-- > 0;) {
            const char c = data[i];
            if (c == '\n') {
                if (((quotes - tail_quotes) & 1) == 0) {
                    newlines = total_newlines - tail_newlines;
                    return i + 1;
                }
                ++tail_newlines;
            } else if (c == '"') {
                ++tail_quotes;
            }
        }
        return std::string_view::npos;
    }
    case Framing::kLines: {
        const void* last = memrchr(data, '\n', size);
        if (last == nullptr) {
            return std::string_view::npos;
        }
        const size_t boundary = static_cast<size_t>(static_cast<const char*>(last) - data) + 1;
        newlines = CountByte(data, boundary, '\n');
        return boundary;
    }
    case Framing::kJsonValues: {
        const size_t boundary = FindLastJsonValueEnd(std::string_view(data, size));
        if (boundary != std::string_view::npos) {
            newlines = CountByte(data, boundary, '\n');
        }
        return boundary;
    }
    }
    return std::string_view::npos;
}

Status BlockReader::SkipOversizedRecord(std::vector<OversizedRecord>& oversized) {
    OversizedRecord record;
    record.line = line_;
    record.head.assign(buffer_->data() + begin_, std::min(kOversizedHeadBytes, end_ - begin_));
    bool in_quote = false;
    JsonScanState json_state;
    while (true) {
        const std::string_view pending(buffer_->data() + begin_, end_ - begin_);
        size_t boundary = std::string_view::npos;
        switch (framing_) {
        case Framing::kCsv:
            boundary = FindFirstCsvBoundary(pending, in_quote);
            break;
        case Framing::kLines: {
            const size_t newline = pending.find('\n');
            boundary = newline == std::string_view::npos ? newline : newline + 1;
            break;
        }
        case Framing::kJsonValues:
            boundary = FindJsonValueEnd(pending, json_state);
            break;
        }
        const size_t consumed = boundary == std::string_view::npos ? pending.size() : boundary;
        record.bytes += consumed;
        const size_t newlines = CountByte(pending.data(), consumed, '\n');
        record.lines += newlines;
        line_ += newlines;
        begin_ += consumed;
        if (boundary != std::string_view::npos || eof_) {
            if (consumed > 0 && pending[consumed - 1] != '\n') {
                ++record.lines;
            }
            break;
        }
        UNMASK_TRY(ReadMore());
    }
    oversized.push_back(std::move(record));
    return Status::Ok();
}

Result<std::optional<Block>> BlockReader::Next(std::vector<OversizedRecord>& oversized) {
    while (true) {
        if (begin_ == end_) {
            if (eof_) {
                return std::optional<Block>();
            }
            UNMASK_TRY(ReadMore());
            continue;
        }
        size_t newlines = 0;
        size_t boundary = FindLastBoundary(newlines);
        if (boundary == std::string_view::npos && eof_ && file_.content_cut()) {
            // The content was cut by a damaged gzip stream, so the last record is incomplete.
            // It is dropped here; the caller reports the damage at line().
            begin_ = end_;
            return std::optional<Block>();
        }
        if (boundary == std::string_view::npos && eof_) {
            // The last record of the file has no line end (or is cut short, which the parser reports).
            boundary = end_ - begin_;
            newlines = CountByte(buffer_->data() + begin_, boundary, '\n');
        }
        if (boundary != std::string_view::npos) {
            Block block;
            block.buffer = buffer_;
            block.data = buffer_->data() + begin_;
            block.size = boundary;
            block.first_line = line_;
            begin_ += boundary;
            line_ += newlines;
            return std::optional<Block>(std::move(block));
        }
        if (end_ - begin_ > max_record_bytes_) {
            UNMASK_TRY(SkipOversizedRecord(oversized));
            continue;
        }
        UNMASK_TRY(ReadMore());
    }
}

}  // namespace unmask::ingest
