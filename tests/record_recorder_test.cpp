#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>

#include <filesystem>
#include <fstream>

#include "record/codec.hpp"
#include "record/recorder.hpp"
#include "record/replay.hpp"

using namespace trilink;
using namespace trilink::share;
using namespace trilink::record;

namespace {

// A fresh directory per test, removed afterwards.
class RecorderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           (std::string("trilink_record_") + info->name() + "_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string file(const char* name) const { return (dir_ / name).string(); }

  std::filesystem::path dir_;
};

// Event i: a mix of the message types on three links, received out of sent order.
LinkEvent event(int i) {
  LinkEvent e;
  const geo::UtcTime t0{1'700'000'000'000'000'000};
  Header h;
  h.sequence = static_cast<std::uint64_t>(i);
  h.time_of_validity = t0.plus_seconds(0.1 * i);
  h.releasability = (i % 3 == 0) ? Releasability::all() : Releasability{Nation::USA, Nation::KOR};
  switch (i % 3) {
    case 0: {
      h.originator = Originator{Nation::JPN, "JADGE", std::nullopt};
      LocalTrack t;
      t.header = h;
      t.track_id = static_cast<std::uint64_t>(100 + i % 7);
      t.position_ecef_m = Vector3(-3.9e6 + i / 3.0, 3.4e6, 3.7e6);
      t.covariance *= 1.0 + i / 7.0;
      e.message = t;
      e.link = "JADGE>INDOPACOM";
      break;
    }
    case 1: {
      h.originator = Originator{Nation::USA, "INDOPACOM", std::nullopt};
      SystemTrack s;
      s.header = h;
      s.system_track_id = 1;
      s.contributions = {{Nation::KOR, 5}};
      e.message = s;
      e.link = "INDOPACOM>KAMD";
      break;
    }
    default: {
      h.originator = Originator{Nation::KOR, "KAMD", std::nullopt};
      NodeHealth n;
      n.header = h;
      n.heartbeat = static_cast<std::uint64_t>(i);
      e.message = n;
      e.link = "KAMD>INDOPACOM";
    }
  }
  e.sent = t0.plus_seconds(0.1 * i);
  if (i % 5 == 4) {
    e.direction = Direction::lost;
  } else if (i % 2 == 0) {
    e.direction = Direction::received;
    e.received = e.sent.plus_seconds(0.25);  // arrives after later sends
  } else {
    e.direction = Direction::sent;
  }
  return e;
}

std::vector<std::string> dump_rows(const std::string& path) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  std::vector<std::string> rows;
  sqlite3_exec(
      db, "SELECT * FROM messages ORDER BY id",
      [](void* out, int n, char** values, char**) {
        std::string row;
        for (int i = 0; i < n; ++i) row += std::string(values[i] ? values[i] : "NULL") + "|";
        static_cast<std::vector<std::string>*>(out)->push_back(row);
        return 0;
      },
      &rows, nullptr);
  sqlite3_close(db);
  return rows;
}

std::string error_reading(const std::string& path) {
  auto all = read_all(path);
  EXPECT_FALSE(all.has_value());
  return all ? std::string() : all.error().message();
}

}  // namespace

TEST_F(RecorderTest, RecordsAndReplaysInTimeOrder) {
  const std::string path = file("run.db");
  constexpr int n = 250;
  {
    auto rec = Recorder::open(path, Recorder::Options{.commit_every = 64});
    ASSERT_TRUE(rec.has_value()) << rec.error().message();
    for (int i = 0; i < n; ++i) {
      auto id = rec->record(event(i));
      ASSERT_TRUE(id.has_value()) << id.error().message();
      EXPECT_EQ(*id, i + 1);
    }
    ASSERT_TRUE(rec->flush().has_value());
  }
  auto all = read_all(path);
  ASSERT_TRUE(all.has_value()) << all.error().message();
  ASSERT_EQ(all->size(), static_cast<std::size_t>(n));
  std::vector<bool> seen(n, false);
  for (std::size_t k = 0; k < all->size(); ++k) {
    const RecordedEvent& r = (*all)[k];
    if (k > 0) {
      const RecordedEvent& prev = (*all)[k - 1];
      EXPECT_TRUE(prev.event.time() < r.event.time() ||
                  (prev.event.time() == r.event.time() && prev.id < r.id));
    }
    const int i = static_cast<int>(r.id - 1);
    ASSERT_GE(i, 0);
    ASSERT_LT(i, n);
    seen[static_cast<std::size_t>(i)] = true;
    const LinkEvent want = event(i);
    EXPECT_EQ(r.event.link, want.link);
    EXPECT_EQ(r.event.direction, want.direction);
    EXPECT_EQ(r.event.sent, want.sent);
    EXPECT_EQ(r.event.received, want.received);
    EXPECT_EQ(encode(r.event.message), encode(want.message));  // the codec is exact
  }
  EXPECT_EQ(std::count(seen.begin(), seen.end(), true), n);
  // Out of sent order: event 0 is received at +0.25 s, after events 1 and 2 were sent.
  EXPECT_NE((*all)[0].id, 1);
}

