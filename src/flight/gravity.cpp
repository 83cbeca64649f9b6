#include "flight/gravity.hpp"

#include "geo/wgs84.hpp"

namespace trilink::flight {

geo::Vec3 gravity_j2(const geo::Vec3& r_m) {
  const double r2 = r_m.squaredNorm();
  const double r = std::sqrt(r2);
  const double mu_r3 = geo::wgs84::gm_m3ps2() / (r2 * r);
  const double k = 1.5 * geo::wgs84::j2() * geo::wgs84::a_m() * geo::wgs84::a_m() / r2;
  const double z2_r2 = r_m.z() * r_m.z() / r2;
  const double horizontal = 1.0 + k * (1.0 - 5.0 * z2_r2);
  const double vertical = 1.0 + k * (3.0 - 5.0 * z2_r2);
  return -mu_r3 * geo::Vec3(r_m.x() * horizontal, r_m.y() * horizontal, r_m.z() * vertical);
}

geo::Vec3 gravity_point_mass(const geo::Vec3& r_m) {
  const double r = r_m.norm();
  return -geo::wgs84::gm_m3ps2() / (r * r * r) * r_m;
}

}  // namespace trilink::flight
