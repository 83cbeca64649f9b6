#include "warn/areas.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cassert>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>
#include <utility>

#include "geo/angles.hpp"
#include "share/messages.hpp"

namespace trilink::warn {

ProtectedArea buffer_km(const ProtectedArea& area, double km, std::string name) {
  assert(km >= 0.0);
  ProtectedArea grown = area;
  grown.buffer_m += km * 1000.0;
  if (!name.empty()) grown.name = std::move(name);
  return grown;
}

namespace planar {

double point_segment_distance(const Plane& p, const Plane& a, const Plane& b) {
  const Plane ab = b - a;
  const double len2 = ab.squaredNorm();
  const double s = len2 > 0.0 ? std::clamp((p - a).dot(ab) / len2, 0.0, 1.0) : 0.0;
  return (a + s * ab - p).norm();
}

namespace {
double cross(const Plane& u, const Plane& v) {
  return u.x() * v.y() - u.y() * v.x();
}
}  // namespace

double segment_segment_distance(const Plane& a, const Plane& b, const Plane& c, const Plane& d) {
  // Proper crossing: each segment's ends on strictly opposite sides of the other's line.
  const double d1 = cross(b - a, c - a), d2 = cross(b - a, d - a);
  const double d3 = cross(d - c, a - c), d4 = cross(d - c, b - c);
  if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0)))
    return 0.0;
  return std::min({point_segment_distance(a, c, d), point_segment_distance(b, c, d),
                   point_segment_distance(c, a, b), point_segment_distance(d, a, b)});
}

bool ring_contains(const std::vector<Plane>& ring, const Plane& p) {
  bool inside = false;
  const std::size_t n = ring.size();
  for (std::size_t i = 0, j = n - 1; i < n; j = i++) {
    const Plane& a = ring[i];
    const Plane& b = ring[j];
    if ((a.y() > p.y()) != (b.y() > p.y())) {
      const double x = a.x() + (p.y() - a.y()) * (b.x() - a.x()) / (b.y() - a.y());
      if (p.x() < x) inside = !inside;
    }
  }
  return inside;
}

}  // namespace planar

namespace {

geo::Geodetic mean_direction(const ProtectedArea& area) {
  geo::Vec3 sum = geo::Vec3::Zero();
  for (const auto& ring : area.rings)
    for (const auto& v : ring) sum += geo::to_ecef(geo::Geodetic{v.lat_rad, v.lon_rad, 0.0}).r_m;
  assert(sum.norm() > 0.0 && "an area needs vertices");
  // Scale the mean direction up to the surface so that to_geodetic is well conditioned.
  geo::Geodetic g = geo::to_geodetic(geo::Ecef{sum.normalized() * 6.371e6});
  g.h_m = 0.0;
  return g;
}

}  // namespace

AreaGeometry::AreaGeometry(ProtectedArea area) : area_(std::move(area)) {
  assert(!area_.rings.empty());
  origin_ = mean_direction(area_);
  rings_.reserve(area_.rings.size());
  for (const auto& ring : area_.rings) {
    assert(ring.size() >= 3);
    std::vector<Plane> r;
    r.reserve(ring.size());
    for (const auto& v : ring) r.push_back(project(v));
    Box box{r.front(), r.front()};
    for (const auto& v : r) {
      box.lo = box.lo.cwiseMin(v);
      box.hi = box.hi.cwiseMax(v);
    }
    boxes_.push_back(box);
    rings_.push_back(std::move(r));
  }
}

double AreaGeometry::Box::distance(const Plane& a, const Plane& b) const {
  const Plane seg_lo = a.cwiseMin(b), seg_hi = a.cwiseMax(b);
  const Plane gap = (seg_lo - hi).cwiseMax(lo - seg_hi).cwiseMax(Plane::Zero());
  return gap.norm();
}

