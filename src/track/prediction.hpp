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
#pragma once

#include <Eigen/Dense>
#include <optional>
#include <string_view>

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
  explicit ImpactPredictor(double beta_kgpm2 = 8000.0, double max_time_s = 3.0 * 3600.0);
  // With the track's drag estimate, if it has one: the transform then runs over position,
  // velocity and kappa (n = 7); else the nominal ballistic coefficient.
  ImpactPrediction predict(const Gaussian<9>& state,
                           const std::optional<DragEstimate>& drag = std::nullopt) const;
  // Time to the ground and the impact point of one state (no uncertainty); false if the
  // state does not come down within max_time_s. kappa = 1 / beta, 0: the nominal.
  bool fall(const Vec<9>& x, double& t_s, Vec3& impact_ecef, double kappa_m2pkg = 0.0) const;

 private:
  BallisticDynamics dynamics_;
  double max_time_s_;
};

class LaunchPointEstimator {
 public:
  LaunchEstimate estimate(const Gaussian<9>& state) const;
  // One state: time since launch and the launch point; false unless it is climbing.
  bool back_to_launch(const Vec<9>& x, double& t_back_s, Vec3& launch_ecef) const;
};

}  // namespace trilink::track
