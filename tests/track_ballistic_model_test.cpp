// Ballistic and boost motion models (track/ballistic_model.hpp), checked against references
// that do not share their formulation:
//  - energy: without drag, |v_inertial|^2/2 + V_J2(r) is conserved (the ECEF dynamics with
//    Coriolis and centrifugal terms must keep the inertial energy constant);
//  - a circular equatorial orbit returns to its inertial starting point after its period,
//    2 pi sqrt(r^3/mu) / sqrt(1 + 3/2 J2 (a/r)^2) (the J2 factor from the equatorial gravity
//    mu/r^2 (1 + 3/2 J2 (a/r)^2)); the Kepler period alone would miss by tens of km;
//  - the mean propagation against an independent RK4 integration in the inertial frame
//    (tests/inertial_reference.hpp);
//  - the Jacobian and the transition matrix against central finite differences of the
//    derivative and of the propagation (the Jacobian leaves out the J2 part of the gravity
//    gradient, as the header says: exact against the documented model, within 1 % of the
//    gradient against the full one);
//  - drag deceleration against rho v^2 / (2 beta) with rho from the U.S. Standard Atmosphere
//    1976 tables (NOAA-S/T 76-1562, Table I: 0.41351 kg/m^3 at 10 km, 1.8410e-2 at 30 km);
//  - the process noise against the integral of Phi(s) G q G' Phi(s)' ds by Simpson's rule.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "flight/gravity.hpp"
#include "geo/frames.hpp"
#include "geo/wgs84.hpp"
#include "inertial_reference.hpp"
#include "track/ballistic_model.hpp"

using namespace trilink;
using track::BallisticDynamics;
using track::Mat3;
using track::Mat9;
using track::Vec3;
using track::Vec9;

namespace {

constexpr double pi = std::numbers::pi;
const Vec3 kOmega(0.0, 0.0, geo::wgs84::omega_radps());

// A state at `g`, velocity (east, north, up) m/s, thrust acceleration `a` (ECEF).
Vec9 state_at(const geo::Geodetic& g, const Vec3& v_enu, const Vec3& a = Vec3::Zero()) {
  const geo::LocalFrame frame(g);
  Vec9 x;
  x << geo::to_ecef(g).r_m, frame.ecef_vector(v_enu), a;
  return x;
}

// An IRBM in midcourse over the Sea of Japan, and a steep re-entry over the Pacific.
Vec9 midcourse() {
  return state_at(geo::Geodetic::from_deg(39.0, 133.0, 400e3), Vec3(2500.0, 1200.0, 900.0));
}
Vec9 high_latitude() {
  return state_at(geo::Geodetic::from_deg(71.0, -150.0, 800e3), Vec3(-1500.0, 4000.0, 200.0));
}

// Two long flights for the energy test: an ICBM-class arc climbing through 1000 km, and a fast
// polar one; both stay well above the ground for ten minutes.
Vec9 icbm() {
  return state_at(geo::Geodetic::from_deg(39.0, 133.0, 1000e3), Vec3(5000.0, 1000.0, 2500.0));
}
Vec9 polar() {
  return state_at(geo::Geodetic::from_deg(71.0, -150.0, 800e3), Vec3(-1500.0, 6000.0, 1500.0));
}

double inertial_energy(const Vec9& x) {
  return test_reference::energy(test_reference::from_ecef(x.head<3>(), x.segment<3>(3)));
}

}  // namespace

TEST(BallisticDynamics, ConservesInertialEnergyWithoutDrag) {
  const BallisticDynamics dyn;  // beta 0: no drag
  for (const Vec9& x0 : {icbm(), polar()}) {
    const double e0 = inertial_energy(x0);
    Vec9 x = x0;
    for (int i = 0; i < 10; ++i) {
      x = dyn.propagate(x, 60.0, false);
      // RK4 with 2 s steps: the energy drifts by parts in 1e12 over ten minutes.
      EXPECT_NEAR(inertial_energy(x), e0, 1e-9 * std::abs(e0)) << "after " << 60 * (i + 1) << " s";
    }
    EXPECT_GT(track::approx_height_m(x.head<3>()), 100e3);  // still in flight
  }
}

TEST(BallisticDynamics, ThrustDoesWorkAtTheRateAdotV) {
  // dE/dt = a . v_inertial; over a short step, E1 - E0 ~ a . v dt.
  const BallisticDynamics dyn;
  Vec9 x = midcourse();
  const Vec3 v_i = x.segment<3>(3) + kOmega.cross(x.head<3>());
  x.tail<3>() = 20.0 * v_i.normalized();
  const double dt = 0.1;
  const double expected = x.tail<3>().dot(v_i) * dt;
  const double got =
      inertial_energy(dyn.propagate(x, dt, true)) - inertial_energy(dyn.propagate(x, dt, false));
  EXPECT_NEAR(got, expected, 1e-3 * std::abs(expected));
}

