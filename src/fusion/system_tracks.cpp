#include "fusion/system_tracks.hpp"

#include <algorithm>

#include "track/ballistic_model.hpp"

namespace trilink::fusion {

namespace {

// A missile below the ground has fallen: its track ends there (nothing is released below).
// On the hub's hot path: the closed-form height (good to metres below 1000 km), not the
// iterative geodetic conversion.
bool below_ground(const Estimate& e) {
  return track::approx_height_m(e.x.head<3>()) < 0.0;
}

share::Releasability intersection_of(std::span<const share::Header> headers) {
  share::Releasability label = share::Releasability::all();
  for (const auto& h : headers) label = label.intersect(h.releasability);
  return label;
}

share::TrackStatus status_of(std::span<const share::TrackStatus> members) {
  if (std::ranges::find(members, share::TrackStatus::confirmed) != members.end())
    return share::TrackStatus::confirmed;
  if (std::ranges::find(members, share::TrackStatus::tentative) != members.end())
    return share::TrackStatus::tentative;
  return share::TrackStatus::coasting;
}

}  // namespace

std::optional<std::uint64_t> SystemTrackManager::system_id_of(share::Contribution c) const {
  const auto it = held_.find(Key{c.nation, c.track_id});
  if (it == held_.end() || it->second.system_id == 0) return std::nullopt;
  return it->second.system_id;
}

share::SystemTrack SystemTrackManager::message(const System& s, const Estimate& e,
                                               share::Releasability label,
                                               std::vector<share::Contribution> contributions,
                                               share::TrackStatus status) const {
  share::SystemTrack m;
  m.header.originator = config_.hub;
  m.header.sequence = ++sequence_;
  m.header.time_of_validity = now_;
  m.header.releasability = label;
  m.system_track_id = s.id;
  m.position_ecef_m = e.x.head<3>();
  m.velocity_ecef_mps = e.x.tail<3>();
  m.covariance = e.P;
  m.status = status;
  m.phase = s.phase;
  m.contributions = std::move(contributions);
  return m;
}

std::vector<share::SystemTrack> SystemTrackManager::update(
    geo::UtcTime t, std::span<const share::LocalTrack> tracks) {
  now_ = t;
  diagnostics_.rejected.clear();
  diagnostics_.gate_tests.clear();

  const auto end_contribution = [&](std::map<Key, Held>::iterator it) {
    if (it->second.system_id != 0) {
      System& s = systems_.at(it->second.system_id);
      std::erase(s.members, it->first);
      if (s.members.empty()) s.last_contribution = t;
    }
    return held_.erase(it);
  };
  const auto reject = [&](Key k, FusionFailure f) {
    diagnostics_.rejected.push_back(RejectedTrack{{k.nation, k.track_id}, std::move(f)});
    ++diagnostics_.rejected_total;
  };

  // 1-2. Take in the new reports.
  for (const share::LocalTrack& tr : tracks) {
    const Key k{tr.header.originator.nation, tr.track_id};
    if (auto e = to_estimate(tr); !e) {
      reject(k, e.error());
      continue;
    }
    auto it = held_.find(k);
    if (it != held_.end() && tr.header.time_of_validity < it->second.track.header.time_of_validity)
      continue;
    if (tr.status == share::TrackStatus::dropped) {
      if (it != held_.end()) end_contribution(it);
      continue;
    }
    if (it != held_.end())
      it->second.track = tr;
    else
      held_.emplace(k, Held{tr, Estimate{}, 0});
  }

  // 2-3. End stale contributions, align the others to t.
  for (auto it = held_.begin(); it != held_.end();) {
    if (t.seconds_since(it->second.track.header.time_of_validity) > config_.stale_after_s) {
      it = end_contribution(it);
      continue;
    }
    auto aligned = align(it->second.track, t, config_.model);
    if (!aligned) {
      reject(it->first, aligned.error());
      it = end_contribution(it);
      continue;
    }
    if (below_ground(*aligned)) {
      it = end_contribution(it);
      continue;
    }
    it->second.aligned = *aligned;
    ++it;
  }

  // 6 (first half). End system tracks that coasted too long; predict the others' coast.
  std::vector<std::uint64_t> ids;
  std::vector<Group> groups;
  for (auto it = systems_.begin(); it != systems_.end();) {
    System& s = it->second;
    if (s.members.empty()) {
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
    ++it;
  }

  // 4. Associate the new contributions.
  std::vector<Key> fresh;
  std::vector<Candidate> candidates;
  for (const auto& [k, h] : held_)
    if (h.system_id == 0) {
      fresh.push_back(k);
      candidates.push_back(Candidate{k.nation, h.aligned});
    }
  if (!candidates.empty()) {
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

  // 5. Fuse.
  std::vector<share::SystemTrack> out;
  for (auto& [id, s] : systems_) {
    if (s.members.empty()) {
      out.push_back(
          message(s, s.fused, intersection_of(s.fused_from), {}, share::TrackStatus::coasting));
      continue;
    }
    std::ranges::sort(s.members);
    std::vector<Estimate> estimates;
    std::vector<share::Header> headers;
    std::vector<share::TrackStatus> statuses;
    std::vector<share::Contribution> contributions;
    share::FlightPhase past = share::FlightPhase::boost;  // the latest phase past burnout
    bool any_boost = false;
    for (const Key& k : s.members) {
      const Held& h = held_.at(k);
      estimates.push_back(h.aligned);
      headers.push_back(h.track.header);
      statuses.push_back(h.track.status);
      contributions.push_back({k.nation, k.track_id});
      if (h.track.phase == share::FlightPhase::boost)
        any_boost = true;
      else
        past = std::max(past, h.track.phase);
    }
    auto fused = covariance_intersection(estimates);
    if (!fused) {
      ++diagnostics_.fusion_failures_total;
      continue;
    }
    if (below_ground(fused->fused)) continue;
    s.fused = fused->fused;
    s.fused_at = t;
    s.fused_from = headers;
    s.thrust = s.energy.add(t.seconds_since(geo::UtcTime{}),
                            track::mechanical_energy(s.fused.x, s.fused.P));
    // Past burnout when every contribution says so (each nation judged it on its own track);
    // when they disagree, only if the fused track's own energy shows no thrust.
    if (past != share::FlightPhase::boost && any_boost && !track::no_thrust(s.thrust))
      past = share::FlightPhase::boost;
    s.phase = past;
    s.last_contribution = t;
    out.push_back(message(s, s.fused, intersection_of(headers), std::move(contributions),
                          status_of(statuses)));
  }
  return out;
}

}  // namespace trilink::fusion
