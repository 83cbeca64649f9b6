// Reading scenarios (docs/scenarios.md) and the site catalogue (scenarios/catalogue.yaml)
// from YAML. Loading checks everything, shapes every launch (so an apogee/range a class
// cannot fly is caught here), and reports the first problem with file, line and field.
#pragma once

#include <optional>
#include <string>

#include "base/error.hpp"
#include "scenario/scenario.hpp"

namespace trilink::io {

Expected<scenario::Catalogue> load_catalogue(const std::string& path);
// The same on text already read: `source` names it in errors as a path would.
Expected<scenario::Catalogue> parse_catalogue(const std::string& text, const std::string& source);
// Whether a scenario's reader flies each launch through the trajectory shaper, or only reads
// and checks its fields: then every Launch::shaped is left empty and the default duration_s is
// 30 s after the last launch, not after the last impact. The fuzz harness and the live hub
// (which needs the network and the areas only, and restarts fast) read without shaping (one
// shaping takes 0.1 to 1 s, a parse well under 1 ms).
enum class ShapeLaunches : bool { no, yes };

// `catalogue_path` overrides the scenario's own `catalogue:` key (and its default,
// catalogue.yaml beside the scenario file).
Expected<scenario::Scenario> load_scenario(
    const std::string& path, const std::optional<std::string>& catalogue_path = std::nullopt,
    ShapeLaunches shaping = ShapeLaunches::yes);

// The same on text already read, with the catalogue given (the `catalogue:` key, if any, is
// checked to be text and not followed). `source` names the text in errors and stands for its
// path: the policy, area and coastline paths are resolved beside it, as load_scenario does.
Expected<scenario::Scenario> parse_scenario(const std::string& text, const std::string& source,
                                            const scenario::Catalogue& catalogue,
                                            ShapeLaunches shaping = ShapeLaunches::yes);

}  // namespace trilink::io
