// Small protected areas for the tests of warn/ and io/: a square near Hokkaido, a U shape, the
// square with a lake and an island.
#pragma once

#include <initializer_list>
#include <utility>
#include <vector>

#include "geo/frames.hpp"
#include "warn/areas.hpp"

namespace trilink::test_fixtures {

using warn::ProtectedArea;

inline std::vector<geo::Geodetic> ring_deg(
    std::initializer_list<std::pair<double, double>> lon_lat) {
  std::vector<geo::Geodetic> r;
  for (auto [lon, lat] : lon_lat) r.push_back(geo::Geodetic::from_deg(lat, lon));
  return r;
}

// 43–44 N, 142–143.5 E: a square near Hokkaido.
inline ProtectedArea hokkaido_square() {
  return {"square",
          Nation::JPN,
          {ring_deg({{142.0, 43.0}, {143.5, 43.0}, {143.5, 44.0}, {142.0, 44.0}})}};
}

// A U open to the north: the notch 140.3–140.7 E, 40.3–41 N is outside.
inline ProtectedArea u_shape() {
  return {"u",
          Nation::KOR,
          {ring_deg({{140.0, 40.0},
                     {141.0, 40.0},
                     {141.0, 41.0},
                     {140.7, 41.0},
                     {140.7, 40.3},
                     {140.3, 40.3},
                     {140.3, 41.0},
                     {140.0, 41.0}})}};
}

// The square with a lake (hole) 43.4–43.6 N, 142.5–143 E, and an island off it.
inline ProtectedArea square_with_lake_and_island() {
  ProtectedArea a = hokkaido_square();
  a.name = "lake";
  a.rings.push_back(ring_deg({{142.5, 43.4}, {143.0, 43.4}, {143.0, 43.6}, {142.5, 43.6}}));
  a.rings.push_back(ring_deg({{144.0, 43.0}, {144.2, 43.0}, {144.2, 43.2}, {144.0, 43.2}}));
  return a;
}

inline geo::Geodetic at_deg(double lat, double lon) {
  return geo::Geodetic::from_deg(lat, lon);
}

}  // namespace trilink::test_fixtures
