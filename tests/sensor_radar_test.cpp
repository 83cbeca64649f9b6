#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <set>
#include <vector>

#include "geo/angles.hpp"
#include "sensor/radar.hpp"

using namespace trilink::sensor;
using namespace trilink::geo;

namespace {

// A west-facing radar on Sado (public-data.md §3), notional figures.
RadarParams base_params() {
  RadarParams p;
  p.name = "test";
  p.nation = trilink::Nation::JPN;
  p.site = Geodetic::from_deg(38.1, 138.4, 50.0);
  p.boresight_az_rad = deg_to_rad(270.0);
  p.half_sector_rad = deg_to_rad(60.0);
  p.min_el_rad = deg_to_rad(1.0);
  p.max_el_rad = deg_to_rad(80.0);
  p.max_range_m = 2000e3;
  p.revisit_s = 5.0;
  p.sigma_range_m = 30.0;
  p.sigma_az_rad = 1e-3;
  p.sigma_el_rad = 1e-3;
  p.ref_range_m = 1000e3;
  p.ref_snr_db = 15.0;
  p.pfa = 1e-6;
  return p;
}

// A target at the given geometric range, azimuth and elevation from the radar.
Target target_at(const Radar& radar, double range_m, double az_deg, double el_deg, double rcs_m2,
                 std::uint32_t id = 1) {
  Target t;
  t.object_id = id;
  t.position = radar.observer().frame().to_ecef(
      to_enu(RangeAzEl{range_m, deg_to_rad(az_deg), deg_to_rad(el_deg)}));
  t.height_m = to_geodetic(t.position).h_m;
  t.rcs_m2 = rcs_m2;
  return t;
}

// Number of detections of `id` over n scans.
int count_detections(Radar& radar, const std::vector<Target>& targets, std::int64_t id, int n) {
  int hits = 0;
  for (int i = 0; i < n; ++i)
    for (const Detection& d : radar.scan(UtcTime::from_seconds(5.0 * i), targets))
      if (d.truth_id == id) ++hits;
  return hits;
}

struct Moments {
  double mean = 0.0;
  double sd = 0.0;
};
Moments moments(const std::vector<double>& x) {
  double sum = 0.0;
  for (double v : x) sum += v;
  const double mean = sum / static_cast<double>(x.size());
  double ss = 0.0;
  for (double v : x) ss += (v - mean) * (v - mean);
  return {mean, std::sqrt(ss / static_cast<double>(x.size() - 1))};
}

// Range at which a 1 m^2 target has the mean SNR that gives `pd` (closed-form inversion of
// the Swerling I formula, independent of the code under test).
double range_for_pd(const RadarParams& p, double pd) {
  const double snr = std::log(p.pfa) / std::log(pd) - 1.0;
  return p.ref_range_m * std::pow(std::pow(10.0, p.ref_snr_db / 10.0) / snr, 0.25);
}

}  // namespace

TEST(Radar, SnrFollowsRadarEquation) {
  const Radar radar(base_params(), 0, 1);
  EXPECT_NEAR(radar.snr_db(1000e3, 1.0), 15.0, 1e-12);
  EXPECT_NEAR(radar.snr_db(2000e3, 1.0), 15.0 - 40.0 * std::log10(2.0), 1e-12);
  EXPECT_NEAR(radar.snr_db(1000e3, 10.0), 25.0, 1e-12);
  EXPECT_NEAR(radar.snr_db(500e3, 0.1), 15.0 + 12.0412 - 10.0, 1e-4);
}

TEST(Radar, SwerlingOnePdReferenceValues) {
  RadarParams p = base_params();
  // SNR = 0 dB at the reference range for 1 m^2: Pd = pfa^(1/2).
  p.ref_snr_db = 0.0;
  const Radar radar(p, 0, 1);
  EXPECT_NEAR(radar.pd(1000e3, 1.0), 1e-3, 1e-12);
  // No target: Pd falls to the false-alarm probability.
  EXPECT_NEAR(radar.pd(1000e3, 0.0), 1e-6, 1e-18);
  // Tabulated requirement (Richards ch. 6; Skolnik ch. 2): Swerling 1, one look, Pfa = 1e-6,
  // Pd = 0.9 needs about 21.1 dB.
  const double r_21_1 = 1000e3 * std::pow(10.0, -21.1 / 40.0);
  EXPECT_NEAR(radar.pd(r_21_1, 1.0), 0.9, 2e-3);
  EXPECT_LT(radar.pd(r_21_1 * 1.1, 1.0), radar.pd(r_21_1, 1.0));
}

