// trilink bench tracker: a standard workload through the tracker, timed, with OSPA and RMSE;
// prints one JSON object.
//   --model ncv        the flat-box NCV comparison workload (scenario/ncv_workload.hpp),
//                      a 6-state NCV EKF on 3-D position measurements
//   --model ballistic  a midcourse salvo with debris seen by one radar
//                      (scenario/ballistic_workload.hpp), a 9-state ballistic EKF in ECEF on
//                      range/azimuth/elevation
// Only Tracker::process() is timed; --repeat K runs the workload K times, each through a new
// tracker, and meas_per_s is the median of the K rates (meas_per_s_runs lists them all). OSPA and
// GOSPA (cut-off 1 km, order 1) and the RMSE over the OSPA pairs are taken from scan 5 on,
// confirmed and coasting tracks predicted to the scan time, in the tracking frame (the box, or
// ECEF).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "app/commands.hpp"
#include "base/chi2.hpp"
#include "eval/workload_trackers.hpp"
#include "io/workload_csv.hpp"
#include "metrics/ospa.hpp"
#include "scenario/ballistic_workload.hpp"
#include "scenario/ncv_workload.hpp"
#include "track/filters.hpp"
#include "track/measurement_models.hpp"
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
  std::uint32_t repeat = 1;
  std::string export_dir, import_dir;
};

using NcvTracker =
    track::Tracker<track::Ekf<track::NearlyConstantVelocity>, track::CartesianPosition>;
using BallisticTracker = track::Tracker<track::Ekf<track::BallisticModel>, track::RangeAzEl>;

track::TrackerConfig ncv_tracker_config() {
  track::TrackerConfig c;
  c.gate.chi2 = chi2_quantile(0.999, 3);
  c.gate.grid_cell_m = 1500.0;
  c.initiator.max_speed_mps = 1000.0;
  c.initiator.max_gap_s = 2.5;
  c.initiator.grid_cell_m = 1500.0;
  c.confirmer.hits = 4;
  c.confirmer.window = 5;
  c.deleter.misses = 3;
  return c;
}

// One workload in the tracker's terms: per scan its time, measurements and truth positions
// (in the tracking frame).
struct BenchInput {
  std::vector<double> t_s;
  std::vector<std::vector<track::Measurement>> measurements;
  std::vector<std::vector<Eigen::Vector3d>> truth;
  std::size_t targets = 0;
  std::size_t measurement_count() const {
    std::size_t n = 0;
    for (const auto& m : measurements) n += m.size();
    return n;
  }
};

struct BenchFigures {
  double seconds = 0.0;
  double ospa_m = 0.0;
  double gospa_m = 0.0;
  double rmse_m = 0.0;
  std::uint64_t confirmed_tracks = 0;
  std::size_t largest_cluster = 0;
};

