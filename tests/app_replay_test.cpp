// trilink replay as a user runs it: a small recording written with record::Recorder, printed
// back as a timeline (time order, originator, type, summary counts) and as JSON lines that
// decode to the recorded messages; bad files give one line on stderr and exit code 2; a
// tampered recording (row edited, deleted, inserted) is refused, and --verify says which row;
// replay writes nothing beside the recording and reads one in a read-only folder.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cli_run.hpp"
#include "geo/frames.hpp"
#include "record/chain.hpp"
#include "record/codec.hpp"
#include "record/recorder.hpp"

using namespace trilink;
using namespace trilink::share;
using trilink::test_cli::run;
using trilink::test_cli::RunResult;

namespace {

const geo::UtcTime t0{1'700'000'000'000'000'000};  // 2023-11-14T22:13:20Z

Header header_of(Nation n, const char* node, std::uint64_t seq, double t_s) {
  Header h;
  h.originator = Originator{n, node, std::nullopt};
  h.sequence = seq;
  h.time_of_validity = t0.plus_seconds(t_s);
  h.releasability = Releasability::all();
  return h;
}

// Six events on two links, recorded out of time order (the replay sorts them): a local track,
// a system track, a launch report, an impact prediction, an alert and a node health; expected order
// by time.
std::vector<record::LinkEvent> events() {
  const Vector3 pyongyang = geo::to_ecef(geo::Geodetic::from_deg(39.0, 125.75, 150e3)).r_m;
  const Vector3 sea = geo::to_ecef(geo::Geodetic::from_deg(41.3, 137.0, 0.0)).r_m;
  std::vector<record::LinkEvent> out;
  auto add = [&](const char* link, record::Direction d, double sent_s,
                 std::optional<double> received_s, Message m) {
    record::LinkEvent e;
    e.link = link;
    e.direction = d;
    e.sent = t0.plus_seconds(sent_s);
    if (received_s) e.received = t0.plus_seconds(*received_s);
    e.message = std::move(m);
    out.push_back(std::move(e));
  };
  LocalTrack lt;
  lt.header = header_of(Nation::JPN, "JADGE", 7, 1.0);
  lt.track_id = 101;
  lt.position_ecef_m = pyongyang;
  lt.status = TrackStatus::confirmed;
  lt.phase = FlightPhase::midcourse;
  add("JADGE>INDOPACOM", record::Direction::received, 1.0, 1.2, lt);

  SystemTrack st;
  st.header = header_of(Nation::USA, "INDOPACOM", 3, 2.0);
  st.system_track_id = 1;
  st.position_ecef_m = pyongyang;
  st.status = TrackStatus::confirmed;
  st.phase = FlightPhase::midcourse;
  st.contributions = {{Nation::JPN, 101}};
  add("INDOPACOM>KAMD", record::Direction::sent, 2.0, std::nullopt, st);

  LaunchReport lr;
  lr.header = header_of(Nation::USA, "INDOPACOM", 2, 0.5);
  lr.system_track_id = 1;
  lr.launch_point_ecef_m = geo::to_ecef(geo::Geodetic::from_deg(39.0, 125.75, 0.0)).r_m;
  lr.launch_time = t0.plus_seconds(-60.0);
  lr.launch_time_sigma_s = 2.5;
  add("INDOPACOM>KAMD", record::Direction::sent, 0.5, std::nullopt, lr);

  ImpactPrediction ip;
  ip.header = header_of(Nation::USA, "INDOPACOM", 4, 2.5);
  ip.system_track_id = 1;
  ip.impact_point_ecef_m = sea;
  ip.semi_major_m = 12'000;
  ip.semi_minor_m = 4'000;
  ip.time_of_impact = t0.plus_seconds(600.0);
  add("INDOPACOM>KAMD", record::Direction::lost, 2.5, std::nullopt, ip);

  Alert a;
  a.header = header_of(Nation::USA, "INDOPACOM", 5, 3.0);
  a.alert_id = 9;
  a.system_track_id = 1;
  a.level = AlertLevel::threat;
  a.areas = {"Hokkaido"};
  a.time_to_impact_s = 597.0;
  add("INDOPACOM>KAMD", record::Direction::sent, 3.0, std::nullopt, a);

  NodeHealth nh;
  nh.header = header_of(Nation::JPN, "JADGE", 8, 3.5);
  nh.heartbeat = 42;
  nh.radars_operating = 3;
  nh.radars_total = 4;
  nh.links = {{"INDOPACOM", LinkStatus::up}, {"KAMD", LinkStatus::down}};
  add("JADGE>INDOPACOM", record::Direction::sent, 3.5, std::nullopt, nh);
  return out;
}

// The events above in time order (by received time, else sent time).
const std::vector<std::string> expected_types{"launch_report",     "local_track", "system_track",
                                              "impact_prediction", "alert",       "node_health"};
const std::vector<std::size_t> expected_index{2, 0, 1, 3, 4, 5};

// Runs one SQL statement on `path` outside the recorder (to damage or forge a file).
void execute(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* message = nullptr;
  const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &message);
  const std::string text = message ? message : "";
  sqlite3_free(message);
  sqlite3_close(db);
  ASSERT_EQ(rc, SQLITE_OK) << text;
}

