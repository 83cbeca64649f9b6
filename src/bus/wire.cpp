#include "bus/wire.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "share/validation.hpp"
#include "trilink.h"

namespace trilink::bus {

namespace {

using share::Message;

// --- small helpers -------------------------------------------------------------------------

template <std::size_t N>
void put(char (&dst)[N], std::string_view s) {
  const std::size_t n = std::min(s.size(), N - 1);  // longer than the schema allows: cut
  std::memcpy(dst, s.data(), n);
  dst[n] = '\0';
}

template <std::size_t N>
std::optional<std::string> get(const char (&src)[N]) {
  const std::size_t n = strnlen(src, N);
  if (n == N) return std::nullopt;
  return std::string(src, n);
}

std::uint8_t mask_of(share::Releasability r) {
  std::uint8_t m = 0;
  for (Nation n : all_nations)
    if (r.contains(n)) m = static_cast<std::uint8_t>(m | (1u << static_cast<unsigned>(n)));
  return m;
}

share::Releasability label_of(std::uint8_t m) {
  share::Releasability r;
  for (Nation n : all_nations)
    if (m & (1u << static_cast<unsigned>(n))) r = r.with(n);
  return r;
}

void put3(double (&dst)[3], const share::Vector3& v) {
  for (int i = 0; i < 3; ++i) dst[i] = v[i];
}
share::Vector3 get3(const double (&src)[3]) {
  return {src[0], src[1], src[2]};
}

template <int N>
void put_matrix(double (&dst)[N * N], const Eigen::Matrix<double, N, N>& m) {
  for (int r = 0; r < N; ++r)
    for (int c = 0; c < N; ++c) dst[r * N + c] = m(r, c);
}
template <int N>
Eigen::Matrix<double, N, N> get_matrix(const double (&src)[N * N]) {
  Eigen::Matrix<double, N, N> m;
  for (int r = 0; r < N; ++r)
    for (int c = 0; c < N; ++c) m(r, c) = src[r * N + c];
  return m;
}

void put_header(trilink_wire_Header& w, const share::Header& h) {
  w.schema_version = h.schema_version;
  w.originator_nation = static_cast<std::uint8_t>(h.originator.nation);
  put(w.originator_node, h.originator.node);
  w.has_sensor = h.originator.sensor.has_value();
  w.sensor_id = h.originator.sensor.value_or(0);
  w.session_start_utc_ns = h.session_start.ns;
  w.sequence_number = h.sequence;
  w.time_of_validity_utc_ns = h.time_of_validity.ns;
  w.releasability_mask = mask_of(h.releasability);
}

// Decoding: the first problem found, as a Decoded with its reason.
struct Problem {
  WireRejection reason;
  std::string detail;
};

std::optional<Nation> nation_of(std::uint8_t v) {
  if (v >= all_nations.size()) return std::nullopt;
  return all_nations[v];
}

std::optional<Problem> get_header(const trilink_wire_Header& w, share::Header& h) {
  if (w.schema_version != share::schema_version)
    return Problem{WireRejection::unsupported_schema,
                   "schema version " + std::to_string(w.schema_version) + ", this build speaks " +
                       std::to_string(share::schema_version)};
  const auto n = nation_of(w.originator_nation);
  if (!n)
    return Problem{WireRejection::bad_nation,
                   "originator nation " + std::to_string(w.originator_nation)};
  auto node = get(w.originator_node);
  if (!node) return Problem{WireRejection::bad_string, "originator node not terminated"};
  if (w.releasability_mask > 7)
    return Problem{WireRejection::bad_label,
                   "releasability mask " + std::to_string(w.releasability_mask)};
  h.schema_version = w.schema_version;
  h.originator = share::Originator{*n, std::move(*node), std::nullopt};
  if (w.has_sensor) h.originator.sensor = w.sensor_id;
  h.session_start = geo::UtcTime{w.session_start_utc_ns};
  h.sequence = w.sequence_number;
  h.time_of_validity = geo::UtcTime{w.time_of_validity_utc_ns};
  h.releasability = label_of(w.releasability_mask);
  return std::nullopt;
}

template <typename E>
std::optional<E> enum_of(std::uint8_t v, E last) {
  if (v > static_cast<std::uint8_t>(last)) return std::nullopt;
  return static_cast<E>(v);
}

Problem bad_enum(std::string_view field, std::uint8_t v) {
  return Problem{WireRejection::bad_enum, std::string(field) + " " + std::to_string(v)};
}

}  // namespace

// --- topics --------------------------------------------------------------------------------

std::string_view topic_name(Topic t) {
  switch (t) {
    case Topic::radar_look:
      return "RadarLook";
    case Topic::local_track:
      return "LocalTrack";
    case Topic::system_track:
      return "SystemTrack";
    case Topic::launch_report:
      return "LaunchReport";
    case Topic::impact_prediction:
      return "ImpactPrediction";
    case Topic::alert:
      return "Alert";
    case Topic::node_health:
      return "NodeHealth";
    case Topic::infrared_frame:
      return "InfraredFrame";
  }
  return "?";
}

const dds_topic_descriptor_t* descriptor(Topic t) {
  switch (t) {
    case Topic::radar_look:
      return &trilink_wire_RadarLook_desc;
    case Topic::local_track:
      return &trilink_wire_LocalTrack_desc;
    case Topic::system_track:
      return &trilink_wire_SystemTrack_desc;
    case Topic::launch_report:
      return &trilink_wire_LaunchReport_desc;
    case Topic::impact_prediction:
      return &trilink_wire_ImpactPrediction_desc;
    case Topic::alert:
      return &trilink_wire_Alert_desc;
    case Topic::node_health:
      return &trilink_wire_NodeHealth_desc;
    case Topic::infrared_frame:
      return &trilink_wire_InfraredFrame_desc;
  }
  return nullptr;
}

Profile profile(Topic t) {
  switch (t) {
    case Topic::radar_look:
    case Topic::infrared_frame:
      return Profile::looks;
    case Topic::alert:
      return Profile::alerts;
    case Topic::node_health:
      return Profile::health;
    default:
      return Profile::state;
  }
}

Topic topic_of(share::MessageType t) {
  switch (t) {
    case share::MessageType::detection:
      return Topic::radar_look;
    case share::MessageType::local_track:
      return Topic::local_track;
    case share::MessageType::system_track:
      return Topic::system_track;
    case share::MessageType::launch_report:
      return Topic::launch_report;
    case share::MessageType::impact_prediction:
      return Topic::impact_prediction;
    case share::MessageType::alert:
      return Topic::alert;
    case share::MessageType::node_health:
      return Topic::node_health;
  }
  return Topic::node_health;
}

std::string_view to_string(WireRejection r) {
  switch (r) {
    case WireRejection::unsupported_schema:
      return "unsupported_schema";
    case WireRejection::bad_nation:
      return "bad_nation";
    case WireRejection::bad_enum:
      return "bad_enum";
    case WireRejection::bad_label:
      return "bad_label";
    case WireRejection::key_mismatch:
      return "key_mismatch";
    case WireRejection::bad_string:
      return "bad_string";
    case WireRejection::non_finite:
      return "non_finite";
    case WireRejection::unexpected_sender:
      return "unexpected_sender";
  }
  return "?";
}

// --- encoding ------------------------------------------------------------------------------

struct Encoded::Data {
  std::variant<trilink_wire_RadarLook, trilink_wire_LocalTrack, trilink_wire_SystemTrack,
               trilink_wire_LaunchReport, trilink_wire_ImpactPrediction, trilink_wire_Alert,
               trilink_wire_NodeHealth, trilink_wire_InfraredFrame>
      sample;
  std::vector<trilink_wire_Plot> plots;
  std::vector<trilink_wire_InfraredPlot> infrared_plots;
  std::vector<trilink_wire_SensorRef> sensors;
  std::vector<trilink_wire_Contribution> contributions;
  std::vector<std::array<char, 129>> areas;
  std::vector<trilink_wire_LinkState> links;
};

const void* Encoded::sample() const {
  return std::visit([](const auto& s) -> const void* { return &s; }, data_->sample);
}

namespace {

template <typename Seq, typename T>
void point(Seq& seq, std::vector<T>& v) {
  seq._maximum = static_cast<std::uint32_t>(v.size());
  seq._length = static_cast<std::uint32_t>(v.size());
  seq._buffer = v.empty() ? nullptr : v.data();
  seq._release = false;
}

}  // namespace

Encoded encode(const Look& l) {
  Encoded e;
  e.topic_ = Topic::radar_look;
  e.data_ = std::make_shared<Encoded::Data>();
  auto& d = *e.data_;
  trilink_wire_RadarLook w{};
  w.nation = static_cast<std::uint8_t>(l.nation);
  w.sensor_id = l.sensor_id;
  put_header(w.header, l.header);
  w.header.time_of_validity_utc_ns = l.time.ns;
  for (const auto& p : l.plots) {
    trilink_wire_Plot q{};
    q.sequence_number = p.header.sequence;
    q.range_m = p.range_m;
    q.az_rad = p.az_rad;
    q.el_rad = p.el_rad;
    q.has_range_rate = p.range_rate_mps.has_value();
    q.range_rate_mps = p.range_rate_mps.value_or(0.0);
    q.sigma_range_m = p.sigma_range_m;
    q.sigma_az_rad = p.sigma_az_rad;
    q.sigma_el_rad = p.sigma_el_rad;
    q.has_sigma_range_rate = p.sigma_range_rate_mps.has_value();
    q.sigma_range_rate_mps = p.sigma_range_rate_mps.value_or(0.0);
    d.plots.push_back(q);
  }
  point(w.plots, d.plots);
  d.sample = w;
  return e;
}

Encoded encode(const InfraredFrame& f) {
  Encoded e;
  e.topic_ = Topic::infrared_frame;
  e.data_ = std::make_shared<Encoded::Data>();
  auto& d = *e.data_;
  trilink_wire_InfraredFrame w{};
  w.nation = static_cast<std::uint8_t>(f.nation);
  w.sensor_id = f.sensor_id;
  put_header(w.header, f.header);
  w.header.time_of_validity_utc_ns = f.time.ns;
  put3(w.satellite_position_ecef_m, f.satellite_ecef_m);
  for (const auto& p : f.plots) d.infrared_plots.push_back({p.alpha_rad, p.beta_rad, p.sigma_rad});
  point(w.plots, d.infrared_plots);
  d.sample = w;
  return e;
}

Encoded encode(const Message& m) {
  Encoded e;
  e.topic_ = topic_of(share::type_of(m));
  e.data_ = std::make_shared<Encoded::Data>();
  auto& d = *e.data_;
  std::visit(
      [&]<typename T>(const T& x) {
        if constexpr (std::is_same_v<T, share::Detection>) {
          Look l;  // a lone detection: a look of one plot
          l.nation = x.header.originator.nation;
          l.sensor_id = x.sensor_id;
          l.time = x.header.time_of_validity;
          l.header = x.header;
          l.plots = {x};
          e = encode(l);
        } else if constexpr (std::is_same_v<T, share::LocalTrack>) {
          trilink_wire_LocalTrack w{};
          w.nation = static_cast<std::uint8_t>(x.header.originator.nation);
          w.track_id = x.track_id;
          put_header(w.header, x.header);
          put3(w.position_ecef_m, x.position_ecef_m);
          put3(w.velocity_ecef_mps, x.velocity_ecef_mps);
          w.has_acceleration = x.acceleration_ecef_mps2.has_value();
          put3(w.acceleration_ecef_mps2, x.acceleration_ecef_mps2.value_or(share::Vector3::Zero()));
          put_matrix<6>(w.covariance_si, x.covariance);
          w.status = static_cast<std::uint8_t>(x.status);
          w.phase = static_cast<std::uint8_t>(x.phase);
          for (const auto& s : x.sensors) {
            trilink_wire_SensorRef r{};
            r.sensor_id = s.sensor_id;
            put(r.type, s.type);
            put3(r.position_ecef_m, s.position_ecef_m);
            d.sensors.push_back(r);
          }
          point(w.sensors, d.sensors);
          d.sample = w;
        } else if constexpr (std::is_same_v<T, share::SystemTrack>) {
          trilink_wire_SystemTrack w{};
          w.system_track_id = x.system_track_id;
          put_header(w.header, x.header);
          put3(w.position_ecef_m, x.position_ecef_m);
          put3(w.velocity_ecef_mps, x.velocity_ecef_mps);
          put_matrix<6>(w.covariance_si, x.covariance);
          w.status = static_cast<std::uint8_t>(x.status);
          w.phase = static_cast<std::uint8_t>(x.phase);
          for (const auto& c : x.contributions)
            d.contributions.push_back({static_cast<std::uint8_t>(c.nation), c.track_id});
          point(w.contributions, d.contributions);
          d.sample = w;
        } else if constexpr (std::is_same_v<T, share::LaunchReport>) {
          trilink_wire_LaunchReport w{};
          w.system_track_id = x.system_track_id;
          put_header(w.header, x.header);
          put3(w.launch_point_ecef_m, x.launch_point_ecef_m);
          put_matrix<3>(w.launch_point_covariance_m2, x.launch_point_covariance_m2);
          w.launch_time_utc_ns = x.launch_time.ns;
          w.launch_time_sigma_s = x.launch_time_sigma_s;
          d.sample = w;
        } else if constexpr (std::is_same_v<T, share::ImpactPrediction>) {
          trilink_wire_ImpactPrediction w{};
          w.system_track_id = x.system_track_id;
          put_header(w.header, x.header);
          put3(w.impact_point_ecef_m, x.impact_point_ecef_m);
          w.semi_major_m = x.semi_major_m;
          w.semi_minor_m = x.semi_minor_m;
          w.major_axis_azimuth_rad = x.major_axis_azimuth_rad;
          w.time_of_impact_utc_ns = x.time_of_impact.ns;
          d.sample = w;
        } else if constexpr (std::is_same_v<T, share::Alert>) {
          trilink_wire_Alert w{};
          w.alert_id = x.alert_id;
          put_header(w.header, x.header);
          w.system_track_id = x.system_track_id;
          w.level = static_cast<std::uint8_t>(x.level);
          for (const auto& a : x.areas) {
            std::array<char, 129> buf{};
            put(*reinterpret_cast<char(*)[129]>(buf.data()), a);
            d.areas.push_back(buf);
          }
          w.areas._maximum = w.areas._length = static_cast<std::uint32_t>(d.areas.size());
          w.areas._buffer =
              d.areas.empty() ? nullptr : reinterpret_cast<char(*)[129]>(d.areas.data());
          w.areas._release = false;
          w.has_time_to_impact = x.time_to_impact_s.has_value();
          w.time_to_impact_s = x.time_to_impact_s.value_or(0.0);
          put(w.text, x.text);
          d.sample = w;
        } else if constexpr (std::is_same_v<T, share::NodeHealth>) {
          trilink_wire_NodeHealth w{};
          put(w.node, x.header.originator.node);
          put_header(w.header, x.header);
          w.heartbeat = x.heartbeat;
          w.radars_operating = x.radars_operating;
          w.radars_total = x.radars_total;
          for (const auto& l : x.links) {
            trilink_wire_LinkState s{};
            put(s.peer_node, l.peer_node);
            s.status = static_cast<std::uint8_t>(l.status);
            d.links.push_back(s);
          }
          point(w.links, d.links);
          d.sample = w;
        }
      },
      m);
  return e;
}

// --- decoding ------------------------------------------------------------------------------

namespace {

Decoded refused(const Problem& p) {
  Decoded d;
  d.rejection = p.reason;
  d.detail = p.detail;
  return d;
}

std::optional<Problem> key_check(bool ok, std::string_view what) {
  if (ok) return std::nullopt;
  return Problem{WireRejection::key_mismatch, std::string(what)};
}

// A sensor's sample (a radar's look, a satellite's frame): its key, nation and sensor, must
// be its originator's. The nation, when valid, goes to `nation`.
std::optional<Problem> sensor_key(const share::Header& h, std::uint8_t key_nation,
                                  std::uint32_t key_sensor, std::string_view what, Nation& nation) {
  const auto n = nation_of(key_nation);
  if (!n) return Problem{WireRejection::bad_nation, std::string(what)};
  if (auto p = key_check(*n == h.originator.nation, "key nation differs from originator")) return p;
  if (auto p = key_check(h.originator.sensor == key_sensor,
                         "key sensor differs from originator's sensor"))
    return p;
  nation = *n;
  return std::nullopt;
}

Decoded finish(Message m) {
  if (!share::all_finite(m))
    return refused(Problem{WireRejection::non_finite, "a number is not finite"});
  Decoded d;
  d.value = std::move(m);
  return d;
}

Decoded decode_look(const trilink_wire_RadarLook& w) {
  Look l;
  if (auto p = get_header(w.header, l.header)) return refused(*p);
  if (auto p = sensor_key(l.header, w.nation, w.sensor_id, "look nation", l.nation))
    return refused(*p);
  l.sensor_id = w.sensor_id;
  l.time = l.header.time_of_validity;
  for (std::uint32_t i = 0; i < w.plots._length; ++i) {
    const auto& q = w.plots._buffer[i];
    share::Detection x;
    x.header = l.header;
    x.header.sequence = q.sequence_number;
    x.sensor_id = w.sensor_id;
    x.range_m = q.range_m;
    x.az_rad = q.az_rad;
    x.el_rad = q.el_rad;
    if (q.has_range_rate) x.range_rate_mps = q.range_rate_mps;
    x.sigma_range_m = q.sigma_range_m;
    x.sigma_az_rad = q.sigma_az_rad;
    x.sigma_el_rad = q.sigma_el_rad;
    if (q.has_sigma_range_rate) x.sigma_range_rate_mps = q.sigma_range_rate_mps;
    if (!share::all_finite(x))
      return refused(Problem{WireRejection::non_finite, "a plot's number is not finite"});
    l.plots.push_back(std::move(x));
  }
  Decoded d;
  d.value = std::move(l);
  return d;
}

Decoded decode_infrared(const trilink_wire_InfraredFrame& w) {
  InfraredFrame f;
  if (auto p = get_header(w.header, f.header)) return refused(*p);
  if (auto p = sensor_key(f.header, w.nation, w.sensor_id, "frame nation", f.nation))
    return refused(*p);
  f.sensor_id = w.sensor_id;
  f.time = f.header.time_of_validity;
  f.satellite_ecef_m = get3(w.satellite_position_ecef_m);
  if (!f.satellite_ecef_m.allFinite())
    return refused(Problem{WireRejection::non_finite, "the satellite's position is not finite"});
  for (std::uint32_t i = 0; i < w.plots._length; ++i) {
    const auto& q = w.plots._buffer[i];
    if (!std::isfinite(q.alpha_rad) || !std::isfinite(q.beta_rad) || !std::isfinite(q.sigma_rad))
      return refused(Problem{WireRejection::non_finite, "a plot's number is not finite"});
    sensor::IrPlot x;
    x.satellite_index = w.sensor_id;
    x.t = f.time;
    x.satellite_ecef_m = f.satellite_ecef_m;
    x.alpha_rad = q.alpha_rad;
    x.beta_rad = q.beta_rad;
    x.sigma_rad = q.sigma_rad;
    f.plots.push_back(x);
  }
  Decoded d;
  d.value = std::move(f);
  return d;
}

}  // namespace

const share::Header& header_of(const Sample& s) {
  if (const auto* l = std::get_if<Look>(&s)) return l->header;
  if (const auto* f = std::get_if<InfraredFrame>(&s)) return f->header;
  return share::header(std::get<share::Message>(s));
}

Decoded decode(Topic t, const void* sample) {
  switch (t) {
    case Topic::infrared_frame:
      return decode_infrared(*static_cast<const trilink_wire_InfraredFrame*>(sample));
    case Topic::radar_look:
      return decode_look(*static_cast<const trilink_wire_RadarLook*>(sample));
    case Topic::local_track: {
      const auto& w = *static_cast<const trilink_wire_LocalTrack*>(sample);
      share::LocalTrack x;
      if (auto p = get_header(w.header, x.header)) return refused(*p);
      if (auto p = key_check(w.nation == static_cast<std::uint8_t>(x.header.originator.nation),
                             "key nation differs from originator"))
        return refused(*p);
      const auto status = enum_of(w.status, TrackStatus::dropped);
      if (!status) return refused(bad_enum("status", w.status));
      const auto phase = enum_of(w.phase, share::FlightPhase::terminal);
      if (!phase) return refused(bad_enum("phase", w.phase));
      x.track_id = w.track_id;
      x.position_ecef_m = get3(w.position_ecef_m);
      x.velocity_ecef_mps = get3(w.velocity_ecef_mps);
      if (w.has_acceleration) x.acceleration_ecef_mps2 = get3(w.acceleration_ecef_mps2);
      x.covariance = get_matrix<6>(w.covariance_si);
      x.status = *status;
      x.phase = *phase;
      for (std::uint32_t i = 0; i < w.sensors._length; ++i) {
        const auto& r = w.sensors._buffer[i];
        auto type = get(r.type);
        if (!type) return refused(Problem{WireRejection::bad_string, "sensor type"});
        x.sensors.push_back({r.sensor_id, std::move(*type), get3(r.position_ecef_m)});
      }
      return finish(std::move(x));
    }
    case Topic::system_track: {
      const auto& w = *static_cast<const trilink_wire_SystemTrack*>(sample);
      share::SystemTrack x;
      if (auto p = get_header(w.header, x.header)) return refused(*p);
      const auto status = enum_of(w.status, TrackStatus::dropped);
      if (!status) return refused(bad_enum("status", w.status));
      const auto phase = enum_of(w.phase, share::FlightPhase::terminal);
      if (!phase) return refused(bad_enum("phase", w.phase));
      x.system_track_id = w.system_track_id;
      x.position_ecef_m = get3(w.position_ecef_m);
      x.velocity_ecef_mps = get3(w.velocity_ecef_mps);
      x.covariance = get_matrix<6>(w.covariance_si);
      x.status = *status;
      x.phase = *phase;
      for (std::uint32_t i = 0; i < w.contributions._length; ++i) {
        const auto& c = w.contributions._buffer[i];
        const auto n = nation_of(c.nation);
        if (!n) return refused(Problem{WireRejection::bad_nation, "contribution nation"});
        x.contributions.push_back({*n, c.track_id});
      }
      return finish(std::move(x));
    }
    case Topic::launch_report: {
      const auto& w = *static_cast<const trilink_wire_LaunchReport*>(sample);
      share::LaunchReport x;
      if (auto p = get_header(w.header, x.header)) return refused(*p);
      x.system_track_id = w.system_track_id;
      x.launch_point_ecef_m = get3(w.launch_point_ecef_m);
      x.launch_point_covariance_m2 = get_matrix<3>(w.launch_point_covariance_m2);
      x.launch_time = geo::UtcTime{w.launch_time_utc_ns};
      x.launch_time_sigma_s = w.launch_time_sigma_s;
      return finish(std::move(x));
    }
    case Topic::impact_prediction: {
      const auto& w = *static_cast<const trilink_wire_ImpactPrediction*>(sample);
      share::ImpactPrediction x;
      if (auto p = get_header(w.header, x.header)) return refused(*p);
      x.system_track_id = w.system_track_id;
      x.impact_point_ecef_m = get3(w.impact_point_ecef_m);
      x.semi_major_m = w.semi_major_m;
      x.semi_minor_m = w.semi_minor_m;
      x.major_axis_azimuth_rad = w.major_axis_azimuth_rad;
      x.time_of_impact = geo::UtcTime{w.time_of_impact_utc_ns};
      return finish(std::move(x));
    }
    case Topic::alert: {
      const auto& w = *static_cast<const trilink_wire_Alert*>(sample);
      share::Alert x;
      if (auto p = get_header(w.header, x.header)) return refused(*p);
      const auto level = enum_of(w.level, share::AlertLevel::all_clear);
      if (!level) return refused(bad_enum("level", w.level));
      x.alert_id = w.alert_id;
      x.system_track_id = w.system_track_id;
      x.level = *level;
      for (std::uint32_t i = 0; i < w.areas._length; ++i) {
        auto a = get(w.areas._buffer[i]);
        if (!a) return refused(Problem{WireRejection::bad_string, "area name"});
        x.areas.push_back(std::move(*a));
      }
      if (w.has_time_to_impact) x.time_to_impact_s = w.time_to_impact_s;
      auto text = get(w.text);
      if (!text) return refused(Problem{WireRejection::bad_string, "text"});
      x.text = std::move(*text);
      return finish(std::move(x));
    }
    case Topic::node_health: {
      const auto& w = *static_cast<const trilink_wire_NodeHealth*>(sample);
      share::NodeHealth x;
      if (auto p = get_header(w.header, x.header)) return refused(*p);
      const auto node = get(w.node);
      if (!node) return refused(Problem{WireRejection::bad_string, "node"});
      if (auto p = key_check(*node == x.header.originator.node, "key node differs from originator"))
        return refused(*p);
      x.heartbeat = w.heartbeat;
      x.radars_operating = w.radars_operating;
      x.radars_total = w.radars_total;
      for (std::uint32_t i = 0; i < w.links._length; ++i) {
        const auto& s = w.links._buffer[i];
        auto peer = get(s.peer_node);
        if (!peer) return refused(Problem{WireRejection::bad_string, "peer node"});
        const auto status = enum_of(s.status, share::LinkStatus::down);
        if (!status) return refused(bad_enum("link status", s.status));
        x.links.push_back({std::move(*peer), *status});
      }
      return finish(std::move(x));
    }
  }
  return refused(Problem{WireRejection::bad_enum, "topic"});
}

}  // namespace trilink::bus
