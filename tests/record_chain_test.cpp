// The hash chain of a recording (record/chain.hpp) and its check (record/replay.hpp verify()):
// the canonical row bytes and genesis against SHA-256 computed independently (coreutils
// sha256sum), then recordings tampered with through SQLite as an adversary would — a row
// edited, deleted (in the middle, at the end), inserted, a chain value forged, the head edited —
// each found at the right row, and an untouched recording (appended to, too) found intact.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "record/chain.hpp"
#include "record/recorder.hpp"
#include "record/replay.hpp"

using namespace trilink;
using namespace trilink::share;
using namespace trilink::record;

namespace {

class ChainTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           (std::string("trilink_chain_") + info->name() + "_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string file(const char* name) const { return (dir_ / name).string(); }

  std::filesystem::path dir_;
};

const geo::UtcTime t0{1'700'000'000'000'000'000};

// Event i: a JADGE local track received by the hub; the impact-relevant field is its position.
LinkEvent event(int i) {
  LocalTrack t;
  t.header.originator = Originator{Nation::JPN, "JADGE", std::nullopt};
  t.header.sequence = static_cast<std::uint64_t>(i + 1);
  t.header.time_of_validity = t0.plus_seconds(i);
  t.header.releasability = Releasability::all();
  t.track_id = 7;
  t.position_ecef_m = Vector3(-3.9e6 + 1000.0 * i, 3.4e6, 3.7e6);
  LinkEvent e;
  e.link = "JADGE>INDOPACOM";
  e.direction = Direction::received;
  e.sent = t0.plus_seconds(i);
  e.received = e.sent.plus_seconds(0.05);
  e.message = t;
  return e;
}

ReleaseRecord release(int i) {
  ReleaseRecord r;
  r.recipient = i % 2 ? Nation::KOR : Nation::USA;
  r.type = MessageType::local_track;
  r.originator = Originator{Nation::JPN, "JADGE", std::nullopt};
  r.sequence = static_cast<std::uint64_t>(i + 1);
  r.time_of_validity = t0.plus_seconds(i);
  r.label = Releasability::all();
  return r;
}

// A recording of n messages, each released to one nation.
void write(const std::string& path, int n, int first = 0) {
  auto rec = Recorder::open(path, Recorder::Options{.commit_every = 4});
  ASSERT_TRUE(rec.has_value()) << rec.error().message();
  for (int i = first; i < first + n; ++i) {
    auto id = rec->record(event(i));
    ASSERT_TRUE(id.has_value()) << id.error().message();
    ASSERT_TRUE(rec->record(release(i), *id).has_value());
  }
  ASSERT_TRUE(rec->finish().has_value());
}

void execute(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* message = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
  const std::string text = message ? message : "";
  sqlite3_free(message);
  sqlite3_close(db);
  ASSERT_EQ(rc, SQLITE_OK) << text;
}

std::string verify_error(const std::string& path) {
  auto v = verify(path);
  EXPECT_FALSE(v.has_value());
  return v ? std::string() : v.error().message();
}

TEST(Chain, GenesisIsSha256OfItsText) {
  // printf 'trilink recording chain v1: messages' | sha256sum
  EXPECT_EQ(chain::to_hex(chain::genesis("messages")),
            "e01dcb080fc553fd1fa61a9b1acc577ab70ff5bb90eeb4f9aab992bc5c28fb7e");
  // printf 'trilink recording chain v1: releases' | sha256sum
  EXPECT_EQ(chain::to_hex(chain::genesis("releases")),
            "354b6c7c38f0cf2d86487717a7bc7e2ac948cb9ceb26b803976856f5a58ab14f");
}

TEST(Chain, RowBytesAreUnambiguous) {
  const chain::Digest g = chain::genesis("messages");
  // Column boundaries, types and NULL all change the digest.
  const auto ab_c = chain::Row().add("ab").add("c").link(g);
  EXPECT_NE(ab_c, chain::Row().add("a").add("bc").link(g));
  EXPECT_NE(chain::Row().add(std::int64_t{0}).link(g), chain::Row().add_null().link(g));
  EXPECT_NE(chain::Row().add(std::int64_t{0}).link(g), chain::Row().add("").link(g));
  EXPECT_NE(chain::Row().add(std::int64_t{1}).link(g), chain::Row().add(std::int64_t{256}).link(g));
  // The same row on another previous value links differently; the same inputs the same.
  EXPECT_NE(ab_c, chain::Row().add("ab").add("c").link(chain::genesis("releases")));
  EXPECT_EQ(ab_c, chain::Row().add("ab").add("c").link(g));
}

TEST(Chain, RowBytesAreSha256OfTheDocumentedLayout) {
  // SHA-256(32 zero bytes || 'i' 00 00 00 00 00 00 01 02 || 't' 00..00 02 'h' 'i' || 'n'):
  // printf '\0%.0s' {1..32} > x; printf 'i\0\0\0\0\0\0\x01\x02t\0\0\0\0\0\0\0\x02hin' >> x;
  // sha256sum x
  const chain::Digest zero{};
  EXPECT_EQ(chain::to_hex(chain::Row().add(std::int64_t{258}).add("hi").add_null().link(zero)),
            "5768075485e52e53d608ffd00dc980f9fe9cfceb01947981a2235ad9a88a2ed0");
}

TEST_F(ChainTest, AnUntouchedRecordingIsIntact) {
  const std::string path = file("ok.db");
  write(path, 10);
  auto v = verify(path);
  ASSERT_TRUE(v.has_value()) << v.error().message();
  EXPECT_EQ(v->messages, 10);
  EXPECT_EQ(v->releases, 10);
  EXPECT_NE(v->messages_head, chain::genesis("messages"));
  // Nothing was written beside the file by the check, and the recorder left none either.
  EXPECT_FALSE(std::filesystem::exists(path + "-wal"));
  EXPECT_FALSE(std::filesystem::exists(path + "-shm"));
  EXPECT_FALSE(std::filesystem::exists(path + "-journal"));
}

TEST_F(ChainTest, AnEmptyRecordingIsIntact) {
  const std::string path = file("empty.db");
  write(path, 0);
  auto v = verify(path);
  ASSERT_TRUE(v.has_value()) << v.error().message();
  EXPECT_EQ(v->messages, 0);
  EXPECT_EQ(v->messages_head, chain::genesis("messages"));
}

TEST_F(ChainTest, SameEventsGiveTheSameChain) {
  write(file("a.db"), 9);
  write(file("b.db"), 9);
  auto a = verify(file("a.db")), b = verify(file("b.db"));
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->messages_head, b->messages_head);
  EXPECT_EQ(a->releases_head, b->releases_head);
}

