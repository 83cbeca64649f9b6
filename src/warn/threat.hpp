// Threat geometry (DESIGN.md, warn/): does a 95 % impact ellipse, or the corridor under a
// predicted ground track, meet a protected area — and when is the overflight?
//
// Ellipse test, on the area's plane (areas.hpp): the ellipse boundary is sampled on the
// ellipsoid with geo::geodesic_direct from its centre (at least 72 points, at most ~1 km
// apart) and projected into the plane, giving an inscribed polygon (it falls short of the true
// ellipse by the chord sagitta s^2/(8 rho), about 1 m for 1 km spacing on a 100 km curve). The
// ellipse meets the (buffered) area iff
//   (a) its centre is in the area (ellipse inside the area), or
//   (b) a vertex of the area's rings is inside the ellipse polygon (area inside the ellipse), or
//   (c) the distance between the ellipse polygon's edges and the rings' edges is <= buffer_m
//       (the boundaries cross, or come within the buffer of each other).
// (c) contains the "boundary sample inside the area" test and also catches a thin spike of an
// area that passes between two samples.
//
// Support test (support_meets): the ellipse test for each hypothesis's ellipse, the corridor
// test (below) between neighbouring hypotheses.
//
// Corridor test: the ground track is a polyline of (point, time); each segment is a straight
// line in the area's plane, and time is linear along it. Each point carries the 95 % cross-track
// half-width of the predicted path there (it grows from the track's present error to the impact
// ellipse's cross-track extent); a segment's corridor is every point within the larger of its
// two ends' half-widths (and at least `min_half_width_m`) of the segment; it meets the area
// where the segment comes within that half-width + buffer_m of the rings. Entry and exit times
// are found to `time_tolerance_s` by bisection in the first and last segments that meet.
#pragma once

#include <optional>
#include <vector>

#include "geo/frames.hpp"
#include "geo/time.hpp"
#include "share/messages.hpp"
#include "warn/areas.hpp"

namespace trilink::warn {

// A 95 % impact ellipse on the local horizontal plane at its centre (as share::ImpactPrediction
// and track::GroundEllipse): semi-axes in m, major axis azimuth clockwise from north in rad.
struct ImpactEllipse {
  geo::Geodetic centre;
  double semi_major_m = 0.0;
  double semi_minor_m = 0.0;
  double major_axis_azimuth_rad = 0.0;
  bool operator==(const ImpactEllipse&) const = default;
};

ImpactEllipse ellipse_of(const share::ImpactPrediction& p);

// The point of the ellipse boundary at parameter theta (rad): a cos(theta) along the major
// axis, b sin(theta) along the minor axis (90 deg clockwise of the major), on the ellipsoid.
geo::Geodetic ellipse_point(const ImpactEllipse& e, double theta_rad);

bool ellipse_meets(const AreaGeometry& area, const ImpactEllipse& e);

// The impact's support: the impact points of the descents a manoeuvring class may fly, each
// with the 95 % ellipse of the state's error (track::ImpactPrediction's hypotheses). It meets
// the area iff one of the ellipses does, or the corridor between two neighbours does (the
// points ordered along their widest spread; the corridor as wide as their ellipse across the
// segment): the hull of the hypotheses grown by the state's error, where the moment-matched
// mixture ellipse reaches far beyond the farthest hypothesis.
bool support_meets(const AreaGeometry& area, const std::vector<ImpactEllipse>& support);

// The probability that the impact lies in the (buffered) area, of a support (a bank of
// descents, equal weights: the mean over its ellipses; one ellipse alone is a support too).
// Each ellipse's Gaussian (its semi-axes the 95 % ones) by quadrature, 8 equal-mass annuli x 24
// spokes, each point at the median radius of its annulus (so a resolution of 1 / 192 an
// ellipse, and nothing beyond 2.36 sigma, inside the 95 % ellipse), on the area's plane about
// the centre to first order. Counting stops once the result is at least `enough` (in [0, 1];
// the value returned then is at least `enough`, not the whole).
double impact_probability(const AreaGeometry& area, const std::vector<ImpactEllipse>& support,
                          double enough = 1.0);

struct GroundPoint {
  geo::Geodetic point;  // sub-missile point (height ignored)
  geo::UtcTime time;
  double half_width_m = 0.0;  // 95 % cross-track half-width of the predicted path here
};

// The half-width (m) of an ellipse across a direction of travel: its extent along the horizontal
// perpendicular to `heading_rad` (clockwise from north), sqrt((a cos phi)^2 + (b sin phi)^2)
// with phi the angle between the major axis and that perpendicular.
double cross_track_half_width_m(const ImpactEllipse& e, double heading_rad);

struct Overflight {
  geo::UtcTime entry;  // first time the corridor meets the area
  geo::UtcTime exit;   // last time it does
};

// nullopt if the corridor never meets the area (or the track has fewer than one point).
std::optional<Overflight> corridor_overflight(const AreaGeometry& area,
                                              const std::vector<GroundPoint>& track,
                                              double min_half_width_m,
                                              double time_tolerance_s = 0.1);

}  // namespace trilink::warn
