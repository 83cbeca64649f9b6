#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <cmath>
#include <limits>
#include <vector>

#include "base/rng.hpp"
#include "metrics/pcrlb.hpp"

using namespace trilink;
using namespace trilink::metrics;

namespace {

using Mat6 = Eigen::Matrix<double, 6, 6>;
using Row6 = Eigen::Matrix<double, 1, 6>;
using H3 = Eigen::Matrix<double, 3, 6>;

double relative_difference(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
  return (a - b).norm() / b.norm();
}

// Nearly constant velocity in 3-D over T seconds, continuous white acceleration of spectral
// density q (m^2/s^3): F = [I TI; 0 I], Q = q [T^3/3 I, T^2/2 I; T^2/2 I, T I].
void ncv(double T, double q, Mat6& F, Mat6& Q) {
  const Eigen::Matrix3d I = Eigen::Matrix3d::Identity();
  F.setIdentity();
  F.block<3, 3>(0, 3) = T * I;
  Q << q * T * T * T / 3 * I, q * T * T / 2 * I, q * T * T / 2 * I, q * T * I;
}

// The Kalman filter's covariance: the Riccati recursion, Joseph form. Written here, apart
// from the information form under test.
struct Riccati {
  Eigen::MatrixXd P;
  void predict(const Eigen::MatrixXd& F, const Eigen::MatrixXd& Q) {
    P = F * P * F.transpose() + Q;
  }
  void update(const Eigen::MatrixXd& H, const Eigen::MatrixXd& R) {
    const Eigen::MatrixXd S = H * P * H.transpose() + R;
    const Eigen::MatrixXd K =
        P * H.transpose() * S.llt().solve(Eigen::MatrixXd::Identity(S.rows(), S.cols()));
    const Eigen::MatrixXd A = Eigen::MatrixXd::Identity(P.rows(), P.cols()) - K * H;
    P = A * P * A.transpose() + K * R * K.transpose();
    P = 0.5 * (P + P.transpose()).eval();
  }
};

}  // namespace

// A static scalar observed k times with noise sigma^2 and no prior: the bound is sigma^2 / k.
TEST(Pcrlb, StaticScalarIsSigmaSquaredOverK) {
  const double sigma2 = 4.0;
  auto b = Pcrlb<1>::from_information(Eigen::Matrix<double, 1, 1>::Zero());
  const Eigen::Matrix<double, 1, 1> F = Eigen::Matrix<double, 1, 1>::Identity();
  const Eigen::Matrix<double, 1, 1> Q = Eigen::Matrix<double, 1, 1>::Zero();
  const Eigen::Matrix<double, 1, 1> H = Eigen::Matrix<double, 1, 1>::Identity();
  const Eigen::Matrix<double, 1, 1> R = Eigen::Matrix<double, 1, 1>::Constant(sigma2);
  for (int k = 1; k <= 200; ++k) {
    if (k > 1) {
      ASSERT_EQ(b.predict(F, Q), PcrlbStatus::ok) << b.reason();
    }
    ASSERT_EQ(b.update(H, R), PcrlbStatus::ok);
    EXPECT_NEAR(b.bound()(0, 0), sigma2 / k, 1e-13 * sigma2 / k);
  }
}

