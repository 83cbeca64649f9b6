// The recorder (DESIGN.md, "record/"): every message on every link, with its label, sequence
// number and times, and every release the hub makes, written to an SQLite file (layout in
// record/schema.hpp; payloads are record/codec.hpp JSON). The file is in WAL mode with
// synchronous=NORMAL, so a reader (replay, a live display) can follow it while it is written.
// Rows are inserted in transactions of `commit_every` rows; flush() commits what is pending and
// the destructor flushes. Every row is chained by SHA-256 (record/chain.hpp) and the chain head
// is written with each commit, so the file is tamper-evident (record/replay.hpp verify()).
// Recording is deterministic: the same events in the same order give the same rows (ids and
// chain included).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "base/error.hpp"
#include "record/chain.hpp"
#include "record/event.hpp"
#include "record/sqlite.hpp"
#include "share/policy.hpp"

namespace trilink::record {

class Recorder {
 public:
  struct Options {
    std::size_t commit_every = 1000;  // rows per transaction
  };

  // Creates the recording, or opens an existing trilink recording to append to it; refuses any
  // other file (with the reason).
  static Expected<Recorder> open(const std::string& path, Options options);
  static Expected<Recorder> open(const std::string& path) { return open(path, Options{}); }

  Recorder(Recorder&&) noexcept = default;
  Recorder& operator=(Recorder&&) = delete;
  ~Recorder();

  // Records one event; returns its row id in `messages`.
  Expected<std::int64_t> record(const LinkEvent& e);
  // The same with its message already encoded (`payload` = encode(e.message), record/codec):
  // a recorder on another thread than the run that made the event leaves the encoding there.
  Expected<std::int64_t> record(const LinkEvent& e, std::string_view payload);
  // Records one release, with the `messages` row of the released message when known.
  Expected<std::int64_t> record(const share::ReleaseRecord& r,
                                std::optional<std::int64_t> message_id = std::nullopt);
  // Commits every pending row, with the chain head. Errors here are lost in the destructor:
  // call it to see them.
  Expected<void> flush();
  // Commits, then folds the WAL into the file and leaves WAL mode (journal_mode=DELETE), so
  // that the finished file stands alone: no -wal or -shm beside it, readable in a read-only
  // folder by any SQLite reader. Recording may go on after it (without WAL).
  Expected<void> finish();

  const std::string& path() const { return db_.path(); }
  // The chains so far (rows recorded, committed or not, and their last chain value).
  chain::Heads head() const {
    return {messages_.rows, releases_.rows, messages_.head, releases_.head};
  }
  // "wal" once opened (checked at open); "delete" after finish().
  Expected<std::string> journal_mode();

 private:
  // One table's hash chain (record/chain.hpp): rows so far and the last chain value.
  struct Chain {
    std::int64_t rows = 0;
    chain::Digest head{};
  };
  Recorder(sqlite::Database db, sqlite::Statement insert_message, sqlite::Statement insert_release,
           sqlite::Statement update_head, Options options, Chain messages, Chain releases)
      : db_(std::move(db)),
        insert_message_(std::move(insert_message)),
        insert_release_(std::move(insert_release)),
        update_head_(std::move(update_head)),
        options_(options),
        messages_(messages),
        releases_(releases) {}
  Expected<void> begin_row();
  Expected<void> end_row();
  Expected<void> write_head(std::string_view table, const Chain& c);

  sqlite::Database db_;  // declared first: closed after the statements are finalized
  sqlite::Statement insert_message_;
  sqlite::Statement insert_release_;
  sqlite::Statement update_head_;
  Options options_;
  Chain messages_, releases_;
  chain::Row row_;           // the canonical bytes of the row being recorded
  std::size_t pending_ = 0;  // rows in the open transaction
  bool in_transaction_ = false;
};

}  // namespace trilink::record
