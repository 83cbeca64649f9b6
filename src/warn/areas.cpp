#include "warn/areas.hpp"

// Boost 1.74's Boost.Geometry includes a header it deprecated itself, and GCC 12 sees a
// maybe-uninitialised variable in its rescale policy; neither is ours.
#define BOOST_ALLOW_DEPRECATED_HEADERS
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <boost/geometry.hpp>
#include <boost/geometry/geometries/linestring.hpp>
#include <boost/geometry/geometries/point_xy.hpp>
#include <boost/geometry/geometries/ring.hpp>
#pragma GCC diagnostic pop

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>
#include <numbers>
#include <utility>

#include "geo/angles.hpp"
#include "share/messages.hpp"

namespace trilink::warn {

ProtectedArea buffer_km(const ProtectedArea& area, double km, std::string name) {
  assert(km >= 0.0);
  ProtectedArea grown = area;
  grown.buffer_m += km * 1000.0;
  if (!name.empty()) grown.name = std::move(name);
  return grown;
}

namespace planar {

double point_segment_distance(const Plane& p, const Plane& a, const Plane& b) {
  const Plane ab = b - a;
  const double len2 = ab.squaredNorm();
  const double s = len2 > 0.0 ? std::clamp((p - a).dot(ab) / len2, 0.0, 1.0) : 0.0;
  return (a + s * ab - p).norm();
}

namespace {
double cross(const Plane& u, const Plane& v) {
  return u.x() * v.y() - u.y() * v.x();
}
}  // namespace

double segment_segment_distance(const Plane& a, const Plane& b, const Plane& c, const Plane& d) {
  // Proper crossing: each segment's ends on strictly opposite sides of the other's line.
  const double d1 = cross(b - a, c - a), d2 = cross(b - a, d - a);
  const double d3 = cross(d - c, a - c), d4 = cross(d - c, b - c);
  if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0)))
    return 0.0;
  return std::min({point_segment_distance(a, c, d), point_segment_distance(b, c, d),
                   point_segment_distance(c, a, b), point_segment_distance(d, a, b)});
}

bool ring_contains(const std::vector<Plane>& ring, const Plane& p) {
  bool inside = false;
  const std::size_t n = ring.size();
  for (std::size_t i = 0, j = n - 1; i < n; j = i++) {
    const Plane& a = ring[i];
    const Plane& b = ring[j];
    if ((a.y() > p.y()) != (b.y() > p.y())) {
      const double x = a.x() + (p.y() - a.y()) * (b.x() - a.x()) / (b.y() - a.y());
      if (p.x() < x) inside = !inside;
    }
  }
  return inside;
}

}  // namespace planar

namespace {

geo::Geodetic mean_direction(const ProtectedArea& area) {
  geo::Vec3 sum = geo::Vec3::Zero();
  for (const auto& ring : area.rings)
    for (const auto& v : ring) sum += geo::to_ecef(geo::Geodetic{v.lat_rad, v.lon_rad, 0.0}).r_m;
  assert(sum.norm() > 0.0 && "an area needs vertices");
  // Scale the mean direction up to the surface so that to_geodetic is well conditioned.
  geo::Geodetic g = geo::to_geodetic(geo::Ecef{sum.normalized() * 6.371e6});
  g.h_m = 0.0;
  return g;
}

}  // namespace

