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
// on a guidance the tracker cannot know until it sees it, and on a mass it never sees. The
// prediction of such a track is a bank of hypotheses of the descent: the ballistic fall (the
// unscented transform above) and the lifting descents of the class's envelope, each flown from
// the mean state by the class's body (flight::aero_acceleration) under DescentGuidance. Before
// lift is seen the bank crosses pull-up height, glide angle, dive speed and mass in 27 flights
// (an orthogonal array of strength 3: every three of the four factors meet at every level; the
// mass level is the sum of the other three modulo 3); once pulling up, glide angle x dive speed
// x mass, all pulling up now; once diving, dive angle x mass. The published point is their mean
// (equal weights); the covariance is the transform's plus the spread of the hypotheses' impacts
// about their mean, scaled up until the 95 % ellipse holds every hypothesis' impact point pushed
// out by the transform's own uncertainty. What the track has seen prunes the bank: a track well
// below a hypothesis' pull-up height without lift (its estimated lift acceleration, the Singer
// state of filters.hpp's lift manoeuvre, or a level flight low in the air) has not flown it; a
// track that has shown lift pulls up now in every hypothesis; one that has glided and now
// descends steeply, or descends steeply below every pull-up's bottom, is diving; one that
// descends steeply lower than a pull-up height but above that bottom, no lift seen, may be
// diving or pulling up (its filter lagging the lift): both banks. The phases seen are remembered
// per track (DescentMemory): the filter's lift estimate fades between manoeuvres, and a dive taken
// for a ballistic fall lands tens of km long.
#pragma once

#include <Eigen/Dense>
#include <numbers>
#include <optional>
#include <string_view>
#include <vector>

#include "flight/aero_guidance.hpp"
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
  // With a bank: the impact point of each descent flown (the ballistic fall too, unless lift
  // has been seen), and the 95 % ellipse of the state's error about each (the transform's
  // covariance and the heading term, without the spread). The ellipse above is the mixture's
  // moment-matched 95 %: a Gaussian over a spread of points reaches ~40 % of the spread's
  // half-length beyond its farthest point; these are where the impact may truly lie.
  std::vector<geo::Geodetic> hypothesis_points;
  GroundEllipse hypothesis_ellipse;
  // On request: the ECEF positions of the predicted descent of the mean state (the hypothesis
  // whose impact lies nearest the published point) every `path_step_s` from the state's time,
  // while above the ground.
  std::vector<Vec3> path;
  double path_step_s = 0.0;
};

// The envelope of lifting descents of a class that can fly aeroballistically. The class's
// lifting body (its slender-body aerodynamics, flight/aero_guidance.hpp, and the limits of its
// steering: time constant, angle of attack, load factor) is what the tracker's threat library
// knows of the class; what it cannot know is the flight's guidance and how much propellant the
// motor left (a short flight cuts the burn early: a heavier body, less slowed by the air). The
// bank spans those: the body's mass, the pull-up height, the commanded glide angle, the speed
// at which the terminal dive starts and (once diving) the dive angle.
struct DescentEnvelope {
  bool enabled = false;
  double max_speed_mps = 3200.0;  // faster: a long-range re-entry vehicle, ballistic
  double max_apogee_m = 120e3;    // the state's apogee (vacuum, from its climb) above: ballistic
  double min_height_m = 2e3;      // below: too late to manoeuvre, ballistic
  flight::Aeroballistic body;     // aerodynamics and steering limits (guidance set per hypothesis)
  std::vector<double> masses_kg{1100.0, 1750.0, 2800.0};
  std::vector<double> pull_up_heights_m{50e3, 40e3, 30e3};
  std::vector<double> glide_angles_deg{-2.0, 0.0, 2.0};
  std::vector<double> dive_speeds_mps{2000.0, 1750.0, 1500.0};  // the dive starts below this
  std::vector<double> dive_angles_deg{-45.0, -52.5, -60.0};
  // Lift acceleration (m/s^2) along the lift direction that counts as seen (and at least
  // three of its sigmas).
  double lift_seen_mps2 = 4.0;
  // A pull-up started at h bottoms out this far below it (a -10 deg descent at 2.3 km/s turned
  // level at 6 g): only a track this far below a pull-up height without lift has not flown it.
  double pull_up_depth_m = 15e3;
  // Heading error of a manoeuvring track that its covariance does not hold (the filter lags a
  // pull-up or a dive): the ellipse is widened across the path by it over the ground to go.
  double heading_sigma_rad = 0.4 * std::numbers::pi / 180.0;
};

// The class envelope of the KN-23 / Iskander kind: the notional SRBM body of flight/vehicle.hpp
// (its aerodynamics and steering limits), the mass from a full burn (1 060 kg) to a burn cut
// short for a ~150 km flight (~3 000 kg).
DescentEnvelope srbm_descent_envelope();

// What a track's earlier predictions saw of its descent (kept by the caller per track):
// lift, then a glide. A manoeuvring track's acceleration estimate comes and goes with the
// filter's mode; the descent's phases do not go back.
struct DescentMemory {
  bool lifted = false;  // lift seen: it has pulled up
  bool glided = false;  // lifted and then flying level or climbing: a steeper path is its dive
};

// One lifting descent: the class's body of one mass flying one guidance (flight::AeroGuidance's
// phases: ballistic until it descends through the pull-up height, then steered to the glide
// angle, then below the dive speed to the dive angle), from the state's phase `phase`.
struct DescentGuidance {
  BallisticDynamics dynamics;  // gravity and Earth's rotation (no drag: the body's own)
  flight::Aeroballistic body;
  double mass_kg = 0.0;
  flight::AeroPhase phase = flight::AeroPhase::ballistic;

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
  // The longest RK4 step of a ballistic fall (fall()): the 10 s steps taken above 150 km.
  static constexpr double kVacuumStepS = 10.0;

  explicit ImpactPredictor(double beta_kgpm2 = 8000.0, double max_time_s = 3.0 * 3600.0,
                           DescentEnvelope envelope = {});
  // With the track's drag estimate, if it has one: the transform then runs over position,
  // velocity and kappa (n = 7); else the nominal ballistic coefficient. With `path_step_s` > 0
  // the prediction carries the path of its descent.
  // `memory`, if given, carries what the track's earlier predictions saw of its descent and
  // takes what this one sees.
  ImpactPrediction predict(const Gaussian<9>& state,
                           const std::optional<DragEstimate>& drag = std::nullopt,
                           double path_step_s = 0.0, DescentMemory* memory = nullptr) const;
  // Time to the ground and the impact point of one state (no uncertainty); false if the
  // state does not come down within max_time_s. kappa = 1 / beta, 0: the nominal. `path`, if
  // given, receives the positions every `path_step_s` while above the ground.
  bool fall(const Vec<9>& x, double& t_s, Vec3& impact_ecef, double kappa_m2pkg = 0.0,
            std::vector<Vec3>* path = nullptr, double path_step_s = 10.0) const;
  // The same for a lifting descent.
  bool descend(const Vec<9>& x, DescentGuidance guidance, double& t_s, Vec3& impact_ecef,
               std::vector<Vec3>* path = nullptr, double path_step_s = 10.0) const;
  // The lifting descents the state may still fly (none if it cannot manoeuvre); `memory` as
  // for predict.
  std::vector<DescentGuidance> hypotheses(const Gaussian<9>& state,
                                          DescentMemory* memory = nullptr) const;

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