// Recomputes the hash chain of `messages` and its head after a forgery, as an adversary who
// knows record/chain.hpp would (columns in schema order: integers, texts, a nullable integer).
void reseal(const std::string& path) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db,
                               "SELECT id, link, direction, sent_ns, received_ns, type,"
                               " origin_nation, origin_node, sequence, time_of_validity_ns, label,"
                               " payload FROM messages ORDER BY id",
                               -1, &s, nullptr),
            SQLITE_OK);
  const bool integer[] = {true,  false, false, true, true,  false,
                          false, false, true,  true, false, false};
  record::chain::Digest previous = record::chain::genesis("messages");
  std::vector<std::pair<std::int64_t, record::chain::Digest>> links;
  while (sqlite3_step(s) == SQLITE_ROW) {
    record::chain::Row row;
    for (int c = 0; c < 12; ++c) {
      if (sqlite3_column_type(s, c) == SQLITE_NULL)
        row.add_null();
      else if (integer[c])
        row.add(static_cast<std::int64_t>(sqlite3_column_int64(s, c)));
      else
        row.add(std::string_view(reinterpret_cast<const char*>(sqlite3_column_text(s, c)),
                                 static_cast<std::size_t>(sqlite3_column_bytes(s, c))));
    }
    previous = row.link(previous);
    links.emplace_back(sqlite3_column_int64(s, 0), previous);
  }
  sqlite3_finalize(s);
  for (const auto& [id, d] : links) {
    ASSERT_EQ(
        sqlite3_prepare_v2(db, "UPDATE messages SET chain = ?2 WHERE id = ?1", -1, &s, nullptr),
        SQLITE_OK);
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_blob(s, 2, d.data(), static_cast<int>(d.size()), SQLITE_TRANSIENT);
    ASSERT_EQ(sqlite3_step(s), SQLITE_DONE);
    sqlite3_finalize(s);
  }
  ASSERT_EQ(sqlite3_prepare_v2(db, "UPDATE chain_head SET head = ?1 WHERE name = 'messages'", -1,
                               &s, nullptr),
            SQLITE_OK);
  sqlite3_bind_blob(s, 1, previous.data(), static_cast<int>(previous.size()), SQLITE_TRANSIENT);
  ASSERT_EQ(sqlite3_step(s), SQLITE_DONE);
  sqlite3_finalize(s);
  sqlite3_close(db);
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

class ReplayCli : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           (std::string("trilink_replay_") + info->name() + "_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string file(const char* name) const { return (dir_ / name).string(); }

  std::string write_recording() const {
    const std::string path = file("exercise.db");
    auto rec = record::Recorder::open(path);
    EXPECT_TRUE(rec.has_value()) << rec.error().message();
    std::int64_t system_track_row = 0;
    for (const auto& e : events()) {
      auto id = rec->record(e);
      EXPECT_TRUE(id.has_value()) << id.error().message();
      if (type_of(e.message) == MessageType::system_track) system_track_row = *id;
    }
    ReleaseRecord r;
    r.recipient = Nation::KOR;
    r.type = MessageType::system_track;
    r.originator = Originator{Nation::USA, "INDOPACOM", std::nullopt};
    r.sequence = 3;
    r.time_of_validity = t0.plus_seconds(2.0);
    r.label = Releasability::all();
    EXPECT_TRUE(rec->record(r, system_track_row).has_value());
    EXPECT_TRUE(rec->flush().has_value());
    return path;
  }

  std::filesystem::path dir_;
};

