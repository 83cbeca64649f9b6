#include "warn/alerts.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdio>
#include <utility>

#include "flight/atmosphere.hpp"
#include "geo/wgs84.hpp"
#include "track/ballistic_model.hpp"

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

std::vector<AreaHit> AlertManager::hits(const TrackSituation& t,
                                        const std::vector<std::string>& named) const {
  std::vector<AreaHit> out;
  out.reserve(areas_.size());
  for (const AreaGeometry& area : areas_) {
    AreaHit h;
    h.impact = !t.boost_arc && ellipse_meets(area, t.ellipse) &&
               (t.impact_support.empty() ||
                (support_meets(area, t.impact_support) &&
                 (std::ranges::find(named, area.area().name) != named.end() ||
                  impact_probability(area, t.impact_support, config_.min_impact_probability) >=
                      config_.min_impact_probability)));
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
  a.boost_arc = t.boost_arc;
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
    // A boost-phase arc that ends over the area: the missile leaves it beyond the arc.
    if (t.boost_arc && over->exit >= t.ground_track.back().time) a.open_exit = true;
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
    // On a boost-phase arc the times are those of a fall without thrust: the latest.
    text += (a.boost_arc ? "boosting: will overfly " : "may overfly ") + join(a.overflown_areas) +
            (a.boost_arc ? " within " : " in ") +
            seconds_text(std::max(0.0, a.overflight_entry->seconds_since(now)));
  }
  return text;
}

bool names(const std::vector<std::string>& v, const std::string& area) {
  return std::ranges::find(v, area) != v.end();
}

// Whether a and b name an area in common.
bool share_an_area(const Assessment& a, const Assessment& b) {
  const std::vector<std::string> met = b.areas();
  return std::ranges::any_of(a.areas(), [&](const std::string& x) { return names(met, x); });
}

// Whether `a` names an area the alert `b` did not, or names it graver (an impact where b said
// an overflight).
bool wider(const Assessment& a, const Assessment& b) {
  return std::ranges::any_of(a.impact_areas,
                             [&](const std::string& x) { return !names(b.impact_areas, x); }) ||
         std::ranges::any_of(a.overflown_areas, [&](const std::string& x) {
           return !names(b.impact_areas, x) && !names(b.overflown_areas, x);
         });
}

// Whether the event time moved by more than threshold_s. Event times already reached (an
// overflight under way) all count as "now": the entry time of a ground track that starts over
// the area moves with every prediction, but says nothing new.
bool moved(const Assessment& a, const Assessment& b, geo::UtcTime now, double threshold_s) {
  const auto ta = a.event_time(), tb = b.event_time();
  if (ta.has_value() != tb.has_value()) return true;
  return ta && std::abs(std::max(*ta, now).seconds_since(std::max(*tb, now))) > threshold_s;
}

}  // namespace

// The latest, not the last that spoke: a lofted ICBM's record held its spent second stage's
// track, whose prediction (down at T+2 680 s) spoke last before Korea's radars lost the launch,
// and Korea's node said "all clear: impact time passed" at T+2 693 s while the re-entry vehicle
// flew on to T+3 982 s (untuned u10, seed 3).
std::optional<geo::UtcTime> TrackAlertRecord::time_of_impact() const {
  std::optional<geo::UtcTime> latest;
  for (const auto& [id, time] : impact_times) latest = latest ? std::max(*latest, time) : time;
  return latest;
}

std::ptrdiff_t TrackAlertRecord::join_order(std::uint64_t track_id) const {
  return std::ranges::find(track_ids, track_id) - track_ids.begin();
}

IssuedAlert AlertManager::make(AlertKind kind, geo::UtcTime now, TrackAlertRecord& r,
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
  const std::uint64_t named = r.speaker_track_id ? r.speaker_track_id : r.current_track_id;
  a.system_track_id = named;
  r.said_track_id = named;
  a.level = level_of(kind);
  a.areas = std::move(areas);
  a.time_to_impact_s = time_to_event_s;
  a.text = std::string(to_string(kind)) + ": track " + std::to_string(named) +
           (text.empty() ? "" : ": " + text);
  if (r.separated_from)
    a.text += " (an object separated from the missile of track " +
              std::to_string(*r.separated_from) + ")";
  return out;
}

namespace {

// A state flown on ballistically (gravity with J2, Earth's rotation, the drag of a nominal
// re-entry vehicle) for dt seconds: position and velocity.
Eigen::Matrix<double, 6, 1> flown_on(const TrackKinematics& k, double dt) {
  track::Vec<9> x;
  x << k.position_ecef_m, k.velocity_ecef_mps, Eigen::Vector3d::Zero();
  const track::BallisticDynamics dynamics{8000.0};
  return dynamics.propagate(x, dt, false).head<6>();
}

// How far `to` lies from `from` carried to its time under point-mass gravity (a second or two:
// nothing more is needed), in position and velocity.
struct Offset {
  double dt_s = 0.0;
  double d_m = 0.0;
  double dv_mps = 0.0;
};
Offset offset(const TrackKinematics& from, const TrackKinematics& to) {
  const double dt = to.time.seconds_since(from.time);
  const Eigen::Vector3d& p = from.position_ecef_m;
  const Eigen::Vector3d g = -geo::wgs84::gm_m3ps2() / std::pow(p.norm(), 3) * p;
  const Eigen::Vector3d predicted = p + from.velocity_ecef_mps * dt + 0.5 * g * dt * dt;
  return {dt, (predicted - to.position_ecef_m).norm(),
          (from.velocity_ecef_mps + g * dt - to.velocity_ecef_mps).norm()};
}

}  // namespace

std::optional<double> AlertManager::rejoins_ballistically(const TrackAlertRecord& r,
                                                          const TrackKinematics& k) const {
  const TrackKinematics& last = *r.last_state;
  const double dt = k.time.seconds_since(last.time);
  if (last.boosting || dt <= 0.0 ||
      track::approx_height_m(last.position_ecef_m) < config_.min_ballistic_height_m)
    return std::nullopt;
  if (const auto impact = r.time_of_impact();
      impact && k.time > impact->plus_seconds(config_.fell_margin_s))
    return std::nullopt;
  const Eigen::Matrix<double, 6, 1> x = flown_on(last, dt);
  // The last state's errors grow with the time flown (a velocity error, dt later).
  const double d_error =
      config_.gate_sigmas *
      std::hypot(last.position_sigma_m + last.velocity_sigma_mps * dt, k.position_sigma_m);
  const double dv_error =
      config_.gate_sigmas * std::hypot(last.velocity_sigma_mps, k.velocity_sigma_mps);
  const double d = (x.head<3>() - k.position_ecef_m).norm();
  if (d > config_.join_gate_m + d_error ||
      (x.tail<3>() - k.velocity_ecef_mps).norm() > config_.join_speed_gate_mps + dv_error)
    return std::nullopt;
  return d;
}

