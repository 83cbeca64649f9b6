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

// The track id and position a display message reports (none: not a track report).
std::optional<std::pair<std::uint64_t, Eigen::Vector3d>> reported(const exercise::Observation& o) {
  if (const auto* t = std::get_if<share::LocalTrack>(&o.message))
    return std::pair{t->track_id, t->position_ecef_m};
  if (const auto* t = std::get_if<share::SystemTrack>(&o.message))
    return std::pair{t->system_track_id, t->position_ecef_m};
  return std::nullopt;
}

// A launch alert may be about the launches its track follows up to this long after it (s).
constexpr double launch_alert_follow_s = 15.0;

// The display indices of the launch alerts that repeat another of their source's. Which launch
// a launch alert is about is a toss in a cluster: missiles of one site seconds apart fly
// within a few km of each other for their first minute, a boosting track lags its missile
// toward the one launched after it, and a young track is nearest the one it does not follow
// for its first seconds (raid100, seed 1: the hub's track 4 at T+47 s, 0.4 km from R072 and
// 1.7 km from R002, launched 11 s after R072 from the same pad, followed R002 from T+52 s to
// its fall). So each alert may be about the launches its track is about (TrackObjects) in its
// reports up to launch_alert_follow_s after the alert, the latest first, and those with an object
// within left_object_m of its last report, the nearest first; each source's alerts, earliest first,
// are matched to distinct launches (a maximum matching: a later alert may move an earlier one
// to another of its launches); an alert left without a launch repeats one. An alert of a track
// never reported stands for one launch of its own, as all such alerts of its source do.
std::set<std::size_t> repeated_launch_alerts(const scenario::Scenario& s,
                                             const std::vector<scenario::TruthObject>& objects,
                                             const exercise::RunOutput& run) {
  using TrackKey = std::tuple<Nation, std::string, std::uint64_t>;
  struct Pending {
    std::size_t index = 0;  // in the display
    TrackKey track;
    geo::UtcTime time;
    std::vector<std::size_t> near;  // launches near the track's last report, nearest first
  };
  std::vector<Pending> alerts;
  std::map<TrackKey, std::vector<std::pair<geo::UtcTime, std::size_t>>> followed;
  std::map<TrackKey, Eigen::Vector3d> last_position;
  TrackObjects about(s);
  for (std::size_t i = 0; i < run.display.size(); ++i) {
    const exercise::Observation& o = run.display[i];
    const share::Header& h = share::header(o.message);
    if (const auto r = reported(o)) {
      const TrackKey key{o.nation, h.originator.node, r->first};
      last_position[key] = r->second;
      if (const auto oi =
              about.map(o.nation, h.originator.node, r->first, h.time_of_validity, r->second))
        followed[key].emplace_back(h.time_of_validity, *oi);
      continue;
    }
    const auto* a = std::get_if<share::Alert>(&o.message);
    if (!a || a->level != share::AlertLevel::launch_detected) continue;
    Pending p{i, {o.nation, h.originator.node, a->system_track_id}, h.time_of_validity, {}};
    if (const auto pos = last_position.find(p.track); pos != last_position.end()) {
      std::vector<std::pair<double, std::size_t>> near;
      for (const scenario::TruthObject& ob : objects)
        if (const auto e = ob.state_at(s, p.time))
          if (const double d = (e->r_m - pos->second).norm(); d <= left_object_m)
            near.emplace_back(d, ob.launch);
      std::ranges::sort(near);
      for (const auto& [d, l] : near)
        if (std::ranges::find(p.near, l) == p.near.end()) p.near.push_back(l);
    }
    alerts.push_back(std::move(p));
  }
  const std::size_t no_launch = s.launches.size();
  std::vector<std::vector<std::size_t>> candidates(alerts.size());
  for (std::size_t k = 0; k < alerts.size(); ++k) {
    const Pending& p = alerts[k];
    std::vector<std::size_t>& c = candidates[k];
    if (const auto f = followed.find(p.track); f != followed.end())
      for (auto it = f->second.rbegin(); it != f->second.rend(); ++it)
        if (it->first.seconds_since(p.time) <= launch_alert_follow_s &&
            std::ranges::find(c, objects[it->second].launch) == c.end())
          c.push_back(objects[it->second].launch);
    for (const std::size_t l : p.near)
      if (std::ranges::find(c, l) == c.end()) c.push_back(l);
    if (c.empty()) c.push_back(no_launch);
  }
  // Per source: which of its alerts holds each launch (Kuhn's augmenting paths).
  std::map<std::pair<Nation, std::string>, std::map<std::size_t, std::size_t>> holder;
  std::set<std::size_t> repeated;
  for (std::size_t k = 0; k < alerts.size(); ++k) {
    auto& held = holder[{std::get<0>(alerts[k].track), std::get<1>(alerts[k].track)}];
    std::set<std::size_t> tried;
    const auto augment = [&](const auto& self, std::size_t alert) -> bool {
      for (const std::size_t l : candidates[alert]) {
        if (!tried.insert(l).second) continue;
        const auto h = held.find(l);
        if (h == held.end() || self(self, h->second)) {
          held[l] = alert;
          return true;
        }
      }
      return false;
    };
    if (!augment(augment, k)) repeated.insert(alerts[k].index);
  }
  return repeated;
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
  std::map<std::tuple<Nation, std::string, std::uint64_t>, Eigen::Vector3d> last_position;
  const std::set<std::size_t> repeated = repeated_launch_alerts(s, objects, run);
  for (std::size_t i = 0; i < run.display.size(); ++i) {
    const exercise::Observation& o = run.display[i];
    auto it = score.find(o.nation);
    if (it == score.end()) continue;
    NationWarningScore& ns = it->second;
    const share::Header& h = share::header(o.message);
    const std::string& node = h.originator.node;
    if (const auto r = reported(o)) {
      const auto& [track_id, position] = *r;
      about.map(o.nation, node, track_id, h.time_of_validity, position);
      last_position[{o.nation, node, track_id}] = position;
      if (geo::to_geodetic(geo::Ecef{position}).h_m < 0.0) ++ns.below_ground;
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
        ++ns.launch_alerts;
        if (repeated.contains(i)) {
          ++ns.repeated_launch_alerts;
          ns.faults.push_back({WarningFault::Kind::repeated_launch_alert, o.t_s, node,
                               about_label(oi), a->system_track_id});
        }
        break;
      }
      case share::AlertLevel::threat:
      case share::AlertLevel::update: {
        ++ns.threat_messages;
        // As a threat about one object covers the danger of another of its launch (below),
        // it is real when an object of its launch truly threatens an area it names: a
        // fragment's track naming the area its RV falls in warns of that launch rightly.
        const bool real =
            oi && std::ranges::any_of(of_launch[objects[*oi].launch], [&](std::size_t other) {
              return std::ranges::any_of(a->areas, [&](const std::string& name) {
                return threatened_areas[other].contains(name);
              });
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
