#include "geo/time.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>

namespace trilink::geo {
namespace {

// The years parse_utc accepts (docs/scenarios.md): UtcTime's int64 ns reach 1677-09-21 to
// 2262-04-11 only, and a run's other times (start plus its duration, sessions, launch and
// impact times) must stay inside that range too.
constexpr int min_utc_year = 1900;
constexpr int max_utc_year = 2200;

bool read_digits(std::string_view text, std::size_t pos, std::size_t count, int& out) {
  if (pos + count > text.size()) return false;
  out = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const char c = text[pos + i];
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  return true;
}

}  // namespace

Expected<UtcTime> parse_utc(std::string_view text) {
  const auto bad = [&](const std::string& why) {
    return fail("", "bad UTC time '" + std::string(text) + "': " + why +
                        " (expected YYYY-MM-DDTHH:MM:SS[.fff]Z)");
  };
  int year, month, day, hour, minute, second;
  if (text.size() < 20 || !read_digits(text, 0, 4, year) || text[4] != '-' ||
      !read_digits(text, 5, 2, month) || text[7] != '-' || !read_digits(text, 8, 2, day) ||
      (text[10] != 'T' && text[10] != ' ') || !read_digits(text, 11, 2, hour) || text[13] != ':' ||
      !read_digits(text, 14, 2, minute) || text[16] != ':' || !read_digits(text, 17, 2, second))
    return bad("malformed");
  std::size_t pos = 19;
  std::int64_t frac_ns = 0;
  if (text[pos] == '.') {
    ++pos;
    std::int64_t scale = 100'000'000;
    const std::size_t start = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      frac_ns += (text[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start || pos - start > 9) return bad("fraction must have 1 to 9 digits");
  }
  if (pos + 1 != text.size() || text[pos] != 'Z') return bad("must end in Z");
  const std::chrono::year_month_day ymd{std::chrono::year{year},
                                        std::chrono::month{unsigned(month)},
                                        std::chrono::day{unsigned(day)}};
  if (!ymd.ok()) return bad("no such date");
  // A year such as 3759 overflowed the int64 ns (found by fuzzing).
  if (year < min_utc_year || year > max_utc_year)
    return bad("the year must be " + std::to_string(min_utc_year) + " to " +
               std::to_string(max_utc_year));
  if (hour > 23 || minute > 59 || second > 59) return bad("no such time of day");
  const std::int64_t days = std::chrono::sys_days{ymd}.time_since_epoch().count();
  const std::int64_t secs = days * 86400 + hour * 3600 + minute * 60 + second;
  return UtcTime{secs * 1'000'000'000 + frac_ns};
}

std::string format_utc(UtcTime t) {
  std::int64_t ns = t.ns;
  std::int64_t secs = ns >= 0 ? ns / 1'000'000'000 : (ns - 999'999'999) / 1'000'000'000;
  const std::int64_t ms = (ns - secs * 1'000'000'000) / 1'000'000;
  std::int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
  const std::int64_t sod = secs - days * 86400;
  const std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::days{days}}};
  char buf[80];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02lld:%02lld:%02lld.%03lldZ", int(ymd.year()),
                unsigned(ymd.month()), unsigned(ymd.day()), static_cast<long long>(sod / 3600),
                static_cast<long long>((sod / 60) % 60), static_cast<long long>(sod % 60),
                static_cast<long long>(ms));
  return buf;
}

double julian_date(UtcTime t) {
  // JD 2440587.5 is 1970-01-01T00:00:00Z.
  return 2440587.5 + static_cast<double>(t.ns) * 1e-9 / 86400.0;
}

}  // namespace trilink::geo
