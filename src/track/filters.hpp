// Filters: what a track's state is and how it is predicted and updated. The tracker gates on
// the filter's combined Gaussian and hands it the measurement to update with.
//
//   Ekf<Motion>         one motion model, extended Kalman update (kalman.hpp)
//   Imm                 interacting multiple model (Blom & Bar-Shalom, IEEE TAC 1988;
//                       Bar-Shalom et al. 2001 §11.6.6): boost and ballistic mode-conditioned
//                       EKFs mixed by a Markov chain whose switching probabilities follow from
//                       mean sojourn times, p_switch(dt) = 1 - exp(-dt / T_sojourn).
//                       With `bias_slots` > 0 each mode is a Schmidt-Kalman "consider" filter
//                       (Schmidt 1966; Tapley, Schutz & Born, "Statistical Orbit Determination",
//                       2004, §6.4): every radar's constant unknown bias b_k (range, azimuth,
//                       elevation; prior covariance B_k from the sensor) is not estimated, but
//                       the cross-covariance C = cov(x, b) is carried, so the filter knows that
//                       repeated looks of one radar share its bias:
//                         S = H P H' + H C_k + C_k' H' + B_k + R,   K = (P H' + C_k) S^-1
//                         x += K nu,   P -= K S K',   C -= K (H C + [0 .. B_k .. 0])
//                       and across a step C <- Phi C.
//                       End of boost: the user of the tracker (who judges burnout with
//                       hysteresis) may declare a track's boost over. From then on nothing
//                       switches into the boost mode (missiles do not re-ignite), though the
//                       boost mode keeps its probability while the data favour it (a
//                       declaration made too early costs no track); once that probability
//                       falls below `prune_below` the mode is pruned and the track is purely
//                       ballistic: predictable far ahead, so it may coast through gaps in
//                       coverage (the deleter's max_coast_predictable_s). It then estimates
//                       its parameters with its state: the biases (from their prior, C as
//                       carried, unless already estimated) and, with `estimate_drag`, kappa =
//                       1 / beta (from the nominal, independent of x).
//                       With `estimate_biases_in_boost` the biases are estimated from the
//                       track's start instead, in each mode (mean b_j, covariance, C_j), and
//                       mixed like the state: b = sum w_ij b_i, cov = sum w_ij (cov_i +
//                       (b_i - b)(b_i - b)'), C = sum w_ij (C_i + (x_i - x)(b_i - b)'). What
//                       the boost phase's measurements say of the biases (two radars on one
//                       missile see their relative bias) is then kept rather than discarded.
//                       Estimated biases' means are subtracted from nu in the update above.
//                       Kappa enters the prediction through G = dx'/dkappa (finite difference
//                       of the mean propagation); with theta all parameters:
//                         P <- Phi P Phi' + Q + Phi c G' + G c' Phi' + var(kappa) G G'
//                         C <- Phi C + G cov(kappa, theta),   c = cov(x, kappa)
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>
#include <optional>
#include <vector>

#include "track/ballistic_model.hpp"
#include "track/kalman.hpp"

namespace trilink::track {

template <typename Motion>
struct Ekf {
  static constexpr int N = Motion::N;
  using State = Gaussian<N>;
  Motion motion;

