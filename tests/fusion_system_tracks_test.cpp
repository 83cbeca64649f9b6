#include <gtest/gtest.h>

#include <iostream>
#include <limits>
#include <random>

#include "fusion/system_tracks.hpp"
#include "track/ballistic_model.hpp"

using namespace trilink;
using namespace trilink::fusion;
using trilink::Nation;

namespace {

const geo::UtcTime t0{1'700'000'000'000'000'000};

// The missile's true state at time t (s after t0), on the ballistic arc.
State truth_at(double t_s) {
  track::Vec9 x = track::Vec9::Zero();
  x << -3.3e6, 4.0e6, 4.0e6, 1500.0, -1000.0, 2000.0, 0, 0, 0;
  return track::BallisticModel{}.propagate(x, t_s).head<6>();
}

struct Nations {
  std::mt19937_64 rng{5};
  std::uint64_t seq = 0;

  share::LocalTrack report(Nation n, std::uint64_t id, double t_s, double offset_m = 0.0) {
    return report(n, id, t_s, Eigen::Vector3d(offset_m, 0.0, 0.0), n == Nation::JPN ? 150.0 : 90.0,
                  n == Nation::JPN ? 12.0 : 20.0);
  }

  // Off the missile by `offset`, with noise of sp (m) and sv (m/s) per axis.
  share::LocalTrack report(Nation n, std::uint64_t id, double t_s, const Eigen::Vector3d& offset,
                           double sp, double sv) {
    share::LocalTrack t;
    t.header.originator = {n,
                           n == Nation::JPN   ? "JADGE"
                           : n == Nation::KOR ? "KAMD"
                                              : "INDOPACOM",
                           std::nullopt};
    t.header.sequence = ++seq;
    t.header.time_of_validity = t0.plus_seconds(t_s);
    t.header.releasability = share::Releasability::all();
    t.track_id = id;
    std::normal_distribution<double> g(0.0, 1.0);
    State x = truth_at(t_s);
    x.head<3>() += offset;
    for (int i = 0; i < 3; ++i) x(i) += sp * g(rng);
    for (int i = 3; i < 6; ++i) x(i) += sv * g(rng);
    t.position_ecef_m = x.head<3>();
    t.velocity_ecef_mps = x.tail<3>();
    t.covariance = Covariance::Zero();
    t.covariance.topLeftCorner<3, 3>().diagonal().setConstant(sp * sp);
    t.covariance.bottomRightCorner<3, 3>().diagonal().setConstant(sv * sv);
    t.status = share::TrackStatus::confirmed;
    t.phase = share::FlightPhase::midcourse;
    return t;
  }
};

const share::SystemTrack* find(const std::vector<share::SystemTrack>& v, std::uint64_t id) {
  for (const auto& s : v)
    if (s.system_track_id == id) return &s;
  return nullptr;
}

}  // namespace

TEST(SystemTracks, StableIdAcrossTheHandOverFromKoreaToJapan) {
  Nations nations;
  SystemTrackManager hub;
  std::uint64_t id = 0;
  // 0-20 s: Korea only; 20-40 s: both (reports 0.3 s apart, not time-aligned); 40-80 s: Korea
  // dropped its track, Japan alone.
  for (int k = 0; k <= 80; k += 2) {
    const double t = k;
    std::vector<share::LocalTrack> reports;
    if (k <= 40) reports.push_back(nations.report(Nation::KOR, 17, t - 0.3));
    if (k == 42) {
      auto dropped = nations.report(Nation::KOR, 17, t - 0.3);
      dropped.status = share::TrackStatus::dropped;
      reports.push_back(dropped);
    }
    if (k >= 20) reports.push_back(nations.report(Nation::JPN, 4, t));
    const auto picture = hub.update(t0.plus_seconds(t), reports);
    ASSERT_EQ(picture.size(), 1u) << "at " << t << " s";
    if (id == 0) id = picture[0].system_track_id;
    EXPECT_EQ(picture[0].system_track_id, id) << "at " << t << " s";
    const std::size_t expected = (k >= 20 && k <= 40) ? 2 : 1;
    EXPECT_EQ(picture[0].contributions.size(), expected) << "at " << t << " s";
    EXPECT_LT((picture[0].position_ecef_m - truth_at(t).head<3>()).norm(), 1000.0);
    EXPECT_TRUE(picture[0].covariance.allFinite());
  }
  EXPECT_EQ(hub.system_id_of({Nation::JPN, 4}), id);
  EXPECT_FALSE(hub.system_id_of({Nation::KOR, 17}).has_value());
}

