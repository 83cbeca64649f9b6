// Warning scores judged per truth object (eval/warning.hpp): an IRBM whose spent stage falls in
// a small Japanese area, made-up displays of tracks and alerts about the RV, the stage and a
// fragment, and what the score says of each.
#include <gtest/gtest.h>

#include "eval/truth.hpp"
#include "eval/warning.hpp"
#include "flight/shaping.hpp"
#include "geo/angles.hpp"
#include "scenario/simulation.hpp"

using namespace trilink;

namespace {

constexpr const char* kHub = "INDOPACOM";

// A minimum-energy launch `t_s` after a scenario start at 0, shaped.
scenario::Launch shaped_launch(const std::string& id, double t_s, const geo::Geodetic& site,
                               double azimuth_deg, double range_m, flight::MissileClass c) {
  scenario::Launch l;
  l.spec.id = id;
  l.spec.time_s = t_s;
  l.time = geo::UtcTime{0}.plus_seconds(t_s);
  l.spec.request.site = site;
  l.spec.request.azimuth_rad = geo::deg_to_rad(azimuth_deg);
  l.spec.request.range_m = range_m;
  l.spec.request.missile_class = c;
  l.spec.request.profile = flight::Profile::minimum_energy;
  const auto shaped = flight::shape(l.spec.request);
  EXPECT_TRUE(shaped.has_value());
  if (shaped) l.shaped = *shaped;
  return l;
}

// One IRBM with its spent stage and two fragments; a JPN radar so that Japan has a node.
scenario::Scenario irbm_with_debris() {
  scenario::Scenario s;
  s.start = geo::UtcTime{0};
  scenario::Launch l = shaped_launch("F01", 0.0, geo::Geodetic::from_deg(39.0, 125.7), 95.0, 3000e3,
                                     flight::MissileClass::irbm);
  l.spec.debris = {.stages = true, .fragments = 2, .spread_mps = 30.0};
  l.debris = flight::release_debris(l.shaped.plan, l.shaped.flight.trajectory, l.spec.debris, 1);
  s.launches.push_back(std::move(l));
  sensor::RadarParams r;
  r.nation = Nation::JPN;
  s.radars.push_back(r);
  s.duration_s = s.launches[0].debris[0].trajectory.impact_s + 30.0;
  return s;
}

// SRBMs of one site (minimum energy), and a JPN radar so that Japan has a node.
struct Shot {
  const char* id;
  double t_s, azimuth_deg, range_m;
};
scenario::Scenario srbms_of_one_site(const geo::Geodetic& site, std::initializer_list<Shot> shots) {
  scenario::Scenario s;
  s.start = geo::UtcTime{0};
  for (const Shot& x : shots)
    s.launches.push_back(
        shaped_launch(x.id, x.t_s, site, x.azimuth_deg, x.range_m, flight::MissileClass::srbm));
  sensor::RadarParams r;
  r.nation = Nation::JPN;
  s.radars.push_back(r);
  s.duration_s = 600.0;
  return s;
}

// A square of +-0.05 deg around a point, as a JPN area.
warn::ProtectedArea box_around(const std::string& name, const geo::Geodetic& c) {
  const double lat = c.lat_deg(), lon = c.lon_deg(), d = 0.05;
  std::vector<geo::Geodetic> ring;
  const std::pair<double, double> corners[] = {{-d, -d}, {-d, d}, {d, d}, {d, -d}};
  for (auto [dlat, dlon] : corners) ring.push_back(geo::Geodetic::from_deg(lat + dlat, lon + dlon));
  return {name, Nation::JPN, {ring}};
}

// A display seen by Japan: system track reports and alerts from the hub.
struct Display {
  const scenario::Scenario& s;
  exercise::RunOutput run;
  std::uint64_t sequence = 0;

