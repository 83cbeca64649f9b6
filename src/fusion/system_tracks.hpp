// System-track identity at the hub (DESIGN.md "Nodes", hub; "Fusion"): stable system-track
// ids from launch to impact across the hand-over between nations' radars.
//
// The manager keeps the latest local track of every contribution (nation, national track
// id) and a map contribution -> system id. On update(t, tracks):
//  1. each incoming track is checked (finite, covariance positive definite); a bad one is
//     rejected with a reason (diagnostics()) and changes nothing; an older one than held
//     is ignored;
//  2. a track with status `dropped`, or not refreshed for `stale_after_s`, ends its
//     contribution;
//  3. every contribution is aligned to t (time_alignment.hpp);
//  4. a contribution already mapped stays with its system track; new ones are associated
//     (association.hpp) with the existing system tracks - tested against their live
//     members, or against the predicted fused state of a system track that has none left
//     (coasting) - and otherwise start new system tracks. So a Japanese track that picks up
//     a missile Korea was tracking joins Korea's system track and keeps its id, even after
//     Korea's track ends, within `coast_timeout_s`;
//  5. each system track is fused from its contributions by covariance intersection; its
//     phase is past burnout when every contribution says so, or when some do and the fused
//     track's own mechanical energy shows no thrust over the last 12 s
//     (track/thrust_test.hpp) and it does not climb slower than any missile burns out
//     (track::slower_than_any_burnout): one nation's "ballistic" against another's "boost" is
//     not taken on trust;
//  6. a system track with no contribution coasts (status coasting) and ends
//     `coast_timeout_s` after its last contribution ended.
//
// take(t, track) is the same for one arriving track, at a cost that does not grow with the
// picture (issue 15): it touches the track's own contribution, its system track's other
// members (aligned to t, ended when stale or fallen) and, for a new contribution, only the
// system tracks a spatial index says may pass its gate (below); it returns that one system
// track fused at t. Stale contributions elsewhere, coasting and ending are left to the next
// update() (the hub's clock).
//
// The index (association's first half, STYLE 8): a track::SpatialGrid of spheres, one per
// live contribution (from its latest report) and per coasting system track (from its fused
// state), each holding every position within the gate of that estimate predicted to any time
// of the index's window [built, built + index_horizon_s], for any candidate whose position
// sigma is at most index_pad_sigma_m. It rests on two bounds: the alignment's ballistic
// prediction accelerates at most kMaxAccel (gravity, Coriolis and centrifugal terms; no drag,
// no thrust), and a candidate passes the 6-dof gate with an estimate only if their positions
// pass it too, |p1 - p2| <= sqrt(gate) (sigma1 + sigma2), sigma = sqrt(trace P_pos) (the
// Mahalanobis distance of a part is at most the whole's). Reports taken since the index was
// built go into a hash of cells of side index_cell_m (each under the cell of its sphere's
// centre, when the sphere's radius is at most a cell: a query looks in the 27 cells about the
// candidate; a larger one in a list every query reads), each tested by the same bound at the
// candidate's time. A candidate with a larger sigma is tested against every contribution by
// the bound; a time past the window builds the index anew. So the index never changes which system
// track a track joins: the exact gate and assignment run on what it returns
// (tests/fusion_system_tracks_test.cpp compares it with the whole picture's association).
//
// Ids start at 1 and are never reused. A contribution that has left its system track - its
// d^2 with every other member beyond `split_gate_factor` times the gate (a national track
// that jumped from a missile to the stage it dropped) - is split off and associated anew
// (in take(), the arriving one; in update(), each in turn). Two system tracks of one missile
// are merged in one case only: in take(), a confirmed contribution that is the only member of
// its system track joins an older system track (lower id) of a missile boosting below
// merge_below_m when it passes the association gate with every member of it, and its own
// system track ends. A young national track whose first estimate was off (its velocity 1 km/s
// wrong) missed the gate when new and made a second system track of the missile; when that
// nation also called it past burnout, the second track's impact predictions were released
// while the missile boosted on (p04, untuned, seed 2: a lofted IRBM's, 60-80 s before burnout
// at 20-35 km, beside the US's own boosting system track of it). Only there: past burnout,
// merging singletons into older tracks made chimeras of two fragments (p04 seed 1: four false
// threats to Korea), and higher up, beside a missile that stages, of a fragment and the
// missile (debris: a false threat, 9 more launch alerts); below the lowest staging nothing
// near a boosting missile is anything but it.
//
// The label of a fused system track is the intersection of its contributors' labels, so it
// never names a nation that may not see one of its inputs. Per-nation views are whole
// managers of their own at the hub (node/hub.hpp), each fed only what its nations may see.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "fusion/association.hpp"
#include "fusion/covariance_intersection.hpp"
#include "share/messages.hpp"
#include "track/spatial_grid.hpp"
#include "track/thrust_test.hpp"

