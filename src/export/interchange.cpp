#include "export/interchange.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <numbers>

#include "base/text.hpp"
#include "geo/frames.hpp"

namespace trilink::exports {
namespace {

constexpr double rad_to_deg = 180.0 / std::numbers::pi;
constexpr std::int64_t ns_per_s = 1'000'000'000;
constexpr double track_stale_s = 30.0;
constexpr double impact_stale_after_s = 60.0;
constexpr double launch_stale_s = 3600.0;
constexpr int ellipse_points = 64;

// What one view shows: its tracks' updates, launch reports and impact predictions.
struct Track {
  std::string node;
  std::uint64_t id = 0;
  struct Update {
    geo::UtcTime tov;
    geo::Geodetic at;
    double sigma_m = 0.0;     // sqrt(trace of the position covariance)
    double course_deg = 0.0;  // clockwise from north
    double ground_speed_mps = 0.0;
    std::string phase, status, nations, label;
  };
  std::vector<Update> updates;
  struct Impact {
    geo::UtcTime tov, impact;
    geo::Geodetic at;
    double a_m = 0.0, b_m = 0.0, azimuth_rad = 0.0;
  };
  std::vector<Impact> impacts;
  struct Launch {
    geo::UtcTime tov, launch;
    geo::Geodetic at;
  };
  std::vector<Launch> launches;
  std::string uid() const { return "trilink." + node + "." + std::to_string(id); }
  std::string callsign() const { return "S" + std::to_string(id); }
};

template <typename TrackMessage>
Track::Update update_of(const TrackMessage& t, std::string nations) {
  Track::Update u;
  u.tov = t.header.time_of_validity;
  u.at = geo::to_geodetic(geo::Ecef{t.position_ecef_m});
  u.sigma_m = std::sqrt(std::max(0.0, t.covariance.template topLeftCorner<3, 3>().trace()));
  const geo::LocalFrame frame(u.at);
  const geo::Vec3 v = frame.enu_vector(t.velocity_ecef_mps);
  u.course_deg = std::fmod(std::atan2(v.x(), v.y()) * rad_to_deg + 360.0, 360.0);
  u.ground_speed_mps = std::hypot(v.x(), v.y());
  u.phase = to_string(t.phase);
  u.status = to_string(t.status);
  u.nations = std::move(nations);
  u.label = to_string(t.header.releasability);
  return u;
}

std::string nations_of(const share::SystemTrack& t) {
  std::string nations;
  for (const auto& c : t.contributions)
    if (nations.find(to_string(c.nation)) == std::string::npos)
      nations += (nations.empty() ? "" : " ") + std::string(to_string(c.nation));
  return nations;
}

Track::Impact impact_of(const share::ImpactPrediction& i) {
  return {i.header.time_of_validity,
          i.time_of_impact,
          geo::to_geodetic(geo::Ecef{i.impact_point_ecef_m}),
          i.semi_major_m,
          i.semi_minor_m,
          i.major_axis_azimuth_rad};
}

Track::Launch launch_of(const share::LaunchReport& l) {
  return {l.header.time_of_validity, l.launch_time,
          geo::to_geodetic(geo::Ecef{l.launch_point_ecef_m})};
}

// The view's tracks in order of first appearance, keyed by (node, id).
std::vector<Track> tracks_of(const RecordedPicture& p, const InterchangeView& view) {
  std::vector<Track> out;
  std::map<std::pair<std::string, std::uint64_t>, std::size_t> index;
  const auto track = [&](const share::Header& h, std::uint64_t id) -> Track& {
    const auto [it, fresh] = index.try_emplace({h.originator.node, id}, out.size());
    if (fresh) out.push_back(Track{h.originator.node, id, {}, {}, {}});
    return out[it->second];
  };
  const bool national = view.run == "national";
  for (const auto& item : p.items) {
    if (item.run != view.run || item.nation != view.nation) continue;
    const auto& m = item.message;
    if (const auto* t = std::get_if<share::SystemTrack>(&m)) {
      track(t->header, t->system_track_id).updates.push_back(update_of(*t, nations_of(*t)));
    } else if (const auto* t = std::get_if<share::LocalTrack>(&m); t && national) {
      track(t->header, t->track_id)
          .updates.push_back(update_of(*t, std::string(to_string(t->header.originator.nation))));
    } else if (const auto* i = std::get_if<share::ImpactPrediction>(&m)) {
      track(i->header, i->system_track_id).impacts.push_back(impact_of(*i));
    } else if (const auto* l = std::get_if<share::LaunchReport>(&m)) {
      track(l->header, l->system_track_id).launches.push_back(launch_of(*l));
    }
  }
  // A nation's own products in the trilateral run (its node's launch reports and predictions
  // for its local tracks) have no track of the view: left out.
  std::erase_if(out, [](const Track& t) { return t.updates.empty(); });
  return out;
}

geo::UtcTime later(geo::UtcTime t, double s) {
  return geo::UtcTime{t.ns + static_cast<std::int64_t>(std::llround(s * ns_per_s))};
}

std::string deg(double rad) {
  return fixed(rad * rad_to_deg, 9);
}

std::string cot_event(const std::string& uid, const std::string& type, geo::UtcTime time,
                      geo::UtcTime stale, const geo::Geodetic& at, double hae_m, double ce_m,
                      const std::string& detail) {
  return R"(<?xml version="1.0" encoding="UTF-8"?><event version="2.0" uid=")" + xml_escape(uid) +
         R"(" type=")" + type + R"(" how="m-f" time=")" + geo::format_utc(time) + R"(" start=")" +
         geo::format_utc(time) + R"(" stale=")" + geo::format_utc(stale) + R"("><point lat=")" +
         deg(at.lat_rad) + R"(" lon=")" + deg(at.lon_rad) + R"(" hae=")" + fixed(hae_m, 3) +
         R"(" ce=")" + fixed(ce_m, 1) + R"(" le=")" + fixed(ce_m, 1) + R"("/><detail>)" + detail +
         "</detail></event>\n";
}

