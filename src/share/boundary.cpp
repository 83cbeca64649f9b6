#include "share/boundary.hpp"

namespace trilink::share {

LocalTrack strip_sensor_identity(LocalTrack track) {
  track.header.originator.sensor.reset();
  track.sensors.clear();
  return track;
}

bool may_leave_nation(const Message& m) {
  if (std::holds_alternative<Detection>(m)) return false;
  if (header(m).originator.sensor) return false;
  if (const auto* t = std::get_if<LocalTrack>(&m); t && !t->sensors.empty()) return false;
  return true;
}

std::optional<Message> cross_boundary(Message m) {
  if (std::holds_alternative<Detection>(m)) return std::nullopt;
  if (auto* t = std::get_if<LocalTrack>(&m)) return Message{strip_sensor_identity(std::move(*t))};
  header(m).originator.sensor.reset();
  return m;
}

}  // namespace trilink::share
