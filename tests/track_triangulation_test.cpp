#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "base/rng.hpp"
#include "track/triangulation.hpp"

using namespace trilink;
using namespace trilink::track;

namespace {

// Two satellites ~40 000 km out looking at a point near the surface from different sides.
const Vec3 target(-3.0e6, 4.0e6, 4.0e6);
const Vec3 sat_a(-20e6, 37e6, 0.0);
const Vec3 sat_b(-10e6, 15e6, 40e6);

Ray ray(const Vec3& from, const Vec3& to, double sigma) {
  return Ray{from, (to - from).normalized(), sigma};
}

// A unit vector perpendicular to d turned by `angle` about an axis across it.
Vec3 perturbed(const Vec3& d, double da, double db) {
  Vec3 x = d.cross(Vec3::UnitZ()).normalized();
  Vec3 y = d.cross(x);
  return (d + da * x + db * y).normalized();
}

}  // namespace

TEST(Triangulation, ExactRaysMeetAtTheTarget) {
  const Ray rays[] = {ray(sat_a, target, 20e-6), ray(sat_b, target, 20e-6)};
  const RayFix f = triangulate(rays);
  ASSERT_TRUE(f.valid) << f.reason;
  EXPECT_LT((f.point_m - target).norm(), 1e-3);
  EXPECT_LT(f.miss_m, 1e-3);
  EXPECT_NEAR(f.chi2, 0.0, 1e-9);
  EXPECT_EQ(f.dof, 1);
  // Across-ray sigma ~ range x 20 urad ~ 0.8 km: the point's sigmas are that order.
  const double s = std::sqrt(f.covariance_m2.trace() / 3.0);
  EXPECT_GT(s, 300.0);
  EXPECT_LT(s, 3000.0);
}

TEST(Triangulation, NoisyRaysAreConsistentWithTheirCovariance) {
  Rng rng(5);
  const double sigma = 20e-6;
  double nees = 0.0, chi2 = 0.0;
  const int n = 2000;
  for (int k = 0; k < n; ++k) {
    Ray a = ray(sat_a, target, sigma), b = ray(sat_b, target, sigma);
    a.direction = perturbed(a.direction, rng.normal(0, sigma), rng.normal(0, sigma));
    b.direction = perturbed(b.direction, rng.normal(0, sigma), rng.normal(0, sigma));
    const Ray rays[] = {a, b};
    const RayFix f = triangulate(rays);
    ASSERT_TRUE(f.valid);
    const Vec3 e = f.point_m - target;
    nees += e.dot(f.covariance_m2.ldlt().solve(e));
    chi2 += f.chi2;
  }
  // NEES ~ chi2(3): mean 3; the fit's chi2 ~ chi2(1): mean 1 (4 sigma bounds of the means).
  EXPECT_NEAR(nees / n, 3.0, 4.0 * std::sqrt(6.0 / n));
  EXPECT_NEAR(chi2 / n, 1.0, 4.0 * std::sqrt(2.0 / n));
}

TEST(Triangulation, DegenerateGeometryIsRefused) {
  const Ray parallel[] = {ray(sat_a, target, 20e-6), ray(sat_a + Vec3(1e3, 0, 0), target, 20e-6)};
  EXPECT_FALSE(triangulate(parallel).valid);
  // Rays that would meet behind a satellite.
  const Ray away[] = {Ray{sat_a, -(target - sat_a).normalized(), 20e-6}, ray(sat_b, target, 20e-6)};
  EXPECT_FALSE(triangulate(away).valid);
  Ray bad = ray(sat_b, target, 20e-6);
  bad.direction.x() = std::nan("");
  const Ray with_nan[] = {ray(sat_a, target, 20e-6), bad};
  const RayFix f = triangulate(with_nan);
  EXPECT_FALSE(f.valid);
  EXPECT_EQ(f.reason, "non-finite ray");
}

TEST(BoostFit, RecoversAConstantAccelerationArc) {
  const Vec3 p0(1e6, 2e6, 3e6), v0(100, -50, 300), a0(5, 2, 20);
  std::vector<TimedFix> fixes;
  Rng rng(9);
  for (double t = 0.0; t <= 8.0; t += 1.0) {
    TimedFix f;
    f.t_s = t;
    f.point_m = p0 + v0 * t + 0.5 * a0 * t * t +
                Vec3(rng.normal(0, 10), rng.normal(0, 10), rng.normal(0, 10));
    f.covariance_m2 = 100.0 * Mat3::Identity();
    fixes.push_back(f);
  }
  const BoostFit fit = fit_boost(fixes, 8.0);
  ASSERT_TRUE(fit.valid);
  const Vec<9> truth_at_8 = [&] {
    Vec<9> x;
    x << p0 + v0 * 8.0 + 0.5 * a0 * 64.0, v0 + a0 * 8.0, a0;
    return x;
  }();
  for (int i = 0; i < 9; ++i)
    EXPECT_NEAR(fit.state.x(i), truth_at_8(i), 5.0 * std::sqrt(fit.state.P(i, i))) << i;
  EXPECT_EQ(fit.dof, 3 * 9 - 9);
  EXPECT_LT(fit.chi2, fit.dof + 5.0 * std::sqrt(2.0 * fit.dof));
  EXPECT_FALSE(fit_boost(std::span(fixes).first(3), 0.0).valid);
  // Two epochs, however many points: the acceleration is not determined.
  std::vector<TimedFix> two = {fixes[0], fixes[0], fixes[1], fixes[1], fixes[1]};
  EXPECT_FALSE(fit_boost(two, 1.0).valid);
}
