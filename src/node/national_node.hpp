// A national node (DESIGN.md, "Nodes"): runs the national tracker over the nation's own radars,
// shows its own picture (local tracks, launch reports, impact predictions, alerts) on the
// nation's display, sends its local tracks (and health) to the hub with every sensor identity
// removed (share/boundary.hpp) when the policy shares them, and passes on to the display what
// the hub releases to it, once its own gatekeeper (share/validation.hpp: bound to the hub's
// link) has admitted it. No transport, no clock: plots, messages and ticks in, addressed
// messages out.
//
// The tracking, burnout, reporting rules and products are the national pipeline's
// (national_pipeline.hpp); the node stamps what it makes, sends it, and raises the nation's
// own alerts.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "node/emitted.hpp"
#include "node/national_pipeline.hpp"
#include "node/space_tracker.hpp"
#include "share/validation.hpp"
#include "warn/alerts.hpp"

namespace trilink::node {

struct NationalNodeConfig {
  Nation nation = Nation::JPN;
  std::string name;                         // "JADGE"
  std::string hub;                          // "INDOPACOM"; empty: the nation alone, nothing is sent
  std::vector<sensor::RadarParams> radars;  // sensor id = index
  geo::UtcTime epoch;                       // tracker time zero
  geo::UtcTime session_start;               // when the node's session began (in every header)
  std::vector<warn::ProtectedArea> areas;   // what the nation's own alerts protect
  double report_interval_s = 1.0;
  double coast_report_interval_s = 10.0;  // within the hub's stale_after_s (20 s)
  double health_interval_s = 10.0;
  ProductConfig products;
  bool consider_biases = true;
  share::GateLimits gate;  // the gatekeeper's limits on what the hub sends
  // Space-based infrared satellites of the nation (sensor id = index; docs/sensors.md): their
  // plots make boost tracks (space_tracker.hpp) numbered from space_track_id_base, reported
  // and shared like the radar tracks, with a launch report of their own.
  std::vector<sensor::IrSatelliteParams> satellites;
  SpaceTrackerConfig space;
  // A space track is "held" once a confirmed radar track of the node lies within
  // space_held_gate_m of it (the space track carried to the radar track's time on its
  // velocity): from then on the nation's own alerts follow the radar track alone. With
  // space_handover it is also handed over (reported dropped, no longer sent to the hub), and a
  // radar track that holds one is sent only after it (docs/sensors.md, session 10).
  double space_held_gate_m = 20e3;
  bool space_handover = true;
};

// Local track numbers of the space tracks (the national tracker's count from 1).
inline constexpr std::uint64_t space_track_id_base = 1'000'000'000;

struct NationalNodeCounters {
  std::uint64_t looks = 0;
  std::uint64_t plots = 0;
  std::uint64_t plots_rejected = 0;  // not a detection of one of the node's radars, or bad
  std::uint64_t tracks_reported = 0;
  std::uint64_t hub_admitted = 0;
  std::uint64_t hub_rejected = 0;
  std::array<std::uint64_t, share::rejection_count> hub_rejected_by_reason{};
  std::uint64_t ir_frames = 0;
  std::uint64_t ir_plots_rejected = 0;  // of no satellite of the node's, or of another time
  std::uint64_t space_tracks_reported = 0;
  SpaceTrackerCounters space;
};

class NationalNode {
 public:
  // The policy must outlive the node.
  NationalNode(NationalNodeConfig config, const share::Policy& policy);

  // One look of one radar (all its plots, possibly none) at time t.
  Outbox on_look(std::uint32_t sensor_id, geo::UtcTime t, std::span<const share::Detection> plots);
  // One frame of infrared satellite `satellite_id` (all its plots, possibly none) at time t.
  Outbox on_ir_frame(std::uint32_t satellite_id, geo::UtcTime t,
                     std::span<const sensor::IrPlot> plots);
  // A message from the node at the other end of a link (`from`; the hub's is the only one),
  // received at `received`.
  Outbox on_message(const share::Message& m, std::string_view from, geo::UtcTime received);
  // The clock: coasting and ended tracks, products, alerts, health (every health_interval_s).
  Outbox tick(geo::UtcTime now);
  // The node's health to the hub now (nothing when it has no hub or the policy does not share
  // health): the live runtime's heartbeat on the link, every heartbeat_s of the wall, so that
  // the hub sees a silent node by its missed deadline.
  Outbox health(geo::UtcTime now);
  // The state of the link to the hub as the transport sees it (the live runtime: the hub's
  // heartbeats missing their deadline), reported in the node's own health from then on.
  void set_hub_link(share::LinkStatus s) { hub_link_ = s; }

  const NationalNodeConfig& config() const { return config_; }
  const NationalNodeCounters& counters() const { return counters_; }
  const share::Gatekeeper& gatekeeper() const { return gatekeeper_; }
  const NationalTracker& tracker() const { return pipeline_.tracker(); }

 private:
  // Stamped (originator, sequence), to the display, and (sensor identity removed) to the hub
  // when sharing.
  void publish(share::LocalTrack t, Outbox& out);
  // Every live space track that a confirmed radar track at position_m (ECEF, m) at t holds is
  // held, and with space_handover handed over (reported dropped).
  void hold_space_tracks(const track::Vec3& position_m, geo::UtcTime t, Outbox& out);
  // Originator and sequence number; the time of validity is the message's own.
  void stamp(share::Header& h);
  // A space track's report as the nation's local track (boost phase), with this status.
  share::LocalTrack space_track(const SpaceTrackReport& r, share::TrackStatus status) const;

  NationalNodeConfig config_;
  const share::Policy& policy_;
  NationalPipeline pipeline_;
  warn::AlertManager alerts_;
  share::Gatekeeper gatekeeper_;
  std::uint64_t sequence_ = 0;
  std::uint64_t heartbeat_ = 0;
  share::LinkStatus hub_link_ = share::LinkStatus::up;
  std::optional<geo::UtcTime> next_health_;
  NationalNodeCounters counters_;
  SpaceTracker space_;
  ProductMaker space_products_;
  // The last report of each live confirmed space track (its situation joins the alerts').
  std::map<std::uint64_t, SpaceTrackReport> space_live_;
  std::map<std::uint64_t, geo::UtcTime> space_launch_reported_;
  std::set<std::uint64_t> space_held_;  // held by a radar track (see space_held_gate_m)
};

}  // namespace trilink::node