TEST(Radar, DetectionFractionMatchesPdWithinBinomialBounds) {
  const RadarParams p = base_params();
  for (double target_pd : {0.5, 0.9}) {
    Radar radar(p, 0, 42);
    const double range = range_for_pd(p, target_pd);
    const std::vector<Target> targets{target_at(radar, range, 280.0, 15.0, 1.0, 9)};
    ASSERT_TRUE(radar.in_coverage(targets[0]));
    const double pd = radar.pd(range, 1.0);
    EXPECT_NEAR(pd, target_pd, 1e-9);
    const int n = 20000;
    const double fraction = count_detections(radar, targets, 9, n) / double(n);
    EXPECT_NEAR(fraction, pd, 4.0 * std::sqrt(pd * (1.0 - pd) / n)) << target_pd;
  }
}

TEST(Radar, BelowHorizonNeverDetectedJustAboveIs) {
  RadarParams p = base_params();
  p.site.h_m = 10.0;
  p.min_el_rad = -0.05;  // the horizon, not the elevation limit, must be what cuts
  Radar radar(p, 0, 7);
  // Height at which a target 400 km west comes over the effective horizon (about 8.8 km).
  const Geodetic sub = geodesic_direct(p.site, deg_to_rad(270.0), 400e3);
  auto target_at_height = [&](double h) {
    Geodetic g = sub;
    g.h_m = h;
    return Target{3, to_ecef(g), Vec3::Zero(), h, 1e6};
  };
  double lo = 0.0, hi = 50e3;
  for (int i = 0; i < 60; ++i) {
    const double mid = 0.5 * (lo + hi);
    (radar.observer().look(target_at_height(mid).position, mid).above_horizon ? hi : lo) = mid;
  }
  EXPECT_NEAR(hi, 8.8e3, 0.5e3);

  const Target below = target_at_height(hi - 300.0);
  const Sighting s = radar.observer().look(below.position, below.height_m);
  ASSERT_FALSE(s.above_horizon);
  ASSERT_GT(s.apparent_el_rad, p.min_el_rad);
  EXPECT_FALSE(radar.in_coverage(below));
  EXPECT_EQ(count_detections(radar, {below}, 3, 5000), 0);

  const Target above = target_at_height(hi + 300.0);
  EXPECT_TRUE(radar.in_coverage(above));
  EXPECT_GT(radar.pd(radar.observer().look(above.position).geometric.range_m, 1e6), 0.999);
  EXPECT_GE(count_detections(radar, {above}, 3, 1000), 990);
}

TEST(Radar, OutsideFieldOfRegardNeverDetected) {
  Radar radar(base_params(), 0, 11);  // sector 210..330 deg, el 1..80 deg, 2000 km
  const Target inside = target_at(radar, 1900e3, 329.5, 10.0, 1e6, 1);
  const Target edge = target_at(radar, 500e3, 210.5, 10.0, 1e6, 2);
  const Target off_sector = target_at(radar, 500e3, 200.0, 10.0, 1e6, 3);
  const Target off_sector_other_side = target_at(radar, 500e3, 331.0, 10.0, 1e6, 4);
  const Target too_far = target_at(radar, 2100e3, 270.0, 10.0, 1e6, 5);
  const Target too_low = target_at(radar, 150e3, 270.0, 0.3, 1e6, 6);
  const Target too_high = target_at(radar, 300e3, 270.0, 85.0, 1e6, 7);
  // The elevation limit applies to the apparent elevation: far out, refraction lifts a
  // target whose geometric elevation is below the limit into the beam.
  const Target refracted_in = target_at(radar, 1000e3, 250.0, 0.9, 1e6, 8);
  const Sighting lifted = radar.observer().look(refracted_in.position, refracted_in.height_m);
  ASSERT_LT(lifted.geometric.el_rad, radar.params().min_el_rad);
  ASSERT_GT(lifted.apparent_el_rad, radar.params().min_el_rad + 0.01);
  const Sighting low = radar.observer().look(too_low.position, too_low.height_m);
  ASSERT_TRUE(low.above_horizon);
  ASSERT_LT(low.apparent_el_rad, radar.params().min_el_rad);
  ASSERT_TRUE(radar.observer().look(too_far.position).above_horizon);

  EXPECT_TRUE(radar.in_coverage(inside));
  EXPECT_TRUE(radar.in_coverage(edge));
  EXPECT_TRUE(radar.in_coverage(refracted_in));
  for (const Target& t : {off_sector, off_sector_other_side, too_far, too_low, too_high})
    EXPECT_FALSE(radar.in_coverage(t)) << t.object_id;

  const std::vector<Target> all{inside,  edge,    off_sector, off_sector_other_side,
                                too_far, too_low, too_high,   refracted_in};
  std::vector<int> hits(9, 0);
  const int n = 2000;
  for (int i = 0; i < n; ++i)
    for (const Detection& d : radar.scan(UtcTime::from_seconds(i), all)) ++hits.at(d.truth_id);
  EXPECT_GE(hits[1], n * 99 / 100);
  EXPECT_GE(hits[2], n * 99 / 100);
  EXPECT_GE(hits[8], n * 99 / 100);
  for (int id = 3; id <= 7; ++id) EXPECT_EQ(hits[id], 0) << id;
}

