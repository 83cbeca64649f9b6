// The gate against brute force: every track-measurement pair tested with the NIS computed
// here by hand (position sensor: nu = z - p, S = cov(p) + R), so the grid must find exactly
// the pairs inside the chi-square gate, with their NIS, and the nearest miss of each track.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>
#include <vector>

#include "base/rng.hpp"
#include "track/filters.hpp"
#include "track/gate.hpp"
#include "track/measurement_models.hpp"
#include "track/motion_models.hpp"

using namespace trilink;
using namespace trilink::track;

namespace {

using Filter = Ekf<NearlyConstantVelocity>;

Vec3 random_point(Rng& rng, double half_width_m) {
  return {rng.uniform(-half_width_m, half_width_m), rng.uniform(-half_width_m, half_width_m),
          rng.uniform(-half_width_m, half_width_m)};
}

// NIS of z (covariance R) against a track at p with position covariance Pp, by Cramer's
// rule on the 3 x 3 S (independent of the filter's LLT).
double nis_by_hand(const Vec3& z, const Mat3& R, const Vec3& p, const Mat3& Pp) {
  const Mat3 S = Pp + R;
  const Vec3 d = z - p;
  const double det = S.determinant();
  Vec3 x;
  for (int i = 0; i < 3; ++i) {
    Mat3 Si = S;
    Si.col(i) = d;
    x[i] = Si.determinant() / det;
  }
  return d.dot(x);
}

struct Scene {
  std::vector<Gaussian<6>> priors;
  std::vector<Measurement> scan;
  std::vector<std::uint32_t> valid;
};

// Tracks with position sigmas from 10 m to 1 km in a 20 km box, measurements near some of
// them and scattered.
Scene random_scene(Rng& rng, std::size_t tracks, std::size_t measurements) {
  Scene s;
  for (std::size_t k = 0; k < tracks; ++k) {
    Gaussian<6> g;
    pos(g.x) = random_point(rng, 10e3);
    const double sigma = std::exp(rng.uniform(std::log(10.0), std::log(1000.0)));
    g.P = Mat<6>::Identity() * sigma * sigma;
    pos_cov(g.P)(0, 1) = pos_cov(g.P)(1, 0) = 0.3 * sigma * sigma;
    s.priors.push_back(g);
  }
  for (std::size_t j = 0; j < measurements; ++j) {
    Measurement m;
    const double sigma = rng.uniform(5.0, 200.0);
    m.R = Mat3::Identity() * sigma * sigma;
    if (j % 2 == 0) {
      const auto& g = s.priors[rng.next() % tracks];
      const double spread = 3.0 * std::sqrt(pos_cov(g.P)(0, 0) + sigma * sigma);
      m.z = pos(g.x) +
            Vec3(rng.normal(0.0, spread), rng.normal(0.0, spread), rng.normal(0.0, spread));
    } else {
      m.z = random_point(rng, 10e3);
    }
    s.scan.push_back(m);
  }
  // Every other measurement is offered: the pairs index `valid`, not the scan.
  for (std::uint32_t i = 0; i < s.scan.size(); i += 2) s.valid.push_back(i);
  return s;
}

}  // namespace

