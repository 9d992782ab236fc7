#include "table/datetime.h"

#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>

namespace unmask {

int64_t DaysFromCivil(int64_t year, int month, int day) {
    // Days-from-civil over 400-year eras, shifted so that day 0 is 0001-01-01.
    year -= month <= 2 ? 1 : 0;
    const int64_t era = (year >= 0 ? year : year - 399) / 400;
    const int64_t year_of_era = year - era * 400;
    const int64_t day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    const int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    const int64_t days_since_0000_03_01 = era * 146097 + day_of_era;
    // 0001-01-01 is 306 days after 0000-03-01.
    return days_since_0000_03_01 - 306;
}

CivilTime CivilFromTicks(int64_t ticks) {
    int64_t days = ticks / kTicksPerDay;
    int64_t rest = ticks % kTicksPerDay;
    if (rest < 0) {
        rest += kTicksPerDay;
        --days;
    }
    const int64_t z = days + 306;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const int64_t day_of_era = z - era * 146097;
    const int64_t year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
    const int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    const int64_t mp = (5 * day_of_year + 2) / 153;
    CivilTime civil;
    civil.day = static_cast<int>(day_of_year - (153 * mp + 2) / 5 + 1);
    civil.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
    civil.year = year_of_era + era * 400 + (civil.month <= 2 ? 1 : 0);
    civil.hour = static_cast<int>(rest / kTicksPerHour);
    rest %= kTicksPerHour;
    civil.minute = static_cast<int>(rest / kTicksPerMinute);
    rest %= kTicksPerMinute;
    civil.second = static_cast<int>(rest / kTicksPerSecond);
    civil.fraction_ticks = rest % kTicksPerSecond;
    return civil;
}

int64_t TicksFromCivil(const CivilTime& civil) {
    return DaysFromCivil(civil.year, civil.month, civil.day) * kTicksPerDay + civil.hour * kTicksPerHour +
           civil.minute * kTicksPerMinute + civil.second * kTicksPerSecond + civil.fraction_ticks;
}

namespace {

bool IsLeapYear(int64_t year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int DaysInMonth(int64_t year, int month) {
    static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month == 2 && IsLeapYear(year) ? 29 : kDays[month - 1];
}

// Reads exactly `count` digits at `pos`.
bool ReadDigits(std::string_view text, size_t& pos, size_t count, int64_t& value) {
    if (pos + count > text.size()) {
        return false;
    }
    value = 0;
    for (size_t i = 0; i < count; ++i) {
        const char c = text[pos + i];
        if (c < '0' || c > '9') {
            return false;
        }
        value = value * 10 + (c - '0');
    }
    pos += count;
    return true;
}

// Reads 1 or 2 digits.
bool ReadSmall(std::string_view text, size_t& pos, int64_t& value) {
    if (pos >= text.size() || !std::isdigit(static_cast<unsigned char>(text[pos]))) {
        return false;
    }
    value = text[pos++] - '0';
    if (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
        value = value * 10 + (text[pos++] - '0');
    }
    return true;
}

bool ValidCivil(const CivilTime& c) {
    return c.year >= 1 && c.year <= 9999 && c.month >= 1 && c.month <= 12 && c.day >= 1 &&
           c.day <= DaysInMonth(c.year, c.month) && c.hour >= 0 && c.hour <= 23 && c.minute >= 0 && c.minute <= 59 &&
           c.second >= 0 && c.second <= 59;
}

// Parses "hh:mm[:ss[.fffffff]]" at pos.
bool ParseClock(std::string_view text, size_t& pos, CivilTime& civil) {
    int64_t value = 0;
    if (!ReadSmall(text, pos, value)) {
        return false;
    }
    civil.hour = static_cast<int>(value);
    if (pos >= text.size() || text[pos] != ':') {
        return false;
    }
    ++pos;
    if (!ReadSmall(text, pos, value)) {
        return false;
    }
    civil.minute = static_cast<int>(value);
    if (pos < text.size() && text[pos] == ':') {
        ++pos;
        if (!ReadSmall(text, pos, value)) {
            return false;
        }
        civil.second = static_cast<int>(value);
        if (pos < text.size() && (text[pos] == '.' || text[pos] == ',')) {
            ++pos;
            int64_t fraction = 0;
            int digits = 0;
            while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
                if (digits < 7) {
                    fraction = fraction * 10 + (text[pos] - '0');
                }
                ++digits;
                ++pos;
            }
            if (digits == 0) {
                return false;
            }
            for (int i = digits; i < 7; ++i) {
                fraction *= 10;
            }
            civil.fraction_ticks = fraction;
        }
    }
    return true;
}

int MonthFromName(std::string_view name) {
    static constexpr std::array<std::string_view, 12> kNames = {"jan", "feb", "mar", "apr", "may", "jun",
                                                                "jul", "aug", "sep", "oct", "nov", "dec"};
    if (name.size() < 3) {
        return 0;
    }
    for (size_t i = 0; i < kNames.size(); ++i) {
        bool same = true;
        for (size_t j = 0; j < 3; ++j) {
            if (std::tolower(static_cast<unsigned char>(name[j])) != kNames[i][j]) {
                same = false;
            }
        }
        if (same) {
            return static_cast<int>(i) + 1;
        }
    }
    return 0;
}

std::string_view Trim(std::string_view text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
        text.remove_prefix(1);
    }
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
        text.remove_suffix(1);
    }
    return text;
}

