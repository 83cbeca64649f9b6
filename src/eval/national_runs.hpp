// A nation's processing run over a simulated scenario: the detections of that nation's radars
// (or of all radars, "ALL") in time order, one scan per radar look, into the national
// pipeline the national node runs (node/national_pipeline.hpp: the IMM tracker with the
// radars' biases estimated per track, burnout detection, reporting, launch reports and
// impact predictions), its clock ticking every `sample_interval_s` as the exercise runtime
// ticks the node. What the pipeline produces is scored against truth; `trilink track` and
// `trilink bench accuracy` therefore measure what the node does.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "node/national_pipeline.hpp"
#include "scenario/simulation.hpp"
#include "track/prediction.hpp"
#include "track/tracker.hpp"

namespace trilink::eval {

using node::national_filter;
using node::national_tracker_config;
using node::NationalTracker;

// One confirmed track at one time, with the truth it is nearest to (for metrics only: the
// tracker never sees truth).
struct TrackSample {
  double t_s = 0.0;  // since scenario start
  std::uint64_t track_id = 0;
  track::TrackStatus status = track::TrackStatus::confirmed;
  double since_update_s = 0.0;  // time since its last measurement
  track::Gaussian<9> estimate;
  double boost_probability = 0.0;
  std::int64_t truth = -1;  // launch index, or -1
  double truth_distance_m = 0.0;
};

// An impact prediction the pipeline made (a confirmed track past burnout, every
// ProductConfig::prediction_interval_s), at its time of validity, scored against the true
// impact of the launch nearest to the track then.
struct ImpactSample {
  double t_s = 0.0;
  std::uint64_t track_id = 0;
  std::int64_t truth = -1;
  track::ImpactPrediction prediction;
  double error_m = 0.0;                     // predicted to true impact point, on the ground
  double time_error_s = 0.0;                // predicted minus true time of impact
  bool inside_95 = false;                   // the true impact point is inside the 95 % ellipse
  std::optional<track::DragEstimate> drag;  // the track's estimated drag, if any
};

// A launch report the pipeline made (a confirmed track until its burnout, every
// ProductConfig::launch_report_interval_s), at its time of validity.
struct LaunchSample {
  double t_s = 0.0;
  std::uint64_t track_id = 0;
  std::int64_t truth = -1;
  track::LaunchEstimate estimate;
  double error_m = 0.0;
  double time_error_s = 0.0;  // estimated minus true launch time
};

// NEES of a confirmed track's posterior right after an update, against the truth it is
// nearest to (6 states: position and velocity).
struct NeesSample {
  double t_s = 0.0;
  std::uint64_t track_id = 0;
  std::int64_t truth = -1;
  double nees = 0.0;           // position and velocity (6 states)
  double nees_position = 0.0;  // position alone (3)
  double nees_velocity = 0.0;  // velocity alone (3)
};

struct TrackingOptions {
  double sample_interval_s = 1.0;  // the clock's tick, and the track samples'
  // The radars' unknown biases estimated with each track's state; false: their variance
  // added to the measurement noise as if it were white.
  bool consider_biases = true;
};

struct TrackingRun {
  std::optional<Nation> nation;      // nullopt: every radar ("ALL")
  std::vector<TrackSample> samples;  // every `sample_interval_s`, confirmed and coasting tracks
  std::vector<ImpactSample> impacts;
  std::vector<LaunchSample> launches;
  std::vector<NeesSample> nees;  // at every update of a confirmed track
  track::TrackerCounters counters;
  std::vector<track::UpdateDiagnostic> diagnostics;  // every update
};

// A national run's radars: one nation's, or (nullopt) every radar, named "ALL".
bool radar_selected(const sensor::RadarParams& r, std::optional<Nation> nation);
std::string selection_name(std::optional<Nation> nation);

TrackingRun run_national_tracker(const scenario::Scenario& s, const scenario::Simulation& sim,
                                 std::optional<Nation> nation, const TrackingOptions& options = {});

}  // namespace trilink::eval