TEST_F(ReplayCli, TimelineInTimeOrderWithSummary) {
  const std::string db = write_recording();
  const RunResult r = run("replay " + db);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(r.err.empty()) << r.err;
  const auto out = lines(r.out);
  ASSERT_GT(out.size(), expected_types.size());
  for (std::size_t i = 0; i < expected_types.size(); ++i) {
    const std::string& line = out[i];
    EXPECT_NE(line.find("  " + expected_types[i] + "  "), std::string::npos) << line;
    const std::string origin =
        expected_types[i] == "local_track" || expected_types[i] == "node_health" ? "JPN/JADGE"
                                                                                 : "USA/INDOPACOM";
    EXPECT_NE(line.find(origin), std::string::npos) << line;
  }
  EXPECT_EQ(out[0].rfind("2023-11-14T22:13:20.500Z  +0.000 s  INDOPACOM>KAMD  sent", 0), 0u)
      << out[0];
  EXPECT_NE(out[1].find("+0.700 s  JADGE>INDOPACOM  received"), std::string::npos) << out[1];
  EXPECT_NE(out[1].find("#7  [USA|JPN|KOR]  track 101 confirmed midcourse, alt 150.0 km"),
            std::string::npos)
      << out[1];
  EXPECT_NE(out[0].find("launched from 39.00N 125.75E at 2023-11-14T22:12:20.000Z"),
            std::string::npos)
      << out[0];
  EXPECT_NE(out[3].find("impact at 41.30N 137.00E, ellipse 12.0 x 4.0 km"), std::string::npos)
      << out[3];
  EXPECT_NE(out[4].find("threat for system track 1, areas [Hokkaido], impact in 597 s"),
            std::string::npos)
      << out[4];
  EXPECT_NE(out[5].find("heartbeat 42, radars 3/4, 2 links (INDOPACOM up, KAMD down)"),
            std::string::npos)
      << out[5];
  EXPECT_NE(out[2].find("from JPN:101"), std::string::npos) << out[2];

  EXPECT_NE(r.out.find("6 events from 2023-11-14T22:13:20.500Z to 2023-11-14T22:13:23.500Z "
                       "(3.000 s)"),
            std::string::npos)
      << r.out;
  for (const char* count :
       {"  alert 1\n", "  local_track 1\n", "  system_track 1\n", "  launch_report 1\n",
        "  impact_prediction 1\n", "  INDOPACOM>KAMD 4\n", "  JADGE>INDOPACOM 2\n",
        "  node_health 1\n", "1 releases by recipient:\n  KOR 1\n"})
    EXPECT_NE(r.out.find(count), std::string::npos) << count << "\n" << r.out;
}

TEST_F(ReplayCli, JsonLinesRoundTripTheMessages) {
  const std::string db = write_recording();
  const RunResult r = run("replay " + db + " --json");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto out = lines(r.out);
  ASSERT_EQ(out.size(), expected_types.size()) << r.out;
  const auto recorded = events();
  for (std::size_t i = 0; i < out.size(); ++i) {
    const auto j = nlohmann::ordered_json::parse(out[i]);
    const record::LinkEvent& want = recorded[expected_index[i]];
    EXPECT_EQ(j.at("link").get<std::string>(), want.link);
    EXPECT_EQ(j.at("direction").get<std::string>(), record::to_string(want.direction));
    EXPECT_EQ(j.at("sent_ns").get<std::int64_t>(), want.sent.ns);
    EXPECT_EQ(j.at("received_ns").is_null(), !want.received.has_value());
    auto message = record::from_json(j.at("message"));
    ASSERT_TRUE(message.has_value()) << message.error().message();
    EXPECT_EQ(to_string(type_of(*message)), expected_types[i]);
    EXPECT_EQ(record::encode(*message), record::encode(want.message));
  }
}