  State predict(const State& s, double dt_s) const { return motion.predict(s, dt_s); }
  const Gaussian<N>& combined(const State& s) const { return s; }
  // Gating: the innovation to test against the gate, and the radius (m) of a sphere around
  // the combined position that holds every position the gate could accept.
  template <typename Sensor>
  Innovation<N> gate(const State& s, const Sensor& sensor, const Measurement& m) const {
    return innovate<N>(s, sensor, m.z, m.R);
  }
  double gate_radius_m(const State& s, double meas_var_m2, double chi2) const {
    return std::sqrt(chi2 * (pos_cov(s.P).trace() + meas_var_m2));
  }
  // On failure (a status and its reason) s is untouched.
  template <typename Sensor>
  UpdateResult update(State& s, const Innovation<N>& in, const Sensor&,
                      const Measurement& m) const {
    return track::update<N>(s, in, m.R);
  }
  State initial(const Gaussian<N>& g) const {
    State s = g;
    motion.initialise(s);
    return s;
  }
  // Probability that the target is manoeuvring/boosting (0 for a single model).
  double manoeuvre_probability(const State&) const { return 0.0; }
};

// Optional judgements of a filter on a state, with the defaults for filters that make none:
// predictable, the target will not manoeuvre again (a missile past burnout), so its track
// may coast long; plausible, the state could still be a target (not come down).
template <typename Filter>
bool predictable(const Filter& filter, const typename Filter::State& s) {
  if constexpr (requires { filter.predictable(s); })
    return filter.predictable(s);
  else
    return false;
}
template <typename Filter>
bool plausible(const Filter& filter, const typename Filter::State& s) {
  if constexpr (requires { filter.plausible(s); })
    return filter.plausible(s);
  else
    return true;
}

// 9 x parameters: cov(state, biases) at initiation (3 per bias slot).
using BiasCrossCov = Eigen::Matrix<double, 9, Eigen::Dynamic>;

// Named slices of the parameters theta = [b_0 .. b_K-1 (kappa)]: bias k of the vector, its
// block of cov(theta), its rows or columns of a matrix indexed by theta, and cov(p, b_k) and
// cov(v, b_k) of a cross-covariance cov(x, theta).
template <EigenMatrix M>
auto bias(M&& theta, int k) {
  return theta.template segment<3>(3 * k);
}
template <EigenMatrix M>
auto bias_cov(M&& cov, int k) {
  return cov.template block<3, 3>(3 * k, 3 * k);
}
template <EigenMatrix M>
auto bias_rows(M&& m, int k) {
  return m.middleRows(3 * k, 3);
}
template <EigenMatrix M>
auto bias_cols(M&& m, int k) {
  return m.template middleCols<3>(3 * k);
}
template <EigenMatrix M>
auto pos_bias_block(M&& C, int k) {
  return C.template block<3, 3>(Pos::start, 3 * k);
}
template <EigenMatrix M>
auto vel_bias_block(M&& C, int k) {
  return C.template block<3, 3>(Vel::start, 3 * k);
}

// Parameters: the radars' biases (3 per slot: range, azimuth, elevation), then, once the
// track is purely ballistic and the filter estimates drag, kappa = 1 / beta.
struct ImmState {
  std::array<Gaussian<9>, 2> mode;          // [0] boost/manoeuvre, [1] ballistic
  std::array<BiasCrossCov, 2> param_cross;  // cov(x_mode, parameters); empty without any
  std::array<double, 2> mu{0.5, 0.5};
  Gaussian<9> combined;
  bool boost_ended = false;  // declared by the tracker's user; see end_boost
  // The boost mode is pruned: mode[1] alone is the track (mode[0] and its parameters are no
  // longer kept up to date, mu = {0, 1}).
  bool pruned = false;
  // Estimated parameters per mode, mean and covariance: from the start with
  // `estimate_biases_in_boost`, else once the track is purely ballistic (empty until then,
  // when the biases are only considered).
  std::array<Eigen::VectorXd, 2> param;
  std::array<Eigen::MatrixXd, 2> param_cov;
  bool has_drag = false;  // param's last entry is kappa
  // The purely ballistic track has been seen descending: from then on the lift manoeuvre
  // (Imm::lift) may act (a pull-up may turn the flight path up again: it stays set).
  bool descended = false;
};

struct Imm {
  static constexpr int N = 9;
  using State = ImmState;
  BoostModel boost;
  BallisticModel ballistic;
  double boost_sojourn_s = 60.0;           // mean time in boost/manoeuvre before going ballistic
  double ballistic_sojourn_s = 600.0;      // mean time ballistic before a manoeuvre
  double initial_boost_probability = 0.8;  // for a track born below 150 km and 2.5 km/s (else 0.1)
  int bias_slots = 0;  // radars whose biases are considered (sensor.bias_slot() < bias_slots)
  // The biases' prior covariance per slot: given, they are estimated once the track is
  // purely ballistic (the trajectory's dynamics make them observable); else only considered.
  std::vector<Mat3> bias_prior;
  double prune_below = 1e-6;  // boost probability pruned to zero once the boost has ended
  // With bias_prior given: estimate the biases from the track's start in both modes (the
  // IMM mixes them like the state), not only once it is purely ballistic.
  bool estimate_biases_in_boost = false;
  // Drag estimation once purely ballistic (after the biases, if they are estimated): kappa =
  // 1 / beta starts at the ballistic model's nominal value with this relative sigma and is
  // used within DragEstimate's limits. The sensitivity of the predicted state to kappa is
  // taken by finite difference, below `drag_height_m` (higher, drag is nil).
  bool estimate_drag = false;
  double kappa_rel_sigma = 0.4;
  double drag_height_m = 200e3;
  // Lift in the descent of a purely ballistic track (off unless its beta_lift is set): the
  // ballistic mode's acceleration becomes a Singer manoeuvre (ballistic_model.hpp,
  // LiftManoeuvre) once the track descends, so that it follows a pull-up and a dive.
  LiftManoeuvre lift;

