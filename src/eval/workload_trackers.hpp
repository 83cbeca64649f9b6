// The trackers the benchmark workloads (scenario/ncv_workload.hpp,
// scenario/ballistic_workload.hpp) are run with (trilink bench tracker).
#pragma once

#include "scenario/ballistic_workload.hpp"
#include "track/filters.hpp"
#include "track/tracker.hpp"

namespace trilink::eval {

// The ballistic workload's truth motion: track::BallisticDynamics without drag or thrust.
scenario::Propagator ballistic_workload_propagator();

// The ballistic workload generated with that motion.
scenario::BallisticWorkload generate_ballistic(const scenario::BallisticWorkloadConfig& c);

// The tracker the ballistic workload is benchmarked with (trilink bench tracker --model
// ballistic): a 9-state ballistic EKF in ECEF (no drag, q_v = 1 m^2/s^3) and a TrackerConfig
// for objects at ~3 km/s seen every 1 s with ~240 m cross-range sigma: gate chi2 16.27,
// two-point initiation up to 9 km/s over at most 2.5 s, confirm 4 of 5, drop after 3 misses,
// 5 km grid.
track::Ekf<track::BallisticModel> ballistic_workload_filter();
track::TrackerConfig ballistic_workload_tracker_config();

}  // namespace trilink::eval
