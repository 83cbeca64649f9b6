// A national node driven as the exercise runtime drives it: the Korean node on the plots of a
// simulated scenario, look by look, with the clock ticking every second.
#include <gtest/gtest.h>

#include <map>

#include "io/policy_file.hpp"
#include "io/scenario_file.hpp"
#include "node/hub.hpp"
#include "node/national_node.hpp"
#include "node/radar_feed.hpp"
#include "scenario/simulation.hpp"
#include "test_paths.hpp"

using namespace trilink;
using trilink::test_paths::source_dir;

namespace {

share::Policy bundled_policy() {
  auto p = io::load_policy(source_dir() + "/deploy/policy.yaml");
  EXPECT_TRUE(p.has_value()) << p.error().message();
  return *p;
}

node::HubConfig hub_config() {
  node::HubConfig c;
  c.nation_nodes = {{Nation::USA, "C2BMC"}, {Nation::JPN, "JADGE"}, {Nation::KOR, "KAMD"}};
  return c;
}

}  // namespace

// The Korean node on F12: the plots of GreenPine-B and Aegis-KOR (catalogue entries), fed look
// by look as the exercise runtime does, with the clock ticking every second.
class KoreanNode : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto cat = io::load_catalogue(source_dir() + "/scenarios/catalogue.yaml");
    ASSERT_TRUE(cat.has_value()) << cat.error().message();
    auto scenario = io::load_scenario(source_dir() + "/scenarios/f12.yaml");
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

    const scenario::Simulation sim = scenario::simulate(*scenario);
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
    hub.on_message(e.message, "KAMD", t->header.time_of_validity);
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