TEST_F(RecorderTest, WalModeIsOn) {
  const std::string path = file("wal.db");
  auto rec = Recorder::open(path);
  ASSERT_TRUE(rec.has_value()) << rec.error().message();
  auto mode = rec->journal_mode();
  ASSERT_TRUE(mode.has_value());
  EXPECT_EQ(*mode, "wal");
  ASSERT_TRUE(rec->record(event(0)).has_value());
  ASSERT_TRUE(rec->flush().has_value());
  // Seen from another connection, while the recorder is open.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &s, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(s), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)), "wal");
  sqlite3_finalize(s);
  sqlite3_close(db);
  // A reader sees the committed rows while the recorder is still open.
  auto all = read_all(path);
  ASSERT_TRUE(all.has_value()) << all.error().message();
  EXPECT_EQ(all->size(), 1u);
}

TEST_F(RecorderTest, FinishLeavesOneSelfContainedFile) {
  const std::string path = file("finished.db");
  {
    auto rec = Recorder::open(path);
    ASSERT_TRUE(rec.has_value()) << rec.error().message();
    for (int i = 0; i < 20; ++i) ASSERT_TRUE(rec->record(event(i)).has_value());
    EXPECT_TRUE(std::filesystem::exists(path + "-wal"));
    ASSERT_TRUE(rec->finish().has_value());
    EXPECT_EQ(rec->journal_mode().value_or(""), "delete");
    EXPECT_FALSE(std::filesystem::exists(path + "-wal"));
  }
  EXPECT_FALSE(std::filesystem::exists(path + "-shm"));
  // The file header says rollback journal (bytes 18 and 19: 1 = legacy, 2 = WAL).
  std::ifstream f(path, std::ios::binary);
  char header[20] = {};
  ASSERT_TRUE(f.read(header, sizeof header));
  EXPECT_EQ(header[18], 1);
  EXPECT_EQ(header[19], 1);
  auto all = read_all(path);
  ASSERT_TRUE(all.has_value()) << all.error().message();
  EXPECT_EQ(all->size(), 20u);
}

TEST_F(RecorderTest, SameEventsGiveSameRows) {
  for (const char* name : {"a.db", "b.db"}) {
    auto rec = Recorder::open(file(name), Recorder::Options{.commit_every = 7});
    ASSERT_TRUE(rec.has_value());
    for (int i = 0; i < 50; ++i) ASSERT_TRUE(rec->record(event(i)).has_value());
  }  // the destructor commits
  const auto a = dump_rows(file("a.db"));
  EXPECT_EQ(a.size(), 50u);
  EXPECT_EQ(a, dump_rows(file("b.db")));
}

TEST_F(RecorderTest, AppendsToAnExistingRecording) {
  const std::string path = file("append.db");
  for (int part = 0; part < 2; ++part) {
    auto rec = Recorder::open(path);
    ASSERT_TRUE(rec.has_value()) << rec.error().message();
    for (int i = 0; i < 10; ++i) ASSERT_TRUE(rec->record(event(10 * part + i)).has_value());
  }
  auto all = read_all(path);
  ASSERT_TRUE(all.has_value()) << all.error().message();
  EXPECT_EQ(all->size(), 20u);
}

