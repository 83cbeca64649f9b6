// The impact prediction's bank of lifting descents (track/prediction.hpp, DescentEnvelope) and
// the ballistic mode's lift manoeuvre (track/ballistic_model.hpp, LiftManoeuvre), checked
// against what they promise:
//  - only a state low and slow enough to fly aeroballistically gets hypotheses; a long-range
//    re-entry vehicle, a state in vacuum dynamics or a state already low in a dive gets the
//    ballistic fall alone;
//  - the published 95 % ellipse holds the impact points of nine hypotheses in ten or more,
//    each flown independently here with ImpactPredictor::descend;
//  - a lifting descent (pull-up, then a glide) lands beyond the ballistic fall, a dive short of
//    it;
//  - lift seen by the track (its acceleration along the lift direction) removes the ballistic
//    hypothesis; a track descending well below a pull-up height without lift drops the
//    hypotheses of that height; the lift and the glide seen are remembered, and a glided track
//    descending steeply is diving; a heavier body glides further;
//  - the lift manoeuvre's sigma is rho V^2 / (2 beta_L) (U.S. Standard Atmosphere 1976,
//    1.8410e-2 kg/m^3 at 30 km), capped, and nil for a fast body or high up; its noise lies
//    across the velocity (nothing along it).
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <set>

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
  return track::srbm_descent_envelope();
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
  // A dive under way at 15 km: every dive angle with every mass, all diving.
  const track::DescentEnvelope e = envelope();
  const auto dive = p.hypotheses(state(15e3, 1200.0, -1400.0));
  ASSERT_EQ(dive.size(), e.dive_angles_deg.size() * e.masses_kg.size());
  for (const auto& d : dive) EXPECT_EQ(d.phase, flight::AeroPhase::dive);
}

TEST(DescentBank, TheEllipseHoldsTheHypothesesImpacts) {
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
  std::size_t inside = 0;
  for (const auto& h : bank) {
    double t;
    Vec3 impact;
    ASSERT_TRUE(p.descend(g.x, h, t, impact));
    inside += mahalanobis2(pr, impact) <= 5.991;
    longest = std::max(longest, downrange_m(pr, impact, ballistic));
  }
  // The mixture's 95 % ellipse: nearly every hypothesis (the bank is no sample, so not
  // exactly 95 %), at least nine in ten.
  EXPECT_GE(static_cast<double>(inside), 0.9 * static_cast<double>(bank.size()));
  // A glide carries it well beyond the ballistic fall; the ellipse spans that, and its
  // semi-major axis stays within a few tens of km of the span (not absurd).
  EXPECT_GT(longest, 50e3);
  EXPECT_GT(pr.ellipse.semi_major_m, 0.4 * longest);
  EXPECT_LT(pr.ellipse.semi_major_m, 2.0 * longest + 20e3);
  // Without the bank the ellipse is the transform's alone, far smaller.
  const track::ImpactPrediction plain = track::ImpactPredictor(8000.0).predict(g);
  EXPECT_LT(plain.ellipse.semi_major_m, 0.2 * pr.ellipse.semi_major_m);
  // The support: the ballistic fall's point (first; no lift seen) and one per hypothesis,
  // about the published point as their mean, as far apart as the impacts; each with the
  // state's error alone, well inside the mixture's ellipse.
  ASSERT_EQ(pr.hypothesis_points.size(), bank.size() + 1);
  const geo::LocalFrame f(pr.point);
  Eigen::Vector2d mean = Eigen::Vector2d::Zero();
  double farthest = -1e9;
  const double x0 = f.to_enu(geo::to_ecef(pr.hypothesis_points.front())).r_m.x();
  for (const auto& q : pr.hypothesis_points) {
    const Eigen::Vector2d en = f.to_enu(geo::to_ecef(q)).r_m.head<2>();
    mean += en / static_cast<double>(pr.hypothesis_points.size());
    farthest = std::max(farthest, en.x() - x0);
  }
  EXPECT_LT(mean.norm(), 10.0);
  EXPECT_NEAR(farthest, longest, 0.01 * longest);
  EXPECT_LT(pr.hypothesis_ellipse.semi_major_m, 0.5 * pr.ellipse.semi_major_m);
  EXPECT_GT(pr.hypothesis_ellipse.semi_major_m, 0.0);
}

