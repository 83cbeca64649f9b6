#include "metrics/ellipse.hpp"

#include <cassert>
#include <cmath>
#include <limits>

#include "geo/angles.hpp"

namespace trilink::metrics {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}  // namespace

std::string_view to_string(EllipseStatus s) {
  switch (s) {
    case EllipseStatus::ok:
      return "ok";
    case EllipseStatus::not_positive_definite:
      return "not_positive_definite";
    case EllipseStatus::non_finite:
      return "non_finite";
  }
  return "unknown";
}

ErrorEllipse error_ellipse(const Eigen::Matrix2d& P_en_m2, double confidence) {
  assert(confidence > 0.0 && confidence < 1.0);
  ErrorEllipse e;
  e.confidence = confidence;
  const double pee = P_en_m2(0, 0);
  const double pnn = P_en_m2(1, 1);
  const double pen = 0.5 * (P_en_m2(0, 1) + P_en_m2(1, 0));
  if (!P_en_m2.allFinite()) {
    e.status = EllipseStatus::non_finite;
  } else {
    const double lambda_max = 0.5 * (pee + pnn) + std::hypot(0.5 * (pee - pnn), pen);
    const double det = pee * pnn - pen * pen;
    if (!(lambda_max > 0.0) || !(det > 0.0)) {
      e.status = EllipseStatus::not_positive_definite;
    } else {
      const double k = std::sqrt(-2.0 * std::log1p(-confidence));  // sqrt of chi2(2) quantile
      e.semi_major_m = k * std::sqrt(lambda_max);
      e.semi_minor_m = k * std::sqrt(det / lambda_max);
      const double phi_rad = 0.5 * std::atan2(2.0 * pen, pee - pnn);  // from east, ccw
      double bearing_deg = 90.0 - geo::rad_to_deg(phi_rad);
      if (bearing_deg >= 180.0) bearing_deg -= 180.0;
      e.orientation_deg = bearing_deg;
      return e;
    }
  }
  e.semi_major_m = e.semi_minor_m = e.orientation_deg = kNaN;
  return e;
}

bool inside(const ErrorEllipse& ellipse, double dx_east_m, double dy_north_m) {
  assert(ellipse.ok());
  if (!ellipse.ok()) return false;
  const double beta = geo::deg_to_rad(ellipse.orientation_deg);
  const double s = std::sin(beta);
  const double c = std::cos(beta);
  const double u = (dx_east_m * s + dy_north_m * c) / ellipse.semi_major_m;
  const double v = (dx_east_m * c - dy_north_m * s) / ellipse.semi_minor_m;
  return u * u + v * v <= 1.0;
}

void CoverageCounter::add(const ErrorEllipse& ellipse, double dx_east_m, double dy_north_m) {
  if (!ellipse.ok()) {
    ++invalid_;
    add(false);
    return;
  }
  add(inside(ellipse, dx_east_m, dy_north_m));
}

double CoverageCounter::fraction() const {
  return runs_ == 0 ? kNaN : static_cast<double>(contained_) / static_cast<double>(runs_);
}

}  // namespace trilink::metrics
