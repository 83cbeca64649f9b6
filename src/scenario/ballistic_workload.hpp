// A tracker workload in real geometry: a salvo with debris in midcourse, seen by one radar.
//
// Truth: N objects in free ballistic flight over the rotating Earth (WGS84 J2 gravity,
// Coriolis and centrifugal terms, no thrust, no drag: vacuum at these heights), propagated
// scan to scan by the caller's propagator (the benchmark passes the tracker's own
// track::BallisticDynamics, eval/workload_trackers.hpp), ECEF, SI.
//   cloud centre  39.5 N 131 E (over the Sea of Japan), its height drawn uniformly in
//                 [350, 550] km, so that every object starts at 300-600 km
//   positions     uniform in the box of +-100 km east and north and +-50 km up, in the
//                 centre's ENU frame
//   velocities    a nominal lofted-missile midcourse velocity, 2.8 km/s east and 1.0 km/s up
//                 at the centre (ENU, Earth-fixed), plus N(0, 200 m/s) per ECEF axis (debris)
// Sensor: one radar (default 38.1 N 138.4 E, 100 m: Sado), geometric range, azimuth
// (clockwise from north, [0, 2 pi)) and elevation, sigmas 20 m / 0.3 mrad / 0.3 mrad,
// Pd 0.95, a scan every 1 s, 30 scans. Clutter: Poisson(C) detections per scan, uniform in
// range [200, 1500] km, in azimuth within +-30 deg of the cloud centre's azimuth at t = 0,
// and in elevation [5, 45] deg (uniform in each coordinate, not in volume).
// Deterministic in the seed (trilink::Rng streams: truth, sensor). io/workload_csv.hpp exports
// it to CSV and imports it back, so another tracker can be run on identical data.
#pragma once

#include <Eigen/Dense>
#include <cstdint>
#include <functional>
#include <vector>

#include "geo/angles.hpp"
#include "geo/frames.hpp"

namespace trilink::scenario {

// The radar of the workload; also what import_ballistic() needs to turn the CSV back into
// measurements (the CSV carries no sensor).
struct BallisticRadar {
  geo::Geodetic site = geo::Geodetic::from_deg(38.1, 138.4, 100.0);
  double sigma_range_m = 20.0;
  double sigma_az_rad = 0.3e-3;
  double sigma_el_rad = 0.3e-3;
  double pd = 0.95;
};

struct BallisticWorkloadConfig {
  std::uint32_t targets = 100;
  std::uint32_t scans = 30;
  double clutter_per_scan = 0.0;
  std::uint64_t seed = 1;
  double dt_s = 1.0;
  BallisticRadar radar;
  // The debris cloud.
  double centre_lat_deg = 39.5;
  double centre_lon_deg = 131.0;
  double centre_min_h_m = 350e3;
  double centre_max_h_m = 550e3;
  double half_horizontal_m = 100e3;
  double half_vertical_m = 50e3;
  Eigen::Vector3d nominal_velocity_enu_mps{2800.0, 0.0, 1000.0};
  double velocity_spread_mps = 200.0;  // per ECEF axis
  // Clutter region in the radar's coordinates.
  double clutter_min_range_m = 200e3;
  double clutter_max_range_m = 1500e3;
  double clutter_half_az_rad = geo::deg_to_rad(30.0);
  double clutter_min_el_rad = geo::deg_to_rad(5.0);
  double clutter_max_el_rad = geo::deg_to_rad(45.0);
};

struct BallisticTruth {
  geo::Ecef position;
  Eigen::Vector3d velocity_mps = Eigen::Vector3d::Zero();  // ECEF (Earth-fixed)
};

struct BallisticScan {
  double t_s = 0.0;
  std::vector<BallisticTruth> truth;       // every object, by object index
  std::vector<geo::RangeAzEl> detections;  // object detections then clutter, shuffled
};

struct BallisticWorkload {
  BallisticRadar radar;
  std::vector<BallisticScan> scans;
  std::size_t measurements() const;
};

// The truth's motion: ECEF position and velocity [p, v] (m, m/s) after dt_s of free flight.
using Propagator =
    std::function<Eigen::Matrix<double, 6, 1>(const Eigen::Matrix<double, 6, 1>&, double dt_s)>;

BallisticWorkload generate_ballistic(const BallisticWorkloadConfig& c, const Propagator& propagate);

}  // namespace trilink::scenario