TEST(BallisticDynamics, CircularEquatorialOrbitHasItsClosedFormPeriod) {
  const double a = geo::wgs84::a_m(), mu = geo::wgs84::gm_m3ps2(), j2 = geo::wgs84::j2();
  const double r = a + 500e3;
  const double v_circ = std::sqrt(mu / r * (1.0 + 1.5 * j2 * (a / r) * (a / r)));
  const double period = 2.0 * pi * r / v_circ;
  const double kepler = 2.0 * pi * std::sqrt(r * r * r / mu);
  // The J2 factor matters: the Kepler period is 4 s longer, 30 km of track.
  EXPECT_GT((kepler - period) * v_circ, 20e3);

  // Inertial (r, 0, 0), (0, v, 0) at t = 0, where inertial and ECEF coincide.
  Vec9 x = Vec9::Zero();
  x.head<3>() = Vec3(r, 0.0, 0.0);
  x.segment<3>(3) = Vec3(0.0, v_circ, 0.0) - kOmega.cross(x.head<3>());
  const BallisticDynamics dyn;
  Vec9 y = x;
  const int pieces = 16;
  for (int i = 0; i < pieces; ++i) {
    y = dyn.propagate(y, period / pieces, false);
    EXPECT_NEAR(y.head<3>().norm(), r, 0.5) << "piece " << i;  // stays circular
    EXPECT_NEAR(y.z(), 0.0, 1e-6);                             // and equatorial
  }
  // Back at the inertial start, which the Earth has turned under by omega T.
  const double theta = geo::wgs84::omega_radps() * period;
  const Vec3 expected(r * std::cos(theta), -r * std::sin(theta), 0.0);
  EXPECT_LT((y.head<3>() - expected).norm(), 1.0);
  const Vec3 v_expected =
      Vec3(v_circ * std::sin(theta), v_circ * std::cos(theta), 0.0) - kOmega.cross(expected);
  EXPECT_LT((y.segment<3>(3) - v_expected).norm(), 1e-3);
}

TEST(BallisticDynamics, PropagationAgreesWithAnIndependentInertialIntegration) {
  const BallisticDynamics dyn;
  for (const Vec9& x0 : {midcourse(), high_latitude()}) {
    for (double dt : {1.0, 37.0, 600.0, -300.0}) {
      const Vec9 x = dyn.propagate(x0, dt, false);
      const geo::EcefState ref = test_reference::propagate_ecef(x0.head<3>(), x0.segment<3>(3), dt);
      EXPECT_LT((x.head<3>() - ref.r_m).norm(), 1e-3) << "dt " << dt;
      EXPECT_LT((x.segment<3>(3) - ref.v_mps).norm(), 1e-6) << "dt " << dt;
    }
  }
}

// The Jacobian is that of the documented model: point-mass gravity gradient, Coriolis and
// centrifugal terms (thrust enters v' directly); the J2 part of the gradient is left out. So:
// exact against central differences of that model written out here, and within 1 % of the
// gradient against central differences of the full derivative (J2 included).
TEST(BallisticDynamics, JacobianMatchesCentralDifferencesOfTheDerivative) {
  const BallisticDynamics dyn;
  const auto documented = [](const Vec9& x, bool thrust) {
    const Vec3 p = x.head<3>(), v = x.segment<3>(3);
    Vec3 acc =
        flight::gravity_point_mass(p) - 2.0 * kOmega.cross(v) - kOmega.cross(kOmega.cross(p));
    if (thrust) acc += x.tail<3>();
    Vec9 d;
    d << v, acc, Vec3::Zero();
    return d;
  };
  for (const bool thrust : {false, true}) {
    for (Vec9 x : {midcourse(), high_latitude()}) {
      x.tail<3>() = Vec3(5.0, 5.0, 30.0);
      Mat9 A = dyn.jacobian(x, thrust);
      Mat9 N, M;
      for (int j = 0; j < 9; ++j) {
        const double h = j < 3 ? 10.0 : 1.0;
        Vec9 d = Vec9::Zero();
        d[j] = h;
        N.col(j) = (dyn.derivative(x + d, thrust) - dyn.derivative(x - d, thrust)) / (2.0 * h);
        M.col(j) = (documented(x + d, thrust) - documented(x - d, thrust)) / (2.0 * h);
      }
      EXPECT_LT((A - M).cwiseAbs().maxCoeff(), 1e-13) << "thrust " << thrust << "\n" << A - M;
      const double r = x.head<3>().norm();
      const double gradient = geo::wgs84::gm_m3ps2() / (r * r * r);
      const double j2_part = (A - N).block<3, 3>(3, 0).cwiseAbs().maxCoeff();
      EXPECT_LT(j2_part, 0.01 * gradient);
      EXPECT_GT(j2_part, 1e-4 * gradient);  // J2's part is there, and left out
      A.block<3, 3>(3, 0).setZero();
      N.block<3, 3>(3, 0).setZero();
      EXPECT_LT((A - N).cwiseAbs().maxCoeff(), 1e-13);
      // The Coriolis terms are there (2 omega ~ 1.46e-4 /s).
      EXPECT_NEAR(A(3, 4), 2.0 * geo::wgs84::omega_radps(), 1e-15);
    }
  }
}

