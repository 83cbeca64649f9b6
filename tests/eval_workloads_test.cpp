// The midcourse debris workload (scenario/ballistic_workload.hpp, eval/workload_trackers.hpp):
// deterministic in the seed, geometry and noise as documented, CSV round trip and bad rows named by
// file:line and field, and the 9-state ballistic EKF tracker of `trilink bench tracker --model
// ballistic` on it.
#include "eval/workload_trackers.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <sstream>

#include "geo/angles.hpp"
#include "io/workload_csv.hpp"

using namespace trilink;
using scenario::BallisticWorkload;
using scenario::BallisticWorkloadConfig;

namespace {

using BallisticTracker = track::Tracker<track::Ekf<track::BallisticModel>, track::RangeAzEl>;

bool same_detections(const BallisticWorkload& a, const BallisticWorkload& b) {
  if (a.scans.size() != b.scans.size()) return false;
  for (std::size_t k = 0; k < a.scans.size(); ++k) {
    const auto& x = a.scans[k].detections;
    const auto& y = b.scans[k].detections;
    if (x.size() != y.size()) return false;
    for (std::size_t i = 0; i < x.size(); ++i)
      if (x[i].range_m != y[i].range_m || x[i].az_rad != y[i].az_rad || x[i].el_rad != y[i].el_rad)
        return false;
  }
  return true;
}

std::size_t lines_in(const std::string& path) {
  std::ifstream in(path);
  std::size_t n = 0;
  for (std::string line; std::getline(in, line);) ++n;
  return n;
}

// Replaces the file's line `line_no` (1-based) by `text`.
void replace_line(const std::string& path, std::size_t line_no, const std::string& text) {
  std::ifstream in(path);
  std::stringstream out;
  std::size_t n = 0;
  for (std::string line; std::getline(in, line);) out << (++n == line_no ? text : line) << '\n';
  in.close();
  std::ofstream(path) << out.str();
}

}  // namespace

TEST(BallisticWorkload, SameSeedSameDataOtherSeedOtherData) {
  BallisticWorkloadConfig c;
  c.targets = 50;
  c.scans = 6;
  c.clutter_per_scan = 20.0;
  c.seed = 7;
  const auto a = eval::generate_ballistic(c);
  const auto b = eval::generate_ballistic(c);
  EXPECT_TRUE(same_detections(a, b));
  for (std::size_t k = 0; k < a.scans.size(); ++k)
    for (std::size_t i = 0; i < a.scans[k].truth.size(); ++i) {
      EXPECT_EQ(a.scans[k].truth[i].position.r_m, b.scans[k].truth[i].position.r_m);
      EXPECT_EQ(a.scans[k].truth[i].velocity_mps, b.scans[k].truth[i].velocity_mps);
    }
  c.seed = 8;
  EXPECT_FALSE(same_detections(a, eval::generate_ballistic(c)));
  EXPECT_NE(a.scans[0].truth[0].position.r_m,
            eval::generate_ballistic(c).scans[0].truth[0].position.r_m);
}

// The cloud as documented: heights 300-600 km, within the box around 39.5 N 131 E, speeds
// around the nominal 2.98 km/s; no object ever below the radar's horizon.
TEST(BallisticWorkload, CloudGeometry) {
  BallisticWorkloadConfig c;
  c.targets = 500;
  c.scans = 30;
  c.seed = 3;
  const auto w = eval::generate_ballistic(c);
  ASSERT_EQ(w.scans.size(), 30u);
  const geo::LocalFrame radar(w.radar.site);
  double speed_sum = 0.0;
  for (const auto& x : w.scans[0].truth) {
    const geo::Geodetic g = geo::to_geodetic(x.position);
    EXPECT_GE(g.h_m, 300e3);
    EXPECT_LE(g.h_m, 600e3);
    // +-100 km is ~ +-0.9 deg of latitude and ~ +-1.2 deg of longitude here.
    EXPECT_NEAR(g.lat_deg(), 39.5, 1.0);
    EXPECT_NEAR(g.lon_deg(), 131.0, 1.3);
    speed_sum += x.velocity_mps.norm();
  }
  EXPECT_NEAR(speed_sum / c.targets, std::hypot(2800.0, 1000.0), 30.0);
  for (const auto& s : w.scans)
    for (const auto& x : s.truth) {
      const auto rae = geo::to_range_az_el(radar.to_enu(x.position));
      EXPECT_GT(rae.el_rad, geo::deg_to_rad(5.0));
      EXPECT_GT(rae.range_m, 500e3);
      EXPECT_LT(rae.range_m, 1200e3);
    }
  // Free flight: position and velocity agree. Under a constant acceleration
  // dp = (v0 + v1) dt / 2 exactly; the acceleration's change over 29 s (gravity gradient
  // ~1.2e-6 /s^2 times 3 km/s, and the turning Coriolis term) leaves ~ j dt^3 / 12 ~ 10 m.
  const auto& first = w.scans.front().truth;
  const auto& last = w.scans.back().truth;
  const double dt = w.scans.back().t_s - w.scans.front().t_s;
  for (std::size_t i = 0; i < first.size(); ++i) {
    const Eigen::Vector3d mean_v = 0.5 * (first[i].velocity_mps + last[i].velocity_mps);
    EXPECT_LT((last[i].position.r_m - first[i].position.r_m - mean_v * dt).norm(), 50.0);
    EXPECT_GT((last[i].position.r_m - first[i].position.r_m).norm(), 1500.0 * dt);
  }
}

