#include "scenario/raid.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdio>
#include <numbers>

#include "base/rng.hpp"

namespace trilink::scenario {
namespace {

// The raid's own random stream: "RAID" in the top bytes keeps it apart from the streams the
// exercise keys by radar or launch index; the wave's first id number keeps two waves with one
// seed apart.
constexpr std::uint64_t raid_stream_key = 0x5241'4944'0000'0000ULL;

// The index of an option drawn by weight (every option has a `weight` > 0).
template <typename Option>
std::size_t draw_index(Rng& rng, const std::vector<Option>& options) {
  assert(!options.empty());
  double total = 0.0;
  for (const auto& o : options) total += o.weight;
  double u = rng.uniform(0.0, total);
  for (std::size_t i = 0; i < options.size(); ++i) {
    if (u < options[i].weight) return i;
    u -= options[i].weight;
  }
  return options.size() - 1;  // u == total after rounding
}

template <typename T>
const T& draw(Rng& rng, const std::vector<Weighted<T>>& options) {
  return options[draw_index(rng, options)].value;
}

geo::Geodetic draw_point(Rng& rng, const AimRegion& a) {
  if (a.radius_m > 0.0) {
    // Uniform over the disc's area: the distance goes as the square root of a uniform draw.
    const double distance_m = a.radius_m * std::sqrt(rng.uniform());
    const double azimuth_rad = 2.0 * std::numbers::pi * rng.uniform();
    return geo::geodesic_direct(geo::Geodetic{a.south_rad, a.west_rad, 0.0}, azimuth_rad,
                                distance_m);
  }
  const double lat = rng.uniform(a.south_rad, a.north_rad);
  return geo::Geodetic{lat, rng.uniform(a.west_rad, a.east_rad), 0.0};
}

std::string launch_id(const std::string& prefix, std::size_t number) {
  char digits[24];
  std::snprintf(digits, sizeof digits, "%03zu", number);
  return prefix + digits;
}

}  // namespace

std::vector<RaidLaunch> expand_raid(const RaidWave& wave, const Catalogue& catalogue,
                                    std::size_t first_number) {
  assert(!wave.profiles.empty() && !wave.aims.empty() && wave.start_s <= wave.end_s);
  Rng rng = Rng::stream(wave.seed, raid_stream_key + first_number);

  std::vector<double> times_s(wave.count);
  for (auto& t : times_s) t = std::round(10.0 * rng.uniform(wave.start_s, wave.end_s)) / 10.0;
  std::ranges::sort(times_s);

  std::vector<Weighted<std::string>> areas = wave.areas;
  if (areas.empty())
    for (const auto& [name, site] : catalogue.launch_areas) areas.push_back({name, 1.0});

  std::vector<RaidLaunch> out;
  out.reserve(wave.count);
  for (std::size_t i = 0; i < wave.count; ++i) {
    RaidLaunch l;
    l.spec.id = launch_id(wave.id_prefix, first_number + i);
    l.spec.time_s = times_s[i];
    l.spec.area = draw(rng, areas);
    l.spec.request.site = catalogue.launch_areas.at(l.spec.area);
    if (!wave.classes.empty()) l.spec.request.missile_class = draw(rng, wave.classes);
    const flight::Profile profile = draw(rng, wave.profiles);
    l.spec.request.profile = profile;
    l.spec.profile_label = std::string(flight::to_string(profile));
    l.spec.debris = wave.debris;
    if (wave.apogee_lo_m)
      l.spec.request.apogee_m = rng.uniform(*wave.apogee_lo_m, *wave.apogee_hi_m);
    l.aim_index = draw_index(rng, wave.aims);
    l.aim = draw_point(rng, wave.aims[l.aim_index]);
    const auto path = geo::geodesic_inverse(l.spec.request.site, l.aim);
    l.spec.request.azimuth_rad = path.azimuth_rad;
    l.spec.request.range_m = path.distance_m;
    out.push_back(std::move(l));
  }
  return out;
}

}  // namespace trilink::scenario
