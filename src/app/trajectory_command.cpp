// trilink trajectory: shape one flight and print its figures.
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "app/commands.hpp"
#include "base/text.hpp"
#include "flight/atmosphere.hpp"
#include "flight/shaping.hpp"
#include "geo/angles.hpp"

namespace trilink::app {
namespace {

std::string pad_left(const std::string& text, std::size_t width) {
  return text.size() >= width ? text : std::string(width - text.size(), ' ') + text;
}

// "LAT,LON" in degrees.
Expected<geo::Geodetic> parse_lat_lon(const std::string& text, const std::string& option) {
  const auto comma = text.find(',');
  if (comma == std::string::npos)
    return fail(option, "expected LAT,LON in degrees, got '" + text + "'");
  try {
    std::size_t used_lat = 0, used_lon = 0;
    const std::string lat_s = text.substr(0, comma), lon_s = text.substr(comma + 1);
    const double lat = std::stod(lat_s, &used_lat);
    const double lon = std::stod(lon_s, &used_lon);
    if (used_lat != lat_s.size() || used_lon != lon_s.size()) throw std::invalid_argument("");
    if (!(lat >= -90.0 && lat <= 90.0))
      return fail(option, "latitude must be in [-90, 90], got " + lat_s);
    if (!(lon >= -180.0 && lon <= 180.0))
      return fail(option, "longitude must be in [-180, 180], got " + lon_s);
    return geo::Geodetic::from_deg(lat, lon);
  } catch (const std::exception&) {
    return fail(option, "expected LAT,LON in degrees, got '" + text + "'");
  }
}

struct Options {
  std::string from, to;
  std::optional<double> azimuth_deg, apogee_km, range_km;
  std::string missile_class, profile;
  bool json = false;
  std::optional<double> every_s;  // print the altitude profile at this interval
};

int run(const Options& o) {
  const auto bad = [](const Error& e) {
    std::cerr << "trilink trajectory: " << e.message() << "\n";
    return 2;
  };
  flight::ShapeRequest req;
  auto from = parse_lat_lon(o.from, "--from");
  if (!from) return bad(from.error());
  req.site = *from;
  if (o.azimuth_deg) {
    if (!std::isfinite(*o.azimuth_deg)) return bad(Error{"--azimuth", "must be a number"});
    req.azimuth_rad = geo::wrap_two_pi(geo::deg_to_rad(*o.azimuth_deg));
  }
  if (!o.to.empty()) {
    auto to = parse_lat_lon(o.to, "--to");
    if (!to) return bad(to.error());
    const auto path = geo::geodesic_inverse(req.site, *to);
    req.azimuth_rad = path.azimuth_rad;
    if (o.range_km && std::abs(*o.range_km * 1e3 - path.distance_m) > 0.01 * path.distance_m)
      return bad(Error{"--range-km", "disagrees with --to, which is " +
                                         fixed(path.distance_m / 1e3, 1) + " km away"});
    req.range_m = path.distance_m;
  }
  // The limits of a scenario's range_km and apogee_km (docs/scenarios.md, "Limits").
  if (o.range_km && !(*o.range_km >= 1.0 && *o.range_km <= 20000.0))
    return bad(Error{"--range-km", "must be in [1, 20000] km, got " + fixed(*o.range_km, 3)});
  if (o.apogee_km && !(*o.apogee_km >= 1.0 && *o.apogee_km <= 10000.0))
    return bad(Error{"--apogee-km", "must be in [1, 10000] km, got " + fixed(*o.apogee_km, 3)});
  if (o.range_km) req.range_m = *o.range_km * 1e3;
  if (!o.range_km && o.to.empty()) return bad(Error{"--range-km", "required without --to"});
  if (o.apogee_km) req.apogee_m = *o.apogee_km * 1e3;
  if (!o.missile_class.empty()) {
    req.missile_class = flight::parse_missile_class(o.missile_class);
    if (!req.missile_class)
      return bad(Error{"--class", "must be srbm, irbm or icbm, got '" + o.missile_class + "'"});
  }
  if (!o.profile.empty()) {
    req.profile = flight::parse_profile(o.profile);
    if (!req.profile)
      return bad(Error{"--profile",
                       "must be minimum-energy, lofted or depressed, got '" + o.profile + "'"});
  }
  if (!req.apogee_m && !req.profile) return bad(Error{"--apogee-km", "required without --profile"});
  const auto shaped = flight::shape(req);
  if (!shaped) {
    Error e = shaped.error();
    e.where = "--" + std::string(e.where == "apogee_km"  ? "apogee-km"
                                 : e.where == "range_km" ? "range-km"
                                                         : e.where);
    return bad(e);
  }
  const auto& t = shaped->flight.trajectory;
  if (o.every_s && !(*o.every_s >= 0.1 && *o.every_s <= 3600.0))
    return bad(Error{"--every", "must be in [0.1, 3600] s"});
  // Altitude profile: time, height, Earth-relative speed, Mach, flight-path angle, downrange.
  const auto profile_row = [&](double s) {
    const auto e = t.ecef_at(s);
    const auto g = geo::to_geodetic(geo::Ecef{e.r_m});
    const double h = std::max(g.h_m, 0.0);
    struct Row {
      double t_s, height_km, speed_mps, mach, gamma_deg, downrange_km;
    };
    return Row{s,
               h / 1e3,
               e.v_mps.norm(),
               e.v_mps.norm() / flight::speed_of_sound_mps(h),
               geo::rad_to_deg(flight::flight_path_angle_rad(e.r_m, e.v_mps)),
               geo::geodesic_inverse(req.site, g).distance_m / 1e3};
  };
  // Time spent below 20 km after the apogee (the low flight that radars see late), 0.1 s grid.
  double below_20km_s = 0.0;
  if (t.impacted)
    for (double s = t.apogee_s; s < t.impact_s; s += 0.1)
      if (t.geodetic_at(s).h_m < 20e3) below_20km_s += std::min(0.1, t.impact_s - s);
  std::vector<double> profile_times;
  if (o.every_s) {
    for (double s = 0.0; s < t.end_s(); s += *o.every_s) profile_times.push_back(s);
    profile_times.push_back(t.end_s());
  }
  if (o.json) {
    nlohmann::ordered_json j;
    j["class"] = flight::to_string(shaped->plan.vehicle.missile_class);
    j["burnout_s"] = t.burnout_s;
    j["apogee_km"] = t.apogee_height_m / 1e3;
    j["range_km"] = t.ground_range_m / 1e3;
    j["flight_time_s"] = t.impact_s;
    j["impact_lat_deg"] = t.impact.lat_deg();
    j["impact_lon_deg"] = t.impact.lon_deg();
    j["max_speed_mps"] = t.max_speed_mps;
    j["burnout_speed_mps"] = t.burnout_speed_mps;
    j["burnout_height_km"] = t.burnout_height_m / 1e3;
    j["impact_speed_mps"] = t.impact_speed_mps;
    j["impact_mach"] = t.impact_mach;
    j["descent_below_20km_s"] = below_20km_s;
    if (t.pull_up_s) j["pull_up_s"] = *t.pull_up_s;
    if (t.dive_s) j["dive_s"] = *t.dive_s;
    j["flights_flown"] = shaped->evaluations;  // by the shaping solver
    if (o.every_s) {
      auto& rows = j["profile"] = nlohmann::ordered_json::array();
      for (const double s : profile_times) {
        const auto r = profile_row(s);
        rows.push_back({{"t_s", r.t_s},
                        {"height_km", r.height_km},
                        {"speed_mps", r.speed_mps},
                        {"mach", r.mach},
                        {"gamma_deg", r.gamma_deg},
                        {"downrange_km", r.downrange_km}});
      }
    }
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  std::cout << "class          " << flight::to_string(shaped->plan.vehicle.missile_class) << "\n"
            << "burnout        " << fixed(t.burnout_s, 1) << " s at "
            << fixed(t.burnout_height_m / 1e3, 1) << " km, " << fixed(t.burnout_speed_mps, 0)
            << " m/s\n"
            << "apogee         " << fixed(t.apogee_height_m / 1e3, 1) << " km at "
            << fixed(t.apogee_s, 1) << " s\n"
            << "ground range   " << fixed(t.ground_range_m / 1e3, 1) << " km\n"
            << "flight time    " << fixed(t.impact_s, 1) << " s (" << fixed(t.impact_s / 60.0, 1)
            << " min)\n"
            << "impact point   " << fixed(t.impact.lat_deg(), 4) << ", "
            << fixed(t.impact.lon_deg(), 4) << "\n"
            << "max speed      " << fixed(t.max_speed_mps, 0) << " m/s (Earth-relative)\n"
            << "impact speed   " << fixed(t.impact_speed_mps, 0) << " m/s (Mach "
            << fixed(t.impact_mach, 2) << ")\n"
            << "below 20 km    " << fixed(below_20km_s, 1) << " s after the apogee\n";
  if (t.pull_up_s)
    std::cout << "pull-up        at " << fixed(*t.pull_up_s, 1) << " s, "
              << fixed(t.geodetic_at(*t.pull_up_s).h_m / 1e3, 1) << " km\n";
  if (t.dive_s)
    std::cout << "dive           at " << fixed(*t.dive_s, 1) << " s, "
              << fixed(t.geodetic_at(*t.dive_s).h_m / 1e3, 1) << " km\n";
  if (o.every_s) {
    std::cout << "\n   t s  height km  speed m/s  Mach  gamma deg  downrange km\n";
    for (const double s : profile_times) {
      const auto r = profile_row(s);
      std::cout << pad_left(fixed(r.t_s, 0), 6) << pad_left(fixed(r.height_km, 1), 11)
                << pad_left(fixed(r.speed_mps, 0), 11) << pad_left(fixed(r.mach, 2), 6)
                << pad_left(fixed(r.gamma_deg, 1), 11) << pad_left(fixed(r.downrange_km, 1), 14)
                << "\n";
    }
  }
  return 0;
}

}  // namespace

void add_trajectory_command(CLI::App& app, int& exit_code) {
  auto opts = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("trajectory", "shape one ballistic flight and print its figures");
  cmd->add_option("--from", opts->from, "launch point LAT,LON (degrees)")->required();
  auto* az = cmd->add_option("--azimuth", opts->azimuth_deg, "launch azimuth (degrees from north)");
  auto* to = cmd->add_option("--to", opts->to, "aim point LAT,LON (degrees)");
  az->excludes(to);
  cmd->add_option("--apogee-km", opts->apogee_km, "requested apogee (km)");
  cmd->add_option("--range-km", opts->range_km, "requested ground range (km)");
  cmd->add_option("--class", opts->missile_class,
                  "srbm, irbm or icbm (default: smallest that can fly it)");
  cmd->add_option("--profile", opts->profile, "minimum-energy, lofted or depressed");
  cmd->add_flag("--json", opts->json, "print one JSON object");
  cmd->add_option("--every", opts->every_s,
                  "also print the altitude profile every this many seconds");
  cmd->callback([opts, &exit_code, az, to] {
    if (az->count() == 0 && to->count() == 0) {
      std::cerr << "trilink trajectory: --azimuth: give --azimuth or --to\n";
      exit_code = 2;
      return;
    }
    exit_code = run(*opts);
  });
}

}  // namespace trilink::app
