// The hub and the national node as message-in, messages-out components: what the hub admits,
// fuses and releases (and to whom, stamped how), what its gatekeeper rejects and counts, and
// what a national node sends to the hub (no sensor identity) and to its own display.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <sstream>

#include "node/hub.hpp"
#include "node/national_node.hpp"
#include "node/radar_feed.hpp"
#include "policy_fixture.hpp"
#include "warn/areas.hpp"

using namespace trilink;
using trilink::Nation;

namespace {

const geo::UtcTime t0{1'700'000'000'000'000'000};

share::Policy bundled_policy() {
  share::Policy p = test_fixtures::bundled_policy();
  EXPECT_FALSE(p.check().has_value()) << *p.check();
  return p;
}

// A square of land 1 degree wide about a city, with its 12-nmi sea.
warn::ProtectedArea square_about(std::string name, Nation n, double lat, double lon) {
  std::vector<geo::Geodetic> ring;
  for (auto [dlat, dlon] : {std::pair{-0.5, -0.5}, {-0.5, 0.5}, {0.5, 0.5}, {0.5, -0.5}})
    ring.push_back(geo::Geodetic::from_deg(lat + dlat, lon + dlon));
  return {std::move(name), n, {ring}, warn::territorial_sea_km * 1e3};
}

std::vector<warn::ProtectedArea> bundled_areas() {
  return {square_about("Tokyo", Nation::JPN, 35.7, 139.7),
          square_about("Seoul", Nation::KOR, 37.6, 127.0)};
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

// A confirmed national track falling almost straight down onto (lat, lon) from 150 km: its
// impact prediction falls within a few km of that point.
share::LocalTrack falling_track(Nation n, std::uint64_t id, double lat, double lon) {
  share::LocalTrack t = korean_track(1);
  t.header.originator = {n, n == Nation::JPN ? "JADGE" : "KAMD", std::nullopt};
  t.track_id = id;
  const geo::Geodetic above = geo::Geodetic::from_deg(lat, lon, 150e3);
  const geo::LocalFrame frame(above);
  t.position_ecef_m = geo::to_ecef(above).r_m;
  t.velocity_ecef_mps = frame.ecef_vector(geo::Vec3(300.0, 0.0, -3000.0));
  return t;
}

// The threat alerts a hub releases to each node over `seconds` of one-second ticks.
std::map<std::string, std::vector<share::Alert>> threats_over(node::Hub& hub, int seconds) {
  std::map<std::string, std::vector<share::Alert>> out;
  for (int k = 1; k <= seconds; ++k)
    for (const auto& e : hub.tick(t0.plus_seconds(k)))
      if (const auto* a = std::get_if<share::Alert>(&e.message))
        if (a->level == share::AlertLevel::threat) out[e.to].push_back(*a);
  return out;
}

std::string_view node_of(Nation n) {
  return n == Nation::USA ? "C2BMC" : n == Nation::JPN ? "JADGE" : "KAMD";
}

}  // namespace

TEST(Hub, AdmitsALocalTrackAndReleasesItsSystemTrackToEveryNation) {
  const share::Policy policy = bundled_policy();
  node::Hub hub(hub_config(), policy);
  const node::Outbox out = hub.on_message(korean_track(1), "KAMD", t0);
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
  ASSERT_EQ(hub.on_message(korean_track(1), "KAMD", t0).size(), 3u);

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
    EXPECT_TRUE(hub.on_message(c.track, "KAMD", t0.plus_seconds(0.1)).empty()) << c.what;
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
  EXPECT_TRUE(hub.on_message(korean_track(2), "KAMD", t0.plus_seconds(0.2)).empty());
  EXPECT_EQ(hub.counters().admitted, 2u);
  EXPECT_EQ(hub.counters().rejected, rejected);
}

TEST(Hub, RejectsALabelWiderThanTheSenderMayGrant) {
  share::Policy policy = bundled_policy();
  for (auto& n : policy.nations)
    if (n.nation == Nation::KOR) n.max_label = {Nation::KOR, Nation::USA};
  ASSERT_FALSE(policy.check().has_value()) << *policy.check();
  node::Hub hub(hub_config(), policy);
  EXPECT_TRUE(hub.on_message(korean_track(1), "KAMD", t0).empty());
  EXPECT_EQ(hub.gatekeeper().rejected(share::Rejection::label_too_wide), 1u);
  EXPECT_EQ(hub.counters().rejected, 1u);
  EXPECT_EQ(hub.gatekeeper().rejected_total(), 1u);
  EXPECT_TRUE(hub.fusion().diagnostics().gate_tests.empty());
  // The same track labelled within what Korea may grant is admitted and not released to Japan.
  auto narrow = korean_track(2);
  narrow.header.releasability = {Nation::KOR, Nation::USA};
  const auto out = hub.on_message(narrow, "KAMD", t0);
  ASSERT_EQ(out.size(), 2u);
  for (const auto& e : out) EXPECT_NE(e.to, "JADGE");
}

TEST(Hub, FusesTwoNationsTracksOfOneObjectAndRaisesNoThreatFarFromEveryArea) {
  const share::Policy policy = bundled_policy();
  node::Hub hub(hub_config(), policy);
  ASSERT_EQ(hub.on_message(korean_track(1), "KAMD", t0).size(), 3u);
  hub.on_message(japanese_track(1), "JADGE", t0.plus_seconds(0.05));
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

// The USA is warned at the hub for its own areas only (Guam, Hawaii), as Japan and Korea are.
TEST(Hub, EachNationIsWarnedForItsOwnAreasTheUsaForGuam) {
  const share::Policy policy = bundled_policy();
  node::HubConfig c = hub_config();
  c.areas.push_back(square_about("Guam", Nation::USA, 13.45, 144.78));
  {
    node::Hub hub(c, policy);
    ASSERT_FALSE(
        hub.on_message(falling_track(Nation::JPN, 11, 13.45, 144.78), "JADGE", t0).empty());
    const auto threats = threats_over(hub, 8);
    ASSERT_EQ(threats.count("C2BMC"), 1u) << "no threat to the USA for a Guam-bound track";
    EXPECT_EQ(threats.at("C2BMC").size(), 1u);
    EXPECT_EQ(threats.at("C2BMC")[0].areas, std::vector<std::string>{"Guam"});
    EXPECT_EQ(threats.at("C2BMC")[0].header.originator.node, "INDOPACOM");
    EXPECT_EQ(threats.count("JADGE"), 0u);
    EXPECT_EQ(threats.count("KAMD"), 0u);
  }
  {
    node::Hub hub(c, policy);
    ASSERT_FALSE(hub.on_message(falling_track(Nation::JPN, 12, 35.7, 139.7), "JADGE", t0).empty());
    const auto threats = threats_over(hub, 8);
    ASSERT_EQ(threats.count("JADGE"), 1u) << "no threat to Japan for a Tokyo-bound track";
    EXPECT_EQ(threats.at("JADGE")[0].areas, std::vector<std::string>{"Tokyo"});
    EXPECT_EQ(threats.count("C2BMC"), 0u) << "the USA is warned for Japan's area";
    EXPECT_EQ(threats.count("KAMD"), 0u);
  }
}

namespace {

// Every message a hub releases over one Tokyo-bound track and `seconds` of one-second ticks,
// counted per recipient node and type.
std::map<std::string, std::map<share::MessageType, int>> releases_of(const share::Policy& policy,
                                                                     int seconds) {
  node::Hub hub(hub_config(), policy);
  std::map<std::string, std::map<share::MessageType, int>> got;
  auto keep = [&](const node::Outbox& out) {
    for (const auto& e : out) {
      EXPECT_TRUE(e.release.has_value());
      EXPECT_TRUE(share::header(e.message).releasability.contains(e.release->recipient));
      ++got[e.to][share::type_of(e.message)];
    }
  };
  keep(hub.on_message(falling_track(Nation::JPN, 12, 35.7, 139.7), "JADGE", t0));
  for (int k = 1; k <= seconds; ++k) keep(hub.tick(t0.plus_seconds(k)));
  EXPECT_EQ(hub.counters().admitted, 1u);
  return got;
}

share::SharedType* shared_entry(share::Policy& p, share::MessageType t) {
  for (auto& s : p.shared)
    if (s.type == t) return &s;
  return nullptr;
}

}  // namespace

// The hub obeys the policy's per-type settings for every message it releases, alerts included:
// which types are shared at all, and the label the hub gives each.
TEST(Hub, ReleasesFollowThePolicysPerTypeSettings) {
  using share::MessageType;
  const share::Policy bundled = bundled_policy();
  const auto all = releases_of(bundled, 8);
  // With the bundled policy, Japan gets its threat: tracks, predictions and alerts.
  ASSERT_GT(all.at("JADGE").count(MessageType::alert), 0u);
  ASSERT_GT(all.at("JADGE").at(MessageType::alert), 0);
  ASSERT_GT(all.at("JADGE").at(MessageType::system_track), 0);
  ASSERT_GT(all.at("JADGE").at(MessageType::impact_prediction), 0);
  ASSERT_GT(all.at("KAMD").at(MessageType::alert), 0);  // launch detected
  ASSERT_GT(all.at("C2BMC").at(MessageType::alert), 0);

  {  // alert: default_label: USA — alerts go to the USA only, everything else as before
    share::Policy p = bundled;
    shared_entry(p, MessageType::alert)->default_label = {Nation::USA};
    ASSERT_FALSE(p.check()) << *p.check();
    const auto got = releases_of(p, 8);
    for (const char* node : {"JADGE", "KAMD"}) {
      EXPECT_EQ(got.at(node).count(MessageType::alert), 0u) << node;
      EXPECT_EQ(got.at(node).at(MessageType::system_track),
                all.at(node).at(MessageType::system_track))
          << node;
    }
    EXPECT_EQ(got.at("C2BMC"), all.at("C2BMC"));
  }
  {  // alert no longer shared: no alert leaves the hub
    share::Policy p = bundled;
    std::erase_if(p.shared, [](const auto& s) { return s.type == MessageType::alert; });
    const auto got = releases_of(p, 8);
    for (const auto& [node, types] : got) EXPECT_EQ(types.count(MessageType::alert), 0u) << node;
    EXPECT_EQ(got.at("JADGE").at(MessageType::impact_prediction),
              all.at("JADGE").at(MessageType::impact_prediction));
  }
  {  // system tracks shared with the USA and Korea only: Japan gets none, still its predictions
    share::Policy p = bundled;
    shared_entry(p, MessageType::system_track)->default_label = {Nation::USA, Nation::KOR};
    const auto got = releases_of(p, 8);
    EXPECT_EQ(got.at("JADGE").count(MessageType::system_track), 0u);
    EXPECT_EQ(got.at("JADGE").at(MessageType::impact_prediction),
              all.at("JADGE").at(MessageType::impact_prediction));
    EXPECT_EQ(got.at("KAMD").at(MessageType::system_track),
              all.at("KAMD").at(MessageType::system_track));
  }
  {  // only local tracks shared: the hub releases nothing to anyone
    share::Policy p = bundled;
    std::erase_if(p.shared, [](const auto& s) { return s.type != MessageType::local_track; });
    ASSERT_FALSE(p.check()) << *p.check();
    EXPECT_TRUE(releases_of(p, 8).empty());
  }
}

// KAMD cannot send as JADGE: the sender is bound to the link the message came over.
TEST(Hub, ASenderIsBoundToItsLink) {
  const share::Policy policy = bundled_policy();
  node::Hub hub(hub_config(), policy);
  EXPECT_TRUE(hub.on_message(japanese_track(1), "KAMD", t0).empty());
  EXPECT_EQ(hub.gatekeeper().rejected(share::Rejection::sender_mismatch), 1u);
  EXPECT_EQ(hub.counters().admitted, 0u);
  EXPECT_TRUE(hub.fusion().diagnostics().gate_tests.empty());
  EXPECT_EQ(hub.on_message(japanese_track(1), "JADGE", t0).size(), 3u);
}

// A national node that restarts (a new session, numbering from 1 again) is admitted at once.
TEST(Hub, AdmitsARestartedNode) {
  const share::Policy policy = bundled_policy();
  node::Hub hub(hub_config(), policy);
  for (std::uint64_t s = 1; s <= 5; ++s) {
    auto t = korean_track(s);
    t.header.time_of_validity = t0.plus_seconds(0.2 * static_cast<double>(s));
    hub.on_message(t, "KAMD", t.header.time_of_validity.plus_seconds(0.05));
  }
  auto restarted = korean_track(1);
  restarted.header.session_start = t0.plus_seconds(2.0);
  restarted.header.time_of_validity = t0.plus_seconds(3.0);
  hub.on_message(restarted, "KAMD", t0.plus_seconds(3.05));
  EXPECT_EQ(hub.counters().admitted, 6u);
  EXPECT_EQ(hub.gatekeeper().rejected_total(), 0u);
  EXPECT_EQ(hub.gatekeeper().session(Nation::KOR, "KAMD"), t0.plus_seconds(2.0));
  // The old session's messages are replays now.
  auto old = korean_track(6);
  old.header.time_of_validity = t0.plus_seconds(3.5);
  hub.on_message(old, "KAMD", t0.plus_seconds(3.55));
  EXPECT_EQ(hub.gatekeeper().rejected(share::Rejection::replay), 1u);
}

// A restarted national node numbers its tracks afresh: its new track 7 is not its old track 7
// (another missile, elsewhere). The old session's tracks end with it: its new track 7 starts a
// system track of its own, never moving the old one's, and the old missile, reported again
// under a new number, is the old system track again.
TEST(Hub, ARestartedNodesTrackIsNotItsOldTrackOfTheSameNumber) {
  const share::Policy policy = bundled_policy();
  node::Hub hub(hub_config(), policy);
  const auto released_to_japan = [](const node::Outbox& out) {
    std::vector<share::SystemTrack> r;
    for (const auto& e : out)
      if (const auto* s = std::get_if<share::SystemTrack>(&e.message); s && e.to == "JADGE")
        r.push_back(*s);
    return r;
  };
  const auto at = [](double s) { return t0.plus_seconds(s); };
  const share::LocalTrack old = korean_track(1);
  auto r = released_to_japan(hub.on_message(old, "KAMD", at(0.05)));
  ASSERT_EQ(r.size(), 1u);
  const std::uint64_t old_id = r.front().system_track_id;
  // Restarted at t0 + 2 s; its first track, numbered 7 again, 500 km away over the sea.
  const auto restarted = [&](std::uint64_t sequence, std::uint64_t track_id, double s) {
    auto t = korean_track(sequence);
    t.header.session_start = at(2.0);
    t.header.time_of_validity = at(s);
    t.track_id = track_id;
    return t;
  };
  auto elsewhere = restarted(1, 7, 2.5);
  elsewhere.position_ecef_m = geo::to_ecef(geo::Geodetic::from_deg(39.0, 133.5, 100e3)).r_m;
  r = released_to_japan(hub.on_message(elsewhere, "KAMD", at(2.55)));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_NE(r.front().system_track_id, old_id);
  EXPECT_LT((r.front().position_ecef_m - elsewhere.position_ecef_m).norm(), 1e3);
  EXPECT_EQ(hub.counters().restarts, 1u);
  // The old missile, where it flies now, as the restarted node's track 8.
  auto again = restarted(2, 8, 2.7);
  again.position_ecef_m = old.position_ecef_m + 2.7 * old.velocity_ecef_mps;
  r = released_to_japan(hub.on_message(again, "KAMD", at(2.75)));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r.front().system_track_id, old_id);
  EXPECT_EQ(r.front().contributions.size(), 1u);
  EXPECT_EQ(r.front().contributions.front().track_id, 8u);
}

namespace {

// How many system tracks an outbox releases to Japan.
int to_japan(const node::Outbox& out) {
  return static_cast<int>(std::ranges::count_if(out, [](const node::Emitted& e) {
    return e.to == "JADGE" && std::holds_alternative<share::SystemTrack>(e.message);
  }));
}

// Korea's track reported at t0 + s (sequence n).
share::LocalTrack korean_report(std::uint64_t n, double s) {
  share::LocalTrack t = korean_track(n);
  t.header.time_of_validity = t0.plus_seconds(s);
  return t;
}

}  // namespace

// The clock re-releases every track each interval (periodic, the exercise), or only a report
// held for an interval (on_change, the live runtime); either way a report is released at once
// when the interval has passed since the track's last release.
TEST(Hub, OnChangeTheClockReleasesOnlyWhatChanged) {
  const share::Policy policy = bundled_policy();
  struct Step {
    double at_s;
    bool report;   // Korea reports its track at at_s; otherwise the clock ticks
    bool forget;   // forget_releases() first
    int periodic;  // system tracks released to Japan
    int on_change;
  };
  const std::vector<Step> steps = {
      {0.0, true, false, 1, 1},   // new
      {1.0, false, false, 1, 0},  // unchanged
      {2.0, false, false, 1, 0},
      {2.5, true, false, 0, 1},   // fused: periodic released it at 2.0
      {2.7, true, false, 0, 0},   // within the interval of the last release
      {3.0, false, false, 1, 0},  // on_change: the 2.7 s report held 0.3 s
      {4.0, false, false, 1, 1},  // on_change: held 1.3 s
      {5.0, false, false, 1, 0},
      {6.0, false, true, 1, 1},  // a restarted hub's writers hold
                                 // nothing: all again
      {7.0, false, false, 1, 0},
      {7.6, true, false, 0, 1},
      {8.0, false, false, 1, 0},
      {8.7, true, false, 0, 1},  // on_change: at the report, not gathered onto the clock's
  };
  for (const node::Refresh refresh : {node::Refresh::periodic, node::Refresh::on_change}) {
    node::HubConfig c = hub_config();
    c.refresh = refresh;
    node::Hub hub(c, policy);
    std::uint64_t sequence = 0;
    for (const Step& step : steps) {
      SCOPED_TRACE((refresh == node::Refresh::periodic ? "periodic at " : "on_change at ") +
                   std::to_string(step.at_s));
      if (step.forget) hub.forget_releases();
      const geo::UtcTime at = t0.plus_seconds(step.at_s);
      const node::Outbox out =
          step.report ? hub.on_message(korean_report(++sequence, step.at_s), "KAMD", at)
                      : hub.tick(at);
      EXPECT_EQ(to_japan(out), refresh == node::Refresh::periodic ? step.periodic : step.on_change);
    }
  }
}

namespace {

// The bundled policy with Japan's and Korea's tracks each withheld from the other: JADGE may
// grant USA|JPN only, KAMD USA|KOR only.
share::Policy apart_policy() {
  share::Policy p = bundled_policy();
  for (auto& n : p.nations)
    if (n.nation != Nation::USA) n.max_label = {Nation::USA, n.nation};
  EXPECT_FALSE(p.check().has_value()) << *p.check();
  return p;
}

share::LocalTrack labelled(share::LocalTrack t) {
  t.header.releasability = {Nation::USA, t.header.originator.nation};
  return t;
}

// What a hub releases to `node` over the inputs and `seconds` of one-second ticks: the
// fields of every system track, impact prediction and alert, with the time it came at.
std::vector<std::string> stream_to(const share::Policy& policy, const std::string& node,
                                   const std::vector<std::pair<share::LocalTrack, double>>& in,
                                   int seconds) {
  node::Hub hub(hub_config(), policy);
  std::vector<std::string> out;
  auto keep = [&](const node::Outbox& o, double t) {
    for (const auto& e : o) {
      if (e.to != node) continue;
      std::ostringstream s;
      s.precision(17);
      s << t << " " << share::to_string(share::type_of(e.message)) << " "
        << share::to_string(share::header(e.message).releasability) << " "
        << share::header(e.message).sequence << " ";
      if (const auto* st = std::get_if<share::SystemTrack>(&e.message)) {
        s << st->system_track_id << " " << st->position_ecef_m.transpose() << " "
          << st->velocity_ecef_mps.transpose() << " " << st->covariance.reshaped().transpose()
          << " " << static_cast<int>(st->status) << " " << static_cast<int>(st->phase);
        for (const auto& c : st->contributions) s << " " << to_string(c.nation) << c.track_id;
      } else if (const auto* p = std::get_if<share::ImpactPrediction>(&e.message)) {
        s << p->system_track_id << " " << p->impact_point_ecef_m.transpose() << " "
          << p->semi_major_m << " " << p->semi_minor_m;
      } else if (const auto* a = std::get_if<share::Alert>(&e.message)) {
        s << a->alert_id << " " << a->system_track_id << " " << a->text;
      }
      out.push_back(s.str());
    }
  };
  for (const auto& [t, at] : in)
    keep(hub.on_message(t, t.header.originator.node, t0.plus_seconds(at)), at);
  for (int k = 1; k <= seconds; ++k) keep(hub.tick(t0.plus_seconds(k)), k);
  return out;
}

}  // namespace

// Each nation's system track is fused from the local tracks released to it only: Korea's
// from Korea's, Japan's from Japan's, the USA's from both. With Korea's and Japan's tracks of
// one object withheld from each other, Korea receives exactly what it would had Japan never
// sent its track (and Japan likewise), field by field and byte by byte.
TEST(Hub, ANationsSystemTrackIsFusedFromWhatIsReleasableToItOnly) {
  const share::Policy policy = apart_policy();
  const share::LocalTrack kor = labelled(korean_track(1));
  const share::LocalTrack jpn = labelled(japanese_track(1));
  node::Hub hub(hub_config(), policy);
  hub.on_message(kor, "KAMD", t0);
  hub.on_message(jpn, "JADGE", t0.plus_seconds(0.05));
  EXPECT_EQ(hub.counters().admitted, 2u);
  std::map<std::string, share::SystemTrack> got;
  for (const auto& e : hub.tick(t0.plus_seconds(1.5)))
    if (const auto* s = std::get_if<share::SystemTrack>(&e.message)) got[e.to] = *s;
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got.at("KAMD").contributions, (std::vector<share::Contribution>{{Nation::KOR, 7}}));
  EXPECT_EQ(got.at("JADGE").contributions, (std::vector<share::Contribution>{{Nation::JPN, 3}}));
  EXPECT_EQ(got.at("C2BMC").contributions.size(), 2u);
  EXPECT_FALSE(got.at("KAMD").header.releasability.contains(Nation::JPN));
  EXPECT_FALSE(got.at("JADGE").header.releasability.contains(Nation::KOR));
  EXPECT_EQ(hub.pictures(), 3u);  // the USA's and the hub's, Japan's, Korea's

