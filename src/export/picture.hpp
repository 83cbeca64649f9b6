// The picture the front end draws (web/, DESIGN.md "export/"): data only, as JSON. C++ never
// writes the page's HTML, CSS or script: the built front end (export/front_end.hpp) takes this
// JSON embedded (the report) or streamed (trilink serve).
//
// The picture is one object:
//   {"format": "trilink-picture/1", "title", "description", "start_utc", "start_ns",
//    "duration_s", "ellipsoid": {"a_m", "f"} (GeographicLib's WGS84, for the page's
//    ECEF-to-geodetic conversion), "nations": [...], "runs": [...],
//    "static": {"coastlines": [ring...], "areas": [{name, nation, buffer_m, rings}],
//               "radars": [{name, nation, lat_deg, lon_deg, boresight_az_deg,
//                           half_sector_deg, max_range_m}],
//               "satellites": [{name, nation}]},   rings are [[lon_deg, lat_deg]...]
//    "truth": [{launch_id, launch_s, impact_s, samples: [[t_s, lat_deg, lon_deg, alt_m]...]}],
//    "timeline": [{launch_id, description, launch_s, burnout_s, impact_s,
//                  nations: [{nation, gain_s, events: [{name, national_s, trilateral_s}]}]}],
//    "figures": [{name, value}],
//    "infrared": {"space_track_id_base", "sightings": [[t_s, satellite, lat_top_deg,
//                 lon_top_deg, lat_ground_deg, lon_ground_deg]...]},
//    "events": [event...]}
// A sighting is one infrared plot's line of sight (the satellite by its index in
// static.satellites), from where it is sighting_top_m up to where it meets the ellipsoid (or
// passes closest to it), in time order: the lines of two or more satellites cross at a plume.
// A nation's local tracks numbered from space_track_id_base are its space tracks.
// and an event is {"t_s", "run", "nation", "message"}: the message (record/codec.hpp JSON,
// untouched) as it reached `nation`'s picture in `run` ("national" or "trilateral") at t_s
// seconds after start_ns. Deterministic: the same inputs give the same bytes.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "eval/analysis.hpp"
#include "record/replay.hpp"
#include "warn/areas.hpp"

namespace trilink::exports {

using Json = nlohmann::ordered_json;

// One event of the picture.
struct PictureEvent {
  double t_s = 0.0;  // since the picture's start
  std::string_view run;
  Nation nation = Nation::USA;
  const share::Message* message = nullptr;
};
Json event_json(const PictureEvent& e);

// The head of a picture: format, title, times, ellipsoid, nations, runs and the static layer
// (coastlines, protected areas, radar sites and coverage) of a scenario.
Json picture_head(const scenario::Scenario& s, const std::vector<warn::ProtectedArea>& areas,
                  const std::vector<std::vector<geo::Geodetic>>& coastlines);

// How much of a run the report carries: a track's updates at most one per `track_interval_s`
// of time (its first and last, and every change of status or phase, always); every other
// message whole.
struct ReportOptions {
  double track_interval_s = 5.0;
};

// The exercise report's picture: the head, truth, both runs' displays (every nation's),
// the timeline with the value of sharing, the figures (accuracy, latency), and the
// infrared satellites' lines of sight (their plots: the scenario simulation's ir_plots).
Json report_picture(const scenario::Scenario& s, const std::vector<warn::ProtectedArea>& areas,
                    const std::vector<std::vector<geo::Geodetic>>& coastlines,
                    const eval::ExerciseResult& r, const exercise::RunOutput& national,
                    const exercise::RunOutput& trilateral,
                    std::span<const sensor::IrPlot> infrared = {},
                    const ReportOptions& options = {});

// A line of sight drawn from this height down (m).
inline constexpr double sighting_top_m = 150e3;
// Where a satellite's line of sight is `height_m` up, and where it meets the ellipsoid (or
// passes closest to it): its sub-points, top then ground.
std::pair<geo::Geodetic, geo::Geodetic> sighting(const sensor::IrPlot& p,
                                                 double height_m = sighting_top_m);

// What a recording shows each nation: the messages on every "<run>:<node>>display" link, the
// nation being that node's (learnt from what the node itself originated), and each node's
// health reports (its own nation's). In time order, with t_s counted from `start`.
struct RecordedPicture {
  struct Item {
    double t_s = 0.0;
    std::string run;
    Nation nation = Nation::USA;
    share::Message message;
  };
  geo::UtcTime start;       // the session start of the first message
  double duration_s = 0.0;  // to the last event
  std::vector<Item> items;
};
RecordedPicture recorded_picture(const std::vector<record::RecordedEvent>& events);

}  // namespace trilink::exports
