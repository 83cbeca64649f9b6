#include "share/validation.hpp"

#include <Eigen/Eigenvalues>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numbers>

#include "geo/frames.hpp"
#include "share/boundary.hpp"

namespace trilink::share {
namespace {

bool finite(double v) {
  return std::isfinite(v);
}
bool finite(const std::optional<double>& v) {
  return !v || std::isfinite(*v);
}
template <typename Derived>
bool finite(const Eigen::MatrixBase<Derived>& m) {
  return m.allFinite();
}
bool finite(const std::optional<Vector3>& v) {
  return !v || v->allFinite();
}

bool fields_finite(const Detection& d) {
  return finite(d.range_m) && finite(d.az_rad) && finite(d.el_rad) && finite(d.range_rate_mps) &&
         finite(d.sigma_range_m) && finite(d.sigma_az_rad) && finite(d.sigma_el_rad) &&
         finite(d.sigma_range_rate_mps);
}
bool fields_finite(const LocalTrack& t) {
  for (const auto& s : t.sensors)
    if (!finite(s.position_ecef_m)) return false;
  return finite(t.position_ecef_m) && finite(t.velocity_ecef_mps) &&
         finite(t.acceleration_ecef_mps2) && finite(t.covariance);
}
bool fields_finite(const SystemTrack& t) {
  return finite(t.position_ecef_m) && finite(t.velocity_ecef_mps) && finite(t.covariance);
}
bool fields_finite(const LaunchReport& r) {
  return finite(r.launch_point_ecef_m) && finite(r.launch_point_covariance_m2) &&
         finite(r.launch_time_sigma_s);
}
bool fields_finite(const ImpactPrediction& p) {
  return finite(p.impact_point_ecef_m) && finite(p.semi_major_m) && finite(p.semi_minor_m) &&
         finite(p.major_axis_azimuth_rad);
}
bool fields_finite(const Alert& a) {
  return finite(a.time_to_impact_s);
}
bool fields_finite(const NodeHealth&) {
  return true;
}

// Seconds from `earlier` to `later`, exact to the nanosecond as UtcTime::seconds_since, but
// without its integer overflow for times an adversary chose (then ±1e300).
double gap_s(geo::UtcTime later, geo::UtcTime earlier) {
  std::int64_t d = 0;
  if (__builtin_sub_overflow(later.ns, earlier.ns, &d))
    return later.ns > earlier.ns ? 1e300 : -1e300;
  return static_cast<double>(d) * 1e-9;
}

std::string fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

// ------------------------------------------------------------------ plausibility

std::optional<std::string> position_problem(const Vector3& r, const GateLimits& l,
                                            std::string_view what) {
  const double radius = r.norm();
  if (radius > l.max_radius_m)
    return std::string(what) + " is " + fmt(radius / 1e3) + " km from the Earth's centre (limit " +
           fmt(l.max_radius_m / 1e3) + " km)";
  const double h = geo::approx_height_m(r);
  if (h < l.min_height_m)
    return std::string(what) + " is " + fmt(-h / 1e3) + " km inside the Earth";
  return std::nullopt;
}

std::optional<std::string> motion_problem(const Vector3& r, const Vector3& v,
                                          const std::optional<Vector3>& a, const GateLimits& l) {
  if (auto p = position_problem(r, l, "position")) return p;
  if (v.norm() > l.max_speed_mps)
    return "speed " + fmt(v.norm()) + " m/s (limit " + fmt(l.max_speed_mps) + ")";
  if (a && a->norm() > l.max_acceleration_mps2)
    return "acceleration " + fmt(a->norm()) + " m/s² (limit " + fmt(l.max_acceleration_mps2) + ")";
  return std::nullopt;
}

std::optional<std::string> state_problem(const Message& m, const GateLimits& l) {
  if (const auto* t = std::get_if<LocalTrack>(&m))
    return motion_problem(t->position_ecef_m, t->velocity_ecef_mps, t->acceleration_ecef_mps2, l);
  if (const auto* t = std::get_if<SystemTrack>(&m))
    return motion_problem(t->position_ecef_m, t->velocity_ecef_mps, std::nullopt, l);
  if (const auto* r = std::get_if<LaunchReport>(&m))
    return position_problem(r->launch_point_ecef_m, l, "launch point");
  if (const auto* p = std::get_if<ImpactPrediction>(&m))
    return position_problem(p->impact_point_ecef_m, l, "impact point");
  return std::nullopt;
}

// ------------------------------------------------------------------ covariances

// Symmetric to 1e-9 of its largest entry, and no eigenvalue below -1e-9 of the largest. (The
// whole state covariance of a long track is close to singular: position and velocity errors
// are strongly correlated. Its blocks are held to positive definiteness below.)
template <int N>
std::optional<std::string> covariance_problem(const Eigen::Matrix<double, N, N>& p) {
  const double scale = p.cwiseAbs().maxCoeff();
  const double tol = 1e-9 * std::max(scale, 1e-300);
  if ((p - p.transpose()).cwiseAbs().maxCoeff() > tol) return "covariance is not symmetric";
  const Eigen::SelfAdjointEigenSolver<Eigen::Matrix<double, N, N>> es(p, Eigen::EigenvaluesOnly);
  if (es.info() != Eigen::Success) return "covariance eigenvalues did not converge";
  const double smallest = es.eigenvalues().minCoeff();
  if (smallest < -tol) return "covariance has a negative eigenvalue " + fmt(smallest);
  return std::nullopt;
}

std::optional<std::string> covariance_problem(const Message& m) {
  if (const auto* t = std::get_if<LocalTrack>(&m)) return covariance_problem(t->covariance);
  if (const auto* t = std::get_if<SystemTrack>(&m)) return covariance_problem(t->covariance);
  if (const auto* r = std::get_if<LaunchReport>(&m))
    return covariance_problem(r->launch_point_covariance_m2);
  return std::nullopt;
}

// Every axis's sigma of a 3x3 block within [lo, hi].
std::optional<std::string> sigma_problem(const Matrix3& block, double lo, double hi,
                                         std::string_view what, std::string_view unit) {
  const Eigen::SelfAdjointEigenSolver<Matrix3> es(block, Eigen::EigenvaluesOnly);
  if (es.info() != Eigen::Success) return std::string(what) + " eigenvalues did not converge";
  const double smallest = es.eigenvalues().minCoeff();
  const double largest = es.eigenvalues().maxCoeff();
  if (!(smallest >= lo * lo))
    return std::string(what) + " sigma " + fmt(std::sqrt(std::max(smallest, 0.0))) + " " +
           std::string(unit) + " is below " + fmt(lo);
  if (!(largest <= hi * hi))
    return std::string(what) + " sigma " + fmt(std::sqrt(largest)) + " " + std::string(unit) +
           " is above " + fmt(hi);
  return std::nullopt;
}

std::optional<std::string> state_sigma_problem(const Matrix6& p, const GateLimits& l) {
  if (auto s = sigma_problem(p.topLeftCorner<3, 3>(), l.min_position_sigma_m,
                             l.max_position_sigma_m, "position", "m"))
    return s;
  return sigma_problem(p.bottomRightCorner<3, 3>(), l.min_velocity_sigma_mps,
                       l.max_velocity_sigma_mps, "velocity", "m/s");
}

std::optional<std::string> sigma_bounds_problem(const Message& m, const GateLimits& l) {
  if (const auto* t = std::get_if<LocalTrack>(&m)) return state_sigma_problem(t->covariance, l);
  if (const auto* t = std::get_if<SystemTrack>(&m)) return state_sigma_problem(t->covariance, l);
  if (const auto* r = std::get_if<LaunchReport>(&m))
    return sigma_problem(r->launch_point_covariance_m2, l.min_position_sigma_m,
                         l.max_position_sigma_m, "launch point", "m");
  return std::nullopt;
}

// ------------------------------------------------------------------ other fields

std::optional<std::string> name_problem(const std::string& s, const GateLimits& l,
                                        std::string_view what) {
  if (s.empty()) return std::string(what) + " is empty";
  if (s.size() > l.max_name_chars)
    return std::string(what) + " has " + std::to_string(s.size()) + " characters (limit " +
           std::to_string(l.max_name_chars) + ")";
  return std::nullopt;
}

std::optional<std::string> range_problem(const Detection& d, const GateLimits&) {
  if (d.range_m < 0.0) return "negative range";
  if (!(d.sigma_range_m > 0.0 && d.sigma_az_rad > 0.0 && d.sigma_el_rad > 0.0))
    return "a measurement sigma is not positive";
  return std::nullopt;
}
std::optional<std::string> range_problem(const LocalTrack&, const GateLimits&) {
  return std::nullopt;
}
std::optional<std::string> range_problem(const SystemTrack& t, const GateLimits& l) {
  if (t.contributions.size() > l.max_contributions)
    return std::to_string(t.contributions.size()) + " contributions (limit " +
           std::to_string(l.max_contributions) + ")";
  return std::nullopt;
}
std::optional<std::string> range_problem(const LaunchReport& r, const GateLimits& l) {
  if (!(r.launch_time_sigma_s > 0.0 && r.launch_time_sigma_s <= l.max_flight_s))
    return "launch time sigma " + fmt(r.launch_time_sigma_s) + " s outside (0, " +
           fmt(l.max_flight_s) + "]";
  const double before = gap_s(r.header.time_of_validity, r.launch_time);
  if (before < -l.max_ahead_s || before > l.max_flight_s)
    return "launch " + fmt(before) + " s before the report's time of validity, outside [" +
           fmt(-l.max_ahead_s) + ", " + fmt(l.max_flight_s) + "]";
  return std::nullopt;
}
std::optional<std::string> range_problem(const ImpactPrediction& p, const GateLimits& l) {
  if (!(p.semi_minor_m >= l.min_position_sigma_m && p.semi_minor_m <= p.semi_major_m &&
        p.semi_major_m <= l.max_ellipse_m))
    return "ellipse semi-axes " + fmt(p.semi_major_m) + " x " + fmt(p.semi_minor_m) +
           " m: minor must be in [" + fmt(l.min_position_sigma_m) + ", major], major at most " +
           fmt(l.max_ellipse_m);
  if (std::abs(p.major_axis_azimuth_rad) > 2.0 * std::numbers::pi)
    return "major axis azimuth " + fmt(p.major_axis_azimuth_rad) + " rad beyond ±2π";
  const double to_impact = gap_s(p.time_of_impact, p.header.time_of_validity);
  if (to_impact < -l.max_ahead_s || to_impact > l.max_flight_s)
    return "impact " + fmt(to_impact) + " s after the time of validity, outside [" +
           fmt(-l.max_ahead_s) + ", " + fmt(l.max_flight_s) + "]";
  return std::nullopt;
}
std::optional<std::string> range_problem(const Alert& a, const GateLimits& l) {
  if (a.time_to_impact_s && (*a.time_to_impact_s < 0.0 || *a.time_to_impact_s > l.max_flight_s))
    return "time to impact " + fmt(*a.time_to_impact_s) + " s outside [0, " + fmt(l.max_flight_s) +
           "]";
  if (a.areas.size() > l.max_areas)
    return std::to_string(a.areas.size()) + " areas (limit " + std::to_string(l.max_areas) + ")";
  for (const auto& name : a.areas)
    if (auto p = name_problem(name, l, "an area name")) return p;
  if (a.text.size() > l.max_text_chars)
    return "text of " + std::to_string(a.text.size()) + " characters (limit " +
           std::to_string(l.max_text_chars) + ")";
  return std::nullopt;
}
std::optional<std::string> range_problem(const NodeHealth& h, const GateLimits& l) {
  if (h.radars_total > l.max_radars || h.radars_operating > h.radars_total)
    return std::to_string(h.radars_operating) + " of " + std::to_string(h.radars_total) +
           " radars operating (at most " + std::to_string(l.max_radars) + " radars)";
  if (h.links.size() > l.max_links)
    return std::to_string(h.links.size()) + " links (limit " + std::to_string(l.max_links) + ")";
  for (const auto& link : h.links)
    if (auto p = name_problem(link.peer_node, l, "a link's peer name")) return p;
  return std::nullopt;
}

// The track id a message keeps live at its originator, if any; nullopt for other types.
struct TrackIdUse {
  std::uint64_t id;
  bool ends;  // reported dropped: no longer live
};
std::optional<TrackIdUse> track_id_of(const Message& m) {
  if (const auto* t = std::get_if<LocalTrack>(&m))
    return TrackIdUse{t->track_id, t->status == TrackStatus::dropped};
  if (const auto* t = std::get_if<SystemTrack>(&m))
    return TrackIdUse{t->system_track_id, t->status == TrackStatus::dropped};
  return std::nullopt;
}

std::string who(const Originator& o) {
  return std::string(to_string(o.nation)) + "/" + o.node;
}

}  // namespace

std::string_view to_string(Rejection r) {
  switch (r) {
    case Rejection::unsupported_schema:
      return "unsupported_schema";
    case Rejection::unknown_originator:
      return "unknown_originator";
    case Rejection::sender_mismatch:
      return "sender_mismatch";
    case Rejection::rate_limited:
      return "rate_limited";
    case Rejection::non_finite:
      return "non_finite";
    case Rejection::type_not_shared:
      return "type_not_shared";
    case Rejection::type_not_allowed:
      return "type_not_allowed";
    case Rejection::sensor_identity:
      return "sensor_identity";
    case Rejection::label_excludes_sender:
      return "label_excludes_sender";
    case Rejection::label_excludes_recipient:
      return "label_excludes_recipient";
    case Rejection::label_too_wide:
      return "label_too_wide";
    case Rejection::time_ahead:
      return "time_ahead";
    case Rejection::time_too_old:
      return "time_too_old";
    case Rejection::bad_sequence:
      return "bad_sequence";
    case Rejection::implausible_state:
      return "implausible_state";
    case Rejection::bad_covariance:
      return "bad_covariance";
    case Rejection::covariance_out_of_bounds:
      return "covariance_out_of_bounds";
    case Rejection::field_out_of_range:
      return "field_out_of_range";
    case Rejection::too_many_tracks:
      return "too_many_tracks";
    case Rejection::replay:
      return "replay";
  }
  return "?";
}

bool all_finite(const Message& m) {
  return std::visit([](const auto& x) { return fields_finite(x); }, m);
}

std::uint64_t Gatekeeper::rejected_total() const {
  std::uint64_t n = 0;
  for (auto c : rejected_) n += c;
  return n;
}

std::optional<std::uint64_t> Gatekeeper::last_sequence(Nation nation,
                                                       const std::string& node) const {
  const auto it = originators_.find({nation, node});
  if (it == originators_.end() || !it->second.session) return std::nullopt;
  return it->second.last_sequence;
}

std::optional<geo::UtcTime> Gatekeeper::session(Nation nation, const std::string& node) const {
  const auto it = originators_.find({nation, node});
  if (it == originators_.end()) return std::nullopt;
  return it->second.session;
}

std::size_t Gatekeeper::live_track_ids(Nation nation, const std::string& node) const {
  const auto it = originators_.find({nation, node});
  return it == originators_.end() ? 0 : it->second.live_ids.size();
}

Verdict Gatekeeper::reject(Rejection r, std::string detail) {
  ++rejected_[static_cast<std::size_t>(r)];
  return Verdict{r, std::move(detail)};
}

// Token bucket over the receive time: `rate_burst` tokens, refilled at `max_rate_per_s`.
bool Gatekeeper::take_token(OriginatorState& s, geo::UtcTime received) const {
  const GateLimits& l = config_.limits;
  if (!s.refilled) {
    s.tokens = l.rate_burst;
  } else if (received > *s.refilled) {
    s.tokens = std::min(l.rate_burst, s.tokens + gap_s(received, *s.refilled) * l.max_rate_per_s);
  }
  if (!s.refilled || received > *s.refilled) s.refilled = received;
  if (s.tokens < 1.0) return false;
  s.tokens -= 1.0;
  return true;
}

// What the sender's role may send to this receiver's role (DESIGN.md, "Nodes").
std::optional<std::string> Gatekeeper::role_problem(const Message& m, bool from_hub) const {
  const bool at_hub = !config_.hub.empty() && config_.node == config_.hub;
  const MessageType t = type_of(m);
  const std::string name(to_string(t));
  if (at_hub) {
    if (from_hub) return "the hub does not send to itself";
    if (t == MessageType::local_track || t == MessageType::node_health) return std::nullopt;
    return "a national node may not send the hub a " + name;
  }
  if (!from_hub) return "national nodes are never linked to each other";
  if (t == MessageType::system_track || t == MessageType::launch_report ||
      t == MessageType::impact_prediction || t == MessageType::alert ||
      t == MessageType::node_health)
    return std::nullopt;
  return "the hub does not send a " + name;
}

void Gatekeeper::expire_ids(OriginatorState& s, geo::UtcTime received) const {
  std::erase_if(s.live_ids, [&](const auto& kv) {
    return gap_s(received, kv.second) > config_.limits.track_id_expiry_s;
  });
}

Verdict Gatekeeper::admit(const Message& m, std::string_view from, geo::UtcTime received) {
  const Header& h = header(m);
  const MessageType type = type_of(m);
  const GateLimits& l = config_.limits;
  if (h.schema_version != schema_version)
    return reject(Rejection::unsupported_schema,
                  "schema version " + std::to_string(h.schema_version) + ", expected " +
                      std::to_string(schema_version));
  if (!policy_.is_registered(h.originator))
    return reject(Rejection::unknown_originator,
                  "node " + who(h.originator) + " is not registered in the policy");
  if (h.originator.node != from)
    return reject(Rejection::sender_mismatch, "a message from " + who(h.originator) +
                                                  " over the link from " + std::string(from));
  const Key key{h.originator.nation, h.originator.node};
  OriginatorState& state = originators_[key];  // registered originators only: bounded
  if (!take_token(state, received))
    return reject(Rejection::rate_limited,
                  who(h.originator) + " is over " + fmt(l.max_rate_per_s) + " messages/s");
  if (!all_finite(m)) return reject(Rejection::non_finite, "a number is not finite");
  if (!policy_.is_shared(type))
    return reject(Rejection::type_not_shared, std::string(to_string(type)) + " may not be shared");
  const bool from_hub = !config_.hub.empty() && h.originator.node == config_.hub;
  if (auto p = role_problem(m, from_hub)) return reject(Rejection::type_not_allowed, *p);
  if (!may_leave_nation(m)) return reject(Rejection::sensor_identity, "the message names a sensor");
  if (h.releasability.empty())
    return reject(Rejection::label_excludes_sender, "empty label from " + who(h.originator));
  if (!from_hub && !h.releasability.contains(h.originator.nation))
    return reject(Rejection::label_excludes_sender,
                  "label " + to_string(h.releasability) + " excludes the sender's nation " +
                      std::string(to_string(h.originator.nation)));
  if (from_hub && !h.releasability.contains(config_.nation))
    return reject(Rejection::label_excludes_recipient, "label " + to_string(h.releasability) +
                                                           " excludes the receiver's nation " +
                                                           std::string(to_string(config_.nation)));
  const Releasability grantable = policy_.max_label(h.originator.nation);
  if (!h.releasability.is_subset_of(grantable))
    return reject(Rejection::label_too_wide, "label " + to_string(h.releasability) + " but " +
                                                 who(h.originator) + " may grant only " +
                                                 to_string(grantable));
  const double age_s = gap_s(received, h.time_of_validity);
  if (age_s < -l.max_ahead_s)
    return reject(Rejection::time_ahead, "time of validity " + fmt(-age_s) +
                                             " s after it was received (limit " +
                                             fmt(l.max_ahead_s) + " s)");
  const double max_age_s = type == MessageType::local_track ? l.max_age_s : l.max_delay_s;
  if (age_s > max_age_s)
    return reject(Rejection::time_too_old, "time of validity " + fmt(age_s) +
                                               " s before it was received (limit " +
                                               fmt(max_age_s) + " s)");
  const double session_age_s = gap_s(received, h.session_start);
  if (h.sequence == 0) return reject(Rejection::bad_sequence, "sequence 0 (sequences start at 1)");
  if (session_age_s < -l.max_ahead_s)
    return reject(Rejection::bad_sequence,
                  "session starts " + fmt(-session_age_s) + " s after it was received");
  const double possible = 1.0 + l.max_sequence_rate_per_s * (session_age_s + l.max_ahead_s);
  if (static_cast<double>(h.sequence) > possible)
    return reject(Rejection::bad_sequence, "sequence " + std::to_string(h.sequence) +
                                               " is more than a session " + fmt(session_age_s) +
                                               " s old can have sent");
  if (auto p = state_problem(m, l)) return reject(Rejection::implausible_state, *p);
  if (auto p = covariance_problem(m)) return reject(Rejection::bad_covariance, *p);
  if (auto p = sigma_bounds_problem(m, l)) return reject(Rejection::covariance_out_of_bounds, *p);
  if (auto p = std::visit([&](const auto& x) { return range_problem(x, l); }, m))
    return reject(Rejection::field_out_of_range, *p);

  // Session and sequence against what was admitted before.
  const bool new_session = !state.session || h.session_start > *state.session;
  if (!new_session) {
    if (h.session_start < *state.session)
      return reject(Rejection::replay, "session of " + who(h.originator) + " started " +
                                           fmt(gap_s(*state.session, h.session_start)) +
                                           " s before the current one");
    if (h.sequence <= state.last_sequence)
      return reject(Rejection::replay, "sequence " + std::to_string(h.sequence) + " from " +
                                           who(h.originator) + " after " +
                                           std::to_string(state.last_sequence));
  }
  // Live track ids (a new session starts with none).
  const auto track = track_id_of(m);
  if (track && !track->ends && (new_session || !state.live_ids.contains(track->id))) {
    if (!new_session && state.live_ids.size() >= l.max_track_ids) expire_ids(state, received);
    if (!new_session && state.live_ids.size() >= l.max_track_ids)
      return reject(Rejection::too_many_tracks, who(h.originator) + " already has " +
                                                    std::to_string(state.live_ids.size()) +
                                                    " live track ids");
  }

  Verdict admitted;
  if (new_session) {
    admitted.restarted = state.session.has_value();
    state.session = h.session_start;
    state.live_ids.clear();
  }
  state.last_sequence = h.sequence;
  if (track) {
    if (track->ends)
      state.live_ids.erase(track->id);
    else
      state.live_ids[track->id] = received;
  }
  ++admitted_;
  return admitted;
}

}  // namespace trilink::share
