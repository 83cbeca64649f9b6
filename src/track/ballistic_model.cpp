#include "track/ballistic_model.hpp"

#include "flight/atmosphere.hpp"
#include "flight/gravity.hpp"
#include "geo/wgs84.hpp"

namespace trilink::track {
namespace {

const Vec3 omega(0.0, 0.0, geo::wgs84::omega_radps());

Mat3 skew(const Vec3& w) {
  Mat3 m;
  m << 0, -w.z(), w.y(), w.z(), 0, -w.x(), -w.y(), w.x(), 0;
  return m;
}

const Mat3 omega_cross = skew(omega);  // [omega]x: omega_cross v = omega x v

// d(gravity + centrifugal acceleration)/dp at p: mu/r^3 (3 r^ r^' - I) - [omega]x^2 (no J2 term).
Mat3 gravity_gradient(const Vec3& p) {
  const double r = p.norm();
  const Vec3 u = p / r;
  return geo::wgs84::gm_m3ps2() / (r * r * r) * (3.0 * u * u.transpose() - Mat3::Identity()) -
         omega_cross * omega_cross;
}

void add_process_noise(Mat9& P, double dt, double q_v, double q_j) {
  const double d2 = dt * dt, d3 = d2 * dt, d4 = d3 * dt, d5 = d4 * dt;
  for (int i = 0; i < 3; ++i) {
    const int p = i, v = 3 + i, a = 6 + i;
    P(p, p) += q_v * d3 / 3.0 + q_j * d5 / 20.0;
    P(p, v) += q_v * d2 / 2.0 + q_j * d4 / 8.0;
    P(v, p) += q_v * d2 / 2.0 + q_j * d4 / 8.0;
    P(v, v) += q_v * dt + q_j * d3 / 3.0;
    if (q_j > 0.0) {
      P(p, a) += q_j * d3 / 6.0;
      P(a, p) += q_j * d3 / 6.0;
      P(v, a) += q_j * d2 / 2.0;
      P(a, v) += q_j * d2 / 2.0;
      P(a, a) += q_j * dt;
    }
  }
}

// Singer lift noise: white jerk of intensity q_j (m^2/s^5) in the plane perpendicular to the
// unit velocity u only (M = I - u u'), with the discretised blocks of add_process_noise.
void add_lift_noise(Mat9& P, double dt, double q_j, const Vec3& u) {
  const double d2 = dt * dt, d3 = d2 * dt, d4 = d3 * dt, d5 = d4 * dt;
  const Mat3 M = q_j * (Mat3::Identity() - u * u.transpose());
  block_of<Pos, Pos>(P) += d5 / 20.0 * M;
  block_of<Pos, Vel>(P) += d4 / 8.0 * M;
  block_of<Vel, Pos>(P) += d4 / 8.0 * M;
  block_of<Vel, Vel>(P) += d3 / 3.0 * M;
  block_of<Pos, Acc>(P) += d3 / 6.0 * M;
  block_of<Acc, Pos>(P) += d3 / 6.0 * M;
  block_of<Vel, Acc>(P) += d2 / 2.0 * M;
  block_of<Acc, Vel>(P) += d2 / 2.0 * M;
  block_of<Acc, Acc>(P) += dt * M;
}

// P <- Phi P Phi' for a transition whose acceleration rows are [0 0 I] (a = const, or held at
// zero): only its kinematic rows multiply, 6 x 9 x 9 and 6 x 9 x 6. When its kinematic rows
// do not reach the acceleration either ([Phi_kk 0]: no thrust), 6 x 6 x 9 and 6 x 6 x 6, the
// same numbers (the terms left out are exact zeros).
void propagate_covariance(const Mat9& Phi, Mat9& P) {
  Eigen::Matrix<double, 6, 9> M;  // the kinematic rows of Phi P
  Mat9 out;
  if (!(Phi.topRightCorner<6, 3>().array() == 0.0).all()) {
    const auto Phi_k = Phi.topRows<6>();
    M.noalias() = Phi_k * P;
    out.topLeftCorner<6, 6>().noalias() = M * Phi_k.transpose();
  } else {
    const Mat<6> Phi_kk = Phi.topLeftCorner<6, 6>();
    M.noalias() = Phi_kk * P.topRows<6>();
    out.topLeftCorner<6, 6>().noalias() = M.leftCols<6>() * Phi_kk.transpose();
  }
  out.topRightCorner<6, 3>() = M.rightCols<3>();
  out.bottomLeftCorner<3, 6>() = M.rightCols<3>().transpose();
  out.bottomRightCorner<3, 3>() = P.bottomRightCorner<3, 3>();
  P = out;
}

// In steps of at most max_covariance_step_s: Phi's Taylor series holds over seconds, not
// over the tens of minutes a ballistic track may coast. `phi`, if given, receives the
// transition over the whole of dt.
Gaussian<9> predict_with(const BallisticDynamics& dyn, const Gaussian<9>& g, double dt,
                         bool with_thrust, double q_v, double q_j, Mat9* phi) {
  if (phi) phi->setIdentity();
  if (dt == 0.0) return g;
  const int steps =
      std::max(1, static_cast<int>(std::ceil(std::abs(dt) / dyn.max_covariance_step_s)));
  const double h = dt / steps;
  Gaussian<9> out = g;
  for (int i = 0; i < steps; ++i) {
    const Vec9 f0 = dyn.derivative(out.x, with_thrust);
    const Mat9 Phi = dyn.transition(out.x, f0, h, with_thrust);
    out.x = dyn.propagate(out.x, f0, h, with_thrust);
    propagate_covariance(Phi, out.P);
    add_process_noise(out.P, std::abs(h), q_v, q_j);
    if (phi) *phi = i == 0 ? Phi : Mat9(Phi * *phi);
  }
  symmetrize<9>(out.P);
  return out;
}

}  // namespace

double LiftManoeuvre::sigma_mps2(const Vec<9>& x) const {
  if (!enabled()) return 0.0;
  const double h = approx_height_m(pos(x));
  const double speed = vel(x).norm();
  if (h > max_height_m || speed > max_speed_mps) return 0.0;
  const double rho = flight::air_density_kgpm3(std::max(h, 0.0));
  return std::min(max_sigma_mps2, rho * speed * speed / (2.0 * beta_lift_kgpm2));
}

Vec9 BallisticDynamics::derivative(const Vec9& x, bool with_thrust) const {
  const Vec3 p = pos(x), v = vel(x), a = acc(x);
  Vec3 acc = flight::gravity_j2(p) - 2.0 * omega.cross(v) - omega.cross(omega.cross(p));
  if (with_thrust) acc += a;
  if (beta_kgpm2 > 0.0) {
    const double rho = flight::air_density_kgpm3(approx_height_m(p));
    if (rho > 0.0) acc -= rho * v.norm() * v / (2.0 * beta_kgpm2);
  }
  Vec9 d;
  d << v, acc, Vec3::Zero();
  return d;
}

Vec9 BallisticDynamics::propagate(const Vec9& x0, double dt, bool with_thrust) const {
  return propagate(x0, derivative(x0, with_thrust), dt, with_thrust);
}

Vec9 BallisticDynamics::propagate(const Vec9& x0, const Vec9& f0, double dt,
                                  bool with_thrust) const {
  const int steps = std::max(1, static_cast<int>(std::ceil(std::abs(dt) / max_step_s)));
  const double h = dt / steps;
  Vec9 x = x0;
  for (int i = 0; i < steps; ++i) {
    const Vec9 k1 = i == 0 ? f0 : derivative(x, with_thrust);
    const Vec9 k2 = derivative(x + 0.5 * h * k1, with_thrust);
    const Vec9 k3 = derivative(x + 0.5 * h * k2, with_thrust);
    const Vec9 k4 = derivative(x + h * k3, with_thrust);
    x += h / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4);
  }
  return x;
}

