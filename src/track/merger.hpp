// Merger: two confirmed tracks on one target, both kept alive (each radar's detection went
// to whichever track was nearer), are one target seen twice: the younger (higher id) is
// dropped.
//
// Two tracks are live if confirmed or coasting and updated within the last within_s; they
// are one target if their position and velocity agree within the chi-square test (6 dof)
//   d = [p v]_a - [p v]_b,  d' (cov_a + cov_b)^-1 d <= chi2  (their correlation ignored)
// each state taken at the scan's time: a track's own state if it was updated now, else its
// prediction. Pairs come from the gate's spatial grid (a track's gate sphere holds the other's
// predicted position). chi2 = 0: never merge. Tracks are any type with id, t_s, last_update_s,
// state, firm() (confirmed or coasting) and drop().
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "track/gaussian.hpp"
#include "track/spatial_grid.hpp"

namespace trilink::track {

struct MergerConfig {
  double chi2 = 0.0;  // chi-square, 6 dof; 0: never
  double within_s = 2.0;
};

class DuplicateMerger {
 public:
  explicit DuplicateMerger(MergerConfig config) : config_(config) {}

  const MergerConfig& config() const { return config_; }

  // priors[k] is track k's state predicted to t_s; `grid` holds the tracks' gates. Returns
  // how many tracks were dropped.
  template <typename TrackT, typename Filter>
  std::size_t merge(std::vector<TrackT>& tracks, std::span<const typename Filter::State> priors,
                    const SpatialGrid& grid, const Filter& filter, double t_s) const;

 private:
  MergerConfig config_;
};

template <typename TrackT, typename Filter>
std::size_t DuplicateMerger::merge(std::vector<TrackT>& tracks,
                                   std::span<const typename Filter::State> priors,
                                   const SpatialGrid& grid, const Filter& filter, double t) const {
  if (!(config_.chi2 > 0.0)) return 0;
  constexpr int N = Filter::N;
  const auto now = [&](std::size_t k) -> const Gaussian<N>& {
    return filter.combined(tracks[k].t_s == t ? tracks[k].state : priors[k]);
  };
  const auto live = [&](const TrackT& tr) {
    return tr.firm() && t - tr.last_update_s <= config_.within_s;
  };
  std::size_t merged = 0;
  for (std::uint32_t k = 0; k < tracks.size(); ++k) {
    if (!live(tracks[k])) continue;
    const Gaussian<N>& a = now(k);
    grid.for_each_candidate(pos(a.x), [&](std::uint32_t j) {
      TrackT &older = tracks[k], &younger = tracks[j];
      if (j == k || younger.id < older.id || !live(younger) || !live(older)) return;
      const Gaussian<N>& b = now(j);
      const Vec<6> d = kinematic(a.x) - kinematic(b.x);
      const Eigen::LLT<Mat<6>> llt(kinematic_cov(a.P) + kinematic_cov(b.P));
      if (llt.info() != Eigen::Success || d.dot(llt.solve(d)) > config_.chi2) return;
      younger.drop();
      ++merged;
    });
  }
  return merged;
}

}  // namespace trilink::track
