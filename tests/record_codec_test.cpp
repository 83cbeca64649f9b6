#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "record/codec.hpp"

using namespace trilink;
using namespace trilink::share;
using namespace trilink::record;

namespace {

Header header_of(Nation n, const char* node, std::uint64_t seq) {
  Header h;
  h.originator = Originator{n, node, std::nullopt};
  h.session_start = geo::UtcTime{1'699'999'000'000'000'001};
  h.sequence = seq;
  h.time_of_validity = geo::UtcTime{1'700'000'000'123'456'789};
  h.releasability = Releasability{Nation::USA, Nation::JPN};
  return h;
}

Matrix6 awkward_covariance() {
  Matrix6 p;
  for (int r = 0; r < 6; ++r)
    for (int c = 0; c < 6; ++c) p(r, c) = (r == c ? 1e4 : 0.1) / (1.0 + r + 3.0 * c) + 1e-300 * c;
  return p;
}

// One message of every type, with values that need all 17 significant digits, empty and full
// optionals, and strings that need escaping.
std::vector<Message> samples() {
  std::vector<Message> out;
  Detection d;
  d.header = header_of(Nation::KOR, "KAMD", 1);
  d.header.originator.sensor = 4'000'000'000u;
  d.sensor_id = 4'000'000'000u;
  d.range_m = 1234567.8901234567;
  d.az_rad = -0.1;
  d.el_rad = 1.0 / 3.0;
  d.range_rate_mps = -2345.6789;
  d.sigma_range_m = 25;
  d.sigma_az_rad = 1e-3;
  d.sigma_el_rad = 2e-3;
  out.push_back(d);

  LocalTrack t;
  t.header = header_of(Nation::JPN, "JADGE", 18'446'744'073'709'551'615ull);
  t.header.originator.sensor = 7;
  t.track_id = 301;
  t.position_ecef_m = Vector3(-3.9e6 + 0.1, 3.4e6 / 7.0, 3.7e6);
  t.velocity_ecef_mps = Vector3(1000, -500.25, 2000);
  t.acceleration_ecef_mps2 = Vector3(0.1, -9.80665, 5e-324);
  t.covariance = awkward_covariance();
  t.status = TrackStatus::coasting;
  t.phase = FlightPhase::midcourse;
  t.sensors.push_back(SensorInfo{7, "fps-5", Vector3(-3.8e6, 3.5e6, 3.9e6)});
  t.sensors.push_back(SensorInfo{9, "an/tpy-2 \"forward\"", Vector3(-3.7e6, 3.6e6, 3.8e6)});
  out.push_back(t);

  SystemTrack s;
  s.header = header_of(Nation::USA, "INDOPACOM", 42);
  s.header.releasability = Releasability::all();
  s.system_track_id = 9001;
  s.position_ecef_m = Vector3(-3.1e6, 4.1e6, 3.6e6);
  s.velocity_ecef_mps = Vector3(-0.0, 1e-7, 3.3e3);
  s.covariance = awkward_covariance().transpose();
  s.status = TrackStatus::confirmed;
  s.phase = FlightPhase::terminal;
  s.contributions = {{Nation::JPN, 301}, {Nation::KOR, 12}};
  out.push_back(s);

  LaunchReport l;
  l.header = header_of(Nation::USA, "INDOPACOM", 43);
  l.header.time_of_validity = geo::UtcTime{-5};
  l.system_track_id = 9001;
  l.launch_point_ecef_m = Vector3(-3.05e6, 4.05e6, 3.95e6);
  l.launch_point_covariance_m2 = Matrix3::Identity() * 2.5e5;
  l.launch_point_covariance_m2(0, 1) = l.launch_point_covariance_m2(1, 0) = 1.0 / 3.0;
  l.launch_time = geo::UtcTime{1'699'999'950'000'000'000};
  l.launch_time_sigma_s = 1.5;
  out.push_back(l);

  ImpactPrediction p;
  p.header = header_of(Nation::USA, "INDOPACOM", 44);
  p.header.releasability = Releasability{};
  p.system_track_id = 9001;
  p.impact_point_ecef_m = Vector3(-3.9e6, 3.3e6, 3.8e6);
  p.semi_major_m = 12345.678;
  p.semi_minor_m = 2345.6;
  p.major_axis_azimuth_rad = std::acos(-1.0);
  p.time_of_impact = geo::UtcTime{1'700'000'600'000'000'001};
  out.push_back(p);

  Alert a;
  a.header = header_of(Nation::USA, "INDOPACOM", 45);
  a.alert_id = 5;
  a.system_track_id = 9001;
  a.level = AlertLevel::threat;
  a.areas = {"Tokyo", "Okinawa", "ünïcødé"};
  a.time_to_impact_s = 421.75;
  a.text = "Missile launch\nTake shelter\t\"now\"";
  out.push_back(a);

  NodeHealth h;
  h.header = header_of(Nation::KOR, "KAMD", 2);
  h.heartbeat = 77;
  h.radars_operating = 3;
  h.radars_total = 4;
  h.links = {{"INDOPACOM", LinkStatus::up}, {"backup", LinkStatus::degraded}};
  out.push_back(h);
  return out;
}

void expect_same_header(const Header& a, const Header& b) {
  EXPECT_EQ(a.schema_version, b.schema_version);
  EXPECT_EQ(a.originator, b.originator);
  EXPECT_EQ(a.session_start, b.session_start);
  EXPECT_EQ(a.sequence, b.sequence);
  EXPECT_EQ(a.time_of_validity, b.time_of_validity);
  EXPECT_EQ(a.releasability, b.releasability);
}

// Bitwise equality of the fields that matter most (doubles): the JSON round trip is exact.
void expect_same(const Message& a, const Message& b) {
  ASSERT_EQ(a.index(), b.index());
  expect_same_header(header(a), header(b));
  if (const auto* t = std::get_if<LocalTrack>(&a)) {
    const auto& u = std::get<LocalTrack>(b);
    EXPECT_EQ(t->position_ecef_m, u.position_ecef_m);
    EXPECT_EQ(t->acceleration_ecef_mps2, u.acceleration_ecef_mps2);
    EXPECT_EQ(t->covariance, u.covariance);
    ASSERT_EQ(t->sensors.size(), u.sensors.size());
    EXPECT_EQ(t->sensors[1].type, u.sensors[1].type);
  }
  if (const auto* d = std::get_if<Detection>(&a)) {
    const auto& e = std::get<Detection>(b);
    EXPECT_EQ(d->range_m, e.range_m);
    EXPECT_EQ(d->el_rad, e.el_rad);
    EXPECT_EQ(d->range_rate_mps, e.range_rate_mps);
    EXPECT_EQ(d->sigma_range_rate_mps, e.sigma_range_rate_mps);
  }
  if (const auto* al = std::get_if<Alert>(&a)) {
    const auto& bl = std::get<Alert>(b);
    EXPECT_EQ(al->areas, bl.areas);
    EXPECT_EQ(al->text, bl.text);
    EXPECT_EQ(al->time_to_impact_s, bl.time_to_impact_s);
  }
  if (const auto* s = std::get_if<SystemTrack>(&a)) {
    const auto& t = std::get<SystemTrack>(b);
    EXPECT_EQ(s->contributions, t.contributions);
    EXPECT_EQ(s->covariance, t.covariance);
    EXPECT_TRUE(std::signbit(t.velocity_ecef_mps.x()));  // -0.0 survives
  }
  if (const auto* h = std::get_if<NodeHealth>(&a)) {
    EXPECT_EQ(h->links, std::get<NodeHealth>(b).links);
  }
}

std::string replace(std::string s, const std::string& from, const std::string& to) {
  const auto at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

std::string error_of(const std::string& text) {
  auto m = decode(text);
  EXPECT_FALSE(m.has_value()) << text;
  return m ? std::string() : m.error().message();
}

}  // namespace

TEST(Codec, RoundTripsEveryMessageTypeExactly) {
  const auto all = samples();
  ASSERT_EQ(all.size(), all_message_types.size());
  for (const Message& m : all) {
    SCOPED_TRACE(std::string(to_string(type_of(m))));
    const std::string text = encode(m);
    auto back = decode(text);
    ASSERT_TRUE(back.has_value()) << back.error().message() << "\n" << text;
    expect_same(m, *back);
    EXPECT_EQ(encode(*back), text);  // byte-identical re-encoding
  }
}

TEST(Codec, EncodingIsReadable) {
  const std::string text = encode(samples()[1]);
  EXPECT_EQ(text.rfind("{\"type\":\"local_track\",\"header\":{\"schema_version\":2,", 0), 0u)
      << text;
  EXPECT_NE(text.find("\"time_of_validity_ns\":1700000000123456789"), std::string::npos);
  EXPECT_NE(text.find("\"session_start_ns\":1699999000000000001"), std::string::npos);
  EXPECT_NE(text.find("\"sequence\":18446744073709551615"), std::string::npos);
  EXPECT_NE(text.find("\"releasability\":\"USA|JPN\""), std::string::npos);
  EXPECT_NE(text.find("\"status\":\"coasting\""), std::string::npos);
}

TEST(Codec, NonFiniteValuesRoundTrip) {
  Detection d;
  d.range_m = std::numeric_limits<double>::quiet_NaN();
  d.az_rad = std::numeric_limits<double>::infinity();
  d.el_rad = -std::numeric_limits<double>::infinity();
  const std::string text = encode(d);
  EXPECT_NE(text.find("\"range_m\":\"NaN\""), std::string::npos) << text;
  auto back = decode(text);
  ASSERT_TRUE(back.has_value()) << back.error().message();
  const auto& e = std::get<Detection>(*back);
  EXPECT_TRUE(std::isnan(e.range_m));
  EXPECT_EQ(e.az_rad, std::numeric_limits<double>::infinity());
  EXPECT_EQ(e.el_rad, -std::numeric_limits<double>::infinity());
  EXPECT_EQ(encode(*back), text);
}

TEST(Codec, MalformedPayloadNamesTheField) {
  const std::string track = encode(samples()[1]);
  EXPECT_EQ(error_of(replace(track, "\"track_id\":301", "\"track_id\":\"301\"")),
            "local_track.track_id: expected an integer, got \"301\"");
  EXPECT_EQ(error_of(replace(track, "\"track_id\":301,", "")), "local_track.track_id: missing");
  EXPECT_EQ(error_of(replace(track, "\"session_start_ns\":1699999000000000001,", "")),
            "local_track.header.session_start_ns: missing");
  EXPECT_EQ(error_of(replace(track, "\"track_id\":301", "\"track_id\":-1")),
            "local_track.track_id: must not be negative, got -1");
  EXPECT_EQ(error_of(replace(track, "\"status\":\"coasting\"", "\"status\":\"lost\"")),
            "local_track.status: unknown value \"lost\"");
  EXPECT_EQ(error_of(replace(track, "\"nation\":\"JPN\"", "\"nation\":\"CHN\"")),
            "local_track.header.originator.nation: unknown nation \"CHN\"");
  EXPECT_EQ(error_of(replace(track, "\"releasability\":\"USA|JPN\"", "\"releasability\":\"USA|\"")),
            "local_track.header.releasability: not a releasability set: \"USA|\"");
  EXPECT_EQ(error_of(replace(track, "\"type\":\"fps-5\"", "\"type\":5")),
            "local_track.sensors[0].type: expected a string, got 5");
  EXPECT_EQ(error_of(replace(track, "\"track_id\":301", "\"track_id\":301,\"colour\":\"red\"")),
            "local_track.colour: unknown field");
  EXPECT_NE(error_of(replace(track, "\"covariance\":[[", "\"covariance\":[[true,"))
                .find("local_track.covariance[0]"),
            std::string::npos);
  const std::string health = encode(samples()[6]);
  EXPECT_EQ(error_of(replace(health, "\"radars_total\":4", "\"radars_total\":4294967296")),
            "node_health.radars_total: out of range, got 4294967296");
  const std::string detection = encode(samples()[0]);
  EXPECT_EQ(error_of(replace(detection, "\"az_rad\":-0.1", "\"az_rad\":\"north\"")),
            "detection.az_rad: expected a number, got \"north\"");
  EXPECT_EQ(error_of(replace(detection, "\"schema_version\":2", "\"schema_version\":70000")),
            "detection.header.schema_version: out of range, got 70000");
  EXPECT_EQ(error_of(replace(detection, "\"type\":\"detection\"", "\"type\":\"launch_warning\"")),
            "type: unknown message type \"launch_warning\"");
  EXPECT_EQ(error_of("{\"header\":{}}"), "type: missing");
  EXPECT_EQ(error_of("[1,2]"), "expected an object, got array");
  EXPECT_EQ(error_of("{\"type\":"), "payload: not valid JSON");
}
