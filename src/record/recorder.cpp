#include "record/recorder.hpp"

#include "record/codec.hpp"
#include "record/schema.hpp"

namespace trilink::record {
namespace {

using share::to_string;

std::string_view to_text(Nation n) {
  return to_string(n);
}

// The chain head of `table` as stored, checked against the table's rows before appending.
Expected<std::pair<std::int64_t, chain::Digest>> stored_head(sqlite::Database& db,
                                                             std::string_view table) {
  const std::string where = db.path() + ": chain_head " + std::string(table);
  auto s = db.prepare("SELECT rows, head FROM chain_head WHERE name = ?1");
  if (!s) return std::unexpected(s.error());
  s->bind(1, table);
  auto row = s->step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return fail(where, "missing: not a trilink recording");
  const std::int64_t rows = s->int64(0);
  const auto head = chain::from_bytes(s->blob(1));
  if (!head) return fail(where, "head is not a 32-byte digest");
  auto last = db.prepare("SELECT count(*), coalesce(max(id), 0) FROM " + std::string(table));
  if (!last) return std::unexpected(last.error());
  if (auto r = last->step(); !r) return std::unexpected(r.error());
  if (last->int64(0) != rows || last->int64(1) != rows)
    return fail(where, "records " + std::to_string(rows) + " rows but the table has " +
                           last->text(0) + " (ids up to " + last->text(1) +
                           "): the recording was altered; will not append to it");
  return std::pair{rows, *head};
}

}  // namespace

Expected<Recorder> Recorder::open(const std::string& path, Options options) {
  auto db = sqlite::Database::open(path, sqlite::Database::Mode::read_write_create);
  if (!db) return std::unexpected(db.error());
  auto empty = schema::is_empty(*db);
  if (!empty) return std::unexpected(empty.error());
  if (*empty) {
    // WAL first: it is a property of the file and cannot change inside a transaction.
    auto mode = db->query_text("PRAGMA journal_mode=WAL");
    if (!mode) return std::unexpected(mode.error());
    if (mode->value_or("") != "wal")
      return fail(path, "cannot set WAL journal mode (got \"" + mode->value_or("") + "\")");
    if (auto made = schema::create(*db); !made) return std::unexpected(made.error());
  } else {
    if (auto ok = schema::check(*db); !ok) return std::unexpected(ok.error());
    auto mode = db->query_text("PRAGMA journal_mode=WAL");
    if (!mode) return std::unexpected(mode.error());
    if (mode->value_or("") != "wal")
      return fail(path, "cannot set WAL journal mode (got \"" + mode->value_or("") + "\")");
  }
  if (auto s = db->exec("PRAGMA synchronous=NORMAL"); !s) return std::unexpected(s.error());

  auto insert_message = db->prepare(
      "INSERT INTO messages(id, link, direction, sent_ns, received_ns, type, origin_nation,"
      " origin_node, sequence, time_of_validity_ns, label, payload, chain)"
      " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)");
  if (!insert_message) return std::unexpected(insert_message.error());
  auto insert_release = db->prepare(
      "INSERT INTO releases(id, recipient, type, origin_nation, origin_node, origin_sensor,"
      " sequence, time_of_validity_ns, label, message_id, chain)"
      " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
  if (!insert_release) return std::unexpected(insert_release.error());
  auto update_head = db->prepare("UPDATE chain_head SET rows = ?2, head = ?3 WHERE name = ?1");
  if (!update_head) return std::unexpected(update_head.error());
  auto messages = stored_head(*db, "messages");
  if (!messages) return std::unexpected(messages.error());
  auto releases = stored_head(*db, "releases");
  if (!releases) return std::unexpected(releases.error());
  if (options.commit_every == 0) options.commit_every = 1;
  return Recorder(std::move(*db), std::move(*insert_message), std::move(*insert_release),
                  std::move(*update_head), options, Chain{messages->first, messages->second},
                  Chain{releases->first, releases->second});
}

Recorder::~Recorder() {
  if (db_.handle() != nullptr) (void)flush();
}

Expected<std::string> Recorder::journal_mode() {
  auto mode = db_.query_text("PRAGMA journal_mode");
  if (!mode) return std::unexpected(mode.error());
  return mode->value_or("");
}

Expected<void> Recorder::begin_row() {
  if (in_transaction_) return {};
  if (auto b = db_.exec("BEGIN"); !b) return b;
  in_transaction_ = true;
  return {};
}

Expected<void> Recorder::end_row() {
  if (++pending_ >= options_.commit_every) return flush();
  return {};
}

Expected<void> Recorder::write_head(std::string_view table, const Chain& c) {
  update_head_.bind(1, table);
  update_head_.bind(2, c.rows);
  update_head_.bind_blob(3, chain::as_bytes(c.head));
  auto done = update_head_.step();
  update_head_.reset();
  if (!done) return std::unexpected(done.error());
  return {};
}

Expected<void> Recorder::flush() {
  if (!in_transaction_) return {};
  if (auto h = write_head("messages", messages_); !h) return h;
  if (auto h = write_head("releases", releases_); !h) return h;
  if (auto c = db_.exec("COMMIT"); !c) return c;
  in_transaction_ = false;
  pending_ = 0;
  return {};
}

Expected<void> Recorder::finish() {
  if (auto f = flush(); !f) return f;
  auto mode = db_.query_text("PRAGMA journal_mode=DELETE");
  if (!mode) return std::unexpected(mode.error());
  if (mode->value_or("") != "delete")
    return fail(path(), "cannot leave WAL mode (got \"" + mode->value_or("") + "\")");
  return {};
}

Expected<std::int64_t> Recorder::record(const LinkEvent& e) {
  return record(e, encode(e.message));
}

Expected<std::int64_t> Recorder::record(const LinkEvent& e, std::string_view payload) {
  if (auto b = begin_row(); !b) return std::unexpected(b.error());
  const share::Header& h = share::header(e.message);
  const std::string label = to_string(h.releasability);
  const std::int64_t id = messages_.rows + 1;
  const std::optional<std::int64_t> received =
      e.received ? std::optional<std::int64_t>(e.received->ns) : std::nullopt;
  // Columns in schema order; the chain covers each of them (record/chain.hpp).
  row_.clear();
  row_.add(id)
      .add(std::string_view(e.link))
      .add(to_string(e.direction))
      .add(e.sent.ns)
      .add(received)
      .add(to_string(share::type_of(e.message)))
      .add(to_text(h.originator.nation))
      .add(std::string_view(h.originator.node))
      .add(static_cast<std::int64_t>(h.sequence))
      .add(h.time_of_validity.ns)
      .add(std::string_view(label))
      .add(payload);
  const chain::Digest link = row_.link(messages_.head);
  sqlite::Statement& s = insert_message_;
  s.bind(1, id);
  s.bind(2, std::string_view(e.link));
  s.bind(3, to_string(e.direction));
  s.bind(4, e.sent.ns);
  s.bind(5, received);
  s.bind(6, to_string(share::type_of(e.message)));
  s.bind(7, to_text(h.originator.nation));
  s.bind(8, std::string_view(h.originator.node));
  s.bind(9, static_cast<std::int64_t>(h.sequence));
  s.bind(10, h.time_of_validity.ns);
  s.bind(11, std::string_view(label));
  s.bind(12, payload);
  s.bind_blob(13, chain::as_bytes(link));
  auto done = s.step();
  s.reset();
  if (!done) return std::unexpected(done.error());
  messages_ = Chain{id, link};
  if (auto r = end_row(); !r) return std::unexpected(r.error());
  return id;
}

Expected<std::int64_t> Recorder::record(const share::ReleaseRecord& r,
                                        std::optional<std::int64_t> message_id) {
  if (auto b = begin_row(); !b) return std::unexpected(b.error());
  const std::string label = to_string(r.label);
  const std::int64_t id = releases_.rows + 1;
  const std::optional<std::int64_t> sensor =
      r.originator.sensor ? std::optional<std::int64_t>(*r.originator.sensor) : std::nullopt;
  row_.clear();
  row_.add(id)
      .add(to_text(r.recipient))
      .add(to_string(r.type))
      .add(to_text(r.originator.nation))
      .add(std::string_view(r.originator.node))
      .add(sensor)
      .add(static_cast<std::int64_t>(r.sequence))
      .add(r.time_of_validity.ns)
      .add(std::string_view(label))
      .add(message_id);
  const chain::Digest link = row_.link(releases_.head);
  sqlite::Statement& s = insert_release_;
  s.bind(1, id);
  s.bind(2, to_text(r.recipient));
  s.bind(3, to_string(r.type));
  s.bind(4, to_text(r.originator.nation));
  s.bind(5, std::string_view(r.originator.node));
  s.bind(6, sensor);
  s.bind(7, static_cast<std::int64_t>(r.sequence));
  s.bind(8, r.time_of_validity.ns);
  s.bind(9, std::string_view(label));
  s.bind(10, message_id);
  s.bind_blob(11, chain::as_bytes(link));
  auto done = s.step();
  s.reset();
  if (!done) return std::unexpected(done.error());
  releases_ = Chain{id, link};
  if (auto e = end_row(); !e) return std::unexpected(e.error());
  return id;
}

}  // namespace trilink::record
