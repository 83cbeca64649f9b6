// Releasability over whole exercises (issue 16, DESIGN.md "Message model"): what the hub
// releases to a nation is computed from what the policy releases to it only, so withholding
// another nation's tracks from it changes nothing it receives.
//
// The proof: run a bundled exercise under a policy that withholds nation W's tracks from
// recipient R (W may grant USA|W only), recorded; take from the recording every message the
// hub received, with its arrival time; replay them through fresh hubs with the run's
// one-second ticks. With all of them the hub reproduces, byte for byte, what the run's hub
// released to every nation (the replay is faithful). Without W's messages - as if W had never
// sent anything - R's stream (every system track, launch report, impact prediction and alert,
// every field, and the time it was released at) is byte for byte the same, and holds each kind
// of message; the USA's stream, which may see W's tracks, is not (the comparison can fail).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "exercise/runtime.hpp"
#include "io/areas_file.hpp"
#include "io/policy_file.hpp"
#include "io/scenario_file.hpp"
#include "record/codec.hpp"
#include "record/recorder.hpp"
#include "record/replay.hpp"
#include "test_paths.hpp"

namespace fs = std::filesystem;
using namespace trilink;
using trilink::Nation;

namespace {

struct Release {
  double t_s;  // when the hub released it (s after the scenario's start)
  share::MessageType type;
  std::string bytes;
  bool operator==(const Release&) const = default;
};
using Streams = std::map<std::string, std::vector<Release>>;  // by recipient node

// One input of the hub as recorded: the message, the node it came from, when it arrived.
struct Input {
  share::Message message;
  std::string from;
  geo::UtcTime received;
};

struct Run {
  scenario::Scenario scenario;
  share::Policy policy;
  std::vector<warn::ProtectedArea> areas;
  std::vector<Input> hub_inputs;  // in arrival order
  Streams recorded;               // what the run's hub released, by sequence number
};

// Runs `name` with `withheld`'s tracks withheld from everyone but the USA, recorded.
Run run_withholding(const std::string& name, Nation withheld) {
  Run run;
  auto s = io::load_scenario(test_paths::scenario(name + ".yaml"));
  if (!s) throw std::runtime_error(s.error().message());
  run.scenario = std::move(*s);
  auto p = io::load_policy(run.scenario.policy_path);
  if (!p) throw std::runtime_error(p.error().message());
  run.policy = *p;
  for (auto& n : run.policy.nations)
    if (n.nation == withheld) n.max_label = {Nation::USA, withheld};
  EXPECT_FALSE(run.policy.check().has_value());
  for (const auto& a : run.scenario.area_paths) {
    auto loaded = io::load_areas_geojson(a);
    if (!loaded) throw std::runtime_error(loaded.error().message());
    run.areas.insert(run.areas.end(), loaded->begin(), loaded->end());
  }
  const scenario::Simulation sim = scenario::simulate(run.scenario);

  const fs::path dir = fs::path(test_paths::binary_dir()) / ("releasability_" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string db = (dir / "recording.db").string();
  {
    auto recorder = record::Recorder::open(db);
    if (!recorder) throw std::runtime_error(recorder.error().message());
    exercise::RunInputs in;
    in.scenario = &run.scenario;
    in.simulation = &sim;
    in.policy = &run.policy;
    in.areas = run.areas;
    record::RecorderSink sink(*recorder);
    in.recorder = &sink;
    auto out = exercise::run_exercise(in, exercise::Mode::trilateral);
    if (!out) throw std::runtime_error(out.error().message());
    if (auto f = recorder->finish(); !f) throw std::runtime_error(f.error().message());
  }
  auto events = record::read_all(db);
  if (!events) throw std::runtime_error(events.error().message());
  const std::string hub = run.scenario.network.hub()->name;
  std::map<std::string, std::map<std::uint64_t, std::string>> by_sequence;
  for (const auto& e : *events) {
    const auto& link = e.event.link;  // "trilateral:FROM>TO"
    const auto colon = link.find(':'), arrow = link.find('>');
    const std::string from = link.substr(colon + 1, arrow - colon - 1), to = link.substr(arrow + 1);
    if (to == hub && e.event.direction == record::Direction::received)
      run.hub_inputs.push_back({e.event.message, from, *e.event.received});
    if (from == hub)  // delivered or lost: released either way
      by_sequence[to][share::header(e.event.message).sequence] = record::encode(e.event.message);
  }
  for (const auto& [node, messages] : by_sequence)
    for (const auto& [seq, bytes] : messages) run.recorded[node].push_back({0.0, {}, bytes});
  return run;
}

// Replays the hub's inputs, less those from `drop`, through a fresh hub with one-second ticks
// (a tick at t before any arrival at t, as the runtime orders them).
Streams replay(const Run& run, const std::set<std::string>& drop) {
  const auto config = exercise::hub_config(run.scenario, run.areas);
  node::Hub hub(*config, run.policy);
  Streams out;
  const auto keep = [&](const node::Outbox& o, geo::UtcTime t) {
    for (const auto& e : o)
      out[e.to].push_back(Release{t.seconds_since(run.scenario.start), share::type_of(e.message),
                                  record::encode(e.message)});
  };
  const auto last_tick = static_cast<std::int64_t>(std::floor(run.scenario.duration_s));
  std::int64_t k = 0;
  const auto tick_until = [&](double t_s) {
    for (; k <= last_tick && static_cast<double>(k) <= t_s; ++k) {
      const geo::UtcTime t = run.scenario.start.plus_seconds(static_cast<double>(k));
      keep(hub.tick(t), t);
    }
  };
  for (const Input& in : run.hub_inputs) {
    tick_until(in.received.seconds_since(run.scenario.start));
    if (!drop.contains(in.from))
      keep(hub.on_message(in.message, in.from, in.received), in.received);
  }
  tick_until(run.scenario.duration_s);
  return out;
}

std::vector<std::string> bytes_of(const std::vector<Release>& stream) {
  std::vector<std::string> out;
  for (const auto& r : stream) out.push_back(r.bytes);
  return out;
}

std::map<share::MessageType, int> kinds(const std::vector<Release>& stream) {
  std::map<share::MessageType, int> n;
  for (const auto& r : stream) ++n[r.type];
  return n;
}

int threats(const std::vector<Release>& stream) {
  return static_cast<int>(std::ranges::count_if(stream, [](const Release& r) {
    return r.type == share::MessageType::alert &&
           r.bytes.find("\"level\":\"threat\"") != std::string::npos;
  }));
}

std::string node_of(const Run& run, Nation n) {
  return run.scenario.network.node_of(n)->name;
}

void expect_withholding_is_invisible(const std::string& scenario, Nation withheld,
                                     Nation recipient) {
  const Run run = run_withholding(scenario, withheld);
  const std::string w = node_of(run, withheld), r = node_of(run, recipient);
  const std::string usa = node_of(run, Nation::USA);
  ASSERT_TRUE(std::ranges::any_of(run.hub_inputs, [&](const Input& i) { return i.from == w; }))
      << w << " sent nothing to the hub";

  const Streams all = replay(run, {});
  ASSERT_EQ(all.size(), run.recorded.size());
  for (const auto& [node, stream] : run.recorded)
    EXPECT_TRUE(bytes_of(all.at(node)) == bytes_of(stream))
        << "the replay does not reproduce what the run released to " << node;

  const Streams without = replay(run, {w});
  const auto& got = all.at(r);
  EXPECT_EQ(got.size(), without.at(r).size());
  EXPECT_TRUE(got == without.at(r)) << r << "'s stream changes when " << w << " sends nothing";
  const auto n = kinds(got);
  for (auto t : {share::MessageType::system_track, share::MessageType::launch_report,
                 share::MessageType::impact_prediction, share::MessageType::alert})
    EXPECT_GT(n.count(t) ? n.at(t) : 0, 0) << r << " received no " << share::to_string(t);
  EXPECT_GT(threats(got), 0) << r << " was never warned";
  EXPECT_FALSE(all.at(usa) == without.at(usa)) << w << "'s tracks changed nothing the USA saw";
}

}  // namespace

// A missile at a Japanese city; Korea's tracks withheld from Japan.
TEST(Releasability, JapansStreamIsTheSameWhetherKoreaSendsOrNot) {
  expect_withholding_is_invisible("city", Nation::KOR, Nation::JPN);
}

// An SRBM into South Korea; Japan's tracks withheld from Korea.
TEST(Releasability, KoreasStreamIsTheSameWhetherJapanSendsOrNot) {
  expect_withholding_is_invisible("kor_srbm1", Nation::JPN, Nation::KOR);
}
