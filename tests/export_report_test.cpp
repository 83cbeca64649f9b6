// The exercise report page (export/report.hpp): a self-contained, escaped, deterministic
// HTML page, and the coastline GeoJSON loader with the bundled scenarios/areas/region.geojson.
// One test also writes a sample page to <build>/report_sample/report.html for
// tests/browser_report_test.sh (headless Chromium).
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <numbers>
#include <string>
#include <vector>

#include "export/report.hpp"
#include "export/report_data.hpp"
#include "io/areas_file.hpp"
#include "test_paths.hpp"

using namespace trilink;
using namespace trilink::exports::report;

namespace {

// The map's coastlines as the exercise gives them to the report: io's rings, converted.
Expected<std::vector<Ring>> parse_coastlines_geojson(const std::string& text,
                                                     const std::string& source) {
  auto rings = io::parse_geojson_rings(text, source);
  if (!rings) return std::unexpected(rings.error());
  return exports::rings_of(*rings);
}

Expected<std::vector<Ring>> load_coastlines_geojson(const std::string& path) {
  auto rings = io::load_geojson_rings(path);
  if (!rings) return std::unexpected(rings.error());
  return exports::rings_of(*rings);
}

constexpr double kDeg = std::numbers::pi / 180.0;

geo::Geodetic at_deg(double lat, double lon, double h_m = 0.0) {
  return geo::Geodetic::from_deg(lat, lon, h_m);
}

// A lofted trajectory from (lat0, lon0) to (lat1, lon1): great-circle-ish ground track
// (linear in lat/lon, fine for a test), parabolic altitude with apex `apex_km`.
Path trajectory(std::string label, std::string kind, std::optional<Nation> nation, double t0_s,
                double flight_s, double lat0, double lon0, double lat1, double lon1, double apex_km,
                double from = 0.0, double to = 1.0, double offset_deg = 0.0) {
  Path p{std::move(label), std::move(kind), nation, {}};
  for (int i = 0; i <= 600; ++i) {
    const double f = from + (to - from) * i / 600.0;
    const double h_m = apex_km * 1000.0 * 4.0 * f * (1.0 - f);
    p.samples.push_back({t0_s + f * flight_s, at_deg(lat0 + f * (lat1 - lat0) + offset_deg,
                                                     lon0 + f * (lon1 - lon0) - offset_deg, h_m)});
  }
  return p;
}

std::vector<Ring> bundled(const std::string& file) {
  auto rings = load_coastlines_geojson(test_paths::source_dir() + "/scenarios/areas/" + file);
  EXPECT_TRUE(rings.has_value()) << (rings ? std::string() : rings.error().message());
  return rings ? *rings : std::vector<Ring>{};
}

NationTimeline nation_timeline(Nation nation, std::vector<std::optional<double>> national,
                               std::vector<std::optional<double>> trilateral,
                               std::optional<double> gain) {
  const std::vector<std::string> names = {"first_detection", "first_track", "launch_alert",
                                          "impact_alert"};
  NationTimeline n{nation, {}, {}, gain};
  for (std::size_t i = 0; i < names.size(); ++i) {
    n.national.push_back({names[i], national[i]});
    n.trilateral.push_back({names[i], trilateral[i]});
  }
  return n;
}

ReportData sample() {
  ReportData d;
  d.title = "Drill <script>alert(1)</script> & \"co\"";
  d.description =
      "Two launches from North Korea into the Sea of Japan and the Pacific; "
      "radars in Japan, Korea and a US radar in Japan.";
  d.start_utc = "2025-03-01T00:00:00Z";
  d.duration_s = 3000.0;
  d.coastlines = bundled("region.geojson");

  // Japan's land (features[0]) and territorial sea (features[1], the same rings).
  const auto japan = bundled("japan.geojson");
  const std::vector<Ring> japan_land(japan.begin(), japan.begin() + japan.size() / 2);
  d.areas.push_back({"Japan land", Nation::JPN, japan_land, 0.0});
  d.areas.push_back({"Japan territorial sea", Nation::JPN, japan_land, 22224.0});
  const auto korea = bundled("korea.geojson");
  d.areas.push_back({"Korea territorial sea", Nation::KOR,
                     std::vector<Ring>(korea.begin(), korea.begin() + korea.size() / 2), 22224.0});

  d.radars.push_back({"JPN FPS-5 Sado", Nation::JPN, at_deg(38.0, 138.4, 100.0), 280.0 * kDeg,
                      60.0 * kDeg, 1500e3});
  d.radars.push_back({"KOR Green Pine", Nation::KOR, at_deg(36.6, 127.4, 150.0), 340.0 * kDeg,
                      50.0 * kDeg, 800e3});
  d.radars.push_back({"USA TPY-2 Kyogamisaki", Nation::USA, at_deg(35.77, 135.2, 50.0),
                      290.0 * kDeg, 60.0 * kDeg, 1800e3});
  d.radars.push_back({"JPN FPS-3 (all round)", Nation::JPN, at_deg(33.5, 130.3, 30.0), 0.0,
                      std::numbers::pi, 450e3});

  d.paths.push_back(trajectory("F01 truth", "truth", std::nullopt, 600.0, 620.0, 39.7, 125.3, 40.6,
                               137.8, 1200.0));
  d.paths.push_back(trajectory("F02 truth", "truth", std::nullopt, 1500.0, 1100.0, 38.9, 127.5,
                               31.0, 146.0, 2400.0));
  d.paths.push_back(trajectory("KOR track 1", "national", Nation::KOR, 600.0, 620.0, 39.7, 125.3,
                               40.6, 137.8, 1200.0, 0.08, 0.55, 0.04));
  d.paths.push_back(trajectory("JPN track 4", "national", Nation::JPN, 600.0, 620.0, 39.7, 125.3,
                               40.6, 137.8, 1200.0, 0.25, 0.97, -0.05));
  d.paths.push_back(trajectory("system track 1", "system", std::nullopt, 600.0, 620.0, 39.7, 125.3,
                               40.6, 137.8, 1200.0, 0.09, 0.98, 0.02));
  d.paths.push_back(trajectory("system track 2", "system", std::nullopt, 1500.0, 1100.0, 38.9,
                               127.5, 31.0, 146.0, 2400.0, 0.1, 0.97, -0.03));

  d.points.push_back({"F01 launch (true)", "launch_true", at_deg(39.7, 125.3)});
  d.points.push_back({"F01 launch (estimated)", "launch_estimated", at_deg(39.62, 125.45)});
  d.points.push_back({"F01 impact (true)", "impact_true", at_deg(40.6, 137.8)});
  d.points.push_back({"F02 launch (true)", "launch_true", at_deg(38.9, 127.5)});
  d.points.push_back({"F02 impact (true)", "impact_true", at_deg(31.0, 146.0)});

  d.ellipses.push_back(
      {"system track 1, T+200 s", 800.0, at_deg(40.9, 138.6), 160e3, 45e3, 80.0 * kDeg, false});
  d.ellipses.push_back(
      {"system track 1, T+300 s", 900.0, at_deg(40.7, 138.0), 70e3, 22e3, 82.0 * kDeg, false});
  d.ellipses.push_back(
      {"system track 1, final", 1000.0, at_deg(40.62, 137.85), 30e3, 12e3, 84.0 * kDeg, true});
  d.ellipses.push_back(
      {"system track 2, final", 2400.0, at_deg(31.1, 145.9), 60e3, 20e3, 120.0 * kDeg, true});

  LaunchTimeline f01{
      "F01", "irbm lofted from Pyongsong, apogee 1200 km, range 1070 km", 600.0, 180.0, 620.0, {}};
  f01.nations.push_back(
      nation_timeline(Nation::JPN, {95.0, 155.0, 170.0, 260.0}, {95.0, 61.0, 75.0, 190.0}, 94.0));
  f01.nations.push_back(nation_timeline(Nation::KOR, {48.0, 58.0, std::nullopt, std::nullopt},
                                        {48.0, 58.0, 75.0, 190.0}, std::nullopt));
  f01.nations.push_back(
      nation_timeline(Nation::USA, {130.0, 150.0, 166.0, 250.0}, {130.0, 61.0, 75.0, 190.0}, 89.0));
  d.timelines.push_back(f01);
  LaunchTimeline f02{"F02", "icbm lofted from Sunan, apogee 2400 km", 1500.0, 300.0, 1100.0, {}};
  f02.nations.push_back(
      nation_timeline(Nation::JPN, {140.0, 170.0, 185.0, 330.0}, {62.0, 70.0, 85.0, 300.0}, 100.0));
  f02.nations.push_back(nation_timeline(Nation::KOR, {50.0, 60.0, 75.0, std::nullopt},
                                        {50.0, 60.0, 75.0, 300.0}, 0.0));
  f02.nations.push_back(nation_timeline(Nation::USA,
                                        {std::nullopt, std::nullopt, std::nullopt, std::nullopt},
                                        {70.0, 70.0, 85.0, 300.0}, std::nullopt));
  d.timelines.push_back(f02);

  d.figures = {{"realtime factor", "31.4 ×"},
               {"messages shared", "12 408"},
               {"mean system position error", "412 m"},
               {"OSPA (c = 10 km)", "1.9 km"}};
  d.targets = {{"JPN first track with sharing <= first confirmation + latency + 1 s",
                "61.0 s <= 62.0 s", true},
               {"KOR launch alert with sharing", "75.0 s", true},
               {"final impact ellipse contains the true impact (F02)", "outside by 3.2 km", false}};
  return d;
}

std::size_t count(const std::string& s, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t i = s.find(what); i != std::string::npos; i = s.find(what, i + what.size())) ++n;
  return n;
}