template <typename TrackerT>
BenchFigures run_tracker(TrackerT& tracker, std::uint32_t sensor, const BenchInput& in) {
  metrics::SetMetricEvaluator evaluator;
  const metrics::SetMetricParams ospa_params{1000.0, 1.0};
  double seconds = 0.0, ospa_sum = 0.0, gospa_sum = 0.0, se = 0.0;
  std::size_t ospa_n = 0, pairs = 0;
  std::vector<Eigen::Vector3d> estimates;
  for (std::size_t k = 0; k < in.measurements.size(); ++k) {
    const auto t0 = std::chrono::steady_clock::now();
    tracker.process(sensor, in.t_s[k], in.measurements[k]);
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (k < 5) continue;
    const std::vector<Eigen::Vector3d>& truth = in.truth[k];
    estimates.clear();
    for (const auto& t : tracker.tracks())
      if (t.status != track::TrackStatus::tentative)
        estimates.push_back(tracker.predict(t, in.t_s[k]).x.template head<3>());
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
  BenchFigures f;
  f.seconds = seconds;
  f.ospa_m = ospa_n ? ospa_sum / ospa_n : 0.0;
  f.gospa_m = ospa_n ? gospa_sum / ospa_n : 0.0;
  f.rmse_m = pairs ? std::sqrt(se / pairs) : 0.0;
  f.confirmed_tracks = tracker.counters().tracks_confirmed;
  f.largest_cluster = tracker.counters().largest_cluster;
  return f;
}

// f is the first run's figures (every run tracks the same input the same way); rates holds
// each run's measurements per second.
void print(const BenchOptions& o, const BenchInput& in, const BenchFigures& f,
           std::vector<double> rates) {
  const std::size_t measurements = in.measurement_count();
  std::vector<double> sorted = rates;
  std::sort(sorted.begin(), sorted.end());
  const std::size_t n = sorted.size();
  const double median = n % 2 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
  nlohmann::ordered_json j;
  j["model"] = o.model;
  j["targets"] = in.targets;
  j["scans"] = in.measurements.size();
  j["clutter_per_scan"] = o.clutter;
  j["measurements"] = measurements;
  j["seconds"] = f.seconds;  // the first run's
  j["meas_per_s"] = median;
  if (n > 1) j["meas_per_s_runs"] = rates;
  j["ospa_m"] = f.ospa_m;
  j["gospa_m"] = f.gospa_m;
  j["rmse_m"] = f.rmse_m;
  j["confirmed_tracks"] = f.confirmed_tracks;
  j["largest_cluster"] = f.largest_cluster;
  std::cout << j.dump() << "\n";
}

// Runs the workload o.repeat times, each through a tracker from make(), and prints.
template <typename Make>
void run_and_print(const BenchOptions& o, const BenchInput& in, Make make) {
  BenchFigures first;
  std::vector<double> rates;
  for (std::uint32_t r = 0; r < o.repeat; ++r) {
    auto [tracker, sensor] = make();
    const BenchFigures f = run_tracker(*tracker, sensor, in);
    if (r == 0) first = f;
    rates.push_back(f.seconds > 0.0 ? static_cast<double>(in.measurement_count()) / f.seconds
                                    : 0.0);
  }
  print(o, in, first, std::move(rates));
}

template <typename Workload>
int export_if_asked(const BenchOptions& o, const Workload& w,
                    Expected<void> (*write)(const Workload&, const std::string&)) {
  if (o.export_dir.empty()) return 0;
  if (auto ok = write(w, o.export_dir); !ok) {
    std::cerr << "trilink bench tracker: " << ok.error().message() << "\n";
    return 2;
  }
  return 0;
}

int run_ncv(const BenchOptions& o) {
  scenario::NcvWorkload w;
  if (!o.import_dir.empty()) {
    auto imported = io::import_ncv(o.import_dir, 50.0);
    if (!imported) {
      std::cerr << "trilink bench tracker: " << imported.error().message() << "\n";
      return 2;
    }
    w = std::move(*imported);
  } else {
    scenario::NcvWorkloadConfig c;
    c.targets = o.targets;
    c.scans = o.scans;
    c.clutter_per_scan = o.clutter;
    c.seed = o.seed;
    w = scenario::generate_ncv(c);
  }
  if (const int rc = export_if_asked(o, w, &io::export_ncv); rc != 0) return rc;
  // Measurements prepared outside the timed region.
  const track::Mat3 R = track::Mat3::Identity() * w.sigma_m * w.sigma_m;
  BenchInput in;
  in.targets = w.scans.empty() ? 0 : w.scans.front().truth.size();
  for (const auto& s : w.scans) {
    in.t_s.push_back(s.t_s);
    auto& ms = in.measurements.emplace_back();
    for (const auto& z : s.detections) ms.push_back(track::Measurement{z, R});
    auto& truth = in.truth.emplace_back();
    for (const auto& x : s.truth) truth.push_back(x.p);
  }
  run_and_print(o, in, [&w] {
    auto tracker = std::make_unique<NcvTracker>(
        track::Ekf<track::NearlyConstantVelocity>{track::NearlyConstantVelocity{1.0}},
        ncv_tracker_config());
    tracker->set_keep_diagnostics(false);
    const auto sensor = tracker->add_sensor(track::CartesianPosition(w.sigma_m));
    return std::pair{std::move(tracker), sensor};
  });
  return 0;
}

int run_ballistic(const BenchOptions& o) {
  scenario::BallisticWorkload w;
  if (!o.import_dir.empty()) {
    auto imported = io::import_ballistic(o.import_dir, scenario::BallisticRadar{});
    if (!imported) {
      std::cerr << "trilink bench tracker: " << imported.error().message() << "\n";
      return 2;
    }
    w = std::move(*imported);
  } else {
    scenario::BallisticWorkloadConfig c;
    c.targets = o.targets;
    c.scans = o.scans;
    c.clutter_per_scan = o.clutter;
    c.seed = o.seed;
    w = eval::generate_ballistic(c);
  }
  if (const int rc = export_if_asked(o, w, &io::export_ballistic); rc != 0) return rc;
  const track::Vec3 sigma(w.radar.sigma_range_m, w.radar.sigma_az_rad, w.radar.sigma_el_rad);
  const track::Mat3 R = sigma.cwiseProduct(sigma).asDiagonal();
  BenchInput in;
  in.targets = w.scans.empty() ? 0 : w.scans.front().truth.size();
  for (const auto& s : w.scans) {
    in.t_s.push_back(s.t_s);
    auto& ms = in.measurements.emplace_back();
    for (const auto& z : s.detections)
      ms.push_back(track::Measurement{track::Vec3(z.range_m, z.az_rad, z.el_rad), R});
    auto& truth = in.truth.emplace_back();
    for (const auto& x : s.truth) truth.push_back(x.position.r_m);
  }
  run_and_print(o, in, [&w, &sigma] {
    auto tracker = std::make_unique<BallisticTracker>(eval::ballistic_workload_filter(),
                                                      eval::ballistic_workload_tracker_config());
    tracker->set_keep_diagnostics(false);
    const auto sensor = tracker->add_sensor(track::RangeAzEl(w.radar.site, sigma));
    return std::pair{std::move(tracker), sensor};
  });
  return 0;
}

}  // namespace

