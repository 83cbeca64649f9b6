#include <gtest/gtest.h>
#include <GeographicLib/NormalGravity.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numbers>
#include <string>

#include "flight/flight.hpp"
#include "flight/gravity.hpp"
#include "geo/angles.hpp"
#include "geo/eci.hpp"
#include "geo/wgs84.hpp"

using namespace trilink::flight;
using namespace trilink::geo;

namespace {

constexpr double pi = std::numbers::pi;

// A measured figure for RecordProperty (shown in the test's XML output).
std::string sci(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", x);
  return buf;
}

// Two-body vacuum flight over a non-rotating Earth: the conditions of Kepler's problem.
FlightOptions vacuum() {
  FlightOptions o;
  o.earth_rotation = false;
  o.j2 = false;
  o.drag = false;
  return o;
}

double specific_energy(const Vec3& r, const Vec3& v) {
  return 0.5 * v.squaredNorm() - wgs84::gm_m3ps2() / r.norm();
}

// A state at a geodetic point with a velocity given by speed, azimuth and elevation in the
// local ENU frame (non-rotating case: inertial = ECEF at t = 0).
EciState state_at(const Geodetic& where, double speed_mps, double az_rad, double el_rad) {
  const LocalFrame frame(where);
  const Vec3 v_enu(speed_mps * std::cos(el_rad) * std::sin(az_rad),
                   speed_mps * std::cos(el_rad) * std::cos(az_rad), speed_mps * std::sin(el_rad));
  return EciState{frame.origin_ecef().r_m, frame.ecef_vector(v_enu)};
}

// Kepler's problem for a lob from and back to radius r_m (both in the equatorial plane):
// from the vis-viva energy and the angular momentum, the semi-major axis and eccentricity;
// the launch and the return are at eccentric anomalies E0 and 2 pi - E0, symmetric about
// apoapsis, and Kepler's equation M = E - e sin E gives the time between them
// (Vallado, "Fundamentals of Astrodynamics and Applications", 4th ed., §2.2-2.3).
struct KeplerLob {
  double time_of_flight_s;
  double apoapsis_radius_m;
  double range_angle_rad;  // central angle between launch and return
};

KeplerLob kepler_lob(const Vec3& r, const Vec3& v) {
  const double mu = wgs84::gm_m3ps2();
  const double rn = r.norm();
  const double a = -mu / (2.0 * specific_energy(r, v));
  const double h = r.cross(v).norm();
  const double e = std::sqrt(1.0 - h * h / (mu * a));
  const double cos_e0 = (1.0 - rn / a) / e;
  const double e0 = std::acos(cos_e0);  // in (0, pi): rising, before apoapsis
  const double n = std::sqrt(mu / (a * a * a));
  const double m0 = e0 - e * std::sin(e0);
  const double m1 = (2.0 * pi - e0) - e * std::sin(2.0 * pi - e0);
  // True anomaly at launch, from the eccentric one; the return is at 2 pi - nu0.
  const double nu0 = 2.0 * std::atan(std::sqrt((1.0 + e) / (1.0 - e)) * std::tan(e0 / 2.0));
  return {(m1 - m0) / n, a * (1.0 + e), 2.0 * (pi - nu0)};
}

// On the equator, at longitude 0, height 0 (r = a, z = 0), with a velocity in the
// equatorial plane at elevation gamma, heading east. Ellipsoidal height 0 <=> r = a there.
EciState equatorial_lob(double speed_mps, double gamma_rad) {
  const Vec3 r(wgs84::a_m(), 0.0, 0.0);
  const Vec3 v(speed_mps * std::sin(gamma_rad), speed_mps * std::cos(gamma_rad), 0.0);
  return EciState{r, v};
}

FlightPlan irbm_standard_plan() {
  // F04-like standard (minimum-energy-like) IRBM shot from Sunan, full burn.
  FlightPlan plan;
  plan.site = Geodetic::from_deg(39.22, 125.67);
  plan.azimuth_rad = deg_to_rad(70.0);
  plan.vehicle = notional_vehicle(MissileClass::irbm);
  plan.end_pitch_rad = deg_to_rad(18.0);
  return plan;
}

FlightPlan icbm_lofted_plan() {
  FlightPlan plan;
  plan.site = Geodetic::from_deg(39.22, 125.67);
  plan.azimuth_rad = deg_to_rad(80.0);
  plan.vehicle = notional_vehicle(MissileClass::icbm);
  plan.end_pitch_rad = deg_to_rad(77.0);
  return plan;
}

}  // namespace

