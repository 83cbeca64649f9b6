// The national tracker's configuration and its burnout detector (node/national_tracker.hpp):
// a predictable track coasts through a gap in coverage and keeps its id; burnout is declared
// once, after the hold.
#include <gtest/gtest.h>

#include <algorithm>
#include <utility>
#include <vector>

#include "midcourse_fixture.hpp"
#include "node/national_tracker.hpp"
#include "track/ballistic_model.hpp"

using namespace trilink;
using namespace trilink::test_fixtures;

TEST(NationalTracker, APredictableTrackCoastsThroughAGapAndKeepsItsId) {
  const Imm imm = imm_with_bias_slot();
  // The national node's configuration: a predictable track may coast for an hour.
  node::NationalTracker tracker(imm, node::national_tracker_config());
  const RangeAzEl radar(geo::Geodetic::from_deg(38.1, 138.4, 100.0), kSigma);
  tracker.add_sensor(radar);
  Rng rng(3);
  const track::BallisticDynamics dyn = imm.ballistic.dynamics;
  Vec<9> x = midcourse_truth();
  std::uint64_t id = 0;
  double t = 0.0;
  const auto look = [&] {
    const std::vector<Measurement> scan{measure(radar, x, Vec3::Zero(), rng)};
    tracker.process(0, t, scan);
  };
  for (; t < 60.0; t += 1.0, x = dyn.propagate(x, 1.0, false)) {
    look();
    for (const auto& tr : tracker.tracks())
      if (tr.status == track::TrackStatus::confirmed && id == 0) {
        id = tr.id;
        tracker.end_manoeuvres(id);
      }
  }
  ASSERT_NE(id, 0u);
  ASSERT_EQ(tracker.tracks().size(), 1u);
  ASSERT_TRUE(tracker.filter().predictable(tracker.tracks()[0].state));
  // Five minutes without a detection (an empty scan every 10 s): far beyond max_coast_s.
  for (int k = 0; k < 30; ++k) {
    t += 10.0;
    x = dyn.propagate(x, 10.0, false);
    tracker.process(0, t, {});
    ASSERT_EQ(tracker.tracks().size(), 1u) << "t = " << t;
    EXPECT_EQ(tracker.tracks()[0].status, track::TrackStatus::coasting);
  }
  // Seen again: the same track takes the detections.
  for (int k = 0; k < 5; ++k) {
    t += 1.0;
    x = dyn.propagate(x, 1.0, false);
    look();
  }
  ASSERT_EQ(tracker.tracks().size(), 1u);
  EXPECT_EQ(tracker.tracks()[0].id, id);
  EXPECT_EQ(tracker.tracks()[0].status, track::TrackStatus::confirmed);
  EXPECT_LT((tracker.estimate(tracker.tracks()[0]).x.head<3>() - x.head<3>()).norm(), 500.0);
}

namespace {

// A look at a track: energy `e` (J/kg) with sigma 10 kJ/kg.
node::BurnoutSample look(double t, double created, double boost_probability, double e) {
  node::BurnoutSample s;
  s.t_s = t;
  s.created_s = created;
  s.boost_probability = boost_probability;
  s.energy = {e, 10e3};
  return s;
}

}  // namespace

TEST(BurnoutDetector, DeclaresBurnoutOnceAfterTheHoldWithTheEnergyFlat) {
  using Change = node::BurnoutDetector::Change;
  node::BurnoutDetector d;
  // Boosting (energy rising 50 kJ/kg/s), then thrust and boost probability drop at t = 20 s.
  const auto energy = [](double t) { return -62e6 + 50e3 * std::min(t, 20.0); };
  for (double t = 0.0; t < 20.0; t += 1.0)
    EXPECT_EQ(d.update(1, look(t, 0.0, 0.9, energy(t))), Change::none);
  int declared = 0;
  double when = -1.0;
  for (double t = 20.0; t < 60.0; t += 1.0)
    if (d.update(1, look(t, 0.0, 0.05, energy(t))) == Change::burnout) ++declared, when = t;
  EXPECT_EQ(declared, 1);
  // The IMM's hold ends at 29 s, but the energy still rises over the 12 s window then: not
  // before the window lies past the end of thrust.
  EXPECT_DOUBLE_EQ(when, 20.0 + node::BurnoutDetector::energy_window_s);
  EXPECT_TRUE(d.burnt_out(1));
  // Never seen boosting: only once the track is old enough to be a late pick-up.
  for (double t = 0.0; t < node::BurnoutDetector::late_pickup_s; t += 1.0)
    EXPECT_EQ(d.update(2, look(t, 0.0, 0.05, -40e6)), Change::none);
  EXPECT_EQ(d.update(2, look(node::BurnoutDetector::late_pickup_s, 0.0, 0.05, -40e6)),
            Change::burnout);
}

