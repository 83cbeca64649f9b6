// The hub (DESIGN.md, "Nodes"; modelled on INDOPACOM): receives the nations' local tracks,
// fuses them into system tracks (fusion/system_tracks.hpp), makes launch reports, impact
// predictions and alerts for each nation's view, and releases to each nation only what the
// policy allows. No transport, no clock: messages and ticks in, addressed releases out.
//
// Every incoming message passes the gatekeeper first (share/validation.hpp), with the node at
// the other end of its link and its arrival time; a rejected one is counted under its reason
// and goes no further. An admitted local track is fused at once (fusion::SystemTrackManager::
// take: its cost does not grow with the picture) and its system track released
// to every nation whose view holds it: immediately when it is new to that nation or its status
// changed, otherwise at most every `release_interval_s` (HubConfig::refresh says whether the
// clock also re-releases a track that has not changed).
// The clock (tick) ages contributions, releases what is due, and runs the products and the
// alert life cycle per nation: each nation is warned for its own protected areas (the USA for
// Guam and Hawaii). Its cost grows with the picture, so the live runtime runs it in steps of a
// few dozen tracks (begin_tick, tick_step) and hands the tracks that arrive meanwhile to
// on_message() between them; the exercise runs it whole (tick), with the same outputs.
//
// Releasability by construction: everything released to a nation is computed from a picture
// fed only with the local tracks the policy releases to it (share::Policy::release_to) - the
// system tracks' ids, association, members, state, status and phase, the launch reports,
// impact predictions and alerts made from them, and the times they are fused and released at.
// Nations whose releasable inputs have been the same so far share one picture (with the bundled
// policy, one for all, fused once); a local track releasable to some of a picture's nations and
// not the others splits it first (a copy of its state), and only the copy of the nations it is
// released to takes it in. So withholding one nation's tracks from a recipient leaves every
// byte that recipient receives as it would be had those tracks never been sent
// (tests/node_releasability_test.cpp proves it over whole exercises). The hub's own picture
// (fusion()) takes every admitted track.
//
// Releases: every message the hub releases (system tracks, launch reports, impact predictions,
// alerts) obeys the policy's rules for its type: nothing of a type the policy does not share;
// its label is the content's own (a view's system track and its products: the intersection of
// the contributors' labels; an alert: the USA and the nation it warns) narrowed to the label
// the policy gives the hub's messages of that type (`default_label`, narrowed to what the
// hub's nation may grant), and it goes to a nation only when that label holds it. The hub
// stamps each with itself as originator, its session and a sequence number of its own per
// recipient, and returns the release record with it (for the recorder).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "fusion/system_tracks.hpp"
#include "node/emitted.hpp"
#include "node/products.hpp"
#include "share/validation.hpp"
#include "warn/alerts.hpp"

namespace trilink::node {

// How a system track released before is released again (new to a nation, or its status
// changed: at once, always), with release_interval_s = T:
// - periodic: the clock re-releases every track once T has passed since its last release, and
//   a report fused into it is released at once when T has passed (the exercise runtime: each
//   nation's picture refreshed every T);
// - on_change: a report fused into a track is released at once when T has passed since its
//   last release, else held; the clock releases a held report once it has been held T (the
//   reports stopped), and a track whose phase or contributions changed when T has passed; an
//   unchanged track is not released again. The live runtime: a late or reconnecting node gets
//   each track's last release from the writers' TRANSIENT_LOCAL history; the releases follow
//   the reports, spread as they come, not the clock (a picture released at once by the clock
//   queues every arriving track behind it, and a clock that releases held reports gathers every
//   track onto its own second).
enum class Refresh { periodic, on_change };

struct HubConfig {
  std::string name = "INDOPACOM";
  std::map<Nation, std::string> nation_nodes;  // recipients: nation -> its node
  std::vector<warn::ProtectedArea> areas;      // every area; each nation is warned for its own
  double release_interval_s = 1.0;
  Refresh refresh = Refresh::periodic;
  geo::UtcTime session_start;  // when the hub's session began (stamped on every release)
  share::GateLimits gate;
  ProductConfig products;
  fusion::SystemTrackConfig fusion;
};

struct HubCounters {
  std::uint64_t received = 0;
  std::uint64_t admitted = 0;
  std::uint64_t rejected = 0;
  std::uint64_t released = 0;
  std::uint64_t local_tracks = 0;
  std::uint64_t health = 0;
  std::uint64_t restarts = 0;  // national nodes seen starting a later session
};

class Hub {
 public:
  // The policy must outlive the hub.
  Hub(HubConfig config, const share::Policy& policy);

