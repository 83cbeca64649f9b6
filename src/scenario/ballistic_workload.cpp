#include "scenario/ballistic_workload.hpp"

#include <cmath>

#include "base/rng.hpp"

namespace trilink::scenario {

std::size_t BallisticWorkload::measurements() const {
  std::size_t n = 0;
  for (const auto& s : scans) n += s.detections.size();
  return n;
}

BallisticWorkload generate_ballistic(const BallisticWorkloadConfig& c,
                                     const Propagator& propagate) {
  Rng truth_rng = Rng::stream(c.seed, 1);
  Rng sensor_rng = Rng::stream(c.seed, 2);
  BallisticWorkload w;
  w.radar = c.radar;
  const geo::LocalFrame cloud(geo::Geodetic::from_deg(
      c.centre_lat_deg, c.centre_lon_deg, truth_rng.uniform(c.centre_min_h_m, c.centre_max_h_m)));
  const Eigen::Vector3d nominal_v = cloud.ecef_vector(c.nominal_velocity_enu_mps);
  std::vector<Eigen::Matrix<double, 6, 1>> state(c.targets);
  for (auto& x : state) {
    const geo::Enu offset{
        Eigen::Vector3d(truth_rng.uniform(-c.half_horizontal_m, c.half_horizontal_m),
                        truth_rng.uniform(-c.half_horizontal_m, c.half_horizontal_m),
                        truth_rng.uniform(-c.half_vertical_m, c.half_vertical_m))};
    const Eigen::Vector3d v =
        nominal_v + Eigen::Vector3d(truth_rng.normal(0.0, c.velocity_spread_mps),
                                    truth_rng.normal(0.0, c.velocity_spread_mps),
                                    truth_rng.normal(0.0, c.velocity_spread_mps));
    x << cloud.to_ecef(offset).r_m, v;
  }
  const geo::LocalFrame radar(c.radar.site);
  const double cloud_az_rad = geo::to_range_az_el(radar.to_enu(cloud.origin_ecef())).az_rad;
  for (std::uint32_t k = 0; k < c.scans; ++k) {
    BallisticScan scan;
    scan.t_s = k * c.dt_s;
    if (k > 0)
      for (auto& x : state) x = propagate(x, c.dt_s);
    scan.truth.reserve(state.size());
    for (const auto& x : state)
      scan.truth.push_back(BallisticTruth{geo::Ecef{x.head<3>()}, x.segment<3>(3)});
    for (const auto& x : state) {
      if (!sensor_rng.bernoulli(c.radar.pd)) continue;
      const geo::RangeAzEl rae = geo::to_range_az_el(radar.to_enu(geo::Ecef{x.head<3>()}));
      if (rae.el_rad < 0.0) continue;  // below the radar's horizon
      scan.detections.push_back(geo::RangeAzEl{
          rae.range_m + sensor_rng.normal(0.0, c.radar.sigma_range_m),
          geo::wrap_two_pi(rae.az_rad + sensor_rng.normal(0.0, c.radar.sigma_az_rad)),
          rae.el_rad + sensor_rng.normal(0.0, c.radar.sigma_el_rad)});
    }
    const std::uint32_t clutter = sensor_rng.poisson(c.clutter_per_scan);
    for (std::uint32_t i = 0; i < clutter; ++i) {
      const double range_m = sensor_rng.uniform(c.clutter_min_range_m, c.clutter_max_range_m);
      const double az_rad = geo::wrap_two_pi(
          cloud_az_rad + sensor_rng.uniform(-c.clutter_half_az_rad, c.clutter_half_az_rad));
      const double el_rad = sensor_rng.uniform(c.clutter_min_el_rad, c.clutter_max_el_rad);
      scan.detections.push_back(geo::RangeAzEl{range_m, az_rad, el_rad});
    }
    // Fisher-Yates: a tracker must not learn anything from the order.
    for (std::size_t i = scan.detections.size(); i > 1; --i)
      std::swap(scan.detections[i - 1],
                scan.detections[static_cast<std::size_t>(sensor_rng.uniform() * i)]);
    w.scans.push_back(std::move(scan));
  }
  return w;
}

}  // namespace trilink::scenario
