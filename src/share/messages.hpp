// The message model of DESIGN.md ("Message model"): what national nodes and the hub say to
// each other. Every message starts with a Header (schema version, originator, session start,
// sequence number, time of validity, releasability). Frames and units are in the field names:
// positions and velocities are WGS84 ECEF in m and m/s, covariances in SI (m², m²/s, m²/s²), angles
// in rad, times as geo::UtcTime or durations in s. Plain data: no clock, no transport, no file.
#pragma once

#include <Eigen/Core>

#include <array>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/nation.hpp"
#include "base/track_status.hpp"
#include "geo/time.hpp"

namespace trilink::share {

// The schema version this build writes and accepts (2: the header names its session).
inline constexpr std::uint16_t schema_version = 2;

// The set of nations a message may be released to: a bitset over Nation.
class Releasability {
 public:
  constexpr Releasability() = default;
  constexpr Releasability(std::initializer_list<Nation> nations) {
    for (Nation n : nations) bits_ |= bit(n);
  }
  static constexpr Releasability all() { return {Nation::USA, Nation::JPN, Nation::KOR}; }

  constexpr bool contains(Nation n) const { return (bits_ & bit(n)) != 0; }
  constexpr bool empty() const { return bits_ == 0; }
  constexpr Releasability intersect(Releasability o) const { return from_bits(bits_ & o.bits_); }
  constexpr Releasability unite(Releasability o) const { return from_bits(bits_ | o.bits_); }
  constexpr bool is_subset_of(Releasability o) const { return (bits_ & ~o.bits_) == 0; }
  constexpr Releasability with(Nation n) const { return from_bits(bits_ | bit(n)); }
  constexpr Releasability without(Releasability o) const { return from_bits(bits_ & ~o.bits_); }
  constexpr bool operator==(const Releasability&) const = default;

