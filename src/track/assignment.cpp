#include "track/assignment.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <utility>

namespace trilink::track {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();

std::string show(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", x);
  return buf;
}

// Costs may be finite or +inf; NaN and -inf have no meaning.
bool valid_cost(double c) {
  return !std::isnan(c) && c != -kInf;
}

}  // namespace

std::string_view to_string(AssignmentStatus s) {
  switch (s) {
    case AssignmentStatus::ok:
      return "ok";
    case AssignmentStatus::infeasible:
      return "infeasible";
    case AssignmentStatus::invalid_cost:
      return "invalid_cost";
  }
  return "unknown";
}

AssignmentOutcome AssignmentSolver::solve(std::span<const double> cost, std::size_t rows,
                                          std::size_t cols, std::span<std::int32_t> row_to_col) {
  assert(cost.size() == rows * cols);
  assert(row_to_col.size() == rows);
  assert(rows <= static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max()));
  assert(cols <= static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max()));
  std::fill(row_to_col.begin(), row_to_col.end(), -1);

  for (std::size_t k = 0; k < cost.size(); ++k) {
    if (valid_cost(cost[k])) continue;
    return {AssignmentStatus::invalid_cost,
            "cost(" + std::to_string(k / cols) + ", " + std::to_string(k % cols) + ") is " +
                show(cost[k]),
            kInf};
  }
  if (rows == 0 || cols == 0) return {};
  if (rows <= cols) {
    AssignmentOutcome out = solve_wide(cost.data(), rows, cols, row_to_col.data(), false);
    if (!out.ok()) std::fill(row_to_col.begin(), row_to_col.end(), -1);  // no partial answer
    return out;
  }

  transposed_.resize(rows * cols);
  for (std::size_t i = 0; i < rows; ++i)
    for (std::size_t j = 0; j < cols; ++j) transposed_[j * rows + i] = cost[i * cols + j];
  transposed_assignment_.assign(cols, -1);
  AssignmentOutcome out =
      solve_wide(transposed_.data(), cols, rows, transposed_assignment_.data(), true);
  if (!out.ok()) return out;
  for (std::size_t j = 0; j < cols; ++j)
    row_to_col[static_cast<std::size_t>(transposed_assignment_[j])] = static_cast<std::int32_t>(j);
  return out;
}

// Crouse (2016), the shortest augmenting path form of Jonker-Volgenant; the same structure
// as SciPy's linear_sum_assignment, which follows that paper.
AssignmentOutcome AssignmentSolver::solve_wide(const double* cost, std::size_t rows,
                                               std::size_t cols, std::int32_t* col_of_row,
                                               bool transposed) {
  u_.assign(rows, 0.0);
  v_.assign(cols, 0.0);
  shortest_.resize(cols);
  path_.assign(cols, -1);
  col_to_row_.assign(cols, -1);
  remaining_.resize(cols);

  for (std::size_t current = 0; current < rows; ++current) {
    // Dijkstra from `current` over the reduced costs, until a free column is reached.
    std::fill(shortest_.begin(), shortest_.end(), kInf);
    for (std::size_t k = 0; k < cols; ++k) remaining_[k] = static_cast<std::int32_t>(cols - k - 1);
    std::size_t num_remaining = cols;
    scanned_rows_.clear();
    scanned_cols_.clear();
    double min_val = 0.0;
    auto i = static_cast<std::int32_t>(current);
    std::int32_t sink = -1;
    while (sink < 0) {
      scanned_rows_.push_back(i);
      const double* row = cost + static_cast<std::size_t>(i) * cols;
      const double base = min_val - u_[static_cast<std::size_t>(i)];
      double lowest = kInf;
      std::size_t index = 0;
      for (std::size_t k = 0; k < num_remaining; ++k) {
        const auto j = static_cast<std::size_t>(remaining_[k]);
        const double r = base + row[j] - v_[j];
        if (r < shortest_[j]) {
          path_[j] = i;
          shortest_[j] = r;
        }
        // On a tie prefer a free column: the search can stop there.
        if (shortest_[j] < lowest || (shortest_[j] == lowest && col_to_row_[j] < 0)) {
          lowest = shortest_[j];
          index = k;
        }
      }
      min_val = lowest;
      if (!(min_val < kInf)) {
        const char* side = transposed ? "column " : "row ";
        const char* other = transposed ? "rows" : "columns";
        return {AssignmentStatus::infeasible,
                std::string("no complete assignment: ") + side + std::to_string(current) +
                    " finds no free " + (transposed ? "row" : "column") +
                    " through finite costs (with the " + (transposed ? "columns" : "rows") +
                    " before it, it needs more " + other + " than it may use)",
                kInf};
      }
      const std::int32_t j = remaining_[index];
      if (col_to_row_[static_cast<std::size_t>(j)] < 0)
        sink = j;
      else
        i = col_to_row_[static_cast<std::size_t>(j)];
      scanned_cols_.push_back(j);
      remaining_[index] = remaining_[--num_remaining];
    }

    // Dual update keeps every reduced cost >= 0 and those on the matching at 0.
    u_[current] += min_val;
    for (std::size_t k = 1; k < scanned_rows_.size(); ++k) {
      const auto r = static_cast<std::size_t>(scanned_rows_[k]);
      u_[r] += min_val - shortest_[static_cast<std::size_t>(col_of_row[r])];
    }
    for (const std::int32_t j : scanned_cols_)
      v_[static_cast<std::size_t>(j)] -= min_val - shortest_[static_cast<std::size_t>(j)];

    // Augment along the path back from the sink.
    std::int32_t j = sink;
    while (true) {
      const std::int32_t r = path_[static_cast<std::size_t>(j)];
      col_to_row_[static_cast<std::size_t>(j)] = r;
      std::swap(col_of_row[r], j);
      if (r == static_cast<std::int32_t>(current)) break;
    }
  }

  double total = 0.0;
  for (std::size_t r = 0; r < rows; ++r)
    total += cost[r * cols + static_cast<std::size_t>(col_of_row[r])];
  return {AssignmentStatus::ok, {}, total};
}

