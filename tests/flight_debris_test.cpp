#include <gtest/gtest.h>

#include <cmath>

#include "flight/debris.hpp"
#include "flight/shaping.hpp"
#include "geo/angles.hpp"

using namespace trilink::flight;
using namespace trilink::geo;

namespace {

// A minimum-energy IRBM (one stage) and ICBM (three) from near Pyongyang, shaped once.
const Shaped& shaped(MissileClass c) {
  static const auto make = [](MissileClass mc, double range_km) {
    ShapeRequest r;
    r.site = Geodetic::from_deg(39.0, 125.7);
    r.azimuth_rad = deg_to_rad(95.0);
    r.range_m = range_km * 1e3;
    r.missile_class = mc;
    r.profile = Profile::minimum_energy;
    auto s = shape(r);
    EXPECT_TRUE(s.has_value());
    return *s;
  };
  static const Shaped irbm = make(MissileClass::irbm, 3000.0);
  static const Shaped icbm = make(MissileClass::icbm, 8000.0);
  return c == MissileClass::irbm ? irbm : icbm;
}

DebrisRequest stages_only() {
  DebrisRequest r;
  r.stages = true;
  return r;
}

}  // namespace

TEST(Debris, AnSrbmThatFliesOnWholeSeparatesNothing) {
  FlightPlan p;
  p.vehicle = notional_vehicle(MissileClass::srbm);
  EXPECT_TRUE(separation_times(p).empty());
  DebrisRequest r = stages_only();
  r.fragments = 10;
  const Flight f = fly(p);
  EXPECT_TRUE(release_debris(p, f.trajectory, r, 1).empty());
}

TEST(Debris, EveryIcbmStageSeparatesAtItsBurnoutAndHitsTheGround) {
  const Shaped& s = shaped(MissileClass::icbm);
  const auto& missile = s.flight.trajectory;
  const auto debris = release_debris(s.plan, missile, stages_only(), 1);
  ASSERT_EQ(debris.size(), 3u);
  const auto times = separation_times(s.plan);
  for (std::size_t k = 0; k < debris.size(); ++k) {
    const Debris& d = debris[k];
    SCOPED_TRACE(d.name);
    EXPECT_EQ(d.name, "stage" + std::to_string(k + 1));
    EXPECT_EQ(d.kind, DebrisKind::stage);
    EXPECT_DOUBLE_EQ(d.separation_s, times[k]);
    EXPECT_DOUBLE_EQ(d.trajectory.start_s(), times[k]);
    // Leaves from where the missile is, then falls to the ground behind and short of the RV.
    EXPECT_LT((d.trajectory.ecef_at(times[k]).r_m - missile.ecef_at(times[k]).r_m).norm(), 1e-3);
    EXPECT_TRUE(d.trajectory.impacted);
    EXPECT_NEAR(d.trajectory.geodetic_at(d.trajectory.impact_s).h_m, 0.0, 1.0);
    EXPECT_LT(d.trajectory.ground_range_m, missile.ground_range_m - 50e3);
    EXPECT_GT(d.beta_kgpm2, 0.0);
    EXPECT_GT(d.rcs_m2, 0.0);
  }
  // The first stage drops while the second still burns: it falls far short of the later ones.
  EXPECT_LT(debris[0].trajectory.ground_range_m, debris[1].trajectory.ground_range_m);
  EXPECT_LT(debris[1].trajectory.ground_range_m, debris[2].trajectory.ground_range_m);
}

TEST(Debris, TheIrbmStageFallsBehindTheRvFromBurnoutByItsRetroPush) {
  const Shaped& s = shaped(MissileClass::irbm);
  const auto& missile = s.flight.trajectory;
  const auto debris = release_debris(s.plan, missile, stages_only(), 1);
  ASSERT_EQ(debris.size(), 1u);
  const auto& stage = debris[0].trajectory;
  EXPECT_DOUBLE_EQ(debris[0].separation_s, missile.burnout_s);
  // Behind the RV in midcourse: 10 m/s back for 300 s is ~3 km (gravity shears it further).
  const double t = missile.burnout_s + 300.0;
  const Vec3 rv = missile.ecef_at(t).r_m, st = stage.ecef_at(t).r_m;
  const Vec3 along = missile.ecef_at(t).v_mps.normalized();
  EXPECT_LT((st - rv).dot(along), -2e3);
  EXPECT_TRUE(stage.impacted);
  EXPECT_LT(stage.ground_range_m, missile.ground_range_m - 20e3);
  // An empty tank re-enters slowly: it reaches the ground later and far slower than the RV.
  EXPECT_GT(stage.impact_s, missile.impact_s);
  EXPECT_LT(stage.impact_speed_mps, 0.5 * missile.impact_speed_mps);
}

