// What a node makes of a track for its picture (DESIGN.md, "Nodes"): launch reports while
// the missile boosts, impact predictions once it is past burnout, and the situation the alert
// manager judges (warn/alerts.hpp). A national node runs it over its own local tracks, the hub
// over each nation's view of the system tracks; the maths is track/prediction.hpp.
//
//  - launch report: LaunchPointEstimator on the track's position and velocity, every
//    `launch_report_interval_s` while boosting (the first at once);
//  - impact prediction: ImpactPredictor (unscented transform to the ground, 95 % ellipse) at
//    the first update past burnout and then every `prediction_interval_s`; never while
//    boosting (the thrust still to come is unknown);
//  - an SRBM-like track (low and slow: it may still fly an aeroballistic descent) is predicted
//    with the bank of lifting descents of `descent` (track/prediction.hpp), its ellipse
//    covering them;
//  - ground track: the predicted descent of the mean state (the ballistic fall, or the lifting
//    descent of the bank nearest the published point) every `ground_track_step_s`, and last
//    the predicted impact point at the predicted time of impact, for the overflight corridor;
//    the corridor's 95 % half-width grows linearly in time to the impact ellipse's extent
//    across the track's heading over its last `heading_baseline_m`;
//  - no prediction (and no boost arc) from a track whose velocity sigma exceeds
//    `max_velocity_sigma_mps` (it has lost its radars and coasts, or is just born; its ellipse
//    would be a guess hundreds of km wide);
//  - boost-phase overflight arc: while a confirmed track boosts (no impact
//    prediction may be made), the ground it will overfly whatever thrust remains, every
//    `prediction_interval_s` (boost_overflight_arc below; its heading from the track's own
//    path too: chord_heading); the alert manager warns of
//    overflights on it, never of an impact (it is no impact prediction, and no message of its
//    own);
//  - a prediction that does not yet agree with one before it (the first past burnout, or one
//    that moved) is followed by the next after `confirm_interval_s`, not
//    `prediction_interval_s`: the threat waits for the agreeing one, and the seconds saved are
//    the warning's;
//  - a prediction is valid for warning only when it agrees with the one before it: their
//    impact points lie within the sum of their 95 % semi-major axes, and its semi-minor axis
//    is at most `max_semi_minor_growth` times the one before's (plus a floor). A prediction
//    whose cross-track width jumps comes from a state that has just gone bad (salvo16, seed 2:
//    one KAMD prediction 90 km off, its width 7.9 -> 32 km, its ellipse reached Korea's sea
//    for one update: a false threat); the next, 2 s on, agrees or not. A true ballistic
//    prediction stays inside its own uncertainty from one update to the next; one made while
//    the missile is still thrusting (burnout declared too early) marches downrange by
//    hundreds of km in seconds and never raises a threat. Nor does one whose 95 % ellipse is
//    longer than `max_warning_semi_major_m` (250 km: an SRBM that can still pull up has an
//    honest along-track ellipse of 100-300 km before its descent is seen, and Japan must be
//    warned of it then; docs/warning.md has the trade against false threats, measured at 50,
//    120 and 250 km).
// Functional core: timestamped track states in, messages out; no clock.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

#include "share/messages.hpp"
#include "track/gaussian.hpp"
#include "track/prediction.hpp"
#include "warn/alerts.hpp"

