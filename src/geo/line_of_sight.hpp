// Line of sight from a site to a target under the effective-Earth refraction model
// (Doerry, "Earth curvature and atmospheric refraction effects on radar signal
// propagation", SAND2012-10690): rays are straight over a sphere of radius k R, k = 4/3,
// where R is the Gaussian radius of curvature at the site. Ground distance and heights are
// kept, so with site height h_s and target height h_t the horizon distance is
//   d = k R (acos(kR / (kR + h_s)) + acos(kR / (kR + h_t))) ~ sqrt(2 k R h_s) + sqrt(2 k R h_t)
// i.e. about 4.12 (sqrt(h_s) + sqrt(h_t)) km with heights in metres.
//
// A target is above the horizon when the straight ray on the effective sphere clears the
// surface (a site on a hill sees below its own horizontal plane, down to the dip angle).
// The apparent elevation is the one a radar beam needs, to compare with its minimum
// elevation; the geometric range, azimuth and elevation are what a radar reports after its
// own refraction correction.
#pragma once

#include "geo/frames.hpp"

namespace trilink::geo {

inline constexpr double standard_refraction_k = 4.0 / 3.0;

struct Sighting {
  RangeAzEl geometric;
  double apparent_el_rad = 0.0;  // elevation above the effective horizon plane
  double ground_distance_m = 0.0;
  bool above_horizon = false;
};

class Observer {
 public:
  explicit Observer(const Geodetic& site, double k = standard_refraction_k);

  // `target_h_m` is the target's height above the ellipsoid (the caller usually has it).
  Sighting look(const Ecef& target, double target_h_m) const;
  Sighting look(const Ecef& target) const;

  // Horizon distance (m) on the effective sphere for a target at height h (el_min = 0).
  double horizon_distance_m(double target_h_m) const;

  const LocalFrame& frame() const { return frame_; }
  double local_radius_m() const { return local_radius_m_; }

 private:
  LocalFrame frame_;
  double local_radius_m_;
  double k_;
};

}  // namespace trilink::geo