TEST(SystemTracks, HandOverAcrossAGapCoastsAndKeepsTheId) {
  Nations nations;
  SystemTrackManager hub;
  auto p = hub.update(t0, std::vector{nations.report(Nation::KOR, 1, 0.0)});
  const std::uint64_t id = p.at(0).system_track_id;
  auto dropped = nations.report(Nation::KOR, 1, 4.0);
  dropped.status = share::TrackStatus::dropped;
  p = hub.update(t0.plus_seconds(4.0), std::vector{dropped});
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].status, share::TrackStatus::coasting);
  EXPECT_TRUE(p[0].contributions.empty());
  p = hub.update(t0.plus_seconds(10.0), std::vector{nations.report(Nation::JPN, 9, 10.0)});
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].system_track_id, id);
  // With no report at all, the system track ends after the coast timeout.
  hub.update(t0.plus_seconds(60.0), {});
  p = hub.update(t0.plus_seconds(100.0), {});
  EXPECT_TRUE(p.empty());
}

TEST(SystemTracks, TwoTargetsKeepTheirOwnIdsAndSameNationTracksStayApart) {
  Nations nations;
  SystemTrackManager hub;
  std::uint64_t near_id = 0, far_id = 0;
  for (int k = 0; k < 10; ++k) {
    const double t = k;
    std::vector<share::LocalTrack> reports{
        nations.report(Nation::JPN, 1, t), nations.report(Nation::JPN, 2, t, 50e3),
        nations.report(Nation::KOR, 7, t, 50e3), nations.report(Nation::KOR, 8, t)};
    const auto p = hub.update(t0.plus_seconds(t), reports);
    ASSERT_EQ(p.size(), 2u);
    if (k == 0) {
      near_id = *hub.system_id_of({Nation::JPN, 1});
      far_id = *hub.system_id_of({Nation::JPN, 2});
    }
    EXPECT_EQ(hub.system_id_of({Nation::KOR, 8}), near_id);
    EXPECT_EQ(hub.system_id_of({Nation::KOR, 7}), far_id);
    EXPECT_NE(near_id, far_id);
    for (const auto& s : p) {
      ASSERT_EQ(s.contributions.size(), 2u);
      EXPECT_NE(s.contributions[0].nation, s.contributions[1].nation);
    }
  }
  // A duplicate JPN track on the near target: not fused into the near system track.
  const auto p =
      hub.update(t0.plus_seconds(10.0), std::vector{nations.report(Nation::JPN, 3, 10.0)});
  EXPECT_EQ(p.size(), 3u);
  EXPECT_NE(hub.system_id_of({Nation::JPN, 3}), near_id);
  ASSERT_NE(find(p, near_id), nullptr);
  EXPECT_EQ(find(p, near_id)->contributions.size(), 2u);
}

TEST(SystemTracks, ATrackThatLeavesItsSystemTrackIsSplitOff) {
  // Korea and Japan track one missile; at 10 s Japan's track jumps 8 km to the stage it
  // dropped (400 m/s slower). In both update() and take(), Japan's track leaves the system
  // track, which goes on with Korea's alone; the stage gets a system track of its own.
  for (const bool one_by_one : {false, true}) {
    Nations nations;
    SystemTrackManager hub;
    const Eigen::Vector3d stage(8e3, 0.0, 0.0);
    std::uint64_t id = 0;
    for (int k = 0; k <= 20; ++k) {
      const double t = k;
      const bool jumped = k >= 10;
      std::vector<share::LocalTrack> reports{nations.report(Nation::KOR, 7, t)};
      share::LocalTrack j = jumped ? nations.report(Nation::JPN, 1, t, stage, 150.0, 12.0)
                                   : nations.report(Nation::JPN, 1, t);
      if (jumped) j.velocity_ecef_mps -= 400.0 * j.velocity_ecef_mps.normalized();
      reports.push_back(j);
      if (one_by_one) {
        for (const auto& r : reports) hub.take(t0.plus_seconds(t), r);
      } else {
        hub.update(t0.plus_seconds(t), reports);
      }
      if (k == 0) id = *hub.system_id_of({Nation::KOR, 7});
      EXPECT_EQ(hub.system_id_of({Nation::KOR, 7}), id) << k;
      if (jumped)
        EXPECT_NE(hub.system_id_of({Nation::JPN, 1}), id) << k;
      else
        EXPECT_EQ(hub.system_id_of({Nation::JPN, 1}), id) << k;
    }
    const auto p = hub.update(t0.plus_seconds(20.0), {});
    ASSERT_NE(find(p, id), nullptr);
    ASSERT_EQ(find(p, id)->contributions.size(), 1u);
    EXPECT_EQ(find(p, id)->contributions[0].nation, Nation::KOR);
  }
}

