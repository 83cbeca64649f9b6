// The wire schema's topics (idl/trilink.idl) and the conversion between share:: messages and
// the generated IDL samples. Every sample read from the wire is decoded and checked before any
// node sees it: a sample that cannot be a trilink message of this build (another schema version,
// a nation, enum or label out of range, a key that disagrees with its header, an unterminated
// string, a number that is not finite) is rejected with its reason; the receiving runtime
// counts it and drops it. The gatekeeper (share/validation.hpp) still runs on what passes.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "bus/qos.hpp"
#include "sensor/infrared.hpp"
#include "share/messages.hpp"

namespace trilink::bus {

enum class Topic : std::uint8_t {
  radar_look,
  local_track,
  system_track,
  launch_report,
  impact_prediction,
  alert,
  node_health,
  infrared_frame,
};
inline constexpr std::array<Topic, 8> all_topics{
    Topic::radar_look,        Topic::local_track, Topic::system_track, Topic::launch_report,
    Topic::impact_prediction, Topic::alert,       Topic::node_health,  Topic::infrared_frame};

std::string_view topic_name(Topic t);  // "LocalTrack", as in the permissions documents
const dds_topic_descriptor_t* descriptor(Topic t);
Profile profile(Topic t);
// The topic a message travels on (a detection: in a radar look).
Topic topic_of(share::MessageType t);

// One look of one radar: every plot it made at time t (what node::NationalNode::on_look takes).
struct Look {
  Nation nation = Nation::JPN;
  std::uint32_t sensor_id = 0;
  geo::UtcTime time;
  std::vector<share::Detection> plots;  // same originator and label as the look
  share::Header header;                 // the feed's: originator, session, label, time
};

// One frame of one space-based infrared satellite: every plot it made at time t (what
// node::NationalNode::on_ir_frame takes) and where the satellite was. Decoded plots carry the
// frame's sensor id as their satellite index, its time and the satellite's position.
struct InfraredFrame {
  Nation nation = Nation::USA;
  std::uint32_t sensor_id = 0;
  geo::UtcTime time;
  geo::Vec3 satellite_ecef_m = geo::Vec3::Zero();
  std::vector<sensor::IrPlot> plots;
  share::Header header;  // the feed's: originator, session, label, time
};

enum class WireRejection : std::uint8_t {
  unsupported_schema,
  bad_nation,
  bad_enum,
  bad_label,
  key_mismatch,
  bad_string,
  non_finite,
  unexpected_sender,
};
inline constexpr std::size_t wire_rejection_count = 8;
std::string_view to_string(WireRejection r);

// A decoded sample: a message, a look, an infrared frame, or the reason it was refused.
using Sample = std::variant<share::Message, Look, InfraredFrame>;
struct Decoded {
  std::optional<WireRejection> rejection;
  std::string detail;
  Sample value;
};
const share::Header& header_of(const Sample& s);

// An encoded sample: the generated C struct and the buffers its sequences point into. Valid
// while it lives (moving it keeps the buffers).
class Encoded {
 public:
  Topic topic() const { return topic_; }
  const void* sample() const;

 private:
  friend Encoded encode(const share::Message& m);
  friend Encoded encode(const Look& l);
  friend Encoded encode(const InfraredFrame& f);
  struct Data;
  Topic topic_ = Topic::local_track;
  std::shared_ptr<Data> data_;
};

Encoded encode(const share::Message& m);  // not a Detection: those go in a Look
Encoded encode(const Look& l);
Encoded encode(const InfraredFrame& f);
// `sample` points to the generated struct of topic t (as dds_take returns it).
Decoded decode(Topic t, const void* sample);

}  // namespace trilink::bus
