// The deleter's rules, case by case, each at its limit: a table of hand-decided verdicts.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "track/deleter.hpp"

using namespace trilink::track;
using Fate = Verdict::Fate;

namespace {

struct Case {
  std::string what;
  MissedTrack t;
  Fate fate;
  DropReason reason = DropReason::count;
};

MissedTrack missed(int misses, double sigma_m, double since_s, bool predictable = false,
                   bool plausible = true) {
  return MissedTrack{misses, sigma_m, since_s, predictable, plausible};
}

}  // namespace

TEST(Deleter, DecidesEachRuleAtItsLimit) {
  DeleterConfig config;
  config.misses = 3;
  config.max_position_sigma_m = 1000.0;
  config.max_coast_s = 20.0;
  config.max_coast_predictable_s = 600.0;
  const Deleter deleter(config);
  const std::vector<Case> cases{
      // Ordinary tracks.
      {"not seen (no look), recent", missed(0, 100.0, 5.0), Fate::keep},
      {"one miss", missed(1, 100.0, 1.0), Fate::coast},
      {"K - 1 misses", missed(2, 100.0, 2.0), Fate::coast},
      {"K misses", missed(3, 100.0, 3.0), Fate::drop, DropReason::misses},
      {"sigma at the limit", missed(1, 1000.0, 1.0), Fate::coast},
      {"sigma past the limit", missed(1, 1000.1, 1.0), Fate::drop, DropReason::position_sigma},
      {"coast at the limit", missed(0, 100.0, 20.0), Fate::keep},
      {"coast past the limit", missed(0, 100.0, 20.1), Fate::drop, DropReason::coast_time},
      {"misses before sigma", missed(3, 2000.0, 30.0), Fate::drop, DropReason::misses},
      // Plausibility is asked of every track, boosting ones too (issue 11: a boosting salvo
      // track was confirmed at -503 km and 18.7 km/s).
      {"not predictable, implausible", missed(1, 100.0, 1.0, false, false), Fate::drop,
       DropReason::implausible},
      // Predictable tracks: misses do not count, the coast limit is the long one.
      {"predictable, many misses", missed(50, 100.0, 10.0, true), Fate::coast},
      {"predictable, no miss, recent", missed(0, 100.0, 10.0, true), Fate::keep},
      {"predictable, unseen past max_coast_s", missed(0, 100.0, 20.1, true), Fate::coast},
      {"predictable, coast at its limit", missed(9, 100.0, 600.0, true), Fate::coast},
      {"predictable, coast past its limit", missed(9, 100.0, 600.1, true), Fate::drop,
       DropReason::coast_time},
      {"predictable, sigma past the limit", missed(0, 1000.1, 1.0, true), Fate::drop,
       DropReason::position_sigma},
      {"predictable, come down", missed(0, 100.0, 1.0, true, false), Fate::drop,
       DropReason::implausible},
      {"predictable, sigma before plausibility", missed(0, 1000.1, 1.0, true, false), Fate::drop,
       DropReason::position_sigma},
  };
  for (const auto& c : cases) {
    const Verdict v = deleter.judge(c.t);
    EXPECT_EQ(v.fate, c.fate) << c.what;
    if (c.fate == Fate::drop) {
      EXPECT_EQ(v.reason, c.reason) << c.what;
      EXPECT_NE(to_string(v.reason), "?") << c.what;
    }
  }
}