std::string map_svg(const std::string& html) {
  const auto a = html.find("<svg id=\"map-svg\"");
  if (a == std::string::npos) return {};
  const auto b = html.find("</svg>", a);
  return html.substr(a, b - a);
}

// Even-odd point in ring, planar in lon/lat (good enough away from the poles).
bool ring_contains(const Ring& ring, double lat, double lon) {
  bool inside = false;
  for (std::size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++) {
    const LatLon& a = ring[i];
    const LatLon& b = ring[j];
    if ((a.lat_deg > lat) != (b.lat_deg > lat)) {
      const double x =
          a.lon_deg + (lat - a.lat_deg) * (b.lon_deg - a.lon_deg) / (b.lat_deg - a.lat_deg);
      if (lon < x) inside = !inside;
    }
  }
  return inside;
}

}  // namespace

TEST(Report, IsAnHtml5PageWithEveryPart) {
  const std::string html = render_html(sample());
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("<meta charset=\"utf-8\">"), std::string::npos);
  for (const char* id : {"id=\"map\"", "id=\"altitude\"", "id=\"timeline\"", "id=\"figures\"",
                         "id=\"targets\"", "id=\"map-svg\"", "id=\"altitude-svg\""})
    EXPECT_NE(html.find(id), std::string::npos) << id;
  EXPECT_NE(html.find("2025-03-01T00:00:00Z"), std::string::npos);
  EXPECT_NE(html.find("realtime factor"), std::string::npos);
  EXPECT_EQ(count(html, "badge pass\">PASS"), 2u);
  EXPECT_EQ(count(html, "badge fail\">FAIL"), 1u);
  EXPECT_EQ(html.substr(html.size() - 8), "</html>\n");
}

