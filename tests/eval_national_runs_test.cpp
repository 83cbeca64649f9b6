// The national tracker over simulated public flights: who tracks first, accuracy against
// the PCRLB, consistency, continuity, launch-point and impact-point prediction, in Monte
// Carlo runs over the scenario seed (radar noise, biases, detections and clutter redrawn).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "eval/accuracy.hpp"
#include "io/scenario_file.hpp"
#include "test_paths.hpp"

using namespace trilink;

namespace {

scenario::Scenario load(const std::string& name) {
  auto s = io::load_scenario(test_paths::scenario(name));
  EXPECT_TRUE(s.has_value()) << (s ? "" : s.error().message());
  return std::move(*s);
}

struct MonteCarlo {
  int runs = 0;
  double se_position = 0.0;    // sum over runs of midcourse RMSE^2
  double pcrlb_sq = 0.0;       // sum over runs of the bound^2
  int first_ellipse_held = 0;  // first post-burnout prediction's ellipse held the truth
  int runs_with_prediction = 0;
  std::size_t breaks = 0;
  std::size_t id_swaps = 0;
  std::size_t nees_updates = 0;
  std::size_t position_nees_inside = 0;
  std::size_t nees_inside = 0;  // position and velocity
  std::vector<double> launch_errors_m;
  bool prediction_during_boost = false;

  double rmse_over_pcrlb() const { return std::sqrt(se_position / pcrlb_sq); }
  // Fraction of runs whose launch report was within `m` of the true launch point.
  double launch_within(double m) const {
    std::size_t n = 0;
    for (double e : launch_errors_m) n += e <= m;
    return static_cast<double>(n) / runs;
  }
};

MonteCarlo monte_carlo(const std::string& scenario, int runs) {
  auto s = load(scenario);
  MonteCarlo mc;
  const auto& traj = s.launches[0].shaped.flight.trajectory;
  const double launch_t = s.launches[0].time.seconds_since(s.start);
  for (int seed = 1; seed <= runs; ++seed) {
    s.seed = static_cast<std::uint64_t>(seed);
    const auto sim = scenario::simulate(s);
    const auto run = eval::run_national_tracker(s, sim, std::nullopt);
    const auto a = eval::assess(s, sim, run)[0];
    ++mc.runs;
    mc.se_position += a.midcourse_position_rmse_m * a.midcourse_position_rmse_m;
    mc.pcrlb_sq += a.midcourse_pcrlb_position_m * a.midcourse_pcrlb_position_m;
    mc.breaks += a.breaks_in_coverage;
    mc.id_swaps += a.id_swaps;
    if (a.launch_point_error_m) mc.launch_errors_m.push_back(*a.launch_point_error_m);
    for (const auto& is : run.impacts) {
      if (is.truth != 0 || !is.prediction.valid) continue;
      if (is.t_s - launch_t < traj.burnout_s) mc.prediction_during_boost = true;
    }
    for (const auto& is : run.impacts)
      if (is.truth == 0 && is.prediction.valid) {
        ++mc.runs_with_prediction;
        mc.first_ellipse_held += is.inside_95;
        break;
      }
    for (const auto& n : run.nees) {
      const double since = n.t_s - launch_t;
      if (n.truth != 0 || since < traj.burnout_s + 30.0 || traj.geodetic_at(since).h_m < 100e3)
        continue;
      ++mc.nees_updates;
      // 95 % two-sided band of chi-square with 3 degrees of freedom.
      mc.position_nees_inside += n.nees_position >= 0.2158 && n.nees_position <= 9.348;
      mc.nees_inside += n.nees >= 1.2373 && n.nees <= 14.449;  // 6 degrees of freedom
    }
  }
  return mc;
}

}  // namespace

TEST(NationalTracking, KoreaTracksAPyongyangLaunchBeforeJapan) {
  const auto s = load("f06.yaml");
  const auto sim = scenario::simulate(s);
  const auto kor = eval::assess(s, sim, eval::run_national_tracker(s, sim, Nation::KOR))[0];
  const auto jpn = eval::assess(s, sim, eval::run_national_tracker(s, sim, Nation::JPN))[0];
  ASSERT_TRUE(kor.first_track_s && jpn.first_track_s);
  EXPECT_LT(*kor.first_track_s, 60.0);
  EXPECT_GT(*jpn.first_track_s - *kor.first_track_s, 15.0);
}

