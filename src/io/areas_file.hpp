// Protected areas and map outlines from GeoJSON files (RFC 7946), read strictly: an error
// names the file, the feature and the field. warn/ takes the geometry these return.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/error.hpp"
#include "geo/frames.hpp"
#include "warn/areas.hpp"

namespace trilink::io {

// Limits on a GeoJSON input (docs/scenarios.md, "Limits"): the file's size, its features, its
// positions (vertices, counting each ring's closing one), and an area's buffer.
inline constexpr std::uintmax_t max_geojson_bytes = 16u << 20;  // 16 MiB (parsed, ~20x in memory)
inline constexpr std::size_t max_geojson_features = 10'000;
inline constexpr std::size_t max_geojson_positions = 1'000'000;
inline constexpr std::size_t max_rings_per_feature = 10'000;     // rings are tested in pairs
inline constexpr double max_buffer_m = 1.0e6;                    // 1 000 km
inline constexpr std::size_t max_neighbour_positions = 100'000;  // a nation's neighbours' land

// GeoJSON (RFC 7946): a FeatureCollection of Polygon/MultiPolygon features with properties
// "name" (string), "nation" ("JPN"/"KOR"/"USA") and optional "buffer_m" (number in
// [0, max_buffer_m]). Positions are [lon_deg, lat_deg(, h)]; rings must be closed and have >= 4
// positions, and pass warn::find_ring_defect (valid, non-zero area, disjoint). No two areas of
// a nation may share a name or their rings. `source` names the input in errors:
// "<source>: features[3].geometry.coordinates[0]: ...".
// A feature with "neighbour_of" ("KOR") instead of "nation" is another nation's land near that
// nation's areas: its rings (each valid on its own; they may touch) become the `neighbours` of
// every buffered area of that nation in the file (warn/areas.hpp: a territorial sea stops at
// the equidistance line); it is not an area itself, and names a nation with a buffered area in
// the file. At most 100 000 neighbour positions a nation.
Expected<std::vector<warn::ProtectedArea>> parse_areas_geojson(const std::string& text,
                                                               const std::string& source);
// Reads `path` and parses it.
Expected<std::vector<warn::ProtectedArea>> load_areas_geojson(const std::string& path);
// Every area of every file, in file order (a scenario's `area_paths`); the first bad file's
// error, or a duplicate across files.
Expected<std::vector<warn::ProtectedArea>> load_areas_geojson(
    const std::vector<std::string>& paths);
// Every ring of every feature of a FeatureCollection of Polygon/MultiPolygon features, whatever
// their properties (outlines for a map), with the same checks and error paths as above, except
// that rings may touch each other.
Expected<std::vector<std::vector<geo::Geodetic>>> parse_geojson_rings(const std::string& text,
                                                                      const std::string& source);
Expected<std::vector<std::vector<geo::Geodetic>>> load_geojson_rings(const std::string& path);
// Writes a FeatureCollection that parse_areas_geojson reads back; rings are grouped into
// MultiPolygon polygons (outer ring then its holes) by nesting depth. A nation's neighbours
// (those of its first buffered area that has any) follow as one "neighbour_of" feature.
std::string to_geojson(const std::vector<warn::ProtectedArea>& areas);

}  // namespace trilink::io
