#include <gtest/gtest.h>

#include "allocation_counter.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <new>
#include <vector>

#include "base/rng.hpp"
#include "metrics/ospa.hpp"
#include "track/assignment.hpp"

using namespace trilink;
using namespace trilink::metrics;
using Eigen::Vector3d;

namespace {

using Points = std::vector<Vector3d>;

double power(double d, double p) {
  return std::pow(d, p);
}

Points random_points(Rng& rng, std::size_t n, double side_m) {
  Points out(n);
  for (auto& x : out)
    x = Vector3d(rng.uniform(0.0, side_m), rng.uniform(0.0, side_m), rng.uniform(0.0, side_m));
  return out;
}

// Points in groups around random centres: several within c of one another, so that the
// assignment has non-trivial components.
Points clustered_points(Rng& rng, std::size_t n, const Points& centres, double spread_m) {
  Points out(n);
  for (std::size_t i = 0; i < n; ++i)
    out[i] =
        centres[i % centres.size()] + spread_m * Vector3d(rng.normal(), rng.normal(), rng.normal());
  return out;
}

// ---- Reference 1: the definitions, by exhaustive search (small sets) ----

// OSPA by its definition: the best injection of the smaller set into the larger.
struct BruteOspa {
  double distance = 0.0;
  double localisation = 0.0;
  double cardinality = 0.0;
};
void injections(const Points& a, const Points& b, std::size_t i, double sum, double c, double p,
                std::vector<char>& used, double& best) {
  if (i == a.size()) {
    best = std::min(best, sum);
    return;
  }
  for (std::size_t j = 0; j < b.size(); ++j) {
    if (used[j]) continue;
    used[j] = 1;
    injections(a, b, i + 1, sum + power(std::min((a[i] - b[j]).norm(), c), p), c, p, used, best);
    used[j] = 0;
  }
}
BruteOspa brute_ospa(const Points& x, const Points& y, double c, double p) {
  const Points& a = x.size() <= y.size() ? x : y;
  const Points& b = x.size() <= y.size() ? y : x;
  if (b.empty()) return {};
  std::vector<char> used(b.size(), 0);
  double best = std::numeric_limits<double>::infinity();
  injections(a, b, 0, 0.0, c, p, used, best);
  const double n = static_cast<double>(b.size());
  const double card = power(c, p) * static_cast<double>(b.size() - a.size()) / n;
  return {std::pow(best / n + card, 1.0 / p), std::pow(best / n, 1.0 / p), std::pow(card, 1.0 / p)};
}

// GOSPA (alpha = 2) by its definition: every partial assignment of truth to estimates, pairs
// at any distance, (c^p / 2) for each point left out.
struct BruteGospa {
  double cost = std::numeric_limits<double>::infinity();  // GOSPA^p
  double localisation = 0.0;
  std::size_t assigned = 0;
};
void partial(const Points& x, const Points& y, std::size_t i, double loc, std::size_t assigned,
             double c, double p, std::vector<char>& used, BruteGospa& best) {
  if (i == x.size()) {
    const double left = static_cast<double>(x.size() + y.size() - 2 * assigned);
    const double cost = loc + 0.5 * power(c, p) * left;
    if (cost < best.cost) best = {cost, loc, assigned};
    return;
  }
  partial(x, y, i + 1, loc, assigned, c, p, used, best);  // x_i unassigned
  for (std::size_t j = 0; j < y.size(); ++j) {
    if (used[j]) continue;
    used[j] = 1;
    partial(x, y, i + 1, loc + power((x[i] - y[j]).norm(), p), assigned + 1, c, p, used, best);
    used[j] = 0;
  }
}
BruteGospa brute_gospa(const Points& x, const Points& y, double c, double p) {
  std::vector<char> used(y.size(), 0);
  BruteGospa best;
  partial(x, y, 0, 0.0, 0, c, p, used, best);
  return best;
}

// ---- Reference 2: the dense problem on every pair (medium sets) ----

// min over injections of the smaller set into the larger of sum min(d, c)^p, by the dense
// solver on the full cut-off matrix (no gating, no clusters).
double dense_cutoff_sum(const Points& x, const Points& y, double c, double p) {
  const Points& a = x.size() <= y.size() ? x : y;
  const Points& b = x.size() <= y.size() ? y : x;
  std::vector<double> cost(a.size() * b.size());
  for (std::size_t i = 0; i < a.size(); ++i)
    for (std::size_t j = 0; j < b.size(); ++j)
      cost[i * b.size() + j] = power(std::min((a[i] - b[j]).norm(), c), p);
  const track::Assignment s = track::solve_assignment(cost, a.size(), b.size());
  EXPECT_TRUE(s.outcome.ok());
  return s.outcome.total_cost;
}

constexpr double kRel = 1e-9;

}  // namespace

