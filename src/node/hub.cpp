#include "node/hub.hpp"

#include <algorithm>
#include <limits>
#include <utility>

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
                  share::GatekeeperConfig{Nation::USA, config_.name, config_.name, config_.gate}) {
  // One picture for all until a track is withheld from someone.
  auto all = std::make_unique<Picture>(Picture{
      {},
      true,
      fusion::SystemTrackManager(config_.fusion),
      ProductMaker(config_.products, share::Originator{Nation::USA, config_.name, std::nullopt},
                   policy.label_for(share::MessageType::impact_prediction, Nation::USA)),
      std::nullopt,
      {}});
  own_ = all.get();
  pictures_.push_back(std::move(all));
  for (const auto& [nation, node] : config_.nation_nodes) {
    Recipient r;
    r.nation = nation;
    r.node = node;
    r.picture = own_;
    own_->members = own_->members.with(nation);
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

Hub::Picture* Hub::picture_for(Picture& p, share::Releasability to) {
  const share::Releasability in = p.members.intersect(to);
  if (in == p.members) return &p;  // the hub's own always takes the track
  if (in.empty() && !p.hub_own) return nullptr;
  auto split = std::make_unique<Picture>(p);
  split->members = in;
  p.members = p.members.without(in);
  p.hub_own = false;
  if (split->hub_own) own_ = split.get();
  for (Recipient& r : recipients_)
    if (in.contains(r.nation)) r.picture = split.get();
  pictures_.push_back(std::move(split));
  return pictures_.back().get();
}

geo::UtcTime Hub::advance(Picture& p, geo::UtcTime t) {
  const geo::UtcTime at = p.last_update ? std::max(*p.last_update, t) : t;
  p.last_update = at;
  return at;
}

void Hub::release_track(Recipient& r, geo::UtcTime now, const share::SystemTrack& s, bool fused,
                        Outbox& out) {
  const auto [it, fresh] = r.released.try_emplace(s.system_track_id);
  Recipient::Released& last = it->second;
  const double interval_s = config_.release_interval_s;
  const bool interval = now.seconds_since(last.at) >= interval_s;
  bool due = fresh || last.status != s.status;
  if (config_.refresh == Refresh::periodic || fused)
    due = due || interval;
  else
    due = due || (last.held_since && now.seconds_since(*last.held_since) >= interval_s) ||
          (interval && (last.phase != s.phase || last.contributions != s.contributions));
  if (!due) {
    if (fused && !last.held_since) last.held_since = now;
    return;
  }
  last.at = now;
  last.status = s.status;
  last.phase = s.phase;
  last.contributions = s.contributions;
  last.held_since.reset();
  release(r, s, out);
}

void Hub::forget_releases() {
  for (Recipient& r : recipients_) r.released.clear();
}

Outbox Hub::on_message(const share::Message& m, std::string_view from, geo::UtcTime received) {
  Outbox out;
  ++counters_.received;
  const share::Verdict v = gatekeeper_.admit(m, from, received);
  if (!v) {
    ++counters_.rejected;
    return out;
  }
  ++counters_.admitted;
  // A node that restarted numbers its tracks afresh: the old session's tracks ended with it,
  // before the new one's first is taken for one of them.
  if (v.restarted) {
    ++counters_.restarts;
    const Nation nation = share::header(m).originator.nation;
    for (auto& p : pictures_) p->fusion.end_tracks_of(nation, advance(*p, received));
  }
  if (const auto* t = std::get_if<share::LocalTrack>(&m)) {
    ++counters_.local_tracks;
    // The track as the policy releases it: its label is the one its system tracks inherit.
    share::LocalTrack released = *t;
    released.header.releasability = policy_.release_to(share::MessageType::local_track, t->header);
    // Each picture that takes it fuses it into its one system track (the rest of the picture
    // waits for the clock), released at once to that picture's nations.
    const std::size_t existing = pictures_.size();
    for (std::size_t i = 0; i < existing; ++i) {
      Picture* p = picture_for(*pictures_[i], released.header.releasability);
      if (!p) continue;
      const geo::UtcTime at = advance(*p, received);
      const auto system = p->fusion.take(at, released);
      if (!system) continue;
      for (Recipient& r : recipients_)
        if (r.picture == p) release_track(r, at, *system, true, out);
    }
  } else if (std::holds_alternative<share::NodeHealth>(m)) {
    ++counters_.health;
  }
  return out;
}

Outbox Hub::tick(geo::UtcTime now) {
  Outbox out;
  begin_tick(now);
  while (!tick_step(out, std::numeric_limits<std::size_t>::max())) {
  }
  return out;
}

geo::UtcTime Hub::TickPass::at(const Picture* p) const {
  for (const auto& [q, t] : pictures)
    if (q == p) return t;
  return {};
}

void Hub::begin_tick(geo::UtcTime now) {
  pass_.emplace();
  for (auto& p : pictures_) {
    const geo::UtcTime at = advance(*p, now);
    p->fusion.begin_update(at);
    pass_->pictures.emplace_back(p.get(), at);
  }
  for (const Recipient& r : recipients_) pass_->served.push_back(r.picture);
}

bool Hub::tick_step(Outbox& out, std::size_t work) {
  if (!pass_) return true;
  TickPass& pass = *pass_;
  for (std::size_t n = std::min<std::size_t>(work, 64); n > 0 && !pass.retired.empty(); --n) {
    if (pass.retired.back().empty())
      pass.retired.pop_back();
    else
      pass.retired.back().pop_back();
  }
  // A recipient still served by the picture the tick began with.
  const auto serving = [&](std::size_t i) { return recipients_[i].picture == pass.served[i]; };
  switch (pass.stage) {
    case TickPass::Stage::fuse: {
      // Each picture brought to its time.
      for (; pass.picture < pass.pictures.size(); ++pass.picture) {
        Picture* p = pass.pictures[pass.picture].first;
        auto tracks = p->fusion.update_step(work);
        if (!tracks) return false;
        // The last picture's tracks are freed a few at a time by the steps that follow (at
        // 10,000 tracks, freeing them at once was the longest step: ~0.5 ms).
        pass.retired.push_back(std::exchange(p->tracks, std::move(*tracks)));
        // The fusion does not say how much of `work` it used: a bounded step ends here.
        if (work != std::numeric_limits<std::size_t>::max()) work = 0;
      }
      pass.stage = TickPass::Stage::release;
      pass.recipient = 0;
      pass.index = 0;
      [[fallthrough]];
    }
    case TickPass::Stage::release: {
      // What is due to each nation.
      for (; pass.recipient < recipients_.size(); ++pass.recipient, pass.index = 0) {
        if (!serving(pass.recipient)) continue;
        Recipient& r = recipients_[pass.recipient];
        const geo::UtcTime at = pass.at(r.picture);
        const auto& tracks = r.picture->tracks;
        for (; pass.index < tracks.size(); ++pass.index) {
          if (work == 0) return false;
          --work;
          release_track(r, at, tracks[pass.index], false, out);
        }
      }
      pass.stage = TickPass::Stage::products;
      pass.picture = 0;
      pass.index = 0;
      [[fallthrough]];
    }
    case TickPass::Stage::products: {
      // Products of each picture's system tracks, computed once for all the nations it serves.
      for (; pass.picture < pass.pictures.size(); ++pass.picture, pass.index = 0) {
        Picture* p = pass.pictures[pass.picture].first;
        if (p->members.empty()) continue;  // the hub's own alone: nobody to release products to
        auto& made = pass.products[p];
        auto& situations = pass.situations[p];
        for (; pass.index < p->tracks.size(); ++pass.index) {
          if (work == 0) return false;
          --work;
          const TrackView v = view(p->tracks[pass.index]);
          if (Products m = p->products.update(v); m.launch || m.impact)
            made.emplace_back(pass.index, std::move(m));
          situations.push_back(p->products.situation(v));
        }
      }
      pass.stage = TickPass::Stage::send;
      pass.recipient = 0;
      pass.index = 0;
      [[fallthrough]];
    }
    case TickPass::Stage::send: {
      // Each nation's products, then its alerts (a step's last work: each nation's alert
      // manager goes over the whole picture).
      for (; pass.recipient < recipients_.size(); ++pass.recipient, pass.index = 0) {
        if (work == 0) return false;
        if (!serving(pass.recipient)) continue;
        Recipient& r = recipients_[pass.recipient];
        const auto& tracks = r.picture->tracks;
        const auto& made = pass.products[r.picture];
        for (; pass.index < made.size(); ++pass.index) {
          if (work == 0) return false;
          --work;
          const auto& [i, p] = made[pass.index];
          // Under its system track's label as released to this nation.
          const auto send = [&](auto m) {
            m.header.releasability = tracks[i].header.releasability;
            release(r, std::move(m), out);
          };
          if (p.launch) send(*p.launch);
          if (p.impact) send(*p.impact);
        }
        for (auto& a : r.alerts->step(pass.at(r.picture), pass.situations[r.picture]))
          release(r, std::move(a.alert), out);
        if (work != std::numeric_limits<std::size_t>::max()) work = 0;
      }
    }
  }
  pass_.reset();
  return true;
}

}  // namespace trilink::node