// RFC 822 / RFC 850: "[Day, ]DD Mon YYYY hh:mm[:ss] GMT|UT|Z|+hhmm".
std::optional<int64_t> ParseRfcDateTime(std::string_view text) {
    size_t pos = 0;
    const size_t comma = text.find(',');
    if (comma != std::string_view::npos) {
        pos = comma + 1;
    }
    while (pos < text.size() && text[pos] == ' ') {
        ++pos;
    }
    CivilTime civil;
    int64_t value = 0;
    if (!ReadSmall(text, pos, value)) {
        return std::nullopt;
    }
    civil.day = static_cast<int>(value);
    if (pos >= text.size() || (text[pos] != ' ' && text[pos] != '-')) {
        return std::nullopt;
    }
    ++pos;
    civil.month = MonthFromName(text.substr(pos, 3));
    if (civil.month == 0) {
        return std::nullopt;
    }
    pos += 3;
    if (pos >= text.size() || (text[pos] != ' ' && text[pos] != '-')) {
        return std::nullopt;
    }
    ++pos;
    size_t digits_start = pos;
    while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
        ++pos;
    }
    if (pos - digits_start == 2) {
        int64_t year = 0;
        size_t p = digits_start;
        ReadDigits(text, p, 2, year);
        civil.year = year < 50 ? 2000 + year : 1900 + year;
    } else if (pos - digits_start == 4) {
        size_t p = digits_start;
        ReadDigits(text, p, 4, civil.year);
    } else {
        return std::nullopt;
    }
    while (pos < text.size() && text[pos] == ' ') {
        ++pos;
    }
    if (pos < text.size() && !ParseClock(text, pos, civil)) {
        return std::nullopt;
    }
    while (pos < text.size() && text[pos] == ' ') {
        ++pos;
    }
    std::string_view zone = text.substr(pos);
    int64_t offset_ticks = 0;
    if (!zone.empty() && (zone[0] == '+' || zone[0] == '-') && zone.size() == 5) {
        size_t p = 1;
        int64_t hours = 0;
        int64_t minutes = 0;
        if (!ReadDigits(zone, p, 2, hours) || !ReadDigits(zone, p, 2, minutes)) {
            return std::nullopt;
        }
        offset_ticks = (hours * 60 + minutes) * kTicksPerMinute * (zone[0] == '-' ? -1 : 1);
    } else if (!zone.empty() && zone != "GMT" && zone != "UT" && zone != "UTC" && zone != "Z") {
        return std::nullopt;
    }
    if (!ValidCivil(civil)) {
        return std::nullopt;
    }
    return TicksFromCivil(civil) - offset_ticks;
}

}  // namespace

