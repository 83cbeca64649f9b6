// Distances between finite sets of points in R^3: the multi-target error of a scan, truth
// against estimates, in one number with its parts.
//
// Both metrics cut a point-to-point distance d = |x - y| (m) off at c > 0 (m) and take it to
// an order p >= 1.
//
// OSPA (Schuhmacher, Vo & Vo, "A consistent metric for performance evaluation of
// multi-object filters", IEEE Trans. Signal Processing 56(8), 2008, eqs. (3)-(5)). For
// X = {x_1..x_m}, Y = {y_1..y_n}, m <= n (else swap; OSPA is symmetric):
//   OSPA^p = (1/n) [ min over injections pi of X into Y of sum_i min(d(x_i, y_pi(i)), c)^p
//                    + c^p (n - m) ],
// localisation^p = (1/n) min sum_i min(d, c)^p,  cardinality^p = c^p (n - m) / n,
// so OSPA^p = localisation^p + cardinality^p and OSPA lies in [0, c].
//
// GOSPA with alpha = 2 (Rahmathullah, Garcia-Fernandez & Svensson, "Generalized optimal
// sub-pattern assignment metric", FUSION 2017, eq. (2)). X is the truth, Y the estimates; over
// the partial assignments gamma (sets of disjoint pairs):
//   GOSPA^p = min over gamma of [ sum over (i, j) in gamma of d(x_i, y_j)^p
//                                 + (c^p / 2) (m + n - 2 |gamma|) ],
// split into localisation = sum of d^p over the assigned pairs, missed = (c^p / 2) per
// unassigned truth, false = (c^p / 2) per unassigned estimate (all in m^p).
//
// Both are one sparse problem (the reduction that keeps the result exactly optimal). Let
//   S = min over partial matchings M using only pairs with d < c of sum over M (d^p - c^p).
// GOSPA: a pair with d >= c never lowers the bracket (it costs d^p >= c^p, the same or more
// than leaving both ends unassigned), so GOSPA^p = (c^p / 2)(m + n) + S. OSPA (m <= n): for
// any injection pi, sum_i min(d, c)^p + c^p (n - m) >= c^p n + S, since dropping its pairs
// with d >= c (each costs exactly c^p) leaves such a matching M, and the sum is then
// c^p n + sum over M (d^p - c^p); conversely an optimal M extends to an injection
// (n - |M| >= m - |M| free points of Y remain) whose added pairs cost min(d, c)^p <= c^p
// each. Hence OSPA^p = c^p + S / max(m, n).
// S splits over the connected components of the graph of pairs with d < c (a matching uses no
// other pair), and the OSPA argument applied to one component of r truths and k estimates
// gives: min over injections of its smaller side into its larger of sum min(d, c)^p
// = c^p min(r, k) + S_component. So each component is solved exactly by the dense
// Jonker-Volgenant solver (track::AssignmentSolver) on its r x k cut-off matrix (d^p for the
// pairs with d < c, c^p for the others), and its assigned pairs with d >= c are dropped; a
// component with a single truth or a single estimate takes its closest pair. The pairs within
// c come from track::SpatialGrid (which misses none). No step approximates. (This is
// track::GnnAssociator's decomposition with the r x k cut-off matrix in place of the
// r x (k + r) matrix with a miss column per row: 2-3 times faster on dense components.)
//
// Cost: the spatial search is O(m + n + candidate pairs); the assignment is cheap while the
// points within c of one another form small groups. A component of r truths and k estimates
// costs a dense r x k solve, O(min(r, k)^2 max(r, k)) at worst.
//
// Failures (STYLE 9): a non-finite point is a status with a reason (the distances are then
// NaN). c > 0 finite and p >= 1 finite are contract (asserted).
#pragma once

#include <Eigen/Core>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "track/assignment.hpp"
#include "track/spatial_grid.hpp"