double AlertManager::light_drag_mps2(double h1_m, double h2_m, const Eigen::Vector3d& v1,
                                     const Eigen::Vector3d& v2) const {
  return flight::air_density_kgpm3(std::min(h1_m, h2_m)) *
         std::pow(std::max(v1.norm(), v2.norm()), 2) / (2.0 * config_.light_beta_kgpm2);
}

std::optional<double> AlertManager::continues(const TrackKinematics& last, bool tracked,
                                              const TrackKinematics& k) const {
  // A duplicate may be older than the missile's last state (two tracks of one missile new
  // in the same step, of slightly different times): carried back to it.
  const auto [dt, d, dv] = offset(last, k);
  if (dt < 0.0 && !tracked) return std::nullopt;
  // In dense air drag decelerates a missile far more than its thrust or lift accelerate it
  // (a light lifting body at 1.6 km/s: ~40 m/s^2 at 20 km, ~280 m/s^2 at 6 km): two tracks
  // of it, their velocities a second or two apart in lag, differ by that much.
  const double air = light_drag_mps2(track::approx_height_m(last.position_ecef_m),
                                     track::approx_height_m(k.position_ecef_m),
                                     last.velocity_ecef_mps, k.velocity_ecef_mps);
  const double a_max =
      (last.boosting || k.boosting ? config_.boost_accel_mps2 : config_.coast_accel_mps2) + air;
  const double d_error =
      config_.gate_sigmas * std::hypot(last.position_sigma_m, k.position_sigma_m);
  const double dv_error =
      config_.gate_sigmas * std::hypot(last.velocity_sigma_mps, k.velocity_sigma_mps);
  if (tracked) {
    if (d > config_.duplicate_gate_m + d_error) return std::nullopt;
    if (dv > config_.duplicate_speed_gate_mps + dv_error + air * config_.velocity_lag_s)
      return std::nullopt;
  } else {
    if (d > config_.join_gate_m + d_error + 0.5 * a_max * dt * dt) return std::nullopt;
    if (dv > config_.join_speed_gate_mps + dv_error + a_max * dt) return std::nullopt;
  }
  return d;
}

bool AlertManager::parted(const TrackKinematics& a, const TrackKinematics& b) const {
  const bool a_older = a.time <= b.time;
  const TrackKinematics& older = a_older ? a : b;
  const TrackKinematics& newer = a_older ? b : a;
  const auto [dt, d, dv] = offset(older, newer);
  const double air = light_drag_mps2(track::approx_height_m(older.position_ecef_m),
                                     track::approx_height_m(newer.position_ecef_m),
                                     older.velocity_ecef_mps, newer.velocity_ecef_mps);
  const bool boosting = older.boosting || newer.boosting;
  const double a_max = (boosting ? config_.boost_accel_mps2 : config_.coast_accel_mps2) + air;
  const double d_gate =
      config_.part_scale * config_.duplicate_gate_m + 0.5 * a_max * dt * dt +
      config_.gate_sigmas * std::hypot(older.position_sigma_m, newer.position_sigma_m);
  // A boosting track lags its missile's acceleration as a diving one lags its deceleration.
  const double dv_gate =
      config_.part_scale * config_.duplicate_speed_gate_mps + a_max * dt +
      (air + (boosting ? config_.boost_accel_mps2 : 0.0)) * config_.velocity_lag_s +
      config_.gate_sigmas * std::hypot(older.velocity_sigma_mps, newer.velocity_sigma_mps);
  return d > d_gate || dv > dv_gate;
}

void AlertManager::part_strangers(
    std::map<std::uint64_t, std::vector<const TrackSituation*>>& of_missile,
    std::vector<std::pair<const TrackSituation*, std::optional<std::uint64_t>>>& unknown) {
  const auto known = [&](const TrackSituation* t) {
    return t->confirmed && t->kinematics &&
           t->kinematics->position_sigma_m <= config_.part_position_sigma_m &&
           t->kinematics->velocity_sigma_mps <= config_.part_velocity_sigma_mps;
  };
  for (auto& [id, tracks] : of_missile) {
    TrackAlertRecord& r = missiles_.at(id);
    if (r.state == TrackAlertState::closed || tracks.size() < 2) continue;
    // The earliest joined of its confirmed tracks is the missile's own; nothing parts from it
    // until it too is known.
    const TrackSituation* own = nullptr;
    for (const TrackSituation* t : tracks)
      if (t->confirmed && t->kinematics &&
          (!own || r.join_order(t->system_track_id) < r.join_order(own->system_track_id)))
        own = t;
    if (!own || !known(own) || r.separated_from ||
        (r.coasting_since &&
         own->kinematics->time.seconds_since(*r.coasting_since) > config_.part_after_burnout_s))
      continue;
    std::erase_if(tracks, [&](const TrackSituation* t) {
      if (t == own || !known(t) || missiles_.contains(t->system_track_id) ||
          track::approx_height_m(t->kinematics->position_ecef_m) >= config_.staging_min_height_m ||
          !parted(*own->kinematics, *t->kinematics))
        return false;
      std::erase(r.track_ids, t->system_track_id);
      r.impact_times.erase(t->system_track_id);
      missile_of_.erase(t->system_track_id);
      unknown.emplace_back(t, id);
      return true;
    });
    if (std::ranges::find(r.track_ids, r.current_track_id) == r.track_ids.end()) {
      r.current_track_id = own->system_track_id;
      r.last_state = own->kinematics;
      r.respeak = r.state == TrackAlertState::threatened;
    }
  }
}

