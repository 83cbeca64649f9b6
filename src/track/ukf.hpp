// Unscented Kalman filter with the interface of Ekf (filters.hpp), so that the tracker can
// run it in place of the EKF: Tracker<Ukf<Motion>, Sensor>.
//
// Scaled unscented transform (Julier & Uhlmann, "Unscented filtering and nonlinear
// estimation", Proc. IEEE 92(3), 2004, §IV-V; Wan & van der Merwe, "The unscented Kalman
// filter for nonlinear estimation", IEEE AS-SPCC 2000, eqs. 15 and the additive-noise UKF).
// For a Gaussian (x, P) of dimension n with P = L L' (LLT):
//   lambda = alpha^2 (n + kappa) - n
//   X_0 = x,  X_i = x + sqrt(n + lambda) L_i,  X_{n+i} = x - sqrt(n + lambda) L_i
//   Wm_0 = lambda / (n + lambda),  Wc_0 = Wm_0 + 1 - alpha^2 + beta,  W_i = 1 / (2 (n + lambda))
// Defaults alpha = 1, beta = 2 (optimal for a Gaussian prior), kappa = 0: lambda = 0, so
// Wm_0 = 0, Wc_0 = 2 and W_i = 1/(2n), with the points at +-sqrt(n) sigma (2.45 sigma for
// n = 6, 3 for n = 9). Every mean weight is non-negative: kappa = 3 - n would give
// Wm_0 = -2 for n = 9 (a covariance that can lose positive definiteness), and a small alpha
// (1e-3) weights of order 1e6 that cancel in round-off.
//
// predict (additive process noise):
//   Y_i = f(X_i, dt)  (Motion::propagate, the mean dynamics)
//   x- = sum Wm_i Y_i,  P- = sum Wc_i (Y_i - x-)(Y_i - x-)' + Q(dt)  (Motion::process_noise)
// update, for sensors that measure position (z = h(p), Sensor::predict(p).z):
//   Z_i = h(pos(X_i)),  z^ = Z_0 + sum Wm_i innovation(Z_i, Z_0)  (azimuth wraps: the
//     mean is taken of differences from Z_0, never of raw angles)
//   dZ_i = innovation(Z_i, z^),  S = sum Wc_i dZ_i dZ_i' + R  (LLT; never an inverse)
//   C = sum Wc_i (X_i - x) dZ_i',  K = C S^-1  (solved with the LLT of S)
//   nu = innovation(z, z^),  NIS = nu' S^-1 nu
//   x+ = x + K nu,  P+ = P - K S K'  (symmetrised; kept only if finite and LLT succeeds)
// gate returns that nu, S, LLT and NIS; its H_pos is the sensor's Jacobian at the prior
// mean, for diagnostics only (nothing here uses it). update recomputes the transform from
// the prior (Innovation carries no cross-covariance); it is deterministic, so nu and S are
// those the gate tested.
//
// A Motion offers N, predict(g, dt), initialise(g), propagate(x, dt) and process_noise(dt)
// (NearlyConstantVelocity, BallisticModel, BoostModel). If a prior's P is not positive
// definite (not after an accepted update, which checks it), predict falls back to the
// motion model's linearised predict(), which needs no square root.
#pragma once

#include <array>
#include <cassert>
#include <cmath>

#include "track/gaussian.hpp"
#include "track/kalman.hpp"
#include "track/measurement_models.hpp"

namespace trilink::track {

struct UnscentedWeights {
  double spread = 0.0;  // sqrt(n + lambda): points at x +- spread * columns of L
  double wm0 = 0.0;     // mean weight of X_0
  double wc0 = 0.0;     // covariance weight of X_0
  double wi = 0.0;      // both weights of every other point
};

// Weights of the scaled set of 2n + 1 points. Contract: n + lambda > 0.
inline UnscentedWeights unscented_weights(int n, double alpha, double beta, double kappa) {
  const double lambda = alpha * alpha * (n + kappa) - n;
  assert(n + lambda > 0.0);
  UnscentedWeights w;
  w.spread = std::sqrt(n + lambda);
  w.wm0 = lambda / (n + lambda);
  w.wc0 = w.wm0 + 1.0 - alpha * alpha + beta;
  w.wi = 0.5 / (n + lambda);
  return w;
}

template <int N>
using SigmaPoints = std::array<Vec<N>, 2 * N + 1>;

// The 2N + 1 points of g; false when P is not finite or not positive definite.
template <int N>
bool sigma_points(const Gaussian<N>& g, const UnscentedWeights& w, SigmaPoints<N>& X) {
  if (!g.x.allFinite() || !g.P.allFinite()) return false;
  const Eigen::LLT<Mat<N>> llt(g.P);
  if (llt.info() != Eigen::Success) return false;
  const Mat<N> L = w.spread * llt.matrixL().toDenseMatrix();
  X[0] = g.x;
  for (int i = 0; i < N; ++i) {
    X[1 + i] = g.x + L.col(i);
    X[1 + N + i] = g.x - L.col(i);
  }
  return true;
}

// Weighted mean and covariance of a set of (transformed) sigma points.
template <int N>
Gaussian<N> unscented_moments(const SigmaPoints<N>& Y, const UnscentedWeights& w) {
  Gaussian<N> g;
  // The mean as Y_0 + sum W_i (Y_i - Y_0): the weights sum to one, and ECEF positions keep
  // their precision.
  Vec<N> d = Vec<N>::Zero();
  for (int i = 1; i <= 2 * N; ++i) d += w.wi * (Y[i] - Y[0]);
  g.x = Y[0] + d;
  const Vec<N> d0 = Y[0] - g.x;
  g.P = w.wc0 * d0 * d0.transpose();
  for (int i = 1; i <= 2 * N; ++i) {
    const Vec<N> di = Y[i] - g.x;
    g.P.noalias() += w.wi * di * di.transpose();
  }
  return g;
}

// The unscented prediction of a position measurement from a state's sigma points.
template <int N>
struct UnscentedMeasurement {
  Vec3 z_hat = Vec3::Zero();
  Mat3 S = Mat3::Identity();                                            // with R added
  Eigen::Matrix<double, N, 3> C = Eigen::Matrix<double, N, 3>::Zero();  // state-measurement
  bool ok = false;
};

template <int N, typename Sensor>
UnscentedMeasurement<N> unscented_measurement(const SigmaPoints<N>& X, const UnscentedWeights& w,
                                              const Sensor& sensor, const Mat3& R) {
  UnscentedMeasurement<N> m;
  std::array<Vec3, 2 * N + 1> Z;
  for (int i = 0; i <= 2 * N; ++i) Z[i] = sensor.predict(pos(X[i])).z;
  Vec3 d = Vec3::Zero();
  for (int i = 1; i <= 2 * N; ++i) d += w.wi * sensor.innovation(Z[i], Z[0]);
  m.z_hat = Z[0] + d;
  const Vec3 dz0 = sensor.innovation(Z[0], m.z_hat);
  m.S = w.wc0 * dz0 * dz0.transpose() + R;
  m.C.setZero();  // X_0 - x = 0
  for (int i = 1; i <= 2 * N; ++i) {
    const Vec3 dz = sensor.innovation(Z[i], m.z_hat);
    m.S.noalias() += w.wi * dz * dz.transpose();
    m.C.noalias() += w.wi * (X[i] - X[0]) * dz.transpose();
  }
  m.S = 0.5 * (m.S + m.S.transpose()).eval();
  m.ok = m.z_hat.allFinite() && m.S.allFinite() && m.C.allFinite();
  return m;
}

template <typename Motion>
struct Ukf {
  static constexpr int N = Motion::N;
  using State = Gaussian<N>;
  Motion motion;
  double alpha = 1.0;
  double beta = 2.0;
  double kappa = 0.0;

