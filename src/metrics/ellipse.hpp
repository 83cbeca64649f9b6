// Horizontal error ellipses (e.g. of a predicted impact point) and how often they contain the
// truth.
//
// For a horizontal error e = (east, north) ~ N(0, P), P the 2 x 2 covariance in (east, north)
// (m^2), the region e' P^{-1} e <= k^2 holds probability `confidence` when k^2 is the chi2(2)
// quantile, k^2 = -2 ln(1 - confidence) (5.991 for 95 %). It is an ellipse with semi-axes
// k sqrt(lambda_max), k sqrt(lambda_min) (lambda the eigenvalues of P), in closed form
//   lambda_max = (P_ee + P_nn) / 2 + hypot((P_ee - P_nn) / 2, P_en),
//   lambda_min = det P / lambda_max,
// its major axis at phi = atan2(2 P_en, P_ee - P_nn) / 2 counterclockwise from east, reported
// as a bearing, clockwise from north, 90 deg - phi in [0, 180).
//
// A point (dx east, dy north) from the centre is inside when (u / a)^2 + (v / b)^2 <= 1, u and
// v its components along the major and minor axes.
//
// Failures (STYLE 9): a P that is not positive definite (or not finite) gives a status and NaN
// axes; inside() of such an ellipse is a contract violation (asserted; false in a release
// build). confidence in (0, 1) is contract.
#pragma once

#include <Eigen/Core>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace trilink::metrics {

enum class EllipseStatus : std::uint8_t {
  ok,
  not_positive_definite,  // det P <= 0 or P_ee + P_nn <= 0
  non_finite,
};
std::string_view to_string(EllipseStatus s);

struct ErrorEllipse {
  double semi_major_m = 0.0;
  double semi_minor_m = 0.0;
  double orientation_deg = 0.0;  // major axis, clockwise from north, in [0, 180)
  double confidence = 0.95;      // probability content
  EllipseStatus status = EllipseStatus::ok;

  bool ok() const { return status == EllipseStatus::ok; }
};

// P_en_m2: covariance of (east, north) in m^2, symmetric (the off-diagonal entries are
// averaged).
ErrorEllipse error_ellipse(const Eigen::Matrix2d& P_en_m2, double confidence = 0.95);

// Whether the offset (dx_east_m, dy_north_m) from the ellipse's centre lies inside or on it.
bool inside(const ErrorEllipse& ellipse, double dx_east_m, double dy_north_m);

// "The ellipse contained the truth in X % of the runs."
class CoverageCounter {
 public:
  void add(bool contained) {
    ++runs_;
    if (contained) ++contained_;
  }
  // An ellipse that is not ok counts as a run that did not contain the truth, and as invalid.
  void add(const ErrorEllipse& ellipse, double dx_east_m, double dy_north_m);

  std::size_t runs() const { return runs_; }
  std::size_t contained() const { return contained_; }
  std::size_t invalid() const { return invalid_; }
  // contained / runs; NaN with no runs.
  double fraction() const;

 private:
  std::size_t runs_ = 0;
  std::size_t contained_ = 0;
  std::size_t invalid_ = 0;
};

}  // namespace trilink::metrics