  share::Header header(double t_s) {
    share::Header h;
    h.originator.nation = Nation::USA;
    h.originator.node = kHub;
    h.sequence = ++sequence;
    h.time_of_validity = s.start.plus_seconds(t_s);
    return h;
  }
  // A report of track `id` exactly on truth object `object` at t_s.
  void track(std::uint64_t id, std::size_t object, double t_s) {
    report(id, scenario::truth_objects(s)[object].trajectory(s).ecef_at(t_s).r_m, t_s);
  }
  // A report of track `id` at position p at t_s.
  void report(std::uint64_t id, const Eigen::Vector3d& p, double t_s) {
    share::SystemTrack t;
    t.header = header(t_s);
    t.system_track_id = id;
    t.position_ecef_m = p;
    t.status = share::TrackStatus::confirmed;
    run.display.push_back({t_s, Nation::JPN, t});
  }
  void alert(std::uint64_t id, double t_s, share::AlertLevel level,
             std::vector<std::string> areas = {}) {
    share::Alert a;
    a.header = header(t_s);
    a.system_track_id = id;
    a.level = level;
    a.areas = std::move(areas);
    run.display.push_back({t_s, Nation::JPN, a});
  }
  void launch_alert(std::uint64_t id, double t_s) {
    alert(id, t_s, share::AlertLevel::launch_detected);
  }
  void passed(std::uint64_t id, double t_s) { alert(id, t_s, share::AlertLevel::passed); }
  void threat(std::uint64_t id, double t_s, const std::string& area) {
    alert(id, t_s, share::AlertLevel::threat, {area});
  }
};

}  // namespace

TEST(Warning, AStageFallingInAnAreaIsAThreatOfItsOwnToWarn) {
  const scenario::Scenario s = irbm_with_debris();
  const auto& L = s.launches[0];
  const auto& rv = L.shaped.flight.trajectory;
  const flight::Debris& stage = L.debris[0];
  ASSERT_EQ(stage.name, "stage1");
  ASSERT_TRUE(stage.trajectory.impacted);
  // The stage's area; the RV overflies it on its way, so it threatens it too.
  const std::vector<warn::ProtectedArea> areas = {
      box_around("stage-box", stage.trajectory.impact),
      box_around("far-box", geo::Geodetic::from_deg(30.0, 131.0))};
  ASSERT_FALSE(warn::AreaGeometry(areas[0]).contains(rv.impact));
  const std::size_t rv_id = 0, stage_id = 1, fragment_id = 2;

  const auto jpn = [&](const Display& d) {
    const auto score = eval::score_warnings(s, areas, d.run);
    EXPECT_EQ(score.nations.size(), 1u);
    return score.nations.at(0);
  };
  const double rv_t = rv.burnout_s + 100.0;
  const double stage_t = stage.trajectory.impact_s - 30.0;  // the RV is down by then
  ASSERT_GT(stage_t, rv.impact_s);
  const double fragment_t = L.debris[1].trajectory.impact_s - 10.0;

  Display silent{s, {}};
  silent.track(1, rv_id, rv_t);
  silent.track(2, stage_id, stage_t);
  silent.track(3, fragment_id, fragment_t);
  const auto none = jpn(silent);
  EXPECT_EQ(none.threatened, 2u);  // the RV (overflight) and the stage (impact)
  EXPECT_EQ(none.missed, 2u);
  EXPECT_EQ(none.false_threats, 0u);  // a fragment with no alert costs nothing

  // The RV's threat names the stage's area: while it is up it warns of the stage too (the
  // same people); once the RV has passed, the stage, still to fall, is uncovered.
  Display rv_only = silent;
  rv_only.threat(1, rv_t, "stage-box");
  rv_only.passed(1, rv.impact_s);  // past its overflight: not premature
  const auto one = jpn(rv_only);
  EXPECT_EQ(one.missed, 0u);
  EXPECT_EQ(one.false_threats, 0u);
  for (const auto& t : one.threats) {
    if (t.object != stage_id) continue;
    EXPECT_EQ(t.threat_after_launch_s, rv_t);
    EXPECT_NEAR(t.gap_s, t.window_s - (rv.impact_s - rv_t), 1e-6);
  }

  Display both = rv_only;
  both.threat(2, stage_t, "stage-box");
  const auto two = jpn(both);
  EXPECT_EQ(two.threatened, 2u);
  EXPECT_EQ(two.missed, 0u);
  EXPECT_EQ(two.false_threats, 0u);
  const auto gap_of_stage = [&](const eval::NationWarningScore& score) {
    for (const auto& t : score.threats)
      if (t.object == stage_id) return t.gap_s;
    return -1.0;
  };
  EXPECT_LT(gap_of_stage(two), gap_of_stage(one));  // its own threat at stage_t

  // An alert about the fragment for an area nothing falls in or flies over is false.
  Display wrong = both;
  wrong.threat(3, fragment_t, "far-box");
  const auto wrong_score = jpn(wrong);
  EXPECT_EQ(wrong_score.false_threats, 1u);
  // The fault list says which alert it was, for the analyst to find it.
  ASSERT_EQ(wrong_score.faults.size(), 1u);
  const eval::WarningFault& f = wrong_score.faults[0];
  EXPECT_EQ(f.kind, eval::WarningFault::Kind::false_threat);
  EXPECT_DOUBLE_EQ(f.t_s, fragment_t);
  EXPECT_EQ(f.source, kHub);
  EXPECT_EQ(f.object, "F01/frag01");
  EXPECT_EQ(f.track_id, 3u);

  // A track that leaves its object for another (it lost the RV and took the stage's plots) is
  // about the stage from then on: its threat warns of the stage.
  Display swapped{s, {}};
  swapped.track(4, rv_id, rv_t);
  swapped.track(4, stage_id, stage_t);
  swapped.threat(4, stage_t, "stage-box");
  const auto moved = jpn(swapped);
  EXPECT_EQ(moved.false_threats, 0u);
  for (const auto& t : moved.threats) EXPECT_EQ(t.missed, t.object == rv_id) << t.object;
}