namespace trilink::node {

// The boost-phase overflight arc (docs/warning.md). While thrust lasts, the instantaneous impact
// point (where the missile would fall if thrust stopped now) moves only downrange, so the ground
// under the path from the present sub-missile point to it is overflown whatever thrust remains:
// thrust only carries the missile farther along the same azimuth (in the launch plane: a dog-leg
// is not modelled). The arc is that path, honest on three counts:
//  - the fall is under gravity (J2, rotating Earth) and the drag of a body lighter than any the
//    classes fly (`beta_kgpm2`), so it falls short of the missile's own coast;
//  - it ends at the nearest of the impact points of the state with its speed `sigmas` sigma
//    lower and its flight-path angle `sigmas` sigma higher or lower (a young track's velocity
//    is poor: its arc stops short, not long);
//  - each point has the 95 % cross-track half-width of the track's heading and position errors,
//    2.45 sqrt(sigma_pos^2 + (sigma_vel dt)^2) across the direction of flight.
// Times along it are those of the fall without thrust: the latest the missile gets there.
// It stops `horizon_s` (of those times) ahead: an overflight that begins later than that is
// still ahead at burnout, and the impact predictions made from then on (the threat within ~20 s
// of burnout) warn of it in time; farther on, the cross-track error of a boosting velocity
// (tens of m/s over the many minutes of a lofted flight) makes a corridor too wide to mean
// anything (F06, F11: "overflights" of Korea and Japan from shots into the EEZ) — unless the
// track's chord (below) confirms the heading: then `chord_horizon_s` (the chord knows it to
// under 0.1 deg late in the boost, and an overflight of Japan minutes ahead is warned of
// before burnout; a young track's velocity alone, hundreds of m/s off, keeps the short one).
//
// The heading across: a boosting missile's thrust keeps it in its launch plane, so over tens of
// seconds its ground track is a geodesic to metres (the untuned u15's IRBM: 4-7 m off the
// chord of 30 s from T+60 to burnout), and the chord from the track's own position some tens of
// seconds ago to the present one knows the heading to sqrt(sigma_then^2 + sigma_now^2) / length
// across it, while a boost filter's velocity knows it to its cross-track sigma over its speed:
// up to 33-41 m/s at 2.5 km/s, about 1 deg, on an IRBM from Sinpo whose path passes 2 km
// outside Ulleungdo's territorial sea (corridors laid 1-2 deg off by such errors reached it:
// false threats to Korea). `path_heading` (chord_heading below), when given and consistent
// with the velocity's heading within `chord_consistency_sigmas` of their combined sigma, is
// combined with it (inverse variance): the fall starts from the velocity turned to that
// heading, and the cross-track velocity sigma is that of the combination. An inconsistent
// chord means the arc's premise fails (a dog-leg, a track that changed objects, a velocity
// biased by the boost model's thrust): no arc.
struct BoostArcConfig {
  double beta_kgpm2 = 3000.0;
  double sigmas = 2.0;
  double step_s = 10.0;
  double max_time_s = 3600.0;
  double horizon_s = 180.0;
  double chord_horizon_s = 600.0;  // the horizon of an arc whose heading the chord confirms
  double min_horizontal_speed_mps = 100.0;  // slower: climbing near-vertically, no heading yet
  // The chord: from the track's position at least chord_min_s and at most chord_max_s ago
  // (the oldest such), at least chord_min_length_m long on the ground. A track fast enough to
  // have had one in chord_min_s draws no arc until it has one (ProductMaker).
  double chord_min_s = 4.0;
  double chord_max_s = 30.0;
  double chord_min_length_m = 2e3;
  double chord_consistency_sigmas = 3.0;
};

// The azimuth of a ground path at its present point, with its standard deviation.
struct GroundHeading {
  double azimuth_rad = 0.0;  // clockwise from north
  double sigma_rad = 0.0;
};

// The heading at `now` of the geodesic between the sub-points of `then` and `now` (ECEF
// positions with their covariances), its sigma from the positions' errors across it; none
// when the chord is shorter than min_length_m.
std::optional<GroundHeading> chord_heading(const track::Vec3& then, const Eigen::Matrix3d& P_then,
                                           const track::Vec3& now, const Eigen::Matrix3d& P_now,
                                           double min_length_m);

// The arc of a boosting state of time t (empty when it has no heading yet, is not climbing or
// does not come down within max_time_s). Every point carries its time and half-width.
std::vector<warn::GroundPoint> boost_overflight_arc(
    const track::Gaussian<9>& state, geo::UtcTime t, const BoostArcConfig& c = {},
    const std::optional<GroundHeading>& path_heading = std::nullopt);

// An east-north covariance at a point on the ground as an ECEF 3x3 covariance (the vertical
// variance that of the ground: zero, plus 1 m^2 that keeps it positive definite).
share::Matrix3 ecef_covariance(const geo::Geodetic& at, const Eigen::Matrix2d& cov_en);

// The ground track of a prediction made at time t (with its path): the path on the ground, then
// its impact point at its time of impact, each point with the corridor's 95 % half-width there
// (it grows linearly in time to the impact ellipse's extent across the heading over the last
// `heading_baseline_m`; the whole semi-major at the impact when the path is shorter).
std::vector<warn::GroundPoint> prediction_ground_track(const track::ImpactPrediction& p,
                                                       geo::UtcTime t, double heading_baseline_m);

struct ProductConfig {
  double launch_report_interval_s = 5.0;
  double prediction_interval_s = 5.0;
  double confirm_interval_s = 2.0;
  // A boosting track's overflight arc is drawn this often: an arc's threat waits for the next
  // arc to meet the area too (warn::TrackSituation::previous).
  double arc_interval_s = 2.0;
  double max_semi_minor_growth = 2.0;
  double semi_minor_growth_floor_m = 1e3;
  double ground_track_step_s = 10.0;
  // The corridor's width is the impact ellipse's extent across the ground track's heading over
  // its last this many metres (prediction_ground_track).
  double heading_baseline_m = 20e3;
  double beta_kgpm2 = 8000.0;  // nominal ballistic coefficient of the prediction
  double max_warning_semi_major_m = 250e3;
  // A track whose velocity sigma (root of the covariance trace) has grown beyond this has lost
  // its radars: a missile low in its dive, below their horizon, is no miss to them, so the
  // track stays confirmed while it coasts on a lift manoeuvre's noise. No prediction from it:
  // at 250 m/s its heading is unknown to 10 deg (an SRBM's 1.5 km/s), its ellipse a guess
  // hundreds of km wide. A radar track's is a few to tens of m/s.
  double max_velocity_sigma_mps = 250.0;
  bool boost_overflight = true;  // make boost-phase overflight arcs
  BoostArcConfig boost_arc;
  track::DescentEnvelope descent = default_descent();

