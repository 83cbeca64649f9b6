// Protected areas and map outlines from GeoJSON files (RFC 7946), read strictly: an error
// names the file, the feature and the field. warn/ takes the geometry these return.
#pragma once

#include <string>
#include <vector>

#include "base/error.hpp"
#include "geo/frames.hpp"
#include "warn/areas.hpp"

namespace trilink::io {

// GeoJSON (RFC 7946): a FeatureCollection of Polygon/MultiPolygon features with properties
// "name" (string), "nation" ("JPN"/"KOR"/"USA") and optional "buffer_m" (number >= 0).
// Positions are [lon_deg, lat_deg(, h)]; rings must be closed and have >= 4 positions.
// `source` names the input in errors: "<source>: features[3].geometry.coordinates[0]: ...".
Expected<std::vector<warn::ProtectedArea>> parse_areas_geojson(const std::string& text,
                                                               const std::string& source);
// Reads `path` and parses it.
Expected<std::vector<warn::ProtectedArea>> load_areas_geojson(const std::string& path);
// Every area of every file, in file order (a scenario's `area_paths`); the first bad file's
// error.
Expected<std::vector<warn::ProtectedArea>> load_areas_geojson(
    const std::vector<std::string>& paths);
// Every ring of every feature of a FeatureCollection of Polygon/MultiPolygon features, whatever
// their properties (outlines for a map), with the same checks and error paths as above.
Expected<std::vector<std::vector<geo::Geodetic>>> parse_geojson_rings(const std::string& text,
                                                                      const std::string& source);
Expected<std::vector<std::vector<geo::Geodetic>>> load_geojson_rings(const std::string& path);
// Writes a FeatureCollection that parse_areas_geojson reads back; rings are grouped into
// MultiPolygon polygons (outer ring then its holes) by nesting depth.
std::string to_geojson(const std::vector<warn::ProtectedArea>& areas);

}  // namespace trilink::io
