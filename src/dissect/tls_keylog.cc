#include "dissect/tls_keylog.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <system_error>

namespace unmask::dissect {
namespace {

constexpr size_t kClientRandomLength = 32;
constexpr size_t kMasterSecretLength = 48;
// An RSA line carries the first 8 bytes of the encrypted pre-master secret in place of a client random.
constexpr size_t kRsaPrefixLength = 8;
constexpr size_t kReadChunkBytes = 64 * 1024;
constexpr std::string_view kUtf8ByteOrderMark = "\xEF\xBB\xBF";
constexpr std::string_view kUtf16LittleEndianByteOrderMark = "\xFF\xFE";
constexpr std::string_view kUtf16BigEndianByteOrderMark = "\xFE\xFF";
constexpr std::string_view kFixHint = "give the file that SSLKEYLOGFILE named";

int HexDigitValue(char c) {
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

bool IsHex(std::string_view text) {
    for (const char c : text) {
        if (HexDigitValue(c) < 0) {
            return false;
        }
    }
    return true;
}

std::optional<std::string> DecodeHex(std::string_view hex) {
    if (hex.size() % 2 != 0) {
        return std::nullopt;
    }
    std::string bytes(hex.size() / 2, '\0');
    for (size_t i = 0; i < bytes.size(); ++i) {
        const int high = HexDigitValue(hex[2 * i]);
        const int low = HexDigitValue(hex[2 * i + 1]);
        if (high < 0 || low < 0) {
            return std::nullopt;
        }
        bytes[i] = static_cast<char>((high << 4) | low);
    }
    return bytes;
}

bool IsSpace(char c) {
    return c == ' ' || c == '\t' || c == '\r';
}

// Splits a line into whitespace-separated fields. At most `max_fields` + 1 are returned, so that
// trailing junk is detected.
std::vector<std::string_view> SplitFields(std::string_view line, size_t max_fields) {
    std::vector<std::string_view> fields;
    size_t position = 0;
    while (position < line.size() && fields.size() <= max_fields) {
        while (position < line.size() && IsSpace(line[position])) {
            ++position;
        }
        const size_t start = position;
        while (position < line.size() && !IsSpace(line[position])) {
            ++position;
        }
        if (position > start) {
            fields.push_back(line.substr(start, position - start));
        }
    }
    return fields;
}

// Member of TlsSessionSecrets that a label fills, or null for a label that is not read.
std::string TlsSessionSecrets::*SecretForLabel(std::string_view label) {
    if (label == "CLIENT_RANDOM") {
        return &TlsSessionSecrets::master_secret;
    }
    if (label == "CLIENT_HANDSHAKE_TRAFFIC_SECRET") {
        return &TlsSessionSecrets::client_handshake_traffic_secret;
    }
    if (label == "SERVER_HANDSHAKE_TRAFFIC_SECRET") {
        return &TlsSessionSecrets::server_handshake_traffic_secret;
    }
    if (label == "CLIENT_TRAFFIC_SECRET_0") {
        return &TlsSessionSecrets::client_traffic_secret_0;
    }
    if (label == "SERVER_TRAFFIC_SECRET_0") {
        return &TlsSessionSecrets::server_traffic_secret_0;
    }
    return nullptr;
}

// True for an NSS label: one or more of A-Z, 0-9 and '_'.
bool IsLabel(std::string_view field) {
    for (const char c : field) {
        const bool allowed = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
        if (!allowed) {
            return false;
        }
    }
    return !field.empty();
}

// Checks the fields of a line against the NSS shape: a label, the client random (for RSA lines the
// encrypted pre-master prefix) and an even-length hex secret. Returns the reason for a mismatch.
// The reasons never quote a field, because every field after the label can be a secret.
std::optional<std::string> CheckLineShape(const std::vector<std::string_view>& fields) {
    if (!IsLabel(fields[0])) {
        return "first field is not a key log label (A-Z, 0-9 and '_', such as CLIENT_RANDOM)";
    }
    if (fields.size() < 3) {
        return "expected 3 fields (label, client random, secret), found " + std::to_string(fields.size());
    }
    if (fields.size() > 3) {
        return std::string("expected 3 fields (label, client random, secret), found more than 3");
    }
    const std::string_view random_field = fields[1];
    if (fields[0] == "RSA") {
        if (random_field.size() != 2 * kRsaPrefixLength || !IsHex(random_field)) {
            return "RSA line: second field is not 16 hex digits (the first 8 bytes of the encrypted pre-master "
                   "secret); found " +
                   std::to_string(random_field.size()) + " characters";
        }
    } else if (random_field.size() != 2 * kClientRandomLength || !IsHex(random_field)) {
        return "client random is not 64 hex digits; found " + std::to_string(random_field.size()) + " characters";
    }
    const std::string_view secret_field = fields[2];
    if (!IsHex(secret_field)) {
        return std::string("secret is not hex: it contains a character other than 0-9, a-f and A-F");
    }
    if (secret_field.size() % 2 != 0) {
        return "secret has an odd number of hex digits (" + std::to_string(secret_field.size()) + ")";
    }
    return std::nullopt;
}

// Compression format recognized by the magic bytes at the start of a file.
struct CompressionFormat {
    std::string_view magic;
    const char* name;
    const char* decompress_command;
};

// Returns the compression format whose magic bytes start `text`, or null.
const CompressionFormat* FindCompressionFormat(std::string_view text) {
    static constexpr CompressionFormat kFormats[] = {
        {std::string_view("\x1F\x8B", 2), "gzip", "gunzip"},
        // "BZh", the block size digit, then the block magic 0x314159265359 ("1AY&SY").
        {std::string_view("BZh"), "bzip2", "bunzip2"},
        // FD, "7zXZ", 00
        {std::string_view("\xFD\x37\x7A\x58\x5A\x00", 6), "xz", "unxz"},
        {std::string_view("\x28\xB5\x2F\xFD", 4), "zstd", "unzstd"},
    };
    for (const CompressionFormat& format : kFormats) {
        if (!text.starts_with(format.magic)) {
            continue;
        }
        if (format.magic == "BZh") {
            const bool has_block_magic =
                text.size() >= 10 && text[3] >= '1' && text[3] <= '9' && text.substr(4, 6) == "1AY&SY";
            if (!has_block_magic) {
                continue;
            }
        }
        return &format;
    }
    return nullptr;
}

// Rejects text that starts with the magic bytes of a compression format or with a UTF-16 byte
// order mark, so that the user gets the fix instead of a count of malformed lines.
Status CheckEncoding(std::string_view text, std::string_view source) {
    if (const CompressionFormat* format = FindCompressionFormat(text)) {
        return Status(ErrorKind::kInvalidInput, std::string(source) + " is " + format->name +
                                                    "-compressed; decompress it first (" + format->decompress_command +
                                                    ")");
    }
    if (text.starts_with(kUtf16LittleEndianByteOrderMark) || text.starts_with(kUtf16BigEndianByteOrderMark)) {
        return Status(ErrorKind::kInvalidInput, std::string(source) + " is UTF-16 text; convert it to UTF-8 first "
                                                                      "(iconv -f UTF-16 -t UTF-8)");
    }
    return Status::Ok();
}

std::string DescribeByteCount(uint64_t bytes) {
    constexpr uint64_t kMebibyte = 1024 * 1024;
    if (bytes >= kMebibyte && bytes % kMebibyte == 0) {
        return std::to_string(bytes / kMebibyte) + " MiB";
    }
    return std::to_string(bytes) + " bytes";
}

// Builds the error for a key log larger than `max_bytes`. `size` is empty for a stream, whose
// size is known only up to the byte after the maximum.
Status LimitError(const std::string& path, std::optional<uint64_t> size, uint64_t max_bytes) {
    const std::string size_text = size ? " has " + std::to_string(*size) + " bytes, more than" : " is larger than";
    return Status(ErrorKind::kLimitExceeded, "key log " + path + size_text + " the maximum of " +
                                                 DescribeByteCount(max_bytes) +
                                                 "; keep only the lines of the sessions in this capture");
}

// Reads a stream to its end in chunks, so that pipes and FIFOs, which have no size, work too.
Result<std::string> ReadKeyLogStream(std::ifstream& file, const std::string& path, uint64_t max_bytes) {
    std::string text;
    while (true) {
        const uint64_t room = max_bytes - text.size() + 1; // one byte more than allowed detects a larger log
        const size_t chunk = static_cast<size_t>(std::min<uint64_t>(kReadChunkBytes, room));
        const size_t old_size = text.size();
        text.resize(old_size + chunk);
        errno = 0;
        file.read(text.data() + old_size, static_cast<std::streamsize>(chunk));
        const int read_errno = errno;
        text.resize(old_size + static_cast<size_t>(file.gcount()));
        if (file.bad()) {
            const std::string reason = read_errno != 0 ? std::strerror(read_errno) : "unknown error";
            return Status(ErrorKind::kIo, "failed to read key log file " + path + ": " + reason);
        }
        if (text.size() > max_bytes) {
            return LimitError(path, std::nullopt, max_bytes);
        }
        if (file.eof()) {
            return text;
        }
    }
}

// Builds the error for a key log without a usable line from its line counts.
std::string DescribeNoUsableLine(std::string_view source, uint64_t ignored_lines, uint64_t malformed_lines,
                                 const std::vector<std::string>& malformed_examples) {
    std::string message = std::string(source) + ": no usable key log line (expected NSS key log lines such as "
                                                "'CLIENT_RANDOM <64 hex digits> <96 hex digits>')";
    if (malformed_lines == 0 && ignored_lines == 0) {
        return message + "; the file is empty or contains only comments and blank lines; " + std::string(kFixHint);
    }
    message += "; ignored lines: " + std::to_string(ignored_lines) +
               " (labels that unmask does not use, such as EXPORTER_SECRET); malformed lines: " +
               std::to_string(malformed_lines);
    if (!malformed_examples.empty()) {
        message += "; first malformed line: " + malformed_examples.front();
    }
    return message;
}

} // namespace

Result<TlsKeyLog> TlsKeyLog::Parse(std::string_view text, std::string_view source) {
    UNMASK_TRY(CheckEncoding(text, source));
    if (text.starts_with(kUtf8ByteOrderMark)) {
        text.remove_prefix(kUtf8ByteOrderMark.size());
    }
    TlsKeyLog log;
    const auto add_malformed = [&](uint64_t line_number, std::string_view reason) {
        ++log.malformed_lines_;
        if (log.malformed_examples_.size() < kMaxKeyLogExamples) {
            log.malformed_examples_.push_back(std::string(source) + ":" + std::to_string(line_number) + ": " +
                                              std::string(reason));
        }
    };
    uint64_t line_number = 0;
    size_t position = 0;
    while (position < text.size()) {
        size_t end = text.find('\n', position);
        if (end == std::string_view::npos) {
            end = text.size();
        }
        const std::string_view line = text.substr(position, end - position);
        position = end + 1;
        ++line_number;

        const std::vector<std::string_view> fields = SplitFields(line, 3);
        if (fields.empty() || fields[0].front() == '#') {
            continue;
        }
        if (const std::optional<std::string> reason = CheckLineShape(fields)) {
            add_malformed(line_number, *reason);
            continue;
        }
        std::string TlsSessionSecrets::*member = SecretForLabel(fields[0]);
        if (member == nullptr) {
            ++log.ignored_lines_;
            continue;
        }
        const std::optional<std::string> client_random = DecodeHex(fields[1]);
        const std::optional<std::string> secret = DecodeHex(fields[2]);
        if (!client_random || !secret) {
            // CheckLineShape has checked both fields, so this only guards against a change there.
            add_malformed(line_number, "client random or secret is not hex");
            continue;
        }
        if (member == &TlsSessionSecrets::master_secret && secret->size() != kMasterSecretLength) {
            add_malformed(line_number,
                          "CLIENT_RANDOM master secret has " + std::to_string(secret->size()) + " bytes, expected 48");
            continue;
        }
        if (member != &TlsSessionSecrets::master_secret && secret->size() != 32 && secret->size() != 48) {
            add_malformed(line_number, std::string(fields[0]) + " has " + std::to_string(secret->size()) +
                                           " bytes, expected 32 (SHA-256 suites) or 48 (SHA-384)");
            continue;
        }
        log.sessions_[*client_random].*member = *secret;
    }
    if (log.sessions_.empty()) {
        return Status(ErrorKind::kInvalidInput,
                      DescribeNoUsableLine(source, log.ignored_lines_, log.malformed_lines_, log.malformed_examples_));
    }
    return log;
}

Result<TlsKeyLog> TlsKeyLog::Load(const std::string& path, uint64_t max_bytes) {
    namespace fs = std::filesystem;
    std::error_code error;
    const fs::file_status status = fs::status(path, error);
    if (error) {
        return Status(ErrorKind::kIo,
                      "failed to open key log file " + path + ": " + error.message() + "; " + std::string(kFixHint));
    }
    if (fs::is_directory(status)) {
        return Status(ErrorKind::kIo, path + " is a directory, not a key log file; " + std::string(kFixHint));
    }
    if (fs::is_regular_file(status)) {
        const uintmax_t size = fs::file_size(path, error);
        if (!error && size > max_bytes) {
            return LimitError(path, static_cast<uint64_t>(size), max_bytes);
        }
    }

    errno = 0;
    std::ifstream file(path, std::ios::binary);
    if (!file) {
        const int open_errno = errno;
        const std::string reason = open_errno != 0 ? std::strerror(open_errno) : "unknown error";
        return Status(ErrorKind::kIo, "failed to open key log file " + path + ": " + reason);
    }
    UNMASK_ASSIGN_OR_RETURN(const std::string text, ReadKeyLogStream(file, path, max_bytes));
    return Parse(text, path);
}

const TlsSessionSecrets* TlsKeyLog::Find(std::span<const uint8_t> client_random) const {
    if (client_random.size() != kClientRandomLength) {
        return nullptr;
    }
    const auto found = sessions_.find(std::string(client_random.begin(), client_random.end()));
    return found == sessions_.end() ? nullptr : &found->second;
}

} // namespace unmask::dissect
