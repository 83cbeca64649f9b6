// The live runtime's pieces that need no network: share:: <-> IDL conversion (every message
// type round-trips; a sample that cannot be a trilink message is refused with its reason), the
// per-participant Cyclone configuration (pinned to an interface, multicast off, and refused
// otherwise), the deployment file's errors and the PKI's files.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>

#include "bus/config.hpp"
#include "bus/pki.hpp"
#include "bus/wire.hpp"
#include "io/deploy_file.hpp"
#include "record/codec.hpp"
#include "trilink.h"

namespace trilink::bus {
namespace {

share::Header header(Nation n, const std::string& node, std::uint64_t seq) {
  share::Header h;
  h.originator = {n, node, std::nullopt};
  h.session_start = geo::UtcTime{1'664'835'720'000'000'000};
  h.sequence = seq;
  h.time_of_validity = geo::UtcTime{1'664'835'780'123'456'789};
  h.releasability = {Nation::USA, n};
  return h;
}

share::Matrix6 spd6() {
  share::Matrix6 m = share::Matrix6::Identity() * 100.0;
  m(0, 1) = m(1, 0) = 3.5;
  m(3, 4) = m(4, 3) = -0.25;
  return m;
}

std::vector<share::Message> samples() {
  share::LocalTrack lt;
  lt.header = header(Nation::JPN, "JADGE", 7);
  lt.track_id = 42;
  lt.position_ecef_m = {-3.9e6, 3.4e6, 3.7e6};
  lt.velocity_ecef_mps = {1200.5, -300.25, 2000.0};
  lt.acceleration_ecef_mps2 = share::Vector3{1.0, -2.0, 9.5};
  lt.covariance = spd6();
  lt.status = TrackStatus::confirmed;
  lt.phase = share::FlightPhase::midcourse;
  share::SystemTrack st;
  st.header = header(Nation::USA, "INDOPACOM", 9);
  st.system_track_id = 3;
  st.position_ecef_m = {1, 2, 3};
  st.velocity_ecef_mps = {4, 5, 6};
  st.covariance = spd6();
  st.status = TrackStatus::coasting;
  st.phase = share::FlightPhase::terminal;
  st.contributions = {{Nation::JPN, 42}, {Nation::KOR, 17}};
  share::LaunchReport lr;
  lr.header = header(Nation::USA, "INDOPACOM", 10);
  lr.system_track_id = 3;
  lr.launch_point_ecef_m = {-3.0e6, 4.0e6, 4.1e6};
  lr.launch_point_covariance_m2 = share::Matrix3::Identity() * 2.5e6;
  lr.launch_point_covariance_m2(0, 2) = lr.launch_point_covariance_m2(2, 0) = 1e5;
  lr.launch_time = geo::UtcTime{1'664'835'720'500'000'000};
  lr.launch_time_sigma_s = 2.5;
  share::ImpactPrediction ip;
  ip.header = header(Nation::USA, "INDOPACOM", 11);
  ip.system_track_id = 3;
  ip.impact_point_ecef_m = {-4.0e6, 3.0e6, 3.9e6};
  ip.semi_major_m = 25e3;
  ip.semi_minor_m = 8e3;
  ip.major_axis_azimuth_rad = 1.25;
  ip.time_of_impact = geo::UtcTime{1'664'837'000'000'000'000};
  share::Alert al;
  al.header = header(Nation::USA, "INDOPACOM", 12);
  al.alert_id = 77;
  al.system_track_id = 3;
  al.level = share::AlertLevel::threat;
  al.areas = {"Japan land", "Japan territorial sea"};
  al.time_to_impact_s = 245.5;
  al.text = "threat: Japan land";
  share::NodeHealth nh;
  nh.header = header(Nation::KOR, "KAMD", 13);
  nh.heartbeat = 5;
  nh.radars_operating = 3;
  nh.radars_total = 4;
  nh.links = {{"INDOPACOM", share::LinkStatus::degraded}};
  return {lt, st, lr, ip, al, nh};
}

TEST(Wire, EveryMessageTypeRoundTrips) {
  for (const auto& m : samples()) {
    const Encoded e = encode(m);
    EXPECT_EQ(e.topic(), topic_of(share::type_of(m)));
    const Decoded d = decode(e.topic(), e.sample());
    ASSERT_FALSE(d.rejection) << to_string(*d.rejection) << ": " << d.detail;
    const auto* back = std::get_if<share::Message>(&d.value);
    ASSERT_NE(back, nullptr);
    // The codec's JSON is the recording's exact form of a message: equal JSON, equal message.
    EXPECT_EQ(record::encode(*back), record::encode(m)) << share::to_string(share::type_of(m));
  }
}

TEST(Wire, ALookRoundTripsWithItsPlots) {
  Look l;
  l.nation = Nation::KOR;
  l.sensor_id = 2;
  l.time = geo::UtcTime{1'664'835'800'000'000'000};
  l.header = header(Nation::KOR, "Green-Pine", 1);
  l.header.originator.sensor = 2;
  l.header.releasability = {Nation::KOR};
  for (int i = 0; i < 3; ++i) {
    share::Detection d;
    d.header = l.header;
    d.header.sequence = 10 + i;
    d.header.time_of_validity = l.time;
    d.sensor_id = 2;
    d.range_m = 1e6 + i;
    d.az_rad = 0.5;
    d.el_rad = 0.2;
    if (i == 1) {
      d.range_rate_mps = -300.0;
      d.sigma_range_rate_mps = 1.0;
    }
    d.sigma_range_m = 5;
    d.sigma_az_rad = 1e-3;
    d.sigma_el_rad = 1e-3;
    l.plots.push_back(d);
  }
  const Encoded e = encode(l);
  ASSERT_EQ(e.topic(), Topic::radar_look);
  const Decoded d = decode(e.topic(), e.sample());
  ASSERT_FALSE(d.rejection) << d.detail;
  const Look& back = std::get<Look>(d.value);
  EXPECT_EQ(back.sensor_id, 2u);
  EXPECT_EQ(back.time, l.time);
  ASSERT_EQ(back.plots.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i)
    EXPECT_EQ(record::encode(back.plots[i]), record::encode(l.plots[i])) << i;
}

// An infrared frame carries its satellite's position once and each plot's focal-plane angles;
// the decoded plots are the sensor's again (the frame's sensor id, time and satellite position).
// A NaN angle is refused as non-finite, never handed to a tracker.
TEST(Wire, AnInfraredFrameRoundTripsAndANaNAngleIsRefused) {
  InfraredFrame f;
  f.nation = Nation::USA;
  f.sensor_id = 1;
  f.time = geo::UtcTime{1'664'835'800'000'000'000};
  f.satellite_ecef_m = {-3.65e7, 2.1e7, 0.0};
  f.header = header(Nation::USA, "IR-HEO-1", 4);
  f.header.originator.sensor = 1;
  f.header.releasability = {Nation::USA};
  for (int i = 0; i < 2; ++i) {
    sensor::IrPlot p;
    p.satellite_index = 1;
    p.t = f.time;
    p.satellite_ecef_m = f.satellite_ecef_m;
    p.alpha_rad = 0.01 * (i + 1);
    p.beta_rad = -0.02;
    p.sigma_rad = 20e-6;
    f.plots.push_back(p);
  }
  const Encoded e = encode(f);
  ASSERT_EQ(e.topic(), Topic::infrared_frame);
  EXPECT_EQ(topic_name(e.topic()), "InfraredFrame");
  const Decoded d = decode(e.topic(), e.sample());
  ASSERT_FALSE(d.rejection) << d.detail;
  const InfraredFrame& back = std::get<InfraredFrame>(d.value);
  EXPECT_EQ(back.sensor_id, 1u);
  EXPECT_EQ(back.time, f.time);
  EXPECT_EQ(header_of(d.value).originator.node, "IR-HEO-1");
  ASSERT_EQ(back.plots.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(back.plots[i].satellite_index, 1u);
    EXPECT_EQ(back.plots[i].t, f.time);
    EXPECT_EQ(back.plots[i].satellite_ecef_m, f.satellite_ecef_m);
    EXPECT_EQ(back.plots[i].alpha_rad, f.plots[i].alpha_rad);
    EXPECT_EQ(back.plots[i].beta_rad, f.plots[i].beta_rad);
    EXPECT_EQ(back.plots[i].sigma_rad, f.plots[i].sigma_rad);
  }
  trilink_wire_InfraredFrame w = *static_cast<const trilink_wire_InfraredFrame*>(e.sample());
  w.plots._buffer[1].alpha_rad = std::numeric_limits<double>::quiet_NaN();
  const Decoded nan = decode(Topic::infrared_frame, &w);
  ASSERT_TRUE(nan.rejection);
  EXPECT_EQ(*nan.rejection, WireRejection::non_finite);
  w = *static_cast<const trilink_wire_InfraredFrame*>(e.sample());
  w.sensor_id = 2;  // the key says another satellite than the header
  const Decoded other = decode(Topic::infrared_frame, &w);
  ASSERT_TRUE(other.rejection);
  EXPECT_EQ(*other.rejection, WireRejection::key_mismatch);
}

// Encodes the first sample of type T, lets `spoil` change the C struct, decodes.
template <typename W>
Decoded spoiled(std::size_t index, auto spoil) {
  const Encoded e = encode(samples()[index]);
  W w = *static_cast<const W*>(e.sample());
  spoil(w);
  return decode(e.topic(), &w);
}

TEST(Wire, RefusesWhatCannotBeATrilinkMessage) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  struct Case {
    const char* what;
    Decoded d;
    WireRejection expected;
  };
  const std::vector<Case> cases = {
      {"NaN position",
       spoiled<trilink_wire_LocalTrack>(0, [&](auto& w) { w.position_ecef_m[1] = nan; }),
       WireRejection::non_finite},
      {"infinite covariance",
       spoiled<trilink_wire_SystemTrack>(
           1, [&](auto& w) { w.covariance_si[7] = std::numeric_limits<double>::infinity(); }),
       WireRejection::non_finite},
      {"schema 1",
       spoiled<trilink_wire_LocalTrack>(0, [](auto& w) { w.header.schema_version = 1; }),
       WireRejection::unsupported_schema},
      {"nation 3", spoiled<trilink_wire_Alert>(4, [](auto& w) { w.header.originator_nation = 3; }),
       WireRejection::bad_nation},
      {"status 9", spoiled<trilink_wire_LocalTrack>(0, [](auto& w) { w.status = 9; }),
       WireRejection::bad_enum},
      {"alert level 6", spoiled<trilink_wire_Alert>(4, [](auto& w) { w.level = 6; }),
       WireRejection::bad_enum},
      {"label bit 3",
       spoiled<trilink_wire_LaunchReport>(2, [](auto& w) { w.header.releasability_mask = 8; }),
       WireRejection::bad_label},
      {"key nation KOR, header JPN",
       spoiled<trilink_wire_LocalTrack>(0, [](auto& w) { w.nation = 2; }),
       WireRejection::key_mismatch},
      {"health key names another node",
       spoiled<trilink_wire_NodeHealth>(5, [](auto& w) { std::strcpy(w.node, "JADGE"); }),
       WireRejection::key_mismatch},
      {"unterminated text",
       spoiled<trilink_wire_Alert>(4, [](auto& w) { std::memset(w.text, 'x', sizeof w.text); }),
       WireRejection::bad_string},
      {"contribution nation 7",
       spoiled<trilink_wire_SystemTrack>(1,
                                         [](auto& w) {
                                           static trilink_wire_Contribution c[1] = {{7, 1}};
                                           w.contributions._buffer = c;
                                           w.contributions._length = 1;
                                         }),
       WireRejection::bad_nation},
  };
  for (const auto& c : cases) {
    ASSERT_TRUE(c.d.rejection) << c.what;
    EXPECT_EQ(*c.d.rejection, c.expected) << c.what << ": " << c.d.detail;
  }
}

TEST(Config, PinsTheInterfaceAndTurnsMulticastOff) {
  const std::string xml = cyclone_config({"127.0.0.1", {"127.0.0.1"}, 10.0, 40}, std::nullopt);
  EXPECT_NE(xml.find("<NetworkInterface address=\"127.0.0.1\"/>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<AllowMulticast>false</AllowMulticast>"), std::string::npos);
  EXPECT_NE(xml.find("<Peer address=\"127.0.0.1\"/>"), std::string::npos);
  EXPECT_EQ(xml.find("<Security>"), std::string::npos);
  EXPECT_FALSE(network_problem(xml)) << *network_problem(xml);
  const std::string named = cyclone_config({"veth1", {"198.51.100.2"}, 10.0, 40}, std::nullopt);
  EXPECT_NE(named.find("<NetworkInterface name=\"veth1\"/>"), std::string::npos);
  EXPECT_FALSE(network_problem(named));
  // Announcements (SPDP) every announce_s: a peer lost in a long cut is found again soon.
  EXPECT_NE(xml.find("<SPDPInterval>0.500 s</SPDPInterval>"), std::string::npos) << xml;
  SecurityFiles f{"/p/ca.pem",  "/p/id.pem",  "/p/key.pem",
                  "/p/pca.pem", "/p/gov.p7s", "/p/perm.p7s"};
  const std::string sec = cyclone_config({"127.0.0.1", {}, 10.0, 40}, f);
  EXPECT_NE(sec.find("<IdentityCertificate>file:/p/id.pem</IdentityCertificate>"),
            std::string::npos);
  EXPECT_NE(sec.find("<Governance>file:/p/gov.p7s</Governance>"), std::string::npos);
}

TEST(Config, BatchesWritesOnlyWhereAsked) {
  const std::string plain = cyclone_config({"127.0.0.1", {}, 10.0, 40}, std::nullopt);
  EXPECT_EQ(plain.find("WriteBatch"), std::string::npos);
  const std::string batched = cyclone_config({"127.0.0.1", {}, 10.0, 40, true}, std::nullopt);
  EXPECT_NE(batched.find("<Internal><WriteBatch>true</WriteBatch></Internal>"), std::string::npos)
      << batched;
  EXPECT_FALSE(network_problem(batched));
}

TEST(Config, RefusesAConfigurationWithoutInterfaceOrWithMulticast) {
  const std::string no_iface = cyclone_config({"", {"127.0.0.1"}, 10.0, 40}, std::nullopt);
  ASSERT_TRUE(network_problem(no_iface));
  EXPECT_NE(network_problem(no_iface)->find("interface"), std::string::npos);
  std::string multicast = cyclone_config({"lo", {}, 10.0, 40}, std::nullopt);
  multicast.replace(multicast.find("false"), 5, "true");
  ASSERT_TRUE(network_problem(multicast));
  EXPECT_NE(network_problem(multicast)->find("multicast"), std::string::npos);
  // A second AllowMulticast that turns it back on is refused too.
  std::string twice = cyclone_config({"lo", {}, 10.0, 40}, std::nullopt);
  twice.insert(twice.find("</General>"), "<AllowMulticast>spdp</AllowMulticast>");
  EXPECT_TRUE(network_problem(twice));
  EXPECT_TRUE(network_problem("<CycloneDDS/>"));
}

class TempDir : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("bus_wire_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
    return (dir_ / name).string();
  }
  std::filesystem::path dir_;
};

