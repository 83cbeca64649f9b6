// The bundled protected areas (scenarios/areas/, made by tools/areas/make_areas.mjs from
// Natural Earth 1:50m): they load, and known places fall inside or outside them.
#include <gtest/gtest.h>

#include <string>
#include <tuple>
#include <vector>

#include "io/areas_file.hpp"
#include "test_paths.hpp"

using namespace trilink;
using namespace trilink::warn;

namespace {

geo::Geodetic at_deg(double lat, double lon) {
  return geo::Geodetic::from_deg(lat, lon);
}

std::vector<ProtectedArea> load(const std::string& file) {
  auto areas = io::load_areas_geojson(test_paths::source_dir() + "/scenarios/areas/" + file);
  EXPECT_TRUE(areas.has_value()) << (areas ? std::string() : areas.error().message());
  return areas ? *areas : std::vector<ProtectedArea>{};
}

// A nation's bundled file: its land (features[0]) and its 12-nmi territorial sea
// (features[1], the same rings with buffer_m = 22224).
struct NationAreas {
  AreaGeometry land;
  AreaGeometry sea;
};

NationAreas nation(const std::string& file) {
  const auto areas = load(file);
  if (areas.size() != 2) {
    ADD_FAILURE() << file << ": expected 2 features, got " << areas.size();
    return {
        AreaGeometry({"empty", trilink::Nation::JPN, {{at_deg(0, 0), at_deg(0, 1), at_deg(1, 0)}}}),
        AreaGeometry(
            {"empty", trilink::Nation::JPN, {{at_deg(0, 0), at_deg(0, 1), at_deg(1, 0)}}})};
  }
  return {AreaGeometry(areas[0]), AreaGeometry(areas[1])};
}

const NationAreas& japan() {
  static const NationAreas n = nation("japan.geojson");
  return n;
}
const NationAreas& korea() {
  static const NationAreas n = nation("korea.geojson");
  return n;
}

// The USA's bundled file: Guam (features 0, 1) and Hawaii (features 2, 3), each land then sea.
struct UsaAreas {
  NationAreas guam;
  NationAreas hawaii;
};

const UsaAreas& usa() {
  static const UsaAreas u = [] {
    auto areas = load("usa.geojson");
    if (areas.size() != 4) {
      ADD_FAILURE() << "usa.geojson: expected 4 features, got " << areas.size();
      const ProtectedArea empty{"empty", Nation::USA, {{at_deg(0, 0), at_deg(0, 1), at_deg(1, 0)}}};
      areas.assign(4, empty);
    }
    return UsaAreas{{AreaGeometry(areas[0]), AreaGeometry(areas[1])},
                    {AreaGeometry(areas[2]), AreaGeometry(areas[3])}};
  }();
  return u;
}

}  // namespace

TEST(WarnBundledAreas, FilesLoadWithLandAndTerritorialSea) {
  for (const auto& [file, name, code] :
       {std::tuple{"japan.geojson", "Japan", "JPN"}, std::tuple{"korea.geojson", "Korea", "KOR"}}) {
    const auto areas = load(file);
    ASSERT_EQ(areas.size(), 2u) << file;
    EXPECT_EQ(areas[0].name, std::string(name) + " land");
    EXPECT_EQ(areas[1].name, std::string(name) + " territorial sea");
    for (const auto& a : areas) {
      EXPECT_EQ(to_string(a.nation), code);
      EXPECT_FALSE(a.rings.empty());
    }
    EXPECT_EQ(areas[0].buffer_m, 0.0);
    EXPECT_DOUBLE_EQ(areas[1].buffer_m, territorial_sea_km * 1000.0);
    EXPECT_EQ(areas[0].rings.size(), areas[1].rings.size());
  }
  // 50m data: Japan's four main islands and many smaller ones; Korea's mainland, Jeju, islets.
  EXPECT_GE(japan().land.rings().size(), 20u);
  EXPECT_GE(korea().land.rings().size(), 5u);
}

TEST(WarnBundledAreas, CitiesInsideTheirNationsLand) {
  const struct {
    const char* name;
    double lat, lon;
  } japanese[] = {{"Tokyo", 35.68, 139.69},
                  {"Sapporo", 43.06, 141.35},
                  {"Naha", 26.21, 127.68},
                  {"Tsushima", 34.40, 129.33}},
    korean[] = {{"Seoul", 37.57, 126.98}, {"Busan", 35.18, 129.08}, {"Jeju", 33.36, 126.53}};
  for (const auto& c : japanese) {
    const auto p = at_deg(c.lat, c.lon);
    EXPECT_TRUE(japan().land.contains(p))
        << c.name << " signed distance " << japan().land.signed_distance_m(p) << " m";
    EXPECT_TRUE(japan().sea.contains(p)) << c.name;
    EXPECT_FALSE(korea().land.contains(p)) << c.name;
  }
  for (const auto& c : korean) {
    const auto p = at_deg(c.lat, c.lon);
    EXPECT_TRUE(korea().land.contains(p))
        << c.name << " signed distance " << korea().land.signed_distance_m(p) << " m";
    EXPECT_TRUE(korea().sea.contains(p)) << c.name;
    EXPECT_FALSE(japan().land.contains(p)) << c.name;
  }
}

TEST(WarnBundledAreas, PlacesOutsideBoth) {
  const struct {
    const char* name;
    double lat, lon;
  } outside[] = {{"Pyongyang", 39.02, 125.75}, {"Sea of Japan", 39.5, 134.0}};
  for (const auto& c : outside) {
    const auto p = at_deg(c.lat, c.lon);
    for (const NationAreas* n : {&japan(), &korea()}) {
      EXPECT_FALSE(n->land.contains(p))
          << c.name << " in " << n->land.area().name << " " << n->land.signed_distance_m(p);
      EXPECT_FALSE(n->sea.contains(p))
          << c.name << " in " << n->sea.area().name << " " << n->sea.signed_distance_m(p);
    }
  }
}

