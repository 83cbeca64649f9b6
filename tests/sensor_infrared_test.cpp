#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

#include "flight/shaping.hpp"
#include "geo/angles.hpp"
#include "geo/wgs84.hpp"
#include "sensor/infrared.hpp"

using namespace trilink;
using namespace trilink::sensor;
using geo::deg_to_rad;

namespace {

const geo::UtcTime epoch = *geo::parse_utc("2017-11-28T18:17:00Z");

IrSatelliteParams geo_params(double lon_deg) {
  IrSatelliteParams p;
  p.name = "GEO";
  p.orbit.semi_major_axis_m = 42166.2e3;
  p.orbit.node_lon_rad = deg_to_rad(lon_deg);
  p.orbit.epoch = epoch;
  p.frame_s = 2.0;
  p.sigma_rad = 20e-6;
  p.pd = 1.0;
  p.cloud_top_m = 10e3;
  p.stare = geo::Geodetic::from_deg(39.0, 126.0);
  p.stare_radius_m = 500e3;
  return p;
}

IrSatelliteParams heo_params() {
  IrSatelliteParams p = geo_params(0.0);
  p.name = "HEO";
  p.orbit.semi_major_axis_m = 26562e3;
  p.orbit.eccentricity = 0.72;
  p.orbit.inclination_rad = deg_to_rad(63.4);
  p.orbit.node_lon_rad = deg_to_rad(40.0);
  p.orbit.arg_perigee_rad = deg_to_rad(270.0);
  p.orbit.mean_anomaly_rad = deg_to_rad(180.0);
  return p;
}

// A lofted ICBM from Pyongsong (F06 of public-data.md).
const flight::Shaped& f06() {
  static const flight::Shaped shaped = [] {
    flight::ShapeRequest r;
    r.site = geo::Geodetic::from_deg(39.25, 125.87);
    r.azimuth_rad = deg_to_rad(85.0);
    r.range_m = 950e3;
    r.apogee_m = 4475e3;
    r.missile_class = flight::MissileClass::icbm;
    auto s = flight::shape(r);
    EXPECT_TRUE(s.has_value());
    return *s;
  }();
  return shaped;
}

Plume plume_at(const flight::Shaped& s, double t_s) {
  const auto e = s.flight.trajectory.ecef_at(t_s);
  const double h = geo::to_geodetic(geo::Ecef{e.r_m}).h_m;
  return Plume{0, geo::Ecef{e.r_m}, h, s.plan.thrusting(t_s)};
}

}  // namespace

TEST(InfraredOrbit, GeostationaryStaysOverItsLongitudeForADay) {
  const Orbit orbit(geo_params(150.0).orbit);
  for (double t = 0.0; t <= 86400.0; t += 3600.0) {
    const auto g = geo::to_geodetic(geo::Ecef{orbit.ecef_at(epoch.plus_seconds(t)).r_m});
    EXPECT_NEAR(g.lon_deg(), 150.0, 0.02) << "t " << t;
    EXPECT_NEAR(g.lat_deg(), 0.0, 1e-9);
    EXPECT_NEAR(g.h_m, 42166.2e3 - geo::wgs84::a_m(), 1.0);
  }
}

TEST(InfraredOrbit, MolniyaPeriodApogeeAndInertialSpeed) {
  const Orbit orbit(heo_params().orbit);
  // Half a sidereal day within the J2 correction (~1e-4 relative at the critical inclination).
  EXPECT_NEAR(orbit.period_s(), 43082.0, 10.0);
  EXPECT_NEAR(orbit.apogee_radius_m() - geo::wgs84::a_m(), 39309e3, 1e3);
  // At the epoch it is at apogee: the radius and vis-viva speed of the apogee, and north.
  const auto s = orbit.eci_at(epoch);
  EXPECT_NEAR(s.r_m.norm(), orbit.apogee_radius_m(), 1.0);
  const double a = 26562e3;
  const double vis_viva = std::sqrt(geo::wgs84::gm_m3ps2() * (2.0 / s.r_m.norm() - 1.0 / a));
  EXPECT_NEAR(s.v_mps.norm(), vis_viva, 0.5);
  EXPECT_NEAR(geo::rad_to_deg(std::asin(s.r_m.z() / s.r_m.norm())), 63.4, 1e-6);
  // Half a period later, the perigee.
  const auto p = orbit.eci_at(epoch.plus_seconds(orbit.period_s() / 2));
  EXPECT_NEAR(p.r_m.norm(), orbit.perigee_radius_m(), 50.0);  // J2 moves the perigee slightly
  // Off the solver's fixed points: an eighth of a period on, the eccentric anomaly read back
  // from the radius (r = a (1 - e cos E), the sign of sin E from r.v) satisfies Kepler's
  // equation E - e sin E = M0 + n t (a wrong solution of it puts the satellite elsewhere).
  const double ecc = orbit.elements().eccentricity;
  const double t = orbit.period_s() / 8.0;
  const auto q = orbit.eci_at(epoch.plus_seconds(t));
  const double cos_e = (1.0 - q.r_m.norm() / a) / ecc;
  const double big_e = std::copysign(std::acos(std::clamp(cos_e, -1.0, 1.0)), q.r_m.dot(q.v_mps));
  const double m =
      orbit.elements().mean_anomaly_rad + 2.0 * std::numbers::pi * t / orbit.period_s();
  EXPECT_NEAR(std::remainder(big_e - ecc * std::sin(big_e) - m, 2.0 * std::numbers::pi), 0.0, 1e-3);
}

