// The unscented Kalman filter (ukf.hpp): the transform's weights and moments; exact agreement
// with the EKF on a linear model (the transform is exact there); close agreement with the
// EKF on a radar measurement of a distant target, and the azimuth wrap at north; a
// Monte Carlo ballistic coast (consistency and accuracy against the EKF); and the tracker
// running on the UKF.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numbers>
#include <utility>
#include <vector>

#include "base/chi2.hpp"
#include "base/rng.hpp"
#include "geo/angles.hpp"
#include "geo/frames.hpp"
#include "scenario/ncv_workload.hpp"
#include "track/ballistic_model.hpp"
#include "track/filters.hpp"
#include "track/motion_models.hpp"
#include "track/tracker.hpp"
#include "track/ukf.hpp"

using namespace trilink;
using track::BallisticModel;
using track::CartesianPosition;
using track::Ekf;
using track::Gaussian;
using track::Mat;
using track::Mat3;
using track::Measurement;
using track::NearlyConstantVelocity;
using track::RangeAzEl;
using track::Ukf;
using track::Vec;
using track::Vec3;

namespace {

// A random symmetric positive-definite matrix: A A' + d I.
template <int N>
Mat<N> random_spd(Rng& rng, double scale, double floor) {
  Mat<N> A;
  for (int i = 0; i < N; ++i)
    for (int j = 0; j < N; ++j) A(i, j) = rng.normal(0.0, scale);
  Mat<N> P = A * A.transpose();
  P.diagonal().array() += floor;
  return P;
}

template <int N>
Vec<N> random_vec(Rng& rng, double sigma) {
  Vec<N> v;
  for (int i = 0; i < N; ++i) v[i] = rng.normal(0.0, sigma);
  return v;
}

// A draw from N(0, P).
template <int N>
Vec<N> draw(Rng& rng, const Mat<N>& P) {
  const Eigen::LLT<Mat<N>> llt(P);
  return llt.matrixL() * random_vec<N>(rng, 1.0);
}

template <typename A, typename B>
double rel_diff(const Eigen::MatrixBase<A>& a, const Eigen::MatrixBase<B>& b) {
  return (a - b).norm() / std::max(b.norm(), 1e-300);
}

// x_a - x_b in units of P_b: sqrt(d' P_b^-1 d).
template <int N>
double mahalanobis(const Vec<N>& a, const Gaussian<N>& b) {
  const Vec<N> d = a - b.x;
  return std::sqrt(d.dot(Eigen::LLT<Mat<N>>(b.P).solve(d)));
}

// Normalised estimation error squared e' P^-1 e (Cholesky); NaN when P is not positive
// definite.
double nees(const Eigen::VectorXd& e, const Eigen::MatrixXd& P) {
  const Eigen::LLT<Eigen::MatrixXd> llt(P);
  if (llt.info() != Eigen::Success) return std::numeric_limits<double>::quiet_NaN();
  return llt.matrixL().solve(e).squaredNorm();
}

// The two-sided band of the NEES of an n-state averaged over `runs` independent runs:
// chi2 quantiles of n runs degrees of freedom over runs (Bar-Shalom, Li & Kirubarajan 2001,
// sec. 5.4.2).
struct NeesBand {
  double lo, hi;
  bool contains(double v) const { return v >= lo && v <= hi; }
};
NeesBand nees_band(int n, int runs, double confidence) {
  return {chi2_quantile(0.5 * (1.0 - confidence), n * runs) / runs,
          chi2_quantile(0.5 * (1.0 + confidence), n * runs) / runs};
}

// Root mean square of position errors.
struct Rmse {
  double sum_m2 = 0.0;
  std::size_t n = 0;
  void add(const Vec3& e) { sum_m2 += e.squaredNorm(), ++n; }
  double rmse() const { return std::sqrt(sum_m2 / static_cast<double>(n)); }
};

Mat3 diag_cov(const Vec3& sigma) {
  return sigma.cwiseProduct(sigma).asDiagonal();
}

}  // namespace

