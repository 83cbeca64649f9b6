// Lossless JSON encoding of every share::Message, for the recording (record/recorder.hpp) and
// its replay. One object per message: {"type": "local_track", "header": {...}, fields...},
// fields in declaration order, names as in share/messages.hpp. Conventions:
//  - times (geo::UtcTime) as integer ns: "time_of_validity_ns";
//  - doubles as the shortest text that reads back to the same double (nlohmann/json), and
//    non-finite values as the strings "NaN", "Infinity", "-Infinity";
//  - Vector3 as [x, y, z]; matrices as rows, [[...], ...];
//  - enums and nations as their share::to_string text, releasability as "USA|JPN" / "none";
//  - an empty optional as null (the key is always present).
// decode(encode(m)) == m field for field, and encode(decode(text)) == text for every text
// encode produced. decode refuses a missing, unknown or mistyped field and names it.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "base/error.hpp"
#include "share/messages.hpp"

namespace trilink::record {

nlohmann::ordered_json to_json(const share::Message& m);
std::string encode(const share::Message& m);

// Errors name the field as a path, e.g. where = "local_track.covariance[2][3]".
Expected<share::Message> from_json(const nlohmann::ordered_json& j);
Expected<share::Message> decode(std::string_view text);

}  // namespace trilink::record