void add_bench_command(CLI::App& app, int& exit_code) {
  auto* bench = app.add_subcommand("bench", "speed and accuracy benchmarks, printed as JSON");
  bench->require_subcommand(1);
  auto o = std::make_shared<BenchOptions>();
  auto* cmd = bench->add_subcommand(
      "tracker", "a standard workload through the tracker: ncv (flat box) or ballistic (radar)");
  cmd->add_option("--targets", o->targets, "number of targets")->check(CLI::Range(1u, 1000000u));
  cmd->add_option("--scans", o->scans, "number of scans (1 s apart)")
      ->check(CLI::Range(1u, 100000u));
  cmd->add_option("--clutter", o->clutter,
                  "clutter detections per scan (Poisson mean): ncv uniform in the box; ballistic "
                  "uniform in range 200-1500 km, azimuth +-30 deg of the cloud, elevation 5-45 deg")
      ->check(CLI::Range(0.0, 1e7));
  cmd->add_option("--model", o->model,
                  "ncv: flat-box NCV targets, 3-D position sensor; ballistic: midcourse debris "
                  "cloud, one range/azimuth/elevation radar, 9-state ballistic EKF")
      ->check(CLI::IsMember({"ncv", "ballistic"}));
  cmd->add_option("--seed", o->seed, "random seed");
  cmd->add_option("--repeat", o->repeat,
                  "run the workload this many times (a new tracker each); meas_per_s is the "
                  "median")
      ->check(CLI::Range(1u, 1000u));
  auto* ex = cmd->add_option("--export", o->export_dir, "write truth.csv and detections.csv here");
  auto* im = cmd->add_option("--import", o->import_dir,
                             "track the detections.csv of this folder (in --model's columns)");
  im->excludes(ex);
  cmd->callback([o, &exit_code, im] {
    if (o->targets == 0 && im->count() == 0) {
      std::cerr << "trilink bench tracker: --targets: required (or --import)\n";
      exit_code = 2;
      return;
    }
    exit_code = o->model == "ballistic" ? run_ballistic(*o) : run_ncv(*o);
  });
}

}  // namespace trilink::app