  State predict(const State& s, double dt_s) const;
  const Gaussian<9>& combined(const State& s) const { return s.combined; }
  // Gates on every mode and keeps the closest: at burnout the boost mode runs ahead while
  // still holding nearly all the probability, and the ballistic mode has the measurement.
  template <typename Sensor>
  Innovation<9> gate(const State& s, const Sensor& sensor, const Measurement& m) const {
    if (s.pruned) return innovate_mode(s, 1, sensor, m);
    Innovation<9> best = innovate_mode(s, 0, sensor, m);
    Innovation<9> other = innovate_mode(s, 1, sensor, m);
    if (!best.ok() || (other.ok() && other.nis < best.nis)) return other;
    return best;
  }
  // The innovation of one mode, with the consider terms of the sensor's bias.
  template <typename Sensor>
  Innovation<9> innovate_mode(const State& s, int j, const Sensor& sensor,
                              const Measurement& m) const {
    Innovation<9> in = innovate<9>(s.mode[j], sensor, m.z, m.R);
    const int k = sensor.bias_slot();
    if (k < 0 || k >= bias_slots || !in.ok()) return in;
    const Mat3 HC = in.H_pos * pos_bias_block(s.param_cross[j], k);
    if (s.param[j].size() > 0) {
      in.nu -= bias(s.param[j], k);
      in.S += HC + HC.transpose() + bias_cov(s.param_cov[j], k);
    } else {
      in.S += HC + HC.transpose() + sensor.bias_covariance();
    }
    in.llt.compute(in.S);
    assess(in);
    return in;
  }
  double gate_radius_m(const State& s, double meas_var_m2, double chi2) const {
    double r = 0.0;
    for (const auto& g : s.mode)
      r = std::max(r, (pos(g.x) - pos(s.combined.x)).norm() +
                          std::sqrt(chi2 * (pos_cov(g.P).trace() + meas_var_m2)));
    return r;
  }
  // Every mode updated, then the mode probabilities; on failure s is untouched.
  template <typename Sensor>
  UpdateResult update(State& s, const Innovation<9>& in, const Sensor& sensor,
                      const Measurement& m) const;
  State initial(const Gaussian<9>& g) const;
  // With the initial error's cross-covariance with the sensors' biases (rows: state).
  State initial(const Gaussian<9>& g, const BiasCrossCov& cross) const;
  double manoeuvre_probability(const State& s) const { return s.mu[0]; }
  // The drag parameter, once estimated.
  std::optional<DragEstimate> drag(const State& s) const;
  void end_boost(State& s) const { s.boost_ended = true; }
  // Takes an end of boost back (thrust seen again: a staging gap, a post-boost stage). A
  // pruned boost mode is restored from the ballistic one with the initial thrust prior and
  // `probability`; the drag parameter, if estimated, is dropped (it is estimated again at the
  // next end of boost); estimated biases are kept, in both modes.
  void resume_boost(State& s, double probability = 0.5) const;
  // Purely ballistic: the boost has ended and its mode is pruned.
  bool predictable(const State& s) const { return s.pruned; }
  // False once the track could no longer be a missile in flight: its position more than
  // `min_plausible_height_m` under the ellipsoid (it has come down) or its speed above
  // `max_plausible_speed_mps` (an ICBM peaks near 7.5 km/s).
  bool plausible(const State& s) const;
  double min_plausible_height_m = -1e3;
  double max_plausible_speed_mps = 9000.0;

  static void combine(State& s);
  // After the end of boost: a negligible boost mode is dropped (probability zero, no longer
  // predicted or updated) and the parameters' estimation starts where it has not yet.
  void prune(State& s) const;

