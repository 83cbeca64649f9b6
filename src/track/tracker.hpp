// A multi-target tracker built from small components (Stone Soup style), each with its own
// configuration and header:
//   filter      predictor and updater: Ekf<motion model>, Ukf<motion model> or Imm
//               (filters.hpp, ukf.hpp), with the extended Kalman update in kalman.hpp; every
//               update says whether it fused and, if not, why (UpdateResult)
//   gate        gate.hpp: spatial grid of the tracks' gate spheres, then the exact
//               Mahalanobis test
//   associator  assignment.hpp: global nearest neighbour on the gated pairs (clusters +
//               Jonker-Volgenant)
//   confirmer   confirmer.hpp: M of N
//   deleter     deleter.hpp: misses in a row, position sigma, coast time; a track the filter
//               calls predictable may coast through gaps in coverage
//   initiator   initiator.hpp: two-point, velocity by differencing
//   stitcher    stitcher.hpp: a newly confirmed track that matches an older one continues
//               its identity or is dropped as its duplicate
//   merger      merger.hpp: of two confirmed tracks on one target, the younger is dropped
// The tracker owns no clock and no transport: the caller hands it one scan at a time
// (sensor, time, measurements), in time order. It keeps no history: memory per track is
// bounded. Bad measurements (non-finite values, impossible geometry, time running
// backwards) are rejected with a counted reason and never touch a track; numerical failures
// are counted by their status and diagnosed.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "base/track_status.hpp"
#include "track/assignment.hpp"
#include "track/confirmer.hpp"
#include "track/deleter.hpp"
#include "track/filters.hpp"
#include "track/gate.hpp"
#include "track/initiator.hpp"
#include "track/merger.hpp"
#include "track/stitcher.hpp"

namespace trilink::track {

using trilink::to_string;
using trilink::TrackStatus;

// The components' own configurations (see each header). The stitcher matches within the
// gate's chi2.
struct TrackerConfig {
  GateConfig gate;
  InitiatorConfig initiator;
  ConfirmerConfig confirmer;
  DeleterConfig deleter;
  StitcherConfig stitcher;
  MergerConfig merger;
};

template <typename State>
struct Track {
  std::uint64_t id = 0;
  TrackStatus status = TrackStatus::tentative;
  State state;
  double t_s = 0.0;  // time of `state`
  double created_s = 0.0;
  double first_seen_s = 0.0;  // its first detection (the earlier fix of its initiation)
  double last_update_s = 0.0;
  int hits = 0;
  int misses = 0;  // in a row
  int looks = 0;   // scans in which it could have been seen
  std::uint32_t last_sensor = 0;

  // Confirmed or coasting.
  bool firm() const { return status == TrackStatus::confirmed || status == TrackStatus::coasting; }
  void drop() { status = TrackStatus::dropped; }
};

// bad_range_rate: a range rate that is not finite, or without a positive finite variance.
enum class RejectReason : std::uint8_t {
  non_finite,
  bad_geometry,
  time_backwards,
  bad_range_rate,
  count
};
std::string_view to_string(RejectReason r);

struct TrackerCounters {
  std::uint64_t scans = 0;
  std::uint64_t measurements = 0;
  std::uint64_t updates = 0;
  std::uint64_t tracks_started = 0;
  std::uint64_t tracks_confirmed = 0;
  std::uint64_t tracks_dropped = 0;
  std::uint64_t tracks_stitched = 0;  // new tracks that continued or duplicated an older one
  std::uint64_t tracks_merged = 0;    // confirmed tracks dropped as another's duplicate
  // Confirmed tracks the deleter dropped, by reason.
  std::array<std::uint64_t, static_cast<int>(DropReason::count)> deleted{};
  // Numerical failures by status: of the gate (the innovation of a candidate pair) and of
  // the update (of an assigned pair; the track keeps its state and counts neither a hit
  // nor a miss).
  FailureCounts gate_failures{};
  FailureCounts update_failures{};
  std::array<std::uint64_t, static_cast<int>(RejectReason::count)> rejected{};
  std::size_t largest_cluster = 0;

  std::uint64_t numerical_failures() const;
};

template <typename Filter, typename Sensor>
class Tracker {
 public:
  static constexpr int N = Filter::N;
  using State = typename Filter::State;
  using TrackT = Track<State>;