// Weights of the default set (alpha = 1, beta = 2, kappa = 0) and the first two moments of
// the points reproduce the Gaussian, for n = 6 and n = 9.
TEST(UnscentedTransform, WeightsAndMomentsRoundTrip) {
  const auto w6 = track::unscented_weights(6, 1.0, 2.0, 0.0);
  EXPECT_DOUBLE_EQ(w6.wm0, 0.0);
  EXPECT_DOUBLE_EQ(w6.wc0, 2.0);
  EXPECT_DOUBLE_EQ(w6.wi, 1.0 / 12.0);
  EXPECT_DOUBLE_EQ(w6.spread, std::sqrt(6.0));
  const auto w9 = track::unscented_weights(9, 1.0, 2.0, 0.0);
  EXPECT_DOUBLE_EQ(w9.wi, 1.0 / 18.0);
  EXPECT_DOUBLE_EQ(w9.spread, 3.0);
  // kappa = 3 - n (Julier's heuristic) for n = 6: Wm_0 = -1, still summing to one.
  const auto wk = track::unscented_weights(6, 1.0, 2.0, -3.0);
  EXPECT_DOUBLE_EQ(wk.wm0 + 12.0 * wk.wi, 1.0);
  EXPECT_DOUBLE_EQ(wk.wm0, -1.0);

  Rng rng(1);
  Gaussian<9> g;
  g.x = random_vec<9>(rng, 1e6);
  g.P = random_spd<9>(rng, 100.0, 1.0);
  for (const auto& w : {w9, track::unscented_weights(9, 0.5, 2.0, 1.0)}) {
    track::SigmaPoints<9> X;
    ASSERT_TRUE(track::sigma_points<9>(g, w, X));
    // The covariance weights sum to 1 + (1 - alpha^2 + beta); X_0 = x adds nothing.
    const Gaussian<9> back = track::unscented_moments<9>(X, w);
    EXPECT_LT(rel_diff(back.x, g.x), 1e-15);
    EXPECT_LT(rel_diff(back.P, g.P), 1e-12);
  }
  Gaussian<9> bad = g;
  bad.P(0, 0) = -1.0;
  track::SigmaPoints<9> X;
  EXPECT_FALSE(track::sigma_points<9>(bad, w9, X));
  bad.P = g.P;
  bad.P(2, 3) = std::numeric_limits<double>::quiet_NaN();
  EXPECT_FALSE(track::sigma_points<9>(bad, w9, X));
}

// The transform is exact for a linear model: NCV prediction plus a Cartesian position update
// equal the EKF's (Joseph form there, P - K S K' here) to round-off.
TEST(Ukf, EqualsTheEkfOnTheLinearModel) {
  Rng rng(2);
  const NearlyConstantVelocity ncv{2.5};
  const Ekf<NearlyConstantVelocity> ekf{ncv};
  const CartesianPosition sensor(30.0);
  for (const double kappa : {0.0, -3.0}) {
    const Ukf<NearlyConstantVelocity> ukf{ncv, 1.0, 2.0, kappa};
    for (int trial = 0; trial < 20; ++trial) {
      Gaussian<6> g;
      g.x << random_vec<3>(rng, 50e3), random_vec<3>(rng, 300.0);
      g.P = random_spd<6>(rng, 40.0, 1.0);
      const double dt = rng.uniform(0.1, 10.0);
      const Gaussian<6> pe = ekf.predict(g, dt), pu = ukf.predict(g, dt);
      EXPECT_LT(rel_diff(pu.x, pe.x), 1e-12);
      EXPECT_LT(rel_diff(pu.P, pe.P), 1e-10);

      const Measurement m{pe.x.head<3>() + random_vec<3>(rng, 100.0),
                          random_spd<3>(rng, 20.0, 100.0)};
      const auto ie = ekf.gate(pe, sensor, m);
      const auto iu = ukf.gate(pu, sensor, m);
      ASSERT_TRUE(ie.ok());
      ASSERT_TRUE(iu.ok());
      EXPECT_LT(rel_diff(iu.nu, ie.nu), 1e-9);
      EXPECT_LT(rel_diff(iu.S, ie.S), 1e-10);
      EXPECT_NEAR(iu.nis, ie.nis, 1e-9 * ie.nis);
      Gaussian<6> ue = pe, uu = pu;
      ASSERT_TRUE(ekf.update(ue, ie, sensor, m).fused());
      ASSERT_TRUE(ukf.update(uu, iu, sensor, m).fused());
      EXPECT_LT(rel_diff(uu.x, ue.x), 1e-12);
      EXPECT_LT(rel_diff(uu.P, ue.P), 1e-9);
      EXPECT_EQ(uu.P, uu.P.transpose());
    }
  }
}

