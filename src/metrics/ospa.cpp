#include "metrics/ospa.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>
#include <numeric>
#include <utility>

namespace trilink::metrics {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();

// d^p, exact for the common orders.
double power(double d, double p) {
  if (p == 1.0) return d;
  if (p == 2.0) return d * d;
  return std::pow(d, p);
}

double root(double x, double p) {
  if (p == 1.0) return x;
  if (p == 2.0) return std::sqrt(x);
  return std::pow(x, 1.0 / p);
}

// The first non-finite point of a set, if any, as a reason.
std::string non_finite(std::span<const Eigen::Vector3d> points, std::string_view set) {
  for (std::size_t i = 0; i < points.size(); ++i)
    if (!points[i].allFinite())
      return std::string(set) + "[" + std::to_string(i) + "] is not finite";
  return {};
}

void check(const SetMetricParams& params) {
  assert(params.cutoff_m > 0.0 && params.cutoff_m < std::numeric_limits<double>::max() / 4);
  assert(params.order >= 1.0 && std::isfinite(params.order));
  (void)params;
}

}  // namespace

std::uint32_t SetMetricEvaluator::find(std::uint32_t node) {
  while (parent_[node] != node) {
    parent_[node] = parent_[parent_[node]];  // path halving
    node = parent_[node];
  }
  return node;
}

std::string_view to_string(SetMetricStatus s) {
  switch (s) {
    case SetMetricStatus::ok:
      return "ok";
    case SetMetricStatus::non_finite_point:
      return "non_finite_point";
    case SetMetricStatus::solver_failed:
      return "solver_failed";
  }
  return "unknown";
}

SetMetricEvaluator::Matching SetMetricEvaluator::match(std::span<const Eigen::Vector3d> truth,
                                                       std::span<const Eigen::Vector3d> estimates,
                                                       const SetMetricParams& params) {
  check(params);
  Matching out;
  truth_to_estimate_.assign(truth.size(), -1);
  clusters_ = {};
  std::string bad = non_finite(truth, "truth");
  if (bad.empty()) bad = non_finite(estimates, "estimates");
  if (!bad.empty()) {
    out.status = SetMetricStatus::non_finite_point;
    out.reason = std::move(bad);
    return out;
  }
  if (truth.empty() || estimates.empty()) return out;
  assert(truth.size() + estimates.size() < kNone);

  const double c = params.cutoff_m;
  const double p = params.order;
  // Cells of side 2c: each estimate's sphere of radius c is recorded in at most 8 cells.
  if (!grid_ || grid_->cell_m() != 2.0 * c) grid_.emplace(2.0 * c);
  radii_.assign(estimates.size(), c);
  grid_->build(estimates, radii_);

  // The pairs that can lower the cost: d < c (and d^p < c^p after rounding).
  const double cp = power(c, p);
  pairs_.clear();
  for (std::size_t i = 0; i < truth.size(); ++i) {
    const Eigen::Vector3d& x = truth[i];
    grid_->for_each_candidate(x, [&](std::uint32_t j) {
      const double d = (x - estimates[j]).norm();
      if (d >= c) return;
      const double cost = power(d, p);
      if (cost < cp) pairs_.push_back({static_cast<std::uint32_t>(i), j, cost});
    });
  }

  // Connected components of the pairs: nodes are the truths, then the estimates.
  const auto m = static_cast<std::uint32_t>(truth.size());
  const std::size_t nodes = truth.size() + estimates.size();
  parent_.resize(nodes);
  std::iota(parent_.begin(), parent_.end(), 0u);
  for (const track::GatedPair& q : pairs_) {
    const std::uint32_t a = find(q.row);
    const std::uint32_t b = find(m + q.col);
    if (a != b) parent_[a] = b;
  }
  component_of_root_.assign(nodes, kNone);
  local_index_.assign(nodes, kNone);
  component_rows_.clear();
  component_cols_.clear();
  component_pairs_.clear();
  pair_component_.resize(pairs_.size());
  for (std::size_t k = 0; k < pairs_.size(); ++k) {
    const track::GatedPair& q = pairs_[k];
    const std::uint32_t root = find(q.row);
    if (component_of_root_[root] == kNone) {
      component_of_root_[root] = static_cast<std::uint32_t>(component_pairs_.size());
      component_rows_.push_back(0);
      component_cols_.push_back(0);
      component_pairs_.push_back(0);
    }
    const std::uint32_t cl = component_of_root_[root];
    pair_component_[k] = cl;
    ++component_pairs_[cl];
    if (local_index_[q.row] == kNone) local_index_[q.row] = component_rows_[cl]++;
    if (local_index_[m + q.col] == kNone) local_index_[m + q.col] = component_cols_[cl]++;
  }
  const std::size_t components = component_pairs_.size();
  std::uint32_t offset = 0;
  for (std::uint32_t& count : component_pairs_) offset += std::exchange(count, offset);
  component_pairs_.push_back(offset);
  cursor_.assign(component_pairs_.begin(), component_pairs_.end() - 1);
  sorted_pairs_.resize(pairs_.size());
  for (std::size_t k = 0; k < pairs_.size(); ++k)
    sorted_pairs_[cursor_[pair_component_[k]]++] = static_cast<std::uint32_t>(k);

  clusters_.clusters = components;
  for (std::size_t cl = 0; cl < components; ++cl) {
    const std::size_t r = component_rows_[cl];
    const std::size_t k = component_cols_[cl];
    const std::span<const std::uint32_t> members(sorted_pairs_.data() + component_pairs_[cl],
                                                 component_pairs_[cl + 1] - component_pairs_[cl]);
    if (r + k > clusters_.largest_cluster) {
      clusters_.largest_cluster = r + k;
      clusters_.largest_cluster_rows = r;
      clusters_.largest_cluster_cols = k;
    }
    if (r == 1 || k == 1) {  // one pair at most: the closest
      const track::GatedPair* best = &pairs_[members[0]];
      for (const std::uint32_t q : members)
        if (pairs_[q].cost < best->cost) best = &pairs_[q];
      truth_to_estimate_[best->row] = static_cast<std::int32_t>(best->col);
      ++clusters_.trivial_clusters;
      continue;
    }
    // Dense r x k cut-off matrix: c^p except for the pairs within c.
    rows_global_.resize(r);
    cols_global_.resize(k);
    matrix_.assign(r * k, cp);
    for (const std::uint32_t q : members) {
      const track::GatedPair& pair = pairs_[q];
      const std::uint32_t i = local_index_[pair.row];
      const std::uint32_t j = local_index_[m + pair.col];
      rows_global_[i] = pair.row;
      cols_global_[j] = pair.col;
      matrix_[i * k + j] = pair.cost;
    }
    local_assignment_.resize(r);
    const track::AssignmentOutcome outcome = solver_.solve(matrix_, r, k, local_assignment_);
    if (!outcome.ok()) {
      out.status = SetMetricStatus::solver_failed;
      out.reason = std::string(track::to_string(outcome.status)) + ": " + outcome.reason;
      std::fill(truth_to_estimate_.begin(), truth_to_estimate_.end(), -1);
      return out;
    }
    for (std::size_t i = 0; i < r; ++i) {
      const std::int32_t j = local_assignment_[i];
      if (j >= 0 && matrix_[i * k + static_cast<std::size_t>(j)] < cp)  // drop pairs at c^p
        truth_to_estimate_[rows_global_[i]] =
            static_cast<std::int32_t>(cols_global_[static_cast<std::size_t>(j)]);
    }
  }

  // The localisation sum from the assigned pairs themselves (no cancellation against c^p).
  for (std::size_t i = 0; i < truth.size(); ++i) {
    const std::int32_t j = truth_to_estimate_[i];
    if (j < 0) continue;
    out.localisation_cost += power((truth[i] - estimates[static_cast<std::size_t>(j)]).norm(), p);
    ++out.matched;
  }
  return out;
}