// One CoT event of a track's update, impact prediction or launch report.
CotEvent cot_of(const Track& t, const Track::Update& u) {
  const std::string detail =
      R"(<track course=")" + fixed(u.course_deg, 2) + R"(" speed=")" +
      fixed(u.ground_speed_mps, 1) + R"("/><contact callsign=")" + t.callsign() +
      R"("/><remarks>)" +
      xml_escape(u.phase + ", " + u.status + "; from " + u.nations + "; releasable to " + u.label) +
      "</remarks>";
  return {u.tov, later(u.tov, track_stale_s), t.uid(),
          cot_event(t.uid(), "a-h-A-W-M-S", u.tov, later(u.tov, track_stale_s), u.at, u.at.h_m,
                    u.sigma_m, detail)};
}

CotEvent cot_of(const Track& t, const Track::Impact& i) {
  const std::string detail =
      R"(<shape><ellipse major=")" + fixed(i.a_m, 1) + R"(" minor=")" + fixed(i.b_m, 1) +
      R"(" angle=")" + fixed(i.azimuth_rad * rad_to_deg, 3) + R"("/></shape><contact callsign=")" +
      t.callsign() + R"( impact"/><remarks>)" +
      xml_escape("95 % impact ellipse; impact at " + geo::format_utc(i.impact)) + "</remarks>";
  return {i.tov, later(i.impact, impact_stale_after_s), t.uid() + ".impact",
          cot_event(t.uid() + ".impact", "u-d-c-c", i.tov, later(i.impact, impact_stale_after_s),
                    i.at, 0.0, i.b_m, detail)};
}

CotEvent cot_of(const Track& t, const Track::Launch& l) {
  const std::string detail = R"(<contact callsign=")" + t.callsign() + R"( launch"/><remarks>)" +
                             xml_escape("estimated launch at " + geo::format_utc(l.launch)) +
                             "</remarks>";
  return {l.tov, later(l.tov, launch_stale_s), t.uid() + ".launch",
          cot_event(t.uid() + ".launch", "b-m-p-s-m", l.tov, later(l.tov, launch_stale_s), l.at,
                    0.0, 0.0, detail)};
}

// The ellipse as a closed ring of (lon, lat) degrees: points at parametric angles on geodesics
// from the centre.
std::vector<geo::Geodetic> ellipse_ring(const Track::Impact& i) {
  std::vector<geo::Geodetic> ring;
  for (int k = 0; k <= ellipse_points; ++k) {
    const double t = 2.0 * std::numbers::pi * (k % ellipse_points) / ellipse_points;
    const double along = i.a_m * std::cos(t);   // along the major axis
    const double across = i.b_m * std::sin(t);  // 90 degrees clockwise of it
    const double az = i.azimuth_rad + std::atan2(across, along);
    ring.push_back(geo::geodesic_direct(i.at, az, std::hypot(along, across)));
  }
  return ring;
}

}  // namespace

std::optional<Interchange> parse_interchange(std::string_view name) {
  if (name == "cot") return Interchange::cot;
  if (name == "czml") return Interchange::czml;
  if (name == "kml") return Interchange::kml;
  return std::nullopt;
}

