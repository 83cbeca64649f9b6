// The IMM past burnout (filters.hpp): once the boost is declared over and its mode pruned,
// the track is purely ballistic and estimates the radars' biases with its state; it stays
// plausible while in flight and not once it has come down. The national tracker lets such a
// track coast through a long gap in coverage, then picks it up again with the same id; the
// burnout detector says when a track's boost is over, once.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <vector>

#include "base/rng.hpp"
#include "geo/frames.hpp"
#include "midcourse_fixture.hpp"
#include "track/ballistic_model.hpp"
#include "track/filters.hpp"
#include "track/prediction.hpp"
#include "track/tracker.hpp"

using namespace trilink;
using track::Gaussian;
using track::Imm;
using track::Mat3;
using track::Measurement;
using track::RangeAzEl;
using track::Vec;
using track::Vec3;

using namespace trilink::test_fixtures;

namespace {

// Mode j's estimate of the one bias slot is learned: well inside the prior and consistent
// with the truth; the combined position is consistent with the truth x.
void expect_bias_learned(const track::ImmState& s, int j, const Vec3& true_bias, const Vec<9>& x) {
  for (int c = 0; c < 3; ++c) {
    const double sigma = std::sqrt(s.param_cov[j](c, c));
    EXPECT_LT(sigma, 0.5 * kBiasSigma(c)) << c;
    EXPECT_LT(std::abs(s.param[j](c) - true_bias(c)), 3.0 * sigma) << c;
  }
  const Vec3 err = s.combined.x.head<3>() - x.head<3>();
  const Eigen::LLT<Mat3> llt(s.combined.P.topLeftCorner<3, 3>());
  EXPECT_LT(err.dot(llt.solve(err)), 16.27);  // chi-square 3 dof, 0.999
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
      ASSERT_TRUE(in.ok());
      ASSERT_TRUE(imm.update(s, in, *radar, m).fused());
    }
  }
  // The boost mode went away once the data made it negligible: a pure ballistic filter.
  ASSERT_TRUE(imm.predictable(s));
  EXPECT_EQ(s.mu[0], 0.0);
  ASSERT_EQ(s.param[1].size(), 3);
  expect_bias_learned(s, 1, true_bias, x);

  // Coasting on: plausible while it flies, not once it is under the ground.
  EXPECT_TRUE(imm.plausible(s));
  auto down = s;
  for (int k = 0; k < 200 && imm.plausible(down); ++k) down = imm.predict(down, 10.0);
  EXPECT_FALSE(imm.plausible(down));
}

// With estimate_biases_in_boost the biases are estimated from the start, in both modes: a
// missile under thrust, seen by a biased radar and an unbiased one, teaches the filter the
// biased radar's bias before burnout; the consider filter (the default) learns nothing.
TEST(Imm, InBoostTheBiasIsEstimatedWhenAskedTo) {
  RangeAzEl a(geo::Geodetic::from_deg(38.1, 138.4, 100.0), kSigma);
  a.with_bias(0, Mat3(kBiasSigma.cwiseProduct(kBiasSigma).asDiagonal()));
  const RangeAzEl b(geo::Geodetic::from_deg(35.77, 135.22, 150.0), kSigma);
  const Vec3 true_bias = 2.0 * kBiasSigma;
  for (const bool in_boost : {true, false}) {
    Imm imm = imm_with_bias_slot();
    imm.estimate_biases_in_boost = in_boost;
    Rng rng(5);
    Vec<9> x = midcourse_truth();
    const geo::LocalFrame frame(geo::to_geodetic(geo::Ecef{x.head<3>()}));
    x.tail<3>() = frame.ecef_from_enu() * Vec3(15.0, 0.0, 10.0);  // thrust, m/s^2
    Gaussian<9> g;
    g.x = x;
    g.x.head<3>() += Vec3(300.0, -200.0, 100.0);
    g.x.segment<3>(3) += Vec3(5.0, -5.0, 3.0);
    g.x.tail<3>().setZero();
    g.P = Vec<9>((Vec<9>() << 4e5, 4e5, 4e5, 100, 100, 100, 1, 1, 1).finished()).asDiagonal();
    auto s = imm.initial(g, track::BiasCrossCov::Zero(9, 3));
    ASSERT_EQ(s.param[0].size(), in_boost ? 3 : 0);
    const track::BallisticDynamics dyn = imm.boost.dynamics;
    for (int k = 0; k < 120; ++k) {
      x = dyn.propagate(x, 1.0, true);
      s = imm.predict(s, 1.0);
      for (const RangeAzEl* radar : {static_cast<const RangeAzEl*>(&a), &b}) {
        const Measurement m = measure(*radar, x, radar == &a ? true_bias : Vec3::Zero(), rng);
        ASSERT_TRUE(imm.update(s, imm.gate(s, *radar, m), *radar, m).fused());
      }
    }
    EXPECT_GT(s.mu[0], 0.5);  // still boosting
    if (!in_boost) {
      EXPECT_EQ(s.param[1].size(), 0);
      continue;
    }
    expect_bias_learned(s, 0, true_bias, x);
  }
}

