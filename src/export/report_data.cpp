#include "export/report_data.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "base/text.hpp"
#include "eval/truth.hpp"
#include "geo/angles.hpp"

namespace trilink::exports {

using exercise::Mode;
using exercise::RunOutput;
using scenario::Launch;
using scenario::Scenario;

using namespace eval;

std::vector<report::Ring> rings_of(const std::vector<std::vector<geo::Geodetic>>& rings) {
  std::vector<report::Ring> out;
  out.reserve(rings.size());
  for (const auto& ring : rings) {
    report::Ring r;
    r.reserve(ring.size());
    for (const auto& p : ring) r.push_back(report::LatLon{p.lat_deg(), p.lon_deg()});
    out.push_back(std::move(r));
  }
  return out;
}

report::ReportData report_data(const scenario::Scenario& s,
                               const std::vector<warn::ProtectedArea>& areas,
                               const std::vector<std::vector<geo::Geodetic>>& coastlines,
                               const ExerciseResult& r, const RunOutput& national,
                               const RunOutput& trilateral) {
  report::ReportData d;
  d.title = s.name;
  d.description = s.description;
  d.start_utc = geo::format_utc(s.start);
  d.duration_s = s.duration_s;
  d.coastlines = rings_of(coastlines);
  for (const auto& a : areas) {
    report::MapArea m;
    m.name = a.name;
    m.nation = a.nation;
    m.buffer_m = a.buffer_m;
    m.rings = rings_of(a.rings);
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
    for (double t = 0.0;; t += truth_step_s) {
      const double tt = std::min(t, traj.impact_s);
      truth.samples.push_back({l.spec.time_s + tt, traj.geodetic_at(tt)});
      if (tt >= traj.impact_s) break;
    }
    d.paths.push_back(std::move(truth));
    d.points.push_back({l.spec.id + " launch (true)", "launch_true", l.spec.request.site});
    d.points.push_back({l.spec.id + " impact (true)", "impact_true", traj.impact});
  }
  // National tracks of the national run, as each nation's display showed them.
  std::map<std::pair<Nation, std::uint64_t>, report::Path> local;
  for (const auto& o : national.display)
    if (const auto* t = std::get_if<share::LocalTrack>(&o.message)) {
      if (t->status == share::TrackStatus::dropped) continue;
      auto& p = local[{o.nation, t->track_id}];
      if (p.samples.empty()) {
        p.label = std::string(to_string(o.nation)) + " track " + std::to_string(t->track_id);
        p.kind = "national";
        p.nation = o.nation;
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
    if (o.nation != Nation::USA || share::header(o.message).originator.node != hub) continue;
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
      nt.nation = no.nation;
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

}  // namespace trilink::exports
