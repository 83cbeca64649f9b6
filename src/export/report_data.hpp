// The exercise report's data (export/report.hpp renders it): map layers from the scenario
// and both runs, the timeline, the targets.
#pragma once

#include <vector>

#include "eval/analysis.hpp"
#include "export/report.hpp"
#include "geo/frames.hpp"
#include "warn/areas.hpp"

namespace trilink::exports {

// Closed rings of geodetic points as the report's lat/lon rings.
std::vector<report::Ring> rings_of(const std::vector<std::vector<geo::Geodetic>>& rings);

// The report's data: map layers from the scenario and both runs, the timeline, the targets.
report::ReportData report_data(const scenario::Scenario& s,
                               const std::vector<warn::ProtectedArea>& areas,
                               const std::vector<std::vector<geo::Geodetic>>& coastlines,
                               const eval::ExerciseResult& r, const exercise::RunOutput& national,
                               const exercise::RunOutput& trilateral);

}  // namespace trilink::exports
