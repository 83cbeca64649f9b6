#include "exercise/exercise.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <tuple>

#include "base/text.hpp"
#include "geo/angles.hpp"
#include "warn/threat.hpp"

namespace trilink::exercise {

namespace {

using nlohmann::ordered_json;

constexpr double kAboutLaunch_m = 50e3;  // a track this close to a missile is about it
constexpr double kTruthStep_s = 5.0;

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

// The launch a track position is about at time t: the nearest airborne missile within 50 km.
std::optional<std::size_t> launch_near(const Scenario& s, geo::UtcTime t,
                                       const Eigen::Vector3d& p) {
  std::optional<std::size_t> best;
  double best_d = kAboutLaunch_m;
  for (const auto& x : airborne(s, t)) {
    const double d = (x.position.r_m - p).norm();
    if (d < best_d) best_d = d, best = x.object_id;
  }
  return best;
}

std::vector<warn::GroundPoint> true_ground_track(const Launch& l) {
  const auto& traj = l.shaped.flight.trajectory;
  std::vector<warn::GroundPoint> out;
  for (double t = 0.0;; t += kTruthStep_s) {
    const double tt = std::min(t, traj.impact_s);
    geo::Geodetic g = traj.geodetic_at(tt);
    g.h_m = 0.0;
    out.push_back({g, l.time.plus_seconds(tt)});
    if (tt >= traj.impact_s) break;
  }
  return out;
}

// Is the area under the true impact point or the true ground track? Entry time if overflown.
struct TruthOverArea {
  bool impact = false;
  std::optional<geo::UtcTime> entry;
  bool threatened() const { return impact || entry.has_value(); }
};

TruthOverArea truth_over(const warn::AreaGeometry& a, const Launch& l,
                         const std::vector<warn::GroundPoint>& track) {
  TruthOverArea r;
  r.impact = a.contains(l.shaped.flight.trajectory.impact);
  if (const auto o = warn::corridor_overflight(a, track, 0.0)) r.entry = o->entry;
  return r;
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
  std::vector<std::map<share::Nation, Accum>> per_launch;
  std::vector<ThreatAlertRecord> threats;
};

RunScore score(const Scenario& s, const RunOutput& run,
               const std::vector<warn::AreaGeometry>& geometry,
               const std::vector<std::vector<warn::GroundPoint>>& truth_tracks,
               const std::string& hub_name) {
  RunScore r;
  r.per_launch.resize(s.launches.size());
  // (nation, originator node, track id) -> launch
  std::map<std::tuple<share::Nation, std::string, std::uint64_t>, std::size_t> about;
  auto map_track = [&](share::Nation n, const std::string& node, std::uint64_t id, geo::UtcTime t,
                       const Eigen::Vector3d& p) -> std::optional<std::size_t> {
    const auto key = std::make_tuple(n, node, id);
    if (auto it = about.find(key); it != about.end()) return it->second;
    const auto l = launch_near(s, t, p);
    if (l) about.emplace(key, *l);
    return l;
  };
  auto lookup = [&](share::Nation n, const std::string& node,
                    std::uint64_t id) -> std::optional<std::size_t> {
    const auto it = about.find(std::make_tuple(n, node, id));
    if (it == about.end()) return std::nullopt;
    return it->second;
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
        if (launch) {
          tr.launch = s.launches[*launch].spec.id;
          for (const auto& g : geometry)
            if (std::ranges::find(m->areas, g.area().name) != m->areas.end() &&
                truth_over(g, s.launches[*launch], truth_tracks[*launch]).threatened())
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
      if (scored && e2 <= kAboutLaunch_m * kAboutLaunch_m &&
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
  std::vector<std::vector<warn::GroundPoint>> tracks;
  for (const auto& l : s.launches) tracks.push_back(true_ground_track(l));
  const std::string hub = s.network.hub() ? s.network.hub()->name : "";
  const RunScore alone = score(s, national, geometry, tracks, hub);
  const RunScore shared = score(s, trilateral, geometry, tracks, hub);
  out.threat_alerts = alone.threats;
  out.threat_alerts.insert(out.threat_alerts.end(), shared.threats.begin(), shared.threats.end());
  for (const auto& t : out.threat_alerts) out.false_threat_alerts += t.false_alert ? 1 : 0;

  // Nations present: those with a national node (radars and a site).
  std::vector<share::Nation> nations;
  for (share::Nation n : share::all_nations) {
    bool has = false;
    for (const auto& r : s.radars) has = has || r.nation == share::to_string(n);
    if (has && s.network.node_of(n)) nations.push_back(n);
  }
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
    std::map<share::Nation, std::optional<double>> first_plot;
    for (std::size_t r = 0; r < s.radars.size(); ++r) {
      const auto& st = sim.stats[r][li];
      if (!st.first_detection_s) continue;
      if (*st.first_detection_s < traj.burnout_s) lo.boost_seen = true;
      if (auto n = share::parse_nation(s.radars[r].nation))
        first_plot[*n] = min_opt(first_plot[*n], st.first_detection_s);
    }
    // Own first confirmations in the trilateral run (for the sharing bound).
    std::map<share::Nation, std::optional<double>> own_confirm;
    for (share::Nation n : nations) {
      const auto it = shared.per_launch[li].find(n);
      if (it != shared.per_launch[li].end()) own_confirm[n] = it->second.own[kTrack];
    }
    for (share::Nation n : nations) {
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
        if (g.area().nation != share::to_string(n) && n != share::Nation::USA) continue;
        const TruthOverArea over = truth_over(g, L, tracks[li]);
        no.truly_threatened = no.truly_threatened || over.threatened();
        if (over.entry && g.area().nation == share::to_string(n))
          no.overflight_s = min_opt(no.overflight_s, over.entry->seconds_since(L.time));
      }
      const NodeSite* me = s.network.node_of(n);
      for (share::Nation m : nations) {
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
      const std::string who = lo.id + " " + std::string(share::to_string(no.nation));
      if (no.nation == share::Nation::JPN && no.first_track_bound_s) {
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
      if (no.truly_threatened) {
        const auto& t = no.trilateral[kThreat];
        add(who + ": threat alert within 20 s after burnout (T+" + fixed(lo.burnout_s, 1) + " s)",
            t ? "T+" + fixed(*t, 1) + " s (" + fixed(*t - lo.burnout_s, 1) + " s after burnout)"
              : "never",
            t && *t - lo.burnout_s <= 20.0);
      }
    }
  }
  add("no false threat alert (both runs)",
      std::to_string(out.false_threat_alerts) + " false of " +
          std::to_string(out.threat_alerts.size()),
      out.false_threat_alerts == 0);
  return out;
}

namespace {

ordered_json opt(const std::optional<double>& v, int decimals = 3) {
  if (!v) return nullptr;
  return std::round(*v * std::pow(10.0, decimals)) / std::pow(10.0, decimals);
}

ordered_json times_json(const EventTimes& e) {
  ordered_json j = ordered_json::object();
  for (std::size_t i = 0; i < timeline_events.size(); ++i)
    j[std::string(timeline_events[i]) + "_s"] = opt(e[i]);
  return j;
}

ordered_json metrics_json(const PictureMetrics& m) {
  ordered_json j;
  j["track_reports"] = m.track_reports;
  j["track_rmse_m"] = opt(m.track_rmse_m, 1);
  j["launch_point_error_m"] = opt(m.launch_point_error_m, 1);
  j["first_impact_error_m"] = opt(m.first_impact_error_m, 1);
  j["last_impact_error_m"] = opt(m.last_impact_error_m, 1);
  j["impact_inside_95"] = opt(m.impact_inside_95, 4);
  return j;
}

ordered_json run_json(const RunOutput& r) {
  ordered_json j;
  j["events"] = r.events;
  j["messages"] = r.messages;
  j["display_messages"] = r.display.size();
  ordered_json links = ordered_json::array();
  for (const auto& l : r.links) {
    ordered_json lj;
    lj["link"] = l.link;
    lj["sent"] = l.sent;
    lj["delivered"] = l.delivered;
    lj["lost"] = l.lost;
    lj["mean_latency_ms"] =
        l.delivered ? opt(1e3 * l.latency_sum_s / static_cast<double>(l.delivered)) : nullptr;
    lj["max_latency_ms"] = opt(1e3 * l.latency_max_s);
    links.push_back(lj);
  }
  j["links"] = links;
  if (r.mode == Mode::trilateral) {
    ordered_json hub;
    hub["received"] = r.hub.received;
    hub["admitted"] = r.hub.admitted;
    hub["rejected"] = r.hub.rejected;
    hub["released"] = r.hub.released;
    ordered_json rej = ordered_json::object();
    for (std::size_t i = 0; i < share::rejection_count; ++i)
      rej[std::string(share::to_string(share::all_rejections[i]))] = r.hub_rejected[i];
    hub["rejected_by_reason"] = rej;
    j["hub"] = hub;
  }
  ordered_json nodes = ordered_json::object();
  for (const auto& [n, c] : r.nodes) {
    ordered_json nj;
    nj["looks"] = c.looks;
    nj["plots"] = c.plots;
    nj["plots_rejected"] = c.plots_rejected;
    nj["tracks_reported"] = c.tracks_reported;
    nj["hub_admitted"] = c.hub_admitted;
    nj["hub_rejected"] = c.hub_rejected;
    nodes[std::string(share::to_string(n))] = nj;
  }
  j["nodes"] = nodes;
  return j;
}

}  // namespace

std::string summary_json(const Scenario& s, const ExerciseResult& r, const RunOutput& national,
                         const RunOutput& trilateral, double wall_s) {
  ordered_json j;
  j["scenario"] = s.name;
  j["description"] = s.description;
  j["start"] = geo::format_utc(s.start);
  j["seed"] = s.seed;
  j["duration_s"] = s.duration_s;
  j["wall_s"] = opt(wall_s);
  j["realtime_factor"] = wall_s > 0.0 ? opt(s.duration_s / wall_s, 1) : nullptr;
  j["false_threat_alerts"] = r.false_threat_alerts;
  ordered_json launches = ordered_json::array();
  for (const auto& lo : r.launches) {
    ordered_json l;
    l["id"] = lo.id;
    l["description"] = lo.description;
    l["launch_s"] = lo.launch_s;
    l["burnout_s"] = opt(lo.burnout_s);
    l["impact_s"] = opt(lo.impact_s);
    l["boost_seen"] = lo.boost_seen;
    ordered_json tn = ordered_json::object(), tt = ordered_json::object();
    ordered_json gain = ordered_json::object(), gains = ordered_json::object();
    ordered_json over = ordered_json::object(), threatened = ordered_json::object();
    ordered_json bound = ordered_json::object();
    ordered_json mn = ordered_json::object(), mt = ordered_json::object();
    for (const auto& no : lo.nations) {
      const std::string n(share::to_string(no.nation));
      tn[n] = times_json(no.national);
      tt[n] = times_json(no.trilateral);
      gain[n] = opt(no.sharing_gain_s);
      ordered_json g = ordered_json::object();
      for (std::size_t i = 0; i < timeline_events.size(); ++i) {
        const auto& a = no.national[i];
        const auto& b = no.trilateral[i];
        g[std::string(timeline_events[i]) + "_s"] = a && b ? opt(*a - *b) : ordered_json(nullptr);
      }
      gains[n] = g;
      over[n] = opt(no.overflight_s);
      threatened[n] = no.truly_threatened;
      bound[n] = opt(no.first_track_bound_s);
      mn[n] = metrics_json(no.national_metrics);
      mt[n] = metrics_json(no.trilateral_metrics);
    }
    l["timeline"] = {{"national", tn}, {"trilateral", tt}};
    l["sharing_gain_s"] = gain;
    l["gains_s"] = gains;
    l["first_track_bound_s"] = bound;
    l["truth_overflight_s"] = over;
    l["truly_threatened"] = threatened;
    l["metrics"] = {{"national", mn}, {"trilateral", mt}};
    launches.push_back(l);
  }
  j["launches"] = launches;
  ordered_json threats = ordered_json::array();
  for (const auto& t : r.threat_alerts) {
    ordered_json a;
    a["run"] = std::string(to_string(t.mode));
    a["nation"] = std::string(share::to_string(t.nation));
    a["source"] = t.source;
    a["t_s"] = opt(t.t_s);
    a["launch"] = t.launch ? ordered_json(*t.launch) : ordered_json(nullptr);
    a["areas"] = t.areas;
    a["false"] = t.false_alert;
    threats.push_back(a);
  }
  j["threat_alerts"] = threats;
  ordered_json targets = ordered_json::array();
  for (const auto& t : r.targets)
    targets.push_back({{"name", t.name}, {"measured", t.measured}, {"pass", t.pass}});
  j["targets"] = targets;
  j["runs"] = {{"national", run_json(national)}, {"trilateral", run_json(trilateral)}};
  return j.dump(2) + "\n";
}

std::string timeline_text(const ExerciseResult& r) {
  std::string out;
  const auto cell = [](const std::optional<double>& v) {
    return v ? "T+" + fixed(*v, 1) : std::string("never");
  };
  for (const auto& lo : r.launches) {
    out += lo.id + " (" + lo.description + "): burnout T+" + fixed(lo.burnout_s, 1) +
           " s, impact T+" + fixed(lo.impact_s, 1) + " s\n";
    for (const auto& no : lo.nations) {
      out += "  " + std::string(share::to_string(no.nation)) + "  alone -> shared\n";
      for (std::size_t i = 0; i < timeline_events.size(); ++i) {
        std::string line = "    " + std::string(timeline_events[i]);
        line.resize(30, ' ');
        out += line + cell(no.national[i]) + " -> " + cell(no.trilateral[i]);
        if (no.national[i] && no.trilateral[i] && *no.national[i] - *no.trilateral[i] > 0.05)
          out += "  (" + fixed(*no.national[i] - *no.trilateral[i], 1) + " s earlier)";
        else if (!no.national[i] && no.trilateral[i])
          out += "  (only with sharing)";
        out += "\n";
      }
      if (no.overflight_s)
        out += "    overflight (truth)        T+" + fixed(*no.overflight_s, 1) + "\n";
    }
  }
  out += "threat alerts: " + std::to_string(r.threat_alerts.size()) +
         ", false: " + std::to_string(r.false_threat_alerts) + "\n";
  for (const auto& t : r.targets)
    out += std::string(t.pass ? "  PASS  " : "  FAIL  ") + t.name + ": " + t.measured + "\n";
  return out;
}

}  // namespace trilink::exercise

namespace trilink::exercise {

report::ReportData report_data(const Scenario& s, const std::vector<warn::ProtectedArea>& areas,
                               std::vector<report::Ring> coastlines, const ExerciseResult& r,
                               const RunOutput& national, const RunOutput& trilateral) {
  report::ReportData d;
  d.title = s.name;
  d.description = s.description;
  d.start_utc = geo::format_utc(s.start);
  d.duration_s = s.duration_s;
  d.coastlines = std::move(coastlines);
  for (const auto& a : areas) {
    report::MapArea m;
    m.name = a.name;
    m.nation = a.nation;
    m.buffer_m = a.buffer_m;
    for (const auto& ring : a.rings) {
      report::Ring out;
      for (const auto& p : ring) out.push_back({p.lat_deg(), p.lon_deg()});
      m.rings.push_back(std::move(out));
    }
    d.areas.push_back(std::move(m));
  }
  for (const auto& p : s.radars)
    d.radars.push_back(report::RadarMark{p.name, p.nation, p.site, p.boresight_az_rad,
                                         p.half_sector_rad, p.max_range_m});
  for (const auto& l : s.launches) {
    const auto& traj = l.shaped.flight.trajectory;
    report::Path truth;
    truth.label = l.spec.id + " truth";
    truth.kind = "truth";
    for (double t = 0.0;; t += kTruthStep_s) {
      const double tt = std::min(t, traj.impact_s);
      truth.samples.push_back({l.spec.time_s + tt, traj.geodetic_at(tt)});
      if (tt >= traj.impact_s) break;
    }
    d.paths.push_back(std::move(truth));
    d.points.push_back({l.spec.id + " launch (true)", "launch_true", l.spec.request.site});
    d.points.push_back({l.spec.id + " impact (true)", "impact_true", traj.impact});
  }
  // National tracks of the national run, as each nation's display showed them.
  std::map<std::pair<share::Nation, std::uint64_t>, report::Path> local;
  for (const auto& o : national.display)
    if (const auto* t = std::get_if<share::LocalTrack>(&o.message)) {
      if (t->status == share::TrackStatus::dropped) continue;
      auto& p = local[{o.nation, t->track_id}];
      if (p.samples.empty()) {
        p.label = std::string(share::to_string(o.nation)) + " track " + std::to_string(t->track_id);
        p.kind = "national";
        p.nation = std::string(share::to_string(o.nation));
      }
      p.samples.push_back({t->header.time_of_validity.seconds_since(s.start),
                           geo::to_geodetic(geo::Ecef{t->position_ecef_m})});
    }
  for (auto& [k, p] : local) d.paths.push_back(std::move(p));
  // System tracks, launch reports and impact predictions of the trilateral run as released to
  // the USA (every nation's view, under the bundled policy).
  std::map<std::uint64_t, report::Path> system;
  std::map<std::uint64_t, std::vector<report::Ellipse>> ellipses;
  std::set<std::uint64_t> launch_marked;
  const std::string hub = s.network.hub() ? s.network.hub()->name : "";
  for (const auto& o : trilateral.display) {
    if (o.nation != share::Nation::USA || share::header(o.message).originator.node != hub) continue;
    if (const auto* t = std::get_if<share::SystemTrack>(&o.message)) {
      auto& p = system[t->system_track_id];
      if (p.samples.empty()) {
        p.label = "system track " + std::to_string(t->system_track_id);
        p.kind = "system";
      }
      p.samples.push_back({t->header.time_of_validity.seconds_since(s.start),
                           geo::to_geodetic(geo::Ecef{t->position_ecef_m})});
    } else if (const auto* m = std::get_if<share::ImpactPrediction>(&o.message)) {
      const double t_s = m->header.time_of_validity.seconds_since(s.start);
      auto& list = ellipses[m->system_track_id];
      // One ellipse a minute, and always the last (marked final below).
      if (list.size() >= 2 && t_s - list[list.size() - 2].t_s < 60.0) list.pop_back();
      list.push_back(
          {"system track " + std::to_string(m->system_track_id) + ", T+" + fixed(t_s, 0) + " s",
           t_s, geo::to_geodetic(geo::Ecef{m->impact_point_ecef_m}), m->semi_major_m,
           m->semi_minor_m, m->major_axis_azimuth_rad, false});
    } else if (const auto* m = std::get_if<share::LaunchReport>(&o.message)) {
      if (!launch_marked.insert(m->system_track_id).second) continue;
      d.points.push_back(
          {"system track " + std::to_string(m->system_track_id) + " launch (estimated)",
           "launch_estimated", geo::to_geodetic(geo::Ecef{m->launch_point_ecef_m})});
    }
  }
  for (auto& [id, p] : system) d.paths.push_back(std::move(p));
  for (auto& [id, list] : ellipses) {
    list.back().final = true;
    for (auto& e : list) d.ellipses.push_back(std::move(e));
  }

  for (const auto& lo : r.launches) {
    report::LaunchTimeline lt;
    lt.launch_id = lo.id;
    lt.description = lo.description;
    lt.launch_t_s = lo.launch_s;
    lt.burnout_s = lo.burnout_s;
    lt.impact_s = lo.impact_s;
    for (const auto& no : lo.nations) {
      report::NationTimeline nt;
      nt.nation = std::string(share::to_string(no.nation));
      for (std::size_t i = 0; i < timeline_events.size(); ++i) {
        nt.national.push_back({timeline_events[i], no.national[i]});
        nt.trilateral.push_back({timeline_events[i], no.trilateral[i]});
      }
      nt.sharing_gain_s = no.sharing_gain_s;
      lt.nations.push_back(std::move(nt));
    }
    d.timelines.push_back(std::move(lt));
  }
  d.figures.push_back({"launches", std::to_string(s.launches.size())});
  d.figures.push_back({"radars", std::to_string(s.radars.size())});
  d.figures.push_back({"threat alerts (both runs)", std::to_string(r.threat_alerts.size())});
  d.figures.push_back({"false threat alerts", std::to_string(r.false_threat_alerts)});
  d.figures.push_back({"hub: admitted / rejected", std::to_string(trilateral.hub.admitted) + " / " +
                                                       std::to_string(trilateral.hub.rejected)});
  d.figures.push_back({"hub releases", std::to_string(trilateral.hub.released)});
  // Node-to-node links (not radar feeds, not displays).
  const auto is_node = [&](const std::string& name) { return s.network.node(name) != nullptr; };
  for (const auto& l : trilateral.links)
    if (const auto gt = l.link.find('>'); l.delivered > 0 && gt != std::string::npos &&
                                          is_node(l.link.substr(0, gt)) &&
                                          is_node(l.link.substr(gt + 1)))
      d.figures.push_back(
          {"latency " + l.link, fixed(1e3 * l.latency_sum_s / static_cast<double>(l.delivered), 1) +
                                    " ms mean, " + fixed(1e3 * l.latency_max_s, 1) + " ms max"});
  for (const auto& t : r.targets) d.targets.push_back({t.name, t.measured, t.pass});
  return d;
}

}  // namespace trilink::exercise
