// The IMM past burnout (filters.hpp): once the boost is declared over and its mode pruned,
// the track is purely ballistic and estimates the radars' biases with its state; it stays
// plausible while in flight and not once it has come down. The national tracker lets such a
// track coast through a long gap in coverage, then picks it up again with the same id; the
// burnout detector says when a track's boost is over, once.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "base/rng.hpp"
#include "geo/frames.hpp"
#include "node/national_tracker.hpp"
#include "track/ballistic_model.hpp"
#include "track/filters.hpp"
#include "track/tracker.hpp"

using namespace trilink;
using track::Gaussian;
using track::Imm;
using track::Mat3;
using track::Measurement;
using track::RangeAzEl;
using track::Vec;
using track::Vec3;

namespace {

const Vec3 kSigma(20.0, 3e-4, 3e-4);  // range (m), azimuth, elevation (rad)
const Vec3 kBiasSigma(20.0, 2e-4, 2e-4);

// A missile in midcourse over the Sea of Japan: 300 km up, 3 km/s east, 1 km/s up.
Vec<9> midcourse_truth() {
  const geo::Geodetic g = geo::Geodetic::from_deg(39.5, 133.0, 300e3);
  const geo::LocalFrame frame(g);
  Vec<9> x = Vec<9>::Zero();
  x.head<3>() = geo::to_ecef(g).r_m;
  x.segment<3>(3) = frame.ecef_from_enu() * Vec3(3000.0, 0.0, 1000.0);
  return x;
}

Measurement measure(const RangeAzEl& radar, const Vec<9>& x, const Vec3& bias, Rng& rng) {
  Measurement m;
  m.z = radar.predict(x.head<3>()).z + bias +
        Vec3(rng.normal(0.0, kSigma.x()), rng.normal(0.0, kSigma.y()), rng.normal(0.0, kSigma.z()));
  m.R = kSigma.cwiseProduct(kSigma).asDiagonal();
  return m;
}

Imm imm_with_bias_slot() {
  Imm imm;
  imm.ballistic.q_vel_m2ps3 = 1e-6;
  imm.bias_slots = 1;
  imm.bias_prior = {Mat3(kBiasSigma.cwiseProduct(kBiasSigma).asDiagonal())};
  return imm;
}

}  // namespace

TEST(Imm, PastBurnoutTheBoostModeIsPrunedAndTheBiasIsEstimated) {
  const Imm imm = imm_with_bias_slot();
  // Radar A (Sado) has a bias of two sigma in every component; radar B (Kyogamisaki) none
  // and none modelled. Their two views and the ballistic arc make A's bias observable.
  RangeAzEl a(geo::Geodetic::from_deg(38.1, 138.4, 100.0), kSigma);
  a.with_bias(0, Mat3(kBiasSigma.cwiseProduct(kBiasSigma).asDiagonal()));
  const RangeAzEl b(geo::Geodetic::from_deg(35.77, 135.22, 150.0), kSigma);
  const Vec3 true_bias = 2.0 * kBiasSigma;
  Rng rng(7);

  Vec<9> x = midcourse_truth();
  Gaussian<9> g;
  g.x = x;
  g.x.head<3>() += Vec3(300.0, -200.0, 100.0);
  g.x.segment<3>(3) += Vec3(5.0, -5.0, 3.0);
  g.P = Vec<9>((Vec<9>() << 4e5, 4e5, 4e5, 100, 100, 100, 1, 1, 1).finished()).asDiagonal();
  track::BiasCrossCov cross = track::BiasCrossCov::Zero(9, 3);
  auto s = imm.initial(g, cross);
  EXPECT_FALSE(imm.predictable(s));
  imm.end_boost(s);

  const track::BallisticDynamics dyn = imm.ballistic.dynamics;
  for (int k = 0; k < 300; ++k) {
    x = dyn.propagate(x, 1.0, false);
    s = imm.predict(s, 1.0);
    for (const RangeAzEl* radar : {static_cast<const RangeAzEl*>(&a), &b}) {
      const Measurement m = measure(*radar, x, radar == &a ? true_bias : Vec3::Zero(), rng);
      const auto in = imm.gate(s, *radar, m);
      ASSERT_TRUE(in.ok);
      ASSERT_TRUE(imm.update(s, in, *radar, m));
    }
  }
  // The boost mode went away once the data made it negligible: a pure ballistic filter.
  ASSERT_TRUE(imm.predictable(s));
  EXPECT_EQ(s.mu[0], 0.0);
  ASSERT_EQ(s.bias.size(), 3);
  for (int c = 0; c < 3; ++c) {
    const double sigma = std::sqrt(s.bias_cov(c, c));
    // Learned: well inside the prior, and consistent with the truth.
    EXPECT_LT(sigma, 0.5 * kBiasSigma(c)) << c;
    EXPECT_LT(std::abs(s.bias(c) - true_bias(c)), 3.0 * sigma) << c;
  }
  const Vec3 err = s.combined.x.head<3>() - x.head<3>();
  const Eigen::LLT<Mat3> llt(s.combined.P.topLeftCorner<3, 3>());
  EXPECT_LT(err.dot(llt.solve(err)), 16.27);  // chi-square 3 dof, 0.999

  // Coasting on: plausible while it flies, not once it is under the ground.
  EXPECT_TRUE(imm.plausible(s));
  auto down = s;
  for (int k = 0; k < 200 && imm.plausible(down); ++k) down = imm.predict(down, 10.0);
  EXPECT_FALSE(imm.plausible(down));
}

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
