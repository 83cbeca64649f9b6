// What the recorder stores: one message on one link, with its times. The event's time, which
// orders the replay, is `received` when the message arrived and `sent` otherwise.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "geo/time.hpp"
#include "share/messages.hpp"

namespace trilink::record {

// sent: written by the recording node to the link; received: read by it from the link (both
// times known); lost: sent but never delivered (simulated links).
enum class Direction : std::uint8_t { sent, received, lost };

std::string_view to_string(Direction d);
std::optional<Direction> parse_direction(std::string_view text);

struct LinkEvent {
  std::string link;  // "<from node>><to node>", e.g. "JADGE>INDOPACOM"
  Direction direction = Direction::sent;
  geo::UtcTime sent;
  std::optional<geo::UtcTime> received;
  share::Message message;

  geo::UtcTime time() const { return received.value_or(sent); }
};

}  // namespace trilink::record
