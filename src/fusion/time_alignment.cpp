#include "fusion/time_alignment.hpp"

#include <Eigen/Cholesky>
#include <string>

namespace trilink::fusion {

namespace {

std::string describe(const share::LocalTrack& t) {
  return std::string(to_string(t.header.originator.nation)) + " track " +
         std::to_string(t.track_id);
}

}  // namespace

FusionResult<void> check_estimate(const Estimate& e, std::string_view what) {
  if (!e.x.allFinite()) return failure(FusionStatus::non_finite, std::string(what) + ": state");
  if (!e.P.allFinite())
    return failure(FusionStatus::non_finite, std::string(what) + ": covariance");
  const double scale = e.P.cwiseAbs().maxCoeff();
  if ((e.P - e.P.transpose()).cwiseAbs().maxCoeff() > 1e-9 * scale)
    return failure(FusionStatus::not_positive_definite,
                   std::string(what) + ": covariance not symmetric");
  const Eigen::LLT<Covariance> llt(e.P);
  if (llt.info() != Eigen::Success)
    return failure(FusionStatus::not_positive_definite,
                   std::string(what) + ": covariance not positive definite");
  return {};
}

Estimate estimate_of(const share::LocalTrack& t) {
  Estimate e;
  e.x << t.position_ecef_m, t.velocity_ecef_mps;
  e.P = t.covariance;
  return e;
}

FusionResult<Estimate> to_estimate(const share::LocalTrack& t) {
  const Estimate e = estimate_of(t);
  if (auto ok = check_estimate(e, describe(t)); !ok) return std::unexpected(ok.error());
  return e;
}

FusionResult<Estimate> predict(const Estimate& e, geo::UtcTime from, geo::UtcTime at,
                               const track::BallisticModel& model) {
  const double dt_s = at.seconds_since(from);
  if (dt_s == 0.0) return e;
  track::Gaussian<9> g;
  g.x.head<6>() = e.x;
  g.P.setZero();
  g.P.topLeftCorner<6, 6>() = e.P;
  model.initialise(g);  // zero acceleration with its held variance
  const track::Gaussian<9> out = model.predict(g, dt_s);
  Estimate aligned;
  aligned.x = out.x.head<6>();
  aligned.P = out.P.topLeftCorner<6, 6>();
  track::symmetrize<6>(aligned.P);
  if (!aligned.x.allFinite() || !aligned.P.allFinite())
    return failure(FusionStatus::non_finite,
                   "prediction over " + std::to_string(dt_s) + " s is not finite");
  return aligned;
}

FusionResult<Estimate> align(const share::LocalTrack& t, geo::UtcTime at,
                             const track::BallisticModel& model) {
  auto e = to_estimate(t);
  if (!e) return e;
  auto aligned = predict(*e, t.header.time_of_validity, at, model);
  if (!aligned) aligned.error().reason = describe(t) + ": " + aligned.error().reason;
  return aligned;
}

}  // namespace trilink::fusion
