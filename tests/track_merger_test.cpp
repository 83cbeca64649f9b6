// The merger on hand-built tracks (P = 100 I per state component, so cov_a + cov_b = 200 I
// and d^2 = |d|^2 / 200 over position and velocity): the younger of two live tracks within
// chi-square (6 dof) goes, whichever comes first; stale, tentative or distant ones stay; a
// track not updated now is compared by its prediction.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "track/merger.hpp"
#include "track/motion_models.hpp"
#include "track/spatial_grid.hpp"
#include "track/tracker.hpp"

using namespace trilink::track;

namespace {

using Filter = Ekf<NearlyConstantVelocity>;
using T = Track<Gaussian<6>>;
constexpr double kT = 10.0;

T make(std::uint64_t id, const Vec<6>& x, double last_update_s = kT,
       TrackStatus status = TrackStatus::confirmed) {
  T t;
  t.id = id;
  t.status = status;
  t.state.x = x;
  t.state.P = Mat<6>::Identity() * 100.0;
  t.t_s = last_update_s;
  t.last_update_s = last_update_s;
  return t;
}

Vec<6> at(double dx, double dvx) {
  Vec<6> x;
  x << dx, 0, 0, dvx, 0, 0;
  return x;
}

std::size_t merge(std::vector<T>& tracks, double chi2 = 22.46,
                  const std::vector<Gaussian<6>>* priors = nullptr) {
  std::vector<Gaussian<6>> own;
  std::vector<Vec3> centres;
  for (const auto& t : tracks) {
    own.push_back(t.state);
    centres.push_back(pos(t.state.x));
  }
  SpatialGrid grid(2000.0);
  grid.build(centres, std::vector<double>(tracks.size(), 1e4));
  MergerConfig config;
  config.chi2 = chi2;
  config.within_s = 2.0;
  return DuplicateMerger(config).merge(tracks, std::span<const Gaussian<6>>(priors ? *priors : own),
                                       grid, Filter{}, kT);
}

}  // namespace

TEST(DuplicateMerger, DropsTheYoungerOfTwoWithinChiSquare) {
  // d^2 = (10^2 + 10^2) / 200 = 1.
  std::vector<T> tracks{make(2, at(10, 10)), make(1, at(0, 0))};
  EXPECT_EQ(merge(tracks), 1u);
  EXPECT_EQ(tracks[0].status, TrackStatus::dropped);
  EXPECT_EQ(tracks[1].status, TrackStatus::confirmed);
}

TEST(DuplicateMerger, OnlyWithinChiSquare) {
  for (const double d2 : {22.0, 23.0}) {
    std::vector<T> tracks{make(1, at(0, 0)), make(2, at(std::sqrt(200.0 * d2), 0))};
    EXPECT_EQ(merge(tracks), d2 < 22.46 ? 1u : 0u) << d2;
  }
  std::vector<T> tracks{make(1, at(0, 0)), make(2, at(0, 0))};
  EXPECT_EQ(merge(tracks, 0.0), 0u);  // off
}

TEST(DuplicateMerger, OnlyLiveConfirmedTracks) {
  // Updated 2.5 s ago (> within_s): kept; 2 s ago: merged.
  for (const double last : {7.5, 8.0}) {
    std::vector<T> tracks{make(1, at(0, 0)), make(2, at(0, 0), last)};
    EXPECT_EQ(merge(tracks), last >= 8.0 ? 1u : 0u) << last;
  }
  for (const auto status : {TrackStatus::tentative, TrackStatus::dropped}) {
    std::vector<T> tracks{make(1, at(0, 0), kT, status), make(2, at(0, 0))};
    EXPECT_EQ(merge(tracks), 0u);
    EXPECT_EQ(tracks[1].status, TrackStatus::confirmed);
  }
  std::vector<T> coasting{make(1, at(0, 0), 9.0, TrackStatus::coasting), make(2, at(0, 0))};
  EXPECT_EQ(merge(coasting), 1u);
}

// Track 2 was last updated at 9 s: it is compared by its prediction to 10 s (priors), here
// on top of track 1, not by its old state 1 km away.
TEST(DuplicateMerger, ATrackNotUpdatedNowIsComparedByItsPrediction) {
  std::vector<T> tracks{make(1, at(0, 0)), make(2, at(1000, 0), 9.0)};
  std::vector<Gaussian<6>> priors{tracks[0].state, tracks[0].state};
  priors[1].P = Mat<6>::Identity() * 100.0;
  EXPECT_EQ(merge(tracks, 22.46, &priors), 1u);
  EXPECT_EQ(tracks[1].status, TrackStatus::dropped);
  std::vector<T> again{make(1, at(0, 0)), make(2, at(1000, 0), 9.0)};
  EXPECT_EQ(merge(again), 0u);  // priors = the old states
}
