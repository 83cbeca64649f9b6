#include "io/scenario_file.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <numbers>
#include <string_view>

#include "geo/angles.hpp"
#include "io/yaml_fields.hpp"

namespace trilink::io {
namespace {

using scenario::Catalogue;
using scenario::Launch;
using scenario::LaunchSpec;
using scenario::Scenario;

using geo::deg_to_rad;

constexpr double big = 1e12;

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
  if (auto v = f.optional_number("lat_deg", -90, 90)) r.site.lat_rad = deg_to_rad(*v);
  if (auto v = f.optional_number("lon_deg", -180, 360)) r.site.lon_rad = deg_to_rad(*v);
  if (auto v = f.optional_number("height_m", -500, 10000)) r.site.h_m = *v;
  if (auto v = f.optional_number("boresight_deg", -360, 360))
    r.boresight_az_rad = geo::wrap_two_pi(deg_to_rad(*v));
  if (auto v = f.optional_number("sector_deg", 0, 360)) r.half_sector_rad = deg_to_rad(*v) / 2;
  if (auto v = f.optional_number("min_el_deg", -10, 90)) r.min_el_rad = deg_to_rad(*v);
  if (auto v = f.optional_number("max_el_deg", -10, 90)) r.max_el_rad = deg_to_rad(*v);
  if (auto v = f.optional_number("max_range_km", 0, 1e5)) r.max_range_m = *v * 1e3;
  if (auto v = f.optional_number("revisit_s", 0, 3600)) r.revisit_s = *v;
  if (auto v = f.optional_number("sigma_range_m", 0, 1e5)) r.sigma_range_m = *v;
  if (auto v = f.optional_number("sigma_az_deg", 0, 10)) r.sigma_az_rad = deg_to_rad(*v);
  if (auto v = f.optional_number("sigma_el_deg", 0, 10)) r.sigma_el_rad = deg_to_rad(*v);
  if (auto v = f.optional_number("sigma_range_rate_mps", 0, 1e4)) r.sigma_range_rate_mps = *v;
  if (auto v = f.optional_number("ref_range_km", 0, 1e5)) r.ref_range_m = *v * 1e3;
  if (auto v = f.optional_number("ref_snr_db", -50, 100)) r.ref_snr_db = *v;
  if (auto v = f.optional_number("pfa", 0, 1)) r.pfa = *v;
  if (auto v = f.optional_number("false_alarms_per_scan", 0, 1e6)) r.false_alarms_per_scan = *v;
  if (auto v = f.optional_number("clutter_max_range_rate_mps", 0, 1e5))
    r.clutter_max_range_rate_mps = *v;
  if (auto v = f.optional_number("bias_sigma_range_m", 0, 1e5)) r.bias_sigma_range_m = *v;
  if (auto v = f.optional_number("bias_sigma_az_deg", 0, 10)) r.bias_sigma_az_rad = deg_to_rad(*v);
  if (auto v = f.optional_number("bias_sigma_el_deg", 0, 10)) r.bias_sigma_el_rad = deg_to_rad(*v);
  if (f.has("bias_range_m") || f.has("bias_az_deg") || f.has("bias_el_deg")) {
    sensor::MeasurementBias b = r.fixed_bias.value_or(sensor::MeasurementBias{});
    if (auto v = f.optional_number("bias_range_m", -1e5, 1e5)) b.range_m = *v;
    if (auto v = f.optional_number("bias_az_deg", -10, 10)) b.az_rad = deg_to_rad(*v);
    if (auto v = f.optional_number("bias_el_deg", -10, 10)) b.el_rad = deg_to_rad(*v);
    r.fixed_bias = b;
  }
}

// After all fields are applied: the sensor's own validation, reported at this mapping.
void check_radar(const Fields& f, const sensor::RadarParams& r) {
  if (auto ok = sensor::validate(r); !ok) {
    const std::string& key = ok.error().where;
    static const std::map<std::string, std::string> yaml_name = {
        {"boresight_az_rad", "boresight_deg"},
        {"half_sector_rad", "sector_deg"},
        {"min_el_rad", "min_el_deg"},
        {"max_el_rad", "max_el_deg"},
        {"max_range_m", "max_range_km"},
        {"sigma_az_rad", "sigma_az_deg"},
        {"sigma_el_rad", "sigma_el_deg"},
        {"ref_range_m", "ref_range_km"},
        {"bias_sigma_az_rad", "bias_sigma_az_deg"},
        {"bias_sigma_el_rad", "bias_sigma_el_deg"}};
    const auto it = yaml_name.find(key);
    const std::string name = it == yaml_name.end() ? key : it->second;
    f.fail_at(name, ok.error().what + (f.has(name) ? "" : " (from the catalogue entry)"));
  }
}

scenario::LinkParams read_params(const Fields& f, scenario::LinkParams p) {
  if (auto v = f.optional_number("fibre_km", 0.0, 50000.0)) p.fibre_m = *v * 1e3;
  p.processing_s = f.number_or("processing_ms", p.processing_s * 1e3, 0.0, 60000.0) / 1e3;
  p.jitter_s = f.number_or("jitter_ms", p.jitter_s * 1e3, 0.0, 60000.0) / 1e3;
  p.loss = f.number_or("loss", p.loss, 0.0, 1.0);
  if (f.has("outages")) {
    if (!f.node("outages").IsSequence())
      f.fail_at("outages", "expected a list of {start_s, end_s}");
    std::size_t i = 0;
    for (const auto& item : f.node("outages")) {
      const Fields o = element(f, "outages", item, i++);
      o.only({"start_s", "end_s"});
      scenario::Outage w{o.number("start_s", 0.0, 7 * 86400.0),
                         o.number("end_s", 0.0, 7 * 86400.0)};
      if (w.end_s <= w.start_s) o.fail_at("end_s", "must be after start_s");
      p.outages.push_back(w);
    }
  }
  return p;
}

scenario::Network read_network(const Fields& f) {
  scenario::Network n = scenario::default_network();
  f.only({"route_factor", "processing_ms", "jitter_ms", "loss", "nodes", "links"});
  n.route_factor = f.number_or("route_factor", n.route_factor, 1.0, 10.0);
  if (f.has("outages")) f.fail_at("outages", "outages belong to a link");
  n.defaults = read_params(f, n.defaults);
  if (f.has("nodes")) {
    if (!f.node("nodes").IsSequence()) f.fail_at("nodes", "expected a list of nodes");
    std::size_t i = 0;
    for (const auto& item : f.node("nodes")) {
      const Fields e = element(f, "nodes", item, i++);
      e.only({"name", "lat_deg", "lon_deg"});
      const std::string name = e.text("name");
      auto it = std::ranges::find(n.nodes, name, &scenario::NodeSite::name);
      if (it == n.nodes.end())
        e.fail_at("name", "unknown node '" + name + "' (INDOPACOM, C2BMC, JADGE or KAMD)");
      const double lat = e.number("lat_deg", -90.0, 90.0);
      it->site = geo::Geodetic::from_deg(lat, e.number("lon_deg", -180.0, 360.0));
    }
  }
  if (f.has("links")) {
    if (!f.node("links").IsSequence()) f.fail_at("links", "expected a list of links");
    std::size_t i = 0;
    for (const auto& item : f.node("links")) {
      const Fields e = element(f, "links", item, i++);
      e.only({"between", "fibre_km", "processing_ms", "jitter_ms", "loss", "outages"});
      const YAML::Node between = e.node("between");
      if (!between.IsSequence() || between.size() != 2)
        e.fail_at("between", "expected two node names, e.g. [KAMD, INDOPACOM]");
      scenario::LinkSpec l;
      l.a = between[0].as<std::string>();
      l.b = between[1].as<std::string>();
      for (const auto& name : {l.a, l.b})
        if (!n.node(name)) e.fail_at("between", "unknown node '" + name + "'");
      if (l.a == l.b) e.fail_at("between", "a link joins two different nodes");
      l.params = read_params(e, n.defaults);
      n.links.push_back(std::move(l));
    }
  }
  return n;
}

Catalogue read_catalogue(const std::string& path) {
  const YAML::Node root = load_yaml_file(path);
  const Fields top(root, "", path);
  top.only({"launch_areas", "radars"});
  Catalogue c;
  if (top.has("launch_areas")) {
    const Fields areas(top.node("launch_areas"), "launch_areas", path);
    for (const auto& kv : top.node("launch_areas")) {
      const std::string name = kv.first.as<std::string>();
      const Fields a(kv.second, areas.field(name), path);
      a.only({"lat_deg", "lon_deg", "note"});
      const double lat = a.number("lat_deg", -90, 90);
      c.launch_areas[name] = geo::Geodetic::from_deg(lat, a.number("lon_deg", -180, 360));
    }
  }
  if (top.has("radars")) {
    const Fields radars(top.node("radars"), "radars", path);
    for (const auto& kv : top.node("radars")) {
      const std::string name = kv.first.as<std::string>();
      const Fields r(kv.second, radars.field(name), path);
      sensor::RadarParams p;
      p.name = name;
      apply_radar_fields(r, p);
      if (r.has("site")) r.fail_at("site", "not allowed in the catalogue");
      for (auto key : {"nation", "lat_deg", "lon_deg", "max_range_km", "revisit_s"})
        if (!r.has(key)) r.fail_at(key, "required");
      check_radar(r, p);
      c.radars[name] = p;
    }
  }
  return c;
}

LaunchSpec read_launch(const Fields& f, const Catalogue& cat) {
  f.only({"id", "area", "lat_deg", "lon_deg", "time_s", "azimuth_deg", "aim", "class", "profile",
          "apogee_km", "range_km", "note"});
  LaunchSpec l;
  l.id = f.text("id");
  if (l.id.empty() || l.id.find_first_of(",\"\n") != std::string::npos)
    f.fail_at("id", "must be non-empty text without commas or quotes");
  if (f.has("area")) {
    if (f.has("lat_deg") || f.has("lon_deg")) f.fail_at("area", "give either area or lat/lon");
    l.area = f.text("area");
    const auto it = cat.launch_areas.find(l.area);
    if (it == cat.launch_areas.end())
      f.fail_at("area", "unknown launch area '" + l.area + "' (not in the catalogue)");
    l.request.site = it->second;
  } else {
    const double lat = f.number("lat_deg", -90, 90);
    l.request.site = geo::Geodetic::from_deg(lat, f.number("lon_deg", -180, 360));
  }
  l.time_s = f.number_or("time_s", 0.0, 0.0, 86400.0);
  const bool has_az = f.has("azimuth_deg"), has_aim = f.has("aim");
  if (has_az == has_aim) f.fail_at("azimuth_deg", "give exactly one of azimuth_deg or aim");
  const auto range_km = f.optional_number("range_km", 1e-3, 20000.0);
  if (has_az) {
    l.request.azimuth_rad = geo::wrap_two_pi(deg_to_rad(f.number("azimuth_deg", -360, 360)));
    if (!range_km) f.fail_at("range_km", "required with azimuth_deg");
    l.request.range_m = *range_km * 1e3;
  } else {
    const Fields aim(f.node("aim"), f.field("aim"), f.file());
    aim.only({"lat_deg", "lon_deg"});
    const double lat = aim.number("lat_deg", -90, 90);
    const auto target = geo::Geodetic::from_deg(lat, aim.number("lon_deg", -180, 360));
    const auto path = geo::geodesic_inverse(l.request.site, target);
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
  if (auto a = f.optional_number("apogee_km", 1e-3, 1e5)) l.request.apogee_m = *a * 1e3;
  if (!l.request.apogee_m && !l.request.profile)
    f.fail_at("apogee_km", "required unless a profile is given");
  if (l.profile_label.empty())
    l.profile_label = l.request.profile ? std::string(flight::to_string(*l.request.profile)) : "";
  return l;
}

Scenario read_scenario(const std::string& path, const std::optional<std::string>& cat_override) {
  const YAML::Node root = load_yaml_file(path);
  const Fields top(root, "", path);
  top.only({"name", "description", "start", "seed", "duration_s", "catalogue", "launches", "radars",
            "truth_interval_s", "network", "policy", "areas", "coastline"});
  Scenario s;
  s.file = path;
  s.name = top.text("name");
  s.description = top.optional_text("description").value_or("");
  const auto start = geo::parse_utc(top.text("start"));
  if (!start) top.fail_at("start", start.error().what);
  s.start = *start;
  s.seed = top.integer("seed", 1);
  s.truth_interval_s = top.number_or("truth_interval_s", 1.0, 0.01, 600.0);

  std::string cat_path;
  if (cat_override) {
    cat_path = *cat_override;
  } else {
    const auto dir = std::filesystem::path(path).parent_path();
    cat_path = (dir / top.optional_text("catalogue").value_or("catalogue.yaml")).string();
  }
  const Catalogue cat = read_catalogue(cat_path);

  if (!top.has("launches") || !top.node("launches").IsSequence() ||
      top.node("launches").size() == 0)
    top.fail_at("launches", "required: a list of at least one launch");
  std::size_t i = 0;
  double last_impact_s = 0.0;
  for (const auto& item : top.node("launches")) {
    const Fields f = element(top, "launches", item, i++);
    LaunchSpec spec = read_launch(f, cat);
    for (const auto& other : s.launches)
      if (other.spec.id == spec.id) f.fail_at("id", "duplicate launch id '" + spec.id + "'");
    auto shaped = flight::shape(spec.request);
    if (!shaped) f.fail_at(shaped.error().where, shaped.error().what);
    Launch launch{spec, s.start.plus_seconds(spec.time_s), std::move(*shaped)};
    last_impact_s = std::max(last_impact_s, spec.time_s + launch.shaped.flight.trajectory.impact_s);
    s.launches.push_back(std::move(launch));
  }

  if (top.has("radars") && top.node("radars").IsScalar()) {
    if (top.node("radars").Scalar() != "all")
      top.fail_at("radars", "expected a list of radars or 'all'");
    for (const auto& [name, params] : cat.radars) s.radars.push_back(params);
  } else if (!top.has("radars") || !top.node("radars").IsSequence() ||
             top.node("radars").size() == 0) {
    top.fail_at("radars", "required: a list of at least one radar, or 'all'");
  }
  i = 0;
  for (const auto& item : top.node("radars")) {
    if (!top.node("radars").IsSequence()) break;
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
  s.duration_s = top.number_or("duration_s", last_impact_s + 30.0, 1.0, 7 * 86400.0);

  const auto dir = std::filesystem::path(path).parent_path();
  const auto beside = [&](const std::string& p) { return (dir / p).lexically_normal().string(); };
  if (top.has("network")) {
    if (!top.node("network").IsMap()) top.fail_at("network", "expected a mapping");
    s.network = read_network(Fields(top.node("network"), top.field("network"), path));
  }
  s.policy_path = beside(top.optional_text("policy").value_or("../deploy/policy.yaml"));
  if (top.has("areas")) {
    if (!top.node("areas").IsSequence()) top.fail_at("areas", "expected a list of GeoJSON files");
    for (const auto& item : top.node("areas")) {
      if (!item.IsScalar()) top.fail_at("areas", "expected a list of GeoJSON files");
      s.area_paths.push_back(beside(item.Scalar()));
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
    return read_catalogue(path);
  } catch (const InputError& e) {
    return std::unexpected(e.error);
  } catch (const YAML::Exception& e) {
    return fail(path, std::string("YAML: ") + e.what());
  }
}

Expected<Scenario> load_scenario(const std::string& path,
                                 const std::optional<std::string>& catalogue_path) {
  try {
    return read_scenario(path, catalogue_path);
  } catch (const InputError& e) {
    return std::unexpected(e.error);
  } catch (const YAML::Exception& e) {
    return fail(path, std::string("YAML: ") + e.what());
  }
}

}  // namespace trilink::io
