// The national tracker a national node runs (DESIGN.md, "Nodes"): an IMM (boost/ballistic)
// tracker over the nation's own radars, with a range-azimuth-elevation model per radar. Each
// track estimates every radar's unknown constant bias with its state, from the track's start
// (track/filters.hpp): the filter knows that repeated looks of one radar share its bias and
// stays consistent; past burnout it also estimates the ballistic coefficient.
//
// Burnout is declared only when thrust has truly ended, on two independent pieces of
// evidence: the IMM's boost probability (below 0.3 for 10 s, after the data had put it above
// 0.5 - not the prior of a track born low and slow, in its first 5 s; or a track 30 s old
// never seen boosting: picked up after burnout), and the track's mechanical
// energy (track/thrust_test.hpp): no rise beyond 3 sigma over the last 12 s. An energy that
// falls beyond 3 sigma over 12 s (drag outweighs any thrust: an SRBM coasting in dense air) is
// burnout on its own: the IMM takes that deceleration for thrust. The IMM alone is
// fooled when the radars are far and noisy (its boost probability stays low while the missile
// thrusts hard) and by a staging gap; when it never rose to 0.3, the hold runs from the
// energy test's last thrust instead (n12, untuned: a lofted IRBM's track born at 47 km on
// Japan's radars, its boost probability under 0.25, was declared burnt out 1.7 s after a
// thrust verdict, 40 s before burnout). While the energy estimates disagree (a fall against
// the window's reference that the estimate after it does not show: one of them wrong) the
// IMM's word waits a hold too: the same wrong estimate misleads the IMM (p04, untuned: a
// lofted IRBM's track taken for coasting at 20 km, its boost probability under 0.3 for 10 s,
// 80 s before burnout). A track climbing slower than any missile burns out is not burnt
// out, whatever the tests say (track::slower_than_any_burnout). The declaration is revocable: when
// the energy rises again (a stage lit after a coast, a post-boost stage) the track is boosting
// again.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <vector>

#include "geo/frames.hpp"
#include "sensor/radar.hpp"
#include "track/thrust_test.hpp"
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
// `sigma` holds the plot's standard deviations in the same order (m, rad, rad). A Doppler
// radar's plot carries its range rate and that one's standard deviation (m/s): the tracker
// tells plots apart by it (track/gate.hpp). A rate without a positive finite deviation makes
// a measurement the tracker rejects (track::RejectReason::bad_range_rate).
track::Measurement measurement_of(const sensor::RadarParams& radar, const geo::RangeAzEl& plot,
                                  const geo::RangeAzEl& sigma, bool consider_biases = true,
                                  std::optional<double> range_rate_mps = std::nullopt,
                                  double sigma_range_rate_mps = 0.0);

// One look at a confirmed track, for the burnout judgement.
struct BurnoutSample {
  double t_s = 0.0;
  double created_s = 0.0;  // the track's creation time
  double boost_probability = 0.0;
  track::Energy energy;    // its mechanical energy estimate
  double speed_mps = 0.0;  // Earth-relative
  double climb_mps = 0.0;  // its speed's component away from the Earth's centre
};

// Per-track burnout judgement (see above).
class BurnoutDetector {
 public:
  static constexpr double hold_s = 10.0;
  static constexpr double late_pickup_s = 30.0;
  // A boost probability counts as the data's only this long after the track's creation:
  // before, it is mostly the IMM's prior (0.8 for a track born low and slow).
  static constexpr double prior_s = 5.0;
  static constexpr double energy_window_s = 12.0;
  static constexpr double energy_sigmas = 3.0;
  // Thrust seen again after burnout: this many energy tests in a row (of one track's looks)
  // must find it before burnout is taken back.
  static constexpr int resume_after_tests = 3;

  enum class Change : std::uint8_t { none, burnout, resumed };
  // Feeds one look of a track: burnout at the look that takes it past burnout, resumed at the
  // look that takes it back into boost.
  Change update(std::uint64_t track_id, const BurnoutSample& s);
  bool burnt_out(std::uint64_t track_id) const;
  // The last energy test of a track: thrust, quiet, or unknown (window not yet filled).
  track::ThrustVerdict thrust(std::uint64_t track_id) const;
  void forget(std::uint64_t track_id) { tracks_.erase(track_id); }

 private:
  struct State {
    bool boost_seen = false;
    bool burnt_out = false;
    // Last time the boost probability was >= 0.3 (or a fall was contradicted).
    std::optional<double> last_high_s;
    std::optional<double> last_thrust_s;  // last time the energy test found thrust
    // Restarted by a gap in the track's looks longer than the window: a track unseen that
    // long has coasted on a guess, and in a raid the plot that revives it may be another
    // missile's (raid100, seed 8: Korea's track of R062, 30-37 km off any missile and 2,244
    // m/s at 2.8 km when it lost its plots at T+494 s, revived on R062 at T+513 s at 1,233
    // m/s: a "drag" fall against the old estimate, burnout 11 s before R062's).
    track::ThrustWindow energy{{energy_window_s, energy_sigmas, energy_window_s}};
    track::ThrustVerdict verdict = track::ThrustVerdict::unknown;
    int thrust_in_a_row = 0;
  };
  std::map<std::uint64_t, State> tracks_;
};

}  // namespace trilink::node
