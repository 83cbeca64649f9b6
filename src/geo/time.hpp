// Time of validity: UTC nanoseconds since 1970-01-01T00:00:00Z, POSIX style (leap seconds
// not counted, as in every Unix clock). Durations inside the physics are seconds as double
// with a `_s` suffix; the instant type is UtcTime and nothing else crosses a module boundary.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/error.hpp"

namespace trilink::geo {

struct UtcTime {
  std::int64_t ns = 0;

  static UtcTime from_seconds(double s) { return UtcTime{std::llround(s * 1e9)}; }
  double seconds_since(UtcTime earlier) const { return static_cast<double>(ns - earlier.ns) / 1e9; }
  UtcTime plus_seconds(double s) const {
    return UtcTime{ns + static_cast<std::int64_t>(std::llround(s * 1e9))};
  }
  auto operator<=>(const UtcTime&) const = default;
};

// Parses "YYYY-MM-DDTHH:MM:SS[.fff…]Z" (the Z is required: times are UTC).
Expected<UtcTime> parse_utc(std::string_view text);
// Formats as "YYYY-MM-DDTHH:MM:SS.mmmZ".
std::string format_utc(UtcTime t);
// Julian date (UTC taken as UT1, good to a second).
double julian_date(UtcTime t);

}  // namespace trilink::geo