TEST(Debris, TheBallisticCoefficientDecidesHowFarAndHowFastAStageFalls) {
  const Shaped& s = shaped(MissileClass::irbm);
  FlightPlan light = s.plan, heavy = s.plan;
  light.vehicle.stages[0].spent_cd_area_m2 *= 4.0;  // beta / 4
  heavy.vehicle.stages[0].spent_cd_area_m2 /= 4.0;  // beta x 4
  const auto& missile = s.flight.trajectory;
  const Debris a = release_debris(light, missile, stages_only(), 1).at(0);
  const Debris b = release_debris(heavy, missile, stages_only(), 1).at(0);
  EXPECT_NEAR(b.beta_kgpm2 / a.beta_kgpm2, 16.0, 1e-9);
  // Within metres of each other in the thin air above 140 km; in the lower air the draggier
  // one is slowed sooner and harder.
  const double t = missile.burnout_s + 200.0;
  EXPECT_LT((a.trajectory.ecef_at(t).r_m - b.trajectory.ecef_at(t).r_m).norm(), 100.0);
  EXPECT_LT(a.trajectory.ground_range_m, b.trajectory.ground_range_m);
  EXPECT_GT(a.trajectory.impact_s, b.trajectory.impact_s);
  EXPECT_LT(a.trajectory.impact_speed_mps, b.trajectory.impact_speed_mps);
}

TEST(Debris, FragmentsAreDrawnFromTheSeedAndSpreadAsAsked) {
  const Shaped& s = shaped(MissileClass::icbm);
  const auto& missile = s.flight.trajectory;
  DebrisRequest r;
  r.fragments = 40;
  r.spread_mps = 30.0;
  const auto a = release_debris(s.plan, missile, r, 7);
  const auto b = release_debris(s.plan, missile, r, 7);
  const auto c = release_debris(s.plan, missile, r, 8);
  ASSERT_EQ(a.size(), 40u);
  ASSERT_EQ(b.size(), 40u);
  EXPECT_EQ(a[6].name, "frag07");
  const auto times = separation_times(s.plan);
  double sum_sq = 0.0;
  int differ = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].kind, DebrisKind::fragment);
    EXPECT_DOUBLE_EQ(a[i].separation_s, times[i % times.size()]);
    EXPECT_EQ(a[i].trajectory.samples.back().r_m, b[i].trajectory.samples.back().r_m);
    EXPECT_EQ(a[i].beta_kgpm2, b[i].beta_kgpm2);
    EXPECT_GE(a[i].beta_kgpm2, fragment_beta_min_kgpm2);
    EXPECT_LE(a[i].beta_kgpm2, fragment_beta_max_kgpm2);
    EXPECT_GE(a[i].rcs_m2, fragment_rcs_min_m2);
    EXPECT_LE(a[i].rcs_m2, fragment_rcs_max_m2);
    EXPECT_TRUE(a[i].trajectory.impacted);
    differ += a[i].beta_kgpm2 != c[i].beta_kgpm2 ? 1 : 0;
    const double t0 = a[i].separation_s;
    sum_sq += (a[i].trajectory.inertial_at(t0).v_mps - missile.inertial_at(t0).v_mps).squaredNorm();
  }
  EXPECT_EQ(differ, 40);
  // Three axes of 30 m/s each: RMS speed kick 30 sqrt(3) = 52 m/s; 120 draws give it to ~10 %.
  const double rms = std::sqrt(sum_sq / static_cast<double>(a.size()));
  EXPECT_NEAR(rms, 30.0 * std::sqrt(3.0), 0.2 * 30.0 * std::sqrt(3.0));
}
