// Protected areas and map outlines read from GeoJSON: round trip, both geometry types, and
// one-line errors that name the file, the feature and the field.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <numbers>

#include "area_fixtures.hpp"
#include "geo/angles.hpp"
#include "io/areas_file.hpp"

using namespace trilink;
using namespace trilink::io;
using namespace trilink::warn;

using namespace trilink::test_fixtures;

TEST(AreasFile, GeoJsonRoundTrip) {
  const std::vector<ProtectedArea> areas = {hokkaido_square(), u_shape(),
                                            square_with_lake_and_island(),
                                            buffer_km(hokkaido_square(), 22.224, "sea")};
  const auto back = parse_areas_geojson(to_geojson(areas), "round-trip");
  ASSERT_TRUE(back.has_value()) << back.error().message();
  ASSERT_EQ(back->size(), areas.size());
  for (std::size_t i = 0; i < areas.size(); ++i) {
    const ProtectedArea& a = areas[i];
    const ProtectedArea& b = (*back)[i];
    EXPECT_EQ(a.name, b.name);
    EXPECT_EQ(a.nation, b.nation);
    EXPECT_DOUBLE_EQ(a.buffer_m, b.buffer_m);
    ASSERT_EQ(a.rings.size(), b.rings.size());
    // Rings may come back regrouped (outer, its holes, next outer); compare as sets by size
    // and by a probe point that must classify the same.
    for (const auto& probe : {at_deg(43.5, 142.75), at_deg(43.2, 142.75), at_deg(43.1, 144.1),
                              at_deg(40.7, 140.5), at_deg(40.15, 140.5)})
      EXPECT_EQ(contains(a, probe), contains(b, probe)) << a.name;
  }
  const auto& square = (*back)[0].rings[0];
  ASSERT_EQ(square.size(), 4u);
  EXPECT_NEAR(square[1].lon_deg(), 143.5, 1e-12);
  EXPECT_NEAR(square[1].lat_deg(), 43.0, 1e-12);
}

namespace {

std::string feature(const std::string& geometry,
                    const std::string& props = R"({"name": "a", "nation": "JPN"})") {
  return R"({"type": "Feature", "properties": )" + props + R"(, "geometry": )" + geometry + "}";
}

const std::string good_polygon =
    R"({"type": "Polygon", "coordinates": [[[142, 43], [143, 43], [143, 44], [142, 43]]]})";

std::string collection(const std::string& second) {
  return R"({"type": "FeatureCollection", "features": [)" + feature(good_polygon) + ", " + second +
         "]}";
}

void expect_error(const std::string& text, const std::string& where, const std::string& what) {
  const auto r = parse_areas_geojson(text, "areas.geojson");
  ASSERT_FALSE(r.has_value()) << where;
  const std::string m = r.error().message();
  EXPECT_EQ(m.find('\n'), std::string::npos) << m;
  EXPECT_NE(m.find("areas.geojson: " + where), std::string::npos) << m;
  EXPECT_NE(m.find(what), std::string::npos) << m;
}

}  // namespace

TEST(AreasFile, GeoJsonAcceptsPolygonAndMultiPolygon) {
  const auto r = parse_areas_geojson(
      collection(feature(R"({"type": "MultiPolygon", "coordinates": [[[[142, 43], [143, 43],
          [143, 44], [142, 43]]], [[[144, 43], [145, 43], [145, 44, 10], [144, 43]]]]})",
                         R"({"name": "b", "nation": "KOR", "buffer_m": 22224})")),
      "x");
  ASSERT_TRUE(r.has_value()) << r.error().message();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].rings.size(), 1u);
  EXPECT_EQ((*r)[0].rings[0].size(), 3u);  // closing vertex dropped
  EXPECT_EQ((*r)[1].rings.size(), 2u);
  EXPECT_EQ((*r)[1].nation, Nation::KOR);
  EXPECT_DOUBLE_EQ((*r)[1].buffer_m, 22224.0);
}

