// Implementation of Tracker (included by tracker.hpp).
#pragma once

namespace trilink::track {

template <typename Filter, typename Sensor>
void Tracker<Filter, Sensor>::note(const TrackT& t, double t_s, std::uint32_t sensor,
                                   const Vec3& nu, const Mat3& S, double nis, UpdateOutcome o,
                                   std::string_view reason) {
  if (!keep_diagnostics_) return;
  UpdateDiagnostic d;
  d.track_id = t.id;
  d.t_s = t_s;
  d.sensor = sensor;
  d.innovation = nu;
  d.innovation_sigma = S.diagonal().cwiseMax(0.0).cwiseSqrt();
  d.nis = nis;
  d.gate = config_.gate_chi2;
  d.outcome = o;
  d.reason = reason;
  diagnostics_.push_back(d);
}

template <typename Filter, typename Sensor>
void Tracker<Filter, Sensor>::process(std::uint32_t sensor, double t,
                                      std::span<const Measurement> scan) {
  ++counters_.scans;
  if (t < last_scan_s_[sensor]) {
    counters_.rejected[static_cast<int>(RejectReason::time_backwards)] += scan.size();
    return;
  }
  last_scan_s_[sensor] = t;
  const Sensor& s = sensors_[sensor];
  just_confirmed_.clear();

  valid_.clear();
  for (std::uint32_t i = 0; i < scan.size(); ++i) {
    if (!scan[i].z.allFinite() || !scan[i].R.allFinite()) {
      ++counters_.rejected[static_cast<int>(RejectReason::non_finite)];
    } else if (!s.valid(scan[i].z)) {
      ++counters_.rejected[static_cast<int>(RejectReason::bad_geometry)];
    } else {
      valid_.push_back(i);
    }
  }
  counters_.measurements += valid_.size();

  // Predict every track and size its gate sphere.
  const std::size_t n_tracks = tracks_.size();
  priors_.resize(n_tracks);
  centres_.resize(n_tracks);
  radii_.resize(n_tracks);
  for (std::size_t k = 0; k < n_tracks; ++k) {
    priors_[k] = filter_.predict(tracks_[k].state, t - tracks_[k].t_s);
    const Gaussian<N>& g = filter_.combined(priors_[k]);
    centres_[k] = g.x.template head<3>();
    radii_[k] =
        filter_.gate_radius_m(priors_[k], s.variance_bound_m2(centres_[k]), config_.gate_chi2);
  }
  grid_.build(centres_, radii_);

  // Gate: candidates from the grid, then the exact Mahalanobis test.
  if (keep_diagnostics_) nearest_.assign(n_tracks, NearMiss{});
  pairs_.clear();
  innovations_.clear();
  for (std::uint32_t j = 0; j < valid_.size(); ++j) {
    const Measurement& m = scan[valid_[j]];
    grid_.for_each_candidate(s.position(m.z), [&](std::uint32_t k) {
      Innovation<N> in = filter_.gate(priors_[k], s, m);
      if (!in.ok) {
        ++counters_.numerical_failures;
        return;
      }
      if (in.nis > config_.gate_chi2) {
        // Remembered for the track's diagnostic if nothing else comes inside its gate.
        if (keep_diagnostics_ && in.nis < nearest_[k].nis)
          nearest_[k] = NearMiss{in.nis, in.nu, in.S};
        return;
      }
      pairs_.push_back(GatedPair{k, j, in.nis});
      innovations_.push_back(std::move(in));
    });
  }
  miss_cost_.assign(n_tracks, config_.gate_chi2);
  const Association result = associator_.associate(n_tracks, valid_.size(), pairs_, miss_cost_);
  counters_.largest_cluster = std::max(counters_.largest_cluster, result.stats.largest_cluster);

  pair_of_row_.assign(n_tracks, UINT32_MAX);
  gated_.assign(n_tracks, false);
  for (const auto& p : pairs_) gated_[p.row] = true;
  for (std::uint32_t i = 0; i < pairs_.size(); ++i)
    if (result.row_to_col[pairs_[i].row] == static_cast<int>(pairs_[i].col))
      pair_of_row_[pairs_[i].row] = i;

  // Update or count a miss.
  for (std::size_t k = 0; k < n_tracks; ++k) {
    TrackT& tr = tracks_[k];
    const std::uint32_t pi = pair_of_row_[k];
    if (pi != UINT32_MAX) {
      const Innovation<N>& in = innovations_[pi];
      State post = priors_[k];
      const Measurement& m = scan[valid_[pairs_[pi].col]];
      if (!filter_.update(post, in, s, m)) {
        ++counters_.numerical_failures;
        note(tr, t, sensor, in.nu, in.S, in.nis, UpdateOutcome::numerical_failure,
             "update not finite");
        continue;
      }
      tr.state = post;
      tr.t_s = t;
      tr.last_update_s = t;
      tr.last_sensor = sensor;
      ++tr.hits;
      ++tr.looks;
      tr.misses = 0;
      ++counters_.updates;
      if (tr.status == TrackStatus::tentative && tr.hits >= config_.confirm_hits) {
        tr.status = TrackStatus::confirmed;
        ++counters_.tracks_confirmed;
        if (config_.stitch) just_confirmed_.push_back(static_cast<std::uint32_t>(k));
      } else if (tr.status == TrackStatus::coasting) {
        tr.status = TrackStatus::confirmed;
      }
      note(tr, t, sensor, in.nu, in.S, in.nis, UpdateOutcome::fused, "assigned");
      continue;
    }
    const double sigma =
        std::sqrt(filter_.combined(priors_[k]).P.template block<3, 3>(0, 0).trace() / 3.0);
    if (keep_diagnostics_) {
      if (gated_[k])
        note(tr, t, sensor, Vec3::Zero(), Mat3::Zero(), 0.0, UpdateOutcome::lost_assignment,
             "its gated measurements went to other tracks");
      else if (std::isfinite(nearest_[k].nis))
        note(tr, t, sensor, nearest_[k].nu, nearest_[k].S, nearest_[k].nis,
             UpdateOutcome::outside_gate, "nearest measurement outside the gate");
    }
    if (s.covers(centres_[k])) {
      ++tr.looks;
      ++tr.misses;
    }
    const bool predictable = this->predictable(priors_[k]);
    if (predictable) {
      // Coasted forward: the next prediction starts here, not from the last update.
      tr.state = priors_[k];
      tr.t_s = t;
    }
    if (tr.status == TrackStatus::tentative) {
      if (tr.looks - tr.hits > config_.confirm_window - config_.confirm_hits)
        tr.status = TrackStatus::dropped;
    } else if (predictable) {
      if (sigma > config_.max_position_sigma_m ||
          t - tr.last_update_s > config_.max_coast_predictable_s || !plausible(priors_[k]))
        tr.status = TrackStatus::dropped;
      else if (tr.misses > 0 || t - tr.last_update_s > config_.max_coast_s)
        tr.status = TrackStatus::coasting;
    } else if (tr.misses >= config_.delete_misses || sigma > config_.max_position_sigma_m ||
               t - tr.last_update_s > config_.max_coast_s) {
      tr.status = TrackStatus::dropped;
    } else if (tr.misses > 0) {
      tr.status = TrackStatus::coasting;
    }
  }
  stitch(t);
  if (config_.merge_chi2 > 0.0) merge_duplicates(t);
  const auto before = tracks_.size();
  std::erase_if(tracks_, [](const TrackT& tr) { return tr.status == TrackStatus::dropped; });
  counters_.tracks_dropped += before - tracks_.size();

  unused_.clear();
  for (std::uint32_t j = 0; j < valid_.size(); ++j)
    if (result.col_to_row[j] < 0) unused_.push_back(valid_[j]);
  initiate(sensor, t, unused_, scan);
}

template <typename Filter, typename Sensor>
void Tracker<Filter, Sensor>::end_manoeuvres(std::uint64_t track_id) {
  if constexpr (requires(State & s) { filter_.end_boost(s); }) {
    for (auto& tr : tracks_)
      if (tr.id == track_id) filter_.end_boost(tr.state);
  }
}

template <typename Filter, typename Sensor>
void Tracker<Filter, Sensor>::stitch(double t) {
  for (const std::uint32_t k : just_confirmed_) {
    TrackT& fresh = tracks_[k];
    const Gaussian<N>& g = filter_.combined(fresh.state);
    const Vec3 p = g.x.template head<3>();
    std::int64_t best = -1;
    double best_d2 = config_.gate_chi2;
    grid_.for_each_candidate(p, [&](std::uint32_t j) {
      const TrackT& old = tracks_[j];
      if (j == k || old.id > fresh.id || old.status == TrackStatus::tentative ||
          old.status == TrackStatus::dropped)
        return;
      // Old track predicted to now (priors_) against the fresh one, positions only; if the
      // old one missed this scan and may manoeuvre, with the manoeuvre's allowance.
      const Gaussian<N>& o = filter_.combined(priors_[j]);
      const Vec3 d = p - o.x.template head<3>();
      Mat3 S = g.P.template block<3, 3>(0, 0) + o.P.template block<3, 3>(0, 0);
      if (old.last_update_s < t && !predictable(priors_[j])) {
        const double tau =
            t - std::min(old.last_update_s, fresh.first_seen_s) + config_.stitch_manoeuvre_lead_s;
        const double m = 0.5 * config_.stitch_manoeuvre_mps2 * tau * tau;
        S.diagonal().array() += m * m;
      }
      const Eigen::LLT<Mat3> llt(S);
      if (llt.info() != Eigen::Success) return;
      const double d2 = d.dot(llt.solve(d));
      if (d2 < best_d2) best = j, best_d2 = d2;
    });
    if (best < 0) continue;
    TrackT& old = tracks_[static_cast<std::size_t>(best)];
    ++counters_.tracks_stitched;
    if (old.last_update_s == t) {
      // Both were updated now: the fresh one is a duplicate of the old.
      fresh.status = TrackStatus::dropped;
      continue;
    }
    // The old track lost its target and the fresh one found it: same target, same id.
    fresh.id = old.id;
    fresh.created_s = old.created_s;
    fresh.first_seen_s = old.first_seen_s;
    fresh.hits += old.hits;
    fresh.looks += old.looks;
    old.status = TrackStatus::dropped;
  }
}

// Pairs come from the gate grid (a track's gate sphere holds the other's predicted
// position); states are compared at t (priors_ for a track not updated now).
template <typename Filter, typename Sensor>
void Tracker<Filter, Sensor>::merge_duplicates(double t) {
  const auto now = [&](std::size_t k) -> const Gaussian<N>& {
    return filter_.combined(tracks_[k].t_s == t ? tracks_[k].state : priors_[k]);
  };
  const auto live = [&](const TrackT& tr) {
    return (tr.status == TrackStatus::confirmed || tr.status == TrackStatus::coasting) &&
           t - tr.last_update_s <= config_.merge_within_s;
  };
  for (std::uint32_t k = 0; k < tracks_.size(); ++k) {
    if (!live(tracks_[k])) continue;
    const Gaussian<N>& a = now(k);
    grid_.for_each_candidate(a.x.template head<3>(), [&](std::uint32_t j) {
      TrackT &older = tracks_[k], &younger = tracks_[j];
      if (j == k || younger.id < older.id || !live(younger) || !live(older)) return;
      const Gaussian<N>& b = now(j);
      const Vec<6> d = a.x.template head<6>() - b.x.template head<6>();
      const Eigen::LLT<Mat<6>> llt(a.P.template topLeftCorner<6, 6>() +
                                   b.P.template topLeftCorner<6, 6>());
      if (llt.info() != Eigen::Success || d.dot(llt.solve(d)) > config_.merge_chi2) return;
      younger.status = TrackStatus::dropped;
      ++counters_.tracks_merged;
    });
  }
}

template <typename Filter, typename Sensor>
void Tracker<Filter, Sensor>::initiate(std::uint32_t sensor, double t,
                                       const std::vector<std::uint32_t>& unused,
                                       std::span<const Measurement> scan) {
  std::erase_if(pending_,
                [&](const Pending& p) { return p.used || t - p.t_s > config_.max_init_gap_s; });
  pending_centres_.resize(pending_.size());
  pending_radii_.resize(pending_.size());
  for (std::size_t i = 0; i < pending_.size(); ++i) {
    pending_centres_[i] = pending_[i].p;
    pending_radii_[i] =
        config_.max_speed_mps * (t - pending_[i].t_s) + 3.0 * std::sqrt(pending_[i].P.trace());
  }
  pending_grid_.build(pending_centres_, pending_radii_);
  const Sensor& s = sensors_[sensor];
  const std::size_t old_pending = pending_.size();
  for (std::uint32_t idx : unused) {
    const Measurement& m = scan[idx];
    const PositionFix fix = s.to_position(m.z, m.R);
    const Vec3& p = fix.p;
    const Mat3& P = fix.P;
    std::int64_t best = -1;
    double best_d = 0.0;
    pending_grid_.for_each_candidate(p, [&](std::uint32_t i) {
      const Pending& q = pending_[i];
      const double dt = t - q.t_s;
      if (q.used || dt <= 0.0 || dt < config_.min_init_gap_s) return;
      const double d = (p - q.p).norm();
      if (d > config_.max_speed_mps * dt + 3.0 * std::sqrt(P.trace() + q.P.trace())) return;
      if (best < 0 || d < best_d) best = i, best_d = d;
    });
    if (best < 0) {
      pending_.push_back(Pending{p, P, fix.A, t, sensor, false});
      continue;
    }
    Pending& q = pending_[static_cast<std::size_t>(best)];
    q.used = true;
    TrackT tr;
    tr.id = next_id_++;
    tr.status = TrackStatus::tentative;
    tr.t_s = t;
    tr.created_s = t;
    tr.first_seen_s = q.t_s;
    tr.last_update_s = t;
    tr.last_sensor = sensor;
    tr.hits = 2;
    tr.looks = 2;
    tr.state = initial_state(q, sensor, fix, t - q.t_s);
    tracks_.push_back(tr);
    ++counters_.tracks_started;
  }
  (void)old_pending;
}

// Two-point initiation: position from the newer fix, velocity by differencing. With
// A_i = dp/dz of fix i, w_i = b_i + n_i its sensor's bias plus noise, the state's error
// (truth minus estimate) is e_p = -A2 w2, e_v = -(A2 w2 - A1 w1) / dt. Two fixes of one
// sensor share its bias, which largely cancels in the velocity; filters that carry the
// cross-covariance with the sensors' biases (Imm) get cov(e, b) too. Each fix's P is
// already cov(A w) = A (R + B) A'.
template <typename Filter, typename Sensor>
auto Tracker<Filter, Sensor>::initial_state(const Pending& first, std::uint32_t sensor,
                                            const PositionFix& second, double dt) const -> State {
  const Sensor& s1 = sensors_[first.sensor];
  const Sensor& s2 = sensors_[sensor];
  const Mat3 &A1 = first.A, &A2 = second.A;
  const Mat3 &W1 = first.P, &W2 = second.P;
  const bool shared = s1.bias_slot() >= 0 && s1.bias_slot() == s2.bias_slot();
  const Mat3 X = shared ? Mat3(A2 * s2.bias_covariance() * A1.transpose()) : Mat3::Zero();
  Gaussian<N> g;
  g.x.setZero();
  g.P.setZero();
  g.x.template head<3>() = second.p;
  g.x.template segment<3>(3) = (second.p - first.p) / dt;
  g.P.template block<3, 3>(0, 0) = W2;
  g.P.template block<3, 3>(0, 3) = (W2 - X) / dt;
  g.P.template block<3, 3>(3, 0) = (W2 - X).transpose() / dt;
  g.P.template block<3, 3>(3, 3) = (W2 + W1 - X - X.transpose()) / (dt * dt);
  g.P.template block<3, 3>(3, 3).diagonal().array() += config_.init_velocity_var_floor;
  symmetrize<N>(g.P);
  if constexpr (requires { filter_.initial(g, BiasCrossCov{}); }) {
    BiasCrossCov cross = BiasCrossCov::Zero(N, 3 * filter_.bias_slots);
    const auto add = [&](const Sensor& sn, const Mat3& A, double sign_p, double sign_v) {
      const int k = sn.bias_slot();
      if (k < 0 || k >= filter_.bias_slots) return;
      const Mat3 G = A * sn.bias_covariance();
      cross.template block<3, 3>(0, 3 * k) += sign_p * G;
      cross.template block<3, 3>(3, 3 * k) += sign_v * G / dt;
    };
    add(s2, A2, -1.0, -1.0);
    add(s1, A1, 0.0, 1.0);
    return filter_.initial(g, cross);
  } else {
    return filter_.initial(g);
  }
}

}  // namespace trilink::track
