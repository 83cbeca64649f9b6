#include "node/national_node.hpp"

#include <cmath>
#include <set>

#include "flight/trajectory.hpp"
#include "share/boundary.hpp"

namespace trilink::node {

namespace {

warn::AlertConfig alert_config(const NationalNodeConfig& c) {
  warn::AlertConfig a;
  a.nation = c.nation;
  a.node = c.name;
  a.releasability = {c.nation};
  return a;
}

share::TrackStatus share_status(track::TrackStatus s) {
  switch (s) {
    case track::TrackStatus::tentative:
      return share::TrackStatus::tentative;
    case track::TrackStatus::confirmed:
      return share::TrackStatus::confirmed;
    case track::TrackStatus::coasting:
      return share::TrackStatus::coasting;
    case track::TrackStatus::dropped:
      return share::TrackStatus::dropped;
  }
  return share::TrackStatus::dropped;
}

}  // namespace

NationalNode::NationalNode(NationalNodeConfig config, const share::Policy& policy)
    : config_(std::move(config)),
      policy_(policy),
      tracker_(make_national_tracker(config_.radars, config_.consider_biases)),
      products_(config_.products, share::Originator{config_.nation, config_.name, std::nullopt},
                {config_.nation}),
      alerts_(config_.areas, alert_config(config_)),
      gatekeeper_(policy) {
  tracker_.set_keep_diagnostics(false);
}

void NationalNode::stamp(share::Header& h, geo::UtcTime t) {
  h.originator = share::Originator{config_.nation, config_.name, std::nullopt};
  h.sequence = ++sequence_;
  h.time_of_validity = t;
}

TrackView NationalNode::view(const NationalTracker::TrackT& t) const {
  TrackView v;
  v.id = t.id;
  v.time = config_.epoch.plus_seconds(t.t_s);
  v.state = tracker_.estimate(t);
  v.confirmed = t.status == track::TrackStatus::confirmed;
  v.boosting = !burnout_.burnt_out(t.id);
  v.drag = tracker_.filter().drag(t.state);
  return v;
}

share::LocalTrack NationalNode::local_track(const NationalTracker::TrackT& t) {
  const auto& g = tracker_.estimate(t);
  share::LocalTrack m;
  stamp(m.header, config_.epoch.plus_seconds(t.t_s));
  m.header.releasability = policy_.label_for(share::MessageType::local_track, config_.nation);
  m.track_id = t.id;
  m.position_ecef_m = g.x.head<3>();
  m.velocity_ecef_mps = g.x.segment<3>(3);
  if (burnout_.burnt_out(t.id)) {
    m.phase = share::FlightPhase::midcourse;
    const geo::Geodetic p = geo::to_geodetic(geo::Ecef{m.position_ecef_m});
    if (p.h_m < flight::terminal_height_m && m.velocity_ecef_mps.dot(m.position_ecef_m) < 0.0)
      m.phase = share::FlightPhase::terminal;
  } else {
    m.phase = share::FlightPhase::boost;
    m.acceleration_ecef_mps2 = g.x.segment<3>(6);
  }
  m.covariance = g.P.topLeftCorner<6, 6>();
  m.covariance = 0.5 * (m.covariance + m.covariance.transpose()).eval();
  m.status = share_status(t.status);
  // The radar that last updated it (known inside the nation only).
  const auto& radar = config_.radars[t.last_sensor];
  m.sensors.push_back(share::SensorInfo{t.last_sensor, radar.name, geo::to_ecef(radar.site).r_m});
  return m;
}

void NationalNode::report(const NationalTracker::TrackT& t, double now_s, Outbox& out) {
  Reported& r = reported_[t.id];
  r.last_report_s = now_s;
  r.last = local_track(t);
  ++counters_.tracks_reported;
  publish(r.last, out);
}

void NationalNode::publish(const share::LocalTrack& t, Outbox& out) const {
  out.push_back({display_peer, t, std::nullopt});
  if (config_.hub.empty()) return;
  if (auto shared = share::cross_boundary(t))
    out.push_back({config_.hub, std::move(*shared), std::nullopt});
}

Outbox NationalNode::on_look(std::uint32_t sensor_id, geo::UtcTime t,
                             std::span<const share::Detection> plots) {
  Outbox out;
  if (sensor_id >= config_.radars.size()) {
    counters_.plots_rejected += plots.size();
    return out;
  }
  ++counters_.looks;
  const auto& radar = config_.radars[sensor_id];
  std::vector<track::Measurement> scan;
  scan.reserve(plots.size());
  for (const auto& d : plots) {
    ++counters_.plots;
    // A plot of another radar or nation, or of another time, is not this look's: dropped.
    // Values are checked by the tracker, which counts what it rejects.
    if (d.sensor_id != sensor_id || d.header.originator.nation != config_.nation ||
        d.header.time_of_validity != t) {
      ++counters_.plots_rejected;
      continue;
    }
    scan.push_back(measurement_of(radar, d.range_m, d.az_rad, d.el_rad, d.sigma_range_m,
                                  d.sigma_az_rad, d.sigma_el_rad, config_.consider_biases));
  }
  const double t_s = t.seconds_since(config_.epoch);
  tracker_.process(sensor_id, t_s, scan);
  std::vector<std::uint64_t> burnt_out;
  for (const auto& tr : tracker_.tracks()) {
    if (tr.status != track::TrackStatus::confirmed || tr.last_update_s != t_s) continue;
    if (burnout_.update(tr.id, t_s, tr.created_s,
                        tracker_.filter().manoeuvre_probability(tr.state)))
      burnt_out.push_back(tr.id);
    const auto it = reported_.find(tr.id);
    if (it == reported_.end() || t_s - it->second.last_report_s >= config_.report_interval_s - 1e-9)
      report(tr, t_s, out);
  }
  // Past burnout a track is ballistic for good (it may then coast through coverage gaps).
  for (const auto id : burnt_out) tracker_.end_manoeuvres(id);
  return out;
}

Outbox NationalNode::on_message(const share::Message& m) {
  Outbox out;
  const share::Verdict v = gatekeeper_.admit(m);
  if (!v) {
    ++counters_.hub_rejected;
    return out;
  }
  ++counters_.hub_admitted;
  out.push_back({display_peer, m, std::nullopt});
  return out;
}

Outbox NationalNode::tick(geo::UtcTime now) {
  Outbox out;
  const double now_s = now.seconds_since(config_.epoch);
  // Tracks that ended since the last tick: reported once more as dropped.
  std::set<std::uint64_t> alive;
  for (const auto& tr : tracker_.tracks())
    if (tr.status != track::TrackStatus::dropped) alive.insert(tr.id);
  for (auto it = reported_.begin(); it != reported_.end();) {
    if (alive.contains(it->first)) {
      ++it;
      continue;
    }
    share::LocalTrack last = it->second.last;
    stamp(last.header, last.header.time_of_validity);
    last.status = share::TrackStatus::dropped;
    publish(last, out);
    products_.forget(it->first);
    burnout_.forget(it->first);
    it = reported_.erase(it);
  }
  // Tracks whose status changed, and coasting ones.
  for (const auto& tr : tracker_.tracks()) {
    if (tr.status != track::TrackStatus::confirmed && tr.status != track::TrackStatus::coasting)
      continue;
    const auto it = reported_.find(tr.id);
    if (it == reported_.end()) continue;
    const bool changed = it->second.last.status != share_status(tr.status);
    if (!changed && tr.status != track::TrackStatus::coasting) continue;
    const double interval = changed ? config_.report_interval_s : config_.coast_report_interval_s;
    if (now_s - it->second.last_report_s >= interval - 1e-9) report(tr, now_s, out);
  }
  // Products and alerts of the nation's own picture.
  std::vector<warn::TrackSituation> situations;
  for (const auto& tr : tracker_.tracks()) {
    if (!reported_.contains(tr.id)) continue;
    const TrackView v = view(tr);
    Products p = products_.update(v);
    if (p.launch) {
      stamp(p.launch->header, p.launch->header.time_of_validity);
      out.push_back({display_peer, *p.launch, std::nullopt});
    }
    if (p.impact) {
      stamp(p.impact->header, p.impact->header.time_of_validity);
      out.push_back({display_peer, *p.impact, std::nullopt});
    }
    situations.push_back(products_.situation(v));
  }
  for (auto& a : alerts_.step(now, situations)) {
    stamp(a.alert.header, now);
    out.push_back({display_peer, std::move(a.alert), std::nullopt});
  }
  if (!config_.hub.empty() && (!next_health_ || now >= *next_health_)) {
    next_health_ = now.plus_seconds(config_.health_interval_s);
    share::NodeHealth h;
    stamp(h.header, now);
    h.header.releasability = policy_.label_for(share::MessageType::node_health, config_.nation);
    h.heartbeat = ++heartbeat_;
    h.radars_total = static_cast<std::uint32_t>(config_.radars.size());
    h.radars_operating = h.radars_total;
    h.links.push_back(share::LinkState{config_.hub, share::LinkStatus::up});
    out.push_back({config_.hub, std::move(h), std::nullopt});
  }
  return out;
}

}  // namespace trilink::node
