#include "record/event.hpp"

namespace trilink::record {

std::string_view to_string(Direction d) {
  switch (d) {
    case Direction::sent:
      return "sent";
    case Direction::received:
      return "received";
    case Direction::lost:
      return "lost";
  }
  return "?";
}

std::optional<Direction> parse_direction(std::string_view text) {
  for (Direction d : {Direction::sent, Direction::received, Direction::lost})
    if (to_string(d) == text) return d;
  return std::nullopt;
}

}  // namespace trilink::record