void AlertManager::remember_path(TrackAlertRecord& r, const TrackKinematics& k) const {
  if (!k.boosting && !r.coasting_since) r.coasting_since = k.time;
  if (track::approx_height_m(k.position_ecef_m) < config_.separation_path_height_m) return;
  if (!r.path.empty() && k.time.seconds_since(r.path.back().time) < config_.separation_sample_s)
    return;
  const auto old = std::ranges::find_if(r.path, [&](const TrackKinematics& s) {
    return k.time.seconds_since(s.time) <= config_.separation_window_s;
  });
  r.path.erase(r.path.begin(), old);
  r.path.push_back(k);
}

std::optional<double> AlertManager::beside_boost(const TrackKinematics& k, double k_height,
                                                 const TrackKinematics& m) const {
  const double fly = k.time.seconds_since(m.time);
  if (std::abs(fly) > config_.separation_sample_s ||
      std::min(k_height, track::approx_height_m(m.position_ecef_m)) < config_.staging_min_height_m)
    return std::nullopt;
  const Eigen::Vector3d v = m.velocity_ecef_mps;
  const double d = (m.position_ecef_m + v * fly - k.position_ecef_m).norm();
  if (d > config_.separation_gate_m + v.norm() * config_.staging_lag_s +
              config_.gate_sigmas * std::hypot(k.position_sigma_m, m.position_sigma_m))
    return std::nullopt;
  const bool young = k.velocity_sigma_mps >= config_.separation_young_sigma_mps;
  const double dv_gate =
      config_.separation_speed_mps + config_.boost_accel_mps2 * config_.velocity_lag_s +
      config_.gate_sigmas * std::hypot(k.velocity_sigma_mps, m.velocity_sigma_mps);
  if (!young && (v - k.velocity_ecef_mps).norm() > dv_gate) return std::nullopt;
  return d;
}

bool AlertManager::may_have_separated(const TrackAlertRecord& r, const TrackKinematics& k) const {
  if (!r.last_state) return false;
  const TrackKinematics& m = *r.last_state;
  // The missile's state moved to k's time (a step at most): its thrust or lift over that.
  const double fly = k.time.seconds_since(m.time);
  const double a_max = m.boosting ? config_.boost_accel_mps2 : config_.coast_accel_mps2;
  const Eigen::Vector3d dp = k.position_ecef_m - (m.position_ecef_m + m.velocity_ecef_mps * fly);
  const Eigen::Vector3d dv = k.velocity_ecef_mps - m.velocity_ecef_mps;
  const double since =
      r.coasting_since ? std::max(0.0, k.time.seconds_since(*r.coasting_since)) : 0.0;
  const double t = since + config_.part_separation_lag_s;
  const double lost = std::max(0.0, -dv.dot(m.velocity_ecef_mps.normalized()));
  const double gate =
      config_.part_separation_gate_m + 0.5 * t * (config_.separation_speed_mps + lost) +
      config_.gate_sigmas * (std::hypot(k.position_sigma_m, m.position_sigma_m) +
                             0.5 * t * std::hypot(k.velocity_sigma_mps, m.velocity_sigma_mps)) +
      a_max * std::abs(fly) * (0.5 * std::abs(fly) + 0.5 * t);
  return (dp - 0.5 * t * dv).norm() <= gate;
}

std::optional<std::uint64_t> AlertManager::separated_from(
    const TrackKinematics& k, std::optional<std::uint64_t> not_of,
    const std::map<std::uint64_t, std::vector<const TrackSituation*>>* present) const {
  // Not k.boosting: a new track is born boosting until its burnout is judged.
  const double k_height = track::approx_height_m(k.position_ecef_m);
  if (k_height < config_.separation_min_height_m) return in_wake_of(k);
  std::optional<std::uint64_t> best;
  double best_d = 0.0;
  const auto consider = [&](std::uint64_t id, double d) {
    if (id == not_of) return;
    if (!best || d < best_d) best = id, best_d = d;
  };

  // Each missile's last state, and the states of its tracks present now: the track that spoke
  // last may be another object of it than the one the new track parted from (untuned u10: a
  // track of an ICBM's spent stage born 7 km from the missile's own track, 39 km from the
  // record's last state, a young track's; announced as a launch).
  const auto beside = [&](std::uint64_t id, const TrackAlertRecord& r, const TrackKinematics& m) {
    // Still boosting (the missile, or an object of it that a track of the missile was taken
    // for): a track beside it high up was born at a staging.
    if (!r.coasting_since) {
      if (const auto d = beside_boost(k, k_height, m)) consider(r.separated_from.value_or(id), *d);
      return;
    }
    // Past burnout: within how far its objects may have drifted since (a fragment seen
    // minutes after the separation, its velocity still poor).
    if (r.separated_from) return;
    const double since = k.time.seconds_since(*r.coasting_since);
    const double fly = k.time.seconds_since(m.time);
    const double m_height = track::approx_height_m(m.position_ecef_m);
    // Past burnout once, a missile does not thrust again (the track that speaks for it now
    // may be a young duplicate, born boosting).
    if (since < 0.0 || m_height < config_.separation_min_height_m) return;
    Eigen::Matrix<double, 6, 1> x;
    if (std::abs(fly) <= config_.separation_sample_s)
      x << m.position_ecef_m + m.velocity_ecef_mps * fly, m.velocity_ecef_mps;
    else if (fly > 0.0 && !m.boosting && m_height >= config_.min_ballistic_height_m)
      x = flown_on(m, fly);
    else
      return;
    const double d = (x.head<3>() - k.position_ecef_m).norm();
    const double d_error =
        config_.gate_sigmas *
        std::hypot(k.position_sigma_m, m.position_sigma_m + m.velocity_sigma_mps * std::abs(fly));
    const double gate = config_.separation_gate_m + config_.separation_speed_mps * since;
    if (d > gate + d_error) return;
    // Close to the missile the position decides alone for a young track: one born among the
    // objects of a separation may be km/s wrong in velocity, whatever its sigma says. Close
    // is within the position-only distance, however far the gate has grown since.
    const double dv_error =
        config_.gate_sigmas * std::hypot(k.velocity_sigma_mps, m.velocity_sigma_mps) +
        light_drag_mps2(k_height, m_height, k.velocity_ecef_mps, m.velocity_ecef_mps) *
            config_.separation_drag_s;
    const bool position_only =
        (k.velocity_sigma_mps >= config_.separation_young_sigma_mps &&
         (std::min(gate, d) <= config_.separation_position_only_m ||
          d <= config_.separation_gate_m + d_error)) ||
        (k.boosting && std::min(k_height, m_height) >= config_.staging_min_height_m &&
         d <= config_.separation_gate_m + d_error);
    if (!position_only &&
        (x.tail<3>() - k.velocity_ecef_mps).norm() > config_.separation_speed_mps + dv_error)
      return;
    consider(id, d);
  };
  for (const auto& [id, r] : missiles_) {
    if (!r.last_state) continue;
    beside(id, r, *r.last_state);
    if (!present) continue;
    const auto it = present->find(id);
    if (it == present->end()) continue;
    for (const TrackSituation* t : it->second)
      if (t->confirmed && t->kinematics && t->system_track_id != r.current_track_id)
        beside(id, r, *t->kinematics);
  }
  if (best) return best;

  // Through a missile's path, flown back (a stage dropped while the missile boosted on).
  const double step = config_.separation_sample_s;
  const auto steps = static_cast<std::size_t>(std::ceil(config_.separation_window_s / step));
  const track::BallisticDynamics gravity{0.0, step};
  std::vector<Eigen::Matrix<double, 6, 1>> back;
  back.reserve(steps + 1);
  track::Vec<9> x;
  x << k.position_ecef_m, k.velocity_ecef_mps, Eigen::Vector3d::Zero();
  back.push_back(x.head<6>());
  for (const auto& [id, r] : missiles_) {
    if (r.separated_from) continue;
    for (const TrackKinematics& s : r.path) {
      const double dt = k.time.seconds_since(s.time);
      if (dt <= 0.0 || dt > config_.separation_window_s) continue;
      const double air = light_drag_mps2(k_height, track::approx_height_m(s.position_ecef_m),
                                         k.velocity_ecef_mps, s.velocity_ecef_mps);
      const double d_error =
          config_.gate_sigmas *
              std::hypot(k.position_sigma_m + k.velocity_sigma_mps * dt, s.position_sigma_m) +
          0.5 * air * dt * dt;
      if (d_error > config_.separation_max_error_m) continue;
      const auto j = static_cast<std::size_t>(std::lround(dt / step));
      while (back.size() <= j && track::approx_height_m(x.head<3>()) > 0.0) {
        x = gravity.propagate(x, -step, false);
        back.push_back(x.head<6>());
      }
      if (j >= back.size()) continue;
      // The grid state moved to the path point's time (at most half a step).
      const double off = static_cast<double>(j) * step - dt;
      const Eigen::Vector3d p = back[j].head<3>() + back[j].tail<3>() * off;
      const double d = (p - s.position_ecef_m).norm();
      if (d > config_.separation_gate_m + d_error) continue;
      // Between path points the missile may have thrust or turned for half a step.
      const double a_max = s.boosting ? config_.boost_accel_mps2 : config_.coast_accel_mps2;
      const double dv_error =
          config_.gate_sigmas * std::hypot(k.velocity_sigma_mps, s.velocity_sigma_mps) + air * dt +
          a_max * 0.5 * step;
      if ((back[j].tail<3>() - s.velocity_ecef_mps).norm() >
          config_.separation_speed_mps + dv_error)
        continue;
      consider(id, d);
    }
  }
  return best ? best : in_wake_of(k);
}

