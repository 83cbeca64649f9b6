// Missile flight over the rotating WGS84 Earth, integrated in the inertial frame that
// coincides with ECEF at launch (so no Coriolis or centrifugal terms appear; they come back
// exactly when states are rotated into ECEF).
//
//   r'' = g_J2(r) + T(t)/m(t) d(t) + a_drag + a_lift
//   a_drag = -rho(h) |v_rel| v_rel / (2 beta),   v_rel = v - omega x r   (air moves with Earth)
//
// Boost: stages burn one after the other at constant thrust and Isp; mass falls linearly;
// each stage drops its dry mass at burnout; a stage may light after a coast (staging gap,
// `Stage::coast_before_s`, no thrust, the stack still attached); during boost
// beta = m / (Cd A). `cutoff_s` may end
// the burn before the propellant is gone (thrust termination: how a lofted shot to a short
// range, or a low depressed one, is flown). Thrust points straight up for the vertical rise,
// then in the vertical plane of the launch azimuth at a pitch (elevation) that falls
// linearly to `end_pitch_rad` at burnout. After burnout the RV flies alone with its
// ballistic coefficient, or, for a vehicle with `aero` (SRBM), the whole body flies on with
// drag, lift and a phased guidance (aero_guidance.hpp); each phase change is an integration
// event located on the switching function's zero.
#pragma once

#include <limits>

#include "flight/integrator.hpp"
#include "flight/trajectory.hpp"
#include "flight/vehicle.hpp"
#include "geo/frames.hpp"

namespace trilink::flight {

struct FlightOptions {
  bool earth_rotation = true;
  bool j2 = true;
  bool drag = true;
  StepControl step;
  double max_flight_s = 4.0 * 3600.0;  // an object still up then is reported not impacted
  bool keep_samples = true;            // false: events only (trajectory shaping)
};

struct FlightPlan {
  geo::Geodetic site;
  double azimuth_rad = 0.0;  // of the pitch plane, at launch
  Vehicle vehicle;
  double end_pitch_rad = 0.0;  // thrust elevation reached at burnout
  double cutoff_s = std::numeric_limits<double>::infinity();

  double burnout_s() const;
  // Whether a stage burns at t (s since launch): before burnout and outside every staging gap.
  // What a space-based infrared sensor sees (sensor/infrared.hpp): a plume only while thrusting.
  bool thrusting(double t_s) const;
};

struct Flight {
  Trajectory trajectory;
  IntegrationStats stats;
};

Flight fly(const FlightPlan& plan, const FlightOptions& options = {});

// A free ballistic flight of an RV (or a stage, a fragment) from an inertial state at
// start_s (launch-inertial frame, times since launch), until impact or max_flight_s; its
// trajectory's burnout_s is start_s. `beta_kgpm2` <= 0 means no drag.
Flight coast(const geo::Geodetic& reference_site, const geo::EciState& start, double beta_kgpm2,
             const FlightOptions& options = {}, double start_s = 0.0);

}  // namespace trilink::flight
