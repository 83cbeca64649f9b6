#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "flight/atmosphere.hpp"

using namespace trilink::flight;

namespace {

struct TableRow {
  double height_m;  // geometric
  double density_kgpm3;
};

}  // namespace

TEST(Atmosphere, HydrostaticLayersMatchTheStandardsTable) {
  // U.S. Standard Atmosphere 1976 (NOAA-S/T 76-1562), Table I, density at geometric height.
  // Below 86 km the model integrates the hydrostatic equation layer by layer, so these are
  // an independent check of the layer constants. Tolerance 0.5 % relative (the table has
  // five significant figures; 80 km also carries the standard's small M/M0 correction).
  const TableRow table[] = {
      {0.0, 1.2250},     {5e3, 7.3643e-1},  {10e3, 4.1351e-1}, {15e3, 1.9476e-1},
      {20e3, 8.8910e-2}, {30e3, 1.8410e-2}, {40e3, 3.9957e-3}, {50e3, 1.0269e-3},
      {60e3, 3.0968e-4}, {70e3, 8.2829e-5}, {80e3, 1.8458e-5},
  };
  for (const auto& row : table) {
    SCOPED_TRACE(row.height_m);
    EXPECT_NEAR(air_density_kgpm3(row.height_m) / row.density_kgpm3, 1.0, 5e-3);
  }
}

TEST(Atmosphere, UpperTableExactAtItsNodes) {
  // Above 86 km the model interpolates the standard's Table I; at a node it returns the
  // tabulated value (relative 1e-12: only exp(log(x)) rounding).
  const TableRow table[] = {
      {100e3, 5.604e-7}, {150e3, 2.076e-9}, {300e3, 1.916e-11}, {500e3, 5.215e-13}};
  for (const auto& row : table) {
    SCOPED_TRACE(row.height_m);
    EXPECT_NEAR(air_density_kgpm3(row.height_m) / row.density_kgpm3, 1.0, 1e-12);
  }
  // Between nodes: log-linear, so strictly between the neighbouring node values.
  const double mid = air_density_kgpm3(105e3);
  EXPECT_LT(mid, 5.604e-7);
  EXPECT_GT(mid, 9.708e-8);
  EXPECT_NEAR(mid, std::sqrt(5.604e-7 * 9.708e-8), 1e-12 * mid);
}

TEST(Atmosphere, MonotoneDecreasingUpTo1000Km) {
  double prev = air_density_kgpm3(-1000.0);
  for (double h = -900.0; h < 1000e3; h += 100.0) {
    const double rho = air_density_kgpm3(h);
    ASSERT_GT(rho, 0.0) << h;
    ASSERT_LT(rho, prev) << h;
    prev = rho;
  }
}

TEST(Atmosphere, ZeroFrom1000KmUp) {
  EXPECT_GT(air_density_kgpm3(999.9e3), 0.0);
  EXPECT_EQ(air_density_kgpm3(1000e3), 0.0);
  EXPECT_EQ(air_density_kgpm3(1500e3), 0.0);
  EXPECT_EQ(air_density_kgpm3(40000e3), 0.0);
}

TEST(Atmosphere, ContinuousAt86Km) {
  // The hydrostatic layers end and the tabulated densities begin at 86 km geometric
  // (84.852 km geopotential). The standard's own value there is 6.958e-6; the jump across
  // the seam is within 1 % (the layer model ignores the M/M0 change above 80 km).
  const double below = air_density_kgpm3(86e3 - 1e-3);
  const double at = air_density_kgpm3(86e3);
  EXPECT_NEAR(at / 6.958e-6, 1.0, 1e-12);
  EXPECT_NEAR(below / at, 1.0, 1e-2);
}

TEST(Atmosphere, FiniteBelowSeaLevel) {
  // Dead Sea shore, -430 m: denser than at sea level, finite.
  const double rho = air_density_kgpm3(-430.0);
  EXPECT_TRUE(std::isfinite(rho));
  EXPECT_GT(rho, 1.2250);
  EXPECT_LT(rho, 1.30);
}

TEST(Atmosphere, SpeedOfSoundMatchesTheStandardsTable) {
  // U.S. Standard Atmosphere 1976, Table I, speed of sound at geometric height (m/s); 0.05 %
  // relative (kinetic against molecular-scale temperature, under 0.04 % below 86 km). Above
  // 86 km held at the 86 km value.
  struct SoundRow {
    double height_m, speed_mps;
  };
  const SoundRow table[] = {{0.0, 340.29},  {11e3, 295.07}, {20e3, 295.07},
                            {30e3, 301.71}, {50e3, 329.80}, {70e3, 297.14}};
  for (const auto& row : table) {
    SCOPED_TRACE(row.height_m);
    EXPECT_NEAR(speed_of_sound_mps(row.height_m) / row.speed_mps, 1.0, 5e-4);
  }
  EXPECT_DOUBLE_EQ(speed_of_sound_mps(200e3), speed_of_sound_mps(86e3));
}