// A static 3-D position seen by a sensor with correlated noise R: the bound is R / k
// (dynamic size), and a prior P0 adds its information: (P0^-1 + k R^-1)^-1.
TEST(Pcrlb, Static3dParameterIsROverK) {
  Eigen::Matrix3d R;
  R << 400, 120, -50, 120, 900, 80, -50, 80, 100;
  const Eigen::MatrixXd I = Eigen::MatrixXd::Identity(3, 3);
  auto b = Pcrlb<Eigen::Dynamic>::from_information(Eigen::MatrixXd::Zero(3, 3));
  const Eigen::Matrix3d P0 = 1e4 * Eigen::Matrix3d::Identity();
  auto with_prior = Pcrlb<Eigen::Dynamic>::from_covariance(P0);
  ASSERT_TRUE(with_prior.ok());
  for (int k = 1; k <= 50; ++k) {
    if (k > 1) b.predict(I, Eigen::MatrixXd::Zero(3, 3));
    with_prior.predict(I, Eigen::MatrixXd::Zero(3, 3));
    b.update(Eigen::MatrixXd(I), Eigen::MatrixXd(R));
    with_prior.update(Eigen::MatrixXd(I), Eigen::MatrixXd(R));
    ASSERT_TRUE(b.ok() && with_prior.ok());
    EXPECT_LT(relative_difference(b.bound(), R / k), 1e-12) << "k=" << k;
    const Eigen::Matrix3d expected = (P0.inverse() + k * R.inverse()).inverse();
    EXPECT_LT(relative_difference(with_prior.bound(), expected), 1e-12) << "k=" << k;
    EXPECT_NEAR(b.position_rmse_bound_m(), std::sqrt(R.trace() / k), 1e-12 * std::sqrt(R.trace()));
  }
}

// Linear-Gaussian NCV: the bound is the Kalman filter's covariance at every step (the KF is
// efficient), with a schedule of no, one or two measurements per scan (a position sensor and
// a linearised range-like row). Relative 1e-9; both at fixed size 6 and dynamic size.
TEST(Pcrlb, NcvEqualsKalmanCovariance) {
  Rng rng(31);
  Mat6 F, Q;
  ncv(2.0, 0.5, F, Q);
  Mat6 P0 = Mat6::Zero();
  P0.diagonal() << 1e6, 1e6, 1e6, 1e4, 1e4, 1e4;
  H3 h_pos = H3::Zero();
  h_pos.block<3, 3>(0, 0).setIdentity();
  Eigen::Matrix3d r_pos;
  r_pos << 900, 200, 0, 200, 400, -100, 0, -100, 2500;
  Row6 h_range = Row6::Zero();
  h_range.head<3>() = Eigen::Vector3d(0.6, 0.0, 0.8).transpose();
  const Eigen::Matrix<double, 1, 1> r_range = Eigen::Matrix<double, 1, 1>::Constant(100.0);
  const Eigen::MatrixXd r_range_dynamic = Eigen::MatrixXd::Constant(1, 1, 100.0);

  auto fixed = Pcrlb<6>::from_covariance(P0);
  auto dynamic = Pcrlb<Eigen::Dynamic>::from_covariance(P0);
  Riccati kf{P0};
  for (int k = 0; k < 300; ++k) {
    fixed.predict(F, Q);
    dynamic.predict(F, Q);
    kf.predict(F, Q);
    const double u = rng.uniform();
    if (u > 0.2) {
      fixed.update(h_pos, r_pos);
      dynamic.update(Eigen::MatrixXd(h_pos), Eigen::MatrixXd(r_pos));
      kf.update(h_pos, r_pos);
    }
    if (u > 0.7) {
      fixed.update(h_range, r_range);
      dynamic.update(Eigen::MatrixXd(h_range), r_range_dynamic);
      kf.update(h_range, r_range_dynamic);
    }
    ASSERT_TRUE(fixed.ok() && dynamic.ok()) << fixed.reason() << dynamic.reason();
    EXPECT_LT(relative_difference(fixed.bound(), kf.P), 1e-9) << "k=" << k;
    EXPECT_LT(relative_difference(dynamic.bound(), fixed.bound()), 1e-12) << "k=" << k;
    EXPECT_NEAR(fixed.position_rmse_bound_m(), std::sqrt(kf.P.topLeftCorner(3, 3).trace()),
                1e-9 * fixed.position_rmse_bound_m());
    EXPECT_NEAR(fixed.velocity_rmse_bound_mps(), std::sqrt(kf.P.block(3, 3, 3, 3).trace()),
                1e-9 * fixed.velocity_rmse_bound_mps());
  }
}