 private:
  State predict_step(const State& s, double dt_s) const;
  void predict_with_drag(const State& s, State& out, double dt_s, double lift_sigma) const;
  // The ballistic mode alone, with lift of steady-state sigma `lift_sigma` (0: none).
  Gaussian<9> predict_ballistic(const Gaussian<9>& g, double dt_s, double lift_sigma, Mat<9>* phi,
                                const BallisticModel& model) const;
  // The biases' prior as an estimate (nothing if there is no prior for every slot).
  void start_bias_estimation(Eigen::VectorXd& param, Eigen::MatrixXd& cov) const;
};

template <typename Sensor>
UpdateResult Imm::update(State& s, const Innovation<9>&, const Sensor& sensor,
                         const Measurement& m) const {
  std::array<double, 2> likelihood{};
  State out = s;
  const int k = sensor.bias_slot();
  const bool own_bias = k >= 0 && k < bias_slots;  // the sensor's bias is one of the slots
  for (int j = s.pruned ? 1 : 0; j < 2; ++j) {
    const Innovation<9> in = innovate_mode(s, j, sensor, m);
    if (!in.ok()) return UpdateResult::failure(in.status);
    if (bias_slots == 0 && s.param[j].size() == 0) {
      if (const UpdateResult r = track::update<9>(out.mode[j], in, m.R); !r.fused()) return r;
    } else {
      // Every update moves cov(x, parameters), also one by a sensor without a bias slot.
      Gaussian<9>& g = out.mode[j];
      BiasCrossCov& C = out.param_cross[j];
      Eigen::Matrix<double, 9, 3> PHt = cols_of<Pos>(g.P) * in.H_pos.transpose();
      if (own_bias) PHt += bias_cols(C, k);
      const Mat3 S_inv = in.llt.inverse();
      const Eigen::Matrix<double, 9, 3> K = PHt * S_inv;
      // cov(innovation, biases): H C + the measured sensor's row of the bias covariance.
      Eigen::Matrix<double, 3, Eigen::Dynamic> HCb = in.H_pos * rows_of<Pos>(C);
      const bool estimating = s.param[j].size() > 0;
      if (own_bias && estimating)
        HCb += bias_rows(s.param_cov[j], k);
      else if (own_bias)
        bias_cols(HCb, k) += sensor.bias_covariance();
      g.x += K * in.nu;
      g.P -= K * in.S * K.transpose();
      symmetrize<9>(g.P);
      C -= K * HCb;
      if (estimating) {
        const Eigen::Matrix<double, Eigen::Dynamic, 3> Kb = HCb.transpose() * S_inv;
        out.param[j] += Kb * in.nu;
        out.param_cov[j] -= Kb * in.S * Kb.transpose();
        out.param_cov[j] = 0.5 * (out.param_cov[j] + out.param_cov[j].transpose()).eval();
        if (!out.param[j].allFinite() || !out.param_cov[j].allFinite())
          return UpdateResult::failure(UpdateStatus::non_finite, "parameters not finite");
      }
      if (!g.x.allFinite() || !g.P.allFinite() || !C.allFinite())
        return UpdateResult::failure(UpdateStatus::non_finite,
                                     "mode state, covariance or cross-covariance not finite");
    }
    // N(nu; 0, S) = exp(-NIS/2) / sqrt((2 pi)^3 det S), det S from the Cholesky factor.
    const double log_det = in.llt.log_det();
    likelihood[j] =
        std::exp(-0.5 * in.nis - 0.5 * log_det - 1.5 * std::log(2.0 * std::numbers::pi));
  }
  const double total = likelihood[0] * s.mu[0] + likelihood[1] * s.mu[1];
  if (!(total > 0.0) || !std::isfinite(total)) {
    // Both modes find the measurement impossibly far (underflow): keep the priors.
    out.mu = s.mu;
  } else {
    out.mu = {likelihood[0] * s.mu[0] / total, likelihood[1] * s.mu[1] / total};
  }
  prune(out);
  combine(out);
  if (!out.combined.x.allFinite() || !out.combined.P.allFinite())
    return UpdateResult::failure(UpdateStatus::non_finite, "combined state not finite");
  s = out;
  return {};
}

}  // namespace trilink::track
