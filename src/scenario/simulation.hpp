// Simulation of a scenario's truth and radar detections (no tracking): every radar scans on
// its own revisit clock from a seeded phase, sees the airborne objects (missiles, spent stages,
// fragments) through its coverage and Pd, each with its own RCS, and adds clutter.
// Deterministic: the same scenario and seed give the same rows.
//
// Truth object ids: id i < launches.size() is launch i's missile (its RV after separation);
// the debris of every launch follow, launch by launch, each launch's in its own order.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "flight/trajectory.hpp"
#include "scenario/scenario.hpp"
#include "sensor/radar.hpp"

namespace trilink::scenario {

struct TruthRow {
  double t_s = 0.0;  // since scenario start
  std::uint32_t launch = 0;
  std::uint32_t object = 0;  // truth object id
  geo::EcefState state;
  geo::Geodetic geodetic;
  flight::Phase phase = flight::Phase::boost;
};

struct RadarLaunchStats {
  std::optional<double> first_detection_s;  // after that launch's lift-off
  std::uint64_t detections = 0;
};

// What the infrared satellites made of one launch: its plume first in a satellite's view (burning,
// above the cloud top, not behind the limb; at a frame time), its first plot.
struct SatelliteLaunchStats {
  std::optional<double> first_visible_s;  // after that launch's lift-off
  std::optional<double> first_plot_s;
  std::uint64_t plots = 0;
};

struct Simulation {
  std::vector<sensor::Detection> detections;  // by time, then radar (truth_id: object id)
  // stats[radar][launch], of the missile alone
  std::vector<std::vector<RadarLaunchStats>> stats;
  std::vector<std::uint64_t> false_alarms;                  // per radar
  std::vector<sensor::IrPlot> ir_plots;                     // by time, then satellite
  std::vector<std::vector<SatelliteLaunchStats>> ir_stats;  // [satellite][launch]
  std::vector<std::uint64_t> ir_false_alarms;               // per satellite
};

// A truth object: a launch's missile (debris null) or one of its debris.
struct TruthObject {
  std::uint32_t launch = 0;
  const flight::Debris* debris = nullptr;

  const flight::Trajectory& trajectory(const Scenario& s) const;
  double rcs_m2(const Scenario& s, double since_launch_s) const;
  // Its state at scenario time t while it flies (a missile to its impact, debris to its impact
  // or last sample), else none.
  std::optional<geo::EcefState> state_at(const Scenario& s, geo::UtcTime t) const;
};

// The time (s since launch) a trajectory ends: its impact, else its last sample.
double end_of(const flight::Trajectory& traj);

// Every truth object, indexed by object id.
std::vector<TruthObject> truth_objects(const Scenario& s);
// "F01" for the missile, "F01/stage1", "F01/frag07" for its debris.
std::string label(const Scenario& s, const TruthObject& o);
// "missile", "stage" or "fragment".
std::string_view kind(const TruthObject& o);
bool has_debris(const Scenario& s);

// Boosting truth (object id = launch index) airborne at t, with whether a stage burns.
std::vector<sensor::Plume> plumes(const Scenario& s, geo::UtcTime t);

// The missiles (object id = launch index) airborne at scenario time t.
std::vector<sensor::Target> airborne(const Scenario& s, geo::UtcTime t);
// Every truth object airborne at t (missiles first, then debris; object ids as above).
std::vector<sensor::Target> airborne_objects(const Scenario& s, geo::UtcTime t);
// The most truth objects airborne at once, sampled every interval_s over the run.
std::size_t peak_airborne(const Scenario& s, double interval_s);

// Every truth object's state every truth_interval_s from its start and at its impact, by time.
std::vector<TruthRow> truth_rows(const Scenario& s);

Simulation simulate(const Scenario& s);

}  // namespace trilink::scenario
