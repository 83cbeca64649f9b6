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
// `catalogue_path` overrides the scenario's own `catalogue:` key (and its default,
// catalogue.yaml beside the scenario file).
Expected<scenario::Scenario> load_scenario(
    const std::string& path, const std::optional<std::string>& catalogue_path = std::nullopt);

}  // namespace trilink::io
