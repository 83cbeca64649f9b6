// Alert life cycle of one nation (DESIGN.md, warn/; public-data.md §5; docs/warning.md), per
// missile: the alert manager follows missiles, not track ids. A confirmed track it has not
// seen joins the missile whose last confirmed state it continues (a broken track picked up
// again, by this node or after a hub re-association), or that it duplicates (a second track
// of a missile still tracked, its state within a few km and ~100 m/s); only a track that
// continues none is a new launch. So "launch detected" is said once per missile however often its
// tracks break. A track that climbs faster than any booster at its height, or whose velocity is
// unknown to more than 500 m/s, may be plots of several missiles strung together: it is no
// launch until it flies like a missile.
//
//   detected ──a prediction meets an area──► threatened ──(areas or time change)──► update
//      ▲  ▲                                   │   │   │
//      │  └─passed: the predicted ground track┘   │   └─fell: the predicted impact time is over
//      │    has left every overflown area and     │         (+ fell_margin_s) and no track of
//      │    the prediction meets no area          │         the missile is left (it then ends)
//      └─all_clear (withdrawn): no prediction has met an area for `withdraw_after_s`, nor
//        come near one it names (`hold_scale`)
//   detected ──(no track left, impact time over or lost)──► all_clear, the missile ends
//
// A threat needs a confirmed track AND a valid impact prediction, or while it boosts its
// boost-phase overflight arc (overflight only, see TrackSituation::boost_arc), that its track's
// prediction or arc before it seconds (it met one of the areas too: one prediction thrown off
// course by a track lagging a manoeuvre, or one arc drawn from a speed overshooting at
// burnout, raises nothing; once threatened, each counts alone): a coasting or lost
// track never raises a threat, but one already raised is never let go while the missile may still
// be flying toward an area: "fell" waits for the impact time AND the end of every track; "passed"
// waits for the overflight exit. After "passed" or a withdrawal the missile is watched on:
// any new prediction that meets an area raises the threat again.
// "Threat" means the 95 % impact ellipse meets an area (for a bank of lifting descents: the
// hull of its descents too, and their mixture puts at least `min_impact_probability` of the
// impact in the area unless the threat names it already), or the corridor under the future
// ground track does (its half-width: the prediction's cross-track uncertainty, at least 3 km);
// the alert names the areas and gives the time to impact (ellipse) or else to the first
// overflight entry. An update is sent when the predictions name an area the alert did not (or
// an impact where it said an overflight) or the event time moves by more than
// `update_time_change_s`; when they name fewer, once they have for `withdraw_after_s`.
//
// Functional core: step() takes the time and the tracks and returns the alerts; no clock.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include <Eigen/Core>

#include "geo/time.hpp"
#include "share/messages.hpp"
#include "warn/areas.hpp"
#include "warn/threat.hpp"

