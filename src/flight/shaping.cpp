#include "flight/shaping.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <vector>

#include "base/text.hpp"
#include "geo/angles.hpp"

namespace trilink::flight {

std::string_view to_string(Profile p) {
  switch (p) {
    case Profile::minimum_energy:
      return "minimum-energy";
    case Profile::lofted:
      return "lofted";
    case Profile::depressed:
      return "depressed";
  }
  return "?";
}

std::optional<Profile> parse_profile(std::string_view text) {
  if (text == "minimum-energy" || text == "minimum_energy" || text == "standard")
    return Profile::minimum_energy;
  if (text == "lofted") return Profile::lofted;
  if (text == "depressed") return Profile::depressed;
  return std::nullopt;
}

namespace {

constexpr double inf = std::numeric_limits<double>::infinity();
constexpr double deg = std::numbers::pi / 180.0;

// Illinois variant of regula falsi on a bracketed sign change (Dowell & Jarratt 1971).
template <typename F>
double illinois(F&& f, double a, double b, double fa, double fb, double xtol, double ftol) {
  for (int i = 0; i < 80; ++i) {
    const double c = b - fb * (b - a) / (fb - fa);
    const double fc = f(c);
    if (std::abs(fc) < ftol || std::abs(b - a) < xtol) return c;
    if ((fc > 0) == (fb > 0)) {
      fa *= 0.5;
    } else {
      a = b;
      fa = fb;
    }
    b = c;
    fb = fc;
  }
  return b;
}

struct Outcome {
  double apogee_m = 0.0;
  // Distance to the impact point, signed: negative when it lies behind the launch point
  // (a near-vertical lob drifts west as the Earth turns under it). +inf when the object
  // does not come down.
  double range_m = 0.0;
  double azimuth_rad = 0.0;
};

class Shaper {
 public:
  Shaper(const ShapeRequest& req, const Vehicle& vehicle, const FlightOptions& options)
      : req_(req), vehicle_(vehicle), options_(options), quick_(options) {
    quick_.keep_samples = false;
    az_cmd_ = req.azimuth_rad;
    full_burn_s_ = vehicle.total_burn_time_s();
    min_burn_s_ = vehicle.vertical_rise_s + 1.0;
  }

  int evaluations() const { return evaluations_; }
  double full_burn_s() const { return full_burn_s_; }

  FlightPlan plan(double pitch, double cutoff) const {
    return FlightPlan{req_.site, az_cmd_, vehicle_, pitch, cutoff};
  }

  Outcome evaluate(double pitch, double cutoff) {
    ++evaluations_;
    const Flight f = fly(plan(pitch, cutoff), quick_);
    const Trajectory& t = f.trajectory;
    Outcome o{t.apogee_height_m, inf, 0.0};
    if (t.impacted) {
      const auto path = geo::geodesic_inverse(req_.site, t.impact);
      o.azimuth_rad = path.azimuth_rad;
      const bool behind = std::cos(path.azimuth_rad - req_.azimuth_rad) < 0.0;
      o.range_m = behind ? -path.distance_m : path.distance_m;
    }
    return o;
  }

  // Cut-off time at which the apogee is `apogee_m` for this pitch; nullopt if even the full
  // burn falls short (or the shortest burn overshoots).
  std::optional<double> cutoff_for_apogee(double pitch, double apogee_m) {
    const double f_hi = evaluate(pitch, full_burn_s_).apogee_m - apogee_m;
    if (f_hi < 0.0) return std::nullopt;
    const double f_lo = evaluate(pitch, min_burn_s_).apogee_m - apogee_m;
    if (f_lo > 0.0) return std::nullopt;
    return illinois([&](double tc) { return evaluate(pitch, tc).apogee_m - apogee_m; }, min_burn_s_,
                    full_burn_s_, f_lo, f_hi, 1e-7, 1e-6 * apogee_m);
  }

  std::optional<double> cutoff_for_range(double pitch, double range_m) {
    const double f_hi = evaluate(pitch, full_burn_s_).range_m - range_m;
    if (f_hi < 0.0) return std::nullopt;
    const double f_lo = evaluate(pitch, min_burn_s_).range_m - range_m;
    if (f_lo > 0.0) return std::nullopt;
    const auto f = [&](double tc) { return std::min(evaluate(pitch, tc).range_m, 1e9) - range_m; };
    return illinois(f, min_burn_s_, full_burn_s_, f_lo, std::min(f_hi, 1e9), 1e-7, 1e-6 * range_m);
  }