TEST(SystemTracks, ASecondSystemTrackOfOneMissileJoinsTheFirstOnceItsTrackIsKnown) {
  // The US tracks a boosting missile from 0 s; Korea picks it up at 3 s with a first velocity
  // 1 km/s off (a young track's, its sigma claiming 200 m/s) and calls it past burnout: no
  // gate, a system track of its own (p04, untuned, seed 2: predictions of a lofted IRBM 80 s
  // before its burnout). Once Korea's track is right (from 6 s), taken one by one, it joins
  // the US's older system track and its own ends. A track 30 km away never joins.
  // All some 40 km up (the arc of truth_at, lowered): below merge_below_m.
  Nations nations;
  SystemTrackManager hub;
  const Eigen::Vector3d up = truth_at(0.0).head<3>().normalized();
  const Eigen::Vector3d low = -140e3 * up;
  const Eigen::Vector3d other = low + 30e3 * up.cross(Eigen::Vector3d::UnitZ()).normalized();
  std::optional<std::uint64_t> first, second;
  for (int k = 0; k <= 20; ++k) {
    const double t = k;
    share::LocalTrack us = nations.report(Nation::USA, 4, t, low, 90.0, 20.0);
    us.phase = share::FlightPhase::boost;
    hub.take(t0.plus_seconds(t), us);
    hub.take(t0.plus_seconds(t), nations.report(Nation::JPN, 9, t, other, 150.0, 12.0));
    if (k >= 3) {
      share::LocalTrack r = nations.report(Nation::KOR, 2, t, low, 300.0, k < 6 ? 200.0 : 60.0);
      if (k < 6) r.velocity_ecef_mps += 1000.0 * r.velocity_ecef_mps.normalized();
      hub.take(t0.plus_seconds(t), r);
    }
    if (k == 0) first = hub.system_id_of({Nation::USA, 4});
    if (k == 3) second = hub.system_id_of({Nation::KOR, 2});
    EXPECT_EQ(hub.system_id_of({Nation::USA, 4}), first) << k;
  }
  ASSERT_TRUE(first && second);
  EXPECT_NE(*second, *first);  // at first, apart
  EXPECT_EQ(hub.system_id_of({Nation::KOR, 2}), first);
  EXPECT_NE(hub.system_id_of({Nation::JPN, 9}), first);
  const auto p = hub.update(t0.plus_seconds(20.0), {});
  EXPECT_EQ(find(p, *second), nullptr);
  ASSERT_NE(find(p, *first), nullptr);
  EXPECT_EQ(find(p, *first)->contributions.size(), 2u);
  EXPECT_EQ(p.size(), 2u);  // the missile and the other
  // Higher up (where a boosting missile drops stages and fragments) nothing is merged.
  SystemTrackManager high;
  for (int k = 0; k <= 20; ++k) {
    const double t = k;
    share::LocalTrack us = nations.report(Nation::USA, 4, t);
    us.phase = share::FlightPhase::boost;
    high.take(t0.plus_seconds(t), us);
    if (k >= 3) {
      share::LocalTrack r =
          nations.report(Nation::KOR, 2, t, Eigen::Vector3d::Zero(), 300.0, k < 6 ? 200.0 : 60.0);
      if (k < 6) r.velocity_ecef_mps += 1000.0 * r.velocity_ecef_mps.normalized();
      high.take(t0.plus_seconds(t), r);
    }
  }
  EXPECT_NE(high.system_id_of({Nation::KOR, 2}), high.system_id_of({Nation::USA, 4}));
}

