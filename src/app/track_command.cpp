// trilink track: a nation's tracker over a simulated scenario; writes tracks.csv,
// impacts.csv and metrics.json and prints a short account per launch.
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "app/commands.hpp"
#include "app/interrupt.hpp"
#include "app/output_files.hpp"
#include "base/text.hpp"
#include "eval/accuracy.hpp"
#include "geo/angles.hpp"
#include "io/scenario_file.hpp"

namespace trilink::app {
namespace {

using nlohmann::ordered_json;

ordered_json opt(const std::optional<double>& v) {
  return v ? ordered_json(*v) : ordered_json();
}

std::string num(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

void write_tracks(std::ostream& os, const scenario::Scenario& s, const eval::TrackingRun& run) {
  os << "t_s,utc,nation,track,status,x_m,y_m,z_m,vx_mps,vy_mps,vz_mps,lat_deg,lon_deg,alt_m,"
        "sigma_pos_m,boost_probability,truth,truth_distance_m\n";
  for (const auto& ts : run.samples) {
    const auto& x = ts.estimate.x;
    const geo::Geodetic g = geo::to_geodetic(geo::Ecef{x.head<3>()});
    os << num(ts.t_s) << ',' << geo::format_utc(s.start.plus_seconds(ts.t_s)) << ','
       << eval::selection_name(run.nation) << ',' << ts.track_id << ','
       << track::to_string(ts.status) << ',' << num(x[0]) << ',' << num(x[1]) << ',' << num(x[2])
       << ',' << num(x[3]) << ',' << num(x[4]) << ',' << num(x[5]) << ',' << num(g.lat_deg()) << ','
       << num(g.lon_deg()) << ',' << num(g.h_m) << ','
       << num(std::sqrt(ts.estimate.P.topLeftCorner<3, 3>().trace())) << ','
       << num(ts.boost_probability) << ','
       << (ts.truth >= 0 ? s.launches[static_cast<std::size_t>(ts.truth)].spec.id : "") << ','
       << num(ts.truth_distance_m) << '\n';
  }
}

// Every impact prediction past burnout, scored against the launch it is nearest to; beta
// is the track's estimate (empty while it uses the nominal value).
void write_impacts(std::ostream& os, const scenario::Scenario& s, const eval::TrackingRun& run) {
  os << "t_s,track,truth,valid,time_to_impact_s,lat_deg,lon_deg,semi_major_m,semi_minor_m,"
        "orientation_deg,error_m,time_error_s,inside_95,beta_kgpm2,beta_sigma_kgpm2\n";
  for (const auto& is : run.impacts) {
    const auto& p = is.prediction;
    os << num(is.t_s) << ',' << is.track_id << ','
       << (is.truth >= 0 ? s.launches[static_cast<std::size_t>(is.truth)].spec.id : "") << ','
       << (p.valid ? 1 : 0);
    if (p.valid)
      os << ',' << num(p.time_to_impact_s) << ',' << num(p.point.lat_deg()) << ','
         << num(p.point.lon_deg()) << ',' << num(p.ellipse.semi_major_m) << ','
         << num(p.ellipse.semi_minor_m) << ',' << num(geo::rad_to_deg(p.ellipse.orientation_rad))
         << ',' << num(is.error_m) << ',' << num(is.time_error_s) << ',' << (is.inside_95 ? 1 : 0);
    else
      os << ",,,,,,,,,";
    if (is.drag)  // sigma of beta = sigma of kappa / kappa^2
      os << ',' << num(is.drag->beta_kgpm2()) << ','
         << num(std::sqrt(is.drag->kappa_var) * is.drag->beta_kgpm2() * is.drag->beta_kgpm2());
    else
      os << ",,";
    os << '\n';
  }
}

ordered_json metrics_json(const scenario::Scenario& s, const eval::TrackingRun& run,
                          const std::vector<eval::LaunchAccuracy>& acc) {
  ordered_json j;
  j["scenario"] = s.name;
  j["nation"] = eval::selection_name(run.nation);
  const auto& c = run.counters;
  j["counters"] = {{"scans", c.scans},
                   {"measurements", c.measurements},
                   {"updates", c.updates},
                   {"tracks_started", c.tracks_started},
                   {"tracks_confirmed", c.tracks_confirmed},
                   {"tracks_dropped", c.tracks_dropped},
                   {"tracks_stitched", c.tracks_stitched},
                   {"tracks_merged", c.tracks_merged},
                   {"numerical_failures", c.numerical_failures()},
                   {"largest_cluster", c.largest_cluster}};
  ordered_json rejected;
  for (int r = 0; r < static_cast<int>(track::RejectReason::count); ++r)
    rejected[std::string(track::to_string(static_cast<track::RejectReason>(r)))] = c.rejected[r];
  j["rejected"] = rejected;
  j["launches"] = ordered_json::array();
  for (const auto& a : acc) {
    j["launches"].push_back({{"id", a.id},
                             {"first_track_s", opt(a.first_track_s)},
                             {"tracks_on_it", a.tracks_on_it},
                             {"breaks_in_coverage", a.breaks_in_coverage},
                             {"id_swaps", a.id_swaps},
                             {"midcourse_samples", a.midcourse_samples},
                             {"midcourse_position_rmse_m", a.midcourse_position_rmse_m},
                             {"midcourse_velocity_rmse_mps", a.midcourse_velocity_rmse_mps},
                             {"midcourse_pcrlb_position_m", a.midcourse_pcrlb_position_m},
                             {"rmse_over_pcrlb", a.rmse_over_pcrlb},
                             {"nees_inside_fraction", a.nees_inside_fraction},
                             {"nees_mean", a.nees_mean},
                             {"launch_report_s", opt(a.launch_report_s)},
                             {"launch_point_error_m", opt(a.launch_point_error_m)},
                             {"launch_time_error_s", opt(a.launch_time_error_s)},
                             {"first_impact_prediction_s", opt(a.first_impact_prediction_s)},
                             {"first_impact_error_m", opt(a.first_impact_error_m)},
                             {"impact_predictions", a.impact_predictions},
                             {"impact_ellipse_coverage", a.impact_ellipse_coverage}});
  }
  return j;
}

}  // namespace

void add_track_command(CLI::App& app, int& exit_code) {
  struct Options {
    std::string scenario, out, nation = "ALL";
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("track", "run a nation's tracker over a simulated scenario");
  cmd->add_option("scenario", o->scenario, "scenario YAML file")->required();
  cmd->add_option("--nation", o->nation, "JPN, KOR, USA or ALL (every radar)")
      ->check(CLI::IsMember({"JPN", "KOR", "USA", "ALL"}));
  cmd->add_option("--out", o->out, "output directory")->required();
  cmd->callback([o, &exit_code] {
    auto scenario = io::load_scenario(o->scenario);
    if (!scenario) {
      std::cerr << "trilink track: " << scenario.error().message() << "\n";
      exit_code = 2;
      return;
    }
    const auto sim = scenario::simulate(*scenario);
    const auto run = eval::run_national_tracker(*scenario, sim, parse_nation(o->nation));
    const auto acc = eval::assess(*scenario, sim, run);
    // SIGINT/SIGTERM while the files are written: nothing committed (app/interrupt.hpp).
    const Interrupts interrupts;
    OutputSet out(o->out);
    if (auto ok = out.open(); !ok) {
      std::cerr << "trilink track: " << ok.error().message() << "\n";
      exit_code = 2;
      return;
    }
    write_tracks(out.file("tracks.csv"), *scenario, run);
    write_impacts(out.file("impacts.csv"), *scenario, run);
    out.file("metrics.json") << metrics_json(*scenario, run, acc).dump(2) << "\n";
    if (interrupts.received() != 0) {
      std::cerr << "trilink track: " << o->out << ": interrupted by " << interrupts.name()
                << "; nothing written\n";
      exit_code = interrupts.exit_code();
      return;
    }
    if (auto ok = out.commit(); !ok) {
      std::cerr << "trilink track: " << ok.error().message() << "\n";
      exit_code = 2;
      return;
    }
    std::cout << "scenario " << scenario->name << ", tracker of " << o->nation << "\n";
    for (const auto& a : acc) {
      std::cout << "  " << a.id << ": first track "
                << (a.first_track_s ? "T+" + fixed(*a.first_track_s, 1) + " s" : "never");
      if (a.midcourse_samples > 0)
        std::cout << ", midcourse RMSE " << fixed(a.midcourse_position_rmse_m, 0) << " m (PCRLB "
                  << fixed(a.midcourse_pcrlb_position_m, 0) << " m)";
      if (a.launch_point_error_m)
        std::cout << ", launch point off " << fixed(*a.launch_point_error_m / 1e3, 1) << " km";
      if (a.first_impact_prediction_s)
        std::cout << ", impact predicted from T+" << fixed(*a.first_impact_prediction_s, 0)
                  << " s, first off " << fixed(*a.first_impact_error_m / 1e3, 1)
                  << " km, 95 % ellipse held truth " << fixed(100.0 * a.impact_ellipse_coverage, 0)
                  << " %";
      std::cout << "\n";
    }
    std::cout << "wrote " << o->out << "/tracks.csv (" << run.samples.size() << " rows), " << o->out
              << "/impacts.csv (" << run.impacts.size() << " rows), " << o->out
              << "/metrics.json\n";
  });
}

}  // namespace trilink::app