  static track::DescentEnvelope default_descent() { return track::srbm_descent_envelope(); }
};

// One track as a node sees it at one time.
struct TrackView {
  std::uint64_t id = 0;
  geo::UtcTime time;  // of validity of `state`
  track::Gaussian<9> state;
  bool confirmed = false;                   // confirmed (not tentative, not coasting)
  bool boosting = true;                     // not yet past burnout
  std::optional<track::DragEstimate> drag;  // the track's estimated drag, if any
};

struct Products {
  std::optional<share::LaunchReport> launch;
  std::optional<share::ImpactPrediction> impact;
  // The estimates the messages were made from (for scoring against truth).
  std::optional<track::LaunchEstimate> launch_estimate;
  std::optional<track::ImpactPrediction> impact_estimate;
};

// A 6-state (position, velocity) estimate as the 9-state of the track models, thrust
// acceleration zero with a small held variance.
track::Gaussian<9> with_zero_thrust(const track::Vec<6>& x, const track::Mat<6>& P);

class ProductMaker {
 public:
  // Messages are stamped with `originator` and `label`; sequence numbers are left 0 for the
  // node to set.
  ProductMaker(ProductConfig config, share::Originator originator, share::Releasability label);

  // The products due for this track now (none when nothing is due or the maths failed).
  Products update(const TrackView& t);
  // The alert manager's input for a track: the last valid prediction, or none yet.
  warn::TrackSituation situation(const TrackView& t) const;
  void forget(std::uint64_t id) { tracks_.erase(id); }
  std::uint64_t prediction_failures() const { return prediction_failures_; }

 private:
  struct PerTrack {
    std::optional<geo::UtcTime> next_launch_report;
    std::optional<geo::UtcTime> next_prediction;
    std::optional<geo::UtcTime> next_arc;
    std::vector<warn::GroundPoint> boost_arc;  // while boosting
    // The track's positions at its arcs' times, for the chord (BoostArcConfig), oldest first.
    struct Sample {
      geo::UtcTime time;
      track::Vec3 p;
      Eigen::Matrix3d P;
    };
    std::deque<Sample> path;
    std::shared_ptr<const warn::TrackSituation> arc_before;  // the arc before it
    std::optional<share::ImpactPrediction> last;
    bool consistent = false;  // `last` agrees with the prediction before it
    std::vector<warn::GroundPoint> ground_track;
    std::vector<warn::ImpactEllipse> support;  // of `last` (warn::support_meets)
    // The prediction before `last`, as the alert manager sees one (TrackSituation::previous).
    std::shared_ptr<const warn::TrackSituation> before;
    track::DescentMemory descent;  // what its predictions have seen of an aeroballistic descent
  };
  // Its velocity sigma (root of the covariance trace) within `max_velocity_sigma_mps`.
  bool velocity_known(const TrackView& t) const;
  // The heading of a boosting track's chord (BoostArcConfig), if it has one; keeps its
  // present position for the chords to come.
  std::optional<GroundHeading> path_heading(PerTrack& pt, const TrackView& t) const;

  ProductConfig config_;
  share::Originator originator_;
  share::Releasability label_;
  track::ImpactPredictor impact_;
  track::LaunchPointEstimator launch_;
  std::unordered_map<std::uint64_t, PerTrack> tracks_;  // looked up, never walked
  std::uint64_t prediction_failures_ = 0;
};

}  // namespace trilink::node
