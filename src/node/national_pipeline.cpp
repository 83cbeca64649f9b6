#include "node/national_pipeline.hpp"

#include <set>

#include "flight/trajectory.hpp"
#include "track/ballistic_model.hpp"

namespace trilink::node {

NationalPipeline::NationalPipeline(NationalPipelineConfig config)
    : config_(std::move(config)),
      tracker_(make_national_tracker(config_.radars, config_.consider_biases)),
      products_(config_.products, share::Originator{config_.nation, {}, std::nullopt},
                {config_.nation}) {
  tracker_.set_keep_diagnostics(config_.keep_diagnostics);
}

std::vector<track::UpdateDiagnostic> NationalPipeline::take_diagnostics() {
  std::vector<track::UpdateDiagnostic> d = tracker_.diagnostics();
  tracker_.clear_diagnostics();
  return d;
}

TrackView NationalPipeline::view(const TrackT& t) const {
  TrackView v;
  v.id = t.id;
  v.time = config_.epoch.plus_seconds(t.t_s);
  v.state = tracker_.estimate(t);
  v.confirmed = t.status == track::TrackStatus::confirmed;
  v.boosting = !burnout_.burnt_out(t.id);
  v.drag = tracker_.filter().drag(t.state);
  return v;
}

share::LocalTrack NationalPipeline::local_track(const TrackT& t) const {
  const auto& g = tracker_.estimate(t);
  share::LocalTrack m;
  m.header.time_of_validity = config_.epoch.plus_seconds(t.t_s);
  m.header.releasability = config_.track_label;
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
  m.status = t.status;
  // The radar that last updated it (known inside the nation only).
  const auto& radar = config_.radars[t.last_sensor];
  m.sensors.push_back(share::SensorInfo{t.last_sensor, radar.name, geo::to_ecef(radar.site).r_m});
  return m;
}

void NationalPipeline::report(const TrackT& t, double now_s, std::vector<share::LocalTrack>& out) {
  share::LocalTrack m = local_track(t);
  // Below the ground (between the impact and the track's drop 1 km under it) a track says
  // nothing true: it is not reported, and its last report above the ground is the one its end
  // repeats.
  if (track::approx_height_m(m.position_ecef_m) < 0.0) return;
  Reported& r = reported_[t.id];
  r.last_report_s = now_s;
  r.last = std::move(m);
  out.push_back(r.last);
}

std::vector<share::LocalTrack> NationalPipeline::on_look(std::uint32_t sensor_id, double t_s,
                                                         std::span<const track::Measurement> scan) {
  std::vector<share::LocalTrack> out;
  tracker_.process(sensor_id, t_s, scan);
  std::vector<std::uint64_t> burnt_out, resumed;
  for (const auto& tr : tracker_.tracks()) {
    if (tr.status != track::TrackStatus::confirmed || tr.last_update_s != t_s) continue;
    const auto& g = tracker_.estimate(tr);
    BurnoutSample b;
    b.t_s = t_s;
    b.created_s = tr.created_s;
    b.boost_probability = tracker_.filter().manoeuvre_probability(tr.state);
    b.energy = track::mechanical_energy(g.x.head<6>(), g.P.topLeftCorner<6, 6>());
    b.speed_mps = g.x.segment<3>(3).norm();
    b.climb_mps = g.x.segment<3>(3).dot(g.x.head<3>().normalized());
    const BurnoutDetector::Change change = burnout_.update(tr.id, b);
    if (change == BurnoutDetector::Change::burnout) burnt_out.push_back(tr.id);
    if (change == BurnoutDetector::Change::resumed) resumed.push_back(tr.id);
    const auto it = reported_.find(tr.id);
    if (it == reported_.end() || t_s - it->second.last_report_s >= config_.report_interval_s - 1e-9)
      report(tr, t_s, out);
  }
  // Past burnout a track is ballistic for good (it may then coast through coverage gaps).
  for (const auto id : burnt_out) tracker_.end_manoeuvres(id);
  // Thrust again (a stage lit after a coast, a post-boost stage): boosting again, and its
  // impact predictions so far are void.
  for (const auto id : resumed) {
    tracker_.resume_manoeuvres(id, 0.5);
    products_.forget(id);
  }
  return out;
}

TickOutput NationalPipeline::tick(double now_s) {
  TickOutput out;
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
    last.status = share::TrackStatus::dropped;
    out.ended.push_back(std::move(last));
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
    const bool changed = it->second.last.status != tr.status;
    if (!changed && tr.status != track::TrackStatus::coasting) continue;
    const double interval = changed ? config_.report_interval_s : config_.coast_report_interval_s;
    if (now_s - it->second.last_report_s >= interval - 1e-9) report(tr, now_s, out.reports);
  }
  // Products of the nation's own picture.
  for (const auto& tr : tracker_.tracks()) {
    if (!reported_.contains(tr.id)) continue;
    TrackProducts tp{view(tr), {}};
    tp.products = products_.update(tp.view);
    out.situations.push_back(products_.situation(tp.view));
    out.products.push_back(std::move(tp));
  }
  return out;
}

}  // namespace trilink::node
