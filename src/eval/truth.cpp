#include "eval/truth.hpp"

#include <algorithm>

#include "scenario/simulation.hpp"

namespace trilink::eval {

std::vector<Nation> nations_with_nodes(const scenario::Scenario& s) {
  std::vector<Nation> out;
  for (Nation n : all_nations) {
    const bool has =
        std::ranges::any_of(s.radars, [n](const auto& r) { return r.nation == n; }) ||
        std::ranges::any_of(s.satellites, [n](const auto& r) { return r.nation == n; });
    if (has && s.network.node_of(n)) out.push_back(n);
  }
  return out;
}

namespace {

// The id of the target nearest p within about_launch_m.
std::optional<std::size_t> nearest(const std::vector<sensor::Target>& targets,
                                   const Eigen::Vector3d& p) {
  std::optional<std::size_t> best;
  double best_d = about_launch_m;
  for (const auto& x : targets) {
    const double d = (x.position.r_m - p).norm();
    if (d < best_d) best_d = d, best = x.object_id;
  }
  return best;
}

}  // namespace

std::optional<std::size_t> launch_near(const scenario::Scenario& s, geo::UtcTime t,
                                       const Eigen::Vector3d& p) {
  return nearest(scenario::airborne(s, t), p);
}

std::optional<std::size_t> object_near(const scenario::Scenario& s, geo::UtcTime t,
                                       const Eigen::Vector3d& p) {
  return nearest(scenario::airborne_objects(s, t), p);
}

std::vector<warn::GroundPoint> true_ground_track(const scenario::Launch& l) {
  return true_ground_track(l.shaped.flight.trajectory, l.time);
}

std::vector<warn::GroundPoint> true_ground_track(const flight::Trajectory& traj,
                                                 geo::UtcTime launch_time) {
  std::vector<warn::GroundPoint> out;
  const double end = scenario::end_of(traj);
  for (double t = traj.start_s();; t += truth_step_s) {
    const double tt = std::min(t, end);
    geo::Geodetic g = traj.geodetic_at(tt);
    g.h_m = 0.0;
    out.push_back({g, launch_time.plus_seconds(tt)});
    if (tt >= end) break;
  }
  return out;
}

TruthOverArea truth_over(const warn::AreaGeometry& a, const scenario::Launch& l,
                         const std::vector<warn::GroundPoint>& track) {
  return truth_over(a, l.shaped.flight.trajectory, track);
}

TruthOverArea truth_over(const warn::AreaGeometry& a, const flight::Trajectory& traj,
                         const std::vector<warn::GroundPoint>& track) {
  TruthOverArea r;
  r.impact = traj.impacted && a.contains(traj.impact);
  if (const auto o = warn::corridor_overflight(a, track, 0.0)) {
    r.entry = o->entry;
    r.exit = o->exit;
  }
  return r;
}

TrackObjects::TrackObjects(const scenario::Scenario& s)
    : s_(s), objects_(scenario::truth_objects(s)) {}

std::optional<std::size_t> TrackObjects::map(Nation n, const std::string& node, std::uint64_t id,
                                             geo::UtcTime t, const Eigen::Vector3d& p) {
  // Debris this close to its missile cannot be told from it: the track is about the missile.
  const auto or_missile = [&](std::optional<std::size_t> o) -> std::optional<std::size_t> {
    if (!o || !objects_[*o].debris) return o;
    const std::size_t m = objects_[*o].launch;
    const auto e = objects_[m].state_at(s_, t);
    return e && (e->r_m - p).norm() <= with_missile_m ? m : *o;
  };
  const auto key = std::make_tuple(n, node, id);
  const auto it = about_.find(key);
  if (it != about_.end()) {
    const auto e = objects_[it->second].state_at(s_, t);
    if (!e) {
      // Its object is down: a track carried on past the impact (a system track coasting for
      // the seconds its contributions take to end) is still about it, unless another object is
      // right there. Untuned u20: the hub's track of S4, coasting 1-3 s past S4's fall, was
      // taken for S3's (40 km off, the nearest still flying), and its right "fell" of S4 was
      // scored S3's premature end.
      if (const auto l = object_near(s_, t, p)) {
        const auto o = objects_[*l].state_at(s_, t);
        if (o && (o->r_m - p).norm() <= taken_by_another_m) it->second = *or_missile(l);
      }
      return it->second;
    }
    const double d = (e->r_m - p).norm();
    if (d <= left_object_m) {
      std::size_t keep = it->second;
      if (d > taken_by_another_m)
        if (const auto l = object_near(s_, t, p); l && *l != keep)
          if (const auto o = objects_[*l].state_at(s_, t); o && 4.0 * (o->r_m - p).norm() <= d)
            keep = *l;
      it->second = *or_missile(keep);
      return it->second;
    }
  }
  const auto l = or_missile(object_near(s_, t, p));
  if (l) {
    about_.insert_or_assign(key, *l);
  } else if (it != about_.end()) {
    // Near nothing: its last object stays, for the alerts about it that follow (a track that
    // ends below the ground, a prediction carried past impact).
    return it->second;
  }
  return l;
}

std::optional<std::size_t> TrackObjects::lookup(Nation n, const std::string& node,
                                                std::uint64_t id) const {
  const auto it = about_.find(std::make_tuple(n, node, id));
  if (it == about_.end()) return std::nullopt;
  return it->second;
}

}  // namespace trilink::eval
