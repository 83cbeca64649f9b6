#include "eval/workload_trackers.hpp"

#include "base/chi2.hpp"
#include "track/ballistic_model.hpp"

namespace trilink::eval {

scenario::Propagator ballistic_workload_propagator() {
  return
      [dynamics = track::BallisticDynamics{}](const Eigen::Matrix<double, 6, 1>& x6, double dt_s) {
        track::Vec9 x;
        x << x6, Eigen::Vector3d::Zero();
        return Eigen::Matrix<double, 6, 1>(dynamics.propagate(x, dt_s, false).head<6>());
      };
}

scenario::BallisticWorkload generate_ballistic(const scenario::BallisticWorkloadConfig& c) {
  return scenario::generate_ballistic(c, ballistic_workload_propagator());
}

track::Ekf<track::BallisticModel> ballistic_workload_filter() {
  track::BallisticModel model;
  model.q_vel_m2ps3 = 1.0;
  return {model};
}

track::TrackerConfig ballistic_workload_tracker_config() {
  track::TrackerConfig c;
  c.gate.chi2 = chi2_quantile(0.999, 3);
  c.gate.grid_cell_m = 5000.0;
  c.initiator.max_speed_mps = 9000.0;
  c.initiator.max_gap_s = 2.5;
  c.initiator.grid_cell_m = 5000.0;
  c.confirmer.hits = 4;
  c.confirmer.window = 5;
  c.deleter.misses = 3;
  return c;
}

}  // namespace trilink::eval
