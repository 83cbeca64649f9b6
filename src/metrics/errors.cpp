#include "metrics/errors.hpp"

#include <Eigen/Cholesky>
#include <cassert>

namespace trilink::metrics {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kEps = std::numeric_limits<double>::epsilon();
constexpr double kTiny = std::numeric_limits<double>::min() / kEps;
constexpr int kMaxTerms = 100000;  // enough for a up to ~1e8 (terms grow as sqrt(a))

struct GammaPQ {
  double p = 0.0;  // regularised lower incomplete gamma P(a, x)
  double q = 1.0;  // its complement Q(a, x) = 1 - P(a, x)
};

// P(a, x) and Q(a, x) for a > 0, x >= 0 (Numerical Recipes 3rd ed., sec. 6.2: gser / gcf).
GammaPQ regularized_gamma(double a, double x) {
  if (x <= 0.0) return {0.0, 1.0};
  if (x == kInf) return {1.0, 0.0};
  const double log_prefactor = -x + a * std::log(x) - std::lgamma(a);
  if (x < a + 1.0) {  // series: P = e^-x x^a / Gamma(a) * sum x^n / (a (a+1) ... (a+n))
    double ap = a;
    double term = 1.0 / a;
    double sum = term;
    for (int n = 0; n < kMaxTerms; ++n) {
      ap += 1.0;
      term *= x / ap;
      sum += term;
      if (std::abs(term) < std::abs(sum) * kEps) break;
    }
    const double p = sum * std::exp(log_prefactor);
    return {p, 1.0 - p};
  }
  // Continued fraction for Q, modified Lentz.
  double b = x + 1.0 - a;
  double c = 1.0 / kTiny;
  double d = 1.0 / b;
  double h = d;
  for (int i = 1; i < kMaxTerms; ++i) {
    const double an = -i * (i - a);
    b += 2.0;
    d = an * d + b;
    if (std::abs(d) < kTiny) d = kTiny;
    c = b + an / c;
    if (std::abs(c) < kTiny) c = kTiny;
    d = 1.0 / d;
    const double delta = d * c;
    h *= delta;
    if (std::abs(delta - 1.0) < kEps) break;
  }
  const double q = std::exp(log_prefactor) * h;
  return {1.0 - q, q};
}

// Chi-square density with k = 2a degrees of freedom at x > 0.
double chi2_pdf(double x, double a) {
  const double y = 0.5 * x;
  return 0.5 * std::exp((a - 1.0) * std::log(y) - y - std::lgamma(a));
}

// Standard normal quantile, |error| < 4.5e-4 (Abramowitz & Stegun 26.2.23): a starting value.
double normal_quantile_approx(double p) {
  const double q = p < 0.5 ? p : 1.0 - p;
  const double t = std::sqrt(-2.0 * std::log(q));
  const double z = t - (2.515517 + t * (0.802853 + t * 0.010328)) /
                           (1.0 + t * (1.432788 + t * (0.189269 + t * 0.001308)));
  return p < 0.5 ? -z : z;
}

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

double chi2_cdf(double x, int dof) {
  assert(dof >= 1);
  if (dof < 1 || std::isnan(x)) return kNaN;
  return regularized_gamma(0.5 * dof, 0.5 * x).p;
}

double chi2_quantile(double p, int dof) {
  assert(dof >= 1 && p >= 0.0 && p <= 1.0);
  if (dof < 1 || !(p >= 0.0 && p <= 1.0)) return kNaN;
  if (p == 0.0) return 0.0;
  if (p == 1.0) return kInf;
  const double k = dof;
  const double a = 0.5 * k;
  // Solve g(x) = 0, g increasing: P(a, x/2) - p in the lower half, (1 - p) - Q(a, x/2) above.
  const bool upper = p > 0.5;
  const double target = upper ? 1.0 - p : p;

  const double h = 2.0 / (9.0 * k);
  const double wh = 1.0 - h + normal_quantile_approx(p) * std::sqrt(h);
  double x = k * wh * wh * wh;
  // Small k, lower tail: Wilson-Hilferty can go negative; P(a, y) <= y^a / Gamma(a + 1) gives
  // a start below the root.
  if (!(x > 0.0)) x = 2.0 * std::exp((std::log(p) + std::lgamma(a + 1.0)) / a);

  double lo = 0.0;
  double hi = kInf;
  for (int it = 0; it < 400; ++it) {
    const GammaPQ g_pq = regularized_gamma(a, 0.5 * x);
    const double g = upper ? target - g_pq.q : g_pq.p - target;
    if (g == 0.0) return x;
    if (g < 0.0)
      lo = x;
    else
      hi = x;
    double next = x - g / chi2_pdf(x, a);  // g'(x) is the density for both forms
    if (!(next > lo && next < hi)) next = hi == kInf ? 2.0 * x : 0.5 * (lo + hi);
    if (std::abs(next - x) <= 4.0 * kEps * x) return next;
    if (hi < kInf && hi - lo <= 4.0 * kEps * hi) return 0.5 * (lo + hi);
    x = next;
  }
  return x;
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
