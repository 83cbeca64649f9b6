// Truth-based scoring of the warnings one run gave each nation (`trilink bench warning`,
// the exercise's warning targets; docs/warning.md). Every alert message that reached a
// nation's display counts, from its own node and (trilateral run) from the hub. Judged per
// truth object (a missile, a spent stage, a fragment: eval/truth.hpp), each alert by the
// object its track is about; "launch" below reads "object":
//
//   threatened   a launch truly threatens the nation: the true impact point lies in one of
//                its areas, or the true ground track passes over one (debris: only its
//                impact point: a stage that falls at sea threatens no one);
//   missed       threatened, and no source raised a threat naming a truly threatened area
//                before the danger ended (impact, or the last overflight exit);
//   false        a threat or update none of whose areas the launch it is about truly
//                threatens, by impact or overflight (or about no object at all): the object
//                it is about or another of its launch (its missile, a stage, a fragment),
//                as a threat covers the danger of every object of its launch (gap, below);
//   gap          seconds of the danger window with no active threat naming a truly threatened
//                area, from any source. The window runs from burnout + threat_allowance_s
//                (the threat target: within 20 s after burnout) to the end of the danger;
//                a threat is active from its threat alert until that source's next passed,
//                fell or all_clear about the same launch; an object's danger is covered
//                too by a threat about another object of its launch (its missile, a piece
//                of its debris) that names one of its areas, while that threat is active;
//   premature    a passed, fell or all_clear that ended an active threat while the launch
//                still truly threatened the nation;
//   to_threat    first covering threat alert after lift-off, and after burnout;
//   lead         the true event (impact in an area, else the first overflight entry) minus
//                the first covering threat; the target is >= 80 % of event minus burnout;
//   launch alerts  "launch detected" messages per source and launch (of the object); every
//                one past the first is a repeat (one about a launch announced already counts
//                for a launch not yet announced whose missile flies within 20 km of the
//                track: a cluster);
//   early predictions  impact predictions made (time of validity) before true burnout (of a
//                stage or fragment: its separation);
//   below ground  local or system tracks reported below the ground (altitude < 0).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "exercise/runtime.hpp"
#include "warn/areas.hpp"

namespace trilink::eval {

inline constexpr double threat_allowance_s = 20.0;
inline constexpr double lead_target_fraction = 0.8;

// One nation and one truth object that truly threatens it.
struct ThreatOutcome {
  std::size_t object = 0;  // truth object id (scenario/simulation.hpp)
  std::size_t launch = 0;
  std::string name;  // "F01", "F01/stage1"
  bool missed = false;
  double gap_s = 0.0;
  double window_s = 0.0;
  std::optional<double> threat_after_launch_s;
  std::optional<double> threat_after_burnout_s;
  std::optional<double> lead_s;
  double lead_wanted_s = 0.0;  // lead_target_fraction x (event - burnout)
};

// One scored fault, for the analyst to find it in the recording: what, when, from which
// source, about which object (none: an alert about no object) and which track.
struct WarningFault {
  enum class Kind : std::uint8_t {
    false_threat,
    premature_end,
    repeated_launch_alert,
    prediction_before_burnout
  };
  Kind kind = Kind::false_threat;
  double t_s = 0.0;            // since the scenario start
  std::string source;          // the node that sent the alert
  std::string object;          // "F01", "F01/stage1"; empty: about no object
  std::uint64_t track_id = 0;  // the source's track or system track
};
std::string_view to_string(WarningFault::Kind k);

struct NationWarningScore {
  Nation nation = Nation::USA;
  std::size_t threatened = 0;  // objects truly threatening the nation
  std::size_t missed = 0;
  std::size_t false_threats = 0;
  std::size_t threat_messages = 0;  // threat and update alerts
  double gap_s = 0.0;
  std::size_t premature_ends = 0;
  std::size_t launch_alerts = 0;
  std::size_t repeated_launch_alerts = 0;
  std::size_t early_predictions = 0;
  std::size_t below_ground = 0;
  std::vector<ThreatOutcome> threats;
  std::vector<WarningFault> faults;  // in the order of the display's messages
};

struct WarningScore {
  exercise::Mode mode = exercise::Mode::national;
  std::vector<NationWarningScore> nations;  // nations with a national node, in order
};

WarningScore score_warnings(const scenario::Scenario& s,
                            const std::vector<warn::ProtectedArea>& areas,
                            const exercise::RunOutput& run);

}  // namespace trilink::eval