  const auto both = std::vector{std::pair{kor, 0.0}, std::pair{jpn, 0.05}};
  const auto kor_alone = std::vector{std::pair{kor, 0.0}};
  const auto jpn_alone = std::vector{std::pair{jpn, 0.05}};
  const auto kamd = stream_to(policy, "KAMD", both, 10);
  EXPECT_GT(kamd.size(), 10u);
  EXPECT_TRUE(kamd == stream_to(policy, "KAMD", kor_alone, 10));
  EXPECT_TRUE(stream_to(policy, "JADGE", both, 10) == stream_to(policy, "JADGE", jpn_alone, 10));
  EXPECT_FALSE(stream_to(policy, "C2BMC", both, 10) == stream_to(policy, "C2BMC", kor_alone, 10));
  // Shared with all (the bundled policy), Korea's stream does change when Japan sends: the
  // comparison can fail.
  const auto shared =
      std::vector{std::pair{korean_track(1), 0.0}, std::pair{japanese_track(1), 0.05}};
  const auto shared_kor = std::vector{std::pair{korean_track(1), 0.0}};
  EXPECT_FALSE(stream_to(bundled_policy(), "KAMD", shared, 10) ==
               stream_to(bundled_policy(), "KAMD", shared_kor, 10));
}

// Korea has called burnout (midcourse), Japan has not (boost), their tracks withheld from each
// other: Japan's system track says boost - Korea's burnout call does not show through the
// phase - and is the same whether Korea's says boost or midcourse; Korea's says midcourse.
TEST(Hub, ANationsPhaseComesFromItsReleasedContributionsOnly) {
  const share::Policy policy = apart_policy();
  share::LocalTrack jpn = labelled(japanese_track(1));
  share::LocalTrack kor = labelled(korean_track(1));
  jpn.phase = share::FlightPhase::boost;
  kor.phase = share::FlightPhase::midcourse;
  const auto phases = [&](const share::LocalTrack& k) {
    node::Hub hub(hub_config(), policy);
    std::map<std::string, share::FlightPhase> got;
    auto keep = [&](const node::Outbox& out) {
      for (const auto& e : out)
        if (const auto* s = std::get_if<share::SystemTrack>(&e.message)) got[e.to] = s->phase;
    };
    keep(hub.on_message(k, "KAMD", t0));
    keep(hub.on_message(jpn, "JADGE", t0.plus_seconds(0.05)));
    keep(hub.tick(t0.plus_seconds(1.5)));
    return got;
  };
  const auto got = phases(kor);
  EXPECT_EQ(got.at("JADGE"), share::FlightPhase::boost);
  EXPECT_EQ(got.at("KAMD"), share::FlightPhase::midcourse);
  kor.phase = share::FlightPhase::boost;
  EXPECT_EQ(phases(kor).at("JADGE"), got.at("JADGE"));
  const auto both = std::vector{std::pair{kor, 0.0}, std::pair{jpn, 0.05}};
  kor.phase = share::FlightPhase::midcourse;
  const auto both_midcourse = std::vector{std::pair{kor, 0.0}, std::pair{jpn, 0.05}};
  EXPECT_TRUE(stream_to(policy, "JADGE", both, 10) ==
              stream_to(policy, "JADGE", both_midcourse, 10));
  EXPECT_FALSE(stream_to(policy, "KAMD", both, 10) ==
               stream_to(policy, "KAMD", both_midcourse, 10));
}