// When the nations disagree on burnout, the fused track is past it only if its own energy shows
// no thrust and it does not climb slower than any missile burns out (track::slower_than_any_
// burnout): a lagging estimate of a slow boost is quiet to the energy test. Korea says boost,
// Japan past burnout, both of a ballistic arc (no thrust): at 600 m/s climbing the hub keeps
// the boost; at the arc's 2.7 km/s it takes Japan's word.
TEST(SystemTracks, ATrackClimbingSlowerThanAnyBurnoutIsStillBoostingAtTheHub) {
  const auto phase_at_end = [](double speed_mps) {
    Nations nations;
    SystemTrackManager hub;
    track::Vec9 x0 = track::Vec9::Zero();
    x0.head<6>() = truth_at(0.0);
    const Eigen::Vector3d up = x0.head<3>().normalized();
    x0.segment<3>(3) =
        speed_mps * (0.8 * up + 0.6 * up.cross(Eigen::Vector3d::UnitZ()).normalized());
    std::optional<share::SystemTrack> last;
    for (int k = 0; k <= 30; ++k) {
      const double t = k;
      const State x = track::BallisticModel{}.propagate(x0, t).head<6>();
      for (Nation n : {Nation::KOR, Nation::JPN}) {
        share::LocalTrack r = nations.report(n, 7, t, Eigen::Vector3d::Zero(), 0.0, 0.0);
        r.position_ecef_m = x.head<3>();
        r.velocity_ecef_mps = x.tail<3>();
        r.covariance.topLeftCorner<3, 3>().diagonal().setConstant(50.0 * 50.0);
        r.covariance.bottomRightCorner<3, 3>().diagonal().setConstant(5.0 * 5.0);
        r.phase = n == Nation::KOR ? share::FlightPhase::boost : share::FlightPhase::midcourse;
        last = hub.take(t0.plus_seconds(t), r);
      }
    }
    EXPECT_TRUE(last.has_value());
    return last ? last->phase : share::FlightPhase::boost;
  };
  EXPECT_EQ(phase_at_end(600.0), share::FlightPhase::boost);
  EXPECT_EQ(phase_at_end(2700.0), share::FlightPhase::midcourse);
}

TEST(SystemTracks, NaNInputIsRejectedAndNeverFused) {
  Nations nations;
  SystemTrackManager hub;
  auto good = nations.report(Nation::KOR, 17, 0.0);
  auto bad = nations.report(Nation::JPN, 4, 0.0);
  bad.position_ecef_m.y() = std::numeric_limits<double>::quiet_NaN();
  auto p = hub.update(t0, std::vector{good, bad});
  ASSERT_EQ(p.size(), 1u);
  EXPECT_TRUE(p[0].covariance.allFinite());
  EXPECT_TRUE(p[0].position_ecef_m.allFinite());
  EXPECT_EQ(p[0].contributions.size(), 1u);
  ASSERT_EQ(hub.diagnostics().rejected.size(), 1u);
  EXPECT_EQ(hub.diagnostics().rejected[0].contribution, (share::Contribution{Nation::JPN, 4}));
  EXPECT_EQ(hub.diagnostics().rejected[0].failure.status, FusionStatus::non_finite);

  // A later NaN report of a held track changes nothing: the last good one is kept.
  auto bad_update = nations.report(Nation::KOR, 17, 1.0);
  bad_update.covariance(2, 2) = std::numeric_limits<double>::infinity();
  p = hub.update(t0.plus_seconds(1.0), std::vector{bad_update});
  ASSERT_EQ(p.size(), 1u);
  EXPECT_TRUE(p[0].covariance.allFinite());
  EXPECT_EQ(hub.diagnostics().rejected_total, 2u);

  // A covariance that is not positive definite is rejected too.
  auto indefinite = nations.report(Nation::USA, 2, 1.0);
  indefinite.covariance(0, 0) = -1.0;
  hub.update(t0.plus_seconds(1.0), std::vector{indefinite});
  ASSERT_EQ(hub.diagnostics().rejected.size(), 1u);
  EXPECT_EQ(hub.diagnostics().rejected[0].failure.status, FusionStatus::not_positive_definite);
}

