#include "fusion/association.hpp"

#include <Eigen/Cholesky>
#include <algorithm>
#include <cassert>
#include <limits>

namespace trilink::fusion {

namespace {

template <int N>
FusionResult<double> mahalanobis(const track::Vec<N>& d, const track::Mat<N>& S) {
  const Eigen::LLT<track::Mat<N>> llt(S);
  if (llt.info() != Eigen::Success)
    return failure(FusionStatus::not_positive_definite, "P1 + P2 not positive definite");
  const double d2 = d.dot(llt.solve(d));
  if (!std::isfinite(d2)) return failure(FusionStatus::non_finite, "d^2 not finite");
  return d2;
}

}  // namespace

FusionResult<double> distance_squared(const Estimate& a, const Estimate& b,
                                      const AssociationConfig& config) {
  if (config.position_only) {
    const track::Vec3 d = a.x.head<3>() - b.x.head<3>();
    const track::Mat3 S = a.P.topLeftCorner<3, 3>() + b.P.topLeftCorner<3, 3>();
    return mahalanobis<3>(d, S);
  }
  return mahalanobis<6>(a.x - b.x, a.P + b.P);
}

Grouping TrackAssociator::associate(std::span<const Group> groups,
                                    std::span<const Candidate> candidates) {
  Grouping out;
  constexpr std::size_t none = std::numeric_limits<std::size_t>::max();
  out.group_of.assign(candidates.size(), none);

  // The groups as they grow: the given ones, then new ones.
  std::vector<Group> all(groups.begin(), groups.end());

  std::vector<std::uint32_t> rows;  // group index per row
  std::vector<std::uint32_t> cols;  // candidate index per column
  std::vector<track::GatedPair> pairs;
  std::vector<double> miss;
  for (Nation n : all_nations) {
    rows.clear();
    cols.clear();
    pairs.clear();
    for (std::size_t c = 0; c < candidates.size(); ++c)
      if (candidates[c].nation == n) cols.push_back(static_cast<std::uint32_t>(c));
    if (cols.empty()) continue;
    for (std::size_t g = 0; g < all.size(); ++g)
      if (!all[g].nations.contains(n) && !all[g].members.empty())
        rows.push_back(static_cast<std::uint32_t>(g));
    for (std::uint32_t r = 0; r < rows.size(); ++r) {
      const Group& group = all[rows[r]];
      for (std::uint32_t k = 0; k < cols.size(); ++k) {
        const Candidate& cand = candidates[cols[k]];
        double worst = 0.0;
        bool gated = true;
        for (const Estimate& m : group.members) {
          const auto d2 = distance_squared(m, cand.estimate, config_);
          if (!d2 || *d2 > config_.gate) {
            gated = false;
            worst = d2 ? std::max(worst, *d2) : std::numeric_limits<double>::infinity();
            break;
          }
          worst = std::max(worst, *d2);
        }
        out.tests.push_back(GateTest{rows[r], cols[k], worst, gated});
        if (gated) pairs.push_back(track::GatedPair{r, k, worst});
      }
    }
    miss.assign(rows.size(), config_.gate);
    std::vector<std::int32_t> col_to_row(cols.size(), -1);
    if (!pairs.empty()) {
      const track::Association a = gnn_.associate(rows.size(), cols.size(), pairs, miss);
      // Costs are finite d^2 and finite miss costs: the associator cannot fail.
      assert(a.ok());
      std::copy(a.col_to_row.begin(), a.col_to_row.end(), col_to_row.begin());
    }
    for (std::size_t k = 0; k < cols.size(); ++k) {
      const Candidate& cand = candidates[cols[k]];
      std::size_t g;
      if (col_to_row[k] >= 0) {
        g = rows[static_cast<std::size_t>(col_to_row[k])];
      } else {
        g = all.size();
        all.push_back(Group{});
        ++out.new_groups;
      }
      all[g].members.push_back(cand.estimate);
      all[g].nations = all[g].nations.with(n);
      out.group_of[cols[k]] = g;
    }
  }
  return out;
}

}  // namespace trilink::fusion
