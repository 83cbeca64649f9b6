// Confirmer: M of N. A tentative track is confirmed at its M-th hit if that comes within its
// first N looks, and dropped as soon as it can no longer come: at its (N - M + 1)-th miss
// (the M/N logic of Blackman & Popoli, "Design and Analysis of Modern Tracking Systems",
// Artech House 1999). A look is a scan in which the track's target could have been seen
// (the sensor covers its predicted position); a hit is a look that updated the track. A
// two-point initiation counts as two hits in two looks.
#pragma once

namespace trilink::track {

struct ConfirmerConfig {
  int hits = 3;    // M
  int window = 4;  // N
};

class MOfNConfirmer {
 public:
  // Contract: 1 <= hits <= window (asserted).
  explicit MOfNConfirmer(ConfirmerConfig config);

  const ConfirmerConfig& config() const { return config_; }
  // After a hit: a tentative track with `hits` hits is confirmed.
  bool confirms(int hits) const { return hits >= config_.hits; }
  // After a miss: a tentative track with `hits` hits in `looks` looks is dropped.
  bool rejects(int hits, int looks) const { return looks - hits > config_.window - config_.hits; }

 private:
  ConfirmerConfig config_;
};

}  // namespace trilink::track
