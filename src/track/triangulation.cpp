#include "track/triangulation.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace trilink::track {

RayFix triangulate(std::span<const Ray> rays, double min_angle_rad) {
  RayFix out;
  if (rays.size() < 2) {
    out.reason = "fewer than two rays";
    return out;
  }
  for (const Ray& r : rays)
    if (!r.origin_m.allFinite() || !r.direction.allFinite() || !(r.sigma_rad > 0.0)) {
      out.reason = "non-finite ray";
      return out;
    }
  const Ray& a = rays[0];
  const Ray& b = rays[1];
  const double c = a.direction.dot(b.direction);
  if (1.0 - std::abs(c) < 0.5 * min_angle_rad * min_angle_rad) {
    out.reason = "rays nearly parallel";
    return out;
  }
  // Closest approach of the first two rays.
  const Vec3 w = a.origin_m - b.origin_m;
  const double d = a.direction.dot(w), e = b.direction.dot(w);
  const double den = 1.0 - c * c;
  const double s = (c * e - d) / den, t = (e - c * d) / den;
  if (!(s > 0.0) || !(t > 0.0)) {
    out.reason = "rays meet behind a satellite";
    return out;
  }
  const Vec3 pa = a.origin_m + s * a.direction, pb = b.origin_m + t * b.direction;
  out.miss_m = (pa - pb).norm();
  Vec3 x = 0.5 * (pa + pb);
  for (int pass = 0; pass < 2; ++pass) {
    Mat3 info = Mat3::Zero();
    Vec3 rhs = Vec3::Zero();
    for (const Ray& r : rays) {
      const double range = (x - r.origin_m).norm();
      const Mat3 wi = (Mat3::Identity() - r.direction * r.direction.transpose()) /
                      (range * range * r.sigma_rad * r.sigma_rad);
      info += wi;
      rhs += wi * r.origin_m;
    }
    const Eigen::LDLT<Mat3> ldlt(info);
    if (ldlt.info() != Eigen::Success || !(ldlt.vectorD().minCoeff() > 0.0)) {
      out.reason = "singular geometry";
      return out;
    }
    x = ldlt.solve(rhs);
    out.covariance_m2 = ldlt.solve(Mat3::Identity());
  }
  out.chi2 = 0.0;
  for (const Ray& r : rays) {
    const Vec3 off = x - r.origin_m;
    const Vec3 across = off - r.direction * r.direction.dot(off);
    out.chi2 += across.squaredNorm() / (off.squaredNorm() * r.sigma_rad * r.sigma_rad);
  }
  out.dof = 2 * static_cast<int>(rays.size()) - 3;
  out.point_m = x;
  out.covariance_m2 = 0.5 * (out.covariance_m2 + out.covariance_m2.transpose()).eval();
  out.valid = x.allFinite() && out.covariance_m2.allFinite();
  if (!out.valid) out.reason = "non-finite point";
  return out;
}

Vec<9> BoostFit::at(double t_s) const {
  const double dt = t_s - t0_s;
  const Vec3 p = state.x.segment<3>(0), v = state.x.segment<3>(3), a = state.x.segment<3>(6);
  Vec<9> x;
  x << p + v * dt + 0.5 * a * dt * dt, v + a * dt, a;
  return x;
}

BoostFit fit_boost(std::span<const TimedFix> fixes, double t0_s) {
  BoostFit out;
  out.t0_s = t0_s;
  if (fixes.size() < 4) return out;
  // A quadratic in time needs three distinct epochs (two would leave the acceleration free).
  std::vector<double> epochs;
  for (const auto& f : fixes)
    if (std::ranges::none_of(epochs, [&](double e) { return std::abs(e - f.t_s) < 0.05; }))
      epochs.push_back(f.t_s);
  if (epochs.size() < 3) return out;
  Mat<9> info = Mat<9>::Zero();
  Vec<9> rhs = Vec<9>::Zero();
  for (const auto& f : fixes) {
    const double dt = f.t_s - t0_s;
    Eigen::Matrix<double, 3, 9> h;
    h << Mat3::Identity(), dt * Mat3::Identity(), 0.5 * dt * dt * Mat3::Identity();
    const Eigen::LDLT<Mat3> c(f.covariance_m2);
    if (c.info() != Eigen::Success) return out;
    const Mat3 w = c.solve(Mat3::Identity());
    info += h.transpose() * w * h;
    rhs += h.transpose() * w * f.point_m;
  }
  const Eigen::LDLT<Mat<9>> ldlt(info);
  if (ldlt.info() != Eigen::Success || !(ldlt.vectorD().minCoeff() > 0.0)) return out;
  out.state.x = ldlt.solve(rhs);
  out.state.P = ldlt.solve(Mat<9>::Identity());
  out.state.P = 0.5 * (out.state.P + out.state.P.transpose()).eval();
  out.chi2 = 0.0;
  for (const auto& f : fixes) {
    const Vec3 r = f.point_m - out.at(f.t_s).segment<3>(0);
    out.chi2 += r.dot(Eigen::LDLT<Mat3>(f.covariance_m2).solve(r));
  }
  out.dof = 3 * static_cast<int>(fixes.size()) - 9;
  out.valid = out.state.x.allFinite() && out.state.P.allFinite();
  return out;
}

}  // namespace trilink::track
