#include "track/thrust_test.hpp"

#include <cmath>

#include "flight/atmosphere.hpp"
#include "flight/gravity.hpp"
#include "geo/frames.hpp"
#include "geo/wgs84.hpp"

namespace trilink::track {

double potential_energy(const Vec3& r) {
  const double mu = geo::wgs84::gm_m3ps2();
  const double a = geo::wgs84::a_m();
  const double w = geo::wgs84::omega_radps();
  const double r2 = r.squaredNorm();
  const double rn = std::sqrt(r2);
  const double v =
      -mu / rn + mu * geo::wgs84::j2() * a * a * (3.0 * r.z() * r.z() / r2 - 1.0) / (2.0 * r2 * rn);
  return v - 0.5 * w * w * (r.x() * r.x() + r.y() * r.y());
}

bool slower_than_any_burnout(const Vec<6>& x) {
  const Vec3 v = x.tail<3>();
  return slower_than_any_burnout(v.norm(), v.dot(x.head<3>().normalized()));
}

Energy mechanical_energy(const Vec<6>& x, const Mat<6>& P) {
  const Vec3 p = x.head<3>(), v = x.tail<3>();
  const double w = geo::wgs84::omega_radps();
  const Vec3 centrifugal(w * w * p.x(), w * w * p.y(), 0.0);
  Vec<6> g;
  g << -(flight::gravity_j2(p) + centrifugal), v;
  Energy e;
  e.value_jpkg = 0.5 * v.squaredNorm() + potential_energy(p);
  e.sigma_jpkg = std::sqrt(std::max(0.0, g.dot(P * g)));
  // Drag power per unit mass: rho |v|^3 / (2 beta).
  const double speed = v.norm();
  e.drag_loss_bound_jpkgps = flight::air_density_kgpm3(geo::approx_height_m(p)) * speed * speed *
                             speed / (2.0 * lightest_beta_kgpm2);
  return e;
}

ThrustVerdict ThrustWindow::add(double t_s, Energy e) {
  if (!samples_.empty() && t_s < samples_.back().t_s) return ThrustVerdict::unknown;
  if (!samples_.empty() && t_s - samples_.back().t_s > config_.restart_after_gap_s) {
    samples_.clear();
    last_rise_ = last_sigma_ = 0.0;
    contradicted_ = false;
  }
  samples_.push_back({t_s, e});
  // The reference: the newest sample at least window_s old; older ones are no longer needed.
  while (samples_.size() > 2 && samples_[1].t_s <= t_s - config_.window_s) samples_.pop_front();
  const Sample& ref = samples_.front();
  if (samples_.size() < 2 || ref.t_s > t_s - config_.window_s) return ThrustVerdict::unknown;
  contradicted_ = false;
  last_rise_ = e.value_jpkg - ref.e.value_jpkg;
  last_sigma_ = std::hypot(e.sigma_jpkg, ref.e.sigma_jpkg);
  if (last_rise_ > config_.sigmas * last_sigma_) return ThrustVerdict::thrust;
  if (last_rise_ < -config_.sigmas * last_sigma_) {
    const double most =
        std::max(e.drag_loss_bound_jpkgps, ref.e.drag_loss_bound_jpkgps) * (t_s - ref.t_s);
    if (-last_rise_ - config_.sigmas * last_sigma_ > most) return ThrustVerdict::unknown;
    // Drag keeps falling: a fall that the estimate after the reference does not see too is
    // the reference's error, not drag.
    contradicted_ = samples_.size() > 2 && e.value_jpkg >= samples_[1].e.value_jpkg;
    return contradicted_ ? ThrustVerdict::unknown : ThrustVerdict::drag;
  }
  return ThrustVerdict::quiet;
}

}  // namespace trilink::track