TEST(Coast, VacuumEnergyIsConserved) {
  // Two-body vacuum arc from 100 km at 5 km/s, 45 deg up: 1/2 v^2 - mu/r is a constant of
  // the motion. DOPRI5 at rtol 1e-10: tolerance 1e-10 relative at every accepted step
  // (measured 6.4e-12), 1e-8 at the Hermite-interpolated midpoints (measured 1.6e-9).
  const Geodetic site = Geodetic::from_deg(39.22, 125.67);
  const EciState start =
      state_at(Geodetic::from_deg(39.22, 125.67, 100e3), 5000.0, deg_to_rad(80.0), pi / 4);
  const Flight f = coast(site, start, 0.0, vacuum());
  const Trajectory& t = f.trajectory;
  ASSERT_TRUE(t.impacted);
  ASSERT_GT(t.samples.size(), 10u);
  const double e0 = specific_energy(start.r_m, start.v_mps);
  const auto drift = [&](const Vec3& r, const Vec3& v) {
    return std::abs(specific_energy(r, v) / e0 - 1.0);
  };
  // Every accepted step; the last sample is the impact, interpolated inside the last step
  // (tested on its own below).
  double worst = 0.0, worst_midpoint = 0.0;
  for (std::size_t i = 0; i + 1 < t.samples.size(); ++i) {
    worst = std::max(worst, drift(t.samples[i].r_m, t.samples[i].v_mps));
    if (i + 2 < t.samples.size()) {
      const EciState m = t.inertial_at(0.5 * (t.samples[i].t_s + t.samples[i + 1].t_s));
      worst_midpoint = std::max(worst_midpoint, drift(m.r_m, m.v_mps));
    }
  }
  EXPECT_LT(worst, 1e-10);
  EXPECT_LT(worst_midpoint, 1e-8);
  RecordProperty("energy_drift_steps", sci(worst));
  RecordProperty("energy_drift_midpoints", sci(worst_midpoint));
}

TEST(Coast, VacuumLobMatchesKeplersEquation) {
  // Lobs from the equator in its plane (so the ellipsoid height is r - a exactly), point-mass
  // gravity, no rotation, no drag: Kepler's equation gives the time of flight, the apoapsis
  // and the central angle in closed form. The issue asks for 0.5 %; the integrator and the
  // impact search do far better. Tolerances: time of flight 1e-7 relative (measured worst
  // 2.4e-8, the short lob), apogee 1 cm (measured 1 mm), range 10 cm (measured 2 cm), apogee
  // time = half the flight time within 1 ms (measured 0.12 ms).
  struct Case {
    double speed_mps, gamma_deg;  // 500 km lob, 3200 km, lofted to 4300 km
  };
  for (const Case c : {Case{2200.0, 45.0}, Case{5000.0, 40.0}, Case{7200.0, 75.0}}) {
    SCOPED_TRACE(testing::Message() << c.speed_mps << " m/s " << c.gamma_deg << " deg");
    const EciState start = equatorial_lob(c.speed_mps, deg_to_rad(c.gamma_deg));
    const KeplerLob k = kepler_lob(start.r_m, start.v_mps);
    const Trajectory t = coast(Geodetic::from_deg(0.0, 0.0), start, 0.0, vacuum()).trajectory;
    ASSERT_TRUE(t.impacted);
    EXPECT_NEAR(t.impact_s / k.time_of_flight_s, 1.0, 1e-7);
    EXPECT_NEAR(t.apogee_height_m, k.apoapsis_radius_m - wgs84::a_m(), 0.01);
    EXPECT_NEAR(t.ground_range_m, k.range_angle_rad * wgs84::a_m(), 0.1);
    EXPECT_NEAR(t.apogee_s, 0.5 * k.time_of_flight_s, 1e-3);
    EXPECT_NEAR(t.impact.lat_deg(), 0.0, 1e-9);
  }
}

// The impact sample is integrated to the impact time: in this symmetric vacuum lob the impact
// speed equals the launch speed (1e-4 m/s) and the acceleration is point-mass gravity.
TEST(Coast, ImpactStateIsAccurate) {
  for (const double gamma_deg : {45.0, 75.0}) {
    SCOPED_TRACE(gamma_deg);
    const EciState start = equatorial_lob(5000.0, deg_to_rad(gamma_deg));
    const Trajectory t = coast(Geodetic::from_deg(0.0, 0.0), start, 0.0, vacuum()).trajectory;
    ASSERT_TRUE(t.impacted);
    EXPECT_NEAR(t.impact_speed_mps, 5000.0, 1e-4);
    const Sample& last = t.samples.back();
    EXPECT_NEAR(last.v_mps.norm(), 5000.0, 1e-4);
    EXPECT_LT((last.a_mps2 - gravity_point_mass(last.r_m)).norm(), 1e-6);
  }
}

