// The picture the front end draws (export/picture.hpp) and the page it is embedded in
// (export/front_end.hpp): the report's picture of a real exercise (f12) carries the scenario's
// static layer, truth, both runs' displays as codec messages, the timeline; track updates are
// thinned as documented and nothing else is; the page holds the picture intact and nothing in it
// can close its script element; a recording's display links become each nation's picture.
#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>
#include <tuple>

#include "eval/analysis.hpp"
#include "export/front_end.hpp"
#include "export/picture.hpp"
#include "geo/frames.hpp"
#include "geo/wgs84.hpp"
#include "io/areas_file.hpp"
#include "io/policy_file.hpp"
#include "io/scenario_file.hpp"
#include "record/codec.hpp"
#include "test_paths.hpp"

using namespace trilink;
using exports::Json;

namespace {

struct Exercise {
  scenario::Scenario scenario;
  std::vector<warn::ProtectedArea> areas;
  std::vector<std::vector<geo::Geodetic>> coast;
  exercise::RunOutput national, trilateral;
  eval::ExerciseResult result;
  std::vector<sensor::IrPlot> ir_plots;
};

const Exercise& f12() {
  static const Exercise e = [] {
    Exercise x;
    auto s = io::load_scenario(test_paths::scenario("f12.yaml"));
    if (!s) throw std::runtime_error(s.error().message());
    x.scenario = std::move(*s);
    const auto sim = scenario::simulate(x.scenario);
    auto policy = io::load_policy(x.scenario.policy_path, x.scenario.network);
    if (!policy) throw std::runtime_error(policy.error().message());
    auto areas = io::load_areas_geojson(x.scenario.area_paths);
    if (!areas) throw std::runtime_error(areas.error().message());
    x.areas = *areas;
    auto coast = io::load_geojson_rings(x.scenario.coastline_path);
    if (!coast) throw std::runtime_error(coast.error().message());
    x.coast = *coast;
    exercise::RunInputs in;
    in.scenario = &x.scenario;
    in.simulation = &sim;
    in.policy = &*policy;
    in.areas = x.areas;
    auto n = exercise::run_exercise(in, exercise::Mode::national);
    auto t = exercise::run_exercise(in, exercise::Mode::trilateral);
    if (!n || !t) throw std::runtime_error("exercise failed");
    x.national = std::move(*n);
    x.trilateral = std::move(*t);
    x.result = eval::analyse(x.scenario, sim, x.areas, x.national, x.trilateral);
    x.ir_plots = sim.ir_plots;
    return x;
  }();
  return e;
}

std::size_t count_type(const exercise::RunOutput& r, share::MessageType type) {
  std::size_t n = 0;
  for (const auto& o : r.display) n += share::type_of(o.message) == type;
  return n;
}

}  // namespace

// F12 with the satellites on (the default): the report names them and carries one line of sight
// per infrared plot, in time order; a plot of the plume points at it: the drawn line of sight (top
// to ground) passes within 5 sigma of the plume's true position (sigma: 20 urad times the range),
// and its ground end lies on the ellipsoid.
TEST(Picture, ReportDrawsTheSatellitesLinesOfSight) {
  const auto& x = f12();
  ASSERT_FALSE(x.scenario.satellites.empty());
  ASSERT_FALSE(x.ir_plots.empty());
  const Json p = exports::report_picture(x.scenario, x.areas, x.coast, x.result, x.national,
                                         x.trilateral, x.ir_plots);
  ASSERT_EQ(p["static"]["satellites"].size(), x.scenario.satellites.size());
  EXPECT_EQ(p["static"]["satellites"][0]["name"], x.scenario.satellites[0].name);
  const Json& sightings = p["infrared"]["sightings"];
  ASSERT_EQ(sightings.size(), x.ir_plots.size());
  EXPECT_EQ(p["infrared"]["space_track_id_base"], node::space_track_id_base);
  for (std::size_t i = 1; i < sightings.size(); ++i)
    EXPECT_LE(sightings[i - 1][0].get<double>(), sightings[i][0].get<double>());
  const auto& launch = x.scenario.launches.at(0);
  std::size_t on_plume = 0;
  for (const auto& plot : x.ir_plots) {
    if (plot.truth_id != 0) continue;
    const double flown = plot.t.seconds_since(x.scenario.start) - launch.spec.time_s;
    const geo::Geodetic truth = launch.shaped.flight.trajectory.geodetic_at(flown);
    const auto [top, ground] = exports::sighting(plot);
    const geo::Vec3 a = geo::to_ecef(top).r_m, b = geo::to_ecef(ground).r_m;
    const geo::Vec3 x = geo::to_ecef(truth).r_m;
    const geo::Vec3 along = (b - a).normalized();
    const double miss_m = ((x - a) - (x - a).dot(along) * along).norm();
    const double range_m = (plot.satellite_ecef_m - x).norm();
    EXPECT_LT(miss_m, 5.0 * plot.sigma_rad * range_m) << "at T+" << flown;
    EXPECT_NEAR(top.h_m, exports::sighting_top_m, 1.0);
    EXPECT_NEAR(ground.h_m, 0.0, 1.0);
    ++on_plume;
  }
  EXPECT_GT(on_plume, 20u);
}

