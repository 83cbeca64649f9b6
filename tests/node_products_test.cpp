// A node's products (node/products.hpp): launch reports while boosting, impact predictions past
// burnout, the consistency rule and the warning limit on the ellipse, the ground track.
// References: a vacuum trajectory integrated independently in the inertial frame
// (tests/inertial_reference.hpp) for the impact point and time, the sub-missile points of the
// ground track, and, by central finite differences of that propagation, the linearised impact
// covariance J P J' whose 95 % ellipse the unscented transform must reproduce for a small P;
// the closed form of the launch-point model (tau = 2 h / v_up, distance v_h tau / 3 back along
// the ground track) for a hand-made state; and the rates and rules of the header, counted by
// hand.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <vector>

#include "geo/angles.hpp"
#include "geo/frames.hpp"
#include "geo/wgs84.hpp"
#include "inertial_reference.hpp"
#include "node/products.hpp"

using namespace trilink;
using track::Vec;
using trilink::Nation;

namespace {

constexpr double pi = std::numbers::pi;
const geo::UtcTime t0{1'700'000'000'000'000'000};
using Vec6 = Vec<6>;
using Mat6 = track::Mat<6>;

// An SRBM just past burnout over North Korea: 120 km up, 1.5 km/s east, 0.8 km/s up; in
// vacuum it comes down about 260 s later, ~400 km east.
Vec6 srbm_state() {
  const geo::Geodetic g = geo::Geodetic::from_deg(39.0, 127.0, 120e3);
  const geo::LocalFrame f(g);
  Vec6 x;
  x << geo::to_ecef(g).r_m, f.ecef_vector(geo::Vec3(1500.0, 500.0, 800.0));
  return x;
}

// The reference trajectory at t seconds after srbm_state().
Vec6 srbm_at(double t_s) {
  const Vec6 x = srbm_state();
  const geo::EcefState s = test_reference::propagate_ecef(x.head<3>(), x.tail<3>(), t_s);
  Vec6 out;
  out << s.r_m, s.v_mps;
  return out;
}

Mat6 diag_cov(double sigma_p_m, double sigma_v_mps) {
  Vec6 d;
  d << Eigen::Vector3d::Constant(sigma_p_m * sigma_p_m),
      Eigen::Vector3d::Constant(sigma_v_mps * sigma_v_mps);
  return d.asDiagonal();
}

node::TrackView view(double t_s, const Vec6& x, const Mat6& P, bool boosting, bool confirmed = true,
                     std::uint64_t id = 42) {
  node::TrackView v;
  v.id = id;
  v.time = t0.plus_seconds(t_s);
  v.state = node::with_zero_thrust(x, P);
  v.confirmed = confirmed;
  v.boosting = boosting;
  return v;
}

node::ProductConfig vacuum_config() {
  node::ProductConfig c;
  c.beta_kgpm2 = 0.0;  // no drag: the reference is a vacuum trajectory
  return c;
}

node::ProductMaker maker(const node::ProductConfig& c) {
  return node::ProductMaker(c, share::Originator{Nation::JPN, "JADGE", std::nullopt},
                            {Nation::JPN, Nation::USA});
}

// The east-north offset (m) of `p` from `origin`, on the plane of the origin's frame.
Eigen::Vector2d en_offset(const geo::LocalFrame& f, const geo::Vec3& p) {
  return f.to_enu(geo::Ecef{p}).r_m.head<2>();
}

}  // namespace

TEST(Products, LaunchReportsOnlyWhileBoostingAndImpactPredictionsOnlyAfter) {
  node::ProductConfig c = vacuum_config();
  c.launch_report_interval_s = 5.0;
  c.prediction_interval_s = 4.0;
  node::ProductMaker pm = maker(c);
  std::vector<double> launches, impacts;
  for (int k = 0; k <= 30; ++k) {
    const bool boosting = k < 13;
    const auto p = pm.update(view(k, srbm_at(k), diag_cov(50.0, 1.0), boosting));
    if (p.launch) {
      EXPECT_EQ(p.launch->header.time_of_validity, t0.plus_seconds(k));
      launches.push_back(k);
    }
    if (p.impact) {
      EXPECT_EQ(p.impact->header.time_of_validity, t0.plus_seconds(k));
      impacts.push_back(k);
    }
    if (boosting) {
      EXPECT_FALSE(p.impact.has_value()) << k;
    } else {
      EXPECT_FALSE(p.launch.has_value()) << k;
    }
  }
  // The first launch report at once, then every 5 s while boosting (0..12 s).
  EXPECT_EQ(launches, (std::vector<double>{0.0, 5.0, 10.0}));
  // The first prediction at the first update past burnout (13 s), the second 2 s later
  // (confirm_interval_s), then every 4 s.
  EXPECT_EQ(impacts, (std::vector<double>{13.0, 15.0, 19.0, 23.0, 27.0}));
  EXPECT_EQ(pm.prediction_failures(), 0u);
}

TEST(Products, UnconfirmedTracksGetNothingAndForgetStartsAfresh) {
  node::ProductMaker pm = maker(vacuum_config());
  EXPECT_FALSE(pm.update(view(0, srbm_at(0), diag_cov(50.0, 1.0), true, false)).launch);
  EXPECT_FALSE(pm.update(view(1, srbm_at(1), diag_cov(50.0, 1.0), false, false)).impact);
  EXPECT_TRUE(pm.update(view(2, srbm_at(2), diag_cov(50.0, 1.0), true)).launch);
  EXPECT_FALSE(pm.update(view(3, srbm_at(3), diag_cov(50.0, 1.0), true)).launch);  // 5 s rule
  pm.forget(42);
  EXPECT_TRUE(pm.update(view(4, srbm_at(4), diag_cov(50.0, 1.0), true)).launch);
  // A boosting track that is not climbing has no launch point (the model needs v_up > 0).
  Vec6 falling = srbm_at(200.0);
  ASSERT_LT(falling.tail<3>().dot(falling.head<3>()), 0.0);
  EXPECT_FALSE(pm.update(view(5, falling, diag_cov(50.0, 1.0), true, true, 7)).launch);
}

