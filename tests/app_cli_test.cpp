// The command line as a user runs it: exit codes, one-line errors, nothing left behind on
// bad input, an unwritable output, a failed write or SIGINT/SIGTERM, byte-identical outputs
// for the same seed.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

#include "cli_run.hpp"
#include "test_paths.hpp"

namespace fs = std::filesystem;
using trilink::test_cli::run;
using trilink::test_cli::RunResult;
using trilink::test_paths::binary_dir;
using trilink::test_paths::scenario;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

fs::path fresh_dir(const std::string& name) {
  // The process id: suites of several worktrees may run at once on one machine.
  const fs::path d =
      fs::temp_directory_path() / ("trilink_cli_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(d);
  return d;
}

}  // namespace

TEST(Cli, TrajectoryJsonHasTheDocumentedKeys) {
  const RunResult r =
      run("trajectory --from 39.25,125.87 --azimuth 85 --apogee-km 4475 --range-km 950 "
          "--class icbm --json");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  for (auto key : {"burnout_s", "apogee_km", "range_km", "flight_time_s", "impact_lat_deg",
                   "impact_lon_deg", "max_speed_mps"})
    EXPECT_TRUE(j.contains(key)) << key;
  EXPECT_NEAR(j["apogee_km"].get<double>(), 4475.0, 0.02 * 4475.0);
  EXPECT_NEAR(j["range_km"].get<double>(), 950.0, 0.02 * 950.0);
}

TEST(Cli, TrajectoryToAnAimPoint) {
  const RunResult r =
      run("trajectory --from 39.22,125.67 --to 41.3,137.0 --profile minimum-energy --json");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_NEAR(j["impact_lat_deg"].get<double>(), 41.3, 0.05);
  EXPECT_NEAR(j["impact_lon_deg"].get<double>(), 137.0, 0.05);
}

TEST(Cli, TrajectoryBadInputIsOneLineAndExitTwo) {
  for (const std::string args :
       {"trajectory --from 95,125 --azimuth 90 --apogee-km 100 --range-km 300",
        "trajectory --from 39,125 --azimuth 90 --apogee-km -5 --range-km 300",
        "trajectory --from 39,125 --azimuth 90 --apogee-km 100 --range-km 3000 --class srbm",
        "trajectory --from 39,125 --azimuth 90 --apogee-km 100 --range-km 300 --class xyz",
        "trajectory --from 39,125 --apogee-km 100 --range-km 300"}) {
    const RunResult r = run(args);
    EXPECT_EQ(r.code, 2) << args;
    EXPECT_TRUE(r.out.empty()) << args;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << args << "\n" << r.err;
  }
}

TEST(Cli, SimulateWritesTheThreeFilesIdenticallyForTheSameSeed) {
  const fs::path a = fresh_dir("sim_a"), b = fresh_dir("sim_b");
  const RunResult ra = run("simulate " + scenario("f13.yaml") + " --out " + a.string());
  ASSERT_EQ(ra.code, 0) << ra.err;
  EXPECT_NE(ra.out.find("first detection by"), std::string::npos);
  EXPECT_NE(ra.out.find("impact"), std::string::npos);
  ASSERT_EQ(run("simulate " + scenario("f13.yaml") + " --out " + b.string() + " --quiet").code, 0);
  for (auto f : {"truth.csv", "detections.csv", "summary.json"}) {
    ASSERT_TRUE(fs::exists(a / f)) << f;
    EXPECT_EQ(slurp(a / f), slurp(b / f)) << f;
    EXPECT_FALSE(fs::exists(a / (std::string(f) + ".partial")));
  }
  const auto j = nlohmann::json::parse(slurp(a / "summary.json"));
  const auto& launch = j["launches"][0];
  EXPECT_EQ(launch["id"], "F13");
  for (auto key : {"burnout_s", "apogee_km", "range_km", "flight_time_s", "impact_lat_deg",
                   "impact_lon_deg", "max_speed_mps"})
    EXPECT_TRUE(launch.contains(key)) << key;
  bool some_detected = false;
  for (const auto& r : launch["radars"]) {
    EXPECT_TRUE(r.contains("first_detection_s"));
    EXPECT_TRUE(r.contains("detections"));
    some_detected = some_detected || !r["first_detection_s"].is_null();
  }
  EXPECT_TRUE(some_detected);
  fs::remove_all(a);
  fs::remove_all(b);
}

