// Aeroballistic flight after burnout (SRBMs of the KN-23 / Iskander kind): the whole body
// flies on (no re-entry vehicle separates), with drag and lift from a slender-body model and
// a phased guidance that flies a depressed, pulled-up, then diving descent.
//
// Aerodynamics (body axes aligned with the air-relative velocity, angle of attack alpha in
// the vertical plane of flight):
//   q = rho(h) |v_rel|^2 / 2,   M = |v_rel| / a(h)       (U.S. Standard Atmosphere 1976)
//   C_L = C_L_alpha alpha,      C_D = C_D0(M) + C_L_alpha alpha^2
//   drag = q S C_D / m  along -v_rel,   lift = q S C_L / m  along n
// where n is the unit vector perpendicular to v_rel in the vertical plane (towards "up").
// C_D0(M) is a piecewise-linear table (transonic peak, falling with Mach). The induced term
// C_L alpha is the lift vector tilted back by alpha; L/D peaks at alpha* = sqrt(C_D0 / C_L_alpha)
// with (L/D)max = sqrt(C_L_alpha / C_D0) / 2 (about 2 hypersonic, 1.8 at Mach 2).
//
// Guidance, three phases, each change an integration event:
//   ballistic  alpha = 0, from burnout until the body descends below pull_up_height_m;
//   pull_up    flight-path angle gamma (of v_rel against the local horizontal) steered to
//              gamma_cmd with time constant tau: the commanded normal acceleration is
//                a_n = g cos(gamma) - |v|^2 cos(gamma) / r + |v| (gamma_cmd - gamma) / tau
//              (the flight-path-angle equation over a round Earth solved for the lift), and
//              alpha = a_n m / (q S C_L_alpha), bounded by max_alpha_rad and by the load factor
//              |lift| <= max_load_factor g0. It flattens the descent into a glide that slows;
//   dive       below dive_speed_mps, the same law steers to dive_gamma_rad (-45..-60 deg).
// The switching functions are continuous in the state and change sign at the event:
//   ballistic -> pull_up:  max(h - pull_up_height_m, v_radial)  (descending and low enough)
//   pull_up   -> dive:     |v_rel| - dive_speed_mps
// Figures (vehicle.cpp) are notional, not estimates of a real missile.
#pragma once

#include <array>

#include "geo/frames.hpp"

namespace trilink::flight {

enum class AeroPhase { ballistic, pull_up, dive };

struct MachCd {
  double mach = 0.0;
  double cd0 = 0.0;
};

struct AeroBody {
  double reference_area_m2 = 0.0;  // body cross-section
  double cl_alpha_per_rad = 0.0;
  std::array<MachCd, 9> cd0_table{};  // ascending Mach; held constant beyond both ends
};

struct AeroGuidance {
  double pull_up_height_m = 0.0;
  double gamma_cmd_rad = 0.0;
  double time_constant_s = 0.0;
  double max_alpha_rad = 0.0;
  double max_load_factor = 0.0;  // in g0
  double dive_speed_mps = 0.0;   // Earth-relative (air) speed that starts the dive
  double dive_gamma_rad = 0.0;
};

struct Aeroballistic {
  AeroBody body;
  AeroGuidance guidance;
};

double zero_lift_drag_coefficient(const AeroBody& body, double mach);

// Aerodynamic acceleration (drag + lift) of a body of mass m at position r (inertial, m) with
// air-relative velocity v_rel, gravity magnitude g_mps2 there, in the given phase.
struct AeroForce {
  geo::Vec3 accel_mps2 = geo::Vec3::Zero();
  double alpha_rad = 0.0;
  double mach = 0.0;
};
AeroForce aero_acceleration(const Aeroballistic& a, AeroPhase phase, const geo::Vec3& r_m,
                            double height_m, const geo::Vec3& v_rel_mps, double mass_kg,
                            double g_mps2);

// Flight-path angle of v against the local horizontal at r (rad, positive climbing).
double flight_path_angle_rad(const geo::Vec3& r_m, const geo::Vec3& v_mps);

// The switching function of the phase's end: positive while the phase lasts, crossing zero
// where the next phase begins; +infinity in the last phase.
double phase_switch(const AeroGuidance& g, AeroPhase phase, const geo::Vec3& r_m, double height_m,
                    const geo::Vec3& v_rel_mps);

AeroPhase next_phase(AeroPhase p);

}  // namespace trilink::flight