// The launch-point model for a hand-made state: 30 km up, climbing at 1 km/s and moving east
// at 300 m/s over the ground. tau = 2 h / v_up = 60 s; the launch point lies v_h tau / 3 =
// 6 km due west of the sub-missile point.
TEST(Products, LaunchReportFollowsTheClosedFormLaunchModel) {
  const geo::Geodetic sub = geo::Geodetic::from_deg(40.0, 127.0, 0.0);
  geo::Geodetic here = sub;
  here.h_m = 30e3;
  const geo::LocalFrame f(sub);
  Vec6 x;
  x << geo::to_ecef(here).r_m, f.ecef_vector(geo::Vec3(300.0, 0.0, 1000.0));
  node::ProductMaker pm = maker(vacuum_config());
  const auto p = pm.update(view(100.0, x, diag_cov(1.0, 0.01), true));
  ASSERT_TRUE(p.launch.has_value());
  const share::LaunchReport& r = *p.launch;
  EXPECT_NEAR(r.launch_time.seconds_since(t0), 100.0 - 60.0, 1e-3);
  EXPECT_LT(r.launch_time_sigma_s, 0.01);
  const geo::Geodetic lp = geo::to_geodetic(geo::Ecef{r.launch_point_ecef_m});
  EXPECT_NEAR(lp.h_m, 0.0, 1e-3);
  const geo::SurfacePath back = geo::geodesic_inverse(sub, lp);
  EXPECT_NEAR(back.distance_m, 6000.0, 1.0);
  EXPECT_NEAR(geo::wrap_pi(back.azimuth_rad - 1.5 * pi), 0.0, 1e-3);
  // Stamped for the node, with the maker's label; the sequence is the node's to set.
  EXPECT_EQ(r.header.originator, (share::Originator{Nation::JPN, "JADGE", std::nullopt}));
  EXPECT_EQ(r.header.releasability, (share::Releasability{Nation::JPN, Nation::USA}));
  EXPECT_EQ(r.header.sequence, 0u);
  EXPECT_EQ(r.header.time_of_validity, t0.plus_seconds(100.0));
  EXPECT_EQ(r.system_track_id, 42u);
  // The covariance is on the ground: east-north from the transform, 1 m^2 vertical.
  const geo::LocalFrame at_lp(lp);
  const Eigen::Matrix3d enu =
      at_lp.enu_from_ecef() * r.launch_point_covariance_m2 * at_lp.ecef_from_enu();
  EXPECT_NEAR(enu(2, 2), 1.0, 1e-6);
  EXPECT_LT((enu.topLeftCorner<2, 2>().trace()), 100.0);
}

TEST(Products, VacuumImpactPredictionAgreesWithAnIndependentPropagation) {
  node::ProductMaker pm = maker(vacuum_config());
  const Vec6 x = srbm_state();
  const auto p = pm.update(view(0.0, x, diag_cov(1.0, 0.01), false));
  ASSERT_TRUE(p.impact.has_value());
  const test_reference::Impact ref = test_reference::fall(x.head<3>(), x.tail<3>());
  ASSERT_TRUE(ref.found);
  EXPECT_GT(ref.t_s, 200.0);
  EXPECT_LT((p.impact->impact_point_ecef_m - ref.point_ecef).norm(), 5.0);
  EXPECT_NEAR(p.impact->time_of_impact.seconds_since(t0), ref.t_s, 0.01);
  EXPECT_NEAR(test_reference::height_m(p.impact->impact_point_ecef_m), 0.0, 1.0);
  EXPECT_EQ(p.impact->system_track_id, 42u);
  EXPECT_EQ(p.impact->header.time_of_validity, t0);
}

// For a small covariance the unscented transform's 95 % ellipse is that of the linearised
// impact covariance J P J' (J by central differences of the reference propagation), semi-axes
// sqrt(chi2_2(0.95) lambda) with chi2_2(0.95) = -2 ln 0.05.
TEST(Products, ImpactEllipseMatchesTheLinearisedCovariance) {
  const Vec6 x = srbm_state();
  Mat6 P = diag_cov(150.0, 1.5);
  P(0, 4) = P(4, 0) = 0.3 * 150.0 * 1.5;  // some correlation
  const test_reference::Impact ref = test_reference::fall(x.head<3>(), x.tail<3>());
  ASSERT_TRUE(ref.found);
  geo::Geodetic centre = geo::to_geodetic(geo::Ecef{ref.point_ecef});
  centre.h_m = 0.0;
  const geo::LocalFrame f(centre);
  Eigen::Matrix<double, 2, 6> J;
  for (int j = 0; j < 6; ++j) {
    const double h = j < 3 ? 10.0 : 0.1;
    Vec6 d = Vec6::Zero();
    d[j] = h;
    const auto hi = test_reference::fall((x + d).head<3>(), (x + d).tail<3>());
    const auto lo = test_reference::fall((x - d).head<3>(), (x - d).tail<3>());
    J.col(j) = (en_offset(f, hi.point_ecef) - en_offset(f, lo.point_ecef)) / (2.0 * h);
  }
  const Eigen::Matrix2d C = J * P * J.transpose();
  const Eigen::SelfAdjointEigenSolver<Eigen::Matrix2d> es(C);
  const double k = -2.0 * std::log(0.05);
  const double major = std::sqrt(k * es.eigenvalues()[1]);
  const double minor = std::sqrt(k * es.eigenvalues()[0]);
  const Eigen::Vector2d axis = es.eigenvectors().col(1);
  double azimuth = std::atan2(axis.x(), axis.y());  // clockwise from north
  if (azimuth < 0.0) azimuth += pi;

  node::ProductMaker pm = maker(vacuum_config());
  const auto p = pm.update(view(0.0, x, P, false));
  ASSERT_TRUE(p.impact.has_value());
  EXPECT_GT(major, 1000.0);  // a real ellipse, km-sized
  EXPECT_NEAR(p.impact->semi_major_m, major, 0.02 * major);
  EXPECT_NEAR(p.impact->semi_minor_m, minor, 0.02 * minor + 1.0);
  EXPECT_NEAR(geo::wrap_pi(2.0 * (p.impact->major_axis_azimuth_rad - azimuth)) / 2.0, 0.0,
              geo::deg_to_rad(1.0));
  EXPECT_GE(p.impact->major_axis_azimuth_rad, 0.0);
  EXPECT_LT(p.impact->major_axis_azimuth_rad, pi);
  // The mean moves by second-order terms only.
  EXPECT_LT((p.impact->impact_point_ecef_m - ref.point_ecef).norm(), 0.02 * major);
}

