// The gatekeeper: every reason it refuses a message for, each on its own (the message is
// refused under that reason, counted once, and admits nothing), and the limits of each check
// (what is just inside is admitted). The hub's gatekeeper receives from the national nodes;
// a national node's from the hub.
#include <gtest/gtest.h>

#include <limits>
#include <set>

#include "share/boundary.hpp"
#include "share/policy.hpp"
#include "share/validation.hpp"

using namespace trilink;
using namespace trilink::share;

namespace {

constexpr double not_a_number = std::numeric_limits<double>::quiet_NaN();
constexpr double infinity = std::numeric_limits<double>::infinity();
const geo::UtcTime t0{1'511'893'020'000'000'000};  // F06's launch day
const geo::UtcTime session0 = t0.plus_seconds(-600.0);

// USA may grant everything; JPN and KOR only themselves and USA. Node health is not shared.
Policy test_policy() {
  Policy p;
  p.nations = {NationPolicy{Nation::USA, {"INDOPACOM"}, Releasability::all()},
               NationPolicy{Nation::JPN, {"JADGE", "JADGE-2"}, {Nation::USA, Nation::JPN}},
               NationPolicy{Nation::KOR, {"KAMD"}, {Nation::USA, Nation::KOR}}};
  for (MessageType t :
       {MessageType::local_track, MessageType::system_track, MessageType::launch_report,
        MessageType::impact_prediction, MessageType::alert})
    p.shared.push_back(SharedType{t, Releasability::all()});
  return p;
}

GatekeeperConfig at_hub(GateLimits limits = {}) {
  return GatekeeperConfig{Nation::USA, "INDOPACOM", "INDOPACOM", limits};
}
GatekeeperConfig at_jadge(GateLimits limits = {}) {
  return GatekeeperConfig{Nation::JPN, "JADGE", "INDOPACOM", limits};
}

Header from(Nation n, std::string node, std::uint64_t seq, Releasability label) {
  Header h;
  h.originator = Originator{n, std::move(node), std::nullopt};
  h.session_start = session0;
  h.sequence = seq;
  h.time_of_validity = t0;
  h.releasability = label;
  return h;
}
Header hub_header(std::uint64_t seq) {
  return from(Nation::USA, "INDOPACOM", seq, Releasability::all());
}

// A midcourse track over the Sea of Japan, about 110 km up.
LocalTrack jpn_track(std::uint64_t seq) {
  LocalTrack t;
  t.header = from(Nation::JPN, "JADGE", seq, {Nation::USA, Nation::JPN});
  t.track_id = 5;
  t.position_ecef_m = Vector3(-3.9e6, 3.4e6, 3.9e6);
  t.velocity_ecef_mps = Vector3(1000, -500, 2000);
  t.covariance = Matrix6::Identity() * 100.0;
  t.covariance(0, 3) = t.covariance(3, 0) = 5.0;
  t.status = TrackStatus::confirmed;
  t.phase = FlightPhase::midcourse;
  return t;
}

SystemTrack system_track(std::uint64_t seq) {
  SystemTrack s;
  s.header = hub_header(seq);
  s.system_track_id = 12;
  s.position_ecef_m = jpn_track(1).position_ecef_m;
  s.velocity_ecef_mps = jpn_track(1).velocity_ecef_mps;
  s.covariance = Matrix6::Identity() * 50.0;
  s.status = TrackStatus::confirmed;
  s.contributions = {{Nation::JPN, 5}, {Nation::KOR, 9}};
  return s;
}

LaunchReport launch_report(std::uint64_t seq) {
  LaunchReport r;
  r.header = hub_header(seq);
  r.system_track_id = 12;
  r.launch_point_ecef_m = Vector3(-3.0e6, 4.0e6, 4.0e6).normalized() * 6.3695e6;  // ~39N
  r.launch_point_covariance_m2 = Matrix3::Identity() * 4e6;
  r.launch_time = t0.plus_seconds(-60.0);
  r.launch_time_sigma_s = 2.0;
  return r;
}

ImpactPrediction impact_prediction(std::uint64_t seq) {
  ImpactPrediction p;
  p.header = hub_header(seq);
  p.system_track_id = 12;
  p.impact_point_ecef_m = Vector3(-3.9e6, 3.3e6, 3.8e6).normalized() * 6.3695e6;
  p.semi_major_m = 20e3;
  p.semi_minor_m = 5e3;
  p.major_axis_azimuth_rad = 1.2;
  p.time_of_impact = t0.plus_seconds(400.0);
  return p;
}

Alert alert(std::uint64_t seq) {
  Alert a;
  a.header = hub_header(seq);
  a.alert_id = 1;
  a.system_track_id = 12;
  a.level = AlertLevel::threat;
  a.areas = {"Hokkaido"};
  a.time_to_impact_s = 240;
  a.text = "threat to Hokkaido";
  return a;
}

class GatekeeperTest : public ::testing::Test {
 protected:
  Policy policy = test_policy();
  Gatekeeper gate{policy, at_hub()};     // receives from the national nodes
  Gatekeeper jadge{policy, at_jadge()};  // receives from the hub