TEST(InfraredOrbit, J2TurnsTheNodeAtTheTextbookRate) {
  // A 98 deg sun-synchronous-like circular orbit at 800 km precesses ~ +0.99 deg/day.
  IrSatelliteParams p = geo_params(0.0);
  p.orbit.semi_major_axis_m = geo::wgs84::a_m() + 800e3;
  p.orbit.inclination_rad = deg_to_rad(98.6);
  const Orbit orbit(p.orbit);
  const auto node_of = [&](geo::UtcTime t) {
    const auto s = orbit.eci_at(t);
    const geo::Vec3 h = s.r_m.cross(s.v_mps);
    return std::atan2(h.x(), -h.y());
  };
  const double day =
      geo::rad_to_deg(geo::wrap_pi(node_of(epoch.plus_seconds(86400.0)) - node_of(epoch)));
  EXPECT_NEAR(day, 0.9856, 0.02);
}

TEST(InfraredSensor, ValidationNamesTheField) {
  IrSatelliteParams p = heo_params();
  EXPECT_TRUE(validate(p));
  p.orbit.eccentricity = 1.0;
  EXPECT_EQ(validate(p).error().where, "orbit.eccentricity");
  p = heo_params();
  p.orbit.eccentricity = 0.76;  // perigee ~ -13 km
  EXPECT_EQ(validate(p).error().where, "orbit.perigee");
  p = heo_params();
  p.orbit.inclination_rad = deg_to_rad(181.0);
  EXPECT_EQ(validate(p).error().where, "orbit.inclination_rad");
  p = heo_params();
  p.sigma_rad = std::nan("");
  EXPECT_EQ(validate(p).error().where, "sigma_rad");
}

TEST(InfraredSensor, FocalPlaneRoundTrip) {
  const geo::Vec3 sat = Orbit(heo_params().orbit).ecef_at(epoch).r_m;
  const geo::Vec3 target = geo::to_ecef(geo::Geodetic::from_deg(39.0, 126.0, 20e3)).r_m;
  const geo::Vec3 u = (target - sat).normalized();
  double a = 0, b = 0;
  to_focal_plane(sat, u, a, b);
  EXPECT_LT((line_of_sight(sat, a, b) - u).norm(), 1e-12);
  // Nadir is (0, 0).
  to_focal_plane(sat, -sat.normalized(), a, b);
  EXPECT_NEAR(a, 0.0, 1e-15);
  EXPECT_NEAR(b, 0.0, 1e-15);
}

TEST(InfraredSensor, LimbHidesTheFarSide) {
  const geo::Vec3 sat = Orbit(geo_params(150.0).orbit).ecef_at(epoch).r_m;
  const auto at = [](double lat, double lon, double h) {
    return geo::to_ecef(geo::Geodetic::from_deg(lat, lon, h)).r_m;
  };
  EXPECT_TRUE(clear_of_earth(sat, at(39.0, 126.0, 15e3)));
  EXPECT_FALSE(clear_of_earth(sat, at(0.0, -30.0, 15e3)));  // the far side
  // Just beyond the limb seen from GEO (81 deg of arc, and 4 more for 15 km): hidden at 15 km, seen
  // far higher.
  EXPECT_FALSE(clear_of_earth(sat, at(0.0, 150.0 - 88.0, 15e3)));
  EXPECT_TRUE(clear_of_earth(sat, at(0.0, 150.0 - 88.0, 1500e3)));
}

