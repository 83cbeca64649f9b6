#include <gtest/gtest.h>

#include <Eigen/Eigenvalues>
#include <limits>
#include <random>

#include "fusion/covariance_intersection.hpp"

using namespace trilink;
using namespace trilink::fusion;

namespace {

Covariance random_spd(std::mt19937_64& rng, double scale) {
  std::normal_distribution<double> n(0.0, 1.0);
  Covariance A;
  for (int i = 0; i < 6; ++i)
    for (int j = 0; j < 6; ++j) A(i, j) = n(rng);
  return scale * (A * A.transpose() + 0.1 * Covariance::Identity());
}

double min_eigenvalue(const Covariance& M) {
  return Eigen::SelfAdjointEigenSolver<Covariance>(0.5 * (M + M.transpose()))
      .eigenvalues()
      .minCoeff();
}

}  // namespace

// For any cross-covariance C with [[P1, C], [C', P2]] >= 0, the CI estimate
// x = K1 x1 + K2 x2 (K_i = w_i P P_i^-1) has error covariance
// K1 P1 K1' + K2 P2 K2' + K1 C K2' + K2 C' K1' <= P (Julier & Uhlmann 1997).
TEST(CovarianceIntersection, ConsistentForAnyCorrelation) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  for (int trial = 0; trial < 200; ++trial) {
    Estimate a, b;
    a.P = random_spd(rng, 100.0);
    b.P = random_spd(rng, 100.0);
    const auto ci = covariance_intersection(a, b);
    ASSERT_TRUE(ci.has_value()) << ci.error().reason;
    // C = L1 R L2' with ||R|| <= 1 keeps the joint covariance PSD.
    const Covariance L1 = Eigen::LLT<Covariance>(a.P).matrixL();
    const Covariance L2 = Eigen::LLT<Covariance>(b.P).matrixL();
    Covariance R;
    for (int i = 0; i < 6; ++i)
      for (int j = 0; j < 6; ++j) R(i, j) = u(rng);
    R /= R.jacobiSvd().singularValues()(0);  // spectral norm 1: full correlation possible
    const Covariance C = L1 * R * L2.transpose();
    const Covariance& P = ci->fused.P;
    const Covariance K1 = ci->weights[0] * P * a.P.inverse();  // test oracle only
    const Covariance K2 = ci->weights[1] * P * b.P.inverse();
    const Covariance actual = K1 * a.P * K1.transpose() + K2 * b.P * K2.transpose() +
                              K1 * C * K2.transpose() + K2 * C.transpose() * K1.transpose();
    EXPECT_GE(min_eigenvalue(P - actual), -1e-9 * P.trace()) << "trial " << trial;
    EXPECT_LE(P.trace(), std::min(a.P.trace(), b.P.trace()) * (1 + 1e-12));
  }
}

// Monte Carlo: correlated errors drawn from the joint distribution; the sample covariance of
// the CI error stays below P (to sampling error) and its NEES is at most the dimension.
TEST(CovarianceIntersection, MonteCarloCorrelatedErrorsAreCovered) {
  std::mt19937_64 rng(11);
  Estimate a, b;
  a.P = random_spd(rng, 50.0);
  b.P = random_spd(rng, 50.0);
  Eigen::Matrix<double, 12, 12> joint;
  const Covariance L1 = Eigen::LLT<Covariance>(a.P).matrixL();
  const Covariance L2 = Eigen::LLT<Covariance>(b.P).matrixL();
  const Covariance C = 0.9 * L1 * L2.transpose();  // strongly correlated
  joint << a.P, C, C.transpose(), b.P;
  const Eigen::Matrix<double, 12, 12> Lj =
      Eigen::LLT<Eigen::Matrix<double, 12, 12>>(joint).matrixL();
  std::normal_distribution<double> n(0.0, 1.0);
  const State truth = State::Constant(1000.0);
  Covariance sample = Covariance::Zero();
  const int runs = 20000;
  std::vector<double> weights;
  double nees = 0.0;
  for (int r = 0; r < runs; ++r) {
    Eigen::Matrix<double, 12, 1> z;
    for (int i = 0; i < 12; ++i) z(i) = n(rng);
    const Eigen::Matrix<double, 12, 1> e = Lj * z;
    a.x = truth + e.head<6>();
    b.x = truth + e.tail<6>();
    const auto ci = covariance_intersection(a, b);
    ASSERT_TRUE(ci.has_value());
    const State err = ci->fused.x - truth;
    sample += err * err.transpose();
    nees += err.dot(ci->fused.P.ldlt().solve(err));
  }
  sample /= runs;
  nees /= runs;
  const auto ci = covariance_intersection(a, b);
  EXPECT_GE(min_eigenvalue(ci->fused.P - sample), -0.05 * min_eigenvalue(ci->fused.P));
  EXPECT_LE(nees, 6.0 * 1.05);
}

