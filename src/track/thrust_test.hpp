// Is a missile still thrusting? A test on a track's specific mechanical energy, independent
// of any filter's mode probabilities (an IMM's boost probability sits near its Markov
// stationary value while thrust x dt^2 is below the measurement noise: far, noisy radars).
//
// In the rotating ECEF frame, with the J2 gravity field, the Jacobi integral
//   E = |v|^2 / 2 + V(r) - omega^2 (x^2 + y^2) / 2,
//   V(r) = -mu / r + mu J2 a^2 (3 z^2 / r^2 - 1) / (2 r^3)
// is conserved by everything the ballistic model knows but drag, which only lowers it
// (Coriolis does no work). Thrust along the velocity raises it at the rate a_thrust . v:
// tens of kW/kg for a boosting missile, hundreds of kJ/kg over ten seconds. Its sigma from a
// state covariance is sqrt(g' P g) with g = dE/dx = [-(gravity + centrifugal); v].
//
// ThrustWindow keeps a track's recent energies and compares the newest with the one at
// least `window_s` older: thrust when the rise exceeds `sigmas` sigma of the difference
// (the two sigmas added in quadrature: the estimates' positive correlation is ignored, which
// overstates the sigma and so never invents thrust), drag when it falls by as much (drag
// outweighs any thrust: a missile still under power in dense air gains energy; in a staging gap
// above ~50 km drag takes far less than a sigma), quiet when neither, unknown until the track
// is `window_s` old. Drag is the stronger evidence of burnout: it needs no filter's mode
// probabilities, which a drag deceleration can mistake for thrust. But a fall that drag
// cannot explain - more than the most the air at the track's height could take from the
// lightest body (ballistic coefficient 50 kg/m^2, below a spent stage's) over the window,
// beyond the sigmas - is no drag: the two estimates disagree (a young track's first
// velocity, off by a staging), and the verdict is unknown. Nor is a fall that the estimate
// after the reference does not show too (the newest energy not below it): drag keeps
// taking, so that fall is the reference's own error (p04, untuned: three missiles from one
// site 10 s apart, a lofted IRBM's first confirmed estimate on one Korean radar 1.2 MJ/kg
// too high, off by the plots of the missile beside it, and every test against it for 8 s a
// fall of 11 sigma: burnout at T+59 s, 80 s early). Above ~100 km drag takes nothing, so a
// missile there is never found coasting by a falling energy.
#pragma once

#include <cstdint>
#include <deque>
#include <limits>

#include "track/gaussian.hpp"

namespace trilink::track {

struct Energy {
  double value_jpkg = 0.0;
  double sigma_jpkg = 0.0;
  // The most drag can take per second at this state (J/kg/s; no bound if infinite).
  double drag_loss_bound_jpkgps = std::numeric_limits<double>::infinity();
};

// The lightest body whose drag the test allows for (kg/m^2).
inline constexpr double lightest_beta_kgpm2 = 50.0;

// The Jacobi integral of an ECEF position-velocity estimate (x = [p, v], P its covariance).
Energy mechanical_energy(const Vec<6>& x, const Mat<6>& P);
// Its potential part alone, V(r) - omega^2 (x^2 + y^2) / 2.
double potential_energy(const Vec3& r_ecef);

// No missile of the threat library burns out slower: the shortest flight, an SRBM at 80 km,
// burns out at 944 m/s 7 km up (`trilink trajectory --from 39,125.7 --azimuth 90 --class srbm
// --range-km 80`). A track climbing slower is boosting whatever its energy test says: its
// estimate lags a slow acceleration (a lofted IRBM's ~20 m/s^2, far radars whose noise hides
// the lag: untuned u14, seed 1, Korea's track at 585-670 m/s over T+56-68 s with the truth at
// 723-982 m/s and a velocity sigma of 40-50 m/s, "burnt out" at T+66 s, 71 s early, three
// predictions before burnout; raid100, seed 6, R090 the same at 514-559 m/s).
inline constexpr double min_burnout_speed_mps = 800.0;
// Climbing (speed along the local vertical, geocentric, above zero) slower than that.
constexpr bool slower_than_any_burnout(double speed_mps, double climb_mps) {
  return climb_mps > 0.0 && speed_mps < min_burnout_speed_mps;
}
// The same of an ECEF state [p, v].
bool slower_than_any_burnout(const Vec<6>& x);

enum class ThrustVerdict : std::uint8_t { unknown, thrust, quiet, drag };
// No thrust seen: quiet or drag.
constexpr bool no_thrust(ThrustVerdict v) {
  return v == ThrustVerdict::quiet || v == ThrustVerdict::drag;
}

class ThrustWindow {
 public:
  struct Config {
    double window_s = 12.0;
    double sigmas = 3.0;
    // A gap between two estimates longer than this starts the test afresh: the estimates
    // before it are no reference for those after (a track revived on another object's plots).
    double restart_after_gap_s = std::numeric_limits<double>::infinity();
  };
  ThrustWindow() : ThrustWindow(Config{}) {}
  explicit ThrustWindow(Config config) : config_(config) {}

  // One estimate of the track, in time order (an older one is ignored: unknown).
  ThrustVerdict add(double t_s, Energy e);
  // The last rise tested and its sigma (0 before a test).
  double last_rise_jpkg() const { return last_rise_; }
  double last_rise_sigma_jpkg() const { return last_sigma_; }
  // Whether the last test found a fall that the estimate after its reference does not show
  // (unknown): the reference, or the newest, is wrong.
  bool fall_contradicted() const { return contradicted_; }

 private:
  struct Sample {
    double t_s;
    Energy e;
  };
  Config config_;
  std::deque<Sample> samples_;
  double last_rise_ = 0.0, last_sigma_ = 0.0;
  bool contradicted_ = false;
};

}  // namespace trilink::track
