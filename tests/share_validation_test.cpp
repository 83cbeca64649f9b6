#include <gtest/gtest.h>

#include <limits>

#include "share/boundary.hpp"
#include "share/policy.hpp"
#include "share/validation.hpp"

using namespace trilink;
using namespace trilink::share;

namespace {

constexpr double not_a_number = std::numeric_limits<double>::quiet_NaN();
constexpr double infinity = std::numeric_limits<double>::infinity();

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

Header from(Nation n, std::string node, std::uint64_t seq, Releasability label) {
  Header h;
  h.originator = Originator{n, std::move(node), std::nullopt};
  h.sequence = seq;
  h.time_of_validity = geo::UtcTime{1'511'893'020'000'000'000};
  h.releasability = label;
  return h;
}

LocalTrack jpn_track(std::uint64_t seq) {
  LocalTrack t;
  t.header = from(Nation::JPN, "JADGE", seq, {Nation::USA, Nation::JPN});
  t.track_id = 5;
  t.position_ecef_m = Vector3(-3.9e6, 3.4e6, 3.7e6);
  t.velocity_ecef_mps = Vector3(1000, -500, 2000);
  t.covariance = Matrix6::Identity() * 100.0;
  t.covariance(0, 3) = t.covariance(3, 0) = 5.0;
  t.status = TrackStatus::confirmed;
  t.phase = FlightPhase::midcourse;
  return t;
}

class GatekeeperTest : public ::testing::Test {
 protected:
  Policy policy = test_policy();
  Gatekeeper gate{policy};

  void expect_rejected(const Message& m, Rejection r) {
    const auto before = gate.rejected(r);
    const auto admitted = gate.admitted();
    const Verdict v = gate.admit(m);
    ASSERT_FALSE(v.admitted());
    EXPECT_EQ(*v.rejection, r) << to_string(*v.rejection) << ": " << v.detail;
    EXPECT_FALSE(v.detail.empty());
    EXPECT_EQ(gate.rejected(r), before + 1);
    EXPECT_EQ(gate.admitted(), admitted);
  }
};

}  // namespace

TEST_F(GatekeeperTest, ValidMessagesOfEverySharedTypePass) {
  std::uint64_t seq = 1;
  const Header usa = from(Nation::USA, "INDOPACOM", 0, Releasability::all());
  SystemTrack st;
  st.header = usa;
  st.covariance = Matrix6::Identity();
  st.contributions = {{Nation::JPN, 5}, {Nation::KOR, 9}};
  LaunchReport lr;
  lr.header = usa;
  lr.launch_time_sigma_s = 2;
  ImpactPrediction ip;
  ip.header = usa;
  ip.semi_major_m = 20e3;
  ip.semi_minor_m = 5e3;
  Alert al;
  al.header = usa;
  al.level = AlertLevel::threat;
  al.areas = {"Hokkaido"};
  al.time_to_impact_s = 240;
  std::vector<Message> all{jpn_track(1), st, lr, ip, al};
  for (auto& m : all) {
    header(m).sequence = seq++;
    const Verdict v = gate.admit(m);
    EXPECT_TRUE(v) << to_string(type_of(m)) << ": " << v.detail;
  }
  EXPECT_EQ(gate.admitted(), all.size());
  EXPECT_EQ(gate.rejected_total(), 0u);
}

TEST_F(GatekeeperTest, UnsupportedSchema) {
  LocalTrack t = jpn_track(1);
  t.header.schema_version = schema_version + 1;
  expect_rejected(t, Rejection::unsupported_schema);
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

  Alert a;
  a.header = from(Nation::USA, "INDOPACOM", seq++, Releasability::all());
  a.time_to_impact_s = not_a_number;
  expect_rejected(a, Rejection::non_finite);
  ImpactPrediction ip;
  ip.header = from(Nation::USA, "INDOPACOM", seq++, Releasability::all());
  ip.semi_major_m = -infinity;
  expect_rejected(ip, Rejection::non_finite);
  LaunchReport lr;
  lr.header = from(Nation::USA, "INDOPACOM", seq++, Releasability::all());
  lr.launch_time_sigma_s = not_a_number;
  expect_rejected(lr, Rejection::non_finite);
  EXPECT_EQ(gate.rejected(Rejection::non_finite), 7u);
}

TEST_F(GatekeeperTest, UnknownOriginator) {
  LocalTrack t = jpn_track(1);
  t.header.originator.node = "KAMD";  // a Korean node claiming to be Japanese
  expect_rejected(t, Rejection::unknown_originator);
  t.header.originator.node = "ROGUE";
  expect_rejected(t, Rejection::unknown_originator);
  Policy two_nations = test_policy();
  two_nations.nations.pop_back();
  Gatekeeper g(two_nations);
  LocalTrack k = jpn_track(1);
  k.header = from(Nation::KOR, "KAMD", 1, {Nation::KOR});
  EXPECT_EQ(g.admit(k).rejection, Rejection::unknown_originator);
  EXPECT_EQ(g.rejected(Rejection::unknown_originator), 1u);
}

