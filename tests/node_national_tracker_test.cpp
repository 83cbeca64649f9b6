// The national tracker's configuration and its burnout detector (node/national_tracker.hpp):
// a predictable track coasts through a gap in coverage and keeps its id; burnout is declared
// once, after the hold.
#include <gtest/gtest.h>

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

TEST(BurnoutDetector, DeclaresBurnoutOnceAfterTheHold) {
  node::BurnoutDetector d;
  // Boosting, then the boost probability drops at t = 20 s.
  for (double t = 0.0; t < 20.0; t += 1.0) EXPECT_FALSE(d.update(1, t, 0.0, 0.9));
  int declared = 0;
  double when = -1.0;
  for (double t = 20.0; t < 60.0; t += 1.0)
    if (d.update(1, t, 0.0, 0.05)) ++declared, when = t;
  EXPECT_EQ(declared, 1);
  EXPECT_DOUBLE_EQ(when, 19.0 + node::BurnoutDetector::hold_s);
  EXPECT_TRUE(d.burnt_out(1));
  // Never seen boosting: only once the track is old enough to be a late pick-up.
  for (double t = 0.0; t < node::BurnoutDetector::late_pickup_s; t += 1.0)
    EXPECT_FALSE(d.update(2, t, 0.0, 0.05));
  EXPECT_TRUE(d.update(2, node::BurnoutDetector::late_pickup_s, 0.0, 0.05));
}
