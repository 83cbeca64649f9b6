// Reading the releasability policy (deploy/policy.yaml) strictly, as scenarios are read: an
// unknown key, an unknown nation or message type, a bad label or an inconsistent policy gives
// one error naming the file, the line and the field
// ("policy.yaml:7: nations[1].may_grant: unknown nation 'CHN' in 'USA|CHN'").
#pragma once

#include <cstdint>
#include <string>

#include "base/error.hpp"
#include "share/policy.hpp"

namespace trilink::io {

// The policy file format version this build reads.
inline constexpr std::uint64_t policy_file_version = 1;

Expected<share::Policy> load_policy(const std::string& path);

}  // namespace trilink::io
