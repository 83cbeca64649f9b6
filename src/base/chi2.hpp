// The chi-square distribution with `dof` >= 1 degrees of freedom: P(X <= x) and its inverse,
// from Boost.Math (boost/math/distributions/chi_squared.hpp; the quantile is the inverse of
// the regularised incomplete gamma function, to full double precision). Every gate, merge
// test, NEES band and confidence ellipse takes its threshold from here, never hand-typed.
#pragma once

#include <boost/math/distributions/chi_squared.hpp>

#include <cassert>
#include <cmath>
#include <limits>

namespace trilink {

// P(X <= x); 0 for x <= 0, NaN for a NaN x.
inline double chi2_cdf(double x, int dof) {
  assert(dof >= 1);
  if (std::isnan(x)) return std::numeric_limits<double>::quiet_NaN();
  if (x <= 0.0) return 0.0;
  if (std::isinf(x)) return 1.0;
  return boost::math::cdf(boost::math::chi_squared_distribution<double>(dof), x);
}

// The x with P(X <= x) = p, p in [0, 1] (0 -> 0, 1 -> +inf).
inline double chi2_quantile(double p, int dof) {
  assert(dof >= 1 && p >= 0.0 && p <= 1.0);
  if (p == 0.0) return 0.0;
  if (p == 1.0) return std::numeric_limits<double>::infinity();
  const boost::math::chi_squared_distribution<double> d(dof);
  // The upper tail through the complement keeps its relative precision near p = 1.
  return p > 0.5 ? boost::math::quantile(boost::math::complement(d, 1.0 - p))
                 : boost::math::quantile(d, p);
}

}  // namespace trilink
