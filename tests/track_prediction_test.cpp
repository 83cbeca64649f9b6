// The impact prediction's bank of lifting descents (track/prediction.hpp, DescentEnvelope) and
// the ballistic mode's lift manoeuvre (track/ballistic_model.hpp, LiftManoeuvre), checked
// against what they promise:
//  - only a state low and slow enough to fly aeroballistically gets hypotheses; a long-range
//    re-entry vehicle, a state in vacuum dynamics or a state already low in a dive gets the
//    ballistic fall alone;
//  - the published 95 % ellipse holds the impact point of every hypothesis, each flown
//    independently here with ImpactPredictor::descend;
//  - a lifting descent (pull-up, then a glide) lands beyond the ballistic fall, a dive short of
//    it;
//  - lift seen by the track (its acceleration along the lift direction) removes the ballistic
//    hypothesis; a track descending well below a pull-up height without lift drops the
//    hypotheses of that height;
//  - the lift manoeuvre's sigma is rho V^2 / (2 beta_L) (U.S. Standard Atmosphere 1976,
//    1.8410e-2 kg/m^3 at 30 km), capped, and nil for a fast body or high up; its noise lies
//    across the velocity (nothing along it).
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "geo/frames.hpp"
#include "track/prediction.hpp"

using namespace trilink;
using track::Vec3;
using track::Vec9;

namespace {

constexpr double pi = std::numbers::pi;

// A state at (lat, lon, h) with velocity (east, north, up) m/s, and a diagonal covariance.
track::Gaussian<9> state(double h_m, double east, double up, double sigma_p = 100.0,
                         double sigma_v = 5.0) {
  const geo::Geodetic g = geo::Geodetic::from_deg(39.5, 130.0, h_m);
  const geo::LocalFrame f(g);
  track::Gaussian<9> s;
  s.x.setZero();
  s.x.head<3>() = geo::to_ecef(g).r_m;
  s.x.segment<3>(3) = f.ecef_vector(Vec3(east, 0.0, up));
  s.P.setZero();
  s.P.diagonal().head<3>().setConstant(sigma_p * sigma_p);
  s.P.diagonal().segment<3>(3).setConstant(sigma_v * sigma_v);
  s.P.diagonal().tail<3>().setConstant(1e-6);
  return s;
}

track::DescentEnvelope envelope() {
  track::DescentEnvelope e;
  e.enabled = true;
  return e;
}

// Mahalanobis distance^2 of `p` (ECEF, on the ground) from the prediction's point.
double mahalanobis2(const track::ImpactPrediction& pr, const Vec3& p) {
  const geo::LocalFrame f(pr.point);
  const Eigen::Vector2d d = f.to_enu(geo::Ecef{p}).r_m.head<2>();
  return d.dot(pr.ellipse.cov_en.ldlt().solve(d));
}

double downrange_m(const track::ImpactPrediction& pr, const Vec3& p, const Vec3& q) {
  const geo::LocalFrame f(pr.point);
  return f.to_enu(geo::Ecef{p}).r_m.x() - f.to_enu(geo::Ecef{q}).r_m.x();
}

}  // namespace

TEST(DescentBank, OnlyALowSlowStateHasLiftingHypotheses) {
  const track::ImpactPredictor p(8000.0, 3.0 * 3600.0, envelope());
  // An SRBM near its 50 km apogee, 2 km/s east.
  EXPECT_GT(p.hypotheses(state(48e3, 2000.0, 100.0)).size(), 1u);
  // An ICBM re-entry vehicle at the same height: 7 km/s.
  EXPECT_TRUE(p.hypotheses(state(48e3, 7000.0, -2000.0)).empty());
  // A state climbing to ~330 km (an IRBM's or a lofted flight's): apogee too high.
  EXPECT_TRUE(p.hypotheses(state(100e3, 2000.0, 2000.0)).empty());
  // Vacuum dynamics (no drag, so no lift) and a disabled envelope.
  EXPECT_TRUE(track::ImpactPredictor(0.0, 3600.0, envelope())
                  .hypotheses(state(48e3, 2000.0, 100.0))
                  .empty());
  EXPECT_TRUE(track::ImpactPredictor(8000.0).hypotheses(state(48e3, 2000.0, 100.0)).empty());
  // A dive under way at 15 km: one hypothesis, diving.
  const auto dive = p.hypotheses(state(15e3, 1200.0, -1400.0));
  ASSERT_EQ(dive.size(), 1u);
  EXPECT_TRUE(dive[0].diving);
}

TEST(DescentBank, TheEllipseHoldsTheImpactOfEveryHypothesis) {
  const track::ImpactPredictor p(8000.0, 3.0 * 3600.0, envelope());
  const auto g = state(48e3, 2000.0, 100.0);
  const track::ImpactPrediction pr = p.predict(g);
  ASSERT_TRUE(pr.valid) << pr.reason;
  const auto bank = p.hypotheses(g);
  EXPECT_EQ(pr.hypotheses, static_cast<int>(bank.size()));
  double t_b;
  Vec3 ballistic;
  ASSERT_TRUE(p.fall(g.x, t_b, ballistic));
  EXPECT_LE(mahalanobis2(pr, ballistic), 5.991);
  double longest = -1e9;
  for (const auto& h : bank) {
    double t;
    Vec3 impact;
    ASSERT_TRUE(p.descend(g.x, h, t, impact));
    EXPECT_LE(mahalanobis2(pr, impact), 5.991);
    longest = std::max(longest, downrange_m(pr, impact, ballistic));
  }
  // A glide carries it tens of km beyond the ballistic fall; the ellipse spans that, and its
  // semi-major axis stays within a few tens of km of the span (not absurd).
  EXPECT_GT(longest, 20e3);
  EXPECT_GT(pr.ellipse.semi_major_m, 0.5 * longest);
  EXPECT_LT(pr.ellipse.semi_major_m, 2.0 * longest + 20e3);
  // Without the bank the ellipse is the transform's alone, far smaller.
  const track::ImpactPrediction plain = track::ImpactPredictor(8000.0).predict(g);
  EXPECT_LT(plain.ellipse.semi_major_m, 0.2 * pr.ellipse.semi_major_m);
}