bool AreaGeometry::Box::contains(const Plane& p) const {
  return p.x() >= lo.x() && p.x() <= hi.x() && p.y() >= lo.y() && p.y() <= hi.y();
}

Plane AreaGeometry::project(const geo::Geodetic& p) const {
  const geo::SurfacePath path = geo::geodesic_inverse(origin_, p);
  return Plane(path.distance_m * std::sin(path.azimuth_rad),
               path.distance_m * std::cos(path.azimuth_rad));
}

bool AreaGeometry::rings_contain(const Plane& p) const {
  bool inside = false;
  for (std::size_t k = 0; k < rings_.size(); ++k)
    if (boxes_[k].contains(p) && planar::ring_contains(rings_[k], p)) inside = !inside;
  return inside;
}

double AreaGeometry::rings_boundary_distance_m(const Plane& p) const {
  double best = std::numeric_limits<double>::infinity();
  for (std::size_t k = 0; k < rings_.size(); ++k) {
    if (boxes_[k].distance(p, p) >= best) continue;
    const auto& ring = rings_[k];
    for (std::size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++)
      best = std::min(best, planar::point_segment_distance(p, ring[j], ring[i]));
  }
  return best;
}

double AreaGeometry::signed_distance_m(const Plane& p) const {
  const double d = rings_boundary_distance_m(p);
  return (rings_contain(p) ? -d : d) - area_.buffer_m;
}

double AreaGeometry::distance_to_boundary_m(const geo::Geodetic& p) const {
  return std::abs(signed_distance_m(p));
}

double AreaGeometry::rings_segment_distance_m(const Plane& a, const Plane& b) const {
  if (rings_contain(a) || rings_contain(b)) return 0.0;
  double best = std::numeric_limits<double>::infinity();
  for (std::size_t k = 0; k < rings_.size(); ++k) {
    if (boxes_[k].distance(a, b) >= best) continue;
    const auto& ring = rings_[k];
    for (std::size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++)
      best = std::min(best, planar::segment_segment_distance(a, b, ring[j], ring[i]));
  }
  return best;
}

bool contains(const ProtectedArea& area, const geo::Geodetic& p) {
  return AreaGeometry(area).contains(p);
}

double distance_to_boundary_m(const ProtectedArea& area, const geo::Geodetic& p) {
  return AreaGeometry(area).distance_to_boundary_m(p);
}

// ---- GeoJSON ----

