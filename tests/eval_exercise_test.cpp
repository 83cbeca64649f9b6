// The exercise runtime and its analysis on F12 (a short SRBM flight, ~313 s): deterministic runs,
// no hub in the national mode, what sharing gains Japan, what an outage of Korea's link to the hub
// costs it, link latency from geography, and no false threat alert.
//
// ctest runs every test in a process of its own, so each test computes only the runs it needs
// (lazily, once per process).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>

#include "eval/analysis.hpp"
#include "io/areas_file.hpp"
#include "io/policy_file.hpp"
#include "io/scenario_file.hpp"
#include "test_paths.hpp"
#include "warn/areas.hpp"

namespace fs = std::filesystem;
using namespace trilink;
using namespace trilink::eval;
using namespace trilink::exercise;
using namespace trilink::io;
using trilink::Nation;
using trilink::scenario::Scenario;
using trilink::scenario::simulate;
using trilink::scenario::Simulation;
using trilink::test_paths::source_dir;

namespace {

constexpr std::size_t kFirstTrack = 1;  // index into timeline_events

// A scenario with everything a run needs, and its runs made on demand.
struct Case {
  Scenario scenario;
  Simulation simulation;
  share::Policy policy;
  std::vector<warn::ProtectedArea> areas;
  std::optional<RunOutput> national_run, trilateral_run;

  explicit Case(const std::string& path) {
    auto s = load_scenario(path);
    if (!s) throw std::runtime_error(s.error().message());
    scenario = std::move(*s);
    simulation = simulate(scenario);
    auto p = load_policy(scenario.policy_path);
    if (!p) throw std::runtime_error(p.error().message());
    policy = *p;
    for (const auto& a : scenario.area_paths) {
      auto loaded = io::load_areas_geojson(a);
      if (!loaded) throw std::runtime_error(loaded.error().message());
      areas.insert(areas.end(), loaded->begin(), loaded->end());
    }
  }

