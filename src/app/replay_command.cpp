// trilink replay: the timeline of a recording (record/recorder.hpp), from the recording alone.
// One line per event in time order (record/replay.hpp: received time, else sent time), then
// counts per type, per link and per release recipient; or, with --json, one object per line
// per event with the message in record/codec.hpp form. The hash chain of every row is checked
// first (record/replay.hpp verify()): a recording edited, with a row deleted or inserted, is
// refused with one line naming the first bad row; --verify checks only that and prints one
// line with the row counts and the chain heads. The whole file is read before anything is
// printed, so bad input leaves stdout empty. The recording is opened read-only and nothing is
// written beside it.
#include <cmath>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <variant>
#include <vector>

#include "app/commands.hpp"
#include "base/text.hpp"
#include "geo/angles.hpp"
#include "geo/frames.hpp"
#include "geo/time.hpp"
#include "record/codec.hpp"
#include "record/replay.hpp"

namespace trilink::app {
namespace {

using nlohmann::ordered_json;

// "39.25N 125.87E"
std::string lat_lon(const share::Vector3& ecef_m) {
  const geo::Geodetic g = geo::to_geodetic(geo::Ecef{ecef_m});
  return fixed(std::abs(g.lat_deg()), 2) + (g.lat_deg() < 0 ? "S " : "N ") +
         fixed(std::abs(g.lon_deg()), 2) + (g.lon_deg() < 0 ? "W" : "E");
}

std::string altitude_km(const share::Vector3& ecef_m) {
  return fixed(geo::to_geodetic(geo::Ecef{ecef_m}).h_m / 1e3, 1) + " km";
}

std::string summary(const share::Detection& d) {
  return "sensor " + std::to_string(d.sensor_id) + ", range " + fixed(d.range_m / 1e3, 1) +
         " km, az " + fixed(geo::rad_to_deg(d.az_rad), 2) + " deg, el " +
         fixed(geo::rad_to_deg(d.el_rad), 2) + " deg";
}

std::string summary(const share::LocalTrack& t) {
  return "track " + std::to_string(t.track_id) + " " + std::string(share::to_string(t.status)) +
         " " + std::string(share::to_string(t.phase)) + ", alt " + altitude_km(t.position_ecef_m) +
         ", " + std::to_string(t.sensors.size()) + " sensors";
}

std::string summary(const share::SystemTrack& t) {
  std::string from;
  for (const auto& c : t.contributions)
    from += (from.empty() ? "" : " ") + std::string(to_string(c.nation)) + ":" +
            std::to_string(c.track_id);
  return "system track " + std::to_string(t.system_track_id) + " " +
         std::string(share::to_string(t.status)) + " " + std::string(share::to_string(t.phase)) +
         ", alt " + altitude_km(t.position_ecef_m) +
         (from.empty() ? std::string() : ", from " + from);
}

std::string summary(const share::LaunchReport& r) {
  return "system track " + std::to_string(r.system_track_id) + " launched from " +
         lat_lon(r.launch_point_ecef_m) + " at " + geo::format_utc(r.launch_time) + " (+/- " +
         fixed(r.launch_time_sigma_s, 1) + " s)";
}

std::string summary(const share::ImpactPrediction& p) {
  return "system track " + std::to_string(p.system_track_id) + " impact at " +
         lat_lon(p.impact_point_ecef_m) + ", ellipse " + fixed(p.semi_major_m / 1e3, 1) + " x " +
         fixed(p.semi_minor_m / 1e3, 1) + " km, at " + geo::format_utc(p.time_of_impact);
}

std::string summary(const share::Alert& a) {
  std::string areas;
  for (const auto& name : a.areas) areas += (areas.empty() ? "" : ", ") + name;
  return "alert " + std::to_string(a.alert_id) + " " + std::string(share::to_string(a.level)) +
         " for system track " + std::to_string(a.system_track_id) + ", areas [" + areas + "]" +
         (a.time_to_impact_s ? ", impact in " + fixed(*a.time_to_impact_s, 0) + " s" : "");
}

std::string summary(const share::NodeHealth& h) {
  std::string links;
  for (const auto& l : h.links)
    links +=
        (links.empty() ? "" : ", ") + l.peer_node + " " + std::string(share::to_string(l.status));
  return "heartbeat " + std::to_string(h.heartbeat) + ", radars " +
         std::to_string(h.radars_operating) + "/" + std::to_string(h.radars_total) + ", " +
         std::to_string(h.links.size()) + " links" + (links.empty() ? "" : " (" + links + ")");
}

std::string timeline_line(const record::LinkEvent& e, geo::UtcTime first) {
  const share::Header& h = share::header(e.message);
  const std::string summary_text = std::visit([](const auto& m) { return summary(m); }, e.message);
  return geo::format_utc(e.time()) + "  +" + fixed(e.time().seconds_since(first), 3) + " s  " +
         e.link + "  " + std::string(record::to_string(e.direction)) + "  " +
         std::string(to_string(h.originator.nation)) + "/" + h.originator.node + "  " +
         std::string(share::to_string(share::type_of(e.message))) + "  #" +
         std::to_string(h.sequence) + "  [" + share::to_string(h.releasability) + "]  " +
         summary_text;
}

ordered_json event_json(const record::RecordedEvent& r, geo::UtcTime first) {
  const record::LinkEvent& e = r.event;
  ordered_json j;
  j["id"] = r.id;
  j["time_utc"] = geo::format_utc(e.time());
  j["t_s"] = e.time().seconds_since(first);
  j["link"] = e.link;
  j["direction"] = record::to_string(e.direction);
  j["sent_ns"] = e.sent.ns;
  j["received_ns"] = e.received ? ordered_json(e.received->ns) : ordered_json();
  j["message"] = record::to_json(e.message);
  return j;
}

void print_summary(std::ostream& os, const std::vector<record::RecordedEvent>& events,
                   const std::vector<record::RecordedRelease>& releases) {
  if (events.empty()) {
    os << "0 events\n";
  } else {
    const geo::UtcTime first = events.front().event.time();
    const geo::UtcTime last = events.back().event.time();
    os << events.size() << " events from " << geo::format_utc(first) << " to "
       << geo::format_utc(last) << " (" << fixed(last.seconds_since(first), 3) << " s)\n";
    std::map<share::MessageType, std::size_t> by_type;
    std::map<std::string, std::size_t> by_link;
    for (const auto& r : events) {
      ++by_type[share::type_of(r.event.message)];
      ++by_link[r.event.link];
    }
    os << "by type:\n";
    for (const auto& [type, n] : by_type) os << "  " << share::to_string(type) << " " << n << "\n";
    os << "by link:\n";
    for (const auto& [link, n] : by_link) os << "  " << link << " " << n << "\n";
  }
  if (releases.empty()) return;
  std::map<Nation, std::size_t> by_recipient;
  for (const auto& r : releases) ++by_recipient[r.release.recipient];
  os << releases.size() << " releases by recipient:\n";
  for (const auto& [nation, n] : by_recipient) os << "  " << to_string(nation) << " " << n << "\n";
}

}  // namespace

void add_replay_command(CLI::App& app, int& exit_code) {
  struct Options {
    std::string recording;
    bool json = false;
    bool verify = false;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("replay", "print the timeline of a recording");
  cmd->add_option("recording", o->recording, "recording (SQLite file written by the hub)")
      ->required();
  cmd->add_flag("--json", o->json, "one JSON object per line per event");
  cmd->add_flag("--verify", o->verify,
                "only check the hash chain of every row; one line: intact, or the first bad row");
  cmd->callback([o, &exit_code] {
    const auto bad = [&](const Error& e) {
      std::string text = e.message();
      for (char& c : text)
        if (c == '\n' || c == '\r') c = ' ';
      std::cerr << "trilink replay: " << text << "\n";
      exit_code = 2;
    };
    // verify() checks the schema before any row is read; a missing file fails there too.
    const auto chain = record::verify(o->recording);
    if (!chain) return bad(chain.error());
    if (o->verify) {
      std::cout << o->recording << ": intact: " << chain->messages << " messages, "
                << chain->releases << " releases; chain heads: messages "
                << record::chain::to_hex(chain->messages_head) << ", releases "
                << record::chain::to_hex(chain->releases_head) << "\n";
      return;
    }
    auto events = record::read_all(o->recording);
    if (!events) return bad(events.error());
    auto releases = record::read_releases(o->recording);
    if (!releases) return bad(releases.error());
    const geo::UtcTime first = events->empty() ? geo::UtcTime{} : events->front().event.time();
    if (o->json) {
      for (const auto& r : *events) std::cout << event_json(r, first).dump() << "\n";
      return;
    }
    for (const auto& r : *events) std::cout << timeline_line(r.event, first) << "\n";
    std::cout << "\n";
    print_summary(std::cout, *events, *releases);
  });
}

}  // namespace trilink::app
