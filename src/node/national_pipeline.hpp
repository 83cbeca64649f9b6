// A nation's processing of its own radars' looks, scan by scan (DESIGN.md, "Nodes"): the
// national tracker, burnout detection, when a track is reported, and the products of the
// nation's own picture. The national node (national_node.hpp) runs it and adds the transport
// side (stamping, the national boundary, the hub's releases, alerts, health); eval's national
// runs (eval/national_runs.hpp) drive the same pipeline, so `trilink track` and
// `trilink bench accuracy` measure what the node does.
//
// Burnout: judged once per look, on every confirmed track that look updated (BurnoutDetector:
// the IMM's boost probability with hysteresis, and the track's mechanical energy flat); past
// it the tracker ends the track's boost mode, until thrust is seen again (a staging gap, a
// post-boost stage): then the track is boosting again and its predictions so far are void.
//
// Reporting. A confirmed track is reported at once when it is confirmed and then at most
// every `report_interval_s` (at its updates, or from the clock when its status changes); a
// coasting track, whose state is a prediction the hub can make itself, every
// `coast_report_interval_s`; a track that ends is reported once more with status `dropped`.
// Tentative tracks are never reported. Phase: boost until burnout, terminal once below
// flight::terminal_height_m and descending, midcourse between.
//
// Products (products.hpp) are made at every tick for every reported track. Messages come out
// unstamped (originator and sequence number 0); their time of validity and label are set.
// Functional core: looks and clock ticks in (seconds since `epoch`), outputs returned.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <vector>

#include "node/national_tracker.hpp"
#include "node/products.hpp"
#include "share/messages.hpp"

namespace trilink::node {

struct NationalPipelineConfig {
  Nation nation = Nation::JPN;
  std::vector<sensor::RadarParams> radars;  // sensor id = index
  geo::UtcTime epoch;                       // tracker time zero
  share::Releasability track_label;         // the label of the local tracks
  double report_interval_s = 1.0;
  double coast_report_interval_s = 10.0;  // within the hub's stale_after_s (20 s)
  ProductConfig products;
  bool consider_biases = true;
  bool keep_diagnostics = false;  // keep the tracker's per-update diagnostics
};

// The products made for one reported track at one tick.
struct TrackProducts {
  TrackView view;
  Products products;
};

struct TickOutput {
  std::vector<share::LocalTrack> ended;    // reported tracks gone since the last tick (dropped)
  std::vector<share::LocalTrack> reports;  // status changes and coasting tracks due
  std::vector<TrackProducts> products;     // per reported track, in tracker order
  std::vector<warn::TrackSituation> situations;
};

class NationalPipeline {
 public:
  using TrackT = NationalTracker::TrackT;

  explicit NationalPipeline(NationalPipelineConfig config);

  // One look of radar `sensor_id` at time t (its measurements, possibly none): the reports
  // it makes due, in tracker order.
  std::vector<share::LocalTrack> on_look(std::uint32_t sensor_id, double t_s,
                                         std::span<const track::Measurement> scan);
  // The clock.
  TickOutput tick(double now_s);

  const NationalPipelineConfig& config() const { return config_; }
  const NationalTracker& tracker() const { return tracker_; }
  // The tracker's diagnostics since the last call (with keep_diagnostics).
  std::vector<track::UpdateDiagnostic> take_diagnostics();
  bool burnt_out(std::uint64_t track_id) const { return burnout_.burnt_out(track_id); }
  // A track as the products see it.
  TrackView view(const TrackT& t) const;

 private:
  struct Reported {
    double last_report_s = 0.0;
    share::LocalTrack last;
  };
  share::LocalTrack local_track(const TrackT& t) const;
  void report(const TrackT& t, double now_s, std::vector<share::LocalTrack>& out);

  NationalPipelineConfig config_;
  NationalTracker tracker_;
  BurnoutDetector burnout_;
  ProductMaker products_;
  std::map<std::uint64_t, Reported> reported_;
};

}  // namespace trilink::node
