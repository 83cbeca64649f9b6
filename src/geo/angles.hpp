// Angle units and wrapping. Degrees exist only at the edges (YAML, CSV, command line);
// inside, everything is radians. Azimuth differences wrap here and nowhere else.
#pragma once

#include <cmath>
#include <numbers>

namespace trilink::geo {

inline constexpr double deg_to_rad(double deg) {
  return deg * (std::numbers::pi / 180.0);
}
inline constexpr double rad_to_deg(double rad) {
  return rad * (180.0 / std::numbers::pi);
}

// Wraps to (-pi, pi].
inline double wrap_pi(double a_rad) {
  constexpr double two_pi = 2.0 * std::numbers::pi;
  double r = std::remainder(a_rad, two_pi);  // in [-pi, pi]
  if (r <= -std::numbers::pi) r += two_pi;
  return r;
}

// Wraps to [0, 2 pi).
inline double wrap_two_pi(double a_rad) {
  constexpr double two_pi = 2.0 * std::numbers::pi;
  double r = std::fmod(a_rad, two_pi);
  if (r < 0.0) r += two_pi;
  if (r >= two_pi) r = 0.0;
  return r;
}

}  // namespace trilink::geo