std::optional<std::uint64_t> AlertManager::in_wake_of(const TrackKinematics& k) const {
  const Eigen::Vector3d& v = k.velocity_ecef_mps;
  const double speed = v.norm();
  if (v.dot(k.position_ecef_m) >= 0.0 || speed <= 0.0) return std::nullopt;  // not falling
  const double d_error = config_.gate_sigmas * k.position_sigma_m;
  const double dv_error = config_.gate_sigmas * k.velocity_sigma_mps;
  const double k_height = track::approx_height_m(k.position_ecef_m);
  const double min_cos =
      std::cos(config_.trail_angle_rad + std::asin(std::min(1.0, dv_error / speed)));
  std::optional<std::uint64_t> best;
  double best_d = 0.0;
  // An object's wake too (its fragments, parted from it, picked up again in their re-entry):
  // an object of its missile.
  for (const auto& [id, r] : missiles_) {
    if (!r.coasting_since) continue;
    const double since = k.time.seconds_since(*r.coasting_since);
    if (since <= 0.0) continue;
    const double gate = config_.separation_gate_m + config_.trail_speed_mps * since + d_error;
    for (const TrackKinematics& s : r.path) {
      if (s.time > k.time) continue;
      const double d = (s.position_ecef_m - k.position_ecef_m).norm();
      if (d > gate || (best && d >= best_d)) continue;
      // As fast as the missile there, give or take a separation's push, and slower by what a
      // light body loses to the air meanwhile (separation_drag_s, as above).
      const double s_speed = s.velocity_ecef_mps.norm();
      const double air = light_drag_mps2(k_height, track::approx_height_m(s.position_ecef_m), v,
                                         s.velocity_ecef_mps);
      const double push = config_.separation_speed_mps + dv_error;
      if (s_speed <= 0.0 || speed > s_speed + push ||
          speed < s_speed - push - air * config_.separation_drag_s)
        continue;
      if (v.dot(s.velocity_ecef_mps) < min_cos * speed * s_speed) continue;
      best = r.separated_from.value_or(id);
      best_d = d;
    }
  }
  return best;
}

