#include "scenario/ncv_workload.hpp"

#include <cmath>

#include "base/rng.hpp"

namespace trilink::scenario {

std::size_t NcvWorkload::measurements() const {
  std::size_t n = 0;
  for (const auto& s : scans) n += s.detections.size();
  return n;
}

NcvWorkload generate_ncv(const NcvWorkloadConfig& c) {
  Rng truth_rng = Rng::stream(c.seed, 1);
  Rng sensor_rng = Rng::stream(c.seed, 2);
  NcvWorkload w;
  w.sigma_m = c.sigma_m;
  std::vector<NcvTruth> state(c.targets);
  for (auto& s : state) {
    s.p = {truth_rng.uniform(-100e3, 100e3), truth_rng.uniform(-100e3, 100e3),
           truth_rng.uniform(2e3, 20e3)};
    s.v = {truth_rng.normal(0.0, 200.0), truth_rng.normal(0.0, 200.0), truth_rng.normal(0.0, 10.0)};
  }
  // Exact discretisation of white-noise acceleration: per axis
  // [dp; dv] ~ N(0, q [dt^3/3 dt^2/2; dt^2/2 dt]), drawn through its Cholesky factor.
  const double dt = c.dt_s, q = c.q_m2ps3;
  const double a = std::sqrt(q * dt * dt * dt / 3.0);
  const double b = (q * dt * dt / 2.0) / a;
  const double d = std::sqrt(q * dt - b * b);
  for (std::uint32_t k = 0; k < c.scans; ++k) {
    NcvScan scan;
    scan.t_s = k * dt;
    if (k > 0) {
      for (auto& s : state) {
        for (int i = 0; i < 3; ++i) {
          const double n1 = truth_rng.normal(), n2 = truth_rng.normal();
          s.p[i] += dt * s.v[i] + a * n1;
          s.v[i] += b * n1 + d * n2;
        }
      }
    }
    scan.truth = state;
    for (const auto& s : state) {
      if (!sensor_rng.bernoulli(c.pd)) continue;
      scan.detections.push_back(s.p + Eigen::Vector3d(sensor_rng.normal(0.0, c.sigma_m),
                                                      sensor_rng.normal(0.0, c.sigma_m),
                                                      sensor_rng.normal(0.0, c.sigma_m)));
    }
    const std::uint32_t clutter = sensor_rng.poisson(c.clutter_per_scan);
    for (std::uint32_t i = 0; i < clutter; ++i)
      scan.detections.emplace_back(sensor_rng.uniform(-100e3, 100e3),
                                   sensor_rng.uniform(-100e3, 100e3),
                                   sensor_rng.uniform(2e3, 20e3));
    // Fisher-Yates: a tracker must not learn anything from the order.
    for (std::size_t i = scan.detections.size(); i > 1; --i)
      std::swap(scan.detections[i - 1],
                scan.detections[static_cast<std::size_t>(sensor_rng.uniform() * i)]);
    w.scans.push_back(std::move(scan));
  }
  return w;
}

}  // namespace trilink::scenario
