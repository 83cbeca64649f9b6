// A thin RAII layer over the SQLite C API (sqlite3*, sqlite3_stmt*), for record/ only. Errors
// from SQLite become Error values that name the database file and carry sqlite3_errmsg.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/error.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace trilink::record::sqlite {

class Statement;

class Database {
 public:
  enum class Mode { read_only, read_write_create };

  // read_only never writes beside the file: a finished recording (no PATH-wal beside it) is
  // opened as immutable (URI `file:PATH?mode=ro&immutable=1`: no lock, no -shm, works in a
  // read-only folder); one with a PATH-wal (a recorder is writing it) is opened read-only
  // through the WAL, as its writer already made the -wal and -shm.
  static Expected<Database> open(const std::string& path, Mode mode);

  // Runs one or more statements that return no rows.
  Expected<void> exec(const std::string& sql);
  Expected<Statement> prepare(std::string_view sql);
  // The text of the first column of the first row of `sql` (a PRAGMA, a count), or nullopt
  // when there is no row.
  Expected<std::optional<std::string>> query_text(std::string_view sql);

  std::int64_t last_insert_rowid() const;
  const std::string& path() const { return path_; }
  sqlite3* handle() const { return db_.get(); }
  // An Error naming the file, with sqlite3_errmsg and what was being done.
  Error error(std::string_view doing) const;

 private:
  struct Close {
    void operator()(sqlite3* db) const;
  };
  Database(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  std::unique_ptr<sqlite3, Close> db_;
  std::string path_;
};

// A prepared statement (finalized before its database is closed: sqlite3_close_v2 waits for
// it); bind indices are 1-based, column indices 0-based (as in SQLite).
class Statement {
 public:
  void bind(int i, std::int64_t v);
  void bind(int i, std::string_view v);
  void bind_null(int i);
  void bind_blob(int i, std::string_view bytes);
  void bind(int i, std::optional<std::int64_t> v) { v ? bind(i, *v) : bind_null(i); }

  // true: a row is ready; false: done.
  Expected<bool> step();
  // Ready to run again, bindings cleared.
  void reset();

  bool is_null(int col) const;
  std::int64_t int64(int col) const;
  std::string text(int col) const;
  std::string blob(int col) const;

 private:
  friend class Database;
  struct Finalize {
    void operator()(sqlite3_stmt* s) const;
  };
  Statement(sqlite3_stmt* s, std::string path) : stmt_(s), path_(std::move(path)) {}
  std::unique_ptr<sqlite3_stmt, Finalize> stmt_;
  std::string path_;  // of the database, for errors
};

}  // namespace trilink::record::sqlite
