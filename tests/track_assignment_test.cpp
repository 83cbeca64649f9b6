#include <gtest/gtest.h>

#include "allocation_counter.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <new>
#include <vector>

#include "base/rng.hpp"
#include "track/assignment.hpp"

using namespace trilink;
using namespace trilink::track;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Row-major matrix with its shape.
struct Matrix {
  std::size_t rows = 0;
  std::size_t cols = 0;
  std::vector<double> c;
  double operator()(std::size_t i, std::size_t j) const { return c[i * cols + j]; }
};

Matrix transpose(const Matrix& m) {
  Matrix t{m.cols, m.rows, std::vector<double>(m.c.size())};
  for (std::size_t i = 0; i < m.rows; ++i)
    for (std::size_t j = 0; j < m.cols; ++j) t.c[j * m.rows + i] = m(i, j);
  return t;
}

// Exhaustive search over every injective map of the rows into the columns (rows <= cols).
void search(const Matrix& m, std::size_t i, double sum, std::vector<char>& used, double& best) {
  if (i == m.rows) {
    best = std::min(best, sum);
    return;
  }
  for (std::size_t j = 0; j < m.cols; ++j) {
    if (used[j] || m(i, j) == kInf) continue;
    used[j] = 1;
    search(m, i + 1, sum + m(i, j), used, best);
    used[j] = 0;
  }
}

// Minimum cost of a complete assignment of the smaller side, +inf if there is none.
double brute_force(const Matrix& m) {
  if (m.rows > m.cols) return brute_force(transpose(m));
  std::vector<char> used(m.cols, 0);
  double best = kInf;
  search(m, 0, 0.0, used, best);
  return best;
}

// The same minimum by dynamic programming over subsets of the larger side (an independent
// method that reaches sizes the exhaustive search cannot).
double subset_dp(const Matrix& m) {
  if (m.rows > m.cols) return subset_dp(transpose(m));
  const std::size_t states = std::size_t{1} << m.cols;
  std::vector<double> dp(states, kInf), next(states);
  dp[0] = 0.0;
  for (std::size_t i = 0; i < m.rows; ++i) {
    std::fill(next.begin(), next.end(), kInf);
    for (std::size_t s = 0; s < states; ++s) {
      if (dp[s] == kInf) continue;
      for (std::size_t j = 0; j < m.cols; ++j)
        if (!(s >> j & 1) && m(i, j) < kInf)
          next[s | std::size_t{1} << j] = std::min(next[s | std::size_t{1} << j], dp[s] + m(i, j));
    }
    std::swap(dp, next);
  }
  return *std::min_element(dp.begin(), dp.end());
}

// Checks that `row_to_col` assigns min(rows, cols) distinct columns through finite costs,
// and returns their total.
double checked_cost(const Matrix& m, const std::vector<std::int32_t>& row_to_col) {
  std::vector<int> taken(m.cols, 0);
  std::size_t assigned = 0;
  double sum = 0.0;
  for (std::size_t i = 0; i < m.rows; ++i) {
    const std::int32_t j = row_to_col[i];
    if (j < 0) continue;
    EXPECT_LT(static_cast<std::size_t>(j), m.cols);
    EXPECT_EQ(taken[static_cast<std::size_t>(j)]++, 0) << "column " << j << " assigned twice";
    EXPECT_LT(m(i, static_cast<std::size_t>(j)), kInf) << "forbidden entry used";
    sum += m(i, static_cast<std::size_t>(j));
    ++assigned;
  }
  EXPECT_EQ(assigned, std::min(m.rows, m.cols));
  return sum;
}

Matrix random_matrix(Rng& rng, std::size_t rows, std::size_t cols, double p_forbidden) {
  Matrix m{rows, cols, std::vector<double>(rows * cols)};
  const bool integers = rng.bernoulli(0.5);  // small integers: many ties
  const bool negative = rng.bernoulli(0.3);
  for (double& x : m.c) {
    if (rng.bernoulli(p_forbidden)) {
      x = kInf;
      continue;
    }
    x = integers ? std::floor(rng.uniform(0.0, 6.0)) : rng.uniform(0.0, 100.0);
    if (negative) x -= 50.0;
  }
  return m;
}