std::optional<std::uint64_t> AlertManager::launched_with(
    const TrackKinematics& k,
    const std::map<std::uint64_t, std::vector<const TrackSituation*>>& present) const {
  const Eigen::Vector3d& p = k.position_ecef_m;
  if (k.velocity_ecef_mps.dot(p) >= 0.0 ||
      track::approx_height_m(p) < config_.min_ballistic_height_m)
    return std::nullopt;
  // A launch whose flight this nation lost (no confirmed track of it present now): its record
  // closed, or its last state not one that flies on ballistically (still boosting, or in the
  // air: a spent stage's fall); a missile last seen coasting above the air is followed by the
  // other rules, where its flight leads.
  const auto tracked = [&](std::uint64_t id) {
    const auto it = present.find(id);
    return it != present.end() &&
           std::ranges::any_of(it->second, [](const TrackSituation* t) { return t->confirmed; });
  };
  const auto launch = [&](const TrackAlertRecord& r) {
    if (r.separated_from || !r.first_state || r.first_state->time >= k.time ||
        tracked(r.missile_id))
      return false;
    return r.state == TrackAlertState::closed || !r.last_state || r.last_state->boosting ||
           track::approx_height_m(r.last_state->position_ecef_m) < config_.min_ballistic_height_m;
  };
  if (std::ranges::none_of(missiles_, [&](const auto& m) { return launch(m.second); }))
    return std::nullopt;
  // Where and how long ago the state, flown back in vacuum with its speed changed by dv, left
  // the ground (none: not within launch_back_max_s).
  struct Birth {
    double ago_s = 0.0;
    Eigen::Vector3d ground = Eigen::Vector3d::Zero();
  };
  const track::BallisticDynamics gravity{0.0, config_.launch_back_step_s};
  const auto birth = [&](double dv) -> std::optional<Birth> {
    track::Vec<9> x;
    x << p, k.velocity_ecef_mps + dv * k.velocity_ecef_mps.normalized(), Eigen::Vector3d::Zero();
    double h = track::approx_height_m(p);
    for (double ago = 0.0; ago < config_.launch_back_max_s; ago += config_.launch_back_step_s) {
      const track::Vec<9> later = x;
      const double h_later = h;
      x = gravity.propagate(x, -config_.launch_back_step_s, false);
      h = track::approx_height_m(x.head<3>());
      if (h > 0.0) continue;
      const double f = h_later / (h_later - h);
      return Birth{ago + f * config_.launch_back_step_s,
                   later.head<3>() + f * (x.head<3>() - later.head<3>())};
    }
    return std::nullopt;
  };
  const auto nominal = birth(0.0);
  if (!nominal) return std::nullopt;
  // The speed's error moves the birth most: the window spans the births of the speeds
  // gate_sigmas of it (its share of the root trace) above and below.
  const double dv = config_.gate_sigmas * k.velocity_sigma_mps / std::sqrt(3.0);
  // Across it, the same error moves the ground point by about its share times the time flown.
  const double across_error_m = dv * nominal->ago_s;
  double earliest = nominal->ago_s, latest = nominal->ago_s;
  std::vector<Eigen::Vector3d> grounds{nominal->ground};
  for (const double change : {-dv, dv}) {
    const auto b = birth(change);
    if (!b) {
      earliest = config_.launch_back_max_s;
      continue;
    }
    earliest = std::max(earliest, b->ago_s);
    latest = std::min(latest, b->ago_s);
    grounds.push_back(b->ground);
  }
  std::optional<std::uint64_t> best;
  double best_off = 0.0;
  for (const auto& [id, r] : missiles_) {
    if (!launch(r)) continue;
    const TrackKinematics& first = *r.first_state;
    const double seen_ago = k.time.seconds_since(first.time);
    if (earliest < seen_ago - config_.launch_boost_s || latest > seen_ago + config_.launch_boost_s)
      continue;
    const Eigen::Vector3d under = first.position_ecef_m.normalized();
    const bool near = std::ranges::any_of(grounds, [&](const Eigen::Vector3d& g) {
      return std::acos(std::clamp(g.normalized().dot(under), -1.0, 1.0)) *
                 geo::wgs84::mean_radius_m() <=
             config_.launch_reach_m + across_error_m;
    });
    const double off = std::abs(nominal->ago_s - seen_ago);
    if (near && (!best || off < best_off)) best = id, best_off = off;
  }
  return best;
}

TrackAlertRecord* AlertManager::continued_missile(
    const TrackSituation& t, const std::vector<std::uint64_t>& confirmed_now,
    const std::map<std::uint64_t, std::vector<const TrackSituation*>>& present,
    std::optional<std::uint64_t> not_of) {
  if (!t.kinematics) return nullptr;
  const TrackKinematics& k = *t.kinematics;
  TrackAlertRecord* best = nullptr;
  double best_d = 0.0;
  const auto consider = [&](TrackAlertRecord& r, std::optional<double> d) {
    if (d && (!best || *d < best_d)) best = &r, best_d = *d;
  };
  for (auto& [id, r] : missiles_) {
    if (r.state == TrackAlertState::closed || !r.last_state || id == not_of) continue;
    // A missile still tracked (a confirmed track of it present now) takes the new track only
    // as a duplicate: where that missile is, moving as it moves.
    const bool tracked = std::ranges::binary_search(confirmed_now, id);
    const TrackKinematics& last = *r.last_state;
    if (std::abs(k.time.seconds_since(last.time)) > config_.max_join_gap_s) {
      if (!tracked) consider(r, rejoins_ballistically(r, k));
      continue;
    }
    consider(r, continues(last, tracked, k));
    // Its other tracks present now: a duplicate of any confirmed one, or the continuation of
    // one that coasts (the missile's own track, lost for a moment, while a track of another
    // missile that joined it by mistake speaks for it).
    const auto it = present.find(id);
    if (it == present.end()) continue;
    for (const TrackSituation* other : it->second)
      if (other->kinematics && other->system_track_id != r.current_track_id)
        consider(r, continues(*other->kinematics, other->confirmed, k));
  }
  return best;
}

void AlertManager::close_by_clock(geo::UtcTime now, TrackAlertRecord& r,
                                  std::vector<IssuedAlert>& out) {
  auto emit = [&](IssuedAlert a) {
    r.last_kind = a.kind;
    out.push_back(std::move(a));
  };
  if (r.state == TrackAlertState::threatened) {
    const Assessment& a = r.latest ? *r.latest : *r.assessment;
    if (!a.impact_areas.empty()) {
      // Fell: the impact time is over and no track of the missile is left.
      if (r.live || now < a.time_of_impact->plus_seconds(config_.fell_margin_s)) return;
      emit(make(AlertKind::fell, now, r, a.impact_areas, std::nullopt,
                "impact time passed; may have fallen in " + join(a.impact_areas)));
      r.state = TrackAlertState::closed;
      return;
    }
    // An exit at the end of a boost-phase arc is where the arc stops, not where the missile
    // leaves the area: held while the missile is tracked.
    if (now < *a.overflight_exit || (a.open_exit && r.live)) return;
    emit(make(AlertKind::passed, now, r, a.overflown_areas, std::nullopt,
              "passed over " + join(a.overflown_areas)));
    r.state = TrackAlertState::detected;
    r.assessment.reset();
    r.latest.reset();
    // Watched on: a later prediction that meets an area raises the threat again.
  }
  if (r.state != TrackAlertState::detected || r.live) return;
  const char* why = nullptr;
  const auto impact = r.time_of_impact();
  if (impact && now >= *impact)
    why = "impact time passed without a threat to any area";
  else if (!impact && r.last_seen && now.seconds_since(*r.last_seen) >= config_.max_join_gap_s)
    why = "track lost without a threat to any area";
  if (!why) return;
  // An object nothing was said of ends in silence.
  if (!r.separated_from || r.threats > 0)
    emit(make(AlertKind::all_clear, now, r, {}, std::nullopt, why));
  r.state = TrackAlertState::closed;
}

