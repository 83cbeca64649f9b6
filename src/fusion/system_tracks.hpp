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
//     (track/thrust_test.hpp): one nation's "ballistic" against another's "boost" is not
//     taken on trust;
//  6. a system track with no contribution coasts (status coasting) and ends
//     `coast_timeout_s` after its last contribution ended.
// Ids start at 1 and are never reused. Mapped contributions are not re-tested against each
// other: a mis-association is not split off and two system tracks are never merged (not yet).
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
#include <vector>

#include "fusion/association.hpp"
#include "fusion/covariance_intersection.hpp"
#include "share/messages.hpp"
#include "track/thrust_test.hpp"

namespace trilink::fusion {

struct SystemTrackConfig {
  AssociationConfig association;
  track::BallisticModel model;
  double stale_after_s = 20.0;    // a contribution not refreshed for this long ends
  double coast_timeout_s = 30.0;  // a system track with no contribution ends after this
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
      : config_(std::move(config)), associator_(config_.association) {}

  // The system picture at `t` after these local tracks (any subset of the nations' latest
  // tracks; a contribution not in `tracks` keeps its last report until stale). Live and
  // coasting system tracks, in id order, each with its contributions.
  std::vector<share::SystemTrack> update(geo::UtcTime t, std::span<const share::LocalTrack> tracks);

  std::optional<std::uint64_t> system_id_of(share::Contribution c) const;
  const UpdateDiagnostics& diagnostics() const { return diagnostics_; }

 private:
  struct Key {
    Nation nation;
    std::uint64_t track_id;
    auto operator<=>(const Key&) const = default;
  };
  struct Held {
    share::LocalTrack track;
    Estimate aligned;  // at the last update's time
    std::uint64_t system_id = 0;
  };
  struct System {
    std::uint64_t id = 0;
    std::vector<Key> members;
    Estimate fused;  // at fused_at
    geo::UtcTime fused_at;
    std::vector<share::Header> fused_from;  // headers of the contributions last fused
    geo::UtcTime last_contribution;         // when it last had a member
    share::Releasability label;             // of its last fused state
    share::TrackStatus status = share::TrackStatus::tentative;
    share::FlightPhase phase = share::FlightPhase::boost;
    track::ThrustWindow energy;  // of the fused state, for the phase
    track::ThrustVerdict thrust = track::ThrustVerdict::unknown;
  };

  share::SystemTrack message(const System& s, const Estimate& e, share::Releasability label,
                             std::vector<share::Contribution> contributions,
                             share::TrackStatus status) const;

  SystemTrackConfig config_;
  TrackAssociator associator_;
  std::map<Key, Held> held_;
  std::map<std::uint64_t, System> systems_;
  std::uint64_t next_id_ = 1;
  mutable std::uint64_t sequence_ = 0;
  geo::UtcTime now_{};
  UpdateDiagnostics diagnostics_;
};

}  // namespace trilink::fusion
