#include "flight/flight.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <numbers>
#include <optional>
#include <utility>
#include <vector>

#include "flight/atmosphere.hpp"
#include "flight/gravity.hpp"
#include "geo/wgs84.hpp"

namespace trilink::flight {
namespace {

using geo::Vec3;

struct Thrust {
  double accel_mps2 = 0.0;  // T / m
  double mass_kg = 0.0;
  bool boosting = false;  // the booster stack is attached (burning or in a staging gap)
};

// One integration segment: its midpoint decides which stage burns (so that the right-hand
// side stays smooth up to and including the segment's end) and the guidance phase is fixed
// inside it.
struct Segment {
  double mid_s = 0.0;
  AeroPhase phase = AeroPhase::ballistic;
};

// Everything the right-hand side needs, fixed for one flight.
class ForceModel {
 public:
  ForceModel(const FlightPlan* plan, double rv_beta, const Vec3& plane_normal,
             const FlightOptions& opt)
      : plan_(plan), rv_beta_(rv_beta), plane_normal_(plane_normal), opt_(opt) {
    if (plan_) {
      double t = 0.0;
      for (const auto& s : plan_->vehicle.stages) {
        t += s.coast_before_s;
        stage_start_s_.push_back(t);
        t += s.burn_time_s();
        stage_end_s_.push_back(t);
      }
      assert(plan_->vehicle.stages.empty() || plan_->vehicle.stages.front().coast_before_s == 0.0);
      if (plan_->vehicle.aero) {
        aero_ = &*plan_->vehicle.aero;
        body_mass_kg_ = mass_at_burnout();
      }
    }
  }

  const std::vector<double>& stage_start_s() const { return stage_start_s_; }
  const std::vector<double>& stage_end_s() const { return stage_end_s_; }
  // The aeroballistic model when the body flies on after burnout, else nullptr.
  const Aeroballistic* aero() const { return aero_; }

  // Thrust at time t inside the integration segment whose midpoint is `segment_mid`.
  Thrust thrust(double t, double segment_mid) const {
    if (!plan_ || segment_mid >= plan_->burnout_s()) return {};
    const auto& stages = plan_->vehicle.stages;
    double mass = plan_->vehicle.payload_kg;
    std::size_t k = 0;
    while (k < stages.size() && segment_mid >= stage_end_s_[k]) ++k;
    if (k == stages.size()) return {};
    for (std::size_t j = k; j < stages.size(); ++j)
      mass += stages[j].dry_kg + stages[j].propellant_kg;
    if (segment_mid < stage_start_s_[k]) return {0.0, mass, true};  // staging gap
    mass -= stages[k].mass_flow_kgps() * (t - stage_start_s_[k]);
    return {stages[k].thrust_n / mass, mass, true};
  }

  double pitch_rad(double t) const {
    const double rise = plan_->vehicle.vertical_rise_s;
    if (t <= rise) return std::numbers::pi / 2;
    const double span = plan_->vehicle.pitch_over_fraction * (plan_->burnout_s() - rise);
    const double s = std::min(1.0, (t - rise) / std::max(span, 1e-3));
    return std::numbers::pi / 2 + s * (plan_->end_pitch_rad - std::numbers::pi / 2);
  }

  State6 operator()(double t, const State6& y, const Segment& segment) const {
    const Vec3 r = y.head<3>();
    const Vec3 v = y.tail<3>();
    const Vec3 a_gravity = opt_.j2 ? gravity_j2(r) : gravity_point_mass(r);
    Vec3 a = a_gravity;
    const Thrust th = thrust(t, segment.mid_s);
    const Vec3 up = r.normalized();
    if (th.accel_mps2 > 0.0) {
      const Vec3 downrange = plane_normal_.cross(up).normalized();
      const double p = pitch_rad(t);
      a += th.accel_mps2 * (std::sin(p) * up + std::cos(p) * downrange);
    }
    if (opt_.drag) {
      const Vec3 v_rel =
          opt_.earth_rotation ? Vec3(v - Vec3(0, 0, geo::wgs84::omega_radps()).cross(r)) : v;
      const double h = geo::approx_height_m(r);
      if (aero_ && !th.boosting) {
        a +=
            aero_acceleration(*aero_, segment.phase, r, h, v_rel, body_mass_kg_, -a_gravity.dot(up))
                .accel_mps2;
      } else {
        const double rho = air_density_kgpm3(h);
        if (rho > 0.0) {
          const double inv_beta = th.boosting ? plan_->vehicle.boost_cd_area_m2 / th.mass_kg
                                              : (rv_beta_ > 0.0 ? 1.0 / rv_beta_ : 0.0);
          const double speed = v_rel.norm();
          const Vec3 a_drag = -0.5 * rho * speed * inv_beta * v_rel;
          a += a_drag;
        }
      }
    }
    State6 dy;
    dy << v, a;
    return dy;
  }

