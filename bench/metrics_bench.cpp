// Per-scan metric cost. OSPA/GOSPA between 2,000 true objects and ~2,000 track estimates
// (5 % missed, 5 % false, 100 m errors) with a 1 km cut-off:
//   spread: objects over a 500 km cube (few points within c of one another);
//   debris: 20 clouds of 100 objects, each cloud 2 km across (large components).
// And one PCRLB step (predict + one 3-D position measurement) for a 6-state.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "base/rng.hpp"
#include "metrics/ospa.hpp"
#include "metrics/pcrlb.hpp"

using namespace trilink;
using Eigen::Vector3d;

namespace {

struct Scan {
  std::vector<Vector3d> truth;
  std::vector<Vector3d> estimates;
};

Scan make_scan(std::size_t n, bool debris) {
  Rng rng(5);
  Scan s;
  std::vector<Vector3d> centres(20);
  for (auto& c : centres)
    c = Vector3d(rng.uniform(0, 500e3), rng.uniform(0, 500e3), rng.uniform(0, 500e3));
  const auto noise = [&](double sd) -> Vector3d {
    return sd * Vector3d(rng.normal(), rng.normal(), rng.normal());
  };
  for (std::size_t i = 0; i < n; ++i) {
    const Vector3d x =
        debris ? Vector3d(centres[i % centres.size()] + noise(600.0))
               : Vector3d(rng.uniform(0, 500e3), rng.uniform(0, 500e3), rng.uniform(0, 500e3));
    s.truth.push_back(x);
    if (rng.uniform() > 0.05) s.estimates.push_back(x + noise(100.0));
    if (rng.uniform() < 0.05) s.estimates.push_back(x + noise(3000.0));
  }
  return s;
}

void BM_Ospa(benchmark::State& state) {
  const Scan s = make_scan(static_cast<std::size_t>(state.range(0)), state.range(1) != 0);
  metrics::SetMetricEvaluator ev;
  const metrics::SetMetricParams params{1000.0, 2.0};
  for (auto _ : state) benchmark::DoNotOptimize(ev.ospa(s.truth, s.estimates, params).distance_m);
  const auto& c = ev.last_clusters();
  state.counters["largest_cluster"] = static_cast<double>(c.largest_cluster);
  state.counters["clusters"] = static_cast<double>(c.clusters);
}
BENCHMARK(BM_Ospa)->Args({2000, 0})->Args({2000, 1})->Args({200, 1})->Unit(benchmark::kMillisecond);

void BM_PcrlbStep(benchmark::State& state) {
  using Mat6 = Eigen::Matrix<double, 6, 6>;
  Mat6 F = Mat6::Identity();
  F.block<3, 3>(0, 3).setIdentity();
  const Mat6 Q = 0.01 * Mat6::Identity();
  Eigen::Matrix<double, 3, 6> H = Eigen::Matrix<double, 3, 6>::Zero();
  H.block<3, 3>(0, 0).setIdentity();
  const Eigen::Matrix3d R = 100.0 * Eigen::Matrix3d::Identity();
  auto b = metrics::Pcrlb<6>::from_covariance(1e6 * Mat6::Identity());
  for (auto _ : state) {
    b.predict(F, Q);
    b.update(H, R);
    benchmark::DoNotOptimize(b.information());
  }
}
BENCHMARK(BM_PcrlbStep);

}  // namespace

BENCHMARK_MAIN();
