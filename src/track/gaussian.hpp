// Gaussian state estimates with named slices (STYLE 4): states are [position, velocity,
// (thrust acceleration)] in one Cartesian frame, SI units. A prediction and an update are
// different types that remember what produced them.
#pragma once

#include <Eigen/Dense>
#include <cstdint>
#include <type_traits>

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

// Named slices (STYLE 4) of a state x = [p v a]: position, velocity and, in 9-state models,
// thrust acceleration; `kinematic` is [p v]. Matrices indexed by the state take the same
// names: a covariance P (pos_cov(P) = cov(p), block_of<Pos, Vel>(P) = cov(p, v)), a Jacobian
// (block_of<Vel, Acc>(A) = dv'/da), a cross-covariance with parameters cov(x, theta)
// (rows_of<Acc>(C)), P H' (cols_of<Pos>(P)). Each returns the Eigen view of the raw block it
// names (writable when its argument is); the argument must have the slice's indices.
struct Pos {
  static constexpr int start = 0, size = 3;
};
struct Vel {
  static constexpr int start = 3, size = 3;
};
struct Acc {
  static constexpr int start = 6, size = 3;
};
struct Kinematic {
  static constexpr int start = 0, size = 6;
};

template <typename M>
concept EigenMatrix =
    std::is_base_of_v<Eigen::MatrixBase<std::remove_cvref_t<M>>, std::remove_cvref_t<M>>;

template <typename Slice, EigenMatrix M>
auto slice_of(M&& x) {
  return x.template segment<Slice::size>(Slice::start);
}
template <EigenMatrix M>
auto pos(M&& x) {
  return slice_of<Pos>(x);
}
template <EigenMatrix M>
auto vel(M&& x) {
  return slice_of<Vel>(x);
}
template <EigenMatrix M>
auto acc(M&& x) {
  return slice_of<Acc>(x);
}
template <EigenMatrix M>
auto kinematic(M&& x) {
  return slice_of<Kinematic>(x);
}

template <typename Row, typename Col, EigenMatrix M>
auto block_of(M&& m) {
  return m.template block<Row::size, Col::size>(Row::start, Col::start);
}
template <typename Slice, EigenMatrix M>
auto rows_of(M&& m) {
  return m.template middleRows<Slice::size>(Slice::start);
}
template <typename Slice, EigenMatrix M>
auto cols_of(M&& m) {
  return m.template middleCols<Slice::size>(Slice::start);
}
template <EigenMatrix M>
auto pos_cov(M&& P) {
  return block_of<Pos, Pos>(P);
}
template <EigenMatrix M>
auto vel_cov(M&& P) {
  return block_of<Vel, Vel>(P);
}
template <EigenMatrix M>
auto acc_cov(M&& P) {
  return block_of<Acc, Acc>(P);
}
template <EigenMatrix M>
auto kinematic_cov(M&& P) {
  return block_of<Kinematic, Kinematic>(P);
}

// Prediction of a state to a time: the prior of an update.
template <int N>
struct Prediction {
  Gaussian<N> prior;
  double t_s = 0.0;
};

// Keeps a covariance symmetric (round-off makes it drift).
// Each pair once: the same numbers as P = (P + P') / 2 without the temporary.
template <int N>
void symmetrize(Mat<N>& P) {
  for (int j = 1; j < N; ++j)
    for (int i = 0; i < j; ++i) P(i, j) = P(j, i) = 0.5 * (P(i, j) + P(j, i));
}

}  // namespace trilink::track
