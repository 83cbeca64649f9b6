// The national boundary (DESIGN.md, "Message model"): sensor identity, type and location stay
// inside the nation. A local track leaves its national node with the nation (and node) as its
// only source; detections never leave. The national node passes every outgoing message
// through `cross_boundary`; the hub's Gatekeeper rejects anything that still names a sensor.
#pragma once

#include <optional>

#include "share/messages.hpp"

namespace trilink::share {

// The outgoing form of a national track: originator without sensor, no contributing sensors.
LocalTrack strip_sensor_identity(LocalTrack track);

// True when `m` names no sensor and is of a type that may leave its nation at all
// (everything except Detection).
bool may_leave_nation(const Message& m);

// What leaves the nation for `m`: nullopt for a detection, otherwise the message with every
// sensor identity removed (so that may_leave_nation holds for the result).
std::optional<Message> cross_boundary(Message m);

}  // namespace trilink::share