// Solves with `solver` and compares with `reference`.
void expect_optimal(AssignmentSolver& solver, const Matrix& m, double reference) {
  std::vector<std::int32_t> row_to_col(m.rows, 7);
  const AssignmentOutcome out = solver.solve(m.c, m.rows, m.cols, row_to_col);
  if (reference == kInf) {
    EXPECT_EQ(out.status, AssignmentStatus::infeasible);
    EXPECT_FALSE(out.reason.empty());
    EXPECT_EQ(out.total_cost, kInf);
    for (const std::int32_t j : row_to_col) EXPECT_EQ(j, -1);
    return;
  }
  ASSERT_TRUE(out.ok()) << out.reason;
  EXPECT_NEAR(out.total_cost, reference, 1e-9 * (1.0 + std::abs(reference)));
  EXPECT_NEAR(checked_cost(m, row_to_col), out.total_cost, 1e-9 * (1.0 + std::abs(reference)));
}

}  // namespace

// The 4 x 4 example worked in most course notes on the Hungarian method.
TEST(LinearAssignment, TextbookFourByFour) {
  const std::vector<double> c = {9, 2, 7, 8,  //
                                 6, 4, 3, 7,  //
                                 5, 8, 1, 8,  //
                                 7, 6, 9, 4};
  const Assignment a = solve_assignment(c, 4, 4);
  ASSERT_TRUE(a.outcome.ok());
  EXPECT_EQ(a.outcome.total_cost, 13.0);
  EXPECT_EQ(a.row_to_col, (std::vector<std::int32_t>{1, 0, 2, 3}));
}

// The example of SciPy's linear_sum_assignment documentation: rows 0, 1, 2 take columns
// 1, 0, 2, total 5.
TEST(LinearAssignment, ScipyDocumentationExample) {
  const std::vector<double> c = {4, 1, 3, 2, 0, 5, 3, 2, 2};
  const Assignment a = solve_assignment(c, 3, 3);
  ASSERT_TRUE(a.outcome.ok());
  EXPECT_EQ(a.outcome.total_cost, 5.0);
  EXPECT_EQ(a.row_to_col, (std::vector<std::int32_t>{1, 0, 2}));
}

TEST(LinearAssignment, RectangularBothWays) {
  // Two rows, three columns: row 0 takes column 2 (1), row 1 column 0 (2).
  const std::vector<double> wide = {5, 4, 1,  //
                                    2, 3, 1};
  const Assignment a = solve_assignment(wide, 2, 3);
  ASSERT_TRUE(a.outcome.ok());
  EXPECT_EQ(a.outcome.total_cost, 3.0);
  EXPECT_EQ(a.row_to_col, (std::vector<std::int32_t>{2, 0}));

  const std::vector<double> tall = {5, 2,  //
                                    4, 3,  //
                                    1, 1};
  const Assignment b = solve_assignment(tall, 3, 2);
  ASSERT_TRUE(b.outcome.ok());
  EXPECT_EQ(b.outcome.total_cost, 3.0);
  EXPECT_EQ(b.row_to_col, (std::vector<std::int32_t>{1, -1, 0}));
}

TEST(LinearAssignment, MatchesBruteForceOnRandomSmallMatrices) {
  Rng rng(20240611);
  AssignmentSolver solver;  // one workspace for all sizes
  int infeasible = 0;
  for (int trial = 0; trial < 4000; ++trial) {
    const auto rows = static_cast<std::size_t>(1 + rng.uniform() * 6);
    const auto cols = static_cast<std::size_t>(1 + rng.uniform() * 6);
    const double p_forbidden = trial % 4 == 0 ? 0.5 : (trial % 4 == 1 ? 0.0 : 0.2);
    const Matrix m = random_matrix(rng, rows, cols, p_forbidden);
    const double reference = brute_force(m);
    if (reference == kInf) ++infeasible;
    SCOPED_TRACE("trial " + std::to_string(trial) + ", " + std::to_string(rows) + " x " +
                 std::to_string(cols));
    expect_optimal(solver, m, reference);
  }
  EXPECT_GT(infeasible, 50);  // the infeasible branch was exercised
}

