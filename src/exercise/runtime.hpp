// The exercise runtime (DESIGN.md, "Runtimes" 1): every node of a scenario in one process
// under a discrete-event clock. Radar feeds deliver each look's plots to their national node,
// national nodes and the hub exchange messages over simulated links (network.hpp: latency
// from geography, jitter, loss, outages), every node ticks once a second, and every message
// on every link is handed to the recorder. Deterministic: events are ordered by time and then
// by the order they were scheduled; every random draw comes from Rng::stream(seed, key).
//
// Two modes: `national`, each nation with its own radars only and no hub; `trilateral`, the
// national nodes share their tracks through the hub. The national nodes run the same code
// with the same plots in both, so a difference between the two runs is what sharing did.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "node/hub.hpp"
#include "node/national_node.hpp"
#include "record/sink.hpp"
#include "scenario/scenario.hpp"
#include "scenario/simulation.hpp"
#include "share/policy.hpp"
#include "warn/areas.hpp"

namespace trilink::exercise {

enum class Mode : std::uint8_t { national, trilateral };
std::string_view to_string(Mode m);

// A message that reached a nation's own picture (its display), when it did.
struct Observation {
  double t_s = 0.0;  // since scenario start
  Nation nation = Nation::USA;
  share::Message message;
};

struct LinkStats {
  std::string link;  // "KAMD>INDOPACOM"
  std::uint64_t sent = 0;
  std::uint64_t delivered = 0;
  std::uint64_t lost = 0;
  double latency_sum_s = 0.0;
  double latency_max_s = 0.0;
};

struct RunOutput {
  Mode mode = Mode::national;
  std::vector<Observation> display;  // in delivery order
  std::vector<LinkStats> links;      // by link name
  node::HubCounters hub;
  std::array<std::uint64_t, share::rejection_count> hub_rejected{};
  std::map<Nation, node::NationalNodeCounters> nodes;
  std::uint64_t events = 0;
  std::uint64_t messages = 0;  // sent on links (display included)
};

struct RunInputs {
  const scenario::Scenario* scenario = nullptr;
  const scenario::Simulation* simulation = nullptr;
  const share::Policy* policy = nullptr;
  std::vector<warn::ProtectedArea> areas;
  record::RecordSink* recorder = nullptr;    // optional; links are recorded as "<mode>:<from>><to>"
  std::function<void(double t_s)> progress;  // called once a simulated minute
  // Polled before every event; once it holds a non-zero value (a signal number, set from a
  // signal handler) the run stops and fails with "interrupted".
  const std::atomic<int>* stop = nullptr;
};

// Fails when the recorder does (the error names the recording) or when stopped.
Expected<RunOutput> run_exercise(const RunInputs& in, Mode mode);

// The hub of a trilateral run (nullopt when the network has none): its nations are those with
// a node and radars, each warned for its own of `areas`.
std::optional<node::HubConfig> hub_config(const scenario::Scenario& s,
                                          const std::vector<warn::ProtectedArea>& areas);

}  // namespace trilink::exercise
