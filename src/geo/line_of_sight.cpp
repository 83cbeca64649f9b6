#include "geo/line_of_sight.hpp"

#include <algorithm>
#include <cmath>

namespace trilink::geo {

Observer::Observer(const Geodetic& site, double k)
    : frame_(site), local_radius_m_(gaussian_radius_m(site.lat_rad)), k_(k) {}

Sighting Observer::look(const Ecef& target, double target_h_m) const {
  const Enu enu = frame_.to_enu(target);
  Sighting s;
  s.geometric = to_range_az_el(enu);
  // Central angle on the local sphere through the site, then onto the effective sphere.
  const double site_h = frame_.origin().h_m;
  const Vec3 from_centre = enu.r_m + Vec3(0.0, 0.0, local_radius_m_ + site_h);
  const double psi = std::atan2(std::hypot(from_centre.x(), from_centre.y()), from_centre.z());
  s.ground_distance_m = psi * local_radius_m_;
  const double ae = k_ * local_radius_m_;
  const double psi_e = s.ground_distance_m / ae;
  const double rt = ae + target_h_m;
  // Site and target in the plane of the ray, centre of the effective sphere at the origin.
  const Eigen::Vector2d site_p(0.0, ae + site_h);
  const Eigen::Vector2d target_p(rt * std::sin(psi_e), rt * std::cos(psi_e));
  const Eigen::Vector2d ray = target_p - site_p;
  s.apparent_el_rad = std::atan2(ray.y(), ray.x());
  // Closest approach of the segment to the centre must stay outside the sphere.
  const double len2 = ray.squaredNorm();
  const double along = len2 > 0.0 ? std::clamp(-site_p.dot(ray) / len2, 0.0, 1.0) : 0.0;
  s.above_horizon = (site_p + along * ray).norm() >= ae && target_h_m >= 0.0;
  return s;
}

Sighting Observer::look(const Ecef& target) const {
  return look(target, to_geodetic(target).h_m);
}

double Observer::horizon_distance_m(double target_h_m) const {
  const double ae = k_ * local_radius_m_;
  const double site_h = std::max(0.0, frame_.origin().h_m);
  return ae * (std::acos(ae / (ae + site_h)) + std::acos(ae / (ae + std::max(0.0, target_h_m))));
}

}  // namespace trilink::geo
