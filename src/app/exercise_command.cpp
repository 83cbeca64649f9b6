// trilink exercise: the main job. Runs a scenario twice on the exercise runtime (each nation
// alone, then with trilateral sharing through the hub), prints the timeline per launch and
// nation with the seconds sharing gained, and writes DIR/summary.json, DIR/recording.db and
// DIR/report.html (docs/exercise.md). All-or-nothing (app/output_files.hpp): the files appear
// only once every one of them is complete, and a failed or interrupted run leaves nothing.
// Bad input (scenario, policy, areas, coastlines) or an output that cannot be written exits 2
// with one line; SIGINT/SIGTERM exits 128 + the signal (130, 143) with one line.
#include <unistd.h>
#include <chrono>
#include <filesystem>
#include <future>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <ranges>

#include "app/commands.hpp"
#include "app/interrupt.hpp"
#include "app/output_files.hpp"
#include "base/text.hpp"
#include "eval/analysis.hpp"
#include "export/front_end.hpp"
#include "export/picture.hpp"
#include "export/summary.hpp"
#include "io/areas_file.hpp"
#include "io/policy_file.hpp"
#include "io/scenario_file.hpp"
#include "record/recorder.hpp"
#include "record/sink.hpp"

namespace trilink::app {

void add_exercise_command(CLI::App& app, int& exit_code) {
  struct Options {
    std::string scenario, out, catalogue, policy;
    bool quiet = false;
    bool no_space = false;
    bool space = false;
    std::optional<double> cloud_top_km;
    std::optional<std::uint64_t> seed;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand(
      "exercise", "run a scenario alone and with trilateral sharing; timeline, summary, report");
  cmd->add_option("scenario", o->scenario, "scenario YAML file")->required();
  cmd->add_option("--out", o->out, "output directory")->required();
  cmd->add_option("--catalogue", o->catalogue, "site catalogue (default: beside the scenario)");
  cmd->add_option("--policy", o->policy, "releasability policy (default: the scenario's)");
  cmd->add_flag("--quiet", o->quiet, "print nothing but errors");
  cmd->add_flag("--no-space", o->no_space,
                "no space-based infrared satellites (as the scenario key space: false)");
  cmd->add_flag("--space", o->space,
                "every infrared satellite of the catalogue (--catalogue, else catalogue.yaml "
                "beside the scenario) even when the scenario says space: false or names none "
                "(the default takes them all)");
  cmd->add_option("--cloud-top-km", o->cloud_top_km,
                  "cloud top for every infrared satellite (as the scenario key cloud_top_km)")
      ->check(CLI::Range(0.0, 20.0));
  cmd->add_option("--seed", o->seed,
                  "the simulation's seed instead of the scenario's (as `bench warning` runs its "
                  "seeds: the debris the scenario's seed laid out stay)");
  cmd->callback([o, &exit_code] {
    namespace fs = std::filesystem;
    const auto started = std::chrono::steady_clock::now();
    const bool tty_progress = !o->quiet && isatty(STDERR_FILENO);
    const auto bad = [&](const Error& e, int code) {
      std::cerr << "trilink exercise: " << e.message() << "\n";
      exit_code = code;
    };
    auto scenario = io::load_scenario(
        o->scenario, o->catalogue.empty() ? std::nullopt : std::optional(o->catalogue));
    if (!scenario) return bad(scenario.error(), 2);
    if (o->space && o->no_space)
      return bad(Error{"--space", "give at most one of --space and --no-space"}, 2);
    if (o->space && scenario->satellites.empty()) {
      const auto cat_path = o->catalogue.empty()
                                ? (fs::path(o->scenario).parent_path() / "catalogue.yaml").string()
                                : o->catalogue;
      const auto cat = io::load_catalogue(cat_path);
      if (!cat) return bad(cat.error(), 2);
      for (auto sat : cat->satellites | std::views::values) {
        sat.orbit.epoch = scenario->start;
        scenario->satellites.push_back(sat);
      }
    }
    if (o->no_space) scenario->satellites.clear();
    if (o->seed) scenario->seed = *o->seed;
    if (o->cloud_top_km)
      for (auto& sat : scenario->satellites) sat.cloud_top_m = *o->cloud_top_km * 1e3;
    const auto policy =
        io::load_policy(o->policy.empty() ? scenario->policy_path : o->policy, scenario->network);
    if (!policy) return bad(policy.error(), 2);
    const auto loaded = io::load_areas_geojson(scenario->area_paths);
    if (!loaded) return bad(loaded.error(), 2);
    const std::vector<warn::ProtectedArea>& areas = *loaded;
    auto coast = io::load_geojson_rings(scenario->coastline_path);
    if (!coast) return bad(coast.error(), 2);

    // From here on every file goes to a staging folder (app/output_files.hpp): an error, an
    // exception or SIGINT/SIGTERM (app/interrupt.hpp) removes it; commit() moves all at once.
    const Interrupts interrupts;
    const auto interrupted = [&] {
      if (interrupts.received() == 0) return false;
      std::cerr << (tty_progress ? "\n" : "") << "trilink exercise: interrupted by "
                << interrupts.name() << "; nothing written to " << o->out << "\n";
      exit_code = interrupts.exit_code();
      return true;
    };
    OutputSet out(o->out);
    if (auto ok = out.open(); !ok) return bad(ok.error(), 2);
    const fs::path db_final = out.dir() / "recording.db";

    const scenario::Simulation sim = scenario::simulate(*scenario);
    if (interrupted()) return;
    exercise::RunInputs in;
    in.scenario = &*scenario;
    in.simulation = &sim;
    in.policy = &*policy;
    in.areas = areas;
    in.stop = &interrupts.stop();
    std::optional<exercise::RunOutput> runs[2];
    std::optional<record::chain::Heads> head;
    {
      auto recorder = record::Recorder::open(out.staged("recording.db").string());
      if (!recorder) return bad(out.named_in_dir(recorder.error()), 2);
      // The two runs side by side (issue 15: both cores), each recording through its own
      // queue (its messages encoded on its own thread), and a writer that drains the national
      // queue and then the trilateral one into the recording as the runs go - the same rows,
      // in the same order, as one run after the other.
      record::RecorderSink direct(*recorder);
      record::EventQueue national_queue;
      record::EventQueue trilateral_queue;
      std::mutex progress_mutex;
      const auto with_progress = [&](exercise::RunInputs run, exercise::Mode mode) {
        if (!o->quiet)
          run.progress = [&, mode, last_pct = -100](double t_s) mutable {
            const int pct = static_cast<int>(100.0 * t_s / scenario->duration_s);
            // On a terminal every simulated minute, in a log every quarter.
            if (!tty_progress && pct - last_pct < 25) return;
            last_pct = pct;
            const std::lock_guard lock(progress_mutex);
            std::cerr << (tty_progress ? "\r" : "") << "  " << exercise::to_string(mode)
                      << " run: T+" << fixed(t_s, 0) << " s of " << fixed(scenario->duration_s, 0)
                      << " s (" << pct << " %)" << (tty_progress ? "   " : "\n") << std::flush;
          };
        return run;
      };
      exercise::RunInputs national = with_progress(in, exercise::Mode::national);
      national.recorder = &national_queue;
      exercise::RunInputs trilateral = with_progress(in, exercise::Mode::trilateral);
      trilateral.recorder = &trilateral_queue;
      // Both queues drained whatever the other's fate, so that both runs can end.
      auto writer = std::async(std::launch::async, [&] {
        auto first = national_queue.drain_into(direct);
        auto second = trilateral_queue.drain_into(direct);
        return first ? second : first;
      });
      auto trilateral_run = std::async(std::launch::async, [&] {
        auto r = exercise::run_exercise(trilateral, exercise::Mode::trilateral);
        trilateral_queue.close();
        return r;
      });
      auto national_run = exercise::run_exercise(national, exercise::Mode::national);
      national_queue.close();
      auto trilateral_result = trilateral_run.get();
      const auto drained = writer.get();
      if (interrupted()) return;
      if (!national_run) return bad(out.named_in_dir(national_run.error()), 2);
      if (!drained) return bad(out.named_in_dir(drained.error()), 2);
      if (!trilateral_result) return bad(out.named_in_dir(trilateral_result.error()), 2);
      runs[0] = std::move(*national_run);
      runs[1] = std::move(*trilateral_result);
      if (tty_progress) std::cerr << "\n";
      if (auto ok = recorder->finish(); !ok) return bad(out.named_in_dir(ok.error()), 2);
      head = recorder->head();
    }  // the recording is closed here: nothing of SQLite's is left beside it
    const eval::ExerciseResult result = eval::analyse(*scenario, sim, areas, *runs[0], *runs[1]);
    if (interrupted()) return;
    out.file("report.html") << exports::page_with_picture(
        exports::report_picture(*scenario, areas, *coast, result, *runs[0], *runs[1], sim.ir_plots)
            .dump());
    const double wall_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    out.file("summary.json") << exports::summary_json(*scenario, result, *runs[0], *runs[1],
                                                      wall_s);
    if (interrupted()) return;
    if (auto ok = out.commit(); !ok) return bad(ok.error(), 2);
    if (!o->quiet) {
      std::cout << "scenario " << scenario->name
                << (scenario->description.empty() ? "" : ": " + scenario->description) << "\n"
                << exports::timeline_text(result)
                << "report: " << (fs::path(o->out) / "report.html").string()
                << "\nsummary: " << (fs::path(o->out) / "summary.json").string()
                << "\nrecording: " << db_final.string() << " (" << head->messages
                << " messages, chain head " << record::chain::to_hex(head->messages_head) << ")\n";
    }
  });
}

}  // namespace trilink::app