TEST(Picture, ReportCarriesTheScenarioAndBothRuns) {
  const auto& x = f12();
  const Json p =
      exports::report_picture(x.scenario, x.areas, x.coast, x.result, x.national, x.trilateral);
  EXPECT_EQ(p["format"], "trilink-picture/1");
  EXPECT_EQ(p["title"], x.scenario.name);
  EXPECT_EQ(p["start_ns"].get<std::int64_t>(), x.scenario.start.ns);
  EXPECT_EQ(p["ellipsoid"]["a_m"].get<double>(), geo::wgs84::a_m());
  EXPECT_EQ(p["ellipsoid"]["f"].get<double>(), geo::wgs84::f());
  EXPECT_EQ(p["static"]["radars"].size(), x.scenario.radars.size());
  EXPECT_EQ(p["static"]["areas"].size(), x.areas.size());
  EXPECT_EQ(p["static"]["coastlines"].size(), x.coast.size());
  ASSERT_EQ(p["truth"].size(), x.scenario.launches.size());
  const auto& samples = p["truth"][0]["samples"];
  ASSERT_GT(samples.size(), 10u);
  EXPECT_NEAR(samples.back()[3].get<double>(), 0.0, 1.0);  // ends on the ground
  ASSERT_EQ(p["timeline"].size(), x.result.launches.size());
  EXPECT_EQ(p["timeline"][0]["nations"].size(), x.result.launches[0].nations.size());
  EXPECT_FALSE(p.contains("targets"));  // the development targets: trilink bench targets

  // Every event is a display message, decoded back to what the run delivered; alerts, launch
  // reports and impact predictions all there; events in time order.
  std::map<std::string, std::size_t> per_type;
  double last_t = -1.0;
  for (const auto& e : p["events"]) {
    const auto m = record::from_json(e["message"]);
    ASSERT_TRUE(m.has_value()) << m.error().message();
    EXPECT_GE(e["t_s"].get<double>(), last_t);
    last_t = e["t_s"].get<double>();
    ++per_type[e["run"].get<std::string>() + ":" + e["message"]["type"].get<std::string>()];
  }
  using share::MessageType;
  for (const auto* run : {&x.national, &x.trilateral}) {
    const std::string name(exercise::to_string(run->mode));
    for (auto type :
         {MessageType::alert, MessageType::impact_prediction, MessageType::launch_report}) {
      EXPECT_EQ(per_type[name + ":" + std::string(share::to_string(type))], count_type(*run, type))
          << name << " " << share::to_string(type);
    }
    const std::size_t tracks =
        count_type(*run, MessageType::local_track) + count_type(*run, MessageType::system_track);
    const std::size_t kept = per_type[name + ":local_track"] + per_type[name + ":system_track"];
    EXPECT_GT(kept, 0u) << name;
    EXPECT_LT(kept, tracks) << name << ": track updates thinned";
  }
  EXPECT_GT(per_type["trilateral:system_track"], 0u);
  EXPECT_GT(per_type["trilateral:alert"], 0u);
}

TEST(Picture, ThinnedTrackUpdatesAreFiveSecondsApartUnlessStatusOrPhaseChanges) {
  const auto& x = f12();
  const Json p =
      exports::report_picture(x.scenario, x.areas, x.coast, x.result, x.national, x.trilateral);
  using Key = std::tuple<std::string, std::string, std::string, std::uint64_t>;
  std::map<Key, std::tuple<double, std::string, std::string>> last;
  std::size_t checked = 0;
  for (const auto& e : p["events"]) {
    const auto& m = e["message"];
    const std::string type = m["type"];
    if (type != "local_track" && type != "system_track") continue;
    const Key k{e["run"], e["nation"], m["header"]["originator"]["node"],
                m[type == "local_track" ? "track_id" : "system_track_id"].get<std::uint64_t>()};
    const double t = e["t_s"];
    if (const auto it = last.find(k); it != last.end()) {
      const auto& [t0, status, phase] = it->second;
      if (status == m["status"] && phase == m["phase"] && t - t0 < 5.0) {
        // Only a stream's last update may come sooner: nothing of this key may follow.
        bool later = false;
        for (const auto& f : p["events"])
          later = later || (f["t_s"].get<double>() > t && f["run"] == e["run"] &&
                            f["nation"] == e["nation"] && f["message"]["type"] == type &&
                            f["message"]["header"]["originator"]["node"] ==
                                m["header"]["originator"]["node"] &&
                            f["message"][type == "local_track" ? "track_id" : "system_track_id"] ==
                                m[type == "local_track" ? "track_id" : "system_track_id"]);
        EXPECT_FALSE(later) << "update at " << t << " s only " << t - t0 << " s after the last";
      }
      ++checked;
    }
    last[k] = {t, m["status"], m["phase"]};
  }
  EXPECT_GT(checked, 10u);
}