// The clock in steps (the live runtime) releases what the whole tick releases, in the same
// order, when nothing arrives between its steps: system tracks, impact predictions, threats.
TEST(Hub, ATickInStepsReleasesWhatTheWholeTickReleases) {
  const share::Policy policy = bundled_policy();
  node::HubConfig c = hub_config();
  for (const std::size_t work : {std::size_t{1}, std::size_t{5}}) {
    node::Hub whole(c, policy), stepped(c, policy);
    for (node::Hub* hub : {&whole, &stepped}) {
      hub->on_message(falling_track(Nation::JPN, 12, 35.7, 139.7), "JADGE", t0);
      hub->on_message(falling_track(Nation::KOR, 21, 37.6, 127.0), "KAMD", t0);
      hub->on_message(korean_track(2), "KAMD", t0);
    }
    std::size_t compared = 0, threats = 0, steps = 0;
    for (int k = 1; k <= 8; ++k) {
      const auto a = whole.tick(t0.plus_seconds(k));
      node::Outbox b;
      stepped.begin_tick(t0.plus_seconds(k));
      while (!stepped.tick_step(b, work)) ++steps;
      ASSERT_EQ(a.size(), b.size()) << k;
      for (std::size_t i = 0; i < a.size(); ++i) {
        EXPECT_EQ(a[i].to, b[i].to);
        EXPECT_EQ(a[i].message.index(), b[i].message.index());
        ASSERT_TRUE(a[i].release && b[i].release);
        EXPECT_EQ(a[i].release->sequence, b[i].release->sequence);
        EXPECT_EQ(a[i].release->label, b[i].release->label);
        EXPECT_EQ(share::header(a[i].message).time_of_validity,
                  share::header(b[i].message).time_of_validity);
        if (const auto* s = std::get_if<share::SystemTrack>(&a[i].message)) {
          EXPECT_EQ(s->position_ecef_m, std::get<share::SystemTrack>(b[i].message).position_ecef_m);
        }
        if (const auto* al = std::get_if<share::Alert>(&a[i].message)) {
          EXPECT_EQ(al->areas, std::get<share::Alert>(b[i].message).areas);
          threats += al->level == share::AlertLevel::threat;
        }
        ++compared;
      }
    }
    EXPECT_GT(compared, 30u);
    EXPECT_GE(threats, 2u) << "Tokyo's and Seoul's threats";
    EXPECT_GT(steps, 8u * 3u) << "each tick in one step";
  }
}