Mat9 BallisticDynamics::jacobian(const Vec9& x, bool with_thrust) const {
  Mat9 A = Mat9::Zero();
  block_of<Pos, Vel>(A) = Mat3::Identity();
  block_of<Vel, Pos>(A) = gravity_gradient(pos(x));
  block_of<Vel, Vel>(A) = -2.0 * omega_cross;
  if (with_thrust) block_of<Vel, Acc>(A) = Mat3::Identity();
  return A;
}

Mat9 BallisticDynamics::transition(const Vec9& x, double dt, bool with_thrust) const {
  return transition(x, derivative(x, with_thrust), dt, with_thrust);
}

Mat9 BallisticDynamics::transition(const Vec9& x, const Vec9& f0, double dt,
                                   bool with_thrust) const {
  // A depends on the position only: the mid-interval one to second order.
  const Vec3 p_mid = pos(x) + 0.5 * dt * pos(f0) + 0.125 * dt * dt * vel(f0);
  return structured_transition(gravity_gradient(p_mid), -2.0 * omega_cross, with_thrust, dt);
}

// The series of taylor_transition for A = [0 I 0; G D T; 0 0 0] (T = I with thrust, else 0):
//   A^2 = [G D T; DG G+D^2 DT; 0],  A^3 = [DG G+D^2 DT; (G+D^2)G DG+(G+D^2)D (G+D^2)T; 0]
// so Phi takes 3 x 3 products only.
Mat9 BallisticDynamics::structured_transition(const Mat3& G, const Mat3& D, bool with_thrust,
                                              double dt) {
  const double c1 = dt, c2 = dt * dt / 2.0, c3 = dt * dt * dt / 6.0;
  const Mat3 I = Mat3::Identity();
  const Mat3 DG = D * G;
  const Mat3 E = G + D * D;  // G + D^2
  Mat9 Phi = Mat9::Zero();
  block_of<Pos, Pos>(Phi) = I + c2 * G + c3 * DG;
  block_of<Pos, Vel>(Phi) = c1 * I + c2 * D + c3 * E;
  block_of<Vel, Pos>(Phi) = c1 * G + c2 * DG + c3 * (E * G);
  block_of<Vel, Vel>(Phi) = I + c1 * D + c2 * E + c3 * (DG + E * D);
  if (with_thrust) {
    block_of<Pos, Acc>(Phi) = c2 * I + c3 * D;
    block_of<Vel, Acc>(Phi) = c1 * I + c2 * D + c3 * E;
  }
  acc_cov(Phi) = I;
  return Phi;
}