  // Over the originator's own link, 50 ms after its time of validity.
  static geo::UtcTime arrival(const Message& m) {
    return header(m).time_of_validity.plus_seconds(0.05);
  }
  static Verdict send(Gatekeeper& g, const Message& m) {
    return g.admit(m, header(m).originator.node, arrival(m));
  }
  Verdict send(const Message& m) { return send(gate, m); }

  static void expect_rejected(Gatekeeper& g, const Message& m, Rejection r,
                              std::optional<std::string> link = std::nullopt,
                              std::optional<geo::UtcTime> at = std::nullopt) {
    const auto before = g.rejected(r);
    const auto total = g.rejected_total();
    const auto admitted = g.admitted();
    const Verdict v = g.admit(m, link ? *link : header(m).originator.node, at ? *at : arrival(m));
    ASSERT_FALSE(v.admitted()) << "admitted, expected " << to_string(r);
    EXPECT_EQ(*v.rejection, r) << to_string(*v.rejection) << ": " << v.detail;
    EXPECT_FALSE(v.detail.empty());
    EXPECT_EQ(g.rejected(r), before + 1);
    EXPECT_EQ(g.rejected_total(), total + 1);
    EXPECT_EQ(g.admitted(), admitted);
  }
  void expect_rejected(const Message& m, Rejection r) { expect_rejected(gate, m, r); }
};

}  // namespace

TEST_F(GatekeeperTest, ValidMessagesOfEverySenderAndTypePass) {
  EXPECT_TRUE(send(jpn_track(1)));
  LocalTrack kor = jpn_track(1);
  kor.header = from(Nation::KOR, "KAMD", 1, {Nation::USA, Nation::KOR});
  EXPECT_TRUE(send(kor));
  EXPECT_EQ(gate.admitted(), 2u);
  std::uint64_t seq = 1;
  for (Message m :
       std::vector<Message>{system_track(0), launch_report(0), impact_prediction(0), alert(0)}) {
    header(m).sequence = seq++;
    const Verdict v = send(jadge, m);
    EXPECT_TRUE(v) << to_string(type_of(m)) << ": " << v.detail;
  }
  EXPECT_EQ(jadge.admitted(), 4u);
  EXPECT_EQ(gate.rejected_total() + jadge.rejected_total(), 0u);
}

TEST_F(GatekeeperTest, UnsupportedSchema) {
  LocalTrack t = jpn_track(1);
  t.header.schema_version = schema_version + 1;
  expect_rejected(t, Rejection::unsupported_schema);
  t.header.schema_version = 1;  // before sessions
  expect_rejected(t, Rejection::unsupported_schema);
}

TEST_F(GatekeeperTest, UnknownOriginator) {
  LocalTrack t = jpn_track(1);
  t.header.originator.node = "KAMD";  // a Korean node under Japan's nation
  expect_rejected(gate, t, Rejection::unknown_originator, "KAMD");
  t.header.originator.node = "ROGUE";
  expect_rejected(gate, t, Rejection::unknown_originator, "ROGUE");
  Policy two_nations = test_policy();
  two_nations.nations.pop_back();
  Gatekeeper g(two_nations, at_hub());
  LocalTrack k = jpn_track(1);
  k.header = from(Nation::KOR, "KAMD", 1, {Nation::KOR});
  EXPECT_EQ(g.admit(k, "KAMD", arrival(k)).rejection, Rejection::unknown_originator);
  EXPECT_EQ(g.rejected(Rejection::unknown_originator), 1u);
}

// The sender is bound to its link: KAMD cannot send as JADGE, nor the hub's link carry a
// national node's message.
TEST_F(GatekeeperTest, SenderBoundToItsLink) {
  expect_rejected(gate, jpn_track(1), Rejection::sender_mismatch, "KAMD");
  expect_rejected(gate, jpn_track(1), Rejection::sender_mismatch, "JADGE-2");
  expect_rejected(jadge, system_track(1), Rejection::sender_mismatch, "KAMD");
  EXPECT_TRUE(gate.admit(jpn_track(1), "JADGE", arrival(jpn_track(1))));
  EXPECT_TRUE(jadge.admit(system_track(1), "INDOPACOM", arrival(system_track(1))));
}

