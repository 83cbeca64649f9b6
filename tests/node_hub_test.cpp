// The hub and the national node as message-in, messages-out components: what the hub admits,
// fuses and releases (and to whom, stamped how), what its gatekeeper rejects and counts, and
// what a national node sends to the hub (no sensor identity) and to its own display.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "exercise/policy_file.hpp"
#include "exercise/scenario.hpp"
#include "exercise/simulation.hpp"
#include "node/hub.hpp"
#include "node/national_node.hpp"
#include "node/radar_feed.hpp"
#include "test_paths.hpp"
#include "warn/areas.hpp"

using namespace trilink;
using share::Nation;
using trilink::test_paths::source_dir;

namespace {

const geo::UtcTime t0{1'700'000'000'000'000'000};

share::Policy bundled_policy() {
  auto p = exercise::load_policy(source_dir() + "/deploy/policy.yaml");
  EXPECT_TRUE(p.has_value()) << p.error().message();
  return *p;
}

std::vector<warn::ProtectedArea> bundled_areas() {
  std::vector<warn::ProtectedArea> out;
  for (auto f : {"japan.geojson", "korea.geojson"}) {
    auto a = warn::load_areas_geojson(source_dir() + "/scenarios/areas/" + f);
    EXPECT_TRUE(a.has_value()) << a.error().message();
    if (a) out.insert(out.end(), a->begin(), a->end());
  }
  return out;
}

node::HubConfig hub_config() {
  node::HubConfig c;
  c.nation_nodes = {{Nation::USA, "C2BMC"}, {Nation::JPN, "JADGE"}, {Nation::KOR, "KAMD"}};
  c.areas = bundled_areas();
  return c;
}

// A confirmed national track over North Korea (40N 128E, 100 km up), heading west and up,
// away from every protected area.
share::LocalTrack korean_track(std::uint64_t sequence) {
  share::LocalTrack t;
  t.header.originator = {Nation::KOR, "KAMD", std::nullopt};
  t.header.sequence = sequence;
  t.header.time_of_validity = t0;
  t.header.releasability = {Nation::USA, Nation::JPN, Nation::KOR};
  t.track_id = 7;
  t.position_ecef_m = geo::to_ecef(geo::Geodetic::from_deg(40.0, 128.0, 100e3)).r_m;
  t.velocity_ecef_mps = share::Vector3(1000.0, 2000.0, 1000.0);
  t.covariance = share::Matrix6::Zero();
  t.covariance.topLeftCorner<3, 3>().diagonal().setConstant(1e4);
  t.covariance.bottomRightCorner<3, 3>().diagonal().setConstant(1e2);
  t.status = share::TrackStatus::confirmed;
  t.phase = share::FlightPhase::midcourse;
  return t;
}

share::LocalTrack japanese_track(std::uint64_t sequence) {
  share::LocalTrack t = korean_track(sequence);
  t.header.originator = {Nation::JPN, "JADGE", std::nullopt};
  t.track_id = 3;
  return t;
}

std::string_view node_of(Nation n) {
  return n == Nation::USA ? "C2BMC" : n == Nation::JPN ? "JADGE" : "KAMD";
}

}  // namespace

