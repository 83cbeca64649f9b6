// trilink bench tracker: the standard comparison workload through the tracker, timed, with
// OSPA and RMSE; prints one JSON object.
#include <chrono>
#include <cmath>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "app/commands.hpp"
#include "exercise/ncv_workload.hpp"
#include "metrics/ospa.hpp"
#include "track/motion_models.hpp"
#include "track/tracker.hpp"

namespace trilink::app {
namespace {

struct BenchOptions {
  std::uint32_t targets = 0;
  std::uint32_t scans = 30;
  double clutter = 0.0;
  std::string model = "ncv";
  std::uint64_t seed = 1;
  std::string export_dir, import_dir;
};

using NcvTracker =
    track::Tracker<track::Ekf<track::NearlyConstantVelocity>, track::CartesianPosition>;

track::TrackerConfig ncv_tracker_config() {
  track::TrackerConfig c;
  c.gate_chi2 = 16.27;
  c.max_speed_mps = 1000.0;
  c.max_init_gap_s = 2.5;
  c.confirm_hits = 4;
  c.confirm_window = 5;
  c.delete_misses = 3;
  c.grid_cell_m = 1500.0;
  return c;
}

int run_ncv(const BenchOptions& o) {
  exercise::NcvWorkload w;
  if (!o.import_dir.empty()) {
    auto imported = exercise::import_ncv(o.import_dir, 50.0);
    if (!imported) {
      std::cerr << "trilink bench tracker: " << imported.error().message() << "\n";
      return 2;
    }
    w = std::move(*imported);
  } else {
    exercise::NcvWorkloadConfig c;
    c.targets = o.targets;
    c.scans = o.scans;
    c.clutter_per_scan = o.clutter;
    c.seed = o.seed;
    w = exercise::generate_ncv(c);
  }
  if (!o.export_dir.empty()) {
    if (auto ok = exercise::export_ncv(w, o.export_dir); !ok) {
      std::cerr << "trilink bench tracker: " << ok.error().message() << "\n";
      return 2;
    }
  }
  // Measurements prepared outside the timed region.
  const track::Mat3 R = track::Mat3::Identity() * w.sigma_m * w.sigma_m;
  std::vector<std::vector<track::Measurement>> scans(w.scans.size());
  for (std::size_t k = 0; k < w.scans.size(); ++k)
    for (const auto& z : w.scans[k].detections) scans[k].push_back(track::Measurement{z, R});

  NcvTracker tracker({track::NearlyConstantVelocity{1.0}}, ncv_tracker_config());
  tracker.set_keep_diagnostics(false);
  const auto sensor = tracker.add_sensor(track::CartesianPosition(w.sigma_m));
  metrics::SetMetricEvaluator evaluator;
  const metrics::SetMetricParams ospa_params{1000.0, 1.0};
  double seconds = 0.0, ospa_sum = 0.0, gospa_sum = 0.0, se = 0.0;
  std::size_t ospa_n = 0, pairs = 0;
  std::vector<Eigen::Vector3d> truth, estimates;
  for (std::size_t k = 0; k < scans.size(); ++k) {
    const auto t0 = std::chrono::steady_clock::now();
    tracker.process(sensor, w.scans[k].t_s, scans[k]);
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (k < 5) continue;
    truth.clear();
    estimates.clear();
    for (const auto& x : w.scans[k].truth) truth.push_back(x.p);
    for (const auto& t : tracker.tracks())
      if (t.status != track::TrackStatus::tentative)
        estimates.push_back(tracker.predict(t, w.scans[k].t_s).x.head<3>());
    const auto ospa = evaluator.ospa(truth, estimates, ospa_params);
    const auto match = evaluator.truth_to_estimate();
    for (std::size_t i = 0; i < match.size(); ++i) {
      if (match[i] < 0) continue;
      se += (truth[i] - estimates[static_cast<std::size_t>(match[i])]).squaredNorm();
      ++pairs;
    }
    const auto gospa = evaluator.gospa(truth, estimates, ospa_params);
    ospa_sum += ospa.distance_m;
    gospa_sum += gospa.distance_m;
    ++ospa_n;
  }
  const std::size_t measurements = w.measurements();
  nlohmann::ordered_json j;
  j["model"] = "ncv";
  j["targets"] = w.scans.empty() ? 0 : w.scans.front().truth.size();
  j["scans"] = w.scans.size();
  j["clutter_per_scan"] = o.clutter;
  j["measurements"] = measurements;
  j["seconds"] = seconds;
  j["meas_per_s"] = seconds > 0.0 ? measurements / seconds : 0.0;
  j["ospa_m"] = ospa_n ? ospa_sum / ospa_n : 0.0;
  j["gospa_m"] = ospa_n ? gospa_sum / ospa_n : 0.0;
  j["rmse_m"] = pairs ? std::sqrt(se / pairs) : 0.0;
  j["confirmed_tracks"] = tracker.counters().tracks_confirmed;
  j["largest_cluster"] = tracker.counters().largest_cluster;
  std::cout << j.dump() << "\n";
  return 0;
}

}  // namespace

void add_bench_command(CLI::App& app, int& exit_code) {
  auto* bench = app.add_subcommand("bench", "speed and accuracy benchmarks, printed as JSON");
  bench->require_subcommand(1);
  auto o = std::make_shared<BenchOptions>();
  auto* cmd = bench->add_subcommand("tracker", "the standard NCV comparison workload");
  cmd->add_option("--targets", o->targets, "number of targets")->check(CLI::Range(1u, 1000000u));
  cmd->add_option("--scans", o->scans, "number of scans (1 s apart)")
      ->check(CLI::Range(1u, 100000u));
  cmd->add_option("--clutter", o->clutter, "clutter detections per scan, uniform in the box")
      ->check(CLI::Range(0.0, 1e7));
  cmd->add_option("--model", o->model, "ncv")->check(CLI::IsMember({"ncv"}));
  cmd->add_option("--seed", o->seed, "random seed");
  auto* ex = cmd->add_option("--export", o->export_dir, "write truth.csv and detections.csv here");
  auto* im = cmd->add_option("--import", o->import_dir, "track the detections.csv of this folder");
  im->excludes(ex);
  cmd->callback([o, &exit_code, im] {
    if (o->targets == 0 && im->count() == 0) {
      std::cerr << "trilink bench tracker: --targets: required (or --import)\n";
      exit_code = 2;
      return;
    }
    exit_code = run_ncv(*o);
  });
}

}  // namespace trilink::app