namespace {

struct Pair {
  share::ImpactPrediction first, second;
  bool valid = false;  // situation() after the second
};

// Two predictions 1 s apart: `a` at t = 0, `b` at t = 1.
Pair two_predictions(const Vec6& a, const Mat6& Pa, const Vec6& b, const Mat6& Pb,
                     double max_semi_major_m = 50e3) {
  node::ProductConfig c = vacuum_config();
  c.prediction_interval_s = 1.0;
  c.confirm_interval_s = 1.0;
  c.max_warning_semi_major_m = max_semi_major_m;
  node::ProductMaker pm = maker(c);
  Pair out;
  const auto p1 = pm.update(view(0.0, a, Pa, false));
  EXPECT_FALSE(pm.situation(view(0.0, a, Pa, false)).impact_valid);  // nothing to agree with
  const auto p2 = pm.update(view(1.0, b, Pb, false));
  EXPECT_TRUE(p1.impact && p2.impact);
  if (!p1.impact || !p2.impact) return out;
  out.first = *p1.impact;
  out.second = *p2.impact;
  out.valid = pm.situation(view(1.0, b, Pb, false)).impact_valid;
  return out;
}

double moved_m(const Pair& p) {
  return (p.first.impact_point_ecef_m - p.second.impact_point_ecef_m).norm();
}
double allowed_m(const Pair& p) {
  return p.first.semi_major_m + p.second.semi_major_m;
}

}  // namespace

TEST(Products, PredictionsAlongOneTrajectoryAgreeAndAreValidForWarning) {
  const Pair p =
      two_predictions(srbm_at(0.0), diag_cov(100.0, 1.0), srbm_at(1.0), diag_cov(100.0, 1.0));
  EXPECT_LT(moved_m(p), 0.05 * allowed_m(p));
  EXPECT_TRUE(p.valid);
}

// The rule at its edge: a second prediction whose impact point lies a distance d from the
// first's, with its covariance scaled so that the semi-major axes add up to 1.1 d (agree) or
// 0.9 d (disagree).
TEST(Products, ConsistencyRuleIsTheSumOfTheSemiMajorAxes) {
  const Vec6 a = srbm_at(0.0);
  const Mat6 Pa = diag_cov(10.0, 0.1);
  Vec6 b = srbm_at(1.0);
  const geo::LocalFrame f(geo::to_geodetic(geo::Ecef{b.head<3>()}));
  b.tail<3>() += f.ecef_vector(geo::Vec3(5.0, 0.0, 0.0));  // 5 m/s more eastward
  // Calibration with a unit covariance.
  const Pair unit = two_predictions(a, Pa, b, diag_cov(100.0, 1.0));
  const double d = moved_m(unit);
  const double a1 = unit.first.semi_major_m, b1 = unit.second.semi_major_m;
  ASSERT_GT(d, 3.0 * a1);  // room for b's ellipse on either side of the edge
  for (const double ratio : {1.1, 0.9}) {
    const double scale = (ratio * d - a1) / b1;
    const Pair p = two_predictions(a, Pa, b, scale * scale * diag_cov(100.0, 1.0));
    const double r = allowed_m(p) / moved_m(p);
    EXPECT_NEAR(r, ratio, 0.03) << "calibration";
    EXPECT_EQ(p.valid, ratio > 1.0) << "moved " << moved_m(p) << " m, allowed " << allowed_m(p);
  }
}

// A prediction made too early (impact point marching downrange) never becomes valid.
TEST(Products, APredictionThatJumpsIsNotValidForWarning) {
  Vec6 b = srbm_at(1.0);
  const geo::LocalFrame f(geo::to_geodetic(geo::Ecef{b.head<3>()}));
  b.tail<3>() += f.ecef_vector(geo::Vec3(100.0, 0.0, 0.0));
  const Pair p = two_predictions(srbm_at(0.0), diag_cov(100.0, 1.0), b, diag_cov(100.0, 1.0));
  EXPECT_GT(moved_m(p), 5.0 * allowed_m(p));
  EXPECT_FALSE(p.valid);
}

// A prediction whose cross-track width jumps (its state has just gone bad) is not valid for
// warning although its point lies within the two ellipses' reach.
TEST(Products, APredictionWhoseWidthJumpsIsNotValidForWarning) {
  const Pair steady = two_predictions(srbm_at(0.0), diag_cov(100.0, 1.0), srbm_at(1.0),
                                      diag_cov(100.0, 1.0), 250e3);
  EXPECT_TRUE(steady.valid);
  const Pair jumped = two_predictions(srbm_at(0.0), diag_cov(100.0, 1.0), srbm_at(1.0),
                                      diag_cov(300.0, 8.0), 250e3);
  ASSERT_GT(jumped.second.semi_minor_m, 2.0 * jumped.first.semi_minor_m + 1e3);
  EXPECT_LT(moved_m(jumped), allowed_m(jumped));  // the points agree...
  EXPECT_FALSE(jumped.valid);                     // ...but the width jumped
}

