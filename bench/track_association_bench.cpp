// Association of one scan, both halves (STYLE 8): gate through the spatial grid, then global
// nearest neighbour on the gated pairs.
//
// Scene: N tracks uniform in a box (200 km x 200 km x 18 km unless box_km says the
// horizontal side), one measurement per track at N(0, 50 m) per axis around it, plus
// clutter_pct % of N false measurements uniform in the box. Gate: a fixed 300 m sphere
// (6 sigma); grid cell 600 m; cost = |z - x|^2 / sigma^2, miss cost = (300 / 50)^2.
// A scan = grid build over the tracks + every measurement's query and exact test + GNN.
// items/s is measurements per second.
//
// BM_DenseJv: the dense solver alone on random n x n costs uniform in [0, 1); items/s is
// rows per second.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "base/rng.hpp"
#include "track/assignment.hpp"
#include "track/spatial_grid.hpp"

using namespace trilink;
using namespace trilink::track;
using Eigen::Vector3d;

namespace {

constexpr double kSigmaM = 50.0;
constexpr double kGateM = 300.0;
constexpr double kCellM = 600.0;
constexpr double kHeightM = 18e3;

void BM_GnnScan(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto clutter = static_cast<std::size_t>(state.range(1)) * n / 100;
  const double side_m = static_cast<double>(state.range(2)) * 1e3;

  Rng rng(42);
  const auto in_box = [&] {
    return Vector3d(rng.uniform(0.0, side_m), rng.uniform(0.0, side_m), rng.uniform(0.0, kHeightM));
  };
  std::vector<Vector3d> tracks;
  std::vector<Vector3d> measurements;
  for (std::size_t i = 0; i < n; ++i) tracks.push_back(in_box());
  for (std::size_t i = 0; i < n; ++i)
    measurements.push_back(tracks[i] + Vector3d(rng.normal(0.0, kSigmaM), rng.normal(0.0, kSigmaM),
                                                rng.normal(0.0, kSigmaM)));
  for (std::size_t i = 0; i < clutter; ++i) measurements.push_back(in_box());
  const std::vector<double> radii(n, kGateM);
  const std::vector<double> miss_cost(n, (kGateM / kSigmaM) * (kGateM / kSigmaM));

  SpatialGrid grid(kCellM);
  GnnAssociator gnn;
  std::vector<GatedPair> pairs;
  std::size_t assigned = 0;
  std::size_t total_pairs = 0;
  ClusterStats stats;
  for (auto _ : state) {
    grid.build(tracks, radii);
    pairs.clear();
    for (std::uint32_t m = 0; m < measurements.size(); ++m) {
      const Vector3d& z = measurements[m];
      grid.for_each_candidate(z, [&](std::uint32_t t) {
        const double d2 = (z - tracks[t]).squaredNorm();
        if (d2 <= kGateM * kGateM) pairs.push_back({t, m, d2 / (kSigmaM * kSigmaM)});
      });
    }
    const Association a = gnn.associate(n, measurements.size(), pairs, miss_cost);
    benchmark::DoNotOptimize(a.total_cost);
    assigned = 0;
    for (const std::int32_t col : a.row_to_col) assigned += col >= 0 ? 1 : 0;
    total_pairs = pairs.size();
    stats = a.stats;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * measurements.size()));
  state.counters["pairs"] = static_cast<double>(total_pairs);
  state.counters["assigned"] = static_cast<double>(assigned) / static_cast<double>(n);
  state.counters["clusters"] = static_cast<double>(stats.clusters);
  state.counters["largest"] = static_cast<double>(stats.largest_cluster);
}
BENCHMARK(BM_GnnScan)
    ->ArgNames({"tracks", "clutter_pct", "box_km"})
    ->ArgsProduct({{10, 100, 1000, 2000, 10000}, {0, 100}, {200}})
    ->Args({2000, 100, 5})  // crowded: about one other track per gate
    ->Unit(benchmark::kMicrosecond);

void BM_DenseJv(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  Rng rng(7);
  std::vector<double> cost(n * n);
  for (double& c : cost) c = rng.uniform();
  std::vector<std::int32_t> row_to_col(n);
  AssignmentSolver solver;
  for (auto _ : state) {
    const AssignmentOutcome out = solver.solve(cost, n, n, row_to_col);
    benchmark::DoNotOptimize(out.total_cost);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
}
BENCHMARK(BM_DenseJv)->Arg(10)->Arg(50)->Arg(200)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
