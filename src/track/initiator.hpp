// Two-point initiator: starts tracks from measurements no track took.
//
// Each such measurement becomes a position fix p (with covariance P = A (R + B) A' and A =
// dp/dz; the sensor's to_position). It pairs with the nearest earlier fix q, of the same
// sensor or another, that it could have come from:
//   min_gap_s <= dt <= max_gap_s,  dt = t - t_q > 0,  and
//   |p - p_q| <= max_speed_mps dt + 3 sqrt(trace P + trace P_q);
// the pair starts a track and q is used up. A fix that finds no partner waits for a later
// scan (until it is max_gap_s old). Candidates come from a spatial grid of the waiting
// fixes' reach spheres (radius max_speed_mps dt + 3 sqrt(trace P_q)).
//
// The new state: position from the newer fix, velocity by differencing. With A_i = dp/dz of
// fix i and w_i = b_i + n_i its sensor's bias plus noise, the state's error (truth minus
// estimate) is e_p = -A2 w2, e_v = -(A2 w2 - A1 w1) / dt:
//   cov(p) = W2,  cov(p, v) = (W2 - X) / dt,  cov(v) = (W2 + W1 - X - X') / dt^2 + floor I
// with W_i = P_i and X = A2 B A1' when both fixes share one sensor's bias B (which then
// largely cancels in the velocity), else 0. Filters that carry the cross-covariance with
// the sensors' biases (Imm) get cov(e, b) too: with [i] = 1 if fix i is of radar k, else 0,
//   cov(e_p, b_k) = -[2] A2 B_k,  cov(e_v, b_k) = ([1] A1 B_k - [2] A2 B_k) / dt.
#pragma once

#include <cmath>
#include <cstdint>
#include <span>
#include <vector>

#include "track/filters.hpp"
#include "track/spatial_grid.hpp"

namespace trilink::track {

struct InitiatorConfig {
  double max_speed_mps = 1000.0;  // fastest target
  double max_gap_s = 5.0;         // oldest earlier fix a new one may pair with
  // Newest: two fixes closer in time than this give a velocity too poor to start a track on
  // (with different sensors, their biases over a short dt), and a filter started that far
  // from the truth may not converge.
  double min_gap_s = 0.0;
  double velocity_var_floor_m2ps2 = 0.0;  // added to the differenced velocity variance
  double grid_cell_m = 2000.0;            // of the waiting fixes' grid
};

template <typename Filter, typename Sensor>
class TwoPointInitiator {
 public:
  using State = typename Filter::State;
  // A track to start: its filter state at the scan's time, and the time of its first fix.
  struct Start {
    State state;
    double first_seen_s = 0.0;
  };

  explicit TwoPointInitiator(InitiatorConfig config) : config_(config), grid_(config.grid_cell_m) {}

  const InitiatorConfig& config() const { return config_; }

  // The measurements scan[i], i in `unused`, of sensor `sensor` (of `sensors`) at t_s, in
  // that order: the tracks they start (valid until the next call). Scans come in time order.
  std::span<Start> initiate(const Filter& filter, std::span<const Sensor> sensors,
                            std::uint32_t sensor, double t_s, std::span<const std::uint32_t> unused,
                            std::span<const Measurement> scan);

  // Fixes waiting for a partner.
  std::size_t waiting() const { return waiting_.size(); }

 private:
  struct Fix {
    Vec3 p;
    Mat3 P;
    Mat3 A;  // dp/dz
    double t_s;
    std::uint32_t sensor;
    bool used;
  };

  State initial_state(const Filter& filter, std::span<const Sensor> sensors, const Fix& first,
                      std::uint32_t sensor, const PositionFix& second, double dt_s) const;

