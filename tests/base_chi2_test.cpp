// base/chi2.hpp against published tables, closed forms and its own round trip.
#include "base/chi2.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

using namespace trilink;

// Published table values (e.g. NIST/SEMATECH e-Handbook of Statistical Methods, table
// 1.3.6.7.4, and Abramowitz & Stegun table 26.8), given to 3 decimals: tolerance half a unit
// of the last digit.
TEST(Chi2, QuantileMatchesTables) {
  struct Row {
    double p;
    int dof;
    double x;
    double tol;
  };
  const Row rows[] = {
      {0.975, 6, 14.449, 5e-4},   {0.025, 6, 1.237, 5e-4},     {0.95, 3, 7.815, 5e-4},
      {0.999, 3, 16.266, 5e-4},   {0.95, 2, 5.991, 5e-4},      {0.95, 1, 3.841, 5e-4},
      {0.99, 1, 6.635, 5e-4},     {0.99, 10, 23.209, 5e-4},    {0.05, 10, 3.940, 5e-4},
      {0.025, 100, 74.222, 5e-4}, {0.975, 100, 129.561, 5e-4}, {0.005, 1, 3.927e-5, 5e-8},
      {0.5, 4, 3.357, 5e-4},      {0.999, 30, 59.703, 5e-4},
  };
  for (const Row& r : rows)
    EXPECT_NEAR(chi2_quantile(r.p, r.dof), r.x, r.tol) << "p=" << r.p << " dof=" << r.dof;
}

// Closed forms: dof 2, F = 1 - exp(-x/2); dof 1 at 95 %, the square of the normal quantile
// 1.959963984540054; dof 4, F = 1 - exp(-x/2)(1 + x/2).
TEST(Chi2, ClosedForms) {
  for (const double p : {1e-12, 1e-6, 0.01, 0.3, 0.5, 0.7, 0.95, 0.999, 1 - 1e-9}) {
    EXPECT_NEAR(chi2_quantile(p, 2), -2.0 * std::log1p(-p), 1e-13 * -2.0 * std::log1p(-p));
  }
  EXPECT_NEAR(chi2_quantile(0.95, 1), 1.959963984540054 * 1.959963984540054, 1e-13);
  for (const double x : {1e-3, 0.5, 2.0, 7.0, 30.0}) {
    EXPECT_NEAR(chi2_cdf(x, 2), -std::expm1(-0.5 * x), 1e-15);
    EXPECT_NEAR(chi2_cdf(x, 4), 1.0 - std::exp(-0.5 * x) * (1.0 + 0.5 * x), 1e-15);
    EXPECT_NEAR(chi2_cdf(x, 1), std::erf(std::sqrt(0.5 * x)), 1e-15);
  }
  EXPECT_EQ(chi2_quantile(0.0, 3), 0.0);
  EXPECT_EQ(chi2_quantile(1.0, 3), std::numeric_limits<double>::infinity());
  EXPECT_EQ(chi2_cdf(0.0, 3), 0.0);
  EXPECT_EQ(chi2_cdf(-1.0, 3), 0.0);
}

// Round trip F(F^{-1}(p)) = p, in both tails, dof 1 to 6000 (the band of 1000 runs of a
// 6-state): relative 1e-12 on the lower tail probability up to dof 300, 1e-11 beyond (the
// exponent -x/2 + a ln(x/2) - ln Gamma(a) is a difference of terms of size a ln a).
TEST(Chi2, QuantileRoundTrip) {
  for (const int dof : {1, 2, 3, 5, 6, 9, 17, 60, 300, 1000, 6000}) {
    for (const double p : {1e-10, 1e-4, 0.025, 0.1, 0.5, 0.9, 0.975, 1 - 1e-4, 1 - 1e-10}) {
      const double x = chi2_quantile(p, dof);
      ASSERT_TRUE(std::isfinite(x) && x > 0.0) << dof << " " << p;
      const double f = chi2_cdf(x, dof);
      const double rel = dof <= 300 ? 1e-12 : 1e-11;
      if (p <= 0.5)
        EXPECT_NEAR(f, p, rel * p) << "dof=" << dof << " p=" << p;
      else
        EXPECT_NEAR(1.0 - f, 1.0 - p, 1e-6 * (1.0 - p) + 1e-15) << "dof=" << dof << " p=" << p;
    }
  }
  // Wilson-Hilferty is good to ~1e-4 relative at large dof: a check on the whole quantile.
  const double k = 6000.0;
  const double z = 1.959963984540054;
  const double h = 2.0 / (9.0 * k);
  const double wh = k * std::pow(1.0 - h + z * std::sqrt(h), 3);
  EXPECT_NEAR(chi2_quantile(0.975, 6000), wh, 1e-4 * wh);
}
