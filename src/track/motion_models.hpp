// Motion models: stateless, each turns a Gaussian at one time into the prior at another.
//
// NearlyConstantVelocity: continuous white-noise acceleration of power spectral density q
// (m^2/s^3) per axis (Bar-Shalom, Li & Kirubarajan, "Estimation with Applications to
// Tracking and Navigation", 2001, §6.2.2):
//   F = [I  dt I; 0  I],  Q = q [dt^3/3 I  dt^2/2 I; dt^2/2 I  dt I].
// propagate(x, dt) = F x and process_noise(dt) = Q are the two halves of predict() for
// filters that move sigma points rather than a covariance (ukf.hpp).
#pragma once

#include "track/gaussian.hpp"

namespace trilink::track {

struct NearlyConstantVelocity {
  static constexpr int N = 6;
  double q_m2ps3 = 1.0;

  Gaussian<6> predict(const Gaussian<6>& g, double dt_s) const;
  Vec<6> propagate(const Vec<6>& x, double dt_s) const;
  Mat<6> process_noise(double dt_s) const;
  void initialise(Gaussian<6>&) const {}
};

}  // namespace trilink::track
