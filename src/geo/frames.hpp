// Typed frames. The frame and the unit are in the type; conversions go through
// GeographicLib (Geocentric for geodetic <-> ECEF, Geodesic for surface distances).
//
//   Geodetic   WGS84 latitude, longitude (rad) and height above the ellipsoid (m)
//   Ecef       Earth-centred, Earth-fixed position (m)
//   Enu        east-north-up position relative to the origin of a LocalFrame (m)
//   RangeAzEl  slant range (m), azimuth clockwise from north in [0, 2 pi) and elevation
//              above the local horizontal plane (rad), both geometric (no refraction)
#pragma once

#include <Eigen/Dense>

namespace trilink::geo {

using Vec3 = Eigen::Vector3d;
using Mat3 = Eigen::Matrix3d;

struct Geodetic {
  double lat_rad = 0.0;
  double lon_rad = 0.0;
  double h_m = 0.0;

  static Geodetic from_deg(double lat_deg, double lon_deg, double h_m = 0.0);
  double lat_deg() const;
  double lon_deg() const;
  bool operator==(const Geodetic&) const = default;
};

struct Ecef {
  Vec3 r_m = Vec3::Zero();
};

struct Enu {
  Vec3 r_m = Vec3::Zero();
};

struct RangeAzEl {
  double range_m = 0.0;
  double az_rad = 0.0;
  double el_rad = 0.0;
};

Ecef to_ecef(const Geodetic& g);
Geodetic to_geodetic(const Ecef& e);
// Height (m) above the WGS84 ellipsoid of an ECEF position, closed form: |r| minus the
// ellipsoid's radius a (1 - f sin^2 phi') at the geocentric latitude. Within ~20 m of the
// geodetic height below 1000 km; for air density, "has it come down" and plausibility checks
// on hot paths, where the iterative to_geodetic is too dear. The centre of the Earth: -a.
double approx_height_m(const Vec3& r_ecef);

RangeAzEl to_range_az_el(const Enu& enu);
Enu to_enu(const RangeAzEl& rae);

// An east-north-up frame bound to its origin. Holds the rotation so that converting a
// point costs one matrix product, no trigonometry.
class LocalFrame {
 public:
  explicit LocalFrame(const Geodetic& origin);

  Enu to_enu(const Ecef& p) const { return Enu{enu_from_ecef_ * (p.r_m - origin_ecef_.r_m)}; }
  Ecef to_ecef(const Enu& p) const { return Ecef{origin_ecef_.r_m + ecef_from_enu_ * p.r_m}; }
  // Free vectors (velocities, directions) between the two frames.
  Vec3 enu_vector(const Vec3& ecef_vec) const { return enu_from_ecef_ * ecef_vec; }
  Vec3 ecef_vector(const Vec3& enu_vec) const { return ecef_from_enu_ * enu_vec; }

  const Geodetic& origin() const { return origin_; }
  const Ecef& origin_ecef() const { return origin_ecef_; }
  const Mat3& ecef_from_enu() const { return ecef_from_enu_; }
  const Mat3& enu_from_ecef() const { return enu_from_ecef_; }

 private:
  Geodetic origin_;
  Ecef origin_ecef_;
  Mat3 ecef_from_enu_;
  Mat3 enu_from_ecef_;
};

// Geodesics on the WGS84 ellipsoid (Karney 2013), heights ignored.
struct SurfacePath {
  double distance_m = 0.0;
  double azimuth_rad = 0.0;  // initial azimuth at `from`, clockwise from north
};
SurfacePath geodesic_inverse(const Geodetic& from, const Geodetic& to);
Geodetic geodesic_direct(const Geodetic& from, double azimuth_rad, double distance_m);

// Radii of curvature at a latitude: meridional M, prime vertical N, and the Gaussian
// mean sqrt(M N) used as the local sphere of the effective-Earth refraction model.
double gaussian_radius_m(double lat_rad);

}  // namespace trilink::geo
