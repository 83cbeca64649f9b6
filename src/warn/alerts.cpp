#include "warn/alerts.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdio>
#include <utility>

namespace trilink::warn {

std::string_view to_string(AlertKind k) {
  switch (k) {
    case AlertKind::launch_detected:
      return "launch_detected";
    case AlertKind::threat:
      return "threat";
    case AlertKind::update:
      return "update";
    case AlertKind::passed:
      return "passed";
    case AlertKind::fell:
      return "fell";
    case AlertKind::all_clear:
      return "all_clear";
  }
  return "?";
}

share::AlertLevel level_of(AlertKind k) {
  switch (k) {
    case AlertKind::launch_detected:
      return share::AlertLevel::launch_detected;
    case AlertKind::threat:
      return share::AlertLevel::threat;
    case AlertKind::update:
      return share::AlertLevel::update;
    case AlertKind::passed:
      return share::AlertLevel::passed;
    case AlertKind::fell:
      return share::AlertLevel::fell;
    case AlertKind::all_clear:
      return share::AlertLevel::all_clear;
  }
  return share::AlertLevel::all_clear;
}

std::string_view to_string(TrackAlertState s) {
  switch (s) {
    case TrackAlertState::unseen:
      return "unseen";
    case TrackAlertState::detected:
      return "detected";
    case TrackAlertState::threatened:
      return "threatened";
    case TrackAlertState::closed:
      return "closed";
  }
  return "?";
}

std::vector<std::string> Assessment::areas() const {
  std::vector<std::string> all = impact_areas;
  all.insert(all.end(), overflown_areas.begin(), overflown_areas.end());
  return all;
}

std::optional<geo::UtcTime> Assessment::event_time() const {
  if (!impact_areas.empty()) return time_of_impact;
  return overflight_entry;
}

AlertManager::AlertManager(std::vector<ProtectedArea> areas, AlertConfig config)
    : config_(std::move(config)) {
  areas_.reserve(areas.size());
  for (auto& a : areas) areas_.emplace_back(std::move(a));
  if (config_.releasability.empty()) config_.releasability = {config_.nation};
}

std::vector<AreaHit> AlertManager::hits(const TrackSituation& t) const {
  std::vector<AreaHit> out;
  out.reserve(areas_.size());
  for (const AreaGeometry& area : areas_) {
    AreaHit h;
    h.impact = ellipse_meets(area, t.ellipse);
    // The whole ground track, past included, so that the entry time stays put while the
    // missile is over the area.
    if (!h.impact)
      h.overflight = corridor_overflight(area, t.ground_track, config_.corridor_half_width_m);
    out.push_back(h);
  }
  return out;
}

Assessment AlertManager::assess(geo::UtcTime now, const TrackSituation& t,
                                const std::vector<AreaHit>& hits) const {
  Assessment a;
  for (std::size_t i = 0; i < areas_.size(); ++i) {
    const AreaHit& h = hits[i];
    if (h.impact) {
      a.impact_areas.push_back(areas_[i].area().name);
      a.time_of_impact = t.time_of_impact;
      continue;
    }
    // Only overflights not yet over count.
    const auto& over = h.overflight;
    if (!over || over->exit < now) continue;
    a.overflown_areas.push_back(areas_[i].area().name);
    a.overflight_entry =
        a.overflight_entry ? std::min(*a.overflight_entry, over->entry) : over->entry;
    a.overflight_exit = a.overflight_exit ? std::max(*a.overflight_exit, over->exit) : over->exit;
  }
  return a;
}

Assessment AlertManager::assess(geo::UtcTime now, const TrackSituation& t) const {
  return assess(now, t, hits(t));
}

namespace {

std::string join(const std::vector<std::string>& names) {
  std::string s;
  for (const auto& n : names) s += (s.empty() ? "" : ", ") + n;
  return s;
}

std::string seconds_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f s", s);
  return buf;
}

std::string threat_text(const Assessment& a, geo::UtcTime now) {
  std::string text;
  if (!a.impact_areas.empty())
    text = "may fall in " + join(a.impact_areas) + " in " +
           seconds_text(std::max(0.0, a.time_of_impact->seconds_since(now)));
  if (!a.overflown_areas.empty()) {
    if (!text.empty()) text += "; ";
    text += "may overfly " + join(a.overflown_areas) + " in " +
            seconds_text(std::max(0.0, a.overflight_entry->seconds_since(now)));
  }
  return text;
}

bool materially_different(const Assessment& a, const Assessment& b, double threshold_s) {
  if (a.impact_areas != b.impact_areas || a.overflown_areas != b.overflown_areas) return true;
  const auto ta = a.event_time(), tb = b.event_time();
  if (ta.has_value() != tb.has_value()) return true;
  return ta && std::abs(ta->seconds_since(*tb)) > threshold_s;
}

}  // namespace