TEST(Report, EscapesTextFromTheData) {
  const std::string html = render_html(sample());
  EXPECT_NE(html.find("Drill &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;co&quot;"),
            std::string::npos);
  EXPECT_EQ(html.find("alert(1)</script>"), std::string::npos);
  EXPECT_EQ(count(html, "<script"), 1u) << "only the page's own inline script";
}

TEST(Report, NeedsNoNetwork) {
  std::string html = render_html(sample());
  // The SVG namespace is a name, not a resource; everything else must be local.
  const std::string ns = "xmlns=\"http://www.w3.org/2000/svg\"";
  for (auto i = html.find(ns); i != std::string::npos; i = html.find(ns)) html.erase(i, ns.size());
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
  EXPECT_EQ(html.find("@import"), std::string::npos);
  for (auto i = html.find("href="); i != std::string::npos; i = html.find("href=", i + 1))
    EXPECT_EQ(html.substr(i, 7), "href=\"#") << html.substr(i, 40);
  for (auto i = html.find("url("); i != std::string::npos; i = html.find("url(", i + 1))
    EXPECT_EQ(html.substr(i, 5), "url(#") << html.substr(i, 40);
}

TEST(Report, MapHasAPathPerTruthTrajectoryAndTheLayers) {
  const ReportData data = sample();
  const std::string svg = map_svg(render_html(data));
  ASSERT_FALSE(svg.empty());
  EXPECT_EQ(count(svg, "class=\"ln L-truth\""), 2u);
  EXPECT_EQ(count(svg, "class=\"ln L-system\""), 2u);
  EXPECT_EQ(count(svg, "class=\"ln L-national\""), 2u);
  EXPECT_EQ(count(svg, "class=\"cov\""), data.radars.size());
  EXPECT_EQ(count(svg, "class=\"ell-final\""), 2u);
  EXPECT_EQ(count(svg, "class=\"ell\""), 2u);
  EXPECT_NE(svg.find("class=\"land L-land\""), std::string::npos);
  EXPECT_NE(svg.find("130°E"), std::string::npos);
  EXPECT_NE(svg.find("40°N"), std::string::npos);
  EXPECT_NE(svg.find("<title>F01 truth</title>"), std::string::npos);
  EXPECT_NE(svg.find("USA TPY-2 Kyogamisaki"), std::string::npos);
}