// A re-entry vehicle whose ballistic coefficient is half the nominal one, tracked by one
// radar near where it comes down from 150 km to 15 km: the filter that estimates kappa =
// 1 / beta learns it, and predicts the impact better than the one that keeps the nominal.
TEST(Imm, InReEntryTheBallisticCoefficientIsEstimated) {
  constexpr double beta_true = 4000.0;
  const geo::Geodetic start = geo::Geodetic::from_deg(36.0, 136.0, 150e3);
  const geo::LocalFrame frame(start);
  Vec<9> x = Vec<9>::Zero();
  x.head<3>() = geo::to_ecef(start).r_m;
  x.segment<3>(3) = frame.ecef_from_enu() * Vec3(4000.0, 0.0, -2500.0);
  track::BallisticDynamics truth;
  truth.beta_kgpm2 = beta_true;
  const RangeAzEl radar(geo::Geodetic::from_deg(36.0, 139.0, 100.0), kSigma);

  Imm estimating;
  estimating.ballistic.q_vel_m2ps3 = 1e-6;
  estimating.ballistic.dynamics.beta_kgpm2 = 8000.0;
  estimating.estimate_drag = true;
  Imm nominal = estimating;
  nominal.estimate_drag = false;

  Rng rng(11);
  Gaussian<9> g;
  g.x = x;
  g.x.head<3>() += Vec3(100.0, -80.0, 50.0);
  g.x.segment<3>(3) += Vec3(3.0, -2.0, 2.0);
  g.P = Vec<9>((Vec<9>() << 4e4, 4e4, 4e4, 25, 25, 25, 1, 1, 1).finished()).asDiagonal();
  auto se = estimating.initial(g);
  auto sn = nominal.initial(g);
  estimating.end_boost(se);
  nominal.end_boost(sn);
  while (geo::to_geodetic(geo::Ecef{x.head<3>()}).h_m > 15e3) {
    x = truth.propagate(x, 0.5, false);
    se = estimating.predict(se, 0.5);
    sn = nominal.predict(sn, 0.5);
    const Measurement m = measure(radar, x, Vec3::Zero(), rng);
    ASSERT_TRUE(estimating.update(se, estimating.gate(se, radar, m), radar, m).fused());
    ASSERT_TRUE(nominal.update(sn, nominal.gate(sn, radar, m), radar, m).fused());
  }
  ASSERT_TRUE(estimating.predictable(se));
  const auto drag = estimating.drag(se);
  ASSERT_TRUE(drag.has_value());
  EXPECT_FALSE(nominal.drag(sn).has_value());
  const double beta = drag->beta_kgpm2();
  const double beta_sigma = std::sqrt(drag->kappa_var) * beta * beta;
  EXPECT_LT(std::abs(beta - beta_true), 3.0 * beta_sigma) << beta << " +- " << beta_sigma;
  EXPECT_LT(beta_sigma, 0.1 * beta_true);

  // Where it comes down: the truth's own fall, and each filter's prediction.
  const track::ImpactPredictor truth_fall(beta_true);
  double t_true = 0.0;
  Vec3 impact_true;
  ASSERT_TRUE(truth_fall.fall(x, t_true, impact_true));
  const track::ImpactPredictor predictor(8000.0);
  const auto with = predictor.predict(se.combined, drag);
  const auto without = predictor.predict(sn.combined);
  ASSERT_TRUE(with.valid && without.valid);
  const double err_with = (geo::to_ecef(with.point).r_m - impact_true).norm();
  const double err_without = (geo::to_ecef(without.point).r_m - impact_true).norm();
  std::printf("beta %.0f +- %.0f, impact error %.0f m (estimated) vs %.0f m (nominal)\n", beta,
              beta_sigma, err_with, err_without);
  EXPECT_LT(err_with, 0.5 * err_without);
  EXPECT_LT(err_with, with.ellipse.semi_major_m);
}