TEST(DescentBank, ADiveLandsShortOfTheBallisticFallAndAGlideBeyondIt) {
  const track::ImpactPredictor p(8000.0, 3.0 * 3600.0, envelope());
  const auto g = state(35e3, 2000.0, -300.0);
  const track::ImpactPrediction pr = p.predict(g);
  double t;
  Vec3 ballistic, glide, dive;
  ASSERT_TRUE(p.fall(g.x, t, ballistic, 1.0 / 5000.0));
  track::DescentGuidance d = p.hypotheses(g).front();
  d.pulled_up = true;
  d.glide_angle_rad = 0.0;
  d.dive_speed_mps = 0.0;  // never dives
  ASSERT_TRUE(p.descend(g.x, d, t, glide));
  d.diving = true;
  ASSERT_TRUE(p.descend(g.x, d, t, dive));
  EXPECT_GT(downrange_m(pr, glide, ballistic), 10e3);
  EXPECT_LT(downrange_m(pr, dive, ballistic), -5e3);
}

TEST(DescentBank, WhatTheTrackHasSeenPrunesTheBank) {
  const track::ImpactPredictor p(8000.0, 3.0 * 3600.0, envelope());
  const track::DescentEnvelope e = envelope();
  const std::size_t full =
      e.pull_up_heights_m.size() * e.glide_angles_deg.size() * e.dive_speeds_mps.size();
  const std::size_t per_height = full / e.pull_up_heights_m.size();
  EXPECT_EQ(p.hypotheses(state(48e3, 2000.0, 100.0)).size(), full);
  // Descending through 33 km without lift, steeply: the 50 and 40 km pull-ups did not happen.
  auto g = state(33e3, 2000.0, -700.0);
  EXPECT_EQ(p.hypotheses(g).size(), per_height);
  // The same state pulling up at 20 m/s^2: every hypothesis pulls up now, once per guidance.
  const Vec3 up = g.x.head<3>().normalized();
  const Vec3 u = g.x.segment<3>(3).normalized();
  g.x.tail<3>() = 20.0 * (up - up.dot(u) * u).normalized();
  g.P.diagonal().tail<3>().setConstant(4.0);
  const auto lifting = p.hypotheses(g);
  EXPECT_EQ(lifting.size(), per_height);
  for (const auto& h : lifting) EXPECT_TRUE(h.pulled_up);
  const track::ImpactPrediction pr = p.predict(g);
  ASSERT_TRUE(pr.valid);
  EXPECT_EQ(pr.hypotheses, static_cast<int>(per_height));
}

TEST(LiftManoeuvre, SigmaIsTheLiftTheAirAllows) {
  track::LiftManoeuvre m;
  EXPECT_EQ(m.sigma_mps2(state(30e3, 2000.0, 0.0).x), 0.0);  // off
  m.beta_lift_kgpm2 = 2500.0;
  m.max_sigma_mps2 = 50.0;
  const double expected = 1.8410e-2 * 2000.0 * 2000.0 / (2.0 * 2500.0);
  EXPECT_NEAR(m.sigma_mps2(state(30e3, 2000.0, 0.0).x), expected, 0.02 * expected);
  EXPECT_EQ(m.sigma_mps2(state(5e3, 2000.0, 0.0).x), 50.0);   // capped
  EXPECT_EQ(m.sigma_mps2(state(30e3, 6000.0, 0.0).x), 0.0);   // a fast re-entry vehicle
  EXPECT_EQ(m.sigma_mps2(state(120e3, 2000.0, 0.0).x), 0.0);  // above the air
}

TEST(LiftManoeuvre, NoiseLiesAcrossTheVelocity) {
  track::BallisticModel b;
  b.q_vel_m2ps3 = 0.0;
  const auto g = state(30e3, 2000.0, -300.0, 1.0, 0.01);
  const auto out = b.predict_lifting(g, 1.0, 20.0, 15.0);
  const Vec3 u = g.x.segment<3>(3).normalized();
  const track::Mat3 Pa = out.P.bottomRightCorner<3, 3>();
  const track::Mat3 Pv = out.P.block<3, 3>(3, 3);
  // Lift acceleration's variance: 2 sigma^2 / tau per second across, none along.
  EXPECT_NEAR(u.dot(Pa * u), 1e-6, 1e-3);
  Vec3 across = u.unitOrthogonal();
  EXPECT_NEAR(across.dot(Pa * across), 2.0 * 400.0 / 15.0, 0.1);
  EXPECT_GT(across.dot(Pv * across), 10.0 * u.dot(Pv * u));
}