TEST(Cli, SimulateBadScenarioLeavesNothing) {
  const fs::path dir = fresh_dir("bad");
  fs::create_directories(dir);
  std::ofstream(dir / "catalogue.yaml") << slurp(scenario("catalogue.yaml"));
  std::ofstream(dir / "bad.yaml") << "name: bad\nstart: 2020-01-01T00:00:00Z\nlaunches:\n"
                                     "  - id: X\n    lat_deg: 95\n    lon_deg: 125\n"
                                     "    azimuth_deg: 90\n    apogee_km: 100\n    range_km: 300\n"
                                     "radars: all\n";
  const fs::path out = dir / "out";
  const RunResult r = run("simulate " + (dir / "bad.yaml").string() + " --out " + out.string());
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(r.err.find("bad.yaml:5: launches[0].lat_deg"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(out));
  fs::remove_all(dir);
}

TEST(Cli, TrackWritesTracksImpactsAndMetrics) {
  const fs::path out = fresh_dir("track");
  const RunResult r = run("track " + scenario("f13.yaml") + " --nation KOR --out " + out.string());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("first track"), std::string::npos);
  ASSERT_TRUE(fs::exists(out / "tracks.csv"));
  const auto j = nlohmann::json::parse(slurp(out / "metrics.json"));
  EXPECT_EQ(j["nation"], "KOR");
  ASSERT_EQ(j["launches"].size(), 1u);
  EXPECT_FALSE(j["launches"][0]["first_track_s"].is_null());
  EXPECT_GT(j["counters"]["updates"].get<int>(), 10);
  EXPECT_NE(slurp(out / "tracks.csv").find(",KOR,"), std::string::npos);
  // Every impact prediction past burnout, with the track's beta once it estimates it.
  const std::string impacts = slurp(out / "impacts.csv");
  EXPECT_EQ(impacts.rfind("t_s,track,truth,valid,time_to_impact_s,", 0), 0u);
  EXPECT_NE(impacts.find("inside_95,beta_kgpm2,beta_sigma_kgpm2\n"), std::string::npos);
  EXPECT_NE(impacts.find(",F13,1,"), std::string::npos) << impacts.substr(0, 400);
  fs::remove_all(out);
}

TEST(Cli, TrackBadInputExitsTwo) {
  const fs::path out = fresh_dir("track_bad");
  RunResult r = run("track " + scenario("f13.yaml") + " --nation FRA --out " + out.string());
  EXPECT_EQ(r.code, 2);
  r = run("track /nonexistent.yaml --out " + out.string());
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_FALSE(fs::exists(out));
}

TEST(Cli, BenchTrackerPrintsTheDocumentedKeysAndImportReproducesExport) {
  const fs::path dir = fresh_dir("bench_export");
  const RunResult a = run("bench tracker --targets 50 --scans 12 --export " + dir.string());
  ASSERT_EQ(a.code, 0) << a.err;
  const auto ja = nlohmann::json::parse(a.out);
  for (auto key : {"targets", "measurements", "seconds", "meas_per_s", "ospa_m", "rmse_m"})
    EXPECT_TRUE(ja.contains(key)) << key;
  EXPECT_EQ(ja["targets"], 50);
  EXPECT_LT(ja["ospa_m"].get<double>(), 200.0);
  const RunResult b = run("bench tracker --import " + dir.string());
  ASSERT_EQ(b.code, 0) << b.err;
  const auto jb = nlohmann::json::parse(b.out);
  EXPECT_EQ(jb["measurements"], ja["measurements"]);
  EXPECT_DOUBLE_EQ(jb["ospa_m"].get<double>(), ja["ospa_m"].get<double>());
  EXPECT_EQ(run("bench tracker --import /nonexistent").code, 2);
  fs::remove_all(dir);
}

