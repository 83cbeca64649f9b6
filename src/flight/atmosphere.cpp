#include "flight/atmosphere.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include "geo/wgs84.hpp"

namespace trilink::flight {
namespace {

// Constants of the standard itself (not geodesy): its effective Earth radius for
// geopotential height, sea-level state and gas constant R* / M0.
constexpr double r0_m = 6356766.0;
constexpr double g0 = geo::wgs84::g0_mps2;             // standard gravity, the same in both
constexpr double gas_constant = 8.31432 / 28.9644e-3;  // J/(kg K)

struct Layer {
  double base_m;  // geopotential
  double lapse_kpm;
};
constexpr std::array<Layer, 7> layers{{{0.0, -0.0065},
                                       {11000.0, 0.0},
                                       {20000.0, 0.001},
                                       {32000.0, 0.0028},
                                       {47000.0, 0.0},
                                       {51000.0, -0.0028},
                                       {71000.0, -0.002}}};

struct Tabulated {
  double height_m;
  double density_kgpm3;
};
// Table of the standard (geometric height, density), 86 km and up.
constexpr std::array<Tabulated, 20> upper{
    {{86e3, 6.958e-6},   {90e3, 3.416e-6},   {100e3, 5.604e-7},  {110e3, 9.708e-8},
     {120e3, 2.222e-8},  {130e3, 8.152e-9},  {140e3, 3.831e-9},  {150e3, 2.076e-9},
     {160e3, 1.233e-9},  {180e3, 5.194e-10}, {200e3, 2.541e-10}, {250e3, 6.073e-11},
     {300e3, 1.916e-11}, {400e3, 2.803e-12}, {500e3, 5.215e-13}, {600e3, 1.137e-13},
     {700e3, 3.070e-14}, {800e3, 1.136e-14}, {900e3, 5.759e-15}, {1000e3, 3.561e-15}}};

// log(density) of each row of `upper`, computed once (the interpolation is log-linear).
const std::array<double, upper.size()>& upper_log_densities() {
  static const std::array<double, upper.size()> logs = [] {
    std::array<double, upper.size()> l{};
    for (std::size_t i = 0; i < upper.size(); ++i) l[i] = std::log(upper[i].density_kgpm3);
    return l;
  }();
  return logs;
}

struct Base {
  double temperature_k;
  double pressure_pa;
};
// Temperature and pressure at each layer base, computed once from sea level.
const std::array<Base, 7>& layer_bases() {
  static const std::array<Base, 7> bases = [] {
    std::array<Base, 7> b{};
    b[0] = {288.15, 101325.0};
    for (std::size_t i = 1; i < layers.size(); ++i) {
      const double dh = layers[i].base_m - layers[i - 1].base_m;
      const double lapse = layers[i - 1].lapse_kpm;
      const double t0 = b[i - 1].temperature_k;
      const double t1 = t0 + lapse * dh;
      const double p1 = lapse == 0.0
                            ? b[i - 1].pressure_pa * std::exp(-g0 * dh / (gas_constant * t0))
                            : b[i - 1].pressure_pa * std::pow(t0 / t1, g0 / (gas_constant * lapse));
      b[i] = {t1, p1};
    }
    return b;
  }();
  return bases;
}

// Layer index and temperature at a geometric height below 86 km.
struct LayerPoint {
  std::size_t index;
  double geopotential_m;
  double temperature_k;
};
LayerPoint layer_point(double height_m) {
  const double h = std::max(height_m, -5000.0);
  const double geopotential = r0_m * h / (r0_m + h);
  std::size_t i = layers.size() - 1;
  while (i > 0 && geopotential < layers[i].base_m) --i;
  const double t =
      layer_bases()[i].temperature_k + layers[i].lapse_kpm * (geopotential - layers[i].base_m);
  return {i, geopotential, t};
}

}  // namespace

double air_temperature_k(double height_m) {
  return layer_point(std::min(height_m, upper.front().height_m)).temperature_k;
}

double speed_of_sound_mps(double height_m) {
  constexpr double gamma = 1.4;
  return std::sqrt(gamma * gas_constant * air_temperature_k(height_m));
}

double air_density_kgpm3(double height_m) {
  if (height_m >= upper.front().height_m) {
    if (height_m >= upper.back().height_m) return 0.0;
    std::size_t i = 1;
    while (upper[i].height_m < height_m) ++i;
    const auto& a = upper[i - 1];
    const auto& b = upper[i];
    const double s = (height_m - a.height_m) / (b.height_m - a.height_m);
    const auto& log_density = upper_log_densities();
    return std::exp(log_density[i - 1] + s * (log_density[i] - log_density[i - 1]));
  }
  const double h = std::max(height_m, -5000.0);
  const double geopotential = r0_m * h / (r0_m + h);
  std::size_t i = layers.size() - 1;
  while (i > 0 && geopotential < layers[i].base_m) --i;
  const auto& base = layer_bases()[i];
  const double dh = geopotential - layers[i].base_m;
  const double lapse = layers[i].lapse_kpm;
  const double t = base.temperature_k + lapse * dh;
  const double p =
      lapse == 0.0
          ? base.pressure_pa * std::exp(-g0 * dh / (gas_constant * base.temperature_k))
          : base.pressure_pa * std::pow(base.temperature_k / t, g0 / (gas_constant * lapse));
  return p / (gas_constant * t);
}

}  // namespace trilink::flight