// The motion models' propagate/process_noise halves rebuild predict(): on a ballistic state
// with a small covariance (where linearisation is near exact) the UKF prediction agrees with
// the EKF's.
TEST(Ukf, BallisticPredictionAgreesWithTheLinearisedOneForSmallCovariance) {
  const geo::Geodetic where = geo::Geodetic::from_deg(40.0, 130.0, 300e3);
  const geo::LocalFrame frame(where);
  Gaussian<9> g;
  g.x.setZero();
  g.x.head<3>() = geo::to_ecef(where).r_m;
  g.x.segment<3>(3) = frame.ecef_vector(Vec3(3000.0, -500.0, 800.0));
  g.P.setZero();
  Rng rng(3);
  g.P.topLeftCorner<6, 6>() = random_spd<6>(rng, 5.0, 1.0);
  g.P.topLeftCorner<3, 3>().diagonal().array() += 1e4;
  const BallisticModel model{track::BallisticDynamics{}, 1.0};
  const Ekf<BallisticModel> ekf{model};
  const Ukf<BallisticModel> ukf{model};
  const Gaussian<9> s = ekf.initial(g);
  for (const double dt : {2.0, 10.0}) {
    const Gaussian<9> pe = ekf.predict(s, dt), pu = ukf.predict(s, dt);
    EXPECT_LT((pu.x - pe.x).head<6>().norm(), 1e-4) << dt;
    EXPECT_LT(rel_diff(pu.P, pe.P), 1e-5) << dt;
    EXPECT_EQ(pu.x.tail<3>(), Vec3::Zero());
    const Mat3 held = Mat3::Identity() * BallisticModel::held_accel_var_m2ps4;
    const Mat3 Paa = pu.P.bottomRightCorner<3, 3>();
    EXPECT_EQ(Paa, held);
  }
  const track::BoostModel boost{track::BallisticDynamics{}, 1.0, 25.0, 30.0};
  const Ekf<track::BoostModel> ekf_b{boost};
  const Ukf<track::BoostModel> ukf_b{boost};
  Gaussian<9> sb = ekf_b.initial(g);
  sb.x.tail<3>() = frame.ecef_vector(Vec3(0.0, 0.0, 20.0));
  const Gaussian<9> pe = ekf_b.predict(sb, 2.0), pu = ukf_b.predict(sb, 2.0);
  EXPECT_LT((pu.x - pe.x).norm(), 1e-4);
  EXPECT_LT(rel_diff(pu.P, pe.P), 1e-5);
}

namespace {

const geo::Geodetic kSite = geo::Geodetic::from_deg(38.0, 135.0, 0.0);
const Vec3 kRadarSigma(10.0, 0.5e-3, 0.5e-3);  // m, rad, rad

// A 6-state prior at (range, azimuth, elevation) from the site, with isotropic position
// sigma and a velocity.
Gaussian<6> prior_at(const RangeAzEl& radar, double range_m, double az_rad, double el_rad,
                     double pos_sigma_m) {
  Gaussian<6> g;
  g.x.head<3>() = radar.position(Vec3(range_m, az_rad, el_rad));
  g.x.tail<3>() = radar.frame().ecef_vector(Vec3(2000.0, 500.0, -100.0));
  g.P.setZero();
  g.P.topLeftCorner<3, 3>() = Mat3::Identity() * pos_sigma_m * pos_sigma_m;
  g.P.bottomRightCorner<3, 3>() = Mat3::Identity() * 50.0 * 50.0;
  g.P.topRightCorner<3, 3>() = Mat3::Identity() * 1000.0;
  g.P.bottomLeftCorner<3, 3>() = Mat3::Identity() * 1000.0;
  return g;
}

}  // namespace