// Steady state of the 1-D alpha-beta filter (discrete white noise acceleration, sd sigma_a;
// position measurements, sd sigma_z, every T): Bar-Shalom, Li & Kirubarajan 2001, sec. 6.5.3,
// with tracking index lambda = sigma_a T^2 / sigma_z,
//   alpha = -(lambda^2 + 8 lambda - (lambda + 4) sqrt(lambda^2 + 8 lambda)) / 8,
//   beta  = (lambda^2 + 4 lambda - lambda sqrt(lambda^2 + 8 lambda)) / 4,
//   P = sigma_z^2 [alpha, beta / T; beta / T, beta (alpha - beta / 2) / ((1 - alpha) T^2)].
TEST(Pcrlb, AlphaBetaSteadyState) {
  const double T = 5.0;
  const double sigma_a = 0.3;
  const double sigma_z = 50.0;
  Eigen::Matrix2d F, Q, P0;
  F << 1, T, 0, 1;
  const Eigen::Vector2d g(T * T / 2, T);
  Q = sigma_a * sigma_a * g * g.transpose();  // rank 1
  P0 << 1e6, 0, 0, 1e4;
  const Eigen::Matrix<double, 1, 2> H(1.0, 0.0);
  const Eigen::Matrix<double, 1, 1> R = Eigen::Matrix<double, 1, 1>::Constant(sigma_z * sigma_z);
  auto b = Pcrlb<2>::from_covariance(P0);
  for (int k = 0; k < 2000; ++k) {
    b.predict(F, Q);
    b.update(H, R);
  }
  ASSERT_TRUE(b.ok());
  const double lambda = sigma_a * T * T / sigma_z;
  const double root = std::sqrt(lambda * lambda + 8 * lambda);
  const double alpha = -(lambda * lambda + 8 * lambda - (lambda + 4) * root) / 8;
  const double beta = (lambda * lambda + 4 * lambda - lambda * root) / 4;
  Eigen::Matrix2d expected;
  expected << alpha, beta / T, beta / T, beta * (alpha - beta / 2) / ((1 - alpha) * T * T);
  expected *= sigma_z * sigma_z;
  EXPECT_LT(relative_difference(b.bound(), expected), 1e-9) << b.bound() << "\n" << expected;
}

TEST(Pcrlb, FailuresAreStickyStatuses) {
  Eigen::Matrix2d indefinite;
  indefinite << 1, 2, 2, 1;
  const auto bad_prior = Pcrlb<2>::from_covariance(indefinite);
  EXPECT_EQ(bad_prior.status(), PcrlbStatus::not_positive_definite);
  EXPECT_TRUE(std::isnan(bad_prior.bound()(0, 0)));

  // No prior and no measurement yet: nothing to predict from.
  auto b = Pcrlb<2>::from_information(Eigen::Matrix2d::Zero());
  EXPECT_TRUE(b.ok());
  EXPECT_EQ(b.predict(Eigen::Matrix2d::Identity(), Eigen::Matrix2d::Identity()),
            PcrlbStatus::not_positive_definite);
  EXPECT_FALSE(b.reason().empty());
  const Eigen::Matrix<double, 1, 2> H(1.0, 0.0);
  EXPECT_EQ(b.update(H, Eigen::Matrix<double, 1, 1>::Constant(1.0)),
            PcrlbStatus::not_positive_definite);
  EXPECT_EQ(b.information(), Eigen::Matrix2d::Zero());  // later steps do nothing

  auto c = Pcrlb<2>::from_covariance(Eigen::Matrix2d::Identity());
  Eigen::Matrix2d F = Eigen::Matrix2d::Identity();
  F(0, 1) = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(c.predict(F, Eigen::Matrix2d::Identity()), PcrlbStatus::non_finite);
  EXPECT_EQ(c.reason(), "F has a non-finite entry");

  auto d = Pcrlb<2>::from_covariance(Eigen::Matrix2d::Identity());
  EXPECT_EQ(d.update(H, Eigen::Matrix<double, 1, 1>::Constant(-1.0)),
            PcrlbStatus::not_positive_definite);
  EXPECT_EQ(to_string(PcrlbStatus::non_finite), "non_finite");
}
