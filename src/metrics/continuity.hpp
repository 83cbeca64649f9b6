// Track continuity: does each true object keep one track, and does each track keep one
// object?
//
// Input, scan by scan: for each truth object observed at time t, the track associated with it
// (e.g. from the GOSPA assignment), or none. Per truth, times are strictly increasing; within
// a scan a track is associated with at most one truth.
//
// Per truth:
//  - break: the truth acquires a track (a track where the previous scan had none, or a
//    different track id than the previous scan) after its first acquisition. So a track lost
//    and found again, a track lost and replaced, and a track id changing from one scan to the
//    next each count one; the first acquisition does not.
//  - id swap: the track the truth gets was, at its last association, on another truth
//    (counted on the truth that receives it).
//  - covered time: the sum of the intervals [t_i, t_{i+1}) between the truth's consecutive
//    observations in which it had a track at t_i (sample and hold); observed time is
//    t_last - t_first.
// (Cf. the track-continuity measures of Gorji, Tharmarasa & Kirubarajan, "Performance
// measures for multiple target tracking problems", FUSION 2011.)
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

#include "geo/time.hpp"

namespace trilink::metrics {

struct TruthContinuity {
  std::uint64_t truth_id = 0;
  std::size_t scans = 0;          // observations of the truth
  std::size_t tracked_scans = 0;  // of which with a track
  double observed_s = 0.0;        // first to last observation
  double covered_s = 0.0;         // time with a track (sample and hold)
  std::size_t breaks = 0;
  std::size_t id_swaps = 0;
  std::size_t distinct_tracks = 0;  // different track ids it has had
  std::optional<geo::UtcTime> first_tracked;

  // covered_s / observed_s; NaN when observed for no time.
  double coverage() const;
};

class ContinuityCounter {
 public:
  void observe(geo::UtcTime t, std::uint64_t truth_id, std::optional<std::uint64_t> track_id);

  // One entry per truth observed, in increasing truth id.
  std::vector<TruthContinuity> per_truth() const;
  std::size_t breaks() const { return breaks_; }
  std::size_t id_swaps() const { return id_swaps_; }

 private:
  struct TruthState {
    TruthContinuity summary;
    geo::UtcTime first_t;
    geo::UtcTime last_t;
    std::optional<std::uint64_t> last_track;
    std::int64_t covered_ns = 0;
    std::vector<std::uint64_t> tracks;  // distinct ids seen, in order
  };
  std::unordered_map<std::uint64_t, TruthState> truths_;
  std::unordered_map<std::uint64_t, std::uint64_t> truth_of_track_;  // at its last association
  std::size_t breaks_ = 0;
  std::size_t id_swaps_ = 0;
};

}  // namespace trilink::metrics
