#include "eval/national_runs.hpp"

#include <limits>
#include <map>

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
  const double sample_interval_s = options.sample_interval_s;
  const track::ImpactPredictor impact_predictor;
  const track::LaunchPointEstimator launch_estimator;
  std::map<std::uint64_t, double> next_prediction;
  node::BurnoutDetector burnout;
  TrackingRun run;
  run.nation = nation;
  // The nation's radars, in scenario order; sensor_of[r]: radar r's sensor index, or -1.
  std::vector<sensor::RadarParams> selected;
  std::vector<std::int64_t> sensor_of(s.radars.size(), -1);
  for (std::size_t r = 0; r < s.radars.size(); ++r) {
    if (!radar_selected(s.radars[r], nation)) continue;
    sensor_of[r] = static_cast<std::int64_t>(selected.size());
    selected.push_back(s.radars[r]);
  }
  NationalTracker tracker = node::make_national_tracker(selected, options.consider_biases);

  double next_sample = 0.0;
  std::vector<std::uint64_t> burnt_out;
  const auto sample_until = [&](double t_s) {
    for (; next_sample <= t_s; next_sample += sample_interval_s) {
      const auto truths = airborne(s, s.start.plus_seconds(next_sample));
      // Burnout (judged from the tracker alone): past it a track is ballistic for good.
      burnt_out.clear();
      for (const auto& tr : tracker.tracks()) {
        if (tr.status == track::TrackStatus::tentative) continue;
        if (burnout.update(tr.id, next_sample, tr.created_s,
                           tracker.filter().manoeuvre_probability(tr.state)))
          burnt_out.push_back(tr.id);
      }
      for (const auto id : burnt_out) tracker.end_manoeuvres(id);
      for (const auto& tr : tracker.tracks()) {
        if (tr.status == track::TrackStatus::tentative) continue;
        TrackSample ts;
        ts.t_s = next_sample;
        ts.track_id = tr.id;
        ts.status = tr.status;
        ts.since_update_s = next_sample - tr.last_update_s;
        const auto state = tracker.predict_state(tr, next_sample);
        ts.estimate = tracker.filter().combined(state);
        ts.boost_probability = tracker.filter().manoeuvre_probability(tr.state);
        double best = std::numeric_limits<double>::infinity();
        for (const auto& x : truths) {
          const double d = (x.position.r_m - ts.estimate.x.head<3>()).norm();
          if (d < best) best = d, ts.truth = x.object_id;
        }
        ts.truth_distance_m = std::isfinite(best) ? best : 0.0;
        run.samples.push_back(ts);
        if (ts.truth < 0 || options.prediction_interval_s <= 0.0) continue;
        const Launch& truth_launch = s.launches[static_cast<std::size_t>(ts.truth)];
        const auto& traj = truth_launch.shaped.flight.trajectory;
        if (!burnout.burnt_out(tr.id)) {
          LaunchSample ls;
          ls.t_s = next_sample;
          ls.track_id = tr.id;
          ls.truth = ts.truth;
          ls.estimate = launch_estimator.estimate(ts.estimate);
          if (ls.estimate.valid) {
            ls.error_m = ground_offset(ls.estimate.point, truth_launch.spec.request.site).norm();
            ls.time_error_s = (next_sample - ls.estimate.time_before_s) -
                              truth_launch.time.seconds_since(s.start);
          }
          run.launches.push_back(ls);
          continue;
        }
        auto [it, fresh] = next_prediction.try_emplace(tr.id, next_sample);
        if (next_sample + 1e-9 < it->second) continue;
        it->second = next_sample + options.prediction_interval_s;
        ImpactSample is;
        is.t_s = next_sample;
        is.track_id = tr.id;
        is.truth = ts.truth;
        is.drag = tracker.filter().drag(state);
        is.prediction = impact_predictor.predict(ts.estimate, is.drag);
        if (is.prediction.valid) {
          const Eigen::Vector2d d = ground_offset(is.prediction.point, traj.impact);
          is.error_m = d.norm();
          is.time_error_s = (next_sample + is.prediction.time_to_impact_s) -
                            (truth_launch.time.seconds_since(s.start) + traj.impact_s);
          Eigen::LLT<Eigen::Matrix2d> llt(is.prediction.ellipse.cov_en);
          is.inside_95 = llt.info() == Eigen::Success && d.dot(llt.solve(d)) <= 5.991464547107979;
        }
        run.impacts.push_back(is);
      }
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
      const track::Measurement m = node::measurement_of(
          s.radars[d.radar_index], d.range_m, d.az_rad, d.el_rad, d.sigma_range_m, d.sigma_az_rad,
          d.sigma_el_rad, options.consider_biases);
      scan.push_back(m);
    }
    i = j;
    if (sensor_of[first.radar_index] < 0) continue;
    const double t_s = first.t.seconds_since(s.start);
    sample_until(t_s - 1e-9);
    tracker.process(static_cast<std::uint32_t>(sensor_of[first.radar_index]), t_s, scan);
    record_nees(t_s);
    run.diagnostics.insert(run.diagnostics.end(), tracker.diagnostics().begin(),
                           tracker.diagnostics().end());
    tracker.clear_diagnostics();
  }
  sample_until(s.duration_s);
  run.counters = tracker.counters();
  return run;
}

}  // namespace trilink::eval