TEST(Coast, J2RaisesApogeeNorthOfItsNodeAndLowersItAtTheEquator) {
  // The J2 radial term scales gravity by 1 - 3/2 J2 (a/r)^2 (3 sin^2(phi) - 1): stronger at
  // the equator (by 1.6e-3), weaker north of 35.3 deg. So an equatorial lob peaks lower with
  // J2, and the same lob from 39 N higher; by 1e-4 to 3e-3 relative - measurable but small.
  // Measured: -1.6e-3 at the equator, +3.2e-4 at 39.2 N.
  FlightOptions with_j2 = vacuum();
  with_j2.j2 = true;
  const EciState equatorial = equatorial_lob(2200.0, pi / 4);
  const double eq_with = coast(Geodetic{}, equatorial, 0.0, with_j2).trajectory.apogee_height_m;
  const double eq_without = coast(Geodetic{}, equatorial, 0.0, vacuum()).trajectory.apogee_height_m;
  const Geodetic north = Geodetic::from_deg(39.22, 125.67);
  const EciState northern = state_at(north, 2200.0, deg_to_rad(80.0), pi / 4);
  const double n_with = coast(north, northern, 0.0, with_j2).trajectory.apogee_height_m;
  const double n_without = coast(north, northern, 0.0, vacuum()).trajectory.apogee_height_m;
  EXPECT_LT(eq_with / eq_without - 1.0, -1e-4);
  EXPECT_GT(eq_with / eq_without - 1.0, -3e-3);
  EXPECT_GT(n_with / n_without - 1.0, 1e-4);
  EXPECT_LT(n_with / n_without - 1.0, 3e-3);
}

TEST(Fly, J2ChangesAPoweredFlightLittle) {
  // Full flights (rotation, drag) with and without J2: apogee within 0.3 % and above 1e-4
  // (measured +6.3e-4 IRBM, +7.6e-4 ICBM lofted), so J2 is on and small.
  for (const FlightPlan& plan : {irbm_standard_plan(), icbm_lofted_plan()}) {
    SCOPED_TRACE(to_string(plan.vehicle.missile_class));
    FlightOptions no_j2;
    no_j2.j2 = false;
    const Trajectory with = fly(plan).trajectory;
    const Trajectory without = fly(plan, no_j2).trajectory;
    ASSERT_TRUE(with.impacted);
    ASSERT_TRUE(without.impacted);
    const double rel = with.apogee_height_m / without.apogee_height_m - 1.0;
    EXPECT_GT(rel, 1e-4);
    EXPECT_LT(rel, 3e-3);
  }
}

TEST(Coast, VerticalShotLandsWestByTheCoriolisDeflection) {
  // Thrown straight up at v0 from 39.22 N over the rotating Earth (no drag), an object lands
  // west of where it left by (4/3) omega cos(phi) v0^3 / g^2 (Landau & Lifshitz, Mechanics,
  // §39, problem 1). g is WGS84 normal gravity at that latitude (GeographicLib). The formula
  // holds for a uniform field: tolerance 1 % up to 500 m/s (apex 13 km; measured 0.1 % and
  // 0.25 %); at 2000 m/s (apex 200 km, g falls 6 %) only the direction is checked. North-south
  // drift below 1 % of the westward one.
  const Geodetic site = Geodetic::from_deg(39.22, 125.67);
  const LocalFrame frame(site);
  const double g = GeographicLib::NormalGravity::WGS84().SurfaceGravity(site.lat_deg());
  for (const double v0 : {300.0, 500.0, 2000.0}) {
    SCOPED_TRACE(v0);
    const Vec3 r0 = frame.origin_ecef().r_m;
    const Vec3 omega(0, 0, wgs84::omega_radps());
    // Inertial state at launch: the site's own rotation plus v0 along the ellipsoid normal.
    const EciState start{r0, omega.cross(r0) + frame.ecef_vector(Vec3(0, 0, v0))};
    FlightOptions o;
    o.drag = false;
    const Trajectory t = coast(site, start, 0.0, o).trajectory;
    ASSERT_TRUE(t.impacted);
    const Vec3 enu = frame.to_enu(to_ecef(t.impact)).r_m;
    const double west = -enu.x();
    const double predicted =
        4.0 / 3.0 * wgs84::omega_radps() * std::cos(site.lat_rad) * v0 * v0 * v0 / (g * g);
    EXPECT_GT(west, 0.0);
    EXPECT_LT(std::abs(enu.y()), 0.01 * west);
    if (v0 <= 500.0) {
      EXPECT_NEAR(west / predicted, 1.0, 1e-2);
    }
  }
}

