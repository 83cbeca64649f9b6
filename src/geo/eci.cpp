#include "geo/eci.hpp"

#include <cmath>
#include <numbers>

#include "geo/angles.hpp"
#include "geo/wgs84.hpp"

namespace trilink::geo {
namespace {

Mat3 rot_z(double angle_rad) {
  const double c = std::cos(angle_rad), s = std::sin(angle_rad);
  Mat3 m;
  m << c, -s, 0, s, c, 0, 0, 0, 1;
  return m;
}

}  // namespace

double earth_rotation_angle(UtcTime t) {
  const double du = julian_date(t) - 2451545.0;
  const double turns = 0.7790572732640 + 0.00273781191135448 * du + std::fmod(du, 1.0);
  return wrap_two_pi(2.0 * std::numbers::pi * std::fmod(turns, 1.0));
}

EciState to_eci(const EcefState& s, double theta_rad) {
  const Vec3 omega(0.0, 0.0, wgs84::omega_radps());
  const Mat3 r = rot_z(theta_rad);
  return EciState{r * s.r_m, r * (s.v_mps + omega.cross(s.r_m))};
}

EcefState to_ecef(const EciState& s, double theta_rad) {
  const Vec3 omega(0.0, 0.0, wgs84::omega_radps());
  const Mat3 r = rot_z(-theta_rad);
  const Vec3 r_ecef = r * s.r_m;
  return EcefState{r_ecef, r * s.v_mps - omega.cross(r_ecef)};
}

}  // namespace trilink::geo
