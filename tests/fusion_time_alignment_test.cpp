// Time alignment of national tracks at the hub (fusion/time_alignment.hpp), checked against
// an independent propagation: RK4 in the inertial frame with small fixed steps
// (tests/inertial_reference.hpp) for the mean, and for the covariance
//   P(t) = Phi P Phi' + Q(|dt|),  Phi = d x(t) / d x(t0)
// with Phi by central finite differences of that inertial propagation and Q the closed form of
// discretised white velocity noise (Bar-Shalom et al. 2001 §6.2: q [dt^3/3 dt^2/2; dt^2/2 dt]
// per axis). Bad input is a status with a reason that names the track.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "fusion/time_alignment.hpp"
#include "geo/frames.hpp"
#include "inertial_reference.hpp"

using namespace trilink;
using fusion::Covariance;
using fusion::Estimate;
using fusion::State;
using trilink::Nation;

namespace {

const geo::UtcTime t0{1'700'000'000'000'000'000};

// A Korean track of a missile in midcourse over the Sea of Japan (40N 133E, 350 km up).
share::LocalTrack korean_track() {
  share::LocalTrack t;
  t.header.originator = {Nation::KOR, "KAMD", std::nullopt};
  t.header.sequence = 1;
  t.header.time_of_validity = t0;
  t.header.releasability = share::Releasability::all();
  t.track_id = 7;
  const geo::Geodetic g = geo::Geodetic::from_deg(40.0, 133.0, 350e3);
  const geo::LocalFrame frame(g);
  t.position_ecef_m = geo::to_ecef(g).r_m;
  t.velocity_ecef_mps = frame.ecef_vector(share::Vector3(2600.0, 900.0, -400.0));
  // Correlated position-velocity covariance (a track some seconds old).
  Eigen::Matrix<double, 6, 6> L = Eigen::Matrix<double, 6, 6>::Zero();
  L.diagonal() << 120.0, 80.0, 150.0, 6.0, 4.0, 8.0;
  L(3, 0) = 2.0;
  L(4, 1) = -1.5;
  L(5, 2) = 3.0;
  L(1, 0) = 40.0;
  t.covariance = L * L.transpose();
  t.status = share::TrackStatus::confirmed;
  t.phase = share::FlightPhase::midcourse;
  return t;
}

State reference_state(const State& x, double dt) {
  const geo::EcefState s = test_reference::propagate_ecef(x.head<3>(), x.tail<3>(), dt);
  State out;
  out << s.r_m, s.v_mps;
  return out;
}

Eigen::Matrix<double, 6, 6> reference_transition(const State& x, double dt) {
  Eigen::Matrix<double, 6, 6> Phi;
  for (int j = 0; j < 6; ++j) {
    const double h = j < 3 ? 10.0 : 0.1;
    State d = State::Zero();
    d[j] = h;
    Phi.col(j) = (reference_state(x + d, dt) - reference_state(x - d, dt)) / (2.0 * h);
  }
  return Phi;
}

Covariance white_velocity_noise(double q, double dt) {
  const double a = std::abs(dt);
  Covariance Q = Covariance::Zero();
  for (int i = 0; i < 3; ++i) {
    Q(i, i) = q * a * a * a / 3.0;
    Q(i, i + 3) = Q(i + 3, i) = q * a * a / 2.0;
    Q(i + 3, i + 3) = q * a;
  }
  return Q;
}

}  // namespace

TEST(TimeAlignment, MeanAgreesWithAnIndependentInertialPropagation) {
  const share::LocalTrack t = korean_track();
  State x0;
  x0 << t.position_ecef_m, t.velocity_ecef_mps;
  for (double dt : {0.25, 3.0, 30.0, -30.0, 240.0}) {
    const auto a = fusion::align(t, t0.plus_seconds(dt));
    ASSERT_TRUE(a.has_value()) << a.error().reason;
    const State ref = reference_state(x0, dt);
    EXPECT_LT((a->x.head<3>() - ref.head<3>()).norm(), 1e-3) << "dt " << dt;
    EXPECT_LT((a->x.tail<3>() - ref.tail<3>()).norm(), 1e-6) << "dt " << dt;
  }
}

TEST(TimeAlignment, CovarianceIsPhiPPhiTransposePlusQ) {
  const share::LocalTrack t = korean_track();
  State x0;
  x0 << t.position_ecef_m, t.velocity_ecef_mps;
  for (const double q : {1.0, 1e-10}) {
    track::BallisticModel model;
    model.q_vel_m2ps3 = q;
    for (double dt : {2.0, 10.0, -10.0}) {
      const auto a = fusion::align(t, t0.plus_seconds(dt), model);
      ASSERT_TRUE(a.has_value()) << a.error().reason;
      const auto Phi = reference_transition(x0, dt);
      const Covariance ref = Phi * t.covariance * Phi.transpose() + white_velocity_noise(q, dt);
      // Element by element, relative to the geometric mean of the two diagonal entries. The
      // model's transition leaves out the J2 part of the gravity gradient (ballistic_model.hpp),
      // which moves P by parts in 1e6 over 10 s; leaving out the Coriolis terms or the gradient
      // would move it by parts in 1e3.
      for (int i = 0; i < 6; ++i)
        for (int j = 0; j < 6; ++j)
          EXPECT_NEAR(a->P(i, j), ref(i, j), 1e-5 * std::sqrt(ref(i, i) * ref(j, j)))
              << "q " << q << " dt " << dt << " (" << i << "," << j << ")";
      EXPECT_EQ(a->P, a->P.transpose());
    }
  }
}

