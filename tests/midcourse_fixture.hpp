// A missile in midcourse seen by one radar, for the tests of the IMM and the national tracker.
#pragma once

#include "base/rng.hpp"
#include "geo/frames.hpp"
#include "track/filters.hpp"
#include "track/measurement_models.hpp"

namespace trilink::test_fixtures {

using track::Imm;
using track::Mat3;
using track::Measurement;
using track::RangeAzEl;
using track::Vec;
using track::Vec3;

inline const Vec3 kSigma(20.0, 3e-4, 3e-4);  // range (m), azimuth, elevation (rad)
inline const Vec3 kBiasSigma(20.0, 2e-4, 2e-4);

// A missile in midcourse over the Sea of Japan: 300 km up, 3 km/s east, 1 km/s up.
inline Vec<9> midcourse_truth() {
  const geo::Geodetic g = geo::Geodetic::from_deg(39.5, 133.0, 300e3);
  const geo::LocalFrame frame(g);
  Vec<9> x = Vec<9>::Zero();
  x.head<3>() = geo::to_ecef(g).r_m;
  x.segment<3>(3) = frame.ecef_from_enu() * Vec3(3000.0, 0.0, 1000.0);
  return x;
}

inline Measurement measure(const RangeAzEl& radar, const Vec<9>& x, const Vec3& bias, Rng& rng) {
  Measurement m;
  m.z = radar.predict(x.head<3>()).z + bias +
        Vec3(rng.normal(0.0, kSigma.x()), rng.normal(0.0, kSigma.y()), rng.normal(0.0, kSigma.z()));
  m.R = kSigma.cwiseProduct(kSigma).asDiagonal();
  return m;
}

inline Imm imm_with_bias_slot() {
  Imm imm;
  imm.ballistic.q_vel_m2ps3 = 1e-6;
  imm.bias_slots = 1;
  imm.bias_prior = {Mat3(kBiasSigma.cwiseProduct(kBiasSigma).asDiagonal())};
  return imm;
}

}  // namespace trilink::test_fixtures