TEST(Hub, AdmitsALocalTrackAndReleasesItsSystemTrackToEveryNation) {
  const share::Policy policy = bundled_policy();
  node::Hub hub(hub_config(), policy);
  const node::Outbox out = hub.on_message(korean_track(1), t0);
  EXPECT_EQ(hub.counters().admitted, 1u);
  EXPECT_EQ(hub.counters().rejected, 0u);
  ASSERT_EQ(out.size(), 3u);
  std::map<std::string, int> to;
  for (const auto& e : out) {
    ++to[e.to];
    const auto* s = std::get_if<share::SystemTrack>(&e.message);
    ASSERT_NE(s, nullptr) << e.to;
    ASSERT_TRUE(e.release.has_value()) << e.to;
    EXPECT_EQ(node_of(e.release->recipient), e.to);
    EXPECT_EQ(e.release->type, share::MessageType::system_track);
    EXPECT_EQ(e.release->originator.node, "INDOPACOM");
    EXPECT_FALSE(e.release->originator.sensor.has_value());
    EXPECT_EQ(s->header.originator.node, "INDOPACOM");
    EXPECT_EQ(s->header.originator.nation, Nation::USA);
    EXPECT_FALSE(s->header.originator.sensor.has_value());
    EXPECT_EQ(e.release->sequence, s->header.sequence);
    EXPECT_TRUE(s->header.releasability.contains(e.release->recipient));
    ASSERT_EQ(s->contributions.size(), 1u);
    EXPECT_EQ(s->contributions[0], (share::Contribution{Nation::KOR, 7}));
    EXPECT_LT((s->position_ecef_m - korean_track(1).position_ecef_m).norm(), 1.0);
  }
  EXPECT_EQ(to, (std::map<std::string, int>{{"C2BMC", 1}, {"JADGE", 1}, {"KAMD", 1}}));
  EXPECT_EQ(hub.counters().released, 3u);
}

TEST(Hub, RejectsBadInputCountedUnderItsReason) {
  const share::Policy policy = bundled_policy();
  node::Hub hub(hub_config(), policy);
  ASSERT_EQ(hub.on_message(korean_track(1), t0).size(), 3u);

  struct Case {
    const char* what;
    share::LocalTrack track;
    share::Rejection reason;
  };
  std::vector<Case> cases;
  {
    auto t = korean_track(2);
    t.position_ecef_m.y() = std::numeric_limits<double>::quiet_NaN();
    cases.push_back({"NaN in position", t, share::Rejection::non_finite});
  }
  {
    auto t = korean_track(3);
    t.header.originator.node = "ROGUE";
    cases.push_back({"unknown node", t, share::Rejection::unknown_originator});
  }
  cases.push_back({"replay", korean_track(1), share::Rejection::replay});
  {
    auto t = korean_track(4);
    t.header.originator.sensor = 2;
    cases.push_back({"sensor id", t, share::Rejection::sensor_identity});
  }
  std::uint64_t rejected = 0;
  for (const auto& c : cases) {
    const auto before = hub.gatekeeper().rejected(c.reason);
    EXPECT_TRUE(hub.on_message(c.track, t0.plus_seconds(0.1)).empty()) << c.what;
    EXPECT_EQ(hub.gatekeeper().rejected(c.reason), before + 1) << c.what;
    ++rejected;
    EXPECT_EQ(hub.counters().rejected, rejected) << c.what;
    EXPECT_EQ(hub.gatekeeper().rejected_total(), rejected) << c.what;
  }
  EXPECT_EQ(hub.counters().admitted, 1u);
  EXPECT_EQ(hub.counters().received, 1u + cases.size());
  EXPECT_EQ(hub.counters().local_tracks, 1u);
  // A rejected message did not advance KAMD's sequence: the next one is admitted (and not
  // released again before the release interval).
  EXPECT_EQ(hub.gatekeeper().last_sequence(Nation::KOR, "KAMD"), 1u);
  EXPECT_TRUE(hub.on_message(korean_track(2), t0.plus_seconds(0.2)).empty());
  EXPECT_EQ(hub.counters().admitted, 2u);
  EXPECT_EQ(hub.counters().rejected, rejected);
}

TEST(Hub, RejectsALabelWiderThanTheSenderMayGrant) {
  share::Policy policy = bundled_policy();
  for (auto& n : policy.nations)
    if (n.nation == Nation::KOR) n.max_label = {Nation::KOR, Nation::USA};
  ASSERT_FALSE(policy.check().has_value()) << *policy.check();
  node::Hub hub(hub_config(), policy);
  EXPECT_TRUE(hub.on_message(korean_track(1), t0).empty());
  EXPECT_EQ(hub.gatekeeper().rejected(share::Rejection::label_too_wide), 1u);
  EXPECT_EQ(hub.counters().rejected, 1u);
  EXPECT_EQ(hub.gatekeeper().rejected_total(), 1u);
  EXPECT_TRUE(hub.fusion().diagnostics().gate_tests.empty());
  // The same track labelled within what Korea may grant is admitted and not released to Japan.
  auto narrow = korean_track(2);
  narrow.header.releasability = {Nation::KOR, Nation::USA};
  const auto out = hub.on_message(narrow, t0);
  ASSERT_EQ(out.size(), 2u);
  for (const auto& e : out) EXPECT_NE(e.to, "JADGE");
}