// --repeat K: K runs through new trackers; meas_per_s is their median, the figures the first's.
TEST(Cli, BenchTrackerRepeatsAndTakesTheMedian) {
  const RunResult one = run("bench tracker --targets 50 --scans 12");
  const RunResult r = run("bench tracker --targets 50 --scans 12 --repeat 3");
  ASSERT_EQ(one.code, 0) << one.err;
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j1 = nlohmann::json::parse(one.out);
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_FALSE(j1.contains("meas_per_s_runs"));
  ASSERT_TRUE(j.contains("meas_per_s_runs"));
  std::vector<double> rates = j["meas_per_s_runs"].get<std::vector<double>>();
  ASSERT_EQ(rates.size(), 3u);
  std::sort(rates.begin(), rates.end());
  EXPECT_EQ(j["meas_per_s"].get<double>(), rates[1]);
  EXPECT_EQ(j["ospa_m"].get<double>(), j1["ospa_m"].get<double>());
  EXPECT_EQ(j["measurements"], j1["measurements"]);
  EXPECT_EQ(run("bench tracker --targets 50 --repeat 0").code, 2);
}

TEST(Cli, BenchAccuracyPrintsOneObjectPerLaunch) {
  const RunResult r = run("bench accuracy " + scenario("f13.yaml") + " --runs 1 --nation KOR");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["launch"], "F13");
  EXPECT_EQ(j["runs"], 1);
  EXPECT_TRUE(j.contains("rmse_over_pcrlb"));
  EXPECT_TRUE(j.contains("first_ellipse_held"));
}

namespace {

// summary.json without what depends on the machine: the wall time and the speed.
nlohmann::json without_wall_time(nlohmann::json j) {
  j.erase("wall_s");
  j.erase("realtime_factor");
  return j;
}

}  // namespace

TEST(Cli, ExerciseWritesTheThreeFilesIdenticallyForTheSameSeed) {
  const fs::path a = fresh_dir("exercise_a"), b = fresh_dir("exercise_b");
  const RunResult ra =
      run("exercise " + scenario("f12.yaml") + " --out " + a.string() + " --quiet");
  ASSERT_EQ(ra.code, 0) << ra.err;
  EXPECT_TRUE(ra.out.empty()) << ra.out;
  ASSERT_EQ(run("exercise " + scenario("f12.yaml") + " --out " + b.string() + " --quiet").code, 0);
  for (auto f : {"summary.json", "recording.db", "report.html"}) {
    ASSERT_TRUE(fs::exists(a / f)) << f;
    EXPECT_GT(fs::file_size(a / f), 0u) << f;
  }
  for (const auto& e : fs::directory_iterator(a))
    EXPECT_EQ(e.path().filename().string().find(".partial"), std::string::npos) << e.path();
  EXPECT_TRUE(slurp(a / "recording.db") == slurp(b / "recording.db"));
  EXPECT_TRUE(slurp(a / "report.html") == slurp(b / "report.html"));

  const auto j = nlohmann::json::parse(slurp(a / "summary.json"));
  ASSERT_TRUE(j.contains("realtime_factor"));
  EXPECT_TRUE(j["realtime_factor"].is_number());
  EXPECT_EQ(j["false_threat_alerts"], 0);
  const auto& launch = j["launches"][0];
  EXPECT_EQ(launch["id"], "F12");
  for (auto mode : {"national", "trilateral"}) {
    ASSERT_TRUE(launch["timeline"][mode].contains("JPN")) << mode;
    const auto& jpn = launch["timeline"][mode]["JPN"];
    for (auto key : {"first_detection_s", "first_track_s", "launch_alert_s",
                     "first_impact_prediction_s", "threat_alert_s"}) {
      ASSERT_TRUE(jpn.contains(key)) << mode << " " << key;
      EXPECT_TRUE(jpn[key].is_number() || jpn[key].is_null()) << mode << " " << key;
    }
  }
  ASSERT_TRUE(launch["sharing_gain_s"]["JPN"].is_number());
  EXPECT_GT(launch["sharing_gain_s"]["JPN"].get<double>(), 0.0);
  EXPECT_EQ(without_wall_time(j),
            without_wall_time(nlohmann::json::parse(slurp(b / "summary.json"))));

  const RunResult replay = run("replay " + (a / "recording.db").string());
  ASSERT_EQ(replay.code, 0) << replay.err;
  EXPECT_NE(replay.out.find("INDOPACOM"), std::string::npos);
  fs::remove_all(a);
  fs::remove_all(b);
}