// The accuracy targets on the bundled IRBM (F08), 50 Monte Carlo runs.
TEST(NationalTracking, IrbmMonteCarlo) {
  const MonteCarlo mc = monte_carlo("f08.yaml", 50);
  ASSERT_EQ(mc.runs_with_prediction, 50);
  // After burnout, the 95 % ellipse holds the true impact point in >= 90 % of the runs.
  EXPECT_GE(mc.first_ellipse_held, 45);
  // Midcourse position RMSE within 1.3 x the PCRLB (the bound assumes the tracker's process
  // noise; the simulated truth has none, so the ratio may fall below 1).
  EXPECT_LE(mc.rmse_over_pcrlb(), 1.3);
  // Position NEES inside its 95 % band at >= 90 % of midcourse updates.
  ASSERT_GT(mc.nees_updates, 1000u);
  EXPECT_GE(static_cast<double>(mc.position_nees_inside) / mc.nees_updates, 0.90);
  // The 6-state (position and velocity) NEES too: measured 0.96.
  EXPECT_GE(static_cast<double>(mc.nees_inside) / mc.nees_updates, 0.90);
  // No track break while in coverage (1 in 50 runs before tracks stopped starting from fixes
  // a fraction of a second apart).
  EXPECT_EQ(mc.breaks, 0u);
  EXPECT_EQ(mc.id_swaps, 0u);
  EXPECT_FALSE(mc.prediction_during_boost);
  EXPECT_GE(mc.launch_within(10e3), 0.9);
}

// The lofted ICBM (F06), 50 runs (10 until session 26: an hour-long flight; with the
// range-rate gate seeds 1-10 gave a 6-state NEES of 0.8999, 0.91 noted before, while over 50
// it is 0.929 against 0.931 before: ten runs put the figure at the threshold's edge).
TEST(NationalTracking, LoftedIcbmMonteCarlo) {
  const MonteCarlo mc = monte_carlo("f06.yaml", 50);
  ASSERT_EQ(mc.runs_with_prediction, 50);
  EXPECT_GE(mc.first_ellipse_held, 45);
  // Measured over 50 runs: 1.05 before the range-rate gate, 1.19 after (session 26; cause
  // not found): the track estimates the radar biases from its start and coasts through the
  // half hour out of coverage instead of starting afresh.
  EXPECT_LE(mc.rmse_over_pcrlb(), 1.3);
  EXPECT_EQ(mc.breaks, 0u);
  EXPECT_EQ(mc.id_swaps, 0u);
  ASSERT_GT(mc.nees_updates, 1000u);
  // Measured 0.945 (position) and 0.929 (position and velocity) over 50 runs.
  EXPECT_GE(static_cast<double>(mc.position_nees_inside) / mc.nees_updates, 0.90);
  EXPECT_GE(static_cast<double>(mc.nees_inside) / mc.nees_updates, 0.90);
  EXPECT_FALSE(mc.prediction_during_boost);
  EXPECT_GE(mc.launch_within(10e3), 0.9);
}

TEST(NationalTracking, BadRadarMeasurementsAreRejectedWithAReason) {
  node::NationalTracker tracker(node::national_filter(), node::national_tracker_config());
  const auto sensor = tracker.add_sensor(
      track::RangeAzEl(geo::Geodetic::from_deg(38.1, 138.4, 100.0), track::Vec3(20, 1e-3, 1e-3)));
  const track::Mat3 R = track::Vec3(400, 1e-6, 1e-6).asDiagonal();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::vector<track::Measurement> bad{{track::Vec3(-5.0, 1.0, 0.2), R},
                                            {track::Vec3(1e6, 1.0, 2.0), R},
                                            {track::Vec3(nan, 1.0, 0.2), R},
                                            {track::Vec3(1e6, 1.0, 0.2), R * nan}};
  tracker.process(sensor, 10.0, bad);
  const auto& c = tracker.counters();
  EXPECT_EQ(c.rejected[static_cast<int>(track::RejectReason::bad_geometry)], 2u);
  EXPECT_EQ(c.rejected[static_cast<int>(track::RejectReason::non_finite)], 2u);
  tracker.process(sensor, 9.0, std::vector<track::Measurement>{{track::Vec3(1e6, 1.0, 0.2), R}});
  EXPECT_EQ(c.rejected[static_cast<int>(track::RejectReason::time_backwards)], 1u);
  EXPECT_EQ(c.measurements, 0u);
  EXPECT_TRUE(tracker.tracks().empty());
}