TEST_F(RecorderTest, RecordsReleases) {
  const std::string path = file("releases.db");
  Policy policy;
  policy.nations = {{Nation::USA, {"INDOPACOM"}, Releasability::all()},
                    {Nation::JPN, {"JADGE"}, Releasability::all()},
                    {Nation::KOR, {"KAMD"}, Releasability::all()}};
  policy.shared = {{MessageType::local_track, Releasability::all()}};
  const LinkEvent e = event(0);  // a JADGE local track labelled for all
  const auto planned = plan_releases(policy, e.message);
  ASSERT_EQ(planned.size(), 3u);
  {
    auto rec = Recorder::open(path);
    ASSERT_TRUE(rec.has_value());
    auto id = rec->record(e);
    ASSERT_TRUE(id.has_value());
    for (const ReleaseRecord& r : planned) ASSERT_TRUE(rec->record(r, *id).has_value());
    ASSERT_TRUE(rec->record(planned[0]).has_value());  // message row unknown
  }
  auto back = read_releases(path);
  ASSERT_TRUE(back.has_value()) << back.error().message();
  ASSERT_EQ(back->size(), 4u);
  for (std::size_t k = 0; k < 4; ++k) {
    const ReleaseRecord& want = planned[k % 3];
    const ReleaseRecord& got = (*back)[k].release;
    EXPECT_EQ(got.recipient, want.recipient);
    EXPECT_EQ(got.type, want.type);
    EXPECT_EQ(got.originator, want.originator);
    EXPECT_EQ(got.sequence, want.sequence);
    EXPECT_EQ(got.time_of_validity, want.time_of_validity);
    EXPECT_EQ(got.label, want.label);
    EXPECT_EQ((*back)[k].message_id, k < 3 ? std::optional<std::int64_t>(1) : std::nullopt);
  }
}

TEST_F(RecorderTest, RefusesFilesThatAreNotRecordings) {
  // Another application's SQLite database.
  const std::string other = file("other.db");
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(other.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE messages(x); INSERT INTO messages VALUES(1);", nullptr,
                           nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
  }
  EXPECT_EQ(error_reading(other),
            other + ": not a trilink recording: application_id is 0, not 'TRLK'");
  auto rec = Recorder::open(other);
  ASSERT_FALSE(rec.has_value());
  EXPECT_EQ(rec.error().message(),
            other + ": not a trilink recording: application_id is 0, not 'TRLK'");

  // Not SQLite at all.
  const std::string garbage = file("garbage.db");
  std::ofstream(garbage) << std::string(4096, 'x') << "this is not a database\n";
  EXPECT_EQ(error_reading(garbage),
            garbage + ": not a trilink recording: PRAGMA application_id: file is not a database");
  ASSERT_FALSE(Recorder::open(garbage).has_value());

  // Missing.
  const std::string missing = file("missing.db");
  EXPECT_EQ(error_reading(missing), missing + ": cannot open: unable to open database file");

  // A trilink recording of another schema version.
  const std::string future = file("future.db");
  { ASSERT_TRUE(Recorder::open(future).has_value()); }
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(future.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "UPDATE schema_version SET version = 3", nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
  }
  EXPECT_EQ(error_reading(future),
            future + ": trilink recording schema version 3 is not the supported version 2");
}

TEST_F(RecorderTest, RefusesACorruptRow) {
  const std::string path = file("corrupt.db");
  {
    auto rec = Recorder::open(path);
    ASSERT_TRUE(rec.has_value());
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(rec->record(event(i)).has_value());
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "UPDATE messages SET payload = replace(payload, '\"heartbeat\":2', "
                         "'\"heartbeat\":\"two\"') WHERE id = 3",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  ASSERT_EQ(
      sqlite3_exec(db, "UPDATE messages SET label = 'USA' WHERE id = 2", nullptr, nullptr, nullptr),
      SQLITE_OK);
  sqlite3_close(db);
  // Row 2 is read first (sent at +0.1 s; row 1 is received at +0.25 s).
  EXPECT_EQ(error_reading(path), path +
                                     ": messages id 2: label: column says \"USA\" but the "
                                     "payload says \"USA|KOR\"");
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "UPDATE messages SET label = 'USA|KOR' WHERE id = 2", nullptr, nullptr,
                         nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  EXPECT_EQ(error_reading(path), path +
                                     ": messages id 3: payload.node_health.heartbeat: expected "
                                     "an integer, got \"two\"");
}

// Not a timing assertion: 10 000 events go in and come back out.
TEST_F(RecorderTest, TenThousandEvents) {
  const std::string path = file("many.db");
  constexpr int n = 10'000;
  {
    auto rec = Recorder::open(path);
    ASSERT_TRUE(rec.has_value());
    for (int i = 0; i < n; ++i) ASSERT_TRUE(rec->record(event(i)).has_value());
    ASSERT_TRUE(rec->flush().has_value());
  }
  auto all = read_all(path);
  ASSERT_TRUE(all.has_value()) << all.error().message();
  EXPECT_EQ(all->size(), static_cast<std::size_t>(n));
}
