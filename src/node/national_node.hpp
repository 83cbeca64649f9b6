// A national node (DESIGN.md, "Nodes"): runs the national tracker over the nation's own radars,
// shows its own picture (local tracks, launch reports, impact predictions, alerts) on the
// nation's display, sends its local tracks to the hub with every sensor identity removed
// (share/boundary.hpp), and passes on to the display what the hub releases to it, once the
// gatekeeper has admitted it. No transport, no clock: plots, messages and ticks in, addressed
// messages out.
//
// Reporting. A confirmed track is reported at once when it is confirmed and then at most
// every `report_interval_s` (at its updates, or from the clock when its status changes); a
// coasting track, whose state is a prediction the hub can make itself, every
// `coast_report_interval_s` (a ballistic track may coast for half an hour out of coverage);
// a track that ends is reported once more with status `dropped`. Tentative tracks stay inside the
// node. Phase: boost until the burnout detector (national_tracker.hpp) says otherwise, terminal
// once below 100 km and descending, midcourse between.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "node/emitted.hpp"
#include "node/national_tracker.hpp"
#include "node/products.hpp"
#include "share/validation.hpp"
#include "warn/alerts.hpp"

namespace trilink::node {

struct NationalNodeConfig {
  Nation nation = Nation::JPN;
  std::string name;                         // "JADGE"
  std::string hub;                          // "INDOPACOM"; empty: the nation alone, nothing is sent
  std::vector<sensor::RadarParams> radars;  // sensor id = index
  geo::UtcTime epoch;                       // tracker time zero
  std::vector<warn::ProtectedArea> areas;   // what the nation's own alerts protect
  double report_interval_s = 1.0;
  double coast_report_interval_s = 10.0;  // within the hub's stale_after_s (20 s)
  double health_interval_s = 10.0;
  ProductConfig products;
  bool consider_biases = true;
};

struct NationalNodeCounters {
  std::uint64_t looks = 0;
  std::uint64_t plots = 0;
  std::uint64_t plots_rejected = 0;  // not a detection of one of the node's radars, or bad
  std::uint64_t tracks_reported = 0;
  std::uint64_t hub_admitted = 0;
  std::uint64_t hub_rejected = 0;
};

class NationalNode {
 public:
  // The policy must outlive the node.
  NationalNode(NationalNodeConfig config, const share::Policy& policy);

  // One look of one radar (all its plots, possibly none) at time t.
  Outbox on_look(std::uint32_t sensor_id, geo::UtcTime t, std::span<const share::Detection> plots);
  // A message from the hub.
  Outbox on_message(const share::Message& m);
  // The clock: coasting and ended tracks, products, alerts, health.
  Outbox tick(geo::UtcTime now);

  const NationalNodeConfig& config() const { return config_; }
  const NationalNodeCounters& counters() const { return counters_; }
  const share::Gatekeeper& gatekeeper() const { return gatekeeper_; }
  const NationalTracker& tracker() const { return tracker_; }

 private:
  struct Reported {
    double last_report_s = -1e300;
    share::LocalTrack last;
  };
  share::LocalTrack local_track(const NationalTracker::TrackT& t);
  void report(const NationalTracker::TrackT& t, double now_s, Outbox& out);
  // To the display, and (sensor identity removed) to the hub when sharing.
  void publish(const share::LocalTrack& t, Outbox& out) const;
  void stamp(share::Header& h, geo::UtcTime t);
  TrackView view(const NationalTracker::TrackT& t) const;

  NationalNodeConfig config_;
  const share::Policy& policy_;
  NationalTracker tracker_;
  BurnoutDetector burnout_;
  ProductMaker products_;
  warn::AlertManager alerts_;
  share::Gatekeeper gatekeeper_;
  std::map<std::uint64_t, Reported> reported_;
  std::uint64_t sequence_ = 0;
  std::uint64_t heartbeat_ = 0;
  std::optional<geo::UtcTime> next_health_;
  NationalNodeCounters counters_;
};

}  // namespace trilink::node