// The USA's bundled areas (Guam, Hawaii) as the exercise gives them to the report.
std::vector<MapArea> usa_areas() {
  auto areas = io::load_areas_geojson(test_paths::source_dir() + "/scenarios/areas/usa.geojson");
  EXPECT_TRUE(areas.has_value()) << (areas ? std::string() : areas.error().message());
  std::vector<MapArea> out;
  if (areas)
    for (const auto& a : *areas)
      out.push_back({a.name, a.nation, exports::rings_of(a.rings), a.buffer_m});
  return out;
}

TEST(Report, DistantAreasDoNotMoveTheMap) {
  const ReportData without = sample();
  ReportData with = without;
  const auto usa = usa_areas();
  ASSERT_EQ(usa.size(), 4u);
  with.areas.insert(with.areas.end(), usa.begin(), usa.end());
  // Guam (13 N) and Hawaii (157 W) are far from every launch and radar of the sample: the map
  // is the same and shows neither.
  const std::string svg = map_svg(render_html(with));
  EXPECT_EQ(svg, map_svg(render_html(without)));
  EXPECT_EQ(svg.find("Hawaii"), std::string::npos);
  EXPECT_EQ(svg.find("Guam"), std::string::npos);
  // A missile falling on Guam brings Guam, not Hawaii, into the map.
  with.paths.push_back(trajectory("G1 truth", "truth", std::nullopt, 0.0, 1500.0, 39.0, 125.8,
                                  13.45, 144.78, 1000.0));
  const std::string guam = map_svg(render_html(with));
  EXPECT_NE(guam.find("<title>Guam land</title>"), std::string::npos);
  EXPECT_NE(guam.find("<title>Guam territorial sea (+22.2 km)</title>"), std::string::npos);
  EXPECT_EQ(guam.find("Hawaii"), std::string::npos);
  EXPECT_NE(guam.find("15°N"), std::string::npos);
}

TEST(Report, TimelineSaysNeverForAnEventThatDidNotHappen) {
  const std::string html = render_html(sample());
  // KOR F01: launch alert never nationally, 75 s with sharing.
  EXPECT_NE(html.find("<span class=\"nat\">never</span> → <span class=\"tri\">75.0</span>"),
            std::string::npos);
  EXPECT_NE(html.find("<span class=\"nat\">155.0</span> → <span class=\"tri\">61.0</span>"),
            std::string::npos);
  EXPECT_NE(html.find("+94.0 s"), std::string::npos);
  EXPECT_NE(html.find("burnout 180 s"), std::string::npos);
  EXPECT_NE(html.find("impact 620 s"), std::string::npos);
}

TEST(Report, IsDeterministicAndCompact) {
  const ReportData data = sample();
  const std::string a = render_html(data);
  const std::string b = render_html(data);
  EXPECT_EQ(a, b);
  EXPECT_LT(a.size(), 1500u * 1024u);
}

TEST(Report, DecimatesLongPaths) {
  ReportData d;
  d.title = "long";
  Path p{"long truth", "truth", std::nullopt, {}};
  for (int i = 0; i < 100000; ++i)
    p.samples.push_back({i * 0.01, at_deg(35.0 + i * 1e-4, 130.0 + i * 1e-4, 1000.0 * (i % 100))});
  d.paths.push_back(p);
  EXPECT_LT(render_html(d).size(), 200u * 1024u);
}

TEST(Report, RendersEmptyData) {
  const std::string html = render_html(ReportData{});
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("id=\"map-svg\""), std::string::npos);
  EXPECT_NE(html.find("No launches."), std::string::npos);
}

TEST(Report, WritesTheSampleForTheBrowserTest) {
  const std::filesystem::path dir = test_paths::binary_dir() + "/report_sample";
  std::filesystem::create_directories(dir);
  std::ofstream out(dir / "report.html", std::ios::binary);
  out << render_html(sample());
  EXPECT_TRUE(out.good());
}

TEST(Coastlines, ParsesPolygonsAndMultiPolygons) {
  const std::string text = R"({"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon",
      "coordinates": [[[130, 30], [131, 30], [131, 31], [130, 30]]]}},
    {"type": "Feature", "properties": {"name": "x"}, "geometry": {"type": "MultiPolygon",
      "coordinates": [[[[140, 35], [141, 35], [141, 36], [140, 35]],
                       [[140.2, 35.1], [140.5, 35.1], [140.5, 35.3], [140.2, 35.1]]],
                      [[[150, 40], [151, 40], [151, 41], [150, 41], [150, 40]]]]}}]})";
  const auto rings = parse_coastlines_geojson(text, "t.geojson");
  ASSERT_TRUE(rings.has_value()) << rings.error().message();
  ASSERT_EQ(rings->size(), 4u);
  EXPECT_EQ((*rings)[0].size(), 3u);  // closing vertex dropped
  EXPECT_EQ((*rings)[3].size(), 4u);
  EXPECT_DOUBLE_EQ((*rings)[1][0].lat_deg, 35.0);
  EXPECT_DOUBLE_EQ((*rings)[1][0].lon_deg, 140.0);
}