TEST(Radar, SectorWrapsAcrossNorth) {
  RadarParams p = base_params();
  p.boresight_az_rad = deg_to_rad(350.0);
  p.half_sector_rad = deg_to_rad(30.0);
  Radar radar(p, 0, 3);
  for (double az : {10.0, 19.5, 0.0, 359.9, 320.5})
    EXPECT_TRUE(radar.in_coverage(target_at(radar, 500e3, az, 10.0, 1e6))) << az;
  for (double az : {21.0, 319.0, 170.0})
    EXPECT_FALSE(radar.in_coverage(target_at(radar, 500e3, az, 10.0, 1e6))) << az;
  EXPECT_GE(count_detections(radar, {target_at(radar, 500e3, 10.0, 10.0, 1e6, 4)}, 4, 200), 198);

  // A half sector of pi or more is all round.
  p.half_sector_rad = std::numbers::pi;
  const Radar all_round(p, 0, 3);
  for (double az : {0.0, 90.0, 170.0, 180.0, 260.0})
    EXPECT_TRUE(all_round.in_coverage(target_at(all_round, 500e3, az, 10.0, 1e6))) << az;
}

TEST(Radar, NoiseMatchesBiasAndSigma) {
  RadarParams p = base_params();
  p.sigma_range_m = 25.0;
  p.sigma_az_rad = 2e-3;
  p.sigma_el_rad = 1e-3;
  p.sigma_range_rate_mps = 4.0;
  p.bias_sigma_range_m = 500.0;  // ignored: the fixed bias overrides the draw
  p.fixed_bias = MeasurementBias{40.0, 1.5e-3, -0.8e-3};
  Radar radar(p, 2, 5);
  EXPECT_EQ(radar.bias().range_m, 40.0);
  // Azimuth 359.9 deg: measured values straddle north, so the wrap is exercised too.
  Target target = target_at(radar, 800e3, 300.0, 20.0, 1e6, 8);
  target.velocity_mps = Vec3(1000.0, -2000.0, 500.0);
  const RangeAzEl truth = radar.observer().look(target.position, target.height_m).geometric;
  const Vec3 los = (target.position.r_m - radar.observer().frame().origin_ecef().r_m).normalized();
  const double truth_rr = los.dot(target.velocity_mps);
  ASSERT_GT(std::abs(truth_rr), 100.0);

  std::vector<double> dr, daz, del, drr;
  const int n = 20000;
  for (int i = 0; i < n; ++i)
    for (const Detection& d : radar.scan(UtcTime::from_seconds(i), {&target, 1})) {
      ASSERT_EQ(d.truth_id, 8);
      ASSERT_EQ(d.radar_index, 2u);
      ASSERT_TRUE(d.has_range_rate);
      ASSERT_GE(d.az_rad, 0.0);
      ASSERT_LT(d.az_rad, 2.0 * std::numbers::pi);
      ASSERT_EQ(d.sigma_range_m, 25.0);
      ASSERT_EQ(d.sigma_az_rad, 2e-3);
      ASSERT_EQ(d.sigma_el_rad, 1e-3);
      ASSERT_EQ(d.sigma_range_rate_mps, 4.0);
      ASSERT_NEAR(d.snr_db, radar.snr_db(truth.range_m, 1e6), 1e-9);
      dr.push_back(d.range_m - truth.range_m);
      daz.push_back(wrap_pi(d.az_rad - truth.az_rad));
      del.push_back(d.el_rad - truth.el_rad);
      drr.push_back(d.range_rate_mps - truth_rr);
    }
  ASSERT_GT(dr.size(), n * 99u / 100);
  const double m = static_cast<double>(dr.size());
  auto check = [&](const std::vector<double>& e, double bias, double sigma, const char* what) {
    const Moments mo = moments(e);
    EXPECT_NEAR(mo.mean, bias, 4.0 * sigma / std::sqrt(m)) << what;
    EXPECT_NEAR(mo.sd, sigma, 4.0 * sigma / std::sqrt(2.0 * m)) << what;
  };
  check(dr, 40.0, 25.0, "range");
  check(daz, 1.5e-3, 2e-3, "azimuth");
  check(del, -0.8e-3, 1e-3, "elevation");
  check(drr, 0.0, 4.0, "range-rate");
}

