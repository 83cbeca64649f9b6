#include "record/sqlite.hpp"

#include <sqlite3.h>

#include <cassert>
#include <filesystem>

namespace trilink::record::sqlite {

void Database::Close::operator()(sqlite3* db) const {
  sqlite3_close_v2(db);
}
void Statement::Finalize::operator()(sqlite3_stmt* s) const {
  sqlite3_finalize(s);
}

namespace {

// `file:PATH?mode=ro&immutable=1`, with the characters a URI path may not hold escaped.
std::string immutable_uri(const std::string& path) {
  std::string uri = "file:";
  std::error_code ec;
  static constexpr char hex[] = "0123456789ABCDEF";
  for (unsigned char c : std::filesystem::absolute(path, ec).string()) {
    if (c == '%' || c == '?' || c == '#' || c < 0x20 || c >= 0x7f) {
      uri += '%';
      uri += hex[c >> 4];
      uri += hex[c & 0xf];
    } else {
      uri += static_cast<char>(c);
    }
  }
  return uri + "?mode=ro&immutable=1";
}

}  // namespace

Expected<Database> Database::open(const std::string& path, Mode mode) {
  sqlite3* db = nullptr;
  int rc = SQLITE_OK;
  std::error_code ec;
  if (mode == Mode::read_write_create) {
    rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  } else if (std::filesystem::exists(path + "-wal", ec)) {
    rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  } else {
    rc = sqlite3_open_v2(immutable_uri(path).c_str(), &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI,
                         nullptr);
  }
  Database d(db, path);  // closes db on every path out, even when opening failed
  if (rc != SQLITE_OK) return std::unexpected(d.error("cannot open"));
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, 5000);
  return d;
}

Error Database::error(std::string_view doing) const {
  const char* msg = db_ ? sqlite3_errmsg(db_.get()) : "out of memory";
  return Error{path_, std::string(doing) + ": " + msg};
}

std::int64_t Database::last_insert_rowid() const {
  return sqlite3_last_insert_rowid(db_.get());
}

Expected<void> Database::exec(const std::string& sql) {
  if (sqlite3_exec(db_.get(), sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK)
    return std::unexpected(error(sql.substr(0, sql.find_first_of("(;"))));
  return {};
}

Expected<Statement> Database::prepare(std::string_view sql) {
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v3(db_.get(), sql.data(), static_cast<int>(sql.size()),
                         SQLITE_PREPARE_PERSISTENT, &s, nullptr) != SQLITE_OK)
    return std::unexpected(error(sql.substr(0, sql.find_first_of("(;"))));
  return Statement(s, path_);
}

Expected<std::optional<std::string>> Database::query_text(std::string_view sql) {
  auto s = prepare(sql);
  if (!s) return std::unexpected(s.error());
  auto row = s->step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return std::optional<std::string>{};
  return std::optional<std::string>(s->text(0));
}

void Statement::bind(int i, std::int64_t v) {
  [[maybe_unused]] const int rc = sqlite3_bind_int64(stmt_.get(), i, v);
  assert(rc == SQLITE_OK);
}

void Statement::bind(int i, std::string_view v) {
  [[maybe_unused]] const int rc =
      sqlite3_bind_text64(stmt_.get(), i, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  assert(rc == SQLITE_OK);
}

void Statement::bind_blob(int i, std::string_view bytes) {
  [[maybe_unused]] const int rc =
      sqlite3_bind_blob64(stmt_.get(), i, bytes.data(), bytes.size(), SQLITE_TRANSIENT);
  assert(rc == SQLITE_OK);
}

void Statement::bind_null(int i) {
  [[maybe_unused]] const int rc = sqlite3_bind_null(stmt_.get(), i);
  assert(rc == SQLITE_OK);
}

Expected<bool> Statement::step() {
  const int rc = sqlite3_step(stmt_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  const char* sql = sqlite3_sql(stmt_.get());
  std::string_view doing = sql ? sql : "step";
  return fail(path_, std::string(doing.substr(0, doing.find_first_of("(;"))) + ": " +
                         sqlite3_errmsg(sqlite3_db_handle(stmt_.get())));
}

void Statement::reset() {
  sqlite3_reset(stmt_.get());
  sqlite3_clear_bindings(stmt_.get());
}

bool Statement::is_null(int col) const {
  return sqlite3_column_type(stmt_.get(), col) == SQLITE_NULL;
}

std::int64_t Statement::int64(int col) const {
  return sqlite3_column_int64(stmt_.get(), col);
}

std::string Statement::text(int col) const {
  const auto* p = sqlite3_column_text(stmt_.get(), col);
  if (!p) return {};
  return std::string(reinterpret_cast<const char*>(p),
                     static_cast<std::size_t>(sqlite3_column_bytes(stmt_.get(), col)));
}

std::string Statement::blob(int col) const {
  const void* p = sqlite3_column_blob(stmt_.get(), col);
  if (!p) return {};
  return std::string(static_cast<const char*>(p),
                     static_cast<std::size_t>(sqlite3_column_bytes(stmt_.get(), col)));
}

}  // namespace trilink::record::sqlite