TEST(Picture, PageHoldsThePictureAndNothingClosesItsScript) {
  const std::string_view bare = web::front_end_page();
  ASSERT_NE(bare.find("@TRILINK_PICTURE@"), std::string_view::npos);
  const auto count = [](std::string_view s, std::string_view what) {
    std::size_t n = 0;
    for (auto at = s.find(what); at != std::string_view::npos; at = s.find(what, at + 1)) ++n;
    return n;
  };
  Json picture;
  picture["title"] = "Drill </script><script>alert(1)</script> <!-- & \"co\"";
  picture["events"] = Json::array();
  const std::string page = exports::page_with_picture(picture.dump());
  EXPECT_EQ(page.find("@TRILINK_PICTURE@"), std::string::npos);
  EXPECT_EQ(count(page, "</script>"), count(bare, "</script>"));
  EXPECT_EQ(count(page, "<!--"), count(bare, "<!--"));
  const std::string open = R"(<script id="trilink-picture" type="application/json">)";
  const auto from = page.find(open);
  ASSERT_NE(from, std::string::npos);
  const auto to = page.find("</script>", from);
  const Json back = Json::parse(page.substr(from + open.size(), to - from - open.size()));
  EXPECT_EQ(back, picture);
  EXPECT_EQ(exports::page_with_picture("null").size(), bare.size() - 17 + 4);
}

TEST(Picture, RecordingDisplayLinksBecomeEachNationsPicture) {
  const auto header = [](Nation n, std::string node, std::int64_t tov_s) {
    share::Header h;
    h.originator.nation = n;
    h.originator.node = std::move(node);
    h.session_start.ns = 1'000'000'000'000;
    h.sequence = 1;
    h.time_of_validity.ns = h.session_start.ns + tov_s * 1'000'000'000;
    h.releasability = share::Releasability::all();
    return h;
  };
  std::vector<record::RecordedEvent> rows;
  const auto add = [&](std::string link, share::Message m, std::int64_t t_s,
                       record::Direction d = record::Direction::received) {
    record::RecordedEvent r;
    r.id = static_cast<std::int64_t>(rows.size()) + 1;
    r.event.link = std::move(link);
    r.event.direction = d;
    r.event.sent.ns = 1'000'000'000'000 + t_s * 1'000'000'000;
    r.event.received = r.event.sent;
    r.event.message = std::move(m);
    rows.push_back(std::move(r));
  };
  share::LocalTrack jt;
  jt.header = header(Nation::JPN, "JADGE", 10);
  jt.track_id = 3;
  share::SystemTrack st;
  st.header = header(Nation::USA, "INDOPACOM", 12);
  st.system_track_id = 1;
  share::Detection det;
  det.header = header(Nation::KOR, "KAMD", 11);
  share::NodeHealth health;
  health.header = header(Nation::KOR, "KAMD", 13);
  add("trilateral:JADGE>display", jt, 10);
  add("trilateral:KAMD>INDOPACOM", det, 11);  // not a display link: left out
  add("trilateral:INDOPACOM>JADGE", st, 12);  // hub to node: left out
  add("trilateral:JADGE>display", st, 12);    // the hub's track on Japan's display
  add("trilateral:KAMD>display", st, 12, record::Direction::lost);  // lost: left out
  add("trilateral:KAMD>INDOPACOM", health, 13);                     // health: the node's own nation
  const auto p = exports::recorded_picture(rows);
  ASSERT_EQ(p.items.size(), 3u);
  EXPECT_EQ(p.items[0].nation, Nation::JPN);
  EXPECT_EQ(p.items[0].run, "trilateral");
  EXPECT_DOUBLE_EQ(p.items[0].t_s, 10.0);
  EXPECT_EQ(p.items[1].nation, Nation::JPN);
  EXPECT_TRUE(std::holds_alternative<share::SystemTrack>(p.items[1].message));
  EXPECT_EQ(p.items[2].nation, Nation::KOR);
  EXPECT_TRUE(std::holds_alternative<share::NodeHealth>(p.items[2].message));
  EXPECT_DOUBLE_EQ(p.duration_s, 13.0);
}