TEST(Fly, InterpolationMatchesARunEndingThere) {
  // ecef_at(t) between samples (cubic Hermite) against the state of a second run stopped by
  // max_flight_s exactly at t (a sample there), over boost, midcourse and re-entry of an IRBM
  // with rotation and drag. Tolerances 0.1 m and 0.01 m/s (the issue asks < 1 m); measured
  // worst 0.034 m and 0.002 m/s, in the boost.
  const FlightPlan plan = irbm_standard_plan();
  const Trajectory ta = fly(plan).trajectory;
  ASSERT_TRUE(ta.impacted);
  int checked = 0;
  for (std::size_t i = 1; i + 1 < ta.samples.size(); i += 7) {
    const double t = 0.5 * (ta.samples[i].t_s + ta.samples[i + 1].t_s);
    SCOPED_TRACE(t);
    FlightOptions o;
    o.max_flight_s = t;
    const Trajectory tb = fly(plan, o).trajectory;
    ASSERT_DOUBLE_EQ(tb.end_s(), t);
    const EcefState sa = ta.ecef_at(t);
    const EcefState sb = tb.ecef_at(t);
    EXPECT_LT((sa.r_m - sb.r_m).norm(), 0.1);
    EXPECT_LT((sa.v_mps - sb.v_mps).norm(), 0.01);
    ++checked;
  }
  EXPECT_GT(checked, 20);
}

TEST(Fly, ThrustFollowsTheStagedMassAndStopsAtBurnout) {
  // Vacuum, no rotation: the recorded acceleration minus gravity is the thrust acceleration,
  // T_k / m(t) with m(t) = payload + the stages not yet dropped - mdot_k (t - t_k), stage k
  // burning. Checked at every boost sample off the event times, 1e-9 relative; zero (1e-9
  // m/s^2) after burnout.
  FlightPlan plan = icbm_lofted_plan();
  const Vehicle& v = plan.vehicle;
  const auto thrust_accel = [&](double t) {
    double start = 0.0;
    for (std::size_t k = 0; k < v.stages.size(); ++k) {
      const double end = start + v.stages[k].burn_time_s();
      if (t < end) {
        double mass = v.payload_kg;
        for (std::size_t j = k; j < v.stages.size(); ++j)
          mass += v.stages[j].dry_kg + v.stages[j].propellant_kg;
        mass -= v.stages[k].mass_flow_kgps() * (t - start);
        return v.stages[k].thrust_n / mass;
      }
      start = end;
    }
    return 0.0;
  };
  for (const double cutoff : {std::numeric_limits<double>::infinity(), 150.0}) {
    SCOPED_TRACE(cutoff);
    plan.cutoff_s = cutoff;
    const Flight f = fly(plan, vacuum());
    const Trajectory& t = f.trajectory;
    ASSERT_TRUE(t.impacted);
    // Without a cut-off the burn goes to depletion: burnout is the sum of the stage burns.
    EXPECT_DOUBLE_EQ(t.burnout_s, std::min(cutoff, v.total_burn_time_s()));
    int boost_samples = 0;
    for (std::size_t i = 0; i < t.samples.size(); ++i) {
      const Sample& s = t.samples[i];
      const double a_thrust = (s.a_mps2 - gravity_point_mass(s.r_m)).norm();
      if (s.t_s > t.burnout_s) {
        EXPECT_LT(a_thrust, 1e-9) << s.t_s;
        continue;
      }
      bool at_event = std::abs(s.t_s - t.burnout_s) < 1e-6;
      double end = 0.0;
      for (const Stage& st : v.stages) {
        end += st.burn_time_s();
        at_event = at_event || std::abs(s.t_s - end) < 1e-6;
      }
      if (at_event) continue;
      EXPECT_NEAR(a_thrust / thrust_accel(s.t_s), 1.0, 1e-9) << s.t_s;
      ++boost_samples;
    }
    EXPECT_GT(boost_samples, 20);
    // The burnout event records the Earth-relative speed and height there (no rotation:
    // inertial speed), 1e-6 m/s and 1e-3 m.
    EXPECT_NEAR(t.burnout_speed_mps, t.ecef_at(t.burnout_s).v_mps.norm(), 1e-6);
    EXPECT_NEAR(t.burnout_height_m, t.geodetic_at(t.burnout_s).h_m, 1e-3);
    EXPECT_GT(t.burnout_speed_mps, 1000.0);
  }
}

TEST(Fly, PhasesFollowTheEvents) {
  const Trajectory t = fly(irbm_standard_plan()).trajectory;
  ASSERT_TRUE(t.impacted);
  EXPECT_EQ(t.phase_at(0.5 * t.burnout_s), Phase::boost);
  EXPECT_EQ(t.phase_at(t.apogee_s), Phase::midcourse);
  EXPECT_EQ(t.phase_at(t.impact_s - 1.0), Phase::terminal);
  EXPECT_LT(t.burnout_s, t.apogee_s);
  EXPECT_LT(t.apogee_s, t.impact_s);
  EXPECT_NEAR(t.geodetic_at(t.impact_s).h_m, 0.0, 1.0);
}
