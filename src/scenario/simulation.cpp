#include "scenario/simulation.hpp"

#include <algorithm>

namespace trilink::scenario {

double end_of(const flight::Trajectory& traj) {
  return traj.impacted ? traj.impact_s : traj.end_s();
}

namespace {

// Appends the truth object `id` to `targets` when airborne at t.
void add_if_airborne(const Scenario& s, const TruthObject& o, std::uint32_t id, geo::UtcTime t,
                     std::vector<sensor::Target>& targets) {
  const auto e = o.state_at(s, t);
  if (!e) return;
  const geo::Geodetic g = geo::to_geodetic(geo::Ecef{e->r_m});
  const double since = t.seconds_since(s.launches[o.launch].time);
  targets.push_back(sensor::Target{id, geo::Ecef{e->r_m}, e->v_mps, g.h_m, o.rcs_m2(s, since)});
}

}  // namespace

std::optional<geo::EcefState> TruthObject::state_at(const Scenario& s, geo::UtcTime t) const {
  const auto& traj = trajectory(s);
  const double since = t.seconds_since(s.launches[launch].time);
  if (since < traj.start_s() || since > (debris ? end_of(traj) : traj.impact_s))
    return std::nullopt;
  return traj.ecef_at(since);
}

const flight::Trajectory& TruthObject::trajectory(const Scenario& s) const {
  return debris ? debris->trajectory : s.launches[launch].shaped.flight.trajectory;
}

double TruthObject::rcs_m2(const Scenario& s, double since_launch_s) const {
  if (debris) return debris->rcs_m2;
  const Launch& l = s.launches[launch];
  const auto& v = l.shaped.plan.vehicle;
  return since_launch_s < l.shaped.flight.trajectory.burnout_s ? v.rcs_boost_m2 : v.rcs_rv_m2;
}

std::vector<TruthObject> truth_objects(const Scenario& s) {
  std::vector<TruthObject> out;
  for (std::uint32_t i = 0; i < s.launches.size(); ++i) out.push_back({i, nullptr});
  for (std::uint32_t i = 0; i < s.launches.size(); ++i)
    for (const auto& d : s.launches[i].debris) out.push_back({i, &d});
  return out;
}

std::string label(const Scenario& s, const TruthObject& o) {
  const std::string& id = s.launches[o.launch].spec.id;
  return o.debris ? id + "/" + o.debris->name : id;
}

std::string_view kind(const TruthObject& o) {
  return o.debris ? flight::to_string(o.debris->kind) : std::string_view("missile");
}

bool has_debris(const Scenario& s) {
  return std::ranges::any_of(s.launches, [](const Launch& l) { return !l.debris.empty(); });
}

std::vector<sensor::Target> airborne(const Scenario& s, geo::UtcTime t) {
  std::vector<sensor::Target> targets;
  for (std::uint32_t i = 0; i < s.launches.size(); ++i)
    add_if_airborne(s, TruthObject{i, nullptr}, i, t, targets);
  return targets;
}

std::vector<sensor::Target> airborne_objects(const Scenario& s, geo::UtcTime t) {
  std::vector<sensor::Target> targets = airborne(s, t);
  auto id = static_cast<std::uint32_t>(s.launches.size());
  for (std::uint32_t i = 0; i < s.launches.size(); ++i)
    for (const auto& d : s.launches[i].debris)
      add_if_airborne(s, TruthObject{i, &d}, id++, t, targets);
  return targets;
}

std::size_t peak_airborne(const Scenario& s, double interval_s) {
  const auto objects = truth_objects(s);
  std::size_t peak = 0;
  for (double t = 0.0; t <= s.duration_s; t += interval_s) {
    std::size_t n = 0;
    for (const auto& o : objects) {
      const auto& traj = o.trajectory(s);
      const double since = t - s.launches[o.launch].spec.time_s;
      n += since >= traj.start_s() && since <= end_of(traj) ? 1 : 0;
    }
    peak = std::max(peak, n);
  }
  return peak;
}

std::vector<TruthRow> truth_rows(const Scenario& s) {
  std::vector<TruthRow> out;
  const auto objects = truth_objects(s);
  for (std::uint32_t id = 0; id < objects.size(); ++id) {
    const TruthObject& o = objects[id];
    const auto& traj = o.trajectory(s);
    const double offset = s.launches[o.launch].time.seconds_since(s.start);
    const auto row = [&](double since) {
      const geo::EcefState e = traj.ecef_at(since);
      out.push_back(TruthRow{offset + since, o.launch, id, e, geo::to_geodetic(geo::Ecef{e.r_m}),
                             traj.phase_at(since)});
    };
    const double end = o.debris ? end_of(traj) : traj.impact_s;
    for (double since = traj.start_s(); since < end; since += s.truth_interval_s) row(since);
    row(end);
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const TruthRow& a, const TruthRow& b) { return a.t_s < b.t_s; });
  return out;
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

  out.stats.assign(s.radars.size(), std::vector<RadarLaunchStats>(s.launches.size()));
  out.false_alarms.assign(s.radars.size(), 0);
  for (std::uint32_t r = 0; r < s.radars.size(); ++r) {
    sensor::Radar radar(s.radars[r], r, s.seed);
    const double revisit_ns = s.radars[r].revisit_s * 1e9;
    const geo::UtcTime first = radar.first_scan(s.start);
    for (std::int64_t k = 0;; ++k) {
      const geo::UtcTime t{first.ns + static_cast<std::int64_t>(std::llround(k * revisit_ns))};
      if (t > end) break;
      const auto targets = airborne_objects(s, t);
      for (sensor::Detection& d : radar.scan(t, targets)) {
        if (d.truth_id < 0) {
          ++out.false_alarms[r];
        } else if (static_cast<std::size_t>(d.truth_id) < s.launches.size()) {
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