TEST(LinearAssignment, MatchesSubsetDynamicProgrammingOnMediumMatrices) {
  Rng rng(77);
  AssignmentSolver solver;
  for (int trial = 0; trial < 200; ++trial) {
    const auto rows = static_cast<std::size_t>(4 + rng.uniform() * 9);
    const auto cols = static_cast<std::size_t>(4 + rng.uniform() * 9);
    const Matrix m = random_matrix(rng, rows, cols, trial % 2 == 0 ? 0.3 : 0.0);
    SCOPED_TRACE("trial " + std::to_string(trial));
    expect_optimal(solver, m, subset_dp(m));
  }
}

TEST(LinearAssignment, ReportsInfeasibility) {
  // Both rows may only take column 0.
  const std::vector<double> wide = {1, kInf,  //
                                    2, kInf};
  const Assignment a = solve_assignment(wide, 2, 2);
  EXPECT_EQ(a.outcome.status, AssignmentStatus::infeasible);
  EXPECT_NE(a.outcome.reason.find("row 1"), std::string::npos) << a.outcome.reason;
  EXPECT_EQ(a.outcome.total_cost, kInf);
  EXPECT_EQ(a.row_to_col, (std::vector<std::int32_t>{-1, -1}));

  // Three rows, two columns, column 1 forbidden to all: column 1 cannot be assigned.
  const std::vector<double> tall = {1, kInf,  //
                                    2, kInf,  //
                                    3, kInf};
  const Assignment b = solve_assignment(tall, 3, 2);
  EXPECT_EQ(b.outcome.status, AssignmentStatus::infeasible);
  EXPECT_NE(b.outcome.reason.find("column 1"), std::string::npos) << b.outcome.reason;
  EXPECT_EQ(b.row_to_col, (std::vector<std::int32_t>{-1, -1, -1}));
  EXPECT_EQ(to_string(b.outcome.status), "infeasible");
}

TEST(LinearAssignment, ReportsInvalidCost) {
  const std::vector<double> c = {1, 2, std::nan(""), 4};
  const Assignment a = solve_assignment(c, 2, 2);
  EXPECT_EQ(a.outcome.status, AssignmentStatus::invalid_cost);
  EXPECT_EQ(a.outcome.reason, "cost(1, 0) is nan");
  const std::vector<double> d = {1, -kInf};
  EXPECT_EQ(solve_assignment(d, 1, 2).outcome.status, AssignmentStatus::invalid_cost);
}

TEST(LinearAssignment, DegenerateShapes) {
  const Assignment zero_rows = solve_assignment({}, 0, 3);
  EXPECT_TRUE(zero_rows.outcome.ok());
  EXPECT_EQ(zero_rows.outcome.total_cost, 0.0);
  EXPECT_TRUE(zero_rows.row_to_col.empty());

  const Assignment zero_cols = solve_assignment({}, 3, 0);
  EXPECT_TRUE(zero_cols.outcome.ok());
  EXPECT_EQ(zero_cols.outcome.total_cost, 0.0);
  EXPECT_EQ(zero_cols.row_to_col, (std::vector<std::int32_t>{-1, -1, -1}));

  EXPECT_TRUE(solve_assignment({}, 0, 0).outcome.ok());

  const std::vector<double> one = {-2.5};
  const Assignment a = solve_assignment(one, 1, 1);
  EXPECT_TRUE(a.outcome.ok());
  EXPECT_EQ(a.outcome.total_cost, -2.5);
  EXPECT_EQ(a.row_to_col, (std::vector<std::int32_t>{0}));

  const std::vector<double> forbidden = {kInf};
  EXPECT_EQ(solve_assignment(forbidden, 1, 1).outcome.status, AssignmentStatus::infeasible);
}

// ---- Global nearest neighbour -------------------------------------------------------------

