#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <iostream>
#include <limits>
#include <optional>
#include <ostream>
#include <string>

#include "flight/shaping.hpp"
#include "geo/angles.hpp"
#include "geo/wgs84.hpp"

using namespace trilink;
using namespace trilink::flight;
using namespace trilink::geo;

namespace {

// A publicly reported flight (reference/public-data.md §1) with its launch area (§2) and the
// launch azimuth we give it (towards where it fell). Flight times, where given, are the
// publicly reported ones quoted in the issue (Japan Ministry of Defense releases).
struct PublicFlight {
  const char* id;
  double lat_deg, lon_deg, azimuth_deg;
  MissileClass missile_class;
  double apogee_km, range_km;
  double flight_min;  // 0: not reported
};

// Names the parameter in test listings (ctest shows "GetParam() = F07").
void PrintTo(const PublicFlight& f, std::ostream* os) {
  *os << f.id;
}

// Reported figures; F12 uses 600 km between the two reported ranges (430 and 690).
const PublicFlight public_flights[] = {
    {"F01", 39.98, 125.25, 95, MissileClass::irbm, 2111.5, 787, 0},
    {"F02", 39.93, 125.21, 90, MissileClass::icbm, 2802, 933, 0},
    {"F03", 40.6, 126.4, 80, MissileClass::icbm, 3724.9, 998, 0},
    {"F04", 39.22, 125.67, 70, MissileClass::irbm, 550, 2700, 0},
    {"F05", 39.22, 125.67, 72, MissileClass::irbm, 770, 3700, 0},
    {"F06", 39.25, 125.87, 85, MissileClass::icbm, 4475, 950, 53},
    {"F07", 39.22, 125.67, 80, MissileClass::icbm, 6248.5, 1090, 71},
    {"F08", 40.6, 126.4, 85, MissileClass::irbm, 970, 4500, 0},
    {"F09", 39.22, 125.67, 83, MissileClass::icbm, 6040.9, 999.2, 69},
    {"F10", 39.03, 125.75, 78, MissileClass::icbm, 6648.4, 1001.2, 74},
    {"F11", 39.03, 125.75, 78, MissileClass::icbm, 7687.5, 1001.2, 86},
    {"F12", 39.16, 127.48, 80, MissileClass::srbm, 50, 600, 0},
    {"F13", 38.43, 125.03, 80, MissileClass::srbm, 37, 450, 0},
    {"F14", 39.2, 126.6, 95, MissileClass::srbm, 60, 800, 0},
};

// Hour-long lofted flights whose impact azimuth the shaper does not bring to the requested
// one (see AzimuthSteering below).
bool azimuth_known_off(const PublicFlight& f) {
  const std::string id = f.id;
  return id == "F07" || id == "F09" || id == "F10" || id == "F11";
}

ShapeRequest request_for(const PublicFlight& f) {
  ShapeRequest r;
  r.site = Geodetic::from_deg(f.lat_deg, f.lon_deg);
  r.azimuth_rad = deg_to_rad(f.azimuth_deg);
  r.range_m = f.range_km * 1e3;
  r.apogee_m = f.apogee_km * 1e3;
  r.missile_class = f.missile_class;
  return r;
}

double impact_azimuth_error_deg(const ShapeRequest& r, const Trajectory& t) {
  return rad_to_deg(wrap_pi(geodesic_inverse(r.site, t.impact).azimuth_rad - r.azimuth_rad));
}

std::string fixed1(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", x);
  return buf;
}

ShapeRequest profile_request(MissileClass c, double range_km, Profile p) {
  ShapeRequest r;
  r.site = Geodetic::from_deg(39.22, 125.67);  // Sunan
  r.azimuth_rad = deg_to_rad(80.0);
  r.range_m = range_km * 1e3;
  r.missile_class = c;
  r.profile = p;
  return r;
}

// Apogee height of the minimum-energy vacuum ellipse between two points on a sphere of radius
// R a central angle psi apart: a = (2R + c) / 4 with the chord c = 2R sin(psi/2) (Lambert's
// minimum-energy transfer), the empty focus at the chord's midpoint, so
//   h = R/2 (sin(psi/2) + cos(psi/2) - 1),  ~ range/4 for short ranges.
double minimum_energy_apogee_m(double range_m) {
  const double r = wgs84::mean_radius_m();
  const double half = range_m / r / 2.0;
  return r / 2.0 * (std::sin(half) + std::cos(half) - 1.0);
}

class PublicFlights : public testing::TestWithParam<PublicFlight> {};
class AzimuthSteering : public testing::TestWithParam<PublicFlight> {};

std::string flight_name(const testing::TestParamInfo<PublicFlight>& info) {
  return info.param.id;
}

}  // namespace

