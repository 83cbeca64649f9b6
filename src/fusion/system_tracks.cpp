#include "fusion/system_tracks.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "track/ballistic_model.hpp"

namespace trilink::fusion {

namespace {

// A missile below the ground has fallen: its track ends there (nothing is released below).
// On the hub's hot path: the closed-form height (good to metres below 1000 km), not the
// iterative geodetic conversion.
bool below_ground(const Estimate& e) {
  return track::approx_height_m(e.x.head<3>()) < 0.0;
}

// take()'s index (system_tracks.hpp): the largest acceleration of the alignment's ballistic
// prediction, m/s^2 - J2 gravity at the surface (9.83) and the Coriolis (1.17 at 8 km/s) and
// centrifugal (0.03) terms, rounded up.
constexpr double kMaxAccel = 12.0;

double position_sigma(const Estimate& e) {
  return std::sqrt(std::max(0.0, e.P.topLeftCorner<3, 3>().trace()));
}

// A sphere holding the position of `e` predicted over [from_s, to_s] (s after its time) by the
// ballistic model (process noise q m^2/s^3), widened by the gate radius for a candidate of
// position sigma `candidate_sigma_m`. Sigma grows at most as sigma_p + sigma_v dt +
// sqrt(q dt^3) (the prediction's transition is I, dt I up to the gravity gradient's 1e-3: the
// 5 % and 10 m).
struct Sphere {
  Eigen::Vector3d centre;
  double radius_m = 0.0;
};
Sphere reach(const Estimate& e, double from_s, double to_s, double sqrt_gate,
             double candidate_sigma_m, double q_m2ps3) {
  const double mid = 0.5 * (from_s + to_s);
  const double far = std::max(std::abs(from_s), std::abs(to_s));
  const double sigma_v = std::sqrt(std::max(0.0, e.P.bottomRightCorner<3, 3>().trace()));
  const double sigma =
      1.05 * (position_sigma(e) + sigma_v * far + std::sqrt(q_m2ps3 * far * far * far)) + 10.0;
  const Eigen::Vector3d v = e.x.tail<3>();
  return {e.x.head<3>() + v * mid, v.norm() * 0.5 * (to_s - from_s) + 0.5 * kMaxAccel * far * far +
                                       sqrt_gate * (sigma + candidate_sigma_m)};
}

// The key of the cell of side cell_m holding p, offset by (dx, dy, dz) cells (21 bits an axis,
// clamped: far beyond any missile).
std::uint64_t cell_key(const Eigen::Vector3d& p, double cell_m, int dx = 0, int dy = 0,
                       int dz = 0) {
  const auto axis = [&](double x, int d) {
    const double c = std::clamp(std::floor(x / cell_m) + d, -1048575.0, 1048575.0);
    return static_cast<std::uint64_t>(static_cast<std::int64_t>(c) + 1048576) & 0x1FFFFF;
  };
  return axis(p.x(), dx) | axis(p.y(), dy) << 21 | axis(p.z(), dz) << 42;
}

share::Releasability intersection_of(std::span<const share::Header> headers) {
  share::Releasability label = share::Releasability::all();
  for (const auto& h : headers) label = label.intersect(h.releasability);
  return label;
}

}  // namespace

std::optional<std::uint64_t> SystemTrackManager::system_id_of(share::Contribution c) const {
  const auto it = held_.find(Key{c.nation, c.track_id});
  if (it == held_.end() || it->second.system_id == 0) return std::nullopt;
  return it->second.system_id;
}

share::SystemTrack SystemTrackManager::message(const System& s) const {
  share::SystemTrack m;
  m.header.originator = config_.hub;
  m.header.sequence = ++sequence_;
  m.header.time_of_validity = s.fused_at;
  m.header.releasability = intersection_of(s.fused_from);
  m.system_track_id = s.id;
  m.position_ecef_m = s.fused.x.head<3>();
  m.velocity_ecef_mps = s.fused.x.tail<3>();
  m.covariance = s.fused.P;
  m.status = s.members.empty() ? share::TrackStatus::coasting : s.status;
  m.contributions.reserve(s.members.size());
  for (const Key& k : s.members) m.contributions.push_back({k.nation, k.track_id});
  m.phase = s.phase;
  return m;
}

void SystemTrackManager::reject(Key k, FusionFailure f) {
  diagnostics_.rejected.push_back(RejectedTrack{{k.nation, k.track_id}, std::move(f)});
  ++diagnostics_.rejected_total;
}

std::map<SystemTrackManager::Key, SystemTrackManager::Held>::iterator
SystemTrackManager::end_contribution(std::map<Key, Held>::iterator it, geo::UtcTime t) {
  if (it->second.system_id != 0) {
    System& s = systems_.at(it->second.system_id);
    std::erase(s.members, it->first);
    if (s.members.empty()) {
      s.last_contribution = t;
      coasting_since_index_.push_back(s.id);
    }
  }
  return held_.erase(it);
}

void SystemTrackManager::end_tracks_of(Nation nation, geo::UtcTime t) {
  auto it = held_.lower_bound(Key{nation, 0});
  if (it == held_.end() || it->first.nation != nation) return;
  while (it != held_.end() && it->first.nation == nation) it = end_contribution(it, t);
  index_built_.reset();  // the index names contributions that are gone
}

std::map<SystemTrackManager::Key, SystemTrackManager::Held>::iterator SystemTrackManager::take_in(
    const share::LocalTrack& tr, geo::UtcTime t) {
  const Key k{tr.header.originator.nation, tr.track_id};
  if (auto e = to_estimate(tr); !e) {
    reject(k, e.error());
    return held_.end();
  }
  auto it = held_.find(k);
  if (it != held_.end() && tr.header.time_of_validity < it->second.track.header.time_of_validity)
    return held_.end();
  if (tr.status == share::TrackStatus::dropped) {
    if (it != held_.end()) end_contribution(it, t);
    return held_.end();
  }
  if (it != held_.end()) {
    it->second.track = tr;
    return it;
  }
  return held_.emplace(k, Held{tr, Estimate{}, 0}).first;
}

bool SystemTrackManager::align_or_end(std::map<Key, Held>::iterator it, geo::UtcTime t) {
  Held& h = it->second;
  if (t.seconds_since(h.track.header.time_of_validity) > config_.stale_after_s) {
    end_contribution(it, t);
    return false;
  }
  // Checked when taken in (take_in): predicted as it is.
  auto aligned = predict(estimate_of(h.track), h.track.header.time_of_validity, t, config_.model);
  if (!aligned) {
    reject(it->first, aligned.error());
    end_contribution(it, t);
    return false;
  }
  if (below_ground(*aligned)) {
    end_contribution(it, t);
    return false;
  }
  h.aligned = *aligned;
  h.aligned_at = t;
  return true;
}

std::optional<share::SystemTrack> SystemTrackManager::fuse(System& s, geo::UtcTime t) {
  std::ranges::sort(s.members);
  // The clock fuses every system track: the members' estimates in a buffer kept between calls.
  std::vector<Estimate>& estimates = fuse_buffer_;
  estimates.clear();
  std::vector<share::Header> headers;
  headers.reserve(s.members.size());
  share::TrackStatus status = share::TrackStatus::coasting;  // the best of the members'
  share::FlightPhase past = share::FlightPhase::boost;       // the latest phase past burnout
  bool any_boost = false;
  for (const Key& k : s.members) {
    const Held& h = held_.at(k);
    estimates.push_back(h.aligned);
    headers.push_back(h.track.header);
    if (h.track.status == share::TrackStatus::confirmed ||
        (h.track.status == share::TrackStatus::tentative &&
         status != share::TrackStatus::confirmed))
      status = h.track.status;
    if (h.track.phase == share::FlightPhase::boost)
      any_boost = true;
    else
      past = std::max(past, h.track.phase);
  }
  auto fused = covariance_intersection(estimates);
  if (!fused) {
    ++diagnostics_.fusion_failures_total;
    return std::nullopt;
  }
  if (below_ground(fused->fused)) return std::nullopt;
  s.fused = fused->fused;
  s.fused_at = t;
  s.fused_from = std::move(headers);
  s.thrust =
      s.energy.add(t.seconds_since(geo::UtcTime{}), track::mechanical_energy(s.fused.x, s.fused.P));
  // Past burnout when every contribution says so (each nation judged it on its own track);
  // when they disagree, only if the fused track's own energy shows no thrust and it does not
  // climb slower than any missile burns out.
  if (past != share::FlightPhase::boost && any_boost &&
      (!track::no_thrust(s.thrust) || track::slower_than_any_burnout(s.fused.x)))
    past = share::FlightPhase::boost;
  s.phase = past;
  s.last_contribution = t;
  s.status = status;
  return message(s);
}

std::vector<share::SystemTrack> SystemTrackManager::update(
    geo::UtcTime t, std::span<const share::LocalTrack> tracks) {
  // 1-2. Take in the new reports; the rest in steps, run to the end.
  begin_update(t);
  for (const share::LocalTrack& tr : tracks) take_in(tr, t);
  for (;;)
    if (auto out = update_step(std::numeric_limits<std::size_t>::max())) return std::move(*out);
}

void SystemTrackManager::begin_update(geo::UtcTime t) {
  diagnostics_.rejected.clear();
  diagnostics_.gate_tests.clear();
  index_built_.reset();  // every contribution changes: take() builds the index anew
  pass_.emplace();
  pass_->t = t;
}

std::optional<std::vector<share::SystemTrack>> SystemTrackManager::update_step(std::size_t work) {
  if (!pass_) return std::vector<share::SystemTrack>{};
  Pass& p = *pass_;
  const geo::UtcTime t = p.t;
  // Each stage resumes at the first key or id not yet done (lower_bound): takes between steps
  // may have added or ended contributions and system tracks. A contribution or system track a
  // take() has brought past t is left as the take made it (never aligned back in time).
  const auto systems_from = [&] { return systems_.lower_bound(p.next_id); };
  const auto done_with = [&](auto it, auto end) {
    if (it == end) return true;
    --work;
    return false;
  };
  switch (p.stage) {
    case Pass::Stage::align: {
      // 2-3. End stale contributions, align the others to t.
      auto it = p.next_key ? held_.lower_bound(*p.next_key) : held_.begin();
      while (work > 0 && !done_with(it, held_.end())) {
        const auto next = std::next(it);
        const Key k = it->first;
        if (it->second.aligned_at <= t && align_or_end(it, t) && it->second.system_id == 0)
          p.fresh.push_back(k);
        it = next;
      }
      if (it != held_.end()) {
        p.next_key = it->first;
        break;
      }
      p.stage = Pass::Stage::split;
      p.next_id = 0;
      [[fallthrough]];
    }
    case Pass::Stage::split: {
      // 4 (first half). Split off the contributions that have left their system tracks.
      auto it = systems_from();
      for (; work > 0 && !done_with(it, systems_.end()); ++it) {
        System& s = it->second;
        if (s.fused_at > t) continue;
        for (std::size_t i = 0; i < s.members.size() && s.members.size() > 1;)
          if (left_its_system(s, s.members[i])) {
            p.fresh.push_back(s.members[i]);
            split_off(s, s.members[i]);
            index_built_.reset();  // the index names the system track it left
          } else {
            ++i;
          }
      }
      if (it != systems_.end()) {
        p.next_id = it->first;
        break;
      }
      p.stage = Pass::Stage::coast;
      p.next_id = 0;
      [[fallthrough]];
    }
    case Pass::Stage::coast: {
      // 6 (first half). End system tracks that coasted too long; predict the others' coast.
      auto it = systems_from();
      while (work > 0 && !done_with(it, systems_.end())) {
        System& s = it->second;
        if (s.members.empty() && s.fused_at <= t) {
          if (t.seconds_since(s.last_contribution) > config_.coast_timeout_s) {
            it = systems_.erase(it);
            continue;
          }
          auto coast = predict(s.fused, s.fused_at, t, config_.model);
          if (!coast) {
            ++diagnostics_.fusion_failures_total;
            it = systems_.erase(it);
            continue;
          }
          if (below_ground(*coast)) {
            it = systems_.erase(it);
            continue;
          }
          s.fused = *coast;
          s.fused_at = t;
        }
        ++it;
      }
      if (it != systems_.end()) {
        p.next_id = it->first;
        break;
      }
      p.stage = Pass::Stage::associate;
      [[fallthrough]];
    }
    case Pass::Stage::associate: {
      // 4. Associate the new contributions (one step: the association is global).
      associate_fresh(p.fresh);
      p.stage = Pass::Stage::fuse;
      p.next_id = 0;
      p.out.reserve(systems_.size());  // no step moves the whole picture to grow it
      if (work == 0) break;
      --work;
      [[fallthrough]];
    }
    case Pass::Stage::fuse: {
      // 5. Fuse.
      auto it = systems_from();
      for (; work > 0 && !done_with(it, systems_.end()); ++it) {
        System& s = it->second;
        // Coasting, or fused by a take() since the pass began: as it stands.
        if (s.members.empty() || s.fused_at > t)
          p.out.push_back(message(s));
        else if (auto m = fuse(s, t))
          p.out.push_back(std::move(*m));
      }
      if (it != systems_.end()) {
        p.next_id = it->first;
        break;
      }
      // The index is built anew from the whole picture, unless a take() between the steps
      // built it (what it has taken since is then still to be searched).
      if (!index_built_) coasting_since_index_.clear();
      auto out = std::move(p.out);
      pass_.reset();
      return out;
    }
  }
  return std::nullopt;
}

void SystemTrackManager::associate_fresh(std::vector<Key> keys) {
  // In key order, those still without a system track (a take() between the steps associates
  // the contribution it takes).
  std::ranges::sort(keys);
  const auto [first, last] = std::ranges::unique(keys);
  keys.erase(first, last);
  std::vector<Key> fresh;
  std::vector<Candidate> candidates;
  for (const Key& k : keys)
    if (const auto it = held_.find(k); it != held_.end() && it->second.system_id == 0) {
      fresh.push_back(k);
      candidates.push_back(Candidate{k.nation, it->second.aligned});
    }
  if (candidates.empty()) return;
  index_built_.reset();  // contributions join system tracks the index does not know
  std::vector<std::uint64_t> ids;
  std::vector<Group> groups;
  for (const auto& [id, s] : systems_) {
    Group g;
    if (s.members.empty()) {
      g.members.push_back(s.fused);
    } else {
      for (const Key& k : s.members) {
        g.members.push_back(held_.at(k).aligned);
        g.nations = g.nations.with(k.nation);
      }
    }
    ids.push_back(s.id);
    groups.push_back(std::move(g));
  }
  Grouping grouping = associator_.associate(groups, candidates);
  diagnostics_.gate_tests = std::move(grouping.tests);
  std::vector<std::uint64_t> new_ids(grouping.new_groups, 0);
  for (std::size_t c = 0; c < fresh.size(); ++c) {
    const std::size_t g = grouping.group_of[c];
    std::uint64_t id;
    if (g < ids.size()) {
      id = ids[g];
    } else {
      std::uint64_t& slot = new_ids[g - ids.size()];
      if (slot == 0) {
        slot = next_id_++;
        systems_[slot].id = slot;
      }
      id = slot;
    }
    held_.at(fresh[c]).system_id = id;
    systems_.at(id).members.push_back(fresh[c]);
  }
}

std::optional<share::SystemTrack> SystemTrackManager::take(geo::UtcTime t,
                                                           const share::LocalTrack& track) {
  diagnostics_.rejected.clear();
  diagnostics_.gate_tests.clear();
  const auto it = take_in(track, t);
  if (it == held_.end()) return std::nullopt;
  const Key k = it->first;
  if (!align_or_end(it, t)) return std::nullopt;
  if (it->second.system_id == 0) associate_one(k, t);
  // After association: the index, built or not, holds the report from now on.
  if (index_built_) index_taken(k, track, t);
  System* s = &systems_.at(it->second.system_id);
  const std::vector<Key> members = s->members;
  for (const Key& m : members)
    if (m != k) align_or_end(held_.find(m), t);
  if (s->members.size() > 1 && left_its_system(*s, k)) {
    split_off(*s, k);
    associate_one(k, t);
    s = &systems_.at(it->second.system_id);
  } else if (s->members.size() == 1 && track.status == share::TrackStatus::confirmed) {
    if (const auto into = older_system_of(k, t)) {
      // A second system track of a missile boosting low: its only member joins the older one
      // (their first estimates did not gate: one of them was young and off), and it ends.
      systems_.erase(s->id);
      it->second.system_id = *into;
      s = &systems_.at(*into);
      s->members.push_back(k);
    }
  }
  return fuse(*s, t);
}

std::optional<std::uint64_t> SystemTrackManager::older_system_of(Key k, geo::UtcTime t) {
  const Held& h = held_.at(k);
  std::vector<std::uint64_t> ids;
  std::vector<Group> groups;
  for (const std::uint64_t id : systems_near(h.aligned, t)) {
    if (id >= h.system_id) break;  // ascending
    const auto sit = systems_.find(id);
    if (sit == systems_.end() || sit->second.members.empty() ||
        sit->second.phase != share::FlightPhase::boost ||
        track::approx_height_m(sit->second.fused.x.head<3>()) >= config_.merge_below_m)
      continue;
    Group g;
    if (!live_group(sit->second, t, g)) continue;
    ids.push_back(id);
    groups.push_back(std::move(g));
  }
  if (groups.empty()) return std::nullopt;
  const Candidate candidate{k.nation, h.aligned};
  const Grouping grouping = associator_.associate(groups, std::span(&candidate, 1));
  const std::size_t g = grouping.group_of[0];
  if (g >= ids.size()) return std::nullopt;
  return ids[g];
}

bool SystemTrackManager::live_group(System& s, geo::UtcTime t, Group& g) {
  const std::vector<Key> members = s.members;
  for (const Key& m : members) align_or_end(held_.find(m), t);
  for (const Key& m : s.members) {
    g.members.push_back(held_.at(m).aligned);
    g.nations = g.nations.with(m.nation);
  }
  return !s.members.empty();
}

bool SystemTrackManager::left_its_system(const System& s, Key k) const {
  const Estimate& e = held_.at(k).aligned;
  const double split = config_.split_gate_factor * config_.association.gate;
  for (const Key& m : s.members) {
    if (m == k) continue;
    const auto d2 = distance_squared(e, held_.at(m).aligned, config_.association);
    if (!d2 || *d2 <= split) return false;
  }
  return true;
}

void SystemTrackManager::split_off(System& s, Key k) {
  std::erase(s.members, k);
  held_.at(k).system_id = 0;
}

void SystemTrackManager::associate_one(Key k, geo::UtcTime t) {
  Held& h = held_.at(k);
  std::vector<std::uint64_t> ids;
  std::vector<Group> groups;
  for (const std::uint64_t id : systems_near(h.aligned, t)) {
    const auto sit = systems_.find(id);
    if (sit == systems_.end()) continue;
    System& s = sit->second;
    Group g;
    if (!live_group(s, t, g)) {
      if (t.seconds_since(s.last_contribution) > config_.coast_timeout_s) continue;
      auto coast = predict(s.fused, s.fused_at, t, config_.model);
      if (!coast || below_ground(*coast)) continue;
      g.members.push_back(*coast);
    }
    ids.push_back(id);
    groups.push_back(std::move(g));
  }
  const Candidate candidate{k.nation, h.aligned};
  Grouping grouping = associator_.associate(groups, std::span(&candidate, 1));
  diagnostics_.gate_tests = std::move(grouping.tests);
  const std::size_t g = grouping.group_of[0];
  std::uint64_t id;
  if (g < ids.size()) {
    id = ids[g];
  } else {
    id = next_id_++;
    systems_[id].id = id;
  }
  h.system_id = id;
  systems_.at(id).members.push_back(k);
}

std::vector<std::uint64_t> SystemTrackManager::systems_near(const Estimate& candidate,
                                                            geo::UtcTime t) {
  const double sqrt_gate = std::sqrt(config_.association.gate);
  const double q = config_.model.q_vel_m2ps3;
  const double candidate_sigma = position_sigma(candidate);
  const Eigen::Vector3d p = candidate.x.head<3>();
  // The bound of the header, at t.
  const auto near = [&](const Estimate& e, geo::UtcTime at) {
    const double dt = t.seconds_since(at);
    const Sphere s = reach(e, dt, dt, sqrt_gate, candidate_sigma, q);
    return (p - s.centre).norm() <= s.radius_m;
  };
  std::vector<std::uint64_t> out;
  const auto add_if_near = [&](Key k) {
    const auto it = held_.find(k);
    if (it != held_.end() && it->second.system_id != 0 &&
        near(estimate_of(it->second.track), it->second.track.header.time_of_validity))
      out.push_back(it->second.system_id);
  };
  const auto add_if_coasting_near = [&](std::uint64_t id) {
    const auto it = systems_.find(id);
    if (it != systems_.end() && it->second.members.empty() &&
        near(it->second.fused, it->second.fused_at))
      out.push_back(id);
  };

  if (candidate_sigma > config_.index_pad_sigma_m) {
    for (const auto& [k, h] : held_) add_if_near(k);
    for (const auto& [id, s] : systems_) add_if_coasting_near(id);
  } else {
    if (!index_built_ || t < *index_built_ ||
        t.seconds_since(*index_built_) > config_.index_horizon_s)
      build_index(t);
    index_.for_each_candidate(p, [&](std::uint32_t i) { out.push_back(index_systems_[i]); });
    for (int dx = -1; dx <= 1; ++dx)
      for (int dy = -1; dy <= 1; ++dy)
        for (int dz = -1; dz <= 1; ++dz)
          if (const auto it = taken_cells_.find(cell_key(p, config_.index_cell_m, dx, dy, dz));
              it != taken_cells_.end())
            for (const Key k : it->second) add_if_near(k);
    for (const Key k : taken_wide_) add_if_near(k);
    for (const std::uint64_t id : coasting_since_index_) add_if_coasting_near(id);
  }
  std::ranges::sort(out);
  const auto [first, last] = std::ranges::unique(out);
  out.erase(first, last);
  return out;
}

void SystemTrackManager::build_index(geo::UtcTime t) {
  const double sqrt_gate = std::sqrt(config_.association.gate);
  const double q = config_.model.q_vel_m2ps3;
  const double pad = config_.index_pad_sigma_m;
  std::vector<Eigen::Vector3d> centres;
  std::vector<double> radii;
  index_systems_.clear();
  const auto add = [&](const Estimate& e, geo::UtcTime at, std::uint64_t id) {
    const double from = t.seconds_since(at);
    const Sphere s = reach(e, from, from + config_.index_horizon_s, sqrt_gate, pad, q);
    centres.push_back(s.centre);
    radii.push_back(s.radius_m);
    index_systems_.push_back(id);
  };
  for (const auto& [k, h] : held_)
    if (h.system_id != 0) add(estimate_of(h.track), h.track.header.time_of_validity, h.system_id);
  for (const auto& [id, s] : systems_)
    if (s.members.empty()) add(s.fused, s.fused_at, id);
  index_.build(centres, radii);
  index_built_ = t;
  taken_cells_.clear();
  taken_wide_.clear();
  coasting_since_index_.clear();
}

void SystemTrackManager::index_taken(Key k, const share::LocalTrack& tr, geo::UtcTime t) {
  const double from = t.seconds_since(tr.header.time_of_validity);
  const double to =
      index_built_->plus_seconds(config_.index_horizon_s).seconds_since(tr.header.time_of_validity);
  const Sphere s =
      reach(estimate_of(tr), from, std::max(from, to), std::sqrt(config_.association.gate),
            config_.index_pad_sigma_m, config_.model.q_vel_m2ps3);
  if (s.radius_m <= config_.index_cell_m)
    taken_cells_[cell_key(s.centre, config_.index_cell_m)].push_back(k);
  else
    taken_wide_.push_back(k);
}

}  // namespace trilink::fusion