// Without clutter every detection is one object's range/az/el plus the documented noise:
// residuals normalised by the sigmas have unit mean square; Pd = 0.95 sets the count. With
// clutter, the extra detections lie in the documented region.
TEST(BallisticWorkload, NoiseDetectionProbabilityAndClutterRegion) {
  BallisticWorkloadConfig c;
  c.targets = 300;
  c.scans = 30;
  c.seed = 5;
  const auto w = eval::generate_ballistic(c);
  const geo::LocalFrame radar(w.radar.site);
  const Eigen::Vector3d sigma(w.radar.sigma_range_m, w.radar.sigma_az_rad, w.radar.sigma_el_rad);
  Eigen::Vector3d sum_sq = Eigen::Vector3d::Zero();
  std::size_t n = 0;
  for (const auto& s : w.scans) {
    std::vector<Eigen::Vector3d> truth_rae;
    for (const auto& x : s.truth) {
      const auto r = geo::to_range_az_el(radar.to_enu(x.position));
      truth_rae.emplace_back(r.range_m, r.az_rad, r.el_rad);
    }
    for (const auto& z : s.detections) {
      double best = std::numeric_limits<double>::infinity();
      Eigen::Vector3d best_e = Eigen::Vector3d::Zero();
      for (const auto& t : truth_rae) {
        const Eigen::Vector3d e((z.range_m - t.x()) / sigma.x(),
                                geo::wrap_pi(z.az_rad - t.y()) / sigma.y(),
                                (z.el_rad - t.z()) / sigma.z());
        if (e.squaredNorm() < best) best = e.squaredNorm(), best_e = e;
      }
      ASSERT_LT(best, 36.0);  // within 6 sigma (3 dof): the detection is of an object
      sum_sq += best_e.cwiseProduct(best_e);
      ++n;
    }
  }
  const double expected = c.radar.pd * c.targets * c.scans;
  EXPECT_NEAR(static_cast<double>(n), expected, 4.0 * std::sqrt(expected * 0.05));
  // The mean of n chi2(1) values has sigma sqrt(2 / n) ~ 0.015: 4 sigma.
  for (int i = 0; i < 3; ++i) EXPECT_NEAR(sum_sq[i] / n, 1.0, 0.06) << "coordinate " << i;

  c.targets = 0;
  c.clutter_per_scan = 300.0;
  const auto cw = eval::generate_ballistic(c);
  const double cloud_az =
      geo::to_range_az_el(radar.to_enu(geo::to_ecef(geo::Geodetic::from_deg(39.5, 131.0, 0.0))))
          .az_rad;
  // The generator takes the azimuth of the cloud centre at its drawn height, this test that of
  // the ground point below it: they differ by well under 0.5 deg at this geometry.
  std::size_t clutter = 0;
  for (const auto& s : cw.scans)
    for (const auto& z : s.detections) {
      ++clutter;
      EXPECT_GE(z.range_m, 200e3);
      EXPECT_LE(z.range_m, 1500e3);
      EXPECT_LE(std::abs(geo::wrap_pi(z.az_rad - cloud_az)), geo::deg_to_rad(30.5));
      EXPECT_GE(z.el_rad, geo::deg_to_rad(5.0) - 1e-3);
      EXPECT_LE(z.el_rad, geo::deg_to_rad(45.0) + 1e-3);
    }
  const double expected_clutter = c.clutter_per_scan * c.scans;
  EXPECT_NEAR(static_cast<double>(clutter), expected_clutter, 4.0 * std::sqrt(expected_clutter));
}

