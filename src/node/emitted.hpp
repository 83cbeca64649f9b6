// What a node's step returns: messages addressed to peers by node name. A node never sends
// anything itself: the runtime (exercise/ or bus/) carries each message over its link.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "share/messages.hpp"
#include "share/policy.hpp"

namespace trilink::node {

// The peer name of a nation's own picture (its COP display, same site as its node).
inline constexpr const char* display_peer = "display";

struct Emitted {
  std::string to;  // peer node name, or display_peer
  share::Message message;
  std::optional<share::ReleaseRecord> release;  // set on the hub's releases to a nation
};

using Outbox = std::vector<Emitted>;

}  // namespace trilink::node