// take() (one track at a time, through the spatial index) joins every contribution to the
// system track the whole picture's update() joins it to - over 60 objects in 30 close pairs
// (600 m apart: both of a pair pass the gate, the assignment decides), three nations, tracks
// dropped and restarted under new ids, the US's with a position sigma of 2 km (past the
// index's pad: tested by the bound against everything). And it tests only the system tracks
// near: a few, not the whole picture.
TEST(SystemTracks, TakeJoinsWhatTheWholePictureJoinsTestingOnlyTheNearSystemTracks) {
  constexpr int kObjects = 60;
  Nations nations{std::mt19937_64{11}};
  const auto offset = [](int j) {
    const int c = j / 2;
    return Eigen::Vector3d((c % 5) * 40e3 + (j % 2) * 600.0, (c / 5 % 5) * 40e3, (c / 25) * 40e3);
  };
  const auto report = [&](Nation n, std::uint64_t id, int j, double t_s, double sp, double sv) {
    return nations.report(n, id, t_s, offset(j), sp, sv);
  };

  SystemTrackManager whole, taking;
  std::vector<share::Contribution> seen;
  std::size_t differences = 0, fresh = 0, whole_tests = 0, taking_tests = 0;
  for (int k = 0; k < 24; ++k) {
    std::vector<share::LocalTrack> second;
    for (int j = 0; j < kObjects; ++j) {
      const double t = k + (j * 7 % 10) / 10.0;
      if (k <= 16) {
        auto r = report(Nation::KOR, 1000 + j, j, t, 150.0, 15.0);
        if (k == 16 && j % 2 == 0) r.status = share::TrackStatus::dropped;
        if (k < 16 || j % 2 == 0) second.push_back(r);
      }
      if (k >= 6) {
        const bool restarted = k >= 12 && j % 3 == 0;
        if (k == 12 && j % 3 == 0) {
          auto r = report(Nation::JPN, 2000 + j, j, t - 0.05, 250.0, 20.0);
          r.status = share::TrackStatus::dropped;
          second.push_back(r);
        }
        second.push_back(report(Nation::JPN, (restarted ? 3000 : 2000) + j, j, t, 250.0, 20.0));
      }
      if (k >= 9 && j % 4 == 0) second.push_back(report(Nation::USA, 4000 + j, j, t, 2000.0, 30.0));
    }
    std::ranges::stable_sort(second, {}, [](const auto& r) { return r.header.time_of_validity; });
    for (const auto& r : second) {
      const share::Contribution c{r.header.originator.nation, r.track_id};
      const bool is_new = !whole.system_id_of(c);
      whole.update(r.header.time_of_validity, std::vector{r});
      taking.take(r.header.time_of_validity, r);
      if (is_new && r.status != share::TrackStatus::dropped) {
        seen.push_back(c);
        ++fresh;
        whole_tests += whole.diagnostics().gate_tests.size();
        taking_tests += taking.diagnostics().gate_tests.size();
      }
      if (whole.system_id_of(c) != taking.system_id_of(c)) ++differences;
    }
    whole.update(t0.plus_seconds(k + 1.0), {});
    taking.update(t0.plus_seconds(k + 1.0), {});
    for (const auto& c : seen)
      if (whole.system_id_of(c) != taking.system_id_of(c)) ++differences;
  }
  EXPECT_EQ(differences, 0u);
  std::cout << fresh << " new tracks; gate tests per new track: whole picture "
            << double(whole_tests) / fresh << ", take " << double(taking_tests) / fresh << "\n";
  EXPECT_EQ(whole.system_tracks(), taking.system_tracks());
  ASSERT_GT(fresh, 100u);
  // The whole picture tests each new track against ~25 system tracks; take() against a few.
  EXPECT_GT(whole_tests / fresh, 15u);
  EXPECT_LT(taking_tests / fresh, 4u) << taking_tests << " tests for " << fresh << " tracks";
}

