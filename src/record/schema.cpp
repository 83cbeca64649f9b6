#include "record/schema.hpp"

#include <string>

#include "record/chain.hpp"

namespace trilink::record::schema {
namespace {

Error not_a_recording(const sqlite::Database& db, const std::string& why) {
  return Error{db.path(), "not a trilink recording: " + why};
}

}  // namespace

Expected<void> create(sqlite::Database& db) {
  return db.exec(
      "BEGIN;"
      "PRAGMA application_id = " +
      std::to_string(application_id) +
      ";"
      "CREATE TABLE schema_version(version INTEGER NOT NULL, application TEXT NOT NULL);"
      "INSERT INTO schema_version VALUES(" +
      std::to_string(version) +
      ", 'trilink');"
      "CREATE TABLE messages(id INTEGER PRIMARY KEY, link TEXT NOT NULL, direction TEXT NOT NULL,"
      " sent_ns INTEGER NOT NULL, received_ns INTEGER, type TEXT NOT NULL,"
      " origin_nation TEXT NOT NULL, origin_node TEXT NOT NULL, sequence INTEGER NOT NULL,"
      " time_of_validity_ns INTEGER NOT NULL, label TEXT NOT NULL, payload TEXT NOT NULL,"
      " chain BLOB NOT NULL);"
      "CREATE INDEX messages_by_time ON messages(coalesce(received_ns, sent_ns), id);"
      "CREATE TABLE releases(id INTEGER PRIMARY KEY, recipient TEXT NOT NULL, type TEXT NOT NULL,"
      " origin_nation TEXT NOT NULL, origin_node TEXT NOT NULL, origin_sensor INTEGER,"
      " sequence INTEGER NOT NULL, time_of_validity_ns INTEGER NOT NULL, label TEXT NOT NULL,"
      " message_id INTEGER REFERENCES messages(id), chain BLOB NOT NULL);"
      "CREATE INDEX releases_by_message ON releases(message_id);"
      "CREATE TABLE chain_head(name TEXT PRIMARY KEY, rows INTEGER NOT NULL,"
      " head BLOB NOT NULL);"
      "INSERT INTO chain_head VALUES('messages', 0, x'" +
      chain::to_hex(chain::genesis("messages")) +
      "');"
      "INSERT INTO chain_head VALUES('releases', 0, x'" +
      chain::to_hex(chain::genesis("releases")) +
      "');"
      "COMMIT;");
}

Expected<bool> is_empty(sqlite::Database& db) {
  auto n = db.query_text("SELECT count(*) FROM sqlite_schema");
  if (!n) return std::unexpected(Error{db.path(), "not a trilink recording: " + n.error().what});
  return n->value_or("0") == "0";
}

Expected<void> check(sqlite::Database& db) {
  auto app = db.query_text("PRAGMA application_id");
  if (!app) return std::unexpected(not_a_recording(db, app.error().what));
  if (app->value_or("0") != std::to_string(application_id))
    return std::unexpected(
        not_a_recording(db, "application_id is " + app->value_or("0") + ", not 'TRLK'"));
  auto v = db.query_text("SELECT version FROM schema_version WHERE application = 'trilink'");
  if (!v) return std::unexpected(not_a_recording(db, v.error().what));
  if (!*v) return std::unexpected(not_a_recording(db, "schema_version table is empty"));
  if (**v != std::to_string(version))
    return std::unexpected(Error{db.path(), "trilink recording schema version " + **v +
                                                " is not the supported version " +
                                                std::to_string(version)});
  for (const char* table : {"messages", "releases", "chain_head"}) {
    auto t = db.query_text(std::string("SELECT name FROM sqlite_schema WHERE type = 'table' AND "
                                       "name = '") +
                           table + "'");
    if (!t) return std::unexpected(not_a_recording(db, t.error().what));
    if (!*t) return std::unexpected(not_a_recording(db, std::string("no table ") + table));
  }
  return {};
}

}  // namespace trilink::record::schema
