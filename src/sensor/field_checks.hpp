// Checks of a sensor's numeric fields (radar.hpp, infrared.hpp validate()): each names the
// field and what is wrong, or is nullopt. Written so that NaN fails every check.
#pragma once

#include <cmath>
#include <cstdio>
#include <optional>
#include <string>

#include "base/error.hpp"

namespace trilink::sensor::checks {

inline std::string show(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", x);
  return buf;
}

inline std::optional<Error> positive(const char* field, double x) {
  if (std::isfinite(x) && x > 0.0) return std::nullopt;
  return Error{field, "must be positive and finite, got " + show(x)};
}
inline std::optional<Error> non_negative(const char* field, double x) {
  if (std::isfinite(x) && x >= 0.0) return std::nullopt;
  return Error{field, "must be zero or positive and finite, got " + show(x)};
}
inline std::optional<Error> finite(const char* field, double x) {
  if (std::isfinite(x)) return std::nullopt;
  return Error{field, "must be finite, got " + show(x)};
}
inline std::optional<Error> within(const char* field, double x, double lo, double hi) {
  if (x >= lo && x <= hi) return std::nullopt;
  return Error{field, "must be in [" + show(lo) + ", " + show(hi) + "], got " + show(x)};
}

}  // namespace trilink::sensor::checks