std::optional<int64_t> ParseDateTime(std::string_view text) {
    text = Trim(text);
    CivilTime civil;
    size_t pos = 0;
    int64_t value = 0;
    if (!ReadDigits(text, pos, 4, civil.year)) {
        return ParseRfcDateTime(text);
    }
    if (pos >= text.size() || (text[pos] != '-' && text[pos] != '/')) {
        return std::nullopt;
    }
    const char date_separator = text[pos++];
    if (!ReadSmall(text, pos, value)) {
        return std::nullopt;
    }
    civil.month = static_cast<int>(value);
    if (pos >= text.size() || text[pos] != date_separator) {
        return std::nullopt;
    }
    ++pos;
    if (!ReadSmall(text, pos, value)) {
        return std::nullopt;
    }
    civil.day = static_cast<int>(value);
    int64_t offset_ticks = 0;
    if (pos < text.size()) {
        if (text[pos] != 'T' && text[pos] != ' ' && text[pos] != 't') {
            return std::nullopt;
        }
        ++pos;
        while (pos < text.size() && text[pos] == ' ') {
            ++pos;
        }
        if (pos < text.size() && !ParseClock(text, pos, civil)) {
            return std::nullopt;
        }
        while (pos < text.size() && text[pos] == ' ') {
            ++pos;
        }
        if (pos < text.size()) {
            const char zone = text[pos];
            if (zone == 'Z' || zone == 'z') {
                ++pos;
            } else if (zone == '+' || zone == '-') {
                ++pos;
                int64_t hours = 0;
                int64_t minutes = 0;
                if (!ReadDigits(text, pos, 2, hours)) {
                    return std::nullopt;
                }
                if (pos < text.size() && text[pos] == ':') {
                    ++pos;
                }
                if (pos < text.size() && !ReadDigits(text, pos, 2, minutes)) {
                    return std::nullopt;
                }
                offset_ticks = (hours * 60 + minutes) * kTicksPerMinute * (zone == '-' ? -1 : 1);
            } else if (text.substr(pos) == "UTC" || text.substr(pos) == "GMT") {
                pos = text.size();
            }
        }
        if (pos != text.size()) {
            return std::nullopt;
        }
    }
    if (!ValidCivil(civil)) {
        return std::nullopt;
    }
    return TicksFromCivil(civil) - offset_ticks;
}

std::string FormatDateTime(int64_t ticks) {
    const CivilTime c = CivilFromTicks(ticks);
    char buffer[48];
    std::snprintf(buffer, sizeof(buffer), "%04lld-%02d-%02dT%02d:%02d:%02d.%07lldZ", static_cast<long long>(c.year),
                  c.month, c.day, c.hour, c.minute, c.second, static_cast<long long>(c.fraction_ticks));
    return buffer;
}

