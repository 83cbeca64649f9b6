// Measurement models (track/measurement_models.hpp). References: points placed by hand in the
// radar's east-north-up frame, whose unit vectors are written out here from the latitude and
// longitude (not taken from geo::LocalFrame), with range, azimuth and elevation known in closed
// form; geo::to_range_az_el; Jacobians against central finite differences of the model's own
// prediction and inverse; the azimuth wrap at 0 and +-pi.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <vector>

#include "geo/angles.hpp"
#include "geo/frames.hpp"
#include "track/measurement_models.hpp"

using namespace trilink;
using track::Mat3;
using track::RangeAzEl;
using track::Vec3;

namespace {

constexpr double pi = std::numbers::pi;

const geo::Geodetic kSite = geo::Geodetic::from_deg(36.5, 127.25, 150.0);
const Vec3 kSigma(20.0, 2e-4, 3e-4);

// East, north and up unit vectors at a geodetic latitude and longitude (ECEF components).
struct Axes {
  Vec3 e, n, u;
};
Axes axes_at(const geo::Geodetic& g) {
  const double sl = std::sin(g.lat_rad), cl = std::cos(g.lat_rad);
  const double so = std::sin(g.lon_rad), co = std::cos(g.lon_rad);
  return {Vec3(-so, co, 0.0), Vec3(-sl * co, -sl * so, cl), Vec3(cl * co, cl * so, sl)};
}

// The ECEF point at (east, north, up) metres from the site.
Vec3 placed(double east_m, double north_m, double up_m) {
  const Axes a = axes_at(kSite);
  return geo::to_ecef(kSite).r_m + east_m * a.e + north_m * a.n + up_m * a.u;
}

// Points all round the radar, near and far, low and high.
std::vector<Vec3> sample_points() {
  std::vector<Vec3> out;
  for (double az_deg : {0.5, 45.0, 120.0, 179.5, 180.5, 250.0, 359.5})
    for (double el_deg : {0.5, 10.0, 60.0})
      for (double range_m : {50e3, 800e3}) {
        const double az = geo::deg_to_rad(az_deg), el = geo::deg_to_rad(el_deg);
        out.push_back(placed(range_m * std::cos(el) * std::sin(az),
                             range_m * std::cos(el) * std::cos(az), range_m * std::sin(el)));
      }
  return out;
}

// dz/dp by central differences of predict(); the azimuth difference through wrap_pi.
Mat3 numerical_jacobian(const RangeAzEl& m, const Vec3& p, double step_m) {
  Mat3 J;
  for (int i = 0; i < 3; ++i) {
    Vec3 d = Vec3::Zero();
    d[i] = step_m;
    const Vec3 hi = m.predict(p + d).z, lo = m.predict(p - d).z;
    Vec3 diff = hi - lo;
    diff.y() = geo::wrap_pi(hi.y() - lo.y());
    J.col(i) = diff / (2.0 * step_m);
  }
  return J;
}

}  // namespace

TEST(RangeAzEl, HandPlacedPointsHaveTheirClosedFormRangeAzimuthElevation) {
  const RangeAzEl m(kSite, kSigma);
  struct Case {
    double e, n, u, range, az, el;
  };
  const double s = std::sqrt(2.0);
  const Case cases[] = {
      {3000.0, 4000.0, 0.0, 5000.0, std::atan2(3.0, 4.0), 0.0},  // 3-4-5, horizontal
      {0.0, 100e3, 100e3, 100e3 * s, 0.0, pi / 4},               // north, 45 deg up
      {100e3, 0.0, 0.0, 100e3, pi / 2, 0.0},                     // due east
      {0.0, -200e3, 0.0, 200e3, pi, 0.0},                        // due south
      {-50e3, 0.0, -50e3, 50e3 * s, 3 * pi / 2, -pi / 4},        // west, below
      {-1.0, 1000e3, 10e3, std::hypot(1.0, 1000e3, 10e3), 2 * pi - 1e-6, 0.01},  // just W of N
  };
  for (const auto& c : cases) {
    const Vec3 z = m.predict(placed(c.e, c.n, c.u)).z;
    EXPECT_NEAR(z.x(), c.range, 1e-6 * c.range) << c.e << " " << c.n << " " << c.u;
    EXPECT_NEAR(geo::wrap_pi(z.y() - c.az), 0.0, 1e-9) << c.e << " " << c.n << " " << c.u;
    EXPECT_NEAR(z.z(), std::atan(c.u / std::hypot(c.e, c.n)), 1e-9) << c.e << " " << c.n;
    EXPECT_NEAR(z.z(), c.el, 1e-5) << c.e << " " << c.n << " " << c.u;
  }
}

