#include "metrics/pcrlb.hpp"

namespace trilink::metrics {

std::string_view to_string(PcrlbStatus s) {
  switch (s) {
    case PcrlbStatus::ok:
      return "ok";
    case PcrlbStatus::not_positive_definite:
      return "not_positive_definite";
    case PcrlbStatus::non_finite:
      return "non_finite";
  }
  return "unknown";
}

template class Pcrlb<6>;
template class Pcrlb<Eigen::Dynamic>;

}  // namespace trilink::metrics
