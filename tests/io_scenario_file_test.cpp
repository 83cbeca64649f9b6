#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include <filesystem>
#include <fstream>

#include "geo/angles.hpp"
#include "input_file.hpp"
#include "io/scenario_file.hpp"
#include "io/yaml_fields.hpp"
#include "test_paths.hpp"

using namespace trilink;
namespace fs = std::filesystem;

namespace {

// A scenario file in a fresh temporary folder, next to a copy of the catalogue.
struct ScenarioFile : test_paths::InputFile {
  explicit ScenarioFile(const std::string& text)
      : InputFile(text, "s.yaml", {test_paths::scenario("catalogue.yaml")}) {}
};

const std::string good = R"(name: t
start: 2017-11-28T18:17:00Z
seed: 3
launches:
  - id: A
    area: Pyongsong
    azimuth_deg: 85
    class: irbm
    apogee_km: 1000
    range_km: 1200
radars:
  - site: Sado
  - name: Ship
    nation: JPN
    lat_deg: 39
    lon_deg: 134
    max_range_km: 900
    revisit_s: 2
    sigma_range_m: 10
    sigma_az_deg: 0.05
    sigma_el_deg: 0.05
    ref_range_km: 800
    ref_snr_db: 20
)";

// The good scenario with the first `from` replaced by `to`.
std::string with(const std::string& from, const std::string& to) {
  return test_paths::with(good, from, to);
}

// Loads `text`; expects a one-line error naming the file and containing every part.
void expect_error(const std::string& text, std::initializer_list<std::string> expected) {
  const ScenarioFile f(text);
  test_paths::expect_load_error(
      f, [](const std::string& path) { return io::load_scenario(path); }, expected);
}

}  // namespace

TEST(Scenario, LoadsAGoodOne) {
  ScenarioFile f(good);
  const auto s = io::load_scenario(f.path());
  ASSERT_TRUE(s.has_value()) << s.error().message();
  EXPECT_EQ(s->name, "t");
  EXPECT_EQ(s->seed, 3u);
  ASSERT_EQ(s->launches.size(), 1u);
  EXPECT_NEAR(s->launches[0].shaped.flight.trajectory.apogee_height_m, 1000e3, 20e3);
  ASSERT_EQ(s->radars.size(), 2u);
  EXPECT_EQ(s->radars[0].name, "Sado");
  EXPECT_EQ(s->radars[0].nation, Nation::JPN);
  EXPECT_NEAR(geo::rad_to_deg(s->radars[1].site.lat_rad), 39.0, 1e-12);
  EXPECT_NEAR(s->radars[1].max_range_m, 900e3, 1e-6);
  // Duration covers the impact.
  EXPECT_GT(s->duration_s, s->launches[0].shaped.flight.trajectory.impact_s);
}

TEST(Scenario, CatalogueOverridesApply) {
  ScenarioFile f(
      with("  - site: Sado\n", "  - site: Sado\n    revisit_s: 7\n    sector_deg: 60\n"));
  const auto s = io::load_scenario(f.path());
  ASSERT_TRUE(s.has_value()) << s.error().message();
  EXPECT_DOUBLE_EQ(s->radars[0].revisit_s, 7.0);
  EXPECT_NEAR(s->radars[0].half_sector_rad, geo::deg_to_rad(30.0), 1e-12);
}

TEST(Scenario, BadInputNamesFileLineAndField) {
  expect_error(with("apogee_km: 1000", "apogee_km: -3"), {":9: launches[0].apogee_km", "-3"});
  expect_error(with("apogee_km: 1000", "apogee_km: lots"), {"launches[0].apogee_km", "number"});
  expect_error(with("    class: irbm\n", "    class: irbm\n    colour: red\n"),
               {":9: launches[0].colour", "unknown key"});
  expect_error(with("    lat_deg: 39\n", "    lat_deg: 91\n"), {"radars[1].lat_deg", "[-90, 90]"});
  expect_error(with("area: Pyongsong", "area: Atlantis"), {"launches[0].area", "Atlantis"});
  expect_error(with("start: 2017-11-28T18:17:00Z", "start: yesterday"), {":2: start", "UTC"});
  expect_error(with("  - site: Sado", "  - site: Nowhere"), {"radars[0].site", "Nowhere"});
  expect_error(with("    revisit_s: 2\n", "    revisit_s: 0\n"), {"radars[1].revisit_s"});
  expect_error(with("    nation: JPN", "    nation: FRA"), {"radars[1].nation", "FRA"});
  expect_error(with("seed: 3", "seed: -1"), {":3: seed"});
  expect_error(with("launches:", "launches: []\nx:"), {"unknown key"});
  expect_error(with("    azimuth_deg: 85\n", ""), {"launches[0].azimuth_deg", "exactly one"});
  expect_error(with("radars:\n",
                    "  - id: A\n    area: Sunan\n    azimuth_deg: 80\n"
                    "    apogee_km: 900\n    range_km: 1100\n    class: irbm\n"
                    "radars:\n"),
               {":11: launches[1].id", "duplicate"});
  expect_error(with("    area: Pyongsong\n", ""), {"launches[0].lat_deg", "required"});
}

