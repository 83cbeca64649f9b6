// How well a nation's tracker did on each launch, against truth (simulation only):
//   first confirmed track; midcourse position and velocity RMSE; the posterior Cramer-Rao
//   lower bound for the same detections (the accuracy limit); NEES consistency; track
//   breaks while the missile stays in coverage; launch-point and impact-point errors and
//   the coverage of the 95 % impact ellipses.
//
// PCRLB here: the tracker's own models on the true trajectory, state [p, v, a, b_1 .. b_n]
// with each radar's unknown bias b_i as a constant with its prior variance (the tracker
// cannot average a bias away, and the bound must not pretend it could). Until the true
// burnout the thrust acceleration is an unknown random walk (the boost model's noise); after
// it, the ballistic model (J2, rotating Earth, drag, velocity noise q_v). Only this launch's
// detections by the nation's radars count, from the first one, with a diffuse prior.
// Midcourse: from burnout + 30 s while the missile is above 100 km.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "eval/national_runs.hpp"

namespace trilink::eval {

struct LaunchAccuracy {
  std::string id;
  std::optional<double> first_track_s;  // after launch
  std::size_t tracks_on_it = 0;         // distinct confirmed tracks
  std::size_t breaks_in_coverage = 0;   // a track replaced by another while detections went on
  std::size_t id_swaps = 0;             // a track that was on another launch came onto this one
  std::size_t midcourse_samples = 0;    // seconds with a track on it (the nearest one counts)
  double midcourse_position_rmse_m = 0.0;
  double midcourse_velocity_rmse_mps = 0.0;
  double midcourse_pcrlb_position_m = 0.0;  // RMS of the bound over the same samples
  double rmse_over_pcrlb = 0.0;
  double nees_inside_fraction = 0.0;  // 6-dim NEES at midcourse updates inside its 95 % band
  double nees_mean = 0.0;
  std::size_t nees_samples = 0;
  // The launch report: the first estimate whose 95 % ellipse semi-major axis is within
  // 5 km (else the tightest one), its time after launch and its errors.
  std::optional<double> launch_report_s;
  std::optional<double> launch_point_error_m;
  std::optional<double> launch_time_error_s;
  std::optional<double> first_impact_prediction_s;  // after launch
  std::optional<double> first_impact_error_m;
  std::size_t impact_predictions = 0;
  double impact_ellipse_coverage = 0.0;  // fraction containing the true impact
};

std::vector<LaunchAccuracy> assess(const scenario::Scenario& s, const scenario::Simulation& sim,
                                   const TrackingRun& run);

}  // namespace trilink::eval
