#include "track/stitcher.hpp"

namespace trilink::track {

double Stitcher::manoeuvre_variance_m2(double old_update_s, double new_first_seen_s,
                                       double t) const {
  const double tau = t - std::min(old_update_s, new_first_seen_s) + config_.manoeuvre_lead_s;
  const double m = 0.5 * config_.manoeuvre_mps2 * tau * tau;
  return m * m;
}

}  // namespace trilink::track
