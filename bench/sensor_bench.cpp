// Detection generation: one all-round radar scanning N targets, all in coverage.
// items/s is detections per second.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "base/rng.hpp"
#include "geo/angles.hpp"
#include "sensor/radar.hpp"

using namespace trilink;
using namespace trilink::geo;

namespace {

sensor::RadarParams bench_params() {
  sensor::RadarParams p;
  p.name = "bench";
  p.nation = Nation::JPN;
  p.site = Geodetic::from_deg(38.1, 138.4, 50.0);
  p.half_sector_rad = std::numbers::pi;
  p.min_el_rad = deg_to_rad(1.0);
  p.max_el_rad = deg_to_rad(80.0);
  p.max_range_m = 2000e3;
  p.revisit_s = 5.0;
  p.sigma_range_m = 30.0;
  p.sigma_az_rad = 1e-3;
  p.sigma_el_rad = 1e-3;
  p.sigma_range_rate_mps = 3.0;
  p.ref_range_m = 1000e3;
  p.ref_snr_db = 15.0;
  p.pfa = 1e-6;
  p.bias_sigma_range_m = 20.0;
  return p;
}

void BM_RadarScan(benchmark::State& state) {
  sensor::Radar radar(bench_params(), 0, 1);
  Rng rng(7);
  std::vector<sensor::Target> targets;
  const auto n = static_cast<std::uint32_t>(state.range(0));
  for (std::uint32_t i = 0; i < n; ++i) {
    const RangeAzEl rae{rng.uniform(200e3, 1500e3), rng.uniform(0.0, 2.0 * std::numbers::pi),
                        deg_to_rad(rng.uniform(5.0, 60.0))};
    sensor::Target t;
    t.object_id = i;
    t.position = radar.observer().frame().to_ecef(to_enu(rae));
    t.velocity_mps = Vec3(rng.normal(0.0, 2000.0), rng.normal(0.0, 2000.0), 0.0);
    t.height_m = to_geodetic(t.position).h_m;
    t.rcs_m2 = 100.0;  // Pd >= 0.978 out to 1500 km (SNR 28 dB)
    if (!radar.in_coverage(t)) {
      state.SkipWithError("target out of coverage");
      return;
    }
    targets.push_back(t);
  }
  std::int64_t detections = 0;
  UtcTime t = radar.first_scan(UtcTime::from_seconds(1.7e9));
  for (auto _ : state) {
    const std::vector<sensor::Detection> dets = radar.scan(t, targets);
    detections += static_cast<std::int64_t>(dets.size());
    benchmark::DoNotOptimize(dets.data());
    t = t.plus_seconds(5.0);
  }
  state.SetItemsProcessed(detections);
  state.counters["pd"] = static_cast<double>(detections) /
                         (static_cast<double>(state.iterations()) * static_cast<double>(n));
}
BENCHMARK(BM_RadarScan)->Arg(10)->Arg(100)->Arg(1000)->Arg(10000);

}  // namespace

BENCHMARK_MAIN();
