// The gatekeeper (DESIGN.md, "Message model"; docs/security.md). Every message a node receives
// from another node passes `admit` first, with the name of the node at the other end of the link
// it came over and the time it arrived; a rejected message is counted under its reason and
// never passed on. The hub runs one (senders: the national nodes), and so does every national
// node (sender: the hub). Checks, in order (the first failing one is the reason):
//  1. schema version is the one this build speaks;
//  2. the originator is registered in the policy (its node under its nation);
//  3. the originator is the node at the other end of the link (KAMD cannot send as JADGE);
//  4. the originator's rate (token bucket over the receive time) is within its budget;
//  5. every number is finite;
//  6. the type may be shared at all (policy), and this sender's role may send it to this
//     receiver: a national node sends the hub local tracks and node health, the hub sends a
//     national node system tracks, launch reports, impact predictions, alerts and node health;
//     no national node sends to another;
//  7. no sensor identity (the national boundary strips it, see boundary.hpp);
//  8. the label is not empty, holds the sender's own nation (a national sender) or the
//     receiver's (the hub's releases), and is no wider than the sender's nation may grant;
//  9. the time of validity is at most `max_ahead_s` ahead of the receive time, and at most
//     `max_age_s` (local tracks: a coasting track keeps the time of its last update) or
//     `max_delay_s` (every other type: stamped when sent) behind it;
// 10. the session and sequence are possible: sequence >= 1, the session began no later than
//     `max_ahead_s` after the receive time, and the sequence is no more than the session could
//     have stamped since it began at `max_sequence_rate_per_s` (so 2^64-1 is refused);
// 11. the state is physical: above `min_height_m`, within `max_radius_m` of the Earth's centre,
//     slower than `max_speed_mps`, accelerating less than `max_acceleration_mps2`;
// 12. every covariance is symmetric and positive semi-definite (relative tolerance 1e-9);
// 13. its position (and velocity) block is positive definite with every axis's sigma within
//     [min, max] (a near-zero covariance would dominate covariance-intersection fusion);
// 14. the other fields are in range: ellipse axes, launch-time sigma, times of launch and impact,
//     time to impact, counts and lengths of lists and strings;
// 15. a new track id does not take its originator past `max_track_ids` live ids;
// 16. session and sequence are new: a later session (a restarted node, sequence from 1 again)
//     is admitted and replaces the earlier one; an earlier session, or a sequence no greater
//     than the last admitted in the same session, is a replay.
// Only an admitted message advances its originator's session, sequence and live track ids.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "share/messages.hpp"
#include "share/policy.hpp"

namespace trilink::share {

enum class Rejection : std::uint8_t {
  unsupported_schema,
  unknown_originator,
  sender_mismatch,
  rate_limited,
  non_finite,
  type_not_shared,
  type_not_allowed,
  sensor_identity,
  label_excludes_sender,
  label_excludes_recipient,
  label_too_wide,
  time_ahead,
  time_too_old,
  bad_sequence,
  implausible_state,
  bad_covariance,
  covariance_out_of_bounds,
  field_out_of_range,
  too_many_tracks,
  replay,
};
inline constexpr std::size_t rejection_count = 20;
inline constexpr std::array<Rejection, rejection_count> all_rejections{
    Rejection::unsupported_schema,
    Rejection::unknown_originator,
    Rejection::sender_mismatch,
    Rejection::rate_limited,
    Rejection::non_finite,
    Rejection::type_not_shared,
    Rejection::type_not_allowed,
    Rejection::sensor_identity,
    Rejection::label_excludes_sender,
    Rejection::label_excludes_recipient,
    Rejection::label_too_wide,
    Rejection::time_ahead,
    Rejection::time_too_old,
    Rejection::bad_sequence,
    Rejection::implausible_state,
    Rejection::bad_covariance,
    Rejection::covariance_out_of_bounds,
    Rejection::field_out_of_range,
    Rejection::too_many_tracks,
    Rejection::replay};

std::string_view to_string(Rejection r);

struct Verdict {
  std::optional<Rejection> rejection;  // nullopt: admitted
  std::string detail;                  // what was wrong, in words ("" when admitted)
  // Admitted, and the first of a later session from an originator admitted before: it
  // restarted (its track ids are numbered afresh).
  bool restarted = false;