// A distant target: over the prior's spread the radar's measurement function is nearly
// linear, so the UKF and EKF updates agree closely (in units of the posterior sigma).
TEST(Ukf, AgreesWithTheEkfOnADistantRadarTarget) {
  const RangeAzEl radar(kSite, kRadarSigma);
  const Ekf<NearlyConstantVelocity> ekf{NearlyConstantVelocity{1.0}};
  const Ukf<NearlyConstantVelocity> ukf{NearlyConstantVelocity{1.0}};
  Rng rng(4);
  double worst_x = 0.0, worst_p = 0.0;
  for (int trial = 0; trial < 20; ++trial) {
    const double range = rng.uniform(300e3, 1500e3);
    const Gaussian<6> g = prior_at(radar, range, rng.uniform(0.0, 2.0 * std::numbers::pi),
                                   rng.uniform(0.05, 0.6), 300.0);
    const Vec3 truth = g.x.head<3>() + draw<3>(rng, g.P.topLeftCorner<3, 3>());
    Vec3 z = radar.predict(truth).z + draw<3>(rng, diag_cov(kRadarSigma));
    z.y() = geo::wrap_two_pi(z.y());
    const Measurement m{z, diag_cov(kRadarSigma)};
    const auto ie = ekf.gate(g, radar, m);
    const auto iu = ukf.gate(g, radar, m);
    ASSERT_TRUE(ie.ok());
    ASSERT_TRUE(iu.ok());
    EXPECT_LT(rel_diff(iu.S, ie.S), 1e-2);
    EXPECT_NEAR(iu.nis, ie.nis, 0.05 + 0.02 * ie.nis);
    Gaussian<6> ue = g, uu = g;
    ASSERT_TRUE(ekf.update(ue, ie, radar, m).fused());
    ASSERT_TRUE(ukf.update(uu, iu, radar, m).fused());
    worst_x = std::max(worst_x, mahalanobis<6>(uu.x, ue));
    worst_p = std::max(worst_p, rel_diff(uu.P, ue.P));
  }
  std::printf(
      "UKF vs EKF radar update: worst mean difference %.3g posterior sigma, "
      "covariance %.3g relative\n",
      worst_x, worst_p);
  EXPECT_LT(worst_x, 0.05);
  EXPECT_LT(worst_p, 0.02);
}

// Near north the measured azimuth (359.9 deg) and the predicted one (0.1 deg) are 0.2 deg
// apart, not 2 pi; and with a prior whose sigma points straddle north, the unscented mean of
// the azimuth stays near zero instead of averaging 0 and 2 pi to pi.
TEST(Ukf, WrapsAzimuthAtNorth) {
  const RangeAzEl radar(kSite, kRadarSigma);
  const Ekf<NearlyConstantVelocity> ekf{NearlyConstantVelocity{1.0}};
  const Ukf<NearlyConstantVelocity> ukf{NearlyConstantVelocity{1.0}};
  const double range = 800e3, el = 0.2;
  for (const double az_deg : {0.1, 0.01}) {
    const Gaussian<6> g = prior_at(radar, range, geo::deg_to_rad(az_deg), el, 300.0);
    const Measurement m{Vec3(range + 5.0, geo::deg_to_rad(359.9), el), diag_cov(kRadarSigma)};
    const auto ie = ekf.gate(g, radar, m);
    const auto iu = ukf.gate(g, radar, m);
    ASSERT_TRUE(iu.ok());
    const double expected = geo::deg_to_rad(-0.1 - az_deg);
    EXPECT_NEAR(iu.nu.y(), expected, 2e-5) << az_deg;
    EXPECT_NEAR(iu.nu.y(), ie.nu.y(), 2e-5) << az_deg;
    EXPECT_NEAR(iu.nu.x(), ie.nu.x(), 0.5) << az_deg;
    EXPECT_LT(rel_diff(iu.S, ie.S), 1e-2) << az_deg;
    // sigma_az^2 of S: about (0.5 mrad)^2 + (300 m / 800 km)^2, not of order pi^2.
    EXPECT_LT(iu.S(1, 1), 1e-6) << az_deg;
    Gaussian<6> ue = g, uu = g;
    ASSERT_TRUE(ekf.update(ue, ie, radar, m).fused());
    ASSERT_TRUE(ukf.update(uu, iu, radar, m).fused());
    EXPECT_LT(mahalanobis<6>(uu.x, ue), 0.05) << az_deg;
    // The posterior moved west, towards the measurement, by a fraction of the 0.2 deg.
    const double az_post = geo::wrap_pi(radar.predict(uu.x.head<3>()).z.y());
    EXPECT_LT(az_post, geo::deg_to_rad(az_deg)) << az_deg;
    EXPECT_GT(az_post, geo::deg_to_rad(-0.1)) << az_deg;
  }
}

