#include "scenario/simulation.hpp"

#include <algorithm>

namespace trilink::scenario {

std::vector<sensor::Target> airborne(const Scenario& s, geo::UtcTime t) {
  std::vector<sensor::Target> targets;
  for (std::uint32_t i = 0; i < s.launches.size(); ++i) {
    const Launch& l = s.launches[i];
    const auto& traj = l.shaped.flight.trajectory;
    const double since = t.seconds_since(l.time);
    if (since < 0.0 || since > traj.impact_s) continue;
    const geo::EcefState e = traj.ecef_at(since);
    const geo::Geodetic g = geo::to_geodetic(geo::Ecef{e.r_m});
    const auto& v = l.shaped.plan.vehicle;
    targets.push_back(sensor::Target{i, geo::Ecef{e.r_m}, e.v_mps, g.h_m,
                                     since < traj.burnout_s ? v.rcs_boost_m2 : v.rcs_rv_m2});
  }
  return targets;
}

std::vector<sensor::Plume> plumes(const Scenario& s, geo::UtcTime t) {
  std::vector<sensor::Plume> out;
  for (std::uint32_t i = 0; i < s.launches.size(); ++i) {
    const Launch& l = s.launches[i];
    const auto& traj = l.shaped.flight.trajectory;
    const double since = t.seconds_since(l.time);
    if (since < 0.0 || since >= traj.burnout_s) continue;
    const geo::EcefState e = traj.ecef_at(since);
    out.push_back(sensor::Plume{i, geo::Ecef{e.r_m}, geo::approx_height_m(e.r_m),
                                l.shaped.plan.thrusting(since)});
  }
  return out;
}

Simulation simulate(const Scenario& s) {
  Simulation out;
  const geo::UtcTime end = s.start.plus_seconds(s.duration_s);

  for (std::uint32_t i = 0; i < s.launches.size(); ++i) {
    const Launch& l = s.launches[i];
    const auto& traj = l.shaped.flight.trajectory;
    const double offset = l.time.seconds_since(s.start);
    const auto row = [&](double since) {
      const geo::EcefState e = traj.ecef_at(since);
      out.truth.push_back(
          TruthRow{offset + since, i, e, geo::to_geodetic(geo::Ecef{e.r_m}), traj.phase_at(since)});
    };
    for (double since = 0.0; since < traj.impact_s; since += s.truth_interval_s) row(since);
    row(traj.impact_s);
  }
  std::stable_sort(out.truth.begin(), out.truth.end(),
                   [](const TruthRow& a, const TruthRow& b) { return a.t_s < b.t_s; });

  out.stats.assign(s.radars.size(), std::vector<RadarLaunchStats>(s.launches.size()));
  out.false_alarms.assign(s.radars.size(), 0);
  for (std::uint32_t r = 0; r < s.radars.size(); ++r) {
    sensor::Radar radar(s.radars[r], r, s.seed);
    const double revisit_ns = s.radars[r].revisit_s * 1e9;
    const geo::UtcTime first = radar.first_scan(s.start);
    for (std::int64_t k = 0;; ++k) {
      const geo::UtcTime t{first.ns + static_cast<std::int64_t>(std::llround(k * revisit_ns))};
      if (t > end) break;
      const auto targets = airborne(s, t);
      for (sensor::Detection& d : radar.scan(t, targets)) {
        if (d.truth_id < 0) {
          ++out.false_alarms[r];
        } else {
          auto& st = out.stats[r][static_cast<std::size_t>(d.truth_id)];
          ++st.detections;
          if (!st.first_detection_s)
            st.first_detection_s = t.seconds_since(s.launches[d.truth_id].time);
        }
        out.detections.push_back(d);
      }
    }
  }
  std::stable_sort(out.detections.begin(), out.detections.end(),
                   [](const sensor::Detection& a, const sensor::Detection& b) {
                     return a.t.ns != b.t.ns ? a.t.ns < b.t.ns : a.radar_index < b.radar_index;
                   });

  // Infrared frames: every satellite on its own frame clock.
  out.ir_stats.assign(s.satellites.size(), std::vector<SatelliteLaunchStats>(s.launches.size()));
  out.ir_false_alarms.assign(s.satellites.size(), 0);
  for (std::uint32_t k = 0; k < s.satellites.size(); ++k) {
    sensor::IrSatellite sat(s.satellites[k], k, s.seed);
    const double frame_ns = s.satellites[k].frame_s * 1e9;
    const geo::UtcTime first = sat.first_frame(s.start);
    for (std::int64_t j = 0;; ++j) {
      const geo::UtcTime t{first.ns + static_cast<std::int64_t>(std::llround(j * frame_ns))};
      if (t > end) break;
      const auto in_boost = plumes(s, t);
      if (!in_boost.empty()) {
        const geo::Vec3 r = sat.orbit().ecef_at(t).r_m;
        for (const auto& p : in_boost) {
          auto& st = out.ir_stats[k][p.object_id];
          if (!st.first_visible_s && sat.sees(r, p))
            st.first_visible_s = t.seconds_since(s.launches[p.object_id].time);
        }
      }
      for (sensor::IrPlot& p : sat.frame(t, in_boost)) {
        if (p.truth_id < 0) {
          ++out.ir_false_alarms[k];
        } else {
          auto& st = out.ir_stats[k][static_cast<std::size_t>(p.truth_id)];
          ++st.plots;
          if (!st.first_plot_s) st.first_plot_s = t.seconds_since(s.launches[p.truth_id].time);
        }
        out.ir_plots.push_back(p);
      }
    }
  }
  std::stable_sort(out.ir_plots.begin(), out.ir_plots.end(),
                   [](const sensor::IrPlot& a, const sensor::IrPlot& b) {
                     return a.t.ns != b.t.ns ? a.t.ns < b.t.ns
                                             : a.satellite_index < b.satellite_index;
                   });
  return out;
}

}  // namespace trilink::scenario