using Deploy = TempDir;

TEST_F(Deploy, ReadsDomainsAndResolvesPaths) {
  const auto p = write("d.yaml",
                       "interface: 127.0.0.1\ndomains: {JPN: 11, KOR: 12, link_JPN: 21, link_KOR: "
                       "22}\npki: pki\nrecordings: rec\n");
  auto d = io::load_deployment(p);
  ASSERT_TRUE(d) << d.error().message();
  EXPECT_EQ(d->interface, "127.0.0.1");
  EXPECT_EQ(d->peers, std::vector<std::string>{"127.0.0.1"});
  EXPECT_EQ(d->nation_domains.at(Nation::KOR), 12);
  EXPECT_EQ(d->link_domains.at(Nation::JPN), 21);
  EXPECT_EQ(d->pki, (dir_ / "pki").string());
  EXPECT_EQ(d->announce_s, 0.5);
  // What deployment_yaml writes reads back the same.
  const auto again = io::load_deployment(write("again.yaml", io::deployment_yaml(*d)));
  ASSERT_TRUE(again) << again.error().message();
  EXPECT_EQ(again->link_domains, d->link_domains);
  EXPECT_EQ(again->pki, d->pki);
  EXPECT_EQ(again->announce_s, d->announce_s);
}

TEST_F(Deploy, NamesTheFileAndFieldOfABadDeployment) {
  struct Case {
    std::string text, field;
  };
  const std::vector<Case> cases = {
      {"domains: {JPN: 11}\npki: x\n", "interface"},
      {"interface: 127.0.0.1\ndomains: {JPN: 11, link_JPN: 11}\npki: x\n", "domains.link_JPN"},
      {"interface: 127.0.0.1\ndomains: {JPN: 300}\npki: x\n", "domains.JPN"},
      {"interface: 127.0.0.1\ndomains: {CHN: 3}\npki: x\n", "CHN"},
      {"interface: 127.0.0.1\ndomains: {JPN: 1}\n", "pki"},
      {"interface: 127.0.0.1\npeers: [example.org]\ndomains: {JPN: 1}\npki: x\n", "peers"},
      {"interface: 127.0.0.1\ndomains: {JPN: 1}\npki: x\nmulticast: true\n", "multicast"},
      {"interface: 127.0.0.1\nlease_s: 5\nannounce_s: 6\ndomains: {JPN: 1}\npki: x\n",
       "announce_s"},
      {"interface: 127.0.0.1\nannounce_s: 0\ndomains: {JPN: 1}\npki: x\n", "announce_s"},
  };
  for (const auto& c : cases) {
    const auto p = write("bad.yaml", c.text);
    const auto d = io::load_deployment(p);
    ASSERT_FALSE(d) << c.text;
    const std::string msg = d.error().message();
    EXPECT_NE(msg.find("bad.yaml"), std::string::npos) << msg;
    EXPECT_NE(msg.find(c.field), std::string::npos) << msg;
    EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
  }
}