TEST(Gate, FindsExactlyThePairsInsideTheChiSquareGate) {
  Rng rng(21);
  const Filter filter{NearlyConstantVelocity{1.0}};
  const CartesianPosition sensor(200.0);
  for (const double cell_m : {500.0, 2000.0, 20e3}) {
    const Scene s = random_scene(rng, 200, 600);
    GateConfig config;
    config.grid_cell_m = cell_m;
    Gate<6> gate(config);
    FailureCounts failures{};
    gate.build(filter, std::span<const Gaussian<6>>(s.priors), sensor);
    gate.test(filter, std::span<const Gaussian<6>>(s.priors), sensor, s.scan, s.valid, true,
              failures);

    // Brute force. The gate sphere of track k: radius sqrt(chi2 (trace cov(p) + 3 sigma^2))
    // with sigma = 200 m the sensor's bound; every measurement inside it is offered.
    std::vector<std::tuple<std::uint32_t, std::uint32_t>> expected, found;
    const double inf = std::numeric_limits<double>::infinity();
    std::vector<double> nearest_all(s.priors.size(), inf), nearest_in_sphere(s.priors.size(), inf);
    std::vector<bool> gated(s.priors.size(), false);
    for (std::uint32_t j = 0; j < s.valid.size(); ++j) {
      const Measurement& m = s.scan[s.valid[j]];
      for (std::uint32_t k = 0; k < s.priors.size(); ++k) {
        const Vec3 p = pos(s.priors[k].x);
        const Mat3 Pp = pos_cov(s.priors[k].P);
        const double nis = nis_by_hand(m.z, m.R, p, Pp);
        if (nis <= config.chi2) {
          expected.emplace_back(k, j);
          gated[k] = true;
          continue;
        }
        nearest_all[k] = std::min(nearest_all[k], nis);
        const double radius = std::sqrt(config.chi2 * (Pp.trace() + 3.0 * 200.0 * 200.0));
        if ((m.z - p).norm() <= radius) nearest_in_sphere[k] = std::min(nearest_in_sphere[k], nis);
      }
    }
    const auto pairs = gate.pairs();
    ASSERT_EQ(pairs.size(), gate.innovations().size());
    for (std::size_t i = 0; i < pairs.size(); ++i) {
      const auto& p = pairs[i];
      found.emplace_back(p.row, p.col);
      const Measurement& m = s.scan[s.valid[p.col]];
      const double nis = nis_by_hand(m.z, m.R, pos(s.priors[p.row].x), pos_cov(s.priors[p.row].P));
      EXPECT_NEAR(p.cost, nis, 1e-9 * std::max(1.0, nis));
      EXPECT_EQ(gate.innovations()[i].nis, p.cost);
      EXPECT_TRUE(gate.innovations()[i].ok());
      if (i > 0) {
        EXPECT_LE(pairs[i - 1].col, p.col);  // in measurement order
      }
    }
    std::sort(expected.begin(), expected.end());
    std::sort(found.begin(), found.end());
    EXPECT_EQ(found, expected) << "cell " << cell_m;
    ASSERT_GT(expected.size(), 100u);
    for (std::size_t k = 0; k < s.priors.size(); ++k) {
      EXPECT_EQ(gate.gated(k), gated[k]) << k;
      EXPECT_EQ(gate.centre(k), Vec3(pos(s.priors[k].x)));
      // The near miss is the nearest of the measurements the grid offered outside the gate:
      // no nearer than the nearest of all, no farther than the nearest inside the sphere.
      const double near = gate.near_miss(k).nis;
      EXPECT_GE(near, nearest_all[k] * (1.0 - 1e-9)) << k;
      EXPECT_LE(near, nearest_in_sphere[k] * (1.0 + 1e-9)) << k;
    }
    for (const auto n : failures) EXPECT_EQ(n, 0u);
  }
}

// Every measurement inside a track's gate sphere is tested: a measurement whose NIS is just
// inside the gate on the sphere's edge direction is found whatever the cell size.
TEST(Gate, AMeasurementJustInsideTheGateIsFound) {
  const Filter filter{NearlyConstantVelocity{1.0}};
  const CartesianPosition sensor(10.0);
  std::vector<Gaussian<6>> priors(1);
  pos(priors[0].x) = Vec3(1234.5, -987.0, 5000.0);
  priors[0].P = Mat<6>::Identity() * 100.0 * 100.0;
  // S = (100^2 + 10^2) I: NIS = d^2 / 10100, the gate at d = sqrt(16.27 * 10100) = 405.4 m.
  const double edge_m = std::sqrt(16.27 * 10100.0);
  for (const double cell_m : {50.0, 400.0, 5000.0}) {
    for (const double f : {0.999, 1.001}) {
      GateConfig config;
      config.grid_cell_m = cell_m;
      Gate<6> gate(config);
      const std::vector<Measurement> scan{
          {pos(priors[0].x) + Vec3(1.0, 1.0, 1.0).normalized() * edge_m * f,
           Mat3::Identity() * 100.0}};
      const std::vector<std::uint32_t> valid{0};
      FailureCounts failures{};
      gate.build(filter, std::span<const Gaussian<6>>(priors), sensor);
      gate.test(filter, std::span<const Gaussian<6>>(priors), sensor, scan, valid, true, failures);
      EXPECT_EQ(gate.pairs().size(), f < 1.0 ? 1u : 0u) << cell_m << " " << f;
      if (f > 1.0) {
        EXPECT_NEAR(gate.near_miss(0).nis, 16.27 * f * f, 1e-9);
        EXPECT_FALSE(gate.gated(0));
      }
    }
  }
}