// Numerical failure leaves the state untouched and says why: a NaN in R makes the
// predicted measurement's S not finite, a negative R makes S indefinite, a prior with a
// negative variance has no square root (no sigma points).
TEST(Ukf, FailedUpdateLeavesTheStateUntouchedAndSaysWhy) {
  using track::UpdateStatus;
  const RangeAzEl radar(kSite, kRadarSigma);
  const Ukf<NearlyConstantVelocity> ukf{NearlyConstantVelocity{1.0}};
  const Gaussian<6> g = prior_at(radar, 500e3, 1.0, 0.3, 300.0);
  const Vec3 z = radar.predict(g.x.head<3>()).z;
  const std::pair<Mat3, UpdateStatus> cases[] = {
      {Mat3::Identity() * std::numeric_limits<double>::quiet_NaN(), UpdateStatus::non_finite},
      {Mat3::Identity() * -1e9, UpdateStatus::innovation_not_positive_definite}};
  for (const auto& [R, status] : cases) {
    const Measurement m{z, R};
    const auto in = ukf.gate(g, radar, m);
    EXPECT_FALSE(in.ok());
    EXPECT_EQ(in.status, status);
    Gaussian<6> s = g;
    const track::UpdateResult r = ukf.update(s, in, radar, m);
    EXPECT_FALSE(r.fused());
    EXPECT_EQ(r.status, status) << r.reason;
    EXPECT_FALSE(r.reason.empty());
    EXPECT_EQ(s.x, g.x);
    EXPECT_EQ(s.P, g.P);
  }
  Gaussian<6> bad = g;
  bad.P(0, 0) = -1.0;
  const Measurement m{z, diag_cov(kRadarSigma)};
  EXPECT_EQ(ukf.gate(bad, radar, m).status, UpdateStatus::prior_not_positive_definite);
  Gaussian<6> s = bad;
  EXPECT_EQ(ukf.update(s, {}, radar, m).status, UpdateStatus::prior_not_positive_definite);
  EXPECT_EQ(s.P, bad.P);
  bad.x(0) = std::numeric_limits<double>::infinity();
  EXPECT_EQ(ukf.gate(bad, radar, m).status, UpdateStatus::non_finite);
}

