// A multi-target tracker built from small components (Stone Soup style):
//   filter      predictor and updater: Ekf<motion model> or Imm (filters.hpp), with the
//               extended Kalman update in the sensor's measurement model (kalman.hpp)
//   gate        spatial grid of the tracks' gate spheres, then the exact Mahalanobis test
//   associator  global nearest neighbour on the gated pairs (clusters + Jonker-Volgenant)
//   initiator   two-point: an unused measurement pairs with one from an earlier scan that
//               lies within max speed x dt; velocity by differencing
//   confirmer   M of N: tentative until M hits, dropped once M can no longer be reached
//   deleter     a confirmed track is dropped after K misses in a row, when its position
//               sigma grows past a limit, or when it has coasted too long; a track the
//               filter calls predictable (a missile past burnout, purely ballistic) may
//               coast much longer, through gaps in coverage, until its sigma grows too
//               large or the filter finds it implausible (come down)
//   stitcher    a newly confirmed track that matches an older one continues its identity
//               (after a manoeuvre such as staging, or re-acquisition) or is dropped as
//               its duplicate
//   merger      of two confirmed tracks on one target (both kept alive by different
//               radars' detections), the younger is dropped
// The tracker owns no clock and no transport: the caller hands it one scan at a time
// (sensor, time, measurements), in time order. It keeps no history: memory per track is
// bounded. Bad measurements (non-finite values, impossible geometry, time running
// backwards) are rejected with a counted reason and never touch a track.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <string_view>
#include <vector>

#include "base/track_status.hpp"
#include "track/assignment.hpp"
#include "track/filters.hpp"
#include "track/spatial_grid.hpp"

namespace trilink::track {

using trilink::TrackStatus;
using trilink::to_string;

struct TrackerConfig {
  double gate_chi2 = 16.27;       // chi-square, 3 dof, P = 0.999
  double max_speed_mps = 1000.0;  // two-point initiation
  double max_init_gap_s = 5.0;    // oldest earlier measurement a new one may pair with
  // Newest: two fixes closer in time than this give a velocity too poor to start a track on
  // (with different sensors, their biases over a short dt), and a filter started that far
  // from the truth may not converge.
  double min_init_gap_s = 0.0;
  double init_velocity_var_floor = 0.0;  // added to the differenced velocity variance
  int confirm_hits = 3;                  // M
  int confirm_window = 4;                // N
  int delete_misses = 3;                 // K
  double max_position_sigma_m = 5000.0;
  double max_coast_s = 30.0;
  double max_coast_predictable_s = 30.0;  // for tracks the filter calls predictable
  double grid_cell_m = 2000.0;
  // A newly confirmed track that matches an older confirmed or coasting one (positions
  // within the gate) continues it: it takes the older id if the older one missed this scan,
  // and is dropped as a duplicate if the older one was updated too.
  bool stitch = true;
  // A target the filter does not call predictable may change its acceleration by up to
  // stitch_manoeuvre_mps2 without warning (staging). Its track absorbs detections for a
  // while (up to stitch_manoeuvre_lead_s) before they fall out of its gate and start a fresh
  // track. An older track that missed this scan continues into the fresh one if their
  // positions agree within the error such a change would have caused: a/2 tau^2 as a sigma,
  // tau from lead seconds before the earlier of the old track's last update and the fresh
  // track's first detection.
  double stitch_manoeuvre_mps2 = 0.0;
  double stitch_manoeuvre_lead_s = 1.0;
  // Two confirmed tracks whose position and velocity agree within chi-square (6 dof) this
  // value, both updated within the last merge_within_s, are one target seen twice (each
  // radar's detection went to whichever was nearer): the younger is dropped. 0: never.
  double merge_chi2 = 0.0;
  double merge_within_s = 2.0;
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
};

enum class RejectReason : std::uint8_t { non_finite, bad_geometry, time_backwards, count };
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
  std::uint64_t numerical_failures = 0;
  std::array<std::uint64_t, static_cast<int>(RejectReason::count)> rejected{};
  std::size_t largest_cluster = 0;
};

template <typename Filter, typename Sensor>
class Tracker {
 public:
  static constexpr int N = Filter::N;
  using State = typename Filter::State;
  using TrackT = Track<State>;

  Tracker(Filter filter, TrackerConfig config)
      : filter_(std::move(filter)),
        config_(config),
        grid_(config.grid_cell_m),
        pending_grid_(config.grid_cell_m) {}

  std::uint32_t add_sensor(Sensor s) {
    sensors_.push_back(std::move(s));
    last_scan_s_.push_back(-1e300);
    return static_cast<std::uint32_t>(sensors_.size() - 1);
  }

  // One scan of one sensor at time t. Measurements that fail validation are counted and
  // dropped; a scan older than the sensor's previous one is rejected whole.
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
  struct Pending {
    Vec3 p;
    Mat3 P;
    Mat3 A;  // dp/dz
    double t_s;
    std::uint32_t sensor;
    bool used;
  };

  void stitch(double t_s);
  void merge_duplicates(double t_s);
  bool predictable(const State& s) const {
    if constexpr (requires { filter_.predictable(s); })
      return filter_.predictable(s);
    else
      return false;
  }
  bool plausible(const State& s) const {
    if constexpr (requires { filter_.plausible(s); })
      return filter_.plausible(s);
    else
      return true;
  }
  void initiate(std::uint32_t sensor, double t_s, const std::vector<std::uint32_t>& unused,
                std::span<const Measurement> scan);
  State initial_state(const Pending& first, std::uint32_t sensor, const PositionFix& second,
                      double dt_s) const;
  struct NearMiss {
    double nis = std::numeric_limits<double>::infinity();
    Vec3 nu = Vec3::Zero();
    Mat3 S = Mat3::Identity();
  };
  void note(const TrackT& t, double t_s, std::uint32_t sensor, const Vec3& nu, const Mat3& S,
            double nis, UpdateOutcome o, std::string_view reason);

  Filter filter_;
  TrackerConfig config_;
  std::vector<Sensor> sensors_;
  std::vector<double> last_scan_s_;
  std::vector<TrackT> tracks_;
  std::vector<Pending> pending_;
  std::uint64_t next_id_ = 1;
  TrackerCounters counters_;
  std::vector<UpdateDiagnostic> diagnostics_;
  bool keep_diagnostics_ = true;

  // Workspace reused scan after scan.
  std::vector<State> priors_;
  std::vector<Vec3> centres_;
  std::vector<double> radii_;
  std::vector<std::uint32_t> valid_;
  std::vector<GatedPair> pairs_;
  std::vector<double> miss_cost_;
  std::vector<Innovation<N>> innovations_;
  std::vector<std::uint32_t> pair_of_row_;
  std::vector<std::uint32_t> unused_;
  std::vector<std::uint32_t> just_confirmed_;
  std::vector<NearMiss> nearest_;  // per track: closest measurement outside its gate
  std::vector<bool> gated_;        // per track: some measurement inside its gate
  std::vector<Vec3> pending_centres_;
  std::vector<double> pending_radii_;
  SpatialGrid grid_;
  SpatialGrid pending_grid_;
  GnnAssociator associator_;
};

}  // namespace trilink::track

#include "track/tracker_impl.hpp"
