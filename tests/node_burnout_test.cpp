// Burnout in the national pipeline (node/national_pipeline.hpp, node/national_tracker.hpp):
// a lofted ICBM (as F06, 2017-11-29: apogee 4475 km, 950 km) shaped by the flight model and
// watched through its whole boost by two Korean radars of the Green Pine and Aegis class
// (0.1 and 0.05 deg angle noise, revisits of 4 and 2 s, 300-400 km from the pad and
// thousands of km from the missile by burnout). Far and noisy: thrust x revisit^2 is below
// their angular noise for much of the boost, where the IMM's boost probability alone drifts
// towards its ballistic value. Burnout must not be declared before the true burnout, nor any
// impact prediction made before it, and it must be declared within 25 s after it.
#include <gtest/gtest.h>

#include <cmath>
#include <optional>
#include <vector>

#include "base/rng.hpp"
#include "flight/atmosphere.hpp"
#include "flight/shaping.hpp"
#include "geo/angles.hpp"
#include "geo/frames.hpp"
#include "geo/wgs84.hpp"
#include "node/national_pipeline.hpp"
#include "track/ballistic_model.hpp"
#include "track/thrust_test.hpp"

using namespace trilink;

namespace {

sensor::RadarParams radar(const char* name, double lat, double lon, double sigma_deg,
                          double revisit_s, double max_range_m) {
  sensor::RadarParams p;
  p.name = name;
  p.nation = Nation::KOR;
  p.site = geo::Geodetic::from_deg(lat, lon, 300.0);
  p.min_el_rad = geo::deg_to_rad(0.1);
  p.max_el_rad = geo::deg_to_rad(85.0);
  p.max_range_m = max_range_m;
  p.revisit_s = revisit_s;
  p.sigma_range_m = 30.0;
  p.sigma_az_rad = geo::deg_to_rad(sigma_deg);
  p.sigma_el_rad = geo::deg_to_rad(sigma_deg);
  p.bias_sigma_range_m = 10.0;
  p.bias_sigma_az_rad = geo::deg_to_rad(0.01);
  p.bias_sigma_el_rad = geo::deg_to_rad(0.01);
  return p;
}

struct Outcome {
  std::optional<double> first_burnout_s;  // any confirmed track declared past burnout
  std::optional<double> first_impact_s;   // first impact prediction made
  bool tracked = false;
};

Outcome fly(const flight::Trajectory& truth, std::uint64_t seed) {
  node::NationalPipelineConfig c;
  c.nation = Nation::KOR;
  c.radars = {radar("GreenPine-B", 36.5, 127.5, 0.1, 4.0, 4000e3),
              radar("Aegis-KOR", 37.8, 129.6, 0.05, 2.0, 4000e3)};
  c.epoch = geo::UtcTime{1'500'000'000'000'000'000};
  c.track_label = {Nation::KOR};
  node::NationalPipeline pipeline(c);
  Rng rng(seed);
  // Each radar's constant bias, drawn once.
  std::vector<geo::RangeAzEl> bias;
  for (const auto& r : c.radars)
    bias.push_back({rng.normal(0.0, r.bias_sigma_range_m), rng.normal(0.0, r.bias_sigma_az_rad),
                    rng.normal(0.0, r.bias_sigma_el_rad)});
  Outcome out;
  const double end_s = truth.burnout_s + 60.0;
  for (double t = 1.0; t <= end_s; t += 1.0) {
    for (std::uint32_t i = 0; i < c.radars.size(); ++i) {
      const sensor::RadarParams& r = c.radars[i];
      if (std::fmod(t + i, r.revisit_s) != 0.0) continue;
      const geo::LocalFrame frame(r.site);
      const geo::RangeAzEl z = geo::to_range_az_el(frame.to_enu(geo::Ecef{truth.ecef_at(t).r_m}));
      std::vector<track::Measurement> scan;
      if (z.el_rad > r.min_el_rad && z.range_m < r.max_range_m) {
        const geo::RangeAzEl plot{
            z.range_m + bias[i].range_m + rng.normal(0.0, r.sigma_range_m),
            geo::wrap_two_pi(z.az_rad + bias[i].az_rad + rng.normal(0.0, r.sigma_az_rad)),
            z.el_rad + bias[i].el_rad + rng.normal(0.0, r.sigma_el_rad)};
        scan.push_back(node::measurement_of(
            r, plot, geo::RangeAzEl{r.sigma_range_m, r.sigma_az_rad, r.sigma_el_rad}));
      }
      pipeline.on_look(i, t, scan);
    }
    const node::TickOutput tick = pipeline.tick(t);
    for (const auto& tp : tick.products)
      if (tp.products.impact && !out.first_impact_s) out.first_impact_s = t;
    for (const auto& tr : pipeline.tracker().tracks()) {
      if (tr.status != track::TrackStatus::confirmed) continue;
      if ((pipeline.tracker().estimate(tr).x.head<3>() - truth.ecef_at(t).r_m).norm() < 50e3)
        out.tracked = true;
      if (pipeline.burnt_out(tr.id) && !out.first_burnout_s) out.first_burnout_s = t;
    }
  }
  return out;
}

// A flight's truth, shaped from a launch site, azimuth, range and apogee.
flight::Trajectory shaped_truth(double lat_deg, double lon_deg, double azimuth_deg, double range_m,
                                double apogee_m, flight::MissileClass c) {
  flight::ShapeRequest r;
  r.site = geo::Geodetic::from_deg(lat_deg, lon_deg);
  r.azimuth_rad = geo::deg_to_rad(azimuth_deg);
  r.range_m = range_m;
  r.apogee_m = apogee_m;
  r.missile_class = c;
  const auto shaped = flight::shape(r);
  EXPECT_TRUE(shaped.has_value()) << shaped.error().message();
  return shaped ? shaped->flight.trajectory : flight::Trajectory{};
}

// Over three seeds: tracked, burnout declared at or after the true one and within `within_s`
// of it, no impact prediction before it.
void expect_burnout_after_the_true_one(const flight::Trajectory& truth, double within_s) {
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    SCOPED_TRACE(testing::Message() << "seed " << seed);
    const Outcome o = fly(truth, seed);
    ASSERT_TRUE(o.tracked);
    ASSERT_TRUE(o.first_burnout_s.has_value());
    EXPECT_GE(*o.first_burnout_s, truth.burnout_s);
    EXPECT_LE(*o.first_burnout_s, truth.burnout_s + within_s);
    ASSERT_TRUE(o.first_impact_s.has_value());
    EXPECT_GE(*o.first_impact_s, truth.burnout_s);
  }
}

}  // namespace