TEST_F(ChainTest, AppendingContinuesTheChain) {
  const std::string path = file("append.db");
  write(path, 5);
  write(path, 5, 5);
  auto v = verify(path);
  ASSERT_TRUE(v.has_value()) << v.error().message();
  EXPECT_EQ(v->messages, 10);
  // The same ten events in one go give the same chain: appending is seamless.
  write(file("once.db"), 10);
  EXPECT_EQ(verify(file("once.db"))->messages_head, v->messages_head);
}

TEST_F(ChainTest, AnEditedPayloadIsFoundAtItsRow) {
  const std::string path = file("edit.db");
  write(path, 10);
  // Move the track 500 km, the way a forger would: payload and nothing else.
  execute(path,
          "UPDATE messages SET payload = replace(payload, '-3894000', '-3394000') WHERE id = 7");
  EXPECT_EQ(verify_error(path), path +
                                    ": messages id 7: hash chain broken: the row was edited "
                                    "(or inserted in place of another)");
}

TEST_F(ChainTest, AnEditedColumnOrReleaseIsFound) {
  const std::string path = file("column.db");
  write(path, 6);
  execute(path, "UPDATE releases SET recipient = 'JPN' WHERE id = 4");
  EXPECT_NE(verify_error(path).find(path + ": releases id 4: hash chain broken"),
            std::string::npos);
  write(file("null.db"), 6);
  execute(file("null.db"), "UPDATE messages SET received_ns = NULL WHERE id = 2");
  EXPECT_NE(verify_error(file("null.db")).find(": messages id 2: hash chain broken"),
            std::string::npos);
}

TEST_F(ChainTest, ADeletedRowIsFound) {
  const std::string path = file("delete.db");
  write(path, 10);
  execute(path, "DELETE FROM messages WHERE id = 4");
  EXPECT_EQ(verify_error(path), path + ": messages id 4: deleted: the ids go from 3 to 5");
}

TEST_F(ChainTest, ADeletedLastRowIsFound) {
  const std::string path = file("truncate.db");
  write(path, 10);
  execute(path, "DELETE FROM releases WHERE id = 10");
  EXPECT_EQ(verify_error(path), path +
                                    ": releases id 10: deleted: the chain head records 10 "
                                    "rows, the table ends at id 9");
}

TEST_F(ChainTest, AnInsertedRowIsFound) {
  const std::string path = file("insert.db");
  write(path, 10);
  // A copy of row 3, chain value and all, appended as row 11.
  execute(path,
          "INSERT INTO messages(link, direction, sent_ns, received_ns, type, origin_nation,"
          " origin_node, sequence, time_of_validity_ns, label, payload, chain)"
          " SELECT link, direction, sent_ns, received_ns, type, origin_nation, origin_node,"
          " sequence, time_of_validity_ns, label, payload, chain FROM messages WHERE id = 3");
  EXPECT_EQ(verify_error(path), path +
                                    ": messages id 11: inserted: beyond the chain head, "
                                    "which records 10 rows");
}

TEST_F(ChainTest, ARowSwappedForAnotherIsFound) {
  // Delete row 5 and move row 6 (chain value included) to id 5: the row at id 5 does not link.
  const std::string path = file("swap.db");
  write(path, 10);
  execute(path, "DELETE FROM messages WHERE id = 5; UPDATE messages SET id = 5 WHERE id = 6;");
  EXPECT_NE(verify_error(path).find(path + ": messages id 5: hash chain broken"),
            std::string::npos);
}

TEST_F(ChainTest, AnEditedHeadIsFound) {
  const std::string path = file("head.db");
  write(path, 3);
  execute(path, "UPDATE chain_head SET head = zeroblob(32) WHERE name = 'messages'");
  EXPECT_EQ(verify_error(path),
            path + ": chain_head messages: the head does not match the last row: it was edited");
}

TEST_F(ChainTest, TheRecorderWillNotAppendToAnAlteredRecording) {
  const std::string path = file("altered.db");
  write(path, 4);
  execute(path, "DELETE FROM messages WHERE id = 4");
  auto rec = Recorder::open(path);
  ASSERT_FALSE(rec.has_value());
  EXPECT_NE(rec.error().message().find("the recording was altered; will not append to it"),
            std::string::npos)
      << rec.error().message();
}

}  // namespace