TEST(Products, AnEllipseLongerThanTheWarningLimitIsNotValidForWarning) {
  const Mat6 P = diag_cov(2000.0, 60.0);
  const Pair strict = two_predictions(srbm_at(0.0), P, srbm_at(1.0), P, 50e3);
  ASSERT_GT(strict.second.semi_major_m, 50e3);
  ASSERT_LT(strict.second.semi_major_m, 100e3);
  EXPECT_LT(moved_m(strict), allowed_m(strict));  // they agree...
  EXPECT_FALSE(strict.valid);                     // ...but the ellipse is too long
  const Pair lenient = two_predictions(srbm_at(0.0), P, srbm_at(1.0), P, 100e3);
  EXPECT_TRUE(lenient.valid);
}

// The second prediction comes sooner than the rest: the threat waits for two that agree.
TEST(Products, APredictionNotYetConfirmedIsFollowedSooner) {
  node::ProductConfig c = vacuum_config();
  c.prediction_interval_s = 5.0;
  c.confirm_interval_s = 2.0;
  node::ProductMaker pm = maker(c);
  std::vector<double> times;
  for (int k = 0; k <= 12; ++k)
    if (pm.update(view(k, srbm_at(k), diag_cov(100.0, 1.0), false)).impact) times.push_back(k);
  EXPECT_EQ(times, (std::vector<double>{0.0, 2.0, 7.0, 12.0}));
  EXPECT_TRUE(pm.situation(view(12.0, srbm_at(12.0), diag_cov(100.0, 1.0), false)).impact_valid);
}

TEST(Products, SituationCarriesTheLastValidPredictionAndNothingWhileBoosting) {
  node::ProductConfig c = vacuum_config();
  c.prediction_interval_s = 1.0;
  c.confirm_interval_s = 1.0;
  node::ProductMaker pm = maker(c);
  pm.update(view(0.0, srbm_at(0.0), diag_cov(100.0, 1.0), false));
  const auto p = pm.update(view(1.0, srbm_at(1.0), diag_cov(100.0, 1.0), false));
  ASSERT_TRUE(p.impact.has_value());
  const warn::TrackSituation s = pm.situation(view(1.0, srbm_at(1.0), diag_cov(100.0, 1.0), false));
  EXPECT_EQ(s.system_track_id, 42u);
  EXPECT_TRUE(s.confirmed);
  ASSERT_TRUE(s.impact_valid);
  EXPECT_EQ(s.time_of_impact, p.impact->time_of_impact);
  EXPECT_EQ(s.ellipse, warn::ellipse_of(*p.impact));
  // The same track seen as boosting (burnout not yet declared) has no valid prediction.
  EXPECT_FALSE(pm.situation(view(1.0, srbm_at(1.0), diag_cov(100.0, 1.0), true)).impact_valid);
  // Unknown tracks have none either.
  EXPECT_FALSE(
      pm.situation(view(1.0, srbm_at(1.0), diag_cov(100.0, 1.0), false, true, 99)).impact_valid);
}

TEST(Products, AStateThatDoesNotComeDownIsAPredictionFailure) {
  // A circular orbit 500 km up.
  const double r = geo::wgs84::a_m() + 500e3;
  Vec6 x;
  x << r, 0.0, 0.0, 0.0, std::sqrt(geo::wgs84::gm_m3ps2() / r) - geo::wgs84::omega_radps() * r, 0.0;
  node::ProductMaker pm = maker(vacuum_config());
  EXPECT_FALSE(pm.update(view(0.0, x, diag_cov(10.0, 0.1), false)).impact.has_value());
  EXPECT_EQ(pm.prediction_failures(), 1u);
}

// The ground track: the sub-missile points of the mean state's ballistic flight every
// ground_track_step_s from the state's time, on the ground (height 0), then the predicted
// impact point, within one step of the last of them.
TEST(Products, GroundTrackFollowsTheTrajectoryAndEndsOnTheGround) {
  node::ProductConfig c = vacuum_config();
  c.prediction_interval_s = 1.0;
  c.confirm_interval_s = 1.0;
  c.ground_track_step_s = 10.0;
  node::ProductMaker pm = maker(c);
  pm.update(view(0.0, srbm_at(0.0), diag_cov(10.0, 0.1), false));
  const auto p = pm.update(view(1.0, srbm_at(1.0), diag_cov(10.0, 0.1), false));
  ASSERT_TRUE(p.impact.has_value());
  const warn::TrackSituation s = pm.situation(view(1.0, srbm_at(1.0), diag_cov(10.0, 0.1), false));
  ASSERT_TRUE(s.impact_valid);
  const auto& g = s.ground_track;
  ASSERT_GT(g.size(), 20u);
  for (std::size_t k = 0; k + 1 < g.size(); ++k) {
    const double t = 1.0 + 10.0 * static_cast<double>(k);
    EXPECT_EQ(g[k].time, t0.plus_seconds(t)) << k;
    EXPECT_EQ(g[k].point.h_m, 0.0) << k;
    geo::Geodetic truth = geo::to_geodetic(geo::Ecef{srbm_at(t).head<3>()});
    EXPECT_GT(truth.h_m, 0.0) << k;  // only points while still in flight
    const geo::SurfacePath err = geo::geodesic_inverse(truth, g[k].point);
    EXPECT_LT(err.distance_m, 1.0) << k;
  }
  const double last_s = g[g.size() - 2].time.seconds_since(t0);
  const double impact_s = p.impact->time_of_impact.seconds_since(t0);
  EXPECT_GT(impact_s, last_s);
  EXPECT_LE(impact_s - last_s, 10.0);
}

