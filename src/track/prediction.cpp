#include "track/prediction.hpp"

#include "base/chi2.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string_view>
#include <vector>

#include "flight/atmosphere.hpp"
#include "flight/gravity.hpp"
#include "flight/vehicle.hpp"
#include "geo/angles.hpp"

namespace trilink::track {
namespace {

double height_m(const Vec3& p) {
  return geo::to_geodetic(geo::Ecef{p}).h_m;
}

// The height to_ground decides with: it only asks on which side of 0, 20 km and 150 km the
// geodetic height lies. The ellipsoidal approximation (geo::approx_height_m) is within 1 km
// of it from under the ground to far beyond any apogee (test
// Prediction.ApproximateHeightIsWithinAKilometreOfTheGeodetic), so it answers alike when it
// is more than 2 km from each level; nearer one, the geodetic height (a GeographicLib
// inversion, most of a coarse step's cost besides the dynamics) is computed.
double level_height_m(const Vec3& p) {
  const double approx = approx_height_m(p);
  for (const double level : {0.0, 20e3, 150e3})
    if (std::abs(approx - level) < 2e3) return height_m(p);
  return approx;
}

// What to_ground does after each step it keeps (x at time t): nothing.
struct NoStepHook {
  void operator()(const Vec<9>&, double) const {}
};

// Steps `x` with `step` until the height changes sign from `sign_before`; then bisects the
// last step. Returns the elapsed time (signed like dt) or NaN if it never does. `kept(x, t)`
// is called at the start and after every step kept (not the bisection's probes).
template <typename Step, typename Kept = NoStepHook>
double to_ground(Vec<9>& x, double dt, double max_time, Step&& step, Kept&& kept = {}) {
  double t = 0.0;
  double h = level_height_m(pos(x));
  kept(x, t);
  while (std::abs(t) < max_time) {
    const double alt = std::max(h, 0.0);
    // Coarse steps high up, fine near the ground (and in the atmosphere).
    double sz = alt > 150e3 ? ImpactPredictor::kVacuumStepS : (alt > 20e3 ? 2.0 : 0.5);
    // Steps end on multiples of their size (so on every multiple of 10 s, for PathRecorder).
    const double rem = std::fmod(std::abs(t), sz);
    if (rem > 1e-9) sz -= rem;
    sz = std::copysign(sz, dt);
    const Vec<9> next = step(x, sz);
    const double h_next = level_height_m(pos(next));
    if (h_next <= 0.0) {
      double lo = 0.0, hi = sz;
      for (int i = 0; i < 40; ++i) {
        const double mid = 0.5 * (lo + hi);
        const Vec<9> probe = step(x, mid);
        (level_height_m(pos(probe)) > 0.0 ? lo : hi) = mid;
      }
      x = step(x, hi);
      return t + hi;
    }
    x = next;
    h = h_next;
    t += sz;
    kept(x, t);
  }
  return std::nan("");
}

// A to_ground hook that records the position every `step_s` (the integration steps, 0.5, 2
// and 10 s, add up exactly to multiples of it).
struct PathRecorder {
  std::vector<Vec3>* path;
  double step_s;
  void operator()(const Vec<9>& x, double t) const {
    if (!path) return;
    if (t >= static_cast<double>(path->size()) * step_s - 1e-9) path->push_back(pos(x));
  }
};

// The local vertical (geocentric; within 0.2 deg of the geodetic) and the lift direction: in
// the vertical plane, perpendicular to the unit velocity u, upward.
Vec3 lift_direction(const Vec3& p, const Vec3& u) {
  const Vec3 up = p.normalized();
  return (up - up.dot(u) * u).normalized();
}

double flight_path_angle(const Vec3& p, const Vec3& v) {
  return std::asin(std::clamp(p.normalized().dot(v.normalized()), -1.0, 1.0));
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

Vec<9> DescentGuidance::derivative(const Vec<9>& x) const {
  Vec<9> d = dynamics.derivative(x, false);
  const Vec3 p = pos(x), v = vel(x);
  const double h = approx_height_m(p);
  const double g = -flight::gravity_j2(p).dot(p.normalized());
  // ECEF velocity is the air-relative one (no wind).
  vel(d) += flight::aero_acceleration(body, phase, p, std::max(h, 0.0), v, mass_kg, g).accel_mps2;
  return d;
}

void DescentGuidance::advance(const Vec<9>& x) {
  const Vec3 p = pos(x), v = vel(x);
  if (phase == flight::AeroPhase::ballistic && v.dot(p) < 0.0 &&
      approx_height_m(p) < body.guidance.pull_up_height_m)
    phase = flight::AeroPhase::pull_up;
  if (phase == flight::AeroPhase::pull_up && v.norm() < body.guidance.dive_speed_mps)
    phase = flight::AeroPhase::dive;
}

DescentEnvelope srbm_descent_envelope() {
  DescentEnvelope e;
  e.enabled = true;
  e.body = *flight::notional_vehicle(flight::MissileClass::srbm).aero;
  return e;
}

ImpactPredictor::ImpactPredictor(double beta_kgpm2, double max_time_s, DescentEnvelope envelope)
    : max_time_s_(max_time_s), envelope_(std::move(envelope)) {
  dynamics_.beta_kgpm2 = beta_kgpm2;
}

bool ImpactPredictor::fall(const Vec<9>& x0, double& t_s, Vec3& impact, double kappa,
                           std::vector<Vec3>* path, double path_step_s) const {
  BallisticDynamics dynamics = dynamics_;
  if (kappa != 0.0) dynamics.beta_kgpm2 = 1.0 / DragEstimate::usable(kappa);
  // to_ground's 10 s steps above 150 km are each one RK4 step, not five of 2 s: in vacuum
  // (gravity with J2, the rotating frame) a 10 s step errs by millimetres where an ICBM's
  // fall takes half an hour of them, and they were most of a prediction's cost (the unscented
  // transform's 15-19 falls every 5 s per track; F06's exercise spent a third of its time there).
  dynamics.max_step_s = kVacuumStepS;
  Vec<9> x = x0;
  // The bisection's probes all start from one state: its derivative is evaluated once.
  Vec<9> from = Vec<9>::Constant(std::nan(""));
  Vec<9> f_from;
  t_s = to_ground(
      x, 1.0, max_time_s_,
      [&](const Vec<9>& s, double dt) {
        if (s != from) {
          from = s;
          f_from = dynamics.derivative(s, false);
        }
        return dynamics.propagate(s, f_from, dt, false);
      },
      PathRecorder{path, path_step_s});
  impact = pos(x);
  return std::isfinite(t_s);
}

bool ImpactPredictor::descend(const Vec<9>& x0, DescentGuidance guidance, double& t_s, Vec3& impact,
                              std::vector<Vec3>* path, double path_step_s) const {
  Vec<9> x = x0;
  acc(x).setZero();
  guidance.advance(x);
  const PathRecorder record{path, path_step_s};
  // RK4 with the phase of the step's start (the bisection's probes keep it too).
  const auto step = [&](const Vec<9>& s, double dt) {
    const int n = std::max(1, static_cast<int>(std::ceil(std::abs(dt) / 0.5)));
    const double h = dt / n;
    Vec<9> y = s;
    for (int i = 0; i < n; ++i) {
      const Vec<9> k1 = guidance.derivative(y);
      const Vec<9> k2 = guidance.derivative(y + 0.5 * h * k1);
      const Vec<9> k3 = guidance.derivative(y + 0.5 * h * k2);
      const Vec<9> k4 = guidance.derivative(y + h * k3);
      y += h / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4);
    }
    return y;
  };
  t_s = to_ground(x, 1.0, max_time_s_, step, [&](const Vec<9>& s, double t) {
    guidance.advance(s);
    record(s, t);
  });
  impact = pos(x);
  return std::isfinite(t_s);
}

std::vector<DescentGuidance> ImpactPredictor::hypotheses(const Gaussian<9>& g,
                                                         DescentMemory* memory) const {
  std::vector<DescentGuidance> out;
  const DescentEnvelope& e = envelope_;
  if (!e.enabled || dynamics_.beta_kgpm2 <= 0.0 || e.masses_kg.empty()) return out;
  const Vec3 p = pos(g.x), v = vel(g.x);
  const double speed = v.norm();
  const double h = approx_height_m(p);
  const double v_up = v.dot(p.normalized());
  const double apogee = v_up > 0.0 ? h + v_up * v_up / (2.0 * 9.81) : h;
  if (!(speed > 0.0) || speed > e.max_speed_mps || apogee > e.max_apogee_m || h < e.min_height_m)
    return out;
  constexpr double deg = std::numbers::pi / 180.0;
  // Lift the track has seen: its acceleration along the lift direction, beyond three sigmas,
  // or a flight low in the air and too shallow for a ballistic fall there (a glide).
  const Vec3 ld = lift_direction(p, v / speed);
  const double a_lift = acc(g.x).dot(ld);
  const double a_sigma = std::sqrt(std::max(0.0, ld.dot(acc_cov(g.P) * ld)));
  const double gamma = flight_path_angle(p, v);
  const double lowest_pull_up =
      e.pull_up_heights_m.empty()
          ? 0.0
          : *std::min_element(e.pull_up_heights_m.begin(), e.pull_up_heights_m.end());
  const bool level_low = h < lowest_pull_up && gamma < 3.0 * deg && gamma > -15.0 * deg;
  const bool lift_seen = a_lift > std::max(e.lift_seen_mps2, 3.0 * a_sigma);
  const bool lift_now = level_low || lift_seen;
  DescentMemory seen = memory ? *memory : DescentMemory{};
  seen.lifted = seen.lifted || lift_now;
  seen.glided = seen.glided || (seen.lifted && gamma > -3.0 * deg && h < lowest_pull_up);
  if (memory) *memory = seen;
  // A dive (not while lift turns the path up): steeper than any glide after a glide, low and
  // steep whatever was seen, or pushed down by lift (which no ballistic body has).
  const double highest_pull_up =
      e.pull_up_heights_m.empty()
          ? 0.0
          : *std::max_element(e.pull_up_heights_m.begin(), e.pull_up_heights_m.end());
  const bool pushed_down =
      v_up < 0.0 && h < highest_pull_up && a_lift < -std::max(e.lift_seen_mps2, 3.0 * a_sigma);
  // Low and steep with no lift seen: diving below every pull-up's bottom; above it the track
  // may as well be pulling up, its filter lagging the lift (o01: an SRBM 13 s into its
  // pull-up from 40 km, at 29.6 km and -23 deg, taken for diving: its impact 50 km short with
  // a 12.6 km ellipse): both banks.
  const bool low_steep = !lift_seen && h < lowest_pull_up && gamma < -15.0 * deg;
  const bool below_pull_ups = h < lowest_pull_up - e.pull_up_depth_m;
  const bool diving = !lift_seen && ((seen.glided && gamma < -8.0 * deg) || pushed_down ||
                                     (low_steep && below_pull_ups));
  const bool maybe_diving = low_steep && !diving;
  DescentGuidance base;
  base.dynamics = dynamics_;
  base.dynamics.beta_kgpm2 = 0.0;  // the body's own drag
  base.dynamics.max_step_s = 0.5;
  base.body = e.body;
  double mean_dive = 0.0;
  for (const double a : e.dive_angles_deg) mean_dive += a * deg;
  if (!e.dive_angles_deg.empty())
    base.body.guidance.dive_gamma_rad = mean_dive / static_cast<double>(e.dive_angles_deg.size());
  if (diving || maybe_diving) {
    DescentGuidance dive = base;
    dive.phase = flight::AeroPhase::dive;
    for (const double dive_deg : e.dive_angles_deg)
      for (const double m : e.masses_kg) {
        DescentGuidance d = dive;
        d.body.guidance.dive_gamma_rad = dive_deg * deg;
        d.mass_kg = m;
        out.push_back(d);
      }
    if (diving) return out;
  }
  const std::size_t n_mass = e.masses_kg.size();
  for (std::size_t i = 0; i < e.pull_up_heights_m.size(); ++i) {
    const double h_pu = e.pull_up_heights_m[i];
    // Well below its pull-up height without lift: not this one.
    if (!seen.lifted && v_up < 0.0 && h < h_pu - e.pull_up_depth_m) continue;
    for (std::size_t j = 0; j < e.glide_angles_deg.size(); ++j)
      for (std::size_t k = 0; k < e.dive_speeds_mps.size(); ++k) {
        DescentGuidance d = base;
        d.body.guidance.pull_up_height_m = h_pu;
        d.body.guidance.gamma_cmd_rad = e.glide_angles_deg[j] * deg;
        d.body.guidance.dive_speed_mps = e.dive_speeds_mps[k];
        if (seen.lifted) {
          // Pulling up now in every hypothesis: the heights no longer differ; every mass.
          d.phase = flight::AeroPhase::pull_up;
          for (const double m : e.masses_kg) {
            d.mass_kg = m;
            out.push_back(d);
          }
        } else {
          d.mass_kg = e.masses_kg[(i + j + k) % n_mass];
          out.push_back(d);
        }
      }
    if (seen.lifted) break;
  }
  return out;
}

ImpactPrediction ImpactPredictor::predict(const Gaussian<9>& g,
                                          const std::optional<DragEstimate>& drag,
                                          double path_step_s, DescentMemory* memory) const {
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
  out.path_step_s = path_step_s;
  std::vector<Vec3>* path = path_step_s > 0.0 ? &out.path : nullptr;
  const double kappa = drag ? drag->kappa_m2pkg : 0.0;
  DescentMemory seen = memory ? *memory : DescentMemory{};
  const std::vector<DescentGuidance> bank = hypotheses(g, &seen);
  if (memory) *memory = seen;
  double t0;
  Vec3 p0;
  if (!fall(g.x, t0, p0, kappa, bank.empty() ? path : nullptr, path_step_s) || bank.empty())
    return out;
  // Each hypothesis as an offset of the ballistic impact of the mean state, in the east-north
  // plane at the transform's mean; the ballistic one (offset 0) unless lift has been seen.
  const geo::LocalFrame frame(out.point);
  const Eigen::Vector2d en0 = frame.to_enu(geo::Ecef{p0}).r_m.head<2>();
  std::vector<Eigen::Vector2d> offsets;
  std::vector<double> delays;
  std::vector<std::vector<Vec3>> paths;
  // The ballistic fall too, unless lift has been seen.
  if (!seen.lifted) {
    offsets.push_back(Eigen::Vector2d::Zero());
    delays.push_back(0.0);
    paths.emplace_back();
  }
  const std::size_t first_lifting = offsets.size();
  for (const auto& hyp : bank) {
    double t;
    Vec3 p;
    std::vector<Vec3> hyp_path;
    if (!descend(g.x, hyp, t, p, path ? &hyp_path : nullptr, path_step_s)) continue;
    offsets.push_back(frame.to_enu(geo::Ecef{p}).r_m.head<2>() - en0);
    delays.push_back(t - t0);
    paths.push_back(std::move(hyp_path));
  }
  if (offsets.size() == first_lifting) return out;
  out.hypotheses = static_cast<int>(offsets.size() - first_lifting);
  const double n = static_cast<double>(offsets.size());
  Eigen::Vector2d mean = Eigen::Vector2d::Zero();
  double delay = 0.0;
  for (std::size_t i = 0; i < offsets.size(); ++i) {
    mean += offsets[i];
    delay += delays[i];
  }
  mean /= n;
  delay /= n;
  Eigen::Matrix2d spread_cov = Eigen::Matrix2d::Zero();
  double delay_var = 0.0;
  for (std::size_t i = 0; i < offsets.size(); ++i) {
    const Eigen::Vector2d d = offsets[i] - mean;
    spread_cov += d * d.transpose() / n;
    delay_var += (delays[i] - delay) * (delays[i] - delay) / n;
  }
  // The mixture's covariance: the transform's (each hypothesis flown from a state as
  // uncertain as the track's) plus the spread of the hypotheses about their mean.
  const Eigen::Matrix2d ut_cov = out.ellipse.cov_en;
  Eigen::Matrix2d cov = ut_cov + spread_cov;
  // The frame's origin is the transform's mean point.
  geo::Geodetic point = geo::to_geodetic(frame.to_ecef(geo::Enu{Vec3(mean.x(), mean.y(), 0.0)}));
  point.h_m = 0.0;
  // Across the path, a heading error of the manoeuvring track (its filter lags the pull-up and
  // the dive, and its covariance does not know it): heading_sigma over the ground still to fly.
  const Eigen::Vector2d here = frame.to_enu(geo::Ecef{pos(g.x)}).r_m.head<2>();
  const Eigen::Vector2d to_go = mean - here;
  Eigen::Matrix2d heading_cov = Eigen::Matrix2d::Zero();
  if (to_go.norm() > 1.0) {
    const Eigen::Vector2d across(-to_go.y() / to_go.norm(), to_go.x() / to_go.norm());
    const double sigma = envelope_.heading_sigma_rad * to_go.norm();
    heading_cov = sigma * sigma * across * across.transpose();
  }
  cov += heading_cov;
  out.point = point;
  out.ellipse = ellipse_95(cov);
  out.hypothesis_ellipse = ellipse_95(ut_cov + heading_cov);
  out.hypothesis_points.reserve(offsets.size());
  for (const auto& d : offsets) {  // about the frame's origin, as the mean
    geo::Geodetic q = geo::to_geodetic(frame.to_ecef(geo::Enu{Vec3(d.x(), d.y(), 0.0)}));
    q.h_m = 0.0;
    out.hypothesis_points.push_back(q);
  }
  out.time_to_impact_s += delay;
  out.time_sigma_s = std::sqrt(out.time_sigma_s * out.time_sigma_s + delay_var);
  if (path) {
    // The descent whose impact lies nearest the published point.
    std::size_t best = 0;
    for (std::size_t i = 1; i < offsets.size(); ++i)
      if ((offsets[i] - mean).norm() < (offsets[best] - mean).norm()) best = i;
    if (best < first_lifting)
      fall(g.x, t0, p0, kappa, path, path_step_s);
    else
      out.path = std::move(paths[best]);
  }
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