using Pki = TempDir;

TEST_F(Pki, WritesSignedDocumentsAndAKeyPairPerIdentity) {
  PkiRequest req;
  req.domains = {21, 22};
  req.grants = {{"INDOPACOM", "US", {{21, {"SystemTrack"}, {"LocalTrack"}}}},
                {"JADGE", "JP", {{21, {"LocalTrack"}, {"SystemTrack"}}}}};
  ASSERT_TRUE(pki_init(dir_, req));
  for (const std::string id : {"INDOPACOM", "JADGE"}) {
    const SecurityFiles f = security_files(dir_, id);
    EXPECT_FALSE(missing_security_file(f)) << id;
    std::ifstream perm(f.permissions);
    const std::string text((std::istreambuf_iterator<char>(perm)), {});
    EXPECT_NE(text.find("multipart/signed"), std::string::npos);
    EXPECT_NE(text.find("<subject_name>CN=" + id + ",O=trilink,C="), std::string::npos);
    EXPECT_NE(text.find("<default>DENY</default>"), std::string::npos);
    // Private keys are readable by their owner only.
    const auto perms = std::filesystem::status(f.private_key).permissions();
    EXPECT_EQ(perms & (std::filesystem::perms::group_all | std::filesystem::perms::others_all),
              std::filesystem::perms::none);
  }
  std::ifstream gov(dir_ / "governance.p7s");
  const std::string g((std::istreambuf_iterator<char>(gov)), {});
  EXPECT_NE(g.find("<allow_unauthenticated_participants>false"), std::string::npos);
  EXPECT_NE(g.find("<id>21</id><id>22</id>"), std::string::npos);
  EXPECT_NE(g.find("<data_protection_kind>ENCRYPT"), std::string::npos);
  EXPECT_FALSE(pki_init(dir_, PkiRequest{{1}, {{"bad name", "US", {}}}}));
}

}  // namespace
}  // namespace trilink::bus
