#include "track/kalman.hpp"

namespace trilink::track {

std::string_view to_string(UpdateStatus s) {
  switch (s) {
    case UpdateStatus::fused:
      return "fused";
    case UpdateStatus::prior_not_positive_definite:
      return "prior covariance not positive definite";
    case UpdateStatus::innovation_not_positive_definite:
      return "innovation covariance not positive definite";
    case UpdateStatus::posterior_not_positive_definite:
      return "posterior covariance not positive definite";
    case UpdateStatus::non_finite:
      return "not finite";
    case UpdateStatus::count:
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
