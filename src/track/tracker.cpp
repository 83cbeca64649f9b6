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
    case RejectReason::count:
      break;
  }
  return "?";
}

std::string_view to_string(UpdateOutcome o) {
  switch (o) {
    case UpdateOutcome::fused:
      return "fused";
    case UpdateOutcome::outside_gate:
      return "outside gate";
    case UpdateOutcome::lost_assignment:
      return "lost assignment";
    case UpdateOutcome::numerical_failure:
      return "numerical failure";
  }
  return "?";
}

}  // namespace trilink::track