TEST(NationalPipelineBurnout, FarNoisyRadarsDeclareBurnoutOnlyAfterTheTrueOne) {
  const flight::Trajectory truth =
      shaped_truth(39.25, 125.87, 85.0, 950e3, 4475e3, flight::MissileClass::icbm);
  ASSERT_GT(truth.burnout_s, 150.0);
  expect_burnout_after_the_true_one(truth, 25.0);
}

// A depressed SRBM (F13 class: 37 km apogee, 450 km) coasts in dense air after burnout: its
// drag deceleration looks like thrust to the IMM, and the energy test's fall (drag) must
// declare burnout soon after the true one, never before.
TEST(NationalPipelineBurnout, AnSrbmCoastingInDenseAirIsPastBurnoutSoonAfterTheTrueOne) {
  const flight::Trajectory truth =
      shaped_truth(38.43, 125.03, 80.0, 450e3, 37e3, flight::MissileClass::srbm);
  ASSERT_GT(truth.burnout_s, 0.0);
  expect_burnout_after_the_true_one(truth, 16.0);
}

// The thrust test's energy (track/thrust_test.hpp) is the Jacobi integral of the tracker's own
// ballistic dynamics: constant along a drag-free ballistic arc in the rotating frame (J2,
// Coriolis, centrifugal), rising under thrust along the velocity at the rate a . v.
TEST(ThrustTest, TheEnergyIsConservedWithoutThrustAndRisesWithIt) {
  track::BallisticDynamics dyn;  // no drag
  const geo::Geodetic g = geo::Geodetic::from_deg(40.0, 130.0, 500e3);
  const geo::LocalFrame f(g);
  track::Vec<9> x = track::Vec<9>::Zero();
  x.head<3>() = geo::to_ecef(g).r_m;
  x.segment<3>(3) = f.ecef_vector(geo::Vec3(3000.0, 1000.0, 2000.0));
  const auto energy = [](const track::Vec<9>& s) {
    return track::mechanical_energy(s.head<6>(), track::Mat<6>::Zero()).value_jpkg;
  };
  const double e0 = energy(x);
  track::Vec<9> y = dyn.propagate(x, 600.0, false);
  EXPECT_NEAR(energy(y), e0, 1.0);  // J/kg, of ~ -30 MJ/kg
  // 20 m/s^2 along the velocity for 10 s: the rise is the work, integral of a . v dt.
  track::Vec<9> z = x;
  z.tail<3>() = 20.0 * x.segment<3>(3).normalized();
  double work = 0.0;
  for (int i = 0; i < 100; ++i) {
    const track::Vec<9> mid = dyn.propagate(z, 0.05, true);
    work += 0.1 * z.tail<3>().dot(mid.segment<3>(3));
    z = dyn.propagate(z, 0.1, true);
    z.tail<3>() = 20.0 * z.segment<3>(3).normalized();
  }
  EXPECT_NEAR(energy(z) - e0, work, 1e-3 * work);
  // Sigma: 10 m/s along the velocity is |v| * 10 J/kg.
  track::Mat<6> P = track::Mat<6>::Zero();
  const geo::Vec3 u = x.segment<3>(3).normalized();
  P.bottomRightCorner<3, 3>() = 100.0 * u * u.transpose();
  EXPECT_NEAR(track::mechanical_energy(x.head<6>(), P).sigma_jpkg, 10.0 * x.segment<3>(3).norm(),
              1e-6 * x.segment<3>(3).norm());
}

