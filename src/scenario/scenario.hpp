// Scenarios: what an exercise flies and who watches, with the site catalogue that names
// launch areas and radars. The model only: io/scenario_file.hpp reads it from YAML
// (docs/scenarios.md), checks everything and shapes every launch.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "flight/debris.hpp"
#include "flight/shaping.hpp"
#include "geo/frames.hpp"
#include "geo/time.hpp"
#include "scenario/network.hpp"
#include "sensor/infrared.hpp"
#include "sensor/radar.hpp"

namespace trilink::scenario {

struct Catalogue {
  std::map<std::string, geo::Geodetic> launch_areas;
  std::map<std::string, sensor::RadarParams> radars;
  // Space-based infrared satellites; their orbits' epoch is left for the scenario to set.
  std::map<std::string, sensor::IrSatelliteParams> satellites;
};

struct LaunchSpec {
  std::string id;
  std::string area;     // catalogue name, or "" when given as lat/lon
  double time_s = 0.0;  // after the scenario start
  flight::ShapeRequest request;
  std::string profile_label;     // as written (for reports)
  flight::DebrisRequest debris;  // spent stages and fragments (docs/scenarios.md)
};

struct Launch {
  LaunchSpec spec;
  geo::UtcTime time;
  flight::Shaped shaped;
  std::vector<flight::Debris> debris;  // flown from the scenario seed and the launch id
};

struct Scenario {
  std::string file;
  std::string name;
  std::string description;
  geo::UtcTime start;
  std::uint64_t seed = 1;
  double duration_s = 0.0;  // from start; covers every impact
  double truth_interval_s = 1.0;
  std::vector<Launch> launches;
  std::vector<sensor::RadarParams> radars;
  // Space-based infrared early warning (docs/sensors.md): the satellites watching, their
  // orbits' epoch the scenario start. Empty with `space: false` or `trilink exercise --no-space`.
  std::vector<sensor::IrSatelliteParams> satellites;
  // For `trilink exercise` (docs/scenarios.md): the network, the releasability policy, the
  // protected areas and the map's coastlines; paths resolved against the scenario's folder.
  Network network = default_network();
  std::string policy_path;              // default ../deploy/policy.yaml
  std::vector<std::string> area_paths;  // default areas/{japan,korea,usa}.geojson
  std::string coastline_path;           // default areas/region.geojson
};

}  // namespace trilink::scenario