namespace {

struct Instance {
  std::size_t rows = 0;
  std::size_t cols = 0;
  std::vector<GatedPair> pairs;
  std::vector<double> miss;
};

// Optimum of the augmented problem (each row takes a distinct column or its miss cost) by
// dynamic programming over subsets of the columns.
double gnn_reference(const Instance& in) {
  Matrix gated{in.rows, in.cols, std::vector<double>(in.rows * in.cols, kInf)};
  for (const GatedPair& p : in.pairs) {
    double& e = gated.c[p.row * in.cols + p.col];
    e = std::min(e, p.cost);
  }
  const std::size_t states = std::size_t{1} << in.cols;
  std::vector<double> dp(states, kInf), next(states);
  dp[0] = 0.0;
  for (std::size_t i = 0; i < in.rows; ++i) {
    std::fill(next.begin(), next.end(), kInf);
    for (std::size_t s = 0; s < states; ++s) {
      if (dp[s] == kInf) continue;
      next[s] = std::min(next[s], dp[s] + in.miss[i]);
      for (std::size_t j = 0; j < in.cols; ++j)
        if (!(s >> j & 1) && gated(i, j) < kInf)
          next[s | std::size_t{1} << j] =
              std::min(next[s | std::size_t{1} << j], dp[s] + gated(i, j));
    }
    std::swap(dp, next);
  }
  return *std::min_element(dp.begin(), dp.end());
}

// Checks the two maps agree, no column is taken twice, assigned pairs are gated; returns the
// objective of the association.
double checked_objective(const Instance& in, const Association& a) {
  EXPECT_EQ(a.row_to_col.size(), in.rows);
  EXPECT_EQ(a.col_to_row.size(), in.cols);
  double sum = 0.0;
  for (std::size_t i = 0; i < in.rows; ++i) {
    const std::int32_t j = a.row_to_col[i];
    if (j < 0) {
      sum += in.miss[i];
      continue;
    }
    EXPECT_EQ(a.col_to_row[static_cast<std::size_t>(j)], static_cast<std::int32_t>(i));
    double best = kInf;
    for (const GatedPair& p : in.pairs)
      if (p.row == i && p.col == static_cast<std::uint32_t>(j)) best = std::min(best, p.cost);
    EXPECT_LT(best, kInf) << "row " << i << " took an ungated column " << j;
    sum += best;
  }
  for (std::size_t j = 0; j < in.cols; ++j) {
    const std::int32_t i = a.col_to_row[j];
    if (i >= 0) {
      EXPECT_EQ(a.row_to_col[static_cast<std::size_t>(i)], static_cast<std::int32_t>(j));
    }
  }
  return sum;
}

Instance random_instance(Rng& rng, std::size_t max_rows, std::size_t max_cols, double density) {
  Instance in;
  in.rows = static_cast<std::size_t>(rng.uniform() * static_cast<double>(max_rows + 1));
  in.cols = static_cast<std::size_t>(rng.uniform() * static_cast<double>(max_cols + 1));
  for (std::size_t i = 0; i < in.rows; ++i) in.miss.push_back(rng.uniform(5.0, 15.0));
  for (std::uint32_t i = 0; i < in.rows; ++i)
    for (std::uint32_t j = 0; j < in.cols; ++j) {
      if (!rng.bernoulli(density)) continue;
      in.pairs.push_back({i, j, rng.uniform(0.0, 20.0)});
      if (rng.bernoulli(0.05)) in.pairs.push_back({i, j, rng.uniform(0.0, 20.0)});  // duplicate
      if (rng.bernoulli(0.05)) in.pairs.push_back({i, j, kInf});                    // not gated
    }
  // Shuffle so that clusters interleave in the input.
  for (std::size_t k = in.pairs.size(); k > 1; --k)
    std::swap(in.pairs[k - 1], in.pairs[static_cast<std::size_t>(rng.uniform() * k)]);
  return in;
}

}  // namespace

TEST(GnnAssociator, MatchesAugmentedOptimumOnRandomSparseInstances) {
  Rng rng(5);
  GnnAssociator gnn;  // one workspace for all instances
  std::size_t solved_by_jv = 0;
  for (int trial = 0; trial < 3000; ++trial) {
    const Instance in = random_instance(rng, 10, 10, trial % 3 == 0 ? 0.5 : 0.15);
    const Association a = gnn.associate(in.rows, in.cols, in.pairs, in.miss);
    SCOPED_TRACE("trial " + std::to_string(trial));
    ASSERT_TRUE(a.ok()) << a.reason;
    const double reference = gnn_reference(in);
    EXPECT_NEAR(a.total_cost, reference, 1e-9 * (1.0 + reference));
    EXPECT_NEAR(checked_objective(in, a), reference, 1e-9 * (1.0 + reference));
    solved_by_jv += a.stats.clusters - a.stats.trivial_clusters;
  }
  EXPECT_GT(solved_by_jv, 1000u);  // the dense path was exercised, not only the trivial ones
}

