// Kusto datetime and timespan values: 100 ns ticks, parsing and formatting.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace unmask {

inline constexpr int64_t kTicksPerMicrosecond = 10;
inline constexpr int64_t kTicksPerMillisecond = 10'000;
inline constexpr int64_t kTicksPerSecond = 10'000'000;
inline constexpr int64_t kTicksPerMinute = 60 * kTicksPerSecond;
inline constexpr int64_t kTicksPerHour = 60 * kTicksPerMinute;
inline constexpr int64_t kTicksPerDay = 24 * kTicksPerHour;
/// Ticks from 0001-01-01 to the Unix epoch 1970-01-01.
inline constexpr int64_t kUnixEpochTicks = 621'355'968'000'000'000;

/// Broken-down UTC time.
struct CivilTime {
    int64_t year = 1;
    int month = 1;  ///< 1..12
    int day = 1;    ///< 1..31
    int hour = 0;
    int minute = 0;
    int second = 0;
    int64_t fraction_ticks = 0;  ///< 0..9,999,999
};

/// Days since 0001-01-01 of a proleptic Gregorian date.
int64_t DaysFromCivil(int64_t year, int month, int day);
CivilTime CivilFromTicks(int64_t ticks);
int64_t TicksFromCivil(const CivilTime& civil);

/// Parses the datetime forms found in exports and queries: ISO 8601 with `T` or a space,
/// 0 to 7 fraction digits (more are truncated to the tick), `Z`, `+hh:mm` offsets, a date
/// alone, and RFC 822/850 forms such as "Sat, 8 Nov 2014 15:05:02 GMT". Returns nullopt when
/// the text is not a datetime or the date does not exist.
std::optional<int64_t> ParseDateTime(std::string_view text);

/// Formats as ISO 8601 UTC with 7 fraction digits, as Kusto does: 2024-01-02T03:04:05.0000000Z.
std::string FormatDateTime(int64_t ticks);

/// Parses a timespan literal or text: "24h", "1.5d", "30m", "10s", "100ms", "5microsecond",
/// "1tick", "-2d", and the clock form "[-][d.]hh:mm[:ss[.fffffff]]".
std::optional<int64_t> ParseTimeSpan(std::string_view text);

/// Formats as Kusto does: [-][d.]hh:mm:ss[.fffffff], such as "1.02:03:04.5000000" or "00:01:00".
std::string FormatTimeSpan(int64_t ticks);

}  // namespace unmask
