#include "eval/warning.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <tuple>

#include "eval/truth.hpp"
#include "geo/frames.hpp"
#include "scenario/simulation.hpp"

namespace trilink::eval {

using scenario::Launch;

namespace {

// Times in seconds since the scenario start.
struct Danger {
  std::set<std::string> areas;  // the nation's areas the launch truly threatens
  double start_s = 0.0;         // of the window scored for gaps
  double end_s = 0.0;           // impact in an area, else the last overflight exit
  double event_s = 0.0;         // impact in an area, else the first overflight entry
  double burnout_s = 0.0;
  double launch_s = 0.0;
};

// A source's threat about a launch: active from `from_s` to `to_s` (open if none).
struct Interval {
  double from_s = 0.0;
  std::optional<double> to_s;
};

double covered_s(std::vector<std::pair<double, double>> iv, double lo, double hi) {
  for (auto& [a, b] : iv) a = std::max(a, lo), b = std::min(b, hi);
  std::erase_if(iv, [](const auto& p) { return p.second <= p.first; });
  std::ranges::sort(iv);
  double total = 0.0, end = lo;
  for (const auto& [a, b] : iv) {
    const double from = std::max(a, end);
    if (b > from) total += b - from;
    end = std::max(end, b);
  }
  return total;
}

}  // namespace

std::string_view to_string(WarningFault::Kind k) {
  switch (k) {
    case WarningFault::Kind::false_threat:
      return "false_threat";
    case WarningFault::Kind::premature_end:
      return "premature_end";
    case WarningFault::Kind::repeated_launch_alert:
      return "repeated_launch_alert";
    case WarningFault::Kind::prediction_before_burnout:
      return "prediction_before_burnout";
  }
  return "?";
}

WarningScore score_warnings(const scenario::Scenario& s,
                            const std::vector<warn::ProtectedArea>& areas,
                            const exercise::RunOutput& run) {
  WarningScore out;
  out.mode = run.mode;
  std::vector<warn::AreaGeometry> geometry;
  for (const auto& a : areas) geometry.emplace_back(a);
  const std::vector<scenario::TruthObject> objects = scenario::truth_objects(s);

  const std::vector<Nation> nations = nations_with_nodes(s);
  // Truth: the danger each object brings each nation. A missile brings it to the areas it falls
  // in or flies over; debris only to those it falls in.
  std::map<std::pair<Nation, std::size_t>, Danger> danger;
  // Areas each object truly threatens (of any nation; debris too where it only flies over), for
  // false alerts.
  std::vector<std::set<std::string>> threatened_areas(objects.size());
  for (std::size_t oi = 0; oi < objects.size(); ++oi) {
    const scenario::TruthObject& o = objects[oi];
    const Launch& L = s.launches[o.launch];
    const auto& traj = o.trajectory(s);
    const auto track = true_ground_track(traj, L.time);
    const double launch_s = L.spec.time_s;
    for (const auto& g : geometry) {
      const TruthOverArea over = truth_over(g, traj, track);
      if (!over.threatened()) continue;
      threatened_areas[oi].insert(g.area().name);
      const Nation n = g.area().nation;
      if (std::ranges::find(nations, n) == nations.end()) continue;
      if (o.debris && !over.impact) continue;
      const bool fresh = !danger.contains({n, oi});
      Danger& d = danger[{n, oi}];
      if (fresh) {
        d.launch_s = launch_s;
        d.burnout_s = launch_s + L.shaped.flight.trajectory.burnout_s;
        d.end_s = d.event_s = -1e300;
      }
      d.areas.insert(g.area().name);
      const double impact_s = launch_s + traj.impact_s;
      const double end = over.impact ? impact_s : over.exit->seconds_since(s.start);
      d.end_s = std::max(d.end_s, end);
      const double event = over.impact ? impact_s : over.entry->seconds_since(s.start);
      if (d.event_s < -1e299 || event < d.event_s) d.event_s = event;
    }
  }
  for (auto& [key, d] : danger) d.start_s = std::min(d.burnout_s + threat_allowance_s, d.end_s);

  std::map<Nation, NationWarningScore> score;
  for (Nation n : nations) score[n].nation = n;
  TrackObjects about(s);
  // (nation, source node, object the alert is about, an object of its launch) -> intervals of
  // an active threat naming an area that object truly threatens: the alert's own object, or
  // another it covers too (the same warning for the same people at the same time). A
  // missile's fragments fly with it for minutes a few km off, and which of the cloud a track
  // is about (TrackObjects) is a toss (o02: Japan warned of an IRBM's overflight 315 s ahead
  // by a track judged a fragment's, the IRBM's own threat counted 447 s late); a fragment
  // that falls in the area its missile's threat names falls on people warned (q05: an ICBM's
  // fragment in Hawaii's sea, "missed" while the RV's threat for it was up). Once that threat
  // ends (passed, fell, all clear) the other object is uncovered again.
  std::map<std::tuple<Nation, std::string, std::size_t, std::size_t>, std::vector<Interval>> active;
  std::vector<std::vector<std::size_t>> of_launch(s.launches.size());
  for (std::size_t oi = 0; oi < objects.size(); ++oi) of_launch[objects[oi].launch].push_back(oi);
  std::map<std::tuple<Nation, std::string, std::optional<std::size_t>>, std::size_t> launch_alerts;
  std::map<std::tuple<Nation, std::string, std::uint64_t>, Eigen::Vector3d> last_position;
  // A launch alert about a launch that has had one from the source, while another launch
  // that has had none flies within left_object_m of the track: the alert is about that one.
  // Missiles of one site seconds apart are one cluster for their first minute; a boosting
  // track lags its missile toward the one launched after it, and which of the two a track
  // is about (TrackObjects) is then a toss.
  const auto launch_of_alert = [&](Nation n, const std::string& node, std::uint64_t track_id,
                                   geo::UtcTime t, std::optional<std::size_t> launch) {
    if (!launch || !launch_alerts.contains({n, node, launch})) return launch;
    const auto p = last_position.find({n, node, track_id});
    if (p == last_position.end()) return launch;
    std::optional<std::size_t> best;
    double best_d = left_object_m;
    for (std::size_t l = 0; l < s.launches.size(); ++l) {
      if (launch_alerts.contains({n, node, l})) continue;
      const auto e = objects[l].state_at(s, t);
      if (!e) continue;
      const double d = (e->r_m - p->second).norm();
      if (d <= best_d) best = l, best_d = d;
    }
    return best ? best : launch;
  };
  for (const auto& o : run.display) {
    auto it = score.find(o.nation);
    if (it == score.end()) continue;
    NationWarningScore& ns = it->second;
    const share::Header& h = share::header(o.message);
    const std::string& node = h.originator.node;
    const Eigen::Vector3d* position = nullptr;
    std::uint64_t track_id = 0;
    if (const auto* t = std::get_if<share::LocalTrack>(&o.message)) {
      position = &t->position_ecef_m;
      track_id = t->track_id;
    } else if (const auto* t = std::get_if<share::SystemTrack>(&o.message)) {
      position = &t->position_ecef_m;
      track_id = t->system_track_id;
    }
    if (position) {
      about.map(o.nation, node, track_id, h.time_of_validity, *position);
      last_position[{o.nation, node, track_id}] = *position;
      if (geo::to_geodetic(geo::Ecef{*position}).h_m < 0.0) ++ns.below_ground;
      continue;
    }
    if (const auto* p = std::get_if<share::ImpactPrediction>(&o.message)) {
      auto oi = about.lookup(o.nation, node, p->system_track_id);
      // Debris flies free from its separation: its burnout (the trajectory's) is then.
      const auto early = [&](std::size_t i) {
        return h.time_of_validity.seconds_since(s.launches[objects[i].launch].time) <
               objects[i].trajectory(s).burnout_s;
      };
      const auto pos = last_position.find({o.nation, node, p->system_track_id});
      if (oi && early(*oi) && pos != last_position.end()) {
        // A prediction is about the object whose fall it predicts, of those beside the track: a
        // track that took up the spent stage at a staging stays about the missile while
        // within a few km of it, and its prediction of the stage's fall (Korea on untuned u10,
        // seed 2: down at T+2 672 s, 10 s after the second stage's separation; the stage fell
        // at T+2 690 s, the missile boosted on to T+234 s and fell at T+3 982 s) is no
        // prediction of the missile before its burnout.
        const geo::Geodetic predicted = geo::to_geodetic(geo::Ecef{p->impact_point_ecef_m});
        const auto miss_m = [&](std::size_t i) {
          const flight::Trajectory& traj = objects[i].trajectory(s);
          return traj.impacted ? geo::geodesic_inverse(predicted, traj.impact).distance_m
                               : std::numeric_limits<double>::infinity();
        };
        double best = miss_m(*oi);
        for (std::size_t i = 0; i < objects.size(); ++i) {
          if (i == *oi || objects[i].launch != objects[*oi].launch) continue;
          const auto e = objects[i].state_at(s, h.time_of_validity);
          if (!e || (e->r_m - pos->second).norm() > left_object_m) continue;
          if (const double d = miss_m(i); d < best) oi = i, best = d;
        }
      }
      if (oi) {
        const scenario::TruthObject& ob = objects[*oi];
        if (early(*oi)) {
          ++ns.early_predictions;
          ns.faults.push_back({WarningFault::Kind::prediction_before_burnout, o.t_s, node,
                               scenario::label(s, ob), p->system_track_id});
        }
      }
      continue;
    }
    const auto* a = std::get_if<share::Alert>(&o.message);
    if (!a) continue;
    const auto oi = about.lookup(o.nation, node, a->system_track_id);
    const auto about_label = [&](std::optional<std::size_t> i) {
      return i ? scenario::label(s, objects[*i]) : std::string();
    };
    switch (a->level) {
      case share::AlertLevel::launch_detected: {
        // Per launch: a launch alert for a track on its spent stage repeats the launch's.
        std::optional<std::size_t> launch;
        if (oi) launch = objects[*oi].launch;
        launch = launch_of_alert(o.nation, node, a->system_track_id, h.time_of_validity, launch);
        ++ns.launch_alerts;
        if (++launch_alerts[{o.nation, node, launch}] > 1)
          ns.faults.push_back({WarningFault::Kind::repeated_launch_alert, o.t_s, node,
                               about_label(oi), a->system_track_id});
        break;
      }
      case share::AlertLevel::threat:
      case share::AlertLevel::update: {
        ++ns.threat_messages;
        const bool real = oi && std::ranges::any_of(a->areas, [&](const std::string& name) {
                            return threatened_areas[*oi].contains(name);
                          });
        if (!real) {
          ++ns.false_threats;
          ns.faults.push_back(
              {WarningFault::Kind::false_threat, o.t_s, node, about_label(oi), a->system_track_id});
        }
        if (!oi) break;
        for (const std::size_t other : of_launch[objects[*oi].launch]) {
          const auto od = danger.find({o.nation, other});
          if (od == danger.end()) continue;
          const bool covers = std::ranges::any_of(
              a->areas, [&](const std::string& name) { return od->second.areas.contains(name); });
          auto& iv = active[{o.nation, node, *oi, other}];
          const bool open = !iv.empty() && !iv.back().to_s;
          if (covers && !open) iv.push_back({o.t_s, std::nullopt});
          if (!covers && open) iv.back().to_s = o.t_s;
        }
        break;
      }
      case share::AlertLevel::passed:
      case share::AlertLevel::fell:
      case share::AlertLevel::all_clear: {
        if (!oi) break;
        const auto& own = active[{o.nation, node, *oi, *oi}];
        const bool ended = !own.empty() && !own.back().to_s;
        for (auto k = active.lower_bound({o.nation, node, *oi, 0});
             k != active.end() && std::get<0>(k->first) == o.nation &&
             std::get<1>(k->first) == node && std::get<2>(k->first) == *oi;
             ++k)
          if (!k->second.empty() && !k->second.back().to_s) k->second.back().to_s = o.t_s;
        if (!ended) break;
        const auto d = danger.find({o.nation, *oi});
        if (d != danger.end() && o.t_s < d->second.end_s) {
          ++ns.premature_ends;
          ns.faults.push_back({WarningFault::Kind::premature_end, o.t_s, node, about_label(oi),
                               a->system_track_id});
        }
        break;
      }
    }
  }
  for (const auto& [key, n] : launch_alerts)
    score[std::get<0>(key)].repeated_launch_alerts += n > 1 ? n - 1 : 0;

  for (const auto& [key, d] : danger) {
    const auto [n, oi] = key;
    NationWarningScore& ns = score[n];
    ++ns.threatened;
    ThreatOutcome t;
    t.object = oi;
    t.launch = objects[oi].launch;
    t.name = scenario::label(s, objects[oi]);
    std::vector<std::pair<double, double>> covered;
    std::optional<double> first;
    const auto cover = [&](const std::vector<Interval>& iv) {
      for (const auto& i : iv) {
        covered.emplace_back(i.from_s, i.to_s.value_or(1e300));
        if (i.from_s < d.end_s && (!first || i.from_s < *first)) first = i.from_s;
      }
    };
    for (const auto& [akey, iv] : active)
      if (std::get<0>(akey) == n && std::get<3>(akey) == oi) cover(iv);
    t.window_s = d.end_s - d.start_s;
    t.gap_s = t.window_s - covered_s(covered, d.start_s, d.end_s);
    t.missed = !first;
    t.lead_wanted_s = lead_target_fraction * std::max(0.0, d.event_s - d.burnout_s);
    if (first) {
      t.threat_after_launch_s = *first - d.launch_s;
      t.threat_after_burnout_s = *first - d.burnout_s;
      t.lead_s = d.event_s - *first;
    }
    ns.missed += t.missed ? 1 : 0;
    ns.gap_s += t.gap_s;
    ns.threats.push_back(t);
  }
  for (Nation n : nations) out.nations.push_back(std::move(score[n]));
  return out;
}

}  // namespace trilink::eval
