// Implementation of Tracker (included by tracker.hpp).
#pragma once

namespace trilink::track {

template <typename Filter, typename Sensor>
void Tracker<Filter, Sensor>::note(const TrackT& t, double t_s, std::uint32_t sensor,
                                   const Innovation<N>& in, UpdateOutcome o,
                                   std::string_view reason) {
  if (!keep_diagnostics_) return;
  UpdateDiagnostic d;
  d.track_id = t.id;
  d.t_s = t_s;
  d.sensor = sensor;
  d.innovation = in.nu;
  d.innovation_sigma = in.S.diagonal().cwiseMax(0.0).cwiseSqrt();
  d.nis = in.nis;
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
      if (in.nis > config_.gate_chi2) return;
      pairs_.push_back(GatedPair{k, j, in.nis});
      innovations_.push_back(std::move(in));
    });
  }
  miss_cost_.assign(n_tracks, config_.gate_chi2);
  const Association result = associator_.associate(n_tracks, valid_.size(), pairs_, miss_cost_);
  counters_.largest_cluster = std::max(counters_.largest_cluster, result.stats.largest_cluster);

  pair_of_row_.assign(n_tracks, UINT32_MAX);
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
        note(tr, t, sensor, in, UpdateOutcome::numerical_failure, "update not finite");
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
      } else if (tr.status == TrackStatus::coasting) {
        tr.status = TrackStatus::confirmed;
      }
      note(tr, t, sensor, in, UpdateOutcome::fused, "assigned");
      continue;
    }
    const double sigma =
        std::sqrt(filter_.combined(priors_[k]).P.template block<3, 3>(0, 0).trace() / 3.0);
    if (s.covers(centres_[k])) {
      ++tr.looks;
      ++tr.misses;
    }
    if (tr.status == TrackStatus::tentative) {
      if (tr.looks - tr.hits > config_.confirm_window - config_.confirm_hits)
        tr.status = TrackStatus::dropped;
    } else if (tr.misses >= config_.delete_misses || sigma > config_.max_position_sigma_m ||
               t - tr.last_update_s > config_.max_coast_s) {
      tr.status = TrackStatus::dropped;
    } else if (tr.misses > 0) {
      tr.status = TrackStatus::coasting;
    }
  }
  const auto before = tracks_.size();
  std::erase_if(tracks_, [](const TrackT& tr) { return tr.status == TrackStatus::dropped; });
  counters_.tracks_dropped += before - tracks_.size();

  unused_.clear();
  for (std::uint32_t j = 0; j < valid_.size(); ++j)
    if (result.col_to_row[j] < 0) unused_.push_back(valid_[j]);
  initiate(sensor, t, unused_, scan);
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
    Vec3 p;
    Mat3 P;
    s.to_position(m.z, m.R, p, P);
    std::int64_t best = -1;
    double best_d = 0.0;
    pending_grid_.for_each_candidate(p, [&](std::uint32_t i) {
      const Pending& q = pending_[i];
      const double dt = t - q.t_s;
      if (q.used || dt <= 0.0) return;
      const double d = (p - q.p).norm();
      if (d > config_.max_speed_mps * dt + 3.0 * std::sqrt(P.trace() + q.P.trace())) return;
      if (best < 0 || d < best_d) best = i, best_d = d;
    });
    if (best < 0) {
      pending_.push_back(Pending{p, P, t, sensor, false});
      continue;
    }
    Pending& q = pending_[static_cast<std::size_t>(best)];
    q.used = true;
    const double dt = t - q.t_s;
    Gaussian<N> g;
    g.x.setZero();
    g.P.setZero();
    g.x.template head<3>() = p;
    g.x.template segment<3>(3) = (p - q.p) / dt;
    g.P.template block<3, 3>(0, 0) = P;
    g.P.template block<3, 3>(0, 3) = P / dt;
    g.P.template block<3, 3>(3, 0) = P / dt;
    g.P.template block<3, 3>(3, 3) = (P + q.P) / (dt * dt);
    g.P.template block<3, 3>(3, 3).diagonal().array() += config_.init_velocity_var_floor;
    TrackT tr;
    tr.id = next_id_++;
    tr.status = TrackStatus::tentative;
    tr.t_s = t;
    tr.created_s = t;
    tr.last_update_s = t;
    tr.last_sensor = sensor;
    tr.hits = 2;
    tr.looks = 2;
    tr.state = filter_.initial(g);
    tracks_.push_back(tr);
    ++counters_.tracks_started;
  }
  (void)old_pending;
}

}  // namespace trilink::track
