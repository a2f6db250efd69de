// sdk/src/time.cpp: RFC 3339 parsing and formatting in DashFlow's forms.
#include <gtest/gtest.h>

#include "dashflow/time.hpp"

namespace {

using dashflow::file_stamp;
using dashflow::format_rfc3339_ms;
using dashflow::now_rfc3339;
using dashflow::parse_rfc3339_ms;

constexpr int64_t k20251215T103000 = 1765794600000;  // 2025-12-15T10:30:00Z

TEST(Time, ParsesZAndZeroOffsetTheSame) {
  EXPECT_EQ(parse_rfc3339_ms("2025-12-15T10:30:00Z"), k20251215T103000);
  EXPECT_EQ(parse_rfc3339_ms("2025-12-15T10:30:00+00:00"), k20251215T103000);
  EXPECT_EQ(parse_rfc3339_ms("2025-12-15t10:30:00z"), k20251215T103000);
  EXPECT_EQ(parse_rfc3339_ms("2025-12-15 10:30:00Z"), k20251215T103000);
}

TEST(Time, ParsesOffsets) {
  EXPECT_EQ(parse_rfc3339_ms("2025-12-15T05:00:00-05:30"), k20251215T103000);
  EXPECT_EQ(parse_rfc3339_ms("2025-12-15T12:30:00+02:00"), k20251215T103000);
}

TEST(Time, ParsesFractions) {
  EXPECT_EQ(parse_rfc3339_ms("2025-12-15T10:30:00.1Z"), k20251215T103000 + 100);
  EXPECT_EQ(parse_rfc3339_ms("2025-12-15T10:30:00.120+00:00"), k20251215T103000 + 120);
  EXPECT_EQ(parse_rfc3339_ms("2025-12-15T10:30:00.123456789Z"), k20251215T103000 + 123);  // truncated to ms
  EXPECT_EQ(parse_rfc3339_ms("2025-12-15T10:30:00.999999Z"), k20251215T103000 + 999);
}

TEST(Time, EpochAndBefore) {
  EXPECT_EQ(parse_rfc3339_ms("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(parse_rfc3339_ms("1969-12-31T23:59:59.500Z"), -500);
  EXPECT_EQ(parse_rfc3339_ms("2000-02-29T00:00:00Z"), 951782400000);  // leap day
}

TEST(Time, RejectsGarbage) {
  for (const char* bad : {"", "garbage", "2025-12-15", "2025-12-15T10:30:00", "2025-12-15T10:30:00.Z",
                          "2025-13-15T10:30:00Z", "2025-12-15T24:00:00Z", "2025-12-15T10:30:00+0530",
                          "2025-12-15T10:30:00Zjunk", "2025/12/15T10:30:00Z", "2025-12-15T10:30:00+05"}) {
    EXPECT_FALSE(parse_rfc3339_ms(bad).has_value()) << bad;
  }
}

TEST(Time, FormatsWithZAndShortestFraction) {
  EXPECT_EQ(format_rfc3339_ms(k20251215T103000), "2025-12-15T10:30:00Z");
  EXPECT_EQ(format_rfc3339_ms(k20251215T103000 + 120), "2025-12-15T10:30:00.120Z");
  EXPECT_EQ(format_rfc3339_ms(-500), "1969-12-31T23:59:59.500Z");
  for (int64_t ms : {int64_t{0}, k20251215T103000 + 7, int64_t{951782400001}})
    EXPECT_EQ(parse_rfc3339_ms(format_rfc3339_ms(ms)), ms);
}

TEST(Time, NowIsParsableAndRecent) {
  const std::string now = now_rfc3339();
  ASSERT_EQ(now.back(), 'Z') << now;
  const auto ms = parse_rfc3339_ms(now);
  ASSERT_TRUE(ms.has_value()) << now;
  EXPECT_GT(*ms, k20251215T103000 - 365LL * 86400 * 1000);
}

TEST(Time, FileStamp) {
  EXPECT_EQ(file_stamp("2025-12-15T10:31:07.481002118Z"), "2025-12-15T10-31-07");
  EXPECT_EQ(file_stamp("2025-12-15T10:31:07+00:00"), "2025-12-15T10-31-07");
}

}  // namespace