TEST_F(ReplayCli, MissingFileIsOneLineAndExitTwo) {
  const std::string missing = file("no_such.db");
  const RunResult r = run("replay " + missing);
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_EQ(lines(r.err).size(), 1u) << r.err;
  EXPECT_NE(r.err.find(missing), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(missing));  // replay never creates the file
}

TEST_F(ReplayCli, GarbageFileIsOneLineAndExitTwo) {
  const std::string garbage = file("garbage.db");
  std::ofstream(garbage) << "this is not an SQLite database, just some text\n";
  for (const char* flags : {"", " --json"}) {
    const RunResult r = run("replay " + garbage + flags);
    EXPECT_EQ(r.code, 2) << flags;
    EXPECT_TRUE(r.out.empty()) << r.out;
    EXPECT_EQ(lines(r.err).size(), 1u) << r.err;
    EXPECT_NE(r.err.find(garbage), std::string::npos) << r.err;
  }
}

TEST_F(ReplayCli, OtherSqliteDatabaseIsOneLineAndExitTwo) {
  const std::string other = file("other.db");
  execute(other, "CREATE TABLE messages (id INTEGER PRIMARY KEY, payload TEXT)");
  const RunResult r = run("replay " + other);
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_EQ(lines(r.err).size(), 1u) << r.err;
  EXPECT_NE(r.err.find(other + ": not a trilink recording"), std::string::npos) << r.err;
}