TEST(ThrustTest, TheWindowFindsThrustOnlyWhenTheRiseExceedsThreeSigma) {
  track::ThrustWindow w({12.0, 3.0});
  // Unknown until 12 s of history.
  for (double t = 0.0; t < 12.0; t += 1.0)
    EXPECT_EQ(w.add(t, {100.0 * t, 10.0}), track::ThrustVerdict::unknown);
  // Rise 1200 over 12 s against 3 * 14.1: thrust.
  EXPECT_EQ(w.add(12.0, {1200.0, 10.0}), track::ThrustVerdict::thrust);
  // Flat from here: the rise over the window shrinks below 3 sigma.
  for (double t = 13.0; t < 30.0; t += 1.0) {
    const track::ThrustVerdict v = w.add(t, {1200.0, 10.0});
    EXPECT_EQ(v, t - 12.0 >= 12.0 - 42.5 / 100.0 ? track::ThrustVerdict::quiet
                                                 : track::ThrustVerdict::thrust)
        << t;
  }
}

TEST(ThrustTest, AnEnergyFallingBeyondThreeSigmaIsDrag) {
  track::ThrustWindow w({12.0, 3.0});
  for (double t = 0.0; t < 12.0; t += 1.0) w.add(t, {-50.0 * t, 10.0});
  // Fall 600 over 12 s against 3 * 14.1: drag, which is no thrust.
  const track::ThrustVerdict v = w.add(12.0, {-600.0, 10.0});
  EXPECT_EQ(v, track::ThrustVerdict::drag);
  EXPECT_TRUE(track::no_thrust(v));
  // A fall within the noise is quiet.
  track::ThrustWindow u({12.0, 3.0});
  for (double t = 0.0; t <= 12.0; t += 1.0) u.add(t, {-3.0 * t, 10.0});
  EXPECT_EQ(u.add(13.0, {-39.0, 10.0}), track::ThrustVerdict::quiet);
}

TEST(ThrustTest, AFallDragCannotExplainIsNoDrag) {
  // The same fall of 600 J/kg over 12 s: drag where the air can take 100 J/kg/s, but not
  // where it takes at most 1 (a missile above 100 km): the estimates disagree, unknown.
  for (const double bound : {100.0, 1.0}) {
    track::ThrustWindow w({12.0, 3.0});
    for (double t = 0.0; t < 12.0; t += 1.0) w.add(t, {-50.0 * t, 10.0, bound});
    EXPECT_EQ(w.add(12.0, {-600.0, 10.0, bound}),
              bound > 50.0 ? track::ThrustVerdict::drag : track::ThrustVerdict::unknown);
  }
  // The bound: rho |v|^3 / (2 x 50 kg/m^2), nothing above the air.
  track::Vec<6> x;
  x << 6.5e6, 0.0, 0.0, 0.0, 2000.0, 0.0;
  x.head<3>() = (geo::wgs84::a_m() + 40e3) * Eigen::Vector3d::UnitX();
  const double rho = flight::air_density_kgpm3(40e3);
  EXPECT_NEAR(track::mechanical_energy(x, track::Mat<6>::Zero()).drag_loss_bound_jpkgps,
              rho * 8e9 / 100.0, 1e-6 * rho * 8e9 / 100.0);
  x.head<3>() = (geo::wgs84::a_m() + 1500e3) * Eigen::Vector3d::UnitX();
  EXPECT_EQ(track::mechanical_energy(x, track::Mat<6>::Zero()).drag_loss_bound_jpkgps, 0.0);
}