// The console and the summary speak to operators (when each nation knew, what sharing gained):
// no PASS/FAIL of the project's targets; those are trilink bench targets' JSON, one verdict per
// target, the speed among them, and the same verdicts for the same seed.
TEST(Cli, TheDevelopmentTargetsAreJudgedByBenchNotByTheExercise) {
  const fs::path a = fresh_dir("exercise_console");
  const RunResult ex = run("exercise " + scenario("f12.yaml") + " --out " + a.string());
  ASSERT_EQ(ex.code, 0) << ex.err;
  EXPECT_NE(ex.out.find("launch_alert"), std::string::npos) << ex.out;
  EXPECT_EQ(ex.out.find("PASS"), std::string::npos) << ex.out;
  EXPECT_EQ(ex.out.find("FAIL"), std::string::npos) << ex.out;
  EXPECT_FALSE(nlohmann::json::parse(slurp(a / "summary.json")).contains("targets"));
  fs::remove_all(a);

  const RunResult b1 = run("bench targets " + scenario("f12.yaml"));
  ASSERT_EQ(b1.code, 0) << b1.err;
  const auto j = nlohmann::json::parse(b1.out);
  ASSERT_EQ(j["scenarios"].size(), 1u);
  const auto& f12 = j["scenarios"][0];
  EXPECT_EQ(f12["name"], "F12");
  ASSERT_GT(f12["targets"].size(), 5u);
  std::size_t met = 0, speed = 0;
  for (const auto& t : f12["targets"]) {
    ASSERT_TRUE(t["pass"].is_boolean()) << t;
    met += t["pass"].get<bool>() ? 1 : 0;
    speed += t["name"].get<std::string>().starts_with("exercise runs") ? 1 : 0;
  }
  EXPECT_EQ(speed, 1u);
  EXPECT_EQ(f12["met"], met);
  EXPECT_EQ(f12["not_met"], f12["targets"].size() - met);
  EXPECT_EQ(j["met"], met);
  // F12's launch is seen from space and by Korea's radars: its launch-alert targets are met.
  EXPECT_NE(b1.out.find("F12 JPN: launch alert within 30 s of launch"), std::string::npos);
  const auto without_speed = [](nlohmann::json s) {
    auto& t = s["targets"];
    t.erase(t.end() - 1);
    return t;
  };
  const auto j2 = nlohmann::json::parse(run("bench targets " + scenario("f12.yaml")).out);
  EXPECT_EQ(without_speed(f12), without_speed(j2["scenarios"][0]));
  const RunResult bad = run("bench targets --dir /nonexistent-trilink");
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("/nonexistent-trilink"), std::string::npos) << bad.err;
}

TEST(Cli, ExerciseBadInputExitsTwoAndWritesNoSummary) {
  const fs::path dir = fresh_dir("exercise_bad");
  fs::create_directories(dir);
  std::string text = slurp(scenario("f12.yaml"));
  const auto at = text.find("seed:");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 5, "seeed:");
  std::ofstream(dir / "typo.yaml") << text << "catalogue: " << scenario("catalogue.yaml") << "\n";
  const fs::path out = dir / "out";
  RunResult r = run("exercise " + (dir / "typo.yaml").string() + " --out " + out.string());
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(r.err.find("typo.yaml"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("seeed"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(out / "summary.json"));

  std::ofstream(dir / "policy.yaml") << "version: 1\nnations:\n  - nation: USA\n    nodes: [\n";
  r = run("exercise " + scenario("f12.yaml") + " --policy " + (dir / "policy.yaml").string() +
          " --out " + out.string());
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(r.err.find("policy.yaml"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(out / "summary.json"));
  fs::remove_all(dir);
}

namespace {

// The entries of a folder, by name (hidden ones included).
std::vector<std::string> names_in(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

// A bad-input case for `trilink exercise`: files written into a fresh folder (a scenario
// `s.yaml` built on F12 with `extra` appended, and any `files`), and the parts the one-line
// error must contain besides the name of `bad_file`.
struct BadInput {
  std::string name;
  std::string extra;                                       // appended to the scenario
  std::vector<std::pair<std::string, std::string>> files;  // name, text
  std::string bad_file;                                    // the file the error must name
  std::vector<std::string> parts;
};

const std::string square_area =
    R"({"type": "FeatureCollection", "features": [{"type": "Feature",
  "properties": {"name": "x", "nation": "JPN"},
  "geometry": {"type": "Polygon", "coordinates": [[[142, 43], [143, 43], [143, 44], [142, 43]]]}}]})";

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return at == std::string::npos ? text : text.replace(at, from.size(), to);
}

}  // namespace