namespace {

// The largest entry of block (r, c) of a - b relative to the largest of b's block less the
// identity's: the part of the transition that the dynamics make.
double block_error(const Mat9& a, const Mat9& b, int r, int c) {
  const Mat3 id = r == c ? Mat3(Mat3::Identity()) : Mat3(Mat3::Zero());
  const double size = (b.block<3, 3>(r, c) - id).cwiseAbs().maxCoeff();
  return (a.block<3, 3>(r, c) - b.block<3, 3>(r, c)).cwiseAbs().maxCoeff() / size;
}

Mat9 propagation_jacobian(const BallisticDynamics& dyn, const Vec9& x, double dt, bool thrust) {
  Mat9 N;
  for (int j = 0; j < 9; ++j) {
    const double h = j < 3 ? 10.0 : 0.1;
    Vec9 d = Vec9::Zero();
    d[j] = h;
    N.col(j) = (dyn.propagate(x + d, dt, thrust) - dyn.propagate(x - d, dt, thrust)) / (2.0 * h);
  }
  return N;
}

}  // namespace

// Phi over dt against d propagate(x, dt) / dx by central differences. Phi is the Taylor series
// to third order with the Jacobian (no J2 gradient) at mid-interval: each block of Phi - I
// (the part the dynamics make: the gravity gradient ~ mu/r^3 dt in v/p, Coriolis 2 omega dt
// in v/v, ...) agrees to 1 %; dropping any of its terms (gradient, Coriolis) would not.
TEST(BallisticDynamics, TransitionMatrixMatchesFiniteDifferencesOfThePropagation) {
  const BallisticDynamics dyn;
  for (const bool thrust : {false, true}) {
    for (double dt : {1.0, 10.0, -10.0}) {
      Vec9 x = high_latitude();
      if (thrust) x.tail<3>() = Vec3(5.0, 5.0, 30.0);
      const Mat9 Phi = dyn.transition(x, dt, thrust);
      const Mat9 N = propagation_jacobian(dyn, x, dt, thrust);
      for (int r = 0; r < 6; r += 3)
        for (int c = 0; c < (thrust ? 9 : 6); c += 3)
          EXPECT_LT(block_error(Phi, N, r, c), 0.01)
              << "thrust " << thrust << " dt " << dt << " block " << r << c;
      EXPECT_TRUE(Phi.bottomRows<3>().isApprox(N.bottomRows<3>(), 1e-12));
    }
  }
}

// The model's predict() over a long interval (in 10 s covariance steps) returns the product
// of the steps' transitions: it matches finite differences of the propagation over the whole.
TEST(BallisticModel, LongPredictionTransitionMatchesFiniteDifferences) {
  track::BallisticModel model;
  track::Gaussian<9> g;
  g.x = midcourse();
  Mat9 phi;
  const double dt = 120.0;
  const track::Gaussian<9> out = model.predict(g, dt, &phi);
  const Mat9 N = propagation_jacobian(model.dynamics, g.x, dt, false);
  for (int r = 0; r < 6; r += 3)
    for (int c = 0; c < 6; c += 3) EXPECT_LT(block_error(phi, N, r, c), 0.01) << r << c;
  EXPECT_LT((out.x - model.propagate(g.x, dt)).norm(), 1e-9);
}

