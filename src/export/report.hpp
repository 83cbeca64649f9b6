// The exercise report (issue: "DIR/report.html"): one self-contained HTML page, made for a
// person to read, that opens with no network — every style, script, figure and map line is
// inside the file. It shows
//  - a map: coastlines, the protected areas, the radars and their coverage, the true
//    trajectories, the tracks, the launch points (true and estimated), the impact ellipses;
//  - altitude over time: truth and tracks;
//  - the timeline per launch and nation, national-only against trilateral, and the seconds
//    sharing gained;
//  - the key figures and the targets with pass/fail.
// The page is rendered from ReportData alone (no file is read here): the exercise fills it.
// Deterministic: the same data give the same bytes.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/nation.hpp"
#include "geo/frames.hpp"

namespace trilink::exports::report {

struct LatLon {
  double lat_deg = 0.0;
  double lon_deg = 0.0;
};

// A closed ring (closing vertex not repeated).
using Ring = std::vector<LatLon>;

struct MapArea {
  std::string name;  // "Japan territorial sea"
  Nation nation = Nation::USA;
  std::vector<Ring> rings;
  double buffer_m = 0.0;  // drawn as the rings grown by this much (or its outline)
};

struct RadarMark {
  std::string name;
  Nation nation = Nation::USA;
  geo::Geodetic site;
  double boresight_az_rad = 0.0;
  double half_sector_rad = 3.14159265358979;  // pi: all round
  double max_range_m = 0.0;
};

struct PathSample {
  double t_s = 0.0;  // since scenario start
  geo::Geodetic point;
};

// A trajectory: a launch's truth, or a track (national or system).
struct Path {
  std::string label;             // "F06 truth", "JPN track 3", "system track 1"
  std::string kind;              // "truth", "national", "system"
  std::optional<Nation> nation;  // for national tracks
  std::vector<PathSample> samples;
};

struct Ellipse {
  std::string label;  // "system track 1, T+300 s"
  double t_s = 0.0;
  geo::Geodetic centre;
  double semi_major_m = 0.0;
  double semi_minor_m = 0.0;
  double major_axis_azimuth_rad = 0.0;  // clockwise from north
  bool final = false;                   // the last prediction of its track: drawn strongest
};

struct PointMark {
  std::string label;  // "F06 launch (true)", "F06 launch (estimated)", "F06 impact (true)"
  std::string kind;   // "launch_true", "launch_estimated", "impact_true"
  geo::Geodetic point;
};

// One event of one nation in one run.
struct TimelineEvent {
  std::string name;           // "first_detection", "first_track", "launch_alert", ...
  std::optional<double> t_s;  // seconds after that launch's lift-off; nullopt: never
};

struct NationTimeline {
  Nation nation = Nation::USA;
  std::vector<TimelineEvent> national;
  std::vector<TimelineEvent> trilateral;  // same names, same order as `national`
  std::optional<double> sharing_gain_s;
};

struct LaunchTimeline {
  std::string launch_id;
  std::string description;  // "icbm lofted from Pyongsong, apogee 4475 km, range 950 km"
  double launch_t_s = 0.0;  // since scenario start
  double burnout_s = 0.0;   // after lift-off
  double impact_s = 0.0;    // after lift-off
  std::vector<NationTimeline> nations;
};

struct Figure {
  std::string name;   // "realtime factor"
  std::string value;  // already formatted, with its unit
};

struct Target {
  std::string name;      // "JPN first track with sharing <= first confirmation + latency + 1 s"
  std::string measured;  // formatted
  bool pass = false;
};

struct ReportData {
  std::string title;        // scenario name
  std::string description;  // scenario description
  std::string start_utc;    // ISO 8601
  double duration_s = 0.0;
  std::vector<Ring> coastlines;  // land outlines for the background
  std::vector<MapArea> areas;
  std::vector<RadarMark> radars;
  std::vector<Path> paths;
  std::vector<Ellipse> ellipses;
  std::vector<PointMark> points;
  std::vector<LaunchTimeline> timelines;
  std::vector<Figure> figures;
  std::vector<Target> targets;
};

// The page.
std::string render_html(const ReportData& data);

}  // namespace trilink::exports::report