AreaGeometry::AreaGeometry(ProtectedArea area) : area_(std::move(area)) {
  assert(!area_.rings.empty());
  origin_ = mean_direction(area_);
  const auto add = [&](const std::vector<geo::Geodetic>& ring, auto& rings, auto& boxes) {
    assert(ring.size() >= 3);
    std::vector<Plane> r;
    r.reserve(ring.size());
    for (const auto& v : ring) r.push_back(project(v));
    Box box{r.front(), r.front()};
    for (const auto& v : r) {
      box.lo = box.lo.cwiseMin(v);
      box.hi = box.hi.cwiseMax(v);
    }
    boxes.push_back(box);
    rings.push_back(std::move(r));
  };
  rings_.reserve(area_.rings.size());
  for (const auto& ring : area_.rings) add(ring, rings_, boxes_);
  origin_ecef_ = geo::to_ecef(origin_).r_m;
  for (const auto& ring : rings_)
    for (const auto& v : ring) extent_m_ = std::max(extent_m_, v.norm());
  if (area_.buffer_m > 0.0)  // a neighbour matters only to a buffer
    for (const auto& ring : area_.neighbours) add(ring, neighbours_, neighbour_boxes_);
}

double AreaGeometry::Box::distance(const Plane& a, const Plane& b) const {
  const Plane seg_lo = a.cwiseMin(b), seg_hi = a.cwiseMax(b);
  const Plane gap = (seg_lo - hi).cwiseMax(lo - seg_hi).cwiseMax(Plane::Zero());
  return gap.norm();
}

bool AreaGeometry::Box::contains(const Plane& p) const {
  return p.x() >= lo.x() && p.x() <= hi.x() && p.y() >= lo.y() && p.y() <= hi.y();
}

Plane AreaGeometry::project(const geo::Geodetic& p) const {
  const geo::SurfacePath path = geo::geodesic_inverse(origin_, p);
  return Plane(path.distance_m * std::sin(path.azimuth_rad),
               path.distance_m * std::cos(path.azimuth_rad));
}

namespace {

geo::Vec3 surface_ecef(const geo::Geodetic& p) {
  return geo::to_ecef(geo::Geodetic{p.lat_rad, p.lon_rad, 0.0}).r_m;
}

}  // namespace

bool AreaGeometry::far_from(const geo::Geodetic& a, const geo::Geodetic& b, double reach_m) const {
  const geo::Vec3 ea = surface_ecef(a), eb = surface_ecef(b);
  const double ca = (ea - origin_ecef_).norm(), cb = (eb - origin_ecef_).norm();
  if (!(ca <= kMaxChordM && cb <= kMaxChordM)) return false;
  // The geodesic a-b is within 1 % of its chord at these lengths (2 R asin(c / 2R)).
  const double length = 1.01 * (ea - eb).norm() + 1.0;
  return std::min(ca, cb) - kMaxScale * length > extent_m_ + reach_m + 1e3;
}

bool AreaGeometry::far_from(const geo::Geodetic& p, double radius_m, double reach_m) const {
  const double c = (surface_ecef(p) - origin_ecef_).norm();
  if (!(c <= kMaxChordM)) return false;
  return c - kMaxScale * radius_m > extent_m_ + reach_m + 1e3;
}

bool AreaGeometry::rings_contain(const Plane& p) const {
  bool inside = false;
  for (std::size_t k = 0; k < rings_.size(); ++k)
    if (boxes_[k].contains(p) && planar::ring_contains(rings_[k], p)) inside = !inside;
  return inside;
}

double AreaGeometry::rings_boundary_distance_m(const Plane& p) const {
  double best = std::numeric_limits<double>::infinity();
  for (std::size_t k = 0; k < rings_.size(); ++k) {
    if (boxes_[k].distance(p, p) >= best) continue;
    const auto& ring = rings_[k];
    for (std::size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++)
      best = std::min(best, planar::point_segment_distance(p, ring[j], ring[i]));
  }
  return best;
}

double AreaGeometry::neighbour_distance_m(const Plane& p) const {
  double best = std::numeric_limits<double>::infinity();
  bool inside = false;
  for (std::size_t k = 0; k < neighbours_.size(); ++k) {
    const Box& box = neighbour_boxes_[k];
    if (box.contains(p) && planar::ring_contains(neighbours_[k], p)) inside = !inside;
    if (box.distance(p, p) >= best) continue;
    const auto& ring = neighbours_[k];
    for (std::size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++)
      best = std::min(best, planar::point_segment_distance(p, ring[j], ring[i]));
  }
  return inside ? 0.0 : best;
}

