// Adaptive Dormand-Prince 5(4) integrator with FSAL and local error control
// (Dormand & Prince 1980; Hairer, Norsett & Wanner, "Solving ODEs I", II.4-5).
// Error per component: |e_i| / (atol_i + rtol |y_i|), RMS over the state; step factor
// 0.9 err^(-1/5), limited to [0.2, 5]. The caller integrates between events (staging,
// cut-off) so that the right-hand side is smooth inside every call.
#pragma once

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <cstdint>

namespace trilink::flight {

using State6 = Eigen::Matrix<double, 6, 1>;

struct StepControl {
  double rtol = 1e-10;
  double atol_pos_m = 1e-3;
  double atol_vel_mps = 1e-6;
  double max_step_s = 20.0;
  double first_step_s = 0.05;
};

struct IntegrationStats {
  std::uint64_t steps = 0;
  std::uint64_t rejected = 0;
};

// Integrates y' = f(t, y) from (t0, y0) to t_end. After every accepted step calls
// on_step(t_prev, y_prev, dy_prev, t, y, dy); returning false stops the integration.
// Returns the last state; t0 is advanced to where it stopped.
template <typename Deriv, typename OnStep>
State6 integrate(Deriv&& f, double& t0, State6 y, double t_end, const StepControl& ctl,
                 IntegrationStats& stats, OnStep&& on_step) {
  // Butcher tableau of DOPRI5.
  constexpr double c2 = 1.0 / 5, c3 = 3.0 / 10, c4 = 4.0 / 5, c5 = 8.0 / 9;
  constexpr double a21 = 1.0 / 5;
  constexpr double a31 = 3.0 / 40, a32 = 9.0 / 40;
  constexpr double a41 = 44.0 / 45, a42 = -56.0 / 15, a43 = 32.0 / 9;
  constexpr double a51 = 19372.0 / 6561, a52 = -25360.0 / 2187, a53 = 64448.0 / 6561,
                   a54 = -212.0 / 729;
  constexpr double a61 = 9017.0 / 3168, a62 = -355.0 / 33, a63 = 46732.0 / 5247, a64 = 49.0 / 176,
                   a65 = -5103.0 / 18656;
  constexpr double b1 = 35.0 / 384, b3 = 500.0 / 1113, b4 = 125.0 / 192, b5 = -2187.0 / 6784,
                   b6 = 11.0 / 84;
  constexpr double e1 = 71.0 / 57600, e3 = -71.0 / 16695, e4 = 71.0 / 1920, e5 = -17253.0 / 339200,
                   e6 = 22.0 / 525, e7 = -1.0 / 40;

  double t = t0;
  double h = std::min(ctl.first_step_s, t_end - t);
  State6 k1 = f(t, y);
  while (t < t_end) {
    h = std::min({h, ctl.max_step_s, t_end - t});
    const State6 k2 = f(t + c2 * h, y + h * (a21 * k1));
    const State6 k3 = f(t + c3 * h, y + h * (a31 * k1 + a32 * k2));
    const State6 k4 = f(t + c4 * h, y + h * (a41 * k1 + a42 * k2 + a43 * k3));
    const State6 k5 = f(t + c5 * h, y + h * (a51 * k1 + a52 * k2 + a53 * k3 + a54 * k4));
    const State6 k6 = f(t + h, y + h * (a61 * k1 + a62 * k2 + a63 * k3 + a64 * k4 + a65 * k5));
    const State6 y_new = y + h * (b1 * k1 + b3 * k3 + b4 * k4 + b5 * k5 + b6 * k6);
    const State6 k7 = f(t + h, y_new);
    const State6 err = h * (e1 * k1 + e3 * k3 + e4 * k4 + e5 * k5 + e6 * k6 + e7 * k7);
    double sum = 0.0;
    for (int i = 0; i < 6; ++i) {
      const double atol = i < 3 ? ctl.atol_pos_m : ctl.atol_vel_mps;
      const double scale = atol + ctl.rtol * std::max(std::abs(y[i]), std::abs(y_new[i]));
      sum += (err[i] / scale) * (err[i] / scale);
    }
    const double norm = std::sqrt(sum / 6.0);
    const double factor = norm == 0.0 ? 5.0 : std::clamp(0.9 * std::pow(norm, -0.2), 0.2, 5.0);
    if (norm <= 1.0 || h <= 1e-9) {
      const double t_prev = t;
      const State6 y_prev = y;
      const State6 k_prev = k1;
      t = (t_end - (t + h) < 1e-12) ? t_end : t + h;
      y = y_new;
      k1 = k7;
      ++stats.steps;
      if (!on_step(t_prev, y_prev, k_prev, t, y, k1)) break;
      h *= std::min(factor, 5.0);
    } else {
      ++stats.rejected;
      h *= std::max(factor, 0.2);
    }
  }
  t0 = t;
  return y;
}

}  // namespace trilink::flight