// The corridor the alerts test ends at the predicted impact point, at the predicted time of
// impact (it used to stop up to one step, here 12 km, short of it: an area overflown in the
// last seconds of flight was not seen as overflown), as the truth ground track of the exercise
// (exercise.cpp, true_ground_track) does.
TEST(Products, GroundTrackEndsAtTheImpactPoint) {
  node::ProductConfig c = vacuum_config();
  c.prediction_interval_s = 1.0;
  c.confirm_interval_s = 1.0;
  node::ProductMaker pm = maker(c);
  pm.update(view(0.0, srbm_at(0.0), diag_cov(10.0, 0.1), false));
  const auto p = pm.update(view(1.0, srbm_at(1.0), diag_cov(10.0, 0.1), false));
  ASSERT_TRUE(p.impact.has_value());
  const auto g = pm.situation(view(1.0, srbm_at(1.0), diag_cov(10.0, 0.1), false)).ground_track;
  ASSERT_FALSE(g.empty());
  geo::Geodetic impact = geo::to_geodetic(geo::Ecef{p.impact->impact_point_ecef_m});
  impact.h_m = 0.0;
  EXPECT_LT(geo::geodesic_inverse(g.back().point, impact).distance_m, 100.0);
  EXPECT_EQ(g.back().time, p.impact->time_of_impact);
}

// The corridor's half-width at the impact is the ellipse's extent across the path's heading,
// taken over the last 20 km: the last step of a steep dive, metres long, may point anywhere
// (here east, across a northward path: it used to lay the 150 km long axis across the path, a
// corridor 300 km wide that met Korea from SRBMs passing 30 km off). Halfway in time it is half
// that; a path shorter than the baseline has no heading, and the whole ellipse is its width.
TEST(Products, TheCorridorIsTheEllipseAcrossTheHeadingOfThePath) {
  const geo::Geodetic start = geo::Geodetic::from_deg(37.0, 131.0, 40e3);
  track::ImpactPrediction p;
  p.valid = true;
  p.path_step_s = 10.0;
  for (int k = 0; k < 20; ++k) {  // 15 km north every 10 s (a meridian), coming down
    geo::Geodetic g = geo::geodesic_direct(start, 0.0, 15e3 * k);
    g.h_m = 40e3 - 1.9e3 * k;
    p.path.push_back(geo::to_ecef(g).r_m);
  }
  geo::Geodetic last = geo::to_geodetic(geo::Ecef{p.path.back()});
  last.h_m = 0.0;
  p.point = geo::geodesic_direct(last, pi / 2.0, 100.0);  // the dive's last 100 m: east
  p.time_to_impact_s = 195.0;
  p.ellipse.semi_major_m = 150e3;
  p.ellipse.semi_minor_m = 5e3;
  p.ellipse.orientation_rad = 0.0;  // the long axis along the path
  const auto g = node::prediction_ground_track(p, t0, 20e3);
  ASSERT_EQ(g.size(), 21u);
  EXPECT_NEAR(g.back().half_width_m, 5e3, 100.0);
  EXPECT_EQ(g.front().half_width_m, 0.0);
  const auto middle =
      std::ranges::find_if(g, [](const auto& q) { return q.time == t0.plus_seconds(100.0); });
  ASSERT_NE(middle, g.end());
  EXPECT_NEAR(middle->half_width_m, 5e3 * 100.0 / 195.0, 50.0);
  // A path shorter than the baseline: the whole ellipse.
  const auto near = node::prediction_ground_track(p, t0, 400e3);
  EXPECT_EQ(near.back().half_width_m, 150e3);
}

// A track that has lost its radars (its velocity sigma grown to hundreds of m/s while it
// coasts) gets no prediction: its ellipse would be a guess hundreds of km wide. The last one
// made before stays the track's situation.
TEST(Products, ATrackWhoseVelocityIsLostGetsNoPrediction) {
  node::ProductConfig c = vacuum_config();
  c.prediction_interval_s = 1.0;
  c.confirm_interval_s = 1.0;
  node::ProductMaker pm = maker(c);
  ASSERT_TRUE(pm.update(view(0.0, srbm_at(0.0), diag_cov(100.0, 5.0), false)).impact);
  const auto good = pm.update(view(1.0, srbm_at(1.0), diag_cov(100.0, 5.0), false));
  ASSERT_TRUE(good.impact.has_value());
  // 200 m/s per axis: 346 m/s root of the trace, beyond the 250 m/s limit.
  const auto lost_view = view(2.0, srbm_at(2.0), diag_cov(3000.0, 200.0), false);
  EXPECT_FALSE(pm.update(lost_view).impact.has_value());
  EXPECT_EQ(pm.prediction_failures(), 0u);  // not a failure of the maths
  const warn::TrackSituation s = pm.situation(lost_view);
  ASSERT_TRUE(s.impact_valid);
  EXPECT_EQ(s.time_of_impact, good.impact->time_of_impact);
  // Just inside the limit (140 m/s per axis: 242 m/s): predicted again.
  EXPECT_TRUE(
      pm.update(view(3.0, srbm_at(3.0), diag_cov(3000.0, 140.0), false)).impact.has_value());
}

