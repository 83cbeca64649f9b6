#include <gtest/gtest.h>

#include <cmath>

#include "geo/angles.hpp"
#include "geo/line_of_sight.hpp"

using namespace trilink::geo;

namespace {

// Largest ground distance (bisection) at which a target at height h is above the effective
// horizon, seen from `site` looking along azimuth `az`.
double measured_horizon_m(const Observer& obs, double h, double az) {
  double lo = 0.0, hi = 3.0e6;
  for (int i = 0; i < 60; ++i) {
    const double mid = 0.5 * (lo + hi);
    Geodetic sub = geodesic_direct(obs.frame().origin(), az, mid);
    sub.h_m = h;
    const Sighting s = obs.look(to_ecef(sub), h);
    (s.above_horizon ? lo : hi) = mid;
  }
  return lo;
}

}  // namespace

TEST(LineOfSight, HorizonMatchesClosedForm) {
  for (double site_h : {10.0, 100.0, 680.0})
    for (double target_h : {1e3, 10e3, 50e3, 200e3}) {
      const Observer obs(Geodetic::from_deg(36.0, 128.2, site_h));
      const double closed_exact = obs.horizon_distance_m(target_h);
      // Rule of thumb of public-data.md: 4.12 (sqrt(h_s) + sqrt(h_t)) km.
      const double rule = 4.12e3 * (std::sqrt(site_h) + std::sqrt(target_h));
      for (double az : {0.0, 1.6, 3.5}) {
        const double measured = measured_horizon_m(obs, target_h, az);
        EXPECT_NEAR(measured / closed_exact, 1.0, 2e-3) << site_h << " " << target_h << " " << az;
        EXPECT_NEAR(measured / rule, 1.0, 1.5e-2) << site_h << " " << target_h;
      }
    }
}

TEST(LineOfSight, NineHundredKilometresNeedsAboutFiftyKilometres) {
  // public-data.md §3: 900 km from a launch site a radar sees a missile once it is ~50 km up.
  const Observer obs(Geodetic::from_deg(38.1, 138.4, 100.0));
  double lo = 0.0, hi = 200e3;
  const Geodetic sub = geodesic_direct(obs.frame().origin(), deg_to_rad(270.0), 900e3);
  for (int i = 0; i < 60; ++i) {
    const double mid = 0.5 * (lo + hi);
    Geodetic p = sub;
    p.h_m = mid;
    (obs.look(to_ecef(p), mid).above_horizon ? hi : lo) = mid;
  }
  EXPECT_GT(hi, 35e3);
  EXPECT_LT(hi, 50e3);
}

TEST(LineOfSight, GeometryOfNearbyTarget) {
  const Observer obs(Geodetic::from_deg(35.0, 129.0, 0.0));
  Geodetic p = geodesic_direct(obs.frame().origin(), deg_to_rad(30.0), 10e3);
  p.h_m = 5e3;
  const Sighting s = obs.look(to_ecef(p), p.h_m);
  EXPECT_NEAR(rad_to_deg(s.geometric.az_rad), 30.0, 0.1);
  EXPECT_NEAR(s.ground_distance_m, 10e3, 10.0);
  EXPECT_NEAR(s.geometric.range_m, std::hypot(10e3, 5e3), 20.0);
  // Refraction lifts the apparent elevation above the geometric one, only slightly up close.
  EXPECT_GT(s.apparent_el_rad, s.geometric.el_rad);
  EXPECT_NEAR(s.apparent_el_rad, s.geometric.el_rad, 1e-3);
  EXPECT_TRUE(s.above_horizon);
}

TEST(LineOfSight, HilltopSeesDownToNearbySeaLevel) {
  // 680 m up, a sea-level point 10 km away is below the horizontal plane but in view;
  // 150 km away at sea level it is beyond the ~107 km horizon.
  const Observer obs(Geodetic::from_deg(36.0, 128.2, 680.0));
  const Sighting near = obs.look(to_ecef(geodesic_direct(obs.frame().origin(), 1.0, 10e3)), 0.0);
  EXPECT_LT(near.apparent_el_rad, -0.03);
  EXPECT_TRUE(near.above_horizon);
  const Sighting far = obs.look(to_ecef(geodesic_direct(obs.frame().origin(), 1.0, 150e3)), 0.0);
  EXPECT_FALSE(far.above_horizon);
}