namespace trilink::warn {

// A track's last state, for joining a broken track's successor to its missile.
struct TrackKinematics {
  geo::UtcTime time;
  Eigen::Vector3d position_ecef_m = Eigen::Vector3d::Zero();
  Eigen::Vector3d velocity_ecef_mps = Eigen::Vector3d::Zero();
  bool boosting = false;
  // 1-sigma errors (root of the covariance trace): a young track's velocity is still poor.
  double position_sigma_m = 0.0;
  double velocity_sigma_mps = 0.0;
};

struct TrackSituation {
  std::uint64_t system_track_id = 0;
  bool confirmed = false;     // confirmed, not coasting or tentative
  bool impact_valid = false;  // the impact prediction below is usable
  ImpactEllipse ellipse;      // 95 % impact ellipse
  // The impact's support (warn/threat.hpp, support_meets) when the prediction has a bank of
  // descents: an impact threat needs the ellipse and the support to meet the area.
  std::vector<ImpactEllipse> impact_support;
  geo::UtcTime time_of_impact;            // predicted
  std::vector<GroundPoint> ground_track;  // predicted, with times (may include the past)
  // While the missile boosts there is no impact prediction (impact_valid false): ground_track
  // is then the boost-phase overflight arc (node::boost_overflight_arc), the ground overflown
  // whatever thrust remains. It threatens overflight only, never an impact.
  bool boost_arc = false;
  std::optional<TrackKinematics> kinematics;  // the track's state (none: never joined)
  // The impact prediction (or boost-phase arc) of the same track before this one, when known
  // (valid or not): a threat is raised only when it met one of the areas too (two in a row).
  std::shared_ptr<const TrackSituation> previous;
};

enum class AlertKind : std::uint8_t { launch_detected, threat, update, passed, fell, all_clear };
std::string_view to_string(AlertKind k);
share::AlertLevel level_of(AlertKind k);

enum class TrackAlertState : std::uint8_t { unseen, detected, threatened, closed };
std::string_view to_string(TrackAlertState s);

struct AlertConfig {
  Nation nation = Nation::JPN;
  std::string node = "warn";
  share::Releasability releasability;  // empty: {nation}
  // The least half-width of the corridor under a predicted ground track (its own half-widths,
  // from the prediction's cross-track uncertainty, are used where larger): the track's present
  // position and heading errors, with margin.
  double corridor_half_width_m = 3e3;
  double update_time_change_s = 30.0;  // event time moves more than this → update
  // A threat is withdrawn once no prediction has met an area for this long (predictions come
  // every few seconds; one that jitters out of an area for one update does not end it).
  double withdraw_after_s = 10.0;
  // Nor does a prediction count as meeting no area while its ellipse (and corridor) grown by
  // hold_scale still meets one the threat names: raised at 95 %, a threat is let go only once
  // the missile is clear of its areas at about 99.99 % (2.448 sigma x 1.75 = 4.3 sigma). A
  // prediction hard by an area's edge jitters across the 95 % line for minutes (m02, a lofted
  // SRBM falling 24 km off Ulleung: withdrawn at T+85, raised again at T+118).
  double hold_scale = 1.75;
  // A prediction from a bank of descents (impact_support) meets an area by impact only where
  // its mixture puts at least this probability of the impact (warn::impact_probability), or
  // the missile's active threat names the area already (on any of its tracks). The class's
  // envelope of lifting descents spreads an SRBM's impact points 150-200 km along its path
  // before its pull-up (honestly: the 95 % ellipses hold the truth), and the farthest descents'
  // ellipses reach coasts the missile was never aimed near: untuned u03, an SRBM into the EEZ
  // off Noto whose true impact lies ~140 km outside Japan's territorial sea, put 0.1-7 % of its
  // impact in that sea (seeds 1-3, 35 false threats to Japan). True threats to small islands
  // held 40-88 % in their territorial sea at their first prediction, never under 14 %
  // (Tsushima, Sado, Ulleungdo, Oki; seed 1). Not for ballistic predictions: their Gaussians are
  // the track's error, biased early after burnout, and the same rule there more than doubled the
  // held-out flights' alert gap (525 -> 1 204 s).
  double min_impact_probability = 0.1;
  // "Fell" waits this long past the predicted time of impact: that time is a few seconds off
  // (a track that ends at the ground a little early), and "fell" before the missile has fallen
  // would end the alert too soon.
  double fell_margin_s = 10.0;
  // A new track joins a missile whose last confirmed state, carried forward under gravity,
  // lies within join_gate_m + a_max dt^2 / 2 of it (a_max: the manoeuvre the missile may have
  // made since, boosting or not) and whose tracks have all been silent at most max_join_gap_s.
  double join_gate_m = 5e3;
  double join_speed_gate_mps = 300.0;
  double boost_accel_mps2 = 60.0;
  double coast_accel_mps2 = 30.0;  // lift of an aeroballistic descent, with margin
  double max_join_gap_s = 120.0;
  // A missile silent for longer (a lofted shot leaves a nation's radars for most of its
  // flight) is picked up again by a track where its last state, flown on ballistically, is
  // now (within join_gate_m + gate_sigmas x its errors grown by the time flown, and
  // join_speed_gate_mps): when that state was past burnout and above the air (no lift: the
  // flight between is ballistic), and its predicted impact time, if any, is not over.
  double min_ballistic_height_m = 100e3;
  // A new track that duplicates a missile still tracked (its state within these of the
  // missile's) is that missile: a second track of one missile, or a hub re-association. Two
  // missiles of a salvo, launched seconds apart, are farther apart than this once tracked.
  // Both gates (join and duplicate) widen by gate_sigmas times the two states' combined
  // errors, so that a young track of a missile (a track restarted in a manoeuvre) still joins.
  double duplicate_gate_m = 4e3;
  double duplicate_speed_gate_mps = 120.0;
  // A young track passes those gates widened by its large errors: a second missile of a salvo,
  // launched seconds after the first from the same site, is taken for its duplicate when first
  // seen (o01: four SRBMs from Sinpo 5 s apart, one missile to Japan, the second's threat 380 s
  // late). The join is judged again while both tracks are present and known: once each is
  // known to within part_position_sigma_m and part_velocity_sigma_mps, the later joined parts
  // from the earlier when it lies beyond part_scale times the duplicate gates (the errors
  // widen them as for the duplicate), and is judged afresh as a new track: a missile of its
  // own, another's, or an object. Only below staging_min_height_m and until
  // part_after_burnout_s after the missile's burnout: higher up and later, what parts from a
  // missile is its stages and fragments (parting them made records of their own, announced as
  // launches: debris, 20 -> 129 repeated launch alerts). Parted from a missile past its boost
  // and no object of another, a track is an object of that missile. Known as well as a track
  // seen from space alone ever is while the missile boosts (angles from 36 000 km: ~1 km and a
  // few hundred m/s): two missiles of one site 20 s apart, tracked by the satellites as two,
  // were one missile to the US for good, the second never announced and the first announced
  // again when a radar took it up (raid100, seed 1: R046 in R082's record; 4 such in the
  // US views of that seed).
  double part_scale = 2.0;
  double part_after_burnout_s = 60.0;
  double part_position_sigma_m = 1500.0;
  double part_velocity_sigma_mps = 800.0;
  // In dense air both gates widen by the drag deceleration of a light body (this ballistic
  // coefficient) at the lower of the two states: the join's manoeuvre by it, the duplicate's
  // speed gate by it times velocity_lag_s (two tracks of an SRBM diving through 6 km, one
  // lagging its deceleration, were 280 m/s apart: a second "launch detected", salvo16).
  double light_beta_kgpm2 = 3000.0;
  double velocity_lag_s = 2.0;
  double gate_sigmas = 3.0;
  // A new missile flies like one: a track that climbs faster than any booster can at its
  // height (booster_speed_mps + booster_speed_gain x height, less gate_sigmas of its velocity
  // error) is plots of several missiles strung together, not a launch: nothing is said of it
  // until it flies like a missile. The classes' boosts (trilink trajectory) climb at most at
  // 2.3 km/s through 17 km (a depressed SRBM), 4.3 km/s at 108 km (IRBM), 6.1 at 364 km
  // (ICBM); the bound is 3.0, 5.7 and 13.4 km/s there. Ghosts of salvo16's dense raid
  // climbed at 5.3 km/s through 14 km and 6.4 km/s at 73 km (bound 2.9, 4.7).
  double booster_speed_mps = 2500.0;
  double booster_speed_gain_per_s = 0.03;  // m/s per m of height
  // Nor is a track whose velocity is unknown to more than this a launch yet: the ghosts of
  // salvo16 were confirmed with 554 and 2 000 m/s of velocity sigma (a ghost that then hid
  // its 6.4 km/s behind 3 sigma of it), the missiles' own tracks with at most 290.
  double launch_velocity_sigma_mps = 500.0;
  // Nor is an object that separated from a missile already known (a spent stage, a
  // fragment). A new track above separation_min_height_m that continues no missile is an
  // object of the missile (not itself an object) that
  //  - is past burnout and, like the track, above separation_min_height_m, and lies within
  //    gate = separation_gate_m + separation_speed_mps x (time since its burnout) of it, its
  //    velocity within separation_speed_mps (the push of a separation: stages ~10 m/s,
  //    fragments tens; with margin for the gravity gradient's drift), both widened by
  //    gate_sigmas of the errors and the velocity by separation_drag_s of a light body's
  //    drag (the fragments of an RV, seen minutes later, or in its re-entry); while the gate
  //    is at most separation_position_only_m the position alone decides for a young track
  //    (velocity sigma at least separation_young_sigma_mps; n12: fragments'
  //    tracks born 0.7-4.4 km from the RV, 10-68 s after burnout, 2-4 km/s off in velocity
  //    with sigmas of 320; and at any time within separation_gate_m of it, widened likewise,
  //    or within separation_position_only_m: n12's fragments picked up 3.6-4.2 km from the
  //    RV 260-300 s after burnout, 2.5-3.4 km/s off; o02's 14 km from an IRBM 185 s after
  //    burnout, 2.7 km/s off with a sigma of 385), and in dense air the drag term lets it decide
  //    (fragments picked up again at 20 km in the RV's re-entry); the position decides too,
  //    above staging_min_height_m and within separation_gate_m (+ gate_sigmas of the
  //    errors), for a track whose filter still takes it for a boost: its velocity is off by
  //    the thrust it models, whatever its sigma says (untuned u06: the hub's track of an
  //    ICBM's spent post-boost stage, 750 m from a track of the missile at 608 km, 64 s past
  //    burnout, 490 m/s off with a sigma of 46; announced as a launch); or
  //  - is still boosting (or an object of it that boosts: a track of the missile taken for
  //    one) above staging_min_height_m, and lies within separation_gate_m + staging_lag_s of
  //    its flight (a boosting track lags its missile) of it, widened by gate_sigmas of the
  //    position errors, its velocity within separation_speed_mps + boost_accel_mps2 x
  //    velocity_lag_s and gate_sigmas of the errors, or position alone for a young track:
  //    a staging, where a track of the missile may jump to the stage dropped and a new one
  //    start on the missile, or the post-boost stage and fragments part at burnout (m05: a
  //    young track 1 km from an ICBM at 100 km, 700 m/s off in velocity with a sigma of
  //    120; a fragment's track 5.9 km and 390 m/s from the ICBM's lagging track at burnout;
  //    two missiles of one site 5 s apart are 8 km or more apart that high and farther
  //    higher up); or
  //  - has a path point (its confirmed states above separation_path_height_m, one every
  //    separation_sample_s over the last separation_window_s) that the track's state flown
  //    back (gravity, J2, Earth's rotation; no thrust, no drag) passes within
  //    separation_gate_m and separation_speed_mps, widened likewise (a stage dropped while
  //    the missile boosted on). A point whose errors flown back that far (with the drag of
  //    a light body at the lower height) exceed separation_max_error_m decides nothing.
  // The object is followed like a missile, threats and all (a stage falling on land is a
  // threat like any other), but "launch detected" is not said again, nor "all clear" of an
  // object nothing was said of. The cost: a missile of a salvo first seen past burnout a few
  // km behind another on its path is taken for its object and gets no "launch detected" of
  // its own (its threats are its own).
  double separation_gate_m = 5e3;
  double separation_speed_mps = 150.0;
  double separation_min_height_m = 15e3;
  double staging_min_height_m = 60e3;
  double staging_lag_s = 1.0;
  double separation_path_height_m = 20e3;
  double separation_sample_s = 5.0;
  double separation_window_s = 900.0;
  double separation_max_error_m = 15e3;
  double separation_position_only_m = 25e3;
  double separation_young_sigma_mps = 100.0;