std::vector<CotEvent> cot_events(const RecordedPicture& p, const InterchangeView& view) {
  // Every event of every track, in time order (updates, predictions and reports interleaved).
  std::vector<CotEvent> events;
  for (const Track& t : tracks_of(p, view)) {
    for (const auto& u : t.updates) events.push_back(cot_of(t, u));
    for (const auto& i : t.impacts) events.push_back(cot_of(t, i));
    for (const auto& l : t.launches) events.push_back(cot_of(t, l));
  }
  std::stable_sort(events.begin(), events.end(),
                   [](const auto& a, const auto& b) { return a.time.ns < b.time.ns; });
  return events;
}

std::optional<CotEvent> CotStream::take(const share::Message& m) {
  const auto key = [](const share::Header& h, std::uint64_t id) {
    return Track{h.originator.node, id, {}, {}, {}};
  };
  if (const auto* t = std::get_if<share::SystemTrack>(&m)) {
    tracks_.emplace(t->header.originator.node, t->system_track_id);
    return cot_of(key(t->header, t->system_track_id), update_of(*t, nations_of(*t)));
  }
  const auto seen = [&](const share::Header& h, std::uint64_t id) {
    return tracks_.contains({h.originator.node, id});
  };
  if (const auto* i = std::get_if<share::ImpactPrediction>(&m);
      i && seen(i->header, i->system_track_id))
    return cot_of(key(i->header, i->system_track_id), impact_of(*i));
  if (const auto* l = std::get_if<share::LaunchReport>(&m);
      l && seen(l->header, l->system_track_id))
    return cot_of(key(l->header, l->system_track_id), launch_of(*l));
  return std::nullopt;
}

std::string to_cot(const RecordedPicture& p, const InterchangeView& view) {
  std::string out;
  for (const auto& e : cot_events(p, view)) out += e.xml;
  return out;
}

std::string to_czml(const RecordedPicture& p, const InterchangeView& view) {
  const auto tracks = tracks_of(p, view);
  geo::UtcTime first{std::numeric_limits<std::int64_t>::max()},
      last{std::numeric_limits<std::int64_t>::min()};
  for (const Track& t : tracks) {
    first.ns = std::min(first.ns, t.updates.front().tov.ns);
    last.ns = std::max(last.ns, t.updates.back().tov.ns);
    for (const auto& i : t.impacts)
      last.ns = std::max(last.ns, later(i.impact, impact_stale_after_s).ns);
  }
  Json doc = Json::array();
  Json head{{"id", "document"},
            {"name", "trilink " + view.run + " picture of " + std::string(to_string(view.nation))},
            {"version", "1.0"}};
  if (!tracks.empty())
    head["clock"] = Json{{"interval", geo::format_utc(first) + "/" + geo::format_utc(last)},
                         {"currentTime", geo::format_utc(first)},
                         {"multiplier", 10}};
  doc.push_back(std::move(head));
  for (const Track& t : tracks) {
    Json samples = Json::array();
    // The epoch as written (ISO 8601 to the millisecond), and every sample's offset from it.
    const std::int64_t first_ns = t.updates.front().tov.ns;
    const geo::UtcTime epoch{first_ns - ((first_ns % 1'000'000) + 1'000'000) % 1'000'000};
    for (const auto& u : t.updates) {
      samples.push_back(static_cast<double>(u.tov.ns - epoch.ns) / ns_per_s);
      samples.push_back(u.at.lon_deg());
      samples.push_back(u.at.lat_deg());
      samples.push_back(u.at.h_m);
    }
    doc.push_back(
        Json{{"id", t.uid()},
             {"name", t.callsign()},
             {"availability", geo::format_utc(epoch) + "/" + geo::format_utc(t.updates.back().tov)},
             {"position",
              Json{{"epoch", geo::format_utc(epoch)}, {"cartographicDegrees", std::move(samples)}}},
             {"point", Json{{"pixelSize", 8}, {"color", Json{{"rgba", {255, 255, 255, 255}}}}}},
             {"path", Json{{"width", 1}, {"leadTime", 0}, {"trailTime", 120}}}});
    for (std::size_t k = 0; k < t.impacts.size(); ++k) {
      const auto& i = t.impacts[k];
      const geo::UtcTime until =
          k + 1 < t.impacts.size() ? t.impacts[k + 1].tov : later(i.impact, impact_stale_after_s);
      // Cesium's ellipse rotation is counter-clockwise from north; the azimuth is clockwise.
      double rotation = std::fmod(-i.azimuth_rad, 2.0 * std::numbers::pi);
      if (rotation < 0) rotation += 2.0 * std::numbers::pi;
      doc.push_back(
          Json{{"id", t.uid() + ".impact." + std::to_string(k + 1)},
               {"name", t.callsign() + " impact ellipse (95 %)"},
               {"availability", geo::format_utc(i.tov) + "/" + geo::format_utc(until)},
               {"position", Json{{"cartographicDegrees", {i.at.lon_deg(), i.at.lat_deg(), 0.0}}}},
               {"ellipse",
                Json{{"semiMajorAxis", i.a_m},
                     {"semiMinorAxis", i.b_m},
                     {"rotation", rotation},
                     {"material",
                      Json{{"solidColor", Json{{"color", Json{{"rgba", {255, 59, 59, 96}}}}}}}}}}});
    }
    for (std::size_t k = 0; k < t.launches.size(); ++k) {
      const auto& l = t.launches[k];
      doc.push_back(
          Json{{"id", t.uid() + ".launch." + std::to_string(k + 1)},
               {"name", t.callsign() + " estimated launch point"},
               {"availability",
                geo::format_utc(l.tov) + "/" +
                    geo::format_utc(k + 1 < t.launches.size() ? t.launches[k + 1].tov
                                                              : later(l.tov, launch_stale_s))},
               {"position", Json{{"cartographicDegrees", {l.at.lon_deg(), l.at.lat_deg(), 0.0}}}},
               {"point", Json{{"pixelSize", 10}, {"color", Json{{"rgba", {255, 159, 28, 255}}}}}}});
    }
  }
  return doc.dump(1) + "\n";
}