TEST(Hub, FusesTwoNationsTracksOfOneObjectAndRaisesNoThreatFarFromEveryArea) {
  const share::Policy policy = bundled_policy();
  node::Hub hub(hub_config(), policy);
  ASSERT_EQ(hub.on_message(korean_track(1), t0).size(), 3u);
  hub.on_message(japanese_track(1), t0.plus_seconds(0.05));
  EXPECT_EQ(hub.counters().admitted, 2u);
  const node::Outbox out = hub.tick(t0.plus_seconds(1.5));
  std::map<std::string, int> system_tracks;
  for (const auto& e : out) {
    ASSERT_TRUE(e.release.has_value());
    EXPECT_EQ(node_of(e.release->recipient), e.to);
    if (const auto* s = std::get_if<share::SystemTrack>(&e.message)) {
      ++system_tracks[e.to];
      EXPECT_EQ(s->contributions.size(), 2u) << e.to;
      EXPECT_EQ(s->system_track_id, hub.fusion().system_id_of({Nation::KOR, 7}));
    }
    if (const auto* a = std::get_if<share::Alert>(&e.message)) {
      EXPECT_EQ(a->level, share::AlertLevel::launch_detected)
          << e.to << ": " << share::to_string(a->level) << " " << a->text;
    }
  }
  EXPECT_EQ(system_tracks, (std::map<std::string, int>{{"C2BMC", 1}, {"JADGE", 1}, {"KAMD", 1}}));
  EXPECT_EQ(hub.fusion().system_id_of({Nation::JPN, 3}),
            hub.fusion().system_id_of({Nation::KOR, 7}));
}

// The Korean node on F12: the plots of GreenPine-B and Aegis-KOR (catalogue entries), fed look
// by look as the exercise runtime does, with the clock ticking every second.
class KoreanNode : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto cat = exercise::load_catalogue(source_dir() + "/scenarios/catalogue.yaml");
    ASSERT_TRUE(cat.has_value()) << cat.error().message();
    auto scenario = exercise::load_scenario(source_dir() + "/scenarios/f12.yaml");
    ASSERT_TRUE(scenario.has_value()) << scenario.error().message();
    policy_ = new share::Policy(bundled_policy());
    node::NationalNodeConfig c;
    c.nation = Nation::KOR;
    c.name = "KAMD";
    c.hub = "INDOPACOM";
    c.epoch = scenario->start;
    for (auto name : {"GreenPine-B", "Aegis-KOR"}) c.radars.push_back(cat->radars.at(name));
    node_ = new node::NationalNode(c, *policy_);
    start_ = scenario->start;

    const exercise::Simulation sim = exercise::simulate(*scenario);
    std::map<std::size_t, node::RadarFeed> feeds;  // scenario radar index -> feed
    for (std::size_t r = 0; r < scenario->radars.size(); ++r)
      for (std::uint32_t k = 0; k < c.radars.size(); ++k)
        if (scenario->radars[r].name == c.radars[k].name)
          feeds.emplace(r, node::RadarFeed(Nation::KOR, c.radars[k].name, k));
    ASSERT_EQ(feeds.size(), 2u);
    const auto& d = sim.detections;
    double next_tick_s = 0.0;
    const double end_s = 120.0;  // boost and early midcourse
    for (std::size_t i = 0; i < d.size();) {
      std::size_t j = i;
      while (j < d.size() && d[j].t == d[i].t && d[j].radar_index == d[i].radar_index) ++j;
      const double t_s = d[i].t.seconds_since(start_);
      if (t_s > end_s) break;
      for (; next_tick_s <= t_s; next_tick_s += 1.0)
        keep(node_->tick(start_.plus_seconds(next_tick_s)));
      if (auto f = feeds.find(d[i].radar_index); f != feeds.end()) {
        const auto plots = f->second.look(std::span(d.data() + i, j - i));
        keep(node_->on_look(f->second.sensor_id(), d[i].t, plots));
      }
      i = j;
    }
  }
  static void TearDownTestSuite() {
    delete node_;
    delete policy_;
    out_.clear();
  }
  static void keep(node::Outbox o) {
    for (auto& e : o) out_.push_back(std::move(e));
  }

  static inline share::Policy* policy_ = nullptr;
  static inline node::NationalNode* node_ = nullptr;
  static inline geo::UtcTime start_;
  static inline node::Outbox out_;
};

