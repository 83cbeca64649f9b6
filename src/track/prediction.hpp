// Launch-point and impact-point prediction from a track state (ECEF [p, v, a]).
//
// Impact: the unscented transform (Julier & Uhlmann, Proc. IEEE 2004; symmetric set of 2n
// points x +- columns of sqrt(n P), n = 6, position and velocity) propagated with the
// ballistic dynamics (J2, rotating Earth, drag with a nominal ballistic coefficient, or with
// the track's estimate: then n = 7, kappa = 1 / beta the seventh) down to the ellipsoid; the impact
// points, expressed in the local east-north frame of their mean, give the mean impact point, its
// covariance and the 95 % ellipse (semi-axes sqrt(chi2_2(0.95) lambda_i) = sqrt(5.991 lambda_i));
// time to impact is the mean over the points. Launch: a boost from rest with roughly constant
// acceleration and a pitch programme linear in time gives, with tau the time since launch, height h
// = v_up tau / 2 and ground distance v_h tau / 3 (the horizontal speed grows as tau^2). So tau = 2
// h / v_up and the launch point lies v_h tau / 3 back along the ground track, from position and
// Earth-relative velocity alone (the filter's thrust-acceleration estimate lags too much early in
// the track to integrate back with). The same unscented transform over position and velocity gives
// its covariance. The model is best early in the boost; the metrics report its error.
//
// Aeroballistic descent (DescentEnvelope). A missile whose flight stays low and slow (an SRBM of
// the KN-23 kind: apogee under ~120 km, under ~3 km/s) may not fall ballistically: once back in
// the air it may pull up on lift, glide, and dive onto its target. Its impact point then depends
// on a guidance the tracker cannot know until it sees it. The prediction of such a track is a
// bank of hypotheses of the descent: the ballistic fall (the unscented transform above) and the
// lifting descents of the class's envelope (pull-up height, commanded glide angle, speed at which
// the terminal dive starts), each flown from the mean state with the guidance of DescentGuidance.
// The published point is their mean (equal weights); the covariance is the transform's plus the
// spread of the hypotheses' impacts about their mean, scaled up until the 95 % ellipse holds
// every hypothesis' impact point. What the track has seen prunes the bank: a track descending
// below a hypothesis' pull-up height without lift (its estimated lift acceleration, the Singer
// state of filters.hpp's lift manoeuvre) has not flown it; a track on lift is no longer ballistic
// and pulls up now in every hypothesis.
#pragma once

#include <Eigen/Dense>
#include <optional>
#include <string_view>
#include <vector>

#include "geo/frames.hpp"
#include "track/ballistic_model.hpp"

