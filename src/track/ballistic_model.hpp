// Motion models of ballistic and boosting missiles in ECEF (Li & Jilkov, "Survey of
// maneuvering target tracking, Part II: motion models of ballistic and space targets",
// IEEE TAES 46(1), 2010, §II-III). State x = [p, v, a] (9): position, velocity and the
// non-gravitational ("thrust") acceleration, all ECEF, SI.
//
//   p' = v
//   v' = g_J2(p) - 2 w x v - w x (w x p) + a + a_drag(p, v)
//   a' = white jerk (manoeuvre/boost mode) | a = 0 (ballistic mode)
//
// a_drag = -rho(h) |v| v / (2 beta) with a nominal ballistic coefficient (0: none), or the
// track's estimate once the IMM estimates it (filters.hpp, DragEstimate). The mean
// is propagated with RK4 in steps of at most `max_step_s`; the covariance with
// Phi = I + A dt + A^2 dt^2/2 + A^3 dt^3/6, A the Jacobian at the mid-interval position
// (to second order, p + v dt/2 + v' dt^2/8: A depends on the position only; gravity gradient
// mu/r^3 (3 r^ r^' - I), Coriolis, centrifugal; drag's dependence left to process noise), in
// steps of at most 10 s (a ballistic track may coast for minutes).
//
// Process noise (per axis, discretised white noise, Bar-Shalom et al. 2001 §6.2):
//   velocity noise q_v (m^2/s^3): [dt^3/3 dt^2/2; dt^2/2 dt] on (p, v) - unmodelled forces;
//   jerk noise q_j (m^2/s^5) on (p, v, a): [dt^5/20 dt^4/8 dt^3/6; . dt^3/3 dt^2/2; . . dt].
// Boost thrust per unit mass changes as propellant burns (~0.5 m/s^3), turns with the pitch
// programme, and drops at staging: q_j = 25 m^2/s^5 covers that for revisits of 1-5 s.
#pragma once

#include <algorithm>

#include "geo/frames.hpp"
#include "track/gaussian.hpp"

namespace trilink::track {

using Vec9 = Vec<9>;
using Mat9 = Mat<9>;

using geo::approx_height_m;  // (geo/frames.hpp)

struct BallisticDynamics {
  double beta_kgpm2 = 0.0;  // nominal ballistic coefficient for drag; 0 = no drag
  double max_step_s = 2.0;
  double max_covariance_step_s = 10.0;  // longer predictions are made in steps of this

  // x' = f(x) for the given mode (with_thrust: a is integrated as constant).
  Vec9 derivative(const Vec9& x, bool with_thrust) const;
  Vec9 propagate(const Vec9& x, double dt_s, bool with_thrust) const;
  // The same with f0 = derivative(x, with_thrust) given: the first RK4 stage of any
  // propagation from x, so propagations from one state (the covariance's mid-interval state
  // and the mean; a bisection's probes) evaluate it once.
  Vec9 propagate(const Vec9& x, const Vec9& f0, double dt_s, bool with_thrust) const;
  Mat9 jacobian(const Vec9& x, bool with_thrust) const;
  // State transition matrix over dt: Phi = I + A dt + A^2 dt^2/2 + A^3 dt^3/6 with A at the
  // mid-interval state.
  Mat9 transition(const Vec9& x, double dt_s, bool with_thrust) const;
  // The same with f0 = derivative(x, with_thrust) given.
  Mat9 transition(const Vec9& x, const Vec9& f0, double dt_s, bool with_thrust) const;
  // The same series for a given Jacobian A.
  static Mat9 taylor_transition(const Mat9& A, double dt_s);
  // The same series for A of jacobian()'s form, [0 I 0; G D T; 0 0 0] (G the gravity
  // gradient with the centrifugal term, D = -2 [w]x the Coriolis term, T = I with thrust),
  // by 3 x 3 blocks.
  static Mat9 structured_transition(const Mat3& G, const Mat3& D, bool with_thrust, double dt_s);
};

// The drag parameter of a ballistic track, estimated: kappa = 1 / beta (m^2/kg), its
// variance and its cross-covariance with the 9-state. Dynamics use it within the limits of
// re-entry bodies and debris (beta 1 000 - 50 000 kg/m^2); an estimate, even a sigma point,
// may stray outside them.
struct DragEstimate {
  static constexpr double beta_min_kgpm2 = 1000.0, beta_max_kgpm2 = 50000.0;
  double kappa_m2pkg = 0.0;
  double kappa_var = 0.0;
  Vec9 cross = Vec9::Zero();

