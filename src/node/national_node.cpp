#include "node/national_node.hpp"

#include <algorithm>

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

NationalPipelineConfig pipeline_config(const NationalNodeConfig& c, const share::Policy& policy) {
  NationalPipelineConfig p;
  p.nation = c.nation;
  p.radars = c.radars;
  p.epoch = c.epoch;
  p.track_label = policy.label_for(share::MessageType::local_track, c.nation);
  p.report_interval_s = c.report_interval_s;
  p.coast_report_interval_s = c.coast_report_interval_s;
  p.products = c.products;
  p.consider_biases = c.consider_biases;
  return p;
}

}  // namespace

NationalNode::NationalNode(NationalNodeConfig config, const share::Policy& policy)
    : config_(std::move(config)),
      policy_(policy),
      pipeline_(pipeline_config(config_, policy)),
      alerts_(config_.areas, alert_config(config_)),
      gatekeeper_(policy,
                  share::GatekeeperConfig{config_.nation, config_.name, config_.hub, config_.gate}),
      space_(config_.space),
      space_products_(config_.products,
                      share::Originator{config_.nation, config_.name, std::nullopt},
                      policy.label_for(share::MessageType::local_track, config_.nation)) {}

namespace {

TrackView space_view(const SpaceTrackReport& r, geo::UtcTime epoch) {
  TrackView v;
  v.id = space_track_id_base + r.id;
  v.time = epoch.plus_seconds(r.t_s);
  track::Vec<6> x;
  x << r.position_m, r.velocity_mps;
  v.state = with_zero_thrust(x, r.covariance);
  v.confirmed = !r.ended;
  v.boosting = true;
  return v;
}

}  // namespace

share::LocalTrack NationalNode::space_track(const SpaceTrackReport& r,
                                            share::TrackStatus status) const {
  share::LocalTrack lt;
  lt.header.time_of_validity = config_.epoch.plus_seconds(r.t_s);
  lt.header.releasability = policy_.label_for(share::MessageType::local_track, config_.nation);
  lt.track_id = space_track_id_base + r.id;
  lt.position_ecef_m = r.position_m;
  lt.velocity_ecef_mps = r.velocity_mps;
  lt.covariance = r.covariance;
  lt.status = status;
  lt.phase = share::FlightPhase::boost;
  return lt;
}

Outbox NationalNode::on_ir_frame(std::uint32_t satellite_id, geo::UtcTime t,
                                 std::span<const sensor::IrPlot> plots) {
  Outbox out;
  if (satellite_id >= config_.satellites.size()) {
    counters_.ir_plots_rejected += plots.size();
    return out;
  }
  ++counters_.ir_frames;
  std::vector<sensor::IrPlot> frame;
  frame.reserve(plots.size());
  for (const auto& p : plots) {
    if (p.satellite_index != satellite_id || p.t != t) {
      ++counters_.ir_plots_rejected;
      continue;
    }
    frame.push_back(p);
  }
  const auto reports = space_.on_frame(satellite_id, t.seconds_since(config_.epoch), frame);
  counters_.space = space_.counters();
  for (const auto& r : reports) {
    ++counters_.space_tracks_reported;
    space_live_[r.id] = r;
    publish(space_track(r, share::TrackStatus::confirmed), out);
    // The launch point seen from space, on the nation's own picture.
    const geo::UtcTime now = config_.epoch.plus_seconds(r.t_s);
    auto due = space_launch_reported_.find(r.id);
    if (r.launch && (due == space_launch_reported_.end() ||
                     now.seconds_since(due->second) >= config_.products.launch_report_interval_s)) {
      space_launch_reported_[r.id] = now;
      share::LaunchReport l;
      l.header.time_of_validity = now;
      l.header.releasability = policy_.label_for(share::MessageType::local_track, config_.nation);
      l.system_track_id = space_track_id_base + r.id;
      l.launch_point_ecef_m = geo::to_ecef(r.launch->point).r_m;
      l.launch_point_covariance_m2 = ecef_covariance(r.launch->point, r.launch->ellipse.cov_en);
      l.launch_time = config_.epoch.plus_seconds(r.launch_state_t_s - r.launch->time_before_s);
      l.launch_time_sigma_s = r.launch->time_sigma_s;
      stamp(l.header);
      out.push_back({display_peer, std::move(l), std::nullopt});
    }
  }
  return out;
}

// A live space track that a radar track holds (within space_held_gate_m of it carried to the
// radar track's time): the nation's own alerts follow the radar track from then on (the boost
// fit's velocity would be the missile's last state to join its later tracks to); with the
// hand-over on, it also ends.
void NationalNode::hold_space_tracks(const track::Vec3& position_m, geo::UtcTime t, Outbox& out) {
  for (auto it = space_live_.begin(); it != space_live_.end();) {
    const SpaceTrackReport& r = it->second;
    const double dt = t.seconds_since(config_.epoch) - r.t_s;
    if ((position_m - (r.position_m + r.velocity_mps * dt)).norm() > config_.space_held_gate_m) {
      ++it;
      continue;
    }
    space_held_.insert(r.id);
    if (!config_.space_handover) {
      ++it;
      continue;
    }
    space_.hand_over(r.id);
    publish(space_track(r, share::TrackStatus::dropped), out);
    space_launch_reported_.erase(r.id);
    it = space_live_.erase(it);
  }
}