TEST(Warning, ATrackIsAboutTheObjectItFollows) {
  const scenario::Scenario s = irbm_with_debris();
  const auto objects = scenario::truth_objects(s);
  ASSERT_EQ(objects.size(), 4u);  // the missile, its stage, two fragments
  const auto at = [&](double t_s) { return s.start.plus_seconds(t_s); };
  const auto where = [&](std::size_t o, double t_s) {
    return objects[o].state_at(s, at(t_s))->r_m;
  };
  eval::TrackObjects about(s);
  const double burnout = s.launches[0].shaped.flight.trajectory.burnout_s;
  // Just after the separation a fragment flies within a few hundred metres of the missile: a
  // track on it cannot be told from the missile's.
  const double early = burnout + 5.0;
  ASSERT_LT((where(2, early) - where(0, early)).norm(), eval::with_missile_m);
  EXPECT_EQ(about.map(Nation::JPN, kHub, 1, at(early), where(2, early)),
            std::optional<std::size_t>(0));
  // A track of the missile that later follows the stage, once the stage is 2-20 km away.
  EXPECT_EQ(about.map(Nation::JPN, kHub, 2, at(early), where(0, early)),
            std::optional<std::size_t>(0));
  double later = early;
  const double end = s.launches[0].debris[0].trajectory.impact_s;
  while (later < end && (where(1, later) - where(0, later)).norm() < 3e3) later += 1.0;
  ASSERT_LT(later, end);
  ASSERT_LT((where(1, later) - where(0, later)).norm(), eval::left_object_m);
  // 1 km off the missile, away from the stage: still the missile's.
  const Eigen::Vector3d away = (where(0, later) - where(1, later)).normalized();
  EXPECT_EQ(about.map(Nation::JPN, kHub, 2, at(later), where(0, later) + 1e3 * away),
            std::optional<std::size_t>(0));
  EXPECT_EQ(about.map(Nation::JPN, kHub, 2, at(later), where(1, later)),
            std::optional<std::size_t>(1));
  EXPECT_EQ(about.lookup(Nation::JPN, kHub, 2), std::optional<std::size_t>(1));
}

// A track carried on past its missile's impact (a system track coasting while its
// contributions end) is still about that missile, though another flies 40 km off; it is taken
// by another object only when it lies right on it (untuned u20: the hub's right "fell" of S4
// was scored a premature end of S3, the nearest missile still flying).
TEST(Warning, ATrackCarriedPastItsMissilesImpactStaysAboutIt) {
  const scenario::Scenario s = srbms_of_one_site(
      geo::Geodetic::from_deg(39.16, 127.48), {{"A", 0.0, 160.0, 300e3}, {"B", 0.0, 161.0, 330e3}});
  const auto objects = scenario::truth_objects(s);
  ASSERT_EQ(objects.size(), 2u);
  const double down = objects[0].trajectory(s).impact_s;
  ASSERT_LT(down + 5.0, objects[1].trajectory(s).impact_s);
  const auto at = [&](double t_s) { return s.start.plus_seconds(t_s); };
  const Eigen::Vector3d last = objects[0].trajectory(s).ecef_at(down - 1.0).r_m;
  eval::TrackObjects about(s);
  EXPECT_EQ(about.map(Nation::KOR, kHub, 1, at(down - 1.0), last), std::optional<std::size_t>(0));
  // Two seconds past A's fall, where A was: B, the only one flying, is tens of km away.
  const Eigen::Vector3d b = objects[1].state_at(s, at(down + 2.0))->r_m;
  ASSERT_GT((b - last).norm(), 10e3);
  ASSERT_LT((b - last).norm(), eval::about_launch_m);
  EXPECT_EQ(about.map(Nation::KOR, kHub, 1, at(down + 2.0), last), std::optional<std::size_t>(0));
  EXPECT_EQ(about.lookup(Nation::KOR, kHub, 1), std::optional<std::size_t>(0));
  // On B itself: now B's.
  EXPECT_EQ(about.map(Nation::KOR, kHub, 1, at(down + 3.0), b), std::optional<std::size_t>(1));
}

