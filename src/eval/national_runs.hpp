// A nation's tracker run over a simulated scenario: the detections of that nation's radars
// (or of all radars, "ALL") in time order, one scan per radar look, into an IMM
// (boost/ballistic) tracker with a range-azimuth-elevation model per radar. The unknown
// radar biases are not estimated but considered (Schmidt-Kalman, filters.hpp): each track
// carries its cross-covariance with every radar's bias, so the filter knows that repeated
// looks of one radar share its bias and stays consistent.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "scenario/simulation.hpp"
#include "node/national_tracker.hpp"
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

// An impact prediction of a confirmed track past burnout: its IMM boost probability has
// stayed below 0.3 for 10 s after having been above 0.5 (or the track is 30 s old and was
// never seen boosting).
// Scored against the true impact of the launch it is nearest to.
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

// A launch-point estimate of a confirmed track until its burnout.
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
  double sample_interval_s = 1.0;
  // Schmidt-Kalman consider filter for the radars' unknown biases; false: bias variance
  // added to the measurement noise as if it were white.
  bool consider_biases = true;
  double prediction_interval_s = 10.0;  // impact predictions per track (0: none)
};

struct TrackingRun {
  std::optional<Nation> nation;  // nullopt: every radar ("ALL")
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