  UnscentedWeights weights() const { return unscented_weights(N, alpha, beta, kappa); }

  State predict(const State& s, double dt_s) const {
    if (dt_s == 0.0) return s;
    const UnscentedWeights w = weights();
    SigmaPoints<N> X;
    if (!sigma_points<N>(s, w, X)) return motion.predict(s, dt_s);
    for (auto& x : X) x = motion.propagate(x, dt_s);
    State out = unscented_moments<N>(X, w);
    out.P += motion.process_noise(dt_s);
    symmetrize<N>(out.P);
    return out;
  }
  const Gaussian<N>& combined(const State& s) const { return s; }

  template <typename Sensor>
  Innovation<N> gate(const State& s, const Sensor& sensor, const Measurement& m) const {
    Innovation<N> in;
    const UnscentedWeights w = weights();
    SigmaPoints<N> X;
    if (!sigma_points<N>(s, w, X)) {
      in.status = prior_failure(s);
      return in;
    }
    const UnscentedMeasurement<N> um = unscented_measurement<N>(X, w, sensor, m.R);
    if (!um.ok) return in;  // non_finite
    in.H_pos = sensor.predict(pos(s.x)).H_pos;
    in.nu = sensor.innovation(m.z, um.z_hat);
    in.S = um.S;
    in.llt.compute(in.S);
    assess(in);
    return in;
  }
  double gate_radius_m(const State& s, double meas_var_m2, double chi2) const {
    return std::sqrt(chi2 * (pos_cov(s.P).trace() + meas_var_m2));
  }

  // Fails (s untouched) when the prior has no square root, S is not positive definite, or
  // the posterior is not finite or not positive definite.
  template <typename Sensor>
  UpdateResult update(State& s, const Innovation<N>&, const Sensor& sensor,
                      const Measurement& m) const {
    const UnscentedWeights w = weights();
    SigmaPoints<N> X;
    if (!sigma_points<N>(s, w, X)) return UpdateResult::failure(prior_failure(s));
    const UnscentedMeasurement<N> um = unscented_measurement<N>(X, w, sensor, m.R);
    if (!um.ok)
      return UpdateResult::failure(UpdateStatus::non_finite, "predicted measurement not finite");
    const Eigen::LLT<Mat3> llt(um.S);
    if (llt.info() != Eigen::Success)
      return UpdateResult::failure(UpdateStatus::innovation_not_positive_definite);
    const Eigen::Matrix<double, N, 3> K = llt.solve(um.C.transpose()).transpose();
    State out;
    out.x = s.x + K * sensor.innovation(m.z, um.z_hat);
    out.P = s.P - K * um.S * K.transpose();
    symmetrize<N>(out.P);
    if (!out.x.allFinite() || !out.P.allFinite())
      return UpdateResult::failure(UpdateStatus::non_finite, "posterior not finite");
    if (Eigen::LLT<Mat<N>>(out.P).info() != Eigen::Success)
      return UpdateResult::failure(UpdateStatus::posterior_not_positive_definite);
    s = out;
    return {};
  }

  State initial(const Gaussian<N>& g) const {
    State s = g;
    motion.initialise(s);
    return s;
  }
  double manoeuvre_probability(const State&) const { return 0.0; }

 private:
  // Why sigma_points failed for s.
  static UpdateStatus prior_failure(const State& s) {
    return s.x.allFinite() && s.P.allFinite() ? UpdateStatus::prior_not_positive_definite
                                              : UpdateStatus::non_finite;
  }
};

}  // namespace trilink::track