bool AlertManager::holds(geo::UtcTime now, TrackAlertRecord& r, const TrackSituation& t,
                         const Assessment& last) const {
  if (r.held_for != r.hits_for) {
    const double k = config_.hold_scale;
    ImpactEllipse wide = t.ellipse;
    wide.semi_major_m *= k;
    wide.semi_minor_m *= k;
    std::vector<GroundPoint> corridor = t.ground_track;
    for (GroundPoint& g : corridor) g.half_width_m *= k;
    r.held_hits.clear();
    for (const AreaGeometry& area : areas_) {
      const std::string& name = area.area().name;
      const auto named = [&](const std::vector<std::string>& v) {
        return std::ranges::find(v, name) != v.end();
      };
      AreaHit h;
      if (named(last.impact_areas) || named(last.overflown_areas)) {
        h.impact = !t.boost_arc && ellipse_meets(area, wide);
        if (!h.impact)
          h.overflight = corridor_overflight(area, corridor, k * config_.corridor_half_width_m);
      }
      r.held_hits.push_back(h);
    }
    r.held_for = r.hits_for;
  }
  // The geometry is the prediction's; the clock is now's (an overflight may be over since).
  return std::ranges::any_of(r.held_hits, [&](const AreaHit& h) {
    return h.impact || (h.overflight && h.overflight->exit >= now);
  });
}

bool AlertManager::seconded(geo::UtcTime now, TrackAlertRecord& r, const TrackSituation& t,
                            const Assessment& a) const {
  if (!t.previous) return true;
  if (r.seconded_for != r.hits_for || r.seconded_by != t.previous) {
    r.seconded = share_an_area(a, assess(now, *t.previous));
    r.seconded_for = r.hits_for;
    r.seconded_by = t.previous;
  }
  return r.seconded;
}

void AlertManager::judge(geo::UtcTime now, TrackAlertRecord& r, const TrackSituation* usable,
                         std::vector<IssuedAlert>& out,
                         const std::vector<const TrackSituation*>& others) {
  auto emit = [&](IssuedAlert a) {
    r.last_kind = a.kind;
    out.push_back(std::move(a));
  };
  if (!usable) {
    close_by_clock(now, r, out);
    return;
  }
  const TrackSituation& t = *usable;
  const auto key =
      std::make_tuple(t.system_track_id, t.time_of_impact, t.ellipse, t.boost_arc,
                      t.ground_track.empty() ? geo::UtcTime{} : t.ground_track.front().time);
  if (r.hits_for != key) {
    static const std::vector<std::string> none;
    r.hits =
        hits(t, r.state == TrackAlertState::threatened && r.assessment ? r.assessment->impact_areas
                                                                       : none);
    r.hits_for = key;
  }
  Assessment a = assess(now, t, r.hits);
  if (a.threat() && r.state != TrackAlertState::threatened && !seconded(now, r, t, a)) {
    close_by_clock(now, r, out);
    return;
  }
  if (a.threat()) {
    r.last_met = now;
    r.latest = a;
    if (said_by_launch(r, a)) {
      quiet_.emplace_back(r.missile_id, usable);
      return;
    }
    const double to_event = std::max(0.0, a.event_time()->seconds_since(now));
    if (r.state != TrackAlertState::threatened) {
      emit(make(AlertKind::threat, now, r, a.areas(), to_event, threat_text(a, now)));
      r.state = TrackAlertState::threatened;
      r.assessment = std::move(a);
      ++r.threats;
    } else {
      // Narrower than the alert (an area, or an impact, no longer named) for withdraw_after_s:
      // predictions of one missile's tracks (its RV's, its stage's, its fragments'), or one
      // track's from update to update, that straddle an area's edge would otherwise send an
      // update at every step (debris G1 over Guam: "may fall in Guam land and sea" and "may
      // fall in Guam sea, overfly Guam land" by turns: 72 updates from the US node, seed 1). A
      // moved event time is said at once: held back, it held back too the update that names a
      // missile's new track, which is how a salvo's missile whose track has joined another's
      // record is warned of (untuned q04, four SRBMs from one site 2 s apart: 27 s more gap).
      const bool narrower = wider(*r.assessment, a);
      if (!narrower) r.narrower_since.reset();
      if (narrower && !r.narrower_since) r.narrower_since = now;
      if ((r.respeak && r.said_track_id != t.system_track_id) || wider(a, *r.assessment) ||
          moved(a, *r.assessment, now, config_.update_time_change_s) ||
          (narrower && now.seconds_since(*r.narrower_since) >= config_.withdraw_after_s)) {
        emit(make(AlertKind::update, now, r, a.areas(), to_event, threat_text(a, now)));
        r.assessment = std::move(a);
        r.narrower_since.reset();
      }
    }
    r.respeak = false;
    return;
  }
  // A boost-phase arc that meets no area says nothing of the flight beyond it (thrust, a
  // glide): it neither ends a threat nor lets the clock end one early.
  if (r.state != TrackAlertState::threatened || t.boost_arc) {
    close_by_clock(now, r, out);
    return;
  }
  // Threatened, and this prediction meets no area: passed once the ground track has left the
  // overflown areas, else withdrawn once no prediction has met an area for a while.
  const Assessment& last = r.latest ? *r.latest : *r.assessment;
  if (last.impact_areas.empty() && last.overflight_exit && now >= *last.overflight_exit &&
      !last.open_exit) {
    close_by_clock(now, r, out);
    return;
  }
  // Nor while another track of the missile (a duplicate: the RV's and its fragments' tracks
  // in midcourse, 1-3 km apart) predicts a fall or an overflight in an area it names (debris
  // G1: withdrawn on one track's prediction, raised again on another's 4 s later).
  if (holds(now, r, t, last) || std::ranges::any_of(others, [&](const TrackSituation* o) {
        return o != usable && share_an_area(last, assess(now, *o, hits(*o, last.impact_areas)));
      })) {
    r.last_met = now;
    return;
  }
  if (now.seconds_since(*r.last_met) < config_.withdraw_after_s) return;
  // After a boost-phase arc (overflown whatever thrust remained) a prediction from here on that
  // meets none of its areas means the missile has left them.
  if (last.boost_arc && last.impact_areas.empty()) {
    emit(make(AlertKind::passed, now, r, last.overflown_areas, std::nullopt,
              "passed over " + join(last.overflown_areas)));
  } else {
    emit(make(AlertKind::all_clear, now, r, {}, std::nullopt,
              "threat withdrawn: the prediction meets no area"));
  }
  r.state = TrackAlertState::detected;
  r.assessment.reset();
  r.latest.reset();
}

