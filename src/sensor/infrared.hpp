// Space-based infrared early warning (DESIGN.md, "Physics and algorithms"): satellites on GEO
// and HEO orbits that stare at the launch areas and report line-of-sight angles to a hot boost
// plume. Modelled on the public descriptions of SBIRS (GEO and HEO payloads, staring and
// scanning short-wave infrared sensors, warnings shared with allies); every figure is notional.
//
// Orbit. Mean Keplerian elements (a, e, i, omega, M) with the J2 secular drift of the node, the
// argument of perigee and the mean anomaly (Vallado, Fundamentals of Astrodynamics, 4th ed.,
// 9.41; p = a (1 - e^2), n = sqrt(GM / a^3), R = WGS84 a):
//   dRAAN/dt  = -3/2 n J2 (R/p)^2 cos i
//   domega/dt =  3/4 n J2 (R/p)^2 (5 cos^2 i - 1)
//   dM/dt     =  n (1 + 3/4 J2 (R/p)^2 sqrt(1 - e^2) (3 cos^2 i - 1))
// Kepler's equation by Newton, the perifocal state rotated into the pseudo-inertial frame of
// geo/eci.hpp and from there into ECEF by the Earth rotation angle. The node is given as the
// geographic longitude of the ascending node at the epoch (RAAN = that longitude + the Earth
// rotation angle at the epoch): the constellation as it is stationed when the exercise starts.
//
// Visibility. A plume is seen while a stage burns (flight::FlightPlan::thrusting: nothing in a
// staging gap, nothing after burnout), once it is above the cloud top (cloud_top_m above the
// ellipsoid) and when the straight line from the satellite to it does not meet the WGS84
// ellipsoid (not behind the Earth's limb).
//
// Measurement frame: the satellite's nadir frame, fixed by its ECEF position r_s alone:
//   z = -r_s / |r_s| (nadir),  x = (e_z x r_s) / |e_z x r_s| (east),  y = z x x (south),
// and a unit line of sight u (ECEF) is reported as its focal-plane angles
//   alpha = atan2(u.x, u.z),  beta = atan2(u.y, u.z),
// each with N(0, sigma_rad^2) noise (tens of microradians). The ground segment knows its
// satellite's ephemeris: each plot carries the satellite's ECEF position at the frame time.
//
// Frames every frame_s from a seeded phase; a plume in view is detected with probability pd.
// False alarms: Poisson(false_alarms_per_frame) per frame, uniform in the focal-plane cone that
// sees the stare area (a cap of stare_radius_m around `stare` on the ground).
//
// Randomness: Rng::stream(seed, stream_key(index)): the frame phase at construction; per frame,
// per plume in view (input order) one uniform for detection and, if detected, alpha and beta
// noise; then the false-alarm count and per false alarm two uniforms.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/error.hpp"
#include "base/nation.hpp"
#include "base/rng.hpp"
#include "geo/eci.hpp"
#include "geo/frames.hpp"
#include "geo/time.hpp"

namespace trilink::sensor {

// Mean elements at `epoch`. Angles in radians.
struct OrbitElements {
  double semi_major_axis_m = 0.0;
  double eccentricity = 0.0;
  double inclination_rad = 0.0;
  double node_lon_rad = 0.0;  // geographic longitude of the ascending node at the epoch
  double arg_perigee_rad = 0.0;
  double mean_anomaly_rad = 0.0;
  geo::UtcTime epoch;
};

class Orbit {
 public:
  explicit Orbit(const OrbitElements& e);
  geo::EciState eci_at(geo::UtcTime t) const;
  geo::EcefState ecef_at(geo::UtcTime t) const;
  double period_s() const;  // anomalistic, 2 pi / (dM/dt)
  double perigee_radius_m() const;
  double apogee_radius_m() const;
  const OrbitElements& elements() const { return e_; }

 private:
  OrbitElements e_;
  double raan0_rad_;
  double raan_rate_, argp_rate_, mean_motion_;  // rad/s
};

struct IrSatelliteParams {
  std::string name;
  Nation nation = Nation::USA;
  OrbitElements orbit;
  double frame_s = 0.0;    // revisit of the stare area
  double sigma_rad = 0.0;  // per focal-plane angle
  double pd = 0.0;         // per frame, plume in view
  double false_alarms_per_frame = 0.0;
  double cloud_top_m = 0.0;  // a plume below is hidden
  geo::Geodetic stare;       // centre of the stare area (false alarms fall in it)
  double stare_radius_m = 0.0;
};

// Bad input: the first offending field ({"orbit.eccentricity", "must be in [0, 1), got 1"}),
// including a perigee below min_perigee_height_m. The loader prefixes file and line.
inline constexpr double min_perigee_height_m = 150e3;
Expected<void> validate(const IrSatelliteParams& p);

// A frame's plots reach their nation's node this long after the frame: the downlink and the
// ground processing that turns a frame into plots (notional; both runtimes deliver them so).
inline constexpr double ir_processing_s = 1.0;

// A boosting object as the sensor may see it.
struct Plume {
  std::uint32_t object_id = 0;
  geo::Ecef position;
  double height_m = 0.0;
  bool thrusting = false;
};

struct IrPlot {
  std::uint32_t satellite_index = 0;
  geo::UtcTime t;
  geo::Vec3 satellite_ecef_m = geo::Vec3::Zero();
  double alpha_rad = 0.0;
  double beta_rad = 0.0;
  double sigma_rad = 0.0;
  std::int64_t truth_id = -1;  // object id, -1 for a false alarm
};

// The nadir frame of a satellite at r (rows: x, y, z of the header, in ECEF).
geo::Mat3 nadir_frame(const geo::Vec3& satellite_ecef_m);
// Focal-plane angles of an ECEF direction, and back (a unit ECEF vector).
void to_focal_plane(const geo::Vec3& satellite_ecef_m, const geo::Vec3& los, double& alpha_rad,
                    double& beta_rad);
geo::Vec3 line_of_sight(const geo::Vec3& satellite_ecef_m, double alpha_rad, double beta_rad);
// Whether the segment from a to b stays clear of the WGS84 ellipsoid.
bool clear_of_earth(const geo::Vec3& a_ecef_m, const geo::Vec3& b_ecef_m);

class IrSatellite {
 public:
  static constexpr std::uint64_t stream_key(std::uint32_t index) { return 0x5a7e'0000ULL + index; }

  // `params` must pass validate() (asserted).
  IrSatellite(IrSatelliteParams params, std::uint32_t index, std::uint64_t seed);

  const IrSatelliteParams& params() const { return params_; }
  const Orbit& orbit() const { return orbit_; }
  std::uint32_t index() const { return index_; }

  // Geometry and thrust only (no Pd): burning, above the cloud top, not behind the limb.
  bool sees(geo::UtcTime t, const Plume& plume) const;
  bool sees(const geo::Vec3& satellite_ecef_m, const Plume& plume) const;

  geo::UtcTime first_frame(geo::UtcTime start) const;
  std::vector<IrPlot> frame(geo::UtcTime t, std::span<const Plume> plumes);

 private:
  IrSatelliteParams params_;
  std::uint32_t index_;
  Orbit orbit_;
  Rng rng_;
  std::int64_t phase_ns_ = 0;
  geo::Vec3 stare_ecef_m_ = geo::Vec3::Zero();
};

}  // namespace trilink::sensor