// The clock's update in steps (the live hub, issue 13) is the whole update when nothing runs
// between the steps - whatever the steps' size, over a picture whose contributions are taken
// one by one, dropped, restarted under new ids, and whose system tracks coast and end.
TEST(SystemTracks, AnUpdateInStepsIsTheWholeUpdate) {
  constexpr int kObjects = 30;
  for (const std::size_t work : {std::size_t{1}, std::size_t{7}, std::size_t{1000}}) {
    Nations nations{std::mt19937_64{3}};
    SystemTrackManager whole, stepped;
    std::size_t steps = 0, compared = 0;
    for (int k = 0; k < 80; ++k) {
      for (int j = 0; j < kObjects; ++j) {
        const double t = k + (j * 7 % 10) / 10.0;
        const Eigen::Vector3d at((j % 5) * 40e3, (j / 5) * 40e3, 0.0);
        std::vector<share::LocalTrack> reports;
        if (k <= 16) {  // Korea's tracks end at 16 s, every other one dropped
          auto r = nations.report(Nation::KOR, 1000 + j, t, at, 150.0, 15.0);
          if (k == 16 && j % 2 == 0) r.status = share::TrackStatus::dropped;
          if (k < 16 || j % 2 == 0) reports.push_back(r);
        }
        if (k >= 6 && k <= 25 && j % 3 != 0)  // Japan's from 6 s to 25 s, restarted at 12 s
          reports.push_back(
              nations.report(Nation::JPN, (k >= 12 ? 3000 : 2000) + j, t, at, 250.0, 20.0));
        for (const auto& r : reports) {
          whole.take(r.header.time_of_validity, r);
          stepped.take(r.header.time_of_validity, r);
        }
      }
      const geo::UtcTime t = t0.plus_seconds(k + 1.0);
      const auto a = whole.update(t, {});
      stepped.begin_update(t);
      std::optional<std::vector<share::SystemTrack>> b;
      while (!(b = stepped.update_step(work))) ++steps;
      ASSERT_EQ(a.size(), b->size()) << k;
      for (std::size_t i = 0; i < a.size(); ++i) {
        EXPECT_EQ(a[i].system_track_id, (*b)[i].system_track_id) << k;
        EXPECT_EQ(a[i].header.time_of_validity, (*b)[i].header.time_of_validity) << k;
        EXPECT_EQ(a[i].position_ecef_m, (*b)[i].position_ecef_m) << k;
        EXPECT_EQ(a[i].covariance, (*b)[i].covariance) << k;
        EXPECT_EQ(a[i].status, (*b)[i].status) << k;
        EXPECT_EQ(a[i].phase, (*b)[i].phase) << k;
        EXPECT_EQ(a[i].contributions, (*b)[i].contributions) << k;
        ++compared;
      }
    }
    EXPECT_EQ(whole.system_tracks(), stepped.system_tracks());
    EXPECT_GT(compared, 1000u);
    // Japan's last reports (26 s) are stale at 46 s, their system tracks coast to 76 s.
    EXPECT_EQ(whole.system_tracks(), 0u);
    if (work == 1) {
      EXPECT_GT(steps, 60u * kObjects) << "one step did the whole update";
    }
  }
}

// A report taken between the steps of an update is left as take() made it: its system track
// is in the update's picture as take() fused it (at its later time, not aligned back), the
// others at the update's time; the next report of it and the next update carry on from there.
TEST(SystemTracks, AReportTakenBetweenTheStepsIsNotUndoneByTheUpdate) {
  Nations nations;
  SystemTrackManager hub;
  const Eigen::Vector3d apart(60e3, 0.0, 0.0);
  for (int k = 0; k <= 5; ++k) {
    hub.take(t0.plus_seconds(k), nations.report(Nation::KOR, 7, k));
    hub.take(t0.plus_seconds(k), nations.report(Nation::JPN, 3, k));
    hub.take(t0.plus_seconds(k), nations.report(Nation::KOR, 8, k, apart, 90.0, 20.0));
  }
  const auto missile = *hub.system_id_of({Nation::KOR, 7});
  const auto other = *hub.system_id_of({Nation::KOR, 8});
  ASSERT_NE(missile, other);
  ASSERT_EQ(hub.system_id_of({Nation::JPN, 3}), missile);

  hub.begin_update(t0.plus_seconds(6.0));
  ASSERT_FALSE(hub.update_step(1));  // one contribution aligned to 6 s
  const auto taken = hub.take(t0.plus_seconds(6.4), nations.report(Nation::KOR, 7, 6.4));
  ASSERT_TRUE(taken);
  std::optional<std::vector<share::SystemTrack>> picture;
  while (!(picture = hub.update_step(1))) {
  }
  const share::SystemTrack* m = find(*picture, missile);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->header.time_of_validity, t0.plus_seconds(6.4));
  EXPECT_EQ(m->position_ecef_m, taken->position_ecef_m);
  EXPECT_EQ(m->contributions.size(), 2u);
  const share::SystemTrack* o = find(*picture, other);
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->header.time_of_validity, t0.plus_seconds(6.0));
  // Japan's next report joins the missile's system track, fused with Korea's at 6.6 s.
  const auto next = hub.take(t0.plus_seconds(6.6), nations.report(Nation::JPN, 3, 6.6));
  ASSERT_TRUE(next);
  EXPECT_EQ(next->system_track_id, missile);
  EXPECT_EQ(next->contributions.size(), 2u);
  EXPECT_LT((next->position_ecef_m - truth_at(6.6).head<3>()).norm(), 500.0);
  const auto after = hub.update(t0.plus_seconds(7.0), {});
  EXPECT_EQ(after.size(), 2u);
  EXPECT_EQ(hub.diagnostics().fusion_failures_total, 0u);
  EXPECT_EQ(hub.diagnostics().rejected_total, 0u);
}
