// Extended Kalman update for position measurements (Bar-Shalom et al. 2001, §5.2; Joseph
// form §5.2.3). Every update says what happened (STYLE 6): innovation, its sigmas, NIS,
// and whether it was fused or rejected and why.
//
//   nu = z - h(x),  S = H P H' + R  (Cholesky),  NIS = nu' S^-1 nu
//   K = P H' S^-1,  x+ = x + K nu,  P+ = (I - K H) P (I - K H)' + K R K'
// S is 3 x 3: its Cholesky factor, solves and inverse are written out (Cholesky3; Eigen's LLT
// runs its general loops and blocked triangular solver even at a fixed 3 x 3). With H = [H_p 0]
// the Joseph form is taken by its factors: M = (I - K H) P = P - (K H_p) P_p. (P_p the position
// rows), then P+ = M - (M H' - K R) K' (its upper triangle mirrored): about 6 N^2
// multiplications rather than 2 N^3.
// A sensor that measures the position itself (H_pos = I: MeasuresPosition, the Cartesian
// workload's) skips the products with H_pos: x * 1 and x + 0 are exact, so the numbers are
// the same to the bit.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "track/gaussian.hpp"
#include "track/measurement_models.hpp"

namespace trilink::track {

// What a filter's update did with a measurement (STYLE 9: numerical trouble is a status with
// a reason, counted by the tracker). An innovation carries the status an update with it
// would start from: fused when it is usable.
enum class UpdateStatus : std::uint8_t {
  fused,
  prior_not_positive_definite,       // the prior's P has no square root (UKF sigma points)
  innovation_not_positive_definite,  // S has no Cholesky factor
  posterior_not_positive_definite,   // P+ has no Cholesky factor (UKF)
  non_finite,                        // an innovation, state, covariance or parameter
  count
};
std::string_view to_string(UpdateStatus s);
inline constexpr std::size_t kUpdateStatuses = static_cast<std::size_t>(UpdateStatus::count);
// Failures counted by status.
using FailureCounts = std::array<std::uint64_t, kUpdateStatuses>;

// A filter update's outcome: on failure the state is untouched.
struct UpdateResult {
  UpdateStatus status = UpdateStatus::fused;
  std::string_view reason = "fused";  // static text, more precise than the status

  bool fused() const { return status == UpdateStatus::fused; }
  static UpdateResult failure(UpdateStatus status, std::string_view reason) {
    return {status, reason};
  }
  static UpdateResult failure(UpdateStatus status) { return {status, to_string(status)}; }
};

// What became of a track's chance of an update in one scan (the tracker's record).
enum class UpdateOutcome : std::uint8_t { fused, outside_gate, lost_assignment, numerical_failure };
std::string_view to_string(UpdateOutcome o);

struct UpdateDiagnostic {
  std::uint64_t track_id = 0;
  double t_s = 0.0;
  std::uint32_t sensor = 0;
  Vec3 innovation = Vec3::Zero();
  Vec3 innovation_sigma = Vec3::Zero();  // sqrt(diag S)
  double nis = 0.0;
  double gate = 0.0;
  UpdateOutcome outcome = UpdateOutcome::fused;
  std::string_view reason;  // static text
};

// The Cholesky factor L of a symmetric 3 x 3 matrix S = L L' (its lower triangle is read,
// as Eigen's LLT does); info() is Eigen::NumericalIssue when S is not positive definite.
class Cholesky3 {
 public:
  Cholesky3& compute(const Mat3& S) {
    L_.setZero();
    info_ = Eigen::NumericalIssue;
    const double d0 = S(0, 0);
    if (!(d0 > 0.0)) return *this;
    L_(0, 0) = std::sqrt(d0);
    L_(1, 0) = S(1, 0) / L_(0, 0);
    L_(2, 0) = S(2, 0) / L_(0, 0);
    const double d1 = S(1, 1) - L_(1, 0) * L_(1, 0);
    if (!(d1 > 0.0)) return *this;
    L_(1, 1) = std::sqrt(d1);
    L_(2, 1) = (S(2, 1) - L_(2, 0) * L_(1, 0)) / L_(1, 1);
    const double d2 = S(2, 2) - L_(2, 0) * L_(2, 0) - L_(2, 1) * L_(2, 1);
    if (!(d2 > 0.0)) return *this;
    L_(2, 2) = std::sqrt(d2);
    info_ = Eigen::Success;
    return *this;
  }
  Eigen::ComputationInfo info() const { return info_; }
  const Mat3& matrixL() const { return L_; }  // zero above the diagonal
  // S^-1 b: L y = b forward, then L' x = y backward.
  Vec3 solve(const Vec3& b) const {
    const Mat3& L = L_;
    const double y0 = b(0) / L(0, 0);
    const double y1 = (b(1) - L(1, 0) * y0) / L(1, 1);
    const double y2 = (b(2) - L(2, 0) * y0 - L(2, 1) * y1) / L(2, 2);
    const double x2 = y2 / L(2, 2);
    const double x1 = (y1 - L(2, 1) * x2) / L(1, 1);
    const double x0 = (y0 - L(1, 0) * x1 - L(2, 0) * x2) / L(0, 0);
    return {x0, x1, x2};
  }
  // S^-1 = L^-T L^-1, with L^-1 (lower triangular) written out.
  Mat3 inverse() const {
    const Mat3& L = L_;
    Mat3 M = Mat3::Zero();
    M(0, 0) = 1.0 / L(0, 0);
    M(1, 1) = 1.0 / L(1, 1);
    M(2, 2) = 1.0 / L(2, 2);
    M(1, 0) = -L(1, 0) * M(0, 0) * M(1, 1);
    M(2, 1) = -L(2, 1) * M(1, 1) * M(2, 2);
    M(2, 0) = -(L(2, 0) * M(0, 0) + L(2, 1) * M(1, 0)) * M(2, 2);
    return M.transpose() * M;
  }
  // log det S.
  double log_det() const { return 2.0 * std::log(L_(0, 0) * L_(1, 1) * L_(2, 2)); }