// The IMM's prior (0.8 for a track born low and slow) is not the data's: a track whose boost
// probability falls from its prior while the energy is not yet testable is not "seen
// boosting", and the IMM's low probability alone does not make a burnout.
TEST(BurnoutDetector, ThePriorIsNotSeenBoostingAndALowProbabilityAloneIsNotBurnout) {
  using Change = node::BurnoutDetector::Change;
  node::BurnoutDetector d;
  EXPECT_EQ(d.update(1, look(0.0, 0.0, 0.8, -62e6)), Change::none);
  for (double t = 1.0; t < node::BurnoutDetector::late_pickup_s; t += 1.0)
    EXPECT_EQ(d.update(1, look(t, 0.0, 0.01, -62e6 + 20e3 * t)), Change::none) << t;
  // Energy rising: thrust, whatever the IMM says.
  EXPECT_EQ(d.thrust(1), track::ThrustVerdict::thrust);
  for (double t = 30.0; t < 60.0; t += 1.0)
    EXPECT_EQ(d.update(1, look(t, 0.0, 0.01, -62e6 + 20e3 * t)), Change::none) << t;
  EXPECT_FALSE(d.burnt_out(1));
}

// Staging gap or post-boost stage: burnout is taken back when the energy rises again, and
// declared again once it is flat.
TEST(BurnoutDetector, ThrustAfterBurnoutTakesItBack) {
  using Change = node::BurnoutDetector::Change;
  node::BurnoutDetector d;
  // Thrust until 20 s, a coast 20-60 s, thrust again 60-80 s, then flat.
  const auto energy = [](double t) {
    return -62e6 + 50e3 * std::min(t, 20.0) + 30e3 * std::clamp(t - 60.0, 0.0, 20.0);
  };
  std::vector<std::pair<double, Change>> changes;
  for (double t = 0.0; t < 140.0; t += 1.0) {
    const double pb = (t < 20.0 || (t >= 60.0 && t < 80.0)) ? 0.9 : 0.05;
    const Change c = d.update(1, look(t, 0.0, pb, energy(t)));
    if (c != Change::none) changes.emplace_back(t, c);
  }
  ASSERT_EQ(changes.size(), 3u);
  EXPECT_EQ(changes[0].second, Change::burnout);
  EXPECT_DOUBLE_EQ(changes[0].first, 32.0);
  EXPECT_EQ(changes[1].second, Change::resumed);
  EXPECT_GT(changes[1].first, 60.0);
  EXPECT_LT(changes[1].first, 66.0);
  EXPECT_EQ(changes[2].second, Change::burnout);
  EXPECT_DOUBLE_EQ(changes[2].first, 91.0);  // the rise over 12 s within 3 sigma
}

// A track climbing slower than any missile burns out is boosting, whatever its tests say (its
// estimate lags a slow acceleration); once it is fast enough, or descends, the same looks are
// burnout.
TEST(BurnoutDetector, ATrackClimbingSlowerThanAnyBurnoutIsStillBoosting) {
  using Change = node::BurnoutDetector::Change;
  const auto slow = [](double t, double speed, double climb) {
    node::BurnoutSample s = look(t, 0.0, 0.05, -40e6);
    s.speed_mps = speed;
    s.climb_mps = climb;
    return s;
  };
  const double v = track::min_burnout_speed_mps;
  node::BurnoutDetector d;
  // Flat energy, boost probability low, old enough to be a late pick-up: burnout but for the
  // speed.
  for (double t = 0.0; t <= 60.0; t += 1.0)
    EXPECT_EQ(d.update(1, slow(t, 0.8 * v, 0.6 * v)), Change::none) << t;
  EXPECT_FALSE(d.burnt_out(1));
  EXPECT_EQ(d.update(1, slow(61.0, 1.1 * v, 0.9 * v)), Change::burnout);
  // Slow but descending (a spent stage falling through the air): burnout.
  for (double t = 0.0; t < node::BurnoutDetector::late_pickup_s; t += 1.0)
    EXPECT_EQ(d.update(2, slow(t, 0.5 * v, -0.3 * v)), Change::none);
  EXPECT_EQ(d.update(2, slow(node::BurnoutDetector::late_pickup_s, 0.5 * v, -0.3 * v)),
            Change::burnout);
}
