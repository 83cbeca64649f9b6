// Gravitational acceleration of the Earth with the J2 zonal term, in any frame whose z axis
// is the Earth's spin axis (ECEF or ECI). Vallado, "Fundamentals of Astrodynamics and
// Applications", 4th ed., eq. 8-30:
//   a = -mu r / |r|^3 [1 + 3/2 J2 (Re/|r|)^2 (1 - 5 z^2/|r|^2)]            (x, y)
//   a_z = -mu z / |r|^3 [1 + 3/2 J2 (Re/|r|)^2 (3 - 5 z^2/|r|^2)]
// mu, Re and J2 from WGS84 (geo/wgs84.hpp).
#pragma once

#include "geo/frames.hpp"

namespace trilink::flight {

geo::Vec3 gravity_j2(const geo::Vec3& r_m);
geo::Vec3 gravity_point_mass(const geo::Vec3& r_m);

}  // namespace trilink::flight