TEST(DescentBank, ADiveLandsShortOfTheBallisticFallAndAGlideBeyondIt) {
  const track::ImpactPredictor p(8000.0, 3.0 * 3600.0, envelope());
  const auto g = state(35e3, 2000.0, -300.0);
  const track::ImpactPrediction pr = p.predict(g);
  double t;
  Vec3 ballistic, glide, dive;
  ASSERT_TRUE(p.fall(g.x, t, ballistic, 1.0 / 5000.0));
  track::DescentGuidance d = p.hypotheses(g).front();
  d.phase = flight::AeroPhase::pull_up;
  d.body.guidance.gamma_cmd_rad = 0.0;
  d.body.guidance.dive_speed_mps = 0.0;  // never dives
  ASSERT_TRUE(p.descend(g.x, d, t, glide));
  d.phase = flight::AeroPhase::dive;
  ASSERT_TRUE(p.descend(g.x, d, t, dive));
  EXPECT_GT(downrange_m(pr, glide, ballistic), 10e3);
  EXPECT_LT(downrange_m(pr, dive, ballistic), -5e3);
}

// The class's body flies the descent: from the same state a heavier body (a burn cut short)
// is slowed less by the air and glides further.
TEST(DescentBank, AHeavierBodyGlidesFurther) {
  const track::ImpactPredictor p(8000.0, 3.0 * 3600.0, envelope());
  const auto g = state(35e3, 2000.0, -300.0);
  const track::ImpactPrediction pr = p.predict(g);
  track::DescentGuidance d = p.hypotheses(g).front();
  d.phase = flight::AeroPhase::pull_up;
  d.body.guidance.gamma_cmd_rad = 0.0;
  double t;
  Vec3 light, heavy;
  d.mass_kg = 1100.0;
  ASSERT_TRUE(p.descend(g.x, d, t, light));
  d.mass_kg = 2800.0;
  ASSERT_TRUE(p.descend(g.x, d, t, heavy));
  EXPECT_GT(downrange_m(pr, heavy, light), 10e3);
}

TEST(DescentBank, WhatTheTrackHasSeenPrunesTheBank) {
  const track::ImpactPredictor p(8000.0, 3.0 * 3600.0, envelope());
  const track::DescentEnvelope e = envelope();
  // Before lift: heights x glide angles x dive speeds, the mass crossed with them (27).
  const std::size_t per_height = e.glide_angles_deg.size() * e.dive_speeds_mps.size();
  const std::size_t full = e.pull_up_heights_m.size() * per_height;
  const auto before = p.hypotheses(state(48e3, 2000.0, 100.0));
  ASSERT_EQ(before.size(), full);
  std::set<double> masses;
  for (const auto& h : before) masses.insert(h.mass_kg);
  EXPECT_EQ(masses.size(), e.masses_kg.size());
  // Descending through 33 km without lift, steeply: a pull-up at 50 km would have levelled
  // it out by now.
  auto g = state(33e3, 2000.0, -700.0);
  EXPECT_EQ(p.hypotheses(g).size(), full - per_height);
  // The same state pulling up at 20 m/s^2: every hypothesis pulls up now, every guidance with
  // every mass.
  const Vec3 up = g.x.head<3>().normalized();
  const Vec3 u = g.x.segment<3>(3).normalized();
  g.x.tail<3>() = 20.0 * (up - up.dot(u) * u).normalized();
  g.P.diagonal().tail<3>().setConstant(4.0);
  track::DescentMemory memory;
  const auto lifting = p.hypotheses(g, &memory);
  EXPECT_EQ(lifting.size(), per_height * e.masses_kg.size());
  for (const auto& h : lifting) EXPECT_EQ(h.phase, flight::AeroPhase::pull_up);
  EXPECT_TRUE(memory.lifted);
  const track::ImpactPrediction pr = p.predict(g);
  ASSERT_TRUE(pr.valid);
  EXPECT_EQ(pr.hypotheses, static_cast<int>(lifting.size()));
}