TEST(AreasFile, GeoJsonMalformedFilesGiveOneLineErrors) {
  expect_error(collection(feature(R"({"type": "Polygon"})")), "features[1].geometry.coordinates",
               "missing");
  expect_error(collection(feature(R"({"type": "LineString", "coordinates": [[1, 2], [3, 4]]})")),
               "features[1].geometry.type", "LineString");
  expect_error(
      collection(feature(
          R"({"type": "Polygon", "coordinates": [[[142, 43], [143, 43], [143, 44], [142, 44]]]})")),
      "features[1].geometry.coordinates[0]", "not closed");
  expect_error(collection(feature(
                   R"({"type": "Polygon", "coordinates": [[[142, 43], [143, 43], [142, 43]]]})")),
               "features[1].geometry.coordinates[0]", "at least 4");
  expect_error(
      collection(feature(
          R"({"type": "Polygon", "coordinates": [[[142, 43], [143, "x"], [143, 44], [142, 43]]]})")),
      "features[1].geometry.coordinates[0][1]", "numbers");
  expect_error(
      collection(feature(
          R"({"type": "Polygon", "coordinates": [[[142, 95], [143, 43], [143, 44], [142, 95]]]})")),
      "features[1].geometry.coordinates[0][0]", "latitude");
  expect_error(collection(feature(good_polygon, R"({"name": "a", "nation": "CHN"})")),
               "features[1].properties.nation", "USA, JPN, KOR");
  expect_error(collection(feature(good_polygon, R"({"nation": "JPN"})")),
               "features[1].properties.name", "missing");
  expect_error(
      collection(feature(good_polygon, R"({"name": "a", "nation": "JPN", "buffer_m": -1})")),
      "features[1].properties.buffer_m", "[0, 1000000]");
  expect_error(R"({"type": "Feature"})", "type", "FeatureCollection");
  expect_error("{\"type\": \n\"FeatureCollection\", ", "", "not valid JSON");
}

TEST(AreasFile, LoadFromFileNamesTheFile) {
  const std::filesystem::path dir = std::filesystem::path(TRILINK_BINARY_DIR) / "warn_areas_test";
  std::filesystem::create_directories(dir);
  const std::string good = (dir / "good.geojson").string();
  std::ofstream(good) << to_geojson({hokkaido_square()});
  const auto ok = load_areas_geojson(good);
  ASSERT_TRUE(ok.has_value()) << ok.error().message();
  EXPECT_EQ(ok->at(0).name, "square");

  const std::string bad = (dir / "bad.geojson").string();
  std::ofstream(bad) << collection(feature(R"({"type": "Point", "coordinates": [1, 2]})"));
  const auto err = load_areas_geojson(bad);
  ASSERT_FALSE(err.has_value());
  EXPECT_EQ(err.error().message().rfind(bad + ": features[1].geometry.type", 0), 0u)
      << err.error().message();

  const auto missing = load_areas_geojson((dir / "none.geojson").string());
  ASSERT_FALSE(missing.has_value());
  EXPECT_NE(missing.error().message().find("no such file"), std::string::npos);
}

TEST(AreasFile, NumbersOutOfRangeAreErrorsNotCrashes) {
  // 1e400 does not fit a double: nlohmann throws out_of_range, which must not escape.
  expect_error(
      collection(feature(
          R"({"type": "Polygon", "coordinates": [[[1e400, 43], [143, 43], [143, 44], [142, 43]]]})")),
      "", "out of range");
  const auto rings = parse_geojson_rings(
      R"({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {},
         "geometry": {"type": "Polygon", "coordinates": [[[142, 43], [143, -1e999], [143, 44], [142, 43]]]}}]})",
      "coast.geojson");
  ASSERT_FALSE(rings.has_value());
  EXPECT_NE(rings.error().message().find("coast.geojson"), std::string::npos);
  expect_error(collection(feature(R"({"type": 5, "coordinates": []})")),
               "features[1].geometry.type", "Polygon");
  expect_error(
      collection(feature(good_polygon, R"({"name": "a", "nation": "JPN", "buffer_m": 1e300})")),
      "features[1].properties.buffer_m", "[0, 1000000]");
  expect_error(
      collection(feature(
          R"({"type": "Polygon", "coordinates": [[[142, 43], [200, 43], [143, 44], [142, 43]]]})")),
      "features[1].geometry.coordinates[0][1]", "longitude");
}