TEST(BallisticWorkload, ExportImportRoundTrip) {
  BallisticWorkloadConfig c;
  c.targets = 20;
  c.scans = 4;
  c.clutter_per_scan = 5;
  const auto w = eval::generate_ballistic(c);
  const std::string dir = ::testing::TempDir() + "/ballistic_roundtrip";
  ASSERT_TRUE(io::export_ballistic(w, dir).has_value());
  const auto back = io::import_ballistic(dir, w.radar);
  ASSERT_TRUE(back.has_value()) << back.error().message();
  ASSERT_EQ(back->scans.size(), w.scans.size());
  for (std::size_t k = 0; k < w.scans.size(); ++k) {
    EXPECT_EQ(back->scans[k].t_s, w.scans[k].t_s);
    ASSERT_EQ(back->scans[k].truth.size(), w.scans[k].truth.size());
    for (std::size_t i = 0; i < w.scans[k].truth.size(); ++i) {
      EXPECT_EQ(back->scans[k].truth[i].position.r_m, w.scans[k].truth[i].position.r_m);
      EXPECT_EQ(back->scans[k].truth[i].velocity_mps, w.scans[k].truth[i].velocity_mps);
    }
    ASSERT_EQ(back->scans[k].detections.size(), w.scans[k].detections.size());
    for (std::size_t i = 0; i < w.scans[k].detections.size(); ++i) {
      const auto& a = w.scans[k].detections[i];
      const auto& b = back->scans[k].detections[i];
      EXPECT_EQ(b.range_m, a.range_m);
      // Degrees on disk: back to within a few ulps, far below the 0.3 mrad noise.
      EXPECT_NEAR(b.az_rad, a.az_rad, 1e-14);
      EXPECT_NEAR(b.el_rad, a.el_rad, 1e-14);
    }
  }
}

TEST(BallisticWorkload, BadFilesAreRejectedWithFileLineAndField) {
  BallisticWorkloadConfig c;
  c.targets = 3;
  c.scans = 3;
  const auto w = eval::generate_ballistic(c);
  const std::string dir = ::testing::TempDir() + "/ballistic_bad";
  const std::string det = dir + "/detections.csv", truth = dir + "/truth.csv";
  const auto expect_error = [&](const std::string& where, const std::string& what) {
    const auto r = io::import_ballistic(dir, w.radar);
    ASSERT_FALSE(r.has_value()) << "expected an error at " << where;
    EXPECT_NE(r.error().message().find(where), std::string::npos) << r.error().message();
    EXPECT_NE(r.error().message().find(what), std::string::npos) << r.error().message();
  };
  const auto fresh = [&] { ASSERT_TRUE(io::export_ballistic(w, dir).has_value()); };

  fresh();
  std::ofstream(det, std::ios::app) << "1,1,800000,oops,30\n";
  expect_error("detections.csv:" + std::to_string(lines_in(det)) + ": az_deg", "'oops'");

  fresh();
  std::ofstream(det, std::ios::app) << "1,1,800000,360,30\n";
  expect_error("detections.csv:" + std::to_string(lines_in(det)) + ": az_deg", "[0, 360)");

  fresh();
  std::ofstream(det, std::ios::app) << "1,1,-5,100,30\n";
  expect_error("detections.csv:" + std::to_string(lines_in(det)) + ": range_m", ">= 0");

  fresh();
  std::ofstream(det, std::ios::app) << "1,1,800000,100\n";
  expect_error("detections.csv:" + std::to_string(lines_in(det)), "expected 5 fields, got 4");

  fresh();
  std::ofstream(det, std::ios::app) << "1,7,800000,100,30\n";  // scan 1 is at 1 s
  expect_error("detections.csv:" + std::to_string(lines_in(det)) + ": t_s",
               "truth.csv:" + std::to_string(2 + c.targets));

  fresh();
  std::ofstream(det, std::ios::app) << "1.5,1,800000,100,30\n";
  expect_error("detections.csv:" + std::to_string(lines_in(det)) + ": scan", "whole number");

  fresh();
  replace_line(truth, 2, "0,0,1,1,2,3,4,5,6");  // object 1 twice in scan 0, object 0 never
  expect_error("truth.csv:3: target", "appears twice");

  fresh();
  replace_line(truth, 1, "scan,t,target,x_m,y_m,z_m,vx_mps,vy_mps,vz_mps");
  expect_error("truth.csv:1", "header");

  fresh();
  std::ofstream(truth, std::ios::app) << "4,4,0,1,2,3,4,5,6\n";  // scan 3 missing
  expect_error("scan 3", "no row");

  // Made-up ids far beyond what the rows can fill are refused before memory is taken for them
  // (object 10^7 in one scan would take half a gigabyte).
  fresh();
  std::ofstream(truth, std::ios::app) << "1,1,10000000,1,2,3,4,5,6\n";
  expect_error("truth.csv:" + std::to_string(lines_in(truth)) + ": target", "leaves ids unused");

  fresh();
  std::ofstream(det, std::ios::app) << "999999,1,800000,100,30\n";
  expect_error("detections.csv:" + std::to_string(lines_in(det)) + ": scan",
               "leaves scans without a row");

  std::filesystem::remove(det);
  expect_error("detections.csv", "no such file");
}

