// trilink bench accuracy: Monte Carlo over a scenario's seed (radar noise, biases,
// detections, clutter redrawn) of a nation's tracker; prints one JSON object per launch.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "app/commands.hpp"
#include "eval/accuracy.hpp"
#include "io/scenario_file.hpp"

namespace trilink::app {
namespace {

// 95 % two-sided chi-square bands (3 and 6 degrees of freedom).
constexpr double kChi2Lo3 = 0.2158, kChi2Hi3 = 9.348, kChi2Lo6 = 1.2373, kChi2Hi6 = 14.449;

struct LaunchTally {
  double se_position = 0.0, bound_sq = 0.0;
  int predictions = 0, first_ellipse_held = 0;
  std::size_t breaks = 0, id_swaps = 0, nees = 0, nees_position_in = 0, nees_in = 0;
  double nees_sum = 0.0, nees_position_sum = 0.0, nees_velocity_sum = 0.0;
  std::vector<double> launch_errors_m;
  std::vector<double> first_track_s;
};

}  // namespace

void add_accuracy_command(CLI::App& app, int& exit_code) {
  struct Options {
    std::string scenario, nation = "ALL";
    int runs = 20;
    int first_seed = 1;
  };
  auto o = std::make_shared<Options>();
  auto* bench = app.get_subcommand("bench");
  auto* cmd = bench->add_subcommand("accuracy", "Monte Carlo accuracy of a nation's tracker");
  cmd->add_option("scenario", o->scenario, "scenario YAML file")->required();
  cmd->add_option("--runs", o->runs, "Monte Carlo runs (seeds K..K+N-1)")
      ->check(CLI::Range(1, 10000));
  cmd->add_option("--first-seed", o->first_seed, "first seed K (default 1)")
      ->check(CLI::Range(1, 1000000));
  cmd->add_option("--nation", o->nation, "JPN, KOR, USA or ALL")
      ->check(CLI::IsMember({"JPN", "KOR", "USA", "ALL"}));
  cmd->callback([o, &exit_code] {
    auto s = io::load_scenario(o->scenario);
    if (!s) {
      std::cerr << "trilink bench accuracy: " << s.error().message() << "\n";
      exit_code = 2;
      return;
    }
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<LaunchTally> tally(s->launches.size());
    for (int seed = o->first_seed; seed < o->first_seed + o->runs; ++seed) {
      s->seed = static_cast<std::uint64_t>(seed);
      const auto sim = scenario::simulate(*s);
      const auto run = eval::run_national_tracker(*s, sim, parse_nation(o->nation));
      const auto acc = eval::assess(*s, sim, run);
      for (std::size_t li = 0; li < acc.size(); ++li) {
        const auto& a = acc[li];
        auto& t = tally[li];
        const auto& traj = s->launches[li].shaped.flight.trajectory;
        const double launch_t = s->launches[li].time.seconds_since(s->start);
        t.se_position += a.midcourse_position_rmse_m * a.midcourse_position_rmse_m;
        t.bound_sq += a.midcourse_pcrlb_position_m * a.midcourse_pcrlb_position_m;
        t.breaks += a.breaks_in_coverage;
        t.id_swaps += a.id_swaps;
        if (a.launch_point_error_m) t.launch_errors_m.push_back(*a.launch_point_error_m);
        if (a.first_track_s) t.first_track_s.push_back(*a.first_track_s);
        for (const auto& is : run.impacts)
          if (is.truth == static_cast<std::int64_t>(li) && is.prediction.valid) {
            ++t.predictions;
            t.first_ellipse_held += is.inside_95;
            break;
          }
        for (const auto& n : run.nees) {
          const double since = n.t_s - launch_t;
          if (n.truth != static_cast<std::int64_t>(li) || since < traj.burnout_s + 30.0 ||
              since > traj.impact_s || traj.geodetic_at(since).h_m < 100e3)
            continue;
          ++t.nees;
          t.nees_position_in += n.nees_position >= kChi2Lo3 && n.nees_position <= kChi2Hi3;
          t.nees_in += n.nees >= kChi2Lo6 && n.nees <= kChi2Hi6;
          t.nees_sum += n.nees;
          t.nees_position_sum += n.nees_position;
          t.nees_velocity_sum += n.nees_velocity;
        }
      }
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const auto median = [](std::vector<double> v) {
      if (v.empty()) return std::nan("");
      std::sort(v.begin(), v.end());
      return v[v.size() / 2];
    };
    for (std::size_t li = 0; li < tally.size(); ++li) {
      const auto& t = tally[li];
      nlohmann::ordered_json j;
      j["scenario"] = s->name;
      j["launch"] = s->launches[li].spec.id;
      j["nation"] = o->nation;
      j["runs"] = o->runs;
      j["first_seed"] = o->first_seed;
      j["median_first_track_s"] = median(t.first_track_s);
      j["midcourse_rmse_m"] = std::sqrt(t.se_position / o->runs);
      j["pcrlb_m"] = std::sqrt(t.bound_sq / o->runs);
      j["rmse_over_pcrlb"] = t.bound_sq > 0.0 ? std::sqrt(t.se_position / t.bound_sq) : 0.0;
      j["first_ellipse_held"] = t.first_ellipse_held;
      j["runs_with_prediction"] = t.predictions;
      j["breaks_in_coverage"] = t.breaks;
      j["id_swaps"] = t.id_swaps;
      j["nees_updates"] = t.nees;
      j["position_nees_in_band"] = t.nees ? double(t.nees_position_in) / t.nees : 0.0;
      j["nees_in_band"] = t.nees ? double(t.nees_in) / t.nees : 0.0;
      j["nees_mean"] = t.nees ? t.nees_sum / t.nees : 0.0;                    // 6 when consistent
      j["position_nees_mean"] = t.nees ? t.nees_position_sum / t.nees : 0.0;  // 3
      j["velocity_nees_mean"] = t.nees ? t.nees_velocity_sum / t.nees : 0.0;  // 3
      j["launch_reports_within_10km"] = std::count_if(
          t.launch_errors_m.begin(), t.launch_errors_m.end(), [](double e) { return e <= 10e3; });
      j["median_launch_error_km"] = median(t.launch_errors_m) / 1e3;
      j["seconds"] = seconds;
      std::cout << j.dump() << "\n";
    }
  });
}

}  // namespace trilink::app
