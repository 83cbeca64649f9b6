// trilink simulate: truth and radar detections of a scenario, written as CSV and JSON, and
// a readable timeline on stdout.
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>

#include "app/commands.hpp"
#include "app/interrupt.hpp"
#include "app/output_files.hpp"
#include "base/text.hpp"
#include "geo/angles.hpp"
#include "io/scenario_file.hpp"
#include "scenario/simulation.hpp"

namespace trilink::app {
namespace {

using nlohmann::ordered_json;

// Shortest round-trip decimal for CSV ("%.17g" is exact but noisy; %.10g is enough for mm).
std::string num(double v, int digits = 10) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.*g", digits, v);
  return buf;
}

ordered_json nullable(const std::optional<double>& v) {
  return v ? ordered_json(*v) : ordered_json();
}

ordered_json launch_json(const scenario::Launch& l) {
  const auto& t = l.shaped.flight.trajectory;
  ordered_json j;
  j["id"] = l.spec.id;
  j["class"] = flight::to_string(l.shaped.plan.vehicle.missile_class);
  j["profile"] = l.spec.profile_label;
  j["launch_utc"] = geo::format_utc(l.time);
  j["launch_lat_deg"] = l.spec.request.site.lat_deg();
  j["launch_lon_deg"] = l.spec.request.site.lon_deg();
  j["azimuth_deg"] = geo::rad_to_deg(l.spec.request.azimuth_rad);
  j["burnout_s"] = t.burnout_s;
  j["apogee_km"] = t.apogee_height_m / 1e3;
  j["apogee_s"] = t.apogee_s;
  j["range_km"] = t.ground_range_m / 1e3;
  j["flight_time_s"] = t.impact_s;
  j["impact_lat_deg"] = t.impact.lat_deg();
  j["impact_lon_deg"] = t.impact.lon_deg();
  j["max_speed_mps"] = t.max_speed_mps;
  return j;
}

// With debris (spent stages, fragments), two more columns name each row's object and its kind.
void write_truth(std::ostream& os, const scenario::Scenario& s,
                 const std::vector<scenario::TruthRow>& rows) {
  const bool debris = scenario::has_debris(s);
  const auto objects = scenario::truth_objects(s);
  os << "t_s,utc,launch,x_m,y_m,z_m,vx_mps,vy_mps,vz_mps,lat_deg,lon_deg,alt_m,phase"
     << (debris ? ",object,kind\n" : "\n");
  for (const auto& r : rows) {
    const auto& p = r.state.r_m;
    const auto& v = r.state.v_mps;
    os << num(r.t_s) << ',' << geo::format_utc(s.start.plus_seconds(r.t_s)) << ','
       << s.launches[r.launch].spec.id << ',' << num(p.x()) << ',' << num(p.y()) << ','
       << num(p.z()) << ',' << num(v.x()) << ',' << num(v.y()) << ',' << num(v.z()) << ','
       << num(r.geodetic.lat_deg()) << ',' << num(r.geodetic.lon_deg()) << ','
       << num(r.geodetic.h_m) << ',' << flight::to_string(r.phase);
    if (debris)
      os << ',' << scenario::label(s, objects[r.object]) << ','
         << scenario::kind(objects[r.object]);
    os << '\n';
  }
}

// truth: the object's label (launch id, or launch id/stage1, /frag07), or clutter.
void write_detections(std::ostream& os, const scenario::Scenario& s,
                      const scenario::Simulation& sim) {
  const auto objects = scenario::truth_objects(s);
  os << "t_s,utc,radar,nation,truth,range_m,az_deg,el_deg,range_rate_mps,sigma_range_m,"
        "sigma_az_deg,sigma_el_deg,sigma_range_rate_mps,snr_db\n";
  for (const auto& d : sim.detections) {
    const auto& radar = s.radars[d.radar_index];
    os << num(d.t.seconds_since(s.start)) << ',' << geo::format_utc(d.t) << ',' << radar.name << ','
       << to_string(radar.nation) << ','
       << (d.truth_id < 0 ? std::string("clutter") : scenario::label(s, objects[d.truth_id])) << ','
       << num(d.range_m) << ',' << num(geo::rad_to_deg(d.az_rad)) << ','
       << num(geo::rad_to_deg(d.el_rad)) << ',' << (d.has_range_rate ? num(d.range_rate_mps) : "")
       << ',' << num(d.sigma_range_m) << ',' << num(geo::rad_to_deg(d.sigma_az_rad)) << ','
       << num(geo::rad_to_deg(d.sigma_el_rad)) << ','
       << (d.has_range_rate ? num(d.sigma_range_rate_mps) : "") << ',' << num(d.snr_db, 5) << '\n';
  }
}

// The infrared satellites' plots (sensor/infrared.hpp): focal-plane angles in the satellite's
// nadir frame, the satellite's ECEF position at the frame.
void write_ir_plots(std::ostream& os, const scenario::Scenario& s,
                    const scenario::Simulation& sim) {
  os << "t_s,utc,satellite,nation,truth,alpha_rad,beta_rad,sigma_rad,satellite_x_m,"
        "satellite_y_m,satellite_z_m\n";
  for (const auto& p : sim.ir_plots) {
    const auto& sat = s.satellites[p.satellite_index];
    os << num(p.t.seconds_since(s.start)) << ',' << geo::format_utc(p.t) << ',' << sat.name << ','
       << to_string(sat.nation) << ','
       << (p.truth_id < 0 ? std::string("false_alarm") : s.launches[p.truth_id].spec.id) << ','
       << num(p.alpha_rad, 12) << ',' << num(p.beta_rad, 12) << ',' << num(p.sigma_rad, 9) << ','
       << num(p.satellite_ecef_m.x()) << ',' << num(p.satellite_ecef_m.y()) << ','
       << num(p.satellite_ecef_m.z()) << '\n';
  }
}

ordered_json summary_json(const scenario::Scenario& s, const scenario::Simulation& sim) {
  ordered_json j;
  j["scenario"] = s.name;
  j["seed"] = s.seed;
  j["start_utc"] = geo::format_utc(s.start);
  j["duration_s"] = s.duration_s;
  j["launches"] = ordered_json::array();
  for (std::size_t li = 0; li < s.launches.size(); ++li) {
    ordered_json l = launch_json(s.launches[li]);
    l["radars"] = ordered_json::array();
    for (std::size_t r = 0; r < s.radars.size(); ++r)
      l["radars"].push_back({{"radar", s.radars[r].name},
                             {"nation", to_string(s.radars[r].nation)},
                             {"first_detection_s", nullable(sim.stats[r][li].first_detection_s)},
                             {"detections", sim.stats[r][li].detections}});
    if (!s.launches[li].debris.empty()) {
      l["debris"] = ordered_json::array();
      for (const auto& d : s.launches[li].debris) {
        const auto& t = d.trajectory;
        l["debris"].push_back({{"id", s.launches[li].spec.id + "/" + d.name},
                               {"kind", flight::to_string(d.kind)},
                               {"separation_s", d.separation_s},
                               {"beta_kgpm2", d.beta_kgpm2},
                               {"rcs_m2", d.rcs_m2},
                               {"impacted", t.impacted},
                               {"impact_s", t.impact_s},
                               {"impact_lat_deg", t.impact.lat_deg()},
                               {"impact_lon_deg", t.impact.lon_deg()},
                               {"range_km", t.ground_range_m / 1e3}});
      }
    }
    if (!s.satellites.empty()) {
      l["satellites"] = ordered_json::array();
      for (std::size_t k = 0; k < s.satellites.size(); ++k)
        l["satellites"].push_back(
            {{"satellite", s.satellites[k].name},
             {"first_visible_s", nullable(sim.ir_stats[k][li].first_visible_s)},
             {"first_plot_s", nullable(sim.ir_stats[k][li].first_plot_s)},
             {"plots", sim.ir_stats[k][li].plots}});
    }
    j["launches"].push_back(l);
  }
  j["radars"] = ordered_json::array();
  for (std::size_t r = 0; r < s.radars.size(); ++r) {
    ordered_json rj;
    rj["name"] = s.radars[r].name;
    rj["nation"] = to_string(s.radars[r].nation);
    rj["false_alarms"] = sim.false_alarms[r];
    rj["launches"] = ordered_json::array();
    for (std::size_t li = 0; li < s.launches.size(); ++li)
      rj["launches"].push_back({{"id", s.launches[li].spec.id},
                                {"first_detection_s", nullable(sim.stats[r][li].first_detection_s)},
                                {"detections", sim.stats[r][li].detections}});
    j["radars"].push_back(rj);
  }
  if (scenario::has_debris(s)) {
    j["objects"] = scenario::truth_objects(s).size();
    j["peak_objects_airborne"] = scenario::peak_airborne(s, 1.0);
  }
  return j;
}

std::string clock(double seconds) {
  const int s = static_cast<int>(std::floor(seconds));
  char buf[32];
  std::snprintf(buf, sizeof buf, "T+%2d:%02d.%d", s / 60, s % 60,
                static_cast<int>((seconds - s) * 10));
  return buf;
}

void print_timeline(std::ostream& os, const scenario::Scenario& s,
                    const scenario::Simulation& sim) {
  os << "scenario " << s.name << (s.description.empty() ? "" : ": " + s.description) << "\n";
  for (std::size_t li = 0; li < s.launches.size(); ++li) {
    const auto& l = s.launches[li];
    const auto& t = l.shaped.flight.trajectory;
    std::multimap<double, std::string> events;
    events.emplace(0.0, "launch from " + (l.spec.area.empty() ? "" : l.spec.area + " ") + "(" +
                            fixed(l.spec.request.site.lat_deg(), 2) + "N, " +
                            fixed(l.spec.request.site.lon_deg(), 2) + "E), azimuth " +
                            fixed(geo::rad_to_deg(l.spec.request.azimuth_rad), 1) + " deg");
    events.emplace(t.burnout_s, "burnout at " + fixed(t.burnout_height_m / 1e3, 0) + " km, " +
                                    fixed(t.burnout_speed_mps, 0) + " m/s");
    events.emplace(t.apogee_s, "apogee " + fixed(t.apogee_height_m / 1e3, 0) + " km");
    events.emplace(t.impact_s, "impact at " + fixed(t.impact.lat_deg(), 2) + "N, " +
                                   fixed(t.impact.lon_deg(), 2) + "E, " +
                                   fixed(t.ground_range_m / 1e3, 0) + " km downrange");
    std::size_t fragments = 0;
    for (const auto& d : l.debris) {
      if (d.kind == flight::DebrisKind::fragment) {
        ++fragments;
        continue;
      }
      const auto& dt = d.trajectory;
      events.emplace(d.separation_s, d.name + " separates");
      if (dt.impacted)
        events.emplace(dt.impact_s, d.name + " falls at " + fixed(dt.impact.lat_deg(), 2) + "N, " +
                                        fixed(dt.impact.lon_deg(), 2) + "E, " +
                                        fixed(dt.ground_range_m / 1e3, 0) + " km downrange");
    }
    if (fragments > 0)
      events.emplace(flight::separation_times(l.shaped.plan).front(),
                     std::to_string(fragments) + " fragments released over the separations");
    for (std::size_t r = 0; r < s.radars.size(); ++r) {
      const auto& st = sim.stats[r][li];
      if (!st.first_detection_s) continue;
      const double h = l.shaped.flight.trajectory.geodetic_at(*st.first_detection_s).h_m;
      events.emplace(*st.first_detection_s, "first detection by " + s.radars[r].name + " (" +
                                                std::string(to_string(s.radars[r].nation)) +
                                                ") at " + fixed(h / 1e3, 1) + " km altitude");
    }
    for (std::size_t k = 0; k < s.satellites.size(); ++k) {
      const auto& st = sim.ir_stats[k][li];
      if (!st.first_visible_s) continue;
      const double h = l.shaped.flight.trajectory.geodetic_at(*st.first_visible_s).h_m;
      events.emplace(*st.first_visible_s, "plume seen by " + s.satellites[k].name + " (" +
                                              std::string(to_string(s.satellites[k].nation)) +
                                              ") at " + fixed(h / 1e3, 1) + " km altitude");
    }
    os << "\nlaunch " << l.spec.id << " (" << flight::to_string(l.shaped.plan.vehicle.missile_class)
       << (l.spec.profile_label.empty() ? "" : ", " + l.spec.profile_label) << ") at "
       << geo::format_utc(l.time) << "\n";
    for (const auto& [time, text] : events) os << "  " << clock(time) << "  " << text << "\n";
    std::vector<std::string> silent;
    for (std::size_t r = 0; r < s.radars.size(); ++r)
      if (!sim.stats[r][li].first_detection_s) silent.push_back(s.radars[r].name);
    if (!silent.empty()) {
      os << "  never detected by:";
      for (const auto& n : silent) os << " " << n;
      os << "\n";
    }
  }
}

}  // namespace

