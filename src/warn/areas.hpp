// Protected areas (DESIGN.md, warn/): a nation's land and territorial sea, as polygons on the
// WGS84 ellipsoid, with the planar geometry the threat tests run on.
//
// Fill rule: `rings` are closed rings (the closing vertex not repeated) combined by the
// even-odd rule — a point is in the rings if it is inside an odd number of them. Several outer
// rings (islands) and holes (lakes) need no flag; rings must not cross each other.
//
// Buffer: an area is the set of points within `buffer_m` of its rings (Minkowski sum with a
// disc), computed exactly on the area's plane as "inside the rings, or nearer than buffer_m to
// their boundary". No offset polygon is built, so concave coasts and narrow straits need no
// repair. A territorial sea is `buffer_km(land, 22.224)` (12 nmi); the real one is measured
// from straight baselines, not from the coastline, so this is a close approximation only.
//
// Neighbours: a territorial sea stops at the line equidistant from its own coast and a
// neighbour's (UNCLOS art. 15), and never covers a neighbour's land: with `neighbours` (other
// nations' land near the area) a point of the buffer belongs to the area only when it is no
// nearer to their land than to the area's own rings. Without it a disc buffer of South Korea's
// land reaches 22 km across the DMZ into North Korea's land and waters. Point tests are exact;
// the corridor and ellipse tests sample their shapes and keep the sampling's slack on the side
// of a threat (they may say "meets" a few hundred metres early, never "misses" a meeting).
//
// Plane: each area is projected once into an azimuthal equidistant plane (east, north in m)
// about the normalised mean of its vertices' ECEF directions, with geo::geodesic_inverse.
// Distances from the origin are exact; across the plane the scale error is about
// (d/R)^2/6 (0.4 % at d = 1000 km from the origin, 90 m on a 22 km buffer). Edges are straight
// in the plane, not geodesics (metres for coastline data with km-long edges). Inside/outside is
// exact up to that edge interpretation. The origin and the projection are well defined across
// the ±180° meridian, but that case is untested; areas must span less than a hemisphere.
#pragma once

#include <Eigen/Core>

#include <optional>
#include <string>
#include <vector>

#include "base/nation.hpp"
#include "geo/frames.hpp"

namespace trilink::warn {

inline constexpr double nautical_mile_m = 1852.0;
inline constexpr double territorial_sea_km = 12.0 * nautical_mile_m / 1000.0;  // 22.224 km

struct ProtectedArea {
  std::string name;  // "Hokkaido", "Japan territorial sea"
  Nation nation = Nation::USA;
  std::vector<std::vector<geo::Geodetic>> rings;  // even-odd rule, closing vertex not repeated
  double buffer_m = 0.0;                          // grown by this distance (see above)
  std::vector<std::vector<geo::Geodetic>> neighbours = {};  // other nations' land (see above)
};

// A copy of `area` grown by `km` (added to any buffer it has), renamed if `name` is not empty.
ProtectedArea buffer_km(const ProtectedArea& area, double km, std::string name = {});

using Plane = Eigen::Vector2d;  // east, north (m) in an area's plane

// Planar primitives (m).
namespace planar {
double point_segment_distance(const Plane& p, const Plane& a, const Plane& b);
double segment_segment_distance(const Plane& a, const Plane& b, const Plane& c, const Plane& d);
// Even-odd crossing test of one ring; points on the boundary may go either way.
bool ring_contains(const std::vector<Plane>& ring, const Plane& p);
}  // namespace planar

// An area bound to its plane: projected once, then queried many times.
class AreaGeometry {
 public:
  explicit AreaGeometry(ProtectedArea area);

  const ProtectedArea& area() const { return area_; }
  const geo::Geodetic& origin() const { return origin_; }
  const std::vector<std::vector<Plane>>& rings() const { return rings_; }

  Plane project(const geo::Geodetic& p) const;

