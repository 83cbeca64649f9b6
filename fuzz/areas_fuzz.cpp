// Fuzzes the GeoJSON readers (io::parse_areas_geojson and io::parse_geojson_rings, which the
// load_ functions call on the file's text) and the geometry built on what they accept.
// Properties: areas (or rings) or an error that names the input; every accepted area binds to
// its plane and answers a query with a number; io::to_geojson of accepted areas reads back.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>

#include "check.hpp"
#include "io/areas_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const std::string source = "areas/fuzz.geojson";
  const auto areas = trilink::io::parse_areas_geojson(text, source);
  if (areas) {
    for (const auto& a : *areas) {
      const trilink::warn::AreaGeometry g(a);
      FUZZ_CHECK(!std::isnan(g.signed_distance_m(g.origin())));
    }
    const auto again = trilink::io::parse_areas_geojson(trilink::io::to_geojson(*areas), source);
    FUZZ_CHECK(again.has_value() && again->size() == areas->size());
  } else {
    FUZZ_CHECK(areas.error().message().starts_with(source));
  }
  const auto rings = trilink::io::parse_geojson_rings(text, source);
  if (!rings) FUZZ_CHECK(rings.error().message().starts_with(source));
  return 0;
}