  RunOutput run(Mode mode) const {
    RunInputs in;
    in.scenario = &scenario;
    in.simulation = &simulation;
    in.policy = &policy;
    in.areas = areas;
    auto r = run_exercise(in, mode);
    if (!r) throw std::runtime_error(r.error().message());
    return std::move(*r);
  }
  const RunOutput& national() {
    if (!national_run) national_run = run(Mode::national);
    return *national_run;
  }
  const RunOutput& trilateral() {
    if (!trilateral_run) trilateral_run = run(Mode::trilateral);
    return *trilateral_run;
  }
};

Case& f12() {
  static Case c(test_paths::scenario("f12.yaml"));
  return c;
}

// A bundled scenario with `extra` YAML appended. Written to a temporary folder (`name`), so the
// paths the scenario would resolve beside itself are given absolute.
Case scenario_with(const std::string& file, const std::string& name, const std::string& extra) {
  std::ifstream in(test_paths::scenario(file));
  std::stringstream text;
  text << in.rdbuf();
  const fs::path dir = fs::temp_directory_path() /
                       ("trilink_runtime_test_" + name + "_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path path = dir / (name + ".yaml");
  const std::string s = source_dir() + "/scenarios/";
  std::ofstream(path) << text.str() << "catalogue: " << s << "catalogue.yaml\n"
                      << "policy: " << source_dir() << "/deploy/policy.yaml\n"
                      << "areas: [" << s << "areas/japan.geojson, " << s << "areas/korea.geojson]\n"
                      << "coastline: " << s << "areas/region.geojson\n"
                      << extra;
  Case loaded(path.string());
  fs::remove_all(dir);
  return loaded;
}

Case f12_with(const std::string& name, const std::string& extra) {
  return scenario_with("f12.yaml", name, extra);
}

// F12 without the infrared satellites (radars alone: what Korea's radars give Japan).
Case& f12_radars_alone() {
  static Case c = f12_with("f12_radars", "space: false\n");
  return c;
}

// F12 with Korea's link to the hub down for the first 100 s (radars alone).
Case& f12_with_outage() {
  static Case c = f12_with("f12_outage",
                           "space: false\n"
                           "network:\n"
                           "  links:\n"
                           "    - between: [KAMD, INDOPACOM]\n"
                           "      outages: [{start_s: 0, end_s: 100}]\n");
  return c;
}

// F12 with the catalogue's infrared satellites in a clear sky (space: true, cloud top 0 km).
Case& f12_with_satellites() {
  static Case c = f12_with("f12_space", "space: true\ncloud_top_km: 0\n");
  return c;
}

const NationOutcome& outcome(const ExerciseResult& r, Nation n) {
  for (const auto& o : r.launches.at(0).nations)
    if (o.nation == n) return o;
  throw std::runtime_error("no outcome for " + std::string(to_string(n)));
}

const LinkStats* link(const RunOutput& r, const std::string& name) {
  for (const auto& l : r.links)
    if (l.link == name) return &l;
  return nullptr;
}

}  // namespace

TEST(Runtime, TrilateralRunIsDeterministic) {
  const RunOutput& a = f12().trilateral();
  const RunOutput b = f12().run(Mode::trilateral);
  ASSERT_GT(a.display.size(), 100u);
  ASSERT_EQ(a.display.size(), b.display.size());
  for (std::size_t i = 0; i < a.display.size(); ++i) {
    const auto &x = a.display[i], &y = b.display[i];
    ASSERT_EQ(x.t_s, y.t_s) << i;
    ASSERT_EQ(x.nation, y.nation) << i;
    ASSERT_EQ(share::type_of(x.message), share::type_of(y.message)) << i;
    ASSERT_EQ(share::header(x.message).sequence, share::header(y.message).sequence) << i;
    ASSERT_EQ(share::header(x.message).originator, share::header(y.message).originator) << i;
  }
  EXPECT_EQ(a.events, b.events);
  EXPECT_EQ(a.messages, b.messages);
  EXPECT_EQ(a.hub.released, b.hub.released);
}

TEST(Runtime, NationalRunHasNoHubTraffic) {
  const RunOutput& r = f12().national();
  EXPECT_EQ(r.mode, Mode::national);
  EXPECT_EQ(r.hub.received, 0u);
  EXPECT_EQ(r.hub.admitted, 0u);
  EXPECT_EQ(r.hub.released, 0u);
  ASSERT_FALSE(r.links.empty());
  for (const auto& l : r.links) EXPECT_EQ(l.link.find("INDOPACOM"), std::string::npos) << l.link;
  EXPECT_GT(r.display.size(), 0u);
  for (const auto& [n, c] : r.nodes) EXPECT_EQ(c.hub_admitted + c.hub_rejected, 0u);
}

TEST(Runtime, SharingGivesJapanItsFirstTrackEarlierWithinTheBoundAndNoFalseThreat) {
  Case& c = f12();
  const ExerciseResult r = analyse(c.scenario, c.simulation, c.areas, c.national(), c.trilateral());
  const NationOutcome& jpn = outcome(r, Nation::JPN);
  ASSERT_TRUE(jpn.national[kFirstTrack].has_value());
  ASSERT_TRUE(jpn.trilateral[kFirstTrack].has_value());
  EXPECT_LE(*jpn.trilateral[kFirstTrack], *jpn.national[kFirstTrack] - 10.0);
  ASSERT_TRUE(jpn.first_track_bound_s.has_value());
  EXPECT_LE(*jpn.trilateral[kFirstTrack], *jpn.first_track_bound_s);
  ASSERT_TRUE(jpn.sharing_gain_s.has_value());
  EXPECT_NEAR(*jpn.sharing_gain_s, *jpn.national[kFirstTrack] - *jpn.trilateral[kFirstTrack], 1e-9);
  EXPECT_EQ(r.false_threat_alerts, 0u);
  for (const auto& a : r.threat_alerts) EXPECT_FALSE(a.false_alert) << a.source << " " << a.t_s;
}

// Radars alone: with the satellites on (the default), Japan's first track comes from the US
// space track whatever Korea's link does.
TEST(Runtime, AnOutageOfKoreasLinkToTheHubDelaysJapan) {
  Case& base = f12_radars_alone();
  Case& cut = f12_with_outage();
  ASSERT_EQ(cut.simulation.detections.size(), base.simulation.detections.size());
  const RunOutput& cut_run = cut.trilateral();
  const LinkStats* l = link(cut_run, "KAMD>INDOPACOM");
  ASSERT_NE(l, nullptr);
  EXPECT_GT(l->lost, 0u);
  EXPECT_EQ(l->sent, l->lost + l->delivered);
  const LinkStats* base_link = link(base.trilateral(), "KAMD>INDOPACOM");
  ASSERT_NE(base_link, nullptr);
  EXPECT_EQ(base_link->lost, 0u);
  // The outage touches only the hub's links: the national run is that of the base scenario.
  const ExerciseResult with =
      analyse(base.scenario, base.simulation, base.areas, base.national(), base.trilateral());
  const ExerciseResult without =
      analyse(cut.scenario, cut.simulation, cut.areas, base.national(), cut_run);
  const auto& before = outcome(with, Nation::JPN).trilateral[kFirstTrack];
  const auto& after = outcome(without, Nation::JPN).trilateral[kFirstTrack];
  ASSERT_TRUE(before.has_value());
  ASSERT_TRUE(after.has_value());
  EXPECT_GT(*after, *before);
}

TEST(Runtime, TrilateralRunGoesThroughTheHubWithLatencyFromGeography) {
  Case& c = f12();
  const RunOutput& r = c.trilateral();
  EXPECT_GT(r.hub.admitted, 0u);
  EXPECT_GT(r.hub.released, 0u);
  EXPECT_EQ(r.hub.rejected, 0u);
  for (auto n : r.hub_rejected) EXPECT_EQ(n, 0u);
  // Nor does any national node's gatekeeper refuse anything the hub sends it.
  for (const auto& [n, counters] : r.nodes) {
    EXPECT_GT(counters.hub_admitted, 0u) << to_string(n);
    EXPECT_EQ(counters.hub_rejected, 0u) << to_string(n);
    for (auto k : counters.hub_rejected_by_reason) EXPECT_EQ(k, 0u) << to_string(n);
  }
  EXPECT_NE(link(r, "INDOPACOM>JADGE"), nullptr);
  const LinkStats* l = link(r, "KAMD>INDOPACOM");
  ASSERT_NE(l, nullptr);
  ASSERT_GT(l->delivered, 0u);
  const double mean = l->latency_sum_s / static_cast<double>(l->delivered);
  const double expected = c.scenario.network.latency_s("KAMD", "INDOPACOM");
  const double jitter = c.scenario.network.params("KAMD", "INDOPACOM").jitter_s;
  // Osan to Hawaii, ~7,300 km x 1.2 at 2e8 m/s plus 2 ms processing.
  EXPECT_GT(expected, 0.030);
  EXPECT_LT(expected, 0.080);
  EXPECT_GE(mean, expected);
  EXPECT_LE(mean, expected + jitter);
  EXPECT_LE(l->latency_max_s, expected + jitter + 1e-9);
}

// The lofted ICBM climbs out of every Japanese radar's range for half an hour: Japan's node
// keeps its track, coasting, reports it at the coast rate (every 10 s, not every second) and
// still has it when the missile comes back into view.
TEST(Runtime, ABallisticTrackCoastsThroughTheGapAtTheCoastRate) {
  static Case c(test_paths::scenario("f06.yaml"));
  const RunOutput& r = c.national();
  const double launch_t = c.scenario.launches[0].time.seconds_since(c.scenario.start);
  // Japan's own reports of each of its tracks: (time after launch, status), in order.
  std::map<std::uint64_t, std::vector<std::pair<double, share::TrackStatus>>> by_id;
  for (const auto& o : r.display) {
    const auto* t = std::get_if<share::LocalTrack>(&o.message);
    if (o.nation != Nation::JPN || !t || t->header.originator.nation != Nation::JPN) continue;
    by_id[t->track_id].emplace_back(o.t_s - launch_t, t->status);
  }
  std::size_t in_gap = 0;
  bool through = false;
  for (const auto& [id, reports] : by_id) {
    bool before = false, after = false;
    for (std::size_t i = 0; i < reports.size(); ++i) {
      const auto [s, status] = reports[i];
      before |= s < 600.0;
      after |= s > 2900.0 && status == share::TrackStatus::confirmed;
      if (s < 1200.0 || s > 2400.0) continue;
      ++in_gap;
      EXPECT_EQ(status, share::TrackStatus::coasting) << "T+" << s;
      if (i > 0 && reports[i - 1].first >= 1200.0) {
        EXPECT_GE(s - reports[i - 1].first, 10.0 - 1e-6) << "T+" << s;
      }
    }
    through |= before && after;
  }
  EXPECT_GT(in_gap, 50u);  // 1 200 s at one report per 10 s
  EXPECT_LT(in_gap, 200u);
  EXPECT_TRUE(through);
}

// The satellites see F12's plume from lift-off: the US shares the launch through the hub, so
// every nation has its launch alert within 15 s of lift-off (issue 12 asks 20 s; without them
// every nation's comes with the radars, T+19 s), the launch point from space within 5 km,
// and one launch alert per source however the space track hands over to the radar tracks (no
// repeat, no false threat: the hub takes the US radar track into the missile's system track).
TEST(Runtime, SatellitesWarnEveryNationWithin20sOfLiftOffOnceEach) {
  Case& c = f12_with_satellites();
  ASSERT_FALSE(c.scenario.satellites.empty());
  const ExerciseResult r = analyse(c.scenario, c.simulation, c.areas, c.national(), c.trilateral());
  constexpr std::size_t kLaunchAlert = 3;
  ASSERT_STREQ(timeline_events[kLaunchAlert], "launch_alert");
  for (const Nation n : {Nation::USA, Nation::JPN, Nation::KOR}) {
    const NationOutcome& o = outcome(r, n);
    ASSERT_TRUE(o.trilateral[kLaunchAlert].has_value()) << to_string(n);
    EXPECT_LE(*o.trilateral[kLaunchAlert], 15.0) << to_string(n);
  }
  const SpaceOutcome& sp = r.launches.at(0).space;
  ASSERT_TRUE(sp.first_track_s && sp.launch_point_error_m);
  EXPECT_LT(*sp.first_track_s, 15.0);
  EXPECT_LT(*sp.launch_point_error_m, 5e3);
  for (const auto& n : r.trilateral_warning.nations) {
    EXPECT_EQ(n.repeated_launch_alerts, 0u) << to_string(n.nation);
    EXPECT_EQ(n.false_threats, 0u) << to_string(n.nation);
  }
}

// The default sky (satellites on, the catalogue's 2 km cloud top), on KOR-SRBM-1 (a depressed
// SRBM from Kwail): the plume clears the deck about ten seconds after lift-off, and every
// nation's launch alert comes from space, at least 10 s before the radars alone give it (T+28
// s), with the launch point within 5 km, once per source and with no false threat.
TEST(Runtime, InTheDefaultSkyTheSatellitesWarnBeforeTheRadars) {
  Case c(test_paths::scenario("kor_srbm1.yaml"));
  ASSERT_FALSE(c.scenario.satellites.empty());
  for (const auto& k : c.scenario.satellites) EXPECT_EQ(k.cloud_top_m, 2e3) << k.name;
  Case radars = scenario_with("kor_srbm1.yaml", "kor_srbm1_radars", "space: false\n");
  ASSERT_TRUE(radars.scenario.satellites.empty());
  const ExerciseResult with =
      analyse(c.scenario, c.simulation, c.areas, c.national(), c.trilateral());
  const ExerciseResult without = analyse(radars.scenario, radars.simulation, radars.areas,
                                         radars.national(), radars.trilateral());
  constexpr std::size_t kLaunchAlert = 3;
  for (const Nation n : {Nation::USA, Nation::JPN, Nation::KOR}) {
    const auto& a = outcome(with, n).trilateral[kLaunchAlert];
    const auto& b = outcome(without, n).trilateral[kLaunchAlert];
    ASSERT_TRUE(a && b) << to_string(n);
    EXPECT_LE(*a, *b - 10.0) << to_string(n);
  }
  ASSERT_TRUE(with.launches.at(0).space.launch_point_error_m);
  EXPECT_LT(*with.launches.at(0).space.launch_point_error_m, 5e3);
  for (const auto& n : with.trilateral_warning.nations) {
    EXPECT_EQ(n.repeated_launch_alerts, 0u) << to_string(n.nation);
    EXPECT_EQ(n.false_threats, 0u) << to_string(n.nation);
  }
}