TEST(InfraredSensor, PlumeOfARealFlight) {
  const auto& s = f06();
  const auto& traj = s.flight.trajectory;
  IrSatellite sat(geo_params(150.0), 0, 1);
  const geo::UtcTime launch = epoch;
  double first_seen = -1.0;
  for (double t = 0.0; t < traj.impact_s; t += 0.5) {
    const Plume p = plume_at(s, t);
    const bool seen = sat.sees(launch.plus_seconds(t), p);
    if (p.height_m < 10e3) {
      EXPECT_FALSE(seen) << "below the cloud top at " << t;
    }
    if (t >= traj.burnout_s) {
      EXPECT_FALSE(seen) << "after burnout at " << t;
    }
    if (seen && first_seen < 0.0) first_seen = t;
  }
  ASSERT_GT(first_seen, 0.0);
  EXPECT_GE(plume_at(s, first_seen).height_m, 10e3);
  EXPECT_LT(plume_at(s, first_seen - 0.5).height_m, 10e3 + 1e3);
  // The same flight from a GEO over the Atlantic is behind the limb the whole boost.
  IrSatellite far(geo_params(-30.0), 1, 1);
  for (double t = 0.0; t < traj.burnout_s; t += 1.0)
    EXPECT_FALSE(far.sees(launch.plus_seconds(t), plume_at(s, t)));
  // Nothing after burnout in the frames either, and truth ids on every plot.
  IrSatelliteParams quiet = geo_params(150.0);
  IrSatellite framed(quiet, 2, 7);
  std::size_t plots = 0;
  for (geo::UtcTime t = framed.first_frame(launch); t.seconds_since(launch) < traj.impact_s;
       t = t.plus_seconds(quiet.frame_s)) {
    const Plume p = plume_at(s, t.seconds_since(launch));
    for (const auto& plot : framed.frame(t, std::span<const Plume>(&p, 1))) {
      EXPECT_EQ(plot.truth_id, 0);
      EXPECT_LT(t.seconds_since(launch), traj.burnout_s);
      ++plots;
    }
  }
  EXPECT_GT(plots, 20u);
}

TEST(InfraredSensor, AngleNoiseStatistics) {
  IrSatelliteParams p = geo_params(150.0);
  p.sigma_rad = 30e-6;
  IrSatellite sat(p, 3, 11);
  const Plume plume{0, geo::to_ecef(geo::Geodetic::from_deg(39.0, 126.0, 30e3)), 30e3, true};
  const geo::Vec3 r = sat.orbit().ecef_at(epoch).r_m;
  double a0 = 0, b0 = 0;
  to_focal_plane(r, (plume.position.r_m - r).normalized(), a0, b0);
  const int n = 4000;
  double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
  for (int k = 0; k < n; ++k) {
    const auto plots = sat.frame(epoch, std::span<const Plume>(&plume, 1));
    ASSERT_EQ(plots.size(), 1u);
    const double da = plots[0].alpha_rad - a0, db = plots[0].beta_rad - b0;
    sa += da, sb += db, saa += da * da, sbb += db * db, sab += da * db;
  }
  const double sigma = p.sigma_rad;
  EXPECT_NEAR(sa / n, 0.0, 4.0 * sigma / std::sqrt(n));
  EXPECT_NEAR(sb / n, 0.0, 4.0 * sigma / std::sqrt(n));
  // Sample standard deviation within ~4 sigma of its own spread (sigma / sqrt(2n)).
  EXPECT_NEAR(std::sqrt(saa / n), sigma, 4.0 * sigma / std::sqrt(2.0 * n));
  EXPECT_NEAR(std::sqrt(sbb / n), sigma, 4.0 * sigma / std::sqrt(2.0 * n));
  EXPECT_NEAR(sab / n / (sigma * sigma), 0.0, 4.0 / std::sqrt(n));
}

TEST(InfraredSensor, DetectionProbabilityAndFalseAlarms) {
  IrSatelliteParams p = geo_params(150.0);
  p.pd = 0.8;
  p.false_alarms_per_frame = 0.5;
  IrSatellite sat(p, 4, 5);
  const Plume plume{0, geo::to_ecef(geo::Geodetic::from_deg(39.0, 126.0, 30e3)), 30e3, true};
  const int n = 4000;
  int hits = 0, false_alarms = 0;
  const geo::Vec3 stare = geo::to_ecef(p.stare).r_m;
  for (int k = 0; k < n; ++k)
    for (const auto& plot : sat.frame(epoch, std::span<const Plume>(&plume, 1))) {
      if (plot.truth_id == 0) {
        ++hits;
        continue;
      }
      ++false_alarms;
      // Inside the stare area's cone.
      const geo::Vec3 u = line_of_sight(plot.satellite_ecef_m, plot.alpha_rad, plot.beta_rad);
      const geo::Vec3 to = stare - plot.satellite_ecef_m;
      EXPECT_LE(std::acos(std::clamp(u.dot(to.normalized()), -1.0, 1.0)),
                p.stare_radius_m / to.norm() * 1.0001);
    }
  EXPECT_NEAR(hits / double(n), 0.8, 4.0 * std::sqrt(0.8 * 0.2 / n));
  EXPECT_NEAR(false_alarms / double(n), 0.5, 4.0 * std::sqrt(0.5 / n));
}