std::string to_kml(const RecordedPicture& p, const InterchangeView& view) {
  std::string out =
      R"(<?xml version="1.0" encoding="UTF-8"?>)"
      "\n"
      R"(<kml xmlns="http://www.opengis.net/kml/2.2" xmlns:gx="http://www.google.com/kml/ext/2.2">)"
      "\n<Document><name>" +
      xml_escape("trilink " + view.run + " picture of " + std::string(to_string(view.nation))) +
      "</name>\n";
  // gx:coord takes "lon lat alt"; <coordinates> takes "lon,lat,alt" tuples.
  const auto coord = [](const geo::Geodetic& g, double h_m, char sep) {
    return fixed(g.lon_deg(), 9) + sep + fixed(g.lat_deg(), 9) + sep + fixed(h_m, 3);
  };
  for (const Track& t : tracks_of(p, view)) {
    out += "<Folder><name>" + t.callsign() + "</name>\n";
    out += "<Placemark id=\"" + xml_escape(t.uid()) + "\"><name>" + t.callsign() +
           "</name><gx:Track><altitudeMode>absolute</altitudeMode>\n";
    for (const auto& u : t.updates) out += "<when>" + geo::format_utc(u.tov) + "</when>\n";
    for (const auto& u : t.updates)
      out += "<gx:coord>" + coord(u.at, u.at.h_m, ' ') + "</gx:coord>\n";
    out += "</gx:Track></Placemark>\n";
    for (std::size_t k = 0; k < t.impacts.size(); ++k) {
      const auto& i = t.impacts[k];
      const geo::UtcTime until =
          k + 1 < t.impacts.size() ? t.impacts[k + 1].tov : later(i.impact, impact_stale_after_s);
      out += "<Placemark id=\"" + xml_escape(t.uid()) + ".impact." + std::to_string(k + 1) +
             "\"><name>" + t.callsign() + " impact ellipse (95 %)</name><TimeSpan><begin>" +
             geo::format_utc(i.tov) + "</begin><end>" + geo::format_utc(until) +
             "</end></TimeSpan><ExtendedData><Data name=\"semi_major_m\"><value>" +
             fixed(i.a_m, 1) + "</value></Data><Data name=\"semi_minor_m\"><value>" +
             fixed(i.b_m, 1) + "</value></Data><Data name=\"time_of_impact\"><value>" +
             geo::format_utc(i.impact) +
             "</value></Data></ExtendedData><Polygon><outerBoundaryIs><LinearRing><coordinates>";
      for (const auto& g : ellipse_ring(i)) out += coord(g, 0.0, ',') + " ";
      out += "</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark>\n";
    }
    for (std::size_t k = 0; k < t.launches.size(); ++k) {
      const auto& l = t.launches[k];
      out += "<Placemark id=\"" + xml_escape(t.uid()) + ".launch." + std::to_string(k + 1) +
             "\"><name>" + t.callsign() + " estimated launch point</name><TimeStamp><when>" +
             geo::format_utc(l.tov) + "</when></TimeStamp><Point><coordinates>" +
             coord(l.at, 0.0, ',') + "</coordinates></Point></Placemark>\n";
    }
    out += "</Folder>\n";
  }
  out += "</Document>\n</kml>\n";
  return out;
}

}  // namespace trilink::exports