TEST(Scenario, UnflyableLaunchIsAnError) {
  // An IRBM cannot lob to 9 000 km; an SRBM cannot reach 3 000 km.
  expect_error(with("apogee_km: 1000", "apogee_km: 9000"), {"launches[0].apogee_km", "irbm"});
  std::string srbm = with("class: irbm", "class: srbm");
  srbm.replace(srbm.find("apogee_km: 1000"), 15, "apogee_km: 50");
  srbm.replace(srbm.find("range_km: 1200"), 14, "range_km: 3000");
  expect_error(srbm, {":10: launches[0].range_km", "srbm"});
  // Aimed, with no range_km in the file: the error names the aim.
  expect_error(
      with("    azimuth_deg: 85\n    class: irbm\n    apogee_km: 1000\n    range_km: 1200\n",
           "    aim: {lat_deg: 40, lon_deg: 160}\n    class: srbm\n    apogee_km: 100\n"),
      {"launches[0].aim", "srbm"});
}

TEST(Scenario, SyntaxErrorAndMissingFile) {
  expect_error("name: [unclosed\n", {"YAML syntax"});
  const auto missing = io::load_scenario("/nonexistent/s.yaml");
  ASSERT_FALSE(missing.has_value());
  EXPECT_NE(missing.error().message().find("/nonexistent/s.yaml"), std::string::npos);
}

// raid100's hundred launches take 20-70 s to fly at load (0.2-0.7 s an SRBM, by the load on
// the machine): it is read and drawn here but not flown. raid32 flies the same recipes (and
// BENCHMARKS.md "Raids" runs raid100 whole).
TEST(Scenario, EveryBundledScenarioLoads) {
  const auto catalogue = io::load_catalogue(test_paths::scenario("catalogue.yaml"));
  ASSERT_TRUE(catalogue.has_value()) << catalogue.error().message();
  for (const auto& entry : fs::directory_iterator(test_paths::source_dir() + "/scenarios")) {
    const auto name = entry.path().filename().string();
    if (entry.path().extension() != ".yaml" || name == "catalogue.yaml") continue;
    if (name == "raid100.yaml") {
      std::ifstream in(entry.path());
      const std::string text{std::istreambuf_iterator<char>(in), {}};
      const auto s =
          io::parse_scenario(text, entry.path().string(), *catalogue, io::ShapeLaunches::no);
      ASSERT_TRUE(s.has_value()) << name << ": " << s.error().message();
      EXPECT_EQ(s->launches.size(), 100u);
      continue;
    }
    const auto s = io::load_scenario(entry.path().string());
    EXPECT_TRUE(s.has_value()) << name << ": " << (s ? "" : s.error().message());
  }
}

TEST(Catalogue, HoldsThePublicSites) {
  const auto c = io::load_catalogue(test_paths::scenario("catalogue.yaml"));
  ASSERT_TRUE(c.has_value()) << c.error().message();
  for (auto name : {"Shariki", "Kyogamisaki", "Seongju", "Shimokoshiki", "Sado", "Ominato",
                    "Yozadake", "Aegis-JPN", "Aegis-KOR", "GreenPine-B", "GreenPine-C"})
    EXPECT_TRUE(c->radars.contains(name)) << name;
  EXPECT_NEAR(geo::rad_to_deg(c->radars.at("Seongju").site.lat_rad), 36.0, 1e-9);
  EXPECT_NEAR(c->radars.at("Seongju").site.h_m, 680.0, 1e-9);
  EXPECT_NEAR(geo::rad_to_deg(c->launch_areas.at("Sohae").lon_rad), 124.705, 1e-9);
}

TEST(Scenario, DuplicateKeysAreErrors) {
  // yaml-cpp keeps both entries of a repeated key; the reader must refuse them everywhere.
  expect_error(with("seed: 3\n", "seed: 3\nseed: 4\n"), {":4: seed", "duplicate key", "line 3"});
  expect_error(with("    class: irbm\n", "    class: irbm\n    class: icbm\n"),
               {":9: launches[0].class", "duplicate key (first at line 8)"});
  expect_error(with("    revisit_s: 2\n", "    revisit_s: 2\n    revisit_s: 1\n"),
               {"radars[1].revisit_s", "duplicate key"});
  expect_error(with("name: t\n", "name: t\n? [a, b]\n: c\n"), {"a key must be plain text"});
}

TEST(Scenario, DuplicateKeysInTheCatalogueAreErrors) {
  // A second "Sado" entry would silently replace Japan's radar.
  std::string cat;
  {
    std::ifstream in(test_paths::scenario("catalogue.yaml"));
    cat.assign(std::istreambuf_iterator<char>(in), {});
  }
  const auto at = cat.find("\nradars:\n");
  ASSERT_NE(at, std::string::npos);
  cat.insert(at + 9,
             "  Sado:\n    nation: KOR\n    lat_deg: 38\n    lon_deg: 138\n"
             "    max_range_km: 900\n    revisit_s: 2\n    sigma_range_m: 10\n"
             "    sigma_az_deg: 0.05\n    sigma_el_deg: 0.05\n    ref_range_km: 800\n"
             "    ref_snr_db: 20\n");
  const test_paths::InputFile f(cat, "catalogue.yaml");
  test_paths::expect_load_error(f, [](const std::string& path) { return io::load_catalogue(path); },
                                {"radars.Sado", "duplicate key"});
}

