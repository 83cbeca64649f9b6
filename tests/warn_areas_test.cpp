#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <numbers>

#include "geo/angles.hpp"
#include "warn/areas.hpp"

using namespace trilink;
using namespace trilink::warn;

namespace {

std::vector<geo::Geodetic> ring_deg(std::initializer_list<std::pair<double, double>> lon_lat) {
  std::vector<geo::Geodetic> r;
  for (auto [lon, lat] : lon_lat) r.push_back(geo::Geodetic::from_deg(lat, lon));
  return r;
}

// 43–44 N, 142–143.5 E: a square near Hokkaido.
ProtectedArea hokkaido_square() {
  return {
      "square", "JPN", {ring_deg({{142.0, 43.0}, {143.5, 43.0}, {143.5, 44.0}, {142.0, 44.0}})}};
}

// A U open to the north: the notch 140.3–140.7 E, 40.3–41 N is outside.
ProtectedArea u_shape() {
  return {"u",
          "KOR",
          {ring_deg({{140.0, 40.0},
                     {141.0, 40.0},
                     {141.0, 41.0},
                     {140.7, 41.0},
                     {140.7, 40.3},
                     {140.3, 40.3},
                     {140.3, 41.0},
                     {140.0, 41.0}})}};
}

// The square with a lake (hole) 43.4–43.6 N, 142.5–143 E, and an island off it.
ProtectedArea square_with_lake_and_island() {
  ProtectedArea a = hokkaido_square();
  a.name = "lake";
  a.rings.push_back(ring_deg({{142.5, 43.4}, {143.0, 43.4}, {143.0, 43.6}, {142.5, 43.6}}));
  a.rings.push_back(ring_deg({{144.0, 43.0}, {144.2, 43.0}, {144.2, 43.2}, {144.0, 43.2}}));
  return a;
}

geo::Geodetic at_deg(double lat, double lon) {
  return geo::Geodetic::from_deg(lat, lon);
}

}  // namespace

TEST(WarnAreas, PointInSquare) {
  const AreaGeometry g(hokkaido_square());
  EXPECT_TRUE(g.contains(at_deg(43.5, 142.75)));
  EXPECT_TRUE(g.contains(at_deg(43.01, 142.01)));
  EXPECT_FALSE(g.contains(at_deg(42.9, 142.75)));
  EXPECT_FALSE(g.contains(at_deg(43.5, 143.6)));
  EXPECT_FALSE(g.contains(at_deg(45.0, 142.75)));
  EXPECT_TRUE(contains(hokkaido_square(), at_deg(43.5, 142.75)));
}

TEST(WarnAreas, PointInConcaveShape) {
  const AreaGeometry g(u_shape());
  EXPECT_FALSE(g.contains(at_deg(40.7, 140.5)));  // in the notch
  EXPECT_TRUE(g.contains(at_deg(40.15, 140.5)));  // the bottom of the U
  EXPECT_TRUE(g.contains(at_deg(40.7, 140.15)));  // left arm
  EXPECT_TRUE(g.contains(at_deg(40.7, 140.85)));  // right arm
  EXPECT_FALSE(g.contains(at_deg(41.1, 140.5)));
}

TEST(WarnAreas, HolesAndIslandsByEvenOddRule) {
  const AreaGeometry g(square_with_lake_and_island());
  EXPECT_FALSE(g.contains(at_deg(43.5, 142.75)));  // in the lake
  EXPECT_TRUE(g.contains(at_deg(43.2, 142.75)));
  EXPECT_TRUE(g.contains(at_deg(43.1, 144.1)));   // on the island
  EXPECT_FALSE(g.contains(at_deg(43.1, 143.8)));  // the strait
}

TEST(WarnAreas, DistanceToBoundary) {
  const AreaGeometry g(hokkaido_square());
  // 20 km due south of the middle of the southern edge (a parallel; the straight edge in the
  // plane lies ~0.27 km north of it there, the chord's sagitta).
  const geo::Geodetic south = geo::geodesic_direct(at_deg(43.0, 142.75), std::numbers::pi, 20e3);
  EXPECT_NEAR(g.distance_to_boundary_m(south), 20e3, 500.0);
  EXPECT_GT(g.signed_distance_m(south), 0.0);
  // The centre is ~55.5 km from the north and south edges and ~61 km from the east and west.
  EXPECT_NEAR(g.distance_to_boundary_m(at_deg(43.5, 142.75)), 55.6e3, 500.0);
  EXPECT_LT(g.signed_distance_m(at_deg(43.5, 142.75)), 0.0);
}

TEST(WarnAreas, BufferGrowsByTerritorialSea) {
  EXPECT_DOUBLE_EQ(territorial_sea_km, 22.224);
  const ProtectedArea sea = buffer_km(hokkaido_square(), territorial_sea_km, "square sea");
  EXPECT_EQ(sea.name, "square sea");
  EXPECT_DOUBLE_EQ(sea.buffer_m, 22224.0);
  const AreaGeometry land(hokkaido_square());
  const AreaGeometry grown(sea);
  for (double az_deg : {0.0, 90.0, 180.0, 270.0}) {
    // From the middle of each edge, outwards.
    const geo::Geodetic mid = az_deg == 0.0     ? at_deg(44.0, 142.75)
                              : az_deg == 90.0  ? at_deg(43.5, 143.5)
                              : az_deg == 180.0 ? at_deg(43.0, 142.75)
                                                : at_deg(43.5, 142.0);
    const geo::Geodetic p20 = geo::geodesic_direct(mid, geo::deg_to_rad(az_deg), 20e3);
    const geo::Geodetic p24 = geo::geodesic_direct(mid, geo::deg_to_rad(az_deg), 24e3);
    EXPECT_FALSE(land.contains(p20)) << az_deg;
    EXPECT_TRUE(grown.contains(p20)) << az_deg;
    EXPECT_FALSE(grown.contains(p24)) << az_deg;
    EXPECT_NEAR(grown.signed_distance_m(p20), land.signed_distance_m(p20) - 22224.0, 1e-6);
  }
  // Round the corner: 20 km diagonally off the south-west corner is in, 24 km is out.
  const geo::Geodetic corner = at_deg(43.0, 142.0);
  EXPECT_TRUE(grown.contains(geo::geodesic_direct(corner, geo::deg_to_rad(225.0), 20e3)));
  EXPECT_FALSE(grown.contains(geo::geodesic_direct(corner, geo::deg_to_rad(225.0), 24e3)));
}

TEST(WarnAreas, BufferShrinksHoles) {
  const ProtectedArea sea = buffer_km(square_with_lake_and_island(), 22.224);
  // The lake is ~22 km north-south: with a 22 km buffer its middle is within reach of the shore.
  EXPECT_TRUE(AreaGeometry(sea).contains(at_deg(43.5, 142.75)));
}

TEST(WarnAreas, GeoJsonRoundTrip) {
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

TEST(WarnAreas, GeoJsonAcceptsPolygonAndMultiPolygon) {
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
  EXPECT_EQ((*r)[1].nation, "KOR");
  EXPECT_DOUBLE_EQ((*r)[1].buffer_m, 22224.0);
}

TEST(WarnAreas, GeoJsonMalformedFilesGiveOneLineErrors) {
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
      "features[1].properties.buffer_m", ">= 0");
  expect_error(R"({"type": "Feature"})", "type", "FeatureCollection");
  expect_error("{\"type\": \n\"FeatureCollection\", ", "", "not valid JSON");
}

TEST(WarnAreas, LoadFromFileNamesTheFile) {
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
  EXPECT_NE(missing.error().message().find("cannot open"), std::string::npos);
}
