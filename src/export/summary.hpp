// What `trilink exercise` tells its user: summary.json (docs/exercise.md) and the timeline
// text it prints.
#pragma once

#include <string>

#include "eval/analysis.hpp"

namespace trilink::exports {

// summary.json (docs/exercise.md): the timeline, metrics and alerts of both runs (the development
// targets are judged by trilink bench targets, not here).
// `wall_s` is the only field that depends on the machine (with realtime_factor from it).
std::string summary_json(const scenario::Scenario& s, const eval::ExerciseResult& r,
                         const exercise::RunOutput& national, const exercise::RunOutput& trilateral,
                         double wall_s);

// The timeline as text, one block per launch (what `trilink exercise` prints): when each nation
// knew, alone and shared, and how accurate its picture was.
std::string timeline_text(const eval::ExerciseResult& r);

}  // namespace trilink::exports
