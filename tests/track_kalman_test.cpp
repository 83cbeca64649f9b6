// The EKF update's written-out parts (kalman.hpp): the 3 x 3 Cholesky factor against Eigen's
// LLT, the factored Joseph update against the Joseph form multiplied out, and the identity
// Jacobian's shortcut against the products with the identity.
#include <gtest/gtest.h>

#include "track/kalman.hpp"

using namespace trilink;
using track::Mat3;
using track::Vec3;

namespace {

template <int N>
track::Mat<N> random_spd(unsigned seed, double scale) {
  std::srand(seed);
  const track::Mat<N> A = track::Mat<N>::Random();
  return scale * (A * A.transpose() + 0.1 * track::Mat<N>::Identity());
}

}  // namespace

TEST(Cholesky3, AgreesWithEigensLlt) {
  for (unsigned seed = 1; seed <= 20; ++seed) {
    // Covariances of radar fixes: metres in range, kilometres across.
    Mat3 S = random_spd<3>(seed, 1.0);
    S.row(0) *= 1e-2;
    S.col(0) *= 1e-2;
    S.row(2) *= 1e3;
    S.col(2) *= 1e3;
    const Eigen::LLT<Mat3> ref(S);
    track::Cholesky3 c;
    c.compute(S);
    ASSERT_EQ(c.info(), Eigen::Success);
    EXPECT_TRUE(c.matrixL().isApprox(Mat3(ref.matrixL()), 1e-12)) << seed;
    const Vec3 b(1.0, -2.0, 3.0);
    EXPECT_TRUE(c.solve(b).isApprox(ref.solve(b), 1e-9)) << seed;
    EXPECT_TRUE(c.inverse().isApprox(ref.solve(Mat3::Identity()), 1e-9)) << seed;
    EXPECT_NEAR(c.log_det(), std::log(S.determinant()), 1e-9) << seed;
  }
}

TEST(Cholesky3, RefusesWhatIsNotPositiveDefinite) {
  track::Cholesky3 c;
  Mat3 S = Mat3::Identity();
  S(2, 2) = 0.0;
  EXPECT_EQ(c.compute(S).info(), Eigen::NumericalIssue);
  S(2, 2) = -1.0;
  EXPECT_EQ(c.compute(S).info(), Eigen::NumericalIssue);
  S = Mat3::Identity();
  S(1, 0) = S(0, 1) = 2.0;  // indefinite: eigenvalues 3 and -1
  EXPECT_EQ(c.compute(S).info(), Eigen::NumericalIssue);
  S(0, 0) = std::nan("");
  EXPECT_EQ(c.compute(S).info(), Eigen::NumericalIssue);
}

// An innovation of g by a random Jacobian H_pos (not the identity) and noise R.
template <int N>
track::Innovation<N> random_innovation(const track::Gaussian<N>& g, const Mat3& R) {
  track::Innovation<N> in;
  in.H_pos = Mat3::Random() + 2.0 * Mat3::Identity();
  in.nu = Vec3(3.0, -1.0, 2.0);
  in.S = in.H_pos * track::pos_cov(g.P) * in.H_pos.transpose() + R;
  in.llt.compute(in.S);
  track::assess(in);
  return in;
}

// (I - K H) P (I - K H)' + K R K' with H = [H_p 0] multiplied out in full, against update<N>.
template <int N>
void expect_joseph(unsigned seed) {
  track::Gaussian<N> g;
  g.x = track::Vec<N>::Random();
  g.P = random_spd<N>(seed, 1e4);
  const Mat3 R = random_spd<3>(seed + 100, 10.0);
  const track::Innovation<N> in = random_innovation(g, R);
  ASSERT_TRUE(in.ok());

  Eigen::Matrix<double, 3, N> H = Eigen::Matrix<double, 3, N>::Zero();
  H.template leftCols<3>() = in.H_pos;
  const Eigen::Matrix<double, N, 3> K = g.P * H.transpose() * in.S.inverse();
  const track::Mat<N> IKH = track::Mat<N>::Identity() - K * H;
  const track::Mat<N> P_ref = IKH * g.P * IKH.transpose() + K * R * K.transpose();
  const track::Vec<N> x_ref = g.x + K * in.nu;

  ASSERT_TRUE(track::update<N>(g, in, R).fused());
  EXPECT_TRUE(g.x.isApprox(x_ref, 1e-9)) << seed;
  EXPECT_TRUE(g.P.isApprox(P_ref, 1e-9)) << seed;
  EXPECT_TRUE(g.P.isApprox(g.P.transpose(), 0.0)) << seed;
}

