// The hub's cost per admitted local track against the size of its picture (issue 15: flat
// within 1.5x from 10 to 10,000 system tracks).
//
// Scene: N Korean national tracks, each its own system track - objects on a lattice 50 km
// apart over the Sea of Japan, 100-250 km up, flying east-north-east at 2 km/s - each
// reported once a simulated second, in turn (the time advances 1/N s a message); the clock
// (Hub::tick: the whole picture aged and fused, products, alerts) every simulated second,
// not timed. The tracks are tentative, so the untimed clock makes no impact predictions (its
// cost per second is the products', measured by the exercise). Policy: deploy/policy.yaml.
//
// BM_HubLocalTrack: a report of a held track - gatekeeper, fusion into its system track,
// releases to the three nations. items/s: local tracks admitted per second.
// BM_HubNewLocalTrack: as above, then a Japanese track of the same object new to the hub
// (associated: its candidates found through the index; joined_own_object: the share that joined
// the object's system track) and its drop; items/s counts the three messages.
// BM_HubTick: the clock alone over n system tracks, each reported in the second before it,
// with the periodic re-release of the exercise (refresh 0) or the live runtime's release on
// change (1); items/s: system tracks a second. In the live runtime every local track arriving
// during a tick waits for it.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "geo/frames.hpp"
#include "io/policy_file.hpp"
#include "node/hub.hpp"

using namespace trilink;

