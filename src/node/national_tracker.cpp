#include "node/national_tracker.hpp"

#include "base/chi2.hpp"

namespace trilink::node {

track::TrackerConfig national_tracker_config() {
  track::TrackerConfig c;
  // Gate: chi-square, 3 dof (range, azimuth, elevation), P = 0.999.
  c.gate.chi2 = chi2_quantile(0.999, 3);
  // Edge of the gating grid's cubic cells (m), of the order of a gate's diameter for a track
  // 1000-2000 km from its radars (track/spatial_grid.hpp: 1 to 8 cells per gate).
  c.gate.grid_cell_m = 20e3;
  // Two-point initiation pairs two fixes only if the speed between them (m/s) is below this,
  // which lies above an ICBM's highest speed (about 8 km/s).
  c.initiator.max_speed_mps = 9000.0;
  // ... and only if they lie at most this far apart (s): 2.5 revisits of the slowest bundled
  // radar (4 s), so one missed look does not stop an initiation.
  c.initiator.max_gap_s = 10.0;
  // ... and at least this far apart (s). The velocity differenced from two radars' fixes is off
  // by their relative bias over dt: a 0.02 deg angular bias is 350 m cross-range at 1000 km,
  // 3.5 km/s over 0.1 s, a start the filter may never recover from.
  c.initiator.min_gap_s = 1.0;
  c.initiator.grid_cell_m = 20e3;
  // Stitching allowance for a track not yet predictable (m/s^2): a sudden acceleration change
  // of up to this much. Staging: an ICBM's acceleration drops from about 100 to 30 m/s^2 in an
  // instant.
  c.stitcher.manoeuvre_mps2 = 100.0;
  // A missile seen twice (a manoeuvring SRBM keeps two tracks alive, each fed by other
  // radars): chi-square 6 dof (position and velocity) at 0.999.
  c.merger.chi2 = chi2_quantile(0.999, 6);
  // M of N confirmation: 4 hits within a track's first 5 looks.
  c.confirmer.hits = 4;
  c.confirmer.window = 5;
  // Several radars look every second and at long range each misses often: deletion goes by
  // time without an update (max_coast_s), not by misses in a row.
  c.deleter.misses = 30;
  // A track is dropped once its RMS position sigma per axis (m) passes this.
  c.deleter.max_position_sigma_m = 20e3;
  // Time without an update (s) before a track not yet predictable is dropped: while the
  // missile may still be thrusting, its thrust to come is unknown and it cannot coast far.
  c.deleter.max_coast_s = 20.0;
  // Past burnout a track is predictable: it coasts through the gaps in coverage (a lofted
  // ICBM climbs out of every radar's range for half an hour, F11's for 75 minutes) until its
  // sigma outgrows max_position_sigma_m or it comes down. Limit in s: 2 h.
  c.deleter.max_coast_predictable_s = 7200.0;
  return c;
}

track::Imm national_filter() {
  track::Imm imm;
  // Boost mode: white velocity noise q_v (m^2/s^3) for unmodelled forces, and white jerk noise
  // q_j (m^2/s^5) driving the thrust acceleration's random walk (burn, pitch programme,
  // staging; track/ballistic_model.hpp).
  imm.boost.q_vel_m2ps3 = 1.0;
  imm.boost.q_jerk_m2ps5 = 50.0;
  // Prior sigma of a new track's thrust acceleration (m/s^2, per axis). A track may start
  // late in a boost: an SRBM accelerates at ~100 m/s^2 twelve seconds after lift-off
  // (notional KN-23 class), an IRBM at ~200 m/s^2 by burnout; the prior must let such a track
  // pass its gates from its first updates.
  imm.boost.initial_accel_sigma_mps2 = 60.0;
  // Ballistic mode q_v (m^2/s^3). The simulated truth has no process noise above the
  // atmosphere (J2 gravity, rotating Earth and drag are the filter's own models): q only
  // covers integration error. A larger q inflates the velocity covariance over long coasts.
  imm.ballistic.q_vel_m2ps3 = 1e-10;
  // Re-entry drag at a nominal ballistic coefficient (re-entry vehicles: 5 000-15 000 kg/m^2).
  imm.boost.dynamics.beta_kgpm2 = 8000.0;
  imm.ballistic.dynamics.beta_kgpm2 = 8000.0;
  // Past burnout beta is estimated (kappa = 1 / beta with 40 % sigma); it shows in re-entry.
  imm.estimate_drag = true;
  // Lift in the descent (an SRBM's pull-up and dive): the lifting body of the KN-23 class,
  // ~1000 kg, L/D up to ~2 at beta ~5000 kg/m^2, pulls up to rho V^2 / (2 * 2500 kg/m^2)
  // (about 15 m/s^2 at 30 km and 2 km/s), within 5 g.
  imm.lift.beta_lift_kgpm2 = 2500.0;
  imm.lift.max_sigma_mps2 = 50.0;
  // The radars' biases are estimated from a track's start: two radars on one boosting
  // missile see their relative bias, which the consider filter alone would discard.
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

track::Measurement measurement_of(const sensor::RadarParams& p, const geo::RangeAzEl& plot,
                                  const geo::RangeAzEl& sigma, bool consider_biases,
                                  std::optional<double> range_rate_mps,
                                  double sigma_range_rate_mps) {
  track::Measurement m;
  m.z = track::Vec3(plot.range_m, plot.az_rad, plot.el_rad);
  m.range_rate_mps = range_rate_mps;
  m.range_rate_var = sigma_range_rate_mps * sigma_range_rate_mps;
  const double sigma_range_m = sigma.range_m, sigma_az_rad = sigma.az_rad,
               sigma_el_rad = sigma.el_rad;
  // Without the consider filter the bias variance is added as if it were white noise.
  const double kb = consider_biases ? 0.0 : 1.0;
  m.R =
      track::Vec3(sigma_range_m * sigma_range_m + kb * p.bias_sigma_range_m * p.bias_sigma_range_m,
                  sigma_az_rad * sigma_az_rad + kb * p.bias_sigma_az_rad * p.bias_sigma_az_rad,
                  sigma_el_rad * sigma_el_rad + kb * p.bias_sigma_el_rad * p.bias_sigma_el_rad)
          .asDiagonal();
  return m;
}

BurnoutDetector::Change BurnoutDetector::update(std::uint64_t track_id, const BurnoutSample& x) {
  using track::ThrustVerdict;
  State& s = tracks_[track_id];
  s.verdict = s.energy.add(x.t_s, x.energy);
  s.thrust_in_a_row = s.verdict == ThrustVerdict::thrust ? s.thrust_in_a_row + 1 : 0;
  // Seen boosting by its data: not the IMM's prior of a track born low and slow, which
  // lingers over the first updates.
  if ((x.boost_probability >= 0.5 && x.t_s - x.created_s >= prior_s) ||
      s.verdict == ThrustVerdict::thrust)
    s.boost_seen = true;
  // Estimates that disagree (a fall the estimate after the reference does not show) are not
  // settled: the IMM, misled by the same wrong estimate, is heard only a hold after them.
  if (x.boost_probability >= 0.3 || s.energy.fall_contradicted()) s.last_high_s = x.t_s;
  if (s.verdict == ThrustVerdict::thrust) s.last_thrust_s = x.t_s;
  if (s.burnt_out) {
    if (s.thrust_in_a_row < resume_after_tests) return Change::none;
    // Thrust again: boosting, and the IMM's hold starts over.
    s.burnt_out = false;
    s.last_high_s = x.t_s;
    return Change::resumed;
  }
  // Drag outweighing any thrust is burnout whatever the IMM says (it takes a drag
  // deceleration for thrust); a flat energy needs the IMM's word too. An IMM that never
  // followed the boost (far, noisy radars: its boost probability stayed low while the
  // missile thrust) has no word to give: the energy test's last thrust starts the hold.
  const std::optional<double> held_from = s.last_high_s ? s.last_high_s : s.last_thrust_s;
  if (s.verdict != ThrustVerdict::drag &&
      (s.verdict != ThrustVerdict::quiet || (held_from && x.t_s - *held_from < hold_s) ||
       (!s.boost_seen && x.t_s - x.created_s < late_pickup_s)))
    return Change::none;
  if (track::slower_than_any_burnout(x.speed_mps, x.climb_mps)) return Change::none;
  s.burnt_out = true;
  return Change::burnout;
}

bool BurnoutDetector::burnt_out(std::uint64_t track_id) const {
  const auto it = tracks_.find(track_id);
  return it != tracks_.end() && it->second.burnt_out;
}

track::ThrustVerdict BurnoutDetector::thrust(std::uint64_t track_id) const {
  const auto it = tracks_.find(track_id);
  return it == tracks_.end() ? track::ThrustVerdict::unknown : it->second.verdict;
}

}  // namespace trilink::node
