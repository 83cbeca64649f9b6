#include <gtest/gtest.h>

#include <algorithm>
#include <limits>

#include "geo/line_of_sight.hpp"
#include "io/scenario_file.hpp"
#include "scenario/simulation.hpp"
#include "test_paths.hpp"

using namespace trilink;

namespace {

scenario::Scenario load(const std::string& name) {
  auto s = io::load_scenario(test_paths::scenario(name));
  EXPECT_TRUE(s.has_value()) << (s ? "" : s.error().message());
  return std::move(*s);
}

bool same(const sensor::Detection& a, const sensor::Detection& b) {
  return a.t == b.t && a.radar_index == b.radar_index && a.truth_id == b.truth_id &&
         a.range_m == b.range_m && a.az_rad == b.az_rad && a.el_rad == b.el_rad &&
         a.range_rate_mps == b.range_rate_mps;
}

double first_by_nation(const scenario::Scenario& s, const scenario::Simulation& sim, Nation nation,
                       std::size_t launch) {
  double first = std::numeric_limits<double>::infinity();
  for (std::size_t r = 0; r < s.radars.size(); ++r)
    if (s.radars[r].nation == nation && sim.stats[r][launch].first_detection_s)
      first = std::min(first, *sim.stats[r][launch].first_detection_s);
  return first;
}

}  // namespace

TEST(Simulation, SameSeedSameDetectionsOtherSeedOthers) {
  auto s = load("f13.yaml");
  const auto a = scenario::simulate(s);
  const auto b = scenario::simulate(s);
  ASSERT_EQ(a.detections.size(), b.detections.size());
  ASSERT_GT(a.detections.size(), 100u);
  for (std::size_t i = 0; i < a.detections.size(); ++i)
    ASSERT_TRUE(same(a.detections[i], b.detections[i])) << i;
  s.seed += 1;
  const auto c = scenario::simulate(s);
  std::size_t differing = 0;
  for (std::size_t i = 0; i < std::min(a.detections.size(), c.detections.size()); ++i)
    differing += !same(a.detections[i], c.detections[i]);
  EXPECT_GT(differing, a.detections.size() / 2);
}

TEST(Simulation, EveryTargetDetectionIsGeometricallyVisible) {
  const auto s = load("f06.yaml");
  const auto sim = scenario::simulate(s);
  std::size_t checked = 0;
  for (const auto& d : sim.detections) {
    if (d.truth_id < 0) continue;
    const auto& radar = s.radars[d.radar_index];
    const auto targets = scenario::airborne_objects(s, d.t);
    const auto it = std::find_if(targets.begin(), targets.end(), [&](const sensor::Target& t) {
      return static_cast<std::int64_t>(t.object_id) == d.truth_id;
    });
    ASSERT_NE(it, targets.end());
    const geo::Observer obs(radar.site);
    const auto look = obs.look(it->position, it->height_m);
    ASSERT_TRUE(look.above_horizon) << radar.name << " at " << d.t.ns;
    ASSERT_LE(look.geometric.range_m, radar.max_range_m);
    ASSERT_GE(look.apparent_el_rad, radar.min_el_rad);
    // The measurement is near the truth (within 10 sigma and the bias).
    EXPECT_NEAR(d.range_m, look.geometric.range_m, 10 * radar.sigma_range_m + 100.0);
    ++checked;
  }
  EXPECT_GT(checked, 1000u);
}

TEST(Simulation, KoreaSeesAPyongyangLaunchBeforeJapan) {
  // The geometry the whole project rests on: radars near the launch area see the missile
  // while Japan's still wait for it to rise above their horizon.
  for (auto name : {"f06.yaml", "f09.yaml", "f13.yaml"}) {
    const auto s = load(name);
    const auto sim = scenario::simulate(s);
    const double kor = first_by_nation(s, sim, Nation::KOR, 0);
    const double jpn = first_by_nation(s, sim, Nation::JPN, 0);
    EXPECT_LT(kor, 60.0) << name;
    EXPECT_GT(jpn - kor, 15.0) << name << " KOR " << kor << " JPN " << jpn;
  }
}

TEST(Simulation, TruthRunsFromLiftOffToImpactThroughThePhases) {
  const auto s = load("f08.yaml");
  std::vector<scenario::TruthRow> missile;
  for (const auto& r : scenario::truth_rows(s))
    if (r.object == 0) missile.push_back(r);
  ASSERT_GT(missile.size(), 100u);
  EXPECT_NEAR(missile.front().geodetic.h_m, 0.0, 1.0);
  EXPECT_NEAR(missile.back().geodetic.h_m, 0.0, 1.0);
  EXPECT_EQ(missile.front().phase, flight::Phase::boost);
  EXPECT_EQ(missile.back().phase, flight::Phase::terminal);
  int order = 0;
  for (const auto& r : missile) {
    const int p = static_cast<int>(r.phase);
    ASSERT_GE(p, order);
    order = p;
  }
}

TEST(Simulation, SalvoKeepsEveryLaunch) {
  const auto s = load("salvo.yaml");
  ASSERT_EQ(s.launches.size(), 4u);
  const auto sim = scenario::simulate(s);
  for (std::size_t l = 0; l < s.launches.size(); ++l) {
    EXPECT_LT(first_by_nation(s, sim, Nation::KOR, l), 60.0) << s.launches[l].spec.id;
    EXPECT_TRUE(std::isfinite(first_by_nation(s, sim, Nation::JPN, l))) << s.launches[l].spec.id;
  }
}

TEST(Simulation, RadarsSeeASpentStageWithItsOwnRcs) {
  auto s = load("f08.yaml");  // one IRBM
  ASSERT_EQ(s.launches.size(), 1u);
  auto& l = s.launches[0];
  flight::DebrisRequest asked;
  asked.stages = true;
  l.debris = flight::release_debris(l.shaped.plan, l.shaped.flight.trajectory, asked, 1);
  ASSERT_EQ(l.debris.size(), 1u);
  const flight::Debris& stage = l.debris[0];
  ASSERT_NE(stage.rcs_m2, l.shaped.plan.vehicle.rcs_rv_m2);
  const auto objects = scenario::truth_objects(s);
  ASSERT_EQ(objects.size(), 2u);
  EXPECT_EQ(scenario::label(s, objects[1]), l.spec.id + "/stage1");
  EXPECT_EQ(scenario::kind(objects[1]), "stage");

  const auto sim = scenario::simulate(s);
  std::size_t seen = 0, missile = 0;
  for (const auto& d : sim.detections) {
    if (d.truth_id == 0) ++missile;
    if (d.truth_id != 1) continue;
    ++seen;
    const sensor::Radar radar(s.radars[d.radar_index], d.radar_index, s.seed);
    const double since = d.t.seconds_since(l.time);
    ASSERT_GE(since, stage.separation_s);
    const double range_m =
        (stage.trajectory.ecef_at(since).r_m - radar.observer().frame().origin_ecef().r_m).norm();
    EXPECT_NEAR(d.snr_db, radar.snr_db(range_m, stage.rcs_m2), 0.05);
  }
  EXPECT_GT(seen, 10u);
  // The missile's own statistics count its own plots only.
  std::uint64_t counted = 0;
  for (const auto& per_radar : sim.stats) counted += per_radar[0].detections;
  EXPECT_EQ(counted, missile);
}