TEST(CovarianceIntersection, ReducesToTheDominantEstimate) {
  Estimate good, poor;
  good.x = State::Constant(1.0);
  good.P = Covariance::Identity();
  poor.x = State::Constant(50.0);
  poor.P = Covariance::Identity() * 1e6;
  const auto ci = covariance_intersection(good, poor);
  ASSERT_TRUE(ci.has_value());
  EXPECT_NEAR(ci->weights[0], 1.0, 1e-6);
  EXPECT_LT((ci->fused.x - good.x).norm(), 1e-4);
  EXPECT_LT((ci->fused.P - good.P).norm(), 1e-6);
}

TEST(CovarianceIntersection, ComplementaryEstimatesShareTheWeight) {
  // Each is good where the other is poor: CI beats both.
  Estimate a, b;
  a.P = Covariance::Identity();
  b.P = Covariance::Identity();
  a.P.topLeftCorner<3, 3>() *= 100.0;
  b.P.bottomRightCorner<3, 3>() *= 100.0;
  const auto ci = covariance_intersection(a, b);
  ASSERT_TRUE(ci.has_value());
  EXPECT_NEAR(ci->weights[0], 0.5, 1e-6);
  EXPECT_LT(ci->fused.P.trace(), 0.5 * a.P.trace());
}

TEST(CovarianceIntersection, ManyEstimatesNoWorseThanAnyAndConsistentWeights) {
  std::mt19937_64 rng(3);
  for (int trial = 0; trial < 30; ++trial) {
    std::vector<Estimate> es(3);
    for (auto& e : es) e.P = random_spd(rng, 10.0);
    const auto ci = covariance_intersection(es);
    ASSERT_TRUE(ci.has_value());
    double sum = 0.0;
    for (double w : ci->weights) {
      EXPECT_GE(w, 0.0);
      sum += w;
    }
    EXPECT_NEAR(sum, 1.0, 1e-12);
    for (const auto& e : es) EXPECT_LE(ci->fused.P.trace(), e.P.trace() * (1 + 1e-12));
    // No pair does better than the three together.
    for (int i = 0; i < 3; ++i)
      for (int j = i + 1; j < 3; ++j)
        EXPECT_LE(ci->fused.P.trace(),
                  covariance_intersection(es[i], es[j])->fused.P.trace() * (1 + 1e-6));
    EXPECT_TRUE(ci->fused.P.isApprox(ci->fused.P.transpose()));
  }
}

TEST(CovarianceIntersection, NonFiniteOrIndefiniteInputIsAFailureNotANaN) {
  Estimate a, b;
  b.x(2) = std::numeric_limits<double>::quiet_NaN();
  auto ci = covariance_intersection(a, b);
  ASSERT_FALSE(ci.has_value());
  EXPECT_EQ(ci.error().status, FusionStatus::non_finite);
  b = Estimate{};
  b.P(0, 0) = -1.0;
  ci = covariance_intersection(a, b);
  ASSERT_FALSE(ci.has_value());
  EXPECT_EQ(ci.error().status, FusionStatus::not_positive_definite);
  EXPECT_FALSE(covariance_intersection(std::span<const Estimate>{}).has_value());
}

// One estimate is its own intersection, exactly (the hub fuses most system tracks from one
// member), and a bad one is still a failure that names it.
TEST(CovarianceIntersection, OneEstimateIsItselfAndABadOneIsNamed) {
  std::mt19937_64 rng(7);
  Estimate a;
  a.x << 1.0e6, -2.0e6, 3.0e6, 10.0, -20.0, 30.0;
  a.P = random_spd(rng, 1e4);
  a.P = (0.5 * (a.P + a.P.transpose())).eval();
  const auto ci = covariance_intersection(std::span<const Estimate>(&a, 1));
  ASSERT_TRUE(ci.has_value());
  EXPECT_EQ(ci->weights, std::vector<double>{1.0});
  EXPECT_EQ(ci->fused.x, a.x);
  EXPECT_EQ(ci->fused.P, a.P);
  Estimate good, bad;
  bad.P(3, 3) = -1.0;
  const Estimate both[] = {good, bad};
  const auto failed = covariance_intersection(both);
  ASSERT_FALSE(failed.has_value());
  EXPECT_EQ(failed.error().status, FusionStatus::not_positive_definite);
  EXPECT_NE(failed.error().reason.find("estimate 1"), std::string::npos) << failed.error().reason;
}
