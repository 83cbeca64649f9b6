#include "track/deleter.hpp"

#include <cassert>

namespace trilink::track {

std::string_view to_string(DropReason r) {
  switch (r) {
    case DropReason::misses:
      return "missed too often";
    case DropReason::position_sigma:
      return "position sigma too large";
    case DropReason::coast_time:
      return "coasted too long";
    case DropReason::implausible:
      return "implausible";
    case DropReason::count:
      break;
  }
  return "?";
}

Deleter::Deleter(DeleterConfig config) : config_(config) {
  assert(config.misses >= 1);
}

Verdict Deleter::judge(const MissedTrack& t) const {
  using enum Verdict::Fate;
  const auto drop_for = [](DropReason r) { return Verdict{drop, r}; };
  if (t.predictable) {
    if (t.position_sigma_m > config_.max_position_sigma_m)
      return drop_for(DropReason::position_sigma);
    if (t.since_update_s > config_.max_coast_predictable_s) return drop_for(DropReason::coast_time);
    if (!t.plausible) return drop_for(DropReason::implausible);
    if (t.misses > 0 || t.since_update_s > config_.max_coast_s) return {coast};
    return {keep};
  }
  if (!t.plausible) return drop_for(DropReason::implausible);
  if (t.misses >= config_.misses) return drop_for(DropReason::misses);
  if (t.position_sigma_m > config_.max_position_sigma_m)
    return drop_for(DropReason::position_sigma);
  if (t.since_update_s > config_.max_coast_s) return drop_for(DropReason::coast_time);
  if (t.misses > 0) return {coast};
  return {keep};
}

}  // namespace trilink::track
