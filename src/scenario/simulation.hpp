// Simulation of a scenario's truth and radar detections (no tracking): every radar scans on
// its own revisit clock from a seeded phase, sees the airborne missiles through its coverage
// and Pd, and adds clutter. Deterministic: the same scenario and seed give the same rows.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "flight/trajectory.hpp"
#include "scenario/scenario.hpp"
#include "sensor/radar.hpp"

namespace trilink::scenario {

struct TruthRow {
  double t_s = 0.0;  // since scenario start
  std::uint32_t launch = 0;
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
  std::vector<TruthRow> truth;
  std::vector<sensor::Detection> detections;  // by time, then radar
  // stats[radar][launch]
  std::vector<std::vector<RadarLaunchStats>> stats;
  std::vector<std::uint64_t> false_alarms;                  // per radar
  std::vector<sensor::IrPlot> ir_plots;                     // by time, then satellite
  std::vector<std::vector<SatelliteLaunchStats>> ir_stats;  // [satellite][launch]
  std::vector<std::uint64_t> ir_false_alarms;               // per satellite
};

// Boosting truth (object id = launch index) airborne at t, with whether a stage burns.
std::vector<sensor::Plume> plumes(const Scenario& s, geo::UtcTime t);

// Truth targets (object id = launch index) airborne at scenario time t.
std::vector<sensor::Target> airborne(const Scenario& s, geo::UtcTime t);

Simulation simulate(const Scenario& s);

}  // namespace trilink::scenario
