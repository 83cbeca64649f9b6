// The national tracker a national node runs (DESIGN.md, "Nodes"): an IMM (boost/ballistic)
// tracker over the nation's own radars, with a range-azimuth-elevation model per radar. Each
// track estimates every radar's unknown constant bias with its state, from the track's start
// (track/filters.hpp): the filter knows that repeated looks of one radar share its bias and
// stays consistent; past burnout it also estimates the ballistic coefficient.
//
// Burnout. The IMM's boost probability dips during boost when the radars are far and noisy,
// so burnout is declared with hysteresis: once the boost probability has stayed below 0.3
// for 10 s, after having been above 0.5 (or when a track 30 s old was never seen boosting:
// picked up after burnout).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <vector>

#include "geo/frames.hpp"
#include "sensor/radar.hpp"
#include "track/tracker.hpp"

namespace trilink::node {

using NationalTracker = track::Tracker<track::Imm, track::RangeAzEl>;

track::TrackerConfig national_tracker_config();
track::Imm national_filter();

// The tracker over `radars`, sensor i = radars[i]. With `consider_biases` false the biases
// are not modelled: their variance must be added to each measurement's noise instead
// (measurement_of does that).
NationalTracker make_national_tracker(std::span<const sensor::RadarParams> radars,
                                      bool consider_biases = true);

// A detection as the tracker's measurement (range, az, el), with the bias variance added as
// white noise when biases are not considered.
// `sigma` holds the plot's standard deviations in the same order (m, rad, rad).
track::Measurement measurement_of(const sensor::RadarParams& radar, const geo::RangeAzEl& plot,
                                  const geo::RangeAzEl& sigma, bool consider_biases = true);

// Per-track burnout hysteresis on the IMM boost probability (see above).
class BurnoutDetector {
 public:
  static constexpr double hold_s = 10.0;
  static constexpr double late_pickup_s = 30.0;

  // Feeds one sample of a track (time, its creation time, boost probability); returns true
  // at the sample that takes it past burnout (burnt_out() stays true from then on).
  bool update(std::uint64_t track_id, double t_s, double created_s, double boost_probability);
  bool burnt_out(std::uint64_t track_id) const;
  void forget(std::uint64_t track_id) { tracks_.erase(track_id); }

 private:
  struct State {
    bool boost_seen = false;
    bool burnt_out = false;
    std::optional<double> last_high_s;  // last time the boost probability was >= 0.3
  };
  std::map<std::uint64_t, State> tracks_;
};

}  // namespace trilink::node
