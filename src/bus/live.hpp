// The live runtime (DESIGN.md, "Runtimes" 2; docs/live.md): one trilink node per process on
// Cyclone DDS, running the same node code as the exercise runtime (src/node/), fed by DDS
// instead of the discrete-event loop.
//
// Topology: each nation has a domain of its own for its radar feeds and its node; each nation's
// node and the hub share a link domain; only the hub joins the link domains, so the nations'
// participants never discover each other. With security on, each participant authenticates
// with its own certificate and its permissions allow exactly its topics on its domains.
//
// A process owns its node (one thread calls it): DDS listeners decode and check each sample
// (bus/wire.hpp; a bad one is counted under its reason and dropped) and queue it; the node's
// thread takes what has waited `hold` (so samples of several topics, or several instances,
// which DDS delivers per topic and per instance, are put back in their sender's sequence order
// before the gatekeeper sees them), calls the node, writes what the node emits, and ticks the
// node once a scenario second. Scenario time is the wall clock mapped through ScenarioClock, the
// same on every host. Each node records what it sends and receives (record/) to its own file,
// committed when it stops (SIGINT/SIGTERM, or the end of its run).
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/error.hpp"
#include "bus/pki.hpp"
#include "bus/wire.hpp"
#include "io/deploy_file.hpp"
#include "node/hub.hpp"
#include "node/national_node.hpp"
#include "scenario/scenario.hpp"
#include "share/policy.hpp"
#include "track/tracker.hpp"
#include "warn/areas.hpp"

namespace trilink::bus {

// Scenario time from the wall clock: scenario_start at wall time start_at, `speed` scenario
// seconds per wall second.
struct ScenarioClock {
  geo::UtcTime scenario_start;
  std::int64_t start_at_unix_ns = 0;
  double speed = 1.0;

