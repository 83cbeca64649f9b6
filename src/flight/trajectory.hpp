// A flown trajectory: samples of the inertial state at the integrator's accepted steps,
// with the events the user reads (burnout, apogee, impact) and interpolation to any time.
//
// The inertial frame is the one that coincides with ECEF at launch (t = 0) and does not
// rotate; ECEF at time t is that frame rotated by omega t about z. Between samples the
// state is the cubic Hermite interpolant of position and velocity (4th-order accurate,
// like the integrator that made the samples).
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "geo/eci.hpp"
#include "geo/frames.hpp"

namespace trilink::flight {

enum class Phase { boost, midcourse, terminal };
std::string_view to_string(Phase p);

// Height below which a descending object is in its terminal (re-entry) phase.
inline constexpr double terminal_height_m = 100e3;

struct Sample {
  double t_s = 0.0;  // since launch
  geo::Vec3 r_m = geo::Vec3::Zero();
  geo::Vec3 v_mps = geo::Vec3::Zero();
  geo::Vec3 a_mps2 = geo::Vec3::Zero();
};

class Trajectory {
 public:
  geo::Geodetic launch_site;
  bool earth_rotation = true;
  std::vector<Sample> samples;

  double burnout_s = 0.0;
  double burnout_speed_mps = 0.0;  // Earth-relative
  double burnout_height_m = 0.0;
  double apogee_s = 0.0;
  double apogee_height_m = 0.0;
  bool impacted = false;
  double impact_s = 0.0;
  geo::Geodetic impact;
  double ground_range_m = 0.0;    // geodesic, launch site to impact point
  double max_speed_mps = 0.0;     // Earth-relative
  double impact_speed_mps = 0.0;  // Earth-relative
  double impact_mach = 0.0;       // impact speed over the speed of sound at sea level
  // Guidance phase changes of an aeroballistic body (aero_guidance.hpp), when they happened.
  std::optional<double> pull_up_s;
  std::optional<double> dive_s;

  double start_s() const { return samples.front().t_s; }
  double end_s() const { return samples.back().t_s; }

  geo::EciState inertial_at(double t_s) const;
  geo::EcefState ecef_at(double t_s) const;
  geo::Geodetic geodetic_at(double t_s) const;
  Phase phase_at(double t_s) const;
  // Rotation angle of ECEF against the launch inertial frame at t (0 without rotation).
  double earth_angle_rad(double t_s) const;
};

}  // namespace trilink::flight
