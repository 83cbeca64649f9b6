// The benchmark workloads (scenario/ncv_workload.hpp, scenario/ballistic_workload.hpp) as
// CSV, so another tracker can be run on identical data. Files are written all-or-nothing
// (NAME.partial, renamed when complete); every row read back is checked, and an error names
// file:line and field.
#pragma once

#include <cstddef>
#include <string>

#include "base/error.hpp"
#include "scenario/ballistic_workload.hpp"
#include "scenario/ncv_workload.hpp"

namespace trilink::io {

// Rows a workload CSV may hold (each read into memory: about 150 bytes a row); and an object or
// scan number must leave no unused ids the file's rows could not fill (docs/scenarios.md).
inline constexpr std::size_t max_workload_rows = 5'000'000;

// truth.csv (scan,t_s,target,x_m,y_m,z_m,vx_mps,vy_mps,vz_mps) and
// detections.csv (scan,t_s,x_m,y_m,z_m).
Expected<void> export_ncv(const scenario::NcvWorkload& w, const std::string& dir);
Expected<scenario::NcvWorkload> import_ncv(const std::string& dir, double sigma_m);

// truth.csv (scan,t_s,target,x_m,y_m,z_m,vx_mps,vy_mps,vz_mps; ECEF) and
// detections.csv (scan,t_s,range_m,az_deg,el_deg). Angles are written in degrees with 17
// significant digits, so a round trip returns them to within an ulp or two, not bit for bit.
Expected<void> export_ballistic(const scenario::BallisticWorkload& w, const std::string& dir);
// Every row is checked: whole scan and target numbers, one time per scan, every scan from 0
// to the last present, the same objects 0..n-1 in every scan once each, range >= 0,
// azimuth in [0, 360) and elevation in [-90, 90] degrees. Errors name file:line and field.
Expected<scenario::BallisticWorkload> import_ballistic(const std::string& dir,
                                                       const scenario::BallisticRadar& radar);

}  // namespace trilink::io