TEST(Radar, AzimuthNoiseWrapsAtNorth) {
  RadarParams p = base_params();
  p.boresight_az_rad = 0.0;
  p.sigma_az_rad = 5e-3;
  Radar radar(p, 0, 13);
  const Target target = target_at(radar, 500e3, 0.0, 10.0, 1e6, 1);
  int west_of_north = 0, total = 0;
  for (int i = 0; i < 2000; ++i)
    for (const Detection& d : radar.scan(UtcTime::from_seconds(i), {&target, 1})) {
      ASSERT_GE(d.az_rad, 0.0);
      ASSERT_LT(d.az_rad, 2.0 * std::numbers::pi);
      ASSERT_LT(std::abs(wrap_pi(d.az_rad)), 0.05);
      if (d.az_rad > std::numbers::pi) ++west_of_north;
      ++total;
    }
  EXPECT_NEAR(west_of_north / double(total), 0.5, 4.0 * 0.5 / std::sqrt(double(total)));
}

TEST(Radar, DrawnBiasHasItsSigma) {
  RadarParams p = base_params();
  p.bias_sigma_range_m = 100.0;
  p.bias_sigma_az_rad = 2e-3;
  p.bias_sigma_el_rad = 1e-3;
  std::vector<double> br, baz, bel;
  const int n = 2000;
  for (int seed = 0; seed < n; ++seed) {
    const Radar radar(p, 0, seed);
    br.push_back(radar.bias().range_m);
    baz.push_back(radar.bias().az_rad);
    bel.push_back(radar.bias().el_rad);
  }
  for (auto [x, sigma] : {std::pair{&br, 100.0}, {&baz, 2e-3}, {&bel, 1e-3}}) {
    const Moments mo = moments(*x);
    EXPECT_NEAR(mo.mean, 0.0, 4.0 * sigma / std::sqrt(n));
    EXPECT_NEAR(mo.sd, sigma, 4.0 * sigma / std::sqrt(2.0 * n));
  }
}