OspaResult SetMetricEvaluator::ospa(std::span<const Eigen::Vector3d> truth,
                                    std::span<const Eigen::Vector3d> estimates,
                                    const SetMetricParams& params) {
  Matching m = match(truth, estimates, params);
  OspaResult out;
  if (m.status != SetMetricStatus::ok) {
    out.status = m.status;
    out.reason = std::move(m.reason);
    out.distance_m = out.localisation_m = out.cardinality_m = kNaN;
    return out;
  }
  const std::size_t small = std::min(truth.size(), estimates.size());
  const std::size_t large = std::max(truth.size(), estimates.size());
  out.assigned = m.matched;
  if (large == 0) return out;  // both empty: distance 0
  const double cp = power(params.cutoff_m, params.order);
  const auto n = static_cast<double>(large);
  // The unmatched points of the smaller set pair (at distance >= c) with points of the larger.
  const double loc = (m.localisation_cost + cp * static_cast<double>(small - m.matched)) / n;
  const double card = cp * static_cast<double>(large - small) / n;
  out.localisation_m = root(loc, params.order);
  out.cardinality_m = root(card, params.order);
  out.distance_m = std::min(root(loc + card, params.order), params.cutoff_m);
  return out;
}

GospaResult SetMetricEvaluator::gospa(std::span<const Eigen::Vector3d> truth,
                                      std::span<const Eigen::Vector3d> estimates,
                                      const SetMetricParams& params) {
  Matching m = match(truth, estimates, params);
  GospaResult out;
  if (m.status != SetMetricStatus::ok) {
    out.status = m.status;
    out.reason = std::move(m.reason);
    out.distance_m = out.localisation_cost = out.missed_cost = out.false_cost = kNaN;
    return out;
  }
  const double half_cp = 0.5 * power(params.cutoff_m, params.order);
  out.assigned = m.matched;
  out.missed = truth.size() - m.matched;
  out.false_tracks = estimates.size() - m.matched;
  out.localisation_cost = m.localisation_cost;
  out.missed_cost = half_cp * static_cast<double>(out.missed);
  out.false_cost = half_cp * static_cast<double>(out.false_tracks);
  out.distance_m = root(out.localisation_cost + out.missed_cost + out.false_cost, params.order);
  return out;
}

OspaResult ospa(std::span<const Eigen::Vector3d> truth, std::span<const Eigen::Vector3d> estimates,
                const SetMetricParams& params) {
  SetMetricEvaluator evaluator;
  return evaluator.ospa(truth, estimates, params);
}

GospaResult gospa(std::span<const Eigen::Vector3d> truth,
                  std::span<const Eigen::Vector3d> estimates, const SetMetricParams& params) {
  SetMetricEvaluator evaluator;
  return evaluator.gospa(truth, estimates, params);
}

}  // namespace trilink::metrics