TEST(KalmanUpdate, FactoredJosephFormIsTheJosephForm) {
  for (unsigned seed = 1; seed <= 10; ++seed) {
    expect_joseph<6>(seed);
    expect_joseph<9>(seed);
  }
}

// A ballistic mode's held acceleration (uncorrelated with the kinematic states): update<9>
// takes the kinematic block only, which must be the whole update's numbers to the bit and
// the Joseph form multiplied out; the acceleration and its variance stay as they were.
TEST(KalmanUpdate, AHeldAccelerationIsLeftAsItIs) {
  for (unsigned seed = 1; seed <= 10; ++seed) {
    track::Gaussian<9> g;
    g.x = track::Vec<9>::Random() * 1e4;
    g.P = random_spd<9>(seed, 1e4);
    track::block_of<track::Kinematic, track::Acc>(g.P).setZero();
    track::block_of<track::Acc, track::Kinematic>(g.P).setZero();
    track::acc_cov(g.P) = Mat3::Identity() * 4.0;
    const Mat3 R = random_spd<3>(seed + 100, 10.0);
    const track::Innovation<9> in = random_innovation(g, R);
    ASSERT_TRUE(in.ok());

    track::Gaussian<9> whole = g, fast = g;
    ASSERT_TRUE(track::detail::joseph_update(whole, in, R).fused());
    ASSERT_TRUE(track::update<9>(fast, in, R).fused());
    EXPECT_EQ(fast.x, whole.x) << seed;
    EXPECT_EQ(fast.P, whole.P) << seed;
    EXPECT_EQ(track::acc(fast.x), track::acc(g.x)) << seed;
    EXPECT_EQ(track::acc_cov(fast.P), track::acc_cov(g.P)) << seed;
    const bool cross_zero = track::block_of<track::Kinematic, track::Acc>(fast.P).isZero(0.0);
    EXPECT_TRUE(cross_zero) << seed;
    const bool kinematic_moved = track::kinematic_cov(fast.P) != track::kinematic_cov(g.P);
    EXPECT_TRUE(kinematic_moved) << seed;
  }
  expect_joseph<9>(11);  // and correlated: the whole update
}

namespace {

// CartesianPosition with its Jacobian only given, not declared the identity.
struct CartesianPositionUndeclared {
  track::MeasurementPrediction predict(const Vec3& p) const { return {p, Mat3::Identity()}; }
  Vec3 innovation(const Vec3& z, const Vec3& z_hat) const { return z - z_hat; }
};

}  // namespace

// A sensor that measures the position itself (H = I, MeasuresPosition) skips the products with H
// in innovate() and update(): the same numbers to the bit as the products with the identity.
TEST(KalmanUpdate, APositionMeasuredIsTheIdentityJacobiansUpdateToTheBit) {
  static_assert(track::MeasuresPosition<track::CartesianPosition>);
  static_assert(!track::MeasuresPosition<CartesianPositionUndeclared>);
  static_assert(!track::MeasuresPosition<track::RangeAzEl>);
  for (unsigned seed = 1; seed <= 10; ++seed) {
    track::Gaussian<6> g;
    g.x = track::Vec<6>::Random() * 1e4;
    g.P = random_spd<6>(seed, 1e4);
    const Mat3 R = random_spd<3>(seed + 100, 2500.0);
    const Vec3 z = g.x.head<3>() + Vec3(30.0, -20.0, 45.0);
    const auto fast = track::innovate<6>(g, track::CartesianPosition(50.0), z, R);
    const auto full = track::innovate<6>(g, CartesianPositionUndeclared{}, z, R);
    ASSERT_TRUE(fast.h_identity);
    ASSERT_FALSE(full.h_identity);
    ASSERT_TRUE(fast.ok() && full.ok());
    EXPECT_EQ(fast.S, full.S) << seed;
    EXPECT_EQ(fast.nis, full.nis) << seed;
    track::Gaussian<6> a = g, b = g;
    ASSERT_TRUE(track::update<6>(a, fast, R).fused());
    ASSERT_TRUE(track::update<6>(b, full, R).fused());
    EXPECT_EQ(a.x, b.x) << seed;
    EXPECT_EQ(a.P, b.P) << seed;
  }
}
