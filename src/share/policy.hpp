// The releasability policy (DESIGN.md, "Message model"; the file is deploy/policy.yaml, read
// by io/policy_file.hpp). Decided once and enforced at the hub:
//  - which nodes each nation runs (a message from any other node is rejected);
//  - the widest label a node of each nation may grant (a wider label is rejected);
//  - which message types may be shared at all, and the label the hub gives its own messages
//    of each type. Detection is never shared; pre-launch indications have no type at all.
// A message is released to the nations in its label that its originator may grant; a system
// track released to a nation is fused only from contributions releasable to that nation.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "share/messages.hpp"

namespace trilink::share {

struct NationPolicy {
  Nation nation = Nation::USA;
  std::vector<std::string> nodes;  // registered node names, e.g. "INDOPACOM"
  Releasability max_label;         // the widest label a node of this nation may grant
};

struct SharedType {
  MessageType type = MessageType::local_track;
  Releasability default_label;  // the label the hub puts on its own messages of this type
};

struct Policy {
  std::vector<NationPolicy> nations;
  std::vector<SharedType> shared;  // the message types that may cross a national boundary

  const NationPolicy* find(Nation n) const;
  // The nation is in the policy and the node is one of its nodes.
  bool is_registered(const Originator& o) const;
  // Empty for a nation not in the policy.
  Releasability max_label(Nation n) const;
  bool is_shared(MessageType t) const;
  // Empty for a type that is not shared.
  Releasability default_label(MessageType t) const;
  // The label a node of `sender` puts on a new message of type `t`: the default, narrowed to
  // what the sender may grant, and always holding the sender's own nation (a nation may always
  // see what it sends; the gatekeeper refuses a label without it). Empty for a type that is not
  // shared.
  Releasability label_for(MessageType t, Nation sender) const;
  // The nations the hub releases `m` to: its label narrowed to what its originator may grant;
  // empty for a type that is not shared or an originator not registered.
  Releasability release_to(const Message& m) const { return release_to(type_of(m), header(m)); }
  Releasability release_to(MessageType t, const Header& h) const;
  bool releasable_to(const Message& m, Nation recipient) const {
    return release_to(m).contains(recipient);
  }
  // The first inconsistency of the policy itself, in words, or nullopt: a nation listed twice,
  // a node name used twice, no node, a nation that may not grant its own nation, a detection
  // shared, a type listed twice, a default label wider than every nation may grant.
  std::optional<std::string> check() const;
};

// The per-nation view: of the local tracks a system track would be fused from, those that
// may be released to `recipient` (the hub fuses the recipient's system track from these only).
std::vector<LocalTrack> view_for(const Policy& policy, Nation recipient,
                                 std::span<const LocalTrack> contributions);

// One release by the hub, as recorded (record/ stores one row per release).
struct ReleaseRecord {
  Nation recipient = Nation::USA;
  MessageType type = MessageType::system_track;
  Originator originator;
  std::uint64_t sequence = 0;
  geo::UtcTime time_of_validity;
  Releasability label;  // the label the message carried
};

// The releases the hub makes for `m`: one record per nation in policy.release_to(m), in
// Nation order.
std::vector<ReleaseRecord> plan_releases(const Policy& policy, const Message& m);

}  // namespace trilink::share
