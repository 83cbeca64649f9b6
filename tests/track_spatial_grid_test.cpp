#include <gtest/gtest.h>

#include "allocation_counter.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <new>
#include <vector>

#include "base/rng.hpp"
#include "track/spatial_grid.hpp"

using namespace trilink;
using namespace trilink::track;
using Eigen::Vector3d;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

struct Spheres {
  std::vector<Vector3d> centres;
  std::vector<double> radii;
};

Vector3d random_point(Rng& rng, double half_width_m) {
  return {rng.uniform(-half_width_m, half_width_m), rng.uniform(-half_width_m, half_width_m),
          rng.uniform(-half_width_m, half_width_m)};
}

Vector3d random_direction(Rng& rng) {
  const Vector3d d(rng.normal(), rng.normal(), rng.normal());
  return d.normalized();
}

// Radii of every kind relative to the cell: zero, tiny, about a cell, several cells, more
// than the cap allows, infinite.
Spheres random_spheres(Rng& rng, std::size_t n, double half_width_m, double cell_m) {
  Spheres s;
  for (std::size_t i = 0; i < n; ++i) {
    s.centres.push_back(random_point(rng, half_width_m));
    const double u = rng.uniform();
    double r;
    if (u < 0.05)
      r = 0.0;
    else if (u < 0.2)
      r = rng.uniform(0.0, 1.0);
    else if (u < 0.8)
      r = rng.uniform(0.0, 2.0 * cell_m);
    else if (u < 0.95)
      r = rng.uniform(2.0 * cell_m, 6.0 * cell_m);
    else if (u < 0.98)
      r = rng.uniform(10.0 * cell_m, 100.0 * cell_m);
    else
      r = kInf;
    s.radii.push_back(r);
  }
  return s;
}

// Checks one query: no index twice, every sphere containing p among the candidates, and
// every recorded (not oversized) candidate within radius + sqrt(3) cell.
void check_query(const SpatialGrid& grid, const Spheres& s, const Vector3d& p) {
  std::vector<std::uint32_t> found;
  grid.candidates(p, found);
  std::vector<std::uint32_t> sorted = found;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(std::adjacent_find(sorted.begin(), sorted.end()), sorted.end()) << "duplicate";
  for (std::size_t i = 0; i < s.centres.size(); ++i) {
    const double d = (p - s.centres[i]).norm();
    const bool candidate = std::binary_search(sorted.begin(), sorted.end(), i);
    if (d <= s.radii[i]) {
      EXPECT_TRUE(candidate) << "missed entry " << i << " at distance " << d << " radius "
                             << s.radii[i] << " query " << p.transpose();
    }
  }
  // Only oversized entries may be returned from further away.
  const double reach = std::sqrt(3.0) * grid.cell_m() * (1.0 + 1e-9);
  std::size_t far = 0;
  for (const std::uint32_t i : found)
    if (!((p - s.centres[i]).norm() <= s.radii[i] + reach)) ++far;
  EXPECT_LE(far, grid.oversized());
}

// Exact brute-force check of many queries: uniform ones, and ones on or just inside the
// surface of a random sphere.
void check_against_brute_force(const SpatialGrid& grid, const Spheres& s, Rng& rng,
                               double half_width_m, int queries) {
  for (int q = 0; q < queries; ++q) {
    Vector3d p = random_point(rng, half_width_m);
    if (q % 2 == 1) {
      const auto i =
          static_cast<std::size_t>(rng.uniform() * static_cast<double>(s.centres.size()));
      if (std::isfinite(s.radii[i])) {
        const double f = q % 4 == 1 ? 1.0 : rng.uniform();
        p = s.centres[i] + f * s.radii[i] * random_direction(rng);
      }
    }
    check_query(grid, s, p);
  }
}

}  // namespace

TEST(SpatialGrid, NeverMissesAgainstBruteForce) {
  Rng rng(3);
  for (const double cell_m : {250.0, 1000.0, 3000.0}) {
    SCOPED_TRACE("cell " + std::to_string(cell_m));
    const Spheres s = random_spheres(rng, 400, 20e3, cell_m);
    SpatialGrid grid(cell_m);
    grid.build(s.centres, s.radii);
    EXPECT_EQ(grid.entries(), s.centres.size());
    EXPECT_GT(grid.oversized(), 0u);  // the infinite and the largest radii
    EXPECT_LT(grid.oversized(), s.centres.size() / 4);
    check_against_brute_force(grid, s, rng, 22e3, 3000);
  }
}

