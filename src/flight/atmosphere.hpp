// U.S. Standard Atmosphere 1976 (NOAA-S/T 76-1562): density as a function of geometric
// height above the ellipsoid. 0-86 km from the seven hydrostatic layers in geopotential
// height; 86-1000 km by log-linear interpolation of the standard's tabulated densities;
// zero above 1000 km (below 4e-15 kg/m^3, no effect on a missile).
#pragma once

namespace trilink::flight {

double air_density_kgpm3(double height_m);

}  // namespace trilink::flight
