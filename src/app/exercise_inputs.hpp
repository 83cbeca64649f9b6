// What the exercise benches (trilink bench warning, bench targets) load and run for one
// scenario: the scenario with its policy and protected areas, and both runs of it side by
// side, as trilink exercise runs them (no recording, no files).
#pragma once

#include <string>
#include <vector>

#include "base/error.hpp"
#include "exercise/runtime.hpp"
#include "scenario/scenario.hpp"
#include "scenario/simulation.hpp"
#include "share/policy.hpp"
#include "warn/areas.hpp"

namespace trilink::app {

struct ExerciseInputs {
  scenario::Scenario scenario;
  share::Policy policy;
  std::vector<warn::ProtectedArea> areas;
};

// The scenario file with its policy and areas; without its infrared satellites when no_space
// (as the scenario key space: false).
Expected<ExerciseInputs> load_exercise_inputs(const std::string& file, bool no_space);

struct BothRuns {
  exercise::RunOutput national, trilateral;
};

// The national and the trilateral run of `sim` side by side (both cores); each the same as
// when run alone.
Expected<BothRuns> run_both(const ExerciseInputs& x, const scenario::Simulation& sim);

}  // namespace trilink::app