TEST_P(PublicFlights, ShapedFlightReproducesTheReport) {
  // The requirement: apogee and ground range within 2 % of the reported figures; the
  // impact on the requested azimuth within 0.5 deg. The shaper solves to 1e-6, so the measured
  // errors are below 1e-4 % (worst 6e-5 %, F13). Reported flight times within 5 % (measured
  // worst +1.5 %, F10).
  const PublicFlight& f = GetParam();
  const ShapeRequest r = request_for(f);
  const auto shaped = shape(r);
  ASSERT_TRUE(shaped.has_value()) << shaped.error().message();
  const Trajectory& t = shaped->flight.trajectory;
  ASSERT_TRUE(t.impacted);
  EXPECT_EQ(shaped->plan.vehicle.missile_class, f.missile_class);
  EXPECT_NEAR(t.apogee_height_m / r.apogee_m.value(), 1.0, 0.02);
  EXPECT_NEAR(t.ground_range_m / r.range_m, 1.0, 0.02);
  if (!azimuth_known_off(f)) {
    EXPECT_LT(std::abs(impact_azimuth_error_deg(r, t)), 0.5);
  }
  if (f.flight_min > 0.0) {
    EXPECT_NEAR(t.impact_s / 60.0 / f.flight_min, 1.0, 0.05);
  }
  RecordProperty("flight_min", fixed1(t.impact_s / 60.0));
  RecordProperty("burnout_s", fixed1(t.burnout_s));
  RecordProperty("max_speed_mps", fixed1(t.max_speed_mps));
  std::cout << f.id << ": flight " << fixed1(t.impact_s / 60.0) << " min, burnout "
            << fixed1(t.burnout_s) << " s, max speed " << fixed1(t.max_speed_mps)
            << " m/s, apogee error " << (t.apogee_height_m / r.apogee_m.value() - 1.0) * 100
            << " %, range error " << (t.ground_range_m / r.range_m - 1.0) * 100
            << " %, azimuth error " << impact_azimuth_error_deg(r, t) << " deg\n";
}

INSTANTIATE_TEST_SUITE_P(Shaping, PublicFlights, testing::ValuesIn(public_flights), flight_name);

// On hour-long lofted ICBM flights the Earth turns ~20 deg under the RV and the impact
// azimuth responds to the commanded one with a gain of about 2 (F10: 1.9, F11: 2.2); the
// secant steering must still put the impact on the requested azimuth (a unit-gain fixed
// point used to oscillate and stop 1.8 to 42 deg off).
TEST_P(AzimuthSteering, ImpactLiesOnTheRequestedAzimuth) {
  const PublicFlight& f = GetParam();
  const ShapeRequest r = request_for(f);
  const auto shaped = shape(r);
  ASSERT_TRUE(shaped.has_value()) << shaped.error().message();
  EXPECT_LT(std::abs(impact_azimuth_error_deg(r, shaped->flight.trajectory)), 0.01);
}

INSTANTIATE_TEST_SUITE_P(Shaping, AzimuthSteering, testing::ValuesIn(public_flights), flight_name);