  // `from`: the node at the other end of the link the message came over.
  Outbox on_message(const share::Message& m, std::string_view from, geo::UtcTime received);
  Outbox tick(geo::UtcTime now);
  // The clock in steps (the live runtime, issue 13: an arriving track waits for one step, not
  // for the whole picture): begin_tick(now), then tick_step(out, work) until it returns true,
  // each step about `work` tracks' work (fusion, releases, products; the alert managers' step
  // is one), its releases appended to `out`. Run to the end with nothing between the steps it
  // is tick(now); on_message() may run between them (fusion/system_tracks.hpp, update_step).
  // A recipient whose picture was split off since begin_tick is left to the next tick.
  void begin_tick(geo::UtcTime now);
  bool tick_step(Outbox& out, std::size_t work);
  // Forgets what it released: the next tick releases every system track again, as new, to
  // every nation it goes to (a restarted hub's writers hold no history for the nodes).
  void forget_releases();

  const share::Gatekeeper& gatekeeper() const { return gatekeeper_; }
  const HubCounters& counters() const { return counters_; }
  // The hub's own picture, fused from every admitted local track.
  const fusion::SystemTrackManager& fusion() const { return own_->fusion; }
  // How many pictures the hub keeps (1 while every nation may see every track).
  std::size_t pictures() const { return pictures_.size(); }

 private:
  // A fused picture of the system tracks and the products made from it, for the nations of
  // `members` (and the hub's own when `hub_own`).
  struct Picture {
    share::Releasability members;
    bool hub_own = false;
    fusion::SystemTrackManager fusion;
    ProductMaker products;
    std::optional<geo::UtcTime> last_update;
    std::vector<share::SystemTrack> tracks;  // of its last update (the clock's)
  };
  struct Recipient {
    Nation nation;
    std::string node;
    std::uint64_t sequence = 0;
    Picture* picture = nullptr;
    std::unique_ptr<warn::AlertManager> alerts;
    // Per system track: what it was at its last release, and since when a report fused into it
    // is held (on_change).
    struct Released {
      geo::UtcTime at;
      share::TrackStatus status = share::TrackStatus::tentative;
      share::FlightPhase phase = share::FlightPhase::boost;
      std::vector<share::Contribution> contributions;
      std::optional<geo::UtcTime> held_since;
    };
    std::unordered_map<std::uint64_t, Released> released;  // looked up, never walked
  };
  // A tick in steps (begin_tick): the stage, the picture or recipient and the track it is at.
  struct TickPass {
    enum class Stage { fuse, release, products, send };
    Stage stage = Stage::fuse;
    std::vector<std::pair<Picture*, geo::UtcTime>> pictures;  // each at its time
    std::vector<Picture*> served;  // recipients_[i]'s picture at begin_tick
    std::size_t picture = 0, recipient = 0, index = 0;
    // Per picture: the products made (by the index of their track in its tracks), and every
    // track's situation.
    std::map<const Picture*, std::vector<std::pair<std::size_t, Products>>> products;
    std::map<const Picture*, std::vector<warn::TrackSituation>> situations;
    std::vector<std::vector<share::SystemTrack>> retired;  // the pictures' last, to be freed
    geo::UtcTime at(const Picture* p) const;
  };

  // The picture of the nations in `to` (the hub's own included) among `p`'s, split off `p`
  // when `p` serves others too; nullptr when `p` serves none of them.
  Picture* picture_for(Picture& p, share::Releasability to);
  // The picture's time moved on to t (never back): the time it is fused at.
  static geo::UtcTime advance(Picture& p, geo::UtcTime t);
  void release(Recipient& r, share::Message m, Outbox& out);
  // `s` to r when new to it, its status changed, or release_interval_s since the last (with
  // Refresh::on_change: and it changed since). `fused`: s was just fused from a report.
  void release_track(Recipient& r, geo::UtcTime now, const share::SystemTrack& s, bool fused,
                     Outbox& out);
  static TrackView view(const share::SystemTrack& s);

  HubConfig config_;
  const share::Policy& policy_;
  share::Gatekeeper gatekeeper_;
  std::vector<std::unique_ptr<Picture>> pictures_;
  Picture* own_ = nullptr;  // the hub's own picture
  std::vector<Recipient> recipients_;
  HubCounters counters_;
  std::optional<TickPass> pass_;
};

}  // namespace trilink::node