  geo::UtcTime now() const;
  std::chrono::system_clock::time_point wall_at(geo::UtcTime t) const;
  geo::UtcTime at_wall_ns(std::int64_t unix_ns) const;
};

struct LiveInputs {
  const io::Deployment* deploy = nullptr;
  const scenario::Scenario* scenario = nullptr;
  const share::Policy* policy = nullptr;
  std::vector<warn::ProtectedArea> areas;
  ScenarioClock clock;
  const std::atomic<int>* stop = nullptr;  // non-zero: stop (a signal number)
  std::optional<double> until_s;           // stop by itself at this scenario time
  double hold_s = 0.0005;                  // wall seconds a sample waits for reordering
  std::function<void(const std::string&)> log;
  // Start-up handshake with `trilink live` (both empty: none). Once its endpoints have matched
  // their peers (at most connect_timeout_s), the process creates `ready_file`; then it waits for
  // `start_file`, which holds the wall time (Unix seconds) of the scenario's start, and uses it,
  // giving up when it has not come start_timeout_s after the ready file.
  std::string ready_file, start_file;
  double connect_timeout_s = 60.0;
  double start_timeout_s = 60.0;
  // Called once the scenario clock is set (after the handshake: the start file's), before the
  // scenario starts, on the node's thread: what the process serves follows the same clock.
  std::function<void(const ScenarioClock&)> started;
  // Hub for `bench live`: a bare relay, none of the hub's code (run_hub says what it does).
  bool relay = false;
  // A restart (after a crash, SIGKILL included): the node keeps its recording and appends to
  // it, instead of starting a fresh one. The hub rebuilds its state from it (run_hub); a
  // national node starts a new session (its tracker, products and alerts afresh: the hub ends
  // its old session's tracks, node::Hub::on_message), what it recorded before kept.
  bool resume = false;
  // What reaches a picture, as it does (`trilink node|hub --serve`), called on the node's
  // thread: a national node's display messages (its own products and alerts, and what the hub
  // released to it, as its gatekeeper admitted them: its nation's picture); the hub's releases,
  // each with the nation it went to (the whole picture).
  std::function<void(geo::UtcTime, Nation, const share::Message&)> picture;
};

// What a live process did (written as <recordings>/<NAME>.json when it stops).
struct LiveReport {
  std::string name;
  std::string recording;
  std::uint64_t received = 0;  // samples taken from DDS
  std::uint64_t sent = 0;      // samples written
  std::array<std::uint64_t, wire_rejection_count> wire_rejected{};
  std::uint64_t heartbeats_received = 0;
  std::uint64_t deadlines_missed = 0;
  std::optional<node::HubCounters> hub;
  std::array<std::uint64_t, share::rejection_count> gate_rejected{};
  std::optional<node::NationalNodeCounters> national;
  // National node: plots its tracker refused, by reason (track::RejectReason): a look older
  // than one already taken (time_backwards) arrived late from its radar's process.
  std::array<std::uint64_t, static_cast<int>(track::RejectReason::count)> plots_refused{};
  // Hub: wall time from handing a local track to the hub code to having written (and recorded)
  // every release it caused, per local track that caused a release (µs).
  std::vector<double> hub_processing_us;
  // Hub: the same for every message handed to the hub code (released or not), µs.
  std::vector<double> hub_message_us;
  // Hub: wall time of each tick of its clock (the hub code's tick, its releases written and
  // queued for the recording), µs: the sum of its steps.
  std::vector<double> hub_tick_us;
  // Hub: wall time of each step of a tick (Hub::tick_step), µs. A sample arriving meanwhile
  // waits for the step, then is delivered before the next.
  std::vector<double> hub_tick_step_us;
  // Hub resumed: the recorded messages handed to it again, and the wall time that took (ms).
  std::optional<std::pair<std::uint64_t, double>> rebuilt;
};

Expected<LiveReport> run_hub(const LiveInputs& in);
Expected<LiveReport> run_node(const LiveInputs& in, Nation nation);
Expected<LiveReport> run_radar(const LiveInputs& in, const std::string& radar);

// The participant identities of a deployment and what each may do (pki_init's request): the
// hub, each nation's node, each radar (named as in the scenario).
Expected<PkiRequest> pki_request(const io::Deployment& d, const scenario::Scenario& s);

// A participant that only listens: joins `domain` as `identity` ("" for none: no security),
// reads `topic` for `seconds` (wall) and counts what it receives. `refused` says why it could
// not join or read (then received is 0). `matched_s`: when its reader first matched a writer;
// for SystemTrack, per system track, when its first sample arrived and when that sample was
// written; all in wall seconds after joining (written before the match: the writer's
// TRANSIENT_LOCAL history, what a late joiner gets at once).
struct ProbeArrival {
  double arrived_s = 0;
  double written_s = 0;
};
struct ProbeResult {
  std::uint64_t received = 0;
  std::optional<std::string> refused;
  std::optional<double> matched_s;
  std::map<std::uint64_t, ProbeArrival> system_tracks;
};
Expected<ProbeResult> probe(const io::Deployment& d, int domain, const std::string& identity,
                            Topic topic, double seconds, const std::atomic<int>* stop);

// `trilink bench live`: as JADGE on link_JPN, writes local tracks (each a new tentative track,
// far from the others, so the hub releases its system track at once and makes no launch alert
// of it) at each rate for `seconds`; as KAMD on link_KOR, reads the hub's system tracks and
// times each from the write of its first contribution to its arrival (wall, µs). The hub runs
// in its own process (or the bare relay: LiveInputs::relay) on the same clock.
struct BenchPoint {
  double rate_per_s = 0;
  std::uint64_t written = 0;
  std::uint64_t released = 0;  // of them, seen released at KAMD
  double p50_us = 0, p99_us = 0, p999_us = 0, max_us = 0;
};
Expected<std::vector<BenchPoint>> bench_live(const io::Deployment& d, const ScenarioClock& clock,
                                             const std::vector<double>& rates, double seconds,
                                             const std::atomic<int>* stop);

// The hub's throughput: as JADGE, `live_tracks` tentative tracks (each released before the
// burst, and the clock's first tick over them done), then updates of them in turn as fast as
// this one participant writes them for `seconds`, then one new track: its release at KAMD says the
// hub has taken everything before it (caught_up_s after the burst's start). How many the hub
// admitted is in its report.
struct BenchThroughput {
  std::uint64_t live_tracks = 0;
  std::uint64_t written = 0;  // every local track written (picture, updates, two new ones)
  std::uint64_t updates = 0;
  double write_s = 0;      // the burst's length
  double caught_up_s = 0;  // from the burst's start to the last track's release at KAMD
};
Expected<BenchThroughput> bench_throughput(const io::Deployment& d, const ScenarioClock& clock,
                                           std::uint64_t live_tracks, double seconds,
                                           const std::atomic<int>* stop);

// Writes one sample of `m` on `domain` as `identity` (for tests of the receivers' checks): waits
// for a matching reader, writes, and waits for every reader to acknowledge it, within `seconds`.
Expected<void> inject(const io::Deployment& d, int domain, const std::string& identity,
                      const share::Message& m, double seconds);

}  // namespace trilink::bus
