// M of N against its definition, by brute force: for every sequence of looks (hit or miss)
// after a two-point initiation (two hits in two looks), a track must be confirmed exactly
// when its first N looks hold M hits, at the look of its M-th hit, and otherwise dropped at
// the look where the misses among its first N looks pass N - M.
#include <gtest/gtest.h>

#include <vector>

#include "track/confirmer.hpp"

using namespace trilink::track;

namespace {

enum class End { confirmed, dropped, tentative };

struct Outcome {
  End end = End::tentative;
  int at_look = 0;  // 1-based, counting the two of the initiation
};

// Drives the confirmer as the tracker does: a hit asks confirms(), a miss asks rejects().
Outcome run(const MOfNConfirmer& c, const std::vector<bool>& looks) {
  int hits = 2, n = 2;
  for (const bool hit : looks) {
    ++n;
    if (hit) {
      ++hits;
      if (c.confirms(hits)) return {End::confirmed, n};
    } else if (c.rejects(hits, n)) {
      return {End::dropped, n};
    }
  }
  return {End::tentative, n};
}

// The definition, on the whole sequence (initiation included).
Outcome by_definition(int M, int N, const std::vector<bool>& looks) {
  std::vector<bool> all{true, true};
  all.insert(all.end(), looks.begin(), looks.end());
  int hits = 0, misses = 0;
  for (int i = 0; i < static_cast<int>(all.size()) && i < N; ++i) {
    (all[i] ? hits : misses) += 1;
    if (hits == M) return {End::confirmed, i + 1};
    if (misses > N - M) return {End::dropped, i + 1};
  }
  return {End::tentative, static_cast<int>(all.size())};
}

}  // namespace

TEST(MOfNConfirmer, MatchesTheDefinitionOnEverySequence) {
  for (int N = 3; N <= 8; ++N)
    for (int M = 3; M <= N; ++M) {
      const MOfNConfirmer c(ConfirmerConfig{M, N});
      // Every sequence of N - 2 looks after the initiation decides: confirmed or dropped.
      const int L = N - 2;
      for (unsigned bits = 0; bits < (1u << L); ++bits) {
        std::vector<bool> looks;
        for (int i = 0; i < L; ++i) looks.push_back((bits >> i) & 1u);
        const Outcome got = run(c, looks), want = by_definition(M, N, looks);
        ASSERT_NE(want.end, End::tentative);
        EXPECT_EQ(got.end, want.end) << M << " of " << N << " bits " << bits;
        EXPECT_EQ(got.at_look, want.at_look) << M << " of " << N << " bits " << bits;
      }
    }
}

// Hand-checked: 3 of 4 after two hits confirms at the first hit; two misses drop it.
TEST(MOfNConfirmer, ThreeOfFour) {
  const MOfNConfirmer c(ConfirmerConfig{3, 4});
  EXPECT_TRUE(c.confirms(3));
  EXPECT_FALSE(c.confirms(2));
  EXPECT_FALSE(c.rejects(2, 3));  // one miss: 3 of 4 still possible
  EXPECT_TRUE(c.rejects(2, 4));   // two misses
  // 4 of 5 (the national tracker): one miss allowed among the first five looks.
  const MOfNConfirmer n(ConfirmerConfig{4, 5});
  EXPECT_FALSE(n.rejects(3, 4));
  EXPECT_TRUE(n.rejects(3, 5));
  EXPECT_TRUE(n.confirms(4));
}
