#include "geo/frames.hpp"

#include <GeographicLib/Geocentric.hpp>
#include <GeographicLib/Geodesic.hpp>
#include <cmath>
#include <vector>

#include "geo/angles.hpp"
#include "geo/wgs84.hpp"

namespace trilink::geo {

double approx_height_m(const Vec3& r) {
  const double rn = r.norm();
  if (rn == 0.0) return -wgs84::a_m();
  const double s = r.z() / rn;
  return rn - wgs84::a_m() * (1.0 - wgs84::f() * s * s);
}

Geodetic Geodetic::from_deg(double lat_deg, double lon_deg, double h_m) {
  return Geodetic{deg_to_rad(lat_deg), deg_to_rad(lon_deg), h_m};
}
double Geodetic::lat_deg() const {
  return rad_to_deg(lat_rad);
}
double Geodetic::lon_deg() const {
  return rad_to_deg(lon_rad);
}

Ecef to_ecef(const Geodetic& g) {
  Ecef e;
  GeographicLib::Geocentric::WGS84().Forward(g.lat_deg(), g.lon_deg(), g.h_m, e.r_m.x(), e.r_m.y(),
                                             e.r_m.z());
  return e;
}

Geodetic to_geodetic(const Ecef& e) {
  double lat_deg, lon_deg, h_m;
  GeographicLib::Geocentric::WGS84().Reverse(e.r_m.x(), e.r_m.y(), e.r_m.z(), lat_deg, lon_deg,
                                             h_m);
  return Geodetic::from_deg(lat_deg, lon_deg, h_m);
}

RangeAzEl to_range_az_el(const Enu& enu) {
  const Vec3& p = enu.r_m;
  const double horizontal = std::hypot(p.x(), p.y());
  return RangeAzEl{p.norm(), wrap_two_pi(std::atan2(p.x(), p.y())), std::atan2(p.z(), horizontal)};
}

Enu to_enu(const RangeAzEl& rae) {
  const double ce = std::cos(rae.el_rad);
  return Enu{Vec3(rae.range_m * ce * std::sin(rae.az_rad), rae.range_m * ce * std::cos(rae.az_rad),
                  rae.range_m * std::sin(rae.el_rad))};
}

LocalFrame::LocalFrame(const Geodetic& origin) : origin_(origin) {
  std::vector<double> m(9);
  double x, y, z;
  GeographicLib::Geocentric::WGS84().Forward(origin.lat_deg(), origin.lon_deg(), origin.h_m, x, y,
                                             z, m);
  origin_ecef_.r_m = Vec3(x, y, z);
  // GeographicLib's M is row-major and rotates local ENU vectors into geocentric ones.
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 3; ++c) ecef_from_enu_(r, c) = m[3 * r + c];
  enu_from_ecef_ = ecef_from_enu_.transpose();
}

SurfacePath geodesic_inverse(const Geodetic& from, const Geodetic& to) {
  double s12, azi1, azi2;
  GeographicLib::Geodesic::WGS84().Inverse(from.lat_deg(), from.lon_deg(), to.lat_deg(),
                                           to.lon_deg(), s12, azi1, azi2);
  return SurfacePath{s12, wrap_two_pi(deg_to_rad(azi1))};
}

Geodetic geodesic_direct(const Geodetic& from, double azimuth_rad, double distance_m) {
  double lat2, lon2;
  GeographicLib::Geodesic::WGS84().Direct(from.lat_deg(), from.lon_deg(), rad_to_deg(azimuth_rad),
                                          distance_m, lat2, lon2);
  return Geodetic::from_deg(lat2, lon2, 0.0);
}

double gaussian_radius_m(double lat_rad) {
  const double a = wgs84::a_m();
  const double e2 = wgs84::f() * (2.0 - wgs84::f());
  const double s = std::sin(lat_rad);
  const double w2 = 1.0 - e2 * s * s;
  const double n = a / std::sqrt(w2);
  const double m = a * (1.0 - e2) / (w2 * std::sqrt(w2));
  return std::sqrt(m * n);
}

}  // namespace trilink::geo