namespace {

// An IRBM in boost over North Korea: 40 km up, 2 km/s at 40 deg above the horizon, heading
// east-south-east, thrusting at 30 m/s^2 along its velocity.
track::Gaussian<9> boosting_irbm(double sigma_p_m, double sigma_v_mps) {
  const geo::Geodetic g = geo::Geodetic::from_deg(39.0, 126.0, 40e3);
  const geo::LocalFrame f(g);
  const double az = 110.0 * pi / 180.0, gamma = 40.0 * pi / 180.0;
  const geo::Vec3 u(std::cos(gamma) * std::sin(az), std::cos(gamma) * std::cos(az),
                    std::sin(gamma));
  track::Gaussian<9> s;
  s.x << geo::to_ecef(g).r_m, f.ecef_vector(2000.0 * u), f.ecef_vector(30.0 * u);
  s.P.setZero();
  s.P.topLeftCorner<3, 3>().diagonal().setConstant(sigma_p_m * sigma_p_m);
  s.P.block<3, 3>(3, 3).diagonal().setConstant(sigma_v_mps * sigma_v_mps);
  s.P.bottomRightCorner<3, 3>().diagonal().setConstant(100.0);
  return s;
}

// The sub-missile points, every second, of the state flown on: its thrust held for
// `burn_s`, then a coast with the drag of a re-entry vehicle (beta 8 000 kg/m^2) to the ground.
std::vector<geo::Geodetic> flown_on(const track::Gaussian<9>& s, double burn_s) {
  const track::BallisticDynamics dynamics{8000.0};
  track::Vec<9> x = s.x;
  std::vector<geo::Geodetic> out;
  for (double t = 0.0; t < 4000.0; t += 1.0) {
    geo::Geodetic g = geo::to_geodetic(geo::Ecef{x.head<3>()});
    if (g.h_m < 0.0) break;
    g.h_m = 0.0;
    out.push_back(g);
    if (t >= burn_s) x.tail<3>().setZero();
    x = dynamics.propagate(x, 1.0, t < burn_s);
  }
  return out;
}

// Distance (m) from p to the polyline `line`, on the plane of p's frame.
double distance_to(const geo::Geodetic& p, const std::vector<geo::Geodetic>& line) {
  const geo::LocalFrame f(p);
  double best = 1e300;
  for (std::size_t k = 0; k + 1 < line.size(); ++k) {
    const Eigen::Vector2d a = f.to_enu(geo::to_ecef(line[k])).r_m.head<2>();
    const Eigen::Vector2d b = f.to_enu(geo::to_ecef(line[k + 1])).r_m.head<2>();
    const double s = std::clamp(-a.dot(b - a) / std::max(1e-9, (b - a).squaredNorm()), 0.0, 1.0);
    best = std::min(best, (a + s * (b - a)).norm());
  }
  return best;
}

}  // namespace

// The boost-phase overflight arc starts under the missile, runs forward in time with a
// cross-track half-width that grows, and lies under the path the missile flies whatever thrust
// remains: a flight that burns on for 0, 20 or 60 s overflies every point of it (within the
// point's half-width) and comes down beyond its end.
TEST(Products, BoostArcIsOverflownWhateverThrustRemains) {
  const track::Gaussian<9> s = boosting_irbm(200.0, 15.0);
  node::BoostArcConfig whole;
  whole.horizon_s = 1e4;
  const auto arc = node::boost_overflight_arc(s, t0, whole);
  ASSERT_GE(arc.size(), 3u);
  geo::Geodetic under = geo::to_geodetic(geo::Ecef{s.x.head<3>()});
  under.h_m = 0.0;
  EXPECT_LT(geo::geodesic_inverse(under, arc.front().point).distance_m, 1.0);
  EXPECT_EQ(arc.front().time, t0);
  for (std::size_t k = 1; k < arc.size(); ++k) {
    EXPECT_GT(arc[k].time, arc[k - 1].time) << k;
    EXPECT_GT(arc[k].half_width_m, arc[k - 1].half_width_m) << k;
  }
  const double reach = geo::geodesic_inverse(under, arc.back().point).distance_m;
  EXPECT_GT(reach, 300e3);  // an IRBM at 2 km/s: hundreds of km
  for (const double burn_s : {0.0, 20.0, 60.0}) {
    const auto path = flown_on(s, burn_s);
    EXPECT_GT(geo::geodesic_inverse(under, path.back()).distance_m, reach) << burn_s;
    for (std::size_t k = 0; k < arc.size(); ++k)
      EXPECT_LT(distance_to(arc[k].point, path), arc[k].half_width_m + 1e3) << burn_s << " " << k;
  }
  // The times are those of the fall without thrust: a missile thrusting on is there sooner.
  const auto fast = flown_on(s, 60.0);
  const std::size_t k = arc.size() / 2;
  const double fall_s = arc[k].time.seconds_since(t0);
  ASSERT_LT(static_cast<std::size_t>(fall_s), fast.size());
  EXPECT_GT(geo::geodesic_inverse(under, fast[static_cast<std::size_t>(fall_s)]).distance_m,
            geo::geodesic_inverse(under, arc[k].point).distance_m);
  // By default it stops horizon_s ahead, on the same path.
  const auto near = node::boost_overflight_arc(s, t0);
  ASSERT_GE(near.size(), 2u);
  EXPECT_NEAR(near.back().time.seconds_since(t0), node::BoostArcConfig{}.horizon_s, 1e-6);
  EXPECT_LT(geo::geodesic_inverse(under, near.back().point).distance_m, reach - 50e3);
  EXPECT_LT(distance_to(near.back().point, {arc.front().point, arc.back().point}), 5e3);
}

// A poor velocity (a young track) stops the arc short, not long: the arc ends at the nearest
// impact of the state slowed and steepened or flattened by two sigma.
TEST(Products, BoostArcOfAPoorVelocityIsShorter) {
  node::BoostArcConfig whole;
  whole.horizon_s = 1e4;
  const auto good = node::boost_overflight_arc(boosting_irbm(200.0, 5.0), t0, whole);
  const auto poor = node::boost_overflight_arc(boosting_irbm(200.0, 100.0), t0, whole);
  ASSERT_GE(good.size(), 2u);
  ASSERT_GE(poor.size(), 2u);
  const geo::Geodetic start = good.front().point;
  EXPECT_LT(geo::geodesic_inverse(start, poor.back().point).distance_m,
            geo::geodesic_inverse(start, good.back().point).distance_m - 50e3);
  EXPECT_GT(poor[1].half_width_m, good[1].half_width_m);
}