TEST(Radar, ClutterIsPoissonAndInFieldOfRegard) {
  RadarParams p = base_params();
  p.boresight_az_rad = deg_to_rad(350.0);
  p.half_sector_rad = deg_to_rad(30.0);
  p.false_alarms_per_scan = 3.5;
  p.sigma_range_rate_mps = 5.0;
  p.clutter_max_range_rate_mps = 3000.0;
  Radar radar(p, 7, 99);
  const int n = 20000;
  std::vector<double> counts, ranges;
  int east = 0;
  const UtcTime t = UtcTime::from_seconds(1.7e9);
  for (int i = 0; i < n; ++i) {
    const std::vector<Detection> dets = radar.scan(t, {});
    counts.push_back(static_cast<double>(dets.size()));
    for (const Detection& d : dets) {
      ASSERT_EQ(d.truth_id, -1);
      ASSERT_EQ(d.radar_index, 7u);
      ASSERT_EQ(d.t, t);
      ASSERT_GE(d.range_m, 0.0);
      ASSERT_LE(d.range_m, p.max_range_m);
      ASSERT_GE(d.az_rad, 0.0);
      ASSERT_LT(d.az_rad, 2.0 * std::numbers::pi);
      ASSERT_LE(std::abs(wrap_pi(d.az_rad - p.boresight_az_rad)), p.half_sector_rad + 1e-12);
      ASSERT_GE(d.el_rad, p.min_el_rad);
      ASSERT_LE(d.el_rad, p.max_el_rad);
      ASSERT_TRUE(d.has_range_rate);
      ASSERT_LE(std::abs(d.range_rate_mps), 3000.0);
      ASSERT_NEAR(d.snr_db, 10.0 * std::log10(-std::log(p.pfa)), 1e-12);
      ranges.push_back(d.range_m);
      if (wrap_pi(d.az_rad - p.boresight_az_rad) > 0.0) ++east;
    }
  }
  const double lambda = 3.5;
  const Moments c = moments(counts);
  EXPECT_NEAR(c.mean, lambda, 4.0 * std::sqrt(lambda / n));
  // Var(sample variance) of a Poisson sample ~ (lambda + 2 lambda^2) / n.
  EXPECT_NEAR(c.sd * c.sd, lambda, 4.0 * std::sqrt((lambda + 2.0 * lambda * lambda) / n));
  // Uniform over the field of regard: range mean max/2, half of them east of boresight
  // (which is where the sector wraps past north).
  const double m = static_cast<double>(ranges.size());
  EXPECT_NEAR(moments(ranges).mean, p.max_range_m / 2, 4.0 * p.max_range_m / std::sqrt(12 * m));
  EXPECT_NEAR(east / m, 0.5, 4.0 * 0.5 / std::sqrt(m));
}

namespace {

bool same(const Detection& a, const Detection& b) {
  return a.radar_index == b.radar_index && a.t == b.t && a.range_m == b.range_m &&
         a.az_rad == b.az_rad && a.el_rad == b.el_rad && a.range_rate_mps == b.range_rate_mps &&
         a.has_range_rate == b.has_range_rate && a.snr_db == b.snr_db && a.truth_id == b.truth_id;
}

std::vector<Detection> run(std::uint32_t index, std::uint64_t seed) {
  RadarParams p = base_params();
  p.false_alarms_per_scan = 2.0;
  p.sigma_range_rate_mps = 3.0;
  p.clutter_max_range_rate_mps = 2000.0;
  p.bias_sigma_range_m = 50.0;
  Radar radar(p, index, seed);
  std::vector<Target> targets;
  for (std::uint32_t i = 0; i < 5; ++i)
    targets.push_back(target_at(radar, 900e3 + 100e3 * i, 240.0 + 10.0 * i, 12.0, 1.0, i));
  std::vector<Detection> all;
  UtcTime t = radar.first_scan(UtcTime::from_seconds(1.7e9));
  for (int scan = 0; scan < 100; ++scan, t = t.plus_seconds(p.revisit_s))
    for (const Detection& d : radar.scan(t, targets)) all.push_back(d);
  return all;
}

bool same(const std::vector<Detection>& a, const std::vector<Detection>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (!same(a[i], b[i])) return false;
  return true;
}

}  // namespace

TEST(Radar, SameSeedSameDetections) {
  const std::vector<Detection> a = run(1, 2024);
  ASSERT_GT(a.size(), 300u);
  EXPECT_TRUE(same(a, run(1, 2024)));
  EXPECT_FALSE(same(a, run(1, 2025)));
  EXPECT_FALSE(same(a, run(2, 2024)));  // another radar, same exercise seed
}

TEST(Radar, FirstScanPhaseIsSeededAndWithinRevisit) {
  const RadarParams p = base_params();
  const UtcTime start = UtcTime::from_seconds(1.7e9);
  std::set<std::int64_t> phases;
  for (std::uint64_t seed = 0; seed < 20; ++seed) {
    const UtcTime first = Radar(p, 0, seed).first_scan(start);
    EXPECT_EQ(first, Radar(p, 0, seed).first_scan(start));
    EXPECT_GE(first, start);
    EXPECT_LT(first.seconds_since(start), p.revisit_s);
    phases.insert(first.ns - start.ns);
  }
  EXPECT_EQ(phases.size(), 20u);
}

TEST(Radar, RangeRateOnlyWhenItsSigmaIsPositive) {
  Radar radar(base_params(), 0, 1);
  const Target t = target_at(radar, 500e3, 270.0, 10.0, 1e6);
  const std::vector<Detection> d = radar.scan(UtcTime{}, {&t, 1});
  ASSERT_EQ(d.size(), 1u);
  EXPECT_FALSE(d[0].has_range_rate);
}