TEST(Coastlines, ErrorsNameTheFeatureAndWhatIsWrong) {
  auto where = [](const std::string& text) {
    const auto r = parse_coastlines_geojson(text, "c.geojson");
    EXPECT_FALSE(r.has_value());
    return r ? std::string() : r.error().message();
  };
  const std::string ok =
      R"({"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[1, 1], [2, 1], [2, 2], [1, 1]]]}})";
  auto collection = [&](const std::string& second) {
    return R"({"type": "FeatureCollection", "features": [)" + ok + ", " + second + "]}";
  };
  EXPECT_EQ(where(collection(
                R"({"type": "Feature", "geometry": {"type": "LineString", "coordinates": []}})")),
            "c.geojson: features[1].geometry.type: must be \"Polygon\" or \"MultiPolygon\", "
            "got \"LineString\"");
  EXPECT_EQ(where(collection(R"({"type": "Feature", "geometry": null})")),
            "c.geojson: features[1].geometry: missing or not an object");
  EXPECT_EQ(
      where(collection(
          R"({"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[1, 1], [2, 1], [2, 2], [1, 1.5]]]}})")),
      "c.geojson: features[1].geometry.coordinates[0]: ring is not closed: first position "
      "[1,1] != last [1,1.5]");
  EXPECT_EQ(
      where(collection(
          R"({"type": "Feature", "geometry": {"type": "MultiPolygon", "coordinates": [[[[1, 1], [2, 1], [2, 95], [1, 1]]]]}})")),
      "c.geojson: features[1].geometry.coordinates[0][0][2]: latitude must be in [-90, 90] "
      "deg, got 95");
  EXPECT_EQ(
      where(collection(
          R"({"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[1, 1], [2, 1], [1, 1]]]}})")),
      "c.geojson: features[1].geometry.coordinates[0]: ring needs at least 4 positions "
      "(closed), got 3");
  EXPECT_EQ(where(collection("[]")),
            "c.geojson: features[1]: feature must be an object, got array");
  EXPECT_EQ(where(R"({"type": "Topology"})"), "c.geojson: type: must be \"FeatureCollection\"");
  EXPECT_EQ(where(R"({"type": "FeatureCollection"})"),
            "c.geojson: features: missing or not an array");
  EXPECT_NE(where("{").find("c.geojson: not valid JSON"), std::string::npos);
  const auto missing = load_coastlines_geojson("/nonexistent/coast.geojson");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().message(), "/nonexistent/coast.geojson: no such file");
}

TEST(Coastlines, BundledRegionCoversKoreaJapanAndGuam) {
  const auto rings = bundled("region.geojson");
  ASSERT_GT(rings.size(), 20u);
  auto on_land = [&](double lat, double lon) {
    int n = 0;
    for (const auto& r : rings) n += ring_contains(r, lat, lon) ? 1 : 0;
    return n % 2 == 1;
  };
  EXPECT_TRUE(on_land(39.03, 125.75));  // Pyongyang
  EXPECT_TRUE(on_land(37.57, 126.98));  // Seoul
  EXPECT_TRUE(on_land(35.68, 139.69));  // Tokyo
  EXPECT_TRUE(on_land(43.06, 141.35));  // Sapporo
  EXPECT_FALSE(on_land(39.5, 134.0));   // Sea of Japan
  EXPECT_FALSE(on_land(30.0, 140.0));   // Pacific
  EXPECT_TRUE(on_land(13.45, 144.78));  // Guam
  EXPECT_TRUE(on_land(14.6, 121.0));    // Manila
  EXPECT_FALSE(on_land(15.0, 140.0));   // Philippine Sea
  // Clipped to 95-165 E, 5-60 N (to rounding of degrees through radians).
  constexpr double eps = 1e-9;
  for (const auto& r : rings)
    for (const auto& p : r) {
      ASSERT_GE(p.lon_deg, 95.0 - eps);
      ASSERT_LE(p.lon_deg, 165.0 + eps);
      ASSERT_GE(p.lat_deg, 5.0 - eps);
      ASSERT_LE(p.lat_deg, 60.0 + eps);
    }
}