bool AlertManager::said_by_launch(const TrackAlertRecord& r, const Assessment& a) const {
  if (!config_.objects_under_launch || !r.separated_from ||
      r.first_height_m < config_.object_min_height_m)
    return false;
  const std::uint64_t missile = *r.separated_from;
  // Raised already, its updates wait only on the missile's own threat (two objects' threats
  // naming the same areas would otherwise silence each other's updates).
  const bool raised = r.state == TrackAlertState::threatened;
  const auto says = [&](std::uint64_t id, const std::string& area, bool impact) {
    const auto it = missiles_.find(id);
    if (id == r.missile_id || it == missiles_.end() ||
        it->second.state != TrackAlertState::threatened || !it->second.assessment)
      return false;
    const Assessment& b = *it->second.assessment;
    return names(b.impact_areas, area) || (!impact && names(b.overflown_areas, area));
  };
  const auto launch_says = [&](const std::string& area, bool impact) {
    if (says(missile, area, impact)) return true;
    if (raised) return false;
    const auto it = objects_of_.find(missile);
    return it != objects_of_.end() && std::ranges::any_of(it->second, [&](std::uint64_t id) {
             return says(id, area, impact);
           });
  };
  return std::ranges::all_of(a.impact_areas,
                             [&](const std::string& area) { return launch_says(area, true); }) &&
         std::ranges::all_of(a.overflown_areas,
                             [&](const std::string& area) { return launch_says(area, false); });
}

bool AlertManager::may_be_a_launch(const TrackKinematics& k) const {
  if (k.velocity_sigma_mps > config_.launch_velocity_sigma_mps) return false;
  const Eigen::Vector3d& r = k.position_ecef_m;
  const Eigen::Vector3d& v = k.velocity_ecef_mps;
  if (v.dot(r) <= 0.0) return true;  // falling: a re-entry vehicle may be that fast
  const double h = std::max(0.0, geo::to_geodetic(geo::Ecef{r}).h_m);
  return v.norm() - config_.gate_sigmas * k.velocity_sigma_mps <=
         config_.booster_speed_mps + config_.booster_speed_gain_per_s * h;
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
  quiet_.clear();
  for (auto& [id, r] : missiles_) r.live = false;
  // Known tracks first: the missiles still tracked now are then known when new tracks join.
  std::map<std::uint64_t, std::vector<const TrackSituation*>> of_missile;
  std::vector<std::uint64_t> confirmed_now;
  // Each new track, with the missile it has just parted from (if it has).
  std::vector<std::pair<const TrackSituation*, std::optional<std::uint64_t>>> unknown;
  for (const TrackSituation* t : ordered) {
    const auto it = missile_of_.find(t->system_track_id);
    if (it == missile_of_.end()) {
      // Nothing is said of a track never confirmed, nor yet of one that may be no missile.
      if (t->confirmed && (!t->kinematics || may_be_a_launch(*t->kinematics)))
        unknown.emplace_back(t, std::nullopt);
      continue;
    }
    of_missile[it->second].push_back(t);
    if (t->confirmed) confirmed_now.push_back(it->second);
  }
  std::ranges::sort(confirmed_now);
  std::vector<Eigen::Vector3d> falling;  // where confirmed tracks fall now
  for (const TrackSituation* t : ordered)
    if (t->confirmed && t->kinematics &&
        t->kinematics->velocity_ecef_mps.dot(t->kinematics->position_ecef_m) < 0.0)
      falling.push_back(t->kinematics->position_ecef_m);
  const auto among_falling = [&](const TrackKinematics& k) {
    return std::ranges::count_if(falling, [&](const Eigen::Vector3d& p) {
             return (p - k.position_ecef_m).norm() <= config_.confirm_among_falling_m;
           }) >= 2;
  };
  std::erase_if(held_, [&](const auto& h) {
    return !std::ranges::binary_search(ordered, h.first, {}, &TrackSituation::system_track_id);
  });
  part_strangers(of_missile, unknown);
  for (const auto& [t, parted_from] : unknown) {
    TrackAlertRecord* r = continued_missile(*t, confirmed_now, of_missile, parted_from);
    if (r) {
      r->track_ids.push_back(t->system_track_id);
      ++r->joins;
    } else {
      // Parted (always below staging_min_height_m, part_strangers): an object of the missile
      // it parted from only if it may have separated from it.
      const TrackAlertRecord* from = parted_from ? &missiles_.at(*parted_from) : nullptr;
      const bool apart = from && !(t->kinematics && may_have_separated(*from, *t->kinematics));
      std::optional<std::uint64_t> parent =
          t->kinematics
              ? separated_from(*t->kinematics, apart ? parted_from : std::nullopt, &of_missile)
              : std::nullopt;
      // No object of another: an object of that missile once it is past its boost (a stage, a
      // fragment it was taken in with); while it boosts, or too far from it for a separation,
      // a salvo's missile of the same site.
      if (from && !apart && !parent && from->coasting_since)
        parent = from->separated_from.value_or(*parted_from);
      if (!parent && t->kinematics) parent = launched_with(*t->kinematics, of_missile);
      if (!parent && !from && config_.confirm_among_falling_s > 0.0 && t->kinematics &&
          t->kinematics->velocity_ecef_mps.dot(t->kinematics->position_ecef_m) > 0.0 &&
          among_falling(*t->kinematics)) {
        const auto h = held_.try_emplace(t->system_track_id, t->kinematics->time).first;
        if (t->kinematics->time.seconds_since(h->second) < config_.confirm_among_falling_s)
          continue;
      }
      held_.erase(t->system_track_id);
      r = &missiles_[t->system_track_id];
      r->missile_id = t->system_track_id;
      r->track_ids = {t->system_track_id};
      r->current_track_id = t->system_track_id;
      r->state = TrackAlertState::detected;
      // Known at once: a second track of the same missile new in this step joins it.
      r->last_state = t->kinematics;
      r->first_state = t->kinematics;
      r->separated_from = parent;
      if (t->kinematics) r->first_height_m = track::approx_height_m(t->kinematics->position_ecef_m);
      if (parent) objects_of_[*parent].push_back(r->missile_id);
      if (!parent) {
        r->last_kind = AlertKind::launch_detected;
        out.push_back(
            make(AlertKind::launch_detected, now, *r, {}, std::nullopt, "launch detected"));
      }
    }
    missile_of_[t->system_track_id] = r->missile_id;
    of_missile[r->missile_id].push_back(t);
    confirmed_now.insert(std::ranges::upper_bound(confirmed_now, r->missile_id), r->missile_id);
  }
  std::vector<const TrackSituation*> others;
  for (auto& [id, r] : missiles_) {
    if (r.state == TrackAlertState::closed) continue;
    const auto it = of_missile.find(id);
    const TrackSituation* usable = nullptr;
    if (it != of_missile.end()) {
      r.live = true;
      r.last_seen = now;
      // The newest confirmed track present speaks for the missile: the last joined (not the
      // highest id: a space track's ids lie above every radar track's).
      const TrackSituation* newest = nullptr;
      // Its path is the earliest joined's: a later one may be a stranger yet to part from it.
      const TrackSituation* earliest = nullptr;
      others.clear();
      for (const TrackSituation* t : it->second) {
        if (!t->confirmed) continue;
        if (t->impact_valid) {
          others.push_back(t);
          r.impact_times[t->system_track_id] = t->time_of_impact;
        }
        if (!newest || r.join_order(t->system_track_id) > r.join_order(newest->system_track_id))
          newest = t;
        if (t->kinematics && (!earliest || r.join_order(t->system_track_id) <
                                               r.join_order(earliest->system_track_id)))
          earliest = t;
      }
      thrust_track(r, it->second);
      usable = speaker(r, it->second);
      if (newest) {
        r.current_track_id = newest->system_track_id;
        if (newest->kinematics) r.last_state = newest->kinematics;
        if (earliest) remember_path(r, *earliest->kinematics);
      }
    }
    r.speaker_track_id = usable ? usable->system_track_id : 0;
    judge(now, r, usable, out, others);
    others.clear();
  }
  // An object kept quiet by a threat of its launch that has ended since in this step speaks
  // now: its danger is not left without a threat until the next step.
  for (const auto& [id, t] : std::exchange(quiet_, {})) {
    TrackAlertRecord& r = missiles_.at(id);
    if (r.state != TrackAlertState::closed && !said_by_launch(r, assess(now, *t, r.hits)))
      judge(now, r, t, out);
  }
  return out;
}