TEST(Cli, ExerciseIntoAnExistingFolderKeepsItsOtherFilesAndLeavesNoStaging) {
  const fs::path dir = fresh_dir("exercise_existing");
  fs::create_directories(dir);
  std::ofstream(dir / "notes.txt") << "mine\n";
  std::ofstream(dir / "summary.json") << "an old summary\n";
  const RunResult r = run("exercise " + scenario("f12.yaml") + " --out " + dir.string());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(names_in(dir),
            (std::vector<std::string>{"notes.txt", "recording.db", "report.html", "summary.json"}));
  EXPECT_EQ(slurp(dir / "notes.txt"), "mine\n");
  EXPECT_NE(slurp(dir / "summary.json"), "an old summary\n");
  // The recording verifies, and the chain head printed is the one --verify finds.
  const RunResult v = run("replay --verify " + (dir / "recording.db").string());
  ASSERT_EQ(v.code, 0) << v.err;
  const auto at = r.out.find("chain head ");
  ASSERT_NE(at, std::string::npos) << r.out;
  const std::string head = r.out.substr(at + 11, 64);
  EXPECT_NE(v.out.find("chain heads: messages " + head), std::string::npos) << v.out << head;
  EXPECT_EQ(names_in(dir).size(), 4u);  // replay left nothing either
  fs::remove_all(dir);
}

TEST(Cli, ExerciseIntoAnUnwritableOutExitsTwoWithOneLine) {
  const fs::path dir = fresh_dir("exercise_unwritable");
  fs::create_directories(dir);
  std::ofstream(dir / "file") << "a file, not a folder\n";
  // Under a file, and a file itself.
  for (const fs::path& out : {dir / "file" / "out", dir / "file"}) {
    const RunResult r = run("exercise " + scenario("f12.yaml") + " --out " + out.string());
    EXPECT_EQ(r.code, 2) << out << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_NE(r.err.find(out.string() + ": cannot write the output folder"), std::string::npos)
        << r.err;
  }
  // A folder without write permission (root ignores the mode bits: run as nobody then).
  const fs::path locked = dir / "locked";
  fs::create_directories(locked);
  fs::permissions(locked, fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read |
                              fs::perms::group_exec | fs::perms::others_read |
                              fs::perms::others_exec);
  const std::string as =
      ::geteuid() == 0 ? "setpriv --reuid=65534 --regid=65534 --clear-groups " : "";
  if (as.empty() || std::system("command -v setpriv >/dev/null") == 0) {
    fs::permissions(dir, fs::perms::others_read | fs::perms::others_exec, fs::perm_options::add);
    const fs::path out = locked / "out";
    const RunResult r = run("exercise " + scenario("f12.yaml") + " --out " + out.string(), as);
    EXPECT_EQ(r.code, 2) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_NE(r.err.find(out.string() + ": cannot write the output folder: Permission denied"),
              std::string::npos)
        << r.err;
    EXPECT_TRUE(names_in(locked).empty());
  }
  fs::permissions(locked, fs::perms::owner_all, fs::perm_options::add);
  fs::remove_all(dir);
}

TEST(Cli, ExerciseWhoseRecordingCannotBeWrittenCommitsNothing) {
  // A complete earlier run in DIR; this run's recording hits a file-size limit (the shell's
  // `ulimit -f`, with SIGXFSZ ignored so that the write fails instead of killing).
  const fs::path dir = fresh_dir("exercise_full");
  fs::create_directories(dir);
  for (auto f : {"summary.json", "recording.db", "report.html"})
    std::ofstream(dir / f) << "from the run before: " << f << "\n";
  const auto before = names_in(dir);
  const RunResult r =
      run("exercise " + scenario("f12.yaml") + " --out " + dir.string() + " --quiet",
          "ulimit -f 256; trap '' XFSZ; ");
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  // Named as the file the user asked for, not as its staged copy.
  EXPECT_EQ(r.err.rfind("trilink exercise: " + (dir / "recording.db").string() + ": ", 0), 0u)
      << r.err;
  EXPECT_EQ(names_in(dir), before);  // no staging folder, no -wal, no -shm
  for (auto f : {"summary.json", "recording.db", "report.html"})
    EXPECT_EQ(slurp(dir / f), std::string("from the run before: ") + f + "\n") << f;
  fs::remove_all(dir);
}

