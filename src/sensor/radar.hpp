// Radar model: which objects a radar sees in one scan and what it reports.
//
// Coverage (geometry only). A radar at `site` covers a field of regard: azimuth within
// boresight +- half sector (all round when the half sector is >= pi), apparent elevation in
// [min_el, max_el], slant range <= max_range. Visibility goes through geo::Observer (straight
// rays over a 4/3 effective Earth, line_of_sight.hpp): the target must be above the radar
// horizon, and the elevation limits apply to the apparent elevation the beam needs.
//
// Detection. The mean single-scan SNR follows the radar equation, SNR proportional to
// RCS / R^4, anchored by a 1 m^2 target at ref_range_m having ref_snr_db:
//   snr = 10^(ref_snr_db / 10) * (rcs / 1 m^2) * (ref_range / R)^4.
// A Swerling I target (Rayleigh amplitude, constant over a scan, fluctuating scan to scan)
// seen by a square-law detector whose threshold gives false-alarm probability pfa per cell
// is detected with
//   Pd = pfa^(1 / (1 + snr))
// (Skolnik, Introduction to Radar Systems, 3rd ed., ch. 2, fluctuating targets; Richards,
// Fundamentals of Radar Signal Processing, 2nd ed., ch. 6, Swerling 1 with one sample).
//
// Measurement. A detected target is reported in geometric (refraction-corrected) range,
// azimuth in [0, 2 pi) and elevation, from geo::Observer::look().geometric, plus range-rate
// (m/s, positive when the range grows) if sigma_range_rate_mps > 0:
//   z = truth + bias + N(0, sigma^2), independently per coordinate.
// The bias (range, az, el) is unknown to the trackers: drawn once per radar from
// N(0, bias_sigma^2) at construction unless `fixed_bias` is given. Range-rate has no bias.
//
// False alarms. Each scan adds Poisson(false_alarms_per_scan) false alarms, uniform in
// measurement space over the field of regard: range in [0, max_range], azimuth in the sector,
// elevation in [min_el, max_el] (resolution cells are uniform in these coordinates, and noise
// crossings fall uniformly over the cells). Their range-rate, when reported, is uniform in
// +- clutter_max_range_rate_mps; their snr_db is the detection threshold -ln(pfa) in dB; their
// truth_id is -1. The clutter rate is a parameter of its own, not derived from pfa.
//
// Randomness. Every draw comes from Rng::stream(seed, radar index), in a fixed order. At
// construction: the bias (three normals, drawn even when a fixed bias overrides them), then
// the scan phase. Per scan: for each target in input order that is in coverage, one uniform
// for detection and, if detected, range, az, el noise (then range-rate noise); then the
// false-alarm count and, per false alarm, range, az, el (then range-rate). Same seed, index
// and inputs give the same detections.
//
// Units: SI throughout, angles in radians, times as geo::UtcTime.
#pragma once

#include <cstdint>
#include <numbers>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/error.hpp"
#include "base/nation.hpp"
#include "base/rng.hpp"
#include "geo/frames.hpp"
#include "geo/line_of_sight.hpp"
#include "geo/time.hpp"

namespace trilink::sensor {

struct MeasurementBias {
  double range_m = 0.0;
  double az_rad = 0.0;
  double el_rad = 0.0;
};

// Fields left at 0 that must be positive (max_range_m, revisit_s, the sigmas, ref_range_m)
// make validate() fail, so a forgotten field is caught rather than defaulted.
struct RadarParams {
  std::string name;
  Nation nation = Nation::USA;
  geo::Geodetic site;

  double boresight_az_rad = 0.0;              // clockwise from north
  double half_sector_rad = std::numbers::pi;  // >= pi: all round
  double min_el_rad = 0.0;                    // apparent elevation limits
  double max_el_rad = std::numbers::pi / 2;
  double max_range_m = 0.0;
  double revisit_s = 0.0;

  double sigma_range_m = 0.0;
  double sigma_az_rad = 0.0;
  double sigma_el_rad = 0.0;
  double sigma_range_rate_mps = 0.0;  // 0: range-rate not reported

  double ref_range_m = 0.0;  // a 1 m^2 target at this range has SNR ref_snr_db
  double ref_snr_db = 0.0;
  double pfa = 1e-6;  // false-alarm probability per cell, sets the Swerling I threshold

  double false_alarms_per_scan = 0.0;       // Poisson mean
  double clutter_max_range_rate_mps = 0.0;  // false-alarm range-rate uniform in +- this

  double bias_sigma_range_m = 0.0;
  double bias_sigma_az_rad = 0.0;
  double bias_sigma_el_rad = 0.0;
  std::optional<MeasurementBias> fixed_bias;  // replaces the drawn bias when set
};

// Bad input from outside: the first offending field, e.g. {"revisit_s", "must be positive and
// finite, got 0"}. The loader prefixes its file and line.
Expected<void> validate(const RadarParams& p);

// Truth of one object at the scan time.
struct Target {
  std::uint32_t object_id = 0;
  geo::Ecef position;
  geo::Vec3 velocity_mps = geo::Vec3::Zero();  // ECEF
  double height_m = 0.0;                       // above the ellipsoid
  double rcs_m2 = 0.0;
};

struct Detection {
  std::uint32_t radar_index = 0;
  geo::UtcTime t;
  double range_m = 0.0;
  double az_rad = 0.0;  // [0, 2 pi)
  double el_rad = 0.0;  // geometric
  double range_rate_mps = 0.0;
  bool has_range_rate = false;
  double sigma_range_m = 0.0;
  double sigma_az_rad = 0.0;
  double sigma_el_rad = 0.0;
  double sigma_range_rate_mps = 0.0;
  double snr_db = 0.0;         // mean SNR for a target; the threshold for a false alarm
  std::int64_t truth_id = -1;  // object id, or -1 for a false alarm
};

class Radar {
 public:
  // `params` must pass validate() (asserted).
  Radar(RadarParams params, std::uint32_t index, std::uint64_t seed);

  const RadarParams& params() const { return params_; }
  std::uint32_t index() const { return index_; }
  // The bias actually applied (truth, for evaluating sensor registration).
  const MeasurementBias& bias() const { return bias_; }
  const geo::Observer& observer() const { return observer_; }

  // Geometry only: above the horizon, apparent elevation, azimuth sector, range.
  bool in_coverage(const Target& target) const;

  // Mean SNR (dB) and Swerling I Pd of a target of rcs_m2 at range_m (> 0).
  double snr_db(double range_m, double rcs_m2) const;
  double pd(double range_m, double rcs_m2) const;

  // start + a phase in [0, revisit) fixed by the seed; later scans every revisit_s.
  geo::UtcTime first_scan(geo::UtcTime start) const;

  // Detections of one scan at t: targets first (input order), then false alarms.
  std::vector<Detection> scan(geo::UtcTime t, std::span<const Target> targets);

 private:
  std::optional<geo::Sighting> sight(const Target& target) const;
  double snr_linear(double range_m, double rcs_m2) const;
  Detection blank(geo::UtcTime t) const;

  RadarParams params_;
  std::uint32_t index_;
  Rng rng_;
  geo::Observer observer_;
  MeasurementBias bias_;
  std::int64_t phase_ns_ = 0;
  double ref_snr_linear_;
};

}  // namespace trilink::sensor