// A local track that arrives between the clock's steps is fused and released at once, and the
// tick goes on to its end.
TEST(Hub, ATrackArrivingBetweenTheClocksStepsIsReleasedAtOnce) {
  const share::Policy policy = bundled_policy();
  node::Hub hub(hub_config(), policy);
  ASSERT_FALSE(hub.on_message(korean_track(1), "KAMD", t0).empty());
  node::Outbox ticked;
  hub.begin_tick(t0.plus_seconds(1.0));
  ASSERT_FALSE(hub.tick_step(ticked, 1));
  share::LocalTrack later = japanese_track(1);
  later.header.time_of_validity = t0.plus_seconds(1.2);
  later.position_ecef_m += later.velocity_ecef_mps * 1.2;
  const auto released = hub.on_message(later, "JADGE", t0.plus_seconds(1.2));
  ASSERT_EQ(released.size(), 3u) << "to the three nations";
  const auto& s = std::get<share::SystemTrack>(released[0].message);
  EXPECT_EQ(s.contributions.size(), 2u);
  EXPECT_EQ(s.header.time_of_validity, t0.plus_seconds(1.2));
  while (!hub.tick_step(ticked, 1)) {
  }
  EXPECT_EQ(hub.fusion().system_tracks(), 1u);
  // The next whole tick carries on from the report (nothing fused back in time).
  std::size_t refreshed = 0;
  for (const auto& e : hub.tick(t0.plus_seconds(2.5)))
    if (const auto* t = std::get_if<share::SystemTrack>(&e.message)) {
      EXPECT_EQ(t->header.time_of_validity, t0.plus_seconds(2.5));
      EXPECT_EQ(t->contributions.size(), 2u);
      ++refreshed;
    }
  EXPECT_EQ(refreshed, 3u) << "the periodic refresh to the three nations";
}
