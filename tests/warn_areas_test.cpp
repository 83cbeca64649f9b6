#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <numbers>

#include "area_fixtures.hpp"
#include "base/rng.hpp"
#include "geo/angles.hpp"
#include "warn/areas.hpp"
#include "warn/threat.hpp"

using namespace trilink;
using namespace trilink::warn;

using namespace trilink::test_fixtures;

namespace {
constexpr double pi = std::numbers::pi;
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

TEST(WarnAreas, RingDefectsAreFoundAndGoodAreasPass) {
  for (const auto& a : {hokkaido_square(), u_shape(), square_with_lake_and_island()})
    EXPECT_FALSE(find_ring_defect(a).has_value()) << a.name << ": " << find_ring_defect(a)->what;
  // Orientation is free: the square reversed is as good.
  ProtectedArea reversed = hokkaido_square();
  std::ranges::reverse(reversed.rings[0]);
  EXPECT_FALSE(find_ring_defect(reversed).has_value());

  ProtectedArea bow = hokkaido_square();
  bow.rings[0] =
      ring_deg({{142.0, 43.0}, {143.5, 44.0}, {143.5, 43.0}, {142.0, 44.5}});  // a bow tie
  auto d = find_ring_defect(bow);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->ring, 0u);
  EXPECT_NE(d->what.find("not a valid ring"), std::string::npos) << d->what;

  ProtectedArea flat = hokkaido_square();
  // On one meridian (a parallel is curved in the area's plane; a meridian through its centre
  // is straight).
  flat.rings[0] = ring_deg({{142.0, 43.0}, {142.0, 44.0}, {142.0, 43.5}});
  d = find_ring_defect(flat);
  ASSERT_TRUE(d.has_value());
  EXPECT_NE(d->what.find("no area"), std::string::npos) << d->what;

  ProtectedArea twice = hokkaido_square();
  twice.rings.push_back(twice.rings[0]);
  d = find_ring_defect(twice);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->ring, 1u);
  EXPECT_NE(d->what.find("same ring as ring 0"), std::string::npos) << d->what;
  // Map outlines may share borders: the test between rings is skipped on request.
  ProtectedArea touching = hokkaido_square();
  touching.rings.push_back(ring_deg({{143.5, 43.0}, {144.5, 43.0}, {144.5, 44.0}, {143.5, 44.0}}));
  EXPECT_TRUE(find_ring_defect(touching).has_value());
  EXPECT_FALSE(find_ring_defect(touching, false).has_value());
}

namespace {

// A square of land 0.2 degrees a side (about 22 km) south of 37.1 N at 128 E, with its 12-nmi
// sea; and, with `neighbour`, another nation's square of land whose south edge lies 10 km north
// of it (the equidistance line runs 5 km north of the first square's north edge).
ProtectedArea sea_with_neighbour(bool neighbour) {
  const auto square = [](double lat0, double lat1) {
    return std::vector{geo::Geodetic::from_deg(lat0, 127.9), geo::Geodetic::from_deg(lat0, 128.1),
                       geo::Geodetic::from_deg(lat1, 128.1), geo::Geodetic::from_deg(lat1, 127.9)};
  };
  ProtectedArea a{"sea", Nation::KOR, {square(36.9, 37.1)}, territorial_sea_km * 1e3};
  const double gap_deg = 10e3 / 111.0e3;
  if (neighbour) a.neighbours = {square(37.1 + gap_deg, 37.5)};
  return a;
}

// km north of the square's north edge, on its meridian.
geo::Geodetic north_km(double km, double lon_deg = 128.0) {
  return geo::Geodetic::from_deg(37.1 + km / 111.0, lon_deg);
}

}  // namespace

// A territorial sea stops at the line equidistant from its coast and a neighbour's, and never
// covers the neighbour's land; away from the neighbour it is the whole 12-nmi buffer.
TEST(WarnAreaNeighbours, ASeaStopsAtTheEquidistanceLineAndOffTheNeighboursLand) {
  const AreaGeometry plain(sea_with_neighbour(false));
  const AreaGeometry clipped(sea_with_neighbour(true));
  EXPECT_TRUE(clipped.contains(north_km(3.0)));  // nearer its own coast
  EXPECT_TRUE(clipped.contains(north_km(4.8)));
  EXPECT_FALSE(clipped.contains(north_km(5.3)));  // past the equidistance line
  EXPECT_FALSE(clipped.contains(north_km(7.0)));
  EXPECT_FALSE(clipped.contains(north_km(15.0)));  // on the neighbour's land
  for (double km : {5.3, 7.0, 15.0}) EXPECT_TRUE(plain.contains(north_km(km))) << km;
  // South, east and west, far from the neighbour: the whole buffer, as without one.
  const auto south = geo::Geodetic::from_deg(36.9 - 20.0 / 111.0, 128.0);
  EXPECT_TRUE(clipped.contains(south));
  EXPECT_DOUBLE_EQ(clipped.signed_distance_m(south), plain.signed_distance_m(south));
  EXPECT_FALSE(clipped.contains(geo::Geodetic::from_deg(36.9 - 23.0 / 111.0, 128.0)));
  // Outside, the signed distance is a lower bound of the distance to the equidistance line: at
  // 7 km north (2 km past it) about 2 km, never more.
  const double d = clipped.signed_distance_m(north_km(7.0));
  EXPECT_GT(d, 1.5e3);
  EXPECT_LE(d, 2.1e3);
}