 private:
  // Mass of what flies on at burnout: the stack less the propellant burnt (a cut-off leaves
  // the rest of the burning stage's propellant on board).
  double mass_at_burnout() const {
    const auto& stages = plan_->vehicle.stages;
    const double tb = plan_->burnout_s();
    double mass = plan_->vehicle.payload_kg;
    std::size_t k = 0;
    while (k + 1 < stages.size() && tb > stage_end_s_[k]) ++k;
    for (std::size_t j = k; j < stages.size(); ++j)
      mass += stages[j].dry_kg + stages[j].propellant_kg;
    if (!stages.empty()) {
      const double burnt_s = std::clamp(tb - stage_start_s_[k], 0.0, stages[k].burn_time_s());
      mass -= stages[k].mass_flow_kgps() * burnt_s;
    }
    return mass;
  }

  const FlightPlan* plan_;
  double rv_beta_;
  Vec3 plane_normal_;
  const FlightOptions& opt_;
  std::vector<double> stage_start_s_;
  std::vector<double> stage_end_s_;
  const Aeroballistic* aero_ = nullptr;
  double body_mass_kg_ = 0.0;
};

double earth_relative_speed(const State6& y, bool rotation) {
  if (!rotation) return y.tail<3>().norm();
  return (y.tail<3>() - Vec3(0, 0, geo::wgs84::omega_radps()).cross(y.head<3>())).norm();
}

double exact_height_m(const Trajectory& traj, const Vec3& r_inertial, double t) {
  const double theta = traj.earth_angle_rad(t);
  const double c = std::cos(theta), s = std::sin(theta);
  const Vec3 r_ecef(c * r_inertial.x() + s * r_inertial.y(),
                    -s * r_inertial.x() + c * r_inertial.y(), r_inertial.z());
  return geo::to_geodetic(geo::Ecef{r_ecef}).h_m;
}

// Hermite interpolation on one step, for event location.
Vec3 hermite_position(double t0, const State6& y0, double t1, const State6& y1, double t) {
  const double h = t1 - t0;
  const double s = (t - t0) / h;
  const double h00 = 2 * s * s * s - 3 * s * s + 1, h10 = s * s * s - 2 * s * s + s;
  const double h01 = -2 * s * s * s + 3 * s * s, h11 = s * s * s - s * s;
  return h00 * y0.head<3>() + h10 * h * y0.tail<3>() + h01 * y1.head<3>() + h11 * h * y1.tail<3>();
}

// The same for the velocity, from the derivatives (accelerations) at both ends.
Vec3 hermite_velocity(double t0, const State6& y0, const State6& dy0, double t1, const State6& y1,
                      const State6& dy1, double t) {
  const double h = t1 - t0;
  const double s = (t - t0) / h;
  const double h00 = 2 * s * s * s - 3 * s * s + 1, h10 = s * s * s - 2 * s * s + s;
  const double h01 = -2 * s * s * s + 3 * s * s, h11 = s * s * s - s * s;
  return h00 * y0.tail<3>() + h10 * h * dy0.tail<3>() + h01 * y1.tail<3>() +
         h11 * h * dy1.tail<3>();
}

// Integrates with the given force model from (t0, y0) through the event times, recording
// samples and the apogee, max speed and impact events, and (for an aeroballistic body) the
// guidance phase changes, located where their switching function crosses zero.
Flight run(const ForceModel& model, const geo::Geodetic& site, double t0, const State6& y0,
           std::vector<double> events, double burnout_s, const FlightOptions& opt) {
  Flight out;
  Trajectory& traj = out.trajectory;
  traj.launch_site = site;
  traj.earth_rotation = opt.earth_rotation;
  traj.burnout_s = burnout_s;
  traj.apogee_height_m = -1e9;

  const auto record = [&](double t, const State6& y, const State6& dy) {
    if (!opt.keep_samples && !traj.samples.empty()) {
      traj.samples.back() = Sample{t, y.head<3>(), y.tail<3>(), dy.tail<3>()};
      return;
    }
    traj.samples.push_back(Sample{t, y.head<3>(), y.tail<3>(), dy.tail<3>()});
  };
  Segment segment;
  record(t0, y0, model(t0, y0, segment));

  const Aeroballistic* aero = opt.drag ? model.aero() : nullptr;
  const auto air_velocity = [&](const Vec3& r, const Vec3& v) {
    return opt.earth_rotation ? Vec3(v - Vec3(0, 0, geo::wgs84::omega_radps()).cross(r)) : v;
  };
  const auto phase_switch_at = [&](double t, const Vec3& r, const Vec3& v) {
    return phase_switch(aero->guidance, segment.phase, r, exact_height_m(traj, r, t),
                        air_velocity(r, v));
  };
  const auto enter_next_phase = [&](double t) {
    segment.phase = next_phase(segment.phase);
    (segment.phase == AeroPhase::pull_up ? traj.pull_up_s : traj.dive_s) = t;
  };
  // Guidance switches only after burnout, and not from the last phase.
  const auto guided = [&] {
    return aero && segment.mid_s > burnout_s && segment.phase != AeroPhase::dive;
  };

  double prev_h = exact_height_m(traj, y0.head<3>(), t0);
  double prev_radial = 0.0;
  bool done = false;
  std::optional<std::pair<double, State6>> switched;  // phase change located in a step
  const auto rhs = [&](double tt, const State6& yy) { return model(tt, yy, segment); };
  // The state at t inside the step from (t0, y0s) at full integrator accuracy.
  const auto state_in_step = [&](double t0, const State6& y0s, double t) {
    double tt = t0;
    IntegrationStats scratch;
    return integrate(rhs, tt, y0s, t, opt.step, scratch,
                     [](double, const State6&, const State6&, double, const State6&,
                        const State6&) { return true; });
  };
  const auto on_step = [&](double t0, const State6& y0s, const State6& dy0, double t1,
                           const State6& y1, const State6& dy1) {
    const double speed = earth_relative_speed(y1, opt.earth_rotation);
    traj.max_speed_mps = std::max(traj.max_speed_mps, speed);
    const double h1 = exact_height_m(traj, y1.head<3>(), t1);
    const double radial = y1.head<3>().normalized().dot(y1.tail<3>());
    // Apogee: the geodetic height peaks inside this step; golden-section on the interpolant.
    if (h1 > traj.apogee_height_m || (prev_radial > 0.0 && radial <= 0.0)) {
      double lo = t0, hi = t1;
      const auto height_at = [&](double t) {
        return exact_height_m(traj, hermite_position(t0, y0s, t1, y1, t), t);
      };
      if (prev_radial > 0.0 && radial <= 0.0) {
        constexpr double g = 0.6180339887498949;
        for (int i = 0; i < 40; ++i) {
          const double a = hi - g * (hi - lo), b = lo + g * (hi - lo);
          if (height_at(a) < height_at(b)) {
            lo = a;
          } else {
            hi = b;
          }
        }
      } else {
        lo = hi = t1;
      }
      const double tp = 0.5 * (lo + hi);
      const double hp = std::max(height_at(tp), h1);
      if (hp > traj.apogee_height_m) {
        traj.apogee_height_m = hp;
        traj.apogee_s = hp == h1 ? t1 : tp;
      }
    }
    prev_radial = radial;
    if (h1 < 0.0 && prev_h >= 0.0 && t1 > 1.0) {
      // Impact: secant iterations for h = 0 on the step's interpolant.
      double a = t0, b = t1, ha = prev_h, hb = h1;
      for (int i = 0; i < 50 && b - a > 1e-6; ++i) {
        const double m =
            std::clamp(a - ha * (b - a) / (hb - ha), a + 1e-3 * (b - a), b - 1e-3 * (b - a));
        const double hm = exact_height_m(traj, hermite_position(t0, y0s, t1, y1, m), m);
        (hm >= 0.0 ? a : b) = m;
        (hm >= 0.0 ? ha : hb) = hm;
      }
      const double ti = a - ha * (b - a) / (hb - ha);
      // The impact state itself at full integrator accuracy: integrate from the step's start.
      const State6 yi = state_in_step(t0, y0s, ti);
      record(ti, yi, model(ti, yi, segment));
      traj.impacted = true;
      traj.impact_s = ti;
      traj.impact_speed_mps = earth_relative_speed(yi, opt.earth_rotation);
      traj.impact_mach = traj.impact_speed_mps / speed_of_sound_mps(0.0);
      done = true;
      return false;
    }
    if (guided()) {
      const double s1 = phase_switch_at(t1, y1.head<3>(), y1.tail<3>());
      if (s1 <= 0.0) {
        // Phase change: regula falsi (Illinois) on the step's interpolant for the zero of the
        // switching function, then the state there at full accuracy; the integration restarts
        // from it in the next phase.
        const auto s_at = [&](double t) {
          return phase_switch_at(t, hermite_position(t0, y0s, t1, y1, t),
                                 hermite_velocity(t0, y0s, dy0, t1, y1, dy1, t));
        };
        double a = t0, b = t1, sa = phase_switch_at(t0, y0s.head<3>(), y0s.tail<3>()), sb = s1;
        for (int i = 0; i < 60 && b - a > 1e-7 && sa > 0.0; ++i) {
          const double m =
              std::clamp(b - sb * (b - a) / (sb - sa), a + 1e-3 * (b - a), b - 1e-3 * (b - a));
          const double sm = s_at(m);
          if (sm > 0.0) {
            a = m;
            sa = sm;
          } else {
            b = m;
            sb = sm;
          }
        }
        const double te = sa > 0.0 ? b : t0;
        const State6 ye = te == t1 ? y1 : state_in_step(t0, y0s, te);
        if (te > t0) {
          prev_h = exact_height_m(traj, ye.head<3>(), te);
          record(te, ye, model(te, ye, segment));
        }
        prev_radial = ye.head<3>().normalized().dot(ye.tail<3>());
        switched.emplace(te, ye);
        return false;
      }
    }
    prev_h = h1;
    if (std::abs(t1 - burnout_s) < 1e-9) {
      traj.burnout_speed_mps = speed;
      traj.burnout_height_m = h1;
    }
    record(t1, y1, dy1);
    return true;
  };

  events.push_back(opt.max_flight_s);
  std::sort(events.begin(), events.end());
  double t = t0;
  State6 y = y0;
  for (double t_event : events) {
    if (done || t_event <= t) continue;
    const double t_end = std::min(t_event, opt.max_flight_s);
    segment.mid_s = 0.5 * (t + t_end);
    while (!done && t < t_end) {
      // A phase whose switching condition already holds where the segment starts ends there.
      while (guided() && phase_switch_at(t, y.head<3>(), y.tail<3>()) <= 0.0) enter_next_phase(t);
      y = integrate(rhs, t, y, t_end, opt.step, out.stats, on_step);
      if (switched) {
        t = switched->first;
        y = switched->second;
        switched.reset();
        enter_next_phase(t);
      }
    }
  }
  if (traj.impacted) {
    traj.impact = geo::to_geodetic(geo::Ecef{traj.ecef_at(traj.impact_s).r_m});
    traj.impact.h_m = 0.0;
    traj.ground_range_m = geo::geodesic_inverse(site, traj.impact).distance_m;
  }
  return out;
}

}  // namespace

double FlightPlan::burnout_s() const {
  return std::min(cutoff_s, vehicle.total_burn_time_s());
}

bool FlightPlan::thrusting(double t_s) const {
  if (!(t_s >= 0.0) || t_s >= burnout_s()) return false;
  double start = 0.0;
  for (const auto& s : vehicle.stages) {
    start += s.coast_before_s;
    if (t_s < start) return false;  // staging gap
    const double end = start + s.burn_time_s();
    if (t_s < end) return true;
    start = end;
  }
  return false;
}

Flight fly(const FlightPlan& plan, const FlightOptions& options) {
  const geo::LocalFrame frame(plan.site);
  const Vec3 up = frame.ecef_vector(Vec3(0, 0, 1));
  const Vec3 along =
      frame.ecef_vector(Vec3(std::sin(plan.azimuth_rad), std::cos(plan.azimuth_rad), 0.0));
  const ForceModel model(&plan, plan.vehicle.rv_beta_kgpm2, up.cross(along).normalized(), options);
  State6 y0;
  const Vec3 r0 = frame.origin_ecef().r_m;
  const Vec3 v0 =
      options.earth_rotation ? Vec3(Vec3(0, 0, geo::wgs84::omega_radps()).cross(r0)) : Vec3::Zero();
  y0 << r0, v0;
  std::vector<double> events = model.stage_end_s();
  for (const double start : model.stage_start_s()) events.push_back(start);
  const double burnout = plan.burnout_s();
  events.push_back(plan.vehicle.vertical_rise_s);
  std::erase_if(events, [&](double e) { return e > burnout; });
  events.push_back(burnout);
  return run(model, plan.site, 0.0, y0, events, burnout, options);
}

Flight coast(const geo::Geodetic& reference_site, const geo::EciState& start, double beta_kgpm2,
             const FlightOptions& options, double start_s) {
  FlightOptions opt = options;
  opt.drag = options.drag && beta_kgpm2 > 0.0;
  State6 y0;
  y0 << start.r_m, start.v_mps;
  return run(ForceModel(nullptr, beta_kgpm2, Vec3::UnitZ(), opt), reference_site, start_s, y0, {},
             start_s, opt);
}

}  // namespace trilink::flight