namespace {

// Starts `trilink ARGS...` with stdout and stderr to files; returns its pid.
pid_t spawn_trilink(const std::vector<std::string>& args, const fs::path& out_file,
                    const fs::path& err_file) {
  const std::string program = binary_dir() + "/trilink";
  std::vector<char*> argv{const_cast<char*>(program.c_str())};
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  posix_spawn_file_actions_addopen(&actions, 2, err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  // SIGINT and SIGTERM at their default, even when the suite runs as a background job (which
  // starts with SIGINT ignored, and trilink keeps an ignored signal ignored).
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGTERM);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, program.c_str(), &actions, &attr, argv.data(), environ);
  posix_spawnattr_destroy(&attr);
  posix_spawn_file_actions_destroy(&actions);
  return rc == 0 ? pid : -1;
}

}  // namespace

TEST(Cli, ExerciseInterruptedBySigintOrSigtermLeavesNothing) {
  // f06 runs for over ten seconds; the signal comes once its recording has rows.
  for (const int sig : {SIGINT, SIGTERM}) {
    const fs::path dir = fresh_dir("exercise_interrupted_" + std::to_string(sig));
    fs::create_directories(dir);
    const fs::path out = dir / "out";
    const pid_t pid = spawn_trilink({"exercise", scenario("f06.yaml"), "--out", out.string()},
                                    dir.parent_path() / (dir.filename().string() + ".stdout"),
                                    dir.parent_path() / (dir.filename().string() + ".stderr"));
    ASSERT_GT(pid, 0);
    const fs::path staged = dir / (".out.partial-" + std::to_string(pid)) / "recording.db";
    bool started = false;
    for (int i = 0; i < 600 && !started; ++i) {  // up to a minute on a loaded machine
      std::error_code ec;
      started = fs::exists(staged, ec) && fs::file_size(staged, ec) > 64 * 1024;
      if (!started) ::usleep(100'000);
    }
    ASSERT_TRUE(started) << "the run never started recording";
    ASSERT_EQ(::kill(pid, sig), 0);
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status)) << "ended by a signal, not cleanly";
    EXPECT_EQ(WEXITSTATUS(status), 128 + sig);
    const std::string err = slurp(dir.parent_path() / (dir.filename().string() + ".stderr"));
    EXPECT_NE(err.find(std::string("trilink exercise: interrupted by ") +
                       (sig == SIGINT ? "SIGINT" : "SIGTERM") + "; nothing written to " +
                       out.string() + "\n"),
              std::string::npos)
        << err;
    EXPECT_TRUE(names_in(dir).empty());  // no out, no staging folder, no -wal, no -shm
    fs::remove(dir.parent_path() / (dir.filename().string() + ".stdout"));
    fs::remove(dir.parent_path() / (dir.filename().string() + ".stderr"));
    fs::remove_all(dir);
  }
}

