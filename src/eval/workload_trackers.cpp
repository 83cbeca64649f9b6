#include "eval/workload_trackers.hpp"

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
  c.gate_chi2 = 16.27;
  c.max_speed_mps = 9000.0;
  c.max_init_gap_s = 2.5;
  c.confirm_hits = 4;
  c.confirm_window = 5;
  c.delete_misses = 3;
  c.grid_cell_m = 5000.0;
  return c;
}

}  // namespace trilink::eval
