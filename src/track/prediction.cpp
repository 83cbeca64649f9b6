#include "track/prediction.hpp"

#include "base/chi2.hpp"

#include <cmath>
#include <numbers>
#include <string_view>
#include <vector>

#include "geo/angles.hpp"

namespace trilink::track {
namespace {

double height_m(const Vec3& p) {
  return geo::to_geodetic(geo::Ecef{p}).h_m;
}

// Steps `x` with `step` until the height changes sign from `sign_before`; then bisects the
// last step. Returns the elapsed time (signed like dt) or NaN if it never does.
template <typename Step>
double to_ground(Vec<9>& x, double dt, double max_time, Step&& step) {
  double t = 0.0;
  double h = height_m(pos(x));
  while (std::abs(t) < max_time) {
    const double alt = std::max(h, 0.0);
    // Coarse steps high up, fine near the ground (and in the atmosphere).
    const double sz = std::copysign(alt > 150e3 ? 10.0 : (alt > 20e3 ? 2.0 : 0.5), dt);
    const Vec<9> next = step(x, sz);
    const double h_next = height_m(pos(next));
    if (h_next <= 0.0) {
      double lo = 0.0, hi = sz;
      for (int i = 0; i < 40; ++i) {
        const double mid = 0.5 * (lo + hi);
        const Vec<9> probe = step(x, mid);
        (height_m(pos(probe)) > 0.0 ? lo : hi) = mid;
      }
      x = step(x, hi);
      return t + hi;
    }
    x = next;
    h = h_next;
    t += sz;
  }
  return std::nan("");
}

struct SigmaPoint {
  Vec<9> x;
  double kappa = 0.0;  // 1 / beta; 0: the nominal
};

// Symmetric sigma points of position and velocity (n = 6), and of kappa with them when
// there is a drag estimate (n = 7); the thrust acceleration is kept at its mean.
bool sigma_points(const Gaussian<9>& g, const std::optional<DragEstimate>& drag,
                  std::vector<SigmaPoint>& pts) {
  constexpr int kappa = 6;  // index of kappa in the transformed vector [p v kappa]
  const int n = drag ? 7 : 6;
  Eigen::MatrixXd P(n, n);
  kinematic_cov(P) = kinematic_cov(g.P);
  if (drag) {
    kinematic(P.col(kappa)) = kinematic(drag->cross);
    kinematic(P.row(kappa)) = kinematic(drag->cross).transpose();
    P(kappa, kappa) = drag->kappa_var;
  }
  const Eigen::LLT<Eigen::MatrixXd> llt(static_cast<double>(n) * P);
  if (llt.info() != Eigen::Success) return false;
  const Eigen::MatrixXd L = llt.matrixL();
  pts.clear();
  for (int i = 0; i < n; ++i)
    for (const double sign : {1.0, -1.0}) {
      SigmaPoint sp{g.x, drag ? drag->kappa_m2pkg : 0.0};
      kinematic(sp.x) += sign * kinematic(L.col(i));
      if (drag) sp.kappa += sign * L(kappa, i);
      pts.push_back(sp);
    }
  return true;
}

// Mean point and east-north covariance of ground points.
void ground_stats(const std::vector<Vec3>& pts, geo::Geodetic& mean_point, GroundEllipse& e) {
  Vec3 mean = Vec3::Zero();
  for (const auto& p : pts) mean += p;
  mean /= static_cast<double>(pts.size());
  mean_point = geo::to_geodetic(geo::Ecef{mean});
  mean_point.h_m = 0.0;
  const geo::LocalFrame frame(mean_point);
  Eigen::Matrix2d cov = Eigen::Matrix2d::Zero();
  for (const auto& p : pts) {
    const Eigen::Vector2d en = frame.to_enu(geo::Ecef{p}).r_m.head<2>();
    cov += en * en.transpose();
  }
  e = ellipse_95(cov / static_cast<double>(pts.size()));
}

// The unscented transform of a state's position and velocity (and kappa) through
// `to_ground` (one sigma point -> time and ground point): mean time, its sigma, mean point
// and 95 % ellipse.
struct GroundSpread {
  double t_mean_s = 0.0;
  double t_sigma_s = 0.0;
  geo::Geodetic point;
  GroundEllipse ellipse;
};

template <typename ToGround>
std::string_view spread_to_ground(const Gaussian<9>& g, const std::optional<DragEstimate>& drag,
                                  ToGround&& to_ground_fn, std::string_view failure,
                                  GroundSpread& out) {
  std::vector<SigmaPoint> pts;
  if (!sigma_points(g, drag, pts)) return "covariance not positive definite";
  std::vector<Vec3> ground;
  double t_sum = 0.0, t_sq = 0.0;
  for (const auto& sp : pts) {
    double t;
    Vec3 p;
    if (!to_ground_fn(sp, t, p)) return failure;
    ground.push_back(p);
    t_sum += t;
    t_sq += t * t;
  }
  const double n = static_cast<double>(pts.size());
  out.t_mean_s = t_sum / n;
  out.t_sigma_s = std::sqrt(std::max(0.0, t_sq / n - out.t_mean_s * out.t_mean_s));
  ground_stats(ground, out.point, out.ellipse);
  return {};
}

}  // namespace

GroundEllipse ellipse_95(const Eigen::Matrix2d& cov_en) {
  GroundEllipse e;
  e.cov_en = 0.5 * (cov_en + cov_en.transpose());
  Eigen::SelfAdjointEigenSolver<Eigen::Matrix2d> es(e.cov_en);
  const Eigen::Vector2d lambda = es.eigenvalues().cwiseMax(0.0);
  static const double chi2_95_2dof = chi2_quantile(0.95, 2);  // computed once
  e.semi_major_m = std::sqrt(chi2_95_2dof * lambda[1]);
  e.semi_minor_m = std::sqrt(chi2_95_2dof * lambda[0]);
  const Eigen::Vector2d major = es.eigenvectors().col(1);
  e.orientation_rad = geo::wrap_two_pi(std::atan2(major.x(), major.y()));
  if (e.orientation_rad >= std::numbers::pi) e.orientation_rad -= std::numbers::pi;
  return e;
}

ImpactPredictor::ImpactPredictor(double beta_kgpm2, double max_time_s) : max_time_s_(max_time_s) {
  dynamics_.beta_kgpm2 = beta_kgpm2;
}

bool ImpactPredictor::fall(const Vec<9>& x0, double& t_s, Vec3& impact, double kappa) const {
  BallisticDynamics dynamics = dynamics_;
  if (kappa != 0.0) dynamics.beta_kgpm2 = 1.0 / DragEstimate::usable(kappa);
  Vec<9> x = x0;
  t_s = to_ground(x, 1.0, max_time_s_,
                  [&](const Vec<9>& s, double dt) { return dynamics.propagate(s, dt, false); });
  impact = pos(x);
  return std::isfinite(t_s);
}

ImpactPrediction ImpactPredictor::predict(const Gaussian<9>& g,
                                          const std::optional<DragEstimate>& drag) const {
  ImpactPrediction out;
  GroundSpread spread;
  out.reason = spread_to_ground(
      g, drag, [&](const SigmaPoint& sp, double& t, Vec3& p) { return fall(sp.x, t, p, sp.kappa); },
      "does not come down (orbital or too slow)", spread);
  if (!out.reason.empty()) return out;
  out.time_to_impact_s = spread.t_mean_s;
  out.time_sigma_s = spread.t_sigma_s;
  out.point = spread.point;
  out.ellipse = spread.ellipse;
  out.valid = true;
  return out;
}

bool LaunchPointEstimator::back_to_launch(const Vec<9>& x, double& t_back, Vec3& launch) const {
  geo::Geodetic here = geo::to_geodetic(geo::Ecef{pos(x)});
  const double h = here.h_m;
  here.h_m = 0.0;
  const geo::LocalFrame frame(here);
  const Vec3 v = frame.enu_vector(vel(x));  // ECEF velocity is Earth-relative
  if (!(v.z() > 1.0) || h <= 0.0) return false;
  t_back = 2.0 * h / v.z();
  const Eigen::Vector2d back = -v.head<2>() * t_back / 3.0;
  const geo::Geodetic site =
      geo::geodesic_direct(here, std::atan2(back.x(), back.y()), back.norm());
  launch = geo::to_ecef(site).r_m;
  return std::isfinite(t_back);
}

LaunchEstimate LaunchPointEstimator::estimate(const Gaussian<9>& g) const {
  LaunchEstimate out;
  GroundSpread spread;
  out.reason = spread_to_ground(
      g, std::nullopt,
      [&](const SigmaPoint& sp, double& t, Vec3& p) { return back_to_launch(sp.x, t, p); },
      "not climbing", spread);
  if (!out.reason.empty()) return out;
  out.time_before_s = spread.t_mean_s;
  out.time_sigma_s = spread.t_sigma_s;
  out.point = spread.point;
  out.ellipse = spread.ellipse;
  out.valid = true;
  return out;
}

}  // namespace trilink::track
