#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <optional>
#include <vector>

#include "metrics/continuity.hpp"

using namespace trilink;
using namespace trilink::metrics;

namespace {

constexpr std::optional<std::uint64_t> kNone = std::nullopt;

geo::UtcTime at(double s) {
  return geo::UtcTime::from_seconds(1.7e9 + s);
}

}  // namespace

// One truth: untracked, acquired by 10, lost, found again by 10 (break), relabelled 11
// (break).
TEST(Continuity, BreaksAndCoverage) {
  ContinuityCounter c;
  const std::optional<std::uint64_t> seq[] = {kNone, 10, 10, kNone, 10, 11, 11};
  for (int k = 0; k < 7; ++k) c.observe(at(2.0 * k), 1, seq[k]);
  const auto s = c.per_truth();
  ASSERT_EQ(s.size(), 1u);
  const TruthContinuity& t = s[0];
  EXPECT_EQ(t.truth_id, 1u);
  EXPECT_EQ(t.scans, 7u);
  EXPECT_EQ(t.tracked_scans, 5u);
  EXPECT_EQ(t.breaks, 2u);
  EXPECT_EQ(t.id_swaps, 0u);
  EXPECT_EQ(t.distinct_tracks, 2u);
  EXPECT_DOUBLE_EQ(t.observed_s, 12.0);
  EXPECT_DOUBLE_EQ(t.covered_s, 8.0);  // [2, 6) and [8, 12)
  EXPECT_DOUBLE_EQ(t.coverage(), 8.0 / 12.0);
  ASSERT_TRUE(t.first_tracked);
  EXPECT_EQ(*t.first_tracked, at(2.0));
  EXPECT_EQ(c.breaks(), 2u);
  EXPECT_EQ(c.id_swaps(), 0u);
}

// A track lost and replaced by another id after a gap is one break, not two; a track held
// to the end has none; losing the track at the end is not a break.
TEST(Continuity, OneBreakPerReacquisition) {
  ContinuityCounter c;
  const std::optional<std::uint64_t> replaced[] = {5, kNone, kNone, 6};
  const std::optional<std::uint64_t> steady[] = {7, 7, 7, 7};
  const std::optional<std::uint64_t> lost[] = {8, 8, kNone, kNone};
  for (int k = 0; k < 4; ++k) {
    c.observe(at(k), 1, replaced[k]);
    c.observe(at(k), 2, steady[k]);
    c.observe(at(k), 3, lost[k]);
  }
  const auto s = c.per_truth();
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[0].breaks, 1u);
  EXPECT_EQ(s[1].breaks, 0u);
  EXPECT_DOUBLE_EQ(s[1].coverage(), 1.0);
  EXPECT_EQ(s[2].breaks, 0u);
  EXPECT_DOUBLE_EQ(s[2].covered_s, 2.0);
  EXPECT_EQ(c.breaks(), 1u);
}

// Two tracks cross and exchange truths: each truth receives a track that was on the other
// (two swaps, and a break each); a track that later jumps back is another swap.
TEST(Continuity, IdSwaps) {
  ContinuityCounter c;
  c.observe(at(0), 1, 100);
  c.observe(at(0), 2, 200);
  c.observe(at(1), 1, 200);
  c.observe(at(1), 2, 100);
  c.observe(at(2), 1, 200);
  c.observe(at(2), 2, 100);
  EXPECT_EQ(c.id_swaps(), 2u);
  EXPECT_EQ(c.breaks(), 2u);
  // Truth 1 loses 200; then 100 leaves truth 2 for truth 1.
  c.observe(at(3), 1, kNone);
  c.observe(at(3), 2, 100);
  c.observe(at(4), 1, 100);
  c.observe(at(4), 2, kNone);
  const auto s = c.per_truth();
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].id_swaps, 2u);  // 200 at t1, 100 at t4
  EXPECT_EQ(s[1].id_swaps, 1u);  // 100 at t1
  EXPECT_EQ(s[0].breaks, 2u);    // 100 -> 200, then none -> 100
  EXPECT_EQ(s[1].breaks, 1u);
  EXPECT_EQ(s[0].distinct_tracks, 2u);
  EXPECT_EQ(c.id_swaps(), 3u);
  EXPECT_EQ(c.breaks(), 3u);
}

// A track returning to its own truth after a gap is a break but not a swap.
TEST(Continuity, ReturnToSameTruthIsNotASwap) {
  ContinuityCounter c;
  c.observe(at(0), 4, 9);
  c.observe(at(1), 4, kNone);
  c.observe(at(2), 4, 9);
  EXPECT_EQ(c.id_swaps(), 0u);
  EXPECT_EQ(c.breaks(), 1u);
}

TEST(Continuity, NeverTrackedAndSingleObservation) {
  ContinuityCounter c;
  c.observe(at(0), 7, kNone);
  c.observe(at(5), 7, kNone);
  c.observe(at(5), 3, 1);
  const auto s = c.per_truth();
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].truth_id, 3u);  // sorted by truth id
  EXPECT_EQ(s[0].scans, 1u);
  EXPECT_TRUE(std::isnan(s[0].coverage()));  // observed for no time
  EXPECT_EQ(s[1].truth_id, 7u);
  EXPECT_EQ(s[1].tracked_scans, 0u);
  EXPECT_FALSE(s[1].first_tracked);
  EXPECT_DOUBLE_EQ(s[1].coverage(), 0.0);
  EXPECT_EQ(s[1].distinct_tracks, 0u);
}
