// U.S. Standard Atmosphere 1976 (NOAA-S/T 76-1562): density as a function of geometric
// height above the ellipsoid. 0-86 km from the seven hydrostatic layers in geopotential
// height; 86-1000 km by log-linear interpolation of the standard's tabulated densities;
// zero above 1000 km (below 4e-15 kg/m^3, no effect on a missile).
//
// Temperature: the standard's molecular-scale temperature of the seven layers below 86 km
// (kinetic temperature there, to the standard's M/M0 correction of < 0.04 %); above 86 km it
// is held at the 86 km value (186.87 K): only the Mach number of the aerodynamic model uses
// it, and the aerodynamic forces are negligible that high. Speed of sound
// a = sqrt(gamma R T), gamma = 1.4.
#pragma once

namespace trilink::flight {

double air_density_kgpm3(double height_m);
double air_temperature_k(double height_m);
double speed_of_sound_mps(double height_m);

}  // namespace trilink::flight
