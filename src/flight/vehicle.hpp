// Notional missile classes: staged rockets with constant thrust and specific impulse per
// stage, a drag area during boost, and after burnout either a re-entry vehicle (RV) with a
// ballistic coefficient (IRBM, ICBM) or the whole body flying on with lift and guidance
// (SRBM, aero_guidance.hpp). Figures are notional, sized so that each class can fly the publicly
// reported flights of its class (reference/public-data.md §1) with margin; they are not
// estimates of any real missile.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "flight/aero_guidance.hpp"

namespace trilink::flight {

enum class MissileClass { srbm, irbm, icbm };

std::string_view to_string(MissileClass c);
std::optional<MissileClass> parse_missile_class(std::string_view text);

struct Stage {
  double propellant_kg = 0.0;
  double dry_kg = 0.0;
  double thrust_n = 0.0;  // constant, vacuum
  double isp_s = 0.0;
  // Staging gap: time between the previous stage's burnout (its dry mass dropped) and this
  // stage's ignition, no stage burning. Must be 0 for the first stage.
  double coast_before_s = 0.0;
  // The empty stage once dropped (flight/debris.hpp), tumbling: its drag area Cd A (Cd ~1 times
  // the mean projected area of a cylinder, its surface over 4) and its RCS. Notional.
  double spent_cd_area_m2 = 0.0;
  double spent_rcs_m2 = 0.0;

  double burn_time_s() const;
  double mass_flow_kgps() const;
};

struct Vehicle {
  MissileClass missile_class = MissileClass::srbm;
  std::vector<Stage> stages;  // first to last; each drops its dry mass at burnout
  double payload_kg = 0.0;    // the RV (or the warhead section of a body that stays whole)
  double boost_cd_area_m2 = 0.0;
  double rv_beta_kgpm2 = 0.0;    // ballistic coefficient m / (Cd A) of the RV
  double vertical_rise_s = 0.0;  // straight up before the pitch-over
  // Share of the burn after the vertical rise over which the pitch falls to its end value
  // (1: the whole burn; a depressed SRBM pitches over fast and flies the rest flat).
  double pitch_over_fraction = 1.0;
  // Set: no RV separates; after burnout the body (its mass at burnout) flies on with this
  // aerodynamic model and guidance instead of rv_beta_kgpm2 (SRBMs of the KN-23 kind).
  std::optional<Aeroballistic> aero;
  double rcs_boost_m2 = 0.0;  // radar cross-section with the burning stage (notional)
  double rcs_rv_m2 = 0.0;     // after burnout

  double total_burn_time_s() const;  // staging gaps included: the time of the last burnout
  double liftoff_mass_kg() const;
};

Vehicle notional_vehicle(MissileClass c);

}  // namespace trilink::flight
