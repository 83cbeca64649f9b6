#include "flight/aero_guidance.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "flight/atmosphere.hpp"
#include "geo/wgs84.hpp"

namespace trilink::flight {

double zero_lift_drag_coefficient(const AeroBody& body, double mach) {
  const auto& t = body.cd0_table;
  if (mach <= t.front().mach) return t.front().cd0;
  for (std::size_t i = 1; i < t.size(); ++i) {
    if (mach <= t[i].mach) {
      const double s = (mach - t[i - 1].mach) / (t[i].mach - t[i - 1].mach);
      return t[i - 1].cd0 + s * (t[i].cd0 - t[i - 1].cd0);
    }
  }
  return t.back().cd0;
}

double flight_path_angle_rad(const geo::Vec3& r_m, const geo::Vec3& v_mps) {
  const double speed = v_mps.norm();
  if (speed == 0.0) return 0.0;
  return std::asin(std::clamp(r_m.normalized().dot(v_mps) / speed, -1.0, 1.0));
}

AeroForce aero_acceleration(const Aeroballistic& a, AeroPhase phase, const geo::Vec3& r_m,
                            double height_m, const geo::Vec3& v_rel_mps, double mass_kg,
                            double g_mps2) {
  AeroForce out;
  const double rho = air_density_kgpm3(height_m);
  const double speed = v_rel_mps.norm();
  if (rho <= 0.0 || speed == 0.0) return out;
  out.mach = speed / speed_of_sound_mps(height_m);
  const double qs_per_m = 0.5 * rho * speed * speed * a.body.reference_area_m2 / mass_kg;
  const geo::Vec3 dir = v_rel_mps / speed;
  const geo::Vec3 up = r_m.normalized();
  const geo::Vec3 normal_raw = up - up.dot(dir) * dir;
  const double normal_norm = normal_raw.norm();
  double alpha = 0.0;
  if (phase != AeroPhase::ballistic && normal_norm > 1e-9) {
    const AeroGuidance& g = a.guidance;
    const double gamma = std::asin(std::clamp(up.dot(dir), -1.0, 1.0));
    const double target = phase == AeroPhase::dive ? g.dive_gamma_rad : g.gamma_cmd_rad;
    const double cos_gamma = std::cos(gamma);
    const double a_n = g_mps2 * cos_gamma - speed * speed * cos_gamma / r_m.norm() +
                       speed * (target - gamma) / g.time_constant_s;
    const double cla = a.body.cl_alpha_per_rad;
    const double load_limit = g.max_load_factor * geo::wgs84::g0_mps2 / (qs_per_m * cla);
    const double limit = std::min(g.max_alpha_rad, load_limit);
    alpha = std::clamp(a_n / (qs_per_m * cla), -limit, limit);
  }
  const double cl = a.body.cl_alpha_per_rad * alpha;
  const double cd = zero_lift_drag_coefficient(a.body, out.mach) + cl * alpha;
  out.accel_mps2 = -qs_per_m * cd * dir;
  if (alpha != 0.0) out.accel_mps2 += qs_per_m * cl * (normal_raw / normal_norm);
  out.alpha_rad = alpha;
  return out;
}

double phase_switch(const AeroGuidance& g, AeroPhase phase, const geo::Vec3& r_m, double height_m,
                    const geo::Vec3& v_rel_mps) {
  switch (phase) {
    case AeroPhase::ballistic:
      return std::max(height_m - g.pull_up_height_m, r_m.normalized().dot(v_rel_mps));
    case AeroPhase::pull_up:
      return v_rel_mps.norm() - g.dive_speed_mps;
    case AeroPhase::dive:
      break;
  }
  return std::numeric_limits<double>::infinity();
}

AeroPhase next_phase(AeroPhase p) {
  return p == AeroPhase::ballistic ? AeroPhase::pull_up : AeroPhase::dive;
}

}  // namespace trilink::flight