void NationalNode::stamp(share::Header& h) {
  h.originator = share::Originator{config_.nation, config_.name, std::nullopt};
  h.session_start = config_.session_start;
  h.sequence = ++sequence_;
}

void NationalNode::publish(share::LocalTrack t, Outbox& out) {
  stamp(t.header);
  out.push_back({display_peer, t, std::nullopt});
  if (config_.hub.empty() || !policy_.is_shared(share::MessageType::local_track)) return;
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
    scan.push_back(measurement_of(
        radar, {d.range_m, d.az_rad, d.el_rad}, {d.sigma_range_m, d.sigma_az_rad, d.sigma_el_rad},
        config_.consider_biases, d.range_rate_mps, d.sigma_range_rate_mps.value_or(0.0)));
  }
  for (auto& report : pipeline_.on_look(sensor_id, t.seconds_since(config_.epoch), scan)) {
    ++counters_.tracks_reported;
    // A radar track that holds a live space track takes its place before it is first sent:
    // the space track is reported dropped first, so the hub, which never puts two tracks of one
    // nation in one system track, takes the radar track into the missile's system track
    // rather than starting a second one.
    if (report.status == share::TrackStatus::confirmed)
      hold_space_tracks(report.position_ecef_m, report.header.time_of_validity, out);
    publish(std::move(report), out);
  }
  return out;
}

Outbox NationalNode::on_message(const share::Message& m, std::string_view from,
                                geo::UtcTime received) {
  Outbox out;
  const share::Verdict v = gatekeeper_.admit(m, from, received);
  if (!v) {
    ++counters_.hub_rejected;
    ++counters_.hub_rejected_by_reason[static_cast<std::size_t>(*v.rejection)];
    return out;
  }
  ++counters_.hub_admitted;
  out.push_back({display_peer, m, std::nullopt});
  return out;
}

Outbox NationalNode::tick(geo::UtcTime now) {
  Outbox out;
  TickOutput p = pipeline_.tick(now.seconds_since(config_.epoch));
  for (auto& ended : p.ended) publish(std::move(ended), out);
  for (auto& report : p.reports) {
    ++counters_.tracks_reported;
    publish(std::move(report), out);
  }
  // Products and alerts of the nation's own picture.
  for (auto& tp : p.products) {
    if (auto& launch = tp.products.launch) {
      stamp(launch->header);
      out.push_back({display_peer, std::move(*launch), std::nullopt});
    }
    if (auto& impact = tp.products.impact) {
      stamp(impact->header);
      out.push_back({display_peer, std::move(*impact), std::nullopt});
    }
  }
  // Space tracks: those ended are reported dropped; the live ones join the nation's alerts.
  for (const auto& r : space_.tick(now.seconds_since(config_.epoch))) {
    space_live_.erase(r.id);
    space_launch_reported_.erase(r.id);
    publish(space_track(r, share::TrackStatus::dropped), out);
  }
  // Live space tracks that a confirmed radar track of the node now holds.
  for (const auto& tp : p.products)
    if (tp.view.confirmed) hold_space_tracks(tp.view.state.x.head<3>(), tp.view.time, out);
  counters_.space = space_.counters();
  for (const auto& [id, r] : space_live_)
    if (!space_held_.contains(id))
      p.situations.push_back(space_products_.situation(space_view(r, config_.epoch)));
  for (auto& a : alerts_.step(now, p.situations)) {
    stamp(a.alert.header);
    a.alert.header.time_of_validity = now;
    out.push_back({display_peer, std::move(a.alert), std::nullopt});
  }
  if (!next_health_ || now >= *next_health_) {
    next_health_ = now.plus_seconds(config_.health_interval_s);
    for (auto& h : health(now)) out.push_back(std::move(h));
  }
  return out;
}

Outbox NationalNode::health(geo::UtcTime now) {
  Outbox out;
  if (config_.hub.empty() || !policy_.is_shared(share::MessageType::node_health)) return out;
  share::NodeHealth h;
  stamp(h.header);
  h.header.time_of_validity = now;
  h.header.releasability = policy_.label_for(share::MessageType::node_health, config_.nation);
  h.heartbeat = ++heartbeat_;
  h.radars_total = static_cast<std::uint32_t>(config_.radars.size());
  h.radars_operating = h.radars_total;
  h.links.push_back(share::LinkState{config_.hub, hub_link_});
  out.push_back({config_.hub, std::move(h), std::nullopt});
  return out;
}

}  // namespace trilink::node
