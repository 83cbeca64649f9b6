// Reading a recording back (record/recorder.hpp): the events in time order (received time
// when known, else sent time; ties in recording order), each payload decoded back to its
// share::Message and checked against the row's columns, and the releases in recording order.
// A file that is not a trilink recording, or a row that does not decode, is an Error naming
// the file, the row and the field. verify() checks the hash chain (record/chain.hpp) of every
// row. Recordings are opened read-only and nothing is written beside them
// (sqlite::Database::Mode::read_only).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/error.hpp"
#include "record/chain.hpp"
#include "record/event.hpp"
#include "record/sqlite.hpp"
#include "share/policy.hpp"

namespace trilink::record {

struct RecordedEvent {
  std::int64_t id = 0;  // row in `messages`
  LinkEvent event;
};

struct RecordedRelease {
  std::int64_t id = 0;  // row in `releases`
  share::ReleaseRecord release;
  std::optional<std::int64_t> message_id;
};

// Streams the events of one recording (opened read-only) in time order.
class Replay {
 public:
  static Expected<Replay> open(const std::string& path);

  // The next event, or nullopt at the end.
  Expected<std::optional<RecordedEvent>> next();
  Expected<std::vector<RecordedRelease>> releases();

 private:
  Replay(sqlite::Database db, sqlite::Statement events)
      : db_(std::move(db)), events_(std::move(events)) {}
  sqlite::Database db_;  // declared first: closed after the statement is finalized
  sqlite::Statement events_;
};

// Checks every row of `messages`, then of `releases`, in id order against its chain value and
// the table's chain head. The first bad row is an Error, `where` = "PATH: messages id N":
// a row whose columns or chain were edited, or that was inserted, breaks its chain value; a
// deleted row leaves a gap in the ids (or, at the end, fewer rows than the head records); a
// row appended with a forged chain value goes beyond the head. Returns the chains found intact.
Expected<chain::Heads> verify(const std::string& path);

Expected<std::vector<RecordedEvent>> read_all(const std::string& path);
Expected<std::vector<RecordedRelease>> read_releases(const std::string& path);

}  // namespace trilink::record
