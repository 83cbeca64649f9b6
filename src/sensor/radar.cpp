#include "sensor/radar.hpp"

#include <cassert>
#include <cmath>
#include <cstdio>
#include <utility>

#include "geo/angles.hpp"
#include "sensor/field_checks.hpp"

namespace trilink::sensor {

namespace {

using checks::finite;
using checks::non_negative;
using checks::positive;
using checks::show;
using checks::within;

// Swerling I, one look, square-law detector (see radar.hpp).
double swerling1_pd(double pfa, double snr_linear) {
  return std::pow(pfa, 1.0 / (1.0 + snr_linear));
}

}  // namespace

Expected<void> validate(const RadarParams& p) {
  constexpr double half_pi = std::numbers::pi / 2;
  if (p.name.empty()) return fail("name", "must not be empty");
  const std::optional<Error> checks[] = {
      within("site.lat_rad", p.site.lat_rad, -half_pi, half_pi),
      finite("site.lon_rad", p.site.lon_rad),
      finite("site.h_m", p.site.h_m),
      finite("boresight_az_rad", p.boresight_az_rad),
      positive("half_sector_rad", p.half_sector_rad),
      within("min_el_rad", p.min_el_rad, -half_pi, half_pi),
      within("max_el_rad", p.max_el_rad, -half_pi, half_pi),
      positive("max_range_m", p.max_range_m),
      positive("revisit_s", p.revisit_s),
      positive("sigma_range_m", p.sigma_range_m),
      positive("sigma_az_rad", p.sigma_az_rad),
      positive("sigma_el_rad", p.sigma_el_rad),
      non_negative("sigma_range_rate_mps", p.sigma_range_rate_mps),
      positive("ref_range_m", p.ref_range_m),
      finite("ref_snr_db", p.ref_snr_db),
      p.pfa > 0.0 && p.pfa < 1.0
          ? std::nullopt
          : std::optional<Error>(Error{"pfa", "must be in (0, 1) exclusive, got " + show(p.pfa)}),
      non_negative("false_alarms_per_scan", p.false_alarms_per_scan),
      non_negative("clutter_max_range_rate_mps", p.clutter_max_range_rate_mps),
      non_negative("bias_sigma_range_m", p.bias_sigma_range_m),
      non_negative("bias_sigma_az_rad", p.bias_sigma_az_rad),
      non_negative("bias_sigma_el_rad", p.bias_sigma_el_rad),
      p.fixed_bias ? finite("fixed_bias.range_m", p.fixed_bias->range_m) : std::nullopt,
      p.fixed_bias ? finite("fixed_bias.az_rad", p.fixed_bias->az_rad) : std::nullopt,
      p.fixed_bias ? finite("fixed_bias.el_rad", p.fixed_bias->el_rad) : std::nullopt,
  };
  for (const auto& e : checks)
    if (e) return std::unexpected(*e);
  if (p.min_el_rad >= p.max_el_rad)
    return fail("max_el_rad",
                "must be above min_el_rad (" + show(p.min_el_rad) + "), got " + show(p.max_el_rad));
  if (p.sigma_range_rate_mps > 0.0 && p.false_alarms_per_scan > 0.0 &&
      p.clutter_max_range_rate_mps == 0.0)
    return fail("clutter_max_range_rate_mps",
                "must be positive when range-rate is reported and false alarms occur, got 0");
  return {};
}

Radar::Radar(RadarParams params, std::uint32_t index, std::uint64_t seed)
    : params_(std::move(params)),
      index_(index),
      rng_(Rng::stream(seed, index)),
      observer_(params_.site),
      ref_snr_linear_(std::pow(10.0, params_.ref_snr_db / 10.0)) {
  assert(validate(params_));
  bias_.range_m = rng_.normal(0.0, params_.bias_sigma_range_m);
  bias_.az_rad = rng_.normal(0.0, params_.bias_sigma_az_rad);
  bias_.el_rad = rng_.normal(0.0, params_.bias_sigma_el_rad);
  if (params_.fixed_bias) bias_ = *params_.fixed_bias;
  phase_ns_ = static_cast<std::int64_t>(std::floor(rng_.uniform() * params_.revisit_s * 1e9));
}

std::optional<geo::Sighting> Radar::sight(const Target& target) const {
  const geo::Sighting s = observer_.look(target.position, target.height_m);
  if (!s.above_horizon) return std::nullopt;
  if (s.geometric.range_m > params_.max_range_m) return std::nullopt;
  if (s.apparent_el_rad < params_.min_el_rad || s.apparent_el_rad > params_.max_el_rad)
    return std::nullopt;
  if (params_.half_sector_rad < std::numbers::pi &&
      std::abs(geo::wrap_pi(s.geometric.az_rad - params_.boresight_az_rad)) >
          params_.half_sector_rad)
    return std::nullopt;
  return s;
}

bool Radar::in_coverage(const Target& target) const {
  return sight(target).has_value();
}

double Radar::snr_linear(double range_m, double rcs_m2) const {
  assert(range_m > 0.0 && rcs_m2 >= 0.0);
  const double q = params_.ref_range_m / range_m;
  return ref_snr_linear_ * rcs_m2 * (q * q) * (q * q);
}

double Radar::snr_db(double range_m, double rcs_m2) const {
  return 10.0 * std::log10(snr_linear(range_m, rcs_m2));
}

double Radar::pd(double range_m, double rcs_m2) const {
  return swerling1_pd(params_.pfa, snr_linear(range_m, rcs_m2));
}

geo::UtcTime Radar::first_scan(geo::UtcTime start) const {
  return geo::UtcTime{start.ns + phase_ns_};
}

Detection Radar::blank(geo::UtcTime t) const {
  Detection d;
  d.radar_index = index_;
  d.t = t;
  d.has_range_rate = params_.sigma_range_rate_mps > 0.0;
  d.sigma_range_m = params_.sigma_range_m;
  d.sigma_az_rad = params_.sigma_az_rad;
  d.sigma_el_rad = params_.sigma_el_rad;
  d.sigma_range_rate_mps = params_.sigma_range_rate_mps;
  return d;
}

std::vector<Detection> Radar::scan(geo::UtcTime t, std::span<const Target> targets) {
  std::vector<Detection> out;
  const geo::Vec3& site = observer_.frame().origin_ecef().r_m;

  for (const Target& target : targets) {
    const std::optional<geo::Sighting> s = sight(target);
    if (!s) continue;
    const geo::RangeAzEl& truth = s->geometric;
    const double snr = snr_linear(truth.range_m, target.rcs_m2);
    if (!rng_.bernoulli(swerling1_pd(params_.pfa, snr))) continue;

    Detection d = blank(t);
    d.range_m = truth.range_m + bias_.range_m + rng_.normal(0.0, params_.sigma_range_m);
    d.az_rad =
        geo::wrap_two_pi(truth.az_rad + bias_.az_rad + rng_.normal(0.0, params_.sigma_az_rad));
    d.el_rad = truth.el_rad + bias_.el_rad + rng_.normal(0.0, params_.sigma_el_rad);
    if (d.has_range_rate) {
      const geo::Vec3 line_of_sight = (target.position.r_m - site).normalized();
      d.range_rate_mps =
          line_of_sight.dot(target.velocity_mps) + rng_.normal(0.0, params_.sigma_range_rate_mps);
    }
    d.snr_db = 10.0 * std::log10(snr);
    d.truth_id = target.object_id;
    out.push_back(d);
  }

  const std::uint32_t n_false = rng_.poisson(params_.false_alarms_per_scan);
  const bool all_round = params_.half_sector_rad >= std::numbers::pi;
  const double threshold_db = 10.0 * std::log10(-std::log(params_.pfa));
  for (std::uint32_t i = 0; i < n_false; ++i) {
    Detection d = blank(t);
    d.range_m = rng_.uniform(0.0, params_.max_range_m);
    d.az_rad =
        all_round
            ? rng_.uniform(0.0, 2.0 * std::numbers::pi)
            : geo::wrap_two_pi(params_.boresight_az_rad +
                               rng_.uniform(-params_.half_sector_rad, params_.half_sector_rad));
    d.el_rad = rng_.uniform(params_.min_el_rad, params_.max_el_rad);
    if (d.has_range_rate)
      d.range_rate_mps =
          rng_.uniform(-params_.clutter_max_range_rate_mps, params_.clutter_max_range_rate_mps);
    d.snr_db = threshold_db;
    d.truth_id = -1;
    out.push_back(d);
  }
  return out;
}

}  // namespace trilink::sensor