TEST(Scenario, NumbersOutsidePhysicalLimitsAreErrors) {
  expect_error(with("    revisit_s: 2\n", "    revisit_s: 1e-9\n"),
               {"radars[1].revisit_s", "[0.1, 3600]"});
  expect_error(with("    lon_deg: 134\n", "    lon_deg: 200\n"),
               {"radars[1].lon_deg", "[-180, 180]"});
  expect_error(with("    max_range_km: 900\n", "    max_range_km: 1e300\n"),
               {"radars[1].max_range_km"});
  expect_error(with("seed: 3\n", "seed: 3\nduration_s: 1e9\n"), {":4: duration_s"});
  expect_error(with("seed: 3\n", "seed: 3\ntruth_interval_s: 0.001\n"), {"truth_interval_s"});
  expect_error(with("    class: irbm\n", "    class: irbm\n    time_s: 90000\n"),
               {"launches[0].time_s"});
  expect_error(with("    ref_snr_db: 20\n", "    ref_snr_db: 20\n    false_alarms_per_scan: 1e6\n"),
               {"radars[1].false_alarms_per_scan"});
  // min/max elevation named and shown in degrees, as in the file.
  expect_error(with("    ref_snr_db: 20\n", "    ref_snr_db: 20\n    max_el_deg: -5\n"),
               {"radars[1].max_el_deg", "must be above min_el_deg", "-5.000 deg"});
}

TEST(Scenario, CountsAndTotalWorkAreBounded) {
  std::string many = "launches:\n";
  for (int i = 0; i < 101; ++i)
    many += "  - {id: L" + std::to_string(i) +
            ", area: Pyongsong, azimuth_deg: 85, apogee_km: 1000, range_km: 1200}\n";
  std::string text = good;
  text.replace(text.find("launches:\n"), text.find("radars:\n") - text.find("launches:\n"), many);
  expect_error(text, {"launches", "at most 100"});
  // Fast revisits over a long run: more looks than a run may make (12 x 43200 s / 0.1 s).
  std::string fast = "seed: 3\nduration_s: 43200\nradars:\n";
  for (int i = 0; i < 12; ++i)
    fast += "  - {site: Sado, name: S" + std::to_string(i) + ", revisit_s: 0.1}\n";
  text = good.substr(0, good.find("radars:\n")) + fast;
  text.replace(text.find("seed: 3\n"), 8, "");
  expect_error(text, {"duration_s", "at most 5000000"});
  std::string areas = "areas:\n";
  for (int i = 0; i < 17; ++i) areas += "  - a" + std::to_string(i) + ".geojson\n";
  expect_error(with("radars:\n", areas + "radars:\n"), {"areas", "at most 16"});
  expect_error(with("radars:\n", "areas: [a.geojson, a.geojson]\nradars:\n"),
               {"areas", "listed twice"});
}

TEST(Scenario, NationalNodesAreLinkedOnlyToTheHub) {
  expect_error(with("radars:\n", "network:\n  links:\n    - between: [KAMD, JADGE]\nradars:\n"),
               {"network.links[0].between", "never linked directly"});
  expect_error(with("radars:\n", "network:\n  links:\n    - between: [C2BMC, JADGE]\nradars:\n"),
               {"network.links[0].between", "only to the hub INDOPACOM"});
  expect_error(with("radars:\n",
                    "network:\n  links:\n    - between: [KAMD, INDOPACOM]\n"
                    "    - between: [INDOPACOM, KAMD]\nradars:\n"),
               {"network.links[1].between", "listed twice"});
  expect_error(with("radars:\n", "network:\n  links:\n    - between: [{a: 1}, KAMD]\nradars:\n"),
               {"network.links[0].between", "node name"});
  ScenarioFile ok(with("radars:\n",
                       "network:\n  links:\n    - between: [KAMD, INDOPACOM]\n"
                       "      loss: 0.1\nradars:\n"));
  const auto s = io::load_scenario(ok.path());
  ASSERT_TRUE(s.has_value()) << s.error().message();
  EXPECT_DOUBLE_EQ(s->network.params("INDOPACOM", "KAMD").loss, 0.1);
}

TEST(Scenario, MissingFileAndDirectorySayWhich) {
  const auto missing = io::load_scenario("/nonexistent/s.yaml");
  ASSERT_FALSE(missing.has_value());
  EXPECT_NE(missing.error().message().find("no such file"), std::string::npos);
  const auto dir = io::load_scenario(fs::temp_directory_path().string());
  ASSERT_FALSE(dir.has_value());
  EXPECT_NE(dir.error().message().find("is a directory"), std::string::npos)
      << dir.error().message();
}

TEST(Scenario, AliasBombIsRefused) {
  // Each level doubles the nodes the loader would visit: 2^25 without a limit.
  std::string text = "name: t\na0: &a0 [x, x]\n";
  for (int i = 1; i < 26; ++i) {
    const std::string now = std::to_string(i), before = std::to_string(i - 1);
    text.append("a").append(now).append(": &a").append(now);
    text.append(" [*a").append(before).append(", *a").append(before).append("]\n");
  }
  expect_error(text, {"YAML nodes"});
}

