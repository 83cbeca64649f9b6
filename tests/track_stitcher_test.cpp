// The stitcher on hand-built tracks (position sigma 100 m each, so S = 2e4 I m^2 and
// d^2 = |d|^2 / 2e4 without the manoeuvre allowance): continuation, duplicate, the nearest
// of two, the gate's edge, the allowance's closed form, and the tracks it must ignore.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "track/motion_models.hpp"
#include "track/spatial_grid.hpp"
#include "track/stitcher.hpp"
#include "track/tracker.hpp"

using namespace trilink::track;

namespace {

using Filter = Ekf<NearlyConstantVelocity>;
using T = Track<Gaussian<6>>;
constexpr double kT = 10.0;  // the scan's time
constexpr double kChi2 = 16.27;

T make(std::uint64_t id, const Vec3& p, double last_update_s,
       TrackStatus status = TrackStatus::confirmed) {
  T t;
  t.id = id;
  t.status = status;
  pos(t.state.x) = p;
  t.state.P = Mat<6>::Identity() * 100.0 * 100.0;
  t.t_s = last_update_s;
  t.created_s = 0.1 * static_cast<double>(id);
  t.first_seen_s = t.created_s - 0.5;
  t.last_update_s = last_update_s;
  t.hits = 10 * static_cast<int>(id);
  t.looks = 11 * static_cast<int>(id);
  return t;
}

// Runs the stitcher with the last track as the one just confirmed; priors are the states.
template <typename F = Filter>
std::size_t stitch(std::vector<T>& tracks, StitcherConfig config = {}, const F& filter = F{}) {
  std::vector<Gaussian<6>> priors;
  std::vector<Vec3> centres;
  for (const auto& t : tracks) {
    priors.push_back(t.state);
    centres.push_back(pos(t.state.x));
  }
  SpatialGrid grid(2000.0);
  grid.build(centres, std::vector<double>(tracks.size(), 1e4));
  const std::vector<std::uint32_t> confirmed{static_cast<std::uint32_t>(tracks.size() - 1)};
  return Stitcher(config, kChi2)
      .stitch(confirmed, tracks, std::span<const Gaussian<6>>(priors), grid, filter, kT);
}

// A filter that calls every state predictable (no manoeuvre allowance).
struct PredictableFilter : Filter {
  bool predictable(const State&) const { return true; }
};

}  // namespace

TEST(Stitcher, AFreshTrackContinuesAnOldOneThatMissed) {
  std::vector<T> tracks{make(1, Vec3(0, 0, 0), 9.0), make(5, Vec3(300, 0, 0), kT)};
  EXPECT_EQ(stitch(tracks), 1u);  // d^2 = 9e4 / 2e4 = 4.5
  EXPECT_EQ(tracks[0].status, TrackStatus::dropped);
  const T& fresh = tracks[1];
  EXPECT_EQ(fresh.status, TrackStatus::confirmed);
  EXPECT_EQ(fresh.id, 1u);
  EXPECT_EQ(fresh.created_s, 0.1);
  EXPECT_EQ(fresh.first_seen_s, 0.1 - 0.5);
  EXPECT_EQ(fresh.hits, 50 + 10);
  EXPECT_EQ(fresh.looks, 55 + 11);
}

TEST(Stitcher, AFreshTrackBesideAnUpdatedOneIsItsDuplicate) {
  std::vector<T> tracks{make(1, Vec3(0, 0, 0), kT), make(5, Vec3(300, 0, 0), kT)};
  EXPECT_EQ(stitch(tracks), 1u);
  EXPECT_EQ(tracks[0].status, TrackStatus::confirmed);
  EXPECT_EQ(tracks[0].id, 1u);
  EXPECT_EQ(tracks[1].status, TrackStatus::dropped);
  EXPECT_EQ(tracks[1].id, 5u);
}

TEST(Stitcher, TheNearestOldTrackWins) {
  std::vector<T> tracks{make(1, Vec3(300, 0, 0), 9.0), make(2, Vec3(0, 100, 0), 9.0),
                        make(5, Vec3(0, 0, 0), kT)};
  EXPECT_EQ(stitch(tracks), 1u);
  EXPECT_EQ(tracks[2].id, 2u);
  EXPECT_EQ(tracks[1].status, TrackStatus::dropped);
  EXPECT_EQ(tracks[0].status, TrackStatus::confirmed);
}

TEST(Stitcher, OnlyWithinTheGate) {
  const double edge_m = std::sqrt(kChi2 * 2e4);
  for (const double f : {0.99, 1.01}) {
    std::vector<T> tracks{make(1, Vec3(0, 0, 0), 9.0), make(5, Vec3(0, 0, edge_m * f), kT)};
    EXPECT_EQ(stitch(tracks), f < 1.0 ? 1u : 0u) << f;
    EXPECT_EQ(tracks[1].id, f < 1.0 ? 1u : 5u) << f;
  }
}

// a = 100 m/s^2, lead 1 s, the old track last updated at 8 s, the fresh one first seen at
// 7 s: tau = 10 - 7 + 1 = 4 s, m = a/2 tau^2 = 800 m, m^2 = 6.4e5 m^2. 3 km apart:
// d^2 = 9e6 / (2e4 + 6.4e5) = 13.6 with the allowance, 450 without.
TEST(Stitcher, TheManoeuvreAllowanceIsHalfATauSquared) {
  StitcherConfig config;
  config.manoeuvre_mps2 = 100.0;
  config.manoeuvre_lead_s = 1.0;
  EXPECT_EQ(Stitcher(config, kChi2).manoeuvre_variance_m2(8.0, 7.0, kT), 640000.0);
  EXPECT_EQ(Stitcher(config, kChi2).manoeuvre_variance_m2(6.0, 7.0, kT), 1250.0 * 1250.0);
  const auto scene = [] {
    std::vector<T> tracks{make(1, Vec3(0, 0, 0), 8.0), make(5, Vec3(3000, 0, 0), kT)};
    tracks[1].first_seen_s = 7.0;
    return tracks;
  };
  auto with = scene(), without = scene(), predictable = scene();
  EXPECT_EQ(stitch(with, config), 1u);
  EXPECT_EQ(with[1].id, 1u);
  EXPECT_EQ(stitch(without), 0u);
  // A target the filter calls predictable gets no allowance.
  EXPECT_EQ(stitch(predictable, config, PredictableFilter{}), 0u);
}

TEST(Stitcher, IgnoresTentativeYoungerAndDroppedTracksAndCanBeOff) {
  for (const auto status : {TrackStatus::tentative, TrackStatus::dropped}) {
    std::vector<T> tracks{make(1, Vec3(0, 0, 0), 9.0, status), make(5, Vec3(10, 0, 0), kT)};
    EXPECT_EQ(stitch(tracks), 0u);
  }
  std::vector<T> younger{make(7, Vec3(0, 0, 0), 9.0), make(5, Vec3(10, 0, 0), kT)};
  EXPECT_EQ(stitch(younger), 0u);
  std::vector<T> coasting{make(1, Vec3(0, 0, 0), 9.0, TrackStatus::coasting),
                          make(5, Vec3(10, 0, 0), kT)};
  EXPECT_EQ(stitch(coasting), 1u);
  StitcherConfig off;
  off.enabled = false;
  std::vector<T> tracks{make(1, Vec3(0, 0, 0), 9.0), make(5, Vec3(10, 0, 0), kT)};
  EXPECT_EQ(stitch(tracks, off), 0u);
  EXPECT_EQ(tracks[1].id, 5u);
}
