// Raid expansion (scenario/raid.hpp): the recipe's draws are repeatable, stay inside the
// window, the areas and the aim regions, follow the weights, and number the launches.
#include "scenario/raid.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "geo/angles.hpp"

using namespace trilink;
using scenario::AimRegion;
using scenario::RaidWave;

namespace {

scenario::Catalogue three_areas() {
  scenario::Catalogue c;
  c.launch_areas["Sunan"] = geo::Geodetic::from_deg(39.22, 125.67);
  c.launch_areas["Wonsan"] = geo::Geodetic::from_deg(39.16, 127.48);
  c.launch_areas["Sohae"] = geo::Geodetic::from_deg(39.66, 124.705);
  return c;
}

AimRegion box(const std::string& name, double s, double n, double w, double e, double weight) {
  AimRegion a;
  a.name = name;
  a.south_rad = geo::deg_to_rad(s);
  a.north_rad = geo::deg_to_rad(n);
  a.west_rad = geo::deg_to_rad(w);
  a.east_rad = geo::deg_to_rad(e);
  a.weight = weight;
  return a;
}

AimRegion disc(const std::string& name, double lat, double lon, double radius_km, double weight) {
  AimRegion a = box(name, lat, lat, lon, lon, weight);
  a.radius_m = radius_km * 1e3;
  return a;
}

RaidWave sea_and_oki(std::size_t count, std::uint64_t seed) {
  RaidWave w;
  w.count = count;
  w.start_s = 100.0;
  w.end_s = 400.0;
  w.seed = seed;
  w.profiles = {{flight::Profile::depressed, 3.0}, {flight::Profile::minimum_energy, 1.0}};
  w.apogee_lo_m = 40e3;
  w.apogee_hi_m = 70e3;
  w.aims = {box("sea", 38.8, 40.8, 130.0, 132.0, 3.0), disc("oki", 36.25, 133.28, 3.0, 1.0)};
  return w;
}

bool same(const scenario::RaidLaunch& a, const scenario::RaidLaunch& b) {
  return a.spec.id == b.spec.id && a.spec.time_s == b.spec.time_s && a.spec.area == b.spec.area &&
         a.spec.profile_label == b.spec.profile_label &&
         a.spec.request.apogee_m == b.spec.request.apogee_m &&
         a.spec.request.azimuth_rad == b.spec.request.azimuth_rad &&
         a.spec.request.range_m == b.spec.request.range_m && a.aim_index == b.aim_index;
}

TEST(Raid, SameRecipeAndSeedGiveTheSameLaunches) {
  const auto cat = three_areas();
  const auto a = scenario::expand_raid(sea_and_oki(40, 7), cat, 1);
  const auto b = scenario::expand_raid(sea_and_oki(40, 7), cat, 1);
  ASSERT_EQ(a.size(), 40u);
  ASSERT_EQ(b.size(), 40u);
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(same(a[i], b[i])) << i;
  // Another seed, or another place in the scenario's numbering, draws another raid.
  const auto c = scenario::expand_raid(sea_and_oki(40, 8), cat, 1);
  const auto d = scenario::expand_raid(sea_and_oki(40, 7), cat, 41);
  EXPECT_NE(a[0].spec.time_s, c[0].spec.time_s);
  EXPECT_NE(a[0].spec.time_s, d[0].spec.time_s);
}

TEST(Raid, CountWindowAndIds) {
  const auto launches = scenario::expand_raid(sea_and_oki(25, 3), three_areas(), 5);
  ASSERT_EQ(launches.size(), 25u);
  for (std::size_t i = 0; i < launches.size(); ++i) {
    const auto& l = launches[i].spec;
    EXPECT_GE(l.time_s, 100.0);
    EXPECT_LE(l.time_s, 400.0);
    EXPECT_DOUBLE_EQ(l.time_s * 10.0, std::round(l.time_s * 10.0)) << "0.1 s steps";
    if (i > 0) {
      EXPECT_LE(launches[i - 1].spec.time_s, l.time_s) << "in time order";
    }
    char id[8];
    std::snprintf(id, sizeof id, "R%03zu", 5 + i);
    EXPECT_EQ(l.id, id);
  }
  // Spread over the window, not bunched: the first and last quarter both get launches.
  EXPECT_LT(launches.front().spec.time_s, 175.0);
  EXPECT_GT(launches.back().spec.time_s, 325.0);
}

TEST(Raid, EmptyWindowLaunchesAllAtOnce) {
  RaidWave w = sea_and_oki(4, 1);
  w.start_s = w.end_s = 60.0;
  for (const auto& l : scenario::expand_raid(w, three_areas(), 1)) EXPECT_EQ(l.spec.time_s, 60.0);
}

TEST(Raid, AreasAreTheListedOnesOrEveryCatalogueArea) {
  const auto cat = three_areas();
  RaidWave w = sea_and_oki(60, 11);
  std::set<std::string> seen;
  for (const auto& l : scenario::expand_raid(w, cat, 1)) {
    seen.insert(l.spec.area);
    EXPECT_EQ(l.spec.request.site, cat.launch_areas.at(l.spec.area));
  }
  EXPECT_EQ(seen, (std::set<std::string>{"Sunan", "Wonsan", "Sohae"})) << "default: every area";

  w.areas = {{"Wonsan", 1.0}};
  for (const auto& l : scenario::expand_raid(w, cat, 1)) EXPECT_EQ(l.spec.area, "Wonsan");
}

TEST(Raid, AimPointsLieInTheirRegions) {
  const auto cat = three_areas();
  const RaidWave w = sea_and_oki(80, 5);
  std::size_t in_sea = 0;
  for (const auto& l : scenario::expand_raid(w, cat, 1)) {
    // The request flies from the area to the aim point.
    const auto path = geo::geodesic_inverse(l.spec.request.site, l.aim);
    EXPECT_NEAR(l.spec.request.range_m, path.distance_m, 1e-6);
    EXPECT_NEAR(l.spec.request.azimuth_rad, path.azimuth_rad, 1e-12);
    if (l.aim_index == 0) {
      ++in_sea;
      EXPECT_GE(l.aim.lat_deg(), 38.8);
      EXPECT_LE(l.aim.lat_deg(), 40.8);
      EXPECT_GE(l.aim.lon_deg(), 130.0);
      EXPECT_LE(l.aim.lon_deg(), 132.0);
    } else {
      ASSERT_EQ(l.aim_index, 1u);
      const auto from_oki = geo::geodesic_inverse(geo::Geodetic::from_deg(36.25, 133.28), l.aim);
      EXPECT_LE(from_oki.distance_m, 3e3 + 1e-6);
    }
  }
  // Weights 3 : 1 over 80 draws: 60 expected in the sea, sd ~3.9.
  EXPECT_GT(in_sea, 48u);
  EXPECT_LT(in_sea, 72u);
}

TEST(Raid, ClassesProfilesAndApogeesFollowTheRecipe) {
  RaidWave w = sea_and_oki(80, 9);
  std::map<std::string, int> profiles;
  for (const auto& l : scenario::expand_raid(w, three_areas(), 1)) {
    ++profiles[l.spec.profile_label];
    ASSERT_TRUE(l.spec.request.profile.has_value());
    EXPECT_EQ(flight::to_string(*l.spec.request.profile), l.spec.profile_label);
    EXPECT_FALSE(l.spec.request.missile_class) << "no classes: the smallest that can fly it";
    ASSERT_TRUE(l.spec.request.apogee_m);
    EXPECT_GE(*l.spec.request.apogee_m, 40e3);
    EXPECT_LE(*l.spec.request.apogee_m, 70e3);
  }
  EXPECT_EQ(profiles.size(), 2u);
  EXPECT_GT(profiles["depressed"], 48);  // weights 3 : 1
  EXPECT_GT(profiles["minimum-energy"], 8);

  w.classes = {{flight::MissileClass::irbm, 1.0}};
  w.apogee_lo_m.reset();
  w.apogee_hi_m.reset();
  for (const auto& l : scenario::expand_raid(w, three_areas(), 1)) {
    EXPECT_EQ(l.spec.request.missile_class, flight::MissileClass::irbm);
    EXPECT_FALSE(l.spec.request.apogee_m) << "no apogee: the profile picks";
  }
}

}  // namespace