// The tracker of `trilink bench tracker --model ballistic` on 100 objects: from scan 5, at
// least 95 % of them have a confirmed track (predicted to the scan time) within 1 km, and
// confirmed tracks near no object stay few. NIS of a consistent filter averages 3.
TEST(BallisticWorkload, TrackerFollowsTheCloud) {
  BallisticWorkloadConfig c;
  c.targets = 100;
  c.seed = 21;
  c.clutter_per_scan = 20.0;
  const auto w = eval::generate_ballistic(c);
  BallisticTracker tracker(eval::ballistic_workload_filter(),
                           eval::ballistic_workload_tracker_config());
  const Eigen::Vector3d sigma(w.radar.sigma_range_m, w.radar.sigma_az_rad, w.radar.sigma_el_rad);
  const track::Mat3 R = sigma.cwiseProduct(sigma).asDiagonal();
  const auto sensor = tracker.add_sensor(track::RangeAzEl(w.radar.site, sigma));
  double nis_sum = 0.0, worst_cover = 1.0;
  std::size_t nis_n = 0, worst_false = 0;
  for (std::size_t k = 0; k < w.scans.size(); ++k) {
    const auto& scan = w.scans[k];
    std::vector<track::Measurement> ms;
    for (const auto& z : scan.detections)
      ms.push_back({track::Vec3(z.range_m, z.az_rad, z.el_rad), R});
    tracker.process(sensor, scan.t_s, ms);
    for (const auto& d : tracker.diagnostics())
      if (k >= 10) nis_sum += d.nis, ++nis_n;
    tracker.clear_diagnostics();
    if (k < 5) continue;
    std::vector<track::Vec3> est;
    for (const auto& t : tracker.tracks())
      if (t.status != track::TrackStatus::tentative)
        est.push_back(tracker.predict(t, scan.t_s).x.head<3>());
    std::size_t covered = 0, unmatched = 0;
    for (const auto& x : scan.truth) {
      bool near = false;
      for (const auto& e : est) near = near || (e - x.position.r_m).norm() < 1e3;
      covered += near ? 1 : 0;
    }
    for (const auto& e : est) {
      bool near = false;
      for (const auto& x : scan.truth) near = near || (e - x.position.r_m).norm() < 1e3;
      unmatched += near ? 0 : 1;
    }
    const double cover = static_cast<double>(covered) / scan.truth.size();
    EXPECT_GE(cover, 0.95) << "scan " << k;
    EXPECT_LE(unmatched, 3u) << "scan " << k;
    worst_cover = std::min(worst_cover, cover);
    worst_false = std::max(worst_false, unmatched);
  }
  ASSERT_GT(nis_n, 1000u);
  EXPECT_NEAR(nis_sum / nis_n, 3.0, 0.3);
  EXPECT_EQ(tracker.counters().numerical_failures(), 0u);
  RecordProperty("worst_cover", std::to_string(worst_cover));
  RecordProperty("worst_false", std::to_string(worst_false));
  std::cout << "worst cover " << worst_cover << ", most false tracks " << worst_false
            << ", mean NIS " << nis_sum / nis_n << "\n";
}