namespace trilink::fusion {

struct SystemTrackConfig {
  AssociationConfig association;
  track::BallisticModel model;
  double stale_after_s = 20.0;    // a contribution not refreshed for this long ends
  double coast_timeout_s = 30.0;  // a system track with no contribution ends after this
  // A member whose d^2 with every other member exceeds this times the gate has left its
  // system track (above). 2 x chi2_6(0.999) = 45: a true pair passes it but once in ~10^7.
  double split_gate_factor = 2.0;
  // Below this a boosting missile has dropped nothing yet (the first stages separate at 70 km
  // and above: debris.yaml), so a second system track there is of it (above).
  double merge_below_m = 60e3;
  // take()'s spatial index (above).
  double index_cell_m = 25000.0;
  double index_horizon_s = 1.5;
  double index_pad_sigma_m = 1000.0;
  share::Originator hub{Nation::USA, "INDOPACOM", std::nullopt};
};

struct RejectedTrack {
  share::Contribution contribution;
  FusionFailure failure;
};

struct UpdateDiagnostics {
  std::vector<RejectedTrack> rejected;  // of the last update
  std::vector<GateTest> gate_tests;     // of the last update's association
  std::size_t rejected_total = 0;
  std::size_t fusion_failures_total = 0;  // system tracks whose CI failed (state not fused)
};

class SystemTrackManager {
 public:
  explicit SystemTrackManager(SystemTrackConfig config = {})
      : config_(std::move(config)),
        associator_(config_.association),
        index_(config_.index_cell_m) {}

  // The system picture at `t` after these local tracks (any subset of the nations' latest
  // tracks; a contribution not in `tracks` keeps its last report until stale). Live and
  // coasting system tracks, in id order, each with its contributions.
  std::vector<share::SystemTrack> update(geo::UtcTime t, std::span<const share::LocalTrack> tracks);

  // One local track at t (t not before the last update's or take's): its system track fused
  // at t, or nothing when the track is rejected, older than held, dropped, stale, fallen, or
  // its system track could not be fused. See above for what it leaves to update().
  std::optional<share::SystemTrack> take(geo::UtcTime t, const share::LocalTrack& track);

  // update(t, {}) in steps, for a clock that must not hold arriving tracks back for the whole
  // picture (the live hub, issue 13): begin_update(t), then update_step(work) until it returns
  // the picture, each step doing at most about `work` contributions' or system tracks' work.
  // Run to the end with nothing between the steps, it is update(t, {}): same picture, same
  // state. take() may run between the steps (at t or later): what it touched is left as it
  // made it - its contributions are not aligned back to t, its system track is not fused again
  // and is in the picture as take() fused it - and a split-off or an association of the pass
  // makes take() build its index anew. A begin_update() before the end abandons the pass.
  void begin_update(geo::UtcTime t);
  std::optional<std::vector<share::SystemTrack>> update_step(std::size_t work);

  // Ends every contribution of `nation` at t: its node has restarted and numbers its tracks
  // afresh, so a track it reports from now on is none of its old ones (the old ones' system
  // tracks coast on the other nations' tracks or alone, and a new track joins one as any new
  // track does). Allowed between update steps.
  void end_tracks_of(Nation nation, geo::UtcTime t);

  std::optional<std::uint64_t> system_id_of(share::Contribution c) const;
  std::size_t system_tracks() const { return systems_.size(); }
  const UpdateDiagnostics& diagnostics() const { return diagnostics_; }