TEST(Scenario, OversizedFileIsRefusedBeforeParsing) {
  expect_error(good + "# " + std::string(io::max_yaml_bytes, 'x') + "\n",
               {"bytes, more than the limit of 1048576"});
}

// The text readers (used by the fuzz harnesses) agree with the file readers: the same result
// for every bundled scenario, and errors that name the source given for the text.
TEST(Scenario, TextReaderAgreesWithTheFileReader) {
  const auto catalogue = io::load_catalogue(test_paths::scenario("catalogue.yaml"));
  ASSERT_TRUE(catalogue.has_value()) << catalogue.error().message();
  std::ifstream cat_in(test_paths::scenario("catalogue.yaml"));
  const std::string cat_text{std::istreambuf_iterator<char>(cat_in), {}};
  const auto from_text = io::parse_catalogue(cat_text, "catalogue.yaml");
  ASSERT_TRUE(from_text.has_value()) << from_text.error().message();
  EXPECT_EQ(from_text->radars.size(), catalogue->radars.size());
  EXPECT_EQ(from_text->launch_areas.size(), catalogue->launch_areas.size());
  for (const char* name : {"default.yaml", "kor_srbm1.yaml"}) {
    const std::string path = test_paths::scenario(name);
    std::ifstream in(path);
    const std::string text{std::istreambuf_iterator<char>(in), {}};
    const auto a = io::load_scenario(path);
    const auto b = io::parse_scenario(text, path, *catalogue);
    ASSERT_TRUE(a.has_value() && b.has_value()) << name;
    EXPECT_EQ(b->file, path);
    EXPECT_EQ(b->name, a->name);
    EXPECT_EQ(b->policy_path, a->policy_path);
    EXPECT_EQ(b->area_paths, a->area_paths);
    ASSERT_EQ(b->launches.size(), a->launches.size());
    for (std::size_t i = 0; i < a->launches.size(); ++i)
      EXPECT_EQ(b->launches[i].shaped.flight.trajectory.impact_s,
                a->launches[i].shaped.flight.trajectory.impact_s);
    ASSERT_EQ(b->radars.size(), a->radars.size());
    EXPECT_EQ(b->duration_s, a->duration_s);
  }
  // Without shaping: the same fields, no flight, and the default duration from the launch times.
  const auto unshaped = io::parse_scenario(good, "text.yaml", *catalogue, io::ShapeLaunches::no);
  ASSERT_TRUE(unshaped.has_value()) << unshaped.error().message();
  ASSERT_EQ(unshaped->launches.size(), 1u);
  EXPECT_EQ(unshaped->launches[0].spec.id, "A");
  EXPECT_TRUE(unshaped->launches[0].shaped.flight.trajectory.samples.empty());
  EXPECT_DOUBLE_EQ(unshaped->duration_s, 30.0);
  // A launch no class can fly is found only by shaping.
  const std::string unflyable = with("apogee_km: 1000", "apogee_km: 9000");
  EXPECT_TRUE(io::parse_scenario(unflyable, "text.yaml", *catalogue, io::ShapeLaunches::no));
  EXPECT_FALSE(io::parse_scenario(unflyable, "text.yaml", *catalogue));
  const auto bad = io::parse_scenario(with("apogee_km: 1000", "apogee_km: -3"), "text.yaml",
                                      *catalogue, io::ShapeLaunches::no);
  ASSERT_FALSE(bad.has_value());
  EXPECT_TRUE(bad.error().message().starts_with("text.yaml:9: launches[0].apogee_km"))
      << bad.error().message();
  const auto bad_cat = io::parse_catalogue("radars: [", "cat.yaml");
  ASSERT_FALSE(bad_cat.has_value());
  EXPECT_TRUE(bad_cat.error().message().starts_with("cat.yaml:")) << bad_cat.error().message();
  // A catalogue radar is named by its key alone: a `name` field would make it answer to two.
  const auto renamed = io::parse_catalogue(
      "radars:\n  Sado:\n    name: Busan\n    nation: JPN\n    lat_deg: 38\n    lon_deg: 138\n"
      "    max_range_km: 1000\n    revisit_s: 1\n",
      "cat.yaml");
  ASSERT_FALSE(renamed.has_value());
  EXPECT_TRUE(renamed.error().message().starts_with("cat.yaml:3: radars.Sado.name"))
      << renamed.error().message();
  const auto big = io::parse_catalogue(std::string(io::max_yaml_bytes + 1, '#'), "big.yaml");
  ASSERT_FALSE(big.has_value());
  EXPECT_NE(big.error().message().find("more than the limit"), std::string::npos);
}

namespace {

// The bundled catalogue's text with `from` replaced by `to` (first occurrence after the
// satellites' section begins), loaded; expects a one-line error with every part.
void expect_catalogue_error(const std::string& from, const std::string& to,
                            std::initializer_list<std::string> expected) {
  std::ifstream in(test_paths::scenario("catalogue.yaml"));
  std::string cat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto sats = cat.find("\nsatellites:");
  ASSERT_NE(sats, std::string::npos);
  const auto at = cat.find(from, sats);
  ASSERT_NE(at, std::string::npos) << from;
  cat.replace(at, from.size(), to);
  const test_paths::InputFile f(cat, "catalogue.yaml");
  test_paths::expect_load_error(
      f, [](const std::string& path) { return io::load_catalogue(path); }, expected);
}

}  // namespace

