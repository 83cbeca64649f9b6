// Trajectory propagation. items/s is accepted integration steps per second; rhs_evals/s the
// force-model evaluations per second, counted as DOPRI5 does them: 6 per attempted step
// (FSAL), accepted or rejected, plus 1 at the start.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <optional>

#include "flight/shaping.hpp"
#include "geo/angles.hpp"

using namespace trilink;
using namespace trilink::flight;
using namespace trilink::geo;

namespace {

// Shaped once, outside the timed loop: the plan of a reported flight (public-data.md §1).
std::optional<FlightPlan> shaped_plan(double lat_deg, double lon_deg, double az_deg, MissileClass c,
                                      double apogee_km, double range_km) {
  ShapeRequest r;
  r.site = Geodetic::from_deg(lat_deg, lon_deg);
  r.azimuth_rad = deg_to_rad(az_deg);
  r.range_m = range_km * 1e3;
  r.apogee_m = apogee_km * 1e3;
  r.missile_class = c;
  auto shaped = shape(r);
  if (!shaped) return std::nullopt;
  return shaped->plan;
}

void count(benchmark::State& state, std::uint64_t steps, std::uint64_t rejected,
           std::uint64_t flights) {
  state.SetItemsProcessed(static_cast<std::int64_t>(steps));
  state.counters["rhs_evals"] = benchmark::Counter(
      static_cast<double>(6 * (steps + rejected) + flights), benchmark::Counter::kIsRate);
  state.counters["steps/flight"] =
      static_cast<double>(steps) / static_cast<double>(std::max<std::uint64_t>(flights, 1));
  state.counters["rejected/flight"] =
      static_cast<double>(rejected) / static_cast<double>(std::max<std::uint64_t>(flights, 1));
}

void fly_plan(benchmark::State& state, const std::optional<FlightPlan>& plan) {
  if (!plan) {
    state.SkipWithError("shaping failed");
    return;
  }
  std::uint64_t steps = 0, rejected = 0, flights = 0;
  for (auto _ : state) {
    const Flight f = fly(*plan);
    benchmark::DoNotOptimize(f.trajectory.impact_s);
    steps += f.stats.steps;
    rejected += f.stats.rejected;
    ++flights;
  }
  count(state, steps, rejected, flights);
}

// F09: lofted ICBM from Sunan, 6040.9 km apogee, 999.2 km, ~69 min.
void BM_FlyIcbmLofted(benchmark::State& state) {
  static const auto plan = shaped_plan(39.22, 125.67, 83, MissileClass::icbm, 6040.9, 999.2);
  fly_plan(state, plan);
}
BENCHMARK(BM_FlyIcbmLofted)->Unit(benchmark::kMicrosecond);

// F01: lofted IRBM from Kusong, 2111.5 km apogee, 787 km, ~30 min.
void BM_FlyIrbmLofted(benchmark::State& state) {
  static const auto plan = shaped_plan(39.98, 125.25, 95, MissileClass::irbm, 2111.5, 787);
  fly_plan(state, plan);
}
BENCHMARK(BM_FlyIrbmLofted)->Unit(benchmark::kMicrosecond);

// One hour of drag-free coast (J2, rotating Earth) in a low orbit that does not come down.
void BM_CoastVacuumHour(benchmark::State& state) {
  const Geodetic site = Geodetic::from_deg(39.22, 125.67);
  const LocalFrame frame(Geodetic::from_deg(39.22, 125.67, 300e3));
  const EciState start{frame.origin_ecef().r_m, frame.ecef_vector(Vec3(7800.0, 0.0, 0.0))};
  FlightOptions options;
  options.drag = false;
  options.max_flight_s = 3600.0;
  std::uint64_t steps = 0, rejected = 0, flights = 0;
  for (auto _ : state) {
    const Flight f = coast(site, start, 0.0, options);
    if (f.trajectory.impacted || f.trajectory.end_s() != 3600.0) {
      state.SkipWithError("the coast did not last the hour");
      return;
    }
    benchmark::DoNotOptimize(f.trajectory.samples.data());
    steps += f.stats.steps;
    rejected += f.stats.rejected;
    ++flights;
  }
  count(state, steps, rejected, flights);
}
BENCHMARK(BM_CoastVacuumHour)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
