// Alert life cycle of one nation (DESIGN.md, warn/; public-data.md §5), per system track:
//
//   unseen ──confirmed──► detected ──threat──► threatened ──update──► threatened
//      │                     │  ▲                  │  │
//      │ (ends unconfirmed:  │  └─all_clear────────┘  ├─fell   (impact time over, ellipse
//      │  nothing said)      │    (withdrawn: a new   │         met an area)
//      ▼                     │     valid prediction   └─passed (overflight over, the impact
//    (forgotten)             │     meets no area)               outside every area)
//                            └─all_clear (the predicted impact time is over, or the track
//                                         ended, without a threat)
//
// A threat needs a confirmed track AND a valid impact prediction: a coasting or lost track
// never raises or changes a threat, but a threat already raised runs on to fell/passed by the
// clock (the time of impact or of the overflight exit last assessed). "Threat" means the 95 %
// impact ellipse meets an area, or the corridor under the future ground track does; the alert
// names the areas and gives the time to impact (ellipse) or else to the first overflight entry.
// An update is sent when the set of areas changes or the event time moves by more than
// `update_time_change_s`.
//
// Functional core: step() takes the time and the tracks and returns the alerts; no clock.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "geo/time.hpp"
#include "share/messages.hpp"
#include "warn/areas.hpp"
#include "warn/threat.hpp"

namespace trilink::warn {

struct TrackSituation {
  std::uint64_t system_track_id = 0;
  bool confirmed = false;                 // confirmed, not coasting or tentative
  bool impact_valid = false;              // the impact prediction below is usable
  ImpactEllipse ellipse;                  // 95 % impact ellipse
  geo::UtcTime time_of_impact;            // predicted
  std::vector<GroundPoint> ground_track;  // predicted, with times (may include the past)
};

enum class AlertKind : std::uint8_t { launch_detected, threat, update, passed, fell, all_clear };
std::string_view to_string(AlertKind k);
share::AlertLevel level_of(AlertKind k);

enum class TrackAlertState : std::uint8_t { unseen, detected, threatened, closed };
std::string_view to_string(TrackAlertState s);

struct AlertConfig {
  Nation nation = Nation::JPN;
  std::string node = "warn";
  share::Releasability releasability;   // empty: {nation}
  double corridor_half_width_m = 20e3;  // notional cross-track uncertainty of the ground track
  double update_time_change_s = 30.0;   // event time moves more than this → update
};

// What the threat assessment of one prediction found.
struct Assessment {
  std::vector<std::string> impact_areas;         // met by the ellipse, in area order
  std::vector<std::string> overflown_areas;      // met by the future corridor only, in area order
  std::optional<geo::UtcTime> overflight_entry;  // earliest future entry, overflown areas
  std::optional<geo::UtcTime> overflight_exit;   // latest exit, overflown areas
  std::optional<geo::UtcTime> time_of_impact;    // set when impact_areas is not empty
  // Time of impact if the ellipse meets an area, else the first overflight entry.
  std::optional<geo::UtcTime> event_time() const;
  bool threat() const { return !impact_areas.empty() || !overflown_areas.empty(); }
  std::vector<std::string> areas() const;  // impact then overflown
};

// What the geometry found for one area under one prediction (before the clock is applied).
struct AreaHit {
  bool impact = false;                   // the ellipse meets the area
  std::optional<Overflight> overflight;  // the corridor meets it (whole ground track)
};

struct TrackAlertRecord {
  TrackAlertState state = TrackAlertState::unseen;
  std::optional<Assessment> assessment;        // the last one alerted on (threatened)
  std::optional<geo::UtcTime> time_of_impact;  // last valid prediction
  std::uint64_t threats = 0;                   // threat alerts raised for this track
  std::optional<AlertKind> last_kind;
  // The geometry of the last prediction assessed, reused until the prediction changes (the
  // area tests are the costly part of a step).
  std::optional<std::pair<geo::UtcTime, ImpactEllipse>> hits_for;
  std::vector<AreaHit> hits;
};

struct IssuedAlert {
  AlertKind kind = AlertKind::launch_detected;
  share::Alert alert;
};

class AlertManager {
 public:
  AlertManager(std::vector<ProtectedArea> areas, AlertConfig config = {});

  // One time step: every system track the nation currently sees. A track absent from
  // `tracks` has ended. Times must not go backwards.
  std::vector<IssuedAlert> step(geo::UtcTime now, const std::vector<TrackSituation>& tracks);

  Assessment assess(geo::UtcTime now, const TrackSituation& t) const;
  // The two halves of assess: the geometry of a prediction, then the clock.
  std::vector<AreaHit> hits(const TrackSituation& t) const;
  Assessment assess(geo::UtcTime now, const TrackSituation& t,
                    const std::vector<AreaHit>& hits) const;

  // The record of one track, or nullptr if it was never confirmed.
  const TrackAlertRecord* record(std::uint64_t system_track_id) const;
  std::optional<TrackAlertState> state(std::uint64_t system_track_id) const;
  const std::vector<AreaGeometry>& areas() const { return areas_; }

 private:
  IssuedAlert make(AlertKind kind, geo::UtcTime now, std::uint64_t track_id,
                   std::vector<std::string> areas, std::optional<double> time_to_event_s,
                   std::string text);
  void close_by_clock(geo::UtcTime now, std::uint64_t id, TrackAlertRecord& r,
                      std::vector<IssuedAlert>& out);

  std::vector<AreaGeometry> areas_;
  AlertConfig config_;
  std::map<std::uint64_t, TrackAlertRecord> tracks_;
  std::uint64_t next_alert_id_ = 1;
  std::uint64_t next_sequence_ = 1;
  std::optional<geo::UtcTime> last_now_;
};

}  // namespace trilink::warn
