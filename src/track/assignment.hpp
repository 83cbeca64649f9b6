// Association, second half (STYLE 8): assignment on a gated cost matrix.
//
// Linear assignment. Given an r x c cost matrix C (row-major, entries finite or +inf for
// "forbidden"), find a one-to-one map of rows to columns that assigns min(r, c) pairs and
// minimises the sum of their costs:
//   rows <= cols: every row gets a column;  rows > cols: every column gets a row.
// Solved by the Jonker-Volgenant shortest augmenting path (Jonker & Volgenant, "A shortest
// augmenting path algorithm for dense and sparse linear assignment problems", Computing 38,
// 1987) in the rectangular form of Crouse, "On implementing 2D rectangular assignment
// algorithms", IEEE Trans. Aerospace and Electronic Systems 52(4), 2016: for each row in
// turn, a Dijkstra search on the reduced costs C(i,j) - u(i) - v(j) >= 0 for the cheapest
// path to a free column, then a dual update and the augmentation along that path. Duals
// start at zero, as in Crouse: the column-reduction start of the square JV does not carry
// over to rectangular problems. O(r^2 c) time for r <= c (transposed when r > c).
// Costs are in one unit of the caller's choice (squared Mahalanobis distance, negative
// log-likelihood ratio, ...) and may be negative. Among equal-cost optima any may be returned.
//
// Global nearest neighbour on sparse gated costs. Tracks are rows, measurements columns;
// only gated (row, col, cost) pairs are given, plus a non-assignment cost per row (leaving
// the track unassigned, typically the gate threshold). A column left unassigned costs 0.
// The associator minimises
//   sum over assigned pairs of cost + sum over unassigned rows of miss_cost(row).
// It splits the pairs into the connected components of the bipartite row-column graph
// (union-find); components are independent problems. A component with a single row is
// decided directly (its cheapest pair if that costs less than the miss cost), as is one with
// a single column (the row that saves most over its miss cost, if any saves). Any other
// component of r rows and c columns goes to the dense solver on the augmented r x (c + r)
//   [ C  |  diag(miss_cost), +inf off the diagonal ],
// each row's private "miss" column standing for "unassigned" (the standard GNN
// formulation, e.g. Blackman & Popoli, "Design and Analysis of Modern Tracking Systems",
// Artech House 1999, ch. 6).
//
// Failures (STYLE 9): a NaN or -inf cost, or no complete assignment through finite costs,
// is a status with a reason, never an exception. Wrong sizes or indices are contract
// violations (assert).
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace trilink::track {

// A forbidden pairing in a dense cost matrix.
inline constexpr double kForbidden = std::numeric_limits<double>::infinity();

enum class AssignmentStatus : std::uint8_t {
  ok,
  infeasible,    // forbidden entries leave no complete assignment of the smaller side
  invalid_cost,  // a NaN or -inf cost (or a non-finite miss cost)
};
std::string_view to_string(AssignmentStatus s);

struct AssignmentOutcome {
  AssignmentStatus status = AssignmentStatus::ok;
  std::string reason;       // empty when ok, else names the row, column or pair at fault
  double total_cost = 0.0;  // the minimum; +inf unless ok

  bool ok() const { return status == AssignmentStatus::ok; }
};

// Dense Jonker-Volgenant solver. Keeps its buffers: repeated solves of matrices no larger
// than earlier ones allocate nothing (except the reason text of a failure).
class AssignmentSolver {
 public:
  // `cost` is rows x cols, row-major (cost[i * cols + j]); `row_to_col` has `rows` entries
  // and receives each row's column, or -1 (rows > cols, or on failure: all -1).
  AssignmentOutcome solve(std::span<const double> cost, std::size_t rows, std::size_t cols,
                          std::span<std::int32_t> row_to_col);

 private:
  // rows <= cols; `transposed` only changes the words of a failure's reason.
  AssignmentOutcome solve_wide(const double* cost, std::size_t rows, std::size_t cols,
                               std::int32_t* row_to_col, bool transposed);

  std::vector<double> transposed_;
  std::vector<std::int32_t> transposed_assignment_;
  std::vector<double> u_;  // row duals
  std::vector<double> v_;  // column duals
  std::vector<double> shortest_;
  std::vector<std::int32_t> path_;
  std::vector<std::int32_t> col_to_row_;
  std::vector<std::int32_t> remaining_;
  std::vector<std::int32_t> scanned_rows_;
  std::vector<std::int32_t> scanned_cols_;
};

// One-off convenience: a fresh solver, the assignment returned by value.
struct Assignment {
  AssignmentOutcome outcome;
  std::vector<std::int32_t> row_to_col;  // -1: unassigned
};
Assignment solve_assignment(std::span<const double> cost, std::size_t rows, std::size_t cols);

// A gated track-measurement pair: `cost` is finite (or +inf, treated as not gated). If a
// pair appears twice, the lower cost counts.
struct GatedPair {
  std::uint32_t row = 0;  // track
  std::uint32_t col = 0;  // measurement
  double cost = 0.0;
};

// The connected components of the gated pairs (rows and columns with no pair are in none).
struct ClusterStats {
  std::size_t clusters = 0;
  std::size_t trivial_clusters = 0;      // one row or one column: decided without the solver
  std::size_t largest_cluster = 0;       // rows + columns of the largest component
  std::size_t largest_cluster_rows = 0;  // of that same component
  std::size_t largest_cluster_cols = 0;
};

// The spans point into the associator and stay valid until its next associate().
struct Association {
  AssignmentStatus status = AssignmentStatus::ok;  // ok or invalid_cost
  std::string reason;
  double total_cost = 0.0;  // assigned pair costs + miss costs of unassigned rows; +inf on failure
  std::span<const std::int32_t> row_to_col;  // measurement of each track, or -1
  std::span<const std::int32_t> col_to_row;  // track of each measurement, or -1
  ClusterStats stats;

  bool ok() const { return status == AssignmentStatus::ok; }
};

// Global nearest neighbour associator with reusable workspace: in steady state (sizes no
// larger than before) a scan allocates nothing.
class GnnAssociator {
 public:
  // rows tracks, cols measurements; every pair has row < rows and col < cols;
  // miss_cost has `rows` entries, each finite.
  Association associate(std::size_t rows, std::size_t cols, std::span<const GatedPair> pairs,
                        std::span<const double> miss_cost);

 private:
  std::uint32_t find(std::uint32_t node);

  AssignmentSolver solver_;
  std::vector<std::int32_t> row_to_col_;
  std::vector<std::int32_t> col_to_row_;
  std::vector<std::uint32_t> parent_;       // union-find over rows, then columns
  std::vector<std::int32_t> cluster_of_;    // per root node: cluster index or -1
  std::vector<std::uint32_t> local_index_;  // per node: its index within its cluster
  std::vector<std::uint32_t> pair_cluster_;
  std::vector<std::uint32_t> cluster_rows_;  // counts, then offsets (size clusters + 1)
  std::vector<std::uint32_t> cluster_cols_;
  std::vector<std::uint32_t> cluster_pairs_;
  std::vector<std::uint32_t> members_rows_;  // global row of each (cluster, local row)
  std::vector<std::uint32_t> members_cols_;
  std::vector<std::uint32_t> sorted_pairs_;  // pair indices grouped by cluster
  std::vector<std::uint32_t> cursor_;
  std::vector<double> matrix_;
  std::vector<std::int32_t> local_assignment_;
};

}  // namespace trilink::track
