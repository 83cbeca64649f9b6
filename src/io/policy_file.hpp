// Reading the releasability policy (deploy/policy.yaml) strictly, as scenarios are read: an
// unknown key, an unknown nation or message type, a bad label or an inconsistent policy gives
// one error naming the file, the line and the field
// ("policy.yaml:7: nations[1].may_grant: unknown nation 'CHN' in 'USA|CHN'").
#pragma once

#include <cstdint>
#include <string>

#include "base/error.hpp"
#include "scenario/network.hpp"
#include "share/policy.hpp"

namespace trilink::io {

// The policy file format version this build reads.
inline constexpr std::uint64_t policy_file_version = 1;

// Limits: nodes per nation (the list of a nation is checked against the network anyway).
inline constexpr std::size_t max_policy_nodes_per_nation = 16;

Expected<share::Policy> load_policy(const std::string& path);
// The same, and checked against the network the policy will run on: every node it names is a
// node of the network, of the same nation; every node of the network is registered under its
// nation (the hub would reject all its messages otherwise); every nation with a node is in the
// policy (the hub would release to a nation the policy does not mention otherwise).
Expected<share::Policy> load_policy(const std::string& path, const scenario::Network& network);
// The same on text already read: `source` names it in errors as the path would.
Expected<share::Policy> parse_policy(const std::string& text, const std::string& source);
Expected<share::Policy> parse_policy(const std::string& text, const std::string& source,
                                     const scenario::Network& network);

}  // namespace trilink::io
