#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <cmath>
#include <limits>
#include <numbers>

#include "base/rng.hpp"
#include "geo/angles.hpp"
#include "metrics/ellipse.hpp"

using namespace trilink;
using namespace trilink::metrics;

namespace {

constexpr double kChi2_2_95 = 5.991464547107979;  // -2 ln 0.05

// Covariance with semi-axis standard deviations (sd_major, sd_minor) and the major axis at
// `bearing_deg` clockwise from north.
Eigen::Matrix2d covariance(double sd_major, double sd_minor, double bearing_deg) {
  const double b = geo::deg_to_rad(bearing_deg);
  const Eigen::Vector2d u(std::sin(b), std::cos(b));   // (east, north) along the major axis
  const Eigen::Vector2d v(std::cos(b), -std::sin(b));  // along the minor axis
  return sd_major * sd_major * u * u.transpose() + sd_minor * sd_minor * v * v.transpose();
}

// Difference of two axis orientations, modulo 180 deg.
double axis_difference_deg(double a, double b) {
  return std::abs(std::remainder(a - b, 180.0));
}

}  // namespace

TEST(Ellipse, AxesAlignedWithEastAndNorth) {
  const double k = std::sqrt(kChi2_2_95);
  Eigen::Matrix2d P = Eigen::Vector2d(400.0 * 400.0, 100.0 * 100.0).asDiagonal();
  ErrorEllipse e = error_ellipse(P);
  ASSERT_TRUE(e.ok());
  EXPECT_NEAR(e.semi_major_m, 400.0 * k, 1e-12 * 400.0 * k);
  EXPECT_NEAR(e.semi_minor_m, 100.0 * k, 1e-12 * 100.0 * k);
  EXPECT_NEAR(e.orientation_deg, 90.0, 1e-12);  // major axis east-west
  EXPECT_DOUBLE_EQ(e.confidence, 0.95);

  P = Eigen::Vector2d(100.0 * 100.0, 400.0 * 400.0).asDiagonal();
  e = error_ellipse(P);
  EXPECT_NEAR(e.orientation_deg, 0.0, 1e-12);  // north-south
  EXPECT_NEAR(e.semi_major_m, 400.0 * k, 1e-12 * 400.0 * k);

  // The 95 % scale: 2.4477 sigma for a circle of sd 1 m.
  e = error_ellipse(Eigen::Matrix2d::Identity());
  EXPECT_NEAR(e.semi_major_m, 2.447746830680816, 1e-14);
  EXPECT_NEAR(e.semi_minor_m, 2.447746830680816, 1e-14);
  // Another confidence: 99 %, k^2 = -2 ln 0.01 = 9.2103.
  e = error_ellipse(Eigen::Matrix2d::Identity(), 0.99);
  EXPECT_NEAR(e.semi_major_m * e.semi_major_m, 9.210340371976184, 1e-12);
}

// Rotation: a covariance built with its major axis at a bearing gives back that bearing in
// [0, 180) and the axes, across the circle (to 1e-9 deg, relative 1e-12).
TEST(Ellipse, Rotation) {
  const double k = std::sqrt(kChi2_2_95);
  for (double bearing = 0.0; bearing < 360.0; bearing += 7.5) {
    const ErrorEllipse e = error_ellipse(covariance(300.0, 40.0, bearing));
    ASSERT_TRUE(e.ok());
    EXPECT_GE(e.orientation_deg, 0.0);
    EXPECT_LT(e.orientation_deg, 180.0);
    EXPECT_LT(axis_difference_deg(e.orientation_deg, bearing), 1e-9) << bearing;
    EXPECT_NEAR(e.semi_major_m, 300.0 * k, 1e-12 * 300.0 * k);
    EXPECT_NEAR(e.semi_minor_m, 40.0 * k, 1e-11 * 40.0 * k);
  }
  // A 45 deg case by hand: P = [2 1; 1 2] has its major axis (1, 1) / sqrt 2, north-east.
  Eigen::Matrix2d P;
  P << 2.0, 1.0, 1.0, 2.0;
  const ErrorEllipse e = error_ellipse(P);
  EXPECT_NEAR(e.orientation_deg, 45.0, 1e-12);
  EXPECT_NEAR(e.semi_major_m, std::sqrt(3.0) * k, 1e-12);
  EXPECT_NEAR(e.semi_minor_m, k, 1e-12);
  P << 2.0, -1.0, -1.0, 2.0;  // major axis (1, -1): south-east, 135 deg
  EXPECT_NEAR(error_ellipse(P).orientation_deg, 135.0, 1e-12);
}

