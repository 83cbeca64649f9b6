// The layout of a trilink recording (internal to record/). A recording is an SQLite file with
// application_id 'TRLK', a schema_version table holding (2, 'trilink'), and the tables:
//   messages(id, link, direction, sent_ns, received_ns, type, origin_nation, origin_node,
//            sequence, time_of_validity_ns, label, payload, chain)
//                                      -- payload: record/codec.hpp JSON
//   releases(id, recipient, type, origin_nation, origin_node, origin_sensor, sequence,
//            time_of_validity_ns, label, message_id, chain)  -- share::ReleaseRecord
//   chain_head(name, rows, head)       -- per table: its row count and last chain value
// Times are UTC ns; sequence (a uint64) is stored as the int64 with the same bits. Ids run
// 1, 2, ... in recording order; `chain` (32 bytes) is record/chain.hpp's SHA-256 chain over
// every column before it. Version 1 had no chain and is no longer read.
#pragma once

#include <cstdint>

#include "base/error.hpp"
#include "record/sqlite.hpp"

namespace trilink::record::schema {

inline constexpr std::int64_t version = 2;
inline constexpr std::int64_t application_id = 0x54524C4B;  // "TRLK"

// Creates the tables in an empty database.
Expected<void> create(sqlite::Database& db);
// True for an empty database (no tables yet).
Expected<bool> is_empty(sqlite::Database& db);
// Refuses a database that is not a trilink recording of this version, saying why.
Expected<void> check(sqlite::Database& db);

}  // namespace trilink::record::schema
