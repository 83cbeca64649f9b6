#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "base/chi2.hpp"
#include "geo/angles.hpp"
#include "warn/threat.hpp"

using namespace trilink;
using namespace trilink::warn;

namespace {

constexpr double pi = std::numbers::pi;

geo::Geodetic at_deg(double lat, double lon) {
  return geo::Geodetic::from_deg(lat, lon);
}

// 43–44 N, 142–143.5 E.
ProtectedArea square() {
  return {"square",
          Nation::JPN,
          {{at_deg(43.0, 142.0), at_deg(43.0, 143.5), at_deg(44.0, 143.5), at_deg(44.0, 142.0)}}};
}

// `km` due south of the middle of the southern edge.
geo::Geodetic south_of_square(double km) {
  return geo::geodesic_direct(at_deg(43.0, 142.75), pi, km * 1e3);
}

}  // namespace

TEST(WarnThreat, EllipsePointsLieOnTheEllipse) {
  const ImpactEllipse e{at_deg(40.0, 135.0), 50e3, 20e3, geo::deg_to_rad(30.0)};
  const auto major = geo::geodesic_inverse(e.centre, ellipse_point(e, 0.0));
  EXPECT_NEAR(major.distance_m, 50e3, 1e-3);
  EXPECT_NEAR(major.azimuth_rad, geo::deg_to_rad(30.0), 1e-9);
  const auto minor = geo::geodesic_inverse(e.centre, ellipse_point(e, pi / 2));
  EXPECT_NEAR(minor.distance_m, 20e3, 1e-3);
  EXPECT_NEAR(minor.azimuth_rad, geo::deg_to_rad(120.0), 1e-9);
}

TEST(WarnThreat, EllipseMeetsOrMissesAtKnownGeometry) {
  const AreaGeometry g(square());
  // Centre 50 km south of the area; the major axis (60 km) points north: reaches ~10 km in.
  EXPECT_TRUE(ellipse_meets(g, {south_of_square(50), 60e3, 10e3, 0.0}));
  // Same ellipse turned east-west: it reaches only 10 km north.
  EXPECT_FALSE(ellipse_meets(g, {south_of_square(50), 60e3, 10e3, pi / 2}));
  // 40 km north: stops ~10 km short.
  EXPECT_FALSE(ellipse_meets(g, {south_of_square(50), 40e3, 10e3, 0.0}));
  // Centre inside, tiny ellipse; and a zero ellipse outside.
  EXPECT_TRUE(ellipse_meets(g, {at_deg(43.5, 142.75), 1e3, 1e3, 0.0}));
  EXPECT_FALSE(ellipse_meets(g, {south_of_square(1), 0.0, 0.0, 0.0}));
  // The whole area inside a big ellipse whose centre is outside it.
  EXPECT_TRUE(ellipse_meets(g, {south_of_square(100), 400e3, 300e3, 0.0}));
}

// The support of a bank of descents: points strung south to north below the square, each
// with a small ellipse. It meets the area only where a hypothesis (with its error) reaches
// it, where the moment-matched ellipse of the same points overshoots; a gap between two
// hypotheses is bridged (the impact may lie between them); a string beside the area, its
// corridor as wide as the ellipses across it, misses.
TEST(WarnThreat, SupportMeetsWhereAHypothesisReaches) {
  const AreaGeometry g(square());
  auto string_from = [](double near_km, double far_km, double semi_major_m) {
    std::vector<ImpactEllipse> out;
    for (double km = far_km; km >= near_km - 1e-9; km -= 10.0)
      out.push_back({south_of_square(km), semi_major_m, 2e3, 0.0});
    return out;
  };
  // Hypotheses 15-115 km south, 5 km of error along: they stop 10 km short. The mixture's
  // ellipse (mean 65 km south, sigma 29 km along: 95 % semi-major 2.45 sigma, 71 km) reaches
  // 6 km in.
  EXPECT_FALSE(support_meets(g, string_from(15.0, 115.0, 5e3)));
  EXPECT_TRUE(ellipse_meets(g, {south_of_square(65.0), 71e3, 4e3, 0.0}));
  // With 16 km of error along, the nearest reaches 1 km in: meets.
  EXPECT_TRUE(support_meets(g, string_from(15.0, 115.0, 16e3)));
  // Two hypotheses either side of the square's strip (south and north of it): bridged.
  const std::vector<ImpactEllipse> across{
      {south_of_square(20.0), 2e3, 2e3, 0.0},
      {geo::geodesic_direct(at_deg(44.0, 142.75), 0.0, 20e3), 2e3, 2e3, 0.0}};
  EXPECT_TRUE(support_meets(g, across));
  // A string north-south 20 km east of the square (143.5 E): corridor 2 km wide, misses; as
  // wide as 25 km (the ellipses' major axes turned east-west), meets.
  std::vector<ImpactEllipse> beside;
  for (double lat = 42.5; lat <= 44.5; lat += 0.25)
    beside.push_back({geo::geodesic_direct(at_deg(lat, 143.5), pi / 2, 20e3), 5e3, 2e3, 0.0});
  EXPECT_FALSE(support_meets(g, beside));
  for (auto& e : beside) {
    e.semi_major_m = 25e3;
    e.major_axis_azimuth_rad = pi / 2;
  }
  EXPECT_TRUE(support_meets(g, beside));
}