TEST(Catalogue, HoldsTheInfraredSatellites) {
  const auto c = io::load_catalogue(test_paths::scenario("catalogue.yaml"));
  ASSERT_TRUE(c.has_value()) << c.error().message();
  ASSERT_EQ(c->satellites.size(), 3u);
  for (const auto& [name, p] : c->satellites) {
    EXPECT_EQ(p.nation, Nation::USA) << name;
    EXPECT_TRUE(sensor::validate(p)) << name;
  }
  const auto& geo_sat = c->satellites.at("IR-GEO-150E");
  EXPECT_NEAR(geo::rad_to_deg(geo_sat.orbit.node_lon_rad), 150.0, 1e-12);
  EXPECT_NEAR(geo_sat.sigma_rad, 20e-6, 1e-15);
  EXPECT_NEAR(c->satellites.at("IR-HEO-1").orbit.eccentricity, 0.72, 1e-15);
}

TEST(Catalogue, ImpossibleOrbitsAndSensorsAreErrors) {
  // Perigee below the surface (a (1 - e) = 26562 x 0.2 = 5312 km).
  expect_catalogue_error("eccentricity: 0.72", "eccentricity: 0.8",
                         {"catalogue.yaml:", "satellites.IR-HEO-1.eccentricity", "perigee"});
  expect_catalogue_error("eccentricity: 0.72", "eccentricity: 1",
                         {"satellites.IR-HEO-1.eccentricity", "below 1"});
  expect_catalogue_error("eccentricity: 0.72", "eccentricity: 1.5",
                         {"satellites.IR-HEO-1.eccentricity", "below 1"});
  expect_catalogue_error("inclination_deg: 63.4", "inclination_deg: 181",
                         {"satellites.IR-HEO-1.inclination_deg", "[0, 180]"});
  expect_catalogue_error("inclination_deg: 63.4", "inclination_deg: -1",
                         {"satellites.IR-HEO-1.inclination_deg"});
  expect_catalogue_error("    nation: USA\n", "", {"satellites.IR-GEO-150E.nation", "required"});
  expect_catalogue_error("    nation: USA\n", "    nation: FRA\n",
                         {"satellites.IR-GEO-150E.nation", "FRA"});
  expect_catalogue_error("sigma_urad: 20", "sigma_urad: .nan",
                         {"satellites.IR-GEO-150E.sigma_urad"});
  expect_catalogue_error("semi_major_axis_km: 42166.2", "semi_major_axis_km: .nan",
                         {"satellites.IR-GEO-150E.semi_major_axis_km"});
  expect_catalogue_error("pd: 0.95", "pd: 1.5", {"satellites.IR-GEO-150E.pd"});
  expect_catalogue_error("    frame_s: 1\n", "    frame_s: 1\n    colour: red\n",
                         {"satellites.IR-GEO-150E", "colour"});
}

TEST(Scenario, SatellitesFollowTheRadarsAndTheSwitch) {
  // On by default: radars listed, no satellites key: every catalogue satellite, its epoch the
  // scenario start, the catalogue's cloud top (2 km, the median sky).
  {
    const ScenarioFile f(good);
    const auto s = io::load_scenario(f.path());
    ASSERT_TRUE(s.has_value()) << s.error().message();
    ASSERT_EQ(s->satellites.size(), 3u);
    for (const auto& p : s->satellites) {
      EXPECT_EQ(p.orbit.epoch, s->start);
      EXPECT_EQ(p.cloud_top_m, 2e3);
    }
  }
  // `radars: all` and `space: true`: all of them too; `space: false`: none.
  const std::string all_radars = good.substr(0, good.find("radars:")) + "radars: all\n";
  {
    const ScenarioFile f(all_radars);
    const auto s = io::load_scenario(f.path());
    ASSERT_TRUE(s.has_value()) << s.error().message();
    EXPECT_EQ(s->satellites.size(), 3u);
  }
  {
    const ScenarioFile f(test_paths::with(all_radars, "seed: 3\n", "seed: 3\nspace: true\n"));
    const auto s = io::load_scenario(f.path());
    ASSERT_TRUE(s.has_value()) << s.error().message();
    ASSERT_EQ(s->satellites.size(), 3u);
    for (const auto& p : s->satellites) EXPECT_EQ(p.orbit.epoch, s->start);
  }
  {
    const ScenarioFile f(test_paths::with(all_radars, "seed: 3\n", "seed: 3\nspace: false\n"));
    const auto s = io::load_scenario(f.path());
    ASSERT_TRUE(s.has_value()) << s.error().message();
    EXPECT_TRUE(s->satellites.empty());
  }
  {
    const ScenarioFile f(test_paths::with(
        good, "seed: 3\n", "seed: 3\nsatellites: [IR-GEO-150E, IR-HEO-2]\ncloud_top_km: 3\n"));
    const auto s = io::load_scenario(f.path());
    ASSERT_TRUE(s.has_value()) << s.error().message();
    ASSERT_EQ(s->satellites.size(), 2u);
    EXPECT_EQ(s->satellites[1].name, "IR-HEO-2");
    EXPECT_EQ(s->satellites[0].cloud_top_m, 3e3);
  }
  expect_error(with("seed: 3\n", "seed: 3\nspace: maybe\n"), {":4: space", "true or false"});
  expect_error(with("seed: 3\n", "seed: 3\nsatellites: [Sputnik]\n"), {"satellites", "Sputnik"});
  expect_error(with("seed: 3\n", "seed: 3\ncloud_top_km: .nan\n"), {"cloud_top_km"});
}