TEST(BallisticDynamics, DragDecelerationIsRhoVSquaredOverTwoBeta) {
  // On the equator, where the model's approximate height is exact.
  struct Case {
    double h_m, rho_kgpm3;  // U.S. Standard Atmosphere 1976, Table I
  };
  for (const Case c : {Case{10e3, 0.41351}, Case{30e3, 1.8410e-2}}) {
    const Vec9 x =
        state_at(geo::Geodetic::from_deg(0.0, 140.0, c.h_m), Vec3(1200.0, -900.0, -1600.0));
    const double beta = 5000.0;
    BallisticDynamics with_drag;
    with_drag.beta_kgpm2 = beta;
    const BallisticDynamics vacuum;
    const Vec3 drag = (with_drag.derivative(x, false) - vacuum.derivative(x, false)).segment<3>(3);
    const Vec3 v = x.segment<3>(3);  // air co-rotates: the ECEF velocity is the airspeed
    const double expected = c.rho_kgpm3 * v.squaredNorm() / (2.0 * beta);
    EXPECT_NEAR(drag.norm(), expected, 2e-3 * expected) << c.h_m;
    EXPECT_NEAR(drag.normalized().dot(v.normalized()), -1.0, 1e-12);  // against the airspeed
  }
  // No air above 1000 km.
  BallisticDynamics with_drag;
  with_drag.beta_kgpm2 = 10.0;
  const Vec9 x = state_at(geo::Geodetic::from_deg(0.0, 140.0, 1100e3), Vec3(5000.0, 0.0, 0.0));
  EXPECT_EQ(with_drag.derivative(x, false), BallisticDynamics{}.derivative(x, false));
}

// The header says "to within ~20 m"; the first-order ellipsoid radius is off by up to 27 m at
// 45 degrees (the f^2 term), so the bound tested is 30 m.
TEST(BallisticDynamics, ApproximateHeightIsWithinThirtyMetresOfTheGeodeticHeight) {
  for (double lat : {-89.0, -60.0, -30.0, 0.0, 15.0, 37.0, 45.0, 70.0, 90.0})
    for (double h : {0.0, 50e3, 1000e3}) {
      const geo::Geodetic g = geo::Geodetic::from_deg(lat, 127.0, h);
      EXPECT_NEAR(track::approx_height_m(geo::to_ecef(g).r_m), h, 30.0) << lat << " " << h;
    }
}

// Discretised white noise (Bar-Shalom et al. 2001 §6.2): Q = int_0^dt Phi(s) G q G' Phi(s)' ds
// for a double integrator driven on velocity (ballistic) and a triple integrator driven on
// acceleration (boost), evaluated here by Simpson's rule per axis.
TEST(MotionModels, ProcessNoiseIsTheIntegratedWhiteNoise) {
  const auto simpson = [](auto f, double T) {
    const int n = 1000;
    const double h = T / n;
    Eigen::Matrix3d s = f(0.0) + f(T);
    for (int i = 1; i < n; ++i) s += (i % 2 ? 4.0 : 2.0) * f(i * h);
    return Eigen::Matrix3d(s * h / 3.0);
  };
  for (double dt : {0.5, 2.0, 7.0}) {
    track::BallisticModel ball;
    ball.q_vel_m2ps3 = 3.0;
    track::BoostModel boost;
    boost.q_vel_m2ps3 = 3.0;
    boost.q_jerk_m2ps5 = 25.0;
    // Per axis [p, v, a]: Phi(s) = [1 s s^2/2; 0 1 s; 0 0 1].
    const auto phi = [](double s) {
      Eigen::Matrix3d m;
      m << 1, s, s * s / 2, 0, 1, s, 0, 0, 1;
      return m;
    };
    const Eigen::Vector3d g_vel(0, 1, 0), g_jerk(0, 0, 1);
    const Eigen::Matrix3d q_vel = simpson(
        [&](double s) {
          const Eigen::Vector3d c = phi(s) * g_vel;
          return Eigen::Matrix3d(3.0 * c * c.transpose());
        },
        dt);
    const Eigen::Matrix3d q_jerk = simpson(
        [&](double s) {
          const Eigen::Vector3d c = phi(s) * g_jerk;
          return Eigen::Matrix3d(25.0 * c * c.transpose());
        },
        dt);
    const Mat9 Qb = ball.process_noise(dt), Qs = boost.process_noise(dt);
    for (int axis = 0; axis < 3; ++axis) {
      const int idx[3] = {axis, 3 + axis, 6 + axis};
      for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j) {
          const double ref_b = (i < 2 && j < 2) ? q_vel(i, j) : 0.0;
          const double ref_s = (i < 2 && j < 2 ? q_vel(i, j) : 0.0) + q_jerk(i, j);
          if (i == 2 && j == 2)
            EXPECT_DOUBLE_EQ(Qb(idx[i], idx[j]), track::BallisticModel::held_accel_var_m2ps4);
          else
            EXPECT_NEAR(Qb(idx[i], idx[j]), ref_b, 1e-9 * (1.0 + std::abs(ref_b)));
          EXPECT_NEAR(Qs(idx[i], idx[j]), ref_s, 1e-9 * (1.0 + std::abs(ref_s)))
              << "dt " << dt << " " << i << j;
        }
    }
    // No noise couples different axes.
    EXPECT_EQ(Qs(0, 1), 0.0);
    EXPECT_EQ(Qs(3, 7), 0.0);
  }
}