// A missile's record may hold tracks of several objects of its launch, taken in before the
// rules that tell objects apart could: the spent stage a track stayed on at a staging while
// another took up the stage boosting on. The missile is the object that thrusts last: while its
// thrust track (TrackAlertRecord::thrust_track_id, kept by thrust_track) boosts, parted from
// every track with an impact prediction (those are of stages it dropped), its boost-phase arc
// speaks for it. Otherwise, as before, the highest track id with an impact prediction, else
// one with an arc: an impact prediction before an arc, since beside a track with one, a
// boosting track is the missile's own lagging its burnout, and the prediction says more.
// Before, that rule alone chose: an ICBM's spent first stage, falling in the Sea of Japan,
// spoke for the missile while its second stage boosted toward Hawaii (untuned q05: its
// prediction at sea ended the threat the second stage's arc had raised).
const TrackSituation* AlertManager::speaker(
    const TrackAlertRecord& r, const std::vector<const TrackSituation*>& tracks) const {
  const TrackSituation *impact = nullptr, *arc = nullptr, *thrust = nullptr;
  for (const TrackSituation* t : tracks) {
    if (!t->confirmed) continue;
    if (t->system_track_id == r.thrust_track_id) thrust = t;
    if (t->impact_valid)
      impact = t;
    else if (t->boost_arc)
      arc = t;
  }
  if (thrust && thrust->boost_arc && std::ranges::all_of(tracks, [&](const TrackSituation* t) {
        return !t->confirmed || !t->impact_valid ||
               (thrust->kinematics && t->kinematics && parted(*thrust->kinematics, *t->kinematics));
      }))
    return thrust;
  return impact ? impact : arc;
}

// The missile's thrust track: while it thrusts, it stays; once it has stopped (or ended), the
// earliest joined of the confirmed tracks that thrust now, known well enough (a fragment's
// track born at a separation is taken for a boost until it is known), and parted from it (a
// stage boosting on, not a fragment beside it whose filter lags its burnout, nor a duplicate).
// It stays while its track lives.
void AlertManager::thrust_track(TrackAlertRecord& r,
                                const std::vector<const TrackSituation*>& tracks) const {
  const TrackSituation* current = nullptr;
  for (const TrackSituation* t : tracks)
    if (t->system_track_id == r.thrust_track_id && t->kinematics) current = t;
  if (current && current->kinematics->boosting) return;
  const TrackSituation* best = nullptr;
  for (const TrackSituation* t : tracks) {
    if (t == current || !t->confirmed || !t->kinematics || !t->kinematics->boosting ||
        t->kinematics->velocity_sigma_mps >= config_.thrust_track_sigma_mps ||
        (current && !parted(*current->kinematics, *t->kinematics)))
      continue;
    if (!best || r.join_order(t->system_track_id) < r.join_order(best->system_track_id)) best = t;
  }
  if (best)
    r.thrust_track_id = best->system_track_id;
  else if (!current)
    r.thrust_track_id = 0;
}

const TrackAlertRecord* AlertManager::record(std::uint64_t system_track_id) const {
  const auto m = missile_of_.find(system_track_id);
  if (m == missile_of_.end()) return nullptr;
  const auto it = missiles_.find(m->second);
  return it == missiles_.end() ? nullptr : &it->second;
}

std::optional<TrackAlertState> AlertManager::state(std::uint64_t system_track_id) const {
  const auto* r = record(system_track_id);
  return r ? std::optional(r->state) : std::nullopt;
}

}  // namespace trilink::warn