TEST(Profiles, SrbmLoftedAboveMinimumEnergyAboveDepressed) {
  // Same range (400 km), three profiles: the apogees are ordered and the impact is where it
  // was asked (2 %, 0.5 deg). Depressed flies half the minimum-energy apogee when it can.
  double apogee[3] = {};
  int i = 0;
  for (const Profile p : {Profile::lofted, Profile::minimum_energy, Profile::depressed}) {
    SCOPED_TRACE(to_string(p));
    const ShapeRequest r = profile_request(MissileClass::srbm, 400.0, p);
    const auto shaped = shape(r);
    ASSERT_TRUE(shaped.has_value()) << shaped.error().message();
    const Trajectory& t = shaped->flight.trajectory;
    EXPECT_NEAR(t.ground_range_m / r.range_m, 1.0, 0.02);
    EXPECT_LT(std::abs(impact_azimuth_error_deg(r, t)), 0.5);
    apogee[i++] = t.apogee_height_m;
  }
  EXPECT_GT(apogee[0], 2.0 * apogee[1]);
  EXPECT_GT(apogee[1], 1.9 * apogee[2]);
}

// IRBM at 1500 km: depressed flies a lower apogee than minimum energy (it used to return the
// lofted solution when no flat full-burn pitch existed).
TEST(Profiles, IrbmLoftedAboveMinimumEnergyAboveDepressed) {
  double apogee[3] = {};
  int i = 0;
  for (const Profile p : {Profile::lofted, Profile::minimum_energy, Profile::depressed}) {
    SCOPED_TRACE(to_string(p));
    const auto shaped = shape(profile_request(MissileClass::irbm, 1500.0, p));
    ASSERT_TRUE(shaped.has_value()) << shaped.error().message();
    apogee[i++] = shaped->flight.trajectory.apogee_height_m;
  }
  EXPECT_GT(apogee[0], apogee[1]);
  EXPECT_GT(apogee[1], apogee[2]);
}

TEST(Profiles, MinimumEnergyApogeeNearTheVacuumEllipse) {
  // IRBM minimum-energy shots against the minimum-energy vacuum ellipse on a sphere (above):
  // the powered flight burns out ~100 km up, in air, over a rotating ellipsoid, so its apogee
  // lies a little above the ellipse's; band 1.00 to 1.10 (measured 1.047 at 1500 km, 1.023 at
  // 3500 km). For these ranges that is 0.22 to 0.25 of the range - not range/4..range/3. The
  // lofted shot to the same range peaks far higher and burns longer.
  for (const double range_km : {1500.0, 3500.0}) {
    SCOPED_TRACE(range_km);
    const ShapeRequest r = profile_request(MissileClass::irbm, range_km, Profile::minimum_energy);
    const auto shaped = shape(r);
    ASSERT_TRUE(shaped.has_value()) << shaped.error().message();
    const Trajectory& t = shaped->flight.trajectory;
    EXPECT_NEAR(t.ground_range_m / r.range_m, 1.0, 0.02);
    EXPECT_LT(std::abs(impact_azimuth_error_deg(r, t)), 0.5);
    const double ratio = t.apogee_height_m / minimum_energy_apogee_m(r.range_m);
    EXPECT_GT(ratio, 1.0);
    EXPECT_LT(ratio, 1.10);
    const auto lofted = shape(profile_request(MissileClass::irbm, range_km, Profile::lofted));
    ASSERT_TRUE(lofted.has_value()) << lofted.error().message();
    EXPECT_GT(lofted->flight.trajectory.apogee_height_m, 2.0 * t.apogee_height_m);
    EXPECT_LT(t.burnout_s, lofted->flight.trajectory.burnout_s);
  }
}

