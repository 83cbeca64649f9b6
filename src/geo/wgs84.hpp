// The one authority for Earth constants: every figure comes from GeographicLib's WGS84
// (NIMA TR8350.2) at full precision. No other file types an Earth constant.
#pragma once

#include <GeographicLib/Constants.hpp>
#include <GeographicLib/NormalGravity.hpp>

namespace trilink::geo::wgs84 {

inline double a_m() {
  return GeographicLib::Constants::WGS84_a();
}
inline double f() {
  return GeographicLib::Constants::WGS84_f();
}
inline double b_m() {
  return a_m() * (1.0 - f());
}
inline double gm_m3ps2() {
  return GeographicLib::Constants::WGS84_GM();
}
inline double omega_radps() {
  return GeographicLib::Constants::WGS84_omega();
}
// Dynamical form factor J2 of the WGS84 normal gravity field (about 1.0826e-3).
inline double j2() {
  static const double value = GeographicLib::NormalGravity::WGS84().DynamicalFormFactor(2);
  return value;
}
// Mean radius of the ellipsoid, (2a + b) / 3.
inline double mean_radius_m() {
  return (2.0 * a_m() + b_m()) / 3.0;
}
// Standard gravity at sea level (a definition, CGPM 1901), for Isp in seconds.
inline constexpr double g0_mps2 = 9.80665;

}  // namespace trilink::geo::wgs84