  InitiatorConfig config_;
  std::vector<Fix> waiting_;
  SpatialGrid grid_;
  // Workspace reused scan after scan.
  std::vector<Vec3> centres_;
  std::vector<double> radii_;
  std::vector<Start> started_;
};

template <typename Filter, typename Sensor>
auto TwoPointInitiator<Filter, Sensor>::initiate(const Filter& filter,
                                                 std::span<const Sensor> sensors,
                                                 std::uint32_t sensor, double t,
                                                 std::span<const std::uint32_t> unused,
                                                 std::span<const Measurement> scan)
    -> std::span<Start> {
  std::erase_if(waiting_, [&](const Fix& f) { return f.used || t - f.t_s > config_.max_gap_s; });
  centres_.resize(waiting_.size());
  radii_.resize(waiting_.size());
  for (std::size_t i = 0; i < waiting_.size(); ++i) {
    centres_[i] = waiting_[i].p;
    radii_[i] =
        config_.max_speed_mps * (t - waiting_[i].t_s) + 3.0 * std::sqrt(waiting_[i].P.trace());
  }
  grid_.build(centres_, radii_);
  started_.clear();
  const Sensor& s = sensors[sensor];
  for (const std::uint32_t idx : unused) {
    const Measurement& m = scan[idx];
    const PositionFix fix = s.to_position(m.z, m.R);
    const Vec3& p = fix.p;
    const Mat3& P = fix.P;
    std::int64_t best = -1;
    double best_d = 0.0;
    grid_.for_each_candidate(p, [&](std::uint32_t i) {
      const Fix& q = waiting_[i];
      const double dt = t - q.t_s;
      if (q.used || dt <= 0.0 || dt < config_.min_gap_s) return;
      const double d = (p - q.p).norm();
      if (d > config_.max_speed_mps * dt + 3.0 * std::sqrt(P.trace() + q.P.trace())) return;
      if (best < 0 || d < best_d) best = i, best_d = d;
    });
    if (best < 0) {
      waiting_.push_back(Fix{p, P, fix.A, t, sensor, false});
      continue;
    }
    Fix& q = waiting_[static_cast<std::size_t>(best)];
    q.used = true;
    started_.push_back(Start{initial_state(filter, sensors, q, sensor, fix, t - q.t_s), q.t_s});
  }
  return started_;
}

template <typename Filter, typename Sensor>
auto TwoPointInitiator<Filter, Sensor>::initial_state(const Filter& filter,
                                                      std::span<const Sensor> sensors,
                                                      const Fix& first, std::uint32_t sensor,
                                                      const PositionFix& second, double dt) const
    -> State {
  constexpr int N = Filter::N;
  const Sensor& s1 = sensors[first.sensor];
  const Sensor& s2 = sensors[sensor];
  const Mat3 &A1 = first.A, &A2 = second.A;
  const Mat3 &W1 = first.P, &W2 = second.P;
  const bool shared = s1.bias_slot() >= 0 && s1.bias_slot() == s2.bias_slot();
  const Mat3 X = shared ? Mat3(A2 * s2.bias_covariance() * A1.transpose()) : Mat3::Zero();
  Gaussian<N> g;
  g.x.setZero();
  g.P.setZero();
  pos(g.x) = second.p;
  vel(g.x) = (second.p - first.p) / dt;
  pos_cov(g.P) = W2;
  block_of<Pos, Vel>(g.P) = (W2 - X) / dt;
  block_of<Vel, Pos>(g.P) = (W2 - X).transpose() / dt;
  vel_cov(g.P) = (W2 + W1 - X - X.transpose()) / (dt * dt);
  vel_cov(g.P).diagonal().array() += config_.velocity_var_floor_m2ps2;
  symmetrize<N>(g.P);
  if constexpr (requires { filter.initial(g, BiasCrossCov{}); }) {
    BiasCrossCov cross = BiasCrossCov::Zero(N, 3 * filter.bias_slots);
    const auto add = [&](const Sensor& sn, const Mat3& A, double sign_p, double sign_v) {
      const int k = sn.bias_slot();
      if (k < 0 || k >= filter.bias_slots) return;
      const Mat3 G = A * sn.bias_covariance();
      pos_bias_block(cross, k) += sign_p * G;
      vel_bias_block(cross, k) += sign_v * G / dt;
    };
    add(s2, A2, -1.0, -1.0);
    add(s1, A1, 0.0, 1.0);
    return filter.initial(g, cross);
  } else {
    return filter.initial(g);
  }
}

}  // namespace trilink::track