// Low and steep with no lift seen yet: within a pull-up's depth below the lowest pull-up
// height the track may be pulling up with its filter lagging the lift, so the bank holds the
// dives and the pull-ups (o01: an SRBM 13 s into its pull-up from 40 km, at 29.6 km and -23 deg,
// was taken for diving, its impact 50 km short in a 12.6 km ellipse); below every pull-up's
// bottom it dives.
TEST(DescentBank, LowAndSteepWithoutLiftMayBePullingUpOrDiving) {
  const track::ImpactPredictor p(8000.0, 3.0 * 3600.0, envelope());
  const track::DescentEnvelope e = envelope();
  const std::size_t dives = e.dive_angles_deg.size() * e.masses_kg.size();
  const double down = -2290.0 * std::tan(23.0 * pi / 180.0);
  const auto mixed = p.hypotheses(state(29.6e3, 2290.0, down));
  std::size_t diving = 0, pulling = 0;
  for (const auto& h : mixed) (h.phase == flight::AeroPhase::dive ? diving : pulling)++;
  EXPECT_EQ(diving, dives);
  EXPECT_GT(pulling, 0u);
  const auto low = p.hypotheses(state(14e3, 2290.0, down));
  EXPECT_EQ(low.size(), dives);
  for (const auto& h : low) EXPECT_EQ(h.phase, flight::AeroPhase::dive);
  // The prediction's ellipse spans both: far wider than the dives' alone.
  const track::ImpactPrediction both = p.predict(state(29.6e3, 2290.0, down));
  ASSERT_TRUE(both.valid);
  EXPECT_EQ(both.hypotheses, static_cast<int>(mixed.size()));
  EXPECT_GT(both.ellipse.semi_major_m, 30e3);
}

// The phases seen stay seen: the filter's lift estimate fades between manoeuvres.
TEST(DescentBank, ATrackRemembersItsLiftAndItsGlide) {
  const track::ImpactPredictor p(8000.0, 3.0 * 3600.0, envelope());
  // Descending at 33 km with no lift in its estimate: after lift was seen it still pulls up
  // now (no ballistic hypotheses left).
  track::DescentMemory lifted{true, false};
  for (const auto& h : p.hypotheses(state(33e3, 2000.0, -700.0), &lifted))
    EXPECT_EQ(h.phase, flight::AeroPhase::pull_up);
  // Level at 25 km: a glide, remembered.
  track::DescentMemory memory;
  p.hypotheses(state(25e3, 1900.0, 0.0), &memory);
  EXPECT_TRUE(memory.lifted);
  EXPECT_TRUE(memory.glided);
  // Then 10 deg down at 24 km: its dive (without the memory: still the glide's bank).
  const auto steeper = state(24e3, 1800.0, -1800.0 * std::tan(10.0 * pi / 180.0));
  for (const auto& h : p.hypotheses(steeper, &memory)) EXPECT_EQ(h.phase, flight::AeroPhase::dive);
  track::DescentMemory none;
  EXPECT_NE(p.hypotheses(steeper, &none).front().phase, flight::AeroPhase::dive);
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

// The impact prediction's fall decides its step sizes and the ground by the ellipsoidal
// approximation of the height wherever that lies more than 2 km from 0, 20 km and 150 km
// (prediction.cpp, level_height_m): it must be within 1 km of the geodetic height, at every
// latitude, from under the ground to far beyond any apogee.
TEST(Prediction, ApproximateHeightIsWithinAKilometreOfTheGeodetic) {
  double worst = 0.0;
  for (double lat = -90.0; lat <= 90.0; lat += 0.5)
    for (const double h : {-50e3, -1e3, 0.0, 1e3, 20e3, 150e3, 1e6, 5e6, 1e7, 4e7}) {
      const Vec3 p = geo::to_ecef(geo::Geodetic::from_deg(lat, 37.0, h)).r_m;
      worst = std::max(worst, std::abs(geo::approx_height_m(p) - h));
    }
  EXPECT_LT(worst, 1e3);
  EXPECT_GT(worst, 1.0);  // an approximation: the test would notice an exact one
}
