#include <gtest/gtest.h>

#include "geo/eci.hpp"
#include "geo/time.hpp"

using namespace trilink::geo;

TEST(Time, ParsesAndFormatsUtc) {
  auto t = parse_utc("2017-11-29T18:17:00Z");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->ns, 1511979420LL * 1'000'000'000);
  EXPECT_EQ(format_utc(*t), "2017-11-29T18:17:00.000Z");
  auto f = parse_utc("2000-01-01T12:00:00.5Z");
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->ns, 946728000LL * 1'000'000'000 + 500'000'000);
}

TEST(Time, RejectsMalformed) {
  for (const char* bad : {"2017-11-29 18:17", "2017-13-01T00:00:00Z", "2017-02-30T00:00:00Z",
                          "2017-11-29T24:00:00Z", "2017-11-29T18:17:00", "x"}) {
    auto t = parse_utc(bad);
    EXPECT_FALSE(t.has_value()) << bad;
    if (!t) {
      EXPECT_NE(t.error().what.find(bad), std::string::npos);
    }
  }
}

// Found by fuzzing (fuzz/corpus/scenario/crash-year-3759.yaml): the year 3759 overflowed the
// int64 nanoseconds (signed overflow, undefined). Years outside 1900-2200 are refused by name.
TEST(Time, RejectsYearsOutsideTheRange) {
  for (const char* bad : {"3759-05-05T00:00:00Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z",
                          "2201-01-01T00:00:00Z", "1899-12-31T23:59:59.999999999Z"}) {
    const auto t = parse_utc(bad);
    ASSERT_FALSE(t.has_value()) << bad;
    EXPECT_NE(t.error().what.find("the year must be 1900 to 2200"), std::string::npos)
        << t.error().what;
  }
  const auto first = parse_utc("1900-01-01T00:00:00Z");
  const auto last = parse_utc("2200-12-31T23:59:59.999999999Z");
  ASSERT_TRUE(first.has_value() && last.has_value());
  EXPECT_EQ(first->ns, -2'208'988'800LL * 1'000'000'000);
  EXPECT_EQ(last->ns, 7'289'654'399LL * 1'000'000'000 + 999'999'999);
}

TEST(Time, JulianDateOfJ2000) {
  auto t = parse_utc("2000-01-01T12:00:00Z");
  ASSERT_TRUE(t);
  EXPECT_DOUBLE_EQ(julian_date(*t), 2451545.0);
}

TEST(Time, EarthRotationAngleReference) {
  // ERA at J2000.0 is 2 pi * 0.7790572732640 (IERS Conventions 2010, eq. 5.15).
  auto t = parse_utc("2000-01-01T12:00:00Z");
  ASSERT_TRUE(t);
  EXPECT_NEAR(earth_rotation_angle(*t), 2.0 * M_PI * 0.7790572732640, 1e-9);
  // One sidereal day later (86164.0905 s) the angle is back where it was.
  const auto later = t->plus_seconds(86164.0905);
  EXPECT_NEAR(earth_rotation_angle(later), earth_rotation_angle(*t), 1e-6);
}