Assignment solve_assignment(std::span<const double> cost, std::size_t rows, std::size_t cols) {
  Assignment a;
  a.row_to_col.resize(rows);
  AssignmentSolver solver;
  a.outcome = solver.solve(cost, rows, cols, a.row_to_col);
  return a;
}

std::uint32_t GnnAssociator::find(std::uint32_t node) {
  while (parent_[node] != node) {  // path halving
    parent_[node] = parent_[parent_[node]];
    node = parent_[node];
  }
  return node;
}

Association GnnAssociator::associate(std::size_t rows, std::size_t cols,
                                     std::span<const GatedPair> pairs,
                                     std::span<const double> miss_cost) {
  assert(miss_cost.size() == rows);
  assert(rows + cols < kNone && pairs.size() < kNone);
  row_to_col_.assign(rows, -1);
  col_to_row_.assign(cols, -1);
  Association out;
  out.row_to_col = row_to_col_;
  out.col_to_row = col_to_row_;

  for (std::size_t r = 0; r < rows; ++r) {
    if (std::isfinite(miss_cost[r])) continue;
    out.status = AssignmentStatus::invalid_cost;
    out.reason = "miss_cost[" + std::to_string(r) + "] is " + show(miss_cost[r]);
    out.total_cost = kInf;
    return out;
  }
  for (std::size_t k = 0; k < pairs.size(); ++k) {
    const GatedPair& p = pairs[k];
    assert(p.row < rows && p.col < cols);
    if (valid_cost(p.cost)) continue;
    out.status = AssignmentStatus::invalid_cost;
    out.reason = "pair " + std::to_string(k) + " (row " + std::to_string(p.row) + ", col " +
                 std::to_string(p.col) + ") has cost " + show(p.cost);
    out.total_cost = kInf;
    return out;
  }

  // Connected components: nodes are the rows, then the columns.
  const auto col_node = [rows](std::uint32_t col) {
    return static_cast<std::uint32_t>(rows) + col;
  };
  const std::size_t nodes = rows + cols;
  parent_.resize(nodes);
  std::iota(parent_.begin(), parent_.end(), 0u);
  for (const GatedPair& p : pairs) {
    if (p.cost == kInf) continue;
    const std::uint32_t a = find(p.row);
    const std::uint32_t b = find(col_node(p.col));
    if (a != b) parent_[a] = b;
  }

  // Number the clusters, and each row and column within its cluster, in order of appearance.
  cluster_of_.assign(nodes, -1);
  local_index_.assign(nodes, kNone);
  pair_cluster_.resize(pairs.size());
  cluster_rows_.clear();
  cluster_cols_.clear();
  cluster_pairs_.clear();
  for (std::size_t k = 0; k < pairs.size(); ++k) {
    const GatedPair& p = pairs[k];
    if (p.cost == kInf) {
      pair_cluster_[k] = kNone;
      continue;
    }
    const std::uint32_t root = find(p.row);
    if (cluster_of_[root] < 0) {
      cluster_of_[root] = static_cast<std::int32_t>(cluster_pairs_.size());
      cluster_rows_.push_back(0);
      cluster_cols_.push_back(0);
      cluster_pairs_.push_back(0);
    }
    const auto cl = static_cast<std::uint32_t>(cluster_of_[root]);
    pair_cluster_[k] = cl;
    ++cluster_pairs_[cl];
    if (local_index_[p.row] == kNone) local_index_[p.row] = cluster_rows_[cl]++;
    if (local_index_[col_node(p.col)] == kNone) local_index_[col_node(p.col)] = cluster_cols_[cl]++;
  }
  const std::size_t clusters = cluster_pairs_.size();

  // Counts to offsets (exclusive prefix sums, one extra entry for the end).
  const auto to_offsets = [](std::vector<std::uint32_t>& v) {
    std::uint32_t sum = 0;
    for (std::uint32_t& x : v) sum += std::exchange(x, sum);
    v.push_back(sum);
  };
  to_offsets(cluster_rows_);
  to_offsets(cluster_cols_);
  to_offsets(cluster_pairs_);

  members_rows_.resize(cluster_rows_.back());
  members_cols_.resize(cluster_cols_.back());
  double total = 0.0;
  for (std::uint32_t r = 0; r < rows; ++r) {
    if (local_index_[r] == kNone) {
      total += miss_cost[r];  // no gated pair: unassigned
      continue;
    }
    const auto cl = static_cast<std::size_t>(cluster_of_[find(r)]);
    members_rows_[cluster_rows_[cl] + local_index_[r]] = r;
  }
  for (std::uint32_t c = 0; c < cols; ++c) {
    const std::uint32_t node = col_node(c);
    if (local_index_[node] == kNone) continue;
    const auto cl = static_cast<std::size_t>(cluster_of_[find(node)]);
    members_cols_[cluster_cols_[cl] + local_index_[node]] = c;
  }
  cursor_.assign(cluster_pairs_.begin(), cluster_pairs_.end() - 1);
  sorted_pairs_.resize(cluster_pairs_.back());
  for (std::size_t k = 0; k < pairs.size(); ++k)
    if (pair_cluster_[k] != kNone)
      sorted_pairs_[cursor_[pair_cluster_[k]]++] = static_cast<std::uint32_t>(k);

  ClusterStats& stats = out.stats;
  stats.clusters = clusters;
  for (std::size_t cl = 0; cl < clusters; ++cl) {
    const std::uint32_t row0 = cluster_rows_[cl];
    const std::uint32_t col0 = cluster_cols_[cl];
    const std::size_t nr = cluster_rows_[cl + 1] - row0;
    const std::size_t nc = cluster_cols_[cl + 1] - col0;
    const std::span<const std::uint32_t> members(sorted_pairs_.data() + cluster_pairs_[cl],
                                                 cluster_pairs_[cl + 1] - cluster_pairs_[cl]);
    if (nr + nc > stats.largest_cluster) {
      stats.largest_cluster = nr + nc;
      stats.largest_cluster_rows = nr;
      stats.largest_cluster_cols = nc;
    }

    if (nr == 1) {  // one track: its cheapest measurement, if cheaper than missing
      const std::uint32_t row = members_rows_[row0];
      const GatedPair* best = nullptr;
      for (const std::uint32_t k : members)
        if (best == nullptr || pairs[k].cost < best->cost) best = &pairs[k];
      if (best->cost < miss_cost[row]) {
        row_to_col_[row] = static_cast<std::int32_t>(best->col);
        col_to_row_[best->col] = static_cast<std::int32_t>(row);
        total += best->cost;
      } else {
        total += miss_cost[row];
      }
      ++stats.trivial_clusters;
      continue;
    }
    if (nc == 1) {  // one measurement: the track that saves most by taking it, if any saves
      const GatedPair* best = nullptr;
      double best_gain = 0.0;
      for (const std::uint32_t k : members) {
        const double gain = miss_cost[pairs[k].row] - pairs[k].cost;
        if (gain > best_gain) {
          best_gain = gain;
          best = &pairs[k];
        }
      }
      for (std::size_t i = 0; i < nr; ++i) total += miss_cost[members_rows_[row0 + i]];
      if (best != nullptr) {
        row_to_col_[best->row] = static_cast<std::int32_t>(best->col);
        col_to_row_[best->col] = static_cast<std::int32_t>(best->row);
        total -= best_gain;
      }
      ++stats.trivial_clusters;
      continue;
    }

    // Augmented nr x (nc + nr) matrix: gated costs, then one private miss column per row.
    const std::size_t width = nc + nr;
    matrix_.assign(nr * width, kInf);
    for (const std::uint32_t k : members) {
      const GatedPair& p = pairs[k];
      double& entry = matrix_[local_index_[p.row] * width + local_index_[col_node(p.col)]];
      entry = std::min(entry, p.cost);
    }
    for (std::size_t i = 0; i < nr; ++i)
      matrix_[i * width + nc + i] = miss_cost[members_rows_[row0 + i]];
    local_assignment_.resize(nr);
    const AssignmentOutcome solved = solver_.solve(
        std::span<const double>(matrix_.data(), nr * width), nr, width, local_assignment_);
    assert(solved.ok());  // every row has its finite miss column
    total += solved.total_cost;
    for (std::size_t i = 0; i < nr; ++i) {
      const auto j = static_cast<std::size_t>(local_assignment_[i]);
      if (j >= nc) continue;  // its miss column
      const std::uint32_t row = members_rows_[row0 + i];
      const std::uint32_t col = members_cols_[col0 + j];
      row_to_col_[row] = static_cast<std::int32_t>(col);
      col_to_row_[col] = static_cast<std::int32_t>(row);
    }
  }
  out.total_cost = total;
  return out;
}

}  // namespace trilink::track
