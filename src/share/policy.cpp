#include "share/policy.hpp"

#include <algorithm>
#include <set>

namespace trilink::share {

const NationPolicy* Policy::find(Nation n) const {
  for (const auto& np : nations)
    if (np.nation == n) return &np;
  return nullptr;
}

bool Policy::is_registered(const Originator& o) const {
  const NationPolicy* np = find(o.nation);
  return np && std::ranges::find(np->nodes, o.node) != np->nodes.end();
}

Releasability Policy::max_label(Nation n) const {
  const NationPolicy* np = find(n);
  return np ? np->max_label : Releasability{};
}

bool Policy::is_shared(MessageType t) const {
  return std::ranges::any_of(shared, [t](const SharedType& s) { return s.type == t; });
}

Releasability Policy::default_label(MessageType t) const {
  for (const auto& s : shared)
    if (s.type == t) return s.default_label;
  return {};
}

Releasability Policy::label_for(MessageType t, Nation sender) const {
  if (!is_shared(t)) return {};
  return default_label(t).intersect(max_label(sender)).with(sender);
}

Releasability Policy::release_to(MessageType t, const Header& h) const {
  if (!is_shared(t) || !is_registered(h.originator)) return {};
  return h.releasability.intersect(max_label(h.originator.nation));
}

std::optional<std::string> Policy::check() const {
  std::set<std::string> node_names;
  Releasability seen;
  Releasability grantable;
  for (const auto& np : nations) {
    const std::string name(to_string(np.nation));
    if (seen.contains(np.nation)) return "nation " + name + " listed twice";
    seen = seen.with(np.nation);
    grantable = grantable.unite(np.max_label);
    if (np.nodes.empty()) return "nation " + name + " has no node";
    if (!np.max_label.contains(np.nation))
      return "nation " + name + " may not grant its own nation (may_grant " +
             to_string(np.max_label) + ")";
    for (const auto& node : np.nodes) {
      if (node.empty()) return "nation " + name + " has an empty node name";
      if (!node_names.insert(node).second) return "node " + node + " listed twice";
    }
  }
  std::vector<MessageType> types;
  for (const auto& s : shared) {
    const std::string name(to_string(s.type));
    if (s.type == MessageType::detection) return "detection is never shared";
    if (std::ranges::find(types, s.type) != types.end()) return "type " + name + " listed twice";
    types.push_back(s.type);
    if (!s.default_label.is_subset_of(grantable))
      return "default label " + to_string(s.default_label) + " of " + name +
             " is wider than any nation may grant (" + to_string(grantable) + ")";
  }
  return std::nullopt;
}

std::vector<LocalTrack> view_for(const Policy& policy, Nation recipient,
                                 std::span<const LocalTrack> contributions) {
  std::vector<LocalTrack> view;
  for (const auto& t : contributions)
    if (policy.release_to(MessageType::local_track, t.header).contains(recipient))
      view.push_back(t);
  return view;
}

std::vector<ReleaseRecord> plan_releases(const Policy& policy, const Message& m) {
  std::vector<ReleaseRecord> out;
  const Header& h = header(m);
  const Releasability to = policy.release_to(m);
  for (Nation n : all_nations)
    if (to.contains(n))
      out.push_back(ReleaseRecord{n, type_of(m), h.originator, h.sequence, h.time_of_validity,
                                  h.releasability});
  return out;
}

}  // namespace trilink::share
