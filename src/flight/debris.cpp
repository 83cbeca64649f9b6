#include "flight/debris.hpp"

#include <algorithm>
#include <cmath>

#include "base/rng.hpp"

namespace trilink::flight {

std::string_view to_string(DebrisKind k) {
  switch (k) {
    case DebrisKind::stage:
      return "stage";
    case DebrisKind::fragment:
      return "fragment";
  }
  return "?";
}

namespace {

// Stage burnout times (s since launch), staging gaps included.
std::vector<double> stage_ends(const Vehicle& v) {
  std::vector<double> ends;
  double t = 0.0;
  for (const auto& s : v.stages) {
    t += s.coast_before_s + s.burn_time_s();
    ends.push_back(t);
  }
  return ends;
}

double log_uniform(Rng& rng, double lo, double hi) {
  return std::exp(rng.uniform(std::log(lo), std::log(hi)));
}

}  // namespace

std::vector<double> separation_times(const FlightPlan& plan) {
  if (plan.vehicle.aero || plan.vehicle.stages.empty()) return {};
  const double burnout = plan.burnout_s();
  std::vector<double> out;
  for (const double end : stage_ends(plan.vehicle)) {
    if (end >= burnout) break;
    out.push_back(end);
  }
  out.push_back(burnout);
  return out;
}

std::vector<Debris> release_debris(const FlightPlan& plan, const Trajectory& missile,
                                   const DebrisRequest& request, std::uint64_t seed,
                                   const FlightOptions& options) {
  std::vector<Debris> out;
  const std::vector<double> separations = separation_times(plan);
  if (separations.empty()) return out;
  const auto& stages = plan.vehicle.stages;
  const double burnout = plan.burnout_s();

  if (request.stages) {
    const std::vector<double> ends = stage_ends(plan.vehicle);
    for (std::size_t k = 0; k < separations.size(); ++k) {
      const double t = separations[k];
      double mass_kg = stages[k].dry_kg;
      if (t == burnout) {
        // What the RV leaves at burnout: this stage with any propellant left, and the rest.
        const double start = ends[k] - stages[k].burn_time_s();
        const double burnt_s = std::clamp(t - start, 0.0, stages[k].burn_time_s());
        mass_kg += stages[k].propellant_kg - stages[k].mass_flow_kgps() * burnt_s;
        for (std::size_t j = k + 1; j < stages.size(); ++j)
          mass_kg += stages[j].dry_kg + stages[j].propellant_kg;
      }
      geo::EciState start = missile.inertial_at(t);
      start.v_mps -= stage_retro_dv_mps * start.v_mps.normalized();
      Debris d;
      d.kind = DebrisKind::stage;
      d.name = "stage" + std::to_string(k + 1);
      d.separation_s = t;
      d.beta_kgpm2 = mass_kg / stages[k].spent_cd_area_m2;
      d.rcs_m2 = stages[k].spent_rcs_m2;
      d.trajectory = coast(plan.site, start, d.beta_kgpm2, options, t).trajectory;
      out.push_back(std::move(d));
    }
  }

  Rng rng(seed);
  const std::size_t width = std::max<std::size_t>(2, std::to_string(request.fragments).size());
  for (std::uint32_t i = 0; i < request.fragments; ++i) {
    const double t = separations[i % separations.size()];
    geo::EciState start = missile.inertial_at(t);
    for (int axis = 0; axis < 3; ++axis) start.v_mps[axis] += rng.normal(0.0, request.spread_mps);
    Debris d;
    d.kind = DebrisKind::fragment;
    const std::string number = std::to_string(i + 1);
    d.name =
        "frag" + std::string(width - std::min<std::size_t>(width, number.size()), '0') + number;
    d.separation_s = t;
    d.beta_kgpm2 = log_uniform(rng, fragment_beta_min_kgpm2, fragment_beta_max_kgpm2);
    d.rcs_m2 = log_uniform(rng, fragment_rcs_min_m2, fragment_rcs_max_m2);
    d.trajectory = coast(plan.site, start, d.beta_kgpm2, options, t).trajectory;
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace trilink::flight
