#include "ingest/cell_parse.h"

#include <array>
#include <charconv>
#include <cmath>
#include <limits>

#include "ingest/reader.h"
#include "table/datetime.h"

namespace unmask::ingest {

bool ParseInt64(std::string_view text, int64_t& value) {
    size_t i = 0;
    bool negative = false;
    if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
        negative = text[0] == '-';
        i = 1;
    }
    if (i == text.size() || text.size() - i > 20) {
        return false;
    }
    uint64_t magnitude = 0;
    for (; i < text.size(); ++i) {
        const auto digit = static_cast<unsigned>(static_cast<unsigned char>(text[i]) - '0');
        if (digit > 9) {
            return false;
        }
        if (magnitude > (std::numeric_limits<uint64_t>::max() - digit) / 10) {
            return false;
        }
        magnitude = magnitude * 10 + digit;
    }
    constexpr uint64_t kMaxPositive = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
    if (negative) {
        if (magnitude > kMaxPositive + 1) {
            return false;
        }
        value = magnitude == kMaxPositive + 1 ? std::numeric_limits<int64_t>::min() : -static_cast<int64_t>(magnitude);
    } else {
        if (magnitude > kMaxPositive) {
            return false;
        }
        value = static_cast<int64_t>(magnitude);
    }
    return true;
}

bool ParseReal(std::string_view text, double& value) {
    if (text.empty()) {
        return false;
    }
    if (text == "NaN") {
        value = std::numeric_limits<double>::quiet_NaN();
        return true;
    }
    if (text == "Infinity" || text == "+Infinity") {
        value = std::numeric_limits<double>::infinity();
        return true;
    }
    if (text == "-Infinity") {
        value = -std::numeric_limits<double>::infinity();
        return true;
    }
    const char* begin = text.data();
    if (text[0] == '+') {
        ++begin;
    }
    const auto [end, error] = std::from_chars(begin, text.data() + text.size(), value, std::chars_format::general);
    // from_chars also takes "inf" and "nan"; only Kusto's spellings above are accepted.
    if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
        return false;
    }
    return true;
}

bool ParseBoolText(std::string_view text, int64_t& value) {
    auto equals_ignoring_case = [](std::string_view left, std::string_view right) {
        if (left.size() != right.size()) {
            return false;
        }
        for (size_t i = 0; i < left.size(); ++i) {
            if ((left[i] | 0x20) != right[i]) {
                return false;
            }
        }
        return true;
    };
    if (text == "1" || equals_ignoring_case(text, "true")) {
        value = 1;
        return true;
    }
    if (text == "0" || equals_ignoring_case(text, "false")) {
        value = 0;
        return true;
    }
    return false;
}

