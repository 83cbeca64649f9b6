// The two-point initiator: its pairing rules on hand-placed fixes, the new state against the
// closed form for a position sensor, and its covariance (and cross-covariance with the
// radars' biases) against Monte Carlo draws of biased radar measurements.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "base/rng.hpp"
#include "geo/frames.hpp"
#include "track/filters.hpp"
#include "track/initiator.hpp"
#include "track/motion_models.hpp"

using namespace trilink;
using namespace trilink::track;

namespace {

using NcvFilter = Ekf<NearlyConstantVelocity>;
using CartesianInitiator = TwoPointInitiator<NcvFilter, CartesianPosition>;

// Feeds one scan of sensor 0, every measurement unused; returns the tracks started.
template <typename Filter, typename Sensor>
std::vector<typename TwoPointInitiator<Filter, Sensor>::Start> feed(
    TwoPointInitiator<Filter, Sensor>& initiator, const Filter& filter,
    const std::vector<Sensor>& sensors, std::uint32_t sensor, double t_s,
    const std::vector<Measurement>& scan) {
  std::vector<std::uint32_t> unused;
  for (std::uint32_t i = 0; i < scan.size(); ++i) unused.push_back(i);
  const auto started = initiator.initiate(filter, sensors, sensor, t_s, unused, scan);
  return {started.begin(), started.end()};
}

InitiatorConfig cartesian_config() {
  InitiatorConfig c;
  c.max_speed_mps = 300.0;
  c.max_gap_s = 5.0;
  return c;
}

}  // namespace

// Position from the newer fix, velocity by differencing; with no bias, cov(p) = R2,
// cov(p, v) = R2 / dt, cov(v) = (R1 + R2) / dt^2 + floor.
TEST(TwoPointInitiator, StateIsTheClosedFormOfTwoFixes) {
  const NcvFilter filter{NearlyConstantVelocity{1.0}};
  const std::vector<CartesianPosition> sensors{CartesianPosition(10.0)};
  InitiatorConfig config = cartesian_config();
  config.velocity_var_floor_m2ps2 = 4.0;
  CartesianInitiator initiator(config);
  Mat3 R1, R2;
  R1 << 100, 10, 0, 10, 200, 0, 0, 0, 300;
  R2 << 400, 0, 20, 0, 100, 0, 20, 0, 100;
  const Vec3 p1(1000, 2000, 3000), p2(1100, 1900, 3050);
  EXPECT_TRUE(feed(initiator, filter, sensors, 0, 10.0, {{p1, R1}}).empty());
  EXPECT_EQ(initiator.waiting(), 1u);
  const auto started = feed(initiator, filter, sensors, 0, 12.0, {{p2, R2}});
  ASSERT_EQ(started.size(), 1u);
  const Gaussian<6>& g = started[0].state;
  EXPECT_EQ(started[0].first_seen_s, 10.0);
  EXPECT_EQ(Vec3(pos(g.x)), p2);
  EXPECT_EQ(Vec3(vel(g.x)), Vec3(50, -50, 25));
  EXPECT_EQ(Mat3(pos_cov(g.P)), R2);
  EXPECT_EQ(Mat3(block_of<Pos, Vel>(g.P)), R2 / 2.0);
  EXPECT_EQ(Mat3(block_of<Vel, Pos>(g.P)), R2 / 2.0);
  Mat3 vv = (R1 + R2) / 4.0;
  vv.diagonal().array() += 4.0;
  EXPECT_EQ(Mat3(vel_cov(g.P)), vv);
}

