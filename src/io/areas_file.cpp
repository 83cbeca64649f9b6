#include "io/areas_file.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>

#include "geo/angles.hpp"
#include "io/read_file.hpp"

namespace trilink::io {

using warn::AreaGeometry;
using warn::ProtectedArea;
namespace planar = warn::planar;

namespace {

using json = nlohmann::json;

std::string type_name(const json& j) {
  return j.type_name();
}

Expected<std::vector<geo::Geodetic>> parse_ring(const json& j, const std::string& where) {
  if (!j.is_array()) return fail(where, "ring must be an array of positions, got " + type_name(j));
  if (j.size() < 4)
    return fail(where, "ring needs at least 4 positions (closed), got " + std::to_string(j.size()));
  if (j.size() > max_geojson_positions)
    return fail(where, "ring has " + std::to_string(j.size()) + " positions; at most " +
                           std::to_string(max_geojson_positions) + " per file");
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

// The rings of a feature's Polygon or MultiPolygon geometry, appended to `rings`, with the
// path of each in the file appended to `paths`; `positions` counts every position read.
Expected<void> parse_geometry(const json& f, const std::string& where,
                              std::vector<std::vector<geo::Geodetic>>& rings,
                              std::vector<std::string>& paths, std::size_t& positions) {
  const auto geometry = f.find("geometry");
  if (geometry == f.end() || !geometry->is_object())
    return fail(where + ".geometry", "missing or not an object");
  const json gtype = geometry->value("type", json());
  if (gtype != "Polygon" && gtype != "MultiPolygon")
    return fail(where + ".geometry.type",
                "must be \"Polygon\" or \"MultiPolygon\", got " + gtype.dump());
  const auto coords = geometry->find("coordinates");
  const std::string cwhere = where + ".geometry.coordinates";
  if (coords == geometry->end()) return fail(cwhere, "missing");
  if (!coords->is_array() || coords->empty()) return fail(cwhere, "must be a non-empty array");

  const std::size_t first_ring = rings.size();
  auto add_polygon = [&](const json& poly, const std::string& pwhere) -> Expected<void> {
    if (!poly.is_array() || poly.empty())
      return fail(pwhere, "polygon must be a non-empty array of rings");
    if (rings.size() - first_ring + poly.size() > max_rings_per_feature)
      return fail(pwhere,
                  "more than " + std::to_string(max_rings_per_feature) + " rings in the feature");
    for (std::size_t r = 0; r < poly.size(); ++r) {
      const std::string rwhere = pwhere + "[" + std::to_string(r) + "]";
      auto ring = parse_ring(poly[r], rwhere);
      if (!ring) return std::unexpected(ring.error());
      positions += ring->size() + 1;
      if (positions > max_geojson_positions)
        return fail(rwhere, "more than " + std::to_string(max_geojson_positions) +
                                " positions in the file");
      rings.push_back(std::move(*ring));
      paths.push_back(rwhere);
    }
    return {};
  };
  if (gtype == "Polygon") return add_polygon(*coords, cwhere);
  for (std::size_t p = 0; p < coords->size(); ++p)
    if (auto ok = add_polygon((*coords)[p], cwhere + "[" + std::to_string(p) + "]"); !ok)
      return std::unexpected(ok.error());
  return {};
}

// The first ring defect of `area` (warn::find_ring_defect), at the ring's path in the file.
Expected<void> check_rings(const ProtectedArea& area, const std::vector<std::string>& paths,
                           bool across_rings) {
  if (const auto defect = warn::find_ring_defect(area, across_rings))
    return fail(paths.at(defect->ring), defect->what);
  return {};
}

Expected<ProtectedArea> parse_feature(const json& f, const std::string& where,
                                      std::size_t& positions) {
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
  const auto parsed = nation != props->end() && nation->is_string()
                          ? parse_nation(nation->get<std::string>())
                          : std::nullopt;
  if (!parsed) return fail(where + ".properties.nation", "missing or not one of USA, JPN, KOR");
  area.nation = *parsed;
  if (const auto buffer = props->find("buffer_m"); buffer != props->end()) {
    if (!buffer->is_number() || !(buffer->get<double>() >= 0.0) ||
        !(buffer->get<double>() <= max_buffer_m))
      return fail(where + ".properties.buffer_m",
                  "must be a number in [0, " + std::to_string(static_cast<int>(max_buffer_m)) +
                      "] m, got " + buffer->dump());
    area.buffer_m = buffer->get<double>();
  }
  std::vector<std::string> paths;
  if (auto ok = parse_geometry(f, where, area.rings, paths, positions); !ok)
    return std::unexpected(ok.error());
  if (auto ok = check_rings(area, paths, true); !ok) return std::unexpected(ok.error());
  return area;
}

// A "neighbour_of" feature: its rings, each valid on its own, added to its nation's.
Expected<void> parse_neighbour(
    const json& f, const std::string& where, std::size_t& positions,
    std::map<Nation, std::pair<std::vector<std::vector<geo::Geodetic>>, std::string>>& out) {
  if (auto ok = check_feature(f, where); !ok) return std::unexpected(ok.error());
  const json& props = f.at("properties");
  if (props.contains("nation") || props.contains("buffer_m"))
    return fail(where + ".properties",
                "a neighbour_of feature is another nation's land, not an area: no nation or "
                "buffer_m");
  const json& of = props.at("neighbour_of");
  const auto nation = of.is_string() ? parse_nation(of.get<std::string>()) : std::nullopt;
  if (!nation) return fail(where + ".properties.neighbour_of", "not one of USA, JPN, KOR");
  std::vector<std::vector<geo::Geodetic>> rings;
  std::vector<std::string> paths;
  const std::size_t before = positions;
  if (auto ok = parse_geometry(f, where, rings, paths, positions); !ok)
    return std::unexpected(ok.error());
  for (std::size_t k = 0; k < rings.size(); ++k) {
    ProtectedArea one;
    one.rings = {rings[k]};
    if (auto ok = check_rings(one, {paths[k]}, false); !ok) return std::unexpected(ok.error());
  }
  auto& [all, first] = out[*nation];
  if (first.empty()) first = where;
  std::size_t held = positions - before;
  for (const auto& r : all) held += r.size() + 1;
  if (held > max_neighbour_positions)
    return fail(where, "more than " + std::to_string(max_neighbour_positions) +
                           " positions of neighbours' land for " + of.get<std::string>());
  all.insert(all.end(), std::make_move_iterator(rings.begin()),
             std::make_move_iterator(rings.end()));
  return {};
}

// nlohmann's message without its "[json.exception.out_of_range.406] " prefix.
std::string reason(const json::exception& e) {
  const std::string what = e.what();
  const auto end = what.find("] ");
  return what.rfind("[json.exception.", 0) == 0 && end != std::string::npos ? what.substr(end + 2)
                                                                            : what;
}

// The features array of a FeatureCollection: at least one, at most max_geojson_features.
Expected<json> parse_collection(const std::string& text, const std::string& source) {
  json root;
  try {
    root = json::parse(text);
  } catch (const json::out_of_range& e) {
    // A number too large for a double (1e400).
    return fail(source, "a number is out of range: " + reason(e));
  } catch (const json::exception& e) {
    return fail(source, "not valid JSON: " + reason(e));
  }
  if (!root.is_object() || root.value("type", json()) != "FeatureCollection")
    return fail(source + ": type", "must be \"FeatureCollection\"");
  const auto features = root.find("features");
  if (features == root.end() || !features->is_array())
    return fail(source + ": features", "missing or not an array");
  if (features->empty()) return fail(source + ": features", "empty: at least one feature needed");
  if (features->size() > max_geojson_features)
    return fail(source + ": features", std::to_string(features->size()) + " features; at most " +
                                           std::to_string(max_geojson_features));
  return std::move(*features);
}

// A second area of the same nation with the same name, or the same rings and buffer, as an
// earlier one; hashed, so that checking n areas takes time linear in n.
class Duplicates {
 public:
  // The index in `earlier` of the area `a` repeats, and how, or nullopt; then `a` is
  // remembered as earlier[earlier.size()] (the caller appends it).
  std::optional<std::pair<std::size_t, std::string>> check(
      const std::vector<ProtectedArea>& earlier, const ProtectedArea& a) {
    const std::string nation(to_string(a.nation));
    const auto [it, fresh] = names_.try_emplace({a.nation, a.name}, earlier.size());
    if (!fresh) return std::pair{it->second, "a second " + nation + " area named '" + a.name + "'"};
    const std::size_t h = shape_hash(a);
    const auto [lo, hi] = shapes_.equal_range(h);
    for (auto k = lo; k != hi; ++k)
      if (same_shape(earlier[k->second], a))
        return std::pair{k->second,
                         "the same rings as " + nation + " area '" + earlier[k->second].name + "'"};
    shapes_.emplace(h, earlier.size());
    return std::nullopt;
  }

 private:
  static std::size_t shape_hash(const ProtectedArea& a) {
    std::size_t h = std::hash<int>{}(static_cast<int>(a.nation));
    const auto mix = [&](double v) {
      h ^= std::hash<double>{}(v) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    };
    mix(a.buffer_m);
    for (const auto& ring : a.rings) {
      mix(static_cast<double>(ring.size()));
      for (const auto& v : ring) {
        mix(v.lat_rad);
        mix(v.lon_rad);
      }
    }
    return h;
  }
  static bool same_shape(const ProtectedArea& a, const ProtectedArea& b) {
    const auto same = [](const geo::Geodetic& u, const geo::Geodetic& v) {
      return u.lat_rad == v.lat_rad && u.lon_rad == v.lon_rad;
    };
    return a.nation == b.nation && a.buffer_m == b.buffer_m && a.rings.size() == b.rings.size() &&
           std::ranges::equal(a.rings, b.rings, [&](const auto& r, const auto& q) {
             return std::ranges::equal(r, q, same);
           });
  }
  std::map<std::pair<Nation, std::string>, std::size_t> names_;
  std::unordered_multimap<std::size_t, std::size_t> shapes_;  // hash -> index
};

}  // namespace

Expected<std::vector<ProtectedArea>> parse_areas_geojson(const std::string& text,
                                                         const std::string& source) {
  try {
    const auto features = parse_collection(text, source);
    if (!features) return std::unexpected(features.error());
    std::vector<ProtectedArea> areas;
    areas.reserve(features->size());
    Duplicates duplicates;
    std::size_t positions = 0;
    std::map<Nation, std::pair<std::vector<std::vector<geo::Geodetic>>, std::string>> neighbours;
    for (std::size_t i = 0; i < features->size(); ++i) {
      const std::string where = source + ": features[" + std::to_string(i) + "]";
      const json& f = (*features)[i];
      if (const auto props = f.find("properties");
          props != f.end() && props->is_object() && props->contains("neighbour_of")) {
        auto n = parse_neighbour(f, where, positions, neighbours);
        if (!n) return std::unexpected(n.error());
        continue;
      }
      auto area = parse_feature(f, where, positions);
      if (!area) return std::unexpected(area.error());
      if (const auto dup = duplicates.check(areas, *area))
        return fail(where, dup->second + " (features[" + std::to_string(dup->first) + "])");
      areas.push_back(std::move(*area));
    }
    for (auto& [nation, rings] : neighbours) {
      bool used = false;
      for (auto& a : areas)
        if (a.nation == nation && a.buffer_m > 0.0) {
          a.neighbours = rings.first;
          used = true;
        }
      if (!used)
        return fail(rings.second + ".properties.neighbour_of",
                    "no buffered " + std::string(to_string(nation)) + " area in the file");
    }
    return areas;
  } catch (const json::exception& e) {
    return fail(source, "unexpected JSON: " + reason(e));
  }
}

Expected<std::vector<ProtectedArea>> load_areas_geojson(const std::string& path) {
  const auto text = read_input_file(path, max_geojson_bytes);
  if (!text) return std::unexpected(text.error());
  return parse_areas_geojson(*text, path);
}

Expected<std::vector<std::vector<geo::Geodetic>>> parse_geojson_rings(const std::string& text,
                                                                      const std::string& source) {
  try {
    const auto features = parse_collection(text, source);
    if (!features) return std::unexpected(features.error());
    std::vector<std::vector<geo::Geodetic>> rings;
    std::vector<std::string> paths;
    std::size_t positions = 0;
    for (std::size_t i = 0; i < features->size(); ++i) {
      const std::string where = source + ": features[" + std::to_string(i) + "]";
      if (auto ok = check_feature((*features)[i], where); !ok) return std::unexpected(ok.error());
      if (auto ok = parse_geometry((*features)[i], where, rings, paths, positions); !ok)
        return std::unexpected(ok.error());
    }
    // Each ring on its own: outlines are drawn, never tested for containment, and the land of
    // two countries may share a border.
    for (std::size_t k = 0; k < rings.size(); ++k) {
      ProtectedArea one;
      one.rings = {rings[k]};
      if (auto ok = check_rings(one, {paths[k]}, false); !ok) return std::unexpected(ok.error());
    }
    return rings;
  } catch (const json::exception& e) {
    return fail(source, "unexpected JSON: " + reason(e));
  }
}

Expected<std::vector<std::vector<geo::Geodetic>>> load_geojson_rings(const std::string& path) {
  const auto text = read_input_file(path, max_geojson_bytes);
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
    json props = {{"name", area.name}, {"nation", to_string(area.nation)}};
    if (area.buffer_m > 0.0) props["buffer_m"] = area.buffer_m;
    features.push_back({{"type", "Feature"},
                        {"properties", std::move(props)},
                        {"geometry", {{"type", "MultiPolygon"}, {"coordinates", polygons}}}});
  }
  std::set<Nation> written;
  for (const ProtectedArea& area : areas) {
    if (area.neighbours.empty() || area.buffer_m <= 0.0 || !written.insert(area.nation).second)
      continue;
    json polygons = json::array();
    for (const auto& ring : area.neighbours) {
      json r = json::array();
      for (const auto& v : ring) r.push_back({v.lon_deg(), v.lat_deg()});
      r.push_back({ring.front().lon_deg(), ring.front().lat_deg()});
      polygons.push_back(json::array({std::move(r)}));
    }
    features.push_back(
        {{"type", "Feature"},
         {"properties",
          {{"name", std::string(to_string(area.nation)) + " neighbours' land"},
           {"neighbour_of", to_string(area.nation)}}},
         {"geometry", {{"type", "MultiPolygon"}, {"coordinates", std::move(polygons)}}}});
  }
  return json{{"type", "FeatureCollection"}, {"features", std::move(features)}}.dump(1);
}

Expected<std::vector<warn::ProtectedArea>> load_areas_geojson(
    const std::vector<std::string>& paths) {
  std::vector<warn::ProtectedArea> all;
  std::vector<std::string> source;  // "file: features[i]" of each of `all`
  Duplicates duplicates;
  for (const auto& path : paths) {
    auto a = load_areas_geojson(path);
    if (!a) return std::unexpected(a.error());
    for (std::size_t i = 0; i < a->size(); ++i) {
      const std::string where = path + ": features[" + std::to_string(i) + "]";
      if (const auto dup = duplicates.check(all, (*a)[i]))
        return fail(where, dup->second + " (" + source[dup->first] + ")");
      all.push_back(std::move((*a)[i]));
      source.push_back(where);
    }
  }
  return all;
}

}  // namespace trilink::io
