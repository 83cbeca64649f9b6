#include "track/motion_models.hpp"

namespace trilink::track {

Gaussian<6> NearlyConstantVelocity::predict(const Gaussian<6>& g, double dt) const {
  Gaussian<6> out;
  pos(out.x) = pos(g.x) + dt * vel(g.x);
  vel(out.x) = vel(g.x);
  // F P F' by blocks: P = [A B; B' C] -> [A + dt(B + B') + dt^2 C, B + dt C; ., C].
  const Mat3 A = pos_cov(g.P), B = block_of<Pos, Vel>(g.P), C = vel_cov(g.P);
  const double q3 = q_m2ps3 * dt * dt * dt / 3.0, q2 = q_m2ps3 * dt * dt / 2.0, q1 = q_m2ps3 * dt;
  pos_cov(out.P) = A + dt * (B + B.transpose()) + dt * dt * C;
  block_of<Pos, Vel>(out.P) = B + dt * C;
  block_of<Vel, Pos>(out.P) = block_of<Pos, Vel>(out.P).transpose();
  vel_cov(out.P) = C;
  pos_cov(out.P).diagonal().array() += q3;
  block_of<Pos, Vel>(out.P).diagonal().array() += q2;
  block_of<Vel, Pos>(out.P).diagonal().array() += q2;
  vel_cov(out.P).diagonal().array() += q1;
  return out;
}

Vec<6> NearlyConstantVelocity::propagate(const Vec<6>& x, double dt) const {
  Vec<6> out = x;
  pos(out) += dt * vel(x);
  return out;
}

Mat<6> NearlyConstantVelocity::process_noise(double dt) const {
  const double q3 = q_m2ps3 * dt * dt * dt / 3.0, q2 = q_m2ps3 * dt * dt / 2.0, q1 = q_m2ps3 * dt;
  Mat<6> Q = Mat<6>::Zero();
  pos_cov(Q).diagonal().setConstant(q3);
  block_of<Pos, Vel>(Q).diagonal().setConstant(q2);
  block_of<Vel, Pos>(Q).diagonal().setConstant(q2);
  vel_cov(Q).diagonal().setConstant(q1);
  return Q;
}

}  // namespace trilink::track
