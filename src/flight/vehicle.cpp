#include "flight/vehicle.hpp"

#include <numbers>

#include "geo/wgs84.hpp"

namespace trilink::flight {

std::string_view to_string(MissileClass c) {
  switch (c) {
    case MissileClass::srbm:
      return "srbm";
    case MissileClass::irbm:
      return "irbm";
    case MissileClass::icbm:
      return "icbm";
  }
  return "?";
}

std::optional<MissileClass> parse_missile_class(std::string_view text) {
  if (text == "srbm") return MissileClass::srbm;
  if (text == "irbm") return MissileClass::irbm;
  if (text == "icbm") return MissileClass::icbm;
  return std::nullopt;
}

double Stage::mass_flow_kgps() const {
  return thrust_n / (isp_s * geo::wgs84::g0_mps2);
}
double Stage::burn_time_s() const {
  return propellant_kg / mass_flow_kgps();
}

double Vehicle::total_burn_time_s() const {
  double t = 0.0;
  for (const auto& s : stages) {
    t += s.coast_before_s;
    t += s.burn_time_s();
  }
  return t;
}

double Vehicle::liftoff_mass_kg() const {
  double m = payload_kg;
  for (const auto& s : stages) m += s.propellant_kg + s.dry_kg;
  return m;
}

Vehicle notional_vehicle(MissileClass c) {
  Vehicle v;
  v.missile_class = c;
  switch (c) {
    case MissileClass::srbm: {  // single solid stage, KN-23 / Iskander class, no separation
      constexpr double deg = std::numbers::pi / 180.0;
      constexpr double diameter_m = 0.95;
      v.stages = {{5200.0, 560.0, 340e3, 272.0}};  // 40.8 s burn
      v.payload_kg = 500.0;                        // body after a full burn: 1060 kg
      v.boost_cd_area_m2 = 0.25;
      v.vertical_rise_s = 4.0;
      v.pitch_over_fraction = 0.35;
      Aeroballistic a;
      a.body.reference_area_m2 = std::numbers::pi * diameter_m * diameter_m / 4.0;
      a.body.cl_alpha_per_rad = 3.0;
      // Slender body, power off (base drag included): transonic peak, falling hypersonic.
      a.body.cd0_table = {{{0.0, 0.18},
                           {0.8, 0.18},
                           {1.1, 0.30},
                           {1.5, 0.26},
                           {2.0, 0.22},
                           {3.0, 0.19},
                           {4.0, 0.17},
                           {6.0, 0.15},
                           {10.0, 0.15}}};
      a.guidance.pull_up_height_m = 40e3;
      a.guidance.gamma_cmd_rad = 0.0;
      a.guidance.time_constant_s = 6.0;
      a.guidance.max_alpha_rad = 15.0 * deg;
      a.guidance.max_load_factor = 6.0;
      a.guidance.dive_speed_mps = 1750.0;
      a.guidance.dive_gamma_rad = -60.0 * deg;
      v.aero = a;
      v.rcs_boost_m2 = 3.0;
      v.rcs_rv_m2 = 0.3;
      break;
    }
    case MissileClass::irbm:  // single liquid stage, Hwasong-12 class
      v.stages = {{22000.0, 1800.0, 480e3, 310.0}};
      // Spent stage: 1.5 m x 14 m cylinder, Cd A 17 m^2 (beta ~100 kg/m^2 empty); RCS 5 m^2.
      v.stages[0].spent_cd_area_m2 = 17.0;
      v.stages[0].spent_rcs_m2 = 5.0;
      v.payload_kg = 650.0;
      v.boost_cd_area_m2 = 0.8;
      v.rv_beta_kgpm2 = 8000.0;
      v.vertical_rise_s = 8.0;
      v.rcs_boost_m2 = 10.0;
      v.rcs_rv_m2 = 0.5;
      break;
    case MissileClass::icbm:  // two stages and a small post-boost stage, Hwasong-15/17 class
      v.stages = {{48000.0, 4000.0, 1.5e6, 285.0},
                  {15000.0, 1300.0, 4.0e5, 315.0},
                  {1500.0, 300.0, 8.0e4, 300.0}};
      // Spent stages, as cylinders (diameter x length): 2.4 x 16 m (Cd A 32 m^2, beta ~125
      // kg/m^2), 2.4 x 5 m (12 m^2, ~110), post-boost 1.2 x 2 m (2.5 m^2, ~120); RCS 10, 5, 1 m^2.
      v.stages[0].spent_cd_area_m2 = 32.0;
      v.stages[0].spent_rcs_m2 = 10.0;
      v.stages[1].spent_cd_area_m2 = 12.0;
      v.stages[1].spent_rcs_m2 = 5.0;
      v.stages[2].spent_cd_area_m2 = 2.5;
      v.stages[2].spent_rcs_m2 = 1.0;
      v.payload_kg = 700.0;
      v.boost_cd_area_m2 = 2.5;
      v.rv_beta_kgpm2 = 9000.0;
      v.vertical_rise_s = 10.0;
      v.rcs_boost_m2 = 20.0;
      v.rcs_rv_m2 = 0.5;
      break;
  }
  return v;
}

}  // namespace trilink::flight