TEST(RangeAzEl, AgreesWithGeoRangeAzElEverywhere) {
  const RangeAzEl m(kSite, kSigma);
  const geo::LocalFrame frame(kSite);
  for (const Vec3& p : sample_points()) {
    const geo::RangeAzEl ref = geo::to_range_az_el(frame.to_enu(geo::Ecef{p}));
    const Vec3 z = m.predict(p).z;
    EXPECT_NEAR(z.x(), ref.range_m, 1e-6);
    EXPECT_NEAR(geo::wrap_pi(z.y() - ref.az_rad), 0.0, 1e-12);
    EXPECT_NEAR(z.z(), ref.el_rad, 1e-12);
    // The model's azimuth is in [0, 2 pi), like the radar's.
    EXPECT_GE(z.y(), 0.0);
    EXPECT_LT(z.y(), 2 * pi);
  }
}

TEST(RangeAzEl, JacobianMatchesCentralDifferences) {
  const RangeAzEl m(kSite, kSigma);
  for (const Vec3& p : sample_points()) {
    const Mat3 H = m.predict(p).H_pos;
    const Mat3 N = numerical_jacobian(m, p, 1.0);
    const double range = m.predict(p).z.x();
    // Range row is dimensionless (~1); angle rows ~1/range. Central differences with a 1 m
    // step are good to (1 m / range)^2, parts in 1e9 at 50 km.
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 3; ++j) {
        const double scale = i == 0 ? 1.0 : 1.0 / range;
        EXPECT_NEAR(H(i, j), N(i, j), 1e-7 * scale) << "row " << i << " col " << j;
      }
  }
}

TEST(RangeAzEl, PositionIsTheInverseOfPredict) {
  const RangeAzEl m(kSite, kSigma);
  for (const Vec3& p : sample_points()) {
    const Vec3 z = m.predict(p).z;
    EXPECT_LT((m.position(z) - p).norm(), 1e-6) << z.transpose();
    const track::PositionFix f = m.to_position(z, Mat3(kSigma.cwiseAbs2().asDiagonal()));
    EXPECT_LT((f.p - p).norm(), 1e-6);
  }
}

// A = dp/dz by central differences of position(z); P = A R A' (no bias) and A (R + B) A'.
TEST(RangeAzEl, ToPositionCovarianceIsTheLinearisedInverse) {
  const Mat3 B = Vec3(10.0, 1e-4, 1e-4).cwiseAbs2().asDiagonal();
  RangeAzEl m(kSite, kSigma);
  m.with_bias(0, B);
  const Mat3 R = kSigma.cwiseAbs2().asDiagonal();
  for (const Vec3& p : sample_points()) {
    const Vec3 z = m.predict(p).z;
    const track::PositionFix f = m.to_position(z, R);
    Mat3 A;
    const Vec3 step(1.0, 1e-5, 1e-5);
    for (int j = 0; j < 3; ++j) {
      Vec3 d = Vec3::Zero();
      d[j] = step[j];
      A.col(j) = (m.position(z + d) - m.position(z - d)) / (2.0 * step[j]);
    }
    const double range = z.x();
    for (int j = 0; j < 3; ++j)
      EXPECT_LT((f.A.col(j) - A.col(j)).norm(), 1e-6 * (j == 0 ? 1.0 : range)) << "col " << j;
    const Mat3 P = A * (R + B) * A.transpose();
    EXPECT_LT((f.P - P).norm(), 1e-6 * P.norm());
  }
}

TEST(RangeAzEl, AzimuthInnovationWrapsToPlusMinusPi) {
  const RangeAzEl m(kSite, kSigma);
  const double eps = 0.01;
  // Either side of north: a small difference, not nearly a full turn.
  EXPECT_NEAR(m.innovation(Vec3(1e5, 2 * pi - eps, 0.1), Vec3(1e5, eps, 0.1)).y(), -2 * eps, 1e-12);
  EXPECT_NEAR(m.innovation(Vec3(1e5, eps, 0.1), Vec3(1e5, 2 * pi - eps, 0.1)).y(), 2 * eps, 1e-12);
  // Opposite directions: +pi (the interval is (-pi, pi]).
  EXPECT_NEAR(m.innovation(Vec3(1e5, pi, 0.1), Vec3(1e5, 0.0, 0.1)).y(), pi, 1e-12);
  EXPECT_NEAR(m.innovation(Vec3(1e5, 0.0, 0.1), Vec3(1e5, pi, 0.1)).y(), pi, 1e-12);
  // Range and elevation are plain differences.
  const Vec3 nu = m.innovation(Vec3(1000.0, 1.0, 0.3), Vec3(990.0, 1.0, 0.25));
  EXPECT_DOUBLE_EQ(nu.x(), 10.0);
  EXPECT_NEAR(nu.z(), 0.05, 1e-15);
  // A target crossing north: predicted just east of it, measured just west: the innovation
  // is the small angle between them.
  const Vec3 z_hat = m.predict(placed(100.0, 500e3, 20e3)).z;
  const Vec3 z = m.predict(placed(-100.0, 500e3, 20e3)).z;
  EXPECT_GT(z.y(), 6.0);
  EXPECT_LT(z_hat.y(), 0.1);
  EXPECT_NEAR(m.innovation(z, z_hat).y(), -2.0 * std::atan2(100.0, 500e3), 1e-9);
}