// Two plots at one place, one moving with the track and one 30 m/s faster along the line of
// sight (a fragment of a separation, metres from the missile): the position gate takes both,
// the range rate only the first, and a Doppler scan's pairs may cost the two tests' sum.
TEST(Gate, ARangeRateTellsApartPlotsThatOnePlaceHolds) {
  const Filter filter{NearlyConstantVelocity{1.0}};
  const RangeAzEl sensor(geo::Geodetic::from_deg(40.9, 140.3, 50.0), Vec3(5.0, 3.5e-4, 3.5e-4));
  const geo::LocalFrame& site = sensor.frame();
  std::vector<Gaussian<6>> priors(1);
  pos(priors[0].x) = site.to_ecef(geo::Enu{Vec3(-600e3, 300e3, 200e3)}).r_m;
  vel(priors[0].x) = site.ecef_vector(Vec3(3000.0, -1500.0, 500.0));
  priors[0].P = Mat<6>::Identity() * 300.0 * 300.0;
  vel_cov(priors[0].P) = Mat3::Identity() * 5.0 * 5.0;
  const Vec3 l = (pos(priors[0].x) - site.origin_ecef().r_m).normalized();
  const double rate = l.dot(vel(priors[0].x));
  // The line-of-sight velocity variance: 25 (m/s)^2 of the state, 1 of the measurement, 25 of
  // the model (GateConfig::range_rate_model_sigma_mps) and (|v across| / range)^2 300^2 of the
  // position.
  const double range_m = (pos(priors[0].x) - site.origin_ecef().r_m).norm();
  const double across_mps = (vel(priors[0].x) - l * rate).norm();
  const double var = 51.0 + std::pow(across_mps / range_m * 300.0, 2);
  Measurement missile(sensor.predict(pos(priors[0].x)).z, Vec3(25.0, 1.2e-7, 1.2e-7).asDiagonal());
  missile.range_rate_mps = rate + 1.0;
  missile.range_rate_var = 1.0;
  Measurement fragment = missile;
  fragment.range_rate_mps = rate + 30.0;
  const std::vector<Measurement> scan{missile, fragment};
  const std::vector<std::uint32_t> valid{0, 1};
  for (const bool use_rates : {true, false}) {
    GateConfig config;
    if (!use_rates) config.range_rate_chi2 = 0.0;
    Gate<6> gate(config);
    FailureCounts failures{};
    gate.build(filter, std::span<const Gaussian<6>>(priors), sensor);
    gate.test(filter, std::span<const Gaussian<6>>(priors), sensor, scan, valid, true, failures);
    if (!use_rates) {
      ASSERT_EQ(gate.pairs().size(), 2u);
      EXPECT_DOUBLE_EQ(gate.pairs()[0].cost, gate.pairs()[1].cost);
      EXPECT_DOUBLE_EQ(gate.max_cost(), gate.chi2());
      continue;
    }
    ASSERT_EQ(gate.pairs().size(), 1u);
    EXPECT_EQ(gate.pairs()[0].col, 0u);
    EXPECT_NEAR(gate.pairs()[0].cost - gate.innovations()[0].nis, 1.0 / var, 1e-9);
    EXPECT_NEAR(gate.near_miss(0).nis - gate.innovations()[0].nis, 900.0 / var, 1e-6);
    EXPECT_DOUBLE_EQ(gate.max_cost(), gate.chi2() + config.range_rate_chi2);
  }
}

// A pair whose innovation covariance is not positive definite is counted by its status and
// never gated.
TEST(Gate, NumericalFailuresAreCountedByStatus) {
  const Filter filter{NearlyConstantVelocity{1.0}};
  const CartesianPosition sensor(10.0);
  std::vector<Gaussian<6>> priors(2);
  pos(priors[1].x) = Vec3(100.0, 0.0, 0.0);
  for (auto& g : priors) g.P = Mat<6>::Identity() * 100.0;
  const std::vector<Measurement> scan{{Vec3(10.0, 0.0, 0.0), Mat3::Identity() * -1e6},
                                      {Vec3(90.0, 0.0, 0.0), Mat3::Identity() * 100.0}};
  const std::vector<std::uint32_t> valid{0, 1};
  Gate<6> gate(GateConfig{});
  FailureCounts failures{};
  gate.build(filter, std::span<const Gaussian<6>>(priors), sensor);
  gate.test(filter, std::span<const Gaussian<6>>(priors), sensor, scan, valid, false, failures);
  EXPECT_EQ(failures[static_cast<int>(UpdateStatus::innovation_not_positive_definite)], 2u);
  // The good measurement: 10 m from track 1 (NIS 100 / 200 = 0.5), 90 m from track 0.
  ASSERT_EQ(gate.pairs().size(), 1u);
  EXPECT_EQ(gate.pairs()[0].row, 1u);
  EXPECT_EQ(gate.pairs()[0].col, 1u);
  EXPECT_NEAR(gate.pairs()[0].cost, 0.5, 1e-12);
}
