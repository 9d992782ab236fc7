// Timespan literals past the int64 tick range, found by the datetime fuzzer.
#include <gtest/gtest.h>

#include "table/datetime.h"

namespace {

using unmask::ParseTimeSpan;

TEST(TimeSpanParse, DaysPastRangeAreInvalid) {
    // 32,333,322 days is about 2.8e19 ticks, past int64's 9.2e18.
    EXPECT_EQ(ParseTimeSpan("32333322"), std::nullopt);
    EXPECT_EQ(ParseTimeSpan("32333322d"), std::nullopt);
}

TEST(TimeSpanParse, DigitsPastRangeAreInvalid) {
    EXPECT_EQ(ParseTimeSpan("99999999999999999999999ms"), std::nullopt);
    EXPECT_EQ(ParseTimeSpan("1000000000000000.5d"), std::nullopt);
}

TEST(TimeSpanParse, ClockFormPastRangeIsInvalid) {
    EXPECT_EQ(ParseTimeSpan("8827777777777777777.02:00:00"), std::nullopt);
    EXPECT_EQ(ParseTimeSpan("10675200.00:00:00"), std::nullopt);
    EXPECT_EQ(ParseTimeSpan("1.02:03:04"),
              std::optional<int64_t>(unmask::kTicksPerDay + 2 * unmask::kTicksPerHour + 3 * unmask::kTicksPerMinute +
                                     4 * unmask::kTicksPerSecond));
}

TEST(TimeSpanParse, ValuesInRangeStillParse) {
    EXPECT_EQ(ParseTimeSpan("2d"), std::optional<int64_t>(2 * unmask::kTicksPerDay));
    EXPECT_EQ(ParseTimeSpan("10675199d"), std::optional<int64_t>(10675199 * unmask::kTicksPerDay));
    EXPECT_EQ(ParseTimeSpan("1.5h"), std::optional<int64_t>(unmask::kTicksPerHour * 3 / 2));
}

}  // namespace
