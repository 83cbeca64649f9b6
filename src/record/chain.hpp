// The hash chain of a recording (record/schema.hpp): every row of `messages` and of `releases`
// carries chain = SHA-256(chain of the row before || the row's canonical bytes), the first row
// of a table chaining from genesis(table), and the table `chain_head` holds, per table, the
// number of rows and the last chain value. An edited, deleted or inserted row then breaks the
// chain at that row (or disagrees with the head), which verify() (record/replay.hpp) finds.
//
// Canonical bytes of a row: each column in schema order as a tag byte and its value —
// 'i' + the int64 in 8 bytes big-endian, 't' + the byte length in 8 bytes big-endian + the
// UTF-8 bytes, 'n' for NULL — so two different rows never share their bytes. The row id is the
// first column, so a row moved to another id breaks the chain too.
//
// What it proves: that the file is as the recorder wrote it, unless someone recomputed every
// chain value from the changed row on and the head. Without a key that is possible, so the
// head (printed by `trilink exercise` and `trilink replay --verify`) is what to keep apart
// from the file when a recording must be shown unaltered (docs/reliability.md).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace trilink::record::chain {

using Digest = std::array<std::uint8_t, 32>;  // SHA-256

// The chain value before the first row of `table` ("messages", "releases").
Digest genesis(std::string_view table);

// The canonical bytes of one row, column by column.
class Row {
 public:
  Row& add(std::int64_t v);
  Row& add(std::string_view v);
  Row& add(std::optional<std::int64_t> v);
  Row& add_null();

  // SHA-256(previous || canonical bytes).
  Digest link(const Digest& previous) const;
  void clear() { bytes_.clear(); }

 private:
  std::string bytes_;
};

// A recording's chains: per table, its rows and its last chain value (genesis when empty).
struct Heads {
  std::int64_t messages = 0, releases = 0;
  Digest messages_head{}, releases_head{};
};

std::string to_hex(const Digest& d);
// A Digest from a BLOB of 32 bytes; nullopt for anything else.
std::optional<Digest> from_bytes(std::string_view bytes);
inline std::string_view as_bytes(const Digest& d) {
  return {reinterpret_cast<const char*>(d.data()), d.size()};
}

}  // namespace trilink::record::chain