// Exactness: the gated, clustered evaluation equals the exhaustive search over the
// definitions, for OSPA and GOSPA, components included, across orders and sizes (0 to 6).
TEST(Ospa, MatchesExhaustiveSearchOnSmallRandomSets) {
  Rng rng(11);
  SetMetricEvaluator evaluator;
  for (int trial = 0; trial < 600; ++trial) {
    const double side = 100.0;
    const double c = rng.uniform(5.0, 80.0);
    const double p = std::array{1.0, 2.0, 3.5}[trial % 3];
    const Points x = random_points(rng, static_cast<std::size_t>(rng.uniform(0.0, 7.0)), side);
    const Points y = random_points(rng, static_cast<std::size_t>(rng.uniform(0.0, 7.0)), side);
    SCOPED_TRACE(testing::Message() << "trial " << trial << " m=" << x.size() << " n=" << y.size()
                                    << " c=" << c << " p=" << p);

    const OspaResult o = evaluator.ospa(x, y, {c, p});
    ASSERT_TRUE(o.ok()) << o.reason;
    const BruteOspa bo = brute_ospa(x, y, c, p);
    EXPECT_NEAR(o.distance_m, bo.distance, kRel * c);
    EXPECT_NEAR(o.localisation_m, bo.localisation, kRel * c);
    EXPECT_NEAR(o.cardinality_m, bo.cardinality, kRel * c);

    const GospaResult g = evaluator.gospa(x, y, {c, p});
    ASSERT_TRUE(g.ok()) << g.reason;
    const BruteGospa bg = brute_gospa(x, y, c, p);
    const double cp = power(c, p);
    EXPECT_NEAR(power(g.distance_m, p), bg.cost, kRel * cp * 14);
    EXPECT_NEAR(g.localisation_cost, bg.localisation, kRel * cp * 14);
    EXPECT_EQ(g.assigned, bg.assigned);
    EXPECT_EQ(g.missed, x.size() - g.assigned);
    EXPECT_EQ(g.false_tracks, y.size() - g.assigned);
    EXPECT_DOUBLE_EQ(g.missed_cost, 0.5 * cp * static_cast<double>(g.missed));
    EXPECT_DOUBLE_EQ(g.false_cost, 0.5 * cp * static_cast<double>(g.false_tracks));

    // The reported assignment is the one that was scored: pairs closer than c, one-to-one.
    const auto t2e = evaluator.truth_to_estimate();
    ASSERT_EQ(t2e.size(), x.size());
    std::vector<char> taken(y.size(), 0);
    double loc = 0.0;
    std::size_t assigned = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
      if (t2e[i] < 0) continue;
      const auto j = static_cast<std::size_t>(t2e[i]);
      ASSERT_LT(j, y.size());
      EXPECT_FALSE(taken[j]);
      taken[j] = 1;
      EXPECT_LT((x[i] - y[j]).norm(), c);
      loc += power((x[i] - y[j]).norm(), p);
      ++assigned;
    }
    EXPECT_EQ(assigned, g.assigned);
    EXPECT_NEAR(loc, g.localisation_cost, kRel * cp);
  }
}

// Exactness at medium size with dense groups (many non-trivial components): the sparse
// evaluation equals the dense solver on the full cut-off matrix.
TEST(Ospa, MatchesDenseCutoffAssignmentOnClusteredSets) {
  Rng rng(12);
  SetMetricEvaluator evaluator;
  for (int trial = 0; trial < 40; ++trial) {
    const double c = 100.0;
    const double p = std::array{1.0, 2.0, 3.0}[trial % 3];
    const auto m = static_cast<std::size_t>(rng.uniform(100.0, 250.0));
    const auto n = static_cast<std::size_t>(rng.uniform(100.0, 250.0));
    const Points centres = random_points(rng, 25, 5000.0);
    const Points x = clustered_points(rng, m, centres, 30.0);
    const Points y = clustered_points(rng, n, centres, 30.0);
    SCOPED_TRACE(testing::Message() << "trial " << trial << " m=" << m << " n=" << n);

    const double s = dense_cutoff_sum(x, y, c, p);
    const double cp = power(c, p);
    const double large = static_cast<double>(std::max(m, n));
    const double gap = std::abs(static_cast<double>(n) - static_cast<double>(m));
    const OspaResult o = evaluator.ospa(x, y, {c, p});
    ASSERT_TRUE(o.ok());
    EXPECT_NEAR(o.distance_m, std::pow((s + cp * gap) / large, 1.0 / p), 1e-9 * c);
    EXPECT_GE(evaluator.last_clusters().largest_cluster_rows, 3u);  // solved densely
    EXPECT_GE(evaluator.last_clusters().largest_cluster_cols, 3u);
    const GospaResult g = evaluator.gospa(x, y, {c, p});
    ASSERT_TRUE(g.ok());
    // GOSPA^p = min over injections of sum min(d, c)^p + (c^p / 2) |n - m| (Rahmathullah et
    // al. 2017, Prop. 1).
    EXPECT_NEAR(power(g.distance_m, p), s + 0.5 * cp * gap, 1e-9 * cp * large);
  }
}