  // A track thrusting with a velocity error under this is taken for the missile's thrust
  // track (AlertManager::thrust_track): a boosting track's filter holds 60-130 m/s, a
  // fragment's track born at a separation 200-400 m/s for its first seconds.
  double thrust_track_sigma_mps = 150.0;
  double separation_drag_s = 60.0;
  // A track that parted from a missile (part_strangers) is an object of it only if its state
  // relative to the missile's could come from a separation at or after the missile's burnout:
  // two bodies whose relative acceleration (drag) stays nearly constant part by dp = (dv +
  // dv0) t / 2 in t, dv0 the separation's push; so |dp - dv t / 2| <= t dv0 / 2, with t the
  // time since the burnout judged plus part_separation_lag_s (burnout is judged late), dv0 at
  // most separation_speed_mps, widened by part_separation_gate_m, gate_sigmas of the errors
  // (the velocity's over t / 2) and, for a body slowed by the air faster than the drag falls
  // off, half the speed it has lost along the path over t. Two SRBMs launched 3 s apart from
  // one site toward aims 75 km apart (p01) parted 15 s after the first's burnout, 8.4-8.8 km
  // apart, mostly across the path, 290 m/s apart in velocity (|dp - dv t / 2| ~7.2 km):
  // taken for its object, the second missile had no launch alert and its threat spoke for
  // the first's track.
  double part_separation_lag_s = 10.0;
  double part_separation_gate_m = 1e3;
  // Or, falling, lies in a missile's wake: within separation_gate_m + trail_speed_mps x (time
  // since its burnout) of a point of its path (the fragments of a separation drift apart at
  // tens of m/s and, lighter, re-enter behind it), flying within trail_angle_rad of the path's
  // direction there at the missile's speed there within separation_speed_mps (slower by up to
  // separation_drag_s of a light body's drag in the air), both widened by gate_sigmas of the
  // track's errors. Any height: the fragments of m07 and n12
  // were picked up afresh below 15 km, 40 s after their missile fell (17 "launches" of
  // n12's 40 fragments). The cost is the same as above: a second missile of a salvo on the
  // first's path, first seen falling, has no "launch detected" of its own.
  double trail_speed_mps = 60.0;
  double trail_angle_rad = 0.35;
  // Or, falling above the air (min_ballistic_height_m), was thrown on its ballistic flight by a
  // launch this nation has seen, however long ago and whatever became of that launch's record:
  // its state flown back in vacuum (gravity, J2, Earth's rotation; in launch_back_step_s steps,
  // at most launch_back_max_s) meets the ground at a time within launch_boost_s (the longest
  // boost of the classes, an ICBM's ~260 s, with margin) of that launch's first sighting, and
  // at a point within launch_reach_m of the ground under it (a boost bends the flight: its
  // ballistic extension meets the ground elsewhere than the launch site), widened by the
  // velocity's error across the flight times the time flown back (gate_sigmas of a 150 m/s
  // error's share, 260 m/s, over the 7,900 s of a full-energy loft's fall: ~2,000 km). Flown
  // back from a speed gate_sigmas of its velocity error higher and lower, the window widens
  // to what the track's error allows. A track seen falling out of space is a re-entry
  // vehicle, a stage or a fragment: no launch is seen first that way while one that could
  // have thrown it is known. Untuned u10 (a lofted ICBM, 5,800 km apogee): Korea's record held the
  // spent second stage, closed at its fall (T+2 693 s), and the re-entry vehicle's fragments,
  // picked up at 500 km in the last two minutes of a 66-minute flight, were each announced as a
  // launch. A new track that climbs among objects falling (within confirm_among_falling_m of two or
  // more confirmed tracks that descend, young ones flagged as boosting too: a debris field,
  // not a missile's descent) is announced as a launch only once it is confirmed with a state
  // confirm_among_falling_s newer than when first seen: among the plots of a debris field falling,
  // a track strung from plots of several pieces may climb (untuned u10: tracks born at 17 and 62 km
  // climbing at 1.4 and 4.6 km/s among a spent stage's pieces, confirmed on their last plot and
  // never updated again, each announced as a launch by the US node; the hub fused four such
  // national tracks into one confirmed for 2 s). Elsewhere the launch alert waits for nothing (held
  // wherever anything fell, raid8's later launches were announced 3-6 s later; held within 150 km
  // of one falling track, one of them 6 s later: an SRBM launched as another, 100 km away,
  // descended). 0 s: no wait.
  double confirm_among_falling_s = 3.0;
  double confirm_among_falling_m = 150e3;
  double launch_boost_s = 300.0;
  double launch_reach_m = 600e3;
  double launch_back_step_s = 10.0;
  // The longest an object of the classes flies: a lofted ICBM's full burn (9.1 km/s: 13,300 km
  // up, 9,150 s in the air), with margin. Untuned u36 and u41, such lofts 1,100 km downrange:
  // their RVs and post-boost stages, picked up again in their re-entry after 2.5 hours, were
  // each announced as a launch by every nation under the former 6,000 s.
  double launch_back_max_s = 14400.0;
  // An object's threat is said by its launch while the launch already says it: an object
  // (a stage, a fragment) whose prediction meets only areas that an active threat of another
  // of its launch's records names (an impact area by an impact threat; an overflown one by
  // either) raises no threat and sends no update of its own. Once that threat ends (the
  // missile fell first: a light fragment falls after its RV) and its own prediction still meets
  // them, it raises its own in the same step. A nation is warned once per launch and area, not
  // once per fragment (debris, seed 1: 46 false threats to the US, nearly all updates about
  // fragments of the IRBM to Guam whose own impact met no area, while the RV's threat for
  // Guam was up). Only objects first seen above
  // object_min_height_m, out of the air, where stages and fragments part from their missile:
  // a salvo's second missile taken for the first's object (first seen past burnout on its
  // path, the cost noted above) is seen first lower down, and keeps a voice of its own (p04:
  // two SRBMs from Kaechon 4 s apart into Korea, the second one's threat held back 209 s).
  bool objects_under_launch = true;
  double object_min_height_m = 100e3;
};

// What the threat assessment of one prediction found.
struct Assessment {
  std::vector<std::string> impact_areas;         // met by the ellipse, in area order
  std::vector<std::string> overflown_areas;      // met by the future corridor only, in area order
  std::optional<geo::UtcTime> overflight_entry;  // earliest future entry, overflown areas
  std::optional<geo::UtcTime> overflight_exit;   // latest exit, overflown areas
  std::optional<geo::UtcTime> time_of_impact;    // set when impact_areas is not empty
  bool boost_arc = false;                        // from a boost-phase overflight arc
  bool open_exit = false;  // a boost-phase arc ends over an area: its exit is beyond it
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

// One missile as the alert manager follows it.
struct TrackAlertRecord {
  std::uint64_t missile_id = 0;          // the id of its first track
  std::vector<std::uint64_t> track_ids;  // every track joined to it, in order
  std::uint64_t current_track_id = 0;    // the latest confirmed one
  // The track whose prediction speaks for the missile now (AlertManager::speaker; 0: none):
  // alerts name it, else the current one.
  std::uint64_t speaker_track_id = 0;
  // The track of it seen thrusting last (its upper stage: AlertManager::thrust_track; 0: none).
  std::uint64_t thrust_track_id = 0;
  // Threatened, and the track that spoke for it parted from it (another missile's): the
  // threat is said again for the track that speaks for it now, unless the last alert named
  // it already (a fragment's track that joined as a duplicate and parted before it spoke:
  // an update every few seconds, debris G1).
  bool respeak = false;
  std::uint64_t said_track_id = 0;  // the track the last alert about it named
  TrackAlertState state = TrackAlertState::unseen;
  std::optional<Assessment> assessment;  // the last one alerted on (threatened)
  std::optional<Assessment> latest;      // the last threat assessed (its clock decides)
  std::optional<geo::UtcTime> last_met;  // the last time a prediction met an area
  // Since when the predictions have named less than the alert did (AlertConfig::
  // withdraw_after_s: then an update).
  std::optional<geo::UtcTime> narrower_since;
  // Each of its tracks' last valid prediction's time of impact, by track id (a track parted
  // from it leaves with its own).
  std::map<std::uint64_t, geo::UtcTime> impact_times;
  std::optional<TrackKinematics> last_state;  // last confirmed state
  // Its path: confirmed states, one every separation_sample_s (AlertConfig), oldest first.
  std::vector<TrackKinematics> path;
  // An object that separated from this missile (by missile id): no launch of its own.
  std::optional<std::uint64_t> separated_from;
  double first_height_m = 0.0;                 // of its first track's state when first seen
  std::optional<TrackKinematics> first_state;  // its first track's state when first seen
  // When its track was first past boost (its objects separate from then on).
  std::optional<geo::UtcTime> coasting_since;
  std::optional<geo::UtcTime> last_seen;  // last step a track of it was present
  bool live = false;                      // a track of it is present now
  std::uint64_t threats = 0;              // threat alerts raised for this missile
  std::uint64_t joins = 0;                // tracks joined after the first
  std::optional<AlertKind> last_kind;
  // The geometry of the last prediction assessed, reused until the prediction changes (the
  // area tests are the costly part of a step).
  std::optional<std::tuple<std::uint64_t, geo::UtcTime, ImpactEllipse, bool, geo::UtcTime>>
      hits_for;
  std::vector<AreaHit> hits;
  // Whether the prediction before the last one assessed (seconded_by) met an area the last
  // one meets.
  std::optional<std::tuple<std::uint64_t, geo::UtcTime, ImpactEllipse, bool, geo::UtcTime>>
      seconded_for;
  std::shared_ptr<const TrackSituation> seconded_by;
  bool seconded = false;
  // What the last prediction assessed (held_for), its ellipse and corridor grown by
  // hold_scale, meets of each area the threat names (AlertConfig::hold_scale), by area.
  std::optional<std::tuple<std::uint64_t, geo::UtcTime, ImpactEllipse, bool, geo::UtcTime>>
      held_for;
  std::vector<AreaHit> held_hits;