TEST(TwoPointInitiator, PairsWithinTheGapsAndTheSpeed) {
  const NcvFilter filter{NearlyConstantVelocity{1.0}};
  const std::vector<CartesianPosition> sensors{CartesianPosition(1.0)};
  const Mat3 R = Mat3::Identity();  // 3 sqrt(trace P + trace P_q) = 3 sqrt(6) = 7.3 m
  InitiatorConfig config = cartesian_config();
  config.min_gap_s = 1.0;

  // Too soon: 0.5 s apart. Then 1.2 s after the first: pairs with it, not the 0.7 s one.
  {
    CartesianInitiator initiator(config);
    EXPECT_TRUE(feed(initiator, filter, sensors, 0, 0.0, {{Vec3(0, 0, 0), R}}).empty());
    EXPECT_TRUE(feed(initiator, filter, sensors, 0, 0.5, {{Vec3(100, 0, 0), R}}).empty());
    const auto s = feed(initiator, filter, sensors, 0, 1.2, {{Vec3(240, 0, 0), R}});
    ASSERT_EQ(s.size(), 1u);
    EXPECT_EQ(s[0].first_seen_s, 0.0);
    EXPECT_NEAR(s[0].state.x(3), 200.0, 1e-12);
  }
  // Too old: a fix more than max_gap_s old is forgotten.
  {
    CartesianInitiator initiator(config);
    feed(initiator, filter, sensors, 0, 0.0, {{Vec3(0, 0, 0), R}});
    EXPECT_TRUE(feed(initiator, filter, sensors, 0, 5.5, {{Vec3(100, 0, 0), R}}).empty());
    EXPECT_EQ(initiator.waiting(), 1u);
  }
  // Too far: 2 s at 300 m/s is 600 m, plus 3 sqrt(6) = 7.35 m.
  for (const double d : {605.0, 607.5}) {
    CartesianInitiator initiator(config);
    feed(initiator, filter, sensors, 0, 0.0, {{Vec3(0, 0, 0), R}});
    const auto s = feed(initiator, filter, sensors, 0, 2.0, {{Vec3(0, d, 0), R}});
    EXPECT_EQ(s.size(), d < 607.35 ? 1u : 0u) << d;
  }
  // The nearest earlier fix wins and is used up: of two measurements near the same earlier
  // fix, the first takes it, the second waits (and pairs later).
  {
    CartesianInitiator initiator(config);
    feed(initiator, filter, sensors, 0, 0.0, {{Vec3(0, 0, 0), R}, {Vec3(1000, 0, 0), R}});
    const auto s = feed(initiator, filter, sensors, 0, 2.0,
                        {{Vec3(900, 0, 0), R}, {Vec3(500, 0, 0), R}, {Vec3(1100, 0, 0), R}});
    ASSERT_EQ(s.size(), 2u);
    EXPECT_NEAR(s[0].state.x(3), -50.0, 1e-12);  // 900 from 1000
    EXPECT_NEAR(s[1].state.x(3), 250.0, 1e-12);  // 500 from 0
    EXPECT_EQ(initiator.waiting(), 3u);          // the 1100 fix, and the two used ones
    const auto later = feed(initiator, filter, sensors, 0, 3.0, {{Vec3(1150, 0, 0), R}});
    ASSERT_EQ(later.size(), 1u);
    EXPECT_NEAR(later[0].state.x(3), 50.0, 1e-12);
    EXPECT_EQ(initiator.waiting(), 1u);  // the used fix, forgotten at the next scan
  }
}