// Metric axioms on random sets (OSPA and GOSPA are metrics for p >= 1).
TEST(Ospa, MetricAxioms) {
  Rng rng(13);
  SetMetricEvaluator ev;
  for (int trial = 0; trial < 300; ++trial) {
    const double c = rng.uniform(10.0, 60.0);
    const double p = std::array{1.0, 2.0, 2.7}[trial % 3];
    const SetMetricParams params{c, p};
    const auto size = [&] { return static_cast<std::size_t>(rng.uniform(0.0, 30.0)); };
    const Points x = random_points(rng, size(), 100.0);
    const Points y = random_points(rng, size(), 100.0);
    const Points z = random_points(rng, size(), 100.0);

    const double xy = ev.ospa(x, y, params).distance_m;
    const double yx = ev.ospa(y, x, params).distance_m;
    const double yz = ev.ospa(y, z, params).distance_m;
    const double xz = ev.ospa(x, z, params).distance_m;
    EXPECT_EQ(ev.ospa(x, x, params).distance_m, 0.0);
    EXPECT_NEAR(xy, yx, 1e-12 * c);
    EXPECT_LE(xz, xy + yz + 1e-12 * c);
    EXPECT_GE(xy, 0.0);
    EXPECT_LE(xy, c);
    if (!x.empty() || !y.empty()) {
      EXPECT_GT(xy, 0.0);
    }

    const GospaResult gxy = ev.gospa(x, y, params);
    const GospaResult gyx = ev.gospa(y, x, params);
    const double gyz = ev.gospa(y, z, params).distance_m;
    const double gxz = ev.gospa(x, z, params).distance_m;
    EXPECT_EQ(ev.gospa(x, x, params).distance_m, 0.0);
    EXPECT_NEAR(gxy.distance_m, gyx.distance_m, 1e-12 * c * 10);
    EXPECT_EQ(gxy.missed, gyx.false_tracks);  // roles of truth and estimates swap
    EXPECT_EQ(gxy.false_tracks, gyx.missed);
    EXPECT_LE(gxz, gxy.distance_m + gyz + 1e-12 * c * 10);
    if (!x.empty() || !y.empty()) {
      EXPECT_GT(gxy.distance_m, 0.0);
    }
  }
}

// Schuhmacher et al. 2008: with X inside Y the error is all cardinality,
// c ((n - m) / n)^(1/p); an empty set against n points is c; both empty is 0.
TEST(Ospa, CardinalityOnly) {
  Rng rng(14);
  const Points y = random_points(rng, 9, 1000.0);
  for (const double p : {1.0, 2.0, 4.0}) {
    for (std::size_t m = 0; m <= y.size(); ++m) {
      const Points x(y.begin(), y.begin() + static_cast<std::ptrdiff_t>(m));
      const double c = 50.0;
      const double n = static_cast<double>(y.size());
      const double expected = c * std::pow((n - static_cast<double>(m)) / n, 1.0 / p);
      const OspaResult o = ospa(x, y, {c, p});
      EXPECT_NEAR(o.distance_m, expected, 1e-12 * c) << "m=" << m << " p=" << p;
      EXPECT_NEAR(o.cardinality_m, expected, 1e-12 * c);
      EXPECT_EQ(o.localisation_m, 0.0);
      EXPECT_EQ(o.assigned, m);
      const GospaResult g = gospa(y, x, {c, p});  // estimates miss n - m truths
      EXPECT_EQ(g.missed, y.size() - m);
      EXPECT_EQ(g.false_tracks, 0u);
      EXPECT_NEAR(g.distance_m,
                  std::pow(0.5 * std::pow(c, p) * (n - static_cast<double>(m)), 1.0 / p),
                  1e-12 * c * 10);
    }
  }
  const Points none;
  EXPECT_EQ(ospa(none, none, {10.0, 2.0}).distance_m, 0.0);
  EXPECT_EQ(gospa(none, none, {10.0, 2.0}).distance_m, 0.0);
  EXPECT_DOUBLE_EQ(ospa(none, y, {10.0, 2.0}).distance_m, 10.0);
  EXPECT_DOUBLE_EQ(ospa(y, none, {10.0, 2.0}).distance_m, 10.0);
}