TEST(Scenario, StagesAndDebrisPerLaunch) {
  {  // Off unless asked for.
    ScenarioFile f(good);
    const auto s = io::load_scenario(f.path());
    ASSERT_TRUE(s.has_value()) << s.error().message();
    EXPECT_TRUE(s->launches[0].debris.empty());
  }
  const std::string asked = with("    range_km: 1200\n",
                                 "    range_km: 1200\n    stages: true\n"
                                 "    debris: {fragments: 12, spread_mps: 25}\n");
  ScenarioFile f(asked);
  const auto s = io::load_scenario(f.path());
  ASSERT_TRUE(s.has_value()) << s.error().message();
  const auto& debris = s->launches[0].debris;
  ASSERT_EQ(debris.size(), 13u);  // the IRBM's one stage, then the fragments
  EXPECT_EQ(debris[0].name, "stage1");
  EXPECT_EQ(debris[12].name, "frag12");
  EXPECT_DOUBLE_EQ(s->launches[0].spec.debris.spread_mps, 25.0);
  // Drawn from the seed and the launch id: the same file gives the same fragments, another
  // seed others.
  ScenarioFile again(asked);
  const auto t = io::load_scenario(again.path());
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->launches[0].debris[5].beta_kgpm2, debris[5].beta_kgpm2);
  ScenarioFile other(test_paths::with(asked, "seed: 3", "seed: 4"));
  const auto u = io::load_scenario(other.path());
  ASSERT_TRUE(u.has_value());
  EXPECT_NE(u->launches[0].debris[5].beta_kgpm2, debris[5].beta_kgpm2);

  expect_error(with("    range_km: 1200\n", "    range_km: 1200\n    stages: maybe\n"),
               {"launches[0].stages", "true or false"});
  expect_error(with("    range_km: 1200\n", "    range_km: 1200\n    debris: {fragments: 2000}\n"),
               {"launches[0].debris.fragments", "at most 1000"});
  expect_error(with("    range_km: 1200\n", "    range_km: 1200\n    debris: {spread_mps: 5}\n"),
               {"launches[0].debris.fragments", "required"});
  expect_error(
      with("    range_km: 1200\n", "    range_km: 1200\n    debris: {fragments: 3, colour: red}\n"),
      {"launches[0].debris", "colour"});
  expect_error(with("    class: irbm\n    apogee_km: 1000\n    range_km: 1200\n",
                    "    class: srbm\n    apogee_km: 100\n    range_km: 300\n"
                    "    debris: {fragments: 3}\n"),
               {"launches[0].debris", "separates nothing"});
}

// Raids (docs/scenarios.md, "Raids"): a recipe drawn into launches at load time.
const std::string raid = R"(name: r
start: 2026-06-01T00:00:00Z
seed: 4
raid:
  count: 3
  window_s: 60
  areas: [Wonsan, Sinpo]
  classes: srbm
  profiles: {depressed: 2, minimum-energy: 1}
  apogee_km: [40, 60]
  aims:
    - {name: sea, lat_deg: [38.8, 40.8], lon_deg: [130, 132]}
radars:
  - site: Sado
)";

std::string raid_with(const std::string& from, const std::string& to) {
  return test_paths::with(raid, from, to);
}

// Read without flying (parse_scenario, ShapeLaunches::no): the draws only.
Expected<scenario::Scenario> read_unshaped(const std::string& text) {
  static const auto catalogue = io::load_catalogue(test_paths::scenario("catalogue.yaml"));
  EXPECT_TRUE(catalogue.has_value());
  return io::parse_scenario(text, "raid.yaml", *catalogue, io::ShapeLaunches::no);
}

TEST(Raid, ExpandsIntoShapedLaunches) {
  const ScenarioFile f(raid);
  const auto s = io::load_scenario(f.path());
  ASSERT_TRUE(s.has_value()) << s.error().message();
  ASSERT_EQ(s->launches.size(), 3u);
  double last_impact_s = 0.0;
  for (std::size_t i = 0; i < 3; ++i) {
    const auto& l = s->launches[i];
    EXPECT_EQ(l.spec.id, "R00" + std::to_string(i + 1));
    EXPECT_TRUE(l.spec.area == "Wonsan" || l.spec.area == "Sinpo") << l.spec.area;
    EXPECT_GE(l.spec.time_s, 0.0);
    EXPECT_LE(l.spec.time_s, 60.0);
    EXPECT_EQ(l.time, s->start.plus_seconds(l.spec.time_s));
    EXPECT_EQ(l.shaped.plan.vehicle.missile_class, flight::MissileClass::srbm);
    // Flown to the drawn aim point, in the sea box.
    const auto& traj = l.shaped.flight.trajectory;
    EXPECT_NEAR(traj.ground_range_m, l.spec.request.range_m, 0.01 * l.spec.request.range_m);
    const auto aim = geo::geodesic_direct(l.spec.request.site, l.spec.request.azimuth_rad,
                                          l.spec.request.range_m);
    EXPECT_GE(aim.lat_deg(), 38.8);
    EXPECT_LE(aim.lat_deg(), 40.8);
    EXPECT_GE(aim.lon_deg(), 130.0);
    EXPECT_LE(aim.lon_deg(), 132.0);
    last_impact_s = std::max(last_impact_s, l.spec.time_s + traj.impact_s);
  }
  EXPECT_DOUBLE_EQ(s->duration_s, last_impact_s + 30.0);
}

