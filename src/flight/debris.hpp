// What a staged missile (IRBM, ICBM) leaves behind in flight: its spent stages and, when
// asked, a cloud of fragments at its separations. Each object flies ballistically from its
// separation state under the missile's own forces (J2 gravity, rotating Earth, drag with the
// object's ballistic coefficient beta = m / (Cd A); flight.hpp `coast`) until it hits the
// ground. An SRBM that flies on whole (Vehicle::aero) separates nothing.
//
// Spent stage k separates at its burnout with its dry mass; the stage still attached at the
// missile's burnout separates from the RV then, with the propellant a cut-off left in it and
// any unlit stage above it. Springs or retro motors push it back by stage_retro_dv_mps
// against its velocity, so that it falls behind and short of the RV even in vacuum. Its beta
// is its mass over Stage::spent_cd_area_m2, its RCS Stage::spent_rcs_m2 (vehicle.cpp: notional).
//
// Fragments (interstage, insulation, bolts; notional): the i-th leaves at separation
// i mod (number of separations), with the missile's velocity there plus an isotropic Gaussian
// of spread_mps per axis, a beta log-uniform in [fragment_beta_min, max] and an RCS
// log-uniform in [fragment_rcs_min, max]. Drawn from `seed` alone: the same plan, request
// and seed give the same objects.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "flight/flight.hpp"

namespace trilink::flight {

inline constexpr double stage_retro_dv_mps = 10.0;
inline constexpr double fragment_beta_min_kgpm2 = 30.0;
inline constexpr double fragment_beta_max_kgpm2 = 3000.0;
inline constexpr double fragment_rcs_min_m2 = 0.01;
inline constexpr double fragment_rcs_max_m2 = 1.0;

enum class DebrisKind { stage, fragment };
std::string_view to_string(DebrisKind k);

// Per launch (docs/scenarios.md: `stages:`, `debris:`).
struct DebrisRequest {
  bool stages = false;
  std::uint32_t fragments = 0;
  double spread_mps = 20.0;  // 1-sigma per axis
};

struct Debris {
  DebrisKind kind = DebrisKind::stage;
  std::string name;           // "stage1" (numbered from the first stage), "frag07"
  double separation_s = 0.0;  // since launch
  double beta_kgpm2 = 0.0;
  double rcs_m2 = 0.0;
  // In the launch's inertial frame, times since launch, from separation to impact.
  Trajectory trajectory;
};

// The times (s since launch) at which `plan` separates something: each stage's burnout before
// the missile's burnout, then the burnout. Empty for a vehicle that flies on whole.
std::vector<double> separation_times(const FlightPlan& plan);

// The debris of the missile that flew `missile` (fly(plan)): spent stages first (when
// asked), then fragments, each flown to the ground.
std::vector<Debris> release_debris(const FlightPlan& plan, const Trajectory& missile,
                                   const DebrisRequest& request, std::uint64_t seed,
                                   const FlightOptions& options = {});

}  // namespace trilink::flight