// Hand-computed: one truth, two estimates at 3 m and 40 m, c = 10 m, p = 2.
// OSPA^2 = (3^2 + 10^2) / 2, localisation^2 = 9 / 2, cardinality^2 = 100 / 2.
// GOSPA^2 = 3^2 + 10^2 / 2 (one false track).
TEST(Ospa, HandComputed) {
  const Points x{{0, 0, 0}};
  const Points y{{40, 0, 0}, {0, 3, 0}};
  const OspaResult o = ospa(x, y, {10.0, 2.0});
  EXPECT_DOUBLE_EQ(o.distance_m, std::sqrt(109.0 / 2.0));
  EXPECT_DOUBLE_EQ(o.localisation_m, std::sqrt(4.5));
  EXPECT_DOUBLE_EQ(o.cardinality_m, std::sqrt(50.0));
  EXPECT_EQ(o.assigned, 1u);
  const GospaResult g = gospa(x, y, {10.0, 2.0});
  EXPECT_DOUBLE_EQ(g.distance_m, std::sqrt(59.0));
  EXPECT_DOUBLE_EQ(g.localisation_cost, 9.0);
  EXPECT_EQ(g.missed, 0u);
  EXPECT_EQ(g.false_tracks, 1u);

  // Everything beyond c: OSPA is c, GOSPA counts a miss and a false track for each pair.
  const Points far{{100, 0, 0}, {0, 100, 0}};
  const Points near{{0, 0, 0}, {1, 1, 1}};
  EXPECT_DOUBLE_EQ(ospa(near, far, {10.0, 1.0}).distance_m, 10.0);
  const GospaResult gf = gospa(near, far, {10.0, 1.0});
  EXPECT_EQ(gf.assigned, 0u);
  EXPECT_DOUBLE_EQ(gf.distance_m, 20.0);  // (4 x 10 / 2)^1

  // Greedy nearest neighbour pairs a0 with b0 (1 m), leaving a1 with b1 (5 m); the optimum
  // pairs a0-b1 (2 m) and a1-b0 (2 m). p = 1, c = 10: OSPA = 4 / 2.
  const Points a{{0, 0, 0}, {3, 0, 0}};
  const Points b{{1, 0, 0}, {-2, 0, 0}};
  EXPECT_DOUBLE_EQ(ospa(a, b, {10.0, 1.0}).distance_m, 2.0);
  EXPECT_DOUBLE_EQ(gospa(a, b, {10.0, 1.0}).localisation_cost, 4.0);
}

TEST(Ospa, NonFinitePointIsAStatus) {
  const Points x{{0, 0, 0}, {1, std::numeric_limits<double>::quiet_NaN(), 0}};
  const Points y{{0, 0, 0}};
  const OspaResult o = ospa(x, y, {10.0, 1.0});
  EXPECT_EQ(o.status, SetMetricStatus::non_finite_point);
  EXPECT_EQ(o.reason, "truth[1] is not finite");
  EXPECT_TRUE(std::isnan(o.distance_m));
  const GospaResult g = gospa(y, x, {10.0, 1.0});
  EXPECT_EQ(g.status, SetMetricStatus::non_finite_point);
  EXPECT_EQ(g.reason, "estimates[1] is not finite");
  EXPECT_TRUE(std::isnan(g.distance_m));
  EXPECT_EQ(to_string(SetMetricStatus::non_finite_point), "non_finite_point");
}

// A warm evaluator allocates nothing for a scan of the same size and structure.
TEST(Ospa, WarmEvaluatorDoesNotAllocate) {
  Rng rng(15);
  const Points x = clustered_points(rng, 400, random_points(rng, 60, 20000.0), 80.0);
  Points y = x;
  for (auto& v : y) v += 30.0 * Vector3d(rng.normal(), rng.normal(), rng.normal());
  SetMetricEvaluator ev;
  const SetMetricParams params{100.0, 2.0};
  const double d0 = ev.ospa(x, y, params).distance_m;
  ev.gospa(x, y, params);
  std::reverse(y.begin(), y.end());  // same pairs, new order
  const std::size_t before = test_alloc::allocations.load();
  const OspaResult o = ev.ospa(x, y, params);
  const GospaResult g = ev.gospa(x, y, params);
  const std::size_t after = test_alloc::allocations.load();
  EXPECT_EQ(after - before, 0u);
  EXPECT_NEAR(o.distance_m, d0, 1e-9 * params.cutoff_m);
  EXPECT_TRUE(g.ok());
}