TEST(Shape, InfeasibleRequestsSayWhatAndWhy) {
  const auto has = [](const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
  };
  ShapeRequest base;
  base.site = Geodetic::from_deg(39.22, 125.67);
  base.azimuth_rad = deg_to_rad(80.0);
  {
    ShapeRequest r = base;  // an SRBM does not fly 3000 km
    r.range_m = 3000e3;
    r.missile_class = MissileClass::srbm;
    const auto s = shape(r);
    ASSERT_FALSE(s.has_value());
    EXPECT_EQ(s.error().where, "range_km");
    EXPECT_TRUE(has(s.error().what, "srbm")) << s.error().what;
  }
  {
    ShapeRequest r = base;  // nor 3000 km with a 100 km apogee: it says how far it can
    r.range_m = 3000e3;
    r.apogee_m = 100e3;
    r.missile_class = MissileClass::srbm;
    const auto s = shape(r);
    ASSERT_FALSE(s.has_value());
    EXPECT_EQ(s.error().where, "range_km");
    EXPECT_TRUE(has(s.error().what, "srbm")) << s.error().what;
    EXPECT_TRUE(has(s.error().what, "at most")) << s.error().what;
  }
  {
    ShapeRequest r = base;  // an ICBM does not climb to 20000 km
    r.range_m = 1000e3;
    r.apogee_m = 20000e3;
    r.missile_class = MissileClass::icbm;
    const auto s = shape(r);
    ASSERT_FALSE(s.has_value());
    EXPECT_EQ(s.error().where, "apogee_km");
    EXPECT_TRUE(has(s.error().what, "icbm")) << s.error().what;
  }
  {
    ShapeRequest r = base;  // no class flies 20000 km: the error is the largest class's
    r.range_m = 20000e3;
    const auto s = shape(r);
    ASSERT_FALSE(s.has_value());
    EXPECT_EQ(s.error().where, "range_km");
    EXPECT_TRUE(has(s.error().what, "icbm")) << s.error().what;
  }
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  for (const double range : {-500e3, 0.0, nan, inf}) {
    ShapeRequest r = base;
    r.range_m = range;
    const auto s = shape(r);
    ASSERT_FALSE(s.has_value()) << range;
    EXPECT_EQ(s.error().where, "range_km") << range;
    EXPECT_TRUE(has(s.error().what, "positive")) << s.error().what;
  }
  for (const double apogee : {-1.0, 0.0, nan, inf}) {
    ShapeRequest r = base;
    r.range_m = 1000e3;
    r.apogee_m = apogee;
    const auto s = shape(r);
    ASSERT_FALSE(s.has_value()) << apogee;
    EXPECT_EQ(s.error().where, "apogee_km") << apogee;
    EXPECT_TRUE(has(s.error().what, "positive")) << s.error().what;
  }
}

TEST(Shape, PicksTheSmallestClassThatCanFlyIt) {
  struct Case {
    double lat_deg, lon_deg, azimuth_deg, range_km, apogee_km;
    MissileClass expected;
  };
  const Case cases[] = {
      {38.43, 125.03, 80, 450, 37, MissileClass::srbm},        // F13
      {39.22, 125.67, 80, 1000, 2000, MissileClass::irbm},     // F01-like
      {39.03, 125.75, 78, 1001.2, 7687.5, MissileClass::icbm}  // F11
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.range_km);
    ShapeRequest r;
    r.site = Geodetic::from_deg(c.lat_deg, c.lon_deg);
    r.azimuth_rad = deg_to_rad(c.azimuth_deg);
    r.range_m = c.range_km * 1e3;
    r.apogee_m = c.apogee_km * 1e3;
    const auto shaped = shape(r);
    ASSERT_TRUE(shaped.has_value()) << shaped.error().message();
    EXPECT_EQ(shaped->plan.vehicle.missile_class, c.expected);
    EXPECT_NEAR(shaped->flight.trajectory.apogee_height_m / r.apogee_m.value(), 1.0, 0.02);
  }
}

TEST(Shape, ProfileNamesRoundTrip) {
  for (const Profile p : {Profile::minimum_energy, Profile::lofted, Profile::depressed})
    EXPECT_EQ(parse_profile(to_string(p)), p);
  EXPECT_EQ(parse_profile("standard"), Profile::minimum_energy);
  EXPECT_EQ(parse_profile("minimum_energy"), Profile::minimum_energy);
  EXPECT_EQ(parse_profile("ballistic"), std::nullopt);
  EXPECT_EQ(parse_profile(""), std::nullopt);
}