// No arc for a state that is not climbing (a track restarted in the descent, still taken for
// boosting) or climbing too steeply to have a heading.
TEST(Products, NoBoostArcDescendingOrWithoutAHeading) {
  track::Gaussian<9> falling = boosting_irbm(200.0, 15.0);
  const geo::LocalFrame f(geo::to_geodetic(geo::Ecef{falling.x.head<3>()}));
  falling.x.segment<3>(3) = f.ecef_vector(geo::Vec3(1500.0, -500.0, -300.0));
  EXPECT_TRUE(node::boost_overflight_arc(falling, t0).empty());
  track::Gaussian<9> vertical = falling;
  vertical.x.segment<3>(3) = f.ecef_vector(geo::Vec3(30.0, 0.0, 800.0));
  EXPECT_TRUE(node::boost_overflight_arc(vertical, t0).empty());
}

// A boosting track whose velocity is unknown to hundreds of m/s (one just born) draws no arc:
// its corridor would be tens of km wide a minute on. Known to 15 m/s, it does.
TEST(Products, ABoostingTrackWhoseVelocityIsUnknownDrawsNoArc) {
  node::ProductMaker pm = maker(node::ProductConfig{});
  node::TrackView v;
  v.id = 42;
  v.time = t0;
  v.confirmed = true;
  v.boosting = true;
  v.state = boosting_irbm(3000.0, 200.0);  // 346 m/s root of the trace
  pm.update(v);
  EXPECT_FALSE(pm.situation(v).boost_arc);
  v.time = t0.plus_seconds(5.0);
  v.state = boosting_irbm(200.0, 15.0);
  v.state.x.head<3>() += 5.0 * v.state.x.segment<3>(3);  // flown on 5 s: a chord of 10 km
  pm.update(v);
  EXPECT_TRUE(pm.situation(v).boost_arc);
}

// A confirmed boosting track's situation carries its arc (every prediction_interval_s) and no
// impact prediction: update() makes none before burnout; past burnout the arc is gone.
TEST(Products, SituationWhileBoostingCarriesTheArcAndNoImpactPrediction) {
  node::ProductConfig c;
  c.prediction_interval_s = 5.0;
  // No chord (a track seen once): the arc of the velocity alone.
  c.boost_arc.chord_min_length_m = std::numeric_limits<double>::infinity();
  node::ProductMaker pm = maker(c);
  const track::Gaussian<9> s = boosting_irbm(200.0, 15.0);
  node::TrackView v;
  v.id = 42;
  v.time = t0;
  v.state = s;
  v.confirmed = true;
  v.boosting = true;
  EXPECT_FALSE(pm.update(v).impact.has_value());
  const warn::TrackSituation sit = pm.situation(v);
  EXPECT_TRUE(sit.boost_arc);
  EXPECT_FALSE(sit.impact_valid);
  const auto arc = node::boost_overflight_arc(s, t0);
  ASSERT_EQ(sit.ground_track.size(), arc.size());
  EXPECT_EQ(sit.ground_track.back().time, arc.back().time);
  // Not confirmed: nothing.
  v.confirmed = false;
  EXPECT_FALSE(pm.situation(v).boost_arc);
  // Past burnout: no arc (and an impact prediction instead).
  v.confirmed = true;
  v.boosting = false;
  v.state.x.tail<3>().setZero();
  EXPECT_TRUE(pm.update(v).impact.has_value());
  EXPECT_FALSE(pm.situation(v).boost_arc);
}

namespace {

// The state turned about the local vertical by `deg` (clockwise from north: its heading grows).
track::Gaussian<9> turned(track::Gaussian<9> s, double deg) {
  const geo::LocalFrame f(geo::to_geodetic(geo::Ecef{s.x.head<3>()}));
  const Eigen::AngleAxisd turn(-deg * pi / 180.0, f.ecef_vector(geo::Vec3::UnitZ()));
  s.x.segment<3>(3) = turn * s.x.segment<3>(3);
  s.x.tail<3>() = turn * s.x.tail<3>();
  return s;
}

std::vector<geo::Geodetic> points_of(const std::vector<warn::GroundPoint>& arc) {
  std::vector<geo::Geodetic> out;
  for (const auto& g : arc) out.push_back(g.point);
  return out;
}

}  // namespace

// The chord's heading is the azimuth of the geodesic between the two sub-points, at the later
// one, and its sigma the two positions' errors across it over its length; too short, none.
TEST(Products, ChordHeadingIsTheGroundPathsAzimuthWithItsError) {
  const geo::Geodetic a = geo::Geodetic::from_deg(39.0, 126.0, 40e3);
  geo::Geodetic b = geo::geodesic_direct(a, 110.0 * pi / 180.0, 50e3);
  b.h_m = 90e3;
  const Eigen::Matrix3d Pa = Eigen::Matrix3d::Identity() * 300.0 * 300.0;
  const Eigen::Matrix3d Pb = Eigen::Matrix3d::Identity() * 400.0 * 400.0;
  const auto h = node::chord_heading(geo::to_ecef(a).r_m, Pa, geo::to_ecef(b).r_m, Pb, 5e3);
  ASSERT_TRUE(h.has_value());
  geo::Geodetic a0 = a, b0 = b;
  a0.h_m = b0.h_m = 0.0;
  const double expected = geo::wrap_pi(geo::geodesic_inverse(b0, a0).azimuth_rad + pi);
  EXPECT_NEAR(h->azimuth_rad, expected, 1e-9);
  EXPECT_NEAR(h->azimuth_rad, 110.0 * pi / 180.0, 1.0 * pi / 180.0);  // the geodesic turns
  EXPECT_NEAR(h->sigma_rad, 500.0 / 50e3, 1e-4);
  EXPECT_FALSE(
      node::chord_heading(geo::to_ecef(a).r_m, Pa, geo::to_ecef(b).r_m, Pb, 60e3).has_value());
}