TEST_F(GatekeeperTest, RateLimitedPerOriginator) {
  GateLimits l;
  l.max_rate_per_s = 10.0;
  l.rate_burst = 5.0;
  Gatekeeper g(policy, at_hub(l));
  const geo::UtcTime at = arrival(jpn_track(1));
  for (std::uint64_t s = 1; s <= 5; ++s) EXPECT_TRUE(g.admit(jpn_track(s), "JADGE", at)) << s;
  expect_rejected(g, jpn_track(6), Rejection::rate_limited, "JADGE", at);
  // Another originator has its own budget.
  LocalTrack kor = jpn_track(1);
  kor.header = from(Nation::KOR, "KAMD", 1, {Nation::USA, Nation::KOR});
  EXPECT_TRUE(g.admit(kor, "KAMD", at));
  // A tenth of a second refills one token, not two; the refused message did not advance the
  // sequence.
  EXPECT_EQ(g.last_sequence(Nation::JPN, "JADGE"), 5u);
  EXPECT_TRUE(g.admit(jpn_track(6), "JADGE", at.plus_seconds(0.1)));
  expect_rejected(g, jpn_track(7), Rejection::rate_limited, "JADGE", at.plus_seconds(0.1));
  // The budget is per second: 10 a second pass.
  for (std::uint64_t s = 7; s <= 16; ++s)
    EXPECT_TRUE(g.admit(jpn_track(s), "JADGE", at.plus_seconds(0.1 * static_cast<double>(s - 5))))
        << s;
}

TEST_F(GatekeeperTest, NonFiniteAnywhere) {
  std::uint64_t seq = 1;
  auto bad_track = [&](auto spoil) {
    LocalTrack t = jpn_track(seq++);
    spoil(t);
    expect_rejected(t, Rejection::non_finite);
  };
  bad_track([](LocalTrack& t) { t.position_ecef_m.x() = not_a_number; });
  bad_track([](LocalTrack& t) { t.velocity_ecef_mps.z() = infinity; });
  bad_track([](LocalTrack& t) { t.acceleration_ecef_mps2 = Vector3(0, not_a_number, 0); });
  bad_track([](LocalTrack& t) { t.covariance(2, 4) = not_a_number; });

  Alert a = alert(seq++);
  a.time_to_impact_s = not_a_number;
  expect_rejected(jadge, a, Rejection::non_finite);
  ImpactPrediction ip = impact_prediction(seq++);
  ip.semi_major_m = -infinity;
  expect_rejected(jadge, ip, Rejection::non_finite);
  LaunchReport lr = launch_report(seq++);
  lr.launch_time_sigma_s = not_a_number;
  expect_rejected(jadge, lr, Rejection::non_finite);
  EXPECT_EQ(gate.rejected(Rejection::non_finite) + jadge.rejected(Rejection::non_finite), 7u);
}

TEST_F(GatekeeperTest, TypesNotSharedNeverPass) {
  Detection d;
  d.header = from(Nation::KOR, "KAMD", 1, {Nation::KOR});
  expect_rejected(d, Rejection::type_not_shared);
  NodeHealth h;
  h.header = from(Nation::KOR, "KAMD", 2, {Nation::KOR});
  expect_rejected(h, Rejection::type_not_shared);
}

// A national node sends the hub local tracks and health only; the hub sends a national node
// system tracks, reports, predictions, alerts and health; national nodes never talk directly.
TEST_F(GatekeeperTest, TypesAllowedPerSenderRole) {
  std::uint64_t seq = 1;
  for (Message m :
       std::vector<Message>{system_track(0), launch_report(0), impact_prediction(0), alert(0)}) {
    header(m) = from(Nation::JPN, "JADGE", seq++, {Nation::USA, Nation::JPN});
    expect_rejected(gate, m, Rejection::type_not_allowed);
  }
  LocalTrack relayed = jpn_track(1);
  relayed.header = hub_header(1);
  expect_rejected(jadge, relayed, Rejection::type_not_allowed);
  LocalTrack direct = jpn_track(1);
  direct.header = from(Nation::KOR, "KAMD", 1, {Nation::USA, Nation::KOR});
  expect_rejected(jadge, direct, Rejection::type_not_allowed);  // KAMD -> JADGE
  LocalTrack to_self = jpn_track(1);
  to_self.header = hub_header(2);
  expect_rejected(gate, to_self, Rejection::type_not_allowed);
  EXPECT_EQ(gate.admitted() + jadge.admitted(), 0u);
}

