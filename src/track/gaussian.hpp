// Gaussian state estimates with named slices (STYLE 4): states are [position, velocity,
// (thrust acceleration)] in one Cartesian frame, SI units. A prediction and an update are
// different types that remember what produced them.
#pragma once

#include <Eigen/Dense>
#include <cstdint>

namespace trilink::track {

template <int N>
using Vec = Eigen::Matrix<double, N, 1>;
template <int N>
using Mat = Eigen::Matrix<double, N, N>;
using Vec3 = Eigen::Vector3d;
using Mat3 = Eigen::Matrix3d;

template <int N>
struct Gaussian {
  Vec<N> x = Vec<N>::Zero();
  Mat<N> P = Mat<N>::Identity();
};

template <typename Derived>
auto pos(Eigen::MatrixBase<Derived>& x) {
  return x.template segment<3>(0);
}
template <typename Derived>
auto pos(const Eigen::MatrixBase<Derived>& x) {
  return x.template segment<3>(0);
}
template <typename Derived>
auto vel(Eigen::MatrixBase<Derived>& x) {
  return x.template segment<3>(3);
}
template <typename Derived>
auto vel(const Eigen::MatrixBase<Derived>& x) {
  return x.template segment<3>(3);
}
template <int N>
auto pos_cov(const Mat<N>& P) {
  return P.template block<3, 3>(0, 0);
}

// Prediction of a state to a time: the prior of an update.
template <int N>
struct Prediction {
  Gaussian<N> prior;
  double t_s = 0.0;
};

// Keeps a covariance symmetric (round-off makes it drift).
template <int N>
void symmetrize(Mat<N>& P) {
  P = 0.5 * (P + P.transpose()).eval();
}

}  // namespace trilink::track
