#include "metrics/errors.hpp"

#include <Eigen/Cholesky>
#include <cassert>

namespace trilink::metrics {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

}  // namespace

std::string_view to_string(NeesStatus s) {
  switch (s) {
    case NeesStatus::ok:
      return "ok";
    case NeesStatus::not_positive_definite:
      return "not_positive_definite";
    case NeesStatus::non_finite:
      return "non_finite";
  }
  return "unknown";
}

Nees nees(const Eigen::VectorXd& err, const Eigen::MatrixXd& P) {
  assert(P.rows() == err.size() && P.cols() == err.size());
  if (!err.allFinite() || !P.allFinite()) return {kNaN, NeesStatus::non_finite};
  const Eigen::LLT<Eigen::MatrixXd> llt(P);
  if (llt.info() != Eigen::Success) return {kNaN, NeesStatus::not_positive_definite};
  return {llt.matrixL().solve(err).squaredNorm(), NeesStatus::ok};
}

NeesBand nees_band(int state_dim, int runs, double confidence) {
  assert(state_dim >= 1 && runs >= 1 && confidence > 0.0 && confidence < 1.0);
  const int dof = state_dim * runs;
  const double n = runs;
  return {chi2_quantile(0.5 * (1.0 - confidence), dof) / n,
          chi2_quantile(0.5 * (1.0 + confidence), dof) / n};
}

void NeesConsistency::add(double nees_average) {
  if (std::isnan(nees_average)) {
    ++invalid_;
    return;
  }
  if (nees_average < band_.lo)
    ++below_;
  else if (nees_average > band_.hi)
    ++above_;
  else
    ++inside_;
  sum_ += nees_average;
}

double NeesConsistency::fraction_inside() const {
  const std::size_t n = samples();
  return n == 0 ? kNaN : static_cast<double>(inside_) / static_cast<double>(n);
}

double NeesConsistency::mean() const {
  const std::size_t n = samples();
  return n == 0 ? kNaN : sum_ / static_cast<double>(n);
}

}  // namespace trilink::metrics