namespace {

const geo::UtcTime t0{1'700'000'000'000'000'000};

struct Scene {
  share::Policy policy;
  std::vector<share::LocalTrack> tracks;  // at t0
  share::Vector3 velocity;
};

Scene scene(std::size_t n) {
  Scene s;
  auto policy = io::load_policy(TRILINK_SOURCE_DIR "/deploy/policy.yaml");
  if (!policy) throw std::runtime_error(policy.error().message());
  s.policy = *policy;
  const std::size_t side = 1 + static_cast<std::size_t>(std::cbrt(static_cast<double>(n) * 16.0));
  const geo::Geodetic centre = geo::Geodetic::from_deg(39.0, 133.0, 100e3);
  const geo::LocalFrame frame(centre);
  s.velocity = frame.ecef_vector(geo::Vec3(1800.0, 800.0, 0.0));
  for (std::size_t i = 0; i < n; ++i) {
    const double east = (static_cast<double>(i % side) - side / 2.0) * 50e3;
    const double north = (static_cast<double>(i / side % side) - side / 2.0) * 50e3;
    const double up = static_cast<double>(i / side / side) * 50e3;
    share::LocalTrack t;
    t.header.originator = {Nation::KOR, "KAMD", std::nullopt};
    t.header.time_of_validity = t0;
    t.header.releasability = share::Releasability::all();
    t.track_id = i + 1;
    t.position_ecef_m = frame.to_ecef(geo::Enu{geo::Vec3(east, north, up)}).r_m;
    t.velocity_ecef_mps = s.velocity;
    t.covariance = share::Matrix6::Zero();
    t.covariance.topLeftCorner<3, 3>().diagonal().setConstant(200.0 * 200.0);
    t.covariance.bottomRightCorner<3, 3>().diagonal().setConstant(20.0 * 20.0);
    t.status = share::TrackStatus::tentative;
    t.phase = share::FlightPhase::midcourse;
    s.tracks.push_back(t);
  }
  return s;
}

node::HubConfig hub_config(std::size_t n) {
  node::HubConfig c;
  c.nation_nodes = {{Nation::USA, "C2BMC"}, {Nation::JPN, "JADGE"}, {Nation::KOR, "KAMD"}};
  c.gate.max_track_ids = 2 * n + 100;
  c.gate.max_rate_per_s = 4.0 * static_cast<double>(n) + 100.0;
  c.gate.rate_burst = c.gate.max_rate_per_s;
  return c;
}

// Track i reported at t (moved along its straight line: the hub aligns it by its own model).
share::LocalTrack report(const Scene& s, std::size_t i, geo::UtcTime t, std::uint64_t sequence) {
  share::LocalTrack r = s.tracks[i];
  r.header.sequence = sequence;
  r.header.time_of_validity = t;
  r.position_ecef_m += s.velocity * t.seconds_since(t0);
  return r;
}

// Every track once, then the clock: the hub holds n system tracks.
void fill(node::Hub& hub, const Scene& s, std::uint64_t& sequence) {
  for (std::size_t i = 0; i < s.tracks.size(); ++i)
    hub.on_message(report(s, i, t0, ++sequence), "KAMD", t0);
  hub.tick(t0);
}

// Every track reported once in the second before `second` (s after t0), in turn.
void report_second(node::Hub& hub, const Scene& s, int second, std::uint64_t& sequence) {
  const std::size_t n = s.tracks.size();
  for (std::size_t i = 0; i < n; ++i) {
    const geo::UtcTime t = t0.plus_seconds(second - 1.0 + static_cast<double>(i) / n);
    hub.on_message(report(s, i, t, ++sequence), "KAMD", t);
  }
}

void BM_HubLocalTrack(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const Scene s = scene(n);
  const share::Policy policy = s.policy;
  node::Hub hub(hub_config(n), policy);
  std::uint64_t sequence = 0;
  fill(hub, s, sequence);
  std::size_t k = 0;
  std::size_t released = 0;
  for (auto _ : state) {
    const std::size_t i = k % n;
    const geo::UtcTime t = t0.plus_seconds(static_cast<double>(k) / static_cast<double>(n));
    released += hub.on_message(report(s, i, t, ++sequence), "KAMD", t).size();
    if (++k % n == 0) {
      state.PauseTiming();
      hub.tick(t);
      state.ResumeTiming();
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.counters["system_tracks"] = static_cast<double>(hub.fusion().system_tracks());
  state.counters["released_per_track"] =
      static_cast<double>(released) / static_cast<double>(state.iterations());
  state.counters["rejected"] = static_cast<double>(hub.counters().rejected);
}
BENCHMARK(BM_HubLocalTrack)->RangeMultiplier(10)->Range(10, 10000)->Unit(benchmark::kMicrosecond);

void BM_HubNewLocalTrack(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const Scene s = scene(n);
  const share::Policy policy = s.policy;
  node::Hub hub(hub_config(n), policy);
  std::uint64_t sequence = 0, jpn_sequence = 0;
  fill(hub, s, sequence);
  std::size_t k = 0;
  std::uint64_t id = 1'000'000;
  std::size_t joined = 0;
  for (auto _ : state) {
    const std::size_t i = k % n;
    const geo::UtcTime t = t0.plus_seconds(static_cast<double>(k) / static_cast<double>(n));
    hub.on_message(report(s, i, t, ++sequence), "KAMD", t);
    share::LocalTrack r = report(s, i, t, ++jpn_sequence);
    r.header.originator = {Nation::JPN, "JADGE", std::nullopt};
    r.track_id = ++id;
    hub.on_message(r, "JADGE", t);
    if (hub.fusion().system_id_of({Nation::JPN, r.track_id}) == i + 1) ++joined;
    r.status = share::TrackStatus::dropped;
    r.header.sequence = ++jpn_sequence;
    hub.on_message(r, "JADGE", t);
    if (++k % n == 0) {
      state.PauseTiming();
      hub.tick(t);
      state.ResumeTiming();
    }
  }
  state.SetItemsProcessed(3 * static_cast<std::int64_t>(state.iterations()));
  state.counters["system_tracks"] = static_cast<double>(hub.fusion().system_tracks());
  state.counters["joined_own_object"] =
      static_cast<double>(joined) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_HubNewLocalTrack)
    ->RangeMultiplier(10)
    ->Range(10, 10000)
    ->Unit(benchmark::kMicrosecond);

void BM_HubTick(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const Scene s = scene(n);
  const share::Policy policy = s.policy;
  node::HubConfig c = hub_config(n);
  c.refresh = state.range(1) == 0 ? node::Refresh::periodic : node::Refresh::on_change;
  node::Hub hub(c, policy);
  std::uint64_t sequence = 0;
  fill(hub, s, sequence);
  std::size_t released = 0;
  int second = 0;
  for (auto _ : state) {
    state.PauseTiming();
    ++second;
    report_second(hub, s, second, sequence);
    state.ResumeTiming();
    released += hub.tick(t0.plus_seconds(second)).size();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
  state.counters["released_per_tick"] =
      static_cast<double>(released) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_HubTick)
    ->ArgsProduct({{1000, 10000}, {0, 1}})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(5);

// BM_HubTickInSteps: the same clock in steps of `work` tracks (Hub::tick_step, the live
// runtime's): a local track arriving during the clock waits for one step. items/s: system
// tracks a second; max_step_us: the longest step of the last tick, max_at: which step it was
// (from 0), steps: its steps.
void BM_HubTickInSteps(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto work = static_cast<std::size_t>(state.range(1));
  const Scene s = scene(n);
  const share::Policy policy = s.policy;
  node::HubConfig c = hub_config(n);
  c.refresh = node::Refresh::on_change;
  node::Hub hub(c, policy);
  std::uint64_t sequence = 0;
  fill(hub, s, sequence);
  int second = 0;
  double max_step_us = 0.0, max_at = 0.0;
  std::size_t steps = 0;
  for (auto _ : state) {
    state.PauseTiming();
    ++second;
    report_second(hub, s, second, sequence);
    state.ResumeTiming();
    max_step_us = 0.0;
    steps = 0;
    node::Outbox out;
    hub.begin_tick(t0.plus_seconds(second));
    for (bool done = false; !done; ++steps) {
      const auto start = std::chrono::steady_clock::now();
      done = hub.tick_step(out, work);
      const double us =
          std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start)
              .count();
      if (us > max_step_us) max_at = static_cast<double>(steps);
      max_step_us = std::max(max_step_us, us);
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
  state.counters["max_step_us"] = max_step_us;
  state.counters["steps"] = static_cast<double>(steps);
  state.counters["max_at"] = max_at;
}
BENCHMARK(BM_HubTickInSteps)
    ->ArgsProduct({{1000, 10000}, {64}})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(5);

}  // namespace

BENCHMARK_MAIN();
