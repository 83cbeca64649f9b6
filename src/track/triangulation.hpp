// Angles-only geometry for space-based infrared plots (sensor/infrared.hpp): where two or more
// lines of sight meet, and a boost fitted to the points so found.
//
// Triangulation. Each ray i (origin o_i, unit direction d_i, angular sigma s_i, range r_i to the
// point) constrains the point across its direction only, with the information
//   W_i = (I - d_i d_i^T) / (r_i s_i)^2.
// The weighted least-squares point x = (sum W_i)^-1 sum W_i o_i minimises the normalised
// perpendicular distances; its covariance is (sum W_i)^-1 (solved by LDLT, checked). Ranges come
// from the midpoint of the two rays' closest approach, refined once. The fit's chi-square
//   chi2 = sum (x - o_i)^T W_i (x - o_i)
// has 2 n - 3 degrees of freedom (two rays: 1); `miss_m` is the closest approach of the first
// two rays (the classical test). Rays closer than `min_angle_rad` to parallel make no point.
// Hartley & Zisserman, Multiple View Geometry, 2nd ed., 12.2 (the midpoint and optimal methods).
//
// Boost fit. Triangulated points (t_k, x_k, P_k) of one plume over a few seconds are fitted with
// a constant-acceleration arc x(t) = p + v (t - t0) + a (t - t0)^2 / 2 (ECEF; a is the total
// acceleration, thrust and gravity, nearly constant over ~10 s of boost), weighted by P_k^-1:
// the 9 unknowns by LDLT of the normal equations; the covariance of (p, v, a) is their inverse.
// `chi2` is the weighted residual with 3 K - 9 degrees of freedom.
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "track/gaussian.hpp"

namespace trilink::track {

struct Ray {
  Vec3 origin_m = Vec3::Zero();
  Vec3 direction = Vec3::UnitZ();  // unit
  double sigma_rad = 0.0;
};

struct RayFix {
  bool valid = false;
  std::string_view reason;  // why not, when not valid
  Vec3 point_m = Vec3::Zero();
  Mat3 covariance_m2 = Mat3::Identity();
  double miss_m = 0.0;
  double chi2 = 0.0;
  int dof = 0;
};

RayFix triangulate(std::span<const Ray> rays, double min_angle_rad = 0.05);

struct TimedFix {
  double t_s = 0.0;
  Vec3 point_m = Vec3::Zero();
  Mat3 covariance_m2 = Mat3::Identity();
};

struct BoostFit {
  bool valid = false;
  double t0_s = 0.0;
  Gaussian<9> state;  // [p v a] at t0, a total (not thrust) acceleration
  double chi2 = 0.0;
  int dof = 0;
  Vec<9> at(double t_s) const;  // the arc's [p v a] at t
};

// Needs at least 4 points at 3 or more distinct times (50 ms apart).
BoostFit fit_boost(std::span<const TimedFix> fixes, double t0_s);

}  // namespace trilink::track
