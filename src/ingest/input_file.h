// Sequential reading of one input file, transparently inflating gzip.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <zlib.h>

#include "common/status.h"

namespace unmask::ingest {

/// An open input file that returns its content bytes in order. A file that starts with the gzip
/// magic bytes (1f 8b) is inflated as a stream, one compressed buffer at a time, so memory use
/// does not depend on the file size. Concatenated gzip members are read one after another.
class InputFile {
public:
    /// Opens `path`. Fails with kIo naming the path when it is missing, unreadable or a directory.
    static Result<std::unique_ptr<InputFile>> Open(const std::string& path);

    ~InputFile();
    InputFile(const InputFile&) = delete;
    InputFile& operator=(const InputFile&) = delete;

    /// Reads up to `capacity` content bytes into `destination` and returns how many were
    /// written; 0 means the end of the content. A damaged gzip stream ends the content early
    /// and sets damage(); only a failing read(2) is an error.
    Result<size_t> Read(char* destination, size_t capacity);

    /// Reads until `capacity` bytes are written or the content ends.
    Result<size_t> ReadFull(char* destination, size_t capacity);

    const std::string& path() const { return path_; }
    bool gzip() const { return gzip_; }
    /// Bytes read from the file so far (compressed bytes for gzip).
    uint64_t bytes_read() const { return bytes_read_; }
    /// Reason a gzip stream ended early (truncated, corrupt, trailing garbage). Empty when the
    /// content was read completely, also when only zero bytes follow the last gzip member.
    const std::string& damage() const { return damage_; }
    /// True when the damage cut the content inside a gzip member (truncated or corrupt), so the
    /// last record may be incomplete. False for data after the last member, where the content
    /// before it is complete.
    bool content_cut() const { return content_cut_; }

private:
    InputFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}

    Status Start();
    Result<size_t> ReadRaw(char* destination, size_t capacity);
    Status RefillInput();
    Result<size_t> Inflate(char* destination, size_t capacity);
    // Reads the rest of the file and returns true when all of it is zero bytes.
    Result<bool> SkipZeroPadding();

    std::string path_;
    int fd_ = -1;
    bool gzip_ = false;
    bool file_eof_ = false;
    bool finished_ = false;
    uint64_t bytes_read_ = 0;
    std::string damage_;
    bool content_cut_ = false;

    // Raw bytes read ahead of the consumer: the sniffed head of a plain file, or compressed input.
    std::vector<unsigned char> input_;
    size_t input_begin_ = 0;
    size_t input_end_ = 0;

    z_stream stream_{};
    bool stream_open_ = false;
    bool member_ended_ = false;
};

}  // namespace unmask::ingest