// predict() = Phi P Phi' + Q; from P = 0 (but the held acceleration) over one covariance step
// the ballistic model adds just its Q on (p, v).
TEST(BallisticModel, PredictAddsTheProcessNoiseAndHoldsNoThrust) {
  track::BallisticModel model;
  model.q_vel_m2ps3 = 2.0;
  track::Gaussian<9> g;
  g.x = midcourse();
  g.x.tail<3>() = Vec3(50.0, 0.0, 0.0);  // a thrust estimate: the ballistic mode ignores it
  g.P = Mat9::Zero();
  const track::Gaussian<9> out = model.predict(g, 4.0);
  EXPECT_EQ(out.x.tail<3>(), Vec3::Zero());
  EXPECT_LT((out.x - model.dynamics.propagate((Vec9() << g.x.head<6>(), Vec3::Zero()).finished(),
                                              4.0, false))
                .norm(),
            1e-9);
  const Mat9 Q = model.process_noise(4.0);
  EXPECT_LT((out.P.topLeftCorner<6, 6>() - Q.topLeftCorner<6, 6>()).cwiseAbs().maxCoeff(), 1e-9);
  // Symmetric, and the held acceleration variance stays on its block.
  EXPECT_EQ(out.P, out.P.transpose());
  EXPECT_NEAR(out.P(6, 6), track::BallisticModel::held_accel_var_m2ps4, 1e-15);
}

TEST(BoostModel, ConstantThrustAddsHalfATSquaredToThePosition) {
  // Over a few seconds the thrust's effect on position is a dt^2 / 2 (Coriolis and the
  // gravity gradient change it by parts in 1e4).
  track::BoostModel model;
  Vec9 x = midcourse();
  const Vec3 a(20.0, -10.0, 40.0);
  x.tail<3>() = a;
  const double dt = 5.0;
  const Vec9 with = model.propagate(x, dt);
  x.tail<3>().setZero();
  const Vec9 without = model.propagate(x, dt);
  EXPECT_LT(((with - without).head<3>() - 0.5 * a * dt * dt).norm(),
            1e-3 * 0.5 * a.norm() * dt * dt);
  EXPECT_LT(((with - without).segment<3>(3) - a * dt).norm(), 1e-3 * a.norm() * dt);
  EXPECT_EQ(with.tail<3>(), a);  // held constant over the step
}

// The block-wise series is the 9 x 9 series of the same Jacobian, with and without thrust.
TEST(BallisticDynamics, BlockTransitionIsTheTaylorSeries) {
  const BallisticDynamics dyn;
  const Vec9 x = high_latitude();
  for (const bool thrust : {false, true}) {
    const Mat9 A = dyn.jacobian(x, thrust);
    const Mat3 G = A.block<3, 3>(3, 0), D = A.block<3, 3>(3, 3);
    for (const double dt : {0.5, 10.0, -10.0}) {
      const Mat9 blocks = BallisticDynamics::structured_transition(G, D, thrust, dt);
      const Mat9 series = BallisticDynamics::taylor_transition(A, dt);
      EXPECT_LT((blocks - series).cwiseAbs().maxCoeff(), 1e-13 * std::max(1.0, std::abs(dt)))
          << "thrust " << thrust << " dt " << dt;
    }
  }
}

// predict()'s covariance is Phi P Phi' + Q with its own Phi, though it multiplies only Phi's
// kinematic rows.
TEST(BallisticModel, PredictedCovarianceIsPhiPPhiTransposedPlusQ) {
  track::BoostModel model;
  track::Gaussian<9> g;
  g.x = high_latitude();
  g.x.tail<3>() = Vec3(5.0, 5.0, 30.0);
  std::srand(7);
  const Mat9 B = Mat9::Random();
  g.P = 1e3 * (B * B.transpose()) + Mat9::Identity();
  Mat9 phi;
  const double dt = 4.0;
  const track::Gaussian<9> out = model.predict(g, dt, &phi);
  const Mat9 expected = phi * g.P * phi.transpose() + model.process_noise(dt);
  EXPECT_TRUE(out.P.isApprox(expected, 1e-12));
}