namespace {

const geo::Geodetic kSiteA = geo::Geodetic::from_deg(38.0, 135.0, 0.0);
const geo::Geodetic kSiteB = geo::Geodetic::from_deg(36.0, 137.0, 0.0);

// Two fixes of a target flying at 2 km/s, 1 s apart: from one radar (slot 0) or from two
// (slots 0 and 1). Monte Carlo: z_i = h_i(x_i) + b_i + n_i, the error e = [x2 - p2,
// (x2 - x1) - (p2 - p1)] / [1, dt]; its covariance, and its cross-covariance with the
// biases, against the initiator's.
template <typename Filter>
void check_against_monte_carlo(const Filter& filter, bool two_radars, const auto& check_cross) {
  const Vec3 sigma(10.0, 0.5e-3, 0.5e-3);
  const Mat3 R = sigma.cwiseProduct(sigma).asDiagonal();
  const Mat3 B = Vec3(30.0 * 30.0, 1e-3 * 1e-3, 1e-3 * 1e-3).asDiagonal();
  std::vector<RangeAzEl> sensors{RangeAzEl(kSiteA, sigma).with_bias(0, B)};
  sensors.push_back(two_radars ? RangeAzEl(kSiteB, sigma).with_bias(1, B)
                               : RangeAzEl(kSiteA, sigma).with_bias(0, B));
  const geo::LocalFrame frame(kSiteA);
  const Vec3 x1 = frame.to_ecef(geo::Enu{Vec3(100e3, 250e3, 150e3)}).r_m;
  const Vec3 x2 = x1 + frame.ecef_vector(Vec3(-1200.0, 1500.0, 400.0));
  const double dt = 1.0;
  const Vec3 z1 = sensors[0].predict(x1).z, z2 = sensors[1].predict(x2).z;

  InitiatorConfig config;
  config.max_speed_mps = 9000.0;
  config.grid_cell_m = 20e3;
  TwoPointInitiator<Filter, RangeAzEl> initiator(config);
  feed(initiator, filter, sensors, 0, 0.0, {{z1, R}});
  const auto started = feed(initiator, filter, sensors, 1, dt, {{z2, R}});
  ASSERT_EQ(started.size(), 1u);
  const Gaussian<Filter::N>& g = filter.combined(started[0].state);

  Rng rng(5);
  const int n = 20000;
  Mat<6> cov = Mat<6>::Zero();
  Eigen::Matrix<double, 6, 6> cross = Eigen::Matrix<double, 6, 6>::Zero();  // cov(e, [b0 b1])
  for (int i = 0; i < n; ++i) {
    const Vec3 b0(30.0 * rng.normal(), 1e-3 * rng.normal(), 1e-3 * rng.normal());
    const Vec3 b1(30.0 * rng.normal(), 1e-3 * rng.normal(), 1e-3 * rng.normal());
    const Vec3 n1 = sigma.cwiseProduct(Vec3(rng.normal(), rng.normal(), rng.normal()));
    const Vec3 n2 = sigma.cwiseProduct(Vec3(rng.normal(), rng.normal(), rng.normal()));
    const Vec3 p1 = sensors[0].position(z1 + b0 + n1);
    const Vec3 p2 = sensors[1].position(z2 + (two_radars ? b1 : b0) + n2);
    Vec<6> e;
    e << x2 - p2, ((x2 - x1) - (p2 - p1)) / dt;
    cov += e * e.transpose() / n;
    Vec<6> b;
    b << b0, b1;
    cross += e * b.transpose() / n;
  }
  // Each entry within 4 standard errors: var(e_i e_j) = P_ii P_jj + P_ij^2 (Gaussian).
  const Mat<6> P = kinematic_cov(g.P);
  for (int i = 0; i < 6; ++i)
    for (int j = 0; j < 6; ++j) {
      const double se = std::sqrt((P(i, i) * P(j, j) + P(i, j) * P(i, j)) / n);
      EXPECT_NEAR(P(i, j), cov(i, j), 4.0 * se) << i << "," << j << (two_radars ? " two" : " one");
    }
  check_cross(started[0].state, cross, P, n);
}

}  // namespace

TEST(TwoPointInitiator, CovarianceMatchesMonteCarloOfBiasedRadars) {
  const NcvFilter filter{NearlyConstantVelocity{1.0}};
  for (const bool two : {false, true})
    check_against_monte_carlo(filter, two, [](const auto&, const auto&, const auto&, int) {});
}

// An Imm that considers the biases starts with cov(e, b): against the same Monte Carlo.
TEST(TwoPointInitiator, BiasCrossCovarianceMatchesMonteCarlo) {
  Imm imm;
  imm.bias_slots = 2;
  const Mat3 B = Vec3(30.0 * 30.0, 1e-3 * 1e-3, 1e-3 * 1e-3).asDiagonal();
  for (const bool two : {false, true}) {
    check_against_monte_carlo(
        imm, two,
        [&](const ImmState& s, const Eigen::Matrix<double, 6, 6>& cross, const Mat<6>& P, int n) {
          for (int j = 0; j < 2; ++j) {
            const BiasCrossCov& C = s.param_cross[j];
            ASSERT_EQ(C.cols(), 6);
            EXPECT_TRUE(rows_of<Acc>(C).isZero());
            for (int r = 0; r < 6; ++r)
              for (int c = 0; c < 6; ++c) {
                const double se = std::sqrt(P(r, r) * B(c % 3, c % 3) / n);
                EXPECT_NEAR(C(r, c), cross(r, c), 4.0 * se + 1e-12) << r << "," << c;
              }
          }
        });
  }
}