TEST(WarnBundledAreas, OffshorePointsInsideTerritorialSeaOnly) {
  const struct {
    const char* name;
    const NationAreas& n;
    double lat, lon;
  } offshore[] = {{"Sagami Bay", japan(), 35.15, 139.35},
                  {"off Nojimazaki (Boso)", japan(), 34.82, 139.95},
                  {"off Busan", korea(), 35.0, 129.15}};
  for (const auto& c : offshore) {
    const auto p = at_deg(c.lat, c.lon);
    const double d = c.n.land.signed_distance_m(p);
    EXPECT_GT(d, 3000.0) << c.name << " distance from " << c.n.land.area().name;
    EXPECT_LT(d, 18000.0) << c.name << " distance from " << c.n.land.area().name;
    EXPECT_FALSE(c.n.land.contains(p)) << c.name;
    EXPECT_TRUE(c.n.sea.contains(p)) << c.name;
  }
}

TEST(WarnBundledAreas, UsaFileHasGuamAndHawaiiLandAndSea) {
  const auto areas = load("usa.geojson");
  ASSERT_EQ(areas.size(), 4u);
  const char* names[] = {"Guam land", "Guam territorial sea", "Hawaii land",
                         "Hawaii territorial sea"};
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(areas[i].name, names[i]);
    EXPECT_EQ(to_string(areas[i].nation), "USA") << names[i];
    EXPECT_FALSE(areas[i].rings.empty()) << names[i];
    EXPECT_EQ(areas[i].buffer_m, i % 2 == 0 ? 0.0 : territorial_sea_km * 1000.0) << names[i];
  }
  EXPECT_EQ(areas[0].rings.size(), areas[1].rings.size());
  EXPECT_EQ(areas[2].rings.size(), areas[3].rings.size());
  // 50m data: Guam is one island; Hawaii the seven main islands (Kaho'olawe is below the scale).
  EXPECT_EQ(usa().guam.land.rings().size(), 1u);
  EXPECT_GE(usa().hawaii.land.rings().size(), 7u);
  // Each part is projected about its own centre, not about a point between them.
  EXPECT_LT(geo::geodesic_inverse(usa().guam.land.origin(), at_deg(13.45, 144.78)).distance_m,
            30e3);
  EXPECT_LT(geo::geodesic_inverse(usa().hawaii.land.origin(), at_deg(20.8, -157.0)).distance_m,
            300e3);
}

TEST(WarnBundledAreas, GuamAndHawaiiContainTheirPlacesOnly) {
  const struct {
    const char* name;
    const NationAreas& n;
    const NationAreas& other;
    double lat, lon;
  } places[] = {{"Guam (Hagatna area)", usa().guam, usa().hawaii, 13.45, 144.78},
                {"Honolulu", usa().hawaii, usa().guam, 21.31, -157.86},
                {"Mauna Kea", usa().hawaii, usa().guam, 19.82, -155.47},
                {"Lihue (Kauai)", usa().hawaii, usa().guam, 21.98, -159.37}};
  for (const auto& c : places) {
    const auto p = at_deg(c.lat, c.lon);
    EXPECT_TRUE(c.n.land.contains(p))
        << c.name << " signed distance " << c.n.land.signed_distance_m(p) << " m";
    EXPECT_TRUE(c.n.sea.contains(p)) << c.name;
    EXPECT_FALSE(c.other.land.contains(p)) << c.name;
    EXPECT_FALSE(c.other.sea.contains(p)) << c.name;
    EXPECT_FALSE(japan().sea.contains(p)) << c.name;
    EXPECT_FALSE(korea().sea.contains(p)) << c.name;
  }
  // Japan's and Korea's places are in no US area; nor is Saipan (N. Mariana Islands, not Guam).
  for (const auto& [name, lat, lon] :
       {std::tuple{"Tokyo", 35.68, 139.69}, std::tuple{"Seoul", 37.57, 126.98},
        std::tuple{"Saipan", 15.18, 145.75}}) {
    const auto p = at_deg(lat, lon);
    for (const NationAreas* n : {&usa().guam, &usa().hawaii})
      EXPECT_FALSE(n->sea.contains(p)) << name << " in " << n->sea.area().name;
  }
}

TEST(WarnBundledAreas, UsTerritorialSeaReachesTwelveNauticalMiles) {
  const struct {
    const char* name;
    const NationAreas& n;
    double lat, lon;
    bool in_sea;
  } offshore[] = {{"west of Guam", usa().guam, 13.45, 144.55, true},
                  {"south of Honolulu", usa().hawaii, 21.20, -157.86, true},
                  {"far west of Guam", usa().guam, 13.45, 144.35, false},
                  {"Kaiwi Channel south", usa().hawaii, 20.60, -157.45, false}};
  for (const auto& c : offshore) {
    const auto p = at_deg(c.lat, c.lon);
    const double land = c.n.land.signed_distance_m(p);
    const double sea = c.n.sea.signed_distance_m(p);
    EXPECT_GT(land, 3000.0) << c.name << " distance from " << c.n.land.area().name;
    EXPECT_FALSE(c.n.land.contains(p)) << c.name;
    // The sea is the land grown by exactly 12 nmi.
    EXPECT_NEAR(sea, land - territorial_sea_km * 1000.0, 1.0) << c.name;
    EXPECT_EQ(c.n.sea.contains(p), c.in_sea) << c.name << " " << land << " m from land";
  }
}
