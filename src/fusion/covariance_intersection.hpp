// Covariance intersection (Julier & Uhlmann, "A non-divergent estimation algorithm in the
// presence of unknown correlations", Proc. American Control Conference 1997): the fusion of
// n estimates (x_i, P_i) of one state whose cross-correlations are unknown,
//
//   P^-1 = sum_i w_i P_i^-1,   x = P sum_i w_i P_i^-1 x_i,   w_i >= 0, sum_i w_i = 1,
//
// is consistent (P >= the true error covariance of x in the PSD sense) for every
// cross-correlation consistent with the P_i. The weights minimise trace(P):
//  - n = 2: golden-section search on w_1 in [0, 1] (trace(P(w)) is convex in w, since X ->
//    tr(X^-1) is convex on positive definite X and P^-1 is affine in w);
//  - n > 2: cyclic coordinate descent on the simplex: for each i in turn, a golden-section
//    line search along w + t (e_i - w), t in [-w_i / (1 - w_i), 1] (keeps every w_j >= 0),
//    until a sweep lowers the trace by less than 1e-9 relative (at most 50 sweeps). The
//    objective is convex, so this converges to the minimum (to the line search's
//    tolerance); the result is never worse than the best single estimate, which is checked.
// All inverses are LLT solves; P is symmetrised; a non-finite or non-positive-definite
// input or result is a failure with a reason, never a fused NaN.
#pragma once

#include <span>
#include <vector>

#include "fusion/time_alignment.hpp"

namespace trilink::fusion {

struct CiFusion {
  Estimate fused;
  std::vector<double> weights;  // one per estimate, >= 0, summing to 1
};

FusionResult<CiFusion> covariance_intersection(std::span<const Estimate> estimates);
FusionResult<CiFusion> covariance_intersection(const Estimate& a, const Estimate& b);

}  // namespace trilink::fusion