  // Cheap, conservative tests before projecting (a geodesic inversion each): true only when
  // nothing within reach_m of the segment a-b (or of any point within radius_m of p) can be
  // within reach_m of the rings. Their planar images are bounded without projecting: a point's
  // distance from the origin is its geodesic distance, no less than the chord between them
  // (ECEF, on the ellipsoid), and a planar segment is no longer than kMaxScale times its
  // ends' geodesic distance, kMaxScale bounding the projection's scale across the radius (on
  // a sphere r / (R sin(r / R)): 1.59 at 10 100 km) out to kMaxChordM from the origin, the
  // largest chord trusted (nearer the antipode the scale grows without bound: never far).
  static constexpr double kMaxScale = 1.7, kMaxChordM = 9e6;
  bool far_from(const geo::Geodetic& a, const geo::Geodetic& b, double reach_m) const;
  bool far_from(const geo::Geodetic& p, double radius_m, double reach_m) const;

  // Signed distance (m) from the buffered area's boundary: negative inside, positive outside.
  // With neighbours, outside the rings it is at least half the amount by which the point is
  // nearer to a neighbour's land than to the rings (a lower bound of the distance to the
  // equidistance line), so "within w of the area" tests stay on the side of a threat.
  double signed_distance_m(const Plane& p) const;
  double signed_distance_m(const geo::Geodetic& p) const { return signed_distance_m(project(p)); }
  bool contains(const Plane& p) const { return signed_distance_m(p) <= 0.0; }
  bool contains(const geo::Geodetic& p) const { return contains(project(p)); }
  // Unsigned distance (m) to the buffered area's boundary.
  double distance_to_boundary_m(const geo::Geodetic& p) const;

  // Does the segment a-b come within reach_m of the rings (not the buffer), or enter them?
  // Rings and edges whose boxes lie beyond the reach are skipped; the first edge within it
  // answers.
  bool rings_segment_within(const Plane& a, const Plane& b, double reach_m) const;
  bool rings_contain(const Plane& p) const;
  bool has_neighbours() const { return !neighbours_.empty(); }
  // May a point within slack_m of p lie in the buffered area? Exact for slack 0; conservative
  // (never false when such a point exists) otherwise.
  bool may_hold(const Plane& p, double slack_m) const;
  // Does the corridor of half-width w about segment a-b meet the buffered area? Without
  // neighbours: the rings come within w + buffer of the segment (rings_segment_within); with
  // them, a quadtree over the corridor then looks for a point in both, to 100 m.
  bool corridor_meets(const Plane& a, const Plane& b, double half_width_m) const;

 private:
  double rings_boundary_distance_m(const Plane& p) const;
  // 0 inside a neighbour's land, else the distance to it (infinite with no neighbours).
  double neighbour_distance_m(const Plane& p) const;

  // Axis-aligned bounds of each ring in the plane: a ring whose box is farther than the best
  // distance found so far is skipped (the box distance is a lower bound), and a point outside
  // a ring's box is outside the ring.
  struct Box {
    Plane lo, hi;
    double distance(const Plane& a, const Plane& b) const;  // to the box of segment a-b
    bool contains(const Plane& p) const;
  };
  ProtectedArea area_;
  geo::Geodetic origin_;
  geo::Vec3 origin_ecef_;  // on the ellipsoid
  double extent_m_ = 0.0;  // the farthest ring vertex from the origin (planar = geodesic)
  std::vector<std::vector<Plane>> rings_;
  std::vector<Box> boxes_;
  std::vector<std::vector<Plane>> neighbours_;
  std::vector<Box> neighbour_boxes_;
};

// Validation of an area before use (STYLE.md: bad input is reported, never repaired). In the
// area's plane, with Boost.Geometry (boost::geometry::is_valid, whose reason is quoted): every
// ring has at least 3 distinct vertices, does not cross or touch itself and encloses a
// non-zero area; no two rings are the same or cross or touch each other (the even-odd rule
// needs disjoint boundaries); every vertex lies within max_area_radius_m of the area's centre
// (the plane is good to 0.4 % at 1 000 km and poor beyond a few thousand). Orientation is free.
inline constexpr double max_area_radius_m = 5.0e6;
struct RingDefect {
  std::size_t ring = 0;  // index into ProtectedArea::rings
  std::string what;
};
// The first defect, or nullopt. `across_rings` false skips the tests between rings (map
// outlines, drawn only, may share borders).
std::optional<RingDefect> find_ring_defect(const ProtectedArea& area, bool across_rings = true);

// One-off queries (they project the area on every call; use AreaGeometry in loops).
bool contains(const ProtectedArea& area, const geo::Geodetic& p);
double distance_to_boundary_m(const ProtectedArea& area, const geo::Geodetic& p);

}  // namespace trilink::warn
