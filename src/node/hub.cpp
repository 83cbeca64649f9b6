#include "node/hub.hpp"

#include <algorithm>

namespace trilink::node {

namespace {

// The areas nation `n` is warned for at the hub: its own (the USA's are Guam and Hawaii).
std::vector<warn::ProtectedArea> areas_of(const std::vector<warn::ProtectedArea>& all, Nation n) {
  std::vector<warn::ProtectedArea> out;
  for (const auto& a : all)
    if (a.nation == n) out.push_back(a);
  return out;
}

}  // namespace

Hub::Hub(HubConfig config, const share::Policy& policy)
    : config_(std::move(config)),
      policy_(policy),
      gatekeeper_(policy,
                  share::GatekeeperConfig{Nation::USA, config_.name, config_.name, config_.gate}),
      fusion_(config_.fusion),
      products_(config_.products, share::Originator{Nation::USA, config_.name, std::nullopt},
                policy.label_for(share::MessageType::impact_prediction, Nation::USA)) {
  for (const auto& [nation, node] : config_.nation_nodes) {
    Recipient r;
    r.nation = nation;
    r.node = node;
    r.products = std::make_unique<ProductMaker>(
        config_.products, share::Originator{Nation::USA, config_.name, std::nullopt},
        share::Releasability{Nation::USA, nation});
    warn::AlertConfig ac;
    ac.nation = Nation::USA;
    ac.node = config_.name;
    // The alerts for one nation's areas go to that nation (and the hub's own), as far as the
    // policy shares alerts at all (release() narrows every message to the policy again).
    ac.releasability = policy.label_for(share::MessageType::alert, Nation::USA)
                           .intersect(share::Releasability{Nation::USA, nation});
    r.alerts = std::make_unique<warn::AlertManager>(areas_of(config_.areas, nation), ac);
    recipients_.push_back(std::move(r));
  }
}

TrackView Hub::view(const share::SystemTrack& s) {
  TrackView v;
  v.id = s.system_track_id;
  v.time = s.header.time_of_validity;
  track::Vec<6> x;
  x << s.position_ecef_m, s.velocity_ecef_mps;
  v.state = with_zero_thrust(x, s.covariance);
  v.confirmed = s.status == share::TrackStatus::confirmed;
  v.boosting = s.phase == share::FlightPhase::boost;
  return v;
}

void Hub::release(Recipient& r, share::Message m, Outbox& out) {
  share::Header& h = share::header(m);
  // The policy's rules for the type: shared at all, under the label the hub gives it (empty
  // for a type not shared), narrowed by the content's own label.
  h.releasability = h.releasability.intersect(policy_.label_for(share::type_of(m), Nation::USA));
  if (!h.releasability.contains(r.nation)) return;  // the policy does not release it to r
  h.originator = share::Originator{Nation::USA, config_.name, std::nullopt};
  h.session_start = config_.session_start;
  h.sequence = ++r.sequence;
  share::ReleaseRecord rec;
  rec.recipient = r.nation;
  rec.type = share::type_of(m);
  rec.originator = h.originator;
  rec.sequence = h.sequence;
  rec.time_of_validity = h.time_of_validity;
  rec.label = h.releasability;
  ++counters_.released;
  out.push_back({r.node, std::move(m), rec});
}

const std::vector<share::SystemTrack>& Hub::view_of(Recipient& r) {
  if (r.view_version != version_) {
    r.view = fusion_.release_view(r.nation, policy_);
    r.view_version = version_;
  }
  return r.view;
}

void Hub::release_tracks(geo::UtcTime now, bool only_due, std::optional<std::uint64_t> only_id,
                         Outbox& out) {
  for (Recipient& r : recipients_) {
    for (const auto& s : view_of(r)) {
      if (only_id && s.system_track_id != *only_id) continue;
      auto it = r.released.find(s.system_track_id);
      const bool due = it == r.released.end() || it->second.second != s.status ||
                       now.seconds_since(it->second.first) >= config_.release_interval_s;
      if (only_due && !due) continue;
      r.released[s.system_track_id] = {now, s.status};
      release(r, s, out);
    }
  }
}

Outbox Hub::on_message(const share::Message& m, std::string_view from, geo::UtcTime received) {
  Outbox out;
  ++counters_.received;
  if (!gatekeeper_.admit(m, from, received)) {
    ++counters_.rejected;
    return out;
  }
  ++counters_.admitted;
  if (const auto* t = std::get_if<share::LocalTrack>(&m)) {
    ++counters_.local_tracks;
    const geo::UtcTime at = last_update_ ? std::max(*last_update_, received) : received;
    last_update_ = at;
    picture_ = fusion_.update(at, std::span<const share::LocalTrack>(t, 1));
    ++version_;
    const auto id =
        fusion_.system_id_of(share::Contribution{t->header.originator.nation, t->track_id});
    if (id) release_tracks(at, true, id, out);
  } else if (std::holds_alternative<share::NodeHealth>(m)) {
    ++counters_.health;
  }
  return out;
}

Outbox Hub::tick(geo::UtcTime now) {
  Outbox out;
  const geo::UtcTime at = last_update_ ? std::max(*last_update_, now) : now;
  last_update_ = at;
  picture_ = fusion_.update(at, {});
  ++version_;
  release_tracks(at, true, std::nullopt, out);

  // Products of the whole system tracks, computed once.
  std::map<std::uint64_t, Products> whole;
  std::map<std::uint64_t, const share::SystemTrack*> by_id;
  for (const auto& s : picture_) {
    whole[s.system_track_id] = products_.update(view(s));
    by_id[s.system_track_id] = &s;
  }
  for (Recipient& r : recipients_) {
    std::vector<warn::TrackSituation> situations;
    for (const auto& v : view_of(r)) {
      const auto full = by_id.find(v.system_track_id);
      const bool same = full != by_id.end() && full->second->contributions == v.contributions;
      Products p;
      if (same) {
        p = whole[v.system_track_id];
        situations.push_back(products_.situation(view(*full->second)));
      } else {
        p = r.products->update(view(v));
        situations.push_back(r.products->situation(view(v)));
      }
      if (p.launch) {
        p.launch->header.releasability = v.header.releasability;
        release(r, *p.launch, out);
      }
      if (p.impact) {
        p.impact->header.releasability = v.header.releasability;
        release(r, *p.impact, out);
      }
    }
    for (auto& a : r.alerts->step(at, situations)) release(r, std::move(a.alert), out);
  }
  return out;
}

}  // namespace trilink::node
