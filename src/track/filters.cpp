#include "track/filters.hpp"

#include <cassert>

#include "geo/wgs84.hpp"

namespace trilink::track {

void Imm::combine(State& s) {
  s.combined.x = s.mu[0] * s.mode[0].x + s.mu[1] * s.mode[1].x;
  s.combined.P.setZero();
  for (int j = 0; j < 2; ++j) {
    const Vec<9> d = s.mode[j].x - s.combined.x;
    s.combined.P += s.mu[j] * (s.mode[j].P + d * d.transpose());
  }
  symmetrize<9>(s.combined.P);
}

void Imm::prune(State& s) const {
  if (!s.boost_ended || s.mu[0] >= prune_below) return;
  s.mu = {0.0, 1.0};
  s.mode[0] = s.mode[1];
  s.bias_cross[0] = s.bias_cross[1];
  // From now on the biases are estimated, starting from their prior: the consider filter
  // has kept cov(x, b) exact while b's own covariance stayed the prior.
  if (s.bias.size() == 0 && !bias_prior.empty() &&
      static_cast<int>(bias_prior.size()) == bias_slots) {
    s.bias = Eigen::VectorXd::Zero(3 * bias_slots);
    s.bias_cov = Eigen::MatrixXd::Zero(3 * bias_slots, 3 * bias_slots);
    for (int k = 0; k < bias_slots; ++k)
      s.bias_cov.block<3, 3>(3 * k, 3 * k) = bias_prior[static_cast<std::size_t>(k)];
  }
}

bool Imm::plausible(const State& s) const {
  return approx_height_m(s.combined.x.head<3>()) > -1e3;
}

Imm::State Imm::predict(const State& s, double dt) const {
  // Long predictions (a coasting track) in steps: the switching, mixing and transition
  // matrices hold over seconds.
  const int steps = std::max(
      1, static_cast<int>(std::ceil(std::abs(dt) / ballistic.dynamics.max_covariance_step_s)));
  if (steps == 1) return predict_step(s, dt);
  State out = s;
  for (int i = 0; i < steps; ++i) out = predict_step(out, dt / steps);
  return out;
}

Imm::State Imm::predict_step(const State& s, double dt) const {
  const int nb = 3 * bias_slots;
  if (s.boost_ended && s.mu[0] == 0.0) {
    // Pruned: the ballistic mode alone.
    State out = s;
    Mat<9> phi;
    out.mode[1] = ballistic.predict(s.mode[1], dt, &phi);
    if (nb > 0) out.bias_cross[1] = phi * s.bias_cross[1];
    out.mode[0] = out.mode[1];
    out.bias_cross[0] = out.bias_cross[1];
    out.combined = out.mode[1];
    return out;
  }
  // Markov switching over dt, then mixing (interaction) and mode-matched prediction.
  const double p01 = 1.0 - std::exp(-std::abs(dt) / boost_sojourn_s);
  const double p10 = s.boost_ended ? 0.0 : 1.0 - std::exp(-std::abs(dt) / ballistic_sojourn_s);
  const double p[2][2] = {{1.0 - p01, p01}, {p10, 1.0 - p10}};
  State out;
  out.boost_ended = s.boost_ended;
  for (int j = 0; j < 2; ++j) {
    const double c = p[0][j] * s.mu[0] + p[1][j] * s.mu[1];
    out.mu[j] = c;
    Gaussian<9> mixed;
    mixed.x.setZero();
    mixed.P.setZero();
    BiasCrossCov cross = BiasCrossCov::Zero(9, nb);
    for (int i = 0; i < 2; ++i) mixed.x += (p[i][j] * s.mu[i] / c) * s.mode[i].x;
    for (int i = 0; i < 2; ++i) {
      const double w = p[i][j] * s.mu[i] / c;
      const Vec<9> d = s.mode[i].x - mixed.x;
      mixed.P += w * (s.mode[i].P + d * d.transpose());
      if (nb > 0) cross += w * s.bias_cross[i];  // the biases' mean is zero in every mode
    }
    Mat<9> phi;
    out.mode[j] = j == 0 ? boost.predict(mixed, dt, &phi) : ballistic.predict(mixed, dt, &phi);
    if (nb > 0) {
      if (j == 1) cross.bottomRows<3>().setZero();  // no thrust in the ballistic mode
      out.bias_cross[j] = phi * cross;
    }
  }
  prune(out);
  combine(out);
  return out;
}

Imm::State Imm::initial(const Gaussian<9>& g) const {
  State s;
  s.mode[0] = g;
  boost.initialise(s.mode[0]);
  s.mode[1] = g;
  ballistic.initialise(s.mode[1]);
  // A track born low and slow is probably a missile in boost; one born high or fast (a
  // re-acquisition in midcourse, a late first look) is probably ballistic.
  const double height = g.x.head<3>().norm() - geo::wgs84::a_m();
  const bool boosting = height < 150e3 && g.x.segment<3>(3).norm() < 2500.0;
  const double p_boost = boosting ? initial_boost_probability : 1.0 - 0.9;
  s.mu = {p_boost, 1.0 - p_boost};
  s.bias_cross[0] = BiasCrossCov::Zero(9, 3 * bias_slots);
  s.bias_cross[1] = BiasCrossCov::Zero(9, 3 * bias_slots);
  combine(s);
  return s;
}

Imm::State Imm::initial(const Gaussian<9>& g, const BiasCrossCov& cross) const {
  assert(cross.cols() == 3 * bias_slots);
  State s = initial(g);
  for (int j = 0; j < 2; ++j) {
    s.bias_cross[j] = cross;
    s.bias_cross[j].bottomRows<3>().setZero();  // the thrust starts independent of the biases
  }
  return s;
}

}  // namespace trilink::track
