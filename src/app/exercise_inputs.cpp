#include "app/exercise_inputs.hpp"

#include <future>

#include "io/areas_file.hpp"
#include "io/policy_file.hpp"
#include "io/scenario_file.hpp"

namespace trilink::app {

Expected<ExerciseInputs> load_exercise_inputs(const std::string& file, bool no_space) {
  auto s = io::load_scenario(file, std::nullopt);
  if (!s) return std::unexpected(s.error());
  if (no_space) s->satellites.clear();
  auto policy = io::load_policy(s->policy_path, s->network);
  if (!policy) return std::unexpected(policy.error());
  auto areas = io::load_areas_geojson(s->area_paths);
  if (!areas) return std::unexpected(areas.error());
  return ExerciseInputs{std::move(*s), std::move(*policy), std::move(*areas)};
}

Expected<BothRuns> run_both(const ExerciseInputs& x, const scenario::Simulation& sim) {
  exercise::RunInputs in;
  in.scenario = &x.scenario;
  in.simulation = &sim;
  in.policy = &x.policy;
  in.areas = x.areas;
  auto trilateral = std::async(
      std::launch::async, [&] { return exercise::run_exercise(in, exercise::Mode::trilateral); });
  auto national = exercise::run_exercise(in, exercise::Mode::national);
  auto trilateral_run = trilateral.get();
  if (!national) return std::unexpected(national.error());
  if (!trilateral_run) return std::unexpected(trilateral_run.error());
  return BothRuns{std::move(*national), std::move(*trilateral_run)};
}

}  // namespace trilink::app
