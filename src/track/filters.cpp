#include "track/filters.hpp"

#include <cassert>

#include "geo/wgs84.hpp"

namespace trilink::track {

void Imm::combine(State& s) {
  if (s.pruned) {
    s.combined = s.mode[1];
    return;
  }
  s.combined.x = s.mu[0] * s.mode[0].x + s.mu[1] * s.mode[1].x;
  s.combined.P.setZero();
  for (int j = 0; j < 2; ++j) {
    const Vec<9> d = s.mode[j].x - s.combined.x;
    s.combined.P += s.mu[j] * (s.mode[j].P + d * d.transpose());
  }
  symmetrize<9>(s.combined.P);
}

void Imm::prune(State& s) const {
  if (s.pruned || !s.boost_ended || s.mu[0] >= prune_below) return;
  s.pruned = true;
  s.mu = {0.0, 1.0};
  // From now on the biases are estimated, starting from their prior if they were only
  // considered so far: the consider filter has kept cov(x, b) exact while b's own
  // covariance stayed the prior.
  if (s.param[1].size() == 0) start_bias_estimation(s.param[1], s.param_cov[1]);
  // Drag: kappa appended, independent of the state so far (the track was predicted with the
  // nominal value, and above the atmosphere drag has not acted on it).
  if (estimate_drag && !s.has_drag && ballistic.dynamics.beta_kgpm2 > 0.0 &&
      s.param[1].size() == 3 * bias_slots) {
    const auto n = s.param[1].size();
    const double kappa = 1.0 / ballistic.dynamics.beta_kgpm2;
    s.param[1].conservativeResize(n + 1);
    s.param[1][n] = kappa;
    auto& cov = s.param_cov[1];
    cov.conservativeResize(n + 1, n + 1);
    cov.row(n).setZero();
    cov.col(n).setZero();
    cov(n, n) = (kappa_rel_sigma * kappa) * (kappa_rel_sigma * kappa);
    s.param_cross[1].conservativeResize(Eigen::NoChange, n + 1);
    s.param_cross[1].col(n).setZero();
    s.has_drag = true;
  }
}

void Imm::start_bias_estimation(Eigen::VectorXd& param, Eigen::MatrixXd& cov) const {
  if (bias_prior.empty() || static_cast<int>(bias_prior.size()) != bias_slots) return;
  param = Eigen::VectorXd::Zero(3 * bias_slots);
  cov = Eigen::MatrixXd::Zero(3 * bias_slots, 3 * bias_slots);
  for (int k = 0; k < bias_slots; ++k) bias_cov(cov, k) = bias_prior[static_cast<std::size_t>(k)];
}

std::optional<DragEstimate> Imm::drag(const State& s) const {
  if (!s.has_drag) return std::nullopt;
  const auto n = s.param[1].size() - 1;
  DragEstimate d;
  d.kappa_m2pkg = s.param[1][n];
  d.kappa_var = s.param_cov[1](n, n);
  d.cross = s.param_cross[1].col(n);
  return d;
}

bool Imm::plausible(const State& s) const {
  return approx_height_m(pos(s.combined.x)) > min_plausible_height_m &&
         vel(s.combined.x).norm() < max_plausible_speed_mps;
}

void Imm::resume_boost(State& s, double probability) const {
  s.boost_ended = false;
  if (s.pruned) {
    if (s.has_drag) {
      // kappa is the last parameter: dropped.
      const auto n = s.param[1].size() - 1;
      s.param[1].conservativeResize(n);
      s.param_cov[1].conservativeResize(n, n);
      s.param_cross[1].conservativeResize(Eigen::NoChange, n);
      s.has_drag = false;
    }
    s.mode[0] = s.mode[1];
    boost.initialise(s.mode[0]);
    s.param[0] = s.param[1];
    s.param_cov[0] = s.param_cov[1];
    s.param_cross[0] = s.param_cross[1];
    rows_of<Acc>(s.param_cross[0]).setZero();  // the thrust to come is independent of them
    s.pruned = false;
  }
  const double p = std::clamp(probability, 0.0, 1.0);
  s.mu = {std::max(s.mu[0], p), 0.0};
  s.mu[1] = 1.0 - s.mu[0];
  combine(s);
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
  if (s.pruned) {
    // The ballistic mode alone.
    State out = s;
    const Vec3 p = pos(s.mode[1].x);
    if (vel(s.mode[1].x).dot(p) < 0.0) out.descended = true;
    const double lift_sigma = out.descended ? lift.sigma_mps2(s.mode[1].x) : 0.0;
    Mat<9> phi;
    if (!s.has_drag) {
      out.mode[1] = predict_ballistic(s.mode[1], dt, lift_sigma, &phi, ballistic);
      if (nb > 0) out.param_cross[1] = phi * s.param_cross[1];
    } else {
      predict_with_drag(s, out, dt, lift_sigma);
    }
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
    // Estimated parameters are mixed like the state: means, then covariances with the
    // spread of the means (considered ones have mean zero in every mode).
    const bool estimated = s.param[0].size() > 0;
    Eigen::VectorXd theta;
    Eigen::MatrixXd theta_cov;
    if (estimated) {
      theta = Eigen::VectorXd::Zero(s.param[0].size());
      theta_cov = Eigen::MatrixXd::Zero(theta.size(), theta.size());
    }
    for (int i = 0; i < 2; ++i) {
      const double w = p[i][j] * s.mu[i] / c;
      mixed.x += w * s.mode[i].x;
      if (estimated) theta += w * s.param[i];
    }
    for (int i = 0; i < 2; ++i) {
      const double w = p[i][j] * s.mu[i] / c;
      const Vec<9> d = s.mode[i].x - mixed.x;
      mixed.P += w * (s.mode[i].P + d * d.transpose());
      if (nb > 0) cross += w * s.param_cross[i];
      if (estimated) {
        const Eigen::VectorXd db = s.param[i] - theta;
        cross += w * d * db.transpose();
        theta_cov += w * (s.param_cov[i] + db * db.transpose());
      }
    }
    if (estimated) {
      out.param[j] = theta;
      out.param_cov[j] = 0.5 * (theta_cov + theta_cov.transpose());
    }
    Mat<9> phi;
    out.mode[j] = j == 0 ? boost.predict(mixed, dt, &phi) : ballistic.predict(mixed, dt, &phi);
    if (nb > 0) {
      if (j == 1) rows_of<Acc>(cross).setZero();  // no thrust in the ballistic mode
      out.param_cross[j] = phi * cross;
    }
  }
  prune(out);
  combine(out);
  return out;
}

// x' = f(x, kappa): with G = df/dkappa (finite difference of the mean propagation) and c =
// cov(x, kappa), P' = Phi P Phi' + Q + Phi c G' + G c' Phi' + var(kappa) G G' and
// cov(x', parameters) = Phi C + G cov(kappa, parameters).
Gaussian<9> Imm::predict_ballistic(const Gaussian<9>& g, double dt, double lift_sigma, Mat<9>* phi,
                                   const BallisticModel& model) const {
  if (lift_sigma > 0.0) return model.predict_lifting(g, dt, lift_sigma, lift.tau_s, phi);
  return model.predict(g, dt, phi);
}

void Imm::predict_with_drag(const State& s, State& out, double dt, double lift_sigma) const {
  const auto n = s.param[1].size() - 1;
  const double kappa = DragEstimate::usable(s.param[1][n]);
  BallisticModel model = ballistic;
  model.dynamics.beta_kgpm2 = 1.0 / kappa;
  Mat<9> phi;
  out.mode[1] = predict_ballistic(s.mode[1], dt, lift_sigma, &phi, model);
  Vec<9> G = Vec<9>::Zero();
  Vec<9> x0 = s.mode[1].x;
  const bool lifting = lift_sigma > 0.0;
  if (!lifting) acc(x0).setZero();
  if (approx_height_m(pos(x0)) < drag_height_m) {
    const double dk = 1e-3 * kappa;
    BallisticDynamics perturbed = model.dynamics;
    perturbed.beta_kgpm2 = 1.0 / (kappa + dk);
    G = (perturbed.propagate(x0, dt, lifting) - model.dynamics.propagate(x0, dt, lifting)) / dk;
  }
  const Vec<9> c = s.param_cross[1].col(n);
  const Vec<9> phic = phi * c;
  out.mode[1].P +=
      phic * G.transpose() + G * phic.transpose() + s.param_cov[1](n, n) * G * G.transpose();
  symmetrize<9>(out.mode[1].P);
  out.param_cross[1] = phi * s.param_cross[1] + G * s.param_cov[1].row(n);
}

Imm::State Imm::initial(const Gaussian<9>& g) const {
  State s;
  s.mode[0] = g;
  boost.initialise(s.mode[0]);
  s.mode[1] = g;
  ballistic.initialise(s.mode[1]);
  // A track born low and slow is probably a missile in boost; one born high or fast (a
  // re-acquisition in midcourse, a late first look) is probably ballistic.
  const double height = pos(g.x).norm() - geo::wgs84::a_m();
  const bool boosting = height < 150e3 && vel(g.x).norm() < 2500.0;
  const double p_boost = boosting ? initial_boost_probability : 1.0 - 0.9;
  s.mu = {p_boost, 1.0 - p_boost};
  s.param_cross[0] = BiasCrossCov::Zero(9, 3 * bias_slots);
  s.param_cross[1] = BiasCrossCov::Zero(9, 3 * bias_slots);
  if (estimate_biases_in_boost) {
    start_bias_estimation(s.param[1], s.param_cov[1]);
    s.param[0] = s.param[1];
    s.param_cov[0] = s.param_cov[1];
  }
  combine(s);
  return s;
}

Imm::State Imm::initial(const Gaussian<9>& g, const BiasCrossCov& cross) const {
  assert(cross.cols() == 3 * bias_slots);
  State s = initial(g);
  for (int j = 0; j < 2; ++j) {
    s.param_cross[j] = cross;
    rows_of<Acc>(s.param_cross[j]).setZero();  // the thrust starts independent of the biases
  }
  return s;
}

}  // namespace trilink::track
