// The main job (`trilink exercise`, DESIGN.md "What a user runs"): a scenario run twice on the
// exercise runtime — each nation alone, and with trilateral sharing — and what sharing
// changed, per launch and per nation:
//   first_detection        the first plot of the nation's own radars, or (trilateral) the
//                          first message about the missile the hub released to it;
//   first_track            the first confirmed track in the nation's picture (its own local
//                          track, or a confirmed system track released to it);
//   launch_report          the first launch-point estimate;
//   launch_alert           the first "launch detected" alert;
//   first_impact_prediction
//   threat_alert           the first threat alert (an area under the ellipse or the corridor);
// each in seconds after the launch's lift-off, when the message reached the nation's display.
// A message is about a launch when its track lay within 50 km of that missile's true position
// at the message's time of validity (truth is used here, for scoring only; no node sees it).
//
// A threat alert is false when none of the areas it names is truly threatened: the true
// impact point outside every one of them and the true ground track over none of them.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "eval/warning.hpp"
#include "exercise/runtime.hpp"

namespace trilink::eval {

inline constexpr std::array<const char*, 6> timeline_events{
    "first_detection",         "first_track", "launch_report", "launch_alert",
    "first_impact_prediction", "threat_alert"};

struct EventTimes {
  std::array<std::optional<double>, timeline_events.size()> t_s{};  // after lift-off
  std::optional<double>& operator[](std::size_t i) { return t_s[i]; }
  const std::optional<double>& operator[](std::size_t i) const { return t_s[i]; }
};

// Accuracy of what reached a nation's picture about one launch.
struct PictureMetrics {
  std::size_t track_reports = 0;
  std::optional<double> track_rmse_m;          // confirmed track positions vs truth
  std::optional<double> launch_point_error_m;  // of the first launch report
  std::optional<double> first_impact_error_m;  // of the first impact prediction
  std::optional<double> last_impact_error_m;   // of the last one before impact
  std::optional<double> impact_inside_95;      // fraction of predictions holding the truth
};

struct NationOutcome {
  Nation nation = Nation::USA;
  EventTimes national, trilateral;
  PictureMetrics national_metrics, trilateral_metrics;
  bool truly_threatened = false;         // its areas under the true impact or ground track
  std::optional<double> overflight_s;    // true entry over its areas, after lift-off
  std::optional<double> sharing_gain_s;  // first_track: national minus trilateral
  // The bound of the sharing target: the earliest own confirmation by any nation in the
  // trilateral run plus the nominal latency from that nation's node through the hub to this
  // one, plus 1 s.
  std::optional<double> first_track_bound_s;
};

// What the space-based infrared satellites made of one launch (docs/sensors.md), after lift-off:
// its plume first in a satellite's view (at a frame), the first infrared plot, the first
// confirmed space track on the satellites' nation's own picture (a triangulated boost, national
// run: the node runs the same code in both), and its first launch report from space with the
// launch-point error against truth. Empty without satellites.
struct SpaceOutcome {
  std::optional<double> first_visible_s;
  std::optional<double> first_plot_s;
  std::optional<double> first_track_s;
  std::optional<double> launch_report_s;
  std::optional<double> launch_point_error_m;
  std::optional<double> launch_time_error_s;
  // The same of the first report at least 10 s after the first: once the fit has more boost.
  std::optional<double> settled_report_s;
  std::optional<double> settled_launch_point_error_m;
};

struct LaunchOutcome {
  std::string id;
  std::string description;
  double launch_s = 0.0;   // since scenario start
  double burnout_s = 0.0;  // after lift-off
  double impact_s = 0.0;
  bool boost_seen = false;  // some radar or infrared satellite saw it before burnout
  std::vector<NationOutcome> nations;
  SpaceOutcome space;
};

struct ThreatAlertRecord {
  exercise::Mode mode = exercise::Mode::national;
  Nation nation = Nation::USA;
  std::string source;                 // node that raised it
  double t_s = 0.0;                   // since scenario start
  std::optional<std::string> launch;  // the object it is about: F01, F01/stage1, F01/frag07
  std::vector<std::string> areas;
  bool false_alert = false;
};

struct TargetResult {
  std::string name;
  std::string measured;
  bool pass = false;
};

struct ExerciseResult {
  std::vector<LaunchOutcome> launches;
  std::vector<ThreatAlertRecord> threat_alerts;
  std::size_t false_threat_alerts = 0;
  WarningScore national_warning, trilateral_warning;  // eval/warning.hpp
  std::vector<TargetResult> targets;  // trilink bench targets (which adds the speed target)
};

ExerciseResult analyse(const scenario::Scenario& s, const scenario::Simulation& sim,
                       const std::vector<warn::ProtectedArea>& areas,
                       const exercise::RunOutput& national, const exercise::RunOutput& trilateral);

}  // namespace trilink::eval
