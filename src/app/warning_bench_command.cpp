// trilink bench warning [SCENARIO...] --runs N: the threat-correctness suite. Each scenario is
// run with seeds 1..N on the exercise runtime, each nation alone and with trilateral sharing,
// and every alert that reached each nation is scored against truth (eval/warning.hpp). Prints
// one JSON object: per scenario, mode and nation the sums over the runs (missed and false
// threats, seconds of alert gap, premature ends, repeated launch alerts, predictions before
// burnout, tracks below the ground) and the spread of the time to the threat and of the lead.
// Without scenarios, the bundled suite (docs/warning.md) under --dir. The infrared satellites
// are on as in the scenarios (by default); --no-space runs without them, to compare.
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "app/commands.hpp"
#include "app/exercise_inputs.hpp"
#include "eval/warning.hpp"

namespace trilink::app {
namespace {

// The bundled threat-correctness suite (docs/warning.md), files under scenarios/.
const std::vector<std::string> suite = {"f04.yaml",
                                        "f08.yaml",
                                        "irbm_guam.yaml",
                                        "tsea.yaml",
                                        "city.yaml",
                                        "kor_srbm1.yaml",
                                        "kor_srbm2.yaml",
                                        "oki.yaml",
                                        "f06.yaml",
                                        "f11.yaml",
                                        "salvo8.yaml",
                                        "salvo16.yaml",
                                        "kor_overflight.yaml",
                                        "f12.yaml"};

struct Options {
  std::vector<std::string> scenarios;
  std::string dir = "scenarios";
  int runs = 20;
  int first_seed = 1;
  bool no_space = false;
  bool faults = false;
};

struct Aggregate {
  std::size_t runs = 0, threatened = 0, missed = 0, false_threats = 0, threat_messages = 0;
  std::size_t premature = 0, launch_alerts = 0, repeated = 0, early = 0, below = 0;
  std::size_t lead_short = 0;  // threats whose lead fell short of the target
  std::size_t late = 0;        // threats later than 20 s after burnout
  double gap_s = 0.0, max_gap_s = 0.0;
  std::vector<double> after_burnout_s, lead_fraction;
  nlohmann::ordered_json faults = nlohmann::ordered_json::array();  // with --faults
};

nlohmann::ordered_json spread(std::vector<double> v) {
  nlohmann::ordered_json j;
  if (v.empty()) return j;
  std::ranges::sort(v);
  j["min"] = v.front();
  j["median"] = v[v.size() / 2];
  j["max"] = v.back();
  return j;
}

}  // namespace

void add_warning_bench_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<Options>();
  auto* cmd = app.get_subcommand("bench")->add_subcommand(
      "warning", "threat correctness over Monte Carlo runs of warning scenarios (JSON)");
  cmd->add_option("scenarios", o->scenarios, "scenario YAML files (default: the bundled suite)");
  cmd->add_option("--dir", o->dir, "folder of the bundled suite (default scenarios)");
  cmd->add_option("--runs", o->runs, "Monte Carlo runs (seeds K..K+N-1)")
      ->check(CLI::Range(1, 10000));
  cmd->add_option("--first-seed", o->first_seed, "first seed K (default 1)");
  cmd->add_flag("--no-space", o->no_space,
                "no space-based infrared satellites (as the scenario key space: false)");
  cmd->add_flag("--faults", o->faults,
                "also list every fault (false threat, premature end, repeated launch alert, "
                "prediction before burnout) with its seed, time, source, object and track");
  cmd->callback([o, &exit_code] {
    const auto bad = [&](const Error& e) {
      std::cerr << "trilink bench warning: " << e.message() << "\n";
      exit_code = 2;
    };
    std::vector<std::string> files = o->scenarios;
    if (files.empty())
      for (const auto& f : suite) files.push_back((std::filesystem::path(o->dir) / f).string());
    nlohmann::ordered_json out;
    out["runs"] = o->runs;
    out["first_seed"] = o->first_seed;
    auto& results = out["scenarios"] = nlohmann::ordered_json::array();
    for (const auto& file : files) {
      auto x = load_exercise_inputs(file, o->no_space);
      if (!x) return bad(x.error());
      scenario::Scenario* s = &x->scenario;
      std::map<std::pair<exercise::Mode, Nation>, Aggregate> agg;
      for (int seed = o->first_seed; seed < o->first_seed + o->runs; ++seed) {
        s->seed = static_cast<std::uint64_t>(seed);
        const scenario::Simulation sim = scenario::simulate(*s);
        // The two runs side by side, scored in order: the same JSON as one after the other.
        auto both = run_both(*x, sim);
        if (!both) return bad(both.error());
        const std::pair<exercise::Mode, const exercise::RunOutput*> runs[] = {
            {exercise::Mode::national, &both->national},
            {exercise::Mode::trilateral, &both->trilateral}};
        for (const auto& [mode, run] : runs) {
          for (const auto& n : eval::score_warnings(*s, x->areas, *run).nations) {
            Aggregate& a = agg[{mode, n.nation}];
            ++a.runs;
            a.threatened += n.threatened;
            a.missed += n.missed;
            a.false_threats += n.false_threats;
            a.threat_messages += n.threat_messages;
            a.premature += n.premature_ends;
            a.launch_alerts += n.launch_alerts;
            a.repeated += n.repeated_launch_alerts;
            a.early += n.early_predictions;
            a.below += n.below_ground;
            a.gap_s += n.gap_s;
            if (o->faults)
              for (const auto& f : n.faults)
                a.faults.push_back({{"seed", seed},
                                    {"kind", eval::to_string(f.kind)},
                                    {"t_s", f.t_s},
                                    {"source", f.source},
                                    {"object", f.object},
                                    {"track_id", f.track_id}});
            for (const auto& t : n.threats) {
              a.max_gap_s = std::max(a.max_gap_s, t.gap_s);
              if (t.threat_after_burnout_s) {
                a.after_burnout_s.push_back(*t.threat_after_burnout_s);
                if (*t.threat_after_burnout_s > eval::threat_allowance_s) ++a.late;
              }
              if (t.lead_s && t.lead_wanted_s > 0.0)
                a.lead_fraction.push_back(*t.lead_s /
                                          (t.lead_wanted_s / eval::lead_target_fraction));
              if (!t.lead_s || *t.lead_s < t.lead_wanted_s) ++a.lead_short;
            }
          }
        }
      }
      nlohmann::ordered_json js;
      js["scenario"] = file;
      js["name"] = s->name;
      auto& rows = js["results"] = nlohmann::ordered_json::array();
      for (const auto& [key, a] : agg) {
        nlohmann::ordered_json r;
        r["mode"] = std::string(exercise::to_string(key.first));
        r["nation"] = std::string(to_string(key.second));
        r["threatened"] = a.threatened;
        r["missed"] = a.missed;
        r["false_threats"] = a.false_threats;
        r["threat_messages"] = a.threat_messages;
        r["gap_s"] = a.gap_s;
        r["max_gap_s"] = a.max_gap_s;
        r["premature_ends"] = a.premature;
        r["launch_alerts"] = a.launch_alerts;
        r["repeated_launch_alerts"] = a.repeated;
        r["predictions_before_burnout"] = a.early;
        r["tracks_below_ground"] = a.below;
        r["threats_later_than_20s_after_burnout"] = a.late;
        r["threats_with_short_lead"] = a.lead_short;
        r["threat_after_burnout_s"] = spread(a.after_burnout_s);
        r["lead_fraction_of_burnout_to_event"] = spread(a.lead_fraction);
        if (o->faults) r["faults"] = a.faults;
        rows.push_back(r);
      }
      results.push_back(js);
    }
    std::cout << out.dump(2) << "\n";
  });
}

}  // namespace trilink::app