// The probability of the impact in an area, against the normal distribution's: an ellipse
// whose major axis (sigma 20 km) crosses the square's southern edge at right angles, its
// centre k sigma south of the edge, holds 1 - Phi(k) of the impact (the square reaches 111 km
// north, 5.5 sigma); the buffered sea's edge lies 22.2 km farther south.
TEST(WarnThreat, ImpactProbabilityIsTheNormalMassInTheArea) {
  const AreaGeometry land(square());
  const AreaGeometry sea(buffer_km(square(), territorial_sea_km));
  const double k95 = std::sqrt(chi2_quantile(0.95, 2)), sigma_km = 20.0;
  const auto ellipse = [&](double south_km) {
    return std::vector{ImpactEllipse{south_of_square(south_km), k95 * sigma_km * 1e3, 2e3, 0.0}};
  };
  const auto tail = [](double k) { return 0.5 * std::erfc(k / std::sqrt(2.0)); };
  for (double k : {-1.0, 0.0, 0.5, 1.0, 1.5}) {
    EXPECT_NEAR(impact_probability(land, ellipse(k * sigma_km)), tail(k), 0.03) << k;
    EXPECT_NEAR(impact_probability(sea, ellipse(territorial_sea_km + k * sigma_km)), tail(k), 0.03)
        << k;
  }
  // Inside the 95 % ellipse only: an area beyond it holds nothing of it, one around it all.
  EXPECT_EQ(impact_probability(land, ellipse(2.5 * sigma_km)), 0.0);
  const ImpactEllipse in{at_deg(43.5, 142.75), 20e3, 10e3, 0.3};
  const ImpactEllipse out{at_deg(30.0, 142.75), 20e3, 10e3, 0.3};
  EXPECT_EQ(impact_probability(land, {in}), 1.0);
  EXPECT_EQ(impact_probability(land, {out}), 0.0);
  // A support's is the mean of its ellipses'; counting stops once `enough` is reached.
  const std::vector<ImpactEllipse> two{in, out};
  EXPECT_EQ(impact_probability(land, two), 0.5);
  const double some = impact_probability(land, two, 0.2);
  EXPECT_GE(some, 0.2);
  EXPECT_LT(some, 0.5);
  EXPECT_EQ(impact_probability(land, std::vector<ImpactEllipse>{}), 0.0);
}

TEST(WarnThreat, EllipseMeetsTheTerritorialSea) {
  const AreaGeometry sea(buffer_km(square(), territorial_sea_km));
  EXPECT_TRUE(ellipse_meets(sea, {south_of_square(50), 40e3, 10e3, 0.0}));   // 10 km short
  EXPECT_FALSE(ellipse_meets(sea, {south_of_square(50), 25e3, 10e3, 0.0}));  // 25 km short
}

