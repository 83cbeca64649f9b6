// Extended Kalman update for position measurements (Bar-Shalom et al. 2001, §5.2; Joseph
// form §5.2.3). Every update says what happened (STYLE 6): innovation, its sigmas, NIS,
// and whether it was fused or rejected and why.
//
//   nu = z - h(x),  S = H P H' + R  (LLT, never an inverse),  NIS = nu' S^-1 nu
//   K = P H' S^-1,  x+ = x + K nu,  P+ = (I - K H) P (I - K H)' + K R K'
#pragma once

#include <cstdint>
#include <string_view>

#include "track/gaussian.hpp"
#include "track/measurement_models.hpp"

namespace trilink::track {

enum class UpdateOutcome : std::uint8_t { fused, outside_gate, lost_assignment, numerical_failure };
std::string_view to_string(UpdateOutcome o);

struct UpdateDiagnostic {
  std::uint64_t track_id = 0;
  double t_s = 0.0;
  std::uint32_t sensor = 0;
  Vec3 innovation = Vec3::Zero();
  Vec3 innovation_sigma = Vec3::Zero();  // sqrt(diag S)
  double nis = 0.0;
  double gate = 0.0;
  UpdateOutcome outcome = UpdateOutcome::fused;
  std::string_view reason;  // static text
};

template <int N>
struct Innovation {
  Vec3 nu = Vec3::Zero();
  Mat3 S = Mat3::Identity();
  Mat3 H_pos = Mat3::Identity();
  Eigen::LLT<Mat3> llt;
  double nis = 0.0;
  bool ok = false;
};

// Innovation of measurement z (covariance R) against a prior; ok = false when S is not
// positive definite or not finite.
template <int N, typename Model>
Innovation<N> innovate(const Gaussian<N>& prior, const Model& model, const Vec3& z, const Mat3& R) {
  Innovation<N> in;
  const MeasurementPrediction m = model.predict(prior.x.template head<3>());
  in.H_pos = m.H_pos;
  in.nu = model.innovation(z, m.z);
  in.S = m.H_pos * prior.P.template block<3, 3>(0, 0) * m.H_pos.transpose() + R;
  in.llt.compute(in.S);
  if (in.llt.info() != Eigen::Success || !in.S.allFinite()) return in;
  in.nis = in.nu.dot(in.llt.solve(in.nu));
  in.ok = std::isfinite(in.nis);
  return in;
}

// Joseph-form update. Returns false (state untouched) when the result is not finite.
template <int N>
bool update(Gaussian<N>& g, const Innovation<N>& in, const Mat3& R) {
  // P H' with H = [H_pos 0]: only the first three columns of P take part.
  const Eigen::Matrix<double, N, 3> PHt = g.P.template leftCols<3>() * in.H_pos.transpose();
  const Eigen::Matrix<double, N, 3> K = in.llt.solve(PHt.transpose()).transpose();
  Mat<N> IKH = Mat<N>::Identity();
  IKH.template leftCols<3>() -= K * in.H_pos;
  Gaussian<N> out;
  out.x = g.x + K * in.nu;
  out.P = IKH * g.P * IKH.transpose() + K * R * K.transpose();
  symmetrize<N>(out.P);
  if (!out.x.allFinite() || !out.P.allFinite()) return false;
  g = out;
  return true;
}

}  // namespace trilink::track
