#include "eval/analysis.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <tuple>

#include "base/text.hpp"
#include "eval/truth.hpp"
#include "geo/angles.hpp"
#include "node/national_node.hpp"
#include "warn/threat.hpp"

namespace trilink::eval {

using exercise::Mode;
using exercise::RunOutput;
using scenario::Launch;
using scenario::NodeSite;
using scenario::Scenario;
using scenario::Simulation;

namespace {

using nlohmann::ordered_json;

enum Ev : std::size_t { kDetection, kTrack, kLaunchReport, kLaunchAlert, kImpact, kThreat };

void earliest(std::optional<double>& slot, double t) {
  if (!slot || t < *slot) slot = t;
}

std::optional<double> min_opt(std::optional<double> a, std::optional<double> b) {
  if (!a) return b;
  if (!b) return a;
  return std::min(*a, *b);
}

EventTimes combine(const EventTimes& a, const EventTimes& b) {
  EventTimes c;
  for (std::size_t i = 0; i < timeline_events.size(); ++i) c[i] = min_opt(a[i], b[i]);
  return c;
}

double ground_distance_m(const geo::Geodetic& a, const geo::Geodetic& b) {
  return geo::geodesic_inverse(a, b).distance_m;
}

bool inside_ellipse(const share::ImpactPrediction& p, const geo::Geodetic& truth) {
  const geo::Geodetic c = geo::to_geodetic(geo::Ecef{p.impact_point_ecef_m});
  const auto path = geo::geodesic_inverse(c, truth);
  const double da = path.azimuth_rad - p.major_axis_azimuth_rad;
  const double x = path.distance_m * std::cos(da), y = path.distance_m * std::sin(da);
  if (p.semi_major_m <= 0.0 || p.semi_minor_m <= 0.0) return false;
  return (x * x) / (p.semi_major_m * p.semi_major_m) +
             (y * y) / (p.semi_minor_m * p.semi_minor_m) <=
         1.0;
}

// The space tracks of a satellites' nation on its own picture, and their launch reports.
void space_outcome(const Scenario& s, const RunOutput& run, std::size_t li, SpaceOutcome& out) {
  if (s.satellites.empty()) return;
  const Launch& L = s.launches[li];
  std::map<std::pair<Nation, std::uint64_t>, std::size_t> about;
  for (const auto& o : run.display) {
    const share::Header& h = share::header(o.message);
    if (h.originator.nation != o.nation) continue;  // the nation's own products only
    if (const auto* t = std::get_if<share::LocalTrack>(&o.message)) {
      if (t->track_id < node::space_track_id_base) continue;
      const auto key = std::pair(o.nation, t->track_id);
      if (!about.contains(key))
        if (auto l = launch_near(s, h.time_of_validity, t->position_ecef_m)) about[key] = *l;
      if (about.contains(key) && about[key] == li && t->status == share::TrackStatus::confirmed)
        earliest(out.first_track_s, o.t_s - L.spec.time_s);
    } else if (const auto* m = std::get_if<share::LaunchReport>(&o.message)) {
      const auto it = about.find(std::pair(o.nation, m->system_track_id));
      if (m->system_track_id < node::space_track_id_base || it == about.end() || it->second != li ||
          out.settled_report_s)
        continue;
      const double err = ground_distance_m(geo::to_geodetic(geo::Ecef{m->launch_point_ecef_m}),
                                           L.shaped.plan.site);
      if (out.launch_report_s) {
        if (o.t_s - L.spec.time_s >= *out.launch_report_s + 10.0) {
          out.settled_report_s = o.t_s - L.spec.time_s;
          out.settled_launch_point_error_m = err;
        }
        continue;
      }
      out.launch_report_s = o.t_s - L.spec.time_s;
      out.launch_point_error_m = ground_distance_m(
          geo::to_geodetic(geo::Ecef{m->launch_point_ecef_m}), L.shaped.plan.site);
      out.launch_time_error_s = m->launch_time.seconds_since(L.time);
    }
  }
}

struct Accum {
  EventTimes own, hub;
  double sq = 0.0;
  std::size_t n = 0;
  std::optional<double> launch_error_m;
  std::optional<double> first_impact_m, last_impact_m;
  std::size_t impacts = 0, inside = 0;
  PictureMetrics metrics() const {
    PictureMetrics m;
    m.track_reports = n;
    if (n) m.track_rmse_m = std::sqrt(sq / static_cast<double>(n));
    m.launch_point_error_m = launch_error_m;
    m.first_impact_error_m = first_impact_m;
    m.last_impact_error_m = last_impact_m;
    if (impacts) m.impact_inside_95 = static_cast<double>(inside) / static_cast<double>(impacts);
    return m;
  }
};

// Per run: [launch][nation] accumulators; own = the nation's node, hub = released by the hub.
struct RunScore {
  std::vector<std::map<Nation, Accum>> per_launch;
  std::vector<ThreatAlertRecord> threats;
};

// Tracks are matched to truth objects (eval/truth.hpp); the picture is scored per launch on
// the tracks about its missile, and every threat alert on its object's truth.
RunScore score(const Scenario& s, const RunOutput& run,
               const std::vector<warn::AreaGeometry>& geometry,
               const std::vector<scenario::TruthObject>& objects,
               const std::vector<std::vector<warn::GroundPoint>>& truth_tracks,
               const std::string& hub_name) {
  RunScore r;
  r.per_launch.resize(s.launches.size());
  TrackObjects about(s);
  std::optional<std::size_t> object;
  // The launch whose missile the object is, if it is one.
  const auto missile = [&](std::optional<std::size_t> oi) {
    return oi && *oi < s.launches.size() ? oi : std::nullopt;
  };
  auto map_track = [&](Nation n, const std::string& node, std::uint64_t id, geo::UtcTime t,
                       const Eigen::Vector3d& p) {
    object = about.map(n, node, id, t, p);
    return missile(object);
  };
  auto lookup = [&](Nation n, const std::string& node, std::uint64_t id) {
    object = about.lookup(n, node, id);
    return missile(object);
  };
  for (const auto& o : run.display) {
    const share::Header& h = share::header(o.message);
    const bool from_hub = h.originator.node == hub_name;
    const std::string& node = h.originator.node;
    std::optional<std::size_t> launch;
    std::optional<Eigen::Vector3d> position;
    bool confirmed = false;
    if (const auto* t = std::get_if<share::LocalTrack>(&o.message)) {
      launch = map_track(o.nation, node, t->track_id, h.time_of_validity, t->position_ecef_m);
      position = t->position_ecef_m;
      confirmed = t->status == share::TrackStatus::confirmed;
    } else if (const auto* t = std::get_if<share::SystemTrack>(&o.message)) {
      launch =
          map_track(o.nation, node, t->system_track_id, h.time_of_validity, t->position_ecef_m);
      position = t->position_ecef_m;
      confirmed = t->status == share::TrackStatus::confirmed;
    } else if (const auto* m = std::get_if<share::LaunchReport>(&o.message)) {
      launch = lookup(o.nation, node, m->system_track_id);
    } else if (const auto* m = std::get_if<share::ImpactPrediction>(&o.message)) {
      launch = lookup(o.nation, node, m->system_track_id);
    } else if (const auto* m = std::get_if<share::Alert>(&o.message)) {
      launch = lookup(o.nation, node, m->system_track_id);
      if (m->level == share::AlertLevel::threat) {
        ThreatAlertRecord tr;
        tr.mode = run.mode;
        tr.nation = o.nation;
        tr.source = node;
        tr.t_s = o.t_s;
        tr.areas = m->areas;
        bool real = false;
        if (object) {
          const scenario::TruthObject& ob = objects[*object];
          tr.launch = scenario::label(s, ob);
          for (const auto& g : geometry)
            if (std::ranges::find(m->areas, g.area().name) != m->areas.end() &&
                truth_over(g, ob.trajectory(s), truth_tracks[*object]).threatened())
              real = true;
        }
        tr.false_alert = !real;
        r.threats.push_back(tr);
      }
    }
    if (!launch) continue;
    const Launch& L = s.launches[*launch];
    const double after = o.t_s - L.spec.time_s;
    Accum& acc = r.per_launch[*launch][o.nation];
    EventTimes& ev = from_hub ? acc.hub : acc.own;
    // Score the picture each run stands for: own tracks alone, or the hub's fused tracks.
    const bool scored = from_hub || run.mode == Mode::national;
    earliest(ev[kDetection], after);
    if (position && confirmed) {
      earliest(ev[kTrack], after);
      const auto truth =
          L.shaped.flight.trajectory.ecef_at(h.time_of_validity.seconds_since(L.time));
      // (Reports farther than 50 km from the missile count as lost, not as error.)
      const double e2 = (truth.r_m - *position).squaredNorm();
      if (scored && e2 <= about_launch_m * about_launch_m &&
          h.time_of_validity.seconds_since(L.time) <= L.shaped.flight.trajectory.impact_s) {
        acc.sq += e2;
        ++acc.n;
      }
    }
    if (const auto* m = std::get_if<share::LaunchReport>(&o.message)) {
      earliest(ev[kLaunchReport], after);
      if (scored && !acc.launch_error_m)
        acc.launch_error_m = ground_distance_m(geo::to_geodetic(geo::Ecef{m->launch_point_ecef_m}),
                                               L.spec.request.site);
    } else if (const auto* m = std::get_if<share::ImpactPrediction>(&o.message)) {
      earliest(ev[kImpact], after);
      // Predictions made before the impact are scored (not those of a track after it).
      if (scored &&
          h.time_of_validity.seconds_since(L.time) < L.shaped.flight.trajectory.impact_s) {
        const auto& impact = L.shaped.flight.trajectory.impact;
        const double e =
            ground_distance_m(geo::to_geodetic(geo::Ecef{m->impact_point_ecef_m}), impact);
        if (!acc.first_impact_m) acc.first_impact_m = e;
        acc.last_impact_m = e;
        ++acc.impacts;
        acc.inside += inside_ellipse(*m, impact) ? 1 : 0;
      }
    } else if (const auto* m = std::get_if<share::Alert>(&o.message)) {
      if (m->level == share::AlertLevel::launch_detected) earliest(ev[kLaunchAlert], after);
      if (m->level == share::AlertLevel::threat) earliest(ev[kThreat], after);
    }
  }
  return r;
}

std::string describe(const Launch& l) {
  const auto& traj = l.shaped.flight.trajectory;
  std::string d(flight::to_string(l.shaped.plan.vehicle.missile_class));
  if (!l.spec.profile_label.empty()) d += " " + l.spec.profile_label;
  d += l.spec.area.empty() ? "" : " from " + l.spec.area;
  d += ", apogee " + fixed(traj.apogee_height_m / 1e3, 0) + " km, range " +
       fixed(traj.ground_range_m / 1e3, 0) + " km";
  return d;
}

}  // namespace

ExerciseResult analyse(const Scenario& s, const Simulation& sim,
                       const std::vector<warn::ProtectedArea>& areas, const RunOutput& national,
                       const RunOutput& trilateral) {
  ExerciseResult out;
  std::vector<warn::AreaGeometry> geometry;
  for (const auto& a : areas) geometry.emplace_back(a);
  const std::vector<scenario::TruthObject> objects = scenario::truth_objects(s);
  std::vector<std::vector<warn::GroundPoint>> tracks;
  for (const auto& o : objects)
    tracks.push_back(true_ground_track(o.trajectory(s), s.launches[o.launch].time));
  const std::string hub = s.network.hub() ? s.network.hub()->name : "";
  const RunScore alone = score(s, national, geometry, objects, tracks, hub);
  const RunScore shared = score(s, trilateral, geometry, objects, tracks, hub);
  out.threat_alerts = alone.threats;
  out.threat_alerts.insert(out.threat_alerts.end(), shared.threats.begin(), shared.threats.end());
  for (const auto& t : out.threat_alerts) out.false_threat_alerts += t.false_alert ? 1 : 0;

  const std::vector<Nation> nations = nations_with_nodes(s);
  const auto hop_s = [&](const std::string& a, const std::string& b) {
    return s.network.latency_s(a, b) + s.network.params(a, b).jitter_s;
  };

  for (std::size_t li = 0; li < s.launches.size(); ++li) {
    const Launch& L = s.launches[li];
    const auto& traj = L.shaped.flight.trajectory;
    LaunchOutcome lo;
    lo.id = L.spec.id;
    lo.description = describe(L);
    lo.launch_s = L.spec.time_s;
    lo.burnout_s = traj.burnout_s;
    lo.impact_s = traj.impact_s;
    // First plot of each nation's radars.
    std::map<Nation, std::optional<double>> first_plot;
    for (std::size_t r = 0; r < s.radars.size(); ++r) {
      const auto& st = sim.stats[r][li];
      if (!st.first_detection_s) continue;
      if (*st.first_detection_s < traj.burnout_s) lo.boost_seen = true;
      const Nation n = s.radars[r].nation;
      first_plot[n] = min_opt(first_plot[n], st.first_detection_s);
    }
    // Infrared satellites: their plots count as their nation's first detection.
    for (std::size_t k = 0; k < s.satellites.size(); ++k) {
      const auto& st = sim.ir_stats[k][li];
      lo.space.first_visible_s = min_opt(lo.space.first_visible_s, st.first_visible_s);
      lo.space.first_plot_s = min_opt(lo.space.first_plot_s, st.first_plot_s);
      if (!st.first_plot_s) continue;
      if (*st.first_plot_s < traj.burnout_s) lo.boost_seen = true;
      const Nation n = s.satellites[k].nation;
      first_plot[n] = min_opt(first_plot[n], st.first_plot_s);
    }
    space_outcome(s, national, li, lo.space);
    // Own first confirmations in the trilateral run (for the sharing bound).
    std::map<Nation, std::optional<double>> own_confirm;
    for (Nation n : nations) {
      const auto it = shared.per_launch[li].find(n);
      if (it != shared.per_launch[li].end()) own_confirm[n] = it->second.own[kTrack];
    }
    for (Nation n : nations) {
      NationOutcome no;
      no.nation = n;
      const Accum empty;
      const auto a_it = alone.per_launch[li].find(n);
      const auto s_it = shared.per_launch[li].find(n);
      const Accum& a = a_it == alone.per_launch[li].end() ? empty : a_it->second;
      const Accum& t = s_it == shared.per_launch[li].end() ? empty : s_it->second;
      no.national = a.own;
      no.national[kDetection] = min_opt(first_plot[n], a.own[kDetection]);
      no.trilateral = combine(t.own, t.hub);
      no.trilateral[kDetection] = min_opt(first_plot[n], no.trilateral[kDetection]);
      no.national_metrics = a.metrics();
      no.trilateral_metrics = t.metrics();
      if (no.national[kTrack] && no.trilateral[kTrack])
        no.sharing_gain_s = *no.national[kTrack] - *no.trilateral[kTrack];
      for (const auto& g : geometry) {
        if (g.area().nation != n) continue;
        const TruthOverArea over = truth_over(g, L, tracks[li]);
        no.truly_threatened = no.truly_threatened || over.threatened();
        if (over.entry && g.area().nation == n)
          no.overflight_s = min_opt(no.overflight_s, over.entry->seconds_since(L.time));
      }
      const NodeSite* me = s.network.node_of(n);
      for (Nation m : nations) {
        if (!own_confirm[m]) continue;
        const NodeSite* them = s.network.node_of(m);
        double via = 0.0;
        if (m != n && s.network.hub())
          via = hop_s(them->name, s.network.hub()->name) + hop_s(s.network.hub()->name, me->name);
        no.first_track_bound_s = min_opt(no.first_track_bound_s, *own_confirm[m] + via + 1.0);
      }
      lo.nations.push_back(no);
    }
    out.launches.push_back(std::move(lo));
  }

  // Targets.
  auto add = [&](std::string name, std::string measured, bool pass) {
    out.targets.push_back(TargetResult{std::move(name), std::move(measured), pass});
  };
  for (const auto& lo : out.launches) {
    for (const auto& no : lo.nations) {
      const std::string who = lo.id + " " + std::string(to_string(no.nation));
      if (no.nation == Nation::JPN && no.first_track_bound_s) {
        const auto& t = no.trilateral[kTrack];
        add(who + ": first confirmed track with sharing <= first confirmation + latency + 1 s",
            t ? "T+" + fixed(*t, 2) + " s (bound T+" + fixed(*no.first_track_bound_s, 2) + " s)"
              : "never",
            t && *t <= *no.first_track_bound_s + 1e-9);
      }
      if (lo.boost_seen) {
        const auto& t = no.trilateral[kLaunchAlert];
        add(who + ": launch alert within 30 s of launch (boost seen)",
            t ? "T+" + fixed(*t, 1) + " s" : "never", t && *t <= 30.0);
      }
      if (lo.space.first_visible_s) {
        const auto& t = no.trilateral[kLaunchAlert];
        add(who + ": launch alert within 20 s of lift-off (plume seen from space at T+" +
                fixed(*lo.space.first_visible_s, 1) + " s)",
            t ? "T+" + fixed(*t, 1) + " s" : "never", t && *t <= 20.0);
      }
      if (no.truly_threatened) {
        const auto& t = no.trilateral[kThreat];
        add(who + ": threat alert within 20 s after burnout (T+" + fixed(lo.burnout_s, 1) + " s)",
            t ? "T+" + fixed(*t, 1) + " s (" + fixed(*t - lo.burnout_s, 1) + " s after burnout)"
              : "never",
            t && *t - lo.burnout_s <= 20.0);
      }
    }
  }
  for (const auto& lo : out.launches) {
    if (!lo.space.first_visible_s) continue;
    const auto& e = lo.space.launch_point_error_m;
    add(lo.id + ": launch point from space within 5 km at its first report",
        e ? fixed(*e / 1e3, 2) + " km at T+" + fixed(*lo.space.launch_report_s, 1) + " s" : "never",
        e && *e <= 5e3);
  }
  out.national_warning = score_warnings(s, areas, national);
  out.trilateral_warning = score_warnings(s, areas, trilateral);
  std::size_t missed = 0, repeated = 0, early = 0, below = 0, premature = 0;
  double gap_s = 0.0;
  for (const WarningScore* w : {&out.national_warning, &out.trilateral_warning})
    for (const auto& n : w->nations) {
      repeated += n.repeated_launch_alerts;
      early += n.early_predictions;
      below += n.below_ground;
      if (w->mode != Mode::trilateral) continue;
      missed += n.missed;
      gap_s += n.gap_s;
      premature += n.premature_ends;
    }
  add("no missed threat (trilateral)", std::to_string(missed) + " missed", missed == 0);
  add("no alert gap while a missile threatens an area (trilateral)",
      fixed(gap_s, 1) + " s, " + std::to_string(premature) + " premature passed/fell/all clear",
      gap_s <= 0.0 && premature == 0);
  add("one launch alert per launch and source (both runs)", std::to_string(repeated) + " repeated",
      repeated == 0);
  add("no impact prediction before burnout (both runs)", std::to_string(early) + " before burnout",
      early == 0);
  add("no track below the ground (both runs)", std::to_string(below) + " below the ground",
      below == 0);
  add("no false threat alert (both runs)",
      std::to_string(out.false_threat_alerts) + " false of " +
          std::to_string(out.threat_alerts.size()),
      out.false_threat_alerts == 0);
  return out;
}

}  // namespace trilink::eval