Mat9 BallisticDynamics::taylor_transition(const Mat9& A, double dt) {
  const Mat9 Adt = A * dt;
  return Mat9::Identity() + Adt + Adt * Adt / 2.0 + Adt * Adt * Adt / 6.0;
}

Gaussian<9> BallisticModel::predict(const Gaussian<9>& g, double dt, Mat9* phi) const {
  Gaussian<9> in = g;
  initialise(in);
  return predict_with(dynamics, in, dt, false, q_vel_m2ps3, 0.0, phi);
}

Gaussian<9> BallisticModel::predict_lifting(const Gaussian<9>& g, double dt, double sigma,
                                            double tau, Mat9* phi) const {
  if (phi) phi->setIdentity();
  if (dt == 0.0) return g;
  const int steps =
      std::max(1, static_cast<int>(std::ceil(std::abs(dt) / dynamics.max_covariance_step_s)));
  const double h = dt / steps;
  const double q_j = 2.0 * sigma * sigma / tau;
  Gaussian<9> out = g;
  for (int i = 0; i < steps; ++i) {
    const Vec9 f0 = dynamics.derivative(out.x, true);
    Mat9 A = dynamics.jacobian(dynamics.propagate(out.x, f0, 0.5 * h, true), true);
    block_of<Acc, Acc>(A) = -Mat3::Identity() / tau;
    const Mat9 Phi = BallisticDynamics::taylor_transition(A, h);
    const Vec3 u = vel(out.x).normalized();
    out.x = dynamics.propagate(out.x, f0, h, true);
    acc(out.x) *= std::exp(-std::abs(h) / tau);
    out.P = Phi * out.P * Phi.transpose();
    add_process_noise(out.P, std::abs(h), q_vel_m2ps3, 0.0);
    add_lift_noise(out.P, std::abs(h), q_j, u);
    if (phi) *phi = Phi * *phi;
  }
  symmetrize<9>(out.P);
  return out;
}

void BallisticModel::initialise(Gaussian<9>& g) const {
  acc(g.x).setZero();
  block_of<Acc, Kinematic>(g.P).setZero();
  block_of<Kinematic, Acc>(g.P).setZero();
  acc_cov(g.P) = Mat3::Identity() * held_accel_var_m2ps4;
}

Gaussian<9> BoostModel::predict(const Gaussian<9>& g, double dt, Mat9* phi) const {
  return predict_with(dynamics, g, dt, true, q_vel_m2ps3, q_jerk_m2ps5, phi);
}

void BoostModel::initialise(Gaussian<9>& g) const {
  acc(g.x).setZero();
  block_of<Acc, Kinematic>(g.P).setZero();
  block_of<Kinematic, Acc>(g.P).setZero();
  acc_cov(g.P) = Mat3::Identity() * initial_accel_sigma_mps2 * initial_accel_sigma_mps2;
}

Vec9 BallisticModel::propagate(const Vec9& x, double dt) const {
  Vec9 in = x;
  acc(in).setZero();
  return dynamics.propagate(in, dt, false);
}

Mat9 BallisticModel::process_noise(double dt) const {
  Mat9 Q = Mat9::Zero();
  add_process_noise(Q, std::abs(dt), q_vel_m2ps3, 0.0);
  acc_cov(Q) = Mat3::Identity() * held_accel_var_m2ps4;
  return Q;
}

Vec9 BoostModel::propagate(const Vec9& x, double dt) const {
  return dynamics.propagate(x, dt, true);
}

Mat9 BoostModel::process_noise(double dt) const {
  Mat9 Q = Mat9::Zero();
  add_process_noise(Q, std::abs(dt), q_vel_m2ps3, q_jerk_m2ps5);
  return Q;
}

}  // namespace trilink::track
