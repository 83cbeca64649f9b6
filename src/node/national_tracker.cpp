#include "node/national_tracker.hpp"

namespace trilink::node {

track::TrackerConfig national_tracker_config() {
  track::TrackerConfig c;
  c.gate.chi2 = 16.27;
  c.gate.grid_cell_m = 20e3;
  c.initiator.max_speed_mps = 9000.0;
  c.initiator.max_gap_s = 10.0;
  c.initiator.min_gap_s = 1.0;
  c.initiator.grid_cell_m = 20e3;
  // Staging: an ICBM's acceleration drops from about 100 to 30 m/s^2 in an instant.
  c.stitcher.manoeuvre_mps2 = 100.0;
  // A missile seen twice (a manoeuvring SRBM keeps two tracks alive, each fed by other
  // radars): chi-square 6 dof at 0.999.
  c.merger.chi2 = 22.46;
  c.confirmer.hits = 4;
  c.confirmer.window = 5;
  // Several radars look every second and at long range each misses often: deletion goes by
  // time without an update, not by misses in a row.
  c.deleter.misses = 30;
  c.deleter.max_position_sigma_m = 20e3;
  c.deleter.max_coast_s = 20.0;
  // Past burnout a track is predictable: it coasts through the gaps in coverage (a lofted
  // ICBM climbs out of every radar's range for half an hour, F11's for 75 minutes) until its
  // sigma outgrows max_position_sigma_m or it comes down.
  c.deleter.max_coast_predictable_s = 7200.0;
  return c;
}

track::Imm national_filter() {
  track::Imm imm;
  imm.boost.q_vel_m2ps3 = 1.0;
  imm.boost.q_jerk_m2ps5 = 50.0;
  // A track may start late in a boost: an SRBM accelerates at ~100 m/s^2 twelve seconds
  // after lift-off (notional KN-23 class), an IRBM at ~200 m/s^2 by burnout. At 30 m/s^2 the
  // first tracks of a salvo's SRBMs failed their gates for 12 s (KOR: detected T+11.6 s,
  // tracked T+24.1 s; now T+16 s).
  imm.boost.initial_accel_sigma_mps2 = 60.0;
  // The simulated truth has no process noise above the atmosphere (J2 gravity, rotating
  // Earth and drag are the filter's own models): q only covers integration error. Larger q
  // (1e-6) kept the velocity covariance 2-4 times too large after long coasts (F06's
  // 6-state NEES in band 0.85, 0.93 at 1e-10).
  imm.ballistic.q_vel_m2ps3 = 1e-10;
  // Re-entry drag at a nominal ballistic coefficient (re-entry vehicles: 5 000-15 000 kg/m^2).
  imm.boost.dynamics.beta_kgpm2 = 8000.0;
  imm.ballistic.dynamics.beta_kgpm2 = 8000.0;
  // Past burnout beta is estimated (kappa = 1 / beta with 40 % sigma); it shows in re-entry.
  imm.estimate_drag = true;
  // The radars' biases are estimated from a track's start: two radars on one boosting
  // missile see their relative bias, which the consider filter alone would discard (F06
  // midcourse RMSE 33.6 m -> 21.8 m).
  imm.estimate_biases_in_boost = true;
  return imm;
}

NationalTracker make_national_tracker(std::span<const sensor::RadarParams> radars,
                                      bool consider_biases) {
  track::Imm filter = national_filter();
  filter.bias_slots = consider_biases ? static_cast<int>(radars.size()) : 0;
  std::vector<track::RangeAzEl> models;
  int slot = 0;
  for (const auto& p : radars) {
    // A look counts (a miss if nothing came) only where the radar surely sees: its limit is
    // on the refracted elevation, which lies above the geometric one.
    track::Coverage cov{p.boresight_az_rad, p.half_sector_rad, p.min_el_rad + 0.005, p.max_el_rad,
                        p.max_range_m};
    track::RangeAzEl model(p.site, track::Vec3(p.sigma_range_m, p.sigma_az_rad, p.sigma_el_rad),
                           cov);
    if (consider_biases) {
      const track::Vec3 b2(p.bias_sigma_range_m * p.bias_sigma_range_m,
                           p.bias_sigma_az_rad * p.bias_sigma_az_rad,
                           p.bias_sigma_el_rad * p.bias_sigma_el_rad);
      model.with_bias(slot++, b2.asDiagonal());
      filter.bias_prior.push_back(b2.asDiagonal());
    }
    models.push_back(model);
  }
  NationalTracker tracker(filter, national_tracker_config());
  for (auto& m : models) tracker.add_sensor(std::move(m));
  return tracker;
}

track::Measurement measurement_of(const sensor::RadarParams& p, double range_m, double az_rad,
                                  double el_rad, double sigma_range_m, double sigma_az_rad,
                                  double sigma_el_rad, bool consider_biases) {
  track::Measurement m;
  m.z = track::Vec3(range_m, az_rad, el_rad);
  // Without the consider filter the bias variance is added as if it were white noise.
  const double kb = consider_biases ? 0.0 : 1.0;
  m.R =
      track::Vec3(sigma_range_m * sigma_range_m + kb * p.bias_sigma_range_m * p.bias_sigma_range_m,
                  sigma_az_rad * sigma_az_rad + kb * p.bias_sigma_az_rad * p.bias_sigma_az_rad,
                  sigma_el_rad * sigma_el_rad + kb * p.bias_sigma_el_rad * p.bias_sigma_el_rad)
          .asDiagonal();
  return m;
}

bool BurnoutDetector::update(std::uint64_t track_id, double t_s, double created_s,
                             double boost_probability) {
  State& s = tracks_[track_id];
  if (boost_probability >= 0.5) s.boost_seen = true;
  if (boost_probability >= 0.3) s.low_since = t_s;
  if (s.burnt_out || t_s - s.low_since < hold_s ||
      (!s.boost_seen && t_s - created_s < late_pickup_s))
    return false;
  s.burnt_out = true;
  return true;
}

bool BurnoutDetector::burnt_out(std::uint64_t track_id) const {
  const auto it = tracks_.find(track_id);
  return it != tracks_.end() && it->second.burnt_out;
}

}  // namespace trilink::node