// Two SRBMs of one site 3 s apart: a boosting track lags its missile toward the one launched
// after it, so the first "launch detected" may be judged about the second missile; the
// second missile's own launch alert is then no repeat but the first's (a launch that has had
// none flies within left_object_m of the track). A third launch alert is a repeat.
TEST(Warning, InAClusterALaunchAlertIsAboutALaunchNotYetAnnounced) {
  const scenario::Scenario s =
      srbms_of_one_site(geo::Geodetic::from_deg(39.16, 127.48),
                        {{"E1", 0.0, 160.0, 400e3}, {"E2", 3.0, 150.0, 400e3}});
  Display d{s, {}};
  // Track 1 first reported on the second missile (T+17: the two 2 km apart), announced.
  const auto E2 = scenario::truth_objects(s)[1];
  d.report(1, E2.trajectory(s).ecef_at(14.0).r_m, 17.0);
  d.launch_alert(1, 17.0);
  // Track 2 on the second missile at T+40, announced.
  d.report(2, E2.trajectory(s).ecef_at(37.0).r_m, 40.0);
  d.launch_alert(2, 40.0);
  const auto once = eval::score_warnings(s, {}, d.run).nations.at(0);
  EXPECT_EQ(once.launch_alerts, 2u);
  EXPECT_EQ(once.repeated_launch_alerts, 0u);
  d.launch_alert(2, 41.0);
  const auto twice = eval::score_warnings(s, {}, d.run).nations.at(0);
  EXPECT_EQ(twice.launch_alerts, 3u);
  EXPECT_EQ(twice.repeated_launch_alerts, 1u);
}

// Two missiles of one site 11 s apart (raid100, seed 1: R072 and R002): track 1 is first
// reported beside the first missile but follows the second from then on; its launch alert is
// the second's, and track 2's on the first missile, long after, is the first's: no repeat.
TEST(Warning, ALaunchAlertIsAboutTheLaunchItsTrackGoesOnToFollow) {
  const scenario::Scenario s =
      srbms_of_one_site(geo::Geodetic::from_deg(39.66, 124.70),
                        {{"E1", 0.0, 150.0, 400e3}, {"E2", 11.0, 175.0, 400e3}});
  Display d{s, {}};
  const auto objects = scenario::truth_objects(s);
  const auto at = [&](double t_s) { return s.start.plus_seconds(t_s); };
  // At T+14 s the young track lies nearer E1 (a lagging boost), then on E2 every second.
  const Eigen::Vector3d e1 = objects[0].state_at(s, at(14.0))->r_m;
  const Eigen::Vector3d e2 = objects[1].state_at(s, at(14.0))->r_m;
  ASSERT_LT((e1 - e2).norm(), 5e3);
  d.report(1, e1 + 0.2 * (e2 - e1), 14.0);
  d.launch_alert(1, 14.0);
  for (double t = 15.0; t <= 40.0; t += 1.0) d.report(1, objects[1].state_at(s, at(t))->r_m, t);
  // Track 2 on E1 at T+90 s, announced: E2 is then farther than left_object_m from it.
  const double late = 90.0;
  ASSERT_GT((objects[0].state_at(s, at(late))->r_m - objects[1].state_at(s, at(late))->r_m).norm(),
            eval::left_object_m);
  d.report(2, objects[0].state_at(s, at(late))->r_m, late);
  d.launch_alert(2, late);
  const auto score = eval::score_warnings(s, {}, d.run).nations.at(0);
  EXPECT_EQ(score.launch_alerts, 2u);
  EXPECT_EQ(score.repeated_launch_alerts, 0u);
}

