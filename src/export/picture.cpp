#include "export/picture.hpp"

#include <algorithm>
#include <map>
#include <numbers>
#include <set>
#include <tuple>

#include "base/text.hpp"
#include "eval/truth.hpp"
#include "geo/frames.hpp"
#include "geo/wgs84.hpp"
#include "node/national_node.hpp"
#include "record/codec.hpp"

namespace trilink::exports {
namespace {

constexpr double rad_to_deg = 180.0 / std::numbers::pi;

Json ring_json(const std::vector<geo::Geodetic>& ring) {
  Json out = Json::array();
  for (const auto& p : ring) out.push_back(Json::array({p.lon_deg(), p.lat_deg()}));
  return out;
}

Json rings_json(const std::vector<std::vector<geo::Geodetic>>& rings) {
  Json out = Json::array();
  for (const auto& r : rings) out.push_back(ring_json(r));
  return out;
}

Json optional_json(const std::optional<double>& x) {
  return x ? Json(*x) : Json(nullptr);
}

// The key of a track message's stream for thinning: run, recipient, node and track id.
using TrackKey = std::tuple<std::string_view, Nation, std::string, std::uint64_t>;

std::optional<TrackKey> track_key(std::string_view run, Nation nation, const share::Message& m) {
  if (const auto* t = std::get_if<share::LocalTrack>(&m))
    return TrackKey{run, nation, t->header.originator.node, t->track_id};
  if (const auto* t = std::get_if<share::SystemTrack>(&m))
    return TrackKey{run, nation, t->header.originator.node, t->system_track_id};
  return std::nullopt;
}

std::pair<share::TrackStatus, share::FlightPhase> status_phase(const share::Message& m) {
  if (const auto* t = std::get_if<share::LocalTrack>(&m)) return {t->status, t->phase};
  const auto& t = std::get<share::SystemTrack>(m);
  return {t.status, t.phase};
}

// The display of one run as events, its track updates thinned (ReportOptions).
void add_run(Json& events, const exercise::RunOutput& run, const ReportOptions& options) {
  const std::string_view name = exercise::to_string(run.mode);
  std::map<TrackKey, std::size_t> last;
  for (std::size_t i = 0; i < run.display.size(); ++i)
    if (const auto k = track_key(name, run.display[i].nation, run.display[i].message)) last[*k] = i;
  struct Kept {
    double t_s;
    std::pair<share::TrackStatus, share::FlightPhase> sp;
  };
  std::map<TrackKey, Kept> kept;
  for (std::size_t i = 0; i < run.display.size(); ++i) {
    const auto& o = run.display[i];
    if (const auto k = track_key(name, o.nation, o.message)) {
      const auto sp = status_phase(o.message);
      const auto it = kept.find(*k);
      const bool keep = it == kept.end() || last[*k] == i || it->second.sp != sp ||
                        o.t_s - it->second.t_s >= options.track_interval_s;
      if (!keep) continue;
      kept[*k] = Kept{o.t_s, sp};
    }
    events.push_back(event_json({o.t_s, name, o.nation, &o.message}));
  }
}

}  // namespace

Json event_json(const PictureEvent& e) {
  Json j;
  j["t_s"] = e.t_s;
  j["run"] = e.run;
  j["nation"] = to_string(e.nation);
  j["message"] = record::to_json(*e.message);
  return j;
}

Json picture_head(const scenario::Scenario& s, const std::vector<warn::ProtectedArea>& areas,
                  const std::vector<std::vector<geo::Geodetic>>& coastlines) {
  Json j;
  j["format"] = "trilink-picture/1";
  j["title"] = s.name;
  j["description"] = s.description;
  j["start_utc"] = geo::format_utc(s.start);
  j["start_ns"] = s.start.ns;
  j["duration_s"] = s.duration_s;
  j["ellipsoid"] = Json{{"a_m", geo::wgs84::a_m()}, {"f", geo::wgs84::f()}};
  std::set<Nation> nations;
  for (const auto& r : s.radars) nations.insert(r.nation);
  Json ns = Json::array();
  for (Nation n : nations) ns.push_back(to_string(n));
  j["nations"] = std::move(ns);
  j["runs"] = Json::array({"trilateral", "national"});
  Json st;
  st["coastlines"] = rings_json(coastlines);
  Json as = Json::array();
  for (const auto& a : areas)
    as.push_back(Json{{"name", a.name},
                      {"nation", to_string(a.nation)},
                      {"buffer_m", a.buffer_m},
                      {"rings", rings_json(a.rings)}});
  st["areas"] = std::move(as);
  Json rs = Json::array();
  for (const auto& r : s.radars)
    rs.push_back(Json{{"name", r.name},
                      {"nation", to_string(r.nation)},
                      {"lat_deg", r.site.lat_deg()},
                      {"lon_deg", r.site.lon_deg()},
                      {"boresight_az_deg", r.boresight_az_rad * rad_to_deg},
                      {"half_sector_deg", r.half_sector_rad * rad_to_deg},
                      {"max_range_m", r.max_range_m}});
  st["radars"] = std::move(rs);
  Json ss = Json::array();
  for (const auto& k : s.satellites)
    ss.push_back(Json{{"name", k.name}, {"nation", to_string(k.nation)}});
  st["satellites"] = std::move(ss);
  j["static"] = std::move(st);
  return j;
}

std::pair<geo::Geodetic, geo::Geodetic> sighting(const sensor::IrPlot& p, double height_m) {
  const geo::Vec3 o = p.satellite_ecef_m;
  const geo::Vec3 u = sensor::line_of_sight(o, p.alpha_rad, p.beta_rad);
  const auto height_at = [&](double s) { return geo::to_geodetic(geo::Ecef{o + s * u}).h_m; };
  // Height falls along the ray down to its closest approach to the Earth's centre.
  const double closest = std::max(0.0, -o.dot(u));
  const auto descend_to = [&](double h, double hi) {
    double lo = 0.0;
    if (height_at(hi) > h) return hi;
    for (int k = 0; k < 60; ++k) {
      const double mid = 0.5 * (lo + hi);
      (height_at(mid) > h ? lo : hi) = mid;
    }
    return 0.5 * (lo + hi);
  };
  const double ground = descend_to(0.0, closest);
  const double top = descend_to(height_m, ground);
  return {geo::to_geodetic(geo::Ecef{o + top * u}), geo::to_geodetic(geo::Ecef{o + ground * u})};
}

Json report_picture(const scenario::Scenario& s, const std::vector<warn::ProtectedArea>& areas,
                    const std::vector<std::vector<geo::Geodetic>>& coastlines,
                    const eval::ExerciseResult& r, const exercise::RunOutput& national,
                    const exercise::RunOutput& trilateral, std::span<const sensor::IrPlot> infrared,
                    const ReportOptions& options) {
  Json j = picture_head(s, areas, coastlines);
  Json truth = Json::array();
  for (const auto& l : s.launches) {
    const auto& traj = l.shaped.flight.trajectory;
    Json samples = Json::array();
    for (double t = 0.0;; t += eval::truth_step_s) {
      const double tt = std::min(t, traj.impact_s);
      const geo::Geodetic g = traj.geodetic_at(tt);
      samples.push_back(Json::array({l.spec.time_s + tt, g.lat_deg(), g.lon_deg(), g.h_m}));
      if (tt >= traj.impact_s) break;
    }
    truth.push_back(Json{{"launch_id", l.spec.id},
                         {"launch_s", l.spec.time_s},
                         {"impact_s", l.spec.time_s + traj.impact_s},
                         {"samples", std::move(samples)}});
  }
  j["truth"] = std::move(truth);

  Json timeline = Json::array();
  for (const auto& lo : r.launches) {
    Json nations = Json::array();
    for (const auto& no : lo.nations) {
      Json events = Json::array();
      for (std::size_t i = 0; i < eval::timeline_events.size(); ++i)
        events.push_back(Json{{"name", eval::timeline_events[i]},
                              {"national_s", optional_json(no.national[i])},
                              {"trilateral_s", optional_json(no.trilateral[i])}});
      nations.push_back(Json{{"nation", to_string(no.nation)},
                             {"gain_s", optional_json(no.sharing_gain_s)},
                             {"events", std::move(events)}});
    }
    timeline.push_back(Json{{"launch_id", lo.id},
                            {"description", lo.description},
                            {"launch_s", lo.launch_s},
                            {"burnout_s", lo.burnout_s},
                            {"impact_s", lo.impact_s},
                            {"nations", std::move(nations)}});
  }
  j["timeline"] = std::move(timeline);

  Json figures = Json::array();
  const auto figure = [&](std::string name, std::string value) {
    figures.push_back(Json{{"name", std::move(name)}, {"value", std::move(value)}});
  };
  figure("launches", std::to_string(s.launches.size()));
  figure("radars", std::to_string(s.radars.size()));
  figure("threat alerts (both runs)", std::to_string(r.threat_alerts.size()));
  figure("false threat alerts", std::to_string(r.false_threat_alerts));
  figure("hub: admitted / rejected",
         std::to_string(trilateral.hub.admitted) + " / " + std::to_string(trilateral.hub.rejected));
  figure("hub releases", std::to_string(trilateral.hub.released));
  // Node-to-node links (not radar feeds, not displays).
  const auto is_node = [&](const std::string& name) { return s.network.node(name) != nullptr; };
  for (const auto& l : trilateral.links)
    if (const auto gt = l.link.find('>'); l.delivered > 0 && gt != std::string::npos &&
                                          is_node(l.link.substr(0, gt)) &&
                                          is_node(l.link.substr(gt + 1)))
      figure("latency " + l.link,
             fixed(1e3 * l.latency_sum_s / static_cast<double>(l.delivered), 1) + " ms mean, " +
                 fixed(1e3 * l.latency_max_s, 1) + " ms max");
  j["figures"] = std::move(figures);

  Json sightings = Json::array();
  for (const auto& p : infrared) {
    if (p.satellite_index >= s.satellites.size()) continue;
    const auto [top, ground] = sighting(p);
    sightings.push_back(Json::array({p.t.seconds_since(s.start), p.satellite_index, top.lat_deg(),
                                     top.lon_deg(), ground.lat_deg(), ground.lon_deg()}));
  }
  j["infrared"] =
      Json{{"space_track_id_base", node::space_track_id_base}, {"sightings", std::move(sightings)}};

  Json events = Json::array();
  add_run(events, national, options);
  add_run(events, trilateral, options);
  // One time order for the page's store (stable: each run keeps its delivery order).
  std::stable_sort(events.begin(), events.end(), [](const Json& a, const Json& b) {
    return a["t_s"].get<double>() < b["t_s"].get<double>();
  });
  j["events"] = std::move(events);
  return j;
}

RecordedPicture recorded_picture(const std::vector<record::RecordedEvent>& events) {
  RecordedPicture out;
  if (events.empty()) return out;
  out.start = share::header(events.front().event.message).session_start;
  // A node's nation: the nation of what it originated.
  std::map<std::string, Nation> nation_of;
  for (const auto& e : events) {
    const auto& o = share::header(e.event.message).originator;
    nation_of.try_emplace(o.node, o.nation);
  }
  for (const auto& e : events) {
    const std::string& link = e.event.link;
    const auto colon = link.find(':');
    const auto gt = link.find('>');
    if (gt == std::string::npos || e.event.direction == record::Direction::lost) continue;
    const std::string run = colon == std::string::npos ? "live" : link.substr(0, colon);
    const std::string from = link.substr(colon == std::string::npos ? 0 : colon + 1,
                                         gt - (colon == std::string::npos ? 0 : colon + 1));
    const std::string to = link.substr(gt + 1);
    const bool health = std::holds_alternative<share::NodeHealth>(e.event.message);
    if (to != "display" && !health) continue;
    const auto it = nation_of.find(health ? share::header(e.event.message).originator.node : from);
    if (it == nation_of.end()) continue;
    out.items.push_back(
        {e.event.time().seconds_since(out.start), run, it->second, e.event.message});
  }
  std::stable_sort(out.items.begin(), out.items.end(),
                   [](const auto& a, const auto& b) { return a.t_s < b.t_s; });
  if (!out.items.empty()) out.duration_s = out.items.back().t_s;
  return out;
}

}  // namespace trilink::exports