// A ballistic coast of 300 s seen by one radar (38N 135E; 10 m, 0.5 mrad, 0.5 mrad; every
// 2 s) at 300-1500 km, Monte Carlo over the initial error, the measurement noise and the
// truth's own process noise (drawn from the filters' Q: unmodelled forces of q_v m^2/s^3;
// none for q_v = 0). Both filters end consistent (final 6-state NEES averaged over the runs
// inside its 99 % chi-square band) and the UKF's position RMSE is within 20 % of the EKF's.
TEST(Ukf, BallisticCoastMatchesTheEkf) {
  const RangeAzEl radar(kSite, kRadarSigma);
  const Mat3 R = diag_cov(kRadarSigma);
  const track::BallisticDynamics truth_dynamics{0.0, 0.5};

  // Nominal truth: 350 km up over 40N 128E, 3 km/s east, climbing.
  const geo::Geodetic start = geo::Geodetic::from_deg(40.0, 128.0, 350e3);
  const geo::LocalFrame start_frame(start);
  track::Vec9 x0 = track::Vec9::Zero();
  x0.head<3>() = geo::to_ecef(start).r_m;
  x0.segment<3>(3) = start_frame.ecef_vector(Vec3(3000.0, -300.0, 600.0));
  constexpr double dt = 2.0, duration = 300.0;
  constexpr int steps = static_cast<int>(duration / dt);
  {
    track::Vec9 x = x0;
    for (int k = 0; k <= steps; ++k, x = truth_dynamics.propagate(x, dt, false)) {
      const Vec3 rae = radar.predict(x.head<3>()).z;
      ASSERT_GT(rae.x(), 300e3) << k;
      ASSERT_LT(rae.x(), 1500e3) << k;
      ASSERT_GT(rae.z(), 0.0) << k;
    }
  }

  constexpr int runs = 30;
  Mat<9> P0 = Mat<9>::Zero();
  P0.topLeftCorner<3, 3>() = Mat3::Identity() * 1000.0 * 1000.0;
  P0.block<3, 3>(3, 3) = Mat3::Identity() * 50.0 * 50.0;
  const NeesBand band = nees_band(6, runs, 0.99);
  for (const double q_v : {0.0, 1.0}) {
    const BallisticModel model{track::BallisticDynamics{}, q_v};
    const Ekf<BallisticModel> ekf{model};
    const Ukf<BallisticModel> ukf{model};
    const Mat<6> Q = model.process_noise(dt).topLeftCorner<6, 6>();
    Rmse rmse_ekf, rmse_ukf, rmse_ekf_tail, rmse_ukf_tail;
    double nees_ekf = 0.0, nees_ukf = 0.0, nees_ekf_all = 0.0, nees_ukf_all = 0.0;
    std::size_t nees_all_n = 0;
    double time_ekf_s = 0.0, time_ukf_s = 0.0;
    std::size_t cycles = 0;
    for (int run = 0; run < runs; ++run) {
      Rng rng = Rng::stream(5, static_cast<std::uint64_t>(run));
      Gaussian<9> g0;
      g0.P = P0;
      g0.x = x0;
      g0.x.head<6>() += draw<6>(rng, P0.topLeftCorner<6, 6>());
      Gaussian<9> se = ekf.initial(g0), su = ukf.initial(g0);
      track::Vec9 truth = x0;
      for (int k = 1; k <= steps; ++k) {
        truth = truth_dynamics.propagate(truth, dt, false);
        if (q_v > 0.0) truth.head<6>() += draw<6>(rng, Q);
        Vec3 z = radar.predict(truth.head<3>()).z + draw<3>(rng, R);
        z.y() = geo::wrap_two_pi(z.y());
        const Measurement m{z, R};
        const auto t0 = std::chrono::steady_clock::now();
        se = ekf.predict(se, dt);
        const auto ie = ekf.gate(se, radar, m);
        ASSERT_TRUE(ie.ok());
        ASSERT_TRUE(ekf.update(se, ie, radar, m).fused());
        const auto t1 = std::chrono::steady_clock::now();
        su = ukf.predict(su, dt);
        const auto iu = ukf.gate(su, radar, m);
        ASSERT_TRUE(iu.ok());
        ASSERT_TRUE(ukf.update(su, iu, radar, m).fused());
        const auto t2 = std::chrono::steady_clock::now();
        time_ekf_s += std::chrono::duration<double>(t1 - t0).count();
        time_ukf_s += std::chrono::duration<double>(t2 - t1).count();
        ++cycles;
        const Eigen::VectorXd ee = (se.x - truth).head<6>(), eu = (su.x - truth).head<6>();
        if (k * dt >= 100.0) {
          nees_ekf_all += nees(ee, se.P.topLeftCorner<6, 6>());
          nees_ukf_all += nees(eu, su.P.topLeftCorner<6, 6>());
          ++nees_all_n;
          rmse_ekf_tail.add(ee.head<3>());
          rmse_ukf_tail.add(eu.head<3>());
        }
        if (k == steps) {
          const double ne = nees(ee, se.P.topLeftCorner<6, 6>());
          const double nu = nees(eu, su.P.topLeftCorner<6, 6>());
          ASSERT_TRUE(std::isfinite(ne));
          ASSERT_TRUE(std::isfinite(nu));
          nees_ekf += ne / runs;
          nees_ukf += nu / runs;
          rmse_ekf.add(ee.head<3>());
          rmse_ukf.add(eu.head<3>());
        }
      }
    }
    std::printf(
        "ballistic coast, q_v %.0f m^2/s^3, %d runs: final position RMSE EKF %.1f m, "
        "UKF %.1f m; 100-300 s RMSE EKF %.1f m, UKF %.1f m\n",
        q_v, runs, rmse_ekf.rmse(), rmse_ukf.rmse(), rmse_ekf_tail.rmse(), rmse_ukf_tail.rmse());
    std::printf(
        "  final NEES (6) EKF %.2f, UKF %.2f, 99%% band [%.2f, %.2f]; 100-300 s mean "
        "EKF %.2f, UKF %.2f\n",
        nees_ekf, nees_ukf, band.lo, band.hi, nees_ekf_all / nees_all_n, nees_ukf_all / nees_all_n);
    std::printf("  predict+gate+update: EKF %.1f us, UKF %.1f us\n", 1e6 * time_ekf_s / cycles,
                1e6 * time_ukf_s / cycles);
    EXPECT_TRUE(band.contains(nees_ekf)) << q_v << " " << nees_ekf;
    EXPECT_TRUE(band.contains(nees_ukf)) << q_v << " " << nees_ukf;
    EXPECT_GT(nees_ukf_all / nees_all_n, 4.5) << q_v;
    EXPECT_LT(nees_ukf_all / nees_all_n, 7.5) << q_v;
    EXPECT_LT(rmse_ukf.rmse(), 1.2 * rmse_ekf.rmse()) << q_v;
    EXPECT_LT(rmse_ukf_tail.rmse(), 1.2 * rmse_ekf_tail.rmse()) << q_v;
  }
}