TEST(AreasFile, InvalidRingsAreErrors) {
  // A bow tie crosses itself.
  expect_error(
      collection(feature(
          R"({"type": "Polygon", "coordinates": [[[142, 43], [143, 44], [143, 43], [142, 44.5], [142, 43]]]})",
          R"({"name": "b", "nation": "JPN"})")),
      "features[1].geometry.coordinates[0]", "not a valid ring");
  // All on one meridian: no area.
  expect_error(
      collection(feature(
          R"({"type": "Polygon", "coordinates": [[[142, 43], [142, 44], [142, 45], [142, 43]]]})",
          R"({"name": "b", "nation": "JPN"})")),
      "features[1].geometry.coordinates[0]", "no area");
  // The same ring twice cancels out under the even-odd rule.
  expect_error(
      collection(feature(R"({"type": "MultiPolygon", "coordinates": [[[[142, 45], [143, 45],
          [143, 46], [142, 45]]], [[[143, 45], [143, 46], [142, 45], [143, 45]]]]})",
                         R"({"name": "b", "nation": "JPN"})")),
      "features[1].geometry.coordinates[1][0]", "same ring as ring 0");
  // Two rings that cross.
  expect_error(
      collection(feature(R"({"type": "MultiPolygon", "coordinates": [[[[142, 45], [144, 45],
          [144, 47], [142, 45]]], [[[143, 44], [145, 46], [143, 46], [143, 44]]]]})",
                         R"({"name": "b", "nation": "JPN"})")),
      "features[1].geometry.coordinates[1][0]", "crosses or touches ring 0");
  // Too large for the area's plane.
  expect_error(
      collection(feature(
          R"({"type": "Polygon", "coordinates": [[[60, 0], [170, 0], [170, 60], [60, 0]]]})",
          R"({"name": "b", "nation": "JPN"})")),
      "features[1].geometry.coordinates[0]", "from the area's centre");
}

TEST(AreasFile, EmptyAndDuplicateAreasAreErrors) {
  expect_error(R"({"type": "FeatureCollection", "features": []})", "features", "empty");
  expect_error(collection(feature(good_polygon)), "features[1]", "a second JPN area named 'a'");
  expect_error(collection(feature(good_polygon, R"({"name": "b", "nation": "JPN"})")),
               "features[1]", "the same rings as JPN area 'a'");
  // The same name in another nation is another area.
  EXPECT_TRUE(
      parse_areas_geojson(
          collection(feature(
              R"({"type": "Polygon", "coordinates": [[[130, 43], [131, 43], [131, 44], [130, 43]]]})",
              R"({"name": "a", "nation": "KOR"})")),
          "x")
          .has_value());
}

TEST(AreasFile, DuplicatesAcrossFilesAndDirectoriesAreNamed) {
  const std::filesystem::path dir = std::filesystem::path(TRILINK_BINARY_DIR) / "io_areas_dup";
  std::filesystem::create_directories(dir);
  const std::string a = (dir / "a.geojson").string(), b = (dir / "b.geojson").string();
  std::ofstream(a) << to_geojson({hokkaido_square()});
  std::ofstream(b) << to_geojson({hokkaido_square()});
  const auto both = load_areas_geojson(std::vector<std::string>{a, b});
  ASSERT_FALSE(both.has_value());
  EXPECT_EQ(both.error().message().rfind(b + ": features[0]", 0), 0u) << both.error().message();
  EXPECT_NE(both.error().message().find(a), std::string::npos) << both.error().message();
  const auto directory = load_areas_geojson(dir.string());
  ASSERT_FALSE(directory.has_value());
  EXPECT_NE(directory.error().message().find("is a directory"), std::string::npos)
      << directory.error().message();
  std::filesystem::remove_all(dir);
}