// The corridor and ellipse tests follow the same line: a path 7 km north of the coast (2 km
// past the equidistance line) meets the sea only with a half-width that reaches back across it.
// (Their slack is on the side of a threat: beyond the end of a neighbour's coast, where the two
// coasts are nearly equidistant, a path may be said to meet the sea a little early.)
TEST(WarnAreaNeighbours, CorridorsAndEllipsesMeetTheSeaOnlyOnItsSideOfTheLine) {
  const AreaGeometry plain(sea_with_neighbour(false));
  const AreaGeometry clipped(sea_with_neighbour(true));
  const geo::UtcTime t0{1'700'000'000'000'000'000};
  const auto path = [&](double km, double half_width_m) {
    return std::vector{GroundPoint{north_km(km, 127.95), t0, half_width_m},
                       GroundPoint{north_km(km, 128.05), t0.plus_seconds(20.0), half_width_m}};
  };
  EXPECT_TRUE(corridor_overflight(plain, path(7.0, 500.0), 500.0).has_value());
  EXPECT_FALSE(corridor_overflight(clipped, path(7.0, 500.0), 500.0).has_value());
  EXPECT_TRUE(corridor_overflight(clipped, path(7.0, 3000.0), 3000.0).has_value());
  EXPECT_TRUE(corridor_overflight(clipped, path(3.0, 500.0), 500.0).has_value());
  // Over the neighbour's land, within the disc buffer: no overflight of the sea.
  EXPECT_TRUE(corridor_overflight(plain, path(15.0, 500.0), 500.0).has_value());
  EXPECT_FALSE(corridor_overflight(clipped, path(15.0, 500.0), 500.0).has_value());

  const auto ellipse = [](double km, double axis_m) {
    return ImpactEllipse{north_km(km), axis_m, axis_m, 0.0};
  };
  EXPECT_TRUE(ellipse_meets(plain, ellipse(7.0, 1000.0)));
  EXPECT_FALSE(ellipse_meets(clipped, ellipse(7.0, 1000.0)));
  EXPECT_TRUE(ellipse_meets(clipped, ellipse(7.0, 3500.0)));
  EXPECT_FALSE(ellipse_meets(clipped, ellipse(15.0, 2000.0)));
  EXPECT_TRUE(ellipse_meets(clipped, ellipse(15.0, 14000.0)));  // reaches the own coast
}

// AreaGeometry::far_from rules a segment or a disc out without projecting it: whenever it does,
// the exact tests agree (the corridor about the segment does not meet the buffered area; no
// point of an ellipse within the radius lies in it), from beside the area to 9 500 km away
// (beyond kMaxChordM it never rules out); and it rules out most of what is far.
TEST(WarnAreas, FarFromIsNeverWrong) {
  ProtectedArea sea = hokkaido_square();
  sea.name = "sea";
  sea.buffer_m = 22224.0;
  const AreaGeometry g(sea);
  Rng rng(17);
  int ruled_out = 0, beyond = 0, checked = 0;
  for (int k = 0; k < 3000; ++k) {
    const double distance = k < 1500 ? rng.uniform(0.0, 400e3) : rng.uniform(0.0, 9.5e6);
    const geo::Geodetic a = geo::geodesic_direct(g.origin(), rng.uniform(0.0, 2.0 * pi), distance);
    const geo::Geodetic b =
        geo::geodesic_direct(a, rng.uniform(0.0, 2.0 * pi), rng.uniform(1e3, 100e3));
    const double reach = g.area().buffer_m + rng.uniform(0.0, 50e3);
    if (distance > 8.5e6) ++beyond;
    if (g.far_from(a, b, reach)) {
      ++ruled_out;
      EXPECT_FALSE(g.corridor_meets(g.project(a), g.project(b), reach - g.area().buffer_m)) << k;
      EXPECT_GT(distance, 100e3) << k;
    }
    const double radius = rng.uniform(0.0, 200e3);
    if (k % 10 == 0 && g.far_from(a, radius, g.area().buffer_m)) {
      ++checked;
      EXPECT_FALSE(g.contains(a)) << k;
      const ImpactEllipse e{a, radius, 0.5 * radius, rng.uniform(0.0, pi)};
      for (int i = 0; i < 36; ++i)
        EXPECT_GT(g.signed_distance_m(ellipse_point(e, 2.0 * pi * i / 36)), 0.0) << k << " " << i;
    }
  }
  EXPECT_GT(ruled_out, 1500);
  EXPECT_GT(checked, 100);
  EXPECT_GT(beyond, 10);
}
