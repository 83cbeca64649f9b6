#include "flight/trajectory.hpp"

#include <algorithm>
#include <cassert>

#include "geo/wgs84.hpp"

namespace trilink::flight {

std::string_view to_string(Phase p) {
  switch (p) {
    case Phase::boost:
      return "boost";
    case Phase::midcourse:
      return "midcourse";
    case Phase::terminal:
      return "terminal";
  }
  return "?";
}

double Trajectory::earth_angle_rad(double t_s) const {
  return earth_rotation ? geo::wgs84::omega_radps() * t_s : 0.0;
}

geo::EciState Trajectory::inertial_at(double t_s) const {
  assert(!samples.empty());
  t_s = std::clamp(t_s, start_s(), end_s());
  auto hi = std::lower_bound(samples.begin(), samples.end(), t_s,
                             [](const Sample& s, double t) { return s.t_s < t; });
  if (hi == samples.begin()) return geo::EciState{hi->r_m, hi->v_mps};
  const Sample& a = *(hi - 1);
  const Sample& b = *hi;
  const double h = b.t_s - a.t_s;
  const double s = (t_s - a.t_s) / h;
  // Cubic Hermite basis for position (with velocity) and for velocity (with acceleration).
  const double h00 = 2 * s * s * s - 3 * s * s + 1, h10 = s * s * s - 2 * s * s + s;
  const double h01 = -2 * s * s * s + 3 * s * s, h11 = s * s * s - s * s;
  return geo::EciState{h00 * a.r_m + h10 * h * a.v_mps + h01 * b.r_m + h11 * h * b.v_mps,
                       h00 * a.v_mps + h10 * h * a.a_mps2 + h01 * b.v_mps + h11 * h * b.a_mps2};
}

geo::EcefState Trajectory::ecef_at(double t_s) const {
  if (!earth_rotation) {
    const auto s = inertial_at(t_s);
    return geo::EcefState{s.r_m, s.v_mps};
  }
  return geo::to_ecef(inertial_at(t_s), earth_angle_rad(t_s));
}

geo::Geodetic Trajectory::geodetic_at(double t_s) const {
  return geo::to_geodetic(geo::Ecef{ecef_at(t_s).r_m});
}

Phase Trajectory::phase_at(double t_s) const {
  if (t_s < burnout_s) return Phase::boost;
  if (t_s >= apogee_s && geodetic_at(t_s).h_m < terminal_height_m) return Phase::terminal;
  return Phase::midcourse;
}

}  // namespace trilink::flight