// A wave's debris goes to every launch it draws; an SRBM, which separates nothing, flies
// with none (a written-out SRBM that asks for fragments is an error), a class that stages
// drops its stage and the fragments.
TEST(Raid, TheWavesDebrisGoesToEveryLaunchThatSeparates) {
  const ScenarioFile srbms(raid_with("  count: 3\n", "  count: 3\n  debris: {fragments: 5}\n"));
  const auto s = io::load_scenario(srbms.path());
  ASSERT_TRUE(s.has_value()) << s.error().message();
  for (const auto& l : s->launches) {
    EXPECT_EQ(l.spec.debris.fragments, 0u) << l.spec.id;
    EXPECT_TRUE(l.debris.empty()) << l.spec.id;
  }
  const ScenarioFile irbms(test_paths::with(
      raid_with("  count: 3\n", "  count: 2\n  stages: true\n  debris: {fragments: 5}\n"),
      "classes: srbm\n  profiles: {depressed: 2, minimum-energy: 1}\n  apogee_km: [40, 60]\n"
      "  aims:\n    - {name: sea, lat_deg: [38.8, 40.8], lon_deg: [130, 132]}",
      "classes: irbm\n  profiles: minimum-energy\n"
      "  aims:\n    - {name: pacific, lat_deg: [30, 32], lon_deg: [150, 152]}"));
  const auto t = io::load_scenario(irbms.path());
  ASSERT_TRUE(t.has_value()) << t.error().message();
  for (const auto& l : t->launches) {
    EXPECT_EQ(l.spec.debris.fragments, 5u) << l.spec.id;
    ASSERT_EQ(l.debris.size(), 6u) << l.spec.id;  // the IRBM's stage, then the fragments
    EXPECT_EQ(l.debris[0].name, "stage1");
  }
}

TEST(Raid, SameFileAndSeedDrawTheSameRaid) {
  const auto a = read_unshaped(raid);
  const auto b = read_unshaped(raid);
  const auto c = read_unshaped(raid_with("seed: 4", "seed: 5"));
  ASSERT_TRUE(a && b && c);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(a->launches[i].spec.time_s, b->launches[i].spec.time_s);
    EXPECT_EQ(a->launches[i].spec.area, b->launches[i].spec.area);
    EXPECT_EQ(a->launches[i].spec.request.range_m, b->launches[i].spec.request.range_m);
  }
  EXPECT_NE(a->launches[0].spec.request.range_m, c->launches[0].spec.request.range_m);
  // The raid's own seed holds whatever the scenario's.
  const auto d = read_unshaped(raid_with("  count: 3\n", "  count: 3\n  seed: 4\n"));
  const auto e = read_unshaped(
      test_paths::with(raid_with("seed: 4", "seed: 5"), "  count: 3\n", "  count: 3\n  seed: 4\n"));
  ASSERT_TRUE(d && e) << (d ? e.error().message() : d.error().message());
  EXPECT_EQ(d->launches[0].spec.request.range_m, a->launches[0].spec.request.range_m);
  EXPECT_EQ(e->launches[0].spec.request.range_m, a->launches[0].spec.request.range_m);
}

TEST(Raid, CoexistsWithLaunchesAndRunsOnAcrossWaves) {
  const std::string waves = R"(raid:
  - count: 2
    window_s: 60
    aims: [{name: sea, lat_deg: 39.5, lon_deg: 131}]
  - count: 3
    start_s: 100
    end_s: 200
    id_prefix: W
    aims: [{name: oki, lat_deg: 36.25, lon_deg: 133.28, radius_km: 3}]
radars:
)";
  const auto s = read_unshaped(with("radars:\n", waves));
  ASSERT_TRUE(s.has_value()) << s.error().message();
  ASSERT_EQ(s->launches.size(), 6u);
  EXPECT_EQ(s->launches[0].spec.id, "A");
  EXPECT_EQ(s->launches[1].spec.id, "R001");
  EXPECT_EQ(s->launches[2].spec.id, "R002");
  EXPECT_EQ(s->launches[3].spec.id, "W003");
  EXPECT_EQ(s->launches[5].spec.id, "W005");
  for (std::size_t i = 3; i < 6; ++i) {
    EXPECT_GE(s->launches[i].spec.time_s, 100.0);
    EXPECT_LE(s->launches[i].spec.time_s, 200.0);
    EXPECT_EQ(s->launches[i].spec.profile_label, "minimum-energy") << "the default profile";
    EXPECT_FALSE(s->launches[i].spec.request.missile_class) << "no class: the smallest";
  }
  // A written-out launch may not take an id the raid draws.
  const auto taken = read_unshaped(test_paths::with(with("radars:\n", waves), "id: A", "id: R002"));
  ASSERT_FALSE(taken.has_value());
  EXPECT_NE(taken.error().message().find("raid[0].id_prefix: draws launch id 'R002'"),
            std::string::npos)
      << taken.error().message();
}

