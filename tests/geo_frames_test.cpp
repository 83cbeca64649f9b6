#include <gtest/gtest.h>

#include <cmath>

#include "geo/angles.hpp"
#include "geo/eci.hpp"
#include "geo/frames.hpp"
#include "geo/wgs84.hpp"

using namespace trilink::geo;

TEST(Frames, ReferencePoints) {
  // Equator / prime meridian: x = a. North pole: z = b. Tolerances 1 mm.
  EXPECT_NEAR(to_ecef(Geodetic::from_deg(0, 0, 0)).r_m.x(), 6378137.0, 1e-3);
  EXPECT_NEAR(to_ecef(Geodetic::from_deg(90, 0, 0)).r_m.z(), 6356752.314245, 1e-3);
  EXPECT_NEAR(to_ecef(Geodetic::from_deg(0, 90, 100)).r_m.y(), 6378237.0, 1e-3);
  // GeographicLib's CartConvert documentation example: 33.3 N 44.4 E 6000 m.
  const Ecef baghdad = to_ecef(Geodetic::from_deg(33.3, 44.4, 6000));
  EXPECT_NEAR(baghdad.r_m.x(), 3816209.60, 0.01);
  EXPECT_NEAR(baghdad.r_m.y(), 3737108.55, 0.01);
  EXPECT_NEAR(baghdad.r_m.z(), 3485109.57, 0.01);
}

TEST(Frames, GeodeticRoundTripIncludingEdges) {
  for (double lat : {-90.0, -89.999, -45.0, 0.0, 33.3, 89.999, 90.0})
    for (double lon : {-180.0, -179.999, -10.0, 0.0, 125.67, 179.999})
      for (double h : {-100.0, 0.0, 50e3, 4000e3}) {
        const Geodetic g = Geodetic::from_deg(lat, lon, h);
        const Geodetic back = to_geodetic(to_ecef(g));
        EXPECT_NEAR(back.lat_deg(), lat, 1e-9);
        if (std::abs(lat) < 90.0) {
          EXPECT_NEAR(wrap_pi(back.lon_rad - g.lon_rad), 0.0, 1e-9);
        }
        EXPECT_NEAR(back.h_m, h, 1e-6);
      }
}

TEST(Frames, EnuRoundTripAndAxes) {
  const LocalFrame frame(Geodetic::from_deg(36.0, 128.2, 680.0));
  // Up is along the ellipsoid normal: a point 1 km above the origin is at ENU (0, 0, 1000).
  const Enu up = frame.to_enu(to_ecef(Geodetic::from_deg(36.0, 128.2, 1680.0)));
  EXPECT_NEAR(up.r_m.x(), 0.0, 1e-6);
  EXPECT_NEAR(up.r_m.y(), 0.0, 1e-6);
  EXPECT_NEAR(up.r_m.z(), 1000.0, 1e-6);
  // A point slightly north has positive north, east ~0.
  const Enu north = frame.to_enu(to_ecef(Geodetic::from_deg(36.01, 128.2, 680.0)));
  EXPECT_GT(north.r_m.y(), 1100.0);
  EXPECT_NEAR(north.r_m.x(), 0.0, 1e-6);
  const Ecef p = to_ecef(Geodetic::from_deg(40.0, 140.0, 300e3));
  EXPECT_NEAR((frame.to_ecef(frame.to_enu(p)).r_m - p.r_m).norm(), 0.0, 1e-6);
  // Rotation is orthonormal.
  EXPECT_NEAR((frame.ecef_from_enu() * frame.enu_from_ecef() - Mat3::Identity()).norm(), 0, 1e-12);
}

