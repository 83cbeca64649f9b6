// The hub's gatekeeper (DESIGN.md, "Message model"; issue: "bad input at the hub"). Every
// message that reaches the hub passes `admit` first; a rejected message is counted under its
// reason and never passed on. Checks, in order (the first failing one is the reason):
//  1. schema version is the one this build speaks;
//  2. every number is finite (positions, velocities, covariances, sigmas, durations);
//  3. the originator's nation is in the policy and its node is registered for that nation;
//  4. the message type may be shared at all (a detection never reaches the hub);
//  5. no sensor identity (the national boundary strips it, see boundary.hpp);
//  6. the label is no wider than the originator's nation may grant;
//  7. every covariance is symmetric positive semi-definite (relative tolerance 1e-9);
//  8. the sequence number is greater than the last one admitted from that (nation, node).
// Only an admitted message advances its originator's sequence number.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "share/messages.hpp"
#include "share/policy.hpp"

namespace trilink::share {

enum class Rejection : std::uint8_t {
  unsupported_schema,
  non_finite,
  unknown_originator,
  type_not_shared,
  sensor_identity,
  label_too_wide,
  bad_covariance,
  replay,
};
inline constexpr std::size_t rejection_count = 8;
inline constexpr std::array<Rejection, rejection_count> all_rejections{
    Rejection::unsupported_schema, Rejection::non_finite,      Rejection::unknown_originator,
    Rejection::type_not_shared,    Rejection::sensor_identity, Rejection::label_too_wide,
    Rejection::bad_covariance,     Rejection::replay};

std::string_view to_string(Rejection r);

struct Verdict {
  std::optional<Rejection> rejection;  // nullopt: admitted
  std::string detail;                  // what was wrong, in words ("" when admitted)

  bool admitted() const { return !rejection; }
  explicit operator bool() const { return admitted(); }
};

// True when every floating-point field of `m` is finite.
bool all_finite(const Message& m);

class Gatekeeper {
 public:
  // The policy must outlive the gatekeeper.
  explicit Gatekeeper(const Policy& policy) : policy_(policy) {}

  Verdict admit(const Message& m);

  std::uint64_t admitted() const { return admitted_; }
  std::uint64_t rejected(Rejection r) const { return rejected_[static_cast<std::size_t>(r)]; }
  std::uint64_t rejected_total() const;
  // The last sequence number admitted from (nation, node), if any.
  std::optional<std::uint64_t> last_sequence(Nation nation, const std::string& node) const;

 private:
  Verdict reject(Rejection r, std::string detail);

  const Policy& policy_;
  std::map<std::pair<Nation, std::string>, std::uint64_t> last_sequence_;
  std::uint64_t admitted_ = 0;
  std::array<std::uint64_t, rejection_count> rejected_{};
};

}  // namespace trilink::share
