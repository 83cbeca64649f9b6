#include "share/messages.hpp"

namespace trilink::share {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string to_string(Releasability r) {
  std::string s;
  for (Nation n : all_nations) {
    if (!r.contains(n)) continue;
    if (!s.empty()) s += '|';
    s += to_string(n);
  }
  return s.empty() ? "none" : s;
}

std::optional<Releasability> parse_releasability(std::string_view text) {
  text = trim(text);
  if (text == "none") return Releasability{};
  if (text.empty()) return std::nullopt;
  Releasability r;
  while (true) {
    const auto bar = text.find('|');
    const auto item = trim(text.substr(0, bar));
    const auto n = parse_nation(item);
    if (!n || r.contains(*n)) return std::nullopt;
    r = r.with(*n);
    if (bar == std::string_view::npos) return r;
    text.remove_prefix(bar + 1);
  }
}

MessageType type_of(const Message& m) {
  return static_cast<MessageType>(m.index());
}

std::string_view to_string(MessageType t) {
  switch (t) {
    case MessageType::detection:
      return "detection";
    case MessageType::local_track:
      return "local_track";
    case MessageType::system_track:
      return "system_track";
    case MessageType::launch_report:
      return "launch_report";
    case MessageType::impact_prediction:
      return "impact_prediction";
    case MessageType::alert:
      return "alert";
    case MessageType::node_health:
      return "node_health";
  }
  return "?";
}

std::optional<MessageType> parse_message_type(std::string_view text) {
  for (MessageType t : all_message_types)
    if (to_string(t) == text) return t;
  return std::nullopt;
}

std::string_view to_string(FlightPhase p) {
  switch (p) {
    case FlightPhase::boost:
      return "boost";
    case FlightPhase::midcourse:
      return "midcourse";
    case FlightPhase::terminal:
      return "terminal";
  }
  return "?";
}

std::string_view to_string(AlertLevel a) {
  switch (a) {
    case AlertLevel::launch_detected:
      return "launch_detected";
    case AlertLevel::threat:
      return "threat";
    case AlertLevel::update:
      return "update";
    case AlertLevel::passed:
      return "passed";
    case AlertLevel::fell:
      return "fell";
    case AlertLevel::all_clear:
      return "all_clear";
  }
  return "?";
}

std::string_view to_string(LinkStatus s) {
  switch (s) {
    case LinkStatus::up:
      return "up";
    case LinkStatus::degraded:
      return "degraded";
    case LinkStatus::down:
      return "down";
  }
  return "?";
}

const Header& header(const Message& m) {
  return std::visit([](const auto& x) -> const Header& { return x.header; }, m);
}

Header& header(Message& m) {
  return std::visit([](auto& x) -> Header& { return x.header; }, m);
}

}  // namespace trilink::share
