// Deleter: when a confirmed track that missed a scan coasts on, and when it is dropped.
//
// An ordinary track is dropped at its K-th miss in a row, when its predicted position sigma
// (RMS per axis, sqrt(trace cov(p) / 3)) exceeds max_position_sigma_m, or when it has gone
// more than max_coast_s without an update; short of that, a track that has missed coasts.
// A track the filter calls predictable (a missile past burnout: its future is its
// prediction) ignores misses and may coast through gaps in coverage for up to
// max_coast_predictable_s; it is dropped when its sigma grows past the limit or the filter
// finds it implausible (it has come down), and coasts once it has missed or gone
// max_coast_s without an update. Any track the filter finds implausible (come down, or
// faster than a missile) is dropped. Every drop says why.
#pragma once

#include <cstdint>
#include <string_view>

namespace trilink::track {

struct DeleterConfig {
  int misses = 3;  // K: dropped at the K-th miss in a row
  double max_position_sigma_m = 5000.0;
  double max_coast_s = 30.0;
  double max_coast_predictable_s = 30.0;  // for tracks the filter calls predictable
};

// A confirmed or coasting track that was not updated this scan.
struct MissedTrack {
  int misses = 0;                 // in a row, including this scan's if it was a look
  double position_sigma_m = 0.0;  // of its prediction to this scan
  double since_update_s = 0.0;
  bool predictable = false;  // the filter's judgement
  bool plausible = true;     // the filter's judgement, asked of every track
};

enum class DropReason : std::uint8_t { misses, position_sigma, coast_time, implausible, count };
std::string_view to_string(DropReason r);

struct Verdict {
  enum class Fate : std::uint8_t { keep, coast, drop };
  Fate fate = Fate::keep;                 // keep: its status stays as it is
  DropReason reason = DropReason::count;  // of a drop
};

class Deleter {
 public:
  // Contract: misses >= 1 (asserted).
  explicit Deleter(DeleterConfig config);

  const DeleterConfig& config() const { return config_; }
  Verdict judge(const MissedTrack& t) const;

 private:
  DeleterConfig config_;
};

}  // namespace trilink::track