// A boost track's velocity 2 deg off its path (a Korean radar's track of an IRBM from Sinpo: 1-2
// deg, 33-41 m/s across at 2.5 km/s) lays its arc 2 deg off: 10 km at 300 km, with a 95 %
// half-width of tens of km. Given the chord's heading (0.1 deg) the arc runs along the path and
// is narrower; given a chord that disagrees beyond three sigma (a dog-leg), the velocity alone.
TEST(Products, BoostArcTakesItsHeadingFromTheChord) {
  node::BoostArcConfig whole;
  whole.horizon_s = 1e4;
  const track::Gaussian<9> truth = boosting_irbm(200.0, 40.0);
  const track::Gaussian<9> off = turned(truth, 2.0);
  const auto along = points_of(node::boost_overflight_arc(truth, t0, whole));
  const auto alone = node::boost_overflight_arc(off, t0, whole);
  // The path's heading where the truth's velocity points (the same local azimuth).
  const geo::LocalFrame f(geo::to_geodetic(geo::Ecef{truth.x.head<3>()}));
  const geo::Vec3 v_enu = f.enu_vector(truth.x.segment<3>(3));
  const node::GroundHeading at_truth{std::atan2(v_enu.x(), v_enu.y()), 0.1 * pi / 180.0};
  const auto chorded = node::boost_overflight_arc(off, t0, whole, at_truth);
  ASSERT_GE(along.size(), 3u);
  ASSERT_GE(alone.size(), 3u);
  ASSERT_GE(chorded.size(), 3u);
  const std::size_t k = std::min({along.size(), alone.size(), chorded.size()}) - 1;
  EXPECT_GT(distance_to(alone[k].point, along), 5e3);
  EXPECT_LT(distance_to(chorded[k].point, along), 0.2 * distance_to(alone[k].point, along));
  EXPECT_LT(chorded[k].half_width_m, 0.5 * alone[k].half_width_m);
  // A chord 10 deg off the velocity: the heading is in doubt, no arc. Within three sigma of
  // both (the velocity's 1.1 deg, the chord's 0.1): an arc.
  const node::GroundHeading dogleg{at_truth.azimuth_rad + 10.0 * pi / 180.0, at_truth.sigma_rad};
  EXPECT_TRUE(node::boost_overflight_arc(off, t0, whole, dogleg).empty());
  const node::GroundHeading near{at_truth.azimuth_rad + 3.0 * pi / 180.0, at_truth.sigma_rad};
  EXPECT_FALSE(node::boost_overflight_arc(off, t0, whole, near).empty());
}

// A heading the chord confirms carries the arc on to chord_horizon_s; the velocity alone, to
// horizon_s (a young track's velocity can point anywhere: untuned u10, seed 2, Korea's track
// 2 s old on an ICBM at 105 km, 871 m/s off it, would have laid a 249 s arc over Korea).
TEST(Products, AnArcWhoseHeadingTheChordConfirmsReachesFarther) {
  const track::Gaussian<9> s = boosting_irbm(200.0, 15.0);
  const geo::LocalFrame f(geo::to_geodetic(geo::Ecef{s.x.head<3>()}));
  const geo::Vec3 v_enu = f.enu_vector(s.x.segment<3>(3));
  const node::GroundHeading chord{std::atan2(v_enu.x(), v_enu.y()), 0.1 * pi / 180.0};
  const node::BoostArcConfig c;
  ASSERT_GT(c.chord_horizon_s, c.horizon_s);
  const auto alone = node::boost_overflight_arc(s, t0, c);
  const auto chorded = node::boost_overflight_arc(s, t0, c, chord);
  ASSERT_GE(alone.size(), 2u);
  ASSERT_GE(chorded.size(), 2u);
  EXPECT_NEAR(alone.back().time.seconds_since(t0), c.horizon_s, 1e-6);
  // This one comes down (its reach) before chord_horizon_s: the whole arc.
  node::BoostArcConfig whole;
  whole.chord_horizon_s = 1e4;
  const auto all = node::boost_overflight_arc(s, t0, whole, chord);
  EXPECT_GT(chorded.back().time.seconds_since(t0), c.horizon_s + 100.0);
  EXPECT_EQ(chorded.back().time, all.back().time);
}

// The product maker keeps each boosting track's positions at its arcs' times and takes the chord
// from the oldest within 30 s: a track flown along its path for 20 s whose velocity then
// turns 2 deg off (within its error) draws its arc along the path it flew. A fast track draws
// none before it has a chord.
TEST(Products, TheMakersArcFollowsTheTracksPath) {
  node::BoostArcConfig whole;
  whole.horizon_s = 1e4;
  node::ProductConfig c;
  c.boost_arc = whole;
  node::ProductMaker pm = maker(c);
  const track::BallisticDynamics dynamics{8000.0};
  track::Gaussian<9> s = boosting_irbm(200.0, 40.0);
  node::TrackView v;
  v.id = 7;
  v.confirmed = true;
  v.boosting = true;
  for (int k = 0; k <= 10; ++k) {
    v.time = t0.plus_seconds(2.0 * k);
    v.state = s;
    if (k == 10) v.state = turned(s, 2.0);
    pm.update(v);
    // At 1.5 km/s over the ground, no arc until the track has a chord (4 s).
    if (k < 2) {
      EXPECT_FALSE(pm.situation(v).boost_arc) << k;
    } else if (k == 2) {
      EXPECT_TRUE(pm.situation(v).boost_arc);
    }
    if (k < 10)
      for (int i = 0; i < 2; ++i) s.x = dynamics.propagate(s.x, 1.0, true);
  }
  const warn::TrackSituation sit = pm.situation(v);
  ASSERT_TRUE(sit.boost_arc);
  const auto along = points_of(node::boost_overflight_arc(s, v.time, whole));
  const auto alone = node::boost_overflight_arc(v.state, v.time, whole);
  ASSERT_GE(sit.ground_track.size(), 3u);
  EXPECT_GT(distance_to(alone.back().point, along), 5e3);
  EXPECT_LT(distance_to(sit.ground_track.back().point, along),
            0.2 * distance_to(alone.back().point, along));
}
