#include <gtest/gtest.h>

#include <limits>
#include <random>

#include "fusion/association.hpp"

using namespace trilink;
using namespace trilink::fusion;
using trilink::Nation;

namespace {

const geo::UtcTime t0{1'700'000'000'000'000'000};

// A midcourse missile over the Sea of Japan (~180 km up), ECEF.
State truth_state(double offset_m = 0.0) {
  State x;
  x << -3.3e6 + offset_m, 4.0e6, 4.0e6, 1500.0, -1000.0, 2000.0;
  return x;
}

Covariance national_covariance(double sigma_p_m, double sigma_v_mps) {
  Covariance P = Covariance::Zero();
  P.topLeftCorner<3, 3>().diagonal().setConstant(sigma_p_m * sigma_p_m);
  P.bottomRightCorner<3, 3>().diagonal().setConstant(sigma_v_mps * sigma_v_mps);
  return P;
}

Estimate noisy(const State& truth, const Covariance& P, std::mt19937_64& rng) {
  std::normal_distribution<double> n(0.0, 1.0);
  State z;
  for (int i = 0; i < 6; ++i) z(i) = n(rng);
  Estimate e;
  e.x = truth + Eigen::LLT<Covariance>(P).matrixL() * z;
  e.P = P;
  return e;
}

}  // namespace

TEST(TimeAlignment, PredictsAlongTheBallisticArcAndGrowsTheCovariance) {
  share::LocalTrack t;
  t.header.originator.nation = Nation::JPN;
  t.header.time_of_validity = t0;
  t.position_ecef_m = truth_state().head<3>();
  t.velocity_ecef_mps = truth_state().tail<3>();
  t.covariance = national_covariance(100.0, 10.0);
  const auto aligned = align(t, t0.plus_seconds(2.0));
  ASSERT_TRUE(aligned.has_value()) << aligned.error().reason;
  // Moved about v dt, pulled down by gravity (~9 m/s^2 at this height).
  EXPECT_NEAR((aligned->x.head<3>() - t.position_ecef_m).norm(), 2.0 * 2692.6, 30.0);
  EXPECT_GT(aligned->P(0, 0), t.covariance(0, 0));
  // Forward then back returns the state.
  const auto back = predict(*aligned, t0.plus_seconds(2.0), t0);
  ASSERT_TRUE(back.has_value());
  EXPECT_LT((back->x.head<3>() - t.position_ecef_m).norm(), 1e-3);
  // Zero dt is the identity.
  EXPECT_EQ(align(t, t0)->x, to_estimate(t)->x);
}

TEST(TimeAlignment, NonFiniteTrackIsRejectedWithAReason) {
  share::LocalTrack t;
  t.header.originator.nation = Nation::KOR;
  t.track_id = 12;
  t.velocity_ecef_mps.x() = std::numeric_limits<double>::quiet_NaN();
  const auto aligned = align(t, t0.plus_seconds(1.0));
  ASSERT_FALSE(aligned.has_value());
  EXPECT_EQ(aligned.error().status, FusionStatus::non_finite);
  EXPECT_NE(aligned.error().reason.find("KOR track 12"), std::string::npos);
}

TEST(Association, SameTargetSeenByTwoNationsIsAssociated) {
  std::mt19937_64 rng(1);
  TrackAssociator associator;
  int joined = 0;
  const int runs = 200;
  for (int r = 0; r < runs; ++r) {
    const std::vector<Candidate> cands{
        {Nation::JPN, noisy(truth_state(), national_covariance(150.0, 15.0), rng)},
        {Nation::KOR, noisy(truth_state(), national_covariance(80.0, 25.0), rng)}};
    const Grouping g = associator.associate({}, cands);
    EXPECT_EQ(g.tests.size(), 1u);
    if (g.group_of[0] == g.group_of[1]) ++joined;
  }
  EXPECT_GE(joined, runs - 3);  // the 0.999 gate: about 0.2 misses expected
}

TEST(Association, TwoTargets50KmApartAreNotSwapped) {
  std::mt19937_64 rng(2);
  TrackAssociator associator;
  const Covariance P = national_covariance(200.0, 20.0);
  for (int r = 0; r < 50; ++r) {
    // JPN lists them in one order, KOR in the other.
    const std::vector<Candidate> cands{{Nation::JPN, noisy(truth_state(0.0), P, rng)},
                                       {Nation::JPN, noisy(truth_state(50e3), P, rng)},
                                       {Nation::KOR, noisy(truth_state(50e3), P, rng)},
                                       {Nation::KOR, noisy(truth_state(0.0), P, rng)}};
    const Grouping g = associator.associate({}, cands);
    EXPECT_EQ(g.new_groups, 2u);
    EXPECT_EQ(g.group_of[0], g.group_of[3]);
    EXPECT_EQ(g.group_of[1], g.group_of[2]);
  }
}

TEST(Association, TracksOfOneNationAreNeverMerged) {
  std::mt19937_64 rng(3);
  const Covariance P = national_covariance(100.0, 10.0);
  // Two JPN tracks on one target (a duplicate): they stay two groups; the KOR track joins one.
  const std::vector<Candidate> cands{{Nation::JPN, noisy(truth_state(), P, rng)},
                                     {Nation::JPN, noisy(truth_state(), P, rng)},
                                     {Nation::KOR, noisy(truth_state(), P, rng)}};
  TrackAssociator associator;
  const Grouping g = associator.associate({}, cands);
  EXPECT_EQ(g.new_groups, 2u);
  EXPECT_NE(g.group_of[0], g.group_of[1]);
  EXPECT_TRUE(g.group_of[2] == g.group_of[0] || g.group_of[2] == g.group_of[1]);
  // An existing group holding JPN takes no further JPN track.
  Group existing;
  existing.members.push_back(cands[0].estimate);
  existing.nations = {Nation::JPN};
  const std::vector<Candidate> more{{Nation::JPN, cands[1].estimate}};
  const Grouping g2 = associator.associate(std::span(&existing, 1), more);
  EXPECT_EQ(g2.group_of[0], 1u);
  EXPECT_TRUE(g2.tests.empty());
}

TEST(Association, ThreeNationsFormOneGroupThatMustGateWithEveryMember) {
  std::mt19937_64 rng(4);
  const Covariance P = national_covariance(100.0, 10.0);
  const std::vector<Candidate> cands{{Nation::USA, noisy(truth_state(), P, rng)},
                                     {Nation::JPN, noisy(truth_state(), P, rng)},
                                     {Nation::KOR, noisy(truth_state(), P, rng)}};
  TrackAssociator associator;
  const Grouping g = associator.associate({}, cands);
  EXPECT_EQ(g.new_groups, 1u);
  EXPECT_EQ(g.group_of[1], g.group_of[0]);
  EXPECT_EQ(g.group_of[2], g.group_of[0]);
}

TEST(Association, PositionOnlyGateUsesThreeDegreesOfFreedom) {
  Estimate a, b;
  a.x = truth_state();
  b.x = truth_state();
  a.P = b.P = national_covariance(100.0, 1.0);
  b.x(3) += 100.0;  // velocities disagree by 70 sigma, positions agree
  EXPECT_GT(*distance_squared(a, b, {}), chi2_6dof_0999);
  EXPECT_NEAR(*distance_squared(a, b, AssociationConfig::position()), 0.0, 1e-12);
  b.x(0) += 100.0;  // 100 m with S = 2 * 100^2 on x: d^2 = 0.5
  EXPECT_NEAR(*distance_squared(a, b, AssociationConfig::position()), 0.5, 1e-9);
}
