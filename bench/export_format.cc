#include "export_format.h"

#include <algorithm>
#include <charconv>
#include <chrono>

namespace unmask::bench {
namespace {

// Parses exactly `count` decimal digits at `text[position]`.
std::optional<int> ParseDigits(std::string_view text, size_t position, size_t count) {
    if (position + count > text.size()) {
        return std::nullopt;
    }
    int value = 0;
    for (size_t i = position; i < position + count; ++i) {
        if (text[i] < '0' || text[i] > '9') {
            return std::nullopt;
        }
        value = value * 10 + (text[i] - '0');
    }
    return value;
}

void WriteTwoDigits(char* out, int value) {
    out[0] = static_cast<char>('0' + value / 10);
    out[1] = static_cast<char>('0' + value % 10);
}

int64_t FloorDivide(int64_t value, int64_t divisor) {
    int64_t quotient = value / divisor;
    if (value % divisor < 0) {
        --quotient;
    }
    return quotient;
}

// "YYYY-MM-DDTHH:MM:SS.fffffffZ" for years 0000..9999.
constexpr size_t kMaxTimestampLength = 28;

// Writes the export form of `ticks` to `out` and returns its length.
size_t WriteTimestamp(int64_t ticks, char* out) {
    const int64_t day = FloorDivide(ticks, kTicksPerDay);
    const std::chrono::year_month_day date{std::chrono::sys_days{std::chrono::days{day}}};
    const int year = static_cast<int>(date.year());
    out[0] = static_cast<char>('0' + year / 1000 % 10);
    out[1] = static_cast<char>('0' + year / 100 % 10);
    out[2] = static_cast<char>('0' + year / 10 % 10);
    out[3] = static_cast<char>('0' + year % 10);
    out[4] = '-';
    WriteTwoDigits(out + 5, static_cast<int>(static_cast<unsigned>(date.month())));
    out[7] = '-';
    WriteTwoDigits(out + 8, static_cast<int>(static_cast<unsigned>(date.day())));
    out[10] = 'T';

    const int64_t within_day = ticks - day * kTicksPerDay;
    const int64_t seconds = within_day / kTicksPerSecond;
    int64_t fraction = within_day % kTicksPerSecond;
    WriteTwoDigits(out + 11, static_cast<int>(seconds / 3600));
    out[13] = ':';
    WriteTwoDigits(out + 14, static_cast<int>(seconds / 60 % 60));
    out[16] = ':';
    WriteTwoDigits(out + 17, static_cast<int>(seconds % 60));
    size_t length = 19;
    if (fraction != 0) {
        int digits = 7;
        while (fraction % 10 == 0) {
            fraction /= 10;
            --digits;
        }
        out[length] = '.';
        for (int i = digits; i > 0; --i) {
            out[length + static_cast<size_t>(i)] = static_cast<char>('0' + fraction % 10);
            fraction /= 10;
        }
        length += static_cast<size_t>(digits) + 1;
    }
    out[length++] = 'Z';
    return length;
}

} // namespace

std::optional<int64_t> ParseUtcTimestamp(std::string_view text) {
    const auto year = ParseDigits(text, 0, 4);
    const auto month = ParseDigits(text, 5, 2);
    const auto day = ParseDigits(text, 8, 2);
    const auto hour = ParseDigits(text, 11, 2);
    const auto minute = ParseDigits(text, 14, 2);
    const auto second = ParseDigits(text, 17, 2);
    if (!year || !month || !day || !hour || !minute || !second || text[4] != '-' || text[7] != '-' ||
        (text[10] != 'T' && text[10] != ' ') || text[13] != ':' || text[16] != ':') {
        return std::nullopt;
    }
    const std::chrono::year_month_day date{std::chrono::year{*year}, std::chrono::month{static_cast<unsigned>(*month)},
                                           std::chrono::day{static_cast<unsigned>(*day)}};
    if (!date.ok() || *hour > 23 || *minute > 59 || *second > 59) {
        return std::nullopt;
    }

    size_t position = 19;
    int64_t fraction_ticks = 0;
    if (position < text.size() && text[position] == '.') {
        ++position;
        int64_t scale = kTicksPerSecond;
        size_t digits = 0;
        while (position < text.size() && text[position] >= '0' && text[position] <= '9') {
            if (digits == 7) {
                return std::nullopt;
            }
            scale /= 10;
            fraction_ticks += (text[position] - '0') * scale;
            ++position;
            ++digits;
        }
        if (digits == 0) {
            return std::nullopt;
        }
    }
    if (position < text.size() && text[position] == 'Z') {
        ++position;
    }
    if (position != text.size()) {
        return std::nullopt;
    }

    const int64_t days = std::chrono::sys_days{date}.time_since_epoch().count();
    return days * kTicksPerDay + (*hour * 3600LL + *minute * 60LL + *second) * kTicksPerSecond + fraction_ticks;
}

std::string FormatUtcTimestamp(int64_t ticks) {
    char text[kMaxTimestampLength];
    return std::string(text, WriteTimestamp(ticks, text));
}

std::string CsvField(std::string_view text) {
    if (text.find_first_of(",\"\r\n") == std::string_view::npos) {
        return std::string(text);
    }
    std::string quoted;
    quoted.reserve(text.size() + 8);
    quoted.push_back('"');
    for (const char c : text) {
        if (c == '"') {
            quoted.push_back('"');
        }
        quoted.push_back(c);
    }
    quoted.push_back('"');
    return quoted;
}

CsvOutput::CsvOutput(std::FILE* file, bool continues_output)
    : file_(file), buffer_(kBufferSize), records_(continues_output ? 1 : 0), continues_output_(continues_output) {}

void CsvOutput::Integer(int64_t value) {
    char digits[24];
    const auto result = std::to_chars(digits, digits + sizeof(digits), value);
    Raw(std::string_view(digits, static_cast<size_t>(result.ptr - digits)));
}

void CsvOutput::Timestamp(int64_t ticks) {
    char text[kMaxTimestampLength];
    Raw(std::string_view(text, WriteTimestamp(ticks, text)));
}

void CsvOutput::Append(CsvOutput& chunk) {
    Flush();
    if (file_ != nullptr && chunk.used_ > 0 &&
        std::fwrite(chunk.buffer_.data(), 1, chunk.used_, file_) != chunk.used_) {
        write_failed_ = true;
    }
    flushed_bytes_ += chunk.used_;
    records_ += chunk.records_ - (chunk.continues_output_ ? 1 : 0);
    chunk.used_ = 0;
    chunk.records_ = chunk.continues_output_ ? 1 : 0;
}

bool CsvOutput::Finish() {
    Flush();
    if (file_ != nullptr && std::fflush(file_) != 0) {
        write_failed_ = true;
    }
    return !write_failed_;
}

void CsvOutput::MakeRoom(size_t size) {
    Flush();
    if (size > buffer_.size() - used_) {
        // Doubling keeps an in-memory output, which never flushes, at amortised linear cost.
        buffer_.resize(std::max(buffer_.size() * 2, used_ + size));
    }
}

void CsvOutput::Flush() {
    if (used_ == 0 || file_ == nullptr) {
        return;
    }
    if (std::fwrite(buffer_.data(), 1, used_, file_) != used_) {
        write_failed_ = true;
    }
    flushed_bytes_ += used_;
    used_ = 0;
}

} // namespace unmask::bench
