#include "sensor/infrared.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdio>
#include <numbers>
#include <utility>

#include <Eigen/Geometry>

#include "geo/wgs84.hpp"
#include "sensor/field_checks.hpp"

namespace trilink::sensor {

namespace {

constexpr double two_pi = 2.0 * std::numbers::pi;

using checks::finite;
using checks::non_negative;
using checks::positive;
using checks::show;
using checks::within;

// Eccentric anomaly from the mean anomaly (Newton on E - e sin E = M; e < 1).
double eccentric_anomaly(double m_rad, double e) {
  double big_e = e < 0.8 ? m_rad : std::numbers::pi;
  for (int k = 0; k < 30; ++k) {
    const double f = big_e - e * std::sin(big_e) - m_rad;
    const double step = f / (1.0 - e * std::cos(big_e));
    big_e -= step;
    if (std::abs(step) < 1e-14) break;
  }
  return big_e;
}

}  // namespace

Orbit::Orbit(const OrbitElements& e) : e_(e) {
  const double gm = geo::wgs84::gm_m3ps2();
  const double r_eq = geo::wgs84::a_m();
  const double n =
      std::sqrt(gm / (e.semi_major_axis_m * e.semi_major_axis_m * e.semi_major_axis_m));
  const double p = e.semi_major_axis_m * (1.0 - e.eccentricity * e.eccentricity);
  const double k = geo::wgs84::j2() * (r_eq / p) * (r_eq / p);
  const double ci = std::cos(e.inclination_rad);
  raan_rate_ = -1.5 * n * k * ci;
  argp_rate_ = 0.75 * n * k * (5.0 * ci * ci - 1.0);
  mean_motion_ = n * (1.0 + 0.75 * k * std::sqrt(1.0 - e.eccentricity * e.eccentricity) *
                                (3.0 * ci * ci - 1.0));
  raan0_rad_ = e.node_lon_rad + geo::earth_rotation_angle(e.epoch);
}

double Orbit::period_s() const {
  return two_pi / mean_motion_;
}
double Orbit::perigee_radius_m() const {
  return e_.semi_major_axis_m * (1.0 - e_.eccentricity);
}
double Orbit::apogee_radius_m() const {
  return e_.semi_major_axis_m * (1.0 + e_.eccentricity);
}

geo::EciState Orbit::eci_at(geo::UtcTime t) const {
  const double dt = t.seconds_since(e_.epoch);
  const double a = e_.semi_major_axis_m, ecc = e_.eccentricity;
  const double raan = raan0_rad_ + raan_rate_ * dt;
  const double argp = e_.arg_perigee_rad + argp_rate_ * dt;
  const double m = std::remainder(e_.mean_anomaly_rad + mean_motion_ * dt, two_pi);
  const double big_e = eccentric_anomaly(m, ecc);
  const double b = a * std::sqrt(1.0 - ecc * ecc);
  // Perifocal position and velocity (the osculating rates of the Kepler orbit).
  const geo::Vec3 r_pf(a * (std::cos(big_e) - ecc), b * std::sin(big_e), 0.0);
  const double e_dot = mean_motion_ / (1.0 - ecc * std::cos(big_e));
  const geo::Vec3 v_pf(-a * std::sin(big_e) * e_dot, b * std::cos(big_e) * e_dot, 0.0);
  const geo::Mat3 q = (Eigen::AngleAxisd(raan, geo::Vec3::UnitZ()) *
                       Eigen::AngleAxisd(e_.inclination_rad, geo::Vec3::UnitX()) *
                       Eigen::AngleAxisd(argp, geo::Vec3::UnitZ()))
                          .toRotationMatrix();
  return geo::EciState{q * r_pf, q * v_pf};
}

geo::EcefState Orbit::ecef_at(geo::UtcTime t) const {
  return geo::to_ecef(eci_at(t), t);
}

Expected<void> validate(const IrSatelliteParams& p) {
  if (p.name.empty()) return fail("name", "must not be empty");
  const auto& o = p.orbit;
  const std::optional<Error> checks[] = {
      positive("orbit.semi_major_axis_m", o.semi_major_axis_m),
      within("orbit.eccentricity", o.eccentricity, 0.0, std::nextafter(1.0, 0.0)),
      within("orbit.inclination_rad", o.inclination_rad, 0.0, std::numbers::pi),
      finite("orbit.node_lon_rad", o.node_lon_rad),
      finite("orbit.arg_perigee_rad", o.arg_perigee_rad),
      finite("orbit.mean_anomaly_rad", o.mean_anomaly_rad),
      positive("frame_s", p.frame_s),
      positive("sigma_rad", p.sigma_rad),
      within("pd", p.pd, 0.0, 1.0),
      non_negative("false_alarms_per_frame", p.false_alarms_per_frame),
      non_negative("cloud_top_m", p.cloud_top_m),
      within("stare.lat_rad", p.stare.lat_rad, -std::numbers::pi / 2, std::numbers::pi / 2),
      finite("stare.lon_rad", p.stare.lon_rad),
      non_negative("stare_radius_m", p.stare_radius_m),
  };
  for (const auto& c : checks)
    if (c) return std::unexpected(*c);
  const double perigee_h = o.semi_major_axis_m * (1.0 - o.eccentricity) - geo::wgs84::a_m();
  if (!(perigee_h >= min_perigee_height_m))
    return fail("orbit.perigee", "the perigee is " + show(perigee_h / 1e3) +
                                     " km above the equatorial surface; it must be at least " +
                                     show(min_perigee_height_m / 1e3) + " km");
  return {};
}

geo::Mat3 nadir_frame(const geo::Vec3& r) {
  const geo::Vec3 z = -r.normalized();
  geo::Vec3 x = geo::Vec3::UnitZ().cross(r);
  // Over a pole east is undefined: take the ECEF x axis's direction across the nadir.
  if (x.norm() < 1e-9 * r.norm()) x = geo::Vec3::UnitY().cross(z);
  x.normalize();
  const geo::Vec3 y = z.cross(x);
  geo::Mat3 m;
  m.row(0) = x;
  m.row(1) = y;
  m.row(2) = z;
  return m;
}

void to_focal_plane(const geo::Vec3& r, const geo::Vec3& los, double& alpha, double& beta) {
  const geo::Vec3 u = nadir_frame(r) * los;
  alpha = std::atan2(u.x(), u.z());
  beta = std::atan2(u.y(), u.z());
}

geo::Vec3 line_of_sight(const geo::Vec3& r, double alpha, double beta) {
  const geo::Vec3 u(std::tan(alpha), std::tan(beta), 1.0);
  return nadir_frame(r).transpose() * u.normalized();
}

bool clear_of_earth(const geo::Vec3& a, const geo::Vec3& b) {
  // Scale to the unit sphere: the ellipsoid x^2/a^2 + y^2/a^2 + z^2/b^2 = 1.
  const geo::Vec3 s(1.0 / geo::wgs84::a_m(), 1.0 / geo::wgs84::a_m(), 1.0 / geo::wgs84::b_m());
  const geo::Vec3 p = a.cwiseProduct(s), q = b.cwiseProduct(s);
  const geo::Vec3 d = q - p;
  const double dd = d.squaredNorm();
  const double u = dd > 0.0 ? std::clamp(-p.dot(d) / dd, 0.0, 1.0) : 0.0;
  return (p + u * d).squaredNorm() > 1.0;
}

IrSatellite::IrSatellite(IrSatelliteParams params, std::uint32_t index, std::uint64_t seed)
    : params_(std::move(params)),
      index_(index),
      orbit_(params_.orbit),
      rng_(Rng::stream(seed, stream_key(index))) {
  assert(validate(params_));
  phase_ns_ = static_cast<std::int64_t>(rng_.uniform() * params_.frame_s * 1e9);
  stare_ecef_m_ = geo::to_ecef(params_.stare).r_m;
}

bool IrSatellite::sees(const geo::Vec3& sat, const Plume& plume) const {
  return plume.thrusting && plume.height_m > params_.cloud_top_m &&
         clear_of_earth(sat, plume.position.r_m);
}

bool IrSatellite::sees(geo::UtcTime t, const Plume& plume) const {
  return sees(orbit_.ecef_at(t).r_m, plume);
}

geo::UtcTime IrSatellite::first_frame(geo::UtcTime start) const {
  return geo::UtcTime{start.ns + phase_ns_};
}

std::vector<IrPlot> IrSatellite::frame(geo::UtcTime t, std::span<const Plume> plumes) {
  std::vector<IrPlot> out;
  const geo::Vec3 sat = orbit_.ecef_at(t).r_m;
  const auto plot = [&](double alpha, double beta, std::int64_t truth) {
    out.push_back(IrPlot{index_, t, sat, alpha, beta, params_.sigma_rad, truth});
  };
  for (const Plume& p : plumes) {
    if (!sees(sat, p)) continue;
    if (rng_.uniform() >= params_.pd) continue;
    double alpha = 0.0, beta = 0.0;
    to_focal_plane(sat, (p.position.r_m - sat).normalized(), alpha, beta);
    alpha += rng_.normal(0.0, params_.sigma_rad);
    beta += rng_.normal(0.0, params_.sigma_rad);
    plot(alpha, beta, p.object_id);
  }
  // False alarms: a Poisson count, then uniform over the stare area's cone.
  const std::uint32_t count = rng_.poisson(params_.false_alarms_per_frame);
  if (count == 0) return out;
  const geo::Vec3 to_stare = stare_ecef_m_ - sat;
  double a0 = 0.0, b0 = 0.0;
  to_focal_plane(sat, to_stare.normalized(), a0, b0);
  const double cone = params_.stare_radius_m / to_stare.norm();
  for (std::uint32_t k = 0; k < count; ++k) {
    const double rho = cone * std::sqrt(rng_.uniform());
    const double theta = 2.0 * std::numbers::pi * rng_.uniform();
    plot(a0 + rho * std::cos(theta), b0 + rho * std::sin(theta), -1);
  }
  return out;
}

}  // namespace trilink::sensor