// Retrodiction then prediction back: the mean returns to where it started; the covariance
// grows by Q twice (once each way), never shrinks.
TEST(TimeAlignment, RoundTripReturnsTheMeanAndGrowsTheCovariance) {
  const share::LocalTrack t = korean_track();
  const auto e = fusion::to_estimate(t);
  ASSERT_TRUE(e.has_value());
  const geo::UtcTime back = t0.plus_seconds(-45.0);
  const auto b = fusion::predict(*e, t0, back);
  ASSERT_TRUE(b.has_value());
  const auto f = fusion::predict(*b, back, t0);
  ASSERT_TRUE(f.has_value());
  EXPECT_LT((f->x.head<3>() - e->x.head<3>()).norm(), 1e-6);
  EXPECT_LT((f->x.tail<3>() - e->x.tail<3>()).norm(), 1e-9);
  const Eigen::SelfAdjointEigenSolver<Covariance> grown(f->P - e->P);
  EXPECT_GT(grown.eigenvalues().minCoeff(), -1e-6 * e->P.norm());
  EXPECT_GT((f->P - e->P).trace(), 0.0);
}

TEST(TimeAlignment, ZeroIntervalReturnsTheTrackUnchanged) {
  const share::LocalTrack t = korean_track();
  const auto a = fusion::align(t, t0);
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->x.head<3>(), t.position_ecef_m);
  EXPECT_EQ(a->x.tail<3>(), t.velocity_ecef_mps);
  EXPECT_EQ(a->P, t.covariance);
}

// A carried acceleration (a boosting track) is ignored: the alignment is ballistic.
TEST(TimeAlignment, IgnoresACarriedAcceleration) {
  share::LocalTrack t = korean_track();
  const auto plain = fusion::align(t, t0.plus_seconds(5.0));
  t.acceleration_ecef_mps2 = share::Vector3(30.0, 0.0, 30.0);
  const auto boosting = fusion::align(t, t0.plus_seconds(5.0));
  ASSERT_TRUE(plain.has_value() && boosting.has_value());
  EXPECT_EQ(plain->x, boosting->x);
  EXPECT_EQ(plain->P, boosting->P);
}

// A track coasting for half an hour: the covariance is propagated in 10 s steps, and the mean
// still follows the independent propagation.
TEST(TimeAlignment, LongCoastStaysOnTheReferenceTrajectory) {
  share::LocalTrack t = korean_track();
  // Fast enough to stay up for 30 minutes (an ICBM-class lofted arc).
  const geo::LocalFrame frame(geo::Geodetic::from_deg(40.0, 133.0, 350e3));
  t.velocity_ecef_mps = frame.ecef_vector(share::Vector3(3000.0, 2000.0, 4500.0));
  State x0;
  x0 << t.position_ecef_m, t.velocity_ecef_mps;
  const double dt = 1800.0;
  const auto a = fusion::align(t, t0.plus_seconds(dt));
  ASSERT_TRUE(a.has_value()) << a.error().reason;
  const State ref = reference_state(x0, dt);
  EXPECT_GT(test_reference::height_m(ref.head<3>()), 100e3);
  EXPECT_LT((a->x.head<3>() - ref.head<3>()).norm(), 0.1);
  EXPECT_LT((a->x.tail<3>() - ref.tail<3>()).norm(), 1e-4);
  EXPECT_TRUE(a->P.allFinite());
  EXPECT_EQ(Eigen::LLT<Covariance>(a->P).info(), Eigen::Success);
}

TEST(TimeAlignment, BadTracksAreAStatusWithAReasonNamingTheTrack) {
  {
    share::LocalTrack t = korean_track();
    t.position_ecef_m.x() = std::numeric_limits<double>::quiet_NaN();
    const auto a = fusion::align(t, t0.plus_seconds(1.0));
    ASSERT_FALSE(a.has_value());
    EXPECT_EQ(a.error().status, fusion::FusionStatus::non_finite);
    EXPECT_NE(a.error().reason.find("KOR track 7"), std::string::npos) << a.error().reason;
    EXPECT_NE(a.error().reason.find("state"), std::string::npos) << a.error().reason;
  }
  {
    share::LocalTrack t = korean_track();
    t.covariance(2, 5) = std::numeric_limits<double>::infinity();
    const auto a = fusion::to_estimate(t);
    ASSERT_FALSE(a.has_value());
    EXPECT_EQ(a.error().status, fusion::FusionStatus::non_finite);
    EXPECT_NE(a.error().reason.find("covariance"), std::string::npos) << a.error().reason;
  }
  {
    share::LocalTrack t = korean_track();
    t.covariance(0, 3) += 1.0;  // not symmetric
    const auto a = fusion::align(t, t0);
    ASSERT_FALSE(a.has_value());
    EXPECT_EQ(a.error().status, fusion::FusionStatus::not_positive_definite);
    EXPECT_NE(a.error().reason.find("not symmetric"), std::string::npos) << a.error().reason;
  }
  {
    share::LocalTrack t = korean_track();
    t.covariance(4, 4) = -1.0;  // symmetric but indefinite
    const auto a = fusion::align(t, t0.plus_seconds(1.0));
    ASSERT_FALSE(a.has_value());
    EXPECT_EQ(a.error().status, fusion::FusionStatus::not_positive_definite);
    EXPECT_NE(a.error().reason.find("not positive definite"), std::string::npos)
        << a.error().reason;
    EXPECT_NE(a.error().reason.find("KOR track 7"), std::string::npos) << a.error().reason;
  }
  // Within the symmetry tolerance (1e-9 of the largest entry) a covariance is accepted.
  {
    share::LocalTrack t = korean_track();
    t.covariance(0, 3) += 1e-12 * t.covariance.cwiseAbs().maxCoeff();
    EXPECT_TRUE(fusion::to_estimate(t).has_value());
  }
}
