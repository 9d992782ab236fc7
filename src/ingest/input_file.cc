#include "ingest/input_file.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace unmask::ingest {

namespace {

// Compressed input is read in steps of this size.
constexpr size_t kInputBufferBytes = 1 << 20;
// The first read is small because probing often needs only a header line.
constexpr size_t kFirstReadBytes = 64 * 1024;
constexpr unsigned char kGzipMagic0 = 0x1f;
constexpr unsigned char kGzipMagic1 = 0x8b;

Status IoError(const std::string& path, const char* operation, int error) {
    return Status(ErrorKind::kIo, "cannot " + std::string(operation) + " " + path + ": " + std::strerror(error));
}

}  // namespace

Result<std::unique_ptr<InputFile>> InputFile::Open(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return IoError(path, "open", errno);
    }
    struct stat info {};
    if (::fstat(fd, &info) != 0) {
        const int error = errno;
        ::close(fd);
        return IoError(path, "stat", error);
    }
    if (S_ISDIR(info.st_mode)) {
        ::close(fd);
        return Status(ErrorKind::kIo, "cannot read " + path + ": it is a directory, not a file");
    }
#ifdef POSIX_FADV_SEQUENTIAL
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
    std::unique_ptr<InputFile> file(new InputFile(path, fd));
    UNMASK_TRY(file->Start());
    return file;
}

InputFile::~InputFile() {
    if (stream_open_) {
        inflateEnd(&stream_);
    }
    if (fd_ >= 0) {
        ::close(fd_);
    }
}

Result<size_t> InputFile::ReadRaw(char* destination, size_t capacity) {
    size_t total = 0;
    while (total < capacity) {
        const ssize_t count = ::read(fd_, destination + total, capacity - total);
        if (count < 0) {
            if (errno == EINTR) {
                continue;
            }
            return IoError(path_, "read", errno);
        }
        if (count == 0) {
            file_eof_ = true;
            break;
        }
        total += static_cast<size_t>(count);
    }
    bytes_read_ += total;
    return total;
}

Status InputFile::RefillInput() {
    if (input_begin_ > 0) {
        std::memmove(input_.data(), input_.data() + input_begin_, input_end_ - input_begin_);
        input_end_ -= input_begin_;
        input_begin_ = 0;
    }
    UNMASK_ASSIGN_OR_RETURN(size_t count,
                            ReadRaw(reinterpret_cast<char*>(input_.data()) + input_end_, input_.size() - input_end_));
    input_end_ += count;
    return Status::Ok();
}

Status InputFile::Start() {
    input_.resize(kInputBufferBytes);
    UNMASK_ASSIGN_OR_RETURN(input_end_, ReadRaw(reinterpret_cast<char*>(input_.data()), kFirstReadBytes));
    gzip_ = input_end_ >= 2 && input_[0] == kGzipMagic0 && input_[1] == kGzipMagic1;
    if (!gzip_) {
        return Status::Ok();
    }
    // 16 + MAX_WBITS: expect a gzip header and trailer, not a raw zlib stream.
    if (inflateInit2(&stream_, 16 + MAX_WBITS) != Z_OK) {
        return Status(ErrorKind::kInternal, "zlib inflateInit2 failed for " + path_);
    }
    stream_open_ = true;
    return Status::Ok();
}

Result<size_t> InputFile::Read(char* destination, size_t capacity) {
    if (finished_ || capacity == 0) {
        return size_t{0};
    }
    if (gzip_) {
        return Inflate(destination, capacity);
    }
    // Serve the bytes read ahead for sniffing first, then read straight into the destination.
    if (input_begin_ < input_end_) {
        const size_t count = std::min(capacity, input_end_ - input_begin_);
        std::memcpy(destination, input_.data() + input_begin_, count);
        input_begin_ += count;
        return count;
    }
    if (file_eof_) {
        finished_ = true;
        return size_t{0};
    }
    UNMASK_ASSIGN_OR_RETURN(size_t count, ReadRaw(destination, capacity));
    if (count == 0) {
        finished_ = true;
    }
    return count;
}

Result<size_t> InputFile::ReadFull(char* destination, size_t capacity) {
    size_t total = 0;
    while (total < capacity) {
        UNMASK_ASSIGN_OR_RETURN(size_t count, Read(destination + total, capacity - total));
        if (count == 0) {
            break;
        }
        total += count;
    }
    return total;
}

Result<bool> InputFile::SkipZeroPadding() {
    while (true) {
        const unsigned char* begin = input_.data() + input_begin_;
        const unsigned char* end = input_.data() + input_end_;
        if (std::any_of(begin, end, [](unsigned char byte) { return byte != 0; })) {
            return false;
        }
        input_begin_ = input_end_;
        if (file_eof_) {
            return true;
        }
        UNMASK_TRY(RefillInput());
    }
}

Result<size_t> InputFile::Inflate(char* destination, size_t capacity) {
    size_t produced = 0;
    while (produced < capacity && !finished_) {
        if (input_begin_ == input_end_ && !file_eof_) {
            UNMASK_TRY(RefillInput());
        }
        const size_t available = input_end_ - input_begin_;
        if (member_ended_) {
            // A gzip member ended. Another member may follow (concatenated .gz files).
            if (available < 2 && !file_eof_) {
                UNMASK_TRY(RefillInput());
                continue;
            }
            if (input_end_ - input_begin_ == 0) {
                finished_ = true;
                break;
            }
            if (input_end_ - input_begin_ < 2 || input_[input_begin_] != kGzipMagic0 ||
                input_[input_begin_ + 1] != kGzipMagic1) {
                // The content so far is complete. Zero bytes after it are padding (tape and
                // block-device copies add them), anything else may be lost data.
                UNMASK_ASSIGN_OR_RETURN(bool padding, SkipZeroPadding());
                if (!padding) {
                    damage_ = "data after the end of the gzip stream is not gzip";
                }
                finished_ = true;
                break;
            }
            inflateReset(&stream_);
            member_ended_ = false;
            continue;
        }
        if (available == 0 && file_eof_) {
            damage_ = "unexpected end of file: the gzip stream is truncated";
            content_cut_ = true;
            finished_ = true;
            break;
        }
        stream_.next_in = input_.data() + input_begin_;
        stream_.avail_in = static_cast<uInt>(available);
        stream_.next_out = reinterpret_cast<Bytef*>(destination + produced);
        stream_.avail_out = static_cast<uInt>(std::min<size_t>(capacity - produced, 1u << 30));
        const uInt out_before = stream_.avail_out;
        const int code = inflate(&stream_, Z_NO_FLUSH);
        input_begin_ = input_end_ - stream_.avail_in;
        produced += out_before - stream_.avail_out;
        if (code == Z_STREAM_END) {
            member_ended_ = true;
        } else if (code == Z_BUF_ERROR) {
            // No progress was possible. More input is read at the top of the loop, unless the
            // file has ended or zlib consumed nothing of the input it had.
            if ((file_eof_ && input_begin_ == input_end_) || input_begin_ == input_end_ - available) {
                damage_ = "unexpected end of file: the gzip stream is truncated";
                content_cut_ = true;
                finished_ = true;
            }
        } else if (code != Z_OK) {
            damage_ = std::string("corrupt gzip data (zlib: ") + (stream_.msg != nullptr ? stream_.msg : "error") + ")";
            content_cut_ = true;
            finished_ = true;
        }
    }
    return produced;
}

}  // namespace unmask::ingest