  Tracker(Filter filter, TrackerConfig config)
      : filter_(std::move(filter)),
        gate_(config.gate),
        confirmer_(config.confirmer),
        deleter_(config.deleter),
        initiator_(config.initiator),
        stitcher_(config.stitcher, config.gate.chi2),
        merger_(config.merger) {}

  std::uint32_t add_sensor(Sensor s) {
    sensors_.push_back(std::move(s));
    return static_cast<std::uint32_t>(sensors_.size() - 1);
  }

  // One scan of one sensor at time t. Measurements that fail validation are counted and
  // dropped; a scan older than the previous one (of any sensor) is rejected whole.
  void process(std::uint32_t sensor, double t_s, std::span<const Measurement> scan);

  const std::vector<TrackT>& tracks() const { return tracks_; }
  const TrackerCounters& counters() const { return counters_; }
  // Diagnostics of the updates since the last call to clear_diagnostics().
  const std::vector<UpdateDiagnostic>& diagnostics() const { return diagnostics_; }
  void clear_diagnostics() { diagnostics_.clear(); }
  void set_keep_diagnostics(bool keep) { keep_diagnostics_ = keep; }
  const Filter& filter() const { return filter_; }
  // The caller's judgement that a track's target will not manoeuvre again (a missile past
  // burnout): filters that know of it stop switching into their manoeuvre mode.
  void end_manoeuvres(std::uint64_t track_id);
  // Takes that judgement back (the target was seen manoeuvring again: a staging gap, a
  // post-boost stage): its manoeuvre mode is restored with `probability`.
  void resume_manoeuvres(std::uint64_t track_id, double probability);
  const Sensor& sensor(std::uint32_t i) const { return sensors_[i]; }

  // A track's filter state, and its combined state, predicted to t (no change to the track).
  State predict_state(const TrackT& track, double t_s) const {
    return filter_.predict(track.state, t_s - track.t_s);
  }
  Gaussian<N> predict(const TrackT& track, double t_s) const {
    return filter_.combined(predict_state(track, t_s));
  }
  const Gaussian<N>& estimate(const TrackT& track) const { return filter_.combined(track.state); }

 private:
  static constexpr std::uint32_t kUnassigned = UINT32_MAX;

  // The steps of process(), in order.
  void validate(const Sensor& s, std::span<const Measurement> scan);
  // Drops the tracks not yet predictable that have gone max_coast_s without an update.
  void expire(double t_s);
  void predict(double t_s);
  void associate();
  void update(std::size_t k, std::uint32_t sensor, double t_s, std::span<const Measurement> scan);
  void miss(std::size_t k, std::uint32_t sensor, double t_s);
  void erase_dropped();
  void start(typename TwoPointInitiator<Filter, Sensor>::Start& started, std::uint32_t sensor,
             double t_s);

  void note(const TrackT& t, double t_s, std::uint32_t sensor, const Vec3& nu, const Mat3& S,
            double nis, UpdateOutcome o, std::string_view reason);

  Filter filter_;
  Gate<N> gate_;
  GnnAssociator associator_;
  MOfNConfirmer confirmer_;
  Deleter deleter_;
  TwoPointInitiator<Filter, Sensor> initiator_;
  Stitcher stitcher_;
  DuplicateMerger merger_;

  std::vector<Sensor> sensors_;
  std::optional<double> last_scan_s_;  // the last scan taken, of any sensor
  std::vector<TrackT> tracks_;
  std::uint64_t next_id_ = 1;
  TrackerCounters counters_;
  std::vector<UpdateDiagnostic> diagnostics_;
  bool keep_diagnostics_ = true;

  // Workspace reused scan after scan.
  std::vector<std::uint32_t> valid_;        // indices of the scan's valid measurements
  std::vector<State> priors_;               // per track: predicted to the scan
  std::vector<double> miss_cost_;           // per track
  std::vector<std::uint32_t> pair_of_row_;  // per track: its assigned gated pair
  std::vector<std::uint32_t> unused_;       // scan indices of unassigned valid measurements
  std::vector<std::uint32_t> just_confirmed_;
};

}  // namespace trilink::track

#include "track/tracker_impl.hpp"