double AreaGeometry::signed_distance_m(const Plane& p) const {
  const double d = rings_boundary_distance_m(p);
  if (rings_contain(p)) return -d - area_.buffer_m;
  const double s = d - area_.buffer_m;
  if (neighbours_.empty() || s > 0.0) return s;
  // Within the buffer: half the excess over the nearer neighbour, if any.
  return std::max(s, 0.5 * (d - neighbour_distance_m(p)));
}

bool AreaGeometry::may_hold(const Plane& p, double slack_m) const {
  if (rings_contain(p)) return true;
  const double d = rings_boundary_distance_m(p);
  if (d > area_.buffer_m + slack_m) return false;
  // Moving by slack changes each distance by at most slack, their difference by twice that.
  return neighbours_.empty() || d - neighbour_distance_m(p) <= 2.0 * slack_m;
}

bool AreaGeometry::corridor_meets(const Plane& a, const Plane& b, double half_width_m) const {
  if (!rings_segment_within(a, b, half_width_m + area_.buffer_m)) return false;
  if (neighbours_.empty()) return true;
  // Quadtree over the corridor's box: a cell of half-diagonal r about c is dropped when no
  // point of it can be in the corridor or in the area (may_hold with slack r), answers when c
  // is in both, and is split otherwise, down to cells of 100 m (then "meets", conservatively).
  constexpr double finest_m = 100.0;
  const Plane lo = a.cwiseMin(b) - Plane::Constant(half_width_m);
  const Plane hi = a.cwiseMax(b) + Plane::Constant(half_width_m);
  const double side = std::max(hi.x() - lo.x(), hi.y() - lo.y());
  struct Cell {
    Plane centre;
    double half_side;
  };
  std::vector<Cell> cells{{0.5 * (lo + hi), 0.5 * side}};
  while (!cells.empty()) {
    const Cell c = cells.back();
    cells.pop_back();
    const double r = c.half_side * std::numbers::sqrt2;
    const double off = planar::point_segment_distance(c.centre, a, b);
    if (off > half_width_m + r || !may_hold(c.centre, r)) continue;
    if (off <= half_width_m && may_hold(c.centre, 0.0)) return true;
    if (r < finest_m) return true;
    const double q = 0.5 * c.half_side;
    for (const Plane& d : {Plane(-q, -q), Plane(q, -q), Plane(-q, q), Plane(q, q)})
      cells.push_back({c.centre + d, q});
  }
  return false;
}

double AreaGeometry::distance_to_boundary_m(const geo::Geodetic& p) const {
  return std::abs(signed_distance_m(p));
}

namespace {

namespace bg = boost::geometry;
using BgPoint = bg::model::d2::point_xy<double>;
using BgRing = bg::model::ring<BgPoint, true, false>;  // clockwise, not closed (as ours)
using BgLine = bg::model::linestring<BgPoint>;

BgRing to_bg_ring(const std::vector<Plane>& ring) {
  BgRing r;
  r.reserve(ring.size());
  for (const auto& v : ring) r.push_back(BgPoint(v.x(), v.y()));
  return r;
}

BgLine to_bg_line(const std::vector<Plane>& ring) {
  BgLine l;
  l.reserve(ring.size() + 1);
  for (const auto& v : ring) l.push_back(BgPoint(v.x(), v.y()));
  l.push_back(l.front());
  return l;
}

std::string km(double m) {
  return std::to_string(static_cast<long long>(std::llround(m / 1e3))) + " km";
}

}  // namespace