void add_simulate_command(CLI::App& app, int& exit_code) {
  struct Options {
    std::string scenario, out, catalogue;
    bool quiet = false;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("simulate", "simulate a scenario's flights and radar detections");
  cmd->add_option("scenario", o->scenario, "scenario YAML file")->required();
  cmd->add_option("--out", o->out, "output directory")->required();
  cmd->add_option("--catalogue", o->catalogue, "site catalogue (default: beside the scenario)");
  cmd->add_flag("--quiet", o->quiet, "no timeline on stdout");
  cmd->callback([o, &exit_code] {
    const auto bad = [&](const Error& e, int code) {
      std::cerr << "trilink simulate: " << e.message() << "\n";
      exit_code = code;
    };
    auto scenario = io::load_scenario(
        o->scenario, o->catalogue.empty() ? std::nullopt : std::optional(o->catalogue));
    if (!scenario) return bad(scenario.error(), 2);
    const scenario::Simulation sim = scenario::simulate(*scenario);
    // SIGINT/SIGTERM while the files are written: nothing committed (app/interrupt.hpp).
    const Interrupts interrupts;
    OutputSet out(o->out);
    if (auto ok = out.open(); !ok) return bad(ok.error(), 2);
    const std::vector<scenario::TruthRow> truth = scenario::truth_rows(*scenario);
    write_truth(out.file("truth.csv"), *scenario, truth);
    write_detections(out.file("detections.csv"), *scenario, sim);
    if (!scenario->satellites.empty()) write_ir_plots(out.file("ir_plots.csv"), *scenario, sim);
    out.file("summary.json") << summary_json(*scenario, sim).dump(2) << "\n";
    if (interrupts.received() != 0)
      return bad(
          Error{o->out, std::string("interrupted by ") + interrupts.name() + "; nothing written"},
          interrupts.exit_code());
    if (auto ok = out.commit(); !ok) return bad(ok.error(), 2);
    if (!o->quiet) {
      print_timeline(std::cout, *scenario, sim);
      std::cout << "\nwrote " << o->out << "/truth.csv (" << truth.size() << " rows), " << o->out
                << "/detections.csv (" << sim.detections.size() << " rows), " << o->out
                << "/summary.json"
                << (scenario->satellites.empty()
                        ? std::string()
                        : ", " + o->out + "/ir_plots.csv (" + std::to_string(sim.ir_plots.size()) +
                              " rows)")
                << "\n";
    }
  });
}

}  // namespace trilink::app
