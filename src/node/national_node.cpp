#include "node/national_node.hpp"

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
      gatekeeper_(policy, share::GatekeeperConfig{config_.nation, config_.name, config_.hub,
                                                  config_.gate}) {}

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
    scan.push_back(measurement_of(radar, {d.range_m, d.az_rad, d.el_rad},
                                  {d.sigma_range_m, d.sigma_az_rad, d.sigma_el_rad},
                                  config_.consider_biases));
  }
  for (auto& report : pipeline_.on_look(sensor_id, t.seconds_since(config_.epoch), scan)) {
    ++counters_.tracks_reported;
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
  for (auto& a : alerts_.step(now, p.situations)) {
    stamp(a.alert.header);
    a.alert.header.time_of_validity = now;
    out.push_back({display_peer, std::move(a.alert), std::nullopt});
  }
  if (!config_.hub.empty() && policy_.is_shared(share::MessageType::node_health) &&
      (!next_health_ || now >= *next_health_)) {
    next_health_ = now.plus_seconds(config_.health_interval_s);
    share::NodeHealth h;
    stamp(h.header);
    h.header.time_of_validity = now;
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