TEST(WarnThreat, EllipseMeetsAStripWithNoVertexInside) {
  // A strip 200 km long and 200 m wide, 295 km north of the centre of a circle: its corners
  // are all outside a 300 km circle, which still cuts across it.
  const geo::Geodetic c = at_deg(40.0, 140.0);
  auto local = [&](double x_m, double y_m) {
    return geo::geodesic_direct(c, std::atan2(x_m, y_m), std::hypot(x_m, y_m));
  };
  const ProtectedArea strip{"strip",
                            Nation::JPN,
                            {{local(-100e3, 294.9e3), local(100e3, 294.9e3), local(100e3, 295.1e3),
                              local(-100e3, 295.1e3)}}};
  const AreaGeometry g(strip);
  EXPECT_TRUE(ellipse_meets(g, {c, 300e3, 300e3, 0.0}));
  EXPECT_FALSE(ellipse_meets(g, {c, 290e3, 290e3, 0.0}));
}

namespace {

// Straight north along 142.75 E from 41 N at t = 0 to 46 N at t = 500 s.
std::vector<GroundPoint> northbound(double lon_deg = 142.75) {
  std::vector<GroundPoint> track;
  for (int i = 0; i <= 10; ++i)
    track.push_back({at_deg(41.0 + 0.5 * i, lon_deg), geo::UtcTime::from_seconds(50.0 * i)});
  return track;
}

}  // namespace

TEST(WarnThreat, CorridorCrossingGivesEntryAndExitTimes) {
  const AreaGeometry g(square());
  const auto over = corridor_overflight(g, northbound(), 0.0);
  ASSERT_TRUE(over.has_value());
  // 43 N is reached at 200 s, 44 N at 300 s (edges are chords ~0.27 km poleward: +0.25 s).
  EXPECT_NEAR(over->entry.seconds_since(geo::UtcTime{}), 200.0, 1.0);
  EXPECT_NEAR(over->exit.seconds_since(geo::UtcTime{}), 300.0, 1.0);

  // A 20 km half-width: entry ~18 s earlier and exit ~18 s later (speed ~1.11 km/s).
  const double speed_mps =
      geo::geodesic_inverse(at_deg(41, 142.75), at_deg(46, 142.75)).distance_m / 500.0;
  const auto wide = corridor_overflight(g, northbound(), 20e3);
  ASSERT_TRUE(wide.has_value());
  EXPECT_NEAR(wide->entry.seconds_since(geo::UtcTime{}), 200.0 - 20e3 / speed_mps, 1.0);
  EXPECT_NEAR(wide->exit.seconds_since(geo::UtcTime{}), 300.0 + 20e3 / speed_mps, 1.0);
}

TEST(WarnThreat, CorridorMissesOrGrazes) {
  const AreaGeometry g(square());
  // 145 E is ~120 km east of the square's eastern edge (143.5 E).
  EXPECT_FALSE(corridor_overflight(g, northbound(145.0), 20e3).has_value());
  EXPECT_TRUE(corridor_overflight(g, northbound(145.0), 130e3).has_value());
  EXPECT_FALSE(corridor_overflight(g, {}, 20e3).has_value());
  // One point inside.
  const auto one = corridor_overflight(g, {{at_deg(43.5, 142.75), geo::UtcTime{7}}}, 0.0);
  ASSERT_TRUE(one.has_value());
  EXPECT_EQ(one->entry, geo::UtcTime{7});
}

TEST(WarnThreat, EllipseOfImpactPrediction) {
  share::ImpactPrediction p;
  p.impact_point_ecef_m = geo::to_ecef(at_deg(43.5, 142.75)).r_m;
  p.semi_major_m = 30e3;
  p.semi_minor_m = 5e3;
  p.major_axis_azimuth_rad = 0.3;
  const ImpactEllipse e = ellipse_of(p);
  EXPECT_NEAR(e.centre.lat_deg(), 43.5, 1e-9);
  EXPECT_NEAR(e.centre.lon_deg(), 142.75, 1e-9);
  EXPECT_DOUBLE_EQ(e.semi_major_m, 30e3);
  EXPECT_DOUBLE_EQ(e.major_axis_azimuth_rad, 0.3);
  EXPECT_TRUE(ellipse_meets(AreaGeometry(square()), e));
}
