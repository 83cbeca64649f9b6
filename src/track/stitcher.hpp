// Stitcher: a newly confirmed track that matches an older confirmed or coasting one
// continues it. If the older track missed this scan (it lost its target, and the new one
// found it: after a manoeuvre such as staging, or on re-acquisition), the new track takes
// its identity (id, creation and first-detection times, hits and looks) and the older is
// dropped; if both were updated this scan, the new one is a duplicate and is dropped.
//
// Match: the older track predicted to now against the new one, positions only,
//   d = p_new - p_old,  S = cov(p_new) + cov(p_old) + m^2 I,  d' S^-1 d < chi2 (the gate's)
// the smallest wins. m is the manoeuvre allowance of an older track that missed this scan
// and that the filter does not call predictable: a target that may change its acceleration
// by up to manoeuvre_mps2 without warning (staging) feeds its track for a while (up to
// manoeuvre_lead_s) before its detections fall out of the gate and start a fresh track, so
// the two positions may differ by m = a/2 tau^2, tau = t - min(t_old_update,
// t_new_first_seen) + lead. Otherwise m = 0.
//
// Candidates are the older tracks whose gate sphere holds the new track's position (the
// gate's spatial grid). Tracks are any type with id, created_s, first_seen_s, last_update_s,
// hits, looks, state, firm() (confirmed or coasting) and drop().
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "track/filters.hpp"
#include "track/spatial_grid.hpp"

namespace trilink::track {

struct StitcherConfig {
  bool enabled = true;
  double manoeuvre_mps2 = 0.0;    // largest sudden change of acceleration
  double manoeuvre_lead_s = 1.0;  // how long a manoeuvring target may feed its old track
};

class Stitcher {
 public:
  // chi2: the gate's (3 dof).
  Stitcher(StitcherConfig config, double chi2) : config_(config), chi2_(chi2) {}

  const StitcherConfig& config() const { return config_; }

  // The allowance's variance m^2 (m^2) for an older track last updated at `old_update_s`
  // and a new one first seen at `new_first_seen_s`, at t_s.
  double manoeuvre_variance_m2(double old_update_s, double new_first_seen_s, double t_s) const;

  // The tracks confirmed at t_s (indices into `tracks`, in the order of confirmation) against
  // the others; priors[k] is track k's state predicted to t_s, `grid` holds their gates.
  // Returns how many were stitched (continued or dropped as duplicates).
  template <typename TrackT, typename Filter>
  std::size_t stitch(std::span<const std::uint32_t> confirmed, std::vector<TrackT>& tracks,
                     std::span<const typename Filter::State> priors, const SpatialGrid& grid,
                     const Filter& filter, double t_s) const;

 private:
  StitcherConfig config_;
  double chi2_;
};

template <typename TrackT, typename Filter>
std::size_t Stitcher::stitch(std::span<const std::uint32_t> confirmed, std::vector<TrackT>& tracks,
                             std::span<const typename Filter::State> priors,
                             const SpatialGrid& grid, const Filter& filter, double t) const {
  if (!config_.enabled) return 0;
  std::size_t stitched = 0;
  for (const std::uint32_t k : confirmed) {
    TrackT& fresh = tracks[k];
    const auto& g = filter.combined(fresh.state);
    const Vec3 p = pos(g.x);
    std::int64_t best = -1;
    double best_d2 = chi2_;
    grid.for_each_candidate(p, [&](std::uint32_t j) {
      const TrackT& old = tracks[j];
      if (j == k || old.id > fresh.id || !old.firm()) return;
      const auto& o = filter.combined(priors[j]);
      const Vec3 d = p - pos(o.x);
      Mat3 S = pos_cov(g.P) + pos_cov(o.P);
      if (old.last_update_s < t && !predictable(filter, priors[j]))
        S.diagonal().array() += manoeuvre_variance_m2(old.last_update_s, fresh.first_seen_s, t);
      const Eigen::LLT<Mat3> llt(S);
      if (llt.info() != Eigen::Success) return;
      const double d2 = d.dot(llt.solve(d));
      if (d2 < best_d2) best = j, best_d2 = d2;
    });
    if (best < 0) continue;
    TrackT& old = tracks[static_cast<std::size_t>(best)];
    ++stitched;
    if (old.last_update_s == t) {
      fresh.drop();  // a duplicate of the old one
      continue;
    }
    fresh.id = old.id;
    fresh.created_s = old.created_s;
    fresh.first_seen_s = old.first_seen_s;
    fresh.hits += old.hits;
    fresh.looks += old.looks;
    old.drop();
  }
  return stitched;
}

}  // namespace trilink::track
