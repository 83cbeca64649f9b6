#include "node/space_tracker.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "geo/frames.hpp"

namespace trilink::node {

namespace {

double height_m(const track::Vec3& r) {
  return geo::approx_height_m(r);
}

// Radial (up) component of a velocity at r.
double climb_mps(const track::Vec3& r, const track::Vec3& v) {
  return v.dot(r.normalized());
}

}  // namespace

namespace {

struct LaunchSolve {
  bool ok = false;
  double chi2 = 0.0;
  Eigen::Matrix<double, 5, 1> x = Eigen::Matrix<double, 5, 1>::Zero();  // e_L, n_L, a_e, a_n, a_u
  Eigen::Matrix<double, 5, 5> P = Eigen::Matrix<double, 5, 5>::Identity();
};

// Weighted least squares of (e_L, n_L, a) for a launch at t_l, fixes in the local frame.
LaunchSolve solve_launch(std::span<const track::Vec3> enu, std::span<const track::Mat3> weights,
                         std::span<const track::TimedFix> fixes, double t_l,
                         const SpaceTrackerConfig& c) {
  LaunchSolve out;
  Eigen::Matrix<double, 5, 5> info = Eigen::Matrix<double, 5, 5>::Zero();
  Eigen::Matrix<double, 5, 1> rhs = Eigen::Matrix<double, 5, 1>::Zero();
  std::vector<Eigen::Matrix<double, 3, 5>> hs;
  for (std::size_t k = 0; k < fixes.size(); ++k) {
    const double q = 0.5 * (fixes[k].t_s - t_l) * (fixes[k].t_s - t_l);
    Eigen::Matrix<double, 3, 5> h = Eigen::Matrix<double, 3, 5>::Zero();
    h(0, 0) = 1.0;
    h(1, 1) = 1.0;
    h.rightCols<3>() = q * track::Mat3::Identity();
    info += h.transpose() * weights[k] * h;
    rhs += h.transpose() * weights[k] * enu[k];
    hs.push_back(h);
  }
  // The prior on the horizontal path from the launch point to the earliest fix, a (t0 - t_L)^2 / 2
  // (mean zero): a near-vertical early boost. As a prior on the horizontal acceleration.
  const double span = fixes.front().t_s - t_l;
  const double sigma_a =
      std::min(2.0 * c.launch_offset_prior_m / (span * span), c.climb_horizontal_accel_sigma_mps2);
  const double w_prior = 1.0 / (sigma_a * sigma_a);
  info(2, 2) += w_prior;
  info(3, 3) += w_prior;
  // The prior on the climb's acceleration (a booster's, for the first fixes' few hundred m of
  // climb that their km of noise would otherwise make any speed).
  const double w_climb = 1.0 / (c.climb_accel_sigma_mps2 * c.climb_accel_sigma_mps2);
  info(4, 4) += w_climb;
  rhs(4) += w_climb * c.climb_accel_mps2;
  const Eigen::LDLT<Eigen::Matrix<double, 5, 5>> ldlt(info);
  if (ldlt.info() != Eigen::Success || !(ldlt.vectorD().minCoeff() > 0.0)) return out;
  out.x = ldlt.solve(rhs);
  out.P = ldlt.solve(Eigen::Matrix<double, 5, 5>::Identity());
  for (std::size_t k = 0; k < fixes.size(); ++k) {
    const track::Vec3 r = enu[k] - hs[k] * out.x;
    out.chi2 += r.dot(weights[k] * r);
  }
  out.chi2 += w_prior * (out.x(2) * out.x(2) + out.x(3) * out.x(3)) +
              w_climb * (out.x(4) - c.climb_accel_mps2) * (out.x(4) - c.climb_accel_mps2);
  out.ok = out.x.allFinite() && std::isfinite(out.chi2);
  return out;
}

}  // namespace

LaunchFit fit_launch(std::span<const track::TimedFix> fixes, const SpaceTrackerConfig& c,
                     double state_t_s) {
  LaunchFit fit;
  track::LaunchEstimate& out = fit.launch;
  out.reason = "too few fixes";
  if (fixes.size() < 4) return fit;
  geo::Geodetic under = geo::to_geodetic(geo::Ecef{fixes.front().point_m});
  under.h_m = 0.0;
  const geo::LocalFrame frame(under);
  std::vector<track::Vec3> enu;
  std::vector<track::Mat3> weights;
  const track::Mat3 r = frame.enu_from_ecef();
  for (const auto& f : fixes) {
    enu.push_back(frame.to_enu(geo::Ecef{f.point_m}).r_m);
    const Eigen::LDLT<track::Mat3> c(r * f.covariance_m2 * r.transpose());
    if (c.info() != Eigen::Success) {
      out.reason = "singular fix covariance";
      return fit;
    }
    weights.push_back(c.solve(track::Mat3::Identity()));
  }
  // Golden section on t_L in [t_0 - max_climb_s, t_0).
  const double t0 = fixes.front().t_s;
  const auto cost = [&](double t_l) {
    const LaunchSolve s = solve_launch(enu, weights, fixes, t_l, c);
    return s.ok ? s.chi2 : std::numeric_limits<double>::infinity();
  };
  const double g = (std::sqrt(5.0) - 1.0) / 2.0;
  double lo = t0 - c.max_climb_s, hi = t0 - 0.1;
  double x1 = hi - g * (hi - lo), x2 = lo + g * (hi - lo);
  double f1 = cost(x1), f2 = cost(x2);
  for (int k = 0; k < 60 && hi - lo > 0.01; ++k) {
    if (f1 <= f2) {
      hi = x2, x2 = x1, f2 = f1;
      x1 = hi - g * (hi - lo), f1 = cost(x1);
    } else {
      lo = x1, x1 = x2, f1 = f2;
      x2 = lo + g * (hi - lo), f2 = cost(x2);
    }
  }
  const double t_l = 0.5 * (lo + hi);
  const LaunchSolve best = solve_launch(enu, weights, fixes, t_l, c);
  if (!best.ok) {
    out.reason = "no fit";
    return fit;
  }
  out.point = geo::to_geodetic(frame.to_ecef(geo::Enu{track::Vec3(best.x(0), best.x(1), 0.0)}));
  out.point.h_m = 0.0;
  out.time_before_s = t0 - t_l;
  Eigen::Matrix2d cov = best.P.topLeftCorner<2, 2>();
  cov += c.model_sigma_m * c.model_sigma_m * Eigen::Matrix2d::Identity();
  out.ellipse = track::ellipse_95(cov);
  // The state at state_t_s, p = x_L + a tau^2 / 2, v = a tau (tau = t - t_L), in the local
  // frame, for each launch time: the fit's covariance through the Jacobian in (e_L, n_L, a).
  const auto state_at = [&](const LaunchSolve& f, double t_launch, track::Vec<6>& x,
                            track::Mat<6>& p) {
    const double tau = state_t_s - t_launch;
    const track::Vec3 a = f.x.tail<3>();
    x << track::Vec3(f.x(0), f.x(1), 0.0) + 0.5 * a * tau * tau, a * tau;
    Eigen::Matrix<double, 6, 5> j = Eigen::Matrix<double, 6, 5>::Zero();
    j(0, 0) = 1.0;
    j(1, 1) = 1.0;
    j.block<3, 3>(0, 2) = 0.5 * tau * tau * track::Mat3::Identity();
    j.block<3, 3>(3, 2) = tau * track::Mat3::Identity();
    p = j * f.P * j.transpose();
  };
  // The launch time is what a few seconds of fixes, km apart in noise on a climb of a few
  // hundred m, know least: its posterior over the bracket (weight exp(-(chi2 - chi2_min) / 2),
  // uniform prior) gives its spread, and the state is the mixture of each launch time's state
  // (means and covariances, plus the spread of the means). As the climb grows the chi-square
  // narrows to the golden section's minimum.
  constexpr int grid = 200;
  double w_sum = 0.0, w_var = 0.0;
  track::Vec<6> mean = track::Vec<6>::Zero();
  std::vector<std::pair<double, track::Vec<6>>> states;
  track::Mat<6> cv = track::Mat<6>::Zero();
  for (int k = 0; k < grid; ++k) {
    const double t = t0 - c.max_climb_s + (c.max_climb_s - 0.1) * (k + 0.5) / grid;
    if (t >= state_t_s) continue;
    const LaunchSolve f = solve_launch(enu, weights, fixes, t, c);
    if (!f.ok) continue;
    const double w = std::exp(-0.5 * (f.chi2 - best.chi2));
    if (!(w > 1e-12)) continue;
    track::Vec<6> x;
    track::Mat<6> p;
    state_at(f, t, x, p);
    w_sum += w;
    w_var += w * (t - t_l) * (t - t_l);
    mean += w * x;
    cv += w * p;
    states.emplace_back(w, x);
  }
  // Half the golden-section bracket is no error bar: the fit's own (the vertical acceleration's
  // relative error over the climb, u = a_u t^2 / 2) or the posterior's spread, the wider.
  const double from_accel =
      0.5 * (t0 - t_l) * std::sqrt(best.P(4, 4)) / std::max(std::abs(best.x(4)), 1e-3);
  out.time_sigma_s = std::max(from_accel, w_sum > 0.0 ? std::sqrt(w_var / w_sum) : 0.0);
  fit.first_height_m = 0.5 * best.x(4) * out.time_before_s * out.time_before_s;
  out.valid = cov.allFinite() && std::isfinite(out.point.lat_rad);
  out.reason = out.valid ? std::string_view() : std::string_view("non-finite");
  if (!out.valid || w_sum <= 0.0) return fit;

  mean /= w_sum;
  cv /= w_sum;
  for (const auto& [w, x] : states) cv += (w / w_sum) * (x - mean) * (x - mean).transpose();
  // The acceleration grows as the propellant burns: model terms.
  const double sv = c.model_sigma_mps + 0.2 * mean.tail<3>().norm();
  cv.topLeftCorner<3, 3>() += c.model_sigma_m * c.model_sigma_m * track::Mat3::Identity();
  cv.bottomRightCorner<3, 3>() += sv * sv * track::Mat3::Identity();
  track::Mat<6> rot = track::Mat<6>::Zero();
  rot.topLeftCorner<3, 3>() = frame.ecef_from_enu();
  rot.bottomRightCorner<3, 3>() = frame.ecef_from_enu();
  fit.state << frame.to_ecef(geo::Enu{track::Vec3(mean.head<3>())}).r_m,
      frame.ecef_vector(mean.tail<3>());
  fit.covariance = rot * cv * rot.transpose();
  fit.covariance = (0.5 * (fit.covariance + fit.covariance.transpose())).eval();
  fit.state_valid = fit.state.allFinite() && fit.covariance.allFinite();
  return fit;
}

SpaceTracker::SpaceTracker(SpaceTrackerConfig config) : config_(config) {}

std::vector<SpaceTrackReport> SpaceTracker::on_frame(std::uint32_t satellite, double t_s,
                                                     std::span<const sensor::IrPlot> plots) {
  std::vector<SpaceTrackReport> out;
  ++counters_.frames;
  Frame frame;
  frame.t_s = t_s;
  for (const auto& p : plots) {
    ++counters_.plots;
    if (p.satellite_index != satellite || !std::isfinite(p.alpha_rad) ||
        !std::isfinite(p.beta_rad) || !(p.sigma_rad > 0.0) || !std::isfinite(p.sigma_rad) ||
        !p.satellite_ecef_m.allFinite() || std::abs(p.alpha_rad) >= 1.5 ||
        std::abs(p.beta_rad) >= 1.5) {
      ++counters_.plots_rejected;
      continue;
    }
    frame.rays.push_back(track::Ray{
        p.satellite_ecef_m, sensor::line_of_sight(p.satellite_ecef_m, p.alpha_rad, p.beta_rad),
        p.sigma_rad});
  }
  // Pair with every other satellite's latest frame close in time: first the rays (each ray in
  // at most one fix of the pair), then the pair's fixes with the tracks (each track takes at
  // most one of them).
  for (const auto& [other, f] : latest_) {
    if (other == satellite || std::abs(f.t_s - t_s) > config_.pair_max_dt_s) continue;
    std::vector<track::RayFix> candidates;
    std::vector<track::GatedPair> gated;
    for (std::size_t i = 0; i < frame.rays.size(); ++i)
      for (std::size_t j = 0; j < f.rays.size(); ++j) {
        ++counters_.pairs;
        const track::Ray both[] = {frame.rays[i], f.rays[j]};
        const track::RayFix fix = track::triangulate(both);
        const double h = fix.valid ? height_m(fix.point_m) : 0.0;
        if (!fix.valid || fix.miss_m > config_.max_miss_m || fix.chi2 > config_.fix_chi2_gate ||
            !(h >= config_.min_height_m && h <= config_.max_height_m)) {
          ++counters_.fixes_gated_out;
          continue;
        }
        gated.push_back({static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(j), fix.chi2});
        candidates.push_back(fix);
      }
    if (gated.empty()) continue;
    const std::vector<double> unpaired(frame.rays.size(), config_.fix_chi2_gate);
    const track::Association rays =
        pairing_.associate(frame.rays.size(), f.rays.size(), gated, unpaired);
    std::vector<track::TimedFix> fixes;
    for (std::size_t k = 0; k < gated.size(); ++k) {
      if (rays.ok() && rays.row_to_col[gated[k].row] != static_cast<std::int32_t>(gated[k].col)) {
        ++counters_.fixes_ghost;
        continue;
      }
      ++counters_.fixes;
      fixes.push_back(track::TimedFix{0.5 * (t_s + f.t_s), candidates[k].point_m,
                                      2.0 * candidates[k].covariance_m2});
    }
    add_fixes(fixes, out);
  }
  latest_[satellite] = std::move(frame);
  return out;
}

std::optional<double> SpaceTracker::join_cost(const Track& t, const track::TimedFix& f) const {
  const double dt = f.t_s - t.last_t_s;
  if (dt < -config_.pair_max_dt_s || dt > config_.drop_after_s) return std::nullopt;
  track::Vec3 predicted;
  track::Mat3 spread = f.covariance_m2;  // of the fix less the prediction
  double gate = config_.gate_m;
  if (t.fit.valid && t.fit.state.x.segment<3>(3).norm() < config_.max_speed_mps) {
    // The arc's position at the fix's time and its covariance, H P H' with H = [I, dt I,
    // dt^2/2 I]: a young fit's velocity is poor, and the gate widens with it.
    const double h = f.t_s - t.fit.t0_s;
    Eigen::Matrix<double, 3, 9> jac;
    jac << track::Mat3::Identity(), h * track::Mat3::Identity(),
        0.5 * h * h * track::Mat3::Identity();
    predicted = t.fit.at(f.t_s).segment<3>(0);
    const track::Mat3 p = jac * t.fit.state.P * jac.transpose();
    gate += 3.0 * std::sqrt(p.trace());
    spread += p;
  } else {
    predicted = t.fixes.back().point_m;
    // Unknown velocity: as far as the missile may have flown since.
    gate += config_.max_speed_mps * std::abs(dt);
    spread += t.fixes.back().covariance_m2 +
              std::pow(config_.max_speed_mps * dt, 2) * track::Mat3::Identity();
  }
  gate += 0.5 * config_.max_accel_mps2 * dt * dt;
  const track::Vec3 miss = f.point_m - predicted;
  if (miss.norm() > gate) return std::nullopt;
  // The squared Mahalanobis distance: a triangulated fix is known far better across the lines of
  // sight than along them (km against hundreds of m), and so is the arc.
  spread += config_.model_sigma_m * config_.model_sigma_m * track::Mat3::Identity();
  const Eigen::LDLT<track::Mat3> ldlt(spread);
  if (ldlt.info() != Eigen::Success) return std::nullopt;
  const double cost = miss.dot(ldlt.solve(miss));
  if (!std::isfinite(cost)) return std::nullopt;
  return cost;
}

void SpaceTracker::add_fixes(std::span<const track::TimedFix> fixes,
                             std::vector<SpaceTrackReport>& out) {
  // Global nearest neighbour of the tracks and one pair's fixes: the cost of a pair within the
  // track's gate is the fix's squared Mahalanobis distance from the track's arc.
  std::vector<track::GatedPair> gated;
  for (std::size_t r = 0; r < tracks_.size(); ++r)
    for (std::size_t c = 0; c < fixes.size(); ++c)
      if (const auto d = join_cost(tracks_[r], fixes[c]))
        gated.push_back({static_cast<std::uint32_t>(r), static_cast<std::uint32_t>(c), *d});
  // Leaving a track without a fix costs more than any gated pair.
  double miss = 1.0;
  for (const auto& g : gated) miss = std::max(miss, 2.0 * g.cost);
  const std::vector<double> misses(tracks_.size(), miss);
  const track::Association joined = joining_.associate(tracks_.size(), fixes.size(), gated, misses);
  std::vector<std::int32_t> track_of(fixes.size(), -1);
  if (joined.ok()) std::ranges::copy(joined.col_to_row, track_of.begin());
  // Joins first (the indices stay valid), then the new tracks.
  for (std::size_t c = 0; c < fixes.size(); ++c)
    if (track_of[c] >= 0) join(tracks_[static_cast<std::size_t>(track_of[c])], fixes[c], out);
  for (std::size_t c = 0; c < fixes.size(); ++c)
    if (track_of[c] < 0) start(fixes[c]);
}

void SpaceTracker::start(const track::TimedFix& f) {
  if (tracks_.size() >= config_.max_tracks) {
    auto oldest = std::ranges::min_element(tracks_, {}, &Track::last_t_s);
    tracks_.erase(oldest);
  }
  Track t;
  t.id = next_id_++;
  t.fixes.push_back(f);
  t.last_t_s = f.t_s;
  ++counters_.tracks_started;
  tracks_.push_back(std::move(t));
}

void SpaceTracker::join(Track& t, const track::TimedFix& f, std::vector<SpaceTrackReport>& out) {
  auto at = std::ranges::upper_bound(t.fixes, f.t_s, {}, &track::TimedFix::t_s);
  t.fixes.insert(at, f);
  t.last_t_s = std::max(t.last_t_s, f.t_s);
  // The window's fit at the latest fix.
  std::vector<track::TimedFix> window;
  for (const auto& x : t.fixes)
    if (x.t_s >= t.last_t_s - config_.fit_window_s) window.push_back(x);
  t.fit = track::fit_boost(window, t.last_t_s);
  if (!t.fit.valid) return;
  const bool was = t.confirmed;
  if (!t.confirmed) {
    const double span = window.back().t_s - window.front().t_s;
    const auto k = t.fit.dof;
    const track::Vec3 p = t.fit.state.x.segment<3>(0), v = t.fit.state.x.segment<3>(3);
    const bool plausible_fit = t.fit.chi2 <= k + 4.0 * std::sqrt(2.0 * k);
    const bool climbing = climb_mps(p, v) > 0.0 && v.norm() < config_.max_speed_mps;
    t.confirmed = static_cast<int>(window.size()) >= config_.confirm_fixes &&
                  span >= config_.confirm_span_s && plausible_fit && climbing;
    if (t.confirmed) ++counters_.tracks_confirmed;
  }
  if (!t.confirmed || t.handed_over) return;
  SpaceTrackReport r = report(t);
  r.newly_confirmed = !was;
  out.push_back(std::move(r));
}

SpaceTrackReport SpaceTracker::report(const Track& t) const {
  SpaceTrackReport r;
  r.id = t.id;
  r.t_s = t.last_t_s;
  r.position_m = t.fit.state.x.segment<3>(0);
  r.velocity_mps = t.fit.state.x.segment<3>(3);
  r.covariance = t.fit.state.P.topLeftCorner<6, 6>();
  r.covariance.topLeftCorner<3, 3>() +=
      config_.model_sigma_m * config_.model_sigma_m * track::Mat3::Identity();
  r.covariance.bottomRightCorner<3, 3>() +=
      config_.model_sigma_mps * config_.model_sigma_mps * track::Mat3::Identity();
  // Launch point from the first seconds of fixes; while they are all the track has, its state
  // too.
  std::vector<track::TimedFix> early;
  for (const auto& x : t.fixes)
    if (x.t_s <= t.fixes.front().t_s + config_.launch_window_s) early.push_back(x);
  const LaunchFit l = fit_launch(early, config_, t.last_t_s);
  if (l.launch.valid) {
    r.launch = l.launch;
    r.launch_state_t_s = early.front().t_s;
  }
  if (l.state_valid && early.size() == t.fixes.size() &&
      l.first_height_m <= config_.launch_state_max_height_m) {
    r.position_m = l.state.head<3>();
    r.velocity_mps = l.state.tail<3>();
    r.covariance = l.covariance;
  }
  return r;
}

void SpaceTracker::hand_over(std::uint64_t id) {
  for (Track& t : tracks_)
    if (t.id == id && !t.handed_over) {
      t.handed_over = true;
      ++counters_.tracks_handed_over;
    }
}

std::vector<SpaceTrackReport> SpaceTracker::tick(double now_s) {
  std::vector<SpaceTrackReport> out;
  for (auto it = tracks_.begin(); it != tracks_.end();) {
    if (now_s - it->last_t_s <= config_.drop_after_s) {
      ++it;
      continue;
    }
    if (it->confirmed && !it->handed_over) {
      // Its last report again (the same state, model terms and launch), now ended.
      SpaceTrackReport r = report(*it);
      r.ended = true;
      out.push_back(r);
    }
    it = tracks_.erase(it);
  }
  return out;
}

}  // namespace trilink::node