TEST(BurnoutDetector, DragIsBurnoutWhateverTheImmSays) {
  node::BurnoutDetector d;
  // Boosting: the energy rises and the IMM is sure.
  for (double t = 0.0; t <= 30.0; t += 1.0)
    EXPECT_EQ(d.update(1, {t, 0.0, 0.95, {2e4 * t, 1e3}}), node::BurnoutDetector::Change::none);
  // Coasting in dense air: the energy falls 8 kJ/kg/s; the IMM still says boost (it takes the
  // drag deceleration for thrust). Burnout once the window sees the fall beyond 3 sigma.
  std::optional<double> burnout_s;
  for (double t = 31.0; t <= 60.0 && !burnout_s; t += 1.0) {
    const double e = 2e4 * 30.0 - 8e3 * (t - 30.0);
    if (d.update(1, {t, 0.0, 0.95, {e, 1e3}}) == node::BurnoutDetector::Change::burnout)
      burnout_s = t;
  }
  ASSERT_TRUE(burnout_s.has_value());
  EXPECT_GT(*burnout_s, 30.0);
  EXPECT_LE(*burnout_s, 30.0 + 12.0 + 12.0);
  EXPECT_TRUE(d.burnt_out(1));
}

// A track unseen for longer than the energy window (coasting) and revived: its energy before
// the gap is no reference (in a raid the reviving plots may be another missile's). raid100,
// seed 8: an estimate of 2.5 MJ/kg before an 18 s gap, 0.8 MJ/kg after it on a missile still
// boosting: "drag" against the old one, burnout 11 s early. After the gap the test starts
// afresh: no verdict until its window has filled again, and then the rise it sees.
TEST(BurnoutDetector, AGapLongerThanTheWindowStartsTheEnergyTestAfresh) {
  node::BurnoutDetector d;
  for (double t = 0.0; t <= 14.0; t += 1.0)
    EXPECT_EQ(d.update(1, {t, 0.0, 0.95, {2.5e6 + 2e4 * t, 1e4}}),
              node::BurnoutDetector::Change::none);
  // 18 s without a look, then a boosting missile's energies, far below the old estimate.
  for (double t = 32.0; t <= 60.0; t += 1.0) {
    const node::BurnoutDetector::Change c =
        d.update(1, {t, 0.0, 0.2, {8e5 + 2e4 * (t - 32.0), 1e4}});
    EXPECT_EQ(c, node::BurnoutDetector::Change::none) << t;
    if (t < 32.0 + node::BurnoutDetector::energy_window_s)
      EXPECT_EQ(d.thrust(1), track::ThrustVerdict::unknown) << t;
    else
      EXPECT_EQ(d.thrust(1), track::ThrustVerdict::thrust) << t;
  }
  EXPECT_FALSE(d.burnt_out(1));
}