TEST(SpatialGrid, CellAndSphereBoundaries) {
  // Spheres centred on cell corners with radius a whole number of cells; queries exactly
  // on their surfaces, on both sides of zero.
  SpatialGrid grid(1000.0);
  const Spheres s{{Vector3d(0, 0, 0), Vector3d(-3000, 2000, -1000), Vector3d(500, 500, 500)},
                  {1000.0, 2000.0, 0.0}};
  grid.build(s.centres, s.radii);
  const std::vector<Vector3d> queries = {{1000, 0, 0},         {-1000, 0, 0},
                                         {0, 1000, 0},         {0, 0, -1000},
                                         {-3000, 4000, -1000}, {-5000, 2000, -1000},
                                         {-3000, 2000, 1000},  {500, 500, 500},
                                         {999.999, 0, 0},      {0, 0, 0}};
  for (const Vector3d& p : queries) check_query(grid, s, p);
  std::vector<std::uint32_t> found;
  grid.candidates(Vector3d(500, 500, 500), found);
  EXPECT_NE(std::find(found.begin(), found.end(), 2u), found.end());  // zero radius
}

TEST(SpatialGrid, OversizedEntriesAreReturnedEverywhere) {
  SpatialGrid grid(100.0, 27);
  const Spheres s{{Vector3d(0, 0, 0), Vector3d(5e3, 0, 0), Vector3d(0, 0, 0)},
                  {kInf, 1000.0, 10.0}};  // infinite; 21^3 cells > 27; one cell
  grid.build(s.centres, s.radii);
  EXPECT_EQ(grid.oversized(), 2u);
  std::vector<std::uint32_t> found;
  grid.candidates(Vector3d(-1e6, 3e6, 2e5), found);
  std::sort(found.begin(), found.end());
  EXPECT_EQ(found, (std::vector<std::uint32_t>{0, 1}));
  grid.candidates(Vector3d(1, 2, 3), found);
  std::sort(found.begin(), found.end());
  EXPECT_EQ(found, (std::vector<std::uint32_t>{0, 1, 2}));
}

TEST(SpatialGrid, RebuildReplacesContents) {
  Rng rng(9);
  SpatialGrid grid(500.0);
  const Spheres big = random_spheres(rng, 300, 5e3, 500.0);
  grid.build(big.centres, big.radii);
  Spheres small = random_spheres(rng, 20, 5e3, 500.0);
  grid.build(small.centres, small.radii);
  EXPECT_EQ(grid.entries(), 20u);
  for (int q = 0; q < 500; ++q) {
    const Vector3d p = random_point(rng, 6e3);
    grid.for_each_candidate(p, [](std::uint32_t i) { EXPECT_LT(i, 20u); });
    check_query(grid, small, p);
  }
  grid.build({}, {});
  EXPECT_EQ(grid.records(), 0u);
  std::vector<std::uint32_t> found;
  grid.candidates(Vector3d(0, 0, 0), found);
  EXPECT_TRUE(found.empty());
}

TEST(SpatialGrid, EcefScaleAndClampedCells) {
  // Gates around ECEF positions of the size the tracker sees, and far outside any sensible
  // range (cell indices clamp; nothing is missed, and no index repeats).
  Rng rng(21);
  Spheres s;
  for (int i = 0; i < 200; ++i) {
    s.centres.push_back(Vector3d(-3.5e6, 4.0e6, 3.9e6) + random_point(rng, 100e3));
    s.radii.push_back(rng.uniform(50.0, 3000.0));
  }
  s.centres.push_back(Vector3d(1e13, -1e13, 0.0));
  s.radii.push_back(10.0);
  SpatialGrid grid(1.0, 1 << 12);  // 1 m cells: 1e13 m is beyond +-2^30 cells
  grid.build(s.centres, s.radii);
  check_query(grid, s, Vector3d(1e13 + 5.0, -1e13, 1.0));
  SpatialGrid coarse(2000.0);
  coarse.build(s.centres, s.radii);
  for (int q = 0; q < 2000; ++q) {
    const std::size_t i = static_cast<std::size_t>(rng.uniform() * 200.0);
    check_query(coarse, s, s.centres[i] + rng.uniform() * s.radii[i] * random_direction(rng));
  }
}

TEST(SpatialGrid, WarmGridAllocatesNothing) {
  Rng rng(4);
  const Spheres s = random_spheres(rng, 2000, 50e3, 1000.0);
  std::vector<Vector3d> queries;
  for (int q = 0; q < 2000; ++q) queries.push_back(random_point(rng, 50e3));
  SpatialGrid grid(1000.0);
  grid.build(s.centres, s.radii);

  const std::size_t before = test_alloc::allocations.load();
  grid.build(s.centres, s.radii);
  std::size_t candidates = 0;
  for (const Vector3d& p : queries)
    grid.for_each_candidate(p, [&](std::uint32_t) { ++candidates; });
  EXPECT_EQ(test_alloc::allocations.load() - before, 0u);
  EXPECT_GT(candidates, 0u);
}
