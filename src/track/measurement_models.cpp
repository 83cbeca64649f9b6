#include "track/measurement_models.hpp"

#include <cmath>
#include <numbers>

#include "geo/angles.hpp"

namespace trilink::track {

Vec3 RangeAzEl::position(const Vec3& z) const {
  return frame_.to_ecef(geo::to_enu(geo::RangeAzEl{z.x(), z.y(), z.z()})).r_m;
}

bool RangeAzEl::valid(const Vec3& z) const {
  return z.x() >= 0.0 && std::abs(z.z()) <= std::numbers::pi / 2 && std::abs(z.y()) <= 8.0;
}

bool RangeAzEl::covers(const Vec3& p) const {
  const geo::RangeAzEl rae = geo::to_range_az_el(frame_.to_enu(geo::Ecef{p}));
  if (rae.range_m > coverage_.max_range_m) return false;
  if (rae.el_rad < coverage_.min_el_rad || rae.el_rad > coverage_.max_el_rad) return false;
  if (coverage_.half_sector_rad >= std::numbers::pi) return true;
  return std::abs(geo::wrap_pi(rae.az_rad - coverage_.boresight_az_rad)) <=
         coverage_.half_sector_rad;
}

double RangeAzEl::variance_bound_m2(const Vec3& p) const {
  const double r2 = (p - frame_.origin_ecef().r_m).squaredNorm();
  return sigma_.x() * sigma_.x() + bias_cov_(0, 0) +
         r2 * (sigma_.y() * sigma_.y() + sigma_.z() * sigma_.z() + bias_cov_(1, 1) +
               bias_cov_(2, 2));
}

RangeRatePrediction RangeAzEl::range_rate(const Vec3& p_ecef, const Vec3& v_ecef) const {
  const Vec3 d = p_ecef - frame_.origin_ecef().r_m;
  const double rho = d.norm();
  RangeRatePrediction r;
  if (rho <= 0.0) return r;
  const Vec3 l = d / rho;
  r.range_rate_mps = l.dot(v_ecef);
  r.J.head<3>() = (v_ecef - l * r.range_rate_mps).transpose() / rho;
  r.J.tail<3>() = l.transpose();
  return r;
}

MeasurementPrediction RangeAzEl::predict(const Vec3& p_ecef) const {
  const Vec3 u = frame_.enu_from_ecef() * (p_ecef - frame_.origin_ecef().r_m);
  const double h2 = u.x() * u.x() + u.y() * u.y();
  const double h = std::sqrt(h2);
  const double rho2 = h2 + u.z() * u.z();
  const double rho = std::sqrt(rho2);
  MeasurementPrediction m;
  m.z = Vec3(rho, geo::wrap_two_pi(std::atan2(u.x(), u.y())), std::atan2(u.z(), h));
  Mat3 J;
  J.row(0) = u.transpose() / rho;
  J.row(1) = Eigen::RowVector3d(u.y(), -u.x(), 0.0) / h2;
  J.row(2) = Eigen::RowVector3d(-u.x() * u.z(), -u.y() * u.z(), h2) / (rho2 * h);
  m.H_pos = J * frame_.enu_from_ecef();
  return m;
}

Vec3 RangeAzEl::innovation(const Vec3& z, const Vec3& z_hat) const {
  return Vec3(z.x() - z_hat.x(), geo::wrap_pi(z.y() - z_hat.y()), z.z() - z_hat.z());
}

PositionFix RangeAzEl::to_position(const Vec3& z, const Mat3& R) const {
  PositionFix f;
  const geo::Enu enu = geo::to_enu(geo::RangeAzEl{z.x(), z.y(), z.z()});
  f.p = frame_.to_ecef(enu).r_m;
  // Linearised inverse: A = (dz/dp)^-1, P = A (R + B) A' with B the bias covariance (a new
  // track inherits the bias of the radar that started it).
  f.A = predict(f.p).H_pos.inverse();  // 3x3 geometric Jacobian, well conditioned off-axis
  f.P = f.A * (R + bias_cov_) * f.A.transpose();
  return f;
}

}  // namespace trilink::track