TEST(Frames, RangeAzElRoundTripAndQuadrants) {
  EXPECT_NEAR(to_range_az_el(Enu{Vec3(1, 0, 0)}).az_rad, M_PI / 2, 1e-12);
  EXPECT_NEAR(to_range_az_el(Enu{Vec3(0, -1, 0)}).az_rad, M_PI, 1e-12);
  EXPECT_NEAR(to_range_az_el(Enu{Vec3(-1, 0, 0)}).az_rad, 1.5 * M_PI, 1e-12);
  EXPECT_NEAR(to_range_az_el(Enu{Vec3(0, 0, 5)}).el_rad, M_PI / 2, 1e-12);
  for (double az : {0.0, 0.3, 3.0, 6.2})
    for (double el : {-0.2, 0.0, 0.7, 1.5}) {
      const RangeAzEl rae{1234.5, az, el};
      const RangeAzEl back = to_range_az_el(to_enu(rae));
      EXPECT_NEAR(back.range_m, 1234.5, 1e-9);
      EXPECT_NEAR(wrap_pi(back.az_rad - az), 0.0, 1e-12);
      EXPECT_NEAR(back.el_rad, el, 1e-12);
    }
}

TEST(Angles, WrapEdges) {
  EXPECT_DOUBLE_EQ(wrap_pi(0.0), 0.0);
  EXPECT_DOUBLE_EQ(wrap_pi(M_PI), M_PI);
  EXPECT_DOUBLE_EQ(wrap_pi(-M_PI), M_PI);  // (-pi, pi]
  EXPECT_NEAR(wrap_pi(3 * M_PI), M_PI, 1e-12);
  EXPECT_NEAR(wrap_pi(2 * M_PI - 0.1), -0.1, 1e-12);
  EXPECT_NEAR(wrap_pi(-2 * M_PI + 0.1), 0.1, 1e-12);
  EXPECT_DOUBLE_EQ(wrap_two_pi(-0.0), 0.0);
  EXPECT_NEAR(wrap_two_pi(-0.1), 2 * M_PI - 0.1, 1e-12);
  EXPECT_NEAR(wrap_two_pi(2 * M_PI), 0.0, 1e-12);
}

TEST(Frames, GeodesicMatchesKnownDistance) {
  // JFK to LHR per GeographicLib's documentation: 5551.76 km, initial azimuth 51.198 deg.
  const auto path =
      geodesic_inverse(Geodetic::from_deg(40.6, -73.8), Geodetic::from_deg(51.6, -0.5));
  EXPECT_NEAR(path.distance_m, 5551759.4, 1.0);
  EXPECT_NEAR(rad_to_deg(path.azimuth_rad), 51.198883, 1e-5);
  const Geodetic end =
      geodesic_direct(Geodetic::from_deg(40.6, -73.8), path.azimuth_rad, path.distance_m);
  EXPECT_NEAR(end.lat_deg(), 51.6, 1e-9);
  EXPECT_NEAR(end.lon_deg(), -0.5, 1e-9);
}

TEST(Eci, RoundTripAndRotatingFrameVelocity) {
  const EcefState fixed{to_ecef(Geodetic::from_deg(39.2, 125.7, 0)).r_m, Vec3::Zero()};
  for (double theta : {0.0, 1.0, 4.0}) {
    const EciState inertial = to_eci(fixed, theta);
    // A point at rest on the Earth moves at omega * distance from the axis in ECI.
    const double axis_dist = std::hypot(fixed.r_m.x(), fixed.r_m.y());
    EXPECT_NEAR(inertial.v_mps.norm(), wgs84::omega_radps() * axis_dist, 1e-9);
    EXPECT_NEAR(inertial.r_m.norm(), fixed.r_m.norm(), 1e-6);
    const EcefState back = to_ecef(inertial, theta);
    EXPECT_NEAR((back.r_m - fixed.r_m).norm(), 0.0, 1e-6);
    EXPECT_NEAR(back.v_mps.norm(), 0.0, 1e-9);
  }
  // A quarter turn moves +x to +y.
  const EciState q = to_eci(EcefState{Vec3(1e7, 0, 0), Vec3::Zero()}, M_PI / 2);
  EXPECT_NEAR(q.r_m.y(), 1e7, 1e-6);
}

TEST(Wgs84, ConstantsFromTheAuthority) {
  EXPECT_DOUBLE_EQ(wgs84::a_m(), 6378137.0);
  EXPECT_DOUBLE_EQ(wgs84::gm_m3ps2(), 3986004.418e8);
  EXPECT_NEAR(wgs84::j2(), 1.08263e-3, 1e-8);
}