  bool admitted() const { return !rejection; }
  explicit operator bool() const { return admitted(); }
};

// True when every floating-point field of `m` is finite.
bool all_finite(const Message& m);

// The limits, each with its physical or operational sense (docs/security.md has the table and
// the figures measured on the bundled exercises).
struct GateLimits {
  // Time of validity against the receive time. Ahead: clocks are GPS- or NTP-disciplined (ms);
  // a second allows a poor NTP sync and bounds how long a future-stamped track can mask later
  // reports at the hub (fusion keeps the newest time of validity).
  double max_ahead_s = 1.0;
  // Behind, for local tracks: a coasting track keeps the time of its last update, and a
  // missile's whole flight lasts under an hour (F06, lofted: 53 min).
  double max_age_s = 3600.0;
  // Behind, for every other type (stamped when sent): link latency is tens of ms on fibre,
  // about half a second over two geostationary hops; a minute allows for retransmission.
  double max_delay_s = 60.0;
  // Position: a track's estimate near the ground may be below it by its error, never 50 km;
  // nothing ballistic goes beyond geostationary orbit (F06's apogee: 4,475 km; a body launched
  // below 10 km/s cannot reach 32,000 km from the centre).
  double min_height_m = -50e3;
  double max_radius_m = 50'000e3;
  // Speed (ECEF): an ICBM's burnout speed is about 7 km/s; 10 km/s is near escape speed.
  double max_speed_mps = 10e3;
  // Acceleration: boost stages pull 10-20 g; 100 g leaves room for a noisy estimate.
  double max_acceleration_mps2 = 100.0 * 9.80665;
  // Sigma per axis (square roots of the eigenvalues of the position and velocity blocks).
  // Floors: no radar locates a missile body (metres across) to 10 cm; 0.1 mm/s is ten times
  // below the smallest velocity sigma the national trackers produce. Ceilings: a position sigma
  // of an Earth radius, or a velocity sigma above any missile's speed, says nothing.
  double min_position_sigma_m = 0.1;
  double max_position_sigma_m = 6'371e3;
  double min_velocity_sigma_mps = 1e-4;
  double max_velocity_sigma_mps = 10e3;
  // Products: a launch at most this long before its report's time of validity, an impact at
  // most this long after (early predictions overshoot the longest flight; two hours bounds them),
  // the same bound on a launch-time sigma and an alert's time to impact.
  double max_flight_s = 7200.0;
  // A 95 % ellipse's semi-major axis: half the Earth's circumference (no two points on the
  // ground are farther apart).
  double max_ellipse_m = 20'015e3;
  // Lists and strings.
  std::size_t max_contributions = 64;  // (nation, track) pairs of one system track
  std::size_t max_areas = 256;         // areas named by one alert
  std::size_t max_name_chars = 128;    // an area, node or peer name
  std::size_t max_text_chars = 1024;   // an alert's text
  std::size_t max_radars = 1024;       // radars of one node
  std::size_t max_links = 64;          // links of one node
  // Per originator: a national node reports each track about once a second (and on a status
  // change), and a raid with debris puts 10,000 objects in the air at once (issue 15), all of
  // which one nation's radars may track: 20,000 live track ids (an id not reported for
  // `track_id_expiry_s`, or reported dropped, is no longer live; a broken track's new id
  // lives beside its old one for that long), 40,000 messages a second with a burst of as many.
  double max_rate_per_s = 40'000.0;
  double rate_burst = 40'000.0;
  std::size_t max_track_ids = 20'000;
  double track_id_expiry_s = 60.0;
  // Sequence numbers a session can have stamped: a million a second since it began.
  double max_sequence_rate_per_s = 1e6;
};

// Who runs the gatekeeper.
struct GatekeeperConfig {
  Nation nation = Nation::USA;  // the receiving node's nation
  std::string node;             // the receiving node ("INDOPACOM", "JADGE")
  std::string hub;              // the hub's node name: the only sender of hub products
  GateLimits limits;
};

class Gatekeeper {
 public:
  // The policy must outlive the gatekeeper.
  Gatekeeper(const Policy& policy, GatekeeperConfig config)
      : policy_(policy), config_(std::move(config)) {}

  // `from`: the node at the other end of the link the message came over (on DDS: the node named
  // in the sender's certificate); `received`: when it arrived.
  Verdict admit(const Message& m, std::string_view from, geo::UtcTime received);

  const GatekeeperConfig& config() const { return config_; }
  std::uint64_t admitted() const { return admitted_; }
  std::uint64_t rejected(Rejection r) const { return rejected_[static_cast<std::size_t>(r)]; }
  const std::array<std::uint64_t, rejection_count>& rejected_by_reason() const { return rejected_; }
  std::uint64_t rejected_total() const;
  // The last sequence number admitted from (nation, node), if any, and its session.
  std::optional<std::uint64_t> last_sequence(Nation nation, const std::string& node) const;
  std::optional<geo::UtcTime> session(Nation nation, const std::string& node) const;
  // How many track ids of (nation, node) are live.
  std::size_t live_track_ids(Nation nation, const std::string& node) const;

 private:
  struct OriginatorState {
    std::optional<geo::UtcTime> session;
    std::uint64_t last_sequence = 0;
    double tokens = 0.0;
    std::optional<geo::UtcTime> refilled;
    std::map<std::uint64_t, geo::UtcTime> live_ids;  // track id -> last admitted
  };
  using Key = std::pair<Nation, std::string>;

  Verdict reject(Rejection r, std::string detail);
  bool take_token(OriginatorState& s, geo::UtcTime received) const;
  std::optional<std::string> role_problem(const Message& m, bool from_hub) const;
  void expire_ids(OriginatorState& s, geo::UtcTime received) const;

  const Policy& policy_;
  GatekeeperConfig config_;
  std::map<Key, OriginatorState> originators_;
  std::uint64_t admitted_ = 0;
  std::array<std::uint64_t, rejection_count> rejected_{};
};

}  // namespace trilink::share