IssuedAlert AlertManager::make(AlertKind kind, geo::UtcTime now, std::uint64_t track_id,
                               std::vector<std::string> areas,
                               std::optional<double> time_to_event_s, std::string text) {
  IssuedAlert out;
  out.kind = kind;
  share::Alert& a = out.alert;
  a.header.originator = share::Originator{config_.nation, config_.node, std::nullopt};
  a.header.sequence = next_sequence_++;
  a.header.time_of_validity = now;
  a.header.releasability = config_.releasability;
  a.alert_id = next_alert_id_++;
  a.system_track_id = track_id;
  a.level = level_of(kind);
  a.areas = std::move(areas);
  a.time_to_impact_s = time_to_event_s;
  a.text = std::string(to_string(kind)) + ": track " + std::to_string(track_id) +
           (text.empty() ? "" : ": " + text);
  return out;
}

void AlertManager::close_by_clock(geo::UtcTime now, std::uint64_t id, TrackAlertRecord& r,
                                  std::vector<IssuedAlert>& out) {
  if (r.state == TrackAlertState::threatened) {
    const Assessment& a = *r.assessment;
    if (!a.impact_areas.empty() && now >= *a.time_of_impact) {
      out.push_back(make(AlertKind::fell, now, id, a.impact_areas, std::nullopt,
                         "impact time passed; may have fallen in " + join(a.impact_areas)));
    } else if (a.impact_areas.empty() && now >= *a.overflight_exit) {
      out.push_back(make(AlertKind::passed, now, id, a.overflown_areas, std::nullopt,
                         "passed over " + join(a.overflown_areas)));
    } else {
      return;
    }
  } else if (r.state == TrackAlertState::detected && r.time_of_impact && now >= *r.time_of_impact) {
    out.push_back(make(AlertKind::all_clear, now, id, {}, std::nullopt,
                       "impact time passed without a threat to any area"));
  } else {
    return;
  }
  r.state = TrackAlertState::closed;
  r.last_kind = out.back().kind;
}

std::vector<IssuedAlert> AlertManager::step(geo::UtcTime now,
                                            const std::vector<TrackSituation>& tracks) {
  assert(!last_now_ || now >= *last_now_);
  last_now_ = now;
  std::vector<const TrackSituation*> ordered;
  ordered.reserve(tracks.size());
  for (const auto& t : tracks) ordered.push_back(&t);
  std::ranges::sort(ordered, {}, &TrackSituation::system_track_id);

  std::vector<IssuedAlert> out;
  auto emit = [&](TrackAlertRecord& r, IssuedAlert a) {
    r.last_kind = a.kind;
    out.push_back(std::move(a));
  };
  std::vector<std::uint64_t> present;
  for (const TrackSituation* t : ordered) {
    const std::uint64_t id = t->system_track_id;
    present.push_back(id);
    auto it = tracks_.find(id);
    if (it == tracks_.end()) {
      if (!t->confirmed) continue;  // nothing is said about a track never confirmed
      it = tracks_.emplace(id, TrackAlertRecord{}).first;
    }
    TrackAlertRecord& r = it->second;
    const bool usable = t->confirmed && t->impact_valid;
    if (r.state == TrackAlertState::unseen && t->confirmed) {
      emit(r, make(AlertKind::launch_detected, now, id, {}, std::nullopt, "launch detected"));
      r.state = TrackAlertState::detected;
    }
    if (usable) r.time_of_impact = t->time_of_impact;
    close_by_clock(now, id, r, out);
    if (!usable || r.state == TrackAlertState::closed) continue;

    const auto key = std::make_pair(t->time_of_impact, t->ellipse);
    const bool same = r.hits_for == key;
    if (!same) {
      r.hits = hits(*t);
      r.hits_for = key;
    }
    Assessment a = assess(now, *t, r.hits);
    if (r.state == TrackAlertState::detected) {
      if (!a.threat()) continue;
      const double to_event = std::max(0.0, a.event_time()->seconds_since(now));
      emit(r, make(AlertKind::threat, now, id, a.areas(), to_event, threat_text(a, now)));
      r.state = TrackAlertState::threatened;
      r.assessment = std::move(a);
      ++r.threats;
    } else if (!a.threat()) {
      emit(r, make(AlertKind::all_clear, now, id, {}, std::nullopt,
                   "threat withdrawn: the prediction meets no area"));
      r.state = TrackAlertState::detected;
      r.assessment.reset();
    } else if (materially_different(a, *r.assessment, config_.update_time_change_s)) {
      const double to_event = std::max(0.0, a.event_time()->seconds_since(now));
      emit(r, make(AlertKind::update, now, id, a.areas(), to_event, threat_text(a, now)));
      r.assessment = std::move(a);
    }
  }
  // Tracks that ended: without a threat, all clear at once; with one, by the clock.
  for (auto& [id, r] : tracks_) {
    if (std::ranges::binary_search(present, id)) continue;
    if (r.state == TrackAlertState::detected) {
      emit(r,
           make(AlertKind::all_clear, now, id, {}, std::nullopt, "track ended without a threat"));
      r.state = TrackAlertState::closed;
    } else {
      close_by_clock(now, id, r, out);
    }
  }
  return out;
}

const TrackAlertRecord* AlertManager::record(std::uint64_t system_track_id) const {
  const auto it = tracks_.find(system_track_id);
  return it == tracks_.end() ? nullptr : &it->second;
}

std::optional<TrackAlertState> AlertManager::state(std::uint64_t system_track_id) const {
  const auto* r = record(system_track_id);
  return r ? std::optional(r->state) : std::nullopt;
}

}  // namespace trilink::warn
