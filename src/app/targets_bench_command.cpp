// trilink bench targets [SCENARIO...]: the project's development targets, met or not. An
// exercise run speaks to operators (what happened, when each nation knew, what sharing gained);
// the targets the project holds itself to (timeliness, accuracy, alert correctness, speed) are
// judged here: each scenario runs on the exercise runtime, each nation alone and with sharing,
// as `trilink exercise` runs it (no files written), and eval::analyse judges the targets. Prints
// one JSON object: per scenario its targets {name, measured, pass}, the counts met and not met,
// and the speed (simulated seconds per wall second, both runs). Without scenarios, every
// scenario under --dir but the catalogue.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "app/commands.hpp"
#include "app/exercise_inputs.hpp"
#include "base/text.hpp"
#include "eval/analysis.hpp"

namespace trilink::app {
namespace {

// The speed the exercise runtime is held to (simulated seconds per wall second, both runs).
constexpr double realtime_target = 500.0;

struct Options {
  std::vector<std::string> scenarios;
  std::string dir = "scenarios";
  bool no_space = false;
};

std::vector<std::string> bundled(const std::filesystem::path& dir) {
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().extension() == ".yaml" && e.path().filename() != "catalogue.yaml")
      files.push_back(e.path().string());
  std::ranges::sort(files);
  return files;
}

}  // namespace

void add_targets_bench_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<Options>();
  auto* cmd = app.get_subcommand("bench")->add_subcommand(
      "targets", "the development targets of exercise scenarios, met or not (JSON)");
  cmd->add_option("scenarios", o->scenarios, "scenario YAML files (default: every one in --dir)");
  cmd->add_option("--dir", o->dir, "folder of the bundled scenarios (default scenarios)");
  cmd->add_flag("--no-space", o->no_space,
                "no space-based infrared satellites (as the scenario key space: false)");
  cmd->callback([o, &exit_code] {
    const auto bad = [&](const Error& e) {
      std::cerr << "trilink bench targets: " << e.message() << "\n";
      exit_code = 2;
    };
    std::vector<std::string> files = o->scenarios;
    if (files.empty()) {
      std::error_code ec;
      if (!std::filesystem::is_directory(o->dir, ec))
        return bad(Error{o->dir, "not a folder of scenarios"});
      files = bundled(o->dir);
    }
    nlohmann::ordered_json out;
    auto& results = out["scenarios"] = nlohmann::ordered_json::array();
    std::size_t met = 0, not_met = 0;
    for (const auto& file : files) {
      const auto x = load_exercise_inputs(file, o->no_space);
      if (!x) return bad(x.error());
      const scenario::Scenario* s = &x->scenario;
      const auto started = std::chrono::steady_clock::now();
      const scenario::Simulation sim = scenario::simulate(*s);
      const auto both = run_both(*x, sim);
      if (!both) return bad(both.error());
      const double wall_s =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      eval::ExerciseResult r = eval::analyse(*s, sim, x->areas, both->national, both->trilateral);
      const double factor = s->duration_s / wall_s;
      r.targets.push_back({"exercise runs >= 500x faster than real time",
                           fixed(factor, 0) + "x (" + fixed(s->duration_s, 0) +
                               " s simulated, both runs, in " + fixed(wall_s, 2) + " s)",
                           factor >= realtime_target});
      nlohmann::ordered_json j;
      j["scenario"] = file;
      j["name"] = s->name;
      j["seed"] = s->seed;
      j["wall_s"] = wall_s;
      j["realtime_factor"] = factor;
      auto& targets = j["targets"] = nlohmann::ordered_json::array();
      std::size_t here = 0;
      for (const auto& t : r.targets) {
        targets.push_back({{"name", t.name}, {"measured", t.measured}, {"pass", t.pass}});
        here += t.pass ? 1 : 0;
      }
      j["met"] = here;
      j["not_met"] = r.targets.size() - here;
      met += here;
      not_met += r.targets.size() - here;
      results.push_back(std::move(j));
    }
    out["met"] = met;
    out["not_met"] = not_met;
    std::cout << out.dump(2) << "\n";
  });
}

}  // namespace trilink::app