TEST(GnnAssociator, ClustersAreIndependent) {
  // Rows 0-2 and columns 0-2 linked by a chain; row 3 and column 3 a pair of their own.
  Instance in{4,
              4,
              {{0, 0, 1.0}, {1, 0, 2.0}, {1, 1, 4.0}, {2, 1, 1.0}, {2, 2, 6.0}, {3, 3, 3.0}},
              {10, 10, 10, 10}};
  GnnAssociator gnn;
  const Association a = gnn.associate(in.rows, in.cols, in.pairs, in.miss);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a.stats.clusters, 2u);
  EXPECT_EQ(a.stats.trivial_clusters, 1u);
  EXPECT_EQ(a.stats.largest_cluster, 6u);
  EXPECT_EQ(a.stats.largest_cluster_rows, 3u);
  EXPECT_EQ(a.stats.largest_cluster_cols, 3u);
  const std::vector<std::int32_t> before(a.row_to_col.begin(), a.row_to_col.begin() + 3);
  EXPECT_EQ(before, (std::vector<std::int32_t>{0, 1, 2}));
  EXPECT_EQ(a.total_cost, 1.0 + 4.0 + 6.0 + 3.0);

  // A far-away pair (new row 4, new column 4) changes nothing else.
  Instance more = in;
  more.rows = 5;
  more.cols = 5;
  more.pairs.push_back({4, 4, 0.5});
  more.miss.push_back(10.0);
  const Association b = gnn.associate(more.rows, more.cols, more.pairs, more.miss);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b.stats.clusters, 3u);
  EXPECT_EQ(std::vector<std::int32_t>(b.row_to_col.begin(), b.row_to_col.begin() + 4),
            (std::vector<std::int32_t>{0, 1, 2, 3}));
  EXPECT_EQ(b.row_to_col[4], 4);
  EXPECT_EQ(b.total_cost, 14.0 + 0.5);
}

TEST(GnnAssociator, NoColumnAssignedTwice) {
  // Both tracks are closest to measurement 0; track 1 has no other choice.
  const std::vector<GatedPair> pairs = {{0, 0, 1.0}, {1, 0, 2.0}, {0, 1, 5.0}};
  const std::vector<double> miss = {20.0, 20.0};
  GnnAssociator gnn;
  const Association a = gnn.associate(2, 2, pairs, miss);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a.row_to_col[0], 1);
  EXPECT_EQ(a.row_to_col[1], 0);
  EXPECT_EQ(a.col_to_row[0], 1);
  EXPECT_EQ(a.col_to_row[1], 0);
  EXPECT_EQ(a.total_cost, 7.0);

  // One measurement, three tracks: the one that saves most over its miss cost takes it.
  const std::vector<GatedPair> contested = {{0, 0, 1.0}, {1, 0, 2.0}, {2, 0, 3.0}};
  const std::vector<double> miss3 = {4.0, 9.0, 5.0};
  const Association b = gnn.associate(3, 1, contested, miss3);
  EXPECT_EQ(std::vector<std::int32_t>(b.row_to_col.begin(), b.row_to_col.end()),
            (std::vector<std::int32_t>{-1, 0, -1}));
  EXPECT_EQ(b.total_cost, 4.0 + 2.0 + 5.0);
  EXPECT_EQ(b.stats.trivial_clusters, 1u);
}

TEST(GnnAssociator, MissCostHonoured) {
  GnnAssociator gnn;
  // A lone pair costing more than the miss: the track stays unassigned.
  const std::vector<GatedPair> lone = {{0, 0, 50.0}};
  const std::vector<double> miss1 = {36.0};
  const Association a = gnn.associate(1, 1, lone, miss1);
  EXPECT_EQ(a.row_to_col[0], -1);
  EXPECT_EQ(a.col_to_row[0], -1);
  EXPECT_EQ(a.total_cost, 36.0);

  // In a cluster solved by JV: row 0's pairs are both dearer than its miss, column 1 is free,
  // yet row 0 stays unassigned.
  const std::vector<GatedPair> pairs = {{0, 0, 50.0}, {0, 1, 40.0}, {1, 0, 1.0}, {1, 1, 2.0}};
  const std::vector<double> miss2 = {36.0, 36.0};
  const Association b = gnn.associate(2, 2, pairs, miss2);
  EXPECT_EQ(b.stats.trivial_clusters, 0u);
  EXPECT_EQ(b.row_to_col[0], -1);
  EXPECT_EQ(b.row_to_col[1], 0);
  EXPECT_EQ(b.col_to_row[1], -1);
  EXPECT_EQ(b.total_cost, 37.0);

  // A tie is not an assignment.
  const std::vector<GatedPair> tie = {{0, 0, 36.0}};
  EXPECT_EQ(gnn.associate(1, 1, tie, miss1).row_to_col[0], -1);
}