// A track in the cloud around a missile may be judged about a fragment a kilometre or two off
// it: its threat naming an area the missile (and here the stage) truly threatens covers them
// while it is up (the same warning for the same people).
TEST(Warning, AThreatAboutAFragmentNamingTheMissilesAreaCoversTheMissile) {
  const scenario::Scenario s = irbm_with_debris();
  const auto& L = s.launches[0];
  const auto& rv = L.shaped.flight.trajectory;
  const flight::Debris& stage = L.debris[0];
  const std::vector<warn::ProtectedArea> areas = {
      box_around("stage-box", stage.trajectory.impact),
      box_around("far-box", geo::Geodetic::from_deg(30.0, 131.0))};
  const std::size_t rv_id = 0, stage_id = 1, fragment_id = 2;
  const double t = rv.burnout_s + 100.0;
  // Japan's score when the fragment's track alone names `area`.
  const auto fragment_names = [&](const std::string& area,
                                  const std::vector<warn::ProtectedArea>& of) {
    Display d{s, {}};
    d.track(3, fragment_id, t);
    d.threat(3, t, area);
    return eval::score_warnings(s, of, d.run).nations.at(0);
  };
  auto score = fragment_names("stage-box", areas);
  EXPECT_EQ(score.threatened, 2u);
  EXPECT_EQ(score.missed, 0u);
  for (const auto& th : score.threats) {
    EXPECT_TRUE(th.object == rv_id || th.object == stage_id) << th.object;
    EXPECT_EQ(th.threat_after_launch_s, t) << th.object;
  }
  // Nor is it false, though the fragment itself neither falls in the area nor flies over it:
  // the alert warns of its launch, whose missile does (here: the missile's own impact point).
  // (The fragment falls short of the missile, so it does not fly over the missile's impact.)
  const geo::Geodetic site = L.spec.request.site;
  const auto& fragment = L.debris[fragment_id - 1].trajectory;
  ASSERT_GT(geo::geodesic_inverse(fragment.impact, rv.impact).distance_m, 20e3);
  ASSERT_LT(geo::geodesic_inverse(site, fragment.impact).distance_m,
            geo::geodesic_inverse(site, rv.impact).distance_m);
  score = fragment_names("rv-box", {box_around("rv-box", rv.impact)});
  EXPECT_EQ(score.threatened, 1u);
  EXPECT_EQ(score.missed, 0u);
  EXPECT_EQ(score.false_threats, 0u);
  // Naming an area the missile does not threaten covers nothing.
  score = fragment_names("far-box", areas);
  EXPECT_EQ(score.missed, 2u);
  EXPECT_EQ(score.false_threats, 1u);
}

// A prediction is about the object whose fall it predicts, of those beside its track: a track
// that took up the spent stage at the staging stays about the missile while within a few km of
// it, and its prediction of the stage's fall is no prediction of the missile before its
// burnout (untuned u10, Korea, seed 2). The same track predicting the missile's own fall then
// is one.
TEST(Warning, APredictionOfTheSpentStagesFallIsNoPredictionBeforeTheMissilesBurnout) {
  scenario::Scenario s = irbm_with_debris();
  s.launches[0] = shaped_launch("F01", 0.0, geo::Geodetic::from_deg(39.0, 125.7), 80.0, 9000e3,
                                flight::MissileClass::icbm);
  s.launches[0].spec.debris = {.stages = true, .fragments = 0, .spread_mps = 0.0};
  s.launches[0].debris =
      flight::release_debris(s.launches[0].shaped.plan, s.launches[0].shaped.flight.trajectory,
                             s.launches[0].spec.debris, 1);
  const auto& L = s.launches[0];
  const flight::Trajectory& rv = L.shaped.flight.trajectory;
  const flight::Debris& stage = L.debris[0];
  ASSERT_EQ(stage.name, "stage1");
  const double t = stage.separation_s + 2.0;
  ASSERT_LT(t, rv.burnout_s);
  const std::size_t rv_id = 0;
  const auto predicting = [&](const geo::Geodetic& impact) {
    Display d{s, {}};
    d.track(1, rv_id, t);  // on the missile (the stage is within a few km)
    share::ImpactPrediction p;
    p.header = d.header(t);
    p.system_track_id = 1;
    p.impact_point_ecef_m = geo::to_ecef(impact).r_m;
    d.run.display.push_back({t, Nation::JPN, p});
    return eval::score_warnings(s, {}, d.run).nations.at(0).early_predictions;
  };
  EXPECT_EQ(predicting(stage.trajectory.impact), 0u);
  EXPECT_EQ(predicting(rv.impact), 1u);
}
