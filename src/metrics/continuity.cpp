#include "metrics/continuity.hpp"

#include <algorithm>
#include <cassert>
#include <limits>

namespace trilink::metrics {

double TruthContinuity::coverage() const {
  return observed_s > 0.0 ? covered_s / observed_s : std::numeric_limits<double>::quiet_NaN();
}

void ContinuityCounter::observe(geo::UtcTime t, std::uint64_t truth_id,
                                std::optional<std::uint64_t> track_id) {
  auto [it, first] = truths_.try_emplace(truth_id);
  TruthState& s = it->second;
  if (first) {
    s.summary.truth_id = truth_id;
    s.first_t = t;
  } else {
    assert(t > s.last_t);
    if (s.last_track) s.covered_ns += t.ns - s.last_t.ns;
  }

  ++s.summary.scans;
  if (track_id) {
    ++s.summary.tracked_scans;
    if (s.last_track != track_id) {  // an acquisition
      if (s.summary.first_tracked) {
        ++s.summary.breaks;
        ++breaks_;
      } else {
        s.summary.first_tracked = t;
      }
    }
    auto [owner, new_track] = truth_of_track_.try_emplace(*track_id, truth_id);
    if (!new_track && owner->second != truth_id) {
      ++s.summary.id_swaps;
      ++id_swaps_;
      owner->second = truth_id;
    }
    if (std::find(s.tracks.begin(), s.tracks.end(), *track_id) == s.tracks.end())
      s.tracks.push_back(*track_id);
  }
  s.last_t = t;
  s.last_track = track_id;
}

std::vector<TruthContinuity> ContinuityCounter::per_truth() const {
  std::vector<TruthContinuity> out;
  out.reserve(truths_.size());
  for (const auto& [id, s] : truths_) {
    TruthContinuity c = s.summary;
    c.observed_s = s.last_t.seconds_since(s.first_t);
    c.covered_s = static_cast<double>(s.covered_ns) * 1e-9;
    c.distinct_tracks = s.tracks.size();
    out.push_back(c);
  }
  std::sort(out.begin(), out.end(), [](const TruthContinuity& a, const TruthContinuity& b) {
    return a.truth_id < b.truth_id;
  });
  return out;
}

}  // namespace trilink::metrics
