// Implementation of Tracker (included by tracker.hpp).
#pragma once

namespace trilink::track {

template <typename Filter, typename Sensor>
void Tracker<Filter, Sensor>::process(std::uint32_t sensor, double t,
                                      std::span<const Measurement> scan) {
  ++counters_.scans;
  // Older than a scan already taken, of this sensor or another: the tracks have been updated
  // past it, and predicting them back to t would give covariances that are not ones (the
  // live runtime delivers each radar's looks as they arrive, not in time order).
  if (last_scan_s_ && t < *last_scan_s_) {
    counters_.rejected[static_cast<int>(RejectReason::time_backwards)] += scan.size();
    return;
  }
  last_scan_s_ = t;
  const Sensor& s = sensors_[sensor];
  validate(s, scan);

  // A track not yet predictable that has gone max_coast_s without an update is dropped before
  // it can take a plot: its thrust since is unknown, and a plot it would take now is as likely
  // another missile's (a raid's boost track revived 22 s on by one plot, its energy then far
  // below its last: "drag", a false burnout, and a prediction made while the missile boosted).
  expire(t);
  // Predict every track to t, gate the measurements, associate (global nearest neighbour).
  predict(t);
  gate_.build(filter_, priors_, s);
  gate_.test(filter_, priors_, s, scan, valid_, keep_diagnostics_, counters_.gate_failures);
  associate();

  // Update each assigned track (the confirmer may confirm it); the others missed (the
  // confirmer or the deleter judges them).
  just_confirmed_.clear();
  for (std::size_t k = 0; k < tracks_.size(); ++k) {
    if (pair_of_row_[k] != kUnassigned)
      update(k, sensor, t, scan);
    else
      miss(k, sensor, t);
  }

  // Newly confirmed tracks continue older ones (or duplicate them), tracks on one target
  // merge, the dropped go.
  counters_.tracks_stitched +=
      stitcher_.stitch(just_confirmed_, tracks_, priors_, gate_.grid(), filter_, t);
  counters_.tracks_merged += merger_.merge(tracks_, priors_, gate_.grid(), filter_, t);
  erase_dropped();

  // Measurements no track took start tracks (with earlier ones).
  for (auto& started : initiator_.initiate(filter_, sensors_, sensor, t, unused_, scan))
    start(started, sensor, t);
}

template <typename Filter, typename Sensor>
void Tracker<Filter, Sensor>::validate(const Sensor& s, std::span<const Measurement> scan) {
  valid_.clear();
  for (std::uint32_t i = 0; i < scan.size(); ++i) {
    const std::optional<double>& rate = scan[i].range_rate_mps;
    const double rate_var = scan[i].range_rate_var;
    if (!scan[i].z.allFinite() || !scan[i].R.allFinite()) {
      ++counters_.rejected[static_cast<int>(RejectReason::non_finite)];
    } else if (rate && (!std::isfinite(*rate) || !(rate_var > 0.0) || !std::isfinite(rate_var))) {
      ++counters_.rejected[static_cast<int>(RejectReason::bad_range_rate)];
    } else if (!s.valid(scan[i].z)) {
      ++counters_.rejected[static_cast<int>(RejectReason::bad_geometry)];
    } else {
      valid_.push_back(i);
    }
  }
  counters_.measurements += valid_.size();
}

template <typename Filter, typename Sensor>
void Tracker<Filter, Sensor>::expire(double t) {
  bool any = false;
  for (TrackT& tr : tracks_) {
    if (tr.status == TrackStatus::tentative || predictable(filter_, tr.state) ||
        t - tr.last_update_s <= deleter_.config().max_coast_s)
      continue;
    tr.status = TrackStatus::dropped;
    ++counters_.deleted[static_cast<int>(DropReason::coast_time)];
    any = true;
  }
  if (any) erase_dropped();
}

template <typename Filter, typename Sensor>
void Tracker<Filter, Sensor>::predict(double t) {
  priors_.resize(tracks_.size());
  for (std::size_t k = 0; k < tracks_.size(); ++k)
    priors_[k] = filter_.predict(tracks_[k].state, t - tracks_[k].t_s);
}

// A track left unassigned costs its gate (what a gated pair may cost at most), so that any
// gated pair is worth taking.
template <typename Filter, typename Sensor>
void Tracker<Filter, Sensor>::associate() {
  const std::size_t n_tracks = tracks_.size();
  const std::span<const GatedPair> pairs = gate_.pairs();
  miss_cost_.assign(n_tracks, gate_.max_cost());
  const Association a = associator_.associate(n_tracks, valid_.size(), pairs, miss_cost_);
  counters_.largest_cluster = std::max(counters_.largest_cluster, a.stats.largest_cluster);
  pair_of_row_.assign(n_tracks, kUnassigned);
  for (std::uint32_t i = 0; i < pairs.size(); ++i)
    if (a.row_to_col[pairs[i].row] == static_cast<int>(pairs[i].col))
      pair_of_row_[pairs[i].row] = i;
  unused_.clear();
  for (std::uint32_t j = 0; j < valid_.size(); ++j)
    if (a.col_to_row[j] < 0) unused_.push_back(valid_[j]);
}

template <typename Filter, typename Sensor>
void Tracker<Filter, Sensor>::update(std::size_t k, std::uint32_t sensor, double t,
                                     std::span<const Measurement> scan) {
  TrackT& tr = tracks_[k];
  const std::uint32_t pi = pair_of_row_[k];
  const Innovation<N>& in = gate_.innovations()[pi];
  const Measurement& m = scan[valid_[gate_.pairs()[pi].col]];
  State post = priors_[k];
  if (const UpdateResult r = filter_.update(post, in, sensors_[sensor], m); !r.fused()) {
    ++counters_.update_failures[static_cast<std::size_t>(r.status)];
    note(tr, t, sensor, in.nu, in.S, in.nis, UpdateOutcome::numerical_failure, r.reason);
    return;
  }
  tr.state = post;
  tr.t_s = t;
  tr.last_update_s = t;
  tr.last_sensor = sensor;
  ++tr.hits;
  ++tr.looks;
  tr.misses = 0;
  ++counters_.updates;
  // Every track, boosting or not, tentative or not, must stay a possible missile in flight.
  if (!plausible(filter_, tr.state)) {
    note(tr, t, sensor, in.nu, in.S, in.nis, UpdateOutcome::fused, "implausible: dropped");
    if (tr.status != TrackStatus::tentative)
      ++counters_.deleted[static_cast<int>(DropReason::implausible)];
    tr.status = TrackStatus::dropped;
    return;
  }
  if (tr.status == TrackStatus::tentative && confirmer_.confirms(tr.hits)) {
    tr.status = TrackStatus::confirmed;
    ++counters_.tracks_confirmed;
    just_confirmed_.push_back(static_cast<std::uint32_t>(k));
  } else if (tr.status == TrackStatus::coasting) {
    tr.status = TrackStatus::confirmed;
  }
  note(tr, t, sensor, in.nu, in.S, in.nis, UpdateOutcome::fused, "assigned");
}

template <typename Filter, typename Sensor>
void Tracker<Filter, Sensor>::miss(std::size_t k, std::uint32_t sensor, double t) {
  TrackT& tr = tracks_[k];
  const State& prior = priors_[k];
  if (keep_diagnostics_) {
    const auto& near = gate_.near_miss(k);
    if (gate_.gated(k))
      note(tr, t, sensor, Vec3::Zero(), Mat3::Zero(), 0.0, UpdateOutcome::lost_assignment,
           "its gated measurements went to other tracks");
    else if (std::isfinite(near.nis))
      note(tr, t, sensor, near.nu, near.S, near.nis, UpdateOutcome::outside_gate,
           "nearest measurement outside the gate");
  }
  if (sensors_[sensor].covers(gate_.centre(k))) {
    ++tr.looks;
    ++tr.misses;
  }
  const bool is_predictable = predictable(filter_, prior);
  if (is_predictable) {
    // Coasted forward: the next prediction starts here, not from the last update.
    tr.state = prior;
    tr.t_s = t;
  }
  if (tr.status == TrackStatus::tentative) {
    if (confirmer_.rejects(tr.hits, tr.looks)) tr.status = TrackStatus::dropped;
    return;
  }
  MissedTrack missed;
  missed.misses = tr.misses;
  missed.position_sigma_m = std::sqrt(pos_cov(filter_.combined(prior).P).trace() / 3.0);
  missed.since_update_s = t - tr.last_update_s;
  missed.predictable = is_predictable;
  missed.plausible = plausible(filter_, prior);
  const Verdict v = deleter_.judge(missed);
  if (v.fate == Verdict::Fate::coast) {
    tr.status = TrackStatus::coasting;
  } else if (v.fate == Verdict::Fate::drop) {
    tr.status = TrackStatus::dropped;
    ++counters_.deleted[static_cast<int>(v.reason)];
  }
}

template <typename Filter, typename Sensor>
void Tracker<Filter, Sensor>::erase_dropped() {
  const auto before = tracks_.size();
  std::erase_if(tracks_, [](const TrackT& tr) { return tr.status == TrackStatus::dropped; });
  counters_.tracks_dropped += before - tracks_.size();
}

template <typename Filter, typename Sensor>
void Tracker<Filter, Sensor>::start(typename TwoPointInitiator<Filter, Sensor>::Start& started,
                                    std::uint32_t sensor, double t) {
  TrackT tr;
  tr.id = next_id_++;
  tr.status = TrackStatus::tentative;
  tr.t_s = t;
  tr.created_s = t;
  tr.first_seen_s = started.first_seen_s;
  tr.last_update_s = t;
  tr.last_sensor = sensor;
  tr.hits = 2;
  tr.looks = 2;
  tr.state = std::move(started.state);
  tracks_.push_back(std::move(tr));
  ++counters_.tracks_started;
}

template <typename Filter, typename Sensor>
void Tracker<Filter, Sensor>::end_manoeuvres(std::uint64_t track_id) {
  if constexpr (requires(State & s) { filter_.end_boost(s); }) {
    for (auto& tr : tracks_)
      if (tr.id == track_id) filter_.end_boost(tr.state);
  }
}

template <typename Filter, typename Sensor>
void Tracker<Filter, Sensor>::resume_manoeuvres(std::uint64_t track_id, double probability) {
  if constexpr (requires(State & s) { filter_.resume_boost(s, probability); }) {
    for (auto& tr : tracks_)
      if (tr.id == track_id) filter_.resume_boost(tr.state, probability);
  }
}

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
  d.gate = gate_.chi2();
  d.outcome = o;
  d.reason = reason;
  diagnostics_.push_back(d);
}

}  // namespace trilink::track
