#include "track/tracker.hpp"

namespace trilink::track {

std::string_view to_string(RejectReason r) {
  switch (r) {
    case RejectReason::non_finite:
      return "non-finite value";
    case RejectReason::bad_geometry:
      return "impossible geometry";
    case RejectReason::time_backwards:
      return "time running backwards";
    case RejectReason::bad_range_rate:
      return "range rate not finite or without a positive variance";
    case RejectReason::count:
      break;
  }
  return "?";
}

std::uint64_t TrackerCounters::numerical_failures() const {
  std::uint64_t n = 0;
  for (std::size_t i = 0; i < kUpdateStatuses; ++i) n += gate_failures[i] + update_failures[i];
  return n;
}

}  // namespace trilink::track