TEST(AreasFile, LargeInputsAreBounded) {
  // 10 001 features of 4 positions: refused on the count, before any is read.
  std::string many = R"({"type": "FeatureCollection", "features": [)";
  for (int i = 0; i <= 10000; ++i) {
    if (i > 0) many += ",";
    many += feature(good_polygon, R"({"name": "a)" + std::to_string(i) + R"(", "nation": "JPN"})");
  }
  many += "]}";
  expect_error(many, "features", "at most 10000");
  // A ring of more positions than a file may hold.
  std::string ring = "[[142, 43]";
  for (int i = 0; i < 1'000'000; ++i) ring += ", [142.5, 43.5]";
  ring += ", [142, 43]]";
  expect_error(collection(feature(R"({"type": "Polygon", "coordinates": [)" + ring + "]}")),
               "features[1].geometry.coordinates[0]", "at most 1000000");
}

// A "neighbour_of" feature is another nation's land: it becomes the neighbours of every
// buffered area of that nation in the file (not an area itself), survives a round trip, and is
// refused with a nation, or with no buffered area of its nation to serve.
TEST(AreasFile, NeighbourLandAttachesToItsNationsBufferedAreas) {
  const auto feature = [](const std::string& props, double lat) {
    const std::string a = std::to_string(lat), b = std::to_string(lat + 0.2);
    return R"({"type": "Feature", "properties": )" + props +
           R"(, "geometry": {"type": "Polygon", "coordinates": [[[128.0, )" + a + "], [128.2, " +
           a + "], [128.2, " + b + "], [128.0, " + b + "], [128.0, " + a + "]]]}}";
  };
  const auto collection = [](const std::vector<std::string>& features) {
    std::string s = R"({"type": "FeatureCollection", "features": [)";
    for (std::size_t i = 0; i < features.size(); ++i) s += (i ? ", " : "") + features[i];
    return s + "]}";
  };
  const std::string land = feature(R"({"name": "land", "nation": "KOR"})", 37.0);
  const std::string sea = feature(R"({"name": "sea", "nation": "KOR", "buffer_m": 22224})", 37.0);
  const std::string north = feature(R"({"name": "north", "neighbour_of": "KOR"})", 37.3);
  const auto r = parse_areas_geojson(collection({land, sea, north}), "k.geojson");
  ASSERT_TRUE(r.has_value()) << r.error().message();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_TRUE((*r)[0].neighbours.empty());  // no buffer: a neighbour cannot change it
  ASSERT_EQ((*r)[1].neighbours.size(), 1u);
  EXPECT_FALSE(contains((*r)[1], at_deg(37.35, 128.1)));  // the neighbour's land
  EXPECT_TRUE(contains((*r)[1], at_deg(36.9, 128.1)));

  const auto back = parse_areas_geojson(to_geojson(*r), "round-trip");
  ASSERT_TRUE(back.has_value()) << back.error().message();
  ASSERT_EQ(back->size(), 2u);
  EXPECT_EQ((*back)[1].neighbours.size(), 1u);

  const auto with_nation = parse_areas_geojson(
      collection({sea, feature(R"({"name": "n", "neighbour_of": "KOR", "nation": "KOR"})", 37.3)}),
      "k.geojson");
  ASSERT_FALSE(with_nation.has_value());
  EXPECT_NE(with_nation.error().message().find("k.geojson: features[1].properties"),
            std::string::npos)
      << with_nation.error().message();
  const auto unused = parse_areas_geojson(
      collection({land, feature(R"({"name": "n", "neighbour_of": "JPN"})", 37.3)}), "k.geojson");
  ASSERT_FALSE(unused.has_value());
  EXPECT_NE(unused.error().message().find("neighbour_of: no buffered JPN area"), std::string::npos)
      << unused.error().message();
}