// Issue 11: manoeuvring SRBMs (pull-up, glide and dive in the descent) of three kinds: the
// Oki case (a 50 km apogee aimed at the islands), F14 (800 km, the longest glide) and an SRBM
// into South Korea (45 km apogee, ~380 km, no glide before its dive). Over every published
// prediction of three runs each, the 95 % ellipse holds the true impact point in >= 90 %,
// and the last prediction before impact lies within 20 km of it. (20 runs each of F12-F14,
// the salvo and Oki: docs/warning.md, tools/predictions/impact_coverage.py.)
TEST(NationalTracking, ManoeuvringSrbmPredictionsAreHonest) {
  for (const char* file : {"oki.yaml", "f14.yaml", "kor_srbm2.yaml"}) {
    auto s = load(file);
    std::size_t predictions = 0, inside = 0;
    for (int seed = 1; seed <= 3; ++seed) {
      s.seed = static_cast<std::uint64_t>(seed);
      const auto sim = scenario::simulate(s);
      const auto run = eval::run_national_tracker(s, sim, std::nullopt);
      const eval::ImpactSample* last = nullptr;
      for (const auto& is : run.impacts) {
        if (is.truth != 0 || !is.prediction.valid) continue;
        ++predictions;
        inside += is.inside_95;
        if (!last || is.t_s >= last->t_s) last = &is;
      }
      ASSERT_NE(last, nullptr) << file << " seed " << seed;
      EXPECT_LE(last->error_m, 20e3) << file << " seed " << seed;
    }
    ASSERT_GT(predictions, 30u) << file;
    EXPECT_GE(static_cast<double>(inside) / static_cast<double>(predictions), 0.90) << file;
  }
}

// The PCRLB's bias states: each radar's unknown bias enters the bound with its own prior
// sigma. A bias with a negligible prior must leave the bound as it is without one; a large
// prior on one radar must raise it. (The bound depends on the scenario's radar parameters,
// not on the run, so one tracking run serves every variant.)
TEST(NationalTracking, PcrlbTakesEachRadarsOwnBiasSigma) {
  auto s = load("f06.yaml");
  const auto sim = scenario::simulate(s);
  const auto run = eval::run_national_tracker(s, sim, Nation::JPN);
  std::vector<std::size_t> jpn;
  for (std::size_t r = 0; r < s.radars.size(); ++r)
    if (s.radars[r].nation == Nation::JPN) jpn.push_back(r);
  ASSERT_GE(jpn.size(), 2u);
  const auto bound = [&](double first_range_m, double first_angle_rad, double others_range_m,
                         double others_angle_rad) {
    scenario::Scenario v = s;
    for (std::size_t i = 0; i < jpn.size(); ++i) {
      auto& p = v.radars[jpn[i]];
      p.bias_sigma_range_m = i == 0 ? first_range_m : others_range_m;
      p.bias_sigma_az_rad = p.bias_sigma_el_rad = i == 0 ? first_angle_rad : others_angle_rad;
    }
    const auto a = eval::assess(v, sim, run)[0];
    EXPECT_GT(a.midcourse_samples, 10u);
    return a.midcourse_pcrlb_position_m;
  };
  const double none = bound(0.0, 0.0, 0.0, 0.0);
  ASSERT_TRUE(std::isfinite(none) && none > 0.0) << none;
  // Negligible priors on every radar (nine or more bias states): the bound of no bias.
  EXPECT_NEAR(bound(1e-6, 1e-12, 1e-6, 1e-12), none, 1e-3 * none);
  // Large priors on the others only: the first radar's negligible bias must not borrow them.
  const double others = bound(0.0, 0.0, 200.0, 2e-3);
  EXPECT_NEAR(bound(1e-6, 1e-12, 200.0, 2e-3), others, 1e-3 * others);
  EXPECT_GT(others, 1.01 * none);
}