TEST(RadarValidate, AcceptsGoodParameters) {
  EXPECT_TRUE(validate(base_params()));
}

TEST(RadarValidate, RejectsBadValuesNamingTheField) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  struct Case {
    const char* field;
    void (*mutate)(RadarParams&, double, double);
  };
  const Case cases[] = {
      {"name", [](RadarParams& p, double, double) { p.name.clear(); }},
      {"site.lat_rad", [](RadarParams& p, double, double) { p.site.lat_rad = 2.0; }},
      {"site.lon_rad", [](RadarParams& p, double nan, double) { p.site.lon_rad = nan; }},
      {"site.h_m", [](RadarParams& p, double, double inf) { p.site.h_m = inf; }},
      {"boresight_az_rad", [](RadarParams& p, double nan, double) { p.boresight_az_rad = nan; }},
      {"half_sector_rad", [](RadarParams& p, double, double) { p.half_sector_rad = 0.0; }},
      {"half_sector_rad", [](RadarParams& p, double, double) { p.half_sector_rad = -1.0; }},
      {"min_el_rad", [](RadarParams& p, double, double) { p.min_el_rad = -2.0; }},
      {"max_el_rad", [](RadarParams& p, double, double) { p.max_el_rad = 2.0; }},
      {"max_el_rad", [](RadarParams& p, double, double) { p.max_el_rad = p.min_el_rad; }},
      {"max_range_m", [](RadarParams& p, double, double) { p.max_range_m = -1.0; }},
      {"max_range_m", [](RadarParams& p, double nan, double) { p.max_range_m = nan; }},
      {"revisit_s", [](RadarParams& p, double, double) { p.revisit_s = 0.0; }},
      {"revisit_s", [](RadarParams& p, double, double) { p.revisit_s = -2.5; }},
      {"sigma_range_m", [](RadarParams& p, double, double) { p.sigma_range_m = 0.0; }},
      {"sigma_az_rad", [](RadarParams& p, double nan, double) { p.sigma_az_rad = nan; }},
      {"sigma_el_rad", [](RadarParams& p, double, double) { p.sigma_el_rad = -1e-3; }},
      {"sigma_range_rate_mps", [](RadarParams& p, double, double) { p.sigma_range_rate_mps = -1; }},
      {"ref_range_m", [](RadarParams& p, double, double) { p.ref_range_m = 0.0; }},
      {"ref_snr_db", [](RadarParams& p, double, double inf) { p.ref_snr_db = inf; }},
      {"pfa", [](RadarParams& p, double, double) { p.pfa = 0.0; }},
      {"pfa", [](RadarParams& p, double, double) { p.pfa = 1.0; }},
      {"pfa", [](RadarParams& p, double, double) { p.pfa = 1.5; }},
      {"pfa", [](RadarParams& p, double nan, double) { p.pfa = nan; }},
      {"false_alarms_per_scan",
       [](RadarParams& p, double, double) { p.false_alarms_per_scan = -1; }},
      {"bias_sigma_range_m", [](RadarParams& p, double, double) { p.bias_sigma_range_m = -1.0; }},
      {"bias_sigma_az_rad", [](RadarParams& p, double nan, double) { p.bias_sigma_az_rad = nan; }},
      {"bias_sigma_el_rad", [](RadarParams& p, double, double inf) { p.bias_sigma_el_rad = inf; }},
      {"fixed_bias.az_rad",
       [](RadarParams& p, double nan, double) {
         p.fixed_bias = MeasurementBias{0, nan, 0};
       }},
      {"clutter_max_range_rate_mps",
       [](RadarParams& p, double, double) {
         p.sigma_range_rate_mps = 2.0;
         p.false_alarms_per_scan = 1.0;
         p.clutter_max_range_rate_mps = 0.0;
       }},
  };
  for (const Case& c : cases) {
    RadarParams p = base_params();
    c.mutate(p, nan, inf);
    const auto result = validate(p);
    ASSERT_FALSE(result) << c.field;
    EXPECT_EQ(result.error().where, c.field);
    EXPECT_FALSE(result.error().what.empty()) << c.field;
  }
  RadarParams p = base_params();
  p.revisit_s = -2.5;
  EXPECT_EQ(validate(p).error().message(), "revisit_s: must be positive and finite, got -2.5");
}
