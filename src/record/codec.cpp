#include "record/codec.hpp"

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <utility>

namespace trilink::record {
namespace {

using json = nlohmann::ordered_json;
using namespace share;

inline constexpr std::array<TrackStatus, 4> all_statuses{
    TrackStatus::tentative, TrackStatus::confirmed, TrackStatus::coasting, TrackStatus::dropped};
inline constexpr std::array<FlightPhase, 3> all_phases{FlightPhase::boost, FlightPhase::midcourse,
                                                       FlightPhase::terminal};
inline constexpr std::array<AlertLevel, 6> all_levels{
    AlertLevel::launch_detected, AlertLevel::threat, AlertLevel::update,
    AlertLevel::passed,          AlertLevel::fell,   AlertLevel::all_clear};
inline constexpr std::array<LinkStatus, 3> all_link_statuses{LinkStatus::up, LinkStatus::degraded,
                                                             LinkStatus::down};

// ---------------------------------------------------------------- encoding

json number(double x) {
  if (std::isnan(x)) return "NaN";
  if (std::isinf(x)) return x > 0 ? "Infinity" : "-Infinity";
  return x;
}

json optional_number(const std::optional<double>& x) {
  return x ? number(*x) : json(nullptr);
}

template <typename Derived>
json matrix(const Eigen::MatrixBase<Derived>& m) {
  json rows = json::array();
  for (Eigen::Index r = 0; r < m.rows(); ++r) {
    json row = json::array();
    for (Eigen::Index c = 0; c < m.cols(); ++c) row.push_back(number(m(r, c)));
    rows.push_back(std::move(row));
  }
  return rows;
}

json vector3(const Vector3& v) {
  return json::array({number(v.x()), number(v.y()), number(v.z())});
}

json header_json(const Header& h) {
  json o;
  o["schema_version"] = h.schema_version;
  json org;
  org["nation"] = to_string(h.originator.nation);
  org["node"] = h.originator.node;
  org["sensor"] = h.originator.sensor ? json(*h.originator.sensor) : json(nullptr);
  o["originator"] = std::move(org);
  o["session_start_ns"] = h.session_start.ns;
  o["sequence"] = h.sequence;
  o["time_of_validity_ns"] = h.time_of_validity.ns;
  o["releasability"] = to_string(h.releasability);
  return o;
}

void fields(json& o, const Detection& d) {
  o["sensor_id"] = d.sensor_id;
  o["range_m"] = number(d.range_m);
  o["az_rad"] = number(d.az_rad);
  o["el_rad"] = number(d.el_rad);
  o["range_rate_mps"] = optional_number(d.range_rate_mps);
  o["sigma_range_m"] = number(d.sigma_range_m);
  o["sigma_az_rad"] = number(d.sigma_az_rad);
  o["sigma_el_rad"] = number(d.sigma_el_rad);
  o["sigma_range_rate_mps"] = optional_number(d.sigma_range_rate_mps);
}

void fields(json& o, const LocalTrack& t) {
  o["track_id"] = t.track_id;
  o["position_ecef_m"] = vector3(t.position_ecef_m);
  o["velocity_ecef_mps"] = vector3(t.velocity_ecef_mps);
  o["acceleration_ecef_mps2"] =
      t.acceleration_ecef_mps2 ? vector3(*t.acceleration_ecef_mps2) : json(nullptr);
  o["covariance"] = matrix(t.covariance);
  o["status"] = to_string(t.status);
  o["phase"] = to_string(t.phase);
  json sensors = json::array();
  for (const SensorInfo& s : t.sensors) {
    json e;
    e["sensor_id"] = s.sensor_id;
    e["type"] = s.type;
    e["position_ecef_m"] = vector3(s.position_ecef_m);
    sensors.push_back(std::move(e));
  }
  o["sensors"] = std::move(sensors);
}

void fields(json& o, const SystemTrack& t) {
  o["system_track_id"] = t.system_track_id;
  o["position_ecef_m"] = vector3(t.position_ecef_m);
  o["velocity_ecef_mps"] = vector3(t.velocity_ecef_mps);
  o["covariance"] = matrix(t.covariance);
  o["status"] = to_string(t.status);
  o["phase"] = to_string(t.phase);
  json contributions = json::array();
  for (const Contribution& c : t.contributions) {
    json e;
    e["nation"] = to_string(c.nation);
    e["track_id"] = c.track_id;
    contributions.push_back(std::move(e));
  }
  o["contributions"] = std::move(contributions);
}

void fields(json& o, const LaunchReport& r) {
  o["system_track_id"] = r.system_track_id;
  o["launch_point_ecef_m"] = vector3(r.launch_point_ecef_m);
  o["launch_point_covariance_m2"] = matrix(r.launch_point_covariance_m2);
  o["launch_time_ns"] = r.launch_time.ns;
  o["launch_time_sigma_s"] = number(r.launch_time_sigma_s);
}

void fields(json& o, const ImpactPrediction& p) {
  o["system_track_id"] = p.system_track_id;
  o["impact_point_ecef_m"] = vector3(p.impact_point_ecef_m);
  o["semi_major_m"] = number(p.semi_major_m);
  o["semi_minor_m"] = number(p.semi_minor_m);
  o["major_axis_azimuth_rad"] = number(p.major_axis_azimuth_rad);
  o["time_of_impact_ns"] = p.time_of_impact.ns;
}

void fields(json& o, const Alert& a) {
  o["alert_id"] = a.alert_id;
  o["system_track_id"] = a.system_track_id;
  o["level"] = to_string(a.level);
  o["areas"] = a.areas;
  o["time_to_impact_s"] = optional_number(a.time_to_impact_s);
  o["text"] = a.text;
}

void fields(json& o, const NodeHealth& h) {
  o["heartbeat"] = h.heartbeat;
  o["radars_operating"] = h.radars_operating;
  o["radars_total"] = h.radars_total;
  json links = json::array();
  for (const LinkState& l : h.links) {
    json e;
    e["peer_node"] = l.peer_node;
    e["status"] = to_string(l.status);
    links.push_back(std::move(e));
  }
  o["links"] = std::move(links);
}

// ---------------------------------------------------------------- decoding

// Thrown inside the decoder only, turned into an Error by from_json.
struct Bad {
  std::string where;
  std::string what;
};

std::string index_path(const std::string& path, std::size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

// The fields of one JSON object: each read marks its key, finish() refuses the others.
class Fields {
 public:
  Fields(const json& j, std::string path) : j_(j), path_(std::move(path)) {
    if (!j.is_object()) throw Bad{path_, std::string("expected an object, got ") + j.type_name()};
  }
  std::string path(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  }
  const json& at(std::string_view key) {
    const std::string k(key);
    used_.push_back(k);
    const auto it = j_.find(k);
    if (it == j_.end()) throw Bad{path(key), "missing"};
    return *it;
  }
  // Field `key` read by `read(json, path)`.
  template <typename Read>
  auto get(std::string_view key, Read read) {
    return read(at(key), path(key));
  }
  void finish() const {
    for (const auto& item : j_.items()) {
      bool known = false;
      for (const std::string& u : used_) known = known || u == item.key();
      if (!known) throw Bad{path(item.key()), "unknown field"};
    }
  }

 private:
  const json& j_;
  std::string path_;
  std::vector<std::string> used_;
};

double as_double(const json& j, const std::string& path) {
  if (j.is_number()) return j.get<double>();
  if (j.is_string()) {
    const auto& s = j.get_ref<const std::string&>();
    if (s == "NaN") return std::numeric_limits<double>::quiet_NaN();
    if (s == "Infinity") return std::numeric_limits<double>::infinity();
    if (s == "-Infinity") return -std::numeric_limits<double>::infinity();
  }
  throw Bad{path, std::string("expected a number, got ") + j.dump()};
}

template <typename Int>
Int as_integer(const json& j, const std::string& path) {
  if (!j.is_number_integer()) throw Bad{path, std::string("expected an integer, got ") + j.dump()};
  if (j.is_number_unsigned()) {
    const auto u = j.get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(std::numeric_limits<Int>::max()))
      throw Bad{path, "out of range, got " + j.dump()};
    return static_cast<Int>(u);
  }
  const auto i = j.get<std::int64_t>();
  if constexpr (std::is_unsigned_v<Int>) {
    if (i < 0) throw Bad{path, "must not be negative, got " + j.dump()};
    if (static_cast<std::uint64_t>(i) > std::numeric_limits<Int>::max())
      throw Bad{path, "out of range, got " + j.dump()};
  }
  return static_cast<Int>(i);
}

const std::string& as_string(const json& j, const std::string& path) {
  if (!j.is_string()) throw Bad{path, std::string("expected a string, got ") + j.dump()};
  return j.get_ref<const std::string&>();
}

template <typename E, std::size_t N>
E as_enum(const json& j, const std::string& path, const std::array<E, N>& all) {
  const std::string& s = as_string(j, path);
  for (E e : all)
    if (to_string(e) == s) return e;
  throw Bad{path, "unknown value \"" + s + "\""};
}

Nation as_nation(const json& j, const std::string& path) {
  const auto n = parse_nation(as_string(j, path));
  if (!n) throw Bad{path, "unknown nation " + j.dump()};
  return *n;
}

const json& as_array(const json& j, const std::string& path) {
  if (!j.is_array()) throw Bad{path, std::string("expected an array, got ") + j.type_name()};
  return j;
}

template <int Rows, int Cols>
Eigen::Matrix<double, Rows, Cols> as_matrix(const json& j, const std::string& path) {
  as_array(j, path);
  if (j.size() != Rows) throw Bad{path, "expected " + std::to_string(Rows) + " rows"};
  Eigen::Matrix<double, Rows, Cols> m;
  for (int r = 0; r < Rows; ++r) {
    const std::string row_path = index_path(path, static_cast<std::size_t>(r));
    const json& row = as_array(j[static_cast<std::size_t>(r)], row_path);
    if (row.size() != Cols) throw Bad{row_path, "expected " + std::to_string(Cols) + " columns"};
    for (int c = 0; c < Cols; ++c)
      m(r, c) = as_double(row[static_cast<std::size_t>(c)],
                          index_path(row_path, static_cast<std::size_t>(c)));
  }
  return m;
}

Vector3 as_vector3(const json& j, const std::string& path) {
  as_array(j, path);
  if (j.size() != 3) throw Bad{path, "expected 3 numbers, got " + std::to_string(j.size())};
  return Vector3(as_double(j[0], index_path(path, 0)), as_double(j[1], index_path(path, 1)),
                 as_double(j[2], index_path(path, 2)));
}

std::optional<double> as_optional_double(const json& j, const std::string& path) {
  if (j.is_null()) return std::nullopt;
  return as_double(j, path);
}

Header read_header(const json& j, const std::string& path) {
  Fields f(j, path);
  Header h;
  h.schema_version = f.get("schema_version", as_integer<std::uint16_t>);
  {
    Fields o(f.at("originator"), f.path("originator"));
    h.originator.nation = o.get("nation", as_nation);
    h.originator.node = o.get("node", as_string);
    const json& sensor = o.at("sensor");
    if (!sensor.is_null())
      h.originator.sensor = as_integer<std::uint32_t>(sensor, o.path("sensor"));
    o.finish();
  }
  h.session_start.ns = f.get("session_start_ns", as_integer<std::int64_t>);
  h.sequence = f.get("sequence", as_integer<std::uint64_t>);
  h.time_of_validity.ns = f.get("time_of_validity_ns", as_integer<std::int64_t>);
  const std::string& label = f.get("releasability", as_string);
  const auto r = parse_releasability(label);
  if (!r) throw Bad{f.path("releasability"), "not a releasability set: \"" + label + "\""};
  h.releasability = *r;
  f.finish();
  return h;
}

void read(Fields& f, Detection& d) {
  d.sensor_id = f.get("sensor_id", as_integer<std::uint32_t>);
  d.range_m = f.get("range_m", as_double);
  d.az_rad = f.get("az_rad", as_double);
  d.el_rad = f.get("el_rad", as_double);
  d.range_rate_mps = f.get("range_rate_mps", as_optional_double);
  d.sigma_range_m = f.get("sigma_range_m", as_double);
  d.sigma_az_rad = f.get("sigma_az_rad", as_double);
  d.sigma_el_rad = f.get("sigma_el_rad", as_double);
  d.sigma_range_rate_mps = f.get("sigma_range_rate_mps", as_optional_double);
}

void read(Fields& f, LocalTrack& t) {
  t.track_id = f.get("track_id", as_integer<std::uint64_t>);
  t.position_ecef_m = f.get("position_ecef_m", as_vector3);
  t.velocity_ecef_mps = f.get("velocity_ecef_mps", as_vector3);
  const json& acc = f.at("acceleration_ecef_mps2");
  if (!acc.is_null()) t.acceleration_ecef_mps2 = as_vector3(acc, f.path("acceleration_ecef_mps2"));
  t.covariance = f.get("covariance", as_matrix<6, 6>);
  t.status = as_enum(f.at("status"), f.path("status"), all_statuses);
  t.phase = as_enum(f.at("phase"), f.path("phase"), all_phases);
  const std::string path = f.path("sensors");
  const json& sensors = as_array(f.at("sensors"), path);
  for (std::size_t i = 0; i < sensors.size(); ++i) {
    Fields s(sensors[i], index_path(path, i));
    SensorInfo info;
    info.sensor_id = s.get("sensor_id", as_integer<std::uint32_t>);
    info.type = s.get("type", as_string);
    info.position_ecef_m = s.get("position_ecef_m", as_vector3);
    s.finish();
    t.sensors.push_back(std::move(info));
  }
}

void read(Fields& f, SystemTrack& t) {
  t.system_track_id = f.get("system_track_id", as_integer<std::uint64_t>);
  t.position_ecef_m = f.get("position_ecef_m", as_vector3);
  t.velocity_ecef_mps = f.get("velocity_ecef_mps", as_vector3);
  t.covariance = f.get("covariance", as_matrix<6, 6>);
  t.status = as_enum(f.at("status"), f.path("status"), all_statuses);
  t.phase = as_enum(f.at("phase"), f.path("phase"), all_phases);
  const std::string path = f.path("contributions");
  const json& contributions = as_array(f.at("contributions"), path);
  for (std::size_t i = 0; i < contributions.size(); ++i) {
    Fields c(contributions[i], index_path(path, i));
    Contribution k;
    k.nation = c.get("nation", as_nation);
    k.track_id = c.get("track_id", as_integer<std::uint64_t>);
    c.finish();
    t.contributions.push_back(k);
  }
}

void read(Fields& f, LaunchReport& r) {
  r.system_track_id = f.get("system_track_id", as_integer<std::uint64_t>);
  r.launch_point_ecef_m = f.get("launch_point_ecef_m", as_vector3);
  r.launch_point_covariance_m2 = f.get("launch_point_covariance_m2", as_matrix<3, 3>);
  r.launch_time.ns = f.get("launch_time_ns", as_integer<std::int64_t>);
  r.launch_time_sigma_s = f.get("launch_time_sigma_s", as_double);
}

void read(Fields& f, ImpactPrediction& p) {
  p.system_track_id = f.get("system_track_id", as_integer<std::uint64_t>);
  p.impact_point_ecef_m = f.get("impact_point_ecef_m", as_vector3);
  p.semi_major_m = f.get("semi_major_m", as_double);
  p.semi_minor_m = f.get("semi_minor_m", as_double);
  p.major_axis_azimuth_rad = f.get("major_axis_azimuth_rad", as_double);
  p.time_of_impact.ns = f.get("time_of_impact_ns", as_integer<std::int64_t>);
}

void read(Fields& f, Alert& a) {
  a.alert_id = f.get("alert_id", as_integer<std::uint64_t>);
  a.system_track_id = f.get("system_track_id", as_integer<std::uint64_t>);
  a.level = as_enum(f.at("level"), f.path("level"), all_levels);
  const std::string path = f.path("areas");
  const json& areas = as_array(f.at("areas"), path);
  for (std::size_t i = 0; i < areas.size(); ++i)
    a.areas.push_back(as_string(areas[i], index_path(path, i)));
  a.time_to_impact_s = f.get("time_to_impact_s", as_optional_double);
  a.text = f.get("text", as_string);
}

void read(Fields& f, NodeHealth& h) {
  h.heartbeat = f.get("heartbeat", as_integer<std::uint64_t>);
  h.radars_operating = f.get("radars_operating", as_integer<std::uint32_t>);
  h.radars_total = f.get("radars_total", as_integer<std::uint32_t>);
  const std::string path = f.path("links");
  const json& links = as_array(f.at("links"), path);
  for (std::size_t i = 0; i < links.size(); ++i) {
    Fields l(links[i], index_path(path, i));
    LinkState s;
    s.peer_node = l.get("peer_node", as_string);
    s.status = as_enum(l.at("status"), l.path("status"), all_link_statuses);
    l.finish();
    h.links.push_back(std::move(s));
  }
}

// The alternative of Message with index I, default-constructed, if its type name is `name`.
template <std::size_t I = 0>
std::optional<Message> make(MessageType t) {
  if constexpr (I == std::variant_size_v<Message>) {
    return std::nullopt;
  } else {
    if (static_cast<std::size_t>(t) == I) return Message(std::in_place_index<I>);
    return make<I + 1>(t);
  }
}

}  // namespace

nlohmann::ordered_json to_json(const Message& m) {
  json o;
  o["type"] = to_string(type_of(m));
  o["header"] = header_json(header(m));
  std::visit([&o](const auto& msg) { fields(o, msg); }, m);
  return o;
}

std::string encode(const Message& m) {
  return to_json(m).dump();
}

Expected<Message> from_json(const nlohmann::ordered_json& j) {
  try {
    Fields top(j, "");
    const std::string& type_name = as_string(top.at("type"), "type");
    const auto type = parse_message_type(type_name);
    if (!type) throw Bad{"type", "unknown message type \"" + type_name + "\""};
    Message m = *make(*type);
    Fields f(j, type_name);
    f.at("type");
    header(m) = read_header(f.at("header"), f.path("header"));
    std::visit([&f](auto& msg) { read(f, msg); }, m);
    f.finish();
    return m;
  } catch (const Bad& bad) {
    return fail(bad.where, bad.what);
  }
}

Expected<Message> decode(std::string_view text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return fail("payload", "not valid JSON");
  return from_json(j);
}

}  // namespace trilink::record