 private:
  static constexpr std::uint8_t bit(Nation n) {
    return static_cast<std::uint8_t>(1u << static_cast<unsigned>(n));
  }
  static constexpr Releasability from_bits(unsigned b) {
    Releasability r;
    r.bits_ = static_cast<std::uint8_t>(b);
    return r;
  }
  std::uint8_t bits_ = 0;
};

// "USA|JPN|KOR" in Nation order; "none" for the empty set.
std::string to_string(Releasability r);
// "USA|KOR", "KOR | JPN", "none"; nullopt for an unknown nation, an empty item or a repeat.
std::optional<Releasability> parse_releasability(std::string_view text);

// Who said it. `sensor` is set only inside a nation (detections, national tracks); nothing
// that crosses the national boundary names a sensor (see boundary.hpp).
struct Originator {
  Nation nation = Nation::USA;
  std::string node;
  std::optional<std::uint32_t> sensor;
  bool operator==(const Originator&) const = default;
};

struct Header {
  std::uint16_t schema_version = share::schema_version;
  Originator originator;
  // When the originator's session began (its process started): a restarted node has a later
  // session and numbers its messages from 1 again. The sequence is per originator (nation,
  // node) and session, strictly increasing from 1.
  geo::UtcTime session_start;
  std::uint64_t sequence = 0;
  geo::UtcTime time_of_validity;
  Releasability releasability;
};

using Vector3 = Eigen::Vector3d;
using Matrix3 = Eigen::Matrix3d;
using Matrix6 = Eigen::Matrix<double, 6, 6>;  // state [position; velocity], ECEF, SI

// One radar plot, in the radar's own frame (range from the site, azimuth clockwise from north,
// elevation above the local horizontal). Never leaves its nation.
struct Detection {
  Header header;
  std::uint32_t sensor_id = 0;
  double range_m = 0;
  double az_rad = 0;
  double el_rad = 0;
  std::optional<double> range_rate_mps;
  double sigma_range_m = 0;
  double sigma_az_rad = 0;
  double sigma_el_rad = 0;
  std::optional<double> sigma_range_rate_mps;
};

using trilink::to_string;
using trilink::TrackStatus;
enum class FlightPhase : std::uint8_t { boost, midcourse, terminal };

// A sensor that contributed to a national track: known inside the nation only.
struct SensorInfo {
  std::uint32_t sensor_id = 0;
  std::string type;  // "an/tpy-2", "fps-5", ...
  Vector3 position_ecef_m = Vector3::Zero();
};

struct LocalTrack {
  Header header;
  std::uint64_t track_id = 0;  // the nation's own track number
  Vector3 position_ecef_m = Vector3::Zero();
  Vector3 velocity_ecef_mps = Vector3::Zero();
  std::optional<Vector3> acceleration_ecef_mps2;
  Matrix6 covariance = Matrix6::Identity();
  TrackStatus status = TrackStatus::tentative;
  FlightPhase phase = FlightPhase::boost;
  std::vector<SensorInfo> sensors;  // empty once the track has left its nation
};

// A (nation, national track) pair that a system track was fused from.
struct Contribution {
  Nation nation = Nation::USA;
  std::uint64_t track_id = 0;
  bool operator==(const Contribution&) const = default;
};

struct SystemTrack {
  Header header;
  std::uint64_t system_track_id = 0;  // hub id, stable over the track's life
  Vector3 position_ecef_m = Vector3::Zero();
  Vector3 velocity_ecef_mps = Vector3::Zero();
  Matrix6 covariance = Matrix6::Identity();
  TrackStatus status = TrackStatus::tentative;
  FlightPhase phase = FlightPhase::boost;
  std::vector<Contribution> contributions;
};

struct LaunchReport {
  Header header;
  std::uint64_t system_track_id = 0;
  Vector3 launch_point_ecef_m = Vector3::Zero();
  Matrix3 launch_point_covariance_m2 = Matrix3::Identity();
  geo::UtcTime launch_time;
  double launch_time_sigma_s = 0;
};

// Impact point with its 95% ellipse on the local horizontal plane: semi-axes in m, major axis
// azimuth clockwise from north in rad.
struct ImpactPrediction {
  Header header;
  std::uint64_t system_track_id = 0;
  Vector3 impact_point_ecef_m = Vector3::Zero();
  double semi_major_m = 0;
  double semi_minor_m = 0;
  double major_axis_azimuth_rad = 0;
  geo::UtcTime time_of_impact;
};

// The public life cycle: launch detected, threat (an area under the impact ellipse or the
// overflight corridor), updates, then passed (overflown) or fell (impact), or all clear.
enum class AlertLevel : std::uint8_t { launch_detected, threat, update, passed, fell, all_clear };

struct Alert {
  Header header;
  std::uint64_t alert_id = 0;
  std::uint64_t system_track_id = 0;
  AlertLevel level = AlertLevel::launch_detected;
  std::vector<std::string> areas;  // protected area names
  std::optional<double> time_to_impact_s;
  std::string text;
};

enum class LinkStatus : std::uint8_t { up, degraded, down };

struct LinkState {
  std::string peer_node;
  LinkStatus status = LinkStatus::up;
  bool operator==(const LinkState&) const = default;
};

// Heartbeat of a node: radar counts (not identities) and the state of its links.
struct NodeHealth {
  Header header;
  std::uint64_t heartbeat = 0;
  std::uint32_t radars_operating = 0;
  std::uint32_t radars_total = 0;
  std::vector<LinkState> links;
};

using Message = std::variant<Detection, LocalTrack, SystemTrack, LaunchReport, ImpactPrediction,
                             Alert, NodeHealth>;

enum class MessageType : std::uint8_t {
  detection,
  local_track,
  system_track,
  launch_report,
  impact_prediction,
  alert,
  node_health,
};
inline constexpr std::array<MessageType, 7> all_message_types{
    MessageType::detection,     MessageType::local_track,       MessageType::system_track,
    MessageType::launch_report, MessageType::impact_prediction, MessageType::alert,
    MessageType::node_health};

MessageType type_of(const Message& m);
std::string_view to_string(MessageType t);  // "local_track", as in the policy file
std::optional<MessageType> parse_message_type(std::string_view text);

std::string_view to_string(FlightPhase p);
std::string_view to_string(AlertLevel a);
std::string_view to_string(LinkStatus s);

const Header& header(const Message& m);
Header& header(Message& m);

}  // namespace trilink::share
