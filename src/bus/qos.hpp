// The QoS profiles of the live runtime, defined once (docs/live.md, "QoS"). Writers and readers
// of a topic use the same profile, so they always match.
//  - state (local tracks, system tracks, launch reports, impact predictions): reliable,
//    KEEP_LAST 1 per instance (key: the track), TRANSIENT_LOCAL with a durability-service
//    history of 1 per instance (what a late joiner gets: the current picture; Cyclone replays
//    the durability-service depth, not the history depth), automatic liveliness with the lease;
//  - events (alerts, radar looks): reliable, KEEP_ALL (every sample kept); alerts also
//    TRANSIENT_LOCAL with a KEEP_ALL durability service, so a late or restarted node gets every
//    alert; radar looks are volatile (old plots are of no use to a tracker);
//  - health (node health): the state profile with a deadline, so a silent node or radar shows
//    as a missed deadline.
// Every profile ignores the participant's own samples (a node that writes and reads node health
// on one link does not hear itself).
#pragma once

#include "bus/dds.hpp"

namespace trilink::bus {

enum class Profile : std::uint8_t { state, alerts, looks, health };

struct QosSettings {
  double lease_s = 10.0;     // automatic liveliness: a participant silent this long is gone
  double deadline_s = 30.0;  // node health: at most this long between two heartbeats
  double max_blocking_s = 1.0;
};

Qos make_qos(Profile p, const QosSettings& s);

}  // namespace trilink::bus