// Points at known Mahalanobis distances r: inside for r^2 = 0.999 k^2, outside for
// 1.001 k^2, in random directions, for random covariances.
TEST(Ellipse, InsideAtKnownMahalanobisDistance) {
  Rng rng(41);
  for (int trial = 0; trial < 2000; ++trial) {
    const Eigen::Matrix2d P =
        covariance(rng.uniform(1.0, 1000.0), rng.uniform(0.1, 1.0) * 10.0, rng.uniform(0.0, 360.0));
    const ErrorEllipse e = error_ellipse(P);
    ASSERT_TRUE(e.ok());
    const Eigen::Matrix2d L = Eigen::LLT<Eigen::Matrix2d>(P).matrixL();
    const double phi = rng.uniform(0.0, 2.0 * std::numbers::pi);
    const Eigen::Vector2d w(std::cos(phi), std::sin(phi));
    const Eigen::Vector2d in = L * w * std::sqrt(0.999 * kChi2_2_95);
    const Eigen::Vector2d out = L * w * std::sqrt(1.001 * kChi2_2_95);
    EXPECT_TRUE(inside(e, in.x(), in.y())) << trial;
    EXPECT_FALSE(inside(e, out.x(), out.y())) << trial;
  }
  // The ends of the axes.
  const ErrorEllipse e = error_ellipse(covariance(100.0, 10.0, 30.0));
  const double b = geo::deg_to_rad(30.0);
  const double a = e.semi_major_m;
  EXPECT_TRUE(inside(e, 0.999 * a * std::sin(b), 0.999 * a * std::cos(b)));
  EXPECT_FALSE(inside(e, 1.001 * a * std::sin(b), 1.001 * a * std::cos(b)));
  EXPECT_FALSE(inside(e, 0.5 * a * std::cos(b), -0.5 * a * std::sin(b)));  // across: minor axis
  EXPECT_TRUE(inside(e, 0.0, 0.0));
}

// Monte Carlo: errors drawn from P fall in the 95 % ellipse 95 % of the time (20000 draws,
// binomial sd 0.15 %; tolerance 4 sd); in the 99 % ellipse 99 % of the time.
TEST(Ellipse, CoverageOfGaussianErrors) {
  Rng rng(42);
  const Eigen::Matrix2d P = covariance(250.0, 60.0, 64.0);
  const Eigen::Matrix2d L = Eigen::LLT<Eigen::Matrix2d>(P).matrixL();
  const ErrorEllipse e95 = error_ellipse(P);
  const ErrorEllipse e99 = error_ellipse(P, 0.99);
  CoverageCounter c95, c99;
  const int n = 20000;
  for (int i = 0; i < n; ++i) {
    const Eigen::Vector2d err = L * Eigen::Vector2d(rng.normal(), rng.normal());
    c95.add(e95, err.x(), err.y());
    c99.add(e99, err.x(), err.y());
  }
  EXPECT_EQ(c95.runs(), static_cast<std::size_t>(n));
  EXPECT_NEAR(c95.fraction(), 0.95, 4 * std::sqrt(0.95 * 0.05 / n));
  EXPECT_NEAR(c99.fraction(), 0.99, 4 * std::sqrt(0.99 * 0.01 / n));
}

TEST(Ellipse, FailuresAreAStatus) {
  Eigen::Matrix2d singular;
  singular << 1.0, 1.0, 1.0, 1.0;
  ErrorEllipse e = error_ellipse(singular);
  EXPECT_EQ(e.status, EllipseStatus::not_positive_definite);
  EXPECT_TRUE(std::isnan(e.semi_major_m));
  e = error_ellipse(-Eigen::Matrix2d::Identity());
  EXPECT_EQ(e.status, EllipseStatus::not_positive_definite);
  Eigen::Matrix2d nan = Eigen::Matrix2d::Identity();
  nan(1, 0) = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(error_ellipse(nan).status, EllipseStatus::non_finite);
  EXPECT_EQ(to_string(EllipseStatus::non_finite), "non_finite");

  CoverageCounter c;
  EXPECT_TRUE(std::isnan(c.fraction()));
  c.add(error_ellipse(singular), 0.0, 0.0);
  c.add(error_ellipse(Eigen::Matrix2d::Identity()), 0.0, 0.0);
  c.add(true);
  EXPECT_EQ(c.runs(), 3u);
  EXPECT_EQ(c.contained(), 2u);
  EXPECT_EQ(c.invalid(), 1u);
}