TEST_F(GatekeeperTest, TypesNotSharedNeverPass) {
  Detection d;
  d.header = from(Nation::KOR, "KAMD", 1, {Nation::KOR});
  expect_rejected(d, Rejection::type_not_shared);
  NodeHealth h;
  h.header = from(Nation::KOR, "KAMD", 2, {Nation::KOR});
  expect_rejected(h, Rejection::type_not_shared);
}

TEST_F(GatekeeperTest, SensorIdentity) {
  LocalTrack t = jpn_track(1);
  t.header.originator.sensor = 7;
  expect_rejected(t, Rejection::sensor_identity);
  t.header.originator.sensor.reset();
  t.sensors.push_back(SensorInfo{7, "fps-5", Vector3(1, 2, 3)});
  expect_rejected(t, Rejection::sensor_identity);
  EXPECT_TRUE(gate.admit(strip_sensor_identity(t)));
}

TEST_F(GatekeeperTest, LabelWiderThanTheSenderMayGrant) {
  LocalTrack t = jpn_track(1);
  t.header.releasability = Releasability::all();  // JPN may not grant KOR
  expect_rejected(t, Rejection::label_too_wide);
  t.header.releasability = {Nation::KOR};
  expect_rejected(t, Rejection::label_too_wide);
  t.header.releasability = {Nation::JPN};
  EXPECT_TRUE(gate.admit(t));
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
  LaunchReport lr;
  lr.header = from(Nation::USA, "INDOPACOM", 4, Releasability::all());
  lr.launch_point_covariance_m2(2, 2) = -4.0;
  expect_rejected(lr, Rejection::bad_covariance);
  LocalTrack singular = jpn_track(5);  // positive semi-definite is allowed
  singular.covariance(5, 5) = 0.0;
  EXPECT_TRUE(gate.admit(singular));
}

TEST_F(GatekeeperTest, ReplayIsPerOriginator) {
  EXPECT_TRUE(gate.admit(jpn_track(10)));
  expect_rejected(jpn_track(10), Rejection::replay);
  expect_rejected(jpn_track(3), Rejection::replay);
  // Another node of the same nation, and another nation, have their own sequences.
  LocalTrack other = jpn_track(3);
  other.header.originator.node = "JADGE-2";
  EXPECT_TRUE(gate.admit(other));
  LocalTrack kor = jpn_track(3);
  kor.header = from(Nation::KOR, "KAMD", 3, {Nation::USA, Nation::KOR});
  EXPECT_TRUE(gate.admit(kor));
  EXPECT_TRUE(gate.admit(jpn_track(11)));
  EXPECT_EQ(gate.last_sequence(Nation::JPN, "JADGE"), 11u);
  EXPECT_EQ(gate.last_sequence(Nation::JPN, "JADGE-2"), 3u);
  EXPECT_FALSE(gate.last_sequence(Nation::USA, "INDOPACOM"));
}

TEST_F(GatekeeperTest, RejectedMessagesDoNotAdvanceTheSequence) {
  LocalTrack bad = jpn_track(50);
  bad.position_ecef_m.y() = not_a_number;
  expect_rejected(bad, Rejection::non_finite);
  EXPECT_FALSE(gate.last_sequence(Nation::JPN, "JADGE"));
  EXPECT_TRUE(gate.admit(jpn_track(1)));
}

TEST_F(GatekeeperTest, EveryReasonIsCountedApart) {
  LocalTrack t = jpn_track(1);
  t.header.schema_version = 0;
  (void)gate.admit(t);
  t = jpn_track(1);
  t.position_ecef_m.x() = not_a_number;
  (void)gate.admit(t);
  t = jpn_track(1);
  t.header.originator.node = "nobody";
  (void)gate.admit(t);
  Detection d;
  d.header = from(Nation::JPN, "JADGE", 1, {Nation::JPN});
  (void)gate.admit(d);
  t = jpn_track(1);
  t.header.originator.sensor = 2;
  (void)gate.admit(t);
  t = jpn_track(1);
  t.header.releasability = Releasability::all();
  (void)gate.admit(t);
  t = jpn_track(1);
  t.covariance(1, 1) = -3;
  (void)gate.admit(t);
  EXPECT_TRUE(gate.admit(jpn_track(1)));
  (void)gate.admit(jpn_track(1));
  for (Rejection r : all_rejections) EXPECT_EQ(gate.rejected(r), 1u) << to_string(r);
  EXPECT_EQ(gate.rejected_total(), rejection_count);
  EXPECT_EQ(gate.admitted(), 1u);
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
