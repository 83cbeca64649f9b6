// Earth rotation. "ECI" here is the pseudo-inertial frame obtained by rotating ECEF about
// its z axis by the Earth rotation angle (IAU 2000, UTC taken as UT1); precession, nutation
// and polar motion (arcseconds over years) are left out: over a flight of an hour they move
// a point by metres at most, far below the tracking errors.
//
//   r_eci = R3(-theta) r_ecef          v_eci = R3(-theta) (v_ecef + omega x r_ecef)
#pragma once

#include "geo/frames.hpp"
#include "geo/time.hpp"

namespace trilink::geo {

struct EcefState {
  Vec3 r_m = Vec3::Zero();
  Vec3 v_mps = Vec3::Zero();
};

struct EciState {
  Vec3 r_m = Vec3::Zero();
  Vec3 v_mps = Vec3::Zero();
};

// Earth rotation angle theta (rad, in [0, 2 pi)) at a UTC instant, IERS Conventions 2010 (5.15).
double earth_rotation_angle(UtcTime t);

// Rotation by an explicit angle: the flight model integrates in the inertial frame that
// coincides with ECEF at launch, where theta = omega (t - t_launch).
EciState to_eci(const EcefState& s, double theta_rad);
EcefState to_ecef(const EciState& s, double theta_rad);

inline EciState to_eci(const EcefState& s, UtcTime t) {
  return to_eci(s, earth_rotation_angle(t));
}
inline EcefState to_ecef(const EciState& s, UtcTime t) {
  return to_ecef(s, earth_rotation_angle(t));
}

}  // namespace trilink::geo