namespace {

struct TimeUnit {
    std::string_view name;
    int64_t ticks;
};

constexpr std::array<TimeUnit, 19> kTimeUnits = {{
    {"d", kTicksPerDay},
    {"day", kTicksPerDay},
    {"days", kTicksPerDay},
    {"h", kTicksPerHour},
    {"hr", kTicksPerHour},
    {"hrs", kTicksPerHour},
    {"hour", kTicksPerHour},
    {"hours", kTicksPerHour},
    {"m", kTicksPerMinute},
    {"min", kTicksPerMinute},
    {"minute", kTicksPerMinute},
    {"minutes", kTicksPerMinute},
    {"s", kTicksPerSecond},
    {"sec", kTicksPerSecond},
    {"second", kTicksPerSecond},
    {"seconds", kTicksPerSecond},
    {"ms", kTicksPerMillisecond},
    {"milli", kTicksPerMillisecond},
    {"millis", kTicksPerMillisecond},
}};

constexpr std::array<TimeUnit, 10> kSmallTimeUnits = {{
    {"millisecond", kTicksPerMillisecond},
    {"milliseconds", kTicksPerMillisecond},
    {"microsecond", kTicksPerMicrosecond},
    {"microseconds", kTicksPerMicrosecond},
    {"micro", kTicksPerMicrosecond},
    {"micros", kTicksPerMicrosecond},
    {"tick", 1},
    {"ticks", 1},
    {"nanosecond", 0},
    {"nanoseconds", 0},
}};

std::optional<int64_t> UnitTicks(std::string_view unit) {
    std::string lower;
    for (char c : unit) {
        lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    for (const TimeUnit& u : kTimeUnits) {
        if (u.name == lower) {
            return u.ticks;
        }
    }
    for (const TimeUnit& u : kSmallTimeUnits) {
        if (u.name == lower) {
            return u.ticks;
        }
    }
    return std::nullopt;
}

}  // namespace

namespace {

/// Days in the largest timespan, int64 ticks: 2^63 / 864,000,000,000 is about 10,675,199.
constexpr int64_t kMaxTimeSpanDays = INT64_MAX / kTicksPerDay;

}  // namespace

std::optional<int64_t> ParseTimeSpan(std::string_view text) {
    text = Trim(text);
    bool negative = false;
    if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
        negative = text[0] == '-';
        text.remove_prefix(1);
    }
    if (text.empty()) {
        return std::nullopt;
    }
    int64_t result = 0;
    if (text.find(':') != std::string_view::npos) {
        // [d.]hh:mm[:ss[.fffffff]]
        size_t pos = 0;
        int64_t days = 0;
        const size_t colon = text.find(':');
        const size_t dot = text.find('.');
        if (dot != std::string_view::npos && dot < colon) {
            for (; pos < dot; ++pos) {
                if (!std::isdigit(static_cast<unsigned char>(text[pos]))) {
                    return std::nullopt;
                }
                // More days than a timespan holds (about 10.7 million) are invalid.
                days = days * 10 + (text[pos] - '0');
                if (days > kMaxTimeSpanDays) {
                    return std::nullopt;
                }
            }
            ++pos;
        }
        CivilTime clock;
        if (!ParseClock(text, pos, clock) || pos != text.size() || clock.minute > 59 || clock.second > 59) {
            return std::nullopt;
        }
        const int64_t clock_ticks = clock.hour * kTicksPerHour + clock.minute * kTicksPerMinute +
                                    clock.second * kTicksPerSecond + clock.fraction_ticks;
        if (__builtin_mul_overflow(days, kTicksPerDay, &result) || __builtin_add_overflow(result, clock_ticks, &result)) {
            return std::nullopt;
        }
    } else {
        size_t pos = 0;
        while (pos < text.size() && (std::isdigit(static_cast<unsigned char>(text[pos])) || text[pos] == '.')) {
            ++pos;
        }
        if (pos == 0) {
            return std::nullopt;
        }
        const std::string number(text.substr(0, pos));
        std::string_view unit = text.substr(pos);
        // A bare number in time() means days.
        std::optional<int64_t> unit_ticks = unit.empty() ? std::optional<int64_t>(kTicksPerDay) : UnitTicks(unit);
        if (!unit_ticks) {
            return std::nullopt;
        }
        if (number.find('.') == std::string::npos) {
            // A value past the timespan range is invalid, not wrapped.
            int64_t whole = 0;
            for (char c : number) {
                if (__builtin_mul_overflow(whole, 10, &whole) || __builtin_add_overflow(whole, c - '0', &whole)) {
                    return std::nullopt;
                }
            }
            if (*unit_ticks == 0) {
                result = whole / 100;
            } else if (__builtin_mul_overflow(whole, *unit_ticks, &result)) {
                return std::nullopt;
            }
        } else {
            char* end = nullptr;
            const double value = std::strtod(number.c_str(), &end);
            if (end != number.c_str() + number.size()) {
                return std::nullopt;
            }
            const double ticks = *unit_ticks == 0 ? value / 100 : value * static_cast<double>(*unit_ticks);
            // 9.2e18 is the int64 limit; a larger value has no timespan.
            if (!(std::fabs(ticks) < 9.2e18)) {
                return std::nullopt;
            }
            result = *unit_ticks == 0 ? static_cast<int64_t>(ticks) : std::llround(ticks);
        }
    }
    return negative ? -result : result;
}

std::string FormatTimeSpan(int64_t ticks) {
    std::string out;
    uint64_t magnitude = ticks < 0 ? static_cast<uint64_t>(-(ticks + 1)) + 1 : static_cast<uint64_t>(ticks);
    if (ticks < 0) {
        out += '-';
    }
    const uint64_t days = magnitude / kTicksPerDay;
    magnitude %= kTicksPerDay;
    const uint64_t hours = magnitude / kTicksPerHour;
    magnitude %= kTicksPerHour;
    const uint64_t minutes = magnitude / kTicksPerMinute;
    magnitude %= kTicksPerMinute;
    const uint64_t seconds = magnitude / kTicksPerSecond;
    const uint64_t fraction = magnitude % kTicksPerSecond;
    char buffer[64];
    if (days > 0) {
        std::snprintf(buffer, sizeof(buffer), "%llu.", static_cast<unsigned long long>(days));
        out += buffer;
    }
    std::snprintf(buffer, sizeof(buffer), "%02llu:%02llu:%02llu", static_cast<unsigned long long>(hours),
                  static_cast<unsigned long long>(minutes), static_cast<unsigned long long>(seconds));
    out += buffer;
    if (fraction > 0) {
        std::snprintf(buffer, sizeof(buffer), ".%07llu", static_cast<unsigned long long>(fraction));
        out += buffer;
    }
    return out;
}

}  // namespace unmask
