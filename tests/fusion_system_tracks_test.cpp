#include <gtest/gtest.h>

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
    const double sp = n == Nation::JPN ? 150.0 : 90.0, sv = n == Nation::JPN ? 12.0 : 20.0;
    std::normal_distribution<double> g(0.0, 1.0);
    State x = truth_at(t_s);
    x(0) += offset_m;
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
