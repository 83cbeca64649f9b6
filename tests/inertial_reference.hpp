// An independent reference for ballistic flight, for tests of the code that propagates in
// ECEF (track::BallisticDynamics and everything built on it): the state is integrated in the
// inertial frame that coincides with ECEF at t = 0, where there are no Coriolis or centrifugal
// terms, by classical RK4 with a fixed small step, and rotated back with geo::to_ecef(EciState,
// theta = omega t). Forces: J2 gravity (flight::gravity_j2, checked against GeographicLib in
// flight_gravity_test) and nothing else (vacuum). The J2 potential
//   V(r) = -mu/r [1 - J2 (a/r)^2 (3 z^2/r^2 - 1) / 2]
// is axisymmetric about the spin axis, so in the inertial frame E = |v|^2/2 + V is conserved.
#pragma once

#include <algorithm>
#include <cmath>

#include "flight/gravity.hpp"
#include "geo/eci.hpp"
#include "geo/frames.hpp"
#include "geo/wgs84.hpp"

namespace trilink::test_reference {

using geo::Vec3;

struct Inertial {
  Vec3 r = Vec3::Zero();
  Vec3 v = Vec3::Zero();
};

inline Inertial from_ecef(const Vec3& r_ecef, const Vec3& v_ecef) {
  const geo::EciState s = geo::to_eci(geo::EcefState{r_ecef, v_ecef}, 0.0);
  return {s.r_m, s.v_mps};
}

// ECEF position and velocity of an inertial state at time t (s) after the frames coincided.
inline geo::EcefState to_ecef(const Inertial& s, double t_s) {
  return geo::to_ecef(geo::EciState{s.r, s.v}, geo::wgs84::omega_radps() * t_s);
}

// J2 potential energy per unit mass (m^2/s^2).
inline double potential(const Vec3& r) {
  const double rn = r.norm();
  const double a_r = geo::wgs84::a_m() / rn;
  const double u2 = r.z() * r.z() / (rn * rn);
  return -geo::wgs84::gm_m3ps2() / rn *
         (1.0 - geo::wgs84::j2() * a_r * a_r * (3.0 * u2 - 1.0) / 2.0);
}

inline double energy(const Inertial& s) {
  return 0.5 * s.v.squaredNorm() + potential(s.r);
}

// One RK4 step of r'' = g_J2(r).
inline Inertial rk4_step(const Inertial& s, double h) {
  const auto acc = [](const Vec3& r) { return flight::gravity_j2(r); };
  const Vec3 k1r = s.v, k1v = acc(s.r);
  const Vec3 k2r = s.v + 0.5 * h * k1v, k2v = acc(s.r + 0.5 * h * k1r);
  const Vec3 k3r = s.v + 0.5 * h * k2v, k3v = acc(s.r + 0.5 * h * k2r);
  const Vec3 k4r = s.v + h * k3v, k4v = acc(s.r + h * k3r);
  return {s.r + h / 6.0 * (k1r + 2.0 * k2r + 2.0 * k3r + k4r),
          s.v + h / 6.0 * (k1v + 2.0 * k2v + 2.0 * k3v + k4v)};
}

// The state after dt (s; may be negative) in steps of at most h.
inline Inertial propagate(Inertial s, double dt_s, double h = 0.05) {
  const int n = std::max(1, static_cast<int>(std::ceil(std::abs(dt_s) / h)));
  const double step = dt_s / n;
  for (int i = 0; i < n; ++i) s = rk4_step(s, step);
  return s;
}

// An ECEF state propagated by dt (s), returned in ECEF at the new time.
inline geo::EcefState propagate_ecef(const Vec3& r_ecef, const Vec3& v_ecef, double dt_s,
                                     double h = 0.05) {
  return to_ecef(propagate(from_ecef(r_ecef, v_ecef), dt_s, h), dt_s);
}

inline double height_m(const Vec3& r_ecef) {
  return geo::to_geodetic(geo::Ecef{r_ecef}).h_m;
}

struct Impact {
  bool found = false;
  double t_s = 0.0;
  Vec3 point_ecef = Vec3::Zero();
};

// Where and when an ECEF state (in vacuum) reaches the ellipsoid: steps of h, then the last
// step bisected (each probe one RK4 step from the state before the crossing).
inline Impact fall(const Vec3& r_ecef, const Vec3& v_ecef, double max_time_s = 7200.0,
                   double h = 0.1) {
  Inertial s = from_ecef(r_ecef, v_ecef);
  double t = 0.0;
  while (t < max_time_s) {
    const Inertial next = rk4_step(s, h);
    if (height_m(to_ecef(next, t + h).r_m) <= 0.0) {
      double lo = 0.0, hi = h;
      for (int i = 0; i < 60; ++i) {
        const double mid = 0.5 * (lo + hi);
        (height_m(to_ecef(rk4_step(s, mid), t + mid).r_m) > 0.0 ? lo : hi) = mid;
      }
      const double dt = 0.5 * (lo + hi);
      return {true, t + dt, to_ecef(rk4_step(s, dt), t + dt).r_m};
    }
    s = next;
    t += h;
  }
  return {};
}

}  // namespace trilink::test_reference