TEST_F(ReplayCli, CorruptRowNamesTheRowAndFieldAndPrintsNothing) {
  const std::string db = write_recording();
  execute(db,
          "UPDATE messages SET payload = replace(payload, '\"track_id\"', '\"trak_id\"')"
          " WHERE type = 'local_track'");
  // The edit breaks the row's hash chain: found before any row is decoded.
  for (const char* flags : {"", " --json", " --verify"}) {
    const RunResult r = run("replay " + db + flags);
    EXPECT_EQ(r.code, 2) << flags;
    EXPECT_TRUE(r.out.empty()) << r.out;  // the events before the bad row are not printed
    EXPECT_EQ(lines(r.err).size(), 1u) << r.err;
    EXPECT_NE(r.err.find(db + ": messages id 1: hash chain broken"), std::string::npos) << r.err;
  }
  // Resealed (the chain recomputed over the forged row), the row is still refused when it
  // does not decode, naming the field.
  reseal(db);
  for (const char* flags : {"", " --json"}) {
    const RunResult r = run("replay " + db + flags);
    EXPECT_EQ(r.code, 2) << flags;
    EXPECT_TRUE(r.out.empty()) << r.out;
    EXPECT_EQ(lines(r.err).size(), 1u) << r.err;
    EXPECT_NE(r.err.find(db + ": messages id 1: payload"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("track_id"), std::string::npos) << r.err;
  }
}

TEST_F(ReplayCli, VerifyOfAnUntouchedRecordingIsOneLine) {
  const std::string db = write_recording();
  const RunResult r = run("replay --verify " + db);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(r.err.empty()) << r.err;
  ASSERT_EQ(lines(r.out).size(), 1u) << r.out;
  EXPECT_EQ(r.out.rfind(db + ": intact: 6 messages, 1 releases; chain heads: messages ", 0), 0u)
      << r.out;
}

// Each forgery, on a fresh recording: replay refuses it and --verify names the first bad row.
TEST_F(ReplayCli, VerifyFindsAnEditedADeletedAndAnInsertedRow) {
  struct Case {
    const char* sql;
    const char* finding;
  };
  const Case cases[] = {
      // The impact point moved (the payload's first coordinate changed).
      {"UPDATE messages SET payload = replace(payload, '\"impact_point_ecef_m\":[-', "
       "'\"impact_point_ecef_m\":[-1') WHERE type = 'impact_prediction'",
       ": messages id 4: hash chain broken"},
      {"DELETE FROM messages WHERE type = 'launch_report'", ": messages id 3: deleted"},
      {"INSERT INTO messages(link, direction, sent_ns, received_ns, type, origin_nation,"
       " origin_node, sequence, time_of_validity_ns, label, payload, chain)"
       " SELECT link, direction, sent_ns, received_ns, type, origin_nation, origin_node,"
       " sequence + 100, time_of_validity_ns, label, payload, chain FROM messages WHERE id = 5",
       ": messages id 7: inserted"},
      {"UPDATE releases SET recipient = 'JPN'", ": releases id 1: hash chain broken"},
  };
  for (const Case& c : cases) {
    const std::string db = write_recording();
    execute(db, c.sql);
    for (const char* flags : {" --verify", ""}) {
      const RunResult r = run("replay " + db + flags);
      EXPECT_EQ(r.code, 2) << c.sql << flags;
      EXPECT_TRUE(r.out.empty()) << r.out;
      EXPECT_EQ(lines(r.err).size(), 1u) << r.err;
      EXPECT_NE(r.err.find(db + c.finding), std::string::npos) << c.sql << "\n" << r.err;
    }
    std::filesystem::remove(db);
  }
}

TEST_F(ReplayCli, AForgerWhoRecomputesTheChainChangesTheHead) {
  const std::string db = write_recording();
  const RunResult before = run("replay --verify " + db);
  ASSERT_EQ(before.code, 0) << before.err;
  execute(db,
          "UPDATE messages SET payload = replace(payload, '\"semi_major_m\":12000', "
          "'\"semi_major_m\":1200') WHERE type = 'impact_prediction'");
  reseal(db);
  const RunResult after = run("replay --verify " + db);
  ASSERT_EQ(after.code, 0) << after.err;  // without a key the chain alone cannot tell...
  EXPECT_NE(after.out, before.out);       // ...but the head kept apart from the file does
}

// The files in a folder, by name.
std::vector<std::string> names_in(const std::filesystem::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

TEST_F(ReplayCli, LeavesNothingBesideTheRecording) {
  // Written by the Recorder and closed: the file is still in WAL mode (no finish()).
  const std::string db = write_recording();
  const auto before = names_in(dir_);
  ASSERT_EQ(before, std::vector<std::string>{"exercise.db"});
  for (const char* flags : {"", " --json", " --verify"}) {
    const RunResult r = run("replay " + db + flags);
    ASSERT_EQ(r.code, 0) << flags << r.err;
    EXPECT_EQ(names_in(dir_), before) << flags;  // no -wal, no -shm
  }
}

TEST_F(ReplayCli, ReadsARecordingInAReadOnlyFolder) {
  const std::string db = write_recording();
  namespace fs = std::filesystem;
  fs::permissions(dir_, fs::perms::owner_write | fs::perms::group_write | fs::perms::others_write,
                  fs::perm_options::remove);
  // root writes through any mode bits: run as nobody then, for whom the folder is read-only.
  std::string as;
  if (::geteuid() == 0) {
    if (std::system("command -v setpriv >/dev/null") != 0) GTEST_SKIP() << "no setpriv";
    fs::permissions(dir_, fs::perms::others_read | fs::perms::others_exec, fs::perm_options::add);
    as = "setpriv --reuid=65534 --regid=65534 --clear-groups ";
    // The premise: that user cannot write here.
    EXPECT_NE(std::system((as + "touch " + file("probe") + " 2>/dev/null").c_str()), 0);
  }
  for (const char* flags : {"", " --verify"}) {
    const RunResult r = run("replay " + db + flags, as);
    EXPECT_EQ(r.code, 0) << flags << r.err;
    EXPECT_TRUE(r.err.empty()) << r.err;
    EXPECT_NE(r.out.find(flags[0] ? "intact: 6 messages" : "6 events from"), std::string::npos)
        << r.out;
  }
  EXPECT_EQ(names_in(dir_), std::vector<std::string>{"exercise.db"});
  fs::permissions(dir_, fs::perms::owner_all, fs::perm_options::add);
}

}  // namespace
