// Splitting an input file into blocks of complete records for the parsing workers.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "ingest/input_file.h"

namespace unmask::ingest {

/// Readable bytes after the end of every block buffer. The CSV parser loads whole 64-byte words
/// and simdjson reads up to SIMDJSON_PADDING bytes past a document, so both may read past the
/// last record.
inline constexpr size_t kBlockPadding = 64;

/// How records are delimited, which decides where a block may end.
enum class Framing : uint8_t {
    kCsv,         ///< at a newline outside double quotes (RFC 4180)
    kLines,       ///< at any newline (JSON Lines: raw newlines cannot occur inside JSON strings)
    kJsonValues,  ///< after a top-level JSON object or array closes (JSON arrays, pretty-printed JSON)
};

/// A heap buffer with kBlockPadding readable bytes after its capacity. Chunks keep it alive
/// as an owner of their string columns.
class BlockBuffer {
public:
    explicit BlockBuffer(size_t capacity);
    char* data() { return bytes_.get(); }
    const char* data() const { return bytes_.get(); }
    size_t capacity() const { return capacity_; }

private:
    std::unique_ptr<char[]> bytes_;
    size_t capacity_;
};

/// Complete records handed to one worker.
struct Block {
    std::shared_ptr<const BlockBuffer> buffer;
    const char* data = nullptr;  ///< inside buffer; readable for kBlockPadding bytes past size
    size_t size = 0;
    uint64_t first_line = 1;  ///< 1-based line number of data[0] in the file
};

/// A record longer than the limit that the reader dropped without handing it to a worker.
struct OversizedRecord {
    uint64_t line = 0;  ///< 1-based line where the record starts
    std::string head;   ///< its first bytes, for the reject example
    uint64_t bytes = 0;
    uint64_t lines = 0;  ///< lines the record spans, counting a last line without a line end
};

/// Reads a file into blocks of about `block_bytes` that end at a record boundary. A record
/// that does not fit grows the buffer up to `max_record_bytes`. A longer record is skipped up
/// to its end and reported as an OversizedRecord.
class BlockReader {
public:
    BlockReader(InputFile& file, Framing framing, size_t block_bytes, size_t max_record_bytes);

    /// Reads the first buffer and drops a UTF-8 byte order mark. Returns the start of the
    /// content (up to one block) for format detection; the view is valid until the next call.
    Result<std::string_view> Start();

    /// Changes the framing, for callers that detect the format from Start's result.
    void set_framing(Framing framing) { framing_ = framing; }

    /// Skips whitespace and the `[` that opens a JSON array.
    Status SkipArrayOpen();

    /// Consumes the first record (a CSV header) and returns its text without the line end;
    /// nullopt when the content is empty.
    Result<std::optional<std::string>> ReadFirstRecord();

    /// Returns the next block, or nullopt at the end of the content. Oversized records skipped
    /// on the way are appended to `oversized`.
    Result<std::optional<Block>> Next(std::vector<OversizedRecord>& oversized);

    /// 1-based line number of the first byte not yet returned.
    uint64_t line() const { return line_; }

private:
    Status ReadMore();
    // Offset (relative to begin_) just after the last record boundary in [begin_, end_) and the
    // number of newlines before it; npos when there is none.
    size_t FindLastBoundary(size_t& newlines) const;
    Status SkipOversizedRecord(std::vector<OversizedRecord>& oversized);

    InputFile& file_;
    Framing framing_;
    size_t block_bytes_;
    size_t max_record_bytes_;
    std::shared_ptr<BlockBuffer> buffer_;
    size_t begin_ = 0;
    size_t end_ = 0;
    bool eof_ = false;
    uint64_t line_ = 1;
};

}  // namespace unmask::ingest
