// Messages recorded per second (local tracks with full covariance, the commonest and largest
// message), and events replayed per second. The database is a file under the temp directory.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>

#include "record/codec.hpp"
#include "record/recorder.hpp"
#include "record/replay.hpp"

using namespace trilink;
using namespace trilink::record;

namespace {

LinkEvent track_event(int i) {
  share::LocalTrack t;
  t.header.originator = share::Originator{Nation::JPN, "JADGE", std::nullopt};
  t.header.sequence = static_cast<std::uint64_t>(i);
  t.header.time_of_validity = geo::UtcTime{1'700'000'000'000'000'000 + i * 100'000'000ll};
  t.header.releasability = share::Releasability::all();
  t.track_id = static_cast<std::uint64_t>(i % 50);
  t.position_ecef_m = share::Vector3(-3.9e6 + i / 3.0, 3.4e6 / 7.0, 3.7e6);
  t.velocity_ecef_mps = share::Vector3(1000.0 / 3.0, -500.25, 2000);
  t.covariance = share::Matrix6::Identity() * (1.0 + i / 7.0);
  LinkEvent e;
  e.link = "JADGE>INDOPACOM";
  e.direction = Direction::received;
  e.sent = t.header.time_of_validity;
  e.received = e.sent.plus_seconds(0.05);
  e.message = t;
  return e;
}

std::string bench_path() {
  return (std::filesystem::temp_directory_path() /
          ("trilink_record_bench_" + std::to_string(::getpid()) + ".db"))
      .string();
}

void remove_db(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
}

void BM_Encode(benchmark::State& state) {
  const LinkEvent e = track_event(1);
  for (auto _ : state) benchmark::DoNotOptimize(encode(e.message));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Encode);

void BM_Decode(benchmark::State& state) {
  const std::string text = encode(track_event(1).message);
  for (auto _ : state) benchmark::DoNotOptimize(decode(text));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Decode);

// Events recorded per second, for a batch of range(0) events and transactions of range(1).
void BM_Record(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  std::vector<LinkEvent> events;
  for (int i = 0; i < n; ++i) events.push_back(track_event(i));
  const std::string path = bench_path();
  for (auto _ : state) {
    state.PauseTiming();
    remove_db(path);
    state.ResumeTiming();
    auto rec = Recorder::open(
        path, Recorder::Options{.commit_every = static_cast<std::size_t>(state.range(1))});
    if (!rec) state.SkipWithError(rec.error().message().c_str());
    for (const LinkEvent& e : events)
      if (!rec->record(e)) state.SkipWithError("record failed");
    if (!rec->flush()) state.SkipWithError("flush failed");
  }
  remove_db(path);
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_Record)->Args({10'000, 1000})->Args({10'000, 100})->Unit(benchmark::kMillisecond);

void BM_ReadAll(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const std::string path = bench_path();
  remove_db(path);
  {
    auto rec = Recorder::open(path);
    for (int i = 0; i < n; ++i) (void)rec->record(track_event(i));
  }
  for (auto _ : state) {
    auto all = read_all(path);
    if (!all || all->size() != static_cast<std::size_t>(n)) state.SkipWithError("read failed");
  }
  remove_db(path);
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_ReadAll)->Arg(10'000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
