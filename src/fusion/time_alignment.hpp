// Time alignment of national tracks at the hub: a share::LocalTrack (ECEF position and
// velocity, 6x6 covariance, valid at its header's time) predicted to a common time t.
//
// The 6-state [p; v] is embedded in the 9-state of track::BallisticModel with zero thrust
// acceleration (its held variance only), predicted over dt = t - t_validity (negative dt
// retrodicts) by RK4 on J2 gravity + Coriolis + centrifugal terms, covariance by the
// transition matrix Phi P Phi' + Q(|dt|) (ballistic_model.hpp), and the [p; v] block taken
// back. A carried acceleration is ignored: after burnout the ballistic model is the right
// one for hand-over, and a boosting track is reported with its own larger covariance.
#pragma once

#include "fusion/status.hpp"
#include "geo/time.hpp"
#include "share/messages.hpp"
#include "track/ballistic_model.hpp"

namespace trilink::fusion {

using State = track::Vec<6>;  // [position (m); velocity (m/s)], ECEF
using Covariance = track::Mat<6>;
using Estimate = track::Gaussian<6>;

// Checks a 6-state estimate: finite, covariance symmetric (to 1e-9 relative) and positive
// definite (LLT succeeds).
FusionResult<void> check_estimate(const Estimate& e, std::string_view what);

// The local track as an estimate at its own time of validity: as it is (for a track already
// checked), or checked as above.
Estimate estimate_of(const share::LocalTrack& t);
FusionResult<Estimate> to_estimate(const share::LocalTrack& t);

// The local track predicted to `t` with `model`; a failure names the track and the reason.
FusionResult<Estimate> align(const share::LocalTrack& t, geo::UtcTime at,
                             const track::BallisticModel& model = {});

// An estimate valid at `from` predicted to `at` (used to coast a system track).
FusionResult<Estimate> predict(const Estimate& e, geo::UtcTime from, geo::UtcTime at,
                               const track::BallisticModel& model = {});

}  // namespace trilink::fusion