TEST(GnnAssociator, RowsAndColumnsWithoutPairs) {
  GnnAssociator gnn;
  const std::vector<GatedPair> pairs = {{1, 2, 3.0}};
  const std::vector<double> miss = {7.0, 9.0, 11.0};
  const Association a = gnn.associate(3, 4, pairs, miss);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(std::vector<std::int32_t>(a.row_to_col.begin(), a.row_to_col.end()),
            (std::vector<std::int32_t>{-1, 2, -1}));
  EXPECT_EQ(std::vector<std::int32_t>(a.col_to_row.begin(), a.col_to_row.end()),
            (std::vector<std::int32_t>{-1, -1, 1, -1}));
  EXPECT_EQ(a.total_cost, 7.0 + 3.0 + 11.0);
  EXPECT_EQ(a.stats.clusters, 1u);

  const Association empty = gnn.associate(0, 0, {}, {});
  EXPECT_TRUE(empty.ok());
  EXPECT_EQ(empty.total_cost, 0.0);
  EXPECT_EQ(empty.stats.clusters, 0u);
}

TEST(GnnAssociator, ReportsInvalidCosts) {
  GnnAssociator gnn;
  const std::vector<GatedPair> pairs = {{0, 0, 1.0}, {1, 1, std::nan("")}};
  const std::vector<double> miss = {5.0, 5.0};
  const Association a = gnn.associate(2, 2, pairs, miss);
  EXPECT_EQ(a.status, AssignmentStatus::invalid_cost);
  EXPECT_EQ(a.reason, "pair 1 (row 1, col 1) has cost nan");
  EXPECT_EQ(a.total_cost, kInf);
  EXPECT_EQ(a.row_to_col[0], -1);

  const std::vector<double> bad_miss = {5.0, kInf};
  const Association b = gnn.associate(2, 2, std::span<const GatedPair>(pairs.data(), 1), bad_miss);
  EXPECT_EQ(b.status, AssignmentStatus::invalid_cost);
  EXPECT_EQ(b.reason, "miss_cost[1] is inf");
}

TEST(GnnAssociator, WarmWorkspaceAllocatesNothing) {
  // 2,000 tracks and 2,000 measurements in clusters of every small size.
  Rng rng(11);
  Instance in;
  in.rows = 2000;
  in.cols = 2000;
  in.miss.assign(in.rows, 16.0);
  for (std::uint32_t i = 0; i < in.rows; ++i) {
    in.pairs.push_back({i, i, rng.uniform(0.0, 16.0)});
    if (i + 1 < in.cols && rng.bernoulli(0.3))
      in.pairs.push_back({i, i + 1, rng.uniform(0.0, 16.0)});
    if (i >= 2 && rng.bernoulli(0.1)) in.pairs.push_back({i, i - 2, rng.uniform(0.0, 16.0)});
  }
  GnnAssociator gnn;
  const Association first = gnn.associate(in.rows, in.cols, in.pairs, in.miss);
  ASSERT_TRUE(first.ok());
  const std::vector<std::int32_t> expected(first.row_to_col.begin(), first.row_to_col.end());
  const double expected_cost = first.total_cost;
  EXPECT_GT(first.stats.clusters - first.stats.trivial_clusters, 10u);

  const std::size_t before = test_alloc::allocations.load();
  const Association again = gnn.associate(in.rows, in.cols, in.pairs, in.miss);
  const std::size_t allocations = test_alloc::allocations.load() - before;
  EXPECT_EQ(allocations, 0u);
  EXPECT_EQ(again.total_cost, expected_cost);
  EXPECT_TRUE(std::equal(expected.begin(), expected.end(), again.row_to_col.begin()));
}