  // Secant steering: the impact azimuth moves about twice as far as the commanded one on
  // hour-long lofts (the Earth turns under them), so a plain fixed point oscillates.
  void steer(double achieved_az) {
    const double error = geo::wrap_pi(req_.azimuth_rad - achieved_az);
    double gain = 1.0;
    if (have_last_) {
      const double d_cmd = geo::wrap_pi(az_cmd_ - last_cmd_);
      const double d_ach = geo::wrap_pi(achieved_az - last_achieved_);
      if (std::abs(d_cmd) > 1e-12) gain = std::clamp(d_ach / d_cmd, 0.2, 5.0);
    }
    last_cmd_ = az_cmd_;
    last_achieved_ = achieved_az;
    have_last_ = true;
    az_cmd_ += error / gain;
  }
  double commanded_azimuth() const { return az_cmd_; }
  double azimuth_error(double achieved_az) const {
    return std::abs(geo::wrap_pi(req_.azimuth_rad - achieved_az));
  }

 private:
  const ShapeRequest& req_;
  const Vehicle& vehicle_;
  FlightOptions options_;
  FlightOptions quick_;
  double az_cmd_ = 0.0;
  double last_cmd_ = 0.0;
  double last_achieved_ = 0.0;
  bool have_last_ = false;
  double full_burn_s_ = 0.0;
  double min_burn_s_ = 0.0;
  int evaluations_ = 0;
};

struct Solution {
  double pitch = 0.0;
  double cutoff = inf;
};

// A function of pitch whose root is wanted, scanned on a grid then refined.
template <typename G>
std::optional<double> root_in_pitch(G&& g, const std::vector<double>& grid) {
  bool have_prev = false;
  double prev_p = 0.0, prev_g = 0.0;
  for (double p : grid) {
    const auto gp = g(p);
    if (!gp) {
      have_prev = false;
      continue;
    }
    if (have_prev && ((prev_g > 0) != (*gp > 0))) {
      const double sign = *gp > 0 ? 1e9 : -1e9;
      return illinois(
          [&](double x) {
            const auto v = g(x);
            return v ? *v : sign;
          },
          prev_p, p, prev_g, *gp, 1e-9, 0.0);
    }
    have_prev = true;
    prev_p = p;
    prev_g = *gp;
  }
  return std::nullopt;
}

std::vector<double> grid(double from_deg, double to_deg, double step_deg) {
  std::vector<double> g;
  const int n = static_cast<int>(std::round(std::abs(to_deg - from_deg) / step_deg));
  for (int i = 0; i <= n; ++i) g.push_back((from_deg + (to_deg - from_deg) * i / n) * deg);
  return g;
}

std::string km(double m) {
  return fixed(m / 1000.0, 1) + " km";
}
std::string name(const Vehicle& v) {
  return std::string(to_string(v.missile_class));
}

Expected<Solution> solve_once(Shaper& s, const ShapeRequest& req, const Vehicle& v,
                              std::optional<double> hint) {
  const double range = req.range_m;
  const auto steep_to_flat =
      hint ? grid(std::min(89.99, *hint / deg + 1.0), std::max(0.5, *hint / deg - 1.0), 0.5)
           : grid(89.9, 0.5, 2.0);
  if (req.apogee_m) {
    const double apogee = *req.apogee_m;
    double max_range = 0.0;
    const auto g = [&](double p) -> std::optional<double> {
      const auto tc = s.cutoff_for_apogee(p, apogee);
      if (!tc) return std::nullopt;
      const double r = s.evaluate(p, *tc).range_m;
      if (std::isfinite(r)) max_range = std::max(max_range, r);
      return std::min(r, 1e9) - range;
    };
    auto p = root_in_pitch(g, steep_to_flat);
    if (!p && hint) p = root_in_pitch(g, grid(89.9, 0.5, 2.0));
    if (!p) {
      if (max_range == 0.0)
        return fail("apogee_km", "class " + name(v) + " cannot reach an apogee of " + km(apogee));
      return fail("range_km", "class " + name(v) + " cannot fly " + km(range) +
                                  " with an apogee of " + km(apogee) +
                                  " (it reaches at most about " + km(max_range) +
                                  " at that apogee)");
    }
    return Solution{*p, *s.cutoff_for_apogee(*p, apogee)};
  }
  const Profile profile = req.profile.value_or(Profile::minimum_energy);
  if (profile == Profile::minimum_energy) {
    // Least burn that reaches the range: scan, then golden section around the best pitch.
    const auto burn = [&](double p) {
      const auto tc = s.cutoff_for_range(p, range);
      return tc ? *tc : inf;
    };
    double best_p = 0.0, best = inf;
    for (double p : grid(85.0, 5.0, 5.0)) {
      const double b = burn(p);
      if (b < best) best = b, best_p = p;
    }
    if (!std::isfinite(best))
      return fail("range_km", "class " + name(v) + " cannot fly " + km(range));
    double lo = best_p - 5 * deg, hi = best_p + 5 * deg;
    constexpr double gr = 0.6180339887498949;
    for (int i = 0; i < 30; ++i) {
      const double a = hi - gr * (hi - lo), b = lo + gr * (hi - lo);
      if (burn(a) < burn(b)) {
        hi = b;
      } else {
        lo = a;
      }
    }
    const double p = 0.5 * (lo + hi);
    const auto tc = s.cutoff_for_range(p, range);
    if (!tc) return Solution{best_p, *s.cutoff_for_range(best_p, range)};
    return Solution{p, *tc};
  }
  if (profile == Profile::depressed) {
    // The lowest apogee from half to 0.9 of the minimum-energy one that the class can fly to
    // this range: a flatter, shorter-lived flight.
    ShapeRequest me = req;
    me.profile = Profile::minimum_energy;
    const auto base = solve_once(s, me, v, std::nullopt);
    if (!base) return base;
    const double me_apogee = s.evaluate(base->pitch, base->cutoff).apogee_m;
    Expected<Solution> flat = fail("range_km", "no depressed trajectory");
    for (double fraction : {0.5, 0.6, 0.7, 0.8, 0.9}) {
      ShapeRequest lower = req;
      lower.apogee_m = fraction * me_apogee;
      flat = solve_once(s, lower, v, std::nullopt);
      if (flat) break;
    }
    return flat;
  }
  // Lofted: full burn, the steepest pitch that reaches the range.
  const auto g = [&](double p) -> std::optional<double> {
    return std::min(s.evaluate(p, s.full_burn_s()).range_m, 1e9) - range;
  };
  const auto p = root_in_pitch(g, grid(89.9, 0.5, 1.0));
  if (!p)
    return fail("range_km", "class " + name(v) + " cannot fly a " +
                                std::string(to_string(profile)) + " trajectory to " + km(range));
  return Solution{*p, inf};
}

Expected<Shaped> shape_with(const ShapeRequest& req, const Vehicle& v,
                            const FlightOptions& options) {
  Shaper s(req, v, options);
  std::optional<double> hint;
  Solution sol;
  for (int iteration = 0;; ++iteration) {
    auto solved = solve_once(s, req, v, hint);
    if (!solved) return std::unexpected(solved.error());
    sol = *solved;
    hint = sol.pitch;
    const Outcome o = s.evaluate(sol.pitch, sol.cutoff);
    if (!std::isfinite(o.range_m)) return fail("range_km", "the shaped flight does not come down");
    if (s.azimuth_error(o.azimuth_rad) < 1e-6) break;
    if (iteration == 12) {
      if (s.azimuth_error(o.azimuth_rad) < 1e-4) break;
      return fail("azimuth_deg", "could not steer the flight onto the requested azimuth");
    }
    s.steer(o.azimuth_rad);
  }
  Shaped out;
  out.plan = s.plan(sol.pitch, sol.cutoff);
  if (!std::isfinite(sol.cutoff)) out.plan.cutoff_s = inf;
  out.flight = fly(out.plan, options);
  out.evaluations = s.evaluations() + 1;
  return out;
}

}  // namespace

Expected<Shaped> shape(const ShapeRequest& request, const FlightOptions& options) {
  if (!(request.range_m > 0.0) || !std::isfinite(request.range_m))
    return fail("range_km", "must be a positive number");
  if (request.apogee_m && (!(*request.apogee_m > 0.0) || !std::isfinite(*request.apogee_m)))
    return fail("apogee_km", "must be a positive number");
  if (request.missile_class)
    return shape_with(request, notional_vehicle(*request.missile_class), options);
  Expected<Shaped> last = fail("class", "no class given");
  for (MissileClass c : {MissileClass::srbm, MissileClass::irbm, MissileClass::icbm}) {
    last = shape_with(request, notional_vehicle(c), options);
    if (last) return last;
  }
  return last;
}

}  // namespace trilink::flight
