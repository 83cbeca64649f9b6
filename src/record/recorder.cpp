#include "record/recorder.hpp"

#include "record/codec.hpp"
#include "record/schema.hpp"

namespace trilink::record {
namespace {

using share::to_string;

std::string_view to_text(Nation n) {
  return to_string(n);
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
      "INSERT INTO messages(link, direction, sent_ns, received_ns, type, origin_nation,"
      " origin_node, sequence, time_of_validity_ns, label, payload)"
      " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
  if (!insert_message) return std::unexpected(insert_message.error());
  auto insert_release = db->prepare(
      "INSERT INTO releases(recipient, type, origin_nation, origin_node, origin_sensor, sequence,"
      " time_of_validity_ns, label, message_id) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
  if (!insert_release) return std::unexpected(insert_release.error());
  if (options.commit_every == 0) options.commit_every = 1;
  return Recorder(std::move(*db), std::move(*insert_message), std::move(*insert_release), options);
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

Expected<void> Recorder::flush() {
  if (!in_transaction_) return {};
  if (auto c = db_.exec("COMMIT"); !c) return c;
  in_transaction_ = false;
  pending_ = 0;
  return {};
}

Expected<std::int64_t> Recorder::record(const LinkEvent& e) {
  if (auto b = begin_row(); !b) return std::unexpected(b.error());
  const share::Header& h = share::header(e.message);
  const std::string payload = encode(e.message);
  sqlite::Statement& s = insert_message_;
  s.bind(1, std::string_view(e.link));
  s.bind(2, to_string(e.direction));
  s.bind(3, e.sent.ns);
  s.bind(4, e.received ? std::optional<std::int64_t>(e.received->ns) : std::nullopt);
  s.bind(5, to_string(share::type_of(e.message)));
  s.bind(6, to_text(h.originator.nation));
  s.bind(7, std::string_view(h.originator.node));
  s.bind(8, static_cast<std::int64_t>(h.sequence));
  s.bind(9, h.time_of_validity.ns);
  const std::string label = to_string(h.releasability);
  s.bind(10, std::string_view(label));
  s.bind(11, std::string_view(payload));
  auto done = s.step();
  s.reset();
  if (!done) return std::unexpected(done.error());
  const std::int64_t id = db_.last_insert_rowid();
  if (auto r = end_row(); !r) return std::unexpected(r.error());
  return id;
}

Expected<std::int64_t> Recorder::record(const share::ReleaseRecord& r,
                                        std::optional<std::int64_t> message_id) {
  if (auto b = begin_row(); !b) return std::unexpected(b.error());
  sqlite::Statement& s = insert_release_;
  s.bind(1, to_text(r.recipient));
  s.bind(2, to_string(r.type));
  s.bind(3, to_text(r.originator.nation));
  s.bind(4, std::string_view(r.originator.node));
  s.bind(5, r.originator.sensor ? std::optional<std::int64_t>(*r.originator.sensor) : std::nullopt);
  s.bind(6, static_cast<std::int64_t>(r.sequence));
  s.bind(7, r.time_of_validity.ns);
  const std::string label = to_string(r.label);
  s.bind(8, std::string_view(label));
  s.bind(9, message_id);
  auto done = s.step();
  s.reset();
  if (!done) return std::unexpected(done.error());
  const std::int64_t id = db_.last_insert_rowid();
  if (auto e = end_row(); !e) return std::unexpected(e.error());
  return id;
}

}  // namespace trilink::record
