#include "track/motion_models.hpp"

namespace trilink::track {

Gaussian<6> NearlyConstantVelocity::predict(const Gaussian<6>& g, double dt) const {
  Gaussian<6> out;
  out.x.head<3>() = g.x.head<3>() + dt * g.x.tail<3>();
  out.x.tail<3>() = g.x.tail<3>();
  // F P F' by blocks: P = [A B; B' C] -> [A + dt(B + B') + dt^2 C, B + dt C; ., C].
  const Mat3 A = g.P.block<3, 3>(0, 0), B = g.P.block<3, 3>(0, 3), C = g.P.block<3, 3>(3, 3);
  const double q3 = q_m2ps3 * dt * dt * dt / 3.0, q2 = q_m2ps3 * dt * dt / 2.0, q1 = q_m2ps3 * dt;
  out.P.block<3, 3>(0, 0) = A + dt * (B + B.transpose()) + dt * dt * C;
  out.P.block<3, 3>(0, 3) = B + dt * C;
  out.P.block<3, 3>(3, 0) = out.P.block<3, 3>(0, 3).transpose();
  out.P.block<3, 3>(3, 3) = C;
  out.P.block<3, 3>(0, 0).diagonal().array() += q3;
  out.P.block<3, 3>(0, 3).diagonal().array() += q2;
  out.P.block<3, 3>(3, 0).diagonal().array() += q2;
  out.P.block<3, 3>(3, 3).diagonal().array() += q1;
  return out;
}

Vec<6> NearlyConstantVelocity::propagate(const Vec<6>& x, double dt) const {
  Vec<6> out = x;
  out.head<3>() += dt * x.tail<3>();
  return out;
}

Mat<6> NearlyConstantVelocity::process_noise(double dt) const {
  const double q3 = q_m2ps3 * dt * dt * dt / 3.0, q2 = q_m2ps3 * dt * dt / 2.0, q1 = q_m2ps3 * dt;
  Mat<6> Q = Mat<6>::Zero();
  Q.block<3, 3>(0, 0).diagonal().setConstant(q3);
  Q.block<3, 3>(0, 3).diagonal().setConstant(q2);
  Q.block<3, 3>(3, 0).diagonal().setConstant(q2);
  Q.block<3, 3>(3, 3).diagonal().setConstant(q1);
  return Q;
}

}  // namespace trilink::track