namespace trilink::track {

struct GroundEllipse {
  double semi_major_m = 0.0;
  double semi_minor_m = 0.0;
  double orientation_rad = 0.0;                      // of the major axis, clockwise from north
  Eigen::Matrix2d cov_en = Eigen::Matrix2d::Zero();  // east-north covariance at the point
};

struct ImpactPrediction {
  bool valid = false;
  std::string_view reason;  // why not valid
  double time_to_impact_s = 0.0;
  double time_sigma_s = 0.0;
  geo::Geodetic point;
  GroundEllipse ellipse;
  int hypotheses = 0;  // lifting descents in the bank (0: ballistic alone)
  // On request: the ECEF positions of the predicted descent of the mean state (the hypothesis
  // whose impact lies nearest the published point) every `path_step_s` from the state's time,
  // while above the ground.
  std::vector<Vec3> path;
  double path_step_s = 0.0;
};

// The envelope of lifting descents of a class that can fly aeroballistically (notional, sized
// on public descriptions of KN-23-class flights: pull-up in the upper tens of km, a shallow
// glide, a terminal dive at -45 to -60 deg at Mach 2 or more).
struct DescentEnvelope {
  bool enabled = false;
  double max_speed_mps = 3200.0;  // faster: a long-range re-entry vehicle, ballistic
  double max_apogee_m = 120e3;    // the state's apogee (vacuum, from its climb) above: ballistic
  double min_height_m = 2e3;      // below: too late to manoeuvre, ballistic
  double beta_kgpm2 = 5500.0;     // of the lifting body (m / (C_D0 S): 4 700 - 7 000)
  double lift_to_drag = 2.2;      // the largest (1.85 at Mach 2, 2.24 hypersonic)
  double steering_gain_per_s = 1.0 / 6.0;
  std::vector<double> pull_up_heights_m{50e3, 40e3, 30e3};
  std::vector<double> glide_angles_deg{-3.0, 0.0, 3.0};
  std::vector<double> dive_speeds_mps{2000.0, 1750.0, 1500.0};  // the dive starts below this
  double dive_angle_deg = -60.0;
  // Lift acceleration (m/s^2) along the lift direction that counts as seen (and at least
  // three of its sigmas).
  double lift_seen_mps2 = 4.0;
};

// One lifting descent: ballistic until it descends through `pull_up_height_m` (at once if
// `pulled_up`), then lift steers the flight-path angle to `glide_angle_rad`, and once slower
// than `dive_speed_mps` to `dive_angle_rad`; the lift, in the vertical plane, perpendicular to
// the velocity, is what the angle error asks for (gain x error x V, plus what holds the angle
// against gravity) within lift_to_drag x drag.
struct DescentGuidance {
  BallisticDynamics dynamics;  // gravity, Earth's rotation, drag of the lifting body
  double lift_to_drag = 2.0;
  double gain_per_s = 0.3;
  double pull_up_height_m = 0.0;
  double glide_angle_rad = 0.0;
  double dive_speed_mps = 0.0;
  double dive_angle_rad = -0.87;
  bool pulled_up = false;
  bool diving = false;

  // x' for this phase (thrust acceleration ignored).
  Vec<9> derivative(const Vec<9>& x) const;
  // The phase after a step that ends at x.
  void advance(const Vec<9>& x);
};

struct LaunchEstimate {
  bool valid = false;
  std::string_view reason;
  double time_before_s = 0.0;  // launch was this long before the state's time
  double time_sigma_s = 0.0;
  geo::Geodetic point;
  GroundEllipse ellipse;
};

// 95 % ellipse of an east-north covariance.
GroundEllipse ellipse_95(const Eigen::Matrix2d& cov_en);

class ImpactPredictor {
 public:
  explicit ImpactPredictor(double beta_kgpm2 = 8000.0, double max_time_s = 3.0 * 3600.0,
                           DescentEnvelope envelope = {});
  // With the track's drag estimate, if it has one: the transform then runs over position,
  // velocity and kappa (n = 7); else the nominal ballistic coefficient. With `path_step_s` > 0
  // the prediction carries the path of its descent.
  ImpactPrediction predict(const Gaussian<9>& state,
                           const std::optional<DragEstimate>& drag = std::nullopt,
                           double path_step_s = 0.0) const;
  // Time to the ground and the impact point of one state (no uncertainty); false if the
  // state does not come down within max_time_s. kappa = 1 / beta, 0: the nominal. `path`, if
  // given, receives the positions every `path_step_s` while above the ground.
  bool fall(const Vec<9>& x, double& t_s, Vec3& impact_ecef, double kappa_m2pkg = 0.0,
            std::vector<Vec3>* path = nullptr, double path_step_s = 10.0) const;
  // The same for a lifting descent.
  bool descend(const Vec<9>& x, DescentGuidance guidance, double& t_s, Vec3& impact_ecef,
               std::vector<Vec3>* path = nullptr, double path_step_s = 10.0) const;
  // The lifting descents the state may still fly (none if it cannot manoeuvre).
  std::vector<DescentGuidance> hypotheses(const Gaussian<9>& state) const;

 private:
  BallisticDynamics dynamics_;
  double max_time_s_;
  DescentEnvelope envelope_;
};

class LaunchPointEstimator {
 public:
  LaunchEstimate estimate(const Gaussian<9>& state) const;
  // One state: time since launch and the launch point; false unless it is climbing.
  bool back_to_launch(const Vec<9>& x, double& t_back_s, Vec3& launch_ecef) const;
};

}  // namespace trilink::track
