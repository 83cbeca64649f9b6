#include "warn/threat.hpp"

#include <algorithm>
#include <array>
#include <cassert>
#include <cmath>
#include <limits>
#include <numbers>

#include <Eigen/Eigenvalues>

#include "base/chi2.hpp"

namespace trilink::warn {

ImpactEllipse ellipse_of(const share::ImpactPrediction& p) {
  geo::Geodetic centre = geo::to_geodetic(geo::Ecef{p.impact_point_ecef_m});
  centre.h_m = 0.0;
  return ImpactEllipse{centre, p.semi_major_m, p.semi_minor_m, p.major_axis_azimuth_rad};
}

geo::Geodetic ellipse_point(const ImpactEllipse& e, double theta_rad) {
  const double sa = std::sin(e.major_axis_azimuth_rad), ca = std::cos(e.major_axis_azimuth_rad);
  const double u = e.semi_major_m * std::cos(theta_rad);  // along the major axis
  const double v = e.semi_minor_m * std::sin(theta_rad);  // along the minor axis
  const double east = u * sa + v * ca;
  const double north = u * ca - v * sa;
  const double distance = std::hypot(east, north);
  if (distance == 0.0) return e.centre;
  return geo::geodesic_direct(e.centre, std::atan2(east, north), distance);
}

namespace {

struct Box {
  Plane lo = Plane::Constant(std::numeric_limits<double>::infinity());
  Plane hi = Plane::Constant(-std::numeric_limits<double>::infinity());
  void add(const Plane& p) {
    lo = lo.cwiseMin(p);
    hi = hi.cwiseMax(p);
  }
  bool near(const Plane& a, const Plane& b, double margin) const {
    return std::max(a.x(), b.x()) >= lo.x() - margin && std::min(a.x(), b.x()) <= hi.x() + margin &&
           std::max(a.y(), b.y()) >= lo.y() - margin && std::min(a.y(), b.y()) <= hi.y() + margin;
  }
};

int sample_count(const ImpactEllipse& e) {
  const double a = e.semi_major_m, b = e.semi_minor_m;
  // Ramanujan's perimeter approximation.
  const double perimeter =
      std::numbers::pi * (3.0 * (a + b) - std::sqrt((3.0 * a + b) * (a + 3.0 * b)));
  return std::clamp(static_cast<int>(std::ceil(perimeter / 1000.0)), 72, 4096);
}

// With neighbours, (c) finds the buffer near the outline but not whether that part of it is
// the area's (it may lie nearer to a neighbour's land): the outline's points answer, each
// with the slack of half the spacing between them.
bool outline_may_meet(const AreaGeometry& area, const std::vector<Plane>& polygon) {
  double spacing = 0.0;
  for (std::size_t k = 0, m = polygon.size() - 1; k < polygon.size(); m = k++)
    spacing = std::max(spacing, (polygon[k] - polygon[m]).norm());
  return std::ranges::any_of(polygon,
                             [&](const Plane& q) { return area.may_hold(q, 0.5 * spacing); });
}

}  // namespace

bool ellipse_meets(const AreaGeometry& area, const ImpactEllipse& e) {
  assert(e.semi_major_m >= 0.0 && e.semi_minor_m >= 0.0);
  // Far from the area (its points are within the semi-major axis of the centre): nothing to
  // project.
  if (area.far_from(e.centre, std::max(e.semi_major_m, e.semi_minor_m), area.area().buffer_m))
    return false;
  if (area.contains(e.centre)) return true;  // (a)
  if (e.semi_major_m <= 0.0 && e.semi_minor_m <= 0.0) return false;

  const int n = sample_count(e);
  std::vector<Plane> polygon;
  polygon.reserve(static_cast<std::size_t>(n));
  Box box;
  for (int i = 0; i < n; ++i) {
    polygon.push_back(area.project(ellipse_point(e, 2.0 * std::numbers::pi * i / n)));
    box.add(polygon.back());
  }
  const double buffer = area.area().buffer_m;
  for (const auto& ring : area.rings()) {
    for (std::size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++) {
      if (!box.near(ring[j], ring[i], buffer)) continue;
      if (planar::ring_contains(polygon, ring[i])) return true;                     // (b)
      for (std::size_t k = 0, m = polygon.size() - 1; k < polygon.size(); m = k++)  // (c)
        if (planar::segment_segment_distance(ring[j], ring[i], polygon[m], polygon[k]) <= buffer)
          return !area.has_neighbours() || outline_may_meet(area, polygon);
    }
  }
  return false;
}

namespace {

// Equal-mass annuli of the 2-D standard normal: r_j^2 = chi2_2((j + 1/2) / M), the median of
// annulus j (its mass between j / M and (j + 1) / M), M = 8.
const std::array<double, 8> kProbabilityRings = [] {
  std::array<double, 8> r{};
  for (std::size_t j = 0; j < r.size(); ++j)
    r[j] = std::sqrt(chi2_quantile((static_cast<double>(j) + 0.5) / r.size(), 2));
  return r;
}();
constexpr int kProbabilitySpokes = 24;

// The quadrature points of impact_probability inside the area, counted on while below `enough`.
int points_inside(const AreaGeometry& area, const ImpactEllipse& e, int enough) {
  // The 95 % semi-axes are sqrt(chi2_2(0.95)) sigmas.
  static const double k95 = std::sqrt(chi2_quantile(0.95, 2));
  const double sigma_major = e.semi_major_m / k95, sigma_minor = e.semi_minor_m / k95;
  const double reach = std::max(sigma_major, sigma_minor) * kProbabilityRings.back();
  if (area.far_from(e.centre, reach, area.area().buffer_m)) return 0;
  // The area's plane about the centre, to first order: the images of 10 km east and north
  // (within the 2.4 sigma of an ellipse of 200 km the projection bends by under a kilometre).
  constexpr double step_m = 10e3;
  const Plane c = area.project(e.centre);
  const Plane east =
      (area.project(geo::geodesic_direct(e.centre, 0.5 * std::numbers::pi, step_m)) - c) / step_m;
  const Plane north = (area.project(geo::geodesic_direct(e.centre, 0.0, step_m)) - c) / step_m;
  const double sa = std::sin(e.major_axis_azimuth_rad), ca = std::cos(e.major_axis_azimuth_rad);
  const Plane major = sigma_major * (sa * east + ca * north);  // one sigma along the major axis
  const Plane minor = sigma_minor * (ca * east - sa * north);  // and 90 deg clockwise of it
  // Points found outside, with their distance from the area (a lower bound of it, with
  // neighbours): a point nearer to one of them than that is outside too, untested.
  std::vector<std::pair<Plane, double>> clear;
  int inside = 0;
  for (std::size_t j = 0; j < kProbabilityRings.size(); ++j) {
    for (int k = 0; k < kProbabilitySpokes; ++k) {
      const double theta =
          2.0 * std::numbers::pi * (k + 0.5 * static_cast<double>(j % 2)) / kProbabilitySpokes;
      const double r = kProbabilityRings[j];
      const Plane q = c + r * std::cos(theta) * major + r * std::sin(theta) * minor;
      if (std::ranges::any_of(clear,
                              [&](const auto& pd) { return (q - pd.first).norm() < pd.second; }))
        continue;
      if (const double d = area.signed_distance_m(q); d > 0.0)
        clear.emplace_back(q, d);
      else if (++inside >= enough)
        return inside;
    }
  }
  return inside;
}

constexpr int kProbabilityPoints = static_cast<int>(kProbabilityRings.size()) * kProbabilitySpokes;

}  // namespace

double impact_probability(const AreaGeometry& area, const std::vector<ImpactEllipse>& support,
                          double enough) {
  assert(enough >= 0.0 && enough <= 1.0);
  if (support.empty()) return 0.0;
  const int total = kProbabilityPoints * static_cast<int>(support.size());
  const int wanted = static_cast<int>(std::ceil(enough * total));
  if (wanted == 0) return 0.0;
  int inside = 0;
  for (const auto& e : support) {
    inside += points_inside(area, e, wanted - inside);
    if (inside >= wanted) break;
  }
  return static_cast<double>(inside) / total;
}

bool support_meets(const AreaGeometry& area, const std::vector<ImpactEllipse>& support) {
  if (std::ranges::any_of(support, [&](const ImpactEllipse& e) { return ellipse_meets(area, e); }))
    return true;
  if (support.size() < 2) return false;
  // Neighbours along the points' widest spread (the principal axis of their scatter).
  std::vector<Plane> p;
  p.reserve(support.size());
  Plane mean = Plane::Zero();
  for (const auto& e : support) {
    p.push_back(area.project(e.centre));
    mean += p.back() / static_cast<double>(support.size());
  }
  Eigen::Matrix2d scatter = Eigen::Matrix2d::Zero();
  for (const auto& q : p) scatter += (q - mean) * (q - mean).transpose();
  const Eigen::SelfAdjointEigenSolver<Eigen::Matrix2d> eig(scatter);
  const Plane axis = eig.eigenvectors().col(1);  // of the larger eigenvalue
  std::vector<std::size_t> order(p.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::ranges::sort(order, {}, [&](std::size_t i) { return axis.dot(p[i]); });
  for (std::size_t k = 0; k + 1 < order.size(); ++k) {
    const Plane& a = p[order[k]];
    const Plane& b = p[order[k + 1]];
    const Plane d = b - a;
    if (d.norm() <= 0.0) continue;
    // On the plane, x east and y north: the segment's heading, clockwise from north.
    const double heading = std::atan2(d.x(), d.y());
    const ImpactEllipse& e = support[order[k]];
    if (area.corridor_meets(a, b, cross_track_half_width_m(e, heading))) return true;
  }
  return false;
}

double cross_track_half_width_m(const ImpactEllipse& e, double heading_rad) {
  const double phi = heading_rad + 0.5 * std::numbers::pi - e.major_axis_azimuth_rad;
  return std::hypot(e.semi_major_m * std::cos(phi), e.semi_minor_m * std::sin(phi));
}

std::optional<Overflight> corridor_overflight(const AreaGeometry& area,
                                              const std::vector<GroundPoint>& track,
                                              double min_half_width_m, double time_tolerance_s) {
  assert(min_half_width_m >= 0.0 && time_tolerance_s > 0.0);
  if (track.empty()) return std::nullopt;
  // Each point projected when a segment that may meet the area needs it (AreaGeometry::far_from
  // rules out the others without projecting: a track over Japan is far from Guam).
  std::vector<Plane> p(track.size());
  std::vector<bool> projected(track.size(), false);
  const auto project = [&](std::size_t i) {
    if (!projected[i]) {
      p[i] = area.project(track[i].point);
      projected[i] = true;
    }
  };
  if (track.size() == 1) {
    project(0);
    if (area.signed_distance_m(p[0]) > std::max(min_half_width_m, track[0].half_width_m))
      return std::nullopt;
    return Overflight{track[0].time, track[0].time};
  }
  // Segment i's reach from the rings: its corridor's half-width and the area's buffer.
  auto reach = [&](std::size_t i) {
    return std::max({min_half_width_m, track[i].half_width_m, track[i + 1].half_width_m}) +
           area.area().buffer_m;
  };
  std::size_t segment = 0;
  auto meets = [&](const Plane& a, const Plane& b) {
    return area.corridor_meets(a, b, reach(segment) - area.area().buffer_m);
  };
  std::optional<std::size_t> first, last;
  for (std::size_t i = 0; i + 1 < p.size(); ++i) {
    segment = i;
    if (area.far_from(track[i].point, track[i + 1].point, reach(i))) continue;
    project(i);
    project(i + 1);
    if (!meets(p[i], p[i + 1])) continue;
    if (!first) first = i;
    last = i;
  }
  if (!first) return std::nullopt;

  auto at = [&](std::size_t i, double s) -> Plane { return p[i] + s * (p[i + 1] - p[i]); };
  auto time_at = [&](std::size_t i, double s) {
    return track[i].time.plus_seconds(s * track[i + 1].time.seconds_since(track[i].time));
  };
  auto tolerance = [&](std::size_t i) {
    const double span_s = std::abs(track[i + 1].time.seconds_since(track[i].time));
    return span_s > 0.0 ? time_tolerance_s / span_s : 1.0;
  };
  // Entry: the smallest s whose prefix [0, s] of segment `first` meets (monotone in s).
  double lo = 0.0, hi = 1.0;
  segment = *first;
  if (meets(p[*first], p[*first])) hi = 0.0;
  while (hi - lo > tolerance(*first)) {
    const double mid = 0.5 * (lo + hi);
    (meets(p[*first], at(*first, mid)) ? hi : lo) = mid;
  }
  const geo::UtcTime entry = time_at(*first, hi);
  // Exit: the largest s whose suffix [s, 1] of segment `last` meets.
  lo = 0.0;
  hi = 1.0;
  segment = *last;
  if (meets(p[*last + 1], p[*last + 1])) lo = 1.0;
  while (hi - lo > tolerance(*last)) {
    const double mid = 0.5 * (lo + hi);
    (meets(at(*last, mid), p[*last + 1]) ? lo : hi) = mid;
  }
  return Overflight{entry, time_at(*last, lo)};
}

}  // namespace trilink::warn
