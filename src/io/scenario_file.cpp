#include "io/scenario_file.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <filesystem>
#include <numbers>
#include <set>
#include <string_view>

#include "base/rng.hpp"
#include "base/text.hpp"
#include "geo/angles.hpp"
#include "io/yaml_fields.hpp"
#include "scenario/raid.hpp"

namespace trilink::io {
namespace {

using scenario::Catalogue;
using scenario::Launch;
using scenario::LaunchSpec;
using scenario::Scenario;

using geo::deg_to_rad;

// The limits of every number and list in a scenario or the catalogue, by YAML key: what is
// physically sensible, and what keeps a run bounded in time and memory. docs/scenarios.md
// ("Limits") lists the same figures; change both together.
struct Limit {
  std::string_view key;
  double lo, hi;
};
constexpr Limit number_limits[] = {
    {"lat_deg", -90.0, 90.0},
    {"lon_deg", -180.0, 180.0},
    {"height_m", -500.0, 10'000.0},  // Dead Sea shore to a high mountain site
    {"boresight_deg", -360.0, 360.0},
    {"sector_deg", 0.0, 360.0},
    {"min_el_deg", -10.0, 90.0},
    {"max_el_deg", -10.0, 90.0},
    {"max_range_km", 1.0, 10'000.0},  // the largest early-warning radars reach ~5 000 km
    {"revisit_s", 0.1, 3600.0},       // faster than 10 Hz is not a surveillance revisit
    {"sigma_range_m", 0.0, 10'000.0},
    {"sigma_az_deg", 0.0, 10.0},
    {"sigma_el_deg", 0.0, 10.0},
    {"sigma_range_rate_mps", 0.0, 1000.0},
    {"ref_range_km", 1.0, 10'000.0},
    {"ref_snr_db", -50.0, 100.0},
    {"pfa", 0.0, 1.0},
    {"false_alarms_per_scan", 0.0, 100.0},
    {"clutter_max_range_rate_mps", 0.0, 10'000.0},
    {"bias_sigma_range_m", 0.0, 10'000.0},
    {"bias_sigma_az_deg", 0.0, 10.0},
    {"bias_sigma_el_deg", 0.0, 10.0},
    {"bias_range_m", -10'000.0, 10'000.0},
    {"bias_az_deg", -10.0, 10.0},
    {"bias_el_deg", -10.0, 10.0},
    {"time_s", 0.0, 21'600.0},  // launches within 6 h of the start
    {"azimuth_deg", -360.0, 360.0},
    {"range_km", 1.0, 20'000.0},  // half the Earth's circumference
    {"apogee_km", 1.0, 10'000.0},
    {"duration_s", 1.0, 43'200.0},  // 12 h
    {"truth_interval_s", 0.1, 600.0},
    {"route_factor", 1.0, 10.0},
    {"fibre_km", 0.0, 50'000.0},
    {"processing_ms", 0.0, 60'000.0},
    {"jitter_ms", 0.0, 60'000.0},
    {"loss", 0.0, 1.0},
    {"start_s", 0.0, 43'200.0},
    {"end_s", 0.0, 43'200.0},
    // Infrared satellites (sensor/infrared.hpp; the orbit's own checks: validate()).
    {"semi_major_axis_km", 1.0, 1'000'000.0},
    {"eccentricity", 0.0, 1e9},  // below 1: checked with its own message
    {"inclination_deg", 0.0, 180.0},
    {"node_lon_deg", -360.0, 360.0},
    {"arg_perigee_deg", -360.0, 360.0},
    {"mean_anomaly_deg", -360.0, 360.0},
    {"frame_s", 0.1, 600.0},
    {"sigma_urad", 0.1, 10'000.0},
    {"pd", 0.0, 1.0},
    {"false_alarms_per_frame", 0.0, 100.0},
    {"cloud_top_km", 0.0, 20.0},
    {"stare_lat_deg", -90.0, 90.0},
    {"stare_lon_deg", -180.0, 180.0},
    {"stare_radius_km", 0.0, 5'000.0},
    {"spread_mps", 0.0, 1'000.0},  // separation kicks are metres to tens of metres per second
    // Raids (docs/scenarios.md, "Raids"); a raid's start_s and end_s are launch times.
    {"window_s", 0.0, 21'600.0},
    {"radius_km", 0.0, 1'000.0},
    {"weight", 0.0, 1e6},  // above 0: checked with its own message
};
constexpr std::size_t max_launches = 100;      // written out and drawn by raids, together
constexpr std::uint64_t max_fragments = 1000;  // per launch
// Spent stages fly only where a launch says `stages: true`: on by default, the nodes' launch
// alerts for tracks on stages repeat every multi-stage launch's (docs/scenarios.md).
constexpr bool stages_by_default = false;
constexpr std::size_t max_raid_waves = 16;
constexpr std::size_t max_raid_choices = 1000;       // areas, classes or profiles of a wave
constexpr std::size_t max_aim_regions = 64;          // of a wave
constexpr std::size_t max_radars = 64;               // in a scenario
constexpr std::size_t max_satellites = 16;           // in a scenario
constexpr std::size_t max_catalogue_entries = 1000;  // launch areas, and radars
constexpr std::size_t max_area_files = 16;
constexpr std::size_t max_outages = 100;  // per link
// Radar looks over the whole run, sum over radars of duration_s / revisit_s.
constexpr double max_looks = 5e6;

Limit limit_of(std::string_view key) {
  for (const auto& l : number_limits)
    if (l.key == key) return l;
  assert(false && "a YAML key without a limit");
  return {key, 0.0, 0.0};
}
std::optional<double> optional_number(const Fields& f, std::string_view key) {
  const Limit l = limit_of(key);
  return f.optional_number(key, l.lo, l.hi);
}
double number(const Fields& f, std::string_view key) {
  const Limit l = limit_of(key);
  return f.number(key, l.lo, l.hi);
}
double number_or(const Fields& f, std::string_view key, double fallback) {
  const Limit l = limit_of(key);
  return f.number_or(key, fallback, l.lo, l.hi);
}
geo::Geodetic lat_lon(const Fields& f) {
  const double lat = number(f, "lat_deg");
  return geo::Geodetic::from_deg(lat, number(f, "lon_deg"));
}

// Radar fields in YAML units (degrees, km) -> RadarParams (radians, metres). Every key is
// optional so that a scenario can override any field of a catalogue entry.
constexpr std::string_view radar_keys[] = {"site",
                                           "name",
                                           "nation",
                                           "kind",
                                           "lat_deg",
                                           "lon_deg",
                                           "height_m",
                                           "boresight_deg",
                                           "sector_deg",
                                           "min_el_deg",
                                           "max_el_deg",
                                           "max_range_km",
                                           "revisit_s",
                                           "sigma_range_m",
                                           "sigma_az_deg",
                                           "sigma_el_deg",
                                           "sigma_range_rate_mps",
                                           "ref_range_km",
                                           "ref_snr_db",
                                           "pfa",
                                           "false_alarms_per_scan",
                                           "clutter_max_range_rate_mps",
                                           "bias_sigma_range_m",
                                           "bias_sigma_az_deg",
                                           "bias_sigma_el_deg",
                                           "bias_range_m",
                                           "bias_az_deg",
                                           "bias_el_deg",
                                           "note"};

void apply_radar_fields(const Fields& f, sensor::RadarParams& r) {
  f.only(radar_keys);
  if (auto v = f.optional_text("name")) r.name = *v;
  if (auto v = f.optional_text("nation")) {
    const auto nation = parse_nation(*v);
    if (!nation) f.fail_at("nation", "must be JPN, KOR or USA, got '" + *v + "'");
    r.nation = *nation;
  }
  if (auto v = optional_number(f, "lat_deg")) r.site.lat_rad = deg_to_rad(*v);
  if (auto v = optional_number(f, "lon_deg")) r.site.lon_rad = deg_to_rad(*v);
  if (auto v = optional_number(f, "height_m")) r.site.h_m = *v;
  if (auto v = optional_number(f, "boresight_deg"))
    r.boresight_az_rad = geo::wrap_two_pi(deg_to_rad(*v));
  if (auto v = optional_number(f, "sector_deg")) r.half_sector_rad = deg_to_rad(*v) / 2;
  if (auto v = optional_number(f, "min_el_deg")) r.min_el_rad = deg_to_rad(*v);
  if (auto v = optional_number(f, "max_el_deg")) r.max_el_rad = deg_to_rad(*v);
  if (auto v = optional_number(f, "max_range_km")) r.max_range_m = *v * 1e3;
  if (auto v = optional_number(f, "revisit_s")) r.revisit_s = *v;
  if (auto v = optional_number(f, "sigma_range_m")) r.sigma_range_m = *v;
  if (auto v = optional_number(f, "sigma_az_deg")) r.sigma_az_rad = deg_to_rad(*v);
  if (auto v = optional_number(f, "sigma_el_deg")) r.sigma_el_rad = deg_to_rad(*v);
  if (auto v = optional_number(f, "sigma_range_rate_mps")) r.sigma_range_rate_mps = *v;
  if (auto v = optional_number(f, "ref_range_km")) r.ref_range_m = *v * 1e3;
  if (auto v = optional_number(f, "ref_snr_db")) r.ref_snr_db = *v;
  if (auto v = optional_number(f, "pfa")) r.pfa = *v;
  if (auto v = optional_number(f, "false_alarms_per_scan")) r.false_alarms_per_scan = *v;
  if (auto v = optional_number(f, "clutter_max_range_rate_mps")) r.clutter_max_range_rate_mps = *v;
  if (auto v = optional_number(f, "bias_sigma_range_m")) r.bias_sigma_range_m = *v;
  if (auto v = optional_number(f, "bias_sigma_az_deg")) r.bias_sigma_az_rad = deg_to_rad(*v);
  if (auto v = optional_number(f, "bias_sigma_el_deg")) r.bias_sigma_el_rad = deg_to_rad(*v);
  if (f.has("bias_range_m") || f.has("bias_az_deg") || f.has("bias_el_deg")) {
    sensor::MeasurementBias b = r.fixed_bias.value_or(sensor::MeasurementBias{});
    if (auto v = optional_number(f, "bias_range_m")) b.range_m = *v;
    if (auto v = optional_number(f, "bias_az_deg")) b.az_rad = deg_to_rad(*v);
    if (auto v = optional_number(f, "bias_el_deg")) b.el_rad = deg_to_rad(*v);
    r.fixed_bias = b;
  }
}

// After all fields are applied: the checks across fields in YAML units, then the sensor's own
// validation, reported at this mapping under the YAML key.
void check_radar(const Fields& f, const sensor::RadarParams& r) {
  const auto inherited = [&](std::string_view key) {
    return f.has(key) ? std::string() : std::string(" (from the catalogue entry)");
  };
  if (r.max_el_rad <= r.min_el_rad)
    f.fail_at("max_el_deg", "must be above min_el_deg (" + fixed(geo::rad_to_deg(r.min_el_rad), 3) +
                                " deg), got " + fixed(geo::rad_to_deg(r.max_el_rad), 3) + " deg" +
                                inherited("max_el_deg"));
  if (auto ok = sensor::validate(r); !ok) {
    const std::string& key = ok.error().where;
    static const std::map<std::string, std::string> yaml_name = {
        {"site.lat_rad", "lat_deg"},
        {"site.lon_rad", "lon_deg"},
        {"site.h_m", "height_m"},
        {"boresight_az_rad", "boresight_deg"},
        {"half_sector_rad", "sector_deg"},
        {"min_el_rad", "min_el_deg"},
        {"max_el_rad", "max_el_deg"},
        {"max_range_m", "max_range_km"},
        {"sigma_az_rad", "sigma_az_deg"},
        {"sigma_el_rad", "sigma_el_deg"},
        {"ref_range_m", "ref_range_km"},
        {"bias_sigma_az_rad", "bias_sigma_az_deg"},
        {"bias_sigma_el_rad", "bias_sigma_el_deg"},
        {"fixed_bias.range_m", "bias_range_m"},
        {"fixed_bias.az_rad", "bias_az_deg"},
        {"fixed_bias.el_rad", "bias_el_deg"}};
    const auto it = yaml_name.find(key);
    const std::string name = it == yaml_name.end() ? key : it->second;
    f.fail_at(name, ok.error().what + inherited(name));
  }
}

// Satellite fields in YAML units -> IrSatelliteParams. In the catalogue every orbit and
// sensor key is required; a scenario names catalogue satellites only.
constexpr std::string_view satellite_keys[] = {"nation",
                                               "kind",
                                               "semi_major_axis_km",
                                               "eccentricity",
                                               "inclination_deg",
                                               "node_lon_deg",
                                               "arg_perigee_deg",
                                               "mean_anomaly_deg",
                                               "frame_s",
                                               "sigma_urad",
                                               "pd",
                                               "false_alarms_per_frame",
                                               "cloud_top_km",
                                               "stare_lat_deg",
                                               "stare_lon_deg",
                                               "stare_radius_km",
                                               "note"};

sensor::IrSatelliteParams read_satellite(const Fields& f, const std::string& name) {
  f.only(satellite_keys);
  for (auto key : satellite_keys)
    if (key != "kind" && key != "note" && !f.has(key)) f.fail_at(key, "required");
  sensor::IrSatelliteParams p;
  p.name = name;
  const std::string n = f.text("nation");
  const auto nation = parse_nation(n);
  if (!nation) f.fail_at("nation", "must be JPN, KOR or USA, got '" + n + "'");
  p.nation = *nation;
  auto& o = p.orbit;
  o.semi_major_axis_m = number(f, "semi_major_axis_km") * 1e3;
  o.eccentricity = number(f, "eccentricity");
  if (!(o.eccentricity < 1.0))
    f.fail_at("eccentricity", "must be below 1 (a closed orbit), got " + fixed(o.eccentricity, 3));
  o.inclination_rad = deg_to_rad(number(f, "inclination_deg"));
  o.node_lon_rad = deg_to_rad(number(f, "node_lon_deg"));
  o.arg_perigee_rad = deg_to_rad(number(f, "arg_perigee_deg"));
  o.mean_anomaly_rad = deg_to_rad(number(f, "mean_anomaly_deg"));
  p.frame_s = number(f, "frame_s");
  p.sigma_rad = number(f, "sigma_urad") * 1e-6;
  p.pd = number(f, "pd");
  p.false_alarms_per_frame = number(f, "false_alarms_per_frame");
  p.cloud_top_m = number(f, "cloud_top_km") * 1e3;
  p.stare = geo::Geodetic::from_deg(number(f, "stare_lat_deg"), number(f, "stare_lon_deg"));
  p.stare_radius_m = number(f, "stare_radius_km") * 1e3;
  if (auto ok = sensor::validate(p); !ok) {
    static const std::map<std::string, std::string> yaml_name = {
        {"orbit.semi_major_axis_m", "semi_major_axis_km"},
        {"orbit.eccentricity", "eccentricity"},
        {"orbit.perigee", "eccentricity"},
        {"orbit.inclination_rad", "inclination_deg"},
        {"frame_s", "frame_s"},
        {"sigma_rad", "sigma_urad"},
        {"pd", "pd"},
        {"cloud_top_m", "cloud_top_km"},
        {"stare_radius_m", "stare_radius_km"}};
    const auto it = yaml_name.find(ok.error().where);
    f.fail_at(it == yaml_name.end() ? ok.error().where : it->second, ok.error().what);
  }
  return p;
}

scenario::LinkParams read_params(const Fields& f, scenario::LinkParams p) {
  if (auto v = optional_number(f, "fibre_km")) p.fibre_m = *v * 1e3;
  p.processing_s = number_or(f, "processing_ms", p.processing_s * 1e3) / 1e3;
  p.jitter_s = number_or(f, "jitter_ms", p.jitter_s * 1e3) / 1e3;
  p.loss = number_or(f, "loss", p.loss);
  if (f.has("outages")) {
    const YAML::Node list = f.list("outages", max_outages, "a list of {start_s, end_s}");
    std::size_t i = 0;
    for (const auto& item : list) {
      const Fields o = element(f, "outages", item, i++);
      o.only({"start_s", "end_s"});
      scenario::Outage w{number(o, "start_s"), number(o, "end_s")};
      if (w.end_s <= w.start_s) o.fail_at("end_s", "must be after start_s");
      p.outages.push_back(w);
    }
  }
  return p;
}

// A node name from a YAML scalar, or an error at `key`.
std::string node_name(const Fields& f, std::string_view key, const YAML::Node& n) {
  if (!n.IsScalar() || n.Scalar().empty()) f.fail_at(key, "expected a node name");
  return n.Scalar();
}

scenario::Network read_network(const Fields& f) {
  scenario::Network n = scenario::default_network();
  f.only({"route_factor", "processing_ms", "jitter_ms", "loss", "nodes", "links"});
  n.route_factor = number_or(f, "route_factor", n.route_factor);
  n.defaults = read_params(f, n.defaults);
  std::string known;
  for (const auto& node : n.nodes) known += (known.empty() ? "" : ", ") + node.name;
  if (f.has("nodes")) {
    const YAML::Node list = f.list("nodes", n.nodes.size(), "a list of {name, lat_deg, lon_deg}");
    std::set<std::string> seen;
    std::size_t i = 0;
    for (const auto& item : list) {
      const Fields e = element(f, "nodes", item, i++);
      e.only({"name", "lat_deg", "lon_deg"});
      const std::string name = e.text("name");
      auto it = std::ranges::find(n.nodes, name, &scenario::NodeSite::name);
      if (it == n.nodes.end()) e.fail_at("name", "unknown node '" + name + "' (" + known + ")");
      if (!seen.insert(name).second) e.fail_at("name", "node '" + name + "' is listed twice");
      it->site = lat_lon(e);
    }
  }
  if (f.has("links")) {
    const scenario::NodeSite* hub = n.hub();
    assert(hub);
    const YAML::Node list = f.list("links", n.nodes.size() - 1,
                                   "a list of links, each {between: [NODE, " + hub->name + "]}");
    std::size_t i = 0;
    for (const auto& item : list) {
      const Fields e = element(f, "links", item, i++);
      e.only({"between", "fibre_km", "processing_ms", "jitter_ms", "loss", "outages"});
      const YAML::Node between = e.node("between");
      if (!between.IsSequence() || between.size() != 2)
        e.fail_at("between", "expected two node names, e.g. [KAMD, " + hub->name + "]");
      scenario::LinkSpec l;
      l.a = node_name(e, "between", between[0]);
      l.b = node_name(e, "between", between[1]);
      for (const auto& name : {l.a, l.b})
        if (!n.node(name)) e.fail_at("between", "unknown node '" + name + "' (" + known + ")");
      if (l.a == l.b) e.fail_at("between", "a link joins two different nodes");
      // Every message between nations passes through the hub: a national node has one link,
      // to the hub, and Japan and Korea are never linked directly (DESIGN.md).
      if (l.a != hub->name && l.b != hub->name)
        e.fail_at("between", "no link joins " + l.a + " and " + l.b +
                                 ": national nodes are linked only to the hub " + hub->name +
                                 " (Japan and Korea are never linked directly)");
      for (const auto& other : n.links)
        if ((other.a == l.a && other.b == l.b) || (other.a == l.b && other.b == l.a))
          e.fail_at("between", "the link " + l.a + "-" + l.b + " is listed twice");
      l.params = read_params(e, n.defaults);
      n.links.push_back(std::move(l));
    }
  }
  return n;
}

// The mapping under `key`, with at most `max` entries.
YAML::Node entries(const Fields& top, std::string_view key, std::size_t max) {
  const YAML::Node m = top.node(key);
  if (!m.IsMap()) top.fail_at(key, "expected a mapping of names");
  if (m.size() > max)
    top.fail_at(key, "at most " + std::to_string(max) + " entries allowed, got " +
                         std::to_string(m.size()));
  return m;
}

Catalogue read_catalogue(const YAML::Node& root, const std::string& path) {
  const Fields top(root, "", path);
  top.only({"launch_areas", "radars", "satellites"});
  Catalogue c;
  if (top.has("launch_areas")) {
    const YAML::Node m = entries(top, "launch_areas", max_catalogue_entries);
    const Fields areas(m, "launch_areas", path);
    for (const auto& kv : m) {
      const std::string name = kv.first.Scalar();
      const Fields a(kv.second, areas.field(name), path);
      a.only({"lat_deg", "lon_deg", "note"});
      c.launch_areas[name] = lat_lon(a);
    }
  }
  if (top.has("radars")) {
    const YAML::Node m = entries(top, "radars", max_catalogue_entries);
    const Fields radars(m, "radars", path);
    for (const auto& kv : m) {
      const std::string name = kv.first.Scalar();
      const Fields r(kv.second, radars.field(name), path);
      sensor::RadarParams p;
      p.name = name;
      apply_radar_fields(r, p);
      if (r.has("site")) r.fail_at("site", "not allowed in the catalogue");
      // The entry's key names the radar: a `name` that differs would make one radar answer
      // to two names (found by fuzzing, docs/reliability.md).
      if (r.has("name"))
        r.fail_at("name", "not allowed in the catalogue (the key names the radar)");
      for (auto key : {"nation", "lat_deg", "lon_deg", "max_range_km", "revisit_s"})
        if (!r.has(key)) r.fail_at(key, "required");
      check_radar(r, p);
      c.radars[name] = p;
    }
  }
  if (top.has("satellites")) {
    const YAML::Node m = entries(top, "satellites", max_catalogue_entries);
    const Fields sats(m, "satellites", path);
    for (const auto& kv : m) {
      const std::string name = kv.first.Scalar();
      if (!kv.second.IsMap()) sats.fail_at(name, "expected a mapping of orbit and sensor fields");
      c.satellites[name] = read_satellite(Fields(kv.second, sats.field(name), path), name);
    }
  }
  return c;
}

// A launch's (or a raid wave's) spent stages and fragments: `stages` and `debris`.
flight::DebrisRequest read_debris_request(const Fields& f) {
  flight::DebrisRequest r;
  r.stages = stages_by_default;
  if (f.has("stages")) {
    const YAML::Node st = f.node("stages");
    if (!st.IsScalar() || (st.Scalar() != "true" && st.Scalar() != "false"))
      f.fail_at("stages", "expected true or false");
    r.stages = st.Scalar() == "true";
  }
  if (f.has("debris")) {
    if (!f.node("debris").IsMap())
      f.fail_at("debris", "expected a mapping {fragments: N, spread_mps: S}");
    const Fields d(f.node("debris"), f.field("debris"), f.file());
    d.only({"fragments", "spread_mps"});
    if (!d.has("fragments")) d.fail_at("fragments", "required");
    const std::uint64_t n = d.integer("fragments", 0);
    if (n > max_fragments)
      d.fail_at("fragments", "at most " + std::to_string(max_fragments) + " per launch, got " +
                                 std::to_string(n));
    r.fragments = static_cast<std::uint32_t>(n);
    r.spread_mps = number_or(d, "spread_mps", r.spread_mps);
  }
  return r;
}

LaunchSpec read_launch(const Fields& f, const Catalogue& cat) {
  f.only({"id", "area", "lat_deg", "lon_deg", "time_s", "azimuth_deg", "aim", "class", "profile",
          "apogee_km", "range_km", "stages", "debris", "note"});
  LaunchSpec l;
  l.id = f.text("id");
  if (l.id.empty() || l.id.size() > 64 || l.id.find_first_of(",\"\n") != std::string::npos)
    f.fail_at("id", "must be text of 1 to 64 characters without commas or quotes");
  if (f.has("area")) {
    if (f.has("lat_deg") || f.has("lon_deg")) f.fail_at("area", "give either area or lat/lon");
    l.area = f.text("area");
    const auto it = cat.launch_areas.find(l.area);
    if (it == cat.launch_areas.end())
      f.fail_at("area", "unknown launch area '" + l.area + "' (not in the catalogue)");
    l.request.site = it->second;
  } else {
    l.request.site = lat_lon(f);
  }
  l.time_s = number_or(f, "time_s", 0.0);
  const bool has_az = f.has("azimuth_deg"), has_aim = f.has("aim");
  if (has_az == has_aim) f.fail_at("azimuth_deg", "give exactly one of azimuth_deg or aim");
  const auto range_km = optional_number(f, "range_km");
  if (has_az) {
    l.request.azimuth_rad = geo::wrap_two_pi(deg_to_rad(number(f, "azimuth_deg")));
    if (!range_km) f.fail_at("range_km", "required with azimuth_deg");
    l.request.range_m = *range_km * 1e3;
  } else {
    const Fields aim(f.node("aim"), f.field("aim"), f.file());
    aim.only({"lat_deg", "lon_deg"});
    const auto target = lat_lon(aim);
    const auto path = geo::geodesic_inverse(l.request.site, target);
    const Limit range = limit_of("range_km");
    if (path.distance_m < range.lo * 1e3)
      aim.fail_here("must be at least " + fixed(range.lo, 0) + " km from the launch point, is " +
                    fixed(path.distance_m, 0) + " m");
    l.request.azimuth_rad = path.azimuth_rad;
    l.request.range_m = path.distance_m;
    if (range_km && std::abs(*range_km * 1e3 - path.distance_m) > 0.01 * path.distance_m)
      f.fail_at("range_km", "disagrees with aim, which is " +
                                std::to_string(static_cast<int>(path.distance_m / 1e3)) +
                                " km away");
  }
  if (auto c = f.optional_text("class")) {
    l.request.missile_class = flight::parse_missile_class(*c);
    if (!l.request.missile_class)
      f.fail_at("class", "must be srbm, irbm or icbm, got '" + *c + "'");
  }
  if (auto p = f.optional_text("profile")) {
    l.request.profile = flight::parse_profile(*p);
    if (!l.request.profile)
      f.fail_at("profile", "must be minimum-energy, lofted or depressed, got '" + *p + "'");
    l.profile_label = *p;
  }
  if (auto a = optional_number(f, "apogee_km")) l.request.apogee_m = *a * 1e3;
  if (!l.request.apogee_m && !l.request.profile)
    f.fail_at("apogee_km", "required unless a profile is given");
  if (l.profile_label.empty())
    l.profile_label = l.request.profile ? std::string(flight::to_string(*l.request.profile)) : "";
  l.debris = read_debris_request(f);
  return l;
}

// The seed of a launch's debris: the scenario's, mixed with the launch id (FNV-1a), so that
// a launch keeps its fragments whatever other launches the scenario holds.
std::uint64_t debris_seed(std::uint64_t scenario_seed, const std::string& launch_id) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (const unsigned char c : launch_id) h = (h ^ c) * 0x100000001b3ULL;
  return Rng::stream(scenario_seed, h).next();
}

// A number, or a `[low, high]` pair, under `key`: each within the key's limits, low <= high.
// A number is the pair (v, v).
std::pair<double, double> span(const Fields& f, std::string_view key) {
  const YAML::Node n = f.node(key);
  if (!n.IsSequence()) {
    const double v = number(f, key);
    return {v, v};
  }
  const Limit l = limit_of(key);
  double v[2];
  if (n.size() != 2) f.fail_at(key, "expected a number or a [low, high] pair");
  for (std::size_t i = 0; i < 2; ++i) {
    if (!n[i].IsScalar() || !YAML::convert<double>::decode(n[i], v[i]) || !std::isfinite(v[i]))
      f.fail_at(key, "expected a number or a [low, high] pair of numbers");
    if (v[i] < l.lo || v[i] > l.hi)
      f.fail_at(
          key, "must be in [" + fixed(l.lo, 0) + ", " + fixed(l.hi, 0) + "], got " + n[i].Scalar());
  }
  if (v[0] > v[1]) f.fail_at(key, "low end " + n[0].Scalar() + " above high end " + n[1].Scalar());
  return {v[0], v[1]};
}

// A weight under `key` (a `weight:` field, or a name in a mapping of name to weight).
double weight(const Fields& f, std::string_view key) {
  const Limit l = limit_of("weight");
  const double w = f.number(key, l.lo, l.hi);
  if (w <= 0.0) f.fail_at(key, "a weight must be above 0");
  return w;
}

// The options under a raid's `key`: one name, a list of names (equal weights), or a mapping of
// name to weight; `parse` turns a name into its value (nullopt: not a `kind`, and `known` says
// what would be).
template <typename T, typename Parse>
std::vector<scenario::Weighted<T>> choices(const Fields& f, std::string_view key, Parse&& parse,
                                           const std::string& kind, const std::string& known) {
  std::vector<scenario::Weighted<T>> out;
  std::vector<std::string> names;
  const auto add = [&](const std::string& name, double w, const Fields& at, std::string_view k) {
    const std::optional<T> value = parse(name);
    if (!value) at.fail_at(k, "unknown " + kind + " '" + name + "' (" + known + ")");
    if (std::ranges::find(names, name) != names.end()) at.fail_at(k, "'" + name + "' given twice");
    names.push_back(name);
    out.push_back({*value, w});
  };
  const YAML::Node n = f.node(key);
  const std::string size_error = "expected a name, a list of 1 to " +
                                 std::to_string(max_raid_choices) + " names, or a mapping of " +
                                 "name to weight";
  if (n.IsScalar()) {
    add(n.Scalar(), 1.0, f, key);
  } else if (n.IsSequence()) {
    if (n.size() == 0 || n.size() > max_raid_choices) f.fail_at(key, size_error);
    for (const auto& item : n) {
      if (!item.IsScalar()) f.fail_at(key, size_error);
      add(item.Scalar(), 1.0, f, key);
    }
  } else {
    if (n.size() == 0 || n.size() > max_raid_choices) f.fail_at(key, size_error);
    const Fields weights(n, f.field(key), f.file());
    for (const auto& kv : n) {
      const std::string name = kv.first.Scalar();
      add(name, weight(weights, name), weights, name);
    }
  }
  return out;
}

// An aim region: `lat_deg` and `lon_deg` each a number or a [low, high] pair (a box), or both
// numbers and a `radius_km` (a disc around the point).
scenario::AimRegion read_aim_region(const Fields& f) {
  f.only({"name", "lat_deg", "lon_deg", "radius_km", "weight", "note"});
  scenario::AimRegion a;
  a.name = f.text("name");
  const auto [south, north] = span(f, "lat_deg");
  const auto [west, east] = span(f, "lon_deg");
  a.south_rad = deg_to_rad(south);
  a.north_rad = deg_to_rad(north);
  a.west_rad = deg_to_rad(west);
  a.east_rad = deg_to_rad(east);
  if (f.has("radius_km")) {
    if (south != north || west != east)
      f.fail_at("radius_km", "only around a point (lat_deg and lon_deg single numbers)");
    a.radius_m = number(f, "radius_km") * 1e3;
  }
  a.weight = f.has("weight") ? weight(f, "weight") : 1.0;
  return a;
}

// One wave of a raid; its `stages` and `debris` go to every launch it draws (fragments only
// where the drawn class separates something: an SRBM flies on whole).
scenario::RaidWave read_raid_wave(const Fields& f, const Catalogue& cat,
                                  std::uint64_t scenario_seed) {
  f.only({"count", "window_s", "start_s", "end_s", "seed", "id_prefix", "areas", "classes",
          "profiles", "apogee_km", "aims", "stages", "debris", "note"});
  scenario::RaidWave w;
  w.debris = read_debris_request(f);
  if (!f.has("count")) f.fail_at("count", "required");
  w.count = f.integer("count", 0);
  if (w.count < 1 || w.count > max_launches)
    f.fail_at("count",
              "must be 1 to " + std::to_string(max_launches) + ", got " + std::to_string(w.count));
  w.start_s = number_or(f, "start_s", 0.0);
  if (f.has("window_s") == f.has("end_s"))
    f.fail_at("window_s", "give exactly one of window_s or end_s");
  w.end_s = f.has("window_s") ? w.start_s + number(f, "window_s") : number(f, "end_s");
  const std::string_view end_key = f.has("window_s") ? "window_s" : "end_s";
  if (w.end_s < w.start_s)
    f.fail_at(end_key, "the window ends at " + fixed(w.end_s, 1) + " s, before its start at " +
                           fixed(w.start_s, 1) + " s");
  if (w.end_s > limit_of("time_s").hi)
    f.fail_at(end_key, "the window ends at " + fixed(w.end_s, 1) + " s; launches come at most " +
                           fixed(limit_of("time_s").hi, 0) + " s after the start");
  w.seed = f.integer("seed", scenario_seed);
  w.id_prefix = f.optional_text("id_prefix").value_or("R");
  if (w.id_prefix.empty() || w.id_prefix.size() > 32 ||
      w.id_prefix.find_first_of(",\"\n") != std::string::npos)
    f.fail_at("id_prefix", "must be text of 1 to 32 characters without commas or quotes");
  if (f.has("areas"))
    w.areas = choices<std::string>(
        f, "areas",
        [&](const std::string& name) {
          return cat.launch_areas.contains(name) ? std::optional(name) : std::nullopt;
        },
        "launch area", "not in the catalogue");
  if (f.has("classes"))
    w.classes = choices<flight::MissileClass>(f, "classes", flight::parse_missile_class, "class",
                                              "srbm, irbm or icbm");
  if (f.has("profiles"))
    w.profiles = choices<flight::Profile>(f, "profiles", flight::parse_profile, "profile",
                                          "minimum-energy, lofted or depressed");
  else
    w.profiles = {{flight::Profile::minimum_energy, 1.0}};
  if (f.has("apogee_km")) {
    const auto [lo, hi] = span(f, "apogee_km");
    w.apogee_lo_m = lo * 1e3;
    w.apogee_hi_m = hi * 1e3;
  }
  const YAML::Node aims = f.list("aims", max_aim_regions, "a list of aim regions");
  std::size_t i = 0;
  for (const auto& item : aims) {
    const Fields a = element(f, "aims", item, i++);
    w.aims.push_back(read_aim_region(a));
    for (std::size_t k = 0; k + 1 < w.aims.size(); ++k)
      if (w.aims[k].name == w.aims.back().name)
        a.fail_at("name", "aim region '" + w.aims.back().name + "' is named twice");
  }
  return w;
}

// `path` names the file (or text) in errors, and its folder is where relative paths lead.
// The catalogue is `given`, else the one at `cat_override`, else the scenario's own.
Scenario read_scenario(const YAML::Node& root, const std::string& path,
                       const std::optional<std::string>& cat_override, const Catalogue* given,
                       ShapeLaunches shaping) {
  const Fields top(root, "", path);
  top.only({"name", "description", "start", "seed", "duration_s", "catalogue", "launches", "raid",
            "radars", "truth_interval_s", "network", "policy", "areas", "coastline", "satellites",
            "space", "cloud_top_km"});
  Scenario s;
  s.file = path;
  s.name = top.text("name");
  s.description = top.optional_text("description").value_or("");
  const auto start = geo::parse_utc(top.text("start"));
  if (!start) top.fail_at("start", start.error().what);
  s.start = *start;
  s.seed = top.integer("seed", 1);
  s.truth_interval_s = number_or(top, "truth_interval_s", 1.0);

  Catalogue read;
  if (!given) {
    std::string cat_path;
    if (cat_override) {
      cat_path = *cat_override;
    } else {
      const auto dir = std::filesystem::path(path).parent_path();
      cat_path = (dir / top.optional_text("catalogue").value_or("catalogue.yaml")).string();
    }
    read = read_catalogue(load_yaml_file(cat_path), cat_path);
  } else if (top.has("catalogue")) {
    static_cast<void>(top.optional_text("catalogue"));  // still checked to be text
  }
  const Catalogue& cat = given ? *given : read;

  double last_impact_s = 0.0;
  // Flies `spec` (unless shaping is off) and adds it to the scenario. A shaping error names
  // the request's field in its `where`; `fail` reports it at the file's field (and throws).
  // A raid's fragments go only to the launches whose class separates something
  // (`drawn`); a written-out launch that asks for them on an SRBM is an error.
  const auto add_launch = [&](LaunchSpec spec, const auto& fail, bool drawn = false) {
    if (shaping == ShapeLaunches::no) {
      last_impact_s = std::max(last_impact_s, spec.time_s);
      s.launches.push_back(Launch{spec, s.start.plus_seconds(spec.time_s), {}, {}});
      return;
    }
    auto shaped = flight::shape(spec.request);
    if (!shaped) fail(shaped.error());
    Launch launch{spec, s.start.plus_seconds(spec.time_s), std::move(*shaped), {}};
    if (drawn && flight::separation_times(launch.shaped.plan).empty())
      launch.spec.debris.fragments = 0;
    if (launch.spec.debris.fragments > 0 && flight::separation_times(launch.shaped.plan).empty())
      fail(Error{"debris",
                 "a " + std::string(flight::to_string(launch.shaped.plan.vehicle.missile_class)) +
                     " flies on whole and separates nothing to make fragments"});
    launch.debris = flight::release_debris(launch.shaped.plan, launch.shaped.flight.trajectory,
                                           launch.spec.debris, debris_seed(s.seed, spec.id));
    last_impact_s = std::max(last_impact_s, spec.time_s + launch.shaped.flight.trajectory.impact_s);
    s.launches.push_back(std::move(launch));
  };

  if (top.has("launches") || !top.has("raid")) {
    const YAML::Node launches =
        top.list("launches", max_launches, "a list of at least one launch (or a raid)");
    std::size_t i = 0;
    for (const auto& item : launches) {
      const Fields f = element(top, "launches", item, i++);
      LaunchSpec spec = read_launch(f, cat);
      for (const auto& other : s.launches)
        if (other.spec.id == spec.id) f.fail_at("id", "duplicate launch id '" + spec.id + "'");
      add_launch(std::move(spec), [&](const Error& e) {
        // Report the key the file used for each of the request's fields.
        std::string key = e.where;
        if (f.has("aim") && (key == "azimuth_deg" || (key == "range_km" && !f.has(key))))
          key = "aim";
        if (key == "apogee_km" && !f.has(key)) key = "profile";
        f.fail_at(key, e.what);
      });
    }
  }

  if (top.has("raid")) {
    const YAML::Node raid = top.node("raid");
    std::vector<Fields> waves;
    if (raid.IsMap()) {
      waves.emplace_back(raid, top.field("raid"), path);
    } else if (raid.IsSequence() && raid.size() >= 1 && raid.size() <= max_raid_waves) {
      std::size_t k = 0;
      for (const auto& item : raid) waves.push_back(element(top, "raid", item, k++));
    } else {
      top.fail_at("raid", "expected a raid (a mapping) or a list of 1 to " +
                              std::to_string(max_raid_waves) + " waves");
    }
    std::size_t first_number = 1;  // ids run on across the waves
    for (const Fields& wf : waves) {
      const scenario::RaidWave wave = read_raid_wave(wf, cat, s.seed);
      if (s.launches.size() + wave.count > max_launches)
        wf.fail_at("count", "makes " + std::to_string(s.launches.size() + wave.count) +
                                " launches in the scenario; at most " +
                                std::to_string(max_launches) + " allowed");
      for (auto& drawn : scenario::expand_raid(wave, cat, first_number)) {
        const LaunchSpec& spec = drawn.spec;
        const Fields aim = element(wf, "aims", wf.node("aims")[drawn.aim_index], drawn.aim_index);
        const std::string which = "launch " + spec.id + " from " + spec.area + " aimed at " +
                                  fixed(drawn.aim.lat_deg(), 3) + " N " +
                                  fixed(drawn.aim.lon_deg(), 3) + " E";
        for (const auto& other : s.launches)
          if (other.spec.id == spec.id)
            wf.fail_at("id_prefix", "draws launch id '" + spec.id + "', which is taken");
        const Limit range = limit_of("range_km");
        if (spec.request.range_m < range.lo * 1e3)
          aim.fail_here(which + ": the aim point must be at least " + fixed(range.lo, 0) +
                        " km from the launch area, is " + fixed(spec.request.range_m, 0) + " m");
        add_launch(
            drawn.spec,
            [&](const Error& e) {
              if (e.where == "apogee_km" && wf.has("apogee_km"))
                wf.fail_at("apogee_km", which + ": " + e.what);
              if (e.where == "apogee_km") wf.fail_at("profiles", which + ": " + e.what);
              if (e.where == "class" && wf.has("classes"))
                wf.fail_at("classes", which + ": " + e.what);
              aim.fail_here(which + ": " + e.what);
            },
            true);
      }
      first_number += wave.count;
    }
  }

  if (top.has("radars") && top.node("radars").IsScalar()) {
    if (top.node("radars").Scalar() != "all")
      top.fail_at("radars", "expected a list of radars or 'all'");
    if (cat.radars.size() > max_radars)
      top.fail_at("radars", "'all' takes " + std::to_string(cat.radars.size()) +
                                " radars from the catalogue; at most " +
                                std::to_string(max_radars) + " allowed");
    if (cat.radars.empty()) top.fail_at("radars", "'all': the catalogue has no radars");
    for (const auto& [name, params] : cat.radars) s.radars.push_back(params);
  } else {
    const YAML::Node radars =
        top.list("radars", max_radars, "a list of at least one radar, or 'all'");
    std::size_t i = 0;
    for (const auto& item : radars) {
      const Fields f = element(top, "radars", item, i++);
      sensor::RadarParams r;
      if (f.has("site")) {
        const std::string site = f.text("site");
        const auto it = cat.radars.find(site);
        if (it == cat.radars.end()) f.fail_at("site", "unknown radar site '" + site + "'");
        r = it->second;
      } else {
        for (auto key : {"name", "nation", "lat_deg", "lon_deg", "max_range_km", "revisit_s"})
          if (!f.has(key)) f.fail_at(key, "required for a radar not taken from the catalogue");
      }
      apply_radar_fields(f, r);
      check_radar(f, r);
      for (const auto& other : s.radars)
        if (other.name == r.name) f.fail_here("duplicate radar name '" + r.name + "'");
      s.radars.push_back(r);
    }
  }
  // Satellites: `satellites: all`, `none` or a list of catalogue names; without the key, every
  // catalogue satellite (on by default, docs/sensors.md). `space: false` turns them off.
  std::optional<bool> space_key;
  if (top.has("space")) {
    const YAML::Node sp = top.node("space");
    if (!sp.IsScalar() || (sp.Scalar() != "true" && sp.Scalar() != "false"))
      top.fail_at("space", "expected true or false");
    space_key = sp.Scalar() == "true";
  }
  const bool space = space_key.value_or(true);
  if (top.has("satellites")) {
    const YAML::Node sn = top.node("satellites");
    if (sn.IsScalar()) {
      if (sn.Scalar() == "all") {
        for (const auto& [name, p] : cat.satellites) s.satellites.push_back(p);
      } else if (sn.Scalar() != "none") {
        top.fail_at("satellites", "expected a list of catalogue satellites, 'all' or 'none'");
      }
    } else {
      const YAML::Node list =
          top.list("satellites", max_satellites, "a list of catalogue satellites, 'all' or 'none'");
      for (const auto& item : list) {
        if (!item.IsScalar()) top.fail_at("satellites", "expected satellite names");
        const auto it = cat.satellites.find(item.Scalar());
        if (it == cat.satellites.end())
          top.fail_at("satellites", "unknown satellite '" + item.Scalar() + "'");
        for (const auto& other : s.satellites)
          if (other.name == item.Scalar())
            top.fail_at("satellites", "'" + item.Scalar() + "' is listed twice");
        s.satellites.push_back(it->second);
      }
    }
  } else if (space) {
    for (const auto& [name, p] : cat.satellites) s.satellites.push_back(p);
  }
  if (s.satellites.size() > max_satellites)
    top.fail_at("satellites", "at most " + std::to_string(max_satellites) + " satellites allowed");
  const auto cloud_top_km = optional_number(top, "cloud_top_km");
  for (auto& p : s.satellites) {
    p.orbit.epoch = s.start;
    if (cloud_top_km) p.cloud_top_m = *cloud_top_km * 1e3;
  }
  if (!space) s.satellites.clear();

  s.duration_s = number_or(top, "duration_s", last_impact_s + 30.0);
  if (!top.has("duration_s") && s.duration_s > limit_of("duration_s").hi)
    top.fail_at(top.has("launches") ? "launches" : "raid",
                "the last impact comes " + fixed(last_impact_s, 0) +
                    " s after the start; a run lasts at most " +
                    fixed(limit_of("duration_s").hi, 0) + " s");
  double looks = 0.0;
  for (const auto& r : s.radars) looks += s.duration_s / r.revisit_s;
  for (const auto& p : s.satellites) looks += s.duration_s / p.frame_s;
  if (looks > max_looks)
    top.fail_at("duration_s", "the radars would look " + fixed(looks, 0) + " times in " +
                                  fixed(s.duration_s, 0) + " s; at most " + fixed(max_looks, 0) +
                                  " (shorten the run, use fewer radars or a longer revisit_s)");

  const auto dir = std::filesystem::path(path).parent_path();
  const auto beside = [&](const std::string& p) { return (dir / p).lexically_normal().string(); };
  if (top.has("network")) {
    if (!top.node("network").IsMap()) top.fail_at("network", "expected a mapping");
    s.network = read_network(Fields(top.node("network"), top.field("network"), path));
  }
  s.policy_path = beside(top.optional_text("policy").value_or("../deploy/policy.yaml"));
  if (top.has("areas")) {
    const YAML::Node areas =
        top.list("areas", max_area_files, "a list of at least one GeoJSON file");
    for (const auto& item : areas) {
      if (!item.IsScalar() || item.Scalar().empty())
        top.fail_at("areas", "expected a list of GeoJSON file names");
      const std::string file = beside(item.Scalar());
      if (std::ranges::find(s.area_paths, file) != s.area_paths.end())
        top.fail_at("areas", "'" + item.Scalar() + "' is listed twice");
      s.area_paths.push_back(file);
    }
  } else {
    s.area_paths = {beside("areas/japan.geojson"), beside("areas/korea.geojson"),
                    beside("areas/usa.geojson")};
  }
  s.coastline_path = beside(top.optional_text("coastline").value_or("areas/region.geojson"));
  return s;
}

}  // namespace

Expected<Catalogue> load_catalogue(const std::string& path) {
  try {
    return read_catalogue(load_yaml_file(path), path);
  } catch (const InputError& e) {
    return std::unexpected(e.error);
  } catch (const YAML::Exception& e) {
    return fail(path, std::string("YAML: ") + e.what());
  }
}

Expected<Catalogue> parse_catalogue(const std::string& text, const std::string& source) {
  try {
    return read_catalogue(parse_yaml(text, source), source);
  } catch (const InputError& e) {
    return std::unexpected(e.error);
  } catch (const YAML::Exception& e) {
    return fail(source, std::string("YAML: ") + e.what());
  }
}

Expected<Scenario> load_scenario(const std::string& path,
                                 const std::optional<std::string>& catalogue_path,
                                 ShapeLaunches shaping) {
  try {
    return read_scenario(load_yaml_file(path), path, catalogue_path, nullptr, shaping);
  } catch (const InputError& e) {
    return std::unexpected(e.error);
  } catch (const YAML::Exception& e) {
    return fail(path, std::string("YAML: ") + e.what());
  }
}

Expected<Scenario> parse_scenario(const std::string& text, const std::string& source,
                                  const Catalogue& catalogue, ShapeLaunches shaping) {
  try {
    return read_scenario(parse_yaml(text, source), source, std::nullopt, &catalogue, shaping);
  } catch (const InputError& e) {
    return std::unexpected(e.error);
  } catch (const YAML::Exception& e) {
    return fail(source, std::string("YAML: ") + e.what());
  }
}

}  // namespace trilink::io
