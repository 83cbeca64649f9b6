// Raids: many launches written as one recipe (docs/scenarios.md, "Raids") — how many, in
// which time window, from which catalogue launch areas, with which classes and profiles, and
// at which aim regions — expanded into launches by seeded draws. The same recipe and seed
// give the same launches on every platform (base/rng.hpp), so a raid scenario is as
// repeatable as one whose launches are written out.
//
// Draws, for each wave in order: `count` launch times uniform in [start_s, end_s], rounded to
// 0.1 s and sorted; then for each launch in time order its area, class, profile, apogee, aim
// region (each by weight) and a point in that region (uniform in latitude and longitude in a
// box; uniform over the area of a disc). Ids are `id_prefix` and a three-digit number that
// runs on across the waves of a scenario (R001, R002, ...). The launches are not shaped here:
// the reader flies them and reports any that the class cannot fly.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "flight/shaping.hpp"
#include "geo/frames.hpp"
#include "scenario/scenario.hpp"

namespace trilink::scenario {

// One option with its relative weight (> 0); an option is drawn with probability
// weight / sum of weights.
template <typename T>
struct Weighted {
  T value;
  double weight = 1.0;
};

// Where a raid's missiles are aimed: a box in latitude and longitude (a point when both spans
// are empty), or a disc of `radius_m` around the box's single point. A box is drawn uniformly
// in degrees, which over a few degrees of latitude is near enough uniform in area.
struct AimRegion {
  std::string name;
  double south_rad = 0.0, north_rad = 0.0;
  double west_rad = 0.0, east_rad = 0.0;
  double radius_m = 0.0;  // > 0 only for a point: a disc around it
  double weight = 1.0;
};

struct RaidWave {
  std::size_t count = 0;
  double start_s = 0.0, end_s = 0.0;  // launch window after the scenario start
  std::uint64_t seed = 1;             // the scenario's seed unless the wave gives its own
  std::string id_prefix = "R";
  std::vector<Weighted<std::string>> areas;  // catalogue launch areas; none: every one
  // No entry: the smallest class that can fly each shot (as a launch without `class`).
  std::vector<Weighted<flight::MissileClass>> classes;
  std::vector<Weighted<flight::Profile>> profiles;  // at least one
  // Apogee drawn uniformly in [lo, hi]; absent: the profile picks the trajectory.
  std::optional<double> apogee_lo_m, apogee_hi_m;
  std::vector<AimRegion> aims;   // at least one
  flight::DebrisRequest debris;  // given to every launch drawn
};

// One expanded launch, with the aim region it was aimed into (an index into the wave's aims)
// and its aim point, so that the reader can name both in an error.
struct RaidLaunch {
  LaunchSpec spec;
  std::size_t aim_index = 0;
  geo::Geodetic aim;
};

// Expands one wave; `first_number` is the number of its first id. Every area name must be in
// `catalogue` (the reader checks) and the wave must have profiles and aims (asserted).
std::vector<RaidLaunch> expand_raid(const RaidWave& wave, const Catalogue& catalogue,
                                    std::size_t first_number);

}  // namespace trilink::scenario
