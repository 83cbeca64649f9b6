// The standard tracker comparison workload (issue "national tracker", item 3): N targets
// with x, y uniform in +-100 km and z in 2-20 km, velocities N(0, 200 m/s) horizontally and
// N(0, 10 m/s) vertically, nearly-constant-velocity motion with q = 1 m^2/s^3; one sensor
// measuring 3-D position with sigma = 50 m per axis, Pd = 0.95, a scan every 1 s, 30 scans;
// clutter (C per scan) uniform in the box. A flat Cartesian box: this workload compares
// trackers, not physics. io/workload_csv.hpp exports it to CSV and imports it back, so another
// tracker can be run on identical data.
#pragma once

#include <Eigen/Dense>
#include <cstdint>
#include <vector>

namespace trilink::scenario {

struct NcvWorkloadConfig {
  std::uint32_t targets = 100;
  std::uint32_t scans = 30;
  double clutter_per_scan = 0.0;
  std::uint64_t seed = 1;
  double dt_s = 1.0;
  double sigma_m = 50.0;
  double pd = 0.95;
  double q_m2ps3 = 1.0;
};

struct NcvTruth {
  Eigen::Vector3d p;
  Eigen::Vector3d v;
};

struct NcvScan {
  double t_s = 0.0;
  std::vector<NcvTruth> truth;              // every target, by target index
  std::vector<Eigen::Vector3d> detections;  // target detections then clutter, shuffled
};

struct NcvWorkload {
  double sigma_m = 50.0;
  std::vector<NcvScan> scans;
  std::size_t measurements() const;
};

NcvWorkload generate_ncv(const NcvWorkloadConfig& c);

}  // namespace trilink::scenario
