// Boost tracks from space (DESIGN.md, "Physics and algorithms": space-based infrared): what the
// US national node makes of its infrared satellites' angles-only plots (sensor/infrared.hpp).
//
// Initiation by triangulation. Each frame of a satellite is paired with the latest frame of
// every other satellite taken within `pair_max_dt_s` of it; every pair of plots whose lines of
// sight meet (track/triangulation.hpp: closest approach within `max_miss_m` and chi-square
// within `fix_chi2_gate`, the point between `min_height_m` and `max_height_m`) is a fix at the
// mean of the two frame times. A plot takes part in a fix with each of the other satellites'
// frames around it, so two fixes may share a ray: each fix's covariance is doubled for that.
//
// Neighbouring plumes (a salvo) make one fix each per pair of frames, and crossing rays of two
// plumes may meet too (a ghost): the rays of the two frames are paired by global nearest
// neighbour on the fixes' chi-square (track/assignment.hpp), each ray in at most one fix of the
// pair; and the pair's fixes are given to the tracks by global nearest neighbour too, on each
// fix's squared Mahalanobis distance from the track's arc (a fix is known to hundreds of m across
// the lines of sight, to km along them), each track taking at most one. (With each fix joining its
// nearest track on its own, a young track, whose gate is wide, took the fixes of a plume launched
// beside it a few seconds later: launch points 10-12 km off in three salvo launches,
// docs/sensors.md.)
//
// Tracks. A fix may join a track whose arc (the boost fit below, with 3 sigma of its
// predicted position; or its last fix and `max_speed_mps` while it has no fit, or one faster than
// that) predicts it within `gate_m` plus the speed the missile may have gained; a fix joining no
// track starts a tentative one. A track is a constant-acceleration fit (track::fit_boost) over its
// fixes of the last `fit_window_s`. It is confirmed when its fit spans `confirm_fixes` fixes
// over at least `confirm_span_s`, its chi-square is plausible (below dof + 4 sqrt(2 dof)) and
// it climbs at a believable speed: so random false alarms, which never line up over several
// frames, never make a track. A track with no fix for `drop_after_s` ends (a plume is seen only
// while the missile thrusts: the track ends at burnout).
//
// Launch point: the fixes of a track's first `launch_window_s` are fitted with a boost from
// rest at the launch point (the assumption of track::LaunchPointEstimator, constant
// acceleration from rest, but fitted to the positions rather than carried back from one noisy
// velocity): in the east-north-up frame on the ground under the earliest fix,
//   x(t) = x_L + a (t - t_L)^2 / 2,   x_L = (e_L, n_L, 0)
// For a given launch time t_L the five unknowns (e_L, n_L, a) are weighted linear least squares
// (each fix weighted by its covariance), with a prior N(0, launch_offset_prior_m^2) on each
// horizontal component of the path from the launch point to the earliest fix, a (t0 - t_L)^2 / 2
// (the early boost climbs nearly vertically: with a few seconds of fixes, their curvature alone
// would carry noise back tens of km; at most `climb_horizontal_accel_sigma_mps2`) and a prior
// N(climb_accel, climb_accel_sigma^2) on the vertical acceleration (the first fixes' climb is
// hundreds of m under km of noise); t_L minimises the chi-square, priors included (golden section
// over the `max_climb_s` before the earliest fix). The 95 % ellipse: the conditional covariance of
// (e_L, n_L) with `model_sigma_m` added for the pitch programme the model leaves out.
// Reported state: while the track is young (its fixes span at most `launch_window_s`) and was
// picked up low in the boost (the fitted boost at most `launch_state_max_height_m` high at the
// earliest fix), the boost from rest at its latest fix; later the fit of the last
// `fit_window_s` at its latest fix. (The earliest fix's own height would not do: a fix is
// known to km along the lines of sight, and plumes seen at 2 km were fixed at 6-7 km, so the
// young track reported its free fit, a few seconds of fixes known to 2-4 km/s, and waited 5-7
// s longer for its launch alert: apr2023, f12.)
// Each with a model term (`model_sigma_*`) for the acceleration that is not constant. (A free
// fit of a few seconds of fixes knows the velocity to 1-2 km/s; the boost from rest, to
// ~100 m/s: the launch alert need not wait for more fixes.)

// Plots with non-finite values, or of no known satellite, are counted and dropped.
// Functional core: plots in with their times (seconds since the node's epoch), reports out.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <span>
#include <vector>

#include "sensor/infrared.hpp"
#include "track/assignment.hpp"
#include "track/prediction.hpp"
#include "track/triangulation.hpp"