TEST_F(GatekeeperTest, SensorIdentity) {
  LocalTrack t = jpn_track(1);
  t.header.originator.sensor = 7;
  expect_rejected(t, Rejection::sensor_identity);
  t.header.originator.sensor.reset();
  t.sensors.push_back(SensorInfo{7, "fps-5", Vector3(1, 2, 3)});
  expect_rejected(t, Rejection::sensor_identity);
  EXPECT_TRUE(send(strip_sensor_identity(t)));
}

TEST_F(GatekeeperTest, LabelMustHoldTheSendersNation) {
  LocalTrack t = jpn_track(1);
  t.header.releasability = {};
  expect_rejected(t, Rejection::label_excludes_sender);
  t.header.releasability = {Nation::USA};  // Japan's track Japan may not see
  expect_rejected(t, Rejection::label_excludes_sender);
  t.header.releasability = {Nation::JPN};
  EXPECT_TRUE(send(t));
}

// What the hub releases to a nation carries that nation in its label.
TEST_F(GatekeeperTest, HubLabelMustHoldTheRecipientsNation) {
  SystemTrack s = system_track(1);
  s.header.releasability = {Nation::USA, Nation::KOR};
  expect_rejected(jadge, s, Rejection::label_excludes_recipient);
  s.header.releasability = {};
  expect_rejected(jadge, s, Rejection::label_excludes_sender);
  s.header.releasability = {Nation::JPN};
  EXPECT_TRUE(send(jadge, s));
}

TEST_F(GatekeeperTest, LabelWiderThanTheSenderMayGrant) {
  LocalTrack t = jpn_track(1);
  t.header.releasability = Releasability::all();  // JPN may not grant KOR
  expect_rejected(t, Rejection::label_too_wide);
  t.header.releasability = {Nation::KOR, Nation::JPN};
  expect_rejected(t, Rejection::label_too_wide);
  t.header.releasability = {Nation::JPN};
  EXPECT_TRUE(send(t));
}

TEST_F(GatekeeperTest, TimeOfValidityWithinAWindowOfTheReceiveTime) {
  const GateLimits l;
  LocalTrack t = jpn_track(1);
  // A future-stamped track (it would never go stale at the hub and mask later reports).
  expect_rejected(gate, t, Rejection::time_ahead, "JADGE", t0.plus_seconds(-l.max_ahead_s - 0.01));
  expect_rejected(gate, t, Rejection::time_ahead, "JADGE", t0.plus_seconds(-3600.0));
  EXPECT_TRUE(gate.admit(t, "JADGE", t0.plus_seconds(-0.9 * l.max_ahead_s)));
  // A coasting local track keeps the time of its last update: old, but not older than a flight.
  t = jpn_track(2);
  t.status = TrackStatus::coasting;
  EXPECT_TRUE(gate.admit(t, "JADGE", t0.plus_seconds(600.0)));
  t = jpn_track(3);
  expect_rejected(gate, t, Rejection::time_too_old, "JADGE", t0.plus_seconds(l.max_age_s + 1.0));
  // Everything else is stamped when sent: at most a minute on the way.
  EXPECT_TRUE(jadge.admit(system_track(1), "INDOPACOM", t0.plus_seconds(0.9 * l.max_delay_s)));
  expect_rejected(jadge, system_track(2), Rejection::time_too_old, "INDOPACOM",
                  t0.plus_seconds(l.max_delay_s + 1.0));
  expect_rejected(jadge, alert(3), Rejection::time_too_old, "INDOPACOM", t0.plus_seconds(86400.0));
  // Times an adversary chose do not overflow.
  t = jpn_track(4);
  t.header.time_of_validity = geo::UtcTime{std::numeric_limits<std::int64_t>::min()};
  expect_rejected(gate, t, Rejection::time_too_old, "JADGE", t0);
  t.header.time_of_validity = geo::UtcTime{std::numeric_limits<std::int64_t>::max()};
  expect_rejected(gate, t, Rejection::time_ahead, "JADGE", t0);
}

TEST_F(GatekeeperTest, SequenceAndSessionMustBePossible) {
  LocalTrack t = jpn_track(0);
  expect_rejected(t, Rejection::bad_sequence);  // sequences start at 1
  t = jpn_track(std::numeric_limits<std::uint64_t>::max());
  expect_rejected(t, Rejection::bad_sequence);
  t = jpn_track(2'000'000'000'000);  // 600 s of session at a million a second is 6e8
  expect_rejected(t, Rejection::bad_sequence);
  t = jpn_track(1);
  t.header.session_start = t0.plus_seconds(10.0);  // a session that has not begun
  expect_rejected(t, Rejection::bad_sequence);
  // None of these locked JADGE out.
  EXPECT_FALSE(gate.last_sequence(Nation::JPN, "JADGE"));
  EXPECT_TRUE(send(jpn_track(1)));
  EXPECT_TRUE(send(jpn_track(500'000'000)));  // a gap is fine (display messages use numbers)
  EXPECT_EQ(gate.last_sequence(Nation::JPN, "JADGE"), 500'000'000u);
}

