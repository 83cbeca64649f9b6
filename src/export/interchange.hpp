// The picture for other tools (DESIGN.md "export/"): Cursor-on-Target for TAK, CZML for
// Cesium, KML. What is exported is one nation's picture in one run of a recording
// (export/picture.hpp recorded_picture): its tracks (the hub's system tracks; a nation's own
// local tracks in the national run), launch reports and impact predictions with their 95 %
// ellipses. Deterministic: the same recording gives the same bytes. A live process's CoT stream
// encodes its picture one message at a time with the same events (CotStream).
//
//  - CoT (MIL-STD-2525 types in the CoT type tree): one <event> per update, one per line.
//    A track: uid "trilink.<node>.<id>", type a-h-A-W-M-S (hostile air, weapon, missile,
//    surface-to-surface), how m-f (machine, fused), time = start = time of validity, stale 30 s
//    later, point lat/lon/hae with ce = le = the position's 1-sigma radius sqrt(trace P),
//    <track course speed>, <contact callsign="S<id>">. An impact prediction: uid
//    "...impact", type u-d-c-c (drawn ellipse) at the predicted impact point, stale 60 s after
//    the predicted impact, <shape><ellipse major minor angle> with the 95 % semi-axes (m) and
//    the major axis' azimuth (deg clockwise from north). A launch report: uid "...launch",
//    type b-m-p-s-m (spot marker), stale one hour later.
//  - CZML: a document packet with the clock; per track an entity with time-tagged
//    cartographicDegrees positions (epoch = the first update) and its availability; per impact
//    prediction an entity with an ellipse (semi-axes in m, rotation counter-clockwise from
//    north), available from its time of validity until the next prediction (the last one until
//    60 s after impact); per launch report a point.
//  - KML 2.2: per track a Placemark with a gx:Track (when, gx:coord); per impact prediction a
//    Placemark with the ellipse as a Polygon (64 points on geodesics from its centre) and a
//    TimeSpan; per launch report a Point.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "export/picture.hpp"

namespace trilink::exports {

enum class Interchange { cot, czml, kml };
std::optional<Interchange> parse_interchange(std::string_view name);

struct InterchangeView {
  std::string run = "trilateral";
  Nation nation = Nation::USA;
};

// One CoT event: its time (of validity), stale time, uid and XML (one line, '\n' included).
struct CotEvent {
  geo::UtcTime time, stale;
  std::string uid;
  std::string xml;
};
std::vector<CotEvent> cot_events(const RecordedPicture& p, const InterchangeView& view);

// Live (`trilink node|hub --cot-listen`): the CoT of one nation's trilateral picture as its
// messages reach it, one at a time, each event as cot_events makes it of a recording. A launch
// report or an impact prediction of a track not seen yet is left out: the hub releases a
// track before its products, and a nation's own products (of its local tracks, not in the
// trilateral view) have no track here.
class CotStream {
 public:
  std::optional<CotEvent> take(const share::Message& m);

 private:
  std::set<std::pair<std::string, std::uint64_t>> tracks_;  // (node, id) seen
};
std::string to_cot(const RecordedPicture& p, const InterchangeView& view);
std::string to_czml(const RecordedPicture& p, const InterchangeView& view);
std::string to_kml(const RecordedPicture& p, const InterchangeView& view);

}  // namespace trilink::exports
