#include "eval/accuracy.hpp"

#include <limits>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <set>

#include "metrics/continuity.hpp"
#include "metrics/errors.hpp"
#include "metrics/pcrlb.hpp"
#include "track/ballistic_model.hpp"
#include "track/measurement_models.hpp"

namespace trilink::eval {

using scenario::Launch;
using scenario::Scenario;
using scenario::Simulation;
namespace {

using Dyn = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic>;

constexpr double kLaunchReportAxis_m = 5e3;

// PCRLB position bound (m) at the requested times, for one launch, under the tracker's own
// models: during the true boost the thrust acceleration is an unknown random walk (the boost
// mode's jerk noise), after burnout it is gone (the mode sequence is known to the bound:
// Hernandez, Ristic et al. use the same conditioning for manoeuvring targets) and the
// ballistic mode's velocity noise drives the state. The recursion runs on a scaled state
// [p, v, a, biases] (position in km, velocity in 100 m/s, acceleration in 10 m/s^2, each bias
// in units of its own prior sigma; radars without bias get no bias state) so that the
// information matrix stays well conditioned: in metres and radians its entries span some 24
// orders of magnitude and the Cholesky solves lose everything.
std::vector<double> pcrlb_bounds(const Scenario& s, const Simulation& sim, const TrackingRun& run,
                                 std::size_t launch, const std::vector<double>& times) {
  std::vector<double> out(times.size(), std::nan(""));
  constexpr double pos_unit = 1e3, vel_unit = 100.0, acc_unit = 10.0;
  // Bias states after the 9 kinematic ones: for every selected radar with a bias, the state
  // index of each component (-1: none) and its prior sigma (range m, angles rad).
  constexpr int kinematic = 9;
  std::vector<std::array<int, 3>> bias_index(s.radars.size(), {-1, -1, -1});
  std::vector<double> bias_sigma;  // bias_sigma[k - kinematic] for state k
  for (std::size_t r = 0; r < s.radars.size(); ++r) {
    if (!radar_selected(s.radars[r], run.nation)) continue;
    const auto& p = s.radars[r];
    const double sig[3] = {p.bias_sigma_range_m, p.bias_sigma_az_rad, p.bias_sigma_el_rad};
    for (int c = 0; c < 3; ++c)
      if (sig[c] > 0.0) {
        bias_index[r][c] = kinematic + static_cast<int>(bias_sigma.size());
        bias_sigma.push_back(sig[c]);
      }
  }
  const int n = kinematic + static_cast<int>(bias_sigma.size());
  const Launch& l = s.launches[launch];
  const auto& traj = l.shaped.flight.trajectory;
  const double launch_t = l.time.seconds_since(s.start);
  // From the launch's first detection by the nation, with a diffuse prior.
  std::optional<double> first_s;
  for (const auto& d : sim.detections)
    if (d.truth_id == static_cast<std::int64_t>(launch) &&
        radar_selected(s.radars[d.radar_index], run.nation)) {
      first_s = d.t.seconds_since(s.start);
      break;
    }
  if (!first_s) return out;
  const double t0 = *first_s;

  const track::Imm filter = national_filter();
  Dyn P0 = Dyn::Identity(n, n);
  P0.diagonal().head<3>().setConstant(100.0 * 100.0);    // (100 km)^2
  P0.diagonal().segment<3>(3).setConstant(30.0 * 30.0);  // (3 km/s)^2
  const double a0 = filter.boost.initial_accel_sigma_mps2 / acc_unit;
  P0.diagonal().segment<3>(6).setConstant(a0 * a0);
  auto bound = metrics::Pcrlb<Eigen::Dynamic>::from_covariance(P0);
  const track::BallisticDynamics& dyn = filter.ballistic.dynamics;
  double t = t0;
  Eigen::VectorXd unit = Eigen::VectorXd::Ones(n);  // scaled = physical / unit
  unit.head<3>().setConstant(pos_unit);
  unit.segment<3>(3).setConstant(vel_unit);
  unit.segment<3>(6).setConstant(acc_unit);

  const auto truth9 = [&](double at) {
    const auto e = traj.ecef_at(at - launch_t);
    track::Vec<9> x;
    x << e.r_m, e.v_mps, track::Vec3::Zero();
    return x;
  };
  // F and Q of the scaled state: x_s = T x, F_s = T F T^-1, Q_s = T Q T.
  const auto predict = [&](metrics::Pcrlb<Eigen::Dynamic>& b, double from, double to) {
    const double dt = to - from;
    if (dt <= 0.0) return;
    const double mid = 0.5 * (from + to);
    const bool boosting = mid - launch_t < traj.burnout_s;
    const track::Mat9 F9 =
        track::BallisticDynamics::taylor_transition(dyn.jacobian(truth9(mid), boosting), dt);
    const track::Mat9 Q9 =
        boosting ? filter.boost.process_noise(dt) : filter.ballistic.process_noise(dt);
    Dyn F = Dyn::Identity(n, n);
    Dyn Q = Dyn::Zero(n, n);
    for (int i = 0; i < 9; ++i)
      for (int j = 0; j < 9; ++j) {
        F(i, j) = F9(i, j) * unit(j) / unit(i);
        Q(i, j) = Q9(i, j) / (unit(i) * unit(j));
      }
    b.predict(F, Q);
  };
  // In steps as long as the tracker's (F's Taylor series holds over seconds).
  const double step_s = dyn.max_covariance_step_s;
  const auto advance = [&](metrics::Pcrlb<Eigen::Dynamic>& b, double from, double to) {
    for (; to - from > step_s; from += step_s) predict(b, from, from + step_s);
    predict(b, from, to);
  };

  std::size_t next_time = 0;
  const auto emit_until = [&](double until) {
    for (; next_time < times.size() && times[next_time] <= until; ++next_time) {
      if (times[next_time] < t0) continue;
      auto copy = bound;
      advance(copy, t, times[next_time]);
      out[next_time] = copy.position_rmse_bound_m() * pos_unit;
    }
  };
  for (const auto& d : sim.detections) {
    if (d.truth_id != static_cast<std::int64_t>(launch) ||
        !radar_selected(s.radars[d.radar_index], run.nation))
      continue;
    const double td = d.t.seconds_since(s.start);
    if (td < t0) continue;
    emit_until(td);
    advance(bound, t, td);
    t = td;
    const auto& p = s.radars[d.radar_index];
    const track::RangeAzEl model(p.site,
                                 track::Vec3(p.sigma_range_m, p.sigma_az_rad, p.sigma_el_rad));
    const auto m = model.predict(truth9(td).head<3>());
    Dyn H = Dyn::Zero(3, n);
    H.leftCols(3) = m.H_pos * pos_unit;
    // z = h(x) + b with b = sigma * b_scaled: dz/db_scaled = sigma of that component.
    for (int c = 0; c < 3; ++c) {
      const int k = bias_index[d.radar_index][c];
      if (k >= 0) H(c, k) = bias_sigma.at(static_cast<std::size_t>(k - kinematic));
    }
    const Eigen::Matrix3d R =
        Eigen::Vector3d(d.sigma_range_m * d.sigma_range_m, d.sigma_az_rad * d.sigma_az_rad,
                        d.sigma_el_rad * d.sigma_el_rad)
            .asDiagonal();
    bound.update(H, R);
  }
  emit_until(std::numeric_limits<double>::infinity());
  return out;
}

}  // namespace

std::vector<LaunchAccuracy> assess(const Scenario& s, const Simulation& sim,
                                   const TrackingRun& run) {
  std::vector<LaunchAccuracy> out;
  // Id swaps: the nearest track of every airborne truth, at every sample time, in time order.
  metrics::ContinuityCounter continuity;
  {
    std::map<std::pair<double, std::int64_t>, const TrackSample*> nearest;
    for (const auto& ts : run.samples) {
      if (ts.truth < 0 || ts.truth_distance_m > 20e3) continue;
      auto [it, fresh] = nearest.try_emplace({ts.t_s, ts.truth}, &ts);
      if (!fresh && ts.truth_distance_m < it->second->truth_distance_m) it->second = &ts;
    }
    for (const auto& [key, ts] : nearest)
      continuity.observe(s.start.plus_seconds(key.first), static_cast<std::uint64_t>(key.second),
                         ts->track_id);
  }
  const auto per_truth = continuity.per_truth();
  for (std::size_t li = 0; li < s.launches.size(); ++li) {
    const Launch& l = s.launches[li];
    const auto& traj = l.shaped.flight.trajectory;
    const double launch_t = l.time.seconds_since(s.start);
    LaunchAccuracy a;
    a.id = l.spec.id;

    // Samples on this launch (nearest truth, within 20 km), the nearest track at each time.
    std::map<double, const TrackSample*> best_at;
    for (const auto& ts : run.samples) {
      if (ts.truth != static_cast<std::int64_t>(li) || ts.truth_distance_m > 20e3) continue;
      auto [it, fresh] = best_at.try_emplace(ts.t_s, &ts);
      if (!fresh && ts.truth_distance_m < it->second->truth_distance_m) it->second = &ts;
    }
    // A break: another track takes over the missile less than 30 s after the last sample of
    // the previous one, i.e. while it stayed in coverage (samples come every second while
    // some track is confirmed).
    std::set<std::uint64_t> ids;
    std::uint64_t last_id = 0;
    double last_t = 0.0;  // read only once last_id is set
    for (const auto& [t, ts] : best_at) {
      if (!a.first_track_s) a.first_track_s = t - launch_t;
      ids.insert(ts->track_id);
      if (last_id != 0 && ts->track_id != last_id && t - last_t < 30.0) ++a.breaks_in_coverage;
      last_id = ts->track_id;
      last_t = t;
    }
    a.tracks_on_it = ids.size();
    for (const auto& c : per_truth)
      if (c.truth_id == li) a.id_swaps = c.id_swaps;

    // Midcourse errors, NEES and the PCRLB at the same samples.
    std::vector<double> times;
    std::vector<const TrackSample*> mid;
    // The track assigned to the missile at each time (the nearest); other tracks near it
    // are spurious and counted in tracks_on_it, not in its error. Only while the missile is
    // tracked (a measurement within the tracker's ordinary coast time): past burnout a track
    // coasts through gaps in coverage, where its error is that of a prediction.
    const double tracked_within_s = national_tracker_config().deleter.max_coast_s;
    for (const auto& [t_s, ts] : best_at) {
      const double since = t_s - launch_t;
      if (since < traj.burnout_s + 30.0 || since > traj.impact_s) continue;
      if (ts->since_update_s > tracked_within_s) continue;
      if (traj.geodetic_at(since).h_m < 100e3) continue;
      mid.push_back(ts);
      times.push_back(ts->t_s);
    }
    const auto bounds = pcrlb_bounds(s, sim, run, li, times);
    metrics::RmseAccumulator pos, vel;
    double bound_sq = 0.0;
    std::size_t bound_n = 0;
    metrics::NeesConsistency nees(metrics::nees_band(6, 1));
    for (std::size_t i = 0; i < mid.size(); ++i) {
      const auto* ts = mid[i];
      const auto e = traj.ecef_at(ts->t_s - launch_t);
      Eigen::Matrix<double, 6, 1> err;
      err << ts->estimate.x.head<3>() - e.r_m, ts->estimate.x.segment<3>(3) - e.v_mps;
      pos.add(err.head<3>());
      vel.add(err.tail<3>());
      if (std::isfinite(bounds[i])) {
        bound_sq += bounds[i] * bounds[i];
        ++bound_n;
      }
    }
    // NEES at every update of a track on this launch in midcourse.
    for (const auto& ns : run.nees) {
      if (ns.truth != static_cast<std::int64_t>(li)) continue;
      const double since = ns.t_s - launch_t;
      if (since < traj.burnout_s + 30.0 || since > traj.impact_s) continue;
      if (traj.geodetic_at(since).h_m < 100e3) continue;
      nees.add(ns.nees);
    }
    a.midcourse_samples = mid.size();
    if (!mid.empty()) {
      a.midcourse_position_rmse_m = pos.rmse();
      a.midcourse_velocity_rmse_mps = vel.rmse();
      a.nees_inside_fraction = nees.fraction_inside();
      a.nees_mean = nees.mean();
      a.nees_samples = nees.samples();
    }
    if (bound_n > 0) {
      a.midcourse_pcrlb_position_m = std::sqrt(bound_sq / bound_n);
      a.rmse_over_pcrlb = a.midcourse_position_rmse_m / a.midcourse_pcrlb_position_m;
    }

    // The launch report: the first estimate confident enough to issue (95 % ellipse
    // semi-major axis within 5 km), else the most confident one.
    const LaunchSample* report = nullptr;
    for (const auto& ls : run.launches) {
      if (ls.truth != static_cast<std::int64_t>(li) || !ls.estimate.valid) continue;
      if (ls.estimate.ellipse.semi_major_m <= kLaunchReportAxis_m) {
        report = &ls;
        break;
      }
      if (!report || ls.estimate.ellipse.semi_major_m < report->estimate.ellipse.semi_major_m)
        report = &ls;
    }
    if (report) {
      a.launch_point_error_m = report->error_m;
      a.launch_time_error_s = report->time_error_s;
      a.launch_report_s = report->t_s - launch_t;
    }
    std::size_t inside = 0;
    for (const auto& is : run.impacts) {
      if (is.truth != static_cast<std::int64_t>(li) || !is.prediction.valid) continue;
      if (!a.first_impact_prediction_s) {
        a.first_impact_prediction_s = is.t_s - launch_t;
        a.first_impact_error_m = is.error_m;
      }
      ++a.impact_predictions;
      inside += is.inside_95;
    }
    if (a.impact_predictions > 0)
      a.impact_ellipse_coverage = static_cast<double>(inside) / a.impact_predictions;
    out.push_back(a);
  }
  return out;
}

}  // namespace trilink::eval
