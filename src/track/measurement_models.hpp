// Measurement models: how a state is seen. Each gives the predicted measurement and its
// Jacobian with respect to position (the filters update with position only), the
// innovation (with azimuth wrapped in one place, geo::wrap_pi), and the inverse used to
// start tracks.
//
//   CartesianPosition: z = p (3-D position in the tracking frame), H = [I 0].
//   RangeAzEl: z = (range, azimuth, elevation) of p in the radar's ENU frame (ECEF p);
//     with u = R_enu (p - site), rho = |u|, h = sqrt(u_e^2 + u_n^2):
//       range = rho, az = atan2(u_e, u_n), el = atan2(u_u, h)
//       d range/du = u'/rho
//       d az/du    = (u_n, -u_e, 0) / h^2
//       d el/du    = (-u_e u_u, -u_n u_u, h^2) / (rho^2 h)
//     and d/dp = (d/du) R_enu.
//     A radar that measures Doppler also gives the range rate r' = l' v (l = (p - site) / rho,
//     ECEF: the site is fixed in it), d r'/dv = l', d r'/dp = (v - l l' v)' / rho. The tracker
//     uses it to tell apart plots that one position gate cannot (Gate: the fragments of a
//     separation, metres apart and tens of m/s apart in speed); the filters do not update with it.
#pragma once

#include <optional>

#include "geo/frames.hpp"
#include "track/gaussian.hpp"

namespace trilink::track {

// What a sensor model offers the tracker besides predict/innovation/to_position:
//   position(z)            the measured point in the tracking frame (for gating grids)
//   valid(z)               false for impossible measurements (negative range, ...)
//   covers(p)              whether a target at p could have been seen (misses count only then)
//   variance_bound_m2(p)   an upper bound of trace(R) in Cartesian terms at p (gate sizing)
//   kPositionIsMeasured    true when z is the position itself (H = I), so the filters may
//                          skip the products with H (concept MeasuresPosition)
// One measurement: z in the sensor's own coordinates, R its covariance; the range rate (m/s)
// and its variance when the sensor measures it.
struct Measurement {
  Measurement() = default;
  Measurement(const Vec3& z_, const Mat3& R_) : z(z_), R(R_) {}
  Vec3 z = Vec3::Zero();
  Mat3 R = Mat3::Identity();
  std::optional<double> range_rate_mps;
  double range_rate_var = 0.0;  // (m/s)^2
};

// A predicted range rate and its gradient with respect to [p, v].
struct RangeRatePrediction {
  double range_rate_mps = 0.0;
  Eigen::Matrix<double, 1, 6> J = Eigen::Matrix<double, 1, 6>::Zero();
};

struct MeasurementPrediction {
  Vec3 z = Vec3::Zero();
  Mat3 H_pos = Mat3::Identity();  // dz/dp
};

// A measurement turned into a position: p, its covariance P = A (R + B) A' (noise and the
// sensor's bias) and A = dp/dz, which initiation needs to know how the new state's error
// depends on the sensor's bias.
struct PositionFix {
  Vec3 p = Vec3::Zero();
  Mat3 P = Mat3::Identity();
  Mat3 A = Mat3::Identity();
};

template <typename Model>
concept MeasuresPosition = requires {
  requires Model::kPositionIsMeasured;
};

class CartesianPosition {
 public:
  static constexpr bool kPositionIsMeasured = true;  // H = I (MeasuresPosition)
  explicit CartesianPosition(double sigma_m = 1.0) : sigma_m_(sigma_m) {}
  Vec3 position(const Vec3& z) const { return z; }
  bool valid(const Vec3&) const { return true; }
  bool covers(const Vec3&) const { return true; }
  double variance_bound_m2(const Vec3&) const { return 3.0 * sigma_m_ * sigma_m_; }
  int bias_slot() const { return -1; }
  Mat3 bias_covariance() const { return Mat3::Zero(); }
  MeasurementPrediction predict(const Vec3& p) const { return {p, Mat3::Identity()}; }
  Vec3 innovation(const Vec3& z, const Vec3& z_hat) const { return z - z_hat; }
  // Position and its covariance from a measurement with covariance R.
  PositionFix to_position(const Vec3& z, const Mat3& R) const { return {z, R, Mat3::Identity()}; }

 private:
  double sigma_m_;
};

// Where a radar can look: azimuth sector, elevation limits (geometric), range.
struct Coverage {
  double boresight_az_rad = 0.0;
  double half_sector_rad = 4.0;  // >= pi: all round
  double min_el_rad = -1.6;
  double max_el_rad = 1.6;
  double max_range_m = 1e12;
};

class RangeAzEl {
 public:
  RangeAzEl(const geo::Geodetic& site, const Vec3& sigma_rae, Coverage coverage = {})
      : frame_(site), sigma_(sigma_rae), coverage_(coverage) {}
  // The radar's unknown constant bias (range, azimuth, elevation): its prior covariance and
  // its slot among the filter's consider parameters (-1: no bias modelled).
  RangeAzEl& with_bias(int slot, const Mat3& covariance) {
    bias_slot_ = slot;
    bias_cov_ = covariance;
    return *this;
  }
  int bias_slot() const { return bias_slot_; }
  const Mat3& bias_covariance() const { return bias_cov_; }
  Vec3 position(const Vec3& z) const;
  bool valid(const Vec3& z) const;
  bool covers(const Vec3& p_ecef) const;
  double variance_bound_m2(const Vec3& p_ecef) const;
  MeasurementPrediction predict(const Vec3& p_ecef) const;
  Vec3 innovation(const Vec3& z, const Vec3& z_hat) const;
  PositionFix to_position(const Vec3& z, const Mat3& R) const;
  // The range rate of a target at p moving at v (ECEF).
  RangeRatePrediction range_rate(const Vec3& p_ecef, const Vec3& v_ecef) const;
  const geo::LocalFrame& frame() const { return frame_; }

 private:
  geo::LocalFrame frame_;
  Vec3 sigma_;  // range (m), azimuth (rad), elevation (rad)
  Coverage coverage_;
  int bias_slot_ = -1;
  Mat3 bias_cov_ = Mat3::Zero();
};

}  // namespace trilink::track