 private:
  Mat3 L_ = Mat3::Zero();
  Eigen::ComputationInfo info_ = Eigen::InvalidInput;
};

template <int N>
struct Innovation {
  Vec3 nu = Vec3::Zero();
  Mat3 S = Mat3::Identity();
  Mat3 H_pos = Mat3::Identity();
  Cholesky3 llt;
  double nis = 0.0;
  UpdateStatus status = UpdateStatus::non_finite;  // fused: usable
  // H_pos is the identity by the model's definition (a sensor that measures the position
  // itself): the products with it are skipped, which gives the same numbers.
  bool h_identity = false;

  bool ok() const { return status == UpdateStatus::fused; }
};

// The status of an innovation whose S has been factorised: S not finite, S not positive
// definite, or NIS not finite (computed here, as nu' S^-1 nu).
template <int N>
void assess(Innovation<N>& in) {
  if (!in.S.allFinite()) {
    in.status = UpdateStatus::non_finite;
  } else if (in.llt.info() != Eigen::Success) {
    in.status = UpdateStatus::innovation_not_positive_definite;
  } else {
    in.nis = in.nu.dot(in.llt.solve(in.nu));
    in.status = std::isfinite(in.nis) ? UpdateStatus::fused : UpdateStatus::non_finite;
  }
}

// Innovation of measurement z (covariance R) against a prior; not ok when S is not positive
// definite or something is not finite.
template <int N, typename Model>
Innovation<N> innovate(const Gaussian<N>& prior, const Model& model, const Vec3& z, const Mat3& R) {
  Innovation<N> in;
  if constexpr (MeasuresPosition<Model>) {
    in.h_identity = true;
    in.nu = model.innovation(z, pos(prior.x));
    in.S = pos_cov(prior.P) + R;
  } else {
    const MeasurementPrediction m = model.predict(pos(prior.x));
    in.H_pos = m.H_pos;
    in.nu = model.innovation(z, m.z);
    in.S = m.H_pos * pos_cov(prior.P) * m.H_pos.transpose() + R;
  }
  in.llt.compute(in.S);
  assess(in);
  return in;
}

namespace detail {
// The Joseph-form update of an N-state Gaussian by an innovation taken on any state whose
// first three are the position (Innovation's members do not depend on its N).
template <int N, int NI>
UpdateResult joseph_update(Gaussian<N>& g, const Innovation<NI>& in, const Mat3& R) {
  using MatN3 = Eigen::Matrix<double, N, 3>;
  // P H' with H = [H_pos 0]: only the position columns of P take part.
  MatN3 PHt = cols_of<Pos>(g.P);
  if (!in.h_identity) PHt = PHt * in.H_pos.transpose();
  const MatN3 K = PHt * in.llt.inverse();
  // The position columns of K H.
  MatN3 KH = K;
  if (!in.h_identity) KH = K * in.H_pos;
  Mat<N> M = g.P - KH.lazyProduct(rows_of<Pos>(g.P));
  MatN3 W = cols_of<Pos>(M);  // M H', then less K R
  if (!in.h_identity) W = W * in.H_pos.transpose();
  W -= K * R;
  const Vec<N> x = g.x + K * in.nu;
  // M becomes P+ (the whole product vectorises better than the triangle's dot products).
  M.noalias() -= W.lazyProduct(K.transpose());
  const Mat<N> P = M.template selfadjointView<Eigen::Upper>();
  if (!x.allFinite() || !P.allFinite())
    return UpdateResult::failure(UpdateStatus::non_finite, "posterior not finite");
  g.x = x;
  g.P = P;
  return {};
}
}  // namespace detail

// Joseph-form update with an innovation that is ok(). On failure the state is untouched.
//   M = (I - K H) P,  P+ = M (I - K H)' + K R K' = M - (M H' - K R) K'
// (M (K H)' = (M H') K'): the Joseph form regrouped, the same polynomial in K, so an error in
// K still reaches P+ only to second order. P+ is symmetric: its upper triangle is kept and
// mirrored (the lower one is the same numbers by another rounding).
// A 9-state Gaussian whose acceleration is uncorrelated with its kinematic states (a
// ballistic mode's held acceleration) keeps it as it is: K's acceleration rows are zero, so
// only the kinematic block is updated — the same numbers, with under half the products.
template <int N>
UpdateResult update(Gaussian<N>& g, const Innovation<N>& in, const Mat3& R) {
  if constexpr (N == 9) {
    if ((block_of<Kinematic, Acc>(g.P).array() == 0.0).all()) {
      Gaussian<6> k;
      k.x = kinematic(g.x);
      k.P = kinematic_cov(g.P);
      if (const UpdateResult r = detail::joseph_update(k, in, R); !r.fused()) return r;
      kinematic(g.x) = k.x;
      kinematic_cov(g.P) = k.P;
      return {};
    }
  }
  return detail::joseph_update(g, in, R);
}

}  // namespace trilink::track
