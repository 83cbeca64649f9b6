#include "record/replay.hpp"

#include <vector>

#include "record/codec.hpp"
#include "record/schema.hpp"

namespace trilink::record {
namespace {

// Column `name` of row `id` disagrees with the decoded payload.
std::unexpected<Error> mismatch(const std::string& path, std::int64_t id, std::string_view name,
                                const std::string& column, std::string_view payload) {
  return fail(
      path + ": messages id " + std::to_string(id) + ": " + std::string(name),
      "column says \"" + column + "\" but the payload says \"" + std::string(payload) + "\"");
}

std::string row_where(const std::string& path, std::string_view table, std::int64_t id) {
  return path + ": " + std::string(table) + " id " + std::to_string(id);
}

// Checks one table's chain; `columns` is the number of columns before `chain`, each read as
// an integer when `integer[i]`, else as text (the types of record/schema.hpp).
Expected<std::pair<std::int64_t, chain::Digest>> verify_table(sqlite::Database& db,
                                                              std::string_view table,
                                                              const std::string& select,
                                                              const std::vector<bool>& integer) {
  auto head = db.prepare("SELECT rows, head FROM chain_head WHERE name = ?1");
  if (!head) return fail(db.path(), "not a trilink recording: " + head.error().what);
  head->bind(1, table);
  auto found = head->step();
  if (!found) return std::unexpected(found.error());
  const std::string head_where = db.path() + ": chain_head " + std::string(table);
  if (!*found) return fail(head_where, "missing: the chain head was deleted");
  const std::int64_t head_rows = head->int64(0);
  const auto head_digest = chain::from_bytes(head->blob(1));
  if (!head_digest) return fail(head_where, "the head is not a 32-byte digest: it was edited");

  auto s = db.prepare(select);
  if (!s) return fail(db.path(), "not a trilink recording: " + s.error().what);
  const int chain_col = static_cast<int>(integer.size());
  chain::Digest previous = chain::genesis(table);
  std::int64_t expected_id = 1;
  chain::Row row;
  const auto where = [&](std::int64_t id) { return row_where(db.path(), table, id); };
  while (true) {
    auto more = s->step();
    if (!more) return std::unexpected(more.error());
    if (!*more) break;
    const std::int64_t id = s->int64(0);
    if (id != expected_id) {
      if (id > head_rows && expected_id > head_rows)
        return fail(where(id), "inserted: beyond the chain head, which records " +
                                   std::to_string(head_rows) + " rows");
      return fail(where(expected_id), "deleted: the ids go from " +
                                          std::to_string(expected_id - 1) + " to " +
                                          std::to_string(id));
    }
    if (id > head_rows)
      return fail(where(id), "inserted: beyond the chain head, which records " +
                                 std::to_string(head_rows) + " rows");
    row.clear();
    for (int c = 0; c < chain_col; ++c) {
      if (s->is_null(c))
        row.add_null();
      else if (integer[static_cast<std::size_t>(c)])
        row.add(s->int64(c));
      else
        row.add(std::string_view(s->text(c)));
    }
    const auto stored = chain::from_bytes(s->blob(chain_col));
    if (!stored || *stored != row.link(previous))
      return fail(where(id),
                  "hash chain broken: the row was edited (or inserted in place of "
                  "another)");
    previous = *stored;
    ++expected_id;
  }
  if (expected_id - 1 < head_rows)
    return fail(where(expected_id), "deleted: the chain head records " + std::to_string(head_rows) +
                                        " rows, the table ends at id " +
                                        std::to_string(expected_id - 1));
  if (previous != *head_digest)
    return fail(head_where, "the head does not match the last row: it was edited");
  return std::pair{head_rows, previous};
}

}  // namespace

Expected<chain::Heads> verify(const std::string& path) {
  auto db = sqlite::Database::open(path, sqlite::Database::Mode::read_only);
  if (!db) return std::unexpected(db.error());
  if (auto ok = schema::check(*db); !ok) return std::unexpected(ok.error());
  // Integer columns (true) and text columns (false), in schema order, before `chain`.
  auto messages = verify_table(
      *db, "messages",
      "SELECT id, link, direction, sent_ns, received_ns, type, origin_nation, origin_node,"
      " sequence, time_of_validity_ns, label, payload, chain FROM messages ORDER BY id",
      {true, false, false, true, true, false, false, false, true, true, false, false});
  if (!messages) return std::unexpected(messages.error());
  auto releases = verify_table(
      *db, "releases",
      "SELECT id, recipient, type, origin_nation, origin_node, origin_sensor, sequence,"
      " time_of_validity_ns, label, message_id, chain FROM releases ORDER BY id",
      {true, false, false, false, false, true, true, true, false, true});
  if (!releases) return std::unexpected(releases.error());
  return chain::Heads{messages->first, releases->first, messages->second, releases->second};
}

Expected<Replay> Replay::open(const std::string& path) {
  auto db = sqlite::Database::open(path, sqlite::Database::Mode::read_only);
  if (!db) return std::unexpected(db.error());
  if (auto ok = schema::check(*db); !ok) return std::unexpected(ok.error());
  auto events = db->prepare(
      "SELECT id, link, direction, sent_ns, received_ns, type, origin_nation, origin_node,"
      " sequence, time_of_validity_ns, label, payload FROM messages"
      " ORDER BY coalesce(received_ns, sent_ns), id");
  if (!events) return fail(path, "not a trilink recording: " + events.error().what);
  return Replay(std::move(*db), std::move(*events));
}

Expected<std::optional<RecordedEvent>> Replay::next() {
  auto row = events_.step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return std::optional<RecordedEvent>{};
  const sqlite::Statement& s = events_;
  RecordedEvent r;
  r.id = s.int64(0);
  const std::string where = row_where(db_.path(), "messages", r.id);
  auto message = decode(s.text(11));
  if (!message) {
    const Error& e = message.error();
    return fail(where + ": payload" + (e.where.empty() ? "" : "." + e.where), e.what);
  }
  r.event.message = std::move(*message);
  r.event.link = s.text(1);
  const std::string direction = s.text(2);
  const auto d = parse_direction(direction);
  if (!d) return fail(where + ": direction", "unknown direction \"" + direction + "\"");
  r.event.direction = *d;
  r.event.sent.ns = s.int64(3);
  if (!s.is_null(4)) r.event.received = geo::UtcTime{s.int64(4)};

  // The columns are an index of the payload: they must agree with it.
  const share::Header& h = share::header(r.event.message);
  const auto type = share::to_string(share::type_of(r.event.message));
  if (s.text(5) != type) return mismatch(db_.path(), r.id, "type", s.text(5), type);
  if (s.text(6) != to_string(h.originator.nation))
    return mismatch(db_.path(), r.id, "origin_nation", s.text(6), to_string(h.originator.nation));
  if (s.text(7) != h.originator.node)
    return mismatch(db_.path(), r.id, "origin_node", s.text(7), h.originator.node);
  if (static_cast<std::uint64_t>(s.int64(8)) != h.sequence)
    return mismatch(db_.path(), r.id, "sequence", s.text(8), std::to_string(h.sequence));
  if (s.int64(9) != h.time_of_validity.ns)
    return mismatch(db_.path(), r.id, "time_of_validity_ns", s.text(9),
                    std::to_string(h.time_of_validity.ns));
  const std::string label = share::to_string(h.releasability);
  if (s.text(10) != label) return mismatch(db_.path(), r.id, "label", s.text(10), label);
  return std::optional<RecordedEvent>(std::move(r));
}

Expected<std::vector<RecordedRelease>> Replay::releases() {
  auto s = db_.prepare(
      "SELECT id, recipient, type, origin_nation, origin_node, origin_sensor, sequence,"
      " time_of_validity_ns, label, message_id FROM releases ORDER BY id");
  if (!s) return fail(db_.path(), "not a trilink recording: " + s.error().what);
  std::vector<RecordedRelease> out;
  while (true) {
    auto row = s->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return out;
    RecordedRelease r;
    r.id = s->int64(0);
    const std::string where = row_where(db_.path(), "releases", r.id);
    const auto recipient = parse_nation(s->text(1));
    if (!recipient) return fail(where + ": recipient", "unknown nation \"" + s->text(1) + "\"");
    r.release.recipient = *recipient;
    const auto type = share::parse_message_type(s->text(2));
    if (!type) return fail(where + ": type", "unknown message type \"" + s->text(2) + "\"");
    r.release.type = *type;
    const auto nation = parse_nation(s->text(3));
    if (!nation) return fail(where + ": origin_nation", "unknown nation \"" + s->text(3) + "\"");
    r.release.originator.nation = *nation;
    r.release.originator.node = s->text(4);
    if (!s->is_null(5)) r.release.originator.sensor = static_cast<std::uint32_t>(s->int64(5));
    r.release.sequence = static_cast<std::uint64_t>(s->int64(6));
    r.release.time_of_validity.ns = s->int64(7);
    const auto label = share::parse_releasability(s->text(8));
    if (!label) return fail(where + ": label", "not a releasability set \"" + s->text(8) + "\"");
    r.release.label = *label;
    if (!s->is_null(9)) r.message_id = s->int64(9);
    out.push_back(std::move(r));
  }
}

Expected<std::vector<RecordedEvent>> read_all(const std::string& path) {
  auto replay = Replay::open(path);
  if (!replay) return std::unexpected(replay.error());
  std::vector<RecordedEvent> out;
  while (true) {
    auto e = replay->next();
    if (!e) return std::unexpected(e.error());
    if (!*e) return out;
    out.push_back(std::move(**e));
  }
}

Expected<std::vector<RecordedRelease>> read_releases(const std::string& path) {
  auto replay = Replay::open(path);
  if (!replay) return std::unexpected(replay.error());
  return replay->releases();
}

}  // namespace trilink::record
