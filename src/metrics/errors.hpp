// Estimation errors: RMSE accumulators and filter consistency (NEES against a chi-square
// band).
//
// RMSE = sqrt( sum of |e|^2 / count ) over the samples added (e.g. over Monte Carlo runs at
// one time, or over a whole track); the unit is that of e (m for position, m/s for velocity).
//
// NEES (normalised estimation error squared) of an error e = x_est - x_true with the
// estimator's covariance P: eps = e' P^{-1} e, computed as |L^{-1} e|^2 with P = L L'
// (Cholesky; never an inverse). If the estimator is consistent, eps ~ chi2(n), n = dim(e).
// Averaged over N independent runs at one time, N * eps_bar ~ chi2(N n), so the two-sided
// band of probability 1 - alpha for eps_bar is
//   [ chi2^{-1}(alpha / 2; N n) / N,  chi2^{-1}(1 - alpha / 2; N n) / N ]
// (Bar-Shalom, Li & Kirubarajan, "Estimation with Applications to Tracking and Navigation",
// Wiley 2001, sec. 5.4.2; e.g. N = 50, n = 2, 95 %: [1.48, 2.59]).
//
// Chi-square quantiles: base/chi2.hpp (Boost.Math).
//
// Failures (STYLE 9): a covariance that is not positive definite, or a non-finite error or
// covariance, gives NaN with a status. Mismatched sizes, p outside [0, 1] and k < 1 are
// contract violations (asserted; NaN in a release build).
#pragma once

#include <Eigen/Core>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>

#include "base/chi2.hpp"

namespace trilink::metrics {

// Sum of squared errors and their count.
class RmseAccumulator {
 public:
  template <typename Derived>
  void add(const Eigen::MatrixBase<Derived>& error) {
    sum_squared_ += error.squaredNorm();
    ++count_;
  }
  void add_squared(double squared_error) {
    sum_squared_ += squared_error;
    ++count_;
  }
  void merge(const RmseAccumulator& other) {
    sum_squared_ += other.sum_squared_;
    count_ += other.count_;
  }

  double sum_squared() const { return sum_squared_; }
  std::size_t count() const { return count_; }
  // sqrt(sum_squared / count); NaN when empty.
  double rmse() const {
    return count_ == 0 ? std::numeric_limits<double>::quiet_NaN()
                       : std::sqrt(sum_squared_ / static_cast<double>(count_));
  }

 private:
  double sum_squared_ = 0.0;
  std::size_t count_ = 0;
};

// Position (m) and velocity (m/s) RMSE of [position, velocity, ...] states.
struct StateRmse {
  RmseAccumulator position;  // m
  RmseAccumulator velocity;  // m/s

  // Both states have at least 6 components, laid out as track::pos / track::vel.
  template <typename A, typename B>
  void add(const Eigen::MatrixBase<A>& estimate, const Eigen::MatrixBase<B>& truth) {
    position.add(estimate.template segment<3>(0) - truth.template segment<3>(0));
    velocity.add(estimate.template segment<3>(3) - truth.template segment<3>(3));
  }
};

enum class NeesStatus : std::uint8_t {
  ok,
  not_positive_definite,  // the Cholesky factorisation of P failed
  non_finite,             // e or P has a NaN or infinite entry
};
std::string_view to_string(NeesStatus s);

struct Nees {
  double value = 0.0;  // e' P^{-1} e (dimensionless); NaN unless ok
  NeesStatus status = NeesStatus::ok;

  bool ok() const { return status == NeesStatus::ok; }
};

// e has n entries, P is n x n symmetric (only its lower triangle is read).
Nees nees(const Eigen::VectorXd& err, const Eigen::MatrixXd& P);

// The band that the N-run average NEES of an n-dimensional state falls in with probability
// `confidence` when the estimator is consistent (dimensionless).
struct NeesBand {
  double lo = 0.0;
  double hi = 0.0;

  bool contains(double nees_average) const { return nees_average >= lo && nees_average <= hi; }
};
NeesBand nees_band(int state_dim, int runs, double confidence = 0.95);

// Where averaged NEES samples (one per time step, say) fall relative to a band.
class NeesConsistency {
 public:
  explicit NeesConsistency(NeesBand band) : band_(band) {}

  // A NaN sample (a failed NEES) is counted as invalid, not as a sample.
  void add(double nees_average);

  const NeesBand& band() const { return band_; }
  std::size_t samples() const { return below_ + inside_ + above_; }
  std::size_t inside() const { return inside_; }
  std::size_t below() const { return below_; }  // pessimistic: P too large
  std::size_t above() const { return above_; }  // optimistic: P too small
  std::size_t invalid() const { return invalid_; }
  // inside / samples; NaN with no samples.
  double fraction_inside() const;
  // Mean of the valid samples; NaN with none.
  double mean() const;

 private:
  NeesBand band_;
  std::size_t below_ = 0;
  std::size_t inside_ = 0;
  std::size_t above_ = 0;
  std::size_t invalid_ = 0;
  double sum_ = 0.0;
};

}  // namespace trilink::metrics
