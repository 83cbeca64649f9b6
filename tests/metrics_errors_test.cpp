#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <cmath>
#include <limits>
#include <vector>

#include "base/rng.hpp"
#include "metrics/errors.hpp"

using namespace trilink;
using namespace trilink::metrics;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// A random symmetric positive definite matrix with condition number up to ~1e4.
Eigen::MatrixXd random_spd(Rng& rng, int n) {
  Eigen::MatrixXd a(n, n);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) a(i, j) = rng.normal();
  const Eigen::HouseholderQR<Eigen::MatrixXd> qr(a);
  const Eigen::MatrixXd q = qr.householderQ();
  Eigen::VectorXd d(n);
  for (int i = 0; i < n; ++i) d(i) = std::pow(10.0, rng.uniform(-2.0, 2.0));
  return q * d.asDiagonal() * q.transpose();
}

Eigen::VectorXd gaussian(Rng& rng, const Eigen::MatrixXd& P) {
  Eigen::VectorXd w(P.rows());
  for (int i = 0; i < P.rows(); ++i) w(i) = rng.normal();
  return Eigen::LLT<Eigen::MatrixXd>(P).matrixL() * w;
}

}  // namespace

TEST(Rmse, Accumulates) {
  RmseAccumulator a;
  EXPECT_TRUE(std::isnan(a.rmse()));
  a.add(Eigen::Vector3d(3.0, 4.0, 0.0));
  a.add(Eigen::Vector3d::Zero());
  EXPECT_EQ(a.count(), 2u);
  EXPECT_DOUBLE_EQ(a.sum_squared(), 25.0);
  EXPECT_DOUBLE_EQ(a.rmse(), std::sqrt(12.5));
  RmseAccumulator b;
  b.add_squared(83.0);
  b.merge(a);
  EXPECT_EQ(b.count(), 3u);
  EXPECT_DOUBLE_EQ(b.rmse(), 6.0);

  StateRmse s;
  Eigen::Matrix<double, 6, 1> est, truth;
  est << 1, 2, 3, 10, 20, 30;
  truth << 1, 2, 1, 10, 21, 30;
  s.add(est, truth);
  s.add(truth, truth);
  EXPECT_DOUBLE_EQ(s.position.rmse(), std::sqrt(2.0));
  EXPECT_DOUBLE_EQ(s.velocity.rmse(), std::sqrt(0.5));
}

// NEES against an independent solve (full-pivot LU) on random SPD matrices, to 1e-10
// relative.
TEST(Nees, MatchesIndependentSolve) {
  Rng rng(21);
  for (int trial = 0; trial < 200; ++trial) {
    const int n = 1 + trial % 9;
    const Eigen::MatrixXd P = random_spd(rng, n);
    Eigen::VectorXd e(n);
    for (int i = 0; i < n; ++i) e(i) = rng.normal(0.0, 3.0);
    const Nees r = nees(e, P);
    ASSERT_TRUE(r.ok());
    const double expected = e.dot(P.fullPivLu().solve(e));
    EXPECT_NEAR(r.value, expected, 1e-10 * expected);
  }
  // Diagonal by hand: (2^2 / 4) + (3^2 / 9) + (1 / 0.25) = 6.
  const Nees d =
      nees(Eigen::Vector3d(2, 3, 1), Eigen::Vector3d(4, 9, 0.25).asDiagonal().toDenseMatrix());
  EXPECT_DOUBLE_EQ(d.value, 6.0);
}

TEST(Nees, FailuresAreAStatus) {
  Eigen::Matrix2d indefinite;
  indefinite << 1.0, 2.0, 2.0, 1.0;
  const Nees a = nees(Eigen::Vector2d(1, 1), indefinite);
  EXPECT_EQ(a.status, NeesStatus::not_positive_definite);
  EXPECT_TRUE(std::isnan(a.value));
  const Nees b = nees(Eigen::Vector2d(1, 1), Eigen::Matrix2d::Zero());
  EXPECT_EQ(b.status, NeesStatus::not_positive_definite);
  const Nees c = nees(Eigen::Vector2d(kNaN, 1), Eigen::Matrix2d::Identity());
  EXPECT_EQ(c.status, NeesStatus::non_finite);
  EXPECT_TRUE(std::isnan(c.value));
  EXPECT_EQ(to_string(NeesStatus::not_positive_definite), "not_positive_definite");
}

// Bar-Shalom, Li & Kirubarajan 2001, sec. 5.4.2: N = 50 runs of a 2-state: the 95 % band of the
// average NEES is chi2(100) quantiles / 50 = [74.222, 129.561] / 50, "[1.5, 2.6]".
TEST(NeesBand, BarShalomExample) {
  const NeesBand b = nees_band(2, 50);
  EXPECT_NEAR(b.lo, 74.222 / 50.0, 5e-4 / 50.0);
  EXPECT_NEAR(b.hi, 129.561 / 50.0, 5e-4 / 50.0);
  const NeesBand one = nees_band(3, 1);  // a single run: chi2(3) at 2.5 % and 97.5 %
  EXPECT_NEAR(one.lo, 0.216, 5e-4);
  EXPECT_NEAR(one.hi, 9.348, 5e-4);
  EXPECT_TRUE(one.contains(3.0));
  EXPECT_FALSE(one.contains(10.0));
}

TEST(NeesConsistency, Counts) {
  NeesConsistency c({1.0, 2.0});
  EXPECT_TRUE(std::isnan(c.fraction_inside()));
  for (const double v : {0.5, 1.5, 2.5, kNaN, 1.0, 2.0}) c.add(v);
  EXPECT_EQ(c.samples(), 5u);
  EXPECT_EQ(c.below(), 1u);
  EXPECT_EQ(c.inside(), 3u);
  EXPECT_EQ(c.above(), 1u);
  EXPECT_EQ(c.invalid(), 1u);
  EXPECT_DOUBLE_EQ(c.fraction_inside(), 0.6);
  EXPECT_DOUBLE_EQ(c.mean(), 1.5);
}

// A consistent estimator (errors drawn from its own covariance): over 400 time steps of 50
// runs of a 6-state, the averaged NEES lies in the 95 % band about 95 % of the time
// (binomial sd 1.1 %; tolerance 4 sd), and its mean is 6. An estimator reporting half its
// true covariance is flagged: the average NEES is about 12, far above the band.
TEST(NeesConsistency, MonteCarloConsistentAndOptimistic) {
  Rng rng(22);
  const int n = 6;
  const int runs = 50;
  const NeesBand band = nees_band(n, runs);
  NeesConsistency good(band);
  NeesConsistency optimistic(band);
  for (int step = 0; step < 400; ++step) {
    const Eigen::MatrixXd P = random_spd(rng, n);
    double sum_good = 0.0;
    double sum_optimistic = 0.0;
    for (int r = 0; r < runs; ++r) {
      const Eigen::VectorXd e = gaussian(rng, P);
      sum_good += nees(e, P).value;
      sum_optimistic += nees(e, 0.5 * P).value;
    }
    good.add(sum_good / runs);
    optimistic.add(sum_optimistic / runs);
  }
  EXPECT_NEAR(good.fraction_inside(), 0.95, 4 * 0.011);
  EXPECT_NEAR(good.mean(), 6.0, 0.05);  // sd of the mean: sqrt(12 / 20000) = 0.025
  EXPECT_EQ(optimistic.inside(), 0u);
  EXPECT_EQ(optimistic.above(), 400u);
  EXPECT_NEAR(optimistic.mean(), 12.0, 0.1);
}