TEST(BurnoutDetector, OneWrongEstimateIsNoDrag) {
  // A boosting missile whose track's first estimate was 1.2 MJ/kg too high (its velocity off
  // by plots of a missile beside it, p04): each test against that estimate finds a fall far
  // beyond 3 sigma, but the estimates after it rise. The energy truly rises 20 kJ/kg/s: the
  // window finds the fall contradicted (no drag), and the detector declares no burnout.
  node::BurnoutDetector d;
  const auto energy = [](double t) { return 2e4 * t + (t == 0.0 ? 1.2e6 : 0.0); };
  // Looks every 2 s for the first 12 s, then every second: the first estimate is the
  // reference of the tests at t = 12 and 13.
  std::vector<double> looks;
  for (double t = 0.0; t < 12.0; t += 2.0) looks.push_back(t);
  for (double t = 12.0; t <= 16.0; t += 1.0) looks.push_back(t);
  for (const double t : looks) {
    EXPECT_EQ(d.update(1, {t, 0.0, 0.1, {energy(t), 1e4}}), node::BurnoutDetector::Change::none)
        << t;
    EXPECT_NE(d.thrust(1), track::ThrustVerdict::drag) << t;
  }
  EXPECT_FALSE(d.burnt_out(1));
  // The window alone: the fall against the first estimate is contradicted, no drag.
  track::ThrustWindow w({12.0, 3.0});
  for (const double t : looks) {
    const track::ThrustVerdict v = w.add(t, {energy(t), 1e4});
    if (t == 12.0 || t == 13.0) {
      EXPECT_EQ(v, track::ThrustVerdict::unknown) << t;
      EXPECT_TRUE(w.fall_contradicted()) << t;
    } else if (t > 13.0) {
      EXPECT_EQ(v, track::ThrustVerdict::thrust) << t;
      EXPECT_FALSE(w.fall_contradicted()) << t;
    }
  }
  // A true fall (drag from t = 12 on, 50 kJ/kg/s) is drag: burnout.
  node::BurnoutDetector e;
  std::optional<double> burnout_s;
  for (double t = 0.0; t <= 40.0 && !burnout_s; t += 1.0) {
    const double en = t <= 12.0 ? 2e4 * t : 2e4 * 12.0 - 5e4 * (t - 12.0);
    if (e.update(1, {t, 0.0, 0.95, {en, 1e4}}) == node::BurnoutDetector::Change::burnout)
      burnout_s = t;
  }
  ASSERT_TRUE(burnout_s.has_value());
  EXPECT_LE(*burnout_s, 12.0 + 12.0);
}

TEST(BurnoutDetector, AContradictedFallHoldsTheImmsWordOff) {
  // The IMM saw the boost at t = 6 and is low from then on; the energy is flat but for a
  // first estimate 1.2 MJ/kg too high, contradicted at t = 12 and 13. Quiet from t = 14: the
  // IMM's word counts only a hold after the last contradicted fall, not after t = 6.
  node::BurnoutDetector d;
  std::vector<double> looks;
  for (double t = 0.0; t < 12.0; t += 2.0) looks.push_back(t);
  for (double t = 12.0; t <= 40.0; t += 1.0) looks.push_back(t);
  std::optional<double> burnout_s;
  for (const double t : looks) {
    const double e = t == 0.0 ? 1.2e6 : 0.0;
    if (d.update(1, {t, 0.0, t == 6.0 ? 0.9 : 0.1, {e, 1e4}}) ==
        node::BurnoutDetector::Change::burnout) {
      burnout_s = t;
      break;
    }
  }
  ASSERT_TRUE(burnout_s.has_value());
  EXPECT_GE(*burnout_s, 13.0 + node::BurnoutDetector::hold_s);
  EXPECT_LE(*burnout_s, 13.0 + node::BurnoutDetector::hold_s + 1.0);
}

TEST(BurnoutDetector, WithoutTheImmTheLastThrustStartsTheHold) {
  // Far radars: the IMM's boost probability never passes 0.1 while the missile thrusts. The
  // energy rises 50 kJ/kg/s for 20 s, then stays flat within its sigma (1e5 J/kg): the test
  // says thrust, then quiet as soon as the rise over its window falls under 3 sigma.
  node::BurnoutDetector d;
  std::optional<double> last_thrust_s, burnout_s;
  for (double t = 0.0; t <= 60.0 && !burnout_s; t += 1.0) {
    const double e = 5e4 * std::min(t, 20.0);
    if (d.update(1, {t, 0.0, 0.1, {e, 1e5}}) == node::BurnoutDetector::Change::burnout)
      burnout_s = t;
    if (d.thrust(1) == track::ThrustVerdict::thrust) last_thrust_s = t;
  }
  ASSERT_TRUE(last_thrust_s.has_value());
  ASSERT_TRUE(burnout_s.has_value());
  // Not at the first quiet test, but a hold after the last thrust.
  EXPECT_GE(*burnout_s, *last_thrust_s + node::BurnoutDetector::hold_s);
  EXPECT_LE(*burnout_s, *last_thrust_s + node::BurnoutDetector::hold_s + 1.0);
}