TEST_F(GatekeeperTest, PhysicallyImplausibleStates) {
  std::uint64_t seq = 1;
  auto bad_track = [&](auto spoil) {
    LocalTrack t = jpn_track(seq++);
    spoil(t);
    expect_rejected(t, Rejection::implausible_state);
  };
  bad_track([](LocalTrack& t) { t.position_ecef_m = Vector3::Zero(); });  // Earth's centre
  bad_track([](LocalTrack& t) {                                           // 100 km underground
    t.position_ecef_m = t.position_ecef_m.normalized() * 6.27e6;
  });
  bad_track([](LocalTrack& t) {  // the Moon's distance
    t.position_ecef_m = t.position_ecef_m.normalized() * 384'400e3;
  });
  bad_track([](LocalTrack& t) { t.velocity_ecef_mps = Vector3(0, 0, 10'001); });
  bad_track([](LocalTrack& t) { t.acceleration_ecef_mps2 = Vector3(0, 2'000, 0); });
  // Near the limits, admitted: 20 km under the ellipsoid (a coasting estimate), 4,500 km up,
  // 9.9 km/s, 30 g.
  LocalTrack ok = jpn_track(seq++);
  ok.position_ecef_m = ok.position_ecef_m.normalized() * 6.35e6;
  EXPECT_TRUE(send(ok));
  ok = jpn_track(seq++);
  ok.position_ecef_m = ok.position_ecef_m.normalized() * 10.87e6;
  ok.velocity_ecef_mps = Vector3(0, 9'900, 0);
  ok.acceleration_ecef_mps2 = Vector3(0, 0, 300);
  EXPECT_TRUE(send(ok));

  SystemTrack s = system_track(1);
  s.velocity_ecef_mps = Vector3(3e5, 0, 0);
  expect_rejected(jadge, s, Rejection::implausible_state);
  LaunchReport lr = launch_report(2);
  lr.launch_point_ecef_m = Vector3(1e3, 0, 0);
  expect_rejected(jadge, lr, Rejection::implausible_state);
  ImpactPrediction ip = impact_prediction(3);
  ip.impact_point_ecef_m *= 100.0;
  expect_rejected(jadge, ip, Rejection::implausible_state);
}

TEST_F(GatekeeperTest, CovarianceNotSymmetricPositiveSemiDefinite) {
  LocalTrack asym = jpn_track(1);
  asym.covariance(0, 1) = 1.0;
  expect_rejected(asym, Rejection::bad_covariance);
  LocalTrack negative = jpn_track(2);
  negative.covariance(4, 4) = -1.0;
  expect_rejected(negative, Rejection::bad_covariance);
  LocalTrack indefinite = jpn_track(3);  // symmetric, positive diagonal, an eigenvalue -50
  indefinite.covariance(0, 1) = indefinite.covariance(1, 0) = 150.0;
  expect_rejected(indefinite, Rejection::bad_covariance);
  LaunchReport lr = launch_report(4);
  lr.launch_point_covariance_m2(2, 2) = -4.0;
  expect_rejected(jadge, lr, Rejection::bad_covariance);
}

// Positive definite with every sigma within bounds: a near-zero covariance would dominate
// covariance-intersection fusion, an absurd one says nothing.
TEST_F(GatekeeperTest, CovarianceSigmasWithinBounds) {
  const GateLimits l;
  std::uint64_t seq = 1;
  auto bad_track = [&](auto spoil) {
    LocalTrack t = jpn_track(seq++);
    spoil(t);
    expect_rejected(t, Rejection::covariance_out_of_bounds);
  };
  bad_track([](LocalTrack& t) { t.covariance(5, 5) = 0.0; });  // singular
  bad_track([&](LocalTrack& t) {                               // a 1 mm position sigma
    t.covariance.topLeftCorner<3, 3>() = Matrix3::Identity() * 1e-6;
    t.covariance(0, 3) = t.covariance(3, 0) = 0.0;
  });
  bad_track([&](LocalTrack& t) { t.covariance(1, 1) = std::pow(2.0 * l.max_position_sigma_m, 2); });
  bad_track([&](LocalTrack& t) { t.covariance(4, 4) = std::pow(20e3, 2); });
  bad_track([&](LocalTrack& t) {  // singular in position: two axes perfectly correlated
    t.covariance(0, 3) = t.covariance(3, 0) = 0.0;
    t.covariance(0, 1) = t.covariance(1, 0) = 100.0;
  });
  // Just inside, admitted.
  LocalTrack ok = jpn_track(seq++);
  ok.covariance = Matrix6::Identity();
  ok.covariance.topLeftCorner<3, 3>() *= std::pow(2.0 * l.min_position_sigma_m, 2);
  ok.covariance.bottomRightCorner<3, 3>() *= std::pow(2.0 * l.min_velocity_sigma_mps, 2);
  EXPECT_TRUE(send(ok));

  LaunchReport lr = launch_report(1);
  lr.launch_point_covariance_m2 = Matrix3::Identity() * 1e-4;
  expect_rejected(jadge, lr, Rejection::covariance_out_of_bounds);
}

TEST_F(GatekeeperTest, FieldsOutOfRange) {
  std::uint64_t seq = 1;
  auto expect_bad = [&](Message m) {
    header(m).sequence = seq++;
    expect_rejected(jadge, m, Rejection::field_out_of_range);
  };
  ImpactPrediction ip = impact_prediction(0);
  ip.semi_minor_m = 30e3;  // minor above major
  expect_bad(ip);
  ip = impact_prediction(0);
  ip.semi_minor_m = 0.0;
  expect_bad(ip);
  ip = impact_prediction(0);
  ip.semi_major_m = 25'000e3;
  expect_bad(ip);
  ip = impact_prediction(0);
  ip.major_axis_azimuth_rad = 10.0;
  expect_bad(ip);
  ip = impact_prediction(0);
  ip.time_of_impact = t0.plus_seconds(-100.0);
  expect_bad(ip);
  ip.time_of_impact = t0.plus_seconds(1e5);
  expect_bad(ip);
  LaunchReport lr = launch_report(0);
  lr.launch_time_sigma_s = 0.0;
  expect_bad(lr);
  lr.launch_time_sigma_s = 1e5;
  expect_bad(lr);
  lr = launch_report(0);
  lr.launch_time = t0.plus_seconds(30.0);  // launched after the report's time of validity
  expect_bad(lr);
  lr.launch_time = t0.plus_seconds(-1e5);
  expect_bad(lr);
  Alert a = alert(0);
  a.time_to_impact_s = -1.0;
  expect_bad(a);
  a.time_to_impact_s = 1e5;
  expect_bad(a);
  a = alert(0);
  a.areas.assign(1000, "Hokkaido");
  expect_bad(a);
  a = alert(0);
  a.areas = {""};
  expect_bad(a);
  a = alert(0);
  a.text.assign(5000, 'x');
  expect_bad(a);
  SystemTrack s = system_track(0);
  s.contributions.assign(100, Contribution{Nation::JPN, 5});
  expect_bad(s);
  EXPECT_EQ(jadge.admitted(), 0u);
  // The same messages within range are admitted.
  for (Message m :
       std::vector<Message>{impact_prediction(0), launch_report(0), alert(0), system_track(0)}) {
    header(m).sequence = seq++;
    EXPECT_TRUE(send(jadge, m)) << to_string(type_of(m));
  }
}

TEST_F(GatekeeperTest, NodeHealthCountsInRange) {
  Policy p = test_policy();
  p.shared.push_back(SharedType{MessageType::node_health, {Nation::USA}});
  Gatekeeper g(p, at_hub());
  NodeHealth h;
  h.header = from(Nation::KOR, "KAMD", 1, {Nation::USA, Nation::KOR});
  h.radars_total = 3;
  h.radars_operating = 4;
  expect_rejected(g, h, Rejection::field_out_of_range);
  h.radars_operating = 2;
  h.links.assign(1, LinkState{"", LinkStatus::up});
  expect_rejected(g, h, Rejection::field_out_of_range);
  h.links.assign(1, LinkState{"INDOPACOM", LinkStatus::up});
  EXPECT_TRUE(send(g, h));
}

TEST_F(GatekeeperTest, CapOnLiveTrackIdsPerOriginator) {
  GateLimits l;
  l.max_track_ids = 3;
  Gatekeeper g(policy, at_hub(l));
  std::uint64_t seq = 1;
  auto track = [&](std::uint64_t id, double t_s, TrackStatus status = TrackStatus::confirmed) {
    LocalTrack t = jpn_track(seq++);
    t.track_id = id;
    t.status = status;
    t.header.time_of_validity = t0.plus_seconds(t_s);
    return t;
  };
  for (std::uint64_t id = 1; id <= 3; ++id) EXPECT_TRUE(send(g, track(id, 0.0))) << id;
  expect_rejected(g, track(4, 0.5), Rejection::too_many_tracks);
  EXPECT_TRUE(send(g, track(2, 1.0)));  // a live id is not new
  LocalTrack kor = jpn_track(1);
  kor.header = from(Nation::KOR, "KAMD", 1, {Nation::USA, Nation::KOR});
  kor.track_id = 4;
  EXPECT_TRUE(send(g, kor));  // another originator has its own ids
  // An id reported dropped is no longer live.
  EXPECT_TRUE(send(g, track(1, 2.0, TrackStatus::dropped)));
  EXPECT_EQ(g.live_track_ids(Nation::JPN, "JADGE"), 2u);
  EXPECT_TRUE(send(g, track(4, 2.5)));
  expect_rejected(g, track(5, 3.0), Rejection::too_many_tracks);
  // Ids not reported for track_id_expiry_s expire.
  EXPECT_TRUE(send(g, track(2, 40.0)));
  EXPECT_TRUE(send(g, track(5, 3.0 + l.track_id_expiry_s + 1.0)));
  EXPECT_EQ(g.live_track_ids(Nation::JPN, "JADGE"), 2u);  // 2 and 5
}

TEST_F(GatekeeperTest, ReplayIsPerOriginator) {
  EXPECT_TRUE(send(jpn_track(10)));
  expect_rejected(jpn_track(10), Rejection::replay);
  expect_rejected(jpn_track(3), Rejection::replay);
  // Another node of the same nation, and another nation, have their own sequences.
  LocalTrack other = jpn_track(3);
  other.header.originator.node = "JADGE-2";
  EXPECT_TRUE(send(other));
  LocalTrack kor = jpn_track(3);
  kor.header = from(Nation::KOR, "KAMD", 3, {Nation::USA, Nation::KOR});
  EXPECT_TRUE(send(kor));
  EXPECT_TRUE(send(jpn_track(11)));
  EXPECT_EQ(gate.last_sequence(Nation::JPN, "JADGE"), 11u);
  EXPECT_EQ(gate.last_sequence(Nation::JPN, "JADGE-2"), 3u);
  EXPECT_FALSE(gate.last_sequence(Nation::USA, "INDOPACOM"));
}

// A restarted node (a later session, numbering from 1 again) is admitted at once; what its
// earlier session sent is a replay from then on.
TEST_F(GatekeeperTest, RestartedNodeIsAdmittedAndItsOldSessionIsAReplay) {
  for (std::uint64_t s = 1; s <= 20; ++s) {
    const Verdict v = send(jpn_track(s));
    ASSERT_TRUE(v);
    EXPECT_FALSE(v.restarted) << "sequence " << s;  // the first session is no restart
  }
  const geo::UtcTime restart = t0.plus_seconds(5.0);
  auto after_restart = [&](std::uint64_t seq, double dt_s) {
    LocalTrack t = jpn_track(seq);
    t.header.session_start = restart;
    t.header.time_of_validity = restart.plus_seconds(dt_s);
    return t;
  };
  const Verdict first = send(after_restart(1, 1.0));
  EXPECT_TRUE(first);
  EXPECT_TRUE(first.restarted);
  EXPECT_EQ(gate.session(Nation::JPN, "JADGE"), restart);
  EXPECT_EQ(gate.last_sequence(Nation::JPN, "JADGE"), 1u);
  EXPECT_TRUE(send(after_restart(2, 2.0)));
  expect_rejected(after_restart(2, 2.5), Rejection::replay);
  LocalTrack old = jpn_track(21);  // the earlier session, even with a new sequence number
  old.header.time_of_validity = restart.plus_seconds(3.0);
  expect_rejected(old, Rejection::replay);
  const Verdict third = send(after_restart(3, 3.0));
  EXPECT_TRUE(third);
  EXPECT_FALSE(third.restarted);
}

TEST_F(GatekeeperTest, RejectedMessagesDoNotAdvanceTheSequence) {
  LocalTrack bad = jpn_track(50);
  bad.position_ecef_m.y() = not_a_number;
  expect_rejected(bad, Rejection::non_finite);
  EXPECT_FALSE(gate.last_sequence(Nation::JPN, "JADGE"));
  EXPECT_TRUE(send(jpn_track(1)));
}

TEST(Gatekeeper, EveryReasonHasItsOwnName) {
  std::set<std::string_view> names;
  for (Rejection r : all_rejections) {
    EXPECT_NE(to_string(r), "?");
    names.insert(to_string(r));
  }
  EXPECT_EQ(names.size(), rejection_count);
  EXPECT_EQ(static_cast<std::size_t>(all_rejections.back()) + 1, rejection_count);
}

TEST(Policy, ReleaseIsTheLabelNarrowedToWhatTheSenderMayGrant) {
  const Policy p = test_policy();
  LocalTrack t = jpn_track(1);
  EXPECT_EQ(p.release_to(Message{t}), (Releasability{Nation::USA, Nation::JPN}));
  t.header.releasability = Releasability::all();  // too wide: KOR is dropped
  EXPECT_EQ(p.release_to(Message{t}), (Releasability{Nation::USA, Nation::JPN}));
  t.header.originator.node = "nobody";
  EXPECT_TRUE(p.release_to(Message{t}).empty());
  Detection d;
  d.header = from(Nation::USA, "INDOPACOM", 1, Releasability::all());
  EXPECT_TRUE(p.release_to(Message{d}).empty());
  EXPECT_EQ(p.label_for(MessageType::alert, Nation::KOR),
            (Releasability{Nation::USA, Nation::KOR}));
  EXPECT_TRUE(p.label_for(MessageType::node_health, Nation::USA).empty());
  EXPECT_FALSE(p.check()) << *p.check();
}

TEST(Policy, ALabelAlwaysHoldsTheSendersNation) {
  Policy p = test_policy();
  for (auto& s : p.shared) s.default_label = {Nation::USA};
  EXPECT_EQ(p.label_for(MessageType::local_track, Nation::JPN),
            (Releasability{Nation::USA, Nation::JPN}));
  EXPECT_EQ(p.label_for(MessageType::alert, Nation::USA), (Releasability{Nation::USA}));
  // A nation that may not grant its own nation is an inconsistent policy.
  p = test_policy();
  p.nations[1].max_label = {Nation::USA};
  ASSERT_TRUE(p.check());
  EXPECT_NE(p.check()->find("JPN"), std::string::npos) << *p.check();
}

TEST(Policy, PerNationViewFusesOnlyReleasableContributions) {
  const Policy p = test_policy();
  LocalTrack jpn_usa_only = jpn_track(1);  // USA|JPN
  LocalTrack kor_all = jpn_track(1);
  kor_all.header = from(Nation::KOR, "KAMD", 1, {Nation::USA, Nation::KOR});
  kor_all.track_id = 9;
  LocalTrack usa = jpn_track(1);
  usa.header = from(Nation::USA, "INDOPACOM", 1, Releasability::all());
  usa.track_id = 77;
  const std::vector<LocalTrack> all{jpn_usa_only, kor_all, usa};
  auto ids = [&](Nation n) {
    std::vector<std::uint64_t> out;
    for (const auto& t : view_for(p, n, all)) out.push_back(t.track_id);
    return out;
  };
  EXPECT_EQ(ids(Nation::USA), (std::vector<std::uint64_t>{5, 9, 77}));
  EXPECT_EQ(ids(Nation::JPN), (std::vector<std::uint64_t>{5, 77}));
  EXPECT_EQ(ids(Nation::KOR), (std::vector<std::uint64_t>{9, 77}));
}

TEST(Policy, EveryReleaseIsPlannedWithItsLabel) {
  const Policy p = test_policy();
  const LocalTrack t = jpn_track(42);
  const auto releases = plan_releases(p, Message{t});
  ASSERT_EQ(releases.size(), 2u);
  EXPECT_EQ(releases[0].recipient, Nation::USA);
  EXPECT_EQ(releases[1].recipient, Nation::JPN);
  for (const auto& r : releases) {
    EXPECT_EQ(r.type, MessageType::local_track);
    EXPECT_EQ(r.sequence, 42u);
    EXPECT_EQ(r.originator, t.header.originator);
    EXPECT_EQ(r.label, t.header.releasability);
    EXPECT_EQ(r.time_of_validity, t.header.time_of_validity);
  }
}

TEST(Policy, CheckFindsInconsistencies) {
  Policy p = test_policy();
  p.nations.push_back(p.nations.front());
  EXPECT_TRUE(p.check());
  p = test_policy();
  p.nations[2].nodes.push_back("JADGE");
  EXPECT_TRUE(p.check());
  p = test_policy();
  p.shared.push_back(SharedType{MessageType::detection, {Nation::USA}});
  EXPECT_TRUE(p.check());
  p = test_policy();
  p.shared.push_back(p.shared.front());
  EXPECT_TRUE(p.check());
}