namespace {

using UkfTracker = track::Tracker<Ukf<NearlyConstantVelocity>, CartesianPosition>;

// Fraction of truths with a confirmed (or coasting) track within 500 m, as in
// track_tracker_test.cpp.
double covered(const UkfTracker& tracker, const scenario::NcvScan& scan) {
  std::vector<Vec3> est;
  for (const auto& t : tracker.tracks())
    if (t.status != track::TrackStatus::tentative)
      est.push_back(tracker.predict(t, scan.t_s).x.head<3>());
  std::size_t matched = 0;
  for (const auto& x : scan.truth) {
    double best = std::numeric_limits<double>::infinity();
    for (const auto& e : est) best = std::min(best, (x.p - e).norm());
    if (best <= 500.0) ++matched;
  }
  return static_cast<double>(matched) / scan.truth.size();
}

}  // namespace

TEST(Ukf, TrackerRunsOnTheUkf) {
  scenario::NcvWorkloadConfig wc;
  wc.targets = 100;
  wc.seed = 13;
  const auto w = scenario::generate_ncv(wc);
  track::TrackerConfig c;
  c.gate.grid_cell_m = 1500.0;
  c.initiator.max_speed_mps = 1000.0;
  c.initiator.max_gap_s = 2.5;
  c.initiator.grid_cell_m = 1500.0;
  UkfTracker tracker({NearlyConstantVelocity{1.0}}, c);
  const auto sensor = tracker.add_sensor(CartesianPosition(w.sigma_m));
  double nis_sum = 0.0;
  std::size_t nis_n = 0;
  for (std::size_t k = 0; k < w.scans.size(); ++k) {
    std::vector<Measurement> ms;
    for (const auto& z : w.scans[k].detections)
      ms.push_back(Measurement{z, Mat3::Identity() * w.sigma_m * w.sigma_m});
    tracker.process(sensor, w.scans[k].t_s, ms);
    for (const auto& d : tracker.diagnostics()) {
      // Tracks that were not updated leave "outside gate" / "lost assignment" records.
      if (d.outcome != track::UpdateOutcome::fused) {
        EXPECT_NE(d.outcome, track::UpdateOutcome::numerical_failure);
        continue;
      }
      EXPECT_LE(d.nis, d.gate);
      if (k >= 10) nis_sum += d.nis, ++nis_n;
    }
    tracker.clear_diagnostics();
    if (k >= 5) {
      EXPECT_GE(covered(tracker, w.scans[k]), 0.97) << "scan " << k;
    }
  }
  ASSERT_GT(nis_n, 1000u);
  EXPECT_NEAR(nis_sum / nis_n, 3.0, 0.3);
  EXPECT_EQ(tracker.counters().numerical_failures(), 0u);
}