TEST_F(KoreanNode, SendsConfirmedTracksToTheHubWithoutSensorIdentity) {
  ASSERT_NE(node_, nullptr);
  share::Policy policy = *policy_;
  node::Hub hub(hub_config(), policy);
  std::size_t to_hub = 0;
  for (const auto& e : out_) {
    const auto* t = std::get_if<share::LocalTrack>(&e.message);
    if (e.to != "INDOPACOM" || !t) continue;
    if (to_hub++ == 0) {
      EXPECT_EQ(t->status, share::TrackStatus::confirmed);
    }
    EXPECT_TRUE(t->sensors.empty());
    EXPECT_FALSE(t->header.originator.sensor.has_value());
    EXPECT_EQ(t->header.originator.node, "KAMD");
    EXPECT_FALSE(e.release.has_value());
    hub.on_message(e.message, t->header.time_of_validity);
  }
  EXPECT_GT(to_hub, 10u);
  EXPECT_EQ(node_->counters().tracks_reported, to_hub);
  // What the node sends is what the hub admits.
  EXPECT_EQ(hub.gatekeeper().rejected_total(), 0u);
  EXPECT_GE(hub.counters().admitted, to_hub);
}

TEST_F(KoreanNode, TheDisplayCopyKeepsItsSensors) {
  std::size_t shown = 0;
  for (const auto& e : out_) {
    const auto* t = std::get_if<share::LocalTrack>(&e.message);
    if (e.to != node::display_peer || !t) continue;
    ++shown;
    ASSERT_EQ(t->sensors.size(), 1u);
    EXPECT_TRUE(t->sensors[0].type == "GreenPine-B" || t->sensors[0].type == "Aegis-KOR")
        << t->sensors[0].type;
    EXPECT_GT(t->sensors[0].position_ecef_m.norm(), 6.3e6);
  }
  EXPECT_EQ(shown, node_->counters().tracks_reported);
}

TEST_F(KoreanNode, TicksSendHealthToTheHub) {
  std::size_t health = 0;
  for (const auto& e : out_)
    if (const auto* h = std::get_if<share::NodeHealth>(&e.message)) {
      EXPECT_EQ(e.to, "INDOPACOM");
      EXPECT_EQ(h->radars_total, 2u);
      EXPECT_FALSE(h->header.originator.sensor.has_value());
      ++health;
    }
  // One every 10 s over the 120 s fed.
  EXPECT_GE(health, 12u);
  EXPECT_LE(health, 13u);
}

TEST_F(KoreanNode, PlotsOfAnotherSensorAreRejected) {
  const auto before = node_->counters().plots_rejected;
  const geo::UtcTime t = start_.plus_seconds(500.0);
  node::RadarFeed aegis(Nation::KOR, "Aegis-KOR", 1);
  sensor::Detection p;
  p.t = t;
  p.range_m = 500e3;
  p.az_rad = 1.0;
  p.el_rad = 0.3;
  p.sigma_range_m = 10.0;
  p.sigma_az_rad = 1e-3;
  p.sigma_el_rad = 1e-3;
  const std::vector<sensor::Detection> two{p, p};
  const auto plots = aegis.look(two);
  EXPECT_TRUE(node_->on_look(0, t, plots).empty());  // GreenPine-B's look, Aegis's plots
  EXPECT_EQ(node_->counters().plots_rejected, before + 2);
  node_->on_look(7, t, plots);  // no such radar
  EXPECT_EQ(node_->counters().plots_rejected, before + 4);
}