std::optional<RingDefect> find_ring_defect(const ProtectedArea& area, bool across_rings) {
  assert(!area.rings.empty());
  for (std::size_t k = 0; k < area.rings.size(); ++k)
    if (area.rings[k].size() < 3)
      return RingDefect{k, "a ring needs at least 3 distinct vertices, got " +
                               std::to_string(area.rings[k].size())};
  geo::Vec3 sum = geo::Vec3::Zero();
  std::size_t count = 0;
  for (const auto& ring : area.rings)
    for (const auto& v : ring) {
      sum += geo::to_ecef(geo::Geodetic{v.lat_rad, v.lon_rad, 0.0}).r_m;
      ++count;
    }
  // Vertices spread all round the Earth cancel out; such an area has no plane.
  if (sum.norm() < 0.5 * 6.3e6 * static_cast<double>(count))
    return RingDefect{0, "the area spreads over more than a hemisphere"};
  const AreaGeometry g(area);
  for (std::size_t k = 0; k < area.rings.size(); ++k)
    for (const auto& v : area.rings[k])
      if (const double d = geo::geodesic_inverse(g.origin(), v).distance_m; d > max_area_radius_m)
        return RingDefect{k, "a vertex lies " + km(d) + " from the area's centre; at most " +
                                 km(max_area_radius_m)};
  const auto& rings = g.rings();
  for (std::size_t k = 0; k < rings.size(); ++k) {
    BgRing r = to_bg_ring(rings[k]);
    const double a = bg::area(r);
    if (!(std::abs(a) > 1.0)) return RingDefect{k, "the ring encloses no area"};
    if (a < 0.0) bg::reverse(r);
    std::string reason;
    if (!bg::is_valid(r, reason)) return RingDefect{k, "not a valid ring: " + reason};
  }
  if (!across_rings) return std::nullopt;
  std::vector<bg::model::box<BgPoint>> boxes;
  std::vector<BgLine> lines;
  for (const auto& ring : rings) {
    lines.push_back(to_bg_line(ring));
    boxes.push_back(bg::return_envelope<bg::model::box<BgPoint>>(lines.back()));
  }
  for (std::size_t k = 1; k < rings.size(); ++k)
    for (std::size_t j = 0; j < k; ++j) {
      if (bg::disjoint(boxes[j], boxes[k])) continue;
      if (std::ranges::is_permutation(area.rings[j], area.rings[k],
                                      [](const auto& u, const auto& v) {
                                        return u.lat_rad == v.lat_rad && u.lon_rad == v.lon_rad;
                                      }))
        return RingDefect{k, "the same ring as ring " + std::to_string(j)};
      if (bg::intersects(lines[j], lines[k]))
        return RingDefect{k, "crosses or touches ring " + std::to_string(j)};
    }
  return std::nullopt;
}

bool AreaGeometry::rings_segment_within(const Plane& a, const Plane& b, double reach_m) const {
  if (rings_contain(a) || rings_contain(b)) return true;
  // The segment's box grown by the reach: an edge whose box misses it is farther than that.
  const Plane lo = a.cwiseMin(b) - Plane::Constant(reach_m);
  const Plane hi = a.cwiseMax(b) + Plane::Constant(reach_m);
  for (std::size_t k = 0; k < rings_.size(); ++k) {
    if (boxes_[k].distance(a, b) > reach_m) continue;
    const auto& ring = rings_[k];
    for (std::size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++) {
      const Plane& c = ring[j];
      const Plane& d = ring[i];
      if (std::max(c.x(), d.x()) < lo.x() || std::min(c.x(), d.x()) > hi.x() ||
          std::max(c.y(), d.y()) < lo.y() || std::min(c.y(), d.y()) > hi.y())
        continue;
      if (planar::segment_segment_distance(a, b, c, d) <= reach_m) return true;
    }
  }
  return false;
}

bool contains(const ProtectedArea& area, const geo::Geodetic& p) {
  return AreaGeometry(area).contains(p);
}

double distance_to_boundary_m(const ProtectedArea& area, const geo::Geodetic& p) {
  return AreaGeometry(area).distance_to_boundary_m(p);
}

}  // namespace trilink::warn
