#include "fusion/covariance_intersection.hpp"

#include <Eigen/Cholesky>
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <span>
#include <string>

namespace trilink::fusion {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

struct Information {
  std::vector<Covariance> Y;  // P_i^-1
  std::vector<State> y;       // P_i^-1 x_i
};

Covariance combined(const Information& info, std::span<const double> w) {
  Covariance Y = Covariance::Zero();
  for (std::size_t i = 0; i < w.size(); ++i)
    if (w[i] > 0.0) Y += w[i] * info.Y[i];
  return Y;
}

// trace((sum w_i Y_i)^-1), +inf if the sum is not positive definite.
double trace_of(const Information& info, std::span<const double> w) {
  Covariance Y = combined(info, w);
  track::symmetrize<6>(Y);
  const Eigen::LLT<Covariance> llt(Y);
  if (llt.info() != Eigen::Success) return kInf;
  const double tr = llt.solve(Covariance::Identity()).trace();
  return std::isfinite(tr) && tr > 0.0 ? tr : kInf;
}

// Minimises a convex f on [lo, hi] by golden-section search (Press et al., Numerical
// Recipes 3rd ed., §10.2) to a bracket of 1e-6 (the trace is flat at its minimum: a weight
// off by 1e-6 changes it by ~1e-12 relative); returns the arg min.
template <typename F>
double golden_section(F&& f, double lo, double hi) {
  const double r = 0.5 * (std::sqrt(5.0) - 1.0);
  double a = lo, b = hi;
  double c = b - r * (b - a), d = a + r * (b - a);
  double fc = f(c), fd = f(d);
  while (b - a > 1e-6) {
    if (fc <= fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - r * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + r * (b - a);
      fd = f(d);
    }
  }
  // The end points too: the minimum of trace(P) is often at a vertex (one estimate dominates).
  double best = 0.5 * (a + b), fbest = f(best);
  for (double t : {lo, hi}) {
    const double ft = f(t);
    if (ft < fbest) best = t, fbest = ft;
  }
  return best;
}

std::vector<double> optimise_weights(const Information& info) {
  const std::size_t n = info.Y.size();
  if (n == 1) return {1.0};
  if (n == 2) {
    const double w = golden_section(
        [&](double t) {
          const std::array<double, 2> w{t, 1.0 - t};
          return trace_of(info, w);
        },
        0.0, 1.0);
    return {w, 1.0 - w};
  }
  std::vector<double> w(n, 1.0 / static_cast<double>(n));
  std::vector<double> trial(n);
  double current = trace_of(info, w);
  for (int sweep = 0; sweep < 50; ++sweep) {
    const double before = current;
    for (std::size_t i = 0; i < n; ++i) {
      const auto at = [&](double t) {
        for (std::size_t j = 0; j < n; ++j) trial[j] = (1.0 - t) * w[j];
        trial[i] += t;
        return trace_of(info, trial);
      };
      const double lo = w[i] < 1.0 ? -w[i] / (1.0 - w[i]) : 0.0;
      const double t = golden_section(at, lo, 1.0);
      const double ft = at(t);
      if (ft < current) {
        for (std::size_t j = 0; j < n; ++j) w[j] = std::max(0.0, (1.0 - t) * w[j]);
        w[i] += t;
        current = ft;
      }
    }
    if (before - current <= 1e-9 * before) break;
  }
  // Never worse than the best single estimate.
  for (std::size_t i = 0; i < n; ++i) {
    std::vector<double> vertex(n, 0.0);
    vertex[i] = 1.0;
    const double fv = trace_of(info, vertex);
    if (fv < current) w = vertex, current = fv;
  }
  double sum = 0.0;
  for (double wi : w) sum += wi;
  for (double& wi : w) wi /= sum;
  return w;
}

}  // namespace

FusionResult<CiFusion> covariance_intersection(std::span<const Estimate> estimates) {
  if (estimates.empty()) return failure(FusionStatus::invalid_input, "no estimate to fuse");
  const auto what = [](std::size_t i) { return "estimate " + std::to_string(i); };
  // Checked first, named only when one fails (the hub's clock builds no string per track).
  for (std::size_t i = 0; i < estimates.size(); ++i)
    if (!check_estimate(estimates[i], {}))
      return std::unexpected(check_estimate(estimates[i], what(i)).error());
  // One estimate is its own intersection (most system tracks have one member: no inverse of
  // an inverse).
  if (estimates.size() == 1) {
    CiFusion one{estimates[0], {1.0}};
    track::symmetrize<6>(one.fused.P);
    return one;
  }
  Information info;
  for (std::size_t i = 0; i < estimates.size(); ++i) {
    const Eigen::LLT<Covariance> llt(estimates[i].P);
    Covariance Y = llt.solve(Covariance::Identity());
    track::symmetrize<6>(Y);
    if (!Y.allFinite()) return failure(FusionStatus::non_finite, what(i) + ": information matrix");
    info.Y.push_back(Y);
    info.y.push_back(llt.solve(estimates[i].x));
  }
  CiFusion out;
  out.weights = optimise_weights(info);
  Covariance Y = combined(info, out.weights);
  track::symmetrize<6>(Y);
  State y = State::Zero();
  for (std::size_t i = 0; i < out.weights.size(); ++i)
    if (out.weights[i] > 0.0) y += out.weights[i] * info.y[i];
  const Eigen::LLT<Covariance> llt(Y);
  if (llt.info() != Eigen::Success)
    return failure(FusionStatus::not_positive_definite, "fused information not positive definite");
  out.fused.P = llt.solve(Covariance::Identity());
  track::symmetrize<6>(out.fused.P);
  out.fused.x = llt.solve(y);
  if (!out.fused.x.allFinite() || !out.fused.P.allFinite())
    return failure(FusionStatus::non_finite, "fused estimate not finite");
  return out;
}

FusionResult<CiFusion> covariance_intersection(const Estimate& a, const Estimate& b) {
  const Estimate both[] = {a, b};
  return covariance_intersection(both);
}

}  // namespace trilink::fusion
