// Trajectory shaping: find the flight plan that flies a requested ground range and apogee
// (or a named profile) from a launch point along an azimuth.
//
// Unknowns: the end pitch of the linear pitch programme, the thrust cut-off time, and the
// commanded azimuth (Earth rotation bends the ground track, most of all on hour-long lofted
// flights). For a fixed pitch, apogee grows with the cut-off time, so an inner
// Illinois-regula-falsi solve finds the cut-off for the apogee; along that constraint the
// signed downrange distance falls as the pitch steepens, so an outer solve finds the pitch
// for the range; a secant loop steers the commanded azimuth until the impact lies on the
// requested one (within 1 microradian; an error if it cannot). Without an apogee:
// `minimum-energy` takes the pitch that needs the least burn, `lofted` burns to depletion on
// the steep branch, `depressed` flies the lowest apogee it can between 0.5 and 0.9 of the
// minimum-energy one. A request the class
// cannot fly is an error that says what it can reach.
#pragma once

#include <optional>
#include <string_view>

#include "base/error.hpp"
#include "flight/flight.hpp"

namespace trilink::flight {

enum class Profile { minimum_energy, lofted, depressed };
std::string_view to_string(Profile p);
std::optional<Profile> parse_profile(std::string_view text);

struct ShapeRequest {
  geo::Geodetic site;
  double azimuth_rad = 0.0;
  double range_m = 0.0;
  std::optional<double> apogee_m;
  std::optional<MissileClass> missile_class;  // absent: the smallest class that can fly it
  std::optional<Profile> profile;             // used when there is no apogee
};

struct Shaped {
  FlightPlan plan;
  Flight flight;  // the shaped flight, with samples
  int evaluations = 0;
};

// Errors name the request field ("apogee_km", "range_km", "class") in Error::where.
Expected<Shaped> shape(const ShapeRequest& request, const FlightOptions& options = {});

}  // namespace trilink::flight