  static double usable(double kappa) {
    return std::clamp(kappa, 1.0 / beta_max_kgpm2, 1.0 / beta_min_kgpm2);
  }
  double beta_kgpm2() const { return 1.0 / usable(kappa_m2pkg); }
};

// The lift of an aeroballistic descent (SRBMs of the KN-23 kind pull up and dive on lift once
// they are back in the air) as a manoeuvre of the ballistic mode: the state's acceleration a,
// otherwise held at zero, becomes a Singer process (Singer, IEEE TAES 1970; Li & Jilkov, Part I
// §4.1): a' = -a / tau + w, its steady-state sigma that of the lift the air allows, sigma_a =
// rho V^2 / (2 beta_L) (beta_L = m / (C_L A) at the largest lift coefficient; capped), its
// noise only perpendicular to the velocity (lift; drag along it is the drag estimate's). Only a
// body slow enough to be an SRBM (above `max_speed_mps` a re-entry vehicle of a long-range
// missile: no manoeuvre modelled) and low enough for the air to matter.
struct LiftManoeuvre {
  double beta_lift_kgpm2 = 0.0;  // 0: off
  double max_sigma_mps2 = 60.0;
  double tau_s = 15.0;
  double max_speed_mps = 3200.0;
  double max_height_m = 90e3;

  bool enabled() const { return beta_lift_kgpm2 > 0.0; }
  // Steady-state sigma (m/s^2) of the lift acceleration at x; 0 outside the regime.
  double sigma_mps2(const Vec<9>& x) const;
};

// Ballistic mode: no thrust; a is held at zero with a tiny variance.
// For sigma-point filters (ukf.hpp), predict() in two halves: propagate(x, dt) is the mean
// dynamics with a zeroed; process_noise(dt) is the noise predict() adds, plus the held
// variance of a (which propagate() collapses to zero), so that P stays positive definite.
struct BallisticModel {
  static constexpr int N = 9;
  static constexpr double held_accel_var_m2ps4 = 1e-6;
  BallisticDynamics dynamics;
  double q_vel_m2ps3 = 1.0;

  // `phi`, if given, receives the state transition matrix used over dt.
  Gaussian<9> predict(const Gaussian<9>& g, double dt_s, Mat9* phi = nullptr) const;
  // With the lift manoeuvre (a Singer process on a, see LiftManoeuvre) of steady-state sigma
  // `sigma_mps2` and correlation time `tau_s`; a is integrated, not zeroed.
  Gaussian<9> predict_lifting(const Gaussian<9>& g, double dt_s, double sigma_mps2, double tau_s,
                              Mat9* phi = nullptr) const;
  void initialise(Gaussian<9>& g) const;
  Vec9 propagate(const Vec9& x, double dt_s) const;
  Mat9 process_noise(double dt_s) const;
};

// Manoeuvre/boost mode: thrust acceleration as a random walk driven by white jerk.
// propagate(x, dt): the mean dynamics with thrust; process_noise(dt): what predict() adds.
struct BoostModel {
  static constexpr int N = 9;
  BallisticDynamics dynamics;
  double q_vel_m2ps3 = 1.0;
  double q_jerk_m2ps5 = 25.0;
  double initial_accel_sigma_mps2 = 30.0;

  Gaussian<9> predict(const Gaussian<9>& g, double dt_s, Mat9* phi = nullptr) const;
  void initialise(Gaussian<9>& g) const;
  Vec9 propagate(const Vec9& x, double dt_s) const;
  Mat9 process_noise(double dt_s) const;
};

}  // namespace trilink::track