TEST(Raid, BadFieldsNameTheFileLineAndField) {
  expect_error(raid_with("  count: 3\n", ""), {"raid.count", "required"});
  expect_error(raid_with("count: 3", "count: 0"), {":5: raid.count", "1 to 100"});
  expect_error(raid_with("count: 3", "count: many"), {":5: raid.count", "whole number"});
  expect_error(raid_with("window_s: 60", "window_s: 60\n  end_s: 90"),
               {":6: raid.window_s", "exactly one of window_s or end_s"});
  expect_error(raid_with("window_s: 60", "window_s: -60"), {":6: raid.window_s", "[0, 21600]"});
  expect_error(raid_with("window_s: 60", "start_s: 90\n  end_s: 30"),
               {":7: raid.end_s", "before its start"});
  expect_error(raid_with("window_s: 60", "start_s: 21000\n  window_s: 1200"),
               {":7: raid.window_s", "at most 21600 s"});
  expect_error(raid_with("[Wonsan, Sinpo]", "[Wonsan, Atlantis]"),
               {":7: raid.areas", "unknown launch area 'Atlantis'"});
  expect_error(raid_with("classes: srbm", "classes: mrbm"), {":8: raid.classes", "unknown class"});
  expect_error(raid_with("classes: srbm", "classes: {srbm: 0}"),
               {":8: raid.classes.srbm", "above 0"});
  expect_error(raid_with("{depressed: 2, minimum-energy: 1}", "[depressed, depressed]"),
               {":9: raid.profiles", "'depressed' given twice"});
  expect_error(raid_with("[40, 60]", "[60, 40]"), {":10: raid.apogee_km", "low end 60 above"});
  expect_error(raid_with("[40, 60]", "[40, 60, 80]"), {":10: raid.apogee_km", "pair"});
  expect_error(raid_with("[38.8, 40.8]", "[38.8, 95]"), {":12: raid.aims[0].lat_deg", "[-90, 90]"});
  expect_error(raid_with("lon_deg: [130, 132]}", "lon_deg: [130, 132], radius_km: 5}"),
               {":12: raid.aims[0].radius_km", "only around a point"});
  expect_error(raid_with("lon_deg: [130, 132]}",
                         "lon_deg: [130, 132]}\n    - {name: sea, "
                         "lat_deg: 39, lon_deg: 131}"),
               {":13: raid.aims[1].name", "named twice"});
  expect_error(
      raid_with("  aims:\n    - {name: sea, lat_deg: [38.8, 40.8], lon_deg: [130, 132]}\n", ""),
      {"raid.aims", "required"});
  // A wave's stages and debris are every drawn launch's, read as a launch's.
  expect_error(raid_with("  count: 3\n", "  count: 3\n  debris: {fragments: 2000}\n"),
               {":6: raid.debris.fragments", "at most 1000"});
  expect_error(raid_with("  count: 3\n", "  count: 3\n  stages: maybe\n"),
               {":6: raid.stages", "true or false"});
  const std::string head = raid.substr(0, raid.find("raid:\n"));
  const std::string tail = raid.substr(raid.find("radars:\n"));
  expect_error(head + "raid: 3\n" + tail, {":4: raid", "expected a raid (a mapping) or a list"});
  expect_error(head + "raid: []\n" + tail, {":4: raid", "expected a raid (a mapping) or a list"});
  expect_error(head + tail, {"launches", "required: a list of at least one launch (or a raid)"});
}

TEST(Raid, WhatCannotBeFlownOrCountedIsAnError) {
  // An SRBM cannot reach Tokyo from Wonsan: named at the aim region, with the drawn launch.
  expect_error(raid_with("{name: sea, lat_deg: [38.8, 40.8], lon_deg: [130, 132]}",
                         "{name: Tokyo, lat_deg: 35.68, lon_deg: 139.69}"),
               {"raid.aims[0]", "launch R001 from", "35.680 N 139.690 E", "srbm"});
  // An aim point on the launch area.
  expect_error(test_paths::with(raid_with("[Wonsan, Sinpo]", "Wonsan"),
                                "{name: sea, lat_deg: [38.8, 40.8], lon_deg: [130, 132]}",
                                "{name: here, lat_deg: 39.16, lon_deg: 127.48}"),
               {"raid.aims[0]", "at least 1 km from the launch area"});
  // At most 100 launches, written out and drawn together.
  const auto s = read_unshaped(with("radars:\n",
                                    "raid:\n  count: 100\n  window_s: 60\n  aims: "
                                    "[{name: sea, lat_deg: 39.5, lon_deg: 131}]\n"
                                    "radars:\n"));
  ASSERT_FALSE(s.has_value());
  EXPECT_NE(s.error().message().find("raid.count: makes 101 launches"), std::string::npos)
      << s.error().message();
}