  // The latest of its tracks' last predictions: the missile is down only when every object of
  // it that a track predicted is (none: no valid prediction yet).
  std::optional<geo::UtcTime> time_of_impact() const;
  // Where a track stands in the order of joining (track_ids.size() if it never joined).
  std::ptrdiff_t join_order(std::uint64_t track_id) const;
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
  // The two halves of assess: the geometry of a prediction, then the clock. `named`: the
  // impact areas the missile's active threat names (they need no min_impact_probability).
  std::vector<AreaHit> hits(const TrackSituation& t,
                            const std::vector<std::string>& named = {}) const;
  Assessment assess(geo::UtcTime now, const TrackSituation& t,
                    const std::vector<AreaHit>& hits) const;

  // The record of the missile a track belongs to, or nullptr if it was never confirmed.
  const TrackAlertRecord* record(std::uint64_t system_track_id) const;
  std::optional<TrackAlertState> state(std::uint64_t system_track_id) const;
  std::size_t missiles() const { return missiles_.size(); }
  const std::vector<AreaGeometry>& areas() const { return areas_; }

 private:
  IssuedAlert make(AlertKind kind, geo::UtcTime now, TrackAlertRecord& r,
                   std::vector<std::string> areas, std::optional<double> time_to_event_s,
                   std::string text);
  // A track known well enough, and not faster than any booster at its height, to be
  // announced as a launch (AlertConfig::booster_speed_mps, launch_velocity_sigma_mps).
  bool may_be_a_launch(const TrackKinematics& k) const;
  // The missile a new confirmed track continues, if any. `present` holds each missile's
  // tracks present now: the new track may duplicate any of its confirmed ones or continue any
  // of its coasting ones, not only the one that speaks for it (in a dense raid a track of
  // another missile may have joined it); never the missile `not_of` (it parted from it).
  TrackAlertRecord* continued_missile(
      const TrackSituation& t, const std::vector<std::uint64_t>& confirmed_now,
      const std::map<std::uint64_t, std::vector<const TrackSituation*>>& present,
      std::optional<std::uint64_t> not_of = std::nullopt);
  // How far the new track `k` lies from where the missile's state `last` has gone (m), if it
  // duplicates it (`tracked`: that state is of a confirmed track present now) or continues it.
  std::optional<double> continues(const TrackKinematics& last, bool tracked,
                                  const TrackKinematics& k) const;
  // Whether two known tracks present now, joined as one missile's, are two (part_scale).
  bool parted(const TrackKinematics& a, const TrackKinematics& b) const;
  // Parts from each missile the tracks present now that are not its own (AlertConfig::
  // part_scale), appending them to `unknown` to be judged afresh, with the missile each
  // parted from.
  void part_strangers(
      std::map<std::uint64_t, std::vector<const TrackSituation*>>& of_missile,
      std::vector<std::pair<const TrackSituation*, std::optional<std::uint64_t>>>& unknown);
  // The missile whose path the new track's state, flown back, passes through (the closest),
  // if it is an object separated from it (AlertConfig::separation_gate_m).
  // Never of the missile `not_of` (a parted track too far from it for a separation,
  // may_have_separated).
  // `present`: each missile's tracks present now (their states count as its last one does).
  std::optional<std::uint64_t> separated_from(
      const TrackKinematics& k, std::optional<std::uint64_t> not_of = std::nullopt,
      const std::map<std::uint64_t, std::vector<const TrackSituation*>>* present = nullptr) const;
  // Whether the state k could be of an object separated from the missile r
  // (AlertConfig::part_separation_*).
  bool may_have_separated(const TrackAlertRecord& r, const TrackKinematics& k) const;
  // The missile in whose wake the falling track `k` flies, if any (AlertConfig::trail_*).
  std::optional<std::uint64_t> in_wake_of(const TrackKinematics& k) const;
  // The launch (by missile id) that threw the falling track `k` on its flight, if any, among
  // those whose flight this nation lost (`present`: each missile's tracks present now;
  // AlertConfig::launch_*).
  std::optional<std::uint64_t> launched_with(
      const TrackKinematics& k,
      const std::map<std::uint64_t, std::vector<const TrackSituation*>>& present) const;
  // The deceleration (m/s^2) of a light body (light_beta_kgpm2) at the lower of two heights
  // and the higher of two speeds: how far drag may part two states in the air.
  double light_drag_mps2(double h1_m, double h2_m, const Eigen::Vector3d& v1,
                         const Eigen::Vector3d& v2) const;
  // How far (m) k lies from the flight of m, a boosting missile's last state, when it lies
  // beside it as a track born at a staging would (AlertConfig, staging_*); nothing otherwise.
  std::optional<double> beside_boost(const TrackKinematics& k, double k_height,
                                     const TrackKinematics& m) const;
  // Adds a confirmed state to the missile's path (one every separation_sample_s, above
  // separation_path_height_m, over the last separation_window_s).
  void remember_path(TrackAlertRecord& r, const TrackKinematics& k) const;
  // How far a silent missile's last state, flown on ballistically, lies from the new track's
  // (m), if the track continues it that way (AlertConfig::min_ballistic_height_m).
  std::optional<double> rejoins_ballistically(const TrackAlertRecord& r,
                                              const TrackKinematics& k) const;
  // Whether the prediction before `t`'s (TrackSituation::previous) met one of the areas that
  // `a`, t's assessment, names; true when there is none to ask.
  bool seconded(geo::UtcTime now, TrackAlertRecord& r, const TrackSituation& t,
                const Assessment& a) const;
  // Whether t's prediction (the one r.hits_for names), its ellipse and corridor grown by
  // hold_scale, still meets one of the areas `last` names, an overflight not yet over at now.
  bool holds(geo::UtcTime now, TrackAlertRecord& r, const TrackSituation& t,
             const Assessment& last) const;
  // `others`: the missile's confirmed tracks with a prediction now (one whose 95 % ellipse or
  // corridor still meets an area the threat names holds it).
  void judge(geo::UtcTime now, TrackAlertRecord& r, const TrackSituation* usable,
             std::vector<IssuedAlert>& out, const std::vector<const TrackSituation*>& others = {});
  void close_by_clock(geo::UtcTime now, TrackAlertRecord& r, std::vector<IssuedAlert>& out);
  // The track whose prediction speaks for the missile r among its tracks present now (see
  // alerts.cpp), or nullptr when none has a prediction or a boost-phase arc.
  const TrackSituation* speaker(const TrackAlertRecord& r,
                                const std::vector<const TrackSituation*>& tracks) const;
  // Keeps r.thrust_track_id: the track of it seen thrusting last.
  void thrust_track(TrackAlertRecord& r, const std::vector<const TrackSituation*>& tracks) const;
  // Whether the object r's threat `a` is said already by an active threat of another record
  // of its launch (AlertConfig::objects_under_launch).
  bool said_by_launch(const TrackAlertRecord& r, const Assessment& a) const;

  std::vector<AreaGeometry> areas_;
  AlertConfig config_;
  std::map<std::uint64_t, TrackAlertRecord> missiles_;  // by missile id
  std::map<std::uint64_t, std::uint64_t> missile_of_;   // track id -> missile id
  // The objects separated from each missile (missile id -> their missile ids).
  std::map<std::uint64_t, std::vector<std::uint64_t>> objects_of_;
  // The records judged quiet in this step under a threat of their launch, with the track
  // judged: judged again at the step's end if that threat has ended meanwhile.
  std::vector<std::pair<std::uint64_t, const TrackSituation*>> quiet_;
  // New climbing tracks held back while objects fall (AlertConfig::confirm_among_falling), by
  // track id, with the time of their state when first held.
  std::map<std::uint64_t, geo::UtcTime> held_;
  std::uint64_t next_alert_id_ = 1;
  std::uint64_t next_sequence_ = 1;
  std::optional<geo::UtcTime> last_now_;
};

}  // namespace trilink::warn