 private:
  struct Key {
    Nation nation;
    std::uint64_t track_id;
    auto operator<=>(const Key&) const = default;
  };
  struct Held {
    share::LocalTrack track;
    Estimate aligned;  // at aligned_at: the last update's or take's time
    std::uint64_t system_id = 0;
    geo::UtcTime aligned_at{};
  };
  struct System {
    std::uint64_t id = 0;
    std::vector<Key> members;
    Estimate fused;  // at fused_at
    geo::UtcTime fused_at;
    std::vector<share::Header> fused_from;  // headers of the contributions last fused
    geo::UtcTime last_contribution;         // when it last had a member
    share::Releasability label;             // of its last fused state
    share::TrackStatus status = share::TrackStatus::tentative;  // the best of its members'
    share::FlightPhase phase = share::FlightPhase::boost;
    track::ThrustWindow energy;  // of the fused state, for the phase
    track::ThrustVerdict thrust = track::ThrustVerdict::unknown;
  };
  // An update in steps (begin_update): the stage it is at, where the stage resumes (the first
  // contribution key or system id not yet done), the picture so far.
  struct Pass {
    enum class Stage { align, split, coast, associate, fuse };
    Stage stage = Stage::align;
    geo::UtcTime t;
    std::optional<Key> next_key;
    std::uint64_t next_id = 0;
    std::vector<Key> fresh;  // aligned or split off without a system track
    std::vector<share::SystemTrack> out;
  };

  // s's fused state as a message, at its time, under its contributions' common label.
  share::SystemTrack message(const System& s) const;
  // Steps 1-2 for one report: the held contribution it refreshes or starts (end() when it was
  // rejected, older than held, or dropped).
  std::map<Key, Held>::iterator take_in(const share::LocalTrack& tr, geo::UtcTime t);
  std::map<Key, Held>::iterator end_contribution(std::map<Key, Held>::iterator it, geo::UtcTime t);
  void reject(Key k, FusionFailure f);
  // Step 3 for one contribution: aligned to t, or ended (stale, not alignable, fallen).
  bool align_or_end(std::map<Key, Held>::iterator it, geo::UtcTime t);
  // Step 5 for one system track with members (nothing when CI fails or it is below ground).
  std::optional<share::SystemTrack> fuse(System& s, geo::UtcTime t);
  // Has member k (aligned) left its system track s (above)?
  bool left_its_system(const System& s, Key k) const;
  // Takes member k out of s: it waits for association (system id 0).
  void split_off(System& s, Key k);
  // The older system track of a missile boosting below merge_below_m (with members, lower id)
  // that contribution k, the only member of its own, would join if it were new (take()).
  std::optional<std::uint64_t> older_system_of(Key k, geo::UtcTime t);
  // s's members aligned to t (a stale or fallen one ends) as an association group in g; false
  // when none is left.
  bool live_group(System& s, geo::UtcTime t, Group& g);
  // take()'s association of a new contribution (aligned at t) with the nearby system tracks.
  void associate_one(Key k, geo::UtcTime t);
  // update()'s association of the contributions without a system track (step 4): those of
  // `keys` (the pass's aligned or split off without one) that still have none.
  void associate_fresh(std::vector<Key> keys);
  // The ids, ascending, of the system tracks that may pass the gate with `candidate` at t.
  std::vector<std::uint64_t> systems_near(const Estimate& candidate, geo::UtcTime t);
  void build_index(geo::UtcTime t);
  void index_taken(Key k, const share::LocalTrack& tr, geo::UtcTime t);

  SystemTrackConfig config_;
  TrackAssociator associator_;
  std::map<Key, Held> held_;
  std::map<std::uint64_t, System> systems_;
  std::uint64_t next_id_ = 1;
  mutable std::uint64_t sequence_ = 0;
  UpdateDiagnostics diagnostics_;
  std::optional<Pass> pass_;
  std::vector<Estimate> fuse_buffer_;  // fuse()'s, kept to spare an allocation per call

  // take()'s index (above): entry i is system track index_systems_[i].
  track::SpatialGrid index_;
  std::vector<std::uint64_t> index_systems_;
  std::optional<geo::UtcTime> index_built_;  // nothing: to be built before use
  // Since it was built: the reports taken (by cell key, or too wide for a cell) and the system
  // tracks left with no contribution.
  std::unordered_map<std::uint64_t, std::vector<Key>> taken_cells_;
  std::vector<Key> taken_wide_;
  std::vector<std::uint64_t> coasting_since_index_;
};

}  // namespace trilink::fusion