namespace trilink::metrics {

struct SetMetricParams {
  double cutoff_m = 0.0;  // c > 0: the largest error a point can contribute (m)
  double order = 1.0;     // p >= 1: 1 weighs all errors alike, larger p the outliers more
};

enum class SetMetricStatus : std::uint8_t {
  ok,
  non_finite_point,  // a coordinate is NaN or infinite
  solver_failed,     // the assignment solver reported a failure (not expected)
};
std::string_view to_string(SetMetricStatus s);

struct OspaResult {
  SetMetricStatus status = SetMetricStatus::ok;
  std::string reason;       // empty when ok
  double distance_m = 0.0;  // in [0, c]; NaN unless ok
  double localisation_m = 0.0;
  double cardinality_m = 0.0;  // distance^p = localisation^p + cardinality^p
  std::size_t assigned = 0;    // pairs closer than c in the optimal assignment

  bool ok() const { return status == SetMetricStatus::ok; }
};

struct GospaResult {
  SetMetricStatus status = SetMetricStatus::ok;
  std::string reason;
  double distance_m = 0.0;         // (localisation + missed + false)^(1/p); NaN unless ok
  double localisation_cost = 0.0;  // sum of d^p over assigned pairs (m^p)
  double missed_cost = 0.0;        // (c^p / 2) x missed (m^p)
  double false_cost = 0.0;         // (c^p / 2) x false_tracks (m^p)
  std::size_t assigned = 0;        // truth-estimate pairs, each closer than c
  std::size_t missed = 0;          // truths left unassigned
  std::size_t false_tracks = 0;    // estimates left unassigned

  bool ok() const { return status == SetMetricStatus::ok; }
};

// Reusable workspace: evaluating scan after scan with no more points (and the same c) than
// before allocates nothing.
class SetMetricEvaluator {
 public:
  OspaResult ospa(std::span<const Eigen::Vector3d> truth,
                  std::span<const Eigen::Vector3d> estimates, const SetMetricParams& params);
  GospaResult gospa(std::span<const Eigen::Vector3d> truth,
                    std::span<const Eigen::Vector3d> estimates, const SetMetricParams& params);

  // The optimal assignment of the last successful evaluation: the estimate of each truth
  // (only pairs closer than c), or -1. Valid until the next evaluation.
  std::span<const std::int32_t> truth_to_estimate() const { return truth_to_estimate_; }
  // How the last evaluation split into independent problems.
  const track::ClusterStats& last_clusters() const { return clusters_; }

 private:
  // The common problem: S of the header comment, through the matched pairs.
  struct Matching {
    SetMetricStatus status = SetMetricStatus::ok;
    std::string reason;
    double localisation_cost = 0.0;  // sum of d^p over the matched pairs
    std::size_t matched = 0;
  };
  Matching match(std::span<const Eigen::Vector3d> truth, std::span<const Eigen::Vector3d> estimates,
                 const SetMetricParams& params);

  std::uint32_t find(std::uint32_t node);

  std::optional<track::SpatialGrid> grid_;
  std::vector<double> radii_;
  std::vector<track::GatedPair> pairs_;  // row: truth, col: estimate, cost: d^p < c^p
  std::vector<std::int32_t> truth_to_estimate_;
  track::ClusterStats clusters_;
  // Components: union-find over the truths, then the estimates.
  std::vector<std::uint32_t> parent_;
  std::vector<std::uint32_t> component_of_root_;
  std::vector<std::uint32_t> local_index_;  // of each node within its component
  std::vector<std::uint32_t> component_rows_;
  std::vector<std::uint32_t> component_cols_;
  std::vector<std::uint32_t> component_pairs_;  // counts, then offsets
  std::vector<std::uint32_t> pair_component_;
  std::vector<std::uint32_t> sorted_pairs_;  // pair indices grouped by component
  std::vector<std::uint32_t> cursor_;
  std::vector<std::uint32_t> rows_global_;  // of the component being solved
  std::vector<std::uint32_t> cols_global_;
  std::vector<double> matrix_;
  std::vector<std::int32_t> local_assignment_;
  track::AssignmentSolver solver_;
};

// One-off conveniences (a fresh workspace each call).
OspaResult ospa(std::span<const Eigen::Vector3d> truth, std::span<const Eigen::Vector3d> estimates,
                const SetMetricParams& params);
GospaResult gospa(std::span<const Eigen::Vector3d> truth,
                  std::span<const Eigen::Vector3d> estimates, const SetMetricParams& params);

}  // namespace trilink::metrics
