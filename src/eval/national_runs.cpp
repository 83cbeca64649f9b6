#include "eval/national_runs.hpp"

#include <limits>
#include <utility>

#include "base/chi2.hpp"

namespace trilink::eval {

using scenario::airborne;
using scenario::Launch;
using scenario::Scenario;
using scenario::Simulation;

bool radar_selected(const sensor::RadarParams& r, std::optional<Nation> nation) {
  return !nation || r.nation == *nation;
}

std::string selection_name(std::optional<Nation> nation) {
  return nation ? std::string(to_string(*nation)) : "ALL";
}

namespace {

// East-north offset of `truth` from `estimate`, on the ground.
Eigen::Vector2d ground_offset(const geo::Geodetic& estimate, const geo::Geodetic& truth) {
  geo::Geodetic e = estimate, t = truth;
  e.h_m = t.h_m = 0.0;
  return geo::LocalFrame(e).to_enu(geo::to_ecef(t)).r_m.head<2>();
}

}  // namespace

TrackingRun run_national_tracker(const Scenario& s, const Simulation& sim,
                                 std::optional<Nation> nation, const TrackingOptions& options) {
  TrackingRun run;
  run.nation = nation;
  // The nation's radars, in scenario order; sensor_of[r]: radar r's sensor index, or -1.
  node::NationalPipelineConfig config;
  config.nation = nation.value_or(Nation::USA);  // "ALL": the products' originator only
  config.epoch = s.start;
  config.consider_biases = options.consider_biases;
  config.keep_diagnostics = true;
  std::vector<std::int64_t> sensor_of(s.radars.size(), -1);
  for (std::size_t r = 0; r < s.radars.size(); ++r) {
    if (!radar_selected(s.radars[r], nation)) continue;
    sensor_of[r] = static_cast<std::int64_t>(config.radars.size());
    config.radars.push_back(s.radars[r]);
  }
  node::NationalPipeline pipeline(std::move(config));
  const NationalTracker& tracker = pipeline.tracker();

  // The launch nearest to an estimated position among the missiles airborne then, and its
  // distance; -1 when none is airborne.
  const auto nearest_truth = [](const std::vector<sensor::Target>& truths,
                                const Eigen::Vector3d& p) {
    std::pair<std::int64_t, double> best{-1, std::numeric_limits<double>::infinity()};
    for (const auto& x : truths) {
      const double d = (x.position.r_m - p).norm();
      if (d < best.second) best = {x.object_id, d};
    }
    return best;
  };
  const double chi2_95_2dof = chi2_quantile(0.95, 2);
  // What the pipeline made at a tick, scored.
  const auto score_products = [&](const node::TrackProducts& tp) {
    const double t_s = tp.view.time.seconds_since(s.start);
    const std::int64_t truth =
        nearest_truth(airborne(s, tp.view.time), tp.view.state.x.head<3>()).first;
    if (truth < 0) return;
    const Launch& truth_launch = s.launches[static_cast<std::size_t>(truth)];
    const double launch_s = truth_launch.time.seconds_since(s.start);
    if (const auto& e = tp.products.launch_estimate) {
      LaunchSample ls{t_s, tp.view.id, truth, *e, 0.0, 0.0};
      ls.error_m = ground_offset(e->point, truth_launch.spec.request.site).norm();
      ls.time_error_s = (t_s - e->time_before_s) - launch_s;
      run.launches.push_back(ls);
    }
    if (const auto& p = tp.products.impact_estimate) {
      const auto& traj = truth_launch.shaped.flight.trajectory;
      ImpactSample& is = run.impacts.emplace_back();
      is.t_s = t_s;
      is.track_id = tp.view.id;
      is.truth = truth;
      is.prediction = *p;
      if (tp.view.drag) is.drag.emplace(*tp.view.drag);
      const Eigen::Vector2d d = ground_offset(p->point, traj.impact);
      is.error_m = d.norm();
      is.time_error_s = (t_s + p->time_to_impact_s) - (launch_s + traj.impact_s);
      const Eigen::LLT<Eigen::Matrix2d> llt(p->ellipse.cov_en);
      is.inside_95 = llt.info() == Eigen::Success && d.dot(llt.solve(d)) <= chi2_95_2dof;
    }
  };

  double next_tick = 0.0;
  const auto tick_until = [&](double t_s) {
    for (; next_tick <= t_s; next_tick += options.sample_interval_s) {
      const node::TickOutput out = pipeline.tick(next_tick);
      const auto truths = airborne(s, s.start.plus_seconds(next_tick));
      for (const auto& tr : tracker.tracks()) {
        if (tr.status == track::TrackStatus::tentative) continue;
        TrackSample ts;
        ts.t_s = next_tick;
        ts.track_id = tr.id;
        ts.status = tr.status;
        ts.since_update_s = next_tick - tr.last_update_s;
        ts.estimate = tracker.predict(tr, next_tick);
        ts.boost_probability = tracker.filter().manoeuvre_probability(tr.state);
        const auto [truth, distance] = nearest_truth(truths, ts.estimate.x.head<3>());
        ts.truth = truth;
        ts.truth_distance_m = truth >= 0 ? distance : 0.0;
        run.samples.push_back(ts);
      }
      for (const auto& tp : out.products) score_products(tp);
    }
  };

  const auto record_nees = [&](double t_s) {
    const auto truths = airborne(s, s.start.plus_seconds(t_s));
    for (const auto& tr : tracker.tracks()) {
      if (tr.status == track::TrackStatus::tentative || tr.last_update_s != t_s) continue;
      const auto& g = tracker.estimate(tr);
      const sensor::Target* nearest = nullptr;
      double best = 20e3;
      for (const auto& x : truths) {
        const double d = (x.position.r_m - g.x.head<3>()).norm();
        if (d < best) best = d, nearest = &x;
      }
      if (!nearest) continue;
      Eigen::Matrix<double, 6, 1> err;
      err << g.x.head<3>() - nearest->position.r_m, g.x.segment<3>(3) - nearest->velocity_mps;
      const Eigen::LLT<Eigen::Matrix<double, 6, 6>> llt(g.P.topLeftCorner<6, 6>());
      if (llt.info() != Eigen::Success) continue;
      const Eigen::LLT<Eigen::Matrix3d> llt_p(g.P.topLeftCorner<3, 3>());
      const Eigen::LLT<Eigen::Matrix3d> llt_v(g.P.block<3, 3>(3, 3));
      const Eigen::Vector3d ep = err.head<3>(), ev = err.tail<3>();
      run.nees.push_back(NeesSample{t_s, tr.id, nearest->object_id, err.dot(llt.solve(err)),
                                    ep.dot(llt_p.solve(ep)), ev.dot(llt_v.solve(ev))});
    }
  };

  std::vector<track::Measurement> scan;
  std::size_t i = 0;
  while (i < sim.detections.size()) {
    const auto& first = sim.detections[i];
    std::size_t j = i;
    scan.clear();
    for (; j < sim.detections.size() && sim.detections[j].t == first.t &&
           sim.detections[j].radar_index == first.radar_index;
         ++j) {
      const auto& d = sim.detections[j];
      scan.push_back(node::measurement_of(
          s.radars[d.radar_index], {d.range_m, d.az_rad, d.el_rad},
          {d.sigma_range_m, d.sigma_az_rad, d.sigma_el_rad}, options.consider_biases,
          d.has_range_rate ? std::optional(d.range_rate_mps) : std::nullopt,
          d.sigma_range_rate_mps));
    }
    i = j;
    if (sensor_of[first.radar_index] < 0) continue;
    const double t_s = first.t.seconds_since(s.start);
    tick_until(t_s - 1e-9);
    pipeline.on_look(static_cast<std::uint32_t>(sensor_of[first.radar_index]), t_s, scan);
    record_nees(t_s);
    const auto diagnostics = pipeline.take_diagnostics();
    run.diagnostics.insert(run.diagnostics.end(), diagnostics.begin(), diagnostics.end());
  }
  tick_until(s.duration_s);
  run.counters = tracker.counters();
  return run;
}

}  // namespace trilink::eval