namespace {

// Days before the first of each month in a non-leap year.
constexpr std::array<int, 12> kDaysBeforeMonth = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
constexpr std::array<int, 12> kDaysInMonth = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

inline bool IsLeap(int year) {
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

// Value of the two digits at `text`, or -1.
inline int TwoDigits(const char* text) {
    const auto high = static_cast<unsigned>(static_cast<unsigned char>(text[0]) - '0');
    const auto low = static_cast<unsigned>(static_cast<unsigned char>(text[1]) - '0');
    return high <= 9 && low <= 9 ? static_cast<int>(high * 10 + low) : -1;
}

// Parses exactly YYYY-MM-DDTHH:MM:SS[.f{1,7}]Z. Returns nullopt for anything else, including
// forms that the general parser accepts.
std::optional<int64_t> ParseExportDateTime(std::string_view text) {
    const size_t size = text.size();
    if (size < 20 || size > 28) {
        return std::nullopt;
    }
    const char* s = text.data();
    if (s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[size - 1] != 'Z') {
        return std::nullopt;
    }
    const int century = TwoDigits(s);
    const int year_low = TwoDigits(s + 2);
    const int month = TwoDigits(s + 5);
    const int day = TwoDigits(s + 8);
    const int hour = TwoDigits(s + 11);
    const int minute = TwoDigits(s + 14);
    const int second = TwoDigits(s + 17);
    if (century < 0 || year_low < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 ||
        minute > 59 || second < 0 || second > 59) {
        return std::nullopt;
    }

    const int year = century * 100 + year_low;
    const bool leap = IsLeap(year);
    if (year < 1 || day > kDaysInMonth[month - 1] + (month == 2 && leap ? 1 : 0)) {
        return std::nullopt;
    }

    int64_t fraction = 0;
    if (size > 20) {
        // ".f" with 1 to 7 digits before the Z.
        if (s[19] != '.' || size < 22) {
            return std::nullopt;
        }
        int digits = 0;
        for (size_t i = 20; i < size - 1; ++i) {
            const auto digit = static_cast<unsigned>(static_cast<unsigned char>(s[i]) - '0');
            if (digit > 9) {
                return std::nullopt;
            }
            fraction = fraction * 10 + digit;
            ++digits;
        }
        static constexpr std::array<int64_t, 8> kScale = {10'000'000, 1'000'000, 100'000, 10'000, 1'000, 100, 10, 1};
        fraction *= kScale[digits];
    }

    const int64_t years_before = year - 1;
    const int64_t days = years_before * 365 + years_before / 4 - years_before / 100 + years_before / 400 +
                         kDaysBeforeMonth[month - 1] + (month > 2 && leap ? 1 : 0) + (day - 1);
    return days * kTicksPerDay + hour * kTicksPerHour + minute * kTicksPerMinute + second * kTicksPerSecond + fraction;
}

}  // namespace

std::optional<int64_t> ParseCellDateTime(std::string_view text) {
    if (auto ticks = ParseExportDateTime(text)) {
        return ticks;
    }
    return ParseDateTime(text);
}

const char* CellErrorReason(CellError error) {
    switch (error) {
    case CellError::kNone:
        return "";
    case CellError::kInvalidNumber:
        return kRejectInvalidNumber;
    case CellError::kInvalidDateTime:
        return kRejectInvalidDateTime;
    case CellError::kInvalidBool:
        return kRejectInvalidBool;
    case CellError::kInvalidTimeSpan:
        return kRejectInvalidTimeSpan;
    }
    return "";
}

std::string ExpectedValueText(Type type) {
    switch (type) {
    case Type::kBool:
        return "a bool (true, false, 1 or 0)";
    case Type::kInt:
        return "an int (32-bit integer)";
    case Type::kLong:
        return "a long (64-bit integer)";
    case Type::kReal:
        return "a real number";
    case Type::kString:
        return "a string";
    case Type::kDateTime:
        return "an ISO 8601 datetime such as 2023-12-21T19:04:59.0109752Z";
    case Type::kTimeSpan:
        return "a timespan such as 01:30:00 or 1.02:03:04.5";
    case Type::kDynamic:
        return "a JSON value";
    }
    return "a value";
}

CellError AppendTextValue(Column& column, std::string_view text) {
    switch (column.type) {
    case Type::kInt:
    case Type::kLong: {
        int64_t value = 0;
        if (!ParseInt64(text, value)) {
            return CellError::kInvalidNumber;
        }
        if (column.type == Type::kInt &&
            (value < std::numeric_limits<int32_t>::min() || value > std::numeric_limits<int32_t>::max())) {
            return CellError::kInvalidNumber;
        }
        column.AppendInt(value);
        return CellError::kNone;
    }
    case Type::kReal: {
        double value = 0;
        if (!ParseReal(text, value)) {
            return CellError::kInvalidNumber;
        }
        column.AppendReal(value);
        return CellError::kNone;
    }
    case Type::kBool: {
        int64_t value = 0;
        if (!ParseBoolText(text, value)) {
            return CellError::kInvalidBool;
        }
        column.AppendInt(value);
        return CellError::kNone;
    }
    case Type::kDateTime: {
        const std::optional<int64_t> ticks = ParseCellDateTime(text);
        if (!ticks) {
            return CellError::kInvalidDateTime;
        }
        column.AppendInt(*ticks);
        return CellError::kNone;
    }
    case Type::kTimeSpan: {
        const std::optional<int64_t> ticks = ParseTimeSpan(text);
        if (!ticks) {
            return CellError::kInvalidTimeSpan;
        }
        column.AppendInt(*ticks);
        return CellError::kNone;
    }
    case Type::kDynamic: {
        Result<DynamicPtr> parsed = ParseJson(text);
        column.AppendDynamic(parsed.ok() ? std::move(parsed).value() : DynamicValue::String(std::string(text)));
        return CellError::kNone;
    }
    case Type::kString:
        column.AppendString(text);
        return CellError::kNone;
    }
    return CellError::kNone;
}

}  // namespace unmask::ingest