// Every class of bad input a user can give the exercise: exit code 2, one line on stderr that
// names the file and the field, nothing in --out, and no crash or hang.
TEST(Cli, ExerciseBadInputClassesExitTwoNamingFileAndField) {
  const std::string policy = slurp(trilink::test_paths::source_dir() + "/deploy/policy.yaml");
  const std::string launches_10k = [] {
    std::string t = "launches:\n";
    for (int i = 0; i < 10000; ++i)
      t += "  - {id: L" + std::to_string(i) +
           ", area: Wonsan, azimuth_deg: 80, apogee_km: 50, range_km: 600}\n";
    return t;
  }();
  const std::vector<BadInput> cases = {
      {"area_number_overflow",
       "areas: [bad.geojson]\n",
       {{"bad.geojson", replaced(square_area, "[143, 44]", "[143, 1e400]")}},
       "bad.geojson",
       {"out of range"}},
      {"coastline_number_overflow",
       "coastline: coast.geojson\n",
       {{"coast.geojson", replaced(square_area, "[143, 44]", "[1e400, 44]")}},
       "coast.geojson",
       {"out of range"}},
      {"area_self_intersecting",
       "areas: [bad.geojson]\n",
       {{"bad.geojson",
         replaced(square_area, "[143, 43], [143, 44]", "[143, 44], [143, 43], [142, 44.5]")}},
       "bad.geojson",
       {"features[0].geometry.coordinates[0]", "not a valid ring"}},
      {"area_buffer_absurd",
       "areas: [bad.geojson]\n",
       {{"bad.geojson", replaced(square_area, "\"JPN\"", "\"JPN\", \"buffer_m\": 1e300")}},
       "bad.geojson",
       {"features[0].properties.buffer_m"}},
      {"area_empty",
       "areas: [bad.geojson]\n",
       {{"bad.geojson", R"({"type": "FeatureCollection", "features": []})"}},
       "bad.geojson",
       {"features", "empty"}},
      {"duplicate_key", "seed: 13\n", {}, "s.yaml", {"seed", "duplicate key"}},
      {"revisit_tiny", "", {}, "s.yaml", {"radars[0].revisit_s", "[0.1, 3600]"}},
      {"direct_japan_korea_link",
       "network:\n  links:\n    - between: [KAMD, JADGE]\n",
       {},
       "s.yaml",
       {"network.links[0].between", "never linked directly"}},
      {"policy_unknown_node",
       "policy: policy.yaml\n",
       {{"policy.yaml", replaced(policy, "[JADGE]", "[JADGE2]")}},
       "policy.yaml",
       {"nations[1].nodes", "JADGE2"}},
      {"policy_nation_missing",
       "policy: policy.yaml\n",
       {{"policy.yaml",
         replaced(policy, "  - nation: KOR\n    nodes: [KAMD]\n    may_grant: USA|JPN|KOR\n", "")}},
       "policy.yaml",
       {"nations", "KOR is missing"}},
      {"policy_duplicate_key",
       "policy: policy.yaml\n",
       {{"policy.yaml", replaced(policy, "version: 1\n", "version: 1\nversion: 1\n")}},
       "policy.yaml",
       {"version", "duplicate key"}},
      {"too_many_launches", "", {}, "s.yaml", {"launches", "at most 100"}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const fs::path dir = fresh_dir("badin_" + c.name);
    fs::create_directories(dir);
    std::string text = slurp(scenario("f12.yaml"));
    if (c.name == "revisit_tiny")
      text = replaced(text, "radars: all", "radars:\n  - site: Sado\n    revisit_s: 1e-9");
    if (c.name == "too_many_launches")
      text = text.substr(0, text.find("launches:")) + launches_10k + "radars: all\n";
    text += "catalogue: " + scenario("catalogue.yaml") + "\n" + c.extra;
    if (c.extra.find("policy:") == std::string::npos)
      text += "policy: " + trilink::test_paths::source_dir() + "/deploy/policy.yaml\n";
    if (c.extra.find("areas:") == std::string::npos)
      text += "areas: [" + scenario("areas/japan.geojson") + "]\n";
    if (c.extra.find("coastline:") == std::string::npos)
      text += "coastline: " + scenario("areas/region.geojson") + "\n";
    std::ofstream(dir / "s.yaml") << text;
    for (const auto& [name, body] : c.files) std::ofstream(dir / name) << body;
    const fs::path out = dir / "out";
    const RunResult r = run("exercise " + (dir / "s.yaml").string() + " --out " + out.string());
    EXPECT_EQ(r.code, 2) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_NE(r.err.find((dir / c.bad_file).string()), std::string::npos) << r.err;
    for (const auto& part : c.parts) EXPECT_NE(r.err.find(part), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(out / "summary.json"));
    fs::remove_all(dir);
  }
}

TEST(Cli, MisleadingMessagesNameTheRealProblem) {
  // A directory is not "no such file".
  RunResult r = run("simulate " + fs::temp_directory_path().string() + " --out /nonexistent/x");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("is a directory"), std::string::npos) << r.err;
  // An unknown subcommand says so, at either level.
  r = run("frobnicate x");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("unknown subcommand 'frobnicate'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("exercise"), std::string::npos) << r.err;
  r = run("bench frobnicate");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("trilink bench: unknown subcommand 'frobnicate'"), std::string::npos)
      << r.err;
  // No subcommand at all is still "required".
  r = run("");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("subcommand is required"), std::string::npos) << r.err;
}