namespace trilink::node {

struct SpaceTrackerConfig {
  double pair_max_dt_s = 0.6;
  double max_miss_m = 10e3;
  double fix_chi2_gate = 16.0;
  double min_height_m = 0.0;
  double max_height_m = 400e3;
  double gate_m = 5e3;
  double max_accel_mps2 = 80.0;  // a boosting missile's speed may grow this fast
  double fit_window_s = 10.0;
  int confirm_fixes = 5;
  double confirm_span_s = 3.0;
  double drop_after_s = 6.0;
  double max_speed_mps = 8000.0;
  double launch_window_s = 20.0;
  double max_climb_s = 150.0;  // the plume may be first seen this long after lift-off
  double launch_offset_prior_m = 3e3;
  // Prior on the climb's (vertical) acceleration: the notional classes leave the pad at 10-45
  // m/s^2 (thrust over lift-off mass less g: ICBM 11, IRBM 10, SRBM 45) and gain as they burn.
  double climb_accel_mps2 = 25.0;
  double climb_accel_sigma_mps2 = 20.0;
  // ... and on the horizontal one, as the launch offset's prior when that is tighter (a boost
  // rises vertically for its first seconds, then pitches over a few degrees at a time).
  double climb_horizontal_accel_sigma_mps2 = 15.0;
  // The boost from rest is the young track's state only if the fitted boost was at most this
  // high at its first fix (LaunchFit::first_height_m: it was seen from early in the boost;
  // later the pitch programme has turned the thrust).
  double launch_state_max_height_m = 5e3;
  double model_sigma_m = 300.0;
  double model_sigma_mps = 40.0;
  std::size_t max_tracks = 200;  // tentative tracks beyond this: the oldest go first
};

// What a confirmed space track reports (ECEF; time in seconds since the node's epoch).
struct SpaceTrackReport {
  std::uint64_t id = 0;  // the space tracker's own, from 1
  double t_s = 0.0;
  track::Vec3 position_m = track::Vec3::Zero();
  track::Vec3 velocity_mps = track::Vec3::Zero();
  track::Mat<6> covariance = track::Mat<6>::Identity();
  bool ended = false;
  bool newly_confirmed = false;
  std::optional<track::LaunchEstimate> launch;  // launch was time_before_s before launch_state_t_s
  double launch_state_t_s = 0.0;                // the time the launch estimate counts back from
};

struct SpaceTrackerCounters {
  std::uint64_t frames = 0;
  std::uint64_t plots = 0;
  std::uint64_t plots_rejected = 0;  // non-finite or of an unknown satellite
  std::uint64_t pairs = 0;
  std::uint64_t fixes = 0;
  std::uint64_t fixes_gated_out = 0;  // rays that missed, or a point out of bounds
  std::uint64_t fixes_ghost = 0;      // rays that met, each paired better with another ray
  std::uint64_t tracks_started = 0;
  std::uint64_t tracks_confirmed = 0;
  std::uint64_t tracks_handed_over = 0;
};

class SpaceTracker {
 public:
  explicit SpaceTracker(SpaceTrackerConfig config = {});

  // One frame of satellite `satellite` at t_s (its plots, possibly none): the reports of the
  // confirmed tracks it updated.
  std::vector<SpaceTrackReport> on_frame(std::uint32_t satellite, double t_s,
                                         std::span<const sensor::IrPlot> plots);
  // The clock: tracks ended since (reported once with `ended`).
  std::vector<SpaceTrackReport> tick(double now_s);
  // The node's radar tracker holds this missile now: the space track is tracked on (its fixes
  // are not taken for a new track) but no longer reported, and ends silently.
  void hand_over(std::uint64_t id);

  const SpaceTrackerCounters& counters() const { return counters_; }
  std::size_t tracks() const { return tracks_.size(); }

 private:
  struct Frame {
    double t_s = 0.0;
    std::vector<track::Ray> rays;
  };
  struct Track {
    std::uint64_t id = 0;
    std::vector<track::TimedFix> fixes;  // in time order
    track::BoostFit fit;                 // over the window
    bool confirmed = false;
    bool handed_over = false;
    double last_t_s = 0.0;
  };
  // When f lies within t's gate: its squared Mahalanobis distance from t's arc (the fix's
  // covariance, the arc's and model_sigma_m).
  std::optional<double> join_cost(const Track& t, const track::TimedFix& f) const;
  // One pair of frames' fixes: each joins a track (global nearest neighbour, at most one fix per
  // track) or starts one.
  void add_fixes(std::span<const track::TimedFix> fixes, std::vector<SpaceTrackReport>& out);
  void start(const track::TimedFix& f);
  void join(Track& t, const track::TimedFix& f, std::vector<SpaceTrackReport>& out);
  SpaceTrackReport report(const Track& t) const;

  SpaceTrackerConfig config_;
  std::map<std::uint32_t, Frame> latest_;  // per satellite
  std::vector<Track> tracks_;
  std::uint64_t next_id_ = 1;
  track::GnnAssociator pairing_;  // rays of two frames
  track::GnnAssociator joining_;  // fixes to tracks
  SpaceTrackerCounters counters_;
};

// The boost from rest fitted to a track's early fixes (see above).
struct LaunchFit {
  track::LaunchEstimate launch;  // time_before_s counts back from the earliest fix
  // The fitted boost's state at the time asked for, ECEF [position, velocity], with its
  // covariance: the fit's (the launch time's error included) plus `model_sigma_m` and, for the
  // acceleration that grows as the propellant burns, `model_sigma_mps` plus a fifth of the
  // speed. Known from the first fixes far better than a free fit's velocity: the missile
  // started at rest on the ground.
  bool state_valid = false;
  // The fitted boost's height at the earliest fix, a_up (t_0 - t_L)^2 / 2: how high the track
  // was picked up, known from every fix of the fit (one fix's height is km off along the
  // lines of sight).
  double first_height_m = std::numeric_limits<double>::quiet_NaN();
  track::Vec<6> state = track::Vec<6>::Zero();
  track::Mat<6> covariance = track::Mat<6>::Identity();
};

// Invalid with fewer than 4 fixes.
LaunchFit fit_launch(std::span<const track::TimedFix> fixes, const SpaceTrackerConfig& config,
                     double state_t_s);

}  // namespace trilink::node