TEST(RangeAzEl, ValidityOfMeasurements) {
  const RangeAzEl m(kSite, kSigma);
  EXPECT_TRUE(m.valid(Vec3(1000.0, 1.0, 0.1)));
  EXPECT_TRUE(m.valid(Vec3(0.0, 0.0, 0.0)));
  EXPECT_FALSE(m.valid(Vec3(-1.0, 1.0, 0.1)));              // negative range
  EXPECT_FALSE(m.valid(Vec3(1000.0, 1.0, pi / 2 + 1e-6)));  // beyond the zenith
  EXPECT_FALSE(m.valid(Vec3(1000.0, 1.0, -pi / 2 - 1e-6)));
  EXPECT_TRUE(m.valid(Vec3(1000.0, 2 * pi - 1e-9, 0.1)));
}

TEST(RangeAzEl, CoverageSectorWrapsThroughNorthAndLimitsElevationAndRange) {
  // A radar looking 350 deg +- 20 deg, elevation 1..60 deg, 1000 km.
  const track::Coverage c{geo::deg_to_rad(350.0), geo::deg_to_rad(20.0), geo::deg_to_rad(1.0),
                          geo::deg_to_rad(60.0), 1000e3};
  const RangeAzEl m(kSite, kSigma, c);
  const auto at = [](double az_deg, double el_deg, double range_m) {
    const double az = geo::deg_to_rad(az_deg), el = geo::deg_to_rad(el_deg);
    return placed(range_m * std::cos(el) * std::sin(az), range_m * std::cos(el) * std::cos(az),
                  range_m * std::sin(el));
  };
  EXPECT_TRUE(m.covers(at(350.0, 10.0, 500e3)));
  EXPECT_TRUE(m.covers(at(5.0, 10.0, 500e3)));  // across north, inside the sector
  EXPECT_TRUE(m.covers(at(331.0, 10.0, 500e3)));
  EXPECT_TRUE(m.covers(at(9.0, 10.0, 500e3)));
  EXPECT_FALSE(m.covers(at(11.0, 10.0, 500e3)));
  EXPECT_FALSE(m.covers(at(329.0, 10.0, 500e3)));
  EXPECT_FALSE(m.covers(at(170.0, 10.0, 500e3)));   // behind
  EXPECT_FALSE(m.covers(at(350.0, 0.5, 500e3)));    // below the minimum elevation
  EXPECT_FALSE(m.covers(at(350.0, 61.0, 500e3)));   // above the maximum
  EXPECT_FALSE(m.covers(at(350.0, 10.0, 1001e3)));  // too far
  // All round: only the elevation and range limits.
  const RangeAzEl all(kSite, kSigma);
  for (double az : {0.0, 90.0, 180.0, 270.0}) EXPECT_TRUE(all.covers(at(az, 10.0, 500e3)));
}

// The gate-sizing bound holds the Cartesian covariance of the measurement: trace(A (R + B) A')
// <= variance_bound_m2 at every point.
TEST(RangeAzEl, VarianceBoundHoldsTheCartesianMeasurementCovariance) {
  const Mat3 B = Vec3(10.0, 1e-4, 1e-4).cwiseAbs2().asDiagonal();
  RangeAzEl m(kSite, kSigma);
  m.with_bias(2, B);
  EXPECT_EQ(m.bias_slot(), 2);
  EXPECT_EQ(m.bias_covariance(), B);
  const Mat3 R = kSigma.cwiseAbs2().asDiagonal();
  for (const Vec3& p : sample_points()) {
    const track::PositionFix f = m.to_position(m.predict(p).z, R);
    const double bound = m.variance_bound_m2(p);
    EXPECT_LE(f.P.trace(), bound * (1.0 + 1e-9));
    // and it is a bound, not a gross overestimate.
    EXPECT_GE(f.P.trace(), 0.3 * bound);
  }
}

TEST(CartesianPosition, IsTheIdentityModel) {
  const track::CartesianPosition m(7.0);
  const Vec3 p(1.0, -2.0, 3.0);
  const track::MeasurementPrediction pr = m.predict(p);
  EXPECT_EQ(pr.z, p);
  EXPECT_EQ(pr.H_pos, Mat3::Identity());
  EXPECT_EQ(m.innovation(Vec3(4.0, 4.0, 4.0), p), Vec3(3.0, 6.0, 1.0));
  EXPECT_DOUBLE_EQ(m.variance_bound_m2(p), 3.0 * 49.0);
  const Mat3 R = Vec3(1.0, 2.0, 3.0).asDiagonal();
  const track::PositionFix f = m.to_position(p, R);
  EXPECT_EQ(f.p, p);
  EXPECT_EQ(f.P, R);
  EXPECT_EQ(m.bias_slot(), -1);
}