namespace {

using json = nlohmann::json;

std::string type_name(const json& j) {
  return j.type_name();
}

Expected<std::vector<geo::Geodetic>> parse_ring(const json& j, const std::string& where) {
  if (!j.is_array()) return fail(where, "ring must be an array of positions, got " + type_name(j));
  if (j.size() < 4)
    return fail(where, "ring needs at least 4 positions (closed), got " + std::to_string(j.size()));
  std::vector<geo::Geodetic> ring;
  ring.reserve(j.size());
  for (std::size_t i = 0; i < j.size(); ++i) {
    const json& pos = j[i];
    const std::string at = where + "[" + std::to_string(i) + "]";
    if (!pos.is_array() || pos.size() < 2 || pos.size() > 3)
      return fail(at, "position must be [lon, lat] or [lon, lat, h]");
    for (const auto& c : pos)
      if (!c.is_number()) return fail(at, "position coordinates must be numbers");
    const double lon = pos[0].get<double>();
    const double lat = pos[1].get<double>();
    if (!std::isfinite(lon) || lon < -180.0 || lon > 180.0)
      return fail(at, "longitude must be in [-180, 180] deg, got " + pos[0].dump());
    if (!std::isfinite(lat) || lat < -90.0 || lat > 90.0)
      return fail(at, "latitude must be in [-90, 90] deg, got " + pos[1].dump());
    ring.push_back(geo::Geodetic::from_deg(lat, lon, 0.0));
  }
  const json& first = j.front();
  const json& last = j.back();
  if (first[0] != last[0] || first[1] != last[1])
    return fail(where,
                "ring is not closed: first position " + first.dump() + " != last " + last.dump());
  ring.pop_back();
  return ring;
}

Expected<void> check_feature(const json& f, const std::string& where) {
  if (!f.is_object()) return fail(where, "feature must be an object, got " + type_name(f));
  if (f.value("type", json()) != "Feature") return fail(where + ".type", "must be \"Feature\"");
  return {};
}

// The rings of a feature's Polygon or MultiPolygon geometry, appended to `rings`.
Expected<void> parse_geometry(const json& f, const std::string& where,
                              std::vector<std::vector<geo::Geodetic>>& rings) {
  const auto geometry = f.find("geometry");
  if (geometry == f.end() || !geometry->is_object())
    return fail(where + ".geometry", "missing or not an object");
  const std::string gtype = geometry->value("type", std::string());
  if (gtype != "Polygon" && gtype != "MultiPolygon")
    return fail(where + ".geometry.type", "must be \"Polygon\" or \"MultiPolygon\", got " +
                                              geometry->value("type", json()).dump());
  const auto coords = geometry->find("coordinates");
  const std::string cwhere = where + ".geometry.coordinates";
  if (coords == geometry->end()) return fail(cwhere, "missing");
  if (!coords->is_array() || coords->empty()) return fail(cwhere, "must be a non-empty array");

  auto add_polygon = [&](const json& poly, const std::string& pwhere) -> Expected<void> {
    if (!poly.is_array() || poly.empty())
      return fail(pwhere, "polygon must be a non-empty array of rings");
    for (std::size_t r = 0; r < poly.size(); ++r) {
      auto ring = parse_ring(poly[r], pwhere + "[" + std::to_string(r) + "]");
      if (!ring) return std::unexpected(ring.error());
      rings.push_back(std::move(*ring));
    }
    return {};
  };
  if (gtype == "Polygon") return add_polygon(*coords, cwhere);
  for (std::size_t p = 0; p < coords->size(); ++p)
    if (auto ok = add_polygon((*coords)[p], cwhere + "[" + std::to_string(p) + "]"); !ok)
      return std::unexpected(ok.error());
  return {};
}

Expected<ProtectedArea> parse_feature(const json& f, const std::string& where) {
  if (auto ok = check_feature(f, where); !ok) return std::unexpected(ok.error());
  ProtectedArea area;
  const auto props = f.find("properties");
  if (props == f.end() || !props->is_object())
    return fail(where + ".properties", "missing or not an object");
  const auto name = props->find("name");
  if (name == props->end() || !name->is_string() || name->get<std::string>().empty())
    return fail(where + ".properties.name", "missing or not a non-empty string");
  area.name = name->get<std::string>();
  const auto nation = props->find("nation");
  if (nation == props->end() || !nation->is_string() ||
      !share::parse_nation(nation->get<std::string>()))
    return fail(where + ".properties.nation", "missing or not one of USA, JPN, KOR");
  area.nation = nation->get<std::string>();
  if (const auto buffer = props->find("buffer_m"); buffer != props->end()) {
    if (!buffer->is_number() || !(buffer->get<double>() >= 0.0) ||
        !std::isfinite(buffer->get<double>()))
      return fail(where + ".properties.buffer_m", "must be a number >= 0, got " + buffer->dump());
    area.buffer_m = buffer->get<double>();
  }
  if (auto ok = parse_geometry(f, where, area.rings); !ok) return std::unexpected(ok.error());
  return area;
}

// The features array of a FeatureCollection.
Expected<json> parse_collection(const std::string& text, const std::string& source) {
  json root;
  try {
    root = json::parse(text);
  } catch (const json::parse_error& e) {
    return fail(source, std::string("not valid JSON: ") + e.what());
  }
  if (!root.is_object() || root.value("type", json()) != "FeatureCollection")
    return fail(source + ": type", "must be \"FeatureCollection\"");
  const auto features = root.find("features");
  if (features == root.end() || !features->is_array())
    return fail(source + ": features", "missing or not an array");
  return std::move(*features);
}

Expected<std::string> read_text(const std::string& path) {
  std::ifstream in(path);
  if (!in) return fail(path, "cannot open");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

Expected<std::vector<ProtectedArea>> parse_areas_geojson(const std::string& text,
                                                         const std::string& source) {
  const auto features = parse_collection(text, source);
  if (!features) return std::unexpected(features.error());
  std::vector<ProtectedArea> areas;
  areas.reserve(features->size());
  for (std::size_t i = 0; i < features->size(); ++i) {
    auto area = parse_feature((*features)[i], source + ": features[" + std::to_string(i) + "]");
    if (!area) return std::unexpected(area.error());
    areas.push_back(std::move(*area));
  }
  return areas;
}

Expected<std::vector<ProtectedArea>> load_areas_geojson(const std::string& path) {
  const auto text = read_text(path);
  if (!text) return std::unexpected(text.error());
  return parse_areas_geojson(*text, path);
}

Expected<std::vector<std::vector<geo::Geodetic>>> parse_geojson_rings(const std::string& text,
                                                                      const std::string& source) {
  const auto features = parse_collection(text, source);
  if (!features) return std::unexpected(features.error());
  std::vector<std::vector<geo::Geodetic>> rings;
  for (std::size_t i = 0; i < features->size(); ++i) {
    const std::string where = source + ": features[" + std::to_string(i) + "]";
    if (auto ok = check_feature((*features)[i], where); !ok) return std::unexpected(ok.error());
    if (auto ok = parse_geometry((*features)[i], where, rings); !ok)
      return std::unexpected(ok.error());
  }
  return rings;
}

Expected<std::vector<std::vector<geo::Geodetic>>> load_geojson_rings(const std::string& path) {
  const auto text = read_text(path);
  if (!text) return std::unexpected(text.error());
  return parse_geojson_rings(*text, path);
}

std::string to_geojson(const std::vector<ProtectedArea>& areas) {
  json features = json::array();
  for (const ProtectedArea& area : areas) {
    // Nesting depth of each ring = how many other rings contain its first vertex; even depth
    // is an outer ring, odd a hole of the deepest containing ring one level up.
    const AreaGeometry g(area);
    const auto& rings = g.rings();
    std::vector<int> depth(rings.size(), 0);
    for (std::size_t i = 0; i < rings.size(); ++i)
      for (std::size_t k = 0; k < rings.size(); ++k)
        if (k != i && planar::ring_contains(rings[k], rings[i].front())) ++depth[i];
    auto ring_json = [&](std::size_t i) {
      json r = json::array();
      for (const auto& v : area.rings[i]) r.push_back({v.lon_deg(), v.lat_deg()});
      r.push_back({area.rings[i].front().lon_deg(), area.rings[i].front().lat_deg()});
      return r;
    };
    json polygons = json::array();
    for (std::size_t i = 0; i < rings.size(); ++i) {
      if (depth[i] % 2 != 0) continue;
      json poly = json::array({ring_json(i)});
      for (std::size_t k = 0; k < rings.size(); ++k)
        if (depth[k] == depth[i] + 1 && planar::ring_contains(rings[i], rings[k].front()))
          poly.push_back(ring_json(k));
      polygons.push_back(std::move(poly));
    }
    json props = {{"name", area.name}, {"nation", area.nation}};
    if (area.buffer_m > 0.0) props["buffer_m"] = area.buffer_m;
    features.push_back({{"type", "Feature"},
                        {"properties", std::move(props)},
                        {"geometry", {{"type", "MultiPolygon"}, {"coordinates", polygons}}}});
  }
  return json{{"type", "FeatureCollection"}, {"features", std::move(features)}}.dump(1);
}

}  // namespace trilink::warn
