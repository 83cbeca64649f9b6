// What truth says about a scenario's objects, for scoring only (no node sees it): which
// missile, spent stage or fragment (scenario/simulation.hpp: truth object ids) a reported
// track is about, the true ground tracks, and which areas each object truly threatens and when.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "scenario/scenario.hpp"
#include "scenario/simulation.hpp"
#include "warn/areas.hpp"
#include "warn/threat.hpp"

namespace trilink::eval {

// True ground tracks and trajectories are sampled this often (s).
inline constexpr double truth_step_s = 5.0;
// A track this close to a missile (m) is about it.
inline constexpr double about_launch_m = 50e3;
// A track farther than this from the object it was about has left it (TrackObjects).
inline constexpr double left_object_m = 20e3;
// ... and so has one farther than this from it with another object within a quarter of that
// distance (it now follows that one: a spent stage, a fragment).
inline constexpr double taken_by_another_m = 2e3;
// A track this close to a missile is about it, whatever debris of it lies nearer: the cloud of
// fragments around a missile (hundreds of metres) cannot be told from the missile by a track.
inline constexpr double with_missile_m = 1e3;

// The nations present: those with a national node (radars or satellites, and a site), in
// all_nations order.
std::vector<Nation> nations_with_nodes(const scenario::Scenario& s);

// The launch a track position is about at time t: the nearest airborne missile within 50 km.
std::optional<std::size_t> launch_near(const scenario::Scenario& s, geo::UtcTime t,
                                       const Eigen::Vector3d& p);
// The truth object a track position is about at time t: the nearest airborne object (missile,
// spent stage or fragment) within 50 km.
std::optional<std::size_t> object_near(const scenario::Scenario& s, geo::UtcTime t,
                                       const Eigen::Vector3d& p);

// The true sub-missile points from lift-off to impact, every truth_step_s and at impact.
std::vector<warn::GroundPoint> true_ground_track(const scenario::Launch& l);
// The same for a trajectory flown by a launch at launch_time, from its start (separation).
std::vector<warn::GroundPoint> true_ground_track(const flight::Trajectory& traj,
                                                 geo::UtcTime launch_time);

// Is the area under the true impact point or the true ground track? When, if overflown.
struct TruthOverArea {
  bool impact = false;
  std::optional<geo::UtcTime> entry;  // first time the true ground track is over the area
  std::optional<geo::UtcTime> exit;   // last time
  bool threatened() const { return impact || entry.has_value(); }
};

TruthOverArea truth_over(const warn::AreaGeometry& a, const scenario::Launch& l,
                         const std::vector<warn::GroundPoint>& track);
TruthOverArea truth_over(const warn::AreaGeometry& a, const flight::Trajectory& traj,
                         const std::vector<warn::GroundPoint>& track);

// Which truth object each reported track is about (per receiving nation, originating node and
// track id): the nearest within 50 km at its first report, kept while the track's reports stay
// within 20 km of it and no other object is nearer by four times (when the track is more than
// 2 km from its object: a track that left its missile at a separation for the spent stage or
// a fragment, within a few km, is about what it now follows; but a track within 1 km of a
// missile is about the missile, not the debris beside it). A track that leaves its object (it lost
// its missile, coasted and took another's plots: seen in dense raids) is about the nearest object
// within 50 km of its report from then on, or about none; the alerts and predictions that follow
// are judged by the object the track now follows. In a cluster (two missiles from one site seconds
// apart) the 20 km keeps the answer from flipping at every report.
class TrackObjects {
 public:
  explicit TrackObjects(const scenario::Scenario& s);
  std::optional<std::size_t> map(Nation n, const std::string& node, std::uint64_t id,
                                 geo::UtcTime t, const Eigen::Vector3d& p);
  std::optional<std::size_t> lookup(Nation n, const std::string& node, std::uint64_t id) const;

 private:
  const scenario::Scenario& s_;
  const std::vector<scenario::TruthObject> objects_;
  std::map<std::tuple<Nation, std::string, std::uint64_t>, std::size_t> about_;
};

}  // namespace trilink::eval
