// Posterior Cramer-Rao lower bound (PCRLB): the accuracy limit that no estimator of the state
// can beat, whatever the tracker.
//
// For x_{k+1} = f_k(x_k) + w_k, w_k ~ N(0, Q_k), and measurements z = h_i(x) + v_i,
// v_i ~ N(0, R_i), the Fisher information J_k of the state obeys (Tichavsky, Muravchik &
// Nehorai, "Posterior Cramer-Rao bounds for discrete-time nonlinear filtering", IEEE Trans.
// Signal Processing 46(5), 1998, eq. (21) with additive Gaussian noise):
//   J_{k+1} = (Q_k + F_k J_k^{-1} F_k')^{-1} + sum_i H_i' R_i^{-1} H_i,
// the sum over the measurements at k+1 (zero when none), with F_k and H_i the Jacobians of
// f_k and h_i. Here they are taken on the true trajectory (the usual evaluation when the
// expectation over the state is dropped; exact for linear models). Then any unbiased
// estimator has E[(x_est - x)(x_est - x)'] >= P_k = J_k^{-1}, and the position RMSE is at
// least sqrt(trace of the position block of P_k). A missed detection is simply a time with
// no measurement (the bound conditional on the detection sequence).
//
// Numerics (STYLE 5): J^{-1} and (Q + F P F')^{-1} by Cholesky solves (never inverse()), the
// measurement term as W' W with W = L_R^{-1} H, every matrix symmetrised. The first failure
// (a matrix that is not positive definite, or a non-finite entry) is kept as the status with
// a reason; later steps then do nothing.
//
// N is the state dimension, fixed (e.g. 6: position, velocity) or Eigen::Dynamic. Positions
// and velocities are laid out as in track::pos / track::vel (m, m/s).
#pragma once

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <cassert>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>

namespace trilink::metrics {

enum class PcrlbStatus : std::uint8_t {
  ok,
  not_positive_definite,  // a covariance or information matrix has no Cholesky factor
  non_finite,             // an input has a NaN or infinite entry
};
std::string_view to_string(PcrlbStatus s);

template <int N>
class Pcrlb {
 public:
  using Matrix = Eigen::Matrix<double, N, N>;

  // From the prior covariance P0 (symmetric positive definite).
  static Pcrlb from_covariance(const Matrix& P0) {
    Pcrlb b(Matrix::Zero(P0.rows(), P0.cols()));
    if (!b.require_finite(P0, "P0")) return b;
    const Eigen::LLT<Matrix> llt(symmetric(P0));
    if (llt.info() != Eigen::Success) {
      b.fail(PcrlbStatus::not_positive_definite, "P0 is not positive definite");
      return b;
    }
    b.J_ = symmetric(llt.solve(Matrix::Identity(P0.rows(), P0.cols())));
    return b;
  }
  // From the prior information J0 (symmetric positive semi-definite; zero = no prior, in
  // which case measurements must come before the first predict()).
  static Pcrlb from_information(const Matrix& J0) {
    Pcrlb b(symmetric(J0));
    b.require_finite(J0, "J0");
    return b;
  }

  // Across one step of the dynamics: J <- (Q + F J^{-1} F')^{-1}.
  PcrlbStatus predict(const Matrix& F, const Matrix& Q) {
    if (!ok() || !require_finite(F, "F") || !require_finite(Q, "Q")) return status_;
    const auto n = J_.rows();
    const Eigen::LLT<Matrix> llt_j(J_);
    if (llt_j.info() != Eigen::Success) {
      return fail(PcrlbStatus::not_positive_definite,
                  "J is singular before predict (no information on some direction)");
    }
    const Matrix P = llt_j.solve(Matrix::Identity(n, n));
    const Matrix P_pred = symmetric(F * P * F.transpose() + Q);
    const Eigen::LLT<Matrix> llt_p(P_pred);
    if (llt_p.info() != Eigen::Success)
      return fail(PcrlbStatus::not_positive_definite, "Q + F J^-1 F' is not positive definite");
    J_ = symmetric(llt_p.solve(Matrix::Identity(n, n)));
    return status_;
  }

  // One measurement: J <- J + H' R^{-1} H, H m x N, R m x m symmetric positive definite.
  template <typename DerivedH, typename DerivedR>
  PcrlbStatus update(const Eigen::MatrixBase<DerivedH>& H, const Eigen::MatrixBase<DerivedR>& R) {
    assert(H.cols() == J_.rows() && R.rows() == H.rows() && R.cols() == H.rows());
    if (!ok() || !require_finite(H, "H") || !require_finite(R, "R")) return status_;
    using MatR = Eigen::Matrix<double, DerivedR::RowsAtCompileTime, DerivedR::ColsAtCompileTime>;
    using MatH = Eigen::Matrix<double, DerivedH::RowsAtCompileTime, DerivedH::ColsAtCompileTime>;
    const MatR R_sym = 0.5 * (R + R.transpose());
    const Eigen::LLT<MatR> llt_r(R_sym);
    if (llt_r.info() != Eigen::Success)
      return fail(PcrlbStatus::not_positive_definite, "R is not positive definite");
    const MatH W = llt_r.matrixL().solve(H.eval());
    J_ = symmetric(J_ + W.transpose() * W);
    return status_;
  }

  const Matrix& information() const { return J_; }
  // P = J^{-1}; all NaN if J is singular or a step failed.
  Matrix bound() const {
    const auto n = J_.rows();
    const Eigen::LLT<Matrix> llt(J_);
    if (!ok() || llt.info() != Eigen::Success)
      return Matrix::Constant(n, n, std::numeric_limits<double>::quiet_NaN());
    return symmetric(llt.solve(Matrix::Identity(n, n)));
  }
  // sqrt(trace of the position block of P) (m); the state has at least 3 components.
  double position_rmse_bound_m() const {
    assert(J_.rows() >= 3);
    return std::sqrt(bound().template topLeftCorner<3, 3>().trace());
  }
  // sqrt(trace of the velocity block of P) (m/s); the state has at least 6 components.
  double velocity_rmse_bound_mps() const {
    assert(J_.rows() >= 6);
    return std::sqrt(bound().template block<3, 3>(3, 3).trace());
  }

  PcrlbStatus status() const { return status_; }
  const std::string& reason() const { return reason_; }
  bool ok() const { return status_ == PcrlbStatus::ok; }

 private:
  explicit Pcrlb(const Matrix& J) : J_(J) {}

  template <typename Derived>
  static Matrix symmetric(const Eigen::MatrixBase<Derived>& A) {
    return 0.5 * (A + A.transpose());
  }
  PcrlbStatus fail(PcrlbStatus s, std::string reason) {
    status_ = s;
    reason_ = std::move(reason);
    return status_;
  }
  template <typename Derived>
  bool require_finite(const Eigen::MatrixBase<Derived>& A, std::string_view name) {
    if (A.allFinite()) return true;
    fail(PcrlbStatus::non_finite, std::string(name) + " has a non-finite entry");
    return false;
  }

  Matrix J_;
  PcrlbStatus status_ = PcrlbStatus::ok;
  std::string reason_;
};

extern template class Pcrlb<6>;
extern template class Pcrlb<Eigen::Dynamic>;

}  // namespace trilink::metrics
